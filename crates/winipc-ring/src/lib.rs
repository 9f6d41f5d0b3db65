//! `winipc-ring`: the bounded multi-producer byte ring in shared memory behind winipc mailslots.
//!
//! Pure: no syscalls. The caller maps the slot's shared memory, hands it over as a
//! [`RingMemory`] (a `&[AtomicU32]` header view and a `&[AtomicU64]` data view of one mapping),
//! and implements blocking with futexes through the [`Futex`] trait and death detection through
//! [`Liveness`].
//!
//! # Protocol
//! - **Writers** (any number of processes) reserve a record at the tail with one CAS: the ring
//!   word at the tail goes from its *free tag* to a claim word (state WRITING, length, writer
//!   id). The tail word itself is only a hint, stored plainly after the claim: a writer starts
//!   at `max(hint, head)` and walks past records other writers claimed (their claim words give
//!   the sizes) to the first word still free for its cursor. The tail never passes
//!   `head + capacity`. A record that would cross the ring end is preceded by a PADDING record.
//!   The writer then stores the sequence stamp and the payload (Relaxed 64-bit stores),
//!   publishes READY with Release and then bumps the published message/byte counter.
//! - **The reader** consumes in reservation order: READY records are delivered, PADDING and
//!   SKIPPED ones are stepped over, and a WRITING record whose writer [`Liveness::is_alive`]
//!   reports dead is marked SKIPPED (a torn message is never delivered). Consumed words are
//!   re-tagged for the next lap before the head advances.
//! - **A stopped writer holds back nobody** (decision 0010): when the head record is WRITING
//!   and its writer is alive (possibly stopped mid-write by SIGSTOP or a debugger), the reader
//!   walks past it and delivers the first READY record after it, marking it SKIPPED *in place*.
//!   The head stays at the stuck record, so the space of everything after it is reclaimed only
//!   when the head gets there (the stuck record published and delivered, or its writer found
//!   dead): a resumed writer writes only into its own reservation. A writer stopped long enough
//!   thus lets the ring fill up, and writers then block on the quota. Per-writer order: a writer
//!   reserves its next record only after publishing the previous one, and the walk never
//!   delivers a READY record of a writer whose record it passed in WRITING (that state may have
//!   been read stale). The walk costs nothing while the head record is READY. "Empty" is read
//!   off the free tag at the head, so the reader never reads the writers' tail; writers keep a
//!   process-local copy of the head and re-read the reader's head only when that copy shows too
//!   little room. Each side thus writes only its own cache lines per message (see the layout
//!   module).
//! - **Wake-ups cost a syscall only when someone sleeps, and no fence when nobody does.** A
//!   reader arms a "sleeping" bit in the writers' published-counter word with an RMW and
//!   re-checks before futex-waiting on the notify word; a writer's counter bump after READY is
//!   an RMW on that same word, so one of the two sees the other, and the writer wakes only if
//!   the bit is set. Blocked writers register in the reader-lock word with an RMW, issue a heavy
//!   fence and re-check; the reader reads that count after advancing the head (a plain load
//!   under a biased lock, the releasing RMW of a classic one) and wakes them only if it is
//!   nonzero.
//! - **Quota policy:** the capacity fixed at [`Ring::init`] is a hard byte bound. A full ring makes
//!   [`Ring::try_send`] fail with [`SendError::Full`]; [`Ring::send`] sleeps until space frees up
//!   or its deadline passes, then fails with `Full`. Nothing is ever silently dropped.
//! - **Several readers:** receive handles duplicated into several processes share the ring. Each
//!   consumption happens under a reader lock (owner: the reader id passed to
//!   [`Ring::try_recv`]); a lock whose owner is dead is taken over, and a reader that died
//!   mid-consumption is recovered from (at most the message it was consuming is lost, never
//!   duplicated or torn). A reader whose process can use asymmetric fences
//!   ([`Futex::heavy_fence`]) keeps the lock *biased* between consumptions, so a lone reader
//!   pays no locked instruction for it; another reader takes it over with a heavy fence.
//! - **Hostile peers** may write anything into the mapping at any time. Geometry is validated at
//!   [`Ring::attach`] and cached locally; every cursor, record length, state, stamp and wrap
//!   position read later is range-checked, every loop is bounded, and impossible values are
//!   reported as [`Corruption`]; nothing panics or indexes out of bounds.
//!
//! # Known limits
//! - [`Ring::info`]'s counts are published − consumed. A writer killed between publishing READY
//!   and bumping the published counter (two adjacent atomic instructions) leaves them one message
//!   low (never below zero: the difference is clamped); a reader killed between marking a record
//!   consumed and bumping the consumed counter leaves them one high. Transiently, a message
//!   consumed before its writer counted it reads as not queued. The data path is not affected.
//! - Some corruption is noticed later than it is written: the reader never reads the tail hint,
//!   and writers re-read the head only when their copy shows too little room.
//! - The liveness oracle is trusted: a writer reported dead while alive can corrupt the ring.
//!
//! # Model checking
//! The atomics all come from one internal `sync` module, which `--cfg loom` switches to loom's.
//! Run the model check (two writers, a reader, a 32-byte ring so records wrap and writers block):
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=/tmp/target-ring-loom \
//!     cargo test -p winipc-ring --release --lib loom
//! ```
//!
//! The original models take about 80 s here (preemption bound 2; `LOOM_MAX_PREEMPTIONS`
//! overrides it); the two stalled-writer models (`loom_stalled`) took 11 minutes together on a
//! 2-CPU machine busy with other work. Only the
//! lib tests build under `--cfg loom`: the public atomic types become loom's. Set
//! `WINIPC_RING_LOOM_TRACE=1` to print the ring's event log of a failing execution.
//!
//! # Example
//! ```
//! use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
//! use std::time::Instant;
//! use winipc_ring::{Futex, Liveness, Ring, RingMemory, HEADER_WORDS};
//!
//! /// A trivial futex stand-in: "sleeping" is a short spin; spurious wake-ups are allowed.
//! struct SpinFutex;
//! impl Futex for SpinFutex {
//!     fn wait(&self, word: &AtomicU32, expected: u32, _deadline: Option<Instant>) {
//!         for _ in 0..100 {
//!             if word.load(Ordering::Acquire) != expected { break; }
//!             std::hint::spin_loop();
//!         }
//!     }
//!     fn wake(&self, _word: &AtomicU32, _count: u32) {}
//! }
//! struct AllAlive;
//! impl Liveness for AllAlive {
//!     fn is_alive(&self, _writer: u32) -> bool { true }
//! }
//!
//! let capacity = 4096;
//! let header: Vec<AtomicU32> = (0..HEADER_WORDS).map(|_| AtomicU32::new(0)).collect();
//! let data: Vec<AtomicU64> =
//!     (0..RingMemory::data_words(capacity)).map(|_| AtomicU64::new(0)).collect();
//! let mem = RingMemory::new(&header, &data);
//!
//! let ring = Ring::init(mem, capacity, 0, SpinFutex)?;
//! ring.try_send(7, b"hello")?;
//! ring.try_send(8, b"")?; // zero-length messages are real messages
//! assert_eq!(ring.info().messages, 2);
//! assert_eq!(ring.info().next_size, Some(5));
//!
//! let mut buf = [0u8; 64];
//! let reader = 1; // the receiving thread's id, for the reader lock
//! let n = ring.recv(reader, &mut buf, None, &AllAlive)?.unwrap();
//! assert_eq!(&buf[..n], b"hello");
//! assert_eq!(ring.try_recv(reader, &mut buf, &AllAlive)?, Some(0));
//! assert_eq!(ring.try_recv(reader, &mut buf, &AllAlive)?, None);
//!
//! // Another process attaches to the same memory.
//! let other = Ring::attach(mem, SpinFutex)?;
//! assert_eq!(other.capacity(), capacity);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod error;
mod layout;
mod reader;
mod reader_lock;
mod record;
mod sync;
mod writer;

