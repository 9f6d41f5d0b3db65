//! Readiness descriptors: waitable objects as file descriptors, and file descriptors as
//! waitable objects, so that sockets and kernel objects mix in one wait (decision 0013).
//!
//! **Objects → descriptors.** Futexes have no descriptor, so a per-process *bridge* thread
//! turns object states into eventfds. [`Readiness`] registers an object with it; the bridge
//! keeps one eventfd per registered object *readable while the object is signaled* (for a
//! mutex: unowned; a mailslot: a message is queued) and drains it when the object is not.
//! Looking at readiness never acquires anything: the caller then acquires with a zero-timeout
//! wait, which may still find the object taken by someone faster (readiness is a hint, the
//! wait is the truth).
//!
//! How the bridge learns of state changes without a waiter entry per object: registering an
//! object sets a flag in it ([`crate::objects::OBSERVED`]); every committed state change of a
//! flagged object (signal, acquire, reset, re-arm) bumps its store's readiness sequence word
//! and wakes it with one `FUTEX_WAKE`. Objects nobody observes pay one load. Mailslots need no
//! flag: the bridge arms their ring's notify word, as a sleeping reader would. The bridge
//! sleeps on those words (`futex_waitv`) and its own poke word, re-scans its registrations on
//! each wake, and once a second regardless (the backstop for a signaler killed between its
//! commit and its wake-up, as for every waiter).
//!
//! Cost: one thread per process (started by the first registration), one eventfd per
//! registered object (plus a duplicate for each further [`Readiness`] value of the same
//! object, so that each async waiter registers its own descriptor with its runtime), about 200 bytes of process memory per
//! registration, and a scan of all registrations per wake (a load or two each). The store
//! tables are untouched: 10,000 registered idle objects use no wait entries. At most
//! [`MAX_MAILSLOTS`] mailslots per process are watched by their futex; beyond that the bridge
//! re-checks them every 10 ms.
//!
//! Async waits (`asyncio`, feature `tokio`) use the bridge only where io_uring futex waits are
//! unavailable; otherwise they sleep on the same words through io_uring (`uring_wait`).
//!
//! **Descriptors → objects.** [`fd_handle`] makes a handle that is signaled while a
//! descriptor is readable, for `WaitForMultipleObjects`. Its object is an unnamed event with
//! synchronize access only (so `SetEvent` on it fails with `ERROR_ACCESS_DENIED`); waits on it
//! look at the descriptor itself (`poll`), and sleep on a word the monitor thread bumps when
//! its epoll reports the descriptor readable (one-shot, re-armed by each sleeping wait). It is
//! process-local, as the descriptor is: `DuplicateHandle` into another process fails with
//! `ERROR_NOT_SUPPORTED`.

use std::collections::HashMap;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use winipc_sys::{eventfd, futex, proc, time, token};

use crate::error::{Error, Result};
use crate::handles::{self, Handle, RawHandle};
use crate::objects::{self, Kind, ObjRef, st, sw};
use crate::store::layout::{MAX_THREADS, OBSERVE_RING_LEN, THREAD_TOKEN, hdr, ob};
use crate::store::lock::DEATH_POLL_NS;
use crate::store::{MAX_STORES, Store, StoreId, observe};
use crate::wait::{External, Target};

/// Mailslots watched by their notify word; more are re-checked every 10 ms.
pub const MAX_MAILSLOTS: usize = 96;

/// How often the bridge re-checks mailslots beyond [`MAX_MAILSLOTS`].
const OVERFLOW_RECHECK_NS: u64 = 10_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Obj(ObjRef),
    Ring(usize),
}

#[derive(Debug)]
enum Watch {
    Obj(ObjRef),
    Ring(Arc<dyn External>),
}

/// One registered object: its eventfd and the bridge's view of it.
#[derive(Debug)]
struct Reg {
    watch: Watch,
    efd: OwnedFd,
    /// The bridge's view: the eventfd is readable (written, not drained).
    readable: AtomicBool,
    /// A waiter saw stale readiness and cleared it: the bridge writes again (a new edge) as
    /// soon as the object is signaled, even if it believes the eventfd readable.
    want_edge: AtomicBool,
    /// Live [`Readiness`] values (changed under the bridge's map lock).
    users: AtomicU64,
    /// A [`Readiness`] value uses `efd` itself; the others hold duplicates.
    primary_taken: AtomicBool,
}

