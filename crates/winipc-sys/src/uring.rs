//! Futex waits as io_uring completions (Linux ≥ 6.7, `IORING_OP_FUTEX_WAITV`): a wait on
//! shared futex words whose wake-up makes a descriptor readable, with no thread in between,
//! so that async runtimes (tokio's `AsyncFd`) sleep on the words themselves.
//!
//! A [`FutexRing`] is a small io_uring (8 submission, 32 completion entries) created with
//! *no* task-run flags: no `IORING_SETUP_COOP_TASKRUN`, `DEFER_TASKRUN` or `SINGLE_ISSUER`.
//! io_uring completes a futex wait through task work queued to the thread that submitted it;
//! without those flags the kernel queues it with `TWA_SIGNAL`, which wakes that thread from
//! any interruptible sleep (`epoll_wait`, a futex, a condition variable) to run it, and the
//! completion then wakes the ring descriptor's pollers on whatever thread they are. With
//! `DEFER_TASKRUN` the work waits until the submitter itself enters `io_uring_enter`, and with
//! `COOP_TASKRUN` the submitter is not woken: a wait submitted by one thread whose ring is
//! polled by another (a multi-thread runtime, or a task that moved) then hangs. A submitter
//! that exits has its waits cancelled by the kernel (`-ECANCELED`), which is a completion too.
//!
//! Every submitted wait is linked to a timeout (`IORING_OP_LINK_TIMEOUT`), so it completes at
//! the latest then: no wait sleeps past its caller's backstop.
//!
//! ```
//! use std::sync::atomic::AtomicU32;
//! use winipc_sys::uring::FutexRing;
//! let Ok(mut ring) = FutexRing::new() else { return }; // io_uring may be disabled
//! let w = AtomicU32::new(1);
//! // The word does not hold 0: the wait completes at once (EAGAIN).
//! let tag = ring.submit_wait(&[(&w, 0)], 1_000_000_000).unwrap();
//! assert_eq!(ring.wait_for(tag).unwrap(), -libc::EAGAIN);
//! ```

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use io_uring::{IoUring, Probe, opcode, squeue, types};

/// The most words one wait covers (the kernel's `FUTEX_WAITV_MAX`).
pub const WAITV_MAX: usize = 128;

/// `FUTEX2_SIZE_U32`: 32-bit words; no `FUTEX2_PRIVATE` (the words are shared across
/// processes).
const FUTEX2_SIZE_U32: u32 = 0x02;

/// User data of completions nobody waits for (cancellations).
const IGNORED: u64 = u64::MAX;

/// Tags of waits: unique in the process, so that a ring reused after a cancelled wait never
/// takes that wait's late completion for a new one's. Even; the linked timeout is `tag | 1`.
static NEXT_TAG: AtomicU64 = AtomicU64::new(2);

/// An io_uring that sleeps on shared futex words; see the module documentation.
pub struct FutexRing {
    // Dropped first (fields drop in order): no submission can refer to the buffers below
    // after the ring is closed.
    ring: IoUring,
    /// The words of the last submitted wait (the kernel copies them while it prepares the
    /// request; kept until the next submission all the same).
    waitv: Box<[types::FutexWaitV; WAITV_MAX]>,
    /// The linked timeout's duration (copied likewise).
    ts: Box<types::Timespec>,
}

impl std::fmt::Debug for FutexRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FutexRing")
            .field("fd", &self.ring.as_raw_fd())
            .finish()
    }
}

impl FutexRing {
    /// Creates a ring (close-on-exec; a `fork` child inherits a copy it must not use, as the
    /// parent's submissions and completions would mix with its own). Fails
    /// where io_uring is unavailable: `ENOSYS` (old kernel), `EPERM` (the
    /// `kernel.io_uring_disabled` sysctl, seccomp), `ENOMEM`, `EMFILE`.
    pub fn new() -> io::Result<FutexRing> {
        let mut b = IoUring::builder();
        b.setup_cqsize(32);
        let ring = b.build(8)?;
        Ok(FutexRing {
            ring,
            waitv: Box::new([types::FutexWaitV::new(); WAITV_MAX]),
            ts: Box::new(types::Timespec::new()),
        })
    }

