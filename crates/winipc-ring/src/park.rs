//! An in-process [`Futex`](crate::Futex) over `std::sync::{Mutex, Condvar}`, for tests,
//! benchmarks and single-process use. Not usable across processes.

use crate::Futex;
use crate::sync::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

/// One condition variable for all words: `wake` wakes every waiter, which re-checks its word.
/// Correct futex semantics (the value check and the sleep are atomic with respect to `wake`).
#[derive(Debug, Default)]
pub struct ParkFutex {
    lock: Mutex<()>,
    cond: Condvar,
}

impl ParkFutex {
    /// A new, unshared futex stand-in.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Futex for ParkFutex {
    fn wait(&self, word: &AtomicU32, expected: u32, deadline: Option<Instant>) {
        let guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        if word.load(Ordering::SeqCst) != expected {
            return;
        }
        match deadline {
            None => drop(self.cond.wait(guard)),
            Some(d) => {
                let now = Instant::now();
                if d > now {
                    drop(self.cond.wait_timeout(guard, d - now));
                }
            }
        }
    }

    fn wake(&self, _word: &AtomicU32, _count: u32) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        self.cond.notify_all();
    }
}
