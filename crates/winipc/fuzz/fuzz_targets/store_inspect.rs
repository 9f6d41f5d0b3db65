//! `winipc::inspect::snapshot` (what `winipc ls` runs) over a corrupted Global store.
//! Known to crash until the core bug in docs/reliability.md is fixed (inspection counts a
//! corrupt link by writing into its read-only mapping); `.ci/fuzz-short.sh` skips it until then.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

mod image;

fuzz_target!(|data: &[u8]| {
    static IMG: OnceLock<image::Image> = OnceLock::new();
    let img = IMG.get_or_init(|| image::Image::new("inspect", true));
    img.reset();
    img.apply(data);
    let _ = winipc::inspect::snapshot(false);
});
