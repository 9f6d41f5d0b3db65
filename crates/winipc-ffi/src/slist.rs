//! Interlocked singly linked lists (`interlockedapi.h`): `InitializeSListHead`,
//! `InterlockedPushEntrySList`, `InterlockedPopEntrySList`, `InterlockedFlushSList`,
//! `QueryDepthSList`, `InterlockedPushListSListEx`, `RtlFirstEntrySList`.
//!
//! The state lives in the caller's 16-byte `SLIST_HEADER`: the first word points to the first
//! entry, the second holds the depth (low 16 bits, as Windows') and a lock bit (bit 63) that
//! every change takes for the few instructions of a link or unlink. Holding a lock rather than
//! swapping 16 bytes at once keeps pops free of the ABA problem without `cmpxchg16b`; a pop
//! never touches an entry after it has left the list.

use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

/// `SLIST_ENTRY`: the caller's entry, whose first word is the link.
#[repr(C)]
pub struct Entry {
    next: *mut Entry,
}

/// `SLIST_HEADER`.
#[repr(C, align(16))]
pub struct Header {
    first: AtomicPtr<Entry>,
    word: AtomicU64,
}

const LOCK: u64 = 1 << 63;
const DEPTH: u64 = 0xFFFF;

impl Header {
    /// Takes the lock; returns the word as it was (unlocked).
    fn lock(&self) -> u64 {
        let mut spins = 0u32;
        loop {
            let w = self.word.load(Ordering::Relaxed);
            if w & LOCK == 0
                && self
                    .word
                    .compare_exchange_weak(w, w | LOCK, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
            {
                return w;
            }
            spins += 1;
            if spins % 64 == 0 {
                std::thread::yield_now();
            } else {
                std::hint::spin_loop();
            }
        }
    }

    fn unlock(&self, depth: u64) {
        self.word.store(depth & DEPTH, Ordering::Release);
    }
}

/// # Safety
/// `h` valid for a write of an `SLIST_HEADER`, 16-byte aligned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeSListHead(h: *mut Header) {
    if !h.is_null() {
        // SAFETY: the caller's contract.
        unsafe {
            h.write(Header {
                first: AtomicPtr::new(std::ptr::null_mut()),
                word: AtomicU64::new(0),
            })
        };
    }
}

/// `InterlockedPushEntrySList`: returns the previous first entry.
///
/// # Safety
/// `h` an initialised header; `e` a valid entry (16-byte aligned on Windows) not in a list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InterlockedPushEntrySList(h: *mut Header, e: *mut Entry) -> *mut Entry {
    // SAFETY: the caller's contract.
    let (Some(h), false) = (unsafe { h.as_ref() }, e.is_null()) else {
        return std::ptr::null_mut();
    };
    let w = h.lock();
    let old = h.first.load(Ordering::Relaxed);
    // SAFETY: `e` is the caller's entry, ours to link while it is being pushed.
    unsafe { (*e).next = old };
    h.first.store(e, Ordering::Relaxed);
    h.unlock((w & DEPTH) + 1);
    old
}

/// `InterlockedPushListSListEx`: pushes the chain `list`..`end` (`count` entries, linked by
/// the caller) at once; returns the previous first entry.
///
/// # Safety
/// `h` an initialised header; `list`..`end` a chain of valid entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InterlockedPushListSListEx(
    h: *mut Header,
    list: *mut Entry,
    end: *mut Entry,
    count: u32,
) -> *mut Entry {
    // SAFETY: the caller's contract.
    let (Some(h), false, false) = (unsafe { h.as_ref() }, list.is_null(), end.is_null()) else {
        return std::ptr::null_mut();
    };
    let w = h.lock();
    let old = h.first.load(Ordering::Relaxed);
    // SAFETY: `end` is the caller's last entry of the chain.
    unsafe { (*end).next = old };
    h.first.store(list, Ordering::Relaxed);
    h.unlock((w & DEPTH) + u64::from(count));
    old
}

/// `InterlockedPopEntrySList`: the first entry, or NULL when the list is empty.
///
/// # Safety
/// `h` an initialised header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InterlockedPopEntrySList(h: *mut Header) -> *mut Entry {
    // SAFETY: the caller's contract.
    let Some(h) = (unsafe { h.as_ref() }) else {
        return std::ptr::null_mut();
    };
    let w = h.lock();
    let first = h.first.load(Ordering::Relaxed);
    if first.is_null() {
        h.unlock(w);
        return first;
    }
    // SAFETY: an entry in the list is valid while it is in the list (the caller's contract),
    // and it cannot leave it while we hold the lock.
    let next = unsafe { (*first).next };
    h.first.store(next, Ordering::Relaxed);
    h.unlock((w & DEPTH).wrapping_sub(1));
    first
}

/// `InterlockedFlushSList`: empties the list and returns its former first entry (the chain
/// stays linked).
///
/// # Safety
/// `h` an initialised header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InterlockedFlushSList(h: *mut Header) -> *mut Entry {
    // SAFETY: the caller's contract.
    let Some(h) = (unsafe { h.as_ref() }) else {
        return std::ptr::null_mut();
    };
    h.lock();
    let first = h.first.swap(std::ptr::null_mut(), Ordering::Relaxed);
    h.unlock(0);
    first
}

/// `QueryDepthSList`: the number of entries (modulo 65536, as Windows').
///
/// # Safety
/// `h` an initialised header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryDepthSList(h: *mut Header) -> u16 {
    // SAFETY: the caller's contract.
    unsafe { h.as_ref() }.map_or(0, |h| (h.word.load(Ordering::Acquire) & DEPTH) as u16)
}

/// `RtlFirstEntrySList`: the first entry without removing it.
///
/// # Safety
/// `h` an initialised header.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RtlFirstEntrySList(h: *const Header) -> *mut Entry {
    // SAFETY: the caller's contract.
    unsafe { h.as_ref() }.map_or(std::ptr::null_mut(), |h| h.first.load(Ordering::Acquire))
}

/// `_aligned_malloc` (MSVC's `<malloc.h>`): `size` bytes aligned to `alignment` (a power of
/// two); NULL with `errno` = `EINVAL` for another alignment, `ENOMEM` when memory is short.
#[unsafe(no_mangle)]
pub extern "C" fn _aligned_malloc(size: usize, alignment: usize) -> *mut std::ffi::c_void {
    let set_errno = |e: i32| {
        // SAFETY: the calling thread's errno.
        unsafe { *libc::__errno_location() = e };
    };
    if !alignment.is_power_of_two() {
        set_errno(libc::EINVAL);
        return std::ptr::null_mut();
    }
    let align = alignment.max(std::mem::size_of::<usize>());
    let mut p = std::ptr::null_mut();
    // SAFETY: posix_memalign writes the block's address into the local on success.
    match unsafe { libc::posix_memalign(&mut p, align, size.max(1)) } {
        0 => p,
        e => {
            set_errno(e);
            std::ptr::null_mut()
        }
    }
}

/// `_aligned_free`.
///
/// # Safety
/// `p` NULL or a block from `_aligned_malloc`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn _aligned_free(p: *mut std::ffi::c_void) {
    // SAFETY: the caller's contract (posix_memalign's blocks are freed by free).
    unsafe { libc::free(p) };
}
