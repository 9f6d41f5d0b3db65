//! `CommandLineToArgvW` (shell32's splitting) on any UTF-16 text: never panics, gives at
//! least the program's name, and never invents text (the arguments together are no longer
//! than the line).
#![no_main]
use libfuzzer_sys::fuzz_target;
use winipc::fuzz_support::shell_split;

fuzz_target!(|data: &[u8]| {
    let units: Vec<u16> = data
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let argv = shell_split(&units);
    assert!(!argv.is_empty());
    let total: usize = argv.iter().map(Vec::len).sum();
    assert!(total <= units.len(), "{units:?} -> {argv:?}");
});
