//! The process's helper thread, started lazily: it notices process exits, and it is the
//! re-check backstop of this process's sleeping waiters.
//!
//! **Re-check ticks.** A waker publishes a waiter's result, unlocks the store and only then
//! issues the `FUTEX_WAKE`; a waker killed in between would leave the waiter asleep beside its
//! result. Rather than arming a timer in every sleep (a measurable cost on every hand-off),
//! this thread wakes each of the process's waiting threads once a second
//! ([`crate::wait::BACKSTOP_NS`]); a woken waiter re-examines its wait and sleeps again. If the
//! thread cannot be started, waiters arm the timer themselves.
//!
//! **Process exits.**
//! Every process that holds a handle to a process object and waits on it (or spawned it)
//! registers the process's pidfd here. When one becomes readable, the monitor reads the exit
//! status — `waitid(P_PIDFD)` for our children, `PIDFD_GET_INFO` for others — and publishes it
//! into the process object under the store lock, which wakes its waiters. The first process to
//! notice publishes; the others find the object already exited.

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::sync::Mutex;

use std::sync::atomic::{AtomicU32, Ordering};

use winipc_sys::{epoll::Poller, futex, proc};

use crate::error::Result;
use crate::objects::{self, Kind, ObjRef, st, sw};
use crate::store::layout::{MAX_THREADS, WAIT_SATISFIED, WAIT_WAITING, th};
use crate::store::{Store, registry};
use crate::wait::BACKSTOP_NS;

/// Exit code reported for a process killed by signal N: 128 + N, as shells report it.
pub(crate) fn signal_exit_code(sig: u8) -> u32 {
    128 + u32::from(sig)
}

#[derive(Debug)]
struct Watched {
    pidfd: OwnedFd,
    obj: ObjRef,
    child: bool,
    pid: u32,
    start: u64,
    /// Set once the process has exited but its exit is not published yet (its status is not
    /// readable yet, or publishing failed): the monitor stops polling the pidfd and retries
    /// every [`RETRY_NS`]; past this deadline it publishes without a status.
    give_up_at: Option<u64>,
    /// The status once read (reaping our child consumes it).
    exit: Option<proc::Exit>,
}

/// How long to keep trying to read an exited process's status before publishing its exit
/// without one. The status is readable at once in every case the kernel keeps it (our child:
/// `waitid`; reaped by anyone: `PIDFD_INFO_EXIT`; a zombie: `/proc`), so this only covers
/// short windows (a task between its exit and its release) and kernels older than 6.15 (a
/// non-child reaped before we looked: its status is gone for good). It was 2 s, which made
/// every such exit 2 s late (issue 16); a process object is signaled within 50 ms of death.
const STATUS_PATIENCE_NS: u64 = 25_000_000;
/// Retry interval for exits whose status is not known yet.
const RETRY_NS: u64 = 5_000_000;

#[derive(Debug)]
struct Monitor {
    poller: Poller,
    watched: Mutex<HashMap<u64, Watched>>,
}

/// This process's monitor. A child of `fork()` gets a new one: the parent's thread does not
/// exist there, and its epoll instance is shared with the parent.
static MONITOR: Mutex<Option<(u32, &'static Monitor)>> = Mutex::new(None);

/// The fork epoch ([`registry::fork_epoch`]) in which this process's monitor thread was
/// started, so that waiters can rely on its re-check ticks; 0 = not started.
static TICKING: AtomicU32 = AtomicU32::new(0);

/// The fork epoch in which this process's monitor thread stopped (on an error), if it did.
static STOPPED: AtomicU32 = AtomicU32::new(0);

/// Whether the monitor thread ticks for this process's waiters, starting it if needed
/// (cheap once started: one load). `false` if it cannot be started or has stopped.
pub(crate) fn ticking() -> bool {
    let epoch = registry::fork_epoch();
    if TICKING.load(Ordering::Acquire) == epoch {
        return true;
    }
    if STOPPED.load(Ordering::Acquire) == epoch {
        return false;
    }
    match monitor() {
        Ok(_) => {
            TICKING.store(epoch, Ordering::Release);
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot start the monitor thread; waiters re-arm timers");
            false
        }
    }
}

/// Wakes every thread of this process that waits (or was just satisfied) in a store, so that
/// it re-examines its wait: the backstop for wake-ups lost to a killed waker.
fn tick() {
    for s in Store::all_opened() {
        let Some(p) = s.my_proc() else { continue };
        for t in 0..MAX_THREADS {
            if s.load(Store::th(t, th::PROC)) != p + 1 {
                continue;
            }
            let state = s.w(Store::th(t, th::WAIT_STATE));
            if matches!(state.load(Ordering::Relaxed), WAIT_WAITING | WAIT_SATISFIED) {
                futex::wake(state, u32::MAX);
            }
        }
    }
}

fn monitor() -> Result<&'static Monitor> {
    let pid = proc::getpid();
    let mut cur = MONITOR.lock().expect("monitor lock");
    if let Some((owner, m)) = *cur
        && owner == pid
    {
        return Ok(m);
    }
    let m: &'static Monitor = Box::leak(Box::new(Monitor {
        poller: Poller::new()?,
        watched: Mutex::new(HashMap::new()),
    }));
    std::thread::Builder::new()
        .name("winipc-monitor".into())
        .spawn(move || run(m))?;
    *cur = Some((pid, m));
    Ok(m)
}

