//! A long-lived sender holds a bounded number of file descriptors and mappings: a slot's ring
//! stays mapped only while this process has a handle to the slot (a writer, a receiver, or a
//! raw handle used through the C ABI's path), not for the life of the process.

mod common;

use std::time::Duration;

use common::*;
use winipc::{Mailslot, MailslotWriter, raw};

fn fds() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn ring_mappings() -> usize {
    std::fs::read_to_string("/proc/self/maps")
        .unwrap()
        .lines()
        .filter(|l| l.contains("winipc-ms-"))
        .count()
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    assert_eq!(role, "receiver");
    // Batches of short-lived slots: create them, let the parent send once to each, read
    // every message, close them all.
    let (batches, per): (usize, usize) = (args[0].parse().unwrap(), args[1].parse().unwrap());
    let mut stdin = std::io::stdin().lines();
    for b in 0..batches {
        let slots: Vec<Mailslot> = (0..per)
            .map(|i| {
                let name = format!(r"\\.\mailslot\{}-{b}-{i}", args[2]);
                Mailslot::create_with(
                    &name,
                    winipc::MailslotOptions {
                        quota: 4096,
                        ..Default::default()
                    },
                )
                .unwrap()
            })
            .collect();
        say("batch");
        assert_eq!(stdin.next().unwrap().unwrap(), "sent");
        for s in &slots {
            assert_eq!(s.recv_vec().unwrap(), b"once");
        }
        drop(slots);
        say("closed");
    }
}

#[test]
fn a_sender_to_ten_thousand_short_lived_slots_holds_a_bounded_set_of_fds_and_mappings() {
    use std::io::Write;
    init();
    let _w = watchdog(Duration::from_secs(120));
    let (batches, per) = (100, 100);
    let base = uniq("short");
    let mut cmd = child_cmd("receiver", &[&batches.to_string(), &per.to_string(), &base]);
    let mut child = cmd
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut to_kid = child.stdin.take().unwrap();
    let mut kid = Kid::from_child(child);
    let (fds_before, maps_before) = (fds(), ring_mappings());
    let mut peak = 0;
    for b in 0..batches {
        assert_eq!(kid.line(), "batch");
        for i in 0..per {
            let name = format!(r"\\.\mailslot\{base}-{b}-{i}");
            let w = MailslotWriter::open(&name).unwrap();
            if i % 2 == 0 {
                w.send(b"once").unwrap();
            } else {
                // The C ABI's path: WriteFile and CloseHandle on the raw value.
                let h = w.into_handle().into_raw();
                raw::mailslot_write(h, b"once").unwrap();
                raw::close(h).unwrap();
            }
        }
        writeln!(to_kid, "sent").unwrap();
        assert_eq!(kid.line(), "closed");
        peak = peak.max(fds()).max(ring_mappings() + fds_before);
    }
    assert_eq!(kid.finish(), 0);
    assert!(
        fds() <= fds_before + 2,
        "file descriptors: {fds_before} before, {} after ({peak} at most)",
        fds()
    );
    assert!(
        ring_mappings() <= maps_before,
        "ring mappings: {maps_before} before, {} after",
        ring_mappings()
    );
    assert!(peak <= fds_before + 4, "fds peaked at {peak}");
}

#[test]
fn a_sender_keeps_its_ring_mapped_only_while_it_has_a_handle() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = format!(r"\\.\mailslot\{}", uniq("kept"));
    let slot = Mailslot::create(&name, 0, 0).unwrap();
    let base = ring_mappings();
    let w = MailslotWriter::open(&name).unwrap();
    let dup = w.handle().try_clone().unwrap().into_raw();
    raw::mailslot_write(dup, b"a").unwrap();
    drop(w);
    // The raw duplicate still needs the ring: it keeps working.
    raw::mailslot_write(dup, b"b").unwrap();
    raw::close(dup).unwrap();
    assert_eq!(
        ring_mappings(),
        base,
        "no ring mapping outlives the last send handle"
    );
    assert_eq!(slot.recv_vec().unwrap(), b"a");
    assert_eq!(slot.recv_vec().unwrap(), b"b");
}
