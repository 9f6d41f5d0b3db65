//! The parent side of one run: set up the channels, start the child processes, walk them
//! through the protocol, collect and cross-check their reports, clean up.
//!
//! Process start-up, connection set-up and teardown all happen outside the children's timed
//! windows; the parent only blocks on the children's pipes while they measure.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, poll};
use rustix::time::Timespec;

use crate::protocol::{self, ChildReport, Role};
use crate::scenario::{Column, Placement, Scenario};
use crate::stats::Latency;
use crate::sys::SharedMem;
use crate::transport::{Channel, Transport};
use crate::workload::Timing;

/// Settings shared by every run of an invocation.
#[derive(Clone, Debug)]
pub struct RunConfig {
    /// Bytes per message.
    pub msg_size: usize,
    /// Phase lengths.
    pub timing: Timing,
    /// The two CPUs used for pinning (`[a, b]`); equal when only one is available.
    pub cpus: [usize; 2],
    /// Private temporary directory.
    pub dir: PathBuf,
}

/// What one run measured, after its reports were cross-checked.
#[derive(Clone, Debug)]
pub struct RunOutcome {
    /// Headline figure: msg/s for streams, median µs otherwise.
    pub figure: f64,
    /// Latency details (rtt, wake).
    pub latency: Option<Latency>,
    /// Data messages sent by all senders.
    pub sent: u64,
    /// Data messages received by the measured receiver.
    pub received: u64,
    /// Sequence errors seen by any receiver.
    pub seq_errors: u64,
}

/// One child process in a run's plan.
#[derive(Debug)]
struct ProcPlan {
    role: Role,
    recv: Option<usize>,
    send: Option<usize>,
    id: u32,
    cpu: usize,
}

/// The processes of a run; the measuring one (reader, pinger, waiter) comes first.
fn plan(column: Column, [a, b]: [usize; 2]) -> Vec<ProcPlan> {
    let other = if column.placement == Placement::SameCpu {
        a
    } else {
        b
    };
    let p = |role, recv, send, id, cpu| ProcPlan {
        role,
        recv,
        send,
        id,
        cpu,
    };
    match column.scenario {
        Scenario::Stream1w | Scenario::Stream8w => {
            let mut v = vec![p(Role::StreamReader, Some(0), None, 0, a)];
            let writers = column.scenario.writers() as u32;
            v.extend((0..writers).map(|i| p(Role::StreamWriter, None, Some(0), i, other)));
            v
        }
        Scenario::Rtt => {
            vec![
                p(Role::Pinger, Some(1), Some(0), 0, a),
                p(Role::Ponger, Some(0), Some(1), 0, other),
            ]
        }
        Scenario::Wake => {
            vec![
                p(Role::Waiter, Some(0), None, 0, a),
                p(Role::Signaler, None, Some(0), 0, other),
            ]
        }
    }
}

/// A running child and the parent's ends of its pipes.
struct ChildProc {
    role: Role,
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    pending: Vec<u8>,
}

impl ChildProc {
    fn spawn(role: Role, args: Vec<OsString>) -> Result<Self, String> {
        let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
        let mut child = Command::new(exe)
            .arg("__child")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("spawning {role:?}: {e}"))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        Ok(Self {
            role,
            child,
            stdin,
            stdout,
            pending: Vec::new(),
        })
    }

    fn tell(&mut self, word: &str) -> Result<(), String> {
        writeln!(self.stdin, "{word}")
            .map_err(|e| format!("{:?} stopped listening: {e}", self.role))
    }

    /// Next line from the child, waiting until `deadline` at most.
    fn line(&mut self, deadline: Instant) -> Result<String, String> {
        loop {
            if let Some(pos) = self.pending.iter().position(|&b| b == b'\n') {
                let line: Vec<u8> = self.pending.drain(..=pos).collect();
                return Ok(String::from_utf8_lossy(&line).trim_end().to_owned());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(format!("{:?} timed out (hung transport?)", self.role));
            }
            let timeout = Timespec::try_from(left).unwrap_or(Timespec {
                tv_sec: 1,
                tv_nsec: 0,
            });
            let mut fds = [PollFd::new(&self.stdout, PollFlags::IN)];
            let _ = poll(&mut fds, Some(&timeout));
            if fds[0].revents().is_empty() {
                continue;
            }
            let mut chunk = [0u8; 4096];
            match self.stdout.read(&mut chunk) {
                Ok(0) => {
                    let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
                    return Err(format!(
                        "{:?} exited early ({status}; see its stderr)",
                        self.role
                    ));
                }
                Ok(n) => self.pending.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(format!("reading from {:?}: {e}", self.role)),
            }
        }
    }

    fn expect(&mut self, word: &str, deadline: Instant) -> Result<(), String> {
        let line = self.line(deadline)?;
        if line == word {
            Ok(())
        } else {
            Err(format!("{:?} said {line:?}, expected {word:?}", self.role))
        }
    }
}

/// Children of one run; any still alive when this is dropped (after a failure) are killed.
struct Children(Vec<ChildProc>);

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            if matches!(c.child.try_wait(), Ok(None)) {
                let _ = c.child.kill();
            }
            let _ = c.child.wait();
        }
    }
}

