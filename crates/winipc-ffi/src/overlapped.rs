//! Overlapped I/O: the engine that completes `ReadFile`/`WriteFile`/`ConnectNamedPipe` on
//! handles opened with `FILE_FLAG_OVERLAPPED`, and `GetOverlappedResult(Ex)`, `CancelIo(Ex)`,
//! `ReadFileEx`/`WriteFileEx` (decision 0012).
//!
//! An operation is a *non-blocking attempt* (a closure over the caller's buffer) queued on its
//! handle's read or write side. The issuing thread makes the first attempt itself: if it
//! completes, the call returns at once (and still signals the event, posts the packet or queues
//! the completion routine, as Windows does). Otherwise the operation waits for its descriptor's
//! readiness, which one per-process I/O thread watches with epoll; when the descriptor is ready
//! that thread attempts the queue's head again, and on completion fills `OVERLAPPED.Internal`
//! (the NTSTATUS) and `InternalHigh` (bytes), wakes `GetOverlappedResult` (a futex on
//! `Internal`), sets `hEvent`, and posts to the handle's completion port (unless bit 0 of
//! `hEvent` is set) or queues the completion routine to the issuing thread as an APC.
//!
//! Transfers on handles without `FILE_FLAG_OVERLAPPED` (mailslots, anonymous pipes, files
//! opened without it) are synchronous: [`complete_sync`] gives them the same `OVERLAPPED`
//! results and notifications once the transfer is done.

use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use winipc_core::raw;

use crate::apc::{IoRoutine, Waited, sleep_until};
use crate::handle::{H, classify};
use crate::iocp::{Packet, Port};
use crate::util::*;

pub(crate) const ERROR_IO_PENDING: u32 = 997;
pub(crate) const ERROR_OPERATION_ABORTED: u32 = 995;
pub(crate) const ERROR_NOT_FOUND: u32 = 1168;
pub(crate) const ERROR_HANDLE_EOF: u32 = 38;
pub(crate) const WAIT_TIMEOUT: u32 = 258;
pub(crate) const WAIT_IO_COMPLETION: u32 = 0xC0;
const INFINITE: DWORD = u32::MAX;

/// How an operation ended: the NTSTATUS `OVERLAPPED.Internal` receives and the byte count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub status: usize,
    pub bytes: usize,
}

impl Outcome {
    pub(crate) fn ok(bytes: usize) -> Outcome {
        Outcome {
            status: STATUS_SUCCESS,
            bytes,
        }
    }
    pub(crate) fn err(win32: u32) -> Outcome {
        Outcome {
            status: ntstatus_of(win32),
            bytes: 0,
        }
    }
    /// The outcome of a transfer result.
    pub(crate) fn of(r: R<usize>) -> Outcome {
        match r {
            Ok(n) => Outcome::ok(n),
            Err(Fail(code)) => Outcome::err(code),
        }
    }
    /// An error status (not success, not a warning such as `STATUS_BUFFER_OVERFLOW`).
    pub(crate) fn is_error(self) -> bool {
        self.status as u32 & 0xC000_0000 == 0xC000_0000
    }
    /// The Win32 code of the status (0 for success).
    pub(crate) fn win32(self) -> u32 {
        win32_of_ntstatus(self.status)
    }
}

/// One non-blocking attempt of an operation.
pub(crate) enum Attempt {
    Done(Outcome),
    /// Not possible yet: try again when descriptor `.0` reports epoll events `.1`.
    Wait(i32, u32),
}

pub(crate) const IN: u32 = libc::EPOLLIN as u32;
pub(crate) const OUT: u32 = libc::EPOLLOUT as u32;

/// The queue an operation waits in: reads (and pipe connections) in one, writes in the
/// other, each completed in issue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Read,
    Write,
}

/// What a handle in overlapped mode does: `FILE_FLAG_OVERLAPPED` descriptors and named-pipe
/// ends implement it.
pub(crate) trait Target: Send + Sync {
    /// One attempt to read into `buf` (`len` bytes; the caller keeps it valid until the
    /// operation completes) at `offset` (files only).
    fn read(&self, buf: usize, len: usize, offset: u64) -> Attempt;
    /// One attempt to write `buf[done..len]`; returns the new `done` through `Wait`/`Done`
    /// (a partial write waits for room and goes on from there).
    fn write(&self, buf: usize, len: usize, offset: u64, done: &mut usize) -> Attempt;
}

type AttemptFn = Box<dyn FnMut() -> Attempt + Send>;

/// How a completion is announced.
#[derive(Clone, Copy)]
enum Notify {
    /// `ReadFile`/`WriteFile`/`ConnectNamedPipe`: the event (read at issue time: the
    /// OVERLAPPED may be freed the moment `Internal` is written), and whether the packet may
    /// go to the completion port (bit 0 of `hEvent` clear).
    Event {
        event: Option<winipc_core::RawHandle>,
        post: bool,
    },
    /// `ReadFileEx`/`WriteFileEx`: the completion routine, queued to the issuing thread.
    Routine(IoRoutine),
}

struct Op {
    ov: usize,
    tid: u32,
    notify: Notify,
    attempt: AttemptFn,
    /// Where the head of a queue waits (`None` behind the head, or not attempted yet).
    waiting: Option<(i32, u32)>,
}

/// A finished operation, announced after the handle's lock is released.
struct Completion {
    ov: usize,
    outcome: Outcome,
    notify: Notify,
    tid: u32,
    port: Option<(Arc<Port>, usize)>,
    /// The handle's file-object word to signal (an operation without an event of its own).
    file: Option<Arc<AtomicU32>>,
}

