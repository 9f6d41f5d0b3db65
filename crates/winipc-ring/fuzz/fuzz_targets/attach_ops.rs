//! Builds a ring over a fuzzer-controlled memory image, then runs `attach` and a fuzzer-chosen
//! sequence of `try_recv` / `info` / `try_send` / `has_message`: nothing may panic or hang.
//!
//! Input: [0..4) capacity hint, [4..8) op count, [8..8+N) ops, rest = memory image (header words
//! then data words, little-endian; missing bytes are zero).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::time::Instant;
use winipc_ring::{DATA_OFFSET, Futex, HEADER_WORDS, Liveness, MAGIC, Ring, RingMemory};

struct NoFutex;
impl Futex for NoFutex {
    fn wait(&self, _: &AtomicU32, _: u32, _: Option<Instant>) {}
    fn wake(&self, _: &AtomicU32, _: u32) {}
}

struct OddDead;
impl Liveness for OddDead {
    fn is_alive(&self, id: u32) -> bool {
        id % 2 == 0
    }
}

fn word(bytes: &[u8], i: usize, size: usize) -> u64 {
    let mut b = [0u8; 8];
    for (k, slot) in b.iter_mut().enumerate().take(size) {
        *slot = bytes.get(i * size + k).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|input: &[u8]| {
    if input.len() < 8 {
        return;
    }
    let nops = (input[4] as usize).min(64);
    let ops = input.get(8..8 + nops).unwrap_or(&[]);
    let image = input.get(8 + nops..).unwrap_or(&[]);
    // Data length: enough for a plausible capacity most of the time, sometimes short.
    let cap_hint = u32::from_le_bytes([input[0], input[1], input[2], input[3]]) % 4096;
    let data_len = DATA_OFFSET + (cap_hint as usize / 8).max(4);
    let header: Vec<AtomicU32> = (0..HEADER_WORDS)
        .map(|i| AtomicU32::new(word(image, i, 4) as u32))
        .collect();
    let data_bytes = image.get(HEADER_WORDS * 4..).unwrap_or(&[]);
    let data: Vec<AtomicU64> = (0..data_len)
        .map(|i| AtomicU64::new(word(data_bytes, i, 8)))
        .collect();
    // Force the magic half the time so the deeper paths are reached.
    if input[5] & 1 == 1 {
        header[0].store(MAGIC, std::sync::atomic::Ordering::Relaxed);
        header[1].store(
            winipc_ring::LAYOUT_VERSION,
            std::sync::atomic::Ordering::Relaxed,
        );
        header[2].store(
            (cap_hint / 8 * 8).max(32),
            std::sync::atomic::Ordering::Relaxed,
        );
    }
    let mem = RingMemory::new(&header, &data);
    let Ok(ring) = Ring::attach(mem, NoFutex) else {
        return;
    };
    let mut buf = [0u8; 512];
    for (i, &op) in ops.iter().enumerate() {
        match op % 6 {
            0 => {
                let _ = ring.try_recv(1, &mut buf[..(op as usize * 3) % 512], &OddDead);
            }
            1 => {
                let _ = ring.info();
            }
            2 => {
                let len = (op as usize * 7) % 300;
                let _ = ring.try_send(u32::from(op), &buf[..len]);
            }
            3 => {
                let _ = ring.has_message();
            }
            4 => {
                let _ = ring.recv(1, &mut buf, Some(Instant::now()), &OddDead);
            }
            _ => {
                // A hostile peer scribbles during the run.
                let v = word(input, i, 8);
                let idx = (op as usize) % data.len();
                data[idx].store(v, std::sync::atomic::Ordering::Relaxed);
            }
        }
    }
});
