//! Receiving from several connected sockets at once (connection-oriented transports with more
//! than one writer): round-robin non-blocking receives, `poll(2)` only when all are empty.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::{PollFd, PollFlags, poll};
use rustix::io::Errno;
use rustix::net::{RecvFlags, recv};

/// Whether one `recv` returns one whole message (`SOCK_SEQPACKET`) or a byte stream that must be
/// reassembled into fixed-size messages (`SOCK_STREAM`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// One `recv` is one message.
    Packet,
    /// Bytes; a message may arrive in pieces.
    Stream,
}

/// A fair receiver over several connections.
#[derive(Debug)]
pub struct Mux {
    conns: Vec<OwnedFd>,
    next: usize,
    framing: Framing,
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "peer closed the connection")
}

impl Mux {
    /// Takes ownership of already-accepted connections.
    pub fn new(conns: Vec<OwnedFd>, framing: Framing) -> Self {
        Self {
            conns,
            next: 0,
            framing,
        }
    }

    /// Receives the next message from whichever connection has one. A connection whose peer
    /// closed is dropped once drained; only when all are gone is that an error.
    pub fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.conns.len() == 1 {
            return self.finish(0, buf, 0);
        }
        loop {
            let mut tries = self.conns.len();
            while tries > 0 {
                tries -= 1;
                let i = self.next % self.conns.len();
                self.next = i + 1;
                match recv(&self.conns[i], &mut *buf, RecvFlags::DONTWAIT) {
                    Ok((0, _)) => {
                        // That sender is done and everything it sent was read: forget it.
                        self.conns.remove(i);
                        if self.conns.is_empty() {
                            return Err(closed());
                        }
                        self.next = i;
                    }
                    Ok((n, _)) => return self.finish(i, buf, n),
                    Err(Errno::AGAIN | Errno::INTR) => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            let mut fds: Vec<PollFd<'_>> = self
                .conns
                .iter()
                .map(|c| PollFd::new(c, PollFlags::IN))
                .collect();
            match poll(&mut fds, None) {
                Ok(_) | Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Completes a message of which `have` bytes arrived on connection `i`, blocking.
    fn finish(&self, i: usize, buf: &mut [u8], mut have: usize) -> io::Result<usize> {
        let fd = self.conns[i].as_fd();
        while have == 0 || (self.framing == Framing::Stream && have < buf.len()) {
            match recv(fd, &mut buf[have..], RecvFlags::empty()) {
                Ok((0, _)) => return Err(closed()),
                Ok((n, _)) => have += n,
                Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(have)
    }
}
