//! `HANDLE` values: the core's raw handles, pseudo-handles, standard-stream handles; and the
//! handle functions (`CloseHandle`, `DuplicateHandle`, `Get/SetHandleInformation`, identity).

use std::sync::OnceLock;

use winipc_core::{EventReset, Kind, Process, RawHandle, raw};

use crate::util::*;

/// `GetCurrentProcess()` = `(HANDLE)-1` (also `INVALID_HANDLE_VALUE`).
pub(crate) const CURRENT_PROCESS: usize = usize::MAX;
/// `GetCurrentThread()` = `(HANDLE)-2`.
pub(crate) const CURRENT_THREAD: usize = usize::MAX - 1;
/// Descriptor handles (`GetStdHandle`, files from `CreateFile`): `STD_BASE + 4 * fd`, far
/// above every core handle value.
const STD_BASE: usize = 0x0F00_0000;
/// Descriptors that can have a handle (below 2^20).
const FD_LIMIT: usize = 1 << 20;

/// What a `HANDLE` value stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum H {
    /// A core handle value (not necessarily open).
    Raw(RawHandle),
    CurrentProcess,
    CurrentThread,
    /// A file descriptor: 0, 1 or 2 (`GetStdHandle`) or a file opened by `CreateFile`.
    Std(i32),
    /// An object of this process only (a Tool Help snapshot), by index.
    Local(usize),
}

/// Handles of objects that live in this process only: `LOCAL_BASE + 4 * index`.
const LOCAL_BASE: usize = 0x0E00_0000;
const LOCAL_MAX: usize = 0x1_0000;

/// An object behind an [`H::Local`] handle.
pub(crate) enum Local {
    Snapshot(crate::toolhelp::Snapshot),
    /// An I/O completion port.
    Port(std::sync::Arc<crate::iocp::Port>),
    /// A job object.
    Job(crate::job::JobHandle),
    /// A thread of another process (`OpenThread`).
    Thread(crate::thread::ForeignThread),
}

static LOCALS: std::sync::Mutex<Vec<Option<Local>>> = std::sync::Mutex::new(Vec::new());

/// A new handle to `l` (`ERROR_NOT_ENOUGH_MEMORY` when 65536 are open).
pub(crate) fn local_insert(l: Local) -> R<HANDLE> {
    let mut t = LOCALS.lock().unwrap_or_else(|e| e.into_inner());
    let i = match t.iter().position(Option::is_none) {
        Some(i) => i,
        None if t.len() < LOCAL_MAX => {
            t.push(None);
            t.len() - 1
        }
        None => return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY)),
    };
    t[i] = Some(l);
    Ok((LOCAL_BASE + 4 * i) as HANDLE)
}

/// Runs `f` on the local object behind `h` (`ERROR_INVALID_HANDLE` if there is none).
pub(crate) fn with_local<T>(h: HANDLE, f: impl FnOnce(&mut Local) -> R<T>) -> R<T> {
    let H::Local(i) = classify(h)? else {
        return Err(invalid_handle());
    };
    let mut t = LOCALS.lock().unwrap_or_else(|e| e.into_inner());
    match t.get_mut(i).and_then(Option::as_mut) {
        Some(l) => f(l),
        None => Err(invalid_handle()),
    }
}

fn local_close(i: usize) -> R<()> {
    let mut t = LOCALS.lock().unwrap_or_else(|e| e.into_inner());
    match t.get_mut(i).and_then(Option::take) {
        Some(Local::Port(p)) => {
            p.close();
            Ok(())
        }
        Some(Local::Thread(t)) => {
            let _ = raw::close(t.wait);
            Ok(())
        }
        Some(_) => Ok(()),
        None => Err(invalid_handle()),
    }
}

