//! Operations on raw handle values — the layer the C ABI (`libwinipc`) is built on.
//!
//! Every function takes handle values as Win32 code holds them and returns winipc's
//! [`Error`], whose [`Error::win32_code`] is what `GetLastError` must report.
//!
//! ```
//! # winipc::__doc::isolate();
//! use winipc::raw;
//! let ev = winipc::Event::new(winipc::EventReset::Manual, false)?.into_handle().into_raw();
//! assert!(!raw::event_set(ev)?);
//! assert_eq!(raw::wait(&[ev], false, Some(std::time::Duration::ZERO))?, winipc::WaitOutcome::Signaled(0));
//! raw::close(ev)?;
//! assert_eq!(raw::close(ev).unwrap_err().win32_code(), 6); // ERROR_INVALID_HANDLE
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use crate::error::{Error, Result};
use crate::handles::{self, RawHandle, access};
use crate::objects::Kind;
use crate::store::layout::{HANDLES_PER_PROC, MAX_PROCS, SLOT_LIVE, SLOT_PENDING, pr};
use crate::store::{Namespace, Store, StoreId};
use crate::timer::DueTime;
use crate::wait::WaitOutcome;
use crate::{MailslotInfo, event, mailslot, mutex, process, semaphore, thread, timer, wait};

/// `CloseHandle`.
pub fn close(h: RawHandle) -> Result<()> {
    let obj = handles::resolve(h).ok().map(|e| e.obj);
    handles::close(h)?;
    crate::readiness::on_close(h, obj);
    Ok(())
}

/// The kind of object behind `h`.
pub fn kind(h: RawHandle) -> Result<Kind> {
    Ok(handles::resolve(h)?.kind)
}

/// The access mask recorded in `h`.
pub fn access_mask(h: RawHandle) -> Result<u32> {
    Ok(handles::resolve(h)?.access)
}

/// Replaces the access mask recorded in `h` (the C ABI maps `dwDesiredAccess` of `Open*`,
/// `OpenProcess` and `DuplicateHandle` with the object type's generic mapping first). A
/// mailslot handle's mask is its direction and is never changed here.
pub fn set_access(h: RawHandle, mask: u32) -> Result<()> {
    handles::with_entry(h, |g, p, index, e| {
        if e.kind == Kind::Mailslot {
            return Err(Error::InvalidHandle);
        }
        g.set(Store::hd(p, index, crate::store::layout::hd::ACCESS), mask)
    })
}

/// Fails with [`Error::AccessDenied`] unless handle `h` holds every right in `need`
/// (`SYNCHRONIZE` to wait, `*_MODIFY_STATE` to set or release, `PROCESS_TERMINATE`, ...).
/// Mailslot handles carry their direction instead of object rights and always pass.
///
/// The one access check of the C ABI's layer, until the core resolves handles by kind and
/// access itself.
pub fn check_access(h: RawHandle, need: u32) -> Result<Kind> {
    let e = handles::resolve(h)?;
    if e.kind != Kind::Mailslot && e.access & need != need {
        return Err(Error::AccessDenied);
    }
    Ok(e.kind)
}

/// Records `code` as the calling process's full 32-bit exit code (what `ExitProcess` records
/// before exiting), for an exit that happens another way (`exit(n)`, a return from `main`).
pub fn record_exit_code(code: u32) -> Result<()> {
    let s = Store::get(StoreId::PRIVATE)?;
    let mut g = s.lock(s.me()?, None)?;
    crate::store::registry::record_exit_code(&mut g, code)?;
    g.commit();
    Ok(())
}

/// `DuplicateHandle` within this process.
pub fn duplicate(h: RawHandle, inherit: bool) -> Result<RawHandle> {
    handles::duplicate(h, None, inherit)
}

