//! Time, last error, `FormatMessage`, `lstr*`, `GetComputerName`, security
//! descriptors.

use std::ffi::{c_char, c_void};
use std::ptr::null_mut;

use std::time::Duration;

use crate::util::*;

// ---- time ----------------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn Sleep(ms: DWORD) {
    let _ = std::panic::catch_unwind(|| match ms {
        0 => std::thread::yield_now(),
        u32::MAX => loop {
            std::thread::sleep(Duration::from_secs(3600));
        },
        _ => std::thread::sleep(Duration::from_millis(u64::from(ms))),
    });
}

fn boottime_ms() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    ts.tv_sec as u64 * 1000 + ts.tv_nsec as u64 / 1_000_000
}

#[unsafe(no_mangle)]
pub extern "C" fn GetTickCount() -> DWORD {
    boottime_ms() as DWORD
}

#[unsafe(no_mangle)]
pub extern "C" fn GetTickCount64() -> u64 {
    boottime_ms()
}

// ---- last error ----------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn GetLastError() -> DWORD {
    last_error()
}

#[unsafe(no_mangle)]
pub extern "C" fn SetLastError(code: DWORD) {
    set_last_error(code);
}

// ---- FormatMessage -------------------------------------------------------------------------

/// Microsoft's English texts for every error code winipc reports or `windows.h` defines.
pub(crate) fn system_message(code: u32) -> Option<&'static str> {
    Some(match code {
        0 => "The operation completed successfully.",
        1 => "Incorrect function.",
        2 => "The system cannot find the file specified.",
        3 => "The system cannot find the path specified.",
        4 => "The system cannot open the file.",
        5 => "Access is denied.",
        6 => "The handle is invalid.",
        8 => "Not enough memory resources are available to process this command.",
        12 => "The access code is invalid.",
        13 => "The data is invalid.",
        14 => "Not enough memory resources are available to complete this operation.",
        17 => "The system cannot move the file to a different disk drive.",
        18 => "There are no more files.",
        24 => "The program issued a command but the command length is incorrect.",
        31 => "A device attached to the system is not functioning.",
        32 => "The process cannot access the file because it is being used by another process.",
        33 => {
            "The process cannot access the file because another process has locked a portion of the file."
        }
        38 => "Reached the end of the file.",
        50 => "The request is not supported.",
        53 => "The network path was not found.",
        80 => "The file exists.",
        87 => "The parameter is incorrect.",
        109 => "The pipe has been ended.",
        112 => "There is not enough space on the disk.",
        111 => "The file name is too long.",
        120 => "This function is not supported on this system.",
        121 => "The semaphore timeout period has expired.",
        122 => "The data area passed to a system call is too small.",
        123 => "The filename, directory name, or volume label syntax is incorrect.",
        145 => "The directory is not empty.",
        158 => "The segment is already unlocked.",
        183 => "Cannot create a file when that file already exists.",
        126 => "The specified module could not be found.",
        127 => "The specified procedure could not be found.",
        131 => "An attempt was made to move the file pointer before the beginning of the file.",
        193 => "%1 is not a valid Win32 application.",
        203 => "The system could not find the environment option that was entered.",
        206 => "The filename or extension is too long.",
        223 => "The file size exceeds the limit allowed and cannot be saved.",
        230 => "The pipe state is invalid.",
        231 => "All pipe instances are busy.",
        232 => "The pipe is being closed.",
        233 => "No process is on the other end of the pipe.",
        234 => "More data is available.",
        259 => "No more data is available.",
        267 => "The directory name is invalid.",
        288 => "Attempt to release mutex not owned by caller.",
        298 => "Too many posts were made to a semaphore.",
        317 => {
            "The system cannot find message text for message number 0x%1 in the message file for %2."
        }
        535 => "There is a process on other end of the pipe.",
        536 => "Waiting for a process to open the other end of the pipe.",
        735 => "{Abandoned wait}",
        995 => {
            "The I/O operation has been aborted because of either a thread exit or an application request."
        }
        996 => "Overlapped I/O event is not in a signaled state.",
        997 => "Overlapped I/O operation is in progress.",
        998 => "Invalid access to memory location.",
        1004 => "Invalid flags.",
        1113 => "No mapping for the Unicode character exists in the target multi-byte code page.",
        1168 => "Element not found.",
        1280 => "The current thread has already been converted to a fiber.",
        1281 => "The current thread has already been converted from a fiber.",
        1368 => "Unable to impersonate using a named pipe until data has been read from that pipe.",
        1392 => "The file or directory is corrupted and unreadable.",
        1460 => "This operation returned because the timeout period expired.",
        1816 => "Not enough quota is available to process this command.",
        _ => return None,
    })
}