/// What `h` stands for. As on Windows, the low two bits of a handle value are ignored (they
/// are free for the application's tags), except in the pseudo-handles' values.
pub(crate) fn classify(h: HANDLE) -> R<H> {
    let v = h as usize;
    match v {
        CURRENT_PROCESS => return Ok(H::CurrentProcess),
        CURRENT_THREAD => return Ok(H::CurrentThread),
        _ => {}
    }
    let v = v & !3;
    match v {
        _ if (STD_BASE..STD_BASE + 4 * FD_LIMIT).contains(&v) => {
            Ok(H::Std(((v - STD_BASE) / 4) as i32))
        }
        _ if (LOCAL_BASE..LOCAL_BASE + 4 * LOCAL_MAX).contains(&v) => {
            Ok(H::Local((v - LOCAL_BASE) / 4))
        }
        _ => RawHandle::try_from(v)
            .ok()
            .filter(|&r| r != 0 && r < raw::HANDLE_VALUE_LIMIT)
            .map(H::Raw)
            .ok_or_else(invalid_handle),
    }
}

/// [`classify`]'s answer for a core handle value, computed alone (the hot paths' first test):
/// `Some(r)` exactly when `classify(h)` is `Ok(H::Raw(r))` (core values lie below every
/// pseudo, descriptor and local value).
#[inline(always)]
pub(crate) fn raw_value(h: HANDLE) -> Option<RawHandle> {
    const _: () =
        assert!((raw::HANDLE_VALUE_LIMIT as usize) <= LOCAL_BASE && LOCAL_BASE < STD_BASE);
    let v = h as usize & !3;
    // 4 <= v < HANDLE_VALUE_LIMIT, in one comparison (the hot path of ReadFile/WriteFile).
    const _: () = assert!(raw::HANDLE_VALUE_LIMIT % 4 == 0 && raw::HANDLE_VALUE_LIMIT >= 4);
    (v.wrapping_sub(4) < raw::HANDLE_VALUE_LIMIT as usize - 4).then_some(v as RawHandle)
}

/// A handle that must be a core handle (pseudo and standard handles are invalid here).
pub(crate) fn raw_of(h: HANDLE) -> R<RawHandle> {
    match classify(h)? {
        H::Raw(r) => Ok(r),
        _ => Err(invalid_handle()),
    }
}

pub(crate) fn to_handle(r: RawHandle) -> HANDLE {
    r as usize as HANDLE
}

/// A process handle argument: the caller, or a core handle (checked to be a process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ProcArg {
    Current,
    Raw(RawHandle),
}

pub(crate) fn process_arg(h: HANDLE) -> R<ProcArg> {
    match classify(h)? {
        H::CurrentProcess => Ok(ProcArg::Current),
        H::Raw(r) if raw::kind(r)? == Kind::Process => Ok(ProcArg::Raw(r)),
        _ => Err(invalid_handle()),
    }
}

/// The pid a process argument refers to.
pub(crate) fn pid_of(p: ProcArg) -> R<u32> {
    match p {
        ProcArg::Current => Ok(std::process::id()),
        ProcArg::Raw(r) => Ok(raw::process_id(r)?),
    }
}

/// Handles of never-signaled objects standing in for the pseudo-handles in waits: index 0 for
/// `GetCurrentProcess()`, 1 for `GetCurrentThread()` (two objects, so a wait-all on both is
/// not "the same object twice").
pub(crate) fn never_signaled(which: H) -> R<RawHandle> {
    static NEVER: [OnceLock<RawHandle>; 2] = [OnceLock::new(), OnceLock::new()];
    let cell = &NEVER[usize::from(which == H::CurrentThread)];
    if let Some(&r) = cell.get() {
        return Ok(r);
    }
    let ev = winipc_core::Event::make(
        None,
        EventReset::Manual,
        false,
        &winipc_core::Security::default(),
    )?;
    let r = ev.into_handle().into_raw();
    match cell.set(r) {
        Ok(()) => Ok(r),
        Err(_) => {
            let _ = raw::close(r); // another thread won the race
            Ok(*cell.get().expect("set"))
        }
    }
}

/// A handle for `WaitForMultipleObjects`: pseudo-handles are refused there, as on Windows
/// (`ERROR_INVALID_HANDLE`), though `WaitForSingleObject` accepts them.
pub(crate) fn waitable_multi(h: HANDLE) -> R<RawHandle> {
    match classify(h)? {
        H::Raw(r) => Ok(r),
        H::Local(_) => local_wait_object(h),
        _ => Err(invalid_handle()),
    }
}

