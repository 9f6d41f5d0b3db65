//! Threads: `CreateThread` runs the C routine on a pthread of our own, with a winipc thread
//! object (signaled at exit, with the exit code); `ExitThread`, `GetExitCodeThread`.

use std::cell::Cell;
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr::null_mut;
use std::sync::mpsc;

use winipc_core::{Error, RawHandle, STILL_ACTIVE, raw};

use crate::handle::{H, classify, gettid, to_handle};
use crate::util::*;

/// `LPTHREAD_START_ROUTINE`. "C-unwind": `ExitThread` ends a thread with `pthread_exit`,
/// whose forced unwind passes through the routine's frames.
type StartRoutine = unsafe extern "C-unwind" fn(*mut c_void) -> DWORD;

unsafe extern "C" {
    /// `pthread_create` with a start routine that may be unwound by `pthread_exit`.
    #[link_name = "pthread_create"]
    fn pthread_create_unwind(
        thread: *mut libc::pthread_t,
        attr: *const libc::pthread_attr_t,
        start: extern "C-unwind" fn(*mut c_void) -> *mut c_void,
        arg: *mut c_void,
    ) -> libc::c_int;
}

unsafe extern "C-unwind" {
    /// `pthread_exit` unwinds (a forced unwind): it must be declared "C-unwind".
    #[link_name = "pthread_exit"]
    fn pthread_exit_unwind(value: *mut c_void) -> !;
}

thread_local! {
    /// The calling thread's own handle to its thread object (0: none yet).
    static OWN: Cell<RawHandle> = const { Cell::new(0) };
    /// Publishes the exit of a thread we adopted (a thread not started by `CreateThread`).
    static ADOPTED: Adopted = const { Adopted };
}

#[derive(Debug)]
struct Adopted;

impl Adopted {
    fn arm(&self) {}
}

impl Drop for Adopted {
    fn drop(&mut self) {
        finish_current(0);
    }
}

/// The own handles of this process's threads that have a thread object, by tid (what
/// `OpenThread` duplicates).
static BY_TID: std::sync::Mutex<Option<std::collections::HashMap<u32, RawHandle>>> =
    std::sync::Mutex::new(None);

fn by_tid() -> std::sync::MutexGuard<'static, Option<std::collections::HashMap<u32, RawHandle>>> {
    BY_TID.lock().unwrap_or_else(|e| e.into_inner())
}

/// Publishes the calling thread's exit code to its thread object, once. The thread's
/// fiber-local storage callbacks run first, so that a waiter for the thread sees their work
/// done, as on Windows.
fn finish_current(code: DWORD) {
    crate::fls::thread_exit();
    let _ = catch_unwind(|| {
        crate::apc::forget(gettid());
        let own = OWN.with(|o| o.replace(0));
        if own != 0 {
            record_exit_times();
            if let Some(m) = by_tid().as_mut() {
                m.remove(&gettid());
            }
            if let Some(m) = descriptions().as_mut() {
                m.remove(&gettid());
            }
            let _ = raw::thread_finished(own, code);
        }
    });
}

/// A new handle to the calling thread's object (`DuplicateHandle(GetCurrentThread())`). A
/// thread not started by `CreateThread` gets an object on first use: the main thread's ends
/// with the process (and its exit code), another thread's when it exits (code 0, or
/// `ExitThread`'s).
pub(crate) fn current_thread_handle() -> R<RawHandle> {
    let own = OWN.with(Cell::get);
    if own != 0 {
        return Ok(raw::duplicate(own, false)?);
    }
    let mut map = by_tid();
    // The main thread's object may have been made by another thread's OpenThread.
    if let Some(&own) = map.as_ref().and_then(|m| m.get(&gettid())) {
        OWN.with(|o| o.set(own));
        return Ok(raw::duplicate(own, false)?);
    }
    let (creator, own) = raw::thread_object_new(false)?;
    raw::thread_started(own)?;
    OWN.with(|o| o.set(own));
    map.get_or_insert_with(Default::default)
        .insert(gettid(), own);
    drop(map);
    if gettid() != std::process::id() {
        ADOPTED.with(Adopted::arm); // registers the destructor
    }
    Ok(creator)
}

struct Start {
    routine: StartRoutine,
    arg: *mut c_void,
    own: RawHandle,
    ready: mpsc::SyncSender<u32>,
    suspended: bool,
}