/// The overlapped-I/O state of one handle: its queues, port, overlapped-mode target and epoll
/// registration, behind the handle's own lock (so that two handles never contend, and the
/// I/O thread completing one does not stall a thread issuing on another).
#[derive(Default)]
struct State {
    read: VecDeque<Op>,
    write: VecDeque<Op>,
    port: Option<(Arc<Port>, usize)>,
    target: Option<Arc<dyn Target>>,
    /// The descriptor in the epoll set for this handle (`EPOLLONESHOT`, reported with the
    /// handle key) and the events armed, 0 once an event disarmed it. It stays in the set
    /// until the handle is closed, so waiting again costs one `EPOLL_CTL_MOD`.
    reg: Option<(i32, u32)>,
    /// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` (`SetFileCompletionNotificationModes`): an
    /// operation that completes at once posts no packet.
    skip_port_on_success: bool,
    /// The handle's own signaled state, as Windows keeps one in every file object: 0 =
    /// signaled, 1 = reset, 2 = reset with waiters. Every operation started resets it; one
    /// completing without an event of its own (`hEvent` NULL, `ReadFileEx`/`WriteFileEx`) sets
    /// it, and wakes its waiters (a futex on this word) if there are any.
    /// `WaitForSingleObject` on a named-pipe handle in overlapped mode waits for it.
    file_busy: Arc<AtomicU32>,
}

/// The file-object word (`busy`) a completion of `notify` signals, if it has no event of its
/// own.
fn file_signal(busy: &Arc<AtomicU32>, notify: &Notify) -> Option<Arc<AtomicU32>> {
    match notify {
        Notify::Event { event: None, .. } | Notify::Routine(_) => Some(busy.clone()),
        Notify::Event { .. } => None,
    }
}

struct HandleIo {
    key: usize,
    state: Mutex<State>,
}

impl HandleIo {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    fn queue(&mut self, side: Side) -> &mut VecDeque<Op> {
        match side {
            Side::Read => &mut self.read,
            Side::Write => &mut self.write,
        }
    }
}

/// Handles with overlapped-I/O state, by handle key. Held only to look a handle up.
static HANDLES: Mutex<Option<HashMap<usize, Arc<HandleIo>>>> = Mutex::new(None);
/// How many handles have state: ReadFile/WriteFile skip the lookup while there are none.
static COUNT: AtomicUsize = AtomicUsize::new(0);

fn handles() -> MutexGuard<'static, Option<HashMap<usize, Arc<HandleIo>>>> {
    HANDLES.lock().unwrap_or_else(|e| e.into_inner())
}

fn lookup(hkey: usize) -> Option<Arc<HandleIo>> {
    if COUNT.load(Ordering::Acquire) == 0 {
        return None;
    }
    handles().as_ref().and_then(|m| m.get(&hkey).cloned())
}

fn get_or_create(hkey: usize) -> Arc<HandleIo> {
    let mut g = handles();
    let m = g.get_or_insert_with(HashMap::new);
    m.entry(hkey)
        .or_insert_with(|| {
            COUNT.fetch_add(1, Ordering::AcqRel);
            Arc::new(HandleIo {
                key: hkey,
                state: Mutex::new(State::default()),
            })
        })
        .clone()
}

/// The key of a handle value in the engine's tables (tag bits ignored).
pub(crate) fn key_of(h: HANDLE) -> usize {
    h as usize & !3
}

// ---- epoll, in three audited calls -----------------------------------------------------------

mod ep {
    use std::io;

    pub(super) fn create() -> io::Result<i32> {
        // SAFETY: epoll_create1 takes no pointers.
        let fd = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(fd)
    }

