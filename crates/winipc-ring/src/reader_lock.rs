//! The reader lock: serializes the readers of one ring (receive handles duplicated into several
//! processes, or several threads of one) without a locked instruction per message for the
//! usual single reader.
//!
//! A reader with a *reader entry* (one of [`READER_ENTRIES`] lines, claimed once per thread)
//! holds the lock **biased**: it keeps the lock word naming it between consumptions and enters
//! each one by storing 1 to its entry's `inside` word, a [`light_fence`] and a re-read of the lock
//! word; it leaves by storing 0. Another reader takes a biased holding over by setting
//! `revoke` with an RMW, issuing a [heavy fence](crate::Futex::heavy_fence) and waiting for
//! `inside` to read 0 (or the holder to be dead). The pair is Dekker's: either the revoker sees
//! `inside == 1`, or the holder's re-read sees `revoke` and backs off. Each entry's `inside` word
//! is written only by the thread owning the entry, so a holder that was taken over while it
//! entered cannot clobber the next holder's word.
//!
//! A reader without an entry (all taken by live readers, or its process cannot use heavy
//! fences) holds the lock **classic**: an acquiring CAS and a releasing RMW around one
//! consumption. Every acquisition bumps the sequence field, so a revoker whose view is stale
//! cannot take over a newer holding.

use crate::layout::{
    D_ENTRIES, D_READER_LOCK, H_SPACE, LOCK_ENTRY_SHIFT, LOCK_HOLDER_MASK, LOCK_OWNER_MASK,
    LOCK_REVOKE, LOCK_SEQ_MASK, LOCK_SEQ_UNIT, LOCK_WAITERS_MASK, READER_ENTRIES,
};
use crate::sync::{AtomicU64, Ordering, light_fence, spin_hint, trace};
use crate::{Futex, Liveness, Ring};

/// Attempts on a contended reader lock before reporting `Busy`.
const LOCK_SPINS: u32 = if cfg!(loom) { 8 } else { 128 };
/// Spins waiting for a revoked holder to leave its consumption.
const INSIDE_SPINS: u32 = if cfg!(loom) { 8 } else { 4096 };

/// How a reader holds the lock for one consumption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hold {
    /// Biased, through reader entry `e`: released by clearing the entry's `inside` word.
    Biased(usize),
    /// Classic: released with an RMW on the lock word.
    Classic,
}

