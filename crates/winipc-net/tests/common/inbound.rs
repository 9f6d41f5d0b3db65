//! Helpers shared by the inbound tests: one store directory per test binary, the daemon's names
//! and datagrams addressed to them.
#![allow(dead_code)]

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::Once;
use std::time::{Duration, Instant};

use winipc_nbt::{DataKind, Layout, MailslotDatagram, MailslotWrite, NbName, NodeType};
use winipc_net::Inbound;
use winipc_net::config::RateLimit;

pub const FROM: SocketAddrV4 = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 7), 138);

pub fn setup() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        let dir = std::env::temp_dir().join(format!("winipc-net-inbound-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        winipc::set_store_dir(&dir).unwrap();
    });
}

pub fn names() -> Vec<NbName> {
    vec![
        NbName::new("HOST", 0).unwrap(),
        NbName::new("WORKGROUP", 0).unwrap(),
    ]
}

pub fn generous() -> RateLimit {
    RateLimit {
        per_second: 1_000_000,
        burst: 1_000_000,
    }
}

pub fn inbound() -> Inbound {
    Inbound::new(names(), generous(), Duration::ZERO, Instant::now())
}

pub fn datagram(kind: DataKind, to: &str, slot: &str, data: &[u8], layout: Layout) -> Vec<u8> {
    let message = MailslotDatagram {
        kind,
        node_type: NodeType::H,
        id: 42,
        source_ip: *FROM.ip(),
        source_port: 138,
        source_name: NbName::new("SENDER", 0).unwrap(),
        destination_name: NbName::new(to, 0).unwrap(),
        write: MailslotWrite::new(slot, data),
    };
    winipc_nbt::encode_mailslot_datagram(&message, layout).unwrap()
}

pub fn unique(slot: &str, data: &[u8]) -> Vec<u8> {
    datagram(DataKind::DirectUnique, "HOST", slot, data, Layout::Packed)
}
