//! NetBIOS datagram service packets (UDP port 138, RFC 1002 §4.4), big-endian.
//!
//! Only unfragmented datagrams are supported: mailslot messages are never segmented
//! ([MS-MAIL] 3.1.4.1), so the encoder always sets `FIRST` with `MORE` clear and `PACKET_OFFSET`
//! 0, and the decoder rejects fragments with [`Error::Fragmented`].

use std::net::Ipv4Addr;

use crate::NodeType;
use crate::error::{Error, Result};
use crate::name::NbName;
use crate::wire::Reader;

/// The usual NetBIOS datagram service port.
pub const DATAGRAM_PORT: u16 = 138;

const FLAG_MORE: u8 = 0x01;
const FLAG_FIRST: u8 = 0x02;
const SNT_SHIFT: u8 = 2;

/// The MSG_TYPE field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum MsgType {
    /// `0x10`: data to a unique name.
    DirectUnique = 0x10,
    /// `0x11`: data to a group name.
    DirectGroup = 0x11,
    /// `0x12`: data to every node (destination name is ignored).
    Broadcast = 0x12,
    /// `0x13`: error report.
    Error = 0x13,
    /// `0x14`: datagram distribution server query.
    QueryRequest = 0x14,
    /// `0x15`: positive query response.
    PositiveQueryResponse = 0x15,
    /// `0x16`: negative query response.
    NegativeQueryResponse = 0x16,
}

impl TryFrom<u8> for MsgType {
    type Error = Error;

    fn try_from(value: u8) -> Result<Self> {
        Ok(match value {
            0x10 => Self::DirectUnique,
            0x11 => Self::DirectGroup,
            0x12 => Self::Broadcast,
            0x13 => Self::Error,
            0x14 => Self::QueryRequest,
            0x15 => Self::PositiveQueryResponse,
            0x16 => Self::NegativeQueryResponse,
            _ => {
                return Err(Error::UnsupportedType {
                    what: "datagram MSG_TYPE",
                    value: value.into(),
                });
            }
        })
    }
}

/// Which of the three data-carrying message types a datagram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataKind {
    /// [`MsgType::DirectUnique`]: to a unique name such as `COMPUTER<00>`.
    DirectUnique,
    /// [`MsgType::DirectGroup`]: to a group name such as `DOMAIN<00>`, sent to the subnet
    /// broadcast address.
    DirectGroup,
    /// [`MsgType::Broadcast`]: to every node.
    Broadcast,
}

/// Which of the three query message types a datagram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QueryKind {
    /// [`MsgType::QueryRequest`].
    Request,
    /// [`MsgType::PositiveQueryResponse`].
    PositiveResponse,
    /// [`MsgType::NegativeQueryResponse`].
    NegativeResponse,
}

/// The ERROR_CODE of an error datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ErrorCode {
    /// `0x82`: destination name not present.
    DestinationNameNotPresent = 0x82,
    /// `0x83`: invalid source name format.
    InvalidSourceName = 0x83,
    /// `0x84`: invalid destination name format.
    InvalidDestinationName = 0x84,
}

impl TryFrom<u8> for ErrorCode {
    type Error = Error;

    fn try_from(value: u8) -> Result<Self> {
        match value {
            0x82 => Ok(Self::DestinationNameNotPresent),
            0x83 => Ok(Self::InvalidSourceName),
            0x84 => Ok(Self::InvalidDestinationName),
            _ => Err(Error::UnsupportedType {
                what: "datagram ERROR_CODE",
                value: value.into(),
            }),
        }
    }
}

/// What follows the datagram header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Body<'a> {
    /// A data datagram (`0x10`–`0x12`); `user_data` borrows from the decoded buffer.
    Data {
        /// Message type.
        kind: DataKind,
        /// Name of the sender.
        source_name: NbName,
        /// Name the datagram is addressed to.
        destination_name: NbName,
        /// The payload, usually an SMB message.
        user_data: &'a [u8],
    },
    /// An error datagram (`0x13`).
    Error(ErrorCode),
    /// A query request or response (`0x14`–`0x16`).
    Query {
        /// Message type.
        kind: QueryKind,
        /// The name queried.
        destination_name: NbName,
    },
}

/// A NetBIOS datagram, decoded without copying its user data.
///
/// ```
/// use std::net::Ipv4Addr;
/// use winipc_nbt::{Body, DataKind, Datagram, NbName, NodeType};
///
/// let datagram = Datagram {
///     node_type: NodeType::H,
///     id: 7,
///     source_ip: Ipv4Addr::new(192, 0, 2, 1),
///     source_port: 138,
///     body: Body::Data {
///         kind: DataKind::DirectUnique,
///         source_name: NbName::new("ALPHA", 0)?,
///         destination_name: NbName::new("BETA", 0)?,
///         user_data: b"hello",
///     },
/// };
/// let bytes = datagram.encode()?;
/// assert_eq!(&bytes[..2], [0x10, 0x0E]); // DIRECT_UNIQUE, FIRST | H-node, as Windows sends
/// assert_eq!(Datagram::decode(&bytes)?, datagram);
/// # Ok::<(), winipc_nbt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Datagram<'a> {
    /// Sender's node type (the SNT bits of FLAGS). Windows sends H, Samba's nmbd M.
    pub node_type: NodeType,
    /// DGM_ID, chosen by the sender.
    pub id: u16,
    /// SOURCE_IP.
    pub source_ip: Ipv4Addr,
    /// SOURCE_PORT, usually [`DATAGRAM_PORT`].
    pub source_port: u16,
    /// The message-type specific part.
    pub body: Body<'a>,
}

