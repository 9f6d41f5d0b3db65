//! Object names (`Local\`, `Global\`, `Session\<uid>\`, bare): parsing never panics, and a
//! parsed name round-trips through the namespace it names.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok((ns, name)) = winipc::__doc::parse_object_name(s) {
        assert!(name.len() <= s.len());
        let prefixed = match ns {
            winipc::Namespace::Global => format!("Global\\{name}"),
            winipc::Namespace::Local => format!("Local\\{name}"),
        };
        if let Ok((ns2, name2)) = winipc::__doc::parse_object_name(&prefixed) {
            assert_eq!((ns2, &name2), (ns, &name), "{s:?} -> {prefixed:?}");
        }
    }
});