const FORMAT_MESSAGE_ALLOCATE_BUFFER: DWORD = 0x100;
const FORMAT_MESSAGE_IGNORE_INSERTS: DWORD = 0x200;
const FORMAT_MESSAGE_FROM_STRING: DWORD = 0x400;
const FORMAT_MESSAGE_FROM_HMODULE: DWORD = 0x800;
const FORMAT_MESSAGE_FROM_SYSTEM: DWORD = 0x1000;
const FORMAT_MESSAGE_ARGUMENT_ARRAY: DWORD = 0x2000;
const FORMAT_MESSAGE_MAX_WIDTH_MASK: DWORD = 0xFF;

/// How an insert's argument is read (`FORMAT_MESSAGE_ARGUMENT_ARRAY` only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Width {
    Narrow,
    Wide,
}

/// Expands a message text: `%0` ends it, `%n` is CR LF, `%r` CR, `%t` tab, `%%` `%`, `% ` /
/// `%.` / `%!` the character; inserts `%1`..`%99` (with an optional `!fmt!`) are copied when
/// `args` is `None` and `ignore` is set, read from the argument array otherwise.
///
/// # Safety
/// `args` (if any) points to enough `DWORD_PTR`s for the inserts used, and string inserts
/// point to NUL-terminated strings of `width`.
pub(crate) unsafe fn expand(
    text: &str,
    ignore: bool,
    args: Option<*const usize>,
    width: Width,
    max_width: DWORD,
) -> R<String> {
    let mut out = String::new();
    let mut it = text.chars().peekable();
    while let Some(ch) = it.next() {
        if ch != '%' {
            if max_width == FORMAT_MESSAGE_MAX_WIDTH_MASK && (ch == '\r' || ch == '\n') {
                // "ignore regular line breaks": one space per break
                if ch == '\n' || it.peek() != Some(&'\n') {
                    out.push(' ');
                }
                continue;
            }
            out.push(ch);
            continue;
        }
        match it.next() {
            None => out.push('%'),
            Some('0') => return Ok(out),
            Some('n') => out.push_str("\r\n"),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(d @ '1'..='9') => {
                let mut n = d.to_digit(10).unwrap_or(1) as usize;
                let mut literal = format!("%{d}");
                if let Some(&d2) = it.peek()
                    && d2.is_ascii_digit()
                {
                    n = n * 10 + d2.to_digit(10).unwrap_or(0) as usize;
                    literal.push(d2);
                    it.next();
                }
                let mut fmt = String::from("s");
                if it.peek() == Some(&'!') {
                    it.next();
                    fmt.clear();
                    for c in it.by_ref() {
                        if c == '!' {
                            break;
                        }
                        fmt.push(c);
                    }
                    literal.push('!');
                    literal.push_str(&fmt);
                    literal.push('!');
                }
                if ignore {
                    out.push_str(&literal);
                    continue;
                }
                let Some(args) = args else {
                    return Err(not_supported("inserts need FORMAT_MESSAGE_ARGUMENT_ARRAY"));
                };
                // SAFETY: the caller's contract: argument n exists.
                let v = unsafe { args.add(n - 1).read() };
                // SAFETY: forwarded contract for string inserts.
                out.push_str(&unsafe { insert(v, &fmt, width) }?);
            }
            Some(c) => out.push(c), // %% % %. %! and anything else: the character itself
        }
    }
    Ok(out)
}

