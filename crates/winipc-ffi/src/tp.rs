//! The thread pool API of Vista and later (`threadpoolapiset.h`): work objects, waits and
//! timers whose callbacks run on a pool of worker threads.
//!
//! One process-wide pool: worker threads take callbacks from a queue (more threads start
//! while every worker is busy, up to [`MAX_WORKERS`]). A wait object has a thread of its own
//! that waits on its handle (with a private control event), and a timer a thread of its own
//! that sleeps until its due time; either only queues the callback. Pools, cleanup groups and
//! callback environments are accepted and ignored: every callback runs on the one pool.
//! Timer-queue timers (`timerqueue.rs`) are timers of this pool with the
//! `WAITORTIMERCALLBACK` signature.

use std::collections::VecDeque;
use std::ffi::c_void;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use winipc_core::{Event, EventReset, RawHandle, WaitOutcome, raw};

use crate::handle::{raw_of, waitable};
use crate::util::*;

/// Most worker threads the pool starts.
const MAX_WORKERS: usize = 64;
const WAIT_OBJECT_0: DWORD = 0;
const WAIT_ABANDONED_0: DWORD = 0x80;
const WAIT_TIMEOUT: DWORD = 258;

type WorkCb = unsafe extern "C" fn(*mut Instance, *mut c_void, *mut Tp);
type WaitCb = unsafe extern "C" fn(*mut Instance, *mut c_void, *mut Tp, DWORD);
type SimpleCb = unsafe extern "C" fn(*mut Instance, *mut c_void);
/// `WAITORTIMERCALLBACK`: a timer-queue timer's callback (`timerqueue.rs`).
pub(crate) type LegacyCb = unsafe extern "C" fn(*mut c_void, u8);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a callback is.
#[derive(Clone, Copy)]
enum Callback {
    Work(WorkCb),
    Wait(WaitCb),
    Timer(WorkCb),
    Simple(SimpleCb),
    /// A timer-queue timer: called as `f(ctx, TRUE)`; Windows accepts a NULL function.
    Legacy(Option<LegacyCb>),
}

/// A `PTP_WORK`, `PTP_WAIT` or `PTP_TIMER`: C holds a pointer to it (from `Arc::into_raw`).
pub struct Tp {
    cb: Callback,
    ctx: Ctx,
    state: Mutex<TpState>,
    /// Signaled when `queued + running` drops to 0.
    idle: Condvar,
    /// `WT_EXECUTEINTIMERTHREAD`: the timer's own thread runs the callback itself.
    inline: bool,
}

#[derive(Default)]
struct TpState {
    queued: u32,
    running: u32,
    /// Waits and timers: what the object's own thread should do next.
    arm: Arm,
    /// Bumped by every (re)arm, so a stale firing is dropped.
    epoch: u64,
    closed: bool,
    thread: bool,
    /// C's reference (the pointer it holds) was given back: by `Close*`, or by the cleanup
    /// group's `CloseThreadpoolCleanupGroupMembers`, whichever comes first.
    released: bool,
}

#[derive(Default, Clone, Copy)]
enum Arm {
    #[default]
    Idle,
    /// Wait on a handle (owned duplicate) until the deadline.
    Wait(RawHandle, Option<Instant>),
    /// Fire at the instant, then every period (ms, 0 = once).
    Timer(Instant, u32),
}

/// The caller's context pointer, passed back as it is.
#[derive(Clone, Copy)]
struct Ctx(*mut c_void);
// SAFETY: the context is the caller's opaque value; winipc never dereferences it.
unsafe impl Send for Ctx {}
// SAFETY: as above.
unsafe impl Sync for Ctx {}

/// A `PTP_CALLBACK_INSTANCE`: what to do when the callback returns.
#[derive(Default)]
pub struct Instance {
    set_event: Option<RawHandle>,
    release_mutex: Option<RawHandle>,
    release_semaphore: Option<(RawHandle, u32)>,
}

/// A queued callback.
struct Job {
    tp: Arc<Tp>,
    result: DWORD,
    epoch: u64,
}

struct Pool {
    queue: VecDeque<Job>,
    workers: usize,
    idle_workers: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    queue: VecDeque::new(),
    workers: 0,
    idle_workers: 0,
});
static WORK_READY: Condvar = Condvar::new();

