//! Command line.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::message;
use crate::protocol::Role;
use crate::scenario::{Placement, Scenario};

/// Cross-process transport benchmark: winipc against the Linux IPC a user would pick instead.
///
/// Runs every scenario × transport cell several times in fresh processes, pinned to CPUs, and
/// prints a table of medians with ratios to the reference transport.
#[derive(Debug, Parser)]
#[command(name = "winipc-bench", version)]
pub struct Cli {
    /// Internal: child process roles.
    #[command(subcommand)]
    pub child: Option<Internal>,

    /// Short run (~20 s): fewer repetitions, shorter windows.
    #[arg(long)]
    pub quick: bool,

    /// Only these scenarios (repeat or comma-separate).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scenario: Vec<Scenario>,

    /// Only these CPU placements (default both; e.g. one placement under `perf record`).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub placement: Vec<Placement>,

    /// Only these transports, by id (see --list).
    #[arg(long, value_delimiter = ',')]
    pub transport: Vec<String>,

    /// Message size in bytes.
    #[arg(long, default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(message::MIN_SIZE as i64..=65536))]
    pub msg_size: u32,

    /// Repetitions per cell (default 5, --quick 3); the median is reported.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub reps: Option<u32>,

    /// Timed window per repetition in ms (default 300, --quick 60).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=60_000))]
    pub duration_ms: Option<u64>,

    /// Transport id the ratios are relative to (default: winipc-mailslot, else unix-dgram).
    #[arg(long)]
    pub reference: Option<String>,

    /// Write every raw figure, with machine information, as JSON.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,

    /// Write a bar chart as SVG.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,

    /// List transports and exit.
    #[arg(long)]
    pub list: bool,

    /// Also measure process-exit latency over this many kills per placement (busy children
    /// killed four at a time; death → process object signaled).
    #[arg(long, default_value_t = 0)]
    pub exit_kills: usize,

    /// Only the process-exit measurement (needs --exit-kills), no transport table.
    #[arg(long)]
    pub exit_only: bool,
}

/// Hidden subcommands.
#[derive(Debug, Subcommand)]
pub enum Internal {
    /// One process of a run (started by the benchmark itself).
    #[command(name = "__child", hide = true)]
    Child(ChildArgs),
    /// A busy child of the process-exit measurement.
    #[command(name = "__busy", hide = true)]
    Busy(BusyArgs),
}

/// A busy child's objects.
#[derive(Debug, Args)]
pub struct BusyArgs {
    /// Store directory.
    #[arg(long)]
    pub dir: PathBuf,
    /// CPU to pin to.
    #[arg(long)]
    pub cpu: usize,
    /// Mutex, event, mailslot and ready-semaphore names.
    pub names: Vec<String>,
}

/// Everything a child needs, passed by the parent.
#[derive(Debug, Args)]
pub struct ChildArgs {
    /// What this process does.
    #[arg(long, value_enum)]
    pub role: Role,
    /// Transport id.
    #[arg(long)]
    pub transport: String,
    /// Channel this process receives from.
    #[arg(long)]
    pub recv: Option<String>,
    /// Channel this process sends to.
    #[arg(long)]
    pub send: Option<String>,
    /// Senders per channel in this run.
    #[arg(long)]
    pub senders: usize,
    /// This process's sender id.
    #[arg(long, default_value_t = 0)]
    pub id: u32,
    /// Message size in bytes.
    #[arg(long)]
    pub msg_size: usize,
    /// CPU to pin to.
    #[arg(long)]
    pub cpu: Option<usize>,
    /// Private directory of the invocation.
    #[arg(long)]
    pub dir: PathBuf,
    /// Shared-memory control block (stream scenarios).
    #[arg(long)]
    pub control: Option<String>,
    /// Warm-up, ns.
    #[arg(long)]
    pub warmup_ns: u64,
    /// Timed window, ns.
    #[arg(long)]
    pub duration_ns: u64,
    /// Wake scenario gap, µs.
    #[arg(long)]
    pub wake_gap_us: u64,
}
