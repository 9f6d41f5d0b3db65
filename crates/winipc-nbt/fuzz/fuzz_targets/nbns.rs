//! Decodes arbitrary bytes as a NetBIOS name service packet; whatever decodes must re-encode to
//! bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use winipc_nbt::NbnsPacket;

fuzz_target!(|data: &[u8]| {
    if let Ok(packet) = NbnsPacket::decode(data) {
        let bytes = packet.encode().expect("re-encodes");
        assert_eq!(NbnsPacket::decode(&bytes), Ok(packet));
    }
});
