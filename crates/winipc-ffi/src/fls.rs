//! Fiber-local storage: `FlsAlloc`, `FlsFree`, `FlsGetValue`, `FlsSetValue`.
//!
//! The values of a fiber live in a *block* of the process-wide table, made at its first
//! `FlsSetValue`. A thread that is not a fiber has a block of its own, so FLS without fibers is
//! TLS with callbacks. `SwitchToFiber` carries the running block: the fiber switched from keeps
//! the block that was current, the fiber switched to brings its own (a created fiber starts with
//! none, so its values start NULL; `ConvertThreadToFiber` keeps the thread's). As on Windows, a
//! slot's callback is called with each non-NULL value when the block ends — `DeleteFiber` of a
//! fiber, or the exit of the thread (for the block current then) — and by `FlsFree` for every
//! block of the process. Callbacks run without the table's lock held, in slot order, on the
//! thread that deletes the fiber, exits, or frees the slot.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::util::*;

/// `FLS_MAXIMUM_AVAILABLE` of the header: slots 1..128 (0 is never handed out).
pub(crate) const SLOTS: usize = 128;
const FLS_OUT_OF_INDEXES: DWORD = u32::MAX;

/// `PFLS_CALLBACK_FUNCTION`.
type Callback = unsafe extern "C" fn(*mut c_void);

/// One block: a fiber's (or a thread's) values, as addresses.
type Values = [usize; SLOTS];

struct Table {
    allocated: [bool; SLOTS],
    callbacks: [Option<Callback>; SLOTS],
    blocks: BTreeMap<u64, Box<Values>>,
    next_block: u64,
}

static TABLE: Mutex<Table> = Mutex::new(Table {
    allocated: [false; SLOTS],
    callbacks: [None; SLOTS],
    blocks: BTreeMap::new(),
    next_block: 1,
});

fn table() -> MutexGuard<'static, Table> {
    // A callback never runs under the lock, so a poisoned lock means a panic of this module
    // only; the table is still consistent (every update is a single assignment).
    TABLE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Ends this thread's current block when the thread exits.
struct ExitGuard;

impl Drop for ExitGuard {
    fn drop(&mut self) {
        thread_exit();
    }
}

/// Ends the calling thread's current block: called as the thread exits, before its thread
/// object is signaled (`ExitThread`, a return from a `CreateThread` routine), and by the
/// thread-local guard for threads that end otherwise. Runs once (later calls find no block).
pub(crate) fn thread_exit() {
    if let Ok(block) = CURRENT.try_with(|c| c.replace(0)) {
        release(block);
    }
}

thread_local! {
    /// The block of the fiber (or thread) running here; 0: none yet.
    static CURRENT: Cell<u64> = const { Cell::new(0) };
    /// Registered (touched) when the thread gets a block.
    static EXIT: ExitGuard = const { ExitGuard };
}

/// The running fiber's block, for `SwitchToFiber` to keep in the fiber switched from.
pub(crate) fn current() -> u64 {
    CURRENT.get()
}

/// Makes `block` (a fiber's, or 0) the running one.
pub(crate) fn set_current(block: u64) {
    CURRENT.set(block);
}

/// Ends a block (a deleted fiber's, an exiting thread's): its non-NULL values go to their
/// slots' callbacks.
pub(crate) fn release(block: u64) {
    if block == 0 {
        return;
    }
    let calls: Vec<(Callback, usize)> = {
        let mut t = table();
        let Some(values) = t.blocks.remove(&block) else {
            return;
        };
        (1..SLOTS)
            .filter(|&i| t.allocated[i] && values[i] != 0)
            .filter_map(|i| t.callbacks[i].map(|cb| (cb, values[i])))
            .collect()
    };
    run(&calls);
}

fn run(calls: &[(Callback, usize)]) {
    for &(cb, value) in calls {
        // SAFETY: the application's PFLS_CALLBACK_FUNCTION, called with a value it stored, as
        // Windows calls it.
        unsafe { cb(value as *mut c_void) };
    }
}

fn slot(t: &Table, index: DWORD) -> R<usize> {
    match usize::try_from(index) {
        Ok(i) if (1..SLOTS).contains(&i) && t.allocated[i] => Ok(i),
        _ => Err(invalid_parameter("FLS index")),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn FlsAlloc(callback: Option<Callback>) -> DWORD {
    ffi(FLS_OUT_OF_INDEXES, || {
        let mut t = table();
        let Some(i) = (1..SLOTS).find(|&i| !t.allocated[i]) else {
            return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
        };
        t.allocated[i] = true;
        t.callbacks[i] = callback;
        // A reused slot starts NULL everywhere (FlsFree cleared it).
        Ok(i as DWORD)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FlsFree(index: DWORD) -> BOOL {
    ffi_bool(|| {
        let calls: Vec<(Callback, usize)> = {
            let mut t = table();
            let i = slot(&t, index)?;
            t.allocated[i] = false;
            let cb = t.callbacks[i].take();
            let values: Vec<usize> = t
                .blocks
                .values_mut()
                .map(|b| std::mem::take(&mut b[i]))
                .filter(|&v| v != 0)
                .collect();
            cb.map(|cb| values.into_iter().map(|v| (cb, v)).collect())
                .unwrap_or_default()
        };
        run(&calls);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FlsGetValue(index: DWORD) -> *mut c_void {
    ffi(null_mut(), || {
        let t = table();
        let i = slot(&t, index)?;
        let v = t.blocks.get(&CURRENT.get()).map_or(0, |b| b[i]);
        set_last_error(code::ERROR_SUCCESS); // as TlsGetValue: NULL is told from failure so
        Ok(v as *mut c_void)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FlsSetValue(index: DWORD, value: *mut c_void) -> BOOL {
    ffi_bool(|| {
        let mut t = table();
        let i = slot(&t, index)?;
        let mut block = CURRENT.get();
        if !t.blocks.contains_key(&block) {
            block = t.next_block;
            t.next_block += 1;
            t.blocks.insert(block, Box::new([0; SLOTS]));
            CURRENT.set(block);
            // The thread's exit ends the block current then (once registered, the guard
            // stays; during the thread's own exit it is gone and the block is left).
            let _ = EXIT.try_with(|_| ());
        }
        if let Some(b) = t.blocks.get_mut(&block) {
            b[i] = value as usize;
        }
        Ok(())
    })
}