/// What a wait on a local handle waits for: a job's event, or what ends with a thread of
/// another process (which needs `SYNCHRONIZE`, as on Windows).
fn local_wait_object(h: HANDLE) -> R<RawHandle> {
    if let Some(t) = crate::thread::foreign_thread(h) {
        if t.access & SYNCHRONIZE == 0 {
            return Err(winipc_core::Error::AccessDenied.into());
        }
        return Ok(t.wait);
    }
    crate::job::wait_object(h)
}

// ---- access rights -------------------------------------------------------------------------

const GENERIC_READ: u32 = 0x8000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;
const GENERIC_EXECUTE: u32 = 0x2000_0000;
const GENERIC_ALL: u32 = 0x1000_0000;
const MAXIMUM_ALLOWED: u32 = 0x0200_0000;
const STANDARD_READ: u32 = 0x0002_0000; // READ_CONTROL
const SYNCHRONIZE: u32 = 0x0010_0000;

/// Windows' generic mapping of each object type: (read, write, execute, all).
fn generic_mapping(kind: Kind) -> (u32, u32, u32, u32) {
    match kind {
        // EVENT/SEMAPHORE/TIMER: QUERY_STATE = 1, MODIFY_STATE = 2.
        Kind::Event | Kind::Semaphore | Kind::Timer => (
            STANDARD_READ | 1,
            STANDARD_READ | 2,
            STANDARD_READ | SYNCHRONIZE,
            0x001F_0003,
        ),
        Kind::Mutex => (
            STANDARD_READ | 1,
            STANDARD_READ,
            STANDARD_READ | SYNCHRONIZE,
            0x001F_0001,
        ),
        // PROCESS_VM_READ | PROCESS_QUERY_INFORMATION; the write rights; SYNCHRONIZE |
        // PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_TERMINATE.
        Kind::Process => (
            STANDARD_READ | 0x0410,
            STANDARD_READ | 0x0BEA,
            STANDARD_READ | SYNCHRONIZE | 0x1001,
            0x001F_FFFF,
        ),
        // THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION; TERMINATE, SUSPEND_RESUME, ...;
        // SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION.
        Kind::Thread => (
            STANDARD_READ | 0x0048,
            STANDARD_READ | 0x0037,
            STANDARD_READ | SYNCHRONIZE | 0x0800,
            0x001F_FFFF,
        ),
        _ => (0, 0, 0, u32::MAX),
    }
}

/// `dwDesiredAccess` → the rights a handle to an object of `kind` gets: generic rights mapped
/// as Windows maps them, `MAXIMUM_ALLOWED` = all rights, bits the type does not have dropped.
pub(crate) fn map_access(kind: Kind, desired: u32) -> u32 {
    let (r, w, x, all) = generic_mapping(kind);
    let mut a = desired & !(GENERIC_READ | GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL);
    for (bit, mapped) in [
        (GENERIC_READ, r),
        (GENERIC_WRITE, w),
        (GENERIC_EXECUTE, x),
        (GENERIC_ALL, all),
        (MAXIMUM_ALLOWED, all),
    ] {
        if desired & bit != 0 {
            a |= mapped;
        }
    }
    a & all
}

/// Gives the freshly opened handle `r` the rights of `desired` (`Open*`, `OpenProcess`):
/// 0 → the handle is closed again and the call fails with `ERROR_ACCESS_DENIED`, as on Windows.
pub(crate) fn restrict_opened(r: RawHandle, desired: u32) -> R<()> {
    let kind = raw::kind(r)?;
    let mapped = map_access(kind, desired);
    if mapped == 0 {
        let _ = raw::close(r);
        return Err(winipc_core::Error::AccessDenied.into());
    }
    if let Err(e) = raw::set_access(r, mapped) {
        let _ = raw::close(r);
        return Err(e.into());
    }
    Ok(())
}