/// `DuplicateHandle` into another process (of the same user for `Local` objects), which must
/// already use winipc. Returns the value in the target process.
pub fn duplicate_into(h: RawHandle, target_pid: u32, inherit: bool) -> Result<RawHandle> {
    if crate::readiness::is_fd_handle(h) && target_pid != winipc_sys::proc::getpid() {
        return Err(Error::NotSupported(
            "a descriptor's handle cannot leave its process",
        ));
    }
    let (ns, _) = handles::decode(h).ok_or(Error::InvalidHandle)?;
    // PROCESS_DUP_HANDLE on another user's process is never granted (and its handle tables
    // are in a store we cannot open anyway).
    if crate::process::rights_on(target_pid) & crate::access::PROCESS_DUP_HANDLE == 0 {
        return Err(Error::AccessDenied);
    }
    let s = Store::get(ns)?;
    let target = (0..MAX_PROCS)
        .find(|&p| {
            // A child that has not used winipc yet has its pending slot (Process::spawn).
            matches!(s.load(Store::pr(p, pr::STATE)), SLOT_LIVE | SLOT_PENDING)
                && s.load(Store::pr(p, pr::PID)) == target_pid
        })
        .ok_or(Error::InvalidParameter(
            "the target process does not use winipc",
        ))?;
    handles::duplicate(h, Some(target), inherit)
}

/// `GetHandleInformation`: [`HANDLE_FLAG_INHERIT`] and [`HANDLE_FLAG_PROTECT_FROM_CLOSE`].
pub fn handle_flags(h: RawHandle) -> Result<u32> {
    Ok(handles::resolve(h)?.flags)
}

/// `SetHandleInformation`.
pub fn set_handle_flags(h: RawHandle, mask: u32, flags: u32) -> Result<()> {
    if mask & flags & HANDLE_FLAG_INHERIT != 0 && crate::readiness::is_fd_handle(h) {
        return Err(Error::NotSupported(
            "a descriptor's handle cannot be inherited",
        ));
    }
    handles::set_flags(h, mask & 3, flags & 3)
}

/// `PROCESS_TERMINATE` (and `THREAD_TERMINATE`): the right `TerminateProcess` needs.
pub const PROCESS_TERMINATE: u32 = 0x0001;
/// `SYNCHRONIZE`: the right every wait needs.
pub const SYNCHRONIZE: u32 = access::SYNCHRONIZE;
/// `EVENT_MODIFY_STATE`, `SEMAPHORE_MODIFY_STATE`, `TIMER_MODIFY_STATE`.
pub const MODIFY_STATE: u32 = access::MODIFY_STATE;

/// `HANDLE_FLAG_INHERIT`.
pub const HANDLE_FLAG_INHERIT: u32 = crate::store::layout::HF_INHERIT;
/// `HANDLE_FLAG_PROTECT_FROM_CLOSE`.
pub const HANDLE_FLAG_PROTECT_FROM_CLOSE: u32 = crate::store::layout::HF_PROTECT;
/// Handle values are below this bound (useful for validating `HANDLE`s from C).
pub const HANDLE_VALUE_LIMIT: RawHandle =
    4 * (crate::store::MAX_STORES as RawHandle * HANDLES_PER_PROC + 1);

/// `WaitForSingleObject` / `WaitForMultipleObjects` on raw handles (no 64-object limit here).
pub fn wait(handles: &[RawHandle], all: bool, timeout: Option<Duration>) -> Result<WaitOutcome> {
    let targets = wait_targets(handles)?;
    wait::wait(&targets, all, wait::deadline(timeout))
}

/// The wait targets of `handles`, each checked for `SYNCHRONIZE` (mailslots need no right):
/// one handle-table read per handle, and no allocation for up to four (the C ABI's
/// `WaitForSingleObject` went through a `Vec` and read each entry twice; issue 16).
fn wait_targets(handles: &[RawHandle]) -> Result<smallvec::SmallVec<[wait::Target; 4]>> {
    // A plain loop: `collect` into a `Result` went through a generic adapter that cost more
    // than the lookups themselves.
    let mut targets = smallvec::SmallVec::new();
    for &h in handles {
        targets.push(crate::readiness::wait_target_checked(
            h,
            access::SYNCHRONIZE,
        )?);
    }
    Ok(targets)
}

/// An alertable wait (`WaitForSingleObjectEx`/`WaitForMultipleObjectsEx` with `bAlertable`):
/// as [`wait`], but `alert` (a futex word and the value it held when the caller last looked)
/// ends the wait early when another thread changes the word and wakes it: then `Ok(None)`,
/// and nothing was acquired.
pub fn wait_alertable(
    handles: &[RawHandle],
    all: bool,
    timeout: Option<Duration>,
    alert: (&std::sync::atomic::AtomicU32, u32),
) -> Result<Option<WaitOutcome>> {
    let targets = wait_targets(handles)?;
    wait::wait_alertable(&targets, all, wait::deadline(timeout), Some(alert))
}

