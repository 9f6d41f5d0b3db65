//! The client side: [`PipeClient`] (`CreateFile` on `\\.\pipe\name`), [`wait_named_pipe`]
//! and [`call_named_pipe`].

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::time::Duration;

use winipc_sys::names;
use winipc_sys::pipes::{self as sys, Kind};

use super::end::{Conn, Modes};
use super::frame::{self, Hello, Op, Reply, Settings, Status};
use super::rendezvous::ANSWER_NS;
use super::{ClientAccess, HandleState, Peek, PipeInfo, PipeType, ReadDone, ReadMode};
use crate::error::{Error, Result};
use crate::wait::deadline;

/// The client end of a named pipe (`CreateFile` on `\\.\pipe\name`).
///
/// Its descriptor ([`AsFd`], [`OwnedFd::from`]) is a connected Unix socket: a byte pipe's
/// client end can be any program's stdin or stdout. Reads fail with `ERROR_BROKEN_PIPE` once
/// the server closed its instance or died (after what it wrote), `ERROR_PIPE_NOT_CONNECTED`
/// after the server's `DisconnectNamedPipe`; writes then fail with `ERROR_NO_DATA` /
/// `ERROR_PIPE_NOT_CONNECTED`.
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::pipe::{PipeClient, PipeOptions};
/// let name = format!(r"\\.\pipe\client-{}", std::process::id());
/// let e = PipeClient::open(&name).unwrap_err();
/// assert_eq!(winipc::Error::win32_code_of(&e), winipc::code::ERROR_FILE_NOT_FOUND);
/// let server = PipeOptions::new().max_instances(1).create(&name)?;
/// let client = PipeClient::open(&name)?;
/// // The only instance is taken.
/// let e = PipeClient::open(&name).unwrap_err();
/// assert_eq!(winipc::Error::win32_code_of(&e), winipc::code::ERROR_PIPE_BUSY);
/// assert_eq!(server.client_pid()?, std::process::id());
/// assert_eq!(client.server_pid()?, std::process::id());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PipeClient {
    conn: Conn,
    settings: Option<Settings>,
    modes: Modes,
}

/// Connects to a free instance of `name` (one attempt: no waiting).
fn open_inner(name: &str, access: ClientAccess, shm: bool) -> Result<PipeClient> {
    let canon = super::name::parse(name)?;
    let sock = crate::machine_names::pipe_socket_name(canon.as_bytes(), None);
    // A holder that closes the connection without answering is letting go of the name:
    // look again (a few rounds).
    for _ in 0..20 {
        let conn = match names::find(&sock) {
            Ok(Some((conn, _owner))) => conn,
            Ok(None) => return Err(Error::NotFound),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::PipeBusy),
            Err(e) => return Err(e.into()),
        };
        let hello = Hello {
            op: Op::Connect,
            read: access.read,
            write: access.write,
            shm,
        };
        sys::send(&conn, &[&hello.encode()], false)?;
        let mut b = [0u8; frame::REPLY_LEN];
        let until = winipc_sys::time::monotonic_ns() + ANSWER_NS;
        let (n, fds) = match sys::recv_handshake_fds(&conn, &mut b, Some(until))? {
            None => return Err(Error::PipeBusy),
            Some((0, _)) => {
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Some(x) => x,
        };
        let reply = Reply::decode(&b[..n]).ok_or(Error::Corrupt("a pipe server's answer"))?;
        let mut fds = fds.into_iter();
        let (fd, memory) = (fds.next(), fds.next());
        return match (reply.status, fd) {
            (Status::Ok, Some(fd)) => {
                if sys::kind_of(&fd) != Some(reply.settings.kind) || !sys::is_connected_socket(&fd)
                {
                    return Err(Error::Corrupt("a pipe server's answer"));
                }
                let server_pid = names::peer_of(&fd)?.pid;
                let mut end = Conn::new(fd, Some(conn), reply.settings.kind, server_pid);
                match (reply.ring && shm, memory) {
                    (true, Some(memory)) => {
                        let shared = super::ring::Shared::attach(memory)?;
                        end = end.with_ring(shared, false)?;
                    }
                    (false, None) => {}
                    _ => return Err(Error::Corrupt("a pipe server's answer")),
                }
                Ok(PipeClient {
                    conn: end,
                    settings: Some(reply.settings),
                    modes: Modes::new(ReadMode::Byte, false, access.read, access.write),
                })
            }
            (Status::Busy, _) => Err(Error::PipeBusy),
            (Status::Denied | Status::WrongAccess, _) => Err(Error::AccessDenied),
            _ => Err(Error::Corrupt("a pipe server's answer")),
        };
    }
    Err(Error::NotFound)
}

