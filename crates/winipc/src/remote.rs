//! Remote mailslot writers: `\\*\mailslot\x`, `\\DOMAIN\mailslot\x`, `\\HOST\mailslot\x`.
//!
//! Remote writes travel as NetBIOS datagrams from UDP port 138, which unprivileged processes
//! cannot bind, so they are handed to the winipc network daemon (`winipc netd`, crate
//! `winipc-net`) over its Unix datagram socket ([`netd_socket::path`]: `/run/winipc/netd.sock`,
//! or `$WINIPC_NETD_SOCKET`). Each write is
//! one request datagram; the daemon answers with one status datagram, so `send` returns
//! success once the datagram left (delivery itself is unreliable, as in Win32) or the error the
//! daemon reports: `ERROR_BAD_NETPATH` for a write over the mailslot size limit (424 bytes for
//! a 5–8 character name) or a host that cannot be resolved.
//!
//! The request format is `winipc_nbt::netd` (version 1), the one definition the daemon uses too.
//! Before it sends anything, a writer checks that the socket is the daemon's
//! ([`netd_socket::verify`]): a socket owned by root (or by the caller itself), in a directory
//! that no other user can write to. A socket another user could have put there is refused
//! with an error naming the path (an `io::Error` of kind `PermissionDenied`), never used.
//!
//! A remote writer's [`Handle`] stands for the open, as a Win32 file handle does: it is a
//! signaled manual-reset event (a write to a remote mailslot never leaves I/O pending). The
//! process keeps its remote writers by that object ([`register`], [`lookup`]), so raw-handle
//! writes (the C ABI's `WriteFile`), duplicates, and [`crate::MailslotWriter::from_handle`]
//! reach the daemon too. The event is named after the target (`winipc.remote-mailslot|…`, in
//! the user's Local namespace), so a process that inherits the handle or receives a duplicate
//! rebuilds the writer from the name on its first write. A target too long for an object name
//! (over 260 characters in all) gets an unnamed event, whose handle writes only in the process
//! that opened it.

use std::io;
use std::os::linux::net::SocketAddrExt;
use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::handles::Handle;
use crate::names::MailslotTarget;
use crate::objects::ObjRef;
use crate::store::Store;
use winipc_nbt::netd::{MAX_REQUEST_PAYLOAD, Reply, Request, Status, Target};

/// Names of the events that stand for remote writers begin with this.
const STAND_IN_PREFIX: &str = "winipc.remote-mailslot|";
/// How long a write waits for the daemon's status: name resolution included.
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);

const NOT_RUNNING: Error = Error::BadNetPath("the winipc network daemon is not running");

/// The sending end of a remote mailslot: a socket connected to the daemon.
#[derive(Debug)]
pub(crate) struct RemoteWriter {
    kind: u8,
    server: String,
    path: String,
    socket: Mutex<UnixDatagram>,
}

/// A socket connected to the daemon's request socket, after [`netd_socket::verify`].
///
/// The socket is bound to a unique abstract name so that the daemon can answer it.
pub(crate) fn connect_daemon() -> Result<UnixDatagram> {
    let path = match netd_socket::verify(&netd_socket::path()) {
        Ok(p) => p,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(NOT_RUNNING),
        // A socket path we refuse to trust: ERROR_ACCESS_DENIED, naming it.
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied && e.raw_os_error().is_none() => {
            return Err(Error::Io(e));
        }
        Err(e) => return Err(Error::Io(e)),
    };
    let socket = bind_client()?;
    socket.connect(&path).map_err(|_| NOT_RUNNING)?;
    socket.set_read_timeout(Some(REPLY_TIMEOUT))?;
    Ok(socket)
}

/// The `Error` inside an `io::Error` from winipc's public API, or `Error::Io`.
fn unwrap_io(e: io::Error) -> Error {
    if Error::from_io(&e).is_some() {
        match e.into_inner().map(|inner| inner.downcast::<Error>()) {
            Some(Ok(inner)) => *inner,
            _ => NOT_RUNNING,
        }
    } else {
        Error::Io(e)
    }
}

fn bind_client() -> Result<UnixDatagram> {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "winipc-netc-{}-{}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed),
        winipc_sys::time::realtime_ns()
    );
    let addr = SocketAddr::from_abstract_name(name.as_bytes())?;
    Ok(UnixDatagram::bind_addr(&addr)?)
}

