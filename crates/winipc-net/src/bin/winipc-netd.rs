//! `winipc-netd`: the winipc network daemon, standalone (the `winipc` CLI runs the same code as
//! `winipc netd`). Logs go to stderr; `RUST_LOG` sets the level (default `info`).

use std::io::IsTerminal;

use clap::Parser;

/// Remote mailslots over NetBIOS datagrams (UDP 138) for winipc.
#[derive(Debug, Parser)]
#[command(name = "winipc-netd", version)]
struct Cli {
    #[command(flatten)]
    args: winipc_net::NetdArgs,
}

fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let cli = Cli::parse();
    let result = cli
        .args
        .into_config()
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
        .and_then(winipc_net::run_daemon);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("winipc-netd: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
