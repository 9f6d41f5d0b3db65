//! The object store: one shared-memory file per namespace holding every object, name, handle
//! table and waiter of that namespace.
//!
//! - `Local` stores are per user (`winipc-local-<uid>.v<N>.store` in the user's private
//!   directory, mode 0600, owner checked on open);
//! - the `Global` store is machine-wide (`winipc-global.v<N>.store`, mode 0666). Its per-object
//!   permissions are enforced by this library when objects are opened; a process that maps the
//!   file directly can corrupt Global objects (never Local ones) — see `docs/security.md`.
//!
//! # Contract
//!
//! **What the layers above may assume.**
//!
//! - *Transactions are all-or-nothing*, even if the holder is killed (SIGKILL) at any
//!   instruction. Every change to shared state is made through a [`lock::Guard`] while the
//!   store lock is held, and every write goes through [`lock::Guard::set`], which logs the old
//!   value first. Once [`lock::Guard::commit`] has emptied the undo log (the commit point) the
//!   writes are permanent; before it, the next locker — having stolen the lock from the dead
//!   holder if need be — rolls them back, newest first, and wakes every waiting thread. A
//!   guard dropped without a commit rolls back its own writes.
//! - *Nothing a rollback can take back is ever published*: claimable thread-slot states and a
//!   satisfied waiter's wait word are stored after the commit point, before the unlock; the
//!   futex wakes follow the unlock. A waiter that reads `WAIT_SATISFIED` may use its result
//!   without the lock.
//! - *A wake-up can be lost* only if the waker dies between its unlock and its `FUTEX_WAKE`;
//!   waiters re-check their word at least every `wait::BACKSTOP_NS` (the monitor thread's
//!   tick), so that costs latency, never a wedge.
//! - *Nobody waits forever for a dead holder*: a locker sleeps on the lock word and on the
//!   holder's death, and steals the lock from a holder that is dead, out of range, or its own
//!   slot. A live holder that keeps the lock longer than `lock::LOCK_PATIENCE_NS` makes
//!   non-wait operations fail with [`Error::Timeout`] instead of hanging.
//! - *Every index read from shared memory is range-checked* against the constants of
//!   [`layout`] before use (`obj_link`, `entry_link`, `thread_link`, `proc_link`, and the undo
//!   log's entries before a rollback restores them — never the lock or the log itself); every
//!   list walk is bounded. An impossible value is counted in `hdr::CORRUPTIONS` and reported as
//!   [`Error::Corrupt`], never followed. A peer that truncates the file poisons the mapping
//!   ([`Store::check_pages`]): the next lock fails with `ERROR_FILE_CORRUPT`.
//! - A transaction writes at most `LOG_ENTRIES` words; a larger one fails with
//!   `Error::NoResources` (and is rolled back), so unbounded work (reaping) is split into
//!   transactions of its own.
//!
//! **What a backend must provide** (`txn::Backend`; the algorithm itself is [`txn`], which
//! the model checks in `loom_tests.rs` run unchanged over loom's atomics):
//!
//! - *Words*: 32-bit atomic words, shared by every process that maps the store, at the indices
//!   of a [`txn::Layout`] (a mapped file here; [`crate::sync::Word`] names the operations).
//! - *Futex wait and wake* on those words: sleep while the lock word holds a value *and* the
//!   holder lives, until a deadline, spurious returns allowed (`futex_waitv` over the lock word
//!   and the holder's token); wake a word's sleepers (`FUTEX_WAKE`).
//! - *Liveness of a thread slot*: the TID of the live thread registered in a slot, or none if
//!   the slot is free or its thread is dead — reliably once the thread is dead, whatever the
//!   slot's words say. In a private store ([`Store::tokens`]) each thread locks a robust mutex
//!   in its slot for its lifetime (a *liveness token*, decision 0002): one load tells, and the
//!   kernel wakes a sleeper when the thread dies. In the shared store no token may sit in
//!   memory other users can write (a robust mutex holds pointers the kernel follows), so a
//!   thread is identified by its TID and start time, checked in `/proc`, and a sleeper looks
//!   again every `lock::DEATH_POLL_NS`.
//! - A monotonic clock, and reports of steals and corruption (a counter, a log line).
//!
//! Threads are identified by slots ([`registry`]); processes by slots with their pid and
//! start time.
//!
//! **What the store asks of the layers above** ([`Layers`], the only way it reaches them): the
//! store finds the dead — threads whose liveness ended, processes whose pid and start time are
//! gone — and frees their slots within a bounded share of one transaction's undo log; what a
//! death *means* (mutexes abandoned, a wait cancelled, handles closed, inherited names taken
//! over) is theirs. One implementation (`crate::reaper`) is chosen at the crate's composition
//! root (`crate::wiring`), which holds no logic; the store names nothing else above itself.

