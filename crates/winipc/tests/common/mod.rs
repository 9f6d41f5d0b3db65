//! Test support: an isolated store directory per test binary, unique names, a watchdog, and
//! child processes that re-run this test binary in a given role.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Environment variable that tells a re-executed test binary which role to play.
pub const ROLE: &str = "WINIPC_TEST_ROLE";

static INIT: OnceLock<()> = OnceLock::new();

/// Points winipc at a directory private to this test run (children inherit it). Idempotent.
pub fn init() {
    INIT.get_or_init(|| {
        if std::env::var_os(ROLE).is_some() {
            return; // a child: WINIPC_DIR came from the parent
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let dir = std::env::temp_dir().join(format!("winipc-test-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("test dir");
        winipc::set_store_dir(&dir).expect("store dir");
    });
}

/// A name unique to this test and call.
pub fn uniq(base: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{base}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// Aborts the whole process if not dropped within `limit`: a hung IPC test fails instead of
/// stalling CI.
pub struct Watchdog(std::sync::mpsc::Sender<()>);

pub fn watchdog(limit: Duration) -> Watchdog {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let name = std::thread::current().name().unwrap_or("?").to_owned();
    std::thread::spawn(move || {
        if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(limit) {
            eprintln!("WATCHDOG: test {name} exceeded {limit:?}; aborting");
            std::process::abort();
        }
    });
    Watchdog(tx)
}

/// A command that re-runs this test binary as role `role` with `args` (available to the child
/// through [`role_args`]). The child's entry point is the test named `child`.
pub fn child_cmd(role: &str, args: &[&str]) -> Command {
    init();
    let mut cmd = Command::new(std::env::current_exe().expect("test exe"));
    cmd.args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env("WINIPC_TEST_ARGS", args.join("\u{1f}"))
        .env("WINIPC_DIR", winipc::store_dir())
        .env("RUST_BACKTRACE", "0")
        // Children choose their async path themselves (tests/asyncio.rs).
        .env_remove("WINIPC_TEST_ASYNC_BRIDGE")
        .stdin(Stdio::null())
        // The child's own libtest summary must not reach the parent's output.
        .stdout(Stdio::null());
    cmd
}

/// A running child role whose protocol lines (printed with [`say`]) can be read.
pub struct Kid {
    pub child: Child,
    out: std::io::BufReader<std::process::ChildStdout>,
}

impl Kid {
    /// Wraps a child spawned with piped stdout.
    pub fn from_child(mut child: Child) -> Kid {
        let out = std::io::BufReader::new(child.stdout.take().expect("piped stdout"));
        Kid { child, out }
    }

    /// The next protocol line (libtest's own output is skipped); "" at end of output.
    pub fn line(&mut self) -> String {
        use std::io::BufRead;
        loop {
            let mut l = String::new();
            if self.out.read_line(&mut l).expect("read child line") == 0 {
                return String::new();
            }
            if let Some(at) = l.find("@@") {
                return l[at + 2..].trim_end().to_owned();
            }
        }
    }

    /// Whether the child has exited.
    pub fn done(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_some()
    }

    /// Kills the child (SIGKILL) and reaps it.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for the child; returns its exit code (-1 if killed by a signal).
    pub fn finish(mut self) -> i32 {
        self.child.wait().expect("wait child").code().unwrap_or(-1)
    }
}

/// Spawns a child role with piped stdout.
pub fn spawn(role: &str, args: &[&str]) -> Kid {
    let mut child = child_cmd(role, args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn child");
    let out = std::io::BufReader::new(child.stdout.take().expect("piped"));
    Kid { child, out }
}

/// Runs a child role to completion and returns its protocol lines.
pub fn run(role: &str, args: &[&str]) -> Vec<String> {
    let out = child_cmd(role, args)
        .stdout(Stdio::piped())
        .output()
        .expect("run child");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("@@").map(|at| l[at + 2..].trim_end().to_owned()))
        .collect()
}

/// Prints a protocol line from a child.
pub fn say(msg: impl std::fmt::Display) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "\n@@{msg}");
    let _ = out.flush();
}

/// Waits for a child and returns its exit status code.
pub fn finish(k: Kid) -> i32 {
    k.finish()
}

/// Polls `cond` until true or `limit` passes.
pub fn eventually(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let end = std::time::Instant::now() + limit;
    while std::time::Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

/// The Win32 code of an io::Error from winipc.
pub fn code(e: &std::io::Error) -> u32 {
    winipc::Error::win32_code_of(e)
}

/// The role and arguments of this process, if it is a child.
pub fn role_args() -> Option<(String, Vec<String>)> {
    let role = std::env::var(ROLE).ok()?;
    let args = std::env::var("WINIPC_TEST_ARGS").unwrap_or_default();
    let args = if args.is_empty() {
        Vec::new()
    } else {
        args.split('\u{1f}').map(str::to_owned).collect()
    };
    Some((role, args))
}

/// The uid of a second, unprivileged user (`winipc-test`, created if missing). The tests run
/// as root in CI (`.ci/run`); run as another user they cannot play the second user, and fail.
pub fn second_user() -> u32 {
    assert_eq!(
        winipc_sys::proc::geteuid(),
        0,
        "the second-user tests need root (to create the user and switch to it)"
    );
    let _ = std::process::Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            "winipc-test",
        ])
        .stderr(std::process::Stdio::null())
        .status();
    let out = std::process::Command::new("id")
        .args(["-u", "winipc-test"])
        .output()
        .expect("id");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("uid of winipc-test")
}

/// Lets other users enter this test run's store directory, as they can enter `/dev/shm`
/// (world-writable and sticky).
pub fn open_store_dir_to_others() {
    std::process::Command::new("chmod")
        .arg("1777")
        .arg(winipc::store_dir())
        .status()
        .expect("chmod");
}

/// The primary group of user `uid`.
pub fn gid_of(uid: u32) -> u32 {
    let out = std::process::Command::new("id")
        .args(["-g", &uid.to_string()])
        .output()
        .expect("id -g");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("gid")
}

/// A command for child role `role` that runs as user `uid` (with that user's group, no
/// supplementary groups).
pub fn child_cmd_as(uid: u32, role: &str, args: &[&str]) -> Command {
    use std::os::unix::process::CommandExt;
    let mut cmd = child_cmd(role, args);
    cmd.uid(uid).gid(gid_of(uid)); // std drops supplementary groups when root sets a uid
    cmd
}

/// Runs a child role as user `uid` and returns its protocol lines and its stderr.
pub fn run_as(uid: u32, role: &str, args: &[&str]) -> (Vec<String>, String) {
    let out = child_cmd_as(uid, role, args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run child as another user");
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("@@").map(|at| l[at + 2..].trim_end().to_owned()))
        .collect();
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}
