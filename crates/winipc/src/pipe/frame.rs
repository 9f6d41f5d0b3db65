//! The two small codecs of named pipes: the one-byte header in front of every message of a
//! message pipe, and the handshake records exchanged on the rendezvous connection.
//!
//! **Message header.** A `SOCK_SEQPACKET` read that returns 0 bytes is either a zero-length
//! message or the end of the stream, and Linux offers no way to tell them apart. Every
//! message therefore travels as one record `[HEADER_DATA, payload…]` (sent and received with
//! scatter/gather, so the payload is not copied an extra time): a record of 1 byte is a
//! zero-length message and only the end of the stream reads 0. Byte pipes carry no header.
//!
//! **Handshake.** A client (or a process adding instances, or a `WaitNamedPipe` caller)
//! connects to the pipe's name and sends a [`Hello`]; the server side answers with one
//! [`Reply`], carrying the client's end of the pipe (`SCM_RIGHTS`) when it is admitted.

use winipc_sys::pipes::Kind;

use super::PipeAccess;

/// Header byte of a message record.
pub(crate) const HEADER_DATA: u8 = 0;

/// Longest message payload (the record adds the header byte; Linux refuses a record larger
/// than the socket's send buffer, 208 KiB by default).
pub(crate) const MAX_MESSAGE: usize = 128 * 1024;

/// What a connecting process wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    /// `CreateFile`: a connection to a free instance.
    Connect,
    /// `WaitNamedPipe`: an answer once an instance is free.
    Wait,
    /// `CreateNamedPipe` in another process: the name's listening socket, to add instances.
    Join,
}

/// A connecting process's first record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hello {
    pub op: Op,
    /// The client wants to read (`GENERIC_READ`).
    pub read: bool,
    /// The client wants to write (`GENERIC_WRITE`).
    pub write: bool,
    /// The client asks for the shared-memory data path (decision 0016): every reader of its
    /// end will drain the ring before the socket.
    pub shm: bool,
}

pub(crate) const HELLO_LEN: usize = 8;

impl Hello {
    pub(crate) fn encode(&self) -> [u8; HELLO_LEN] {
        let op = match self.op {
            Op::Connect => 1,
            Op::Wait => 2,
            Op::Join => 3,
        };
        let access = u8::from(self.read) | u8::from(self.write) << 1;
        [b'W', b'P', 1, op, access, u8::from(self.shm), 0, 0]
    }

    pub(crate) fn decode(b: &[u8]) -> Option<Hello> {
        let [b'W', b'P', 1, op, access, shm @ (0 | 1), 0, 0] = *b else {
            return None;
        };
        let op = match op {
            1 => Op::Connect,
            2 => Op::Wait,
            3 => Op::Join,
            _ => return None,
        };
        if access > 3 {
            return None;
        }
        Some(Hello {
            op,
            read: access & 1 != 0,
            write: access & 2 != 0,
            shm: shm == 1,
        })
    }
}

/// The pipe's settings, fixed by its first instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settings {
    pub kind: Kind,
    pub access: PipeAccess,
    /// Open to every user (NULL DACL).
    pub public: bool,
    /// 1..=254, or 255 = unlimited.
    pub max_instances: u32,
    pub default_timeout_ms: u32,
    pub out_buffer: u32,
    pub in_buffer: u32,
}

/// The server side's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// Admitted (`Connect`: the record carries the client's end; `Join`: the listener).
    Ok,
    /// No instance is free.
    Busy,
    /// The caller's user may not use this pipe.
    Denied,
    /// The access asked for does not fit the pipe's direction.
    WrongAccess,
    /// `Wait`: no instance is free yet; a `Free` record follows when one is.
    Queued,
    /// `Wait`: an instance is free.
    Free,
    /// On an established connection: the server called `DisconnectNamedPipe`.
    Disconnected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reply {
    pub status: Status,
    pub settings: Settings,
    /// `Join` only (0 otherwise): the pipe's secret, from which its instance slot names are
    /// derived, so that only admitted holders can name (and so squat) a free slot.
    pub secret: u64,
    /// `Connect` only: the record also carries the connection's shared memory (decision
    /// 0016), after the client's end.
    pub ring: bool,
}

pub(crate) const REPLY_LEN: usize = 32;

