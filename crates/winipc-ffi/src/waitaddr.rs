//! `WaitOnAddress`, `WakeByAddressSingle`, `WakeByAddressAll` (`synchapi.h`): threads of one
//! process sleep until the value at an address changes.
//!
//! The waiters of each address are in a table (behind one lock), each sleeping on a futex word
//! of its own: the value is compared under that lock, and a waker takes the table's lock, so
//! a wake that follows a change of the value is never lost, and `WakeByAddressSingle` wakes
//! exactly one waiter of that address (the one that has waited longest). As on Windows, only
//! threads of the calling process are woken.

use std::collections::{HashMap, VecDeque};
use std::ffi::c_void;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::util::*;

const INFINITE: DWORD = u32::MAX;
const ERROR_TIMEOUT: u32 = 1460;

/// One sleeping thread: its futex word goes 0 -> 1 when it is woken.
struct Waiter {
    woken: AtomicU32,
}

type Table = HashMap<usize, VecDeque<Arc<Waiter>>>;
static WAITERS: Mutex<Option<Table>> = Mutex::new(None);

fn table() -> MutexGuard<'static, Option<Table>> {
    WAITERS.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether the `size` bytes at `a` and `b` differ (read as the size's integer, once).
///
/// # Safety
/// `a` and `b` valid for reads of `size` bytes.
unsafe fn differ(a: *const c_void, b: *const c_void, size: usize) -> bool {
    /// Reads the watched value once: volatile when aligned (so it is read every time),
    /// unaligned otherwise (Windows does not require alignment).
    ///
    /// # Safety
    /// `p` valid for a read of a `T`.
    unsafe fn watched<T: Copy>(p: *const c_void) -> T {
        let p = p.cast::<T>();
        if p.is_aligned() {
            // SAFETY: valid (the caller's contract) and aligned.
            unsafe { p.read_volatile() }
        } else {
            std::sync::atomic::compiler_fence(Ordering::SeqCst);
            // SAFETY: valid (the caller's contract); read unaligned.
            unsafe { p.read_unaligned() }
        }
    }
    // SAFETY: the caller's contract; the comparand is read unaligned for the same reason.
    unsafe {
        match size {
            1 => watched::<u8>(a) != b.cast::<u8>().read_unaligned(),
            2 => watched::<u16>(a) != b.cast::<u16>().read_unaligned(),
            4 => watched::<u32>(a) != b.cast::<u32>().read_unaligned(),
            _ => watched::<u64>(a) != b.cast::<u64>().read_unaligned(),
        }
    }
}

/// # Safety
/// `address` and `compare` valid for reads of `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitOnAddress(
    address: *mut c_void,
    compare: *mut c_void,
    size: usize,
    millis: DWORD,
) -> BOOL {
    ffi_bool(|| {
        if !matches!(size, 1 | 2 | 4 | 8) {
            return Err(invalid_parameter("AddressSize must be 1, 2, 4 or 8"));
        }
        if address.is_null() || compare.is_null() {
            return Err(invalid_parameter("Address or CompareAddress is NULL"));
        }
        let me = Arc::new(Waiter {
            woken: AtomicU32::new(0),
        });
        {
            let mut t = table();
            // SAFETY: the caller's contract.
            if unsafe { differ(address, compare, size) } {
                return Ok(());
            }
            if millis == 0 {
                return Err(Fail(ERROR_TIMEOUT));
            }
            t.get_or_insert_with(HashMap::new)
                .entry(address as usize)
                .or_default()
                .push_back(me.clone());
        }
        let deadline = (millis != INFINITE)
            .then(|| winipc_sys::time::monotonic_ns() + u64::from(millis) * 1_000_000);
        loop {
            if me.woken.load(Ordering::Acquire) != 0 {
                return Ok(());
            }
            if winipc_sys::futex::wait(&me.woken, 0, deadline) == winipc_sys::futex::Woken::TimedOut
            {
                break;
            }
        }
        // Timed out, unless a waker took us off the list meanwhile.
        let mut t = table();
        if me.woken.load(Ordering::Acquire) != 0 {
            return Ok(());
        }
        if let Some(m) = t.as_mut() {
            if let Some(q) = m.get_mut(&(address as usize)) {
                q.retain(|w| !Arc::ptr_eq(w, &me));
                if q.is_empty() {
                    m.remove(&(address as usize));
                }
            }
        }
        Err(Fail(ERROR_TIMEOUT))
    })
}

fn wake(address: *mut c_void, all: bool) {
    let woken: Vec<Arc<Waiter>> = {
        let mut t = table();
        let Some(m) = t.as_mut() else { return };
        let key = address as usize;
        let Some(q) = m.get_mut(&key) else { return };
        let out: Vec<Arc<Waiter>> = if all {
            q.drain(..).collect()
        } else {
            q.pop_front().into_iter().collect()
        };
        if q.is_empty() {
            m.remove(&key);
        }
        // Marked under the table's lock: a waiter whose timeout expires meanwhile sees that
        // it was woken (and returns TRUE) rather than taking the wake with it.
        for w in &out {
            w.woken.store(1, Ordering::Release);
        }
        out
    };
    for w in woken {
        winipc_sys::futex::wake(&w.woken, 1);
    }
}

/// `WakeByAddressSingle`: wakes the longest-waiting thread of `address`, if any.
#[unsafe(no_mangle)]
pub extern "C" fn WakeByAddressSingle(address: *mut c_void) {
    wake(address, false);
}

/// `WakeByAddressAll`: wakes every thread waiting on `address`.
#[unsafe(no_mangle)]
pub extern "C" fn WakeByAddressAll(address: *mut c_void) {
    wake(address, true);
}
