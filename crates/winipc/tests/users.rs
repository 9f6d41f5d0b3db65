//! Other users: a second Unix user can neither open nor signal our `Local\` objects (they live
//! in a store only we can map; `Session\<uid>\name` addresses it and is refused with
//! ERROR_ACCESS_DENIED), nor open our default `Global\` objects, but can open `Global\` objects
//! created with permissive security attributes.

mod common;

use std::os::unix::process::CommandExt;
use std::time::Duration;

use common::*;
use winipc::{Event, EventReset, Security};

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    assert_eq!(role, "open-as-other");
    for name in &args {
        say(match Event::open(name) {
            Ok(e) => match e.set() {
                Ok(_) => "set".to_owned(),
                Err(err) => code(&err).to_string(),
            },
            Err(err) => code(&err).to_string(),
        });
    }
}

#[test]
fn another_user_is_refused_unless_security_attributes_open_the_object() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let uid = second_user();
    let me = winipc_sys::proc::geteuid();
    let local = uniq("mine");
    let private_global = uniq("private");
    let public_global = uniq("public");
    let _a = Event::create(&local, EventReset::Manual, false).unwrap();
    let _b = Event::create(
        &format!("Global\\{private_global}"),
        EventReset::Manual,
        false,
    )
    .unwrap();
    let c = Event::make(
        Some(&format!("Global\\{public_global}")),
        EventReset::Manual,
        false,
        &Security::everyone(),
    )
    .unwrap();
    // The other user must be able to enter the store directory (as with /dev/shm).
    std::process::Command::new("chmod")
        .arg("1777")
        .arg(winipc::store_dir())
        .status()
        .unwrap();
    let names = [
        format!("Session\\{me}\\{local}"),
        format!("Global\\{private_global}"),
        format!("Global\\{public_global}"),
        local.clone(),
    ];
    let args: Vec<&str> = names.iter().map(String::as_str).collect();
    let out = child_cmd("open-as-other", &args)
        .uid(uid)
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("@@").map(|at| l[at + 2..].trim().to_owned()))
        .collect();
    assert_eq!(
        lines,
        ["5", "5", "set", "2"],
        "our Local object: access denied; private Global: denied; public Global: opened and set; \
         the bare name is the other user's own Local namespace: not found. stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        c.is_signaled().unwrap(),
        "the other user did signal the public object"
    );
}