impl PipeClient {
    /// `CreateFile(name, GENERIC_READ | GENERIC_WRITE, ...)`: connects to a free instance.
    /// No such pipe: `ERROR_FILE_NOT_FOUND`; every instance busy: `ERROR_PIPE_BUSY` (wait
    /// with [`wait_named_pipe`] and try again); another user's private pipe, or an access
    /// the pipe's direction does not allow: `ERROR_ACCESS_DENIED`; a bad name:
    /// `ERROR_INVALID_NAME`. The end starts in byte-read mode, blocking.
    pub fn open(name: &str) -> io::Result<PipeClient> {
        PipeClient::open_with(name, ClientAccess::DUPLEX)
    }

    /// `CreateFile` with the given access: reading needs a pipe the server writes
    /// (`PIPE_ACCESS_OUTBOUND` or `DUPLEX`), writing one it reads.
    pub fn open_with(name: &str, access: ClientAccess) -> io::Result<PipeClient> {
        Ok(open_inner(name, access, false)?)
    }

    /// [`open_with`](PipeClient::open_with), asking for the shared-memory data path
    /// (decision 0016): if the server's instance was made with
    /// [`PipeOptions::shared_memory`](super::PipeOptions::shared_memory), reads and writes go
    /// through two rings in memory shared by the two processes, without a system call per
    /// message; otherwise the end is an ordinary one. Use such an end through its methods
    /// only: its descriptor ([`AsFd`]) shows the server's hang-up but not the data in shared
    /// memory, and an end turned into an [`OwnedFd`] leaves behind what the server had
    /// written into shared memory and this end had not read yet (from then on both
    /// directions use the socket).
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// use winipc::pipe::{ClientAccess, PipeClient, PipeOptions, PipeType, ReadMode};
    /// let name = format!(r"\\.\pipe\shared-{}", std::process::id());
    /// let server = PipeOptions::new()
    ///     .pipe_type(PipeType::Message)
    ///     .read_mode(ReadMode::Message)
    ///     .shared_memory(true)
    ///     .create(&name)?;
    /// let client = PipeClient::open_shared(&name, ClientAccess::DUPLEX)?;
    /// assert!(client.uses_shared_memory());
    /// client.send(b"hello")?;
    /// let mut buf = [0u8; 16];
    /// assert_eq!(server.recv(&mut buf)?.len, 5);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open_shared(name: &str, access: ClientAccess) -> io::Result<PipeClient> {
        Ok(open_inner(name, access, true)?)
    }

    /// Whether this end uses the shared-memory data path for at least one direction now.
    pub fn uses_shared_memory(&self) -> bool {
        self.conn.uses_ring()
    }

    #[doc(hidden)]
    /// Test hook: writes garbage over both rings' words, as a hostile client could.
    pub fn scribble_shared_memory(&self, seed: u64) {
        self.conn.scribble_ring(seed);
    }

    /// Adopts a pipe end received as a bare descriptor (an inherited stdin, say): a
    /// `SOCK_STREAM` socket is a byte pipe, a `SOCK_SEQPACKET` one a message pipe. Such an
    /// end cannot tell a server's disconnect from its close (both are `ERROR_BROKEN_PIPE`),
    /// and `GetNamedPipeInfo` reports default buffer sizes for it. Anything else:
    /// `ERROR_INVALID_HANDLE`.
    pub fn from_fd(fd: OwnedFd) -> io::Result<PipeClient> {
        let kind = sys::kind_of(&fd).ok_or(Error::InvalidHandle)?;
        if !sys::is_connected_socket(&fd) {
            return Err(Error::InvalidHandle.into());
        }
        let peer = names::peer_of(&fd).map(|p| p.pid).unwrap_or(0);
        Ok(PipeClient {
            conn: Conn::new(fd, None, kind, peer),
            settings: None,
            modes: Modes::new(ReadMode::Byte, false, true, true),
        })
    }

    /// `ReadFile` (see [`super::PipeInstance::recv`]).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<ReadDone> {
        self.recv_timeout(buf, None)
    }

    /// [`PipeClient::recv`] with a timeout (`ERROR_TIMEOUT`).
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Option<Duration>) -> io::Result<ReadDone> {
        Ok(self.modes.recv(&self.conn, buf, deadline(timeout))?)
    }

    /// Reads without blocking: `None` if nothing is there yet.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<Option<ReadDone>> {
        Ok(self.modes.try_read(&self.conn, buf)?)
    }

    /// `WriteFile` (see [`super::PipeInstance::send`]).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_timeout(buf, None)
    }

    /// [`PipeClient::send`] with a timeout (`ERROR_TIMEOUT`).
    pub fn send_timeout(&self, buf: &[u8], timeout: Option<Duration>) -> io::Result<usize> {
        Ok(self.modes.send(&self.conn, buf, deadline(timeout))?)
    }

    /// Writes without blocking: `None` if the pipe is full.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<Option<usize>> {
        Ok(self.modes.try_write(&self.conn, buf)?)
    }

    /// `PeekNamedPipe`.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<Peek> {
        Ok(self.conn.peek(buf)?)
    }

    /// `TransactNamedPipe` (see [`super::PipeInstance::transact`]).
    pub fn transact(&self, input: &[u8], output: &mut [u8]) -> io::Result<ReadDone> {
        Ok(self.modes.transact(&self.conn, input, output)?)
    }

    /// The first half of [`PipeClient::transact`] (see [`super::PipeInstance::transact_write`]).
    pub fn transact_write(&self, input: &[u8]) -> io::Result<()> {
        Ok(self.modes.transact_write(&self.conn, input)?)
    }

    /// `FlushFileBuffers`: waits until the server has read everything written.
    pub fn flush_buffers(&self) -> io::Result<()> {
        Ok(self.conn.flush(None)?)
    }

    /// `GetNamedPipeInfo` on the client end.
    pub fn info(&self) -> PipeInfo {
        let pipe_type = match self.conn.kind {
            Kind::Byte => PipeType::Byte,
            Kind::Message => PipeType::Message,
        };
        match self.settings {
            Some(s) => PipeInfo {
                server_end: false,
                pipe_type,
                out_buffer: s.out_buffer,
                in_buffer: s.in_buffer,
                max_instances: s.max_instances,
            },
            None => PipeInfo {
                server_end: false,
                pipe_type,
                out_buffer: 0,
                in_buffer: 0,
                max_instances: super::flags::PIPE_UNLIMITED_INSTANCES,
            },
        }
    }

    /// Whether `PIPE_NOWAIT` is set on this end (see [`super::PipeOptions::nowait`]).
    pub fn nowait(&self) -> bool {
        self.modes.nowait()
    }

    /// `GetNamedPipeHandleState` (`instances` is 1: see decision 0011).
    pub fn handle_state(&self) -> HandleState {
        self.modes.state(1)
    }

    /// `SetNamedPipeHandleState`: message-read mode on a byte pipe is
    /// `ERROR_INVALID_PARAMETER`.
    pub fn set_handle_state(
        &self,
        read_mode: Option<ReadMode>,
        nowait: Option<bool>,
    ) -> io::Result<()> {
        Ok(self.modes.set(self.conn.kind, read_mode, nowait)?)
    }

    /// `GetNamedPipeServerProcessId`: the process serving this connection (`SO_PEERCRED`).
    pub fn server_pid(&self) -> io::Result<u32> {
        Ok(self.conn.peer_pid)
    }

    /// `GetNamedPipeClientProcessId` on the client end: this process.
    pub fn client_pid(&self) -> u32 {
        winipc_sys::proc::getpid()
    }
}

