//! The shared-memory data path of named pipes (decision 0016) across processes: message
//! boundaries, `ERROR_MORE_DATA` and a message too large for the ring (which moves its
//! direction to the socket, in order); byte streams; the peer's SIGKILL while the other end
//! sleeps in a ring read or write; `DisconnectNamedPipe` while blocked; peeks, transactions
//! and flushes; and a client that scribbles over the shared memory.

mod common;

use std::time::{Duration, Instant};

use common::*;
use winipc::code::*;
use winipc::pipe::{ClientAccess, PipeClient, PipeInstance, PipeOptions, PipeType, ReadMode};

fn pipe_name(tag: &str) -> String {
    init();
    format!(r"\\.\pipe\{}", uniq(tag))
}

fn options(message: bool) -> PipeOptions {
    let mut o = PipeOptions::new();
    if message {
        o.pipe_type(PipeType::Message).read_mode(ReadMode::Message);
    }
    o.shared_memory(true);
    o
}

fn err_code<T: std::fmt::Debug>(r: std::io::Result<T>) -> u32 {
    code(&r.expect_err("an error"))
}

/// The messages a client sends: small ones, zero-length ones, a large one (in parts through
/// the reader's buffer), and small ones after it. (A message larger than a ring, which moves
/// its direction to the socket, needs a peer's smaller ring: `pipe::end`'s unit tests.)
fn messages() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = Vec::new();
    for i in 0..300u32 {
        let len = (i as usize * 37) % 200;
        v.push((0..len).map(|k| (k as u32 ^ i) as u8).collect());
        if i % 50 == 0 {
            v.push(Vec::new());
        }
    }
    v.push((0..100_000u32).map(|k| (k % 251) as u8).collect());
    for i in 0..20u8 {
        v.push(vec![i; 10 + usize::from(i)]);
    }
    v
}

