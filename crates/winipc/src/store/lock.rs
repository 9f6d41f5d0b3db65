//! The store lock and its transactions over the mapped store.
//!
//! The algorithm — lock word, stealing from a dead holder, undo log, commit, rollback,
//! publishing wait states after the commit and waking after the unlock — is
//! [`super::txn`], which the model checks run as it is. This module is its backend for a
//! mapped store (`impl Backend for Store`: the file's words, `futex_waitv`/`FUTEX_WAKE`, and
//! liveness tokens or `/proc` identities) and [`Guard`], the transaction the layers above use:
//! a [`Txn`] plus the wake-ups, slot releases and deferred actions to run after its commit, and
//! the test hooks.

use std::sync::atomic::AtomicU32;

use winipc_sys::{futex, token};

use super::Store;
use super::layout::*;
use super::txn::{Backend, Layout, TimedOut, Txn};
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

/// Test hooks (feature `test-hooks`, which the crate's own tests enable; never in a release
/// library): what the next transaction does just before or after its commit.
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) mod hooks {
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    /// The next transaction with writes stops forever just before its commit, holding the
    /// lock, so a test can kill the process there and watch the rollback.
    pub(crate) static STALL_BEFORE_COMMIT: AtomicBool = AtomicBool::new(false);

    /// The next transaction with writes pauses this many ms just before its commit, holding
    /// the lock (a lock holder preempted for that long).
    pub(crate) static PAUSE_BEFORE_COMMIT_MS: AtomicU64 = AtomicU64::new(0);

    /// The next committed transaction skips its `FUTEX_WAKE` calls, as a waker killed between
    /// the unlock and its wake-ups would.
    pub(crate) static LOSE_NEXT_WAKES: AtomicBool = AtomicBool::new(false);

    /// Runs the armed before-commit hooks of a transaction with writes.
    #[cold]
    #[inline(never)]
    pub(super) fn before_commit() {
        if STALL_BEFORE_COMMIT.load(Ordering::Relaxed) {
            eprintln!("winipc: stalled before commit (test hook)");
            println!("\n@@stalled");
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
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

    /// Whether this commit's wake-ups are to be lost (consumes the hook).
    #[inline]
    pub(super) fn lose_wakes() -> bool {
        LOSE_NEXT_WAKES.load(Ordering::Relaxed) && LOSE_NEXT_WAKES.swap(false, Ordering::Relaxed)
    }
}

/// What a transaction rarely needs, kept out of [`Guard`] so that the guard stays small enough
/// to move in registers' worth of copies (it is returned from `lock` and moved into closures on
/// every operation): allocated on first use.
#[derive(Default)]
struct Extras {
    /// Actions to run once the lock is released, if the transaction committed (the layers
    /// above use them for work that must not happen under the lock or be rolled back, such
    /// as closing and removing a mailslot's ring file).
    deferred: Vec<Box<dyn FnOnce() + Send>>,
    /// Thread slots to make claimable after the commit: (slot, state).
    release_slots: smallvec::SmallVec<[(u32, u32); 2]>,
}

impl std::fmt::Debug for Extras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} deferred actions, slot releases {:?}",
            self.deferred.len(),
            self.release_slots
        )
    }
}

/// An open transaction on a store: the lock is held while this lives.
#[derive(Debug)]
pub(crate) struct Guard<'s> {
    pub(crate) s: &'s Store,
    /// The locking thread's slot.
    pub(crate) me: u32,
    /// Set when a name lookup found reaping unfinished before the transaction wrote anything
    /// of its own: the caller commits the reaping done so far, finishes it in transactions of
    /// their own and runs its operation again (`registry::finish_reaping`).
    pub(crate) reap_retry: bool,
    txn: Txn<'s, Store>,
    /// (thread slot, new wait state) to publish and wake after commit.
    wakes: smallvec::SmallVec<[(u32, u32); 4]>,
    /// Deferred actions and slot releases (see [`Extras`]); `None` on the hot paths.
    extras: Option<Box<Extras>>,
}

/// The mapped store as the lock algorithm's backend (see the contract in `store/mod.rs`).
impl Backend for Store {
    type W = AtomicU32;
    const LAYOUT: Layout = Layout {
        lock: hdr::LOCK,
        log_len: hdr::LOG_LEN,
        changes: hdr::CHANGES,
        recoveries: hdr::RECOVERIES,
        log: LOG,
        log_entries: LOG_ENTRIES,
        threads: THREADS,
        max_threads: MAX_THREADS,
        thread_words: THREAD_WORDS,
        th_state: th::STATE,
        th_wait_state: th::WAIT_STATE,
        restorable: [(THREADS, TOTAL_WORDS), (hdr::FREE_OBJ, HEADER_WORDS)],
    };
    const SPINS: u32 = 64;
    const PATIENCE_NS: u64 = LOCK_PATIENCE_NS;

    #[inline(always)]
    fn word(&self, i: u32) -> &AtomicU32 {
        self.w(i)
    }

    fn live_tid(&self, slot: u32) -> Option<u32> {
        Store::live_tid(self, slot)
    }

