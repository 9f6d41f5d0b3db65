//! The local request protocol of the winipc network daemon (`winipc netd`): the one definition
//! that the daemon (crate `winipc-net`) and its clients (the `winipc` library's remote
//! mailslot writers, `winipc netd status`) both use, so they cannot drift apart.
//!
//! Unprivileged processes cannot bind UDP port 138, so a process that writes to
//! `\\*\mailslot\x`, `\\DOMAIN\mailslot\x` or `\\HOST\mailslot\x` hands the write to the
//! daemon as one [`Request`] datagram on the daemon's Unix datagram socket
//! ([`DEFAULT_SOCKET_PATH`], or [`SOCKET_ENV`]) and waits for one [`Reply`] datagram carrying
//! the same request id. `winipc netd status` sends a status query and gets a [`StatusReply`]
//! with the daemon's counters. [`Query::decode`] is what the daemon runs on every datagram.
//!
//! Every integer is little-endian. Pure codecs: no I/O happens here.
//!
//! Write request (version 1):
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
//! Status query: magic, version 1, op 2, request id: 10 bytes exactly. Status reply: magic,
//! version 1, op `0x82`, the request id, an entry count (2 bytes, at most
//! [`MAX_STATUS_ENTRIES`]), then each entry: key length k (1 byte, 1–[`MAX_KEY_LEN`]), the key
//! (`[a-z0-9_]`), a kind byte, and for kind 0 a number (8 bytes), for kind 1 a text length t
//! (2 bytes, at most [`MAX_TEXT_LEN`]) and the text (printable ASCII).
//!
//! Decoding never panics: every malformed input is a [`ProtoError`].
//!
//! ```
//! use winipc_nbt::netd::{Query, Request, Target};
//!
//! let request = Request {
//!     id: 7,
//!     target: Target::Name("BUILDBOX".into()),
//!     path: "jobs".into(),
//!     payload: b"hello".to_vec(),
//! };
//! let bytes = request.encode()?;
//! assert_eq!(Query::decode(&bytes)?, Query::Write(request));
//! # Ok::<(), winipc_nbt::netd::ProtoError>(())
//! ```

use std::ffi::OsStr;
use std::path::PathBuf;

use thiserror::Error;

/// The first four bytes of every message.
pub const MAGIC: [u8; 4] = *b"WNMS";
/// The protocol version this crate speaks.
pub const VERSION: u8 = 1;
/// Op of a mailslot write request.
pub const OP_WRITE: u8 = 1;
/// Op of a status query.
pub const OP_STATUS: u8 = 2;
/// Op of a reply.
pub const OP_REPLY: u8 = 0x81;
/// Op of a status reply.
pub const OP_STATUS_REPLY: u8 = 0x82;
/// Where the daemon's request socket is unless configured otherwise: in a directory that only
/// root (the daemon's user) can create files in.
pub const DEFAULT_SOCKET_PATH: &str = "/run/winipc/netd.sock";
/// The environment variable that names another request socket, for the daemon and its
/// clients alike (tests, a daemon run by an unprivileged user).
pub const SOCKET_ENV: &str = "WINIPC_NETD_SOCKET";
/// Longest status entry key.
pub const MAX_KEY_LEN: usize = 32;
/// Longest status entry text.
pub const MAX_TEXT_LEN: usize = 1024;
/// Most entries in a status reply.
pub const MAX_STATUS_ENTRIES: usize = 128;
/// Length of an encoded status query.
pub const STATUS_QUERY_LEN: usize = 10;

