//! `winipc pipe serve` and `winipc pipe connect`: a named pipe bridged to standard input and
//! output.

use std::io::{self, BufRead, Read, Write};
use std::time::Duration;

use clap::{Args, Subcommand};
use winipc::code;
use winipc::pipe::{PipeClient, PipeOptions, PipeType, ReadDone, ReadMode};

use crate::output;
use crate::status;

pub const PIPE_ABOUT: &str = "\
Named pipes (\\\\.\\pipe\\NAME) bridged to standard input and output.

`serve` creates an instance of the pipe, waits for a client (ConnectNamedPipe) and copies \
standard input to the pipe and the pipe to standard output until the client closes its end \
(exit 0). End of standard input only stops sending, unless --close-on-eof: then it waits until \
the client has read everything (FlushFileBuffers) and closes the pipe.

`connect` opens the pipe (CreateFile; with --timeout it waits for a free instance, \
WaitNamedPipe) and copies the same way. At the end of standard input it waits until the server \
has read everything (FlushFileBuffers) and exits, closing its end; with --stay it goes on \
printing what the server sends until the server closes.

With --message the pipe is a message pipe: each line of standard input is one message \
(without its newline) and each message received is printed as one line.";

#[derive(Debug, Args)]
pub struct PipeCmd {
    #[command(subcommand)]
    pub cmd: PipeSub,
}

#[derive(Debug, Subcommand)]
pub enum PipeSub {
    /// Create a pipe instance, accept one client and bridge it to stdin/stdout.
    Serve(ServeArgs),
    /// Connect to a pipe and bridge it to stdin/stdout.
    Connect(ConnectArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Pipe name, e.g. '\\.\pipe\demo' (quote it for the shell).
    pub name: String,
    /// A message pipe (PIPE_TYPE_MESSAGE, read in message mode): one message per line.
    #[arg(long)]
    pub message: bool,
    /// Maximum instances of the pipe (nMaxInstances, 1-254; default unlimited): other
    /// `serve` processes of the same name add instances up to it.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=255))]
    pub instances: Option<u32>,
    /// Let every user connect (a NULL DACL); by default only this user (and root).
    #[arg(long)]
    pub public: bool,
    /// Fail if the pipe already exists (FILE_FLAG_FIRST_PIPE_INSTANCE).
    #[arg(long)]
    pub first: bool,
    /// At the end of standard input, wait until the client has read everything
    /// (FlushFileBuffers), then close the pipe and exit.
    #[arg(long)]
    pub close_on_eof: bool,
}

#[derive(Debug, Args)]
pub struct ConnectArgs {
    /// Pipe name, e.g. '\\.\pipe\demo'.
    pub name: String,
    /// Read in message mode (the pipe must be a message pipe): one message per line.
    #[arg(long)]
    pub message: bool,
    /// Wait up to MS milliseconds for a free instance if all are busy (exit 2 if none frees).
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// After the end of standard input, keep printing until the server closes.
    #[arg(long)]
    pub stay: bool,
}

pub fn pipe(c: PipeCmd) -> io::Result<u8> {
    match c.cmd {
        PipeSub::Serve(a) => serve(a),
        PipeSub::Connect(a) => connect(a),
    }
}

impl PipeCmd {
    /// The pipe a command concerns (for error lines).
    pub fn subject(&self) -> String {
        match &self.cmd {
            PipeSub::Serve(a) => a.name.clone(),
            PipeSub::Connect(a) => a.name.clone(),
        }
    }
}

/// The two directions of a pipe end, whichever side it is.
trait End: Sync {
    fn recv(&self, buf: &mut [u8]) -> io::Result<ReadDone>;
    fn send(&self, buf: &[u8]) -> io::Result<usize>;
    fn flush_buffers(&self) -> io::Result<()>;
}

impl End for winipc::pipe::PipeInstance {
    fn recv(&self, buf: &mut [u8]) -> io::Result<ReadDone> {
        winipc::pipe::PipeInstance::recv(self, buf)
    }
    fn send(&self, buf: &[u8]) -> io::Result<usize> {
        winipc::pipe::PipeInstance::send(self, buf)
    }
    fn flush_buffers(&self) -> io::Result<()> {
        winipc::pipe::PipeInstance::flush_buffers(self)
    }
}

impl End for PipeClient {
    fn recv(&self, buf: &mut [u8]) -> io::Result<ReadDone> {
        PipeClient::recv(self, buf)
    }
    fn send(&self, buf: &[u8]) -> io::Result<usize> {
        PipeClient::send(self, buf)
    }
    fn flush_buffers(&self) -> io::Result<()> {
        PipeClient::flush_buffers(self)
    }
}

/// Whether `e` means the other end is gone (closed, died or disconnected).
fn peer_left(e: &io::Error) -> bool {
    matches!(
        winipc::Error::win32_code_of(e),
        code::ERROR_BROKEN_PIPE | code::ERROR_PIPE_NOT_CONNECTED | code::ERROR_NO_DATA
    )
}

/// Copies the pipe to stdout until the peer leaves (then returns Ok).
fn pipe_to_stdout(end: &dyn End, message: bool) -> io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut line = Vec::new();
    loop {
        match end.recv(&mut buf) {
            Ok(d) => {
                // Locked per write: the main thread flushes stdout before it exits.
                let mut out = io::stdout().lock();
                if message {
                    line.extend_from_slice(&buf[..d.len]);
                    if !d.more {
                        line.push(b'\n');
                        out.write_all(&line)?;
                        line.clear();
                    }
                } else {
                    out.write_all(&buf[..d.len])?;
                }
                out.flush()?;
            }
            Err(e) if peer_left(&e) => return Ok(()),
            Err(e) => return Err(e),
        }
    }
}