impl<'a> Datagram<'a> {
    /// The MSG_TYPE of this datagram.
    pub fn msg_type(&self) -> MsgType {
        match self.body {
            Body::Data {
                kind: DataKind::DirectUnique,
                ..
            } => MsgType::DirectUnique,
            Body::Data {
                kind: DataKind::DirectGroup,
                ..
            } => MsgType::DirectGroup,
            Body::Data {
                kind: DataKind::Broadcast,
                ..
            } => MsgType::Broadcast,
            Body::Error(_) => MsgType::Error,
            Body::Query {
                kind: QueryKind::Request,
                ..
            } => MsgType::QueryRequest,
            Body::Query {
                kind: QueryKind::PositiveResponse,
                ..
            } => MsgType::PositiveQueryResponse,
            Body::Query {
                kind: QueryKind::NegativeResponse,
                ..
            } => MsgType::NegativeQueryResponse,
        }
    }

    /// Encodes the datagram.
    ///
    /// Fails with [`Error::TooLarge`] when the names and user data exceed the 16-bit DGM_LENGTH.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_into(&mut out)?;
        Ok(out)
    }

    /// Appends the encoded datagram to `out` (unchanged on error).
    pub fn encode_into(&self, out: &mut Vec<u8>) -> Result<()> {
        let dgm_length = match self.body {
            Body::Data { user_data, .. } => {
                let names = 2 * NbName::WIRE_LEN;
                let len = names + user_data.len();
                Some(u16::try_from(len).map_err(|_| Error::TooLarge {
                    len: user_data.len(),
                    max: usize::from(u16::MAX) - names,
                })?)
            }
            _ => None,
        };
        out.push(self.msg_type() as u8);
        out.push(FLAG_FIRST | self.node_type.bits() << SNT_SHIFT);
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.source_ip.octets());
        out.extend_from_slice(&self.source_port.to_be_bytes());
        if let Some(dgm_length) = dgm_length {
            out.extend_from_slice(&dgm_length.to_be_bytes());
            out.extend_from_slice(&0u16.to_be_bytes()); // PACKET_OFFSET
        }
        match self.body {
            Body::Data {
                source_name,
                destination_name,
                user_data,
                ..
            } => {
                source_name.encode_into(out);
                destination_name.encode_into(out);
                out.extend_from_slice(user_data);
            }
            Body::Error(code) => out.push(code as u8),
            Body::Query {
                destination_name, ..
            } => destination_name.encode_into(out),
        }
        Ok(())
    }

    /// Decodes a datagram, borrowing its user data from `buf`.
    ///
    /// DGM_LENGTH must match the bytes actually present, fragments are rejected with
    /// [`Error::Fragmented`], and fixed-size packets must not carry trailing bytes. Reserved
    /// FLAGS bits and the FIRST flag are ignored.
    pub fn decode(buf: &'a [u8]) -> Result<Self> {
        let mut reader = Reader::new(buf);
        let msg_type = MsgType::try_from(reader.u8()?)?;
        let flags = reader.u8()?;
        let node_type = NodeType::from_bits(flags >> SNT_SHIFT);
        let id = reader.u16_be()?;
        let source_ip = Ipv4Addr::from(reader.array::<4>()?);
        let source_port = reader.u16_be()?;
        let body = match msg_type {
            MsgType::DirectUnique => read_data(reader, flags, DataKind::DirectUnique)?,
            MsgType::DirectGroup => read_data(reader, flags, DataKind::DirectGroup)?,
            MsgType::Broadcast => read_data(reader, flags, DataKind::Broadcast)?,
            MsgType::Error => {
                let code = ErrorCode::try_from(reader.u8()?)?;
                reader.finish()?;
                Body::Error(code)
            }
            MsgType::QueryRequest => read_query(reader, QueryKind::Request)?,
            MsgType::PositiveQueryResponse => read_query(reader, QueryKind::PositiveResponse)?,
            MsgType::NegativeQueryResponse => read_query(reader, QueryKind::NegativeResponse)?,
        };
        Ok(Self {
            node_type,
            id,
            source_ip,
            source_port,
            body,
        })
    }
}

/// Reads what follows the base header of a data datagram.
fn read_data<'a>(mut reader: Reader<'a>, flags: u8, kind: DataKind) -> Result<Body<'a>> {
    let dgm_length = reader.u16_be()?;
    let offset = reader.u16_be()?;
    let more = flags & FLAG_MORE != 0;
    if more || offset != 0 {
        return Err(Error::Fragmented { more, offset });
    }
    let actual = reader.rest().len();
    if usize::from(dgm_length) != actual {
        return Err(Error::BadLength {
            field: "DGM_LENGTH",
            value: dgm_length.into(),
            actual,
        });
    }
    let source_name = NbName::read(&mut reader)?;
    let destination_name = NbName::read(&mut reader)?;
    Ok(Body::Data {
        kind,
        source_name,
        destination_name,
        user_data: reader.rest(),
    })
}

/// Reads what follows the base header of a query datagram.
fn read_query(mut reader: Reader<'_>, kind: QueryKind) -> Result<Body<'static>> {
    let destination_name = NbName::read(&mut reader)?;
    reader.finish()?;
    Ok(Body::Query {
        kind,
        destination_name,
    })
}
