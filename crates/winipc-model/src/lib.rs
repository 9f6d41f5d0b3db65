//! A model of the store lock and the wait/signal protocol of `winipc` (`crates/winipc/src/
//! store/lock.rs`, `wait.rs`, `objects.rs`), written over loom's atomics so that loom can explore
//! every interleaving. The real code runs on memory-mapped files and real futexes, which loom
//! cannot intercept; this crate mirrors its protocol step by step (each step names the function
//! it models) for one auto-reset event.
//!
//! Modelled:
//! - the lock word: holder + 1 with a waiters bit; CAS to take it, `swap(0)` to release,
//!   `FUTEX_WAKE(1)` when the waiters bit was set (`Store::lock`, `Guard::drop`);
//! - a waiter's poll, link into the FIFO list, sleep on its own wait word, and the lock-free
//!   return when it reads `SATISFIED` (`wait::single`);
//! - a signaler satisfying the first waiter inside its transaction, recording the result
//!   (`WF_DONE`), flipping the waiter's word to `SATISFIED` after the commit and before the
//!   unlock, and waking it after the unlock (`objects::wake_waiters`, `Guard::commit`);
//! - a waiter whose timeout fires at any moment: it takes the lock, collects a result that was
//!   committed meanwhile, or cancels (`wait::recheck`).
//!
//! State protected by the lock lives in `loom::cell::UnsafeCell`, so loom also proves the lock
//! gives mutual exclusion: any unsynchronized access would be reported as a data race.
#![warn(missing_docs)]

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicU32, Ordering};
use loom::sync::{Condvar, Mutex};

/// The waiters bit of the lock word.
pub const LOCK_WAITERS: u32 = 0x8000_0000;
/// Wait word: not waiting.
pub const IDLE: u32 = 0;
/// Wait word: linked and sleeping.
pub const WAITING: u32 = 1;
/// Wait word: a signaler satisfied the wait (stored after its commit).
pub const SATISFIED: u32 = 2;

/// A futex: `wait` sleeps while the word holds the value; `wake` wakes everyone (spurious
/// wake-ups are allowed, as with the real futex).
#[derive(Debug, Default)]
pub struct Futex {
    m: Mutex<()>,
    cv: Condvar,
}

impl Futex {
    fn wait(&self, word: &AtomicU32, expected: u32) {
        let g = self.m.lock().unwrap();
        if word.load(Ordering::SeqCst) == expected {
            drop(self.cv.wait(g).unwrap());
        }
    }
    fn wake(&self) {
        let _g = self.m.lock().unwrap();
        self.cv.notify_all();
    }
}

/// State under the lock: the event and the FIFO waiter list with each waiter's result flag.
#[derive(Debug)]
struct Protected {
    signaled: bool,
    fifo: Vec<usize>,
    done: Vec<bool>,
}

/// One store with one auto-reset event and `n` potential waiters.
#[derive(Debug)]
pub struct Store {
    lock: AtomicU32,
    lock_futex: Futex,
    state: UnsafeCell<Protected>,
    /// Each thread's wait word (the futex it sleeps on).
    wait_word: Vec<AtomicU32>,
    wait_futex: Vec<Futex>,
}

/// What a wait returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The event was acquired.
    Signaled,
    /// The wait timed out; nothing was acquired.
    TimedOut,
}

impl Store {
    /// A store for `threads` thread slots with an event initially `signaled`.
    pub fn new(threads: usize, signaled: bool) -> Store {
        Store {
            lock: AtomicU32::new(0),
            lock_futex: Futex::default(),
            state: UnsafeCell::new(Protected {
                signaled,
                fifo: Vec::new(),
                done: vec![false; threads],
            }),
            wait_word: (0..threads).map(|_| AtomicU32::new(IDLE)).collect(),
            wait_futex: (0..threads).map(|_| Futex::default()).collect(),
        }
    }

