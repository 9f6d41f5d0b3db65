//! Mailslots: one receiver, any number of senders, discrete messages, one way.
//!
//! A mailslot is split in two:
//!
//! - its **object** lives in the machine-wide store: the lower-cased name (mailslot names are
//!   case-insensitive and machine-wide), the read timeout, the counts of receive and send
//!   handles, the "closed" flag — so names, handles, inheritance and the reaping of dead
//!   processes work exactly as for every other object;
//! - its **messages** live in a ring file of their own (`winipc-ms-<id>.ring`) whose Unix mode
//!   comes from the security attributes, so the kernel refuses senders of other users unless
//!   the creator allowed them. The ring is [`winipc_ring::Ring`]: writers reserve space with a
//!   compare-and-swap, the receiver consumes in order, and a syscall happens only when the
//!   receiver sleeps.
//!
//! When the last receive handle closes — or its process dies — the object is marked closed,
//! its name is freed at once, the ring is closed (senders then fail with
//! [`Error::ReceiverGone`]) and the ring file is removed; unread messages are dropped.
//!
//! **Quota.** Each slot's memory is bounded by its quota (default [`DEFAULT_QUOTA`]). A writer
//! that finds the quota used up *blocks* until the receiver makes room or the writer's timeout
//! ([`MailslotWriter::set_write_timeout`], default forever) passes, and then fails with
//! [`Error::MailslotFull`]. A write never silently loses a message; a blocked writer fails
//! with [`Error::ReceiverGone`] as soon as the receiver is gone.

use std::collections::HashMap;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use winipc_ring::{Futex, Liveness, RecvError, Ring, RingMemory, SendError};
use winipc_sys::shm::{self, Created, Mapping, OwnerCheck};

use crate::error::{Error, Result};
use crate::handles::{self, Handle, RawHandle, access};
use crate::machine_names::{self, Found, Space};
use crate::names::{MailslotName, MailslotTarget};
use crate::objects::{self, Kind, st, sw};
use crate::security::Security;
use crate::store::lock::Guard;
use crate::store::names::{self, Tag};
use crate::store::{Store, StoreId};
use crate::wait::{External, Target, WaitOutcome};

/// Default per-slot memory quota: 1 MiB of queued records.
pub const DEFAULT_QUOTA: u32 = 1 << 20;
/// `MAILSLOT_WAIT_FOREVER`: a read timeout that never expires.
pub const MAILSLOT_WAIT_FOREVER: u32 = u32::MAX;
/// `MAILSLOT_NO_MESSAGE`: what `GetMailslotInfo` reports as the next size when empty.
pub const MAILSLOT_NO_MESSAGE: u32 = u32::MAX;

/// How many times a reader facing an empty slot (or a writer facing a full one) yields the CPU,
/// re-checking in between, before it sleeps on a futex. See `docs/decisions`.
const YIELD_SPINS: u32 = 16;

/// A blocking read that slept at least this long found an idle ring: the next one sleeps at
/// once (decision 0015). Longer than a wake-up from another CPU takes in a VM (20–40 µs), so
/// a stream across CPUs does not count as idle.
const QUIET_NS: u64 = 100_000;

/// How many times a polling read retries a reader lock held by another reader.
const BUSY_RETRIES: u32 = 10_000;

/// How often a writer blocked on a full slot checks that the receiver is still alive.
const RECEIVER_CHECK: Duration = Duration::from_millis(100);

/// A writer that finds the slot full asks whether the receiver lives at most this often (per
/// process and slot) before it yields and sleeps.
const RECEIVER_RECHECK_NS: u64 = 10_000_000;

// ---- the ring files ----------------------------------------------------------------------

/// Futexes over shared memory, for the ring.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SysFutex;

impl Futex for SysFutex {
    fn wait(&self, word: &winipc_ring::AtomicU32, expected: u32, deadline: Option<Instant>) {
        // Never longer than the backstop: a writer killed between publishing a message and
        // waking us would otherwise leave us asleep beside a queued message. The ring's
        // callers treat an early return as "look again".
        let deadline_ns = crate::wait::capped_by_backstop(deadline.map(|d| {
            let left = d.saturating_duration_since(Instant::now());
            winipc_sys::time::monotonic_ns().saturating_add(left.as_nanos() as u64)
        }));
        // (Readers asked for their boost when they armed this sleep, in `current_cpu`; a
        // writer waiting for room does not ask: decision 0018.)
        winipc_sys::futex::wait(word, expected, Some(deadline_ns));
    }
    fn wake(&self, word: &winipc_ring::AtomicU32, count: u32) {
        winipc_sys::futex::wake(word, count);
    }
    fn wake_readers(&self, word: &winipc_ring::AtomicU32, sleeper_hint: u32) {
        // Hand the CPU to a reader woken from its sleep on this CPU (decision 0017) unless it
        // preempts us by itself (its wait-completion boost, decision 0018): the scheduler
        // otherwise often lets this writer run on until it blocks, and the reader waits for
        // that (≈ 8 µs more per wake-up in this project's VMs). Windows gets the same effect
        // from the priority boost a thread receives when its wait completes. A reader that
        // slept on another CPU is left to it (hint 0: unknown, yield).
        if winipc_sys::futex::wake(word, u32::MAX) > 0 {
            let cpu = winipc_sys::futex::current_cpu().map_or(0, |c| c.saturating_add(1));
            if crate::boost::writer_should_yield(sleeper_hint, cpu) {
                std::thread::yield_now();
            }
        }
    }
    fn current_cpu(&self) -> u32 {
        // Called by a reader arming its sleep: its CPU plus one, and whether it will preempt
        // the writer that wakes it.
        let boosted = crate::boost::before_sleep();
        let cpu = winipc_sys::futex::current_cpu().map_or(0, |c| c.saturating_add(1));
        if boosted {
            cpu | crate::boost::HINT_BOOSTED
        } else {
            cpu
        }
    }
    fn fences_registered(&self) -> bool {
        // `fork_epoch << 1 | registered`, for the epoch it was tried in: the registration is
        // per process and a forked child starts unregistered.
        static REGISTERED: AtomicU64 = AtomicU64::new(0);
        let epoch = u64::from(crate::store::registry::fork_epoch());
        let seen = REGISTERED.load(Ordering::Relaxed);
        if seen >> 1 == epoch {
            return seen & 1 != 0;
        }
        let ok = winipc_sys::membarrier::register_global_expedited().is_ok();
        REGISTERED.store(epoch << 1 | u64::from(ok), Ordering::Relaxed);
        ok
    }
    fn heavy_fence(&self) -> bool {
        winipc_sys::membarrier::global_expedited().is_ok()
    }
}

type SlotRing<'a> = Ring<'a, SysFutex>;

self_cell::self_cell!(
    struct RingCell {
        owner: Mapping,
        #[covariant]
        dependent: SlotRing,
    }
    impl {Debug}
);

/// Which ring file: its owner (the receiver's user) and the digest of the slot's name. The
/// file is `winipc-ms.<uid>.<digest>.ring` in the shared store directory, and it must belong to
/// `uid`: another user can create a file of that name first, but never one that belongs to
/// the receiver, so a sender can never be sent into a ring the receiver did not make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct RingId {
    uid: u32,
    digest: u64,
}

