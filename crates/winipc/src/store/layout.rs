//! Where everything lives inside a store file.
//!
//! A store is one file of 32-bit words. Its tables have fixed capacities, so every offset is a
//! constant and every index read from shared memory can be range-checked against a constant.
//! The file is sparse: untouched tables cost no memory.

/// `"WIPC"`: the first word of every store.
pub const MAGIC: u32 = 0x5749_5043;
/// Bumped whenever the layout or the meaning of a word changes.
pub const VERSION: u32 = 7;

/// Thread slots (threads registered in this store at once).
pub const MAX_THREADS: u32 = 1024;
/// Process slots (processes registered in this store at once).
pub const MAX_PROCS: u32 = 512;
/// Object slots.
pub const MAX_OBJECTS: u32 = 32768;
/// Handle-table entries per process per store.
pub const HANDLES_PER_PROC: u32 = 16384;
/// Wait entries: one per (waiting thread, object) pair.
pub const MAX_WAIT_ENTRIES: u32 = 131_072;
/// Wait entries reserved per thread slot (thread `t` owns entries `t * R .. t * R + R`), so a
/// wait on up to this many objects allocates nothing and mostly rewrites unchanged words;
/// larger waits take the rest from the shared pool.
pub const RESERVED_ENTRIES: u32 = 4;
/// First pooled wait entry (the reserved ones come first).
pub const POOLED_ENTRIES: u32 = MAX_THREADS * RESERVED_ENTRIES;
/// Name hash buckets.
pub const NAME_BUCKETS: u32 = 65536;
/// Words per stored name (the first holds the length and tag): 508 bytes of name.
pub const NAME_WORDS: u32 = 128;
/// Longest name, in UTF-8 bytes.
pub const MAX_NAME_BYTES: usize = ((NAME_WORDS - 1) * 4) as usize;
/// Undo-log entries (two words each): bounds the writes of one transaction.
pub const LOG_ENTRIES: u32 = 262_144;

/// Words in a thread slot (the last 16 hold the liveness token, 64 bytes, 8-aligned).
pub const THREAD_WORDS: u32 = 32;
/// Word offset of the token inside a thread slot.
pub const THREAD_TOKEN: u32 = 16;
/// Words in a process slot.
pub const PROC_WORDS: u32 = 16;
/// Words in an object slot.
pub const OBJ_WORDS: u32 = 16;
/// Words in a handle entry.
pub const HANDLE_WORDS: u32 = 4;
/// Words in a wait entry.
pub const ENTRY_WORDS: u32 = 8;
/// Words in the header.
pub const HEADER_WORDS: u32 = 64;

/// Header fields (word indices).
pub mod hdr {
    /// [`super::MAGIC`], written last at creation.
    pub const MAGIC: u32 = 0;
    /// [`super::VERSION`].
    pub const VERSION: u32 = 1;
    /// A checksum of the capacities, so a build with other constants refuses the file.
    pub const SHAPE: u32 = 2;
    /// The store lock: holder thread slot + 1 in the low bits, [`super::LOCK_WAITERS`].
    pub const LOCK: u32 = 3;
    /// Undo-log length (entries) of the transaction in progress.
    pub const LOG_LEN: u32 = 4;
    /// Head of the free object list (index + 1).
    pub const FREE_OBJ: u32 = 5;
    /// Head of the free list of pooled wait entries (index + 1).
    pub const FREE_ENTRY: u32 = 6;
    /// Object slots ever handed out (the rest are untouched and free).
    pub const OBJ_HIGH: u32 = 7;
    /// Pooled wait entries ever handed out (entry index − [`super::POOLED_ENTRIES`]).
    pub const ENTRY_HIGH: u32 = 8;
    /// Creator's uid.
    pub const UID: u32 = 9;
    /// 1 for the machine-wide store.
    pub const GLOBAL: u32 = 10;
    /// Times a dead lock holder's transaction was rolled back.
    pub const RECOVERIES: u32 = 11;
    /// Times corrupt data was detected and refused.
    pub const CORRUPTIONS: u32 = 12;
    /// Bumped by every committed transaction (lets inspectors notice change cheaply).
    pub const CHANGES: u32 = 13;
    /// Live objects.
    pub const OBJ_LIVE: u32 = 14;
    /// Next entry of the exit log to overwrite.
    pub const EXIT_LOG_NEXT: u32 = 15;
    /// Readiness sequence: bits 0–30 are bumped after every committed state change of an
    /// object some process observes for a readiness descriptor or an async wait
    /// (`crate::readiness`); bit 31 says someone may sleep on the word, and only then is the
    /// bump futex-woken (`super::observe`, decision 0019; layout version 7).
    pub const OBSERVE_SEQ: u32 = 16;
    /// The last [`super::OBSERVE_RING_LEN`] changes counted by `OBSERVE_SEQ`: entry
    /// `seq % LEN` holds `(seq & 0xffff) << 16 | object index`, so a bridge re-checks just the
    /// objects that changed (a hint: a torn or overwritten entry makes it re-check them all).
    pub const OBSERVE_RING: u32 = 17;
    /// The `winipc_sys::futex::sleeper_hint` (CPU and thread) of the last thread that went to
    /// sleep on `OBSERVE_SEQ` (an async waiter or a readiness bridge): a signaler that woke
    /// someone hands that CPU over when it is its own (decision 0019). A hint, written and
    /// read without ordering; 0 in stores made before it (any CPU).
    pub const OBSERVE_SLEEPER: u32 = 49;
}

