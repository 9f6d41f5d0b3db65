//! Store header and table validation on a private read-only mapping: the input is written
//! over the start of a formatted store image and over regions it chooses (header, objects,
//! names, handle tables); then the image is validated and walked as an inspector walks it.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

mod image;

fuzz_target!(|data: &[u8]| {
    static IMG: OnceLock<image::Image> = OnceLock::new();
    let img = IMG.get_or_init(|| image::Image::new("walk", false));
    img.reset();
    img.apply(data);
    let _ = winipc::fuzz_support::walk_store_file(&img.path, true, 4);
});
