//! Who is using a store: thread slots (with liveness tokens) and process slots (with pid and
//! start time), their registration, and the reaping of the dead.
//!
//! A thread claims a slot lock-free (compare-and-swap on the slot state), locks the slot's
//! token for the rest of its life, and only then takes the store lock. A process slot holds the
//! process's handle table. Reaping finds the dead and frees their slots; what a thread's or a
//! process's end means above the store (abandoned mutexes, cancelled waits, closed handles) is
//! asked of [`super::Layers`].

use std::cell::Cell;
use std::sync::atomic::{AtomicU32, Ordering};

use winipc_sys::{proc, token};

use super::layout::*;
use super::lock::Guard;
use super::{MAX_STORES, Store, StoreId};
use crate::error::{Error, Result};

/// Bumped in a child after `fork`, which invalidates every registration the parent had.
static FORK_EPOCH: AtomicU32 = AtomicU32::new(1);

thread_local! {
    /// Per namespace: (fork epoch, thread slot + 1).
    static ME: [Cell<(u32, u32)>; MAX_STORES] = const { [const { Cell::new((0, 0)) }; MAX_STORES] };
    /// Retires this thread's slots when the thread exits (armed at registration).
    static RETIRE: RetireOnExit = const { RetireOnExit };
}

/// Runs at thread exit: as Win32 specifies, mutexes the thread still owns become abandoned;
/// its wait (if any) is cancelled and its slots retired, to be reused once the kernel marks
/// its token dead.
struct RetireOnExit;

impl Drop for RetireOnExit {
    fn drop(&mut self) {
        let epoch = FORK_EPOCH.load(Ordering::Relaxed);
        for s in Store::all_opened() {
            let Ok((e, slot)) = ME.try_with(|m| m[s.id.index()].get()) else {
                continue;
            };
            if e != epoch || slot == 0 {
                continue;
            }
            if let Err(err) = retire(s, slot - 1) {
                tracing::debug!(error = %err, "retiring a thread slot failed; it will be reaped");
            }
        }
    }
}

fn retire(s: &Store, t: u32) -> Result<()> {
    let deadline = winipc_sys::time::monotonic_ns() + 1_000_000_000;
    let mut g = s.lock(t, Some(deadline))?;
    super::layers().thread_gone(&mut g, t)?;
    g.release_thread_slot(t, SLOT_RETIRED)?;
    g.commit();
    Ok(())
}

/// This process's fork epoch: it changes in the child of every `fork()` (never 0).
#[inline]
pub(crate) fn fork_epoch() -> u32 {
    FORK_EPOCH.load(Ordering::Relaxed)
}

/// Called in the child after `fork()`: the child is a new process with one new thread.
pub(crate) fn after_fork_in_child() {
    FORK_EPOCH.fetch_add(1, Ordering::Relaxed);
    crate::mailslot::after_fork_in_child();
    for s in super::STORES.iter().filter_map(|c| c.get()) {
        s.proc_slot.store(0, Ordering::Relaxed);
    }
}

/// Environment variable that hands a child its pre-made process slot: `"<slot>.<generation>"`.
pub(crate) fn inherit_var(id: StoreId) -> String {
    match id {
        StoreId::PRIVATE => "WINIPC_INHERIT_LOCAL".to_owned(),
        StoreId::PUBLIC => "WINIPC_INHERIT_GLOBAL".to_owned(),
        StoreId(n) => format!("WINIPC_INHERIT_STORE{n}"),
    }
}

impl Store {
    /// The calling thread's slot in this store, registering the thread (and the process) on
    /// first use.
    #[inline]
    pub(crate) fn me(&self) -> Result<u32> {
        let epoch = FORK_EPOCH.load(Ordering::Relaxed);
        let (e, slot) = ME.with(|m| m[self.id.index()].get());
        if e == epoch && slot != 0 && self.my_proc().is_some() {
            return Ok(slot - 1);
        }
        self.me_slow(epoch)
    }