/// Formats one insert (`printf`-like conversion letter; flags, width and precision ignored).
///
/// # Safety
/// For string conversions `v` is NULL or a NUL-terminated string of the given width.
unsafe fn insert(v: usize, fmt: &str, width: Width) -> R<String> {
    let conv = fmt
        .trim_start_matches(|c: char| "-+ #0123456789.*".contains(c))
        .trim_start_matches("I64")
        .trim_start_matches(['l', 'h', 'w']);
    let wide_s = matches!(width, Width::Wide) ^ fmt.contains('S');
    let wide_s = (wide_s || fmt.contains("ls") || fmt.contains("ws")) && !fmt.contains("hs");
    Ok(match conv {
        "s" | "S" => {
            if v == 0 {
                "(null)".to_owned()
            } else if wide_s {
                // SAFETY: the caller's contract.
                String::from_utf16_lossy(unsafe { wstr(v as *const WCHAR) }.unwrap_or_default())
            } else {
                // SAFETY: the caller's contract.
                String::from_utf8_lossy(unsafe { cstr(v as *const c_char) }.unwrap_or_default())
                    .into_owned()
            }
        }
        "d" | "i" if fmt.contains("I64") => (v as i64).to_string(),
        "d" | "i" => (v as u32 as i32).to_string(),
        "u" if fmt.contains("I64") => (v as u64).to_string(),
        "u" => (v as u32).to_string(),
        "x" => format!("{:x}", v as u32),
        "X" => format!("{:X}", v as u32),
        "c" => char::from_u32(v as u32).unwrap_or('?').to_string(),
        _ => return Err(not_supported("FormatMessage insert format")),
    })
}

/// Stores `units` for FormatMessage: a `LocalAlloc`-style buffer or the caller's buffer.
///
/// # Safety
/// With `allocate`, `buffer` is valid for a write of a `*mut T`; otherwise for `size` units.
unsafe fn store<T: Copy + Default>(
    units: &[T],
    allocate: bool,
    buffer: *mut c_void,
    size: DWORD,
) -> R<DWORD> {
    if buffer.is_null() {
        return Err(noaccess());
    }
    if allocate {
        let n = (units.len() + 1).max(size as usize);
        let p = crate::memory::local_alloc(n * size_of::<T>())?.cast::<T>();
        // SAFETY: `p` holds n >= units.len() + 1 units (malloc'ed, so aligned for T).
        unsafe { copy_terminated(p, n, units) };
        // SAFETY: the caller's contract.
        unsafe { buffer.cast::<*mut T>().write(p) };
    } else {
        if units.len() + 1 > size as usize {
            return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
        }
        // SAFETY: the caller's contract: `size` units, and units.len() + 1 <= size.
        unsafe { copy_terminated(buffer.cast::<T>(), size as usize, units) };
    }
    Ok(units.len() as DWORD)
}

/// # Safety
/// `FormatMessage`'s contract, with strings of `width`.
unsafe fn format_message(
    flags: DWORD,
    source: *const c_void,
    id: DWORD,
    args: *const c_void,
    width: Width,
) -> R<String> {
    let text = if flags & FORMAT_MESSAGE_FROM_STRING != 0 {
        match width {
            // SAFETY: the caller's contract.
            Width::Narrow => unsafe { arg_a(source.cast(), Text::Other) }?,
            // SAFETY: the caller's contract.
            Width::Wide => unsafe { arg_w(source.cast(), Text::Other) }?,
        }
        .ok_or_else(noaccess)?
    } else if flags & FORMAT_MESSAGE_FROM_HMODULE != 0 && !source.is_null() {
        return Err(not_supported("message tables of modules"));
    } else if flags & (FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_FROM_HMODULE) != 0 {
        let Some(t) = system_message(id) else {
            return Err(Fail(code::ERROR_MR_MID_NOT_FOUND));
        };
        format!("{t}\r\n")
    } else {
        return Err(invalid_parameter("FormatMessage source flags"));
    };
    let array = (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY != 0 && !args.is_null())
        .then_some(args.cast::<usize>());
    // SAFETY: the caller's contract.
    unsafe {
        expand(
            &text,
            flags & FORMAT_MESSAGE_IGNORE_INSERTS != 0,
            array,
            width,
            flags & FORMAT_MESSAGE_MAX_WIDTH_MASK,
        )
    }
}

