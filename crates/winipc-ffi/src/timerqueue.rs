//! Timer queues (`threadpoollegacyapiset.h`): `CreateTimerQueue`, `CreateTimerQueueTimer`,
//! `ChangeTimerQueueTimer`, `DeleteTimerQueueTimer`, `DeleteTimerQueueEx`,
//! `DeleteTimerQueue`.
//!
//! A timer-queue timer is a timer of the thread pool of `tp.rs` whose callback has the
//! `WAITORTIMERCALLBACK` signature (called with `TimerOrWaitFired` = TRUE): its own thread
//! sleeps until the due time and queues the callback on the pool's workers (or, with
//! `WT_EXECUTEINTIMERTHREAD`, runs it itself). A queue is the set of its timers; NULL is the
//! default queue. Queue and timer handles are values of their own (not kernel handles), looked
//! up in a table, so a stale or made-up one fails with `ERROR_INVALID_HANDLE` instead of
//! touching freed memory.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use winipc_core::raw;

use crate::handle::raw_of;
use crate::tp::{
    LegacyCb, Tp, legacy_armed, legacy_fire_now, legacy_set, legacy_stop, legacy_timer, legacy_wait,
};
use crate::util::*;

const WT_EXECUTEINTIMERTHREAD: DWORD = 0x0000_0020;
const WT_EXECUTEONLYONCE: DWORD = 0x0000_0008;
const ERROR_IO_PENDING: u32 = 997;

/// One timer: its pool timer and the queue it belongs to (0: the default queue).
struct Timer {
    tp: Arc<Tp>,
    queue: usize,
}

#[derive(Default)]
struct Tables {
    /// Live queues (the default queue, 0, is implicit).
    queues: HashMap<usize, ()>,
    timers: HashMap<usize, Timer>,
}

static TABLES: Mutex<Option<Tables>> = Mutex::new(None);
/// Handle values: multiples of 16 in ranges of their own, apart from the ranges of the other
/// `HANDLE` kinds (`handle.rs`, `threadpool.rs`).
static NEXT_QUEUE: AtomicUsize = AtomicUsize::new(0x0E80_0010);
static NEXT_TIMER: AtomicUsize = AtomicUsize::new(0x0D00_0010);

fn tables() -> MutexGuard<'static, Option<Tables>> {
    TABLES.lock().unwrap_or_else(|e| e.into_inner())
}

fn with_tables<T>(f: impl FnOnce(&mut Tables) -> T) -> T {
    f(tables().get_or_insert_with(Tables::default))
}

/// The queue a handle names: NULL is the default queue; anything else must be live.
fn queue_key(q: HANDLE, t: &Tables) -> R<usize> {
    let k = q as usize;
    if k == 0 || t.queues.contains_key(&k) {
        Ok(k)
    } else {
        Err(invalid_handle())
    }
}

/// `CreateTimerQueue`: a new, empty queue.
#[unsafe(no_mangle)]
pub extern "C" fn CreateTimerQueue() -> HANDLE {
    ffi(std::ptr::null_mut(), || {
        let k = NEXT_QUEUE.fetch_add(16, Ordering::Relaxed);
        with_tables(|t| t.queues.insert(k, ()));
        Ok(k as HANDLE)
    })
}

/// # Safety
/// `out` valid for a `HANDLE` write; `cb` (may be NULL) a valid callback while the timer
/// exists.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateTimerQueueTimer(
    out: *mut HANDLE,
    queue: HANDLE,
    cb: Option<LegacyCb>,
    ctx: *mut c_void,
    due_ms: DWORD,
    period_ms: DWORD,
    flags: DWORD,
) -> BOOL {
    ffi_bool(|| {
        if out.is_null() {
            return Err(invalid_parameter("phNewTimer is NULL"));
        }
        out_ok(out)?;
        let period = if flags & WT_EXECUTEONLYONCE != 0 {
            0
        } else {
            period_ms
        };
        let tp = legacy_timer(cb, ctx, flags & WT_EXECUTEINTIMERTHREAD != 0);
        // (A timer due at once has its first callback queued right here, below.)
        let k = NEXT_TIMER.fetch_add(16, Ordering::Relaxed);
        with_tables(|t| -> R<()> {
            let q = queue_key(queue, t)?;
            t.timers.insert(
                k,
                Timer {
                    tp: tp.clone(),
                    queue: q,
                },
            );
            Ok(())
        })?;
        // The handle is written before the timer can fire: a callback may read it (as the
        // Windows samples do through a global).
        // SAFETY: `out` is valid for a write (checked above).
        unsafe { out.write(k as HANDLE) };
        let inline = flags & WT_EXECUTEINTIMERTHREAD != 0;
        let armed = if due_ms == 0 && !inline {
            legacy_fire_now(&tp);
            if period == 0 {
                Ok(())
            } else {
                legacy_set(&tp, Duration::from_millis(u64::from(period)), period)
            }
        } else {
            legacy_set(&tp, Duration::from_millis(u64::from(due_ms)), period)
        };
        if let Err(e) = armed {
            with_tables(|t| t.timers.remove(&k));
            legacy_stop(&tp);
            return Err(e);
        }
        Ok(())
    })
}

