//! Decodes arbitrary bytes as a mailslot datagram (and as its two layers on their own); whatever
//! decodes must re-encode, in both SMB layouts, to bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use winipc_nbt::{
    Datagram, Layout, MailslotWrite, decode_mailslot_datagram, encode_mailslot_datagram,
};

fuzz_target!(|data: &[u8]| {
    if let Ok(message) = decode_mailslot_datagram(data) {
        for layout in [Layout::Packed, Layout::Aligned] {
            let bytes = encode_mailslot_datagram(&message, layout).expect("re-encodes");
            assert_eq!(decode_mailslot_datagram(&bytes), Ok(message));
        }
    }
    if let Ok(datagram) = Datagram::decode(data) {
        let bytes = datagram.encode().expect("re-encodes");
        assert_eq!(Datagram::decode(&bytes), Ok(datagram));
    }
    if let Ok(write) = MailslotWrite::decode(data) {
        let bytes = write.encode(Layout::Aligned).expect("re-encodes");
        assert_eq!(MailslotWrite::decode(&bytes), Ok(write));
    }
});
