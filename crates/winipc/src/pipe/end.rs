//! One connection between a server instance and a client: the data socket, the rendezvous
//! connection kept beside it (it tells a client that its server disconnected), and the I/O
//! every pipe end shares — reads with message boundaries and `ERROR_MORE_DATA`, writes,
//! peeks, flushes, and Windows' errors for a peer that closed, died or disconnected.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

use winipc_ring::{Futex, RecvError, SendError};
use winipc_sys::pipes::{self as sys, Kind};

use super::frame::{self, HEADER_DATA, MAX_MESSAGE, Reply, Status};
use super::order::{ReadOrder, Reading};
use super::ring::{self, Link, Threads};
use super::{HandleState, Peek, ReadDone, ReadMode};
use crate::error::{Error, Result};

/// The rest of a message that did not fit a reader's buffer, for its next reads — or, on an
/// end with shared memory, a whole message a peek took out of the ring. It lives in this
/// process only: an end passed to another process leaves it behind (decision 0011).
#[derive(Debug, Default)]
struct Rest {
    buf: Vec<u8>,
    pos: usize,
    /// A message (possibly of zero bytes) is held.
    held: bool,
}

impl Rest {
    fn left(&self) -> &[u8] {
        &self.buf[self.pos..]
    }

    fn hold(&mut self, bytes: &[u8]) {
        self.buf.clear();
        self.buf.extend_from_slice(bytes);
        self.pos = 0;
        self.held = true;
    }
}

/// How a write into the outgoing ring went.
enum Put {
    /// All of it is queued.
    All,
    /// The ring is full after this many bytes (a message: 0).
    Part(usize),
    /// The direction uses the socket (from now on) after this many bytes.
    Closed(usize),
}

/// Largest chunk of a byte write put in the ring as one record.
const CHUNK: usize = 16 * 1024;

/// How many times a read retries a reader lock held by another reader before it sleeps.
const BUSY_RETRIES: u32 = 1000;

/// How many times a blocking read facing an empty ring yields the CPU (looking again after
/// each) before it sleeps, as a mailslot reader does.
const READ_SPINS: u32 = 16;

/// Bounds of `Conn::spin_budget`.
const SPIN_MIN: u32 = 16;
const SPIN_MAX: u32 = 8192;

/// A blocking ring read that slept at least this long found an idle pipe (see `Conn::quiet`).
const QUIET_NS: u64 = 100_000;

/// How many times a writer facing a full ring yields the CPU before it sleeps (as a mailslot
/// writer does).
const YIELD_SPINS: u32 = 16;

/// One handle's view of an end: its read mode and `PIPE_NOWAIT` (both changeable), and the
/// directions it may use. The I/O every end offers goes through here.
#[derive(Debug)]
pub(crate) struct Modes {
    read_mode: AtomicU8,
    nowait: AtomicBool,
    can_read: bool,
    can_write: bool,
}

impl Modes {
    pub(crate) fn new(read_mode: ReadMode, nowait: bool, can_read: bool, can_write: bool) -> Modes {
        Modes {
            read_mode: AtomicU8::new(u8::from(read_mode == ReadMode::Message)),
            nowait: AtomicBool::new(nowait),
            can_read,
            can_write,
        }
    }

    pub(crate) fn read_mode(&self) -> ReadMode {
        if self.read_mode.load(Ordering::Relaxed) == 1 {
            ReadMode::Message
        } else {
            ReadMode::Byte
        }
    }

    /// `PIPE_NOWAIT` is set on this handle.
    pub(crate) fn nowait(&self) -> bool {
        self.nowait.load(Ordering::Relaxed)
    }

    fn check(allowed: bool) -> Result<()> {
        if allowed {
            Ok(())
        } else {
            Err(Error::AccessDenied)
        }
    }

    /// `GetNamedPipeHandleState`.
    pub(crate) fn state(&self, instances: u32) -> HandleState {
        HandleState {
            nowait: self.nowait(),
            read_mode: self.read_mode(),
            instances,
        }
    }

    /// `SetNamedPipeHandleState` on an end of a pipe of `kind`.
    pub(crate) fn set(
        &self,
        kind: Kind,
        read_mode: Option<ReadMode>,
        nowait: Option<bool>,
    ) -> Result<()> {
        if read_mode == Some(ReadMode::Message) && kind == Kind::Byte {
            return Err(Error::InvalidParameter(
                "message-read mode needs a message pipe",
            ));
        }
        if let Some(m) = read_mode {
            self.read_mode
                .store(u8::from(m == ReadMode::Message), Ordering::Relaxed);
        }
        if let Some(n) = nowait {
            self.nowait.store(n, Ordering::Relaxed);
        }
        Ok(())
    }

    /// `ReadFile` on `c`, waiting until `deadline_ns` (not with `PIPE_NOWAIT`).
    pub(crate) fn recv(
        &self,
        c: &Conn,
        buf: &mut [u8],
        deadline_ns: Option<u64>,
    ) -> Result<ReadDone> {
        Modes::check(self.can_read)?;
        c.read(self.read_mode(), self.nowait(), buf, deadline_ns)
    }

    pub(crate) fn try_read(&self, c: &Conn, buf: &mut [u8]) -> Result<Option<ReadDone>> {
        Modes::check(self.can_read)?;
        c.try_read(self.read_mode(), buf)
    }

    /// `WriteFile` on `c`.
    pub(crate) fn send(&self, c: &Conn, buf: &[u8], deadline_ns: Option<u64>) -> Result<usize> {
        Modes::check(self.can_write)?;
        c.write(self.nowait(), buf, deadline_ns)
    }

    pub(crate) fn try_write(&self, c: &Conn, buf: &[u8]) -> Result<Option<usize>> {
        Modes::check(self.can_write)?;
        c.try_write(buf)
    }

    /// `TransactNamedPipe`: one message out, one in. Needs message-read mode
    /// (`ERROR_BAD_PIPE`) and nothing unread (`ERROR_PIPE_BUSY`).
    pub(crate) fn transact(&self, c: &Conn, input: &[u8], output: &mut [u8]) -> Result<ReadDone> {
        self.transact_write(c, input)?;
        c.read(ReadMode::Message, false, output, None)
    }

