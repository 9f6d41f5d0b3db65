//! `winipc top` in a real terminal: tmux runs it, `send-keys` types, `capture-pane` reads.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{BIN, Env, eventually};

const LIMIT: Duration = Duration::from_secs(10);

struct Tmux {
    socket: String,
    /// Where the pane's shell writes `winipc top`'s exit status when it ends.
    status: std::path::PathBuf,
}

impl Tmux {
    fn cmd(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .args(["-S", &self.socket, "-f", "/dev/null"])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn screen(&self, escapes: bool) -> String {
        let mut args = vec!["capture-pane", "-p", "-t", "top"];
        if escapes {
            args.push("-e");
        }
        String::from_utf8_lossy(&self.cmd(&args).stdout).into_owned()
    }

    /// Waits until the screen satisfies `f`; returns it.
    fn wait_screen(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen(false);
            if f(&s) {
                return s;
            }
            assert!(
                start.elapsed() < LIMIT,
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "top"];
        args.extend(keys);
        assert!(self.cmd(&args).status.success());
    }
}

impl Tmux {
    /// Runs `winipc top ARGS` in a detached 160x40 session named `top`.
    fn start(env: &Env, args: &str) -> Tmux {
        let tmux = Tmux {
            socket: env.dir.join("tmux.sock").to_string_lossy().into_owned(),
            status: env.dir.join("top.status"),
        };
        // The exit status is recorded by the pane's shell: tmux may reap its pane's child late,
        // leaving `#{pane_dead_status}` unknown for a while.
        let command = format!(
            "env WINIPC_DIR='{}' '{BIN}' top {args}; echo $? > '{}'",
            env.dir.display(),
            tmux.status.display()
        );
        let o = tmux.cmd(&[
            "new-session",
            "-d",
            "-s",
            "top",
            "-x",
            "160",
            "-y",
            "40",
            &command,
            ";",
            "set-option",
            "-t",
            "top",
            "remain-on-exit",
            "on",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        tmux
    }

    /// CPU time (user + system, in clock ticks) of the pane's process.
    fn cpu_ticks(&self) -> u64 {
        let o = self.cmd(&["display-message", "-p", "-t", "top", "#{pane_pid}"]);
        let pid = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .unwrap()
            .1
            .split_whitespace()
            .collect();
        fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
    }

    fn quit(&self) {
        self.keys(&["q"]);
        let start = Instant::now();
        loop {
            let st = std::fs::read_to_string(&self.status).unwrap_or_default();
            if st.trim() == "0" {
                break;
            }
            assert!(
                start.elapsed() < LIMIT,
                "top did not quit with status 0 (status file: {st:?})\n{}",
                self.screen(false)
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The table row of the object named `name`.
fn row<'a>(screen: &'a str, name: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| {
            l.split_whitespace().nth(2) == Some(name) || l.split_whitespace().nth(1) == Some(name)
        })
        .filter(|l| l.starts_with('│'))
}

/// `s` without SGR escape sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn top_shows_changes_waiters_and_quits() {
    if !tmux_available() {
        println!("skipped: tmux is not installed (CI installs it with .ci/install-deps.sh)");
        return;
    }
    let mut env = Env::new("top", Duration::from_secs(60));
    let holder = env.spawn_holder(&["event", "create", "tev", "--manual"]);
    let wq_holder = env.spawn_holder(&["event", "create", "wq"]);
    let waiter = env.spawn_piped(&["wait", "event:wq"]);
    eventually("the waiter", LIMIT, || {
        let o = env.object("event", "wq")?;
        (o["waiters"].as_array().unwrap().len() == 1).then_some(())
    });

    let tmux = Tmux::start(&env, "--interval 100 --highlight-ms 3000");

    // Both events, non-signaled; tev (first by kind and name) is selected.
    // (The handles pane may be drawn a frame after the objects on a loaded machine.)
    let s = tmux.wait_screen("the events", |s| {
        row(s, "tev").is_some_and(|r| r.contains(" - "))
            && row(s, "wq").is_some()
            && s.contains("handles (1)")
    });
    assert!(s.contains("winipc top"), "{s}");
    assert!(row(&s, "tev").unwrap().contains(">event"), "{s}");
    assert!(
        s.contains(&format!("handles (1): pid {holder} winipc 0x4")),
        "{s}"
    );

    // Another process sets the event: the row turns signaled, highlighted, then not.
    env.ok(&["event", "set", "tev"]);
    // Judge the highlight on the very screen that first shows the change.
    let highlighted =
        |line: &str| line.contains("48;5;3") || line.contains("43m") || line.contains(";43");
    // The table row of tev in an escaped capture, if it shows `signaled`.
    let tev_row = |colored: &str| -> Option<String> {
        colored
            .lines()
            .find(|l| {
                let plain = strip_ansi(l);
                row(&plain, "tev").is_some() && plain.split_whitespace().any(|w| w == "signaled")
            })
            .map(str::to_owned)
    };
    let start = Instant::now();
    let line = loop {
        let colored = tmux.screen(true);
        if let Some(l) = tev_row(&colored) {
            break l;
        }
        assert!(
            start.elapsed() < LIMIT,
            "tev never turned signaled:\n{colored}"
        );
        std::thread::sleep(Duration::from_millis(30));
    };
    assert!(
        highlighted(&line),
        "the changed row is highlighted: {line:?}"
    );
    let start = Instant::now();
    loop {
        let line = tev_row(&tmux.screen(true)).expect("tev stays signaled");
        if !highlighted(&line) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(8),
            "the highlight never ended"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // Select wq (arrow down): its waiter and both handles show.
    tmux.keys(&["Down"]);
    let s = tmux.wait_screen("wq selected", |s| s.contains("event wq ("));
    assert!(
        s.contains(&format!(
            "waiters (1): pid {waiter} winipc tid {waiter} (any)"
        )),
        "{s}"
    );
    assert!(s.contains(&format!("pid {wq_holder} winipc 0x4")), "{s}");
    assert!(s.contains(&format!("pid {waiter} winipc 0x4")), "{s}");
    // Releasing the waiter shows up too.
    env.ok(&["event", "set", "wq"]);
    tmux.wait_screen("the waiter released", |s| s.contains("waiters (0): none"));
    let (code, out, _) = env.finish(waiter, LIMIT);
    assert_eq!((code, out.trim()), (0, "signaled event:wq"));

    // Sort and filter.
    tmux.keys(&["s"]);
    tmux.wait_screen("sort by name", |s| s.contains("sort: name"));
    tmux.keys(&["/", "t", "e", "v", "Enter"]);
    let s = tmux.wait_screen("the filter", |s| s.contains("(1 shown)"));
    assert!(row(&s, "tev").is_some() && row(&s, "wq").is_none(), "{s}");
    tmux.keys(&["Escape"]);
    tmux.wait_screen("no filter", |s| s.contains("(2 shown)"));

    // q quits cleanly: the pane's process is gone, with status 0.
    tmux.quit();
}

#[test]
fn top_stays_cheap_with_thousands_of_objects() {
    if !tmux_available() {
        println!("skipped: tmux is not installed (CI installs it with .ci/install-deps.sh)");
        return;
    }
    let mut env = Env::new("top-many", Duration::from_secs(60));
    let mut args: Vec<String> = vec!["hold".into()];
    args.extend((0..2000).map(|i| format!("event:e{i}")));
    args.extend(["--".into(), "sleep".into(), "60".into()]);
    env.spawn(&args.iter().map(String::as_str).collect::<Vec<_>>());
    eventually("2000 events", Duration::from_secs(30), || {
        (env.ls(None).len() == 2000).then_some(())
    });
    let tmux = Tmux::start(&env, "--filter e1500");
    tmux.wait_screen("2000 objects", |s| s.contains("2000 objects (1 shown)"));
    // Idle: nothing changes, so nothing is redrawn; the snapshots alone are cheap.
    let t0 = tmux.cpu_ticks();
    std::thread::sleep(Duration::from_secs(2));
    let idle = tmux.cpu_ticks() - t0;
    println!("top with 2000 objects: {idle} clock ticks of CPU in 2 s idle");
    assert!(idle < 100, "top used {idle} ticks in 2 s while idle");
    env.ok(&["event", "set", "e1500"]);
    tmux.wait_screen("e1500 signaled", |s| {
        row(s, "e1500").is_some_and(|r| r.split_whitespace().any(|w| w == "signaled"))
    });
    tmux.quit();
}
