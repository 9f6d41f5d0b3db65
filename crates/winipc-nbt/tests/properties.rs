//! Property tests: encode/decode round trips, decoding arbitrary bytes never panics, and every
//! mutation of a valid packet either fails to decode or decodes to a value that re-encodes
//! consistently.

use std::net::Ipv4Addr;

use proptest::prelude::*;
use winipc_nbt::browse::{Announcement, AnnouncementKind, RequestElection};
use winipc_nbt::datagram::{ErrorCode, QueryKind};
use winipc_nbt::nbns::{NmFlags, Rcode};
use winipc_nbt::{
    Body, BrowseFrame, DataKind, Datagram, Layout, MailslotDatagram, MailslotWrite, NbAddress,
    NbName, NbnsMessage, NbnsPacket, NodeType, decode_mailslot_datagram, encode_mailslot_datagram,
    max_payload,
};

fn node_type() -> impl Strategy<Value = NodeType> {
    prop_oneof![
        Just(NodeType::B),
        Just(NodeType::P),
        Just(NodeType::M),
        Just(NodeType::H)
    ]
}

fn raw_name() -> impl Strategy<Value = NbName> {
    (any::<[u8; 15]>(), any::<u8>()).prop_map(|(name, suffix)| NbName::from_raw(name, suffix))
}

fn text_name() -> impl Strategy<Value = String> {
    "[ -~]{1,15}".prop_filter("valid NetBIOS name", |s| !s.contains('.') && s.trim() != "")
}

fn layout() -> impl Strategy<Value = Layout> {
    prop_oneof![Just(Layout::Packed), Just(Layout::Aligned)]
}

/// An owned mailslot write; [`WriteSpec::write`] borrows a [`MailslotWrite`] from it.
#[derive(Debug, Clone)]
struct WriteSpec {
    mailslot: String,
    priority: u16,
    class: u16,
    timeout: u32,
    data: Vec<u8>,
}

impl WriteSpec {
    fn write(&self) -> MailslotWrite<'_> {
        MailslotWrite {
            mailslot: &self.mailslot,
            priority: self.priority,
            class: self.class,
            timeout: self.timeout,
            data: &self.data,
        }
    }
}

fn write_spec() -> impl Strategy<Value = WriteSpec> {
    "[ -~]{1,24}".prop_flat_map(|mailslot| {
        let max = max_payload(mailslot.len());
        (
            any::<u16>(),
            any::<u16>(),
            any::<u32>(),
            prop::collection::vec(any::<u8>(), 0..=max),
        )
            .prop_map(move |(priority, class, timeout, data)| WriteSpec {
                mailslot: mailslot.clone(),
                priority,
                class,
                timeout,
                data,
            })
    })
}

/// Everything but the borrowed data of a [`MailslotDatagram`].
type Envelope = (DataKind, NodeType, u16, Ipv4Addr, u16, NbName, NbName);

fn envelope() -> impl Strategy<Value = Envelope> {
    let kind = prop_oneof![
        Just(DataKind::DirectUnique),
        Just(DataKind::DirectGroup),
        Just(DataKind::Broadcast)
    ];
    (
        kind,
        node_type(),
        any::<u16>(),
        any::<[u8; 4]>(),
        any::<u16>(),
        raw_name(),
        raw_name(),
    )
        .prop_map(|(kind, node, id, ip, port, src, dst)| {
            (kind, node, id, Ipv4Addr::from(ip), port, src, dst)
        })
}

fn mailslot_datagram<'a>(env: &Envelope, write: MailslotWrite<'a>) -> MailslotDatagram<'a> {
    let &(kind, node_type, id, source_ip, source_port, source_name, destination_name) = env;
    MailslotDatagram {
        kind,
        node_type,
        id,
        source_ip,
        source_port,
        source_name,
        destination_name,
        write,
    }
}

