//! The receive path without sockets: crafted datagrams through `Inbound::handle` into real
//! local mailslots (no root needed).

mod common;

use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::{Duration, Instant};

use common::inbound::{FROM, datagram, generous, inbound, names, setup, unique};
use winipc::{Mailslot, MailslotOptions};
use winipc_nbt::{DataKind, Layout, MailslotDatagram, MailslotWrite, NbName, NodeType};
use winipc_net::config::RateLimit;
use winipc_net::{Inbound, Outcome};

fn slot(name: &str) -> Mailslot {
    Mailslot::create(&format!(r"\\.\mailslot\{name}"), 0, 0).unwrap()
}

fn drain(s: &Mailslot) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Ok(m) = s.recv_vec() {
        out.push(m);
    }
    out
}

#[test]
fn delivers_for_our_names() {
    setup();
    let _dog = common::watchdog("delivers_for_our_names", Duration::from_secs(30));
    let s = slot("inb_deliver");
    let mut i = inbound();
    let now = Instant::now();
    assert_eq!(
        i.handle(&unique("INB_DELIVER", b"one"), FROM, now),
        Outcome::Delivered
    );
    let group = datagram(
        DataKind::DirectGroup,
        "workgroup",
        "inb_deliver",
        b"two",
        Layout::Aligned,
    );
    assert_eq!(i.handle(&group, FROM, now), Outcome::Delivered);
    // BROADCAST (0x12) to the wildcard name `*` is for every node.
    let all = datagram(
        DataKind::Broadcast,
        "*",
        "Inb_Deliver",
        b"three",
        Layout::Packed,
    );
    assert_eq!(i.handle(&all, FROM, now), Outcome::Delivered);
    let empty = unique("inb_deliver", b"");
    assert_eq!(i.handle(&empty, FROM, now), Outcome::Delivered);
    assert_eq!(
        drain(&s),
        [
            b"one".to_vec(),
            b"two".to_vec(),
            b"three".to_vec(),
            Vec::new()
        ]
    );
    assert_eq!(i.stats().delivered, 4);
    assert_eq!(i.cached_writers(), 1);
}

/// A write for slot "abcde" carrying 428 bytes: over its 424-byte limit, otherwise valid.
fn over_limit() -> Vec<u8> {
    let mut d = unique("abcd", &[0x61; 428]);
    let smb = 82;
    d.insert(smb + 69 + 10 + 4, b'e');
    let bump = |d: &mut Vec<u8>, at: usize, le: bool| {
        let v = if le {
            u16::from_le_bytes([d[at], d[at + 1]]) + 1
        } else {
            u16::from_be_bytes([d[at], d[at + 1]]) + 1
        };
        let b = if le { v.to_le_bytes() } else { v.to_be_bytes() };
        d[at..at + 2].copy_from_slice(&b);
    };
    bump(&mut d, 10, false); // DGM_LENGTH
    bump(&mut d, smb + 57, true); // DataOffset
    bump(&mut d, smb + 67, true); // ByteCount
    d
}

#[test]
fn drops_bad_and_foreign_datagrams() {
    setup();
    let _dog = common::watchdog("drops_bad_and_foreign_datagrams", Duration::from_secs(30));
    let s = slot("inb_drop");
    let mut i = inbound();
    let now = Instant::now();
    let good = unique("inb_drop", b"payload");

    let other = datagram(
        DataKind::DirectUnique,
        "OTHERHOST",
        "inb_drop",
        b"x",
        Layout::Packed,
    );
    assert_eq!(i.handle(&other, FROM, now), Outcome::NotForUs);
    assert_eq!(
        i.handle(&unique("inb_nobody", b"x"), FROM, now),
        Outcome::NoReceiver
    );
    assert_eq!(
        i.handle(&unique("a*b", b"x"), FROM, now),
        Outcome::NoReceiver
    );

    for cut in 0..good.len() {
        assert_eq!(
            i.handle(&good[..cut], FROM, now),
            Outcome::Malformed,
            "cut {cut}"
        );
    }
    let smb = 82;
    let mut lies = Vec::new();
    for (at, value) in [
        (10, 0xFFu8),     // DGM_LENGTH high byte
        (1, 0x03),        // MORE flag: a fragment
        (smb + 57, 0xF0), // DataOffset past the end
        (smb + 55, 0xF0), // DataCount
        (smb + 35, 0x01), // TotalDataCount disagrees
        (smb + 67, 0xF0), // ByteCount
        (smb + 32, 16),   // WordCount
        (smb + 4, 0x72),  // not a transaction
        (smb + 79, 0),    // empty slot name
    ] {
        let mut d = good.clone();
        d[at] = value;
        lies.push(d);
    }
    let mut trailing = good.clone();
    trailing.push(0);
    lies.push(trailing);
    for d in &lies {
        assert_eq!(i.handle(d, FROM, now), Outcome::Malformed, "{d:02x?}");
    }
    let mut huge = good.clone();
    huge.resize(3000, 0);
    assert_eq!(i.handle(&huge, FROM, now), Outcome::Oversize);
    assert_eq!(i.handle(&over_limit(), FROM, now), Outcome::Oversize);

    assert!(drain(&s).is_empty(), "nothing bad reached the slot");
    assert_eq!(i.handle(&good, FROM, now), Outcome::Delivered);
    assert_eq!(drain(&s), [b"payload".to_vec()]);
    let st = i.stats();
    assert_eq!(st.malformed, good.len() as u64 + lies.len() as u64);
    assert_eq!((st.oversize, st.not_for_us, st.no_receiver), (2, 1, 2));
    assert_eq!(st.received, st.malformed + 2 + 1 + 2 + 1);
}

