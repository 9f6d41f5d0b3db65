//! Waiting on objects: `WaitForSingleObject` / `WaitForMultipleObjects` semantics.
//!
//! The algorithm is the ntsync driver's, in user space:
//!
//! 1. Under the store lock the waiter tries to satisfy itself (wait-any: the lowest signaled
//!    index; wait-all: every object at once, or nothing).
//! 2. If it cannot, it links one wait entry into each object's FIFO waiter list and sleeps on
//!    its own futex word — and on the liveness token of every mutex owner it waits for, so an
//!    owner's death wakes it at once, and until the earliest timer due time.
//! 3. Signalers satisfy waiters directly inside their transaction ([`crate::objects::wake_waiters`]):
//!    a satisfied waiter wakes with its result ready and never touches the lock again.
//!
//! A wait that spans several stores, or includes mailslots (whose state lives in their rings),
//! is a *multi* wait: signalers only wake it, and it re-polls everything with all its stores
//! locked (in a fixed order), which keeps wait-all atomic across stores.

use std::sync::Arc;

use smallvec::SmallVec;
use std::sync::atomic::{AtomicU32, Ordering};

use winipc_sys::{futex, time, token};

use crate::error::{Error, Result};
use crate::objects::{self, Kind, ObjRef, st, sw};
use crate::store::layout::*;
use crate::store::lock::Guard;
use crate::store::{Store, StoreId, registry};

/// The result of a wait.
///
/// ```
/// use winipc::WaitOutcome;
/// assert!(WaitOutcome::Signaled(0).is_signaled());
/// assert_eq!(WaitOutcome::Abandoned(2).index(), Some(2));
/// assert_eq!(WaitOutcome::TimedOut.index(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitOutcome {
    /// The object at this index was signaled and acquired (wait-all: index 0).
    Signaled(usize),
    /// The object at this index is a mutex whose owner died holding it; the caller now owns
    /// it (wait-all: index 0, at least one mutex was abandoned).
    Abandoned(usize),
    /// The timeout expired; nothing was acquired.
    TimedOut,
}

impl WaitOutcome {
    /// Whether the wait succeeded, abandoned or not.
    pub fn is_signaled(self) -> bool {
        !matches!(self, WaitOutcome::TimedOut)
    }
    /// The index reported, if the wait succeeded.
    pub fn index(self) -> Option<usize> {
        match self {
            WaitOutcome::Signaled(i) | WaitOutcome::Abandoned(i) => Some(i),
            WaitOutcome::TimedOut => None,
        }
    }
}

/// Something waitable whose state lives outside the stores (a mailslot's ring).
pub(crate) trait External: Send + Sync + std::fmt::Debug {
    /// Whether it is signaled now.
    fn is_signaled(&self) -> bool;
    /// Announces a sleeper and returns the word to sleep on with its current value. Must be
    /// called before the final check of [`External::is_signaled`] so no wake-up is lost.
    fn arm(&self) -> (&AtomicU32, u32);
    /// Withdraws the announcement.
    fn disarm(&self);
    /// Identity, to detect the same object twice.
    fn id(&self) -> usize;
}

/// One object of a wait.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    /// An object in a store.
    Obj(ObjRef),
    /// A mailslot ring.
    External(Arc<dyn External>),
}

