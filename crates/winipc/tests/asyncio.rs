//! The tokio feature (`cargo test -p winipc --features tokio --test asyncio`): async waits,
//! mailslot receives and process exits across processes; cancellation never consumes an
//! object or loses a message; a killed signaler or owner wakes the async waiter.

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Mailslot, MailslotWriter, Mutex, Process, Semaphore, WaitOutcome, asyncio,
    wait_for,
};

const T: Duration = Duration::from_secs(10);

/// Every other test of this file again, on the readiness-bridge fallback (as where io_uring is
/// disabled, decision 0013): the binary re-runs itself with `WINIPC_TEST_ASYNC_BRIDGE=1`, so
/// `cargo test` covers both paths.
#[test]
fn every_test_again_on_the_bridge_fallback() {
    if std::env::var_os("WINIPC_TEST_ASYNC_BRIDGE").is_some() {
        return; // the re-run itself
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env("WINIPC_TEST_ASYNC_BRIDGE", "1")
        .args([
            "--skip",
            "every_test_again_on_the_bridge_fallback",
            "--skip",
            "child",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("test result: ok"), "{text}");
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    match role.as_str() {
        "set-later" => {
            let ev = Event::create(&args[0], EventReset::Auto, false).unwrap();
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            ev.set().unwrap();
        }
        "send-later" => {
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            let w = MailslotWriter::open(&args[0]).unwrap();
            for m in &args[2..] {
                w.send(m.as_bytes()).unwrap();
            }
        }
        "own-mutex" => {
            let m = Mutex::create(&args[0], true).unwrap();
            say("owned");
            std::thread::sleep(Duration::from_secs(60));
            drop(m);
        }
        "sleep" => std::thread::sleep(Duration::from_secs(60)),
        // A slot of 4 KiB that starts reading after a pause, and says what it got until "end".
        "small-slot" => {
            let opts = winipc::MailslotOptions {
                quota: 4096,
                ..Default::default()
            };
            let slot = Mailslot::create_with(&args[0], opts).unwrap();
            say("ready");
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            loop {
                let m = String::from_utf8(slot.recv_vec().unwrap()).unwrap();
                let tag = m.trim_end_matches('.').to_owned();
                say(&tag);
                if tag == "end" {
                    break;
                }
            }
        }
        // Sets the named event but stops forever just before the commit, holding the lock.
        "stall-set" => {
            let ev = Event::create(&args[0], EventReset::Auto, false).unwrap();
            winipc::__doc::stall_in_next_transaction();
            ev.set().unwrap();
        }
        // Async waits of every kind on the io_uring path, then whether a bridge thread
        // exists; then the same with the bridge forced (the fallback).
        "uring-no-bridge" => {
            say(format!(
                "uring={}",
                winipc::__doc::async_waits_use_io_uring()
            ));
            async_waits_of_every_kind(&args[0]);
            say(format!("bridge={}", bridge_thread_exists()));
            winipc::__doc::async_waits_use_bridge(true);
            say(format!(
                "uring={}",
                winipc::__doc::async_waits_use_io_uring()
            ));
            async_waits_of_every_kind(&format!("{}b", args[0]));
            say(format!("bridge={}", bridge_thread_exists()));
        }
        // io_uring works, but no ring can be set up: every kind of wait falls back to the
        // bridge, one wait at a time.
        "ring-setup-fails" => {
            say(format!(
                "uring={}",
                winipc::__doc::async_waits_use_io_uring()
            ));
            winipc::__doc::fail_async_ring_setup(true);
            async_waits_of_every_kind(&args[0]);
            say(format!("bridge={}", bridge_thread_exists()));
        }
        // Pinned to CPU args[2]: `n` times, waits for "ping" args[0] and sets "pong" args[1].
        "pong" => {
            pin_to(args[2].parse().unwrap());
            let ping = Event::create(&args[0], EventReset::Auto, false).unwrap();
            let pong = Event::create(&args[1], EventReset::Auto, false).unwrap();
            say("ready");
            let n: u32 = args[3].parse().unwrap();
            for _ in 0..n {
                assert!(wait_for(ping.handle(), Some(T)).unwrap().is_signaled());
                pong.set().unwrap();
            }
        }
        other => panic!("unknown role {other}"),
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn wait_any_wakes_on_another_process_set() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = uniq("async-set");
    let ev = Event::create(&name, EventReset::Auto, false).unwrap();
    let other = Event::new(EventReset::Auto, false).unwrap();
    let k = spawn("set-later", &[&name, "100"]);
    let got = rt().block_on(async {
        tokio::time::timeout(T, asyncio::wait_any(&[other.handle(), ev.handle()])).await
    });
    assert_eq!(got.unwrap().unwrap(), WaitOutcome::Signaled(1));
    assert_eq!(k.finish(), 0);
    // Acquired exactly once.
    assert_eq!(
        wait_for(ev.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut
    );
}

#[test]
fn wait_all_takes_all_at_once() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let sem = Semaphore::new(1, 5).unwrap();
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let rt = rt();
    rt.block_on(async {
        let sem_h = sem.handle();
        let ev_h = ev.handle();
        let both = [sem_h, ev_h];
        let waiter = asyncio::wait_all(&both);
        tokio::pin!(waiter);
        // Only the semaphore: nothing is taken.
        assert!(
            tokio::time::timeout(Duration::from_millis(100), &mut waiter)
                .await
                .is_err()
        );
        ev.set().unwrap();
        let got = tokio::time::timeout(T, waiter).await.unwrap().unwrap();
        assert_eq!(got, WaitOutcome::Signaled(0));
    });
    assert_eq!(
        wait_for(sem.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut,
        "the semaphore's one count was taken"
    );
}

/// Dropping a wait at any point never consumes: every set is acquired exactly once, by the
/// async waiter or by the check after the drop.
#[test]
fn cancelled_waits_never_consume() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let setter = ev.handle().try_clone().unwrap();
    let rt = rt();
    let (mut by_async, mut after) = (0, 0);
    for i in 0..60u64 {
        let raw = setter.as_raw();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_micros(200 * (i % 10)));
            winipc::raw::event_set(raw).unwrap();
        });
        let one = [ev.handle()];
        let got = rt.block_on(async {
            tokio::select! {
                r = asyncio::wait_any(&one) => Some(r.unwrap()),
                _ = tokio::time::sleep(Duration::from_micros(100 * (i % 20))) => None,
            }
        });
        t.join().unwrap();
        match got {
            Some(WaitOutcome::Signaled(0)) => by_async += 1,
            Some(o) => panic!("{o:?}"),
            None => {
                assert_eq!(
                    wait_for(ev.handle(), Some(Duration::from_secs(5))).unwrap(),
                    WaitOutcome::Signaled(0),
                    "a cancelled wait consumed the signal (round {i})"
                );
                after += 1;
            }
        }
        assert_eq!(
            wait_for(ev.handle(), Some(Duration::ZERO)).unwrap(),
            WaitOutcome::TimedOut,
            "acquired twice (round {i})"
        );
    }
    eprintln!("{by_async} taken by the async wait, {after} after a cancelled one");
    assert_eq!(by_async + after, 60);
}