    /// `Store::lock` / `lock_slow`.
    fn lock(&self, me: usize) {
        let mine = me as u32 + 1;
        if self
            .lock
            .compare_exchange(0, mine, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
        {
            return;
        }
        loop {
            let cur = self.lock.load(Ordering::Relaxed);
            if cur == 0 {
                if self
                    .lock
                    .compare_exchange(0, mine | LOCK_WAITERS, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    return;
                }
                continue;
            }
            if cur & LOCK_WAITERS == 0
                && self
                    .lock
                    .compare_exchange(
                        cur,
                        cur | LOCK_WAITERS,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    )
                    .is_err()
            {
                continue;
            }
            self.lock_futex.wait(&self.lock, cur | LOCK_WAITERS);
        }
    }

    /// `Guard::drop`: release, then wake one lock waiter if any.
    fn unlock(&self) {
        if self.lock.swap(0, Ordering::Release) & LOCK_WAITERS != 0 {
            self.lock_futex.wake();
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Protected) -> T) -> T {
        self.state.with_mut(|p| {
            // SAFETY: only called with the model's lock held, so no other reference exists;
            // loom's race detector checks exactly this claim on every interleaving.
            f(unsafe { &mut *p })
        })
    }

    /// `SetEvent`: set, then satisfy the first waiter (auto-reset: at most one), publishing its
    /// result after the commit and waking it after the unlock.
    pub fn set(&self, me: usize) {
        self.lock(me);
        let woken = self.with(|p| {
            p.signaled = true;
            // objects::wake_waiters for an auto-reset event.
            if let Some(&w) = p.fifo.first() {
                p.signaled = false;
                p.fifo.remove(0);
                p.done[w] = true;
                Some(w)
            } else {
                None
            }
        });
        // Guard::commit: flip the wait word after the commit, before the unlock.
        if let Some(w) = woken {
            self.wait_word[w].store(SATISFIED, Ordering::Release);
        }
        self.unlock();
        if let Some(w) = woken {
            self.wait_futex[w].wake();
        }
    }

    /// `WaitForSingleObject(event, INFINITE)`.
    pub fn wait(&self, me: usize) -> Outcome {
        match self.begin_wait(me) {
            Some(o) => o,
            None => self.finish_wait(me),
        }
    }

    /// The first half of a wait: poll, or link and return `None` (then call
    /// [`Store::finish_wait`]).
    pub fn begin_wait(&self, me: usize) -> Option<Outcome> {
        self.poll_or_link(me)
    }

    /// The second half of a blocking wait: sleep until satisfied.
    pub fn finish_wait(&self, me: usize) -> Outcome {
        loop {
            self.wait_futex[me].wait(&self.wait_word[me], WAITING);
            if self.wait_word[me].load(Ordering::Acquire) == SATISFIED {
                return self.take_result(me);
            }
        }
    }

    /// `WaitForSingleObject(event, T)` where the timeout fires right after linking (loom cannot
    /// model time; firing at the earliest point explores every race with signalers).
    pub fn wait_with_timeout(&self, me: usize) -> Outcome {
        if let Some(o) = self.poll_or_link(me) {
            return o;
        }
        if self.wait_word[me].load(Ordering::Acquire) == SATISFIED {
            return self.take_result(me);
        }
        // wait::recheck: under the lock, a committed result wins over the timeout.
        self.lock(me);
        let o = self.with(|p| {
            if p.done[me] {
                p.done[me] = false;
                Outcome::Signaled
            } else {
                p.fifo.retain(|&w| w != me);
                Outcome::TimedOut
            }
        });
        self.wait_word[me].store(IDLE, Ordering::Relaxed);
        self.unlock();
        o
    }

    fn poll_or_link(&self, me: usize) -> Option<Outcome> {
        self.lock(me);
        let o = self.with(|p| {
            if p.signaled {
                p.signaled = false;
                Some(Outcome::Signaled)
            } else {
                p.fifo.push(me);
                None
            }
        });
        if o.is_none() {
            self.wait_word[me].store(WAITING, Ordering::Relaxed);
        }
        self.unlock();
        o
    }

    /// `wait::take_result`: the waiter's own slot, no lock needed once `SATISFIED` is seen.
    fn take_result(&self, me: usize) -> Outcome {
        // The real code clears its flags (WF_DONE included) here, lock-free: nobody else
        // writes a satisfied waiter's slot. Modelled under the lock for loom's race checker,
        // which cannot see the happens-before the real code gets from the flipped word.
        self.lock(me);
        self.with(|p| p.done[me] = false);
        self.unlock();
        self.wait_word[me].store(IDLE, Ordering::Relaxed);
        Outcome::Signaled
    }

    /// Whether the event is signaled now (takes the lock).
    pub fn is_signaled(&self, me: usize) -> bool {
        self.lock(me);
        let s = self.with(|p| p.signaled);
        self.unlock();
        s
    }

    /// Whether `me`'s result flag is still set (it must be consumed exactly once).
    pub fn result_pending(&self, me: usize) -> bool {
        self.lock(me);
        let d = self.with(|p| p.done[me]);
        self.unlock();
        d
    }
}
