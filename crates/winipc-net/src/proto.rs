//! The request format between local processes and the daemon, over the Unix datagram socket
//! [`crate::socket_path`].
//!
//! Unprivileged processes cannot bind UDP port 138, so a process that writes to
//! `\\*\mailslot\x`, `\\DOMAIN\mailslot\x` or `\\HOST\mailslot\x` hands the write to the
//! daemon as one [`Request`] datagram and waits for one [`Reply`] datagram carrying the same
//! request id. The client side lives in the `winipc` crate (`winipc/src/remote.rs`), which
//! cannot depend on this crate; the two implementations are kept identical and are tested
//! against each other by `tests/loopback.rs`.
//!
//! Every integer is little-endian.
//!
//! Request (version 1):
//!
//! | off | size | field |
//! |---|---|---|
//! | 0 | 4 | magic `WNMS` |
//! | 4 | 1 | version, 1 |
//! | 5 | 1 | op, 1 = write mailslot |
//! | 6 | 4 | request id, echoed in the reply |
//! | 10 | 1 | target kind: 0 = `\\*\` (the daemon's workgroup), 1 = `\\NAME\` |
//! | 11 | 1 | name length n (0 for kind 0, 1–15 for kind 1) |
//! | 12 | n | name, printable ASCII |
//! | 12+n | 2 | mailslot path length p (1–255), the part after `\mailslot\` |
//! | 14+n | p | path, printable ASCII, `\` separated |
//! | 14+n+p | 2 | payload length d |
//! | 16+n+p | d | payload; nothing may follow |
//!
//! Reply (version 1): magic `WNMS`, version 1, op `0x81`, the request id (4 bytes), and the
//! [`Status`] (1 byte): [`REPLY_LEN`] = 11 bytes exactly.
//!
//! Decoding never panics: every malformed input is a [`ProtoError`].

use thiserror::Error;

/// The first four bytes of every message.
pub const MAGIC: [u8; 4] = *b"WNMS";
/// The protocol version this crate speaks.
pub const VERSION: u8 = 1;
/// Op of a mailslot write request.
pub const OP_WRITE: u8 = 1;
/// Op of a reply.
pub const OP_REPLY: u8 = 0x81;
/// Longest NetBIOS name (without the suffix byte).
pub const MAX_NAME_LEN: usize = 15;
/// Longest mailslot path accepted (after `\mailslot\`).
pub const MAX_PATH_LEN: usize = 255;
/// Largest payload a request may carry; the daemon applies the wire limit
/// ([`winipc_nbt::max_payload`]) and answers [`Status::TooLarge`] above it.
pub const MAX_REQUEST_PAYLOAD: usize = 4096;
/// Largest encoded request: the daemon's receive buffer size.
pub const MAX_REQUEST_LEN: usize = 16 + MAX_NAME_LEN + MAX_PATH_LEN + MAX_REQUEST_PAYLOAD;
/// Length of an encoded reply.
pub const REPLY_LEN: usize = 11;

/// Where a request goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    /// `\\*\`: the daemon's workgroup, as a group broadcast.
    AllInDomain,
    /// `\\NAME\`: the daemon's workgroup or a configured domain (group broadcast), else a host
    /// resolved by NetBIOS name query or the system resolver (unique datagram).
    Name(String),
}

/// A mailslot write handed to the daemon.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    /// Echoed in the [`Reply`].
    pub id: u32,
    /// Destination machine(s).
    pub target: Target,
    /// The mailslot path after `\mailslot\`, e.g. `browse` or `net\netlogon`.
    pub path: String,
    /// The message.
    pub payload: Vec<u8>,
}

/// The outcome of a request, as the daemon reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Status {
    /// Sent (which says nothing about delivery: datagrams are unreliable).
    Ok = 0,
    /// The payload exceeds the mailslot wire limit ([`winipc_nbt::max_payload`]).
    TooLarge = 1,
    /// `\\NAME\` answered neither a NetBIOS name query nor the system resolver.
    NameNotFound = 2,
    /// Rate limit or queue bound reached; nothing was sent.
    Busy = 3,
    /// The request was malformed (bad name or path characters).
    BadRequest = 4,
    /// The send itself failed (no usable interface, socket error).
    SendFailed = 5,
    /// The request's version is not spoken by this daemon.
    UnsupportedVersion = 6,
}

impl Status {
    /// The status for a byte, `None` for unknown values.
    pub fn from_u8(value: u8) -> Option<Status> {
        Some(match value {
            0 => Status::Ok,
            1 => Status::TooLarge,
            2 => Status::NameNotFound,
            3 => Status::Busy,
            4 => Status::BadRequest,
            5 => Status::SendFailed,
            6 => Status::UnsupportedVersion,
            _ => return None,
        })
    }
}

/// The daemon's answer to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reply {
    /// The request's id.
    pub id: u32,
    /// What happened.
    pub status: Status,
}

