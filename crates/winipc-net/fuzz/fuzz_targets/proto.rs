//! The daemon's request decoder on arbitrary bytes: never panics, and whatever decodes
//! re-encodes to the same bytes (the format has one encoding per value).
#![no_main]

use libfuzzer_sys::fuzz_target;
use winipc_net::proto::{Reply, Request};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = Request::decode(data) {
        assert_eq!(request.encode().expect("re-encodes"), data);
    }
    if let Ok(reply) = Reply::decode(data) {
        assert_eq!(reply.encode(), data);
    }
});
