//! The two-process examples (`examples/mailslot.rs`, `events.rs`, `waits.rs`) run as a user
//! runs them — `cargo run -p winipc --example NAME` — in a private store directory, and
//! print what they promise.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(300);

/// `cargo run -q -p winipc --example NAME` with this run's target dir and profile; its stdout.
fn run_example(name: &str) -> String {
    run_example_with(name, &[])
}

/// [`run_example`] with extra cargo arguments (features).
fn run_example_with(name: &str, extra: &[&str]) -> String {
    let exe = std::env::current_exe().expect("test executable");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>");
    let target = profile_dir.parent().expect("target dir");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("release") => "release",
        _ => "dev",
    };
    let store = std::env::temp_dir().join(format!("winipc-example-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&store).expect("store dir");
    let mut child = Command::new(env!("CARGO"))
        .args([
            "run",
            "-q",
            "-p",
            "winipc",
            "--profile",
            profile,
            "--example",
            name,
        ])
        .args(extra)
        .env("CARGO_TARGET_DIR", target)
        .env("WINIPC_DIR", &store)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cargo run");
    let start = Instant::now();
    while child.try_wait().expect("try_wait").is_none() {
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            panic!("example {name} did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let _ = std::fs::remove_dir_all(&store);
    assert!(
        out.status.success(),
        "example {name} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn mailslot_example_receives_three_messages_from_its_second_process() {
    let out = run_example("mailslot");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    let sender = lines[3]
        .strip_prefix("sender ")
        .and_then(|r| r.strip_suffix(" exited with 0"))
        .unwrap_or_else(|| panic!("{out}"));
    for (i, l) in lines[..3].iter().enumerate() {
        assert_eq!(*l, format!("received: message {} from pid {sender}", i + 1));
    }
    assert_ne!(sender, std::process::id().to_string());
}

#[test]
fn events_example_hands_over_and_keeps_the_32_bit_exit_code() {
    let out = run_example("events");
    assert!(out.contains(" is ready; setting go\n"), "{out}");
    assert!(out.contains("worker: go received\n"), "{out}");
    assert!(
        out.ends_with("worker exited with code 0xc0de0042\n"),
        "{out}"
    );
}

#[test]
fn waits_example_sees_both_reports_and_both_exits() {
    let out = run_example("waits");
    for needle in [
        "mailslot: child 1 reporting",
        "mailslot: child 2 reporting",
        "exit code 101",
        "exit code 102",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in:\n{out}");
    }
    assert_eq!(out.matches(" exited\n").count(), 2, "{out}");
}

/// The tokio example (`--features tokio`): one task loop serves TCP and a mailslot and stops
/// on a named event that another process sets.
#[test]
fn tokio_server_example_serves_tcp_and_a_mailslot_and_stops_on_an_event() {
    let out = run_example_with("tokio_server", &["--features", "tokio"]);
    assert_eq!(
        out,
        "tcp: served a connection\nmailslot: first\nmailslot: second\n\
         stop event set: stopping after 2 messages\nclient exited with 0\n"
    );
}
