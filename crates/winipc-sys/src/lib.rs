//! `winipc-sys`: the one layer of winipc that talks to the kernel.
//!
//! Everything above this crate is safe Rust over shared memory seen as slices of atomics.
//! This crate provides:
//!
//! - [`shm`]: shared-memory files (created atomically, owner and mode checked) and their mappings;
//! - [`futex`]: shared (inter-process) futex wait / wake, including `futex_waitv` over many words;
//! - [`token`]: liveness tokens — robust process-shared mutexes that the kernel marks
//!   `FUTEX_OWNER_DIED` when their thread dies, SIGKILL included;
//! - [`membarrier`]: asymmetric memory barriers across processes;
//! - [`names`]: machine-wide names held by abstract Unix sockets (kernel-enforced lifetime);
//! - [`pipes`]: the sockets, polls and eventfds behind named pipes;
//! - [`proc`]: process identity (pid, tid, start time), pidfds, exit statuses, signals;
//! - [`sched`]: the calling thread's time-slice request (EEVDF's custom slice);
//! - [`sigbus`]: surviving a peer that truncates a mapped region file;
//! - [`time`]: the monotonic and real-time clocks as nanosecond counts;
//! - [`uring`]: futex waits as io_uring completions, for async runtimes.
//!
//! `unsafe` is confined to the few functions that must dereference raw pointers (the mapping, the
//! token's pthread calls and one ioctl); each block carries a `// SAFETY:` comment.
//!
//! ```
//! let now = winipc_sys::time::monotonic_ns();
//! assert!(now > 0);
//! ```
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod epoll;
pub mod eventfd;
pub mod futex;
pub mod membarrier;
pub mod names;
pub mod pipes;
pub mod proc;
pub mod sched;
pub mod shm;
pub mod sigbus;
pub mod time;
pub mod token;
pub mod uring;
pub mod view;