/// The bytes of the byte-stream test.
fn stream() -> Vec<u8> {
    (0..600_000u32)
        .map(|k| (k.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect()
}

fn connect_shared(name: &str) -> PipeClient {
    PipeClient::open_shared(name, ClientAccess::DUPLEX).unwrap()
}

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    let name = &args[0];
    match role.as_str() {
        "messages" => {
            let c = connect_shared(name);
            say(format!("shared {}", c.uses_shared_memory()));
            for m in messages() {
                assert_eq!(c.send(&m).unwrap(), m.len());
            }
            c.set_handle_state(Some(ReadMode::Message), None).unwrap();
            let mut b = [0u8; 64];
            let d = c.recv(&mut b).unwrap();
            say(format!("reply {}", String::from_utf8_lossy(&b[..d.len])));
        }
        "bytes" => {
            let c = connect_shared(name);
            say(format!("shared {}", c.uses_shared_memory()));
            let all = stream();
            let mut at = 0;
            let mut k = 0usize;
            while at < all.len() {
                let n = [1, 63, 4096, 70_000, 5][k % 5].min(all.len() - at);
                k += 1;
                assert_eq!(c.send(&all[at..at + n]).unwrap(), n);
                at += n;
            }
            c.flush_buffers().unwrap();
            say("flushed");
        }
        "hold" => {
            let c = connect_shared(name);
            c.send(b"last words").unwrap();
            say(format!("ready {}", c.uses_shared_memory()));
            std::thread::sleep(Duration::from_secs(60));
        }
        "hold-silent" => {
            let c = connect_shared(name);
            say(format!("ready {}", c.uses_shared_memory()));
            std::thread::sleep(Duration::from_secs(60));
        }
        "server-hold" => {
            let s = options(true).create(name).unwrap();
            say("ready");
            s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
            s.send(b"from the server").unwrap();
            say("connected");
            std::thread::sleep(Duration::from_secs(60));
        }
        "scribble" => {
            let c = connect_shared(name);
            c.send(b"before").unwrap();
            c.flush_buffers().unwrap();
            // (A seed whose garbage the reader recognises as such with 1 MiB rings; other
            // garbage may read as an empty ring or a busy reader lock: the unit tests.)
            c.scribble_shared_memory(2u64.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            say("scribbled");
            std::thread::sleep(Duration::from_secs(60));
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn messages_keep_their_boundaries_and_order_across_processes() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-msg");
    let s = options(true).create(&name).unwrap();
    let mut kid = spawn("messages", &[&name]);
    assert_eq!(kid.line(), "shared true");
    s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut small = [0u8; 50];
    for (i, m) in messages().iter().enumerate() {
        // Through a 50-byte buffer: longer messages come in parts, `more` set but on the last.
        let mut got = Vec::new();
        loop {
            let d = s.recv(&mut small).unwrap();
            got.extend_from_slice(&small[..d.len]);
            if !d.more {
                break;
            }
        }
        assert_eq!(got.len(), m.len(), "message {i}");
        assert!(&got == m, "message {i}");
    }
    s.send(b"all in order").unwrap();
    assert_eq!(kid.line(), "reply all in order");
    assert_eq!(finish(kid), 0);
}

#[test]
fn a_byte_pipe_streams_across_processes() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-bytes");
    let s = options(false).create(&name).unwrap();
    let mut kid = spawn("bytes", &[&name]);
    assert_eq!(kid.line(), "shared true");
    s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
    let want = stream();
    let mut got = Vec::with_capacity(want.len());
    let sizes = [7usize, 100_000, 1, 4096, 333];
    let mut k = 0;
    while got.len() < want.len() {
        let mut b = vec![0u8; sizes[k % sizes.len()]];
        k += 1;
        let d = s.recv(&mut b).unwrap();
        assert!(!d.more);
        got.extend_from_slice(&b[..d.len]);
    }
    assert!(got == want, "the same bytes in the same order");
    assert_eq!(kid.line(), "flushed");
    assert_eq!(finish(kid), 0);
}

/// Runs `read` on a thread; kills `kid` once it is asleep; returns the read's result and how
/// long after the kill it came.
fn kill_during<T: Send + 'static>(
    kid: &mut Kid,
    read: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> (std::io::Result<T>, Duration) {
    let t = std::thread::spawn(move || {
        let r = read();
        (r, Instant::now())
    });
    std::thread::sleep(Duration::from_millis(300));
    let killed = Instant::now();
    let _ = kid.child.kill();
    let (r, at) = t.join().unwrap();
    let _ = kid.child.wait();
    (r, at.saturating_duration_since(killed))
}

#[test]
fn killing_the_client_wakes_a_server_asleep_in_a_ring_read() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-killc");
    let s = std::sync::Arc::new(options(true).create(&name).unwrap());
    let mut kid = spawn("hold", &[&name]);
    assert_eq!(kid.line(), "ready true");
    s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut b = [0u8; 32];
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"last words");
    let s2 = s.clone();
    let (r, after) = kill_during(&mut kid, move || s2.recv(&mut [0u8; 32]));
    assert_eq!(err_code(r), ERROR_BROKEN_PIPE);
    assert!(
        after < Duration::from_millis(100),
        "woken {after:?} after the kill"
    );
    assert_eq!(err_code(s.send(b"anyone?")), ERROR_NO_DATA);
    assert_eq!(err_code(s.peek(&mut b)), ERROR_BROKEN_PIPE);
}

#[test]
fn killing_the_server_wakes_a_client_asleep_in_a_ring_read() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-kills");
    let mut kid = spawn("server-hold", &[&name]);
    assert_eq!(kid.line(), "ready");
    let c = std::sync::Arc::new(connect_shared(&name));
    assert!(c.uses_shared_memory());
    assert_eq!(kid.line(), "connected");
    let mut b = [0u8; 32];
    let d = c.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"from the server");
    let c2 = c.clone();
    let (r, after) = kill_during(&mut kid, move || c2.recv(&mut [0u8; 32]));
    assert_eq!(err_code(r), ERROR_BROKEN_PIPE);
    assert!(
        after < Duration::from_millis(100),
        "woken {after:?} after the kill"
    );
    assert_eq!(err_code(c.send(b"hello?")), ERROR_NO_DATA);
}

#[test]
fn killing_the_client_wakes_a_server_blocked_on_a_full_ring() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-killw");
    let s = std::sync::Arc::new(options(true).create(&name).unwrap());
    let mut kid = spawn("hold-silent", &[&name]);
    assert_eq!(kid.line(), "ready true");
    s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
    let msg = vec![3u8; 1000];
    while s.try_write(&msg).unwrap().is_some() {}
    let s2 = s.clone();
    let (r, after) = kill_during(&mut kid, move || s2.send(&[3u8; 1000]));
    assert_eq!(err_code(r), ERROR_NO_DATA);
    assert!(
        after < Duration::from_millis(100),
        "woken {after:?} after the kill"
    );
}