pub(crate) mod layout;
pub(crate) mod lock;
#[cfg(test)]
mod loom_tests;
pub(crate) mod names;
pub(crate) mod observe;
pub(crate) mod registry;
pub(crate) mod txn;

use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use winipc_sys::shm::{self, Created, Mapping, OwnerCheck};

use crate::error::{Error, Result};
use layout::*;

/// Which kind of store an object lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Namespace {
    /// The user's private store: `Local\name`, unprefixed names, unnamed objects, and
    /// `Global\` objects with default security.
    Local = 0,
    /// A public store: `Global\` objects opened to everyone (NULL DACL), each in its creator's
    /// public store.
    Global = 1,
}

/// How many stores one process can have mapped: its private store, its user's public store,
/// and other users' public stores whose objects it opened.
pub(crate) const MAX_STORES: usize = 8;

/// Which of this process's stores: part of every handle value, so it numbers the stores of
/// one process (and of the children that inherit its handles), not of the machine. 0 is the
/// private store, 1 the user's own public store; 2 and up are other users' public stores,
/// mapped from a descriptor their objects' holders passed ([`Store::adopt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct StoreId(pub(crate) u8);

impl StoreId {
    /// The user's private store.
    pub(crate) const PRIVATE: StoreId = StoreId(0);
    /// The user's own public store (where its `Global\` objects opened to everyone live).
    pub(crate) const PUBLIC: StoreId = StoreId(1);

    /// Index into the per-process tables of stores.
    #[inline]
    pub(crate) fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The kind of store.
    pub(crate) fn ns(self) -> Namespace {
        if self == StoreId::PRIVATE {
            Namespace::Local
        } else {
            Namespace::Global
        }
    }

    /// Every store number.
    pub(crate) fn all() -> impl Iterator<Item = StoreId> {
        (0..MAX_STORES as u8).map(StoreId)
    }
}

/// A mapped store.
#[derive(Debug)]
pub(crate) struct Store {
    map: Mapping,
    /// This process's number for it.
    pub(crate) id: StoreId,
    pub(crate) ns: Namespace,
    pub(crate) path: PathBuf,
    /// This process's slot in the store, once registered (slot + 1; 0 = not yet).
    proc_slot: AtomicU32,
    /// Mapped read-only (inspection): nothing may be written, not even statistics.
    read_only: bool,
    /// Whether threads lock a liveness token in their slot (robust futexes). Only in a store
    /// no other user can write: a robust mutex's list links are pointers the kernel and glibc
    /// follow, so the shared store identifies threads by tid and start time instead.
    pub(crate) tokens: bool,
}