/// # Safety
/// Win32's `FormatMessageA` contract (strings UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FormatMessageA(
    flags: DWORD,
    source: *const c_void,
    id: DWORD,
    _language: DWORD,
    buffer: *mut c_char,
    size: DWORD,
    args: *const c_void,
) -> DWORD {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let s = unsafe { format_message(flags, source, id, args, Width::Narrow) }?;
        let allocate = flags & FORMAT_MESSAGE_ALLOCATE_BUFFER != 0;
        // SAFETY: the caller's contract.
        unsafe { store(s.as_bytes(), allocate, buffer.cast(), size) }
    })
}

/// # Safety
/// Win32's `FormatMessageW` contract (strings UTF-16).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FormatMessageW(
    flags: DWORD,
    source: *const c_void,
    id: DWORD,
    _language: DWORD,
    buffer: *mut WCHAR,
    size: DWORD,
    args: *const c_void,
) -> DWORD {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let s = unsafe { format_message(flags, source, id, args, Width::Wide) }?;
        let w: Vec<u16> = s.encode_utf16().collect();
        let allocate = flags & FORMAT_MESSAGE_ALLOCATE_BUFFER != 0;
        // SAFETY: the caller's contract.
        unsafe { store(&w, allocate, buffer.cast(), size) }
    })
}

// ---- strings -------------------------------------------------------------------------------

/// # Safety
/// `s` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrlenA(s: *const c_char) -> i32 {
    // SAFETY: the caller's contract; a faulting pointer gives 0, as on Windows.
    unsafe { checked_cstr(s) }
        .ok()
        .flatten()
        .map_or(0, |b| b.len() as i32)
}

/// # Safety
/// `s` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrlenW(s: *const WCHAR) -> i32 {
    // SAFETY: the caller's contract; a faulting pointer gives 0, as on Windows.
    unsafe { checked_wstr(s) }
        .ok()
        .flatten()
        .map_or(0, |w| w.len() as i32)
}

/// # Safety
/// `dst` NULL or large enough for `src`; `src` NULL or NUL-terminated; no overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcpyA(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    if dst.is_null() {
        return null_mut();
    }
    // SAFETY: the caller's contract.
    let Some(b) = (unsafe { checked_cstr(src) }).ok().flatten() else {
        return null_mut();
    };
    if !writable(dst.cast(), b.len() + 1) {
        return null_mut(); // Windows catches the fault and returns NULL
    }
    // SAFETY: the caller's contract: dst holds b.len() + 1 bytes.
    unsafe { copy_terminated(dst.cast::<u8>(), b.len() + 1, b) };
    dst
}

/// # Safety
/// `dst` NULL or large enough for `src`; `src` NULL or NUL-terminated; no overlap.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcpyW(dst: *mut WCHAR, src: *const WCHAR) -> *mut WCHAR {
    if dst.is_null() {
        return null_mut();
    }
    // SAFETY: the caller's contract.
    let Some(w) = (unsafe { checked_wstr(src) }).ok().flatten() else {
        return null_mut();
    };
    if !writable(dst.cast(), 2 * (w.len() + 1)) {
        return null_mut(); // Windows catches the fault and returns NULL
    }
    // SAFETY: the caller's contract: dst holds w.len() + 1 units.
    unsafe { copy_terminated(dst, w.len() + 1, w) };
    dst
}

/// `lstrcat`: appends `src` to the string in `dst`.
///
/// # Safety
/// `dst` holds a terminated string and room for `src` after it; `src` terminated; no overlap.
unsafe fn cat<T: Copy + Default + PartialEq>(dst: *mut T, src: Option<&[T]>) -> *mut T {
    let Some(src) = src else {
        return null_mut();
    };
    if dst.is_null() {
        return null_mut();
    }
    let Some(end) = terminated_len(dst.cast_const()) else {
        return null_mut(); // Windows catches the fault and returns NULL
    };
    if !writable(
        dst.wrapping_add(end).cast(),
        (src.len() + 1) * std::mem::size_of::<T>(),
    ) {
        return null_mut();
    }
    // SAFETY: the caller's contract: room for src.len() + 1 more units.
    unsafe { copy_terminated(dst.add(end), src.len() + 1, src) };
    dst
}