#[test]
fn mailslot_recv_across_processes_and_cancellation_loses_nothing() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = format!(r"\\.\mailslot\{}", uniq("async-ms"));
    let slot = Mailslot::create(&name, 0, winipc::MAILSLOT_WAIT_FOREVER).unwrap();
    let rt = rt();
    // A receive dropped before anything arrives takes nothing.
    rt.block_on(async {
        let mut buf = [0u8; 64];
        assert!(
            tokio::time::timeout(Duration::from_millis(50), asyncio::recv(&slot, &mut buf))
                .await
                .is_err()
        );
    });
    let k = spawn("send-later", &[&name, "100", "one", "two", "three"]);
    let got = rt.block_on(async {
        let mut v = Vec::new();
        let mut buf = [0u8; 64];
        let n = tokio::time::timeout(T, asyncio::recv(&slot, &mut buf))
            .await
            .unwrap()
            .unwrap();
        v.push(String::from_utf8_lossy(&buf[..n]).into_owned());
        v.push(String::from_utf8(asyncio::recv_vec(&slot).await.unwrap()).unwrap());
        v
    });
    assert_eq!(k.finish(), 0);
    assert_eq!(got, ["one", "two"]);
    // The third is still there for a plain receive after a cancelled async one.
    rt.block_on(async {
        let pending = asyncio::recv_vec(&slot);
        drop(pending); // never polled
        let mut buf = [0u8; 64];
        let r = tokio::select! {
            biased;
            _ = std::future::ready(()) => None,
            r = asyncio::recv(&slot, &mut buf) => Some(r),
        };
        assert!(r.is_none());
    });
    let mut buf = [0u8; 64];
    let n = slot.recv_timeout(&mut buf, Some(Duration::ZERO)).unwrap();
    assert_eq!(&buf[..n], b"three");
    // Async send.
    let mut w = MailslotWriter::open(&name).unwrap();
    rt.block_on(asyncio::send(&mut w, b"four")).unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"four");
}

