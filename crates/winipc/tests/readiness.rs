//! Readiness descriptors (decision 0013): objects as pollable descriptors, descriptors as
//! waitable handles; across processes, with killed signalers, and 10,000 idle registrations.

mod common;

use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use common::*;
use winipc::{Event, EventReset, Mutex, Readiness, WaitOutcome, raw, wait_for};

const T: Duration = Duration::from_secs(5);

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    match role.as_str() {
        // Sets the named event after a pause.
        "set-later" => {
            let ev = Event::create(&args[0], EventReset::Auto, false).unwrap();
            std::thread::sleep(Duration::from_millis(args[1].parse().unwrap()));
            ev.set().unwrap();
            say("set");
        }
        // Takes the named auto event (consumes a signal), says so, exits.
        "take" => {
            let ev = Event::create(&args[0], EventReset::Auto, false).unwrap();
            assert!(ev.wait(Some(T)).unwrap().is_signaled());
            say("taken");
        }
        "idle-10k" => idle_10k(),
        "c-registration" => c_registration(),
        // Owns the named mutex and waits to be killed.
        "own-mutex" => {
            let m = Mutex::create(&args[0], true).unwrap();
            say("owned");
            std::thread::sleep(Duration::from_secs(60));
            drop(m);
        }
        other => panic!("unknown role {other}"),
    }
}

fn readable_within(r: &Readiness, t: Duration) -> bool {
    r.wait_readable(Some(t)).unwrap()
}

/// Waits until the descriptor is *not* readable (the bridge drained it).
fn drained_within(r: &Readiness, t: Duration) -> bool {
    eventually(t, || !r.wait_readable(Some(Duration::ZERO)).unwrap())
}