    /// `EPOLL_CTL_ADD`/`MOD`/`DEL` of `fd`, reported with `data`.
    pub(super) fn ctl(ep: i32, op: i32, fd: i32, events: u32, data: usize) -> io::Result<()> {
        let mut ev = libc::epoll_event {
            events,
            u64: data as u64,
        };
        // SAFETY: `ev` is a valid epoll_event for the duration of the call.
        if unsafe { libc::epoll_ctl(ep, op, fd, &mut ev) } < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// Waits for events; fills `out` with (data, events).
    pub(super) fn wait(ep: i32, out: &mut Vec<(u64, u32)>) -> io::Result<()> {
        let mut evs = [libc::epoll_event { events: 0, u64: 0 }; 64];
        // SAFETY: `evs` is valid for 64 events.
        let n = unsafe { libc::epoll_wait(ep, evs.as_mut_ptr(), 64, -1) };
        if n < 0 {
            let e = io::Error::last_os_error();
            return if e.kind() == io::ErrorKind::Interrupted {
                Ok(())
            } else {
                Err(e)
            };
        }
        out.extend(evs[..n as usize].iter().map(|e| (e.u64, e.events)));
        Ok(())
    }
}

/// The I/O thread's epoll descriptor (the thread is started with it).
fn epoll_fd() -> R<i32> {
    static EP: OnceLock<Result<i32, u32>> = OnceLock::new();
    let r = EP.get_or_init(|| {
        let ep = ep::create().map_err(|e| Fail::from(e).0)?;
        std::thread::Builder::new()
            .name("winipc-io".into())
            .spawn(move || io_thread(ep))
            .map_err(|e| Fail::from(e).0)?;
        Ok(ep)
    });
    r.map_err(Fail)
}

fn io_thread(ep: i32) {
    let mut ready = Vec::new();
    loop {
        ready.clear();
        if ep::wait(ep, &mut ready).is_err() {
            std::thread::sleep(std::time::Duration::from_millis(10));
            continue;
        }
        for &(key, _) in &ready {
            let Some(hio) = lookup(key as usize) else {
                continue;
            };
            let mut done = Vec::new();
            {
                let mut st = hio.lock();
                if let Some((_, armed)) = st.reg.as_mut() {
                    *armed = 0; // EPOLLONESHOT disarmed it
                }
                drain(&mut st, Side::Read, &mut done);
                drain(&mut st, Side::Write, &mut done);
                arm(&hio, &mut st, &mut done);
            }
            for c in done {
                deliver(c);
            }
        }
    }
}

/// Attempts the head of a queue (and the ones after it) until one must wait.
fn drain(st: &mut State, side: Side, done: &mut Vec<Completion>) {
    let port = st.port.clone();
    let busy = st.file_busy.clone();
    let q = st.queue(side);
    while let Some(op) = q.front_mut() {
        match (op.attempt)() {
            Attempt::Wait(fd, ev) => {
                op.waiting = Some((fd, ev));
                break;
            }
            Attempt::Done(outcome) => {
                let op = q.pop_front().expect("front");
                let file = file_signal(&busy, &op.notify);
                done.push(Completion {
                    ov: op.ov,
                    outcome,
                    notify: op.notify,
                    tid: op.tid,
                    port: port.clone(),
                    file,
                });
            }
        }
    }
}

/// Arms epoll for what the queues' heads wait on. A descriptor epoll refuses fails the
/// operations waiting on it.
fn arm(hio: &HandleIo, st: &mut State, done: &mut Vec<Completion>) {
    let mut want: Option<(i32, u32)> = None;
    for q in [&st.read, &st.write] {
        if let Some((fd, ev)) = q.front().and_then(|op| op.waiting) {
            want = Some(match want {
                Some((f, e)) if f == fd => (f, e | ev),
                Some(w) => w, // both sides wait on one descriptor in practice
                None => (fd, ev),
            });
        }
    }
    let Some((fd, ev)) = want else {
        return;
    };
    let flags = ev | libc::EPOLLONESHOT as u32;
    // Re-armed even when the record says it is armed: the descriptor may have been closed and
    // its number reused since (a pipe server's data descriptor changes with each connection),
    // and one EPOLL_CTL_MOD is what a waiting operation costs anyway.
    let r = match st.reg {
        Some((f, _)) if f == fd => epoll_fd().and_then(|ep| {
            // ENOENT: the descriptor was closed behind winipc's back and its number reused.
            ep::ctl(ep, libc::EPOLL_CTL_MOD, fd, flags, hio.key)
                .or_else(|err| match err.raw_os_error() {
                    Some(libc::ENOENT) => ep::ctl(ep, libc::EPOLL_CTL_ADD, fd, flags, hio.key),
                    _ => Err(err),
                })
                .map_err(Fail::from)
        }),
        old => epoll_fd().and_then(|ep| {
            if let Some((f, _)) = old {
                let _ = ep::ctl(ep, libc::EPOLL_CTL_DEL, f, 0, 0);
            }
            st.reg = None;
            ep::ctl(ep, libc::EPOLL_CTL_ADD, fd, flags, hio.key).map_err(Fail::from)
        }),
    };
    match r {
        Ok(()) => st.reg = Some((fd, ev)),
        Err(Fail(code)) => {
            let port = st.port.clone();
            let busy = st.file_busy.clone();
            for side in [Side::Read, Side::Write] {
                let q = st.queue(side);
                if q.front()
                    .and_then(|op| op.waiting)
                    .is_some_and(|(f, _)| f == fd)
                {
                    for op in q.drain(..) {
                        done.push(Completion {
                            ov: op.ov,
                            outcome: Outcome::err(code),
                            file: file_signal(&busy, &op.notify),
                            notify: op.notify,
                            tid: op.tid,
                            port: port.clone(),
                        });
                    }
                }
            }
        }
    }
}

/// The `Internal` word of the OVERLAPPED at `ov`.
///
/// # Safety
/// `ov` points to a live OVERLAPPED.
unsafe fn internal<'a>(ov: usize) -> &'a AtomicUsize {
    // SAFETY: the caller's contract; `Internal` is a naturally aligned usize.
    unsafe { AtomicUsize::from_ptr(&raw mut (*(ov as *mut OVERLAPPED)).Internal) }
}

/// Writes an outcome into the OVERLAPPED at `ov` (`InternalHigh` first, then `Internal`,
/// which is what `HasOverlappedIoCompleted` and `GetOverlappedResult` look at), and wakes a
/// `GetOverlappedResult` sleeping on it.
///
/// # Safety
/// `ov` points to a live OVERLAPPED; it is not touched after `Internal` is written (the
/// application may free it as soon as it sees the completion).
unsafe fn publish(ov: usize, o: Outcome) {
    let p = ov as *mut OVERLAPPED;
    // SAFETY: the caller's contract.
    unsafe {
        (&raw mut (*p).InternalHigh).write_volatile(o.bytes);
        internal(ov).store(o.status, Ordering::Release);
    }
    // Wake sleepers on the low word of Internal (little-endian). The address is only a key
    // for the kernel: if the memory is gone the call fails harmlessly.
    // SAFETY: FUTEX_WAKE reads no memory at the address.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            ov as *const u32,
            libc::FUTEX_WAKE,
            i32::MAX,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

fn deliver(c: Completion) {
    // SAFETY: the OVERLAPPED of a pending operation stays valid until it completes (the
    // application's side of the contract, as on Windows).
    unsafe { publish(c.ov, c.outcome) };
    // Signaled; the futex wake only when someone waits (2).
    if let Some(w) = &c.file
        && w.swap(0, Ordering::AcqRel) == 2
    {
        wake_all(w.as_ptr());
    }
    match c.notify {
        Notify::Routine(f) => {
            crate::apc::queue_io(c.tid, f, c.outcome.win32(), c.outcome.bytes as DWORD, c.ov)
        }
        Notify::Event { event, post } => {
            if let Some(ev) = event {
                let _ = raw::event_set(ev);
            }
            if post && let Some((port, key)) = c.port {
                port.post(Packet {
                    bytes: c.outcome.bytes,
                    key,
                    ov: c.ov,
                    status: c.outcome.status,
                });
            }
        }
    }
}

/// Wakes every thread sleeping on the futex word at `word`.
fn wake_all(word: *const u32) {
    // SAFETY: FUTEX_WAKE reads no memory at the address.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word,
            libc::FUTEX_WAKE,
            i32::MAX,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

/// `WaitForSingleObject` on a handle in overlapped mode, as Windows waits on a file object:
/// signaled unless an operation started since the last completion without an event of its
/// own (see `State::file_busy`). `None` if the handle is not in overlapped mode.
pub(crate) fn wait_file_object(h: HANDLE, ms: DWORD) -> Option<DWORD> {
    let hio = lookup(key_of(h))?;
    let word = {
        let st = hio.lock();
        st.target.as_ref()?;
        st.file_busy.clone()
    };
    let deadline = (ms != INFINITE)
        .then(|| winipc_sys::time::monotonic_ns().saturating_add(u64::from(ms) * 1_000_000));
    match sleep_until(false, deadline, || {
        loop {
            match word.load(Ordering::Acquire) {
                0 => return Ok(()),
                // Mark that someone waits, so that the completion wakes it.
                1 if word
                    .compare_exchange(1, 2, Ordering::AcqRel, Ordering::Acquire)
                    .is_err() => {}
                _ => return Err((&*word, 2)),
            }
        }
    }) {
        Waited::Ready => Some(0),
        _ => Some(0x102), // WAIT_TIMEOUT
    }
}

// ---- issuing ---------------------------------------------------------------------------------

/// What [`start`] did.
pub(crate) enum Started {
    /// Completed at once (announced already): the outcome.
    Now(Outcome),
    /// Pending: `ERROR_IO_PENDING`.
    Pending,
}

/// Starts an operation on handle key `hkey`: marks the OVERLAPPED pending, attempts it at once
/// when its queue is empty, else queues it. An immediate *error* is not announced (Windows
/// fails the call instead); an immediate success or warning is.
///
/// # Safety
/// `ov` is a live OVERLAPPED that stays valid until the operation completes; the attempt's
/// buffers likewise.
pub(crate) unsafe fn start(
    hkey: usize,
    side: Side,
    ov: *mut OVERLAPPED,
    routine: Option<IoRoutine>,
    attempt: AttemptFn,
) -> Started {
    let ovu = ov as usize;
    // SAFETY: the caller's contract.
    let h_event = unsafe { (*ov).hEvent } as usize;
    let notify = match routine {
        Some(f) => Notify::Routine(f),
        None => Notify::Event {
            event: (h_event & !1 != 0).then_some((h_event & !1) as winipc_core::RawHandle),
            post: h_event & 1 == 0,
        },
    };
    if let Notify::Event {
        event: Some(ev), ..
    } = notify
    {
        // Windows resets the event when the operation starts.
        let _ = raw::event_reset(ev);
    }
    // `InternalHigh` is left alone until the operation completes, as on Windows.
    // SAFETY: the caller's contract.
    unsafe { internal(ovu).store(STATUS_PENDING, Ordering::Release) };
    let tid = crate::handle::gettid();
    let mut op = Op {
        ov: ovu,
        tid,
        notify,
        attempt,
        waiting: None,
    };
    let hio = get_or_create(hkey);
    let mut done = Vec::new();
    let now = {
        let mut st = hio.lock();
        // The handle's own state is reset while an operation is under way (kept at 2 if a
        // waiter sleeps on it already).
        let _ = st
            .file_busy
            .compare_exchange(0, 1, Ordering::AcqRel, Ordering::Acquire);
        let file = file_signal(&st.file_busy, &notify);
        let port = if st.skip_port_on_success {
            None
        } else {
            st.port.clone()
        };
        let mut now = None;
        if st.queue(side).is_empty() {
            match (op.attempt)() {
                Attempt::Done(outcome) => now = Some((outcome, port, file)),
                Attempt::Wait(fd, ev) => op.waiting = Some((fd, ev)),
            }
        }
        if now.is_none() {
            st.queue(side).push_back(op);
            arm(&hio, &mut st, &mut done);
        }
        now
    };
    for c in done {
        deliver(c);
    }
    match now {
        Some((outcome, port, file)) => {
            if outcome.is_error() {
                // SAFETY: the caller's contract.
                unsafe { publish(ovu, outcome) };
            } else {
                deliver(Completion {
                    ov: ovu,
                    outcome,
                    notify,
                    tid,
                    port,
                    file,
                });
            }
            Started::Now(outcome)
        }
        None => Started::Pending,
    }
}

/// Cancels the operations of handle key `hkey` that `which` selects (by OVERLAPPED address and
/// issuing thread): each completes with `STATUS_CANCELLED` (`ERROR_OPERATION_ABORTED`) and is
/// announced as any completion. Returns how many were cancelled.
pub(crate) fn cancel(hkey: usize, which: impl Fn(usize, u32) -> bool) -> usize {
    let Some(hio) = lookup(hkey) else {
        return 0;
    };
    let mut done = Vec::new();
    let mut cancelled = 0;
    {
        let mut st = hio.lock();
        let port = st.port.clone();
        let busy = st.file_busy.clone();
        for side in [Side::Read, Side::Write] {
            let q = st.queue(side);
            let mut kept = VecDeque::new();
            for op in q.drain(..) {
                if which(op.ov, op.tid) {
                    cancelled += 1;
                    done.push(Completion {
                        ov: op.ov,
                        outcome: Outcome::err(ERROR_OPERATION_ABORTED),
                        file: file_signal(&busy, &op.notify),
                        notify: op.notify,
                        tid: op.tid,
                        port: port.clone(),
                    });
                } else {
                    kept.push_back(op);
                }
            }
            // A new head is attempted at once (it may have waited behind the cancelled one).
            if let Some(head) = kept.front_mut() {
                head.waiting = None;
            }
            *q = kept;
            drain(&mut st, side, &mut done);
        }
        arm(&hio, &mut st, &mut done);
    }
    for c in done {
        deliver(c);
    }
    cancelled
}

/// Attempts the pending operations of handle key `hkey` again now (after a state change that
/// readiness does not report, such as `DisconnectNamedPipe`).
pub(crate) fn retry(hkey: usize) {
    let Some(hio) = lookup(hkey) else {
        return;
    };
    let mut done = Vec::new();
    {
        let mut st = hio.lock();
        for side in [Side::Read, Side::Write] {
            if let Some(head) = st.queue(side).front_mut() {
                head.waiting = None;
            }
            drain(&mut st, side, &mut done);
        }
        arm(&hio, &mut st, &mut done);
    }
    for c in done {
        deliver(c);
    }
}

/// A handle is being closed: its pending operations are cancelled (and announced, the packet
/// to its port included), its port association, overlapped mode and epoll registration end.
/// Called before the descriptor itself is closed.
pub(crate) fn forget(hkey: usize) {
    if lookup(hkey).is_none() {
        return;
    }
    cancel(hkey, |_, _| true);
    let removed = handles().as_mut().and_then(|m| m.remove(&hkey));
    if let Some(hio) = removed {
        COUNT.fetch_sub(1, Ordering::AcqRel);
        let mut st = hio.lock();
        if let (Some((fd, _)), Ok(ep)) = (st.reg.take(), epoll_fd()) {
            let _ = ep::ctl(ep, libc::EPOLL_CTL_DEL, fd, 0, 0);
        }
        st.target = None;
        st.port = None;
    }
}

/// Puts handle key `hkey` in overlapped mode with `target`.
pub(crate) fn set_target(hkey: usize, target: Arc<dyn Target>) {
    get_or_create(hkey).lock().target = Some(target);
}

/// The overlapped-mode target of `h`, if it has one (descriptor handles only: a core handle
/// is never in overlapped mode, and costs no lookup).
pub(crate) fn target_of(h: HANDLE) -> Option<Arc<dyn Target>> {
    if COUNT.load(Ordering::Acquire) == 0 || !matches!(classify(h), Ok(H::Std(_))) {
        return None;
    }
    lookup(key_of(h)).and_then(|hio| hio.lock().target.clone())
}

/// Associates handle key `hkey` with `port` (`CreateIoCompletionPort`); a handle has at most
/// one port (`ERROR_INVALID_PARAMETER` for a second).
pub(crate) fn associate(hkey: usize, port: Arc<Port>, key: usize) -> R<()> {
    let hio = get_or_create(hkey);
    let mut st = hio.lock();
    if st.port.is_some() {
        return Err(invalid_parameter(
            "the handle already has a completion port",
        ));
    }
    st.port = Some((port, key));
    Ok(())
}

fn port_of(hkey: usize) -> Option<(Arc<Port>, usize)> {
    lookup(hkey).and_then(|hio| {
        let st = hio.lock();
        // A synchronous handle's operations always complete at once.
        (!st.skip_port_on_success)
            .then(|| st.port.clone())
            .flatten()
    })
}

const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: u8 = 0x1;
const FILE_SKIP_SET_EVENT_ON_HANDLE: u8 = 0x2;

/// `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`: operations on `h` that complete at once (TRUE from
/// ReadFile/WriteFile) post no packet. `FILE_SKIP_SET_EVENT_ON_HANDLE` is accepted: winipc
/// never signals the file handle itself.
#[unsafe(no_mangle)]
pub extern "C" fn SetFileCompletionNotificationModes(h: HANDLE, flags: u8) -> BOOL {
    ffi_bool(|| {
        match classify(h)? {
            H::Std(_) | H::Raw(_) => {}
            _ => return Err(invalid_handle()),
        }
        if flags & !(FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE) != 0 {
            return Err(invalid_parameter("Flags"));
        }
        get_or_create(key_of(h)).lock().skip_port_on_success =
            flags & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS != 0;
        Ok(())
    })
}

// ---- descriptors in overlapped mode -----------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FdKind {
    Socket,
    /// Has a position: `pread`/`pwrite` at the OVERLAPPED's offset, never waits.
    File,
    /// A FIFO, terminal or other stream, switched to `O_NONBLOCK`.
    Stream,
}

/// A descriptor opened with `FILE_FLAG_OVERLAPPED`.
pub(crate) struct FdTarget {
    fd: i32,
    kind: FdKind,
}

impl FdTarget {
    /// Puts `fd` in overlapped mode: streams become non-blocking (each such descriptor was
    /// opened by `CreateFile` for this handle alone).
    pub(crate) fn register(fd: i32) -> R<()> {
        let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: fstat fills `st` on success.
        if unsafe { libc::fstat(fd, st.as_mut_ptr()) } != 0 {
            return Err(invalid_handle());
        }
        // SAFETY: initialised by the successful fstat.
        let mode = unsafe { st.assume_init() }.st_mode & libc::S_IFMT;
        let kind = match mode {
            libc::S_IFSOCK => FdKind::Socket,
            libc::S_IFREG | libc::S_IFBLK | libc::S_IFDIR => FdKind::File,
            _ => FdKind::Stream,
        };
        if kind == FdKind::Stream {
            // SAFETY: fcntl on a descriptor number.
            unsafe {
                let fl = libc::fcntl(fd, libc::F_GETFL);
                if fl >= 0 {
                    libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
                }
            }
        }
        set_target(
            key_of(crate::handle::std_handle(fd)),
            Arc::new(FdTarget { fd, kind }),
        );
        Ok(())
    }
}

fn would_block(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock
}

impl Target for FdTarget {
    fn read(&self, buf: usize, len: usize, offset: u64) -> Attempt {
        loop {
            // SAFETY: `buf` is valid for `len` bytes of writes until the operation completes
            // (the issuer checked it and the application keeps it, as Windows requires).
            let n = unsafe {
                match self.kind {
                    FdKind::Socket => {
                        libc::recv(self.fd, buf as *mut c_void, len, libc::MSG_DONTWAIT)
                    }
                    FdKind::File => libc::pread(self.fd, buf as *mut c_void, len, offset as i64),
                    FdKind::Stream => libc::read(self.fd, buf as *mut c_void, len),
                }
            };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                if would_block(&e) {
                    return Attempt::Wait(self.fd, IN);
                }
            }
            if n == 0 && len > 0 {
                return Attempt::Done(match self.kind {
                    FdKind::File => Outcome::err(ERROR_HANDLE_EOF),
                    FdKind::Socket => Outcome::err(code::ERROR_BROKEN_PIPE),
                    FdKind::Stream => Outcome::of(crate::pipe::eof_result(self.fd, len)),
                });
            }
            return Attempt::Done(Outcome::of(crate::files::fd_result(self.fd, n)));
        }
    }

    fn write(&self, buf: usize, len: usize, offset: u64, done: &mut usize) -> Attempt {
        while *done < len || len == 0 {
            let (p, rest) = (buf + *done, len - *done);
            // SAFETY: `buf` is valid for `len` bytes of reads until the operation completes.
            let n = unsafe {
                match self.kind {
                    FdKind::Socket => Ok(libc::send(
                        self.fd,
                        p as *const c_void,
                        rest,
                        libc::MSG_DONTWAIT | libc::MSG_NOSIGNAL,
                    )),
                    FdKind::File => Ok(libc::pwrite(
                        self.fd,
                        p as *const c_void,
                        rest,
                        (offset + *done as u64) as i64,
                    )),
                    FdKind::Stream => {
                        crate::pipe::write_no_sigpipe(self.fd, p as *const u8, rest, None)
                    }
                }
            };
            let n = match n {
                Ok(n) => n,
                Err(Fail(c)) => return Attempt::Done(Outcome::err(c)),
            };
            if n < 0 {
                let e = std::io::Error::last_os_error();
                if e.kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                if would_block(&e) {
                    return Attempt::Wait(self.fd, OUT);
                }
                if e.raw_os_error() == Some(libc::EPIPE) {
                    return Attempt::Done(Outcome::err(code::ERROR_NO_DATA));
                }
            }
            match crate::files::fd_result(self.fd, n) {
                Ok(k) => *done += k,
                Err(Fail(c)) => return Attempt::Done(Outcome::err(c)),
            }
            if len == 0 {
                break;
            }
        }
        Attempt::Done(Outcome::ok(*done))
    }
}

// ---- ReadFile / WriteFile / ReadFileEx / WriteFileEx on overlapped handles --------------------

/// The offset an OVERLAPPED names.
///
/// # Safety
/// `ov` points to a live OVERLAPPED.
unsafe fn offset_of(ov: *const OVERLAPPED) -> u64 {
    // SAFETY: the caller's contract.
    let o = unsafe { &*ov };
    (u64::from(o.OffsetHigh) << 32) | u64::from(o.Offset)
}

/// `ReadFile`/`WriteFile`/`ReadFileEx`/`WriteFileEx` on a handle in overlapped mode.
/// `ov` NULL (allowed by `ReadFile`, though Windows advises against it) waits for the result.
///
/// # Safety
/// `buf` valid for `len` bytes (writes for a read, reads for a write) until completion; `ov`
/// NULL or a live OVERLAPPED kept valid until completion; `count` NULL or valid for a `DWORD`.
#[allow(clippy::too_many_arguments)] // ReadFile's arguments, plus what the dispatch found
pub(crate) unsafe fn transfer(
    h: HANDLE,
    target: Arc<dyn Target>,
    side: Side,
    buf: *mut c_void,
    len: DWORD,
    count: *mut DWORD,
    ov: *mut OVERLAPPED,
    routine: Option<IoRoutine>,
) -> BOOL {
    ffi_bool(|| {
        let len = len as usize;
        let ok = match side {
            Side::Read => len == 0 || (!buf.is_null() && writable(buf, len)),
            Side::Write => len == 0 || (!buf.is_null() && readable(buf, len)),
        };
        if !ok {
            return Err(noaccess());
        }
        if ov.is_null() {
            if routine.is_some() {
                return Err(invalid_parameter("lpOverlapped is NULL"));
            }
            // A private OVERLAPPED, waited for here.
            let mut own = OVERLAPPED {
                Internal: 0,
                InternalHigh: 0,
                Offset: 0,
                OffsetHigh: 0,
                hEvent: std::ptr::null_mut(),
            };
            let p = &raw mut own;
            // SAFETY: `own` lives until the wait below sees the operation complete.
            let o = match unsafe { issue(h, &target, side, buf, len, p, None) } {
                Started::Now(o) => o,
                Started::Pending => {
                    // SAFETY: `own` is live.
                    unsafe { wait_done(p, None, false) };
                    // SAFETY: as above; completed.
                    let o = unsafe { p.read_volatile() };
                    Outcome {
                        status: o.Internal,
                        bytes: o.InternalHigh,
                    }
                }
            };
            // SAFETY: the caller's contract.
            unsafe { write_opt(count, o.bytes as DWORD) };
            return match o.win32() {
                0 => Ok(()),
                c => Err(Fail(c)),
            };
        }
        if !writable(ov.cast(), std::mem::size_of::<OVERLAPPED>()) {
            return Err(noaccess());
        }
        // SAFETY: the caller's contract, checked writable.
        match unsafe { issue(h, &target, side, buf, len, ov, routine) } {
            Started::Now(o) => {
                // The count is reported for a full success only (ERROR_MORE_DATA's is in
                // `InternalHigh`), as on Windows.
                let n = if o.win32() == 0 { o.bytes } else { 0 };
                // SAFETY: the caller's contract.
                unsafe { write_opt(count, n as DWORD) };
                // A warning (ERROR_MORE_DATA) fails ReadFile but not ReadFileEx, whose
                // routine receives it.
                match o.win32() {
                    0 => Ok(()),
                    _ if routine.is_some() && !o.is_error() => Ok(()),
                    c => Err(Fail(c)),
                }
            }
            Started::Pending if routine.is_some() => Ok(()),
            Started::Pending => Err(Fail(ERROR_IO_PENDING)),
        }
    })
}

/// # Safety
/// As [`transfer`], with `ov` live.
unsafe fn issue(
    h: HANDLE,
    target: &Arc<dyn Target>,
    side: Side,
    buf: *mut c_void,
    len: usize,
    ov: *mut OVERLAPPED,
    routine: Option<IoRoutine>,
) -> Started {
    // SAFETY: the caller's contract.
    let offset = unsafe { offset_of(ov) };
    let t = target.clone();
    let b = buf as usize;
    let attempt: AttemptFn = match side {
        Side::Read => Box::new(move || t.read(b, len, offset)),
        Side::Write => {
            let mut done = 0usize;
            let mut waited = false;
            // A pipe whose reader went away fails a write at once with ERROR_NO_DATA, but a
            // write it left pending with ERROR_BROKEN_PIPE, as on Windows.
            Box::new(move || match t.write(b, len, offset, &mut done) {
                Attempt::Wait(fd, ev) => {
                    waited = true;
                    Attempt::Wait(fd, ev)
                }
                Attempt::Done(o) if waited && o.win32() == code::ERROR_NO_DATA => {
                    Attempt::Done(Outcome::err(code::ERROR_BROKEN_PIPE))
                }
                a => a,
            })
        }
    };
    // SAFETY: the caller's contract.
    unsafe { start(key_of(h), side, ov, routine, attempt) }
}

/// Sleeps until the operation of `ov` completes, `deadline_ns` passes or (alertable) APCs ran.
///
/// # Safety
/// `ov` is a live OVERLAPPED.
unsafe fn wait_done(ov: *mut OVERLAPPED, deadline_ns: Option<u64>, alertable: bool) -> Waited {
    // SAFETY: the caller's contract.
    let word = unsafe { internal(ov as usize) };
    // SAFETY: the low half of Internal (little-endian), a naturally aligned u32.
    let low = unsafe { AtomicU32::from_ptr(ov.cast::<u32>()) };
    sleep_until(alertable, deadline_ns, || {
        if word.load(Ordering::Acquire) != STATUS_PENDING {
            Ok(())
        } else {
            Err((low, STATUS_PENDING as u32))
        }
    })
}

/// `ReadFile`/`WriteFile` with an OVERLAPPED on a handle without `FILE_FLAG_OVERLAPPED`
/// (mailslots, anonymous pipes, plain files): the transfer `io` runs to completion, then
/// `Internal`/`InternalHigh` are filled, the event (reset first) is set, and the packet goes to
/// the handle's completion port, if any — every completion looks the same to the caller.
///
/// # Safety
/// `ov` NULL or valid for reads and writes of an `OVERLAPPED`.
pub(crate) unsafe fn complete_sync(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    io: impl FnOnce() -> R<usize>,
) -> R<usize> {
    let mut r = Ok(0);
    // SAFETY: forwarded contract.
    unsafe {
        complete_sync_outcome(h, ov, || {
            r = io();
            Outcome::of(r)
        })
    };
    r
}

/// [`complete_sync`] for a transfer that reports its own outcome (a message read that ends
/// with `ERROR_MORE_DATA` and a byte count).
///
/// # Safety
/// `ov` NULL or valid for reads and writes of an `OVERLAPPED`.
pub(crate) unsafe fn complete_sync_outcome(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    io: impl FnOnce() -> Outcome,
) -> Outcome {
    // SAFETY: forwarded contract.
    unsafe { sync_outcome(h, ov, io, true) }
}

/// [`complete_sync_outcome`] for a named-pipe end, whose failures are immediate (the pipe's
/// state refuses the call): a failure is returned and not recorded — the OVERLAPPED keeps
/// `InternalHigh` as the call found it and `Internal` marked pending, as Windows leaves it.
///
/// # Safety
/// `ov` NULL or valid for reads and writes of an `OVERLAPPED`.
pub(crate) unsafe fn complete_sync_pipe(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    io: impl FnOnce() -> Outcome,
) -> Outcome {
    // SAFETY: forwarded contract.
    unsafe { sync_outcome(h, ov, io, false) }
}

/// # Safety
/// `ov` NULL or valid for reads and writes of an `OVERLAPPED`.
unsafe fn sync_outcome(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    io: impl FnOnce() -> Outcome,
    record_failure: bool,
) -> Outcome {
    if ov.is_null() {
        return io();
    }
    if !writable(ov.cast(), std::mem::size_of::<OVERLAPPED>()) {
        return Outcome::err(code::ERROR_NOACCESS);
    }
    // SAFETY: the caller's contract; checked writable.
    let h_event = unsafe { (*ov).hEvent } as usize;
    // SAFETY: as above.
    let event = unsafe { (*ov).event() };
    if let Some(e) = event
        && let Err(e) = raw::event_reset(e)
    {
        return Outcome::err(Fail::from(e).0);
    }
    let o = io();
    if o.is_error() && !record_failure {
        // SAFETY: the caller's contract; checked writable.
        unsafe { internal(ov as usize).store(STATUS_PENDING, Ordering::Release) };
        return o;
    }
    // SAFETY: the caller's contract.
    unsafe { publish(ov as usize, o) };
    if !o.is_error() {
        if let Some(e) = event {
            let _ = raw::event_set(e);
        }
        if h_event & 1 == 0
            && let Some((port, key)) = port_of(key_of(h))
        {
            port.post(Packet {
                bytes: o.bytes,
                key,
                ov: ov as usize,
                status: o.status,
            });
        }
    }
    o
}

/// Reads `ReadFileEx`/`WriteFileEx`'s handle: it must be in overlapped mode.
fn ex_target(h: HANDLE) -> R<Arc<dyn Target>> {
    classify(h)?;
    target_of(h)
        .ok_or_else(|| invalid_parameter("the handle was opened without FILE_FLAG_OVERLAPPED"))
}

/// # Safety
/// `buf` valid for `len` bytes of writes and `ov` a live OVERLAPPED, both until the completion
/// routine runs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReadFileEx(
    h: HANDLE,
    buf: *mut c_void,
    len: DWORD,
    ov: *mut OVERLAPPED,
    routine: Option<IoRoutine>,
) -> BOOL {
    let t = match (ex_target(h), routine) {
        (Ok(t), Some(_)) => t,
        (Err(Fail(c)), _) => return fail(c),
        (_, None) => return fail(code::ERROR_INVALID_PARAMETER),
    };
    if ov.is_null() {
        return fail(code::ERROR_INVALID_PARAMETER);
    }
    // SAFETY: the caller's contract.
    unsafe {
        transfer(
            h,
            t,
            Side::Read,
            buf,
            len,
            std::ptr::null_mut(),
            ov,
            routine,
        )
    }
}

