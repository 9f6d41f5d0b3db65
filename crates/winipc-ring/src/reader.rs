//! The consumer side: in-order consumption under the reader lock, dead-writer skipping,
//! sleep/wake.

use crate::error::{Corruption, RecvError};
use crate::layout::{
    COUNT_SHIFT, D_CONSUMED, D_PUBLISHED, H_NOTIFY, H_SLEEPER_CPU, SLEEPING_BIT, count_unit,
    cursor_ok,
};
use crate::record::{self, Claim, State};
use crate::sync::{AtomicU32, Ordering, fence, spin_hint, trace};
use crate::{Futex, Liveness, MailslotInfo, Ring};
use std::time::{Duration, Instant};

/// How often a reader blocked on a live writer's WRITING record (or on a busy reader lock)
/// re-checks liveness.
const RECHECK: Duration = Duration::from_millis(1);
/// Records `peek` looks past (padding, skipped) before giving up.
const PEEK_LIMIT: u32 = 4;
/// Adaptive spin budget bounds (iterations of a cheap `has_message` check).
pub(crate) const SPIN_MIN: u32 = 16;
/// Spins a reader gives a writer caught between reserving and publishing the head record
/// ([`Ring::writing_settles`]): about a microsecond.
const WRITING_SPIN: u32 = 32;
pub(crate) const SPIN_MAX: u32 = 4096;

/// What a process's reader remembers about a head record stuck in WRITING (process-local,
/// guarded by the reader lock): while the head stays at `head`, every record from the stuck
/// record's end up to `done` is consumed (so walks past it resume there), and `alive_at` is
/// when the stuck record's writer was last found alive.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Stuck {
    head: u64,
    done: u64,
    alive_at: Option<Instant>,
}

/// Writers of the WRITING records a walk past a stuck head has passed. A READY record of one
/// of them is not delivered before that record: the WRITING state seen may be stale (the record
/// published since, and its writer's next record reserved and published after it), and
/// delivering the later one first would break the writer's order.
struct Held {
    ids: [u32; HELD_MAX],
    n: usize,
}

/// Stuck records a walk past the head remembers; a walk meeting more stops there.
const HELD_MAX: usize = 16;

impl Held {
    /// Starts with the writer of the stuck head record.
    fn new(writer: u32) -> Held {
        let mut ids = [0; HELD_MAX];
        ids[0] = writer;
        Held { ids, n: 1 }
    }

    fn contains(&self, writer: u32) -> bool {
        self.ids[..self.n].contains(&writer)
    }

    /// Remembers `writer`; false when there is no room left (the walk must stop).
    fn add(&mut self, writer: u32) -> bool {
        if self.contains(writer) {
            return true;
        }
        let Some(slot) = self.ids.get_mut(self.n) else {
            return false;
        };
        *slot = writer;
        self.n += 1;
        true
    }
}

/// Outcome of one consumption attempt under the reader lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Delivered(usize),
    Empty,
    /// The head record is being written by a live writer and nothing after it can be
    /// delivered.
    Pending,
    /// Another live reader holds the lock.
    Busy,
}

