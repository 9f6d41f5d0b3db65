//! Every raw figure as JSON, with the machine and settings.

use serde_json::{Value, json};

use super::{Cell, Results};

/// The whole result set as a JSON document.
pub fn to_json(results: &Results) -> Value {
    let mut cells = Vec::new();
    for (ri, t) in results.rows.iter().enumerate() {
        for (ci, col) in results.columns.iter().enumerate() {
            let cell = &results.cells[ri][ci];
            let (status, error, runs) = match cell {
                Cell::NotApplicable(why) => ("n/a", Some(why.to_string()), Vec::new()),
                Cell::Failed(e) => ("failed", Some(e.clone()), Vec::new()),
                Cell::Runs(runs) => ("ok", None, runs.clone()),
            };
            let runs: Vec<Value> = runs
                .iter()
                .map(|r| {
                    json!({
                        "figure": r.figure,
                        "sent": r.sent,
                        "received": r.received,
                        "seq_errors": r.seq_errors,
                        "latency": r.latency,
                    })
                })
                .collect();
            cells.push(json!({
                "transport": t.id(),
                "label": t.label(),
                "column": col.key(),
                "scenario": col.scenario,
                "placement": col.placement,
                "unit": col.unit(),
                "status": status,
                "error": error,
                "median": cell.figure(),
                "p99_us": cell.p99(),
                "per_second": cell.per_second(),
                "spread": cell.spread(),
                "ratio_to_reference": results.ratio(ri, ci),
                "runs": runs,
            }));
        }
    }
    json!({
        "tool": "winipc-bench",
        "version": env!("CARGO_PKG_VERSION"),
        "machine": results.machine,
        "config": results.config,
        "reference": results.reference,
        "columns": results.columns.iter().map(|c| c.key()).collect::<Vec<_>>(),
        "transports": results.rows.iter().map(|t| t.id()).collect::<Vec<_>>(),
        "cells": cells,
    })
}