#[test]
fn closing_the_server_wakes_a_client_asleep_in_a_ring_read() {
    let _w = watchdog(Duration::from_secs(30));
    let (s, c) = local_pair("shm-close", false, 0);
    s.send(b"first").unwrap();
    std::thread::scope(|sc| {
        let reader = sc.spawn(|| {
            let mut b = [0u8; 16];
            let d = c.recv(&mut b).unwrap();
            assert_eq!(&b[..d.len], b"first");
            let r = c.recv(&mut b);
            (r, Instant::now())
        });
        std::thread::sleep(Duration::from_millis(200));
        let closed = Instant::now();
        drop(s);
        let (r, at) = reader.join().unwrap();
        assert_eq!(err_code(r), ERROR_BROKEN_PIPE);
        assert!(at.duration_since(closed) < Duration::from_millis(100));
    });
    assert_eq!(err_code(c.send(b"x")), ERROR_NO_DATA);
}

/// A server instance and a client with shared memory in this process.
fn local_pair(tag: &str, message: bool, buffer: u32) -> (PipeInstance, PipeClient) {
    let name = pipe_name(tag);
    let s = options(message)
        .buffer_sizes(buffer, buffer)
        .create(&name)
        .unwrap();
    let c = connect_shared(&name);
    s.connect().unwrap();
    assert!(c.uses_shared_memory());
    (s, c)
}

#[test]
fn disconnect_wakes_blocked_readers_and_writers() {
    let _w = watchdog(Duration::from_secs(30));
    let (s, c) = local_pair("shm-disc", true, 0);
    std::thread::scope(|sc| {
        let reader = sc.spawn(|| c.recv(&mut [0u8; 8]));
        std::thread::sleep(Duration::from_millis(200));
        let t0 = Instant::now();
        s.disconnect().unwrap();
        assert_eq!(err_code(reader.join().unwrap()), ERROR_PIPE_NOT_CONNECTED);
        assert!(t0.elapsed() < Duration::from_millis(100));
    });
    assert_eq!(err_code(c.send(b"x")), ERROR_PIPE_NOT_CONNECTED);

    // A writer blocked on a full ring (and a full socket behind it: none, the ring is the
    // buffer): the server's disconnect wakes it with the same error.
    let (s, c) = local_pair("shm-disc-w", true, 0);
    let msg = vec![7u8; 1000];
    let mut sent = 0;
    while c.try_write(&msg).unwrap().is_some() {
        sent += 1;
    }
    assert!(sent >= 1000, "a 1 MiB ring holds {sent} KB messages");
    std::thread::scope(|sc| {
        let writer = sc.spawn(|| c.send(&msg));
        std::thread::sleep(Duration::from_millis(200));
        s.disconnect().unwrap();
        let r = writer.join().unwrap();
        assert_eq!(err_code(r), ERROR_PIPE_NOT_CONNECTED);
    });
}

#[test]
fn peeks_transactions_flushes_and_nowait_work_over_shared_memory() {
    let _w = watchdog(Duration::from_secs(30));
    let (s, c) = local_pair("shm-peek", true, 0);
    c.set_handle_state(Some(ReadMode::Message), None).unwrap();
    c.send(b"hello").unwrap();
    c.send(b"").unwrap();
    c.send(b"world!").unwrap();
    let mut b = [0u8; 3];
    let p = s.peek(&mut b).unwrap();
    assert_eq!((p.read, p.available, p.left_in_message), (3, 11, 2));
    assert_eq!(&b, b"hel");
    let d = s.recv(&mut b).unwrap();
    assert_eq!((d.len, d.more), (3, true));
    let mut big = [0u8; 16];
    assert_eq!(s.recv(&mut big).unwrap().len, 2);
    let d = s.recv(&mut big).unwrap();
    assert_eq!((d.len, d.more), (0, false), "a zero-length message");
    // In byte-read mode a read takes what is queued.
    s.set_handle_state(Some(ReadMode::Byte), None).unwrap();
    assert_eq!(s.recv(&mut big).unwrap().len, 6);
    s.set_handle_state(Some(ReadMode::Message), Some(true))
        .unwrap();
    assert_eq!(err_code(s.recv(&mut big)), ERROR_NO_DATA, "PIPE_NOWAIT");
    s.set_handle_state(None, Some(false)).unwrap();
    // A transaction: the server answers in a thread.
    std::thread::scope(|sc| {
        sc.spawn(|| {
            let mut q = [0u8; 16];
            let d = s.recv(&mut q).unwrap();
            let up = q[..d.len].to_ascii_uppercase();
            s.send(&up).unwrap();
        });
        let d = c.transact(b"question", &mut big).unwrap();
        assert_eq!(&big[..d.len], b"QUESTION");
    });
    // A flush waits until the peer has read.
    c.send(b"flush me").unwrap();
    std::thread::scope(|sc| {
        let t = sc.spawn(|| {
            std::thread::sleep(Duration::from_millis(100));
            s.recv(&mut [0u8; 16]).unwrap()
        });
        let t0 = Instant::now();
        c.flush_buffers().unwrap();
        assert!(t0.elapsed() >= Duration::from_millis(80));
        assert_eq!(t.join().unwrap().len, 8);
    });
    // ERROR_MORE_DATA for a large message is kept too.
    let large = vec![5u8; 120_000];
    std::thread::scope(|sc| {
        sc.spawn(|| c.send(&large).unwrap());
        let mut part = vec![0u8; 100_000];
        let d = s.recv(&mut part).unwrap();
        assert_eq!((d.len, d.more), (100_000, true));
        let d = s.recv(&mut part).unwrap();
        assert_eq!((d.len, d.more), (20_000, false));
    });
    // Closing the client: reads after what it wrote fail with ERROR_BROKEN_PIPE.
    c.send(b"bye").unwrap();
    drop(c);
    let d = s.recv(&mut big).unwrap();
    assert_eq!(&big[..d.len], b"bye");
    assert_eq!(err_code(s.recv(&mut big)), ERROR_BROKEN_PIPE);
}