/// A ring file mapped into this process.
#[derive(Debug)]
pub(crate) struct OpenRing {
    cell: RingCell,
    id: RingId,
    /// Set when the ring file lost pages under the mapping (`winipc_sys::sigbus`).
    poisoned: &'static std::sync::atomic::AtomicBool,
    /// Set when this process's last blocking read of the ring slept for [`QUIET_NS`] or more
    /// and woke to a lone message (the ring is idle: messages come one at a time), cleared
    /// when a blocking read ends sooner or finds more messages queued. A reader of a quiet ring sleeps at once instead of yielding
    /// and spinning first (see [`read`]).
    quiet: std::sync::atomic::AtomicBool,
    /// When (monotonic ns) a writer of this process last found the slot's receiver alive by
    /// asking the kernel who holds its name (0: never); see [`receiver_alive_lately`].
    alive_at: AtomicU64,
}

fn ring_memory(m: &Mapping) -> RingMemory<'_> {
    let header = &m.u32s()[..winipc_ring::HEADER_WORDS];
    let data = &m.u64s()[winipc_ring::HEADER_WORDS / 2..];
    RingMemory::new(header, data)
}

pub(crate) fn ring_path(id: RingId) -> PathBuf {
    crate::store::dir().join(format!("winipc-ms.{}.{:016x}.ring", id.uid, id.digest))
}

fn open_error(e: io::Error) -> Error {
    match e.kind() {
        io::ErrorKind::PermissionDenied => Error::AccessDenied,
        io::ErrorKind::NotFound => Error::NotFound,
        _ => Error::Io(e),
    }
}

fn ring_error(e: winipc_ring::AttachError) -> Error {
    match e {
        winipc_ring::AttachError::InvalidCapacity(_) => Error::InvalidParameter("mailslot quota"),
        _ => Error::Corrupt("mailslot ring"),
    }
}

impl OpenRing {
    /// Creates the ring of a slot whose name this process has just claimed: a file of that
    /// name left by an earlier slot of ours is stale (its name was free) and is replaced; one
    /// that belongs to another user is refused, naming it.
    fn create(id: RingId, quota: u32, max_message_size: u32, mode: u32) -> Result<OpenRing> {
        let path = ring_path(id);
        let name = path
            .file_name()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let bytes = RingMemory::mapping_bytes(quota).next_multiple_of(4096);
        for _ in 0..16 {
            let made =
                shm::create_exclusive_reserved(crate::store::dir(), &name, mode, bytes, |m| {
                    Ring::init(ring_memory(m), quota, max_message_size, SysFutex)
                        .map(|_| ())
                        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, ring_error(e)))
                });
            match made {
                Ok(Created::New(m)) => return OpenRing::wrap(m, id),
                Ok(Created::Exists) => match shm::owner_of(&path) {
                    Ok(owner) if owner == id.uid => {
                        // An earlier slot of that name whose receivers died: its senders
                        // must fail from now on, not write into a ring nobody reads.
                        if let Ok(old) = OpenRing::open(id) {
                            old.ring().close();
                        }
                        let _ = shm::unlink(&path);
                    }
                    Ok(_) => {
                        return Err(Error::unsafe_location(format!(
                            "{} belongs to another user: the mailslot's ring cannot be made",
                            path.display()
                        )));
                    }
                    Err(_) => {} // gone meanwhile: try again
                },
                Err(e) => return Err(unwrap_io(e)),
            }
        }
        Err(Error::NoResources("mailslot ring file"))
    }

    /// Maps the ring `id`, which must belong to `id.uid`.
    fn open(id: RingId) -> Result<OpenRing> {
        let m = shm::open_existing(&ring_path(id), OwnerCheck::Any).map_err(open_error)?;
        if shm::owner_and_mode(&m).map_err(Error::Io)?.0 != id.uid {
            // Not the receiver's: made by someone else before the receiver existed.
            return Err(Error::NotFound);
        }
        OpenRing::wrap(m, id)
    }

    fn wrap(m: Mapping, id: RingId) -> Result<OpenRing> {
        let poisoned = m.poison_flag();
        let cell =
            RingCell::try_new(m, |m| Ring::attach(ring_memory(m), SysFutex)).map_err(ring_error)?;
        Ok(OpenRing {
            cell,
            id,
            poisoned,
            quiet: std::sync::atomic::AtomicBool::new(false),
            alive_at: AtomicU64::new(0),
        })
    }

    fn ring(&self) -> &SlotRing<'_> {
        self.cell.borrow_dependent()
    }

    /// Fails once the ring file lost pages under this mapping (another process truncated it):
    /// what was read or written since cannot be trusted (`winipc_sys::sigbus`).
    #[inline]
    fn check_pages(&self) -> Result<()> {
        if self.poisoned.load(Ordering::Relaxed) {
            return Err(Error::Corrupt(
                "mailslot ring file lost pages (truncated by another process)",
            ));
        }
        Ok(())
    }
}

fn unwrap_io(e: io::Error) -> Error {
    if e.get_ref().is_some_and(|i| i.is::<Error>()) {
        match e.into_inner().map(|i| i.downcast::<Error>()) {
            Some(Ok(inner)) => *inner,
            _ => Error::Corrupt("mailslot ring"),
        }
    } else {
        Error::Io(e)
    }
}

/// Rings this process has mapped, by ring id. Every user of a ring — a [`Mailslot`], a
/// [`MailslotWriter`], a wait, a raw handle in [`raw_rings`] — holds an `Arc`; this map only
/// lets them share one mapping, so the mapping and its file descriptor go away with the last
/// of them. A process that writes once to each of any number of short-lived slots thus holds
/// at most one mapping per slot it still has a handle to.
fn open_rings() -> &'static Mutex<HashMap<RingId, Weak<OpenRing>>> {
    static RINGS: OnceLock<Mutex<HashMap<RingId, Weak<OpenRing>>>> = OnceLock::new();
    RINGS.get_or_init(Default::default)
}

fn ring_for(id: RingId) -> Result<Arc<OpenRing>> {
    let mut map = open_rings().lock().expect("ring registry");
    if let Some(r) = map.get(&id).and_then(Weak::upgrade) {
        return Ok(r);
    }
    let r = Arc::new(OpenRing::open(id)?);
    remember(&mut map, &r);
    Ok(r)
}

/// Records a ring in the registry, forgetting rings nobody holds any more (so the map stays
/// as small as the set of rings in use).
fn remember(map: &mut HashMap<RingId, Weak<OpenRing>>, r: &Arc<OpenRing>) {
    map.retain(|_, w| w.strong_count() > 0);
    map.insert(r.id, Arc::downgrade(r));
}

/// Rings of mailslot handles used by raw value (the C ABI's `ReadFile`/`WriteFile`), one slot
/// per handle value (a handle value is a table index in one of the two stores: an O(1) array
/// index, no global lock, no hashing). Each holds the object its handle referred to, kept until
/// the handle is closed ([`forget_raw_handle`]); the object check (store, index, generation)
/// means a handle value reused for another slot never reaches the old slot's ring. A slot's
/// mutex is held only to clone or replace its `Arc` (never across a read or write), so threads
/// sharing one handle do not wait on each other.
type RawSlot = Mutex<Option<(objects::ObjRef, Arc<OpenRing>)>>;
const RAW_CHUNK: usize = 256;
const RAW_SLOTS: usize = 2 * crate::store::layout::HANDLES_PER_PROC as usize;
/// Allocated a chunk at a time, on first use of a handle value in it.
static RAW_RINGS: [OnceLock<Box<[RawSlot; RAW_CHUNK]>>; RAW_SLOTS / RAW_CHUNK] =
    [const { OnceLock::new() }; RAW_SLOTS / RAW_CHUNK];

