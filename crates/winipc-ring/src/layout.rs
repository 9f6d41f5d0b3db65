//! The shared-memory layout: the 32-bit header words, the 64-bit cursor block and the ring words.
//!
//! ```text
//! header: [AtomicU32; HEADER_WORDS]            data: [AtomicU64; DATA_OFFSET + capacity / 8]
//!  line 0 (read-mostly):                         line 3 (written by writers; by the reader
//!   [0] magic      (written LAST by init)                  only when it goes to sleep):
//!   [1] layout version                             [0]  tail hint (bytes; may lag the tail)
//!   [2] capacity in bytes                          [1]  published counter << 1 | reader-sleeping
//!   [3] max_message_size (as given)              line 4 (written by the reader; by writers
//!   [4] flags (bit 0 = closed)                             only when they go to sleep):
//!   [5] read timeout in ms (kept for the           [8]  head cursor (bytes, monotonic)
//!       mailslot; not interpreted by the ring)     [9]  consumed counter
//!  line 1 (written only around a reader sleep):    [10] reader lock (see below)
//!   [16] notify futex word                       lines 5..13, one per reader entry i < 8:
//!   [17] sleeping reader's CPU + 1 (a hint)        [16 + 8i]     reader id + 1 (0 = free)
//!  line 2 (written only around a writer sleep):
//!   [32] space futex word                          [16 + 8i + 1] inside: 1 while consuming
//!                                                [80..] ring words (records, 8-byte aligned)
//! ```
//!
//! The reader lock word packs `waiting writers << 48 | sequence << 37 | revoke << 36 |
//! entry + 1 << 32 | owner id + 1` (0 = free). A holder with an entry holds it *biased*: it
//! keeps the lock between consumptions and enters each one with plain stores to its entry's
//! `inside` word; another reader takes it over by setting `revoke`, issuing a heavy fence
//! (`membarrier`), and waiting for `inside` to read 0. A holder without an entry (no free entry,
//! or no heavy fences in its process) holds it *classic*, for one consumption. The sequence,
//! bumped by every acquisition, keeps a stale revoker from taking over a later holding.
//!
//! The sleep handshakes need no fence on the fast path: a writer's publishing add on word 1
//! and a sleeping reader's flag-setting RMW on the same word are ordered against each other
//! (whichever comes second sees the first). A blocked writer registers on word 10 with an RMW
//! and then issues a heavy fence before it re-checks the head, so the reader's plain load of
//! word 10 after advancing the head sees the registration or the writer sees the head (a
//! classic holder's releasing RMW gives the same without the fence).
//!
//! Lines are 64 bytes when the mapping is page aligned (the header is 192 bytes). Each side
//! writes only its own lines on the fast path; the other side reads them only when its locally
//! cached copy of the head runs out (the reader never reads the tail hint).
//!
//! The counters pack `messages << COUNT_SHIFT | bytes` into one `u64` each, so one add updates
//! both (the published word holds them shifted left by one, above the reader-sleeping bit);
//! queued = published − consumed (wrapping, modulo 2^63), which stays exact across carries
//! because queued bytes are always far below `2^COUNT_SHIFT`.

use crate::error::{AttachError, Corruption};
use crate::record;
use crate::sync::{AtomicU32, AtomicU64, Ordering};

/// `"WRNG"`: the first header word of an initialized ring.
pub const MAGIC: u32 = 0x5752_4E47;
/// Layout version; bumped on any incompatible change.
pub const LAYOUT_VERSION: u32 = 4;
/// Number of `u32` words the header needs.
pub const HEADER_WORDS: usize = 48;
/// Index of the first ring word in the data slice (the cursors and reader entries live before
/// it).
pub const DATA_OFFSET: usize = D_ENTRIES + 8 * READER_ENTRIES;
/// Smallest capacity accepted, in bytes.
pub const MIN_CAPACITY: u32 = 32;
/// Largest capacity accepted, in bytes (record lengths are 28-bit fields).
pub const MAX_CAPACITY: u32 = 1 << 27;

