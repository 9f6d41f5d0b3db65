//! Local mailslots: Wine's conformance checklist (kernel32/tests/mailslot.c) in order, then
//! cross-process behaviour: many writers, FIFO, receiver death, quotas, waits.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::{
    Event, EventReset, Handle, MAILSLOT_WAIT_FOREVER, Mailslot, MailslotOptions, MailslotWriter,
    Process, Security, WaitOutcome, wait_any,
};

fn slot_name(base: &str) -> String {
    format!(r"\\.\mailslot\winipc_test\{}", uniq(base))
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    match role.as_str() {
        // Send N numbered messages "<writer>:<seq>:<checksum>" as fast as possible.
        "writer" => {
            let w = MailslotWriter::open(&args[0]).unwrap();
            let id: u32 = args[1].parse().unwrap();
            let n: u32 = args[2].parse().unwrap();
            for seq in 0..n {
                let body = format!("{id}:{seq}:{}", id.wrapping_mul(31).wrapping_add(seq));
                w.send(body.as_bytes()).unwrap();
            }
        }
        "send-one" => match MailslotWriter::open(&args[0]) {
            Ok(w) => say(match w.send(args[1].as_bytes()) {
                Ok(()) => "sent".to_string(),
                Err(e) => code(&e).to_string(),
            }),
            Err(e) => say(code(&e)),
        },
        // Create a slot, announce it, then sleep (to be killed).
        "receiver" => {
            let _s = Mailslot::create(&args[0], 0, 0).unwrap();
            say("created");
            std::thread::sleep(Duration::from_secs(30));
        }
        // Open a writer, announce it, then write after a go message on stdin... (kept simple)
        "hold-writer" => {
            let w = MailslotWriter::open(&args[0]).unwrap();
            say("open");
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            say(match w.send(b"late") {
                Ok(()) => "sent".to_string(),
                Err(e) => code(&e).to_string(),
            });
        }
        // Take the inherited receive handle's reader lock, consume the next message all but
        // the head's advance, signal the inherited event, wait to be killed.
        "stop-mid-recv" => {
            let raw = |i: usize| Handle::from_raw(args[i].parse().unwrap()).unwrap();
            let m = Mailslot::from_handle(raw(0)).unwrap();
            assert!(winipc::__doc::stop_mid_recv(&m, 2).unwrap());
            Event::from_handle(raw(1)).unwrap().set().unwrap();
            std::thread::sleep(Duration::from_secs(30));
        }
        // Send "A0", then "A1", pausing after A1's record is reserved and before it is
        // published until the file `go` exists (the parent stops this process with SIGSTOP
        // meanwhile); then send "A2".
        "stalled-writer" => {
            let w = MailslotWriter::open(&args[0]).unwrap();
            let go = std::path::Path::new(&args[1]);
            w.send(b"A0").unwrap();
            winipc::__doc::send_stalled_mid_write(&w, b"A1", || {
                say("reserved");
                while !go.exists() {
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
            .unwrap();
            w.send(b"A2").unwrap();
            say("sent");
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn wine_checklist() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("wine");
    let mut buf = [0u8; 16];
    // 2. Opening a sender before the slot exists fails.
    assert_eq!(code(&MailslotWriter::open(&path).unwrap_err()), 2);
    // 3, 4. Bad names.
    assert_eq!(code(&Mailslot::create("blah", 0, 0).unwrap_err()), 123);
    assert_eq!(code(&Mailslot::create("", 0, 0).unwrap_err()), 123);
    // 5. Create(path, -1, -1): everything reported back as given.
    let s = Mailslot::create(&path, u32::MAX, u32::MAX).unwrap();
    let i = s.info().unwrap();
    assert_eq!(
        (
            i.max_message_size,
            i.next_size,
            i.message_count,
            i.read_timeout
        ),
        (u32::MAX, None, 0, u32::MAX)
    );
    drop(s);
    // 6. Create(path, 0, 0).
    let s = Mailslot::create(&path, 0, 0).unwrap();
    // 8, 9. Empty reads time out at once with ERROR_SEM_TIMEOUT.
    assert_eq!(code(&s.recv(&mut buf[..0]).unwrap_err()), 121);
    assert_eq!(code(&s.recv(&mut buf).unwrap_err()), 121);
    // 13. A sender opens.
    let w1 = MailslotWriter::open(&path).unwrap();
    // 15. A sender's handle cannot read.
    assert_eq!(
        code(&Mailslot::from_handle(w1.handle().try_clone().unwrap()).unwrap_err()),
        5
    );
    // 10. The receiver's handle cannot write.
    assert_eq!(
        code(&MailslotWriter::from_handle(s.handle().try_clone().unwrap()).unwrap_err()),
        5
    );
    // 15, 17. Write 8 bytes; read them; the next read times out.
    w1.send(b"12345678").unwrap();
    assert_eq!(s.recv(&mut buf).unwrap(), 8);
    assert_eq!(&buf[..8], b"12345678");
    assert_eq!(code(&s.recv(&mut buf).unwrap_err()), 121);
    // 19. A second receiver for a live name fails.
    assert_eq!(code(&Mailslot::create(&path, 0, 0).unwrap_err()), 183);
    // 20-27. Two senders, counts and next sizes, zero-length messages.
    let w2 = MailslotWriter::open(&path.to_uppercase()).unwrap();
    let i = s.info().unwrap();
    assert_eq!(
        (
            i.next_size,
            i.max_message_size,
            i.message_count,
            i.read_timeout
        ),
        (None, 0, 0, 0)
    );
    w1.send(b"a").unwrap();
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(1), 1)
    );
    w2.send(b"bc").unwrap();
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(1), 2)
    );
    w1.send(b"").unwrap();
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(1), 3)
    );
    assert_eq!(s.recv(&mut buf).unwrap(), 1);
    assert_eq!(&buf[..1], b"a");
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(2), 2)
    );
    assert_eq!(s.recv(&mut buf).unwrap(), 2);
    assert_eq!(&buf[..2], b"bc");
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(0), 1)
    );
    assert_eq!(s.recv(&mut buf).unwrap(), 0);
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (None, 0)
    );
    assert_eq!(code(&s.recv(&mut buf).unwrap_err()), 121);
    // 28. A too-small buffer fails with ERROR_INSUFFICIENT_BUFFER and keeps the message.
    w1.send(b"xy").unwrap();
    let e = s.recv(&mut buf[..1]).unwrap_err();
    assert_eq!(code(&e), 122);
    assert_eq!(
        (s.info().unwrap().next_size, s.info().unwrap().message_count),
        (Some(2), 1)
    );
    assert_eq!(s.recv(&mut buf).unwrap(), 2);
    // 29. Close everything; the name is free again.
    drop((w1, w2, s));
    // 30. A finite timeout waits about that long, then ERROR_SEM_TIMEOUT.
    let s = Mailslot::create(&path, 0, 1000).unwrap();
    let t = Instant::now();
    assert_eq!(code(&s.recv(&mut buf).unwrap_err()), 121);
    assert!(
        t.elapsed() >= Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    // 31. Waiting on an empty slot times out; SetMailslotInfo changes the timeout.
    assert_eq!(s.wait(Some(Duration::ZERO)).unwrap(), WaitOutcome::TimedOut);
    s.set_read_timeout(0).unwrap();
    assert_eq!(s.info().unwrap().read_timeout, 0);
    let t = Instant::now();
    assert_eq!(code(&s.recv(&mut buf).unwrap_err()), 121);
    assert!(t.elapsed() < Duration::from_millis(500));
}

