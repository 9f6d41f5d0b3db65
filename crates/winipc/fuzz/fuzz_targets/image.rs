//! A Global store image in a private directory, reset between inputs, and the mapping of
//! inputs onto it: the first 256 bytes go over the header and undo log, the rest as
//! `(region, offset, length, bytes)` records over the tables a small store uses.
#![allow(dead_code)]
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::Ordering::Relaxed;

use winipc_sys::shm::{self, Mapping, OwnerCheck};

// Word offsets of a store: the core's own layout.
use winipc::store_layout as L;
const THREADS: usize = L::THREADS as usize;
const PROCS: usize = L::PROCS as usize;
const OBJECTS: usize = L::OBJECTS as usize;
const NAMES: usize = L::NAMES as usize;
const BUCKETS: usize = L::BUCKETS as usize;
const HANDLES: usize = L::HANDLES as usize;
const ENTRIES: usize = L::ENTRIES as usize;
const EXIT_LOG: usize = L::EXIT_LOG as usize;

/// (start, words) of the windows inputs may write and reset restores.
const WINDOWS: [(usize, usize); 9] = [
    (0, 64 + 512),                 // header and the start of the undo log
    (THREADS, 64 * 32),            // 64 thread slots
    (PROCS, 64 * 16),              // 64 process slots
    (OBJECTS, 256 * 16),           // 256 objects
    (NAMES, 64 * 128),             // 64 names
    (BUCKETS, 65536),              // every name bucket
    (HANDLES, 64 * 4),             // process slot 0's first 64 handles
    (HANDLES + 16384 * 4, 64 * 4), // process slot 1's
    (ENTRIES, 256 * 8),            // 256 wait entries
];

pub struct Image {
    pub path: PathBuf,
    map: Mapping,
    clean: Mutex<Vec<Vec<u32>>>,
}

impl Image {
    /// A fresh directory with a formatted Global store. With `live`, this process's store
    /// directory is set there (so the public API uses this image).
    pub fn new(tag: &str, live: bool) -> Image {
        let dir = std::env::temp_dir().join(format!("winipc-fuzz-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        winipc::set_store_dir(&dir).unwrap();
        // Creating an object open to everyone formats the shared store (and registers this
        // thread in it).
        drop(winipc::Event::make(
            Some(r"Global\fuzz-format"),
            winipc::EventReset::Manual,
            false,
            &winipc::Security::everyone(),
        ));
        let path = L::public_store_in(&dir);
        let map = shm::open_existing(&path, OwnerCheck::Any).unwrap();
        assert_eq!(
            map.len(),
            (EXIT_LOG + 1024).div_ceil(1024) * 1024 * 4,
            "layout changed"
        );
        let img = Image {
            path,
            map,
            clean: Mutex::new(Vec::new()),
        };
        img.save_clean();
        let _ = live;
        img
    }

    /// Remembers the current contents of the windows as the state `reset` restores.
    pub fn save_clean(&self) {
        let w = self.map.u32s();
        *self.clean.lock().unwrap() = WINDOWS
            .iter()
            .map(|&(at, n)| w[at..at + n].iter().map(|x| x.load(Relaxed)).collect())
            .collect();
    }

    /// Empties the file (every page back to zero) and restores the saved windows.
    pub fn reset(&self) {
        rustix::fs::fallocate(
            self.map.file(),
            rustix::fs::FallocateFlags::PUNCH_HOLE | rustix::fs::FallocateFlags::KEEP_SIZE,
            0,
            self.map.len() as u64,
        )
        .unwrap();
        let w = self.map.u32s();
        for (&(at, _), saved) in WINDOWS.iter().zip(self.clean.lock().unwrap().iter()) {
            for (x, &v) in w[at..].iter().zip(saved) {
                x.store(v, Relaxed);
            }
        }
    }

    /// Writes the input over the image.
    pub fn apply(&self, data: &[u8]) {
        let w = self.map.u32s();
        let (head, mut rest) = data.split_at(data.len().min(256));
        for (i, c) in head.chunks(4).enumerate() {
            let mut b = [0u8; 4];
            b[..c.len()].copy_from_slice(c);
            // Keep magic, version and shape only if the input says so (byte 0 odd): otherwise
            // nearly every input would stop at the header check.
            if i < 3 && head[0] & 1 == 0 {
                continue;
            }
            w[i].store(u32::from_le_bytes(b), Relaxed);
        }
        while rest.len() >= 4 {
            let (start, n) = WINDOWS[rest[0] as usize % WINDOWS.len()];
            let off = u16::from_le_bytes([rest[1], rest[2]]) as usize % n;
            let len = (rest[3] as usize % 16 + 1).min(n - off);
            rest = &rest[4..];
            for k in 0..len {
                let Some(c) = rest.get(..4) else { return };
                w[start + off + k].store(u32::from_le_bytes(c.try_into().unwrap()), Relaxed);
                rest = &rest[4..];
            }
        }
    }

    /// Removes what would only make this process wait for itself for the store lock's
    /// 10-second patience (documented behaviour, not a bug): a lock word naming a live thread,
    /// and other thread slots forged to carry this thread's id.
    pub fn sanitize(&self) {
        let w = self.map.u32s();
        let me = winipc_sys::proc::gettid();
        let mut mine = None;
        for t in 0..64 {
            let at = THREADS + t * 32;
            let tid = w[at + 1].load(Relaxed);
            let tok = w[at + 16].load(Relaxed) & 0x3fff_ffff;
            if tid == me && tok == me && mine.is_none() && w[at].load(Relaxed) == 1 {
                mine = Some(t);
            } else if tid == me || tok == me {
                w[at + 1].store(0, Relaxed);
                w[at + 16].store(0, Relaxed);
            }
        }
        let lock = w[3].load(Relaxed) & 0x7fff_ffff;
        if mine.is_some_and(|t| lock == t as u32 + 1) {
            w[3].store(0, Relaxed);
        }
    }
}
