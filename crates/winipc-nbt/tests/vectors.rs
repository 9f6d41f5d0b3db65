//! Hand-made byte vectors from the wire-format reference, decoded and cross-checked against the
//! encoders field by field.

use std::net::Ipv4Addr;

use winipc_nbt::browse::{Announcement, AnnouncementKind, RequestElection, server_type};
use winipc_nbt::datagram::{ErrorCode, QueryKind};
use winipc_nbt::nbns::{NmFlags, Rcode};
use winipc_nbt::{
    Body, BrowseFrame, DataKind, Datagram, Error, Layout, MailslotDatagram, MailslotWrite,
    NameError, NbAddress, NbName, NbnsPacket, NodeType, decode_mailslot_datagram,
    encode_mailslot_datagram, max_payload, name::suffix,
};

const NMBDHOST: &[u8; 32] = b"EOENECEEEIEPFDFECACACACACACACAAA";
/// WORKGROUP<1D>
const WORKGROUP_1D: &[u8; 32] = b"FHEPFCELEHFCEPFFFACACACACACACABN";

fn wire_name(encoded: &[u8; 32]) -> Vec<u8> {
    [&[0x20][..], encoded, &[0]].concat()
}

fn le16(value: &[u8], offset: usize) -> u16 {
    u16::from_le_bytes([value[offset], value[offset + 1]])
}

/// The HostAnnouncement nmbd sends at start-up: NMBDHOST, 12 minutes, OS 4.9, empty comment.
fn host_announcement() -> Vec<u8> {
    [
        &[0x01, 0x00][..],           // HostAnnouncement, UpdateCount
        &[0x80, 0xFC, 0x0A, 0x00],   // Periodicity 720000 ms
        b"NMBDHOST\0\0\0\0\0\0\0\0", // ServerName
        &[0x04, 0x09],               // OS version 4.9
        &[0x03, 0x10, 0x01, 0x00],   // ServerType 0x00011003
        &[0x0F, 0x01, 0x55, 0xAA],   // browser version 15.1, signature 0xAA55
        b"\0",                       // Comment
    ]
    .concat()
}

/// A Samba-style SMB mailslot write to `\MAILSLOT\BROWSE`: no pad, DataOffset 86.
fn samba_smb(data: &[u8]) -> Vec<u8> {
    let count = data.len() as u8;
    [
        &b"\xFFSMB\x25"[..],           // Protocol, Command
        &[0; 27],                      // Status .. MID (Samba leaves them zero)
        &[17],                         // WordCount @32
        &[0, 0, count, 0, 0, 0, 0, 0], // TotalParameterCount, TotalDataCount, Max* @33
        &[0, 0, 0, 0],                 // MaxSetupCount, Reserved, Flags @41
        &[0, 0, 0, 0],                 // Timeout @45
        &[0, 0, 0, 0, 0, 0],           // Reserved2, ParameterCount, ParameterOffset @49
        &[count, 0, 86, 0],            // DataCount, DataOffset @55
        &[3, 0, 1, 0, 1, 0, 2, 0],     // SetupCount, Reserved3, write, priority 1, class 2
        &[17 + count, 0],              // ByteCount @67
        b"\\MAILSLOT\\BROWSE\0",       // @69
        data,                          // @86
    ]
    .concat()
}

/// An [MS-MAIL]-style write: Windows header values and data padded to DataOffset 88.
fn windows_smb(data: &[u8]) -> Vec<u8> {
    let count = data.len() as u8;
    [
        &b"\xFFSMB\x25"[..],
        &[0, 0, 0, 0],                   // Status
        &[0x18, 0x04, 0x00],             // Flags, Flags2
        &[0; 12],                        // PIDHigh, SecurityFeatures, Reserved
        &[0, 0, 0xFF, 0xFE, 0, 0, 0, 0], // TID, PIDLow 0xFEFF, UID, MID
        &[17],
        &[0, 0, count, 0, 2, 0, 0, 0], // MaxParameterCount 2, as Windows sends
        &[0, 0, 0, 0],
        &[0xE8, 0x03, 0, 0],       // Timeout 1000
        &[0, 0, 0, 0, 88, 0],      // ParameterOffset 88
        &[count, 0, 88, 0],        // DataCount, DataOffset 88
        &[3, 0, 1, 0, 0, 0, 2, 0], // priority 0, class 2
        &[19 + count, 0],          // ByteCount: name 17 + pad 2 + data
        b"\\mailslot\\browse\0",   // case differs: compared case-insensitively
        &[0, 0],                   // pad
        data,
    ]
    .concat()
}

