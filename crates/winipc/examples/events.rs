//! Two processes synchronised by named events: this program creates a manual-reset event
//! `ready` and an auto-reset event `go`, starts a copy of itself, waits until the copy says it
//! is ready, then lets it go; the copy exits with a 32-bit code that only `ExitProcess`-style
//! exits carry in full.
//!
//! ```text
//! cargo run -p winipc --example events
//! ```
use std::process::Command;
use std::time::Duration;

use winipc::{Event, EventReset, Process, WaitOutcome};

const TIMEOUT: Option<Duration> = Some(Duration::from_secs(10));

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "worker" {
        return worker(&args[2]);
    }

    // Local\ names are per user; the pid keeps two runs apart.
    let prefix = format!("winipc-example-{}", std::process::id());
    let ready = Event::create(&format!("{prefix}-ready"), EventReset::Manual, false)?;
    let go = Event::create(&format!("{prefix}-go"), EventReset::Auto, false)?;
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["worker", &prefix]);
    let child = Process::spawn(cmd, false)?;

    assert_eq!(
        ready.wait(TIMEOUT)?,
        WaitOutcome::Signaled(0),
        "worker never got ready"
    );
    println!("worker {} is ready; setting go", child.pid());
    go.set()?;
    assert_eq!(
        child.wait(TIMEOUT)?,
        WaitOutcome::Signaled(0),
        "worker did not exit"
    );
    println!("worker exited with code {:#x}", child.exit_code()?);
    Ok(())
}

fn worker(prefix: &str) -> std::io::Result<()> {
    // Creating an existing named event opens it (CreateEvent semantics).
    let ready = Event::create(&format!("{prefix}-ready"), EventReset::Manual, false)?;
    let go = Event::create(&format!("{prefix}-go"), EventReset::Auto, false)?;
    ready.set()?;
    if go.wait(TIMEOUT)? != WaitOutcome::Signaled(0) {
        winipc::exit_process(1);
    }
    println!("worker: go received");
    // More than the 8 bits a Linux exit status holds: the process object keeps all 32.
    winipc::exit_process(0xC0DE_0042)
}
