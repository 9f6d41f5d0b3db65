//! The store lock and its transactions.
//!
//! The lock word holds the holder's thread slot + 1 (and [`LOCK_WAITERS`]). It is taken with
//! one compare-and-swap when free; a contended locker sleeps on the lock word *and* on the
//! holder's liveness token, so a holder that dies wakes it at once. It then steals the lock and
//! rolls back the dead holder's transaction from the undo log.
//!
//! Every write to shared state under the lock goes through [`Guard::set`], which first appends
//! `(index, old value)` to the undo log. [`Guard::commit`] empties the log; dropping a guard
//! without committing rolls its writes back. A satisfied waiter's futex word is flipped after
//! the commit (so a waiter never sees a result a rollback could take back) and before the
//! unlock; the `FUTEX_WAKE` calls follow the unlock (so a waiter woken on the same CPU does not
//! run into a lock its preempted waker still holds).

use std::sync::atomic::{Ordering, fence};

use winipc_sys::{futex, token};

use super::Store;
use super::layout::*;
use crate::error::{Error, Result};

/// How long a non-wait operation waits for a lock held by a live process before reporting an
/// error rather than hanging (the lock is normally held for nanoseconds).
pub(crate) const LOCK_PATIENCE_NS: u64 = 10_000_000_000;

/// How often a thread waiting on a store without liveness tokens checks whether the thread it
/// waits for (a lock holder, a mutex owner) died.
pub(crate) const DEATH_POLL_NS: u64 = 20_000_000;

/// How often a thread waiting for the store lock looks at the holder again (the lock is held
/// for nanoseconds; a holder still there after this is likely dead): a process exit noticed
/// by the monitor is published within 50 ms even when the dying process held the lock.
const LOCK_RECHECK_NS: u64 = 5_000_000;

/// Test hook: the next transaction with writes stops forever just before its commit, holding
/// the lock, so a test can kill the process there and watch the rollback.
pub(crate) static STALL_BEFORE_COMMIT: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Test hook: the next transaction with writes pauses this many ms just before its commit,
/// holding the lock (a lock holder preempted for that long).
pub(crate) static PAUSE_BEFORE_COMMIT_MS: std::sync::atomic::AtomicU64 =
    std::sync::atomic::AtomicU64::new(0);

/// Test hook: the next committed transaction skips its `FUTEX_WAKE` calls, as a waker killed
/// between the unlock and its wake-ups would.
pub(crate) static LOSE_NEXT_WAKES: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

#[cold]
fn stall() -> ! {
    eprintln!("winipc: stalled before commit (test hook)");
    println!("\n@@stalled");
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// Work for after a commit (see [`Guard::after_commit`]).
struct Deferred(Vec<Box<dyn FnOnce() + Send>>);

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} deferred actions", self.0.len())
    }
}

/// An open transaction on a store: the lock is held while this lives.
#[derive(Debug)]
pub(crate) struct Guard<'s> {
    pub(crate) s: &'s Store,
    /// The locking thread's slot.
    pub(crate) me: u32,
    log_len: u32,
    committed: bool,
    /// (thread slot, new wait state) to publish and wake after commit.
    wakes: smallvec::SmallVec<[(u32, u32); 4]>,
    /// Actions to run once the lock is released, if the transaction committed (the layers
    /// above use them for work that must not happen under the lock or be rolled back, such
    /// as closing and removing a mailslot's ring file).
    deferred: Deferred,
    /// Thread slots to make claimable after the commit: (slot, state).
    release_slots: smallvec::SmallVec<[(u32, u32); 2]>,
    /// Set when a name lookup found reaping unfinished before the transaction wrote anything
    /// of its own: the caller commits the reaping done so far, finishes it in transactions of
    /// their own and runs its operation again (`registry::finish_reaping`).
    pub(crate) reap_retry: bool,
}

