//! Unix `SOCK_DGRAM`: the receiver binds a path, every sender connects to it. The default
//! reference of the report until winipc is registered.

use std::io;
use std::os::fd::OwnedFd;

use rustix::net::{
    AddressFamily, RecvFlags, SendFlags, SocketAddrUnix, SocketType, bind, connect, recv, send,
    socket, sockopt,
};

use crate::transport::{Channel, Receiver, Sender, Transport};

/// Socket buffer size, as in `shared/tools/ipc_anchor.c`, so its figures compare directly.
pub const SOCKET_BUFFER: usize = 4 << 20;

/// Unix datagram sockets.
#[derive(Debug)]
pub struct UnixDgram;

struct Rx(OwnedFd);
struct Tx(OwnedFd);

impl Transport for UnixDgram {
    fn id(&self) -> &'static str {
        "unix-dgram"
    }
    fn label(&self) -> &'static str {
        "Unix SOCK_DGRAM"
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path("dgram"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let fd = socket(AddressFamily::UNIX, SocketType::DGRAM, None)?;
        sockopt::set_socket_recv_buffer_size(&fd, SOCKET_BUFFER)?;
        bind(&fd, &SocketAddrUnix::new(channel.path("dgram"))?)?;
        Ok(Box::new(Rx(fd)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let fd = socket(AddressFamily::UNIX, SocketType::DGRAM, None)?;
        sockopt::set_socket_send_buffer_size(&fd, SOCKET_BUFFER)?;
        connect(&fd, &SocketAddrUnix::new(channel.path("dgram"))?)?;
        Ok(Box::new(Tx(fd)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match recv(&self.0, &mut *buf, RecvFlags::empty()) {
                Ok((n, _)) => return Ok(n),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        loop {
            match send(&self.0, msg, SendFlags::empty()) {
                Ok(n) if n == msg.len() => return Ok(()),
                Ok(n) => return Err(io::Error::other(format!("short datagram send: {n}"))),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}
