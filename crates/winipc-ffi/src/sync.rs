//! Events, mutexes, semaphores, waitable timers and the waits.

use std::ffi::c_char;
use std::ptr::null_mut;
use std::time::{Duration, SystemTime};

use winipc_core::{DueTime, Event, EventReset, Handle, Mutex, Semaphore, Timer, WaitOutcome, raw};

use crate::handle::{raw_of, restrict_opened, to_handle, waitable, waitable_multi};
use crate::util::*;

// ---- creation and opening (shared by the A and W variants) ---------------------------------

/// A `Create*` name: NULL and `""` mean an unnamed object.
fn create_name(name: Option<String>) -> Option<String> {
    name.filter(|n| !n.is_empty())
}

/// The common tail of every `Create*`: last error 0 or `ERROR_ALREADY_EXISTS`.
fn created(h: Handle, existed: bool) -> HANDLE {
    set_last_error(if existed {
        code::ERROR_ALREADY_EXISTS
    } else {
        code::ERROR_SUCCESS
    });
    to_handle(h.into_raw())
}

/// The common tail of every `Open*`: the inherit flag, no change to the last error.
fn opened(h: Handle, inherit: BOOL) -> R<HANDLE> {
    if inherit != 0 {
        h.set_inheritable(true)?;
    }
    Ok(to_handle(h.into_raw()))
}

fn open_name(name: Option<String>) -> R<String> {
    name.ok_or_else(|| invalid_parameter("lpName is NULL"))
}

#[derive(Debug, Clone, Copy)]
enum Ob {
    Event { manual: bool, initial: bool },
    Mutex { owner: bool },
    Semaphore { initial: i32, max: i32 },
    Timer { manual: bool },
}

/// # Safety
/// `sa` is NULL or a valid `SECURITY_ATTRIBUTES`.
unsafe fn create(sa: *const SecurityAttributes, name: R<Option<String>>, ob: Ob) -> HANDLE {
    ffi(null_mut(), || {
        let name = create_name(name?);
        // SAFETY: forwarded contract.
        let sec = unsafe { security(sa) }?;
        let name = name.as_deref();
        let (h, existed) = match ob {
            Ob::Event { manual, initial } => {
                let reset = if manual {
                    EventReset::Manual
                } else {
                    EventReset::Auto
                };
                let e = Event::make(name, reset, initial, &sec)?;
                let existed = e.already_existed();
                (e.into_handle(), existed)
            }
            Ob::Mutex { owner } => {
                let m = Mutex::make(name, owner, &sec)?;
                let existed = m.already_existed();
                (m.into_handle(), existed)
            }
            Ob::Semaphore { initial, max } => {
                if max <= 0 || initial < 0 || initial > max {
                    return Err(invalid_parameter("semaphore counts"));
                }
                let s = Semaphore::make(name, initial as u32, max as u32, &sec)?;
                let existed = s.already_existed();
                (s.into_handle(), existed)
            }
            Ob::Timer { manual } => {
                let t = Timer::make(name, manual, &sec)?;
                let existed = t.already_existed();
                (t.into_handle(), existed)
            }
        };
        Ok(created(h, existed))
    })
}

// ---- the Create*Ex constructors: flags instead of BOOLs, and the handle's access -----------

const CREATE_EVENT_MANUAL_RESET: DWORD = 1;
const CREATE_EVENT_INITIAL_SET: DWORD = 2;
const CREATE_MUTEX_INITIAL_OWNER: DWORD = 1;
const CREATE_WAITABLE_TIMER_MANUAL_RESET: DWORD = 1;

/// # Safety
/// As `create`.
unsafe fn create_ex(
    sa: *const SecurityAttributes,
    name: R<Option<String>>,
    ob: R<Ob>,
    access: DWORD,
) -> HANDLE {
    let ob = match ob {
        Ok(o) => o,
        Err(Fail(c)) => {
            set_last_error(c);
            return null_mut();
        }
    };
    // SAFETY: forwarded contract.
    let h = unsafe { create(sa, name, ob) };
    if h.is_null() {
        return h;
    }
    let existed = last_error();
    let r = ffi(FALSE, || {
        let r = raw_of(h)?;
        let kind = raw::kind(r)?;
        raw::set_access(r, crate::handle::map_access(kind, access))?;
        Ok(TRUE)
    });
    if r == FALSE {
        let _ = raw::close(h as usize as u32);
        return null_mut();
    }
    set_last_error(existed);
    h
}