impl<F: Futex> Ring<'_, F> {
    /// Receives the next message into `buf` without blocking.
    ///
    /// `reader` identifies the calling thread for the reader lock (ids of live readers must
    /// differ; [`Liveness`] answers for them too, so a dead reader's lock is taken over).
    /// Returns `Ok(Some(len))` (a zero-length message gives `Some(0)`), or `Ok(None)` when no
    /// complete message can be delivered. Records of dead writers stuck in WRITING are skipped
    /// (asking `liveness` about the writer id in the record); while a live writer's record is
    /// stuck at the head, complete messages after it are delivered first (never one of a writer
    /// whose earlier record is still being written). A writer found alive is asked about again
    /// after 1 ms at the earliest, so its death is noticed that much later.
    ///
    /// # Errors
    /// [`RecvError::InsufficientBuffer`] leaves the message queued; [`RecvError::Busy`] when
    /// another live reader holds the reader lock for longer than a short spin;
    /// [`RecvError::Corrupt`] on impossible shared state.
    pub fn try_recv(
        &self,
        reader: u32,
        buf: &mut [u8],
        liveness: &impl Liveness,
    ) -> Result<Option<usize>, RecvError> {
        match self.locked_step(reader, buf, liveness)? {
            Step::Delivered(n) => Ok(Some(n)),
            Step::Empty | Step::Pending => Ok(None),
            Step::Busy => Err(RecvError::Busy),
        }
    }

    /// Receives the next message, blocking until one arrives or `deadline` passes (`None` =
    /// forever); `Ok(None)` on timeout.
    ///
    /// Spins briefly (an adaptive, bounded budget), then sets the reader-sleeping flag and
    /// futex-waits on the notify word; writers issue a wake only when that flag is set. While the
    /// head record is being written by a live writer it waits in 1 ms slices, re-checking the
    /// writer's liveness.
    ///
    /// # Errors
    /// As [`try_recv`](Ring::try_recv), except that a busy reader lock is waited for.
    pub fn recv(
        &self,
        reader: u32,
        buf: &mut [u8],
        deadline: Option<Instant>,
        liveness: &impl Liveness,
    ) -> Result<Option<usize>, RecvError> {
        self.recv_spinning(reader, buf, deadline, liveness, true)
    }

    /// [`recv`](Ring::recv), spinning before it sleeps only if `spin`: a caller that knows the
    /// ring has been idle (its last wait slept long) sleeps at once, which on a CPU shared with
    /// the writer also keeps the reader's claim on that CPU for when it is woken.
    ///
    /// # Errors
    /// As [`recv`](Ring::recv).
    pub fn recv_spinning(
        &self,
        reader: u32,
        buf: &mut [u8],
        deadline: Option<Instant>,
        liveness: &impl Liveness,
        spin: bool,
    ) -> Result<Option<usize>, RecvError> {
        let budget = if cfg!(loom) || !spin {
            0
        } else {
            self.spin_budget.load(std::sync::atomic::Ordering::Relaxed)
        };
        let mut spins = 0u32;
        loop {
            let step = self.locked_step(reader, buf, liveness)?;
            if let Step::Delivered(n) = step {
                if spins > 0 && spins <= budget {
                    self.adapt_spin(true);
                }
                return Ok(Some(n));
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Ok(None);
            }
            if spins < budget {
                spins += 1;
                // Cheap check between full attempts.
                let mut n = 0;
                while n < 8 && !self.has_message() {
                    spin_hint();
                    n += 1;
                }
                continue;
            }
            if spins == budget {
                spins += 1;
                if budget > 0 {
                    self.adapt_spin(false);
                }
            }
            let wait_until = match step {
                Step::Empty => deadline,
                _ => {
                    let slice = Instant::now() + RECHECK;
                    Some(deadline.map_or(slice, |d| d.min(slice)))
                }
            };
            let (word, seen) = self.notify_word();
            let has = self.has_message();
            trace!("recv step={step:?} seen={seen} has={has}");
            if !has {
                self.futex.wait(word, seen, wait_until);
                trace!("recv woke");
            }
        }
    }

    /// The notify futex word and the value to wait for, for a multi-object wait
    /// (`futex_waitv`).
    ///
    /// Calling this *arms* the reader-sleeping flag (followed by a SeqCst fence), so the next
    /// publishing writer bumps the word and issues a wake. After calling it, check
    /// [`has_message`](Ring::has_message): if it is true, do not wait. Otherwise wait while
    /// `*word == value`. The flag is cleared by the writer that wakes you.
    pub fn notify_word(&self) -> (&AtomicU32, u32) {
        let notify = self.hdr(H_NOTIFY);
        let seen = notify.load(Ordering::Acquire);
        if !cfg!(loom) {
            // Where this reader sleeps, for the writer that wakes it (a hint; decision 0017).
            self.hdr(H_SLEEPER_CPU)
                .store(self.futex.current_cpu(), Ordering::Relaxed);
        }
        // An RMW on the writers' published word: publishing writers RMW it after READY, so
        // either they see the bit or this RMW synchronizes with theirs (see `publish`).
        self.data(D_PUBLISHED)
            .fetch_or(SLEEPING_BIT, Ordering::SeqCst);
        trace!("armed");
        fence(Ordering::SeqCst);
        (notify, seen)
    }

    /// Whether a complete (READY) message can be delivered: at the head, looking past padding
    /// and skipped records, or past a record stuck in WRITING. Lock-free and read-only; `false`
    /// on any inconsistency.
    pub fn has_message(&self) -> bool {
        self.peek().is_some()
    }

    /// `GetMailslotInfo` in O(1) without a lock: next message size, queued message count and
    /// bytes, and the stored maximum message size.
    ///
    /// The counters are a snapshot maintained on publish and consume; values beyond what the
    /// ring could hold (a hostile peer) are clamped.
    pub fn info(&self) -> MailslotInfo {
        let cap = self.geo.capacity;
        // Consumed first (Acquire): every publication it counts is then visible in `published`,
        // so the difference does not go negative unless memory is corrupt.
        let consumed = self.data(D_CONSUMED).load(Ordering::Acquire);
        let published = self.data(D_PUBLISHED).load(Ordering::Acquire) >> 1;
        let queued = published.wrapping_sub(consumed) & (u64::MAX >> 1);
        // A publication counted after its READY may be consumed before it is counted: a
        // "negative" difference reads as empty.
        let (messages, bytes) = if queued >> 62 != 0 {
            (0, 0)
        } else {
            (
                (queued >> COUNT_SHIFT).min(u64::from(cap / 16)) as u32,
                (queued & ((1 << COUNT_SHIFT) - 1)).min(u64::from(cap)) as u32,
            )
        };
        MailslotInfo {
            next_size: self.peek(),
            messages,
            bytes,
            max_message_size: self.geo.max_message_size,
        }
    }

    /// Length of the message the next receive would deliver, if any: the first READY message at
    /// or just past the head, or the one a walk past a stuck head record would deliver.
    fn peek(&self) -> Option<u32> {
        let cap = u64::from(self.geo.capacity);
        let mut h = self.head().load(Ordering::Acquire);
        trace!(
            "peek h={h} w={:x}",
            self.ring_word(h % cap).load(Ordering::Relaxed)
        );
        // The tail is not read: a READY record at the head implies the tail is past it, and a
        // free tag there means nothing was claimed. Read-only, so a stale walk is harmless.
        for _ in 0..PEEK_LIMIT {
            if !cursor_ok(h) {
                return None;
            }
            let pos = h % cap;
            let claim = Claim::decode(self.ring_word(pos).load(Ordering::Acquire))?;
            let size = claim.record_size();
            if !self.plausible(claim, size, pos, cap) {
                return None;
            }
            match claim.state {
                State::Ready => return Some(claim.len),
                State::Writing => return self.peek_past(h, size, claim.writer),
                State::Padding | State::Skipped => h += size,
            }
        }
        None
    }

    /// Length of the first READY record past the WRITING record at cursor `h` (`size` bytes):
    /// the message [`step_past`](Self::step_past) would deliver. Read-only, bounded.
    fn peek_past(&self, h: u64, size: u64, writer: u32) -> Option<u32> {
        let cap = u64::from(self.geo.capacity);
        let end = h + cap;
        let mut k = self.resume_past(h, h + size);
        let mut held = Held::new(writer);
        for _ in 0..(cap / 8 + 4) {
            if k >= end || !cursor_ok(k) {
                return None;
            }
            let pos = k % cap;
            let claim = Claim::decode(self.ring_word(pos).load(Ordering::Acquire))?;
            let size = claim.record_size();
            if !self.plausible(claim, size, pos, end - k) {
                return None;
            }
            match claim.state {
                State::Ready if !held.contains(claim.writer) => return Some(claim.len),
                State::Writing if !held.add(claim.writer) => return None,
                _ => {}
            }
            k += size;
        }
        None
    }

    /// Structural checks on a claim word found at `pos` with `queued` bytes from it to the tail.
    fn plausible(&self, claim: Claim, size: u64, pos: u64, queued: u64) -> bool {
        let room = u64::from(self.geo.capacity) - pos;
        let shape = match claim.state {
            State::Padding => size == room,
            _ => size >= record::HEADER_BYTES,
        };
        shape && size % 8 == 0 && size <= room && size <= queued
    }

    fn locked_step(
        &self,
        reader: u32,
        buf: &mut [u8],
        liveness: &impl Liveness,
    ) -> Result<Step, RecvError> {
        // Whether this consumption made room: the head moved between here and the release
        // (read before locking, so a head a taken-over dead reader's recovery moves counts
        // too; a move by another reader before we lock only adds a harmless wake-up). A
        // delivery past a stuck head record (decision 0010) makes none: waking blocked writers
        // then only sends them back to sleep, and with 8 writers sharing a CPU, where a writer
        // preempted mid-write is common, those futile wake-ups cost the stream about 15 %.
        let head = self.head().load(Ordering::Relaxed);
        let Some(hold) = self.lock_reader(reader, liveness) else {
            return Ok(Step::Busy);
        };
        let step = self.step(buf, liveness);
        let made_room = self.head().load(Ordering::Relaxed) != head;
        self.unlock_reader(hold, made_room);
        step
    }

    /// Consumes records from the head until one message is delivered or the ring is empty; when
    /// the head record is still being written by a live writer, delivers a later one instead
    /// (see [`step_past`](Self::step_past)). Bounded by the ring's record count.
    fn step(&self, buf: &mut [u8], liveness: &impl Liveness) -> Result<Step, RecvError> {
        let cap = u64::from(self.geo.capacity);
        for _ in 0..(cap / 8 + 4) {
            let h = self.head().load(Ordering::Acquire);
            if !cursor_ok(h) {
                return Err(Corruption::BadCursor.into());
            }
            let pos = h % cap;
            let word = self.ring_word(pos).load(Ordering::Acquire);
            if word == record::free_tag(h) {
                // Nothing claimed at the head: empty (no need to look at the writers' tail).
                trace!("step empty h={h}");
                return Ok(Step::Empty);
            }
            let Some(claim) = Claim::decode(word) else {
                if word == record::free_tag(h + cap) {
                    // A reader died after re-tagging a record but before advancing the head.
                    self.recover_head(h)?;
                    continue;
                }
                return Err(Corruption::UnexpectedFreeWord.into());
            };
            let size = claim.record_size();
            if !self.plausible(claim, size, pos, cap) {
                return Err(Corruption::BadRecord.into());
            }
            match claim.state {
                State::Ready => {
                    let len = self.deliver(h, pos, claim, buf)?;
                    self.retire(h, size);
                    trace!("step delivered h={h} size={size}");
                    return Ok(Step::Delivered(len));
                }
                State::Writing => {
                    if self.writing_settles(pos, word) {
                        continue; // published (or otherwise changed) meanwhile: look again
                    }
                    if self.stuck_writer_alive(h, claim.writer, liveness) {
                        // A live writer is still writing the head record (or is stopped in
                        // the middle): deliver a later record instead of waiting for it.
                        trace!("step stuck h={h}");
                        return self.step_past(h, size, claim.writer, buf);
                    }
                    let skipped = claim.with_state(State::Skipped).encode();
                    if self
                        .ring_word(pos)
                        .compare_exchange(word, skipped, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok()
                    {
                        self.retire(h, size);
                    }
                }
                State::Padding | State::Skipped => self.retire(h, size),
            }
        }
        Err(Corruption::RetryLimit.into())
    }

    /// Delivers the READY record at cursor `at` (ring position `pos`) into `buf`: checks the
    /// stamp, copies the payload, marks the record SKIPPED (consumed) and counts it. The caller
    /// retires it when it is at the head; a record past a stuck head stays in place until the
    /// head reaches it.
    fn deliver(&self, at: u64, pos: u64, claim: Claim, buf: &mut [u8]) -> Result<usize, RecvError> {
        if self.ring_word(pos + 8).load(Ordering::Relaxed) != at {
            return Err(Corruption::BadSequence.into());
        }
        let len = claim.len as usize;
        let Some(out) = buf.get_mut(..len) else {
            return Err(RecvError::InsufficientBuffer { needed: len });
        };
        self.copy_out(pos + 16, out);
        // Mark consumed before anything else, so a reader taking over after our death never
        // delivers this message twice.
        self.ring_word(pos)
            .store(claim.with_state(State::Skipped).encode(), Ordering::Release);
        // Only the lock holder writes the consumed counter: no RMW needed.
        let consumed = self.data(D_CONSUMED);
        consumed.store(
            consumed
                .load(Ordering::Relaxed)
                .wrapping_add(count_unit(claim.len)),
            Ordering::Release,
        );
        Ok(len)
    }

    /// Gives a writer that reserved the head record a moment to publish it: it does so a few
    /// dozen nanoseconds after reserving, unless it was preempted or stopped in between. Only
    /// then is it worth asking whether it lives (a `/proc` read) and walking past its record:
    /// with many writers on another CPU, a head caught mid-write is the common case, and
    /// treating each as stuck cost 8 writers across CPUs about 15 % of their throughput.
    /// Whether the word changed within [`WRITING_SPIN`] spins.
    fn writing_settles(&self, pos: u64, word: u64) -> bool {
        if cfg!(loom) {
            return false; // the model explores the interleavings instead
        }
        let w = self.ring_word(pos);
        for _ in 0..WRITING_SPIN {
            spin_hint();
            if w.load(Ordering::Acquire) != word {
                return true;
            }
        }
        false
    }

    /// Whether the writer of the WRITING record at head cursor `h` is alive. A writer seen
    /// alive less than [`RECHECK`] ago for the same head is not asked about again, so a reader
    /// delivering past a stopped writer's record does not pay a liveness check per message
    /// (a death is noticed at most one `RECHECK` later).
    fn stuck_writer_alive(&self, h: u64, writer: u32, liveness: &impl Liveness) -> bool {
        let now = if cfg!(loom) {
            None
        } else {
            Some(Instant::now())
        };
        if let (Some(now), Ok(st)) = (now, self.stuck.lock()) {
            if st.head == h && st.alive_at.is_some_and(|t| now.duration_since(t) < RECHECK) {
                return true;
            }
        }
        let alive = liveness.is_alive(writer);
        if alive && let Ok(mut st) = self.stuck.lock() {
            if st.head != h {
                *st = Stuck {
                    head: h,
                    done: 0,
                    alive_at: None,
                };
            }
            st.alive_at = now;
        }
        alive
    }

    /// The head record (cursor `h`, `size` bytes) is being written by a live writer, possibly
    /// one stopped mid-write: delivers the first READY record after it instead of waiting, so a
    /// stopped writer never holds back the others. `writer` wrote the stuck record.
    ///
    /// The record delivered is marked SKIPPED but keeps its place; its space (and the stuck
    /// record's) is reclaimed only when the head reaches it, i.e. after the stuck record is
    /// published and delivered or its writer is found dead. So a writer resuming after a stop
    /// writes only into its own reservation, and while it stays stopped the ring fills up
    /// behind it (writers then block on the quota). Per-writer order: a writer reserves its
    /// next record only after publishing the previous one, so a later READY record of a writer
    /// whose record was seen WRITING means that state was stale; such a record waits (see
    /// [`Held`]).
    ///
    /// Remembers (process-locally, for this head) how far every record past the stuck one is
    /// already consumed, so repeated deliveries do not re-walk them.
    fn step_past(&self, h: u64, size: u64, writer: u32, buf: &mut [u8]) -> Result<Step, RecvError> {
        let cap = u64::from(self.geo.capacity);
        let end = h + cap;
        let mut k = self.resume_past(h, h + size);
        let mut all_consumed = true;
        let mut consumed_to = None;
        let mut held = Held::new(writer);
        let mut step = Step::Pending;
        for _ in 0..(cap / 8 + 4) {
            if k >= end {
                break;
            }
            let pos = k % cap;
            let word = self.ring_word(pos).load(Ordering::Acquire);
            if word == record::free_tag(k) {
                // Nothing claimed here yet: nothing later either.
                break;
            }
            let Some(claim) = Claim::decode(word) else {
                return Err(Corruption::UnexpectedFreeWord.into());
            };
            let rsize = claim.record_size();
            if !self.plausible(claim, rsize, pos, end - k) {
                return Err(Corruption::BadRecord.into());
            }
            match claim.state {
                State::Ready if held.contains(claim.writer) => all_consumed = false,
                State::Ready => step = Step::Delivered(self.deliver(k, pos, claim, buf)?),
                // Being written, or its writer stopped or dead: a dead writer's record is
                // skipped when the head reaches it (its space cannot be reclaimed sooner).
                State::Writing if held.add(claim.writer) => all_consumed = false,
                State::Writing => break,
                State::Padding | State::Skipped => {}
            }
            k += rsize;
            if all_consumed {
                consumed_to = Some(k);
            }
            if step != Step::Pending {
                trace!("step delivered past h={h} at={}", k - rsize);
                break;
            }
        }
        if let (Some(done), Ok(mut st)) = (consumed_to, self.stuck.lock()) {
            if st.head != h {
                *st = Stuck {
                    head: h,
                    done: 0,
                    alive_at: None,
                };
            }
            st.done = done;
        }
        Ok(step)
    }

    /// Where a walk past the stuck head record at `h` (ending at `from`) may start: `from`, or
    /// further on when this process remembers the records there as consumed for this head.
    /// The records stay consumed until the head passes them, and the head is monotonic.
    fn resume_past(&self, h: u64, from: u64) -> u64 {
        let cap = u64::from(self.geo.capacity);
        match self.stuck.try_lock() {
            Ok(st) if st.head == h && st.done > from && st.done <= h + cap && st.done % 8 == 0 => {
                st.done
            }
            _ => from,
        }
    }

    /// Test hook: a reader killed mid-consumption. Takes the reader lock and consumes the READY
    /// message at the head up to `stage`, then stops without releasing the lock, as if the
    /// process died: `0` = lock taken only; `1` = payload copied and the record marked consumed;
    /// `2` = also the consumed counter updated and every word of the record re-tagged for the
    /// next lap, but the head not advanced. Returns whether a READY message was at the head
    /// (the lock is held either way).
    #[doc(hidden)]
    pub fn simulate_crashed_recv(
        &self,
        reader: u32,
        stage: u8,
        liveness: &impl Liveness,
    ) -> Result<bool, RecvError> {
        if self.lock_reader(reader, liveness).is_none() {
            return Err(RecvError::Busy);
        }
        let cap = u64::from(self.geo.capacity);
        let h = self.head().load(Ordering::Acquire);
        let pos = h % cap;
        let Some(claim) = Claim::decode(self.ring_word(pos).load(Ordering::Acquire)) else {
            return Ok(false);
        };
        if !cursor_ok(h) {
            return Ok(false);
        }
        if claim.state != State::Ready || stage == 0 {
            return Ok(claim.state == State::Ready);
        }
        let mut scratch = vec![0u8; claim.len as usize];
        self.copy_out(pos + 16, &mut scratch);
        self.ring_word(pos)
            .store(claim.with_state(State::Skipped).encode(), Ordering::Release);
        if stage >= 2 {
            let consumed = self.data(D_CONSUMED);
            consumed.store(
                consumed
                    .load(Ordering::Relaxed)
                    .wrapping_add(count_unit(claim.len)),
                Ordering::Release,
            );
            self.retag(h, claim.record_size());
        }
        Ok(true)
    }

    /// Copies a payload out through Relaxed word loads (the bytes are untrusted).
    fn copy_out(&self, at: u64, out: &mut [u8]) {
        let words = self.ring_words(at, out.len() as u64);
        let mut chunks = out.chunks_exact_mut(8);
        let mut words = words.iter();
        for (chunk, word) in (&mut chunks).zip(&mut words) {
            chunk.copy_from_slice(&word.load(Ordering::Relaxed).to_le_bytes());
        }
        let rest = chunks.into_remainder();
        if let (false, Some(word)) = (rest.is_empty(), words.next()) {
            let bytes = word.load(Ordering::Relaxed).to_le_bytes();
            rest.copy_from_slice(&bytes[..rest.len()]);
        }
    }

    /// Re-tags a consumed record's words for the next lap (claim word last) and advances the
    /// head (blocked writers are woken by the lock release that follows).
    fn retire(&self, h: u64, size: u64) {
        self.retag(h, size);
        self.head().store(h + size, Ordering::Release);
    }

    /// Re-tags the words of the record at cursor `h` for the next lap, claim word last.
    fn retag(&self, h: u64, size: u64) {
        let cap = u64::from(self.geo.capacity);
        let pos = h % cap;
        let next_lap = h + cap;
        for (k, word) in self.ring_words(pos, size).iter().enumerate().skip(1) {
            word.store(record::free_tag(next_lap + 8 * k as u64), Ordering::Relaxed);
        }
        self.ring_word(pos)
            .store(record::free_tag(h + cap), Ordering::Release);
    }

    /// Finishes a dead reader's retirement: skips words already re-tagged for the next lap.
    /// Bounded by one lap: the words after the record hold a claim or this lap's free tag.
    fn recover_head(&self, h: u64) -> Result<(), Corruption> {
        let cap = u64::from(self.geo.capacity);
        let mut k = h;
        while k < h + cap
            && self.ring_word(k % cap).load(Ordering::Acquire) == record::free_tag(k + cap)
        {
            k += 8;
        }
        if k == h {
            return Err(Corruption::UnexpectedFreeWord);
        }
        self.head().store(k, Ordering::Release);
        Ok(())
    }

    fn adapt_spin(&self, spinning_paid_off: bool) {
        use std::sync::atomic::Ordering::Relaxed;
        let b = self.spin_budget.load(Relaxed);
        let nb = if spinning_paid_off {
            (b * 2).min(SPIN_MAX)
        } else {
            (b / 2).max(SPIN_MIN)
        };
        self.spin_budget.store(nb, Relaxed);
    }
}