extern "C-unwind" fn trampoline(p: *mut c_void) -> *mut c_void {
    let prepared = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: `p` is the `Box<Start>` leaked by CreateThread, handed over exactly once.
        let start = unsafe { Box::from_raw(p.cast::<Start>()) };
        let Start {
            routine,
            arg,
            own,
            ready,
            suspended,
        } = *start;
        let _ = raw::thread_started(own);
        OWN.with(|o| o.set(own));
        by_tid()
            .get_or_insert_with(Default::default)
            .insert(gettid(), own);
        // CREATE_SUSPENDED: the suspend count is 1 before CreateThread returns.
        let slot = if suspended {
            crate::threadctl::suspend_new()
        } else {
            None
        };
        let _ = ready.send(gettid());
        (routine, arg, slot)
    }));
    let Ok((routine, arg, slot)) = prepared else {
        return null_mut();
    };
    crate::threadctl::park_new(slot);
    // Nothing with a destructor is alive here: a forced unwind from ExitThread may pass.
    // SAFETY: the routine and its argument come from the CreateThread caller.
    let code = unsafe { routine(arg) };
    finish_current(code);
    null_mut()
}

const CREATE_SUSPENDED: DWORD = 0x4;
const STACK_SIZE_PARAM_IS_A_RESERVATION: DWORD = 0x1_0000;

/// # Safety
/// `sa` NULL or valid; `thread_id` NULL or valid for a `DWORD` write; `start` a function
/// callable with `param` on another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateThread(
    sa: *const SecurityAttributes,
    stack_size: usize,
    start: Option<StartRoutine>,
    param: *mut c_void,
    flags: DWORD,
    thread_id: *mut DWORD,
) -> HANDLE {
    ffi(null_mut(), || {
        let routine = start.ok_or_else(|| invalid_parameter("lpStartAddress is NULL"))?;
        if flags & !(STACK_SIZE_PARAM_IS_A_RESERVATION | CREATE_SUSPENDED) != 0 {
            return Err(invalid_parameter("dwCreationFlags"));
        }
        // SAFETY: the caller's contract.
        let inherit = unsafe { inherit_of(sa) };
        let (creator, own) = raw::thread_object_new(inherit)?;
        let (tx, rx) = mpsc::sync_channel(1);
        let boxed = Box::into_raw(Box::new(Start {
            routine,
            arg: param,
            own,
            ready: tx,
            suspended: flags & CREATE_SUSPENDED != 0,
        }));
        // SAFETY: the attribute object is initialised before use and destroyed after.
        let rc = unsafe { spawn(stack_size, boxed) };
        if rc != 0 {
            // SAFETY: the thread was not created, so the box is still ours.
            drop(unsafe { Box::from_raw(boxed) });
            let _ = raw::close(own);
            let _ = raw::close(creator);
            return Err(Error::NoResources("threads").into());
        }
        let tid = rx.recv().unwrap_or(0);
        // SAFETY: the caller's contract.
        unsafe { write_opt(thread_id, tid) };
        Ok(to_handle(creator))
    })
}

/// Starts a detached pthread running [`trampoline`] with `boxed`.
///
/// # Safety
/// `boxed` is a leaked `Box<Start>`; on success the new thread owns it.
unsafe fn spawn(stack_size: usize, boxed: *mut Start) -> libc::c_int {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: pthread_attr_init initialises the object; every later call uses it initialised.
    unsafe {
        let rc = libc::pthread_attr_init(attr.as_mut_ptr());
        if rc != 0 {
            return rc;
        }
        let attr = attr.as_mut_ptr();
        libc::pthread_attr_setdetachstate(attr, libc::PTHREAD_CREATE_DETACHED);
        if stack_size > 0 {
            let page = 4096usize;
            let size = stack_size
                .saturating_add(page - 1)
                .max(libc::PTHREAD_STACK_MIN)
                / page
                * page;
            let rc = libc::pthread_attr_setstacksize(attr, size);
            if rc != 0 {
                libc::pthread_attr_destroy(attr);
                return rc;
            }
        }
        let mut t: libc::pthread_t = 0;
        let rc = pthread_create_unwind(&mut t, attr, trampoline, boxed.cast());
        libc::pthread_attr_destroy(attr);
        rc
    }
}

