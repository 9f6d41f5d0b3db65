//! Model checks of the store lock and its transactions: the real [`Txn`] code (`txn.rs`, the
//! same code `lock::Guard` runs on a mapped store) over loom's atomics, with a small layout, a
//! futex modelled by loom's `Mutex`/`Condvar` (the value check and the sleep are atomic with
//! respect to a wake, deadlines never fire, so a lost wake-up shows up as a deadlock) and
//! liveness flags.
//!
//! A thread is *killed* after its `k`-th access to shared words: from then on its stores,
//! swaps and compare-and-swaps change nothing (as if it had stopped there), its wakes are
//! lost, and when it reaches its end its liveness flag flips to dead — the kernel's
//! robust-futex wake-up on its token, which may come at any later point. Each test runs the
//! model for every `k`, so the holder dies at every shared-memory access of its transaction.
//!
//! They are ordinary unit tests, so `cargo test --workspace` (the README's command, which CI
//! runs) checks them: about 2 s in a debug build with at most 2 preemptions per execution (the
//! default here); `LOOM_MAX_PREEMPTIONS=N cargo test -p winipc --release --lib loom` explores
//! more: N = 3 in about 3 s, 4 in about 8 s, 5 in about 2 minutes (all passing).
//!
//! That they can fail was checked by hand on these mutations of `txn.rs`: writing the word
//! before its undo-log entry (half-applied transactions seen), publishing wait or slot states
//! before the commit point (a committed transaction undone, a waiter woken for a rolled-back
//! one), not waking the lock word's sleeper on unlock or skipping the wake-ups after it
//! (deadlocks), not recovering a non-empty log, and not rolling back an uncommitted
//! transaction at its end. Dropping the release fences of `Txn::set` is *not*
//! caught: loom runs each thread in program order, and a dead holder's writes become visible
//! through its liveness flag (as a killed thread's do through the kernel's robust-futex
//! wake-up); the fences are there for the compiler and the CPU, which the model does not
//! reorder.

use std::sync::atomic::{AtomicBool as StdBool, AtomicU32 as StdU32};
use std::sync::{Arc as StdArc, Mutex as StdMutex};

use loom::sync::atomic::{AtomicBool, AtomicU32};
use loom::sync::{Arc, Condvar, Mutex};
use loom::thread;

use super::layout::{LOCK_WAITERS, WAIT_SATISFIED, WAIT_WAITING};
use super::txn::{Backend, Layout, Txn};
use crate::sync::{Ordering, Word};

// The model's layout: header, data words, a four-entry log, three thread slots.
const LOCK: u32 = 0;
const LOG_LEN: u32 = 1;
const CHANGES: u32 = 2;
const RECOVERIES: u32 = 3;
const D: u32 = 4; // data words D..D + 4
const LOG: u32 = 8;
const LOG_ENTRIES: u32 = 4;
const THREADS: u32 = LOG + 2 * LOG_ENTRIES;
const SLOTS: u32 = 3;
const TH_STATE: u32 = 0;
const TH_WAIT: u32 = 1;
const WORDS: u32 = THREADS + SLOTS * 2;

fn wait_word(t: u32) -> u32 {
    THREADS + t * 2 + TH_WAIT
}

/// Which thread is killed, and after how many of its accesses (not part of the model: only
/// the victim touches it, and loom runs its threads one at a time).
#[derive(Debug, Default)]
struct Killer {
    victim: StdMutex<Option<thread::ThreadId>>,
    budget: StdU32,
    dead: StdBool,
}

impl Killer {
    /// Whether the calling thread is the victim and past its last access (counts one access).
    fn dead_after_access(&self) -> bool {
        if *self.victim.lock().unwrap() != Some(thread::current().id()) {
            return false;
        }
        if self.dead.load(Ordering::Relaxed) {
            return true;
        }
        let left = self.budget.load(Ordering::Relaxed);
        if left == 0 {
            self.dead.store(true, Ordering::Relaxed);
            return true;
        }
        self.budget.store(left - 1, Ordering::Relaxed);
        false
    }

