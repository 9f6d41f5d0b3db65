//! Named pipes across processes (issue 17): byte and message modes, ERROR_MORE_DATA,
//! instances and busy pipes, WaitNamedPipe, disconnect and reconnect, SIGKILL of either end,
//! a second user, and bad input.

mod common;

use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::time::Duration;

use common::*;
use winipc::code::*;
use winipc::pipe::{
    self, ClientAccess, Connected, PipeAccess, PipeClient, PipeOptions, PipeType, ReadMode,
};

fn pipe_name(tag: &str) -> String {
    init();
    format!(r"\\.\pipe\{}", uniq(tag))
}

fn message_pipe() -> PipeOptions {
    let mut o = PipeOptions::new();
    o.pipe_type(PipeType::Message).read_mode(ReadMode::Message);
    o
}

fn err_code<T: std::fmt::Debug>(r: std::io::Result<T>) -> u32 {
    code(&r.expect_err("an error"))
}

fn outcome<T>(r: std::io::Result<T>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => code(&e).to_string(),
    }
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    let name = &args[0];
    match role.as_str() {
        "client-bytes" => {
            let c = PipeClient::open(name).unwrap();
            say(format!("server {}", c.server_pid().unwrap()));
            (&c).write_all(b"hello from ").unwrap();
            (&c).write_all(b"the child").unwrap();
            let mut got = Vec::new();
            (&c).read_to_end(&mut got).unwrap(); // until the server closes
            say(format!("got {}", String::from_utf8_lossy(&got)));
        }
        "client-messages" => {
            let c = PipeClient::open(name).unwrap();
            c.set_handle_state(Some(ReadMode::Message), None).unwrap();
            for m in [&b"one"[..], b"", b"a longer third message"] {
                assert_eq!(c.send(m).unwrap(), m.len());
            }
            let mut b = [0u8; 64];
            let d = c.recv(&mut b).unwrap();
            say(format!("reply {}", String::from_utf8_lossy(&b[..d.len])));
        }
        "open" => say(outcome(PipeClient::open(name))),
        "open-send" => match PipeClient::open(name) {
            Ok(c) => {
                c.send(args[1].as_bytes()).unwrap();
                let mut b = [0u8; 64];
                let d = c.recv(&mut b).unwrap();
                say(format!("reply {}", String::from_utf8_lossy(&b[..d.len])));
            }
            Err(e) => say(code(&e)),
        },
        "wait-open" => {
            say("waiting");
            let r = pipe::wait_named_pipe(name, Some(Duration::from_secs(10)));
            say(format!("waited {}", outcome(r)));
            let c = PipeClient::open(name).unwrap();
            c.send(b"after the wait").unwrap();
            say("sent");
        }
        "client-hold" => {
            let c = PipeClient::open(name).unwrap();
            c.send(b"last words").unwrap();
            say("ready");
            std::thread::sleep(Duration::from_secs(60));
        }
        "client-disconnected" => {
            let c = PipeClient::open(name).unwrap();
            say("connected");
            let mut b = [0u8; 8];
            say(format!("read {}", outcome(c.recv(&mut b))));
            say(format!("write {}", outcome(c.send(b"x"))));
        }
        "server-hold" => {
            let s = message_pipe().create(name).unwrap();
            say("ready");
            s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
            s.send(b"from the server").unwrap();
            say("connected");
            std::thread::sleep(Duration::from_secs(60));
        }
        "server-join" => match message_pipe().create(name) {
            Ok(s) => {
                say("created");
                // Now or Already: the client may come first. Bounded, so that a failed parent
                // leaves no child behind.
                s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
                let mut b = [0u8; 64];
                let d = s.recv(&mut b).unwrap();
                say(format!("got {}", String::from_utf8_lossy(&b[..d.len])));
                s.send(b"from the joined instance").unwrap();
                s.flush_buffers().unwrap();
            }
            Err(e) => say(code(&e)),
        },
        "create" => {
            let mut o = PipeOptions::new();
            if args.get(1).is_some_and(|a| a == "first") {
                o.first_instance(true);
            }
            say(outcome(o.create(name)));
        }
        "inherited" => {
            use std::os::fd::AsFd;
            // The end came as this process's stdin.
            let fd = std::io::stdin().as_fd().try_clone_to_owned().unwrap();
            let c = PipeClient::from_fd(fd).unwrap();
            say(format!("type {:?}", c.info().pipe_type));
            c.set_handle_state(Some(ReadMode::Message), None).unwrap();
            c.send(b"from an inherited end").unwrap();
            let mut b = [0u8; 4];
            let d = c.recv(&mut b).unwrap();
            let rest = c.recv(&mut b).unwrap();
            say(format!("reply {} {} {}", d.len, d.more, rest.len));
        }
        "caller" => {
            let n: usize = args[1].parse().unwrap();
            for i in 0..n {
                let q = format!("{}-{i}", std::process::id());
                let mut out = [0u8; 64];
                let d = pipe::call_named_pipe(
                    name,
                    q.as_bytes(),
                    &mut out,
                    Some(Duration::from_secs(10)),
                )
                .unwrap();
                assert_eq!(&out[..d.len], q.to_uppercase().as_bytes());
            }
            say("done");
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn byte_mode_streams_between_processes() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("bytes");
    let s = PipeOptions::new().create(&name).unwrap();
    let mut kid = spawn("client-bytes", &[&name]);
    s.connect().unwrap(); // Now, or Already if the child was quicker
    assert_eq!(kid.line(), format!("server {}", std::process::id()));
    assert_eq!(s.client_pid().unwrap(), kid.child.id());
    let mut got = [0u8; 20];
    let mut n = 0;
    while n < 20 {
        n += s.recv(&mut got[n..]).unwrap().len;
    }
    assert_eq!(&got, b"hello from the child");
    (&s).write_all(b"and back").unwrap();
    drop(s); // the client reads what was written, then the end
    assert_eq!(kid.line(), "got and back");
    assert_eq!(kid.finish(), 0);
}

#[test]
fn message_mode_keeps_boundaries_and_reports_more_data() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("msgs");
    let s = message_pipe().create(&name).unwrap();
    let mut kid = spawn("client-messages", &[&name]);
    s.connect().unwrap();
    let mut b = [0u8; 64];
    let d = s.recv(&mut b).unwrap();
    assert_eq!((&b[..d.len], d.more), (&b"one"[..], false));
    let d = s.recv(&mut b).unwrap();
    assert_eq!((d.len, d.more), (0, false), "a zero-length message");
    // A small buffer: the start, ERROR_MORE_DATA, then the rest.
    let mut small = [0u8; 8];
    assert!(eventually(Duration::from_secs(5), || s
        .peek(&mut [])
        .unwrap()
        .available
        > 0));
    let peek = s.peek(&mut small).unwrap();
    assert_eq!((peek.read, peek.left_in_message), (8, 14));
    let d = s.recv(&mut small).unwrap();
    assert_eq!((&small[..], d.more), (&b"a longer"[..], true));
    let d = s.recv(&mut small).unwrap();
    assert_eq!((&small[..d.len], d.more), (&b" third m"[..], true));
    let d = s.recv(&mut b).unwrap();
    assert_eq!((&b[..d.len], d.more), (&b"essage"[..], false));
    s.send(b"thanks").unwrap();
    assert_eq!(kid.line(), "reply thanks");
    assert_eq!(kid.finish(), 0);
}