/// Absolute deadline (monotonic ns) for a timeout; `None` = forever. A zero timeout (a poll)
/// is the deadline [`POLL`], so that polling never reads the clock.
pub(crate) fn deadline(timeout: Option<std::time::Duration>) -> Option<u64> {
    timeout.map(|d| {
        if d.is_zero() {
            POLL
        } else {
            time::monotonic_ns().saturating_add(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        }
    })
}

/// Longest a waiter sleeps without re-checking its own wait word: the backstop for a waker
/// killed between publishing a result and issuing the wake-up. The monitor thread's ticks
/// provide it ([`crate::monitor`]); a waiter arms a timer only if that thread cannot run.
pub(crate) const BACKSTOP_NS: u64 = 1_000_000_000;

/// `deadline_ns` (monotonic; `None` = forever), but no later than the backstop from now.
pub(crate) fn capped_by_backstop(deadline_ns: Option<u64>) -> u64 {
    let backstop = time::monotonic_ns().saturating_add(BACKSTOP_NS);
    deadline_ns.map_or(backstop, |d| d.min(backstop))
}

/// The deadline of a poll: already passed at any time.
pub(crate) const POLL: u64 = 0;

/// Whether `deadline_ns` has passed (reads the clock only for real deadlines).
fn expired(deadline_ns: Option<u64>) -> bool {
    deadline_ns.is_some_and(|d| d == POLL || time::monotonic_ns() >= d)
}

fn outcome(index: u32, abandoned: bool) -> WaitOutcome {
    if abandoned {
        WaitOutcome::Abandoned(index as usize)
    } else {
        WaitOutcome::Signaled(index as usize)
    }
}

/// Waits for one (`all == false`) or all of `targets`, until `deadline_ns`.
pub(crate) fn wait(targets: &[Target], all: bool, deadline_ns: Option<u64>) -> Result<WaitOutcome> {
    Ok(wait_alertable(targets, all, deadline_ns, None)?.unwrap_or(WaitOutcome::TimedOut))
}

/// An *alert* for an alertable wait (`WaitForSingleObjectEx(..., TRUE)`): a futex word and the
/// value it held when the waiter last looked. Whoever wants the waiter back (`QueueUserAPC`)
/// changes the word and wakes it; the wait then gives up — its links are cancelled under the
/// lock, nothing is acquired — and returns `Ok(None)`. A wait that is satisfied first returns
/// its outcome as usual.
pub(crate) type Alert<'a> = Option<(&'a AtomicU32, u32)>;

fn alerted(alert: Alert<'_>) -> bool {
    alert.is_some_and(|(w, v)| w.load(Ordering::Acquire) != v)
}

/// [`wait`] with an optional [`Alert`]: `Ok(None)` when the alert ended the wait.
pub(crate) fn wait_alertable(
    targets: &[Target],
    all: bool,
    deadline_ns: Option<u64>,
    alert: Alert<'_>,
) -> Result<Option<WaitOutcome>> {
    if targets.is_empty() {
        return Err(Error::InvalidParameter("no objects to wait for"));
    }
    if targets.len() > (MAX_WAIT_ENTRIES / 4) as usize {
        return Err(Error::InvalidParameter("too many objects in one wait"));
    }
    if all && has_duplicates(targets) {
        return Err(Error::InvalidParameter(
            "the same object twice in a wait-all",
        ));
    }
    let mut stores: SmallVec<[StoreId; 2]> = SmallVec::new();
    let mut external = false;
    for t in targets {
        match t {
            Target::Obj(r) if !stores.contains(&r.store) => stores.push(r.store),
            Target::Obj(_) => {}
            Target::External(_) => external = true,
        }
    }
    // Locked in an order every process agrees on (numbers are per process).
    if stores.len() > 1 {
        let mut order = Vec::with_capacity(stores.len());
        for &id in &stores {
            order.push((Store::get(id)?.lock_order(), id));
        }
        order.sort();
        stores = order.into_iter().map(|(_, id)| id).collect();
    }
    for t in targets {
        if let Target::Obj(r) = t {
            crate::monitor::watch_if_process(*r)?;
        }
    }
    if stores.len() == 1 && !external {
        let mut objs: SmallVec<[ObjRef; 8]> = SmallVec::new();
        for t in targets {
            match t {
                Target::Obj(r) => objs.push(*r),
                Target::External(_) => unreachable!("no externals in a single-store wait"),
            }
        }
        let s = Store::get(stores[0])?;
        let got = single(s, &objs, all, deadline_ns, alert);
        s.check_pages()?;
        got
    } else {
        let got = multi(&stores, targets, all, deadline_ns, alert);
        for id in &stores {
            Store::get(*id)?.check_pages()?;
        }
        got
    }
}

