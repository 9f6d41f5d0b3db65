//! Crash storm: worker processes hammer shared objects while the parent SIGKILLs them at
//! random moments (some inside the store lock) and starts replacements. Afterwards nothing may
//! be wedged, no name may be left that cannot be created again, no waiter may have overslept
//! its timeout, and no corruption may have been detected.
//!
//! Short form here; `WINIPC_CRASH_KILLS=1000 cargo test -p winipc --release --test crash`
//! is the long form.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Mailslot, MailslotWriter, Mutex, Semaphore, WaitOutcome, wait_any,
};

const NAMES: usize = 4;
/// A worker that finds a wait overran its timeout by this much reports being stuck.
const STUCK: Duration = Duration::from_secs(2);

fn xorshift(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    if role == "stall-in-set" {
        let e = Event::open(&args[0]).unwrap();
        let m = Mutex::open(&args[1]).unwrap();
        assert!(m.wait(None).unwrap().is_signaled());
        winipc::__doc::stall_in_next_transaction();
        e.set().unwrap(); // never returns
        unreachable!();
    }
    assert_eq!(role, "chaos");
    let prefix = &args[0];
    let mut rng: u64 = args[1].parse::<u64>().unwrap() | 1;
    let deadline = Instant::now() + Duration::from_secs(60);
    let timed = |timeout: Duration, f: &mut dyn FnMut() -> WaitOutcome| {
        let t = Instant::now();
        let r = f();
        if t.elapsed() > timeout + STUCK {
            say(format!("STUCK {:?} > {timeout:?}", t.elapsed()));
            std::process::exit(9);
        }
        r
    };
    while Instant::now() < deadline {
        let k = (xorshift(&mut rng) % NAMES as u64) as usize;
        let ms = Duration::from_millis(xorshift(&mut rng) % 20);
        match xorshift(&mut rng) % 7 {
            0 => {
                if let Ok(e) = Event::create(&format!("{prefix}-ev{k}"), EventReset::Auto, false) {
                    let _ = match xorshift(&mut rng) % 3 {
                        0 => e.set(),
                        1 => e.reset(),
                        _ => e.pulse(),
                    };
                    timed(ms, &mut || e.wait(Some(ms)).unwrap());
                }
            }
            1 => {
                if let Ok(m) = Mutex::create(&format!("{prefix}-mx{k}"), false) {
                    let r = timed(ms, &mut || m.wait(Some(ms)).unwrap());
                    if r.is_signaled() {
                        // Sometimes hold it across other work, so kills find it owned.
                        std::thread::sleep(Duration::from_micros(xorshift(&mut rng) % 2000));
                        m.release().unwrap();
                    }
                }
            }
            2 => {
                if let Ok(s) = Semaphore::create(&format!("{prefix}-sem{k}"), 1, 4) {
                    let _ = s.release(1);
                    timed(ms, &mut || s.wait(Some(ms)).unwrap());
                }
            }
            3 => {
                let e = Event::create(&format!("{prefix}-ev{k}"), EventReset::Manual, false);
                let m = Mutex::create(&format!("{prefix}-mx{k}"), false);
                let s = Semaphore::create(&format!("{prefix}-sem{k}"), 0, 4);
                if let (Ok(e), Ok(m), Ok(s)) = (e, m, s) {
                    let r = timed(ms, &mut || {
                        wait_any(&[e.handle(), s.handle(), m.handle()], Some(ms)).unwrap()
                    });
                    if r.index() == Some(2) {
                        m.release().unwrap();
                    }
                }
            }
            4 => {
                // Handle churn: create, duplicate, close.
                let evs: Vec<Event> = (0..8)
                    .filter_map(|_| Event::new(EventReset::Manual, false).ok())
                    .collect();
                let dups: Vec<_> = evs
                    .iter()
                    .filter_map(|e| e.handle().try_clone().ok())
                    .collect();
                drop((evs, dups));
            }
            5 => {
                let path = format!(r"\\.\mailslot\{prefix}\slot{k}");
                match Mailslot::create(&path, 0, 0) {
                    Ok(slot) => {
                        let mut buf = [0u8; 64];
                        for _ in 0..20 {
                            let _ = slot.recv(&mut buf);
                        }
                    }
                    Err(_) => {
                        if let Ok(w) = MailslotWriter::open(&path) {
                            for i in 0..20u32 {
                                let _ = w.send(&i.to_le_bytes());
                            }
                        }
                    }
                }
            }
            _ => {
                if let Ok(e) = Event::create(&format!("{prefix}-ev{k}"), EventReset::Manual, true) {
                    timed(ms, &mut || e.wait(Some(ms)).unwrap());
                }
            }
        }
    }
}

