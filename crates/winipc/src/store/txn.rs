//! The store lock and its undo-logged transactions, as an algorithm over a [`Backend`].
//!
//! This is the code that runs: `lock::Guard` wraps a [`Txn`] over the mapped store
//! (`impl Backend for Store` in `lock.rs`), and the model checks (`loom_tests.rs`) run the same
//! [`Txn`] over loom's atomics, a small layout, a futex model and liveness flags they flip.
//!
//! - **The lock word** holds the holder's thread slot + 1 and [`LOCK_WAITERS`]. A free lock is
//!   taken with one compare-and-swap. A contended locker spins a little, sets the waiters bit
//!   and sleeps on the lock word and on the holder's death ([`Backend::sleep_on_lock`]). A
//!   holder that is dead ([`Backend::live_tid`] says so), out of range, or the locker's own
//!   slot (transactions do not nest, so that is a dead earlier owner of the slot, or forged) is
//!   stolen from with a compare-and-swap that keeps the waiters bit.
//! - **The undo log**: [`Txn::set`] appends `(index, old value)`, publishes the new length
//!   (release), and only then writes the word. [`Txn::commit`] empties the log (release), which
//!   is the commit point. Whoever takes the lock and finds a non-empty log ([`Txn::recover`])
//!   restores the logged words newest first — only words inside the backend's restorable
//!   ranges, never the lock or the log — and wakes every waiting thread, because a rolled-back
//!   signal may have been its wake-up.
//! - **Publishing**: after the commit and before the unlock, claimable slot states and the
//!   satisfied waiters' wait words are stored (release), so a waiter that sees its word never
//!   sees a result a rollback could take back; the futex wakes follow the unlock
//!   ([`Txn::finish`]).

use crate::store::layout::{LOCK_WAITERS, WAIT_IDLE, WAIT_WAITING};
use crate::sync::{Ordering, Word};

/// Where the words the algorithm uses live (the real store's layout, or a model's).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// The lock word.
    pub lock: u32,
    /// The undo log's length (entries).
    pub log_len: u32,
    /// Bumped by every commit.
    pub changes: u32,
    /// Bumped by every steal.
    pub recoveries: u32,
    /// The first undo-log word (entries are `(index, old value)` pairs).
    pub log: u32,
    /// Undo-log capacity (entries).
    pub log_entries: u32,
    /// The first thread slot's first word.
    pub threads: u32,
    /// Thread slots.
    pub max_threads: u32,
    /// Words per thread slot.
    pub thread_words: u32,
    /// A thread slot's state word (claimable states are published after commit).
    pub th_state: u32,
    /// A thread slot's wait word (a waiter sleeps on it).
    pub th_wait_state: u32,
    /// Half-open ranges of words a rollback may restore; anything else in the log is corrupt.
    pub restorable: [(u32, u32); 2],
}

impl Layout {
    #[inline(always)]
    fn th(&self, t: u32, field: u32) -> u32 {
        self.threads + t * self.thread_words + field
    }
}

/// What the lock needs from its environment: the words, a futex, and the liveness of a thread
/// slot. The real store provides the mapped file, `futex_waitv`/`FUTEX_WAKE`, and liveness
/// tokens (private store) or `/proc` identities (shared store); see the store's contract in
/// `store/mod.rs`.
pub(crate) trait Backend {
    /// The atomic word type.
    type W: Word;
    /// The layout (a constant: every index below folds at compile time).
    const LAYOUT: Layout;
    /// Spins before sleeping on a held lock.
    const SPINS: u32;
    /// How long a locker without a deadline waits for a live holder before giving up.
    const PATIENCE_NS: u64;
    /// Word `i`; the algorithm passes only layout indices and log entries it range-checked.
    fn word(&self, i: u32) -> &Self::W;
    /// The TID of the live thread in slot `slot`; `None` if out of range, free, or dead.
    fn live_tid(&self, slot: u32) -> Option<u32>;
    /// Sleeps while the lock word holds `seen` and thread slot `holder` (TID `tid`) lives, until
    /// `deadline_ns` at most; spurious returns are allowed. Returns whether it timed out.
    fn sleep_on_lock(&self, seen: u32, holder: u32, tid: u32, deadline_ns: u64) -> bool;
    /// Wakes up to `count` threads sleeping on word `i`.
    fn wake(&self, i: u32, count: u32);
    /// The monotonic clock, in ns.
    fn now_ns(&self) -> u64;
    /// One step of a busy-wait.
    fn spin(&self);
    /// Reports that the lock was stolen from dead thread slot `holder`.
    fn stolen(&self, holder: u32);
    /// Reports corrupt shared state (`what`); the algorithm then refuses it.
    fn corrupt(&self, what: &'static str);
}

/// The lock was not taken by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TimedOut;

/// The undo log is full: the write was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogFull;

/// An open transaction: the lock is held by thread slot `me` while this lives, until
/// [`Txn::finish`]. It has no `Drop`: a holder that never finishes is what a killed holder
/// leaves, and the next locker recovers from it.
#[derive(Debug)]
pub(crate) struct Txn<'b, B: Backend> {
    b: &'b B,
    me: u32,
    log_len: u32,
    committed: bool,
}

