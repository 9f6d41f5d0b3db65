//! Thread control: `SuspendThread`/`ResumeThread` (suspend counts), `TerminateThread`, and the
//! suspended start of `CreateThread`/`CreateProcess` (`CREATE_SUSPENDED`).
//!
//! A thread of this process is suspended by a real-time signal whose handler parks it on a
//! futex (its suspend count, in a fixed table indexed by thread id) until the count returns to
//! 0; a thread inside libwinipc when the signal arrives parks when it leaves (as a Windows
//! thread suspended in a system call stops on its return), so the shared store is never held
//! by a suspended thread. A thread of another process is the main thread of a child: one started suspended is held
//! before its `exec` (see `process.rs`) and released by writing to a pipe; a running one is
//! stopped with `SIGSTOP` and continued with `SIGCONT` (which stops every thread of it).

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering, compiler_fence};
use std::sync::{Mutex, Once};
use std::time::{Duration, Instant};

use winipc_core::{Kind, RawHandle, STILL_ACTIVE, raw};

use crate::handle::{H, classify, gettid};
use crate::util::*;

const THREAD_SUSPEND_RESUME: u32 = 0x0002;
const THREAD_TERMINATE: u32 = 0x0001;
const FAILED: DWORD = u32::MAX;

/// One suspendable thread of this process.
pub(crate) struct Slot {
    tid: AtomicU32,
    /// The suspend count; the futex the parked thread sleeps on.
    count: AtomicU32,
    /// 1 while the thread is parked in the handler.
    parked: AtomicU32,
}

const SLOTS: usize = 1024;
static TABLE: [Slot; SLOTS] = [const {
    Slot {
        tid: AtomicU32::new(0),
        count: AtomicU32::new(0),
        parked: AtomicU32::new(0),
    }
}; SLOTS];
/// Serialises claiming slots (the signal handler only reads the table).
static CLAIM: Mutex<()> = Mutex::new(());

fn find(tid: u32) -> Option<&'static Slot> {
    TABLE.iter().find(|s| s.tid.load(Ordering::Acquire) == tid)
}

fn claim(tid: u32) -> R<&'static Slot> {
    let _g = CLAIM.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(s) = find(tid) {
        return Ok(s);
    }
    let free = TABLE.iter().find(|s| {
        let t = s.tid.load(Ordering::Acquire);
        t == 0
            || (s.count.load(Ordering::Acquire) == 0
                && s.parked.load(Ordering::Acquire) == 0
                && !thread_in_this_process(t))
    });
    let s = free.ok_or(Fail(code::ERROR_NOT_ENOUGH_MEMORY))?;
    s.count.store(0, Ordering::Release);
    s.tid.store(tid, Ordering::Release);
    Ok(s)
}

fn thread_in_this_process(tid: u32) -> bool {
    std::path::Path::new(&format!("/proc/self/task/{tid}")).exists()
}

/// Parks the calling thread while its suspend count is positive.
fn park(slot: &Slot) {
    slot.parked.store(1, Ordering::Release);
    loop {
        let c = slot.count.load(Ordering::Acquire);
        if c == 0 {
            break;
        }
        winipc_sys::futex::wait(&slot.count, c, None);
    }
    slot.parked.store(0, Ordering::Release);
}

fn sig_suspend() -> i32 {
    libc::SIGRTMAX() - 6
}

fn sig_terminate() -> i32 {
    libc::SIGRTMAX() - 7
}

extern "C" fn on_suspend(_sig: i32) {
    // SAFETY: errno is thread-local; saved and restored around the handler.
    let errno = unsafe { *libc::__errno_location() };
    if let Some(slot) = find(winipc_sys::proc::gettid()) {
        if BOUNDARY.with(|b| b.depth.load(Ordering::Relaxed)) == 0 {
            park(slot);
        } else {
            // Inside libwinipc (maybe holding the store lock, or blocked in a wait): like a
            // Windows thread suspended in a system call, it finishes the call and stops on
            // its way out. SuspendThread may return now.
            BOUNDARY.with(|b| b.pending.fetch_or(SUSPEND_PENDING, Ordering::Relaxed));
            slot.parked.store(1, Ordering::Release);
        }
    }
    // SAFETY: as above.
    unsafe { *libc::__errno_location() = errno };
}

