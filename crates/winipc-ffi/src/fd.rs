//! Readiness descriptors (no Win32 equivalent; `include/winipc_fd.h`): `winipc_handle_fd`
//! turns a waitable handle into a descriptor for `poll`/`epoll`, `winipc_fd_handle` a
//! descriptor into a handle for `WaitForMultipleObjects` (decision 0013).

use std::ffi::c_int;
use std::os::fd::{FromRawFd, OwnedFd};
use std::ptr::null_mut;

use winipc_core::raw;

use crate::handle::{raw_of, to_handle};
use crate::util::*;

/// A descriptor readable while `h`'s object is signaled; -1 and the last error on failure.
/// Owned by the library until `CloseHandle(h)`; polling it acquires nothing.
#[unsafe(no_mangle)]
pub extern "C" fn winipc_handle_fd(h: HANDLE) -> c_int {
    ffi(-1, || Ok(raw::handle_fd(raw_of(h)?)?))
}

/// A handle signaled while `fd` is readable; NULL and the last error on failure. The handle
/// keeps its own duplicate of `fd` until it is closed.
#[unsafe(no_mangle)]
pub extern "C" fn winipc_fd_handle(fd: c_int) -> HANDLE {
    ffi(null_mut(), || {
        if fd < 0 {
            return Err(invalid_handle());
        }
        // SAFETY: fcntl with F_DUPFD_CLOEXEC reads no memory; a descriptor that is not open
        // fails with EBADF.
        let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 0) };
        if dup < 0 {
            return Err(invalid_handle());
        }
        // SAFETY: `dup` is a descriptor we just created and nobody else owns.
        let owned = unsafe { OwnedFd::from_raw_fd(dup) };
        Ok(to_handle(raw::fd_handle(owned)?))
    })
}