#[test]
fn a_disconnected_instance_serves_its_next_client_over_new_shared_memory() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-again");
    let s = options(true).create(&name).unwrap();
    for round in 0..3u8 {
        if round > 0 {
            // ConnectNamedPipe again: listening (pending) until the client comes.
            assert!(s.try_connect().unwrap().is_none());
        }
        let c = connect_shared(&name);
        s.connect().unwrap();
        assert!(c.uses_shared_memory(), "round {round}");
        c.send(&[round; 100]).unwrap();
        let mut b = [0u8; 200];
        assert_eq!(s.recv(&mut b).unwrap().len, 100);
        assert_eq!(b[0], round);
        s.send(b"bye").unwrap();
        s.disconnect().unwrap();
        assert_eq!(err_code(c.send(b"late")), ERROR_PIPE_NOT_CONNECTED);
    }
}

#[test]
fn only_both_sides_asking_get_shared_memory() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-ask");
    let _plain = PipeOptions::new().create(&name).unwrap();
    let c = connect_shared(&name);
    assert!(!c.uses_shared_memory(), "the server did not offer it");
    c.send(b"still a pipe").unwrap();
    let name = pipe_name("shm-offer");
    let s = options(false).create(&name).unwrap();
    let c = PipeClient::open(&name).unwrap();
    assert!(!c.uses_shared_memory(), "the client did not ask");
    s.connect().unwrap();
    c.send(b"ok").unwrap();
    assert_eq!(s.recv(&mut [0u8; 4]).unwrap().len, 2);
}

#[test]
fn a_client_scribbling_over_the_shared_memory_gets_the_server_an_error() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-scribble");
    let s = options(true).create(&name).unwrap();
    let mut kid = spawn("scribble", &[&name]);
    s.connect_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut b = [0u8; 64];
    let d = s.recv(&mut b).unwrap();
    assert_eq!(&b[..d.len], b"before");
    assert_eq!(kid.line(), "scribbled");
    // Reads, peeks and writes fail (or time out), never hang or panic.
    let r = s.recv_timeout(&mut b, Some(Duration::from_millis(500)));
    assert_eq!(err_code(r), ERROR_FILE_CORRUPT, "a read of garbage");
    let _ = s.peek(&mut b);
    let w = s.send_timeout(b"x", Some(Duration::from_millis(500)));
    let _ = w;
    kid.kill();
    assert!(
        s.recv_timeout(&mut b, Some(Duration::from_secs(5)))
            .is_err()
    );
}

