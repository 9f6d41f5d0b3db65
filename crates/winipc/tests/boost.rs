//! The wait-completion boost (decision 0018): a thread that sleeps in a winipc wait asks the
//! scheduler for the shortest time slice, so that it preempts the thread that wakes it on its
//! CPU; `WINIPC_NO_WAKE_BOOST=1` leaves every thread alone.

mod common;

use std::time::Duration;

use common::{init, role_args, say, uniq, watchdog};
use winipc::{Event, EventReset, Mailslot, MailslotOptions};
use winipc_sys::sched::slice_ns;

/// The kernel's minimum slice, which the boost asks for.
const SHORTEST: u64 = 100_000;

/// The calling thread's slice; every kernel this project supports (6.12 and later) reports one.
fn slice() -> u64 {
    slice_ns().expect("a kernel with custom slices (Linux 6.12 or later)")
}

#[test]
fn child() {
    let Some((role, _)) = role_args() else {
        return;
    };
    assert_eq!(role, "wait-then-report");
    let before = slice();
    let ev = Event::create(&uniq("boost-off"), EventReset::Auto, false).expect("event");
    ev.wait(Some(Duration::from_millis(5))).expect("wait");
    say(format!("{before} {}", slice()));
}

#[test]
fn a_thread_that_sleeps_in_an_object_wait_asks_for_the_shortest_slice() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let ev = Event::create(&uniq("boost-ev"), EventReset::Auto, false).expect("event");
    std::thread::spawn(move || {
        assert!(
            slice() > SHORTEST,
            "a new thread starts with the default slice"
        );
        // Signaled: no sleep, no request.
        ev.set().expect("set");
        assert!(ev.wait(Some(Duration::ZERO)).expect("wait").is_signaled());
        assert!(
            slice() > SHORTEST,
            "a wait that does not sleep asks for nothing"
        );
        assert!(
            !ev.wait(Some(Duration::from_millis(5)))
                .expect("wait")
                .is_signaled()
        );
        assert!(slice() <= SHORTEST, "slept in a wait: {} ns", slice());
    })
    .join()
    .unwrap();
    // Other threads keep theirs.
    std::thread::spawn(|| assert!(slice() > SHORTEST))
        .join()
        .unwrap();
}

#[test]
fn a_thread_that_sleeps_in_a_mailslot_read_asks_for_the_shortest_slice() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let opts = MailslotOptions {
        read_timeout: 5,
        ..Default::default()
    };
    let slot =
        Mailslot::create_with(&format!(r"\\.\mailslot\{}", uniq("boost-ms")), opts).expect("slot");
    std::thread::spawn(move || {
        assert!(slice() > SHORTEST);
        let mut buf = [0; 16];
        assert!(slot.recv(&mut buf).is_err(), "nothing was sent");
        assert!(slice() <= SHORTEST, "slept in a read: {} ns", slice());
    })
    .join()
    .unwrap();
}

#[test]
fn the_environment_turns_the_boost_off() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let mut kid = spawn_with_env();
    let line = kid.line();
    let [before, after]: [u64; 2] = line
        .split(' ')
        .map(|s| s.parse().expect("number"))
        .collect::<Vec<_>>()
        .try_into()
        .expect("two numbers");
    assert_eq!(
        before, after,
        "the slice must not change with WINIPC_NO_WAKE_BOOST=1"
    );
    assert!(after > SHORTEST);
    assert_eq!(kid.finish(), 0);
}

fn spawn_with_env() -> common::Kid {
    let mut cmd = common::child_cmd("wait-then-report", &[]);
    cmd.env("WINIPC_NO_WAKE_BOOST", "1")
        .stdout(std::process::Stdio::piped());
    common::Kid::from_child(cmd.spawn().expect("spawn"))
}
