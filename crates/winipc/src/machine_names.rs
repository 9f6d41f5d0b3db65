//! Machine-wide names — `Global\` objects and mailslots — held by abstract Unix sockets.
//!
//! The kernel decides who holds a machine-wide name. The name is an abstract socket
//! ([`winipc_sys::names`]) that the object's creator binds and that every process holding a
//! handle to the object keeps open:
//!
//! - first come, first served for one name: a second bind fails;
//! - nobody can unbind, rename, chmod or delete another user's name, and there is no shared
//!   file to pre-create, rewrite or squat as a whole;
//! - the name disappears the moment the last process holding it closes it or dies (SIGKILL
//!   included), whoever those processes belong to;
//! - whoever connects learns from the kernel which user bound the name (`SO_PEERCRED`).
//!
//! A process that opens a name held elsewhere asks a holder for the socket: the holder's
//! monitor thread ([`serve`]) accepts the connection and passes the socket along
//! (`SCM_RIGHTS`) if it admits the asker — the same user, root, or anyone when the object's
//! security attributes open it to everyone. The object itself lives in its creator's private
//! store or, when it is open to everyone, in its creator's public store — whose descriptor
//! the holder passes along with the socket, since no other user can open it by path.
//!
//! The socket's name is a SHA-256 digest of the object's name (so any name fits, and nobody
//! can choose a name that takes another's socket).

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use winipc_sys::names::{self as sys, Claim, Peer};

use crate::error::{Error, Result};
use crate::objects::ObjRef;

/// Which machine-wide namespace a name is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Space {
    /// `Global\` events, mutexes, semaphores and timers (case-sensitive names).
    Object,
    /// Mailslots (names lower-cased by the caller).
    Mailslot,
}

/// A 64-bit digest of a name in a space: names the socket and, for mailslots, the ring file.
pub(crate) fn digest(space: Space, name: &[u8]) -> u64 {
    let mut h = Sha256::new();
    h.update(match space {
        Space::Object => b"winipc object\0",
        Space::Mailslot => b"winipc mslot\0\0",
    });
    h.update(name);
    let d = h.finalize();
    u64::from_le_bytes(d[..8].try_into().expect("8 bytes"))
}

/// The abstract socket name for a digest. It carries the identity of the store directory,
/// so that programs pointed at different directories (`WINIPC_DIR`, tests) live in separate
/// worlds, as their stores do.
pub(crate) fn socket_name(space: Space, digest: u64) -> Vec<u8> {
    let tag = match space {
        Space::Object => 'o',
        Space::Mailslot => 'm',
    };
    format!("winipc.v1.{}.{tag}.{digest:016x}", world()).into_bytes()
}

/// The abstract socket name of the named pipe `name` (lower-cased by the caller), or, with a
/// `slot`, of its instance slot number `slot` (decision 0011). Pipes have a namespace of their
/// own: a pipe and a mailslot or object of the same name never meet.
pub(crate) fn pipe_socket_name(name: &[u8], slot: Option<u32>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"winipc pipe\0\0\0");
    h.update(name);
    let d = h.finalize();
    let digest = u64::from_le_bytes(d[..8].try_into().expect("8 bytes"));
    match slot {
        None => format!("winipc.v1.{}.p.{digest:016x}", world()).into_bytes(),
        Some(n) => format!("winipc.v1.{}.p.{digest:016x}.{n}", world()).into_bytes(),
    }
}

/// Device and inode of the store directory, in hex.
fn world() -> &'static str {
    static WORLD: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    WORLD.get_or_init(|| {
        use std::os::unix::fs::MetadataExt;
        match std::fs::metadata(crate::store::dir()) {
            Ok(m) => format!("{:x}:{:x}", m.dev(), m.ino()),
            Err(_) => "0:0".to_owned(),
        }
    })
}

/// How long an opener waits for a holder to hand over the name.
const ANSWER_NS: u64 = 250_000_000;

