//! Crash storm: worker processes hammer shared objects (events, mutexes, semaphores,
//! mailslots, wait-any and wait-all) while the parent SIGKILLs random ones at random moments
//! (some inside the store lock) and starts replacements. A checker then verifies:
//! - no waiter was stuck past its timeout (workers time every wait; the parent reads every
//!   worker's output, killed ones included);
//! - no name is left that cannot be created again;
//! - usage counts (the store's reference counts) match the live handles;
//! - every mutex held by a killed process was reported as abandoned to its next owner
//!   (replayed from a shared log: workers append `acq K pid S|A` after acquiring and
//!   `rel K pid` before releasing; the parent appends `kill pid`);
//! - a mailslot never delivered a torn message (all messages are self-checking);
//! - no corruption was detected, and only the parent remains registered.
//!
//! Short form (CI): 8 workers, 60 kills. Long form:
//! `WINIPC_CRASH_KILLS=1000 WINIPC_CRASH_WORKERS=50 cargo test -p winipc-stress --release --test crash -- --nocapture`

#[path = "../../winipc/tests/common/mod.rs"]
mod common;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Mailslot, MailslotWriter, Mutex, Semaphore, WaitOutcome, wait_all, wait_any,
};
use winipc_stress::{Rng, msg};

const NAMES: usize = 4;
/// A worker that finds a wait overran its timeout by this much reports being stuck.
const STUCK: Duration = Duration::from_secs(2);

/// Appends whole lines with one `write` each to a file opened with O_APPEND.
struct Log(std::fs::File);

impl Log {
    fn open(path: &str) -> Log {
        Log(std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("storm log"))
    }
    fn line(&mut self, s: String) {
        self.0.write_all(format!("{s}\n").as_bytes()).expect("log");
    }
}

