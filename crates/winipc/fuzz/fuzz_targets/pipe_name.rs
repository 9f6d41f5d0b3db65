//! Pipe names (`\\.\pipe\…`): parsing never panics; an accepted name's canonical form is the
//! lower-cased input, starts with `\\.\pipe\`, and is canonical itself (lower-casing it again
//! changes nothing).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(canon) = winipc::fuzz_support::pipe_name(s) {
        assert!(canon.starts_with(r"\\.\pipe\"), "{s:?} -> {canon:?}");
        assert!(!canon.contains('\0'));
        assert_eq!(canon, s.to_lowercase());
        assert_eq!(canon.to_lowercase(), canon, "{s:?}");
    }
});
