//! Asynchronous procedure calls and alertable waits: `QueueUserAPC`, `SleepEx`,
//! `WaitForSingleObjectEx`, `WaitForMultipleObjectsEx`, `SignalObjectAndWait(bAlertable)`, and
//! the completion routines of waitable timers.
//!
//! Each thread of this process that receives APCs has a queue and a futex word (its *alert*).
//! `QueueUserAPC` appends and bumps the word; an alertable wait sleeps on the word too (the
//! core's `raw::wait_alertable`), so it returns at once with `WAIT_IO_COMPLETION` after running
//! the queued calls, in order, on the waiting thread.

use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use winipc_core::{DueTime, Kind, WaitOutcome, raw};

use crate::handle::{H, classify, gettid, waitable, waitable_multi};
use crate::sync::{WAIT_FAILED, due_time, timeout, wait_result};
use crate::util::*;

const WAIT_IO_COMPLETION: DWORD = 0xC0;

type ApcFn = unsafe extern "C" fn(usize);
type TimerApcFn = unsafe extern "C" fn(*mut c_void, DWORD, DWORD);
/// `LPOVERLAPPED_COMPLETION_ROUTINE` of `ReadFileEx`/`WriteFileEx`.
pub(crate) type IoRoutine = unsafe extern "C" fn(DWORD, DWORD, *mut OVERLAPPED);

/// A queued call.
enum Call {
    User(ApcFn, usize),
    Timer(TimerApcFn, usize, u64),
    /// A completion routine: (routine, error code, bytes, OVERLAPPED address).
    Io(IoRoutine, DWORD, DWORD, usize),
}

#[derive(Default)]
struct Apcs {
    alert: AtomicU32,
    queue: Mutex<VecDeque<Call>>,
}

static THREADS: Mutex<Option<HashMap<u32, Arc<Apcs>>>> = Mutex::new(None);

fn apcs_of(tid: u32) -> Arc<Apcs> {
    let mut m = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    m.get_or_insert_with(HashMap::new)
        .entry(tid)
        .or_default()
        .clone()
}

/// Drops the APC queue of a thread that is ending (its tid may be reused by a new thread,
/// which must not receive the calls queued to this one).
pub(crate) fn forget(tid: u32) {
    let mut m = THREADS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(m) = m.as_mut() {
        m.remove(&tid);
    }
}

fn queue(tid: u32, call: Call) {
    let a = apcs_of(tid);
    a.queue
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push_back(call);
    a.alert.fetch_add(1, Ordering::Release);
    winipc_sys::futex::wake(&a.alert, u32::MAX);
}

/// Runs the calling thread's queued APCs (those queued meanwhile too); whether any ran.
fn run_pending(a: &Apcs) -> bool {
    let mut ran = false;
    loop {
        let next = a
            .queue
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front();
        let Some(call) = next else {
            return ran;
        };
        ran = true;
        match call {
            // SAFETY: the function and argument QueueUserAPC was given.
            Call::User(f, data) => unsafe { f(data) },
            // SAFETY: the completion routine and argument SetWaitableTimer was given.
            Call::Timer(f, arg, ft) => unsafe {
                f(arg as *mut c_void, ft as u32, (ft >> 32) as u32)
            },
            // SAFETY: the completion routine ReadFileEx/WriteFileEx was given, with the
            // OVERLAPPED it was given (the caller keeps it valid until the routine runs).
            Call::Io(f, err, n, ov) => unsafe { f(err, n, ov as *mut OVERLAPPED) },
        }
    }
}

/// Queues the completion routine of a `ReadFileEx`/`WriteFileEx` to thread `tid` (the issuer).
pub(crate) fn queue_io(tid: u32, f: IoRoutine, err: DWORD, bytes: DWORD, ov: usize) {
    queue(tid, Call::Io(f, err, bytes, ov));
}

/// How [`sleep_until`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Waited {
    Ready,
    TimedOut,
    /// Queued APCs ran (an alertable wait): `WAIT_IO_COMPLETION`.
    Apc,
}