fn has_duplicates(targets: &[Target]) -> bool {
    let mut seen = std::collections::HashSet::new();
    targets.iter().any(|t| {
        let key = match t {
            Target::Obj(r) => (r.store.index(), r.ix as usize, 0),
            Target::External(e) => (usize::MAX, e.id(), 1),
        };
        !seen.insert(key)
    })
}

/// How much longer than its own deadline a wait waits for a store lock held by a live
/// holder. The lock is held for nanoseconds, but a holder preempted on a loaded machine can keep
/// it for milliseconds, and a poll of a signaled object must not time out because of that. A
/// holder that keeps it longer is stuck (stopped, or a forged lock word): the wait then honours
/// its timeout rather than the lock's 10 s patience.
const LOCK_GRACE_NS: u64 = 100_000_000;

/// The store-lock deadline of a wait with `deadline_ns`.
fn lock_deadline(deadline_ns: Option<u64>) -> Option<u64> {
    deadline_ns.map(|d| d.max(time::monotonic_ns().saturating_add(LOCK_GRACE_NS)))
}

// ---- the single-store wait --------------------------------------------------------------

fn single(
    s: &Store,
    objs: &[ObjRef],
    all: bool,
    deadline_ns: Option<u64>,
    alert: Alert<'_>,
) -> Result<Option<WaitOutcome>> {
    let me = s.me()?;
    let mut g = match s.try_lock(me) {
        Some(g) => g,
        None => match s.lock(me, lock_deadline(deadline_ns)) {
            Err(Error::Timeout) => return Ok(Some(WaitOutcome::TimedOut)),
            r => r?,
        },
    };
    for r in objs {
        objects::check(&g, *r, None)?;
    }
    let mut ixs: SmallVec<[u32; 8]> = SmallVec::new();
    for r in objs {
        ixs.push(r.ix);
    }
    if let Some(r) = poll(&mut g, &ixs, all)? {
        g.commit();
        return Ok(Some(r));
    }
    if ixs.iter().any(|&ix| owner_dead(g.s, ix)) {
        // A mutex whose owner died: reap it now, so that even a poll (a zero timeout, as
        // after a readiness descriptor reported it) gets it abandoned.
        let _ = registry::reap_dead(&mut g)?;
        if let Some(r) = poll(&mut g, &ixs, all)? {
            g.commit();
            return Ok(Some(r));
        }
    }
    if expired(deadline_ns) {
        g.commit();
        return Ok(Some(WaitOutcome::TimedOut));
    }
    if alerted(alert) {
        g.commit();
        return Ok(None);
    }
    link(&mut g, &ixs, all, false)?;
    g.commit();
    let state = s.w(Store::th(me, th::WAIT_STATE));
    let mut extra: SmallVec<[(&AtomicU32, u32); 1]> = SmallVec::new();
    if let Some(a) = alert {
        extra.push(a);
    }
    loop {
        sleep(s, me, &ixs, deadline_ns, &extra);
        if state.load(Ordering::Acquire) == WAIT_SATISFIED {
            return Ok(Some(take_result(s, me)));
        }
        // Timeout, a dead owner, a due timer, a recovery, an alert or a spurious wake: look
        // again.
        let mut g = s.lock(me, None)?;
        if let Some(r) = recheck(&mut g, &ixs, all, deadline_ns)? {
            g.commit();
            return Ok(Some(r));
        }
        if alerted(alert) {
            cancel(&mut g, me)?;
            g.commit();
            return Ok(None);
        }
        g.commit();
    }
}

/// Under the lock, after a wake-up that did not carry a result: reap dead owners, retry the
/// wait, or give up at the deadline. Returns the outcome if the wait is over.
fn recheck(
    g: &mut Guard<'_>,
    ixs: &[u32],
    all: bool,
    deadline_ns: Option<u64>,
) -> Result<Option<WaitOutcome>> {
    let me = g.me;
    if let Some(r) = done_result(g) {
        return Ok(Some(r));
    }
    if ixs.iter().any(|&ix| owner_dead(g.s, ix)) {
        // Dead threads are reaped in full (their mutexes abandoned); a dead process's handles
        // may take more transactions, which later lookups finish.
        let _ = registry::reap_dead(g)?;
        if let Some(r) = done_result(g) {
            return Ok(Some(r));
        }
    }
    if let Some(r) = poll(g, ixs, all)? {
        cancel(g, me)?;
        return Ok(Some(r));
    }
    if expired(deadline_ns) {
        cancel(g, me)?;
        return Ok(Some(WaitOutcome::TimedOut));
    }
    Ok(None)
}

