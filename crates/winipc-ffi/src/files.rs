//! Files: `CreateFile` on ordinary paths, and the descriptor handles (`STD_BASE + 4 * fd`)
//! that `GetStdHandle` and `CreateFile` return: `SetFilePointer(Ex)`, `GetFileSize(Ex)`,
//! `FlushFileBuffers`, `GetFileType`, `DeleteFile`, inheritance (`FD_CLOEXEC`) and
//! duplication (`dup`).

use std::collections::HashSet;
use std::ffi::{CString, c_char};
use std::sync::Mutex;

use crate::env::{linux_path, path_error};
use crate::handle::{H, classify, std_handle};
use crate::util::*;

const GENERIC_READ: DWORD = 0x8000_0000;
const GENERIC_WRITE: DWORD = 0x4000_0000;
const GENERIC_ALL: DWORD = 0x1000_0000;
const MAXIMUM_ALLOWED: DWORD = 0x0200_0000;
const FILE_READ_DATA: DWORD = 0x1;
const FILE_WRITE_DATA: DWORD = 0x2;
const FILE_APPEND_DATA: DWORD = 0x4;

const CREATE_NEW: DWORD = 1;
const CREATE_ALWAYS: DWORD = 2;
const OPEN_EXISTING: DWORD = 3;
const OPEN_ALWAYS: DWORD = 4;
const TRUNCATE_EXISTING: DWORD = 5;

const FILE_ATTRIBUTE_READONLY: DWORD = 0x1;
const FILE_FLAG_OVERLAPPED: DWORD = 0x4000_0000;
const FILE_FLAG_BACKUP_SEMANTICS: DWORD = 0x0200_0000;
const FILE_FLAG_DELETE_ON_CLOSE: DWORD = 0x0400_0000;

const ERROR_FILE_EXISTS: u32 = 80;
const ERROR_NEGATIVE_SEEK: u32 = 131;

/// Descriptors this process made inheritable through winipc (`CreateFile` with
/// `bInheritHandle`, `SetHandleInformation`): `CreateProcess(bInheritHandles = FALSE)` keeps
/// them from the child.
static INHERITABLE: Mutex<Option<HashSet<i32>>> = Mutex::new(None);
/// Files to remove when their handle is closed (`FILE_FLAG_DELETE_ON_CLOSE`).
static DELETE_ON_CLOSE: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

/// Records that `fd` was made inheritable through winipc (`CreatePipe` with `bInheritHandle`).
pub(crate) fn mark_inheritable(fd: i32) {
    set_inheritable(fd, true);
}

fn set_inheritable(fd: i32, on: bool) {
    let mut s = INHERITABLE.lock().unwrap_or_else(|e| e.into_inner());
    let s = s.get_or_insert_with(HashSet::new);
    if on {
        s.insert(fd);
    } else {
        s.remove(&fd);
    }
}

/// The inheritable descriptors (for `CreateProcess` without inheritance).
pub(crate) fn inheritable_fds() -> Vec<i32> {
    INHERITABLE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .map(|s| s.iter().copied().collect())
        .unwrap_or_default()
}

/// A `read`/`write` result on a descriptor handle: `EBADF` on an open descriptor means the
/// handle lacks that access (`ERROR_ACCESS_DENIED`), as Windows reports it.
pub(crate) fn fd_result(fd: i32, n: isize) -> R<usize> {
    if n >= 0 {
        return Ok(n as usize);
    }
    let e = std::io::Error::last_os_error();
    if e.raw_os_error() == Some(libc::EBADF) {
        // SAFETY: F_GETFD on a descriptor number has no memory-safety preconditions.
        let open = unsafe { libc::fcntl(fd, libc::F_GETFD) } >= 0;
        return Err(if open {
            winipc_core::Error::AccessDenied.into()
        } else {
            invalid_handle()
        });
    }
    Err(e.into())
}

/// Special Windows device names.
fn device(name: &str) -> Option<&'static str> {
    let n = name.trim_end_matches(':').to_ascii_uppercase();
    match n.as_str() {
        "NUL" => Some("/dev/null"),
        "CON" | "CONIN$" | "CONOUT$" => Some("/dev/tty"),
        _ => None,
    }
}

