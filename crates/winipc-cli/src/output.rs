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

/// Text for a message: UTF-8 where possible, with non-printable bytes escaped.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .chars()
        .flat_map(char::escape_default)
        .collect()
}
