//! winipc events as the wake-up primitive of the single-slot mailbox of `slot.rs` (the raw
//! futex transport's): "full" (auto-reset) wakes the receiver, "empty" wakes a sender that found
//! the slot still occupied. So the `rtt` and `wake` figures differ from the raw futex's only in
//! the wake-up primitive (event set → the waiter's wait returns, in another process). Only
//! `rtt` and `wake`.

use std::io;
use std::sync::atomic::AtomicU32;

use winipc::{Event, EventReset};

use super::slot::{self, Signals};
use super::winipc_mailslot::use_channel_dir;
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// winipc's event.
#[derive(Debug)]
pub struct WinipcEvent;

struct End {
    slot: SharedMem,
    events: Events,
}

/// A stale signal (an event set for a round its waiter did not need to wait in) only makes the
/// slot protocol look again.
struct Events {
    full: Event,
    empty: Event,
}

impl Signals for Events {
    fn wait_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.wait(None).map(drop)
    }
    fn signal_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.set().map(drop)
    }
    fn wait_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.full.wait(None).map(drop)
    }
    fn signal_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.full.set().map(drop)
    }
}

impl End {
    fn open(channel: &Channel) -> io::Result<End> {
        use_channel_dir(channel);
        let slot = SharedMem::open(&channel.posix_name("wevent"))?;
        let event = |which: &str| {
            Event::create(
                &format!("bench-{}-{which}", channel.name),
                EventReset::Auto,
                false,
            )
        };
        let events = Events {
            full: event("full")?,
            empty: event("empty")?,
        };
        Ok(End { slot, events })
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
        SharedMem::create(&channel.posix_name("wevent"), slot::words(channel.msg_size))
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
        slot::send(&self.slot, msg, &mut self.events)
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        slot::recv(&self.slot, buf, &mut self.events)
    }
}