#[test]
fn instances_are_limited_busy_and_waited_for() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("busy");
    let s = message_pipe().max_instances(1).create(&name).unwrap();
    assert_eq!(err_code(message_pipe().create(&name)), ERROR_PIPE_BUSY);
    let first = PipeClient::open(&name).unwrap();
    assert_eq!(run("open", &[&name]), ["231"], "ERROR_PIPE_BUSY");
    let mut kid = spawn("wait-open", &[&name]);
    assert_eq!(kid.line(), "waiting");
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !kid.done(),
        "WaitNamedPipe returned while the instance was busy"
    );
    assert_eq!(
        err_code(pipe::wait_named_pipe(
            &name,
            Some(Duration::from_millis(30))
        )),
        ERROR_SEM_TIMEOUT
    );
    assert_eq!(
        err_code(pipe::wait_named_pipe_default(&name)),
        ERROR_SEM_TIMEOUT,
        "the default wait is 50 ms"
    );
    // NMPWAIT_WAIT_FOREVER, in this process.
    let forever = {
        let name = name.clone();
        std::thread::spawn(move || pipe::wait_named_pipe(&name, None))
    };
    std::thread::sleep(Duration::from_millis(50));
    assert!(!forever.is_finished());
    s.disconnect().unwrap();
    drop(first);
    assert!(s.try_connect().unwrap().is_none(), "listening again");
    forever.join().unwrap().unwrap();
    assert_eq!(kid.line(), "waited ok");
    assert_eq!(s.connect().unwrap(), Connected::Now);
    let mut b = [0u8; 32];
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"after the wait");
    assert_eq!(kid.line(), "sent");
    assert_eq!(kid.finish(), 0);
    drop(s);
    assert_eq!(
        err_code(pipe::wait_named_pipe(&name, None)),
        ERROR_FILE_NOT_FOUND
    );
    assert_eq!(err_code(PipeClient::open(&name)), ERROR_FILE_NOT_FOUND);
}

