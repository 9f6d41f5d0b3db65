//! The producer side: reserve (claim + advance tail), fill, publish, wake the reader.

use crate::error::SendError;
use crate::layout::{
    D_PUBLISHED, D_READER_LOCK, D_TAIL, FLAG_CLOSED, H_FLAGS, H_NOTIFY, H_SLEEPER_CPU, H_SPACE,
    LOCK_WAITER, SLEEPING_BIT, count_unit, cursor_ok,
};
use crate::record::{self, Claim, State};
use crate::sync::{AtomicU32, Ordering, trace};
use crate::{Futex, Ring};
use std::time::Instant;

/// Bound on reservation attempts in one `try_send` (contention or a hostile peer).
const RETRY_LIMIT: u32 = 100_000;
/// How long a blocked writer sleeps at a time when it cannot issue a heavy fence.
const UNFENCED_SLEEP: std::time::Duration = std::time::Duration::from_millis(1);
/// Bound on re-reads of the head and tail hint within one reservation (a walk that keeps
/// landing on words that are neither free nor a plausible record).
const STALL_LIMIT: u32 = 256;
/// Re-reads of the head while the record at the walk's cursor is already freed for the next
/// lap but the head does not show it yet, before the reservation reports `Full`.
const FREED_AHEAD_LIMIT: u32 = 64;