    /// [`Store::me`]'s first call in a thread: registration, and adopting inherited names.
    #[cold]
    #[inline(never)]
    fn me_slow(&self, epoch: u32) -> Result<u32> {
        let slot = self.register_thread()?;
        ME.with(|m| m[self.id.index()].set((epoch, slot + 1)));
        RETIRE.with(|_| {}); // arm the exit hook
        if std::env::var_os(inherit_var(self.id)).is_some() {
            super::layers().inherited(self.id);
        }
        Ok(slot)
    }

    #[cold]
    fn register_thread(&self) -> Result<u32> {
        let tid = proc::gettid();
        let claim = |t: u32, from: u32| {
            self.w(Store::th(t, th::STATE))
                .compare_exchange(
                    from,
                    SLOT_CLAIMING | tid,
                    Ordering::AcqRel,
                    Ordering::Relaxed,
                )
                .is_ok()
        };
        // A free slot, else a retired one whose thread the kernel has seen die (its token must
        // not be re-initialised while its old thread may still have it on its robust list).
        let slot = (0..MAX_THREADS)
            .find(|&t| claim(t, SLOT_FREE))
            .or_else(|| {
                (0..MAX_THREADS).find(|&t| {
                    self.load(Store::th(t, th::STATE)) == SLOT_RETIRED
                        && self.live_tid(t).is_none()
                        && claim(t, SLOT_RETIRED)
                })
            })
            .ok_or(Error::NoResources("thread slots"))?;
        self.w(Store::th(slot, th::TID))
            .store(tid, Ordering::Relaxed);
        self.w(Store::th(slot, th::PID))
            .store(proc::getpid(), Ordering::Relaxed);
        if self.tokens {
            let token_at = (Store::th(slot, THREAD_TOKEN) * 4) as usize;
            if let Err(e) = token::acquire(self.mapping(), token_at) {
                self.w(Store::th(slot, th::STATE))
                    .store(SLOT_FREE, Ordering::Release);
                return Err(e.into());
            }
        } else {
            self.w(Store::th(slot, th::IDENT))
                .store(proc::thread_identity(), Ordering::Relaxed);
        }
        let mut g = self.lock(slot, None)?;
        // Decided under the lock, so two threads registering at once agree on one process slot.
        let p = match self.my_proc() {
            Some(p) if g.get(Store::pr(p, pr::STATE)) == SLOT_LIVE => p,
            _ => register_process(&mut g)?,
        };
        g.set(Store::th(slot, th::PROC), p + 1)?;
        g.set(Store::th(slot, th::STATE), SLOT_LIVE)?;
        // Published before the unlock; a commit cannot fail.
        self.proc_slot.store(p + 1, Ordering::Release);
        g.commit();
        Ok(slot)
    }
}

fn register_process(g: &mut Guard<'_>) -> Result<u32> {
    let pid = proc::getpid();
    let start = proc::start_time(pid).unwrap_or(0);
    if let Some(p) = claim_inherited(g, pid)? {
        set_identity(g, p, pid, start)?;
        return Ok(p);
    }
    let free =
        |g: &Guard<'_>| (0..MAX_PROCS).find(|&p| g.get(Store::pr(p, pr::STATE)) == SLOT_FREE);
    let p = match free(g) {
        Some(p) => p,
        None => {
            let _ = reap_dead(g)?; // a partial reap may still have freed a slot
            free(g).ok_or(Error::NoResources("process slots"))?
        }
    };
    g.set(Store::pr(p, pr::STATE), SLOT_LIVE)?;
    set_identity(g, p, pid, start)?;
    Ok(p)
}

fn set_identity(g: &mut Guard<'_>, p: u32, pid: u32, start: u64) -> Result<()> {
    g.set(Store::pr(p, pr::STATE), SLOT_LIVE)?;
    g.set(Store::pr(p, pr::STORE_ID), u32::from(g.s.id.0))?;
    g.set(Store::pr(p, pr::PID), pid)?;
    g.set(Store::pr(p, pr::START_LO), start as u32)?;
    g.set(Store::pr(p, pr::START_HI), (start >> 32) as u32)?;
    g.set(Store::pr(p, pr::PARENT), 0)
}