/// # Safety
/// `code` is NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetExitCodeThread(h: HANDLE, code: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let c = match classify(h)? {
            H::CurrentThread => STILL_ACTIVE,
            H::Raw(r) => raw::thread_exit_code(r)?,
            H::Local(_) => match foreign_thread(h) {
                Some(t) => foreign_exit_code(&t)?,
                None => return Err(invalid_handle()),
            },
            _ => return Err(invalid_handle()),
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(code, c) }
    })
}

/// Ends the calling thread: publishes `code` to its thread object, then `pthread_exit`.
#[unsafe(no_mangle)]
pub extern "C-unwind" fn ExitThread(code: DWORD) -> ! {
    finish_current(code);
    // SAFETY: ends the calling thread; no Rust frame with a pending destructor is between
    // here and the C caller.
    unsafe { pthread_exit_unwind(null_mut()) }
}

/// The process a thread id belongs to (`Tgid` of `/proc/<tid>/status`), if it exists.
fn tgid_of(tid: u32) -> Option<u32> {
    let s = std::fs::read_to_string(format!("/proc/{tid}/status")).ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix("Tgid:"))
        .and_then(|v| v.trim().parse().ok())
}

/// `THREAD_*` rights another user's thread may be opened with (as `OpenProcess` allows
/// another user's process: waiting and querying).
const THREAD_OTHER_USER: DWORD = 0x0010_0000 | 0x0800 | 0x0040; // SYNCHRONIZE | QUERY_(LIMITED_)INFORMATION

/// A handle to a thread of another process (`OpenThread`): a local handle holding what ends
/// with the thread. Thread objects belong to their process, so another process's thread is
/// followed from outside: its main thread through its process object (signaled with the
/// process, whose exit code is the thread's, as for this process's main thread), any other
/// thread through a thread pidfd (`PIDFD_THREAD`), which is readable once the thread ended.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ForeignThread {
    pub(crate) tid: u32,
    pub(crate) pid: u32,
    /// The rights asked for, mapped (`THREAD_*`).
    pub(crate) access: u32,
    /// Signaled once the thread has ended: a process handle (`process`) or a descriptor handle.
    pub(crate) wait: RawHandle,
    pub(crate) process: bool,
}

/// The thread of another process behind `h`, if it is one.
pub(crate) fn foreign_thread(h: HANDLE) -> Option<ForeignThread> {
    crate::handle::with_local(h, |l| match l {
        crate::handle::Local::Thread(t) => Ok(*t),
        _ => Err(invalid_handle()),
    })
    .ok()
}

/// `DuplicateHandle` of such a handle within this process.
pub(crate) fn duplicate_foreign(t: ForeignThread) -> R<HANDLE> {
    let wait = raw::duplicate(t.wait, false)?;
    crate::handle::local_insert(crate::handle::Local::Thread(ForeignThread { wait, ..t }))
        .inspect_err(|_| {
            let _ = raw::close(wait);
        })
}

const SYNCHRONIZE: DWORD = 0x0010_0000;
const PROCESS_QUERY_LIMITED_INFORMATION: DWORD = 0x1000;

/// Whether a foreign thread has ended (its wait object is signaled).
fn foreign_ended(t: &ForeignThread) -> R<bool> {
    Ok(
        raw::wait(&[t.wait], false, Some(std::time::Duration::ZERO))?
            != winipc_core::WaitOutcome::TimedOut,
    )
}

/// `GetExitCodeThread` of a foreign thread: `STILL_ACTIVE` while it runs; then its process's
/// exit code for a main thread, 0 for another thread (Linux keeps no exit value of a thread
/// for other processes to read).
fn foreign_exit_code(t: &ForeignThread) -> R<u32> {
    if t.access & (THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION) == 0 {
        return Err(Error::AccessDenied.into());
    }
    if t.process {
        return Ok(raw::process_exit_code(t.wait)?);
    }
    Ok(if foreign_ended(t)? { 0 } else { STILL_ACTIVE })
}