impl Reply {
    pub(crate) fn encode(&self) -> [u8; REPLY_LEN] {
        let s = &self.settings;
        let status = match self.status {
            Status::Ok => 0,
            Status::Busy => 1,
            Status::Denied => 2,
            Status::WrongAccess => 3,
            Status::Queued => 4,
            Status::Free => 5,
            Status::Disconnected => 6,
        };
        let kind = match s.kind {
            Kind::Byte => 0,
            Kind::Message => 1,
        };
        let access = match s.access {
            PipeAccess::Inbound => 1,
            PipeAccess::Outbound => 2,
            PipeAccess::Duplex => 3,
        };
        let mut b = [0u8; REPLY_LEN];
        b[..8].copy_from_slice(&[
            b'W',
            b'P',
            1,
            status,
            kind,
            access,
            u8::from(s.public),
            u8::from(self.ring),
        ]);
        b[8..12].copy_from_slice(&s.max_instances.to_le_bytes());
        b[12..16].copy_from_slice(&s.default_timeout_ms.to_le_bytes());
        b[16..20].copy_from_slice(&s.out_buffer.to_le_bytes());
        b[20..24].copy_from_slice(&s.in_buffer.to_le_bytes());
        b[24..32].copy_from_slice(&self.secret.to_le_bytes());
        b
    }

    pub(crate) fn decode(b: &[u8]) -> Option<Reply> {
        if b.len() != REPLY_LEN {
            return None;
        }
        let [
            b'W',
            b'P',
            1,
            status,
            kind,
            access,
            public @ (0 | 1),
            ring @ (0 | 1),
        ] = b[..8]
        else {
            return None;
        };
        let status = match status {
            0 => Status::Ok,
            1 => Status::Busy,
            2 => Status::Denied,
            3 => Status::WrongAccess,
            4 => Status::Queued,
            5 => Status::Free,
            6 => Status::Disconnected,
            _ => return None,
        };
        let kind = match kind {
            0 => Kind::Byte,
            1 => Kind::Message,
            _ => return None,
        };
        let access = match access {
            1 => PipeAccess::Inbound,
            2 => PipeAccess::Outbound,
            3 => PipeAccess::Duplex,
            _ => return None,
        };
        let word = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        let max_instances = word(8);
        if !(1..=255).contains(&max_instances) {
            return None;
        }
        Some(Reply {
            status,
            secret: u64::from_le_bytes(b[24..32].try_into().expect("8 bytes")),
            ring: ring == 1,
            settings: Settings {
                kind,
                access,
                public: public == 1,
                max_instances,
                default_timeout_ms: word(12),
                out_buffer: word(16),
                in_buffer: word(20),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn settings() -> impl Strategy<Value = Settings> {
        (
            any::<bool>(),
            0u8..3,
            any::<bool>(),
            1u32..=255,
            any::<u32>(),
            any::<u32>(),
            any::<u32>(),
        )
            .prop_map(|(m, a, public, max_instances, t, o, i)| Settings {
                kind: if m { Kind::Message } else { Kind::Byte },
                access: [
                    PipeAccess::Inbound,
                    PipeAccess::Outbound,
                    PipeAccess::Duplex,
                ][usize::from(a)],
                public,
                max_instances,
                default_timeout_ms: t,
                out_buffer: o,
                in_buffer: i,
            })
    }

    proptest! {
        #[test]
        fn hellos_round_trip(op in 0u8..3, read: bool, write: bool, shm: bool) {
            let op = [Op::Connect, Op::Wait, Op::Join][usize::from(op)];
            let h = Hello { op, read, write, shm };
            prop_assert_eq!(Hello::decode(&h.encode()), Some(h));
        }

        #[test]
        fn replies_round_trip(st in 0u8..7, s in settings(), secret: u64, ring: bool) {
            let status = [Status::Ok, Status::Busy, Status::Denied, Status::WrongAccess,
                Status::Queued, Status::Free, Status::Disconnected][usize::from(st)];
            let r = Reply { status, settings: s, secret, ring };
            prop_assert_eq!(Reply::decode(&r.encode()), Some(r));
        }

        #[test]
        fn garbage_never_panics_and_is_mostly_refused(b in proptest::collection::vec(any::<u8>(), 0..40)) {
            if let Some(h) = Hello::decode(&b) {
                prop_assert_eq!(&h.encode()[..], &b[..]);
            }
            if let Some(r) = Reply::decode(&b) {
                prop_assert_eq!(&r.encode()[..], &b[..]);
            }
        }
    }

    #[test]
    fn short_and_bad_records_are_refused() {
        assert_eq!(Hello::decode(b"WP\x01\x01\x04\0\0\0"), None, "access bits");
        assert_eq!(Hello::decode(b"WP\x01\x01"), None);
        assert_eq!(Hello::decode(b"WP\x01\x01\x03\x02\0\0"), None, "shm flag");
        let mut r = Reply {
            status: Status::Ok,
            secret: 0,
            ring: false,
            settings: Settings {
                kind: Kind::Byte,
                access: PipeAccess::Duplex,
                public: false,
                max_instances: 255,
                default_timeout_ms: 50,
                out_buffer: 0,
                in_buffer: 0,
            },
        }
        .encode();
        r[8] = 0; // 0 instances
        assert_eq!(Reply::decode(&r), None);
    }
}