#[cfg(not(loom))]
pub mod park;

#[cfg(all(test, loom))]
mod loom_tests;

pub use error::{AttachError, Corruption, RecvError, SendError};
pub use layout::{
    DATA_OFFSET, HEADER_WORDS, LAYOUT_VERSION, MAGIC, MAX_CAPACITY, MIN_CAPACITY, RingMemory,
};
/// The atomic types of the shared memory (loom's under `--cfg loom`).
pub use sync::{AtomicU32, AtomicU64};

use layout::{
    D_HEAD, DATA_OFFSET as OFF, FLAG_CLOSED, Geometry, H_FLAGS, H_NOTIFY, H_READ_TIMEOUT, H_SPACE,
};
use std::time::Instant;
use sync::Ordering;

/// Blocking primitive, implemented by the caller over `FUTEX_WAIT`/`FUTEX_WAKE` on shared memory.
pub trait Futex {
    /// Sleep while `*word == expected`, until woken or `deadline` (`None` = forever).
    /// Spurious wake-ups are allowed.
    fn wait(&self, word: &AtomicU32, expected: u32, deadline: Option<Instant>);
    /// Wake up to `count` sleepers on `word`.
    fn wake(&self, word: &AtomicU32, count: u32);

    /// Wakes every reader sleeping on `word` after a publish (readers only: writers waiting
    /// for room are woken with [`wake`](Futex::wake)). `sleeper_cpu` is the CPU the last
    /// reader to arm the sleeping flag was on, plus one (0: unknown; a hint from shared
    /// memory, so any value). An implementation may hand the CPU to a reader it woke there.
    /// Default: `wake(word, u32::MAX)`.
    fn wake_readers(&self, word: &AtomicU32, sleeper_cpu: u32) {
        let _ = sleeper_cpu;
        self.wake(word, u32::MAX);
    }