#[test]
fn async_send_to_a_full_slot_sleeps_until_room_and_a_cancelled_one_sends_nothing() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = format!(r"\\.\mailslot\{}", uniq("async-full"));
    let mut k = spawn("small-slot", &[&name, "400"]);
    assert_eq!(k.line(), "ready");
    let mut w = MailslotWriter::open(&name).unwrap();
    // Fill the quota with 1000-byte messages "0....", "1....", ...
    let msg = |tag: &str| format!("{tag:.<1000}");
    w.set_write_timeout(Some(Duration::ZERO));
    let mut filled = 0;
    while w.send(msg(&filled.to_string()).as_bytes()).is_ok() {
        filled += 1;
    }
    assert!(filled >= 2, "{filled}");
    let rt = rt();
    // Cancelled while the slot is full: it must never be sent, even after room appears.
    rt.block_on(async {
        let r = tokio::time::timeout(
            Duration::from_millis(50),
            asyncio::send(&mut w, msg("cancelled").as_bytes()),
        )
        .await;
        assert!(r.is_err(), "the slot was full: {r:?}");
    });
    // This one sleeps until the reader (asleep 400 ms, then reading) makes room.
    let t0 = Instant::now();
    let cpu0 = cpu_time();
    rt.block_on(async {
        tokio::time::timeout(T, asyncio::send(&mut w, msg("after").as_bytes()))
            .await
            .unwrap()
            .unwrap();
    });
    let (waited, cpu) = (t0.elapsed(), cpu_time() - cpu0);
    assert!(waited >= Duration::from_millis(200), "{waited:?}");
    // Asleep, not polling: far less CPU than the time it waited.
    assert!(cpu < waited / 4, "{cpu:?} of CPU in {waited:?}");
    w.send(msg("end").as_bytes()).unwrap();
    let mut got = Vec::new();
    loop {
        let l = k.line();
        if l == "end" || l.is_empty() {
            break;
        }
        got.push(l);
    }
    let mut want: Vec<String> = (0..filled).map(|i| i.to_string()).collect();
    want.push("after".into());
    assert_eq!(got, want);
    assert_eq!(k.finish(), 0);
}

/// This process's user + system CPU time.
fn cpu_time() -> Duration {
    let s = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = s.rsplit_once(')').unwrap().1.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10) // USER_HZ = 100
}