/// If a signaler satisfied our wait (committed), collects the result.
fn done_result(g: &mut Guard<'_>) -> Option<WaitOutcome> {
    let me = g.me;
    let flags = g.get(Store::th(me, th::WAIT_FLAGS));
    if flags & WF_DONE == 0 {
        return None;
    }
    let r = outcome(
        g.get(Store::th(me, th::WAIT_RESULT)),
        flags & WF_ABANDONED != 0,
    );
    // Our own slot: nobody else writes it once the wait is done.
    let _ = g.set(Store::th(me, th::WAIT_FLAGS), 0);
    let _ = g.set(Store::th(me, th::WAIT_STATE), WAIT_IDLE);
    Some(r)
}

/// Reads the result a signaler left (the waiter saw `WAIT_SATISFIED`, which is only stored
/// after the signaler's commit) and returns the slot to idle.
fn take_result(s: &Store, me: u32) -> WaitOutcome {
    let flags = s.load(Store::th(me, th::WAIT_FLAGS));
    let r = outcome(
        s.load(Store::th(me, th::WAIT_RESULT)),
        flags & WF_ABANDONED != 0,
    );
    s.w(Store::th(me, th::WAIT_FLAGS))
        .store(0, Ordering::Relaxed);
    s.w(Store::th(me, th::WAIT_STATE))
        .store(WAIT_IDLE, Ordering::Release);
    r
}

/// Whether `ix` is a mutex whose owner thread is dead (so reaping would abandon it).
fn owner_dead(s: &Store, ix: u32) -> bool {
    if objects::kind_gen(s, ix).0 != Some(Kind::Mutex) {
        return false;
    }
    let owner = s.load(sw(ix, st::MX_OWNER));
    owner != 0 && s.live_tid(owner - 1).is_none()
}

/// Sleeps once: on our wait word, the tokens of the mutex owners we wait for, external
/// objects' words, until the deadline or the earliest timer.
fn sleep(s: &Store, me: u32, ixs: &[u32], deadline_ns: Option<u64>, extra: &[(&AtomicU32, u32)]) {
    let mut words: SmallVec<[(&AtomicU32, u32); 8]> = SmallVec::new();
    words.push((s.w(Store::th(me, th::WAIT_STATE)), WAIT_WAITING));
    words.extend_from_slice(extra);
    let (watches, wake_at) = watches(s, me, ixs);
    let mut until = if crate::monitor::ticking() {
        deadline_ns
    } else {
        Some(capped_by_backstop(deadline_ns))
    };
    if let Some(t) = wake_at {
        until = Some(until.map_or(t, |d| d.min(t)));
    }
    for (w, v) in watches {
        if words.len() < futex::WAITV_MAX {
            words.push((w, v));
        } else {
            // Too many owners to watch at once: look again now and then instead.
            let soon = time::monotonic_ns() + 50_000_000;
            until = Some(until.map_or(soon, |d| d.min(soon)));
            break;
        }
    }
    crate::boost::before_sleep();
    futex::wait_any(&words, until);
}

/// Futex words to sleep on, with the values they must still hold.
type Words<'s> = SmallVec<[(&'s AtomicU32, u32); 4]>;