impl<F: Futex> Ring<'_, F> {
    fn lock_word(&self) -> &AtomicU64 {
        self.data(D_READER_LOCK)
    }

    fn entry_id(&self, e: usize) -> &AtomicU64 {
        self.data(D_ENTRIES + 8 * e)
    }

    fn entry_inside(&self, e: usize) -> &AtomicU64 {
        self.data(D_ENTRIES + 8 * e + 1)
    }

    /// Takes the reader lock for `reader`, or `None` when a live reader keeps it (`Busy`).
    pub(crate) fn lock_reader(&self, reader: u32, liveness: &impl Liveness) -> Option<Hold> {
        let me = u64::from(reader.min(u32::MAX - 1)) + 1;
        let entry = if self.futex.fences_registered() {
            self.entry_of(me, liveness)
        } else {
            None
        };
        let want = me | entry.map_or(0, |e| (e as u64 + 1) << LOCK_ENTRY_SHIFT);
        let lock = self.lock_word();
        for i in 0..LOCK_SPINS {
            let cur = lock.load(Ordering::Acquire);
            let holder = cur & LOCK_HOLDER_MASK;
            if holder == want {
                if let Some(e) = entry {
                    if cur & LOCK_REVOKE == 0 {
                        if self.enter_biased(e, want) {
                            return Some(Hold::Biased(e));
                        }
                        continue;
                    }
                    // Another reader is taking our biased holding over: let it.
                    let _ = lock.compare_exchange(
                        cur,
                        cur & !(LOCK_HOLDER_MASK | LOCK_REVOKE),
                        Ordering::AcqRel,
                        Ordering::Relaxed,
                    );
                    spin_hint();
                    continue;
                }
            }
            let owner = cur & LOCK_OWNER_MASK;
            let holder_entry = (cur & LOCK_HOLDER_MASK) >> LOCK_ENTRY_SHIFT;
            let take = if owner == 0 || owner == me {
                // Free, or a holding left behind under our own id (consumptions do not nest,
                // so we are not inside one).
                Some(cur)
            } else if holder_entry == 0 {
                // A classic holder: wait for it, or take over from a dead one.
                (i % 32 == 0 && !liveness.is_alive(owner_id(owner))).then_some(cur)
            } else {
                self.revoke(cur, holder_entry as usize - 1, liveness)
            };
            if let Some(from) = take {
                if let Some(hold) = self.acquire_from(from, want, entry) {
                    return Some(hold);
                }
                continue;
            }
            spin_hint();
        }
        None
    }

    /// Replaces the holding seen as `from` by ours (retrying while only waiting writers change
    /// the word), then enters a biased holding.
    fn acquire_from(&self, mut from: u64, want: u64, entry: Option<usize>) -> Option<Hold> {
        let lock = self.lock_word();
        let fixed = LOCK_HOLDER_MASK | LOCK_REVOKE | LOCK_SEQ_MASK;
        loop {
            let seq = (from & LOCK_SEQ_MASK).wrapping_add(LOCK_SEQ_UNIT) & LOCK_SEQ_MASK;
            let new = (from & LOCK_WAITERS_MASK) | seq | want;
            match lock.compare_exchange(from, new, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(now) if now & fixed == from & fixed => from = now,
                Err(_) => return None,
            }
        }
        trace!("reader lock taken: {want:x}");
        match entry {
            Some(e) => self.enter_biased(e, want).then_some(Hold::Biased(e)),
            None => Some(Hold::Classic),
        }
    }

    /// Enters a consumption under a biased holding: `inside = 1`, light fence, re-check that
    /// the holding is still ours and not being revoked.
    fn enter_biased(&self, e: usize, want: u64) -> bool {
        let inside = self.entry_inside(e);
        inside.store(1, Ordering::Relaxed);
        light_fence();
        let cur = self.lock_word().load(Ordering::Acquire);
        if cur & (LOCK_HOLDER_MASK | LOCK_REVOKE) == want {
            return true;
        }
        inside.store(0, Ordering::Release);
        false
    }

    /// Asks the biased holder on entry `e` (seen in `cur`) to give the lock up. Returns the lock
    /// value to take over from once the holder is outside its consumption or dead.
    fn revoke(&self, mut cur: u64, e: usize, liveness: &impl Liveness) -> Option<u64> {
        if e >= READER_ENTRIES {
            return None;
        }
        let lock = self.lock_word();
        if cur & LOCK_REVOKE == 0 {
            cur = lock
                .compare_exchange(cur, cur | LOCK_REVOKE, Ordering::AcqRel, Ordering::Relaxed)
                .ok()?
                | LOCK_REVOKE;
        }
        // Without a heavy fence the holder's `inside` cannot be trusted: wait for it to see
        // the revoke bit at its next consumption and let go.
        if !self.futex.heavy_fence() {
            return None;
        }
        let inside = self.entry_inside(e);
        let owner = owner_id(cur & LOCK_OWNER_MASK);
        for k in 0..INSIDE_SPINS {
            if inside.load(Ordering::Acquire) == 0 {
                return Some(cur);
            }
            if k % 64 == 63 && !liveness.is_alive(owner) {
                return Some(cur);
            }
            spin_hint();
        }
        None
    }

    /// Releases the lock after a consumption and, if it `made_room` (moved the head), wakes
    /// blocked writers if any registered. A consumption that leaves the head where it was
    /// frees no space: a writer that registered finds the ring as full as it left it, and the
    /// release that does move the head wakes it.
    pub(crate) fn unlock_reader(&self, hold: Hold, made_room: bool) {
        let old = match hold {
            Hold::Biased(e) => {
                self.entry_inside(e).store(0, Ordering::Release);
                // A plain load: blocked writers register with an RMW and then a heavy fence
                // before re-checking the head, so either this sees them or they see the head.
                self.lock_word().load(Ordering::Relaxed)
            }
            Hold::Classic => self
                .lock_word()
                .fetch_and(!(LOCK_HOLDER_MASK | LOCK_REVOKE), Ordering::AcqRel),
        };
        if made_room && old & LOCK_WAITERS_MASK != 0 {
            let space = self.hdr(H_SPACE);
            space.fetch_add(1, Ordering::Release);
            self.futex.wake(space, u32::MAX);
        }
    }

    /// This reader's entry: found through the process-local mirror, else claimed (a free one
    /// or a dead reader's). `None` when all are held by live readers.
    fn entry_of(&self, me: u64, liveness: &impl Liveness) -> Option<usize> {
        use std::sync::atomic::Ordering::Relaxed;
        let mine = me as u32;
        if let Some(e) = self.entries.iter().position(|m| m.load(Relaxed) == mine) {
            if self.entry_id(e).load(Ordering::Relaxed) == me {
                return Some(e);
            }
            // Taken from us (we looked dead to someone, or a hostile peer): claim again.
            let _ = self.entries[e].compare_exchange(mine, 0, Relaxed, Relaxed);
        }
        for e in 0..READER_ENTRIES {
            let id = self.entry_id(e);
            let cur = id.load(Ordering::Acquire);
            let free =
                cur == 0 || cur == me || cur > LOCK_OWNER_MASK || !liveness.is_alive(owner_id(cur));
            if free
                && id
                    .compare_exchange(cur, me, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            {
                self.entry_inside(e).store(0, Ordering::Release);
                self.entries[e].store(mine, Relaxed);
                trace!("reader entry {e} claimed by {me:x}");
                return Some(e);
            }
        }
        None
    }
}

/// The reader id in an owner field (id + 1).
fn owner_id(owner: u64) -> u32 {
    u32::try_from(owner.wrapping_sub(1)).unwrap_or(u32::MAX)
}