/// `SignalObjectAndWait`: signals `signal` (sets an event, releases a mutex once or a
/// semaphore by one), then waits on `wait_on`.
pub fn signal_and_wait(
    signal: RawHandle,
    wait_on: RawHandle,
    timeout: Option<Duration>,
) -> Result<WaitOutcome> {
    // Each operation checks its own right (`handles::with_kind`).
    match kind(signal)? {
        Kind::Event => event::set(signal).map(drop)?,
        Kind::Mutex => mutex::release(signal).map(drop)?,
        Kind::Semaphore => semaphore::release(signal, 1).map(drop)?,
        _ => return Err(Error::InvalidHandle),
    }
    wait(&[wait_on], false, timeout)
}

/// `winipc_handle_fd`: a descriptor that is readable while `h`'s object is signaled (for
/// `poll`/`epoll`); polling it acquires nothing. It belongs to the library and stays valid
/// until `h` is closed; repeated calls return the same descriptor. See [`crate::Readiness`].
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::{Event, EventReset, raw};
/// let ev = Event::new(EventReset::Auto, true)?;
/// let h = raw::duplicate(ev.handle().as_raw(), false)?;
/// let fd = raw::handle_fd(h)?;
/// assert_eq!(raw::handle_fd(h)?, fd);
/// raw::close(h)?; // closes the descriptor too
/// # Ok::<(), winipc::Error>(())
/// ```
pub fn handle_fd(h: RawHandle) -> Result<std::os::fd::RawFd> {
    crate::readiness::handle_fd(h)
}

/// `winipc_fd_handle`: a handle signaled while `fd` is readable, for the waits. The handle
/// owns `fd` (pass a duplicate) until it is closed; it cannot be duplicated into another
/// process (`ERROR_NOT_SUPPORTED`) nor be inherited.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::io::Write;
/// use std::os::fd::AsFd;
/// use std::time::Duration;
/// use winipc::{WaitOutcome, raw};
/// let (mut a, b) = std::os::unix::net::UnixStream::pair().unwrap();
/// let h = raw::fd_handle(b.as_fd().try_clone_to_owned().unwrap())?;
/// assert_eq!(raw::wait(&[h], false, Some(Duration::ZERO))?, WaitOutcome::TimedOut);
/// a.write_all(b"x").unwrap();
/// assert_eq!(raw::wait(&[h], false, Some(Duration::from_secs(5)))?, WaitOutcome::Signaled(0));
/// raw::close(h)?;
/// # Ok::<(), winipc::Error>(())
/// ```
pub fn fd_handle(fd: std::os::fd::OwnedFd) -> Result<RawHandle> {
    crate::readiness::fd_handle(fd)
}

/// `SetEvent`; returns the previous state.
pub fn event_set(h: RawHandle) -> Result<bool> {
    event::set(h)
}
/// `ResetEvent`; returns the previous state.
pub fn event_reset(h: RawHandle) -> Result<bool> {
    event::reset(h)
}
/// `PulseEvent`; returns the previous state.
pub fn event_pulse(h: RawHandle) -> Result<bool> {
    event::pulse(h)
}
/// `ReleaseMutex`; returns the recursion count before.
pub fn mutex_release(h: RawHandle) -> Result<u32> {
    mutex::release(h)
}
/// `ReleaseSemaphore`; returns the previous count.
pub fn semaphore_release(h: RawHandle, count: u32) -> Result<u32> {
    semaphore::release(h, count)
}
/// `SetWaitableTimer`; `period_ms` 0 = one-shot.
pub fn timer_set(h: RawHandle, due: DueTime, period_ms: u32) -> Result<()> {
    if period_ms > i32::MAX as u32 {
        return Err(Error::InvalidParameter("timer period"));
    }
    timer::set(h, timer::due_to_monotonic(due), period_ms)
}
/// `CancelWaitableTimer`.
pub fn timer_cancel(h: RawHandle) -> Result<()> {
    timer::cancel(h)
}