    /// Whether this kernel's io_uring knows the operations the waits use (futex wait-v,
    /// linked timeouts, cancellation).
    pub fn supports_futex_waits(&self) -> bool {
        let mut p = Probe::new();
        self.ring.submitter().register_probe(&mut p).is_ok()
            && [
                opcode::FutexWaitV::CODE,
                opcode::LinkTimeout::CODE,
                opcode::AsyncCancel::CODE,
            ]
            .iter()
            .all(|&op| p.is_supported(op))
    }

    /// Submits a wait that completes once one of `words` is woken or no longer holds its
    /// expected value (at once, `-EAGAIN`, if one already differs), or after `timeout_ns`
    /// (`-ECANCELED`, by its linked timeout); a wake completes with 0 or the index of the woken
    /// word. Returns the wait's tag, for [`FutexRing::take`]
    /// and [`FutexRing::cancel`]. The completion is posted by the submitting thread (task
    /// work), which the kernel wakes for it; the ring's descriptor becomes readable then.
    pub fn submit_wait(&mut self, words: &[(&AtomicU32, u32)], timeout_ns: u64) -> io::Result<u64> {
        if words.is_empty() || words.len() > WAITV_MAX {
            return Err(io::Error::from_raw_os_error(libc::EINVAL));
        }
        for (slot, (word, expected)) in self.waitv.iter_mut().zip(words) {
            *slot = types::FutexWaitV::new()
                .val(u64::from(*expected))
                .uaddr(word.as_ptr() as u64)
                .flags(FUTEX2_SIZE_U32);
        }
        *self.ts = types::Timespec::new()
            .sec(timeout_ns / 1_000_000_000)
            .nsec((timeout_ns % 1_000_000_000) as u32);
        let tag = NEXT_TAG.fetch_add(2, Ordering::Relaxed);
        let wait = opcode::FutexWaitV::new(self.waitv.as_ptr(), words.len() as u32)
            .build()
            .flags(squeue::Flags::IO_LINK)
            .user_data(tag);
        let timeout = opcode::LinkTimeout::new(&*self.ts)
            .build()
            .user_data(tag | 1);
        self.push(&[wait, timeout])?;
        Ok(tag)
    }

    /// Asks the kernel to cancel wait `tag` (its completion, `-ECANCELED`, comes later and is
    /// ignored by [`FutexRing::take`] for other tags). Does not block.
    pub fn cancel(&mut self, tag: u64) -> io::Result<()> {
        let c = opcode::AsyncCancel::new(tag).build().user_data(IGNORED);
        self.push(&[c])
    }

    fn push(&mut self, entries: &[squeue::Entry]) -> io::Result<()> {
        {
            let mut sq = self.ring.submission();
            if sq.capacity() - sq.len() < entries.len() {
                return Err(io::Error::from_raw_os_error(libc::EBUSY));
            }
            // SAFETY: the entries point to `self.waitv` (futex wait-v) and `self.ts` (linked
            // timeout), which live as long as the ring (dropped after it) and which the
            // kernel copies while preparing the requests; a cancellation points to nothing.
            // The futex words are only addresses to the kernel (it reads them with
            // `get_user`, which cannot fault this process; a shared futex is keyed by the
            // mapping's inode and offset, and holds no reference into our memory).
            unsafe { sq.push_multiple(entries) }
                .map_err(|_| io::Error::from_raw_os_error(libc::EBUSY))?;
        }
        let n = self.ring.submit()?;
        if n < entries.len() {
            // Not all consumed (the kernel ran short of memory): the rest stay queued and go
            // with the next submission, still pointing at buffers we own.
            return Err(io::Error::from_raw_os_error(libc::EAGAIN));
        }
        Ok(())
    }

    /// Consumes the completions posted so far; returns wait `tag`'s result if it is among
    /// them (0 or more: woken; `-EAGAIN`: a word differed; `-ECANCELED`: timed out or cancelled;
    /// other negative errno values: the wait failed). Completions of other tags are dropped.
    pub fn take(&mut self, tag: u64) -> Option<i32> {
        let mut got = None;
        for cqe in self.ring.completion() {
            if cqe.user_data() == tag {
                got = Some(cqe.result());
            }
        }
        got
    }

