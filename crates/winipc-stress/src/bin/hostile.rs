//! Roles of the hostile-shared-memory suite (`tests/hostile.rs`), one per process, and `solo`:
//! one process that attacks its own Global store and mailslot ring and keeps using them (the
//! form run under valgrind).
//!
//! Usage: `hostile ROLE DIR SECS SEED`. Every role uses objects in `DIR` only, times every
//! call against its timeout, prints one `@@` summary line and exits 0; a call that overruns
//! its timeout by more than the lock patience (10 s) plus slack prints `HUNG` and exits 3.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use winipc::{
    Event, EventReset, Mailslot, MailslotOptions, MailslotWriter, Mutex, Security, Semaphore,
    WaitOutcome, wait_any,
};
use winipc_stress::{Rng, hostile, msg};

/// Patience for a store lock held by a live process (core: 10 s) plus scheduling slack.
const SLACK: Duration = Duration::from_secs(13);
const SLOT: &str = r"\\.\mailslot\hostile\slot";

fn say(s: impl std::fmt::Display) {
    println!("\n@@{s}");
}

/// Counts results by Win32 code (0 = success) and checks every call's duration.
#[derive(Default)]
struct Tally {
    codes: BTreeMap<u32, u64>,
    slowest: Duration,
    calls: u64,
}

impl Tally {
    fn call<T>(&mut self, timeout: Duration, f: impl FnOnce() -> std::io::Result<T>) -> Option<T> {
        let t = Instant::now();
        let r = f();
        let took = t.elapsed();
        self.calls += 1;
        self.slowest = self.slowest.max(took);
        if took > timeout + SLACK {
            say(format!("HUNG {took:?} > {timeout:?}"));
            std::process::exit(3);
        }
        match r {
            Ok(v) => {
                *self.codes.entry(0).or_default() += 1;
                Some(v)
            }
            Err(e) => {
                *self
                    .codes
                    .entry(winipc::Error::win32_code_of(&e))
                    .or_default() += 1;
                None
            }
        }
    }
    fn summary(&self, role: &str) -> String {
        let codes: Vec<String> = self.codes.iter().map(|(c, n)| format!("{c}:{n}")).collect();
        format!(
            "{role} calls={} slowest_ms={} codes={}",
            self.calls,
            self.slowest.as_millis(),
            codes.join(",")
        )
    }
}

fn names(prefix: &str) -> [String; 3] {
    [
        format!(r"Global\{prefix}-ev"),
        format!(r"Global\{prefix}-mx"),
        format!(r"Global\{prefix}-sem"),
    ]
}

/// Creates the Global objects and the mailslot, then receives for `secs`.
fn owner(secs: u64, t: &mut Tally) {
    let [ev, mx, sem] = names("hostile");
    let _e = Event::make(Some(&ev), EventReset::Auto, false, &Security::everyone()).unwrap();
    let _m = Mutex::make(Some(&mx), false, &Security::everyone()).unwrap();
    let _s = Semaphore::make(Some(&sem), 1, 100, &Security::everyone()).unwrap();
    let slot = Mailslot::create_with(
        SLOT,
        MailslotOptions {
            max_message_size: 1024,
            read_timeout: 20,
            quota: 16 * 1024,
            security: Security::everyone(),
        },
    )
    .unwrap();
    say("ready");
    let end = Instant::now() + Duration::from_secs(secs);
    let (mut good, mut garbage) = (0u64, 0u64);
    let mut buf = vec![0u8; 64 * 1024];
    while Instant::now() < end {
        // An explicit timeout: the attacker may write this slot's ring (it is 0666), read
        // timeout word included, and so set it to "forever".
        let timeout = Duration::from_millis(20);
        if let Some(n) = t.call(timeout, || slot.recv_timeout(&mut buf, Some(timeout))) {
            // Bytes an attacker wrote into the ring's data may be delivered as a message:
            // whoever may write the ring may send anything anyway. Counted, not fatal.
            match msg::check(&buf[..n]) {
                Ok(_) => good += 1,
                Err(_) => garbage += 1,
            }
        }
        let _ = t.call(Duration::ZERO, || slot.info());
    }
    say(format!(
        "{} good={good} garbage={garbage}",
        t.summary("owner")
    ));
}

