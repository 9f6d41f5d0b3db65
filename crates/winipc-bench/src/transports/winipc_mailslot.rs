//! winipc mailslots: the receiver creates `\\.\mailslot\bench\<name>`, every sender opens it.
//! The reference column of the report.

use std::io;

use winipc::{MAILSLOT_WAIT_FOREVER, Mailslot, MailslotOptions, MailslotWriter};

use crate::transport::{Channel, Receiver, Sender, Transport};

/// winipc's mailslot.
#[derive(Debug)]
pub struct WinipcMailslot;

/// Points winipc at the benchmark's private directory (once per process).
pub fn use_channel_dir(channel: &Channel) {
    let _ = winipc::set_store_dir(&channel.dir);
}

pub fn slot_name(channel: &Channel) -> String {
    format!(r"\\.\mailslot\bench\{}", channel.name)
}

struct Rx(Mailslot);
struct Tx(MailslotWriter);

impl Transport for WinipcMailslot {
    fn id(&self) -> &'static str {
        "winipc-mailslot"
    }
    fn label(&self) -> &'static str {
        "winipc mailslot"
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        use_channel_dir(channel);
        let opts = MailslotOptions {
            read_timeout: MAILSLOT_WAIT_FOREVER,
            ..Default::default()
        };
        Ok(Box::new(Rx(Mailslot::create_with(
            &slot_name(channel),
            opts,
        )?)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        use_channel_dir(channel);
        Ok(Box::new(Tx(MailslotWriter::open(&slot_name(channel))?)))
    }
}

impl Receiver for Rx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.recv(buf)
    }
}

impl Sender for Tx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.send(msg)
    }
}
