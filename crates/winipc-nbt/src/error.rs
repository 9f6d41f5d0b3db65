//! The error type shared by every codec in this crate.

use thiserror::Error;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a packet could not be decoded or encoded.
///
/// Decoders never panic: every malformed input maps to one of these variants, so a receiver can
/// log the reason and silently discard the packet, as [MS-MAIL] requires.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The input ended before a complete field could be read.
    #[error("truncated input: needed {needed} bytes, got {got}")]
    Truncated {
        /// Total number of bytes the decoder needed.
        needed: usize,
        /// Number of bytes actually available.
        got: usize,
    },
    /// A length, count or offset field disagrees with the input or with the field's rules.
    #[error("invalid {field} {value} (checked against {actual})")]
    BadLength {
        /// Name of the offending field, as spelled in the specification.
        field: &'static str,
        /// Value carried by the field.
        value: usize,
        /// What the field was checked against: the bytes present or the bound they allow (or, for
        /// RDLENGTH, the 6-byte size of an address entry it must be a non-zero multiple of).
        actual: usize,
    },
    /// A fixed-size packet is followed by bytes that belong to no field.
    #[error("{extra} unexpected trailing bytes")]
    TrailingBytes {
        /// Number of surplus bytes.
        extra: usize,
    },
    /// A NetBIOS name is invalid, either as text or in its wire encoding.
    #[error("invalid NetBIOS name: {0}")]
    BadName(#[from] NameError),
    /// A type or opcode field holds a value this crate does not handle.
    #[error("unsupported {what} {value:#x}")]
    UnsupportedType {
        /// What kind of value it is (for example `"datagram MSG_TYPE"`).
        what: &'static str,
        /// The value found.
        value: u32,
    },
    /// A field that has exactly one legal value holds another one.
    #[error("unexpected {field} {value:#x}, expected {expected:#x}")]
    UnexpectedValue {
        /// Name of the field, as spelled in the specification.
        field: &'static str,
        /// The value found.
        value: u32,
        /// The only value accepted.
        expected: u32,
    },
    /// The datagram is a fragment; mailslot messages are never fragmented ([MS-MAIL] 3.1.4.1).
    #[error("fragmented datagram (MORE flag {more}, PACKET_OFFSET {offset})")]
    Fragmented {
        /// Whether the MORE flag was set.
        more: bool,
        /// The PACKET_OFFSET field.
        offset: u16,
    },
    /// An SMB transaction names a path outside `\MAILSLOT\`.
    #[error("transaction name does not start with \\MAILSLOT\\")]
    NotMailslot,
    /// A string field is missing its terminator, too long, or holds forbidden bytes.
    #[error("invalid {field}: {reason}")]
    BadString {
        /// Name of the field.
        field: &'static str,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The payload does not fit in one packet.
    #[error("payload of {len} bytes exceeds the limit of {max} bytes")]
    TooLarge {
        /// Size of the payload.
        len: usize,
        /// Largest size allowed.
        max: usize,
    },
}

/// Why a NetBIOS name is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum NameError {
    /// The name is empty or made only of spaces.
    #[error("name is empty")]
    Empty,
    /// The name is longer than 15 bytes.
    #[error("name is {len} bytes long, the maximum is 15")]
    TooLong {
        /// Length of the rejected name.
        len: usize,
    },
    /// The name contains a `.` (reserved for scope separators).
    #[error("name contains '.'")]
    ContainsDot,
    /// The name contains a byte outside printable ASCII.
    #[error("name contains the non-printable byte {byte:#04x}")]
    NotPrintable {
        /// The offending byte.
        byte: u8,
    },
    /// Text form without a well-formed `<hh>` suffix.
    #[error("expected NAME<hh> with a two-digit hexadecimal suffix")]
    BadSuffixSyntax,
    /// The first label of an encoded name is not 32 bytes long.
    #[error("encoded name label has length {len}, expected 32")]
    BadLabelLength {
        /// The label length byte found.
        len: u8,
    },
    /// An encoded name holds a character outside `'A'..='P'`.
    #[error("encoded name contains {byte:#04x}, expected 'A'..='P'")]
    BadEncoding {
        /// The offending byte.
        byte: u8,
    },
    /// The name uses DNS-style compression, which NetBIOS packets handled here never need.
    #[error("compressed name pointers are not supported")]
    CompressionPointer,
    /// The name carries a NetBIOS scope; winipc only talks to peers without a scope.
    #[error("NetBIOS scopes are not supported")]
    ScopeNotSupported,
}
