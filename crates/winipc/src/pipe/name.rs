//! Pipe names: `\\.\pipe\<name>`, case-insensitive, at most [`MAX_PIPE_NAME`] characters.

use crate::error::{Error, Result};

/// Longest pipe name, in characters (`\\.\pipe\` included), as on Windows.
pub(crate) const MAX_PIPE_NAME: usize = 256;

/// Checks a pipe name and returns its canonical (lower-case) form, which names the pipe.
///
/// - `\\.\pipe\` (any case) must start it, and something must follow;
/// - `\\server\pipe\x` names a remote pipe: not supported (`ERROR_BAD_NETPATH`);
/// - anything else, NUL characters and names over 256 characters are `ERROR_INVALID_NAME`.
pub(crate) fn parse(full: &str) -> Result<String> {
    const PREFIX: &str = r"\\.\pipe\";
    // Counted as Windows counts it: in UTF-16 units.
    if full.encode_utf16().count() > MAX_PIPE_NAME {
        return Err(Error::InvalidName("pipe names are at most 256 characters"));
    }
    if full.contains('\0') {
        return Err(Error::InvalidName("a pipe name cannot contain NUL"));
    }
    let lower = full.to_lowercase();
    let Some(rest) = lower.strip_prefix(PREFIX) else {
        let remote = lower
            .strip_prefix(r"\\")
            .and_then(|r| r.split_once('\\'))
            .is_some_and(|(host, tail)| {
                tail.starts_with(r"pipe\") && !host.is_empty() && host != "." && host != "?"
            });
        if remote {
            return Err(Error::BadNetPath("remote pipes are not supported"));
        }
        return Err(Error::InvalidName(r"a pipe name starts with \\.\pipe\"));
    };
    if rest.is_empty() {
        return Err(Error::InvalidName("empty pipe name"));
    }
    Ok(lower)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code;

    #[test]
    fn names_are_checked_and_folded() {
        assert_eq!(parse(r"\\.\PIPE\Foo\Bar").unwrap(), r"\\.\pipe\foo\bar");
        let bad = |s: &str| parse(s).unwrap_err().win32_code();
        assert_eq!(bad(r"\\.\pipe\"), code::ERROR_INVALID_NAME);
        assert_eq!(bad("pipe"), code::ERROR_INVALID_NAME);
        assert_eq!(bad(r"\\.\mailslot\x"), code::ERROR_INVALID_NAME);
        assert_eq!(bad("\\\\.\\pipe\\a\0b"), code::ERROR_INVALID_NAME);
        assert_eq!(bad(r"\\host\pipe\x"), code::ERROR_BAD_NETPATH);
        let long = format!(r"\\.\pipe\{}", "x".repeat(MAX_PIPE_NAME - 9));
        assert!(parse(&long).is_ok());
        assert_eq!(bad(&format!("{long}x")), code::ERROR_INVALID_NAME);
    }
}