fn samba_datagram() -> Vec<u8> {
    let smb = samba_smb(&host_announcement());
    let dgm_length = (68 + smb.len()) as u16;
    [
        &[0x11, 0x0A, 0x00, 0x2A][..], // DIRECT_GROUP, FIRST | M-node, DGM_ID 42
        &[192, 0, 2, 7, 0, 138],       // SOURCE_IP, SOURCE_PORT
        &dgm_length.to_be_bytes(),
        &[0, 0], // PACKET_OFFSET
        &wire_name(NMBDHOST),
        &wire_name(WORKGROUP_1D),
        &smb,
    ]
    .concat()
}

#[test]
fn samba_host_announcement_end_to_end() {
    let bytes = samba_datagram();
    assert_eq!(bytes.len(), 82 + 86 + 33, "SMB at 82, data at 82 + 86");
    let message = decode_mailslot_datagram(&bytes).unwrap();
    assert_eq!(message.kind, DataKind::DirectGroup);
    assert_eq!(message.node_type, NodeType::M);
    assert_eq!(message.id, 42);
    assert_eq!(message.source_ip, Ipv4Addr::new(192, 0, 2, 7));
    assert_eq!(message.source_port, 138);
    assert_eq!(
        message.source_name,
        NbName::new("NMBDHOST", suffix::WORKSTATION).unwrap()
    );
    assert_eq!(message.destination_name.to_string(), "WORKGROUP<1D>");
    assert_eq!(message.write.mailslot, "BROWSE");
    assert_eq!((message.write.priority, message.write.class), (1, 2));
    assert_eq!(message.write.data, &bytes[82 + 86..]);

    let BrowseFrame::Announcement(announcement) = BrowseFrame::decode(message.write.data).unwrap()
    else {
        panic!("not an announcement")
    };
    assert_eq!(announcement.kind, AnnouncementKind::Host);
    assert_eq!(announcement.periodicity_ms, 720_000);
    assert_eq!(announcement.server_name, b"NMBDHOST");
    assert_eq!((announcement.os_major, announcement.os_minor), (4, 9));
    assert_eq!(
        announcement.server_type,
        server_type::WORKSTATION
            | server_type::SERVER
            | server_type::NT
            | server_type::POTENTIAL_BROWSER
    );
    assert_eq!(announcement.signature, 0xAA55);
    assert_eq!(announcement.comment, b"");
}

#[test]
fn packed_layout_matches_samba_bytes_except_ignored_header_fields() {
    let data = host_announcement();
    let expected = samba_smb(&data);
    let write = MailslotWrite::decode(&expected).unwrap();
    let encoded = write.encode(Layout::Packed).unwrap();
    assert_eq!(encoded.len(), expected.len());
    // Only the SHOULD-but-ignored header fields (Flags, Flags2, PIDLow) differ.
    let differing: Vec<usize> = (0..encoded.len())
        .filter(|&i| encoded[i] != expected[i])
        .collect();
    assert_eq!(differing, [9, 10, 26, 27]);
    assert_eq!(encoded[9], 0x18);
    assert_eq!(le16(&encoded, 10), 0x0004);
    assert_eq!(le16(&encoded, 26), 0xFEFF);
}