    /// Blocks until wait `tag` completes (for probes and tests; async callers poll the
    /// descriptor and call [`FutexRing::take`]).
    pub fn wait_for(&mut self, tag: u64) -> io::Result<i32> {
        loop {
            if let Some(r) = self.take(tag) {
                return Ok(r);
            }
            match self.ring.submit_and_wait(1) {
                Ok(_) => {}
                Err(e) if e.raw_os_error() == Some(libc::EINTR) => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl AsRawFd for FutexRing {
    fn as_raw_fd(&self) -> RawFd {
        self.ring.as_raw_fd()
    }
}

impl AsFd for FutexRing {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the descriptor is the ring's, open until the ring (owned by `self`) drops,
        // which the borrow of `self` outlives.
        unsafe { BorrowedFd::borrow_raw(self.ring.as_raw_fd()) }
    }
}

/// What a wait's completion result means to a waiter: `Ok` — look again (woken, a word
/// differed, timed out or cancelled, interrupted); `Err` — the wait failed.
///
/// ```
/// assert!(winipc_sys::uring::wait_result(-libc::EAGAIN).is_ok());
/// assert!(winipc_sys::uring::wait_result(-libc::EFAULT).is_err());
/// ```
pub fn wait_result(res: i32) -> io::Result<()> {
    match -res {
        // 0 or more: woken (the kernel may name the word's index).
        e if e <= 0 => Ok(()),
        libc::EAGAIN | libc::ECANCELED | libc::ETIME | libc::EINTR => Ok(()),
        e => Err(io::Error::from_raw_os_error(e)),
    }
}

/// Whether futex waits through io_uring work here: a ring can be created, knows the
/// operations, and a real wait on a word whose value differs completes with `-EAGAIN` (a
/// seccomp filter, an LSM or an old kernel fail one of these). Costs a ring setup; callers
/// cache the answer.
///
/// ```
/// let _ = winipc_sys::uring::probe(); // Ok(()) on Linux ≥ 6.7 with io_uring enabled
/// ```
pub fn probe() -> io::Result<()> {
    let mut r = FutexRing::new()?;
    if !r.supports_futex_waits() {
        return Err(io::Error::from_raw_os_error(libc::ENOSYS));
    }
    let w = AtomicU32::new(1);
    let tag = r.submit_wait(&[(&w, 0)], 1_000_000_000)?;
    match r.wait_for(tag)? {
        e if e == -libc::EAGAIN => Ok(()),
        e => Err(io::Error::from_raw_os_error(if e < 0 {
            -e
        } else {
            libc::EIO
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn woken_from_another_thread_and_timed_out() {
        // Required where winipc's tests run (Linux >= 6.7, io_uring enabled): a skip would
        // hide the fallback silently taking over.
        probe().expect("io_uring futex waits (Linux >= 6.7, io_uring enabled)");
        let mut r = FutexRing::new().unwrap();
        static W: AtomicU32 = AtomicU32::new(0);
        let tag = r.submit_wait(&[(&W, 0)], 10_000_000_000).unwrap();
        let t = std::thread::spawn(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            W.store(1, Ordering::Release);
            crate::futex::wake(&W, u32::MAX);
        });
        assert!(r.wait_for(tag).unwrap() >= 0);
        t.join().unwrap();
        let t0 = std::time::Instant::now();
        let tag = r.submit_wait(&[(&W, 1)], 20_000_000).unwrap();
        assert_eq!(r.wait_for(tag).unwrap(), -libc::ECANCELED);
        assert!(t0.elapsed() >= std::time::Duration::from_millis(15));
        // A cancelled wait completes; its completion is not another tag's.
        let tag = r.submit_wait(&[(&W, 1)], 10_000_000_000).unwrap();
        r.cancel(tag).unwrap();
        assert_eq!(r.wait_for(tag).unwrap(), -libc::ECANCELED);
    }
}
