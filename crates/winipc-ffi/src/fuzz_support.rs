//! Support for this crate's fuzz targets (`crates/winipc-ffi/fuzz`): the command-line
//! parsers, which take text from the program (and, in a child, from its parent). Not part of
//! the C ABI.

/// Splits a command line as `CreateProcess`'s child sees it (the 2008+ C runtime's rules).
pub fn split_command_line(s: &str) -> Vec<String> {
    crate::process::split_command_line(s)
}

/// Quotes one argument so that [`split_command_line`] gives it back.
pub fn quote_arg(a: &str) -> String {
    crate::process::quote_arg(a)
}

/// `CommandLineToArgvW`'s splitting (shell32's rules), on UTF-16 units.
pub fn shell_split(s: &[u16]) -> Vec<Vec<u16>> {
    crate::process::shell_split(s)
}

/// `GetDateFormat`'s picture formatting of a valid date (from `seed`) through any picture.
pub fn format_date(seed: u64, picture: &str) -> String {
    crate::datefmt::fuzz_date(seed, picture)
}

/// `GetTimeFormat`'s picture formatting of a valid time (from `seed`) through any picture,
/// with any `TIME_*` flags.
pub fn format_time(seed: u64, picture: &str, flags: u32) -> String {
    crate::datefmt::fuzz_time(seed, picture, flags)
}