    fn sleep_on_lock(&self, seen: u32, holder: u32, tid: u32, deadline_ns: u64) -> bool {
        let lw = self.w(hdr::LOCK);
        let mut words = smallvec::SmallVec::<[(&AtomicU32, u32); 2]>::new();
        words.push((lw, seen));
        // Look at the holder again now and then, even with a token to sleep on: the kernel
        // wakes only one sleeper on a dead owner's token, and that one may be dying too
        // (several processes killed at once), which left the others asleep until the
        // deadline, 10 s (issue 16). Without a token (the shared store), polling is all there is.
        let recheck = if self.tokens {
            LOCK_RECHECK_NS
        } else {
            DEATH_POLL_NS
        };
        let until = deadline_ns.min(winipc_sys::time::monotonic_ns() + recheck);
        if self.tokens {
            let tok = self.w(Store::th(holder, THREAD_TOKEN));
            match token::arm_death_watch(tok, tid) {
                Some(v) => words.push((tok, v)),
                // The holder died since it was looked at: nothing would wake a sleep on the
                // lock word alone. Look again at once.
                None => return false,
            }
        }
        futex::wait_any(&words, Some(until)) == futex::Woken::TimedOut
    }

    #[inline]
    fn wake(&self, i: u32, count: u32) {
        futex::wake(self.w(i), count);
    }

    fn now_ns(&self) -> u64 {
        winipc_sys::time::monotonic_ns()
    }

    #[inline]
    fn spin(&self) {
        std::hint::spin_loop();
    }

    #[cold]
    fn stolen(&self, holder: u32) {
        tracing::warn!(store = %self.path.display(), holder, "stole the lock of a dead holder");
    }

    #[cold]
    fn corrupt(&self, what: &'static str) {
        let _ = Store::corrupt(self, what);
    }
}

impl Store {
    /// Takes the lock as thread slot `me`, waiting until `deadline_ns` (monotonic) at most.
    pub(crate) fn lock(&self, me: u32, deadline_ns: Option<u64>) -> Result<Guard<'_>> {
        self.check_pages()?;
        match Txn::begin(self, me, deadline_ns) {
            Ok(txn) => Ok(self.guard(txn)),
            Err(TimedOut) => Err(self.lock_timed_out(deadline_ns)),
        }
    }

    #[cold]
    fn lock_timed_out(&self, deadline_ns: Option<u64>) -> Error {
        if deadline_ns.is_none() {
            tracing::warn!(store = %self.path.display(), "store lock held too long");
        }
        Error::Timeout
    }

    /// Takes the lock if it is free right now (one compare-and-swap).
    #[inline]
    pub(crate) fn try_lock(&self, me: u32) -> Option<Guard<'_>> {
        if self.map.poisoned() {
            return None; // `lock` reports it
        }
        Some(self.guard(Txn::try_begin(self, me)?))
    }

    #[inline]
    fn guard<'s>(&'s self, txn: Txn<'s, Store>) -> Guard<'s> {
        Guard {
            s: self,
            me: txn.me(),
            txn,
            reap_retry: false,
            wakes: smallvec::SmallVec::new(),
            extras: None,
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
        self.txn.get(i)
    }

    /// Writes a word, undo-logged.
    #[inline]
    pub(crate) fn set(&mut self, i: u32, v: u32) -> Result<()> {
        self.txn
            .set(i, v)
            .map_err(|_| Error::NoResources("transaction too large for the undo log"))
    }

    /// Undo-log entries this transaction has written so far.
    #[inline]
    pub(crate) fn log_len(&self) -> u32 {
        self.txn.log_len()
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
        self.extras().deferred.push(action);
    }

    /// The rarely used parts, allocated on first use.
    #[cold]
    fn extras(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// Marks thread slot `t` as released (in this transaction) and schedules publishing the
    /// claimable state `next` (`SLOT_FREE` or `SLOT_RETIRED`) after the commit.
    pub(crate) fn release_thread_slot(&mut self, t: u32, next: u32) -> Result<()> {
        self.set(Store::th(t, th::STATE), SLOT_RELEASING | next)?;
        self.extras().release_slots.push((t, next));
        Ok(())
    }

    /// Schedules publishing a committed `SLOT_RELEASING` slot's claimable state after the
    /// commit (its releaser died before doing so).
    pub(crate) fn republish_release(&mut self, t: u32, next: u32) {
        self.extras().release_slots.push((t, next));
    }

    /// Schedules a bare wake-up of thread slot `t` (no state change) so that it re-examines
    /// its wait, e.g. because a timer it waits for was re-armed.
    pub(crate) fn nudge_later(&mut self, t: u32) {
        if !self.wakes.iter().any(|(w, _)| *w == t) {
            self.wakes.push((t, WAIT_IDLE));
        }
    }

    /// Makes the transaction's writes permanent, publishes slot and wait states, and (on drop)
    /// unlocks and wakes who must be woken.
    #[inline(always)]
    pub(crate) fn commit(mut self) {
        #[cfg(any(test, feature = "test-hooks"))]
        if self.txn.log_len() > 0 {
            hooks::before_commit();
        }
        let slots = match &self.extras {
            Some(x) => &x.release_slots[..],
            None => &[],
        };
        self.txn.commit(slots, &self.wakes);
    }
}

impl Drop for Guard<'_> {
    #[inline]
    fn drop(&mut self) {
        let committed = self.txn.committed();
        // Test hook: a waker killed between the unlock and its wake-ups leaves a published
        // state unwoken; waiters re-check their word at least every `wait::BACKSTOP_NS` (the
        // monitor thread's ticks), so that costs at most that long, never a wedge.
        #[cfg(any(test, feature = "test-hooks"))]
        let lose = committed && !self.wakes.is_empty() && hooks::lose_wakes();
        #[cfg(not(any(test, feature = "test-hooks")))]
        let lose = false;
        self.txn.finish(if lose { &[] } else { &self.wakes });
        if let Some(x) = self.extras.take() {
            run_deferred(*x, committed);
        }
    }
}

/// Runs a committed transaction's deferred actions (drops them if it rolled back).
#[cold]
#[inline(never)]
fn run_deferred(x: Extras, committed: bool) {
    if committed {
        for action in x.deferred {
            action();
        }
    }
}
