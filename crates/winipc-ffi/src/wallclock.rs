//! Wall-clock time and the performance counter: `GetSystemTime`, `GetLocalTime`,
//! `GetSystemTimeAsFileTime`, `FileTimeToSystemTime`, `SystemTimeToFileTime`,
//! `QueryPerformanceCounter`, `QueryPerformanceFrequency`, `GetTimeZoneInformation` and the
//! conversions between UTC and a zone's wall time.
//!
//! A `FILETIME` counts 100 ns intervals since 1601-01-01 UTC; a `SYSTEMTIME` is the broken-down
//! Gregorian date (proleptic before 1582, as on Windows). The calendar arithmetic is pure
//! ([`days_from_civil`], [`civil_from_days`]: Howard Hinnant's algorithms).

use crate::util::*;

/// `SYSTEMTIME`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemTime {
    pub(crate) year: u16,
    pub(crate) month: u16,
    pub(crate) day_of_week: u16,
    pub(crate) day: u16,
    pub(crate) hour: u16,
    pub(crate) minute: u16,
    pub(crate) second: u16,
    pub(crate) milliseconds: u16,
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
pub(crate) fn system_time_of_ticks(ticks: u64) -> SystemTime {
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
pub(crate) fn ticks_of_system_time(st: &SystemTime) -> Option<u64> {
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
    // SAFETY: the caller's contract.
    unsafe { write_opt(st, local_now()) };
}

/// Now, in the local time zone.
pub(crate) fn local_now() -> SystemTime {
    let utc = now_ticks();
    let secs = (utc - UNIX_EPOCH_AS_FILETIME) as i64 / 10_000_000;
    let local = utc as i64 + local_offset(secs) * 10_000_000;
    system_time_of_ticks(local.max(0) as u64)
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

/// `GetSystemTimePreciseAsFileTime`: the same clock as `GetSystemTimeAsFileTime`, which here
/// already has 100 ns resolution.
///
/// # Safety
/// `ft` NULL or valid for a `FILETIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemTimePreciseAsFileTime(ft: *mut FileTime) {
    // SAFETY: the caller's contract.
    unsafe { write_opt(ft, FileTime::of_ticks(now_ticks())) };
}

/// `QueryUnbiasedInterruptTime`: 100 ns units of `CLOCK_MONOTONIC` (which, like the unbiased
/// interrupt time, does not count suspended time).
///
/// # Safety
/// `t` valid for a `ULONGLONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryUnbiasedInterruptTime(t: *mut u64) -> BOOL {
    // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
    ffi_bool(|| unsafe { write_req(t, winipc_sys::time::monotonic_ns() / 100) })
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

// ---- time zone -----------------------------------------------------------------------------

/// `TIME_ZONE_INFORMATION`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TimeZoneInformation {
    bias: i32,
    standard_name: [u16; 32],
    standard_date: SystemTime,
    standard_bias: i32,
    daylight_name: [u16; 32],
    daylight_date: SystemTime,
    daylight_bias: i32,
}

const TIME_ZONE_ID_UNKNOWN: DWORD = 0;
const TIME_ZONE_ID_STANDARD: DWORD = 1;
const TIME_ZONE_ID_DAYLIGHT: DWORD = 2;
const TIME_ZONE_ID_INVALID: DWORD = 0xFFFF_FFFF;

/// The local zone at `secs`: (UTC offset in seconds, daylight saving, abbreviation).
fn zone_at(secs: i64) -> (i64, bool, String) {
    let t = secs as libc::time_t;
    // SAFETY: all-zero is a valid `tm`; localtime_r writes it and reads `t`.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to `t` and `tm`; localtime_r is thread-safe.
    if unsafe { libc::localtime_r(&t, &mut tm) }.is_null() {
        return (0, false, "UTC".to_owned());
    }
    let name = if tm.tm_zone.is_null() {
        String::new()
    } else {
        // SAFETY: glibc's tm_zone points to a NUL-terminated abbreviation that lives as long
        // as the zone data (never freed while the process runs).
        unsafe { std::ffi::CStr::from_ptr(tm.tm_zone) }
            .to_string_lossy()
            .into_owned()
    };
    (tm.tm_gmtoff, tm.tm_isdst > 0, name)
}

