//! The one place atomics come from, so `--cfg loom` can swap in loom's model-checked types.

#[cfg(loom)]
pub use loom::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

#[cfg(not(loom))]
pub use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};

/// The cheap half of an asymmetric fence: orders nothing in hardware, only keeps the compiler
/// from moving accesses across it. It is made whole by the other side's heavy fence
/// ([`Futex::heavy_fence`](crate::Futex::heavy_fence), a `membarrier`), which runs a full barrier
/// on every CPU that runs a registered process. Loom has no such pair, so under loom it is a
/// full fence on this side too (the guarantee the pair gives).
#[inline]
pub fn light_fence() {
    #[cfg(loom)]
    fence(Ordering::SeqCst);
    #[cfg(not(loom))]
    std::sync::atomic::compiler_fence(Ordering::SeqCst);
}

/// A polite busy-wait step. Under loom it yields to the model scheduler so spin loops terminate.
#[inline]
pub fn spin_hint() {
    #[cfg(loom)]
    loom::thread::yield_now();
    #[cfg(not(loom))]
    std::hint::spin_loop();
}

/// Event log of the current loom execution, printed when a model check fails
/// (collected only when `WINIPC_RING_LOOM_TRACE=1`).
#[cfg(loom)]
pub static TRACE: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
#[cfg(loom)]
pub static TRACE_ON: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records an event for the loom failure trace (no-op outside loom).
macro_rules! trace {
    ($($arg:tt)*) => {
        #[cfg(loom)]
        if $crate::sync::TRACE_ON.load(std::sync::atomic::Ordering::Relaxed) {
            let line = format!("{:?}: {}", loom::thread::current().id(), format!($($arg)*));
            if let Ok(mut t) = $crate::sync::TRACE.try_lock() { t.push(line); }
        }
    };
}
pub(crate) use trace;