thread_local! {
    /// The object whose callback this thread is running (0: none), so that a deletion from
    /// inside the callback does not wait for itself.
    static CURRENT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn enqueue(job: Job) {
    let mut p = lock(&POOL);
    p.queue.push_back(job);
    // A worker per queued callback that no idle worker will take (the woken ones count as idle
    // until they run), so that callbacks queued together run together.
    if p.queue.len() > p.idle_workers && p.workers < MAX_WORKERS {
        p.workers += 1;
        if std::thread::Builder::new()
            .name("winipc-tp".into())
            .spawn(worker)
            .is_err()
        {
            p.workers -= 1;
        }
    }
    drop(p);
    WORK_READY.notify_one();
}

fn worker() {
    loop {
        let job = {
            let mut p = lock(&POOL);
            loop {
                if let Some(j) = p.queue.pop_front() {
                    break j;
                }
                p.idle_workers += 1;
                p = WORK_READY.wait(p).unwrap_or_else(|e| e.into_inner());
                p.idle_workers -= 1;
            }
        };
        run(job);
    }
}

fn run(job: Job) {
    let tp = job.tp;
    {
        let mut s = lock(&tp.state);
        s.queued -= 1;
        // Timer-queue callbacks that were queued before a change or deletion still run, as
        // on Windows (the deletion reports them as outstanding).
        if job.epoch != s.epoch
            && !matches!(
                tp.cb,
                Callback::Work(_) | Callback::Simple(_) | Callback::Legacy(_)
            )
        {
            // Re-armed or cancelled since it fired.
            if s.queued == 0 && s.running == 0 {
                tp.idle.notify_all();
            }
            return;
        }
        s.running += 1;
    }
    let mut inst = Instance::default();
    let me = Arc::as_ptr(&tp).cast_mut();
    let outer = CURRENT.with(|c| c.replace(me as usize));
    // SAFETY: the caller's callback and context, called as Windows calls them; `inst` and
    // `me` stay valid for the call.
    unsafe {
        match tp.cb {
            Callback::Work(f) | Callback::Timer(f) => f(&mut inst, tp.ctx.0, me),
            Callback::Wait(f) => f(&mut inst, tp.ctx.0, me, job.result),
            Callback::Simple(f) => f(&mut inst, tp.ctx.0),
            Callback::Legacy(Some(f)) => f(tp.ctx.0, 1),
            Callback::Legacy(None) => {}
        }
    }
    CURRENT.with(|c| c.set(outer));
    if let Some(h) = inst.release_mutex {
        let _ = raw::mutex_release(h);
    }
    if let Some((h, n)) = inst.release_semaphore {
        let _ = raw::semaphore_release(h, n);
    }
    if let Some(h) = inst.set_event {
        let _ = raw::event_set(h);
    }
    let mut s = lock(&tp.state);
    s.running -= 1;
    if s.queued == 0 && s.running == 0 {
        tp.idle.notify_all();
    }
}

fn new_tp(cb: Callback, ctx: *mut c_void) -> *mut Tp {
    Arc::into_raw(Arc::new(Tp {
        cb,
        ctx: Ctx(ctx),
        state: Mutex::new(TpState::default()),
        idle: Condvar::new(),
        inline: false,
    }))
    .cast_mut()
}

/// The object behind a `PTP_*` pointer, with a reference of our own.
///
/// # Safety
/// `p` is a pointer this module handed out and that was not yet closed.
unsafe fn tp_of(p: *mut Tp) -> Option<Arc<Tp>> {
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` came from `Arc::into_raw` and its reference is still held by C.
    unsafe {
        Arc::increment_strong_count(p);
        Some(Arc::from_raw(p))
    }
}

fn submit(tp: &Arc<Tp>, result: DWORD) {
    let epoch = {
        let mut s = lock(&tp.state);
        s.queued += 1;
        s.epoch
    };
    enqueue(Job {
        tp: tp.clone(),
        result,
        epoch,
    });
}

/// Waits until no callback of `tp` is queued or running; `cancel` drops queued ones first.
fn wait_callbacks(tp: &Arc<Tp>, cancel: bool) {
    if cancel {
        let mut p = lock(&POOL);
        let before = p.queue.len();
        p.queue.retain(|j| !Arc::ptr_eq(&j.tp, tp));
        let dropped = (before - p.queue.len()) as u32;
        drop(p);
        lock(&tp.state).queued -= dropped;
    }
    let mut s = lock(&tp.state);
    while s.queued + s.running > 0 {
        s = tp.idle.wait(s).unwrap_or_else(|e| e.into_inner());
    }
}

fn close(p: *mut Tp) {
    // SAFETY: C hands back the pointer it got from us (the contract of Close*).
    let Some(tp) = (unsafe { tp_of(p) }) else {
        return;
    };
    release(&tp);
}

/// Ends an object for good and drops the reference C held (once: `Close*` and the cleanup
/// group may both come).
fn release(tp: &Arc<Tp>) {
    disarm(tp, true);
    let first = !std::mem::replace(&mut lock(&tp.state).released, true);
    if first {
        // SAFETY: drops the reference C held (from `Arc::into_raw` of this very object);
        // queued callbacks and the caller hold their own.
        unsafe { drop(Arc::from_raw(Arc::as_ptr(tp))) };
    }
}

// ---- waits and timers: the object's own thread ------------------------------------------------

/// The control events of armed objects' threads, to interrupt their sleep.
struct Control {
    ev: Event,
}

static CONTROLS: Mutex<Vec<(usize, Arc<Control>)>> = Mutex::new(Vec::new());

fn control_of(tp: &Arc<Tp>) -> Option<Arc<Control>> {
    let key = Arc::as_ptr(tp) as usize;
    lock(&CONTROLS)
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| c.clone())
}

/// Replaces what the object's thread does (starting the thread on first use).
fn arm(tp: &Arc<Tp>, what: Arm) -> R<()> {
    let start = {
        let mut s = lock(&tp.state);
        if let Arm::Wait(old, _) = s.arm {
            let _ = raw::close(old);
        }
        s.arm = what;
        s.epoch += 1;
        let start = !s.thread && !matches!(what, Arm::Idle);
        if start {
            s.thread = true;
        }
        start
    };
    if start {
        let ctl = Arc::new(Control {
            ev: Event::new(EventReset::Auto, false)?,
        });
        lock(&CONTROLS).push((Arc::as_ptr(tp) as usize, ctl.clone()));
        let t = tp.clone();
        std::thread::Builder::new()
            .name("winipc-tp-wait".into())
            .spawn(move || armed_thread(&t, &ctl))
            .map_err(Fail::from)?;
    } else if let Some(c) = control_of(tp) {
        c.ev.set()?;
    }
    Ok(())
}

fn disarm(tp: &Arc<Tp>, closing: bool) {
    let _ = arm(tp, Arm::Idle);
    if closing {
        lock(&tp.state).closed = true;
        if let Some(c) = control_of(tp) {
            let _ = c.ev.set();
        }
    }
}

fn armed_thread(tp: &Arc<Tp>, ctl: &Control) {
    let ctl_h = ctl.ev.handle().as_raw();
    loop {
        let (what, epoch, closed) = {
            let s = lock(&tp.state);
            (s.arm, s.epoch, s.closed)
        };
        if closed {
            break;
        }
        let left = |t: Instant| t.saturating_duration_since(Instant::now());
        match what {
            Arm::Idle => {
                let _ = raw::wait(&[ctl_h], false, None);
            }
            Arm::Wait(h, deadline) => {
                let r = raw::wait(&[h, ctl_h], false, deadline.map(left));
                let result = match r {
                    Ok(WaitOutcome::Signaled(0)) => WAIT_OBJECT_0,
                    Ok(WaitOutcome::Abandoned(0)) => WAIT_ABANDONED_0,
                    Ok(WaitOutcome::TimedOut) => WAIT_TIMEOUT,
                    Ok(_) => continue, // the control event: re-read the arm
                    Err(_) => {
                        let _ = raw::wait(&[ctl_h], false, None);
                        continue;
                    }
                };
                // A wait fires once, then must be set again.
                if fire_once(tp, epoch) {
                    submit(tp, result);
                }
            }
            Arm::Timer(due, period) => {
                if let Ok(WaitOutcome::Signaled(_)) = raw::wait(&[ctl_h], false, Some(left(due))) {
                    continue;
                }
                let mut s = lock(&tp.state);
                if s.epoch != epoch {
                    continue;
                }
                s.arm = if period == 0 {
                    Arm::Idle
                } else {
                    Arm::Timer(due + Duration::from_millis(u64::from(period)), period)
                };
                if tp.inline {
                    s.queued += 1;
                    drop(s);
                    run(Job {
                        tp: tp.clone(),
                        result: 0,
                        epoch,
                    });
                } else {
                    drop(s);
                    submit(tp, 0);
                }
            }
        }
    }
    let key = Arc::as_ptr(tp) as usize;
    lock(&CONTROLS).retain(|(k, _)| *k != key);
}

/// Marks a fired wait idle (if it is still the arm that fired); whether to run its callback.
fn fire_once(tp: &Arc<Tp>, epoch: u64) -> bool {
    let mut s = lock(&tp.state);
    if s.epoch != epoch {
        return false;
    }
    if let Arm::Wait(h, _) = s.arm {
        let _ = raw::close(h);
    }
    s.arm = Arm::Idle;
    true
}

/// A `FILETIME` due time: negative = relative (100 ns units), positive = absolute UTC.
fn due_of(ft: *const u64) -> Option<Instant> {
    if ft.is_null() {
        return None;
    }
    // SAFETY: the caller's pointer to a FILETIME (8 bytes; read unaligned to be safe).
    let v = unsafe { ft.read_unaligned() } as i64;
    let now = Instant::now();
    Some(if v <= 0 {
        now + Duration::from_nanos(v.unsigned_abs().saturating_mul(100))
    } else {
        // 100 ns units since 1601-01-01.
        const EPOCH_DIFF: u64 = 116_444_736_000_000_000;
        let unix_100ns = (v as u64).saturating_sub(EPOCH_DIFF);
        let at = UNIX_EPOCH + Duration::from_nanos(unix_100ns.saturating_mul(100));
        now + at.duration_since(SystemTime::now()).unwrap_or_default()
    })
}

// ---- timer-queue timers (`timerqueue.rs`) ---------------------------------------------------

/// A new timer-queue timer, not armed: its callback is `f(ctx, TRUE)`, on a pool worker or
/// (`inline`) on the timer's own thread.
pub(crate) fn legacy_timer(f: Option<LegacyCb>, ctx: *mut c_void, inline: bool) -> Arc<Tp> {
    Arc::new(Tp {
        cb: Callback::Legacy(f),
        ctx: Ctx(ctx),
        state: Mutex::new(TpState::default()),
        idle: Condvar::new(),
        inline,
    })
}

/// Arms `tp` to fire `due` from now, then every `period_ms` (0: once).
pub(crate) fn legacy_set(tp: &Arc<Tp>, due: Duration, period_ms: u32) -> R<()> {
    arm(tp, Arm::Timer(Instant::now() + due, period_ms))
}

/// Whether `tp` is armed (a one-shot timer that fired is not).
pub(crate) fn legacy_armed(tp: &Arc<Tp>) -> bool {
    matches!(lock(&tp.state).arm, Arm::Timer(..))
}

/// Stops `tp` for good: no new firing, its thread ends; callbacks already queued still run.
/// Returns whether callbacks are outstanding, queued or running (the caller's own counts:
/// Windows reports `ERROR_IO_PENDING` to a callback deleting its own timer).
pub(crate) fn legacy_stop(tp: &Arc<Tp>) -> bool {
    disarm(tp, true);
    let s = lock(&tp.state);
    s.queued + s.running > 0
}

/// Queues `tp`'s callback now (a timer due at once: its first callback is queued before
/// `CreateTimerQueueTimer` returns, so a deletion right after creation finds it outstanding,
/// as on Windows).
pub(crate) fn legacy_fire_now(tp: &Arc<Tp>) {
    submit(tp, 0);
}

/// Whether the calling thread is running `tp`'s callback.
fn legacy_inside(tp: &Arc<Tp>) -> bool {
    CURRENT.with(|c| c.get()) == Arc::as_ptr(tp) as usize
}

/// Waits until no callback of a stopped `tp` runs (but the caller's own, if it is one).
pub(crate) fn legacy_wait(tp: &Arc<Tp>) {
    let me = u32::from(legacy_inside(tp));
    let mut s = lock(&tp.state);
    while s.queued + s.running > me {
        s = tp.idle.wait(s).unwrap_or_else(|e| e.into_inner());
    }
}

// ---- the C functions ------------------------------------------------------------------------

/// `CreateThreadpoolWork`: in the environment's cleanup group, if it names one.
///
/// # Safety
/// `env` NULL or an environment set up by `InitializeThreadpoolEnvironment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateThreadpoolWork(
    cb: Option<WorkCb>,
    ctx: *mut c_void,
    env: *const Environ,
) -> *mut Tp {
    match cb {
        // SAFETY: `env` NULL or the caller's initialised environment.
        Some(f) => unsafe { joined(new_tp(Callback::Work(f), ctx), env) },
        None => {
            set_last_error(code::ERROR_INVALID_PARAMETER);
            std::ptr::null_mut()
        }
    }
}

/// # Safety
/// `w` from `CreateThreadpoolWork`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SubmitThreadpoolWork(w: *mut Tp) {
    // SAFETY: the caller's contract.
    if let Some(tp) = unsafe { tp_of(w) } {
        submit(&tp, 0);
    }
}

/// # Safety
/// `w` from `CreateThreadpoolWork`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitForThreadpoolWorkCallbacks(w: *mut Tp, cancel_pending: BOOL) {
    // SAFETY: the caller's contract.
    if let Some(tp) = unsafe { tp_of(w) } {
        wait_callbacks(&tp, cancel_pending != 0);
    }
}