#[test]
fn maximum_message_size_is_enforced_and_nothing_arrives() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let path = slot_name("max");
    let s = Mailslot::create(&path, 8, 0).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    assert_eq!(code(&w.send(b"123456789").unwrap_err()), 87);
    assert_eq!(s.info().unwrap().message_count, 0);
    w.send(b"12345678").unwrap();
    assert_eq!(s.recv_vec().unwrap(), b"12345678");
}

#[test]
fn many_writer_processes_deliver_everything_in_per_writer_order() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let path = slot_name("fanin");
    let s = Mailslot::create_with(
        &path,
        MailslotOptions {
            read_timeout: 10_000,
            quota: 64 * 1024,
            ..Default::default()
        },
    )
    .unwrap();
    let writers = 8u32;
    let per = 5_000u32;
    let kids: Vec<Kid> = (0..writers)
        .map(|i| spawn("writer", &[&path, &i.to_string(), &per.to_string()]))
        .collect();
    let mut next = vec![0u32; writers as usize];
    let mut buf = [0u8; 64];
    for _ in 0..writers * per {
        let n = s.recv(&mut buf).unwrap();
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        let f: Vec<u32> = text.split(':').map(|x| x.parse().unwrap()).collect();
        let (id, seq, sum) = (f[0], f[1], f[2]);
        assert_eq!(sum, id.wrapping_mul(31).wrapping_add(seq), "checksum");
        assert_eq!(
            seq, next[id as usize],
            "writer {id}: lost, duplicated or reordered"
        );
        next[id as usize] += 1;
    }
    for k in kids {
        assert_eq!(k.finish(), 0);
    }
    assert_eq!(s.info().unwrap().message_count, 0);
}

