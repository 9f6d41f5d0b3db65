//! The child side of a run: pin, open the channel ends in protocol order, run the role's loop,
//! report. See [`crate::protocol`].

use std::io::{self, BufRead, Write};
use std::process::ExitCode;
use std::time::Duration;

use crate::cli::ChildArgs;
use crate::protocol::{self, ChildReport, Role};
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender};
use crate::workload::{self, Timing};
use crate::{pin, transports};

/// Entry point of `winipc-bench __child`.
pub fn main(args: &ChildArgs) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("winipc-bench: {} {:?}: {e}", args.transport, args.role);
            ExitCode::FAILURE
        }
    }
}

fn say(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

fn expect(word: &str) -> io::Result<()> {
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line)?;
    if line.trim() == word {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "expected {word:?} from parent, got {line:?}"
        )))
    }
}

fn missing(what: &str) -> io::Error {
    io::Error::other(format!("this role needs --{what}"))
}

fn run(args: &ChildArgs) -> io::Result<()> {
    if let Some(cpu) = args.cpu {
        pin::pin_to(cpu)?;
    }
    let transport =
        transports::by_id(&args.transport).ok_or_else(|| io::Error::other("unknown transport"))?;
    let channel = |name: &String| Channel {
        name: name.clone(),
        dir: args.dir.clone(),
        msg_size: args.msg_size,
        senders: args.senders,
    };
    let control = args.control.as_deref().map(SharedMem::open).transpose()?;

    let mut rx: Option<Box<dyn Receiver>> = args
        .recv
        .as_ref()
        .map(|n| transport.receiver(&channel(n)))
        .transpose()?;
    say(protocol::READY)?;
    expect(protocol::CONNECT)?;
    let mut tx: Option<Box<dyn Sender>> = args
        .send
        .as_ref()
        .map(|n| transport.sender(&channel(n)))
        .transpose()?;
    say(protocol::CONNECTED)?;
    expect(protocol::GO)?;

    let timing = Timing {
        warmup_ns: args.warmup_ns,
        duration_ns: args.duration_ns,
        wake_gap: Duration::from_micros(args.wake_gap_us),
    };
    let size = args.msg_size;
    let stop = || {
        control
            .as_ref()
            .map(|c| &c.words()[0])
            .ok_or_else(|| missing("control"))
    };
    let (rx, tx) = (rx.as_deref_mut(), tx.as_deref_mut());
    let report: ChildReport = match (args.role, rx, tx) {
        (Role::StreamWriter, _, Some(tx)) => workload::stream_writer(tx, args.id, size, stop()?)?,
        (Role::StreamReader, Some(rx), _) => {
            workload::stream_reader(rx, args.senders, size, timing, stop()?)?
        }
        (Role::Pinger, Some(rx), Some(tx)) => workload::pinger(tx, rx, size, timing)?,
        (Role::Ponger, Some(rx), Some(tx)) => workload::ponger(tx, rx, size)?,
        (Role::Signaler, _, Some(tx)) => workload::signaler(tx, size, timing)?,
        (Role::Waiter, Some(rx), _) => workload::waiter(rx, size, timing)?,
        _ => return Err(missing("recv or --send")),
    };
    let json = serde_json::to_string(&report).map_err(io::Error::other)?;
    say(&format!("{}{json}", protocol::RESULT))
}