/// `CreateFile` on anything that is not a mailslot.
pub(crate) fn open(
    name: &str,
    access: DWORD,
    disposition: DWORD,
    flags: DWORD,
    inherit: bool,
) -> R<HANDLE> {
    if name.starts_with(r"\\.\pipe\") || name.starts_with(r"\\?\pipe\") {
        return Err(not_supported("named pipes"));
    }
    let path = match device(name) {
        Some(d) => d.to_owned(),
        None => linux_path(name),
    };
    let read = access & (GENERIC_READ | GENERIC_ALL | MAXIMUM_ALLOWED | FILE_READ_DATA) != 0;
    let write = access & (GENERIC_WRITE | GENERIC_ALL | MAXIMUM_ALLOWED | FILE_WRITE_DATA) != 0;
    let append = !write && access & FILE_APPEND_DATA != 0;
    let mut oflags = match (read, write || append) {
        (true, true) => libc::O_RDWR,
        (false, true) => libc::O_WRONLY,
        (true, false) => libc::O_RDONLY,
        (false, false) => libc::O_PATH, // attributes only
    };
    if append {
        oflags |= libc::O_APPEND;
    }
    if !inherit {
        oflags |= libc::O_CLOEXEC;
    }
    if flags & FILE_FLAG_OVERLAPPED != 0 {
        // A FIFO's open must not wait for its other end; reads and writes never block.
        oflags |= libc::O_NONBLOCK;
    }
    let create = match disposition {
        CREATE_NEW => libc::O_CREAT | libc::O_EXCL,
        CREATE_ALWAYS | OPEN_ALWAYS => 0, // decided below (to report ERROR_ALREADY_EXISTS)
        OPEN_EXISTING => 0,
        TRUNCATE_EXISTING => {
            if !write {
                return Err(invalid_parameter("TRUNCATE_EXISTING needs GENERIC_WRITE"));
            }
            libc::O_TRUNC
        }
        _ => return Err(invalid_parameter("dwCreationDisposition")),
    };
    if oflags & libc::O_PATH != 0 && create != 0 {
        oflags = (oflags & !libc::O_PATH) | libc::O_RDONLY;
    }
    let mode: libc::mode_t = if flags & FILE_ATTRIBUTE_READONLY != 0 {
        0o444
    } else {
        0o666
    };
    let c = CString::new(path.as_bytes()).map_err(|_| Fail(code::ERROR_INVALID_NAME))?;
    let sys_open = |extra: i32| -> i32 {
        // SAFETY: a NUL-terminated path; the mode is passed for O_CREAT.
        unsafe { libc::open(c.as_ptr(), oflags | extra, libc::c_uint::from(mode)) }
    };
    let (fd, existed) = match disposition {
        CREATE_ALWAYS | OPEN_ALWAYS => {
            let trunc = if disposition == CREATE_ALWAYS && (write || append) {
                libc::O_TRUNC
            } else {
                0
            };
            loop {
                let fd = sys_open(trunc);
                if fd >= 0 {
                    break (fd, true);
                }
                if std::io::Error::last_os_error().raw_os_error() != Some(libc::ENOENT) {
                    break (fd, false);
                }
                let fd = sys_open(libc::O_CREAT | libc::O_EXCL);
                if fd >= 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::EEXIST) {
                    break (fd, false);
                }
            }
        }
        _ => (sys_open(create), false),
    };
    if fd < 0 {
        let e = std::io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EEXIST) => Fail(ERROR_FILE_EXISTS),
            Some(libc::EISDIR) => winipc_core::Error::AccessDenied.into(),
            _ => path_error(&path, e),
        });
    }
    if fd as usize >= 1 << 20 {
        // SAFETY: closing the descriptor just opened.
        unsafe { libc::close(fd) };
        return Err(Fail(code::ERROR_TOO_MANY_OPEN_FILES));
    }
    // A directory opens only with FILE_FLAG_BACKUP_SEMANTICS, as on Windows.
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat fills `st` for an open descriptor.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } == 0
        // SAFETY: initialised by the successful fstat.
        && unsafe { st.assume_init() }.st_mode & libc::S_IFMT == libc::S_IFDIR
        && flags & FILE_FLAG_BACKUP_SEMANTICS == 0
    {
        // SAFETY: closing the descriptor just opened.
        unsafe { libc::close(fd) };
        return Err(winipc_core::Error::AccessDenied.into());
    }
    if let Ok(st) = fstat(fd) {
        crate::fslock::note_open(fd, &st, flags & FILE_FLAG_OVERLAPPED != 0);
    }
    if flags & FILE_FLAG_OVERLAPPED != 0
        && let Err(e) = crate::overlapped::FdTarget::register(fd)
    {
        // SAFETY: closing the descriptor just opened.
        unsafe { libc::close(fd) };
        return Err(e);
    }
    if inherit {
        set_inheritable(fd, true);
    }
    if flags & FILE_FLAG_DELETE_ON_CLOSE != 0 {
        DELETE_ON_CLOSE
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((fd, path));
    }
    // CONIN$ is the console's input, CONOUT$ its output, CON either by the access asked.
    crate::consoleio::note_device(
        fd,
        device(name).map(|_| {
            let n = name.trim_end_matches(':').to_ascii_uppercase();
            n == "CONIN$" || (n == "CON" && !write)
        }),
    );
    set_last_error(if existed {
        code::ERROR_ALREADY_EXISTS
    } else {
        code::ERROR_SUCCESS
    });
    Ok(std_handle(fd))
}