#[test]
fn killed_owner_and_killed_process_wake_async_waiters() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = uniq("async-mutex");
    let mut k = spawn("own-mutex", &[&name]);
    assert_eq!(k.line(), "owned");
    let m = Mutex::create(&name, false).unwrap();
    let rt = rt();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        k.kill();
    });
    let got = rt
        .block_on(async { tokio::time::timeout(T, asyncio::wait_any(&[m.handle()])).await })
        .unwrap()
        .unwrap();
    assert_eq!(got, WaitOutcome::Abandoned(0));
    m.release().unwrap();
    killer.join().unwrap();

    // A process killed while an async task waits for its exit.
    let p = Process::spawn(child_cmd("sleep", &[]), false).unwrap();
    let pid = p.pid();
    let t0 = Instant::now();
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        let _ = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status();
    });
    let code = rt
        .block_on(async { tokio::time::timeout(T, asyncio::process_exit(&p)).await })
        .unwrap()
        .unwrap();
    assert_eq!(code, 128 + 9);
    assert!(t0.elapsed() < Duration::from_secs(5));
}

/// A writer killed between queueing a message and waking the receiver: the async receive
/// still gets it, from the bridge's once-a-second look.
#[test]
fn mailslot_writer_killed_before_its_wake() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = format!(r"\\.\mailslot\{}", uniq("async-killed"));
    let slot = Mailslot::create(&name, 0, winipc::MAILSLOT_WAIT_FOREVER).unwrap();
    let w = MailslotWriter::open(&name).unwrap();
    let rt = rt();
    let t0 = Instant::now();
    let got = rt.block_on(async {
        let recv = asyncio::recv_vec(&slot);
        tokio::pin!(recv);
        // Asleep first, then the message arrives without a wake-up.
        assert!(
            tokio::time::timeout(Duration::from_millis(50), &mut recv)
                .await
                .is_err()
        );
        winipc::__doc::send_killed_before_wake(&w, b"orphan").unwrap();
        tokio::time::timeout(T, recv).await
    });
    assert_eq!(got.unwrap().unwrap(), b"orphan");
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
}

/// A signaler killed in the middle of its transaction (holding the store lock): its signal is
/// rolled back, the async waiter is neither woken by it nor wedged, and the next real signal
/// wakes it.
#[test]
fn event_signaler_killed_mid_transaction() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let name = uniq("async-stall");
    let ev = Event::create(&name, EventReset::Auto, false).unwrap();
    let rt = rt();
    rt.block_on(async {
        let one = [ev.handle()];
        let wait = asyncio::wait_any(&one);
        tokio::pin!(wait);
        assert!(
            tokio::time::timeout(Duration::from_millis(30), &mut wait)
                .await
                .is_err()
        );
        let mut k = spawn("stall-set", &[&name]);
        assert_eq!(k.line(), "stalled");
        k.kill();
        // Nothing was committed: still waiting.
        assert!(
            tokio::time::timeout(Duration::from_millis(200), &mut wait)
                .await
                .is_err()
        );
        // Our own set steals the dead holder's lock, rolls its transaction back, and signals.
        let setter = ev.handle().try_clone().unwrap();
        std::thread::spawn(move || winipc::raw::event_set(setter.as_raw()).unwrap());
        let got = tokio::time::timeout(T, wait).await.unwrap().unwrap();
        assert_eq!(got, WaitOutcome::Signaled(0));
    });
    assert_eq!(
        wait_for(ev.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut,
        "signaled once, taken once"
    );
}

/// Whether this process has a readiness bridge thread (`winipc-ready`).
fn bridge_thread_exists() -> bool {
    std::fs::read_dir("/proc/self/task").unwrap().any(|t| {
        std::fs::read_to_string(t.unwrap().path().join("comm"))
            .is_ok_and(|c| c.trim_end() == "winipc-ready")
    })
}

/// Pins the calling thread to `cpu`.
fn pin_to(cpu: usize) {
    let mut set = rustix::thread::CpuSet::new();
    set.set(cpu);
    rustix::thread::sched_setaffinity(None, &set).unwrap();
}