/// Takes over the process slot a parent prepared for us, if the environment names one that
/// is still pending for this process.
fn claim_inherited(g: &mut Guard<'_>, pid: u32) -> Result<Option<u32>> {
    let Ok(v) = std::env::var(inherit_var(g.s.id)) else {
        return Ok(None);
    };
    let Some((slot, generation)) = v.split_once('.') else {
        return Ok(None);
    };
    let (Ok(p), Ok(generation)) = (slot.parse::<u32>(), generation.parse::<u32>()) else {
        return Ok(None);
    };
    if p >= MAX_PROCS
        || g.get(Store::pr(p, pr::STATE)) != SLOT_PENDING
        || g.get(Store::pr(p, pr::GEN)) != generation
    {
        return Ok(None);
    }
    let want = g.get(Store::pr(p, pr::PID));
    let parent_pid =
        g.s.proc_link(g.get(Store::pr(p, pr::PARENT)))?
            .map(|pp| g.get(Store::pr(pp, pr::PID)));
    // The child itself, or a descendant of a child that never used winipc (`sh -c`, `env`,
    // `make`: a program in between that forked instead of exec'ing), as handles pass through
    // an intermediary on Windows when it creates its children inheriting. Before the parent
    // has written the child's pid: a descendant of the parent.
    let ours = if want != 0 {
        want == pid || is_ancestor(want)
    } else {
        parent_pid.is_some_and(is_ancestor)
    };
    Ok(ours.then_some(p))
}

/// Whether `pid` is among the calling process's ancestors (up to eight generations).
fn is_ancestor(pid: u32) -> bool {
    let parent_of = |p: u32| -> Option<u32> {
        let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
        // Field 4, after the command name (which may hold spaces and parentheses).
        stat[stat.rfind(')')? + 1..]
            .split_ascii_whitespace()
            .nth(1)?
            .parse()
            .ok()
    };
    let mut p = proc::getppid();
    for _ in 0..8 {
        if p == pid {
            return true;
        }
        if p <= 1 {
            return false;
        }
        match parent_of(p) {
            Some(pp) => p = pp,
            None => return false,
        }
    }
    false
}

/// Whether thread slot `t` (in any non-free state) belongs to a live thread.
fn thread_alive(g: &Guard<'_>, t: u32) -> bool {
    if t == g.me || g.s.live_tid(t).is_some() {
        return true;
    }
    let st = g.get(Store::th(t, th::STATE));
    // A slot being claimed whose thread still exists has not locked its token yet.
    st & SLOT_CLAIMING != 0 && proc::start_time(st & !SLOT_CLAIMING).is_some()
}

/// Whether process slot `p` belongs to a live process (or a pending child that may still
/// start).
fn process_alive(g: &Guard<'_>, p: u32, has_live_thread: bool) -> bool {
    if has_live_thread || g.s.my_proc() == Some(p) {
        return true;
    }
    let pid = g.get(Store::pr(p, pr::PID));
    let start = u64::from(g.get(Store::pr(p, pr::START_LO)))
        | u64::from(g.get(Store::pr(p, pr::START_HI))) << 32;
    match g.get(Store::pr(p, pr::STATE)) {
        SLOT_LIVE => proc::is_running(pid, start),
        SLOT_PENDING if pid != 0 => proc::start_time(pid).is_some(),
        SLOT_PENDING => match g.s.proc_link(g.get(Store::pr(p, pr::PARENT))) {
            Ok(Some(parent)) => {
                g.get(Store::pr(parent, pr::STATE)) == SLOT_LIVE && process_alive(g, parent, false)
            }
            _ => false,
        },
        _ => false,
    }
}

/// Undo-log entries that reaping may fill in one transaction. Closing a dead process's
/// handles writes about eight words each, so one transaction cannot close an unbounded number
/// of them: reaping stops at this budget — leaving the rest of the log to the caller's own
/// writes — and the next transaction goes on where it stopped ([`finish_reaping`]).
pub(crate) const REAP_LOG_BUDGET: u32 = LOG_ENTRIES / 4;

