//! `winipc wait [--all] [--timeout MS] OBJ…`.

use std::io;
use std::time::Duration;

use clap::Args;
use winipc::{Handle, WaitOutcome};

use crate::objspec::{FORMS, ObjSpec, Opened};
use crate::output::{context, msg, text};
use crate::status;

pub const LONG_ABOUT: &str = "\
Wait until one of the objects is signaled (WaitForMultipleObjects), or with --all until all of \
them are signaled at the same moment; print which one fired and exit with a status that says \
how the wait ended.

OBJ is one of:
  event:NAME   an event (auto-reset: the wait resets it)
  mutex:NAME   a mutex (signaled when unowned; acquired by the wait, then released at once so \
that the exiting waiter does not abandon it)
  sem:NAME     a semaphore (signaled when its count is above 0; the wait takes one count and \
keeps it, so `wait sem:NAME` is the P operation and `sem release NAME` the V)
  timer:NAME   a waitable timer (signaled once due)
  slot:NAME    a mailslot, given as \\\\.\\mailslot\\NAME or NAME: signaled while a message is \
queued. Only a mailslot's receiver can wait on it, so `wait` creates the slot and is its \
receiver for as long as it waits; senders must open it after that. When it fires, `wait` \
reads one message and prints it (otherwise the message would be lost when the slot closes). \
If another process already receives on NAME, the wait fails with ERROR_ALREADY_EXISTS.
  pid:PID      a process (signaled when it exits; its exit code is printed)

Named objects must already exist (the wait fails with ERROR_FILE_NOT_FOUND otherwise): create \
them with `winipc event create`, `winipc hold`, or your program. Objects can be given in any \
mix of kinds; with wait-any the lowest signaled index wins.

Output: `signaled OBJ` or `abandoned OBJ` (with --all: every OBJ), or `timeout`; with --json \
one object {\"result\": \"signaled\"|\"abandoned\"|\"timeout\", \"index\", \"object\", \
\"exit_code\", \"message\"}.";

pub const EXIT_STATUS: &str = "\
EXIT STATUS
  0  an object was signaled (with --all: all of them)
  1  error: bad OBJ syntax, a missing object, a usage error (one line on stderr)
  2  the timeout expired; nothing was acquired
  3  abandoned: a mutex's owner died holding it (the wait acquired it, and released it)

EXAMPLES
  winipc event create ready --manual &      # hold an event
  winipc wait --timeout 5000 event:ready    # exits 0 once someone runs:
  winipc event set ready
  winipc wait event:stop pid:1234           # whichever comes first
  winipc wait --all mutex:a mutex:b         # both free at once
  winipc wait slot:jobs                     # create \\\\.\\mailslot\\jobs, print the first message";

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Wait until all objects are signaled at once (default: any one).
    #[arg(long)]
    pub all: bool,
    /// Give up after MS milliseconds (exit status 2); 0 polls. Default: wait forever.
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
    /// Objects: event:NAME, mutex:NAME, sem:NAME, timer:NAME, slot:NAME, pid:PID.
    #[arg(required = true, value_name = "OBJ")]
    pub objects: Vec<String>,
}

pub fn wait(a: WaitArgs) -> io::Result<u8> {
    let specs = ObjSpec::parse_all(&a.objects)?;
    if specs.is_empty() {
        return Err(msg(format!("no object given (expected {FORMS})")));
    }
    let mut opened = Vec::new();
    for s in &specs {
        opened.push(
            s.open_existing()
                .map_err(|e| context(e, &format!("cannot open {s}")))?,
        );
    }
    let mut handles: Vec<&Handle> = opened.iter().map(Opened::handle).collect();
    // The core panics on a wait whose only objects are mailslots (no store to sleep on): add
    // a neutral event — never signaled for wait-any, always signaled for wait-all.
    let neutral;
    if opened.iter().all(|o| matches!(o, Opened::Slot(_))) {
        neutral = winipc::Event::new(winipc::EventReset::Manual, a.all)?;
        handles.push(neutral.handle());
    }
    let timeout = a.timeout.map(Duration::from_millis);
    let outcome = if a.all {
        winipc::wait_all(&handles, timeout)?
    } else {
        winipc::wait_any(&handles, timeout)?
    };
    let (result, code) = match outcome {
        WaitOutcome::Signaled(_) => ("signaled", status::OK),
        WaitOutcome::Abandoned(_) => ("abandoned", status::ABANDONED),
        WaitOutcome::TimedOut => ("timeout", status::TIMEOUT),
    };
    // What fired: with --all every object, else the one at the reported index.
    let fired: Vec<usize> = match outcome.index() {
        None => vec![],
        Some(_) if a.all => (0..specs.len()).collect(),
        Some(i) => vec![i],
    };
    let mut exit_code = None;
    let mut message = None;
    for &i in &fired {
        match &opened[i] {
            Opened::Process(p) => exit_code = Some(p.exit_code()?),
            Opened::Slot(s) if !a.all || message.is_none() => {
                message = Some(s.recv_vec()?);
            }
            _ => {}
        }
    }
    if a.json {
        let mut v = serde_json::json!({ "result": result });
        if let Some(&i) = fired.first() {
            if a.all {
                v["objects"] = fired.iter().map(|&i| specs[i].to_string()).collect();
            } else {
                v["index"] = i.into();
                v["object"] = specs[i].to_string().into();
            }
        }
        if let Some(c) = exit_code {
            v["exit_code"] = c.into();
        }
        if let Some(m) = &message {
            v["message"] = String::from_utf8_lossy(m).into();
        }
        println!("{v}");
    } else {
        let mut line = result.to_owned();
        for &i in &fired {
            line.push(' ');
            line.push_str(&specs[i].to_string());
        }
        if let Some(c) = exit_code {
            line.push_str(&format!(" exit code {c}"));
        }
        if let Some(m) = &message {
            line.push_str(&format!(" message \"{}\"", text(m)));
        }
        println!("{line}");
    }
    // A mutex the wait acquired is released now: an exiting owner would abandon it.
    for &i in &fired {
        if let Opened::Mutex(m) = &opened[i] {
            m.release()?;
        }
    }
    Ok(code)
}