/// Several threads reading one end (decision 0022: reads are biased to the first reader
/// thread, and the second one's first read revokes that): every part of every message comes
/// out exactly once, with `ERROR_MORE_DATA` on all but its last part, and each thread sees
/// the parts in the stream's order (reads are serialized, so a thread's reads are a
/// subsequence of it). Many fresh connections, so the revocation meets the owner mid-read.
#[test]
fn reads_on_several_threads_stay_whole_and_in_order() {
    let _w = watchdog(Duration::from_secs(120));
    // Odd messages come in 3 parts, even ones whole (a read that fits takes the short way).
    let parts = |i: u32| if i % 2 == 1 { 3 } else { 1 };
    const MESSAGES: u32 = 3000;
    for round in 0..10 {
        let (s, c) = local_pair("shm-threads", true, 0);
        // Message i: parts of 7 bytes, each [i (4 bytes LE), part, round, 0xA5].
        let part = |i: u32, p: usize| {
            let mut b = [0u8; 7];
            b[..4].copy_from_slice(&i.to_le_bytes());
            b[4] = p as u8;
            b[5] = round;
            b[6] = 0xA5;
            b
        };
        let seen: Vec<Vec<(u32, usize)>> = std::thread::scope(|sc| {
            sc.spawn(|| {
                for i in 0..MESSAGES {
                    let m: Vec<u8> = (0..parts(i)).flat_map(|p| part(i, p)).collect();
                    c.send(&m).unwrap();
                }
                c.send(b"").unwrap(); // one empty message per reader: stop
                c.send(b"").unwrap();
            });
            let read = || {
                let mut got = Vec::new();
                loop {
                    let mut b = [0u8; 7];
                    let d = s.recv(&mut b).unwrap();
                    if d.len == 0 {
                        return got;
                    }
                    let i = u32::from_le_bytes(b[..4].try_into().unwrap());
                    let p = usize::from(b[4]);
                    assert!(i < MESSAGES && p < parts(i), "a torn part: {b:?}");
                    assert_eq!(b, part(i, p), "a torn part");
                    assert_eq!(d.more, p + 1 < parts(i), "ERROR_MORE_DATA on part {p}");
                    got.push((i, p));
                }
            };
            let first = sc.spawn(read);
            std::thread::sleep(Duration::from_micros(100 * u64::from(round % 3)));
            let second = sc.spawn(read);
            vec![first.join().unwrap(), second.join().unwrap()]
        });
        let mut all: Vec<(u32, usize)> = seen.concat();
        for (t, v) in seen.iter().enumerate() {
            assert!(
                v.windows(2).all(|w| w[0] < w[1]),
                "round {round}: thread {t} read parts out of the stream's order"
            );
        }
        all.sort_unstable();
        let want: Vec<(u32, usize)> = (0..MESSAGES)
            .flat_map(|i| (0..parts(i)).map(move |p| (i, p)))
            .collect();
        assert_eq!(all, want, "round {round}: every part exactly once");
    }
}

/// A thread that read an instance finds its next client after a disconnect on another
/// thread (it keeps a reference to the connection it used last: decision 0022), and
/// dropping the instance on another thread closes the connection for the client at once,
/// whatever that reader thread still holds.
#[test]
fn a_reader_thread_follows_its_instance_to_the_next_client() {
    let _w = watchdog(Duration::from_secs(30));
    let name = pipe_name("shm-follow");
    let s = options(true).create(&name).unwrap();
    let (to_reader, work) = std::sync::mpsc::channel::<()>();
    let (to_main, done) = std::sync::mpsc::channel::<std::io::Result<Vec<u8>>>();
    std::thread::scope(|sc| {
        let s = &s;
        sc.spawn(move || {
            while work.recv().is_ok() {
                let mut b = [0u8; 16];
                let r = s
                    .recv_timeout(&mut b, Some(Duration::from_secs(5)))
                    .map(|d| b[..d.len].to_vec());
                to_main.send(r).unwrap();
            }
        });
        for round in 0..3u8 {
            if round > 0 {
                assert!(s.try_connect().unwrap().is_none());
            }
            let c = connect_shared(&name);
            s.connect().unwrap();
            c.send(&[round; 5]).unwrap();
            to_reader.send(()).unwrap();
            assert_eq!(
                done.recv().unwrap().unwrap(),
                vec![round; 5],
                "round {round}"
            );
            s.disconnect().unwrap();
            // The reader thread's next read is on the disconnected instance.
            to_reader.send(()).unwrap();
            assert_eq!(err_code(done.recv().unwrap()), ERROR_PIPE_NOT_CONNECTED);
        }
        drop(to_reader);
    });
    // The instance dropped on this thread while a reader thread that lives on read it last.
    let name = pipe_name("shm-follow-drop");
    let s = std::sync::Arc::new(options(true).create(&name).unwrap());
    let c = connect_shared(&name);
    s.connect().unwrap();
    c.send(b"one").unwrap();
    let (to_main, done) = std::sync::mpsc::channel::<()>();
    let (release, hold) = std::sync::mpsc::channel::<()>();
    let reader = {
        let s = s.clone();
        std::thread::spawn(move || {
            assert_eq!(s.recv(&mut [0u8; 8]).unwrap().len, 3);
            drop(s);
            to_main.send(()).unwrap();
            let _ = hold.recv();
        })
    };
    done.recv().unwrap();
    let t0 = Instant::now();
    drop(s); // the last handle: the instance closes here
    assert_eq!(err_code(c.recv(&mut [0u8; 8])), ERROR_BROKEN_PIPE);
    assert_eq!(err_code(c.send(b"x")), ERROR_NO_DATA);
    assert!(t0.elapsed() < Duration::from_secs(1));
    drop(release);
    reader.join().unwrap();
}