/// `CloseHandle` on a descriptor handle.
pub(crate) fn close_fd(fd: i32) -> R<()> {
    // Pending overlapped operations are cancelled first (while the descriptor is still open,
    // so that epoll forgets it).
    crate::overlapped::forget(crate::overlapped::key_of(std_handle(fd)));
    // The byte-range locks recorded for the number (the kernel drops its own with the file).
    crate::fslock::forget(fd);
    // A named-pipe end: dropping it closes its socket (and a server's own descriptors). What
    // winipc knew of the number is forgotten *before* the number is released: afterwards it
    // may already name another thread's new pipe end.
    // The same for the inheritance mark, the console note and a delete-on-close entry.
    set_inheritable(fd, false);
    crate::consoleio::note_device(fd, None);
    let doomed = {
        let mut d = DELETE_ON_CLOSE.lock().unwrap_or_else(|e| e.into_inner());
        d.iter()
            .position(|(f, _)| *f == fd)
            .map(|i| d.swap_remove(i).1)
    };
    let closed = crate::namedpipe::close(fd);
    // SAFETY: closing a descriptor number has no memory-safety preconditions.
    if !closed && unsafe { libc::close(fd) } != 0 {
        return Err(invalid_handle());
    }
    if let Some(path) = doomed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// `DuplicateHandle` of a descriptor handle within this process.
pub(crate) fn dup_fd(fd: i32, inherit: bool) -> R<crate::util::HANDLE> {
    let cmd = if inherit {
        libc::F_DUPFD
    } else {
        libc::F_DUPFD_CLOEXEC
    };
    // SAFETY: duplicating a descriptor number.
    let n = unsafe { libc::fcntl(fd, cmd, 3) };
    if n < 0 {
        return Err(invalid_handle());
    }
    if inherit {
        set_inheritable(n, true);
    }
    let overlapped = crate::overlapped::target_of(std_handle(fd)).is_some();
    if crate::namedpipe::share(fd, n, overlapped) {
        return Ok(std_handle(n));
    }
    if overlapped {
        // The duplicate shares the file description, and so its overlapped mode.
        let _ = crate::overlapped::FdTarget::register(n);
    }
    Ok(std_handle(n))
}

/// `GetHandleInformation` of a descriptor: inheritable when it has no `FD_CLOEXEC`.
pub(crate) fn fd_flags(fd: i32) -> R<u32> {
    // SAFETY: F_GETFD on a descriptor number.
    let f = unsafe { libc::fcntl(fd, libc::F_GETFD) };
    if f < 0 {
        return Err(invalid_handle());
    }
    Ok(u32::from(f & libc::FD_CLOEXEC == 0))
}

/// `SetHandleInformation(HANDLE_FLAG_INHERIT)` of a descriptor (protection from closing is
/// not available for descriptors).
pub(crate) fn set_fd_flags(fd: i32, mask: u32, flags: u32) -> R<()> {
    if mask & 2 != 0 && flags & 2 != 0 {
        return Err(not_supported(
            "HANDLE_FLAG_PROTECT_FROM_CLOSE on a file handle",
        ));
    }
    if mask & 1 != 0 {
        let on = flags & 1 != 0;
        let v = if on { 0 } else { libc::FD_CLOEXEC };
        // SAFETY: F_SETFD on a descriptor number.
        if unsafe { libc::fcntl(fd, libc::F_SETFD, v) } < 0 {
            return Err(invalid_handle());
        }
        set_inheritable(fd, on);
    }
    Ok(())
}

/// `WaitForSingleObject` on a descriptor handle: signaled when a transfer would not block -
/// at once for a file, when input is available for a terminal or pipe opened for reading
/// (the console-input behaviour), when there is room for one opened for writing only.
pub(crate) fn wait_fd(fd: i32, ms: DWORD) -> R<DWORD> {
    // SAFETY: F_GETFL on a descriptor number.
    let fl = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if fl < 0 {
        return Err(invalid_handle());
    }
    let events = if fl & libc::O_ACCMODE == libc::O_WRONLY {
        libc::POLLOUT
    } else {
        libc::POLLIN
    };
    let deadline = (ms != u32::MAX)
        .then(|| std::time::Instant::now() + std::time::Duration::from_millis(u64::from(ms)));
    loop {
        let left = deadline.map_or(-1, |d| {
            d.saturating_duration_since(std::time::Instant::now())
                .as_millis()
                .min(i32::MAX as u128) as i32
        });
        let mut p = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        let n = unsafe { libc::poll(&mut p, 1, left) };
        if n > 0 {
            return Ok(0); // WAIT_OBJECT_0 (also at end of input or a hang-up)
        }
        if n == 0 {
            return Ok(0x102); // WAIT_TIMEOUT
        }
        if std::io::Error::last_os_error().kind() != std::io::ErrorKind::Interrupted {
            return Err(std::io::Error::last_os_error().into());
        }
    }
}

pub(crate) fn fd_of(h: HANDLE) -> R<i32> {
    match classify(h)? {
        H::Std(fd) => Ok(fd),
        _ => Err(invalid_handle()),
    }
}

pub(crate) fn fstat(fd: i32) -> R<libc::stat> {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat fills `st` on success.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } != 0 {
        return Err(invalid_handle());
    }
    // SAFETY: initialised by the successful fstat.
    Ok(unsafe { st.assume_init() })
}

