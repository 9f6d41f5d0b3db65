//! The protocol of a store's readiness word (`hdr::OBSERVE_SEQ`, decisions 0013 and 0019):
//! bits 0–30 count the committed changes of observed objects (wrapping at 2^31), bit 31
//! ([`SLEEPING`]) says that someone may sleep on the word.
//!
//! A *sleeper* (an async wait's io_uring wait, a readiness bridge) calls [`arm`] before it
//! looks at the objects, and sleeps while the word still holds the value `arm` returned. A
//! *changer* calls [`bump`] after its commit and issues the `FUTEX_WAKE` only if the bit was
//! set. The bump and the clearing of the bit are one atomic step on the word the sleepers
//! sleep on, so no wake-up is lost:
//! - a changer that saw the bit clear bumped before the sleeper's `arm` (both are RMWs of one
//!   word): the sleeper's value includes the bump, and its look at the objects, which follows,
//!   sees the change (the changer committed before bumping);
//! - a changer that saw the bit set changes the word: a sleeper that queued before is woken,
//!   one that queues later finds the word changed (the futex's value check) — including a
//!   sleeper whose bit another changer cleared: the word it sleeps on holds the bit, so any
//!   clearing changes it.
//!
//! A sleeper killed while armed leaves the bit set: the next changer wakes nobody once and
//! clears it. A peer that writes the word at will costs wake-ups their latency (every sleeper
//! looks again within the backstop), as any hostile write to the store does.
//!
//! Written against [`Word`] so that the model check (`loom_tests.rs`,
//! `loom_observe_wakes_are_never_lost`) runs this very code.

use crate::sync::{Ordering, Word};

/// Bit of `OBSERVE_SEQ`: someone may sleep on the word.
pub(crate) const SLEEPING: u32 = 0x8000_0000;
/// Bits of `OBSERVE_SEQ` that count changes.
pub(crate) const COUNT: u32 = !SLEEPING;

/// Announces a sleeper; returns the word's value to sleep on (the bit included). Its
/// [`COUNT`] bits are the changes counted so far. Call it *before* looking at the objects.
pub(crate) fn arm<W: Word>(w: &W) -> u32 {
    let mut cur = w.load(Ordering::Relaxed);
    loop {
        match w.compare_exchange(cur, cur | SLEEPING, Ordering::SeqCst, Ordering::Relaxed) {
            Ok(_) => return cur | SLEEPING,
            Err(now) => cur = now,
        }
    }
}

/// Counts one change (after its commit) and clears the sleeping bit; returns the change's
/// number (the count before it) and whether to wake the word's sleepers.
pub(crate) fn bump<W: Word>(w: &W) -> (u32, bool) {
    let mut cur = w.load(Ordering::Relaxed);
    loop {
        let next = cur.wrapping_add(1) & COUNT;
        match w.compare_exchange(cur, next, Ordering::SeqCst, Ordering::Relaxed) {
            Ok(_) => return (cur & COUNT, cur & SLEEPING != 0),
            Err(now) => cur = now,
        }
    }
}

/// Changes counted from `from` to `to` (both [`COUNT`] values; the count wraps at 2^31).
pub(crate) fn between(from: u32, to: u32) -> u32 {
    to.wrapping_sub(from) & COUNT
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicU32;

    use super::*;

    #[test]
    fn the_count_wraps_at_two_to_the_31_and_the_bit_comes_and_goes() {
        let w = AtomicU32::new(COUNT);
        let v = arm(&w);
        assert_eq!(v, u32::MAX);
        assert_eq!(bump(&w), (COUNT, true));
        assert_eq!(w.load(Ordering::Relaxed), 0);
        assert_eq!(bump(&w), (0, false));
        assert_eq!(between(COUNT, 1), 2);
        assert_eq!(between(5, 5), 0);
    }
}