/// Entries of [`hdr::OBSERVE_RING`].
pub const OBSERVE_RING_LEN: u32 = 32;
const _: () = assert!(hdr::OBSERVE_RING + OBSERVE_RING_LEN <= hdr::OBSERVE_SLEEPER);
const _: () = assert!(hdr::OBSERVE_SLEEPER < HEADER_WORDS);
const _: () = assert!(MAX_OBJECTS <= 0x1_0000);

/// Lock-word bit: someone sleeps on the lock.
pub const LOCK_WAITERS: u32 = 0x8000_0000;

/// Word offset of the undo log.
pub const LOG: u32 = HEADER_WORDS;
/// Word offset of the thread table (128-byte aligned so tokens are 8-aligned).
pub const THREADS: u32 = align(LOG + 2 * LOG_ENTRIES, 32);
/// Word offset of the process table.
pub const PROCS: u32 = THREADS + MAX_THREADS * THREAD_WORDS;
/// Word offset of the object table.
pub const OBJECTS: u32 = PROCS + MAX_PROCS * PROC_WORDS;
/// Word offset of the names (one per object slot).
pub const NAMES: u32 = OBJECTS + MAX_OBJECTS * OBJ_WORDS;
/// Word offset of the name buckets.
pub const BUCKETS: u32 = NAMES + MAX_OBJECTS * NAME_WORDS;
/// Word offset of the handle tables (one per process slot).
pub const HANDLES: u32 = BUCKETS + NAME_BUCKETS;
/// Word offset of the wait entries.
pub const ENTRIES: u32 = HANDLES + MAX_PROCS * HANDLES_PER_PROC * HANDLE_WORDS;
/// Entries of the exit log: full exit codes of reaped processes (pid, start lo, start hi, code).
pub const EXIT_LOG_ENTRIES: u32 = 256;
/// Word offset of the exit log.
pub const EXIT_LOG: u32 = ENTRIES + MAX_WAIT_ENTRIES * ENTRY_WORDS;
/// Total words.
pub const TOTAL_WORDS: u32 = align(EXIT_LOG + EXIT_LOG_ENTRIES * 4, 1024);
/// Total bytes of a store file.
pub const TOTAL_BYTES: usize = TOTAL_WORDS as usize * 4;

const fn align(x: u32, to: u32) -> u32 {
    x.div_ceil(to) * to
}