fn globals(secs: u64, seed: u64, t: &mut Tally) {
    let [ev, mx, sem] = names("hostile");
    let mut rng = Rng::new(seed);
    let end = Instant::now() + Duration::from_secs(secs);
    let ms = Duration::from_millis(10);
    while Instant::now() < end {
        let e = t.call(ms, || Event::open(&ev));
        let m = t.call(ms, || Mutex::open(&mx));
        let s = t.call(ms, || Semaphore::open(&sem));
        if let Some(e) = &e {
            t.call(ms, || e.set());
            t.call(ms, || e.wait(Some(ms)));
            t.call(ms, || e.pulse());
        }
        if let Some(m) = &m
            && let Some(r) = t.call(ms, || m.wait(Some(ms)))
            && matches!(r, WaitOutcome::Signaled(_) | WaitOutcome::Abandoned(_))
        {
            t.call(ms, || m.release());
        }
        if let Some(s) = &s {
            t.call(ms, || s.release(1));
            t.call(ms, || s.wait(Some(ms)));
        }
        if let (Some(e), Some(m), Some(s)) = (&e, &m, &s) {
            // Multi-object wait: uses futex_waitv when it sleeps.
            if let Some(WaitOutcome::Signaled(1) | WaitOutcome::Abandoned(1)) = t.call(ms, || {
                wait_any(&[e.handle(), m.handle(), s.handle()], Some(ms))
            }) {
                t.call(ms, || m.release());
            }
        }
        // Fresh names: allocation, name insertion and removal in the attacked tables.
        let fresh = format!(r"Global\hostile-fresh-{}", rng.below(16));
        if let Some(f) = t.call(ms, || Event::create(&fresh, EventReset::Manual, true)) {
            t.call(ms, || f.wait(Some(ms)));
        }
        let _ = t.call(ms, || {
            winipc::inspect::snapshot(false).map(|s| s.stores.len())
        });
        let _ = t.call(ms, || {
            winipc::inspect::snapshot(false).map(|s| s.stores.len())
        });
    }
    say(t.summary("globals"));
}

fn sender(secs: u64, t: &mut Tally) {
    let end = Instant::now() + Duration::from_secs(secs);
    let mut buf = vec![0u8; 1024];
    let mut seq = 0;
    let ms = Duration::from_millis(50);
    while Instant::now() < end {
        let Some(mut w) = t.call(ms, || MailslotWriter::open(SLOT)) else {
            std::thread::sleep(Duration::from_millis(5));
            continue;
        };
        w.set_write_timeout(Some(ms));
        for _ in 0..50 {
            let len = msg::HEADER + (seq as usize * 37) % 900;
            msg::fill(&mut buf, std::process::id(), seq, len);
            seq += 1;
            t.call(ms, || w.send(&buf[..len]));
        }
    }
    say(t.summary("sender"));
}