impl RemoteWriter {
    /// Opens a writer for `full` (a remote mailslot name already parsed to `target`), and the
    /// handle that stands for it. Fails with `BadNetPath` when the daemon is not running.
    pub(crate) fn open(
        full: &str,
        target: &MailslotTarget,
        inherit: bool,
    ) -> Result<(Handle, RemoteWriter)> {
        let (kind, server) = match target {
            MailslotTarget::AllInDomain => (0, String::new()),
            MailslotTarget::Remote(s) => (1, s.clone()),
            MailslotTarget::Local => return Err(Error::InvalidParameter("a local mailslot name")),
        };
        // The path after `\mailslot\`, in the caller's case (peers compare it case-insensitively).
        let path = full
            .get(2..)
            .and_then(|rest| rest.split_once('\\'))
            .and_then(|(_, rest)| rest.split_once('\\'))
            .map(|(_, path)| path.to_owned())
            .ok_or(Error::InvalidName(r"missing \mailslot\"))?;
        let printable = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
        if !printable(&server) || server.contains('.') || !printable(&path) || path.len() > 255 {
            return Err(Error::InvalidName(
                "a remote mailslot name is printable ASCII (NetBIOS names have no dot)",
            ));
        }
        let writer = RemoteWriter::connect_to(kind, server, path)?;
        // `|` separates the name's fields; the path, last, may hold one, the server may not.
        let named = if writer.server.contains('|') {
            Err(io::Error::other("unnamed"))
        } else {
            crate::Event::create(&writer.stand_in_name(), crate::EventReset::Manual, true)
        };
        let event = match named {
            Ok(e) => e,
            // Too long for a name, a server name with `|`, or the name taken by another kind
            // of object: an unnamed event, usable in this process only.
            Err(_) => crate::Event::new(crate::EventReset::Manual, true).map_err(unwrap_io)?,
        };
        let handle = event.into_handle();
        if inherit {
            handle.set_inheritable(true).map_err(unwrap_io)?;
        }
        Ok((handle, writer))
    }

    /// A writer for a target already checked, with its own connection to the daemon.
    fn connect_to(kind: u8, server: String, path: String) -> Result<RemoteWriter> {
        Ok(RemoteWriter {
            kind,
            server,
            path,
            socket: Mutex::new(connect_daemon()?),
        })
    }

    /// The name of the event that stands for a writer to this target. Backslashes of a
    /// multi-level path become `/` (object names keep `\` for namespaces).
    fn stand_in_name(&self) -> String {
        format!(
            "{STAND_IN_PREFIX}{}|{}|{}",
            self.kind,
            self.server,
            self.path.replace('\\', "/")
        )
    }

    /// The target named by a stand-in event's name: (kind, server, path).
    fn parse_stand_in(name: &[u8]) -> Option<(u8, String, String)> {
        let rest = std::str::from_utf8(name)
            .ok()?
            .strip_prefix(STAND_IN_PREFIX)?;
        let mut parts = rest.splitn(3, '|');
        let kind = match parts.next()? {
            "0" => 0,
            "1" => 1,
            _ => return None,
        };
        let server = parts.next()?.to_owned();
        let path = parts.next()?.replace('/', "\\");
        Some((kind, server, path))
    }

    /// Hands one message to the daemon and waits for its status.
    pub(crate) fn send(&self, msg: &[u8]) -> Result<()> {
        static IDS: AtomicU32 = AtomicU32::new(1);
        if msg.len() > MAX_REQUEST_PAYLOAD {
            return Err(Error::BadNetPath("message too large for a remote mailslot"));
        }
        let id = IDS.fetch_add(1, Ordering::Relaxed);
        let target = match self.kind {
            0 => Target::AllInDomain,
            _ => Target::Name(self.server.clone()),
        };
        let req = Request {
            id,
            target,
            path: self.path.clone(),
            payload: msg.to_vec(),
        }
        .encode()
        .map_err(|_| Error::InvalidName("not a valid remote mailslot name"))?;
        let socket = self.socket.lock().unwrap_or_else(|p| p.into_inner());
        match socket.send(&req) {
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::ConnectionRefused
                ) =>
            {
                return Err(NOT_RUNNING);
            }
            Err(e) => return Err(Error::Io(e)),
        }
        let mut buf = [0u8; 64];
        loop {
            let n = match socket.recv(&mut buf) {
                Ok(n) => n,
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Err(Error::BadNetPath(
                        "no answer from the winipc network daemon",
                    ));
                }
                Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => return Err(NOT_RUNNING),
                Err(e) => return Err(Error::Io(e)),
            };
            let Ok(reply) = Reply::decode(buf.get(..n).unwrap_or_default()) else {
                continue; // not an answer this version understands
            };
            if reply.id != id {
                continue; // a late answer to an earlier, timed-out request
            }
            return match reply.status {
                Status::Ok => Ok(()),
                Status::TooLarge => Err(Error::BadNetPath(
                    "message too large for a remote mailslot (the limit is 432 bytes less the \
                     slot name's length rounded up to 4)",
                )),
                Status::NameNotFound => Err(Error::BadNetPath("the network name cannot be found")),
                Status::Busy => Err(Error::BadNetPath("the winipc network daemon is busy")),
                Status::BadRequest => Err(Error::InvalidName("not a valid remote mailslot name")),
                Status::UnsupportedVersion => Err(Error::BadNetPath(
                    "the winipc network daemon speaks another protocol version",
                )),
                Status::SendFailed => Err(Error::BadNetPath("the network send failed")),
            };
        }
    }
}