/// A handle for a wait: core handles as they are, pseudo-handles as never-signaled objects.
pub(crate) fn waitable(h: HANDLE) -> R<RawHandle> {
    match classify(h)? {
        H::Raw(r) => Ok(r),
        which @ (H::CurrentProcess | H::CurrentThread) => never_signaled(which),
        H::Local(_) => local_wait_object(h),
        H::Std(_) => Err(invalid_handle()),
    }
}

// ---- CloseHandle ---------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn CloseHandle(h: HANDLE) -> BOOL {
    ffi_bool(|| close_handle(h))
}

/// `CloseHandle`'s work (also `DuplicateHandle`'s `DUPLICATE_CLOSE_SOURCE`).
fn close_handle(h: HANDLE) -> R<()> {
    match classify(h)? {
        H::Raw(r) => {
            crate::overlapped::forget(crate::overlapped::key_of(h));
            crate::fastpath::forget(r);
            Ok(raw::close(r)?)
        }
        H::Std(fd) => crate::files::close_fd(fd),
        // Pseudo-handles are not in the handle table (and -1 is INVALID_HANDLE_VALUE).
        H::Local(i) => local_close(i),
        H::CurrentProcess | H::CurrentThread => Err(invalid_handle()),
    }
}

// ---- DuplicateHandle -----------------------------------------------------------------------

const DUPLICATE_CLOSE_SOURCE: DWORD = 1;
const DUPLICATE_SAME_ACCESS: DWORD = 2;

/// # Safety
/// `lp_target` is NULL or valid for a write of a `HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DuplicateHandle(
    source_process: HANDLE,
    source: HANDLE,
    target_process: HANDLE,
    lp_target: *mut HANDLE,
    desired_access: DWORD,
    inherit: BOOL,
    options: DWORD,
) -> BOOL {
    ffi_bool(|| {
        if options & !(DUPLICATE_CLOSE_SOURCE | DUPLICATE_SAME_ACCESS) != 0 {
            return Err(invalid_parameter("DuplicateHandle options"));
        }
        let src = classify(source);
        let access = (options & DUPLICATE_SAME_ACCESS == 0).then_some(desired_access);
        if options & DUPLICATE_CLOSE_SOURCE != 0
            && let Some(same) = in_place(source_process, src, target_process, inherit != 0, access)
        {
            if lp_target.is_null() {
                // Nowhere to return the handle: only the closing is asked for.
                return close_handle(source);
            }
            let h = same?;
            // SAFETY: the caller's contract (checked non-NULL).
            unsafe { write_opt(lp_target, h) };
            return Ok(());
        }
        let result = duplicate(source_process, src, target_process, inherit != 0, access);
        if options & DUPLICATE_CLOSE_SOURCE != 0
            && let Ok(H::Raw(_) | H::Std(_) | H::Local(_)) = src
        {
            let _ = close_handle(source); // closed even if the duplication failed
        }
        let new = result?;
        // SAFETY: the caller's contract; NULL is allowed (the value is then not returned).
        unsafe { write_opt(lp_target, to_handle(new)) };
        Ok(())
    })
}

/// `DUPLICATE_CLOSE_SOURCE` from this process into itself, as Windows does it: the handle is
/// kept, with the new inheritance and rights, and its own value is returned (Wine's
/// `test_DuplicateHandle`: `out == f`). `None` when that does not apply (another process,
/// a pseudo-handle, a protected handle - which is duplicated and stays open).
fn in_place(
    source_process: HANDLE,
    src: R<H>,
    target_process: HANDLE,
    inherit: bool,
    access: Option<DWORD>,
) -> Option<R<HANDLE>> {
    let me = std::process::id();
    let ours = |p: HANDLE| process_arg(p).and_then(pid_of).is_ok_and(|pid| pid == me);
    if !ours(source_process) || !ours(target_process) {
        return None;
    }
    let flag = if inherit { raw::HANDLE_FLAG_INHERIT } else { 0 };
    match src {
        Ok(H::Raw(r)) => {
            let flags = raw::handle_flags(r).ok()?;
            if flags & raw::HANDLE_FLAG_PROTECT_FROM_CLOSE != 0 {
                return None;
            }
            Some((|| {
                if let Some(desired) = access {
                    let kind = raw::kind(r)?;
                    if kind != Kind::Mailslot {
                        raw::set_access(r, map_access(kind, desired))?;
                    }
                }
                raw::set_handle_flags(r, raw::HANDLE_FLAG_INHERIT, flag)?;
                Ok(to_handle(r))
            })())
        }
        Ok(H::Std(fd)) => Some(
            crate::files::set_fd_flags(fd, raw::HANDLE_FLAG_INHERIT, flag).map(|()| std_handle(fd)),
        ),
        _ => None,
    }
}