/// The first second at or after which the zone's daylight flag is `to`, searched in
/// `(from, until]` (the flag is `!to` at `from`), to the second.
fn transition(mut from: i64, mut until: i64, to: bool) -> i64 {
    while until - from > 1 {
        let mid = from + (until - from) / 2;
        if zone_at(mid).1 == to {
            until = mid;
        } else {
            from = mid;
        }
    }
    until
}

/// A transition instant as Windows' yearly rule: the local wall time it happens at (in the
/// offset in force *before* it), with `wDay` the week of the month (5 = the last).
fn rule_of(instant: i64, offset_before: i64) -> SystemTime {
    let local = instant + offset_before;
    let days = local.div_euclid(86_400);
    let in_day = local.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let week = if d + 7 > days_in_month(y, m) {
        5
    } else {
        (d - 1) / 7 + 1
    };
    SystemTime {
        year: 0,
        month: m as u16,
        day_of_week: (days + 4).rem_euclid(7) as u16,
        day: week as u16,
        hour: (in_day / 3600) as u16,
        minute: (in_day / 60 % 60) as u16,
        second: 0,
        milliseconds: 0,
    }
}

fn utf16_name(s: &str) -> [u16; 32] {
    let mut out = [0u16; 32];
    for (o, u) in out.iter_mut().take(31).zip(s.encode_utf16()) {
        *o = u;
    }
    out
}

/// The local zone's rules for the current year: its standard offset, its daylight-saving
/// transitions found by looking at the zone hour by hour (to the second at each change), and
/// which of the two is in force now.
fn time_zone_information() -> (TimeZoneInformation, DWORD) {
    unsafe extern "C" {
        /// POSIX `tzset` (the `libc` crate does not bind it).
        fn tzset();
    }
    // SAFETY: tzset re-reads TZ; it only touches libc's zone state.
    unsafe { tzset() };
    let now = ((now_ticks() - UNIX_EPOCH_AS_FILETIME) / 10_000_000) as i64;
    let (now_off, now_dst, now_name) = zone_at(now);
    let (year, _, _) = civil_from_days((now + now_off).div_euclid(86_400));
    let start = days_from_civil(year, 1, 1) * 86_400 - 14 * 3600;
    let end = days_from_civil(year + 1, 1, 1) * 86_400 + 14 * 3600;
    let mut std_zone: Option<(i64, String)> = None;
    let mut dst_zone: Option<(i64, String)> = None;
    let (mut on, mut off) = (None, None);
    let mut prev = zone_at(start);
    let mut t = start;
    while t < end {
        let next = zone_at(t + 3600);
        let which = if next.1 { &mut dst_zone } else { &mut std_zone };
        which.get_or_insert_with(|| (next.0, next.2.clone()));
        if next.1 != prev.1 {
            let at = transition(t, t + 3600, next.1);
            if next.1 {
                on.get_or_insert(rule_of(at, prev.0));
            } else {
                off.get_or_insert(rule_of(at, prev.0));
            }
        }
        prev = next;
        t += 3600;
    }
    let (std_off, std_name) = std_zone.unwrap_or((now_off, now_name.clone()));
    let mut tzi = TimeZoneInformation {
        bias: (-std_off / 60) as i32,
        standard_name: utf16_name(&std_name),
        standard_date: SystemTime::default(),
        standard_bias: 0,
        daylight_name: utf16_name(&std_name),
        daylight_date: SystemTime::default(),
        daylight_bias: 0,
    };
    let (Some(on), Some(off), Some((dst_off, dst_name))) = (on, off, dst_zone) else {
        return (tzi, TIME_ZONE_ID_UNKNOWN);
    };
    tzi.daylight_name = utf16_name(&dst_name);
    tzi.daylight_date = on;
    tzi.standard_date = off;
    tzi.daylight_bias = (-(dst_off - std_off) / 60) as i32;
    let id = if now_dst {
        TIME_ZONE_ID_DAYLIGHT
    } else {
        TIME_ZONE_ID_STANDARD
    };
    (tzi, id)
}

