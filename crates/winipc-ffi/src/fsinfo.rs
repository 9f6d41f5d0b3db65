//! File information: `SetEndOfFile`, `GetFileInformationByHandle`, `GetFileTime`,
//! `SetFileTime`, `GetFileAttributes(Ex)`, `SetFileAttributes`, and the conversions of
//! `stat` to Windows attributes and `FILETIME`s that `FindFirstFile` shares.

use std::ffi::c_char;

use crate::env::{Unit, linux_path, path_error, text_arg};
use crate::files::{fd_of, fstat};
use crate::util::*;

pub(crate) const FILE_ATTRIBUTE_READONLY: DWORD = 0x1;
pub(crate) const FILE_ATTRIBUTE_DIRECTORY: DWORD = 0x10;
pub(crate) const FILE_ATTRIBUTE_ARCHIVE: DWORD = 0x20;
const INVALID_FILE_ATTRIBUTES: DWORD = u32::MAX;

/// `FILETIME`: 100-nanosecond intervals since 1601-01-01 UTC.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct FILETIME {
    pub low: DWORD,
    pub high: DWORD,
}

/// Seconds from 1601-01-01 to 1970-01-01.
const EPOCH_DIFF: i64 = 11_644_473_600;

pub(crate) fn filetime(sec: i64, nsec: i64) -> FILETIME {
    let t = (i128::from(sec) + i128::from(EPOCH_DIFF)) * 10_000_000 + i128::from(nsec) / 100;
    let t = t.clamp(0, i128::from(u64::MAX)) as u64;
    FILETIME {
        low: t as u32,
        high: (t >> 32) as u32,
    }
}

fn to_timespec(ft: Option<FILETIME>) -> libc::timespec {
    match ft {
        // NULL, zero, and 0xFFFFFFFF:0xFFFFFFFF ("leave it") all keep the time.
        None => libc::timespec {
            tv_sec: 0,
            tv_nsec: libc::UTIME_OMIT,
        },
        Some(f) if (f.low == 0 && f.high == 0) || (f.low == u32::MAX && f.high == u32::MAX) => {
            to_timespec(None)
        }
        Some(f) => {
            let t = (u64::from(f.high) << 32) | u64::from(f.low);
            let sec = (t / 10_000_000) as i64 - EPOCH_DIFF;
            libc::timespec {
                tv_sec: sec as libc::time_t,
                tv_nsec: ((t % 10_000_000) * 100) as libc::c_long,
            }
        }
    }
}

/// The attributes Windows would report for `st`: directories, read-only (a file with no write
/// bit for anyone), and `FILE_ATTRIBUTE_ARCHIVE` for other files (as NTFS files normally have).
pub(crate) fn attributes(st: &libc::stat) -> DWORD {
    let mut a = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
        FILE_ATTRIBUTE_DIRECTORY
    } else {
        FILE_ATTRIBUTE_ARCHIVE
    };
    if a != FILE_ATTRIBUTE_DIRECTORY && st.st_mode & 0o222 == 0 {
        a |= FILE_ATTRIBUTE_READONLY;
    }
    a
}

/// Creation (Linux: the last status change, the nearest a `stat` has), last access and last
/// write times.
pub(crate) fn times(st: &libc::stat) -> [FILETIME; 3] {
    [
        filetime(st.st_ctime, st.st_ctime_nsec),
        filetime(st.st_atime, st.st_atime_nsec),
        filetime(st.st_mtime, st.st_mtime_nsec),
    ]
}

/// `stat` of a path (following symbolic links; a dangling one is reported itself).
pub(crate) fn stat_path(path: &str) -> R<libc::stat> {
    let c = std::ffi::CString::new(path).map_err(|_| Fail(code::ERROR_INVALID_NAME))?;
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: a NUL-terminated path; `st` is written on success.
    if unsafe { libc::stat(c.as_ptr(), st.as_mut_ptr()) } != 0 {
        let e = std::io::Error::last_os_error();
        // SAFETY: as above, for the link itself.
        if unsafe { libc::lstat(c.as_ptr(), st.as_mut_ptr()) } != 0 {
            return Err(path_error(path, e));
        }
    }
    // SAFETY: initialised by the successful call.
    Ok(unsafe { st.assume_init() })
}

/// A path argument of an A or W function, mapped to Linux (NULL: `ERROR_PATH_NOT_FOUND`,
/// empty: `ERROR_PATH_NOT_FOUND`, as Windows reports them).
///
/// # Safety
/// `p` NULL or NUL-terminated.
pub(crate) unsafe fn path_arg<T: Unit>(p: *const T) -> R<String> {
    // SAFETY: forwarded contract.
    let s = unsafe { text_arg(p) }?.ok_or(Fail(code::ERROR_PATH_NOT_FOUND))?;
    if s.is_empty() {
        return Err(Fail(code::ERROR_PATH_NOT_FOUND));
    }
    Ok(linux_path(&s))
}

