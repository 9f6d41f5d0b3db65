//! user32's character functions (`CharUpper`, `CharLower` and their `Buff` forms, `CharNext`,
//! `CharPrev`, `IsCharAlpha`, `IsCharAlphaNumeric`, `IsCharUpper`, `IsCharLower`) and
//! kernel32's `MulDiv`.
//!
//! `A` strings are UTF-8: a code point is changed in place only when its other case has an
//! encoding of the same length (so the string never grows); invalid bytes are left alone.
//! `W` strings are UTF-16: a unit (or surrogate pair) is changed when its other case is one code
//! point of the same length. Case is Unicode's simple mapping (`char::to_uppercase` when it
//! gives one character), not a locale's.

use std::ffi::c_char;

use crate::util::*;

/// The case a conversion goes to.
#[derive(Clone, Copy)]
enum Case {
    Upper,
    Lower,
}

/// The other case of `c`, when it is one code point.
fn convert(c: char, case: Case) -> char {
    fn one(mut it: impl Iterator<Item = char>, c: char) -> char {
        match (it.next(), it.next()) {
            (Some(o), None) => o,
            _ => c,
        }
    }
    match case {
        Case::Upper => one(c.to_uppercase(), c),
        Case::Lower => one(c.to_lowercase(), c),
    }
}

/// Converts the UTF-8 text in place, code point by code point.
fn convert_utf8(buf: &mut [u8], case: Case) {
    let mut i = 0;
    while i < buf.len() {
        let len = match buf[i] {
            0x00..=0x7F => 1,
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        let end = (i + len).min(buf.len());
        let Some(c) = std::str::from_utf8(&buf[i..end])
            .ok()
            .and_then(|s| s.chars().next())
        else {
            i += 1;
            continue;
        };
        let o = convert(c, case);
        if o.len_utf8() == len {
            o.encode_utf8(&mut buf[i..end]);
        }
        i = end;
    }
}

/// Converts the UTF-16 text in place (pairs as one code point; lone surrogates are left).
fn convert_utf16(buf: &mut [u16], case: Case) {
    let mut i = 0;
    while i < buf.len() {
        let take = if (0xD800..0xDC00).contains(&buf[i])
            && buf.get(i + 1).is_some_and(|u| (0xDC00..0xE000).contains(u))
        {
            2
        } else {
            1
        };
        if let Some(Ok(c)) = char::decode_utf16(buf[i..i + take].iter().copied()).next() {
            let o = convert(c, case);
            if o.len_utf16() == take {
                o.encode_utf16(&mut buf[i..i + take]);
            }
        }
        i += take;
    }
}

/// A character passed in the low word of a pointer (its high bits are 0).
fn is_single(p: usize) -> bool {
    p >> 16 == 0
}

/// # Safety
/// `p` is a character in its low word, or a NUL-terminated string that may be written.
unsafe fn case_a(p: *mut c_char, case: Case) -> *mut c_char {
    if is_single(p as usize) {
        let b = p as usize as u8;
        let o = if b < 0x80 {
            convert(char::from(b), case) as u8
        } else {
            b
        };
        return usize::from(o) as *mut c_char;
    }
    // SAFETY: the caller's contract; memory that is not a readable string is left alone.
    if let Ok(Some(s)) = unsafe { checked_cstr(p) } {
        let n = s.len();
        // SAFETY: the caller's contract: the string is the caller's, writable.
        if let Ok(buf) = unsafe { bytes_mut(p.cast(), n) } {
            convert_utf8(buf, case);
        }
    }
    p
}

/// # Safety
/// As [`case_a`], for UTF-16.
unsafe fn case_w(p: *mut WCHAR, case: Case) -> *mut WCHAR {
    if is_single(p as usize) {
        let u = p as usize as u16;
        let mut one = [u];
        convert_utf16(&mut one, case);
        return usize::from(one[0]) as *mut WCHAR;
    }
    // SAFETY: the caller's contract.
    if let Ok(Some(s)) = unsafe { checked_wstr(p) } {
        let n = s.len();
        // SAFETY: the caller's contract: the string is the caller's, writable.
        if let Ok(buf) = unsafe { units_mut(p, n) } {
            convert_utf16(buf, case);
        }
    }
    p
}

/// `CharUpperA`: a string in place (returns it), or one character in the low word.
///
/// # Safety
/// `p` is a character value below 0x10000 or a writable NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharUpperA(p: *mut c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { case_a(p, Case::Upper) }
}

