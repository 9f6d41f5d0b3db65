//! Async sleeps on futex words through io_uring (decision 0013, alternative (d)): an async
//! waiter submits one `FUTEX_WAITV` on the words a synchronous waiter would watch — its
//! objects' store `OBSERVE_SEQ`, a mailslot ring's notify word, a full slot's space word, a
//! mutex owner's liveness token — and sleeps on the ring's descriptor, registered with tokio's
//! `AsyncFd`. A signaler's `FUTEX_WAKE` completes the wait in the kernel: no bridge thread in
//! between, one thread hop as for a socket.
//!
//! Where io_uring is unavailable (`kernel.io_uring_disabled`, seccomp, an old kernel: probed
//! once per process) the async waits use the readiness bridge instead ([`crate::readiness`]).
//!
//! Rings are pooled per runtime, registered with it; a waiter takes one of its runtime's and
//! gives it back when done. A waiter dropped with its wait in flight cancels it
//! (`IORING_OP_ASYNC_CANCEL`, not awaited: its late completion carries a tag no later waiter
//! takes for its own). Every wait is bounded by a linked timeout: the 1-second backstop, a
//! timer's due time, or the short slice of a watch that cannot be woken reliably.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use tokio::io::unix::AsyncFd;
use winipc_sys::time;
use winipc_sys::uring::{FutexRing, WAITV_MAX};

use crate::error::Result;
use crate::handles::RawHandle;
use crate::objects::{self, Kind, ObjRef};
use crate::store::layout::hdr;
use crate::store::lock::DEATH_POLL_NS;
use crate::store::{Store, StoreId};
use crate::wait::{BACKSTOP_NS, External, Target};

/// Test hook: async waits use the bridge even where io_uring works.
pub(crate) static FORCE_BRIDGE: AtomicBool = AtomicBool::new(false);

/// Test hook: ring setups fail (`EMFILE`) after a successful probe.
#[cfg(any(test, feature = "test-hooks"))]
pub(crate) static FAIL_RING_SETUP: AtomicBool = AtomicBool::new(false);

/// Whether async waits sleep through io_uring in this process (probed once).
pub(crate) fn available() -> bool {
    static PROBED: OnceLock<bool> = OnceLock::new();
    // With the test hooks, `WINIPC_TEST_ASYNC_BRIDGE=1` runs a whole test binary on the
    // fallback path.
    #[cfg(any(test, feature = "test-hooks"))]
    {
        static ENV: OnceLock<bool> = OnceLock::new();
        if *ENV
            .get_or_init(|| std::env::var_os("WINIPC_TEST_ASYNC_BRIDGE").is_some_and(|v| v == "1"))
        {
            return false;
        }
    }
    !FORCE_BRIDGE.load(Ordering::Relaxed)
        && *PROBED.get_or_init(|| match winipc_sys::uring::probe() {
            Ok(()) => true,
            Err(e) => {
                tracing::debug!(
                    "io_uring futex waits unavailable ({e}): async waits use the bridge"
                );
                false
            }
        })
}

/// What an async waiter sleeps on.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    stores: Vec<StoreId>,
    objs: Vec<ObjRef>,
    ext: Vec<Arc<dyn External>>,
    /// Look again at least this often (a watch whose wake-up may be missed).
    slice_ns: Option<u64>,
}

impl Watch {
    /// The watch of an async wait on `raws` (each flagged observed, processes watched).
    pub(crate) fn for_raws(raws: &[RawHandle]) -> Result<Watch> {
        let mut w = Watch::default();
        for &h in raws {
            match crate::readiness::observed_target(h)? {
                Target::Obj(r) => {
                    if !w.stores.contains(&r.store) {
                        w.stores.push(r.store);
                    }
                    w.objs.push(r);
                }
                Target::External(e) => w.ext.push(e),
            }
        }
        Ok(w)
    }

    /// The watch of one external word (a room watch); looked at every `slice_ns` at least.
    pub(crate) fn external(e: Arc<dyn External>, slice_ns: Option<u64>) -> Watch {
        Watch {
            ext: vec![e],
            slice_ns,
            ..Watch::default()
        }
    }

