//! Sleeping on a 32-bit word in shared memory (`futex(2)`, shared — not private — futexes).

use std::sync::atomic::{AtomicU32, Ordering};

use rustix::thread::futex;

use crate::clock::now_ns;

/// Sleeps while `*word == expected`; returns on wake-up, value change or signal.
pub fn wait(word: &AtomicU32, expected: u32) {
    // EAGAIN (value already changed) and EINTR both mean "re-check", which callers do.
    let _ = futex::wait(word, futex::Flags::empty(), expected, None);
}

/// Wakes one sleeper on `word`.
pub fn wake(word: &AtomicU32) {
    let _ = futex::wake(word, futex::Flags::empty(), 1);
}

/// How long a waiter polls before going to sleep: longer than a cross-CPU wake-up (20–40 µs on
/// the reference VM), so two busy peers on different CPUs never need the kernel.
const SPIN_NS: u64 = 50_000;

/// Returns once `ready()` holds. Polls for up to [`SPIN_NS`], yielding the CPU between short
/// bursts (so a peer pinned to the same CPU gets to run), then sleeps on `flag`: the waiter sets
/// `flag` to 1 before its last check, and the party that makes `ready()` true must call
/// [`notify`] afterwards.
pub fn spin_then_wait(flag: &AtomicU32, ready: impl Fn() -> bool) {
    let start = now_ns();
    loop {
        for _ in 0..64 {
            if ready() {
                return;
            }
            std::hint::spin_loop();
        }
        if now_ns() - start > SPIN_NS {
            break;
        }
        rustix::thread::sched_yield();
    }
    loop {
        flag.store(1, Ordering::SeqCst);
        std::sync::atomic::fence(Ordering::SeqCst);
        if ready() {
            flag.store(0, Ordering::Relaxed);
            return;
        }
        wait(flag, 1);
        if ready() {
            return;
        }
    }
}

/// The other half of [`spin_then_wait`]: call after making the condition true.
pub fn notify(flag: &AtomicU32) {
    std::sync::atomic::fence(Ordering::SeqCst);
    if flag.load(Ordering::Relaxed) != 0 && flag.swap(0, Ordering::SeqCst) != 0 {
        wake(flag);
    }
}
