//! Events: manual-reset and auto-reset.

use std::io;
use std::time::Duration;

use crate::error::Result;
use crate::handles::{self, Handle, access};
use crate::objects::{self, Kind, st, sw};
use crate::security::{Security, create_object, named_object_methods};
use crate::wait::WaitOutcome;

/// How an event resets after releasing waiters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventReset {
    /// Stays signaled until [`Event::reset`]; releases every waiter.
    Manual,
    /// Releases exactly one waiter, then resets itself.
    Auto,
}

/// A Win32 event object.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{Event, EventReset, WaitOutcome};
/// let ev = Event::new(EventReset::Auto, false)?;
/// assert_eq!(ev.wait(Some(Duration::ZERO))?, WaitOutcome::TimedOut);
/// assert!(!ev.set()?);                  // returns the previous state
/// assert_eq!(ev.wait(Some(Duration::ZERO))?, WaitOutcome::Signaled(0));
/// assert!(!ev.is_signaled()?);          // auto-reset: the wait reset it
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Event {
    handle: Handle,
    existed: bool,
}

named_object_methods!(Event, Kind::Event, "event");

impl Event {
    /// Creates an unnamed event.
    pub fn new(reset: EventReset, initial: bool) -> io::Result<Event> {
        Event::make(None, reset, initial, &Security::default())
    }

    /// Creates the event `name` (`Local\x`, `Global\x` or `x`), or opens it if it exists —
    /// then [`Event::already_existed`] is true and `reset`/`initial` are ignored, as in Win32.
    /// A name used by another kind of object fails with [`Error::WrongKind`].
    pub fn create(name: &str, reset: EventReset, initial: bool) -> io::Result<Event> {
        Event::make(Some(name), reset, initial, &Security::default())
    }

    /// Creates (or opens) an event, possibly unnamed, with security attributes.
    pub fn make(
        name: Option<&str>,
        reset: EventReset,
        initial: bool,
        sec: &Security,
    ) -> io::Result<Event> {
        let (handle, existed) = create_object(name, Kind::Event, sec, |g, ix| {
            g.set(
                sw(ix, st::EV_MANUAL),
                u32::from(reset == EventReset::Manual),
            )?;
            g.set(sw(ix, st::EV_SIGNALED), u32::from(initial))
        })?;
        Ok(Event { handle, existed })
    }

    /// Sets the event; returns whether it was already signaled.
    pub fn set(&self) -> io::Result<bool> {
        Ok(set(self.handle.as_raw())?)
    }

    /// Resets the event; returns whether it was signaled.
    pub fn reset(&self) -> io::Result<bool> {
        Ok(reset(self.handle.as_raw())?)
    }

    /// Releases the current waiters (all for a manual-reset event, one for auto-reset) and
    /// leaves the event non-signaled; returns whether it was signaled before.
    pub fn pulse(&self) -> io::Result<bool> {
        Ok(pulse(self.handle.as_raw())?)
    }

    /// Whether the event is signaled, without waiting or changing it.
    pub fn is_signaled(&self) -> io::Result<bool> {
        Ok(handles::with_entry(self.handle.as_raw(), |g, _, _, e| {
            Ok(g.get(sw(e.obj.ix, st::EV_SIGNALED)) != 0)
        })?)
    }

    /// Waits for the event (`None` = forever, zero = poll).
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }
}

fn modify<T>(
    h: handles::RawHandle,
    f: impl FnOnce(&mut crate::store::lock::Guard<'_>, u32) -> Result<T>,
) -> Result<T> {
    handles::with_kind(h, Kind::Event, access::MODIFY_STATE, |g, e| f(g, e.obj.ix))
}

/// `SetEvent` on a raw handle; returns the previous state.
pub(crate) fn set(h: handles::RawHandle) -> Result<bool> {
    modify(h, |g, ix| {
        let was = g.get(sw(ix, st::EV_SIGNALED)) != 0;
        g.set(sw(ix, st::EV_SIGNALED), 1)?;
        objects::wake_waiters(g, ix)?;
        Ok(was)
    })
}

/// `ResetEvent` on a raw handle; returns the previous state.
pub(crate) fn reset(h: handles::RawHandle) -> Result<bool> {
    modify(h, |g, ix| {
        let was = g.get(sw(ix, st::EV_SIGNALED)) != 0;
        g.set(sw(ix, st::EV_SIGNALED), 0)?;
        objects::note_change(g, ix);
        Ok(was)
    })
}

/// `PulseEvent` on a raw handle; returns the previous state.
pub(crate) fn pulse(h: handles::RawHandle) -> Result<bool> {
    modify(h, |g, ix| {
        let was = g.get(sw(ix, st::EV_SIGNALED)) != 0;
        g.set(sw(ix, st::EV_SIGNALED), 1)?;
        objects::wake_waiters(g, ix)?;
        g.set(sw(ix, st::EV_SIGNALED), 0)?;
        Ok(was)
    })
}
