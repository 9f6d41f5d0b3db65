//! The timed loops each child role runs. Every received message goes through a
//! [`SeqChecker`]; only the loops' own bookkeeping happens between timestamps.

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::clock::now_ns;
use crate::message::{END, Kind, SeqChecker, encode, timestamp_ns};
use crate::protocol::ChildReport;
use crate::stats;
use crate::transport::{Receiver, Sender};

/// How long each phase lasts.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// Untimed warm-up at the start of the workload.
    pub warmup_ns: u64,
    /// The timed window.
    pub duration_ns: u64,
    /// Wake scenario: pause before each signal, long enough for the waiter to fall asleep.
    pub wake_gap: Duration,
}

/// Messages between two clock reads in the stream reader.
const CLOCK_EVERY: u64 = 64;

/// Latency sample buffer: pre-faulted so that page faults do not land inside timed sections.
fn sample_buffer(expected: u64) -> Vec<u64> {
    vec![1; expected.clamp(1024, 8 << 20) as usize]
}

/// Streams messages until the reader raises `stop`, then sends `END`.
pub fn stream_writer(
    tx: &mut dyn Sender,
    id: u32,
    msg_size: usize,
    stop: &AtomicU32,
) -> io::Result<ChildReport> {
    let mut msg = vec![0; msg_size];
    let mut seq = 0;
    while stop.load(Ordering::Relaxed) == 0 {
        encode(&mut msg, seq, 0, id);
        tx.send(&msg)?;
        seq += 1;
    }
    encode(&mut msg, END, 0, id);
    tx.send(&msg)?;
    Ok(ChildReport {
        sent: seq,
        ..ChildReport::default()
    })
}

/// Receives from `writers` writers: warm-up, a timed window, then raises `stop` and drains
/// until every writer's `END` arrived.
pub fn stream_reader(
    rx: &mut dyn Receiver,
    writers: usize,
    msg_size: usize,
    timing: Timing,
    stop: &AtomicU32,
) -> io::Result<ChildReport> {
    let mut buf = vec![0; msg_size];
    let mut check = SeqChecker::new(writers, msg_size);
    let mut recv_one = |check: &mut SeqChecker| -> io::Result<Kind> {
        let n = rx.recv(&mut buf)?;
        Ok(check.check(&buf, n))
    };

    recv_one(&mut check)?;
    let first = now_ns();
    let mut n = 0u64;
    loop {
        recv_one(&mut check)?;
        n += 1;
        if n % CLOCK_EVERY == 0 && now_ns() - first >= timing.warmup_ns {
            break;
        }
    }
    let start = now_ns();
    let mut counted = 0u64;
    let end = loop {
        recv_one(&mut check)?;
        counted += 1;
        if counted % CLOCK_EVERY == 0 {
            let t = now_ns();
            if t - start >= timing.duration_ns {
                break t;
            }
        }
    };
    stop.store(1, Ordering::Relaxed);
    while !check.all_ended() {
        recv_one(&mut check)?;
    }
    counted = counted.max(1);
    Ok(ChildReport {
        received: check.received,
        seq_errors: check.errors,
        rate: Some(counted as f64 * 1e9 / (end - start) as f64),
        ..ChildReport::default()
    })
}

/// Sends pings and waits for each echo: warm-up, then timed round trips, then `END`.
pub fn pinger(
    tx: &mut dyn Sender,
    rx: &mut dyn Receiver,
    msg_size: usize,
    timing: Timing,
) -> io::Result<ChildReport> {
    let (mut msg, mut buf) = (vec![0; msg_size], vec![0; msg_size]);
    let mut check = SeqChecker::new(1, msg_size);
    let mut seq = 0;
    let mut round_trip = |seq: u64, check: &mut SeqChecker| -> io::Result<()> {
        encode(&mut msg, seq, 0, 0);
        tx.send(&msg)?;
        let n = rx.recv(&mut buf)?;
        check.check(&buf, n);
        Ok(())
    };

    let warm_start = now_ns();
    while now_ns() - warm_start < timing.warmup_ns {
        round_trip(seq, &mut check)?;
        seq += 1;
    }
    let mut samples = sample_buffer(timing.duration_ns / 1000);
    let start = now_ns();
    let (mut n, mut last) = (0, start);
    while n < samples.len() && last - start < timing.duration_ns {
        let t0 = now_ns();
        round_trip(seq, &mut check)?;
        last = now_ns();
        samples[n] = last - t0;
        n += 1;
        seq += 1;
    }
    encode(&mut msg, END, 0, 0);
    tx.send(&msg)?;
    Ok(ChildReport {
        sent: seq,
        received: check.received,
        seq_errors: check.errors,
        latency: Some(stats::latency(&mut samples[..n], last - start)),
        ..ChildReport::default()
    })
}

/// Echoes every ping until `END`.
pub fn ponger(
    tx: &mut dyn Sender,
    rx: &mut dyn Receiver,
    msg_size: usize,
) -> io::Result<ChildReport> {
    let mut buf = vec![0; msg_size];
    let mut check = SeqChecker::new(1, msg_size);
    loop {
        let n = rx.recv(&mut buf)?;
        if check.check(&buf, n) == Kind::End {
            break;
        }
        tx.send(&buf[..n])?;
    }
    Ok(ChildReport {
        sent: check.received,
        received: check.received,
        seq_errors: check.errors,
        ..ChildReport::default()
    })
}

/// Sleeps `wake_gap`, then sends one message stamped with the send time; repeats for warm-up
/// plus the timed window, then sends `END`.
pub fn signaler(tx: &mut dyn Sender, msg_size: usize, timing: Timing) -> io::Result<ChildReport> {
    let mut msg = vec![0; msg_size];
    let start = now_ns();
    let mut seq = 0;
    loop {
        std::thread::sleep(timing.wake_gap);
        let t = now_ns();
        if t - start >= timing.warmup_ns + timing.duration_ns {
            break;
        }
        encode(&mut msg, seq, t, 0);
        tx.send(&msg)?;
        seq += 1;
    }
    encode(&mut msg, END, 0, 0);
    tx.send(&msg)?;
    Ok(ChildReport {
        sent: seq,
        ..ChildReport::default()
    })
}

/// Blocks in `recv` and records, per message, how long after its send time it woke.
pub fn waiter(rx: &mut dyn Receiver, msg_size: usize, timing: Timing) -> io::Result<ChildReport> {
    let mut buf = vec![0; msg_size];
    let mut check = SeqChecker::new(1, msg_size);
    let gap_ns = timing.wake_gap.as_nanos() as u64;
    let mut samples = sample_buffer(timing.duration_ns / gap_ns.max(1) + 16);
    let (mut n, mut first, mut timed_from) = (0, None, 0);
    loop {
        let len = rx.recv(&mut buf)?;
        let woke = now_ns();
        if check.check(&buf, len) == Kind::End {
            break;
        }
        let sent = timestamp_ns(&buf);
        // The warm-up is judged on the signaler's send times (one monotonic clock for both
        // processes), so the timed window is the signaler's: a waiter that started late still
        // gets the samples of the window's messages.
        let first = *first.get_or_insert(sent);
        if sent.saturating_sub(first) >= timing.warmup_ns && n < samples.len() {
            if n == 0 {
                timed_from = sent;
            }
            samples[n] = woke.saturating_sub(sent);
            n += 1;
        }
    }
    let elapsed = now_ns().saturating_sub(timed_from);
    Ok(ChildReport {
        received: check.received,
        seq_errors: check.errors,
        latency: Some(stats::latency(&mut samples[..n], elapsed)),
        ..ChildReport::default()
    })
}