fn flags_ok(flags: DWORD, known: DWORD) -> R<()> {
    if flags & !known != 0 {
        return Err(invalid_parameter("dwFlags"));
    }
    Ok(())
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateEventExA(
    sa: *const SecurityAttributes,
    name: *const c_char,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 3).map(|()| Ob::Event {
        manual: flags & CREATE_EVENT_MANUAL_RESET != 0,
        initial: flags & CREATE_EVENT_INITIAL_SET != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_a(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExA` (UTF-16 name).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateEventExW(
    sa: *const SecurityAttributes,
    name: *const WCHAR,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 3).map(|()| Ob::Event {
        manual: flags & CREATE_EVENT_MANUAL_RESET != 0,
        initial: flags & CREATE_EVENT_INITIAL_SET != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_w(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMutexExA(
    sa: *const SecurityAttributes,
    name: *const c_char,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 1).map(|()| Ob::Mutex {
        owner: flags & CREATE_MUTEX_INITIAL_OWNER != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_a(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExW`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMutexExW(
    sa: *const SecurityAttributes,
    name: *const WCHAR,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 1).map(|()| Ob::Mutex {
        owner: flags & CREATE_MUTEX_INITIAL_OWNER != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_w(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateSemaphoreExA(
    sa: *const SecurityAttributes,
    initial: LONG,
    max: LONG,
    name: *const c_char,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 0).map(|()| Ob::Semaphore { initial, max });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_a(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExW`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateSemaphoreExW(
    sa: *const SecurityAttributes,
    initial: LONG,
    max: LONG,
    name: *const WCHAR,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 0).map(|()| Ob::Semaphore { initial, max });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_w(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateWaitableTimerExA(
    sa: *const SecurityAttributes,
    name: *const c_char,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 1).map(|()| Ob::Timer {
        manual: flags & CREATE_WAITABLE_TIMER_MANUAL_RESET != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_a(name, Text::Name), ob, access) }
}

/// # Safety
/// As `CreateEventExW`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateWaitableTimerExW(
    sa: *const SecurityAttributes,
    name: *const WCHAR,
    flags: DWORD,
    access: DWORD,
) -> HANDLE {
    let ob = flags_ok(flags, 1).map(|()| Ob::Timer {
        manual: flags & CREATE_WAITABLE_TIMER_MANUAL_RESET != 0,
    });
    // SAFETY: the caller's contract.
    unsafe { create_ex(sa, arg_w(name, Text::Name), ob, access) }
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Event,
    Mutex,
    Semaphore,
    Timer,
}

fn open(access: DWORD, name: R<Option<String>>, inherit: BOOL, kind: Kind) -> HANDLE {
    ffi(null_mut(), || {
        let name = open_name(name?)?;
        let h = match kind {
            Kind::Event => Event::open(&name)?.into_handle(),
            Kind::Mutex => Mutex::open(&name)?.into_handle(),
            Kind::Semaphore => Semaphore::open(&name)?.into_handle(),
            Kind::Timer => Timer::open(&name)?.into_handle(),
        };
        let h = opened(h, inherit)?;
        restrict_opened(raw_of(h)?, access)?;
        Ok(h)
    })
}

// SAFETY (for every A/W wrapper below): the string arguments are NULL or NUL-terminated, and
// `sa` is NULL or valid, as the Win32 contract requires of the caller.

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateEventA(
    sa: *const SecurityAttributes,
    manual: BOOL,
    initial: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    unsafe {
        let name = arg_a(name, Text::Name);
        let ob = Ob::Event {
            manual: manual != 0,
            initial: initial != 0,
        };
        create(sa, name, ob)
    }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateEventW(
    sa: *const SecurityAttributes,
    manual: BOOL,
    initial: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    unsafe {
        let name = arg_w(name, Text::Name);
        let ob = Ob::Event {
            manual: manual != 0,
            initial: initial != 0,
        };
        create(sa, name, ob)
    }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenEventA(access: DWORD, inherit: BOOL, name: *const c_char) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_a(name, Text::Name) },
        inherit,
        Kind::Event,
    )
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenEventW(access: DWORD, inherit: BOOL, name: *const WCHAR) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_w(name, Text::Name) },
        inherit,
        Kind::Event,
    )
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMutexA(
    sa: *const SecurityAttributes,
    owner: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    unsafe { create(sa, arg_a(name, Text::Name), Ob::Mutex { owner: owner != 0 }) }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMutexW(
    sa: *const SecurityAttributes,
    owner: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    unsafe { create(sa, arg_w(name, Text::Name), Ob::Mutex { owner: owner != 0 }) }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenMutexA(access: DWORD, inherit: BOOL, name: *const c_char) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_a(name, Text::Name) },
        inherit,
        Kind::Mutex,
    )
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenMutexW(access: DWORD, inherit: BOOL, name: *const WCHAR) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_w(name, Text::Name) },
        inherit,
        Kind::Mutex,
    )
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateSemaphoreA(
    sa: *const SecurityAttributes,
    initial: LONG,
    max: LONG,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    unsafe { create(sa, arg_a(name, Text::Name), Ob::Semaphore { initial, max }) }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateSemaphoreW(
    sa: *const SecurityAttributes,
    initial: LONG,
    max: LONG,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    unsafe { create(sa, arg_w(name, Text::Name), Ob::Semaphore { initial, max }) }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenSemaphoreA(
    access: DWORD,
    inherit: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_a(name, Text::Name) },
        inherit,
        Kind::Semaphore,
    )
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenSemaphoreW(
    access: DWORD,
    inherit: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_w(name, Text::Name) },
        inherit,
        Kind::Semaphore,
    )
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateWaitableTimerA(
    sa: *const SecurityAttributes,
    manual: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    unsafe {
        create(
            sa,
            arg_a(name, Text::Name),
            Ob::Timer {
                manual: manual != 0,
            },
        )
    }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateWaitableTimerW(
    sa: *const SecurityAttributes,
    manual: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    unsafe {
        create(
            sa,
            arg_w(name, Text::Name),
            Ob::Timer {
                manual: manual != 0,
            },
        )
    }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenWaitableTimerA(
    access: DWORD,
    inherit: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_a(name, Text::Name) },
        inherit,
        Kind::Timer,
    )
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenWaitableTimerW(
    access: DWORD,
    inherit: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: see above.
    open(
        access,
        unsafe { arg_w(name, Text::Name) },
        inherit,
        Kind::Timer,
    )
}

// ---- state changes -------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn SetEvent(h: HANDLE) -> BOOL {
    ffi_bool(|| raw::event_set(raw_of(h)?).map(drop).map_err(Into::into))
}

#[unsafe(no_mangle)]
pub extern "C" fn ResetEvent(h: HANDLE) -> BOOL {
    ffi_bool(|| raw::event_reset(raw_of(h)?).map(drop).map_err(Into::into))
}

#[unsafe(no_mangle)]
pub extern "C" fn PulseEvent(h: HANDLE) -> BOOL {
    ffi_bool(|| raw::event_pulse(raw_of(h)?).map(drop).map_err(Into::into))
}

#[unsafe(no_mangle)]
pub extern "C" fn ReleaseMutex(h: HANDLE) -> BOOL {
    ffi_bool(|| raw::mutex_release(raw_of(h)?).map(drop).map_err(Into::into))
}

/// # Safety
/// `previous` is NULL or valid for a write of a `LONG`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReleaseSemaphore(h: HANDLE, count: LONG, previous: *mut LONG) -> BOOL {
    ffi_bool(|| {
        let r = raw_of(h)?;
        if count <= 0 {
            return Err(invalid_parameter("lReleaseCount"));
        }
        out_ok(previous)?;
        let before = raw::semaphore_release(r, count as u32)?;
        // SAFETY: the caller's contract.
        unsafe { write_opt(previous, before as LONG) };
        Ok(())
    })
}

/// 100 ns intervals between 1601-01-01 and 1970-01-01.
const FILETIME_UNIX_EPOCH: i64 = 116_444_736_000_000_000;

/// `SetWaitableTimer`'s due time: negative = relative (100 ns units), else an absolute
/// `FILETIME` (UTC).
pub(crate) fn due_time(due: i64) -> DueTime {
    if due < 0 {
        DueTime::After(Duration::from_nanos(due.unsigned_abs().saturating_mul(100)))
    } else if due <= FILETIME_UNIX_EPOCH {
        DueTime::At(SystemTime::UNIX_EPOCH) // before 1970: long past, due at once
    } else {
        let since_unix = (due - FILETIME_UNIX_EPOCH) as u64;
        DueTime::At(SystemTime::UNIX_EPOCH + Duration::from_nanos(since_unix.saturating_mul(100)))
    }
}

/// # Safety
/// `due` is NULL or valid for a read of a `LARGE_INTEGER`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetWaitableTimer(
    h: HANDLE,
    due: *const i64,
    period: LONG,
    completion_routine: Option<unsafe extern "C" fn(*mut std::ffi::c_void, DWORD, DWORD)>,
    completion_arg: *mut std::ffi::c_void,
    _resume: BOOL,
) -> BOOL {
    ffi_bool(|| {
        let r = raw_of(h)?;
        // SAFETY: the caller's contract.
        let due = unsafe { read_req(due) }?;
        if period < 0 {
            return Err(invalid_parameter("lPeriod"));
        }
        raw::timer_set(r, due_time(due), period as u32)?;
        crate::apc::timer_routine(
            r,
            due,
            period as u32,
            completion_routine,
            completion_arg as usize,
        );
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn CancelWaitableTimer(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let r = raw_of(h)?;
        raw::timer_cancel(r)?;
        crate::apc::timer_routine(r, 0, 0, None, 0);
        Ok(())
    })
}

/// `SetWaitableTimerEx`: `SetWaitableTimer`; the wake context (waking the computer from
/// sleep) and the tolerable delay (coalescing) are accepted and have no effect.
///
/// # Safety
/// As `SetWaitableTimer`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetWaitableTimerEx(
    h: HANDLE,
    due: *const i64,
    period: LONG,
    completion_routine: Option<unsafe extern "C" fn(*mut std::ffi::c_void, DWORD, DWORD)>,
    completion_arg: *mut std::ffi::c_void,
    _wake_context: *mut std::ffi::c_void,
    _tolerable_delay: u32,
) -> BOOL {
    // SAFETY: the caller's contract, passed on.
    unsafe { SetWaitableTimer(h, due, period, completion_routine, completion_arg, FALSE) }
}

// ---- waits ---------------------------------------------------------------------------------

const INFINITE: DWORD = u32::MAX;
pub(crate) const WAIT_OBJECT_0: DWORD = 0;
const WAIT_ABANDONED_0: DWORD = 0x80;
const WAIT_TIMEOUT: DWORD = 0x102;
pub(crate) const WAIT_FAILED: DWORD = u32::MAX;
const MAXIMUM_WAIT_OBJECTS: DWORD = 64;

pub(crate) fn timeout(ms: DWORD) -> Option<Duration> {
    (ms != INFINITE).then(|| Duration::from_millis(u64::from(ms)))
}

pub(crate) fn wait_result(o: WaitOutcome) -> DWORD {
    match o {
        WaitOutcome::Signaled(i) => WAIT_OBJECT_0 + i as DWORD,
        WaitOutcome::Abandoned(i) => WAIT_ABANDONED_0 + i as DWORD,
        WaitOutcome::TimedOut => WAIT_TIMEOUT,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn WaitForSingleObject(h: HANDLE, ms: DWORD) -> DWORD {
    ffi(WAIT_FAILED, || {
        // A core handle (the common case) is used as it is; the others are sorted out here.
        let r = match crate::handle::raw_value(h) {
            Some(r) => r,
            None => {
                if let crate::handle::H::Std(fd) = crate::handle::classify(h)? {
                    // A named pipe's handle in overlapped mode is a file object: its own
                    // state.
                    if crate::namedpipe::is_pipe_fd(fd)
                        && let Some(r) = crate::overlapped::wait_file_object(h, ms)
                    {
                        return Ok(r);
                    }
                    return crate::files::wait_fd(fd, ms);
                }
                waitable(h)?
            }
        };
        Ok(wait_result(raw::wait(&[r], false, timeout(ms))?))
    })
}

/// # Safety
/// `handles` is NULL or valid for `count` reads of a `HANDLE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitForMultipleObjects(
    count: DWORD,
    handles: *const HANDLE,
    wait_all: BOOL,
    ms: DWORD,
) -> DWORD {
    ffi(WAIT_FAILED, || {
        if count == 0 || count > MAXIMUM_WAIT_OBJECTS {
            return Err(invalid_parameter("nCount"));
        }
        if handles.is_null()
            || !readable(
                handles.cast(),
                count as usize * std::mem::size_of::<HANDLE>(),
            )
        {
            return Err(noaccess());
        }
        // SAFETY: non-NULL and valid for `count` reads (the caller's contract).
        let hs = unsafe { std::slice::from_raw_parts(handles, count as usize) };
        let raws = hs
            .iter()
            .map(|&h| waitable_multi(h))
            .collect::<R<Vec<_>>>()?;
        Ok(wait_result(raw::wait(&raws, wait_all != 0, timeout(ms))?))
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SignalObjectAndWait(
    signal: HANDLE,
    wait_on: HANDLE,
    ms: DWORD,
    alertable: BOOL,
) -> DWORD {
    if alertable != 0 {
        return crate::apc::signal_and_wait_alertable(signal, wait_on, ms);
    }
    ffi(WAIT_FAILED, || {
        let s = raw_of(signal)?;
        let w = waitable(wait_on)?;
        Ok(wait_result(raw::signal_and_wait(s, w, timeout(ms))?))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times() {
        assert_eq!(due_time(-10_000), DueTime::After(Duration::from_millis(1)));
        assert_eq!(due_time(0), DueTime::At(SystemTime::UNIX_EPOCH));
        assert_eq!(
            due_time(FILETIME_UNIX_EPOCH + 10_000_000),
            DueTime::At(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
        );
        assert_eq!(
            due_time(i64::MIN),
            DueTime::After(Duration::from_nanos(u64::MAX))
        );
    }
}