/// How far a call to [`reap_dead`] got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(crate) enum Reaped {
    /// Every dead thread and process is gone.
    All,
    /// The budget ran out; some dead process still holds handles.
    Partly,
}

/// Reaps the dead in transactions of their own until none is left. Each round frees at least
/// a budget's worth of handles, so this ends; other processes' calls interleave between rounds.
pub(crate) fn finish_reaping(s: &Store) -> Result<()> {
    loop {
        let mut g = s.lock(s.me()?, None)?;
        let r = reap_dead(&mut g)?;
        g.commit();
        if r == Reaped::All {
            return Ok(());
        }
    }
}

/// Finds every dead thread and process in the store and reaps it, within
/// [`REAP_LOG_BUDGET`] undo-log entries of this transaction.
pub(crate) fn reap_dead(g: &mut Guard<'_>) -> Result<Reaped> {
    let mut proc_has_live_thread = vec![false; MAX_PROCS as usize];
    for t in 0..MAX_THREADS {
        let st = g.get(Store::th(t, th::STATE));
        if st == SLOT_FREE {
            continue;
        }
        if st & SLOT_RELEASING != 0 {
            // Committed by a holder that died before publishing it (we hold the lock, so no
            // transaction is in flight): publish it now.
            g.republish_release(t, st & !SLOT_RELEASING);
            continue;
        }
        if thread_alive(g, t) {
            if let Ok(Some(p)) = g.s.proc_link(g.get(Store::th(t, th::PROC))) {
                proc_has_live_thread[p as usize] = true;
            }
        } else {
            reap_thread(g, t)?;
        }
    }
    for p in 0..MAX_PROCS {
        if g.get(Store::pr(p, pr::STATE)) != SLOT_FREE
            && !process_alive(g, p, proc_has_live_thread[p as usize])
            && reap_process(g, p)? == Reaped::Partly
        {
            return Ok(Reaped::Partly);
        }
    }
    Ok(Reaped::All)
}

/// Reaps a dead thread: what it owned is released above ([`super::Layers::thread_gone`]),
/// its slot freed.
pub(crate) fn reap_thread(g: &mut Guard<'_>, t: u32) -> Result<()> {
    tracing::debug!(
        slot = t,
        tid = g.get(Store::th(t, th::TID)),
        "reaping dead thread"
    );
    super::layers().thread_gone(g, t)?;
    g.set(Store::th(t, th::WAIT_STATE), WAIT_IDLE)?;
    g.set(Store::th(t, th::PROC), 0)?;
    g.set(Store::th(t, th::TID), 0)?;
    g.set(Store::th(t, th::PID), 0)?;
    g.release_thread_slot(t, SLOT_FREE)
}

/// Reaps a dead process: closes all its handles and frees its slot — or, once this
/// transaction has used [`REAP_LOG_BUDGET`] log entries, stops with the slot still holding
/// the handles not yet closed (a later call goes on).
pub(crate) fn reap_process(g: &mut Guard<'_>, p: u32) -> Result<Reaped> {
    tracing::debug!(
        slot = p,
        pid = g.get(Store::pr(p, pr::PID)),
        "reaping dead process"
    );
    for t in 0..MAX_THREADS {
        if g.get(Store::th(t, th::STATE)) != SLOT_FREE
            && g.get(Store::th(t, th::PROC)) == p + 1
            && t != g.me
        {
            reap_thread(g, t)?;
        }
    }
    let layers = super::layers();
    layers.process_gone(g, p)?;
    for h in 0..HANDLES_PER_PROC {
        if g.get(Store::hd(p, h, hd::OBJ)) != 0 {
            if g.log_len() >= REAP_LOG_BUDGET {
                return Ok(Reaped::Partly);
            }
            layers.close_handle(g, p, h)?;
        }
    }
    if g.get(Store::pr(p, pr::EXIT_SET)) != 0 {
        log_exit(g, p)?;
    }
    g.set(Store::pr(p, pr::EXIT_SET), 0)?;
    g.set(Store::pr(p, pr::EXIT_CODE), 0)?;
    g.set(Store::pr(p, pr::HANDLE_COUNT), 0)?;
    g.set(Store::pr(p, pr::HANDLE_HINT), 0)?;
    g.set(Store::pr(p, pr::PID), 0)?;
    g.set(Store::pr(p, pr::PARENT), 0)?;
    g.add(Store::pr(p, pr::GEN), 1)?;
    g.set(Store::pr(p, pr::STATE), SLOT_FREE)?;
    Ok(Reaped::All)
}