fn seek(fd: i32, dist: i64, method: DWORD) -> R<i64> {
    let whence = match method {
        0 => libc::SEEK_SET,
        1 => libc::SEEK_CUR,
        2 => libc::SEEK_END,
        _ => return Err(invalid_parameter("dwMoveMethod")),
    };
    fstat(fd)?;
    // SAFETY: lseek on a descriptor number.
    let r = unsafe { libc::lseek(fd, dist, whence) };
    if r < 0 {
        let e = std::io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EINVAL) => Fail(ERROR_NEGATIVE_SEEK),
            Some(libc::ESPIPE) => invalid_parameter("not seekable"),
            _ => e.into(),
        });
    }
    Ok(r)
}

const INVALID_SET_FILE_POINTER: DWORD = u32::MAX;

/// # Safety
/// `high` NULL or valid for reads and writes of a `LONG`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetFilePointer(
    h: HANDLE,
    low: i32,
    high: *mut i32,
    method: DWORD,
) -> DWORD {
    ffi(INVALID_SET_FILE_POINTER, || {
        let fd = fd_of(h)?;
        // SAFETY: the caller's contract.
        let dist = match unsafe { read_opt(high) } {
            Some(hi) => (i64::from(hi) << 32) | i64::from(low as u32),
            None => i64::from(low),
        };
        let pos = seek(fd, dist, method)?;
        // SAFETY: the caller's contract.
        unsafe { write_opt(high, (pos >> 32) as i32) };
        if pos as u32 == INVALID_SET_FILE_POINTER {
            set_last_error(code::ERROR_SUCCESS); // tells the position from a failure
        }
        Ok(pos as u32)
    })
}