fn outcome_tag(r: WaitOutcome) -> Option<&'static str> {
    match r {
        WaitOutcome::Signaled(_) => Some("S"),
        WaitOutcome::Abandoned(_) => Some("A"),
        _ => None,
    }
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    assert_eq!(role, "chaos");
    let prefix = &args[0];
    let mut rng = Rng::new(args[1].parse::<u64>().unwrap());
    let mut log = Log::open(&args[2]);
    let pid = std::process::id();
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
    let held: Vec<Mutex> = (0..NAMES)
        .map(|k| Mutex::open(&format!("{prefix}-hm{k}")).unwrap())
        .collect();
    let hev = Event::open(&format!("{prefix}-hev")).unwrap();
    let mut sent = 0u32;
    let mut buf = vec![0u8; 1024];
    while Instant::now() < deadline {
        let k = rng.below(NAMES as u64) as usize;
        let ms = Duration::from_millis(rng.below(20));
        match rng.below(9) {
            0 => {
                if let Ok(e) = Event::create(&format!("{prefix}-ev{k}"), EventReset::Auto, false) {
                    let _ = match rng.below(3) {
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
                        std::thread::sleep(Duration::from_micros(rng.below(2000)));
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
                        let mut n = 0;
                        for _ in 0..20 {
                            let t = Instant::now();
                            let got = slot.recv_timeout(&mut buf, Some(Duration::from_millis(3)));
                            if t.elapsed() > Duration::from_millis(3) + STUCK {
                                say(format!("STUCK recv {:?}", t.elapsed()));
                                std::process::exit(9);
                            }
                            if let Ok(len) = got {
                                if let Err(bad) = msg::check(&buf[..len]) {
                                    say(format!("TORN {bad:?}"));
                                    std::process::exit(9);
                                }
                                n += 1;
                            }
                        }
                        log.line(format!("rx {n} {pid}"));
                    }
                    Err(_) => {
                        if let Ok(w) = MailslotWriter::open(&path) {
                            for _ in 0..20 {
                                let len = msg::HEADER + rng.below(1000) as usize;
                                msg::fill(&mut buf, pid, sent, len);
                                sent += 1;
                                let _ = w.send(&buf[..len]);
                            }
                        }
                    }
                }
            }
            6 | 7 => {
                // A mutex the parent keeps alive: its abandonment must reach the next owner.
                let m = &held[k];
                let r = if rng.below(2) == 0 {
                    timed(ms, &mut || m.wait(Some(ms)).unwrap())
                } else {
                    timed(ms, &mut || {
                        wait_all(&[m.handle(), hev.handle()], Some(ms)).unwrap()
                    })
                };
                if let Some(tag) = outcome_tag(r) {
                    log.line(format!("acq {k} {pid} {tag}"));
                    std::thread::sleep(Duration::from_micros(rng.below(3000)));
                    log.line(format!("rel {k} {pid}"));
                    m.release().unwrap();
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

/// Reads a finished (exited or killed) worker's remaining output: it must not have reported
/// a stuck waiter or a torn message.
fn drain(mut k: Kid) {
    loop {
        let l = k.line();
        if l.is_empty() {
            break;
        }
        assert!(
            !l.starts_with("STUCK") && !l.starts_with("TORN"),
            "worker {}: {l}",
            k.child.id()
        );
    }
    let _ = k.child.wait();
}

/// Thread slots of the Local and Global stores, for failure messages.
fn slot_dump() -> String {
    let dir = winipc::store_dir();
    let uid = winipc_sys::proc::geteuid();
    let local = dir.join(format!(
        "winipc-{uid}.private/winipc-local-{uid}.v{}.store",
        winipc::store_layout::VERSION
    ));
    format!(
        "(slot, state, tid, proc, pid, token, alive) local {:?} global {:?}",
        winipc_stress::dump_thread_slots(&local),
        winipc_stress::dump_thread_slots(&winipc::store_layout::public_store_in(dir))
    )
}

#[derive(Debug, Default)]
struct Replay {
    acquisitions: u64,
    abandoned_reported: u64,
    abandoned_verified: u64,
    died_holding: u64,
    received: u64,
}

/// Replays the storm log: every mutex a killed process certainly held (its `acq` has no `rel`)
/// must have been reported abandoned (`A`) to its next owner.
fn replay(text: &str) -> Replay {
    let killed: HashSet<u32> = text
        .lines()
        .filter_map(|l| l.strip_prefix("kill ")?.parse().ok())
        .collect();
    let mut r = Replay::default();
    let mut holder: HashMap<u32, u32> = HashMap::new();
    for (n, l) in text.lines().enumerate() {
        let f: Vec<&str> = l.split(' ').collect();
        match f.as_slice() {
            ["acq", k, pid, tag] => {
                let (k, pid) = (k.parse().unwrap(), pid.parse().unwrap());
                r.acquisitions += 1;
                if *tag == "A" {
                    r.abandoned_reported += 1;
                }
                if let Some(prev) = holder.insert(k, pid) {
                    assert!(
                        killed.contains(&prev),
                        "line {}: {l}: mutex {k} still held by live {prev}",
                        n + 1
                    );
                    assert_eq!(
                        *tag,
                        "A",
                        "line {}: {l}: process {prev} was killed holding mutex {k}, \
                         but its next owner was not told it was abandoned",
                        n + 1
                    );
                    r.abandoned_verified += 1;
                }
            }
            ["rel", k, pid] => {
                let (k, pid): (u32, u32) = (k.parse().unwrap(), pid.parse().unwrap());
                assert_eq!(holder.remove(&k), Some(pid), "line {}: {l}", n + 1);
            }
            ["rx", n, _] => r.received += n.parse::<u64>().unwrap(),
            ["kill", _] => {}
            _ => panic!("bad log line {l:?}"),
        }
    }
    r.died_holding = holder.len() as u64;
    r
}

#[test]
fn crash_storm_keeps_every_invariant() {
    init();
    let env = |k: &str, d: u32| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let kills = env("WINIPC_CRASH_KILLS", 60);
    let workers = env("WINIPC_CRASH_WORKERS", 8) as usize;
    let _w = watchdog(Duration::from_secs(90 + u64::from(kills) / 2));
    let started = Instant::now();
    let prefix = uniq("storm");
    let log_path = winipc::store_dir().join(format!("{prefix}.log"));
    let log_s = log_path.to_str().unwrap().to_owned();
    let mut log = Log::open(&log_s);
    let held: Vec<Mutex> = (0..NAMES)
        .map(|k| Mutex::create(&format!("{prefix}-hm{k}"), false).unwrap())
        .collect();
    let hev = Event::create(&format!("{prefix}-hev"), EventReset::Manual, true).unwrap();
    let mut rng = Rng::new(u64::from(std::process::id()));
    let mut seed = 1u64;
    let spawn_worker = |seed: &mut u64| {
        *seed += 1;
        spawn("chaos", &[&prefix, &seed.to_string(), &log_s])
    };
    let mut kids: Vec<Kid> = (0..workers).map(|_| spawn_worker(&mut seed)).collect();
    std::thread::sleep(Duration::from_millis(300));
    let mut killed = 0u32;
    while killed < kills {
        std::thread::sleep(Duration::from_millis(10 + rng.below(40)));
        let victim = rng.below(workers as u64) as usize;
        let fresh = spawn_worker(&mut seed);
        let mut k = std::mem::replace(&mut kids[victim], fresh);
        if !k.done() {
            let pid = k.child.id();
            k.kill();
            log.line(format!("kill {pid}"));
            killed += 1;
        }
        drain(k);
    }
    for mut k in kids {
        let pid = k.child.id();
        k.kill();
        log.line(format!("kill {pid}"));
        drain(k);
    }
    // The parent takes every kept mutex once more: abandonment by the last holders counts too.
    for (k, m) in held.iter().enumerate() {
        let r = m.wait(Some(Duration::from_secs(5))).unwrap();
        let Some(tag) = outcome_tag(r) else {
            let snap = winipc::inspect::snapshot(false).unwrap();
            let o = snap
                .objects()
                .find(|o| o.name.as_deref() == Some(&format!("{prefix}-hm{k}")[..]));
            panic!(
                "kept mutex {k} is not free once its holders are dead: {r:?}; {o:#?}; processes {:?}",
                snap.processes()
                    .map(|p| (p.pid, p.alive, p.pending))
                    .collect::<Vec<_>>()
            );
        };
        log.line(format!("acq {k} {} {tag}", std::process::id()));
        log.line(format!("rel {k} {}", std::process::id()));
        m.release().unwrap();
    }
    let r = replay(&std::fs::read_to_string(&log_path).unwrap());
    // Every name is gone once its holders are dead, and can be created afresh.
    for k in 0..NAMES {
        for name in [
            format!("{prefix}-ev{k}"),
            format!("{prefix}-mx{k}"),
            format!("{prefix}-sem{k}"),
        ] {
            let t = Instant::now();
            if let Ok(e) = Event::open(&name) {
                panic!(
                    "{name} survived its holders: usage {:?}; {:#?}; thread slots \
                     (slot, state, tid, proc, pid, token, alive) {:?}",
                    e.handle().usage_count(),
                    winipc::inspect::snapshot(false)
                        .unwrap()
                        .processes()
                        .collect::<Vec<_>>(),
                    slot_dump()
                );
            }
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
    // Usage counts: each kept object's reference count equals the handles live processes
    // hold on it (the name lookups above reaped the dead), plus its pending waits.
    let snap = winipc::inspect::snapshot(false).unwrap();
    let me = std::process::id();
    let others: Vec<_> = snap
        .processes()
        .filter(|p| p.alive && p.pid != me)
        .map(|p| {
            (
                p.pid,
                p.pending,
                p.handles.len(),
                std::fs::read_to_string(format!("/proc/{}/stat", p.pid)).ok(),
            )
        })
        .collect();
    assert!(
        others.is_empty(),
        "only we remain: {others:?}; thread slots {:?}",
        slot_dump()
    );
    let mut checked = 0;
    for h in held.iter().map(|m| m.handle()).chain([hev.handle()]) {
        let info = snap
            .processes()
            .filter(|p| p.alive)
            .flat_map(|p| p.handles.iter())
            .find(|x| x.value == h.as_raw())
            .expect("our handle is listed");
        let live_handles = snap
            .processes()
            .filter(|p| p.alive)
            .flat_map(|p| p.handles.iter())
            .filter(|x| x.namespace == info.namespace && x.object == info.object)
            .count() as u32;
        let obj = snap
            .objects()
            .find(|o| o.namespace == info.namespace && o.id == info.object)
            .unwrap();
        assert_eq!(
            h.usage_count().unwrap(),
            live_handles + obj.waiters.len() as u32,
            "{:?}: reference count vs live handles; {obj:#?}; {:#?}",
            obj.name,
            snap.processes().collect::<Vec<_>>()
        );
        assert_eq!(live_handles, 1, "{:?}: only our handle remains", obj.name);
        checked += 1;
    }
    for o in snap.objects() {
        let live = snap
            .processes()
            .filter(|p| p.alive)
            .flat_map(|p| p.handles.iter())
            .filter(|x| x.namespace == o.namespace && x.object == o.id)
            .count() as u32;
        assert_eq!(o.usage, live + o.waiters.len() as u32, "{:?}", o.name);
    }
    // Nothing is wedged: a fresh object still signals and waits at once.
    let m = Mutex::create(&format!("{prefix}-after"), false).unwrap();
    assert_eq!(
        m.wait(Some(Duration::from_secs(2))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    m.release().unwrap();
    let snap = winipc::inspect::snapshot(false).unwrap();
    let mut recoveries = 0;
    for s in &snap.stores {
        assert_eq!(
            s.corruptions,
            0,
            "{}: corrupt state detected",
            s.path.display()
        );
        recoveries += s.recoveries;
    }
    assert!(r.acquisitions > 0, "the kept mutexes were used");
    eprintln!(
        "crash storm: {killed} kills survived ({workers} workers, {:.1}s); {} lock recoveries; \
         kept mutexes: {} acquisitions, {} reported abandoned, {} abandonments by killed holders \
         verified; {} self-checked mailslot messages received, 0 torn; reference counts of \
         {checked} kept objects match the live handles; no waiter overslept",
        started.elapsed().as_secs_f64(),
        recoveries,
        r.acquisitions,
        r.abandoned_reported,
        r.abandoned_verified,
        r.received,
    );
    assert_eq!(
        r.died_holding, 0,
        "the parent's final acquisitions close every hold"
    );
}