#[test]
fn writes_fail_clearly_once_the_receiver_closes_and_the_name_is_free_again() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("close");
    let s = Mailslot::create(&path, 0, 0).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    w.send(b"unread").unwrap();
    drop(s);
    assert_eq!(code(&w.send(b"x").unwrap_err()), 109, "ERROR_BROKEN_PIPE");
    assert_eq!(code(&MailslotWriter::open(&path).unwrap_err()), 2);
    let s2 = Mailslot::create(&path, 0, 0).unwrap();
    assert_eq!(
        s2.info().unwrap().message_count,
        0,
        "unread messages were dropped"
    );
    assert_eq!(
        code(&w.send(b"x").unwrap_err()),
        109,
        "old senders stay detached"
    );
}

#[test]
fn a_killed_receiver_frees_the_name_and_fails_its_senders() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("killed");
    let mut r = spawn("receiver", &[&path]);
    assert_eq!(r.line(), "created");
    let w = MailslotWriter::open(&path).unwrap();
    w.send(b"before").unwrap();
    r.kill();
    // The name can be created again (the dead receiver is reaped on lookup).
    let s = Mailslot::create(&path, 0, 0).unwrap();
    assert_eq!(s.info().unwrap().message_count, 0);
    assert_eq!(code(&w.send(b"after").unwrap_err()), 109);
}

#[test]
fn a_writer_blocked_on_a_full_quota_fails_when_the_receiver_dies() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("full");
    let mut r = spawn("receiver", &[&path]);
    assert_eq!(r.line(), "created");
    let mut w = MailslotWriter::open(&path).unwrap();
    // The default quota is 1 MiB: fill it.
    let chunk = vec![7u8; 60_000];
    w.set_write_timeout(Some(Duration::ZERO));
    let mut sent = 0;
    loop {
        match w.send(&chunk) {
            Ok(()) => sent += 1,
            Err(e) => {
                assert_eq!(
                    code(&e),
                    1816,
                    "ERROR_NOT_ENOUGH_QUOTA when full and not waiting"
                );
                break;
            }
        }
    }
    assert!(sent >= 10);
    w.set_write_timeout(None);
    let t = Instant::now();
    let killer = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        r.kill();
    });
    assert_eq!(
        code(&w.send(&chunk).unwrap_err()),
        109,
        "blocked writer learns the receiver is gone"
    );
    assert!(t.elapsed() < Duration::from_secs(5));
    killer.join().unwrap();
}

