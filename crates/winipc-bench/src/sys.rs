//! The only module with `unsafe`: a shared-memory mapping seen as atomics, and POSIX message
//! queues (which rustix does not wrap).
//!
//! Everything exported here is safe to call; the invariants are local to each block.

use std::ffi::CString;
use std::io;
use std::os::fd::AsFd;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU32;

use rustix::fs::Mode;
use rustix::mm::{MapFlags, ProtFlags};
use rustix::shm;

/// A `/dev/shm` object mapped `MAP_SHARED`, viewed as a slice of `AtomicU32`.
///
/// Every access to the memory goes through atomics, so another process writing concurrently can
/// never cause undefined behaviour here; protocols built on top decide which orderings they need.
#[derive(Debug)]
pub struct SharedMem {
    ptr: NonNull<AtomicU32>,
    words: usize,
}

impl SharedMem {
    /// Creates the named object (`/name`) of `words` 32-bit words, zero-filled. Fails if it exists.
    pub fn create(name: &str, words: usize) -> io::Result<()> {
        let fd = shm::open(
            name,
            shm::OFlags::CREATE | shm::OFlags::EXCL | shm::OFlags::RDWR,
            Mode::from_raw_mode(0o600),
        )?;
        rustix::fs::ftruncate(&fd, (words * 4) as u64)?;
        Ok(())
    }

    /// Removes the name; existing mappings stay valid.
    pub fn unlink(name: &str) -> io::Result<()> {
        Ok(shm::unlink(name)?)
    }

    /// Maps an object made by [`SharedMem::create`] read-write.
    pub fn open(name: &str) -> io::Result<Self> {
        let fd = shm::open(name, shm::OFlags::RDWR, Mode::empty())?;
        let len = usize::try_from(rustix::fs::fstat(&fd)?.st_size)
            .map_err(|_| io::Error::other("negative shm size"))?;
        if len < 4 {
            return Err(io::Error::other(format!("shared memory {name} is empty")));
        }
        // SAFETY: we ask the kernel for a fresh mapping at an address of its choosing, so no
        // existing Rust object is affected; `fd` is a valid shm descriptor of `len` bytes.
        let ptr = unsafe {
            rustix::mm::mmap(
                std::ptr::null_mut(),
                len,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                fd.as_fd(),
                0,
            )?
        };
        let ptr = NonNull::new(ptr.cast::<AtomicU32>()).ok_or_else(|| io::Error::other("mmap"))?;
        Ok(Self {
            ptr,
            words: len / 4,
        })
    }

    /// The whole mapping as atomics.
    pub fn words(&self) -> &[AtomicU32] {
        // SAFETY: `ptr` is a page-aligned (so 4-aligned) live mapping of at least `words * 4`
        // readable and writable bytes that stays mapped until `self` is dropped, which the
        // returned lifetime prevents. `AtomicU32` accepts any bit pattern and is only accessed
        // atomically, so concurrent writes from other processes are not data races.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.words) }
    }
}

impl Drop for SharedMem {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `open` with this exact length and no reference into it
        // can outlive `self` (see `words`).
        let _ = unsafe { rustix::mm::munmap(self.ptr.as_ptr().cast(), self.words * 4) };
    }
}

/// A POSIX message queue descriptor (`mq_open(3)`), closed on drop.
#[derive(Debug)]
pub struct MessageQueue {
    mqd: libc::mqd_t,
}

fn c_name(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::other("queue name contains NUL"))
}

fn check(ret: libc::c_int) -> io::Result<libc::c_int> {
    if ret < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(ret)
    }
}

impl MessageQueue {
    /// Creates queue `/name` holding `depth` messages of `msg_size` bytes; fails if it exists.
    pub fn create(name: &str, depth: usize, msg_size: usize) -> io::Result<()> {
        let cname = c_name(name)?;
        let mut attr: libc::mq_attr = {
            // SAFETY: `mq_attr` is a plain C struct of integers; all-zero is a valid value.
            unsafe { std::mem::zeroed() }
        };
        attr.mq_maxmsg = depth as libc::c_long;
        attr.mq_msgsize = msg_size as libc::c_long;
        // SAFETY: `cname` is NUL-terminated and outlives the call; with O_CREAT the variadic
        // arguments are the mode (as c_uint, per default promotion) and a valid `mq_attr` pointer.
        let mqd = unsafe {
            libc::mq_open(
                cname.as_ptr(),
                libc::O_CREAT | libc::O_EXCL | libc::O_RDWR,
                0o600 as libc::c_uint,
                &attr as *const libc::mq_attr,
            )
        };
        let queue = Self { mqd: check(mqd)? };
        drop(queue);
        Ok(())
    }

    /// Opens an existing queue for receiving (`write == false`) or sending.
    pub fn open(name: &str, write: bool) -> io::Result<Self> {
        let cname = c_name(name)?;
        let flags = if write {
            libc::O_WRONLY
        } else {
            libc::O_RDONLY
        };
        // SAFETY: `cname` is NUL-terminated and outlives the call; without O_CREAT no variadic
        // arguments are read.
        let mqd = unsafe { libc::mq_open(cname.as_ptr(), flags) };
        Ok(Self { mqd: check(mqd)? })
    }

    /// Removes the queue name.
    pub fn unlink(name: &str) -> io::Result<()> {
        let cname = c_name(name)?;
        // SAFETY: `cname` is a valid NUL-terminated string that outlives the call.
        check(unsafe { libc::mq_unlink(cname.as_ptr()) }).map(drop)
    }

    /// Sends one message with priority 0, blocking while the queue is full; retries on EINTR.
    pub fn send(&self, msg: &[u8]) -> io::Result<()> {
        loop {
            // SAFETY: `msg` is valid for reads of `msg.len()` bytes for the whole call, and
            // `self.mqd` is an open descriptor owned by `self`.
            let ret = unsafe { libc::mq_send(self.mqd, msg.as_ptr().cast(), msg.len(), 0) };
            match check(ret) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => return other.map(drop),
            }
        }
    }

    /// Receives one message into `buf` (at least the queue's message size); returns its length.
    pub fn receive(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            // SAFETY: `buf` is valid for writes of `buf.len()` bytes for the whole call, the
            // priority pointer may be null, and `self.mqd` is an open descriptor owned by `self`.
            let ret = unsafe {
                libc::mq_receive(
                    self.mqd,
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    std::ptr::null_mut(),
                )
            };
            if ret >= 0 {
                return Ok(ret as usize);
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                return Err(err);
            }
        }
    }
}

impl Drop for MessageQueue {
    fn drop(&mut self) {
        // SAFETY: `self.mqd` was returned by a successful `mq_open` and is closed only here.
        unsafe { libc::mq_close(self.mqd) };
    }
}