/// The slot of handle value `h` (`None` for a value no handle can have).
fn raw_slot(h: RawHandle) -> Option<&'static RawSlot> {
    let n = usize::try_from(h / 4).ok()?.checked_sub(1)?;
    let chunk = RAW_RINGS.get(n / RAW_CHUNK)?;
    let slots = chunk.get_or_init(|| Box::new([const { Mutex::new(None) }; RAW_CHUNK]));
    Some(&slots[n % RAW_CHUNK])
}

fn lock_slot(
    slot: &RawSlot,
) -> std::sync::MutexGuard<'_, Option<(objects::ObjRef, Arc<OpenRing>)>> {
    // Nothing panics while holding it; a poisoned slot still holds a consistent value.
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The ring of raw mailslot handle `h`, whose entry is `e`.
fn raw_ring(h: RawHandle, e: &handles::Entry) -> Result<Arc<OpenRing>> {
    let slot = raw_slot(h);
    if let Some(slot) = slot
        && let Some((obj, r)) = &*lock_slot(slot)
        && *obj == e.obj
    {
        return Ok(r.clone());
    }
    let s = Store::get(e.obj.store)?;
    let r = ring_for(ring_id(s, e.obj.ix))?;
    if let Some(slot) = slot {
        let old = lock_slot(slot).replace((e.obj, r.clone()));
        drop(old); // unmapping (the last user of another ring) happens outside the slot lock
    }
    Ok(r)
}

/// Bumped whenever a mailslot handle's entry is released (`handles::release_entry` calls the
/// kind's `handle_released` hook under the store lock, after clearing the entry's words and
/// before the unlock; only mailslot handles are cached): a thread's
/// [`RAW_CACHE`] entries resolved in an earlier epoch are never used again. A handle value can
/// be reused only after its entry was released and the lock released, so a cached resolution
/// of an older epoch is the only kind that could be stale.
static RAW_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Called for every released mailslot handle entry (under the store lock).
#[inline]
fn handle_entry_released() {
    RAW_EPOCH.fetch_add(1, Ordering::Release);
}

/// Called in the child after `fork()` (with the fork epoch's bump): the child has its own
/// handle table, so the forking thread's cached resolutions, copied into the child, are
/// stale there.
pub(crate) fn after_fork_in_child() {
    RAW_EPOCH.fetch_add(1, Ordering::Release);
}

/// Entries of a thread's [`RAW_CACHE`] (a thread that writes one slot and reads another hits
/// both).
const RAW_CACHE_WAYS: usize = 2;

/// A thread's resolution of a raw mailslot handle: the value, the epoch it was resolved in
/// ([`RAW_EPOCH`], which a `fork()` bumps in the child too: the child has its own handle
/// table), its entry (object, kind, access) and its ring.
#[derive(Debug)]
struct RawHit {
    h: RawHandle,
    epoch: u64,
    entry: handles::Entry,
    ring: Arc<OpenRing>,
}

thread_local! {
    /// The raw mailslot handles this thread used last: the `ReadFile` / `WriteFile` hot path
    /// finds the handle's entry and ring with two loads and a compare (no handle-table read,
    /// no slot lock, no `Arc` clone, no atomic read-modify-write). Valid only while no handle
    /// entry was released since ([`RAW_EPOCH`]): a closed and reused handle value always
    /// resolves afresh.
    static RAW_CACHE: std::cell::RefCell<[Option<RawHit>; RAW_CACHE_WAYS]> =
        const { std::cell::RefCell::new([const { None }; RAW_CACHE_WAYS]) };
}

/// The epoch a resolution made now belongs to (read *before* resolving: an entry released
/// after this read, or a fork, bumps [`RAW_EPOCH`] past it).
#[derive(Debug, Clone, Copy)]
struct RawKey {
    epoch: u64,
}

impl RawKey {
    #[inline]
    fn now() -> RawKey {
        RawKey {
            // Acquire: pairs with the release bump, so a resolution that follows sees the
            // cleared entry of any release counted in `epoch`.
            epoch: RAW_EPOCH.load(Ordering::Acquire),
        }
    }

    /// This thread's current cached resolution of `h` among `ways`, if any.
    #[inline(always)]
    fn find(self, ways: &[Option<RawHit>; RAW_CACHE_WAYS], h: RawHandle) -> Option<&RawHit> {
        ways.iter()
            .flatten()
            .find(|w| w.h == h && w.epoch == self.epoch)
    }

    /// Caches `h`'s resolution `(e, ring)`, made after this key was read.
    fn remember(self, h: RawHandle, e: handles::Entry, ring: Arc<OpenRing>) {
        let evicted = RAW_CACHE.with(|c| {
            let mut c = c.try_borrow_mut().ok()?;
            let last = c[RAW_CACHE_WAYS - 1].take();
            c.rotate_right(1);
            c[0] = Some(RawHit {
                h,
                epoch: self.epoch,
                entry: e,
                ring,
            });
            last
        });
        drop(evicted); // unmapping (the last user of a ring) happens outside the borrow
    }
}

/// The outcome of a transfer on a raw handle for the C ABI, in one register (issue 16: an
/// `Option<Result<usize>>` travelled through memory, and the C face's 16-byte load of what the
/// callee had stored as two 8-byte words stalled store forwarding, ≈ 40 % of `ReadFile`'s and
/// `WriteFile`'s own cycles): the byte count (`0..=u32::MAX`), [`Packed::MISS`] (the handle is
/// not in this thread's cache), or [`Packed::FAILED`] with the failure's Win32 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed(u64);

impl Packed {
    const MISS: Packed = Packed(u64::MAX);
    const FAILED: u64 = 1 << 32;

    #[inline(always)]
    fn of(r: Result<usize>) -> Packed {
        match r {
            // A message's length is a `u32` (the ring's record header).
            Ok(n) => Packed(n as u32 as u64),
            Err(e) => Packed::failed(e),
        }
    }

    #[cold]
    fn failed(e: Error) -> Packed {
        Packed(Packed::FAILED | u64::from(e.win32_code()))
    }

    /// The byte count, or the Win32 code of the failure (never called on a miss).
    #[inline(always)]
    fn win32(self) -> std::result::Result<u32, u32> {
        if self.0 & Packed::FAILED == 0 {
            Ok(self.0 as u32)
        } else {
            Err(self.0 as u32)
        }
    }
}

/// `ReadFile` on a raw handle through this thread's cache, if `h` is in it (the hit path: one
/// thread-local borrow; issue 16). Out of line, so that `LocalKey::with` around it inlines
/// (with the closure inside, it did not, and reached the thread-local through a pointer).
#[inline(never)]
fn read_cached(
    c: &std::cell::RefCell<[Option<RawHit>; RAW_CACHE_WAYS]>,
    key: RawKey,
    h: RawHandle,
    buf: &mut [u8],
) -> Packed {
    // Shared borrow: the read may block (waiting for a message) and a re-entry would only
    // find the cache busy for insertion.
    let Ok(c) = c.try_borrow() else {
        return Packed::MISS;
    };
    let Some(w) = key.find(&c, h) else {
        return Packed::MISS;
    };
    Packed::of(match check_direction(&w.entry, true) {
        Ok(()) => read(w.entry.obj, &w.ring, buf, None),
        Err(e) => Err(e),
    })
}

/// `WriteFile` on a raw handle through this thread's cache, as [`read_cached`].
#[inline(never)]
fn write_cached(
    c: &std::cell::RefCell<[Option<RawHit>; RAW_CACHE_WAYS]>,
    key: RawKey,
    h: RawHandle,
    msg: &[u8],
) -> Packed {
    let Ok(c) = c.try_borrow() else {
        return Packed::MISS;
    };
    let Some(w) = key.find(&c, h) else {
        return Packed::MISS;
    };
    Packed::of(match check_direction(&w.entry, false) {
        Ok(()) => write(&w.ring, msg, None).map(|()| 0).map_err(write_error),
        Err(e) => Err(e),
    })
}