impl Store {
    /// Takes the lock as thread slot `me`, waiting until `deadline_ns` (monotonic) at most.
    pub(crate) fn lock(&self, me: u32, deadline_ns: Option<u64>) -> Result<Guard<'_>> {
        self.check_pages()?;
        let lw = self.w(hdr::LOCK);
        let mine = me + 1;
        if lw
            .compare_exchange(0, mine, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            self.lock_slow(me, deadline_ns)?;
        }
        Ok(self.locked(me))
    }

    /// Takes the lock if it is free right now (one compare-and-swap).
    #[inline]
    pub(crate) fn try_lock(&self, me: u32) -> Option<Guard<'_>> {
        if self.map.poisoned() {
            return None; // `lock` reports it
        }
        let free =
            self.w(hdr::LOCK)
                .compare_exchange(0, me + 1, Ordering::Acquire, Ordering::Relaxed);
        free.ok()?;
        Some(self.locked(me))
    }

    /// The transaction of thread slot `me`, which has just taken the lock.
    #[inline]
    fn locked(&self, me: u32) -> Guard<'_> {
        let mut g = Guard {
            s: self,
            me,
            log_len: 0,
            committed: false,
            wakes: smallvec::SmallVec::new(),
            deferred: Deferred(Vec::new()),
            release_slots: smallvec::SmallVec::new(),
            reap_retry: false,
        };
        if self.load(hdr::LOG_LEN) != 0 {
            // The previous holder died after stealing but before finishing, or released the lock
            // without committing — either way, its writes must be undone.
            g.recover();
        }
        g
    }

    #[cold]
    fn lock_slow(&self, me: u32, deadline_ns: Option<u64>) -> Result<()> {
        let lw = self.w(hdr::LOCK);
        let mine = me + 1;
        let deadline = deadline_ns
            .unwrap_or_else(|| winipc_sys::time::monotonic_ns().saturating_add(LOCK_PATIENCE_NS));
        let mut spins = 0u32;
        loop {
            let cur = lw.load(Ordering::Relaxed);
            if cur == 0 {
                // Keep the waiters bit: others may still sleep.
                if lw
                    .compare_exchange(0, mine | LOCK_WAITERS, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return Ok(());
                }
                continue;
            }
            let holder = (cur & !LOCK_WAITERS).wrapping_sub(1);
            // A lock word naming our own slot is never ours (transactions do not nest): it was
            // left by a dead earlier owner of the slot, or forged. Treat it as dead.
            let holder_tid = self.live_tid(holder).filter(|_| holder != me);
            if holder_tid.is_none() {
                // Dead (or garbage) holder: steal; the caller rolls back its transaction.
                if lw
                    .compare_exchange(
                        cur,
                        mine | (cur & LOCK_WAITERS),
                        Ordering::Acquire,
                        Ordering::Relaxed,
                    )
                    .is_ok()
                {
                    self.w(hdr::RECOVERIES).fetch_add(1, Ordering::Relaxed);
                    tracing::warn!(store = %self.path.display(), holder, "stole the lock of a dead holder");
                    return Ok(());
                }
                continue;
            }
            if spins < 64 {
                spins += 1;
                std::hint::spin_loop();
                continue;
            }
            if cur & LOCK_WAITERS == 0
                && lw
                    .compare_exchange(
                        cur,
                        cur | LOCK_WAITERS,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    )
                    .is_err()
            {
                continue;
            }
            let tok = self.w(Store::th(holder, THREAD_TOKEN));
            let mut words = vec![(lw, cur | LOCK_WAITERS)];
            // Look at the holder again now and then, even with a token to sleep on: the kernel
            // wakes only one sleeper on a dead owner's token, and that one may be dying too
            // (several processes killed at once), which left the others asleep until the
            // deadline, 10 s (issue 16).
            let until = deadline.min(winipc_sys::time::monotonic_ns() + LOCK_RECHECK_NS);
            if self.tokens {
                let Some(v) = holder_tid.and_then(|tid| token::arm_death_watch(tok, tid)) else {
                    // The holder died since `live_tid` looked: nothing would wake a sleep on the
                    // lock word alone (before, it lasted until the deadline, 10 s). Look again.
                    continue;
                };
                words.push((tok, v));
            }
            if futex::wait_any(&words, Some(until)) == futex::Woken::TimedOut
                && winipc_sys::time::monotonic_ns() >= deadline
            {
                if deadline_ns.is_none() {
                    tracing::warn!(store = %self.path.display(), holder, "store lock held too long");
                }
                return Err(Error::Timeout);
            }
        }
    }

    /// The TID of the live thread in slot `slot`, or `None` if the slot is out of range, free,
    /// or its thread is dead.
    pub(crate) fn live_tid(&self, slot: u32) -> Option<u32> {
        if slot >= MAX_THREADS {
            return None;
        }
        let tid = self.load(Store::th(slot, th::TID));
        if !self.tokens {
            // A store without tokens: the thread's identity, checked in /proc (a syscall,
            // only on contention, reaping and waits on this store's mutexes).
            let ident = self.load(Store::th(slot, th::IDENT));
            return (tid != 0
                && ident & 0x3f_ffff == tid
                && winipc_sys::proc::identity_alive(ident))
            .then_some(tid);
        }
        let owner = token::owner(self.w(Store::th(slot, THREAD_TOKEN)))?;
        (owner == tid && tid != 0).then_some(tid)
    }
}