/// `CloseThreadpoolWork`: queued callbacks still run.
#[unsafe(no_mangle)]
pub extern "C" fn CloseThreadpoolWork(w: *mut Tp) {
    close(w);
}

/// `TrySubmitThreadpoolCallback`: a cleanup group named by the environment waits for it.
///
/// # Safety
/// `env` NULL or an environment set up by `InitializeThreadpoolEnvironment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TrySubmitThreadpoolCallback(
    cb: Option<SimpleCb>,
    ctx: *mut c_void,
    env: *const Environ,
) -> BOOL {
    ffi_bool(|| {
        let f = cb.ok_or_else(|| invalid_parameter("pfns is NULL"))?;
        // SAFETY: the caller's contract.
        let p = unsafe { joined(new_tp(Callback::Simple(f), ctx), env) };
        // SAFETY: just made; we give C's reference to the queued job.
        let tp = unsafe { Arc::from_raw(p.cast_const()) };
        lock(&tp.state).released = true;
        submit(&tp, 0);
        Ok(())
    })
}

/// `CreateThreadpoolWait`: in the environment's cleanup group, if it names one.
///
/// # Safety
/// `env` NULL or an environment set up by `InitializeThreadpoolEnvironment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateThreadpoolWait(
    cb: Option<WaitCb>,
    ctx: *mut c_void,
    env: *const Environ,
) -> *mut Tp {
    match cb {
        // SAFETY: `env` NULL or the caller's initialised environment.
        Some(f) => unsafe { joined(new_tp(Callback::Wait(f), ctx), env) },
        None => {
            set_last_error(code::ERROR_INVALID_PARAMETER);
            std::ptr::null_mut()
        }
    }
}

