//! Decodes arbitrary bytes as a `\MAILSLOT\BROWSE` frame; whatever decodes must re-encode to
//! bytes that decode to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use winipc_nbt::BrowseFrame;

fuzz_target!(|data: &[u8]| {
    if let Ok(frame) = BrowseFrame::decode(data) {
        let bytes = frame.encode().expect("re-encodes");
        assert_eq!(BrowseFrame::decode(&bytes), Ok(frame));
    }
});
