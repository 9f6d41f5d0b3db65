//! Raw futex ping-pong: the single-slot mailbox of `slot.rs`, sleeping on and waking its state
//! word with `futex(2)` — the same system calls as `shared/tools/ipc_anchor.c`'s futex test, and
//! the reference for `rtt` and `wake`. Single-slot and single-producer, so no stream scenarios.

use std::io;
use std::sync::atomic::AtomicU32;

use super::slot::{self, EMPTY, FULL_SENDER_WAITING, Signals};
use crate::futex::{wait, wake};
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// Futex-signalled single-slot mailbox.
#[derive(Debug)]
pub struct FutexSlot;

struct End(SharedMem);

/// The state word is the futex: the receiver wakes a sender only if it marked itself waiting;
/// the sender always wakes (the receiver does not announce itself).
struct Futexes;

impl Signals for Futexes {
    fn wait_empty(&mut self, state: &AtomicU32) -> io::Result<()> {
        wait(state, FULL_SENDER_WAITING);
        Ok(())
    }
    fn signal_empty(&mut self, state: &AtomicU32) -> io::Result<()> {
        wake(state);
        Ok(())
    }
    fn wait_full(&mut self, state: &AtomicU32) -> io::Result<()> {
        wait(state, EMPTY);
        Ok(())
    }
    fn signal_full(&mut self, state: &AtomicU32) -> io::Result<()> {
        wake(state);
        Ok(())
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
        SharedMem::create(&channel.posix_name("futex"), slot::words(channel.msg_size))
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
        slot::send(&self.0, msg, &mut Futexes)
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        slot::recv(&self.0, buf, &mut Futexes)
    }
}