#[test]
fn crash_storm_leaves_nothing_wedged_or_stale() {
    init();
    let kills: u32 = std::env::var("WINIPC_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let _w = watchdog(Duration::from_secs(60 + u64::from(kills) / 4));
    let prefix = uniq("storm");
    let mut rng = 0x9E37_79B9_7F4A_7C15u64 ^ u64::from(std::process::id());
    let workers = 6;
    let mut seed = 1u64;
    let mut pids = Vec::new();
    let mut spawn_worker = |seed: &mut u64| {
        *seed += 1;
        let k = spawn("chaos", &[&prefix, &seed.to_string()]);
        pids.push(k.child.id());
        k
    };
    let mut kids: Vec<Kid> = (0..workers).map(|_| spawn_worker(&mut seed)).collect();
    std::thread::sleep(Duration::from_millis(200));
    for _ in 0..kills {
        std::thread::sleep(Duration::from_millis(10 + xorshift(&mut rng) % 40));
        let victim = (xorshift(&mut rng) % workers as u64) as usize;
        // A worker that exited by itself (not killed) must not have reported being stuck.
        if kids[victim].done() {
            let mut k = std::mem::replace(&mut kids[victim], spawn_worker(&mut seed));
            assert_ne!(k.line(), "STUCK", "a waiter overslept its timeout");
            continue;
        }
        kids[victim].kill();
        kids[victim] = spawn_worker(&mut seed);
    }
    for k in &mut kids {
        k.kill();
    }
    // Every name is gone once its holders are dead, and can be created afresh.
    for k in 0..NAMES {
        for name in [
            format!("{prefix}-ev{k}"),
            format!("{prefix}-mx{k}"),
            format!("{prefix}-sem{k}"),
        ] {
            let t = Instant::now();
            assert_eq!(
                code(&Event::open(&name).unwrap_err()),
                2,
                "{name} survived its holders"
            );
            assert!(t.elapsed() < Duration::from_secs(5), "a lookup was wedged");
            let e = Event::create(&name, EventReset::Manual, false).unwrap();
            assert!(!e.already_existed());
        }
        let path = format!(r"\\.\mailslot\{prefix}\slot{k}");
        assert_eq!(
            code(&MailslotWriter::open(&path).unwrap_err()),
            2,
            "{path} survived its receiver"
        );
        Mailslot::create(&path, 0, 0).unwrap();
    }
    // Nothing is wedged: a fresh object still signals and waits at once.
    let m = Mutex::create(&format!("{prefix}-after"), false).unwrap();
    assert_eq!(
        m.wait(Some(Duration::from_secs(2))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    m.release().unwrap();
    let snap = winipc::inspect::snapshot(false).unwrap();
    for s in &snap.stores {
        assert_eq!(
            s.corruptions,
            0,
            "{}: corrupt state detected",
            s.path.display()
        );
        eprintln!(
            "{}: {} lock recoveries after {kills} kills",
            s.path.display(),
            s.recoveries
        );
    }
    let survivors: Vec<u32> = snap
        .processes()
        .filter(|p| p.alive && pids.contains(&p.pid))
        .map(|p| p.pid)
        .collect();
    assert!(
        survivors.is_empty(),
        "killed workers still registered as alive: {survivors:?}"
    );
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
