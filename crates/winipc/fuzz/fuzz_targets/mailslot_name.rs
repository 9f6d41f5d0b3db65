//! Mailslot names (`\\.\mailslot\…`, `\\*\`, `\\DOMAIN\`, `\\HOST\`): parsing never panics,
//! and a parsed local name's canonical form parses to the same name.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = winipc::MailslotName::parse(s) {
        let local = n.local_form();
        let again = winipc::MailslotName::parse(&local)
            .unwrap_or_else(|e| panic!("{s:?} -> {local:?} does not parse: {e}"));
        assert_eq!(again.local_form(), local);
    }
});
