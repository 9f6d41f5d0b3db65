//! Loom model checks: two writers and a reader on a 32-byte ring (records wrap with padding and
//! writers block on a full ring), with the [`Futex`] trait modelled by loom's Mutex/Condvar; and
//! a writer stalled between reserving and publishing while another writer publishes (and blocks
//! on the space behind the stalled record) and the reader delivers past it.
//!
//! Run: `RUSTFLAGS="--cfg loom" cargo test -p winipc-ring --release --lib loom`.
//! Set `WINIPC_RING_LOOM_TRACE=1` to print the ring's event log of a failing execution.
//!
//! Sanity: weakening either fence-free handshake to Relaxed (the writer's counter RMW after
//! READY, or the reader's lock-releasing RMW) makes these models deadlock (checked by hand).
//!
//! The reader lock is modelled both ways: biased (the futex model offers heavy fences; loom has
//! no asymmetric fence pair, so both halves are full fences, which is the guarantee
//! `membarrier` gives) and classic (no heavy fences).

use crate::sync::{AtomicU32, AtomicU64, Ordering};
use crate::{Futex, HEADER_WORDS, Liveness, Ring, RingMemory};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;
use std::time::Instant;

/// A futex model: the value check and the sleep are atomic with respect to `wake`. Deadlines
/// are ignored (a wait only ends by a wake), so a lost wake-up shows up as a deadlock.
#[derive(Default)]
struct LoomFutex {
    lock: Mutex<()>,
    cond: Condvar,
    /// Offer asymmetric fences (biased reader lock).
    fences: bool,
}

impl Futex for LoomFutex {
    fn wait(&self, word: &AtomicU32, expected: u32, _deadline: Option<Instant>) {
        let guard = self.lock.lock().unwrap();
        if word.load(Ordering::SeqCst) == expected {
            drop(self.cond.wait(guard).unwrap());
        }
    }
    fn wake(&self, _word: &AtomicU32, _count: u32) {
        let _guard = self.lock.lock().unwrap();
        self.cond.notify_all();
    }
    fn fences_registered(&self) -> bool {
        self.fences
    }
    fn heavy_fence(&self) -> bool {
        if self.fences {
            crate::sync::fence(Ordering::SeqCst);
        }
        self.fences
    }
}

/// The reader id of the model's main reader.
const READER: u32 = 1;

struct AllAlive;
impl Liveness for AllAlive {
    fn is_alive(&self, _: u32) -> bool {
        true
    }
}

struct Shared {
    header: Vec<AtomicU32>,
    data: Vec<AtomicU64>,
    futex: LoomFutex,
}

fn shared(capacity: u32, fences: bool) -> Arc<Shared> {
    let s = Shared {
        header: (0..HEADER_WORDS).map(|_| AtomicU32::new(0)).collect(),
        data: (0..RingMemory::data_words(capacity))
            .map(|_| AtomicU64::new(0))
            .collect(),
        futex: LoomFutex {
            fences,
            ..LoomFutex::default()
        },
    };
    Ring::init(RingMemory::new(&s.header, &s.data), capacity, 0, &s.futex).unwrap();
    Arc::new(s)
}

fn attach(s: &Shared) -> Ring<'_, &LoomFutex> {
    Ring::attach(RingMemory::new(&s.header, &s.data), &s.futex).unwrap()
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    let on = std::env::var_os("WINIPC_RING_LOOM_TRACE").is_some();
    crate::sync::TRACE_ON.store(on, std::sync::atomic::Ordering::Relaxed);
    std::panic::set_hook(Box::new(|info| {
        let Ok(t) = crate::sync::TRACE.try_lock() else {
            return;
        };
        for line in t
            .iter()
            .rev()
            .take(80)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            eprintln!("  {line}");
        }
        eprintln!("{info}");
    }));
    b.check(move || {
        if let Ok(mut t) = crate::sync::TRACE.try_lock() {
            t.clear();
        }
        f()
    });
}

