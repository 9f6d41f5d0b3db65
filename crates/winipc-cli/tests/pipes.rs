//! `winipc pipe serve` and `winipc pipe connect`.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{Env, wait_exit};

const LIMIT: Duration = Duration::from_secs(10);

/// A `winipc` child with piped stdio, killed if the test fails.
struct Running(Option<Child>, Option<std::sync::mpsc::Receiver<String>>);

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(c) = self.0.as_mut() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Running {
    fn child(&mut self) -> &mut Child {
        self.0.as_mut().unwrap()
    }

    /// The next line of a server's stderr.
    fn err_line(&mut self) -> String {
        self.1
            .as_ref()
            .unwrap()
            .recv_timeout(LIMIT)
            .unwrap_or_default()
    }

    /// Waits for its exit: (code, stdout, stderr).
    fn finish(mut self) -> (i32, String, String) {
        let mut c = self.0.take().unwrap();
        drop(c.stdin.take());
        let code = wait_exit(&mut c, LIMIT);
        let mut out = String::new();
        let mut err = String::new();
        c.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        if let Some(mut e) = c.stderr.take() {
            e.read_to_string(&mut err).unwrap();
        }
        (code, out, err)
    }
}

/// Starts `winipc pipe SUB ARGS` with piped stdio.
fn pipe_cmd(env: &Env, sub: &str, args: &[&str]) -> Child {
    let mut all = vec!["pipe", sub];
    all.extend(args);
    env.cmd(&all)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Starts `winipc pipe serve ARGS` and waits until it serves (its first stderr line).
fn serve(env: &Env, args: &[&str]) -> Running {
    let mut c = pipe_cmd(env, "serve", args);
    let mut line = String::new();
    let mut err = BufReader::new(c.stderr.take().unwrap());
    err.read_line(&mut line).unwrap();
    assert!(line.contains("serving"), "serve printed {line:?}");
    // Keep draining stderr so that the child never blocks on it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for l in err.lines() {
            let _ = tx.send(l.unwrap_or_default());
        }
    });
    Running(Some(c), Some(rx))
}

fn connect(env: &Env, args: &[&str], input: &[u8]) -> Running {
    let mut c = pipe_cmd(env, "connect", args);
    c.stdin.as_mut().unwrap().write_all(input).unwrap();
    Running(Some(c), None)
}

#[test]
fn bytes_flow_from_stdin_of_one_to_stdout_of_the_other() {
    let env = Env::new("pipe-bytes", Duration::from_secs(30));
    let name = r"\\.\pipe\cli-bytes";
    let server = serve(&env, &[name]);
    let (code, _, err) = connect(&env, &[name], b"hello\nworld\n").finish();
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = server.finish();
    assert_eq!((code, out.as_str()), (0, "hello\nworld\n"));
}

#[test]
fn message_mode_keeps_lines_as_messages_both_ways() {
    let env = Env::new("pipe-msgs", Duration::from_secs(30));
    let name = r"\\.\pipe\cli-msgs";
    let mut server = serve(&env, &["--message", "--close-on-eof", name]);
    server
        .child()
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"first\n\nthird\n")
        .unwrap();
    drop(server.child().stdin.take());
    let client = connect(&env, &["--message", "--stay", name], b"");
    let (code, out, err) = client.finish();
    assert_eq!((code, out.as_str()), (0, "first\n\nthird\n"), "{err}");
    assert_eq!(server.finish().0, 0);
}

#[test]
fn errors_busy_and_timeouts() {
    let env = Env::new("pipe-errors", Duration::from_secs(30));
    let o = env.run(&["pipe", "connect", r"\\.\pipe\cli-none"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 2"));
    let o = env.run(&["pipe", "serve", r"\\.\nopipe\x"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 123"));
    let name = r"\\.\pipe\cli-busy";
    let mut server = serve(&env, &["--instances", "1", name]);
    let o = env.run(&["pipe", "serve", "--first", name]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 5"));
    let o = env.run(&["pipe", "serve", name]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Win32 error 231"),
        "over the instance limit"
    );
    let holder = connect(&env, &["--stay", name], b"");
    assert!(server.err_line().contains("client connected"));
    let o = env.run(&["pipe", "connect", name]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 231"));
    let o = env.run(&["pipe", "connect", "--timeout", "100", name]);
    assert_eq!(o.status.code(), Some(2), "no free instance in time");
    let o = env.run(&["pipe", "connect", "--message", r"\\.\pipe\cli-none"]);
    assert_eq!(o.status.code(), Some(1));
    drop(holder);
    let (code, _, _) = server.finish();
    assert_eq!(code, 0, "the server ends when its client goes");
}

#[test]
fn message_read_mode_needs_a_message_pipe() {
    let env = Env::new("pipe-mode", Duration::from_secs(30));
    let name = r"\\.\pipe\cli-mode";
    let _server = serve(&env, &[name]);
    let (code, _, err) = connect(&env, &["--message", name], b"").finish();
    assert_eq!(code, 1);
    assert!(err.contains("Win32 error 87"), "{err}");
}

#[test]
fn ls_and_handles_show_a_pipe_and_its_instances_until_the_last_server_dies() {
    let mut env = Env::new("pipe-ls", Duration::from_secs(30));
    let name = r"\\.\pipe\cli-ls-Listed";
    let shown = r"\\.\pipe\cli-ls-listed"; // pipe names are case-insensitive: shown lower-cased
    let a = env.spawn(&["pipe", "serve", "--message", "--instances", "3", name]);
    let b = env.spawn(&["pipe", "serve", "--message", "--instances", "3", name]);
    let o = common::eventually("two instances", LIMIT, || {
        env.object("pipe", shown).filter(|o| o["usage"] == 2)
    });
    assert_eq!(o["signaled"], false);
    assert_eq!(o["details"]["type"], "message");
    assert_eq!(o["details"]["access"], "duplex");
    assert_eq!(o["details"]["instances"], 2);
    assert_eq!(o["details"]["max_instances"], 3);
    assert_eq!(o["details"]["default_timeout_ms"], 50);
    let text = env.ok(&["ls", "pipe"]);
    assert!(
        text.contains(shown) && text.contains("message duplex, 2 instances (max 3)"),
        "{text}"
    );
    // Each server's handle table holds its instance.
    for pid in [a, b] {
        let t = env.handles().into_iter().find(|p| p["pid"] == pid);
        let t = t.unwrap_or_else(|| panic!("no table for {pid}"));
        let kinds: Vec<_> = t["handles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["kind"].as_str().unwrap(),
                    h["name"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert!(kinds.contains(&("pipe", shown)), "{kinds:?}");
    }
    // A killed server's instance goes with it; the pipe goes with the last.
    env.kill(a);
    common::eventually("one instance", LIMIT, || {
        env.object("pipe", shown).filter(|o| o["usage"] == 1)
    });
    env.kill(b);
    common::eventually("no pipe", LIMIT, || {
        env.object("pipe", shown).is_none().then_some(())
    });
}
