//! Clocks as plain nanosecond counts.
//!
//! Deadlines inside winipc are absolute `CLOCK_MONOTONIC` nanoseconds, the clock `futex_waitv`
//! takes, so a wait that is interrupted and restarted never stretches its timeout.

use rustix::time::{ClockId, clock_gettime};

/// Nanoseconds on `CLOCK_MONOTONIC`.
///
/// ```
/// let a = winipc_sys::time::monotonic_ns();
/// let b = winipc_sys::time::monotonic_ns();
/// assert!(b >= a);
/// ```
pub fn monotonic_ns() -> u64 {
    let ts = clock_gettime(ClockId::Monotonic);
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}

/// Nanoseconds since the Unix epoch on `CLOCK_REALTIME`.
///
/// ```
/// assert!(winipc_sys::time::realtime_ns() > 1_600_000_000 * 1_000_000_000);
/// ```
pub fn realtime_ns() -> u64 {
    let ts = clock_gettime(ClockId::Realtime);
    (ts.tv_sec as u64) * 1_000_000_000 + ts.tv_nsec as u64
}