impl Reg {
    /// Whether the object is signaled now (lock-free; a hint).
    fn peek(&self) -> bool {
        match &self.watch {
            Watch::Obj(r) => match Store::opened(r.store) {
                Some(s) if objects::kind_gen(s, r.ix).1 == r.generation => {
                    objects::peek_signaled(s, r.ix)
                }
                // Gone: readable, so that the waiter looks and finds the handle invalid.
                _ => true,
            },
            Watch::Ring(e) => e.is_signaled(),
        }
    }
}

#[derive(Debug, Default)]
struct Regs {
    by_key: HashMap<Key, Arc<Reg>>,
    /// Registrations checked on every wake: mailslots (their state is in their ring, not in
    /// the change ring), timers (they become signaled by the clock) and mutexes (by an
    /// owner's death).
    always: Vec<Arc<Reg>>,
    /// New registrations and re-arm requests, checked on the next wake.
    pending: Vec<Arc<Reg>>,
}

#[derive(Debug)]
struct Bridge {
    regs: Mutex<Regs>,
    /// Bumped (and woken) to make the bridge look at its pending registrations now.
    poke: AtomicU32,
}

impl Bridge {
    fn poke(&self) {
        self.poke.fetch_add(1, Ordering::Release);
        futex::wake(&self.poke, 1);
    }

    fn push_pending(&self, reg: &Arc<Reg>) {
        self.regs
            .lock()
            .expect("bridge lock")
            .pending
            .push(reg.clone());
        self.poke();
    }
}

/// This process's bridge (a child of `fork()` starts its own).
static BRIDGE: Mutex<Option<(u32, &'static Bridge)>> = Mutex::new(None);

fn bridge() -> Result<&'static Bridge> {
    let pid = proc::getpid();
    let mut cur = BRIDGE.lock().expect("bridge lock");
    if let Some((owner, b)) = *cur
        && owner == pid
    {
        return Ok(b);
    }
    let b: &'static Bridge = Box::leak(Box::new(Bridge {
        regs: Mutex::new(Regs::default()),
        poke: AtomicU32::new(0),
    }));
    std::thread::Builder::new()
        .name("winipc-ready".into())
        .spawn(move || run(b))?;
    *cur = Some((pid, b));
    Ok(b)
}

fn current_bridge() -> Option<&'static Bridge> {
    let cur = BRIDGE.lock().expect("bridge lock");
    cur.filter(|(owner, _)| *owner == proc::getpid())
        .map(|(_, b)| b)
}

/// Brings `reg`'s eventfd in line with its object; returns the time it must be looked at
/// again (a timer's due time), if any.
fn update(reg: &Reg) -> Option<u64> {
    let signaled = reg.peek();
    if signaled {
        let was = reg.readable.load(Ordering::Relaxed);
        if (!was || reg.want_edge.swap(false, Ordering::AcqRel))
            && eventfd::signal(&reg.efd).is_ok()
        {
            reg.readable.store(true, Ordering::Release);
        }
        return None;
    }
    if reg.readable.load(Ordering::Relaxed) && eventfd::drain(&reg.efd).is_ok() {
        reg.readable.store(false, Ordering::Release);
    }
    if let Watch::Obj(r) = &reg.watch
        && let Some(s) = Store::opened(r.store)
        && objects::kind_gen(s, r.ix) == (Some(Kind::Timer), r.generation)
    {
        let due = objects::timer_due(s, r.ix);
        return (due != u64::MAX).then_some(due);
    }
    None
}

/// The futex word and value to sleep on until the owner of mutex `reg` dies, if it has a
/// live owner; `Err(())` if its death can only be noticed by looking again soon.
fn death_watch(reg: &Reg) -> std::result::Result<Option<(&'static AtomicU32, u32)>, ()> {
    let Watch::Obj(r) = &reg.watch else {
        return Ok(None);
    };
    if reg.readable.load(Ordering::Relaxed) {
        return Ok(None);
    }
    owner_death_word(*r)
}

