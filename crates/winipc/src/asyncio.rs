//! Async waits for tokio (feature `tokio`, off by default).
//!
//! A waiting task sleeps on the objects' futex words through io_uring (`FUTEX_WAITV` on a
//! ring registered with [`tokio::io::unix::AsyncFd`]; Linux ≥ 6.7): a signaler's wake
//! completes the wait in the kernel, with no helper thread in between. Where io_uring is
//! unavailable (disabled by `kernel.io_uring_disabled` or seccomp, an older kernel; probed
//! once per process, see [`sleeps_through_io_uring`]) it sleeps on [`Readiness`] descriptors
//! kept by the process's readiness bridge thread instead. Both behave the same.
//!
//! Every future here acquires only inside a zero-timeout wait, which is atomic and
//! synchronous: dropping a future at any `.await` acquires nothing and loses no message
//! (cancellation-safe, so `tokio::select!` and `tokio::time::timeout` may drop them freely).
//! Between attempts the task sleeps on its objects' readiness edges; nothing polls.
//!
//! ```
//! # winipc::__doc::isolate();
//! use winipc::{Event, EventReset, asyncio};
//! let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
//! let ev = Event::new(EventReset::Auto, false)?;
//! let h = ev.handle().try_clone()?;
//! std::thread::spawn(move || {
//!     std::thread::sleep(std::time::Duration::from_millis(20));
//!     winipc::raw::event_set(h.as_raw()).unwrap();
//! });
//! let got = rt.block_on(asyncio::wait_any(&[ev.handle()]))?;
//! assert_eq!(got, winipc::WaitOutcome::Signaled(0));
//! # Ok::<(), std::io::Error>(())
//! ```

use std::future::poll_fn;
use std::io;
use std::task::Poll;
use std::time::Duration;

use tokio::io::unix::AsyncFd;

use crate::error::Error;
use crate::handles::{Handle, RawHandle};
use crate::mailslot::RoomWatch;
use crate::readiness::Readiness;
use crate::uring_wait;
use crate::wait::WaitOutcome;
use crate::{Mailslot, MailslotWriter, Process};

/// Whether async waits in this process sleep on their futex words through io_uring (Linux ≥
/// 6.7 with io_uring enabled; probed once per process), rather than through the readiness
/// bridge thread. Either way they behave the same; the io_uring path wakes a task with one
/// thread hop fewer.
///
/// ```
/// let _direct = winipc::asyncio::sleeps_through_io_uring();
/// ```
pub fn sleeps_through_io_uring() -> bool {
    uring_wait::available()
}

/// One object's readiness, registered with the runtime.
struct Armed {
    fd: AsyncFd<Readiness>,
}

fn arm_all(raws: &[RawHandle]) -> io::Result<Vec<Armed>> {
    raws.iter()
        .map(|&h| {
            let r = Readiness::for_raw(h)?;
            // `with_interest` is deprecated since tokio 1.54 in favour of the `unsafe`
            // `register_with_interest`, whose contract — the descriptor stays open and the
            // same for the `AsyncFd`'s life — a `Readiness` meets by construction: it owns its
            // descriptor (an `OwnedFd` never replaced) and `as_raw_fd` always returns it. The
            // safe call keeps this crate free of `unsafe`.
            #[allow(deprecated)]
            let fd = AsyncFd::with_interest(r, tokio::io::Interest::READABLE)?;
            Ok(Armed { fd })
        })
        .collect()
}

/// The loop every async operation runs: `attempt` (the only place anything is taken; atomic
/// and synchronous) until it succeeds, sleeping in between on the readiness of the objects
/// `which` selects (registered on the first failure). A readiness after which `attempt` still
/// fails is stale (the descriptor still readable although the object was taken): it is
/// cleared — tokio clears only what it reported, so a newer edge survives — and the bridge is
/// asked for a new edge.
async fn retry<T>(
    raws: &[RawHandle],
    which: impl Fn(&[Armed]) -> Vec<bool>,
    mut attempt: impl FnMut() -> io::Result<Option<T>>,
) -> io::Result<T> {
    if let Some(v) = attempt()? {
        return Ok(v);
    }
    // Registered after the first try: a signaled object costs no registration. The try is
    // repeated before sleeping, so a signal in between is not missed.
    let armed = arm_all(raws)?;
    loop {
        if let Some(v) = attempt()? {
            return Ok(v);
        }
        let selected = which(&armed);
        if !selected.iter().any(|&w| w) {
            // Everything looked signaled but the attempt failed: a race with another taker.
            tokio::task::yield_now().await;
            continue;
        }
        let got = poll_fn(|cx| {
            for (a, _) in armed.iter().zip(&selected).filter(|(_, w)| **w) {
                loop {
                    match a.fd.poll_read_ready(cx) {
                        Poll::Pending => break,
                        Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                        Poll::Ready(Ok(mut guard)) => match attempt() {
                            Ok(None) => {
                                guard.clear_ready();
                                a.fd.get_ref().rearm();
                            }
                            done => return Poll::Ready(done),
                        },
                    }
                }
            }
            Poll::Pending
        })
        .await?;
        if let Some(v) = got {
            return Ok(v);
        }
    }
}

