//! # winipc — Win32 kernel objects, waits, handles and mailslots for Linux
//!
//! winipc gives Linux processes the Win32 IPC model: events, mutexes (with abandonment),
//! semaphores, waitable timers, process and thread objects and mailslots, shared between
//! processes by name or by handle, with `WaitForSingleObject` / `WaitForMultipleObjects`
//! semantics — wait-any (lowest signaled index wins), atomic wait-all, timeouts,
//! `WAIT_ABANDONED`.
//!
//! ```
//! # winipc::__doc::isolate();
//! use std::time::Duration;
//! use winipc::{wait_any, Event, EventReset, Semaphore, WaitOutcome};
//!
//! let ev = Event::new(EventReset::Manual, false)?;
//! let sem = Semaphore::new(1, 10)?;
//! // The semaphore (index 1) is the only signaled object: it wins.
//! assert_eq!(wait_any(&[ev.handle(), sem.handle()], Some(Duration::ZERO))?, WaitOutcome::Signaled(1));
//! ev.set()?;
//! assert_eq!(wait_any(&[ev.handle(), sem.handle()], Some(Duration::ZERO))?, WaitOutcome::Signaled(0));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Objects live in shared memory (`/dev/shm`, or `$WINIPC_DIR`), in one store per user
//! (`Local\` names and unnamed objects) and one machine-wide store (`Global\` names). See
//! `ARCHITECTURE.md` for how it works and `docs/` for the design decisions.
#![deny(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "tokio")]
pub mod asyncio;
mod boost;
mod error;
mod event;
#[doc(hidden)]
pub mod fuzz_support;
mod handles;
pub mod inspect;
mod machine_names;
mod mailslot;
mod monitor;
mod mutex;
mod names;
mod objects;
pub mod pipe;
mod process;
pub mod raw;
mod readiness;
mod reaper;
mod remote;
pub use remote::netd_socket;
mod section;
mod security;
mod semaphore;
mod store;
mod sync;
mod thread;
mod timer;
#[cfg(feature = "tokio")]
mod uring_wait;
mod wait;
mod wiring;

use std::io;
use std::time::Duration;

pub use error::{Error, code};
pub use event::{Event, EventReset};
pub use handles::{Handle, RawHandle, access};
pub use mailslot::{
    DEFAULT_QUOTA, MAILSLOT_NO_MESSAGE, MAILSLOT_WAIT_FOREVER, Mailslot, MailslotInfo,
    MailslotOptions, MailslotWriter,
};
pub use mutex::{Mutex, MutexGuard};
pub use names::{MAX_PATH, MailslotName, MailslotTarget};
pub use objects::Kind;
pub use process::{Process, STILL_ACTIVE, exit_process};
pub use readiness::Readiness;
pub use section::{ALLOCATION_GRANULARITY, FileMapping, Protection, View as MappedView};
pub use security::Security;
pub use semaphore::{MAX_SEMAPHORE_COUNT, Semaphore};
pub use store::Namespace;
pub use thread::{PANIC_EXIT_CODE, Thread};
pub use timer::{DueTime, Timer};
pub use wait::WaitOutcome;
pub use winipc_sys::view::ViewAccess;

/// Waits for one object (`WaitForSingleObject`). `None` waits forever; zero polls.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// let ev = winipc::Event::new(winipc::EventReset::Manual, true)?;
/// assert!(winipc::wait_for(ev.handle(), Some(Duration::ZERO))?.is_signaled());
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn wait_for(h: &Handle, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
    wait_raw(&[h.as_raw()], false, timeout)
}

/// Waits until any one of `handles` is signaled (`WaitForMultipleObjects`, `bWaitAll =
/// FALSE`): the lowest signaled index wins and only that object is acquired. There is no
/// 64-object limit.
pub fn wait_any(handles: &[&Handle], timeout: Option<Duration>) -> io::Result<WaitOutcome> {
    let raws: smallvec::SmallVec<[RawHandle; 8]> = handles.iter().map(|h| h.as_raw()).collect();
    wait_raw(&raws, false, timeout)
}

