//! Critical sections: `InitializeCriticalSection` (`AndSpinCount`, `Ex`), `EnterCriticalSection`,
//! `TryEnterCriticalSection`, `LeaveCriticalSection`, `DeleteCriticalSection`,
//! `SetCriticalSectionSpinCount`.
//!
//! A critical section is a recursive lock for the threads of one process, kept in the caller's
//! `CRITICAL_SECTION` (40 bytes, Windows' size). The fields keep Windows' names but winipc's
//! meanings: `LockCount` is a futex word (0 free, 1 held, 2 held with sleepers),
//! `OwningThread` the owner's thread id, `RecursionCount` the owner's depth. Entering spins
//! `SpinCount` times before sleeping. Windows programs never read these fields.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use crate::util::*;

/// `CRITICAL_SECTION` as `windows.h` lays it out (Windows' 40-byte layout on LP64).
#[repr(C)]
#[derive(Debug)]
pub struct CriticalSection {
    debug_info: usize,
    lock: AtomicU32,
    recursion: AtomicU32,
    owner: AtomicUsize,
    lock_semaphore: usize,
    spin_count: AtomicUsize,
}

const _: () = assert!(std::mem::size_of::<CriticalSection>() == 40);

const FREE: u32 = 0;
const HELD: u32 = 1;
const CONTENDED: u32 = 2;
/// Windows masks the spin count with this (the high bit once meant "preallocate the event").
const SPIN_MASK: usize = 0x00FF_FFFF;

fn me() -> usize {
    crate::handle::gettid() as usize
}

/// # Safety
/// `cs` is NULL or points to a `CRITICAL_SECTION` valid for this call (initialised, except for
/// the initialising functions).
unsafe fn section<'a>(cs: *mut CriticalSection) -> Option<&'a CriticalSection> {
    // SAFETY: the caller's contract; `CriticalSection` holds only atomics and integers, so any
    // bit pattern is a valid value and shared references are sound across threads.
    unsafe { cs.as_ref() }
}

fn init(cs: &CriticalSection, spin: usize) {
    cs.lock.store(FREE, Ordering::Relaxed);
    cs.recursion.store(0, Ordering::Relaxed);
    cs.owner.store(0, Ordering::Relaxed);
    cs.spin_count.store(spin & SPIN_MASK, Ordering::Release);
}

fn try_take(cs: &CriticalSection) -> bool {
    cs.lock
        .compare_exchange(FREE, HELD, Ordering::Acquire, Ordering::Relaxed)
        .is_ok()
}

/// Takes the lock for `tid`, or deepens its recursion; `wait` says whether to block.
fn enter(cs: &CriticalSection, tid: usize, wait: bool) -> bool {
    if cs.owner.load(Ordering::Relaxed) == tid {
        cs.recursion.fetch_add(1, Ordering::Relaxed);
        return true;
    }
    if !try_take(cs) {
        if !wait {
            return false;
        }
        let spins = cs.spin_count.load(Ordering::Relaxed);
        let mut taken = false;
        for _ in 0..spins {
            std::hint::spin_loop();
            if cs.lock.load(Ordering::Relaxed) == FREE && try_take(cs) {
                taken = true;
                break;
            }
        }
        if !taken {
            // Mark it contended and sleep until it is handed back free.
            while cs.lock.swap(CONTENDED, Ordering::Acquire) != FREE {
                winipc_sys::futex::wait(&cs.lock, CONTENDED, None);
            }
        }
    }
    cs.owner.store(tid, Ordering::Relaxed);
    cs.recursion.store(1, Ordering::Relaxed);
    true
}

/// Releases one level; the last one frees the lock and wakes one sleeper. A thread that does
/// not own the section changes nothing (Windows leaves this undefined).
fn leave(cs: &CriticalSection, tid: usize) {
    if cs.owner.load(Ordering::Relaxed) != tid {
        return;
    }
    if cs.recursion.fetch_sub(1, Ordering::Relaxed) > 1 {
        return;
    }
    cs.owner.store(0, Ordering::Relaxed);
    if cs.lock.swap(FREE, Ordering::Release) == CONTENDED {
        winipc_sys::futex::wake(&cs.lock, 1);
    }
}

