//! The receive path: one datagram in, at most one local mailslot write out.
//!
//! [`Inbound::handle`] is the whole decision for a datagram that arrived on UDP 138, without
//! sockets, so it can be tested and fuzzed directly: the source's own rate limit, the overall
//! one, size bound, decoding, the destination-name check, duplicate suppression, then delivery
//! to `\\.\mailslot\X` through a cached [`MailslotWriter`]. Nothing is ever forwarded, and a
//! write never waits: a full slot drops the datagram.
//!
//! # Writers
//!
//! The daemon writes to local slots as an ordinary sender. It keeps at most
//! [`MAX_CACHED_WRITERS`] writers open, least recently used first out; a writer unused for
//! [`WRITER_IDLE`] is closed, and one whose write finds the receiver gone is closed at once.

use std::collections::HashMap;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use winipc::{Error as WinError, MailslotWriter};
use winipc_nbt::{DataKind, NbName};

use crate::limits::{DuplicateWindow, FairLimiter, MAX_SOURCES, TokenBucket};

/// Datagrams longer than this are dropped unread: the largest legal mailslot datagram (a 428
/// byte payload for a short slot name) is about 600 bytes.
pub const MAX_DATAGRAM_LEN: usize = 1024;
/// Most open writers kept; past it the least recently used is closed (bounding handles and
/// mappings).
pub const MAX_CACHED_WRITERS: usize = 64;
/// A cached writer unused this long is closed.
pub const WRITER_IDLE: Duration = Duration::from_secs(10);

/// What became of one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Written to the local slot.
    Delivered,
    /// Over its source's rate limit or the overall one; not even decoded.
    RateLimited,
    /// Longer than [`MAX_DATAGRAM_LEN`], or a payload over the mailslot limit.
    Oversize,
    /// Not a well-formed, unfragmented mailslot write.
    Malformed,
    /// Addressed to a name this host does not hold.
    NotForUs,
    /// Seen within the duplicate suppression window.
    Duplicate,
    /// No local receiver has that slot (or the slot name is not a valid local name).
    NoReceiver,
    /// The slot's quota is full (the receiver is not reading); dropped rather than waiting.
    SlotFull,
    /// The slot refused it: access denied (slot mode), message over the slot's maximum, or
    /// another error.
    Refused,
}

/// Counters of every [`Outcome`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Datagrams handled.
    pub received: u64,
    /// [`Outcome::Delivered`].
    pub delivered: u64,
    /// [`Outcome::RateLimited`].
    pub rate_limited: u64,
    /// [`Outcome::Oversize`].
    pub oversize: u64,
    /// [`Outcome::Malformed`].
    pub malformed: u64,
    /// [`Outcome::NotForUs`].
    pub not_for_us: u64,
    /// [`Outcome::Duplicate`].
    pub duplicates: u64,
    /// [`Outcome::NoReceiver`].
    pub no_receiver: u64,
    /// [`Outcome::SlotFull`].
    pub slot_full: u64,
    /// [`Outcome::Refused`].
    pub refused: u64,
}

impl Stats {
    fn count(&mut self, outcome: Outcome) {
        self.received += 1;
        *match outcome {
            Outcome::Delivered => &mut self.delivered,
            Outcome::RateLimited => &mut self.rate_limited,
            Outcome::Oversize => &mut self.oversize,
            Outcome::Malformed => &mut self.malformed,
            Outcome::NotForUs => &mut self.not_for_us,
            Outcome::Duplicate => &mut self.duplicates,
            Outcome::NoReceiver => &mut self.no_receiver,
            Outcome::SlotFull => &mut self.slot_full,
            Outcome::Refused => &mut self.refused,
        } += 1;
    }
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "received={} delivered={} rate_limited={} oversize={} malformed={} not_for_us={} \
             duplicates={} no_receiver={} slot_full={} refused={}",
            self.received,
            self.delivered,
            self.rate_limited,
            self.oversize,
            self.malformed,
            self.not_for_us,
            self.duplicates,
            self.no_receiver,
            self.slot_full,
            self.refused
        )
    }
}