    fn is_dead_here(&self) -> bool {
        *self.victim.lock().unwrap() == Some(thread::current().id())
            && self.dead.load(Ordering::Relaxed)
    }
}

/// A shared word of the model: loom's atomic, whose writes are lost once its thread is dead.
#[derive(Debug)]
struct MWord {
    a: AtomicU32,
    k: StdArc<Killer>,
}

impl Word for MWord {
    fn load(&self, order: Ordering) -> u32 {
        let _ = self.k.dead_after_access();
        self.a.load(order)
    }
    fn store(&self, v: u32, order: Ordering) {
        if !self.k.dead_after_access() {
            self.a.store(v, order);
        }
    }
    fn swap(&self, v: u32, order: Ordering) -> u32 {
        if self.k.dead_after_access() {
            return self.a.load(Ordering::Relaxed);
        }
        self.a.swap(v, order)
    }
    fn compare_exchange(
        &self,
        current: u32,
        new: u32,
        success: Ordering,
        failure: Ordering,
    ) -> Result<u32, u32> {
        if self.k.dead_after_access() {
            // A dead thread's CAS takes effect nowhere; make it look like it lost.
            return Err(self.a.load(Ordering::Relaxed));
        }
        self.a.compare_exchange(current, new, success, failure)
    }
    fn fetch_add(&self, v: u32, order: Ordering) -> u32 {
        if self.k.dead_after_access() {
            return self.a.load(Ordering::Relaxed);
        }
        self.a.fetch_add(v, order)
    }
    fn fence(order: Ordering) {
        loom::sync::atomic::fence(order);
    }
}

/// The model store: words, a futex, and one liveness flag per thread slot.
#[derive(Debug)]
struct Model {
    words: Vec<MWord>,
    alive: Vec<AtomicBool>,
    futex: Mutex<()>,
    cv: Condvar,
    killer: StdArc<Killer>,
    /// Corrupt values the algorithm reported (and refused).
    corruptions: StdMutex<Vec<&'static str>>,
}

impl Model {
    fn new() -> Arc<Model> {
        let killer = StdArc::new(Killer::default());
        Arc::new(Model {
            words: (0..WORDS)
                .map(|_| MWord {
                    a: AtomicU32::new(0),
                    k: killer.clone(),
                })
                .collect(),
            alive: (0..SLOTS).map(|_| AtomicBool::new(true)).collect(),
            futex: Mutex::new(()),
            cv: Condvar::new(),
            killer,
            corruptions: StdMutex::new(Vec::new()),
        })
    }

    /// From now on, the calling thread dies after `accesses` more accesses to shared words.
    fn doom_me(&self, accesses: u32) {
        *self.killer.victim.lock().unwrap() = Some(thread::current().id());
        self.killer.budget.store(accesses, Ordering::Relaxed);
    }

    /// Called by the victim at its end: if it was killed, its slot now reads as dead and the
    /// kernel's wake-up on its token reaches whoever sleeps on it.
    fn bury(&self, slot: u32) -> bool {
        let dead = self.killer.is_dead_here();
        if dead {
            let _g = self.futex.lock().unwrap();
            self.alive[slot as usize].store(false, Ordering::SeqCst);
            self.cv.notify_all();
        }
        dead
    }

    /// The value of word `i`, read outside any transaction (after the threads joined).
    fn peek(&self, i: u32) -> u32 {
        self.words[i as usize].a.load(Ordering::SeqCst)
    }

    fn poke(&self, i: u32, v: u32) {
        self.words[i as usize].a.store(v, Ordering::SeqCst);
    }

    /// A waiter's futex sleep on its own wait word.
    fn sleep_while(&self, i: u32, v: u32) {
        let g = self.futex.lock().unwrap();
        if self.words[i as usize].a.load(Ordering::SeqCst) == v {
            drop(self.cv.wait(g).unwrap());
        }
    }
}