/// Death watches for owners of the mutexes in `ixs`, and the earliest timer due time.
fn watches<'s>(s: &'s Store, me: u32, ixs: &[u32]) -> (Words<'s>, Option<u64>) {
    let mut out = SmallVec::new();
    let mut wake_at: Option<u64> = None;
    for &ix in ixs {
        match objects::kind_gen(s, ix).0 {
            Some(Kind::Mutex) => {
                let owner = s.load(sw(ix, st::MX_OWNER));
                if owner == 0 || owner - 1 == me || owner > MAX_THREADS {
                    continue;
                }
                if !s.tokens {
                    // No token to sleep on (the shared store): look at the owner again soon.
                    let soon = time::monotonic_ns() + crate::store::lock::DEATH_POLL_NS;
                    wake_at = Some(wake_at.map_or(soon, |w| w.min(soon)));
                    continue;
                }
                let tok = s.w(Store::th(owner - 1, THREAD_TOKEN));
                match s
                    .live_tid(owner - 1)
                    .and_then(|tid| token::arm_death_watch(tok, tid))
                {
                    Some(v) => out.push((tok, v)),
                    // Already dead: do not sleep; the recheck reaps it.
                    None => wake_at = Some(0),
                }
            }
            Some(Kind::Timer) => {
                let due = objects::timer_due(s, ix);
                if due != u64::MAX {
                    wake_at = Some(wake_at.map_or(due, |w| w.min(due)));
                }
            }
            _ => {}
        }
    }
    (out, wake_at)
}

/// Tries to satisfy the wait now. Wait-any: the lowest signaled index; wait-all: all or none.
fn poll(g: &mut Guard<'_>, ixs: &[u32], all: bool) -> Result<Option<WaitOutcome>> {
    let me = g.me;
    if !all {
        for (i, &ix) in ixs.iter().enumerate() {
            if objects::is_signaled(g, ix, Some(me))? {
                let abandoned = objects::acquire(g, ix, me)?;
                return Ok(Some(outcome(i as u32, abandoned)));
            }
        }
        return Ok(None);
    }
    for &ix in ixs {
        if !objects::is_signaled(g, ix, Some(me))? {
            return Ok(None);
        }
    }
    let mut abandoned = false;
    for &ix in ixs {
        abandoned |= objects::acquire(g, ix, me)?;
    }
    Ok(Some(outcome(0, abandoned)))
}

// ---- wait entries ---------------------------------------------------------------------------

/// The wait entry for the `i`-th object of thread `t`'s wait: one of its reserved entries,
/// else one from the pool.
fn alloc_entry(g: &mut Guard<'_>, t: u32, i: usize) -> Result<u32> {
    if let Ok(i) = u32::try_from(i)
        && i < RESERVED_ENTRIES
    {
        return Ok(t * RESERVED_ENTRIES + i);
    }
    match g.s.entry_link(g.get(hdr::FREE_ENTRY))? {
        Some(e) if e >= POOLED_ENTRIES => {
            let next = g.get(Store::en(e, en::NEXT));
            g.set(hdr::FREE_ENTRY, next)?;
            Ok(e)
        }
        Some(_) => Err(g.s.corrupt("a reserved wait entry on the free list")),
        None => {
            let high = g.get(hdr::ENTRY_HIGH);
            if high >= MAX_WAIT_ENTRIES - POOLED_ENTRIES {
                return Err(Error::NoResources("wait entries"));
            }
            g.set(hdr::ENTRY_HIGH, high + 1)?;
            Ok(POOLED_ENTRIES + high)
        }
    }
}