/// `DuplicateHandle`'s work: `access` is `dwDesiredAccess` (mapped for the object's type), or
/// `None` for `DUPLICATE_SAME_ACCESS`.
fn duplicate(
    source_process: HANDLE,
    src: R<H>,
    target_process: HANDLE,
    inherit: bool,
    access: Option<DWORD>,
) -> R<RawHandle> {
    let me = std::process::id();
    if pid_of(process_arg(source_process)?)? != me {
        return Err(not_supported("duplicating a handle out of another process"));
    }
    let target = process_arg(target_process)?;
    if let ProcArg::Raw(r) = target
        && raw::access_mask(r)? & winipc_core::access::PROCESS_DUP_HANDLE == 0
    {
        return Err(winipc_core::Error::AccessDenied.into());
    }
    let target_pid = pid_of(target)?;
    // A handle of this process first, with the new rights.
    let (local, temporary) = match src? {
        H::Raw(r) if access.is_none() && target_pid != me => {
            return Ok(raw::duplicate_into(r, target_pid, inherit)?);
        }
        H::Raw(r) => (
            raw::duplicate(r, inherit && target_pid == me)?,
            target_pid != me,
        ),
        H::CurrentProcess => (Process::current()?.into_handle().into_raw(), true),
        H::CurrentThread => (crate::thread::current_thread_handle()?, true),
        H::Std(fd) if target_pid == me => {
            return Ok(crate::files::dup_fd(fd, inherit)? as usize as RawHandle);
        }
        H::Std(_) => {
            return Err(not_supported(
                "duplicating a file handle into another process",
            ));
        }
        H::Local(i) if target_pid == me => {
            let h = (LOCAL_BASE + 4 * i) as HANDLE;
            if let Some(t) = crate::thread::foreign_thread(h) {
                return Ok(crate::thread::duplicate_foreign(t)? as usize as RawHandle);
            }
            return match crate::job::duplicate(h) {
                Ok(d) => Ok(d as usize as RawHandle),
                Err(_) => Err(not_supported("duplicating a snapshot or port handle")),
            };
        }
        H::Local(_) => {
            return Err(not_supported(
                "duplicating a local handle out of the process",
            ));
        }
    };
    if let Some(desired) = access {
        let kind = raw::kind(local)?;
        if kind != Kind::Mailslot {
            if let Err(e) = raw::set_access(local, map_access(kind, desired)) {
                let _ = raw::close(local);
                return Err(e.into());
            }
        }
    }
    if target_pid == me {
        if inherit {
            raw::set_handle_flags(local, raw::HANDLE_FLAG_INHERIT, raw::HANDLE_FLAG_INHERIT)?;
        }
        return Ok(local);
    }
    let r = raw::duplicate_into(local, target_pid, inherit);
    if temporary {
        let _ = raw::close(local);
    }
    Ok(r?)
}

// ---- handle information ----------------------------------------------------------------------

const HANDLE_FLAGS: DWORD = 3; // HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE

