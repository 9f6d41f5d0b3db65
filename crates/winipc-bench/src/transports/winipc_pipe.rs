//! winipc's named pipes (`winipc::pipe`): the receiver creates an inbound instance and waits
//! for its client, the sender opens the pipe and writes. `winipc-pipe-msg` is a message pipe
//! (one message per write, boundaries kept; compare with `unix-seqpacket`), `winipc-pipe-byte`
//! a byte pipe read in fixed-size messages (compare with `unix-stream`, a `SOCK_STREAM` with
//! the same buffers and reads; `interprocess` is that socket behind a crate's API). One
//! instance, one writer: the eight-writer stream is `n/a`. The `-shm` variants ask for the
//! shared-memory data path on both ends (decision 0016: two rings in memory the two
//! processes share, no system call per message).

use std::io;

use winipc::pipe::{
    ClientAccess, PipeAccess, PipeClient, PipeInstance, PipeOptions, PipeType, ReadMode,
};

use super::winipc_mailslot::use_channel_dir;
use crate::scenario::Scenario;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// A winipc message pipe.
#[derive(Debug)]
pub struct WinipcPipeMsg;
/// A winipc byte pipe.
#[derive(Debug)]
pub struct WinipcPipeByte;
/// A winipc message pipe over shared memory.
#[derive(Debug)]
pub struct WinipcPipeMsgShm;
/// A winipc byte pipe over shared memory.
#[derive(Debug)]
pub struct WinipcPipeByteShm;

fn pipe_name(channel: &Channel) -> String {
    format!(r"\\.\pipe\bench-{}", channel.name)
}

/// The receiving instance: connected on the first `recv` (the sender exists by then).
struct Rx {
    pipe: PipeInstance,
    connected: bool,
    message: bool,
}
struct Tx(PipeClient);

fn receiver(channel: &Channel, message: bool, shm: bool) -> io::Result<Box<dyn Receiver>> {
    use_channel_dir(channel);
    let (kind, mode) = if message {
        (PipeType::Message, ReadMode::Message)
    } else {
        (PipeType::Byte, ReadMode::Byte)
    };
    let pipe = PipeOptions::new()
        .access(PipeAccess::Inbound)
        .pipe_type(kind)
        .read_mode(mode)
        .max_instances(1)
        .shared_memory(shm)
        .create(&pipe_name(channel))?;
    Ok(Box::new(Rx {
        pipe,
        connected: false,
        message,
    }))
}

fn sender(channel: &Channel, shm: bool) -> io::Result<Box<dyn Sender>> {
    use_channel_dir(channel);
    let access = ClientAccess {
        read: false,
        write: true,
    };
    let name = pipe_name(channel);
    let client = if shm {
        PipeClient::open_shared(&name, access)?
    } else {
        PipeClient::open_with(&name, access)?
    };
    Ok(Box::new(Tx(client)))
}

impl Transport for WinipcPipeMsg {
    fn id(&self) -> &'static str {
        "winipc-pipe-msg"
    }
    fn label(&self) -> &'static str {
        "winipc named pipe, message"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario != Scenario::Stream8w
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        receiver(channel, true, false)
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        sender(channel, false)
    }
}

impl Transport for WinipcPipeByte {
    fn id(&self) -> &'static str {
        "winipc-pipe-byte"
    }
    fn label(&self) -> &'static str {
        "winipc named pipe, byte"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario != Scenario::Stream8w
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        receiver(channel, false, false)
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        sender(channel, false)
    }
}

impl Transport for WinipcPipeMsgShm {
    fn id(&self) -> &'static str {
        "winipc-pipe-msg-shm"
    }
    fn label(&self) -> &'static str {
        "winipc named pipe, message, shared memory"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario != Scenario::Stream8w
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        receiver(channel, true, true)
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        sender(channel, true)
    }
}

impl Transport for WinipcPipeByteShm {
    fn id(&self) -> &'static str {
        "winipc-pipe-byte-shm"
    }
    fn label(&self) -> &'static str {
        "winipc named pipe, byte, shared memory"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario != Scenario::Stream8w
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        receiver(channel, false, true)
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        sender(channel, true)
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if !self.connected {
            self.pipe.connect()?;
            self.connected = true;
        }
        if self.message {
            let got = self.pipe.recv(buf)?;
            return Ok(got.len);
        }
        // A byte pipe: a message is `buf.len()` bytes, whatever each read returns.
        let mut at = 0;
        while at < buf.len() {
            let got = self.pipe.recv(&mut buf[at..])?;
            if got.len == 0 {
                return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
            }
            at += got.len;
        }
        Ok(at)
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let n = self.0.send(msg)?;
        if n != msg.len() {
            return Err(io::Error::other(format!("short pipe write: {n}")));
        }
        Ok(())
    }
}
