//! The benchmark proper: choose the cells, run every repetition, gather the results.
//!
//! Repetitions are interleaved (all cells once, then all cells again, …) so that a slow phase
//! of a shared machine spreads over every transport instead of skewing one of them.

use std::path::PathBuf;
use std::time::Duration;

use crate::cli::Cli;
use crate::machine;
use crate::progress::Progress;
use crate::report::{Cell, Config, Results};
use crate::runner::{self, RunConfig};
use crate::scenario::{Column, Placement};
use crate::transport::Transport;
use crate::transports::{self, REFERENCE_PREFERENCE};
use crate::workload::Timing;

/// Pause before each wake signal: far above any wake latency, so the waiter is asleep.
const WAKE_GAP: Duration = Duration::from_micros(200);

/// Selected transports, in registry order.
fn select_transports(cli: &Cli) -> Result<Vec<&'static dyn Transport>, String> {
    for id in &cli.transport {
        if transports::by_id(id).is_none() {
            let known: Vec<_> = transports::REGISTRY.iter().map(|t| t.id()).collect();
            return Err(format!(
                "unknown transport {id:?}; known: {}",
                known.join(", ")
            ));
        }
    }
    Ok(transports::REGISTRY
        .iter()
        .copied()
        .filter(|t| cli.transport.is_empty() || cli.transport.iter().any(|id| id == t.id()))
        .collect())
}

fn reference(cli: &Cli, rows: &[&'static dyn Transport]) -> Result<Option<&'static str>, String> {
    if let Some(id) = &cli.reference {
        return match rows.iter().find(|t| t.id() == id) {
            Some(t) => Ok(Some(t.id())),
            None => Err(format!(
                "reference {id:?} is not among the selected transports"
            )),
        };
    }
    let preferred = REFERENCE_PREFERENCE
        .iter()
        .find_map(|id| rows.iter().find(|t| t.id() == *id));
    Ok(preferred.or(rows.first()).map(|t| t.id()))
}

/// Runs the benchmark as configured on the command line.
pub fn run(cli: &Cli, dir: PathBuf) -> Result<Results, String> {
    let rows = select_transports(cli)?;
    let reference = reference(cli, &rows)?;
    let columns: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| cli.scenario.is_empty() || cli.scenario.contains(&c.scenario))
        .filter(|c| cli.placement.is_empty() || cli.placement.contains(&c.placement))
        .collect();
    let reps = cli.reps.unwrap_or(if cli.quick { 3 } else { 5 }) as usize;
    let duration_ms = cli.duration_ms.unwrap_or(if cli.quick { 60 } else { 300 });
    let duration_ns = duration_ms * 1_000_000;
    let timing = Timing {
        warmup_ns: (duration_ns / 5).clamp(2_000_000, 100_000_000),
        duration_ns,
        wake_gap: WAKE_GAP,
    };
    let mut machine = machine::describe();
    let cpus = match machine.allowed_cpus.as_slice() {
        [a, b, ..] => [*a, *b],
        [a] => [*a, *a],
        [] => [0, 0],
    };
    machine.foreign_load_before = machine::foreign_load(&cpus, Duration::from_millis(300));
    for &(cpu, load) in &machine.foreign_load_before {
        if load > 0.10 {
            eprintln!(
                "warning: CPU {cpu} is {:.0}% busy with other work; figures will be noisy",
                load * 100.0
            );
        }
    }
    let two_cpus = cpus[0] != cpus[1];
    let cfg = RunConfig {
        msg_size: cli.msg_size as usize,
        timing,
        cpus,
        dir,
    };

    let mut cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|t| {
            columns
                .iter()
                .map(|c| {
                    if !t.supports(c.scenario) {
                        Cell::NotApplicable("single producer or no payload")
                    } else if c.placement == Placement::CrossCpu && !two_cpus {
                        Cell::NotApplicable("needs two CPUs")
                    } else {
                        Cell::Runs(Vec::new())
                    }
                })
                .collect()
        })
        .collect();
    let runnable = cells
        .iter()
        .flatten()
        .filter(|c| matches!(c, Cell::Runs(_)))
        .count();
    let progress = Progress::new((runnable * reps) as u64);
    let mut run_no = 0;
    for rep in 0..reps {
        for (ci, column) in columns.iter().enumerate() {
            for (ti, transport) in rows.iter().enumerate() {
                let Cell::Runs(runs) = &mut cells[ti][ci] else {
                    continue;
                };
                progress.start(format!(
                    "{} · {} · rep {}/{reps}",
                    transport.id(),
                    column.key(),
                    rep + 1
                ));
                run_no += 1;
                match runner::run_once(*transport, *column, &cfg, run_no) {
                    Ok(outcome) => runs.push(outcome),
                    Err(e) => {
                        progress.note(&format!("{} {}: FAILED: {e}", transport.id(), column.key()));
                        cells[ti][ci] = Cell::Failed(e);
                    }
                }
                progress.done();
            }
        }
    }
    progress.finish();
    Ok(Results {
        rows,
        columns,
        cells,
        reference,
        config: Config {
            msg_size: cfg.msg_size,
            reps,
            timing,
            cpus,
        },
        machine,
    })
}