/// `lstrcpyn`: copies at most `max - 1` units of `src` and always terminates (when `max > 0`).
///
/// # Safety
/// `dst` valid for `max` units; `src` terminated or at least `max - 1` units long; no overlap.
unsafe fn cpyn<T: Copy + Default + PartialEq>(dst: *mut T, src: *const T, max: i32) -> *mut T {
    if dst.is_null() || src.is_null() {
        return null_mut();
    }
    let max = usize::try_from(max).unwrap_or(0);
    let mut i = 0;
    while i + 1 < max {
        // SAFETY: `src` is readable up to its terminator or `max - 1` units (the contract).
        let c = unsafe { src.add(i).read() };
        if c == T::default() {
            break;
        }
        // SAFETY: i < max - 1 < max.
        unsafe { dst.add(i).write(c) };
        i += 1;
    }
    if max > 0 {
        // SAFETY: i <= max - 1.
        unsafe { dst.add(i).write(T::default()) };
    }
    dst
}

/// # Safety
/// See `cat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcatA(dst: *mut c_char, src: *const c_char) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { cat(dst.cast::<u8>(), checked_cstr(src).ok().flatten()) }.cast()
}

/// # Safety
/// See `cat`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcatW(dst: *mut WCHAR, src: *const WCHAR) -> *mut WCHAR {
    // SAFETY: the caller's contract.
    unsafe { cat(dst, checked_wstr(src).ok().flatten()) }
}

/// # Safety
/// See `cpyn`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcpynA(dst: *mut c_char, src: *const c_char, max: i32) -> *mut c_char {
    // SAFETY: the caller's contract.
    unsafe { cpyn(dst.cast::<u8>(), src.cast::<u8>(), max) }.cast()
}

/// # Safety
/// See `cpyn`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcpynW(dst: *mut WCHAR, src: *const WCHAR, max: i32) -> *mut WCHAR {
    // SAFETY: the caller's contract.
    unsafe { cpyn(dst, src, max) }
}

fn ordinal<T: Ord>(a: Option<&[T]>, b: Option<&[T]>) -> i32 {
    match a.cmp(&b) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }
}

/// # Safety
/// Each argument NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcmpA(a: *const c_char, b: *const c_char) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { ordinal(cstr(a), cstr(b)) }
}

/// # Safety
/// Each argument NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn lstrcmpW(a: *const WCHAR, b: *const WCHAR) -> i32 {
    // SAFETY: the caller's contract.
    unsafe { ordinal(wstr(a), wstr(b)) }
}

// ---- computer name -------------------------------------------------------------------------

const MAX_COMPUTERNAME_LENGTH: usize = 15;

/// The NetBIOS-style computer name: the host name up to the first `.`, upper-cased, at most
/// 15 characters.
pub(crate) fn computer_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: `buf` is writable for its length.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    let host = if rc == 0 {
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        "LOCALHOST".to_owned()
    };
    host.split('.')
        .next()
        .unwrap_or_default()
        .to_uppercase()
        .chars()
        .take(MAX_COMPUTERNAME_LENGTH)
        .collect()
}

/// # Safety
/// `buf` valid for `*size` units; `size` NULL or valid.
unsafe fn get_computer_name<T: Copy + Default>(
    units: &[T],
    buf: *mut T,
    size: *mut DWORD,
) -> R<()> {
    // SAFETY: the caller's contract.
    let cap = unsafe { read_req(size) }? as usize;
    if cap < units.len() + 1 {
        // SAFETY: checked readable (and so writable, the caller's contract).
        unsafe { size.write(units.len() as DWORD + 1) };
        return Err(Fail(code::ERROR_BUFFER_OVERFLOW));
    }
    if buf.is_null() {
        return Err(noaccess());
    }
    // SAFETY: `buf` holds cap >= units.len() + 1 units.
    unsafe {
        copy_terminated(buf, cap, units);
        size.write(units.len() as DWORD);
    }
    Ok(())
}

/// # Safety
/// `buf` valid for `*size` bytes; `size` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetComputerNameA(buf: *mut c_char, size: *mut DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_computer_name(computer_name().as_bytes(), buf.cast::<u8>(), size) })
}

/// # Safety
/// `buf` valid for `*size` units; `size` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetComputerNameW(buf: *mut WCHAR, size: *mut DWORD) -> BOOL {
    let w: Vec<u16> = computer_name().encode_utf16().collect();
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_computer_name(&w, buf, size) })
}