/// A raw handle missing from this thread's cache: resolves it (checking its direction) and
/// caches it.
#[cold]
#[inline(never)]
fn resolve_raw(
    key: RawKey,
    h: RawHandle,
    receive: bool,
) -> Result<(handles::Entry, Arc<OpenRing>)> {
    let e = handles::resolve(h)?;
    check_direction(&e, receive)?;
    let ring = raw_ring(h, &e)?;
    key.remember(h, e, ring.clone());
    Ok((e, ring))
}

/// `CloseHandle` hook: drops the ring a raw handle kept mapped.
fn forget_raw_handle(h: RawHandle) {
    // This thread's cached resolutions from before the close are stale: drop them now, so
    // that a closed handle's ring is unmapped at once (other threads drop theirs on their next
    // ReadFile/WriteFile, as they find the epoch moved).
    let epoch = RAW_EPOCH.load(Ordering::Acquire);
    let stale = RAW_CACHE.with(|c| {
        let mut c = c.try_borrow_mut().ok()?;
        let mut stale: [Option<RawHit>; RAW_CACHE_WAYS] = [const { None }; RAW_CACHE_WAYS];
        for (way, out) in c.iter_mut().zip(&mut stale) {
            if way.as_ref().is_some_and(|w| w.h == h || w.epoch != epoch) {
                *out = way.take();
            }
        }
        Some(stale)
    });
    drop(stale); // unmapping happens outside the borrow
    if let Some(slot) = raw_slot(h) {
        let old = lock_slot(slot).take();
        drop(old);
    }
}

/// The ring of mailslot object `ix` (a receiver's slot, or a sender's client object).
pub(crate) fn ring_id(s: &Store, ix: u32) -> RingId {
    let digest =
        u64::from(s.load(sw(ix, st::MS_RING_LO))) | u64::from(s.load(sw(ix, st::MS_RING_HI))) << 32;
    let uid = if s.load(sw(ix, st::MS_ROLE)) == ROLE_CLIENT {
        s.load(sw(ix, st::MS_OWNER))
    } else {
        s.load(Store::ob(ix, crate::store::layout::ob::UID))
    };
    RingId { uid, digest }
}

/// [`st::MS_ROLE`] of a sender's client object (a receiver's slot has 0).
const ROLE_CLIENT: u32 = 1;

// ---- identities for the ring's liveness questions ----------------------------------------

/// A writer (or reader) id that any process can check for liveness, with no shared store:
/// the thread's tid and start time ([`winipc_sys::proc::thread_identity`]).
fn my_id() -> u32 {
    winipc_sys::proc::thread_identity()
}

/// Answers the ring's "is this writer alive?" from `/proc` (only asked on slow paths: a record
/// or a reader lock that stays busy).
#[derive(Debug, Clone, Copy)]
struct Threads;

impl Liveness for Threads {
    fn is_alive(&self, id: u32) -> bool {
        winipc_sys::proc::identity_alive(id)
    }
}

// ---- lifecycle hooks ---------------------------------------------------------------------

/// A mailslot's lifecycle hooks ([`objects::KindHooks`]): receive handles are counted, the
/// slot closes with the last one, and a raw handle's mapped ring is dropped with the handle.
pub(crate) struct Hooks;

impl objects::KindHooks for Hooks {
    /// Counts receive handles as they are made.
    fn handle_added(&self, g: &mut Guard<'_>, ix: u32, acc: u32) -> Result<()> {
        if acc & access::GENERIC_READ != 0 {
            g.add(sw(ix, st::MS_RECEIVERS), 1)?;
        }
        Ok(())
    }

    /// When the last receive handle goes, the slot closes: name freed, ring closed and removed.
    /// Every released mailslot handle entry invalidates the threads' cached resolutions of raw
    /// handles (under the lock, after the entry was cleared: see [`RAW_EPOCH`]).
    fn handle_released(&self, g: &mut Guard<'_>, ix: u32, acc: u32) -> Result<()> {
        handle_entry_released();
        if acc & access::GENERIC_READ == 0 {
            return Ok(());
        }
        let n = g.get(sw(ix, st::MS_RECEIVERS)).saturating_sub(1);
        g.set(sw(ix, st::MS_RECEIVERS), n)?;
        if n == 0 { close(g, ix) } else { Ok(()) }
    }

    /// Destroying a slot that is still open closes it.
    fn destroyed(&self, g: &mut Guard<'_>, ix: u32) -> Result<()> {
        if g.get(sw(ix, st::MS_ROLE)) == ROLE_CLIENT {
            return Ok(()); // a sender's handle: the slot is the receiver's business
        }
        close(g, ix)
    }

    fn raw_handle_closed(&self, v: RawHandle) {
        forget_raw_handle(v);
    }
}

fn close(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    if g.get(sw(ix, st::MS_CLOSED)) != 0 {
        return Ok(());
    }
    g.set(sw(ix, st::MS_CLOSED), 1)?;
    names::remove(g, ix)?;
    let (id, ino) = (ring_id(g.s, ix), g.get(sw(ix, st::MS_RING_INO)));
    g.after_commit(Box::new(move || close_ring_file(id, ino)));
    Ok(())
}

/// Closes and removes a ring after the transaction that closed its slot committed. The file
/// is removed only if it is still the one that slot used (a new slot of the same name may
/// have replaced it).
fn close_ring_file(id: RingId, ino: u32) {
    let ours = |r: &Arc<OpenRing>| r.cell.borrow_owner().id().ino as u32 == ino;
    let held = open_rings()
        .lock()
        .expect("ring registry")
        .get(&id)
        .and_then(Weak::upgrade)
        .filter(ours);
    let Some(r) = held.or_else(|| OpenRing::open(id).ok().map(Arc::new).filter(ours)) else {
        return; // the slot's own file is gone already; a file of that name is a newer slot's
    };
    r.ring().close();
    let path = ring_path(id);
    if shm::file_id(&path).is_ok_and(|f| f == r.cell.borrow_owner().id()) {
        let _ = shm::unlink(&path);
    }
}

// ---- the public types ------------------------------------------------------------------

/// Settings for [`Mailslot::create_with`].
///
/// ```
/// let opts = winipc::MailslotOptions { max_message_size: 424, ..Default::default() };
/// assert_eq!(opts.read_timeout, winipc::MAILSLOT_WAIT_FOREVER);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailslotOptions {
    /// Largest message accepted, in bytes; 0 means any size. Stored and reported as given.
    pub max_message_size: u32,
    /// Read timeout in ms: 0 returns at once, [`MAILSLOT_WAIT_FOREVER`] waits forever.
    pub read_timeout: u32,
    /// Bytes of queued messages the slot may hold (its memory quota).
    pub quota: u32,
    /// Inheritance and who may send (mode 0600 by default: only the creator's user).
    pub security: Security,
}

impl Default for MailslotOptions {
    fn default() -> MailslotOptions {
        MailslotOptions {
            max_message_size: 0,
            read_timeout: MAILSLOT_WAIT_FOREVER,
            quota: DEFAULT_QUOTA,
            security: Security::default(),
        }
    }
}