#[test]
fn aligned_layout_matches_the_reference_offsets() {
    let data = b"0123456789";
    let write = MailslotWrite {
        timeout: 1000,
        priority: 0,
        ..MailslotWrite::new("BROWSE", data)
    };
    let encoded = write.encode(Layout::Aligned).unwrap();
    assert_eq!(&encoded[..5], b"\xFFSMB\x25");
    assert_eq!(encoded[32], 17, "WordCount");
    assert_eq!(le16(&encoded, 35), 10, "TotalDataCount");
    assert_eq!(&encoded[45..49], &1000u32.to_le_bytes(), "Timeout");
    assert_eq!(le16(&encoded, 51), 0, "ParameterCount");
    assert_eq!(le16(&encoded, 53), 88, "ParameterOffset");
    assert_eq!(le16(&encoded, 55), 10, "DataCount");
    assert_eq!(le16(&encoded, 57), 88, "DataOffset");
    assert_eq!(&encoded[59..67], &[3, 0, 1, 0, 0, 0, 2, 0], "setup words");
    assert_eq!(le16(&encoded, 67), 17 + 2 + 10, "ByteCount");
    assert_eq!(&encoded[69..86], b"\\MAILSLOT\\BROWSE\0");
    assert_eq!(&encoded[86..88], &[0, 0], "pad");
    assert_eq!(&encoded[88..], data);

    // The Windows vector differs only in MaxParameterCount and the name's case.
    let windows = windows_smb(data);
    let differing: Vec<usize> = (0..encoded.len())
        .filter(|&i| encoded[i] != windows[i])
        .collect();
    assert_eq!(differing.first(), Some(&37));
    assert!(
        differing[1..].iter().all(|&i| (69..86).contains(&i)),
        "{differing:?}"
    );
}

#[test]
fn windows_padded_write_decodes_through_data_offset() {
    let bytes = windows_smb(b"payload");
    let write = MailslotWrite::decode(&bytes).unwrap();
    assert_eq!(write.mailslot, "browse");
    assert!(write.is_for("BROWSE"));
    assert_eq!(write.data, b"payload");
    assert_eq!(write.timeout, 1000);
    assert_eq!(write.priority, 0);
}

#[test]
fn payload_limits() {
    for (len, max) in [
        (1, 428),
        (4, 428),
        (5, 424),
        (8, 424),
        (9, 420),
        (12, 420),
        (13, 416),
    ] {
        assert_eq!(max_payload(len), max, "name length {len}");
    }
    assert_eq!(max_payload(16), 416);
    assert_eq!(max_payload(usize::MAX), 0);

    let at_limit = vec![7; 424];
    let write = MailslotWrite::new("BROWSE", &at_limit);
    for layout in [Layout::Packed, Layout::Aligned] {
        let encoded = write.encode(layout).unwrap();
        assert_eq!(MailslotWrite::decode(&encoded).unwrap(), write);
    }
    let over = vec![7; 425];
    assert_eq!(
        MailslotWrite::new("BROWSE", &over).encode(Layout::Packed),
        Err(Error::TooLarge { len: 425, max: 424 })
    );
    // An over-size write received is discarded too.
    let mut received = samba_smb(&over[..200]);
    received.truncate(86);
    received.extend_from_slice(&over);
    received[35..37].copy_from_slice(&425u16.to_le_bytes());
    received[55..57].copy_from_slice(&425u16.to_le_bytes());
    received[67..69].copy_from_slice(&(17u16 + 425).to_le_bytes());
    assert_eq!(
        MailslotWrite::decode(&received),
        Err(Error::TooLarge { len: 425, max: 424 })
    );
}

