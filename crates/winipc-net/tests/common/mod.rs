//! Test helpers: network namespaces joined by veth pairs to bridges, processes inside them,
//! and a watchdog so that a hang fails the run instead of stalling CI.
//!
//! Every namespace, bridge and address is created by the test itself and lives only inside
//! namespaces named `wn<pid><tag>…`; addresses are 10.99.S.H/24 and never leave the machine
//! (the namespaces have no route to anywhere else). Everything is torn down on drop, on panic,
//! and by the watchdog.
#![allow(dead_code)]

pub mod inbound;

use std::io::{BufRead, BufReader};
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub const NETD: &str = env!("CARGO_BIN_EXE_winipc-netd");
pub const PROBE: &str = env!("CARGO_BIN_EXE_winipc-net-probe");

/// Namespaces and pids to clean up if the watchdog fires.
fn registry() -> &'static Mutex<(Vec<String>, Vec<u32>)> {
    static R: OnceLock<Mutex<(Vec<String>, Vec<u32>)>> = OnceLock::new();
    R.get_or_init(Default::default)
}

fn cleanup_everything() {
    let (namespaces, pids) = {
        let r = registry().lock().unwrap_or_else(|p| p.into_inner());
        (r.0.clone(), r.1.clone())
    };
    for pid in pids {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        );
    }
    for ns in namespaces {
        let _ = Command::new("ip").args(["netns", "del", &ns]).status();
    }
}

/// Fails the whole test binary (after cleaning up) if not dropped within `limit`.
pub struct Watchdog(Option<mpsc::Sender<()>>);

pub fn watchdog(name: &'static str, limit: Duration) -> Watchdog {
    let (tx, rx) = mpsc::channel::<()>();
    std::thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
            eprintln!(
                "WATCHDOG: test {name} did not finish within {limit:?}; cleaning up and failing"
            );
            cleanup_everything();
            std::process::exit(101);
        }
    });
    Watchdog(Some(tx))
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

/// One test at a time per binary: the namespace tests share two cores.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn run(args: &[&str]) -> Result<(), String> {
    let out = Command::new(args[0])
        .args(&args[1..])
        .output()
        .map_err(|e| format!("{args:?}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn must(args: &[&str]) {
    if let Err(e) = run(args) {
        panic!("{e}");
    }
}

/// Why namespace tests cannot run here, if they cannot.
pub fn skip_reason() -> Option<String> {
    static REASON: OnceLock<Option<String>> = OnceLock::new();
    REASON
        .get_or_init(|| {
            if !nix::unistd::geteuid().is_root() {
                return Some("not root".into());
            }
            let probe = format!("wn{}probe", std::process::id());
            if let Err(e) = run(&["ip", "netns", "add", &probe]) {
                return Some(format!("`ip netns` unavailable: {e}"));
            }
            let _ = run(&["ip", "netns", "del", &probe]);
            None
        })
        .clone()
}

/// Returns early from a test, printing why, when namespaces are not available.
#[macro_export]
macro_rules! require_netns {
    () => {
        if let Some(reason) = common::skip_reason() {
            eprintln!("SKIPPED: {reason}");
            return;
        }
    };
}

/// One host: a namespace, its interfaces and its own winipc store directory.
#[derive(Debug, Clone)]
pub struct Host {
    pub ns: String,
    /// (interface name, address) in order.
    pub ifaces: Vec<(String, Ipv4Addr)>,
    pub dir: PathBuf,
}

impl Host {
    pub fn addr(&self, i: usize) -> Ipv4Addr {
        self.ifaces[i].1
    }

    /// This host's daemon request socket (in a directory the daemon creates).
    pub fn socket(&self) -> PathBuf {
        self.dir.join("run").join("netd.sock")
    }

    /// A command run inside this host's namespace, with its own `WINIPC_DIR` and daemon
    /// socket (`WINIPC_NETD_SOCKET`).
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.ns, program])
            .env("WINIPC_DIR", &self.dir)
            .env("WINIPC_NETD_SOCKET", self.socket())
            .stdin(Stdio::null());
        c
    }

    /// Runs `args` in the namespace and returns its stdout (panics on failure).
    pub fn output(&self, program: &str, args: &[&str]) -> String {
        let out = self.command(program).args(args).output().expect("spawn");
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }

    /// Spawns `program args` in the namespace, capturing stdout lines and stderr to a file.
    pub fn spawn(&self, label: &str, program: &str, args: &[&str], env: &[(&str, &str)]) -> Proc {
        let log = self.dir.join(format!("{label}.log"));
        let mut c = self.command(program);
        c.args(args)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("log file"));
        for (k, v) in env {
            c.env(k, v);
        }
        let mut child = c.spawn().expect("spawn");
        registry().lock().unwrap().1.push(child.id());
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            label: label.into(),
            pid_at_spawn: child.id(),
            child: Some(child),
            lines: rx,
            log,
        }
    }

    /// Starts winipc-netd here with `args`, waiting until its socket exists.
    pub fn netd(&self, label: &str, args: &[&str]) -> Proc {
        let sock = self.socket();
        let _ = std::fs::remove_file(&sock);
        let mut p = self.spawn(label, NETD, args, &[("RUST_LOG", "winipc_net=debug")]);
        let start = Instant::now();
        while !sock.exists() {
            if let Some(status) = p.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!("{label} exited with {status}: {}", p.log_text());
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "{label} did not start: {}",
                p.log_text()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        p
    }

    /// Starts `winipc-net-probe recv SLOT` here and waits for `ready`.
    pub fn receiver(&self, label: &str, slot: &str, timeout_ms: u64) -> Proc {
        let t = timeout_ms.to_string();
        let mut p = self.spawn(label, PROBE, &["recv", slot, "--timeout-ms", &t], &[]);
        p.expect_line(|l| l == "ready", Duration::from_secs(10))
            .unwrap_or_else(|| panic!("{label} not ready: {}", p.log_text()));
        p
    }

    /// `winipc-net-probe ARGS` here; returns its stdout.
    pub fn probe(&self, args: &[&str]) -> String {
        let out = self.command(PROBE).args(args).output().expect("probe");
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }
}

