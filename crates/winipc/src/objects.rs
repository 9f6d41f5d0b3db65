//! Object kinds and their state machines, as the ntsync driver defines them:
//!
//! | kind | signaled when | a satisfied wait… |
//! |---|---|---|
//! | event | its flag is set | resets it (auto-reset) or leaves it (manual) |
//! | mutex | unowned, or owned by the waiter | takes ownership / recurses |
//! | semaphore | count > 0 | decrements the count |
//! | timer | its due time passed | resets it (synchronization) or leaves it (manual) |
//! | process, thread | it exited | nothing |
//! | mailslot | a message is queued (tracked by its ring, outside the store) | nothing |
//!
//! Every state change that can make an object signaled ends in [`wake_waiters`], which walks
//! the object's waiters in FIFO order and satisfies each one it can, atomically with the
//! change.

use crate::error::{Error, Result};
use crate::store::layout::*;
use crate::store::lock::Guard;
use crate::store::names::{self, Tag};
use crate::store::{Store, StoreId, registry};

/// The kinds of objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// Manual- or auto-reset event.
    Event = 1,
    /// Mutex with an owner thread and a recursion count.
    Mutex = 2,
    /// Counting semaphore with a maximum.
    Semaphore = 3,
    /// Waitable timer.
    Timer = 4,
    /// A process (signaled when it exits).
    Process = 5,
    /// A thread started through winipc (signaled when it exits).
    Thread = 6,
    /// A mailslot (signaled while a message is queued).
    Mailslot = 7,
    /// A file mapping (`CreateFileMapping`): named shared memory; not waitable.
    Section = 8,
    /// A named pipe's listing: what the inspector shows of a pipe served by this user's
    /// processes (one reference per server instance). Not a handle Win32 code sees, and not
    /// waitable; the pipe itself is sockets (`crate::pipe`).
    Pipe = 9,
}

impl Kind {
    pub(crate) fn from_u8(v: u8) -> Option<Kind> {
        Some(match v {
            1 => Kind::Event,
            2 => Kind::Mutex,
            3 => Kind::Semaphore,
            4 => Kind::Timer,
            5 => Kind::Process,
            6 => Kind::Thread,
            7 => Kind::Mailslot,
            8 => Kind::Section,
            9 => Kind::Pipe,
            _ => return None,
        })
    }

    /// Lower-case name, as `winipc ls` shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Event => "event",
            Kind::Mutex => "mutex",
            Kind::Semaphore => "semaphore",
            Kind::Timer => "timer",
            Kind::Process => "process",
            Kind::Thread => "thread",
            Kind::Mailslot => "mailslot",
            Kind::Section => "section",
            Kind::Pipe => "pipe",
        }
    }
}

/// State-word indices, per kind (offsets from [`ob::S0`]).
pub(crate) mod st {
    pub const EV_MANUAL: u32 = 0;
    pub const EV_SIGNALED: u32 = 1;

    pub const MX_OWNER: u32 = 0; // thread slot + 1
    pub const MX_COUNT: u32 = 1;
    pub const MX_ABANDONED: u32 = 2;
    pub const MX_OWNER_TID: u32 = 3;
    pub const MX_OWNER_PID: u32 = 4;

    pub const SEM_COUNT: u32 = 0;
    pub const SEM_MAX: u32 = 1;

    pub const TM_MANUAL: u32 = 0;
    pub const TM_SIGNALED: u32 = 1;
    pub const TM_DUE_LO: u32 = 2;
    pub const TM_DUE_HI: u32 = 3;
    pub const TM_PERIOD_MS: u32 = 4;

    pub const PR_PID: u32 = 0;
    pub const PR_START_LO: u32 = 1;
    pub const PR_START_HI: u32 = 2;
    pub const PR_EXITED: u32 = 3;
    pub const PR_CODE: u32 = 4;
    pub const PR_PRESET: u32 = 5;
    pub const PR_PRESET_CODE: u32 = 6;
    pub const PR_MAIN_THREAD: u32 = 7; // thread object index + 1

