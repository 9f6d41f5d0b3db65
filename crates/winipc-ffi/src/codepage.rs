//! Code pages and the other small kernel32/advapi32 functions that textbook programs call:
//! `MultiByteToWideChar`, `WideCharToMultiByte`, `GetACP`, `GetOEMCP`, `lstrcmpiA/W`,
//! `GetUserNameA/W`, `GetActiveProcessorCount`, `IsDebuggerPresent`, `OutputDebugStringA/W`.
//!
//! The `A` functions of winipc take UTF-8, so the ANSI and OEM code pages are UTF-8 (65001),
//! as on Windows with the "Use Unicode UTF-8 for worldwide language support" setting.

use std::ffi::c_char;

use crate::util::*;

const CP_ACP: u32 = 0;
const CP_OEMCP: u32 = 1;
const CP_THREAD_ACP: u32 = 3;
const CP_UTF8: u32 = 65001;
const MB_PRECOMPOSED: u32 = 0x1;
const MB_ERR_INVALID_CHARS: u32 = 0x8;
const WC_ERR_INVALID_CHARS: u32 = 0x80;
const WC_NO_BEST_FIT_CHARS: u32 = 0x400;
const WC_COMPOSITECHECK: u32 = 0x200;
const WC_DEFAULTCHAR: u32 = 0x40;
const ERROR_INVALID_FLAGS: u32 = 1004;
const ERROR_NO_UNICODE_TRANSLATION: u32 = 1113;

/// `GetACP`: 65001 (`CP_UTF8`), the encoding of every `A` function here.
#[unsafe(no_mangle)]
pub extern "C" fn GetACP() -> u32 {
    CP_UTF8
}

/// `GetOEMCP`: 65001, as `GetACP`.
#[unsafe(no_mangle)]
pub extern "C" fn GetOEMCP() -> u32 {
    CP_UTF8
}

/// The code pages accepted: the ANSI/OEM/thread ones (all UTF-8 here) and UTF-8 itself.
fn utf8_page(cp: u32) -> R<bool> {
    match cp {
        CP_ACP | CP_OEMCP | CP_THREAD_ACP => Ok(false),
        CP_UTF8 => Ok(true),
        _ => Err(invalid_parameter("code page")),
    }
}

/// The input of a conversion: `len` units, or up to and including the terminator for -1.
///
/// # Safety
/// `p` NULL or valid for `len` units (NUL-terminated when `len` is -1).
unsafe fn input<'a, T: Copy + Default + PartialEq>(p: *const T, len: i32) -> R<&'a [T]> {
    if p.is_null() || len == 0 || len < -1 {
        return Err(invalid_parameter("input"));
    }
    let n = if len == -1 {
        terminated_len(p).ok_or_else(noaccess)? + 1
    } else {
        len as usize
    };
    if !readable(p.cast(), n * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: readable for `n` units (checked), valid per the caller.
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// Stores `units` in `out` (capacity `cap`; 0 = only the size wanted) and returns their count.
///
/// # Safety
/// `out` valid for `cap` units when `cap` > 0.
unsafe fn output<T: Copy>(units: &[T], out: *mut T, cap: i32) -> R<i32> {
    if cap < 0 {
        return Err(invalid_parameter("output size"));
    }
    if cap == 0 {
        return Ok(units.len() as i32);
    }
    if units.len() > cap as usize {
        return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
    }
    if out.is_null() || !writable(out.cast(), std::mem::size_of_val(units)) {
        return Err(noaccess());
    }
    // SAFETY: `out` holds cap >= units.len() units (checked).
    unsafe { std::ptr::copy_nonoverlapping(units.as_ptr(), out, units.len()) };
    Ok(units.len() as i32)
}

/// # Safety
/// `mb` valid for `cb` bytes (NUL-terminated when -1); `wc` valid for `cch` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MultiByteToWideChar(
    cp: u32,
    flags: u32,
    mb: *const c_char,
    cb: i32,
    wc: *mut WCHAR,
    cch: i32,
) -> i32 {
    ffi(0, || {
        let allowed = if utf8_page(cp)? {
            MB_ERR_INVALID_CHARS
        } else {
            MB_ERR_INVALID_CHARS | MB_PRECOMPOSED
        };
        if flags & !allowed != 0 {
            return Err(Fail(ERROR_INVALID_FLAGS));
        }
        // SAFETY: the caller's contract.
        let bytes = unsafe { input(mb.cast::<u8>(), cb) }?;
        let text = match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) if flags & MB_ERR_INVALID_CHARS != 0 => {
                return Err(Fail(ERROR_NO_UNICODE_TRANSLATION));
            }
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let units: Vec<u16> = text.encode_utf16().collect();
        // SAFETY: the caller's contract.
        unsafe { output(&units, wc, cch) }
    })
}