/// The futex word and value to sleep on until the owner of mutex `r` dies, if `r` is a mutex
/// with a live owner; `Err(())` if its death can only be noticed by looking again soon
/// ([`DEATH_POLL_NS`]).
pub(crate) fn owner_death_word(
    r: ObjRef,
) -> std::result::Result<Option<(&'static AtomicU32, u32)>, ()> {
    let Some(s) = Store::opened(r.store) else {
        return Ok(None);
    };
    if objects::kind_gen(s, r.ix) != (Some(Kind::Mutex), r.generation) {
        return Ok(None);
    }
    let owner = s.load(sw(r.ix, st::MX_OWNER));
    if owner == 0 || owner > MAX_THREADS {
        return Ok(None);
    }
    if !s.tokens {
        return Err(());
    }
    let tok: &'static AtomicU32 = s.w(Store::th(owner - 1, THREAD_TOKEN));
    match s
        .live_tid(owner - 1)
        .and_then(|tid| token::arm_death_watch(tok, tid))
    {
        Some(v) => Ok(Some((tok, v))),
        None => Err(()),
    }
}

/// The registrations the changes `from..to` of store `ns`'s change ring name, or `None` if
/// the ring cannot tell (overwritten or not yet written entries): then look at everything.
fn changed(regs: &Regs, store: StoreId, s: &Store, from: u32, to: u32) -> Option<Vec<Arc<Reg>>> {
    let n = observe::between(from, to);
    if n > OBSERVE_RING_LEN {
        return None;
    }
    let mut out = Vec::with_capacity(n as usize);
    for k in 0..n {
        let seq = from.wrapping_add(k) & observe::COUNT;
        let e = s
            .w(hdr::OBSERVE_RING + seq % OBSERVE_RING_LEN)
            .load(Ordering::Acquire);
        if e >> 16 != seq & 0xffff {
            return None;
        }
        let ix = e & 0xffff;
        if ix >= crate::store::layout::MAX_OBJECTS {
            return None;
        }
        let generation = objects::kind_gen(s, ix).1;
        if let Some(reg) = regs.by_key.get(&Key::Obj(ObjRef {
            store,
            ix,
            generation,
        })) {
            out.push(reg.clone());
        }
    }
    Some(out)
}

