//! Events, mutexes, semaphores, timers, names and handles — within one process and across
//! processes. Scenarios follow the ntsync selftests and Wine's sync tests.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{
    DueTime, Event, EventReset, Handle, Kind, Mutex, Semaphore, Timer, WaitOutcome, wait_all,
    wait_any,
};

const POLL: Option<Duration> = Some(Duration::ZERO);
const SEC: Duration = Duration::from_secs(1);

/// Entry point of child processes (roles below); does nothing in the parent.
#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    let a = |i: usize| args[i].as_str();
    match role.as_str() {
        // Wait on a named event, print the outcome.
        "wait-event" => {
            let ev = Event::open(a(0)).unwrap();
            say("ready");
            let r = ev.wait(Some(Duration::from_secs(10))).unwrap();
            say(format!("{r:?}"));
        }
        "set-event" => {
            Event::open(a(0)).unwrap().set().unwrap();
        }
        // Hold the store lock for a while inside a transaction (a preempted holder).
        "pause-in-set" => {
            let ev = Event::open(a(0)).unwrap();
            winipc::__doc::pause_in_next_transaction(a(1).parse().unwrap());
            ev.set().unwrap();
        }
        // Set a named event as a waker killed right after unlocking would: no wake-up.
        "set-event-losing-wakes" => {
            let ev = Event::open(a(0)).unwrap();
            winipc::__doc::lose_next_wakes();
            ev.set().unwrap();
        }
        // Take a named mutex, announce it, then wait to be killed (or exit holding it).
        "hold-mutex" => {
            let m = Mutex::open(a(0)).unwrap();
            assert!(m.wait(None).unwrap().is_signaled());
            say("holding");
            if a(1) == "exit" {
                std::process::exit(0);
            }
            std::thread::sleep(Duration::from_secs(30));
        }
        "release-foreign" => {
            let m = Mutex::open(a(0)).unwrap();
            let e = m.release().unwrap_err();
            say(code(&e));
        }
        // Create a named object and die without closing it.
        "create-and-die" => {
            let ev = Event::create(a(0), EventReset::Manual, false).unwrap();
            say("created");
            std::mem::forget(ev);
            std::thread::sleep(Duration::from_secs(30));
        }
        "open-event" => match Event::open(a(0)) {
            Ok(_) => say("ok"),
            Err(e) => say(code(&e)),
        },
        // 10k lock/increment/unlock on a shared counter file.
        "mutex-stress" => {
            let m = Mutex::open(a(0)).unwrap();
            let path = std::path::PathBuf::from(a(1));
            for _ in 0..10_000 {
                let _g = m.lock().unwrap();
                let n: u64 = std::fs::read_to_string(&path)
                    .unwrap()
                    .trim()
                    .parse()
                    .unwrap();
                std::fs::write(&path, (n + 1).to_string()).unwrap();
            }
        }
        "sem-wait" => {
            let s = Semaphore::open(a(0)).unwrap();
            say("ready");
            say(format!(
                "{:?}",
                s.wait(Some(Duration::from_secs(10))).unwrap()
            ));
        }
        // Wait for all (or any) of named objects given as kind:name, print the outcome; then
        // report each object's state as seen by this process.
        "wait-named" => {
            let all = a(0) == "all";
            let objs: Vec<Handle> = args[1..]
                .iter()
                .map(|spec| {
                    let (kind, name) = spec.split_once(':').unwrap();
                    match kind {
                        "sem" => Semaphore::open(name).unwrap().into_handle(),
                        "mutex" => Mutex::open(name).unwrap().into_handle(),
                        "event" => Event::open(name).unwrap().into_handle(),
                        _ => panic!("kind {kind}"),
                    }
                })
                .collect();
            let hs: Vec<&Handle> = objs.iter().collect();
            say("ready");
            let r = if all {
                wait_all(&hs, Some(Duration::from_secs(20))).unwrap()
            } else {
                wait_any(&hs, Some(Duration::from_secs(20))).unwrap()
            };
            say(format!("{r:?}"));
            // Release a mutex we got, so that our exit does not abandon it.
            for h in &objs {
                if h.kind() == Kind::Mutex {
                    let _ = winipc::raw::mutex_release(h.as_raw());
                }
            }
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn event_set_reset_pulse_return_previous_state() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    for reset in [EventReset::Manual, EventReset::Auto] {
        let ev = Event::new(reset, false).unwrap();
        assert!(!ev.set().unwrap());
        assert!(ev.set().unwrap());
        assert!(ev.reset().unwrap());
        assert!(!ev.reset().unwrap());
        assert!(!ev.pulse().unwrap());
        assert!(
            !ev.is_signaled().unwrap(),
            "pulse leaves the event non-signaled"
        );
        ev.set().unwrap();
        assert!(ev.pulse().unwrap());
        assert!(!ev.is_signaled().unwrap());
    }
    // Polls leave a manual event set and reset an auto event.
    let manual = Event::new(EventReset::Manual, true).unwrap();
    assert_eq!(manual.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(manual.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    let auto = Event::new(EventReset::Auto, true).unwrap();
    assert_eq!(auto.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(auto.wait(POLL).unwrap(), WaitOutcome::TimedOut);
}

#[test]
fn event_wakes_a_waiter_in_another_process() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("ev-x");
    let ev = Event::create(&name, EventReset::Manual, false).unwrap();
    let mut c = spawn("wait-event", &[&name]);
    assert_eq!(c.line(), "ready");
    std::thread::sleep(Duration::from_millis(50));
    ev.set().unwrap();
    assert_eq!(c.line(), "Signaled(0)");
    assert_eq!(finish(c), 0);
}

/// A poll of a signaled object reports it signaled even while another process holds the
/// store lock for tens of milliseconds (a lock holder preempted on a loaded machine): the wait
/// waits for the lock rather than timing out without looking.
#[test]
fn a_poll_of_a_signaled_object_waits_out_a_slow_lock_holder() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("ev-slow-holder");
    let ev = Event::create(&name, EventReset::Manual, false).unwrap();
    let other = Event::new(EventReset::Manual, true).unwrap();
    let mut c = spawn("pause-in-set", &[&name, "40"]);
    assert_eq!(c.line(), "paused");
    assert_eq!(other.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(
        other.wait(Some(Duration::from_millis(5))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(c.finish(), 0);
    assert!(ev.is_signaled().unwrap());
}

/// Usage counts do not include the handles of a killed process, even before anything else
/// (a name lookup, a wait on a mutex it owned) has noticed its death.
#[test]
fn usage_counts_drop_a_killed_process_handles_at_once() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("usage-killed");
    let m = Mutex::create(&name, false).unwrap();
    let mut c = spawn("hold-mutex", &[&name, "stay"]);
    assert_eq!(c.line(), "holding");
    assert_eq!(m.handle().usage_count().unwrap(), 2);
    c.kill();
    assert_eq!(m.handle().usage_count().unwrap(), 1);
}

/// A waker killed between publishing a waiter's result and its `FUTEX_WAKE` delays that
/// waiter by at most the re-check backstop (1 s), not until its 10 s timeout.
#[test]
fn a_wake_up_lost_with_its_waker_arrives_within_the_backstop() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("ev-lost");
    let _ev = Event::create(&name, EventReset::Auto, false).unwrap();
    let mut c = spawn("wait-event", &[&name]);
    assert_eq!(c.line(), "ready");
    std::thread::sleep(Duration::from_millis(200));
    let set_at = Instant::now();
    assert_eq!(finish(spawn("set-event-losing-wakes", &[&name])), 0);
    assert_eq!(c.line(), "Signaled(0)");
    let took = set_at.elapsed();
    assert!(took < Duration::from_secs(3), "woke after {took:?}");
    assert_eq!(finish(c), 0);
}

#[test]
fn auto_reset_event_releases_exactly_one_of_many_waiting_processes() {
    init();
    let _w = watchdog(Duration::from_secs(40));
    let name = uniq("ev-auto");
    let ev = Event::create(&name, EventReset::Auto, false).unwrap();
    let mut kids: Vec<Kid> = (0..3).map(|_| spawn("wait-event", &[&name])).collect();
    for k in &mut kids {
        assert_eq!(k.line(), "ready");
    }
    assert!(eventually(Duration::from_secs(10), || ev
        .handle()
        .waiter_count()
        .unwrap()
        == 3));
    ev.set().unwrap();
    // Exactly one is released: the others time out after 10 s unless we set twice more.
    assert!(eventually(Duration::from_secs(10), || ev
        .handle()
        .waiter_count()
        .unwrap()
        == 2));
    assert!(eventually(Duration::from_secs(10), || kids
        .iter_mut()
        .any(Kid::done)));
    std::thread::sleep(Duration::from_millis(200));
    let done = kids.iter_mut().map(Kid::done).filter(|&d| d).count();
    assert_eq!(
        done, 1,
        "one set of an auto-reset event releases exactly one waiter"
    );
    assert!(!ev.is_signaled().unwrap());
    ev.set().unwrap();
    ev.set().unwrap();
    for k in kids {
        assert_eq!(finish(k), 0);
    }
}

#[test]
fn pulse_releases_all_current_waiters_of_a_manual_event_and_one_of_an_auto_event() {
    init();
    let _w = watchdog(Duration::from_secs(40));
    for (reset, expect) in [(EventReset::Manual, 3), (EventReset::Auto, 1)] {
        let name = uniq("ev-pulse");
        let ev = Event::create(&name, reset, false).unwrap();
        let mut kids: Vec<Kid> = (0..3).map(|_| spawn("wait-event", &[&name])).collect();
        for k in &mut kids {
            assert_eq!(k.line(), "ready");
        }
        assert!(eventually(Duration::from_secs(10), || ev
            .handle()
            .waiter_count()
            .unwrap()
            == 3));
        assert!(!ev.pulse().unwrap());
        assert!(!ev.is_signaled().unwrap());
        assert_eq!(
            ev.handle().waiter_count().unwrap(),
            3 - expect,
            "{reset:?}: released at once"
        );
        assert!(eventually(Duration::from_secs(10), || {
            kids.iter_mut().map(Kid::done).filter(|&d| d).count() == expect
        }));
        std::thread::sleep(Duration::from_millis(200));
        let done = kids.iter_mut().map(Kid::done).filter(|&d| d).count();
        assert_eq!(done, expect, "{reset:?}");
        for _ in 0..3 {
            ev.set().unwrap();
        }
        for k in kids {
            assert_eq!(finish(k), 0);
        }
    }
}

#[test]
fn mutex_recursion_ownership_and_not_owner() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let name = uniq("mx");
    let m = Mutex::create(&name, true).unwrap();
    assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::Signaled(0)); // recursion: count 2
    // Another thread cannot take or release it.
    let name2 = name.clone();
    std::thread::spawn(move || {
        let m = Mutex::open(&name2).unwrap();
        assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::TimedOut);
        assert_eq!(code(&m.release().unwrap_err()), 288); // ERROR_NOT_OWNER
    })
    .join()
    .unwrap();
    // Nor another process.
    assert_eq!(run("release-foreign", &[&name]), ["288"]);
    assert_eq!(m.release().unwrap(), 2);
    assert_eq!(m.release().unwrap(), 1);
    assert_eq!(code(&m.release().unwrap_err()), 288);
}