/// `OpenThread` on a thread of another process (see [`ForeignThread`]). Not inheritable: the
/// handle lives in this process only.
fn open_foreign(tgid: u32, tid: u32, access: DWORD) -> R<HANDLE> {
    let mapped = crate::handle::map_access(winipc_core::Kind::Thread, access);
    if mapped == 0 {
        return Err(Error::AccessDenied.into());
    }
    let process = if tid == tgid {
        winipc_core::Process::open_with_access(
            tgid,
            SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION,
        )
        .ok()
        .map(|p| p.into_handle().into_raw())
    } else {
        None
    };
    let wait = match process {
        Some(p) => p,
        None => {
            let fd =
                winipc_sys::proc::pidfd_open_thread(tid).map_err(|e| match e.raw_os_error() {
                    Some(libc::ESRCH) => invalid_parameter("no such thread"),
                    Some(libc::EINVAL) => not_supported(
                        "OpenThread on another process's thread needs Linux 6.9 (PIDFD_THREAD)",
                    ),
                    _ => Fail::from(e),
                })?;
            raw::fd_handle(fd)?
        }
    };
    let t = ForeignThread {
        tid,
        pid: tgid,
        access: mapped,
        wait,
        process: process.is_some(),
    };
    crate::handle::local_insert(crate::handle::Local::Thread(t)).inspect_err(|_| {
        let _ = raw::close(wait);
    })
}

/// `OpenThread`: a new handle to a thread of this process with a thread object (started by
/// `CreateThread`, the caller itself, or the main thread), or to a thread of another process
/// ([`ForeignThread`]). Unknown tid: `ERROR_INVALID_PARAMETER`; another user's thread with
/// more than wait/query rights: `ERROR_ACCESS_DENIED`; a thread of this process started
/// outside winipc: `ERROR_NOT_SUPPORTED` (its end would not be seen).
#[unsafe(no_mangle)]
pub extern "C" fn OpenThread(access: DWORD, inherit: BOOL, tid: DWORD) -> HANDLE {
    ffi(null_mut(), || {
        let me = std::process::id();
        let tgid = match tid {
            0 => None,
            t => tgid_of(t),
        };
        let Some(tgid) = tgid else {
            return Err(invalid_parameter("no such thread"));
        };
        if tgid != me {
            let mine = winipc_sys::proc::geteuid();
            let owner = winipc_sys::proc::owner_uid(tgid);
            let specific = crate::handle::map_access(winipc_core::Kind::Thread, access);
            if mine != 0 && owner != Some(mine) && specific & !THREAD_OTHER_USER != 0 {
                return Err(Error::AccessDenied.into());
            }
            return open_foreign(tgid, tid, access);
        }
        let r = {
            let mut map = by_tid();
            match map.as_ref().and_then(|m| m.get(&tid)) {
                Some(&own) => raw::duplicate(own, inherit != 0)?,
                None if tid == gettid() => {
                    drop(map);
                    let r = current_thread_handle()?;
                    if inherit != 0 {
                        let dup = raw::duplicate(r, true);
                        let _ = raw::close(r);
                        dup?
                    } else {
                        r
                    }
                }
                None if tid == me => {
                    // The main thread, from another thread: its object ends with the process.
                    let (creator, own) = raw::thread_object_new(inherit != 0)?;
                    if let Err(e) = raw::thread_started_as(own, tid) {
                        let _ = raw::close(own);
                        let _ = raw::close(creator);
                        return Err(e.into());
                    }
                    map.get_or_insert_with(Default::default).insert(tid, own);
                    creator
                }
                None => {
                    return Err(not_supported(
                        "OpenThread on a thread not started by winipc",
                    ));
                }
            }
        };
        crate::handle::restrict_opened(r, access)?;
        Ok(to_handle(r))
    })
}

/// `GetProcessIdOfThread`.
#[unsafe(no_mangle)]
pub extern "C" fn GetProcessIdOfThread(h: HANDLE) -> DWORD {
    ffi(0, || match classify(h)? {
        H::CurrentThread => Ok(std::process::id()),
        H::Raw(r) => Ok(raw::thread_process_id(r)?),
        H::Local(_) => foreign_thread(h).map(|t| t.pid).ok_or_else(invalid_handle),
        _ => Err(invalid_handle()),
    })
}

// ---- thread descriptions -------------------------------------------------------------------

/// Descriptions set by `SetThreadDescription`, by tid (forgotten when the thread ends).
static DESCRIPTIONS: std::sync::Mutex<Option<std::collections::HashMap<u32, Vec<u16>>>> =
    std::sync::Mutex::new(None);

