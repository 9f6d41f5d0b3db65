//! The NetBIOS name service packets (UDP port 137, RFC 1002 §4.2) needed to resolve a name and
//! to answer queries for our own names: name query request, positive and negative name query
//! response. Big-endian. Names follow the rules of [`crate::name`] (no scope, no compression);
//! other opcodes (registration, release, refresh, WACK, node status) are reported as
//! [`Error::UnsupportedType`].

use std::net::Ipv4Addr;

use crate::NodeType;
use crate::error::{Error, Result};
use crate::name::NbName;
use crate::wire::Reader;

/// The NetBIOS name service port.
pub const NAME_SERVICE_PORT: u16 = 137;

const FLAG_RESPONSE: u16 = 0x8000;
const OPCODE_SHIFT: u16 = 11;
const OPCODE_MASK: u16 = 0xF;
const OPCODE_QUERY: u16 = 0;
const FLAG_AA: u16 = 0x0400;
const FLAG_TC: u16 = 0x0200;
const FLAG_RD: u16 = 0x0100;
const FLAG_RA: u16 = 0x0080;
const FLAG_B: u16 = 0x0010;
const RCODE_MASK: u16 = 0x000F;

const TYPE_NB: u16 = 0x0020;
const TYPE_NULL: u16 = 0x000A;
const CLASS_IN: u16 = 0x0001;

const NB_FLAG_GROUP: u16 = 0x8000;
const ONT_SHIFT: u16 = 13;
/// NB_FLAGS plus NB_ADDRESS.
const ADDRESS_ENTRY_LEN: usize = 6;

/// The NM_FLAGS of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct NmFlags {
    /// AA: the responder is authoritative for the name.
    pub authoritative: bool,
    /// TC: the packet was truncated.
    pub truncated: bool,
    /// RD: recursion desired (Windows and Samba set it in queries; responses copy it).
    pub recursion_desired: bool,
    /// RA: recursion available (set by a NetBIOS name server).
    pub recursion_available: bool,
    /// B: the packet was broadcast.
    pub broadcast: bool,
}

impl NmFlags {
    fn bits(self) -> u16 {
        [
            (self.authoritative, FLAG_AA),
            (self.truncated, FLAG_TC),
            (self.recursion_desired, FLAG_RD),
            (self.recursion_available, FLAG_RA),
            (self.broadcast, FLAG_B),
        ]
        .into_iter()
        .filter(|(set, _)| *set)
        .fold(0, |bits, (_, flag)| bits | flag)
    }

    fn from_bits(bits: u16) -> Self {
        Self {
            authoritative: bits & FLAG_AA != 0,
            truncated: bits & FLAG_TC != 0,
            recursion_desired: bits & FLAG_RD != 0,
            recursion_available: bits & FLAG_RA != 0,
            broadcast: bits & FLAG_B != 0,
        }
    }
}

/// The RCODE of a negative response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Rcode {
    /// FMT_ERR: the request was malformed.
    FormatError = 1,
    /// SRV_ERR: the server failed.
    ServerFailure = 2,
    /// NAM_ERR: the name does not exist (the usual negative answer).
    NameError = 3,
    /// IMP_ERR: unsupported request.
    NotImplemented = 4,
    /// RFS_ERR: refused for policy reasons.
    Refused = 5,
    /// ACT_ERR: the name is owned by another node.
    Active = 6,
    /// CFT_ERR: the name is in conflict.
    Conflict = 7,
}

impl TryFrom<u8> for Rcode {
    type Error = Error;

    fn try_from(value: u8) -> Result<Self> {
        Ok(match value {
            1 => Self::FormatError,
            2 => Self::ServerFailure,
            3 => Self::NameError,
            4 => Self::NotImplemented,
            5 => Self::Refused,
            6 => Self::Active,
            7 => Self::Conflict,
            _ => {
                return Err(Error::UnsupportedType {
                    what: "NBNS RCODE",
                    value: value.into(),
                });
            }
        })
    }
}

/// One entry of a positive response: an owner of the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NbAddress {
    /// G: the name is a group name.
    pub group: bool,
    /// ONT: the owner's node type.
    pub node_type: NodeType,
    /// NB_ADDRESS.
    pub address: Ipv4Addr,
}

/// The message-specific part of a packet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum NbnsMessage {
    /// Name query request (question type NB, class IN).
    NameQuery {
        /// The name looked up.
        name: NbName,
    },
    /// Positive name query response.
    PositiveQueryResponse {
        /// The name answered for.
        name: NbName,
        /// Seconds the answer may be cached.
        ttl: u32,
        /// The owners of the name (at least one).
        addresses: Vec<NbAddress>,
    },
    /// Negative name query response.
    NegativeQueryResponse {
        /// The name answered for.
        name: NbName,
        /// Why the query failed.
        rcode: Rcode,
    },
}