    /// The first half of [`Modes::transact`]: its checks and the message written (an
    /// overlapped `TransactNamedPipe` then waits for the answer as for a read).
    pub(crate) fn transact_write(&self, c: &Conn, input: &[u8]) -> Result<()> {
        Modes::check(self.can_read && self.can_write)?;
        if c.kind != Kind::Message || self.read_mode() != ReadMode::Message {
            return Err(Error::BadPipe("a transaction needs message-read mode"));
        }
        if c.has_unread()? {
            return Err(Error::PipeBusy);
        }
        c.write(false, input, None)?;
        Ok(())
    }
}

/// One connected pipe end.
#[derive(Debug)]
pub(crate) struct Conn {
    /// Unique in this process (never 0).
    pub id: u64,
    data: OwnedFd,
    /// The rendezvous connection: the server sends [`Status::Disconnected`] on it before it
    /// drops a connection with `DisconnectNamedPipe`. `None` for an end adopted from a bare
    /// descriptor.
    control: Option<OwnedFd>,
    pub kind: Kind,
    /// The process on the other end.
    pub peer_pid: u32,
    /// Set when the server learned (or, on the server side, decided) that the connection
    /// was ended by `DisconnectNamedPipe` rather than closed.
    disconnected: AtomicBool,
    rest: Mutex<Rest>,
    /// Mirrors `rest.held`, so reads need not lock `rest` when nothing is held. Changed only
    /// inside a read's hold on `reads`, which every read takes.
    rest_held: AtomicBool,
    /// Held by a peek (see [`Conn::peek`]).
    peeking: Mutex<()>,
    /// Orders message reads (and every read of an end with shared memory) and holds the
    /// buffer where a read puts the part of a message beyond the caller's buffer: a mutex,
    /// biased to the thread that reads an end with shared memory (decision 0022).
    reads: ReadOrder,
    /// The shared-memory rings, when both ends asked for them (decision 0016).
    ring: Option<Link>,
    /// Set when this end's last blocking ring read slept [`QUIET_NS`] or more and woke to a
    /// lone message (request / response traffic): the next one sleeps at once instead of
    /// spinning and yielding first, which on a CPU shared with the writer costs the wake-up
    /// (as for mailslots, decision 0015).
    quiet: AtomicBool,
    /// Adaptive budget of cheap checks a blocking ring read makes after its yields and before
    /// it sleeps (a writer on another CPU answers within microseconds): doubled when a check
    /// finds a message or a sleep ends soon, halved when a sleep was long.
    spin_budget: std::sync::atomic::AtomicU32,
}

impl Conn {
    pub(crate) fn new(data: OwnedFd, control: Option<OwnedFd>, kind: Kind, peer_pid: u32) -> Conn {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Conn {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            data,
            control,
            kind,
            peer_pid,
            disconnected: AtomicBool::new(false),
            rest: Mutex::new(Rest::default()),
            rest_held: AtomicBool::new(false),
            peeking: Mutex::new(()),
            reads: ReadOrder::default(),
            ring: None,
            quiet: AtomicBool::new(false),
            spin_budget: std::sync::atomic::AtomicU32::new(SPIN_MIN * 8),
        }
    }

    /// Links this end (the server's if `server`) to the connection's shared memory.
    pub(crate) fn with_ring(
        mut self,
        shared: std::sync::Arc<ring::Shared>,
        server: bool,
    ) -> Result<Conn> {
        self.ring = Some(Link::new(shared, server, self.data.as_fd())?);
        Ok(self)
    }

    /// Whether this end was connected with shared memory (decision 0016).
    pub(crate) fn has_ring(&self) -> bool {
        self.ring.is_some()
    }

    /// Whether a direction of this end goes through shared memory now.
    pub(crate) fn uses_ring(&self) -> bool {
        self.ring
            .as_ref()
            .is_some_and(|l| !l.rx().is_closed() || !l.tx().is_closed())
    }

    /// Test hook: garbage over every word of both rings (what a hostile peer can do).
    pub(crate) fn scribble_ring(&self, seed: u64) {
        if let Some(l) = &self.ring {
            l.scribble(seed);
        }
    }

