//! Object commands, `hold`, `run`, help, completions and the man page.

mod common;

use std::time::Duration;

use common::Env;

const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn event_set_reset_pulse() {
    let mut env = Env::new("cmd-event", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "e", "--manual"]);
    let state = |env: &Env| env.object("event", "e").unwrap()["signaled"].clone();
    assert_eq!(state(&env), false);
    env.ok(&["event", "set", "e"]);
    assert_eq!(state(&env), true);
    env.ok(&["event", "reset", "e"]);
    assert_eq!(state(&env), false);
    env.ok(&["event", "set", "e"]);
    env.ok(&["event", "pulse", "e"]);
    assert_eq!(state(&env), false);
    let o = env.run(&["event", "set", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 2"));
}

#[test]
fn create_holds_until_signal_or_hold_ms() {
    let mut env = Env::new("cmd-create", Duration::from_secs(60));
    let pid = env.spawn_holder(&["event", "create", "held"]);
    assert!(env.object("event", "held").is_some());
    // SIGTERM: closes its handle and exits 0.
    std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {pid}")])
        .status()
        .unwrap();
    let mut c = env.take(pid);
    assert_eq!(common::wait_exit(&mut c, LIMIT), 0);
    assert!(env.object("event", "held").is_none());
    // --hold-ms: gone after it.
    let o = env.run(&["sem", "create", "brief", "--max", "2", "--hold-ms", "10"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("semaphore brief created (count 0/2)"));
    assert!(env.object("semaphore", "brief").is_none());
    // Opening an existing object says so.
    env.spawn_holder(&["timer", "create", "t"]);
    let o = env.ok(&["timer", "create", "t", "--hold-ms", "0"]);
    assert!(o.contains("already existed"), "{o}");
}

#[test]
fn mutex_release_from_a_new_process_is_not_owner() {
    let mut env = Env::new("cmd-mutex", Duration::from_secs(60));
    env.spawn_holder(&["mutex", "create", "m", "--owned"]);
    let o = env.run(&["mutex", "release", "m"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 288"));
}

#[test]
fn sem_and_timer_commands() {
    let mut env = Env::new("cmd-sem-timer", Duration::from_secs(60));
    env.spawn_holder(&["sem", "create", "s", "--max", "2", "--initial", "1"]);
    assert_eq!(env.ok(&["sem", "release", "s"]).trim(), "1");
    let o = env.run(&["sem", "release", "s"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Win32 error 298"));

    env.spawn_holder(&["timer", "create", "t", "--manual"]);
    env.ok(&["timer", "set", "t", "--due", "50"]);
    let out = env.ok(&["wait", "--timeout", "5000", "timer:t"]);
    assert_eq!(out.trim(), "signaled timer:t");
    env.ok(&["timer", "set", "t", "--due", "60000"]);
    env.ok(&["timer", "cancel", "t"]);
    let t = env.object("timer", "t").unwrap();
    assert!(t["details"]["due_in_ms"].is_null(), "{t}");
}

#[test]
fn hold_keeps_objects_while_the_command_runs() {
    let env = Env::new("cmd-hold", Duration::from_secs(60));
    let script = format!("'{}' ls --json; exit 7", common::BIN.replace('\'', r"'\''"));
    let o = env.run(&[
        "hold",
        "event:a",
        "sem:b",
        "--acquire",
        "mutex:c",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!(o.status.code(), Some(7));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let find = |kind: &str, name: &str| {
        v.as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == kind && o["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} {name} in {v}"))
    };
    assert_eq!(find("event", "a")["details"]["manual"], true);
    assert_eq!(find("semaphore", "b")["details"]["count"], 1);
    assert!(find("mutex", "c")["details"]["owner"].is_object());
    // Closed afterwards.
    assert!(env.ls(None).is_empty());
    // --acquire takes only mutexes and semaphores.
    let o = env.run(&["hold", "--acquire", "event:x", "--", "true"]);
    assert_eq!(o.status.code(), Some(1));
    // A command killed by a signal: 128 + N.
    let o = env.run(&["hold", "event:a", "--", "sh", "-c", "kill -9 $$"]);
    assert_eq!(o.status.code(), Some(137));
}

#[test]
fn run_prints_the_full_exit_code() {
    let env = Env::new("cmd-run", Duration::from_secs(60));
    let o = env.run(&["run", "--", common::BIN, "__exit", "300"]);
    assert_eq!(o.status.code(), Some(300 & 0xff));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("exited with code 300 (0x0000012c)"), "{err}");

    let o = env.run(&["run", "--json", "--", common::BIN, "__exit", "3221225477"]);
    assert_eq!(o.status.code(), Some(0x05));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["exit_code"], 0xC000_0005u32);

    let o = env.run(&["run", "--", "sh", "-c", "exit 42"]);
    assert_eq!(o.status.code(), Some(42));
    assert!(String::from_utf8_lossy(&o.stderr).contains("code 42"));

    let o = env.run(&["run", "--", "/nonexistent/program"]);
    assert_eq!(o.status.code(), Some(1));

    // --inherit --with: the child finds the handle at the value in $WINIPC_HANDLES.
    let script = format!(
        "echo \"$WINIPC_HANDLES\"; '{}' handles --json $$",
        common::BIN.replace('\'', r"'\''")
    );
    let o = env.run(&[
        "run",
        "--inherit",
        "--with",
        "event:inh",
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    let (first, rest) = out.split_once('\n').unwrap();
    assert_eq!(first, "event:inh=0x4");
    let v: serde_json::Value = serde_json::from_str(rest).unwrap();
    assert_eq!(v[0]["handles"][0]["hex"], "0x4");
    assert_eq!(v[0]["handles"][0]["name"], "inh");
    assert_eq!(v[0]["handles"][0]["inherit"], true);
}

#[test]
fn help_completions_and_man() {
    let env = Env::new("cmd-help", Duration::from_secs(60));
    let help = env.ok(&["--help"]);
    for s in ["EXIT STATUS", "EXAMPLES", "ENVIRONMENT", "WINIPC_DIR"] {
        assert!(help.contains(s), "{s}");
    }
    for cmd in ["ls", "handles", "top", "hold", "wait", "run"] {
        let h = env.ok(&[cmd, "--help"]);
        assert!(h.contains("EXIT STATUS"), "{cmd}");
    }
    let h = env.ok(&["mutex", "release", "--help"]);
    assert!(h.contains("ERROR_NOT_OWNER") && h.contains("hold --acquire"));
    for shell in ["bash", "zsh", "fish"] {
        let s = env.ok(&["completions", shell]);
        assert!(s.contains("winipc") && s.contains("handles"), "{shell}");
    }
    let man = env.ok(&["man"]);
    assert!(man.starts_with(".ie") || man.contains(".TH winipc"));
    assert!(man.contains("EXIT STATUS"));
    assert!(env.ok(&["man", "wait"]).contains("winipc\\-wait"));
    // Usage errors exit 1 (2 means a timeout).
    assert_eq!(env.run(&["no-such-command"]).status.code(), Some(1));
    // The existing commands are still there.
    for cmd in ["demo", "recv", "send", "info"] {
        assert!(env.run(&[cmd, "--help"]).status.success(), "{cmd}");
    }
}

#[test]
fn the_committed_man_page_is_current() {
    let env = Env::new("cmd-man", Duration::from_secs(60));
    let page = env.ok(&["man"]);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/winipc.1");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        page == committed,
        "docs/winipc.1 is out of date: regenerate it with \
         `cargo run -q -p winipc-cli -- man > docs/winipc.1`"
    );
}
