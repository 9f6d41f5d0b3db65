//! An in-process [`Futex`](crate::Futex) over `std::sync::{Mutex, Condvar}`, for tests,
//! benchmarks and single-process use. Not usable across processes.

use crate::Futex;
use crate::sync::{AtomicU32, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

static LOCK: Mutex<()> = Mutex::new(());
static COND: Condvar = Condvar::new();

/// Like the kernel's futex table, one process-wide wait queue shared by every `ParkFutex`
/// value: `wake` wakes every waiter, which re-checks its own word. The value check and the sleep
/// are atomic with respect to `wake`, so no wake-up is lost.
#[derive(Debug, Default, Clone, Copy)]
pub struct ParkFutex;

impl ParkFutex {
    /// A handle on the process-wide wait queue.
    pub fn new() -> Self {
        ParkFutex
    }
}

impl Futex for ParkFutex {
    fn wait(&self, word: &AtomicU32, expected: u32, deadline: Option<Instant>) {
        let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        if word.load(Ordering::SeqCst) != expected {
            return;
        }
        match deadline {
            None => drop(COND.wait(guard)),
            Some(d) => {
                let now = Instant::now();
                if d > now {
                    drop(COND.wait_timeout(guard, d - now));
                }
            }
        }
    }

    fn wake(&self, _word: &AtomicU32, _count: u32) {
        let _guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        COND.notify_all();
    }
}
