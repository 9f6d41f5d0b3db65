//! `winipc demo`: the main job in one command — a mailslot receiver and two senders, each a
//! separate process, talking.

use std::io::{self, BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;

use crate::status;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Messages per sender.
    #[arg(long, default_value_t = 3)]
    pub messages: u32,
}

/// Runs the demo.
pub fn run(a: DemoArgs) -> io::Result<u8> {
    let me = std::env::current_exe()?;
    let name = format!(r"\\.\mailslot\winipc\demo-{}", std::process::id());
    let total = 2 * a.messages;
    println!("winipc demo: a receiver and two senders, each a separate process");
    println!("  receiver: winipc recv '{name}' --count {total}");
    let mut receiver = Command::new(&me)
        .args([
            "recv",
            &name,
            "--count",
            &total.to_string(),
            "--timeout",
            "10000",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    // Wait until the slot exists (the receiver creates it).
    let start = Instant::now();
    while winipc::MailslotWriter::open(&name).is_err() {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = receiver.kill();
            return Err(io::Error::other("the receiver did not create its mailslot"));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let mut senders = Vec::new();
    for s in 1..=2 {
        let msgs: Vec<String> = (1..=a.messages)
            .map(|i| format!("hello from sender {s} ({i}/{})", a.messages))
            .collect();
        println!(
            "  sender {s}: winipc send '{name}' {}",
            msgs.iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        senders.push(
            Command::new(&me)
                .arg("send")
                .arg(&name)
                .args(&msgs)
                .spawn()?,
        );
    }
    let out = receiver.stdout.take().expect("piped");
    let mut got = 0;
    for line in BufReader::new(out).lines() {
        got += 1;
        println!("  received #{got}: {}", line?);
    }
    for mut s in senders {
        if !s.wait()?.success() {
            return Err(io::Error::other("a sender failed"));
        }
    }
    let st = receiver.wait()?;
    if !st.success() || got != total {
        return Err(io::Error::other(format!(
            "the receiver got {got} of {total} messages"
        )));
    }
    println!(
        "winipc demo: {total} messages delivered, boundaries kept, each sender's order preserved"
    );
    Ok(status::OK)
}