/// A process started in a namespace; killed on drop.
pub struct Proc {
    pub label: String,
    pid_at_spawn: u32,
    pub child: Option<Child>,
    pub lines: Receiver<String>,
    pub log: PathBuf,
}

impl Proc {
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Waits for a stdout line matching `pred`.
    pub fn expect_line(&mut self, pred: impl Fn(&str) -> bool, within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.lines.recv_timeout(left) {
                Ok(line) if pred(&line) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// Messages (`msg <hex>` lines) that arrive within `within`, decoded.
    pub fn messages(&mut self, within: Duration) -> Vec<Vec<u8>> {
        let deadline = Instant::now() + within;
        let mut out = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(h) = line.strip_prefix("msg ") {
                        out.push(unhex(h));
                    }
                }
                Err(_) => break,
            }
        }
        out
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Resident set size in KiB, from /proc.
    pub fn rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }

    /// SIGTERM, then waits (SIGKILL after 5 s); returns the stderr log.
    pub fn stop(&mut self) -> String {
        if let Some(mut c) = self.child.take() {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(c.id() as i32),
                nix::sys::signal::Signal::SIGTERM,
            );
            let start = Instant::now();
            while matches!(c.try_wait(), Ok(None)) && start.elapsed() < Duration::from_secs(5) {
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = c.kill();
            let _ = c.wait();
        }
        self.log_text()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        forget_pid(self.pid_at_spawn);
    }
}