/// `GetTimeZoneInformation`: the local zone (`TZ`, else `/etc/localtime`) as Windows describes
/// it: `Bias` in minutes (UTC = local + bias), the zone abbreviations as names, and this year's
/// daylight-saving transitions as yearly rules. `TIME_ZONE_ID_UNKNOWN` for a zone without
/// daylight saving, else `TIME_ZONE_ID_STANDARD` or `_DAYLIGHT` for the one in force now.
///
/// # Safety
/// `tzi` valid for a `TIME_ZONE_INFORMATION` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTimeZoneInformation(tzi: *mut TimeZoneInformation) -> DWORD {
    ffi(TIME_ZONE_ID_INVALID, || {
        out_ok(tzi)?;
        if tzi.is_null() {
            return Err(noaccess());
        }
        let (info, id) = time_zone_information();
        // SAFETY: the caller's contract (checked writable above).
        unsafe { write_opt(tzi, info) };
        Ok(id)
    })
}

/// Seconds since 1970 of a `SYSTEMTIME`'s wall time (validated as `SystemTimeToFileTime`
/// does).
fn secs_of(st: &SystemTime) -> Option<i64> {
    let t = ticks_of_system_time(st)?;
    Some(((t - t % 10_000_000) as i64 - UNIX_EPOCH_AS_FILETIME as i64) / 10_000_000)
}

/// The wall time (seconds since 1970, in the offset the rule is written in) at which yearly
/// rule `r` falls in `year`: the `wDay`-th `wDayOfWeek` of `wMonth` (5 = the last), or the
/// date itself for a rule with a year.
fn rule_wall_secs(r: &SystemTime, year: i64) -> Option<i64> {
    if r.year != 0 {
        return secs_of(&SystemTime {
            milliseconds: 0,
            ..*r
        });
    }
    let m = u32::from(r.month);
    if !(1..=12).contains(&m) || !(1..=5).contains(&r.day) || r.day_of_week > 6 {
        return None;
    }
    let first = days_from_civil(year, m, 1);
    let first_dow = (first + 4).rem_euclid(7);
    let mut day =
        1 + (i64::from(r.day_of_week) - first_dow).rem_euclid(7) + 7 * (i64::from(r.day) - 1);
    while day > i64::from(days_in_month(year, m)) {
        day -= 7;
    }
    Some(
        (first + day - 1) * 86_400
            + i64::from(r.hour) * 3600
            + i64::from(r.minute) * 60
            + i64::from(r.second),
    )
}

/// The bias in force (minutes, UTC = local + bias) at UTC second `utc` under zone `z`.
fn bias_at(z: &TimeZoneInformation, utc: i64) -> Option<i64> {
    let bias = i64::from(z.bias);
    if z.daylight_date.month == 0 || z.standard_date.month == 0 {
        return Some(bias + i64::from(z.standard_bias));
    }
    let year = civil_from_days((utc - bias * 60).div_euclid(86_400)).0;
    // DaylightDate is standard wall time, StandardDate daylight wall time.
    let start = rule_wall_secs(&z.daylight_date, year)? + (bias + i64::from(z.standard_bias)) * 60;
    let end = rule_wall_secs(&z.standard_date, year)? + (bias + i64::from(z.daylight_bias)) * 60;
    let daylight = if start < end {
        start <= utc && utc < end
    } else {
        !(end <= utc && utc < start)
    };
    Some(
        bias + i64::from(if daylight {
            z.daylight_bias
        } else {
            z.standard_bias
        }),
    )
}

