//! A hand-written SVG bar chart for docs/performance.md: one row per transport, one column
//! per scenario, each column with its own linear scale; labels carry the figure and the ratio.

use std::fmt::Write as _;

use super::{Cell, Results, format_figure};

const LABEL_W: f64 = 200.0;
const COL_W: f64 = 176.0;
const BAR_MAX: f64 = 72.0;
const ROW_H: f64 = 26.0;
const TOP: f64 = 64.0;
const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The chart as an SVG document.
pub fn to_svg(results: &Results) -> String {
    let width = LABEL_W + COL_W * results.columns.len() as f64 + 10.0;
    let height = TOP + ROW_H * results.rows.len() as f64 + 30.0;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let reference = results.reference.unwrap_or("none");
    let _ = writeln!(
        s,
        r#"<text x="8" y="18" font-size="14" font-weight="bold">winipc-bench: {} B messages, median of {} runs (ratio to {})</text>"#,
        results.config.msg_size,
        results.config.reps,
        esc(reference)
    );
    let _ = writeln!(
        s,
        r##"<text x="8" y="34" fill="#555">{}, {} CPUs; ↑ higher is better, ↓ lower is better</text>"##,
        esc(&results.machine.cpu_model),
        results.machine.nproc
    );
    for (ci, col) in results.columns.iter().enumerate() {
        let x = LABEL_W + COL_W * ci as f64;
        let _ = writeln!(
            s,
            r#"<text x="{x}" y="{}" font-weight="bold">{}</text>"#,
            TOP - 10.0,
            esc(&col.heading())
        );
        let max = results
            .cells
            .iter()
            .filter_map(|r| r[ci].figure())
            .fold(0.0, f64::max);
        for (ri, _) in results.rows.iter().enumerate() {
            let y = TOP + ROW_H * ri as f64;
            let cell = &results.cells[ri][ci];
            let text_y = y + 13.0;
            match (cell, cell.figure()) {
                (Cell::Runs(_), Some(f)) if max > 0.0 => {
                    let w = (f / max * BAR_MAX).max(1.0);
                    let colour = PALETTE[ri % PALETTE.len()];
                    let _ = writeln!(
                        s,
                        r#"<rect x="{x}" y="{y}" width="{w:.1}" height="18" fill="{colour}"/>"#
                    );
                    let ratio = results
                        .ratio(ri, ci)
                        .map(|r| format!(" · {r:.2}×"))
                        .unwrap_or_default();
                    let _ = writeln!(
                        s,
                        r#"<text x="{:.1}" y="{text_y}">{}{}</text>"#,
                        x + w + 4.0,
                        format_figure(*col, f),
                        ratio
                    );
                }
                (Cell::Failed(_), _) => {
                    let _ = writeln!(
                        s,
                        r##"<text x="{x}" y="{text_y}" fill="#c00">failed</text>"##
                    );
                }
                _ => {
                    let _ = writeln!(s, r##"<text x="{x}" y="{text_y}" fill="#999">n/a</text>"##);
                }
            }
        }
    }
    for (ri, t) in results.rows.iter().enumerate() {
        let y = TOP + ROW_H * ri as f64 + 13.0;
        let weight = if Some(t.id()) == results.reference {
            "bold"
        } else {
            "normal"
        };
        let _ = writeln!(
            s,
            r#"<text x="8" y="{y}" font-weight="{weight}">{}</text>"#,
            esc(t.label())
        );
    }
    s.push_str("</svg>\n");
    s
}