/// Uses Local objects only: nothing an attacker does to Global memory may disturb it.
fn local(secs: u64, t: &mut Tally) {
    let ev = Event::create("hostile-local-ev", EventReset::Auto, false).unwrap();
    let back = Event::create("hostile-local-back", EventReset::Auto, false).unwrap();
    let m = Mutex::create("hostile-local-mx", false).unwrap();
    let s = Semaphore::create("hostile-local-sem", 0, 10).unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop2 = stop.clone();
    let peer = std::thread::spawn(move || {
        let ev = Event::open("hostile-local-ev").unwrap();
        let back = Event::open("hostile-local-back").unwrap();
        while !stop2.load(std::sync::atomic::Ordering::Relaxed) {
            if ev
                .wait(Some(Duration::from_millis(100)))
                .unwrap()
                .is_signaled()
            {
                back.set().unwrap();
            }
        }
    });
    let end = Instant::now() + Duration::from_secs(secs);
    let second = Duration::from_secs(1);
    while Instant::now() < end {
        t.call(second, || ev.set());
        let r = t.call(second, || back.wait(Some(second)));
        assert_eq!(r, Some(WaitOutcome::Signaled(0)), "ping-pong");
        assert!(t.call(second, || m.wait(Some(second))).is_some());
        t.call(second, || m.release());
        t.call(second, || s.release(1));
        t.call(second, || {
            wait_any(&[ev.handle(), s.handle()], Some(second))
        });
        let n = t.call(second, || Event::new(EventReset::Manual, false));
        drop(n);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    peer.join().unwrap();
    say(t.summary("local"));
}

/// One process does everything: creates, attacks its own Global store and ring, keeps using
/// them with single-object waits only (valgrind 3.19 does not know `futex_waitv`).
fn solo(rounds: u64, seed: u64, t: &mut Tally) {
    let dir = winipc::store_dir().to_path_buf();
    let mut rng = Rng::new(seed);
    let ms = Duration::from_millis(5);
    let local = Event::create("solo-local", EventReset::Manual, false).unwrap();
    let mut attacks = 0;
    for round in 0..rounds {
        let tag = format!("solo{}", round % 4);
        let [ev, mx, sem] = names(&tag);
        let e = t.call(ms, || Event::create(&ev, EventReset::Auto, false));
        let m = t.call(ms, || Mutex::create(&mx, false));
        let s = t.call(ms, || Semaphore::create(&sem, 1, 10));
        let slot = t.call(ms, || {
            Mailslot::create_with(
                &format!(r"\\.\mailslot\solo\{round}"),
                MailslotOptions {
                    max_message_size: 512,
                    read_timeout: 0,
                    quota: 4096,
                    security: Security::default(),
                },
            )
        });
        let w = t.call(ms, || {
            let mut w = MailslotWriter::open(&format!(r"\\.\mailslot\solo\{round}"))?;
            w.set_write_timeout(Some(ms));
            Ok(w)
        });
        let store = winipc::store_layout::public_store_in(&dir);
        let _ = hostile::attack_store(&store, &mut rng);
        for r in hostile::rings(&dir) {
            let _ = hostile::attack_ring(&r, &mut rng);
        }
        attacks += 1;
        let mut buf = [0u8; 600];
        for _ in 0..4 {
            if let Some(e) = &e {
                t.call(ms, || e.set());
                t.call(ms, || e.wait(Some(ms)));
            }
            if let Some(m) = &m
                && t.call(ms, || m.wait(Some(ms)))
                    .is_some_and(|r| r.is_signaled())
            {
                t.call(ms, || m.release());
            }
            if let Some(s) = &s {
                t.call(ms, || s.release(1));
                t.call(ms, || s.wait(Some(ms)));
            }
            if let Some(w) = &w {
                msg::fill(&mut buf, 1, round as u32, 100);
                t.call(ms, || w.send(&buf[..100]));
            }
            if let Some(slot) = &slot {
                // An explicit timeout: this role scribbles over its own ring, read timeout
                // word included, and a permitted user may damage its own slot that way.
                t.call(ms, || slot.recv_timeout(&mut buf, Some(ms)));
                t.call(ms, || slot.info());
                t.call(ms, || slot.wait(Some(ms)));
            }
            t.call(ms, || Event::open(&ev));
            t.call(ms, || {
                winipc::inspect::snapshot(true).map(|s| s.stores.len())
            });
        }
        drop((e, m, s, w, slot));
        // Local objects stay untouched by all of it.
        local.set().unwrap();
        assert!(local.wait(Some(Duration::ZERO)).unwrap().is_signaled());
        local.reset().unwrap();
    }
    say(format!("{} attacks={attacks}", t.summary("solo")));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, role, dir, secs, seed] = &args[..] else {
        eprintln!("usage: hostile ROLE DIR SECS SEED");
        std::process::exit(2);
    };
    std::fs::create_dir_all(dir).unwrap();
    winipc::set_store_dir(dir).unwrap();
    let secs: u64 = secs.parse().unwrap();
    let seed: u64 = seed.parse().unwrap();
    let mut t = Tally::default();
    match role.as_str() {
        "owner" => owner(secs, &mut t),
        "globals" => globals(secs, seed, &mut t),
        "sender" => sender(secs, &mut t),
        "local" => local(secs, &mut t),
        "inspect" => {
            let r = t.call(Duration::ZERO, || winipc::inspect::snapshot(true));
            say(format!("inspect ok={}", r.is_some()));
        }
        "solo" => solo(secs, seed, &mut t),
        "inspect-bad-link" => {
            // Minimal reproducer: one out-of-range wait-entry link in a Global object, then
            // `winipc ls`'s snapshot. Expected: a snapshot (the link is skipped) or an error.
            // Open to everyone, so that it lives in the public store an attacker can write.
            let e = Event::make(
                Some(r"Global\bad-link"),
                EventReset::Manual,
                false,
                &Security::everyone(),
            )
            .unwrap();
            let store = winipc::store_layout::public_store_path().unwrap();
            let m =
                winipc_sys::shm::open_existing(&store, winipc_sys::shm::OwnerCheck::Any).unwrap();
            let snap = winipc::inspect::snapshot(false).unwrap();
            let id = snap
                .objects()
                .find(|o| o.kind == winipc::Kind::Event && o.namespace == winipc::Namespace::Global)
                .unwrap()
                .id as usize;
            // The object's first-waiter link (word 3 of its slot) := out of range.
            m.u32s()[hostile::StoreLayout::OBJECTS + id * 16 + 3]
                .store(u32::MAX, std::sync::atomic::Ordering::Relaxed);
            let r = t.call(Duration::ZERO, || winipc::inspect::snapshot(false));
            say(format!("inspect-bad-link ok={}", r.is_some()));
            drop(e);
        }
        _ => std::process::exit(2),
    }
}
