//! Thread-local storage (`TlsAlloc`, ...), slim reader/writer locks, condition variables and
//! one-time initialisation: the process-local synchronisation of `synchapi.h`, each kept in the
//! caller's pointer-sized structure (`SRWLOCK`, `CONDITION_VARIABLE`, `INIT_ONCE`) and sleeping
//! on a futex in it.

use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use crate::critical_section::{CriticalSection, EnterCriticalSection, LeaveCriticalSection};
use crate::util::*;

const INFINITE: DWORD = u32::MAX;
const ERROR_TIMEOUT: u32 = 1460;

/// The absolute `CLOCK_MONOTONIC` deadline of a wait of `ms` milliseconds.
fn deadline(ms: DWORD) -> Option<u64> {
    (ms != INFINITE)
        .then(|| winipc_sys::time::monotonic_ns().saturating_add(u64::from(ms) * 1_000_000))
}

// ---- TLS -----------------------------------------------------------------------------------

const TLS_OUT_OF_INDEXES: DWORD = u32::MAX;
/// glibc's `PTHREAD_KEYS_MAX`.
const KEYS: usize = 1024;
/// Which pthread keys `TlsAlloc` handed out (so that other indices are refused).
static ALLOCATED: [AtomicBool; KEYS] = [const { AtomicBool::new(false) }; KEYS];