// ---- security descriptors ------------------------------------------------------------------

/// # Safety
/// `sd` NULL or valid for a `SECURITY_DESCRIPTOR` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn InitializeSecurityDescriptor(
    sd: *mut SecurityDescriptor,
    revision: DWORD,
) -> BOOL {
    ffi_bool(|| {
        if revision != u32::from(SECURITY_DESCRIPTOR_REVISION) {
            return Err(invalid_parameter("security descriptor revision"));
        }
        let v = SecurityDescriptor {
            revision: SECURITY_DESCRIPTOR_REVISION,
            sbz1: 0,
            control: 0,
            owner: null_mut(),
            group: null_mut(),
            sacl: null_mut(),
            dacl: null_mut(),
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(sd, v) }
    })
}

/// # Safety
/// `sd` NULL or a valid, initialised absolute `SECURITY_DESCRIPTOR`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetSecurityDescriptorDacl(
    sd: *mut SecurityDescriptor,
    present: BOOL,
    dacl: *mut c_void,
    _defaulted: BOOL,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let mut v = unsafe { read_req(sd) }?;
        if v.revision != SECURITY_DESCRIPTOR_REVISION || v.control & SE_SELF_RELATIVE != 0 {
            return Err(invalid_parameter("not an absolute security descriptor"));
        }
        if present != 0 {
            v.control |= SE_DACL_PRESENT;
            v.dacl = dacl;
        } else {
            v.control &= !SE_DACL_PRESENT;
            v.dacl = null_mut();
        }
        // SAFETY: the caller's contract.
        unsafe { write_req(sd, v) }
    })
}

// ---- the Windows version -------------------------------------------------------------------

/// What Windows 8 and later report to a program without a compatibility manifest: 6.2, build
/// 9200, `VER_PLATFORM_WIN32_NT`.
const VERSION: (DWORD, DWORD, DWORD) = (6, 2, 9200);
const VER_PLATFORM_WIN32_NT: DWORD = 2;
const VER_SUITE_SINGLEUSERTS: u16 = 0x0100;
const VER_NT_WORKSTATION: u8 = 1;

/// `GetVersionExA/W`: `unit` is the size of one `szCSDVersion` character (1 or 2). The
/// structure is `OSVERSIONINFO` (5 DWORDs, 128 characters) or `OSVERSIONINFOEX` (8 more
/// bytes), told apart by `dwOSVersionInfoSize`; any other size -> `ERROR_INSUFFICIENT_BUFFER`,
/// as Windows.
///
/// # Safety
/// `info` NULL or valid for `dwOSVersionInfoSize` bytes.
unsafe fn get_version_ex(info: *mut u8, unit: usize) -> R<()> {
    if info.is_null() || !writable(info.cast(), 4) {
        return Err(noaccess());
    }
    let base = 20 + 128 * unit;
    // SAFETY: `info` is writable for its first DWORD (checked); unaligned read.
    let size = unsafe { info.cast::<DWORD>().read_unaligned() } as usize;
    if size != base && size != base + 8 {
        return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
    }
    if !writable(info.cast(), size) {
        return Err(noaccess());
    }
    let (major, minor, build) = VERSION;
    let mut bytes = vec![0u8; size];
    for (i, v) in [size as DWORD, major, minor, build, VER_PLATFORM_WIN32_NT]
        .into_iter()
        .enumerate()
    {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_ne_bytes());
    }
    // szCSDVersion stays empty (no service pack); the EX part: service pack 0.0, the suite
    // mask and product type of a Windows desktop.
    if size == base + 8 {
        bytes[base + 4..base + 6].copy_from_slice(&VER_SUITE_SINGLEUSERTS.to_ne_bytes());
        bytes[base + 6] = VER_NT_WORKSTATION;
    }
    // SAFETY: `info` is writable for `size` bytes (checked).
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), info, size) };
    Ok(())
}

/// # Safety
/// `info` NULL or an `OSVERSIONINFOA`/`OSVERSIONINFOEXA` whose `dwOSVersionInfoSize` is set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetVersionExA(info: *mut c_void) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_version_ex(info.cast(), 1) })
}