/// Sleeps until `poll` reports ready (`Ok(())`); while not ready it names a futex word and
/// the value to sleep on while it holds it. An alertable sleep also wakes for the calling
/// thread's APCs, runs them and returns [`Waited::Apc`] (after a first poll, as the alertable
/// waits do). `deadline_ns` is absolute `CLOCK_MONOTONIC`.
pub(crate) fn sleep_until<'w>(
    alertable_: bool,
    deadline_ns: Option<u64>,
    mut poll: impl FnMut() -> Result<(), (&'w AtomicU32, u32)>,
) -> Waited {
    let a = alertable_.then(|| apcs_of(gettid()));
    loop {
        let seen = a.as_ref().map(|a| a.alert.load(Ordering::Acquire));
        let (word, value) = match poll() {
            Ok(()) => return Waited::Ready,
            Err(w) => w,
        };
        if let Some(a) = &a
            && run_pending(a)
        {
            return Waited::Apc;
        }
        if deadline_ns.is_some_and(|d| winipc_sys::time::monotonic_ns() >= d) {
            return Waited::TimedOut;
        }
        let woken = match (&a, seen) {
            (Some(a), Some(seen)) => {
                winipc_sys::futex::wait_any(&[(word, value), (&a.alert, seen)], deadline_ns)
            }
            _ => winipc_sys::futex::wait(word, value, deadline_ns),
        };
        if woken == winipc_sys::futex::Woken::TimedOut {
            // One last look, so that a completion at the deadline is not reported as a timeout.
            if poll().is_ok() {
                return Waited::Ready;
            }
            return Waited::TimedOut;
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn QueueUserAPC(f: Option<ApcFn>, h: HANDLE, data: usize) -> DWORD {
    ffi(0, || {
        let f = f.ok_or_else(|| invalid_parameter("pfnAPC"))?;
        let tid = match classify(h)? {
            H::CurrentThread => gettid(),
            H::Raw(r) => {
                if raw::kind(r)? != Kind::Thread {
                    return Err(invalid_handle());
                }
                if raw::thread_exit_code(r)? != winipc_core::STILL_ACTIVE {
                    return Err(invalid_handle());
                }
                let tid = raw::thread_id(r)?;
                if !std::path::Path::new(&format!("/proc/self/task/{tid}")).exists() {
                    return Err(not_supported("an APC to a thread of another process"));
                }
                tid
            }
            _ => return Err(invalid_handle()),
        };
        queue(tid, Call::User(f, data));
        Ok(1)
    })
}

/// An alertable wait of the calling thread: `wait(alert_word, seen)` returns `None` when the
/// alert ended it. Pending APCs run first (when the objects are not already signaled).
fn alertable<T>(
    poll: impl FnOnce() -> R<Option<T>>,
    wait: impl FnOnce(&AtomicU32, u32) -> R<Option<T>>,
    io_completion: T,
) -> R<T> {
    if let Some(r) = poll()? {
        return Ok(r);
    }
    let a = apcs_of(gettid());
    let seen = a.alert.load(Ordering::Acquire);
    if run_pending(&a) {
        return Ok(io_completion);
    }
    match wait(&a.alert, seen)? {
        Some(r) => Ok(r),
        None => {
            run_pending(&a);
            Ok(io_completion)
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn SleepEx(ms: DWORD, alertable_: BOOL) -> DWORD {
    if alertable_ == 0 {
        crate::misc::Sleep(ms);
        return 0;
    }
    let a = apcs_of(gettid());
    let due = (ms != u32::MAX).then(|| Instant::now() + Duration::from_millis(u64::from(ms)));
    loop {
        let seen = a.alert.load(Ordering::Acquire);
        if run_pending(&a) {
            return WAIT_IO_COMPLETION;
        }
        let deadline = due.map(|d| {
            let left = d.saturating_duration_since(Instant::now());
            winipc_sys::time::monotonic_ns().saturating_add(left.as_nanos() as u64)
        });
        if due.is_some_and(|d| Instant::now() >= d) {
            return 0;
        }
        winipc_sys::futex::wait(&a.alert, seen, deadline);
    }
}

fn wait_code(o: Option<WaitOutcome>) -> Option<DWORD> {
    o.map(wait_result)
}

#[unsafe(no_mangle)]
pub extern "C" fn WaitForSingleObjectEx(h: HANDLE, ms: DWORD, alertable_: BOOL) -> DWORD {
    if alertable_ == 0 {
        return crate::sync::WaitForSingleObject(h, ms);
    }
    ffi(WAIT_FAILED, || {
        let r = waitable(h)?;
        alertable(
            || {
                let o = raw::wait(&[r], false, Some(Duration::ZERO))?;
                Ok((o != WaitOutcome::TimedOut || ms == 0).then(|| wait_result(o)))
            },
            |w, seen| {
                Ok(wait_code(raw::wait_alertable(
                    &[r],
                    false,
                    timeout(ms),
                    (w, seen),
                )?))
            },
            WAIT_IO_COMPLETION,
        )
    })
}

/// # Safety
/// `handles` valid for `count` reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitForMultipleObjectsEx(
    count: DWORD,
    handles: *const HANDLE,
    all: BOOL,
    ms: DWORD,
    alertable_: BOOL,
) -> DWORD {
    if alertable_ == 0 {
        // SAFETY: forwarded contract.
        return unsafe { crate::sync::WaitForMultipleObjects(count, handles, all, ms) };
    }
    ffi(WAIT_FAILED, || {
        if count == 0 || count > 64 {
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
        // SAFETY: checked readable for `count` handles.
        let hs = unsafe { std::slice::from_raw_parts(handles, count as usize) };
        let raws = hs
            .iter()
            .map(|&h| waitable_multi(h))
            .collect::<R<Vec<_>>>()?;
        let all = all != 0;
        alertable(
            || {
                let o = raw::wait(&raws, all, Some(Duration::ZERO))?;
                Ok((o != WaitOutcome::TimedOut || ms == 0).then(|| wait_result(o)))
            },
            |w, seen| {
                Ok(wait_code(raw::wait_alertable(
                    &raws,
                    all,
                    timeout(ms),
                    (w, seen),
                )?))
            },
            WAIT_IO_COMPLETION,
        )
    })
}

/// `SignalObjectAndWait` with `bAlertable`: the signal, then an alertable wait.
pub(crate) fn signal_and_wait_alertable(signal: HANDLE, wait_on: HANDLE, ms: DWORD) -> DWORD {
    ffi(WAIT_FAILED, || {
        let s = crate::handle::raw_of(signal)?;
        let w = waitable(wait_on)?;
        let first = raw::signal_and_wait(s, w, Some(Duration::ZERO))?;
        alertable(
            || Ok((first != WaitOutcome::TimedOut || ms == 0).then(|| wait_result(first))),
            |word, seen| {
                Ok(wait_code(raw::wait_alertable(
                    &[w],
                    false,
                    timeout(ms),
                    (word, seen),
                )?))
            },
            WAIT_IO_COMPLETION,
        )
    })
}

// ---- waitable-timer completion routines ----------------------------------------------------

/// Generations of the completion-routine helpers, by timer handle: setting or cancelling a
/// timer again retires the helper of the previous setting.
static TIMER_GEN: Mutex<Option<HashMap<u32, u64>>> = Mutex::new(None);
static NEXT_GEN: AtomicU64 = AtomicU64::new(1);

fn retire(h: u32) -> u64 {
    let g = NEXT_GEN.fetch_add(1, Ordering::Relaxed);
    TIMER_GEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(HashMap::new)
        .insert(h, g);
    g
}

fn current(h: u32, g: u64) -> bool {
    TIMER_GEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .and_then(|m| m.get(&h))
        == Some(&g)
}

/// 100 ns intervals between 1601-01-01 and 1970-01-01.
const FILETIME_UNIX_EPOCH: u64 = 116_444_736_000_000_000;

fn filetime_now() -> u64 {
    let d = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    FILETIME_UNIX_EPOCH + (d.as_nanos() / 100) as u64
}

/// Called by `SetWaitableTimer` (after the timer is set) and `CancelWaitableTimer`: retires
/// the previous routine, and with a routine starts a helper that queues it as an APC to the
/// calling thread at each due time (the timer object itself is signaled as usual).
pub(crate) fn timer_routine(
    h: u32,
    due: i64,
    period_ms: u32,
    routine: Option<TimerApcFn>,
    arg: usize,
) {
    let g = retire(h);
    let Some(f) = routine else {
        return;
    };
    let tid = gettid();
    let first = match due_time(due) {
        DueTime::After(d) => Instant::now() + d,
        DueTime::At(t) => Instant::now() + t.duration_since(SystemTime::now()).unwrap_or_default(),
    };
    let spawned = std::thread::Builder::new()
        .name("winipc-timer-apc".into())
        .spawn(move || {
            let mut at = first;
            loop {
                while Instant::now() < at {
                    if !current(h, g) {
                        return;
                    }
                    let left = at.saturating_duration_since(Instant::now());
                    std::thread::sleep(left.min(Duration::from_millis(20)));
                }
                if !current(h, g) || raw::kind(h).ok() != Some(Kind::Timer) {
                    return;
                }
                queue(tid, Call::Timer(f, arg, filetime_now()));
                if period_ms == 0 {
                    return;
                }
                at += Duration::from_millis(u64::from(period_ms));
            }
        });
    // A helper that cannot start leaves the timer working without its routine.
    drop(spawned);
}