/// # Safety
/// As [`CharUpperA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharLowerA(p: *mut c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { case_a(p, Case::Lower) }
}

/// # Safety
/// As [`CharUpperA`], for `WCHAR`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharUpperW(p: *mut WCHAR) -> *mut WCHAR {
    // SAFETY: the caller's contract.
    unsafe { case_w(p, Case::Upper) }
}

/// # Safety
/// As [`CharUpperA`], for `WCHAR`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharLowerW(p: *mut WCHAR) -> *mut WCHAR {
    // SAFETY: the caller's contract.
    unsafe { case_w(p, Case::Lower) }
}

/// `CharUpperBuffA`/`CharLowerBuffA`: `len` bytes in place (NULs included); returns `len`, or
/// 0 for a buffer that cannot be written.
///
/// # Safety
/// `p` is valid for `len` bytes of reads and writes.
unsafe fn buff_a(p: *mut c_char, len: DWORD, case: Case) -> DWORD {
    // SAFETY: the caller's contract.
    match unsafe { bytes_mut(p.cast(), len as usize) } {
        Ok(buf) => {
            convert_utf8(buf, case);
            len
        }
        Err(_) => 0,
    }
}

/// # Safety
/// `p` is valid for `len` units of reads and writes.
unsafe fn buff_w(p: *mut WCHAR, len: DWORD, case: Case) -> DWORD {
    // SAFETY: the caller's contract.
    match unsafe { units_mut(p, len as usize) } {
        Ok(buf) => {
            convert_utf16(buf, case);
            len
        }
        Err(_) => 0,
    }
}

/// # Safety
/// `p` is valid for `len` bytes of reads and writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharUpperBuffA(p: *mut c_char, len: DWORD) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { buff_a(p, len, Case::Upper) }
}

/// # Safety
/// `p` is valid for `len` bytes of reads and writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharLowerBuffA(p: *mut c_char, len: DWORD) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { buff_a(p, len, Case::Lower) }
}

/// # Safety
/// `p` is valid for `len` units of reads and writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharUpperBuffW(p: *mut WCHAR, len: DWORD) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { buff_w(p, len, Case::Upper) }
}

/// # Safety
/// `p` is valid for `len` units of reads and writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharLowerBuffW(p: *mut WCHAR, len: DWORD) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { buff_w(p, len, Case::Lower) }
}

/// Bytes of the UTF-8 sequence starting with `b` (1 for an invalid lead byte).
fn utf8_len(b: u8) -> usize {
    match b {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// `CharNextA`: the next character (one UTF-8 sequence on); at the terminator, `p` itself.
///
/// # Safety
/// `p` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharNextA(p: *const c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    let Ok(Some(s)) = (unsafe { checked_cstr(p) }) else {
        return p.cast_mut();
    };
    let n = match s.first() {
        None => 0,
        Some(&b) => utf8_len(b).min(s.len()),
    };
    p.wrapping_add(n).cast_mut()
}

/// `CharNextW`: the next character (a surrogate pair is one); at the terminator, `p`.
///
/// # Safety
/// `p` is a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharNextW(p: *const WCHAR) -> *mut WCHAR {
    // SAFETY: the caller's contract.
    let Ok(Some(s)) = (unsafe { checked_wstr(p) }) else {
        return p.cast_mut();
    };
    let n = match s {
        [] => 0,
        [h, l, ..] if (0xD800..0xDC00).contains(h) && (0xDC00..0xE000).contains(l) => 2,
        _ => 1,
    };
    p.wrapping_add(n).cast_mut()
}

/// `CharPrevA(start, current)`: the character before `current`, never before `start`.
///
/// # Safety
/// `start..current` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharPrevA(start: *const c_char, current: *const c_char) -> *mut c_char {
    let len = (current as usize).saturating_sub(start as usize);
    // SAFETY: the caller's contract.
    let Ok(s) = (unsafe { bytes(start.cast(), len) }) else {
        return start.cast_mut();
    };
    let mut i = len.saturating_sub(1);
    while i > 0 && s[i] & 0xC0 == 0x80 && len - i < 4 {
        i -= 1;
    }
    start.wrapping_add(i).cast_mut()
}