impl<'b, B: Backend> Txn<'b, B> {
    /// Takes the lock if it is free right now (one compare-and-swap).
    #[inline]
    pub(crate) fn try_begin(b: &'b B, me: u32) -> Option<Self> {
        b.word(B::LAYOUT.lock)
            .compare_exchange(0, me + 1, Ordering::Acquire, Ordering::Relaxed)
            .ok()?;
        Some(Txn::locked(b, me))
    }

    /// Takes the lock as thread slot `me`, waiting until `deadline_ns` (monotonic) at most
    /// (`None`: [`Backend::PATIENCE_NS`] from when it finds the lock held).
    #[inline]
    pub(crate) fn begin(b: &'b B, me: u32, deadline_ns: Option<u64>) -> Result<Self, TimedOut> {
        if b.word(B::LAYOUT.lock)
            .compare_exchange(0, me + 1, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            acquire_slow(b, me, deadline_ns)?;
        }
        Ok(Txn::locked(b, me))
    }

    /// The transaction of thread slot `me`, which has just taken the lock.
    #[inline]
    fn locked(b: &'b B, me: u32) -> Self {
        let mut t = Txn {
            b,
            me,
            log_len: 0,
            committed: false,
        };
        if b.word(B::LAYOUT.log_len).load(Ordering::Acquire) != 0 {
            // The previous holder died (after stealing, too) before finishing, or released the
            // lock without committing: its writes must be undone.
            t.recover();
        }
        t
    }

    /// The holder's thread slot.
    #[inline]
    pub(crate) fn me(&self) -> u32 {
        self.me
    }

    /// Undo-log entries written so far.
    #[inline]
    pub(crate) fn log_len(&self) -> u32 {
        self.log_len
    }

    /// Whether [`Txn::commit`] ran.
    #[inline]
    pub(crate) fn committed(&self) -> bool {
        self.committed
    }

    /// Reads word `i` (the lock orders it).
    #[inline]
    pub(crate) fn get(&self, i: u32) -> u32 {
        self.b.word(i).load(Ordering::Relaxed)
    }

    /// Writes word `i`, undo-logged: the entry and the log length are visible before the word
    /// changes, so a holder killed between any two instructions leaves a log that undoes it.
    #[inline]
    pub(crate) fn set(&mut self, i: u32, v: u32) -> Result<(), LogFull> {
        let l = B::LAYOUT;
        let word = self.b.word(i);
        let old = word.load(Ordering::Relaxed);
        if old == v {
            return Ok(());
        }
        let n = self.log_len;
        if n >= l.log_entries {
            return Err(LogFull);
        }
        self.b.word(l.log + 2 * n).store(i, Ordering::Relaxed);
        self.b.word(l.log + 2 * n + 1).store(old, Ordering::Relaxed);
        B::W::fence(Ordering::Release);
        self.b.word(l.log_len).store(n + 1, Ordering::Relaxed);
        B::W::fence(Ordering::Release);
        word.store(v, Ordering::Relaxed);
        self.log_len = n + 1;
        Ok(())
    }

