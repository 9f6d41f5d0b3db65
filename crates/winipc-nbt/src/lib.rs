//! Pure codecs for remote mailslots: NetBIOS-over-TCP/IP datagrams carrying SMB mailslot writes,
//! the NetBIOS name service packets needed to find and announce hosts, and the browser frames
//! seen on `\MAILSLOT\BROWSE`. No I/O happens here.
//!
//! # Layering
//!
//! A remote mailslot write `\\TARGET\mailslot\NAME` travels as one UDP datagram to port 138:
//!
//! 1. [`datagram`]: the NetBIOS datagram header (RFC 1002 §4.4) with source and destination
//!    [`NbName`]s. Unique targets (`\\COMPUTER\`, `COMPUTER<00>`) get
//!    [`DataKind::DirectUnique`] sent to the host; group targets (`\\DOMAIN\` as `DOMAIN<00>`,
//!    and `\\*\` as the local workgroup's `<00>` name) get [`DataKind::DirectGroup`] sent to the
//!    subnet broadcast address.
//! 2. [`smb`]: the datagram's user data, an SMB_COM_TRANSACTION [`MailslotWrite`] naming
//!    `\MAILSLOT\NAME` and carrying at most [`max_payload`] bytes.
//! 3. The payload itself, opaque here except for [`browse`] frames.
//!
//! [`name`] holds the NetBIOS name type and its wire encoding, [`nbns`] the name service packets
//! (UDP 137) used to resolve `\\HOST\` and to answer for our own names.
//!
//! Every decoder borrows from its input, checks every length against the bytes actually present,
//! and returns an [`Error`] for malformed input: decoding never panics.
//!
//! # Example
//!
//! A broadcast write to `\\WORKGROUP\mailslot\test`, encoded and decoded in one call each:
//!
//! ```
//! use std::net::Ipv4Addr;
//! use winipc_nbt::{
//!     decode_mailslot_datagram, encode_mailslot_datagram, name::suffix, DataKind, Layout,
//!     MailslotDatagram, MailslotWrite, NbName, NodeType,
//! };
//!
//! let message = MailslotDatagram {
//!     kind: DataKind::DirectGroup,
//!     node_type: NodeType::B,
//!     id: 1,
//!     source_ip: Ipv4Addr::new(192, 0, 2, 10),
//!     source_port: 138,
//!     source_name: NbName::new("winipc", suffix::WORKSTATION)?,
//!     destination_name: NbName::new("workgroup", suffix::WORKSTATION)?,
//!     write: MailslotWrite::new("test", b"hello, mailslot"),
//! };
//! let bytes = encode_mailslot_datagram(&message, Layout::Packed)?;
//! assert_eq!(bytes[0], 0x11); // DIRECT_GROUP
//!
//! let received = decode_mailslot_datagram(&bytes)?;
//! assert_eq!(received.destination_name.to_string(), "WORKGROUP<00>");
//! assert!(received.write.is_for("TEST"));
//! assert_eq!(received.write.data, b"hello, mailslot");
//! assert_eq!(received, message);
//! # Ok::<(), winipc_nbt::Error>(())
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::net::Ipv4Addr;

pub mod browse;
pub mod datagram;
mod error;
pub mod name;
pub mod nbns;
pub mod netd;
pub mod smb;
mod wire;

pub use browse::BrowseFrame;
pub use datagram::{Body, DataKind, Datagram, MsgType};
pub use error::{Error, NameError, Result};
pub use name::NbName;
pub use nbns::{NbAddress, NbnsMessage, NbnsPacket};
pub use smb::{Layout, MailslotWrite, max_payload};

/// A NetBIOS node type: how a node resolves names (B broadcast, P point-to-point via a name
/// server, M mixed, H hybrid). Carried in datagram FLAGS and in name service NB_FLAGS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum NodeType {
    /// Broadcast node.
    B = 0,
    /// Point-to-point node.
    P = 1,
    /// Mixed node (Samba's nmbd announces itself as M in datagrams).
    M = 2,
    /// Hybrid node (Windows; RFC 1002 reserves this value for the NBDD).
    H = 3,
}

impl NodeType {
    /// The two-bit wire value.
    pub const fn bits(self) -> u8 {
        self as u8
    }

    /// The node type in the two low bits of `bits`; higher bits are ignored.
    pub const fn from_bits(bits: u8) -> Self {
        match bits & 0b11 {
            0 => Self::B,
            1 => Self::P,
            2 => Self::M,
            _ => Self::H,
        }
    }
}

/// A data datagram whose user data is a mailslot write: the unit a remote mailslot sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MailslotDatagram<'a> {
    /// Unique, group or broadcast delivery.
    pub kind: DataKind,
    /// Sender's node type.
    pub node_type: NodeType,
    /// DGM_ID.
    pub id: u16,
    /// SOURCE_IP.
    pub source_ip: Ipv4Addr,
    /// SOURCE_PORT, usually 138.
    pub source_port: u16,
    /// Sender's name, usually `COMPUTER<00>`.
    pub source_name: NbName,
    /// The name addressed: `COMPUTER<00>`, `DOMAIN<00>`, `DOMAIN<1D>`, …
    pub destination_name: NbName,
    /// The mailslot write.
    pub write: MailslotWrite<'a>,
}

/// Encodes a mailslot write wrapped in a NetBIOS datagram.
///
/// Fails as [`MailslotWrite::encode`] does (bad slot name, [`Error::TooLarge`] payload).
pub fn encode_mailslot_datagram(message: &MailslotDatagram<'_>, layout: Layout) -> Result<Vec<u8>> {
    let smb = message.write.encode(layout)?;
    Datagram {
        node_type: message.node_type,
        id: message.id,
        source_ip: message.source_ip,
        source_port: message.source_port,
        body: Body::Data {
            kind: message.kind,
            source_name: message.source_name,
            destination_name: message.destination_name,
            user_data: &smb,
        },
    }
    .encode()
}

/// Decodes a NetBIOS datagram carrying a mailslot write, borrowing from `buf`.
///
/// Error and query datagrams are reported as [`Error::UnsupportedType`]; any failure of
/// [`Datagram::decode`] or [`MailslotWrite::decode`] is passed on.
pub fn decode_mailslot_datagram(buf: &[u8]) -> Result<MailslotDatagram<'_>> {
    let datagram = Datagram::decode(buf)?;
    let Body::Data {
        kind,
        source_name,
        destination_name,
        user_data,
    } = datagram.body
    else {
        return Err(Error::UnsupportedType {
            what: "mailslot datagram MSG_TYPE",
            value: (datagram.msg_type() as u8).into(),
        });
    };
    Ok(MailslotDatagram {
        kind,
        node_type: datagram.node_type,
        id: datagram.id,
        source_ip: datagram.source_ip,
        source_port: datagram.source_port,
        source_name,
        destination_name,
        write: MailslotWrite::decode(user_data)?,
    })
}
