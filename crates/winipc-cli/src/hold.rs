//! `winipc hold OBJ… [--acquire OBJ]… -- CMD…` and `winipc run [--inherit] -- CMD…`.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus};

use clap::Args;
use winipc::WaitOutcome;

use crate::objspec::{ObjSpec, Opened};
use crate::output::{context, msg};
use crate::status;

#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Objects to keep open (created if missing): event:NAME, mutex:NAME, sem:NAME,
    /// timer:NAME, slot:NAME or pid:PID.
    #[arg(value_name = "OBJ")]
    pub objects: Vec<String>,
    /// Also acquire this mutex:NAME or sem:NAME (waiting for it) before running the command;
    /// it is released when the command ends. Repeatable.
    #[arg(long, value_name = "OBJ")]
    pub acquire: Vec<String>,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

/// The exit status a shell would report for `st`: the code, or 128 + the signal.
pub fn shell_status(st: ExitStatus) -> u8 {
    match (st.code(), st.signal()) {
        (Some(c), _) => (c & 0xff) as u8,
        (None, Some(sig)) => (128 + sig).clamp(0, 255) as u8,
        (None, None) => status::ERROR,
    }
}

pub fn hold(a: HoldArgs) -> io::Result<u8> {
    let specs = ObjSpec::parse_all(&a.objects)?;
    let acquire = ObjSpec::parse_all(&a.acquire)?;
    if let Some(bad) = acquire
        .iter()
        .find(|s| !matches!(s, ObjSpec::Mutex(_) | ObjSpec::Sem(_)))
    {
        return Err(msg(format!(
            "--acquire takes mutex:NAME or sem:NAME, not '{bad}'"
        )));
    }
    let mut held = Vec::new();
    for s in &specs {
        held.push(
            s.create_or_open()
                .map_err(|e| context(e, &format!("cannot open {s}")))?,
        );
    }
    let mut acquired = Vec::new();
    for s in &acquire {
        let o = s
            .create_or_open()
            .map_err(|e| context(e, &format!("cannot open {s}")))?;
        let got = winipc::wait_for(o.handle(), None)
            .map_err(|e| context(e, &format!("cannot acquire {s}")))?;
        if got == WaitOutcome::Abandoned(0) {
            eprintln!("winipc: {s} was abandoned by its previous owner; now acquired");
        }
        acquired.push(o);
    }
    let st = Command::new(&a.command[0]).args(&a.command[1..]).status();
    // Give back what was acquired before reporting anything (the mutex is released by the
    // thread that acquired it: this one).
    for (o, s) in acquired.iter().zip(&acquire).rev() {
        let released = match o {
            Opened::Mutex(m) => m.release().map(drop),
            Opened::Sem(sem) => sem.release(1).map(drop),
            _ => Ok(()),
        };
        released.map_err(|e| context(e, &format!("cannot release {s}")))?;
    }
    drop(acquired);
    drop(held);
    let st = st.map_err(|e| context(e, &a.command[0]))?;
    Ok(shell_status(st))
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Let the child inherit this process's inheritable handles at the same values: the
    /// objects given with --with (their values are in $WINIPC_HANDLES).
    #[arg(long)]
    pub inherit: bool,
    /// Open (or create) OBJ before spawning; with --inherit the child inherits its handle.
    /// Repeatable.
    #[arg(long, value_name = "OBJ")]
    pub with: Vec<String>,
    /// Print the result as JSON on standard output (after the child's own output).
    #[arg(long)]
    pub json: bool,
    /// The command and its arguments (after `--`).
    #[arg(last = true, required = true, value_name = "CMD")]
    pub command: Vec<String>,
}

pub fn run(a: RunArgs) -> io::Result<u8> {
    let specs = ObjSpec::parse_all(&a.with)?;
    let mut held = Vec::new();
    let mut env = Vec::new();
    for s in &specs {
        let o = s
            .create_or_open()
            .map_err(|e| context(e, &format!("cannot open {s}")))?;
        if a.inherit {
            o.handle()
                .set_inheritable(true)
                .map_err(|e| context(e, &format!("{s}")))?;
        }
        env.push(format!("{s}=0x{:x}", o.handle().as_raw()));
        held.push(o);
    }
    let mut cmd = Command::new(&a.command[0]);
    cmd.args(&a.command[1..]);
    if !env.is_empty() {
        cmd.env("WINIPC_HANDLES", env.join(" "));
    }
    let child = winipc::Process::spawn(cmd, a.inherit).map_err(|e| context(e, &a.command[0]))?;
    let name = &a.command[0];
    child
        .wait(None)
        .map_err(|e| context(e, &format!("waiting for {name} (pid {})", child.pid())))?;
    let code = child
        .exit_code()
        .map_err(|e| context(e, &format!("exit code of {name} (pid {})", child.pid())))?;
    if a.json {
        println!(
            "{}",
            serde_json::json!({ "pid": child.pid(), "exit_code": code, "status": code & 0xff })
        );
    } else {
        eprintln!(
            "winipc: process {} exited with code {code} (0x{code:08x})",
            child.pid()
        );
    }
    drop(held);
    Ok((code & 0xff) as u8)
}