impl Backend for Model {
    type W = MWord;
    const LAYOUT: Layout = Layout {
        lock: LOCK,
        log_len: LOG_LEN,
        changes: CHANGES,
        recoveries: RECOVERIES,
        log: LOG,
        log_entries: LOG_ENTRIES,
        threads: THREADS,
        max_threads: SLOTS,
        thread_words: 2,
        th_state: TH_STATE,
        th_wait_state: TH_WAIT,
        restorable: [(D, D + 4), (THREADS, WORDS)],
    };
    const SPINS: u32 = 0;
    const PATIENCE_NS: u64 = u64::MAX;

    fn word(&self, i: u32) -> &MWord {
        &self.words[i as usize]
    }
    fn live_tid(&self, slot: u32) -> Option<u32> {
        let alive = self.alive.get(slot as usize)?.load(Ordering::SeqCst);
        alive.then_some(100 + slot)
    }
    fn sleep_on_lock(&self, seen: u32, holder: u32, _tid: u32, _deadline_ns: u64) -> bool {
        let g = self.futex.lock().unwrap();
        if self.words[LOCK as usize].a.load(Ordering::SeqCst) == seen
            && self.alive[holder as usize].load(Ordering::SeqCst)
        {
            drop(self.cv.wait(g).unwrap());
        }
        false
    }
    fn wake(&self, _i: u32, _count: u32) {
        if self.killer.is_dead_here() {
            return; // a dead thread wakes nobody
        }
        let _g = self.futex.lock().unwrap();
        self.cv.notify_all();
    }
    fn now_ns(&self) -> u64 {
        0
    }
    fn spin(&self) {
        thread::yield_now();
    }
    fn stolen(&self, _holder: u32) {}
    fn corrupt(&self, what: &'static str) {
        self.corruptions.lock().unwrap().push(what);
    }
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(2);
    }
    b.check(f);
}

/// One transaction as thread slot `me`: `D + i += 1` for each `i` of `words`.
fn increment(m: &Model, me: u32, words: &[u32]) {
    let mut t = Txn::begin(m, me, None).unwrap();
    for &i in words {
        let v = t.get(D + i);
        t.set(D + i, v + 1).unwrap();
    }
    t.commit(&[], &[]);
    t.finish(&[]);
}

/// After the threads joined: the lock is free, the log empty, the wait words untouched.
fn assert_quiet(m: &Model) {
    assert_eq!(m.peek(LOCK) & !LOCK_WAITERS, 0, "lock still held");
    assert_eq!(m.peek(LOG_LEN), 0, "undo log not empty");
    assert_eq!(
        *m.corruptions.lock().unwrap(),
        [] as [&str; 0],
        "corruption reported"
    );
}

/// Two live threads contend for the lock: each increment is kept (mutual exclusion), and the
/// loser that slept is woken (a lost wake-up would deadlock the model).
#[test]
fn loom_two_lockers_exclude_each_other() {
    model(|| {
        let m = Model::new();
        let m1 = m.clone();
        let other = thread::spawn(move || increment(&m1, 1, &[0, 1]));
        increment(&m, 0, &[0, 1]);
        other.join().unwrap();
        assert_eq!((m.peek(D), m.peek(D + 1)), (2, 2));
        assert_eq!(m.peek(CHANGES), 2);
        assert_quiet(&m);
    });
}

/// Shared accesses of [`victim_transaction`] up to and including its commit point (the store
/// that empties the log): two `set`s of five accesses each (load, log index, log value, log
/// length, word), then the commit's store.
const COMMIT_POINT: u32 = 11;
/// All of [`victim_transaction`]'s accesses: after the commit point, the change counter's load
/// and store, the publication of slot 2's state and wait words, and the unlock's swap.
const VICTIM_ACCESSES: u32 = 16;
/// The claimable state the victim publishes into slot 2's state word after its commit.
const RELEASED: u32 = 9;

