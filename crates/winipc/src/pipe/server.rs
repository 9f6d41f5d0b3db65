//! The server side: [`PipeOptions`] (`CreateNamedPipe`'s arguments) and [`PipeInstance`]
//! (one instance: `ConnectNamedPipe`, `DisconnectNamedPipe`, I/O).

use std::cell::RefCell;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use std::sync::atomic::Ordering;
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use winipc_sys::names::{self as names, Claim};
use winipc_sys::pipes::{self as sys, Kind};

use super::end::{Conn, Modes};
use super::frame::Settings;
use super::rendezvous::{self, Instance, InstanceState, Link, Name};
use super::{
    Connected, DEFAULT_TIMEOUT, HandleState, Peek, PipeAccess, PipeInfo, PipeType, ReadDone,
    ReadMode, flags,
};
use crate::error::{Error, Result};
use crate::security::Security;
use crate::wait::deadline;

/// `CreateNamedPipe`'s arguments, as a builder.
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::pipe::{PipeOptions, PipeAccess, PipeType};
/// let name = format!(r"\\.\pipe\opts-{}", std::process::id());
/// let first = PipeOptions::new().access(PipeAccess::Inbound).max_instances(1).create(&name)?;
/// // A second instance of a pipe limited to one is busy.
/// let e = PipeOptions::new().access(PipeAccess::Inbound).create(&name).unwrap_err();
/// assert_eq!(winipc::Error::win32_code_of(&e), winipc::code::ERROR_PIPE_BUSY);
/// # drop(first);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct PipeOptions {
    access: PipeAccess,
    pipe_type: PipeType,
    read_mode: ReadMode,
    nowait: bool,
    max_instances: u32,
    out_buffer: u32,
    in_buffer: u32,
    default_timeout: Duration,
    first_instance: bool,
    security: Security,
    shared_memory: bool,
}

impl Default for PipeOptions {
    fn default() -> PipeOptions {
        PipeOptions::new()
    }
}

impl PipeOptions {
    /// A duplex byte pipe read in byte mode, blocking, with unlimited instances, 4 KiB buffer
    /// hints, the 50 ms default timeout and default (creator-only) security.
    pub fn new() -> PipeOptions {
        PipeOptions {
            access: PipeAccess::Duplex,
            pipe_type: PipeType::Byte,
            read_mode: ReadMode::Byte,
            nowait: false,
            max_instances: flags::PIPE_UNLIMITED_INSTANCES,
            out_buffer: 4096,
            in_buffer: 4096,
            default_timeout: DEFAULT_TIMEOUT,
            first_instance: false,
            security: Security::default(),
            shared_memory: false,
        }
    }