/// This process's remote writers, by the object that stands for each.
static OPEN: Mutex<Vec<(ObjRef, Arc<RemoteWriter>)>> = Mutex::new(Vec::new());

fn open_writers() -> std::sync::MutexGuard<'static, Vec<(ObjRef, Arc<RemoteWriter>)>> {
    OPEN.lock().unwrap_or_else(|p| p.into_inner())
}

/// Whether `obj` still is the object it was (its slot may have been freed and reused).
fn alive(obj: ObjRef) -> bool {
    Store::get(obj.store).is_ok_and(|s| {
        crate::objects::kind_gen(s, obj.ix) == (Some(crate::Kind::Event), obj.generation)
    })
}

/// Records `writer` as the remote writer behind `obj`; forgets writers whose object is gone.
pub(crate) fn register(obj: ObjRef, writer: Arc<RemoteWriter>) {
    let mut open = open_writers();
    open.retain(|(o, _)| alive(*o));
    open.push((obj, writer));
}

/// The remote writer behind `obj`, if `obj` stands for one: opened in this process, or named
/// after its target (a handle inherited or duplicated from another process), in which case the
/// writer is rebuilt with a connection of this process's own.
pub(crate) fn lookup(obj: ObjRef) -> Option<Arc<RemoteWriter>> {
    let known = open_writers()
        .iter()
        .find(|(o, _)| *o == obj)
        .map(|(_, w)| Arc::clone(w));
    if known.is_some() {
        return known;
    }
    // Only a live event can stand for a writer: check that before reading any name.
    if !alive(obj) {
        return None;
    }
    let (tag, name) = crate::store::names::read(Store::get(obj.store).ok()?, obj.ix)?;
    if tag != crate::store::names::Tag::Object as u8 {
        return None;
    }
    let (kind, server, path) = RemoteWriter::parse_stand_in(&name)?;
    let writer = Arc::new(RemoteWriter::connect_to(kind, server, path).ok()?);
    register(obj, Arc::clone(&writer));
    Some(writer)
}

