//! Handles and the per-process handle tables.
//!
//! Each process has a handle table in each store it uses, inside the store itself, so that
//! another process can duplicate a handle *into* it, a child can inherit entries at the same
//! values, a dead process's handles can be closed by whoever reaps it, and `winipc handles PID`
//! can show any table. A handle value encodes (store, table index):
//! `4 × (store × HANDLES_PER_PROC + index + 1)` — small, stable, never 0 and never −1.

use std::fmt;

use crate::error::{Error, Result};
use crate::objects::{self, Kind, ObjRef};
use crate::store::layout::*;
use crate::store::lock::Guard;
use crate::store::{MAX_STORES, Namespace, Store, StoreId};

/// Access rights recorded in a handle (a subset of Win32's).
pub mod access {
    /// Waiting on the object (`SYNCHRONIZE`).
    pub const SYNCHRONIZE: u32 = 0x0010_0000;
    /// Changing the object's state (`EVENT_MODIFY_STATE`, `MUTEX_MODIFY_STATE`, ...).
    pub const MODIFY_STATE: u32 = 0x0002;
    /// Reading from a mailslot (`GENERIC_READ`).
    pub const GENERIC_READ: u32 = 0x8000_0000;
    /// Writing to a mailslot (`GENERIC_WRITE`).
    pub const GENERIC_WRITE: u32 = 0x4000_0000;
    /// Full access to an event, mutex, semaphore, timer, process or thread.
    pub const ALL: u32 = 0x001F_0003;
    /// `PROCESS_TERMINATE`.
    pub const PROCESS_TERMINATE: u32 = 0x0001;
    /// `PROCESS_DUP_HANDLE`: duplicating handles into (or out of) the process.
    pub const PROCESS_DUP_HANDLE: u32 = 0x0040;
    /// `PROCESS_QUERY_LIMITED_INFORMATION`: the exit code, the pid.
    pub const PROCESS_QUERY_LIMITED_INFORMATION: u32 = 0x1000;
    /// `PROCESS_ALL_ACCESS`.
    pub const PROCESS_ALL: u32 = 0x001F_FFFF;
    /// What a process of another user may be opened for (without root): waiting on it and
    /// reading its exit code — never duplicating handles into it, terminating or writing it.
    pub const PROCESS_OTHER_USER: u32 = SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION;
    /// `SECTION_MAP_WRITE` (`FILE_MAP_WRITE`): mapping a file mapping's views for writing.
    pub const SECTION_MAP_WRITE: u32 = 0x0002;
    /// `SECTION_MAP_READ` (`FILE_MAP_READ`): mapping views for reading.
    pub const SECTION_MAP_READ: u32 = 0x0004;
    /// `SECTION_ALL_ACCESS`, with `SYNCHRONIZE` as winipc's full rights always carry it.
    pub const SECTION_ALL: u32 = 0x001F_001F;

    /// The rights of a handle that created or opened an object of `kind` in full.
    pub(crate) fn full(kind: crate::objects::Kind) -> u32 {
        match kind {
            crate::objects::Kind::Section => SECTION_ALL,
            _ => ALL,
        }
    }
}

/// A raw handle value, as Win32 code sees it.
pub type RawHandle = u32;

/// Encodes (store number, table index) as a handle value.
pub(crate) fn value(store: StoreId, index: u32) -> RawHandle {
    4 * (u32::from(store.0) * HANDLES_PER_PROC + index + 1)
}

/// Decodes a handle value; `None` for values that no handle can have.
pub(crate) fn decode(v: RawHandle) -> Option<(StoreId, u32)> {
    if v == 0 || v % 4 != 0 {
        return None;
    }
    let n = v / 4 - 1;
    let store = n / HANDLES_PER_PROC;
    if store as usize >= MAX_STORES {
        return None;
    }
    Some((StoreId(store as u8), n % HANDLES_PER_PROC))
}

/// One entry of a handle table, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub obj: ObjRef,
    pub kind: Kind,
    pub access: u32,
    pub flags: u32,
}

/// Resolves handle `v` of the calling process (lock-free read of its table entry).
pub(crate) fn resolve(v: RawHandle) -> Result<Entry> {
    let (store, index) = decode(v).ok_or(Error::InvalidHandle)?;
    let s = Store::get(store)?;
    s.me()?; // registers this process (claiming inherited handles) on first use
    let p = s.my_proc().ok_or(Error::InvalidHandle)?;
    let entry = read_entry(s, p, index);
    s.check_pages()?;
    entry.ok_or(Error::InvalidHandle)
}