/// A cached writer and when it was last used.
#[derive(Debug)]
struct Cached {
    writer: MailslotWriter,
    used: Instant,
}

/// The receive-path state: accepted names, open writers, limits and counters.
#[derive(Debug)]
pub struct Inbound {
    names: Vec<NbName>,
    writers: HashMap<String, Cached>,
    sources: FairLimiter<Ipv4Addr>,
    rate: TokenBucket,
    duplicates: Option<DuplicateWindow>,
    stats: Stats,
}

impl Inbound {
    /// A receive path accepting datagrams for `names` (and BROADCAST datagrams to `*`),
    /// rate-limited by `rate` overall and by `rate` per source too (narrow the latter with
    /// [`Inbound::with_source_limit`]), with duplicate suppression when `duplicate_timeout` is
    /// non-zero.
    pub fn new(
        names: Vec<NbName>,
        rate: crate::config::RateLimit,
        duplicate_timeout: Duration,
        now: Instant,
    ) -> Self {
        Inbound {
            names,
            writers: HashMap::new(),
            sources: FairLimiter::new(rate, MAX_SOURCES),
            rate: TokenBucket::new(rate, now),
            duplicates: (!duplicate_timeout.is_zero())
                .then(|| DuplicateWindow::new(duplicate_timeout)),
            stats: Stats::default(),
        }
    }

    /// Gives each source address its own bucket of `limit`, tracking at most `max_sources`.
    #[must_use]
    pub fn with_source_limit(
        mut self,
        limit: crate::config::RateLimit,
        max_sources: usize,
    ) -> Self {
        self.sources = FairLimiter::new(limit, max_sources);
        self
    }

    /// The counters so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Sources whose rate is being tracked, and buckets evicted so far.
    pub fn sources(&self) -> (usize, u64) {
        (self.sources.len(), self.sources.evicted())
    }

    /// Closes cached writers unused for [`WRITER_IDLE`].
    pub fn expire_writers(&mut self, now: Instant) {
        self.writers
            .retain(|_, c| now.saturating_duration_since(c.used) < WRITER_IDLE);
    }

    /// Writers currently cached.
    pub fn cached_writers(&self) -> usize {
        self.writers.len()
    }

    /// Whether datagrams addressed to `name` are accepted.
    pub fn accepts(&self, name: &NbName) -> bool {
        self.names.contains(name)
    }

    /// Whether a datagram of `kind` addressed to `name` is for this host: one of its names,
    /// or, for a BROADCAST datagram, the wildcard name `*` (RFC 1002 §5.3.1: "IF NetBIOS
    /// broadcast THEN … destination name = '*'").
    pub fn is_for_us(&self, kind: DataKind, name: &NbName) -> bool {
        self.accepts(name) || (kind == DataKind::Broadcast && is_wildcard(name))
    }

    /// Handles one datagram received from `from`, counting and logging its outcome.
    pub fn handle(&mut self, datagram: &[u8], from: SocketAddrV4, now: Instant) -> Outcome {
        let outcome = self.decide(datagram, from, now);
        self.stats.count(outcome);
        outcome
    }

