//! Event file descriptors, for readiness bridges: a counter the kernel reports readable while
//! non-zero, so `poll`, `epoll` and async runtimes can wait on it.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::{EventfdFlags, PollFd, PollFlags, eventfd};

/// Creates a non-blocking, close-on-exec eventfd with counter 0 (not readable).
///
/// ```
/// let fd = winipc_sys::eventfd::new().unwrap();
/// assert!(!winipc_sys::eventfd::readable(&fd));
/// winipc_sys::eventfd::signal(&fd).unwrap();
/// assert!(winipc_sys::eventfd::readable(&fd));
/// winipc_sys::eventfd::drain(&fd).unwrap();
/// assert!(!winipc_sys::eventfd::readable(&fd));
/// ```
pub fn new() -> io::Result<OwnedFd> {
    Ok(eventfd(0, EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK)?)
}

/// Adds one to the counter: the descriptor becomes (or stays) readable, and every epoll
/// instance watching it gets a new edge.
pub fn signal(fd: &impl AsFd) -> io::Result<()> {
    match rustix::io::write(fd, &1u64.to_ne_bytes()) {
        // The counter is at its maximum: it is readable, which is all that is asked.
        Ok(_) | Err(rustix::io::Errno::AGAIN) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Resets the counter to 0: the descriptor is no longer readable.
pub fn drain(fd: &impl AsFd) -> io::Result<()> {
    let mut buf = [0u8; 8];
    match rustix::io::read(fd, &mut buf) {
        Ok(_) | Err(rustix::io::Errno::AGAIN) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Waits until `fd` is readable or `timeout` passes (`None`: forever); returns whether it is.
pub fn wait_readable(fd: &impl AsFd, timeout: Option<std::time::Duration>) -> io::Result<bool> {
    let deadline = timeout.map(|t| crate::time::monotonic_ns().saturating_add(t.as_nanos() as u64));
    loop {
        let left = deadline.map(|d| {
            let ns = d.saturating_sub(crate::time::monotonic_ns());
            rustix::time::Timespec {
                tv_sec: (ns / 1_000_000_000) as i64,
                tv_nsec: (ns % 1_000_000_000) as i64,
            }
        });
        let mut fds = [PollFd::new(fd, PollFlags::IN)];
        match rustix::event::poll(&mut fds, left.as_ref()) {
            Ok(0) => return Ok(false),
            Ok(_) => return Ok(true),
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Whether `fd` is readable now (a `poll` with a zero timeout). An error (a closed or
/// invalid descriptor) counts as readable, so that a waiter looks at it and finds out.
pub fn readable(fd: &impl AsFd) -> bool {
    let mut fds = [PollFd::new(fd, PollFlags::IN)];
    match rustix::event::poll(&mut fds, Some(&rustix::time::Timespec::default())) {
        Ok(0) => false,
        Ok(_) => !fds[0].revents().is_empty(),
        Err(_) => true,
    }
}
