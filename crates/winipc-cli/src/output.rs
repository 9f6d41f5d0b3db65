//! Shared output helpers: error lines and message rendering.

use std::io;

/// One line describing an error, with its Win32 code.
pub fn describe(e: &io::Error) -> String {
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
