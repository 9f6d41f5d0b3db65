//! The classic thread pool's waits and work items: `RegisterWaitForSingleObject`,
//! `UnregisterWait(Ex)`, `QueueUserWorkItem`.
//!
//! Each registered wait has a thread of its own that waits on the object together with a
//! private cancel event, and calls the callback there (Windows runs it on a pool thread; the
//! order of one wait's callbacks is the same, one at a time). Each work item runs on a new
//! thread. The costs: one thread (and its stack) per registered wait; see `docs/c-abi.md`.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use winipc_core::{Event, EventReset, RawHandle, WaitOutcome, raw};

use crate::handle::{raw_of, waitable};
use crate::util::*;

/// `WAITORTIMERCALLBACK`.
type WaitCallback = unsafe extern "C" fn(ctx: *mut c_void, timer_or_wait_fired: u8);
/// `LPTHREAD_START_ROUTINE` (`QueueUserWorkItem`'s function).
type WorkFunction = unsafe extern "C" fn(ctx: *mut c_void) -> DWORD;

const WT_EXECUTEONLYONCE: DWORD = 0x0000_0008;
const INFINITE: DWORD = 0xFFFF_FFFF;
const ERROR_IO_PENDING: u32 = 997;

/// One registered wait.
struct Reg {
    cancel: Event,
    /// Set while the callback runs.
    running: AtomicBool,
    /// The wait's thread, to join (taken by whoever waits for the end).
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// The wait's thread, so that an unregistration from inside the callback does not wait
    /// for itself.
    tid: std::sync::OnceLock<std::thread::ThreadId>,
}

/// The registered waits, by the value handed out as their wait handle.
static WAITS: Mutex<Option<HashMap<usize, Arc<Reg>>>> = Mutex::new(None);
/// Wait handles: odd multiples of 8 from here, distinct from every other `HANDLE` kind.
static NEXT: AtomicUsize = AtomicUsize::new(0x0C00_0008);

fn waits() -> std::sync::MutexGuard<'static, Option<HashMap<usize, Arc<Reg>>>> {
    WAITS.lock().unwrap_or_else(|e| e.into_inner())
}

/// A raw pointer that may cross to the wait's thread: the caller's context, which Windows
/// passes to the callback as it is.
#[derive(Clone, Copy)]
struct Ctx(*mut c_void);
// SAFETY: the context is the caller's opaque value; winipc never dereferences it.
unsafe impl Send for Ctx {}

fn run_wait(
    obj: RawHandle,
    reg: &Reg,
    cb: WaitCallback,
    ctx: Ctx,
    timeout: Option<Duration>,
    once: bool,
) {
    let cancel = reg.cancel.handle().as_raw();
    loop {
        let fired = match raw::wait(&[obj, cancel], false, timeout) {
            Ok(WaitOutcome::Signaled(0) | WaitOutcome::Abandoned(0)) => 0,
            Ok(WaitOutcome::TimedOut) => 1,
            _ => break, // cancelled, or the object is gone
        };
        if reg
            .cancel
            .wait(Some(Duration::ZERO))
            .is_ok_and(|o| o.is_signaled())
        {
            break;
        }
        reg.running.store(true, Ordering::SeqCst);
        // SAFETY: the callback and its context are the caller's, called as Windows calls them.
        unsafe { cb(ctx.0, fired) };
        reg.running.store(false, Ordering::SeqCst);
        if once {
            break;
        }
    }
    let _ = raw::close(obj);
}