/// The CPUs this process may run on.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One async wait of each kind, each woken by another thread or process after it slept: an
/// event (wait-any), a mailslot receive, a send to a full slot, a process exit.
fn async_waits_of_every_kind(tag: &str) {
    let rt = rt();
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let raw = ev.handle().try_clone().unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        winipc::raw::event_set(raw.as_raw()).unwrap();
    });
    let got =
        rt.block_on(async { tokio::time::timeout(T, asyncio::wait_any(&[ev.handle()])).await });
    assert_eq!(got.unwrap().unwrap(), WaitOutcome::Signaled(0));
    t.join().unwrap();

    let name = format!(r"\\.\mailslot\{}", uniq(&format!("kinds{tag}")));
    let opts = winipc::MailslotOptions {
        quota: 4096,
        ..Default::default()
    };
    let slot = Mailslot::create_with(&name, opts).unwrap();
    let mut w = MailslotWriter::open(&name).unwrap();
    let w2 = MailslotWriter::open(&name).unwrap();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        w2.send(b"late").unwrap();
    });
    let got = rt.block_on(async { tokio::time::timeout(T, asyncio::recv_vec(&slot)).await });
    assert_eq!(got.unwrap().unwrap(), b"late");
    t.join().unwrap();

    let big = vec![1u8; 1000];
    w.set_write_timeout(Some(Duration::ZERO));
    while w.send(&big).is_ok() {}
    let reader = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(30));
        let m = slot.recv_vec().unwrap();
        (m, slot)
    });
    let sent = rt.block_on(async { tokio::time::timeout(T, asyncio::send(&mut w, &big)).await });
    sent.unwrap().unwrap();
    assert_eq!(reader.join().unwrap().0.len(), 1000);

    let mut cmd = std::process::Command::new("sh");
    cmd.args(["-c", "sleep 0.05; exit 3"]);
    let p = Process::spawn(cmd, false).unwrap();
    let code = rt.block_on(async { tokio::time::timeout(T, asyncio::process_exit(&p)).await });
    assert_eq!(code.unwrap().unwrap(), 3);
}

/// Async waits sleep through io_uring where it works: after waits of every kind, no bridge
/// thread exists; with io_uring turned off (the fallback, as where it is disabled) the same
/// waits work through the bridge thread.
#[test]
fn async_waits_take_io_uring_without_a_bridge_thread_and_fall_back_to_the_bridge() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let tag = uniq("nobridge");
    let lines = run("uring-no-bridge", &[&tag]);
    assert_eq!(
        lines,
        ["uring=true", "bridge=false", "uring=false", "bridge=true"],
        "io_uring futex waits must work on this kernel (>= 6.7, io_uring enabled)"
    );
}

/// After a successful probe, a ring that cannot be set up (descriptors exhausted) sends the
/// wait through the bridge instead of failing it.
#[test]
fn a_failed_ring_setup_falls_back_to_the_bridge_for_that_wait() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let lines = run("ring-setup-fails", &[&uniq("ringfail")]);
    assert_eq!(lines, ["uring=true", "bridge=true"]);
}

/// Cross-process round trips with the signaler on the waiter's CPU and on another CPU: every
/// wake arrives (the prototype of decision 0013 hung across CPUs).
#[test]
fn cross_process_wakes_on_one_cpu_and_across_cpus() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    const N: u32 = 200;
    let placements: &[(usize, usize)] = if cpus() >= 2 {
        &[(0, 0), (0, 1), (1, 0)]
    } else {
        &[(0, 0)]
    };
    for &(me, other) in placements {
        let (ping_n, pong_n) = (uniq("ping"), uniq("pong"));
        let ping = Event::create(&ping_n, EventReset::Auto, false).unwrap();
        let pong = Event::create(&pong_n, EventReset::Auto, false).unwrap();
        let mut k = spawn(
            "pong",
            &[&ping_n, &pong_n, &other.to_string(), &N.to_string()],
        );
        assert_eq!(k.line(), "ready");
        // The test's own thread runs the runtime: pinned, then unpinned for the next tests.
        pin_to(me);
        let rt = rt();
        let t0 = Instant::now();
        rt.block_on(async {
            for i in 0..N {
                ping.set().unwrap();
                let got = tokio::time::timeout(
                    Duration::from_secs(5),
                    asyncio::wait_any(&[pong.handle()]),
                )
                .await
                .unwrap_or_else(|_| panic!("round {i} on CPUs {me}/{other}: no wake in 5 s"));
                assert_eq!(got.unwrap(), WaitOutcome::Signaled(0));
            }
        });
        let per = t0.elapsed() / N;
        eprintln!("CPUs {me}/{other}: {per:?} per round trip");
        assert_eq!(k.finish(), 0);
        // Well under the 1-second backstop: woken, not rescued by the timeout.
        assert!(per < Duration::from_millis(100), "{per:?} per round trip");
    }
    let mut all = rustix::thread::CpuSet::new();
    for c in 0..cpus() {
        all.set(c);
    }
    rustix::thread::sched_setaffinity(None, &all).unwrap();
}