    /// What a reader about to sleep records for [`wake_readers`](Futex::wake_readers): the
    /// CPU the calling thread runs on, plus one, or 0 when unknown (the default). The ring
    /// passes it on without reading it, so an implementation may keep flags of its own in the
    /// bits above any CPU number (winipc marks a reader that will preempt its waker).
    fn current_cpu(&self) -> u32 {
        0
    }

    /// Whether this process is registered for asymmetric fences: another process's
    /// [`heavy_fence`](Futex::heavy_fence) then runs a full barrier on every CPU running one of
    /// our threads (`MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED`, which `fork` does not inherit).
    /// Only a registered reader may hold the reader lock biased. Default: not registered.
    fn fences_registered(&self) -> bool {
        false
    }

    /// Runs a full memory barrier on every CPU that runs a thread of a registered process
    /// (`MEMBARRIER_CMD_GLOBAL_EXPEDITED`) and returns `true`, or returns `false` when that is
    /// not available. Default: not available.
    fn heavy_fence(&self) -> bool {
        false
    }
}

impl<T: Futex + ?Sized> Futex for &T {
    fn wait(&self, word: &AtomicU32, expected: u32, deadline: Option<Instant>) {
        (**self).wait(word, expected, deadline);
    }
    fn wake(&self, word: &AtomicU32, count: u32) {
        (**self).wake(word, count);
    }
    fn wake_readers(&self, word: &AtomicU32, sleeper_cpu: u32) {
        (**self).wake_readers(word, sleeper_cpu);
    }
    fn current_cpu(&self) -> u32 {
        (**self).current_cpu()
    }
    fn fences_registered(&self) -> bool {
        (**self).fences_registered()
    }
    fn heavy_fence(&self) -> bool {
        (**self).heavy_fence()
    }
}

/// Death oracle, implemented by the caller (liveness tokens, pidfds).
pub trait Liveness {
    /// Is the process or thread with this writer (or reader) id alive?
    fn is_alive(&self, writer: u32) -> bool;
}

impl<T: Liveness + ?Sized> Liveness for &T {
    fn is_alive(&self, writer: u32) -> bool {
        (**self).is_alive(writer)
    }
}

/// Answer of [`Ring::info`] (`GetMailslotInfo`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailslotInfo {
    /// Size of the next message, `None` when no complete message is at the head
    /// (`MAILSLOT_NO_MESSAGE`).
    pub next_size: Option<u32>,
    /// Queued messages.
    pub messages: u32,
    /// Queued payload bytes.
    pub bytes: u32,
    /// The maximum message size as given at creation (0 = unlimited).
    pub max_message_size: u32,
}

/// One process's handle on a ring in shared memory. Cheap; `Sync`, so threads may share it.
#[derive(Debug)]
pub struct Ring<'a, F> {
    header: &'a [AtomicU32],
    cursors: &'a [AtomicU64],
    ring: &'a [AtomicU64],
    geo: Geometry,
    futex: F,
    /// Process-local mirror of the reader entries claimed by this process's readers (id + 1
    /// per entry), so a reader finds its entry without reading eight shared lines.
    entries: [std::sync::atomic::AtomicU32; layout::READER_ENTRIES],
    /// Process-local adaptive spin budget of `recv` (not in shared memory).
    spin_budget: std::sync::atomic::AtomicU32,
    /// Process-local copy of the head cursor last read by a writer of this handle: a lower bound
    /// of the shared head (Release/Acquire, so a thread using another's copy inherits its
    /// synchronization with the reader). Writers re-read the shared head only when this copy
    /// shows too little room, so the reader's line is not pulled over on every message.
    head_cache: sync::AtomicU64,
    /// Process-local memory of the reader about a head record stuck in WRITING (see
    /// `reader::Stuck`); only read and written under the reader lock (and read by `peek`).
    stuck: std::sync::Mutex<reader::Stuck>,
}