#[test]
fn another_process_of_the_user_adds_instances() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("join");
    let mine = message_pipe().max_instances(2).create(&name).unwrap();
    let _busy = PipeClient::open(&name).unwrap(); // takes this process's instance
    let mut kid = spawn("server-join", &[&name]);
    assert_eq!(kid.line(), "created");
    assert_eq!(
        err_code(message_pipe().create(&name)),
        ERROR_PIPE_BUSY,
        "two of two instances exist, one in each process"
    );
    // The acceptor of either process may take the connection: only the child's instance
    // is free, so a client answered busy by this process retries.
    let c = loop {
        match PipeClient::open(&name) {
            Ok(c) => break c,
            Err(e) if code(&e) == ERROR_PIPE_BUSY => {
                pipe::wait_named_pipe(&name, Some(Duration::from_millis(50))).ok();
            }
            Err(e) => panic!("{e}"),
        }
    };
    c.set_handle_state(Some(ReadMode::Message), None).unwrap();
    assert_eq!(c.server_pid().unwrap(), kid.child.id());
    c.send(b"hello joined").unwrap();
    assert_eq!(kid.line(), "got hello joined");
    let mut b = [0u8; 64];
    let d = c.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"from the joined instance");
    assert_eq!(kid.finish(), 0);
    // A different direction for an existing pipe is refused; another type is not asked of
    // later instances (the first instance's holds, as on Windows).
    assert_eq!(
        err_code(
            message_pipe()
                .access(winipc::pipe::PipeAccess::Inbound)
                .create(&name)
        ),
        ERROR_ACCESS_DENIED
    );
    let other = PipeOptions::new().create(&name).unwrap();
    assert_eq!(other.info().pipe_type, PipeType::Message);
    drop(other);
    drop(mine);
}