    fn decide(&mut self, datagram: &[u8], from: SocketAddrV4, now: Instant) -> Outcome {
        if !self.sources.allow(*from.ip(), now) {
            tracing::trace!(%from, "source over its rate limit");
            return Outcome::RateLimited;
        }
        if !self.rate.allow(now) {
            tracing::trace!(%from, "rate limited");
            return Outcome::RateLimited;
        }
        if datagram.len() > MAX_DATAGRAM_LEN {
            tracing::debug!(%from, len = datagram.len(), "over-size datagram dropped");
            return Outcome::Oversize;
        }
        let message = match winipc_nbt::decode_mailslot_datagram(datagram) {
            Ok(m) => m,
            Err(winipc_nbt::Error::TooLarge { len, max }) => {
                tracing::debug!(%from, len, max, "over-size mailslot payload dropped");
                return Outcome::Oversize;
            }
            Err(e) => {
                tracing::debug!(%from, error = %e, "malformed datagram dropped");
                return Outcome::Malformed;
            }
        };
        if !self.is_for_us(message.kind, &message.destination_name) {
            tracing::debug!(%from, to = %message.destination_name, "datagram for a name we do not hold");
            return Outcome::NotForUs;
        }
        let slot = message.write.mailslot.to_ascii_lowercase();
        if let Some(window) = &mut self.duplicates
            && window.is_duplicate(
                &[
                    message.source_name.name_bytes(),
                    slot.as_bytes(),
                    message.write.data,
                ],
                now,
            )
        {
            tracing::debug!(%from, slot, "duplicate dropped");
            return Outcome::Duplicate;
        }
        let outcome = self.deliver(&slot, message.write.data, now);
        tracing::debug!(
            %from,
            src = %message.source_name,
            to = %message.destination_name,
            slot,
            len = message.write.data.len(),
            ?outcome,
            "mailslot write"
        );
        outcome
    }

    /// Writes `data` to `\\.\mailslot\slot`, reopening once if the cached writer's receiver
    /// went away (a new receiver may have taken the name).
    fn deliver(&mut self, slot: &str, data: &[u8], now: Instant) -> Outcome {
        for attempt in 0..2 {
            if !self.writers.contains_key(slot) {
                let writer = match open(slot) {
                    Ok(w) => w,
                    Err(outcome) => return outcome,
                };
                if self.writers.len() >= MAX_CACHED_WRITERS {
                    self.evict_lru();
                }
                self.writers
                    .insert(slot.to_owned(), Cached { writer, used: now });
            }
            let Some(cached) = self.writers.get_mut(slot) else {
                return Outcome::Refused;
            };
            cached.used = now;
            match cached.writer.send(data) {
                Ok(()) => return Outcome::Delivered,
                Err(e) => match WinError::from_io(&e) {
                    Some(WinError::ReceiverGone | WinError::NotFound) => {
                        self.writers.remove(slot);
                        if attempt == 1 {
                            return Outcome::NoReceiver;
                        }
                    }
                    Some(WinError::MailslotFull) => return Outcome::SlotFull,
                    _ => {
                        tracing::warn!(slot, error = %e, "local mailslot write failed");
                        self.writers.remove(slot);
                        return Outcome::Refused;
                    }
                },
            }
        }
        Outcome::NoReceiver
    }

    /// Closes the least recently used writer.
    fn evict_lru(&mut self) {
        if let Some(oldest) = self
            .writers
            .iter()
            .min_by_key(|(_, c)| c.used)
            .map(|(k, _)| k.clone())
        {
            self.writers.remove(&oldest);
        }
    }
}

/// `*` padded with NULs (or spaces): the wildcard name of NetBIOS broadcast datagrams.
fn is_wildcard(name: &NbName) -> bool {
    let bytes = name.name_bytes();
    bytes[0] == b'*' && bytes[1..].iter().all(|&b| b == 0 || b == b' ')
}

fn open(slot: &str) -> Result<MailslotWriter, Outcome> {
    let name = format!(r"\\.\mailslot\{slot}");
    match MailslotWriter::open(&name) {
        Ok(mut w) => {
            w.set_write_timeout(Some(Duration::ZERO));
            Ok(w)
        }
        Err(e) => match WinError::from_io(&e) {
            Some(WinError::NotFound | WinError::InvalidName(_) | WinError::NameTooLong) => {
                Err(Outcome::NoReceiver)
            }
            _ => {
                tracing::warn!(slot, error = %e, "cannot open local mailslot");
                Err(Outcome::Refused)
            }
        },
    }
}
