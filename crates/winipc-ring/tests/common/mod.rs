//! Shared test helpers: owned memory, liveness oracles.
#![allow(dead_code)]

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64};
use winipc_ring::{HEADER_WORDS, Liveness, RingMemory};

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