/// The shape checksum stored in [`hdr::SHAPE`].
pub const fn shape() -> u32 {
    let parts = [
        MAX_THREADS,
        MAX_PROCS,
        MAX_OBJECTS,
        HANDLES_PER_PROC,
        MAX_WAIT_ENTRIES,
        NAME_BUCKETS,
        NAME_WORDS,
        LOG_ENTRIES,
        THREAD_WORDS,
        PROC_WORDS,
        OBJ_WORDS,
        HANDLE_WORDS,
        ENTRY_WORDS,
        RESERVED_ENTRIES,
    ];
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < parts.len() {
        h = (h ^ parts[i]).wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// Thread-slot fields (word offsets within the slot).
pub mod th {
    /// [`super::SLOT_FREE`], [`super::SLOT_LIVE`], or `CLAIMING | tid` while being claimed.
    pub const STATE: u32 = 0;
    /// Kernel thread id.
    pub const TID: u32 = 1;
    /// Owning process slot + 1.
    pub const PROC: u32 = 2;
    /// The waiter's futex word: [`super::WAIT_IDLE`], [`super::WAIT_WAITING`],
    /// [`super::WAIT_SATISFIED`] or [`super::WAIT_RETRY`].
    pub const WAIT_STATE: u32 = 3;
    /// Index (within the wait) of the object that satisfied it.
    pub const WAIT_RESULT: u32 = 4;
    /// [`super::WF_ALL`], [`super::WF_MULTI`], [`super::WF_ABANDONED`].
    pub const WAIT_FLAGS: u32 = 5;
    /// Head of this thread's wait entries (index + 1).
    pub const WAIT_ENTRIES: u32 = 6;
    /// Number of objects in the current wait.
    pub const WAIT_COUNT: u32 = 7;
    /// Head of the list of mutexes this thread owns (object index + 1).
    pub const OWNED: u32 = 8;
    /// Process id (for display).
    pub const PID: u32 = 9;
    /// In a store without liveness tokens (the shared one): the thread's identity
    /// (`winipc_sys::proc::thread_identity`), checked in `/proc`.
    pub const IDENT: u32 = 10;
}

/// Slot states.
pub const SLOT_FREE: u32 = 0;
/// A registered, live slot.
pub const SLOT_LIVE: u32 = 1;
/// A process slot prepared by a parent for a child that has not started yet.
pub const SLOT_PENDING: u32 = 2;
/// A thread slot whose thread has run its exit hook (mutexes abandoned, wait cancelled). It is
/// reused once its token shows the thread dead.
pub const SLOT_RETIRED: u32 = 3;
/// A thread slot being reaped or retired by a transaction. Thread slots are *claimed* without
/// the lock, so a claimable state (`FREE`, `RETIRED`) must never be one a rollback could take
/// back: transactions write `SLOT_RELEASING | next` and the committer publishes `next` after
/// its commit. A committer that dies in between leaves this committed state for the next reap.
pub const SLOT_RELEASING: u32 = 0x4000_0000;
/// High bit of a thread slot's state while a thread claims it (low bits: its tid).
pub const SLOT_CLAIMING: u32 = 0x8000_0000;

/// Wait states (the futex word a waiter sleeps on).
pub const WAIT_IDLE: u32 = 0;
/// Linked and sleeping (or about to).
pub const WAIT_WAITING: u32 = 1;
/// A signaler satisfied the wait; the result is in `WAIT_RESULT`.
pub const WAIT_SATISFIED: u32 = 2;
/// Something changed that the waiter must re-examine itself (multi-store waits).
pub const WAIT_RETRY: u32 = 3;

/// Wait flag: wait for all objects.
pub const WF_ALL: u32 = 1;
/// Wait flag: the wait spans several stores or external objects; signalers only wake it.
pub const WF_MULTI: u32 = 2;
/// Wait flag: a mutex in the result was abandoned.
pub const WF_ABANDONED: u32 = 4;
/// Wait flag: a signaler satisfied the wait (committed); the result is in `WAIT_RESULT`.
pub const WF_DONE: u32 = 8;

/// Process-slot fields.
pub mod pr {
    /// [`super::SLOT_FREE`], [`super::SLOT_LIVE`] or [`super::SLOT_PENDING`].
    pub const STATE: u32 = 0;
    /// Process id (0 while a pending slot's child is not known yet).
    pub const PID: u32 = 1;
    /// Start time, low word.
    pub const START_LO: u32 = 2;
    /// Start time, high word.
    pub const START_HI: u32 = 3;
    /// For a pending slot: the parent's process slot + 1.
    pub const PARENT: u32 = 4;
    /// Bumped each time the slot is reused.
    pub const GEN: u32 = 5;
    /// Live handles in this store's table.
    pub const HANDLE_COUNT: u32 = 6;
    /// Lowest handle index that may be free.
    pub const HANDLE_HINT: u32 = 7;
    /// Head of the list of thread objects this process started (object index + 1).
    pub const THREAD_OBJS: u32 = 8;
    /// 1 once the process recorded its full exit code (`ExitProcess`).
    pub const EXIT_SET: u32 = 9;
    /// The full 32-bit exit code.
    pub const EXIT_CODE: u32 = 10;
    /// The process's number for this store ([`crate::store::StoreId`]): the store part of
    /// its handle values here, which another process needs to name a handle it duplicates
    /// into this one.
    pub const STORE_ID: u32 = 11;
}

/// Object-slot fields.
pub mod ob {
    /// Kind (low 8 bits; 0 = free) and generation (high 24 bits).
    pub const KIND_GEN: u32 = 0;
    /// References: handles plus linked wait entries.
    pub const REFS: u32 = 1;
    /// Next object in the same name bucket, or in the free list (index + 1).
    pub const NEXT: u32 = 2;
    /// First waiter entry (index + 1).
    pub const WHEAD: u32 = 3;
    /// Last waiter entry (index + 1).
    pub const WTAIL: u32 = 4;
    /// First kind-specific state word; there are [`super::STATE_WORDS`].
    pub const S0: u32 = 5;
    /// Next in an owner's list (mutex: owning thread's; thread object: its process's).
    pub const LINK: u32 = 13;
    /// Bit 0: has a name.
    pub const FLAGS: u32 = 14;
    /// Creator's uid.
    pub const UID: u32 = 15;
}

/// Kind-specific state words per object.
pub const STATE_WORDS: u32 = 8;

/// Wait-entry fields.
pub mod en {
    /// Waiting thread slot + 1 (0 = free).
    pub const THREAD: u32 = 0;
    /// Object index.
    pub const OBJ: u32 = 1;
    /// Next in the object's waiter list, or in the free list (index + 1).
    pub const NEXT: u32 = 2;
    /// Previous in the object's waiter list (index + 1).
    pub const PREV: u32 = 3;
    /// Next entry of the same wait (index + 1).
    pub const SIBLING: u32 = 4;
    /// Position of the object in the wait's list.
    pub const INDEX: u32 = 5;
}

/// Handle-entry fields.
pub mod hd {
    /// Object index + 1 (0 = free entry).
    pub const OBJ: u32 = 0;
    /// The object's generation when the handle was made.
    pub const GEN: u32 = 1;
    /// Access mask.
    pub const ACCESS: u32 = 2;
    /// [`super::HF_INHERIT`], [`super::HF_PROTECT`].
    pub const FLAGS: u32 = 3;
}

/// Handle flag: inherited by children spawned with inheritance.
pub const HF_INHERIT: u32 = 1;
/// Handle flag: closing fails (HANDLE_FLAG_PROTECT_FROM_CLOSE).
pub const HF_PROTECT: u32 = 2;

// The tables never overlap, tokens are 8-byte aligned, and the file stays a sane size.
const _: () = {
    assert!(THREADS >= LOG + 2 * LOG_ENTRIES);
    assert!(THREADS % 32 == 0, "tokens must be 8-byte aligned");
    assert!(PROCS > THREADS && OBJECTS > PROCS && NAMES > OBJECTS);
    assert!(BUCKETS > NAMES && HANDLES > BUCKETS && ENTRIES > HANDLES);
    assert!(EXIT_LOG >= ENTRIES + MAX_WAIT_ENTRIES * ENTRY_WORDS);
    assert!(TOTAL_WORDS >= EXIT_LOG + EXIT_LOG_ENTRIES * 4);
    assert!(TOTAL_BYTES < 256 << 20);
    assert!(POOLED_ENTRIES < MAX_WAIT_ENTRIES / 2);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_fields_are_distinct_words() {
        let fields = [
            hdr::MAGIC,
            hdr::VERSION,
            hdr::SHAPE,
            hdr::LOCK,
            hdr::LOG_LEN,
            hdr::FREE_OBJ,
            hdr::FREE_ENTRY,
            hdr::OBJ_HIGH,
            hdr::ENTRY_HIGH,
            hdr::UID,
            hdr::GLOBAL,
            hdr::RECOVERIES,
            hdr::CORRUPTIONS,
            hdr::CHANGES,
            hdr::OBJ_LIVE,
            hdr::EXIT_LOG_NEXT,
        ];
        for (i, f) in fields.iter().enumerate() {
            assert_eq!(*f as usize, i, "header word {i}");
        }
    }
}
