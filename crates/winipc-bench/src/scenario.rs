//! What is measured: scenarios, CPU placements, and the table columns they make.

use clap::ValueEnum;
use serde::Serialize;

/// A workload shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// One writer process streams messages to one reader process (msg/s).
    #[value(name = "stream-1w")]
    Stream1w,
    /// Eight writer processes stream to one reader process (aggregate msg/s).
    #[value(name = "stream-8w")]
    Stream8w,
    /// Ping-pong between two processes (round-trip latency).
    Rtt,
    /// A sleeping receiver is woken by one message (one-way wake latency).
    Wake,
}

impl Scenario {
    /// Writers feeding the one reader of a stream scenario.
    pub fn writers(self) -> usize {
        match self {
            Scenario::Stream8w => 8,
            _ => 1,
        }
    }

    /// Stream scenarios report a rate (higher is better), the others latency (lower is better).
    pub fn is_stream(self) -> bool {
        matches!(self, Scenario::Stream1w | Scenario::Stream8w)
    }

    /// The command-line and JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Stream1w => "stream-1w",
            Scenario::Stream8w => "stream-8w",
            Scenario::Rtt => "rtt",
            Scenario::Wake => "wake",
        }
    }
}

/// Where the processes of a run are pinned. `a` and `b` are the first two CPUs we may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Every process on CPU `a`.
    #[value(name = "same")]
    SameCpu,
    /// The receiving side (reader, pinger, waiter) on `a`, the other side on `b`.
    #[value(name = "cross")]
    CrossCpu,
}

/// One column of the result table: a scenario under one placement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Column {
    /// The workload.
    pub scenario: Scenario,
    /// The pinning.
    pub placement: Placement,
}

impl Column {
    /// Every scenario under both placements. Cross-CPU streams put the reader alone on one
    /// CPU and every writer on the other.
    pub const ALL: [Column; 8] = [
        Column {
            scenario: Scenario::Stream1w,
            placement: Placement::SameCpu,
        },
        Column {
            scenario: Scenario::Stream1w,
            placement: Placement::CrossCpu,
        },
        Column {
            scenario: Scenario::Stream8w,
            placement: Placement::SameCpu,
        },
        Column {
            scenario: Scenario::Stream8w,
            placement: Placement::CrossCpu,
        },
        Column {
            scenario: Scenario::Rtt,
            placement: Placement::SameCpu,
        },
        Column {
            scenario: Scenario::Rtt,
            placement: Placement::CrossCpu,
        },
        Column {
            scenario: Scenario::Wake,
            placement: Placement::SameCpu,
        },
        Column {
            scenario: Scenario::Wake,
            placement: Placement::CrossCpu,
        },
    ];

    /// Short unique key, e.g. `rtt-same`.
    pub fn key(self) -> String {
        format!("{}-{}", self.scenario.name(), self.placement_name())
    }

    fn placement_name(self) -> &'static str {
        match self.placement {
            Placement::SameCpu => "same",
            Placement::CrossCpu => "cross",
        }
    }

    /// Unit of the headline figure.
    pub fn unit(self) -> &'static str {
        if self.scenario.is_stream() {
            "msg/s"
        } else {
            "µs"
        }
    }

    /// Table heading, e.g. `rtt same µs ↓`.
    pub fn heading(self) -> String {
        let better = if self.scenario.is_stream() {
            "↑"
        } else {
            "↓"
        };
        format!(
            "{} {} {} {better}",
            self.scenario.name(),
            self.placement_name(),
            self.unit()
        )
    }
}
