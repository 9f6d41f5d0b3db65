//! The socket calls behind named pipes: the connected socket pairs that carry a pipe's data
//! (`SOCK_STREAM` for byte pipes, `SOCK_SEQPACKET` for message pipes), readiness polls and
//! eventfds. The pipe's *name* is an abstract socket held as in [`crate::names`] (abstract
//! names are separate per socket type, so every name is a `SOCK_SEQPACKET` one there).
//!
//! Every call here leaves the descriptors in blocking mode (a pipe end may become the stdin
//! of a program that knows nothing of winipc) and asks for non-blocking behaviour per call
//! (`MSG_DONTWAIT`); sends never raise `SIGPIPE` (`MSG_NOSIGNAL`).
//!
//! ```
//! use winipc_sys::pipes::{self, Kind};
//! let (server, client) = pipes::pair(Kind::Message).unwrap();
//! // A one-byte frame header, then the payload, as one message.
//! pipes::send(&client, &[b"\0", b"hi"], true).unwrap();
//! let (mut a, mut b) = ([0u8; 1], [0u8; 8]);
//! let (n, truncated) = pipes::recv(&server, &mut [&mut a, &mut b], false, true).unwrap();
//! assert_eq!((n, truncated, a[0], &b[..2]), (3, false, 0, &b"hi"[..]));
//! ```

use std::io::{self, IoSliceMut};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::event::{PollFd, PollFlags};
use rustix::io::Errno;
use rustix::net::{
    self as rnet, AddressFamily, RecvAncillaryBuffer, RecvFlags, ReturnFlags, SendAncillaryBuffer,
    SendFlags, SocketFlags, SocketType,
};

/// The socket type of a pipe: a byte stream or a sequence of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `SOCK_STREAM`.
    Byte,
    /// `SOCK_SEQPACKET`.
    Message,
}

impl Kind {
    fn socket_type(self) -> SocketType {
        match self {
            Kind::Byte => SocketType::STREAM,
            Kind::Message => SocketType::SEQPACKET,
        }
    }
}

/// A connected pair of sockets of `kind` (blocking, close-on-exec): one end for the server,
/// one handed to the client. Each end's `SO_PEERCRED` names the process that made the pair.
pub fn pair(kind: Kind) -> io::Result<(OwnedFd, OwnedFd)> {
    Ok(rnet::socketpair(
        AddressFamily::UNIX,
        kind.socket_type(),
        SocketFlags::CLOEXEC,
        None,
    )?)
}

/// The kind of a (listening or connected) pipe socket; `None` for any other descriptor.
pub fn kind_of(fd: &impl AsFd) -> Option<Kind> {
    match rnet::sockopt::socket_type(fd).ok()? {
        SocketType::STREAM => Some(Kind::Byte),
        SocketType::SEQPACKET => Some(Kind::Message),
        _ => None,
    }
}

/// Whether `fd` is a connected Unix socket (a pipe end).
pub fn is_connected_socket(fd: &impl AsFd) -> bool {
    rnet::getpeername(fd).is_ok()
}

/// Sets or clears `O_NONBLOCK`.
pub fn set_nonblocking(fd: &impl AsFd, on: bool) -> io::Result<()> {
    let mut fl = rustix::fs::fcntl_getfl(fd)?;
    fl.set(rustix::fs::OFlags::NONBLOCK, on);
    rustix::fs::fcntl_setfl(fd, fl)?;
    Ok(())
}