#[test]
fn disconnect_and_reconnect() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("disc");
    let s = PipeOptions::new().create(&name).unwrap();
    let mut b = [0u8; 8];
    assert_eq!(err_code(s.recv(&mut b)), ERROR_PIPE_LISTENING);
    assert_eq!(err_code(s.send(b"x")), ERROR_PIPE_LISTENING);
    assert_eq!(err_code(s.disconnect()), ERROR_PIPE_LISTENING);
    let mut kid = spawn("client-disconnected", &[&name]);
    assert_eq!(kid.line(), "connected");
    assert_eq!(s.connect().unwrap(), Connected::Already);
    s.disconnect().unwrap();
    assert_eq!(kid.line(), format!("read {ERROR_PIPE_NOT_CONNECTED}"));
    assert_eq!(kid.line(), format!("write {ERROR_PIPE_NOT_CONNECTED}"));
    assert_eq!(kid.finish(), 0);
    assert_eq!(err_code(s.recv(&mut b)), ERROR_PIPE_NOT_CONNECTED);
    assert_eq!(err_code(s.disconnect()), ERROR_PIPE_NOT_CONNECTED);
    // Disconnected: clients are busy until the server connects again.
    assert_eq!(err_code(PipeClient::open(&name)), ERROR_PIPE_BUSY);
    assert!(s.try_connect().unwrap().is_none());
    let c = PipeClient::open(&name).unwrap();
    assert_eq!(s.try_connect().unwrap(), Some(Connected::Now));
    c.send(b"again").unwrap();
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"again");
    // A pending connect completes even if its client has already gone.
    s.disconnect().unwrap();
    drop(c);
    assert!(s.try_connect().unwrap().is_none());
    drop(PipeClient::open(&name).unwrap());
    assert_eq!(s.connect().unwrap(), Connected::Now, "it was pending");
    assert_eq!(err_code(s.recv(&mut b)), ERROR_BROKEN_PIPE);
    // A timed-out connect is no longer pending.
    s.disconnect().unwrap();
    assert_eq!(
        err_code(s.connect_timeout(Some(Duration::from_millis(10)))),
        ERROR_TIMEOUT
    );
    // A client that came and went before ConnectNamedPipe: ERROR_NO_DATA.
    drop(PipeClient::open(&name).unwrap());
    assert_eq!(err_code(s.connect()), ERROR_NO_DATA);
    let fresh = PipeOptions::new().create(&name).unwrap();
    drop(PipeClient::open(&name).unwrap());
    assert_eq!(err_code(fresh.connect()), ERROR_NO_DATA);
}

#[test]
fn killing_the_client_breaks_the_pipe() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("killc");
    let s = message_pipe().create(&name).unwrap();
    let mut kid = spawn("client-hold", &[&name]);
    assert_eq!(kid.line(), "ready");
    kid.kill();
    let mut b = [0u8; 32];
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"last words", "what it wrote survives it");
    assert_eq!(err_code(s.recv(&mut b)), ERROR_BROKEN_PIPE);
    assert_eq!(err_code(s.send(b"anyone?")), ERROR_NO_DATA);
    assert_eq!(err_code(s.peek(&mut b)), ERROR_BROKEN_PIPE);
    assert_eq!(err_code(s.connect()), ERROR_NO_DATA);
    s.disconnect().unwrap();
    assert!(
        s.try_connect().unwrap().is_none(),
        "reusable after a disconnect"
    );
}

#[test]
fn killing_the_server_breaks_the_pipe_and_frees_the_name() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("kills");
    let mut kid = spawn("server-hold", &[&name]);
    assert_eq!(kid.line(), "ready");
    let c = PipeClient::open(&name).unwrap();
    assert_eq!(kid.line(), "connected");
    kid.kill();
    let mut b = [0u8; 32];
    let d = c.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"from the server");
    assert_eq!(err_code(c.recv(&mut b)), ERROR_BROKEN_PIPE);
    assert_eq!(err_code(c.send(b"hello?")), ERROR_NO_DATA);
    assert_eq!(err_code(PipeClient::open(&name)), ERROR_FILE_NOT_FOUND);
    // The name is free for anyone now.
    let s = PipeOptions::new()
        .first_instance(true)
        .create(&name)
        .unwrap();
    let snap = winipc::inspect::snapshot(false).unwrap();
    let listed: Vec<_> = snap
        .objects()
        .filter(|o| o.name.as_deref() == Some(name.to_lowercase().as_str()))
        .map(|o| o.usage)
        .collect();
    assert_eq!(listed, [1], "only our own instance is listed");
    drop(s);
    // The killed server's listing (what `winipc ls` shows) was reaped with it, ours went with
    // its instance, and the store is sound: named objects are created and found (removing a
    // listing's name once failed as corrupt, and every later lookup with ERROR_FILE_CORRUPT).
    let ev_name = format!("{}-ev", uniq("pipe-kill"));
    let ev = winipc::Event::create(&ev_name, winipc::EventReset::Manual, false).unwrap();
    assert!(!ev.already_existed());
    let again = winipc::Event::open(&ev_name).unwrap();
    drop((ev, again));
    let snap = winipc::inspect::snapshot(false).unwrap();
    assert!(
        snap.objects().all(|o| o.kind != winipc::Kind::Pipe
            || o.name.as_deref() != Some(name.to_lowercase().as_str())),
        "no listing left"
    );
    assert_eq!(snap.stores.iter().map(|s| s.corruptions).sum::<u32>(), 0);
}