/// What [`look`] found.
#[derive(Debug)]
pub(crate) enum Found {
    /// This process already holds the name.
    Held {
        /// Whether the object is open to everyone (it lives in a public store).
        public: bool,
        /// The store it lives in.
        store: crate::store::StoreId,
    },
    /// Nobody held the name and now this socket does: the caller makes the object and
    /// [`adopt`]s the socket (dropping it frees the name again).
    Free(OwnedFd),
    /// Another process holds it.
    Elsewhere {
        /// Who bound the name.
        owner: Peer,
        /// What the holder said.
        answer: Answer,
    },
    /// Nobody holds it (a lookup that was not allowed to claim).
    Absent,
}

/// A holder's answer to an opener.
#[derive(Debug)]
pub(crate) enum Answer {
    /// Admitted: the shared socket, whether the object is open to everyone, and then the
    /// public store it lives in.
    Admitted {
        fd: OwnedFd,
        public: bool,
        store: Option<OwnedFd>,
    },
    /// Not admitted (another user's private object).
    Refused,
    /// No holder answered in time (all stopped or busy).
    Silent,
}

#[derive(Debug)]
struct Held {
    fd: OwnedFd,
    obj: ObjRef,
    public: bool,
    /// Handles of this process to the object.
    handles: u32,
    /// The monitor's poll key.
    key: u64,
}

#[derive(Debug, Default)]
struct Table {
    /// The fork epoch these entries belong to (a child of `fork` holds none of them).
    epoch: u32,
    by_name: HashMap<Vec<u8>, Held>,
    by_key: HashMap<u64, Vec<u8>>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);
/// Set once this process has held any name: closes of other handles skip the table.
static ANY: AtomicBool = AtomicBool::new(false);

/// Monitor poll keys for name sockets carry this bit (process watches never do).
pub(crate) const POLL_KEY: u64 = 1 << 63;

fn with_table<T>(f: impl FnOnce(&mut Table) -> T) -> T {
    let mut t = TABLE.lock().expect("machine-name table");
    let epoch = crate::store::registry::fork_epoch();
    let table = t.get_or_insert_with(Table::default);
    if table.epoch != epoch {
        // A child of fork(): the parent's handles (and names) are not ours.
        *table = Table {
            epoch,
            ..Table::default()
        };
    }
    f(table)
}

/// Finds who holds `name`; with `claim`, binds it if nobody does.
pub(crate) fn look(space: Space, name: &[u8], claim: bool) -> Result<Found> {
    let sock = socket_name(space, digest(space, name));
    if let Some((public, store)) =
        with_table(|t| t.by_name.get(&sock).map(|h| (h.public, h.obj.store)))
    {
        return Ok(Found::Held { public, store });
    }
    // Between a holder letting go and our connect, or a claim and a refused connect, the
    // name changes hands: look again (each round is a few syscalls).
    for _ in 0..100 {
        if claim {
            match sys::claim(&sock)? {
                Claim::Bound(fd) => return Ok(Found::Free(fd)),
                Claim::Taken => {}
            }
        }
        let Some((conn, owner)) = sys::find(&sock)? else {
            if claim {
                continue;
            }
            return Ok(Found::Absent);
        };
        let mut reply = [0u8; 8];
        let deadline = winipc_sys::time::monotonic_ns() + ANSWER_NS;
        let answer = match sys::recv_reply(&conn, &mut reply, deadline)? {
            None => Answer::Silent,
            // Closed without an answer: the listener went away (or was a passing claim).
            Some((0, _)) => continue,
            Some((n, fds)) => {
                let mut fds = fds.into_iter();
                match (decode_reply(&reply[..n]), fds.next()) {
                    // Holders of an object open to everyone may be any user: trust the socket
                    // handed over only if it really is the one bound to this name (the store
                    // is checked as it is mapped: a store file, public, valid).
                    (Some((true, public)), Some(fd))
                        if sys::bound_name(&fd).as_deref() == Some(&sock[..]) =>
                    {
                        Answer::Admitted {
                            fd,
                            public,
                            store: fds.next(),
                        }
                    }
                    (Some((false, _)), _) => Answer::Refused,
                    _ => return Err(Error::Corrupt("a machine-name holder's answer")),
                }
            }
        };
        return Ok(Found::Elsewhere { owner, answer });
    }
    Err(Error::Timeout)
}