/// [`Boundary::pending`]: a `TerminateThread` arrived while the thread was inside libwinipc.
const TERMINATED: u8 = 1;
/// [`Boundary::pending`]: a `SuspendThread` arrived while the thread was inside libwinipc.
const SUSPEND_PENDING: u8 = 2;

/// A thread's crossing of the library boundary, in one thread-local (one TLS address per
/// entry or exit, and every exported function crosses it twice). Both words are written by the
/// thread itself and by its signal handlers (which run on the same thread): atomics, read and
/// written with plain loads and stores except for the handlers' `or` and the slow path's swap.
struct Boundary {
    /// How deep the calling thread is inside libwinipc's exported functions.
    depth: AtomicU32,
    /// [`TERMINATED`] and [`SUSPEND_PENDING`], set by the handlers while `depth > 0`.
    pending: AtomicU8,
}

thread_local! {
    static BOUNDARY: Boundary = const {
        Boundary {
            depth: AtomicU32::new(0),
            pending: AtomicU8::new(0),
        }
    };
}

/// Parks the calling thread forever: what `TerminateThread` leaves of it.
fn park_forever() -> ! {
    static NEVER: AtomicU32 = AtomicU32::new(0);
    loop {
        winipc_sys::futex::wait(&NEVER, 0, None);
    }
}

extern "C" fn on_terminate(_sig: i32) {
    if BOUNDARY.with(|b| b.depth.load(Ordering::Relaxed)) == 0 {
        park_forever();
    }
    BOUNDARY.with(|b| b.pending.fetch_or(TERMINATED, Ordering::Relaxed));
}

/// Called by [`ffi`] around every exported function: a thread terminated while inside
/// libwinipc (where it may hold the store lock) stops when it leaves.
#[inline(always)]
pub(crate) fn enter_library() {
    BOUNDARY.with(|b| {
        // A plain load and store: only this thread writes `depth` (a handler reads it).
        b.depth
            .store(b.depth.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    });
    // The handlers must see the thread inside before it does anything inside.
    compiler_fence(Ordering::SeqCst);
}

#[inline(always)]
pub(crate) fn leave_library() {
    compiler_fence(Ordering::SeqCst);
    let pending = BOUNDARY.with(|b| {
        // At least 1: `enter_library` counted this call.
        let d = b.depth.load(Ordering::Relaxed).wrapping_sub(1);
        b.depth.store(d, Ordering::Relaxed);
        // A signal after this store finds the thread outside and acts at once; one before it
        // left its flag, read here (the fence keeps the read after the store).
        compiler_fence(Ordering::SeqCst);
        if d == 0 {
            b.pending.load(Ordering::Relaxed)
        } else {
            0
        }
    });
    if pending != 0 {
        left_with_pending();
    }
}

/// [`leave_library`]'s slow path: a `TerminateThread` or `SuspendThread` arrived while the
/// thread was inside.
#[cold]
#[inline(never)]
fn left_with_pending() {
    let pending = BOUNDARY.with(|b| b.pending.fetch_and(!SUSPEND_PENDING, Ordering::Relaxed));
    if pending & TERMINATED != 0 {
        park_forever();
    }
    if pending & SUSPEND_PENDING != 0
        && let Some(slot) = find(gettid())
    {
        park(slot);
    }
}

fn install_handlers() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        for (sig, f) in [
            (sig_suspend(), on_suspend as extern "C" fn(i32)),
            (sig_terminate(), on_terminate as extern "C" fn(i32)),
        ] {
            // SAFETY: a zeroed sigaction with a handler that only touches atomics and futexes.
            unsafe {
                let mut sa: libc::sigaction = std::mem::zeroed();
                sa.sa_sigaction = f as usize;
                sa.sa_flags = libc::SA_RESTART;
                libc::sigemptyset(&mut sa.sa_mask);
                libc::sigaction(sig, &sa, std::ptr::null_mut());
            }
        }
    });
}