/// # Safety
/// `buf` valid for `len` bytes of reads and `ov` a live OVERLAPPED, both until the completion
/// routine runs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WriteFileEx(
    h: HANDLE,
    buf: *const c_void,
    len: DWORD,
    ov: *mut OVERLAPPED,
    routine: Option<IoRoutine>,
) -> BOOL {
    let t = match (ex_target(h), routine) {
        (Ok(t), Some(_)) => t,
        (Err(Fail(c)), _) => return fail(c),
        (_, None) => return fail(code::ERROR_INVALID_PARAMETER),
    };
    if ov.is_null() {
        return fail(code::ERROR_INVALID_PARAMETER);
    }
    // SAFETY: the caller's contract.
    unsafe {
        transfer(
            h,
            t,
            Side::Write,
            buf.cast_mut(),
            len,
            std::ptr::null_mut(),
            ov,
            routine,
        )
    }
}

fn fail(c: u32) -> BOOL {
    set_last_error(c);
    FALSE
}

// ---- results -----------------------------------------------------------------------------------

/// # Safety
/// `ov` a live OVERLAPPED (NULL gives `ERROR_NOACCESS`); `done` valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetOverlappedResult(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    done: *mut DWORD,
    wait: BOOL,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { result(h, ov, done, if wait != 0 { INFINITE } else { 0 }, false) }
}

