//! winipc events as the wake-up primitive of the same single-slot mailbox as `futex_slot.rs`.
//!
//! The slot's state word says who may touch the message, exactly as in the raw futex
//! transport; where that one sleeps on and wakes the state word with `futex(2)`, this one
//! waits on and sets two auto-reset events: "full" wakes the receiver, "empty" wakes a sender
//! that found the slot still occupied. So the `rtt` and `wake` figures differ from the raw
//! futex's only in the wake-up primitive (event set → the waiter's wait returns, in another
//! process). Only `rtt` and `wake`.

use std::io;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};

use winipc::{Event, EventReset};

use super::winipc_mailslot::use_channel_dir;
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
/// Slot holds a message and the sender waits on "empty" until it is taken.
const FULL_SENDER_WAITING: u32 = 2;

/// winipc's event.
#[derive(Debug)]
pub struct WinipcEvent;

struct End {
    slot: SharedMem,
    full: Event,
    empty: Event,
}

impl End {
    fn open(channel: &Channel) -> io::Result<End> {
        use_channel_dir(channel);
        let slot = SharedMem::open(&channel.posix_name("wevent"))?;
        let full = Event::create(
            &format!("bench-{}-full", channel.name),
            EventReset::Auto,
            false,
        )?;
        let empty = Event::create(
            &format!("bench-{}-empty", channel.name),
            EventReset::Auto,
            false,
        )?;
        Ok(End { slot, full, empty })
    }

    fn state(&self) -> &AtomicU32 {
        &self.slot.words()[STATE]
    }
}

impl Transport for WinipcEvent {
    fn id(&self) -> &'static str {
        "winipc-event"
    }
    fn label(&self) -> &'static str {
        "winipc event (shm slot)"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        matches!(scenario, Scenario::Rtt | Scenario::Wake)
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        SharedMem::create(
            &channel.posix_name("wevent"),
            DATA + words_for(channel.msg_size),
        )
    }
    fn teardown(&self, channel: &Channel) {
        let _ = SharedMem::unlink(&channel.posix_name("wevent"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        Ok(Box::new(End::open(channel)?))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        Ok(Box::new(End::open(channel)?))
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
                // A stale "empty" from an earlier round only makes this loop look again.
                _ => {
                    self.empty.wait(None)?;
                }
            }
        }
        copy_in(&self.slot.words()[DATA..], msg);
        state.store(FULL, Release);
        self.full.set()?;
        Ok(())
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let state = self.state();
        // A stale "full" (a message taken before its wait) only makes this loop look again.
        while state.load(Acquire) == EMPTY {
            self.full.wait(None)?;
        }
        copy_out(&self.slot.words()[DATA..], buf);
        if state.swap(EMPTY, AcqRel) == FULL_SENDER_WAITING {
            self.empty.set()?;
        }
        Ok(buf.len())
    }
}
