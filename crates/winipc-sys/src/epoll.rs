//! A minimal epoll set over file descriptors, for the process monitor's pidfds.

use std::io;
use std::os::fd::{AsFd, OwnedFd};

use rustix::event::epoll;

/// An epoll instance that reports which registered descriptors became readable.
#[derive(Debug)]
pub struct Poller {
    ep: OwnedFd,
}

impl Poller {
    /// Creates an empty set.
    ///
    /// ```
    /// let p = winipc_sys::epoll::Poller::new().unwrap();
    /// let soon = winipc_sys::time::monotonic_ns() + 1_000_000;
    /// assert!(p.wait(Some(soon)).unwrap().is_empty());
    /// ```
    pub fn new() -> io::Result<Poller> {
        Ok(Poller {
            ep: epoll::create(epoll::CreateFlags::CLOEXEC)?,
        })
    }

    /// Adds `fd`, reported with `key` when readable.
    pub fn add(&self, fd: &impl AsFd, key: u64) -> io::Result<()> {
        epoll::add(
            &self.ep,
            fd,
            epoll::EventData::new_u64(key),
            epoll::EventFlags::IN,
        )
        .map_err(Into::into)
    }

    /// Adds `fd`, reported once with `key` when readable; [`Poller::rearm`] reports it again.
    pub fn add_oneshot(&self, fd: &impl AsFd, key: u64) -> io::Result<()> {
        epoll::add(
            &self.ep,
            fd,
            epoll::EventData::new_u64(key),
            epoll::EventFlags::IN | epoll::EventFlags::ONESHOT,
        )
        .map_err(Into::into)
    }

    /// Adds `fd`, reported once with `key` when its peer hangs up (`EPOLLRDHUP`, `EPOLLHUP`,
    /// `EPOLLERR`) — not when it is merely readable.
    ///
    /// ```
    /// use winipc_sys::pipes::{pair, send, Kind};
    /// let p = winipc_sys::epoll::Poller::new().unwrap();
    /// let (a, b) = pair(Kind::Byte).unwrap();
    /// p.add_hangup(&a, 7).unwrap();
    /// send(&b, &[b"data"], false).unwrap();
    /// let soon = || winipc_sys::time::monotonic_ns() + 20_000_000;
    /// assert!(p.wait(Some(soon())).unwrap().is_empty(), "readable is not a hang-up");
    /// drop(b);
    /// assert_eq!(p.wait(Some(soon())).unwrap(), [7]);
    /// ```
    pub fn add_hangup(&self, fd: &impl AsFd, key: u64) -> io::Result<()> {
        epoll::add(
            &self.ep,
            fd,
            epoll::EventData::new_u64(key),
            epoll::EventFlags::RDHUP | epoll::EventFlags::ONESHOT,
        )
        .map_err(Into::into)
    }

    /// Re-enables a descriptor added with [`Poller::add_oneshot`] after it was reported.
    pub fn rearm(&self, fd: &impl AsFd, key: u64) -> io::Result<()> {
        epoll::modify(
            &self.ep,
            fd,
            epoll::EventData::new_u64(key),
            epoll::EventFlags::IN | epoll::EventFlags::ONESHOT,
        )
        .map_err(Into::into)
    }

    /// Removes `fd`.
    pub fn remove(&self, fd: &impl AsFd) -> io::Result<()> {
        epoll::delete(&self.ep, fd).map_err(Into::into)
    }

    /// Waits until a descriptor is readable or `deadline_ns` (monotonic) passes; returns the
    /// keys of readable descriptors.
    pub fn wait(&self, deadline_ns: Option<u64>) -> io::Result<Vec<u64>> {
        let timeout = deadline_ns.map(|d| {
            let left = d.saturating_sub(crate::time::monotonic_ns());
            rustix::time::Timespec {
                tv_sec: (left / 1_000_000_000) as i64,
                tv_nsec: (left % 1_000_000_000) as i64,
            }
        });
        let mut buf = Vec::with_capacity(64);
        match epoll::wait(
            &self.ep,
            rustix::buffer::spare_capacity(&mut buf),
            timeout.as_ref(),
        ) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(e.into()),
        }
        Ok(buf.iter().map(|e| e.data.u64()).collect())
    }
}
