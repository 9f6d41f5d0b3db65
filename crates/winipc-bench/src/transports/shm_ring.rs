//! A raw shared-memory single-producer single-consumer ring of fixed-size slots: no system call
//! per message while both sides keep up. A side that finds the ring empty (or full) polls for up
//! to 50 µs, yielding between bursts, and only then sleeps on a futex (see
//! [`crate::futex::spin_then_wait`]). The "hardware limit" reference for one writer — it buys
//! its latency with CPU time; inherently single-producer, so no `stream-8w`. Unlike the
//! spin-only ring of `shared/tools/ipc_anchor.c` it can sleep, which costs a full fence per
//! message on each side (the sleeping-flag handshake), so its cross-CPU stream rate is lower.
//!
//! Layout in 32-bit words (positions count messages and wrap):
//! `[0]` tail (next slot to fill), `[1]` consumer sleeping; `[16]` head (next slot to drain),
//! `[17]` producer sleeping; slots from word 32, one cache line apart from the indices.

use std::io;
use std::sync::atomic::Ordering::{Acquire, Release};

use crate::futex::{notify, spin_then_wait};
use crate::scenario::Scenario;
use crate::sys::SharedMem;
use crate::transport::{Channel, Receiver, Sender, Transport};
use crate::words::{copy_in, copy_out, words_for};

/// Slots in the ring (a power of two), as in `shared/tools/ipc_anchor.c`.
const SLOTS: u32 = 4096;
const TAIL: usize = 0;
const CONSUMER_SLEEPING: usize = 1;
const HEAD: usize = 16;
const PRODUCER_SLEEPING: usize = 17;
const DATA: usize = 32;

/// Shared-memory SPSC ring.
#[derive(Debug)]
pub struct ShmRing;

/// One side of the ring. `pos` is that side's own index; `peer` the last value it read of the
/// other side's index, re-read only when exhausted so the shared index lines bounce less.
struct End {
    mem: SharedMem,
    slot_words: usize,
    pos: u32,
    peer: u32,
}

impl End {
    fn open(channel: &Channel) -> io::Result<Self> {
        let mem = SharedMem::open(&channel.posix_name("ring"))?;
        Ok(Self {
            mem,
            slot_words: words_for(channel.msg_size),
            pos: 0,
            peer: 0,
        })
    }

    fn slot(&self, pos: u32) -> &[std::sync::atomic::AtomicU32] {
        let start = DATA + (pos % SLOTS) as usize * self.slot_words;
        &self.mem.words()[start..start + self.slot_words]
    }
}

impl Transport for ShmRing {
    fn id(&self) -> &'static str {
        "shm-ring"
    }
    fn label(&self) -> &'static str {
        "shared-memory SPSC ring"
    }
    fn supports(&self, scenario: Scenario) -> bool {
        scenario != Scenario::Stream8w
    }
    fn setup(&self, channel: &Channel) -> io::Result<()> {
        let words = DATA + SLOTS as usize * words_for(channel.msg_size);
        SharedMem::create(&channel.posix_name("ring"), words)
    }
    fn teardown(&self, channel: &Channel) {
        let _ = SharedMem::unlink(&channel.posix_name("ring"));
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
        let w = self.mem.words();
        let pos = self.pos;
        if pos.wrapping_sub(self.peer) >= SLOTS {
            self.peer = w[HEAD].load(Acquire);
            if pos.wrapping_sub(self.peer) >= SLOTS {
                let has_room = || pos.wrapping_sub(w[HEAD].load(Acquire)) < SLOTS;
                spin_then_wait(&w[PRODUCER_SLEEPING], has_room);
                self.peer = w[HEAD].load(Acquire);
            }
        }
        copy_in(self.slot(pos), msg);
        w[TAIL].store(pos.wrapping_add(1), Release);
        self.pos = pos.wrapping_add(1);
        notify(&w[CONSUMER_SLEEPING]);
        Ok(())
    }
}

impl Receiver for End {
    fn recv(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let w = self.mem.words();
        let pos = self.pos;
        if self.peer == pos {
            self.peer = w[TAIL].load(Acquire);
            if self.peer == pos {
                spin_then_wait(&w[CONSUMER_SLEEPING], || w[TAIL].load(Acquire) != pos);
                self.peer = w[TAIL].load(Acquire);
            }
        }
        copy_out(self.slot(pos), buf);
        w[HEAD].store(pos.wrapping_add(1), Release);
        self.pos = pos.wrapping_add(1);
        notify(&w[PRODUCER_SLEEPING]);
        Ok(buf.len())
    }
}
