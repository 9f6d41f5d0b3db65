//! The daemon on 127.0.0.1 with high ports (no root needed), driven by the real `winipc`
//! library client: remote writers, their errors, raw datagrams, the request protocol from both
//! sides, and a clean stop on SIGTERM.

mod common;

use std::net::UdpSocket;
use std::os::unix::net::UnixDatagram;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use winipc::{Error, Mailslot, MailslotWriter};
use winipc_net::proto::{Query, Reply, Request, Status, StatusReply, Target, Value};

fn code(e: &std::io::Error) -> u32 {
    Error::win32_code_of(e)
}

/// Kills and reaps a child process when dropped (a panicking test included).
struct KillOnDrop(Option<std::process::Child>);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(mut c) = self.0.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Tells a re-executed test binary which role to play.
const ROLE: &str = "WINIPC_NET_TEST_ROLE";

/// The child side of the inheritance check: writes through the handle value it was given.
#[test]
fn child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    if role != "write-inherited" {
        return;
    }
    let h: winipc::RawHandle = std::env::var("WINIPC_NET_TEST_HANDLE")
        .unwrap()
        .parse()
        .unwrap();
    if let Err(e) = winipc::raw::mailslot_write(h, b"from a child") {
        eprintln!("child: {e}");
        std::process::exit(1);
    }
}

