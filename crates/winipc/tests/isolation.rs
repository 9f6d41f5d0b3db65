//! Kernel-enforced isolation between users: what a second, hostile local user can do to the
//! files winipc creates (issue 13's attack suite). Each attack runs as a real second uid.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Mailslot, MailslotOptions, MailslotWriter, Process, Security, WaitOutcome,
    access, raw,
};

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
        // Issue 13 item 4: handle injection and termination through a process handle.
        "attack-process" => {
            let pid: u32 = args[0].parse().unwrap();
            match Process::open(pid) {
                Ok(p) => {
                    say(format!("wait {:?}", p.wait(Some(Duration::ZERO)).unwrap()));
                    say(format!("terminate {}", outcome(p.terminate(9))));
                }
                Err(e) => say(format!("open {}", code(&e))),
            }
            say(format!(
                "open-dup {}",
                outcome(Process::open_with_access(pid, access::PROCESS_DUP_HANDLE).map(|_| ()))
            ));
            let mine = Event::new(EventReset::Manual, false).unwrap();
            say(format!(
                "inject {}",
                outcome(
                    raw::duplicate_into(mine.handle().as_raw(), pid, false)
                        .map(|_| ())
                        .map_err(Into::into)
                )
            ));
        }
        // Issue 13 items 1 and 3: what another user can do to our names.
        "attack-names" => {
            let (slot, global, public) = (&args[0], &args[1], &args[2]);
            say(format!(
                "send {}",
                outcome(MailslotWriter::open(slot).map(|_| ()))
            ));
            say(format!(
                "create-slot {}",
                outcome(Mailslot::create(slot, 0, 0).map(|_| ()))
            ));
            say(format!(
                "open-global {}",
                outcome(Event::open(global).map(|_| ()))
            ));
            say(format!(
                "create-global {}",
                outcome(Event::create(global, EventReset::Manual, false).map(|_| ()))
            ));
            say(format!(
                "public {}",
                outcome(Event::open(public).and_then(|e| e.set()).map(|_| ()))
            ));
        }
        // Issue 13 item 6: a permitted sender rewrites what it can write of a public slot.
        "forge-ring" => {
            let w = MailslotWriter::open(&args[0]).unwrap();
            w.send(b"legit").unwrap();
            let uid = args[1].parse::<u32>().unwrap();
            let prefix = format!("winipc-ms.{uid}.");
            let mut forged = 0;
            for e in std::fs::read_dir(winipc::store_dir()).unwrap().flatten() {
                if !e.file_name().to_string_lossy().starts_with(&prefix) {
                    continue;
                }
                // Other tests' private rings are there too: only public ones open.
                let Ok(m) =
                    winipc_sys::shm::open_existing(&e.path(), winipc_sys::shm::OwnerCheck::Any)
                else {
                    continue;
                };
                let mem = winipc_ring::RingMemory::new(
                    &m.u32s()[..winipc_ring::HEADER_WORDS],
                    &m.u64s()[winipc_ring::HEADER_WORDS / 2..],
                );
                let ring = winipc_ring::Ring::attach(mem, NoFutex).unwrap();
                ring.set_read_timeout(winipc::MAILSLOT_WAIT_FOREVER);
                forged += 1;
            }
            say(format!("forged {forged}"));
        }
        "private-only" => {
            let local = Event::create(&uniq("l"), EventReset::Manual, false).unwrap();
            let global =
                Event::create(&format!("Global\\{}", uniq("g")), EventReset::Auto, false).unwrap();
            let name = format!(r"\\.\mailslot\{}", uniq("m"));
            let slot = Mailslot::create(&name, 0, 0).unwrap();
            MailslotWriter::open(&name).unwrap().send(b"x").unwrap();
            assert_eq!(slot.recv_vec().unwrap(), b"x");
            global.set().unwrap();
            assert_eq!(
                winipc::wait_any(&[local.handle(), global.handle()], Some(Duration::ZERO)).unwrap(),
                WaitOutcome::Signaled(1)
            );
            // An object opened to everyone lives in our public store, whatever another user
            // made of the names of the shared directory.
            let public = Event::make(
                Some(&format!("Global\\{}", uniq("p"))),
                EventReset::Manual,
                false,
                &Security::everyone(),
            )
            .unwrap();
            public.set().unwrap();
            global.set().unwrap();
            assert_eq!(
                winipc::wait_all(&[public.handle(), global.handle()], Some(Duration::ZERO))
                    .unwrap(),
                WaitOutcome::Signaled(0)
            );
            let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
            for line in maps.lines().filter(|l| l.contains("winipc")) {
                let path = line.split_whitespace().last().unwrap();
                let path = path.trim_end_matches(" (deleted)");
                if let Ok(m) = std::fs::metadata(path) {
                    assert_eq!(m.mode() & 0o022, 0, "{path} is writable by others");
                    assert_eq!(m.uid(), winipc_sys::proc::geteuid(), "{path}");
                }
            }
            say("clean");
        }
        // Every file of the store directory this user can write, overwritten and truncated.
        "scribble" => {
            let mut hit = Vec::new();
            let mut dirs = vec![winipc::store_dir().to_path_buf()];
            while let Some(d) = dirs.pop() {
                let Ok(rd) = std::fs::read_dir(&d) else {
                    continue;
                };
                for e in rd.flatten() {
                    let path = e.path();
                    let Ok(ft) = e.file_type() else { continue };
                    if ft.is_dir() {
                        dirs.push(path);
                        continue;
                    }
                    let Ok(f) = std::fs::OpenOptions::new().write(true).open(&path) else {
                        continue;
                    };
                    let len = f.metadata().map(|m| m.len()).unwrap_or(0).min(64 << 20);
                    use std::os::unix::fs::FileExt;
                    let junk = vec![0xA5u8; 1 << 16];
                    let mut at = 0;
                    while at < len {
                        let _ = f.write_all_at(&junk, at);
                        at += junk.len() as u64;
                    }
                    let _ = f.set_len(len / 2);
                    hit.push(path.file_name().unwrap().to_string_lossy().into_owned());
                }
            }
            say(format!("scribbled {}", hit.join(" ")));
        }
        "scribbled-victim" => {
            let slot_name = format!(r"\\.\mailslot\{}", uniq("scribbled"));
            let slot = Mailslot::create(&slot_name, 0, 0).unwrap();
            let writer = MailslotWriter::open(&slot_name).unwrap();
            let global = Event::create(
                &format!("Global\\{}", uniq("scribbled")),
                EventReset::Auto,
                false,
            )
            .unwrap();
            let local = winipc::Semaphore::new(0, 10).unwrap();
            writer.send(b"before").unwrap();
            // A public object: its store must be out of the attacker's reach too.
            let _public = Event::make(
                Some(&format!("Global\\{}", uniq("public"))),
                EventReset::Manual,
                false,
                &Security::everyone(),
            )
            .unwrap();
            say("ready");
            let mut line = String::new();
            std::io::stdin().read_line(&mut line).unwrap();
            writer.send(b"after").unwrap();
            assert_eq!(slot.recv_vec().unwrap(), b"before");
            assert_eq!(slot.recv_vec().unwrap(), b"after");
            assert_eq!(code(&slot.recv(&mut [0u8; 8]).unwrap_err()), 121);
            global.set().unwrap();
            local.release(1).unwrap();
            assert_eq!(
                winipc::wait_all(&[global.handle(), local.handle()], Some(Duration::ZERO)).unwrap(),
                WaitOutcome::Signaled(0)
            );
            say("unharmed");
        }
        // Another user's public object, opened by name (its store is mapped from the holder's
        // descriptor) and inherited by a child of ours, which sets it through the same value.
        "inherit-foreign" => {
            let e = Event::open(&args[0]).unwrap();
            e.handle().set_inheritable(true).unwrap();
            let raw = e.handle().as_raw();
            // Handle values carry the store number: another user's store is 2 or more.
            say(format!(
                "foreign store {}",
                raw > 4 * 2 * winipc::store_layout::HANDLES_PER_PROC
            ));
            let value = raw.to_string();
            let child = child_cmd("use-inherited", &[&value]);
            let p = winipc::Process::spawn(child, true).unwrap();
            p.wait(Some(Duration::from_secs(20))).unwrap();
            say(format!("child {}", p.exit_code().unwrap()));
        }
        "use-inherited" => {
            let h = winipc::Handle::from_raw(args[0].parse().unwrap()).unwrap();
            let e = Event::from_handle(h).unwrap();
            e.set().unwrap();
            std::process::exit(7);
        }
        "own-public-mutex" => {
            let m = winipc::Mutex::make(Some(&args[0]), true, &Security::everyone()).unwrap();
            say("owned");
            std::thread::sleep(Duration::from_secs(60));
            drop(m);
        }
        // Issue 13 item 3: a name held by a process killed with SIGKILL is free at once.
        "hold-and-wait" => {
            let _e = Event::create(&args[0], EventReset::Manual, false).unwrap();
            let _s = Mailslot::create(&args[1], 0, 0).unwrap();
            say("holding");
            std::thread::sleep(Duration::from_secs(60));
        }
        other => panic!("unknown role {other}"),
    }
}

