//! The terminal tables printed at the end of a run.

use std::fmt::Write as _;

use super::{Cell, Results, format_figure, format_us};
use crate::scenario::Scenario;

fn render(grid: &[Vec<String>]) -> String {
    let cols = grid.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            grid.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in grid {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn percent(x: f64) -> String {
    format!("±{:.1}%", x * 100.0)
}

/// Headline table (medians and ratios) followed by the detail table (p99, rates, spread).
pub fn render_all(results: &Results) -> String {
    let cfg = &results.config;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "winipc-bench: {}-byte messages, median of {} repetitions, {:.0} ms timed window each, \
         CPUs {} and {}",
        cfg.msg_size,
        cfg.reps,
        cfg.timing.duration_ns as f64 / 1e6,
        cfg.cpus[0],
        cfg.cpus[1]
    );
    let _ = writeln!(
        out,
        "machine: {}, {} CPUs, kernel {}",
        results.machine.cpu_model,
        results.machine.nproc,
        results
            .machine
            .kernel
            .split_whitespace()
            .next()
            .unwrap_or("")
    );
    let busy: Vec<String> = results
        .machine
        .foreign_load_before
        .iter()
        .map(|(cpu, load)| format!("CPU {cpu} {:.0}%", load * 100.0))
        .collect();
    let _ = writeln!(
        out,
        "other load on the pinned CPUs before the run: {}",
        busy.join(", ")
    );
    let reference = results.reference.unwrap_or("none");
    let _ = writeln!(
        out,
        "cell = median (figure ÷ {reference} in the same column); ↑ higher is better, ↓ lower"
    );
    let _ = writeln!(out);

    let header = |first: &str| {
        std::iter::once(first.to_owned())
            .chain(results.columns.iter().map(|c| c.heading()))
            .collect::<Vec<_>>()
    };
    let mut grid = vec![header("transport")];
    for (ri, t) in results.rows.iter().enumerate() {
        let mut row = vec![t.label().to_owned()];
        for (ci, col) in results.columns.iter().enumerate() {
            row.push(match &results.cells[ri][ci] {
                Cell::NotApplicable(_) => "n/a".to_owned(),
                Cell::Failed(_) => "FAILED".to_owned(),
                cell => match (cell.figure(), results.ratio(ri, ci)) {
                    (Some(f), Some(r)) => format!("{} ({r:.2}×)", format_figure(*col, f)),
                    (Some(f), None) => format_figure(*col, f),
                    _ => "-".to_owned(),
                },
            });
        }
        grid.push(row);
    }
    out.push_str(&render(&grid));

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "details: p99 µs (latency), round trips/s (rtt), spread = (max − min) ÷ median over \
         repetitions"
    );
    let mut grid = vec![header("transport")];
    for (ri, t) in results.rows.iter().enumerate() {
        let mut row = vec![t.label().to_owned()];
        for (ci, col) in results.columns.iter().enumerate() {
            let cell = &results.cells[ri][ci];
            let mut parts = Vec::new();
            if let Some(p99) = cell.p99() {
                parts.push(format!("p99 {}", format_us(p99)));
            }
            if col.scenario == Scenario::Rtt
                && let Some(ps) = cell.per_second()
            {
                parts.push(format!("{:.0}k rt/s", ps / 1e3));
            }
            if let Some(s) = cell.spread() {
                parts.push(percent(s));
            }
            row.push(match cell {
                Cell::NotApplicable(_) => "n/a".to_owned(),
                Cell::Failed(_) => "FAILED".to_owned(),
                _ => parts.join(" "),
            });
        }
        grid.push(row);
    }
    out.push_str(&render(&grid));

    for (ri, t) in results.rows.iter().enumerate() {
        for (ci, col) in results.columns.iter().enumerate() {
            if let Cell::Failed(e) = &results.cells[ri][ci] {
                let _ = writeln!(out, "FAILED {} {}: {e}", t.id(), col.key());
            }
        }
    }
    out
}
