//! The command line of the daemon, shared by `winipc netd` and the standalone `winipc-netd`:
//! running it (with logging set up: journald under systemd, stderr otherwise) and
//! `status`, which asks the running daemon for its settings and counters.
//!
//! ```text
//! winipc netd --interface eth0 --nbns --log-level debug
//! winipc netd status            # settings and counters, one per line
//! winipc netd status --json
//! ```

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::{self, IsTerminal};
use std::os::linux::net::SocketAddrExt;
use std::path::PathBuf;
use std::time::Duration;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::prelude::*;

use crate::NetdArgs;
use crate::proto::{Query, StatusReply, Value};

/// `winipc netd …`: run the daemon, or query it.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NetdCommand {
    /// What to do instead of running the daemon.
    #[command(subcommand)]
    pub action: Option<NetdAction>,
    /// How to run the daemon.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Subcommands of `winipc netd`.
#[derive(Debug, clap::Subcommand)]
pub enum NetdAction {
    /// Print the running daemon's settings and counters (over its request socket).
    Status(StatusArgs),
}

/// `winipc netd status` options.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct StatusArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The daemon's request socket (default $WINIPC_NETD_SOCKET, else /run/winipc/netd.sock).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
}

/// Where log lines go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogTarget {
    /// journald when systemd connected standard error to the journal (`JOURNAL_STREAM`
    /// names standard error), else standard error.
    #[default]
    Auto,
    /// Standard error.
    Stderr,
    /// The systemd journal (native protocol).
    Journald,
}

/// Running the daemon: logging options and the daemon's own flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RunArgs {
    /// Log filter: error, warn, info (default), debug or trace, or a tracing filter such as
    /// `winipc_net=debug`. Overrides RUST_LOG.
    #[arg(long, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Where logs go.
    #[arg(long, value_enum, default_value_t = LogTarget::Auto)]
    pub log_target: LogTarget,
    /// The daemon's settings.
    #[command(flatten)]
    pub netd: NetdArgs,
}

/// Whether `JOURNAL_STREAM` (`DEVICE:INODE`, set by systemd when it connects a service's
/// output to the journal) names the stream `stderr` (its device and inode): then logs belong
/// in the journal. systemd recommends this comparison, because the variable is inherited by
/// children whose standard error may have been redirected elsewhere.
///
/// ```
/// use winipc_net::cli::journal_stream_is_stderr;
/// use std::ffi::OsStr;
/// assert!(journal_stream_is_stderr(Some(OsStr::new("8:1234")), Some((8, 1234))));
/// assert!(!journal_stream_is_stderr(Some(OsStr::new("8:1234")), Some((8, 99))));
/// assert!(!journal_stream_is_stderr(None, Some((8, 1234))));
/// assert!(!journal_stream_is_stderr(Some(OsStr::new("junk")), Some((8, 1234))));
/// ```
pub fn journal_stream_is_stderr(
    journal_stream: Option<&OsStr>,
    stderr: Option<(u64, u64)>,
) -> bool {
    let (Some(value), Some((dev, ino))) = (journal_stream.and_then(OsStr::to_str), stderr) else {
        return false;
    };
    let Some((d, i)) = value.split_once(':') else {
        return false;
    };
    d.parse::<u64>() == Ok(dev) && i.parse::<u64>() == Ok(ino)
}

/// Device and inode of standard error.
fn stderr_id() -> Option<(u64, u64)> {
    let st = nix::sys::stat::fstat(io::stderr()).ok()?;
    Some((st.st_dev, st.st_ino))
}

/// Which sink [`LogTarget::Auto`] picks in this process's environment.
pub fn auto_target() -> LogTarget {
    if journal_stream_is_stderr(std::env::var_os("JOURNAL_STREAM").as_deref(), stderr_id()) {
        LogTarget::Journald
    } else {
        LogTarget::Stderr
    }
}

/// Installs the global `tracing` subscriber: `level` (else `RUST_LOG`, else `info`) to
/// `target`. Returns the sink actually used: journald falls back to standard error (with a
/// warning) when its socket cannot be reached.
pub fn init_logging(level: Option<&str>, target: LogTarget) -> LogTarget {
    let filter = || match level {
        Some(l) => EnvFilter::try_new(l).unwrap_or_else(|e| {
            eprintln!("winipc netd: --log-level {l:?}: {e}; using info");
            EnvFilter::new("info")
        }),
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
    let target = match target {
        LogTarget::Auto => auto_target(),
        t => t,
    };
    let mut fallback = None;
    if target == LogTarget::Journald {
        match tracing_journald::layer() {
            Ok(layer) => {
                let layer = layer.with_syslog_identifier("winipc-netd".to_owned());
                if tracing_subscriber::registry()
                    .with(filter())
                    .with(layer)
                    .try_init()
                    .is_ok()
                {
                    tracing::info!("logging to the systemd journal");
                }
                return LogTarget::Journald;
            }
            Err(e) => fallback = Some(e),
        }
    }
    let fmt = tracing_subscriber::fmt::layer()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal());
    let _ = tracing_subscriber::registry()
        .with(filter())
        .with(fmt)
        .try_init();
    if let Some(e) = fallback {
        tracing::warn!(error = %e, "the systemd journal is not reachable: logging to standard error");
    }
    LogTarget::Stderr
}