    /// The data socket (readable / writable as the pipe is).
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.data.as_fd()
    }

    /// Gives up the data socket (an end handed to another program).
    pub(crate) fn into_fd(self) -> OwnedFd {
        self.data
    }

    /// Server side: ends the connection as `DisconnectNamedPipe` does — the client is told
    /// (its reads and writes then fail with `ERROR_PIPE_NOT_CONNECTED`) and this side's
    /// blocked readers and writers wake.
    pub(crate) fn disconnect(&self, settings: frame::Settings) {
        self.disconnected.store(true, Ordering::Release);
        if let Some(c) = &self.control {
            let notice = Reply {
                status: Status::Disconnected,
                settings,
                secret: 0,
                ring: false,
            };
            let _ = sys::send(c, &[&notice.encode()], true);
        }
        // The socket before the rings: a writer the ring's close wakes goes to the socket,
        // which must refuse it by then (a stream of several threads under load found it
        // still open).
        sys::shutdown(&self.data);
        if let Some(l) = &self.ring {
            l.close();
        }
    }

    /// Closes this side for good (the last handle of the end): blocked calls on other threads
    /// wake, and the peer sees the end of the stream (`ERROR_BROKEN_PIPE`) after what is
    /// queued.
    pub(crate) fn close(&self) {
        // The socket first, as in `disconnect`.
        sys::shutdown(&self.data);
        if let Some(l) = &self.ring {
            l.close();
        }
    }

    /// The user of the process on the other end of the rendezvous connection (on a server
    /// end: the client's, as the kernel reported it when it connected); `None` for an end
    /// without one.
    pub(crate) fn peer_uid(&self) -> Option<u32> {
        let c = self.control.as_ref()?;
        winipc_sys::names::peer_of(c).ok().map(|p| p.uid)
    }

    /// Whether the peer has closed its end (or died).
    pub(crate) fn peer_gone(&self) -> bool {
        sys::poll(&self.data, false, false, Some(0))
            .map(|r| r.hangup)
            .unwrap_or(true)
    }

    /// Whether the connection ended by `DisconnectNamedPipe` (asking the server's notice).
    fn was_disconnected(&self) -> bool {
        if self.disconnected.load(Ordering::Acquire) {
            return true;
        }
        let Some(c) = &self.control else {
            return false;
        };
        let mut b = [0u8; frame::REPLY_LEN];
        let told = sys::recv(c, &mut [&mut b], false, true)
            .ok()
            .and_then(|(n, _)| Reply::decode(&b[..n.min(b.len())]))
            .is_some_and(|r| r.status == Status::Disconnected);
        if told {
            self.disconnected.store(true, Ordering::Release);
            return true;
        }
        false
    }

    /// The error for a read that found the end of the stream.
    fn ended(&self) -> Error {
        if self.was_disconnected() {
            Error::PipeNotConnected
        } else {
            Error::BrokenPipe
        }
    }

    /// The error for a write refused because the peer is gone.
    fn write_refused(&self) -> Error {
        if self.was_disconnected() {
            Error::PipeNotConnected
        } else {
            Error::PipeClosing
        }
    }

    /// Keeps `bytes` as a held message (the rest of one, or one a peek took out of the ring).
    /// Called inside a read's hold on `reads`.
    fn hold_rest(&self, bytes: &[u8]) {
        self.rest.lock().expect("pipe read state").hold(bytes);
        self.rest_held.store(true, Ordering::Release);
    }

    /// Hands out what is left of a partly read message, if anything.
    fn take_rest(&self, mode: ReadMode, buf: &mut [u8]) -> Option<ReadDone> {
        if !self.rest_held.load(Ordering::Acquire) {
            return None;
        }
        let mut rest = self.rest.lock().expect("pipe read state");
        if !rest.held {
            return None;
        }
        let left = rest.left();
        let n = left.len().min(buf.len());
        buf[..n].copy_from_slice(&left[..n]);
        rest.pos += n;
        let more = rest.pos < rest.buf.len();
        if !more {
            rest.buf.clear();
            rest.pos = 0;
            rest.held = false;
            self.rest_held.store(false, Ordering::Release);
        }
        Some(ReadDone {
            len: n,
            more: more && mode == ReadMode::Message,
        })
    }

    /// One read: `dontwait` returns `None` if nothing is there yet; otherwise it blocks in
    /// the kernel (one system call), holding only the read order (`reads`), so peeks and
    /// writes on other threads go on.
    fn recv_once(
        &self,
        mode: ReadMode,
        buf: &mut [u8],
        mut dontwait: bool,
    ) -> Result<Option<ReadDone>> {
        if let Some(l) = &self.ring {
            if let Some(done) = self.ring_read(l, mode, buf)? {
                return Ok(Some(done));
            }
            if !l.rx().is_closed() {
                return Ok(None);
            }
            // The peer writes on the socket now (a blocking wait is the caller's: it keeps
            // looking at the ring, where a write begun before the switch may still land).
            dontwait = true;
        }
        match self.kind {
            Kind::Byte => {
                if buf.is_empty() {
                    // A read of 0 bytes completes once data is there (taking none of it),
                    // or fails once the pipe ended, as on Windows; until then it waits.
                    if sys::pending(&self.data)? > 0 {
                        return Ok(Some(ReadDone {
                            len: 0,
                            more: false,
                        }));
                    }
                    if self.peer_gone() {
                        return Err(self.ended());
                    }
                    return Ok(None);
                }
                match sys::recv(&self.data, &mut [buf], false, dontwait) {
                    Ok((0, _)) => Err(self.ended()),
                    Ok((n, _)) => Ok(Some(ReadDone {
                        len: n,
                        more: false,
                    })),
                    Err(e) => self.read_error(e),
                }
            }
            Kind::Message => {
                let mut reading = self.reads.enter(self.ring.is_some());
                let scratch = reading.scratch();
                let first = self.recv_record(mode, buf, dontwait, scratch)?;
                let Some(mut done) = first else {
                    return Ok(None);
                };
                // In byte-read mode a read goes on over message boundaries while messages are
                // queued and the buffer has room, as on Windows (a zero-length message stops
                // it: it is read by itself).
                if mode == ReadMode::Byte && done.len > 0 {
                    while done.len < buf.len() && self.next_record_has_data() {
                        match self.recv_record(mode, &mut buf[done.len..], true, scratch) {
                            Ok(Some(d)) => done.len += d.len,
                            _ => break,
                        }
                    }
                }
                Ok(Some(done))
            }
        }
    }

    /// Whether a record is queued and carries at least one byte of payload.
    fn next_record_has_data(&self) -> bool {
        // A peek: not while a peek elsewhere in this process moves the peek offset.
        let _peeking = self.peeking.lock().expect("pipe peek");
        let (mut header, mut one) = ([0u8; 1], [0u8; 1]);
        matches!(
            sys::recv(&self.data, &mut [&mut header, &mut one], true, true),
            Ok((n, _)) if n > 1
        )
    }

    /// One message record (or what is left of a partly read one) into `buf`; see
    /// [`Conn::recv_once`].
    fn recv_record(
        &self,
        mode: ReadMode,
        buf: &mut [u8],
        dontwait: bool,
        scratch: &mut Vec<u8>,
    ) -> Result<Option<ReadDone>> {
        if let Some(done) = self.take_rest(mode, buf) {
            return Ok(Some(done));
        }
        if scratch.len() < MAX_MESSAGE {
            // (A ring read may have sized it for a smaller record.)
            scratch.resize(MAX_MESSAGE, 0);
        }
        let mut header = [0u8; 1];
        let room = buf.len();
        let got = sys::recv(
            &self.data,
            &mut [&mut header, buf, &mut scratch[..]],
            false,
            dontwait,
        );
        match got {
            Ok((0, _)) => Err(self.ended()),
            Ok((_, true)) => Err(Error::Corrupt("a pipe message beyond the maximum")),
            Ok((n, false)) => {
                if header[0] != HEADER_DATA {
                    return Err(Error::Corrupt("a pipe message's header"));
                }
                let len = n - 1;
                if len <= room {
                    return Ok(Some(ReadDone { len, more: false }));
                }
                let over = len - room;
                self.hold_rest(&scratch[..over]);
                Ok(Some(ReadDone {
                    len: room,
                    more: mode == ReadMode::Message,
                }))
            }
            Err(e) => self.read_error(e),
        }
    }

    /// Reads without blocking: `None` if nothing is there yet.
    pub(crate) fn try_read(&self, mode: ReadMode, buf: &mut [u8]) -> Result<Option<ReadDone>> {
        self.recv_once(mode, buf, true)
    }

    fn read_error(&self, e: io::Error) -> Result<Option<ReadDone>> {
        match e.raw_os_error() {
            Some(libc_errno::EAGAIN) => Ok(None),
            Some(libc_errno::ECONNRESET | libc_errno::EPIPE) => Err(self.ended()),
            _ => Err(e.into()),
        }
    }

    /// Reads, waiting until `deadline_ns` (monotonic; `None` = forever) for data; `nowait`
    /// (`PIPE_NOWAIT`) fails at once with `ERROR_NO_DATA` instead.
    pub(crate) fn read(
        &self,
        mode: ReadMode,
        nowait: bool,
        buf: &mut [u8],
        deadline_ns: Option<u64>,
    ) -> Result<ReadDone> {
        if let Some(l) = &self.ring {
            if let Some(done) = self.ring_fast(l, mode, buf)? {
                return Ok(done);
            }
            return self.read_ringed(l, mode, nowait, buf, deadline_ns);
        }
        if !nowait && deadline_ns.is_none() {
            loop {
                if let Some(done) = self.recv_once(mode, buf, false)? {
                    return Ok(done);
                }
                // A descriptor someone set non-blocking (an adopted end): wait for data.
                sys::poll(&self.data, true, false, None)?;
            }
        }
        loop {
            if let Some(done) = self.try_read(mode, buf)? {
                return Ok(done);
            }
            if nowait {
                return Err(Error::NoData);
            }
            let r = sys::poll(&self.data, true, false, deadline_ns)?;
            if r == sys::Ready::default() {
                return Err(Error::Timeout);
            }
        }
    }

    /// Writes without blocking: `None` if the pipe is full. A message goes whole or not at
    /// all; a byte pipe may take part of `buf`.
    pub(crate) fn try_write(&self, buf: &[u8]) -> Result<Option<usize>> {
        if self.kind == Kind::Message && buf.len() > MAX_MESSAGE {
            return Err(Error::InvalidParameter(
                "a pipe message is at most winipc::pipe::MAX_MESSAGE bytes",
            ));
        }
        if let Some(l) = &self.ring
            && l.tx_open()
        {
            match self.ring_put(l, buf)? {
                Put::All => return Ok(Some(buf.len())),
                Put::Part(0) => return Ok(None),
                Put::Part(n) | Put::Closed(n @ 1..) => return Ok(Some(n)),
                Put::Closed(_) => {}
            }
        }
        let sent = match self.kind {
            Kind::Byte => {
                if buf.is_empty() {
                    return Ok(Some(0));
                }
                sys::send(&self.data, &[buf], true)
            }
            Kind::Message => {
                if buf.len() > MAX_MESSAGE {
                    return Err(Error::InvalidParameter(
                        "a pipe message is at most winipc::pipe::MAX_MESSAGE bytes",
                    ));
                }
                sys::send(&self.data, &[&[HEADER_DATA], buf], true).map(|n| n.saturating_sub(1))
            }
        };
        match sent {
            Ok(n) => Ok(Some(n)),
            Err(e) => match e.raw_os_error() {
                Some(libc_errno::EAGAIN) => Ok(None),
                Some(libc_errno::EPIPE | libc_errno::ECONNRESET | libc_errno::ENOTCONN) => {
                    Err(self.write_refused())
                }
                Some(libc_errno::EMSGSIZE) => Err(Error::InvalidParameter(
                    "the message is larger than the pipe's buffer",
                )),
                _ => Err(e.into()),
            },
        }
    }

    /// Writes all of `buf` (one message on a message pipe), waiting for room until
    /// `deadline_ns`. With `nowait` (`PIPE_NOWAIT`) it writes what fits now: all of a message
    /// or nothing, part of a byte write.
    pub(crate) fn write(
        &self,
        nowait: bool,
        buf: &[u8],
        deadline_ns: Option<u64>,
    ) -> Result<usize> {
        let mut done = 0;
        if let Some(l) = &self.ring
            && l.tx_open()
        {
            if self.kind == Kind::Message && buf.len() > MAX_MESSAGE {
                return Err(Error::InvalidParameter(
                    "a pipe message is at most winipc::pipe::MAX_MESSAGE bytes",
                ));
            }
            match self.write_ringed(l, nowait, buf, deadline_ns)? {
                Ok(n) => return Ok(n),
                Err(n) => done = n,
            }
        }
        loop {
            match self.try_write(&buf[done..])? {
                Some(n) => {
                    done += n;
                    if self.kind == Kind::Message || done == buf.len() {
                        return Ok(if self.kind == Kind::Message {
                            buf.len()
                        } else {
                            done
                        });
                    }
                }
                None if nowait => return Ok(done),
                None => {}
            }
            let r = sys::poll(&self.data, false, true, deadline_ns)?;
            if r == sys::Ready::default() {
                return Err(Error::Timeout);
            }
            if r.hangup && !r.writable {
                return Err(self.write_refused());
            }
        }
    }

    /// The payload bytes queued on the socket: all of them on a byte pipe; on a message pipe
    /// the records' bytes less their header bytes (one a message, counted by walking the
    /// queue; past [`PEEK_COUNT_CAP`] messages, or where the kernel cannot, the rest are
    /// reckoned as one).
    fn queued_payload(&self) -> Result<usize> {
        let queued = sys::pending(&self.data)?;
        if self.kind == Kind::Byte || queued == 0 {
            return Ok(queued);
        }
        let records = sys::queued_records(&self.data, PEEK_COUNT_CAP).unwrap_or(1);
        Ok(queued.saturating_sub(records.max(1)))
    }

    /// `PeekNamedPipe`: copies what is next without consuming it.
    pub(crate) fn peek(&self, buf: &mut [u8]) -> Result<Peek> {
        // With shared memory: the next message comes out of the ring into this process's
        // rest (reads take it from there), and what the ring holds counts as available.
        let mut ring_bytes = 0;
        if let Some(l) = &self.ring {
            let mut reading = self.reads.enter(true);
            self.ring_pull(l, &mut reading)?;
            ring_bytes = l.rx().info().bytes as usize;
        }
        // One peek at a time in this process: the message count moves the socket's peek
        // offset.
        let _peeking = self.peeking.lock().expect("pipe peek");
        let rest = self.rest.lock().expect("pipe read state");
        let queued = self.queued_payload()? + ring_bytes;
        if rest.held {
            let left = rest.left();
            let n = left.len().min(buf.len());
            buf[..n].copy_from_slice(&left[..n]);
            return Ok(Peek {
                read: n,
                available: left.len() + queued,
                left_in_message: left.len() - n,
            });
        }
        drop(rest);
        if queued == 0 {
            if self.peer_gone() {
                return Err(self.ended());
            }
            return Ok(Peek {
                read: 0,
                available: 0,
                left_in_message: 0,
            });
        }
        match self.kind {
            Kind::Byte => {
                let n = if buf.is_empty() {
                    0
                } else {
                    match sys::recv(&self.data, &mut [buf], true, true) {
                        Ok((n, _)) => n,
                        Err(e) if e.raw_os_error() == Some(libc_errno::EAGAIN) => 0,
                        Err(e) => return Err(e.into()),
                    }
                };
                Ok(Peek {
                    read: n,
                    available: queued,
                    left_in_message: 0,
                })
            }
            Kind::Message => {
                let mut header = [0u8; 1];
                let room = buf.len();
                let (n, _) = match sys::recv(&self.data, &mut [&mut header, buf], true, true) {
                    Ok(x) => x,
                    Err(e) if e.raw_os_error() == Some(libc_errno::EAGAIN) => (0, false),
                    Err(e) => return Err(e.into()),
                };
                let len = n.saturating_sub(1);
                let read = len.min(room);
                Ok(Peek {
                    read,
                    available: queued,
                    left_in_message: len - read,
                })
            }
        }
    }

    /// Whether anything waits to be read (the rest of a message, or queued data).
    pub(crate) fn has_unread(&self) -> Result<bool> {
        let rest = self.rest.lock().expect("pipe read state");
        let in_ring = self.ring.as_ref().is_some_and(|l| l.rx().has_message());
        Ok(rest.held || in_ring || sys::pending(&self.data)? > 0)
    }

    /// `FlushFileBuffers`: waits until the peer has read everything written on this end.
    pub(crate) fn flush(&self, deadline_ns: Option<u64>) -> Result<()> {
        let drained = || -> Result<bool> {
            let in_ring = self.ring.as_ref().is_some_and(|l| {
                let i = l.tx().info();
                i.messages > 0 || i.bytes > 0 || i.next_size.is_some()
            });
            Ok(!in_ring && sys::unread_by_peer(&self.data)? == 0)
        };
        loop {
            if drained()? {
                return Ok(());
            }
            if self.peer_gone() {
                // It may have read the rest and left between the two looks: look again.
                if drained()? {
                    return Ok(());
                }
                return Err(self.ended());
            }
            if deadline_ns.is_some_and(|d| winipc_sys::time::monotonic_ns() >= d) {
                return Err(Error::Timeout);
            }
            std::thread::sleep(std::time::Duration::from_micros(500));
        }
    }
}