/// `GetMailslotInfo`'s answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailslotInfo {
    /// The maximum message size as given at creation (0 = any size).
    pub max_message_size: u32,
    /// Size of the next message, `None` when the slot is empty (`MAILSLOT_NO_MESSAGE`).
    pub next_size: Option<u32>,
    /// Messages queued.
    pub message_count: u32,
    /// Read timeout in ms ([`MAILSLOT_WAIT_FOREVER`] = forever).
    pub read_timeout: u32,
}

/// The receiving end of a mailslot (`CreateMailslot`'s handle).
///
/// ```
/// use winipc::{Mailslot, MailslotWriter};
/// # winipc::__doc::isolate();
/// let slot = Mailslot::create(r"\\.\mailslot\doc\inbox", 0, 0)?;
/// let w = MailslotWriter::open(r"\\.\MAILSLOT\Doc\Inbox")?;   // names are case-insensitive
/// w.send(b"hello")?;
/// w.send(b"")?;                                               // zero-length messages count
/// assert_eq!(slot.info()?.message_count, 2);
/// let mut buf = [0u8; 16];
/// assert_eq!(slot.recv(&mut buf)?, 5);
/// assert_eq!(slot.recv(&mut buf)?, 0);
/// assert_eq!(winipc::Error::win32_code_of(&slot.recv(&mut buf).unwrap_err()), 121); // ERROR_SEM_TIMEOUT
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Mailslot {
    handle: Handle,
    ring: Arc<OpenRing>,
    name: String,
}

impl Mailslot {
    /// Creates the mailslot `name` (`\\.\mailslot\[path\]name`) with a maximum message size
    /// (0 = any) and a read timeout in ms. A live name fails with [`Error::AlreadyExists`].
    pub fn create(name: &str, max_message_size: u32, read_timeout: u32) -> io::Result<Mailslot> {
        Mailslot::create_with(
            name,
            MailslotOptions {
                max_message_size,
                read_timeout,
                ..Default::default()
            },
        )
    }

    /// Creates a mailslot with all options.
    pub fn create_with(name: &str, opts: MailslotOptions) -> io::Result<Mailslot> {
        Ok(create(name, opts)?)
    }

    /// Gives up the object wrapper and returns its handle (still open).
    pub fn into_handle(self) -> Handle {
        self.handle
    }

    /// The receive handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The slot's canonical name (`\\.\mailslot\…`, lower-cased).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Wraps a receive handle (inherited or duplicated).
    pub fn from_handle(handle: Handle) -> io::Result<Mailslot> {
        let (ring, name) = ring_of(handle.as_raw(), true)?;
        Ok(Mailslot { handle, ring, name })
    }

    /// Reads the next message into `buf`, waiting up to the slot's read timeout. Returns its
    /// length (0 for a zero-length message). Errors: [`Error::SemTimeout`] when no message
    /// arrived in time; [`Error::InsufficientBuffer`] when `buf` is smaller than the next
    /// message, which then stays queued.
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        Ok(read(self.handle.obj(), &self.ring, buf, None)?)
    }

    /// Like [`Mailslot::recv`] with an explicit timeout instead of the slot's.
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Option<Duration>) -> io::Result<usize> {
        Ok(read(self.handle.obj(), &self.ring, buf, Some(timeout))?)
    }

    /// Reads the next message into a new vector of its exact size.
    pub fn recv_vec(&self) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; 512];
        loop {
            match self.recv(&mut buf) {
                Ok(n) => {
                    buf.truncate(n);
                    return Ok(buf);
                }
                Err(e) => match Error::from_io(&e) {
                    Some(Error::InsufficientBuffer { needed }) => buf.resize(*needed, 0),
                    _ => return Err(e),
                },
            }
        }
    }

    /// `GetMailslotInfo`.
    pub fn info(&self) -> io::Result<MailslotInfo> {
        Ok(info(self.handle.as_raw())?)
    }

    /// `SetMailslotInfo`: changes the read timeout (ms).
    pub fn set_read_timeout(&self, timeout_ms: u32) -> io::Result<()> {
        Ok(set_read_timeout(self.handle.as_raw(), timeout_ms)?)
    }

    /// Waits until a message is queued (without reading it).
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }
}

/// `Read` gives one message per call; a buffer smaller than the message is an error
/// ([`Error::InsufficientBuffer`]) and the message stays queued.
impl io::Read for &Mailslot {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.recv(buf)
    }
}

/// The sending end of a mailslot (`CreateFile` on a mailslot name).
#[derive(Debug)]
pub struct MailslotWriter {
    handle: Handle,
    dest: Dest,
    write_timeout: Option<Duration>,
}

/// Where a writer's messages go.
#[derive(Debug)]
enum Dest {
    /// A slot on this machine: its ring.
    Local(Arc<OpenRing>),
    /// Other machines, through the network daemon (`\\*\`, `\\DOMAIN\`, `\\HOST\`).
    Remote(Arc<crate::remote::RemoteWriter>),
}

impl MailslotWriter {
    /// Opens a sender for `name`. A local name with no live receiver fails with
    /// [`Error::NotFound`] (ERROR_FILE_NOT_FOUND); a slot whose security does not admit the
    /// caller with [`Error::AccessDenied`]. A remote name (`\\*\`, `\\DOMAIN\`, `\\HOST\`)
    /// sends through the winipc network daemon, and fails with [`Error::BadNetPath`] when it
    /// is not running.
    pub fn open(name: &str) -> io::Result<MailslotWriter> {
        Ok(open_writer(name, false)?)
    }

    /// Opens a sender whose handle children inherit.
    pub fn open_inheritable(name: &str) -> io::Result<MailslotWriter> {
        Ok(open_writer(name, true)?)
    }

    /// Gives up the object wrapper and returns its handle (still open).
    pub fn into_handle(self) -> Handle {
        self.handle
    }

    /// The send handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Wraps a send handle (inherited or duplicated).
    pub fn from_handle(handle: Handle) -> io::Result<MailslotWriter> {
        if let Some(remote) = crate::remote::lookup(handle.obj()) {
            return Ok(MailslotWriter {
                handle,
                dest: Dest::Remote(remote),
                write_timeout: None,
            });
        }
        let (ring, _) = ring_of(handle.as_raw(), false)?;
        Ok(MailslotWriter {
            handle,
            dest: Dest::Local(ring),
            write_timeout: None,
        })
    }

    /// How long a write may wait for room when the slot's quota is used up (`None` = as long
    /// as the receiver lives).
    pub fn set_write_timeout(&mut self, timeout: Option<Duration>) {
        self.write_timeout = timeout;
    }

    /// Sends one message. Fails with [`Error::MessageTooLarge`] over the slot's maximum
    /// (nothing is queued), [`Error::ReceiverGone`] once the receiver closed the slot, and
    /// [`Error::MailslotFull`] if the quota stayed full for the whole write timeout.
    pub fn send(&self, msg: &[u8]) -> io::Result<()> {
        match &self.dest {
            Dest::Local(ring) => Ok(write(ring, msg, self.write_timeout)?),
            Dest::Remote(remote) => Ok(remote.send(msg)?),
        }
    }
}

/// `Write` sends each `write` call as one message (all of `buf`, or an error).
impl io::Write for &MailslotWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---- operations on raw handles (shared with the C ABI) ------------------------------------