/// Runs `winipc netd …` (or `winipc-netd …`): the daemon until SIGTERM/SIGINT, or an action.
/// Returns the exit status: 0, or 1 after printing the error on stderr as `PROGRAM: error`.
pub fn main(cmd: NetdCommand, program: &str) -> u8 {
    let result = match cmd.action {
        Some(NetdAction::Status(args)) => status(&args),
        None => run(cmd.run),
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            tracing::error!(error = %e, "winipc netd failed");
            eprintln!("{program}: {e}");
            1
        }
    }
}

fn run(args: RunArgs) -> io::Result<()> {
    let sink = init_logging(args.log_level.as_deref(), args.log_target);
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        pid = std::process::id(),
        config = ?args.netd.config,
        log = ?sink,
        "winipc netd starting"
    );
    let cfg = args
        .netd
        .into_config()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    tracing::info!(
        interfaces = %cfg.interfaces.join(","),
        port = cfg.port,
        nbns = cfg.nbns,
        nbns_port = cfg.nbns_port,
        browser_names = cfg.browser_names,
        system_resolver = cfg.system_resolver,
        layout = ?cfg.layout,
        max_queued_bytes = cfg.max_queued_bytes,
        "configuration"
    );
    crate::run_daemon(cfg)
}

/// Asks the daemon at `socket` (default [`crate::socket_path`]) for its status, after
/// checking the socket is the daemon's ([`winipc::netd_socket::verify`]).
pub fn query_status(socket: Option<PathBuf>) -> io::Result<StatusReply> {
    let path = socket.unwrap_or_else(crate::socket_path);
    let verified = winipc::netd_socket::verify(&path).map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            io::Error::new(
                e.kind(),
                format!(
                    "the winipc network daemon is not running (no {})",
                    path.display()
                ),
            )
        } else {
            e
        }
    })?;
    // Bound to a unique abstract address, so that the daemon can answer.
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(
        format!("winipc-netd-status-{}-{}", std::process::id(), nanos()).as_bytes(),
    )?;
    let client = std::os::unix::net::UnixDatagram::bind_addr(&addr)?;
    client.connect(&verified).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("connecting to {}: {e}", verified.display()),
        )
    })?;
    client.set_read_timeout(Some(Duration::from_secs(5)))?;
    let id = std::process::id() ^ nanos() as u32;
    let query = Query::Status { id }
        .encode()
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
    client.send(&query)?;
    let mut buf = vec![0u8; 65536];
    loop {
        let n = client.recv(&mut buf).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("no status from the daemon at {}: {e}", verified.display()),
            )
        })?;
        let bytes = buf.get(..n).unwrap_or_default();
        if let Ok(r) = crate::proto::Reply::decode(bytes)
            && r.id == id
        {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("the daemon did not answer the status query: {:?}", r.status),
            ));
        }
        match StatusReply::decode(bytes) {
            Ok(reply) if reply.id == id => return Ok(reply),
            Ok(_) => continue,
            Err(e) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("the daemon's status answer: {e} (another version of winipc?)"),
                ));
            }
        }
    }
}

fn nanos() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64)
}

/// The status as text, one `key  value` line each.
pub fn format_status(reply: &StatusReply) -> String {
    let width = reply
        .entries
        .iter()
        .map(|(k, _)| k.len())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    for (k, v) in &reply.entries {
        let _ = writeln!(out, "{k:<width$}  {v}");
    }
    out
}

/// The status as one JSON object (numbers as numbers, texts as strings).
pub fn format_status_json(reply: &StatusReply) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in reply.entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let _ = write!(out, "\"{k}\": ");
        match v {
            Value::Number(n) => {
                let _ = write!(out, "{n}");
            }
            Value::Text(t) => {
                out.push('"');
                for c in t.chars() {
                    match c {
                        '"' => out.push_str("\\\""),
                        '\\' => out.push_str("\\\\"),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
        }
    }
    out.push_str("}\n");
    out
}

fn status(args: &StatusArgs) -> io::Result<()> {
    let reply = query_status(args.socket.clone())?;
    let text = if args.json {
        format_status_json(&reply)
    } else {
        format_status(&reply)
    };
    io::Write::write_all(&mut io::stdout().lock(), text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let reply = StatusReply {
            id: 1,
            entries: vec![
                ("name".into(), Value::Text("HOST<00> \"q\" \\".into())),
                ("delivered".into(), Value::Number(42)),
            ],
        };
        assert_eq!(
            format_status(&reply),
            "name       HOST<00> \"q\" \\\ndelivered  42\n"
        );
        assert_eq!(
            format_status_json(&reply),
            "{\"name\": \"HOST<00> \\\"q\\\" \\\\\", \"delivered\": 42}\n"
        );
    }
}
