//! Read-only inspection of every object, waiter and handle table — what `winipc ls`,
//! `winipc handles` and `winipc top` show.
//!
//! Inspection maps the stores **read-only** and never takes their locks, so it can never block
//! or disturb the processes that use the objects. The price is that a snapshot taken while
//! objects change may mix before and after states of one transaction; every value read is
//! range-checked, so a snapshot is never unsafe, only momentarily inconsistent. Processes that
//! died without anyone reaping them yet are reported as dead, and their handles do not count.
//!
//! ```
//! # winipc::__doc::isolate();
//! let ev = winipc::Event::create("inspected", winipc::EventReset::Manual, true)?;
//! let snap = winipc::inspect::snapshot(false)?;
//! let obj = snap.objects().find(|o| o.name.as_deref() == Some("inspected")).unwrap();
//! assert!(obj.signaled);
//! assert_eq!(obj.usage, 1);
//! # Ok::<(), std::io::Error>(())
//! ```

use std::io;
use std::path::PathBuf;
use std::time::Duration;

use winipc_ring::{Ring, RingMemory};
use winipc_sys::{proc, shm};

use crate::handles::{self, RawHandle};
use crate::objects::{self, Kind, st, sw};
use crate::store::layout::*;
use crate::store::{Namespace, Store, StoreId, names};

/// Everything visible to the caller at one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// One entry per store read.
    pub stores: Vec<StoreSnapshot>,
}

impl Snapshot {
    /// All objects of all stores.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectInfo> {
        self.stores.iter().flat_map(|s| s.objects.iter())
    }
    /// All processes of all stores.
    pub fn processes(&self) -> impl Iterator<Item = &ProcessInfo> {
        self.stores.iter().flat_map(|s| s.processes.iter())
    }
    /// Sum of the stores' change counters: differs between two snapshots if anything changed.
    pub fn generation(&self) -> u64 {
        self.stores.iter().map(|s| u64::from(s.changes)).sum()
    }
}

/// One store.
#[derive(Debug, Clone)]
pub struct StoreSnapshot {
    /// `Local` (a user's) or `Global`.
    pub namespace: Namespace,
    /// The store file.
    pub path: PathBuf,
    /// The store's user (for `Local` stores).
    pub uid: u32,
    /// Objects with live references.
    pub objects: Vec<ObjectInfo>,
    /// Registered processes, with their handle tables.
    pub processes: Vec<ProcessInfo>,
    /// Transactions of dead lock holders rolled back so far.
    pub recoveries: u32,
    /// Corrupt values detected and refused so far.
    pub corruptions: u32,
    /// Committed transactions (wraps).
    pub changes: u32,
}

/// One object.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectInfo {
    /// The store it lives in.
    pub namespace: Namespace,
    /// Slot index in its store (with `generation`, a unique id while it lives).
    pub id: u32,
    /// Generation of the slot.
    pub generation: u32,
    /// Its kind.
    pub kind: Kind,
    /// Its name (`None` for unnamed objects). Mailslots show `\\.\mailslot\…`.
    pub name: Option<String>,
    /// Signaled state (for mutexes: unowned).
    pub signaled: bool,
    /// Handles held by live processes (plus pending waits).
    pub usage: u32,
    /// Kind-specific details.
    pub details: Details,
    /// Threads blocked on it, in FIFO order.
    pub waiters: Vec<WaiterInfo>,
    /// Creator's uid and permission bits.
    pub owner_uid: u32,
    /// Permission bits (`Global` objects and mailslots).
    pub mode: u32,
}