fn run(b: &'static Bridge) {
    let mut seen: [Option<u32>; MAX_STORES] = [None; MAX_STORES];
    let mut next_full = 0u64;
    loop {
        let poked = b.poke.load(Ordering::Acquire);
        // Sequence words first, announcing the sleep below (`store::observe`): a change after
        // these wakes it. Each holds the armed value (to sleep on); `observe::COUNT` bits count.
        let mut seqs: Vec<(StoreId, &'static Store, u32)> = Vec::with_capacity(2);
        for s in Store::all_opened() {
            seqs.push((s.id, s, observe::arm(s.w(hdr::OBSERVE_SEQ))));
        }
        let now = time::monotonic_ns();
        // What to look at: what changed, what is new, what is always looked at; everything
        // once a second (the backstop for a signaler killed before its wake-up) or when the
        // change ring cannot tell.
        let (todo, always): (Vec<Arc<Reg>>, Vec<Arc<Reg>>) = {
            let mut regs = b.regs.lock().expect("bridge lock");
            let mut todo = std::mem::take(&mut regs.pending);
            let mut full = now >= next_full;
            for &(id, s, armed) in &seqs {
                let seq = armed & observe::COUNT;
                let from = seen[id.index()].unwrap_or(seq);
                match changed(&regs, id, s, from, seq) {
                    Some(c) if !full => todo.extend(c),
                    _ => full = true,
                }
                seen[id.index()] = Some(seq);
            }
            if full {
                next_full = now.saturating_add(crate::wait::BACKSTOP_NS);
                todo = regs.by_key.values().cloned().collect();
            }
            (todo, regs.always.clone())
        };
        let mut wake_at = next_full;
        // The rings watched by their word (the registrations themselves are not kept across
        // the sleep: a released registration's eventfd closes at once, not at the next wake).
        let mut rings: Vec<Arc<dyn External>> = Vec::new();
        for reg in &always {
            if let Watch::Ring(e) = &reg.watch {
                if rings.len() < MAX_MAILSLOTS {
                    rings.push(e.clone());
                } else {
                    wake_at = wake_at.min(now + OVERFLOW_RECHECK_NS);
                }
            }
        }
        // Arm the rings before looking at them, so that a message after the look wakes us.
        let mut words: Vec<(&AtomicU32, u32)> = Vec::with_capacity(3 + always.len());
        words.push((&b.poke, poked));
        words.extend(seqs.iter().map(|&(_, s, v)| (s.w(hdr::OBSERVE_SEQ), v)));
        words.extend(rings.iter().map(|e| e.arm()));
        for reg in todo.iter().chain(&always) {
            if let Some(due) = update(reg) {
                wake_at = wake_at.min(due);
            }
        }
        // Owners of registered mutexes: their death makes the mutex available (abandoned).
        for reg in &always {
            match death_watch(reg) {
                Ok(Some(w)) if words.len() < futex::WAITV_MAX => words.push(w),
                Ok(None) => {}
                _ => wake_at = wake_at.min(now + DEATH_POLL_NS),
            }
        }
        drop((todo, always));
        // This thread is the stores' latest sleeper: a signaler on its CPU hands it the CPU
        // (decision 0019).
        let hint = futex::sleeper_hint();
        for &(_, s, _) in &seqs {
            let w = s.w(hdr::OBSERVE_SLEEPER);
            if w.load(Ordering::Relaxed) != hint {
                w.store(hint, Ordering::Relaxed);
            }
        }
        futex::wait_any(&words, Some(wake_at));
        for e in &rings {
            e.disarm();
        }
    }
}

/// A readiness descriptor for a waitable object: readable while the object is signaled.
///
/// Polling it never acquires the object; acquire with a zero-timeout wait
/// ([`crate::wait_for`]) and, if that times out (someone was faster), call
/// [`Readiness::rearm`] before polling again. Each value holds its own descriptor (a
/// duplicate of the object's eventfd beyond the first), so several values for one object can be registered
/// with one epoll set or async runtime. Dropping the last value for an object unregisters it.
///
/// ```
/// # winipc::__doc::isolate();
/// use std::os::fd::AsFd;
/// use winipc::{Event, EventReset, Readiness};
/// let ev = Event::new(EventReset::Auto, false)?;
/// let r = Readiness::new(ev.handle())?;
/// assert!(!r.wait_readable(Some(std::time::Duration::from_millis(20)))?);
/// ev.set()?;
/// assert!(r.wait_readable(Some(std::time::Duration::from_secs(5)))?);
/// // Readable; the object is still signaled until someone waits on it.
/// assert!(winipc::wait_for(ev.handle(), Some(std::time::Duration::ZERO))?.is_signaled());
/// # let _ = r.as_fd();
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Readiness {
    reg: Arc<Reg>,
    key: Key,
    /// A duplicate of the eventfd, or `None` for the value that uses the eventfd itself.
    fd: Option<OwnedFd>,
}

impl Readiness {
    /// Registers `h`'s object with this process's bridge (any waitable kind).
    pub fn new(h: &Handle) -> io::Result<Readiness> {
        Ok(Readiness::for_raw(h.as_raw())?)
    }

    /// As [`Readiness::new`], for a raw handle value.
    pub(crate) fn for_raw(h: RawHandle) -> Result<Readiness> {
        let (key, watch) = match observed_target(h)? {
            Target::Obj(r) => (Key::Obj(r), Watch::Obj(r)),
            Target::External(e) => (Key::Ring(e.id()), Watch::Ring(e)),
        };
        Readiness::register(key, watch)
    }

    /// Registers a watch on something that is not a handle's object (a mailslot writer
    /// waiting for room, [`crate::mailslot::RoomWatch`]); readable while it is signaled.
    /// `e.id()` must be unique among this process's registrations.
    #[cfg(feature = "tokio")]
    pub(crate) fn for_external(e: Arc<dyn External>) -> Result<Readiness> {
        Readiness::register(Key::Ring(e.id()), Watch::Ring(e))
    }

    fn register(key: Key, watch: Watch) -> Result<Readiness> {
        let always = match &watch {
            Watch::Ring(_) => true,
            Watch::Obj(r) => matches!(
                Store::opened(r.store).and_then(|s| objects::kind_gen(s, r.ix).0),
                Some(Kind::Timer | Kind::Mutex)
            ),
        };
        let b = bridge()?;
        let reg = {
            let mut regs = b.regs.lock().expect("bridge lock");
            let reg = match regs.by_key.get(&key) {
                Some(r) => r.clone(),
                None => {
                    let r = Arc::new(Reg {
                        watch,
                        efd: eventfd::new()?,
                        readable: AtomicBool::new(false),
                        want_edge: AtomicBool::new(false),
                        users: AtomicU64::new(0),
                        primary_taken: AtomicBool::new(false),
                    });
                    regs.by_key.insert(key.clone(), r.clone());
                    if always {
                        regs.always.push(r.clone());
                    }
                    if matches!(r.watch, Watch::Ring(_)) {
                        RING_REGS.fetch_add(1, Ordering::Relaxed);
                    }
                    regs.pending.push(r.clone());
                    r
                }
            };
            reg.users.fetch_add(1, Ordering::Relaxed);
            reg
        };
        let fd = if reg.primary_taken.swap(true, Ordering::AcqRel) {
            match reg.efd.try_clone() {
                Ok(fd) => Some(fd),
                Err(e) => {
                    release(b, &key, &reg);
                    return Err(e.into());
                }
            }
        } else {
            None
        };
        b.poke();
        Ok(Readiness { reg, key, fd })
    }

    /// Whether the object looks signaled now (lock-free; the wait is the truth).
    pub fn is_signaled(&self) -> bool {
        self.reg.peek()
    }

    /// Asks the bridge for a fresh readiness edge as soon as the object is signaled, and to
    /// drain the descriptor now if it is not. Call it after a zero-timeout wait found the
    /// object taken although the descriptor was readable: an edge-triggered poller (tokio)
    /// would otherwise not hear of the object's next signal until the bridge noticed the
    /// change.
    pub fn rearm(&self) {
        self.reg.want_edge.store(true, Ordering::Release);
        if let Some(b) = current_bridge() {
            b.push_pending(&self.reg);
        }
    }

    /// Blocks until the descriptor is readable or `timeout` passes (a `poll` on it); returns
    /// whether it is readable.
    pub fn wait_readable(&self, timeout: Option<std::time::Duration>) -> io::Result<bool> {
        eventfd::wait_readable(self, timeout)
    }
}

impl AsFd for Readiness {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_ref().unwrap_or(&self.reg.efd).as_fd()
    }
}