    /// Translates `CreateNamedPipe`'s `dwOpenMode`, `dwPipeMode`, `nMaxInstances`,
    /// `nOutBufferSize`, `nInBufferSize` and `nDefaultTimeOut` (ms, 0 = 50 ms).
    /// `FILE_FLAG_OVERLAPPED` and `FILE_FLAG_WRITE_THROUGH` are the caller's business (they
    /// change nothing here); `PIPE_REJECT_REMOTE_CLIENTS` is accepted (every client is local).
    /// No access direction, message-read mode on a byte pipe, or an instance count outside
    /// 1..=255 is `ERROR_INVALID_PARAMETER`.
    ///
    /// ```
    /// use winipc::pipe::{PipeOptions, flags::*};
    /// assert!(PipeOptions::from_win32(PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0).is_ok());
    /// assert!(PipeOptions::from_win32(PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0).is_err());
    /// assert!(PipeOptions::from_win32(0, 0, 1, 0, 0, 0).is_err());
    /// assert!(PipeOptions::from_win32(PIPE_ACCESS_INBOUND, 0, 0, 0, 0, 0).is_err());
    /// ```
    pub fn from_win32(
        open_mode: u32,
        pipe_mode: u32,
        max_instances: u32,
        out_buffer: u32,
        in_buffer: u32,
        default_timeout_ms: u32,
    ) -> io::Result<PipeOptions> {
        let access = match open_mode & flags::PIPE_ACCESS_DUPLEX {
            flags::PIPE_ACCESS_INBOUND => PipeAccess::Inbound,
            flags::PIPE_ACCESS_OUTBOUND => PipeAccess::Outbound,
            flags::PIPE_ACCESS_DUPLEX => PipeAccess::Duplex,
            _ => return Err(Error::InvalidParameter("no PIPE_ACCESS_* direction").into()),
        };
        let known = flags::PIPE_TYPE_MESSAGE
            | flags::PIPE_READMODE_MESSAGE
            | flags::PIPE_NOWAIT
            | flags::PIPE_REJECT_REMOTE_CLIENTS;
        if pipe_mode & !known != 0 {
            return Err(Error::InvalidParameter("unknown pipe mode bits").into());
        }
        let mut o = PipeOptions::new();
        o.access(access)
            .pipe_type(if pipe_mode & flags::PIPE_TYPE_MESSAGE != 0 {
                PipeType::Message
            } else {
                PipeType::Byte
            })
            .read_mode(if pipe_mode & flags::PIPE_READMODE_MESSAGE != 0 {
                ReadMode::Message
            } else {
                ReadMode::Byte
            })
            .nowait(pipe_mode & flags::PIPE_NOWAIT != 0)
            .max_instances(max_instances)
            .buffer_sizes(out_buffer, in_buffer)
            .default_timeout(if default_timeout_ms == 0 {
                DEFAULT_TIMEOUT
            } else {
                Duration::from_millis(u64::from(default_timeout_ms))
            })
            .first_instance(open_mode & flags::FILE_FLAG_FIRST_PIPE_INSTANCE != 0);
        o.check()?;
        Ok(o)
    }

    fn check(&self) -> Result<()> {
        if self.pipe_type == PipeType::Byte && self.read_mode == ReadMode::Message {
            return Err(Error::InvalidParameter(
                "message-read mode needs a message pipe",
            ));
        }
        if !(1..=flags::PIPE_UNLIMITED_INSTANCES).contains(&self.max_instances) {
            return Err(Error::InvalidParameter("nMaxInstances is 1..=255"));
        }
        Ok(())
    }

    /// The direction of data (`PIPE_ACCESS_*`).
    pub fn access(&mut self, a: PipeAccess) -> &mut Self {
        self.access = a;
        self
    }

    /// Byte or message pipe (`PIPE_TYPE_*`).
    pub fn pipe_type(&mut self, t: PipeType) -> &mut Self {
        self.pipe_type = t;
        self
    }

    /// This handle's read mode (`PIPE_READMODE_*`).
    pub fn read_mode(&mut self, m: ReadMode) -> &mut Self {
        self.read_mode = m;
        self
    }

    /// `PIPE_NOWAIT`: reads, writes and connects never block.
    pub fn nowait(&mut self, on: bool) -> &mut Self {
        self.nowait = on;
        self
    }

    /// `nMaxInstances`: 1..=254, or 255 (`PIPE_UNLIMITED_INSTANCES`) for no limit. Fixed by
    /// the pipe's first instance.
    pub fn max_instances(&mut self, n: u32) -> &mut Self {
        self.max_instances = n;
        self
    }

    /// `nOutBufferSize`, `nInBufferSize`: reported by `GetNamedPipeInfo`, otherwise advisory
    /// (the kernel sizes socket buffers).
    pub fn buffer_sizes(&mut self, out_buffer: u32, in_buffer: u32) -> &mut Self {
        self.out_buffer = out_buffer;
        self.in_buffer = in_buffer;
        self
    }

    /// `nDefaultTimeOut`: what `WaitNamedPipe(NMPWAIT_USE_DEFAULT_WAIT)` waits.
    pub fn default_timeout(&mut self, t: Duration) -> &mut Self {
        self.default_timeout = t;
        self
    }

    /// `FILE_FLAG_FIRST_PIPE_INSTANCE`: fail with `ERROR_ACCESS_DENIED` if the pipe exists.
    pub fn first_instance(&mut self, on: bool) -> &mut Self {
        self.first_instance = on;
        self
    }