/// Links the calling thread's wait on `ixs` into the objects' waiter lists.
fn link(g: &mut Guard<'_>, ixs: &[u32], all: bool, multi: bool) -> Result<()> {
    let me = g.me;
    let mut head = 0u32;
    for (i, &ix) in ixs.iter().enumerate().rev() {
        // Most of these writes store what the entry already holds from this thread's last
        // wait, and cost no undo-log entry.
        let e = alloc_entry(g, me, i)?;
        g.set(Store::en(e, en::THREAD), me + 1)?;
        g.set(Store::en(e, en::OBJ), ix)?;
        g.set(Store::en(e, en::INDEX), i as u32)?;
        g.set(Store::en(e, en::SIBLING), head)?;
        head = e + 1;
        let tail = g.get(Store::ob(ix, ob::WTAIL));
        g.set(Store::en(e, en::PREV), tail)?;
        g.set(Store::en(e, en::NEXT), 0)?;
        match g.s.entry_link(tail)? {
            Some(t) => g.set(Store::en(t, en::NEXT), e + 1)?,
            None => g.set(Store::ob(ix, ob::WHEAD), e + 1)?,
        }
        g.set(Store::ob(ix, ob::WTAIL), e + 1)?;
        objects::add_ref(g, ix)?;
    }
    let flags = if all { WF_ALL } else { 0 } | if multi { WF_MULTI } else { 0 };
    g.set(Store::th(me, th::WAIT_ENTRIES), head)?;
    g.set(Store::th(me, th::WAIT_COUNT), ixs.len() as u32)?;
    g.set(Store::th(me, th::WAIT_RESULT), 0)?;
    g.set(Store::th(me, th::WAIT_FLAGS), flags)?;
    g.set(Store::th(me, th::WAIT_STATE), WAIT_WAITING)
}

/// Unlinks and frees every wait entry of thread slot `t`.
fn unlink_all(g: &mut Guard<'_>, t: u32) -> Result<()> {
    let s = g.s;
    let mut cur = s.entry_link(g.get(Store::th(t, th::WAIT_ENTRIES)))?;
    let mut steps = 0;
    while let Some(e) = cur {
        steps += 1;
        if steps > MAX_WAIT_ENTRIES {
            return Err(s.corrupt("cycle in a wait's entries"));
        }
        let sibling = g.get(Store::en(e, en::SIBLING));
        let ix = g.get(Store::en(e, en::OBJ));
        if ix >= MAX_OBJECTS || g.get(Store::en(e, en::THREAD)) != t + 1 {
            return Err(s.corrupt("wait entry does not belong to its wait"));
        }
        let prev = g.get(Store::en(e, en::PREV));
        let next = g.get(Store::en(e, en::NEXT));
        match s.entry_link(prev)? {
            Some(p) => g.set(Store::en(p, en::NEXT), next)?,
            None => g.set(Store::ob(ix, ob::WHEAD), next)?,
        }
        match s.entry_link(next)? {
            Some(n) => g.set(Store::en(n, en::PREV), prev)?,
            None => g.set(Store::ob(ix, ob::WTAIL), prev)?,
        }
        if e >= POOLED_ENTRIES {
            g.set(Store::en(e, en::THREAD), 0)?;
            g.set(Store::en(e, en::PREV), 0)?;
            g.set(Store::en(e, en::SIBLING), 0)?;
            let free = g.get(hdr::FREE_ENTRY);
            g.set(Store::en(e, en::NEXT), free)?;
            g.set(hdr::FREE_ENTRY, e + 1)?;
        } else if e / RESERVED_ENTRIES != t {
            return Err(s.corrupt("a reserved wait entry in another thread's wait"));
        }
        // A reserved entry keeps its words: unreachable once unlinked, and mostly what the
        // thread's next wait writes again.
        objects::release_ref(g, ix)?;
        cur = s.entry_link(sibling)?;
    }
    g.set(Store::th(t, th::WAIT_ENTRIES), 0)?;
    g.set(Store::th(t, th::WAIT_COUNT), 0)
}

/// Ends thread `t`'s wait with a result: unlinks it, records the result, and schedules the
/// wake-up (the futex word flips to `WAIT_SATISFIED` only after the commit).
pub(crate) fn finish(g: &mut Guard<'_>, t: u32, index: u32, abandoned: bool) -> Result<()> {
    unlink_all(g, t)?;
    g.set(Store::th(t, th::WAIT_RESULT), index)?;
    let flags = g.get(Store::th(t, th::WAIT_FLAGS));
    let flags = flags | WF_DONE | if abandoned { WF_ABANDONED } else { 0 };
    g.set(Store::th(t, th::WAIT_FLAGS), flags)?;
    g.wake_later(t, WAIT_SATISFIED);
    Ok(())
}