/// # Safety
/// `lp_flags` is NULL or valid for a write of a `DWORD`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetHandleInformation(h: HANDLE, lp_flags: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let flags = match classify(h)? {
            H::Std(fd) => crate::files::fd_flags(fd)?,
            _ => raw::handle_flags(raw_of(h)?)?,
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(lp_flags, flags & HANDLE_FLAGS) }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SetHandleInformation(h: HANDLE, mask: DWORD, flags: DWORD) -> BOOL {
    ffi_bool(|| {
        if mask & !HANDLE_FLAGS != 0 {
            return Err(invalid_parameter("SetHandleInformation mask"));
        }
        match classify(h)? {
            H::Std(fd) => crate::files::set_fd_flags(fd, mask, flags),
            _ => Ok(raw::set_handle_flags(raw_of(h)?, mask, flags)?),
        }
    })
}

// ---- identity ------------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentProcess() -> HANDLE {
    CURRENT_PROCESS as HANDLE
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentThread() -> HANDLE {
    CURRENT_THREAD as HANDLE
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentProcessId() -> DWORD {
    std::process::id()
}

pub(crate) fn gettid() -> u32 {
    // SAFETY: gettid has no preconditions.
    unsafe { libc::gettid() as u32 }
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentThreadId() -> DWORD {
    gettid()
}

#[unsafe(no_mangle)]
pub extern "C" fn GetProcessId(h: HANDLE) -> DWORD {
    ffi(0, || pid_of(process_arg(h)?))
}

#[unsafe(no_mangle)]
pub extern "C" fn GetThreadId(h: HANDLE) -> DWORD {
    ffi(0, || match classify(h)? {
        H::CurrentThread => Ok(gettid()),
        H::Raw(r) => Ok(raw::thread_id(r)?),
        H::Local(_) => crate::thread::foreign_thread(h)
            .map(|t| t.tid)
            .ok_or_else(invalid_handle),
        _ => Err(invalid_handle()),
    })
}

// ---- standard handles ----------------------------------------------------------------------

const STD_INPUT_HANDLE: DWORD = -10i32 as DWORD;
const STD_OUTPUT_HANDLE: DWORD = -11i32 as DWORD;
const STD_ERROR_HANDLE: DWORD = -12i32 as DWORD;

/// `SetStdHandle`'s values (0: not set, the descriptor's own handle is used).
static STD_SET: [std::sync::atomic::AtomicUsize; 3] =
    [const { std::sync::atomic::AtomicUsize::new(0) }; 3];

fn std_index(which: DWORD) -> R<usize> {
    match which {
        STD_INPUT_HANDLE => Ok(0),
        STD_OUTPUT_HANDLE => Ok(1),
        STD_ERROR_HANDLE => Ok(2),
        _ => Err(invalid_handle()),
    }
}

/// The handle `SetStdHandle` gave for stream `i` (0, 1, 2), if any.
pub(crate) fn std_override(i: usize) -> Option<HANDLE> {
    let v = STD_SET[i].load(std::sync::atomic::Ordering::Acquire);
    (v != 0).then_some(v as HANDLE)
}

#[unsafe(no_mangle)]
pub extern "C" fn SetStdHandle(which: DWORD, h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let i = std_index(which)?;
        STD_SET[i].store(h as usize, std::sync::atomic::Ordering::Release);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetStdHandle(which: DWORD) -> HANDLE {
    ffi(CURRENT_PROCESS as HANDLE, || {
        let fd = std_index(which)? as i32;
        if let Some(h) = std_override(fd as usize) {
            return Ok(h);
        }
        // SAFETY: F_GETFD on a descriptor number has no memory-safety preconditions.
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Ok(std::ptr::null_mut()); // not open: NULL, last error unchanged
        }
        Ok(std_handle(fd))
    })
}

pub(crate) fn std_handle(fd: i32) -> HANDLE {
    (STD_BASE + 4 * fd as usize) as HANDLE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(classify(usize::MAX as HANDLE), Ok(H::CurrentProcess));
        assert_eq!(classify((usize::MAX - 1) as HANDLE), Ok(H::CurrentThread));
        assert_eq!(classify(std_handle(2)), Ok(H::Std(2)));
        assert_eq!(classify(8 as HANDLE), Ok(H::Raw(8)));
        assert!(classify(std::ptr::null_mut()).is_err());
        assert!(classify((1usize << 40) as HANDLE).is_err());
    }
}