/// Why a message could not be decoded or encoded.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtoError {
    /// The message ends before a field it announces.
    #[error("truncated message")]
    Truncated,
    /// The first four bytes are not [`MAGIC`].
    #[error("bad magic")]
    BadMagic,
    /// A version other than [`VERSION`]; the id is given when it could be read.
    #[error("unsupported version {version}")]
    UnsupportedVersion {
        /// The version received.
        version: u8,
        /// The request id, to answer with [`Status::UnsupportedVersion`].
        id: Option<u32>,
    },
    /// An unknown op or target kind, or an unknown status.
    #[error("unknown {field} {value}")]
    Unknown {
        /// Which field.
        field: &'static str,
        /// Its value.
        value: u8,
    },
    /// A name or path of the wrong length or with bytes other than printable ASCII.
    #[error("bad {0}")]
    BadString(&'static str),
    /// A payload larger than [`MAX_REQUEST_PAYLOAD`].
    #[error("payload too large")]
    TooLarge,
    /// Bytes after the end of the message.
    #[error("trailing bytes")]
    Trailing,
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtoError> {
        let (head, rest) = self.buf.split_at_checked(n).ok_or(ProtoError::Truncated)?;
        self.buf = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, ProtoError> {
        Ok(self.take(1)?.first().copied().unwrap_or_default())
    }
    fn u16(&mut self) -> Result<u16, ProtoError> {
        let b = self.take(2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, ProtoError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// Whether `s` is 1..=`max` bytes of printable ASCII.
fn printable(s: &[u8], max: usize) -> bool {
    !s.is_empty() && s.len() <= max && s.iter().all(|b| (b' '..=b'~').contains(b))
}

/// Checks a NetBIOS name as a request may carry it (no `.`, `\`, `*`).
fn valid_name(s: &[u8]) -> bool {
    printable(s, MAX_NAME_LEN) && !s.iter().any(|b| b"\\.*".contains(b))
}

/// Checks a mailslot path: printable ASCII, no empty component.
fn valid_path(s: &[u8]) -> bool {
    printable(s, MAX_PATH_LEN) && !s.split(|&b| b == b'\\').any(<[u8]>::is_empty)
}

fn header(out: &mut Vec<u8>, op: u8, id: u32) {
    out.extend_from_slice(&MAGIC);
    out.push(VERSION);
    out.push(op);
    out.extend_from_slice(&id.to_le_bytes());
}

impl Request {
    /// Encodes the request; fails for names, paths and payloads the decoder would refuse.
    pub fn encode(&self) -> Result<Vec<u8>, ProtoError> {
        let (kind, name) = match &self.target {
            Target::AllInDomain => (0u8, &[][..]),
            Target::Name(n) => {
                if !valid_name(n.as_bytes()) {
                    return Err(ProtoError::BadString("name"));
                }
                (1, n.as_bytes())
            }
        };
        if !valid_path(self.path.as_bytes()) {
            return Err(ProtoError::BadString("path"));
        }
        if self.payload.len() > MAX_REQUEST_PAYLOAD {
            return Err(ProtoError::TooLarge);
        }
        let mut out = Vec::with_capacity(16 + name.len() + self.path.len() + self.payload.len());
        header(&mut out, OP_WRITE, self.id);
        out.push(kind);
        out.push(name.len() as u8);
        out.extend_from_slice(name);
        out.extend_from_slice(&(self.path.len() as u16).to_le_bytes());
        out.extend_from_slice(self.path.as_bytes());
        out.extend_from_slice(&(self.payload.len() as u16).to_le_bytes());
        out.extend_from_slice(&self.payload);
        Ok(out)
    }

    /// Decodes a request. Never panics.
    pub fn decode(buf: &[u8]) -> Result<Request, ProtoError> {
        let mut r = Reader { buf };
        if r.take(4)? != MAGIC {
            return Err(ProtoError::BadMagic);
        }
        let version = r.u8()?;
        if version != VERSION {
            let id = r.take(1).and_then(|_| r.u32()).ok();
            return Err(ProtoError::UnsupportedVersion { version, id });
        }
        let op = r.u8()?;
        if op != OP_WRITE {
            return Err(ProtoError::Unknown {
                field: "op",
                value: op,
            });
        }
        let id = r.u32()?;
        let kind = r.u8()?;
        let name_len = usize::from(r.u8()?);
        let name = r.take(name_len)?;
        let target = match kind {
            0 if name.is_empty() => Target::AllInDomain,
            0 => return Err(ProtoError::BadString("name")),
            1 if valid_name(name) => Target::Name(
                String::from_utf8(name.to_vec()).map_err(|_| ProtoError::BadString("name"))?,
            ),
            1 => return Err(ProtoError::BadString("name")),
            value => {
                return Err(ProtoError::Unknown {
                    field: "target kind",
                    value,
                });
            }
        };
        let path_len = usize::from(r.u16()?);
        let path = r.take(path_len)?;
        if !valid_path(path) {
            return Err(ProtoError::BadString("path"));
        }
        let path = String::from_utf8(path.to_vec()).map_err(|_| ProtoError::BadString("path"))?;
        let payload_len = usize::from(r.u16()?);
        if payload_len > MAX_REQUEST_PAYLOAD {
            return Err(ProtoError::TooLarge);
        }
        let payload = r.take(payload_len)?.to_vec();
        if !r.buf.is_empty() {
            return Err(ProtoError::Trailing);
        }
        Ok(Request {
            id,
            target,
            path,
            payload,
        })
    }
}

impl Reply {
    /// Encodes the reply ([`REPLY_LEN`] bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(REPLY_LEN);
        header(&mut out, OP_REPLY, self.id);
        out.push(self.status as u8);
        out
    }

    /// Decodes a reply. Never panics.
    pub fn decode(buf: &[u8]) -> Result<Reply, ProtoError> {
        let mut r = Reader { buf };
        if r.take(4)? != MAGIC {
            return Err(ProtoError::BadMagic);
        }
        let version = r.u8()?;
        if version != VERSION {
            return Err(ProtoError::UnsupportedVersion { version, id: None });
        }
        let op = r.u8()?;
        if op != OP_REPLY {
            return Err(ProtoError::Unknown {
                field: "op",
                value: op,
            });
        }
        let id = r.u32()?;
        let value = r.u8()?;
        let status = Status::from_u8(value).ok_or(ProtoError::Unknown {
            field: "status",
            value,
        })?;
        if !r.buf.is_empty() {
            return Err(ProtoError::Trailing);
        }
        Ok(Reply { id, status })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> Request {
        Request {
            id: 0x0102_0304,
            target: Target::Name("NMBDHOST".into()),
            path: r"net\netlogon".into(),
            payload: b"hello".to_vec(),
        }
    }

    #[test]
    fn reference_bytes() {
        let bytes = sample().encode().unwrap();
        assert_eq!(&bytes[..6], b"WNMS\x01\x01");
        assert_eq!(&bytes[6..10], [4, 3, 2, 1]);
        assert_eq!(bytes[10], 1);
        assert_eq!(bytes[11], 8);
        assert_eq!(&bytes[12..20], b"NMBDHOST");
        assert_eq!(&bytes[20..22], [12, 0]);
        assert_eq!(bytes.len(), 16 + 8 + 12 + 5);
        let reply = Reply {
            id: 7,
            status: Status::TooLarge,
        };
        assert_eq!(reply.encode(), b"WNMS\x01\x81\x07\x00\x00\x00\x01");
        assert_eq!(reply.encode().len(), REPLY_LEN);
    }

    #[test]
    fn rejects() {
        let good = sample().encode().unwrap();
        for cut in 0..good.len() {
            assert!(Request::decode(&good[..cut]).is_err(), "cut {cut}");
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(Request::decode(&trailing), Err(ProtoError::Trailing));
        let mut version = good.clone();
        version[4] = 9;
        assert_eq!(
            Request::decode(&version),
            Err(ProtoError::UnsupportedVersion {
                version: 9,
                id: Some(0x0102_0304)
            })
        );
        let mut dot = good.clone();
        dot[12] = b'.';
        assert_eq!(Request::decode(&dot), Err(ProtoError::BadString("name")));
        let bad_path = Request {
            path: r"a\\b".into(),
            ..sample()
        };
        assert_eq!(bad_path.encode(), Err(ProtoError::BadString("path")));
        let big = Request {
            payload: vec![0; MAX_REQUEST_PAYLOAD + 1],
            ..sample()
        };
        assert_eq!(big.encode(), Err(ProtoError::TooLarge));
    }

    fn target() -> impl Strategy<Value = Target> {
        prop_oneof![
            Just(Target::AllInDomain),
            "[A-Za-z0-9_$-]{1,15}".prop_map(Target::Name),
        ]
    }

    proptest! {
        #[test]
        fn request_round_trip(
            id in any::<u32>(),
            target in target(),
            path in r"[a-z0-9_]{1,20}(\\[a-z0-9_]{1,20}){0,3}",
            payload in proptest::collection::vec(any::<u8>(), 0..600),
        ) {
            let request = Request { id, target, path, payload };
            let bytes = request.encode().unwrap();
            prop_assert!(bytes.len() <= MAX_REQUEST_LEN);
            prop_assert_eq!(Request::decode(&bytes).unwrap(), request);
        }

        #[test]
        fn reply_round_trip(id in any::<u32>(), status in 0u8..7) {
            let reply = Reply { id, status: Status::from_u8(status).unwrap() };
            prop_assert_eq!(Reply::decode(&reply.encode()).unwrap(), reply);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Request::decode(&bytes);
            let _ = Reply::decode(&bytes);
        }

        #[test]
        fn mutations_never_panic(index in any::<prop::sample::Index>(), value in any::<u8>()) {
            let mut bytes = sample().encode().unwrap();
            let i = index.index(bytes.len());
            bytes[i] = value;
            if let Ok(decoded) = Request::decode(&bytes) {
                prop_assert_eq!(decoded.encode().unwrap(), bytes);
            }
        }
    }
}
