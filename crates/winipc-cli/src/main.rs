//! `winipc`: Windows-style IPC from the shell.
//!
//! ```text
//! winipc demo                                   # a receiver and two senders talking
//! winipc recv '\\.\mailslot\mailbox'            # create a slot, print messages as they arrive
//! winipc send '\\.\mailslot\mailbox' hi there   # one message per argument (or per stdin line)
//! winipc info '\\.\mailslot\mailbox'            # GetMailslotInfo
//! winipc ls | handles | top                     # see objects, handle tables, live changes
//! winipc pipe serve|connect '\\.\pipe\x'       # a named pipe bridged to stdin/stdout
//! winipc event|mutex|sem|timer …                # create and change objects
//! winipc hold OBJ… -- CMD; winipc wait OBJ…     # keep objects open; wait for them
//! winipc run -- CMD                             # spawn, wait, print the 32-bit exit code
//! ```
#![deny(unsafe_code)]

mod demo;
mod gc;
mod hold;
mod ls;
mod mailslot_cmd;
mod objcmd;
mod objspec;
mod output;
mod pipe_cmd;
mod top;
mod view;
mod wait_cmd;

use std::io;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

const LONG_ABOUT: &str = "\
winipc brings the Win32 IPC model to Linux: mailslots, and kernel objects (events, mutexes, \
semaphores, waitable timers, processes, threads) with signaled and non-signaled states, shared \
between processes by name through per-process handle tables, with WaitForMultipleObjects \
semantics. This tool creates, changes, holds, waits for and inspects them from the shell.

Object names: `NAME` or `Local\\NAME` are per user, `Global\\NAME` machine-wide; mailslots \
are `\\\\.\\mailslot\\NAME`. A named object exists only while some process holds a handle to \
it: `winipc event create` and the like stay in the foreground holding it, and `winipc hold` \
keeps objects open while a command runs.";

const AFTER_LONG_HELP: &str = "\
EXIT STATUS
  0    success; `wait`: an object was signaled
  1    error, including usage errors: one line on stderr, with the Win32 error code
  2    timeout (`recv --timeout`, `wait --timeout`)
  3    `wait`: abandoned, a mutex's owner died holding it
  `hold` and `run` exit with the command's status (`run`: the low 8 bits of its 32-bit
  exit code, which it prints in full)

ENVIRONMENT
  WINIPC_DIR   directory of the object stores and mailslot rings (default /dev/shm); only
               processes using the same directory see each other's objects

EXAMPLES
  winipc demo                                   # a mailslot receiver and two senders
  winipc event create demo --manual &           # create an event and hold it
  winipc ls                                     # it is listed, non-signaled
  winipc event set demo                         # SetEvent
  winipc ls event                               # now signaled
  winipc handles                                # every process's handle table
  winipc top                                    # watch it live
  winipc hold --acquire mutex:lock -- make      # run make while owning a mutex
  winipc wait --timeout 5000 event:demo pid:42  # whichever first; exit 0, 2 or 3
  winipc run -- ./worker                        # print the worker's full exit code
  winipc completions bash > /etc/bash_completion.d/winipc
  winipc man > winipc.1                         # this help as a man page";

/// Windows-style IPC for Linux: mailslots, kernel objects, handles and waits.
#[derive(Debug, Parser)]
#[command(
    name = "winipc",
    version,
    about,
    long_about = LONG_ABOUT,
    after_long_help = AFTER_LONG_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a demonstration: a mailslot receiver and two senders in separate processes.
    Demo(demo::DemoArgs),
    /// Create a mailslot and print each message as it arrives.
    Recv(mailslot_cmd::RecvArgs),
    /// Send messages to a mailslot: one per argument, or one per line of standard input.
    Send(mailslot_cmd::SendArgs),
    /// Show a mailslot's settings and queue (GetMailslotInfo).
    Info(mailslot_cmd::InfoArgs),
    /// Run the network mailslot daemon: UDP 138 <-> local mailslots (see docs/network.md).
    #[command(
        long_about = "Run the network mailslot daemon.\n\n\
It receives SMB mailslot writes in NetBIOS datagrams (UDP 138) on the configured interfaces and \
delivers each write for \\MAILSLOT\\X addressed to one of its names to the local receiver of \
\\\\.\\mailslot\\X; it sends the remote writes of local processes (\\\\*\\, \\\\DOMAIN\\, \\\\HOST\\). \
It is off unless started, listens only on the interfaces given, never forwards, and rate-limits.\n\n\
Logs go to the systemd journal when systemd connected standard error to it (JOURNAL_STREAM), \
else to standard error; --log-level (or RUST_LOG) sets the filter. `winipc netd status` prints \
the running daemon's settings and counters (--json: one JSON object).",
        after_long_help = "\
EXIT STATUS
  0 stopped by SIGTERM/SIGINT, or status printed; 1 error (configuration, sockets, no daemon)