/// Kind-specific state.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Details {
    /// An event.
    Event {
        /// Manual-reset (else auto-reset).
        manual: bool,
    },
    /// A mutex.
    Mutex {
        /// Owner's pid and tid, if owned.
        owner: Option<(u32, u32)>,
        /// Recursion count.
        recursion: u32,
        /// Whether its last owner died holding it (reported to the next acquirer).
        abandoned: bool,
    },
    /// A semaphore.
    Semaphore {
        /// Current count.
        count: u32,
        /// Maximum count.
        max: u32,
    },
    /// A waitable timer.
    Timer {
        /// Manual-reset (else synchronization).
        manual: bool,
        /// Time until it is next due, if armed.
        due_in: Option<Duration>,
        /// Period in ms (0 = one-shot).
        period_ms: u32,
    },
    /// A process.
    Process {
        /// Its pid.
        pid: u32,
        /// Exit code once it exited.
        exit_code: Option<u32>,
    },
    /// A thread.
    Thread {
        /// Its tid (0 before it started).
        tid: u32,
        /// Its process's pid.
        pid: u32,
        /// Exit code once it exited.
        exit_code: Option<u32>,
    },
    /// A mailslot.
    Mailslot {
        /// Queued messages.
        messages: u32,
        /// Queued bytes.
        bytes: u32,
        /// Maximum message size (0 = any).
        max_message_size: u32,
        /// Read timeout in ms.
        read_timeout: u32,
        /// Open send handles.
        senders: u32,
        /// Open receive handles.
        receivers: u32,
    },
    /// A named pipe (one reference per server instance).
    Pipe {
        /// Message pipe (`PIPE_TYPE_MESSAGE`), else byte.
        message: bool,
        /// Direction (`PIPE_ACCESS_*`), as the server sees it.
        access: crate::pipe::PipeAccess,
        /// Instance limit (255 = `PIPE_UNLIMITED_INSTANCES`).
        max_instances: u32,
        /// Output buffer size asked for.
        out_buffer: u32,
        /// Input buffer size asked for.
        in_buffer: u32,
        /// Default timeout of `WaitNamedPipe`, ms.
        default_timeout_ms: u32,
    },
    /// A file mapping.
    Section {
        /// Its size in bytes.
        size: u64,
        /// Whether it maps a user's file (else winipc's memory).
        file_backed: bool,
    },
}

/// A blocked thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterInfo {
    /// Process id.
    pub pid: u32,
    /// Thread id.
    pub tid: u32,
    /// Whether it waits for all its objects (else any).
    pub all: bool,
}

/// A registered process and its handle table in one store.
#[derive(Debug, Clone)]
pub struct ProcessInfo {
    /// Its pid.
    pub pid: u32,
    /// Whether it is still running.
    pub alive: bool,
    /// Whether it is a child prepared by a parent that has not started yet.
    pub pending: bool,
    /// Its handles in this store.
    pub handles: Vec<HandleInfo>,
}

/// One handle-table entry.
#[derive(Debug, Clone, PartialEq)]
pub struct HandleInfo {
    /// The handle value in its process.
    pub value: RawHandle,
    /// The object's kind.
    pub kind: Kind,
    /// The object's store and slot.
    pub namespace: Namespace,
    /// The object's slot index.
    pub object: u32,
    /// The object's name.
    pub name: Option<String>,
    /// Access mask.
    pub access: u32,
    /// Inherited by children spawned with inheritance.
    pub inherit: bool,
}

