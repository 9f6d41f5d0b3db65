//! Wall-clock time and the performance counter: `GetSystemTime`, `GetLocalTime`,
//! `GetSystemTimeAsFileTime`, `FileTimeToSystemTime`, `SystemTimeToFileTime`,
//! `QueryPerformanceCounter`, `QueryPerformanceFrequency`.
//!
//! A `FILETIME` counts 100 ns intervals since 1601-01-01 UTC; a `SYSTEMTIME` is the broken-down
//! Gregorian date (proleptic before 1582, as on Windows). The calendar arithmetic is pure
//! ([`days_from_civil`], [`civil_from_days`]: Howard Hinnant's algorithms).

use crate::util::*;

/// `SYSTEMTIME`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemTime {
    year: u16,
    month: u16,
    day_of_week: u16,
    day: u16,
    hour: u16,
    minute: u16,
    second: u16,
    milliseconds: u16,
}

/// `FILETIME`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileTime {
    low: u32,
    high: u32,
}

impl FileTime {
    fn of_ticks(t: u64) -> FileTime {
        FileTime {
            low: t as u32,
            high: (t >> 32) as u32,
        }
    }

    fn ticks(self) -> u64 {
        u64::from(self.high) << 32 | u64::from(self.low)
    }
}

/// 100 ns intervals from 1601-01-01 to 1970-01-01.
const UNIX_EPOCH_AS_FILETIME: u64 = 116_444_736_000_000_000;
/// Days from 1601-01-01 to 1970-01-01.
const DAYS_1601_TO_1970: i64 = 134_774;
const TICKS_PER_DAY: u64 = 864_000_000_000;

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = (if mp < 10 { mp + 3 } else { mp - 9 }) as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The `SYSTEMTIME` of a `FILETIME` value (100 ns ticks since 1601).
fn system_time_of_ticks(ticks: u64) -> SystemTime {
    let days = (ticks / TICKS_PER_DAY) as i64 - DAYS_1601_TO_1970;
    let in_day = ticks % TICKS_PER_DAY;
    let (y, m, d) = civil_from_days(days);
    let ms = in_day / 10_000;
    SystemTime {
        year: y as u16,
        month: m as u16,
        // 1970-01-01 was a Thursday; Sunday is 0.
        day_of_week: (days + 4).rem_euclid(7) as u16,
        day: d as u16,
        hour: (ms / 3_600_000) as u16,
        minute: (ms / 60_000 % 60) as u16,
        second: (ms / 1000 % 60) as u16,
        milliseconds: (ms % 1000) as u16,
    }
}

/// The `FILETIME` ticks of a `SYSTEMTIME`, if every field is in range (`wDayOfWeek` is
/// ignored, as on Windows).
fn ticks_of_system_time(st: &SystemTime) -> Option<u64> {
    let y = i64::from(st.year);
    let m = u32::from(st.month);
    let d = u32::from(st.day);
    let valid = (1601..=30827).contains(&y)
        && (1..=12).contains(&m)
        && d >= 1
        && d <= days_in_month(y, m)
        && st.hour < 24
        && st.minute < 60
        && st.second < 60
        && st.milliseconds < 1000;
    if !valid {
        return None;
    }
    let days = (days_from_civil(y, m, d) + DAYS_1601_TO_1970) as u64;
    let ms = ((u64::from(st.hour) * 60 + u64::from(st.minute)) * 60 + u64::from(st.second)) * 1000
        + u64::from(st.milliseconds);
    Some(days * TICKS_PER_DAY + ms * 10_000)
}

fn now_ticks() -> u64 {
    winipc_sys::time::realtime_ns() / 100 + UNIX_EPOCH_AS_FILETIME
}

/// # Safety
/// `st` NULL or valid for a `SYSTEMTIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemTime(st: *mut SystemTime) {
    // SAFETY: the caller's contract (a NULL pointer is skipped, where Windows would fault).
    unsafe { write_opt(st, system_time_of_ticks(now_ticks())) };
}