pub(crate) const H_MAGIC: usize = 0;
pub(crate) const H_VERSION: usize = 1;
pub(crate) const H_CAPACITY: usize = 2;
pub(crate) const H_MAX_MESSAGE: usize = 3;
pub(crate) const H_FLAGS: usize = 4;
pub(crate) const H_READ_TIMEOUT: usize = 5;
pub(crate) const H_NOTIFY: usize = 16;
/// The CPU a reader was on when it last armed the sleeping flag, plus one (0: unknown, as in
/// rings whose readers predate it). Only a hint for the writer that wakes it (decision 0017):
/// nothing else reads it, and any value is harmless.
pub(crate) const H_SLEEPER_CPU: usize = 17;
pub(crate) const H_SPACE: usize = 32;

pub(crate) const D_TAIL: usize = 0;
pub(crate) const D_PUBLISHED: usize = 1;
pub(crate) const D_HEAD: usize = 8;
pub(crate) const D_CONSUMED: usize = 9;
pub(crate) const D_READER_LOCK: usize = 10;
/// First reader entry; entry `i` is the line at `D_ENTRIES + 8 * i` (`[0]` id + 1, `[1]` inside).
pub(crate) const D_ENTRIES: usize = 16;
/// Readers that can hold the reader lock biased at once (more fall back to classic holds).
pub(crate) const READER_ENTRIES: usize = 8;

/// Cursors at or beyond this are impossible (2^62 bytes) and reported as corruption, so cursor
/// arithmetic (`cursor + capacity`, `cursor + size`) never overflows.
pub(crate) const MAX_CURSOR: u64 = 1 << 62;

/// A plausible cursor: 8-byte aligned and far from overflowing.
pub(crate) fn cursor_ok(c: u64) -> bool {
    c % 8 == 0 && c < MAX_CURSOR
}

/// Bit position of the message count in the packed counters (bytes below it).
pub(crate) const COUNT_SHIFT: u32 = 40;

/// The reader-sleeping bit of the published word (counter units are shifted past it).
pub(crate) const SLEEPING_BIT: u64 = 1;
/// Owner bits of the reader-lock word (owner id + 1; 0 = free).
pub(crate) const LOCK_OWNER_MASK: u64 = 0xFFFF_FFFF;
/// Position of the holder's entry + 1 (0 = a classic hold) in the reader-lock word.
pub(crate) const LOCK_ENTRY_SHIFT: u32 = 32;
/// Owner and entry bits: who holds the lock, and how.
pub(crate) const LOCK_HOLDER_MASK: u64 = 0xF_FFFF_FFFF;
/// Set by a reader taking a biased holding over.
pub(crate) const LOCK_REVOKE: u64 = 1 << 36;
/// One step of the acquisition sequence (11 bits above the revoke bit).
pub(crate) const LOCK_SEQ_UNIT: u64 = 1 << 37;
pub(crate) const LOCK_SEQ_MASK: u64 = 0x7FF << 37;
/// One waiting writer in the reader-lock word (the top 16 bits count them).
pub(crate) const LOCK_WAITER: u64 = 1 << 48;
pub(crate) const LOCK_WAITERS_MASK: u64 = 0xFFFF << 48;

/// One message of `len` bytes in packed-counter units.
pub(crate) fn count_unit(len: u32) -> u64 {
    (1u64 << COUNT_SHIFT) + u64::from(len)
}

pub(crate) const FLAG_CLOSED: u32 = 1;

