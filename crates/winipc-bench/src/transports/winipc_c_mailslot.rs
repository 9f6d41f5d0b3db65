//! winipc mailslots through the C ABI: `CreateMailslotA` + `ReadFile` on the receiving side,
//! `CreateFileA` + `WriteFile` on the sending side — what Win32 code runs.

use std::io;

use super::winipc_mailslot::{slot_name, use_channel_dir};
use crate::capi::{self, CHandle};
use crate::transport::{Channel, Receiver, Sender, Transport};

/// winipc's mailslot through libwinipc's `ReadFile`/`WriteFile`.
#[derive(Debug)]
pub struct WinipcCMailslot;

struct Rx(CHandle);
struct Tx(CHandle);

impl Transport for WinipcCMailslot {
    fn id(&self) -> &'static str {
        "winipc-c-mailslot"
    }
    fn label(&self) -> &'static str {
        "winipc mailslot, C ABI"
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        use_channel_dir(channel);
        Ok(Box::new(Rx(capi::create_mailslot(&slot_name(channel))?)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        use_channel_dir(channel);
        Ok(Box::new(Tx(capi::open_mailslot(&slot_name(channel))?)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.write(msg)
    }
}
