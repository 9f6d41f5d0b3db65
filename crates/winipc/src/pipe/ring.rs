//! The shared-memory data path inside a pipe end (decision 0016).
//!
//! When both ends of a connection ask for it (the server with
//! [`PipeOptions::shared_memory`](super::PipeOptions::shared_memory), the client with
//! [`PipeClient::open_shared`](super::PipeClient::open_shared)), the server's acceptor makes a
//! sealed `memfd` holding two [`winipc_ring`] rings — server → client and client → server —
//! and passes it to the client beside the data socket. Writers put messages (message pipes)
//! or chunks (byte pipes) in the ring of their direction while it is open; readers always
//! drain their ring before the socket. A ring *closed* ([`Ring::close`]) means "this direction
//! uses the socket from now on": an end closes both rings when it is closed, disconnected or
//! given away as a descriptor, a writer closes its ring before a message too large for it, and
//! the process monitor closes both when the data socket reports the peer's hang-up (its
//! death included) — so writers then fail on the socket with Windows' errors, and sleeping
//! readers wake at once.

use std::collections::HashMap;
use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use winipc_ring::{Liveness, Ring, RingMemory};
use winipc_sys::shm::{self, Mapping};

use crate::error::{Error, Result};
use crate::mailslot::SysFutex;

/// One direction's ring.
pub(crate) type PipeRing<'a> = Ring<'a, SysFutex>;

/// Smallest and largest ring a peer's memory may hold, in bytes (each direction).
pub(crate) const MIN_RING: u32 = 64 * 1024;
pub(crate) const MAX_RING: u32 = 1024 * 1024;

/// The rings an acceptor makes, whatever the pipe's buffer sizes (each direction): as large
/// as a mailslot's default quota. A stream across CPUs fills a smaller ring faster than a
/// writer that slept on it is woken (20–40 µs here, far more on a busy machine): a 64 KiB
/// ring holds 800 64-byte messages, under 100 µs of a stream, and the stream stalled on every
/// fill (issue 17, decision 0022). Every message fits (`MAX_MESSAGE` is 128 KiB).
pub(crate) const RING: u32 = MAX_RING;

/// The two rings of a connection: `[server → client, client → server]`.
#[derive(Debug)]
pub(crate) struct Duo<'a> {
    rings: [PipeRing<'a>; 2],
}

self_cell::self_cell!(
    pub(crate) struct DuoCell {
        owner: Mapping,
        #[covariant]
        dependent: Duo,
    }
    impl {Debug}
);

/// The shared memory of one connection, mapped in this process.
#[derive(Debug)]
pub(crate) struct Shared {
    cell: DuoCell,
    /// Bytes of one direction's region.
    region: usize,
}

/// Bytes of one direction's region (page aligned) for a ring of `capacity` bytes.
fn region_bytes(capacity: u32) -> usize {
    RingMemory::mapping_bytes(capacity).next_multiple_of(4096)
}

/// The views of ring `i` in a mapping of two regions of `region` bytes each (empty views,
/// which `attach` refuses, if the mapping is shorter).
fn ring_memory(m: &Mapping, i: usize, region: usize) -> RingMemory<'_> {
    let at = i * region;
    let header = m
        .u32s()
        .get(at / 4..at / 4 + winipc_ring::HEADER_WORDS)
        .unwrap_or(&[]);
    let data = m
        .u64s()
        .get(at / 8 + winipc_ring::HEADER_WORDS / 2..(at + region) / 8)
        .unwrap_or(&[]);
    RingMemory::new(header, data)
}

impl Shared {
    /// Server side: a fresh pair of rings of `capacity` bytes each, and the sealed descriptor
    /// to pass to the client.
    pub(crate) fn create(capacity: u32) -> Result<(Arc<Shared>, OwnedFd)> {
        let region = region_bytes(capacity);
        let fd = shm::sealed_memfd("winipc-pipe", 2 * region).map_err(Error::Io)?;
        let dup = fd.try_clone().map_err(Error::Io)?;
        let m = shm::map_fd(dup).map_err(Error::Io)?;
        let cell = DuoCell::try_new(m, |m| {
            let make = |i| Ring::init(ring_memory(m, i, region), capacity, 0, SysFutex);
            Ok::<_, winipc_ring::AttachError>(Duo {
                rings: [make(0)?, make(1)?],
            })
        })
        .map_err(|_| Error::Corrupt("pipe ring"))?;
        Ok((Arc::new(Shared { cell, region }), fd))
    }

