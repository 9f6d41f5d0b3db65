//! A peer that may write a shared file may also truncate it. Truncating the world-writable
//! store of public `Global\` objects or a public mailslot ring must make calls fail with
//! ERROR_FILE_CORRUPT — never kill the processes using them with SIGBUS — and must leave
//! every private object (Local, default-security Global, mailslots) working.
//!
//! Each case runs in a child process with a store directory of its own, so that a regression
//! shows as a child killed by a signal, and the damage stays out of the other tests.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::*;
use winipc::code::ERROR_FILE_CORRUPT;
use winipc::{Event, EventReset, Mailslot, MailslotOptions, MailslotWriter, Security, WaitOutcome};

#[test]
fn child() {
    let Some((role, _)) = role_args() else {
        return;
    };
    match role.as_str() {
        "truncate-global-store" => truncate_global_store(),
        "truncate-ring" => truncate_ring(),
        other => panic!("unknown role {other}"),
    }
}

/// The one file in the store directory whose name starts with `prefix`.
fn file_starting(prefix: &str) -> PathBuf {
    let mut found: Vec<PathBuf> = std::fs::read_dir(winipc::store_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    assert_eq!(found.len(), 1, "files starting {prefix}: {found:?}");
    found.pop().unwrap()
}

fn truncate(path: &Path, len: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .unwrap()
        .set_len(len)
        .unwrap();
}

fn assert_corrupt<T: std::fmt::Debug>(r: std::io::Result<T>, what: &str) {
    let e = r.expect_err(what);
    assert_eq!(code(&e), ERROR_FILE_CORRUPT, "{what}: {e}");
}

fn truncate_global_store() {
    let name = format!("Global\\{}", uniq("trunc"));
    let ev = Event::make(
        Some(&name),
        EventReset::Manual,
        false,
        &Security::everyone(),
    )
    .unwrap();
    ev.set().unwrap();
    let private = format!("Global\\{}", uniq("private"));
    let mine = Event::make(
        Some(&private),
        EventReset::Manual,
        false,
        &Security::default(),
    )
    .unwrap();
    // A hostile user that opened one of our public objects (and so holds our public store's
    // descriptor, which it may write) keeps only the store's first page.
    truncate(&winipc::store_layout::public_store_path().unwrap(), 4096);
    // Every later call on a Global object fails with a clear error; none kills the process.
    assert_corrupt(ev.set(), "set after truncation");
    assert_corrupt(ev.reset(), "reset after truncation");
    assert_corrupt(
        ev.wait(Some(Duration::from_millis(10))),
        "wait after truncation",
    );
    assert_corrupt(Event::open(&name), "open after truncation");
    // Mailslots and default-security Global objects live in the user's private store and
    // ring files: untouched.
    let slot = Mailslot::create(&format!(r"\\.\mailslot\{}", uniq("t")), 0, 0).unwrap();
    MailslotWriter::open(slot.name())
        .unwrap()
        .send(b"ok")
        .unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"ok");
    mine.set().unwrap();
    assert!(Event::open(&private).unwrap().is_signaled().unwrap());
    // Local objects live in the per-user store (mode 0600): untouched.
    let local = Event::new(EventReset::Manual, false).unwrap();
    local.set().unwrap();
    assert_eq!(
        local.wait(Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    drop(ev); // closing a handle in a damaged store must not crash either
    say("held");
}

fn truncate_ring() {
    let name = format!(r"\\.\mailslot\{}", uniq("ring"));
    let slot = Mailslot::create_with(
        &name,
        MailslotOptions {
            security: Security::everyone(),
            ..MailslotOptions::default()
        },
    )
    .unwrap();
    let w = MailslotWriter::open(&name).unwrap();
    w.send(b"one").unwrap();
    let mut buf = [0u8; 64];
    assert_eq!(slot.recv(&mut buf).unwrap(), 3);
    w.send(b"two").unwrap();
    // A permitted sender truncates the public ring file to nothing.
    truncate(&file_starting("winipc-ms."), 0);
    assert_corrupt(slot.recv_timeout(&mut buf, Some(Duration::ZERO)), "recv");
    assert_corrupt(w.send(b"three"), "send");
    assert_corrupt(slot.info(), "info");
    // The store is intact: other objects work.
    let ev = Event::new(EventReset::Auto, true).unwrap();
    assert_eq!(
        ev.wait(Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    drop((w, slot));
    // The name is free again.
    drop(Mailslot::create(&name, 0, 0).unwrap());
    say("held");
}

fn run_alone(role: &str) {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let dir = winipc::store_dir().join(role);
    std::fs::create_dir_all(&dir).unwrap();
    let out = child_cmd(role, &[])
        .env("WINIPC_DIR", &dir)
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && said.contains("@@held"),
        "child {role}: {:?} (signal {:?})",
        out.status,
        out.status.signal()
    );
}

#[test]
fn a_truncated_global_store_fails_calls_instead_of_killing() {
    run_alone("truncate-global-store");
}

#[test]
fn a_truncated_mailslot_ring_fails_calls_instead_of_killing() {
    run_alone("truncate-ring");
}