/// Runs [`loopback_body`] in a child process of its own, whose environment names the daemon's
/// socket (`WINIPC_NETD_SOCKET`: the library reads it, and a test must not change its own
/// environment while other test threads run).
#[test]
fn loopback_end_to_end() {
    if std::env::var_os(ROLE).is_some() {
        return;
    }
    let _dog = common::watchdog("loopback_end_to_end", Duration::from_secs(90));
    let dir = std::env::temp_dir().join(format!("winipc-net-loopback-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "loopback_body",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, "loopback")
        .env("WINIPC_DIR", &dir)
        .env("WINIPC_NETD_SOCKET", dir.join("run").join("netd.sock"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("loopback body done"),
        "the body did not run: {text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn loopback_body() {
    if std::env::var(ROLE).as_deref() != Ok("loopback") {
        return;
    }
    let _dog = common::watchdog("loopback_body", Duration::from_secs(80));
    let dir = std::path::PathBuf::from(std::env::var_os("WINIPC_DIR").unwrap());
    winipc::set_store_dir(&dir).unwrap();
    let sock = dir.join("run").join("netd.sock");
    assert_eq!(winipc::netd_socket::path(), sock);
    let port = 20_000 + (std::process::id() % 20_000) as u16 * 2 % 20_000;
    let (port_s, nbns_s) = (port.to_string(), (port + 1).to_string());

    // Without the daemon, a remote name fails with ERROR_BAD_NETPATH.
    let e = MailslotWriter::open(r"\\*\mailslot\lb").unwrap_err();
    assert_eq!(code(&e), 53);
    assert!(e.to_string().contains("not running"), "{e}");

    let slot = Mailslot::create(r"\\.\mailslot\lb", 0, 2000).unwrap();
    let daemon = Command::new(common::NETD)
        .args([
            "--interface",
            "lo",
            "--name",
            "LOOPHOST",
            "--port",
            &port_s,
            "--nbns",
            "--nbns-port",
            &nbns_s,
            "--no-system-resolver",
        ])
        .env("WINIPC_DIR", &dir)
        .env("RUST_LOG", "winipc_net=debug")
        .stdin(Stdio::null())
        // Not the test's stdout: a daemon left behind by a failed run must not hold the
        // test runner's pipe open.
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("netd.log")).unwrap())
        .spawn()
        .unwrap();
    // A failing assertion below must not leave the daemon running.
    let mut daemon = KillOnDrop(Some(daemon));
    assert!(
        common::wait_for_file(&sock, Duration::from_secs(10)),
        "daemon did not start"
    );
    let log = || std::fs::read_to_string(dir.join("netd.log")).unwrap_or_default();

    // Group and unique writes through the library: on loopback, group datagrams go to
    // 127.0.0.1 itself, so they come back to this host's slot.
    for name in [
        r"\\*\mailslot\lb",
        r"\\WORKGROUP\mailslot\LB",
        r"\\loophost\MAILSLOT\lb",
    ] {
        let w = MailslotWriter::open(name).unwrap();
        w.send(name.as_bytes()).unwrap();
        assert_eq!(
            slot.recv_vec().unwrap(),
            name.as_bytes(),
            "{name}\n{}",
            log()
        );
    }
    let w = MailslotWriter::open(r"\\*\mailslot\lb").unwrap();
    assert!(w.handle().as_raw() != 0);
    w.send(&[0x5a; 428]).unwrap(); // the limit for a 1-4 character slot name
    assert_eq!(slot.recv_vec().unwrap().len(), 428);
    let e = w.send(&[0x5a; 429]).unwrap_err();
    assert_eq!(code(&e), 53, "{e}");
    let e = w.send(&[0; 5000]).unwrap_err();
    assert_eq!(code(&e), 53, "{e}");

    // Raw-handle writes (the C ABI's WriteFile), duplicates made in this process, and writers
    // rebuilt from a handle reach the daemon too.
    let raw = MailslotWriter::open(r"\\*\mailslot\lb")
        .unwrap()
        .into_handle();
    winipc::raw::mailslot_write(raw.as_raw(), b"raw handle").unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"raw handle");
    let dup = winipc::raw::duplicate(raw.as_raw(), false).unwrap();
    drop(raw);
    winipc::raw::mailslot_write(dup, b"duplicate").unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"duplicate");
    let again = MailslotWriter::from_handle(winipc::Handle::from_raw(dup).unwrap()).unwrap();
    again.send(b"from_handle").unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"from_handle");
    drop(again);
    // Once its last handle is closed, the value is no writer.
    let e = winipc::raw::mailslot_write(dup, b"closed").unwrap_err();
    assert_eq!(e.win32_code(), 6, "{e}");

    // A handle inherited by a child process writes there too: the child rebuilds the writer
    // from the name of the event that stands for it.
    let inheritable = MailslotWriter::open_inheritable(r"\\*\mailslot\lb").unwrap();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(ROLE, "write-inherited")
        .env(
            "WINIPC_NET_TEST_HANDLE",
            inheritable.handle().as_raw().to_string(),
        )
        .env("WINIPC_DIR", &dir)
        .stdout(Stdio::null());
    let child = winipc::Process::spawn(cmd, true).unwrap();
    assert!(
        child
            .wait(Some(Duration::from_secs(20)))
            .unwrap()
            .is_signaled()
    );
    assert_eq!(child.exit_code().unwrap(), 0, "the child could not write");
    assert_eq!(slot.recv_vec().unwrap(), b"from a child");
    drop(inheritable);

    // An unknown host: no name query answer, no system resolver: ERROR_BAD_NETPATH.
    let start = Instant::now();
    let e = MailslotWriter::open(r"\\NOSUCHHOST\mailslot\lb")
        .unwrap()
        .send(b"x")
        .unwrap_err();
    assert_eq!(code(&e), 53, "{e}");
    assert!(start.elapsed() < Duration::from_secs(5));

    // A raw datagram from the "network".
    let udp = UdpSocket::bind("127.0.0.1:0").unwrap();
    let d = common::datagram("LOOPHOST", "LB", b"raw", "127.0.0.1".parse().unwrap());
    udp.send_to(&d, ("127.0.0.1", port)).unwrap();
    assert_eq!(slot.recv_vec().unwrap(), b"raw");

    // The request protocol spoken directly: a good request, a malformed one, a newer version.
    let client = UnixDatagram::bind(dir.join("client.sock")).unwrap();
    assert_eq!(
        winipc::netd_socket::verify(&sock).unwrap(),
        sock.canonicalize().unwrap()
    );
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    client.connect(&sock).unwrap();
    let request = Request {
        id: 77,
        target: Target::AllInDomain,
        path: "lb".into(),
        payload: b"proto".to_vec(),
    };
    client.send(&request.encode().unwrap()).unwrap();
    let mut buf = [0u8; 64];
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(
        Reply::decode(&buf[..n]).unwrap(),
        Reply {
            id: 77,
            status: Status::Ok
        }
    );
    assert_eq!(slot.recv_vec().unwrap(), b"proto");
    let mut bad = request.encode().unwrap();
    bad.truncate(bad.len() - 1);
    client.send(&bad).unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(Reply::decode(&buf[..n]).unwrap().status, Status::BadRequest);
    let mut newer = request.encode().unwrap();
    newer[4] = 2;
    client.send(&newer).unwrap();
    let n = client.recv(&mut buf).unwrap();
    assert_eq!(
        Reply::decode(&buf[..n]).unwrap(),
        Reply {
            id: 77,
            status: Status::UnsupportedVersion
        }
    );

    // The status query: settings and counters, over the same socket.
    client
        .send(&Query::Status { id: 99 }.encode().unwrap())
        .unwrap();
    let mut big = [0u8; 65536];
    let n = client.recv(&mut big).unwrap();
    let status = StatusReply::decode(&big[..n]).unwrap();
    assert_eq!(status.id, 99);
    assert_eq!(
        status.get("name"),
        Some(&Value::Text("LOOPHOST<00>".into()))
    );
    assert!(
        matches!(status.get("delivered"), Some(Value::Number(n)) if *n >= 8),
        "{status:?}"
    );
    assert!(
        matches!(status.get("requests"), Some(Value::Number(n)) if *n >= 8),
        "{status:?}"
    );
    // Requests are logged with the sender's uid as the kernel reports it.
    let me = nix::unistd::geteuid().as_raw();
    assert!(log().contains(&format!("uid={me}")), "{}", log());

    // A second daemon on the same addresses refuses to start.
    let second = Command::new(common::NETD)
        .args(["--interface", "lo", "--name", "OTHER", "--port", &port_s])
        .args([
            "--socket",
            dir.join("run2").join("second.sock").to_str().unwrap(),
        ])
        .env("WINIPC_DIR", &dir)
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("in use"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );

    // SIGTERM: a clean exit that removes the socket; then writes fail as "not running".
    let mut daemon = daemon.0.take().expect("the daemon");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(daemon.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let status = daemon.wait().unwrap();
    assert!(status.success(), "{status}: {}", log());
    assert!(!sock.exists());
    assert!(log().contains("winipc-netd stopping"));
    let e = w.send(b"late").unwrap_err();
    assert_eq!(code(&e), 53, "{e}");
    assert!(e.to_string().contains("not running"), "{e}");
    println!("loopback body done");
}