#[test]
fn mutex_held_by_a_sigkilled_process_is_abandoned_to_the_next_waiter() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("mx-kill");
    let m = Mutex::create(&name, false).unwrap();
    let mut c = spawn("hold-mutex", &[&name, "sleep"]);
    assert_eq!(c.line(), "holding");
    assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::TimedOut);
    // Wait in another thread, then kill the owner: the waiter must wake at once.
    let name2 = name.clone();
    let waiter = std::thread::spawn(move || {
        let m = Mutex::open(&name2).unwrap();
        let t = Instant::now();
        let r = m.wait(Some(Duration::from_secs(10))).unwrap();
        // Ownership is per thread: the new owner releases before its thread ends.
        let count = m.release().unwrap();
        (r, t.elapsed(), count)
    });
    std::thread::sleep(Duration::from_millis(100));
    c.kill();
    let (r, took, count) = waiter.join().unwrap();
    assert_eq!(r, WaitOutcome::Abandoned(0));
    assert!(
        took < Duration::from_secs(5),
        "woken by the owner's death, not a timeout: {took:?}"
    );
    assert_eq!(count, 1, "the new owner holds it once");
    // The abandoned state was reported once only.
    assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    m.release().unwrap();
}

#[test]
fn mutex_held_by_a_process_that_exits_is_abandoned() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("mx-exit");
    let m = Mutex::create(&name, false).unwrap();
    let mut c = spawn("hold-mutex", &[&name, "exit"]);
    assert_eq!(c.line(), "holding");
    assert_eq!(finish(c), 0);
    assert_eq!(
        m.wait(Some(Duration::from_secs(10))).unwrap(),
        WaitOutcome::Abandoned(0)
    );
    m.release().unwrap();
}