fn create(name: &str, opts: MailslotOptions) -> Result<Mailslot> {
    let parsed = MailslotName::parse(name)?;
    if parsed.target != MailslotTarget::Local {
        return Err(Error::InvalidName(
            "a mailslot is created on this machine (\\\\.\\mailslot\\…)",
        ));
    }
    let path = parsed.path.as_bytes();
    // The machine-wide name first: whoever binds it owns the slot (first come, first served).
    let held = match machine_names::look(Space::Mailslot, path, true)? {
        Found::Free(fd) => fd,
        _ => return Err(Error::AlreadyExists),
    };
    let id = RingId {
        uid: winipc_sys::proc::geteuid(),
        digest: machine_names::digest(Space::Mailslot, path),
    };
    let ring = OpenRing::create(
        id,
        opts.quota,
        opts.max_message_size,
        opts.security.mode & 0o777,
    )?;
    let ino = ring.cell.borrow_owner().id().ino as u32;
    let made = handles::open_with(
        StoreId::PRIVATE,
        Kind::Mailslot,
        access::GENERIC_READ | access::SYNCHRONIZE,
        opts.security.inherit,
        |g| {
            if let Some(stale) = names::lookup(g, Tag::Mailslot, path)? {
                // A slot of ours whose receivers died unreaped: we hold its name now.
                names::remove(g, stale)?;
            }
            let made = objects::create(g, Kind::Mailslot, Some((Tag::Mailslot, path)), |g, ix| {
                g.set(sw(ix, st::MS_MAX_MSG), opts.max_message_size)?;
                g.set(sw(ix, st::MS_TIMEOUT), opts.read_timeout)?;
                g.set(sw(ix, st::MS_ROLE), 0)?;
                g.set(sw(ix, st::MS_RING_LO), id.digest as u32)?;
                g.set(sw(ix, st::MS_RING_HI), (id.digest >> 32) as u32)?;
                g.set(sw(ix, st::MS_RING_INO), ino)?;
                opts.security.apply(g, ix)
            })?;
            Ok(made)
        },
    );
    let (handle, _) = match made {
        Ok(h) => h,
        Err(e) => {
            let _ = shm::unlink(&ring_path(id));
            return Err(e);
        }
    };
    machine_names::adopt(Space::Mailslot, path, held, handle.obj(), false);
    let ring = Arc::new(ring);
    remember(&mut open_rings().lock().expect("ring registry"), &ring);
    Ok(Mailslot {
        handle,
        ring,
        name: parsed.local_form(),
    })
}

fn open_writer(name: &str, inherit: bool) -> Result<MailslotWriter> {
    let parsed = MailslotName::parse(name)?;
    if parsed.target != MailslotTarget::Local {
        let (handle, remote) = crate::remote::RemoteWriter::open(name, &parsed.target, inherit)?;
        let remote = Arc::new(remote);
        crate::remote::register(handle.obj(), Arc::clone(&remote));
        return Ok(MailslotWriter {
            handle,
            dest: Dest::Remote(remote),
            write_timeout: None,
        });
    }
    let digest = machine_names::digest(Space::Mailslot, parsed.path.as_bytes());
    // The kernel says who holds the name: the ring must be that user's.
    let owner = machine_names::holder(Space::Mailslot, digest)?.ok_or(Error::NotFound)?;
    let id = RingId {
        uid: owner.uid,
        digest,
    };
    let ring = ring_for(id)?;
    if ring.ring().is_closed() {
        return Err(Error::NotFound);
    }
    let (handle, _) = handles::open_with(
        StoreId::PRIVATE,
        Kind::Mailslot,
        access::GENERIC_WRITE | access::SYNCHRONIZE,
        inherit,
        |g| {
            objects::create(g, Kind::Mailslot, None, |g, ix| {
                g.set(sw(ix, st::MS_ROLE), ROLE_CLIENT)?;
                g.set(sw(ix, st::MS_OWNER), id.uid)?;
                g.set(sw(ix, st::MS_RING_LO), id.digest as u32)?;
                g.set(sw(ix, st::MS_RING_HI), (id.digest >> 32) as u32)?;
                g.set(
                    sw(ix, st::MS_RING_INO),
                    ring.cell.borrow_owner().id().ino as u32,
                )
            })
        },
    )?;
    Ok(MailslotWriter {
        handle,
        dest: Dest::Local(ring),
        write_timeout: None,
    })
}

/// Checks that a handle is a mailslot handle opened for receiving (or for sending).
#[inline(always)]
fn check_direction(e: &handles::Entry, receive: bool) -> Result<()> {
    if e.kind != Kind::Mailslot {
        return Err(Error::InvalidHandle);
    }
    let need = if receive {
        access::GENERIC_READ
    } else {
        access::GENERIC_WRITE
    };
    if e.access & need == 0 {
        return Err(Error::AccessDenied);
    }
    Ok(())
}

/// The ring behind a mailslot handle, checking the handle's direction.
fn ring_of(h: RawHandle, receive: bool) -> Result<(Arc<OpenRing>, String)> {
    let e = handles::resolve(h)?;
    check_direction(&e, receive)?;
    let s = Store::get(e.obj.store)?;
    let name = names::read(s, e.obj.ix)
        .map(|(_, b)| format!(r"\\.\mailslot\{}", String::from_utf8_lossy(&b)))
        .unwrap_or_default();
    Ok((ring_for(ring_id(s, e.obj.ix))?, name))
}

fn write(ring: &OpenRing, msg: &[u8], timeout: Option<Duration>) -> Result<()> {
    let id = my_id();
    let r = ring.ring();
    // The fast path: room in the ring (no clock, no syscall, no look at any store: closing a
    // slot closes its ring, which fails the send).
    match r.try_send(id, msg) {
        Ok(()) => return ring.check_pages(),
        Err(SendError::Full) => {}
        Err(e) => return Err(send_error(ring, e)),
    }
    // Full. A receiver that died without closing its ring shows in its name: check, and
    // finish the close.
    receiver_alive_lately(ring)?;
    // Full: let the receiver run for a moment (it may share our CPU) before sleeping.
    for _ in 0..YIELD_SPINS {
        std::thread::yield_now();
        match r.try_send(id, msg) {
            Ok(()) => return ring.check_pages(),
            Err(SendError::Full) => {}
            Err(e) => return Err(send_error(ring, e)),
        }
    }
    let give_up = timeout.map(|t| Instant::now() + t);
    loop {
        let slice = Instant::now() + RECEIVER_CHECK;
        let until = give_up.map_or(slice, |g| g.min(slice));
        match r.send(id, msg, Some(until)) {
            Ok(()) => return ring.check_pages(),
            Err(SendError::Full) => {
                if give_up.is_some_and(|g| Instant::now() >= g) {
                    return Err(Error::MailslotFull);
                }
                // Still full: make sure the receiver is alive.
                receiver_alive(ring)?;
            }
            Err(e) => return Err(send_error(ring, e)),
        }
    }
}

/// Fails with [`Error::ReceiverGone`] (closing the ring for every sender) once no process
/// holds the slot's name any more: its receivers died without closing it.
fn receiver_alive(ring: &OpenRing) -> Result<()> {
    let holder = machine_names::holder(Space::Mailslot, ring.id.digest)?;
    if holder.is_some_and(|p| p.uid == ring.id.uid) {
        ring.alive_at
            .store(winipc_sys::time::monotonic_ns().max(1), Ordering::Relaxed);
        return Ok(());
    }
    ring.ring().close();
    Err(Error::ReceiverGone)
}

/// [`receiver_alive`], unless a writer of this process found the receiver alive less than
/// [`RECEIVER_RECHECK`] ago. Asking the kernel connects to the name's holder (its monitor
/// thread answers), which a stream that keeps filling the ring would otherwise pay at every
/// fill: with 8 writers on one CPU and the reader on the other, 20 % of the throughput
/// (`docs/performance.md`, issue 13). A receiver that died is still noticed at the first full
/// ring after that, or by the blocked writer's own check every [`RECEIVER_CHECK`].
fn receiver_alive_lately(ring: &OpenRing) -> Result<()> {
    let at = ring.alive_at.load(Ordering::Relaxed);
    if at != 0 && winipc_sys::time::monotonic_ns().saturating_sub(at) < RECEIVER_RECHECK_NS {
        return Ok(());
    }
    receiver_alive(ring)
}