/// Cancels thread `t`'s wait, if any (timeout, or the thread died).
pub(crate) fn cancel(g: &mut Guard<'_>, t: u32) -> Result<()> {
    unlink_all(g, t)?;
    g.set(Store::th(t, th::WAIT_FLAGS), 0)?;
    g.set(Store::th(t, th::WAIT_STATE), WAIT_IDLE)
}

/// For a wait-all waiter: takes all its objects if every one is available to it now.
pub(crate) fn try_satisfy_all(g: &mut Guard<'_>, t: u32) -> Result<bool> {
    let s = g.s;
    let mut ixs = Vec::new();
    let mut cur = s.entry_link(g.get(Store::th(t, th::WAIT_ENTRIES)))?;
    while let Some(e) = cur {
        if ixs.len() > MAX_WAIT_ENTRIES as usize {
            return Err(s.corrupt("cycle in a wait's entries"));
        }
        let ix = g.get(Store::en(e, en::OBJ));
        if ix >= MAX_OBJECTS {
            return Err(s.corrupt("wait entry object out of range"));
        }
        if !objects::is_signaled(g, ix, Some(t))? {
            return Ok(false);
        }
        ixs.push(ix);
        cur = s.entry_link(g.get(Store::en(e, en::SIBLING)))?;
    }
    let mut abandoned = false;
    for ix in ixs {
        abandoned |= objects::acquire(g, ix, t)?;
    }
    finish(g, t, 0, abandoned)?;
    Ok(true)
}

// ---- the multi-store wait ------------------------------------------------------------------

fn multi(
    namespaces: &[StoreId],
    targets: &[Target],
    all: bool,
    deadline_ns: Option<u64>,
    alert: Alert<'_>,
) -> Result<Option<WaitOutcome>> {
    let stores: Vec<&Store> = namespaces
        .iter()
        .map(|&ns| Store::get(ns))
        .collect::<Result<_>>()?;
    let mes: Vec<u32> = stores.iter().map(|s| s.me()).collect::<Result<_>>()?;
    let externals: Vec<&Arc<dyn External>> = targets
        .iter()
        .filter_map(|t| {
            if let Target::External(e) = t {
                Some(e)
            } else {
                None
            }
        })
        .collect();
    let mut linked = false;
    let result = loop {
        // Arm externals first, so a message arriving after our check still changes the word.
        let armed: Vec<(&AtomicU32, u32)> = externals.iter().map(|e| e.arm()).collect();
        let mut guards: Vec<Guard<'_>> = Vec::with_capacity(stores.len());
        for (s, &me) in stores.iter().zip(&mes) {
            guards.push(match s.lock(me, lock_deadline(deadline_ns)) {
                Err(Error::Timeout) => break,
                r => r?,
            });
        }
        if guards.len() < stores.len() {
            drop(guards);
            if linked {
                cancel_all(&stores, &mes)?;
            }
            break Some(WaitOutcome::TimedOut);
        }
        let g_of = |ns: StoreId| {
            namespaces
                .iter()
                .position(|&n| n == ns)
                .expect("store of target")
        };
        for t in targets {
            if let Target::Obj(r) = t {
                objects::check(&guards[g_of(r.store)], *r, None)?;
            }
        }
        if linked {
            for g in &mut guards {
                if g.s.ixs_dead_owner(g.me) {
                    let _ = registry::reap_dead(g)?; // threads in full, as above
                }
            }
        }
        if let Some(r) = poll_multi(&mut guards, &g_of, targets, all)? {
            if linked {
                for g in &mut guards {
                    let me = g.me;
                    cancel(g, me)?;
                }
            }
            guards.into_iter().for_each(Guard::commit);
            break Some(r);
        }
        let timed_out = expired(deadline_ns);
        if timed_out || alerted(alert) {
            if linked {
                for g in &mut guards {
                    let me = g.me;
                    cancel(g, me)?;
                }
            }
            guards.into_iter().for_each(Guard::commit);
            break timed_out.then_some(WaitOutcome::TimedOut);
        }
        for (k, g) in guards.iter_mut().enumerate() {
            let ns = namespaces[k];
            if linked {
                let me = g.me;
                g.set(Store::th(me, th::WAIT_STATE), WAIT_WAITING)?;
            } else {
                let ixs: Vec<u32> = targets
                    .iter()
                    .filter_map(|t| match t {
                        Target::Obj(r) if r.store == ns => Some(r.ix),
                        _ => None,
                    })
                    .collect();
                link(g, &ixs, all, true)?;
            }
        }
        linked = true;
        guards.into_iter().for_each(Guard::commit);
        // Sleep on every store's wait word and every external's word.
        let mut armed = armed;
        armed.extend(alert);
        let Some(&primary) = stores.first() else {
            // Only external objects (mailslots): sleep on their words alone.
            sleep_externals(&armed, deadline_ns);
            continue;
        };
        let ixs0: Vec<u32> = targets
            .iter()
            .filter_map(|t| match t {
                Target::Obj(r) if r.store == namespaces[0] => Some(r.ix),
                _ => None,
            })
            .collect();
        let mut extra = armed.clone();
        for (s, &me) in stores.iter().zip(&mes).skip(1) {
            extra.push((s.w(Store::th(me, th::WAIT_STATE)), WAIT_WAITING));
        }
        sleep(primary, mes[0], &ixs0, deadline_ns, &extra);
    };
    for e in &externals {
        e.disarm();
    }
    Ok(result)
}

