//! Issue 13 item 8, in a test binary of its own: it counts this process's open files and
//! mappings, which tests running beside it in one process would disturb.
mod common;

use std::time::{Duration, Instant};

use common::inbound::{FROM, inbound, setup, unique};
use winipc_net::Outcome;

/// Open file descriptors and mappings of this process.
fn fds_and_maps() -> (usize, usize) {
    let fds = std::fs::read_dir("/proc/self/fd").unwrap().count();
    let maps = std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .count();
    (fds, maps)
}

/// Issue 13 item 8: delivering to 1,200 short-lived slots (more than the usual limit of 1,024
/// open files), each created and closed by another
/// process (as the daemon's receivers are), leaves this process with a bounded number of open
/// files and mappings: at most `MAX_CACHED_WRITERS` writers are cached, and the ring of a
/// writer that is dropped must be released.
#[test]
fn writer_resources_stay_bounded() {
    setup();
    let _dog = common::watchdog("writer_resources_stay_bounded", Duration::from_secs(120));
    const SLOTS: usize = 1200;
    let dir = winipc::store_dir();
    let mut child = std::process::Command::new(common::PROBE)
        .args(["slots", "inb_short", "--count", &SLOTS.to_string()])
        .env("WINIPC_DIR", dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut to_child = child.stdin.take().unwrap();
    let mut from_child = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut read_line = |line: &mut String| {
        line.clear();
        std::io::BufRead::read_line(&mut from_child, line).unwrap();
        line.trim().to_owned()
    };
    let mut i = inbound();
    let mut before = None;
    let mut peak = (0, 0);
    let mut got = 0;
    for n in 0..SLOTS {
        assert_eq!(read_line(&mut line), format!("ready {n}"));
        let d = unique(&format!("inb_short{n}"), b"short-lived");
        assert_eq!(
            i.handle(&d, FROM, Instant::now()),
            Outcome::Delivered,
            "slot {n}"
        );
        std::io::Write::write_all(&mut to_child, b"next\n").unwrap();
        if read_line(&mut line) == format!("got {n}") {
            got += 1;
        }
        let now = fds_and_maps();
        if n == 2 * winipc_net::inbound::MAX_CACHED_WRITERS {
            before = Some(now);
        }
        peak = (peak.0.max(now.0), peak.1.max(now.1));
    }
    drop(to_child);
    let _ = child.wait();
    assert_eq!(got, SLOTS);
    assert!(i.cached_writers() <= winipc_net::inbound::MAX_CACHED_WRITERS);
    let before = before.unwrap();
    let after = fds_and_maps();
    eprintln!(
        "fds/maps after {} slots: {before:?}; after {SLOTS}: {after:?}; peak {peak:?}",
        2 * winipc_net::inbound::MAX_CACHED_WRITERS
    );
    assert!(
        peak.0 <= before.0 + 16 && peak.1 <= before.1 + 16,
        "open files/mappings grew with the number of slots delivered to: {before:?} -> peak {peak:?}"
    );
}