    /// Offers this instance's clients the shared-memory data path (decision 0016; default
    /// off): a client that asks for it ([`PipeClient::open_shared`](super::PipeClient::open_shared))
    /// gets two rings in a sealed, unnamed memory file made for that connection alone, one
    /// per direction, of 1 MiB each whatever the buffer sizes (decision 0022; 2 MiB of shared
    /// memory per connection, written when it is made); messages and byte chunks then go
    /// through them without a system call each. Use such an
    /// instance through its methods: [`PipeInstance::readiness_fd`] shows the client's
    /// hang-up, not the data in shared memory.
    pub fn shared_memory(&mut self, on: bool) -> &mut Self {
        self.shared_memory = on;
        self
    }

    /// Who may connect: the creator's user (default) or everyone ([`Security::everyone`], a
    /// NULL DACL). Root may always connect.
    pub fn security(&mut self, s: Security) -> &mut Self {
        self.security = s;
        self
    }

    fn settings(&self) -> Settings {
        Settings {
            kind: match self.pipe_type {
                PipeType::Byte => Kind::Byte,
                PipeType::Message => Kind::Message,
            },
            access: self.access,
            public: self.security.admits_everyone(),
            max_instances: self.max_instances,
            default_timeout_ms: self
                .default_timeout
                .as_millis()
                .min(u128::from(u32::MAX - 1)) as u32,
            out_buffer: self.out_buffer,
            in_buffer: self.in_buffer,
        }
    }

    /// `CreateNamedPipe`: creates an instance of the pipe `name` (`\\.\pipe\...`), listening
    /// for a client. The first instance creates the pipe and fixes its type, direction,
    /// instance limit and security; later ones (in any process of the same user) must ask
    /// for the same type and direction (`ERROR_ACCESS_DENIED` otherwise). Over the instance
    /// limit: `ERROR_PIPE_BUSY`. Another user's pipe of that name: `ERROR_ACCESS_DENIED`.
    pub fn create(&self, name: &str) -> io::Result<PipeInstance> {
        Ok(self.create_inner(name)?)
    }

    fn create_inner(&self, name: &str) -> Result<PipeInstance> {
        self.check()?;
        let canon = super::name::parse(name)?;
        let sock = crate::machine_names::pipe_socket_name(canon.as_bytes(), None);
        let want = self.settings();
        let mut named: Option<Arc<Name>> = None;
        for attempt in 0..100 {
            if let Some(n) = rendezvous::local(&sock) {
                if n.all_closed() && attempt < 99 {
                    // Its last instance was just closed and the acceptor is letting go of
                    // the name: as on Windows, the pipe is gone — wait for that, then start
                    // afresh (its settings, instance slots and first-instance rule with it).
                    drop(n);
                    std::thread::sleep(std::time::Duration::from_millis(2));
                    continue;
                }
                if self.first_instance {
                    return Err(Error::AccessDenied);
                }
                named = Some(n);
                break;
            }
            match names::claim(&sock)? {
                Claim::Bound(listener) => {
                    let secret = rendezvous::new_secret();
                    named = Some(rendezvous::serve(sock.clone(), listener, want, secret)?);
                    break;
                }
                Claim::Taken if self.first_instance => return Err(Error::AccessDenied),
                Claim::Taken => {}
            }
            if let Some((listener, settings, secret)) = rendezvous::join(&sock)? {
                named = Some(rendezvous::serve(sock.clone(), listener, settings, secret)?);
                break;
            }
        }
        let name_ref = named.ok_or(Error::Timeout)?;
        let have = name_ref.settings;
        // Later instances must keep the pipe's direction; their type (like their limit,
        // sizes and timeout) is the first instance's, whatever they ask (as on Windows).
        if have.access != want.access {
            return Err(Error::AccessDenied);
        }
        let read_mode = if have.kind == Kind::Byte {
            ReadMode::Byte
        } else {
            self.read_mode
        };
        let slot = if have.max_instances < flags::PIPE_UNLIMITED_INSTANCES {
            Some(rendezvous::claim_slot(&name_ref, have.max_instances)?.ok_or(Error::PipeBusy)?)
        } else {
            None
        };
        let inst = name_ref.add_instance(slot, self.shared_memory)?;
        let listing = super::listing::list(&canon, &have);
        Ok(PipeInstance {
            _listing: listing,
            name: name_ref,
            inst,
            display: canon,
            modes: Modes::new(
                read_mode,
                self.nowait,
                have.access.server_reads(),
                have.access.server_writes(),
            ),
        })
    }
}