/// An owned datagram body.
#[derive(Debug, Clone)]
enum BodySpec {
    Data(DataKind, NbName, NbName, Vec<u8>),
    Error(ErrorCode),
    Query(QueryKind, NbName),
}

fn datagram_spec() -> impl Strategy<Value = (Envelope, BodySpec)> {
    let body = prop_oneof![
        (envelope(), prop::collection::vec(any::<u8>(), 0..600))
            .prop_map(|(env, data)| BodySpec::Data(env.0, env.5, env.6, data)),
        prop_oneof![
            Just(ErrorCode::DestinationNameNotPresent),
            Just(ErrorCode::InvalidSourceName),
            Just(ErrorCode::InvalidDestinationName)
        ]
        .prop_map(BodySpec::Error),
        (
            prop_oneof![
                Just(QueryKind::Request),
                Just(QueryKind::PositiveResponse),
                Just(QueryKind::NegativeResponse)
            ],
            raw_name()
        )
            .prop_map(|(kind, name)| BodySpec::Query(kind, name)),
    ];
    (envelope(), body)
}

fn datagram<'a>(env: &Envelope, body: &'a BodySpec) -> Datagram<'a> {
    let &(_, node_type, id, source_ip, source_port, _, _) = env;
    let body = match body {
        BodySpec::Data(kind, source_name, destination_name, data) => Body::Data {
            kind: *kind,
            source_name: *source_name,
            destination_name: *destination_name,
            user_data: data,
        },
        BodySpec::Error(code) => Body::Error(*code),
        BodySpec::Query(kind, destination_name) => Body::Query {
            kind: *kind,
            destination_name: *destination_name,
        },
    };
    Datagram {
        node_type,
        id,
        source_ip,
        source_port,
        body,
    }
}

fn nm_flags() -> impl Strategy<Value = NmFlags> {
    any::<[bool; 5]>().prop_map(|[aa, tc, rd, ra, b]| NmFlags {
        authoritative: aa,
        truncated: tc,
        recursion_desired: rd,
        recursion_available: ra,
        broadcast: b,
    })
}

fn nbns_packet() -> impl Strategy<Value = NbnsPacket> {
    let address =
        (any::<bool>(), node_type(), any::<[u8; 4]>()).prop_map(|(group, node, ip)| NbAddress {
            group,
            node_type: node,
            address: Ipv4Addr::from(ip),
        });
    let rcode = prop_oneof![
        Just(Rcode::FormatError),
        Just(Rcode::ServerFailure),
        Just(Rcode::NameError),
        Just(Rcode::NotImplemented),
        Just(Rcode::Refused),
        Just(Rcode::Active),
        Just(Rcode::Conflict)
    ];
    let message = prop_oneof![
        raw_name().prop_map(|name| NbnsMessage::NameQuery { name }),
        (
            raw_name(),
            any::<u32>(),
            prop::collection::vec(address, 1..8)
        )
            .prop_map(
                |(name, ttl, addresses)| NbnsMessage::PositiveQueryResponse {
                    name,
                    ttl,
                    addresses
                }
            ),
        (raw_name(), rcode)
            .prop_map(|(name, rcode)| NbnsMessage::NegativeQueryResponse { name, rcode }),
    ];
    (any::<u16>(), nm_flags(), message).prop_map(|(transaction_id, flags, message)| NbnsPacket {
        transaction_id,
        flags,
        message,
    })
}

/// An owned browser frame: announcement or election, with its strings.
#[derive(Debug, Clone)]
struct BrowseSpec {
    kind: Option<AnnouncementKind>,
    numbers: (u8, u32, u8, u8, u32, u8, u8, u16),
    server_name: Vec<u8>,
    comment: Vec<u8>,
}

