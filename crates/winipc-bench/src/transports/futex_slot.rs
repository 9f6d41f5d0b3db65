//! Raw futex ping-pong: a one-message mailbox in shared memory, a state word, and `futex(2)` to
//! sleep and wake — the same system calls as `shared/tools/ipc_anchor.c`'s futex test, and the
//! reference for `rtt` and `wake`. Single-slot and single-producer, so no stream scenarios.
//!
//! It is also the template for signal primitives (winipc's `Event`): a signal carries no data,
//! so the harness's message header travels in the shared slot and only the wake-up goes through
//! the primitive under test.
//!
//! Layout in 32-bit words: `[0]` state, message from word 16 (its own cache line).

use std::io;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};

use crate::futex::{wait, wake};
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};
use crate::words::{copy_in, copy_out, words_for};

const STATE: usize = 0;
const DATA: usize = 16;
/// Slot free.
const EMPTY: u32 = 0;
/// Slot holds a message.
const FULL: u32 = 1;
/// Slot holds a message and the sender sleeps until it is taken.
const FULL_SENDER_WAITING: u32 = 2;

/// Futex-signalled single-slot mailbox.
#[derive(Debug)]
pub struct FutexSlot;

struct End(SharedMem);

impl End {
    fn state(&self) -> &AtomicU32 {
        &self.0.words()[STATE]
    }
}

impl Transport for FutexSlot {
    fn id(&self) -> &'static str {
        "futex"
    }
    fn label(&self) -> &'static str {
        "raw futex (shm slot)"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        matches!(scenario, Scenario::Rtt | Scenario::Wake)
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        SharedMem::create(
            &channel.posix_name("futex"),
            DATA + words_for(channel.msg_size),
        )
    }
    fn teardown(&self, channel: &Channel) {
        let _ = SharedMem::unlink(&channel.posix_name("futex"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        Ok(Box::new(End(SharedMem::open(
            &channel.posix_name("futex"),
        )?)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        Ok(Box::new(End(SharedMem::open(
            &channel.posix_name("futex"),
        )?)))
    }
}

impl Sender for End {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        let state = self.state();
        loop {
            match state.load(Acquire) {
                EMPTY => break,
                FULL => {
                    let _ = state.compare_exchange(FULL, FULL_SENDER_WAITING, Acquire, Acquire);
                }
                _ => wait(state, FULL_SENDER_WAITING),
            }
        }
        copy_in(&self.0.words()[DATA..], msg);
        state.store(FULL, Release);
        wake(state);
        Ok(())
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let state = self.state();
        while state.load(Acquire) == EMPTY {
            wait(state, EMPTY);
        }
        copy_out(&self.0.words()[DATA..], buf);
        if state.swap(EMPTY, AcqRel) == FULL_SENDER_WAITING {
            wake(state);
        }
        Ok(buf.len())
    }
}