/// # Safety
/// `new_pos` NULL or valid for a `LARGE_INTEGER` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetFilePointerEx(
    h: HANDLE,
    dist: i64,
    new_pos: *mut i64,
    method: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let fd = fd_of(h)?;
        out_ok(new_pos)?;
        let pos = seek(fd, dist, method)?;
        // SAFETY: the caller's contract.
        unsafe { write_opt(new_pos, pos) };
        Ok(())
    })
}

const INVALID_FILE_SIZE: DWORD = u32::MAX;

/// # Safety
/// `high` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileSize(h: HANDLE, high: *mut DWORD) -> DWORD {
    ffi(INVALID_FILE_SIZE, || {
        let size = fstat(fd_of(h)?)?.st_size as u64;
        // SAFETY: the caller's contract.
        unsafe { write_opt(high, (size >> 32) as u32) };
        if size as u32 == INVALID_FILE_SIZE {
            set_last_error(code::ERROR_SUCCESS);
        }
        Ok(size as u32)
    })
}

/// # Safety
/// `size` valid for a `LARGE_INTEGER` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileSizeEx(h: HANDLE, size: *mut i64) -> BOOL {
    ffi_bool(|| {
        let s = fstat(fd_of(h)?)?.st_size;
        // SAFETY: the caller's contract.
        unsafe { write_req(size, s) }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FlushFileBuffers(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let fd = fd_of(h)?;
        if let Some(p) = crate::namedpipe::end_of_fd(fd) {
            return crate::namedpipe::flush(&p);
        }
        // SAFETY: fsync on a descriptor number.
        if unsafe { libc::fsync(fd) } != 0 {
            let e = std::io::Error::last_os_error();
            return match e.raw_os_error() {
                // Pipes and terminals have nothing to flush.
                Some(libc::EINVAL) | Some(libc::EROFS) => Ok(()),
                Some(libc::EBADF) => Err(invalid_handle()),
                _ => Err(e.into()),
            };
        }
        Ok(())
    })
}

const FILE_TYPE_UNKNOWN: DWORD = 0;
const FILE_TYPE_DISK: DWORD = 1;
const FILE_TYPE_CHAR: DWORD = 2;
const FILE_TYPE_PIPE: DWORD = 3;

#[unsafe(no_mangle)]
pub extern "C" fn GetFileType(h: HANDLE) -> DWORD {
    ffi(FILE_TYPE_UNKNOWN, || {
        let fd = fd_of(h)?;
        let st = fstat(fd)?;
        let t = match st.st_mode & libc::S_IFMT {
            _ if crate::namedpipe::is_pipe_fd(fd) => FILE_TYPE_PIPE,
            libc::S_IFCHR => FILE_TYPE_CHAR,
            libc::S_IFIFO | libc::S_IFSOCK => FILE_TYPE_PIPE,
            _ => FILE_TYPE_DISK,
        };
        set_last_error(code::ERROR_SUCCESS);
        Ok(t)
    })
}

fn delete_file(name: R<Option<String>>) -> BOOL {
    use std::os::unix::fs::PermissionsExt;
    ffi_bool(|| {
        let name = name?.ok_or(Fail(code::ERROR_PATH_NOT_FOUND))?;
        let path = linux_path(&name);
        let meta = std::fs::symlink_metadata(&path).map_err(|e| path_error(&path, e))?;
        // Windows deletes neither directories nor read-only files (even for an
        // administrator, where root could).
        if meta.is_dir() || (meta.is_file() && meta.permissions().mode() & 0o222 == 0) {
            return Err(winipc_core::Error::AccessDenied.into());
        }
        std::fs::remove_file(&path).map_err(|e| path_error(&path, e))?;
        Ok(())
    })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteFileA(name: *const c_char) -> BOOL {
    // SAFETY: the caller's contract.
    delete_file(unsafe { arg_a(name, Text::Other) })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteFileW(name: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    delete_file(unsafe { arg_w(name, Text::Other) })
}
