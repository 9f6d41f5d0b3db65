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