/// # Safety
/// `cs` NULL or valid for writes of a `CRITICAL_SECTION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeCriticalSection(cs: *mut CriticalSection) {
    // SAFETY: the caller's contract.
    if let Some(cs) = unsafe { section(cs) } {
        init(cs, 0);
    }
}

/// # Safety
/// As for `InitializeCriticalSection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeCriticalSectionAndSpinCount(
    cs: *mut CriticalSection,
    spin: DWORD,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let cs = unsafe { section(cs) }.ok_or_else(noaccess)?;
        init(cs, spin as usize);
        Ok(())
    })
}

/// # Safety
/// As for `InitializeCriticalSection`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeCriticalSectionEx(
    cs: *mut CriticalSection,
    spin: DWORD,
    _flags: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe { InitializeCriticalSectionAndSpinCount(cs, spin) }
}

/// # Safety
/// `cs` NULL or an initialised `CRITICAL_SECTION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EnterCriticalSection(cs: *mut CriticalSection) {
    // SAFETY: the caller's contract.
    if let Some(cs) = unsafe { section(cs) } {
        enter(cs, me(), true);
    }
}

/// # Safety
/// `cs` NULL or an initialised `CRITICAL_SECTION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TryEnterCriticalSection(cs: *mut CriticalSection) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { section(cs) }.map_or(FALSE, |cs| BOOL::from(enter(cs, me(), false)))
}

/// # Safety
/// `cs` NULL or an initialised `CRITICAL_SECTION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn LeaveCriticalSection(cs: *mut CriticalSection) {
    // SAFETY: the caller's contract.
    if let Some(cs) = unsafe { section(cs) } {
        leave(cs, me());
    }
}

/// Holds no resources beyond the structure itself: resets it.
///
/// # Safety
/// `cs` NULL or an initialised `CRITICAL_SECTION` that no thread holds or waits for.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteCriticalSection(cs: *mut CriticalSection) {
    // SAFETY: the caller's contract.
    if let Some(cs) = unsafe { section(cs) } {
        init(cs, 0);
    }
}

/// Returns the previous spin count.
///
/// # Safety
/// `cs` NULL or an initialised `CRITICAL_SECTION`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetCriticalSectionSpinCount(
    cs: *mut CriticalSection,
    spin: DWORD,
) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { section(cs) }.map_or(0, |cs| {
        cs.spin_count
            .swap(spin as usize & SPIN_MASK, Ordering::Relaxed) as DWORD
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Box<CriticalSection> {
        // SAFETY: all-zero is a valid CriticalSection (integers and atomics only).
        let mut cs: Box<CriticalSection> = Box::new(unsafe { std::mem::zeroed() });
        // SAFETY: a valid, exclusively owned structure.
        unsafe { InitializeCriticalSection(&mut *cs) };
        cs
    }

    #[test]
    fn recursion_and_try() {
        let mut cs = fresh();
        let p: *mut CriticalSection = &mut *cs;
        // SAFETY: `p` points to an initialised section for the whole test.
        unsafe {
            EnterCriticalSection(p);
            assert_eq!(TryEnterCriticalSection(p), TRUE); // recursion
            LeaveCriticalSection(p);
            LeaveCriticalSection(p);
            assert_eq!((*p).lock.load(Ordering::Relaxed), FREE);
            LeaveCriticalSection(p); // not the owner any more: no effect
            assert_eq!(SetCriticalSectionSpinCount(p, 4000), 0);
            assert_eq!(SetCriticalSectionSpinCount(p, 0), 4000);
        }
    }

    #[test]
    fn mutual_exclusion() {
        let cs = fresh();
        let addr = Box::into_raw(cs) as usize;
        let counter = std::sync::Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let p = addr as *mut CriticalSection;
                    for _ in 0..20_000 {
                        // SAFETY: the section outlives the threads (freed after the joins).
                        unsafe { EnterCriticalSection(p) };
                        // A non-atomic read-modify-write, made exclusive by the section.
                        let v = counter.load(Ordering::Relaxed);
                        counter.store(v + 1, Ordering::Relaxed);
                        // SAFETY: as above.
                        unsafe { LeaveCriticalSection(p) };
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(counter.load(Ordering::Relaxed), 80_000);
        // SAFETY: made by Box::into_raw above; no thread uses it any more.
        drop(unsafe { Box::from_raw(addr as *mut CriticalSection) });
    }
}
