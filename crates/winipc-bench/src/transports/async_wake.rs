//! Async wake-ups (issue 18): a receiver that sleeps in a tokio current-thread runtime rather
//! than in a blocking call. `winipc-mailslot-async` receives with `winipc::asyncio::recv`,
//! `winipc-event-async` waits for the slot mailbox's "full" event with
//! `winipc::asyncio::wait_any`, and `tokio-unix-dgram` (their reference) receives on a tokio
//! `UnixDatagram`. Senders are the blocking ones of the plain transports. Only `wake`.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::sync::atomic::AtomicU32;

use tokio::runtime::Runtime;
use winipc::{
    Event, EventReset, MAILSLOT_WAIT_FOREVER, Mailslot, MailslotOptions, MailslotWriter, Readiness,
};

use super::slot::{self, Signals};
use super::winipc_mailslot::{slot_name, use_channel_dir};
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};

fn runtime() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
}

/// A readiness registration to keep, where async waits use the bridge.
fn keep_registered(h: &winipc::Handle) -> io::Result<Option<Readiness>> {
    if winipc::asyncio::sleeps_through_io_uring() {
        Ok(None)
    } else {
        Readiness::new(h).map(Some)
    }
}

// ---- winipc mailslot ---------------------------------------------------------------------

/// winipc's mailslot, received in tokio.
#[derive(Debug)]
pub struct WinipcMailslotAsync;

/// The slot, the runtime, and, where async waits go through the readiness bridge (io_uring
/// unavailable), a registration kept for the receiver's life (as a server would: each receive
/// then reuses it instead of registering the slot anew). On the io_uring path a registration
/// would only wake the bridge thread for nothing on every message.
struct MsRx(Mailslot, Runtime, #[allow(dead_code)] Option<Readiness>);
struct MsTx(MailslotWriter);

impl Transport for WinipcMailslotAsync {
    fn id(&self) -> &'static str {
        "winipc-mailslot-async"
    }
    fn label(&self) -> &'static str {
        "winipc mailslot, tokio"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario == Scenario::Wake
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        use_channel_dir(channel);
        let opts = MailslotOptions {
            read_timeout: MAILSLOT_WAIT_FOREVER,
            ..Default::default()
        };
        let slot = Mailslot::create_with(&slot_name(channel), opts)?;
        let keep = keep_registered(slot.handle())?;
        Ok(Box::new(MsRx(slot, runtime()?, keep)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        use_channel_dir(channel);
        Ok(Box::new(MsTx(MailslotWriter::open(&slot_name(channel))?)))
    }
}

impl Receiver for MsRx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.1.block_on(winipc::asyncio::recv(&self.0, buf))
    }
}

impl Sender for MsTx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.send(msg)
    }
}

// ---- winipc event ------------------------------------------------------------------------

/// winipc's event as the slot mailbox's wake-up, waited for in tokio.
#[derive(Debug)]
pub struct WinipcEventAsync;

struct EvEnd {
    slot: SharedMem,
    events: AsyncEvents,
}

struct AsyncEvents {
    full: Event,
    empty: Event,
    /// The receiver's runtime and its registration of "full", kept for its life.
    rt: Option<(Runtime, Option<Readiness>)>,
}

impl Signals for AsyncEvents {
    fn wait_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.wait(None).map(drop)
    }
    fn signal_empty(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.empty.set().map(drop)
    }
    fn wait_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        let (rt, _) = self.rt.as_ref().expect("the receiver's runtime");
        rt.block_on(winipc::asyncio::wait_any(&[self.full.handle()]))
            .map(drop)
    }
    fn signal_full(&mut self, _: &AtomicU32) -> io::Result<()> {
        self.full.set().map(drop)
    }
}

impl EvEnd {
    fn open(channel: &Channel, receiver: bool) -> io::Result<EvEnd> {
        use_channel_dir(channel);
        let slot = SharedMem::open(&channel.posix_name("aevent"))?;
        let event = |which: &str| {
            Event::create(
                &format!("bench-{}-{which}", channel.name),
                EventReset::Auto,
                false,
            )
        };
        let full = event("full")?;
        let rt = if receiver {
            Some((runtime()?, keep_registered(full.handle())?))
        } else {
            None
        };
        let events = AsyncEvents {
            full,
            empty: event("empty")?,
            rt,
        };
        Ok(EvEnd { slot, events })
    }
}

impl Transport for WinipcEventAsync {
    fn id(&self) -> &'static str {
        "winipc-event-async"
    }
    fn label(&self) -> &'static str {
        "winipc event (shm slot), tokio"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario == Scenario::Wake
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        SharedMem::create(&channel.posix_name("aevent"), slot::words(channel.msg_size))
    }
    fn teardown(&self, channel: &Channel) {
        let _ = SharedMem::unlink(&channel.posix_name("aevent"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        Ok(Box::new(EvEnd::open(channel, true)?))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        Ok(Box::new(EvEnd::open(channel, false)?))
    }
}

impl Sender for EvEnd {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        slot::send(&self.slot, msg, &mut self.events)
    }
}

impl Receiver for EvEnd {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        slot::recv(&self.slot, buf, &mut self.events)
    }
}

// ---- tokio UnixDatagram --------------------------------------------------------------------

/// Unix datagram sockets, received in tokio: the reference of the async rows.
#[derive(Debug)]
pub struct TokioUnixDgram;

struct DgRx(tokio::net::UnixDatagram, Runtime);
struct DgTx(UnixDatagram);

impl Transport for TokioUnixDgram {
    fn id(&self) -> &'static str {
        "tokio-unix-dgram"
    }
    fn label(&self) -> &'static str {
        "Unix SOCK_DGRAM, tokio"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario == Scenario::Wake
    }
    fn teardown(&self, channel: &Channel) {
        let _ = std::fs::remove_file(channel.path("tdgram"));
    }
    fn receiver(&self, channel: &Channel) -> io::Result<Box<dyn Receiver>> {
        let rt = runtime()?;
        let sock = UnixDatagram::bind(channel.path("tdgram"))?;
        sock.set_nonblocking(true)?;
        let sock = {
            let _in = rt.enter();
            tokio::net::UnixDatagram::from_std(sock)?
        };
        Ok(Box::new(DgRx(sock, rt)))
    }
    fn sender(&self, channel: &Channel) -> io::Result<Box<dyn Sender>> {
        let sock = UnixDatagram::unbound()?;
        sock.connect(channel.path("tdgram"))?;
        Ok(Box::new(DgTx(sock)))
    }
}

impl Receiver for DgRx {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.1.block_on(self.0.recv(buf))
    }
}

impl Sender for DgTx {
    fn send(&mut self, msg: &[u8]) -> io::Result<()> {
        self.0.send(msg).map(drop)
    }
}