/// [`resolve`] for an operation that reads an object of `kind` without the lock, needing the
/// rights in `need`: [`Error::InvalidHandle`] for another kind, [`Error::AccessDenied`] for
/// missing rights (the lock-free twin of [`with_kind`]).
pub(crate) fn resolve_kind(v: RawHandle, kind: Kind, need: u32) -> Result<Entry> {
    let e = resolve(v)?;
    if e.kind != kind {
        return Err(Error::InvalidHandle);
    }
    if e.access & need != need {
        return Err(Error::AccessDenied);
    }
    Ok(e)
}

/// Reads entry `index` of process slot `p`'s table in `s`, if it holds a live object.
pub(crate) fn read_entry(s: &Store, p: u32, index: u32) -> Option<Entry> {
    if p >= MAX_PROCS || index >= HANDLES_PER_PROC {
        return None;
    }
    let ix = s.load(Store::hd(p, index, hd::OBJ)).checked_sub(1)?;
    if ix >= MAX_OBJECTS {
        return None;
    }
    let generation = s.load(Store::hd(p, index, hd::GEN));
    let (kind, live_gen) = objects::kind_gen(s, ix);
    let kind = kind.filter(|_| live_gen == generation)?;
    Some(Entry {
        obj: ObjRef {
            store: s.id,
            ix,
            generation,
        },
        kind,
        access: s.load(Store::hd(p, index, hd::ACCESS)),
        flags: s.load(Store::hd(p, index, hd::FLAGS)),
    })
}

/// Adds a handle to `ix` in process slot `p`'s table; returns the table index.
pub(crate) fn insert(g: &mut Guard<'_>, p: u32, ix: u32, access: u32, flags: u32) -> Result<u32> {
    let hint = g.get(Store::pr(p, pr::HANDLE_HINT)).min(HANDLES_PER_PROC);
    let index = (hint..HANDLES_PER_PROC)
        .find(|&h| g.get(Store::hd(p, h, hd::OBJ)) == 0)
        .ok_or(Error::NoResources("handle table full"))?;
    let generation = g.get(Store::ob(ix, ob::KIND_GEN)) >> 8;
    g.set(Store::hd(p, index, hd::OBJ), ix + 1)?;
    g.set(Store::hd(p, index, hd::GEN), generation)?;
    g.set(Store::hd(p, index, hd::ACCESS), access)?;
    g.set(Store::hd(p, index, hd::FLAGS), flags)?;
    g.set(Store::pr(p, pr::HANDLE_HINT), index + 1)?;
    g.add(Store::pr(p, pr::HANDLE_COUNT), 1)?;
    objects::add_ref(g, ix)?;
    objects::hooks(g.s, ix).handle_added(g, ix, access)?;
    Ok(index)
}

/// Clears entry `index` of process slot `p` and drops its reference.
pub(crate) fn release_entry(g: &mut Guard<'_>, p: u32, index: u32) -> Result<()> {
    let ix = g.get(Store::hd(p, index, hd::OBJ)).wrapping_sub(1);
    let generation = g.get(Store::hd(p, index, hd::GEN));
    let access = g.get(Store::hd(p, index, hd::ACCESS));
    for f in [hd::OBJ, hd::GEN, hd::ACCESS, hd::FLAGS] {
        g.set(Store::hd(p, index, f), 0)?;
    }
    let hint = g.get(Store::pr(p, pr::HANDLE_HINT));
    g.set(Store::pr(p, pr::HANDLE_HINT), hint.min(index))?;
    g.add(Store::pr(p, pr::HANDLE_COUNT), -1)?;
    if ix >= MAX_OBJECTS || objects::kind_gen(g.s, ix).1 != generation {
        return Err(g.s.corrupt("handle refers to a dead object"));
    }
    objects::hooks(g.s, ix).handle_released(g, ix, access)?;
    objects::release_ref(g, ix)
}

/// An owned handle: closed when dropped.
///
/// Every winipc object type wraps one. Raw values are what Win32 code passes around; they are
/// valid in the process that holds them (and in children that inherited them).
///
/// ```
/// # winipc::__doc::isolate();
/// let ev = winipc::Event::new(winipc::EventReset::Manual, false).unwrap();
/// let h = ev.handle();
/// assert_ne!(h.as_raw(), 0);
/// assert!(!h.is_inheritable().unwrap());
/// ```
pub struct Handle {
    raw: RawHandle,
    obj: ObjRef,
    kind: Kind,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("raw", &self.raw)
            .field("kind", &self.kind)
            .finish()
    }
}

impl Handle {
    pub(crate) fn new(raw: RawHandle, obj: ObjRef, kind: Kind) -> Handle {
        Handle { raw, obj, kind }
    }

