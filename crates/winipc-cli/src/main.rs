//! `winipc`: Windows-style IPC from the shell.
//!
//! ```text
//! winipc demo                                   # a receiver and two senders talking
//! winipc recv '\\.\mailslot\mailbox'            # create a slot, print messages as they arrive
//! winipc send '\\.\mailslot\mailbox' hi there   # one message per argument (or per stdin line)
//! winipc info '\\.\mailslot\mailbox'            # GetMailslotInfo
//! ```
#![deny(unsafe_code)]

mod demo;
mod mailslot_cmd;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Windows-style IPC for Linux: mailslots, kernel objects, handles and waits.
#[derive(Debug, Parser)]
#[command(name = "winipc", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a demonstration: a mailslot receiver and two senders in separate processes.
    Demo(demo::DemoArgs),
    /// Create a mailslot and print each message as it arrives.
    Recv(mailslot_cmd::RecvArgs),
    /// Send messages to a mailslot: one per argument, or one per line of standard input.
    Send(mailslot_cmd::SendArgs),
    /// Show a mailslot's settings and queue (GetMailslotInfo).
    Info(mailslot_cmd::InfoArgs),
}

/// Exit statuses shared by all commands (documented in `winipc --help` output of each).
pub mod status {
    /// Success.
    pub const OK: u8 = 0;
    /// An error (one line on stderr).
    pub const ERROR: u8 = 1;
    /// A timeout expired.
    pub const TIMEOUT: u8 = 2;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Recv(a) => mailslot_cmd::recv(a),
        Command::Send(a) => mailslot_cmd::send(a),
        Command::Info(a) => mailslot_cmd::info(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("winipc: {}", output::describe(&e));
            ExitCode::from(status::ERROR)
        }
    }
}
