//! Shared test helpers: owned memory, liveness oracles.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Instant;
use winipc_ring::park::ParkFutex;
use winipc_ring::{Futex, HEADER_WORDS, Liveness, RingMemory};

/// [`ParkFutex`] plus real asymmetric fences (`membarrier`), so readers hold the reader lock
/// biased, as they do in winipc. Falls back to no fences (classic holds) where the kernel has
/// no `membarrier`.
#[derive(Debug, Default, Clone, Copy)]
pub struct FencedFutex;

impl Futex for FencedFutex {
    fn wait(&self, word: &winipc_ring::AtomicU32, expected: u32, deadline: Option<Instant>) {
        ParkFutex.wait(word, expected, deadline);
    }
    fn wake(&self, word: &winipc_ring::AtomicU32, count: u32) {
        ParkFutex.wake(word, count);
    }
    fn fences_registered(&self) -> bool {
        static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *REGISTERED.get_or_init(|| {
            rustix::thread::membarrier(rustix::thread::MembarrierCommand::RegisterGlobalExpedited)
                .is_ok()
        })
    }
    fn heavy_fence(&self) -> bool {
        rustix::thread::membarrier(rustix::thread::MembarrierCommand::GlobalExpedited).is_ok()
    }
}

/// Memory for one ring, owned by the test (stands in for the caller's mapping).
pub struct Mem {
    pub header: Vec<AtomicU32>,
    pub data: Vec<AtomicU64>,
}

impl Mem {
    pub fn new(capacity: u32) -> Self {
        Mem {
            header: (0..HEADER_WORDS).map(|_| AtomicU32::new(0)).collect(),
            data: (0..RingMemory::data_words(capacity))
                .map(|_| AtomicU64::new(0))
                .collect(),
        }
    }

    pub fn view(&self) -> RingMemory<'_> {
        RingMemory::new(&self.header, &self.data)
    }
}

/// Everyone is alive.
pub struct AllAlive;
impl Liveness for AllAlive {
    fn is_alive(&self, _: u32) -> bool {
        true
    }
}

/// Everyone except the listed ids is alive.
#[derive(Default)]
pub struct Dead(pub Mutex<HashSet<u32>>);
impl Dead {
    pub fn of(ids: &[u32]) -> Self {
        Dead(Mutex::new(ids.iter().copied().collect()))
    }
}
impl Liveness for Dead {
    fn is_alive(&self, id: u32) -> bool {
        !self.0.lock().unwrap().contains(&id)
    }
}