    /// Takes ownership of a raw handle value of this process (for example one inherited from a
    /// parent, or duplicated into this process by another).
    pub fn from_raw(raw: RawHandle) -> std::io::Result<Handle> {
        let e = resolve(raw)?;
        Ok(Handle {
            raw,
            obj: e.obj,
            kind: e.kind,
        })
    }

    /// The raw value.
    pub fn as_raw(&self) -> RawHandle {
        self.raw
    }

    /// Gives up ownership without closing.
    pub fn into_raw(self) -> RawHandle {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// The kind of object this handle refers to.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    pub(crate) fn obj(&self) -> ObjRef {
        self.obj
    }

    /// Whether children spawned with inheritance receive this handle.
    pub fn is_inheritable(&self) -> std::io::Result<bool> {
        Ok(resolve(self.raw)?.flags & HF_INHERIT != 0)
    }

    /// Sets whether children spawned with inheritance receive this handle.
    pub fn set_inheritable(&self, inherit: bool) -> std::io::Result<()> {
        set_flags(self.raw, HF_INHERIT, if inherit { HF_INHERIT } else { 0 })?;
        Ok(())
    }

    /// Duplicates the handle within this process (`DuplicateHandle` with
    /// `DUPLICATE_SAME_ACCESS`); the copy is not inheritable.
    pub fn try_clone(&self) -> std::io::Result<Handle> {
        let raw = duplicate(self.raw, None, false)?;
        Ok(Handle {
            raw,
            obj: self.obj,
            kind: self.kind,
        })
    }

    /// How many handles (in all processes) and pending waits refer to the object. Handles of
    /// processes that have died are closed first, as Windows closes them when a process exits.
    pub fn usage_count(&self) -> std::io::Result<u32> {
        let (ns, _) = decode(self.raw).ok_or(Error::InvalidHandle)?;
        crate::store::registry::finish_reaping(Store::get(ns)?)?;
        Ok(with_entry(self.raw, |g, _, _, e| {
            Ok(g.get(Store::ob(e.obj.ix, ob::REFS)))
        })?)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        if let Err(e) = close(self.raw) {
            tracing::debug!(handle = self.raw, error = %e, "closing a handle failed");
        }
    }
}

