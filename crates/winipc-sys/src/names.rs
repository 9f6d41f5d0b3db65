//! Machine-wide names whose lifetime the kernel enforces: abstract Unix sockets.
//!
//! A name is *held* while some process has the listening socket bound to it open, and the
//! kernel frees it the moment the last such descriptor closes — process death included. Only
//! one socket can be bound to a name at a time (`EADDRINUSE`), nobody can unbind, rename or
//! delete another's socket, and there is no file to pre-create, chmod or leave behind. A
//! process that connects learns, from the kernel (`SO_PEERCRED`), who bound the name. Holders
//! share one name by passing the listening descriptor (`SCM_RIGHTS`); a holder hands it to a
//! newcomer it admits over an accepted connection ([`accept`], [`send_reply`],
//! [`recv_reply`]).
//!
//! Abstract names belong to the network namespace: processes in other network namespaces
//! (containers) have names of their own.
//!
//! ```
//! use winipc_sys::names::{self, Claim};
//! let name = format!("winipc-doc-{}", std::process::id());
//! let Claim::Bound(held) = names::claim(name.as_bytes()).unwrap() else { panic!() };
//! assert!(matches!(names::claim(name.as_bytes()).unwrap(), Claim::Taken));
//! let (_conn, owner) = names::find(name.as_bytes()).unwrap().expect("held");
//! assert_eq!(owner.uid, winipc_sys::proc::geteuid());
//! drop(held);
//! assert!(names::find(name.as_bytes()).unwrap().is_none(), "freed with its last descriptor");
//! ```

use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use rustix::event::{PollFd, PollFlags};
use rustix::io::Errno;
use rustix::net::{
    self as rnet, AddressFamily, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags,
    SendAncillaryBuffer, SendAncillaryMessage, SendFlags, SocketAddrUnix, SocketFlags, SocketType,
};

/// Longest name, in bytes (the abstract part of `sun_path`).
pub const MAX_NAME: usize = 107;

/// What [`claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// The name was free and is now held by the returned listening socket.
    Bound(OwnedFd),
    /// Another socket holds the name.
    Taken,
}

/// The process that bound a name, as the kernel reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    /// Its process id (at `listen` or `connect` time).
    pub pid: u32,
    /// Its effective user id.
    pub uid: u32,
    /// Its effective group id.
    pub gid: u32,
}

fn address(name: &[u8]) -> io::Result<SocketAddrUnix> {
    if name.is_empty() || name.len() > MAX_NAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "abstract socket name length",
        ));
    }
    Ok(SocketAddrUnix::new_abstract_name(name)?)
}

fn socket(nonblocking: bool) -> io::Result<OwnedFd> {
    let mut flags = SocketFlags::CLOEXEC;
    if nonblocking {
        flags |= SocketFlags::NONBLOCK;
    }
    Ok(rnet::socket_with(
        AddressFamily::UNIX,
        SocketType::SEQPACKET,
        flags,
        None,
    )?)
}

/// Binds `name` if it is free. The returned socket listens (non-blocking) so that later
/// holders can be admitted with [`accept`].
pub fn claim(name: &[u8]) -> io::Result<Claim> {
    let addr = address(name)?;
    let sock = socket(true)?;
    match rnet::bind(&sock, &addr) {
        Ok(()) => {}
        Err(Errno::ADDRINUSE) => return Ok(Claim::Taken),
        Err(e) => return Err(e.into()),
    }
    rnet::listen(&sock, 128)?;
    Ok(Claim::Bound(sock))
}

/// Connects to the holder of `name`: `None` if nobody holds it. The connection tells who
/// bound the name; a holder may answer on it ([`recv_reply`]).
pub fn find(name: &[u8]) -> io::Result<Option<(OwnedFd, Peer)>> {
    let addr = address(name)?;
    // A full backlog (holders busy or stopped) answers EAGAIN at once; retry briefly.
    for _ in 0..50 {
        let sock = socket(true)?;
        match rnet::connect(&sock, &addr) {
            Ok(()) => {
                let peer = peer_of(&sock)?;
                return Ok(Some((sock, peer)));
            }
            Err(Errno::CONNREFUSED | Errno::NOENT) => return Ok(None),
            Err(Errno::AGAIN) => std::thread::sleep(std::time::Duration::from_millis(2)),
            Err(e) => return Err(e.into()),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::WouldBlock,
        "the name's holders accept no connections",
    ))
}

/// The abstract name a socket is bound to (`None` for any other kind of descriptor): lets a
/// process check what a descriptor handed to it really is before trusting it.
pub fn bound_name(fd: &impl AsFd) -> Option<Vec<u8>> {
    let addr = rnet::getsockname(fd).ok()?;
    let unix = SocketAddrUnix::try_from(addr).ok()?;
    unix.abstract_name()
        .filter(|n| !n.is_empty())
        .map(<[u8]>::to_vec)
}

/// Takes ownership of descriptor number `raw`, inherited from a parent that passed it for the
/// name `name`, if it really is a socket bound to that name; otherwise leaves it alone.
pub fn adopt_inherited(raw: std::os::fd::RawFd, name: &[u8]) -> Option<OwnedFd> {
    if raw < 0 {
        return None;
    }
    // SAFETY: we only look at descriptor `raw` here (borrowing it for fcntl/getsockname) and
    // take ownership only once it is known to be open and bound to the expected name, which
    // only a descriptor our parent passed us for exactly this purpose can be.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(raw) };
    rustix::io::fcntl_getfd(borrowed).ok()?;
    if bound_name(&borrowed).as_deref() != Some(name) {
        return None;
    }
    // SAFETY: open (checked above), ours alone (the parent passed it to this process, and
    // nothing else in this process knows its number), and owned from now on by the result.
    Some(unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) })
}