/// Sleeps on external objects' words only, until the deadline or the backstop.
fn sleep_externals(words: &[(&AtomicU32, u32)], deadline_ns: Option<u64>) {
    let until = capped_by_backstop(deadline_ns);
    let n = words.len().min(futex::WAITV_MAX);
    crate::boost::before_sleep();
    futex::wait_any(&words[..n], Some(until));
}

fn cancel_all(stores: &[&Store], mes: &[u32]) -> Result<()> {
    for (s, &me) in stores.iter().zip(mes) {
        let mut g = s.lock(me, None)?;
        cancel(&mut g, me)?;
        g.commit();
    }
    Ok(())
}

fn poll_multi(
    guards: &mut [Guard<'_>],
    g_of: &dyn Fn(StoreId) -> usize,
    targets: &[Target],
    all: bool,
) -> Result<Option<WaitOutcome>> {
    let mut ready = Vec::with_capacity(targets.len());
    for t in targets {
        let signaled = match t {
            Target::Obj(r) => {
                let g = &mut guards[g_of(r.store)];
                let me = g.me;
                objects::is_signaled(g, r.ix, Some(me))?
            }
            Target::External(e) => e.is_signaled(),
        };
        if signaled && !all {
            let abandoned = match t {
                Target::Obj(r) => {
                    let g = &mut guards[g_of(r.store)];
                    let me = g.me;
                    objects::acquire(g, r.ix, me)?
                }
                Target::External(_) => false,
            };
            return Ok(Some(outcome(ready.len() as u32, abandoned)));
        }
        if !signaled && all {
            return Ok(None);
        }
        ready.push(signaled);
    }
    if !all {
        return Ok(None);
    }
    let mut abandoned = false;
    for t in targets {
        if let Target::Obj(r) = t {
            let g = &mut guards[g_of(r.store)];
            let me = g.me;
            abandoned |= objects::acquire(g, r.ix, me)?;
        }
    }
    Ok(Some(outcome(0, abandoned)))
}

impl Store {
    /// Whether any mutex that thread `me` waits for here has a dead owner.
    fn ixs_dead_owner(&self, me: u32) -> bool {
        let mut cur = self
            .entry_link(self.load(Store::th(me, th::WAIT_ENTRIES)))
            .ok()
            .flatten();
        let mut steps = 0;
        while let Some(e) = cur {
            steps += 1;
            if steps > MAX_WAIT_ENTRIES {
                return false;
            }
            if owner_dead(self, self.load(Store::en(e, en::OBJ)).min(MAX_OBJECTS - 1)) {
                return true;
            }
            cur = self
                .entry_link(self.load(Store::en(e, en::SIBLING)))
                .ok()
                .flatten();
        }
        false
    }
}