/// `ChangeTimerQueueTimer`: a new due time and period. A one-shot timer that already fired
/// stays idle (TRUE, as on Windows: it cannot be restarted).
#[unsafe(no_mangle)]
pub extern "C" fn ChangeTimerQueueTimer(
    queue: HANDLE,
    timer: HANDLE,
    due_ms: DWORD,
    period_ms: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let tp = with_tables(|t| -> R<Arc<Tp>> {
            queue_key(queue, t)?;
            let tm = t.timers.get(&(timer as usize)).ok_or_else(invalid_handle)?;
            Ok(tm.tp.clone())
        })?;
        if legacy_armed(&tp) {
            legacy_set(&tp, Duration::from_millis(u64::from(due_ms)), period_ms)?;
        }
        Ok(())
    })
}

/// What the caller of a deletion asked for: `INVALID_HANDLE_VALUE` = wait for running
/// callbacks, NULL = return at once, an event = set it once the callbacks are over.
enum Done {
    Wait,
    NoWait,
    Event(winipc_core::RawHandle),
}

impl Done {
    /// Closes the event's duplicate of a deletion that did not happen.
    fn release(&self) {
        if let Done::Event(ev) = self {
            let _ = raw::close(*ev);
        }
    }
}

fn done_of(h: HANDLE) -> R<Done> {
    Ok(match h as usize {
        usize::MAX => Done::Wait,
        0 => Done::NoWait,
        _ => Done::Event(raw::duplicate(raw_of(h)?, false)?),
    })
}

/// Stops `tps`; then waits, returns, or sets the event as `done` says. Returns whether
/// callbacks were still running when it returned (`ERROR_IO_PENDING` for a timer).
fn finish(tps: Vec<Arc<Tp>>, done: Done) -> bool {
    let mut busy = false;
    for tp in &tps {
        busy |= legacy_stop(tp);
    }
    match done {
        Done::Wait => {
            for tp in &tps {
                legacy_wait(tp);
            }
            false
        }
        Done::NoWait => busy,
        Done::Event(ev) if !busy => {
            let _ = raw::event_set(ev);
            let _ = raw::close(ev);
            false
        }
        Done::Event(ev) => {
            let spawned = std::thread::Builder::new()
                .name("winipc-tq-del".into())
                .spawn(move || {
                    for tp in &tps {
                        legacy_wait(tp);
                    }
                    let _ = raw::event_set(ev);
                    let _ = raw::close(ev);
                });
            if spawned.is_err() {
                // No thread to wait on: the event is set at once rather than never.
                let _ = raw::event_set(ev);
                let _ = raw::close(ev);
            }
            true
        }
    }
}

/// `DeleteTimerQueueTimer`: cancels the timer (callbacks already queued still run). With NULL
/// or an event, FALSE + `ERROR_IO_PENDING` while callbacks are outstanding (the event is set
/// when they are over); with `INVALID_HANDLE_VALUE` it waits for them (never for the
/// caller's own, when called from the timer's callback).
#[unsafe(no_mangle)]
pub extern "C" fn DeleteTimerQueueTimer(queue: HANDLE, timer: HANDLE, done: HANDLE) -> BOOL {
    ffi_bool(|| {
        // The completion event first: a bad one fails the call with the timer left as it was.
        let done = done_of(done)?;
        let tp = with_tables(|t| -> R<Arc<Tp>> {
            let q = queue_key(queue, t)?;
            match t.timers.get(&(timer as usize)) {
                Some(tm) if tm.queue == q => {}
                _ => return Err(invalid_handle()),
            }
            t.timers
                .remove(&(timer as usize))
                .map(|tm| tm.tp)
                .ok_or_else(invalid_handle)
        })
        .inspect_err(|_| done.release())?;
        if finish(vec![tp], done) {
            return Err(Fail(ERROR_IO_PENDING));
        }
        Ok(())
    })
}

fn delete_queue(queue: HANDLE, done: HANDLE) -> R<()> {
    let k = queue as usize;
    let done = done_of(done)?;
    let tps = with_tables(|t| -> R<Vec<Arc<Tp>>> {
        if k == 0 || t.queues.remove(&k).is_none() {
            return Err(invalid_handle());
        }
        let mine: Vec<usize> = t
            .timers
            .iter()
            .filter(|(_, tm)| tm.queue == k)
            .map(|(id, _)| *id)
            .collect();
        Ok(mine
            .into_iter()
            .filter_map(|id| t.timers.remove(&id).map(|tm| tm.tp))
            .collect())
    })
    .inspect_err(|_| done.release())?;
    // Unlike a timer's, a queue's deletion reports success even while callbacks finish.
    finish(tps, done);
    Ok(())
}

/// `DeleteTimerQueueEx`: deletes every timer of the queue, then the queue.
#[unsafe(no_mangle)]
pub extern "C" fn DeleteTimerQueueEx(queue: HANDLE, done: HANDLE) -> BOOL {
    ffi_bool(|| delete_queue(queue, done))
}

/// `DeleteTimerQueue`: `DeleteTimerQueueEx(queue, NULL)`.
#[unsafe(no_mangle)]
pub extern "C" fn DeleteTimerQueue(queue: HANDLE) -> BOOL {
    ffi_bool(|| delete_queue(queue, std::ptr::null_mut()))
}
