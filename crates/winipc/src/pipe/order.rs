//! The order of reads on one pipe end with shared memory, without a locked instruction per
//! read for the thread that reads the end (decision 0022).
//!
//! Reads of an end are serialized: what is left of a message (`ERROR_MORE_DATA`), a message a
//! peek took out of the ring, and the ring's own order must be seen the same way by every
//! reader. A mutex does that, but its acquiring and releasing read-modify-writes come right
//! after the ring read's stores to lines the writer on the other CPU is using, and a locked
//! instruction waits until those stores are done: across CPUs that wait was most of a
//! message's cost (issue 17, `docs/performance.md`). So the mutex is *biased*, as the ring's
//! reader lock is (decision 0010's `reader_lock`): the first thread that reads the end becomes
//! its owner and enters a read with plain stores to an `inside` word; any other thread that
//! comes to read (or peek) revokes the bias for good — it swaps the owner word to
//! [`NOBODY`], runs a heavy fence (`membarrier`) and waits for `inside` to read 0 — and from
//! then on every read of the end takes the mutex, as before. The pair is Dekker's: either the
//! revoker sees `inside == 1` and waits, or the owner's re-read of the owner word (after its
//! store and a compiler fence, made whole by the revoker's heavy fence) sees the revocation
//! and takes the mutex. A process whose threads cannot be fenced (no `membarrier`) never
//! biases.
//!
//! An owner's read holds `inside` only for a non-blocking attempt: waits happen outside, so a
//! peek or a read on another thread never waits behind a blocked read.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, compiler_fence};
use std::sync::{Mutex, MutexGuard};

use winipc_ring::Futex;

use crate::mailslot::SysFutex;

/// The owner word after a revocation: every read takes the mutex.
const NOBODY: u64 = u64::MAX;

/// How many times a revoker retries a failing heavy fence before it falls back to waiting.
const FENCE_RETRIES: u32 = 100;

/// The biased order of one end's reads, and the scratch buffer its mutex guards (see the
/// module documentation).
#[derive(Debug, Default)]
pub(crate) struct ReadOrder {
    /// 0: no reader yet; [`NOBODY`]: revoked; otherwise the owner's thread identity + 1.
    owner: AtomicU64,
    /// 1 while the owner is inside a read without the mutex.
    inside: AtomicU32,
    /// Orders the reads of everyone once the bias is revoked (and the owner's reads when
    /// they need the scratch buffer). Where a message read puts the part beyond the caller's
    /// buffer (allocated on the first use; its pages are touched only as far as messages
    /// reach).
    scratch: Mutex<Vec<u8>>,
}

/// One read's hold on the order: either the owner's biased entry (the mutex is taken only if
/// the read needs the scratch buffer) or the mutex.
#[derive(Debug)]
pub(crate) struct Reading<'a> {
    order: &'a ReadOrder,
    guard: Option<MutexGuard<'a, Vec<u8>>>,
    biased: bool,
}

impl Reading<'_> {
    /// The scratch buffer (taking the mutex now on a biased entry: nobody else holds it while
    /// the bias stands).
    pub(crate) fn scratch(&mut self) -> &mut Vec<u8> {
        self.guard
            .get_or_insert_with(|| self.order.scratch.lock().expect("pipe read scratch"))
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        drop(self.guard.take());
        if self.biased {
            // Release: a revoker that then reads 0 sees everything this read did.
            self.order.inside.store(0, Ordering::Release);
        }
    }
}