#[test]
fn mutex_held_by_a_thread_that_exits_is_abandoned() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let name = uniq("mx-thread");
    let m = Mutex::create(&name, false).unwrap();
    let n2 = name.clone();
    std::thread::spawn(move || {
        let m = Mutex::open(&n2).unwrap();
        assert!(m.wait(None).unwrap().is_signaled());
        std::mem::forget(m); // exit holding it
    })
    .join()
    .unwrap();
    assert_eq!(
        m.wait(Some(Duration::from_secs(10))).unwrap(),
        WaitOutcome::Abandoned(0)
    );
}

#[test]
fn mutex_stress_four_processes_ten_thousand_increments_each() {
    init();
    let _w = watchdog(Duration::from_secs(120));
    let name = uniq("mx-stress");
    let _m = Mutex::create(&name, false).unwrap();
    let file = winipc::store_dir().join(uniq("counter"));
    std::fs::write(&file, "0").unwrap();
    let f = file.to_str().unwrap();
    let kids: Vec<Kid> = (0..4).map(|_| spawn("mutex-stress", &[&name, f])).collect();
    for k in kids {
        assert_eq!(finish(k), 0);
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "40000");
}

#[test]
fn semaphore_state_like_ntsync() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    assert_eq!(code(&Semaphore::new(3, 2).unwrap_err()), 87);
    assert_eq!(code(&Semaphore::new(0, 0).unwrap_err()), 87);
    let s = Semaphore::new(2, 2).unwrap();
    assert_eq!(code(&s.release(0).unwrap_err()), 87);
    assert_eq!(code(&s.release(1).unwrap_err()), 298); // ERROR_TOO_MANY_POSTS, unchanged
    assert_eq!(s.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(s.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(s.wait(POLL).unwrap(), WaitOutcome::TimedOut);
    assert_eq!(code(&s.release(3).unwrap_err()), 298);
    assert_eq!(s.release(2).unwrap(), 0);
    assert_eq!(s.release(0).map_err(|e| code(&e)), Err(87));
}

#[test]
fn semaphore_release_wakes_a_waiter_in_another_process() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("sem-x");
    let s = Semaphore::create(&name, 0, 5).unwrap();
    let mut c = spawn("sem-wait", &[&name]);
    assert_eq!(c.line(), "ready");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(s.release(1).unwrap(), 0);
    assert_eq!(c.line(), "Signaled(0)");
    assert_eq!(finish(c), 0);
}

