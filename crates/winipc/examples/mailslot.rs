//! Two processes and a mailslot: this program creates `\\.\mailslot\winipc-example-<pid>`,
//! starts a copy of itself as the sender, and prints each message as it arrives.
//!
//! ```text
//! cargo run -p winipc --example mailslot
//! ```
use std::process::Command;
use std::time::Duration;

use winipc::{MAILSLOT_WAIT_FOREVER, Mailslot, MailslotWriter, Process};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "sender" {
        return sender(&args[2]);
    }

    // The receiver: creating the slot is what makes the name exist.
    let name = format!(r"\\.\mailslot\winipc-example-{}", std::process::id());
    let slot = Mailslot::create(&name, 0, MAILSLOT_WAIT_FOREVER)?;
    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["sender", &name]);
    let child = Process::spawn(cmd, false)?;
    for _ in 0..3 {
        // Message boundaries are kept: one recv, one message.
        let msg = slot.recv_vec()?;
        println!("received: {}", String::from_utf8_lossy(&msg));
    }
    child.wait(Some(Duration::from_secs(10)))?;
    println!("sender {} exited with {}", child.pid(), child.exit_code()?);
    Ok(())
}

fn sender(name: &str) -> std::io::Result<()> {
    let w = MailslotWriter::open(name)?;
    for i in 1..=3 {
        w.send(format!("message {i} from pid {}", std::process::id()).as_bytes())?;
    }
    Ok(())
}
