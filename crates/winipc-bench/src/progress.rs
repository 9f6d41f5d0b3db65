//! Progress display. It is drawn by the parent only, between runs (never while children
//! measure: no ticker thread), rate-limited, and hidden when stdout is not a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar counting finished runs.
#[derive(Debug)]
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar for `total` runs.
    pub fn new(total: u64) -> Self {
        if !std::io::stdout().is_terminal() {
            return Self(ProgressBar::hidden());
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(2));
        let style = ProgressStyle::with_template(
            "{bar:32.cyan/blue} {pos:>3}/{len} runs  {elapsed} (eta {eta})  {wide_msg}",
        )
        .expect("valid template");
        bar.set_style(style);
        Self(bar)
    }

    /// Names the run about to start.
    pub fn start(&self, what: String) {
        self.0.set_message(what);
    }

    /// Counts one finished run.
    pub fn done(&self) {
        self.0.inc(1);
    }

    /// Prints a line above the bar.
    pub fn note(&self, line: &str) {
        self.0.suspend(|| eprintln!("{line}"));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}
