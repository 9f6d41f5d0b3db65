//! `GetDateFormat`/`GetTimeFormat` pictures: any text, any date, any flags: never panics, and
//! the output grows at most linearly with the picture (each character gives at most one
//! field's text).
#![no_main]
use libfuzzer_sys::fuzz_target;
use winipc::fuzz_support::{format_date, format_time};

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let seed = u64::from_le_bytes(data[..8].try_into().unwrap());
    let flags = u32::from_le_bytes(data[8..12].try_into().unwrap());
    let picture = String::from_utf8_lossy(&data[12..]);
    let d = format_date(seed, &picture);
    let t = format_time(seed, &picture, flags);
    let bound = 16 * picture.chars().count() + 16;
    assert!(d.chars().count() <= bound, "{picture:?} -> {d:?}");
    assert!(t.chars().count() <= bound, "{picture:?} -> {t:?}");
});