fn state_word(t: u32) -> u32 {
    THREADS + t * 2 + TH_STATE
}

/// Slot 0 takes the lock, then dies after `k` more shared accesses of a transaction writing
/// `D = 1`, `D + 1 = 2` and publishing, after its commit, [`RELEASED`] into slot 2's state word
/// and `SATISFIED` into its wait word.
fn victim_transaction(m: &Model, k: u32) {
    let mut t = Txn::begin(m, 0, None).unwrap();
    m.doom_me(k);
    t.set(D, 1).unwrap();
    t.set(D + 1, 2).unwrap();
    let wakes = [(2, WAIT_SATISFIED)];
    t.commit(&[(2, RELEASED)], &wakes);
    t.finish(&wakes);
    m.bury(0);
}

/// A model whose slot 2 waits, and the victim (slot 0) killed after `k` accesses.
fn spawn_victim(k: u32) -> (Arc<Model>, thread::JoinHandle<()>) {
    let m = Model::new();
    m.poke(wait_word(2), WAIT_WAITING);
    let m1 = m.clone();
    (m, thread::spawn(move || victim_transaction(&m1, k)))
}

/// The victim's writes, seen under the lock: both or neither.
fn assert_whole(d: (u32, u32)) {
    assert!(d == (0, 0) || d == (1, 2), "saw half a transaction: {d:?}");
}

/// The victim's writes read as a whole: both or neither, and both if it passed its commit
/// point.
fn assert_all_or_nothing(d: (u32, u32), k: u32) {
    assert!(
        d == (0, 0) || d == (1, 2),
        "a transaction was half applied: {d:?} (killed after {k} accesses)"
    );
    if k >= COMMIT_POINT {
        assert_eq!(d, (1, 2), "a committed transaction was undone (k = {k})");
    }
}

/// A holder killed at each access of its transaction, and a second thread that takes the lock
/// (stealing it if the holder died holding it) and writes a transaction of its own: the
/// holder's writes are rolled back exactly when it died before its commit point, the
/// stealer's transaction is kept, and whoever locks last finds nothing half done.
#[test]
fn loom_a_killed_holder_is_rolled_back_by_the_stealer() {
    for k in 0..=VICTIM_ACCESSES {
        model(move || {
            let (m, victim) = spawn_victim(k);
            {
                let mut t = Txn::begin(&*m, 1, None).unwrap();
                assert_whole((t.get(D), t.get(D + 1)));
                t.set(D + 2, 7).unwrap();
                t.commit(&[], &[]);
                t.finish(&[]);
            }
            victim.join().unwrap();
            // A last locker (slot 2) recovers whatever the victim left, if it died after the
            // stealer's turn.
            let t = Txn::begin(&*m, 2, None).unwrap();
            let d = (t.get(D), t.get(D + 1));
            assert_all_or_nothing(d, k);
            assert_eq!(t.get(D + 2), 7, "the stealer's committed write was undone");
            let published = t.get(wait_word(2)) == WAIT_SATISFIED;
            assert!(
                !published || d == (1, 2),
                "a published wake-up outlived its rollback"
            );
            let released = t.get(state_word(2)) == RELEASED;
            assert!(
                !released || d == (1, 2),
                "a published slot state outlived its rollback"
            );
            let mut t = t;
            t.commit(&[], &[]);
            t.finish(&[]);
            assert_quiet(&m);
        });
    }
}

/// Commit, publish, unlock, wake: a waiter that reads `SATISFIED` in its wait word — at any
/// moment, as a waiter whose timeout fires would — then takes the lock and finds the
/// signaler's writes there, even if the signaler was killed at any access and its lock stolen
/// by the waiter. A wait word is never published for a transaction a rollback takes back.
#[test]
fn loom_a_published_wake_up_is_never_rolled_back() {
    for k in 0..=VICTIM_ACCESSES {
        model(move || {
            let (m, victim) = spawn_victim(k);
            let seen = m.word(wait_word(2)).load(Ordering::Acquire);
            let mut t = Txn::begin(&*m, 2, None).unwrap();
            let d = (t.get(D), t.get(D + 1));
            assert_whole(d);
            if seen == WAIT_SATISFIED || t.get(wait_word(2)) == WAIT_SATISFIED {
                assert_eq!(d, (1, 2), "woken for a transaction that was rolled back");
            }
            t.commit(&[], &[]);
            t.finish(&[]);
            victim.join().unwrap();
        });
    }
}

