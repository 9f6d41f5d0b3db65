//! `GetDateFormat` and `GetTimeFormat`: a `SYSTEMTIME` through a Windows picture string
//! (`dddd, MMMM d, yyyy`, `hh:mm:ss tt`, quoted literals), or through the default formats of
//! the one locale winipc has, English (United States).

use std::ffi::c_char;

use crate::env::{Unit, text_arg};
use crate::util::*;
use crate::wallclock::{SystemTime, local_now, system_time_of_ticks, ticks_of_system_time};

const ERROR_INVALID_FLAGS: u32 = 1004;

const DATE_SHORTDATE: DWORD = 0x1;
const DATE_LONGDATE: DWORD = 0x2;
const DATE_YEARMONTH: DWORD = 0x8;
/// Flags that change nothing here: `LOCALE_NOUSEROVERRIDE`, `LOCALE_USE_CP_ACP`,
/// `DATE_USE_ALT_CALENDAR`, `DATE_LTRREADING`, `DATE_RTLREADING`, `DATE_AUTOLAYOUT`.
const DATE_HARMLESS: DWORD = 0x8000_0000 | 0x4000_0000 | 0x4 | 0x10 | 0x20 | 0x40;

const TIME_NOMINUTESORSECONDS: DWORD = 0x1;
const TIME_NOSECONDS: DWORD = 0x2;
const TIME_NOTIMEMARKER: DWORD = 0x4;
const TIME_FORCE24HOURFORMAT: DWORD = 0x8;
const TIME_HARMLESS: DWORD = 0x8000_0000 | 0x4000_0000;

const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// One piece of a picture string: a run of one pattern letter, or literal text.
#[derive(Debug, PartialEq)]
enum Piece {
    Field(char, usize),
    Text(String),
}

/// Splits a picture: runs of the letters that are fields in `fields`, quoted literals (`''`
/// is a quote), and everything else as text.
fn pieces(picture: &str, fields: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut chars = picture.chars().peekable();
    let mut text = String::new();
    while let Some(c) = chars.next() {
        if c == '\'' {
            while let Some(q) = chars.next() {
                if q == '\'' {
                    if chars.peek() == Some(&'\'') {
                        chars.next();
                        text.push('\'');
                    } else {
                        break;
                    }
                } else {
                    text.push(q);
                }
            }
        } else if fields.contains(c) {
            let mut n = 1;
            while chars.peek() == Some(&c) {
                chars.next();
                n += 1;
            }
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Field(c, n));
        } else {
            text.push(c);
        }
    }
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

fn format_date(st: &SystemTime, picture: &str) -> String {
    let mut s = String::new();
    for p in pieces(picture, "dMyg") {
        match p {
            Piece::Text(t) => s.push_str(&t),
            Piece::Field('d', 1) => s.push_str(&st.day.to_string()),
            Piece::Field('d', 2) => s.push_str(&format!("{:02}", st.day)),
            Piece::Field('d', 3) => s.push_str(&DAYS[usize::from(st.day_of_week) % 7][..3]),
            Piece::Field('d', _) => s.push_str(DAYS[usize::from(st.day_of_week) % 7]),
            Piece::Field('M', 1) => s.push_str(&st.month.to_string()),
            Piece::Field('M', 2) => s.push_str(&format!("{:02}", st.month)),
            Piece::Field('M', 3) => s.push_str(&MONTHS[usize::from(st.month - 1)][..3]),
            Piece::Field('M', _) => s.push_str(MONTHS[usize::from(st.month - 1)]),
            Piece::Field('y', 1) => s.push_str(&(st.year % 100).to_string()),
            Piece::Field('y', 2) => s.push_str(&format!("{:02}", st.year % 100)),
            Piece::Field('y', _) => s.push_str(&st.year.to_string()),
            Piece::Field(_, _) => s.push_str("A.D."), // g, gg: the era
        }
    }
    s
}

/// Removes from a time picture the fields `drop` names, each with the separator text before
/// it (so `h:mm:ss tt` without seconds is `h:mm tt`).
fn without(pieces: Vec<Piece>, drop: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        if let Piece::Field(c, _) = p
            && drop.contains(c)
        {
            if matches!(out.last(), Some(Piece::Text(_))) && out.len() > 1 {
                out.pop();
            }
            continue;
        }
        out.push(p);
    }
    out
}