#[test]
fn timers_relative_absolute_periodic_manual_and_cancel() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    // Synchronization timer, relative: fires once, then resets.
    let t = Timer::new(false).unwrap();
    assert_eq!(t.wait(POLL).unwrap(), WaitOutcome::TimedOut);
    let start = Instant::now();
    t.set(DueTime::After(Duration::from_millis(50)), None)
        .unwrap();
    assert_eq!(t.wait(Some(SEC * 5)).unwrap(), WaitOutcome::Signaled(0));
    assert!(start.elapsed() >= Duration::from_millis(45));
    assert_eq!(t.wait(POLL).unwrap(), WaitOutcome::TimedOut);
    // Manual timer, absolute: stays signaled.
    let m = Timer::new(true).unwrap();
    m.set(
        DueTime::At(std::time::SystemTime::now() + Duration::from_millis(30)),
        None,
    )
    .unwrap();
    assert_eq!(m.wait(Some(SEC * 5)).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    // Re-arming resets it; cancel keeps the state.
    m.set(DueTime::After(Duration::from_secs(60)), None)
        .unwrap();
    assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::TimedOut);
    m.cancel().unwrap();
    assert_eq!(
        m.wait(Some(Duration::from_millis(30))).unwrap(),
        WaitOutcome::TimedOut
    );
    // Periodic synchronization timer fires repeatedly.
    let p = Timer::new(false).unwrap();
    p.set(
        DueTime::After(Duration::from_millis(10)),
        Some(Duration::from_millis(20)),
    )
    .unwrap();
    let start = Instant::now();
    for _ in 0..5 {
        assert_eq!(p.wait(Some(SEC * 5)).unwrap(), WaitOutcome::Signaled(0));
    }
    assert!(start.elapsed() >= Duration::from_millis(80));
    p.cancel().unwrap();
    // A waiter is re-woken when its timer is re-armed earlier.
    let q = Timer::new(false).unwrap();
    q.set(DueTime::After(Duration::from_secs(3600)), None)
        .unwrap();
    let h = q.handle().try_clone().unwrap();
    let waiter = std::thread::spawn(move || {
        let q = Timer::from_handle(h).unwrap();
        q.wait(Some(SEC * 10)).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    q.set(DueTime::After(Duration::from_millis(10)), None)
        .unwrap();
    assert_eq!(waiter.join().unwrap(), WaitOutcome::Signaled(0));
}

#[test]
fn names_are_case_sensitive_shared_across_kinds_and_report_existence() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let name = uniq("Name");
    let a = Event::create(&name, EventReset::Manual, false).unwrap();
    assert!(!a.already_existed());
    let b = Event::create(&name, EventReset::Auto, true).unwrap();
    assert!(b.already_existed(), "create of an existing name opens it");
    assert!(
        !b.is_signaled().unwrap(),
        "the create parameters of an existing object are ignored"
    );
    let lower = Event::create(&name.to_lowercase(), EventReset::Manual, false).unwrap();
    assert!(!lower.already_existed(), "names are case-sensitive");
    assert_eq!(
        code(&Mutex::create(&name, false).unwrap_err()),
        6,
        "another kind: ERROR_INVALID_HANDLE"
    );
    assert_eq!(code(&Semaphore::open(&name).unwrap_err()), 6);
    assert_eq!(
        code(&Event::open(&uniq("missing")).unwrap_err()),
        2,
        "ERROR_FILE_NOT_FOUND"
    );
    assert_eq!(
        code(&Event::create("a\\b", EventReset::Manual, false).unwrap_err()),
        3,
        "ERROR_PATH_NOT_FOUND: no object directory `a`"
    );
    for bad in ["a\\", "a\\\\b", "Global\\", "Local\\\\x"] {
        assert_eq!(
            code(&Event::create(bad, EventReset::Manual, false).unwrap_err()),
            123,
            "{bad:?}: ERROR_INVALID_NAME"
        );
    }
    let long = "x".repeat(300);
    assert_eq!(
        code(&Event::create(&long, EventReset::Manual, false).unwrap_err()),
        206
    );
    // Local\ and Global\ are different namespaces.
    let g = Event::create(&format!("Global\\{name}"), EventReset::Manual, false).unwrap();
    assert!(!g.already_existed());
    let l = Event::create(&format!("Local\\{name}"), EventReset::Manual, false).unwrap();
    assert!(l.already_existed(), "Local\\x is x");
}