#[test]
fn a_second_user_can_neither_connect_to_nor_squat_a_private_pipe() {
    let _w = watchdog(Duration::from_secs(30));
    let other = second_user();
    open_store_dir_to_others();
    let name = pipe_name("private");
    let s = PipeOptions::new().create(&name).unwrap();
    let (lines, err) = run_as(other, "open", &[&name]);
    assert_eq!(lines, ["5"], "ERROR_ACCESS_DENIED; stderr: {err}");
    let (lines, err) = run_as(other, "create", &[&name]);
    assert_eq!(
        lines,
        ["5"],
        "no instance of another user's pipe; stderr: {err}"
    );
    let (lines, _) = run_as(other, "create", &[&name, "first"]);
    assert_eq!(lines, ["5"]);
    assert!(
        s.try_connect().unwrap().is_none(),
        "still listening, unharmed"
    );
    // Open to everyone (a NULL DACL): the second user connects.
    let public = pipe_name("public");
    let p = message_pipe()
        .security(winipc::Security::everyone())
        .create(&public)
        .unwrap();
    let mut kid = Kid::from_child(
        child_cmd_as(other, "open-send", &[&public, "hi from another user"])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    p.connect().unwrap();
    // Whose client it is (what ImpersonateNamedPipeClient checks): the other user.
    assert_eq!(p.client_uid().unwrap(), other);
    let mut b = [0u8; 64];
    let d = p.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"hi from another user");
    p.send(b"welcome").unwrap();
    assert_eq!(kid.line(), "reply welcome");
    assert_eq!(kid.finish(), 0);
    // A client of this user is this user's.
    let _mine = PipeClient::open(&name).unwrap();
    assert!(s.try_connect().unwrap().is_some());
    assert_eq!(s.client_uid().unwrap(), winipc_sys::proc::geteuid());
}