impl AsFd for PipeClient {
    /// The connected socket: readable, writable and hung up as the pipe is (for epoll-driven
    /// I/O with [`PipeClient::try_read`] / [`PipeClient::try_write`]).
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.conn.fd()
    }
}

impl From<PipeClient> for OwnedFd {
    /// The end's socket, e.g. for a child's stdin or stdout (`Stdio::from`). A message
    /// pipe's records carry winipc's one-byte header (decision 0011).
    fn from(c: PipeClient) -> OwnedFd {
        c.conn.into_fd()
    }
}

stream_io!(PipeClient);

impl io::Read for PipeClient {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self).read(buf)
    }
}

impl io::Write for PipeClient {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self).write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `WaitNamedPipe(name, timeout)`: waits until an instance of the pipe is free to connect to
/// (`None` = `NMPWAIT_WAIT_FOREVER`). No such pipe: `ERROR_FILE_NOT_FOUND`; none free in
/// time: `ERROR_SEM_TIMEOUT`. As on Windows, a free instance may be taken by another client
/// before this caller's `CreateFile`.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::pipe::{wait_named_pipe, PipeClient, PipeOptions};
/// let name = format!(r"\\.\pipe\wait-{}", std::process::id());
/// let e = wait_named_pipe(&name, Some(Duration::ZERO)).unwrap_err();
/// assert_eq!(winipc::Error::win32_code_of(&e), winipc::code::ERROR_FILE_NOT_FOUND);
/// let _server = PipeOptions::new().max_instances(1).create(&name)?;
/// wait_named_pipe(&name, Some(Duration::ZERO))?; // free now
/// let _client = PipeClient::open(&name)?;
/// let e = wait_named_pipe(&name, Some(Duration::from_millis(20))).unwrap_err();
/// assert_eq!(winipc::Error::win32_code_of(&e), winipc::code::ERROR_SEM_TIMEOUT);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn wait_named_pipe(name: &str, timeout: Option<Duration>) -> io::Result<()> {
    Ok(wait_inner(name, Some(timeout))?)
}