EXAMPLES
  winipc netd --interface eth0 --nbns
  winipc netd --config /etc/winipc/netd.toml --log-level debug
  winipc netd status
  winipc netd status --json"
    )]
    Netd(winipc_net::NetdCommand),
    /// List objects: kind, name, state, usage, details and waiters.
    #[command(long_about = ls::LS_ABOUT, after_long_help = "\
EXIT STATUS
  0 success; 1 error

EXAMPLES
  winipc ls                 # everything visible
  winipc ls mutex           # only mutexes (and objects whose name contains `mutex`)
  winipc ls --json | jq '.[] | select(.signaled)'")]
    Ls(ls::LsArgs),
    /// Show processes' handle tables (value, kind, name, access, inherit), like handle.exe.
    #[command(long_about = ls::HANDLES_ABOUT, after_long_help = "\
EXIT STATUS
  0 success; 1 error (for PID: it has no handle table)

EXAMPLES
  winipc handles            # every process
  winipc handles 4242       # one process
  winipc handles --json")]
    Handles(ls::HandlesArgs),
    /// Live view of the objects: state changes highlighted, waiters and handles of a selection.
    #[command(long_about = top::ABOUT, after_long_help = "\
EXIT STATUS
  0 quit with q; 1 error (e.g. standard output is not a terminal)")]
    Top(top::TopArgs),
    /// Named pipes: serve or connect, bridged to stdin/stdout.
    #[command(long_about = pipe_cmd::PIPE_ABOUT, after_long_help = "\
EXIT STATUS
  0 the peer closed (or, for connect, everything sent was read); 1 error;
  2 connect --timeout: no free instance in time

EXAMPLES
  winipc pipe serve '\\\\.\\pipe\\demo' > received.txt
  echo hello | winipc pipe connect '\\\\.\\pipe\\demo'
  winipc pipe serve --message '\\\\.\\pipe\\rpc'        # one message per line
  echo ping | winipc pipe connect --message --stay '\\\\.\\pipe\\rpc'")]
    Pipe(pipe_cmd::PipeCmd),
    /// Events: create (and hold), set, reset, pulse.
    #[command(subcommand)]
    Event(objcmd::EventCmd),
    /// Mutexes: create (and hold, optionally owned), release.
    #[command(subcommand)]
    Mutex(objcmd::MutexCmd),
    /// Semaphores: create (and hold), release.
    #[command(subcommand)]
    Sem(objcmd::SemCmd),
    /// Waitable timers: create (and hold), set, cancel.
    #[command(subcommand)]
    Timer(objcmd::TimerCmd),
    /// Keep objects open (creating missing ones) while a command runs.
    #[command(long_about = HOLD_ABOUT, after_long_help = "\
EXIT STATUS
  the command's status (128 + N if a signal N killed it); 1 if an object cannot be opened or
  the command cannot be started

EXAMPLES
  winipc hold event:ready sem:slots -- ./server
  winipc hold --acquire mutex:deploy -- ./deploy.sh    # one deploy at a time
  winipc hold --acquire sem:gpu -- ./train             # sem:gpu created as count 1 of 1")]
    Hold(hold::HoldArgs),
    /// Wait for objects (any or all) with a timeout; the exit status says how it ended.
    #[command(long_about = wait_cmd::LONG_ABOUT, after_long_help = wait_cmd::EXIT_STATUS)]
    Wait(wait_cmd::WaitArgs),
    /// Spawn a process object, wait for it, print its full 32-bit exit code.
    #[command(long_about = RUN_ABOUT, after_long_help = "\