#[test]
fn a_name_disappears_when_its_last_handle_closes_in_any_process() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("vanish");
    let a = Event::create(&name, EventReset::Manual, false).unwrap();
    let b = Event::open(&name).unwrap();
    drop(a);
    assert!(Event::open(&name).is_ok(), "still held by b");
    drop(b);
    assert_eq!(code(&Event::open(&name).unwrap_err()), 2);
    // A name whose only holder is SIGKILLed disappears too.
    let name = uniq("vanish-kill");
    let mut c = spawn("create-and-die", &[&name]);
    assert_eq!(c.line(), "created");
    assert_eq!(run("open-event", &[&name]), ["ok"]);
    c.kill();
    assert_eq!(code(&Event::open(&name).unwrap_err()), 2);
    let again = Event::create(&name, EventReset::Manual, false).unwrap();
    assert!(!again.already_existed(), "the name can be created again");
}

#[test]
fn handles_are_small_stable_closable_once_and_duplicable() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let ev = Event::new(EventReset::Manual, false).unwrap();
    let raw = ev.handle().as_raw();
    assert!(raw != 0 && raw != u32::MAX && raw % 4 == 0 && raw < 1 << 20);
    let dup = ev.handle().try_clone().unwrap();
    assert_ne!(dup.as_raw(), raw);
    assert_eq!(ev.handle().usage_count().unwrap(), 2);
    let d = Event::from_handle(dup).unwrap();
    d.set().unwrap();
    assert!(
        ev.is_signaled().unwrap(),
        "a duplicate refers to the same object"
    );
    drop(d);
    assert_eq!(ev.handle().usage_count().unwrap(), 1);
    // Inheritable flag.
    assert!(!ev.handle().is_inheritable().unwrap());
    ev.handle().set_inheritable(true).unwrap();
    assert!(ev.handle().is_inheritable().unwrap());
    ev.handle().set_inheritable(false).unwrap();
    assert!(!ev.handle().is_inheritable().unwrap());
    // Closing twice fails.
    let h = Event::new(EventReset::Manual, false)
        .unwrap()
        .handle()
        .try_clone()
        .unwrap()
        .into_raw();
    winipc::close_handle(h).unwrap();
    assert_eq!(code(&winipc::close_handle(h).unwrap_err()), 6);
    assert_eq!(code(&winipc::close_handle(0).unwrap_err()), 6);
    assert_eq!(code(&Handle::from_raw(h).unwrap_err()), 6);
    // Values are reused: small and stable.
    let e2 = Event::new(EventReset::Manual, false).unwrap();
    assert!(e2.handle().as_raw() < 4 * 1024);
    assert_eq!(e2.handle().kind(), Kind::Event);
}

#[test]
fn closing_a_handle_during_a_wait_does_not_wake_the_waiter() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let ev = Event::new(EventReset::Manual, false).unwrap();
    let raw = ev.handle().try_clone().unwrap().into_raw();
    let t = std::thread::spawn(move || {
        winipc::wait_raw(&[raw], false, Some(Duration::from_millis(300))).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    drop(ev);
    winipc::close_handle(raw).unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::TimedOut);
}