/// The shared-memory path (decision 0016; see [`super::ring`]).
impl Conn {
    /// Reads from the ring (after what is left of a message): `None` when it has nothing now.
    /// In byte-read mode the read goes on over records while the ring has more and the buffer
    /// room (a zero-length message stops it: it is read by itself).
    fn ring_read(&self, l: &Link, mode: ReadMode, buf: &mut [u8]) -> Result<Option<ReadDone>> {
        // No lock for the thread that reads this end (decision 0022): a locked instruction
        // here would wait for the ring read's stores to lines the writer is using.
        let mut reading = self.reads.enter(true);
        if self.kind == Kind::Byte && buf.is_empty() {
            // A read of 0 bytes completes once data is there (taking none of it).
            let there = self.rest_held.load(Ordering::Acquire) || l.rx().has_message();
            return Ok(there.then_some(ReadDone {
                len: 0,
                more: false,
            }));
        }
        let first = match self.take_rest(mode, buf) {
            Some(d) => Some(d),
            None => self.ring_one(l, mode, buf, &mut reading)?,
        };
        let Some(mut done) = first else {
            return Ok(None);
        };
        if mode == ReadMode::Byte && done.len > 0 {
            self.ring_more(l, buf, &mut done, &mut reading)?;
        }
        Ok(Some(done))
    }

