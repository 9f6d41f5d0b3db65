//! The results of an invocation and their renderings: terminal table, JSON, SVG chart.

pub mod json;
pub mod svg;
pub mod table;

use serde::Serialize;

use crate::machine::Machine;
use crate::runner::RunOutcome;
use crate::scenario::Column;
use crate::stats;
use crate::transport::Transport;
use crate::workload::Timing;

/// One transport × column cell.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Not run, with the reason.
    NotApplicable(&'static str),
    /// A repetition failed (the first error is kept; the cell has no figure).
    Failed(String),
    /// The repetitions' outcomes.
    Runs(Vec<RunOutcome>),
}

impl Cell {
    fn runs(&self) -> Option<&[RunOutcome]> {
        match self {
            Cell::Runs(r) if !r.is_empty() => Some(r),
            _ => None,
        }
    }

    fn median_of(&self, f: impl Fn(&RunOutcome) -> Option<f64>) -> Option<f64> {
        let v: Vec<f64> = self.runs()?.iter().filter_map(f).collect();
        (!v.is_empty()).then(|| stats::median(&v))
    }

    /// Median over repetitions of the headline figure (msg/s, or median µs).
    pub fn figure(&self) -> Option<f64> {
        self.median_of(|r| Some(r.figure))
    }

    /// Median over repetitions of the 99th-percentile latency, µs.
    pub fn p99(&self) -> Option<f64> {
        self.median_of(|r| r.latency.as_ref().map(|l| l.p99_us))
    }

    /// Median over repetitions of operations per second (round trips/s for rtt).
    pub fn per_second(&self) -> Option<f64> {
        self.median_of(|r| r.latency.as_ref().map(|l| l.per_second))
    }

    /// (max − min) / median of the headline figure over repetitions.
    pub fn spread(&self) -> Option<f64> {
        let v: Vec<f64> = self.runs()?.iter().map(|r| r.figure).collect();
        Some(stats::spread(&v))
    }
}

/// Settings of the invocation, as recorded.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    /// Bytes per message.
    pub msg_size: usize,
    /// Repetitions per cell.
    pub reps: usize,
    /// Phase lengths.
    #[serde(serialize_with = "timing_json")]
    pub timing: Timing,
    /// CPUs used for pinning.
    pub cpus: [usize; 2],
}

fn timing_json<S: serde::Serializer>(t: &Timing, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut st = s.serialize_struct("Timing", 3)?;
    st.serialize_field("warmup_ms", &(t.warmup_ns as f64 / 1e6))?;
    st.serialize_field("duration_ms", &(t.duration_ns as f64 / 1e6))?;
    st.serialize_field("wake_gap_us", &(t.wake_gap.as_micros() as u64))?;
    st.end()
}

/// Everything measured in one invocation.
#[derive(Debug)]
pub struct Results {
    /// Table rows.
    pub rows: Vec<&'static dyn Transport>,
    /// Table columns.
    pub columns: Vec<Column>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// Id of the transport ratios are relative to.
    pub reference: Option<&'static str>,
    /// Settings.
    pub config: Config,
    /// Machine facts.
    pub machine: Machine,
}

impl Results {
    /// This cell's figure divided by the reference transport's figure in the same column.
    pub fn ratio(&self, row: usize, col: usize) -> Option<f64> {
        let r = self
            .rows
            .iter()
            .position(|t| Some(t.id()) == self.reference)?;
        let reference = self.cells[r][col].figure()?;
        let figure = self.cells[row][col].figure()?;
        (reference > 0.0).then(|| figure / reference)
    }

    /// Whether any cell failed.
    pub fn any_failed(&self) -> bool {
        self.cells
            .iter()
            .flatten()
            .any(|c| matches!(c, Cell::Failed(_)))
    }
}

/// Human form of a figure: `1.23M` msg/s, or `3.45` µs.
pub fn format_figure(column: Column, value: f64) -> String {
    if column.scenario.is_stream() {
        match value {
            v if v >= 1e6 => format!("{:.2}M", v / 1e6),
            v if v >= 1e3 => format!("{:.0}k", v / 1e3),
            v => format!("{v:.0}"),
        }
    } else {
        format_us(value)
    }
}

/// Microseconds with three significant digits.
pub fn format_us(value: f64) -> String {
    match value {
        v if v < 10.0 => format!("{v:.2}"),
        v if v < 100.0 => format!("{v:.1}"),
        v => format!("{v:.0}"),
    }
}