/// `WaitNamedPipe(name, NMPWAIT_USE_DEFAULT_WAIT)`: waits the pipe's default timeout.
pub fn wait_named_pipe_default(name: &str) -> io::Result<()> {
    Ok(wait_inner(name, None)?)
}

/// How often a `WaitNamedPipe` asks again.
const REPROBE_NS: u64 = 100_000_000;

/// `timeout`: `None` = the pipe's default; `Some(None)` = forever.
fn wait_inner(name: &str, timeout: Option<Option<Duration>>) -> Result<()> {
    let canon = super::name::parse(name)?;
    let sock = crate::machine_names::pipe_socket_name(canon.as_bytes(), None);
    let started = winipc_sys::time::monotonic_ns();
    loop {
        let conn = match names::find(&sock) {
            Ok(Some((conn, _))) => conn,
            Ok(None) => return Err(Error::NotFound),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                // The holders accept nothing (stopped, or flooded): wait, within the timeout.
                let waited = Duration::from_nanos(winipc_sys::time::monotonic_ns() - started);
                if timeout.flatten().is_some_and(|t| waited >= t) {
                    return Err(Error::SemTimeout);
                }
                std::thread::sleep(Duration::from_millis(1));
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let hello = Hello {
            op: Op::Wait,
            read: false,
            write: false,
            shm: false,
        };
        sys::send(&conn, &[&hello.encode()], false)?;
        let mut b = [0u8; frame::REPLY_LEN];
        let first = sys::recv_handshake(
            &conn,
            &mut b,
            Some(winipc_sys::time::monotonic_ns() + ANSWER_NS),
        )?;
        let reply = match first {
            None => return Err(Error::SemTimeout),
            Some((0, _)) => {
                std::thread::sleep(Duration::from_millis(1));
                continue; // the holder is letting go: look again
            }
            Some((n, _)) => {
                Reply::decode(&b[..n]).ok_or(Error::Corrupt("a pipe server's answer"))?
            }
        };
        match reply.status {
            Status::Free => return Ok(()),
            Status::Denied => return Err(Error::AccessDenied),
            Status::Queued => {}
            _ => return Err(Error::Corrupt("a pipe server's answer")),
        }
        let wait = match timeout {
            None => Some(Duration::from_millis(u64::from(
                reply.settings.default_timeout_ms,
            ))),
            Some(t) => t,
        };
        let until =
            wait.map(|d| started.saturating_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)));
        // Another process's instance may free first, which this holder does not hear of:
        // ask again (a new connection, maybe answered by another holder) now and then.
        let now = winipc_sys::time::monotonic_ns();
        let round = now + REPROBE_NS;
        let this_round = until.map_or(round, |u| u.min(round));
        match sys::recv_handshake(&conn, &mut b, Some(this_round))? {
            None if until.is_some_and(|u| this_round >= u) => return Err(Error::SemTimeout),
            None => continue,
            Some((0, _)) => {
                // The server process closed its instances (or died): is the pipe still there?
                if until.is_some_and(|u| winipc_sys::time::monotonic_ns() >= u) {
                    return Err(Error::SemTimeout);
                }
                continue;
            }
            Some((n, _)) => match Reply::decode(&b[..n]).map(|r| r.status) {
                Some(Status::Free) => return Ok(()),
                _ => return Err(Error::Corrupt("a pipe server's answer")),
            },
        }
    }
}