/// What a thread's or a process's end means to the layers above the store (see the contract
/// above). Every method runs inside the transaction `g` that frees the slot, before the slot's
/// own words are cleared, and must stay within the undo log (`Error::NoResources` otherwise,
/// which rolls the transaction back).
pub(crate) trait Layers: Sync {
    /// Thread slot `t` is being freed because its thread died or is exiting: release what
    /// the thread owned (abandon its mutexes, cancel its wait).
    fn thread_gone(&self, g: &mut lock::Guard<'_>, t: u32) -> Result<()>;
    /// Process slot `p` died (its threads are already gone): finish what it ran (its thread
    /// objects), before its handles are closed.
    fn process_gone(&self, g: &mut lock::Guard<'_>, p: u32) -> Result<()>;
    /// Closes entry `h` of dead process `p`'s handle table.
    fn close_handle(&self, g: &mut lock::Guard<'_>, p: u32, h: u32) -> Result<()>;
    /// This process was started with inherited handles and its first thread has just
    /// registered in store `id`: take over what the parent passed on (the names' sockets).
    fn inherited(&self, id: StoreId);
}

/// The layers above, as wired at the composition root.
#[inline]
pub(crate) fn layers() -> &'static dyn Layers {
    crate::wiring::STORE_LAYERS
}

static STORES: [OnceLock<Store>; MAX_STORES] = [const { OnceLock::new() }; MAX_STORES];
/// Serializes [`Store::adopt`]: which number a newly mapped store gets.
static ADOPTING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Environment variable by which a parent passes the other users' public stores its child
/// inherits handles into: `<number>:<fd>` entries separated by commas (the descriptors stay
/// open across `exec`), so the child maps each under the number its handle values carry.
pub(crate) const INHERIT_STORES_VAR: &str = "WINIPC_INHERIT_STORES";
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// The directory holding stores and mailslot rings: set by [`set_dir`], else `$WINIPC_DIR`,
/// else `/dev/shm`.
pub(crate) fn dir() -> &'static std::path::Path {
    DIR.get_or_init(shm::default_dir)
}

/// Chooses the directory for stores and mailslot rings; only before first use.
pub(crate) fn set_dir(path: PathBuf) -> Result<()> {
    DIR.set(path)
        .map_err(|_| Error::InvalidParameter("the store directory is already in use"))?;
    EXPLICIT_DIR.store(true, Ordering::Relaxed);
    Ok(())
}

/// Whether the store directory was chosen ([`set_dir`] or `$WINIPC_DIR`) rather than the
/// default.
pub(crate) fn dir_is_explicit() -> bool {
    EXPLICIT_DIR.load(Ordering::Relaxed) || std::env::var_os("WINIPC_DIR").is_some()
}

static EXPLICIT_DIR: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The calling user's private directory (mode 0700, owned by the user, checked on every
/// open): it holds the user's `Local` store, so no other user can pre-create, replace, read or
/// delete it. Chosen as the first of:
///
/// - with an explicit store directory ([`set_dir`] or `$WINIPC_DIR`):
///   `<dir>/winipc-<uid>.private`;
/// - `$XDG_RUNTIME_DIR/winipc`, if `$XDG_RUNTIME_DIR` is the user's own 0700 directory;
/// - `/run/user/<uid>/winipc`, if that is the user's own 0700 directory (logind's);
/// - for root, `/run/winipc` (only root can create files in `/run`);
/// - `$HOME/.cache/winipc-<host>` (the user's home: nobody else can create files there).
///
/// None of these can be pre-empted by another user; a candidate that exists but is not
/// private to the user fails the call with `ERROR_ACCESS_DENIED` naming it — it is never
/// used. (`/dev/shm/…` is *not* a fallback: any user can create a name there first.)
pub(crate) fn private_dir() -> Result<&'static std::path::Path> {
    static PRIVATE: OnceLock<std::result::Result<PathBuf, String>> = OnceLock::new();
    PRIVATE
        .get_or_init(choose_private_dir)
        .as_deref()
        .map_err(|e| Error::unsafe_location(e.clone()))
}