/// # Safety
/// `out` valid for a write; `cb` a valid callback for as long as the wait is registered.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RegisterWaitForSingleObject(
    out: *mut HANDLE,
    object: HANDLE,
    cb: Option<WaitCallback>,
    ctx: *mut c_void,
    millis: DWORD,
    flags: DWORD,
) -> BOOL {
    ffi_bool(|| {
        if out.is_null() {
            return Err(invalid_parameter("phNewWaitObject is NULL"));
        }
        let cb = cb.ok_or_else(|| invalid_parameter("Callback is NULL"))?;
        let obj = raw::duplicate(waitable(object)?, false)?;
        let reg = Arc::new(Reg {
            cancel: Event::new(EventReset::Manual, false).inspect_err(|_| {
                let _ = raw::close(obj);
            })?,
            running: AtomicBool::new(false),
            thread: Mutex::new(None),
            tid: std::sync::OnceLock::new(),
        });
        let timeout = (millis != INFINITE).then(|| Duration::from_millis(u64::from(millis)));
        let once = flags & WT_EXECUTEONLYONCE != 0;
        let (r, c) = (reg.clone(), Ctx(ctx));
        let t = std::thread::Builder::new()
            .name("winipc-wait".into())
            .spawn(move || {
                let c = c;
                let _ = r.tid.set(std::thread::current().id());
                run_wait(obj, &r, cb, c, timeout, once);
            })
            .map_err(Fail::from)?;
        *reg.thread.lock().unwrap_or_else(|e| e.into_inner()) = Some(t);
        let key = NEXT.fetch_add(8, Ordering::Relaxed);
        waits().get_or_insert_with(HashMap::new).insert(key, reg);
        // SAFETY: `out` is valid for a write (the caller's contract; NULL was refused).
        unsafe { out.write(key as HANDLE) };
        Ok(())
    })
}

/// Ends registration `h`. `done`: `INVALID_HANDLE_VALUE` waits for a running callback,
/// NULL does not, an event is set once the callbacks are over.
fn unregister(h: HANDLE, done: HANDLE) -> R<()> {
    let reg = waits()
        .as_mut()
        .and_then(|m| m.remove(&(h as usize)))
        .ok_or_else(invalid_handle)?;
    reg.cancel.set()?;
    let inside = reg.tid.get() == Some(&std::thread::current().id());
    let thread = reg.thread.lock().unwrap_or_else(|e| e.into_inner()).take();
    match done as usize {
        usize::MAX if !inside => {
            if let Some(t) = thread {
                let _ = t.join();
            }
            Ok(())
        }
        0 | usize::MAX => {
            if reg.running.load(Ordering::SeqCst) {
                return Err(Fail(ERROR_IO_PENDING)); // cancelled; a callback still runs
            }
            Ok(())
        }
        _ => {
            let ev = raw::duplicate(raw_of(done)?, false)?;
            std::thread::spawn(move || {
                if let Some(t) = thread {
                    let _ = t.join();
                }
                let _ = raw::event_set(ev);
                let _ = raw::close(ev);
            });
            Ok(())
        }
    }
}

/// `UnregisterWait`: cancels; FALSE + `ERROR_IO_PENDING` if a callback is running (it
/// finishes; no new one starts).
#[unsafe(no_mangle)]
pub extern "C" fn UnregisterWait(h: HANDLE) -> BOOL {
    ffi_bool(|| unregister(h, std::ptr::null_mut()))
}

/// `UnregisterWaitEx`.
#[unsafe(no_mangle)]
pub extern "C" fn UnregisterWaitEx(h: HANDLE, done: HANDLE) -> BOOL {
    ffi_bool(|| unregister(h, done))
}

/// `QueueUserWorkItem`: runs `f(ctx)` on a thread of its own.
#[unsafe(no_mangle)]
pub extern "C" fn QueueUserWorkItem(
    f: Option<WorkFunction>,
    ctx: *mut c_void,
    _flags: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let f = f.ok_or_else(|| invalid_parameter("Function is NULL"))?;
        let c = Ctx(ctx);
        std::thread::Builder::new()
            .name("winipc-work".into())
            .spawn(move || {
                let c = c;
                // SAFETY: the caller's function and context, called as Windows calls them.
                unsafe { f(c.0) };
            })
            .map_err(Fail::from)?;
        Ok(())
    })
}