/// `GetExitCodeProcess` (`STILL_ACTIVE` while running).
pub fn process_exit_code(h: RawHandle) -> Result<u32> {
    process::exit_code(h)
}
/// `TerminateProcess`.
pub fn process_terminate(h: RawHandle, code: u32) -> Result<()> {
    check_access(h, PROCESS_TERMINATE)?;
    process::terminate(h, code)
}
/// `GetProcessId`.
pub fn process_id(h: RawHandle) -> Result<u32> {
    let e = handles::resolve_kind(h, Kind::Process, 0)?;
    Ok(Store::get(e.obj.store)?.load(crate::objects::sw(e.obj.ix, crate::objects::st::PR_PID)))
}
/// `GetExitCodeThread` (`STILL_ACTIVE` while running).
pub fn thread_exit_code(h: RawHandle) -> Result<u32> {
    thread::exit_code(h)
}
/// `GetThreadId`.
pub fn thread_id(h: RawHandle) -> Result<u32> {
    let e = handles::resolve_kind(h, Kind::Thread, 0)?;
    Ok(Store::get(e.obj.store)?.load(crate::objects::sw(e.obj.ix, crate::objects::st::TH_TID)))
}

/// Creates a thread object for a thread the caller is about to start itself (the C ABI's
/// `CreateThread` runs C functions on its own pthreads). Returns (the creator's handle, the
/// thread's own handle); the new thread calls [`thread_started`] first and
/// [`thread_finished`] last.
pub fn thread_object_new(inherit: bool) -> Result<(RawHandle, RawHandle)> {
    let t = thread::new_object(inherit)?;
    let own = t.handle().try_clone()?.into_raw();
    Ok((t.into_handle().into_raw(), own))
}
/// Records the calling thread's id in its thread object (`own` from [`thread_object_new`]).
pub fn thread_started(own: RawHandle) -> Result<()> {
    thread::started(own)
}
/// Records `tid`, a thread of this process that is not the caller (its main thread, opened
/// by another), in the object behind `own`.
pub fn thread_started_as(own: RawHandle, tid: u32) -> Result<()> {
    thread::started_as(own, tid)
}
/// `GetProcessIdOfThread`: the process the thread behind `h` belongs to.
pub fn thread_process_id(h: RawHandle) -> Result<u32> {
    let e = handles::resolve_kind(h, Kind::Thread, 0)?;
    Ok(Store::get(e.obj.store)?.load(crate::objects::sw(e.obj.ix, crate::objects::st::TH_PID)))
}
/// Publishes a thread's exit code and closes its own handle. The first call wins, so
/// `ExitThread` followed by the wrapper's own call keeps `ExitThread`'s code.
pub fn thread_finished(own: RawHandle, code: u32) -> Result<()> {
    thread::finished(own, code)?;
    handles::close(own)
}

/// `ReadFile` on a mailslot receive handle: one message, waiting up to the slot's read
/// timeout.
#[inline]
pub fn mailslot_read(h: RawHandle, buf: &mut [u8]) -> Result<usize> {
    let n = mailslot::read_raw(h, buf)?;
    crate::readiness::after_mailslot_read();
    Ok(n)
}

/// The bit of [`mailslot_read_packed`]'s and [`mailslot_write_packed`]'s outcome that marks
/// a failure (the low 32 bits are then its Win32 code, [`Error::win32_code`]).
pub const PACKED_FAILED: u64 = mailslot::PACKED_FAILED;

/// [`mailslot_read`] for the C ABI's `ReadFile`: the same work, with the outcome in one
/// register: the bytes read, or [`PACKED_FAILED`] with the failure's Win32 code.
///
/// ```no_run
/// # fn f(h: winipc::RawHandle) {
/// let mut buf = [0u8; 64];
/// match winipc::raw::mailslot_read_packed(h, &mut buf) {
///     p if p & winipc::raw::PACKED_FAILED == 0 => println!("{p} bytes"),
///     p => println!("failed, Win32 error {}", p as u32),
/// }
/// # }
/// ```
#[inline(always)]
pub fn mailslot_read_packed(h: RawHandle, buf: &mut [u8]) -> u64 {
    mailslot::read_raw_packed(h, buf)
}