impl ReadOrder {
    /// Enters a read (or a peek) on an end whose reads may be biased (`ringed`: an end with
    /// shared memory; others always take the mutex, as their reads may block inside).
    pub(crate) fn enter(&self, ringed: bool) -> Reading<'_> {
        if ringed {
            let me = u64::from(super::ring::my_id()) + 1;
            let mut cur = self.owner.load(Ordering::Relaxed);
            if cur == 0 {
                // The first reader of the end becomes its owner — or, in a process whose
                // threads cannot be fenced, makes sure nobody ever does (SeqCst: a claim and a
                // revocation racing for the word are ordered; the loser sees the winner).
                let want = if SysFutex.fences_registered() {
                    me
                } else {
                    NOBODY
                };
                cur = match self
                    .owner
                    .compare_exchange(0, want, Ordering::SeqCst, Ordering::SeqCst)
                {
                    Ok(_) => want,
                    Err(now) => now,
                };
            }
            if cur == me {
                if let Some(r) = self.enter_biased_as(me) {
                    return r;
                }
            } else if cur != NOBODY {
                self.revoke();
            }
        }
        Reading {
            order: self,
            guard: Some(self.scratch.lock().expect("pipe read scratch")),
            biased: false,
        }
    }

    /// Enters a read biased if thread `me` ([`super::ring::my_id`]) owns this end's reads;
    /// `None` otherwise (then [`ReadOrder::enter`] decides, claiming or revoking).
    #[inline]
    pub(crate) fn enter_biased(&self, me: u32) -> Option<Reading<'_>> {
        let me = u64::from(me) + 1;
        if self.owner.load(Ordering::Relaxed) != me {
            return None;
        }
        self.enter_biased_as(me)
    }

    #[inline]
    fn enter_biased_as(&self, me: u64) -> Option<Reading<'_>> {
        self.inside.store(1, Ordering::Relaxed);
        compiler_fence(Ordering::SeqCst);
        // Acquire: a revoker's reads under the mutex happened before its swap, and were
        // released by the mutex; re-reading our own word costs nothing.
        if self.owner.load(Ordering::Acquire) == me {
            return Some(Reading {
                order: self,
                guard: None,
                biased: true,
            });
        }
        self.inside.store(0, Ordering::Release);
        None
    }

    /// Takes the bias away from its owner for good and waits until it is outside its read.
    #[cold]
    fn revoke(&self) {
        self.owner.swap(NOBODY, Ordering::SeqCst);
        // The heavy fence runs a full barrier on every CPU running a thread of this process:
        // an owner that stored `inside` before it shows it now, and one that did not will see
        // NOBODY when it re-reads. The process registered when the owner claimed the bias —
        // unless it is a child forked since (the registration is not inherited, the owner
        // word is): register again first.
        let mut fenced = false;
        for _ in 0..FENCE_RETRIES {
            if SysFutex.fences_registered() && SysFutex.heavy_fence() {
                fenced = true;
                break;
            }
            std::thread::yield_now();
        }
        if !fenced {
            // Not expected once registered; a store is visible to other CPUs within far
            // less than this.
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        // The owner's biased read is a bounded, non-blocking attempt.
        while self.inside.load(Ordering::Acquire) != 0 {
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    /// The owner reads biased; another thread's read revokes the bias (waiting for the
    /// owner's read to end) and every read takes the mutex from then on.
    #[test]
    fn another_reader_revokes_the_bias_and_waits_for_the_owner() {
        let order = Arc::new(ReadOrder::default());
        let r = order.enter(true);
        if !r.biased {
            // No heavy fences in this process: never biased.
            assert!(r.guard.is_some());
            return;
        }
        let done = Arc::new(AtomicBool::new(false));
        let t = {
            let (order, done) = (order.clone(), done.clone());
            std::thread::spawn(move || {
                let r = order.enter(true);
                assert!(!r.biased && r.guard.is_some());
                // It got in only after the owner's read ended.
                assert!(done.load(Ordering::Acquire));
            })
        };
        std::thread::sleep(std::time::Duration::from_millis(50));
        done.store(true, Ordering::Release);
        drop(r);
        t.join().unwrap();
        let again = order.enter(true);
        assert!(!again.biased && again.guard.is_some());
    }

    /// Ends without shared memory always take the mutex (their reads may block inside).
    #[test]
    fn socket_ends_are_never_biased() {
        let order = ReadOrder::default();
        let r = order.enter(false);
        assert!(!r.biased && r.guard.is_some());
    }

    /// Two threads incrementing a counter under the order (one the owner, one revoking it
    /// mid-way) never lose an increment.
    #[test]
    fn reads_exclude_each_other() {
        let order = Arc::new(ReadOrder::default());
        let count = Arc::new(AtomicU64::new(0));
        let bump = |order: &ReadOrder, count: &AtomicU64| {
            let _r = order.enter(true);
            // A non-atomic increment made of two atomic halves: a lost update shows.
            let v = count.load(Ordering::Relaxed);
            std::hint::spin_loop();
            count.store(v + 1, Ordering::Relaxed);
        };
        for _ in 0..1000 {
            bump(&order, &count);
        }
        let t = {
            let (order, count) = (order.clone(), count.clone());
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    bump(&order, &count);
                }
            })
        };
        for _ in 0..10_000 {
            bump(&order, &count);
        }
        t.join().unwrap();
        assert_eq!(count.load(Ordering::Relaxed), 21_000);
    }
}