/// # Safety
/// As [`GetOverlappedResult`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetOverlappedResultEx(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    done: *mut DWORD,
    ms: DWORD,
    alertable: BOOL,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { result(h, ov, done, ms, alertable != 0) }
}

/// # Safety
/// As [`GetOverlappedResult`].
unsafe fn result(
    h: HANDLE,
    ov: *mut OVERLAPPED,
    done: *mut DWORD,
    ms: DWORD,
    alertable: bool,
) -> BOOL {
    ffi_bool(|| {
        if ov.is_null() || !writable(ov.cast(), std::mem::size_of::<OVERLAPPED>()) {
            return Err(noaccess());
        }
        out_ok(done)?;
        // SAFETY: checked above; the caller keeps it live.
        let word = unsafe { internal(ov as usize) };
        if word.load(Ordering::Acquire) == STATUS_PENDING {
            if ms == 0 {
                return Err(Fail(code::ERROR_IO_INCOMPLETE));
            }
            let deadline = (ms != INFINITE).then(|| {
                winipc_sys::time::monotonic_ns().saturating_add(u64::from(ms) * 1_000_000)
            });
            // SAFETY: as above.
            let event = unsafe { (*ov).event() };
            match event {
                // Windows waits on the event when there is one (an application may also have
                // set Internal to STATUS_PENDING itself and signal the event).
                Some(e) if !alertable => {
                    let left = deadline.map(|d| {
                        std::time::Duration::from_nanos(
                            d.saturating_sub(winipc_sys::time::monotonic_ns()),
                        )
                    });
                    let o = raw::wait(&[e], false, left)?;
                    if o == winipc_core::WaitOutcome::TimedOut
                        && word.load(Ordering::Acquire) == STATUS_PENDING
                    {
                        return Err(Fail(WAIT_TIMEOUT));
                    }
                    if word.load(Ordering::Acquire) == STATUS_PENDING {
                        // Set by someone else: wait for the operation itself.
                        // SAFETY: as above.
                        if unsafe { wait_done(ov, deadline, false) } == Waited::TimedOut {
                            return Err(Fail(WAIT_TIMEOUT));
                        }
                    }
                }
                _ => {
                    let _ = h;
                    // SAFETY: as above.
                    match unsafe { wait_done(ov, deadline, alertable) } {
                        Waited::Ready => {}
                        Waited::TimedOut => return Err(Fail(WAIT_TIMEOUT)),
                        Waited::Apc => return Err(Fail(WAIT_IO_COMPLETION)),
                    }
                }
            }
        }
        // SAFETY: as above; complete.
        let o = unsafe { ov.read_volatile() };
        // SAFETY: checked by out_ok.
        unsafe { write_req(done, o.InternalHigh as DWORD) }?;
        match win32_of_ntstatus(o.Internal) {
            0 => Ok(()),
            c => Err(Fail(c)),
        }
    })
}