/// `CharPrevW(start, current)`.
///
/// # Safety
/// `start..current` is readable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CharPrevW(start: *const WCHAR, current: *const WCHAR) -> *mut WCHAR {
    let len = (current as usize).saturating_sub(start as usize) / 2;
    // SAFETY: the caller's contract.
    let Ok(s) = (unsafe { bytes(start.cast(), len * 2) }) else {
        return start.cast_mut();
    };
    let unit = |i: usize| u16::from_ne_bytes([s[2 * i], s[2 * i + 1]]);
    let mut i = len.saturating_sub(1);
    if i > 0 && (0xDC00..0xE000).contains(&unit(i)) && (0xD800..0xDC00).contains(&unit(i - 1)) {
        i -= 1;
    }
    start.wrapping_add(i).cast_mut()
}

fn class_a(c: c_char, f: fn(char) -> bool) -> BOOL {
    let b = c as u8;
    BOOL::from(b < 0x80 && f(char::from(b)))
}

fn class_w(c: WCHAR, f: fn(char) -> bool) -> BOOL {
    BOOL::from(char::from_u32(u32::from(c)).is_some_and(f))
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharAlphaA(c: c_char) -> BOOL {
    class_a(c, char::is_alphabetic)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharAlphaW(c: WCHAR) -> BOOL {
    class_w(c, char::is_alphabetic)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharAlphaNumericA(c: c_char) -> BOOL {
    class_a(c, char::is_alphanumeric)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharAlphaNumericW(c: WCHAR) -> BOOL {
    class_w(c, char::is_alphanumeric)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharUpperA(c: c_char) -> BOOL {
    class_a(c, char::is_uppercase)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharUpperW(c: WCHAR) -> BOOL {
    class_w(c, char::is_uppercase)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharLowerA(c: c_char) -> BOOL {
    class_a(c, char::is_lowercase)
}

#[unsafe(no_mangle)]
pub extern "C" fn IsCharLowerW(c: WCHAR) -> BOOL {
    class_w(c, char::is_lowercase)
}

/// `MulDiv(a, b, c)`: `a * b / c` with a 64-bit product, rounded half away from zero; -1 when
/// `c` is 0 or the result does not fit in 32 bits (as Windows).
#[unsafe(no_mangle)]
pub extern "C" fn MulDiv(a: i32, b: i32, c: i32) -> i32 {
    if c == 0 {
        return -1;
    }
    let (mut a, mut c) = (i64::from(a), i64::from(c));
    if c < 0 {
        a = -a;
        c = -c;
    }
    let product = a * i64::from(b);
    let r = if product >= 0 {
        (product + c / 2) / c
    } else {
        (product - c / 2) / c
    };
    if r > i64::from(i32::MAX) || r < -i64::from(i32::MAX) {
        -1
    } else {
        r as i32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversion_keeps_lengths() {
        let mut s = *b"abc \xc3\xa9\xc3\x9f \xff z";
        convert_utf8(&mut s, Case::Upper);
        // é -> É (same length); ß -> "SS" would grow: left; an invalid byte is left.
        assert_eq!(&s, b"ABC \xc3\x89\xc3\x9f \xff Z");
        let mut w: Vec<u16> = "h\u{e9}\u{10428}".encode_utf16().collect();
        convert_utf16(&mut w, Case::Upper);
        assert_eq!(String::from_utf16(&w).unwrap(), "H\u{c9}\u{10400}");
    }

    #[test]
    fn muldiv_rounds_and_overflows_as_windows() {
        assert_eq!(MulDiv(10, 3, 4), 8);
        assert_eq!(MulDiv(-10, 3, 4), -8);
        assert_eq!(MulDiv(10, 3, -4), -8);
        assert_eq!(MulDiv(1, 1, 0), -1);
        assert_eq!(MulDiv(i32::MAX, 2, 2), i32::MAX);
        assert_eq!(MulDiv(i32::MAX, 2, 1), -1);
    }
}