/// A multi-thread runtime whose tasks move between workers: every wake arrives, whichever
/// worker submitted the io_uring wait and whichever polls its ring.
#[test]
fn multi_thread_runtime_tasks_migrating_between_workers() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    const TASKS: usize = 6;
    const ROUNDS: usize = 60;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let evs: Vec<(Event, Event)> = (0..TASKS)
        .map(|_| {
            (
                Event::new(EventReset::Auto, false).unwrap(),
                Event::new(EventReset::Auto, false).unwrap(),
            )
        })
        .collect();
    // Another thread sets each task's event and waits for its acknowledgement, round-robin.
    let raws: Vec<_> = evs
        .iter()
        .map(|(go, ack)| {
            (
                go.handle().try_clone().unwrap(),
                ack.handle().try_clone().unwrap(),
            )
        })
        .collect();
    let setter = std::thread::spawn(move || {
        for _ in 0..ROUNDS {
            for (go, ack) in &raws {
                winipc::raw::event_set(go.as_raw()).unwrap();
                assert!(wait_for(ack, Some(T)).unwrap().is_signaled());
            }
        }
    });
    let threads = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashSet::new()));
    let tasks: Vec<_> = evs
        .into_iter()
        .enumerate()
        .map(|(i, (go, ack))| {
            let threads = threads.clone();
            rt.spawn(async move {
                for r in 0..ROUNDS {
                    let got = tokio::time::timeout(
                        Duration::from_secs(5),
                        asyncio::wait_any(&[go.handle()]),
                    )
                    .await
                    .unwrap_or_else(|_| panic!("task {i} round {r}: no wake in 5 s"));
                    assert_eq!(got.unwrap(), WaitOutcome::Signaled(0));
                    threads.lock().unwrap().insert(std::thread::current().id());
                    // Move: a yield and a spawned hop give the other worker a chance to steal.
                    tokio::task::yield_now().await;
                    tokio::spawn(async {}).await.unwrap();
                    ack.set().unwrap();
                }
            })
        })
        .collect();
    rt.block_on(async {
        for t in tasks {
            t.await.unwrap();
        }
    });
    setter.join().unwrap();
    let seen = threads.lock().unwrap().len();
    eprintln!(
        "woken on {seen} worker threads (io_uring: {})",
        winipc::asyncio::sleeps_through_io_uring()
    );
    assert!(seen >= 2, "the tasks never ran on a second worker");
}