/// Writer `w` sends `n` messages `[w, i, w^i]`; the reader blocks (no deadline) for all of them
/// and checks none is lost, duplicated, torn or reordered per writer.
fn two_writers_one_reader(capacity: u32, per_writer: u8, fences: bool) {
    model(move || {
        let s = shared(capacity, fences);
        let writers: Vec<_> = (0..2u8)
            .map(|w| {
                let s = s.clone();
                thread::spawn(move || {
                    let ring = attach(&s);
                    for i in 0..per_writer {
                        ring.send(u32::from(w), &[w, i, w ^ i], None).unwrap();
                    }
                })
            })
            .collect();
        let ring = attach(&s);
        let mut next = [0u8; 2];
        let mut buf = [0u8; 8];
        for _ in 0..2 * per_writer {
            let n = ring
                .recv(READER, &mut buf, None, &AllAlive)
                .unwrap()
                .unwrap();
            assert_eq!(n, 3, "torn length");
            let (w, i) = (buf[0], buf[1]);
            assert!(w < 2, "torn writer byte");
            assert_eq!(buf[2], w ^ i, "torn payload");
            assert_eq!(i, next[w as usize], "lost, duplicated or reordered");
            next[w as usize] += 1;
        }
        for h in writers {
            h.join().unwrap();
        }
        assert_eq!(ring.try_recv(READER, &mut buf, &AllAlive), Ok(None));
        assert_eq!(ring.info().messages, 0);
    });
}

/// One message per writer into a roomy ring: contention on claim/tail helping and the
/// reader's sleep/wake handshake.
#[test]
fn loom_two_writers_roomy() {
    two_writers_one_reader(64, 1, true);
}

/// A 32-byte ring holds one 24-byte record: the second writer pads to the end, blocks on a
/// full ring and must be woken by the reader; the reader must be woken by each writer.
#[test]
fn loom_two_writers_full_ring_wraps() {
    two_writers_one_reader(32, 1, true);
}

/// As above with a classic reader lock (no heavy fences: the writer sleeps in slices, which the
/// model's futex ignores, so it relies on the releasing RMW).
#[test]
fn loom_two_writers_full_ring_wraps_classic() {
    two_writers_one_reader(32, 1, false);
}

/// Two messages per writer through a 48-byte ring: several laps, padding, blocking on both sides.
#[test]
fn loom_two_writers_two_each_laps() {
    two_writers_one_reader(48, 2, true);
}

/// Two readers drain two queued messages: the second takes the first's biased lock over (or
/// waits for it). Every message is delivered exactly once, in order per reader.
#[test]
fn loom_two_readers_revoke_a_biased_lock() {
    model(|| {
        let s = shared(64, true);
        {
            let ring = attach(&s);
            ring.try_send(9, &[0]).unwrap();
            ring.try_send(9, &[1]).unwrap();
        }
        let other = {
            let s = s.clone();
            thread::spawn(move || {
                let ring = attach(&s);
                let mut buf = [0u8; 4];
                match ring.try_recv(READER + 1, &mut buf, &AllAlive) {
                    Ok(Some(1)) => vec![buf[0]],
                    Ok(None) | Err(crate::RecvError::Busy) => vec![],
                    other => panic!("{other:?}"),
                }
            })
        };
        let ring = attach(&s);
        let mut buf = [0u8; 4];
        let mut mine = Vec::new();
        for _ in 0..2 {
            match ring.try_recv(READER, &mut buf, &AllAlive) {
                Ok(Some(1)) => mine.push(buf[0]),
                Ok(None) | Err(crate::RecvError::Busy) => {}
                other => panic!("{other:?}"),
            }
        }
        let theirs = other.join().unwrap();
        // Whatever is left is still queued, in order.
        let mut rest = Vec::new();
        while let Ok(Some(1)) = ring.try_recv(READER, &mut buf, &AllAlive) {
            rest.push(buf[0]);
        }
        assert!(mine.windows(2).all(|w| w[0] < w[1]), "reordered: {mine:?}");
        let mut all: Vec<u8> = mine.iter().chain(&theirs).chain(&rest).copied().collect();
        all.sort_unstable();
        assert_eq!(
            all,
            [0, 1],
            "lost or duplicated: {mine:?} {theirs:?} {rest:?}"
        );
    });
}