/// A NetBIOS name service packet.
///
/// ```
/// use std::net::Ipv4Addr;
/// use winipc_nbt::{NbAddress, NbName, NbnsMessage, NbnsPacket, NodeType};
///
/// let host = NbName::new("NMBDHOST", 0x00)?;
/// let query = NbnsPacket::name_query(0x1234, host, true);
/// let bytes = query.encode()?;
/// assert_eq!(&bytes[..4], [0x12, 0x34, 0x01, 0x10]); // RD | B, as Windows broadcasts
///
/// let request = NbnsPacket::decode(&bytes)?;
/// let address = NbAddress {
///     group: false,
///     node_type: NodeType::B,
///     address: Ipv4Addr::new(192, 0, 2, 5),
/// };
/// let answer = NbnsPacket::positive_response(request.transaction_id, host, 300_000, vec![address]);
/// match NbnsPacket::decode(&answer.encode()?)?.message {
///     NbnsMessage::PositiveQueryResponse { addresses, .. } => assert_eq!(addresses, [address]),
///     other => panic!("unexpected {other:?}"),
/// }
/// # Ok::<(), winipc_nbt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NbnsPacket {
    /// NAME_TRN_ID; a response carries the one of its request.
    pub transaction_id: u16,
    /// NM_FLAGS.
    pub flags: NmFlags,
    /// The message.
    pub message: NbnsMessage,
}

impl NbnsPacket {
    /// A name query with RD set, and B set when it is to be broadcast.
    pub fn name_query(transaction_id: u16, name: NbName, broadcast: bool) -> Self {
        Self {
            transaction_id,
            flags: NmFlags {
                recursion_desired: true,
                broadcast,
                ..NmFlags::default()
            },
            message: NbnsMessage::NameQuery { name },
        }
    }

    /// An authoritative positive answer (flags AA | RD, as Windows and Samba send).
    pub fn positive_response(
        transaction_id: u16,
        name: NbName,
        ttl: u32,
        addresses: Vec<NbAddress>,
    ) -> Self {
        Self {
            transaction_id,
            flags: Self::answer_flags(),
            message: NbnsMessage::PositiveQueryResponse {
                name,
                ttl,
                addresses,
            },
        }
    }

    /// An authoritative negative answer (flags AA | RD).
    pub fn negative_response(transaction_id: u16, name: NbName, rcode: Rcode) -> Self {
        Self {
            transaction_id,
            flags: Self::answer_flags(),
            message: NbnsMessage::NegativeQueryResponse { name, rcode },
        }
    }

    fn answer_flags() -> NmFlags {
        NmFlags {
            authoritative: true,
            recursion_desired: true,
            ..NmFlags::default()
        }
    }