#[test]
fn a_full_slot_blocks_the_writer_until_the_receiver_reads() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("block");
    let s = Mailslot::create_with(
        &path,
        MailslotOptions {
            quota: 4096,
            read_timeout: 5000,
            ..Default::default()
        },
    )
    .unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    let msg = [1u8; 1000];
    for _ in 0..4 {
        w.send(&msg).unwrap();
    }
    let path2 = path.clone();
    let t = std::thread::spawn(move || {
        let w = MailslotWriter::open(&path2).unwrap();
        w.send(&[2u8; 1000]).map_err(|e| code(&e))
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(!t.is_finished(), "the writer waits for room");
    let mut buf = [0u8; 1000];
    s.recv(&mut buf).unwrap();
    assert_eq!(t.join().unwrap(), Ok(()));
    let mut count = 0;
    while s.info().unwrap().message_count > 0 {
        s.recv(&mut buf).unwrap();
        count += 1;
    }
    assert_eq!(count, 4);
    assert_eq!(buf[0], 2, "the blocked message arrived last");
}

#[test]
fn another_user_cannot_send_unless_security_allows() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    if winipc_sys::proc::geteuid() != 0 {
        eprintln!("SKIP: needs root to create a second user");
        return;
    }
    let uid = second_user();
    let closed = slot_name("private");
    let open = slot_name("public");
    let _a = Mailslot::create(&closed, 0, 0).unwrap();
    let _b = Mailslot::create_with(
        &open,
        MailslotOptions {
            security: Security::everyone(),
            ..Default::default()
        },
    )
    .unwrap();
    // The store directory must be reachable by the other user.
    let dir = winipc::store_dir().to_path_buf();
    std::process::Command::new("chmod")
        .arg("1777")
        .arg(&dir)
        .status()
        .unwrap();
    for (path, want) in [(&closed, "5"), (&open, "sent")] {
        use std::os::unix::process::CommandExt;
        let out = child_cmd("send-one", &[path, "hi"])
            .uid(uid)
            .stdout(std::process::Stdio::piped())
            .output()
            .unwrap();
        let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.find("@@").map(|a| l[a + 2..].trim().to_owned()))
            .collect();
        assert_eq!(
            lines,
            [want],
            "{path}: stderr {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Creates (once) an unprivileged user for tests and returns its uid.
fn second_user() -> u32 {
    let name = "winipc-test";
    let _ = std::process::Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ])
        .stderr(std::process::Stdio::null())
        .status();
    let out = std::process::Command::new("id")
        .args(["-u", name])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("uid of the test user")
}

#[test]
fn a_wait_any_mixes_mailslots_events_and_processes() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("mix");
    let s = Mailslot::create(&path, 0, MAILSLOT_WAIT_FOREVER).unwrap();
    let ev = Event::new(EventReset::Auto, false).unwrap();
    assert_eq!(
        wait_any(&[ev.handle(), s.handle()], Some(Duration::from_millis(20))).unwrap(),
        WaitOutcome::TimedOut
    );
    let h = [
        ev.handle().try_clone().unwrap().into_raw(),
        s.handle().try_clone().unwrap().into_raw(),
    ];
    let t = std::thread::spawn(move || {
        winipc::wait_raw(&h, false, Some(Duration::from_secs(10))).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    let mut k = spawn("send-one", &[&path, "wake"]);
    assert_eq!(k.line(), "sent");
    assert_eq!(
        t.join().unwrap(),
        WaitOutcome::Signaled(1),
        "the mailslot woke the wait"
    );
    assert_eq!(
        s.info().unwrap().message_count,
        1,
        "waiting does not consume the message"
    );
    ev.set().unwrap();
    assert_eq!(
        wait_any(&[ev.handle(), s.handle()], Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Signaled(0),
        "lowest index"
    );
    assert_eq!(s.recv_vec().unwrap(), b"wake");
    assert_eq!(k.finish(), 0);
}

#[test]
fn inherited_and_duplicated_receive_handles_keep_the_slot_open() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let path = slot_name("dup");
    let s = Mailslot::create(&path, 0, 0).unwrap();
    let dup = Mailslot::from_handle(s.handle().try_clone().unwrap()).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    drop(s);
    w.send(b"still open").unwrap();
    assert_eq!(dup.recv_vec().unwrap(), b"still open");
    assert_eq!(code(&Mailslot::create(&path, 0, 0).unwrap_err()), 183);
    drop(dup);
    assert!(Mailslot::create(&path, 0, 0).is_ok());
}

/// Regression: every receiver used the same reader id, so a receiver killed while holding the
/// ring's reader lock looked like the caller itself to the other receivers, which never took
/// the lock over: with a receive handle shared with a child that died mid-read, every later
/// read of the parent timed out although messages were queued.
#[test]
fn a_receiver_killed_mid_read_does_not_wedge_the_other_receivers() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("reader-killed");
    let s = Mailslot::create(&path, 0, 0).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    for m in ["one", "two", "three"] {
        w.send(m.as_bytes()).unwrap();
    }
    let shared = s.handle().try_clone().unwrap();
    shared.set_inheritable(true).unwrap();
    let stopped = Event::new(EventReset::Manual, false).unwrap();
    stopped.handle().set_inheritable(true).unwrap();
    let args = [
        shared.as_raw().to_string(),
        stopped.handle().as_raw().to_string(),
    ];
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let p = Process::spawn(child_cmd("stop-mid-recv", &argv), true).unwrap();
    assert_eq!(
        wait_any(
            &[stopped.handle(), p.handle()],
            Some(Duration::from_secs(20))
        )
        .unwrap(),
        WaitOutcome::Signaled(0),
        "the child stopped mid-read"
    );
    p.terminate(9).unwrap();
    p.wait(Some(Duration::from_secs(10))).unwrap();
    // The child had consumed "one" when it died holding the lock; the rest must come through.
    let mut buf = [0u8; 16];
    for want in ["two", "three"] {
        let n = s
            .recv_timeout(&mut buf, Some(Duration::from_secs(5)))
            .expect("the dead receiver's reader lock is taken over");
        assert_eq!(&buf[..n], want.as_bytes());
    }
    assert_eq!(s.info().unwrap().message_count, 0);
}