    /// A byte-read-mode read goes on over records while the ring has more and `buf` room (a
    /// zero-length message stops it: it is read by itself).
    fn ring_more(
        &self,
        l: &Link,
        buf: &mut [u8],
        done: &mut ReadDone,
        reading: &mut Reading<'_>,
    ) -> Result<()> {
        while done.len < buf.len() && !self.rest_held.load(Ordering::Acquire) {
            if !matches!(l.rx().info().next_size, Some(1..)) {
                break;
            }
            match self.ring_one(l, ReadMode::Byte, &mut buf[done.len..], reading)? {
                Some(d) => done.len += d.len,
                None => break,
            }
        }
        done.more = false;
        Ok(())
    }

    /// The common read on an end with shared memory, in as few steps as a mailslot's: this
    /// thread holds the end's reads biased, nothing is held, and the next message fits `buf`
    /// (decision 0022). `None` sends the read the long way (`read_ringed`), which handles
    /// every other case — an empty ring, a message larger than `buf`, another reader.
    #[inline]
    fn ring_fast(&self, l: &Link, mode: ReadMode, buf: &mut [u8]) -> Result<Option<ReadDone>> {
        if buf.is_empty() {
            return Ok(None);
        }
        let me = ring::my_id();
        let Some(mut reading) = self.reads.enter_biased(me) else {
            return Ok(None);
        };
        if self.rest_held.load(Ordering::Acquire) {
            return Ok(None);
        }
        let Ok(Some(n)) = l.rx().try_recv(me, buf, &Threads) else {
            return Ok(None);
        };
        let mut done = ReadDone {
            len: n,
            more: false,
        };
        if mode == ReadMode::Byte && n > 0 {
            self.ring_more(l, buf, &mut done, &mut reading)?;
        }
        Ok(Some(done))
    }

