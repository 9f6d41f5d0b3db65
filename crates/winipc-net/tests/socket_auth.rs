//! The request socket is authenticated both ways (issue 13): the daemon binds only where no
//! other user can create files and refuses squatted or dangling paths, naming them; a client
//! refuses a socket that another user owns or could have put there, before sending anything.
//! The second-user cases (files owned by uid 65534) need root, as CI runs.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use winipc_net::proto::{Query, Reply, Status};

/// An unprivileged uid that owns nothing here.
const OTHER_UID: u32 = 65534;

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("winipc-net-auth-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn fresh_dir(path: &Path) {
    std::fs::create_dir_all(path).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Starts the daemon on loopback with `socket` and returns its stderr if it fails to start
/// (it must); kills it and panics if it starts.
fn daemon_refuses(socket: &Path, port: u16) -> String {
    let mut child = Command::new(common::NETD)
        .args(["--interface", "lo", "--name", "AUTHTEST", "--port"])
        .arg(port.to_string())
        .arg("--socket")
        .arg(socket)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..500 {
        if let Ok(Some(status)) = child.try_wait() {
            assert!(!status.success(), "the daemon exited successfully");
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return err;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the daemon started with socket {}", socket.display());
}

fn port() -> u16 {
    21_000 + (std::process::id() % 10_000) as u16
}

#[test]
fn daemon_refuses_squatted_or_dangling_socket_paths() {
    let _dog = common::watchdog(
        "daemon_refuses_squatted_or_dangling_socket_paths",
        Duration::from_secs(60),
    );
    let dir = scratch("daemon");
    let port = port();
    let check = |socket: &Path, why: &str| {
        let err = daemon_refuses(socket, port);
        eprintln!("{}: {}", socket.display(), err.trim());
        assert!(
            err.contains(&socket.display().to_string()) || err.contains(why),
            "the error does not name the path: {err}"
        );
        assert!(err.contains(why), "expected {why:?} in: {err}");
    };

    // A dangling symlink where the socket goes: refused, not followed, not removed.
    let a = dir.join("a");
    fresh_dir(&a);
    std::os::unix::fs::symlink("/nonexistent/winipc-victim", a.join("netd.sock")).unwrap();
    check(&a.join("netd.sock"), "symbolic link");
    assert!(
        a.join("netd.sock").symlink_metadata().is_ok(),
        "the link was removed"
    );

    // A regular file there.
    let b = dir.join("b");
    fresh_dir(&b);
    std::fs::write(b.join("netd.sock"), b"squat").unwrap();
    check(&b.join("netd.sock"), "not a socket");
    assert_eq!(std::fs::read(b.join("netd.sock")).unwrap(), b"squat");

    // A directory others may write to (anyone could bind the name first).
    let c = dir.join("c");
    fresh_dir(&c);
    std::fs::set_permissions(&c, std::fs::Permissions::from_mode(0o777)).unwrap();
    check(&c.join("netd.sock"), "writable by other users");

    // The directory is a symlink (to a good directory): refused.
    let d = dir.join("d");
    fresh_dir(&d);
    std::os::unix::fs::symlink(&d, dir.join("d-link")).unwrap();
    check(&dir.join("d-link").join("netd.sock"), "symbolic link");

    // The same under /dev/shm (the old location): world-writable, refused.
    check(
        Path::new("/dev/shm/winipc-netd.sock"),
        "writable by other users",
    );

    if is_root() {
        // Another user's directory.
        let e = dir.join("e");
        fresh_dir(&e);
        std::os::unix::fs::chown(&e, Some(OTHER_UID), Some(OTHER_UID)).unwrap();
        check(&e.join("netd.sock"), &format!("owned by uid {OTHER_UID}"));
        // Another user's socket bound first at the path (in a directory of ours).
        let f = dir.join("f");
        fresh_dir(&f);
        let squatter = UnixDatagram::bind(f.join("netd.sock")).unwrap();
        std::os::unix::fs::chown(f.join("netd.sock"), Some(OTHER_UID), None).unwrap();
        check(&f.join("netd.sock"), &format!("owned by uid {OTHER_UID}"));
        drop(squatter);
    } else {
        eprintln!("not root: the other-user cases were not run (CI runs as root)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `winipc-net-probe send` through `socket`: its output line.
fn client_send(socket: &Path, store: &Path) -> String {
    let out = Command::new(common::PROBE)
        .args(["send", r"\\*\mailslot\authx", "secret payload"])
        .env("WINIPC_NETD_SOCKET", socket)
        .env("WINIPC_DIR", store)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// A fake daemon at `socket` that must receive nothing.
fn assert_nothing_received(squatter: &UnixDatagram, what: &str) {
    let mut buf = [0u8; 8192];
    squatter.set_nonblocking(true).unwrap();
    match squatter.recv(&mut buf) {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        other => panic!("{what}: the squatter received a request: {other:?}"),
    }
}

#[test]
fn client_refuses_untrusted_socket() {
    let _dog = common::watchdog("client_refuses_untrusted_socket", Duration::from_secs(60));
    let dir = scratch("client");
    let store = dir.join("store");
    fresh_dir(&store);

    // Control: a socket of ours in a directory of ours is trusted and gets the request —
    // which shows that the refusals below are the checks at work.
    let good = dir.join("good");
    fresh_dir(&good);
    let fake = UnixDatagram::bind(good.join("netd.sock")).unwrap();
    let answer = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        fake.set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let (n, from) = fake.recv_from(&mut buf).unwrap();
        let Ok(Query::Write(request)) = Query::decode(&buf[..n]) else {
            panic!("not a write request");
        };
        let reply = Reply {
            id: request.id,
            status: Status::Ok,
        };
        fake.send_to_addr(&reply.encode(), &from).unwrap();
        request.payload
    });
    assert_eq!(client_send(&good.join("netd.sock"), &store), "ok");
    assert_eq!(answer.join().unwrap(), b"secret payload");

    let refused = |socket: &Path, why: &str| {
        let out = client_send(socket, &store);
        eprintln!("{}: {out}", socket.display());
        assert!(out.starts_with("error "), "{out}");
        assert!(out.contains("refusing"), "{out}");
        assert!(out.contains(why), "expected {why:?} in {out}");
    };

    // A directory others may write to.
    let open = dir.join("open");
    fresh_dir(&open);
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    let squatter = UnixDatagram::bind(open.join("netd.sock")).unwrap();
    refused(&open.join("netd.sock"), "writable by other users");
    assert!(
        client_send(&open.join("netd.sock"), &store).contains(&open.display().to_string()),
        "the error names the directory"
    );
    assert_nothing_received(&squatter, "open directory");

    // A symlink at the path (to a live socket, or dangling).
    let links = dir.join("links");
    fresh_dir(&links);
    std::os::unix::fs::symlink(open.join("netd.sock"), links.join("netd.sock")).unwrap();
    refused(&links.join("netd.sock"), "symbolic link");
    assert_nothing_received(&squatter, "symlink");
    std::os::unix::fs::symlink("/nonexistent/x", links.join("dangling.sock")).unwrap();
    refused(&links.join("dangling.sock"), "symbolic link");

    if is_root() {
        // Another user bound the name first (in a directory otherwise fine).
        let other = dir.join("other");
        fresh_dir(&other);
        let squatter = UnixDatagram::bind(other.join("netd.sock")).unwrap();
        std::os::unix::fs::chown(other.join("netd.sock"), Some(OTHER_UID), None).unwrap();
        refused(
            &other.join("netd.sock"),
            &format!("owned by uid {OTHER_UID}"),
        );
        assert!(
            client_send(&other.join("netd.sock"), &store)
                .contains(&other.join("netd.sock").display().to_string())
        );
        assert_nothing_received(&squatter, "another user's socket");
        // Another user's directory.
        let theirs = dir.join("theirs");
        fresh_dir(&theirs);
        let squatter = UnixDatagram::bind(theirs.join("netd.sock")).unwrap();
        std::os::unix::fs::chown(&theirs, Some(OTHER_UID), None).unwrap();
        refused(
            &theirs.join("netd.sock"),
            &format!("owned by uid {OTHER_UID}"),
        );
        assert_nothing_received(&squatter, "another user's directory");
    } else {
        eprintln!("not root: the other-user cases were not run (CI runs as root)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The daemon takes a request's uid from the kernel (`SO_PASSCRED`), and rate-limits each uid
/// on its own: root spends its bucket, and a second user (uid 65534) still sends. Root only.
#[test]
fn requests_are_limited_per_kernel_reported_uid() {
    if !is_root() {
        eprintln!("SKIPPED: not root (needs a second user; CI runs as root)");
        return;
    }
    let _dog = common::watchdog(
        "requests_are_limited_per_kernel_reported_uid",
        Duration::from_secs(60),
    );
    let dir = scratch("peruid");
    // A store directory both users can use, like /dev/shm.
    let store = dir.join("store");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let socket = dir.join("run").join("netd.sock");
    let cfg = dir.join("netd.toml");
    std::fs::write(
        &cfg,
        "user_send_rate_limit = { per_second = 1, burst = 5 }\n\
         send_rate_limit = { per_second = 100000, burst = 100000 }\n",
    )
    .unwrap();
    let log = dir.join("netd.log");
    let p = port() + 7;
    let daemon = Command::new(common::NETD)
        .args(["--config", cfg.to_str().unwrap(), "--interface", "lo"])
        .args(["--name", "PERUID", "--no-system-resolver", "--port"])
        .arg(p.to_string())
        .env("WINIPC_NETD_SOCKET", &socket)
        .env("WINIPC_DIR", &store)
        .env("RUST_LOG", "winipc_net=debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _daemon = Kill(daemon);
    assert!(common::wait_for_file(&socket, Duration::from_secs(10)));
    let send = |uid: Option<u32>, repeat: &str| {
        let mut c = Command::new(common::PROBE);
        c.args(["send", r"\\*\mailslot\peruid", "x", "--repeat", repeat])
            .env("WINIPC_NETD_SOCKET", &socket)
            .env("WINIPC_DIR", &store)
            .stdin(Stdio::null());
        if let Some(uid) = uid {
            std::os::unix::process::CommandExt::uid(&mut c, uid);
            std::os::unix::process::CommandExt::gid(&mut c, uid);
        }
        let out = c.output().unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
            + &String::from_utf8_lossy(&out.stderr)
    };
    // Root spends its bucket of 5.
    let out = send(None, "20");
    assert!(out.contains("busy"), "root was not limited: {out}");
    // Another user has a bucket of its own.
    let out = send(Some(OTHER_UID), "5");
    assert_eq!(out, "ok", "uid {OTHER_UID} was limited by root's bucket");
    let out = send(Some(OTHER_UID), "5");
    assert!(
        out.contains("busy"),
        "uid {OTHER_UID} was not limited: {out}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains(&format!("uid={OTHER_UID}")), "{text}");
    assert!(text.contains("uid=0"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}