#[test]
fn io_read_and_write_carry_one_message_per_call() {
    use std::io::{Read, Write};
    init();
    let _w = watchdog(Duration::from_secs(20));
    let path = slot_name("io");
    let s = Mailslot::create(&path, 0, 0).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    (&w).write_all(b"one").unwrap();
    (&w).write_all(b"two").unwrap();
    let mut buf = [0u8; 8];
    assert_eq!((&s).read(&mut buf).unwrap(), 3);
    assert_eq!((&s).read(&mut buf).unwrap(), 3);
    assert_eq!(&buf[..3], b"two");
}

#[test]
fn waits_on_mailslots_alone_block_until_a_message_and_time_out_cleanly() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let a = Mailslot::create(&slot_name("alone-a"), 0, 0).unwrap();
    let path_b = slot_name("alone-b");
    let b = Mailslot::create(&path_b, 0, 0).unwrap();
    assert_eq!(a.wait(Some(Duration::ZERO)).unwrap(), WaitOutcome::TimedOut);
    assert_eq!(
        a.wait(Some(Duration::from_millis(30))).unwrap(),
        WaitOutcome::TimedOut
    );
    let h = [
        a.handle().try_clone().unwrap().into_raw(),
        b.handle().try_clone().unwrap().into_raw(),
    ];
    let t = std::thread::spawn(move || {
        winipc::wait_raw(&h, false, Some(Duration::from_secs(10))).unwrap()
    });
    std::thread::sleep(Duration::from_millis(50));
    MailslotWriter::open(&path_b).unwrap().send(b"b").unwrap();
    assert_eq!(t.join().unwrap(), WaitOutcome::Signaled(1));
}

/// Regression (docs/reliability.md, core bug 3; issue 13 item 6): a sender may write the
/// ring file (that is how it sends), so the receiver's settings must not come from there.
/// Rewrite the ring header's timeout to "forever" as a sender could; `recv` must still time
/// out after the slot's own 300 ms, kept in the receiver's private store.
#[test]
fn a_read_timeout_forged_in_the_ring_is_not_obeyed() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let s = Mailslot::create(&slot_name("forged-timeout"), 0, 300).unwrap();
    winipc::__doc::forge_ring_read_timeout(&s, MAILSLOT_WAIT_FOREVER);
    let started = Instant::now();
    let err = s.recv(&mut [0u8; 16]).unwrap_err();
    assert_eq!(code(&err), 121, "ERROR_SEM_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(s.info().unwrap().read_timeout, 300);
}

