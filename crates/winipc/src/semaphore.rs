//! Counting semaphores.

use std::io;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::handles::{self, Handle};
use crate::objects::{self, Kind, st, sw};
use crate::security::{Security, create_object, named_object_methods};
use crate::wait::WaitOutcome;

/// A Win32 semaphore: a count between 0 and a maximum; each satisfied wait takes one.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{Semaphore, WaitOutcome};
/// let s = Semaphore::new(1, 2)?;
/// assert_eq!(s.release(1)?, 1);             // previous count
/// assert!(s.release(1).is_err());           // would pass the maximum: unchanged
/// assert_eq!(s.wait(Some(Duration::ZERO))?, WaitOutcome::Signaled(0));
/// assert!(Semaphore::new(3, 2).is_err());   // initial > maximum
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Semaphore {
    handle: Handle,
    existed: bool,
}

named_object_methods!(Semaphore, Kind::Semaphore, "semaphore");

/// The largest maximum count (Win32's `LONG`).
pub const MAX_SEMAPHORE_COUNT: u32 = i32::MAX as u32;

impl Semaphore {
    /// Creates an unnamed semaphore.
    pub fn new(initial: u32, max: u32) -> io::Result<Semaphore> {
        Semaphore::make(None, initial, max, &Security::default())
    }

    /// Creates the semaphore `name`, or opens it if it exists.
    pub fn create(name: &str, initial: u32, max: u32) -> io::Result<Semaphore> {
        Semaphore::make(Some(name), initial, max, &Security::default())
    }

    /// Creates (or opens) a semaphore with security attributes. `max` must be 1 to
    /// [`MAX_SEMAPHORE_COUNT`] and `initial` at most `max` ([`Error::InvalidParameter`]).
    pub fn make(
        name: Option<&str>,
        initial: u32,
        max: u32,
        sec: &Security,
    ) -> io::Result<Semaphore> {
        if max == 0 || max > MAX_SEMAPHORE_COUNT || initial > max {
            return Err(Error::InvalidParameter("semaphore counts").into());
        }
        let (handle, existed) = create_object(name, Kind::Semaphore, sec, |g, ix| {
            g.set(sw(ix, st::SEM_COUNT), initial)?;
            g.set(sw(ix, st::SEM_MAX), max)
        })?;
        Ok(Semaphore { handle, existed })
    }

    /// Waits to take one count.
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }

    /// Adds `count` (≥ 1); returns the previous count. Past the maximum it fails with
    /// [`Error::TooManyPosts`] and changes nothing.
    pub fn release(&self, count: u32) -> io::Result<u32> {
        Ok(release(self.handle.as_raw(), count)?)
    }
}

/// `ReleaseSemaphore` on a raw handle.
pub(crate) fn release(h: handles::RawHandle, count: u32) -> Result<u32> {
    if count == 0 || count > MAX_SEMAPHORE_COUNT {
        return Err(Error::InvalidParameter("release count"));
    }
    handles::with_kind(h, Kind::Semaphore, handles::access::MODIFY_STATE, |g, e| {
        let ix = e.obj.ix;
        let prev = g.get(sw(ix, st::SEM_COUNT));
        let max = g.get(sw(ix, st::SEM_MAX));
        if prev.checked_add(count).is_none_or(|n| n > max) {
            return Err(Error::TooManyPosts);
        }
        g.set(sw(ix, st::SEM_COUNT), prev + count)?;
        objects::wake_waiters(g, ix)?;
        Ok(prev)
    })
}