fn tgkill(tid: u32, sig: i32) -> bool {
    // SAFETY: sends a signal; no memory is touched.
    unsafe { libc::syscall(libc::SYS_tgkill, libc::getpid(), tid as i32, sig) == 0 }
}

// ---- children held before exec, and other processes' threads --------------------------------

struct Held {
    release: OwnedFd,
    count: u32,
}

/// Children started with `CREATE_SUSPENDED`, by pid: the pipe that releases them.
static HELD: Mutex<Option<HashMap<u32, Held>>> = Mutex::new(None);
/// Suspend counts of other processes' threads (stopped with `SIGSTOP`), by pid.
static STOPPED: Mutex<Option<HashMap<u32, u32>>> = Mutex::new(None);

/// Records a child started suspended; writing to `release` lets it `exec`.
pub(crate) fn hold_child(pid: u32, release: OwnedFd) {
    let mut m = HELD.lock().unwrap_or_else(|e| e.into_inner());
    m.get_or_insert_with(HashMap::new)
        .insert(pid, Held { release, count: 1 });
}

fn release_child(fd: &OwnedFd) {
    use std::io::Write;
    let _ = std::fs::File::from(fd.try_clone().expect("dup")).write_all(b"\n");
}

// ---- the thread behind a handle ------------------------------------------------------------

enum Target {
    /// A thread of this process, by tid.
    Mine(u32),
    /// The main thread of another process, by pid.
    Other(u32),
}