#[test]
fn smb_validation() {
    let good = samba_smb(b"x");
    let with = |offset: usize, bytes: &[u8]| {
        let mut smb = good.clone();
        smb[offset..offset + bytes.len()].copy_from_slice(bytes);
        MailslotWrite::decode(&smb).map(|_| ())
    };
    let unexpected = |field, value, expected| {
        Err(Error::UnexpectedValue {
            field,
            value,
            expected,
        })
    };
    assert_eq!(
        with(0, b"\xFESMB"),
        unexpected("Protocol", 0xFE53_4D42, 0xFF53_4D42)
    );
    assert_eq!(with(4, &[0x32]), unexpected("Command", 0x32, 0x25));
    assert_eq!(with(32, &[16]), unexpected("WordCount", 16, 17));
    assert_eq!(with(59, &[2]), unexpected("SetupCount", 2, 3));
    assert_eq!(with(61, &[2]), unexpected("MailSlotOpcode", 2, 1));
    assert_eq!(with(69, b"\\PIPE\\"), Err(Error::NotMailslot));
    assert_eq!(
        with(79, b"BROWSE\x01"),
        Err(Error::BadString {
            field: "mailslot name",
            reason: "not NUL-terminated"
        })
    );
    assert_eq!(
        with(35, &[2, 0]),
        Err(Error::BadLength {
            field: "TotalDataCount",
            value: 2,
            actual: 1
        })
    );
    assert_eq!(
        with(57, &[85, 0]),
        Err(Error::BadLength {
            field: "DataOffset",
            value: 85,
            actual: 87
        })
    );
    assert_eq!(
        with(57, &[88, 0]),
        Err(Error::BadLength {
            field: "DataOffset",
            value: 88,
            actual: 87
        })
    );
    let mut long = good.clone();
    long[35] = 2;
    long[55] = 2;
    assert_eq!(
        MailslotWrite::decode(&long),
        Err(Error::BadLength {
            field: "DataCount",
            value: 2,
            actual: 1
        })
    );
    assert_eq!(
        with(67, &[19, 0]),
        Err(Error::BadLength {
            field: "ByteCount",
            value: 19,
            actual: 18
        })
    );
    assert_eq!(
        MailslotWrite::decode(&good[..40]),
        Err(Error::Truncated {
            needed: 45,
            got: 40
        })
    );
    assert_eq!(
        MailslotWrite::new("", b"").encode(Layout::Packed),
        Err(Error::BadString {
            field: "mailslot name",
            reason: "empty"
        })
    );
    assert!(
        MailslotWrite::new("A\0B", b"")
            .encode(Layout::Packed)
            .is_err()
    );
}

#[test]
fn datagram_header_and_lengths() {
    let bytes = samba_datagram();
    let datagram = Datagram::decode(&bytes).unwrap();
    let Body::Data { user_data, .. } = datagram.body else {
        panic!("not data")
    };
    assert_eq!(user_data, &bytes[82..]);
    assert_eq!(
        datagram.encode().unwrap()[1],
        0x0A,
        "FIRST | M-node, as nmbd sends"
    );

    let mut lying = bytes.clone();
    lying[11] += 1;
    assert_eq!(
        Datagram::decode(&lying),
        Err(Error::BadLength {
            field: "DGM_LENGTH",
            value: bytes.len() - 13,
            actual: bytes.len() - 14
        })
    );
    let mut more = bytes.clone();
    more[1] |= 0x01;
    assert_eq!(
        Datagram::decode(&more),
        Err(Error::Fragmented {
            more: true,
            offset: 0
        })
    );
    let mut offset = bytes.clone();
    offset[13] = 4;
    assert_eq!(
        Datagram::decode(&offset),
        Err(Error::Fragmented {
            more: false,
            offset: 4
        })
    );
    let mut unknown = bytes.clone();
    unknown[0] = 0x17;
    assert_eq!(
        Datagram::decode(&unknown),
        Err(Error::UnsupportedType {
            what: "datagram MSG_TYPE",
            value: 0x17
        })
    );
    let mut scoped = bytes;
    scoped[14 + 33] = 5;
    assert_eq!(
        Datagram::decode(&scoped),
        Err(NameError::ScopeNotSupported.into())
    );
}

#[test]
fn error_and_query_datagrams() {
    let error = [0x13, 0x0E, 0, 9, 10, 0, 0, 1, 0, 138, 0x82];
    let decoded = Datagram::decode(&error).unwrap();
    assert_eq!(decoded.node_type, NodeType::H);
    assert_eq!(
        decoded.body,
        Body::Error(ErrorCode::DestinationNameNotPresent)
    );
    assert_eq!(decoded.encode().unwrap(), error);
    assert_eq!(
        Datagram::decode(&[&error[..], &[0]].concat()),
        Err(Error::TrailingBytes { extra: 1 })
    );
    assert_eq!(
        Datagram::decode(&[&error[..10], &[0x85]].concat()),
        Err(Error::UnsupportedType {
            what: "datagram ERROR_CODE",
            value: 0x85
        })
    );

    let query = [
        &[0x14, 0x02, 0, 1, 10, 0, 0, 1, 0, 138][..],
        &wire_name(NMBDHOST),
    ]
    .concat();
    let decoded = Datagram::decode(&query).unwrap();
    assert_eq!(
        decoded.body,
        Body::Query {
            kind: QueryKind::Request,
            destination_name: NbName::new("NMBDHOST", 0).unwrap()
        }
    );
    assert_eq!(decoded.node_type, NodeType::B);
    assert_eq!(decoded.encode().unwrap(), query);
    assert_eq!(
        decode_mailslot_datagram(&query),
        Err(Error::UnsupportedType {
            what: "mailslot datagram MSG_TYPE",
            value: 0x14
        })
    );
}

