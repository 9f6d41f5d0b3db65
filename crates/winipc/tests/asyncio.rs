//! The tokio feature (`cargo test -p winipc --features tokio --test asyncio`): async waits,
//! mailslot receives and process exits across processes; cancellation never consumes an
//! object or loses a message; a killed signaler or owner wakes the async waiter.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Mailslot, MailslotWriter, Mutex, Process, Semaphore, WaitOutcome, asyncio,
    wait_for,
};

const T: Duration = Duration::from_secs(10);

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
