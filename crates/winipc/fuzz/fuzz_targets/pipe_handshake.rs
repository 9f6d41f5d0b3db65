//! The named-pipe handshake records (hello and reply) a connecting peer — possibly another
//! user's process — sends: decoding never panics, and whatever decodes re-encodes to exactly
//! the bytes received (no two encodings of one record, nothing ignored).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (hello, reply) = winipc::fuzz_support::pipe_handshake(data);
    for again in [hello, reply].into_iter().flatten() {
        assert_eq!(again, data);
    }
});