thread_local! {
    /// The connection with shared memory this thread last used through a [`PipeInstance`],
    /// with its [`Conn::id`] (see [`PipeInstance::with_conn`]; decision 0022). It keeps that
    /// connection's descriptors and memory after its instance dropped or disconnected it on
    /// another thread, until this thread uses another such connection or ends (the instance
    /// shut the connection down already: the peer sees it closed).
    static LAST: RefCell<Option<(u64, Arc<Conn>)>> = const { RefCell::new(None) };
}

/// One server instance of a named pipe (the handle `CreateNamedPipe` returns).
///
/// Reading and writing need a connected client: before one is assigned they fail with
/// `ERROR_PIPE_LISTENING`, after [`PipeInstance::disconnect`] with `ERROR_PIPE_NOT_CONNECTED`.
/// When the client closes or dies, reads fail with `ERROR_BROKEN_PIPE` (after what it wrote)
/// and writes with `ERROR_NO_DATA`. Dropping the instance closes it; the client then reads
/// what remains and `ERROR_BROKEN_PIPE`.
///
/// `&PipeInstance` implements [`io::Read`] and [`io::Write`] (several threads may read and
/// write one instance, as on Windows).
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::pipe::{Connected, PipeClient, PipeOptions};
/// let name = format!(r"\\.\pipe\instance-{}", std::process::id());
/// let server = PipeOptions::new().create(&name)?;
/// let code = |e: std::io::Error| winipc::Error::win32_code_of(&e);
/// assert_eq!(code(server.send(b"x").unwrap_err()), winipc::code::ERROR_PIPE_LISTENING);
/// assert_eq!(server.try_connect()?, None); // a connect is now pending
/// let client = PipeClient::open(&name)?;
/// assert_eq!(server.try_connect()?, Some(Connected::Now));
/// server.disconnect()?;
/// assert_eq!(code(client.send(b"x").unwrap_err()), winipc::code::ERROR_PIPE_NOT_CONNECTED);
/// // Disconnected: busy until the server connects again.
/// assert_eq!(code(PipeClient::open(&name).unwrap_err()), winipc::code::ERROR_PIPE_BUSY);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct PipeInstance {
    name: Arc<Name>,
    inst: Arc<Instance>,
    display: String,
    modes: Modes,
    /// What the inspector shows of the pipe while this instance lives.
    _listing: super::listing::Listing,
}