EXIT STATUS
  the low 8 bits of the command's exit code; 1 if it cannot be started

EXAMPLES
  winipc run -- ./worker --once
  winipc run --inherit --with event:stop -- ./child   # child gets the handle at the same value
  winipc run --json -- sh -c 'exit 3'")]
    Run(hold::RunArgs),
    /// Remove files of dead objects (orphaned mailslot rings, stores of no live process).
    #[command(long_about = gc::ABOUT, after_long_help = "\
EXIT STATUS
  0 success (also when nothing was removed); 1 error

EXAMPLES
  winipc gc --dry-run       # what would be removed, and why
  sudo winipc gc            # every user's files")]
    Gc(gc::GcArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of winipc or of one command, e.g. `winipc man > winipc.1`.
    Man {
        /// A command (e.g. `wait`): print its own page, winipc-wait(1).
        command: Option<String>,
    },
    /// Exit with a 32-bit code through ExitProcess (a test helper).
    #[command(name = "__exit", hide = true)]
    Exit {
        /// The exit code.
        code: u32,
    },
}

const HOLD_ABOUT: &str = "\
Open each OBJ — creating it if it does not exist — then run CMD, wait for it, close the \
objects and exit with its status. Use it to keep named objects alive for exactly as long as a \
command needs them.

Missing objects are created with these defaults: event:NAME manual-reset and non-signaled; \
mutex:NAME unowned; sem:NAME count 1 of maximum 1; timer:NAME manual-reset and not set; \
slot:NAME a mailslot with any message size, whose receiver is `hold` (messages sent to it \
queue up unread); pid:PID opens the running process PID.

Holding is not owning: `hold mutex:NAME` keeps the mutex open but does not acquire it. With \
`--acquire mutex:NAME` (or `--acquire sem:NAME`), `hold` also waits for the object and \
acquires it before starting CMD (a mutex: owned by `hold`; a semaphore: one count taken), and \
releases it after CMD ends. If `hold` is killed meanwhile, the mutex is abandoned: the next \
waiter gets WAIT_ABANDONED (`winipc wait` exits with 3).";

const RUN_ABOUT: &str = "\
Spawn CMD through winipc::Process::spawn (a process object, like CreateProcess), wait for it \
and print `winipc: process PID exited with code N (0xN)` on stderr, or with --json \
{\"pid\", \"exit_code\", \"status\"} on stdout. The exit code is the full 32-bit value a \
winipc program passed to ExitProcess (winipc::exit_process); the Linux exit status carries \
only its low 8 bits, which `run` exits with.

With --inherit, the child inherits every inheritable handle of `run` at the same handle value \
(bInheritHandles = TRUE). --with OBJ opens (or creates) objects first: with --inherit they are \
marked inheritable, and their values are passed to the child in $WINIPC_HANDLES as \
`OBJ=0xVALUE` words, e.g. `event:stop=0x4`.";