/// Runs `f` on the calling process's store of handle `v`, under the lock, with the entry.
pub(crate) fn with_entry<T>(
    v: RawHandle,
    f: impl FnOnce(&mut Guard<'_>, u32, u32, Entry) -> Result<T>,
) -> Result<T> {
    let (ns, index) = decode(v).ok_or(Error::InvalidHandle)?;
    let s = Store::get(ns)?;
    let me = s.me()?;
    let p = s.my_proc().ok_or(Error::InvalidHandle)?;
    let mut g = s.lock(me, None)?;
    let r = read_entry(s, p, index)
        .ok_or(Error::InvalidHandle)
        .and_then(|entry| f(&mut g, p, index, entry));
    // Pages lost during the call (a peer truncated the store) read as zeros: say so.
    s.check_pages()?;
    let r = r?;
    g.commit();
    Ok(r)
}

/// Runs `f` under the store lock on the object behind handle `v` of the calling process,
/// which must be of `kind` (else [`Error::InvalidHandle`]) and carry every right in `need`
/// (else [`Error::AccessDenied`]): the one place where an operation resolves a handle and
/// checks its kind and access.
pub(crate) fn with_kind<T>(
    v: RawHandle,
    kind: Kind,
    need: u32,
    f: impl FnOnce(&mut Guard<'_>, Entry) -> Result<T>,
) -> Result<T> {
    with_entry(v, |g, _, _, e| {
        if e.kind != kind {
            return Err(Error::InvalidHandle);
        }
        if e.access & need != need {
            return Err(Error::AccessDenied);
        }
        f(g, e)
    })
}

/// `CloseHandle`.
pub(crate) fn close(v: RawHandle) -> Result<()> {
    let (obj, kind) = with_entry(v, |g, p, index, e| {
        if e.flags & HF_PROTECT != 0 {
            return Err(Error::InvalidHandle);
        }
        release_entry(g, p, index)?;
        Ok((e.obj, e.kind))
    })?;
    crate::wiring::kind_hooks(Some(kind)).raw_handle_closed(v);
    crate::machine_names::handle_closed(obj);
    Ok(())
}

/// `SetHandleInformation`: replaces the flag bits in `mask` with `value`.
pub(crate) fn set_flags(v: RawHandle, mask: u32, value: u32) -> Result<()> {
    with_entry(v, |g, p, index, e| {
        g.set(
            Store::hd(p, index, hd::FLAGS),
            (e.flags & !mask) | (value & mask),
        )
    })
}

/// `DuplicateHandle` within this process, or into the process slot `target` of the same store.
/// Returns the new value.
pub(crate) fn duplicate(v: RawHandle, target: Option<u32>, inherit: bool) -> Result<RawHandle> {
    with_entry(v, |g, p, _index, e| {
        let to = target.unwrap_or(p);
        if to >= MAX_PROCS || g.get(Store::pr(to, pr::STATE)) == SLOT_FREE {
            return Err(Error::InvalidHandle);
        }
        let flags = if inherit { HF_INHERIT } else { 0 };
        let index = insert(g, to, e.obj.ix, e.access, flags)?;
        if to == p {
            crate::machine_names::handle_added(e.obj);
        }
        // The value in the target's numbering of this store.
        let theirs = g.get(Store::pr(to, pr::STORE_ID));
        if theirs as usize >= MAX_STORES {
            return Err(g.s.corrupt("a process's store number out of range"));
        }
        Ok(value(StoreId(theirs as u8), index))
    })
}

/// Creates or opens an object and returns a handle to it: the common path of every
/// `Create*`/`Open*` call. `make` runs under the lock and returns the object slot and whether
/// it already existed.
pub(crate) fn open_with(
    store: StoreId,
    kind: Kind,
    access: u32,
    inherit: bool,
    mut make: impl FnMut(&mut Guard<'_>) -> Result<objects::Made>,
) -> Result<(Handle, bool)> {
    let s = Store::get(store)?;
    let me = s.me()?;
    let p = s.my_proc().ok_or(Error::InvalidHandle)?;
    let mut g = s.lock(me, None)?;
    // A name lookup that met dead processes it could not finish reaping (`lookup_live`):
    // keep the reaping done, finish it, and look again. Each round frees handles, so this ends.
    let mut made = make(&mut g);
    while made.is_err() && g.reap_retry {
        g.commit();
        crate::store::registry::finish_reaping(s)?;
        g = s.lock(me, None)?;
        made = make(&mut g);
    }
    let made = made.and_then(|made| {
        let (ix, existed) = match made {
            objects::Made::New(ix) => (ix, false),
            objects::Made::Existing(ix) => (ix, true),
        };
        let flags = if inherit { HF_INHERIT } else { 0 };
        Ok((ix, existed, insert(&mut g, p, ix, access, flags)?))
    });
    s.check_pages()?;
    let (ix, existed, index) = made?;
    let generation = objects::kind_gen(s, ix).1;
    g.commit();
    let raw = value(store, index);
    Ok((
        Handle::new(
            raw,
            ObjRef {
                store,
                ix,
                generation,
            },
            kind,
        ),
        existed,
    ))
}

impl Handle {
    /// How many threads (in any process) are blocked in a wait that includes this object.
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// let ev = winipc::Event::new(winipc::EventReset::Manual, false)?;
    /// assert_eq!(ev.handle().waiter_count()?, 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn waiter_count(&self) -> std::io::Result<usize> {
        let e = resolve(self.raw)?;
        Ok(crate::objects::waiters(Store::get(e.obj.store)?, e.obj.ix).len())
    }
}

/// This process's handles to the object whose machine-wide name has `digest` in `space`: the
/// object, whether it lives in the shared store (open to everyone), and how many handles.
pub(crate) fn my_handles_named(
    space: crate::machine_names::Space,
    digest: u64,
) -> Option<(ObjRef, bool, u32)> {
    use crate::machine_names::{Space, digest as digest_of};
    use crate::store::names::{self, Tag};
    let named_so = |s: &Store, e: &Entry| {
        let Some((tag, name)) = names::read(s, e.obj.ix) else {
            return false;
        };
        let ours = match (space, s.ns) {
            (Space::Object, Namespace::Local) => tag == Tag::Global as u8,
            (Space::Object, Namespace::Global) => tag == Tag::Object as u8,
            (Space::Mailslot, Namespace::Local) => {
                tag == Tag::Mailslot as u8 && e.access & access::GENERIC_READ != 0
            }
            (Space::Mailslot, Namespace::Global) => false,
        };
        ours && digest_of(space, &name) == digest
    };
    let mut found: Option<(ObjRef, bool, u32)> = None;
    for s in Store::all_opened() {
        let Some(p) = s.my_proc() else { continue };
        for index in 0..HANDLES_PER_PROC {
            let Some(e) = read_entry(s, p, index) else {
                continue;
            };
            match &mut found {
                Some((obj, _, n)) if *obj == e.obj => *n += 1,
                Some(_) => {}
                None if named_so(s, &e) => found = Some((e.obj, s.ns == Namespace::Global, 1)),
                None => {}
            }
        }
    }
    found
}
