//! Named pipes: `CreateNamedPipe`, `ConnectNamedPipe`, `CreateFile` on `\\.\pipe\name`,
//! `ReadFile`/`WriteFile`, message mode, `WaitNamedPipe`, `PeekNamedPipe`,
//! `TransactNamedPipe`, `CallNamedPipe` and the rest (decision 0011).
//!
//! Every connected pipe end is a real Unix socket — `SOCK_STREAM` for byte pipes,
//! `SOCK_SEQPACKET` for message pipes — so ends can be inherited, become the stdio of any
//! program (byte pipes), be polled with epoll, and the peer's death is seen by the kernel.
//! The pipe's name is an abstract socket held by the processes that have instances of it
//! (as for `Global\` objects, decision 0008); a client connects to it and an acceptor thread in
//! a server process checks its credentials and hands it a fresh socket pair's end, assigned
//! to a free (listening) instance.
//!
//! ```
//! # winipc::__doc::isolate();
//! use std::io::{Read, Write};
//! use winipc::pipe::{PipeClient, PipeOptions, PipeType, ReadMode, Connected};
//!
//! let name = format!(r"\\.\pipe\doc-{}", std::process::id());
//! let server = PipeOptions::new().pipe_type(PipeType::Message).read_mode(ReadMode::Message).create(&name)?;
//! let client = PipeClient::open(&name)?;
//! assert_eq!(server.connect()?, Connected::Already); // the client came first
//! client.send(b"hello")?;
//! let mut buf = [0u8; 3];
//! let got = server.recv(&mut buf)?;
//! assert_eq!((got.len, got.more), (3, true)); // ERROR_MORE_DATA: the rest follows
//! let got = server.recv(&mut buf)?;
//! assert_eq!((&buf[..got.len], got.more), (&b"lo"[..], false));
//! (&server).write_all(b"bye")?;
//! let mut back = [0u8; 8];
//! assert_eq!((&client).read(&mut back)?, 3);
//! # Ok::<(), std::io::Error>(())
//! ```

/// `io::Read` (a broken pipe reads as the end of the stream, as std expects) and `io::Write`
/// for `&$end`, over its `recv` and `send`.
macro_rules! stream_io {
    ($end:ty) => {
        impl std::io::Read for &$end {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                match self.recv(buf) {
                    Ok(d) => Ok(d.len),
                    Err(e) if crate::Error::win32_code_of(&e) == crate::code::ERROR_BROKEN_PIPE => {
                        Ok(0)
                    }
                    Err(e) => Err(e),
                }
            }
        }

        impl std::io::Write for &$end {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.send(buf)
            }

            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
    };
}

mod client;
mod end;
pub(crate) mod frame;
pub(crate) mod listing;
pub(crate) mod name;
mod order;
mod rendezvous;
pub(crate) mod ring;
mod server;

use std::time::Duration;

pub use client::{PipeClient, call_named_pipe, wait_named_pipe, wait_named_pipe_default};
pub use server::{PipeInstance, PipeOptions};

/// Win32 flag values for named pipes, for callers that translate `CreateNamedPipe` arguments
/// ([`PipeOptions::from_win32`]).
#[allow(missing_docs)]
pub mod flags {
    pub const PIPE_ACCESS_INBOUND: u32 = 0x1;
    pub const PIPE_ACCESS_OUTBOUND: u32 = 0x2;
    pub const PIPE_ACCESS_DUPLEX: u32 = 0x3;
    pub const FILE_FLAG_FIRST_PIPE_INSTANCE: u32 = 0x0008_0000;
    pub const FILE_FLAG_WRITE_THROUGH: u32 = 0x8000_0000;
    pub const FILE_FLAG_OVERLAPPED: u32 = 0x4000_0000;
    pub const PIPE_TYPE_BYTE: u32 = 0x0;
    pub const PIPE_TYPE_MESSAGE: u32 = 0x4;
    pub const PIPE_READMODE_BYTE: u32 = 0x0;
    pub const PIPE_READMODE_MESSAGE: u32 = 0x2;
    pub const PIPE_WAIT: u32 = 0x0;
    pub const PIPE_NOWAIT: u32 = 0x1;
    pub const PIPE_ACCEPT_REMOTE_CLIENTS: u32 = 0x0;
    pub const PIPE_REJECT_REMOTE_CLIENTS: u32 = 0x8;
    pub const PIPE_UNLIMITED_INSTANCES: u32 = 255;
    pub const PIPE_CLIENT_END: u32 = 0x0;
    pub const PIPE_SERVER_END: u32 = 0x1;
    pub const NMPWAIT_USE_DEFAULT_WAIT: u32 = 0x0;
    pub const NMPWAIT_NOWAIT: u32 = 0x1;
    pub const NMPWAIT_WAIT_FOREVER: u32 = 0xffff_ffff;
    pub const GENERIC_READ: u32 = 0x8000_0000;
    pub const GENERIC_WRITE: u32 = 0x4000_0000;
    pub const FILE_READ_DATA: u32 = 0x1;
    pub const FILE_WRITE_DATA: u32 = 0x2;
}

