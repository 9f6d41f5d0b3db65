//! The `Transport` trait: everything the harness needs from one IPC mechanism.
//!
//! A transport moves fixed-size messages one way, from any number of [`Sender`]s to one
//! [`Receiver`], through a named [`Channel`]. Every scenario is built from such channels: a
//! stream is one channel, a ping-pong is two (one per direction), a wake test is one. Messages
//! carry a header (see [`crate::message`]) that the harness writes and verifies, so a transport
//! only has to move bytes, never interpret them.
//!
//! Lifetimes, and which process runs what:
//!
//! | call        | process          | when                                                      |
//! |-------------|------------------|-----------------------------------------------------------|
//! | `setup`     | parent           | before any child starts (create FIFOs, queues, shm)        |
//! | `receiver`  | receiving child  | first, before any sender of the channel exists             |
//! | `sender`    | sending child    | after every receiver of the run reported ready             |
//! | `send/recv` | children         | only after every sender is connected, then timed           |
//! | `teardown`  | parent           | after all children exited, also after a failed run         |

use std::io;
use std::path::PathBuf;

use crate::scenario::Scenario;

/// One IPC mechanism under test. Implementations are unit structs listed in
/// [`crate::transports::REGISTRY`].
pub trait Transport: Sync + std::fmt::Debug {
    /// Identifier used on the command line and in JSON, e.g. `"unix-dgram"`.
    fn id(&self) -> &'static str;

    /// Row label in the table and chart, e.g. `"Unix SOCK_DGRAM"`.
    fn label(&self) -> &'static str;

    /// Whether the transport can run `scenario`; unsupported cells are shown as `n/a`.
    /// Single-producer mechanisms return `false` for [`Scenario::Stream8w`].
    fn supports(&self, scenario: Scenario) -> bool {
        let _ = scenario;
        true
    }

    /// Parent side: create whatever must exist before the receiver opens the channel.
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        let _ = channel;
        Ok(())
    }

    /// Parent side: remove everything `setup` or the children left behind. Must not fail.
    fn teardown(&self, channel: &Channel) {
        let _ = channel;
    }

    /// Child side: open the receiving end. Called before any sender of the channel exists.
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>>;

    /// Child side: open one sending end. The receiver already exists.
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>>;
}

/// Sending end of a channel.
pub trait Sender {
    /// Sends one whole message of `channel.msg_size` bytes, blocking while the channel is full.
    fn send(&mut self, msg: &[u8]) -> io::Result<()>;
}

/// Receiving end of a channel.
pub trait Receiver {
    /// Blocks until one whole message is available, copies it into `buf` (exactly
    /// `channel.msg_size` bytes long) and returns its length.
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize>;
}

/// A one-way channel as both parent and children see it. Everything a transport needs to find
/// its resources is derived from these fields, so they travel on the child's command line.
#[derive(Clone, Debug)]
pub struct Channel {
    /// Unique per run, short, `[a-z0-9]` only: usable as a socket, queue or shm name.
    pub name: String,
    /// Private temporary directory of this benchmark invocation, for filesystem paths.
    pub dir: PathBuf,
    /// Size of every message in bytes.
    pub msg_size: usize,
    /// How many sender processes will open this channel.
    pub senders: usize,
}

impl Channel {
    /// A path in the private directory: `<dir>/<name>.<ext>`.
    pub fn path(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.name))
    }

    /// A POSIX IPC name (message queue, shm object): `/<name>-<suffix>`.
    pub fn posix_name(&self, suffix: &str) -> String {
        format!("/{}-{suffix}", self.name)
    }
}
