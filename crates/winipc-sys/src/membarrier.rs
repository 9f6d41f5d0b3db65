//! Asymmetric memory barriers (`membarrier(2)`): a thread that registered its process lets
//! other processes run a full barrier on its behalf, so its own fast path needs none.
//!
//! ```
//! // Registration is per process (and not inherited by `fork`); the heavy side may be issued
//! // by anyone. Both fail on kernels or sandboxes without `membarrier`.
//! if winipc_sys::membarrier::register_global_expedited().is_ok() {
//!     winipc_sys::membarrier::global_expedited().unwrap();
//! }
//! ```

use rustix::thread::{MembarrierCommand, membarrier};
use std::io;

/// `MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED`: this process's threads will run a full barrier
/// whenever any process issues [`global_expedited`].
pub fn register_global_expedited() -> io::Result<()> {
    membarrier(MembarrierCommand::RegisterGlobalExpedited).map_err(io::Error::from)
}

/// `MEMBARRIER_CMD_GLOBAL_EXPEDITED`: runs a full memory barrier on every CPU that is running a
/// thread of a registered process, and returns after they all have.
pub fn global_expedited() -> io::Result<()> {
    membarrier(MembarrierCommand::GlobalExpedited).map_err(io::Error::from)
}
