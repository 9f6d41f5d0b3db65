//! Kernel-enforced isolation between users: what a second, hostile local user can do to the
//! files winipc creates (issue 13's attack suite). Each attack runs as a real second uid.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use common::*;
use winipc::{Event, EventReset};

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    match role.as_str() {
        "create-local" => match Event::create(&args[0], EventReset::Manual, false) {
            Ok(_) => say("ok"),
            Err(e) => say(format!("{} {e}", code(&e))),
        },
        other => panic!("unknown role {other}"),
    }
}

/// A user's `Local` store lives in a directory only that user can create files in. If
/// another user made that directory first, the victim refuses it — with an error naming it —
/// instead of trusting it.
#[test]
fn a_private_directory_made_by_another_user_is_refused_by_name() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let victim = second_user();
    open_store_dir_to_others();
    // The attacker (root here; any other user alike) pre-creates the victim's directory,
    // open to everyone.
    let squat = winipc::store_dir().join(format!("winipc-{victim}.private"));
    std::fs::create_dir(&squat).unwrap();
    std::fs::set_permissions(&squat, std::fs::Permissions::from_mode(0o777)).unwrap();
    let (lines, stderr) = run_as(victim, "create-local", &[&uniq("victim")]);
    assert_eq!(lines.len(), 1, "stderr: {stderr}");
    assert!(
        lines[0].starts_with("5 ") && lines[0].contains(&squat.display().to_string()),
        "ERROR_ACCESS_DENIED naming {}: {lines:?}",
        squat.display()
    );
    assert!(
        std::fs::read_dir(&squat).unwrap().next().is_none(),
        "nothing was created in the squatted directory"
    );
}

/// Without an explicit store directory, `Local` objects live under `$XDG_RUNTIME_DIR` (the
/// user's own 0700 directory), not in `/dev/shm` where anyone can create a name first.
#[test]
fn local_objects_live_in_the_users_runtime_directory() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let runtime = winipc::store_dir().join(format!("xdg-{}", uniq("rt")));
    std::fs::create_dir(&runtime).unwrap();
    std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
    let out = child_cmd("create-local", &[&uniq("in-runtime-dir")])
        .env_remove("WINIPC_DIR")
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("@@ok"));
    let private = runtime.join("winipc");
    let mode = std::fs::metadata(&private).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let stores: Vec<_> = std::fs::read_dir(&private)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        stores.iter().any(|n| n.starts_with("winipc-local-")),
        "{stores:?}"
    );
}
