//! Model checks of the wait/signal protocol (see the crate docs). Each test explores every
//! interleaving loom allows; a lost wake-up shows up as a deadlock, a broken lock as a data race.

use loom::sync::Arc;

/// Explores every interleaving with at most `LOOM_MAX_PREEMPTIONS` (default 2) preemptions —
/// the bound under which loom's authors find almost all concurrency bugs in practice.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    b.check(f);
}
use loom::thread;
use winipc_model::{Outcome, Store};

/// A blocking waiter and a concurrent signal: the waiter is always released (a lost wake-up
/// would be a deadlock), whichever comes first.
#[test]
fn a_concurrent_signal_always_releases_a_blocking_waiter() {
    model(|| {
        let s = Arc::new(Store::new(2, false));
        let s1 = s.clone();
        let waiter = thread::spawn(move || s1.wait(0));
        s.set(1);
        assert_eq!(waiter.join().unwrap(), Outcome::Signaled);
        assert!(!s.is_signaled(1), "the auto-reset event was consumed");
        assert!(!s.result_pending(0));
    });
}

/// Two waiters linked, then two concurrent signals: each signal hands the event directly to one
/// waiter (FIFO), so both are released even though an auto-reset event cannot count.
#[test]
fn signals_after_linking_hand_off_to_every_waiter() {
    model(|| {
        let s = Arc::new(Store::new(4, false));
        let linked = Arc::new(loom::sync::atomic::AtomicUsize::new(0));
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let (s, linked) = (s.clone(), linked.clone());
                thread::spawn(move || {
                    let early = s.begin_wait(i);
                    linked.fetch_add(1, loom::sync::atomic::Ordering::SeqCst);
                    early.unwrap_or_else(|| s.finish_wait(i))
                })
            })
            .collect();
        while linked.load(loom::sync::atomic::Ordering::SeqCst) < 2 {
            thread::yield_now();
        }
        let s2 = s.clone();
        let signaler = thread::spawn(move || s2.set(2));
        s.set(3);
        signaler.join().unwrap();
        for w in waiters {
            assert_eq!(w.join().unwrap(), Outcome::Signaled);
        }
        assert!(!s.is_signaled(3));
    });
}

/// One signal, two waiters that may time out: the signal is consumed exactly once.
#[test]
fn one_signal_two_waiters_consumed_exactly_once() {
    model(|| {
        let s = Arc::new(Store::new(3, false));
        let waiters: Vec<_> = (0..2)
            .map(|i| {
                let s = s.clone();
                thread::spawn(move || s.wait_with_timeout(i))
            })
            .collect();
        s.set(2);
        let released = waiters
            .into_iter()
            .filter(|_| true)
            .map(|w| w.join().unwrap())
            .filter(|o| *o == Outcome::Signaled)
            .count();
        let left = usize::from(s.is_signaled(2));
        assert_eq!(
            released + left,
            1,
            "released {released}, left signaled {left}"
        );
    });
}

/// A waiter that times out while a signaler satisfies it: the signal is consumed exactly once —
/// either the waiter reports it, or the event stays signaled.
#[test]
fn timeout_racing_a_signal_consumes_it_exactly_once() {
    model(|| {
        let s = Arc::new(Store::new(2, false));
        let s1 = s.clone();
        let waiter = thread::spawn(move || s1.wait_with_timeout(0));
        s.set(1);
        let got = waiter.join().unwrap();
        let left = s.is_signaled(1);
        match got {
            Outcome::Signaled => {
                assert!(!left, "signal reported and still signaled: consumed twice")
            }
            Outcome::TimedOut => assert!(left, "timed out and the signal vanished: lost"),
        }
        assert!(!s.result_pending(0), "a committed result was left behind");
    });
}

/// A signal that arrives before anyone waits is kept for the next waiter.
#[test]
fn signal_before_wait_is_kept() {
    model(|| {
        let s = Arc::new(Store::new(2, false));
        let s1 = s.clone();
        let sig = thread::spawn(move || s1.set(1));
        assert_eq!(s.wait(0), Outcome::Signaled);
        sig.join().unwrap();
    });
}