/// Where the winipc network daemon's request socket is, and whether it can be trusted.
///
/// The socket lives in a directory only its user (root) can create files in —
/// `/run/winipc/netd.sock` by default, or `$WINIPC_NETD_SOCKET` — so no other local user can
/// bind the name first and receive other users' remote writes. Both sides check: the daemon
/// refuses to bind in a directory another user could write to ([`check_private_dir`]), and
/// a client refuses a socket that is not owned by root or by the client's own user, or that
/// sits in such a directory ([`verify`]). A symlink (dangling or not) is never followed.
///
/// ```
/// use winipc::netd_socket;
/// let dir = std::env::temp_dir().join(format!("netd-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// // Our own directory (0755 by default umask): usable for a daemon we run ourselves.
/// std::fs::set_permissions(&dir, std::os::unix::fs::PermissionsExt::from_mode(0o755))?;
/// netd_socket::check_private_dir(&dir)?;
/// // A socket that does not exist: the daemon is not running.
/// assert!(netd_socket::verify(&dir.join("netd.sock")).is_err());
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub mod netd_socket {
    use std::fs;
    use std::io;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    use std::path::{Path, PathBuf};

    pub use winipc_nbt::netd::{DEFAULT_SOCKET_PATH, SOCKET_ENV};

    /// The request socket's path: `$WINIPC_NETD_SOCKET` when set, else
    /// `/run/winipc/netd.sock`.
    pub fn path() -> PathBuf {
        winipc_nbt::netd::socket_path(std::env::var_os(SOCKET_ENV).as_deref())
    }

    /// Whether files owned by `uid` may be trusted: root's, and the caller's own.
    pub fn trusted_uid(uid: u32) -> bool {
        uid == 0 || uid == winipc_sys::proc::geteuid()
    }

    fn refuse(path: &Path, why: impl std::fmt::Display) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!(
                "refusing {} for the winipc network daemon's socket: {why}",
                path.display()
            ),
        )
    }

    /// Checks `dir` (which must exist) as the socket's directory: a real directory (not a
    /// symlink), owned by root or the caller, writable by its owner only; and every directory
    /// above it owned by root or the caller and not writable by others unless sticky (as
    /// `/tmp`), so nobody else can rename it away.
    pub fn check_private_dir(dir: &Path) -> io::Result<()> {
        let meta = fs::symlink_metadata(dir).map_err(|e| refuse(dir, e))?;
        if meta.file_type().is_symlink() {
            return Err(refuse(dir, "it is a symbolic link"));
        }
        if !meta.is_dir() {
            return Err(refuse(dir, "not a directory"));
        }
        if !trusted_uid(meta.uid()) {
            return Err(refuse(dir, format!("owned by uid {}", meta.uid())));
        }
        if meta.mode() & 0o022 != 0 {
            return Err(refuse(
                dir,
                format!("writable by other users (mode {:o})", meta.mode() & 0o7777),
            ));
        }
        let canonical = fs::canonicalize(dir).map_err(|e| refuse(dir, e))?;
        for above in canonical.ancestors().skip(1) {
            let m = fs::metadata(above).map_err(|e| refuse(above, e))?;
            if !trusted_uid(m.uid()) {
                return Err(refuse(
                    dir,
                    format!("{} is owned by uid {}", above.display(), m.uid()),
                ));
            }
            if m.mode() & 0o022 != 0 && m.mode() & 0o1000 == 0 {
                return Err(refuse(
                    dir,
                    format!("{} is writable by other users", above.display()),
                ));
            }
        }
        Ok(())
    }

    /// Checks the daemon's socket before anything is sent to it: [`check_private_dir`] on
    /// its directory, then the socket itself, which must be a socket (not a symlink) owned by
    /// root or the caller. Returns the path to connect to (the directory resolved).
    ///
    /// Errors: `NotFound` when there is no socket (the daemon is not running); otherwise
    /// `PermissionDenied` with a message naming the path and why it is refused.
    pub fn verify(path: &Path) -> io::Result<PathBuf> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return Err(refuse(path, "not a file path"));
        };
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let dir = match fs::canonicalize(dir) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(e),
            Err(e) => return Err(refuse(path, e)),
        };
        check_private_dir(&dir)?;
        let socket = dir.join(name);
        let meta = fs::symlink_metadata(&socket)?;
        if meta.file_type().is_symlink() {
            return Err(refuse(&socket, "it is a symbolic link"));
        }
        if !meta.file_type().is_socket() {
            return Err(refuse(&socket, "not a socket"));
        }
        if !trusted_uid(meta.uid()) {
            return Err(refuse(
                &socket,
                format!("owned by uid {}, not root", meta.uid()),
            ));
        }
        Ok(socket)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stand_in_names_round_trip() {
        for (kind, server, path) in [
            (0, "", r"lb"),
            (1, "BUILDBOX", r"a\b\c"),
            (1, "HOST", r"with|bar"),
        ] {
            let w = RemoteWriter {
                kind,
                server: server.to_owned(),
                path: path.to_owned(),
                socket: Mutex::new(UnixDatagram::unbound().unwrap()),
            };
            let name = w.stand_in_name();
            assert!(!name.contains('\\'), "{name}");
            assert_eq!(
                RemoteWriter::parse_stand_in(name.as_bytes()),
                Some((kind, server.to_owned(), path.to_owned()))
            );
        }
        assert_eq!(RemoteWriter::parse_stand_in(b"an ordinary event"), None);
        assert_eq!(
            RemoteWriter::parse_stand_in(b"winipc.remote-mailslot|7|X|y"),
            None
        );
    }
}
