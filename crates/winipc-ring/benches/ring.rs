//! `cargo bench -p winipc-ring`: ns/message for try_send + try_recv in a tight single-thread loop.

use std::hint::black_box;
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Instant;
use winipc_ring::park::ParkFutex;
use winipc_ring::{Futex, HEADER_WORDS, Liveness, Ring, RingMemory};

/// [`ParkFutex`] plus `membarrier`, so the reader holds the reader lock biased (as in winipc).
#[derive(Clone, Copy)]
struct Fenced;
impl Futex for Fenced {
    fn wait(&self, word: &winipc_ring::AtomicU32, expected: u32, deadline: Option<Instant>) {
        ParkFutex.wait(word, expected, deadline);
    }
    fn wake(&self, word: &winipc_ring::AtomicU32, count: u32) {
        ParkFutex.wake(word, count);
    }
    fn fences_registered(&self) -> bool {
        use rustix::thread::{MembarrierCommand, membarrier};
        static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *REGISTERED.get_or_init(|| membarrier(MembarrierCommand::RegisterGlobalExpedited).is_ok())
    }
    fn heavy_fence(&self) -> bool {
        use rustix::thread::{MembarrierCommand, membarrier};
        membarrier(MembarrierCommand::GlobalExpedited).is_ok()
    }
}

struct AllAlive;
impl Liveness for AllAlive {
    fn is_alive(&self, _: u32) -> bool {
        true
    }
}

fn main() {
    run("classic reader lock", ParkFutex);
    run("biased reader lock", Fenced);
}

fn run<F: Futex + Copy>(label: &str, futex: F) {
    println!("{label}:");
    let cap = 64 * 1024;
    let header: Vec<AtomicU32> = (0..HEADER_WORDS).map(|_| AtomicU32::new(0)).collect();
    let data: Vec<AtomicU64> = (0..RingMemory::data_words(cap))
        .map(|_| AtomicU64::new(0))
        .collect();
    let ring = Ring::init(RingMemory::new(&header, &data), cap, 0, futex).unwrap();
    for size in [0usize, 8, 64, 256, 1024] {
        let msg = vec![0x5Au8; size];
        let mut buf = vec![0u8; size.max(1)];
        let iters = 2_000_000 / (1 + size / 64);
        for batch in [1usize, 32] {
            let mut best = f64::MAX;
            for _ in 0..5 {
                let t0 = Instant::now();
                for _ in 0..iters / batch {
                    for _ in 0..batch {
                        ring.try_send(1, black_box(&msg)).unwrap();
                    }
                    for _ in 0..batch {
                        black_box(ring.try_recv(1, &mut buf, &AllAlive).unwrap());
                    }
                }
                best = best.min(t0.elapsed().as_nanos() as f64 / (iters / batch * batch) as f64);
            }
            println!("{size:>5} B, batch {batch:>2}: {best:6.1} ns/message (try_send + try_recv)");
        }
    }
}
