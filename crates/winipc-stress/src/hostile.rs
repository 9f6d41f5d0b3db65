//! Hostile writes into shared memory: what a process with write access to the Global store
//! (mode 0666: the store of objects open to everyone) or to a public mailslot's ring can do by
//! mapping the file directly. Word offsets come from the core (`winipc::store_layout`);
//! [`StoreLayout::check`] refuses a file of another size.

use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;

use crate::Rng;

/// Word offsets of a store's tables: the core's own layout (`winipc::store_layout`), so a
/// layout change moves the attacks along with it.
#[derive(Debug, Clone, Copy)]
pub struct StoreLayout;

impl StoreLayout {
    /// Header words.
    pub const HEADER: usize = L::HEADER_WORDS as usize;
    /// Undo log (2 words per entry).
    pub const LOG: usize = L::LOG as usize;
    /// Undo-log entries.
    pub const LOG_ENTRIES: usize = L::LOG_ENTRIES as usize;
    /// Thread table.
    pub const THREADS: usize = L::THREADS as usize;
    /// Process table.
    pub const PROCS: usize = L::PROCS as usize;
    /// Object table.
    pub const OBJECTS: usize = L::OBJECTS as usize;
    /// Names.
    pub const NAMES: usize = L::NAMES as usize;
    /// Name buckets.
    pub const BUCKETS: usize = L::BUCKETS as usize;
    /// Handle tables.
    pub const HANDLES: usize = L::HANDLES as usize;
    /// Wait entries.
    pub const ENTRIES: usize = L::ENTRIES as usize;
    /// Exit log.
    pub const EXIT_LOG: usize = L::EXIT_LOG as usize;
    /// Total words.
    pub const TOTAL: usize = L::TOTAL_WORDS as usize;

    /// Whether a mapping has the size of a store.
    pub fn check(words: usize) -> bool {
        words == Self::TOTAL
    }
}

use winipc::store_layout as L;

/// Values an attacker would try: boundaries of every capacity, all-ones, sign bits.
const CRAFTED: [u32; 16] = [
    0,
    1,
    2,
    3,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    0xffff_fffe,
    1024,
    1025,
    512,
    513,
    32768,
    32769,
    131_072,
    131_073,
];

fn value(rng: &mut Rng) -> u32 {
    match rng.below(3) {
        0 => CRAFTED[rng.below(CRAFTED.len() as u64) as usize],
        1 => rng.below(64) as u32,
        _ => rng.next_u64() as u32,
    }
}

/// One attack on a store file; returns what it did (for the report).
pub fn attack_store(path: &Path, rng: &mut Rng) -> std::io::Result<String> {
    let m = winipc_sys::shm::open_existing(path, winipc_sys::shm::OwnerCheck::Any)?;
    let w = m.u32s();
    if !StoreLayout::check(w.len()) {
        return Err(std::io::Error::other("not a store of this layout"));
    }
    type L = StoreLayout;
    // The regions that are in use in a small store, with their record size.
    let regions: [(&str, usize, usize, usize); 9] = [
        ("header", 3, 13, 1), // lock word .. changes (magic, version, shape stay: refused whole)
        ("threads", L::THREADS, 16 * 32, 32),
        ("procs", L::PROCS, 16 * 16, 16),
        ("objects", L::OBJECTS, 64 * 16, 16),
        ("names", L::NAMES, 64 * 128, 128),
        ("buckets", L::BUCKETS, 65536, 1),
        ("handles", L::HANDLES, 8 * 16384 * 4, 4),
        ("entries", L::ENTRIES, 256 * 8, 8),
        ("undo log", L::LOG, 64, 2),
    ];
    let (name, start, len, rec) = regions[rng.below(regions.len() as u64) as usize];
    Ok(match rng.below(4) {
        0 => {
            // Random bytes over a run of words.
            let n = 1 + rng.below(64) as usize;
            let at = start + rng.below((len.saturating_sub(n) + 1) as u64) as usize;
            for x in &w[at..at + n] {
                x.store(rng.next_u64() as u32, Relaxed);
            }
            format!("{n} random words in {name} at {at}")
        }
        1 => {
            // Crafted values into one field of a few records.
            let field = rng.below(rec as u64) as usize;
            let mut n = 0;
            for r in 0..(len / rec).min(8) {
                if rng.below(2) == 0 {
                    w[start + r * rec + field].store(value(rng), Relaxed);
                    n += 1;
                }
            }
            format!("crafted field {field} of {n} {name} records")
        }
        2 => {
            // A forged undo log: the next locker "rolls back" these writes.
            let n = rng.below(8) as usize;
            for k in 0..n {
                let target = match rng.below(3) {
                    0 => rng.next_u64() as u32,
                    1 => (L::OBJECTS + rng.below(64 * 16) as usize) as u32,
                    _ => (L::THREADS + rng.below(16 * 32) as usize) as u32,
                };
                w[L::LOG + 2 * k].store(target, Relaxed);
                w[L::LOG + 2 * k + 1].store(value(rng), Relaxed);
            }
            let len = if rng.below(4) == 0 {
                value(rng)
            } else {
                n as u32
            };
            w[4].store(len, Relaxed);
            format!("forged undo log of {n} entries, length {len}")
        }
        _ => {
            // Header words: free lists, high-water marks, counts.
            let f = 3 + rng.below(13) as usize;
            let v = value(rng);
            w[f].store(v, Relaxed);
            format!("header word {f} = {v:#x}")
        }
    })
}