/// Takes a snapshot of the caller's stores (private and public) — and, with `all_users`, of
/// every other user's stores the caller may read (root may read all). Another user's public
/// store is in that user's private directory: only root sees its objects here.
pub fn snapshot(all_users: bool) -> io::Result<Snapshot> {
    let dir = Store::dir_of(StoreId::PRIVATE)?;
    let mine = dir.join(Store::file_name(StoreId::PRIVATE));
    let my_public = dir.join(Store::file_name(StoreId::PUBLIC));
    let mut paths = vec![
        (Namespace::Local, mine.clone()),
        (Namespace::Global, my_public.clone()),
    ];
    if all_users {
        for path in crate::store::all_local_stores() {
            if path != mine && path != my_public {
                paths.push((namespace_of_file(&path), path));
            }
        }
    }
    let mut stores = Vec::new();
    for (ns, path) in paths {
        match Store::open_read_only(ns, path) {
            Ok(s) => {
                let snap = read_store(&s);
                // A store truncated while we read it gave zeros: report it, not the zeros.
                s.check_pages()?;
                stores.push(snap);
            }
            Err(crate::Error::NotFound | crate::Error::AccessDenied) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Snapshot { stores })
}

fn start_of(s: &Store, p: u32) -> u64 {
    u64::from(s.load(Store::pr(p, pr::START_LO)))
        | u64::from(s.load(Store::pr(p, pr::START_HI))) << 32
}

fn read_store(s: &Store) -> StoreSnapshot {
    // Which processes are alive, judged as the reaper would (tokens first, /proc second).
    let mut live_thread = vec![false; MAX_PROCS as usize];
    for t in 0..MAX_THREADS {
        if s.load(Store::th(t, th::STATE)) == SLOT_LIVE
            && s.live_tid(t).is_some()
            && let Ok(Some(p)) = s.proc_link(s.load(Store::th(t, th::PROC)))
        {
            live_thread[p as usize] = true;
        }
    }
    let mut processes = Vec::new();
    let mut live_refs = vec![0u32; MAX_OBJECTS as usize];
    for p in 0..MAX_PROCS {
        let state = s.load(Store::pr(p, pr::STATE));
        if state == SLOT_FREE {
            continue;
        }
        let pid = s.load(Store::pr(p, pr::PID));
        let pending = state == SLOT_PENDING;
        let alive = live_thread[p as usize]
            || if pending {
                pid == 0 || proc::start_time(pid).is_some()
            } else {
                proc::is_running(pid, start_of(s, p))
            };
        let mut handles_out = Vec::new();
        if s.load(Store::pr(p, pr::HANDLE_COUNT)) > 0 {
            for h in 0..HANDLES_PER_PROC {
                let Some(e) = handles::read_entry(s, p, h) else {
                    continue;
                };
                if alive {
                    live_refs[e.obj.ix as usize] += 1;
                }
                // The value in that process's numbering of this store.
                let number = s.load(Store::pr(p, pr::STORE_ID)).min(255) as u8;
                handles_out.push(HandleInfo {
                    value: handles::value(StoreId(number), h),
                    kind: e.kind,
                    namespace: s.ns,
                    object: e.obj.ix,
                    name: display_name(s, e.obj.ix, e.kind),
                    access: e.access,
                    inherit: e.flags & HF_INHERIT != 0,
                });
            }
        }
        processes.push(ProcessInfo {
            pid,
            alive,
            pending,
            handles: handles_out,
        });
    }
    let mut objects_out = Vec::new();
    let high = s.load(hdr::OBJ_HIGH).min(MAX_OBJECTS);
    for ix in 0..high {
        let (Some(kind), generation) = objects::kind_gen(s, ix) else {
            continue;
        };
        let waiters: Vec<WaiterInfo> = objects::waiters(s, ix)
            .into_iter()
            .map(|w| WaiterInfo {
                pid: w.pid,
                tid: w.tid,
                all: w.all,
            })
            .collect();
        // Objects kept only by dead processes are not shown as alive: the next lookup reaps them.
        let usage = live_refs[ix as usize] + waiters.len() as u32;
        let pinned = kind == Kind::Thread
            && s.load(sw(ix, st::TH_EXITED)) == 0
            && s.load(sw(ix, st::TH_PROC)) != 0;
        if usage == 0 && !pinned {
            continue;
        }
        let (signaled, details) = describe(s, ix, kind);
        objects_out.push(ObjectInfo {
            namespace: s.ns,
            id: ix,
            generation,
            kind,
            name: display_name(s, ix, kind),
            signaled,
            usage,
            details,
            waiters,
            owner_uid: s.load(Store::ob(ix, ob::UID)),
            mode: s.load(Store::ob(ix, ob::FLAGS)) >> 8,
        });
    }
    StoreSnapshot {
        namespace: s.ns,
        path: s.path.clone(),
        uid: s.load(hdr::UID),
        objects: objects_out,
        processes,
        recoveries: s.load(hdr::RECOVERIES),
        corruptions: s.load(hdr::CORRUPTIONS),
        changes: s.load(hdr::CHANGES),
    }
}

fn display_name(s: &Store, ix: u32, kind: Kind) -> Option<String> {
    if s.load(Store::ob(ix, ob::FLAGS)) & names::NAMED == 0 || kind == Kind::Process {
        return None;
    }
    let (_, bytes) = names::read(s, ix)?;
    let name = String::from_utf8_lossy(&bytes).into_owned();
    Some(match (kind, s.ns) {
        (Kind::Mailslot, _) => format!(r"\\.\mailslot\{name}"),
        (Kind::Pipe, _) => name, // already `\\.\pipe\...`
        (_, Namespace::Global) => format!("Global\\{name}"),
        (_, Namespace::Local) => name,
    })
}

fn describe(s: &Store, ix: u32, kind: Kind) -> (bool, Details) {
    let w = |k| s.load(sw(ix, k));
    match kind {
        Kind::Event => (
            w(st::EV_SIGNALED) != 0,
            Details::Event {
                manual: w(st::EV_MANUAL) != 0,
            },
        ),
        Kind::Mutex => {
            let owned = w(st::MX_OWNER) != 0;
            let owner = owned.then(|| (w(st::MX_OWNER_PID), w(st::MX_OWNER_TID)));
            (
                !owned,
                Details::Mutex {
                    owner,
                    recursion: w(st::MX_COUNT),
                    abandoned: w(st::MX_ABANDONED) != 0,
                },
            )
        }
        Kind::Semaphore => (
            w(st::SEM_COUNT) != 0,
            Details::Semaphore {
                count: w(st::SEM_COUNT),
                max: w(st::SEM_MAX),
            },
        ),
        Kind::Timer => {
            let due = objects::timer_due(s, ix);
            let now = winipc_sys::time::monotonic_ns();
            let signaled = w(st::TM_SIGNALED) != 0 || (due != u64::MAX && now >= due);
            let due_in = (due != u64::MAX).then(|| Duration::from_nanos(due.saturating_sub(now)));
            (
                signaled,
                Details::Timer {
                    manual: w(st::TM_MANUAL) != 0,
                    due_in,
                    period_ms: w(st::TM_PERIOD_MS),
                },
            )
        }
        Kind::Process => {
            let exited = w(st::PR_EXITED) != 0;
            (
                exited,
                Details::Process {
                    pid: w(st::PR_PID),
                    exit_code: exited.then(|| w(st::PR_CODE)),
                },
            )
        }
        Kind::Thread => {
            let exited = w(st::TH_EXITED) != 0;
            (
                exited,
                Details::Thread {
                    tid: w(st::TH_TID),
                    pid: w(st::TH_PID),
                    exit_code: exited.then(|| w(st::TH_CODE)),
                },
            )
        }
        Kind::Section => (
            false,
            Details::Section {
                size: u64::from(w(st::SEC_SIZE_LO)) | u64::from(w(st::SEC_SIZE_HI)) << 32,
                file_backed: w(st::SEC_FILE) != 0,
            },
        ),
        Kind::Pipe => (
            false,
            Details::Pipe {
                message: w(st::PP_FLAGS) & crate::pipe::listing::MESSAGE != 0,
                access: crate::pipe::listing::access_of(w(st::PP_FLAGS))
                    .unwrap_or(crate::pipe::PipeAccess::Duplex),
                max_instances: w(st::PP_MAX),
                out_buffer: w(st::PP_OUT_BUF),
                in_buffer: w(st::PP_IN_BUF),
                default_timeout_ms: w(st::PP_TIMEOUT_MS),
            },
        ),
        Kind::Mailslot => {
            let (messages, bytes) = ring_counts(s, ix).unwrap_or((0, 0));
            (
                messages > 0,
                Details::Mailslot {
                    messages,
                    bytes,
                    max_message_size: w(st::MS_MAX_MSG),
                    read_timeout: w(st::MS_TIMEOUT),
                    senders: 0,
                    receivers: w(st::MS_RECEIVERS),
                },
            )
        }
    }
}

/// Queued messages and bytes of a mailslot, from a read-only mapping of its ring.
fn ring_counts(s: &Store, ix: u32) -> Option<(u32, u32)> {
    let path = crate::mailslot::ring_path(crate::mailslot::ring_id(s, ix));
    let m = shm::open_read_only(&path).ok()?;
    let mem = RingMemory::new(
        &m.u32s()[..winipc_ring::HEADER_WORDS],
        &m.u64s()[winipc_ring::HEADER_WORDS / 2..],
    );
    let ring = Ring::attach(mem, NoFutex).ok()?;
    let info = ring.info();
    (!m.poisoned()).then_some((info.messages, info.bytes))
}

/// Which kind of store a store file is, by its name (`winipc-public-*`, and the shared
/// `winipc-global.*` of older versions, are public).
fn namespace_of_file(path: &std::path::Path) -> Namespace {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if name.starts_with("winipc-public-") || name.starts_with("winipc-global.") {
        Namespace::Global
    } else {
        Namespace::Local
    }
}

/// The backing-file ids of the file mappings in store `s`.
fn sections_of(s: &Store) -> Vec<u64> {
    (0..MAX_OBJECTS)
        .filter(|&ix| crate::objects::kind_gen(s, ix).0 == Some(Kind::Section))
        .map(|ix| {
            u64::from(s.load(sw(ix, st::SEC_ID_LO)))
                | u64::from(s.load(sw(ix, st::SEC_ID_HI))) << 32
        })
        .collect()
}

/// Inspection never sleeps or wakes anyone.
#[derive(Debug, Clone, Copy)]
struct NoFutex;

impl winipc_ring::Futex for NoFutex {
    fn wait(&self, _: &winipc_ring::AtomicU32, _: u32, _: Option<std::time::Instant>) {}
    fn wake(&self, _: &winipc_ring::AtomicU32, _: u32) {}
}

/// A file winipc keeps in the store directory, as [`store_files`] finds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreFile {
    /// Its path.
    pub path: PathBuf,
    /// What it is, and what its contents say about its use.
    pub kind: StoreFileKind,
}