    /// Encodes the packet.
    ///
    /// A positive response must list 1 to 10922 addresses (RDLENGTH is 16 bits); otherwise this
    /// fails with [`Error::BadLength`] or [`Error::TooLarge`]. A negative response is written
    /// with RR_TYPE NB and no RDATA, as Windows and Samba send it.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(64);
        let (response, rcode, questions, answers) = match &self.message {
            NbnsMessage::NameQuery { .. } => (false, 0, 1u16, 0u16),
            NbnsMessage::PositiveQueryResponse { .. } => (true, 0, 0, 1),
            NbnsMessage::NegativeQueryResponse { rcode, .. } => (true, *rcode as u16, 0, 1),
        };
        let flags = if response { FLAG_RESPONSE } else { 0 }
            | OPCODE_QUERY << OPCODE_SHIFT
            | self.flags.bits()
            | rcode;
        for field in [self.transaction_id, flags, questions, answers, 0, 0] {
            out.extend_from_slice(&field.to_be_bytes());
        }
        match &self.message {
            NbnsMessage::NameQuery { name } => {
                name.encode_into(&mut out);
                out.extend_from_slice(&TYPE_NB.to_be_bytes());
                out.extend_from_slice(&CLASS_IN.to_be_bytes());
            }
            NbnsMessage::PositiveQueryResponse {
                name,
                ttl,
                addresses,
            } => {
                let rdlength = addresses.len() * ADDRESS_ENTRY_LEN;
                if addresses.is_empty() {
                    return Err(Error::BadLength {
                        field: "RDLENGTH",
                        value: 0,
                        actual: ADDRESS_ENTRY_LEN,
                    });
                }
                let rdlength = u16::try_from(rdlength).map_err(|_| Error::TooLarge {
                    len: addresses.len(),
                    max: usize::from(u16::MAX) / ADDRESS_ENTRY_LEN,
                })?;
                write_rr_header(&mut out, name, TYPE_NB, *ttl, rdlength);
                for entry in addresses {
                    let nb_flags = if entry.group { NB_FLAG_GROUP } else { 0 }
                        | u16::from(entry.node_type.bits()) << ONT_SHIFT;
                    out.extend_from_slice(&nb_flags.to_be_bytes());
                    out.extend_from_slice(&entry.address.octets());
                }
            }
            NbnsMessage::NegativeQueryResponse { name, .. } => {
                write_rr_header(&mut out, name, TYPE_NB, 0, 0);
            }
        }
        Ok(out)
    }

    /// Decodes a name query request or response.
    ///
    /// Section counts must be exactly those of the packet kind, RDLENGTH must fit in the input,
    /// and no bytes may follow the packet. A negative response may carry RR_TYPE NB or NULL
    /// (RFC 1002); its TTL and RDATA are ignored.
    pub fn decode(buf: &[u8]) -> Result<Self> {
        let mut reader = Reader::new(buf);
        let transaction_id = reader.u16_be()?;
        let bits = reader.u16_be()?;
        let opcode = bits >> OPCODE_SHIFT & OPCODE_MASK;
        if opcode != OPCODE_QUERY {
            return Err(Error::UnsupportedType {
                what: "NBNS OPCODE",
                value: opcode.into(),
            });
        }
        let response = bits & FLAG_RESPONSE != 0;
        let counts = [
            reader.u16_be()?,
            reader.u16_be()?,
            reader.u16_be()?,
            reader.u16_be()?,
        ];
        let expected = if response { [0, 1, 0, 0] } else { [1, 0, 0, 0] };
        for ((field, count), expected) in ["QDCOUNT", "ANCOUNT", "NSCOUNT", "ARCOUNT"]
            .into_iter()
            .zip(counts)
            .zip(expected)
        {
            if count != expected {
                return Err(Error::UnexpectedValue {
                    field,
                    value: count.into(),
                    expected: expected.into(),
                });
            }
        }
        let name = NbName::read(&mut reader)?;
        let rr_type = reader.u16_be()?;
        let class = reader.u16_be()?;
        if class != CLASS_IN {
            return Err(Error::UnexpectedValue {
                field: "CLASS",
                value: class.into(),
                expected: CLASS_IN.into(),
            });
        }
        let rcode = (bits & RCODE_MASK) as u8;
        let message = if !response {
            check_type(rr_type, TYPE_NB)?;
            NbnsMessage::NameQuery { name }
        } else {
            let ttl = reader.u32_be()?;
            let rdlength = usize::from(reader.u16_be()?);
            let rdata = reader.take(rdlength).map_err(|_| Error::BadLength {
                field: "RDLENGTH",
                value: rdlength,
                actual: reader.rest().len(),
            })?;
            if rcode == 0 {
                check_type(rr_type, TYPE_NB)?;
                NbnsMessage::PositiveQueryResponse {
                    name,
                    ttl,
                    addresses: read_addresses(rdata)?,
                }
            } else {
                if rr_type != TYPE_NB {
                    check_type(rr_type, TYPE_NULL)?;
                }
                NbnsMessage::NegativeQueryResponse {
                    name,
                    rcode: Rcode::try_from(rcode)?,
                }
            }
        };
        reader.finish()?;
        Ok(Self {
            transaction_id,
            flags: NmFlags::from_bits(bits),
            message,
        })
    }
}

fn write_rr_header(out: &mut Vec<u8>, name: &NbName, rr_type: u16, ttl: u32, rdlength: u16) {
    name.encode_into(out);
    out.extend_from_slice(&rr_type.to_be_bytes());
    out.extend_from_slice(&CLASS_IN.to_be_bytes());
    out.extend_from_slice(&ttl.to_be_bytes());
    out.extend_from_slice(&rdlength.to_be_bytes());
}

fn check_type(rr_type: u16, expected: u16) -> Result<()> {
    if rr_type == expected {
        Ok(())
    } else {
        Err(Error::UnsupportedType {
            what: "NBNS RR_TYPE",
            value: rr_type.into(),
        })
    }
}

/// Reads the NB_FLAGS/NB_ADDRESS entries of a positive response.
fn read_addresses(rdata: &[u8]) -> Result<Vec<NbAddress>> {
    if rdata.is_empty() || rdata.len() % ADDRESS_ENTRY_LEN != 0 {
        return Err(Error::BadLength {
            field: "RDLENGTH",
            value: rdata.len(),
            actual: ADDRESS_ENTRY_LEN,
        });
    }
    rdata
        .chunks_exact(ADDRESS_ENTRY_LEN)
        .map(|entry| {
            let mut reader = Reader::new(entry);
            let nb_flags = reader.u16_be()?;
            Ok(NbAddress {
                group: nb_flags & NB_FLAG_GROUP != 0,
                node_type: NodeType::from_bits((nb_flags >> ONT_SHIFT) as u8),
                address: Ipv4Addr::from(reader.array::<4>()?),
            })
        })
        .collect()
}