/// The local time zone's offset from UTC at Unix time `secs`, in seconds east.
pub(crate) fn local_offset(secs: i64) -> i64 {
    let t = secs as libc::time_t;
    // SAFETY: all-zero is a valid `tm`; localtime_r writes it and reads `t`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to `t` and `tm`; localtime_r is thread-safe.
    let ok = unsafe { !libc::localtime_r(&t, &mut tm).is_null() };
    if ok { tm.tm_gmtoff } else { 0 }
}

/// # Safety
/// `st` NULL or valid for a `SYSTEMTIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetLocalTime(st: *mut SystemTime) {
    let utc = now_ticks();
    let secs = (utc - UNIX_EPOCH_AS_FILETIME) as i64 / 10_000_000;
    let local = utc as i64 + local_offset(secs) * 10_000_000;
    // SAFETY: the caller's contract.
    unsafe { write_opt(st, system_time_of_ticks(local.max(0) as u64)) };
}

/// # Safety
/// `ft` NULL or valid for a `FILETIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemTimeAsFileTime(ft: *mut FileTime) {
    // SAFETY: the caller's contract.
    unsafe { write_opt(ft, FileTime::of_ticks(now_ticks())) };
}

/// # Safety
/// `ft` NULL or valid for a `FILETIME` read; `st` NULL or valid for a `SYSTEMTIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FileTimeToSystemTime(ft: *const FileTime, st: *mut SystemTime) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let f = unsafe { read_req(ft) }?;
        let ticks = f.ticks();
        // Windows refuses values with the top bit set (after the year 30828).
        if ticks >= 1 << 63 {
            return Err(invalid_parameter("FILETIME out of range"));
        }
        // SAFETY: the caller's contract.
        unsafe { write_req(st, system_time_of_ticks(ticks)) }
    })
}

/// # Safety
/// `st` NULL or valid for a `SYSTEMTIME` read; `ft` NULL or valid for a `FILETIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SystemTimeToFileTime(st: *const SystemTime, ft: *mut FileTime) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let s = unsafe { read_req(st) }?;
        let t =
            ticks_of_system_time(&s).ok_or_else(|| invalid_parameter("SYSTEMTIME out of range"))?;
        // SAFETY: the caller's contract.
        unsafe { write_req(ft, FileTime::of_ticks(t)) }
    })
}

/// The counter is `CLOCK_MONOTONIC` in nanoseconds.
///
/// # Safety
/// `count` NULL or valid for an 8-byte write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryPerformanceCounter(count: *mut i64) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { write_req(count, winipc_sys::time::monotonic_ns() as i64) })
}

/// Always 1,000,000,000 (the counter counts nanoseconds).
///
/// # Safety
/// `freq` NULL or valid for an 8-byte write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryPerformanceFrequency(freq: *mut i64) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { write_req(freq, 1_000_000_000) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar_round_trips() {
        // Every day from 1601 to 2200, then every 97th to the end of year 30827.
        let first = days_from_civil(1601, 1, 1);
        assert_eq!(first, -DAYS_1601_TO_1970);
        let last = days_from_civil(30827, 12, 31);
        let mut z = first;
        while z <= last {
            let (y, m, d) = civil_from_days(z);
            assert!(
                (1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m),
                "{z}"
            );
            assert_eq!(days_from_civil(y, m, d), z);
            z += if y < 2200 { 1 } else { 97 };
        }
    }

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        let st = system_time_of_ticks(UNIX_EPOCH_AS_FILETIME);
        assert_eq!((st.year, st.month, st.day, st.day_of_week), (1970, 1, 1, 4));
        let st = system_time_of_ticks(0);
        assert_eq!((st.year, st.month, st.day, st.day_of_week), (1601, 1, 1, 1)); // a Monday
        let t = ticks_of_system_time(&SystemTime {
            year: 2026,
            month: 12,
            day: 3,
            hour: 18,
            minute: 13,
            second: 25,
            milliseconds: 7,
            day_of_week: 0,
        })
        .unwrap();
        let back = system_time_of_ticks(t);
        assert_eq!((back.day_of_week, back.hour, back.milliseconds), (4, 18, 7)); // a Thursday
        assert!(
            ticks_of_system_time(&SystemTime {
                year: 2023,
                month: 2,
                day: 29,
                ..back
            })
            .is_none()
        );
    }
}