/// Who holds the name with `digest` (one connect, no answer asked): `None` if nobody does.
pub(crate) fn holder(space: Space, digest: u64) -> Result<Option<Peer>> {
    Ok(sys::find(&socket_name(space, digest))?.map(|(_, owner)| owner))
}

fn encode_reply(admitted: bool, public: bool) -> [u8; 4] {
    [b'W', b'1', u8::from(admitted), u8::from(public)]
}

fn decode_reply(b: &[u8]) -> Option<(bool, bool)> {
    match b {
        [b'W', b'1', a @ (0 | 1), p @ (0 | 1)] => Some((*a == 1, *p == 1)),
        _ => None,
    }
}

/// Records that this process holds `name` (through `fd`) for a new handle to `obj`, and
/// starts answering other processes that ask for it. A socket for a name already held is
/// simply dropped (the table's copy keeps the name).
pub(crate) fn adopt(space: Space, name: &[u8], fd: OwnedFd, obj: ObjRef, public: bool) {
    adopt_digest(space, digest(space, name), fd, obj, public, 1);
}

fn adopt_digest(space: Space, digest: u64, fd: OwnedFd, obj: ObjRef, public: bool, n: u32) {
    static NEXT_KEY: AtomicU64 = AtomicU64::new(1);
    let sock = socket_name(space, digest);
    ANY.store(true, Ordering::Relaxed);
    with_table(|t| {
        if let Some(h) = t.by_name.get_mut(&sock) {
            h.handles += n;
            return;
        }
        let key = POLL_KEY | NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = crate::monitor::watch_fd(&fd, key) {
            // Still held (the name lives), only not shared: others cannot open it meanwhile.
            tracing::warn!(error = %e, "cannot serve a machine-wide name");
        }
        t.by_key.insert(key, sock.clone());
        t.by_name.insert(
            sock,
            Held {
                fd,
                obj,
                public,
                handles: n,
                key,
            },
        );
    });
}

/// Environment variable by which a parent hands its child the names of the objects the child
/// inherits handles to: `<fd>.<o|m>.<digest>` entries separated by commas. The descriptors
/// stay open across `exec` ([`winipc_sys::proc::keep_across_exec`]), so the names live on
/// even if the parent exits before the child makes its first call.
pub(crate) const INHERIT_VAR: &str = "WINIPC_INHERIT_NAMES";

/// For a child that will inherit handles to `objs`: the descriptors of their names, to keep
/// open across `exec`, and the value of [`INHERIT_VAR`].
pub(crate) fn for_child(objs: &[ObjRef]) -> (Vec<std::os::fd::RawFd>, String) {
    use std::os::fd::AsRawFd;
    if !ANY.load(Ordering::Relaxed) {
        return (Vec::new(), String::new());
    }
    with_table(|t| {
        let mut fds = Vec::new();
        let mut var = Vec::new();
        for (sock, h) in &t.by_name {
            if !objs.contains(&h.obj) {
                continue;
            }
            // The socket name ends with `<space>.<digest>`.
            let text = String::from_utf8_lossy(sock);
            let tail: Vec<&str> = text.rsplitn(3, '.').collect();
            if let [digest, space, _] = tail[..] {
                fds.push(h.fd.as_raw_fd());
                var.push(format!("{}.{space}.{digest}", h.fd.as_raw_fd()));
            }
        }
        (fds, var.join(","))
    })
}

