//! Shared futexes: sleeping on words of shared memory, and waking their sleepers.
//!
//! All operations are *shared* (no `FUTEX_PRIVATE_FLAG`): the words live in files mapped by
//! several processes, and the kernel keys them by (inode, offset).

use std::sync::atomic::AtomicU32;

use rustix::io::Errno;
use rustix::thread::futex::{self, Wait, WaitFlags, WaitPtr, WaitvFlags};
use rustix::time::{ClockId, Timespec};

/// The most words one [`wait_any`] can sleep on (the kernel's `FUTEX_WAITV_MAX`).
pub const WAITV_MAX: usize = 128;

/// Why a futex wait returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woken {
    /// Woken (possibly spuriously), or a word no longer held its expected value; carries the
    /// index of the word when the kernel names one.
    Woken(Option<usize>),
    /// The deadline passed.
    TimedOut,
}

fn timespec(deadline_ns: u64) -> Timespec {
    Timespec {
        tv_sec: (deadline_ns / 1_000_000_000) as i64,
        tv_nsec: (deadline_ns % 1_000_000_000) as i64,
    }
}

/// Sleeps while every `word` still holds its `expected` value, until one of them is woken, or
/// until `deadline_ns` (absolute `CLOCK_MONOTONIC` nanoseconds; `None` = forever).
///
/// Spurious wake-ups are possible; callers re-check their condition.
///
/// ```
/// use std::sync::atomic::AtomicU32;
/// use winipc_sys::futex::{wait_any, Woken};
/// let w = AtomicU32::new(1);
/// // The word does not hold 0, so this returns at once.
/// assert!(matches!(wait_any(&[(&w, 0)], None), Woken::Woken(_)));
/// let soon = winipc_sys::time::monotonic_ns() + 1_000_000;
/// assert_eq!(wait_any(&[(&w, 1)], Some(soon)), Woken::TimedOut);
/// ```
pub fn wait_any(words: &[(&AtomicU32, u32)], deadline_ns: Option<u64>) -> Woken {
    debug_assert!(!words.is_empty() && words.len() <= WAITV_MAX);
    if let [(word, expected)] = words {
        return wait(word, *expected, deadline_ns);
    }
    let mut waits = [Wait::new(); WAITV_MAX];
    let n = words.len().min(WAITV_MAX);
    for (slot, (word, expected)) in waits.iter_mut().zip(words) {
        slot.val = u64::from(*expected);
        slot.uaddr = WaitPtr::new(word.as_ptr().cast());
        slot.flags = WaitFlags::SIZE_U32;
    }
    let ts = deadline_ns.map(timespec);
    match futex::waitv(
        &waits[..n],
        WaitvFlags::empty(),
        ts.as_ref(),
        ClockId::Monotonic,
    ) {
        Ok(i) => Woken::Woken(Some(i)),
        Err(Errno::TIMEDOUT) => Woken::TimedOut,
        // EAGAIN: a value differed; EINTR: a signal. Both are "look again".
        Err(_) => Woken::Woken(None),
    }
}

/// Sleeps while `*word == expected`; see [`wait_any`].
///
/// ```
/// use std::sync::atomic::AtomicU32;
/// let w = AtomicU32::new(0);
/// let soon = winipc_sys::time::monotonic_ns() + 1_000_000;
/// assert_eq!(winipc_sys::futex::wait(&w, 0, Some(soon)), winipc_sys::futex::Woken::TimedOut);
/// ```
pub fn wait(word: &AtomicU32, expected: u32, deadline_ns: Option<u64>) -> Woken {
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline, like futex_waitv, and is
    // the cheaper call for one word.
    let ts = deadline_ns.map(timespec);
    let all = std::num::NonZeroU32::MAX;
    match futex::wait_bitset(word, futex::Flags::empty(), expected, ts.as_ref(), all) {
        Ok(()) => Woken::Woken(Some(0)),
        Err(Errno::TIMEDOUT) => Woken::TimedOut,
        Err(_) => Woken::Woken(None),
    }
}

/// The CPU the calling thread is running on (`sched_getcpu`, served by the vDSO), if known.
///
/// ```
/// let cpu = winipc_sys::futex::current_cpu();
/// assert!(cpu.is_none_or(|c| (c as usize) < 1 << 20));
/// ```
pub fn current_cpu() -> Option<u32> {
    u32::try_from(rustix::thread::sched_getcpu()).ok()
}

/// What a thread about to sleep on a shared word records for its wakers (decisions 0017,
/// 0019): its CPU + 1 in the low 16 bits (0: unknown) and the low 16 bits of its thread id in
/// the high ones. A waker that woke someone passes it to [`hand_off`]. The thread remembers
/// the last hint it made, so that [`hand_off`] recognises its own without a system call.
///
/// ```
/// let hint = winipc_sys::futex::sleeper_hint();
/// assert_eq!(hint >> 16, winipc_sys::proc::gettid() & 0xffff);
/// ```
pub fn sleeper_hint() -> u32 {
    let hint = (crate::proc::gettid() & 0xffff) << 16 | cpu_plus_one();
    MY_HINT.with(|h| h.set(hint));
    hint
}

thread_local! {
    /// The last [`sleeper_hint`] this thread made (0: none). After a `fork`, the child's
    /// thread still holds its parent's: at worst a missed hand-off.
    static MY_HINT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn cpu_plus_one() -> u32 {
    current_cpu().map_or(0, |c| c.saturating_add(1).min(0xffff))
}

/// Called by a waker right after a wake-up that woke at least one sleeper, with the
/// [`sleeper_hint`] that sleeper recorded: yields the CPU (`sched_yield`) if the sleeper slept
/// on the caller's CPU (or the hint names no CPU) and is not the calling thread itself, so
/// that the woken thread runs now rather than when the waker next blocks (Windows gets the
/// same from the priority boost of a thread whose wait completes). Returns whether it yielded.
///
/// The hint is a hint: a stale or forged one costs at most a needless or a missed yield.
///
/// ```
/// // The caller itself is never yielded to.
/// assert!(!winipc_sys::futex::hand_off(winipc_sys::futex::sleeper_hint()));
/// ```
pub fn hand_off(hint: u32) -> bool {
    let cpu = hint & 0xffff;
    if cpu != 0 && cpu != cpu_plus_one() {
        return false;
    }
    if hint != 0 && hint == MY_HINT.with(|h| h.get()) {
        return false;
    }
    std::thread::yield_now();
    true
}

/// Wakes up to `count` sleepers on `word` (`u32::MAX` = all); returns how many woke.
///
/// ```
/// use std::sync::atomic::AtomicU32;
/// let w = AtomicU32::new(0);
/// assert_eq!(winipc_sys::futex::wake(&w, u32::MAX), 0);
/// ```
pub fn wake(word: &AtomicU32, count: u32) -> usize {
    let count = count.min(i32::MAX as u32);
    futex::wake(word, futex::Flags::empty(), count).unwrap_or(0)
}