/// `CallNamedPipe`: waits up to `timeout` for a free instance (`None` = forever), connects,
/// switches to message-read mode, transacts one message and closes.
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::pipe::{call_named_pipe, PipeOptions, PipeType, ReadMode};
/// let name = format!(r"\\.\pipe\call-{}", std::process::id());
/// let server = PipeOptions::new().pipe_type(PipeType::Message).read_mode(ReadMode::Message).create(&name)?;
/// let t = std::thread::spawn(move || -> std::io::Result<()> {
///     server.connect()?;
///     let mut b = [0u8; 16];
///     let got = server.recv(&mut b)?;
///     server.send(&b[..got.len].to_ascii_uppercase())?;
///     Ok(())
/// });
/// let mut out = [0u8; 16];
/// let got = call_named_pipe(&name, b"ping", &mut out, None)?;
/// assert_eq!(&out[..got.len], b"PING");
/// t.join().unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn call_named_pipe(
    name: &str,
    input: &[u8],
    output: &mut [u8],
    timeout: Option<Duration>,
) -> io::Result<ReadDone> {
    let until = deadline(timeout);
    let client = loop {
        match open_inner(name, ClientAccess::DUPLEX, false) {
            Ok(c) => break c,
            Err(Error::PipeBusy) => {
                let left = until.map(|u| {
                    Duration::from_nanos(u.saturating_sub(winipc_sys::time::monotonic_ns()))
                });
                wait_named_pipe(name, left)?;
            }
            Err(e) => return Err(e.into()),
        }
    };
    client.set_handle_state(Some(ReadMode::Message), None)?;
    client.transact(input, output)
}