impl<'a, F: Futex> Ring<'a, F> {
    /// Creates a ring: writes the header and tags every ring word free, storing the magic and
    /// layout version last (Release). Only the creator calls this, before anyone attaches.
    ///
    /// `capacity` is the byte quota (a multiple of 8 in [`MIN_CAPACITY`]`..=`[`MAX_CAPACITY`]);
    /// `max_message_size` is stored as given (0 = unlimited; `u32::MAX` reads back as such).
    ///
    /// # Errors
    /// [`AttachError::InvalidCapacity`], or `Corrupt(MemoryTooSmall)` when the views are short.
    pub fn init(
        mem: RingMemory<'a>,
        capacity: u32,
        max_message_size: u32,
        futex: F,
    ) -> Result<Self, AttachError> {
        let geo = layout::init(&mem, capacity, max_message_size)?;
        Ok(Self::with_geometry(mem, geo, futex))
    }

    /// Attaches to an initialized ring, validating magic, version and sizes against the memory.
    ///
    /// # Errors
    /// `Corrupt(BadMagic | BadVersion | BadCapacity | MemoryTooSmall)`.
    pub fn attach(mem: RingMemory<'a>, futex: F) -> Result<Self, AttachError> {
        let geo = layout::attach(&mem)?;
        Ok(Self::with_geometry(mem, geo, futex))
    }

    fn with_geometry(mem: RingMemory<'a>, geo: Geometry, futex: F) -> Self {
        let end = OFF + geo.capacity as usize / 8;
        Ring {
            header: mem.header,
            cursors: &mem.data[..OFF],
            ring: &mem.data[OFF..end],
            geo,
            futex,
            entries: Default::default(),
            spin_budget: std::sync::atomic::AtomicU32::new(reader::SPIN_MIN * 4),
            head_cache: sync::AtomicU64::new(0),
            stuck: std::sync::Mutex::new(reader::Stuck::default()),
        }
    }

    /// The ring capacity in bytes (the slot's quota).
    pub fn capacity(&self) -> u32 {
        self.geo.capacity
    }

    /// The maximum message size as given at creation (0 = unlimited).
    pub fn max_message_size(&self) -> u32 {
        self.geo.max_message_size
    }

    /// Marks the ring closed: later sends fail with [`SendError::Closed`]; blocked writers and
    /// sleeping readers are woken. Queued messages can still be drained.
    pub fn close(&self) {
        self.hdr(H_FLAGS).fetch_or(FLAG_CLOSED, Ordering::SeqCst);
        for w in [H_SPACE, H_NOTIFY] {
            let word = self.hdr(w);
            word.fetch_add(1, Ordering::Release);
            self.futex.wake(word, u32::MAX);
        }
    }

    /// The read timeout stored with the ring (ms; its meaning belongs to the mailslot). It lives
    /// here, in memory only the slot's permitted users can write, rather than with the slot's
    /// name in a world-writable store.
    pub fn read_timeout(&self) -> u32 {
        self.hdr(H_READ_TIMEOUT).load(Ordering::Relaxed)
    }

    /// Stores the read timeout (`SetMailslotInfo`).
    pub fn set_read_timeout(&self, ms: u32) {
        self.hdr(H_READ_TIMEOUT).store(ms, Ordering::Relaxed);
    }

    /// Whether [`close`](Ring::close) was called.
    pub fn is_closed(&self) -> bool {
        self.hdr(H_FLAGS).load(Ordering::Acquire) & FLAG_CLOSED != 0
    }

    /// Header word `i` (in bounds: `attach` checked the header length).
    fn hdr(&self, i: usize) -> &AtomicU32 {
        &self.header[i]
    }

    /// Cursor word `i` of the data view (in bounds: `attach` checked the data length).
    fn data(&self, i: usize) -> &AtomicU64 {
        &self.cursors[i]
    }

    fn head(&self) -> &AtomicU64 {
        self.data(D_HEAD)
    }

    /// The ring words covering byte positions `pos..pos + len` (callers pass ranges that do not
    /// cross the ring end; an impossible range yields an empty slice rather than a panic).
    fn ring_words(&self, pos: u64, len: u64) -> &[AtomicU64] {
        let start = (pos / 8) as usize;
        let end = start.saturating_add(len.div_ceil(8) as usize);
        self.ring.get(start..end).unwrap_or(&[])
    }

    /// The ring word at byte position `pos` (callers pass `pos < capacity`; anything else is
    /// reduced modulo the capacity, so never out of bounds; the common case costs no division).
    fn ring_word(&self, pos: u64) -> &AtomicU64 {
        let cap = u64::from(self.geo.capacity);
        let pos = if pos < cap { pos } else { pos % cap };
        &self.ring[(pos / 8) as usize]
    }
}