fn forget_pid(pid: u32) {
    let mut r = registry().lock().unwrap_or_else(|p| p.into_inner());
    r.1.retain(|&p| p != pid);
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Namespaces: one per host plus one holding the bridges (one bridge per subnet).
pub struct Net {
    pub hosts: Vec<Host>,
    pub bridge_ns: String,
    namespaces: Vec<String>,
    pub dir: PathBuf,
}

impl Net {
    /// Builds hosts; `layout[h]` lists the subnets host `h` has an interface on (`eth0`,
    /// `eth1`, … in that order). Host `h` on subnet `s` is 10.99.s.(h+1)/24, and subnet `s`
    /// is bridge `br<s>`.
    pub fn build(tag: &str, layout: &[&[u8]]) -> Net {
        let prefix = format!("wn{}{tag}", std::process::id());
        let dir = std::env::temp_dir().join(&prefix);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let mut net = Net {
            hosts: Vec::new(),
            bridge_ns: format!("{prefix}br"),
            namespaces: Vec::new(),
            dir: dir.clone(),
        };
        net.add_ns(&net.bridge_ns.clone());
        let br = net.bridge_ns.clone();
        let mut subnets: Vec<u8> = layout.iter().flat_map(|s| s.iter().copied()).collect();
        subnets.sort_unstable();
        subnets.dedup();
        for s in &subnets {
            let b = format!("br{s}");
            must(&["ip", "-n", &br, "link", "add", &b, "type", "bridge"]);
            must(&["ip", "-n", &br, "link", "set", &b, "up"]);
        }
        for (h, nets) in layout.iter().enumerate() {
            let ns = format!("{prefix}h{h}");
            net.add_ns(&ns);
            must(&["ip", "-n", &ns, "link", "set", "lo", "up"]);
            let hdir = dir.join(format!("h{h}"));
            std::fs::create_dir_all(&hdir).expect("host dir");
            let mut ifaces = Vec::new();
            for (j, s) in nets.iter().enumerate() {
                let outer = format!("h{h}e{j}");
                let inner = format!("eth{j}");
                must(&[
                    "ip", "-n", &br, "link", "add", &outer, "type", "veth", "peer", "name", &inner,
                    "netns", &ns,
                ]);
                must(&[
                    "ip",
                    "-n",
                    &br,
                    "link",
                    "set",
                    &outer,
                    "master",
                    &format!("br{s}"),
                    "up",
                ]);
                let addr = Ipv4Addr::new(10, 99, *s, h as u8 + 1);
                must(&[
                    "ip",
                    "-n",
                    &ns,
                    "addr",
                    "add",
                    &format!("{addr}/24"),
                    "dev",
                    &inner,
                ]);
                must(&["ip", "-n", &ns, "link", "set", &inner, "up"]);
                ifaces.push((inner, addr));
            }
            net.hosts.push(Host {
                ns,
                ifaces,
                dir: hdir,
            });
        }
        net
    }

    fn add_ns(&mut self, ns: &str) {
        let _ = run(&["ip", "netns", "del", ns]);
        must(&["ip", "netns", "add", ns]);
        self.namespaces.push(ns.to_owned());
        registry().lock().unwrap().0.push(ns.to_owned());
    }

    /// The bridge namespace as a host (for captures on `br<s>`).
    pub fn bridge_host(&self) -> Host {
        let dir = self.dir.join("bridge");
        std::fs::create_dir_all(&dir).expect("bridge dir");
        Host {
            ns: self.bridge_ns.clone(),
            ifaces: Vec::new(),
            dir,
        }
    }

    /// A command in the bridge namespace.
    pub fn bridge_command(&self, program: &str) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.bridge_ns, program]);
        c
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for ns in &self.namespaces {
            // Kill anything still running in the namespace, then delete it.
            if let Ok(out) = Command::new("ip").args(["netns", "pids", ns]).output() {
                for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                    if let Ok(pid) = pid.parse::<i32>() {
                        let _ = nix::sys::signal::kill(
                            nix::unistd::Pid::from_raw(pid),
                            nix::sys::signal::Signal::SIGKILL,
                        );
                    }
                }
            }
            let _ = run(&["ip", "netns", "del", ns]);
        }
        let mut r = registry().lock().unwrap_or_else(|p| p.into_inner());
        r.0.retain(|n| !self.namespaces.contains(n));
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Waits until `path` exists.
pub fn wait_for_file(path: &Path, within: Duration) -> bool {
    let start = Instant::now();
    while !path.exists() {
        if start.elapsed() > within {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

/// A well-formed mailslot datagram to `dest`<00> for `slot`.
pub fn datagram(dest: &str, slot: &str, data: &[u8], source: Ipv4Addr) -> Vec<u8> {
    use winipc_nbt::{DataKind, Layout, MailslotDatagram, MailslotWrite, NbName, NodeType};
    let message = MailslotDatagram {
        kind: DataKind::DirectUnique,
        node_type: NodeType::B,
        id: 1,
        source_ip: source,
        source_port: 138,
        source_name: NbName::new("TESTER", 0).unwrap(),
        destination_name: NbName::new(dest, 0).unwrap(),
        write: MailslotWrite::new(slot, data),
    };
    winipc_nbt::encode_mailslot_datagram(&message, Layout::Packed).unwrap()
}