/// # Safety
/// `wc` valid for `cch` units (NUL-terminated when -1); `mb` valid for `cb` bytes;
/// `default_char` and `used_default` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WideCharToMultiByte(
    cp: u32,
    flags: u32,
    wc: *const WCHAR,
    cch: i32,
    mb: *mut c_char,
    cb: i32,
    default_char: *const c_char,
    used_default: *mut BOOL,
) -> i32 {
    ffi(0, || {
        if utf8_page(cp)? {
            if flags & !WC_ERR_INVALID_CHARS != 0 {
                return Err(Fail(ERROR_INVALID_FLAGS));
            }
            // UTF-8 has no default character (Windows: ERROR_INVALID_PARAMETER).
            if !default_char.is_null() || !used_default.is_null() {
                return Err(invalid_parameter("default character with CP_UTF8"));
            }
        } else if flags
            & !(WC_ERR_INVALID_CHARS | WC_NO_BEST_FIT_CHARS | WC_COMPOSITECHECK | WC_DEFAULTCHAR)
            != 0
        {
            return Err(Fail(ERROR_INVALID_FLAGS));
        }
        out_ok(used_default)?;
        // SAFETY: the caller's contract.
        let units = unsafe { input(wc, cch) }?;
        let mut text = String::with_capacity(units.len());
        for c in char::decode_utf16(units.iter().copied()) {
            match c {
                Ok(c) => text.push(c),
                Err(_) if flags & WC_ERR_INVALID_CHARS != 0 => {
                    return Err(Fail(ERROR_NO_UNICODE_TRANSLATION));
                }
                Err(_) => text.push(char::REPLACEMENT_CHARACTER),
            }
        }
        // SAFETY: checked by out_ok; every character has a UTF-8 form.
        unsafe { write_opt(used_default, FALSE) };
        // SAFETY: the caller's contract.
        unsafe { output(text.as_bytes(), mb.cast::<u8>(), cb) }
    })
}

/// Compares case-insensitively: each character folded to lower case, then ordinally.
fn compare_folded(a: Option<String>, b: Option<String>) -> i32 {
    let fold =
        |s: Option<String>| s.map(|s| s.chars().flat_map(char::to_lowercase).collect::<Vec<_>>());
    match fold(a).cmp(&fold(b)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

/// # Safety
/// Each argument NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcmpiA(a: *const c_char, b: *const c_char) -> i32 {
    // SAFETY: the caller's contract.
    let (a, b) = unsafe { (cstr(a), cstr(b)) };
    let s = |v: Option<&[u8]>| v.map(|v| String::from_utf8_lossy(v).into_owned());
    compare_folded(s(a), s(b))
}

/// # Safety
/// Each argument NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcmpiW(a: *const WCHAR, b: *const WCHAR) -> i32 {
    // SAFETY: the caller's contract.
    let (a, b) = unsafe { (wstr(a), wstr(b)) };
    let s = |v: Option<&[u16]>| v.map(String::from_utf16_lossy);
    compare_folded(s(a), s(b))
}

/// The login name of the effective user (from the password database, else the uid).
fn user_name() -> String {
    // SAFETY: geteuid has no preconditions; getpwuid returns NULL or a pointer to static
    // storage, read at once (this library calls it from no other thread at the same time
    // as itself; a program doing so concurrently is racy on Linux as it is with getpwuid).
    unsafe {
        let uid = libc::geteuid();
        let pw = libc::getpwuid(uid);
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            return std::ffi::CStr::from_ptr((*pw).pw_name)
                .to_string_lossy()
                .into_owned();
        }
        uid.to_string()
    }
}