fn system_time_of_secs(secs: i64, ms: u16) -> Option<SystemTime> {
    let ticks =
        u64::try_from(secs.checked_mul(10_000_000)? + UNIX_EPOCH_AS_FILETIME as i64).ok()?;
    let mut st = system_time_of_ticks(ticks);
    st.milliseconds = ms;
    Some(st)
}

/// `SystemTimeToTzSpecificLocalTime`: UTC to the wall time of zone `tzi` (its bias and yearly
/// rules), or with `NULL` of the local zone (as `GetLocalTime` sees it).
///
/// # Safety
/// `tzi` NULL or valid for reading a `TIME_ZONE_INFORMATION`; `utc` and `local` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SystemTimeToTzSpecificLocalTime(
    tzi: *const TimeZoneInformation,
    utc: *const SystemTime,
    local: *mut SystemTime,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let u = unsafe { read_req(utc) }?;
        let t = secs_of(&u).ok_or_else(|| invalid_parameter("SYSTEMTIME out of range"))?;
        let offset = if tzi.is_null() {
            local_offset(t)
        } else {
            // SAFETY: the caller's contract.
            let z = unsafe { read_req(tzi) }?;
            -bias_at(&z, t).ok_or_else(|| invalid_parameter("time zone rule"))? * 60
        };
        let st = system_time_of_secs(t + offset, u.milliseconds)
            .ok_or_else(|| invalid_parameter("SYSTEMTIME out of range"))?;
        // SAFETY: the caller's contract.
        unsafe { write_req(local, st) }
    })
}

/// `TzSpecificLocalTimeToSystemTime`: the inverse. A wall time that occurs twice (the hour
/// daylight saving ends) is taken in standard time, one that does not occur (the hour it
/// begins) with the offset before the change.
///
/// # Safety
/// As `SystemTimeToTzSpecificLocalTime`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TzSpecificLocalTimeToSystemTime(
    tzi: *const TimeZoneInformation,
    local: *const SystemTime,
    utc: *mut SystemTime,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let l = unsafe { read_req(local) }?;
        let w = secs_of(&l).ok_or_else(|| invalid_parameter("SYSTEMTIME out of range"))?;
        let z = if tzi.is_null() {
            None
        } else {
            // SAFETY: the caller's contract.
            Some(unsafe { read_req(tzi) }?)
        };
        // The offset in force at a UTC instant, in seconds east of UTC.
        let offset_at = |t: i64| -> R<i64> {
            Ok(match &z {
                None => local_offset(t),
                Some(z) => -bias_at(z, t).ok_or_else(|| invalid_parameter("time zone rule"))? * 60,
            })
        };
        // Try the offset of a day before and a day after: one of them is right unless the
        // wall time falls in a change's gap or overlap.
        let (a, b) = (offset_at(w - 86_400)?, offset_at(w + 86_400)?);
        let candidates = [a.min(b), a.max(b)];
        let t = candidates
            .iter()
            .map(|off| w - off)
            .find(|&t| offset_at(t).is_ok_and(|o| t + o == w))
            .unwrap_or(w - a);
        let st = system_time_of_secs(t, l.milliseconds)
            .ok_or_else(|| invalid_parameter("SYSTEMTIME out of range"))?;
        // SAFETY: the caller's contract.
        unsafe { write_req(utc, st) }
    })
}

#[cfg(test)]
mod zone_tests {
    use super::*;

    #[test]
    fn rules_name_the_week_of_the_month() {
        // 2026-03-29 01:00 UTC (the last Sunday of March), seen at UTC+1: 02:00.
        let t = days_from_civil(2026, 3, 29) * 86_400 + 3600;
        let r = rule_of(t, 3600);
        assert_eq!((r.month, r.day_of_week, r.day, r.hour), (3, 0, 5, 2));
        // 2026-03-08 (the second Sunday) 10:00 UTC at UTC-8: 02:00.
        let t = days_from_civil(2026, 3, 8) * 86_400 + 10 * 3600;
        let r = rule_of(t, -8 * 3600);
        assert_eq!((r.month, r.day_of_week, r.day, r.hour), (3, 0, 2, 2));
    }
}