/// # Safety
/// `w` from `CreateThreadpoolWait`, not closed; `timeout` NULL or a valid `FILETIME`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetThreadpoolWait(w: *mut Tp, h: HANDLE, timeout: *const u64) {
    // SAFETY: the caller's contract.
    let Some(tp) = (unsafe { tp_of(w) }) else {
        return;
    };
    if h.is_null() {
        let _ = arm(&tp, Arm::Idle);
        return;
    }
    let Ok(dup) = waitable(h).and_then(|r| raw::duplicate(r, false).map_err(Fail::from)) else {
        return; // Windows does not report errors here either
    };
    let _ = arm(&tp, Arm::Wait(dup, due_of(timeout)));
}

/// # Safety
/// `w` from `CreateThreadpoolWait`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitForThreadpoolWaitCallbacks(w: *mut Tp, cancel_pending: BOOL) {
    // SAFETY: the caller's contract.
    if let Some(tp) = unsafe { tp_of(w) } {
        wait_callbacks(&tp, cancel_pending != 0);
    }
}

/// `CloseThreadpoolWait`.
#[unsafe(no_mangle)]
pub extern "C" fn CloseThreadpoolWait(w: *mut Tp) {
    close(w);
}

/// `CreateThreadpoolTimer`: in the environment's cleanup group, if it names one.
///
/// # Safety
/// `env` NULL or an environment set up by `InitializeThreadpoolEnvironment`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateThreadpoolTimer(
    cb: Option<WorkCb>,
    ctx: *mut c_void,
    env: *const Environ,
) -> *mut Tp {
    match cb {
        // SAFETY: `env` NULL or the caller's initialised environment.
        Some(f) => unsafe { joined(new_tp(Callback::Timer(f), ctx), env) },
        None => {
            set_last_error(code::ERROR_INVALID_PARAMETER);
            std::ptr::null_mut()
        }
    }
}