#[test]
fn wait_any_and_wait_all_like_ntsync() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    // wait_any on [sem(2,3), mutex]: the semaphore is drained first, then the mutex.
    let s = Semaphore::new(2, 3).unwrap();
    let m = Mutex::new(false).unwrap();
    let hs = [s.handle(), m.handle()];
    assert_eq!(wait_any(&hs, POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(wait_any(&hs, POLL).unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(wait_any(&hs, POLL).unwrap(), WaitOutcome::Signaled(1));
    assert_eq!(
        wait_any(&hs, POLL).unwrap(),
        WaitOutcome::Signaled(1),
        "recursion"
    );
    m.release().unwrap();
    m.release().unwrap();
    // [s, s] decrements once.
    s.release(1).unwrap();
    assert_eq!(
        wait_any(&[s.handle(), s.handle()], POLL).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(
        wait_any(&[s.handle(), s.handle()], POLL).unwrap(),
        WaitOutcome::TimedOut
    );
    // wait_all: nothing taken unless everything is available.
    let ev = Event::new(EventReset::Manual, true).unwrap();
    assert_eq!(
        wait_all(&[s.handle(), m.handle(), ev.handle()], POLL).unwrap(),
        WaitOutcome::TimedOut
    );
    assert_eq!(
        m.wait(POLL).unwrap(),
        WaitOutcome::Signaled(0),
        "the failed wait-all took nothing"
    );
    m.release().unwrap();
    s.release(1).unwrap();
    assert_eq!(
        wait_all(&[s.handle(), m.handle(), ev.handle()], POLL).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert!(ev.is_signaled().unwrap(), "a manual event stays set");
    assert_eq!(
        s.wait(POLL).unwrap(),
        WaitOutcome::TimedOut,
        "the semaphore was taken"
    );
    m.release().unwrap();
    assert_eq!(
        code(&wait_all(&[s.handle(), s.handle()], POLL).unwrap_err()),
        87
    );
    assert_eq!(code(&wait_any(&[], POLL).unwrap_err()), 87);
}

#[test]
fn wait_all_is_not_released_by_partial_availability_and_takes_all_atomically() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let s = Semaphore::new(0, 2).unwrap();
    let m = Mutex::new(false).unwrap();
    let man = Event::new(EventReset::Manual, false).unwrap();
    let auto = Event::new(EventReset::Auto, false).unwrap();
    let raws: Vec<u32> = [s.handle(), m.handle(), man.handle(), auto.handle()]
        .iter()
        .map(|h| h.try_clone().unwrap().into_raw())
        .collect();
    let r2 = raws.clone();
    let waiter = std::thread::spawn(move || {
        winipc::wait_raw(&r2, true, Some(Duration::from_secs(10))).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    s.release(1).unwrap();
    man.set().unwrap();
    std::thread::sleep(Duration::from_millis(50));
    assert!(!waiter.is_finished());
    // Partial availability consumed nothing.
    assert_eq!(s.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
    s.release(1).unwrap();
    auto.set().unwrap();
    assert_eq!(waiter.join().unwrap(), WaitOutcome::Signaled(0));
    assert_eq!(
        s.wait(POLL).unwrap(),
        WaitOutcome::TimedOut,
        "semaphore taken"
    );
    assert!(!auto.is_signaled().unwrap(), "auto event taken");
    assert!(man.is_signaled().unwrap(), "manual event left set");
    assert_eq!(
        m.wait(POLL).unwrap(),
        WaitOutcome::Abandoned(0),
        "the wait-all took the mutex; its thread then exited owning it"
    );
    for r in raws {
        winipc::close_handle(r).unwrap();
    }
}

#[test]
fn wait_any_wakes_with_the_right_index_for_each_kind() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let s = Semaphore::new(0, 3).unwrap();
    let m = Mutex::new(true).unwrap();
    let e = Event::new(EventReset::Auto, false).unwrap();
    let raws: Vec<u32> = [s.handle(), m.handle(), e.handle()]
        .iter()
        .map(|h| h.try_clone().unwrap().into_raw())
        .collect();
    let run = |raws: Vec<u32>| {
        std::thread::spawn(move || {
            winipc::wait_raw(&raws, false, Some(Duration::from_secs(10))).unwrap()
        })
    };
    let t = run(raws.clone());
    std::thread::sleep(Duration::from_millis(30));
    s.release(1).unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(0));
    let t = run(raws.clone());
    std::thread::sleep(Duration::from_millis(30));
    e.set().unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(2));
    let t = run(raws.clone());
    std::thread::sleep(Duration::from_millis(30));
    e.pulse().unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(2));
    let t = run(raws.clone());
    std::thread::sleep(Duration::from_millis(30));
    m.release().unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(1));
}

#[test]
fn wait_any_over_64_and_4096_objects() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    for n in [65usize, 4096] {
        let evs: Vec<Event> = (0..n)
            .map(|_| Event::new(EventReset::Auto, false).unwrap())
            .collect();
        let raws: Vec<u32> = evs.iter().map(|e| e.handle().as_raw()).collect();
        let t = std::thread::spawn(move || {
            winipc::wait_raw(&raws, false, Some(Duration::from_secs(20))).unwrap()
        });
        std::thread::sleep(Duration::from_millis(100));
        evs[n - 1].set().unwrap();
        assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(n - 1));
        evs[n / 2].set().unwrap();
        evs[n - 2].set().unwrap();
        let hs: Vec<&Handle> = evs.iter().map(Event::handle).collect();
        assert_eq!(
            wait_any(&hs, POLL).unwrap(),
            WaitOutcome::Signaled(n / 2),
            "lowest index wins"
        );
    }
}