    /// One record from the ring into `buf`; the part of it beyond `buf` is kept for the next
    /// reads. `None` when the ring has nothing now.
    fn ring_one(
        &self,
        l: &Link,
        mode: ReadMode,
        buf: &mut [u8],
        reading: &mut Reading<'_>,
    ) -> Result<Option<ReadDone>> {
        let (rx, me) = (l.rx(), ring::my_id());
        for _ in 0..BUSY_RETRIES {
            let needed = match rx.try_recv(me, buf, &Threads) {
                Ok(Some(n)) => {
                    return Ok(Some(ReadDone {
                        len: n,
                        more: false,
                    }));
                }
                Ok(None) => return Ok(None),
                Err(RecvError::Busy) => {
                    std::thread::yield_now();
                    continue;
                }
                Err(RecvError::InsufficientBuffer { needed }) => needed,
                Err(_) => return Err(Error::Corrupt("a pipe's shared memory")),
            };
            // Larger than the caller's buffer (at most the ring's capacity: the ring checks
            // record lengths against it).
            let scratch = reading.scratch();
            if scratch.len() < needed {
                scratch.resize(needed, 0);
            }
            match rx.try_recv(me, &mut scratch[..needed], &Threads) {
                Ok(Some(n)) => {
                    let room = buf.len().min(n);
                    buf[..room].copy_from_slice(&scratch[..room]);
                    if n > room {
                        self.hold_rest(&scratch[room..n]);
                    }
                    return Ok(Some(ReadDone {
                        len: room,
                        more: n > room && mode == ReadMode::Message,
                    }));
                }
                Ok(None) => return Ok(None),
                Err(RecvError::Busy | RecvError::InsufficientBuffer { .. }) => {
                    std::thread::yield_now();
                }
                Err(_) => return Err(Error::Corrupt("a pipe's shared memory")),
            }
        }
        Ok(None)
    }

    /// A blocking read on an end with shared memory: the ring (and, once the peer writes on
    /// the socket, the socket) until something comes, `deadline_ns` passes, or the pipe ends.
    fn read_ringed(
        &self,
        l: &Link,
        mode: ReadMode,
        nowait: bool,
        buf: &mut [u8],
        deadline_ns: Option<u64>,
    ) -> Result<ReadDone> {
        let rx = l.rx();
        let quiet = self.quiet.load(Ordering::Relaxed);
        let mut spins = if quiet { READ_SPINS } else { 0 };
        let mut slept_ns = 0u64;
        loop {
            if let Some(done) = self.recv_once(mode, buf, true)? {
                if slept_ns > 0 {
                    // Slept: a short sleep means the writer was about to write (a wake-up
                    // from another CPU takes tens of µs here) — spin longer next time; a long
                    // one, that the pipe was idle — spin less.
                    let budget = self.spin_budget.load(Ordering::Relaxed);
                    let next = if slept_ns < QUIET_NS {
                        (budget * 2).min(SPIN_MAX)
                    } else {
                        (budget / 2).max(SPIN_MIN)
                    };
                    self.spin_budget.store(next, Ordering::Relaxed);
                }
                let idle = slept_ns >= QUIET_NS && !rx.has_message();
                if idle != quiet {
                    self.quiet.store(idle, Ordering::Relaxed);
                }
                return Ok(done);
            }
            if nowait {
                return Err(Error::NoData);
            }
            if deadline_ns.is_some_and(|d| winipc_sys::time::monotonic_ns() >= d) {
                return Err(Error::Timeout);
            }
            if rx.is_closed() {
                // The socket, in slices: a writer that reserved its record before the switch
                // may still publish it in the ring.
                let until = ring::slice_until(deadline_ns);
                let left = until.saturating_duration_since(std::time::Instant::now());
                let at = winipc_sys::time::monotonic_ns() + left.as_nanos() as u64;
                sys::poll(&self.data, true, false, Some(at))?;
                continue;
            }
            // Let the writer run for a moment (it may share our CPU) before sleeping.
            if spins < READ_SPINS {
                spins += 1;
                std::thread::yield_now();
                continue;
            }
            if spins == READ_SPINS && !quiet {
                // Then look without a system call for a while (a writer on another CPU).
                spins += 1;
                let budget = self.spin_budget.load(Ordering::Relaxed);
                let mut n = 0;
                while n < budget && !rx.has_message() && !rx.is_closed() {
                    std::hint::spin_loop();
                    n += 1;
                }
                if n < budget {
                    self.spin_budget
                        .store((budget * 2).min(SPIN_MAX), Ordering::Relaxed);
                }
                continue;
            }
            // Sleep on the ring's notify word: writers wake it, and so does a close (ours, the
            // peer's, or the monitor's on the peer's hang-up).
            let (word, seen) = rx.notify_word();
            if rx.has_message() || rx.is_closed() {
                continue;
            }
            let t0 = winipc_sys::time::monotonic_ns();
            crate::mailslot::SysFutex.wait(word, seen, Some(ring::slice_until(deadline_ns)));
            let t1 = winipc_sys::time::monotonic_ns();
            slept_ns += t1.saturating_sub(t0);
            if t1.saturating_sub(t0) >= ring::SLICE.as_nanos() as u64 / 2 && self.peer_gone() {
                // A whole slice asleep: look at the socket ourselves too (the monitor's watch
                // is per process: a forked child, or a monitor that stopped, has none).
                l.close();
            }
        }
    }

