//! Operating winipc (issue 15): process names in listings, root seeing every user's objects,
//! text output that escapes only control characters, errors that name their object, `gc`,
//! and resource limits (`ulimit -f`, a full tmpfs) reported as errors, never as signals.

mod common;

use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::Command;
use std::time::Duration;

use common::{BIN, Env};

const LIMIT: Duration = Duration::from_secs(10);

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn listings_show_process_names() {
    let mut env = Env::new("op-names", Duration::from_secs(60));
    let holder = env.spawn_holder(&["event", "create", "named", "--manual"]);
    let waiter = env.spawn(&["wait", "event:named"]);
    let ls = common::eventually("the waiter in ls", LIMIT, || {
        let out = env.ok(&["ls"]);
        out.contains(&format!("winipc {waiter}/")).then_some(out)
    });
    assert!(ls.contains(" any"), "{ls}");
    let handles = env.ok(&["handles"]);
    assert!(
        handles.contains(&format!("pid {holder} winipc (alive")),
        "{handles}"
    );
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["handles", "--json"])).unwrap();
    let entry = json
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["pid"] == holder)
        .expect("holder listed");
    assert_eq!(entry["process_name"], "winipc");
    let obj = env.object("event", "named").unwrap();
    assert_eq!(obj["waiters"][0]["process_name"], "winipc", "{obj}");
}

#[test]
fn text_output_escapes_only_control_characters() {
    let mut env = Env::new("op-text", Duration::from_secs(60));
    let slot = r"\\.\mailslot\op-text";
    let recv = env.spawn_piped(&["recv", slot, "--count", "1"]);
    common::eventually("the slot", LIMIT, || {
        env.object("mailslot", slot).map(|_| ())
    });
    env.ok(&["send", slot, "héllo wörld ✓ C:\\temp\tend\u{1b}[31m"]);
    let (code, out, _) = env.finish(recv, LIMIT);
    assert_eq!(code, 0);
    assert_eq!(out.trim_end(), "héllo wörld ✓ C:\\temp\\tend\\u{1b}[31m");
}