#[test]
fn waits_mix_local_and_global_objects() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let l = Event::new(EventReset::Auto, false).unwrap();
    let g = Event::create(&format!("Global\\{}", uniq("mix")), EventReset::Auto, false).unwrap();
    let raws = [
        l.handle().try_clone().unwrap().into_raw(),
        g.handle().try_clone().unwrap().into_raw(),
    ];
    let t = std::thread::spawn(move || {
        winipc::wait_raw(&raws, false, Some(Duration::from_secs(10))).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    g.set().unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(1));
    l.set().unwrap();
    g.set().unwrap();
    assert_eq!(
        wait_all(&[l.handle(), g.handle()], POLL).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert!(!l.is_signaled().unwrap() && !g.is_signaled().unwrap());
}

#[test]
fn wake_all_across_processes_needs_every_object_at_once() {
    init();
    let _w = watchdog(Duration::from_secs(40));
    let (sn, mn, man_n, auto_n) = (
        uniq("wa-sem"),
        uniq("wa-mx"),
        uniq("wa-man"),
        uniq("wa-auto"),
    );
    let s = Semaphore::create(&sn, 0, 2).unwrap();
    let m = Mutex::create(&mn, true).unwrap(); // we own it: not available
    let man = Event::create(&man_n, EventReset::Manual, false).unwrap();
    let auto = Event::create(&auto_n, EventReset::Auto, false).unwrap();
    let specs = [
        format!("sem:{sn}"),
        format!("mutex:{mn}"),
        format!("event:{man_n}"),
        format!("event:{auto_n}"),
    ];
    let mut args: Vec<&str> = vec!["all"];
    args.extend(specs.iter().map(String::as_str));
    let mut c = spawn("wait-named", &args);
    assert_eq!(c.line(), "ready");
    assert!(eventually(Duration::from_secs(10), || s
        .handle()
        .waiter_count()
        .unwrap()
        == 1));
    // Partial availability releases nothing and consumes nothing.
    s.release(1).unwrap();
    man.set().unwrap();
    auto.set().unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!c.done());
    assert_eq!(
        s.wait(POLL).unwrap(),
        WaitOutcome::Signaled(0),
        "the semaphore was not taken"
    );
    assert!(auto.is_signaled().unwrap(), "the auto event was not taken");
    s.release(1).unwrap();
    // The last one: the waiter takes everything at once.
    m.release().unwrap();
    assert_eq!(c.line(), "Signaled(0)");
    assert_eq!(c.finish(), 0);
    assert_eq!(
        s.wait(POLL).unwrap(),
        WaitOutcome::TimedOut,
        "semaphore taken"
    );
    assert!(!auto.is_signaled().unwrap(), "auto event taken");
    assert!(man.is_signaled().unwrap(), "manual event left set");
}

#[test]
fn wait_all_reports_an_abandoned_mutex_and_takes_the_rest_atomically() {
    init();
    let _w = watchdog(Duration::from_secs(40));
    let (sn, mn) = (uniq("ab-sem"), uniq("ab-mx"));
    let s = Semaphore::create(&sn, 1, 2).unwrap();
    let _m = Mutex::create(&mn, false).unwrap();
    let mut holder = spawn("hold-mutex", &[&mn, "sleep"]);
    assert_eq!(holder.line(), "holding");
    let a = format!("sem:{sn}");
    let b = format!("mutex:{mn}");
    let mut w = spawn("wait-named", &["all", &a, &b]);
    assert_eq!(w.line(), "ready");
    assert!(eventually(Duration::from_secs(10), || s
        .handle()
        .waiter_count()
        .unwrap()
        == 1));
    holder.kill();
    assert_eq!(w.line(), "Abandoned(0)", "wait-all reports the abandonment");
    assert_eq!(w.finish(), 0);
    assert_eq!(
        s.wait(POLL).unwrap(),
        WaitOutcome::TimedOut,
        "and took the semaphore with it"
    );
}