fn outcome(r: std::io::Result<()>) -> String {
    match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => code(&e).to_string(),
    }
}

#[derive(Debug, Clone, Copy)]
struct NoFutex;

impl winipc_ring::Futex for NoFutex {
    fn wait(&self, _: &winipc_ring::AtomicU32, _: u32, _: Option<Instant>) {}
    fn wake(&self, _: &winipc_ring::AtomicU32, _: u32) {}
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
    // A store directory of this test's own (the squat must not disturb the other tests).
    let dir = winipc::store_dir().join(uniq("squatted"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // The attacker (root here; any other user alike) pre-creates the victim's directory,
    // open to everyone.
    let squat = dir.join(format!("winipc-{victim}.private"));
    std::fs::create_dir(&squat).unwrap();
    std::fs::set_permissions(&squat, std::fs::Permissions::from_mode(0o777)).unwrap();
    let out = child_cmd_as(victim, "create-local", &[&uniq("victim")])
        .env("WINIPC_DIR", &dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("@@").map(|at| l[at + 2..].trim_end().to_owned()))
        .collect();
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

/// Issue 13 item 4: another user may open our process to wait for it, but not to duplicate
/// handles into it (the 16,384-handle injection that filled a victim's table) or terminate it:
/// ERROR_ACCESS_DENIED, as Windows' default process security says.
#[test]
fn another_user_can_wait_for_our_process_but_not_inject_handles_or_terminate_it() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let attacker = second_user();
    open_store_dir_to_others();
    let me = std::process::id().to_string();
    let (lines, stderr) = run_as(attacker, "attack-process", &[&me]);
    assert_eq!(
        lines,
        ["wait TimedOut", "terminate 5", "open-dup 5", "inject 5"],
        "stderr: {stderr}"
    );
}

/// Decision 0014: an object we opened to everyone lives in our public store, which another
/// user maps from the descriptor our process passes with the name — and passes on to its own
/// children with the handles they inherit, under the same handle value.
#[test]
fn another_users_child_inherits_a_handle_into_our_public_store() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let other = second_user();
    open_store_dir_to_others();
    let public = format!("Global\\{}", uniq("inherited"));
    let e = Event::make(
        Some(&public),
        EventReset::Manual,
        false,
        &Security::everyone(),
    )
    .unwrap();
    let (lines, stderr) = run_as(other, "inherit-foreign", &[&public]);
    assert_eq!(lines, ["foreign store true", "child 7"], "stderr: {stderr}");
    assert!(e.is_signaled().unwrap(), "the grandchild set our event");
}

/// Issue 13 items 1 and 3: another user can neither send to nor take over our private
/// mailslot, nor open or re-create our default-security Global object; an object we opened to
/// everyone is theirs to use.
#[test]
fn another_user_can_neither_reach_nor_take_over_our_names() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let attacker = second_user();
    open_store_dir_to_others();
    let slot_name = format!(r"\\.\mailslot\{}", uniq("private"));
    let global = format!("Global\\{}", uniq("private"));
    let public = format!("Global\\{}", uniq("public"));
    let slot = Mailslot::create(&slot_name, 0, 0).unwrap();
    let _g = Event::create(&global, EventReset::Manual, false).unwrap();
    let p = Event::make(
        Some(&public),
        EventReset::Manual,
        false,
        &Security::everyone(),
    )
    .unwrap();
    let (lines, stderr) = run_as(attacker, "attack-names", &[&slot_name, &global, &public]);
    assert_eq!(
        lines,
        [
            "send 5",
            "create-slot 183",
            "open-global 5",
            "create-global 5",
            "public ok"
        ],
        "stderr: {stderr}"
    );
    assert!(
        p.is_signaled().unwrap(),
        "the other user set our public event"
    );
    // Our slot still works, and nothing arrived from the attacker.
    assert_eq!(slot.info().unwrap().message_count, 0);
    MailslotWriter::open(&slot_name)
        .unwrap()
        .send(b"ours")
        .unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"ours");
}