impl BrowseSpec {
    fn frame(&self) -> BrowseFrame<'_> {
        let (update_count, periodicity_ms, os_major, os_minor, server_type, major, minor, sig) =
            self.numbers;
        match self.kind {
            Some(kind) => BrowseFrame::Announcement(Announcement {
                kind,
                update_count,
                periodicity_ms,
                server_name: &self.server_name,
                os_major,
                os_minor,
                server_type,
                browser_version_major: major,
                browser_version_minor: minor,
                signature: sig,
                comment: &self.comment,
            }),
            None => BrowseFrame::RequestElection(RequestElection {
                version: update_count,
                criteria: periodicity_ms,
                uptime_ms: server_type,
                server_name: &self.server_name,
            }),
        }
    }
}

fn browse_spec() -> impl Strategy<Value = BrowseSpec> {
    let kind = prop_oneof![
        Just(None),
        Just(Some(AnnouncementKind::Host)),
        Just(Some(AnnouncementKind::Domain)),
        Just(Some(AnnouncementKind::LocalMaster))
    ];
    (
        kind,
        any::<(u8, u32, u8, u8, u32, u8, u8, u16)>(),
        prop::collection::vec(1..=255u8, 0..=15),
        prop::collection::vec(1..=255u8, 0..60),
    )
        .prop_map(|(kind, numbers, server_name, comment)| BrowseSpec {
            kind,
            numbers,
            server_name,
            comment,
        })
}

/// Decodes `bytes` with every decoder; whatever decodes must re-encode to the same value.
fn check_all_decoders(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(message) = decode_mailslot_datagram(bytes) {
        for layout in [Layout::Packed, Layout::Aligned] {
            let encoded = encode_mailslot_datagram(&message, layout);
            prop_assert!(
                encoded.is_ok(),
                "decoded {message:?} does not re-encode: {encoded:?}"
            );
            let encoded = encoded.unwrap_or_default();
            prop_assert_eq!(decode_mailslot_datagram(&encoded), Ok(message));
        }
    }
    if let Ok(datagram) = Datagram::decode(bytes) {
        let encoded = datagram.encode().unwrap_or_default();
        prop_assert_eq!(Datagram::decode(&encoded), Ok(datagram));
    }
    if let Ok(write) = MailslotWrite::decode(bytes) {
        for layout in [Layout::Packed, Layout::Aligned] {
            let encoded = write.encode(layout).unwrap_or_default();
            prop_assert_eq!(MailslotWrite::decode(&encoded), Ok(write));
        }
    }
    if let Ok(packet) = NbnsPacket::decode(bytes) {
        let encoded = packet.encode().unwrap_or_default();
        prop_assert_eq!(NbnsPacket::decode(&encoded), Ok(packet));
    }
    if let Ok(frame) = BrowseFrame::decode(bytes) {
        let encoded = frame.encode().unwrap_or_default();
        prop_assert_eq!(BrowseFrame::decode(&encoded), Ok(frame));
    }
    Ok(())
}

/// Every prefix, and the input with the 16-bit field at each of `fields` set to `value`
/// (big- and little-endian), and with the byte at `index` replaced.
fn check_mutations(
    bytes: &[u8],
    fields: &[usize],
    value: u16,
    index: prop::sample::Index,
    byte: u8,
) -> Result<(), TestCaseError> {
    for len in 0..bytes.len() {
        check_all_decoders(&bytes[..len])?;
    }
    for &offset in fields.iter().filter(|&&offset| offset + 2 <= bytes.len()) {
        for encoded in [value.to_be_bytes(), value.to_le_bytes()] {
            let mut mutated = bytes.to_vec();
            mutated[offset..offset + 2].copy_from_slice(&encoded);
            check_all_decoders(&mutated)?;
        }
    }
    if !bytes.is_empty() {
        let mut mutated = bytes.to_vec();
        mutated[index.index(bytes.len())] = byte;
        check_all_decoders(&mutated)?;
    }
    Ok(())
}

/// DGM_LENGTH, then the SMB TotalDataCount, DataCount, DataOffset, ByteCount behind the
/// 82-byte datagram header.
const MAILSLOT_LENGTH_FIELDS: [usize; 5] = [10, 82 + 35, 82 + 55, 82 + 57, 82 + 67];
/// The four section counts and RDLENGTH.
const NBNS_LENGTH_FIELDS: [usize; 5] = [4, 6, 8, 10, 54];