    pub const TH_TID: u32 = 0;
    pub const TH_PID: u32 = 1;
    pub const TH_EXITED: u32 = 2;
    pub const TH_CODE: u32 = 3;
    pub const TH_PROC: u32 = 4; // process slot + 1

    // Mailslots. A receiver's slot lives in the receiver's private store, where no sender
    // can change its settings; a sender's handle is a client object in the sender's own store.
    pub const MS_MAX_MSG: u32 = 0;
    pub const MS_TIMEOUT: u32 = 1;
    /// Client objects: the uid that owns the ring (the receiver's user).
    pub const MS_OWNER: u32 = 1;
    pub const MS_RECEIVERS: u32 = 2;
    /// 0 for a receiver's slot, 1 for a sender's client object.
    pub const MS_ROLE: u32 = 3;
    pub const MS_CLOSED: u32 = 4;
    /// The digest of the slot's name (names the ring file and the machine-wide name).
    pub const MS_RING_LO: u32 = 5;
    pub const MS_RING_HI: u32 = 6;
    /// Low 32 bits of the ring file's inode: which file is this slot's.
    pub const MS_RING_INO: u32 = 7;

    // File mappings: the size, the page protection it was created with, and the random id
    // that names its backing file (`section` module).
    pub const SEC_SIZE_LO: u32 = 0;
    pub const SEC_SIZE_HI: u32 = 1;
    pub const SEC_PROTECT: u32 = 2;
    pub const SEC_ID_LO: u32 = 3;
    pub const SEC_ID_HI: u32 = 4;
    /// 0: backed by a file of winipc's (pagefile-backed); 1: by the user's file.
    pub const SEC_FILE: u32 = 5;

    // Named pipes' listings (`pipe::listing`): the settings the first instance fixed.
    /// Bit 0: message pipe; bits 1–2: `PIPE_ACCESS_*` (1 inbound, 2 outbound, 3 duplex).
    pub const PP_FLAGS: u32 = 0;
    pub const PP_MAX: u32 = 1;
    pub const PP_OUT_BUF: u32 = 2;
    pub const PP_IN_BUF: u32 = 3;
    pub const PP_TIMEOUT_MS: u32 = 4;
}

/// A reference to an object: its store, slot and generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ObjRef {
    pub store: StoreId,
    pub ix: u32,
    pub generation: u32,
}

/// Word index of state word `k` of object `ix`.
#[inline]
pub(crate) fn sw(ix: u32, k: u32) -> u32 {
    Store::ob(ix, ob::S0 + k)
}

/// (kind, generation) of object `ix`, `None` kind for a free or corrupt slot.
pub(crate) fn kind_gen(s: &Store, ix: u32) -> (Option<Kind>, u32) {
    let v = s.load(Store::ob(ix, ob::KIND_GEN));
    (Kind::from_u8(v as u8), v >> 8)
}

/// What an object kind needs to hear about the handles to its objects and their end: the one
/// dispatch through which the handle table and the object lifecycle reach kind-specific code
/// (the implementations live with their kinds, above; `crate::wiring::kind_hooks` picks one).
/// Every method but [`KindHooks::raw_handle_closed`] runs in the transaction that makes the
/// change.
pub(crate) trait KindHooks: Sync {
    /// A handle with `access` to object `ix` was added to some process's table.
    fn handle_added(&self, _g: &mut Guard<'_>, _ix: u32, _access: u32) -> Result<()> {
        Ok(())
    }
    /// A handle with `access` to object `ix` was removed from some process's table.
    fn handle_released(&self, _g: &mut Guard<'_>, _ix: u32, _access: u32) -> Result<()> {
        Ok(())
    }
    /// Object `ix` is being freed (its last reference went).
    fn destroyed(&self, _g: &mut Guard<'_>, _ix: u32) -> Result<()> {
        Ok(())
    }
    /// This process closed handle value `v` (after the commit): forget anything cached for it.
    fn raw_handle_closed(&self, _v: crate::handles::RawHandle) {}
}

