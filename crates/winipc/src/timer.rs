//! Waitable timers.

use std::io;
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::handles::{self, Handle};
use crate::objects::{self, Kind, st, sw};
use crate::security::{Security, create_object, named_object_methods};
use crate::store::Store;
use crate::store::layout::{en, ob};
use crate::wait::WaitOutcome;

/// When a timer first fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueTime {
    /// After this long (Win32: a negative due time).
    After(Duration),
    /// At this wall-clock time (Win32: a positive `FILETIME`). Converted to the monotonic
    /// clock when set: later changes of the wall clock do not move it.
    At(SystemTime),
}

/// A Win32 waitable timer: manual-reset (stays signaled) or synchronization (releases one
/// waiter per expiry), one-shot or periodic.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{DueTime, Timer, WaitOutcome};
/// let t = Timer::new(false)?;
/// t.set(DueTime::After(Duration::from_millis(5)), None)?;
/// assert_eq!(t.wait(Some(Duration::from_secs(5)))?, WaitOutcome::Signaled(0));
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Timer {
    handle: Handle,
    existed: bool,
}

named_object_methods!(Timer, Kind::Timer, "timer");

impl Timer {
    /// Creates an unnamed timer; `manual_reset` picks the kind.
    pub fn new(manual_reset: bool) -> io::Result<Timer> {
        Timer::make(None, manual_reset, &Security::default())
    }

    /// Creates the timer `name`, or opens it if it exists.
    pub fn create(name: &str, manual_reset: bool) -> io::Result<Timer> {
        Timer::make(Some(name), manual_reset, &Security::default())
    }

    /// Creates (or opens) a timer with security attributes. A new timer is inactive and
    /// non-signaled.
    pub fn make(name: Option<&str>, manual_reset: bool, sec: &Security) -> io::Result<Timer> {
        let (handle, existed) = create_object(name, Kind::Timer, sec, |g, ix| {
            g.set(sw(ix, st::TM_MANUAL), u32::from(manual_reset))?;
            g.set(sw(ix, st::TM_DUE_LO), u32::MAX)?;
            g.set(sw(ix, st::TM_DUE_HI), u32::MAX)
        })?;
        Ok(Timer { handle, existed })
    }

    /// Arms the timer (`SetWaitableTimer`): it becomes non-signaled and fires at `due`, then
    /// every `period` if given.
    pub fn set(&self, due: DueTime, period: Option<Duration>) -> io::Result<()> {
        let due_ns = due_to_monotonic(due);
        let period_ms = match period {
            None => 0,
            Some(p) => u32::try_from(p.as_millis())
                .ok()
                .filter(|&ms| ms <= i32::MAX as u32)
                .ok_or(Error::InvalidParameter("timer period"))?,
        };
        Ok(set(self.handle.as_raw(), due_ns, period_ms)?)
    }

    /// Disarms the timer (`CancelWaitableTimer`); its signaled state is unchanged.
    pub fn cancel(&self) -> io::Result<()> {
        Ok(cancel(self.handle.as_raw())?)
    }

    /// Waits for the timer.
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }
}

/// Converts a due time to monotonic nanoseconds.
pub(crate) fn due_to_monotonic(due: DueTime) -> u64 {
    let now = winipc_sys::time::monotonic_ns();
    match due {
        DueTime::After(d) => now.saturating_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
        DueTime::At(t) => match t.duration_since(SystemTime::now()) {
            Ok(ahead) => now.saturating_add(u64::try_from(ahead.as_nanos()).unwrap_or(u64::MAX)),
            Err(_) => now, // in the past: due at once
        },
    }
    .min(u64::MAX - 1)
}

fn timer_op<T>(
    h: handles::RawHandle,
    f: impl FnOnce(&mut crate::store::lock::Guard<'_>, u32) -> Result<T>,
) -> Result<T> {
    handles::with_kind(h, Kind::Timer, handles::access::MODIFY_STATE, |g, e| {
        crate::objects::note_change(g, e.obj.ix);
        f(g, e.obj.ix)
    })
}

/// `SetWaitableTimer` with a monotonic due time.
pub(crate) fn set(h: handles::RawHandle, due_ns: u64, period_ms: u32) -> Result<()> {
    timer_op(h, |g, ix| {
        g.set(sw(ix, st::TM_SIGNALED), 0)?;
        g.set(sw(ix, st::TM_DUE_LO), due_ns as u32)?;
        g.set(sw(ix, st::TM_DUE_HI), (due_ns >> 32) as u32)?;
        g.set(sw(ix, st::TM_PERIOD_MS), period_ms)?;
        nudge_waiters(g, ix)
    })
}

/// `CancelWaitableTimer`.
pub(crate) fn cancel(h: handles::RawHandle) -> Result<()> {
    timer_op(h, |g, ix| {
        g.set(sw(ix, st::TM_DUE_LO), u32::MAX)?;
        g.set(sw(ix, st::TM_DUE_HI), u32::MAX)?;
        g.set(sw(ix, st::TM_PERIOD_MS), 0)
    })
}

/// Wakes every waiter of `ix` so it recomputes when to wake up.
fn nudge_waiters(g: &mut crate::store::lock::Guard<'_>, ix: u32) -> Result<()> {
    let s = g.s;
    let mut cur = s.entry_link(g.get(Store::ob(ix, ob::WHEAD)))?;
    let mut steps = 0;
    while let Some(e) = cur {
        steps += 1;
        if steps > crate::store::layout::MAX_WAIT_ENTRIES {
            return Err(s.corrupt("cycle in a waiter list"));
        }
        if let Some(t) = s.thread_link(g.get(Store::en(e, en::THREAD)))? {
            g.nudge_later(t);
        }
        cur = s.entry_link(g.get(Store::en(e, en::NEXT)))?;
    }
    let _ = objects::timer_due(s, ix);
    Ok(())
}
