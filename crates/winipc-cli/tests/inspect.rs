//! `winipc ls` and `winipc handles` against objects of other processes, alive and dead.

mod common;

use std::time::Duration;

use common::{Env, eventually};

const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn ls_shows_every_kind_with_its_details() {
    let mut env = Env::new("ls-kinds", Duration::from_secs(60));
    let ev = env.spawn_holder(&["event", "create", "ev", "--manual", "--initial"]);
    let _auto = env.spawn_holder(&["event", "create", "auto"]);
    let mx = env.spawn_holder(&["mutex", "create", "mx", "--owned"]);
    let _sem = env.spawn_holder(&["sem", "create", "sem", "--max", "5", "--initial", "2"]);
    let _tm = env.spawn_holder(&["timer", "create", "tm", "--manual"]);
    env.ok(&["timer", "set", "tm", "--due", "60000", "--period", "250"]);
    // `hold` is the slot's receiver and never reads: messages stay queued.
    env.spawn(&["hold", "slot:box", "--", "sleep", "60"]);
    eventually("the mailslot", LIMIT, || {
        env.object("mailslot", r"\\.\mailslot\box")
    });
    env.ok(&["send", r"\\.\mailslot\box", "hello", "world!"]);
    // A waiter on the auto-reset event.
    let waiter = env.spawn(&["wait", "event:auto"]);

    let auto = eventually("the waiter", LIMIT, || {
        env.object("event", "auto")
            .filter(|o| o["waiters"].as_array().unwrap().len() == 1)
    });
    assert_eq!(auto["signaled"], false);
    assert_eq!(auto["details"]["manual"], false);
    assert_eq!(auto["waiters"][0]["pid"], waiter);
    assert_eq!(auto["waiters"][0]["all"], false);
    assert_eq!(auto["usage"], 3, "two handles and one pending wait: {auto}");

    let o = env.object("event", "ev").unwrap();
    assert_eq!(o["signaled"], true);
    assert_eq!(o["details"]["manual"], true);
    assert_eq!(o["usage"], 1);

    let o = env.object("mutex", "mx").unwrap();
    assert_eq!(o["signaled"], false);
    assert_eq!(o["details"]["owner"]["pid"], mx);
    assert_eq!(o["details"]["recursion"], 1);
    assert_eq!(o["details"]["abandoned"], false);

    let o = env.object("semaphore", "sem").unwrap();
    assert_eq!(o["signaled"], true);
    assert_eq!(o["details"]["count"], 2);
    assert_eq!(o["details"]["max"], 5);

    let o = env.object("timer", "tm").unwrap();
    assert_eq!(o["signaled"], false);
    assert_eq!(o["details"]["period_ms"], 250);
    let due = o["details"]["due_in_ms"].as_f64().unwrap();
    assert!(due > 50_000.0 && due <= 60_000.0, "{o}");

    let o = eventually("two queued messages", LIMIT, || {
        env.object("mailslot", r"\\.\mailslot\box")
            .filter(|o| o["details"]["messages"] == 2)
    });
    assert_eq!(o["details"]["bytes"], 11);
    assert_eq!(o["details"]["senders"], 0);
    assert_eq!(o["signaled"], true);

    // The text table: one line per object, with details and the waiter.
    let text = env.ok(&["ls"]);
    let line = |name: &str| {
        text.lines()
            // (root's listing starts with a USER column)
            .find(|l| l.split_whitespace().take(3).any(|f| f == name))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .to_owned()
    };
    assert!(line("ev").contains("signaled") && line("ev").contains("manual-reset"));
    assert!(line("auto").contains(&format!("{waiter}/")) && line("auto").contains("any"));
    // The owner with its process name.
    assert!(
        line("mx").contains(&format!("owner winipc {mx}/")),
        "{text}"
    );
    assert!(line("sem").contains("count 2/5"));
    assert!(line("tm").contains("period 250 ms"));
    let _ = ev;

    // FILTER: kind or name substring, case-insensitive.
    let names = |f: &str| -> Vec<String> {
        env.ls(Some(f))
            .iter()
            .map(|o| o["name"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    assert_eq!(names("SEMAPHORE"), ["sem"]);
    assert_eq!(names("mX"), ["mx"]);
    assert!(names("event").contains(&"auto".to_owned()));
}

#[test]
fn dead_processes_do_not_count() {
    let mut env = Env::new("ls-dead", Duration::from_secs(60));
    let a = env.spawn_holder(&["event", "create", "shared", "--manual"]);
    // B holds `shared` too, and `solo` alone, then dies by SIGKILL.
    let b = env.spawn(&["hold", "event:shared", "event:solo", "--", "sleep", "60"]);
    eventually("B's handles", LIMIT, || {
        env.object("event", "solo")?;
        (env.object("event", "shared")?["usage"] == 2).then_some(())
    });
    let procs = env.handles();
    let pb = procs.iter().find(|p| p["pid"] == b).expect("B's table");
    assert_eq!(pb["alive"], true);
    let names: Vec<_> = pb["handles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["shared", "solo"]);
    assert_eq!(pb["handles"][0]["hex"], "0x4");
    assert_eq!(pb["handles"][1]["hex"], "0x8");
    let text = env.ok(&["handles", &b.to_string()]);
    assert!(
        text.contains(&format!("pid {b} winipc (alive")) && text.contains("), 2 handles"),
        "{text}"
    );
    assert!(
        text.contains("0x4") && text.contains("0x001f0003 ALL"),
        "{text}"
    );

    env.kill(b);
    // `solo` was only B's: not listed; `shared` counts only A's handle.
    assert!(env.object("event", "solo").is_none(), "{:?}", env.ls(None));
    assert_eq!(env.object("event", "shared").unwrap()["usage"], 1);
    // B is gone or shown dead, never alive.
    if let Some(pb) = env.handles().iter().find(|p| p["pid"] == b) {
        assert_eq!(pb["alive"], false, "{pb}");
        let text = env.ok(&["handles", &b.to_string()]);
        assert!(text.contains("dead"), "{text}");
    }
    let pa = env.handles().into_iter().find(|p| p["pid"] == a).unwrap();
    assert_eq!(pa["alive"], true);
    assert_eq!(pa["handles"][0]["name"], "shared");

    // When A dies too, nothing is left.
    env.kill(a);
    assert!(env.object("event", "shared").is_none());
    let text = env.ok(&["ls"]);
    assert_eq!(text.lines().count(), 1, "only the header: {text}");
}

#[test]
fn handles_of_an_unknown_pid_is_an_error() {
    let env = Env::new("handles-unknown", Duration::from_secs(30));
    let o = env.run(&["handles", "999999999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no winipc handle table"));
}
