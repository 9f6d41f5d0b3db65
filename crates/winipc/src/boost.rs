//! The wait-completion boost: a thread that sleeps in a winipc wait preempts, when woken, the
//! thread that woke it on its CPU (decision 0018).
//!
//! Windows raises a thread's priority for a moment when its wait completes, so a receiver
//! woken by a writer on its own CPU runs at once. Linux's EEVDF scheduler has the same effect
//! for a thread with a shorter time slice than the running one (`PREEMPT_SHORT`). So the first
//! time a thread goes to sleep in a winipc wait (a mailslot or pipe read, `wait_any`/`wait_all`
//! and the C waits over them; not a writer waiting for room, whose hurry would only slice a
//! stream into more context switches) it asks for the shortest slice the kernel grants, 0.1 ms, once
//! for the thread's life. Its share of the CPU does not change, only how soon it runs after a
//! wake-up and how long it runs before it may be preempted in turn. Real-time threads and
//! threads that already asked for a shorter slice are left alone; so is every thread of a
//! process started with `WINIPC_NO_WAKE_BOOST=1`.
//!
//! Where the kernel has no custom slices (before 6.12), the mailslot writer's hand-off of
//! decision 0017 (`sched_yield` after waking a reader that slept on its CPU) stands in.

use std::cell::Cell;
use std::sync::OnceLock;

/// The slice asked for: the kernel's minimum.
const SLICE_NS: u64 = 100_000;

/// In a reader's sleeper hint (decision 0017's CPU word): the reader has the short slice.
pub(crate) const HINT_BOOSTED: u32 = 1 << 31;

/// Per thread: 0 not asked yet, 1 boosted, 2 not boosted (left alone or refused).
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Unasked,
    Boosted,
    Plain,
}

thread_local! {
    static STATE: Cell<State> = const { Cell::new(State::Unasked) };
}

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("WINIPC_NO_WAKE_BOOST").is_none_or(|v| v == "0"))
}

/// Makes sure the calling thread, about to sleep in a winipc wait, has asked for its boost;
/// returns whether it has it. One system-call pair per thread, then a thread-local read.
pub(crate) fn before_sleep() -> bool {
    STATE.with(|s| {
        if s.get() == State::Unasked {
            let boosted =
                enabled() && winipc_sys::sched::request_slice_at_most(SLICE_NS).unwrap_or(false);
            s.set(if boosted {
                State::Boosted
            } else {
                State::Plain
            });
        }
        s.get() == State::Boosted
    })
}

/// Whether the calling thread has the boost (without asking for it).
pub(crate) fn is_boosted() -> bool {
    STATE.with(|s| s.get() == State::Boosted)
}

/// Whether a writer that just woke a reader should hand it its CPU with `sched_yield`
/// (decision 0017): when the reader slept on this CPU (`hint` is its CPU plus one, 0 when
/// unknown, with [`HINT_BOOSTED`]) and will not preempt the writer by itself, which it does
/// when it has the boost and the writer has not (a shorter slice than the writer's).
pub(crate) fn writer_should_yield(hint: u32, writer_cpu: u32) -> bool {
    let cpu = hint & !HINT_BOOSTED;
    let same_cpu = cpu == 0 || cpu == writer_cpu;
    let preempts_by_itself = hint & HINT_BOOSTED != 0 && !is_boosted();
    same_cpu && !preempts_by_itself
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_boosted_reader_on_the_writers_cpu_needs_no_hand_off_from_a_plain_writer() {
        std::thread::spawn(|| {
            assert!(!is_boosted());
            assert!(writer_should_yield(3, 3));
            assert!(writer_should_yield(0, 3));
            assert!(!writer_should_yield(2, 3));
            assert!(!writer_should_yield(3 | HINT_BOOSTED, 3));
            assert!(!writer_should_yield(2 | HINT_BOOSTED, 3));
        })
        .join()
        .unwrap();
    }

    #[test]
    fn a_thread_asks_once_and_keeps_its_answer() {
        std::thread::spawn(|| {
            let first = before_sleep();
            assert_eq!(is_boosted(), first);
            assert_eq!(before_sleep(), first);
            if first {
                assert!(winipc_sys::sched::slice_ns().unwrap() <= SLICE_NS);
                // Both boosted: the slices are equal, so the writer hands off again.
                assert!(writer_should_yield(3 | HINT_BOOSTED, 3));
            }
        })
        .join()
        .unwrap();
    }
}
