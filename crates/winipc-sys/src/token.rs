//! Liveness tokens: words the kernel rewrites when a thread dies.
//!
//! A token is a process-shared, *robust* glibc mutex placed in shared memory and locked by one
//! thread for the rest of that thread's life. Its first word (glibc's `__lock`) then holds the
//! owner's TID. When the thread dies for any reason — SIGKILL included — the kernel walks the
//! thread's robust list, sets `FUTEX_OWNER_DIED` in the word and wakes one sleeper on it.
//!
//! So any process can (a) test liveness with one atomic load, and (b) sleep until the owner dies
//! by including the word in a `futex_waitv` after setting `FUTEX_WAITERS`.
//!
//! A token is never unlocked. That matters for safety: glibc's unlock path follows the robust-list
//! pointers stored inside the mutex, which live in shared memory another process could overwrite;
//! lock-once-never-unlock means this process never follows a pointer that a peer can write.

use std::io;
use std::sync::atomic::{AtomicU32, Ordering};

use crate::shm::Mapping;

/// Bytes reserved for one token in a region (room for `pthread_mutex_t` on every glibc target).
pub const TOKEN_BYTES: usize = 64;

const _: () = assert!(std::mem::size_of::<libc::pthread_mutex_t>() <= TOKEN_BYTES);

/// Bit the kernel sets in the word when the owner dies.
pub const OWNER_DIED: u32 = 0x4000_0000;
/// Bit a sleeper sets so that the kernel wakes it on the owner's death.
pub const WAITERS: u32 = 0x8000_0000;
/// The owner's TID in the word.
pub const TID_MASK: u32 = 0x3fff_ffff;

/// Initialises the token at `offset` in `m` and locks it for the calling thread, for good.
///
/// The caller guarantees (by holding its store's lock and having checked that the slot is free)
/// that no live thread still holds this token. Uses `trylock`, so a hostile peer that writes the
/// word concurrently can make this fail but never block.
///
/// ```
/// let dir = std::env::temp_dir();
/// let name = format!("winipc-token-doc-{}", std::process::id());
/// let m = match winipc_sys::shm::create_exclusive(&dir, &name, 0o600, 4096, |_| Ok(())).unwrap() {
///     winipc_sys::shm::Created::New(m) => m,
///     _ => unreachable!(),
/// };
/// winipc_sys::token::acquire(&m, 64).unwrap();
/// let word = &m.u32s()[64 / 4];
/// assert_eq!(winipc_sys::token::owner(word), Some(winipc_sys::proc::gettid()));
/// winipc_sys::shm::unlink(&dir.join(&name)).unwrap();
/// ```
pub fn acquire(m: &Mapping, offset: usize) -> io::Result<()> {
    if offset % 8 != 0
        || offset
            .checked_add(TOKEN_BYTES)
            .is_none_or(|end| end > m.len())
    {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "token offset"));
    }
    let ptr = m
        .addr_of(offset)
        .expect("checked above")
        .cast::<libc::pthread_mutex_t>();
    // SAFETY: `ptr` points to TOKEN_BYTES (≥ size_of pthread_mutex_t) bytes inside a live
    // MAP_SHARED mapping, 8-aligned; the attribute object is local and destroyed before return.
    // The caller guarantees no live thread holds this mutex, so re-initialising it is allowed.
    unsafe {
        let mut attr = std::mem::MaybeUninit::<libc::pthread_mutexattr_t>::uninit();
        check(libc::pthread_mutexattr_init(attr.as_mut_ptr()))?;
        let attr_ptr = attr.as_mut_ptr();
        let r = (|| {
            check(libc::pthread_mutexattr_setpshared(
                attr_ptr,
                libc::PTHREAD_PROCESS_SHARED,
            ))?;
            check(libc::pthread_mutexattr_setrobust(
                attr_ptr,
                libc::PTHREAD_MUTEX_ROBUST,
            ))?;
            check(libc::pthread_mutex_init(ptr, attr_ptr))?;
            match libc::pthread_mutex_trylock(ptr) {
                0 => Ok(()),
                libc::EOWNERDEAD => check(libc::pthread_mutex_consistent(ptr)),
                e => Err(io::Error::from_raw_os_error(e)),
            }
        })();
        libc::pthread_mutexattr_destroy(attr_ptr);
        r
    }
}

fn check(rc: libc::c_int) -> io::Result<()> {
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// The TID of the live owner of the token whose first word is `word`, or `None` when the
/// owner has died (or the token was never locked).
pub fn owner(word: &AtomicU32) -> Option<u32> {
    owner_of(word.load(Ordering::Acquire))
}

/// [`owner`] for an already-loaded word value.
pub fn owner_of(v: u32) -> Option<u32> {
    let tid = v & TID_MASK;
    (v & OWNER_DIED == 0 && tid != 0).then_some(tid)
}

/// Prepares to sleep until the token's owner dies: sets `FUTEX_WAITERS` so that the kernel
/// will wake us, and returns the value to pass to the futex wait. `None` if the owner is
/// already dead (or the token is not owned by `tid`).
pub fn arm_death_watch(word: &AtomicU32, tid: u32) -> Option<u32> {
    let mut v = word.load(Ordering::Acquire);
    loop {
        if owner_of(v) != Some(tid) {
            return None;
        }
        if v & WAITERS != 0 {
            return Some(v);
        }
        match word.compare_exchange_weak(v, v | WAITERS, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return Some(v | WAITERS),
            Err(cur) => v = cur,
        }
    }
}