/// Runs `column` once over `transport`. `run_no` makes resource names unique.
pub fn run_once(
    transport: &dyn Transport,
    column: Column,
    cfg: &RunConfig,
    run_no: u64,
) -> Result<RunOutcome, String> {
    let pid = std::process::id();
    let count = if column.scenario == Scenario::Rtt {
        2
    } else {
        1
    };
    let channels: Vec<Channel> = (0..count)
        .map(|i| Channel {
            name: format!("wb{pid}r{run_no}c{i}"),
            dir: cfg.dir.clone(),
            msg_size: cfg.msg_size,
            senders: column.scenario.writers(),
        })
        .collect();
    let control = column
        .scenario
        .is_stream()
        .then(|| format!("/wb{pid}r{run_no}ctl"));

    let result = (|| {
        for ch in &channels {
            transport.setup(ch).map_err(|e| format!("setup: {e}"))?;
        }
        if let Some(name) = &control {
            SharedMem::create(name, 16).map_err(|e| format!("control block: {e}"))?;
        }
        drive(transport, column, cfg, &channels, control.as_deref())
    })();

    for ch in &channels {
        transport.teardown(ch);
    }
    if let Some(name) = &control {
        let _ = SharedMem::unlink(name);
    }
    result
}

fn child_args(
    p: &ProcPlan,
    transport: &dyn Transport,
    cfg: &RunConfig,
    channels: &[Channel],
    control: Option<&str>,
) -> Vec<OsString> {
    let mut a: Vec<OsString> = Vec::new();
    let mut push = |k: &str, v: String| {
        a.push(k.into());
        a.push(v.into());
    };
    let role = clap::ValueEnum::to_possible_value(&p.role).expect("role has a name");
    push("--role", role.get_name().to_owned());
    push("--transport", transport.id().to_owned());
    if let Some(i) = p.recv {
        push("--recv", channels[i].name.clone());
    }
    if let Some(i) = p.send {
        push("--send", channels[i].name.clone());
    }
    push("--senders", channels[0].senders.to_string());
    push("--id", p.id.to_string());
    push("--msg-size", cfg.msg_size.to_string());
    push("--cpu", p.cpu.to_string());
    push("--dir", cfg.dir.display().to_string());
    if let Some(c) = control {
        push("--control", c.to_owned());
    }
    push("--warmup-ns", cfg.timing.warmup_ns.to_string());
    push("--duration-ns", cfg.timing.duration_ns.to_string());
    push("--wake-gap-us", cfg.timing.wake_gap.as_micros().to_string());
    a
}

fn drive(
    transport: &dyn Transport,
    column: Column,
    cfg: &RunConfig,
    channels: &[Channel],
    control: Option<&str>,
) -> Result<RunOutcome, String> {
    let plans = plan(column, cfg.cpus);
    let mut kids = Children(Vec::with_capacity(plans.len()));
    for p in &plans {
        let args = child_args(p, transport, cfg, channels, control);
        kids.0.push(ChildProc::spawn(p.role, args)?);
    }
    let setup_deadline = Instant::now() + Duration::from_secs(20);
    for k in &mut kids.0 {
        k.expect(protocol::READY, setup_deadline)?;
    }
    for k in &mut kids.0 {
        k.tell(protocol::CONNECT)?;
    }
    for k in &mut kids.0 {
        k.expect(protocol::CONNECTED, setup_deadline)?;
    }
    for k in &mut kids.0 {
        k.tell(protocol::GO)?;
    }
    let t = &cfg.timing;
    let budget = Duration::from_nanos(3 * (t.warmup_ns + t.duration_ns)) + Duration::from_secs(20);
    let deadline = Instant::now() + budget;
    let mut reports = Vec::with_capacity(kids.0.len());
    for k in &mut kids.0 {
        let line = k.line(deadline)?;
        let json = line
            .strip_prefix(protocol::RESULT)
            .ok_or_else(|| format!("{:?} said {line:?}, expected a result", k.role))?;
        let report: ChildReport =
            serde_json::from_str(json).map_err(|e| format!("{:?} report: {e}", k.role))?;
        reports.push(report);
    }
    for k in &mut kids.0 {
        let status = k.child.wait().map_err(|e| e.to_string())?;
        if !status.success() {
            return Err(format!("{:?} exited with {status}", k.role));
        }
    }
    verify(column.scenario, &reports)
}

/// Cross-checks the children's counts: every message sent was received, once, in order.
fn verify(scenario: Scenario, reports: &[ChildReport]) -> Result<RunOutcome, String> {
    let (measurer, others) = reports.split_first().ok_or("no reports")?;
    let seq_errors = reports.iter().map(|r| r.seq_errors).sum::<u64>();
    let (sent, received, figure) = match scenario {
        Scenario::Stream1w | Scenario::Stream8w => {
            let sent = others.iter().map(|r| r.sent).sum();
            (
                sent,
                measurer.received,
                measurer.rate.ok_or("reader gave no rate")?,
            )
        }
        Scenario::Rtt => {
            let ponger = &others[0];
            if ponger.received != measurer.sent {
                return Err(format!(
                    "lost pings: sent {}, ponger received {}",
                    measurer.sent, ponger.received
                ));
            }
            (measurer.sent, measurer.received, f64::NAN)
        }
        Scenario::Wake => (others[0].sent, measurer.received, f64::NAN),
    };
    if sent != received || seq_errors != 0 {
        return Err(format!(
            "lost or reordered messages: sent {sent}, received {received}, sequence errors {seq_errors}"
        ));
    }
    let latency = measurer.latency.clone();
    let figure = match &latency {
        Some(l) if !scenario.is_stream() => l.median_us,
        _ => figure,
    };
    Ok(RunOutcome {
        figure,
        latency,
        sent,
        received,
        seq_errors,
    })
}
