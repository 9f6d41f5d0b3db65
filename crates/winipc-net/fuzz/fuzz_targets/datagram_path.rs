//! The daemon's receive path on arbitrary bytes: `Inbound::handle` against a real local slot
//! (in a private store directory), plus the name service answer and parse functions. Nothing
//! may panic; a delivered write must reach the slot with exactly the decoded payload.
#![no_main]

use std::net::{Ipv4Addr, SocketAddrV4};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;
use winipc::Mailslot;
use winipc_nbt::NbName;
use winipc_net::config::RateLimit;
use winipc_net::{Inbound, Outcome, outbound};

struct State {
    inbound: Inbound,
    slot: Mailslot,
}

fn state() -> &'static Mutex<State> {
    static STATE: OnceLock<Mutex<State>> = OnceLock::new();
    STATE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("winipc-net-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("store dir");
        winipc::set_store_dir(&dir).expect("store dir");
        let names = vec![
            NbName::new("HOST", 0).expect("name"),
            NbName::new("WORKGROUP", 0).expect("name"),
            NbName::MSBROWSE,
        ];
        let limit = RateLimit {
            per_second: u32::MAX,
            burst: u32::MAX,
        };
        Mutex::new(State {
            inbound: Inbound::new(names, limit, Duration::from_millis(1), Instant::now()),
            slot: Mailslot::create(r"\\.\mailslot\fz", 0, 0).expect("slot"),
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let mut s = state().lock().unwrap_or_else(|p| p.into_inner());
    let from = SocketAddrV4::new(Ipv4Addr::new(192, 0, 2, 1), 138);
    let outcome = s.inbound.handle(data, from, Instant::now());
    if outcome == Outcome::Delivered {
        let decoded = winipc_nbt::decode_mailslot_datagram(data).expect("delivered => decodes");
        if decoded.write.is_for("fz") {
            let got = s.slot.recv_vec().expect("delivered => queued");
            assert_eq!(got, decoded.write.data);
        }
    }
    while s.slot.recv_vec().is_ok() {}
    let me = NbName::new("HOST", 0).expect("name");
    let _ = outbound::answer_query(data, me, Ipv4Addr::LOCALHOST);
    let _ = outbound::parse_answer(data, 1, me);
});
