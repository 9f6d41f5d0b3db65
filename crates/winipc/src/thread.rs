//! Thread objects for threads started through winipc.

use std::io;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::handles::{self, Handle, access};
use crate::objects::{self, Kind, st, sw};
use crate::process::STILL_ACTIVE;
use crate::store::layout::pr;
use crate::store::{Store, StoreId};
use crate::wait::WaitOutcome;

/// Exit code of a winipc thread whose function panicked.
pub const PANIC_EXIT_CODE: u32 = 101;

/// A Win32 thread object: signaled when the thread exits, with an exit code.
///
/// ```
/// # winipc::__doc::isolate();
/// let t = winipc::Thread::spawn(|| 42)?;
/// t.wait(None)?;
/// assert_eq!(t.exit_code()?, 42);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Thread {
    handle: Handle,
}

impl Thread {
    pub(crate) fn from_parts(handle: Handle) -> Thread {
        Thread { handle }
    }

    /// Starts `f` on a new thread; its return value becomes the exit code.
    pub fn spawn<F>(f: F) -> io::Result<Thread>
    where
        F: FnOnce() -> u32 + Send + 'static,
    {
        let s = Store::get(StoreId::PRIVATE)?;
        s.me()?;
        let p = s.my_proc().ok_or(Error::InvalidHandle)?;
        let (handle, _) =
            handles::open_with(StoreId::PRIVATE, Kind::Thread, access::ALL, false, |g| {
                let made = objects::create(g, Kind::Thread, None, |g, ix| {
                    g.set(sw(ix, st::TH_PID), winipc_sys::proc::getpid())?;
                    g.set(sw(ix, st::TH_PROC), p + 1)?;
                    let head = g.get(Store::pr(p, pr::THREAD_OBJS));
                    g.set(Store::ob(ix, crate::store::layout::ob::LINK), head)?;
                    g.set(Store::pr(p, pr::THREAD_OBJS), ix + 1)
                })?;
                Ok(made)
            })?;
        // The running thread holds its own handle, so the object outlives the caller's.
        let own = handle.try_clone()?;
        std::thread::Builder::new().spawn(move || {
            let tid = winipc_sys::proc::gettid();
            let _ = with_object(&own, |g, ix| g.set(sw(ix, st::TH_TID), tid));
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .unwrap_or(PANIC_EXIT_CODE);
            finish(&own, code);
        })?;
        Ok(Thread { handle })
    }

    /// Gives up the object wrapper and returns its handle (still open).
    pub fn into_handle(self) -> Handle {
        self.handle
    }

    /// The thread's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Wraps a handle (which must refer to a thread).
    pub fn from_handle(handle: Handle) -> io::Result<Thread> {
        if handle.kind() != Kind::Thread {
            return Err(Error::InvalidHandle.into());
        }
        Ok(Thread { handle })
    }

    /// The exit code, or [`STILL_ACTIVE`] while the thread runs.
    pub fn exit_code(&self) -> io::Result<u32> {
        Ok(exit_code(self.handle.as_raw())?)
    }

    /// The kernel thread id (0 until the thread has started).
    pub fn id(&self) -> io::Result<u32> {
        Ok(with_object(&self.handle, |g, ix| {
            Ok(g.get(sw(ix, st::TH_TID)))
        })?)
    }

    /// Waits for the thread to exit.
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }
}

fn with_object<T>(
    h: &Handle,
    f: impl FnOnce(&mut crate::store::lock::Guard<'_>, u32) -> Result<T>,
) -> Result<T> {
    handles::with_kind(h.as_raw(), Kind::Thread, 0, |g, e| f(g, e.obj.ix))
}

/// A new thread object owned by the calling process, not yet running.
pub(crate) fn new_object(inherit: bool) -> Result<Thread> {
    let s = Store::get(StoreId::PRIVATE)?;
    s.me()?;
    let p = s.my_proc().ok_or(Error::InvalidHandle)?;
    let (handle, _) =
        handles::open_with(StoreId::PRIVATE, Kind::Thread, access::ALL, inherit, |g| {
            objects::create(g, Kind::Thread, None, |g, ix| {
                g.set(sw(ix, st::TH_PID), winipc_sys::proc::getpid())?;
                g.set(sw(ix, st::TH_PROC), p + 1)?;
                let head = g.get(Store::pr(p, pr::THREAD_OBJS));
                g.set(Store::ob(ix, crate::store::layout::ob::LINK), head)?;
                g.set(Store::pr(p, pr::THREAD_OBJS), ix + 1)
            })
        })?;
    Ok(Thread { handle })
}

/// Records the calling thread's tid in the object behind `own`.
pub(crate) fn started(own: handles::RawHandle) -> Result<()> {
    started_as(own, winipc_sys::proc::gettid())
}

/// Records `tid` (a thread of this process) in the object behind `own`.
pub(crate) fn started_as(own: handles::RawHandle, tid: u32) -> Result<()> {
    let h = Handle::from_raw(own)?;
    let r = with_object(&h, |g, ix| g.set(sw(ix, st::TH_TID), tid));
    let _ = h.into_raw();
    r
}

/// Publishes the exit of the thread behind `own`; the first publication wins.
pub(crate) fn finished(own: handles::RawHandle, code: u32) -> Result<()> {
    let h = Handle::from_raw(own)?;
    let r = with_object(&h, |g, ix| {
        objects::unlink_thread_object(g, ix)?;
        objects::thread_exited(g, ix, code)
    });
    let _ = h.into_raw();
    r
}

/// Publishes a winipc thread's exit (also used by `ExitThread`).
pub(crate) fn finish(own: &Handle, code: u32) {
    let r = with_object(own, |g, ix| {
        objects::unlink_thread_object(g, ix)?;
        objects::thread_exited(g, ix, code)
    });
    if let Err(e) = r {
        tracing::warn!(error = %e, "publishing a thread exit failed");
    }
}

/// `GetExitCodeThread`.
pub(crate) fn exit_code(h: handles::RawHandle) -> Result<u32> {
    let e = handles::resolve_kind(h, Kind::Thread, 0)?;
    let s = Store::get(e.obj.store)?;
    Ok(if s.load(sw(e.obj.ix, st::TH_EXITED)) != 0 {
        s.load(sw(e.obj.ix, st::TH_CODE))
    } else {
        STILL_ACTIVE
    })
}