    /// Puts what fits now of `buf` in the outgoing ring: all of a message or nothing, as many
    /// chunks of a byte write as fit.
    fn ring_put(&self, l: &Link, buf: &[u8]) -> Result<Put> {
        let (tx, me) = (l.tx(), ring::my_id());
        let one = |part: &[u8]| -> Result<Option<bool>> {
            match tx.try_send(me, part) {
                Ok(()) => Ok(Some(true)),
                Err(SendError::Full) => Ok(Some(false)),
                Err(SendError::Closed) => Ok(None),
                Err(SendError::TooBig { .. } | SendError::ExceedsCapacity { .. }) => {
                    // Larger than the ring: this direction uses the socket from now on (the
                    // reader drains the ring first, so the order holds).
                    tx.close();
                    Ok(None)
                }
                Err(_) => Err(Error::Corrupt("a pipe's shared memory")),
            }
        };
        if self.kind == Kind::Message {
            return Ok(match one(buf)? {
                Some(true) => Put::All,
                Some(false) => Put::Part(0),
                None => Put::Closed(0),
            });
        }
        let mut done = 0;
        while done < buf.len() {
            let end = (done + CHUNK).min(buf.len());
            match one(&buf[done..end])? {
                Some(true) => done = end,
                Some(false) => return Ok(Put::Part(done)),
                None => return Ok(Put::Closed(done)),
            }
        }
        Ok(Put::All)
    }

    /// A write on an end with shared memory: returns the bytes written, or `Err(done)` when
    /// the direction moved to the socket after `done` bytes.
    fn write_ringed(
        &self,
        l: &Link,
        nowait: bool,
        buf: &[u8],
        deadline_ns: Option<u64>,
    ) -> Result<std::result::Result<usize, usize>> {
        let tx = l.tx();
        let mut done = 0;
        let mut yields = 0;
        loop {
            match self.ring_put(l, &buf[done..])? {
                Put::All => return Ok(Ok(buf.len())),
                Put::Closed(n) => return Ok(Err(done + n)),
                Put::Part(n) => done += n,
            }
            if nowait {
                return Ok(Ok(done));
            }
            // Full: let the reader run for a moment (it may share our CPU) before sleeping, so
            // that it drains the ring in a batch instead of waking us once per message.
            if yields < YIELD_SPINS {
                yields += 1;
                std::thread::yield_now();
                continue;
            }
            if deadline_ns.is_some_and(|d| winipc_sys::time::monotonic_ns() >= d) {
                return Err(Error::Timeout);
            }
            // Full: sleep until the reader makes room (or a close — ours, the peer's, the
            // monitor's — wakes us), in slices.
            let end = match self.kind {
                Kind::Message => buf.len(),
                Kind::Byte => (done + CHUNK).min(buf.len()),
            };
            let until = ring::slice_until(deadline_ns);
            match tx.send(ring::my_id(), &buf[done..end], Some(until)) {
                Ok(()) => {
                    done = end;
                    if done == buf.len() {
                        return Ok(Ok(buf.len()));
                    }
                }
                Err(SendError::Full) => {
                    // A slice without room: the peer may be gone (see `read_ringed`).
                    if self.peer_gone() {
                        l.close();
                    }
                }
                Err(SendError::Closed) => return Ok(Err(done)),
                Err(SendError::TooBig { .. } | SendError::ExceedsCapacity { .. }) => {
                    tx.close();
                    return Ok(Err(done));
                }
                Err(_) => return Err(Error::Corrupt("a pipe's shared memory")),
            }
        }
    }

    /// Takes the next message out of the ring into this process's rest (for a peek), if
    /// nothing is held yet.
    fn ring_pull(&self, l: &Link, reading: &mut Reading<'_>) -> Result<()> {
        if self.rest_held.load(Ordering::Acquire) || !l.rx().has_message() {
            return Ok(());
        }
        let mut none = [0u8; 0];
        if let Some(d) = self.ring_one(l, ReadMode::Message, &mut none, reading)?
            && d.len == 0
            && !d.more
        {
            // A zero-length message.
            self.hold_rest(&[]);
        }
        Ok(())
    }
}

/// Most queued messages a peek counts one by one (to report the bytes available exactly).
const PEEK_COUNT_CAP: usize = 256;

/// The errno values the pipe code tells apart.
mod libc_errno {
    pub const EPIPE: i32 = 32;
    pub const EAGAIN: i32 = 11;
    pub const EMSGSIZE: i32 = 90;
    pub const ECONNRESET: i32 = 104;
    pub const ENOTCONN: i32 = 107;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn pair(kind: Kind) -> (Conn, Conn) {
        let (a, b) = sys::pair(kind).unwrap();
        (Conn::new(a, None, kind, 0), Conn::new(b, None, kind, 0))
    }

