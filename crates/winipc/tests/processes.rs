//! Process and thread objects; handle inheritance into children.

mod common;

use std::time::Duration;

use common::*;
use winipc::{
    Event, EventReset, Handle, Mailslot, MailslotWriter, Process, STILL_ACTIVE, Security,
    Semaphore, Thread, WaitOutcome, wait_all,
};

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    let a = |i: usize| args[i].clone();
    match role.as_str() {
        "exit-with" => winipc::exit_process(a(0).parse().unwrap()),
        "sleep-then-exit" => {
            std::thread::sleep(Duration::from_millis(a(0).parse().unwrap()));
            std::process::exit(a(1).parse().unwrap());
        }
        // Use inherited handle values directly; exit 1 (not a panic) when they are not there.
        "use-inherited" => {
            let handle = |i: usize| Handle::from_raw(a(i).parse().unwrap());
            let used = handle(0)
                .and_then(Event::from_handle)
                .and_then(|ev| ev.set())
                .and_then(|_| handle(1).and_then(Semaphore::from_handle))
                .and_then(|sem| sem.release(1));
            if let Err(e) = used {
                say(format!("inherited handles unusable: {e}"));
                std::process::exit(1);
            }
            // A handle that was not inheritable is not there.
            say(code(&handle(2).unwrap_err()));
        }
        "spawn-grandchild" => {
            // Spawn a child that lives a while, print its pid, exit.
            let p = Process::spawn(child_cmd("sleep-then-exit", &["400", "7"]), false).unwrap();
            say(p.pid());
            std::thread::sleep(Duration::from_millis(800));
            say(p.exit_code().unwrap());
        }
        "hold-inherited-names" => {
            // Keeps an inherited mailslot and Global event; the parent has closed its own.
            let slot = Mailslot::from_handle(Handle::from_raw(a(0).parse().unwrap()).unwrap());
            let ev = Event::from_handle(Handle::from_raw(a(1).parse().unwrap()).unwrap());
            let (slot, ev) = (slot.unwrap(), ev.unwrap());
            say("ready");
            let got = slot.recv_timeout(&mut [0u8; 64], Some(Duration::from_secs(20)));
            say(format!("got {got:?}"));
            say(format!(
                "event {:?}",
                ev.wait(Some(Duration::from_secs(20)))
            ));
        }
        other => panic!("unknown role {other}"),
    }
}