/// The hooks of kinds that have none.
pub(crate) struct NoHooks;

impl KindHooks for NoHooks {}

/// The lifecycle hooks of object `ix`'s kind.
#[inline]
pub(crate) fn hooks(s: &Store, ix: u32) -> &'static dyn KindHooks {
    crate::wiring::kind_hooks(kind_gen(s, ix).0)
}

/// Checks that `r` still names a live object of `kind` (any kind if `None`).
pub(crate) fn check(g: &Guard<'_>, r: ObjRef, kind: Option<Kind>) -> Result<Kind> {
    if r.ix >= MAX_OBJECTS {
        return Err(Error::InvalidHandle);
    }
    match kind_gen(g.s, r.ix) {
        (Some(k), generation)
            if generation == r.generation && kind.is_none_or(|want| want == k) =>
        {
            Ok(k)
        }
        _ => Err(Error::InvalidHandle),
    }
}

fn alloc(g: &mut Guard<'_>, kind: Kind) -> Result<u32> {
    let s = g.s;
    let ix = match s.obj_link(g.get(hdr::FREE_OBJ))? {
        Some(ix) => {
            let next = g.get(Store::ob(ix, ob::NEXT));
            g.set(hdr::FREE_OBJ, next)?;
            ix
        }
        None => {
            let high = g.get(hdr::OBJ_HIGH);
            if high >= MAX_OBJECTS {
                return Err(Error::NoResources("object slots"));
            }
            g.set(hdr::OBJ_HIGH, high + 1)?;
            high
        }
    };
    if kind_gen(s, ix).0.is_some() {
        return Err(s.corrupt("free object slot in use"));
    }
    let generation = (g.get(Store::ob(ix, ob::KIND_GEN)) >> 8).wrapping_add(1) & 0x00ff_ffff;
    g.set(Store::ob(ix, ob::KIND_GEN), generation << 8 | kind as u32)?;
    for f in [
        ob::REFS,
        ob::NEXT,
        ob::WHEAD,
        ob::WTAIL,
        ob::LINK,
        ob::FLAGS,
    ] {
        g.set(Store::ob(ix, f), 0)?;
    }
    for k in 0..STATE_WORDS {
        g.set(sw(ix, k), 0)?;
    }
    g.set(Store::ob(ix, ob::UID), winipc_sys::proc::geteuid())?;
    g.add(hdr::OBJ_LIVE, 1)?;
    Ok(ix)
}

/// Frees object `ix` (no references remain).
fn free(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    names::remove(g, ix)?;
    hooks(g.s, ix).destroyed(g, ix)?;
    match kind_gen(g.s, ix).0 {
        Some(Kind::Mutex) => {
            // Destroyed while owned: take it off its owner's list.
            if let Some(owner) = g.s.thread_link(g.get(sw(ix, st::MX_OWNER)))? {
                unlink_owned(g, owner, ix)?;
                g.set(sw(ix, st::MX_OWNER), 0)?;
            }
        }
        Some(Kind::Process) => {
            if let Some(t) = g.s.obj_link(g.get(sw(ix, st::PR_MAIN_THREAD)))? {
                g.set(sw(ix, st::PR_MAIN_THREAD), 0)?;
                release_ref(g, t)?;
            }
        }
        _ => {}
    }
    let kg = g.get(Store::ob(ix, ob::KIND_GEN));
    g.set(Store::ob(ix, ob::KIND_GEN), kg & !0xff)?;
    let head = g.get(hdr::FREE_OBJ);
    g.set(Store::ob(ix, ob::NEXT), head)?;
    g.set(hdr::FREE_OBJ, ix + 1)?;
    g.add(hdr::OBJ_LIVE, -1)?;
    Ok(())
}

/// Adds a reference (a handle or a wait entry).
pub(crate) fn add_ref(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    g.add(Store::ob(ix, ob::REFS), 1).map(drop)
}