/// The request socket's path: `env` (the value of [`SOCKET_ENV`]) when set and not empty,
/// else [`DEFAULT_SOCKET_PATH`].
///
/// ```
/// use std::ffi::OsStr;
/// use winipc_nbt::netd::socket_path;
/// assert_eq!(socket_path(None), std::path::Path::new("/run/winipc/netd.sock"));
/// assert_eq!(socket_path(Some(OsStr::new("/tmp/x/n.sock"))), std::path::Path::new("/tmp/x/n.sock"));
/// ```
pub fn socket_path(env: Option<&OsStr>) -> PathBuf {
    match env {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(DEFAULT_SOCKET_PATH),
    }
}
/// Longest NetBIOS name (without the suffix byte).
pub const MAX_NAME_LEN: usize = 15;
/// Longest mailslot path accepted (after `\mailslot\`).
pub const MAX_PATH_LEN: usize = 255;
/// Largest payload a request may carry; the daemon applies the wire limit
/// ([`crate::max_payload`]) and answers [`Status::TooLarge`] above it.
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
    /// The payload exceeds the mailslot wire limit ([`crate::max_payload`]).
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
    /// Too many status entries.
    #[error("too many entries")]
    TooManyEntries,
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
    /// Magic, version (only [`VERSION`]) and `op` of a message the other side answers or
    /// asks with no version negotiation; returns the id.
    fn header(&mut self, op: u8) -> Result<u32, ProtoError> {
        if self.take(4)? != MAGIC {
            return Err(ProtoError::BadMagic);
        }
        let version = self.u8()?;
        if version != VERSION {
            return Err(ProtoError::UnsupportedVersion { version, id: None });
        }
        let value = self.u8()?;
        if value != op {
            return Err(ProtoError::Unknown { field: "op", value });
        }
        self.u32()
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
        let id = r.header(OP_REPLY)?;
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

/// A datagram the daemon may receive on its request socket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Query {
    /// A mailslot write to send ([`OP_WRITE`]).
    Write(Request),
    /// A request for the daemon's counters ([`OP_STATUS`]), with its id.
    Status {
        /// Echoed in the [`StatusReply`].
        id: u32,
    },
}

impl Query {
    /// Encodes the query.
    pub fn encode(&self) -> Result<Vec<u8>, ProtoError> {
        match self {
            Query::Write(r) => r.encode(),
            Query::Status { id } => {
                let mut out = Vec::with_capacity(STATUS_QUERY_LEN);
                header(&mut out, OP_STATUS, *id);
                Ok(out)
            }
        }
    }

    /// Decodes a write request or a status query. Never panics.
    pub fn decode(buf: &[u8]) -> Result<Query, ProtoError> {
        match buf.get(5) {
            Some(&OP_STATUS) if buf.get(4) == Some(&VERSION) => {
                let mut r = Reader { buf };
                let id = r.header(OP_STATUS)?;
                if !r.buf.is_empty() {
                    return Err(ProtoError::Trailing);
                }
                Ok(Query::Status { id })
            }
            _ => Request::decode(buf).map(Query::Write),
        }
    }

    /// The id the reply must carry.
    pub fn id(&self) -> u32 {
        match self {
            Query::Write(r) => r.id,
            Query::Status { id } => *id,
        }
    }
}

/// One value of a [`StatusReply`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    /// A counter or a number.
    Number(u64),
    /// A setting or a name (printable ASCII, at most [`MAX_TEXT_LEN`] bytes).
    Text(String),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
        }
    }
}

/// The daemon's answer to a status query: named values in the daemon's order (settings,
/// then counters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StatusReply {
    /// The query's id.
    pub id: u32,
    /// `(key, value)` pairs; keys are 1–[`MAX_KEY_LEN`] bytes of `[a-z0-9_]`.
    pub entries: Vec<(String, Value)>,
}