fn format_time(st: &SystemTime, picture: &str, flags: DWORD) -> String {
    let mut ps = pieces(picture, "hHmst");
    let mut drop = String::new();
    if flags & TIME_NOMINUTESORSECONDS != 0 {
        drop.push_str("ms");
    } else if flags & TIME_NOSECONDS != 0 {
        drop.push('s');
    }
    if flags & TIME_NOTIMEMARKER != 0 {
        drop.push('t');
    }
    if !drop.is_empty() {
        ps = without(ps, &drop);
    }
    let h12 = match st.hour % 12 {
        0 => 12,
        h => h,
    };
    let marker = if st.hour < 12 { "AM" } else { "PM" };
    let mut s = String::new();
    for p in ps {
        match p {
            Piece::Text(t) => s.push_str(&t),
            Piece::Field('h', n) if flags & TIME_FORCE24HOURFORMAT == 0 => s.push_str(&if n == 1 {
                h12.to_string()
            } else {
                format!("{h12:02}")
            }),
            Piece::Field('h' | 'H', 1) => s.push_str(&st.hour.to_string()),
            Piece::Field('h' | 'H', _) => s.push_str(&format!("{:02}", st.hour)),
            Piece::Field('m', 1) => s.push_str(&st.minute.to_string()),
            Piece::Field('m', _) => s.push_str(&format!("{:02}", st.minute)),
            Piece::Field('s', 1) => s.push_str(&st.second.to_string()),
            Piece::Field('s', _) => s.push_str(&format!("{:02}", st.second)),
            Piece::Field(_, 1) => s.push_str(&marker[..1]),
            Piece::Field(_, _) => s.push_str(marker),
        }
    }
    s
}

/// The time to format: the caller's (validated as `SystemTimeToFileTime` does, day of the week
/// recomputed as Windows ignores the given one), or now in the local zone.
///
/// # Safety
/// `st` NULL or valid for reading a `SYSTEMTIME`.
unsafe fn time_arg(st: *const SystemTime, date: bool) -> R<SystemTime> {
    // SAFETY: the caller's contract.
    match unsafe { read_opt(st) } {
        None => Ok(local_now()),
        Some(mut t) => {
            if !date {
                // Only the time fields matter (and must be valid).
                t.year = 2000;
                t.month = 1;
                t.day = 1;
            }
            let ticks = ticks_of_system_time(&t).ok_or_else(|| invalid_parameter("SYSTEMTIME"))?;
            let mut norm = system_time_of_ticks(ticks);
            norm.milliseconds = t.milliseconds;
            Ok(norm)
        }
    }
}

/// Writes `s` as Windows' `GetDateFormat` family does: `cch` 0 asks for the size (with the
/// NUL); a buffer too small is `ERROR_INSUFFICIENT_BUFFER`.
fn put_counted<T: Unit>(buf: *mut T, cch: i32, s: &str) -> R<i32> {
    let units = T::encode(s);
    let need = units.len() + 1;
    if cch == 0 {
        return Ok(need as i32);
    }
    if cch < 0 || buf.is_null() {
        return Err(invalid_parameter("cchDate"));
    }
    if (cch as usize) < need {
        return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
    }
    if !writable(buf.cast(), need * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: checked writable for `need` units.
    unsafe { copy_terminated(buf, need, &units) };
    Ok(need as i32)
}

/// # Safety
/// The pointers satisfy `GetDateFormat`'s contract.
unsafe fn date_format<T: Unit>(
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const T,
    buf: *mut T,
    cch: i32,
) -> i32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let picture = unsafe { text_arg(fmt) }?;
        let kinds = flags & (DATE_SHORTDATE | DATE_LONGDATE | DATE_YEARMONTH);
        if flags & !(kinds | DATE_HARMLESS) != 0
            || kinds.count_ones() > 1
            || (picture.is_some() && kinds != 0)
        {
            return Err(Fail(ERROR_INVALID_FLAGS));
        }
        // SAFETY: the caller's contract.
        let t = unsafe { time_arg(st, true) }?;
        let picture = picture.unwrap_or_else(|| {
            match kinds {
                DATE_LONGDATE => "dddd, MMMM d, yyyy",
                DATE_YEARMONTH => "MMMM yyyy",
                _ => "M/d/yyyy",
            }
            .to_owned()
        });
        put_counted(buf, cch, &format_date(&t, &picture))
    })
}