/// A writer killed between queuing a message and waking the sleeping receiver must not leave
/// the receiver asleep beside that message forever: it notices within the 1 s backstop.
#[test]
fn a_receiver_notices_a_message_whose_writer_died_before_waking_it() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let path = slot_name("unwoken");
    let s = Mailslot::create(&path, 0, MAILSLOT_WAIT_FOREVER).unwrap();
    let w = MailslotWriter::open(&path).unwrap();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 16];
        let mut got = Vec::new();
        for _ in 0..2 {
            let n = s.recv(&mut buf).unwrap();
            got.push((buf[..n].to_vec(), Instant::now()));
        }
        got
    });
    // Let the receiver spin, yield and fall asleep first; woken by a lone message after a long
    // sleep, it takes the slot for idle and sleeps at once next time (decision 0015), and must
    // still notice the orphan.
    std::thread::sleep(Duration::from_millis(300));
    w.send(b"first").unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    winipc::__doc::send_killed_before_wake(&w, b"orphan").unwrap();
    let got = reader.join().unwrap();
    assert_eq!(got[0].0, b"first");
    assert_eq!(got[1].0, b"orphan");
    assert!(got[1].1.duration_since(sent) < Duration::from_secs(3));
}

/// Kills process `.0` (SIGKILL, which also ends a stopped process) on drop unless `.1` is set.
struct KillUnlessDone(u32, std::cell::Cell<bool>);

impl Drop for KillUnlessDone {
    fn drop(&mut self) {
        if !self.1.get() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
}

/// Whether process `pid` is stopped (state `T` in `/proc/PID/stat`).
fn stopped(pid: u32) -> bool {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit_once(") ")
        .is_some_and(|(_, rest)| rest.starts_with('T'))
}

/// Issue 13 item 9: a writer process stopped (SIGSTOP) in the middle of a write does not stall
/// the other writers: their messages keep arriving, and the stopped writer's message arrives,
/// in its own order, once it is continued.
#[test]
fn a_writer_stopped_mid_write_does_not_stall_other_writers() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = slot_name("stopped-writer");
    let s = Mailslot::create(&path, 0, 5000).unwrap();
    let go = std::env::temp_dir().join(uniq("winipc-stopped-writer-go"));
    // A runs in a process group of its own: were its group orphaned (possible for the test's
    // own group, depending on how the test is started), the kernel would send the stopped
    // process SIGHUP and SIGCONT.
    let mut a = {
        use std::os::unix::process::CommandExt;
        let child = child_cmd("stalled-writer", &[&path, go.to_str().unwrap()])
            .process_group(0)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        Kid::from_child(child)
    };
    let pid = a.child.id();
    // A failing assertion must not leave A stopped forever.
    let guard = KillUnlessDone(pid, std::cell::Cell::new(false));
    assert_eq!(a.line(), "reserved");
    let signal = |sig: &str| {
        let ok = std::process::Command::new("kill")
            .args([sig, &pid.to_string()])
            .status()
            .unwrap();
        assert!(ok.success(), "kill {sig}");
    };
    signal("-STOP");
    assert!(
        eventually(Duration::from_secs(5), || stopped(pid)),
        "writer A did not stop"
    );
    assert_eq!(s.recv_vec().unwrap(), b"A0");
    // Writer B sends while A is stopped with A1 half-way: all of B's messages arrive, in order.
    let b = spawn("writer", &[&path, "7", "50"]);
    for seq in 0..50u32 {
        let got = s.recv_vec().unwrap_or_else(|e| {
            panic!("message {seq} of writer B not delivered while A is stopped: {e}")
        });
        let want = format!("7:{seq}:{}", 7u32.wrapping_mul(31).wrapping_add(seq));
        assert_eq!(String::from_utf8_lossy(&got), want);
    }
    assert_eq!(finish(b), 0);
    if !stopped(pid) {
        // Not expected; A still cannot publish before `go` exists.
        eprintln!("writer A was continued by someone else");
    }
    s.set_read_timeout(200).unwrap();
    assert!(s.recv_vec().is_err(), "A1 delivered while A is stopped");
    s.set_read_timeout(5000).unwrap();
    // Continued, A publishes A1, then sends A2.
    std::fs::write(&go, b"").unwrap();
    signal("-CONT");
    assert_eq!(s.recv_vec().unwrap(), b"A1");
    assert_eq!(s.recv_vec().unwrap(), b"A2");
    assert_eq!(a.line(), "sent");
    let _ = std::fs::remove_file(&go);
    guard.1.set(true);
    assert_eq!(finish(a), 0);
    assert_eq!(s.info().unwrap().message_count, 0);
}

