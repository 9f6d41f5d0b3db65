//! `winipc::inspect::snapshot` (what `winipc ls` runs) over a corrupted Global store.
//! Regression target for a core bug the hostile-memory suite found (inspection counted a corrupt
//! link by writing into its read-only mapping: SIGSEGV; fixed in f5185fe).
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
