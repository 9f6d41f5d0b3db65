//! `libwinipc`: the Win32 C ABI of `include/windows.h` over the winipc core.
//!
//! Every exported function has C linkage and the exact prototype of the header; the behaviour
//! is specified in `docs/c-abi.md`. Rules kept throughout:
//!
//! - no panic unwinds into C ([`util::ffi`] turns one into a failure with
//!   `ERROR_GEN_FAILURE`);
//! - every pointer Windows allows to be NULL is checked, and C memory is touched only in the
//!   small helpers of [`util`];
//! - the last error is thread-local and set as the specification says; errors from the core
//!   reach it through `winipc::Error::win32_code`, the one mapping.
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_snake_case)]
// The Win32 type names (HANDLE, DWORD, ...) are kept as the header spells them.
#![allow(clippy::upper_case_acronyms)]

mod apc;
mod barrier;
mod chars;
mod codepage;
mod console;
mod consoleio;
mod critical_section;
mod datefmt;
mod dirs;
mod env;
mod fastpath;
mod fd;
mod fiber;
mod files;
mod find;
mod fls;
mod fsinfo;
mod fslock;
#[doc(hidden)]
pub mod fuzz_support;
mod handle;
mod iocp;
mod job;
mod mailslot;
mod mapping;
mod memory;
mod misc;
mod namedpipe;
mod notify;
mod overlapped;
mod pipe;
mod probe;
mod process;
mod profile;
mod psapi;
mod sched;
mod slim;
mod slist;
mod sync;
mod thread;
mod threadctl;
mod threadpool;
mod timerqueue;
mod toolhelp;
mod topology;
mod tp;
mod util;
mod virt;
mod waitaddr;
mod wallclock;
