//! A named pipe (FIFO) with fixed-size framing. Writes of at most `PIPE_BUF` bytes are atomic,
//! so several writers never interleave inside a message; larger messages need a single writer.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};

use rustix::fs::{CWD, Mode, mkfifoat};

use crate::transport::{Channel, Receiver, Sender, Transport};

/// `PIPE_BUF` on Linux.
const PIPE_BUF: usize = 4096;

/// Named pipes.
#[derive(Debug)]
pub struct Fifo;

struct Rx(File);
struct Tx(File);

impl Transport for Fifo {
    fn id(&self) -> &'static str {
        "fifo"
    }
    fn label(&self) -> &'static str {
        "named pipe (FIFO)"
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        if channel.msg_size > PIPE_BUF && channel.senders > 1 {
            return Err(io::Error::other(format!(
                "FIFO writes above PIPE_BUF ({PIPE_BUF} bytes) interleave between writers"
            )));
        }
        Ok(mkfifoat(
            CWD,
            channel.path("fifo"),
            Mode::from_raw_mode(0o600),
        )?)
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path("fifo"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        // Read-write so that opening does not wait for a writer and reads never see EOF.
        let f = OpenOptions::new()
            .read(true)
            .write(true)
            .open(channel.path("fifo"))?;
        Ok(Box::new(Rx(f)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        Ok(Box::new(Tx(OpenOptions::new()
            .write(true)
            .open(channel.path("fifo"))?)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_exact(buf)?;
        Ok(buf.len())
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.write_all(msg)
    }
}