/// # Safety
/// `t` from `CreateThreadpoolTimer`, not closed; `due` NULL or a valid `FILETIME`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetThreadpoolTimer(
    t: *mut Tp,
    due: *const u64,
    period_ms: DWORD,
    _window_ms: DWORD,
) {
    // SAFETY: the caller's contract.
    let Some(tp) = (unsafe { tp_of(t) }) else {
        return;
    };
    let what = match due_of(due) {
        None => Arm::Idle,
        Some(at) => Arm::Timer(at, period_ms),
    };
    let _ = arm(&tp, what);
}

/// # Safety
/// `t` from `CreateThreadpoolTimer`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn IsThreadpoolTimerSet(t: *mut Tp) -> BOOL {
    // SAFETY: the caller's contract.
    match unsafe { tp_of(t) } {
        Some(tp) => BOOL::from(matches!(lock(&tp.state).arm, Arm::Timer(..))),
        None => FALSE,
    }
}

/// # Safety
/// `t` from `CreateThreadpoolTimer`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitForThreadpoolTimerCallbacks(t: *mut Tp, cancel_pending: BOOL) {
    // SAFETY: the caller's contract.
    if let Some(tp) = unsafe { tp_of(t) } {
        wait_callbacks(&tp, cancel_pending != 0);
    }
}