    /// Client side: maps the rings the server passed (validating everything: the server may
    /// be hostile too).
    pub(crate) fn attach(fd: OwnedFd) -> Result<Arc<Shared>> {
        // A size no server of ours makes is refused before it is mapped.
        let len = winipc_sys::shm::file_len(&fd).map_err(Error::Io)?;
        let region = len / 2;
        if region % 4096 != 0 || region == 0 || region > region_bytes(MAX_RING) {
            return Err(Error::Corrupt("pipe ring size"));
        }
        let m = shm::map_sealed(fd).map_err(Error::Io)?;
        if m.len() != len {
            return Err(Error::Corrupt("pipe ring size"));
        }
        let cell = DuoCell::try_new(m, |m| {
            let at = |i| Ring::attach(ring_memory(m, i, region), SysFutex);
            Ok::<_, winipc_ring::AttachError>(Duo {
                rings: [at(0)?, at(1)?],
            })
        })
        .map_err(|_| Error::Corrupt("pipe ring"))?;
        // Both rings exactly as a server of ours makes them (their capacity bounds what a
        // read may have to hold).
        let fits = |r: &PipeRing<'_>| {
            (MIN_RING..=MAX_RING).contains(&r.capacity()) && region_bytes(r.capacity()) == region
        };
        if !cell.borrow_dependent().rings.iter().all(fits) {
            return Err(Error::Corrupt("pipe ring size"));
        }
        Ok(Arc::new(Shared { cell, region }))
    }

    fn ring(&self, i: usize) -> &PipeRing<'_> {
        &self.cell.borrow_dependent().rings[i]
    }

    /// Test hook: pseudo-random garbage over every word of both rings.
    fn scribble(&self, seed: u64) {
        let m = self.cell.borrow_owner();
        let mut x = seed | 1;
        let mut next = || {
            // xorshift64
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..2 {
            let mem = ring_memory(m, i, self.region);
            // The magic, version and capacity stay (attach-time geometry is cached anyway).
            for w in mem.header.iter().skip(3) {
                w.store(next() as u32, Ordering::Relaxed);
            }
            for w in mem.data {
                w.store(next(), Ordering::Relaxed);
            }
        }
    }

    /// Moves both directions to the socket and wakes everyone sleeping on either ring.
    pub(crate) fn close_all(&self) {
        self.ring(0).close();
        self.ring(1).close();
    }
}

/// One end's link to its connection's rings: which ring it reads and which it writes, and its
/// registration with the process monitor (a duplicate of the data socket, watched for the
/// peer's hang-up). Dropping it closes both rings.
#[derive(Debug)]
pub(crate) struct Link {
    shared: Arc<Shared>,
    incoming: usize,
    watched: OwnedFd,
    key: u64,
}

/// Monitor keys of ring links: bit 61 (objects use the low bits, descriptor handles bit 62,
/// machine names bit 63).
pub(crate) const RING_KEY: u64 = 1 << 61;

fn links() -> &'static Mutex<HashMap<u64, Weak<Shared>>> {
    static LINKS: OnceLock<Mutex<HashMap<u64, Weak<Shared>>>> = OnceLock::new();
    LINKS.get_or_init(Default::default)
}

/// The monitor saw the data socket of link `key` hang up: the peer closed, died or was
/// disconnected. Both directions move to the socket (which reports it) and sleepers wake.
/// Returns whether `key` is a link's (else the monitor treats it as its other keys).
pub(crate) fn hangup(key: u64) -> bool {
    let Some(shared) = links()
        .lock()
        .expect("pipe ring links")
        .get(&key)
        .map(Weak::upgrade)
    else {
        return false;
    };
    if let Some(s) = shared {
        s.close_all();
    }
    true
}