impl AsRawFd for Readiness {
    fn as_raw_fd(&self) -> RawFd {
        self.as_fd().as_raw_fd()
    }
}

impl Drop for Readiness {
    fn drop(&mut self) {
        if self.fd.is_none() {
            self.reg.primary_taken.store(false, Ordering::Release);
        }
        if let Some(b) = current_bridge() {
            release(b, &self.key, &self.reg);
        }
    }
}

fn release(b: &Bridge, key: &Key, reg: &Arc<Reg>) {
    let mut regs = b.regs.lock().expect("bridge lock");
    if reg.users.fetch_sub(1, Ordering::Relaxed) == 1
        && regs.by_key.get(key).is_some_and(|r| Arc::ptr_eq(r, reg))
    {
        regs.by_key.remove(key);
        if matches!(reg.watch, Watch::Ring(_)) {
            RING_REGS.fetch_sub(1, Ordering::Relaxed);
        }
        regs.always.retain(|r| !Arc::ptr_eq(r, reg));
        regs.pending.retain(|r| !Arc::ptr_eq(r, reg));
    }
}

/// After this process consumed a mailslot message (`ReadFile`): let the bridge see whether
/// the slot is now empty (one load when no mailslot is registered).
#[inline(always)]
pub(crate) fn after_mailslot_read() {
    if RING_REGS.load(Ordering::Relaxed) != 0
        && let Some(b) = current_bridge()
    {
        b.poke();
    }
}