impl PipeInstance {
    fn state(&self) -> MutexGuard<'_, InstanceState> {
        self.inst.state.lock().expect("pipe instance")
    }

    /// The connection, if a client is assigned.
    fn conn(&self) -> Result<Arc<Conn>> {
        match &self.state().link {
            Link::Connected(c) => Ok(c.clone()),
            Link::Listening => Err(Error::PipeListening),
            Link::Disconnected => Err(Error::PipeNotConnected),
        }
    }

    /// Runs `f` on the connection, as [`PipeInstance::conn`] would give it — but when this
    /// thread used the same connection last, without the instance's lock or a reference
    /// count: their read-modify-writes would wait for the stores of a shared-memory read or
    /// write to lines the peer on another CPU is using (decision 0022). The thread keeps a
    /// reference to the connection it used last ([`LAST`]); a connection replaced or
    /// dropped since (the instance's `current` id changed) is looked up again. Only
    /// connections with shared memory are kept so.
    fn with_conn<R>(&self, f: impl FnOnce(&Conn) -> Result<R>) -> io::Result<R> {
        let mut f = Some(f);
        let id = self.inst.current.load(Ordering::Acquire);
        if id != 0 {
            // The result leaves the closure as an `io::Result` (a pointer-sized error): the
            // crate's error packed around `R` was copied in odd-sized overlapping pieces whose
            // re-read could not be forwarded from the store buffer, and so waited for the
            // ring read's stores (`perf annotate`, issue 17).
            let mut hit = None;
            let _ = LAST.try_with(|last| {
                if let Ok(last) = last.try_borrow()
                    && let Some((seen, c)) = last.as_ref()
                    && *seen == id
                    && let Some(f) = f.take()
                {
                    hit = Some(f(c).map_err(io::Error::from));
                }
            });
            if let Some(r) = hit {
                return r;
            }
        }
        let c = self.conn()?;
        if c.has_ring() {
            // (Only ends with shared memory: a socket end makes a system call per read or
            // write anyway, and its descriptors close with the instance.)
            let _ = LAST.try_with(|last| {
                if let Ok(mut last) = last.try_borrow_mut() {
                    *last = Some((c.id, c.clone()));
                }
            });
        }
        let f = f.take().ok_or(Error::InvalidHandle)?;
        Ok(f(&c)?)
    }

    /// Forgets this thread's reference to connection `id` (it is being dropped from the
    /// instance: its descriptors should close with it).
    fn forget_conn(id: u64) {
        let _ = LAST.try_with(|last| {
            if let Ok(mut last) = last.try_borrow_mut()
                && last.as_ref().is_some_and(|(seen, _)| *seen == id)
            {
                *last = None;
            }
        });
    }

    /// The pipe's name, lower-cased (`\\.\pipe\...`).
    pub fn name(&self) -> &str {
        &self.display
    }

    /// `ConnectNamedPipe`: waits for a client. [`Connected::Already`] if one came before the
    /// call (`ERROR_PIPE_CONNECTED`); `ERROR_NO_DATA` if it came and has already gone. After
    /// [`PipeInstance::disconnect`] this makes the instance listen again. With `PIPE_NOWAIT`
    /// it returns at once: `ERROR_PIPE_LISTENING` while no client is there.
    pub fn connect(&self) -> io::Result<Connected> {
        self.connect_timeout(None)
    }

    /// [`PipeInstance::connect`] with a timeout (`ERROR_TIMEOUT` when it passes).
    pub fn connect_timeout(&self, timeout: Option<Duration>) -> io::Result<Connected> {
        let until = deadline(timeout);
        if let Some(done) = self.try_connect()? {
            return Ok(done);
        }
        if self.modes.state(0).nowait {
            self.state().connect_pending = false;
            return Err(Error::PipeListening.into());
        }
        let mut st = self.state();
        loop {
            match &st.link {
                Link::Connected(_) => {
                    st.connect_pending = false;
                    sys::clear(&self.inst.notify);
                    return Ok(Connected::Now);
                }
                Link::Disconnected => {
                    st.connect_pending = false;
                    return Err(Error::PipeNotConnected.into());
                }
                Link::Listening => {}
            }
            match until {
                None => st = self.inst.changed.wait(st).expect("pipe instance"),
                Some(d) => {
                    let left = d.saturating_sub(winipc_sys::time::monotonic_ns());
                    if left == 0 {
                        st.connect_pending = false;
                        return Err(Error::Timeout.into());
                    }
                    st = self
                        .inst
                        .changed
                        .wait_timeout(st, Duration::from_nanos(left))
                        .expect("pipe instance")
                        .0;
                }
            }
        }
    }

    /// Starts or continues a `ConnectNamedPipe` without blocking: `Some` once a client is
    /// there, `None` while the instance listens (the connect is then pending: a client that
    /// arrives completes it as [`Connected::Now`], and [`PipeInstance::connect_fd`] becomes
    /// readable). Abandoning a pending connect needs nothing.
    pub fn try_connect(&self) -> io::Result<Option<Connected>> {
        let mut st = self.state();
        let pending = st.connect_pending;
        match &st.link {
            Link::Connected(c) => {
                let c = c.clone();
                st.connect_pending = false;
                sys::clear(&self.inst.notify);
                if pending {
                    return Ok(Some(Connected::Now));
                }
                if c.peer_gone() && !c.has_unread().unwrap_or(false) {
                    return Err(Error::NoData.into());
                }
                Ok(Some(Connected::Already))
            }
            Link::Listening => {
                st.connect_pending = true;
                Ok(None)
            }
            Link::Disconnected => {
                st.link = Link::Listening;
                st.listen_seq = rendezvous::next_listen_seq();
                st.connect_pending = true;
                drop(st);
                self.name.instance_listening();
                Ok(None)
            }
        }
    }

    /// Readable (an eventfd) once a client has been assigned to this instance; cleared by the
    /// connect that reports it. For event loops driving [`PipeInstance::try_connect`].
    pub fn connect_fd(&self) -> BorrowedFd<'_> {
        self.inst.notify.as_fd()
    }

    /// A duplicate of the current connection's socket, for polling readiness of
    /// [`PipeInstance::try_read`] / [`PipeInstance::try_write`] (it becomes readable and
    /// hung up when the connection ends, and refers to that connection only).
    pub fn readiness_fd(&self) -> io::Result<OwnedFd> {
        self.conn()?.fd().try_clone_to_owned()
    }

    /// `DisconnectNamedPipe`: drops the client (whose reads and writes then fail with
    /// `ERROR_PIPE_NOT_CONNECTED`; unread data is discarded for this side). The instance then
    /// takes no client until [`PipeInstance::connect`]. On an instance without a client:
    /// `ERROR_PIPE_LISTENING`.
    pub fn disconnect(&self) -> io::Result<()> {
        let mut st = self.state();
        match std::mem::replace(&mut st.link, Link::Disconnected) {
            Link::Connected(c) => {
                self.inst.current.store(0, Ordering::Release);
                PipeInstance::forget_conn(c.id);
                c.disconnect(self.name.settings);
                st.connect_pending = false;
                sys::clear(&self.inst.notify);
                self.inst.changed.notify_all();
                Ok(())
            }
            Link::Listening => {
                st.link = Link::Listening;
                Err(Error::PipeListening.into())
            }
            Link::Disconnected => Err(Error::PipeNotConnected.into()),
        }
    }

    /// `ReadFile`: reads in this handle's read mode, waiting for data (not with `PIPE_NOWAIT`:
    /// `ERROR_NO_DATA`). In message-read mode a message larger than `buf` gives its start and
    /// `more` (`ERROR_MORE_DATA`).
    pub fn recv(&self, buf: &mut [u8]) -> io::Result<ReadDone> {
        self.recv_timeout(buf, None)
    }

    /// [`PipeInstance::recv`] with a timeout (`ERROR_TIMEOUT`).
    pub fn recv_timeout(&self, buf: &mut [u8], timeout: Option<Duration>) -> io::Result<ReadDone> {
        let until = deadline(timeout);
        self.with_conn(|c| self.modes.recv(c, buf, until))
    }

    /// Reads without blocking: `None` if nothing is there yet (whatever `PIPE_NOWAIT` says).
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<Option<ReadDone>> {
        self.with_conn(|c| self.modes.try_read(c, buf))
    }

    /// `WriteFile`: writes all of `buf` (one message on a message pipe; a zero-length message
    /// too). With `PIPE_NOWAIT`, what fits now (all of a message or nothing).
    pub fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.send_timeout(buf, None)
    }

    /// [`PipeInstance::send`] with a timeout (`ERROR_TIMEOUT`).
    pub fn send_timeout(&self, buf: &[u8], timeout: Option<Duration>) -> io::Result<usize> {
        let until = deadline(timeout);
        self.with_conn(|c| self.modes.send(c, buf, until))
    }

    /// Writes without blocking: `None` if the pipe is full.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<Option<usize>> {
        self.with_conn(|c| self.modes.try_write(c, buf))
    }

    /// `PeekNamedPipe`.
    pub fn peek(&self, buf: &mut [u8]) -> io::Result<Peek> {
        Ok(self.conn()?.peek(buf)?)
    }

    /// `TransactNamedPipe`: writes one message and reads one. Needs message-read mode
    /// (`ERROR_BAD_PIPE`) and nothing unread (`ERROR_PIPE_BUSY`).
    pub fn transact(&self, input: &[u8], output: &mut [u8]) -> io::Result<ReadDone> {
        Ok(self.modes.transact(&*self.conn()?, input, output)?)
    }

    /// The first half of [`PipeInstance::transact`] (its checks and the message written),
    /// for an overlapped `TransactNamedPipe` that then waits for the answer as for a read.
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// use winipc::pipe::{PipeClient, PipeOptions, PipeType, ReadMode};
    /// let name = format!(r"\\.\pipe\tw-{}", std::process::id());
    /// let server = PipeOptions::new().pipe_type(PipeType::Message).read_mode(ReadMode::Message).create(&name)?;
    /// let client = PipeClient::open(&name)?;
    /// client.set_handle_state(Some(ReadMode::Message), None)?;
    /// client.transact_write(b"question")?; // the answer is read later
    /// let mut b = [0u8; 16];
    /// let got = server.recv(&mut b)?;
    /// assert_eq!(&b[..got.len], b"question");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn transact_write(&self, input: &[u8]) -> io::Result<()> {
        Ok(self.modes.transact_write(&*self.conn()?, input)?)
    }

    /// `FlushFileBuffers`: waits until the client has read everything written.
    pub fn flush_buffers(&self) -> io::Result<()> {
        Ok(self.conn()?.flush(None)?)
    }

    /// `GetNamedPipeInfo`.
    pub fn info(&self) -> PipeInfo {
        let s = self.name.settings;
        PipeInfo {
            server_end: true,
            pipe_type: match s.kind {
                Kind::Byte => PipeType::Byte,
                Kind::Message => PipeType::Message,
            },
            out_buffer: s.out_buffer,
            in_buffer: s.in_buffer,
            max_instances: s.max_instances,
        }
    }

    /// Whether `PIPE_NOWAIT` is set on this end (see [`PipeOptions::nowait`]).
    pub fn nowait(&self) -> bool {
        self.modes.nowait()
    }

    /// `GetNamedPipeHandleState` (`instances`: this process's instances of the pipe).
    pub fn handle_state(&self) -> HandleState {
        self.modes.state(self.name.instance_count())
    }

    /// `SetNamedPipeHandleState`: message-read mode on a byte pipe is
    /// `ERROR_INVALID_PARAMETER`.
    pub fn set_handle_state(
        &self,
        read_mode: Option<ReadMode>,
        nowait: Option<bool>,
    ) -> io::Result<()> {
        Ok(self.modes.set(self.name.settings.kind, read_mode, nowait)?)
    }

    /// `GetNamedPipeClientProcessId`: the connected client's process (`ERROR_PIPE_LISTENING`
    /// / `ERROR_PIPE_NOT_CONNECTED` without one).
    pub fn client_pid(&self) -> io::Result<u32> {
        Ok(self.conn()?.peer_pid)
    }

    /// The connected client's user (`ImpersonateNamedPipeClient` compares it with this
    /// process's): `ERROR_PIPE_LISTENING` / `ERROR_PIPE_NOT_CONNECTED` without a client.
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// use winipc::pipe::{PipeClient, PipeOptions};
    /// let name = format!(r"\\.\pipe\uid-{}", std::process::id());
    /// let server = PipeOptions::new().create(&name)?;
    /// assert!(server.client_uid().is_err()); // no client yet
    /// let _client = PipeClient::open(&name)?;
    /// assert_eq!(server.client_uid()?, winipc_sys::proc::geteuid());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn client_uid(&self) -> io::Result<u32> {
        self.conn()?
            .peer_uid()
            .ok_or_else(|| Error::InvalidHandle.into())
    }

    /// `GetNamedPipeServerProcessId` on the server end: this process.
    pub fn server_pid(&self) -> u32 {
        winipc_sys::proc::getpid()
    }
}

impl Drop for PipeInstance {
    fn drop(&mut self) {
        let mut st = self.state();
        if let Link::Connected(c) = &st.link {
            self.inst.current.store(0, Ordering::Release);
            PipeInstance::forget_conn(c.id);
            c.close();
        }
        // Not listening any more: the acceptor, which may still hold the instance for a
        // moment, assigns it no client.
        st.link = Link::Disconnected;
        self.inst
            .closed
            .store(true, std::sync::atomic::Ordering::Release);
        drop(st);
        self.inst.changed.notify_all();
    }
}

stream_io!(PipeInstance);