#[test]
fn access_modes_and_bad_input() {
    let _w = watchdog(Duration::from_secs(20));
    init();
    // Names.
    for bad in [r"\\.\pipe\", "pipe", r"\\.\mailslot\x", "\\\\.\\pipe\\a\0b"] {
        assert_eq!(err_code(PipeOptions::new().create(bad)), ERROR_INVALID_NAME);
        assert_eq!(err_code(PipeClient::open(bad)), ERROR_INVALID_NAME);
    }
    let long = format!(r"\\.\pipe\{}", "x".repeat(pipe::MAX_PIPE_NAME));
    assert_eq!(
        err_code(PipeOptions::new().create(&long)),
        ERROR_INVALID_NAME
    );
    // Modes.
    let name = pipe_name("modes");
    assert_eq!(
        err_code(
            PipeOptions::new()
                .read_mode(ReadMode::Message)
                .create(&name)
        ),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(PipeOptions::new().max_instances(0).create(&name)),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(PipeOptions::new().max_instances(256).create(&name)),
        ERROR_INVALID_PARAMETER
    );
    let s = PipeOptions::new()
        .access(PipeAccess::Inbound)
        .create(&name)
        .unwrap();
    assert_eq!(
        err_code(
            PipeOptions::new()
                .first_instance(true)
                .access(PipeAccess::Inbound)
                .create(&name)
        ),
        ERROR_ACCESS_DENIED
    );
    // Inbound: the client writes, the server reads.
    assert_eq!(
        err_code(PipeClient::open_with(
            &name,
            ClientAccess {
                read: true,
                write: false
            }
        )),
        ERROR_ACCESS_DENIED
    );
    assert_eq!(err_code(PipeClient::open(&name)), ERROR_ACCESS_DENIED);
    let c =
        PipeClient::open_with(&name, ClientAccess::from_mask(pipe::flags::GENERIC_WRITE)).unwrap();
    let mut b = [0u8; 8];
    assert_eq!(err_code(c.recv(&mut b)), ERROR_ACCESS_DENIED);
    assert_eq!(err_code(s.send(b"x")), ERROR_ACCESS_DENIED);
    assert_eq!(
        err_code(c.set_handle_state(Some(ReadMode::Message), None)),
        ERROR_INVALID_PARAMETER
    );
    // Byte pipes: zero-length writes are no-ops; PIPE_NOWAIT reads fail with ERROR_NO_DATA.
    assert_eq!(c.send(b"").unwrap(), 0);
    s.set_handle_state(None, Some(true)).unwrap();
    assert!(s.handle_state().nowait);
    assert_eq!(err_code(s.recv(&mut b)), ERROR_NO_DATA);
    assert_eq!(s.try_read(&mut b).unwrap(), None);
    c.send(b"abc").unwrap();
    let peek = s.peek(&mut b).unwrap();
    assert_eq!((peek.read, peek.available, peek.left_in_message), (3, 3, 0));
    assert_eq!(s.recv(&mut b).unwrap().len, 3);
    assert_eq!(s.info().pipe_type, PipeType::Byte);
    assert!(s.info().server_end && !c.info().server_end);
    assert_eq!(
        err_code(s.transact(b"x", &mut b)),
        ERROR_ACCESS_DENIED,
        "inbound: the server cannot write"
    );
    // Message pipes: oversized messages, transactions, small buffers, zero-length messages.
    let mname = pipe_name("msg-bad");
    let m = message_pipe().create(&mname).unwrap();
    let mc = PipeClient::open(&mname).unwrap();
    assert_eq!(
        err_code(mc.send(&vec![0u8; pipe::MAX_MESSAGE + 1])),
        ERROR_INVALID_PARAMETER
    );
    assert_eq!(
        err_code(mc.transact(b"q", &mut b)),
        ERROR_BAD_PIPE,
        "byte-read mode"
    );
    mc.send(&[]).unwrap();
    mc.send(&[7u8; 100_000]).unwrap();
    let mut none = [0u8; 0];
    let d = m.recv(&mut none).unwrap();
    assert_eq!((d.len, d.more), (0, false), "the zero-length message");
    let d = m.recv(&mut none).unwrap();
    assert_eq!(
        (d.len, d.more),
        (0, true),
        "a zero-length buffer: ERROR_MORE_DATA"
    );
    let mut big = vec![0u8; 100_000];
    let d = m.recv(&mut big).unwrap();
    assert_eq!((d.len, d.more), (100_000, false));
    assert!(big.iter().all(|&x| x == 7));
    // Message pipe read in byte mode: messages come out as bytes.
    m.set_handle_state(Some(ReadMode::Byte), None).unwrap();
    mc.send(b"12345").unwrap();
    let d = m.recv(&mut b[..2]).unwrap();
    assert_eq!((d.len, d.more), (2, false));
    assert_eq!(m.recv(&mut b).unwrap().len, 3);
    // A transaction on a message pipe in message-read mode.
    mc.set_handle_state(Some(ReadMode::Message), None).unwrap();
    std::thread::scope(|sc| {
        sc.spawn(|| {
            let mut q = [0u8; 8];
            let d = m.recv(&mut q).unwrap();
            assert_eq!(&q[..d.len], b"ping");
            m.send(b"pong").unwrap();
        });
        let mut out = [0u8; 8];
        let d = mc.transact(b"ping", &mut out).unwrap();
        assert_eq!(&out[..d.len], b"pong");
    });
    // Unread data: the transaction is refused.
    m.send(b"unread").unwrap();
    assert!(eventually(Duration::from_secs(2), || mc
        .peek(&mut [])
        .unwrap()
        .available
        > 0));
    assert_eq!(err_code(mc.transact(b"x", &mut b)), ERROR_PIPE_BUSY);
    assert_eq!(m.client_pid().unwrap(), std::process::id());
    assert_eq!(mc.server_pid().unwrap(), std::process::id());
    assert_eq!(m.handle_state().instances, 1);
}