    /// The words to sleep on with the values they hold now, and how long to sleep at most.
    /// Called *before* the attempt that decides to sleep: a change after these loads makes a
    /// word differ, and the wait then completes at once.
    fn snapshot(&self) -> Result<(Vec<(&AtomicU32, u32)>, u64)> {
        let mut words: Vec<(&AtomicU32, u32)> = Vec::with_capacity(self.stores.len() + 2);
        let mut limit = self.slice_ns.unwrap_or(BACKSTOP_NS).min(BACKSTOP_NS);
        for &id in &self.stores {
            let s = Store::get(id)?;
            // Announced: a change after this wakes the sleep (`store::observe`).
            let w = s.w(hdr::OBSERVE_SEQ);
            words.push((w, crate::store::observe::arm(w)));
        }
        for e in &self.ext {
            words.push(e.arm());
        }
        let now = time::monotonic_ns();
        for r in &self.objs {
            let Some(s) = Store::opened(r.store) else {
                continue;
            };
            match objects::kind_gen(s, r.ix) {
                (Some(Kind::Mutex), g) if g == r.generation => {
                    match crate::readiness::owner_death_word(*r) {
                        Ok(Some(w)) if words.len() < WAITV_MAX => words.push(w),
                        Ok(None) => {}
                        _ => limit = limit.min(DEATH_POLL_NS),
                    }
                }
                (Some(Kind::Timer), g) if g == r.generation => {
                    let due = objects::timer_due(s, r.ix);
                    if due != u64::MAX {
                        // Due already but not signaled (taken): look again soon, not at once.
                        let left = if due > now { due - now } else { 1_000_000 };
                        limit = limit.min(left);
                    }
                }
                _ => {}
            }
        }
        if words.len() > WAITV_MAX {
            words.truncate(WAITV_MAX);
            limit = limit.min(DEATH_POLL_NS);
        }
        Ok((words, limit))
    }

    /// Records this thread (the one whose task work completes the wait) as its stores'
    /// latest sleeper, so that a signaler on its CPU hands it the CPU (decision 0019).
    fn record_sleeper(&self) {
        if self.stores.is_empty() {
            return;
        }
        let hint = winipc_sys::futex::sleeper_hint();
        for &id in &self.stores {
            if let Some(s) = Store::opened(id) {
                let w = s.w(hdr::OBSERVE_SLEEPER);
                if w.load(Ordering::Relaxed) != hint {
                    w.store(hint, Ordering::Relaxed);
                }
            }
        }
    }

    fn disarm(&self) {
        for e in &self.ext {
            e.disarm();
        }
    }
}

/// How [`retry`] ended.
#[derive(Debug)]
pub(crate) enum Slept<T> {
    /// The attempt succeeded.
    Done(T),
    /// No ring could be set up or take a wait (descriptors exhausted, memory): the caller
    /// sleeps through the bridge instead. Nothing was acquired.
    Unavailable(io::Error),
}

/// Runs `attempt` (the only place anything is taken; atomic and synchronous) until it
/// succeeds, sleeping on `watch`'s words in between. Dropping the future at its `.await`
/// acquires nothing: the in-flight wait is cancelled.
pub(crate) async fn retry<T>(
    watch: &Watch,
    mut attempt: impl FnMut() -> io::Result<Option<T>>,
) -> io::Result<Slept<T>> {
    let mut sleeper: Option<Sleeper> = None;
    let mut woken = false;
    loop {
        // After a wake-up, try first: the snapshot is needed only before going back to sleep.
        if woken && let Some(v) = attempt()? {
            return Ok(Slept::Done(v));
        }
        let (words, limit) = watch.snapshot()?;
        match attempt() {
            Ok(None) => {}
            done => {
                watch.disarm();
                return done.map(|v| Slept::Done(v.expect("not None")));
            }
        }
        let s = match sleeper.as_mut() {
            Some(s) => s,
            None => match Sleeper::new() {
                Ok(s) => sleeper.insert(s),
                Err(e) => {
                    watch.disarm();
                    return Ok(Slept::Unavailable(e));
                }
            },
        };
        watch.record_sleeper();
        if let Err(e) = s.submit(&words, limit) {
            watch.disarm();
            return Ok(Slept::Unavailable(e));
        }
        let r = s.completion().await;
        watch.disarm();
        r?;
        woken = true;
    }
}

/// A pooled ring registered with the current runtime, and the wait it has in flight.
#[derive(Debug)]
struct Sleeper {
    fd: Option<(tokio::runtime::Id, AsyncFd<FutexRing>)>,
    inflight: Option<u64>,
}

/// Idle rings of this process, registered with the runtime whose id they carry (kept
/// registered, so that a wait costs no `epoll_ctl`). Runtime ids are unique in a process and
/// a `fork` child's runtimes get new ones, so a child never uses its parent's rings.
static POOL: Mutex<Vec<(tokio::runtime::Id, Vec<AsyncFd<FutexRing>>)>> = Mutex::new(Vec::new());

/// Runtimes whose idle rings are kept (the least recently used beyond are closed: a runtime
/// that was shut down leaves its rings behind), and idle rings kept per runtime.
const POOL_RUNTIMES: usize = 4;
const POOL_RINGS: usize = 16;