#[test]
fn spawn_wait_and_exit_codes() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let p = Process::spawn(child_cmd("sleep-then-exit", &["200", "3"]), false).unwrap();
    assert_eq!(p.exit_code().unwrap(), STILL_ACTIVE);
    assert_eq!(p.wait(Some(Duration::ZERO)).unwrap(), WaitOutcome::TimedOut);
    assert_eq!(
        p.wait(Some(Duration::from_secs(20))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(p.exit_code().unwrap(), 3);
    // The main thread object exits with the process.
    let t = p.main_thread().unwrap();
    assert_eq!(
        t.wait(Some(Duration::from_secs(5))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(t.exit_code().unwrap(), 3);
}

#[test]
fn exit_process_codes_reach_the_parent_in_full() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    for want in [0u32, 300, 500_500, 0xC000_0005] {
        let p = Process::spawn(child_cmd("exit-with", &[&want.to_string()]), false).unwrap();
        assert!(p.wait(Some(Duration::from_secs(20))).unwrap().is_signaled());
        assert_eq!(p.exit_code().unwrap(), want);
    }
}

#[test]
fn terminate_and_sigkill() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let p = Process::spawn(child_cmd("sleep-then-exit", &["30000", "0"]), false).unwrap();
    p.terminate(0xDEAD).unwrap();
    assert!(p.wait(Some(Duration::from_secs(10))).unwrap().is_signaled());
    assert_eq!(p.exit_code().unwrap(), 0xDEAD);
    assert_eq!(
        code(&p.terminate(1).unwrap_err()),
        5,
        "terminating an exited process is denied"
    );
    let mut raw = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let q = Process::open(raw.id()).unwrap();
    assert_eq!(q.exit_code().unwrap(), STILL_ACTIVE);
    raw.kill().unwrap();
    raw.wait().unwrap();
    assert!(q.wait(Some(Duration::from_secs(10))).unwrap().is_signaled());
    assert_eq!(q.exit_code().unwrap(), 128 + 9);
}

#[test]
fn opening_a_non_child_reads_its_exit_status() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    // Our child spawns a grandchild; we open the grandchild by pid and wait on it.
    let mut c = spawn("spawn-grandchild", &[]);
    let pid: u32 = c.line().parse().unwrap();
    let g = Process::open(pid).unwrap();
    assert_eq!(
        g.wait(Some(Duration::from_secs(10))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(c.line(), "7", "the parent sees the code");
    assert_eq!(
        g.exit_code().unwrap(),
        7,
        "and so does a non-parent (PIDFD_INFO_EXIT)"
    );
    assert_eq!(c.finish(), 0);
    assert_eq!(code(&Process::open(0x3fff_fff0).unwrap_err()), 87);
}

#[test]
fn inheritable_handles_keep_their_values_in_the_child() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let ev = Event::make(
        None,
        EventReset::Manual,
        false,
        &Security::default().inheritable(true),
    )
    .unwrap();
    let sem = Semaphore::new(0, 5).unwrap();
    sem.handle().set_inheritable(true).unwrap();
    let private = Event::new(EventReset::Manual, false).unwrap();
    let args = [
        ev.handle().as_raw().to_string(),
        sem.handle().as_raw().to_string(),
        private.handle().as_raw().to_string(),
    ];
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let p = Process::spawn(child_cmd("use-inherited", &argv), true).unwrap();
    assert_eq!(
        wait_all(
            &[ev.handle(), sem.handle(), p.handle()],
            Some(Duration::from_secs(20))
        )
        .unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(p.exit_code().unwrap(), 0);
    // Without inheritance, nothing is passed.
    let p = Process::spawn(child_cmd("use-inherited", &argv), false).unwrap();
    p.wait(Some(Duration::from_secs(20))).unwrap();
    assert_ne!(
        p.exit_code().unwrap(),
        0,
        "the child could not use the handles"
    );
}

#[test]
fn threads_signal_on_exit_with_their_code() {
    init();
    let _w = watchdog(Duration::from_secs(20));
    let gate = Event::new(EventReset::Manual, false).unwrap();
    let g2 = Event::from_handle(gate.handle().try_clone().unwrap()).unwrap();
    let t = Thread::spawn(move || {
        g2.wait(None).unwrap();
        77
    })
    .unwrap();
    assert_eq!(t.exit_code().unwrap(), STILL_ACTIVE);
    assert_eq!(
        t.wait(Some(Duration::from_millis(50))).unwrap(),
        WaitOutcome::TimedOut
    );
    gate.set().unwrap();
    assert_eq!(
        t.wait(Some(Duration::from_secs(10))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(t.exit_code().unwrap(), 77);
    let panicky = Thread::spawn(|| panic!("boom")).unwrap();
    panicky.wait(Some(Duration::from_secs(10))).unwrap();
    assert_eq!(panicky.exit_code().unwrap(), winipc::PANIC_EXIT_CODE);
}

/// A child that inherits handles to a mailslot and a `Global\\` event keeps their names alive
/// after the parent closes its own handles (even before the child makes its first call, the
/// names' sockets are open in it): senders and openers still find them by name.
#[test]
fn inherited_handles_keep_their_machine_wide_names() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let slot_name = format!(r"\\.\mailslot\{}", uniq("inherited"));
    let ev_name = format!("Global\\{}", uniq("inherited"));
    let slot = Mailslot::create(&slot_name, 0, 0).unwrap();
    let ev = Event::create(&ev_name, EventReset::Manual, false).unwrap();
    slot.handle().set_inheritable(true).unwrap();
    ev.handle().set_inheritable(true).unwrap();
    let args = [
        slot.handle().as_raw().to_string(),
        ev.handle().as_raw().to_string(),
    ];
    let cmd = child_cmd("hold-inherited-names", &[&args[0], &args[1]]);
    let p = Process::spawn(cmd, true).unwrap();
    drop((slot, ev)); // the parent lets go at once, before the child's first call
    std::thread::sleep(Duration::from_millis(100));
    let w = MailslotWriter::open(&slot_name).expect("the child keeps the slot's name");
    w.send(b"to the child").unwrap();
    let again = Event::open(&ev_name).expect("the child keeps the event's name");
    again.set().unwrap();
    assert_eq!(
        p.wait(Some(Duration::from_secs(30))).unwrap(),
        WaitOutcome::Signaled(0)
    );
    assert_eq!(p.exit_code().unwrap(), 0);
    // With the child gone, both names are free.
    assert!(Mailslot::create(&slot_name, 0, 0).is_ok());
    drop(again);
    assert!(
        !Event::create(&ev_name, EventReset::Manual, false)
            .unwrap()
            .already_existed()
    );
}