/// Waits until all of `handles` are signaled at the same moment, then acquires them all
/// atomically (`bWaitAll = TRUE`); on timeout nothing is changed. The same object twice is
/// [`Error::InvalidParameter`].
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{wait_all, Mutex, Semaphore, WaitOutcome};
/// let m = Mutex::new(false)?;
/// let s = Semaphore::new(0, 1)?;
/// assert_eq!(wait_all(&[m.handle(), s.handle()], Some(Duration::ZERO))?, WaitOutcome::TimedOut);
/// assert!(m.release().is_err()); // the failed wait-all did not take the mutex
/// s.release(1)?;
/// assert_eq!(wait_all(&[m.handle(), s.handle()], Some(Duration::ZERO))?, WaitOutcome::Signaled(0));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn wait_all(handles: &[&Handle], timeout: Option<Duration>) -> io::Result<WaitOutcome> {
    let raws: smallvec::SmallVec<[RawHandle; 8]> = handles.iter().map(|h| h.as_raw()).collect();
    wait_raw(&raws, true, timeout)
}

/// Waits on raw handle values (the C ABI's entry point).
pub fn wait_raw(
    handles: &[RawHandle],
    all: bool,
    timeout: Option<Duration>,
) -> io::Result<WaitOutcome> {
    // A plain loop (a `collect` into a `Result` cost more than the lookups).
    let mut targets: smallvec::SmallVec<[_; 4]> = smallvec::SmallVec::new();
    for &h in handles {
        targets.push(readiness::wait_target(h)?);
    }
    Ok(wait::wait(&targets, all, wait::deadline(timeout))?)
}

/// Chooses the directory that holds the stores and mailslot rings (default `$WINIPC_DIR`, else
/// `/dev/shm`). Only processes using the same directory see each other's objects; children
/// spawned with [`Process::spawn`] inherit it. Must be called before any object is used.
///
/// ```
/// // In a fresh process: isolate this program's objects from everyone else's.
/// let dir = std::env::temp_dir().join(format!("winipc-doc-dir-{}", std::process::id()));
/// std::fs::create_dir_all(&dir)?;
/// winipc::set_store_dir(&dir)?;
/// let _ev = winipc::Event::create("isolated", winipc::EventReset::Manual, false)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn set_store_dir(dir: impl AsRef<std::path::Path>) -> io::Result<()> {
    Ok(store::set_dir(dir.as_ref().to_path_buf())?)
}

/// The directory in use for stores and mailslot rings.
pub fn store_dir() -> &'static std::path::Path {
    store::dir()
}

/// Closes a raw handle (`CloseHandle`). Closing twice fails with [`Error::InvalidHandle`].
pub fn close_handle(h: RawHandle) -> io::Result<()> {
    Ok(handles::close(h)?)
}

/// The README's examples, compiled and run as doctests (each in a private store directory:
/// build.rs adds the hidden isolation line to a copy of the README).
#[doc = include_str!(concat!(env!("OUT_DIR"), "/README.doctest.md"))]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[cfg(test)]
mod readme_tests {
    /// Every README Rust example runs isolated, and the README itself shows no test hook.
    #[test]
    fn readme_doctests_are_isolated_and_the_readme_is_clean() {
        let doctest = include_str!(concat!(env!("OUT_DIR"), "/README.doctest.md"));
        let readme = include_str!("../../../README.md");
        let blocks = readme.matches("```rust").count();
        assert!(blocks >= 1, "the README has no Rust example");
        assert_eq!(
            doctest.matches("# winipc::__doc::isolate();").count(),
            blocks
        );
        assert!(!readme.contains("__doc"), "the README shows a test hook");
    }
}

#[doc(hidden)]
/// The store file's layout (word offsets and capacities), for the test and fuzz suites that
/// attack store images directly: the one definition they share with the core.
#[doc(hidden)]
pub mod store_layout {
    pub use crate::store::layout::*;

    /// The calling user's public store file in a store directory chosen with
    /// `WINIPC_DIR`/[`crate::set_store_dir`] (`dir`), for suites that run processes there.
    pub fn public_store_in(dir: &std::path::Path) -> std::path::PathBuf {
        let uid = winipc_sys::proc::geteuid();
        dir.join(format!("winipc-{uid}.private"))
            .join(format!("winipc-public-{uid}.v{VERSION}.store"))
    }

    /// The calling user's public store file (where its `Global\` objects opened to everyone
    /// live), in its private directory.
    pub fn public_store_path() -> std::io::Result<std::path::PathBuf> {
        let id = crate::store::StoreId::PUBLIC;
        Ok(crate::store::Store::dir_of(id)
            .map_err(std::io::Error::from)?
            .join(crate::store::Store::file_name(id)))
    }
}