/// Issue 13 item 6: a sender of a public slot may write its ring (that is how it sends), but
/// the receiver's settings are not there: a read timeout forged to "forever" is not obeyed.
#[test]
fn a_sender_of_another_user_cannot_change_a_slots_read_timeout() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let attacker = second_user();
    open_store_dir_to_others();
    let name = format!(r"\\.\mailslot\{}", uniq("public"));
    let slot = Mailslot::create_with(
        &name,
        MailslotOptions {
            read_timeout: 300,
            security: Security::everyone(),
            ..Default::default()
        },
    )
    .unwrap();
    let me = winipc_sys::proc::geteuid().to_string();
    let (lines, stderr) = run_as(attacker, "forge-ring", &[&name, &me]);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("forged ") && l != "forged 0"),
        "{lines:?} {stderr}"
    );
    assert_eq!(slot.recv_vec().unwrap(), b"legit");
    let started = Instant::now();
    let err = slot.recv(&mut [0u8; 16]).unwrap_err();
    assert_eq!(code(&err), 121, "ERROR_SEM_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// Issue 13 item 3: names another user held die with that user's processes — killed with
/// SIGKILL, without anyone reaping anything — and are free for us at once.
#[test]
fn names_held_by_another_users_killed_process_are_free_at_once() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let attacker = second_user();
    open_store_dir_to_others();
    let ev = format!("Global\\{}", uniq("held"));
    let slot = format!(r"\\.\mailslot\{}", uniq("held"));
    let mut kid = Kid::from_child(
        child_cmd_as(attacker, "hold-and-wait", &[&ev, &slot])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    assert_eq!(kid.line(), "holding");
    assert_eq!(
        code(&Event::open(&ev).unwrap_err()),
        5,
        "theirs while it lives"
    );
    assert_eq!(code(&Mailslot::create(&slot, 0, 0).unwrap_err()), 183);
    kid.kill();
    let mine = Event::create(&ev, EventReset::Manual, false).unwrap();
    assert!(!mine.already_existed());
    Mailslot::create(&slot, 0, 0).unwrap();
}

/// Issue 13 items 2 and 3: a process that uses only its own objects — Local, default Global,
/// private mailslots — maps no file another user can write (so no liveness token, robust-list
/// link or address of ours sits where another user can reach it), and a shared store
/// pre-created by another user does not disturb it.
#[test]
fn private_objects_map_nothing_another_user_can_write() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let attacker = second_user();
    let dir = winipc::store_dir().join(uniq("own-dir"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    // The attacker pre-creates, private to itself, every name a store shared between users
    // could have in the directory: the shared store of earlier versions, and a public store
    // named after us. (Ours is in our private directory, where it cannot create anything.)
    let v = winipc::store_layout::VERSION;
    let me = winipc_sys::proc::geteuid();
    for name in [
        format!("winipc-global.v{v}.store"),
        format!("winipc-public-{me}.v{v}.store"),
    ] {
        let squat = dir.join(name);
        std::fs::write(&squat, b"mine").unwrap();
        std::os::unix::fs::chown(&squat, Some(attacker), None).unwrap();
        std::fs::set_permissions(&squat, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let out = child_cmd("private-only", &[])
        .env("WINIPC_DIR", &dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("@@clean"),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Issue 13 items 1, 2, 3 and 6 at once: another user overwrites (and then truncates) every
/// file of the store directory it can write. Our private objects — a mailslot, a default
/// `Global\\` object, `Local` objects — keep working and nothing of the attacker's reaches us:
/// there is no shared index, ring or token of ours it can write. (The victim runs in a child
/// with a store directory of its own, so that the damage stays out of the other tests.)
#[test]
fn another_user_scribbling_over_everything_it_can_write_does_not_reach_our_objects() {
    use std::io::Write;
    init();
    let _w = watchdog(Duration::from_secs(60));
    let attacker = second_user();
    let dir = winipc::store_dir().join(uniq("scribbled"));
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let mut victim = child_cmd("scribbled-victim", &[])
        .env("WINIPC_DIR", &dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut go = victim.stdin.take().unwrap();
    let mut victim = Kid::from_child(victim);
    assert_eq!(victim.line(), "ready");
    let out = child_cmd_as(attacker, "scribble", &[])
        .env("WINIPC_DIR", &dir)
        .stdout(std::process::Stdio::piped())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("@@scribbled"), "{said}");
    // None of our stores is within its reach: they are in our private directory.
    assert!(
        !said.contains("winipc-public-") && !said.contains("winipc-local-"),
        "{said}"
    );
    writeln!(go, "go").unwrap();
    assert_eq!(victim.line(), "unharmed");
    assert_eq!(victim.finish(), 0);
}

/// Issue 13 item 2: the store of objects open to everyone holds no liveness token (a robust
/// mutex, whose list links the kernel and glibc follow) of any thread — and a public mutex
/// whose owner is killed is still abandoned, noticed through `/proc` instead.
#[test]
fn public_stores_hold_no_tokens_and_public_mutexes_are_still_abandoned() {
    use winipc::store_layout as L;
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = format!("Global\\{}", uniq("public-mx"));
    let mut owner = spawn("own-public-mutex", &[&name]);
    assert_eq!(owner.line(), "owned");
    let m = winipc::Mutex::open(&name).unwrap();
    let path = L::public_store_path().unwrap();
    let map = winipc_sys::shm::open_read_only(&path).unwrap();
    let w = map.u32s();
    let mut live = 0;
    for t in 0..L::MAX_THREADS {
        let slot = (L::THREADS + t * L::THREAD_WORDS) as usize;
        if w[slot + L::th::STATE as usize].load(std::sync::atomic::Ordering::Relaxed)
            != L::SLOT_LIVE
        {
            continue;
        }
        live += 1;
        let token = slot + L::THREAD_TOKEN as usize;
        assert!(
            w[token..token + 16]
                .iter()
                .all(|x| x.load(std::sync::atomic::Ordering::Relaxed) == 0),
            "thread slot {t} of the shared store holds a token"
        );
    }
    assert!(live >= 2, "both processes use the shared store");
    owner.kill();
    let started = Instant::now();
    assert_eq!(
        m.wait(Some(Duration::from_secs(10))).unwrap(),
        WaitOutcome::Abandoned(0)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
