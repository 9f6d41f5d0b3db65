//! Reaping is bounded and never wedges: processes that die holding thousands of handles are
//! cleaned up over several transactions, and every lookup keeps working meanwhile.
//!
//! Before bounded reaping, two processes holding 12,000 handles each that exited without
//! closing them overflowed the single reaping transaction's undo log, and from then on every
//! lookup of an existing name failed with ERROR_NOT_ENOUGH_MEMORY, for good.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{Event, EventReset};

const HANDLES_EACH: usize = 12_000;

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    if role == "mislinked" {
        // A named event whose name sits in the wrong bucket of the index; then die holding it.
        let ev = Event::create(&args[0], EventReset::Manual, false).expect("create");
        winipc::__doc::mislink_name(ev.handle()).expect("mislink");
        say("ready");
        loop {
            std::thread::sleep(Duration::from_secs(60)); // killed by the parent
        }
    }
    assert_eq!(role, "hoard");
    // Open the shared name, then make named objects of our own (each freed, with its name,
    // when the dead process's handles are closed) until HANDLES_EACH handles are held, and
    // leave without closing any of them.
    let ev = Event::create(&args[0], EventReset::Manual, false).expect("create");
    let mut held = vec![ev.into_handle()];
    while held.len() < HANDLES_EACH {
        let name = format!("{}-{}-{}", args[0], std::process::id(), held.len());
        let own = Event::create(&name, EventReset::Manual, false).expect("create own");
        held.push(own.into_handle());
    }
    say("ready");
    std::mem::forget(held);
    if args[1] == "exit" {
        std::process::exit(0);
    }
    loop {
        std::thread::sleep(Duration::from_secs(60)); // killed by the parent
    }
}

fn hoard_and_die(name: &str, how: &str) -> Event {
    let held = Event::create(name, EventReset::Manual, false).expect("create the shared name");
    let mut kids: Vec<Kid> = (0..2).map(|_| spawn("hoard", &[name, how])).collect();
    for k in &mut kids {
        assert_eq!(k.line(), "ready");
    }
    for mut k in kids {
        if how == "kill" {
            k.kill();
        } else {
            assert_eq!(k.finish(), 0);
        }
    }
    held
}

fn check_names_usable(ns: &str, how: &str) {
    init();
    let _w = watchdog(Duration::from_secs(120));
    let hoarded = format!("{ns}{}", uniq("hoarded"));
    let held = hoard_and_die(&hoarded, how);
    let start = Instant::now();
    // Every kind of lookup works at once: open the hoarded name, create a fresh one, create
    // over an existing one, and count usage (which closes the dead processes' handles).
    let again = Event::open(&hoarded).expect("open after the hoarders died");
    assert!(again.already_existed());
    let fresh = Event::create(&format!("{ns}{}", uniq("fresh")), EventReset::Auto, false)
        .expect("create a new name after the hoarders died");
    assert!(!fresh.already_existed());
    let over = Event::create(&hoarded, EventReset::Manual, false).expect("create over a name");
    assert!(over.already_existed());
    assert_eq!(
        held.handle().usage_count().expect("usage count"),
        3,
        "only our three handles are left once the dead processes' 24,000 are closed"
    );
    let took = start.elapsed();
    assert!(
        took < Duration::from_secs(1),
        "names were usable only after {took:?}"
    );
    // The name dies with our handles, and can be made anew.
    drop((held, again, over));
    let new = Event::create(&hoarded, EventReset::Manual, false).expect("re-create");
    assert!(
        !new.already_existed(),
        "the name was freed with its last handle"
    );
}

/// Both variants in one test, one after the other: `Global\\` objects with default security
/// live in the same private store as `Local` ones, and two runs at once (48,000 objects)
/// would exceed the store's 32,768 object slots.
#[test]
fn names_survive_two_hoarders_that_exit_or_are_killed() {
    check_names_usable("Global\\", "exit");
    check_names_usable("", "kill");
}

/// A corrupt name index (a name linked into the wrong bucket, as a bug once left the listings
/// of named pipes) is repaired when its object goes: the dead holder is reaped, the name is
/// free again, and lookups in the store keep working. Before, every reap of that holder
/// failed as corrupt, and so did every later lookup in the store, for good.
#[test]
fn a_misplaced_name_does_not_wedge_the_store() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = uniq("mislinked");
    let mut k = spawn("mislinked", &[&name]);
    assert_eq!(k.line(), "ready");
    k.kill();
    // Reaping the killed holder removes the name; then the name is new again.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let ev = Event::create(&name, EventReset::Manual, false).expect("create after the kill");
        if !ev.already_existed() {
            break;
        }
        // (found before its dead holder was reaped: the bucket it is looked up in does not
        // hold it, so this cannot happen — but allow the reaper its moment)
        assert!(
            Instant::now() < deadline,
            "the dead holder's name never went away"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let other = uniq("after-mislinked");
    let a = Event::create(&other, EventReset::Manual, false).unwrap();
    assert!(!a.already_existed());
    assert!(Event::open(&other).is_ok());
    let snap = winipc::inspect::snapshot(false).unwrap();
    assert!(
        snap.stores.iter().map(|s| s.corruptions).sum::<u32>() >= 1,
        "the repair is counted as a corruption"
    );
}