/// Drops a reference; the object is destroyed, and its name freed, at zero.
pub(crate) fn release_ref(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    let refs = g.get(Store::ob(ix, ob::REFS));
    if refs == 0 {
        return Err(g.s.corrupt("reference count underflow"));
    }
    g.set(Store::ob(ix, ob::REFS), refs - 1)?;
    if refs == 1 { free(g, ix) } else { Ok(()) }
}

/// What [`create`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Made {
    /// A new object.
    New(u32),
    /// The name already named an object of the same kind (ERROR_ALREADY_EXISTS semantics).
    Existing(u32),
}

/// Looks up a name, first reaping dead processes if it is found (so that a name held only by
/// the dead is gone).
///
/// Reaping is bounded per transaction. If it could not finish and the transaction has written
/// nothing else yet, this fails with [`Guard::reap_retry`] set: the caller (`open_with`)
/// commits the reaping done so far, finishes it in transactions of its own and runs the
/// operation again, so the answer never depends on handles the dead still hold.
pub(crate) fn lookup_live(g: &mut Guard<'_>, tag: Tag, name: &[u8]) -> Result<Option<u32>> {
    if names::lookup(g, tag, name)?.is_none() {
        return Ok(None);
    }
    let fresh = g.log_len() == 0;
    if registry::reap_dead(g)? == registry::Reaped::Partly && fresh {
        g.reap_retry = true;
        return Err(Error::NoResources("dead processes still being reaped"));
    }
    names::lookup(g, tag, name)
}