#[unsafe(no_mangle)]
pub extern "C" fn SetEndOfFile(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let fd = fd_of(h)?;
        fstat(fd)?;
        // SAFETY: lseek and ftruncate on a descriptor number.
        let pos = unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) };
        if pos < 0 {
            return Err(invalid_parameter("not seekable"));
        }
        // SAFETY: as above.
        if unsafe { libc::ftruncate(fd, pos) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                // Not opened for writing.
                Some(libc::EBADF) | Some(libc::EINVAL) => winipc_core::Error::AccessDenied.into(),
                _ => e.into(),
            });
        }
        Ok(())
    })
}

/// `BY_HANDLE_FILE_INFORMATION` (52 bytes).
#[repr(C)]
pub(crate) struct ByHandleFileInformation {
    attributes: DWORD,
    times: [FILETIME; 3],
    volume_serial: DWORD,
    size_high: DWORD,
    size_low: DWORD,
    links: DWORD,
    index_high: DWORD,
    index_low: DWORD,
}

const _: () = assert!(std::mem::size_of::<ByHandleFileInformation>() == 52);

/// # Safety
/// `info` valid for a `BY_HANDLE_FILE_INFORMATION` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileInformationByHandle(
    h: HANDLE,
    info: *mut ByHandleFileInformation,
) -> BOOL {
    ffi_bool(|| {
        let st = fstat(fd_of(h)?)?;
        let size = st.st_size as u64;
        let v = ByHandleFileInformation {
            attributes: attributes(&st),
            times: times(&st),
            volume_serial: st.st_dev as u32,
            size_high: (size >> 32) as u32,
            size_low: size as u32,
            links: st.st_nlink.min(u64::from(u32::MAX) as libc::nlink_t) as u32,
            index_high: (st.st_ino >> 32) as u32,
            index_low: st.st_ino as u32,
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(info, v) }
    })
}

/// # Safety
/// Each pointer NULL or valid for a `FILETIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileTime(
    h: HANDLE,
    creation: *mut FILETIME,
    access: *mut FILETIME,
    write: *mut FILETIME,
) -> BOOL {
    ffi_bool(|| {
        let t = times(&fstat(fd_of(h)?)?);
        for p in [creation, access, write] {
            out_ok(p)?;
        }
        // SAFETY: the caller's contract (checked writable above).
        unsafe {
            write_opt(creation, t[0]);
            write_opt(access, t[1]);
            write_opt(write, t[2]);
        }
        Ok(())
    })
}

/// # Safety
/// Each pointer NULL or valid for a `FILETIME` read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetFileTime(
    h: HANDLE,
    _creation: *const FILETIME,
    access: *const FILETIME,
    write: *const FILETIME,
) -> BOOL {
    ffi_bool(|| {
        let fd = fd_of(h)?;
        fstat(fd)?;
        // SAFETY: the caller's contract.
        let (a, w) = unsafe { (read_opt(access), read_opt(write)) };
        let ts = [to_timespec(a), to_timespec(w)];
        // The creation time cannot be set on Linux: it is accepted and ignored.
        // SAFETY: two timespecs, as futimens reads.
        let mut r = unsafe { libc::futimens(fd, ts.as_ptr()) };
        if r != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EBADF) {
            // A handle opened for attributes only (FILE_WRITE_ATTRIBUTES) is an O_PATH
            // descriptor, which futimens refuses: the file is reached by its /proc name.
            let name = std::ffi::CString::new(format!("/proc/self/fd/{fd}"))
                .map_err(|_| invalid_handle())?;
            // SAFETY: a NUL-terminated path and two timespecs.
            r = unsafe { libc::utimensat(libc::AT_FDCWD, name.as_ptr(), ts.as_ptr(), 0) };
        }
        if r != 0 {
            let e = std::io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EBADF) => winipc_core::Error::AccessDenied.into(),
                _ => e.into(),
            });
        }
        Ok(())
    })
}

unsafe fn get_attributes<T: Unit>(p: *const T) -> DWORD {
    ffi(INVALID_FILE_ATTRIBUTES, || {
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(p) }?;
        Ok(attributes(&stat_path(&path)?))
    })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileAttributesA(name: *const c_char) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { get_attributes(name.cast::<u8>()) }
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileAttributesW(name: *const WCHAR) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { get_attributes(name) }
}

