//! Shared output helpers: error lines and message rendering.

use std::io;

/// An error whose text is already complete (usage errors, errors with context).
#[derive(Debug)]
pub struct Msg(pub String);

impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Msg {}

/// An error printed as `text` alone.
pub fn msg(text: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, Msg(text.into()))
}

/// `e` with `what` in front.
pub fn context(e: io::Error, what: &str) -> io::Error {
    io::Error::new(e.kind(), Msg(format!("{what}: {}", describe(&e))))
}

/// One line describing an error, with its Win32 code.
pub fn describe(e: &io::Error) -> String {
    if let Some(m) = e.get_ref().and_then(|i| i.downcast_ref::<Msg>()) {
        return m.0.clone();
    }
    let code = winipc::Error::win32_code_of(e);
    match winipc::Error::from_io(e) {
        Some(inner) => format!("{inner} (Win32 error {code})"),
        None => format!("{e} (Win32 error {code})"),
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Text for a message: UTF-8 (invalid sequences as U+FFFD), with only control characters
/// escaped (see [`escape_controls`]); `--hex` and `--json` give the exact bytes.
pub fn text(bytes: &[u8]) -> String {
    escape_controls(&String::from_utf8_lossy(bytes))
}

/// `s` for a terminal: every character as it is, except those that would move the cursor,
/// reorder or hide text — C0/C1 controls (`\n`, `\t`, `\u{1b}`, …), bidirectional overrides
/// and zero-width characters, line/paragraph separators — which are written as Rust escapes.
pub fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let hidden = c.is_control()
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}');
        if hidden {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_control_characters_are_escaped() {
        assert_eq!(text("héllo wörld ✓ 日本".as_bytes()), "héllo wörld ✓ 日本");
        assert_eq!(text(b"a\tb\nc\x1b[31m"), "a\\tb\\nc\\u{1b}[31m");
        assert_eq!(text(r"C:\temp".as_bytes()), r"C:\temp");
        assert_eq!(
            text("x\u{202e}y\u{200b}".as_bytes()),
            "x\\u{202e}y\\u{200b}"
        );
        assert_eq!(text(&[0x66, 0xff, 0x6f]), "f\u{fffd}o");
    }
}
