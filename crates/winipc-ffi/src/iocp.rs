//! I/O completion ports: `CreateIoCompletionPort`, `GetQueuedCompletionStatus(Ex)`,
//! `PostQueuedCompletionStatus`, and `CloseHandle` on a port.
//!
//! A port lives in this process only (as on Windows, where a port cannot be shared either): a
//! FIFO of packets behind a mutex, and a futex word bumped by every post, on which waiting
//! threads sleep (an alertable `GetQueuedCompletionStatusEx` sleeps on it and on its APC word
//! at once). Its handle is a process-local handle (`handle::Local::Port`).
//! `NumberOfConcurrentThreads` is accepted and ignored: every waiting thread may take a packet.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use crate::apc::{Waited, sleep_until};
use crate::handle::{H, Local, classify, local_insert, with_local};
use crate::overlapped::{WAIT_IO_COMPLETION, WAIT_TIMEOUT, associate, key_of};
use crate::util::*;

const ERROR_ABANDONED_WAIT_0: u32 = 735;

/// A completion packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packet {
    pub bytes: usize,
    pub key: usize,
    pub ov: usize,
    /// The operation's NTSTATUS (0 for a posted packet).
    pub status: usize,
}

/// A completion port.
#[derive(Default)]
pub(crate) struct Port {
    queue: Mutex<VecDeque<Packet>>,
    /// Bumped by every post and by the close: what waiters sleep on.
    seq: AtomicU32,
    closed: AtomicBool,
}

impl Port {
    /// Queues `p` and wakes one waiter.
    pub(crate) fn post(&self, p: Packet) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        self.queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_back(p);
        self.seq.fetch_add(1, Ordering::Release);
        winipc_sys::futex::wake(&self.seq, 1);
    }

    /// The handle is closed: waiting threads fail with `ERROR_ABANDONED_WAIT_0`.
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.queue.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.seq.fetch_add(1, Ordering::Release);
        winipc_sys::futex::wake(&self.seq, u32::MAX);
    }

    /// Takes up to `max` packets, waiting up to `ms` (alertable: APCs end the wait).
    fn take(&self, max: usize, ms: DWORD, alertable: bool) -> R<Vec<Packet>> {
        let deadline = (ms != u32::MAX)
            .then(|| winipc_sys::time::monotonic_ns().saturating_add(u64::from(ms) * 1_000_000));
        let mut got = Vec::new();
        let mut closed = false;
        let waited = sleep_until(alertable, deadline, || {
            let seen = self.seq.load(Ordering::Acquire);
            if self.closed.load(Ordering::Acquire) {
                closed = true;
                return Ok(());
            }
            let mut q = self.queue.lock().unwrap_or_else(|e| e.into_inner());
            while got.len() < max {
                match q.pop_front() {
                    Some(p) => got.push(p),
                    None => break,
                }
            }
            if got.is_empty() {
                return Err((&self.seq, seen));
            }
            if !q.is_empty() {
                // More for another waiter (each post woke only one).
                winipc_sys::futex::wake(&self.seq, 1);
            }
            Ok(())
        });
        match waited {
            _ if closed => Err(Fail(ERROR_ABANDONED_WAIT_0)),
            Waited::Ready => Ok(got),
            Waited::TimedOut => Err(Fail(WAIT_TIMEOUT)),
            Waited::Apc => Err(Fail(WAIT_IO_COMPLETION)),
        }
    }
}

fn port_of(h: HANDLE) -> R<Arc<Port>> {
    with_local(h, |l| match l {
        Local::Port(p) => Ok(p.clone()),
        _ => Err(invalid_handle()),
    })
}

