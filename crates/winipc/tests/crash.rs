//! A store-lock holder killed inside a transaction: its writes are rolled back, the mutex it
//! held is abandoned to the next owner, and a waiter sleeping on the lock wakes at its death.
//!
//! The crash storm (many workers killed at random moments, every invariant checked) lives in
//! `crates/winipc-stress/tests/crash.rs`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{Event, EventReset, Mutex, WaitOutcome};

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    assert_eq!(role, "stall-in-set");
    let e = Event::open(&args[0]).unwrap();
    let m = Mutex::open(&args[1]).unwrap();
    assert!(m.wait(None).unwrap().is_signaled());
    winipc::__doc::stall_in_next_transaction();
    e.set().unwrap(); // never returns
    unreachable!();
}

#[test]
fn a_holder_killed_inside_a_transaction_is_rolled_back() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let ev_name = uniq("rollback-ev");
    let mx_name = uniq("rollback-mx");
    let ev = Event::create(&ev_name, EventReset::Manual, false).unwrap();
    let m = Mutex::create(&mx_name, false).unwrap();
    let before = winipc::inspect::snapshot(false).unwrap().stores[0].recoveries;
    // The child takes the mutex, then stops inside `set` with the event written but not
    // committed, holding the store lock.
    let mut c = spawn("stall-in-set", &[&ev_name, &mx_name]);
    assert_eq!(c.line(), "stalled");
    // Everyone else now waits on the lock; a waiter of ours sleeps on the holder's token.
    let waiter = std::thread::spawn(move || {
        let t = Instant::now();
        let r = m.wait(Some(Duration::from_secs(10))).unwrap();
        m.release().unwrap();
        (r, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(200));
    assert!(!waiter.is_finished(), "the stalled holder keeps the lock");
    c.kill();
    let (r, took) = waiter.join().unwrap();
    assert_eq!(
        r,
        WaitOutcome::Abandoned(0),
        "the dead child's mutex was abandoned to us"
    );
    assert!(
        took < Duration::from_secs(5),
        "woken by the holder's death: {took:?}"
    );
    assert!(
        !ev.is_signaled().unwrap(),
        "the uncommitted set was rolled back"
    );
    ev.set().unwrap();
    assert!(ev.is_signaled().unwrap(), "and the store works on");
    let after = winipc::inspect::snapshot(false).unwrap().stores[0].recoveries;
    assert!(
        after > before,
        "the lock was recovered from the dead holder"
    );
}