/// Opens writers to `path` until one gets handle value `want` (the table reuses the lowest
/// free index, so the first one does); the others are kept open until the end.
fn writer_with_value(path: &str, want: u32, keep: &mut Vec<u32>) -> u32 {
    for _ in 0..64 {
        let h = MailslotWriter::open(path).unwrap().into_handle().into_raw();
        if h == want {
            return h;
        }
        keep.push(h);
    }
    panic!("handle value {want} was not reused");
}

#[test]
fn a_closed_and_reused_raw_handle_value_never_reaches_the_old_ring() {
    // The C ABI's ReadFile/WriteFile cache each thread's last resolved handles: a value closed
    // and given to another object must resolve afresh, in the thread that closed it and in
    // any other thread that used it.
    use std::sync::mpsc;
    use winipc::raw;
    init();
    let _w = watchdog(Duration::from_secs(30));
    let (pa, pb, pc) = (
        slot_name("reuse-a"),
        slot_name("reuse-b"),
        slot_name("reuse-c"),
    );
    let a = Mailslot::create(&pa, 0, 0).unwrap();
    let b = Mailslot::create(&pb, 0, 0).unwrap();
    let mut keep = Vec::new();
    let hw = MailslotWriter::open(&pa).unwrap().into_handle().into_raw();
    // Another thread writes through the raw value on request (its cache keeps `hw`).
    let (to_t, from_main) = mpsc::channel::<(u32, &'static [u8])>();
    let (to_main, from_t) = mpsc::channel();
    let t = std::thread::spawn(move || {
        for (h, msg) in from_main {
            to_main.send(raw::mailslot_write(h, msg).is_ok()).unwrap();
        }
    });
    let write_in_t = |h, msg| {
        to_t.send((h, msg)).unwrap();
        from_t.recv().unwrap()
    };
    for _ in 0..3 {
        assert!(write_in_t(hw, b"a-t"));
        raw::mailslot_write(hw, b"a-main").unwrap();
    }
    raw::close(hw).unwrap();
    assert!(!write_in_t(hw, b"closed"), "a closed value must fail");
    assert!(raw::mailslot_write(hw, b"closed").is_err());
    // The same value now names a writer to B.
    let hb = writer_with_value(&pb, hw, &mut keep);
    assert!(write_in_t(hb, b"b-t"));
    raw::mailslot_write(hb, b"b-main").unwrap();
    for _ in 0..6 {
        assert!(a.recv_vec().unwrap().starts_with(b"a-"));
    }
    assert_eq!(a.info().unwrap().message_count, 0, "nothing more reached A");
    assert_eq!(b.recv_vec().unwrap(), b"b-t");
    assert_eq!(b.recv_vec().unwrap(), b"b-main");
    // The receive side: a cached receive handle, closed, its value reused by another slot.
    let hr = a.into_handle().into_raw();
    let mut buf = [0u8; 16];
    raw::close(hb).unwrap();
    let wa = MailslotWriter::open(&pa).unwrap();
    wa.send(b"to-a").unwrap();
    assert_eq!(raw::mailslot_read(hr, &mut buf).unwrap(), 4);
    raw::close(hr).unwrap();
    let c = Mailslot::create(&pc, 0, 0).unwrap();
    let hc = c.into_handle().into_raw();
    assert_eq!(hc, hr, "the slot's handle reused the value");
    MailslotWriter::open(&pc).unwrap().send(b"to-c").unwrap();
    let n = raw::mailslot_read(hc, &mut buf).unwrap();
    assert_eq!(&buf[..n], b"to-c");
    drop(to_t);
    t.join().unwrap();
    for h in keep {
        raw::close(h).unwrap();
    }
}