fn key_of(index: DWORD) -> R<libc::pthread_key_t> {
    match ALLOCATED.get(index as usize) {
        Some(a) if a.load(Ordering::Acquire) => Ok(index as libc::pthread_key_t),
        _ => Err(invalid_parameter("TLS index")),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn TlsAlloc() -> DWORD {
    ffi(TLS_OUT_OF_INDEXES, || {
        let mut key: libc::pthread_key_t = 0;
        // SAFETY: writes the new key into a local; no destructor.
        if unsafe { libc::pthread_key_create(&mut key, None) } != 0 {
            return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
        }
        match ALLOCATED.get(key as usize) {
            Some(a) => {
                a.store(true, Ordering::Release);
                Ok(key as DWORD)
            }
            None => {
                // SAFETY: the key was just created.
                unsafe { libc::pthread_key_delete(key) };
                Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY))
            }
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn TlsGetValue(index: DWORD) -> *mut c_void {
    ffi(null_mut(), || {
        let key = key_of(index)?;
        // SAFETY: an allocated key.
        let v = unsafe { libc::pthread_getspecific(key) };
        set_last_error(code::ERROR_SUCCESS); // as Windows: callers tell NULL from failure so
        Ok(v)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn TlsSetValue(index: DWORD, value: *mut c_void) -> BOOL {
    ffi_bool(|| {
        let key = key_of(index)?;
        // SAFETY: an allocated key; the value is an opaque pointer.
        if unsafe { libc::pthread_setspecific(key, value) } != 0 {
            return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn TlsFree(index: DWORD) -> BOOL {
    ffi_bool(|| {
        let key = key_of(index)?;
        ALLOCATED[index as usize].store(false, Ordering::Release);
        // SAFETY: an allocated key, deleted once.
        unsafe { libc::pthread_key_delete(key) };
        Ok(())
    })
}

// ---- SRW locks -----------------------------------------------------------------------------

/// The futex word of an `SRWLOCK`/`CONDITION_VARIABLE`: the first 4 bytes of its pointer-sized
/// field. State of a lock: `WRITER`, `WAITERS` (someone sleeps), and the reader count.
const WRITER: u32 = 1 << 31;
const WAITERS: u32 = 1 << 30;
const READERS: u32 = WAITERS - 1;

/// # Safety
/// `p` is NULL or points to a live, 8-byte aligned pointer-sized structure.
unsafe fn word<'a>(p: *mut c_void) -> Option<&'a AtomicU32> {
    // SAFETY: the caller's contract; any bit pattern is a valid AtomicU32.
    unsafe { p.cast::<AtomicU32>().as_ref() }
}

fn sleep_on(w: &AtomicU32, seen: u32, flag: u32) -> bool {
    // Announce a sleeper, then sleep while the word is unchanged.
    if seen & flag == 0
        && w.compare_exchange(seen, seen | flag, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
    {
        return false;
    }
    winipc_sys::futex::wait(w, seen | flag, None);
    true
}

fn lock_exclusive(w: &AtomicU32) {
    loop {
        let s = w.load(Ordering::Relaxed);
        if s & (WRITER | READERS) == 0 {
            if w.compare_exchange_weak(s, s | WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
            continue;
        }
        sleep_on(w, s, WAITERS);
    }
}

fn lock_shared(w: &AtomicU32) {
    loop {
        let s = w.load(Ordering::Relaxed);
        if s & WRITER == 0 && s & READERS < READERS {
            if w.compare_exchange_weak(s, s + 1, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return;
            }
            continue;
        }
        sleep_on(w, s, WAITERS);
    }
}

fn unlock_exclusive(w: &AtomicU32) {
    if w.swap(0, Ordering::Release) & WAITERS != 0 {
        winipc_sys::futex::wake(w, u32::MAX);
    }
}

fn unlock_shared(w: &AtomicU32) {
    let prev = w.fetch_sub(1, Ordering::Release);
    if prev & READERS == 1 && prev & WAITERS != 0 {
        w.fetch_and(!WAITERS, Ordering::Relaxed);
        winipc_sys::futex::wake(w, u32::MAX);
    }
}

/// # Safety
/// `l` is NULL or a valid `SRWLOCK` (for every SRW function below).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeSRWLock(l: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(l) } {
        w.store(0, Ordering::Release);
    }
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AcquireSRWLockExclusive(l: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(l) } {
        lock_exclusive(w);
    }
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn AcquireSRWLockShared(l: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(l) } {
        lock_shared(w);
    }
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReleaseSRWLockExclusive(l: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(l) } {
        unlock_exclusive(w);
    }
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReleaseSRWLockShared(l: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(l) } {
        unlock_shared(w);
    }
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TryAcquireSRWLockExclusive(l: *mut c_void) -> u8 {
    // SAFETY: the caller's contract.
    let Some(w) = (unsafe { word(l) }) else {
        return 0;
    };
    let s = w.load(Ordering::Relaxed);
    u8::from(
        s & (WRITER | READERS) == 0
            && w.compare_exchange(s, s | WRITER, Ordering::Acquire, Ordering::Relaxed)
                .is_ok(),
    )
}

/// # Safety
/// See `InitializeSRWLock`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TryAcquireSRWLockShared(l: *mut c_void) -> u8 {
    // SAFETY: the caller's contract.
    let Some(w) = (unsafe { word(l) }) else {
        return 0;
    };
    loop {
        let s = w.load(Ordering::Relaxed);
        if s & WRITER != 0 || s & READERS == READERS {
            return 0;
        }
        if w.compare_exchange_weak(s, s + 1, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return 1;
        }
    }
}

// ---- condition variables -------------------------------------------------------------------

const CONDITION_VARIABLE_LOCKMODE_SHARED: u32 = 1;

/// # Safety
/// `cv` is NULL or a valid `CONDITION_VARIABLE` (for every function below).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeConditionVariable(cv: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { word(cv) } {
        w.store(0, Ordering::Release);
    }
}

/// Releases the lock with `unlock`, sleeps until woken (or the deadline), retakes it with
/// `lock`. TRUE, or FALSE + `ERROR_TIMEOUT`.
fn cv_sleep(seq: &AtomicU32, ms: DWORD, unlock: impl FnOnce(), lock: impl FnOnce()) -> BOOL {
    let seen = seq.load(Ordering::Acquire);
    let due = deadline(ms);
    unlock();
    let r = winipc_sys::futex::wait(seq, seen, due);
    lock();
    if r == winipc_sys::futex::Woken::TimedOut && seq.load(Ordering::Acquire) == seen {
        set_last_error(ERROR_TIMEOUT);
        return FALSE;
    }
    TRUE
}

/// # Safety
/// `cv` valid; `cs` a critical section entered once by the caller.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SleepConditionVariableCS(
    cv: *mut c_void,
    cs: *mut CriticalSection,
    ms: DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    let Some(seq) = (unsafe { word(cv) }) else {
        set_last_error(code::ERROR_NOACCESS);
        return FALSE;
    };
    if cs.is_null() {
        set_last_error(code::ERROR_NOACCESS);
        return FALSE;
    }
    cv_sleep(
        seq,
        ms,
        // SAFETY: the caller's contract (an entered critical section).
        || unsafe { LeaveCriticalSection(cs) },
        // SAFETY: as above.
        || unsafe { EnterCriticalSection(cs) },
    )
}

/// # Safety
/// `cv` valid; `l` an SRW lock held by the caller (shared with
/// `CONDITION_VARIABLE_LOCKMODE_SHARED`, else exclusive).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SleepConditionVariableSRW(
    cv: *mut c_void,
    l: *mut c_void,
    ms: DWORD,
    flags: u32,
) -> BOOL {
    // SAFETY: the caller's contract.
    let (Some(seq), Some(w)) = (unsafe { word(cv) }, unsafe { word(l) }) else {
        set_last_error(code::ERROR_NOACCESS);
        return FALSE;
    };
    if flags & !CONDITION_VARIABLE_LOCKMODE_SHARED != 0 {
        set_last_error(code::ERROR_INVALID_PARAMETER);
        return FALSE;
    }
    if flags & CONDITION_VARIABLE_LOCKMODE_SHARED != 0 {
        cv_sleep(seq, ms, || unlock_shared(w), || lock_shared(w))
    } else {
        cv_sleep(seq, ms, || unlock_exclusive(w), || lock_exclusive(w))
    }
}

/// # Safety
/// See `InitializeConditionVariable`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WakeConditionVariable(cv: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(seq) = unsafe { word(cv) } {
        seq.fetch_add(1, Ordering::Release);
        winipc_sys::futex::wake(seq, 1);
    }
}

/// # Safety
/// See `InitializeConditionVariable`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WakeAllConditionVariable(cv: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(seq) = unsafe { word(cv) } {
        seq.fetch_add(1, Ordering::Release);
        winipc_sys::futex::wake(seq, u32::MAX);
    }
}

// ---- one-time initialisation ---------------------------------------------------------------

/// `INIT_ONCE`: the context pointer with the state in its two low bits.
const FRESH: usize = 0;
const BUSY: usize = 1;
const DONE: usize = 2;

type InitOnceFn = unsafe extern "C" fn(*mut c_void, *mut c_void, *mut *mut c_void) -> BOOL;

/// # Safety
/// `once` is NULL or a valid `INIT_ONCE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitOnceInitialize(once: *mut c_void) {
    // SAFETY: the caller's contract.
    if let Some(v) = unsafe { once.cast::<AtomicUsize>().as_ref() } {
        v.store(FRESH, Ordering::Release);
    }
}

/// # Safety
/// `once` a valid `INIT_ONCE`; `f` callable; `context` NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitOnceExecuteOnce(
    once: *mut c_void,
    f: Option<InitOnceFn>,
    param: *mut c_void,
    context: *mut *mut c_void,
) -> BOOL {
    // SAFETY: the caller's contract.
    let (Some(v), Some(f)) = (unsafe { once.cast::<AtomicUsize>().as_ref() }, f) else {
        set_last_error(code::ERROR_INVALID_PARAMETER);
        return FALSE;
    };
    // SAFETY: the low 4 bytes of the pointer-sized word (little-endian) carry the state.
    let low = unsafe { &*once.cast::<AtomicU32>() };
    loop {
        let s = v.load(Ordering::Acquire);
        match s & 3 {
            DONE => {
                // SAFETY: the caller's contract.
                unsafe { write_opt(context, (s & !3) as *mut c_void) };
                return TRUE;
            }
            FRESH => {
                if v.compare_exchange(s, BUSY, Ordering::Acquire, Ordering::Relaxed)
                    .is_err()
                {
                    continue;
                }
                let mut ctx: *mut c_void = null_mut();
                // SAFETY: the caller's callback, with the documented arguments.
                let ok = unsafe { f(once, param, &mut ctx) } != 0;
                if ok {
                    v.store((ctx as usize & !3) | DONE, Ordering::Release);
                } else {
                    v.store(FRESH, Ordering::Release);
                }
                winipc_sys::futex::wake(low, u32::MAX);
                if !ok {
                    return FALSE;
                }
                // SAFETY: the caller's contract.
                unsafe { write_opt(context, (ctx as usize & !3) as *mut c_void) };
                return TRUE;
            }
            ASYNC => {
                // Being initialised asynchronously (InitOnceBeginInitialize with
                // INIT_ONCE_ASYNC): a synchronous call cannot join it, as on Windows.
                set_last_error(code::ERROR_INVALID_PARAMETER);
                return FALSE;
            }
            _ => {
                winipc_sys::futex::wait(low, BUSY as u32, None);
            }
        }
    }
}

/// Being initialised by threads that each may complete it (`INIT_ONCE_ASYNC`).
const ASYNC: usize = 3;
const INIT_ONCE_CHECK_ONLY: DWORD = 1;
const INIT_ONCE_ASYNC: DWORD = 2;
const INIT_ONCE_INIT_FAILED: DWORD = 4;

/// `InitOnceBeginInitialize`: TRUE with `*pending` FALSE and `*context` when done; TRUE with
/// `*pending` TRUE when the caller is to initialise (and then call `InitOnceComplete`); a
/// synchronous caller waits while another initialises. `INIT_ONCE_CHECK_ONLY` on an
/// unfinished one -> FALSE + `ERROR_GEN_FAILURE`; mixing synchronous and asynchronous
/// (`INIT_ONCE_ASYNC`) callers, or other flags -> FALSE + `ERROR_INVALID_PARAMETER`.
///
/// # Safety
/// `once` a valid `INIT_ONCE`; `pending` valid for a `BOOL` write; `context` NULL or valid
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitOnceBeginInitialize(
    once: *mut c_void,
    flags: DWORD,
    pending: *mut BOOL,
    context: *mut *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = unsafe { once.cast::<AtomicUsize>().as_ref() }
            .ok_or_else(|| invalid_parameter("lpInitOnce is NULL"))?;
        if flags & !(INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC) != 0
            || flags == INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC
        {
            return Err(invalid_parameter("dwFlags"));
        }
        out_ok(pending)?;
        // SAFETY: the low 4 bytes of the pointer-sized word (little-endian) carry the state.
        let low = unsafe { &*once.cast::<AtomicU32>() };
        let done = |s: usize| -> R<()> {
            // SAFETY: the caller's contract.
            unsafe {
                write_req(pending, FALSE)?;
                write_opt(context, (s & !3) as *mut c_void);
            }
            Ok(())
        };
        if flags & INIT_ONCE_CHECK_ONLY != 0 {
            let s = v.load(Ordering::Acquire);
            return if s & 3 == DONE {
                done(s)
            } else {
                Err(Fail(code::ERROR_GEN_FAILURE))
            };
        }
        let asynchronous = flags & INIT_ONCE_ASYNC != 0;
        loop {
            let s = v.load(Ordering::Acquire);
            match s & 3 {
                DONE => return done(s),
                FRESH => {
                    let mark = if asynchronous { ASYNC } else { BUSY };
                    if v.compare_exchange(s, mark, Ordering::Acquire, Ordering::Relaxed)
                        .is_ok()
                    {
                        // SAFETY: the caller's contract.
                        return unsafe { write_req(pending, TRUE) };
                    }
                }
                ASYNC if asynchronous => {
                    // SAFETY: the caller's contract.
                    return unsafe { write_req(pending, TRUE) };
                }
                BUSY if !asynchronous => {
                    winipc_sys::futex::wait(low, BUSY as u32, None);
                }
                _ => return Err(invalid_parameter("synchronous and asynchronous callers")),
            }
        }
    })
}