/// Issue 13 item 9: writer A (id 0) stops between reserving and publishing one message until
/// the reader has received writer B's first message, which it must get past A's WRITING record
/// (a reader that waited for A would deadlock the model). B sends `b_count` messages; with a
/// 48-byte ring and two of them, B's second blocks on the quota behind A's stuck record and is
/// woken only after A publishes and the head passes both. Every message arrives exactly once,
/// untorn, in order per writer.
fn stalled_writer(capacity: u32, b_count: u8) {
    model(move || {
        let s = shared(capacity, true);
        let got_b = Arc::new(AtomicU32::new(0));
        let a = {
            let (s, got_b) = (s.clone(), got_b.clone());
            thread::spawn(move || {
                let ring = attach(&s);
                // The hook does not block on a full ring: retry until B's messages are read.
                loop {
                    let stall = || {
                        while got_b.load(Ordering::Acquire) == 0 {
                            thread::yield_now();
                        }
                    };
                    match ring.simulate_stalled_send(0, &[0, 0, 0], stall) {
                        Ok(()) => break,
                        Err(crate::SendError::Full) => thread::yield_now(),
                        Err(e) => panic!("{e:?}"),
                    }
                }
            })
        };
        let b = {
            let s = s.clone();
            thread::spawn(move || {
                let ring = attach(&s);
                for i in 0..b_count {
                    ring.send(1, &[1, i, 1 ^ i], None).unwrap();
                }
            })
        };
        let ring = attach(&s);
        let mut next = [0u8; 2];
        let mut buf = [0u8; 8];
        for _ in 0..1 + b_count {
            let n = ring
                .recv(READER, &mut buf, None, &AllAlive)
                .unwrap()
                .unwrap();
            assert_eq!(n, 3, "torn length");
            let (w, i) = (buf[0], buf[1]);
            assert!(w < 2, "torn writer byte");
            assert_eq!(buf[2], w ^ i, "torn payload");
            assert_eq!(i, next[w as usize], "lost, duplicated or reordered");
            next[w as usize] += 1;
            if w == 1 {
                got_b.store(1, Ordering::Release);
            }
        }
        a.join().unwrap();
        b.join().unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(ring.try_recv(READER, &mut buf, &AllAlive), Ok(None));
        assert_eq!(ring.info().messages, 0);
    });
}

/// A stalled writer and one other writer with room for both.
#[test]
fn loom_stalled_writer_does_not_hold_back_another() {
    stalled_writer(64, 1);
}

/// The other writer's second message blocks on the quota behind the stalled record.
#[test]
fn loom_stalled_writer_holds_its_space_until_published() {
    stalled_writer(48, 2);
}

#[test]
fn loom_litmus_sb_fences() {
    loom::model(|| {
        let a = Arc::new(AtomicU32::new(0));
        let b = Arc::new(AtomicU32::new(0));
        let (a2, b2) = (a.clone(), b.clone());
        let t = thread::spawn(move || {
            a2.store(1, Ordering::Relaxed);
            crate::sync::fence(Ordering::SeqCst);
            b2.load(Ordering::Relaxed)
        });
        b.store(1, Ordering::Relaxed);
        crate::sync::fence(Ordering::SeqCst);
        let ra = a.load(Ordering::Relaxed);
        let rb = t.join().unwrap();
        assert!(ra == 1 || rb == 1, "SB with SeqCst fences");
    });
}
