//! Unix `SOCK_SEQPACKET`: the receiver listens on a path and accepts one connection per sender;
//! with several senders it multiplexes them (see [`super::mux`]).

use std::io;
use std::os::fd::OwnedFd;

use rustix::net::{
    AddressFamily, SendFlags, SocketAddrUnix, SocketType, accept, bind, connect, listen, send,
    socket, sockopt,
};

use super::mux::{Framing, Mux};
use super::unix_dgram::SOCKET_BUFFER;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// Unix sequenced-packet sockets.
#[derive(Debug)]
pub struct UnixSeqpacket;

/// Listens until the first `recv`, then accepts every expected sender (they have all connected
/// by then: connecting only needs a backlog slot).
enum Rx {
    Listening(OwnedFd, usize),
    Accepted(Mux),
}
struct Tx(OwnedFd);

impl Transport for UnixSeqpacket {
    fn id(&self) -> &'static str {
        "unix-seqpacket"
    }
    fn label(&self) -> &'static str {
        "Unix SOCK_SEQPACKET"
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path("seqpacket"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let fd = socket(AddressFamily::UNIX, SocketType::SEQPACKET, None)?;
        bind(&fd, &SocketAddrUnix::new(channel.path("seqpacket"))?)?;
        listen(&fd, 64)?;
        Ok(Box::new(Rx::Listening(fd, channel.senders)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let fd = socket(AddressFamily::UNIX, SocketType::SEQPACKET, None)?;
        sockopt::set_socket_send_buffer_size(&fd, SOCKET_BUFFER)?;
        connect(&fd, &SocketAddrUnix::new(channel.path("seqpacket"))?)?;
        Ok(Box::new(Tx(fd)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Rx::Listening(listener, senders) = self {
            let mut conns = Vec::with_capacity(*senders);
            for _ in 0..*senders {
                let conn = accept(&*listener)?;
                sockopt::set_socket_recv_buffer_size(&conn, SOCKET_BUFFER)?;
                conns.push(conn);
            }
            *self = Rx::Accepted(Mux::new(conns, Framing::Packet));
        }
        match self {
            Rx::Accepted(mux) => mux.recv(buf),
            Rx::Listening(..) => unreachable!("accepted above"),
        }
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        loop {
            match send(&self.0, msg, SendFlags::empty()) {
                Ok(n) if n == msg.len() => return Ok(()),
                Ok(n) => return Err(io::Error::other(format!("short packet send: {n}"))),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}