#[cold]
fn send_error(ring: &OpenRing, e: SendError) -> Error {
    if let Err(lost) = ring.check_pages() {
        return lost;
    }
    match e {
        SendError::Full => Error::MailslotFull,
        SendError::TooBig { len, max } => Error::MessageTooLarge {
            len,
            max: max as usize,
        },
        SendError::ExceedsCapacity { len, capacity } => Error::MessageTooLarge {
            len,
            max: capacity as usize,
        },
        SendError::Closed => Error::ReceiverGone,
        _ => Error::Corrupt("mailslot ring"),
    }
}

/// `ReadFile` on a receive handle: `timeout` overrides the slot's read timeout if given.
fn read(
    obj: objects::ObjRef,
    ring: &OpenRing,
    buf: &mut [u8],
    timeout: Option<Option<Duration>>,
) -> Result<usize> {
    let s = Store::get(obj.store)?;
    let live = Threads;
    let me = my_id();
    let r = ring.ring();
    // The fast path: a message is there (no clock, no syscall). On an idle ring with nothing
    // queued (two loads) the attempt is left to the blocking receive below, whose first step
    // is the same: the reader lock is taken once, not twice, before sleeping (issue 16: the
    // CPU time a woken receiver spends per message decides whether it preempts the writer
    // that woke it on a shared CPU).
    let idle_and_empty = ring.quiet.load(Ordering::Relaxed) && !r.has_message();
    if !idle_and_empty {
        let first = r.try_recv(me, buf, &live);
        if !matches!(first, Ok(None) | Err(RecvError::Busy)) {
            return recv_result(s, ring, first);
        }
    }
    let timeout = match timeout {
        Some(t) => t,
        // The slot's, from the receiver's private store: senders cannot change it.
        None => match s.load(sw(obj.ix, st::MS_TIMEOUT)) {
            MAILSLOT_WAIT_FOREVER => None,
            ms => Some(Duration::from_millis(u64::from(ms))),
        },
    };
    let got = if timeout.is_some_and(|t| t.is_zero()) {
        // Another reader of a shared receive handle holds the reader lock for nanoseconds; a
        // lock word that stays busy (a hostile peer) must not make a poll spin forever.
        let mut got = Ok(None);
        for _ in 0..BUSY_RETRIES {
            match r.try_recv(me, buf, &live) {
                Err(RecvError::Busy) => std::thread::yield_now(),
                other => {
                    got = other;
                    break;
                }
            }
        }
        got
    } else {
        // A busy ring (the last wait ended soon): give the writers the CPU for a moment before
        // sleeping, so that on a shared CPU they fill the ring in a batch instead of waking us
        // once per message. An idle one (the last wait slept long): sleep at once. Yielding
        // and spinning there gain nothing and cost the wake-up: on a CPU shared with the
        // writer, a reader that just yielded and spun is not run at once when woken (4× a
        // raw futex wake, against 1.4–1.6× without them; decision 0015).
        let quiet = ring.quiet.load(Ordering::Relaxed);
        if !quiet {
            for _ in 0..YIELD_SPINS {
                std::thread::yield_now();
                match r.try_recv(me, buf, &live) {
                    Ok(None) | Err(RecvError::Busy) => {}
                    other => return recv_result(s, ring, other),
                }
            }
        }
        let t0 = winipc_sys::time::monotonic_ns();
        let got = r.recv_spinning(me, buf, timeout.map(|t| Instant::now() + t), &live, !quiet);
        // Idle: it slept long and woke to a lone message. A long sleep that ends with more
        // queued (a writer sharing our CPU filled the ring meanwhile) is a stream.
        let waited = winipc_sys::time::monotonic_ns().saturating_sub(t0);
        let idle = waited >= QUIET_NS && !r.has_message();
        if idle != quiet {
            ring.quiet.store(idle, Ordering::Relaxed);
        }
        got
    };
    recv_result(s, ring, got)
}

fn recv_result(
    s: &Store,
    ring: &OpenRing,
    got: std::result::Result<Option<usize>, RecvError>,
) -> Result<usize> {
    // What was read from pages lost under the mapping is not a message.
    ring.check_pages()?;
    match got {
        Ok(Some(n)) => Ok(n),
        Ok(None) => Err(Error::SemTimeout),
        Err(RecvError::InsufficientBuffer { needed }) => Err(Error::InsufficientBuffer { needed }),
        Err(_) => Err(s.corrupt("mailslot ring")),
    }
}

/// `GetMailslotInfo` on a raw handle.
pub(crate) fn info(h: RawHandle) -> Result<MailslotInfo> {
    let e = handles::resolve(h)?;
    if e.kind != Kind::Mailslot {
        return Err(Error::InvalidHandle);
    }
    let s = Store::get(e.obj.store)?;
    let ring = raw_ring(h, &e)?;
    let i = ring.ring().info();
    ring.check_pages()?;
    // A receive handle's settings come from the receiver's private store (the truth); a send
    // handle sees what the ring says.
    let (max_message_size, read_timeout) = if s.load(sw(e.obj.ix, st::MS_ROLE)) == ROLE_CLIENT {
        (ring.ring().max_message_size(), MAILSLOT_WAIT_FOREVER)
    } else {
        (
            s.load(sw(e.obj.ix, st::MS_MAX_MSG)),
            s.load(sw(e.obj.ix, st::MS_TIMEOUT)),
        )
    };
    Ok(MailslotInfo {
        max_message_size,
        next_size: i.next_size,
        message_count: if i.next_size.is_some() {
            i.messages.max(1)
        } else {
            i.messages
        },
        read_timeout,
    })
}

/// `SetMailslotInfo` on a raw handle (receive handles only).
pub(crate) fn set_read_timeout(h: RawHandle, ms: u32) -> Result<()> {
    handles::with_entry(h, |g, _, _, e| {
        if e.kind != Kind::Mailslot || e.access & access::GENERIC_READ == 0 {
            return Err(Error::InvalidHandle);
        }
        // Kept in the receiver's private store only: no sender can change it.
        g.set(sw(e.obj.ix, st::MS_TIMEOUT), ms)
    })
}

/// `ReadFile` on a raw handle (typed; the C ABI uses [`read_raw_win32`]).
pub(crate) fn read_raw(h: RawHandle, buf: &mut [u8]) -> Result<usize> {
    let key = RawKey::now();
    let hit = RAW_CACHE.with(|c| {
        let c = c.try_borrow().ok()?;
        let w = key.find(&c, h)?;
        Some(check_direction(&w.entry, true).and_then(|()| read(w.entry.obj, &w.ring, buf, None)))
    });
    if let Some(r) = hit {
        return r;
    }
    let (e, ring) = resolve_raw(key, h, true)?;
    read(e.obj, &ring, buf, None)
}

/// `WriteFile` on a raw handle (typed; the C ABI uses [`write_raw_win32`]).
pub(crate) fn write_raw(h: RawHandle, msg: &[u8]) -> Result<()> {
    let key = RawKey::now();
    let hit = RAW_CACHE.with(|c| {
        let c = c.try_borrow().ok()?;
        let w = key.find(&c, h)?;
        Some(check_direction(&w.entry, false).and_then(|()| write(&w.ring, msg, None)))
    });
    match hit {
        Some(r) => r,
        None => write_raw_miss(key, h, msg),
    }
    .map_err(write_error)
}