/// The monitor if this process already started one.
fn current_monitor() -> Option<&'static Monitor> {
    let cur = MONITOR.lock().expect("monitor lock");
    cur.filter(|(owner, _)| *owner == proc::getpid())
        .map(|(_, m)| m)
}

fn key(r: ObjRef) -> u64 {
    u64::from(r.ix) | u64::from(r.generation) << 32
}

/// Makes sure the exit of the process behind `r` (if `r` is a process object) will be
/// published.
pub(crate) fn watch_if_process(r: ObjRef) -> Result<()> {
    let s = Store::get(r.store)?;
    if objects::kind_gen(s, r.ix) != (Some(Kind::Process), r.generation)
        || s.load(sw(r.ix, st::PR_EXITED)) != 0
    {
        return Ok(());
    }
    if current_monitor().is_some_and(|m| {
        m.watched
            .lock()
            .expect("monitor lock")
            .contains_key(&key(r))
    }) {
        return Ok(());
    }
    let pid = s.load(sw(r.ix, st::PR_PID));
    let start = u64::from(s.load(sw(r.ix, st::PR_START_LO)))
        | u64::from(s.load(sw(r.ix, st::PR_START_HI))) << 32;
    match proc::pidfd_open(pid) {
        Ok(fd) if proc::start_time(pid) == Some(start) => watch(r, fd, false),
        _ if proc::zombie_exit(pid, start).is_some() => publish(r, proc::zombie_exit(pid, start)),
        // Gone before anyone could watch it: publish what we can.
        _ => publish(r, None),
    }
}

/// Adds a descriptor the monitor hands to [`crate::machine_names::serve`] when readable
/// (`key` carries [`crate::machine_names::POLL_KEY`]).
pub(crate) fn watch_fd(fd: &OwnedFd, key: u64) -> Result<()> {
    debug_assert!(key & crate::machine_names::POLL_KEY != 0);
    monitor()?.poller.add(fd, key)?;
    Ok(())
}

/// Removes a descriptor added with [`watch_fd`].
pub(crate) fn unwatch_fd(fd: &OwnedFd) -> Result<()> {
    if let Some(m) = current_monitor() {
        m.poller.remove(fd)?;
    }
    Ok(())
}

/// Adds a pipe end's data socket, reported once (to [`crate::pipe::ring::hangup`]) when its
/// peer hangs up.
pub(crate) fn watch_hangup(fd: &OwnedFd, key: u64) -> Result<()> {
    monitor()?.poller.add_hangup(fd, key)?;
    Ok(())
}

/// Removes a descriptor added with [`watch_hangup`].
pub(crate) fn unwatch_hangup(fd: &OwnedFd) {
    if let Some(m) = current_monitor() {
        let _ = m.poller.remove(fd);
    }
}

/// Adds a descriptor handle's descriptor (`crate::readiness::fd_handle`), reported once
/// when readable; [`rearm_ready_fd`] reports it again.
pub(crate) fn watch_ready_fd(fd: &OwnedFd, key: u64) -> Result<()> {
    monitor()?.poller.add_oneshot(fd, key)?;
    Ok(())
}

/// Re-enables a descriptor added with [`watch_ready_fd`].
pub(crate) fn rearm_ready_fd(fd: &OwnedFd, key: u64) -> Result<()> {
    monitor()?.poller.rearm(fd, key)?;
    Ok(())
}

/// Removes a descriptor added with [`watch_ready_fd`].
pub(crate) fn unwatch_ready_fd(fd: &OwnedFd) {
    if let Some(m) = current_monitor() {
        let _ = m.poller.remove(fd);
    }
}

/// Watches `pidfd` (of our child if `child`) for the process object `r`.
pub(crate) fn watch(r: ObjRef, pidfd: OwnedFd, child: bool) -> Result<()> {
    let m = monitor()?;
    let k = key(r);
    let s = Store::get(r.store)?;
    let pid = s.load(sw(r.ix, st::PR_PID));
    let start = u64::from(s.load(sw(r.ix, st::PR_START_LO)))
        | u64::from(s.load(sw(r.ix, st::PR_START_HI))) << 32;
    let mut w = m.watched.lock().expect("monitor lock");
    if w.contains_key(&k) {
        return Ok(());
    }
    m.poller.add(&pidfd, k)?;
    let entry = Watched {
        pidfd,
        obj: r,
        child,
        pid,
        start,
        give_up_at: None,
        exit: None,
    };
    w.insert(k, entry);
    Ok(())
}

/// The exit status of a watched process that has exited, if it can be known now.
fn status_of(e: &Watched) -> Option<proc::Exit> {
    if e.child
        && let Ok(Some(exit)) = proc::reap_child(&e.pidfd)
    {
        return Some(exit);
    }
    // Not our child, or a child someone else reaped first (the program's own `waitpid`,
    // `SIGCHLD` ignored): the kernel keeps the status for the pidfd.
    proc::exit_info(&e.pidfd)
        .ok()
        .flatten()
        .or_else(|| proc::zombie_exit(e.pid, e.start))
}