async fn wait_raw(raws: &[RawHandle], all: bool) -> io::Result<WaitOutcome> {
    let attempt = || match crate::wait_raw(raws, all, Some(Duration::ZERO))? {
        WaitOutcome::TimedOut => Ok(None),
        done => Ok(Some(done)),
    };
    // Wait-any: any change helps. Wait-all: only the objects not signaled now matter (a
    // signaled one readable forever must not spin the loop).
    let which = |armed: &[Armed]| {
        armed
            .iter()
            .map(|x| !all || !x.fd.get_ref().is_signaled())
            .collect()
    };
    uring_retry(raws, which, attempt).await
}

/// [`retry`] sleeping through io_uring on the objects' words (no bridge thread) where it
/// works, through the bridge where not.
async fn uring_retry<T>(
    raws: &[RawHandle],
    which: impl Fn(&[Armed]) -> Vec<bool>,
    mut attempt: impl FnMut() -> io::Result<Option<T>>,
) -> io::Result<T> {
    if uring_wait::available() {
        if let Some(v) = attempt()? {
            return Ok(v);
        }
        let watch = uring_wait::Watch::for_raws(raws)?;
        match uring_wait::retry(&watch, &mut attempt).await? {
            uring_wait::Slept::Done(v) => return Ok(v),
            uring_wait::Slept::Unavailable(e) => {
                tracing::debug!("no io_uring for an async wait ({e}): through the bridge");
            }
        }
    }
    retry(raws, which, attempt).await
}

/// Waits until one of `handles` is signaled and acquires it (the lowest signaled index wins),
/// as [`crate::wait_any`] without a timeout; wrap it in `tokio::time::timeout` for one.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{Event, EventReset, Semaphore, WaitOutcome, asyncio};
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let (ev, sem) = (Event::new(EventReset::Auto, false)?, Semaphore::new(1, 1)?);
/// let got = rt.block_on(asyncio::wait_any(&[ev.handle(), sem.handle()]))?;
/// assert_eq!(got, WaitOutcome::Signaled(1));
/// // Nothing signaled: a timeout drops the wait, which takes nothing.
/// let late = rt.block_on(async {
///     tokio::time::timeout(Duration::from_millis(20), asyncio::wait_any(&[ev.handle()])).await
/// });
/// assert!(late.is_err());
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn wait_any(handles: &[&Handle]) -> io::Result<WaitOutcome> {
    let raws: Vec<RawHandle> = handles.iter().map(|h| h.as_raw()).collect();
    wait_raw(&raws, false).await
}

/// Waits until all of `handles` are signaled at once and acquires them atomically, as
/// [`crate::wait_all`].
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::{Event, EventReset, Mutex, WaitOutcome, asyncio};
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let (m, ev) = (Mutex::new(false)?, Event::new(EventReset::Manual, true)?);
/// let got = rt.block_on(asyncio::wait_all(&[m.handle(), ev.handle()]))?;
/// assert_eq!(got, WaitOutcome::Signaled(0));
/// m.release()?; // owned by the wait-all
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn wait_all(handles: &[&Handle]) -> io::Result<WaitOutcome> {
    let raws: Vec<RawHandle> = handles.iter().map(|h| h.as_raw()).collect();
    wait_raw(&raws, true).await
}

/// Waits for `p` to exit and returns its exit code.
///
/// ```
/// # winipc::__doc::isolate();
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let mut cmd = std::process::Command::new("sh");
/// cmd.args(["-c", "exit 7"]);
/// let p = winipc::Process::spawn(cmd, false)?;
/// assert_eq!(rt.block_on(winipc::asyncio::process_exit(&p))?, 7);
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn process_exit(p: &Process) -> io::Result<u32> {
    wait_raw(&[p.handle().as_raw()], false).await?;
    p.exit_code()
}

fn timed_out(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::TimedOut
}

/// Receives the next message into `buf` (as [`Mailslot::recv`], without its read timeout).
/// A message is taken only in the poll that returns it.
///
/// ```
/// # winipc::__doc::isolate();
/// use winipc::{Mailslot, MailslotWriter, asyncio};
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let name = format!(r"\\.\mailslot\doc_async_{}", std::process::id());
/// let slot = Mailslot::create(&name, 0, 0)?;
/// let mut w = MailslotWriter::open(&name)?;
/// rt.block_on(asyncio::send(&mut w, b"hi"))?;
/// let mut buf = [0u8; 16];
/// let n = rt.block_on(asyncio::recv(&slot, &mut buf))?;
/// assert_eq!(&buf[..n], b"hi");
/// w.send(b"again")?;
/// assert_eq!(rt.block_on(asyncio::recv_vec(&slot))?, b"again");
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn recv(slot: &Mailslot, buf: &mut [u8]) -> io::Result<usize> {
    let raws = [slot.handle().as_raw()];
    let attempt = || match slot.recv_timeout(buf, Some(Duration::ZERO)) {
        Err(e) if timed_out(&e) => Ok(None),
        r => r.map(Some),
    };
    uring_retry(&raws, |_| vec![true], attempt).await
}