/// In a child started with inherited handles: takes over the names its parent passed, each
/// for this process's handles to the object of that name. Runs once per process.
pub(crate) fn adopt_inherited() {
    static DONE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let epoch = crate::store::registry::fork_epoch();
    if DONE.swap(epoch, Ordering::AcqRel) == epoch {
        return;
    }
    let Ok(var) = std::env::var(INHERIT_VAR) else {
        return;
    };
    // The variable stays in the environment; the descriptors are close-on-exec again once
    // adopted, so a program this process starts without winipc finds none of them open.
    for entry in var.split(',') {
        let mut parts = entry.splitn(3, '.');
        let (Some(fd), Some(space), Some(digest)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let (Ok(fd), Ok(digest)) = (fd.parse::<i32>(), u64::from_str_radix(digest, 16)) else {
            continue;
        };
        let space = match space {
            "o" => Space::Object,
            "m" => Space::Mailslot,
            _ => continue,
        };
        let Some(owned) = sys::adopt_inherited(fd, &socket_name(space, digest)) else {
            continue;
        };
        let _ = winipc_sys::proc::set_cloexec(&owned);
        match crate::handles::my_handles_named(space, digest) {
            Some((obj, public, n)) if n > 0 => adopt_digest(space, digest, owned, obj, public, n),
            _ => {} // no handle of ours needs it: dropping it lets go
        }
    }
}

/// A new handle of this process to `obj` (a duplicate): keeps its name held.
pub(crate) fn handle_added(obj: ObjRef) {
    if !ANY.load(Ordering::Relaxed) {
        return;
    }
    with_table(|t| {
        if let Some(h) = t.by_name.values_mut().find(|h| h.obj == obj) {
            h.handles += 1;
        }
    });
}

/// A handle of this process to `obj` was closed: the last one lets go of its name.
pub(crate) fn handle_closed(obj: ObjRef) {
    if !ANY.load(Ordering::Relaxed) {
        return;
    }
    with_table(|t| {
        let Some((sock, h)) = t.by_name.iter_mut().find(|(_, h)| h.obj == obj) else {
            return;
        };
        h.handles = h.handles.saturating_sub(1);
        if h.handles > 0 {
            return;
        }
        let sock = sock.clone();
        let h = t.by_name.remove(&sock).expect("present");
        t.by_key.remove(&h.key);
        let _ = crate::monitor::unwatch_fd(&h.fd);
    });
}

/// Answers the processes waiting on the name behind poll key `key` (the monitor thread calls
/// this when the socket is readable).
pub(crate) fn serve(key: u64) {
    let me = winipc_sys::proc::geteuid();
    with_table(|t| {
        let Some(h) = t.by_key.get(&key).and_then(|s| t.by_name.get(s)) else {
            return;
        };
        loop {
            match sys::accept(&h.fd) {
                Ok(Some((conn, asker))) => {
                    use std::os::fd::AsFd;
                    let admitted = asker.uid == me || asker.uid == 0 || h.public;
                    let reply = encode_reply(admitted, h.public);
                    // A public object's store goes along: nobody else can open it by path.
                    let store = h
                        .public
                        .then(|| crate::store::Store::opened(h.obj.store))
                        .flatten();
                    let mut share = Vec::with_capacity(2);
                    if admitted {
                        share.push(h.fd.as_fd());
                        if let Some(s) = store {
                            share.push(s.mapping().file().as_fd());
                        }
                    }
                    if let Err(e) = sys::send_reply(&conn, &reply, &share) {
                        tracing::debug!(error = %e, "answering a machine-name request failed");
                    }
                }
                Ok(None) => return,
                Err(e) => {
                    tracing::debug!(error = %e, "accepting a machine-name request failed");
                    return;
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_separate_spaces_and_names() {
        assert_ne!(digest(Space::Object, b"a"), digest(Space::Mailslot, b"a"));
        assert_ne!(digest(Space::Object, b"a"), digest(Space::Object, b"b"));
        assert_eq!(digest(Space::Object, b"a"), digest(Space::Object, b"a"));
        let s = socket_name(Space::Mailslot, 0xabc);
        assert!(s.starts_with(b"winipc.v1.") && s.ends_with(b".m.0000000000000abc"));
        assert!(s.len() <= winipc_sys::names::MAX_NAME);
    }

    #[test]
    fn replies_round_trip_and_garbage_is_refused() {
        for a in [false, true] {
            for p in [false, true] {
                assert_eq!(decode_reply(&encode_reply(a, p)), Some((a, p)));
            }
        }
        assert_eq!(decode_reply(b"W1\x02\x00"), None);
        assert_eq!(decode_reply(b"W1\x01"), None);
        assert_eq!(decode_reply(b""), None);
    }
}
