//! The parent–child protocol: child roles and the lines they exchange over stdin/stdout.
//!
//! ```text
//! child  → parent   ready        (receiving end open, if the role has one)
//! parent → child    connect      (sent once every child of the run is ready)
//! child  → parent   connected    (sending end open, if the role has one)
//! parent → child    go           (sent once every child is connected)
//! child  → parent   result {…}   (a ChildReport as JSON), then exit 0
//! ```
//! A child that fails prints the reason on stderr and exits non-zero.

use clap::ValueEnum;
use serde::{Deserialize, Serialize};

use crate::stats::Latency;

/// Parent to child: open your sending end.
pub const CONNECT: &str = "connect";
/// Parent to child: start the workload.
pub const GO: &str = "go";
/// Child to parent: receiving end open.
pub const READY: &str = "ready";
/// Child to parent: sending end open.
pub const CONNECTED: &str = "connected";
/// Child to parent, prefix of the last line.
pub const RESULT: &str = "result ";

/// What a child process does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Receives a stream and times it.
    StreamReader,
    /// Sends a stream until told to stop.
    StreamWriter,
    /// Sends pings, times round trips.
    Pinger,
    /// Echoes pings.
    Ponger,
    /// Sleeps in `recv`, times how late it wakes.
    Waiter,
    /// Sends timestamped messages to a sleeping waiter.
    Signaler,
}

/// A child's account of its run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ChildReport {
    /// Data messages sent (not counting the closing `END`).
    pub sent: u64,
    /// Data messages received.
    pub received: u64,
    /// Messages lost, reordered, duplicated, torn or mis-sized, as seen by this receiver.
    pub seq_errors: u64,
    /// Stream reader: messages per second over the timed window.
    pub rate: Option<f64>,
    /// Pinger and waiter: the timed samples.
    pub latency: Option<Latency>,
}