/// What a [`StoreFile`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreFileKind {
    /// An object store (`winipc-local-<uid>.v<N>.store`, `winipc-global.v<N>.store`).
    Store {
        /// `Global` or `Local`.
        namespace: Namespace,
        /// Registered processes still running; `None` if the store could not be read (another
        /// user's private store, or another layout version than this build's).
        live_processes: Option<usize>,
    },
    /// A mailslot's ring (`winipc-ms.<uid>.<digest>.ring`).
    Ring {
        /// Whether its receivers still hold the slot's machine-wide name (the kernel says);
        /// `None` if that could not be asked.
        referenced: Option<bool>,
    },
    /// The memory of a file mapping, or the side file naming a mapped user's file
    /// (`winipc-map.<uid>.<id>[.path]`).
    Mapping {
        /// Whether a file mapping in a store this process can read names it.
        referenced: bool,
    },
}

/// Lists the stores and mailslot rings present in the store directory (every user's and
/// every layout version's), each read-only, with what is needed to judge whether it is still
/// used — what `winipc gc` removes is decided from this. Nothing is locked or changed.
///
/// ```
/// # winipc::__doc::isolate();
/// let _ev = winipc::Event::create("listed", winipc::EventReset::Manual, false)?;
/// let files = winipc::inspect::store_files()?;
/// assert!(files.iter().any(|f| matches!(f.kind,
///     winipc::inspect::StoreFileKind::Store { live_processes: Some(n), .. } if n >= 1)));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn store_files() -> io::Result<Vec<StoreFile>> {
    let dir = crate::store::dir();
    let mut out = Vec::new();
    let mut mappings: Vec<(PathBuf, u64)> = Vec::new();
    let mut section_ids: std::collections::BTreeSet<u64> = std::collections::BTreeSet::new();
    let mut consider = |path: PathBuf, name: &str| {
        if let Some(rest) = name.strip_prefix("winipc-map.") {
            // winipc-map.<uid>.<id>[.path]: in use while a mapping object names its id.
            let rest = rest.strip_suffix(".path").unwrap_or(rest);
            if let Some(id) = rest
                .split_once('.')
                .and_then(|(_, id)| u64::from_str_radix(id, 16).ok())
            {
                mappings.push((path, id));
            }
            return;
        }
        if let Some(rest) = name
            .strip_prefix("winipc-ms.")
            .and_then(|r| r.strip_suffix(".ring"))
        {
            // winipc-ms.<uid>.<digest>.ring: in use while its receivers hold the slot's
            // name, which the kernel tells (whoever holds it must be the ring's owner).
            let Some((uid, digest)) = rest.split_once('.') else {
                return;
            };
            let (Ok(uid), Ok(digest)) = (uid.parse::<u32>(), u64::from_str_radix(digest, 16))
            else {
                return;
            };
            let held = crate::machine_names::holder(crate::machine_names::Space::Mailslot, digest)
                .ok()
                .map(|h| h.is_some_and(|p| p.uid == uid));
            out.push(StoreFile {
                path,
                kind: StoreFileKind::Ring { referenced: held },
            });
        } else if name.starts_with("winipc-") && name.ends_with(".store") {
            let namespace = namespace_of_file(&path);
            let opened = Store::open_read_only(namespace, path.clone()).ok();
            if let Some(s) = &opened {
                section_ids.extend(sections_of(s));
            }
            let live_processes =
                opened.map(|s| read_store(&s).processes.iter().filter(|p| p.alive).count());
            out.push(StoreFile {
                path,
                kind: StoreFileKind::Store {
                    namespace,
                    live_processes,
                },
            });
        }
    };
    for entry in std::fs::read_dir(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            consider(entry.path(), &name);
        }
    }
    // Private stores: ours, and every user's that this process may read (root).
    let mut private = crate::store::all_local_stores();
    if let Ok(d) = Store::dir_of(StoreId::PRIVATE) {
        private.push(d.join(Store::file_name(StoreId::PRIVATE)));
        private.push(d.join(Store::file_name(StoreId::PUBLIC)));
    }
    private.sort();
    private.dedup();
    for path in private {
        if path.is_file() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            consider(path.clone(), &name);
            // The private directory also holds the user's mappings' memory.
            for entry in path
                .parent()
                .and_then(|d| std::fs::read_dir(d).ok())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with("winipc-map.") && entry.file_type().is_ok_and(|t| t.is_file()) {
                    consider(entry.path(), &name);
                }
            }
        }
    }
    out.extend(mappings.into_iter().map(|(path, id)| StoreFile {
        path,
        kind: StoreFileKind::Mapping {
            referenced: section_ids.contains(&id),
        },
    }));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}