/// # Safety
/// `info` NULL or an `OSVERSIONINFOW`/`OSVERSIONINFOEXW` whose `dwOSVersionInfoSize` is set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetVersionExW(info: *mut c_void) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { get_version_ex(info.cast(), 2) })
}

/// `GetVersion`: major version in the low byte, minor in the next, build in the high word.
#[unsafe(no_mangle)]
pub extern "C" fn GetVersion() -> DWORD {
    let (major, minor, build) = VERSION;
    major | (minor << 8) | (build << 16)
}

/// The process's error mode (`SetErrorMode`/`GetErrorMode`): kept and reported; no dialog
/// boxes exist here to suppress.
static ERROR_MODE: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// `SetErrorMode`: sets the mode, returns the previous one.
#[unsafe(no_mangle)]
pub extern "C" fn SetErrorMode(mode: u32) -> u32 {
    ERROR_MODE.swap(mode, std::sync::atomic::Ordering::Relaxed)
}

/// `GetErrorMode`.
#[unsafe(no_mangle)]
pub extern "C" fn GetErrorMode() -> u32 {
    ERROR_MODE.load(std::sync::atomic::Ordering::Relaxed)
}

/// `DebugBreak`: `SIGTRAP` to the calling thread (a debugger stops there; without one the
/// process ends, as an unhandled breakpoint exception ends a Windows process).
#[unsafe(no_mangle)]
pub extern "C" fn DebugBreak() {
    // SAFETY: raise takes no pointers.
    unsafe { libc::raise(libc::SIGTRAP) };
}

/// `DisableThreadLibraryCalls`: TRUE (no `DllMain` thread notifications exist here).
#[unsafe(no_mangle)]
pub extern "C" fn DisableThreadLibraryCalls(_module: *mut c_void) -> BOOL {
    TRUE
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(s: &str, ignore: bool) -> R<String> {
        // SAFETY: no argument array.
        unsafe { expand(s, ignore, None, Width::Narrow, 0) }
    }

    /// `FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM)` knows every `ERROR_*` that `windows.h`
    /// defines (docs/c-abi.md promises it).
    #[test]
    fn every_error_in_windows_h_has_a_message() {
        let header = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../include/windows.h"
        ))
        .unwrap();
        let mut n = 0;
        for line in header.lines() {
            let mut words = line.split_whitespace();
            if let (Some("#define"), Some(name), Some(value)) =
                (words.next(), words.next(), words.next())
                && name.starts_with("ERROR_")
                && let Ok(code) = value.parse::<u32>()
            {
                assert!(
                    system_message(code).is_some(),
                    "{name} ({code}) has no text"
                );
                n += 1;
            }
        }
        assert!(n > 30, "found only {n} ERROR_ constants");
    }

    #[test]
    fn escapes() {
        assert_eq!(ex("a%nb%%c%0d", true).unwrap(), "a\r\nb%c");
        assert_eq!(ex("x %1 y %2!d! z", true).unwrap(), "x %1 y %2!d! z");
        assert_eq!(
            ex("%1", false).unwrap_err(),
            Fail(code::ERROR_NOT_SUPPORTED)
        );
        assert_eq!(ex("tab%tcr%r", true).unwrap(), "tab\tcr\r");
    }

    #[test]
    fn argument_array() {
        let s = c"world";
        let args: [usize; 3] = [s.as_ptr() as usize, 42, (-7i32) as u32 as usize];
        // SAFETY: three valid arguments, a NUL-terminated string first.
        let out = unsafe {
            expand(
                "hello %1, %2!u! %3!d! %2!x!",
                false,
                Some(args.as_ptr()),
                Width::Narrow,
                0,
            )
        };
        assert_eq!(out.unwrap(), "hello world, 42 -7 2a");
    }

    #[test]
    fn texts_exist_for_every_reported_code() {
        for c in [
            0, 2, 3, 5, 6, 8, 31, 50, 53, 87, 109, 121, 122, 123, 183, 206, 288, 298,
        ] {
            assert!(system_message(c).is_some(), "{c}");
        }
        assert!(system_message(12345).is_none());
    }

    #[test]
    fn name_shape() {
        let n = computer_name();
        assert!(!n.is_empty() && n.len() <= 15 && !n.contains('.'));
        assert_eq!(n, n.to_uppercase());
    }
}