/// Mailslot registrations of this process.
static RING_REGS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The target of waitable handle `h` prepared for observation without a waiter entry: an
/// object flagged observed (its changes bump its store's `OBSERVE_SEQ`; a process is watched
/// by the monitor), or a mailslot's ring. A descriptor's handle is refused (poll the
/// descriptor), as is a handle without synchronize access.
pub(crate) fn observed_target(h: RawHandle) -> Result<Target> {
    if fd_watch(h).is_some() {
        return Err(Error::NotSupported(
            "a readiness descriptor for a descriptor's handle (poll the descriptor)",
        ));
    }
    crate::raw::check_access(h, handles::access::SYNCHRONIZE)?;
    let t = crate::mailslot::wait_target(h)?;
    if let Target::Obj(r) = t {
        observe(r)?;
        crate::monitor::watch_if_process(r)?;
    }
    Ok(t)
}

/// Flags `r` observed, so that its state changes wake the bridges.
fn observe(r: ObjRef) -> Result<()> {
    let s = Store::get(r.store)?;
    if s.load(Store::ob(r.ix, ob::FLAGS)) & objects::OBSERVED != 0
        && objects::kind_gen(s, r.ix).1 == r.generation
    {
        return Ok(());
    }
    let me = s.me()?;
    let mut g = s.lock(me, None)?;
    objects::check(&g, r, None)?;
    let flags = g.get(Store::ob(r.ix, ob::FLAGS));
    g.set(Store::ob(r.ix, ob::FLAGS), flags | objects::OBSERVED)?;
    g.commit();
    Ok(())
}

/// Registrations made through the C ABI ([`handle_fd`]), by handle value: they live until the
/// handle is closed.
static C_FDS: Mutex<Option<HashMap<RawHandle, (ObjRef, Readiness)>>> = Mutex::new(None);

/// `winipc_handle_fd`: a descriptor readable while `h`'s object is signaled, owned by the
/// library and valid until `h` is closed (the same descriptor for repeated calls).
pub(crate) fn handle_fd(h: RawHandle) -> Result<RawFd> {
    let obj = handles::resolve(h)?.obj;
    let mut map = C_FDS.lock().expect("fd map");
    let map = map.get_or_insert_with(HashMap::new);
    // The same handle value may since have been closed and reused for another object.
    if let Some((o, r)) = map.get(&h)
        && *o == obj
    {
        return Ok(r.as_raw_fd());
    }
    let r = Readiness::for_raw(h)?;
    let fd = r.as_raw_fd();
    map.insert(h, (obj, r));
    Ok(fd)
}

/// Called by `CloseHandle` (after the close): drops `h`'s C registration and, if its object
/// is gone, its descriptor watch.
pub(crate) fn on_close(h: RawHandle, obj: Option<ObjRef>) {
    if let Ok(mut map) = C_FDS.lock()
        && let Some(map) = map.as_mut()
    {
        map.remove(&h);
    }
    if let Some(r) = obj
        && let Ok(mut w) = FD_WATCHES.lock()
        && let Some(w) = w.as_mut()
        && w.contains_key(&r)
        && Store::opened(r.store).is_none_or(|s| objects::kind_gen(s, r.ix).1 != r.generation)
    {
        if let Some(fw) = w.remove(&r) {
            FD_WATCH_COUNT.fetch_sub(1, Ordering::Relaxed);
            crate::monitor::unwatch_ready_fd(&fw.fd);
        }
    }
}

// ---- descriptors as objects ------------------------------------------------------------

/// A descriptor behind a handle: signaled while readable.
#[derive(Debug)]
pub(crate) struct FdWatch {
    fd: OwnedFd,
    key: u64,
    word: AtomicU32,
    added: AtomicBool,
}

impl FdWatch {
    /// The monitor saw the descriptor readable: wake the waits sleeping on it.
    pub(crate) fn fire(&self) {
        self.word.fetch_add(1, Ordering::Release);
        futex::wake(&self.word, u32::MAX);
    }
}