/// `GetUserName`: `*size` in characters including the terminator, in and out.
///
/// # Safety
/// `buf` valid for `*size` units; `size` valid.
unsafe fn get_user_name<T: Copy + Default>(units: &[T], buf: *mut T, size: *mut DWORD) -> R<()> {
    // SAFETY: the caller's contract.
    let cap = unsafe { read_req(size) }? as usize;
    if units.len() + 1 > cap {
        // SAFETY: read above, so valid.
        unsafe { write_req(size, (units.len() + 1) as DWORD) }?;
        return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
    }
    if buf.is_null() || !writable(buf.cast(), (units.len() + 1) * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: `buf` holds cap >= units.len() + 1 units; `size` valid.
    unsafe {
        copy_terminated(buf, cap, units);
        write_req(size, (units.len() + 1) as DWORD)
    }
}

/// # Safety
/// `buf` valid for `*size` bytes; `size` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetUserNameA(buf: *mut c_char, size: *mut DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_user_name(user_name().as_bytes(), buf.cast::<u8>(), size) })
}

/// # Safety
/// `buf` valid for `*size` units; `size` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetUserNameW(buf: *mut WCHAR, size: *mut DWORD) -> BOOL {
    let w: Vec<u16> = user_name().encode_utf16().collect();
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_user_name(&w, buf, size) })
}

/// `GetActiveProcessorCount(group)`: the online processors for group 0 or
/// `ALL_PROCESSOR_GROUPS` (0xFFFF); another group -> 0 + `ERROR_INVALID_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn GetActiveProcessorCount(group: u16) -> DWORD {
    ffi(0, || {
        if group != 0 && group != 0xFFFF {
            return Err(invalid_parameter("processor group"));
        }
        // SAFETY: sysconf has no preconditions.
        let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
        Ok(n.max(1) as DWORD)
    })
}

/// `IsDebuggerPresent`: TRUE while a tracer (gdb, strace) is attached (`TracerPid` of
/// `/proc/self/status` not 0).
#[unsafe(no_mangle)]
pub extern "C" fn IsDebuggerPresent() -> BOOL {
    let traced = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("TracerPid:"))
            .is_some_and(|v| v.trim() != "0")
    });
    BOOL::from(traced)
}

/// `OutputDebugString`: the string goes to the debugger; without one, as on Windows, nowhere.
/// Set `WINIPC_DEBUG_OUTPUT=1` to see it on standard error (the debugger's console).
fn debug_output(s: &str) {
    if std::env::var_os("WINIPC_DEBUG_OUTPUT").is_some_and(|v| v == "1") {
        eprint!("{s}");
    }
}

/// # Safety
/// `s` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OutputDebugStringA(s: *const c_char) {
    // SAFETY: the caller's contract.
    if let Some(b) = unsafe { cstr(s) } {
        debug_output(&String::from_utf8_lossy(b));
    }
}

/// # Safety
/// `s` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OutputDebugStringW(s: *const WCHAR) {
    // SAFETY: the caller's contract.
    if let Some(w) = unsafe { wstr(s) } {
        debug_output(&String::from_utf16_lossy(w));
    }
}

/// `CPINFO`.
#[repr(C)]
#[derive(Clone, Copy)]
struct CpInfo {
    max_char_size: u32,
    default_char: [u8; 2],
    lead_byte: [u8; 12],
}

/// `GetCPInfo`: UTF-8's figures (4 bytes at most, `?` as the default character, no DBCS lead
/// byte ranges) for the code pages accepted (`CP_ACP`, `CP_OEMCP`, `CP_THREAD_ACP`,
/// `CP_UTF8`); others -> `ERROR_INVALID_PARAMETER`; NULL -> `ERROR_NOACCESS`.
///
/// # Safety
/// `info` NULL or valid for a `CPINFO` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetCPInfo(cp: u32, info: *mut std::ffi::c_void) -> BOOL {
    ffi_bool(|| {
        utf8_page(cp)?;
        let v = CpInfo {
            max_char_size: 4,
            default_char: [b'?', 0],
            lead_byte: [0; 12],
        };
        // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
        unsafe { write_req(info.cast::<CpInfo>(), v) }
    })
}

/// `IsValidCodePage`: TRUE for 65001 (UTF-8), the only code page converted here.
#[unsafe(no_mangle)]
pub extern "C" fn IsValidCodePage(cp: u32) -> BOOL {
    BOOL::from(cp == CP_UTF8)
}
