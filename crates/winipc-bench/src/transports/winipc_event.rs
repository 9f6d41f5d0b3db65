//! winipc events as a signal primitive: a one-message slot in shared memory (as in
//! `futex_slot.rs`) handed over with two auto-reset events, "full" and "empty". Only `rtt` and
//! `wake`: it measures the event's set → wait wake-up against the raw futex.

use std::io;

use winipc::{Event, EventReset};

use super::winipc_mailslot::use_channel_dir;
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};
use crate::words::{copy_in, copy_out, words_for};

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
            true,
        )?;
        Ok(End { slot, full, empty })
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
        SharedMem::create(&channel.posix_name("wevent"), words_for(channel.msg_size))
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
        self.empty.wait(None)?;
        copy_in(self.slot.words(), msg);
        self.full.set()?;
        Ok(())
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.full.wait(None)?;
        copy_out(self.slot.words(), buf);
        self.empty.set()?;
        Ok(buf.len())
    }
}