impl Guard<'_> {
    /// Reads a word.
    #[inline]
    pub(crate) fn get(&self, i: u32) -> u32 {
        self.s.w(i).load(Ordering::Relaxed)
    }

    /// Writes a word, undo-logged.
    #[inline]
    pub(crate) fn set(&mut self, i: u32, v: u32) -> Result<()> {
        let word = self.s.w(i);
        let old = word.load(Ordering::Relaxed);
        if old == v {
            return Ok(());
        }
        let n = self.log_len;
        if n >= LOG_ENTRIES {
            return Err(Error::NoResources("transaction too large for the undo log"));
        }
        self.s.w(LOG + 2 * n).store(i, Ordering::Relaxed);
        self.s.w(LOG + 2 * n + 1).store(old, Ordering::Relaxed);
        fence(Ordering::Release);
        self.s.w(hdr::LOG_LEN).store(n + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        word.store(v, Ordering::Relaxed);
        self.log_len = n + 1;
        Ok(())
    }

    /// Undo-log entries this transaction has written so far.
    #[inline]
    pub(crate) fn log_len(&self) -> u32 {
        self.log_len
    }

    /// Adds `delta` (wrapping) to a word, undo-logged.
    pub(crate) fn add(&mut self, i: u32, delta: i32) -> Result<u32> {
        let v = self.get(i).wrapping_add_signed(delta);
        self.set(i, v)?;
        Ok(v)
    }

    /// Schedules, for after the commit, storing `state` into thread slot `t`'s wait word and
    /// waking it. The word changes only once the transaction is durable, so a waiter that sees
    /// it never sees a result that a rollback could take back.
    pub(crate) fn wake_later(&mut self, t: u32, state: u32) {
        match self.wakes.iter_mut().find(|(w, _)| *w == t) {
            Some(entry) => entry.1 = entry.1.max(state),
            None => self.wakes.push((t, state)),
        }
    }

    /// Schedules `action` for after a successful commit, once the lock is released.
    pub(crate) fn after_commit(&mut self, action: Box<dyn FnOnce() + Send>) {
        self.deferred.0.push(action);
    }

    /// Marks thread slot `t` as released (in this transaction) and schedules publishing the
    /// claimable state `next` (`SLOT_FREE` or `SLOT_RETIRED`) after the commit.
    pub(crate) fn release_thread_slot(&mut self, t: u32, next: u32) -> Result<()> {
        self.set(Store::th(t, th::STATE), SLOT_RELEASING | next)?;
        self.release_slots.push((t, next));
        Ok(())
    }

    /// Schedules publishing a committed `SLOT_RELEASING` slot's claimable state after the
    /// commit (its releaser died before doing so).
    pub(crate) fn republish_release(&mut self, t: u32, next: u32) {
        self.release_slots.push((t, next));
    }

    /// Schedules a bare wake-up of thread slot `t` (no state change) so that it re-examines
    /// its wait, e.g. because a timer it waits for was re-armed.
    pub(crate) fn nudge_later(&mut self, t: u32) {
        if !self.wakes.iter().any(|(w, _)| *w == t) {
            self.wakes.push((t, WAIT_IDLE));
        }
    }

    /// Makes the transaction's writes permanent, wakes who must be woken, and unlocks.
    pub(crate) fn commit(mut self) {
        if STALL_BEFORE_COMMIT.load(Ordering::Relaxed) && self.log_len > 0 {
            stall();
        }
        if self.log_len > 0 {
            // A load first: the hook costs no locked instruction on every commit.
            let armed = PAUSE_BEFORE_COMMIT_MS.load(Ordering::Relaxed) != 0;
            let ms = if armed {
                PAUSE_BEFORE_COMMIT_MS.swap(0, Ordering::Relaxed)
            } else {
                0
            };
            if ms > 0 {
                println!("\n@@paused");
                std::thread::sleep(std::time::Duration::from_millis(ms));
            }
        }
        self.finish_commit();
    }

    fn finish_commit(&mut self) {
        fence(Ordering::Release);
        self.s.w(hdr::LOG_LEN).store(0, Ordering::Release);
        self.log_len = 0;
        self.committed = true;
        // We hold the lock: a plain increment, no locked instruction.
        let changes = self.s.w(hdr::CHANGES);
        changes.store(
            changes.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
        // Claimable slot states become visible only now, after the commit.
        for &(t, next) in &self.release_slots {
            self.s
                .w(Store::th(t, th::STATE))
                .store(next, Ordering::Release);
        }
        // Publish the new wait states now (still under the lock, after the commit); the
        // wake-ups themselves are issued after the unlock (see `Drop`).
        for &(t, state) in &self.wakes {
            if state != WAIT_IDLE {
                self.s
                    .w(Store::th(t, th::WAIT_STATE))
                    .store(state, Ordering::Release);
            }
        }
    }

    /// Undoes the log left by a dead holder (or by this guard), then wakes every waiter so that
    /// each re-examines its wait: a signal that was rolled back may have been its wake-up.
    fn recover(&mut self) {
        let n = self.get(hdr::LOG_LEN);
        if n > LOG_ENTRIES {
            self.s.corrupt("undo log length");
        }
        self.rollback(n.min(LOG_ENTRIES));
        for t in 0..MAX_THREADS {
            if self.get(Store::th(t, th::WAIT_STATE)) == WAIT_WAITING {
                futex::wake(self.s.w(Store::th(t, th::WAIT_STATE)), u32::MAX);
            }
        }
    }

    fn rollback(&mut self, n: u32) {
        for k in (0..n).rev() {
            let i = self.get(LOG + 2 * k);
            let old = self.get(LOG + 2 * k + 1);
            // Never "restore" the lock, the log itself, or anything outside the store.
            if (THREADS..TOTAL_WORDS).contains(&i) || (hdr::FREE_OBJ..HEADER_WORDS).contains(&i) {
                self.s.w(i).store(old, Ordering::Relaxed);
            } else {
                self.s.corrupt("undo-log entry out of range");
            }
        }
        fence(Ordering::Release);
        self.s.w(hdr::LOG_LEN).store(0, Ordering::Release);
        self.log_len = 0;
    }
}

impl Drop for Guard<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let n = self.log_len;
            self.rollback(n);
            self.wakes.clear();
        }
        let prev = self.s.w(hdr::LOCK).swap(0, Ordering::Release);
        if prev & LOCK_WAITERS != 0 {
            futex::wake(self.s.w(hdr::LOCK), 1);
        }
        // Wake after unlocking: a woken waiter that runs at once (same CPU) must not find the
        // lock still held by its waker. A waker killed between the unlock and these calls
        // leaves a published state unwoken; waiters re-check their word at least every
        // `wait::BACKSTOP_NS` (the monitor thread's ticks), so that costs at most that long,
        // never a wedge.
        if !self.wakes.is_empty()
            && LOSE_NEXT_WAKES.load(Ordering::Relaxed)
            && LOSE_NEXT_WAKES.swap(false, Ordering::Relaxed)
        {
            return;
        }
        for &(t, _) in &self.wakes {
            futex::wake(self.s.w(Store::th(t, th::WAIT_STATE)), u32::MAX);
        }
        if self.committed {
            for action in std::mem::take(&mut self.deferred.0) {
                action();
            }
        }
    }
}