/// The io_uring wait's completion is task work of the thread that submitted it: a wait
/// submitted by one thread, which then sleeps in another system call or exits, and polled to
/// its end by another, still wakes promptly (no hang, no rescue by the 1-second backstop).
#[test]
fn a_wait_submitted_by_a_thread_that_then_sleeps_or_exits_still_wakes() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let rt = std::sync::Arc::new(rt());
    for exits in [false, true] {
        let ev = Event::new(EventReset::Auto, false).unwrap();
        let setter = ev.handle().try_clone().unwrap();
        let mut fut = Box::pin(async move { asyncio::wait_any(&[ev.handle()]).await });
        let (tx, rx) = std::sync::mpsc::channel();
        let rt2 = rt.clone();
        let submitter = std::thread::spawn(move || {
            let _in = rt2.enter();
            let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
            // Not signaled: this poll submits the wait (from this thread) and returns Pending.
            assert!(fut.as_mut().poll(&mut cx).is_pending());
            tx.send(fut).unwrap();
            if !exits {
                std::thread::sleep(Duration::from_secs(3));
            }
        });
        let fut = rx.recv().unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            winipc::raw::event_set(setter.as_raw()).unwrap();
        });
        let t0 = Instant::now();
        let got = rt.block_on(async { tokio::time::timeout(T, fut).await });
        assert_eq!(got.unwrap().unwrap(), WaitOutcome::Signaled(0));
        let took = t0.elapsed();
        eprintln!(
            "submitter {}: woken after {took:?}",
            if exits { "exited" } else { "asleep" }
        );
        assert!(
            took < Duration::from_millis(700),
            "{took:?}: not woken, rescued by the backstop"
        );
        submitter.join().unwrap();
    }
}

/// Cancelled io_uring waits (dropped with their wait in flight) leave nothing behind: the
/// pooled ring a later wait reuses does not take their late completions for its own, and a
/// later signal still wakes.
#[test]
fn cancelled_waits_in_flight_leave_no_stale_completion() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let rt = rt();
    for round in 0..20 {
        rt.block_on(async {
            for _ in 0..10 {
                let r = tokio::time::timeout(
                    Duration::from_millis(1),
                    asyncio::wait_any(&[ev.handle()]),
                )
                .await;
                assert!(r.is_err(), "nothing was signaled");
            }
        });
        let raw = ev.handle().try_clone().unwrap();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            winipc::raw::event_set(raw.as_raw()).unwrap();
        });
        let t0 = Instant::now();
        let got =
            rt.block_on(async { tokio::time::timeout(T, asyncio::wait_any(&[ev.handle()])).await });
        assert_eq!(
            got.unwrap().unwrap(),
            WaitOutcome::Signaled(0),
            "round {round}"
        );
        assert!(
            t0.elapsed() < Duration::from_millis(700),
            "round {round}: {:?}",
            t0.elapsed()
        );
        t.join().unwrap();
    }
}

/// Timers become signaled by the clock, not by a wake-up: an async wait on one wakes at its due
/// time (neither late by the 1-second backstop nor early), a periodic one on every period.
#[test]
fn async_timer_waits_wake_at_the_due_time() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let t = winipc::Timer::new(false).unwrap();
    let rt = rt();
    for due_ms in [0u64, 3, 40] {
        let t0 = Instant::now();
        t.set(winipc::DueTime::After(Duration::from_millis(due_ms)), None)
            .unwrap();
        let got =
            rt.block_on(async { tokio::time::timeout(T, asyncio::wait_any(&[t.handle()])).await });
        assert_eq!(got.unwrap().unwrap(), WaitOutcome::Signaled(0));
        let took = t0.elapsed();
        assert!(
            took >= Duration::from_millis(due_ms),
            "{due_ms} ms: early, {took:?}"
        );
        assert!(
            took < Duration::from_millis(due_ms + 300),
            "{due_ms} ms: late, {took:?}"
        );
    }
    t.set(
        winipc::DueTime::After(Duration::from_millis(5)),
        Some(Duration::from_millis(5)),
    )
    .unwrap();
    let t0 = Instant::now();
    rt.block_on(async {
        for _ in 0..10 {
            let got = tokio::time::timeout(T, asyncio::wait_any(&[t.handle()])).await;
            assert_eq!(got.unwrap().unwrap(), WaitOutcome::Signaled(0));
        }
    });
    let took = t0.elapsed();
    assert!(
        took < Duration::from_millis(700),
        "10 periods of 5 ms took {took:?}"
    );
}