/// Receives the next message into a new vector of its exact size.
pub async fn recv_vec(slot: &Mailslot) -> io::Result<Vec<u8>> {
    let raws = [slot.handle().as_raw()];
    let attempt = || {
        let Some(next) = slot.info()?.next_size else {
            return Ok(None);
        };
        let mut buf = vec![0u8; next as usize];
        match slot.recv_timeout(&mut buf, Some(Duration::ZERO)) {
            Ok(n) => {
                buf.truncate(n);
                Ok(Some(buf))
            }
            // Taken by another reader, or a bigger message arrived first: look again.
            Err(e)
                if timed_out(&e)
                    || matches!(Error::from_io(&e), Some(Error::InsufficientBuffer { .. })) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    };
    uring_retry(&raws, |_| vec![true], attempt).await
}

/// Sends one message. A send waits only when the slot's quota is full: it then announces
/// itself to the slot's reader, which wakes it (through io_uring, or this process's readiness
/// bridge) after each message it consumes, and tries again — no polling. Dropping the future never
/// leaves half a message and never sends after the drop. The writer's write timeout is
/// `None` afterwards.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::time::Duration;
/// use winipc::{Mailslot, MailslotOptions, MailslotWriter, asyncio};
/// let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
/// let name = format!(r"\\.\mailslot\doc_async_full_{}", std::process::id());
/// let opts = MailslotOptions { quota: 4096, ..Default::default() };
/// let slot = Mailslot::create_with(&name, opts)?;
/// let mut w = MailslotWriter::open(&name)?;
/// let big = vec![7u8; 1000];
/// w.set_write_timeout(Some(Duration::ZERO));
/// while w.send(&big).is_ok() {} // fill the quota
/// let reader = std::thread::spawn(move || {
///     std::thread::sleep(Duration::from_millis(50));
///     (slot.recv_vec(), slot) // makes room (and keeps the slot open)
/// });
/// rt.block_on(asyncio::send(&mut w, &big))?; // sleeps until the reader consumed one
/// assert_eq!(reader.join().unwrap().0?.len(), 1000);
/// # Ok::<(), std::io::Error>(())
/// ```
pub async fn send(w: &mut MailslotWriter, msg: &[u8]) -> io::Result<()> {
    // One attempt that never blocks, and reports whether the slot was full.
    let attempt = |w: &mut MailslotWriter| {
        w.set_write_timeout(Some(Duration::ZERO));
        let r = w.send(msg);
        w.set_write_timeout(None);
        match r {
            Err(e) if matches!(Error::from_io(&e), Some(Error::MailslotFull)) => None,
            r => Some(r),
        }
    };
    loop {
        if let Some(r) = attempt(w) {
            return r;
        }
        // Full: announce a waiter, then try again (a consumption between the two tries is
        // seen either by the reader, which then bumps the word, or by the second try).
        let Some(room) = RoomWatch::announce(w) else {
            return Err(Error::MailslotFull.into()); // a remote writer's queue is not ours
        };
        if let Some(r) = attempt(w) {
            return r;
        }
        let fenced = room.fenced;
        let room = std::sync::Arc::new(room);
        if uring_wait::available() {
            // Without a heavy fence a consumption may pass unseen: look again soon.
            let slice = (!fenced).then_some(UNFENCED_SLICE.as_nanos() as u64);
            let watch = uring_wait::Watch::external(room.clone(), slice);
            let mut first = true;
            // One sleep (a wake, a changed word or the slice), then the outer loop tries.
            let slept = uring_wait::retry(&watch, || {
                let again = !std::mem::replace(&mut first, false);
                Ok(again.then_some(()))
            })
            .await?;
            if let uring_wait::Slept::Done(()) = slept {
                continue;
            }
        }
        let ready = Readiness::for_external(room)?;
        #[allow(deprecated)] // as in `arm_all`
        let fd = AsyncFd::with_interest(ready, tokio::io::Interest::READABLE)?;
        if fenced {
            drop(fd.readable().await?);
        } else {
            // Without a heavy fence a consumption may pass unseen: look again soon.
            let _ = tokio::time::timeout(UNFENCED_SLICE, fd.readable()).await;
        }
    }
}

/// How long an async send waiting for room sleeps at a time when its announcement could not
/// be fenced (no `membarrier`), as the ring's own blocked writers do.
const UNFENCED_SLICE: Duration = Duration::from_millis(1);
