//! Synchronization barriers (`synchapi.h`): `InitializeSynchronizationBarrier`,
//! `EnterSynchronizationBarrier`, `DeleteSynchronizationBarrier`, for the threads of one
//! process.
//!
//! The state lives in the caller's `SYNCHRONIZATION_BARRIER` (Windows' 32-byte layout):
//! `Reserved1` counts the threads still to arrive in this phase, `Reserved2` is the phase
//! number (a futex word the waiters sleep on), `Reserved3[0]` the thread count,
//! `Reserved3[1]` the spin count, `Reserved4` the threads inside `Enter`. The last thread to
//! arrive re-arms the count, bumps the phase, wakes the others and returns TRUE; every other
//! returns FALSE.

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};

use crate::util::*;

const SPIN_ONLY: DWORD = 0x01;
const BLOCK_ONLY: DWORD = 0x02;
const NO_DELETE: DWORD = 0x04;
/// Spins before sleeping when the caller asked for the default (-1).
const DEFAULT_SPIN: usize = 2000;

/// `RTL_BARRIER`.
#[repr(C)]
pub struct Barrier {
    left: AtomicU32,
    phase: AtomicU32,
    total: AtomicUsize,
    spin: AtomicUsize,
    inside: AtomicU32,
    _reserved: u32,
}

const _: () = assert!(std::mem::size_of::<Barrier>() == 32);

/// `InitializeSynchronizationBarrier`: `total` ≥ 1 threads; `spin` -1 (default) or ≥ 0.
///
/// # Safety
/// `b` valid for a write of a `SYNCHRONIZATION_BARRIER`, aligned.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeSynchronizationBarrier(
    b: *mut Barrier,
    total: LONG,
    spin: LONG,
) -> BOOL {
    ffi_bool(|| {
        if b.is_null() || total < 1 || spin < -1 {
            return Err(invalid_parameter("lTotalThreads < 1 or lSpinCount < -1"));
        }
        let spin = if spin < 0 {
            DEFAULT_SPIN
        } else {
            spin as usize
        };
        // SAFETY: the caller's contract.
        unsafe {
            b.write(Barrier {
                left: AtomicU32::new(total as u32),
                phase: AtomicU32::new(0),
                total: AtomicUsize::new(total as usize),
                spin: AtomicUsize::new(spin),
                inside: AtomicU32::new(0),
                _reserved: 0,
            });
        }
        Ok(())
    })
}

/// `EnterSynchronizationBarrier`: TRUE for exactly one thread of each phase (the last to
/// arrive), FALSE for the others.
///
/// # Safety
/// `b` an initialised barrier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EnterSynchronizationBarrier(b: *mut Barrier, flags: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    let Some(b) = (unsafe { b.as_ref() }) else {
        return FALSE;
    };
    let counted = flags & NO_DELETE == 0;
    if counted {
        b.inside.fetch_add(1, Ordering::AcqRel);
    }
    let phase = b.phase.load(Ordering::Acquire);
    let last = b.left.fetch_sub(1, Ordering::AcqRel) == 1;
    if last {
        b.left
            .store(b.total.load(Ordering::Relaxed) as u32, Ordering::Release);
        b.phase.store(phase.wrapping_add(1), Ordering::Release);
        winipc_sys::futex::wake(&b.phase, u32::MAX);
    } else {
        let spins = if flags & BLOCK_ONLY != 0 {
            0
        } else {
            b.spin.load(Ordering::Relaxed)
        };
        let mut i = 0usize;
        while b.phase.load(Ordering::Acquire) == phase {
            if flags & SPIN_ONLY != 0 || i < spins {
                i += 1;
                if i % 64 == 0 {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
            } else {
                winipc_sys::futex::wait(&b.phase, phase, None);
            }
        }
    }
    if counted {
        b.inside.fetch_sub(1, Ordering::AcqRel);
    }
    BOOL::from(last)
}

/// `DeleteSynchronizationBarrier`: waits until every thread has left `Enter` (but those that
/// passed `SYNCHRONIZATION_BARRIER_FLAGS_NO_DELETE`); always TRUE.
///
/// # Safety
/// `b` an initialised barrier.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn DeleteSynchronizationBarrier(b: *mut Barrier) -> BOOL {
    // SAFETY: the caller's contract.
    if let Some(b) = unsafe { b.as_ref() } {
        while b.inside.load(Ordering::Acquire) != 0 {
            std::thread::yield_now();
        }
    }
    TRUE
}