/// A send's error as `WriteFile` reports it. Closing the slot unlinks its ring file and drops
/// it from the closing process's ring registry, so a sender that must (re)open the ring by id
/// finds no file: that is the receiver being gone, not a missing file.
#[cold]
fn write_error(e: Error) -> Error {
    match e {
        Error::NotFound => Error::ReceiverGone,
        e => e,
    }
}

/// `ReadFile` on a raw handle for the C ABI (its hot path): as [`read_raw`], with a failure
/// as its Win32 code, so that the outcome travels in registers.
#[inline(always)]
pub(crate) fn read_raw_win32(h: RawHandle, buf: &mut [u8]) -> std::result::Result<u32, u32> {
    let key = RawKey::now();
    let mut p = RAW_CACHE.with(|c| read_cached(c, key, h, buf));
    if p == Packed::MISS {
        p = read_raw_miss(key, h, buf);
    }
    p.win32()
}

/// [`read_raw_win32`]'s miss: resolves `h` and caches it.
#[cold]
#[inline(never)]
fn read_raw_miss(key: RawKey, h: RawHandle, buf: &mut [u8]) -> Packed {
    Packed::of(resolve_raw(key, h, true).and_then(|(e, ring)| read(e.obj, &ring, buf, None)))
}

/// `WriteFile` on a raw handle for the C ABI (its hot path), as [`read_raw_win32`].
#[inline(always)]
pub(crate) fn write_raw_win32(h: RawHandle, msg: &[u8]) -> std::result::Result<(), u32> {
    let key = RawKey::now();
    let mut p = RAW_CACHE.with(|c| write_cached(c, key, h, msg));
    if p == Packed::MISS {
        p = write_raw_miss_packed(key, h, msg);
    }
    p.win32().map(|_| ())
}

/// [`write_raw_win32`]'s miss.
#[cold]
#[inline(never)]
fn write_raw_miss_packed(key: RawKey, h: RawHandle, msg: &[u8]) -> Packed {
    Packed::of(write_raw_miss(key, h, msg).map(|()| 0).map_err(write_error))
}

/// A miss of [`write_raw`]/[`write_raw_win32`]: resolves `h` (a local mailslot's send handle,
/// or a remote one's).
#[cold]
#[inline(never)]
fn write_raw_miss(key: RawKey, h: RawHandle, msg: &[u8]) -> Result<()> {
    let send = |e: &handles::Entry, ring: &OpenRing| {
        check_direction(e, false)?;
        write(ring, msg, None)
    };
    let e = handles::resolve(h)?;
    if e.kind == Kind::Event
        && let Some(remote) = crate::remote::lookup(e.obj)
    {
        return remote.send(msg);
    }
    check_direction(&e, false)?;
    let ring = raw_ring(h, &e)?;
    key.remember(h, e, ring.clone());
    send(&e, &ring)
}

impl External for OpenRing {
    fn is_signaled(&self) -> bool {
        self.ring().has_message()
    }
    fn arm(&self) -> (&AtomicU32, u32) {
        self.ring().notify_word()
    }
    fn disarm(&self) {}
    fn id(&self) -> usize {
        (self.id.digest ^ u64::from(self.id.uid)) as usize
    }
}

/// A writer waiting for room in a full local slot without sleeping in the ring (an async
/// send, `crate::asyncio::send`): it announces itself to the ring's reader
/// ([`Ring::announce_space_waiter`]) on creation and withdraws when dropped, and is signaled
/// once a consumption or the slot's close has bumped the ring's space word since.
#[cfg(feature = "tokio")]
#[derive(Debug)]
pub(crate) struct RoomWatch {
    ring: Arc<OpenRing>,
    seen: u32,
    /// Whether the announcement was fenced: if not, a consumption may be missed, and the
    /// waiter must look again in short slices.
    pub(crate) fenced: bool,
    id: usize,
}

#[cfg(feature = "tokio")]
impl RoomWatch {
    /// Announces a writer of `w` waiting for room; `None` for a remote writer (never full).
    pub(crate) fn announce(w: &MailslotWriter) -> Option<RoomWatch> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);
        let Dest::Local(ring) = &w.dest else {
            return None;
        };
        let (seen, fenced) = ring.ring().announce_space_waiter();
        Some(RoomWatch {
            ring: Arc::clone(ring),
            seen,
            fenced,
            // Odd, and distinct from every ring's id (`OpenRing::id` hashes a digest): the
            // bridge keys registrations by id.
            id: NEXT.fetch_add(1, Ordering::Relaxed).wrapping_mul(2) | 1 | 1 << 63,
        })
    }
}

#[cfg(feature = "tokio")]
impl Drop for RoomWatch {
    fn drop(&mut self) {
        self.ring.ring().withdraw_space_waiter();
    }
}

#[cfg(feature = "tokio")]
impl External for RoomWatch {
    fn is_signaled(&self) -> bool {
        let ring = self.ring.ring();
        ring.space_word().load(Ordering::Acquire) != self.seen || ring.is_closed()
    }
    fn arm(&self) -> (&AtomicU32, u32) {
        (self.ring.ring().space_word(), self.seen)
    }
    fn disarm(&self) {}
    fn id(&self) -> usize {
        self.id
    }
}

/// The wait target for a raw handle: mailslots wait on their ring, others on their object.
pub(crate) fn wait_target(h: RawHandle) -> Result<Target> {
    wait_target_of(h, &handles::resolve(h)?)
}

/// [`wait_target`] for handle `h`, whose entry is `e`.
pub(crate) fn wait_target_of(h: RawHandle, e: &handles::Entry) -> Result<Target> {
    if matches!(e.kind, Kind::Section | Kind::Pipe) {
        // A file mapping is not waitable (as on Windows); a pipe's listing is not a handle
        // Win32 code is given.
        return Err(Error::InvalidHandle);
    }
    if e.kind != Kind::Mailslot {
        return Ok(Target::Obj(e.obj));
    }
    Ok(Target::External(raw_ring(h, e)?))
}

/// Test hook behind [`crate::__doc::send_killed_before_wake`].
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) fn send_killed_before_wake(w: &MailslotWriter, msg: &[u8]) -> Result<()> {
    let Dest::Local(ring) = &w.dest else {
        return Err(Error::InvalidParameter("a local mailslot writer"));
    };
    ring.ring()
        .simulate_send_killed_before_wake(my_id(), msg)
        .map_err(|e| send_error(ring, e))
}

/// Test hook behind [`crate::__doc::send_stalled_mid_write`].
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) fn send_stalled_mid_write(
    w: &MailslotWriter,
    msg: &[u8],
    stall: impl FnOnce(),
) -> Result<()> {
    let Dest::Local(ring) = &w.dest else {
        return Err(Error::InvalidParameter("a local mailslot writer"));
    };
    ring.ring()
        .simulate_stalled_send(my_id(), msg, stall)
        .map_err(|e| send_error(ring, e))
}

/// Test hook behind [`crate::__doc::stop_mid_recv`].
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) fn stop_mid_recv(m: &Mailslot, stage: u8) -> Result<bool> {
    m.ring
        .ring()
        .simulate_crashed_recv(my_id(), stage, &Threads)
        .map_err(|_| Error::Corrupt("mailslot ring"))
}

/// Test hook behind [`crate::__doc::forge_ring_read_timeout`].
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) fn forge_ring_read_timeout(m: &Mailslot, ms: u32) {
    m.ring.ring().set_read_timeout(ms);
}