/// # Safety
/// The pointers satisfy `GetTimeFormat`'s contract.
unsafe fn time_format<T: Unit>(
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const T,
    buf: *mut T,
    cch: i32,
) -> i32 {
    ffi(0, || {
        let known = TIME_NOMINUTESORSECONDS
            | TIME_NOSECONDS
            | TIME_NOTIMEMARKER
            | TIME_FORCE24HOURFORMAT
            | TIME_HARMLESS;
        if flags & !known != 0 {
            return Err(Fail(ERROR_INVALID_FLAGS));
        }
        // SAFETY: the caller's contract.
        let picture = unsafe { text_arg(fmt) }?.unwrap_or_else(|| "h:mm:ss tt".to_owned());
        // SAFETY: the caller's contract.
        let t = unsafe { time_arg(st, false) }?;
        put_counted(buf, cch, &format_time(&t, &picture, flags))
    })
}

/// `GetDateFormatA`: every locale formats as English (United States) does.
///
/// # Safety
/// `st` NULL or a `SYSTEMTIME`; `fmt` NULL or NUL-terminated; `buf` valid for `cch` chars.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDateFormatA(
    _locale: DWORD,
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const c_char,
    buf: *mut c_char,
    cch: i32,
) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { date_format(flags, st, fmt.cast::<u8>(), buf.cast::<u8>(), cch) }
}

/// As `GetDateFormatA`.
///
/// # Safety
/// As `GetDateFormatA`, in WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDateFormatW(
    _locale: DWORD,
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const WCHAR,
    buf: *mut WCHAR,
    cch: i32,
) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { date_format(flags, st, fmt, buf, cch) }
}

/// `GetTimeFormatA`: every locale formats as English (United States) does.
///
/// # Safety
/// As `GetDateFormatA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTimeFormatA(
    _locale: DWORD,
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const c_char,
    buf: *mut c_char,
    cch: i32,
) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { time_format(flags, st, fmt.cast::<u8>(), buf.cast::<u8>(), cch) }
}

/// As `GetTimeFormatA`.
///
/// # Safety
/// As `GetDateFormatW`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTimeFormatW(
    _locale: DWORD,
    flags: DWORD,
    st: *const SystemTime,
    fmt: *const WCHAR,
    buf: *mut WCHAR,
    cch: i32,
) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { time_format(flags, st, fmt, buf, cch) }
}

/// A valid date and time from any `seed` (2000-01-01 plus up to ~100 years), for the fuzz
/// targets.
fn time_of_seed(seed: u64) -> SystemTime {
    let secs = seed % (100 * 366 * 86_400);
    system_time_of_ticks(125_911_584_000_000_000 + secs * 10_000_000)
}

pub(crate) fn fuzz_date(seed: u64, picture: &str) -> String {
    format_date(&time_of_seed(seed), picture)
}

pub(crate) fn fuzz_time(seed: u64, picture: &str, flags: u32) -> String {
    format_time(&time_of_seed(seed), picture, flags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(y: u16, mo: u16, d: u16, h: u16, mi: u16, s: u16) -> SystemTime {
        let st = SystemTime {
            year: y,
            month: mo,
            day_of_week: 0,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            milliseconds: 0,
        };
        system_time_of_ticks(ticks_of_system_time(&st).unwrap())
    }

    #[test]
    fn date_pictures() {
        let st = t(2026, 3, 5, 14, 7, 9);
        assert_eq!(format_date(&st, "M/d/yyyy"), "3/5/2026");
        assert_eq!(
            format_date(&st, "dddd, MMMM d, yyyy"),
            "Thursday, March 5, 2026"
        );
        assert_eq!(format_date(&st, "ddd dd MMM yy"), "Thu 05 Mar 26");
        assert_eq!(
            format_date(&st, "'Today is' dd'.'MM'.' 'it''s' gg"),
            "Today is 05.03. it's A.D."
        );
        assert_eq!(format_date(&st, "y"), "26");
    }

    #[test]
    fn time_pictures_and_flags() {
        let st = t(2026, 3, 5, 14, 7, 9);
        assert_eq!(format_time(&st, "h:mm:ss tt", 0), "2:07:09 PM");
        assert_eq!(format_time(&st, "hh:mm:ss tt", TIME_NOSECONDS), "02:07 PM");
        assert_eq!(
            format_time(&st, "h:mm:ss tt", TIME_NOMINUTESORSECONDS),
            "2 PM"
        );
        assert_eq!(
            format_time(&st, "h:mm:ss tt", TIME_FORCE24HOURFORMAT),
            "14:07:09 PM"
        );
        assert_eq!(format_time(&st, "HH'h'mm", 0), "14h07");
        assert_eq!(format_time(&st, "h:mm:ss tt", TIME_NOTIMEMARKER), "2:07:09");
        let midnight = t(2026, 3, 5, 0, 0, 0);
        assert_eq!(format_time(&midnight, "h:mm t", 0), "12:00 A");
    }
}
