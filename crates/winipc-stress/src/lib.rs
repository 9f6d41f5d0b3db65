//! Shared helpers of the reliability suites (`docs/reliability.md`): self-checking messages,
//! a small PRNG, process memory figures and hostile writes into shared memory.
#![forbid(unsafe_code)]

pub mod hostile;
pub mod msg;

/// xorshift64: a fast, deterministic PRNG for workloads (not for anything secret).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// A generator from `seed` (any value; 0 is remapped).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }
    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// A field of `/proc/self/status` in KiB (e.g. `VmRSS`, `VmHWM`).
pub fn proc_status_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Word offset of the thread table in a store (from the core's layout).
pub const STORE_THREADS: usize = winipc::store_layout::THREADS as usize;
/// Words per thread slot; the liveness token starts at word 16.
pub const STORE_THREAD_WORDS: usize = winipc::store_layout::THREAD_WORDS as usize;

/// A diagnostic dump of a store's used thread slots: (slot, state, tid, process link, pid,
/// token word, whether /proc still lists the thread). Read-only; for failure messages.
pub fn dump_thread_slots(path: &std::path::Path) -> Vec<(usize, u32, u32, u32, u32, u32, bool)> {
    use std::sync::atomic::Ordering::Relaxed;
    let Ok(m) = winipc_sys::shm::open_read_only(path) else {
        return Vec::new();
    };
    let w = m.u32s();
    (0..1024)
        .filter_map(|t| {
            let at = STORE_THREADS + t * STORE_THREAD_WORDS;
            let state = w.get(at)?.load(Relaxed);
            (state != 0).then(|| {
                let tid = w[at + 1].load(Relaxed);
                let pid = w[at + 9].load(Relaxed);
                let alive = std::path::Path::new(&format!("/proc/{pid}/task/{tid}")).exists();
                (
                    t,
                    state,
                    tid,
                    w[at + 2].load(Relaxed),
                    pid,
                    w[at + 16].load(Relaxed),
                    alive,
                )
            })
        })
        .collect()
}