#[test]
fn wake_any_across_processes_reports_the_right_index() {
    init();
    let _w = watchdog(Duration::from_secs(40));
    let (sn, mn, en) = (uniq("wy-sem"), uniq("wy-mx"), uniq("wy-ev"));
    let s = Semaphore::create(&sn, 0, 3).unwrap();
    let m = Mutex::create(&mn, true).unwrap();
    let e = Event::create(&en, EventReset::Auto, false).unwrap();
    let specs = [
        format!("sem:{sn}"),
        format!("mutex:{mn}"),
        format!("event:{en}"),
    ];
    let signal: [&dyn Fn(); 3] = [
        &|| {
            s.release(1).unwrap();
        },
        &|| {
            m.release().unwrap();
        },
        &|| {
            e.pulse().unwrap();
        },
    ];
    for (want, fire) in signal.iter().enumerate() {
        // Each round starts with nothing available: we own the mutex (again).
        if want > 1 {
            assert_eq!(m.wait(POLL).unwrap(), WaitOutcome::Signaled(0));
        }
        let mut args: Vec<&str> = vec!["any"];
        args.extend(specs.iter().map(String::as_str));
        let mut c = spawn("wait-named", &args);
        assert_eq!(c.line(), "ready");
        assert!(eventually(Duration::from_secs(10), || e
            .handle()
            .waiter_count()
            .unwrap()
            == 1));
        fire();
        assert_eq!(c.line(), format!("Signaled({want})"));
        assert_eq!(c.finish(), 0);
    }
}

#[test]
fn thousands_of_short_lived_threads_do_not_exhaust_thread_slots() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let ev = Event::new(EventReset::Manual, true).unwrap();
    let m = Mutex::create(&uniq("short-lived"), false).unwrap();
    for i in 0..3000 {
        let h = ev.handle().try_clone().unwrap();
        let mh = m.handle().try_clone().unwrap();
        std::thread::spawn(move || {
            assert!(
                winipc::wait_for(&h, Some(Duration::ZERO))
                    .unwrap()
                    .is_signaled()
            );
            // Every tenth thread exits owning the mutex: its exit abandons it at once.
            if i % 10 == 0 {
                assert!(
                    winipc::wait_for(&mh, Some(Duration::from_secs(5)))
                        .unwrap()
                        .is_signaled()
                );
            }
        })
        .join()
        .unwrap();
        if i % 10 == 0 {
            assert_eq!(
                m.wait(Some(Duration::from_secs(5))).unwrap(),
                WaitOutcome::Abandoned(0)
            );
            m.release().unwrap();
        }
    }
}

/// Every kind checks its modify right in one place (`handles::with_kind`): a handle whose
/// access lacks `*_MODIFY_STATE` cannot set an event, release a semaphore or arm a timer
/// (ERROR_ACCESS_DENIED), but can still wait; a mutex needs no right to be released.
#[test]
fn handles_without_modify_state_can_wait_but_not_modify() {
    use winipc::{access, raw};
    init();
    let _w = watchdog(Duration::from_secs(20));
    let ev = Event::new(EventReset::Manual, true).unwrap();
    let sem = Semaphore::new(1, 5).unwrap();
    let timer = winipc::Timer::new(true).unwrap();
    for h in [ev.handle(), sem.handle(), timer.handle()] {
        let weak = raw::duplicate(h.as_raw(), false).unwrap();
        raw::set_access(weak, access::SYNCHRONIZE).unwrap();
        let denied = match h.kind() {
            winipc::Kind::Event => raw::event_set(weak).map(drop),
            winipc::Kind::Semaphore => raw::semaphore_release(weak, 1).map(drop),
            _ => raw::timer_set(weak, winipc::DueTime::After(Duration::from_millis(1)), 0),
        };
        assert_eq!(
            denied.unwrap_err().win32_code(),
            5,
            "{:?} modified without MODIFY_STATE",
            h.kind()
        );
        let waited = raw::wait(&[weak], false, Some(Duration::ZERO)).unwrap();
        assert_ne!(waited, WaitOutcome::Abandoned(0));
        raw::close(weak).unwrap();
    }
}