#[test]
fn errors_name_the_object_or_path() {
    let env = Env::new("op-errors", Duration::from_secs(60));
    for (args, needle) in [
        (
            &["event", "set", "op-missing-ev"][..],
            "event op-missing-ev",
        ),
        (
            &["mutex", "release", "op-missing-mx"][..],
            "mutex op-missing-mx",
        ),
        (
            &["sem", "release", "op-missing-sem"][..],
            "semaphore op-missing-sem",
        ),
        (
            &["timer", "cancel", "op-missing-tm"][..],
            "timer op-missing-tm",
        ),
        (
            &["info", r"\\.\mailslot\op-missing"][..],
            r"\\.\mailslot\op-missing",
        ),
        (
            &["send", r"\\.\mailslot\op-missing", "x"][..],
            r"\\.\mailslot\op-missing",
        ),
        (
            &["wait", "--timeout", "0", "event:op-missing-w"][..],
            "event:op-missing-w",
        ),
        (
            &["hold", "pid:4000000000", "--", "true"][..],
            "pid:4000000000",
        ),
        (
            &["run", "--with", "pid:4000000001", "--", "true"][..],
            "pid:4000000001",
        ),
        (
            &["run", "--", "/nonexistent/op-program"][..],
            "/nonexistent/op-program",
        ),
    ] {
        let o = env.run(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        let e = stderr(&o);
        assert!(e.contains(needle), "{args:?}: {e}");
        assert!(e.contains("Win32 error"), "{args:?}: {e}");
    }
    // A store directory that cannot be used is named.
    let o = Command::new(BIN)
        .args(["ls"])
        .env("WINIPC_DIR", "/nonexistent/winipc-op-dir")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("/nonexistent/winipc-op-dir"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn gc_removes_files_of_dead_objects_and_keeps_live_ones() {
    let mut env = Env::new("op-gc", Duration::from_secs(60));
    let rings = |env: &Env| -> Vec<String> {
        std::fs::read_dir(&env.dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ring"))
            .collect()
    };
    // A live receiver holds a slot and its ring.
    env.spawn(&["hold", "slot:op-gc-live", "--", "sleep", "60"]);
    common::eventually("the ring", LIMIT, || (rings(&env).len() == 1).then_some(()));
    // A ring file whose slot no longer exists (its receiver died before removing it).
    let uid = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap());
    let orphan = env
        .dir
        .join(format!("winipc-ms.{uid}.00000000deadbeef.ring"));
    std::fs::write(&orphan, vec![0u8; 4096]).unwrap();
    // A file mapping's memory whose mapping was never made (its process died in between).
    let orphan_map = env.dir.join(format!("winipc-map.{uid}.00000000feedface"));
    std::fs::write(&orphan_map, vec![0u8; 4096]).unwrap();
    let dry = env.ok(&["gc", "--dry-run"]);
    assert!(
        dry.contains(&format!("would remove {}", orphan.display())),
        "{dry}"
    );
    assert!(orphan.exists(), "--dry-run removed a file");
    let out = env.ok(&["gc"]);
    assert!(
        out.contains(&format!(
            "removed {} (mailslot ring that no mailslot refers to)",
            orphan.display()
        )),
        "{out}"
    );
    assert!(!orphan.exists());
    assert!(
        out.contains(&format!(
            "removed {} (file mapping's memory that no mapping refers to)",
            orphan_map.display()
        )),
        "{out}"
    );
    assert!(!orphan_map.exists());
    // The live slot's ring and the stores of live processes are kept.
    assert!(
        !out.contains("store in which no registered process"),
        "{out}"
    );
    assert_eq!(
        env.ls(Some("op-gc-live")).len(),
        1,
        "the live mailslot disappeared"
    );
    assert!(!rings(&env).is_empty());
    let again = env.ok(&["gc"]);
    assert!(!again.contains("removed"), "{again}");
}

#[test]
fn gc_removes_stores_nobody_uses() {
    let env = Env::new("op-gc-stores", Duration::from_secs(60));
    env.ok(&["event", "create", "brief", "--hold-ms", "0"]);
    // The Local store lives in the user's private directory.
    let private = env.dir.join(format!(
        "winipc-{}.private",
        std::os::unix::fs::MetadataExt::uid(&std::fs::metadata("/proc/self").unwrap())
    ));
    let stores: Vec<_> = std::fs::read_dir(&env.dir)
        .unwrap()
        .chain(std::fs::read_dir(&private).unwrap())
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".store"))
        .collect();
    assert!(!stores.is_empty());
    let out = env.ok(&["gc"]);
    // The Global store is mode 0666: only root may judge it (others' processes are unseen).
    let local = stores
        .iter()
        .find(|e| e.file_name().to_string_lossy().starts_with("winipc-local-"))
        .unwrap()
        .path();
    assert!(
        out.contains(&format!(
            "removed {} (store in which no registered process is alive)",
            local.display()
        )),
        "{out}"
    );
    assert!(!local.exists());
    let json: serde_json::Value = serde_json::from_str(&env.ok(&["gc", "--json"])).unwrap();
    assert!(json["removed"].is_array(), "{json}");
}

#[test]
fn root_lists_every_users_objects_marked_by_user() {
    if !is_root() {
        eprintln!("SKIPPED: needs root to run a process as another user (CI runs as root)");
        return;
    }
    let mut env = Env::new("op-users", Duration::from_secs(60));
    // A directory every user may create files in, like /dev/shm.
    let mut perms = std::fs::metadata(&env.dir).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o1777);
    std::fs::set_permissions(&env.dir, perms).unwrap();
    // A copy of the binary that the other user can surely execute (the build tree may be in
    // a directory closed to others).
    let bin = env.dir.join("winipc-for-nobody");
    std::fs::copy(BIN, &bin).unwrap();
    let mut other = Command::new(&bin);
    other
        .args(["event", "create", "op-nobody-ev", "--hold-ms", "30000"])
        .env("WINIPC_DIR", &env.dir)
        .stdout(std::process::Stdio::null())
        .uid(65534)
        .gid(65534);
    let mut child = other.spawn().unwrap();
    env.spawn_holder(&["event", "create", "op-root-ev"]);
    let out = common::eventually("nobody's event in root's ls", LIMIT, || {
        let out = env.ok(&["ls"]);
        out.contains("op-nobody-ev").then_some(out)
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(out.starts_with("USER "), "{out}");
    let line = |name: &str| {
        out.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} missing:\n{out}"))
            .to_owned()
    };
    assert!(line("op-root-ev").starts_with("root "), "{out}");
    let nobody = line("op-nobody-ev");
    assert!(
        nobody.starts_with("nobody ") || nobody.starts_with("65534 "),
        "{out}"
    );
}

#[test]
fn file_size_limit_gives_an_error_not_sigxfsz() {
    let env = Env::new("op-ulimit", Duration::from_secs(60));
    // ulimit -f 64: 64 blocks, far below a store's size. The store is created on first use.
    let o = Command::new("sh")
        .args([
            "-c",
            "ulimit -f 64 && exec \"$0\" event create op-limited --hold-ms 0",
            BIN,
        ])
        .env("WINIPC_DIR", &env.dir)
        .output()
        .unwrap();
    assert_eq!(
        o.status.signal(),
        None,
        "killed by a signal: {:?}",
        o.status
    );
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("file size limit") && e.contains("ulimit -f"),
        "{e}"
    );
    assert!(e.contains("event op-limited"), "{e}");
}