#[test]
fn a_byte_pipe_end_is_the_stdout_of_any_program() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("stdio");
    let s = PipeOptions::new().create(&name).unwrap();
    let c = PipeClient::open(&name).unwrap();
    let fd: OwnedFd = c.into();
    let status = std::process::Command::new("sh")
        .args(["-c", "echo hello from sh"])
        .stdout(fd)
        .status()
        .unwrap();
    assert!(status.success());
    let mut out = String::new();
    (&s).read_to_string(&mut out).unwrap();
    assert_eq!(out, "hello from sh\n");
    assert_eq!(err_code(s.recv(&mut [0u8; 4])), ERROR_BROKEN_PIPE);
}

#[test]
fn flush_waits_until_the_peer_has_read() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("flush");
    let s = PipeOptions::new().create(&name).unwrap();
    let c = PipeClient::open(&name).unwrap();
    c.send(&[1u8; 1000]).unwrap();
    std::thread::scope(|sc| {
        let reader = sc.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            let mut b = [0u8; 1000];
            let mut n = 0;
            while n < 1000 {
                n += s.recv(&mut b[n..]).unwrap().len;
            }
        });
        let t = std::time::Instant::now();
        c.flush_buffers().unwrap();
        assert!(
            t.elapsed() >= Duration::from_millis(90),
            "{:?}",
            t.elapsed()
        );
        reader.join().unwrap();
    });
}

#[test]
fn a_child_inherits_a_message_pipe_end() {
    let _w = watchdog(Duration::from_secs(20));
    let name = pipe_name("inherit");
    let s = message_pipe().create(&name).unwrap();
    let c = PipeClient::open(&name).unwrap();
    let fd: OwnedFd = c.into();
    let mut kid = Kid::from_child(
        child_cmd("inherited", &[&name])
            .stdin(std::process::Stdio::from(fd))
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    assert_eq!(kid.line(), "type Message");
    let mut b = [0u8; 64];
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"from an inherited end");
    s.send(b"sixsix").unwrap();
    assert_eq!(kid.line(), "reply 4 true 2");
    assert_eq!(kid.finish(), 0);
    assert_eq!(err_code(s.recv(&mut b)), ERROR_BROKEN_PIPE);
    // PIPE_NOWAIT connects return at once.
    s.disconnect().unwrap();
    s.set_handle_state(None, Some(true)).unwrap();
    assert_eq!(err_code(s.connect()), ERROR_PIPE_LISTENING);
}

#[test]
fn several_instances_serve_many_callers() {
    let _w = watchdog(Duration::from_secs(60));
    let name = pipe_name("many");
    const INSTANCES: usize = 3;
    const KIDS: usize = 4;
    const CALLS: usize = 15;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let served = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|sc| {
        for _ in 0..INSTANCES {
            let s = message_pipe()
                .max_instances(INSTANCES as u32)
                .create(&name)
                .unwrap();
            let (stop, served) = (&stop, &served);
            sc.spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    match s.connect_timeout(Some(Duration::from_millis(50))) {
                        Ok(_) => {}
                        Err(e) if code(&e) == ERROR_TIMEOUT => continue,
                        Err(e) => panic!("{e}"),
                    }
                    let mut b = [0u8; 64];
                    if let Ok(d) = s.recv(&mut b) {
                        s.send(&b[..d.len].to_ascii_uppercase()).unwrap();
                        let _ = s.flush_buffers();
                        served.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    s.disconnect().unwrap();
                }
            });
        }
        let calls = CALLS.to_string();
        let mut kids: Vec<Kid> = (0..KIDS)
            .map(|_| spawn("caller", &[&name, &calls]))
            .collect();
        for k in &mut kids {
            assert_eq!(k.line(), "done");
        }
        for k in kids {
            assert_eq!(k.finish(), 0);
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(served.into_inner(), KIDS * CALLS);
}