/// Which way data flows, as the server sees it (`PIPE_ACCESS_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeAccess {
    /// Client to server only (`PIPE_ACCESS_INBOUND`).
    Inbound,
    /// Server to client only (`PIPE_ACCESS_OUTBOUND`).
    Outbound,
    /// Both ways (`PIPE_ACCESS_DUPLEX`).
    Duplex,
}

impl PipeAccess {
    /// Whether the server end may read (and the client write).
    pub fn server_reads(self) -> bool {
        matches!(self, PipeAccess::Inbound | PipeAccess::Duplex)
    }

    /// Whether the server end may write (and the client read).
    pub fn server_writes(self) -> bool {
        matches!(self, PipeAccess::Outbound | PipeAccess::Duplex)
    }
}

/// How data is written to the pipe (`PIPE_TYPE_*`): fixed for the pipe by its first instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PipeType {
    /// A byte stream (`PIPE_TYPE_BYTE`).
    Byte,
    /// Each write is a message whose boundaries reads keep (`PIPE_TYPE_MESSAGE`).
    Message,
}

/// How one end reads (`PIPE_READMODE_*`): per handle, changeable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadMode {
    /// Reads return whatever is there, up to the buffer (`PIPE_READMODE_BYTE`).
    Byte,
    /// Reads return one message; a short buffer gets its start and [`ReadDone::more`]
    /// (`ERROR_MORE_DATA`), the rest coming with the next reads (`PIPE_READMODE_MESSAGE`;
    /// message pipes only).
    Message,
}

/// How [`PipeInstance::connect`] found its client (`ConnectNamedPipe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connected {
    /// A client connected while the call waited (`ConnectNamedPipe` returns TRUE).
    Now,
    /// A client had connected before the call (`ERROR_PIPE_CONNECTED`, a success).
    Already,
}

/// The result of a read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadDone {
    /// Bytes placed in the buffer.
    pub len: usize,
    /// In message-read mode, the message did not fit: its rest comes with the next reads
    /// (`ERROR_MORE_DATA`).
    pub more: bool,
}

/// What [`PipeInstance::peek`] / [`PipeClient::peek`] saw (`PeekNamedPipe`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peek {
    /// Bytes copied into the buffer (nothing is consumed).
    pub read: usize,
    /// Bytes available to read (`lpTotalBytesAvail`).
    pub available: usize,
    /// Bytes of the next message not copied (`lpBytesLeftThisMessage`; 0 for byte pipes).
    pub left_in_message: usize,
}

/// What `GetNamedPipeInfo` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PipeInfo {
    /// This is the server end (`PIPE_SERVER_END`).
    pub server_end: bool,
    /// The pipe's type.
    pub pipe_type: PipeType,
    /// The server's output buffer size (as given; advisory).
    pub out_buffer: u32,
    /// The server's input buffer size (as given; advisory).
    pub in_buffer: u32,
    /// Maximum instances (255 = `PIPE_UNLIMITED_INSTANCES`).
    pub max_instances: u32,
}

/// What `GetNamedPipeHandleState` reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandleState {
    /// `PIPE_NOWAIT` is set on this handle.
    pub nowait: bool,
    /// This handle's read mode.
    pub read_mode: ReadMode,
    /// Instances of the pipe this process knows of (the server end: this process's own
    /// instances; a client end: 1 — see decision 0011).
    pub instances: u32,
}

/// `CreateFile`'s access to a pipe, for [`PipeClient::open_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAccess {
    /// `GENERIC_READ` (or `FILE_READ_DATA`).
    pub read: bool,
    /// `GENERIC_WRITE` (or `FILE_WRITE_DATA`).
    pub write: bool,
}

impl ClientAccess {
    /// Read and write.
    pub const DUPLEX: ClientAccess = ClientAccess {
        read: true,
        write: true,
    };

    /// From a Win32 access mask (`GENERIC_READ`, `GENERIC_WRITE`, `FILE_READ_DATA`,
    /// `FILE_WRITE_DATA`, `GENERIC_ALL`).
    pub fn from_mask(mask: u32) -> ClientAccess {
        const GENERIC_ALL: u32 = 0x1000_0000;
        ClientAccess {
            read: mask & (flags::GENERIC_READ | flags::FILE_READ_DATA | GENERIC_ALL) != 0,
            write: mask & (flags::GENERIC_WRITE | flags::FILE_WRITE_DATA | GENERIC_ALL) != 0,
        }
    }
}

/// The default timeout of a pipe created with none (`nDefaultTimeOut` 0): 50 ms, as on Windows.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(50);

/// Longest message a message pipe carries, in bytes. Larger writes fail with
/// `ERROR_INVALID_PARAMETER` (the socket's send buffer bounds one message; decision 0011).
pub const MAX_MESSAGE: usize = frame::MAX_MESSAGE;

/// Longest pipe name, in characters (`\\.\pipe\` included).
pub const MAX_PIPE_NAME: usize = name::MAX_PIPE_NAME;