/// `WIN32_FILE_ATTRIBUTE_DATA` (36 bytes).
#[repr(C)]
pub(crate) struct FileAttributeData {
    attributes: DWORD,
    times: [FILETIME; 3],
    size_high: DWORD,
    size_low: DWORD,
}

const _: () = assert!(std::mem::size_of::<FileAttributeData>() == 36);

unsafe fn get_attributes_ex<T: Unit>(p: *const T, level: u32, out: *mut FileAttributeData) -> BOOL {
    ffi_bool(|| {
        if level != 0 {
            return Err(invalid_parameter("GET_FILEEX_INFO_LEVELS"));
        }
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(p) }?;
        let st = stat_path(&path)?;
        let size = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            0
        } else {
            st.st_size as u64
        };
        let v = FileAttributeData {
            attributes: attributes(&st),
            times: times(&st),
            size_high: (size >> 32) as u32,
            size_low: size as u32,
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(out, v) }
    })
}

/// # Safety
/// `name` NUL-terminated; `out` valid for a `WIN32_FILE_ATTRIBUTE_DATA` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileAttributesExA(
    name: *const c_char,
    level: u32,
    out: *mut FileAttributeData,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { get_attributes_ex(name.cast::<u8>(), level, out) }
}

/// # Safety
/// As `GetFileAttributesExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFileAttributesExW(
    name: *const WCHAR,
    level: u32,
    out: *mut FileAttributeData,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { get_attributes_ex(name, level, out) }
}

unsafe fn set_attributes<T: Unit>(p: *const T, attrs: DWORD) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(p) }?;
        let st = stat_path(&path)?;
        let mode = st.st_mode & 0o7777;
        if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            // Windows' read-only attribute does not keep files out of a directory; a
            // directory's permissions are left as they are.
            return Ok(());
        }
        // Read-only clears every write bit; clearing it gives the owner write access back.
        // The other attributes (hidden, system, archive, ...) have no Linux meaning.
        let new = if attrs & FILE_ATTRIBUTE_READONLY != 0 {
            mode & !0o222
        } else if mode & 0o222 == 0 {
            mode | 0o200
        } else {
            mode
        };
        if new != mode {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(new))
                .map_err(|e| path_error(&path, e))?;
        }
        Ok(())
    })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetFileAttributesA(name: *const c_char, attrs: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_attributes(name.cast::<u8>(), attrs) }
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetFileAttributesW(name: *const WCHAR, attrs: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_attributes(name, attrs) }
}

/// -1, 0 or 1 as `a` is before, equal to or after `b`.
///
/// # Safety
/// `a`, `b` valid for `FILETIME` reads.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CompareFileTime(a: *const FILETIME, b: *const FILETIME) -> LONG {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let (a, b) = unsafe { (read_req(a)?, read_req(b)?) };
        let v = |f: FILETIME| (u64::from(f.high) << 32) | u64::from(f.low);
        Ok(v(a).cmp(&v(b)) as LONG)
    })
}

/// `FILETIME` ticks of `f` shifted by the local time zone's offset at `f` (`sign` 1: to
/// local time, -1: from local time).
fn shift_local(f: FILETIME, sign: i64) -> R<FILETIME> {
    let t = (u64::from(f.high) << 32) | u64::from(f.low);
    if t >= 1 << 63 {
        return Err(invalid_parameter("FILETIME out of range"));
    }
    let secs = (t / 10_000_000) as i64 - EPOCH_DIFF;
    let off = crate::wallclock::local_offset(secs) * 10_000_000 * sign;
    let v = (t as i64).checked_add(off).filter(|v| *v >= 0);
    let v = v.ok_or_else(|| invalid_parameter("FILETIME out of range"))? as u64;
    Ok(FILETIME {
        low: v as u32,
        high: (v >> 32) as u32,
    })
}

/// # Safety
/// `utc` valid for a `FILETIME` read, `local` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FileTimeToLocalFileTime(
    utc: *const FILETIME,
    local: *mut FILETIME,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = shift_local(unsafe { read_req(utc) }?, 1)?;
        // SAFETY: the caller's contract.
        unsafe { write_req(local, v) }
    })
}

/// # Safety
/// `local` valid for a `FILETIME` read, `utc` for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn LocalFileTimeToFileTime(
    local: *const FILETIME,
    utc: *mut FILETIME,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = shift_local(unsafe { read_req(local) }?, -1)?;
        // SAFETY: the caller's contract.
        unsafe { write_req(utc, v) }
    })
}