impl<F: Futex> Ring<'_, F> {
    /// Queues `msg` without blocking.
    ///
    /// `writer` identifies the calling process or thread for [`Liveness`](crate::Liveness)
    /// checks: if the writer dies mid-write its record is skipped, never delivered torn.
    ///
    /// # Errors
    /// [`SendError::TooBig`] over `max_message_size`, [`SendError::ExceedsCapacity`] when the
    /// message could never fit, [`SendError::Full`] when the quota is used up now,
    /// [`SendError::Closed`] after [`close`](Ring::close), [`SendError::Corrupt`] when shared
    /// memory is inconsistent. On error nothing is queued.
    pub fn try_send(&self, writer: u32, msg: &[u8]) -> Result<(), SendError> {
        let size = self.check_message(msg.len())?;
        let (t, pos) = self.reserve(writer, msg.len(), size)?;
        self.publish(t, pos, writer, msg);
        Ok(())
    }

    /// Queues `msg`, blocking while the ring is full until space frees up or `deadline` passes
    /// (`None` = forever).
    ///
    /// Quota policy: a writer never overruns the slot's byte capacity and nothing is silently
    /// dropped; a writer that finds the ring full sleeps (registering itself so the reader wakes
    /// it after consuming) and fails with [`SendError::Full`] when the deadline passes.
    ///
    /// # Errors
    /// As [`try_send`](Ring::try_send); `Full` only once the deadline has passed.
    pub fn send(
        &self,
        writer: u32,
        msg: &[u8],
        deadline: Option<Instant>,
    ) -> Result<(), SendError> {
        let size = self.check_message(msg.len())?;
        loop {
            match self.reserve(writer, msg.len(), size) {
                Ok((t, pos)) => {
                    self.publish(t, pos, writer, msg);
                    return Ok(());
                }
                Err(SendError::Full) => {}
                Err(e) => return Err(e),
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(SendError::Full);
            }
            // Handshake with the reader (`unlock_reader`): register with an RMW on the lock
            // word, issue a heavy fence, re-check (re-reading the head), sleep. The reader
            // advances the head and then reads the lock word: with a plain load under a biased
            // lock (the heavy fence orders it against our registration, Dekker-style), or with
            // its releasing RMW under a classic one (whichever RMW comes second sees the other).
            // Without a heavy fence a biased reader may miss us: sleep in short slices then.
            let (seen, fenced) = self.announce_space_waiter();
            let space = self.space_word();
            let retry = self.reserve(writer, msg.len(), size);
            if let Err(SendError::Full) = retry {
                trace!("writer sleeps");
                let until = if fenced {
                    deadline
                } else {
                    let slice = Instant::now() + UNFENCED_SLEEP;
                    Some(deadline.map_or(slice, |d| d.min(slice)))
                };
                self.futex.wait(space, seen, until);
                trace!("writer woke");
            }
            self.withdraw_space_waiter();
            match retry {
                Ok((t, pos)) => {
                    self.publish(t, pos, writer, msg);
                    return Ok(());
                }
                Err(SendError::Full) => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// Announces a writer that found the ring full and will wait for room *outside* the ring
    /// (an event loop, through a readiness bridge), as [`send`](Ring::send) does before it
    /// sleeps: from now until [`withdraw_space_waiter`](Ring::withdraw_space_waiter), every
    /// consumption bumps [`space_word`](Ring::space_word) and wakes its sleepers. Returns the
    /// word's value from before the announcement and whether the announcement was fenced.
    ///
    /// Protocol: announce, then try the send again; if it is still full, wait until the word
    /// differs from the value returned (if the announcement was not fenced, a consumption may
    /// be missed: wait in short slices), then withdraw and start over. Every announcement must
    /// be withdrawn exactly once.
    pub fn announce_space_waiter(&self) -> (u32, bool) {
        let seen = self.space_word().load(Ordering::Acquire);
        self.data(D_READER_LOCK)
            .fetch_add(LOCK_WAITER, Ordering::AcqRel);
        (seen, self.futex.heavy_fence())
    }

    /// Withdraws one [`announce_space_waiter`](Ring::announce_space_waiter).
    pub fn withdraw_space_waiter(&self) {
        self.data(D_READER_LOCK)
            .fetch_sub(LOCK_WAITER, Ordering::Relaxed);
    }

    /// The word a writer waiting for room sleeps on: bumped (and woken) by consumptions while
    /// writers are announced, and by [`close`](Ring::close).
    pub fn space_word(&self) -> &AtomicU32 {
        self.hdr(H_SPACE)
    }

    /// Test hook: reserves a record and writes half the payload, then stops as if the writer
    /// had been killed mid-write, leaving the record in WRITING.
    #[doc(hidden)]
    pub fn simulate_crashed_send(&self, writer: u32, msg: &[u8]) -> Result<(), SendError> {
        let size = self.check_message(msg.len())?;
        let (t, pos) = self.reserve(writer, msg.len(), size)?;
        self.ring_word(pos + 8).store(t, Ordering::Relaxed);
        for (i, chunk) in msg[..msg.len() / 2].chunks(8).enumerate() {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.ring_word(pos + 16 + 8 * i as u64)
                .store(u64::from_le_bytes(b), Ordering::Relaxed);
        }
        Ok(())
    }

    /// Test hook: a writer stopped mid-write. Reserves a record for `msg` (without blocking),
    /// runs `stall` while the record is in WRITING (the caller stops the process there, or
    /// waits for other threads), then writes and publishes it as [`try_send`](Ring::try_send)
    /// would.
    #[doc(hidden)]
    pub fn simulate_stalled_send(
        &self,
        writer: u32,
        msg: &[u8],
        stall: impl FnOnce(),
    ) -> Result<(), SendError> {
        let size = self.check_message(msg.len())?;
        let (t, pos) = self.reserve(writer, msg.len(), size)?;
        trace!("stalled t={t}");
        stall();
        self.publish(t, pos, writer, msg);
        Ok(())
    }

    /// Test hook: queues `msg` completely but stops before waking a sleeping reader, as if the
    /// writer had been killed between publishing and its `FUTEX_WAKE`.
    #[doc(hidden)]
    pub fn simulate_send_killed_before_wake(
        &self,
        writer: u32,
        msg: &[u8],
    ) -> Result<(), SendError> {
        let size = self.check_message(msg.len())?;
        let (t, pos) = self.reserve(writer, msg.len(), size)?;
        self.publish_only(t, pos, writer, msg);
        Ok(())
    }

    /// Checks the size limits; returns the record size.
    fn check_message(&self, len: usize) -> Result<u64, SendError> {
        let max = self.geo.max_message_size;
        if max != 0 && len > max as usize {
            return Err(SendError::TooBig { len, max });
        }
        let size = record::message_record_size(len);
        if size > u64::from(self.geo.capacity) {
            return Err(SendError::ExceedsCapacity {
                len,
                capacity: self.geo.capacity,
            });
        }
        Ok(size)
    }

    /// Reserves `size` bytes at the tail: claims the word there (its free tag → a WRITING claim
    /// word, one CAS, which is the whole reservation), then stores the new tail *hint*. Inserts
    /// a PADDING record first when the record would cross the ring end. Returns the record's
    /// cursor and its ring position.
    ///
    /// The tail word is only a hint, and may lag: writers start at `max(hint, head)`, which is
    /// always a record boundary, and walk past records other writers have claimed (their claim
    /// words give the sizes) to the first word still free for its cursor. A position behind
    /// the head holds the next lap's free tag or a newer record, never this cursor's free tag,
    /// so a stale walk cannot claim; it re-reads the head instead.
    fn reserve(&self, writer: u32, len: usize, size: u64) -> Result<(u64, u64), SendError> {
        let cap = u64::from(self.geo.capacity);
        let tail = self.data(D_TAIL);
        // The cached head is an older head value (a lower bound): it can only under-state room.
        let mut h = self.head_cache.load(Ordering::Acquire);
        let mut fresh_head = false;
        let mut t = tail.load(Ordering::Acquire).max(h);
        let mut refreshes = 0u32;
        let mut freed_ahead = 0u32;
        for _ in 0..RETRY_LIMIT {
            if self.hdr(H_FLAGS).load(Ordering::Acquire) & FLAG_CLOSED != 0 {
                return Err(SendError::Closed);
            }
            if !cursor_ok(h) || !cursor_ok(t) {
                return Err(crate::Corruption::BadCursor.into());
            }
            let pos = t % cap;
            let room = cap - pos;
            let (claim, advance) = if size > room {
                let padding = Claim {
                    state: State::Padding,
                    len: room as u32,
                    writer,
                };
                (padding, room)
            } else {
                let record = Claim {
                    state: State::Writing,
                    len: len as u32,
                    writer,
                };
                (record, size)
            };
            if t - h > cap - advance {
                // Too little room after the head we know of: look at the reader's head (only
                // now pulling its line over), and start again from there.
                if fresh_head {
                    return Err(SendError::Full);
                }
                h = self.head().load(Ordering::Acquire);
                if !cursor_ok(h) {
                    return Err(crate::Corruption::BadCursor.into());
                }
                self.head_cache.fetch_max(h, Ordering::AcqRel);
                fresh_head = true;
                t = t.max(h);
                if t - h > cap {
                    return Err(crate::Corruption::BadCursor.into());
                }
                continue;
            }
            let word = self.ring_word(pos);
            let seen = match word.compare_exchange(
                record::free_tag(t),
                claim.encode(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => {
                    // A plain store: a hint may go backwards when writers race; a lagging
                    // hint only makes the next writer walk.
                    tail.store(t + advance, Ordering::Release);
                    trace!("claimed t={t} {claim:?}");
                    if claim.state == State::Writing {
                        return Ok((t, pos));
                    }
                    t += advance;
                    continue;
                }
                Err(seen) => seen,
            };
            // Not free for cursor `t`: another writer's record (walk past it), or `t` is
            // behind the head (re-read the head and the hint).
            if let Some(other) = Claim::decode(seen) {
                let size = other.record_size();
                if size >= 8 && size % 8 == 0 && size <= room {
                    t += size;
                    continue;
                }
            }
            if seen == record::free_tag(t + cap) {
                // The reader consumed and freed the record at `t` but has not published its
                // head yet: it frees a batch, then stores the head once, and may be preempted
                // or stopped in between for as long as it likes. Not corruption, and not our
                // room until the head moves: look again a few times, then report a full ring,
                // so that a blocking sender sleeps until the reader's head store wakes it.
                freed_ahead += 1;
                if freed_ahead > FREED_AHEAD_LIMIT {
                    return Err(SendError::Full);
                }
            } else {
                refreshes += 1;
                if refreshes > STALL_LIMIT {
                    return Err(crate::Corruption::RetryLimit.into());
                }
            }
            crate::sync::spin_hint();
            h = self.head().load(Ordering::Acquire);
            if !cursor_ok(h) {
                return Err(crate::Corruption::BadCursor.into());
            }
            self.head_cache.fetch_max(h, Ordering::AcqRel);
            fresh_head = true;
            t = tail.load(Ordering::Acquire).max(h);
            if !cursor_ok(t) || t - h > cap {
                return Err(crate::Corruption::BadCursor.into());
            }
        }
        Err(crate::Corruption::RetryLimit.into())
    }

    /// Writes stamp and payload, bumps the counters, publishes READY (Release), wakes the reader.
    fn publish(&self, t: u64, pos: u64, writer: u32, msg: &[u8]) {
        if self.publish_only(t, pos, writer, msg) {
            self.wake_reader();
        }
    }

    /// [`publish`](Self::publish) without the wake-up; returns whether a reader sleeps.
    fn publish_only(&self, t: u64, pos: u64, writer: u32, msg: &[u8]) -> bool {
        self.ring_word(pos + 8).store(t, Ordering::Relaxed);
        let words = self.ring_words(pos + 16, msg.len() as u64);
        let mut chunks = msg.chunks_exact(8);
        for (word, chunk) in words.iter().zip(&mut chunks) {
            let mut b = [0u8; 8];
            b.copy_from_slice(chunk);
            word.store(u64::from_le_bytes(b), Ordering::Relaxed);
        }
        let rest = chunks.remainder();
        if let (false, Some(word)) = (rest.is_empty(), words.last()) {
            let mut b = [0u8; 8];
            b[..rest.len()].copy_from_slice(rest);
            word.store(u64::from_le_bytes(b), Ordering::Relaxed);
        }
        let ready = Claim {
            state: State::Ready,
            len: msg.len() as u32,
            writer,
        };
        self.ring_word(pos).store(ready.encode(), Ordering::Release);
        trace!("published t={t}");
        // Counted after READY: this RMW is also the writer half of the reader-sleep handshake
        // (it replaces a fence). A reader arms by setting SLEEPING_BIT with an RMW on this word
        // and then looks for a message: if its RMW came first we see the bit and wake it; if
        // ours came first its RMW synchronizes with ours and it sees READY. See the crate docs
        // for the counter's crash window.
        let old = self
            .data(D_PUBLISHED)
            .fetch_add(count_unit(msg.len() as u32) << 1, Ordering::AcqRel);
        trace!("publish sees sleeping={}", old & SLEEPING_BIT);
        old & SLEEPING_BIT != 0
    }

    /// Clears the reader-sleeping bit and wakes sleeping readers (only the writer that clears
    /// it issues the FUTEX_WAKE).
    fn wake_reader(&self) {
        let published = self.data(D_PUBLISHED);
        if published.fetch_and(!SLEEPING_BIT, Ordering::AcqRel) & SLEEPING_BIT != 0 {
            let notify = self.hdr(H_NOTIFY);
            let _n = notify.fetch_add(1, Ordering::Release);
            trace!("woke reader notify={}", _n + 1);
            // A hint only (the loom models leave it out: it orders nothing).
            let sleeper_cpu = if cfg!(loom) {
                0
            } else {
                self.hdr(H_SLEEPER_CPU).load(Ordering::Relaxed)
            };
            self.futex.wake_readers(notify, sleeper_cpu);
        }
    }
}
