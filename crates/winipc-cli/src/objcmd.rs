//! `winipc event|mutex|sem|timer …`: create, change and hold kernel objects from scripts.

use std::io::{self, Write};
use std::time::Duration;

use clap::{Args, Subcommand};
use winipc::{DueTime, Event, EventReset, Mutex, Semaphore, Timer, WaitOutcome};

use crate::status;

/// How long `create` keeps the object.
#[derive(Debug, Args)]
pub struct HoldOpt {
    /// Keep the object for MS milliseconds, then close it and exit, instead of holding it
    /// until interrupted.
    #[arg(long, value_name = "MS")]
    pub hold_ms: Option<u64>,
}

const CREATE_NOTE: &str = "\
A named object exists only while some process has a handle to it: `create` therefore stays in \
the foreground holding it, until SIGINT (Ctrl-C), SIGTERM or SIGHUP, or for --hold-ms MS; then \
it closes its handle and exits with status 0. Run it in the background (`&`) to keep the \
object around while other commands use it. If the name already exists, `create` opens the \
existing object (its settings are unchanged) and says so. Once it holds the object, it prints \
one line on standard output.";

#[derive(Debug, Subcommand)]
pub enum EventCmd {
    /// Create (or open) an event and hold it until interrupted.
    #[command(long_about = format!("Create (or open) an event and hold it until interrupted.\n\n{CREATE_NOTE}"))]
    Create {
        /// Event name (`Local\` or unprefixed: per user; `Global\`: machine-wide).
        name: String,
        /// Manual-reset (stays signaled until reset); default auto-reset (one waiter per set).
        #[arg(long)]
        manual: bool,
        /// Start signaled.
        #[arg(long)]
        initial: bool,
        #[command(flatten)]
        hold: HoldOpt,
    },
    /// Set an event (SetEvent): signaled; an auto-reset event releases one waiter.
    Set {
        /// Event name.
        name: String,
    },
    /// Reset an event (ResetEvent): non-signaled.
    Reset {
        /// Event name.
        name: String,
    },
    /// Pulse an event (PulseEvent): release the current waiters, leave it non-signaled.
    Pulse {
        /// Event name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MutexCmd {
    /// Create (or open) a mutex and hold it until interrupted.
    #[command(long_about = format!("Create (or open) a mutex and hold it until interrupted.\n\n\
        {CREATE_NOTE}\n\nWith --owned, the command also owns the mutex while it holds it (it \
        waits for it if the mutex already existed and is owned) and releases it before exiting; \
        killed with SIGKILL, it leaves the mutex abandoned."))]
    Create {
        /// Mutex name.
        name: String,
        /// Own the mutex while holding it.
        #[arg(long)]
        owned: bool,
        #[command(flatten)]
        hold: HoldOpt,
    },
    /// Release a mutex (ReleaseMutex) — fails from a new process: see the long help.
    #[command(long_about = "Release a mutex (ReleaseMutex).\n\n\
        A mutex is owned by a thread, and only its owner may release it: from this new process, \
        which owns nothing, `release` fails with ERROR_NOT_OWNER (288) and exit status 1, \
        exactly as ReleaseMutex does on Windows. It exists for that demonstration and for \
        completeness. To hold a mutex from a script, use `winipc hold --acquire mutex:NAME -- \
        CMD` (owned while CMD runs, released after) or `winipc mutex create NAME --owned`.")]
    Release {
        /// Mutex name.
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SemCmd {
    /// Create (or open) a semaphore and hold it until interrupted.
    #[command(long_about = format!("Create (or open) a semaphore and hold it until interrupted.\n\n{CREATE_NOTE}"))]
    Create {
        /// Semaphore name.
        name: String,
        /// Maximum count.
        #[arg(long, value_name = "N")]
        max: u32,
        /// Initial count.
        #[arg(long, value_name = "N", default_value_t = 0)]
        initial: u32,
        #[command(flatten)]
        hold: HoldOpt,
    },
    /// Release a semaphore (ReleaseSemaphore): add to its count; prints the previous count.
    Release {
        /// Semaphore name.
        name: String,
        /// How much to add.
        #[arg(long, value_name = "N", default_value_t = 1)]
        count: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum TimerCmd {
    /// Create (or open) a waitable timer and hold it until interrupted.
    #[command(long_about = format!("Create (or open) a waitable timer and hold it until interrupted.\n\n{CREATE_NOTE}"))]
    Create {
        /// Timer name.
        name: String,
        /// Manual-reset (stays signaled once due); default synchronization (one waiter per
        /// expiry).
        #[arg(long)]
        manual: bool,
        #[command(flatten)]
        hold: HoldOpt,
    },
    /// Set a timer (SetWaitableTimer): due in MS milliseconds, then every --period MS.
    Set {
        /// Timer name.
        name: String,
        /// Milliseconds until it is due.
        #[arg(long, value_name = "MS")]
        due: u64,
        /// Period in milliseconds (default: one-shot).
        #[arg(long, value_name = "MS")]
        period: Option<u64>,
    },
    /// Cancel a timer (CancelWaitableTimer).
    Cancel {
        /// Timer name.
        name: String,
    },
}

/// Blocks until SIGINT, SIGTERM or SIGHUP, or for `ms` milliseconds.
fn hold(ms: Option<u64>) -> io::Result<()> {
    match ms {
        Some(ms) => std::thread::sleep(Duration::from_millis(ms)),
        None => {
            let mut signals = signal_hook::iterator::Signals::new([
                signal_hook::consts::SIGINT,
                signal_hook::consts::SIGTERM,
                signal_hook::consts::SIGHUP,
            ])?;
            let _ = signals.forever().next();
        }
    }
    Ok(())
}

fn announce(what: &str, existed: bool, state: &str, ms: Option<u64>) -> io::Result<()> {
    let verb = if existed {
        "opened (it already existed)"
    } else {
        "created"
    };
    let until = match ms {
        Some(ms) => format!("for {ms} ms"),
        None => "until interrupted".to_owned(),
    };
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{what} {verb}{state}; pid {} holds it {until}",
        std::process::id()
    )?;
    out.flush()
}

fn event_state(manual: bool, on: bool) -> String {
    format!(
        " ({}, {})",
        if manual { "manual-reset" } else { "auto-reset" },
        if on { "signaled" } else { "non-signaled" }
    )
}

pub fn event(cmd: EventCmd) -> io::Result<u8> {
    match cmd {
        EventCmd::Create {
            name,
            manual,
            initial,
            hold: h,
        } => {
            let reset = if manual {
                EventReset::Manual
            } else {
                EventReset::Auto
            };
            let ev = Event::create(&name, reset, initial)?;
            let state = if ev.already_existed() {
                String::new()
            } else {
                event_state(manual, initial)
            };
            announce(
                &format!("event {name}"),
                ev.already_existed(),
                &state,
                h.hold_ms,
            )?;
            hold(h.hold_ms)?;
        }
        EventCmd::Set { name } => {
            Event::open(&name)?.set()?;
        }
        EventCmd::Reset { name } => {
            Event::open(&name)?.reset()?;
        }
        EventCmd::Pulse { name } => {
            Event::open(&name)?.pulse()?;
        }
    }
    Ok(status::OK)
}

pub fn mutex(cmd: MutexCmd) -> io::Result<u8> {
    match cmd {
        MutexCmd::Create {
            name,
            owned,
            hold: h,
        } => {
            let m = Mutex::create(&name, owned)?;
            let existed = m.already_existed();
            if owned && existed && m.wait(None)? != WaitOutcome::Signaled(0) {
                eprintln!("winipc: mutex {name} was abandoned by its previous owner");
            }
            let state = if owned { " (owned)" } else { "" };
            announce(&format!("mutex {name}"), existed, state, h.hold_ms)?;
            hold(h.hold_ms)?;
            if owned {
                m.release()?;
            }
        }
        MutexCmd::Release { name } => {
            Mutex::open(&name)?.release()?;
        }
    }
    Ok(status::OK)
}

pub fn sem(cmd: SemCmd) -> io::Result<u8> {
    match cmd {
        SemCmd::Create {
            name,
            max,
            initial,
            hold: h,
        } => {
            let s = Semaphore::create(&name, initial, max)?;
            let state = if s.already_existed() {
                String::new()
            } else {
                format!(" (count {initial}/{max})")
            };
            announce(
                &format!("semaphore {name}"),
                s.already_existed(),
                &state,
                h.hold_ms,
            )?;
            hold(h.hold_ms)?;
        }
        SemCmd::Release { name, count } => {
            let prev = Semaphore::open(&name)?.release(count)?;
            println!("{prev}");
        }
    }
    Ok(status::OK)
}

pub fn timer(cmd: TimerCmd) -> io::Result<u8> {
    match cmd {
        TimerCmd::Create {
            name,
            manual,
            hold: h,
        } => {
            let t = Timer::create(&name, manual)?;
            let state = if t.already_existed() {
                ""
            } else if manual {
                " (manual-reset, not set)"
            } else {
                " (synchronization, not set)"
            };
            announce(
                &format!("timer {name}"),
                t.already_existed(),
                state,
                h.hold_ms,
            )?;
            hold(h.hold_ms)?;
        }
        TimerCmd::Set { name, due, period } => {
            Timer::open(&name)?.set(
                DueTime::After(Duration::from_millis(due)),
                period.map(Duration::from_millis),
            )?;
        }
        TimerCmd::Cancel { name } => {
            Timer::open(&name)?.cancel()?;
        }
    }
    Ok(status::OK)
}

// What each command concerns, named in its error messages (`winipc: event NAME: …`).
impl EventCmd {
    pub fn subject(&self) -> String {
        let (Self::Create { name, .. }
        | Self::Set { name }
        | Self::Reset { name }
        | Self::Pulse { name }) = self;
        format!("event {name}")
    }
}

impl MutexCmd {
    pub fn subject(&self) -> String {
        let (Self::Create { name, .. } | Self::Release { name }) = self;
        format!("mutex {name}")
    }
}

impl SemCmd {
    pub fn subject(&self) -> String {
        let (Self::Create { name, .. } | Self::Release { name, .. }) = self;
        format!("semaphore {name}")
    }
}

impl TimerCmd {
    pub fn subject(&self) -> String {
        let (Self::Create { name, .. } | Self::Set { name, .. } | Self::Cancel { name }) = self;
        format!("timer {name}")
    }
}