fn descriptions() -> std::sync::MutexGuard<'static, Option<std::collections::HashMap<u32, Vec<u16>>>>
{
    DESCRIPTIONS.lock().unwrap_or_else(|e| e.into_inner())
}

const E_FAIL_WIN32: u32 = 0x8007_0000;

fn hresult(r: R<()>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(Fail(0)) => 0,
        Err(Fail(code)) => (E_FAIL_WIN32 | (code & 0xFFFF)) as i32,
    }
}

/// The tid of a running thread of this process behind `h`.
fn own_thread_tid(h: HANDLE) -> R<u32> {
    match classify(h)? {
        H::CurrentThread => Ok(gettid()),
        H::Raw(r) => {
            let tid = raw::thread_id(r)?;
            if raw::thread_process_id(r)? != std::process::id() {
                return Err(not_supported("a thread of another process"));
            }
            Ok(tid)
        }
        _ => Err(invalid_handle()),
    }
}

/// `SetThreadDescription`: kept for `GetThreadDescription`; its first 15 bytes (UTF-8) also
/// become the Linux thread name (`/proc/self/task/<tid>/comm`, what `ps`, `top` and debuggers
/// show). Returns an `HRESULT`: `S_OK`, or `HRESULT_FROM_WIN32` of the error.
///
/// # Safety
/// `desc` a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetThreadDescription(h: HANDLE, desc: *const WCHAR) -> i32 {
    hresult((|| {
        let tid = own_thread_tid(h)?;
        // SAFETY: the caller's contract.
        let w = unsafe { checked_wstr(desc) }?.ok_or_else(|| invalid_parameter("NULL"))?;
        let s = String::from_utf16_lossy(w);
        let mut end = s.len().min(15);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let _ = std::fs::write(format!("/proc/self/task/{tid}/comm"), &s[..end]);
        descriptions()
            .get_or_insert_with(Default::default)
            .insert(tid, w.to_vec());
        Ok(())
    })())
}

/// `GetThreadDescription`: `*out` = a `LocalAlloc`'d copy (empty if none was set), freed by
/// the caller with `LocalFree`.
///
/// # Safety
/// `out` valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetThreadDescription(h: HANDLE, out: *mut *mut WCHAR) -> i32 {
    hresult((|| {
        out_ok(out)?;
        if out.is_null() {
            return Err(invalid_parameter("NULL"));
        }
        let tid = own_thread_tid(h)?;
        let mut w = descriptions()
            .as_ref()
            .and_then(|m| m.get(&tid).cloned())
            .unwrap_or_default();
        w.push(0);
        let p = crate::memory::LocalAlloc(0, w.len() * 2).cast::<WCHAR>();
        if p.is_null() {
            return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
        }
        // SAFETY: `p` holds `w.len()` WCHARs; `out` is writable (checked above).
        unsafe {
            std::ptr::copy_nonoverlapping(w.as_ptr(), p, w.len());
            out.write(p);
        }
        Ok(())
    })())
}

// ---- thread times --------------------------------------------------------------------------

/// A thread's times as `GetThreadTimes` gives them: creation and exit as `FILETIME` values
/// (100 ns since 1601, UTC), kernel and user time in 100 ns units.
#[derive(Clone, Copy, Default)]
struct Times {
    creation: u64,
    exit: u64,
    kernel: u64,
    user: u64,
}

/// The times of this process's threads that ended, by tid (at most `EXITED_MAX`).
static EXITED: std::sync::Mutex<Option<std::collections::HashMap<u32, Times>>> =
    std::sync::Mutex::new(None);
const EXITED_MAX: usize = 4096;
/// 1601-01-01 to 1970-01-01 in 100 ns units.
const FILETIME_UNIX_EPOCH: u64 = 116_444_736_000_000_000;

fn filetime_now() -> u64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    FILETIME_UNIX_EPOCH + (d.as_nanos() / 100) as u64
}