/// # Safety
/// No pointer is dereferenced.
#[unsafe(no_mangle)]
pub extern "C" fn CreateIoCompletionPort(
    file: HANDLE,
    existing: HANDLE,
    key: usize,
    _threads: DWORD,
) -> HANDLE {
    ffi(std::ptr::null_mut(), || {
        if file == INVALID_HANDLE_VALUE {
            if !existing.is_null() {
                return Err(invalid_parameter(
                    "ExistingCompletionPort with no FileHandle",
                ));
            }
            return local_insert(Local::Port(Arc::new(Port::default())));
        }
        // The handle must be a file: a descriptor or a mailslot.
        match classify(file)? {
            H::Std(fd) => {
                // SAFETY: F_GETFD on a descriptor number.
                if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
                    return Err(invalid_handle());
                }
            }
            H::Raw(r) => {
                if winipc_core::raw::kind(r)? != winipc_core::Kind::Mailslot {
                    return Err(invalid_parameter("not a file handle"));
                }
            }
            _ => return Err(invalid_handle()),
        }
        let (port, handle, fresh) = if existing.is_null() {
            let p = Arc::new(Port::default());
            (p.clone(), local_insert(Local::Port(p))?, true)
        } else {
            (port_of(existing)?, existing, false)
        };
        if let Err(e) = associate(key_of(file), port, key) {
            if fresh {
                crate::handle::CloseHandle(handle);
            }
            return Err(e);
        }
        set_last_error(code::ERROR_SUCCESS);
        Ok(handle)
    })
}

/// # Safety
/// The out-pointers are valid for writes (NULL gives `ERROR_NOACCESS`).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetQueuedCompletionStatus(
    port: HANDLE,
    bytes: *mut DWORD,
    key: *mut usize,
    ov: *mut *mut OVERLAPPED,
    ms: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let p = port_of(port)?;
        if bytes.is_null() || key.is_null() || ov.is_null() {
            return Err(noaccess());
        }
        out_ok(bytes)?;
        out_ok(key)?;
        out_ok(ov)?;
        let packet = match p.take(1, ms, false) {
            Ok(v) => v[0],
            Err(e) => {
                // SAFETY: checked writable.
                unsafe { ov.write(std::ptr::null_mut()) };
                return Err(e);
            }
        };
        // SAFETY: checked writable.
        unsafe {
            bytes.write(packet.bytes as DWORD);
            key.write(packet.key);
            ov.write(packet.ov as *mut OVERLAPPED);
        }
        match win32_of_ntstatus(packet.status) {
            0 => Ok(()),
            c => Err(Fail(c)),
        }
    })
}

/// `OVERLAPPED_ENTRY`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct OverlappedEntry {
    pub key: usize,
    pub ov: *mut OVERLAPPED,
    pub internal: usize,
    pub bytes: DWORD,
}

/// # Safety
/// `entries` valid for `count` writes; `removed` valid for a `ULONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetQueuedCompletionStatusEx(
    port: HANDLE,
    entries: *mut OverlappedEntry,
    count: u32,
    removed: *mut u32,
    ms: DWORD,
    alertable: BOOL,
) -> BOOL {
    ffi_bool(|| {
        let p = port_of(port)?;
        if count == 0 {
            return Err(invalid_parameter("ulCount is 0"));
        }
        let size = count as usize * std::mem::size_of::<OverlappedEntry>();
        if entries.is_null() || !writable(entries.cast(), size) || removed.is_null() {
            return Err(noaccess());
        }
        out_ok(removed)?;
        // SAFETY: checked writable.
        unsafe { removed.write(0) };
        let got = p.take(count as usize, ms, alertable != 0)?;
        for (i, k) in got.iter().enumerate() {
            // SAFETY: i < count; checked writable.
            unsafe {
                entries.add(i).write(OverlappedEntry {
                    key: k.key,
                    ov: k.ov as *mut OVERLAPPED,
                    internal: k.status,
                    bytes: k.bytes as DWORD,
                })
            };
        }
        // SAFETY: checked writable.
        unsafe { removed.write(got.len() as u32) };
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn PostQueuedCompletionStatus(
    port: HANDLE,
    bytes: DWORD,
    key: usize,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        port_of(port)?.post(Packet {
            bytes: bytes as usize,
            key,
            ov: ov as usize,
            status: 0,
        });
        Ok(())
    })
}
