//! The daemon's request parser (`winipc_nbt::netd`) on arbitrary bytes: never panics, and
//! whatever decodes re-encodes to the same bytes (the format has one encoding per value). The
//! clients' parsers (replies, status replies) likewise.
#![no_main]

use libfuzzer_sys::fuzz_target;
use winipc_nbt::netd::{Query, Reply, StatusReply};

fuzz_target!(|data: &[u8]| {
    if let Ok(query) = Query::decode(data) {
        assert_eq!(query.encode().expect("re-encodes"), data);
    }
    if let Ok(reply) = Reply::decode(data) {
        assert_eq!(reply.encode(), data);
    }
    if let Ok(status) = StatusReply::decode(data) {
        assert_eq!(status.encode().expect("re-encodes"), data);
    }
});