/// Creates an object of `kind` (named if `name` is given), or opens the existing object of
/// that name. `init` sets up a new object's state words.
pub(crate) fn create(
    g: &mut Guard<'_>,
    kind: Kind,
    name: Option<(Tag, &[u8])>,
    init: impl FnOnce(&mut Guard<'_>, u32) -> Result<()>,
) -> Result<Made> {
    if let Some((tag, bytes)) = name {
        if let Some(ix) = lookup_live(g, tag, bytes)? {
            return match kind_gen(g.s, ix).0 {
                Some(k) if k == kind => Ok(Made::Existing(ix)),
                Some(_) => Err(Error::WrongKind),
                None => Err(g.s.corrupt("named slot is free")),
            };
        }
    }
    let ix = alloc(g, kind)?;
    init(g, ix)?;
    if let Some((tag, bytes)) = name {
        names::insert(g, ix, tag, bytes)?;
    }
    Ok(Made::New(ix))
}

/// Opens the object named `name` if it is of `kind`.
pub(crate) fn open(g: &mut Guard<'_>, kind: Kind, tag: Tag, name: &[u8]) -> Result<u32> {
    let ix = lookup_live(g, tag, name)?.ok_or(Error::NotFound)?;
    match kind_gen(g.s, ix).0 {
        Some(k) if k == kind => Ok(ix),
        Some(_) => Err(Error::WrongKind),
        None => Err(g.s.corrupt("named slot is free")),
    }
}

// ---- signaled / acquire ---------------------------------------------------------------

/// Brings a timer up to date: marks it signaled if its due time passed, and re-arms a
/// periodic one.
pub(crate) fn tick_timer(g: &mut Guard<'_>, ix: u32, now: u64) -> Result<()> {
    let due = timer_due(g.s, ix);
    if due == u64::MAX || now < due {
        return Ok(());
    }
    g.set(sw(ix, st::TM_SIGNALED), 1)?;
    let period = u64::from(g.get(sw(ix, st::TM_PERIOD_MS))) * 1_000_000;
    let next = if period == 0 {
        u64::MAX
    } else {
        due + period * ((now - due) / period + 1)
    };
    g.set(sw(ix, st::TM_DUE_LO), next as u32)?;
    g.set(sw(ix, st::TM_DUE_HI), (next >> 32) as u32)
}

/// A timer's next due time (monotonic ns), `u64::MAX` when disarmed.
pub(crate) fn timer_due(s: &Store, ix: u32) -> u64 {
    u64::from(s.load(sw(ix, st::TM_DUE_LO))) | u64::from(s.load(sw(ix, st::TM_DUE_HI))) << 32
}

/// Object flag (in `ob::FLAGS`, beside `names::NAMED`): some process observes the object for
/// a readiness descriptor, so its state changes bump the store's `hdr::OBSERVE_SEQ`. Set once,
/// kept for the object's life (cleared when the slot is reused).
pub(crate) const OBSERVED: u32 = 0x2;
const _: () = assert!(OBSERVED & names::NAMED == 0);

/// Records that `ix`'s state may have changed. If a process observes it (see
/// [`OBSERVED`]), the store's readiness sequence is bumped and its sleepers woken after the
/// commit (and the CPU handed to one that slept on this CPU); otherwise this costs one load.
pub(crate) fn note_change(g: &mut Guard<'_>, ix: u32) {
    if g.get(Store::ob(ix, ob::FLAGS)) & OBSERVED == 0 {
        return;
    }
    let id = g.s.id;
    g.after_commit(Box::new(move || {
        if let Some(s) = Store::opened(id) {
            use std::sync::atomic::Ordering;
            let w = s.w(hdr::OBSERVE_SEQ);
            let (seq, sleepers) = crate::store::observe::bump(w);
            s.w(hdr::OBSERVE_RING + seq % OBSERVE_RING_LEN)
                .store((seq & 0xffff) << 16 | ix, Ordering::Release);
            // No `FUTEX_WAKE` when nobody announced a sleep (an async waiter's own acquisition,
            // a change while every observer is awake): `store::observe`.
            if sleepers && winipc_sys::futex::wake(w, u32::MAX) > 0 {
                // Hand the CPU to an observer woken from its sleep on this CPU (decision
                // 0019, as a mailslot writer does for its reader, 0017): the scheduler often
                // lets the signaler run on until it blocks, and the observer waits for that.
                winipc_sys::futex::hand_off(s.w(hdr::OBSERVE_SLEEPER).load(Ordering::Relaxed));
            }
        }
    }));
}

/// Whether `ix` is signaled for a thread that owns nothing, read without the lock (for
/// readiness descriptors: a hint the caller confirms with a real wait). Timers count as
/// signaled once their due time passed.
pub(crate) fn peek_signaled(s: &Store, ix: u32) -> bool {
    let w = |k| s.load(sw(ix, k));
    match kind_gen(s, ix).0 {
        Some(Kind::Event) => w(st::EV_SIGNALED) != 0,
        Some(Kind::Semaphore) => w(st::SEM_COUNT) != 0,
        // Unowned, or owned by a dead thread (the next wait reaps it and gets it abandoned).
        Some(Kind::Mutex) => {
            let owner = w(st::MX_OWNER);
            owner == 0 || (owner <= MAX_THREADS && s.live_tid(owner - 1).is_none())
        }
        Some(Kind::Timer) => {
            let due = timer_due(s, ix);
            w(st::TM_SIGNALED) != 0 || (due != u64::MAX && winipc_sys::time::monotonic_ns() >= due)
        }
        Some(Kind::Process) => w(st::PR_EXITED) != 0,
        Some(Kind::Thread) => w(st::TH_EXITED) != 0,
        Some(Kind::Mailslot | Kind::Section | Kind::Pipe) | None => false,
    }
}

/// Whether `ix` is signaled for thread slot `t` (`None`: for a thread that owns nothing).
pub(crate) fn is_signaled(g: &mut Guard<'_>, ix: u32, t: Option<u32>) -> Result<bool> {
    let Some(kind) = kind_gen(g.s, ix).0 else {
        return Ok(false);
    };
    Ok(match kind {
        Kind::Event => g.get(sw(ix, st::EV_SIGNALED)) != 0,
        Kind::Semaphore => g.get(sw(ix, st::SEM_COUNT)) != 0,
        Kind::Mutex => {
            let owner = g.get(sw(ix, st::MX_OWNER));
            owner == 0
                || (t.is_some_and(|t| owner == t + 1) && g.get(sw(ix, st::MX_COUNT)) < u32::MAX)
        }
        Kind::Timer => {
            tick_timer(g, ix, winipc_sys::time::monotonic_ns())?;
            g.get(sw(ix, st::TM_SIGNALED)) != 0
        }
        Kind::Process => g.get(sw(ix, st::PR_EXITED)) != 0,
        Kind::Thread => g.get(sw(ix, st::TH_EXITED)) != 0,
        Kind::Mailslot => false, // tracked by the ring; see `wait`
        Kind::Section | Kind::Pipe => false, // not waitable: refused before any wait
    })
}

/// Takes `ix` for thread slot `t` (the caller checked [`is_signaled`]). Returns whether a
/// mutex was abandoned.
pub(crate) fn acquire(g: &mut Guard<'_>, ix: u32, t: u32) -> Result<bool> {
    let Some(kind) = kind_gen(g.s, ix).0 else {
        return Ok(false);
    };
    note_change(g, ix);
    match kind {
        Kind::Event => {
            if g.get(sw(ix, st::EV_MANUAL)) == 0 {
                g.set(sw(ix, st::EV_SIGNALED), 0)?;
            }
        }
        Kind::Semaphore => {
            g.add(sw(ix, st::SEM_COUNT), -1)?;
        }
        Kind::Mutex => {
            if g.get(sw(ix, st::MX_OWNER)) == 0 {
                g.set(sw(ix, st::MX_OWNER), t + 1)?;
                g.set(sw(ix, st::MX_COUNT), 1)?;
                g.set(sw(ix, st::MX_OWNER_TID), g.get(Store::th(t, th::TID)))?;
                g.set(sw(ix, st::MX_OWNER_PID), g.get(Store::th(t, th::PID)))?;
                let head = g.get(Store::th(t, th::OWNED));
                g.set(Store::ob(ix, ob::LINK), head)?;
                g.set(Store::th(t, th::OWNED), ix + 1)?;
            } else {
                g.add(sw(ix, st::MX_COUNT), 1)?;
            }
            if g.get(sw(ix, st::MX_ABANDONED)) != 0 {
                g.set(sw(ix, st::MX_ABANDONED), 0)?;
                return Ok(true);
            }
        }
        Kind::Timer => {
            if g.get(sw(ix, st::TM_MANUAL)) == 0 {
                g.set(sw(ix, st::TM_SIGNALED), 0)?;
            }
        }
        Kind::Process | Kind::Thread | Kind::Mailslot | Kind::Section | Kind::Pipe => {}
    }
    Ok(false)
}

/// Walks `ix`'s waiters in FIFO order and satisfies every one that the object's new state
/// allows. Called after each change that can make `ix` signaled.
pub(crate) fn wake_waiters(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    note_change(g, ix);
    let s = g.s;
    let (_, generation) = kind_gen(s, ix);
    let mut cur = s.entry_link(g.get(Store::ob(ix, ob::WHEAD)))?;
    let mut steps = 0u32;
    while let Some(e) = cur {
        steps += 1;
        if steps > MAX_WAIT_ENTRIES {
            return Err(s.corrupt("cycle in a waiter list"));
        }
        // An object that can satisfy nobody (unowned-signaled test) ends the walk early,
        // except mutexes, which may still be re-entered by their owner.
        let kind = kind_gen(s, ix).0;
        if kind != Some(Kind::Mutex) && !is_signaled(g, ix, None)? {
            return Ok(());
        }
        let next = g.get(Store::en(e, en::NEXT));
        let Some(t) = s.thread_link(g.get(Store::en(e, en::THREAD)))? else {
            return Err(s.corrupt("free wait entry in a waiter list"));
        };
        let satisfied = if g.get(Store::th(t, th::WAIT_STATE)) != WAIT_WAITING
            || g.get(Store::th(t, th::WAIT_FLAGS)) & WF_DONE != 0
        {
            false
        } else {
            let flags = g.get(Store::th(t, th::WAIT_FLAGS));
            if flags & WF_MULTI != 0 {
                if is_signaled(g, ix, Some(t))? {
                    g.wake_later(t, WAIT_RETRY);
                }
                false
            } else if flags & WF_ALL != 0 {
                crate::wait::try_satisfy_all(g, t)?
            } else if is_signaled(g, ix, Some(t))? {
                let abandoned = acquire(g, ix, t)?;
                let index = g.get(Store::en(e, en::INDEX));
                crate::wait::finish(g, t, index, abandoned)?;
                true
            } else {
                false
            }
        };
        if satisfied {
            // The satisfied wait's entries were unlinked (perhaps `next` among them, or the
            // object itself destroyed): start again from the head.
            if kind_gen(s, ix) != (kind, generation) {
                return Ok(());
            }
            cur = s.entry_link(g.get(Store::ob(ix, ob::WHEAD)))?;
        } else {
            cur = s.entry_link(next)?;
        }
    }
    Ok(())
}

// ---- mutex ownership --------------------------------------------------------------------

/// Removes mutex `ix` from thread `t`'s owned list.
fn unlink_owned(g: &mut Guard<'_>, t: u32, ix: u32) -> Result<()> {
    let s = g.s;
    let mut prev: Option<u32> = None;
    let mut cur = s.obj_link(g.get(Store::th(t, th::OWNED)))?;
    for _ in 0..MAX_OBJECTS {
        let Some(c) = cur else {
            return Err(s.corrupt("owned mutex missing from owner list"));
        };
        let next = g.get(Store::ob(c, ob::LINK));
        if c == ix {
            match prev {
                None => g.set(Store::th(t, th::OWNED), next)?,
                Some(p) => g.set(Store::ob(p, ob::LINK), next)?,
            }
            return g.set(Store::ob(ix, ob::LINK), 0);
        }
        prev = Some(c);
        cur = s.obj_link(next)?;
    }
    Err(s.corrupt("cycle in an owned-mutex list"))
}

/// Releases mutex `ix` once on behalf of thread `t`; returns the recursion count before.
pub(crate) fn mutex_release(g: &mut Guard<'_>, ix: u32, t: u32) -> Result<u32> {
    if g.get(sw(ix, st::MX_OWNER)) != t + 1 {
        return Err(Error::NotOwner);
    }
    let count = g.get(sw(ix, st::MX_COUNT));
    if count <= 1 {
        unlink_owned(g, t, ix)?;
        g.set(sw(ix, st::MX_OWNER), 0)?;
        g.set(sw(ix, st::MX_COUNT), 0)?;
        g.set(sw(ix, st::MX_OWNER_TID), 0)?;
        g.set(sw(ix, st::MX_OWNER_PID), 0)?;
        wake_waiters(g, ix)?;
    } else {
        g.set(sw(ix, st::MX_COUNT), count - 1)?;
    }
    Ok(count)
}

/// Abandons every mutex owned by (dead) thread `t` and wakes their waiters.
pub(crate) fn abandon_owned(g: &mut Guard<'_>, t: u32) -> Result<()> {
    let s = g.s;
    for _ in 0..MAX_OBJECTS {
        let Some(ix) = s.obj_link(g.get(Store::th(t, th::OWNED)))? else {
            return Ok(());
        };
        let next = g.get(Store::ob(ix, ob::LINK));
        g.set(Store::th(t, th::OWNED), next)?;
        g.set(Store::ob(ix, ob::LINK), 0)?;
        if kind_gen(s, ix).0 != Some(Kind::Mutex) {
            return Err(s.corrupt("non-mutex in an owned-mutex list"));
        }
        g.set(sw(ix, st::MX_OWNER), 0)?;
        g.set(sw(ix, st::MX_COUNT), 0)?;
        g.set(sw(ix, st::MX_OWNER_TID), 0)?;
        g.set(sw(ix, st::MX_OWNER_PID), 0)?;
        g.set(sw(ix, st::MX_ABANDONED), 1)?;
        tracing::debug!(mutex = ix, "mutex abandoned by a dead thread");
        wake_waiters(g, ix)?;
    }
    Err(s.corrupt("cycle in an owned-mutex list"))
}

// ---- threads ---------------------------------------------------------------------------

/// Marks thread object `ix` exited with `code` and wakes its waiters.
pub(crate) fn thread_exited(g: &mut Guard<'_>, ix: u32, code: u32) -> Result<()> {
    if g.get(sw(ix, st::TH_EXITED)) != 0 {
        return Ok(());
    }
    g.set(sw(ix, st::TH_CODE), code)?;
    g.set(sw(ix, st::TH_EXITED), 1)?;
    wake_waiters(g, ix)
}

/// Marks every still-running thread object of (dead) process slot `p` exited.
pub(crate) fn finish_thread_objects(g: &mut Guard<'_>, p: u32, code: u32) -> Result<()> {
    let s = g.s;
    for _ in 0..MAX_OBJECTS {
        let Some(ix) = s.obj_link(g.get(Store::pr(p, pr::THREAD_OBJS)))? else {
            return Ok(());
        };
        let next = g.get(Store::ob(ix, ob::LINK));
        g.set(Store::pr(p, pr::THREAD_OBJS), next)?;
        g.set(Store::ob(ix, ob::LINK), 0)?;
        g.set(sw(ix, st::TH_PROC), 0)?;
        thread_exited(g, ix, code)?;
    }
    Err(s.corrupt("cycle in a thread-object list"))
}

/// Removes thread object `ix` from its process's list (the thread finished normally).
pub(crate) fn unlink_thread_object(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    let s = g.s;
    let Some(p) = s.proc_link(g.get(sw(ix, st::TH_PROC)))? else {
        return Ok(());
    };
    let mut prev: Option<u32> = None;
    let mut cur = s.obj_link(g.get(Store::pr(p, pr::THREAD_OBJS)))?;
    for _ in 0..MAX_OBJECTS {
        let Some(c) = cur else { return Ok(()) };
        let next = g.get(Store::ob(c, ob::LINK));
        if c == ix {
            match prev {
                None => g.set(Store::pr(p, pr::THREAD_OBJS), next)?,
                Some(pv) => g.set(Store::ob(pv, ob::LINK), next)?,
            }
            g.set(Store::ob(ix, ob::LINK), 0)?;
            return g.set(sw(ix, st::TH_PROC), 0);
        }
        prev = Some(c);
        cur = s.obj_link(next)?;
    }
    Err(s.corrupt("cycle in a thread-object list"))
}

/// A thread blocked on an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Waiter {
    pub pid: u32,
    pub tid: u32,
    pub all: bool,
}

/// The threads waiting on `ix`, in FIFO order. Lock-free and read-only (an inspector may see a
/// list that is changing; it never follows a link out of range or loops).
pub(crate) fn waiters(s: &Store, ix: u32) -> Vec<Waiter> {
    let mut out = Vec::new();
    if ix >= MAX_OBJECTS {
        return out;
    }
    let mut cur = s
        .entry_link(s.load(Store::ob(ix, ob::WHEAD)))
        .ok()
        .flatten();
    while let Some(e) = cur {
        if out.len() >= MAX_WAIT_ENTRIES as usize {
            break;
        }
        if let Ok(Some(t)) = s.thread_link(s.load(Store::en(e, en::THREAD))) {
            out.push(Waiter {
                pid: s.load(Store::th(t, th::PID)),
                tid: s.load(Store::th(t, th::TID)),
                all: s.load(Store::th(t, th::WAIT_FLAGS)) & WF_ALL != 0,
            });
        }
        cur = s.entry_link(s.load(Store::en(e, en::NEXT))).ok().flatten();
    }
    out
}