#[test]
fn readable_while_signaled_and_polling_never_consumes() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let r = Readiness::new(ev.handle()).unwrap();
    assert!(!readable_within(&r, Duration::from_millis(50)));
    ev.set().unwrap();
    assert!(readable_within(&r, T));
    // Polling many times acquires nothing: the auto-reset event is still signaled, once.
    for _ in 0..100 {
        assert!(readable_within(&r, Duration::ZERO));
    }
    assert_eq!(
        wait_for(ev.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    // Consumed: the bridge drains the descriptor.
    assert!(drained_within(&r, T));
    assert_eq!(
        wait_for(ev.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::TimedOut
    );
    // A manual event: readable until reset.
    let m = Event::new(EventReset::Manual, true).unwrap();
    let rm = Readiness::new(m.handle()).unwrap();
    assert!(readable_within(&rm, T));
    assert!(
        wait_for(m.handle(), Some(Duration::ZERO))
            .unwrap()
            .is_signaled()
    );
    assert!(readable_within(&rm, Duration::from_millis(50)));
    m.reset().unwrap();
    assert!(drained_within(&rm, T));
}

#[test]
fn signaled_and_consumed_by_other_processes() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("ready-xproc");
    let ev = Event::create(&name, EventReset::Auto, false).unwrap();
    let r = Readiness::new(ev.handle()).unwrap();
    let mut k = spawn("set-later", &[&name, "100"]);
    let t0 = Instant::now();
    assert!(readable_within(&r, T), "another process's SetEvent");
    assert!(t0.elapsed() >= Duration::from_millis(50));
    assert_eq!(k.line(), "set");
    assert_eq!(k.finish(), 0);
    // Another process takes it: our descriptor stops being readable, without our help.
    let mut k = spawn("take", &[&name]);
    assert_eq!(k.line(), "taken");
    assert_eq!(k.finish(), 0);
    assert!(drained_within(&r, T), "another process's wait drains it");
}

#[test]
fn killed_mutex_owner_makes_it_readable() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("ready-mutex");
    let mut k = spawn("own-mutex", &[&name]);
    assert_eq!(k.line(), "owned");
    let m = Mutex::create(&name, false).unwrap();
    let r = Readiness::new(m.handle()).unwrap();
    assert!(!readable_within(&r, Duration::from_millis(100)));
    k.kill();
    assert!(readable_within(&r, T), "the owner's death");
    // A poll now gets it, abandoned.
    assert_eq!(
        wait_for(m.handle(), Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Abandoned(0)
    );
    m.release().unwrap();
}

fn pair() -> (UnixStream, UnixStream, OwnedFd) {
    let (a, b) = UnixStream::pair().unwrap();
    let dup = b.as_fd().try_clone_to_owned().unwrap();
    (a, b, dup)
}

#[test]
fn descriptor_handle_mixes_with_objects_in_one_wait() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let (mut a, mut b, dup) = pair();
    let h = raw::fd_handle(dup).unwrap();
    let ev = Event::new(EventReset::Auto, false).unwrap();
    let both = [h, ev.handle().as_raw()];
    let short = Some(Duration::from_millis(30));
    assert_eq!(
        raw::wait(&both, false, short).unwrap(),
        WaitOutcome::TimedOut
    );
    // Readable from another thread while we sleep in the wait.
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        a.write_all(b"x").unwrap();
        a
    });
    assert_eq!(
        raw::wait(&both, false, Some(T)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    let mut a = t.join().unwrap();
    // Not consumed: signaled while readable.
    assert_eq!(
        raw::wait(&both, false, Some(Duration::ZERO)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    let mut buf = [0u8; 1];
    b.read_exact(&mut buf).unwrap();
    assert_eq!(
        raw::wait(&both, false, short).unwrap(),
        WaitOutcome::TimedOut
    );
    ev.set().unwrap();
    assert_eq!(
        raw::wait(&both, false, Some(T)).unwrap(),
        WaitOutcome::Signaled(1)
    );
    // Wait-all: both at once.
    a.write_all(b"y").unwrap();
    ev.set().unwrap();
    assert_eq!(
        raw::wait(&both, true, Some(T)).unwrap(),
        WaitOutcome::Signaled(0)
    );
    // It is no event: SetEvent is refused, and it cannot leave the process.
    assert_eq!(raw::event_set(h).unwrap_err().win32_code(), 5);
    let e = raw::duplicate_into(h, 1, false).unwrap_err();
    assert_eq!(e.win32_code(), 50, "ERROR_NOT_SUPPORTED");
    assert_eq!(
        raw::set_handle_flags(h, raw::HANDLE_FLAG_INHERIT, raw::HANDLE_FLAG_INHERIT)
            .unwrap_err()
            .win32_code(),
        50,
        "not inheritable"
    );
    // Its own readiness descriptor is refused (poll the descriptor itself).
    assert_eq!(raw::handle_fd(h).unwrap_err().win32_code(), 50);
    raw::close(h).unwrap();
    assert_eq!(raw::wait(&[h], false, short).unwrap_err().win32_code(), 6);
}

/// In a child process, where no parallel test can reuse the descriptor number.
#[test]
fn c_registration_lives_until_close() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let mut k = spawn("c-registration", &[]);
    assert_eq!(k.line(), "ok");
    assert_eq!(k.finish(), 0);
}

fn c_registration() {
    let ev = Event::new(EventReset::Manual, true).unwrap();
    let h = raw::duplicate(ev.handle().as_raw(), false).unwrap();
    let fd = raw::handle_fd(h).unwrap();
    assert_eq!(raw::handle_fd(h).unwrap(), fd, "the same descriptor again");
    assert!(std::path::Path::new(&format!("/proc/self/fd/{fd}")).exists());
    raw::close(h).unwrap();
    // Closed with the handle (the bridge thread may hold the registration for the moment it
    // takes to finish looking at it).
    assert!(
        eventually(Duration::from_secs(2), || !std::path::Path::new(&format!(
            "/proc/self/fd/{fd}"
        ))
        .exists()),
        "closed with the handle"
    );
    say("ok");
}

fn fd_count() -> usize {
    std::fs::read_dir("/proc/self/fd").unwrap().count()
}

fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").unwrap().count()
}

fn rss_kib() -> usize {
    let s = std::fs::read_to_string("/proc/self/status").unwrap();
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// The stated cost of 10,000 idle registrations: one descriptor each, no thread but the one
/// bridge, bounded memory; a signal on one of them is still seen promptly. Measured in a
/// child process, where no other test opens descriptors or starts threads meanwhile.
#[test]
fn ten_thousand_idle_registrations() {
    init();
    let _w = watchdog(Duration::from_secs(120));
    let mut k = spawn("idle-10k", &[]);
    let line = k.line();
    eprintln!("{line}");
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let [n, fds, threads, kib, latency_us] = nums[..] else {
        panic!("{line}");
    };
    assert_eq!(n, 9_999);
    assert_eq!(fds, n, "one descriptor per registration");
    assert_eq!(threads, 0, "no thread per registration");
    assert!(kib < 10 * 1024, "{kib} KiB");
    assert!(latency_us < 500_000, "{latency_us} µs");
    assert_eq!(k.finish(), 0);
}

fn idle_10k() {
    const N: usize = 10_000;
    let events: Vec<Event> = (0..N)
        .map(|_| Event::new(EventReset::Auto, false).unwrap())
        .collect();
    let first = Readiness::new(events[0].handle()).unwrap(); // starts the bridge
    std::thread::sleep(Duration::from_millis(50));
    let (fds0, threads0, rss0) = (fd_count(), threads(), rss_kib());
    let regs: Vec<Readiness> = events[1..]
        .iter()
        .map(|e| Readiness::new(e.handle()).unwrap())
        .collect();
    let fds = fd_count() - fds0;
    let threads = threads() - threads0;
    let rss = rss_kib().saturating_sub(rss0);
    let t0 = Instant::now();
    events[N - 1].set().unwrap();
    assert!(regs[N - 2].wait_readable(Some(T)).unwrap());
    let latency = t0.elapsed();
    assert!(!first.wait_readable(Some(Duration::ZERO)).unwrap());
    say(format!(
        "{} registrations: +{fds} descriptors, +{threads} threads, +{rss} KiB resident; \
         a signal seen in {} us",
        N - 1,
        latency.as_micros()
    ));
}

/// A mailslot's descriptor through the C ABI's calls: readable while a message is queued,
/// drained after `ReadFile` took the last one.
#[test]
fn mailslot_descriptor_follows_the_queue() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = format!(r"\\.\mailslot\{}", uniq("ready-ms"));
    let slot = winipc::Mailslot::create(&name, 0, 0).unwrap();
    let h = slot.handle().as_raw();
    // The C registration keeps the object registered; each check below adds a value of its own.
    raw::handle_fd(h).unwrap();
    let readable = |t: Duration| {
        let r = Readiness::new(slot.handle()).unwrap();
        r.wait_readable(Some(t)).unwrap()
    };
    assert!(!readable(Duration::from_millis(30)));
    let w = winipc::MailslotWriter::open(&name).unwrap();
    w.send(b"one").unwrap();
    w.send(b"two").unwrap();
    assert!(readable(T));
    let mut buf = [0u8; 16];
    assert_eq!(raw::mailslot_read(h, &mut buf).unwrap(), 3);
    assert!(readable(Duration::ZERO), "one still queued");
    assert_eq!(raw::mailslot_read(h, &mut buf).unwrap(), 3);
    assert!(
        eventually(T, || !readable(Duration::ZERO)),
        "drained after the last read"
    );
}

/// A timer's descriptor becomes readable at its due time, with no signaler at all.
#[test]
fn timer_descriptor_turns_readable_when_due() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let t = winipc::Timer::new(true).unwrap();
    let r = Readiness::new(t.handle()).unwrap();
    let t0 = Instant::now();
    t.set(winipc::DueTime::After(Duration::from_millis(80)), None)
        .unwrap();
    assert!(!r.wait_readable(Some(Duration::from_millis(20))).unwrap());
    assert!(r.wait_readable(Some(T)).unwrap());
    let late = t0.elapsed();
    assert!(late >= Duration::from_millis(75), "{late:?}");
    assert!(late < Duration::from_secs(2), "{late:?}");
}
