//! Mutexes: an owner thread, recursion, and abandonment.

use std::io;
use std::time::Duration;

use crate::error::Result;
use crate::handles::{self, Handle};
use crate::objects::{self, Kind};
use crate::security::{Security, create_object, named_object_methods};
use crate::wait::WaitOutcome;

/// A Win32 mutex object: owned by one thread at a time, re-entrant, and *abandoned* when its
/// owner thread dies — the next waiter then acquires it with [`WaitOutcome::Abandoned`].
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::{Mutex, WaitOutcome};
/// let m = Mutex::new(false)?;
/// assert_eq!(m.wait(None)?, WaitOutcome::Signaled(0));
/// assert_eq!(m.wait(None)?, WaitOutcome::Signaled(0)); // recursion
/// m.release()?;
/// m.release()?;
/// assert!(m.release().is_err()); // not the owner any more
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Mutex {
    handle: Handle,
    existed: bool,
}

named_object_methods!(Mutex, Kind::Mutex, "mutex");

impl Mutex {
    /// Creates an unnamed mutex, owned by the calling thread if `initial_owner`.
    pub fn new(initial_owner: bool) -> io::Result<Mutex> {
        Mutex::make(None, initial_owner, &Security::default())
    }

    /// Creates the mutex `name`, or opens it if it exists (then `initial_owner` is ignored and
    /// [`Mutex::already_existed`] is true).
    pub fn create(name: &str, initial_owner: bool) -> io::Result<Mutex> {
        Mutex::make(Some(name), initial_owner, &Security::default())
    }

    /// Creates (or opens) a mutex with security attributes.
    pub fn make(name: Option<&str>, initial_owner: bool, sec: &Security) -> io::Result<Mutex> {
        let (handle, existed) = create_object(name, Kind::Mutex, sec, |g, ix| {
            if initial_owner {
                let me = g.me;
                objects::acquire(g, ix, me)?;
            }
            Ok(())
        })?;
        Ok(Mutex { handle, existed })
    }

    /// Waits to own the mutex (`None` = forever).
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }

    /// Acquires the mutex and returns a guard that releases it when dropped. The guard tells
    /// whether the previous owner died holding it.
    pub fn lock(&self) -> io::Result<MutexGuard<'_>> {
        let abandoned = matches!(self.wait(None)?, WaitOutcome::Abandoned(_));
        Ok(MutexGuard {
            mutex: self,
            abandoned,
        })
    }

    /// Releases one level of ownership; fails with [`Error::NotOwner`] unless the calling
    /// thread owns the mutex. Returns the recursion count before the release.
    pub fn release(&self) -> io::Result<u32> {
        Ok(release(self.handle.as_raw())?)
    }
}

/// `ReleaseMutex` on a raw handle.
pub(crate) fn release(h: handles::RawHandle) -> Result<u32> {
    // No right beyond the handle itself: MUTEX_MODIFY_STATE is "reserved" in Win32.
    handles::with_kind(h, Kind::Mutex, 0, |g, e| {
        let me = g.me;
        objects::mutex_release(g, e.obj.ix, me)
    })
}

/// What [`Mutex::lock`] returns; releases the mutex when dropped.
#[derive(Debug)]
pub struct MutexGuard<'a> {
    mutex: &'a Mutex,
    abandoned: bool,
}

impl MutexGuard<'_> {
    /// Whether the previous owner died holding the mutex (the protected state may be
    /// inconsistent).
    pub fn was_abandoned(&self) -> bool {
        self.abandoned
    }
}

impl Drop for MutexGuard<'_> {
    fn drop(&mut self) {
        if let Err(e) = self.mutex.release() {
            tracing::warn!(error = %e, "releasing a mutex guard failed");
        }
    }
}