/// The shared memory of one ring, as two views of one mapping built by the caller.
///
/// The caller maps the slot file and hands out a `&[AtomicU32]` view of its first
/// [`HEADER_WORDS`] × 4 bytes and a `&[AtomicU64]` view of the rest (8-byte aligned), at least
/// [`RingMemory::data_words`]`(capacity)` long. Any process may scribble on this memory: the ring
/// validates everything it reads from it.
#[derive(Debug, Clone, Copy)]
pub struct RingMemory<'a> {
    /// The 32-bit header words (futex words live here).
    pub header: &'a [AtomicU32],
    /// The cursor block followed by the ring words.
    pub data: &'a [AtomicU64],
}

impl<'a> RingMemory<'a> {
    /// Pairs the two views.
    pub fn new(header: &'a [AtomicU32], data: &'a [AtomicU64]) -> Self {
        RingMemory { header, data }
    }

    /// Number of `u64` words the data view needs for `capacity` bytes of ring.
    pub fn data_words(capacity: u32) -> usize {
        DATA_OFFSET + (capacity as usize).div_ceil(8)
    }

    /// Total bytes of one mapping holding both views (header first, then data).
    pub fn mapping_bytes(capacity: u32) -> usize {
        HEADER_WORDS * 4 + Self::data_words(capacity) * 8
    }
}

/// Validated, locally cached geometry. Never re-read from shared memory after `attach`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geometry {
    pub capacity: u32,
    pub max_message_size: u32,
}

pub(crate) fn check_capacity(capacity: u32) -> bool {
    (MIN_CAPACITY..=MAX_CAPACITY).contains(&capacity) && capacity % 8 == 0
}

/// Writes a fresh header and tags every ring word as free; the magic is stored last (Release).
pub(crate) fn init(
    mem: &RingMemory<'_>,
    capacity: u32,
    max_message_size: u32,
) -> Result<Geometry, AttachError> {
    if !check_capacity(capacity) {
        return Err(AttachError::InvalidCapacity(capacity.into()));
    }
    if mem.header.len() < HEADER_WORDS || mem.data.len() < RingMemory::data_words(capacity) {
        return Err(Corruption::MemoryTooSmall.into());
    }
    let h = mem.header;
    h[H_MAGIC].store(0, Ordering::Relaxed);
    for w in &h[1..HEADER_WORDS] {
        w.store(0, Ordering::Relaxed);
    }
    h[H_VERSION].store(LAYOUT_VERSION, Ordering::Relaxed);
    h[H_CAPACITY].store(capacity, Ordering::Relaxed);
    h[H_MAX_MESSAGE].store(max_message_size, Ordering::Relaxed);
    for w in &mem.data[..DATA_OFFSET] {
        w.store(0, Ordering::Relaxed);
    }
    let ring = &mem.data[DATA_OFFSET..RingMemory::data_words(capacity)];
    for (i, w) in ring.iter().enumerate() {
        w.store(record::free_tag(i as u64 * 8), Ordering::Relaxed);
    }
    h[H_MAGIC].store(MAGIC, Ordering::Release);
    Ok(Geometry {
        capacity,
        max_message_size,
    })
}

/// Validates magic, version and sizes against the actual memory length.
pub(crate) fn attach(mem: &RingMemory<'_>) -> Result<Geometry, AttachError> {
    let h = mem.header;
    if h.len() < HEADER_WORDS || mem.data.len() < DATA_OFFSET {
        return Err(Corruption::MemoryTooSmall.into());
    }
    if h[H_MAGIC].load(Ordering::Acquire) != MAGIC {
        return Err(Corruption::BadMagic.into());
    }
    if h[H_VERSION].load(Ordering::Relaxed) != LAYOUT_VERSION {
        return Err(Corruption::BadVersion.into());
    }
    let capacity = h[H_CAPACITY].load(Ordering::Relaxed);
    if !check_capacity(capacity) {
        return Err(Corruption::BadCapacity.into());
    }
    if mem.data.len() < RingMemory::data_words(capacity) {
        return Err(Corruption::MemoryTooSmall.into());
    }
    Ok(Geometry {
        capacity,
        max_message_size: h[H_MAX_MESSAGE].load(Ordering::Relaxed),
    })
}