pub mod __doc {
    //! Internal items exposed for doctests only, and the test hooks (feature `test-hooks`,
    //! which the crate's own tests enable through a dev-dependency on the crate itself; a
    //! library built without it has none of them).
    /// Parses an object name into (namespace, name).
    pub fn parse_object_name(s: &str) -> Result<(crate::Namespace, String), crate::Error> {
        crate::names::parse_object_name(s).map(|n| (n.ns, n.name))
    }

    /// Test hook: async waits (`asyncio`) sleep through this process's readiness bridge
    /// thread, as where io_uring is unavailable (`true`), or through io_uring where it works
    /// (`false`, the default).
    #[cfg(all(feature = "tokio", any(test, feature = "test-hooks")))]
    pub fn async_waits_use_bridge(on: bool) {
        crate::uring_wait::FORCE_BRIDGE.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Test hook: setting up an io_uring for an async wait fails (`true`), as when descriptors
    /// run out after io_uring was found to work: the wait then sleeps through the bridge.
    #[cfg(all(feature = "tokio", any(test, feature = "test-hooks")))]
    pub fn fail_async_ring_setup(on: bool) {
        crate::uring_wait::FAIL_RING_SETUP.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether async waits sleep through io_uring in this process (probed once; `false`
    /// where io_uring is disabled or refuses futex waits, or after
    /// [`async_waits_use_bridge`]`(true)`).
    #[cfg(all(feature = "tokio", any(test, feature = "test-hooks")))]
    pub fn async_waits_use_io_uring() -> bool {
        crate::uring_wait::available()
    }

    /// Test hook: the next transaction that changes anything stops forever just before its
    /// commit, holding its store's lock (for crash-recovery tests).
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn stall_in_next_transaction() {
        crate::store::lock::hooks::STALL_BEFORE_COMMIT
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Test hook: queues `msg` on a local mailslot but skips waking its receiver, as a writer
    /// killed between publishing and waking would.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn send_killed_before_wake(w: &crate::MailslotWriter, msg: &[u8]) -> std::io::Result<()> {
        crate::mailslot::send_killed_before_wake(w, msg).map_err(Into::into)
    }

    /// Test hook: sends `msg` on a local mailslot (without blocking on a full slot), running
    /// `stall` after its record is reserved and before it is published, as a writer stopped
    /// mid-write (SIGSTOP, a debugger) would.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn send_stalled_mid_write(
        w: &crate::MailslotWriter,
        msg: &[u8],
        stall: impl FnOnce(),
    ) -> std::io::Result<()> {
        crate::mailslot::send_stalled_mid_write(w, msg, stall).map_err(Into::into)
    }

    /// Test hook: takes the mailslot's reader lock and consumes its next message up to `stage`
    /// (see `winipc_ring::Ring::simulate_crashed_recv`), then returns holding the lock, as a
    /// receiver killed mid-read would leave it. Returns whether a message was at the head.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn stop_mid_recv(m: &crate::Mailslot, stage: u8) -> std::io::Result<bool> {
        crate::mailslot::stop_mid_recv(m, stage).map_err(Into::into)
    }

    /// Writes `ms` into the read-timeout word of the slot's ring header, as any sender (who
    /// may write the ring file) could.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn forge_ring_read_timeout(m: &crate::Mailslot, ms: u32) {
        crate::mailslot::forge_ring_read_timeout(m, ms)
    }

    /// Test hook: the next transaction that changes anything pauses `ms` just before its
    /// commit, holding its store's lock (prints `@@paused` first).
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn pause_in_next_transaction(ms: u64) {
        crate::store::lock::hooks::PAUSE_BEFORE_COMMIT_MS
            .store(ms, std::sync::atomic::Ordering::Relaxed);
    }

    /// Test hook: the next transaction that wakes waiters publishes their results but skips
    /// the wake-ups, as a waker killed just after unlocking the store would.
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn lose_next_wakes() {
        crate::store::lock::hooks::LOSE_NEXT_WAKES
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Test hook: moves the name of `h`'s object into another bucket of the store's name
    /// index (a corrupt index, as a past bug left it).
    #[cfg(any(test, feature = "test-hooks"))]
    pub fn mislink_name(h: &crate::Handle) -> std::io::Result<()> {
        Ok(crate::handles::with_entry(h.as_raw(), |g, _, _, e| {
            crate::store::names::mislink(g, e.obj.ix)
        })?)
    }

    /// Gives a doctest process a private store directory.
    pub fn isolate() {
        let dir = std::env::temp_dir().join(format!("winipc-doc-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let _ = crate::set_store_dir(&dir);
    }
}