/// Sends `parts` as one record (one message on a message socket), never raising `SIGPIPE`.
/// With `dontwait`, a full socket answers `WouldBlock`. Returns the bytes sent (a byte socket
/// may take fewer than offered).
pub fn send(fd: &impl AsFd, parts: &[&[u8]], dontwait: bool) -> io::Result<usize> {
    let slices: smallvec_like::Slices<'_> = smallvec_like::Slices::new(parts);
    let mut flags = SendFlags::NOSIGNAL;
    if dontwait {
        flags |= SendFlags::DONTWAIT;
    }
    loop {
        match rnet::sendmsg(
            fd,
            slices.as_slice(),
            &mut SendAncillaryBuffer::default(),
            flags,
        ) {
            Ok(n) => return Ok(n),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Receives one record (one message on a message socket) into `parts`, in order. Returns the
/// record's full length (which exceeds the parts' total if it was truncated — the rest of a
/// message is then lost, so callers size their parts to hold any message) and whether it was
/// truncated. `peek` leaves it queued. With `dontwait`, nothing queued answers `WouldBlock`.
/// A length of 0 is the end of the stream (or a zero-length record, which callers frame).
pub fn recv(
    fd: &impl AsFd,
    parts: &mut [&mut [u8]],
    peek: bool,
    dontwait: bool,
) -> io::Result<(usize, bool)> {
    let mut slices: Vec<IoSliceMut<'_>> = parts.iter_mut().map(|p| IoSliceMut::new(p)).collect();
    let mut flags = RecvFlags::TRUNC;
    if peek {
        flags |= RecvFlags::PEEK;
    }
    if dontwait {
        flags |= RecvFlags::DONTWAIT;
    }
    loop {
        match rnet::recvmsg(fd, &mut slices, &mut RecvAncillaryBuffer::default(), flags) {
            Ok(m) => return Ok((m.bytes, m.flags.contains(ReturnFlags::TRUNC))),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Bytes queued to be read on a socket (`FIONREAD`; for a message socket, the sum of every
/// queued message).
pub fn pending(fd: &impl AsFd) -> io::Result<usize> {
    Ok(rustix::io::ioctl_fionread(fd)? as usize)
}

/// How many records (messages) are queued to be read on the `SOCK_SEQPACKET` socket `fd`,
/// counting at most `cap` of them: walks the queue with `MSG_PEEK` at increasing peek offsets
/// (`SO_PEEK_OFF`), then turns peek offsets off again. `None` where the kernel refuses peek
/// offsets. Nothing is consumed; concurrent peeks of this socket must be held off by the
/// caller (the offset is the socket's).
///
/// ```
/// use winipc_sys::pipes::{self, Kind};
/// let (a, b) = pipes::pair(Kind::Message).unwrap();
/// for m in [&b"\0one"[..], b"\0", b"\0three"] {
///     pipes::send(&a, &[m], true).unwrap();
/// }
/// assert_eq!(pipes::queued_records(&b, 100), Some(3));
/// assert_eq!(pipes::queued_records(&b, 2), Some(2));
/// // Nothing was taken: the first record is still the next one.
/// let mut buf = [0u8; 8];
/// let (n, _) = pipes::recv(&b, &mut [&mut buf], false, true).unwrap();
/// assert_eq!(&buf[..n], b"\0one");
/// ```
pub fn queued_records(fd: &impl AsFd, cap: usize) -> Option<usize> {
    use std::os::fd::AsRawFd;
    let raw = fd.as_fd().as_raw_fd();
    let set = |off: libc::c_int| {
        // SAFETY: SO_PEEK_OFF takes one int, read from `off` for the duration of the call.
        let r = unsafe {
            libc::setsockopt(
                raw,
                libc::SOL_SOCKET,
                libc::SO_PEEK_OFF,
                (&raw const off).cast(),
                std::mem::size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        r == 0
    };
    let mut off: usize = 0;
    let mut count = 0;
    while count < cap {
        let Ok(o) = libc::c_int::try_from(off) else {
            break;
        };
        if !set(o) {
            if count == 0 {
                return None;
            }
            break;
        }
        // SAFETY: a zero-length read into a NULL buffer: MSG_TRUNC reports the length of the
        // record at the peek offset without copying anything.
        let n = unsafe {
            libc::recv(
                raw,
                std::ptr::null_mut(),
                0,
                libc::MSG_PEEK | libc::MSG_DONTWAIT | libc::MSG_TRUNC,
            )
        };
        if n <= 0 {
            break;
        }
        count += 1;
        off += n as usize;
    }
    set(-1);
    Some(count)
}

/// Bytes written on this end that the peer has not read yet (`SIOCOUTQ`; for Unix sockets
/// the memory those bytes occupy, so 0 exactly when the peer has read everything).
pub fn unread_by_peer(fd: &impl AsFd) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: SIOCOUTQ (= TIOCOUTQ) writes one int through the pointer, which points to `n`;
    // the descriptor is borrowed for the call.
    let r = unsafe { libc::ioctl(fd.as_fd().as_raw_fd(), libc::TIOCOUTQ, &mut n) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n.max(0) as usize)
}

/// What [`poll`] saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ready {
    /// Data (or the end of the stream) can be read.
    pub readable: bool,
    /// A write would not block.
    pub writable: bool,
    /// The peer closed or shut down its end (`POLLHUP`/`POLLRDHUP`).
    pub hangup: bool,
}

/// Waits until `fd` is readable (`read`) or writable (`write`) or hung up, or until
/// `deadline_ns` (monotonic; `None` = forever). Returns what it saw (all false on timeout).
pub fn poll(
    fd: &impl AsFd,
    read: bool,
    write: bool,
    deadline_ns: Option<u64>,
) -> io::Result<Ready> {
    let mut ev = PollFlags::RDHUP;
    if read {
        ev |= PollFlags::IN;
    }
    if write {
        ev |= PollFlags::OUT;
    }
    loop {
        let timeout = match deadline_ns {
            None => None,
            Some(d) => {
                let left = d.saturating_sub(crate::time::monotonic_ns());
                Some(rustix::time::Timespec {
                    tv_sec: (left / 1_000_000_000) as i64,
                    tv_nsec: (left % 1_000_000_000) as i64,
                })
            }
        };
        let mut fds = [PollFd::new(fd, ev)];
        match rustix::event::poll(&mut fds, timeout.as_ref()) {
            Ok(0) => return Ok(Ready::default()),
            Ok(_) => {
                let r = fds[0].revents();
                return Ok(Ready {
                    readable: r.intersects(PollFlags::IN),
                    writable: r.intersects(PollFlags::OUT),
                    hangup: r.intersects(PollFlags::HUP | PollFlags::RDHUP | PollFlags::ERR),
                });
            }
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Shuts both directions of a connected socket down (wakes its blocked readers and writers,
/// and the peer sees the end of the stream). Errors (a socket already shut) are ignored.
pub fn shutdown(fd: &impl AsFd) {
    let _ = rnet::shutdown(fd, rnet::Shutdown::Both);
}

/// A new eventfd (close-on-exec, non-blocking), unsignaled.
pub fn eventfd() -> io::Result<OwnedFd> {
    Ok(rustix::event::eventfd(
        0,
        rustix::event::EventfdFlags::CLOEXEC | rustix::event::EventfdFlags::NONBLOCK,
    )?)
}

/// Signals an eventfd (it stays readable until [`clear`]ed).
pub fn signal(fd: &impl AsFd) {
    let _ = rustix::io::write(fd, &1u64.to_ne_bytes());
}

/// Clears an eventfd; returns whether it was signaled.
pub fn clear(fd: &impl AsFd) -> bool {
    let mut b = [0u8; 8];
    matches!(rustix::io::read(fd, &mut b), Ok(8))
}

/// Whether an eventfd is signaled (without clearing it).
pub fn is_signaled(fd: &impl AsFd) -> bool {
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    matches!(
        rustix::event::poll(&mut fds, Some(&rustix::time::Timespec::default())),
        Ok(1..)
    )
}

/// Receives one handshake record with the descriptor it may carry (see
/// [`crate::names::recv_reply`], which this is, for sockets of either kind).
pub fn recv_handshake(
    conn: &impl AsFd,
    buf: &mut [u8],
    deadline_ns: Option<u64>,
) -> io::Result<Option<(usize, Option<OwnedFd>)>> {
    Ok(
        crate::names::recv_reply(conn, buf, deadline_ns.unwrap_or(u64::MAX))?
            .map(|(n, fds)| (n, fds.into_iter().next())),
    )
}

/// Receives one handshake record with every descriptor it carries (at most a few).
pub fn recv_handshake_fds(
    conn: &impl AsFd,
    buf: &mut [u8],
    deadline_ns: Option<u64>,
) -> io::Result<Option<(usize, Vec<OwnedFd>)>> {
    crate::names::recv_reply(conn, buf, deadline_ns.unwrap_or(u64::MAX))
}

/// Sends one handshake record with the descriptors in `share`.
pub fn send_handshake_fds(
    conn: &impl AsFd,
    bytes: &[u8],
    share: &[BorrowedFd<'_>],
) -> io::Result<()> {
    crate::names::send_reply(conn, bytes, share)
}

/// Sends one handshake record with an optional descriptor (see [`crate::names::send_reply`]).
pub fn send_handshake(conn: &impl AsFd, bytes: &[u8], share: Option<&impl AsFd>) -> io::Result<()> {
    match share {
        Some(fd) => crate::names::send_reply(conn, bytes, &[fd.as_fd()]),
        None => crate::names::send_reply(conn, bytes, &[]),
    }
}

mod smallvec_like {
    use std::io::IoSlice;

    /// Up to 4 slices without allocating.
    pub(super) struct Slices<'a> {
        buf: [IoSlice<'a>; 4],
        len: usize,
        more: Vec<IoSlice<'a>>,
    }

    impl<'a> Slices<'a> {
        pub(super) fn new(parts: &[&'a [u8]]) -> Slices<'a> {
            if parts.len() <= 4 {
                let mut buf = [IoSlice::new(&[]); 4];
                for (b, p) in buf.iter_mut().zip(parts) {
                    *b = IoSlice::new(p);
                }
                Slices {
                    buf,
                    len: parts.len(),
                    more: Vec::new(),
                }
            } else {
                Slices {
                    buf: [IoSlice::new(&[]); 4],
                    len: 0,
                    more: parts.iter().map(|p| IoSlice::new(p)).collect(),
                }
            }
        }

        pub(super) fn as_slice(&self) -> &[IoSlice<'a>] {
            if self.more.is_empty() {
                &self.buf[..self.len]
            } else {
                &self.more
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_is_reported_and_the_end_is_seen() {
        let (s, c) = pair(Kind::Message).unwrap();
        assert_eq!(kind_of(&s), Some(Kind::Message));
        send(&c, &[b"hello world"], true).unwrap();
        let mut small = [0u8; 4];
        assert_eq!(
            recv(&s, &mut [&mut small], true, true).unwrap(),
            (11, true),
            "peek reports the full length"
        );
        assert_eq!(pending(&s).unwrap(), 11);
        let mut big = [0u8; 64];
        assert_eq!(recv(&s, &mut [&mut big], false, true).unwrap(), (11, false));
        let e = recv(&s, &mut [&mut big], false, true).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
        drop(c);
        assert_eq!(recv(&s, &mut [&mut big], false, true).unwrap().0, 0);
        assert!(poll(&s, true, false, Some(0)).unwrap().hangup);
        let (b, _b2) = pair(Kind::Byte).unwrap();
        assert_eq!(kind_of(&b), Some(Kind::Byte));
    }

    #[test]
    fn eventfds_signal_and_clear() {
        let e = eventfd().unwrap();
        assert!(!is_signaled(&e));
        signal(&e);
        assert!(is_signaled(&e));
        assert!(clear(&e));
        assert!(!clear(&e));
    }
}