/// Copies stdin to the pipe until its end (Ok) or until the peer leaves (Ok).
fn stdin_to_pipe(end: &dyn End, message: bool) -> io::Result<()> {
    let stdin = io::stdin();
    let mut input = stdin.lock();
    let sent = |r: io::Result<usize>| match r {
        Ok(_) => Ok(true),
        Err(e) if peer_left(&e) => Ok(false),
        Err(e) => Err(e),
    };
    if message {
        let mut line = Vec::new();
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line)? == 0 {
                return Ok(());
            }
            if line.last() == Some(&b'\n') {
                line.pop();
            }
            if !sent(end.send(&line))? {
                return Ok(());
            }
        }
    }
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if !sent(end.send(&buf[..n]))? {
            return Ok(());
        }
    }
}

fn serve(a: ServeArgs) -> io::Result<u8> {
    let mut o = PipeOptions::new();
    if a.message {
        o.pipe_type(PipeType::Message).read_mode(ReadMode::Message);
    }
    if let Some(n) = a.instances {
        o.max_instances(n);
    }
    if a.public {
        o.security(winipc::Security::everyone());
    }
    o.first_instance(a.first);
    let server = o.create(&a.name)?;
    eprintln!(
        "winipc: serving {} (pid {}); waiting for a client",
        server.name(),
        std::process::id()
    );
    server.connect()?;
    eprintln!(
        "winipc: client connected (pid {})",
        server.client_pid().unwrap_or(0)
    );
    bridge(&server, a.message, a.close_on_eof)
}

fn connect(a: ConnectArgs) -> io::Result<u8> {
    let client = match PipeClient::open(&a.name) {
        Ok(c) => c,
        Err(e) if winipc::Error::win32_code_of(&e) == code::ERROR_PIPE_BUSY => {
            let Some(ms) = a.timeout else {
                return Err(e);
            };
            match winipc::pipe::wait_named_pipe(&a.name, Some(Duration::from_millis(ms))) {
                Ok(()) => PipeClient::open(&a.name)?,
                Err(e) if winipc::Error::win32_code_of(&e) == code::ERROR_SEM_TIMEOUT => {
                    eprintln!("winipc: {}: no free instance within {ms} ms", a.name);
                    return Ok(status::TIMEOUT);
                }
                Err(e) => return Err(e),
            }
        }
        Err(e) => return Err(e),
    };
    if a.message {
        client
            .set_handle_state(Some(ReadMode::Message), None)
            .map_err(|e| output::context(e, "--message needs a message pipe"))?;
    }
    bridge(&client, a.message, !a.stay)
}

/// Runs both directions; returns when the peer leaves, or (with `end_on_eof`) once stdin
/// ended and the peer has read everything.
fn bridge(end: &dyn End, message: bool, end_on_eof: bool) -> io::Result<u8> {
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel::<io::Result<bool>>();
        let tx2 = tx.clone();
        s.spawn(move || {
            let r = pipe_to_stdout(end, message).map(|()| true);
            let _ = tx.send(r);
        });
        s.spawn(move || {
            let r = stdin_to_pipe(end, message).and_then(|()| {
                if end_on_eof {
                    match end.flush_buffers() {
                        Ok(()) => Ok(true),
                        Err(e) if peer_left(&e) => Ok(true),
                        Err(e) => Err(e),
                    }
                } else {
                    Ok(false)
                }
            });
            let _ = tx2.send(r);
        });
        loop {
            match rx.recv() {
                Ok(Ok(true)) => break,
                Ok(Ok(false)) => continue, // stdin ended: keep printing
                Ok(Err(e)) => {
                    let _ = io::stdout().flush();
                    eprintln!("winipc: {}", output::describe(&e));
                    std::process::exit(i32::from(status::ERROR));
                }
                Err(_) => break,
            }
        }
        let _ = io::stdout().flush();
        // The other direction may be blocked reading stdin or the pipe: leave now.
        std::process::exit(i32::from(status::OK));
    })
}
