//! `winipc-bench`: winipc's transports against the IPC a Linux user would pick instead,
//! measured in one run, reported as ratios.
//!
//! # What is measured
//!
//! | column       | workload                                                 | figure            |
//! |--------------|----------------------------------------------------------|-------------------|
//! | `stream-1w`  | one writer process streams to one reader process          | msg/s (median)    |
//! | `stream-8w`  | eight writer processes stream to one reader               | aggregate msg/s   |
//! | `rtt same`   | ping-pong, both processes pinned to one CPU               | median µs, p99, rt/s |
//! | `rtt cross`  | ping-pong, the processes pinned to two CPUs               | median µs, p99, rt/s |
//! | `wake same`  | a sleeping receiver woken by one message, one CPU         | median µs, p99    |
//! | `wake cross` | the same across CPUs                                      | median µs, p99    |
//!
//! Streams pin the reader alone on one CPU and every writer on the other. Every run starts
//! fresh processes (the benchmark re-executes itself with the hidden `__child` subcommand),
//! opens all channel ends, and only then says "go" (see [`protocol`]); each measuring process
//! warms up before its timed window. Every message carries a sequence number that its receiver
//! checks, and the parent cross-checks sent and received counts, so a lossy or reordering
//! transport fails instead of looking fast. Cells run several times, interleaved, and the table
//! shows the median with its spread.
//!
//! # Command line
//!
//! ```text
//! winipc-bench [--quick] [--scenario stream-1w,stream-8w,rtt,wake] [--transport ID,…]
//!              [--msg-size BYTES] [--reps N] [--duration-ms MS] [--reference ID]
//!              [--json FILE] [--svg FILE] [--list] [--exit-kills N [--exit-only]]
//! ```
//!
//! # Adding a transport
//!
//! 1. Write `src/transports/<name>.rs` with a unit struct implementing
//!    [`transport::Transport`]: `id`, `label`, `receiver` and `sender` are required;
//!    `setup`/`teardown` (parent side, create and remove named resources) and `supports`
//!    (which scenarios make sense) have defaults. Derive every resource name from the
//!    [`transport::Channel`] you are given (`channel.path("ext")`, `channel.posix_name("x")`),
//!    never from globals: parent and children only share what is on the command line.
//!    [`transport::Receiver::recv`] returns exactly one whole message per call;
//!    [`transport::Sender::send`] blocks while the channel is full. With several senders
//!    (`channel.senders > 1`) the receiver must take messages from all of them.
//! 2. Add `mod <name>;` and `&<name>::<Type>` to [`transports::REGISTRY`], in the marked place
//!    at the top for winipc.
//! 3. Run `winipc-bench --quick --transport <id>` and `cargo test -p winipc-bench`: the smoke
//!    test runs every registered transport and fails on any lost or reordered message.
//!
//! For winipc specifically:
//! - `WinipcMailslot` (id `winipc-mailslot`): `receiver` creates the mailslot named after the
//!   channel, `sender` opens it as a client; `recv` is one `ReadFile`, `send` one `WriteFile`.
//!   Being the first id in [`transports::REFERENCE_PREFERENCE`], it becomes the reference column
//!   of the ratios automatically.
//! - `WinipcEvent` (id `winipc-event`): an event carries no data, so copy
//!   `transports/futex_slot.rs`: keep its shared slot for the message header and replace the
//!   futex wait/wake with the event's wait/set (an auto-reset event for "slot full" and one for
//!   "slot free"). Return `true` from `supports` only for `Rtt` and `Wake`.
//!
//! # Unsafe code
//!
//! Only [`sys`] (mmap, munmap, POSIX message queues) and [`capi`] (libwinipc's C functions)
//! contain `unsafe`; the rest of the crate is compiled with `#![deny(unsafe_code)]`.

#![deny(unsafe_code)]

mod bench;
#[allow(unsafe_code)]
mod capi;
mod child;
mod cli;
mod clock;
mod exit;
mod futex;
mod machine;
mod message;
mod pin;
mod progress;
mod protocol;
mod report;
mod runner;
mod scenario;
mod stats;
#[allow(unsafe_code)]
mod sys;
mod transport;
mod transports;
mod words;
mod workload;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Internal};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.child {
        Some(Internal::Child(args)) => return child::main(args),
        Some(Internal::Busy(args)) => {
            let _ = pin::pin_to(args.cpu);
            if let Err(e) = exit::busy(&args.dir, &args.names) {
                eprintln!("winipc-bench __busy: {e}");
            }
            return ExitCode::FAILURE;
        }
        None => {}
    }
    if cli.list {
        for t in transports::REGISTRY {
            let scenarios: Vec<&str> = [
                scenario::Scenario::Stream1w,
                scenario::Scenario::Stream8w,
                scenario::Scenario::Rtt,
                scenario::Scenario::Wake,
            ]
            .into_iter()
            .filter(|s| t.supports(*s))
            .map(|s| s.name())
            .collect();
            println!("{:<16} {:<28} {}", t.id(), t.label(), scenarios.join(","));
        }
        return ExitCode::SUCCESS;
    }
    match run(&cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("winipc-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the benchmark and writes the reports; `Ok(false)` when some cell failed.
fn run(cli: &Cli) -> Result<bool, String> {
    let dir = std::env::temp_dir().join(format!("winipc-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    if cli.exit_only {
        let cpus = pin::allowed_cpus();
        let pair = (cpus[0], *cpus.get(1).unwrap_or(&cpus[0]));
        let r = exit::run(&dir, cli.exit_kills.max(4), pair);
        let _ = std::fs::remove_dir_all(&dir);
        return r
            .map(|()| true)
            .map_err(|e| format!("process-exit measurement: {e}"));
    }
    let results = bench::run(cli, dir.clone());
    let results = results?;

    print!("{}", report::table::render_all(&results));
    if let Some(path) = &cli.json {
        let text = serde_json::to_string_pretty(&report::json::to_json(&results))
            .map_err(|e| e.to_string())?;
        std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    if let Some(path) = &cli.svg {
        std::fs::write(path, report::svg::to_svg(&results))
            .map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    if cli.exit_kills > 0 {
        let cpus = pin::allowed_cpus();
        let pair = (cpus[0], *cpus.get(1).unwrap_or(&cpus[0]));
        let r = exit::run(&dir, cli.exit_kills, pair);
        let _ = std::fs::remove_dir_all(&dir);
        r.map_err(|e| format!("process-exit measurement: {e}"))?;
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(!results.any_failed())
}