/// `CloseThreadpoolTimer`.
#[unsafe(no_mangle)]
pub extern "C" fn CloseThreadpoolTimer(t: *mut Tp) {
    close(t);
}

/// # Safety
/// `inst` the instance passed to the running callback.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetEventWhenCallbackReturns(inst: *mut Instance, ev: HANDLE) {
    // SAFETY: the caller's contract: the instance of the callback now running on this thread.
    if let (Some(i), Ok(h)) = (unsafe { inst.as_mut() }, raw_of(ev)) {
        i.set_event = Some(h);
    }
}

/// # Safety
/// As `SetEventWhenCallbackReturns`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReleaseMutexWhenCallbackReturns(inst: *mut Instance, m: HANDLE) {
    // SAFETY: as above.
    if let (Some(i), Ok(h)) = (unsafe { inst.as_mut() }, raw_of(m)) {
        i.release_mutex = Some(h);
    }
}

/// # Safety
/// As `SetEventWhenCallbackReturns`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReleaseSemaphoreWhenCallbackReturns(
    inst: *mut Instance,
    s: HANDLE,
    n: DWORD,
) {
    // SAFETY: as above.
    if let (Some(i), Ok(h)) = (unsafe { inst.as_mut() }, raw_of(s)) {
        i.release_semaphore = Some((h, n));
    }
}

/// `CallbackMayRunLong`: the pool starts another worker when all are busy anyway.
#[unsafe(no_mangle)]
pub extern "C" fn CallbackMayRunLong(_inst: *mut Instance) -> BOOL {
    TRUE
}

/// `DisassociateCurrentThreadFromCallback`: nothing waits on this thread's callback by
/// thread, so there is nothing to do.
#[unsafe(no_mangle)]
pub extern "C" fn DisassociateCurrentThreadFromCallback(_inst: *mut Instance) {}

// ---- pools and cleanup groups ----------------------------------------------------------------

/// `TP_CALLBACK_ENVIRON_V3`, as `threadpoolapiset.h` lays it out (only the cleanup group and
/// its cancel callback are read).
#[repr(C)]
pub struct Environ {
    version: u32,
    pool: *mut c_void,
    cleanup_group: *mut Group,
    cleanup_cancel: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
}

/// A `PTP_POOL`: every callback runs on the one process-wide pool, so a private pool is a
/// token (its thread limits are accepted).
pub struct PoolToken {
    _min_max: Mutex<(u32, u32)>,
}

/// A `PTP_CLEANUP_GROUP`: the objects created with it, to close together.
pub struct Group {
    members: Mutex<Vec<Member>>,
}

struct Member {
    tp: Arc<Tp>,
    cancel: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
}