/// Keeps a reaped process's full exit code in the store's exit log (a ring of the last
/// [`EXIT_LOG_ENTRIES`]), for observers that open its process object later.
fn log_exit(g: &mut Guard<'_>, p: u32) -> Result<()> {
    let k = g.get(hdr::EXIT_LOG_NEXT) % EXIT_LOG_ENTRIES;
    let at = EXIT_LOG + 4 * k;
    for (i, f) in [pr::PID, pr::START_LO, pr::START_HI, pr::EXIT_CODE]
        .into_iter()
        .enumerate()
    {
        let v = g.get(Store::pr(p, f));
        g.set(at + i as u32, v)?;
    }
    g.set(hdr::EXIT_LOG_NEXT, (k + 1) % EXIT_LOG_ENTRIES)
}

/// Records the calling process's full exit code in its process slot (`ExitProcess`).
pub(crate) fn record_exit_code(g: &mut Guard<'_>, code: u32) -> Result<()> {
    let p = g.s.my_proc().ok_or(Error::InvalidHandle)?;
    g.set(Store::pr(p, pr::EXIT_CODE), code)?;
    g.set(Store::pr(p, pr::EXIT_SET), 1)
}

/// The full exit code recorded by process (pid, start) with `ExitProcess`, if any: from its
/// process slot while it is not yet reaped, else from the exit log.
pub(crate) fn recorded_exit_code(g: &Guard<'_>, pid: u32, start: u64) -> Option<u32> {
    let (lo, hi) = (start as u32, (start >> 32) as u32);
    let slot = (0..MAX_PROCS).find(|&p| {
        g.get(Store::pr(p, pr::STATE)) == SLOT_LIVE
            && g.get(Store::pr(p, pr::PID)) == pid
            && g.get(Store::pr(p, pr::START_LO)) == lo
            && g.get(Store::pr(p, pr::START_HI)) == hi
            && g.get(Store::pr(p, pr::EXIT_SET)) != 0
    });
    if let Some(p) = slot {
        return Some(g.get(Store::pr(p, pr::EXIT_CODE)));
    }
    (0..EXIT_LOG_ENTRIES)
        .map(|k| EXIT_LOG + 4 * k)
        .find_map(|at| {
            (g.get(at) == pid && g.get(at + 1) == lo && g.get(at + 2) == hi).then(|| g.get(at + 3))
        })
}

/// Prepares a pending process slot for a child about to be spawned by this process, owned by
/// us until the child claims it. Returns (slot, generation).
pub(crate) fn prepare_child(g: &mut Guard<'_>) -> Result<(u32, u32)> {
    let me = g.s.my_proc().ok_or(Error::InvalidHandle)?;
    let free =
        |g: &Guard<'_>| (0..MAX_PROCS).find(|&p| g.get(Store::pr(p, pr::STATE)) == SLOT_FREE);
    let p = match free(g) {
        Some(p) => p,
        None => {
            let _ = reap_dead(g)?; // a partial reap may still have freed a slot
            free(g).ok_or(Error::NoResources("process slots"))?
        }
    };
    g.set(Store::pr(p, pr::STATE), SLOT_PENDING)?;
    // The child numbers its stores as we do (its handle values are ours).
    g.set(Store::pr(p, pr::STORE_ID), u32::from(g.s.id.0))?;
    g.set(Store::pr(p, pr::PID), 0)?;
    g.set(Store::pr(p, pr::PARENT), me + 1)?;
    g.set(Store::pr(p, pr::HANDLE_COUNT), 0)?;
    g.set(Store::pr(p, pr::HANDLE_HINT), 0)?;
    Ok((p, g.get(Store::pr(p, pr::GEN))))
}
