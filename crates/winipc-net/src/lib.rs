//! `winipc-netd`: remote mailslots for winipc over the Windows wire protocol.
//!
//! In Win32, `\\*\mailslot\x`, `\\DOMAIN\mailslot\x` and `\\HOST\mailslot\x` reach mailslots
//! on other machines: each write is one SMB mailslot write inside a NetBIOS datagram on UDP
//! port 138 ([MS-MAIL]). This crate is the daemon that speaks that protocol for winipc:
//!
//! - it receives datagrams on the configured interfaces ([`inbound`]) and writes each one
//!   addressed to one of its names to the local slot `\\.\mailslot\X` — so a process that
//!   created `\\.\mailslot\x` receives writes from Windows, Samba and other winipc hosts;
//! - it sends the remote writes of local processes, which hand them over a Unix datagram socket
//!   ([`proto`], [`socket_path`]) because unprivileged processes cannot bind port 138:
//!   `winipc::MailslotWriter::open(r"\\*\mailslot\x")` works when the daemon runs;
//! - it answers NetBIOS name queries for its own name (optional), so `\\HOST\` writes from
//!   other machines find it.
//!
//! It never forwards, it rate-limits, and its memory is bounded. See `docs/network.md` for
//! operation, and [`config`] for the settings.
//!
//! The codecs are in [`winipc_nbt`]; everything here that does not need a socket is a plain
//! function or type that the tests drive directly.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::io;
use std::path::PathBuf;

pub mod cli;
pub mod config;
pub mod daemon;
pub mod iface;
pub mod inbound;
pub mod limits;
pub mod outbound;
/// The request format between local processes and the daemon: [`winipc_nbt::netd`], the one
/// definition the `winipc` library's remote writers use too.
pub use winipc_nbt::netd as proto;

pub use cli::NetdCommand;
pub use config::{Config, ConfigError, NetdArgs};
pub use daemon::{Daemon, ShutdownHandle};
pub use inbound::{Inbound, Outcome, Stats};

/// The default request socket: `$WINIPC_NETD_SOCKET`, else `/run/winipc/netd.sock` — the path
/// the `winipc` library's remote writers connect to ([`winipc::netd_socket::path`]).
pub fn socket_path() -> PathBuf {
    winipc::netd_socket::path()
}

/// Runs the daemon with `cfg` until SIGTERM or SIGINT (blocking), then removes its socket and
/// returns. Errors: invalid configuration, unknown interfaces, ports that cannot be bound.
pub fn run_daemon(cfg: Config) -> io::Result<()> {
    Daemon::bind(cfg)?.run_until_signal()
}