fn valid_key(k: &[u8]) -> bool {
    !k.is_empty()
        && k.len() <= MAX_KEY_LEN
        && k.iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

fn valid_text(t: &[u8]) -> bool {
    t.len() <= MAX_TEXT_LEN && t.iter().all(|b| (b' '..=b'~').contains(b))
}

impl StatusReply {
    /// Encodes the reply; fails for keys and texts the decoder would refuse.
    pub fn encode(&self) -> Result<Vec<u8>, ProtoError> {
        if self.entries.len() > MAX_STATUS_ENTRIES {
            return Err(ProtoError::TooManyEntries);
        }
        let mut out = Vec::with_capacity(12 + self.entries.len() * 24);
        header(&mut out, OP_STATUS_REPLY, self.id);
        out.extend_from_slice(&(self.entries.len() as u16).to_le_bytes());
        for (key, value) in &self.entries {
            if !valid_key(key.as_bytes()) {
                return Err(ProtoError::BadString("key"));
            }
            out.push(key.len() as u8);
            out.extend_from_slice(key.as_bytes());
            match value {
                Value::Number(n) => {
                    out.push(0);
                    out.extend_from_slice(&n.to_le_bytes());
                }
                Value::Text(t) => {
                    if !valid_text(t.as_bytes()) {
                        return Err(ProtoError::BadString("text"));
                    }
                    out.push(1);
                    out.extend_from_slice(&(t.len() as u16).to_le_bytes());
                    out.extend_from_slice(t.as_bytes());
                }
            }
        }
        Ok(out)
    }

    /// Decodes a status reply. Never panics.
    pub fn decode(buf: &[u8]) -> Result<StatusReply, ProtoError> {
        let mut r = Reader { buf };
        let id = r.header(OP_STATUS_REPLY)?;
        let count = usize::from(r.u16()?);
        if count > MAX_STATUS_ENTRIES {
            return Err(ProtoError::TooManyEntries);
        }
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let len = usize::from(r.u8()?);
            let key = r.take(len)?;
            if !valid_key(key) {
                return Err(ProtoError::BadString("key"));
            }
            let key = String::from_utf8(key.to_vec()).map_err(|_| ProtoError::BadString("key"))?;
            let value = match r.u8()? {
                0 => {
                    let b = r.take(8)?;
                    let mut n = [0u8; 8];
                    n.copy_from_slice(b);
                    Value::Number(u64::from_le_bytes(n))
                }
                1 => {
                    let len = usize::from(r.u16()?);
                    let t = r.take(len)?;
                    if !valid_text(t) {
                        return Err(ProtoError::BadString("text"));
                    }
                    Value::Text(
                        String::from_utf8(t.to_vec()).map_err(|_| ProtoError::BadString("text"))?,
                    )
                }
                value => {
                    return Err(ProtoError::Unknown {
                        field: "value kind",
                        value,
                    });
                }
            };
            entries.push((key, value));
        }
        if !r.buf.is_empty() {
            return Err(ProtoError::Trailing);
        }
        Ok(StatusReply { id, entries })
    }

    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
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
        fn query_round_trip(
            id in any::<u32>(),
            target in target(),
            path in r"[a-z0-9_]{1,20}(\\[a-z0-9_]{1,20}){0,3}",
            payload in proptest::collection::vec(any::<u8>(), 0..600),
            status in any::<bool>(),
        ) {
            let query = if status {
                Query::Status { id }
            } else {
                Query::Write(Request { id, target, path, payload })
            };
            let bytes = query.encode().unwrap();
            prop_assert_eq!(Query::decode(&bytes).unwrap(), query);
        }

        #[test]
        fn status_reply_round_trip(
            id in any::<u32>(),
            entries in proptest::collection::vec(
                ("[a-z0-9_]{1,32}", prop_oneof![
                    any::<u64>().prop_map(Value::Number),
                    "[ -~]{0,40}".prop_map(Value::Text),
                ]),
                0..40,
            ),
        ) {
            let reply = StatusReply { id, entries };
            let bytes = reply.encode().unwrap();
            prop_assert_eq!(StatusReply::decode(&bytes).unwrap(), reply);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = Request::decode(&bytes);
            let _ = Query::decode(&bytes);
            let _ = Reply::decode(&bytes);
            let _ = StatusReply::decode(&bytes);
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