#[test]
fn full_tmpfs_gives_an_error_not_sigbus() {
    if !is_root() {
        eprintln!("SKIPPED: needs root to mount a small tmpfs (CI runs as root)");
        return;
    }
    let env = Env::new("op-full", Duration::from_secs(60));
    let mnt = env.dir.join("small");
    std::fs::create_dir_all(&mnt).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=512k", "tmpfs"])
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(mounted.success(), "mount -t tmpfs failed");
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _u = Unmount(mnt.clone());
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .env("WINIPC_DIR", &mnt)
            .output()
            .unwrap()
    };
    // Stores are sparse and fit; a mailslot's 1 MiB ring is reserved up front and does not.
    let o = run(&["event", "create", "fits", "--hold-ms", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["recv", r"\\.\mailslot\op-full", "--timeout", "100"]);
    assert_eq!(o.status.signal(), None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(r"\\.\mailslot\op-full"),
        "{}",
        stderr(&o)
    );

    // A tmpfs with no page left: an existing store cannot grow — an error, not SIGBUS — and
    // works again once space is freed.
    let fill_up = || {
        let fill = std::fs::File::create(mnt.join("fill")).unwrap();
        let mut w = std::io::BufWriter::new(fill);
        let page = [0u8; 4096];
        while std::io::Write::write_all(&mut w, &page).is_ok() {}
    };
    fill_up();
    let o = run(&["event", "create", "grows", "--hold-ms", "0"]);
    assert_eq!(o.status.signal(), None);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.contains("file system is full") || e.contains("No space left on device"),
        "{e}"
    );
    std::fs::remove_file(mnt.join("fill")).unwrap();
    let o = run(&["event", "create", "grows", "--hold-ms", "0"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // A tmpfs with no page left: a new store is refused, and not published half-written.
    for e in std::fs::read_dir(&mnt).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            std::fs::remove_dir_all(e.path()).unwrap(); // the user's private directory
        } else {
            std::fs::remove_file(e.path()).unwrap();
        }
    }
    fill_up();
    let o = run(&["event", "create", "nospace", "--hold-ms", "0"]);
    assert_eq!(o.status.signal(), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    std::fs::remove_file(mnt.join("fill")).unwrap();
    let o = run(&["event", "create", "nospace", "--hold-ms", "0"]);
    assert!(
        o.status.success(),
        "a broken store was left behind: {}",
        stderr(&o)
    );
}