/// A waiter that blocks on its wait word until it reads `SATISFIED` is always woken by a
/// signaler that lives (publish before unlock, wake after: no lost wake-up, which would
/// deadlock the model), and then finds the signaler's writes.
#[test]
fn loom_a_blocked_waiter_is_woken_after_the_commit() {
    model(|| {
        let m = Model::new();
        m.poke(wait_word(2), WAIT_WAITING);
        let m1 = m.clone();
        let signaler = thread::spawn(move || victim_transaction(&m1, u32::MAX));
        while m.word(wait_word(2)).load(Ordering::Acquire) != WAIT_SATISFIED {
            m.sleep_while(wait_word(2), WAIT_WAITING);
        }
        let mut t = Txn::begin(&*m, 2, None).unwrap();
        assert_eq!((t.get(D), t.get(D + 1)), (1, 2));
        t.commit(&[], &[]);
        t.finish(&[]);
        signaler.join().unwrap();
        assert_quiet(&m);
    });
}

/// A holder that ends its transaction without committing (an error on the way) rolls its own
/// writes back and publishes nothing; a contending locker never sees them.
#[test]
fn loom_an_uncommitted_transaction_is_rolled_back_by_its_holder() {
    model(|| {
        let m = Model::new();
        m.poke(wait_word(2), WAIT_WAITING);
        let m1 = m.clone();
        let failing = thread::spawn(move || {
            let mut t = Txn::begin(&*m1, 0, None).unwrap();
            t.set(D, 1).unwrap();
            t.set(D + 1, 2).unwrap();
            t.finish(&[(2, WAIT_SATISFIED)]);
        });
        let seen = m.word(wait_word(2)).load(Ordering::Acquire);
        let mut t = Txn::begin(&*m, 1, None).unwrap();
        assert_eq!((t.get(D), t.get(D + 1)), (0, 0), "saw uncommitted writes");
        t.commit(&[], &[]);
        t.finish(&[]);
        failing.join().unwrap();
        assert_eq!(seen, WAIT_WAITING);
        assert_eq!((m.peek(D), m.peek(D + 1)), (0, 0));
        assert_eq!(m.peek(wait_word(2)), WAIT_WAITING);
        assert_eq!(m.peek(CHANGES), 1);
        assert_quiet(&m);
    });
}

/// Two lockers race to steal from a holder killed in the middle of its log writes: exactly one
/// steals, the rollback happens once, and both lockers' transactions are kept.
#[test]
fn loom_two_stealers_race_for_a_dead_holders_lock() {
    for k in [3, 5, 9] {
        model(move || {
            let m = Model::new();
            let m1 = m.clone();
            let victim = thread::spawn(move || victim_transaction(&m1, k));
            let m2 = m.clone();
            let other = thread::spawn(move || increment(&m2, 1, &[3]));
            increment(&m, 2, &[3]);
            other.join().unwrap();
            victim.join().unwrap();
            // The victim may have been killed after both increments: recover as slot 1.
            let t = Txn::begin(&*m, 1, None).unwrap();
            assert_all_or_nothing((t.get(D), t.get(D + 1)), k);
            assert_eq!(t.get(D + 3), 2, "an increment was lost or undone");
            let mut t = t;
            t.commit(&[], &[]);
            t.finish(&[]);
            assert_quiet(&m);
        });
    }
}

