//! Error types. Every failure is a value: nothing in this crate panics on shared-memory contents.

use thiserror::Error;

/// What was found impossible in shared memory. The reader and writers never follow such a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Corruption {
    /// The header or data slice is shorter than the layout needs.
    MemoryTooSmall,
    /// The header does not start with the ring magic (or `init` has not finished).
    BadMagic,
    /// The header was written by an incompatible layout version.
    BadVersion,
    /// The capacity is zero, not a multiple of 8, too large, or larger than the data slice.
    BadCapacity,
    /// A cursor is misaligned, `head > tail`, or `tail - head > capacity`.
    BadCursor,
    /// A record header has an unknown state, an impossible length, or crosses the ring end.
    BadRecord,
    /// A READY record's sequence stamp does not match its position.
    BadSequence,
    /// A word inside the queued region is not a record header.
    UnexpectedFreeWord,
    /// A bounded loop hit its bound (a peer keeps changing shared state).
    RetryLimit,
}

impl Corruption {
    /// A short human-readable description.
    pub fn as_str(self) -> &'static str {
        match self {
            Corruption::MemoryTooSmall => "shared memory is smaller than the layout requires",
            Corruption::BadMagic => "bad ring magic",
            Corruption::BadVersion => "unsupported ring layout version",
            Corruption::BadCapacity => "invalid ring capacity",
            Corruption::BadCursor => "invalid head/tail cursor",
            Corruption::BadRecord => "invalid record header",
            Corruption::BadSequence => "record sequence stamp does not match its position",
            Corruption::UnexpectedFreeWord => "free word inside the queued region",
            Corruption::RetryLimit => "bounded retry loop exhausted",
        }
    }
}

impl std::fmt::Display for Corruption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Errors from [`Ring::init`](crate::Ring::init) and [`Ring::attach`](crate::Ring::attach).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AttachError {
    /// The requested capacity is zero, not a multiple of 8, below the minimum or above
    /// [`MAX_CAPACITY`](crate::MAX_CAPACITY).
    #[error("invalid capacity {0} (must be a multiple of 8 in {min}..={max})", min = crate::MIN_CAPACITY, max = crate::MAX_CAPACITY)]
    InvalidCapacity(u64),
    /// The memory is inconsistent with the header or too small.
    #[error("corrupt ring: {0}")]
    Corrupt(Corruption),
}

/// Errors from [`Ring::try_send`](crate::Ring::try_send) and [`Ring::send`](crate::Ring::send).
/// On every error nothing was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SendError {
    /// Not enough free space now (the quota is used up). Retry later or block with `send`.
    #[error("mailslot is full")]
    Full,
    /// The message is longer than the slot's `max_message_size`.
    #[error("message of {len} bytes exceeds the maximum message size {max}")]
    TooBig {
        /// The message length.
        len: usize,
        /// The slot's maximum message size.
        max: u32,
    },
    /// The message can never fit: its record is larger than the whole ring.
    #[error("message of {len} bytes can never fit in a ring of {capacity} bytes")]
    ExceedsCapacity {
        /// The message length.
        len: usize,
        /// The ring capacity in bytes.
        capacity: u32,
    },
    /// The ring was closed (the receiver is gone).
    #[error("mailslot is closed")]
    Closed,
    /// Shared memory holds an impossible value.
    #[error("corrupt ring: {0}")]
    Corrupt(Corruption),
}

/// Errors from [`Ring::try_recv`](crate::Ring::try_recv) and [`Ring::recv`](crate::Ring::recv).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecvError {
    /// The buffer is smaller than the next message, which stays queued.
    #[error("buffer too small: the next message has {needed} bytes")]
    InsufficientBuffer {
        /// The length of the next message.
        needed: usize,
    },
    /// Another live reader holds the reader lock (only from `try_recv`; `recv` waits instead).
    #[error("another reader holds the reader lock")]
    Busy,
    /// Shared memory holds an impossible value.
    #[error("corrupt ring: {0}")]
    Corrupt(Corruption),
}

impl From<Corruption> for SendError {
    fn from(c: Corruption) -> Self {
        SendError::Corrupt(c)
    }
}

impl From<Corruption> for RecvError {
    fn from(c: Corruption) -> Self {
        RecvError::Corrupt(c)
    }
}

impl From<Corruption> for AttachError {
    fn from(c: Corruption) -> Self {
        AttachError::Corrupt(c)
    }
}