fn target(h: HANDLE, need: u32) -> R<Target> {
    match classify(h)? {
        H::CurrentThread => Ok(Target::Mine(gettid())),
        H::Raw(r) => {
            if raw::check_access(r, need)? != Kind::Thread {
                return Err(invalid_handle());
            }
            if raw::thread_exit_code(r)? != STILL_ACTIVE {
                return Err(winipc_core::Error::AccessDenied.into());
            }
            let tid = raw::thread_id(r)?;
            if tid == 0 {
                return Err(invalid_handle());
            }
            Ok(if thread_in_this_process(tid) {
                Target::Mine(tid)
            } else {
                Target::Other(tid)
            })
        }
        // A thread of another process (OpenThread): its main thread is controlled as a
        // child's; Linux cannot stop or end one other thread of another process.
        H::Local(_) => {
            let t = crate::thread::foreign_thread(h).ok_or_else(invalid_handle)?;
            if t.access & need == 0 {
                return Err(winipc_core::Error::AccessDenied.into());
            }
            if t.tid != t.pid {
                return Err(crate::util::not_supported(
                    "suspending or ending another process's thread other than its main thread",
                ));
            }
            Ok(Target::Other(t.tid))
        }
        _ => Err(invalid_handle()),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn SuspendThread(h: HANDLE) -> DWORD {
    ffi(FAILED, || match target(h, THREAD_SUSPEND_RESUME)? {
        Target::Mine(tid) => {
            let slot = claim(tid)?;
            let prev = slot.count.fetch_add(1, Ordering::AcqRel);
            if prev != 0 {
                return Ok(prev);
            }
            if tid == gettid() {
                park(slot);
                return Ok(prev);
            }
            install_handlers();
            if !tgkill(tid, sig_suspend()) {
                slot.count.fetch_sub(1, Ordering::AcqRel);
                return Err(winipc_core::Error::AccessDenied.into());
            }
            // Windows' SuspendThread returns once the thread is stopped: wait for the handler.
            let start = Instant::now();
            while slot.parked.load(Ordering::Acquire) == 0
                && thread_in_this_process(tid)
                && start.elapsed() < Duration::from_secs(5)
            {
                std::thread::sleep(Duration::from_micros(100));
            }
            Ok(prev)
        }
        Target::Other(pid) => {
            {
                let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(c) = held.get_or_insert_with(HashMap::new).get_mut(&pid) {
                    c.count += 1;
                    return Ok(c.count - 1);
                }
            }
            let mut m = STOPPED.lock().unwrap_or_else(|e| e.into_inner());
            let c = m.get_or_insert_with(HashMap::new).entry(pid).or_insert(0);
            if *c == 0 {
                // SAFETY: sends a signal.
                if unsafe { libc::kill(pid as i32, libc::SIGSTOP) } != 0 {
                    return Err(winipc_core::Error::AccessDenied.into());
                }
            }
            *c += 1;
            Ok(*c - 1)
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn ResumeThread(h: HANDLE) -> DWORD {
    ffi(FAILED, || match target(h, THREAD_SUSPEND_RESUME)? {
        Target::Mine(tid) => {
            let Some(slot) = find(tid) else {
                return Ok(0);
            };
            let r = slot
                .count
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |c| c.checked_sub(1));
            match r {
                Ok(1) => {
                    winipc_sys::futex::wake(&slot.count, u32::MAX);
                    Ok(1)
                }
                Ok(prev) => Ok(prev),
                Err(_) => Ok(0),
            }
        }
        Target::Other(pid) => {
            {
                let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
                let m = held.get_or_insert_with(HashMap::new);
                if let Some(c) = m.get_mut(&pid) {
                    let prev = c.count;
                    c.count -= 1;
                    if c.count == 0
                        && let Some(c) = m.remove(&pid)
                    {
                        release_child(&c.release);
                    }
                    return Ok(prev);
                }
            }
            let mut m = STOPPED.lock().unwrap_or_else(|e| e.into_inner());
            let m = m.get_or_insert_with(HashMap::new);
            let Some(c) = m.get_mut(&pid) else {
                return Ok(0);
            };
            let prev = *c;
            *c -= 1;
            if *c == 0 {
                m.remove(&pid);
                // SAFETY: sends a signal.
                unsafe { libc::kill(pid as i32, libc::SIGCONT) };
            }
            Ok(prev)
        }
    })
}

/// The calling thread's own suspended start (`CREATE_SUSPENDED`): its slot with count 1,
/// claimed before `CreateThread` returns; then [`park_new`] waits for `ResumeThread`.
pub(crate) fn suspend_new() -> Option<&'static Slot> {
    let slot = claim(gettid()).ok()?;
    slot.count.store(1, Ordering::Release);
    Some(slot)
}

pub(crate) fn park_new(slot: Option<&'static Slot>) {
    if let Some(s) = slot {
        park(s);
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn TerminateThread(h: HANDLE, code: DWORD) -> BOOL {
    ffi_bool(|| {
        let r: RawHandle = match classify(h)? {
            H::Raw(r) => r,
            H::CurrentThread => crate::thread::current_thread_handle()?,
            H::Local(_) if crate::thread::foreign_thread(h).is_some() => {
                return Err(not_supported("terminating a thread of another process"));
            }
            _ => return Err(invalid_handle()),
        };
        let owned = !matches!(classify(h)?, H::Raw(_));
        let t = target(crate::handle::to_handle(r), THREAD_TERMINATE);
        let t = match t {
            Ok(t) => t,
            Err(e) => {
                if owned {
                    let _ = raw::close(r);
                }
                return Err(e);
            }
        };
        let Target::Mine(tid) = t else {
            return Err(not_supported("terminating a thread of another process"));
        };
        // The exit code first (the first publication wins), then stop the thread.
        let dup = raw::duplicate(r, false)?;
        raw::thread_finished(dup, code)?;
        if owned {
            let _ = raw::close(r);
        }
        if tid == gettid() {
            BOUNDARY.with(|b| b.pending.fetch_or(TERMINATED, Ordering::Relaxed));
            return Ok(()); // parks when leaving libwinipc
        }
        install_handlers();
        if !tgkill(tid, sig_terminate()) {
            return Err(winipc_core::Error::AccessDenied.into());
        }
        // A suspended thread is released so that the signal can stop it for good.
        if let Some(slot) = find(tid) {
            slot.count.store(0, Ordering::Release);
            winipc_sys::futex::wake(&slot.count, u32::MAX);
        }
        Ok(())
    })
}
