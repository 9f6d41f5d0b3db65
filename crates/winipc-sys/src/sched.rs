//! The calling thread's request to the scheduler: EEVDF's custom time slice.
//!
//! Since Linux 6.12 a `SCHED_OTHER`/`SCHED_BATCH` thread may ask for a shorter slice through
//! `sched_attr.sched_runtime` (clamped by the kernel to 0.1–100 ms; no privilege needed). A
//! thread with a shorter slice than the running one gets an earlier virtual deadline when it
//! wakes and preempts the running thread at once (the `PREEMPT_SHORT` scheduler feature),
//! instead of waiting for it to block. Its share of the CPU (its weight, its nice value) does
//! not change.

use std::io;

/// `struct sched_attr` (`include/uapi/linux/sched/types.h`), version 1 (with utilization
/// clamps: the kernel fills them on `sched_getattr` and ignores them on `sched_setattr` unless
/// their flags are set).
#[repr(C)]
#[derive(Debug, Default, Clone, Copy)]
struct SchedAttr {
    size: u32,
    policy: u32,
    flags: u64,
    nice: i32,
    priority: u32,
    runtime: u64,
    deadline: u64,
    period: u64,
    util_min: u32,
    util_max: u32,
}

const SCHED_OTHER: u32 = 0;
const SCHED_BATCH: u32 = 3;
const SCHED_FLAG_RESET_ON_FORK: u64 = 0x01;

fn get() -> io::Result<SchedAttr> {
    let mut attr = SchedAttr::default();
    // SAFETY: `attr` is a writable `sched_attr` of the size passed; the kernel writes at most
    // that many bytes. Thread 0 is the calling thread.
    let r = unsafe {
        libc::syscall(
            libc::SYS_sched_getattr,
            0,
            &mut attr as *mut SchedAttr,
            size_of::<SchedAttr>() as u32,
            0u32,
        )
    };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(attr)
}

/// The calling thread's time slice in nanoseconds, where the kernel reports one (`None`:
/// not a fair-class thread, or a kernel without custom slices, which reports 0).
///
/// ```
/// if let Some(ns) = winipc_sys::sched::slice_ns() {
///     assert!(ns > 0);
/// }
/// ```
pub fn slice_ns() -> Option<u64> {
    let attr = get().ok()?;
    (matches!(attr.policy, SCHED_OTHER | SCHED_BATCH) && attr.runtime > 0).then_some(attr.runtime)
}

/// Asks for a time slice of at most `ns` nanoseconds for the calling thread, keeping its
/// policy, nice value and reset-on-fork flag. Returns whether the thread now has a slice of at
/// most `ns` (as the kernel reports it afterwards): `false` for a thread outside the fair
/// class (real-time, deadline, idle: left alone), and on kernels without custom slices (they
/// accept the call and ignore the field).
///
/// ```
/// // A thread of its own, so that the test thread keeps its default slice.
/// std::thread::spawn(|| {
///     if winipc_sys::sched::request_slice_at_most(100_000).unwrap() {
///         assert!(winipc_sys::sched::slice_ns().unwrap() <= 100_000);
///     }
/// })
/// .join()
/// .unwrap();
/// ```
pub fn request_slice_at_most(ns: u64) -> io::Result<bool> {
    let mut attr = get()?;
    if !matches!(attr.policy, SCHED_OTHER | SCHED_BATCH) || attr.runtime == 0 {
        return Ok(false);
    }
    if attr.runtime <= ns {
        return Ok(true);
    }
    attr.size = size_of::<SchedAttr>() as u32;
    attr.flags &= SCHED_FLAG_RESET_ON_FORK;
    attr.runtime = ns;
    // SAFETY: `attr` is a valid `sched_attr` of the size it declares; the kernel only reads it.
    let r = unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &attr as *const SchedAttr, 0u32) };
    if r != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(slice_ns().is_some_and(|s| s <= ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nice() -> i32 {
        // SAFETY: no pointers; errno is reset first because -1 is also a valid answer.
        unsafe {
            *libc::__errno_location() = 0;
            libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t)
        }
    }

    #[test]
    fn asking_for_a_slice_keeps_the_threads_nice_value_and_policy() {
        std::thread::spawn(|| {
            // SAFETY: no pointers; lowers this thread's own priority (no privilege needed).
            let r =
                unsafe { libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 7) };
            assert_eq!(r, 0);
            let before = slice_ns().expect("a kernel with custom slices (6.12 or later)");
            assert!(before > 100_000);
            assert!(request_slice_at_most(100_000).unwrap());
            assert_eq!(slice_ns(), Some(100_000));
            assert_eq!(nice(), 7);
            assert_eq!(get().unwrap().policy, SCHED_OTHER);
            // Already short enough: nothing to do, still true.
            assert!(request_slice_at_most(200_000).unwrap());
            assert_eq!(slice_ns(), Some(100_000));
        })
        .join()
        .unwrap();
    }
}