#[test]
fn convenience_round_trip_with_both_layouts() {
    let message = MailslotDatagram {
        kind: DataKind::DirectUnique,
        node_type: NodeType::H,
        id: 0xBEEF,
        source_ip: Ipv4Addr::new(198, 51, 100, 1),
        source_port: 138,
        source_name: NbName::new("CLIENT", 0).unwrap(),
        destination_name: NbName::new("SERVER", 0).unwrap(),
        write: MailslotWrite::new("NET\\NETLOGON", b"\x12\x00logon"),
    };
    for layout in [Layout::Packed, Layout::Aligned] {
        let bytes = encode_mailslot_datagram(&message, layout).unwrap();
        assert_eq!(&bytes[..2], [0x10, 0x0E]);
        assert_eq!(decode_mailslot_datagram(&bytes).unwrap(), message);
    }
}

fn windows_query() -> Vec<u8> {
    [
        &[0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0][..],
        &wire_name(NMBDHOST),
        &[0, 0x20, 0, 1],
    ]
    .concat()
}

#[test]
fn nbns_name_query() {
    let bytes = windows_query();
    let packet = NbnsPacket::decode(&bytes).unwrap();
    let host = NbName::new("NMBDHOST", 0).unwrap();
    assert_eq!(packet, NbnsPacket::name_query(0x1234, host, true));
    assert_eq!(packet.encode().unwrap(), bytes);

    let mut nbstat = bytes.clone();
    nbstat[47] = 0x21;
    assert_eq!(
        NbnsPacket::decode(&nbstat),
        Err(Error::UnsupportedType {
            what: "NBNS RR_TYPE",
            value: 0x21
        })
    );
    let mut registration = bytes.clone();
    registration[2] = 0x29;
    assert_eq!(
        NbnsPacket::decode(&registration),
        Err(Error::UnsupportedType {
            what: "NBNS OPCODE",
            value: 5
        })
    );
    let mut two = bytes.clone();
    two[5] = 2;
    assert_eq!(
        NbnsPacket::decode(&two),
        Err(Error::UnexpectedValue {
            field: "QDCOUNT",
            value: 2,
            expected: 1
        })
    );
    let mut chaos = bytes.clone();
    chaos[49] = 3;
    assert_eq!(
        NbnsPacket::decode(&chaos),
        Err(Error::UnexpectedValue {
            field: "CLASS",
            value: 3,
            expected: 1
        })
    );
    assert_eq!(
        NbnsPacket::decode(&[&bytes[..], b"x"].concat()),
        Err(Error::TrailingBytes { extra: 1 })
    );
}