    /// A pair of ends with shared memory (decision 0016) if `ringed`: the first end is the
    /// server's.
    fn pair_of(kind: Kind, ringed: bool) -> (Conn, Conn) {
        if !ringed {
            return pair(kind);
        }
        let (a, b) = sys::pair(kind).unwrap();
        let (shared, fd) = ring::Shared::create(ring::MIN_RING).unwrap();
        let other = ring::Shared::attach(fd).unwrap();
        let a = Conn::new(a, None, kind, 0).with_ring(shared, true).unwrap();
        let b = Conn::new(b, None, kind, 0).with_ring(other, false).unwrap();
        assert!(a.uses_ring() && b.uses_ring());
        (a, b)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any messages (zero-length ones included), read in message mode through buffers of
        /// any size, come back whole and in order, `more` set exactly while a message has
        /// bytes left, and a peek sees what the read then takes.
        #[test]
        fn messages_survive_any_read_sizes(
            msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3000), 1..12),
            sizes in proptest::collection::vec(0usize..4000, 1..8),
            ringed in any::<bool>(),
        ) {
            let (w, r) = pair_of(Kind::Message, ringed);
            for m in &msgs {
                prop_assert_eq!(w.write(false, m, None).unwrap(), m.len());
            }
            let mut k = 0;
            for (i, m) in msgs.iter().enumerate() {
                let mut got = Vec::new();
                loop {
                    let size = sizes[k % sizes.len()];
                    k += 1;
                    let mut buf = vec![0u8; size];
                    let peek = r.peek(&mut buf).unwrap();
                    let d = r.try_read(ReadMode::Message, &mut buf).unwrap().expect("queued");
                    prop_assert_eq!(peek.read, d.len);
                    got.extend_from_slice(&buf[..d.len]);
                    let left = m.len() - got.len();
                    prop_assert_eq!(peek.left_in_message, left);
                    // What is available: this message's rest and every later message.
                    let later: usize = msgs[i + 1..].iter().map(Vec::len).sum();
                    prop_assert_eq!(peek.available, m.len() - (got.len() - d.len) + later);
                    prop_assert_eq!(d.more, left > 0);
                    if left == 0 {
                        break;
                    }
                    // A zero-size buffer on a non-empty rest makes no progress; move on.
                    prop_assume!(k < 10_000);
                }
                prop_assert_eq!(&got, m);
            }
            prop_assert!(r.try_read(ReadMode::Message, &mut [0u8; 8]).unwrap().is_none());
            drop(w);
            prop_assert!(matches!(r.try_read(ReadMode::Message, &mut [0u8; 8]), Err(Error::BrokenPipe)));
        }

        /// In byte-read mode a message pipe is read as a stream: reads go on over message
        /// boundaries while the buffer has room, and the same bytes come back in order
        /// (a zero-length message reads as 0 bytes by itself).
        #[test]
        fn byte_reads_of_a_message_pipe_are_a_stream(
            msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..3000), 1..12),
            sizes in proptest::collection::vec(1usize..4000, 1..8),
            ringed in any::<bool>(),
        ) {
            let (w, r) = pair_of(Kind::Message, ringed);
            for m in &msgs {
                prop_assert_eq!(w.write(false, m, None).unwrap(), m.len());
            }
            let want: Vec<u8> = msgs.concat();
            let mut got = Vec::new();
            let mut k = 0;
            loop {
                let size = sizes[k % sizes.len()];
                k += 1;
                let mut buf = vec![0u8; size];
                match r.try_read(ReadMode::Byte, &mut buf).unwrap() {
                    Some(d) => {
                        prop_assert!(!d.more);
                        got.extend_from_slice(&buf[..d.len]);
                    }
                    None => break,
                }
                prop_assume!(k < 10_000);
            }
            prop_assert_eq!(got, want);
        }
    }

    /// A message larger than the ring (a peer may make rings as small as `MIN_RING`; ours
    /// hold every message) moves its direction to the socket, and the reader gets everything
    /// in order: what was queued in the ring first.
    #[test]
    fn a_message_larger_than_the_ring_moves_its_direction_to_the_socket_in_order() {
        let (w, r) = pair_of(Kind::Message, true);
        let msgs: Vec<Vec<u8>> = vec![
            b"first".to_vec(),
            (0..100_000u32).map(|k| (k % 251) as u8).collect(),
            b"after".to_vec(),
            Vec::new(),
        ];
        std::thread::scope(|sc| {
            sc.spawn(|| {
                for m in &msgs {
                    assert_eq!(w.write(false, m, None).unwrap(), m.len());
                }
            });
            for m in &msgs {
                let mut got = Vec::new();
                loop {
                    let mut b = vec![0u8; 4096];
                    let d = r.read(ReadMode::Message, false, &mut b, None).unwrap();
                    got.extend_from_slice(&b[..d.len]);
                    if !d.more {
                        break;
                    }
                }
                assert!(&got == m, "{} bytes, want {}", got.len(), m.len());
            }
        });
        assert!(w.ring.as_ref().is_some_and(|l| l.tx().is_closed()));
    }

    #[test]
    fn writes_to_a_closed_peer_fail_with_no_data_and_big_messages_are_refused() {
        let (w, r) = pair(Kind::Message);
        assert!(matches!(
            w.write(false, &vec![0; MAX_MESSAGE + 1], None),
            Err(Error::InvalidParameter(_))
        ));
        assert_eq!(
            w.write(false, &vec![1; MAX_MESSAGE], None).unwrap(),
            MAX_MESSAGE
        );
        let mut big = vec![0u8; MAX_MESSAGE];
        assert_eq!(
            r.try_read(ReadMode::Message, &mut big)
                .unwrap()
                .unwrap()
                .len,
            MAX_MESSAGE
        );
        drop(r);
        assert!(matches!(
            w.write(false, b"x", None),
            Err(Error::PipeClosing)
        ));
        let (w, r) = pair(Kind::Byte);
        drop(r);
        assert!(matches!(w.try_write(b"x"), Err(Error::PipeClosing)));
    }
}
#[cfg(test)]
mod scribbled {
    use super::*;

    /// A peer that writes garbage over both rings gets this end errors or nothing — never a
    /// panic, an out-of-bounds access or a hang — from every operation.
    #[test]
    fn garbage_in_shared_memory_gives_errors_not_panics_or_hangs() {
        let mut corrupt = 0;
        for seed in 1..64u64 {
            let (a, b) = sys::pair(Kind::Message).unwrap();
            let (shared, fd) = ring::Shared::create(ring::MIN_RING).unwrap();
            let other = ring::Shared::attach(fd).unwrap();
            let a = Conn::new(a, None, Kind::Message, 0)
                .with_ring(shared, true)
                .unwrap();
            let b = Conn::new(b, None, Kind::Message, 0)
                .with_ring(other, false)
                .unwrap();
            b.write(false, b"x", None).unwrap();
            b.scribble_ring(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut buf = [0u8; 64];
            let r = a.try_read(ReadMode::Message, &mut buf);
            corrupt += usize::from(matches!(r, Err(Error::Corrupt(_))));
            let soon = winipc_sys::time::monotonic_ns() + 20_000_000;
            assert!(a.read(ReadMode::Byte, false, &mut buf, Some(soon)).is_err());
            let _ = a.peek(&mut buf);
            let _ = a.has_unread();
            let _ = a.try_write(b"y");
            let soon = winipc_sys::time::monotonic_ns() + 20_000_000;
            let _ = a.write(false, &[1u8; 3000], Some(soon));
            let soon = winipc_sys::time::monotonic_ns() + 20_000_000;
            let _ = a.flush(Some(soon));
        }
        assert!(
            corrupt > 10,
            "most garbage is noticed as such ({corrupt} of 63)"
        );
    }
}
