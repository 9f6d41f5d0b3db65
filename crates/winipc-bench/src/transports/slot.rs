//! The single-slot mailbox shared by the signal-primitive transports (`futex_slot.rs`,
//! `winipc_event.rs`): a state word says who may touch the message, and only the wake-up
//! primitive differs between them. A signal carries no data, so the harness's message header
//! travels in the slot.
//!
//! Layout in 32-bit words: `[0]` state, message from word 16 (its own cache line).

use std::io;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};

use crate::sys::SharedMem;
use crate::words::{copy_in, copy_out, words_for};

const STATE: usize = 0;
const DATA: usize = 16;
/// Slot free.
pub const EMPTY: u32 = 0;
/// Slot holds a message.
const FULL: u32 = 1;
/// Slot holds a message and the sender sleeps until it is taken.
pub const FULL_SENDER_WAITING: u32 = 2;

/// The wake-up primitive under test. Waits may return spuriously (the callers look again).
pub trait Signals {
    /// Sleeps until the receiver may have taken the message (the state is not `EMPTY` yet).
    fn wait_empty(&mut self, state: &AtomicU32) -> io::Result<()>;
    /// Tells a sender waiting in [`Signals::wait_empty`] that the slot is free.
    fn signal_empty(&mut self, state: &AtomicU32) -> io::Result<()>;
    /// Sleeps until a message may have arrived (the state was `EMPTY`).
    fn wait_full(&mut self, state: &AtomicU32) -> io::Result<()>;
    /// Tells the receiver that a message arrived.
    fn signal_full(&mut self, state: &AtomicU32) -> io::Result<()>;
}

/// Shared-memory words a slot for `msg_size`-byte messages needs.
pub fn words(msg_size: usize) -> usize {
    DATA + words_for(msg_size)
}

fn state(mem: &SharedMem) -> &AtomicU32 {
    &mem.words()[STATE]
}

/// Puts `msg` in the slot once it is free, then signals the receiver.
pub fn send(mem: &SharedMem, msg: &[u8], signals: &mut impl Signals) -> io::Result<()> {
    let state = state(mem);
    loop {
        match state.load(Acquire) {
            EMPTY => break,
            FULL => {
                let _ = state.compare_exchange(FULL, FULL_SENDER_WAITING, Acquire, Acquire);
            }
            _ => signals.wait_empty(state)?,
        }
    }
    copy_in(&mem.words()[DATA..], msg);
    state.store(FULL, Release);
    signals.signal_full(state)
}

/// Takes the message once there is one; signals the sender if it waits for the slot.
pub fn recv(mem: &SharedMem, buf: &mut [u8], signals: &mut impl Signals) -> io::Result<usize> {
    let state = state(mem);
    while state.load(Acquire) == EMPTY {
        signals.wait_full(state)?;
    }
    copy_out(&mem.words()[DATA..], buf);
    if state.swap(EMPTY, AcqRel) == FULL_SENDER_WAITING {
        signals.signal_empty(state)?;
    }
    Ok(buf.len())
}