impl External for FdWatch {
    fn is_signaled(&self) -> bool {
        eventfd::readable(&self.fd)
    }
    fn arm(&self) -> (&AtomicU32, u32) {
        let seen = self.word.load(Ordering::Acquire);
        let armed = if self.added.swap(true, Ordering::AcqRel) {
            crate::monitor::rearm_ready_fd(&self.fd, self.key)
        } else {
            crate::monitor::watch_ready_fd(&self.fd, self.key)
        };
        if armed.is_err() {
            // No monitor: the waiter's backstop (1 s) re-checks. Make it sooner.
            self.word.fetch_add(1, Ordering::Release);
        }
        (&self.word, seen)
    }
    fn disarm(&self) {}
    fn id(&self) -> usize {
        self.key as usize
    }
}

/// Descriptor handles of this process, by object.
static FD_WATCH_COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static FD_WATCHES: Mutex<Option<HashMap<ObjRef, Arc<FdWatch>>>> = Mutex::new(None);

/// Monitor keys of descriptor watches carry this bit (beside `machine_names::POLL_KEY`).
pub(crate) const FD_KEY: u64 = 1 << 62;
static NEXT_FD_KEY: AtomicU64 = AtomicU64::new(1);

/// The descriptor watch behind `h`, if `h` is a descriptor's handle.
fn fd_watch(h: RawHandle) -> Option<Arc<FdWatch>> {
    // One load on the waits of processes without descriptor handles.
    if FD_WATCH_COUNT.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let map = FD_WATCHES.lock().ok()?;
    let map = map.as_ref()?;
    let e = handles::resolve(h).ok()?;
    map.get(&e.obj).cloned()
}

/// The watch with monitor key `key`, for the monitor thread.
pub(crate) fn fd_watch_by_key(key: u64) -> Option<Arc<FdWatch>> {
    let map = FD_WATCHES.lock().ok()?;
    map.as_ref()?.values().find(|w| w.key == key).cloned()
}

/// Whether `h` is a descriptor's handle (which cannot leave this process).
pub(crate) fn is_fd_handle(h: RawHandle) -> bool {
    fd_watch(h).is_some()
}

/// `winipc_fd_handle`: a handle signaled while `fd` is readable. The handle keeps `fd` (the
/// caller passes a duplicate it does not need back) until it is closed.
pub fn fd_handle(fd: OwnedFd) -> Result<RawHandle> {
    let ev = crate::Event::new(crate::EventReset::Manual, false)?;
    let h = ev.into_handle();
    let obj = h.obj();
    let raw = h.into_raw();
    crate::raw::set_access(raw, handles::access::SYNCHRONIZE)?;
    let key = FD_KEY | NEXT_FD_KEY.fetch_add(1, Ordering::Relaxed);
    let w = Arc::new(FdWatch {
        fd,
        key,
        word: AtomicU32::new(0),
        added: AtomicBool::new(false),
    });
    FD_WATCHES
        .lock()
        .expect("fd watches")
        .get_or_insert_with(HashMap::new)
        .insert(obj, w);
    FD_WATCH_COUNT.fetch_add(1, Ordering::Relaxed);
    Ok(raw)
}

/// The wait target of a raw handle: a descriptor's handle waits on its descriptor, a
/// mailslot on its ring, others on their object.
pub(crate) fn wait_target(h: RawHandle) -> Result<Target> {
    if let Some(w) = fd_watch(h) {
        return Ok(Target::External(w));
    }
    crate::mailslot::wait_target(h)
}

/// [`wait_target`] for a handle that must also hold the rights `need` (a mailslot handle
/// needs none): `ERROR_INVALID_HANDLE`, then `ERROR_ACCESS_DENIED`, then the target, from one
/// read of the handle's entry.
pub(crate) fn wait_target_checked(h: RawHandle, need: u32) -> Result<Target> {
    let e = handles::resolve(h)?;
    if e.kind != Kind::Mailslot && e.access & need != need {
        return Err(Error::AccessDenied);
    }
    if let Some(w) = fd_watch(h) {
        return Ok(Target::External(w));
    }
    crate::mailslot::wait_target_of(h, &e)
}