#[test]
fn nbns_responses() {
    let host = NbName::new("NMBDHOST", 0).unwrap();
    let positive = [
        &[0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0][..],
        &wire_name(NMBDHOST),
        &[0, 0x20, 0, 1],
        &[0x00, 0x04, 0x93, 0xE0], // TTL 300000 s
        &[0, 12],
        &[0x60, 0x00, 192, 0, 2, 5], // unique, H-node
        &[0xA0, 0x00, 192, 0, 2, 6], // group, P-node
    ]
    .concat();
    let packet = NbnsPacket::decode(&positive).unwrap();
    let expected = NbnsPacket::positive_response(
        0x1234,
        host,
        300_000,
        vec![
            NbAddress {
                group: false,
                node_type: NodeType::H,
                address: Ipv4Addr::new(192, 0, 2, 5),
            },
            NbAddress {
                group: true,
                node_type: NodeType::P,
                address: Ipv4Addr::new(192, 0, 2, 6),
            },
        ],
    );
    assert_eq!(packet, expected);
    assert_eq!(packet.encode().unwrap(), positive);

    let mut odd = positive.clone();
    odd[55] = 11;
    assert_eq!(
        NbnsPacket::decode(&odd[..odd.len() - 1]),
        Err(Error::BadLength {
            field: "RDLENGTH",
            value: 11,
            actual: 6
        })
    );
    let mut long = positive.clone();
    long[55] = 18;
    assert_eq!(
        NbnsPacket::decode(&long),
        Err(Error::BadLength {
            field: "RDLENGTH",
            value: 18,
            actual: 12
        })
    );

    // RFC 1002 writes RR_TYPE NULL in negative responses; Windows and Samba write NB.
    let negative = [
        &[0x12, 0x34, 0x85, 0x03, 0, 0, 0, 1, 0, 0, 0, 0][..],
        &wire_name(NMBDHOST),
        &[0, 0x0A, 0, 1, 0, 0, 0, 0, 0, 0],
    ]
    .concat();
    let packet = NbnsPacket::decode(&negative).unwrap();
    assert_eq!(
        packet,
        NbnsPacket::negative_response(0x1234, host, Rcode::NameError)
    );
    assert_eq!(
        packet.flags,
        NmFlags {
            authoritative: true,
            recursion_desired: true,
            ..Default::default()
        }
    );
    let reencoded = packet.encode().unwrap();
    assert_eq!(reencoded[47], 0x20);
    assert_eq!(NbnsPacket::decode(&reencoded).unwrap(), packet);

    let mut bad_rcode = negative;
    bad_rcode[3] = 0x09;
    assert_eq!(
        NbnsPacket::decode(&bad_rcode),
        Err(Error::UnsupportedType {
            what: "NBNS RCODE",
            value: 9
        })
    );
    assert!(
        NbnsPacket::positive_response(1, host, 0, vec![])
            .encode()
            .is_err()
    );
}

#[test]
fn browse_frames() {
    let announcement = Announcement {
        update_count: 0,
        periodicity_ms: 720_000,
        os_major: 4,
        os_minor: 9,
        ..Announcement::new(
            AnnouncementKind::Host,
            b"NMBDHOST",
            server_type::WORKSTATION
                | server_type::SERVER
                | server_type::NT
                | server_type::POTENTIAL_BROWSER,
            b"",
        )
    };
    assert_eq!(
        BrowseFrame::Announcement(announcement).encode().unwrap(),
        host_announcement()
    );

    // nmbd's election request: version 1, criteria, uptime, reserved, NUL-terminated name.
    let election = [
        &[8, 1][..],
        &[0x0B, 0x00, 0x01, 0x20],
        &[0xE8, 0x03, 0, 0],
        &[0, 0, 0, 0],
        b"NMBDHOST\0",
    ]
    .concat();
    let decoded = BrowseFrame::decode(&election).unwrap();
    assert_eq!(
        decoded,
        BrowseFrame::RequestElection(RequestElection {
            version: 1,
            criteria: 0x2001_000B,
            uptime_ms: 1000,
            server_name: b"NMBDHOST",
        })
    );
    assert_eq!(decoded.encode().unwrap(), election);

    assert_eq!(
        BrowseFrame::decode(&[2]),
        Err(Error::UnsupportedType {
            what: "browser opcode",
            value: 2
        })
    );
    let mut unterminated = host_announcement();
    unterminated.pop();
    assert_eq!(
        BrowseFrame::decode(&unterminated),
        Err(Error::BadString {
            field: "Comment",
            reason: "not NUL-terminated"
        })
    );
    let mut full_name = host_announcement();
    full_name[6..22].copy_from_slice(b"ABCDEFGHIJKLMNOP");
    assert_eq!(
        BrowseFrame::decode(&full_name),
        Err(Error::BadString {
            field: "ServerName",
            reason: "not NUL-terminated"
        })
    );
    let too_long = Announcement::new(AnnouncementKind::LocalMaster, b"ABCDEFGHIJKLMNOP", 0, b"");
    assert_eq!(
        BrowseFrame::Announcement(too_long).encode(),
        Err(Error::BadString {
            field: "ServerName",
            reason: "longer than 15 bytes"
        })
    );
}
