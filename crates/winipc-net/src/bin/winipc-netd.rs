//! `winipc-netd`: the winipc network daemon, standalone (the `winipc` CLI runs the same code as
//! `winipc netd`). Logs go to journald when systemd connected standard error to the journal,
//! else to standard error; `--log-level` or `RUST_LOG` set the filter (default `info`).
//! `winipc-netd status [--json]` prints the running daemon's counters.

use clap::Parser;

/// Remote mailslots over NetBIOS datagrams (UDP 138) for winipc.
#[derive(Debug, Parser)]
#[command(name = "winipc-netd", version)]
struct Cli {
    #[command(flatten)]
    cmd: winipc_net::NetdCommand,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    std::process::ExitCode::from(winipc_net::cli::main(cli.cmd, "winipc-netd"))
}