fn run(m: &'static Monitor) {
    let mut next_tick = winipc_sys::time::monotonic_ns() + BACKSTOP_NS;
    loop {
        let retrying = m
            .watched
            .lock()
            .expect("monitor lock")
            .values()
            .any(|e| e.give_up_at.is_some());
        let wake = if retrying {
            next_tick.min(winipc_sys::time::monotonic_ns() + RETRY_NS)
        } else {
            next_tick
        };
        let polled = m.poller.wait(Some(wake));
        if winipc_sys::time::monotonic_ns() >= next_tick {
            tick();
            next_tick = winipc_sys::time::monotonic_ns() + BACKSTOP_NS;
        }
        let mut ready = match polled {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "process monitor stopped");
                // Waiters arm their own backstop timers from now on.
                STOPPED.store(registry::fork_epoch(), Ordering::Release);
                TICKING.store(0, Ordering::Release);
                return;
            }
        };
        {
            let w = m.watched.lock().expect("monitor lock");
            ready.extend(
                w.iter()
                    .filter(|(_, e)| e.give_up_at.is_some())
                    .map(|(k, _)| *k),
            );
        }
        for k in ready {
            if k >> 61 == crate::pipe::ring::RING_KEY >> 61 && crate::pipe::ring::hangup(k) {
                continue;
            }
            if k & crate::machine_names::POLL_KEY != 0 {
                crate::machine_names::serve(k);
                continue;
            }
            if k & crate::readiness::FD_KEY != 0 {
                if let Some(w) = crate::readiness::fd_watch_by_key(k) {
                    w.fire();
                }
                continue;
            }
            let mut w = m.watched.lock().expect("monitor lock");
            let Some(entry) = w.get_mut(&k) else { continue };
            let now = winipc_sys::time::monotonic_ns();
            let exit = entry.exit.or_else(|| status_of(entry));
            entry.exit = exit;
            if exit.is_none() && entry.give_up_at.is_none_or(|t| now < t) {
                if entry.give_up_at.is_none() {
                    // Exited, status not known yet: stop polling the fd, retry on a timer.
                    let _ = m.poller.remove(&entry.pidfd);
                    entry.give_up_at = Some(now + STATUS_PATIENCE_NS);
                }
                continue;
            }
            // Publish while the entry is still in the map: until the exit is published,
            // `watch_if_process` must see the process as watched. (Removed first, a waiter
            // arriving in between found it unwatched and already reaped, and published
            // "unknown", exit code 0, before this thread published the real code.)
            if let Err(e) = publish(entry.obj, exit) {
                // Transient (the store lock held by a process being recovered): retry on the
                // timer; dropping the entry left the object unsignaled for good.
                tracing::warn!(error = %e, "publishing a process exit failed; retrying");
                if entry.give_up_at.is_none() {
                    let _ = m.poller.remove(&entry.pidfd);
                    entry.give_up_at = Some(now);
                }
                continue;
            }
            let entry = w.remove(&k).expect("present");
            drop(w);
            if entry.give_up_at.is_none() {
                let _ = m.poller.remove(&entry.pidfd);
            }
        }
    }
}

/// Marks process object `r` exited and wakes its waiters. The exit code is, in order: one
/// set by `TerminateProcess` through winipc, one the process recorded with `ExitProcess` (all
/// 32 bits, kept in its process slot and then the store's exit log), the 8-bit exit status,
/// 128 + signal for a killed process, or 0 when nothing is known.
pub(crate) fn publish(r: ObjRef, exit: Option<proc::Exit>) -> Result<()> {
    let s = Store::get(r.store)?;
    let me = s.me()?;
    let mut g = s.lock(me, None)?;
    if objects::kind_gen(s, r.ix) != (Some(Kind::Process), r.generation)
        || g.get(sw(r.ix, st::PR_EXITED)) != 0
    {
        return Ok(());
    }
    let pid = g.get(sw(r.ix, st::PR_PID));
    let start = u64::from(g.get(sw(r.ix, st::PR_START_LO)))
        | u64::from(g.get(sw(r.ix, st::PR_START_HI))) << 32;
    let code = if g.get(sw(r.ix, st::PR_PRESET)) != 0 {
        g.get(sw(r.ix, st::PR_PRESET_CODE))
    } else if let Some(code) = crate::store::registry::recorded_exit_code(&g, pid, start) {
        code
    } else {
        match exit {
            Some(proc::Exit::Code(c)) => u32::from(c),
            Some(proc::Exit::Signal(sig)) => signal_exit_code(sig),
            None => 0,
        }
    };
    g.set(sw(r.ix, st::PR_CODE), code)?;
    g.set(sw(r.ix, st::PR_EXITED), 1)?;
    objects::wake_waiters(&mut g, r.ix)?;
    if let Some(t) = g.s.obj_link(g.get(sw(r.ix, st::PR_MAIN_THREAD)))? {
        objects::thread_exited(&mut g, t, code)?;
    }
    g.commit();
    Ok(())
}
