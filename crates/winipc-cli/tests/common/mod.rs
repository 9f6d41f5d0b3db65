//! Shared test harness: a private store directory per test, child processes killed (with their
//! process groups) on drop, and a watchdog that ends a hung test run.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_winipc");

/// One test's world.
pub struct Env {
    pub dir: PathBuf,
    children: Vec<Child>,
    done: Arc<AtomicBool>,
}

impl Env {
    /// A fresh store directory for test `name`, and a watchdog of `limit`.
    pub fn new(name: &str, limit: Duration) -> Env {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("winipc-cli-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let test = name.to_owned();
        std::thread::spawn(move || {
            let start = Instant::now();
            while start.elapsed() < limit {
                if flag.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            eprintln!("watchdog: test {test} still running after {limit:?}; aborting");
            std::process::exit(99);
        });
        Env {
            dir,
            children: Vec::new(),
            done,
        }
    }

    /// `winipc ARGS` with this test's store directory.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env("WINIPC_DIR", &self.dir)
            .stdin(Stdio::null());
        c
    }

    /// Runs `winipc ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().unwrap()
    }

    /// Runs `winipc ARGS` and returns its stdout, asserting success.
    pub fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(
            o.status.success(),
            "winipc {args:?} failed: {:?}\nstdout: {}\nstderr: {}",
            o.status,
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8(o.stdout).unwrap()
    }

    /// Starts `winipc ARGS` in its own process group (killed on drop); returns its pid.
    pub fn spawn(&mut self, args: &[&str]) -> u32 {
        let child = self
            .cmd(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// Starts `winipc ARGS` with stdout and stderr piped (read them after it exits).
    pub fn spawn_piped(&mut self, args: &[&str]) -> u32 {
        let child = self
            .cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// Waits (with a limit) for a child started by `spawn_piped`: (exit code, stdout, stderr).
    pub fn finish(&mut self, pid: u32, limit: Duration) -> (i32, String, String) {
        let mut c = self.take(pid);
        let code = wait_exit(&mut c, limit);
        let mut out = String::new();
        let mut err = String::new();
        if let Some(mut o) = c.stdout.take() {
            std::io::Read::read_to_string(&mut o, &mut out).unwrap();
        }
        if let Some(mut e) = c.stderr.take() {
            std::io::Read::read_to_string(&mut e, &mut err).unwrap();
        }
        (code, out, err)
    }

    /// Starts `winipc ARGS` (a `create` command) and waits for its "holds it" line.
    pub fn spawn_holder(&mut self, args: &[&str]) -> u32 {
        let mut child = self
            .cmd(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(
            line.contains("holds it"),
            "winipc {args:?} printed {line:?}"
        );
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// Takes back a spawned child (to wait for it).
    pub fn take(&mut self, pid: u32) -> Child {
        let i = self.children.iter().position(|c| c.id() == pid).unwrap();
        self.children.remove(i)
    }

    /// SIGKILLs a spawned child and its process group, and reaps it.
    pub fn kill(&mut self, pid: u32) {
        let mut c = self.take(pid);
        kill_group(pid);
        let _ = c.kill();
        let _ = c.wait();
    }

    /// `winipc ls --json [FILTER]`.
    pub fn ls(&self, filter: Option<&str>) -> Vec<Value> {
        let mut args = vec!["ls", "--json"];
        args.extend(filter);
        let v: Value = serde_json::from_str(&self.ok(&args)).unwrap();
        v.as_array().unwrap().clone()
    }

    /// The listed object of `kind` named `name`, if any.
    pub fn object(&self, kind: &str, name: &str) -> Option<Value> {
        self.ls(None)
            .into_iter()
            .find(|o| o["kind"] == kind && o["name"] == name)
    }

    /// `winipc handles --json`.
    pub fn handles(&self) -> Vec<Value> {
        let v: Value = serde_json::from_str(&self.ok(&["handles", "--json"])).unwrap();
        v.as_array().unwrap().clone()
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Env {
    fn drop(&mut self) {
        for mut c in self.children.drain(..) {
            let _ = c.kill();
            kill_group(c.id());
            let _ = c.wait();
        }
        self.done.store(true, Ordering::Relaxed);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// SIGKILL to process group `pgid` (a child started with `process_group(0)`).
pub fn kill_group(pgid: u32) {
    // The shell's builtin: no dependency on procps.
    let _ = Command::new("sh")
        .args(["-c", &format!("kill -9 -{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// Polls `f` until it returns `Some`, or panics after `limit`.
pub fn eventually<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits for a child with a time limit; returns its exit code.
pub fn wait_exit(child: &mut Child, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code().unwrap_or(-1);
        }
        assert!(
            start.elapsed() < limit,
            "child did not exit within {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