/// Datagrams to names this host does not hold are never delivered, whatever their type: a
/// unique or group name of another host, another group, a browser name the daemon was not
/// told to accept, and a BROADCAST addressed to a name rather than to `*`.
#[test]
fn never_delivers_to_names_we_do_not_own() {
    setup();
    let _dog = common::watchdog(
        "never_delivers_to_names_we_do_not_own",
        Duration::from_secs(30),
    );
    let s = slot("inb_foreign");
    let mut i = inbound();
    let now = Instant::now();
    let foreign = |kind, name: NbName| {
        let message = MailslotDatagram {
            kind,
            node_type: NodeType::B,
            id: 9,
            source_ip: *FROM.ip(),
            source_port: 138,
            source_name: NbName::new("SENDER", 0).unwrap(),
            destination_name: name,
            write: MailslotWrite::new("inb_foreign", b"not for you"),
        };
        winipc_nbt::encode_mailslot_datagram(&message, Layout::Packed).unwrap()
    };
    let names = [
        NbName::new("OTHERHOST", 0).unwrap(),
        NbName::new("HOST", 0x20).unwrap(), // our name, another suffix
        NbName::new("WORKGROUP", 0x1D).unwrap(), // browser names not configured
        NbName::new("WORKGROUP", 0x1E).unwrap(),
        NbName::new("OTHERGROUP", 0).unwrap(),
        NbName::MSBROWSE,
        NbName::from_raw(*b"**             ", 0),
        NbName::from_raw(*b"*\0\0\0\0\0\0\0\0\0\0\0\0\0X", 0),
    ];
    let mut sent = 0;
    for name in names {
        for kind in [
            DataKind::DirectUnique,
            DataKind::DirectGroup,
            DataKind::Broadcast,
        ] {
            assert_eq!(
                i.handle(&foreign(kind, name), FROM, now),
                Outcome::NotForUs,
                "{kind:?} to {name}"
            );
            sent += 1;
        }
    }
    // The wildcard is only for BROADCAST datagrams.
    let star = NbName::from_raw(*b"*\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 0);
    for kind in [DataKind::DirectUnique, DataKind::DirectGroup] {
        assert_eq!(i.handle(&foreign(kind, star), FROM, now), Outcome::NotForUs);
        sent += 1;
    }
    assert!(drain(&s).is_empty(), "a foreign datagram was delivered");
    assert_eq!(i.stats().not_for_us, sent);
    assert_eq!(i.stats().delivered, 0);
    // The same write to `*` as a BROADCAST, and to our own name, is delivered.
    assert_eq!(
        i.handle(&foreign(DataKind::Broadcast, star), FROM, now),
        Outcome::Delivered
    );
    assert_eq!(
        i.handle(
            &foreign(DataKind::DirectUnique, NbName::new("host", 0).unwrap()),
            FROM,
            now
        ),
        Outcome::Delivered
    );
    assert_eq!(drain(&s).len(), 2);
}

#[test]
fn duplicate_window() {
    setup();
    let _dog = common::watchdog("duplicate_window", Duration::from_secs(30));
    let s = slot("inb_dup");
    let t0 = Instant::now();
    let mut i = Inbound::new(names(), generous(), Duration::from_secs(2), t0);
    let d = unique("inb_dup", b"same");
    assert_eq!(i.handle(&d, FROM, t0), Outcome::Delivered);
    // The same write again (another transport, another source address): dropped.
    let other_from = SocketAddrV4::new(Ipv4Addr::new(198, 51, 100, 1), 138);
    assert_eq!(
        i.handle(&d, other_from, t0 + Duration::from_secs(1)),
        Outcome::Duplicate
    );
    assert_eq!(
        i.handle(
            &unique("INB_DUP", b"other"),
            FROM,
            t0 + Duration::from_secs(1)
        ),
        Outcome::Delivered
    );
    assert_eq!(
        i.handle(&d, FROM, t0 + Duration::from_secs(3)),
        Outcome::Delivered
    );
    assert_eq!(drain(&s).len(), 3);
}

#[test]
fn rate_limit() {
    setup();
    let _dog = common::watchdog("rate_limit", Duration::from_secs(30));
    let s = slot("inb_rate");
    let t0 = Instant::now();
    let limit = RateLimit {
        per_second: 10,
        burst: 5,
    };
    let mut i = Inbound::new(names(), limit, Duration::ZERO, t0);
    let d = unique("inb_rate", b"r");
    let outcomes: Vec<_> = (0..8).map(|_| i.handle(&d, FROM, t0)).collect();
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Outcome::Delivered)
            .count(),
        5
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == Outcome::RateLimited)
            .count(),
        3
    );
    assert_eq!(
        i.handle(&d, FROM, t0 + Duration::from_millis(200)),
        Outcome::Delivered
    );
    assert_eq!(drain(&s).len(), 6);
}