// ---- cancellation ------------------------------------------------------------------------------

fn cancel_handle(h: HANDLE) -> R<usize> {
    match classify(h)? {
        H::Std(_) | H::Raw(_) => Ok(key_of(h)),
        _ => Err(invalid_handle()),
    }
}

/// Cancels the calling thread's pending operations on `h`.
#[unsafe(no_mangle)]
pub extern "C" fn CancelIo(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let k = cancel_handle(h)?;
        let me = crate::handle::gettid();
        cancel(k, |_, tid| tid == me);
        Ok(())
    })
}

/// Cancels the pending operation of `ov` on `h`, or every one on `h` when `ov` is NULL (of any
/// thread); `ERROR_NOT_FOUND` when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn CancelIoEx(h: HANDLE, ov: *mut OVERLAPPED) -> BOOL {
    ffi_bool(|| {
        let k = cancel_handle(h)?;
        let target = ov as usize;
        let n = cancel(k, |o, _| target == 0 || o == target);
        if n == 0 {
            return Err(Fail(ERROR_NOT_FOUND));
        }
        Ok(())
    })
}

/// Cancels `hThread`'s synchronous I/O: winipc's synchronous transfers cannot be interrupted.
#[unsafe(no_mangle)]
pub extern "C" fn CancelSynchronousIo(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        classify(h)?;
        Err(Fail(ERROR_NOT_FOUND))
    })
}