/// Lock words and undo logs that no live holder left — a lock naming the locker's own slot (a
/// dead earlier owner of the slot), a holder slot out of range, log entries pointing at the
/// lock, the log or past the store, a log length past the log — are stolen from and refused:
/// the valid entries are rolled back, the others reported as corrupt and never written, and
/// the lock and the log end up consistent.
#[test]
fn loom_forged_locks_and_logs_are_refused() {
    model(|| {
        for holder in [1, SLOTS + 5, 0x7fff_fff0] {
            let m = Model::new();
            m.poke(LOCK, holder); // slot 0 itself, or out of range
            m.poke(D, 5);
            // Entry 0 restores D to 1; entry 1 would "restore" the lock; entry 2 points past
            // the store; entry 3 would rewrite the log length.
            for (k, (i, old)) in [(D, 1), (LOCK, 0), (WORDS + 100, 3), (LOG_LEN, 9)]
                .into_iter()
                .enumerate()
            {
                m.poke(LOG + 2 * k as u32, i);
                m.poke(LOG + 2 * k as u32 + 1, old);
            }
            m.poke(LOG_LEN, if holder == 1 { LOG_ENTRIES } else { 1000 });
            let mut t = Txn::begin(&*m, 0, None).unwrap();
            assert_eq!(t.get(D), 1, "the valid entry was not rolled back");
            assert_eq!(t.get(LOG_LEN), 0);
            assert_eq!(t.get(LOCK) & !LOCK_WAITERS, 1, "the locker holds the lock");
            assert_eq!(m.peek(RECOVERIES), 1);
            t.commit(&[], &[]);
            t.finish(&[]);
            let reported = std::mem::take(&mut *m.corruptions.lock().unwrap());
            let expected: &[&str] = if holder == 1 {
                &["undo-log entry out of range"; 3]
            } else {
                &[
                    "undo log length",
                    "undo-log entry out of range",
                    "undo-log entry out of range",
                    "undo-log entry out of range",
                ]
            };
            assert_eq!(reported, expected);
            assert_quiet(&m);
        }
    });
}

/// The readiness word's protocol (`observe.rs`): a sleeper that arms, looks at its object and
/// sleeps while the word holds the armed value is always woken by a change of that object,
/// even when another change (of another object) cleared the sleeping bit in between, and a
/// changer that saw no sleeper wakes nobody. A lost wake-up deadlocks the model. Checked to
/// fail with the bit kept in a separate word (a late clear by one changer
/// hides a sleeper from the next: deadlocks) and with the wake skipped for every other count.
#[test]
fn loom_observe_wakes_are_never_lost() {
    use super::observe::{arm, bump};
    const SEQ: u32 = D;
    const A: u32 = D + 1;
    const B: u32 = D + 2;
    let sleep_until = |m: &Model, obj: u32| loop {
        let v = arm(m.word(SEQ));
        if m.word(obj).load(Ordering::SeqCst) != 0 {
            return;
        }
        m.sleep_while(SEQ, v);
    };
    let change = |m: &Model, obj: u32| {
        m.word(obj).store(1, Ordering::SeqCst); // the commit
        if bump(m.word(SEQ)).1 {
            m.wake(SEQ, u32::MAX);
        }
    };
    // One sleeper; its object's change races with another object's.
    model(move || {
        let m = Model::new();
        let (m1, m2) = (m.clone(), m.clone());
        let c1 = thread::spawn(move || change(&m1, A));
        let c2 = thread::spawn(move || change(&m2, B));
        sleep_until(&m, A);
        c1.join().unwrap();
        c2.join().unwrap();
    });
    // Two sleepers on one word, each for its own object, and one changer of both.
    model(move || {
        let m = Model::new();
        let (m1, m2) = (m.clone(), m.clone());
        let s = thread::spawn(move || sleep_until(&m1, B));
        let c = thread::spawn(move || {
            change(&m2, A);
            change(&m2, B);
        });
        sleep_until(&m, A);
        s.join().unwrap();
        c.join().unwrap();
    });
}