proptest! {
    #[test]
    fn text_names_round_trip(text in text_name(), suffix in any::<u8>()) {
        let name = NbName::new(&text, suffix).unwrap();
        let upper = text.to_ascii_uppercase();
        prop_assert_eq!(name.trimmed(), upper.trim_end().as_bytes());
        prop_assert_eq!(name.to_string().parse::<NbName>(), Ok(name));
    }

    #[test]
    fn wire_names_round_trip(name in raw_name()) {
        let mut wire = Vec::new();
        name.encode_into(&mut wire);
        prop_assert_eq!(NbName::decode(&wire), Ok((name, NbName::WIRE_LEN)));
        prop_assert_eq!(NbName::from_first_level(&name.first_level_encode()), Ok(name));
    }

    #[test]
    fn datagrams_round_trip((env, body) in datagram_spec()) {
        let datagram = datagram(&env, &body);
        let bytes = datagram.encode().unwrap();
        prop_assert_eq!(Datagram::decode(&bytes), Ok(datagram));
    }

    #[test]
    fn smb_writes_round_trip(spec in write_spec(), layout in layout()) {
        let write = spec.write();
        let bytes = write.encode(layout).unwrap();
        let data_offset = usize::from(u16::from_le_bytes([bytes[57], bytes[58]]));
        prop_assert_eq!(&bytes[data_offset..], write.data);
        if layout == Layout::Aligned {
            prop_assert_eq!(data_offset % 4, 0);
        }
        prop_assert_eq!(MailslotWrite::decode(&bytes), Ok(write));
    }

    #[test]
    fn oversized_writes_are_rejected(spec in write_spec(), extra in 1..64usize) {
        let data = vec![0; max_payload(spec.mailslot.len()) + extra];
        let write = MailslotWrite { data: &data, ..spec.write() };
        prop_assert!(write.encode(Layout::Packed).is_err());
    }

    #[test]
    fn mailslot_datagrams_round_trip(env in envelope(), spec in write_spec(), layout in layout()) {
        let message = mailslot_datagram(&env, spec.write());
        let bytes = encode_mailslot_datagram(&message, layout).unwrap();
        prop_assert_eq!(decode_mailslot_datagram(&bytes), Ok(message));
    }

    #[test]
    fn nbns_packets_round_trip(packet in nbns_packet()) {
        let bytes = packet.encode().unwrap();
        prop_assert_eq!(NbnsPacket::decode(&bytes), Ok(packet));
    }

    #[test]
    fn browse_frames_round_trip(spec in browse_spec()) {
        let frame = spec.frame();
        let bytes = frame.encode().unwrap();
        prop_assert_eq!(BrowseFrame::decode(&bytes), Ok(frame));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..700)) {
        check_all_decoders(&bytes)?;
    }

    #[test]
    fn mutated_mailslot_datagrams_fail_or_stay_consistent(
        env in envelope(),
        spec in write_spec(),
        layout in layout(),
        value in any::<u16>(),
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let bytes = encode_mailslot_datagram(&mailslot_datagram(&env, spec.write()), layout)
            .unwrap();
        check_mutations(&bytes, &MAILSLOT_LENGTH_FIELDS, value, index, byte)?;
    }

    #[test]
    fn mutated_nbns_packets_fail_or_stay_consistent(
        packet in nbns_packet(),
        value in any::<u16>(),
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        check_mutations(&packet.encode().unwrap(), &NBNS_LENGTH_FIELDS, value, index, byte)?;
    }

    #[test]
    fn mutated_browse_frames_fail_or_stay_consistent(
        spec in browse_spec(),
        index in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        check_mutations(&spec.frame().encode().unwrap(), &[], 0, index, byte)?;
    }
}
