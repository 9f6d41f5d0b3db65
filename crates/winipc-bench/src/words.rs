//! Byte copies into and out of shared memory that is only ever touched through `AtomicU32`
//! (see [`crate::sys::SharedMem`]). Relaxed word accesses compile to plain moves; the protocols
//! around them publish with release stores and consume with acquire loads.

use std::sync::atomic::{AtomicU32, Ordering::Relaxed};

/// Words needed for `bytes` bytes.
pub const fn words_for(bytes: usize) -> usize {
    bytes.div_ceil(4)
}

/// Copies `msg` into `dst` (which holds at least `words_for(msg.len())` words).
pub fn copy_in(dst: &[AtomicU32], msg: &[u8]) {
    let mut chunks = msg.chunks_exact(4);
    for (word, chunk) in dst.iter().zip(&mut chunks) {
        word.store(
            u32::from_le_bytes(chunk.try_into().expect("4 bytes")),
            Relaxed,
        );
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let mut last = [0u8; 4];
        last[..tail.len()].copy_from_slice(tail);
        dst[msg.len() / 4].store(u32::from_le_bytes(last), Relaxed);
    }
}

/// Copies `buf.len()` bytes out of `src`.
pub fn copy_out(src: &[AtomicU32], buf: &mut [u8]) {
    let len = buf.len();
    let mut chunks = buf.chunks_exact_mut(4);
    for (word, chunk) in src.iter().zip(&mut chunks) {
        chunk.copy_from_slice(&word.load(Relaxed).to_le_bytes());
    }
    let tail = chunks.into_remainder();
    if !tail.is_empty() {
        let n = tail.len();
        tail.copy_from_slice(&src[len / 4].load(Relaxed).to_le_bytes()[..n]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_odd_lengths() {
        for len in [0, 1, 4, 7, 64, 65] {
            let words: Vec<AtomicU32> = (0..words_for(len)).map(|_| AtomicU32::new(0)).collect();
            let msg: Vec<u8> = (0..len as u8).collect();
            copy_in(&words, &msg);
            let mut out = vec![0xff; len];
            copy_out(&words, &mut out);
            assert_eq!(out, msg);
        }
    }
}
