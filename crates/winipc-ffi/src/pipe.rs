//! Anonymous pipes: `CreatePipe` over a real OS pipe, so that either end can become the stdin,
//! stdout or stderr of any Linux program (`STARTF_USESTDHANDLES`), and Windows' pipe errors on
//! the descriptor handles: reading a pipe whose write ends are all closed fails with
//! `ERROR_BROKEN_PIPE`; writing one whose read ends are all closed fails with `ERROR_NO_DATA`
//! (never `SIGPIPE`).

use crate::handle::std_handle;
use crate::util::*;

/// # Safety
/// `read` and `write` are valid for a `HANDLE` write (NULL gives `ERROR_NOACCESS`); `sa` is
/// NULL or a valid `SECURITY_ATTRIBUTES`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreatePipe(
    read: *mut HANDLE,
    write: *mut HANDLE,
    sa: *const SecurityAttributes,
    size: DWORD,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let inherit = unsafe { inherit_of(sa) };
        let mut fds = [0i32; 2];
        let flags = if inherit { 0 } else { libc::O_CLOEXEC };
        // SAFETY: `fds` is valid for two ints.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), flags) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        if size > 0 {
            // A hint, as on Windows: the kernel rounds it and may refuse large sizes.
            // SAFETY: fcntl on a descriptor we own.
            unsafe { libc::fcntl(fds[1], libc::F_SETPIPE_SZ, size.min(1 << 20) as libc::c_int) };
        }
        remember_size(&fds, if size == 0 { DEFAULT_SIZE } else { size });
        if inherit {
            crate::files::mark_inheritable(fds[0]);
            crate::files::mark_inheritable(fds[1]);
        }
        // SAFETY: the caller's contract (checked for writability first).
        let stored = unsafe { write_req(read, std_handle(fds[0])) }
            .and_then(|()| unsafe { write_req(write, std_handle(fds[1])) });
        if stored.is_err() {
            for fd in fds {
                let _ = crate::files::close_fd(fd);
            }
        }
        stored
    })
}

/// The buffer size `CreatePipe` reports for `nSize` 0 (`GetNamedPipeInfo`).
const DEFAULT_SIZE: DWORD = 4096;

/// The `nSize` each anonymous pipe's descriptors were created with, as `GetNamedPipeInfo`
/// reports it (a descriptor number reused by another pipe is overwritten by its `CreatePipe`).
static SIZES: std::sync::Mutex<Vec<(i32, DWORD)>> = std::sync::Mutex::new(Vec::new());

fn remember_size(fds: &[i32; 2], size: DWORD) {
    let mut g = SIZES.lock().unwrap_or_else(|e| e.into_inner());
    g.retain(|(fd, _)| !fds.contains(fd));
    g.extend(fds.iter().map(|&fd| (fd, size)));
}

/// `GetNamedPipeInfo` on an anonymous pipe's end `fd`: `(flags, out, in, max instances)` —
/// the read end is the "server" end (`PIPE_SERVER_END`), the sizes are `CreatePipe`'s `nSize`
/// (4096 for 0), one instance. `None` if `fd` is not an OS pipe.
pub(crate) fn anonymous_info(fd: i32) -> Option<(DWORD, DWORD, DWORD, DWORD)> {
    if !is_pipe(fd) {
        return None;
    }
    // SAFETY: F_GETFL on a descriptor number.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    let flags = DWORD::from(fl >= 0 && fl & libc::O_ACCMODE == libc::O_RDONLY);
    let size = SIZES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(f, _)| *f == fd)
        .map_or(DEFAULT_SIZE, |&(_, s)| s);
    Some((flags, size, size, 1))
}

fn is_pipe(fd: i32) -> bool {
    // SAFETY: `st` is a valid out-parameter for fstat.
    let mut st = unsafe { std::mem::zeroed::<libc::stat>() };
    // SAFETY: as above.
    unsafe { libc::fstat(fd, &mut st) == 0 && st.st_mode & libc::S_IFMT == libc::S_IFIFO }
}

/// A read of `len > 0` bytes that returned 0 from descriptor `fd`: end of file for a file, a
/// broken pipe for a pipe (every write end closed), as Windows reports it.
pub(crate) fn eof_result(fd: i32, len: usize) -> R<usize> {
    if len > 0 && is_pipe(fd) {
        return Err(winipc_core::Error::BrokenPipe.into());
    }
    Ok(0)
}

/// `write(2)` (or `pwrite` at `at`) on descriptor `fd` with `SIGPIPE` held back: a pipe or
/// socket whose readers are all gone fails with `ERROR_NO_DATA` instead of killing the process
/// (C programs keep `SIGPIPE`'s default action; Rust's runtime ignores it). Any other result
/// is returned as `write` returned it, errno included.
///
/// # Safety
/// `buf` is valid for `len` bytes of reads.
pub(crate) unsafe fn write_no_sigpipe(
    fd: i32,
    buf: *const u8,
    len: usize,
    at: Option<i64>,
) -> R<isize> {
    // SAFETY: sigset operations on local values.
    let (mut block, mut old) = unsafe { (std::mem::zeroed(), std::mem::zeroed()) };
    // SAFETY: as above.
    unsafe {
        libc::sigemptyset(&mut block);
        libc::sigaddset(&mut block, libc::SIGPIPE);
    }
    // Was SIGPIPE already pending for this thread (someone else's)? Then leave it.
    // SAFETY: `pending` is a valid out-parameter.
    let mut pending = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    let was_pending = unsafe {
        libc::sigpending(&mut pending) == 0 && libc::sigismember(&pending, libc::SIGPIPE) == 1
    };
    // SAFETY: valid sigsets.
    unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &block, &mut old) };
    // SAFETY: the caller's contract for `buf`.
    let n = unsafe {
        match at {
            Some(o) => libc::pwrite(fd, buf.cast(), len, o),
            None => libc::write(fd, buf.cast(), len),
        }
    };
    let err = std::io::Error::last_os_error();
    if n < 0 && err.raw_os_error() == Some(libc::EPIPE) && !was_pending {
        // Consume the SIGPIPE this write raised before unblocking it.
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: valid sigset and timespec.
        unsafe { libc::sigtimedwait(&block, std::ptr::null_mut(), &zero) };
    }
    // SAFETY: restores the mask saved above.
    unsafe { libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut()) };
    if n < 0 && err.raw_os_error() == Some(libc::EPIPE) {
        return Err(winipc_core::Error::PipeClosing.into());
    }
    // Other failures keep errno (pthread_sigmask does not touch it) for the caller's mapping.
    Ok(n)
}