/// Every user's store files (private and public) that may exist on this machine, found where
/// [`private_dir`] puts them (for inspectors: only root can read other users' stores).
pub(crate) fn all_local_stores() -> Vec<PathBuf> {
    let host = winipc_sys::proc::hostname();
    let explicit = dir_is_explicit();
    let mut dirs: Vec<PathBuf> = Vec::new();
    let subdirs = |parent: &std::path::Path, pick: &dyn Fn(&str) -> Option<PathBuf>| {
        std::fs::read_dir(parent)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                // An empty relative part means the entry itself (joining "" would add a '/').
                pick(&e.file_name().to_string_lossy()).map(|p| {
                    if p.as_os_str().is_empty() {
                        e.path()
                    } else {
                        e.path().join(p)
                    }
                })
            })
            .collect::<Vec<_>>()
    };
    if explicit {
        dirs.extend(subdirs(dir(), &|n| {
            (n.starts_with("winipc-") && n.ends_with(".private")).then(PathBuf::new)
        }));
    } else {
        dirs.extend(subdirs(std::path::Path::new("/run/user"), &|_| {
            Some(PathBuf::from("winipc"))
        }));
        dirs.push(PathBuf::from("/run/winipc"));
        dirs.extend(subdirs(std::path::Path::new("/home"), &|_| {
            Some(PathBuf::from(format!(".cache/winipc-{host}")))
        }));
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(PathBuf::from(home).join(format!(".cache/winipc-{host}")));
        }
    }
    let suffix = format!(".v{VERSION}.store");
    let mut out: Vec<PathBuf> = dirs
        .iter()
        .flat_map(|d| {
            subdirs(d, &|n| {
                ((n.starts_with("winipc-local-") || n.starts_with("winipc-public-"))
                    && n.ends_with(&suffix))
                .then(PathBuf::new)
            })
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where user `uid`'s `Local` store would be, if it can be told without reading that user's
/// private directory (which only they and root can).
pub(crate) fn local_store_of(uid: u32) -> Option<PathBuf> {
    let file = format!("winipc-local-{uid}.v{VERSION}.store");
    if dir_is_explicit() {
        return Some(dir().join(format!("winipc-{uid}.private")).join(file));
    }
    [format!("/run/user/{uid}/winipc"), "/run/winipc".to_owned()]
        .into_iter()
        .map(|d| PathBuf::from(d).join(&file))
        .find(|p| p.parent().is_some_and(|d| d.exists()))
}

fn choose_private_dir() -> std::result::Result<PathBuf, String> {
    let uid = winipc_sys::proc::geteuid();
    let explicit = dir_is_explicit();
    let made = |p: PathBuf| shm::private_dir(&p).map(|()| p).map_err(|e| e.to_string());
    if explicit {
        return made(dir().join(format!("winipc-{uid}.private")));
    }
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .into_iter()
        .chain([PathBuf::from(format!("/run/user/{uid}"))]);
    for base in runtime {
        if shm::check_private_dir(&base).is_ok() {
            return made(base.join("winipc"));
        }
    }
    if uid == 0 {
        return made(PathBuf::from("/run/winipc"));
    }
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .ok_or_else(|| {
            "no private directory for winipc: $XDG_RUNTIME_DIR and /run/user/<uid> are not \
             this user's 0700 directories and $HOME is not set; set WINIPC_DIR"
                .to_owned()
        })?;
    let host = winipc_sys::proc::hostname();
    let cache = home.join(".cache");
    let _ = std::fs::create_dir(&cache);
    made(cache.join(format!("winipc-{host}")))
}

impl Store {
    /// Store `id` of this process: the private and the own public store are opened (or
    /// created) on first use; another user's public store must have been [`Store::adopt`]ed
    /// (or inherited) first.
    #[inline]
    pub(crate) fn get(id: StoreId) -> Result<&'static Store> {
        match STORES.get(id.index()).and_then(OnceLock::get) {
            Some(s) => Ok(s),
            None => Store::get_slow(id),
        }
    }

    /// Store `id` if this process has it mapped.
    pub(crate) fn opened(id: StoreId) -> Option<&'static Store> {
        STORES.get(id.index()).and_then(OnceLock::get)
    }

    /// Every store this process has mapped, in store-number order.
    pub(crate) fn all_opened() -> impl Iterator<Item = &'static Store> {
        STORES.iter().filter_map(OnceLock::get)
    }

    #[cold]
    fn get_slow(id: StoreId) -> Result<&'static Store> {
        let cell = STORES.get(id.index()).ok_or(Error::InvalidHandle)?;
        static AT_FORK: std::sync::Once = std::sync::Once::new();
        AT_FORK.call_once(|| {
            extern "C" fn child() {
                registry::after_fork_in_child();
            }
            if let Err(e) = winipc_sys::proc::on_fork_child(child) {
                tracing::warn!(error = %e, "cannot register the after-fork hook");
            }
        });
        let opened = match id {
            StoreId::PRIVATE | StoreId::PUBLIC => Store::open(id)?,
            // Another user's public store: only one our parent passed on can appear here.
            _ => Store::inherited_foreign(id)?.ok_or(Error::InvalidHandle)?,
        };
        Ok(cell.get_or_init(|| opened))
    }

    /// The file name of store `id` (0 or 1) of the calling user. It carries the layout
    /// version, so programs built with incompatible winipc versions use separate stores
    /// instead of refusing each other's.
    pub(crate) fn file_name(id: StoreId) -> String {
        let uid = winipc_sys::proc::geteuid();
        match id {
            StoreId::PRIVATE => format!("winipc-local-{uid}.v{VERSION}.store"),
            _ => format!("winipc-public-{uid}.v{VERSION}.store"),
        }
    }

    /// The directory of the calling user's stores: both live in the private directory, where
    /// no other user can create, replace or delete a file. Other users reach objects of the
    /// public store only through a descriptor its objects' holders pass them.
    pub(crate) fn dir_of(_id: StoreId) -> Result<&'static std::path::Path> {
        private_dir()
    }

    fn open(id: StoreId) -> Result<Store> {
        let dir = Store::dir_of(id)?;
        let name = Store::file_name(id);
        let path = dir.join(&name);
        let ns = id.ns();
        let map = loop {
            match shm::open_existing(&path, OwnerCheck::PrivateToMe) {
                Ok(m) => break m,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                    return Err(Error::AccessDenied);
                }
                Err(e) => return Err(e.into()),
            }
            match shm::create_exclusive(dir, &name, 0o600, TOTAL_BYTES, |m| {
                Store::format(m, ns);
                Ok(())
            })? {
                Created::New(m) => break m,
                Created::Exists => continue, // someone else won the race: open theirs
            }
        };
        Store::validate(&map).map_err(|e| {
            tracing::error!(store = %path.display(), "{e}");
            e
        })?;
        Ok(Store::mapped(map, id, path))
    }

    fn mapped(map: Mapping, id: StoreId, path: PathBuf) -> Store {
        Store {
            map,
            id,
            ns: id.ns(),
            path,
            proc_slot: AtomicU32::new(0),
            read_only: false,
            // Tokens only where no other user can write: the private store.
            tokens: id == StoreId::PRIVATE,
        }
    }

    /// Maps a public store from a descriptor an object's holder passed (or returns the store
    /// already mapped from the same file): its number in this process.
    pub(crate) fn adopt(fd: std::os::fd::OwnedFd) -> Result<StoreId> {
        let _serial = ADOPTING.lock().unwrap_or_else(|e| e.into_inner());
        let map = shm::map_fd(fd)?;
        if let Some(s) = Store::all_opened().find(|s| s.map.id() == map.id()) {
            return Ok(s.id);
        }
        // Our own user's public store keeps its own number, whoever passed it: one file is
        // never mapped under two numbers (a wait would lock it twice).
        let own = Store::dir_of(StoreId::PUBLIC)
            .ok()
            .map(|d| d.join(Store::file_name(StoreId::PUBLIC)));
        if own.is_some_and(|p| shm::file_id(&p).ok() == Some(map.id())) {
            return Ok(Store::get(StoreId::PUBLIC)?.id);
        }
        let free = (2..MAX_STORES as u8)
            .map(StoreId)
            .find(|id| Store::opened(*id).is_none())
            .ok_or(Error::NoResources("stores mapped by one process"))?;
        Store::install(free, map)?;
        Ok(free)
    }

    fn install(id: StoreId, map: Mapping) -> Result<()> {
        Store::validate(&map)?;
        if map.u32s()[hdr::GLOBAL as usize].load(Ordering::Relaxed) != Namespace::Global as u32 {
            return Err(Error::Corrupt("a private store was passed as a public one"));
        }
        let path = PathBuf::from(format!("<public store {}:{}>", map.id().dev, map.id().ino));
        let store = Store::mapped(map, id, path);
        STORES[id.index()]
            .set(store)
            .map_err(|_| Error::Corrupt("a store number taken twice"))
    }

    /// In a child that inherited handles into another user's public store: the store its
    /// parent mapped as number `id`, from the descriptor the parent passed.
    fn inherited_foreign(id: StoreId) -> Result<Option<Store>> {
        let Ok(var) = std::env::var(INHERIT_STORES_VAR) else {
            return Ok(None);
        };
        for entry in var.split(',') {
            let Some((n, fd)) = entry.split_once(':') else {
                continue;
            };
            if n.parse::<u8>() != Ok(id.0) {
                continue;
            }
            let Ok(fd) = fd.parse::<i32>() else { continue };
            let Some(owned) = winipc_sys::shm::adopt_inherited_fd(fd) else {
                return Ok(None);
            };
            let map = shm::map_fd(owned)?;
            Store::validate(&map)?;
            let path = PathBuf::from(format!("<public store {}:{}>", map.id().dev, map.id().ino));
            return Ok(Some(Store::mapped(map, id, path)));
        }
        Ok(None)
    }

    /// The order in which a wait locks several stores: the private store first, then public
    /// ones by file identity — the same in every process, whatever their numbers there.
    pub(crate) fn lock_order(&self) -> (u8, u64, u64) {
        let f = self.map.id();
        (u8::from(self.ns == Namespace::Global), f.dev, f.ino)
    }

    /// Opens a store file read-only, for inspection (`winipc ls`).
    pub(crate) fn open_read_only(ns: Namespace, path: PathBuf) -> Result<Store> {
        let map = shm::open_read_only(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::PermissionDenied => Error::AccessDenied,
            std::io::ErrorKind::NotFound => Error::NotFound,
            _ => Error::Io(e),
        })?;
        Store::validate(&map)?;
        Ok(Store {
            map,
            id: if ns == Namespace::Local {
                StoreId::PRIVATE
            } else {
                StoreId::PUBLIC
            },
            ns,
            path,
            proc_slot: AtomicU32::new(0),
            read_only: true,
            tokens: ns == Namespace::Local,
        })
    }

    fn format(m: &Mapping, ns: Namespace) {
        let w = m.u32s();
        w[hdr::VERSION as usize].store(VERSION, Ordering::Relaxed);
        w[hdr::SHAPE as usize].store(shape(), Ordering::Relaxed);
        w[hdr::UID as usize].store(winipc_sys::proc::geteuid(), Ordering::Relaxed);
        w[hdr::GLOBAL as usize].store(ns as u32, Ordering::Relaxed);
        // Everything else starts at zero: free slots, empty lists, no lock holder.
        w[hdr::MAGIC as usize].store(MAGIC, Ordering::Release);
    }

    fn validate(m: &Mapping) -> Result<()> {
        if m.len() < TOTAL_BYTES {
            return Err(Error::Corrupt("store file is too small"));
        }
        let w = m.u32s();
        if w[hdr::MAGIC as usize].load(Ordering::Acquire) != MAGIC {
            return Err(Error::Corrupt("store file has no winipc header"));
        }
        if w[hdr::VERSION as usize].load(Ordering::Relaxed) != VERSION
            || w[hdr::SHAPE as usize].load(Ordering::Relaxed) != shape()
        {
            return Err(Error::Corrupt(
                "store file was made by an incompatible winipc version",
            ));
        }
        Ok(())
    }

    /// The word at index `i`. Every index passed here is computed from constants and indices
    /// that were range-checked, so it is always inside the mapping.
    #[inline]
    pub(crate) fn w(&self, i: u32) -> &AtomicU32 {
        &self.map.u32s()[i as usize]
    }

    #[inline]
    pub(crate) fn load(&self, i: u32) -> u32 {
        self.w(i).load(Ordering::Acquire)
    }

    pub(crate) fn mapping(&self) -> &Mapping {
        &self.map
    }

    /// Fails once the store file lost pages under this process's mapping (another process
    /// truncated it): they now read as private zeros, so nothing in the store can be trusted or
    /// shared any more (`winipc_sys::sigbus`).
    #[inline]
    pub(crate) fn check_pages(&self) -> Result<()> {
        if self.map.poisoned() {
            return Err(Error::Corrupt(
                "store file lost pages (truncated by another process, or its file system is full)",
            ));
        }
        Ok(())
    }

    /// Records that corrupt data was seen, and returns the error to report.
    pub(crate) fn corrupt(&self, what: &'static str) -> Error {
        if !self.read_only {
            self.w(hdr::CORRUPTIONS).fetch_add(1, Ordering::Relaxed);
        }
        tracing::warn!(store = %self.path.display(), what, "corrupt shared state refused");
        Error::Corrupt(what)
    }

    // ---- word addresses of table fields -------------------------------------------------

    #[inline]
    pub(crate) fn th(slot: u32, field: u32) -> u32 {
        THREADS + slot * THREAD_WORDS + field
    }
    #[inline]
    pub(crate) fn pr(slot: u32, field: u32) -> u32 {
        PROCS + slot * PROC_WORDS + field
    }
    #[inline]
    pub(crate) fn ob(ix: u32, field: u32) -> u32 {
        OBJECTS + ix * OBJ_WORDS + field
    }
    #[inline]
    pub(crate) fn en(ix: u32, field: u32) -> u32 {
        ENTRIES + ix * ENTRY_WORDS + field
    }
    #[inline]
    pub(crate) fn hd(proc: u32, ix: u32, field: u32) -> u32 {
        HANDLES + (proc * HANDLES_PER_PROC + ix) * HANDLE_WORDS + field
    }
    #[inline]
    pub(crate) fn name_w(ix: u32, word: u32) -> u32 {
        NAMES + ix * NAME_WORDS + word
    }
    #[inline]
    pub(crate) fn bucket(b: u32) -> u32 {
        BUCKETS + b
    }

    // ---- checked decoding of "index + 1" links read from shared memory -----------------

    /// Decodes a link to an object: `Ok(None)` for 0, an error if out of range.
    pub(crate) fn obj_link(&self, v: u32) -> Result<Option<u32>> {
        link(v, MAX_OBJECTS).ok_or_else(|| self.corrupt("object link out of range"))
    }
    /// Decodes a link to a wait entry.
    pub(crate) fn entry_link(&self, v: u32) -> Result<Option<u32>> {
        link(v, MAX_WAIT_ENTRIES).ok_or_else(|| self.corrupt("wait-entry link out of range"))
    }
    /// Decodes a link to a thread slot.
    pub(crate) fn thread_link(&self, v: u32) -> Result<Option<u32>> {
        link(v, MAX_THREADS).ok_or_else(|| self.corrupt("thread link out of range"))
    }
    /// Decodes a link to a process slot.
    pub(crate) fn proc_link(&self, v: u32) -> Result<Option<u32>> {
        link(v, MAX_PROCS).ok_or_else(|| self.corrupt("process link out of range"))
    }

    /// This process's slot, if registered.
    pub(crate) fn my_proc(&self) -> Option<u32> {
        self.proc_slot.load(Ordering::Acquire).checked_sub(1)
    }
}

/// `Some(None)` for 0, `Some(Some(v - 1))` when `v - 1 < cap`, `None` when out of range.
#[inline]
fn link(v: u32, cap: u32) -> Option<Option<u32>> {
    match v {
        0 => Some(None),
        v if v - 1 < cap => Some(Some(v - 1)),
        _ => None,
    }
}
