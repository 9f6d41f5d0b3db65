//! Connected Unix sockets, one connection per sender, multiplexed by the receiver when there
//! are several (see [`super::mux`]):
//! - `unix-seqpacket`: `SOCK_SEQPACKET`, one packet per message;
//! - `unix-stream`: `SOCK_STREAM` with the same socket buffers, each message one 64-byte
//!   (`--msg-size`) write, the receiver reading a message's bytes at a time (a read asks for
//!   what is left of the message: no batching in user space). The byte pipe's reference
//!   (issue 17: "a Unix stream socket"); `interprocess` is the same socket behind a crate's API.

use std::io;
use std::os::fd::OwnedFd;

use rustix::net::{
    AddressFamily, SendFlags, SocketAddrUnix, SocketType, accept, bind, connect, listen, send,
    socket, sockopt,
};

use super::mux::{Framing, Mux};
use super::unix_dgram::SOCKET_BUFFER;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// A connected Unix socket type as a transport.
#[derive(Debug)]
pub struct UnixConnected {
    id: &'static str,
    label: &'static str,
    /// The socket file's name in the channel's directory.
    file: &'static str,
    kind: SocketType,
    framing: Framing,
}

/// Unix sequenced-packet sockets.
pub const SEQPACKET: UnixConnected = UnixConnected {
    id: "unix-seqpacket",
    label: "Unix SOCK_SEQPACKET",
    file: "seqpacket",
    kind: SocketType::SEQPACKET,
    framing: Framing::Packet,
};

/// Unix stream sockets.
pub const STREAM: UnixConnected = UnixConnected {
    id: "unix-stream",
    label: "Unix SOCK_STREAM",
    file: "stream",
    kind: SocketType::STREAM,
    framing: Framing::Stream,
};

/// Listens until the first `recv`, then accepts every expected sender (they have all connected
/// by then: connecting only needs a backlog slot).
enum Rx {
    Listening(OwnedFd, usize, Framing),
    Accepted(Mux),
}
struct Tx(OwnedFd, Framing);

impl Transport for UnixConnected {
    fn id(&self) -> &'static str {
        self.id
    }
    fn label(&self) -> &'static str {
        self.label
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path(self.file));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let fd = socket(AddressFamily::UNIX, self.kind, None)?;
        bind(&fd, &SocketAddrUnix::new(channel.path(self.file))?)?;
        listen(&fd, 64)?;
        Ok(Box::new(Rx::Listening(fd, channel.senders, self.framing)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let fd = socket(AddressFamily::UNIX, self.kind, None)?;
        sockopt::set_socket_send_buffer_size(&fd, SOCKET_BUFFER)?;
        connect(&fd, &SocketAddrUnix::new(channel.path(self.file))?)?;
        Ok(Box::new(Tx(fd, self.framing)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Rx::Listening(listener, senders, framing) = self {
            let mut conns = Vec::with_capacity(*senders);
            for _ in 0..*senders {
                let conn = accept(&*listener)?;
                sockopt::set_socket_recv_buffer_size(&conn, SOCKET_BUFFER)?;
                conns.push(conn);
            }
            *self = Rx::Accepted(Mux::new(conns, *framing));
        }
        match self {
            Rx::Accepted(mux) => mux.recv(buf),
            Rx::Listening(..) => unreachable!("accepted above"),
        }
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let mut at = 0;
        while at < msg.len() {
            match send(&self.0, &msg[at..], SendFlags::empty()) {
                Ok(n) if self.1 == Framing::Stream => at += n,
                Ok(n) if n == msg.len() => return Ok(()),
                Ok(n) => return Err(io::Error::other(format!("short packet send: {n}"))),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