impl Link {
    /// Links the end on `data` (the server's end if `server`) to `shared`.
    pub(crate) fn new(shared: Arc<Shared>, server: bool, data: BorrowedFd<'_>) -> Result<Link> {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let key = RING_KEY | NEXT.fetch_add(1, Ordering::Relaxed);
        let watched = data.try_clone_to_owned().map_err(Error::Io)?;
        links()
            .lock()
            .expect("pipe ring links")
            .insert(key, Arc::downgrade(&shared));
        let link = Link {
            shared,
            incoming: usize::from(server),
            watched,
            key,
        };
        crate::monitor::watch_hangup(&link.watched, key)?;
        Ok(link)
    }

    /// The ring this end reads.
    pub(crate) fn rx(&self) -> &PipeRing<'_> {
        self.shared.ring(self.incoming)
    }

    /// The ring this end writes.
    pub(crate) fn tx(&self) -> &PipeRing<'_> {
        self.shared.ring(1 - self.incoming)
    }

    /// Whether writes go to the ring: neither ring is closed. Both close when the connection
    /// ends (`Shared::close_all`, one after the other): a reader woken by its ring's close
    /// may write next, and must not find the other ring still open. An incoming ring closed
    /// alone (the peer's message was too large for it) moves this end's writes to the socket
    /// too: the outgoing ring is closed first, so the peer, which reads its ring until it is
    /// closed and empty before the socket, keeps their order.
    pub(crate) fn tx_open(&self) -> bool {
        if self.tx().is_closed() {
            return false;
        }
        if self.rx().is_closed() {
            self.tx().close();
            return false;
        }
        true
    }

    /// Moves both directions to the socket.
    pub(crate) fn close(&self) {
        self.shared.close_all();
    }

    /// Test hook: see [`Shared::scribble`].
    pub(crate) fn scribble(&self, seed: u64) {
        self.shared.scribble(seed);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.shared.close_all();
        crate::monitor::unwatch_hangup(&self.watched);
        links().lock().expect("pipe ring links").remove(&self.key);
    }
}

/// This thread's id for the rings' liveness questions and reader lock.
pub(crate) fn my_id() -> u32 {
    winipc_sys::proc::thread_identity()
}

/// Answers "is this writer (reader) alive?" from `/proc`; asked only on slow paths.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Threads;

impl Liveness for Threads {
    fn is_alive(&self, id: u32) -> bool {
        winipc_sys::proc::identity_alive(id)
    }
}

/// How long a ring sleep lasts at most before it looks again (a writer killed mid-record is
/// found by the ring's liveness checks on the next look).
pub(crate) const SLICE: Duration = Duration::from_millis(100);

/// The instant `deadline_ns` (monotonic ns), capped at [`SLICE`] from now.
pub(crate) fn slice_until(deadline_ns: Option<u64>) -> Instant {
    let now_ns = winipc_sys::time::monotonic_ns();
    let cap = now_ns + SLICE.as_nanos() as u64;
    let until = deadline_ns.map_or(cap, |d| d.min(cap));
    Instant::now() + Duration::from_nanos(until.saturating_sub(now_ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rings_made_hold_every_message_and_are_accepted() {
        const { assert!(RING >= MIN_RING && RING <= MAX_RING) };
        assert!(super::super::frame::MAX_MESSAGE + 16 <= RING as usize);
        let (_a, fd) = Shared::create(RING).unwrap();
        Shared::attach(fd).unwrap();
    }

    #[test]
    fn a_client_refuses_memory_no_server_of_ours_makes() {
        // Uninitialised, too large, and an odd size.
        for len in [8192, 2 * region_bytes(MAX_RING) + 8192, 4096 * 3] {
            let fd = shm::sealed_memfd("test", len).unwrap();
            assert!(
                matches!(Shared::attach(fd), Err(Error::Corrupt(_))),
                "{len}"
            );
        }
        // Ours attaches, and both ends see one pair of rings.
        let (a, fd) = Shared::create(MIN_RING).unwrap();
        let b = Shared::attach(fd).unwrap();
        a.ring(0).try_send(1, b"across").unwrap();
        let mut buf = [0u8; 16];
        assert_eq!(b.ring(0).try_recv(2, &mut buf, &Threads).unwrap(), Some(6));
        b.close_all();
        assert!(a.ring(0).is_closed() && a.ring(1).is_closed());
    }
}