/// Puts `p` into the cleanup group `env` names (if any); returns `p`.
///
/// # Safety
/// `env` NULL or an initialised environment whose group (if any) is live.
unsafe fn joined(p: *mut Tp, env: *const Environ) -> *mut Tp {
    // SAFETY: the caller's contract.
    let Some(env) = (unsafe { env.as_ref() }) else {
        return p;
    };
    // SAFETY: the caller's contract: a group from CreateThreadpoolCleanupGroup, not closed.
    if let (Some(g), Some(tp)) = (unsafe { env.cleanup_group.as_ref() }, unsafe { tp_of(p) }) {
        lock(&g.members).push(Member {
            tp,
            cancel: env.cleanup_cancel,
        });
    }
    p
}

/// `CreateThreadpool`: a pool object (see [`PoolToken`]).
#[unsafe(no_mangle)]
pub extern "C" fn CreateThreadpool(_reserved: *mut c_void) -> *mut PoolToken {
    Box::into_raw(Box::new(PoolToken {
        _min_max: Mutex::new((0, MAX_WORKERS as u32)),
    }))
}

/// # Safety
/// `pool` from `CreateThreadpool`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetThreadpoolThreadMaximum(pool: *mut PoolToken, most: DWORD) {
    // SAFETY: the caller's contract.
    if let Some(p) = unsafe { pool.as_ref() } {
        lock(&p._min_max).1 = most;
    }
}

/// # Safety
/// `pool` from `CreateThreadpool`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetThreadpoolThreadMinimum(pool: *mut PoolToken, least: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    match unsafe { pool.as_ref() } {
        Some(p) => {
            lock(&p._min_max).0 = least;
            TRUE
        }
        None => {
            set_last_error(code::ERROR_INVALID_PARAMETER);
            FALSE
        }
    }
}

/// `CloseThreadpool`: the pool goes once its callbacks are over (they run on the process's
/// pool, which stays).
///
/// # Safety
/// `pool` from `CreateThreadpool`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseThreadpool(pool: *mut PoolToken) {
    if !pool.is_null() {
        // SAFETY: the caller's contract: the box from CreateThreadpool, given back once.
        drop(unsafe { Box::from_raw(pool) });
    }
}

/// `CreateThreadpoolCleanupGroup`.
#[unsafe(no_mangle)]
pub extern "C" fn CreateThreadpoolCleanupGroup() -> *mut Group {
    Box::into_raw(Box::new(Group {
        members: Mutex::new(Vec::new()),
    }))
}

/// `CloseThreadpoolCleanupGroupMembers`: for every object created with the group: with
/// `cancel`, drops its queued callbacks, calling the environment's cancel callback with the
/// object's context and `cleanup_ctx` for each; then waits for its running callbacks and
/// closes it (an object the application closed already is only waited for).
///
/// # Safety
/// `g` from `CreateThreadpoolCleanupGroup`, not closed; not called from one of its callbacks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseThreadpoolCleanupGroupMembers(
    g: *mut Group,
    cancel: BOOL,
    cleanup_ctx: *mut c_void,
) {
    // SAFETY: the caller's contract.
    let Some(g) = (unsafe { g.as_ref() }) else {
        return;
    };
    let members = std::mem::take(&mut *lock(&g.members));
    // Timers and waits stop first: a tick that fired after a member's wait below would
    // otherwise run its callback after this call returned.
    for m in &members {
        disarm(&m.tp, true);
    }
    for m in members {
        if cancel != 0 {
            // Queued callbacks that have not started are dropped; the cancel callback is
            // called once for each.
            let mut p = lock(&POOL);
            let before = p.queue.len();
            p.queue.retain(|j| !Arc::ptr_eq(&j.tp, &m.tp));
            let dropped = (before - p.queue.len()) as u32;
            drop(p);
            lock(&m.tp.state).queued -= dropped;
            if let Some(f) = m.cancel {
                for _ in 0..dropped {
                    // SAFETY: the application's cancel callback, called as Windows calls it.
                    unsafe { f(m.tp.ctx.0, cleanup_ctx) };
                }
            }
        }
        wait_callbacks(&m.tp, false);
        release(&m.tp);
    }
}

/// `CloseThreadpoolCleanupGroup`.
///
/// # Safety
/// `g` from `CreateThreadpoolCleanupGroup`, not closed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CloseThreadpoolCleanupGroup(g: *mut Group) {
    if !g.is_null() {
        // SAFETY: the caller's contract: the box from CreateThreadpoolCleanupGroup.
        drop(unsafe { Box::from_raw(g) });
    }
}