/// Creation, user and kernel time of a running thread from `/proc/<pid>/task/<tid>/stat`
/// (clock-tick resolution).
fn proc_times(pid: u32, tid: u32) -> Option<Times> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/task/{tid}/stat")).ok()?;
    // The fields after the command name, which is in parentheses and may hold anything.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 3.. of stat(5) start at index 0 here: utime is field 14, stime 15, starttime 22.
    let (utime, stime, start): (u64, u64, u64) = (
        f.get(11)?.parse().ok()?,
        f.get(12)?.parse().ok()?,
        f.get(19)?.parse().ok()?,
    );
    // SAFETY: sysconf has no preconditions.
    let hz = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .ok()
        .filter(|&h| h > 0)?;
    let mut boot = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the local timespec.
    if unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut boot) } != 0 {
        return None;
    }
    let since_boot = boot.tv_sec as u64 * 10_000_000 + boot.tv_nsec as u64 / 100;
    let age = since_boot.saturating_sub(start * 10_000_000 / hz);
    Some(Times {
        creation: filetime_now().saturating_sub(age),
        exit: 0,
        kernel: stime * 10_000_000 / hz,
        user: utime * 10_000_000 / hz,
    })
}

/// Records the calling thread's times as it ends (precise CPU times from `RUSAGE_THREAD`).
fn record_exit_times() {
    let tid = gettid();
    let mut t = proc_times(std::process::id(), tid).unwrap_or_default();
    let mut ru = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage writes the local rusage on success; it is used only then.
    if unsafe { libc::getrusage(libc::RUSAGE_THREAD, ru.as_mut_ptr()) } == 0 {
        // SAFETY: initialised by the successful call.
        let ru = unsafe { ru.assume_init() };
        let ticks = |tv: libc::timeval| tv.tv_sec as u64 * 10_000_000 + tv.tv_usec as u64 * 10;
        t.user = ticks(ru.ru_utime);
        t.kernel = ticks(ru.ru_stime);
    }
    t.exit = filetime_now();
    let mut m = EXITED.lock().unwrap_or_else(|e| e.into_inner());
    let m = m.get_or_insert_with(Default::default);
    if m.len() >= EXITED_MAX {
        m.clear(); // the oldest are of threads long gone; keep the table bounded
    }
    m.insert(tid, t);
}

const THREAD_QUERY_INFORMATION: u32 = 0x0040;
const THREAD_QUERY_LIMITED_INFORMATION: u32 = 0x0800;

/// `GetThreadTimes`: needs `THREAD_QUERY_(LIMITED_)INFORMATION`. A running thread's times
/// come from `/proc` (clock-tick resolution), an ended thread's of this process were
/// recorded as it ended (exit time, CPU times from `RUSAGE_THREAD`). An ended thread of
/// another process (a child's main thread) -> zeros but the exit time is unknown: 0.
///
/// # Safety
/// The four pointers valid for a `FILETIME` write each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetThreadTimes(
    h: HANDLE,
    creation: *mut u64,
    exit: *mut u64,
    kernel: *mut u64,
    user: *mut u64,
) -> BOOL {
    ffi_bool(|| {
        let (tid, pid, running) = match classify(h)? {
            H::CurrentThread => (gettid(), std::process::id(), true),
            H::Raw(r) => {
                let tid = raw::thread_id(r)?;
                // The core's full-access mask (CreateThread's handles) counts as every right.
                let mask = raw::access_mask(r)?;
                if mask != winipc_core::access::ALL
                    && mask & (THREAD_QUERY_INFORMATION | THREAD_QUERY_LIMITED_INFORMATION) == 0
                {
                    return Err(Error::AccessDenied.into());
                }
                let running = raw::thread_exit_code(r)? == STILL_ACTIVE;
                (tid, raw::thread_process_id(r)?, running)
            }
            H::Local(_) => {
                let t = foreign_thread(h).ok_or_else(invalid_handle)?;
                (t.tid, t.pid, foreign_exit_code(&t)? == STILL_ACTIVE)
            }
            _ => return Err(invalid_handle()),
        };
        let recorded = || {
            EXITED
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .and_then(|m| m.get(&tid).copied())
        };
        let t = if running {
            proc_times(pid, tid).or_else(recorded).unwrap_or_default()
        } else if pid == std::process::id() {
            recorded().unwrap_or_default()
        } else {
            Times::default()
        };
        for (p, v) in [
            (creation, t.creation),
            (exit, t.exit),
            (kernel, t.kernel),
            (user, t.user),
        ] {
            // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
            unsafe { write_req(p.cast::<[u32; 2]>(), [v as u32, (v >> 32) as u32]) }?;
        }
        Ok(())
    })
}