impl Sleeper {
    fn new() -> io::Result<Sleeper> {
        #[cfg(any(test, feature = "test-hooks"))]
        if FAIL_RING_SETUP.load(Ordering::Relaxed) {
            return Err(io::Error::from_raw_os_error(24)); // EMFILE
        }
        let rt = tokio::runtime::Handle::try_current()
            .map_err(|e| io::Error::other(e.to_string()))?
            .id();
        let pooled = {
            let mut pool = POOL.lock().unwrap_or_else(|p| p.into_inner());
            pool.iter_mut()
                .find(|(id, _)| *id == rt)
                .and_then(|(_, rings)| rings.pop())
        };
        let fd = match pooled {
            Some(fd) => fd,
            // As in `asyncio::arm_all`: the ring owns its descriptor for its whole life.
            #[allow(deprecated)]
            None => AsyncFd::with_interest(FutexRing::new()?, tokio::io::Interest::READABLE)?,
        };
        Ok(Sleeper {
            fd: Some((rt, fd)),
            inflight: None,
        })
    }

    /// Submits a wait until one of `words` is woken or differs from its value, or `limit_ns`
    /// passes.
    fn submit(&mut self, words: &[(&AtomicU32, u32)], limit_ns: u64) -> io::Result<()> {
        let (_, fd) = self.fd.as_mut().expect("a sleeper's ring");
        self.inflight = Some(fd.get_mut().submit_wait(words, limit_ns)?);
        Ok(())
    }

    /// Sleeps until the submitted wait completes.
    async fn completion(&mut self) -> io::Result<()> {
        let Sleeper { fd, inflight } = self;
        let (_, fd) = fd.as_mut().expect("a sleeper's ring");
        let tag = inflight.expect("a submitted wait");
        loop {
            let mut g = fd.readable_mut().await?;
            if let Some(res) = g.get_inner_mut().take(tag) {
                *inflight = None;
                return winipc_sys::uring::wait_result(res);
            }
            g.clear_ready();
        }
    }
}

impl Drop for Sleeper {
    fn drop(&mut self) {
        let Some((rt, mut fd)) = self.fd.take() else {
            return;
        };
        if let Some(tag) = self.inflight.take()
            && fd.get_mut().cancel(tag).is_err()
        {
            // Not cancellable now: closing the ring cancels it.
            return;
        }
        // Closed outside the lock.
        let mut closed: Vec<AsyncFd<FutexRing>> = Vec::new();
        {
            let mut pool = POOL.lock().unwrap_or_else(|p| p.into_inner());
            let mut entry = match pool.iter().position(|(id, _)| *id == rt) {
                Some(at) => pool.remove(at),
                None => (rt, Vec::new()),
            };
            if entry.1.len() < POOL_RINGS {
                entry.1.push(fd);
            } else {
                closed.push(fd);
            }
            if pool.len() >= POOL_RUNTIMES {
                closed.extend(pool.remove(0).1);
            }
            // Most recently used last.
            pool.push(entry);
        }
        drop(closed);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::{Event, EventReset, asyncio};

    /// An async wait asleep on an object's store names its thread and CPU there, which is what a
    /// signaler reads to hand over its CPU (decision 0019); the signal still wakes it.
    #[test]
    fn a_sleeping_async_wait_records_its_thread_for_the_signaler() {
        crate::__doc::isolate();
        assert!(
            available(),
            "io_uring futex waits (Linux >= 6.7, io_uring enabled)"
        );
        let ev = Event::new(EventReset::Auto, false).unwrap();
        let crate::wait::Target::Obj(r) =
            crate::readiness::observed_target(ev.handle().as_raw()).unwrap()
        else {
            panic!("an event is a store object");
        };
        let word = Store::get(r.store).unwrap().w(hdr::OBSERVE_SLEEPER);
        word.store(0, Ordering::Relaxed);
        let (tx, rx) = std::sync::mpsc::channel();
        let h = ev.handle().try_clone().unwrap();
        let waiter = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            tx.send(winipc_sys::proc::gettid()).unwrap();
            rt.block_on(async {
                tokio::time::timeout(Duration::from_secs(30), asyncio::wait_any(&[&h])).await
            })
        });
        let tid = rx.recv().unwrap();
        let t0 = std::time::Instant::now();
        while word.load(Ordering::Relaxed) == 0 {
            assert!(
                t0.elapsed() < Duration::from_secs(20),
                "the wait never slept"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        assert_eq!(word.load(Ordering::Relaxed) >> 16, tid & 0xffff);
        ev.set().unwrap();
        let got = waiter
            .join()
            .unwrap()
            .expect("woken by the signal, not the watchdog");
        assert_eq!(got.unwrap(), crate::WaitOutcome::Signaled(0));
    }
}