/// A raw mailslot handle resolved for one direction, for the C ABI's own cache of resolutions:
/// [`MailslotPort::read_packed`] / [`MailslotPort::write_packed`] do what
/// [`mailslot_read_packed`] / [`mailslot_write_packed`] do on its handle, without looking the
/// handle up. Valid while [`mailslot_epoch`] returns the value read before
/// [`MailslotPort::resolve`] (any mailslot handle's release, and a fork, moves it): a cache
/// keyed by handle value and that epoch never uses a closed handle's resolution, even when the
/// value is reused. Holding one keeps the slot's ring mapped.
///
/// ```no_run
/// # fn f(h: winipc::RawHandle) {
/// let epoch = winipc::raw::mailslot_epoch();
/// if let Some(port) = winipc::raw::MailslotPort::resolve(h, true) {
///     let mut buf = [0u8; 64];
///     if winipc::raw::mailslot_epoch() == epoch {
///         let _outcome = port.read_packed(&mut buf);
///     }
/// }
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct MailslotPort(mailslot::Port);

impl MailslotPort {
    /// Resolves `h` for receiving (`true`) or sending; `None` for anything but a local
    /// mailslot's handle of that direction (use [`mailslot_read_packed`] /
    /// [`mailslot_write_packed`] then: they report why).
    pub fn resolve(h: RawHandle, receive: bool) -> Option<MailslotPort> {
        mailslot::Port::resolve(h, receive).map(MailslotPort)
    }

    /// [`mailslot_read_packed`] on the resolved handle.
    #[inline(always)]
    pub fn read_packed(&self, buf: &mut [u8]) -> u64 {
        self.0.read_packed(buf)
    }

    /// [`mailslot_write_packed`] on the resolved handle.
    #[inline(always)]
    pub fn write_packed(&self, msg: &[u8]) -> u64 {
        self.0.write_packed(msg)
    }
}

/// The epoch of raw mailslot handle resolutions (see [`MailslotPort`]); read it *before*
/// resolving.
///
/// ```
/// let e = winipc::raw::mailslot_epoch();
/// assert!(winipc::raw::mailslot_epoch() >= e);
/// ```
#[inline(always)]
pub fn mailslot_epoch() -> u64 {
    mailslot::raw_epoch()
}

/// [`mailslot_read_packed`] as a `Result`: the bytes read, or the failure's Win32 code.
#[inline]
pub fn mailslot_read_win32(h: RawHandle, buf: &mut [u8]) -> std::result::Result<u32, u32> {
    let p = mailslot_read_packed(h, buf);
    if p & PACKED_FAILED == 0 {
        Ok(p as u32)
    } else {
        Err(p as u32)
    }
}

/// `WriteFile` on a mailslot send handle: one message.
#[inline]
pub fn mailslot_write(h: RawHandle, msg: &[u8]) -> Result<()> {
    mailslot::write_raw(h, msg)
}

/// [`mailslot_write`] for the C ABI's `WriteFile`, as [`mailslot_read_packed`]: 0, or
/// [`PACKED_FAILED`] with the failure's Win32 code.
#[inline(always)]
pub fn mailslot_write_packed(h: RawHandle, msg: &[u8]) -> u64 {
    mailslot::write_raw_packed(h, msg)
}

/// [`mailslot_write_packed`] as a `Result`: the failure as its Win32 code.
#[inline]
pub fn mailslot_write_win32(h: RawHandle, msg: &[u8]) -> std::result::Result<(), u32> {
    let p = mailslot_write_packed(h, msg);
    if p & PACKED_FAILED == 0 {
        Ok(())
    } else {
        Err(p as u32)
    }
}

/// `GetMailslotInfo`.
pub fn mailslot_info(h: RawHandle) -> Result<MailslotInfo> {
    mailslot::info(h)
}
/// `SetMailslotInfo`.
pub fn mailslot_set_read_timeout(h: RawHandle, ms: u32) -> Result<()> {
    mailslot::set_read_timeout(h, ms)
}
/// Whether `h` is a mailslot handle that may receive (`true`) or send (`false`).
pub fn mailslot_direction(h: RawHandle) -> Result<bool> {
    let e = handles::resolve(h)?;
    if e.kind != Kind::Mailslot {
        return Err(Error::InvalidHandle);
    }
    Ok(e.access & access::GENERIC_READ != 0)
}

/// Which store a handle value belongs to (`None` for values no handle has).
pub fn namespace_of(h: RawHandle) -> Option<Namespace> {
    handles::decode(h).map(|(store, _)| store.ns())
}

/// `MapViewOfFile` on a raw file-mapping handle: `len` bytes from `offset` (0: to the end).
pub fn map_view(
    h: RawHandle,
    how: crate::ViewAccess,
    offset: u64,
    len: usize,
) -> Result<crate::MappedView> {
    crate::section::map(h, how, offset, len)
}