    /// Commits: empties the log (the commit point), bumps the change counter, then publishes
    /// each `(slot, state)` of `slot_states` into that thread slot's state word and each
    /// `(slot, wait state)` of `wait_states` (other than `WAIT_IDLE`) into its wait word. The
    /// lock stays held until [`Txn::finish`].
    #[inline]
    pub(crate) fn commit(&mut self, slot_states: &[(u32, u32)], wait_states: &[(u32, u32)]) {
        let l = B::LAYOUT;
        B::W::fence(Ordering::Release);
        self.b.word(l.log_len).store(0, Ordering::Release);
        self.log_len = 0;
        self.committed = true;
        // We hold the lock: a plain increment, no locked instruction.
        let changes = self.b.word(l.changes);
        changes.store(
            changes.load(Ordering::Relaxed).wrapping_add(1),
            Ordering::Relaxed,
        );
        for &(t, state) in slot_states {
            self.b
                .word(l.th(t, l.th_state))
                .store(state, Ordering::Release);
        }
        for &(t, state) in wait_states {
            if state != WAIT_IDLE {
                self.b
                    .word(l.th(t, l.th_wait_state))
                    .store(state, Ordering::Release);
            }
        }
    }

    /// Ends the transaction: rolls it back unless committed, unlocks (waking one locker if the
    /// waiters bit was set), then — if committed — wakes the threads of `wakes`. Waking after
    /// the unlock means a woken thread that runs at once does not find the lock still held.
    #[inline]
    pub(crate) fn finish(&mut self, wakes: &[(u32, u32)]) {
        let l = B::LAYOUT;
        if !self.committed {
            self.rollback(self.log_len);
        }
        let prev = self.b.word(l.lock).swap(0, Ordering::Release);
        if prev & LOCK_WAITERS != 0 {
            self.b.wake(l.lock, 1);
        }
        if self.committed {
            for &(t, _) in wakes {
                self.b.wake(l.th(t, l.th_wait_state), u32::MAX);
            }
        }
    }

    /// Undoes the log left in the store (by a dead holder, or by this transaction), then wakes
    /// every waiting thread so that each re-examines its wait.
    fn recover(&mut self) {
        let l = B::LAYOUT;
        let n = self.get(l.log_len);
        if n > l.log_entries {
            self.b.corrupt("undo log length");
        }
        self.rollback(n.min(l.log_entries));
        for t in 0..l.max_threads {
            let w = l.th(t, l.th_wait_state);
            if self.get(w) == WAIT_WAITING {
                self.b.wake(w, u32::MAX);
            }
        }
    }

    fn rollback(&mut self, n: u32) {
        let l = B::LAYOUT;
        for k in (0..n).rev() {
            let i = self.get(l.log + 2 * k);
            let old = self.get(l.log + 2 * k + 1);
            // Never "restore" the lock, the log itself, or anything outside the store.
            if l.restorable.iter().any(|r| (r.0..r.1).contains(&i)) {
                self.b.word(i).store(old, Ordering::Relaxed);
            } else {
                self.b.corrupt("undo-log entry out of range");
            }
        }
        B::W::fence(Ordering::Release);
        self.b.word(l.log_len).store(0, Ordering::Release);
        self.log_len = 0;
    }
}

/// The contended path of [`Txn::begin`]: wait for the lock, or steal it from a dead holder.
#[cold]
fn acquire_slow<B: Backend>(b: &B, me: u32, deadline_ns: Option<u64>) -> Result<(), TimedOut> {
    let lw = b.word(B::LAYOUT.lock);
    let mine = me + 1;
    let deadline_ns = deadline_ns.unwrap_or_else(|| b.now_ns().saturating_add(B::PATIENCE_NS));
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
        let Some(holder_tid) = b.live_tid(holder).filter(|_| holder != me) else {
            // Dead (or garbage) holder: steal; `Txn::locked` rolls its transaction back.
            if lw
                .compare_exchange(
                    cur,
                    mine | (cur & LOCK_WAITERS),
                    Ordering::Acquire,
                    Ordering::Relaxed,
                )
                .is_ok()
            {
                b.word(B::LAYOUT.recoveries).fetch_add(1, Ordering::Relaxed);
                b.stolen(holder);
                return Ok(());
            }
            continue;
        };
        if spins < B::SPINS {
            spins += 1;
            b.spin();
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
        if b.sleep_on_lock(cur | LOCK_WAITERS, holder, holder_tid, deadline_ns)
            && b.now_ns() >= deadline_ns
        {
            return Err(TimedOut);
        }
    }
}