/// Makes the store's lock look held by thread slot `slot` (a live thread's, so nobody may
/// steal it): every Global call must then fail or time out, never hang.
pub fn hold_lock_for(path: &Path, slot: u32) -> std::io::Result<()> {
    let m = winipc_sys::shm::open_existing(path, winipc_sys::shm::OwnerCheck::Any)?;
    m.u32s()[3].store(slot + 1, Relaxed);
    Ok(())
}

/// One attack on a mailslot ring file: its header words (cursors, counts, lengths, sizes,
/// sleeper words) and its data (record lengths and payloads).
pub fn attack_ring(path: &Path, rng: &mut Rng) -> std::io::Result<String> {
    let m = winipc_sys::shm::open_existing(path, winipc_sys::shm::OwnerCheck::Any)?;
    let w = m.u32s();
    let header = winipc_ring::HEADER_WORDS;
    Ok(match rng.below(3) {
        0 => {
            let n = 1 + rng.below(4) as usize;
            let mut what = Vec::new();
            for _ in 0..n {
                let f = rng.below(header as u64) as usize;
                w[f].store(value(rng), Relaxed);
                what.push(f);
            }
            format!("ring header words {what:?}")
        }
        1 => {
            let n = 1 + rng.below(64) as usize;
            let data = w.len() - header;
            let at = header + rng.below(data.saturating_sub(n) as u64 + 1) as usize;
            for x in &w[at..at + n] {
                x.store(value(rng), Relaxed);
            }
            format!("{n} ring data words at {at}")
        }
        _ => {
            for x in &w[..header] {
                x.store(rng.next_u64() as u32, Relaxed);
            }
            "whole ring header random".to_owned()
        }
    })
}

/// Truncates a shared file, as any user who may write it can: to nothing, to a page boundary
/// inside it, or to an odd length. Processes that touch the lost pages must see
/// `ERROR_FILE_CORRUPT`, not die of SIGBUS (`winipc_sys::sigbus`).
pub fn truncate(path: &Path, rng: &mut Rng) -> std::io::Result<String> {
    let f = std::fs::OpenOptions::new().write(true).open(path)?;
    let len = f.metadata()?.len();
    let to = match rng.below(3) {
        0 => 0,
        1 => rng.below(len / 4096 + 1) * 4096,
        _ => rng.below(len.max(1)),
    };
    f.set_len(to)?;
    Ok(format!(
        "truncated {} from {len} to {to} bytes",
        path.display()
    ))
}

/// The mailslot ring files in `dir`.
pub fn rings(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| {
                    let n = p.file_name().unwrap_or_default().to_string_lossy();
                    n.starts_with("winipc-ms.") && n.ends_with(".ring")
                })
                .collect()
        })
        .unwrap_or_default()
}