/// `InitOnceComplete`: ends an initialisation begun by `InitOnceBeginInitialize` - done with
/// `lpContext` (its low `INIT_ONCE_CTX_RESERVED_BITS` must be 0), or with
/// `INIT_ONCE_INIT_FAILED` back to fresh (a waiter then begins it). Asynchronous: the first
/// to complete wins; a later one -> FALSE + `ERROR_GEN_FAILURE`.
///
/// # Safety
/// `once` a valid `INIT_ONCE`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitOnceComplete(
    once: *mut c_void,
    flags: DWORD,
    context: *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = unsafe { once.cast::<AtomicUsize>().as_ref() }
            .ok_or_else(|| invalid_parameter("lpInitOnce is NULL"))?;
        let failed = flags & INIT_ONCE_INIT_FAILED != 0;
        let asynchronous = flags & INIT_ONCE_ASYNC != 0;
        if flags & !(INIT_ONCE_ASYNC | INIT_ONCE_INIT_FAILED) != 0
            || (failed && (asynchronous || !context.is_null()))
            || context as usize & 3 != 0
        {
            return Err(invalid_parameter("dwFlags or lpContext"));
        }
        let new = if failed {
            FRESH
        } else {
            context as usize | DONE
        };
        // SAFETY: the low 4 bytes of the pointer-sized word (little-endian) carry the state.
        let low = unsafe { &*once.cast::<AtomicU32>() };
        let s = v.load(Ordering::Acquire);
        let expect = match (s & 3, asynchronous) {
            (BUSY, false) => BUSY,
            (ASYNC, true) => ASYNC,
            (BUSY, true) | (ASYNC, false) => {
                return Err(invalid_parameter("synchronous and asynchronous callers"));
            }
            _ => return Err(Fail(code::ERROR_GEN_FAILURE)), // not begun, or completed
        };
        if v.compare_exchange(expect, new, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return Err(Fail(code::ERROR_GEN_FAILURE)); // another completed it first
        }
        winipc_sys::futex::wake(low, u32::MAX);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SwitchToThread() -> BOOL {
    // SAFETY: no preconditions.
    unsafe { libc::sched_yield() };
    TRUE
}