/// The credentials of the other end of a connected socket.
pub fn peer_of(sock: &impl AsFd) -> io::Result<Peer> {
    let c = rnet::sockopt::socket_peercred(sock)?;
    Ok(Peer {
        pid: c.pid.as_raw_nonzero().get() as u32,
        uid: c.uid.as_raw(),
        gid: c.gid.as_raw(),
    })
}

/// Accepts one pending connection on a listening name socket, if any (never blocks).
pub fn accept(listener: &impl AsFd) -> io::Result<Option<(OwnedFd, Peer)>> {
    match rnet::accept_with(listener, SocketFlags::CLOEXEC | SocketFlags::NONBLOCK) {
        Ok(conn) => {
            let peer = peer_of(&conn)?;
            Ok(Some((conn, peer)))
        }
        Err(Errno::AGAIN | Errno::CONNABORTED) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Most descriptors one reply carries.
pub const MAX_SHARED: usize = 2;

/// Sends one reply record on an accepted connection, with the descriptors to share (at most
/// [`MAX_SHARED`]).
pub fn send_reply(conn: &impl AsFd, bytes: &[u8], share: &[BorrowedFd<'_>]) -> io::Result<()> {
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_SHARED))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if share.len() > MAX_SHARED {
        return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    if !share.is_empty() && !control.push(SendAncillaryMessage::ScmRights(share)) {
        return Err(io::Error::other("control buffer too small"));
    }
    rnet::sendmsg(
        conn,
        &[IoSlice::new(bytes)],
        &mut control,
        SendFlags::NOSIGNAL,
    )?;
    Ok(())
}

/// Waits until `deadline_ns` (monotonic) at most for the reply record on a connection made
/// by [`find`]; returns its length and the descriptors it carried (at most [`MAX_SHARED`]).
/// `None` if no reply came in time; a length of 0 if the holder closed the connection without
/// replying.
pub fn recv_reply(
    conn: &impl AsFd,
    buf: &mut [u8],
    deadline_ns: u64,
) -> io::Result<Option<(usize, Vec<OwnedFd>)>> {
    loop {
        let left = deadline_ns.saturating_sub(crate::time::monotonic_ns());
        if left == 0 {
            return Ok(None);
        }
        let timeout = rustix::time::Timespec {
            tv_sec: (left / 1_000_000_000) as i64,
            tv_nsec: (left % 1_000_000_000) as i64,
        };
        let mut fds = [PollFd::new(conn, PollFlags::IN)];
        match rustix::event::poll(&mut fds, Some(&timeout)) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_SHARED))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let got = match rnet::recvmsg(
        conn,
        &mut [IoSliceMut::new(buf)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    ) {
        Ok(m) => m,
        // The holder went away mid-answer: as if it had closed without replying.
        Err(Errno::CONNRESET | Errno::AGAIN) => return Ok(Some((0, Vec::new()))),
        Err(e) => return Err(e.into()),
    };
    let mut shared = Vec::new();
    for msg in control.drain() {
        if let RecvAncillaryMessage::ScmRights(fds) = msg {
            // Keep the first few; any other is closed as it drops.
            shared.extend(fds.take(MAX_SHARED - shared.len().min(MAX_SHARED)));
        }
    }
    Ok(Some((got.bytes, shared)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniq(tag: &str) -> Vec<u8> {
        format!("winipc-sys-test-{tag}-{}", std::process::id()).into_bytes()
    }

    #[test]
    fn a_holder_shares_the_name_and_it_lives_until_the_last_descriptor_closes() {
        let name = uniq("share");
        let Claim::Bound(first) = claim(&name).unwrap() else {
            panic!("free name")
        };
        let (conn, owner) = find(&name).unwrap().expect("held");
        assert_eq!(owner.pid, crate::proc::getpid());
        let (accepted, asker) = accept(&first).unwrap().expect("pending connection");
        assert_eq!(asker.uid, crate::proc::geteuid());
        send_reply(&accepted, b"ok", &[first.as_fd()]).unwrap();
        let mut buf = [0u8; 8];
        let deadline = crate::time::monotonic_ns() + 1_000_000_000;
        let (n, mut shared) = recv_reply(&conn, &mut buf, deadline).unwrap().unwrap();
        assert_eq!(&buf[..n], b"ok");
        assert_eq!(shared.len(), 1);
        let second = shared.pop().expect("the listening socket came along");
        drop(first);
        assert!(matches!(claim(&name).unwrap(), Claim::Taken), "still held");
        assert_eq!(bound_name(&second).as_deref(), Some(&name[..]));
        assert_eq!(
            bound_name(&conn),
            None,
            "a connected socket is bound to no name"
        );
        drop(second);
        drop((conn, accepted));
        assert!(find(&name).unwrap().is_none(), "freed");
        assert!(matches!(claim(&name).unwrap(), Claim::Bound(_)));
    }

    #[test]
    fn no_reply_times_out_and_bad_names_are_refused() {
        let name = uniq("quiet");
        let Claim::Bound(_held) = claim(&name).unwrap() else {
            panic!()
        };
        let (conn, _) = find(&name).unwrap().unwrap();
        let mut buf = [0u8; 8];
        let deadline = crate::time::monotonic_ns() + 20_000_000;
        assert!(recv_reply(&conn, &mut buf, deadline).unwrap().is_none());
        assert!(claim(b"").is_err());
        assert!(claim(&[b'x'; MAX_NAME + 1]).is_err());
    }
}
