//! The `interprocess` crate's local socket — what a Rust user would reach for. On Linux it is a
//! `SOCK_STREAM` Unix socket in the abstract namespace; messages are framed by fixed size.
//!
//! With one writer the receiver uses the crate's own `Read`; with several, `interprocess` has no
//! synchronous multiplexing (users add threads or Tokio), so the connections' descriptors are
//! polled directly, which measures the transport rather than an executor.

use std::io::{self, Read, Write};
use std::os::fd::OwnedFd;

use interprocess::local_socket::prelude::*;
use interprocess::local_socket::{GenericNamespaced, ListenerOptions, Name, Stream};

use super::mux::{Framing, Mux};
use crate::transport::{Channel, Receiver, Sender, Transport};

/// `interprocess::local_socket`.
#[derive(Debug)]
pub struct LocalSocket;

enum Rx {
    Listening(LocalSocketListener, usize),
    One(Stream),
    Many(Mux),
}
struct Tx(Stream);

fn name(channel: &Channel) -> io::Result<Name<'static>> {
    format!("{}.sock", channel.name).to_ns_name::<GenericNamespaced>()
}

impl Transport for LocalSocket {
    fn id(&self) -> &'static str {
        "interprocess"
    }
    fn label(&self) -> &'static str {
        "interprocess local socket"
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let listener = ListenerOptions::new().name(name(channel)?).create_sync()?;
        Ok(Box::new(Rx::Listening(listener, channel.senders)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        Ok(Box::new(Tx(Stream::connect(name(channel)?)?)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Rx::Listening(listener, senders) = self {
            let mut conns = Vec::with_capacity(*senders);
            for _ in 0..*senders {
                conns.push(listener.accept()?);
            }
            *self = if conns.len() == 1 {
                Rx::One(conns.remove(0))
            } else {
                let fds = conns
                    .into_iter()
                    .map(|c| match c {
                        Stream::UdSocket(s) => OwnedFd::from(s),
                    })
                    .collect();
                Rx::Many(Mux::new(fds, Framing::Stream))
            };
        }
        match self {
            Rx::One(stream) => stream.read_exact(buf).map(|()| buf.len()),
            Rx::Many(mux) => mux.recv(buf),
            Rx::Listening(..) => unreachable!("accepted above"),
        }
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.write_all(msg)
    }
}
