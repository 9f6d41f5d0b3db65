//! WaitForMultipleObjects across processes: this program starts two copies of itself that
//! report over a mailslot and then exit, and waits on the mailslot and both process objects
//! at once — wait-any to serve whichever is ready first, then wait-all for both exits.
//!
//! ```text
//! cargo run -p winipc --example waits
//! ```
use std::process::Command;
use std::time::Duration;

use winipc::{
    MAILSLOT_WAIT_FOREVER, Mailslot, MailslotWriter, Process, WaitOutcome, wait_all, wait_any,
};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "child" {
        let n: u32 = args[3].parse().expect("child number");
        MailslotWriter::open(&args[2])?.send(format!("child {n} reporting").as_bytes())?;
        winipc::exit_process(100 + n);
    }

    let name = format!(r"\\.\mailslot\winipc-example-waits-{}", std::process::id());
    let slot = Mailslot::create(&name, 0, MAILSLOT_WAIT_FOREVER)?;
    let children = (1..=2)
        .map(|n| {
            let mut cmd = Command::new(std::env::current_exe()?);
            cmd.args(["child", &name, &n.to_string()]);
            Process::spawn(cmd, false)
        })
        .collect::<std::io::Result<Vec<_>>>()?;

    // Wait-any: a mailslot is signaled while it holds a message; a process when it exits.
    let mut reports = 0;
    let mut exited = [false, false];
    while reports < 2 || exited.contains(&false) {
        let mut handles = vec![slot.handle()];
        let pending: Vec<usize> = (0..2).filter(|&i| !exited[i]).collect();
        handles.extend(pending.iter().map(|&i| children[i].handle()));
        match wait_any(&handles, TIMEOUT)? {
            WaitOutcome::Signaled(0) => {
                reports += 1;
                println!("mailslot: {}", String::from_utf8_lossy(&slot.recv_vec()?));
            }
            WaitOutcome::Signaled(k) => {
                let i = pending[k - 1];
                exited[i] = true;
                println!("process {} exited", children[i].pid());
            }
            other => panic!("unexpected wait result {other:?}"),
        }
    }

    // Wait-all on exited processes returns at once: both are signaled for good.
    let all = [children[0].handle(), children[1].handle()];
    assert_eq!(
        wait_all(&all, Some(Duration::ZERO))?,
        WaitOutcome::Signaled(0)
    );
    for c in &children {
        println!("child {} exit code {}", c.pid(), c.exit_code()?);
    }
    Ok(())
}