#[test]
fn full_slot_drops_without_waiting() {
    setup();
    let _dog = common::watchdog("full_slot_drops_without_waiting", Duration::from_secs(30));
    let s = Mailslot::create_with(
        r"\\.\mailslot\inb_full",
        MailslotOptions {
            quota: 4096,
            read_timeout: 0,
            ..Default::default()
        },
    )
    .unwrap();
    let mut i = inbound();
    let d = unique("inb_full", &[7; 400]);
    let start = Instant::now();
    let mut delivered = 0;
    let mut full = 0;
    for _ in 0..50 {
        match i.handle(&d, FROM, Instant::now()) {
            Outcome::Delivered => delivered += 1,
            Outcome::SlotFull => full += 1,
            other => panic!("{other:?}"),
        }
    }
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "a full slot made the daemon wait"
    );
    assert!(
        delivered > 0 && full > 0,
        "{delivered} delivered, {full} full"
    );
    assert_eq!(drain(&s).len(), delivered);
    assert_eq!(i.handle(&d, FROM, Instant::now()), Outcome::Delivered);
}

#[test]
fn receiver_gone_and_back() {
    setup();
    let _dog = common::watchdog("receiver_gone_and_back", Duration::from_secs(30));
    let mut i = inbound();
    let d = unique("inb_gone", b"hi");
    let s = slot("inb_gone");
    assert_eq!(i.handle(&d, FROM, Instant::now()), Outcome::Delivered);
    drop(s);
    assert_eq!(i.handle(&d, FROM, Instant::now()), Outcome::NoReceiver);
    assert_eq!(i.cached_writers(), 0);
    let s = slot("inb_gone");
    assert_eq!(i.handle(&d, FROM, Instant::now()), Outcome::Delivered);
    assert_eq!(drain(&s), [b"hi".to_vec()]);
}

#[test]
fn writer_cache_is_bounded() {
    setup();
    let _dog = common::watchdog("writer_cache_is_bounded", Duration::from_secs(30));
    let mut i = inbound();
    let slots: Vec<_> = (0..100).map(|n| slot(&format!("inb_many{n}"))).collect();
    for n in 0..100 {
        let d = unique(&format!("inb_many{n}"), b"m");
        assert_eq!(i.handle(&d, FROM, Instant::now()), Outcome::Delivered);
        assert!(i.cached_writers() <= winipc_net::inbound::MAX_CACHED_WRITERS);
    }
    assert!(slots.iter().all(|s| drain(s) == [b"m".to_vec()]));
}

#[test]
fn fuzz_seeds_are_valid() {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    for seed in [
        "unique-fz",
        "group-aligned",
        "broadcast-any",
        "browse-announcement",
        "max-payload",
        "not-for-us",
    ] {
        let bytes = std::fs::read(corpus.join("datagram_path").join(seed)).unwrap();
        let d = winipc_nbt::decode_mailslot_datagram(&bytes)
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        if seed == "browse-announcement" {
            assert!(winipc_nbt::BrowseFrame::decode(d.write.data).is_ok());
        }
    }
    let nbt = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../winipc-nbt/fuzz/corpus");
    for seed in ["all-in-domain", "host"] {
        let bytes = std::fs::read(nbt.join("netd_request").join(seed)).unwrap();
        winipc_net::proto::Request::decode(&bytes).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    }
}
