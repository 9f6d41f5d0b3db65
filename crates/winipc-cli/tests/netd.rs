//! `winipc netd` as an operator sees it (issue 15): log lines on standard error (level from
//! `--log-level` or `RUST_LOG`), the systemd journal when systemd connects standard error to
//! it, and `winipc netd status` (text and JSON) over the daemon's request socket.
//!
//! The journald test runs the daemon in a private mount namespace with a tmpfs on /run, where
//! the test plays journald at /run/systemd/journal/socket (root only, as CI runs; no systemd is
//! needed): the daemon there also uses its default socket, /run/winipc/netd.sock.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const ROLE: &str = "WINIPC_CLI_NETD_ROLE";

fn port(offset: u16) -> u16 {
    30_000 + (std::process::id() % 5_000) as u16 * 4 + offset
}

/// Kills the daemon on drop (a failed assertion must not leave it running).
struct Daemon(Option<Child>);

impl Daemon {
    /// SIGTERM, and waits for a clean exit.
    fn stop(&mut self) {
        let mut c = self.0.take().expect("running");
        let sent = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let code = common::wait_exit(&mut c, Duration::from_secs(10));
        assert_eq!(code, 0, "winipc netd did not stop cleanly");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `winipc netd ARGS` on loopback with its socket at `socket` (or the default when `None`),
/// standard error to `log`; waits until the socket exists.
fn start(args: &[&str], socket: Option<&Path>, log: &Path, env: &[(&str, &str)], p: u16) -> Daemon {
    let mut c = Command::new(common::BIN);
    c.args(["netd", "--interface", "lo", "--port"])
        .arg(p.to_string())
        .args(["--nbns-port"])
        .arg((p + 1).to_string())
        .args(["--no-system-resolver"])
        .args(args)
        .env_remove("RUST_LOG")
        .env_remove("JOURNAL_STREAM")
        .env_remove("INVOCATION_ID")
        .env_remove("WINIPC_NETD_SOCKET")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    if let Some(s) = socket {
        c.env("WINIPC_NETD_SOCKET", s);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    let mut d = Daemon(Some(c.spawn().unwrap()));
    let path = socket.map_or_else(|| PathBuf::from("/run/winipc/netd.sock"), Path::to_path_buf);
    let start = Instant::now();
    while !path.exists() {
        if let Some(status) = d.0.as_mut().and_then(|c| c.try_wait().unwrap()) {
            panic!(
                "winipc netd exited with {status}: {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "winipc netd did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    d
}

fn status(socket: Option<&Path>, json: bool) -> (bool, String, String) {
    let mut c = Command::new(common::BIN);
    c.args(["netd", "status"]).env_remove("WINIPC_NETD_SOCKET");
    if json {
        c.arg("--json");
    }
    if let Some(s) = socket {
        c.env("WINIPC_NETD_SOCKET", s);
    }
    let o = c.stdin(Stdio::null()).output().unwrap();
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Queries the status (JSON) until `key` reaches `min` (datagrams and status queries may be
/// read in either order).
fn wait_for_counter(socket: &Path, key: &str, min: u64) -> Value {
    let start = Instant::now();
    loop {
        let (ok, out, err) = status(Some(socket), true);
        assert!(ok, "{err}");
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        if v[key].as_u64().is_some_and(|n| n >= min) {
            return v;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{key} stayed below {min}: {v}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn netd_logs_to_stderr_and_answers_status() {
    let env = common::Env::new("netd-status", Duration::from_secs(60));
    let socket = env.dir.join("run").join("netd.sock");
    let log = env.dir.join("netd.log");
    let p = port(0);
    let mut d = start(&["--name", "LOGHOST"], Some(&socket), &log, &[], p);
    let pid = d.0.as_ref().unwrap().id();

    // A malformed datagram from the "network": counted, and logged at debug only.
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    udp.send_to(b"not a netbios datagram", ("127.0.0.1", p))
        .unwrap();
    wait_for_counter(&socket, "malformed", 1);

    // Text: one `key  value` line each.
    let (ok, out, err) = status(Some(&socket), false);
    assert!(ok, "{err}");
    let line = |key: &str| {
        out.lines()
            .find(|l| l.split_whitespace().next() == Some(key))
            .unwrap_or_else(|| panic!("no {key} in:\n{out}"))
            .to_owned()
    };
    assert!(line("name").ends_with("LOGHOST<00>"), "{out}");
    assert!(line("pid").ends_with(&pid.to_string()), "{out}");
    line("delivered");
    line("rate_limited");
    line("requests");
    // JSON: the same, as one object.
    let (ok, out, err) = status(Some(&socket), true);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v["name"], "LOGHOST<00>");
    assert_eq!(v["pid"], pid);
    assert_eq!(v["socket"], socket.display().to_string());
    assert!(v["malformed"].as_u64().unwrap() >= 1, "{v}");
    assert!(v["status_queries"].as_u64().unwrap() >= 2, "{v}");

    d.stop();
    let text = std::fs::read_to_string(&log).unwrap();
    eprintln!("{text}");
    for expected in [
        "winipc netd starting",
        "configuration",
        "listening",
        "winipc-netd ready",
        "winipc-netd stopping",
        "malformed=1",
    ] {
        assert!(
            text.contains(expected),
            "no {expected:?} in the log:\n{text}"
        );
    }
    assert!(
        !text.contains("malformed datagram dropped"),
        "debug at info level:\n{text}"
    );

    // No daemon: status fails, naming the socket.
    let (ok, _, err) = status(Some(&socket), false);
    assert!(!ok);
    assert!(
        err.contains("not running") && err.contains(&socket.display().to_string()),
        "{err}"
    );

    // --log-level debug: drops are logged.
    let log2 = env.dir.join("netd-debug.log");
    let mut d = start(
        &["--name", "LOGHOST", "--log-level", "debug"],
        Some(&socket),
        &log2,
        &[],
        p,
    );
    udp.send_to(b"not a netbios datagram", ("127.0.0.1", p))
        .unwrap();
    wait_for_counter(&socket, "malformed", 1);
    d.stop();
    let text = std::fs::read_to_string(&log2).unwrap();
    assert!(text.contains("malformed datagram dropped"), "{text}");
    assert!(text.contains("status query"), "{text}");

    // RUST_LOG=warn: start-up info is not logged.
    let log3 = env.dir.join("netd-warn.log");
    let mut d = start(
        &["--name", "LOGHOST"],
        Some(&socket),
        &log3,
        &[("RUST_LOG", "warn")],
        p,
    );
    d.stop();
    let text = std::fs::read_to_string(&log3).unwrap();
    assert!(!text.contains("winipc-netd ready"), "{text}");
}

/// The journald case, run in a child under `unshare --mount` (see the module docs).
#[test]
fn netd_logs_to_journald_when_systemd_connects_stderr() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    if std::fs::metadata("/proc/self").unwrap().uid() != 0 {
        eprintln!("SKIPPED: not root (a private /run needs a mount namespace; CI runs as root)");
        return;
    }
    let env = common::Env::new("netd-journald", Duration::from_secs(90));
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "--"])
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "journald_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, "journald")
        .env("WINIPC_DIR", &env.dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    eprintln!("{text}");
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("journald child done"),
        "the child did not run: {text}"
    );
}

/// One journal entry in journald's native protocol: `KEY=value\n`, or `KEY\n`, a 64-bit
/// little-endian length, the value and `\n`; as `KEY=value` lines.
fn parse_entry(mut b: &[u8]) -> String {
    let mut out = String::new();
    while !b.is_empty() {
        let Some(nl) = b.iter().position(|&c| c == b'\n') else {
            break;
        };
        let line = &b[..nl];
        if let Some(eq) = line.iter().position(|&c| c == b'=') {
            out += &String::from_utf8_lossy(&line[..eq]);
            out.push('=');
            out += &String::from_utf8_lossy(&line[eq + 1..]);
            out.push('\n');
            b = &b[nl + 1..];
        } else {
            let rest = &b[nl + 1..];
            let Some(len) = rest.get(..8) else { break };
            let len = u64::from_le_bytes(len.try_into().unwrap()) as usize;
            let Some(value) = rest.get(8..8 + len) else {
                break;
            };
            out += &String::from_utf8_lossy(line);
            out.push('=');
            out += &String::from_utf8_lossy(value);
            out.push('\n');
            b = rest.get(8 + len + 1..).unwrap_or_default();
        }
    }
    out
}

/// Journal entries received by the fake journald.
fn drain_journal(journal: &UnixDatagram, into: &mut Vec<String>) {
    let mut buf = vec![0u8; 1 << 16];
    while let Ok(n) = journal.recv(&mut buf) {
        into.push(parse_entry(&buf[..n]));
    }
}

#[test]
fn journald_child() {
    if std::env::var(ROLE).as_deref() != Ok("journald") {
        return;
    }
    let dir = PathBuf::from(std::env::var_os("WINIPC_DIR").unwrap());
    // A private /run: our own journald socket, and the daemon's default socket directory.
    let st = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run"])
        .status()
        .unwrap();
    assert!(st.success(), "mount tmpfs on /run");
    std::fs::create_dir_all("/run/systemd/journal").unwrap();
    let journal = UnixDatagram::bind("/run/systemd/journal/socket").unwrap();
    journal
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    // What systemd does for StandardError=journal: stderr is a stream whose device and inode
    // it puts in JOURNAL_STREAM. Here stderr is a file, named the same way.
    let log = dir.join("netd-stderr.log");
    std::fs::File::create(&log).unwrap();
    let meta = std::fs::metadata(&log).unwrap();
    let stream = format!("{}:{}", meta.dev(), meta.ino());
    let p = port(2);
    let mut d = start(
        &["--name", "JOURNALED"],
        None,
        &log,
        &[
            ("JOURNAL_STREAM", &stream),
            ("INVOCATION_ID", "0123456789abcdef0123456789abcdef"),
        ],
        p,
    );
    // The default socket, in the directory the daemon made: root's, mode 0755.
    let run = std::fs::symlink_metadata("/run/winipc").unwrap();
    assert!(run.is_dir());
    assert_eq!((run.uid(), run.permissions().mode() & 0o7777), (0, 0o755));
    let (ok, out, err) = status(None, true);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "JOURNALED<00>");
    assert_eq!(v["socket"], "/run/winipc/netd.sock");
    d.stop();
    let mut entries = Vec::new();
    drain_journal(&journal, &mut entries);
    let all = entries.join("\n---\n");
    for expected in [
        "MESSAGE=winipc netd starting",
        "MESSAGE=winipc-netd ready",
        "MESSAGE=winipc-netd stopping",
        "SYSLOG_IDENTIFIER=winipc-netd",
        "PRIORITY=5",
    ] {
        assert!(
            all.contains(expected),
            "no {expected:?} in the journal:\n{all}"
        );
    }
    let stderr = std::fs::read_to_string(&log).unwrap();
    assert!(
        !stderr.contains("winipc-netd ready"),
        "log lines went to stderr too:\n{stderr}"
    );

    // JOURNAL_STREAM naming another stream (inherited, stderr redirected): stderr it is.
    let log2 = dir.join("netd-stderr2.log");
    let mut d = start(
        &["--name", "JOURNALED"],
        None,
        &log2,
        &[("JOURNAL_STREAM", "1:1"), ("INVOCATION_ID", "0123")],
        p,
    );
    d.stop();
    let mut later = Vec::new();
    drain_journal(&journal, &mut later);
    assert!(
        later.iter().all(|e| !e.contains("winipc-netd ready")),
        "journal used without JOURNAL_STREAM naming stderr"
    );
    assert!(
        std::fs::read_to_string(&log2)
            .unwrap()
            .contains("winipc-netd ready")
    );
    println!("journald child done");
}

/// The systemd unit as shipped: `systemd-analyze verify` accepts it (with ExecStart pointed at
/// the binary under test), it runs `winipc netd` with flags the command accepts, and its
/// RuntimeDirectory is the directory of the daemon's default socket.
#[test]
fn systemd_unit_verifies_and_matches_the_daemon() {
    let env = common::Env::new("netd-unit", Duration::from_secs(60));
    let unit_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../packaging/winipc-netd.service");
    let unit = std::fs::read_to_string(&unit_path).unwrap();
    let value = |key: &str| {
        unit.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("no {key}= in the unit"))
            .to_owned()
    };
    let exec = value("ExecStart");
    let mut words = exec.split_whitespace();
    assert_eq!(words.next(), Some("/usr/bin/winipc"), "{exec}");
    assert_eq!(words.next(), Some("netd"), "{exec}");
    let args: Vec<&str> = words.collect();
    let socket_dir = Path::new(winipc_net::proto::DEFAULT_SOCKET_PATH)
        .parent()
        .unwrap();
    assert_eq!(
        Path::new("/run").join(value("RuntimeDirectory")),
        socket_dir
    );
    assert_eq!(value("RuntimeDirectoryMode"), "0755");
    assert!(
        value("ReadWritePaths")
            .split_whitespace()
            .any(|p| p == "/dev/shm")
    );
    for family in ["AF_UNIX", "AF_INET", "AF_NETLINK"] {
        assert!(
            value("RestrictAddressFamilies").contains(family),
            "{family}"
        );
    }

    // The flags of ExecStart parse: with the configuration file missing, the error is about
    // the file, not the command line.
    let missing = env.dir.join("missing.toml");
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if *a == "/etc/winipc/netd.toml" {
                missing.display().to_string()
            } else {
                (*a).to_owned()
            }
        })
        .collect();
    let o = Command::new(common::BIN)
        .arg("netd")
        .args(&args)
        .env("WINIPC_NETD_SOCKET", env.dir.join("run").join("netd.sock"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains(&format!("reading {}", missing.display())),
        "{err}"
    );

    // systemd's own check of the unit (offline: no running systemd needed).
    let copy = env.dir.join("winipc-netd.service");
    std::fs::write(&copy, unit.replace("/usr/bin/winipc", common::BIN)).unwrap();
    let o = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&copy)
        .stdin(Stdio::null())
        .output()
        .expect("systemd-analyze (crates/winipc-net/tests/install-deps.sh installs systemd)");
    let err = String::from_utf8_lossy(&o.stderr);
    eprintln!("systemd-analyze verify: {err}");
    assert!(o.status.success(), "{err}");
    for bad in [
        "Unknown key",
        "Unknown lvalue",
        "Failed to parse",
        "Invalid",
        "not executable",
    ] {
        assert!(!err.contains(bad), "{bad}: {err}");
    }
}