/// Exit statuses shared by all commands (documented in `winipc --help`).
pub mod status {
    /// Success.
    pub const OK: u8 = 0;
    /// An error (one line on stderr).
    pub const ERROR: u8 = 1;
    /// A timeout expired.
    pub const TIMEOUT: u8 = 2;
    /// A wait acquired an abandoned mutex.
    pub const ABANDONED: u8 = 3;
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            // Help and version are not errors; usage errors exit with 1 (2 means timeout).
            return if e.use_stderr() {
                ExitCode::from(status::ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let subject = subject(&cli.command);
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Recv(a) => mailslot_cmd::recv(a),
        Command::Send(a) => mailslot_cmd::send(a),
        Command::Info(a) => mailslot_cmd::info(a),
        Command::Netd(a) => Ok(winipc_net::cli::main(a, "winipc")),
        Command::Ls(a) => ls::ls(a),
        Command::Handles(a) => ls::handles(a),
        Command::Top(a) => top::top(a),
        Command::Pipe(c) => pipe_cmd::pipe(c),
        Command::Event(c) => objcmd::event(c),
        Command::Mutex(c) => objcmd::mutex(c),
        Command::Sem(c) => objcmd::sem(c),
        Command::Timer(c) => objcmd::timer(c),
        Command::Hold(a) => hold::hold(a),
        Command::Wait(a) => wait_cmd::wait(a),
        Command::Run(a) => hold::run(a),
        Command::Gc(a) => gc::gc(a),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "winipc", &mut io::stdout());
            Ok(status::OK)
        }
        Command::Man { command } => man(command.as_deref()),
        Command::Exit { code } => winipc::exit_process(code),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let text = output::describe(&e);
            match subject {
                // Every error names what it concerns, unless its text already does.
                Some(s) if !text.contains(&s) => eprintln!("winipc: {s}: {text}"),
                _ => eprintln!("winipc: {text}"),
            }
            ExitCode::from(status::ERROR)
        }
    }
}

/// The object, path or program a command concerns, for its error messages.
fn subject(c: &Command) -> Option<String> {
    let store = || Some(format!("store directory {}", winipc::store_dir().display()));
    match c {
        Command::Recv(a) => Some(a.name.clone()),
        Command::Send(a) => Some(a.name.clone()),
        Command::Info(a) => Some(a.name.clone()),
        Command::Ls(_) | Command::Handles(_) | Command::Top(_) | Command::Gc(_) => store(),
        Command::Pipe(c) => Some(c.subject()),
        Command::Event(c) => Some(c.subject()),
        Command::Mutex(c) => Some(c.subject()),
        Command::Sem(c) => Some(c.subject()),
        Command::Timer(c) => Some(c.subject()),
        Command::Wait(a) => Some(a.objects.join(" ")),
        // Their errors name the object or the command themselves (hold.rs).
        Command::Hold(_) | Command::Run(_) => None,
        Command::Demo(_) | Command::Netd(_) | Command::Completions { .. } => None,
        Command::Man { command } => command.clone(),
        Command::Exit { .. } => None,
    }
}

/// The manual page of `winipc(1)`, or of one command (`winipc-wait(1)`).
fn man(command: Option<&str>) -> io::Result<u8> {
    let mut cmd = Cli::command().term_width(100);
    cmd.build();
    let page = match command {
        None => {
            // winipc(1), then every command's full help (`winipc man CMD` renders one alone).
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
            out.extend_from_slice(b".SH \"COMMANDS IN DETAIL\"\n");
            for sub in cmd.get_subcommands_mut() {
                if !sub.is_hide_set() && sub.get_name() != "help" {
                    man_details(&mut out, sub, "winipc");
                }
            }
            io::Write::write_all(&mut io::stdout().lock(), &out)?;
            return Ok(status::OK);
        }
        Some(name) => {
            let sub = cmd
                .find_subcommand(name)
                .ok_or_else(|| output::msg(format!("no command '{name}'")))?
                .clone();
            let full = format!("winipc-{name}");
            sub.name(full.clone()).bin_name(full)
        }
    };
    clap_mangen::Man::new(page).render(&mut io::stdout().lock())?;
    Ok(status::OK)
}

/// Appends a command's full help (and its subcommands') as a no-fill man page subsection.
fn man_details(out: &mut Vec<u8>, cmd: &mut clap::Command, parent: &str) {
    let path = format!("{parent} {}", cmd.get_name());
    let help = cmd.render_long_help().to_string();
    out.extend_from_slice(format!(".SS \"{path}\"\n.nf\n").as_bytes());
    for line in help.lines() {
        let line = line.replace('\\', "\\e");
        if line.starts_with('.') || line.starts_with('\'') {
            out.extend_from_slice(b"\\&");
        }
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(b".fi\n");
    for sub in cmd.get_subcommands_mut() {
        if !sub.is_hide_set() && sub.get_name() != "help" {
            man_details(out, sub, &path);
        }
    }
}
