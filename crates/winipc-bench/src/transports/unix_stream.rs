//! Unix `SOCK_STREAM`, with the same socket buffers as `unix-seqpacket`: the receiver listens
//! on a path and accepts one connection per sender; each message is one 64-byte (`--msg-size`)
//! write, and the receiver reads a message's bytes at a time (a read asks for what is left of
//! the message: no batching in user space). The byte pipe's reference (issue 17: "a Unix
//! stream socket"); `interprocess` is the same socket behind a crate's API.

use std::io;
use std::os::fd::OwnedFd;

use rustix::net::{
    AddressFamily, SendFlags, SocketAddrUnix, SocketType, accept, bind, connect, listen, send,
    socket, sockopt,
};

use super::mux::{Framing, Mux};
use super::unix_dgram::SOCKET_BUFFER;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// Unix stream sockets.
#[derive(Debug)]
pub struct UnixStream;

/// Listens until the first `recv`, then accepts every expected sender.
enum Rx {
    Listening(OwnedFd, usize),
    Accepted(Mux),
}
struct Tx(OwnedFd);

impl Transport for UnixStream {
    fn id(&self) -> &'static str {
        "unix-stream"
    }
    fn label(&self) -> &'static str {
        "Unix SOCK_STREAM"
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path("stream"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let fd = socket(AddressFamily::UNIX, SocketType::STREAM, None)?;
        bind(&fd, &SocketAddrUnix::new(channel.path("stream"))?)?;
        listen(&fd, 64)?;
        Ok(Box::new(Rx::Listening(fd, channel.senders)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let fd = socket(AddressFamily::UNIX, SocketType::STREAM, None)?;
        sockopt::set_socket_send_buffer_size(&fd, SOCKET_BUFFER)?;
        connect(&fd, &SocketAddrUnix::new(channel.path("stream"))?)?;
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
            *self = Rx::Accepted(Mux::new(conns, Framing::Stream));
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
                Ok(n) => at += n,
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
