//! `winipc wait`: every exit status (0 signaled, 3 abandoned, 2 timeout, 1 error).

mod common;

use std::time::Duration;

use common::{Env, eventually};

const LIMIT: Duration = Duration::from_secs(10);

fn waiters(env: &Env, kind: &str, name: &str) -> usize {
    env.object(kind, name)
        .map_or(0, |o| o["waiters"].as_array().unwrap().len())
}

#[test]
fn signaled_by_another_process_exits_0() {
    let mut env = Env::new("wait-signaled", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "go"]);
    let w = env.spawn_piped(&["wait", "--timeout", "20000", "event:go"]);
    eventually("the waiter", LIMIT, || {
        (waiters(&env, "event", "go") == 1).then_some(())
    });
    env.ok(&["event", "set", "go"]);
    let (code, out, _) = env.finish(w, LIMIT);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), "signaled event:go");
    // Auto-reset: the released wait reset it.
    assert_eq!(env.object("event", "go").unwrap()["signaled"], false);
}

#[test]
fn wait_any_reports_the_object_that_fired_in_json() {
    let mut env = Env::new("wait-any", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "a", "--manual"]);
    env.spawn_holder(&["sem", "create", "s", "--max", "3"]);
    let w = env.spawn_piped(&["wait", "--json", "event:a", "sem:s"]);
    eventually("the waiter", LIMIT, || {
        (waiters(&env, "semaphore", "s") == 1).then_some(())
    });
    assert_eq!(env.ok(&["sem", "release", "s", "--count", "2"]).trim(), "0");
    let (code, out, _) = env.finish(w, LIMIT);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["result"], "signaled");
    assert_eq!(v["index"], 1);
    assert_eq!(v["object"], "sem:s");
    // The wait took one count and kept it.
    assert_eq!(env.object("semaphore", "s").unwrap()["details"]["count"], 1);
}

#[test]
fn wait_all_and_pid() {
    let mut env = Env::new("wait-all", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "x", "--manual", "--initial"]);
    env.spawn_holder(&["mutex", "create", "m"]);
    let out = env.ok(&["wait", "--all", "--timeout", "5000", "event:x", "mutex:m"]);
    assert_eq!(out.trim(), "signaled event:x mutex:m");
    // The mutex was released again, not left owned (nor abandoned) by the exited waiter.
    let m = env.object("mutex", "m").unwrap();
    assert_eq!(m["signaled"], true, "{m}");
    assert_eq!(m["details"]["abandoned"], false);

    let mut child = std::process::Command::new("sh")
        .args(["-c", "sleep 0.2; exit 5"])
        .spawn()
        .unwrap();
    let out = env.ok(&["wait", "--timeout", "10000", &format!("pid:{}", child.id())]);
    assert_eq!(
        out.trim(),
        format!("signaled pid:{} exit code 5", child.id())
    );
    assert_eq!(child.wait().unwrap().code(), Some(5));
}

#[test]
fn abandoned_mutex_exits_3() {
    let mut env = Env::new("wait-abandoned", Duration::from_secs(60));
    let owner = env.spawn(&["hold", "--acquire", "mutex:m", "--", "sleep", "60"]);
    eventually("the owner", LIMIT, || {
        let m = env.object("mutex", "m")?;
        (m["details"]["owner"]["pid"] == owner).then_some(())
    });
    let w = env.spawn_piped(&["wait", "--timeout", "20000", "mutex:m"]);
    eventually("the waiter", LIMIT, || {
        (waiters(&env, "mutex", "m") == 1).then_some(())
    });
    env.kill(owner);
    let (code, out, _) = env.finish(w, LIMIT);
    assert_eq!(code, 3, "{out}");
    assert_eq!(out.trim(), "abandoned mutex:m");
}

#[test]
fn timeout_exits_2() {
    let mut env = Env::new("wait-timeout", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "never", "--manual"]);
    let o = env.run(&["wait", "--timeout", "50", "event:never"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "timeout");
    let o = env.run(&["wait", "--json", "--timeout", "0", "event:never"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains(r#""result":"timeout""#));
}

#[test]
fn errors_exit_1() {
    let mut env = Env::new("wait-errors", Duration::from_secs(60));
    env.spawn_holder(&["event", "create", "e"]);
    for (args, needle) in [
        (&["wait", "bogus"][..], "no KIND: prefix"),
        (&["wait", "file:x"][..], "unknown kind"),
        (&["wait", "pid:abc"][..], "not a pid"),
        (&["wait", "event:missing"][..], "Win32 error 2"),
        (&["wait", "mutex:e"][..], "Win32 error 6"), // an event, not a mutex
        (&["wait"][..], "required"),
        (&["wait", "--timeout", "x", "event:e"][..], "invalid value"),
    ] {
        let o = env.run(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn slot_is_created_by_the_waiter_and_prints_the_message() {
    let mut env = Env::new("wait-slot", Duration::from_secs(60));
    let w = env.spawn_piped(&["wait", "--timeout", "20000", "slot:inbox"]);
    eventually("the slot", LIMIT, || {
        env.object("mailslot", r"\\.\mailslot\inbox")
    });
    env.ok(&["send", r"\\.\mailslot\inbox", "ping"]);
    let (code, out, _) = env.finish(w, LIMIT);
    assert_eq!(code, 0);
    assert_eq!(
        out.trim(),
        r#"signaled slot:\\.\mailslot\inbox message "ping""#
    );
    // A slot with a receiver already: only the receiver may wait.
    env.spawn(&["hold", "slot:taken", "--", "sleep", "60"]);
    eventually("the held slot", LIMIT, || {
        env.object("mailslot", r"\\.\mailslot\taken")
    });
    let o = env.run(&["wait", "--timeout", "0", "slot:taken"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already has a receiver"));
    // No message: timeout.
    assert_eq!(
        env.run(&["wait", "--timeout", "30", "slot:empty"])
            .status
            .code(),
        Some(2)
    );
}
