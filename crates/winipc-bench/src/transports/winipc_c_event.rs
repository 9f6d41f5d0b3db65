//! winipc events through the C ABI (`CreateEventA`, `SetEvent`, `WaitForSingleObject`) as the
//! wake-up primitive of the single-slot mailbox of `slot.rs`, like `winipc_event.rs` does with
//! the Rust API. Only `rtt` and `wake`.

use std::io;
use std::sync::atomic::AtomicU32;

use super::slot::{self, Signals};
use super::winipc_mailslot::use_channel_dir;
use crate::capi::{self, CHandle};
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};

/// winipc's event through libwinipc.
#[derive(Debug)]
pub struct WinipcCEvent;

struct End {
    slot: SharedMem,
    events: Events,
}

struct Events {
    full: CHandle,
    empty: CHandle,
}

impl Signals for Events {
    fn wait_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.wait()
    }
    fn signal_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.set()
    }
    fn wait_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.full.wait()
    }
    fn signal_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.full.set()
    }
}

impl End {
    fn open(channel: &Channel) -> io::Result<End> {
        use_channel_dir(channel);
        let slot = SharedMem::open(&channel.posix_name("wcevent"))?;
        let event = |which: &str| capi::auto_event(&format!("bench-c-{}-{which}", channel.name));
        let events = Events {
            full: event("full")?,
            empty: event("empty")?,
        };
        Ok(End { slot, events })
    }
}

impl Transport for WinipcCEvent {
    fn id(&self) -> &'static str {
        "winipc-c-event"
    }
    fn label(&self) -> &'static str {
        "winipc event, C ABI (shm slot)"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        matches!(scenario, Scenario::Rtt | Scenario::Wake)
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        SharedMem::create(
            &channel.posix_name("wcevent"),
            slot::words(channel.msg_size),
        )
    }
    fn teardown(&self, channel: &Channel) {
        let _ = SharedMem::unlink(&channel.posix_name("wcevent"));
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
