//! Directories and names: `CreateDirectory`, `RemoveDirectory`, `MoveFile(Ex)`, `CopyFile`,
//! `CreateHardLink`, `GetFullPathName`, `SearchPath`, `GetDiskFreeSpace(Ex)`, the drives. Paths map as
//! `CreateFile`'s do (`\` is `/`, a drive letter is dropped).

use std::ffi::{CString, c_char, c_void};
use std::io::ErrorKind;

use crate::env::{Unit, path_error, put, text_arg};
use crate::fsinfo::{path_arg, stat_path};
use crate::util::*;

const ERROR_NOT_SAME_DEVICE: u32 = 17;
const ERROR_DIR_NOT_EMPTY: u32 = 145;
const ERROR_FILE_EXISTS: u32 = 80;
const ERROR_SHARING_VIOLATION: u32 = 32;

const MOVEFILE_REPLACE_EXISTING: DWORD = 0x1;
const MOVEFILE_COPY_ALLOWED: DWORD = 0x2;
const MOVEFILE_DELAY_UNTIL_REBOOT: DWORD = 0x4;
const MOVEFILE_WRITE_THROUGH: DWORD = 0x8;

fn cpath(p: &str) -> R<CString> {
    CString::new(p).map_err(|_| Fail(code::ERROR_INVALID_NAME))
}

/// An error on `path` where a missing component is a missing path (`CreateDirectory`,
/// `MoveFile`'s destination): `ERROR_PATH_NOT_FOUND`.
fn missing_path(e: std::io::Error) -> Fail {
    if e.kind() == ErrorKind::NotFound {
        Fail(code::ERROR_PATH_NOT_FOUND)
    } else {
        e.into()
    }
}

unsafe fn create_directory<T: Unit>(p: *const T) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(p) }?;
        // The security attributes are not applied: the directory gets 0777 less the umask.
        std::fs::create_dir(&path).map_err(|e| match e.kind() {
            ErrorKind::AlreadyExists => Fail(code::ERROR_ALREADY_EXISTS),
            _ => missing_path(e),
        })
    })
}

/// # Safety
/// `p` NUL-terminated; `sa` ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateDirectoryA(p: *const c_char, _sa: *const c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { create_directory(p.cast::<u8>()) }
}

/// # Safety
/// `p` NUL-terminated; `sa` ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateDirectoryW(p: *const WCHAR, _sa: *const c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { create_directory(p) }
}

unsafe fn remove_directory<T: Unit>(p: *const T) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let path = unsafe { path_arg(p) }?;
        let meta = std::fs::symlink_metadata(&path).map_err(|e| path_error(&path, e))?;
        if !meta.is_dir() {
            return Err(Fail(code::ERROR_DIRECTORY));
        }
        std::fs::remove_dir(&path).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOTEMPTY) | Some(libc::EEXIST) => Fail(ERROR_DIR_NOT_EMPTY),
            Some(libc::EBUSY) => Fail(ERROR_SHARING_VIOLATION), // a mount point
            _ => path_error(&path, e),
        })
    })
}

/// # Safety
/// `p` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveDirectoryA(p: *const c_char) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { remove_directory(p.cast::<u8>()) }
}

/// # Safety
/// `p` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn RemoveDirectoryW(p: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { remove_directory(p) }
}

/// Copies a regular file's content, permissions and times to `dst` (created or replaced).
fn copy_file(src: &str, dst: &str, fail_if_exists: bool) -> R<()> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let meta = std::fs::metadata(src).map_err(|e| path_error(src, e))?;
    if meta.is_dir() {
        return Err(winipc_core::Error::AccessDenied.into());
    }
    if let Ok(d) = std::fs::metadata(dst) {
        use std::os::unix::fs::MetadataExt;
        if (d.dev(), d.ino()) == (meta.dev(), meta.ino()) {
            // The file onto itself: Windows finds it open (and it would be emptied here).
            return Err(Fail(ERROR_SHARING_VIOLATION));
        }
        if fail_if_exists {
            return Err(Fail(ERROR_FILE_EXISTS));
        }
        // Windows refuses to replace a directory or a read-only file (even for an
        // administrator; root would be allowed on Linux).
        if d.is_dir() || d.permissions().mode() & 0o222 == 0 {
            return Err(winipc_core::Error::AccessDenied.into());
        }
    }
    let mut input = std::fs::File::open(src).map_err(|e| path_error(src, e))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).mode(meta.permissions().mode() | 0o200);
    if fail_if_exists {
        opts.create_new(true);
    } else {
        opts.create(true).truncate(true);
    }
    let mut out = opts.open(dst).map_err(|e| match e.kind() {
        ErrorKind::AlreadyExists => Fail(ERROR_FILE_EXISTS),
        _ => missing_path(e),
    })?;
    std::io::copy(&mut input, &mut out)?;
    // The last write time travels with the copy, as on Windows.
    let _ = out.set_modified(meta.modified()?);
    drop(out);
    std::fs::set_permissions(dst, meta.permissions())?;
    Ok(())
}

unsafe fn copy<T: Unit>(src: *const T, dst: *const T, fail_if_exists: BOOL) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let (s, d) = unsafe { (path_arg(src)?, path_arg(dst)?) };
        copy_file(&s, &d, fail_if_exists != 0)
    })
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CopyFileA(src: *const c_char, dst: *const c_char, fail: BOOL) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { copy(src.cast::<u8>(), dst.cast::<u8>(), fail) }
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CopyFileW(src: *const WCHAR, dst: *const WCHAR, fail: BOOL) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { copy(src, dst, fail) }
}

fn move_flags(flags: DWORD) -> R<()> {
    let known = MOVEFILE_REPLACE_EXISTING | MOVEFILE_COPY_ALLOWED | MOVEFILE_WRITE_THROUGH;
    if flags & MOVEFILE_DELAY_UNTIL_REBOOT != 0 {
        return Err(not_supported("MOVEFILE_DELAY_UNTIL_REBOOT"));
    }
    if flags & !known != 0 {
        return Err(invalid_parameter("MoveFileEx flags"));
    }
    Ok(())
}

fn move_file(src: &str, dst: &str, flags: DWORD) -> R<()> {
    let src_meta = std::fs::symlink_metadata(src).map_err(|e| path_error(src, e))?;
    let replace = flags & MOVEFILE_REPLACE_EXISTING != 0;
    if let Ok(d) = std::fs::symlink_metadata(dst) {
        if !replace {
            return Err(Fail(code::ERROR_ALREADY_EXISTS));
        }
        if d.is_dir() || src_meta.is_dir() {
            return Err(winipc_core::Error::AccessDenied.into());
        }
    }
    let (s, d) = (cpath(src)?, cpath(dst)?);
    // SAFETY: NUL-terminated paths.
    let r = unsafe {
        if replace {
            libc::rename(s.as_ptr(), d.as_ptr())
        } else {
            // A destination created meanwhile is not replaced.
            libc::renameat2(
                libc::AT_FDCWD,
                s.as_ptr(),
                libc::AT_FDCWD,
                d.as_ptr(),
                libc::RENAME_NOREPLACE,
            )
        }
    };
    if r == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::EEXIST) | Some(libc::ENOTEMPTY) => Err(Fail(code::ERROR_ALREADY_EXISTS)),
        Some(libc::EXDEV) => {
            // Another file system: a file may be copied and its original deleted.
            if flags & MOVEFILE_COPY_ALLOWED == 0 || src_meta.is_dir() {
                return Err(Fail(ERROR_NOT_SAME_DEVICE));
            }
            copy_file(src, dst, !replace)?;
            std::fs::remove_file(src).map_err(|e| path_error(src, e))
        }
        _ => Err(missing_path(e)),
    }
}

unsafe fn mv<T: Unit>(src: *const T, dst: *const T, flags: DWORD) -> BOOL {
    ffi_bool(|| {
        move_flags(flags)?;
        // SAFETY: the caller's contract.
        let s = unsafe { path_arg(src) }?;
        // SAFETY: the caller's contract.
        let d = unsafe { path_arg(dst) }?;
        move_file(&s, &d, flags)
    })
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveFileA(src: *const c_char, dst: *const c_char) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { mv(src.cast::<u8>(), dst.cast::<u8>(), MOVEFILE_COPY_ALLOWED) }
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveFileW(src: *const WCHAR, dst: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { mv(src, dst, MOVEFILE_COPY_ALLOWED) }
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveFileExA(src: *const c_char, dst: *const c_char, f: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { mv(src.cast::<u8>(), dst.cast::<u8>(), f) }
}

/// # Safety
/// `src`, `dst` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MoveFileExW(src: *const WCHAR, dst: *const WCHAR, f: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { mv(src, dst, f) }
}

unsafe fn hard_link<T: Unit>(new: *const T, existing: *const T) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let n = unsafe { path_arg(new) }?;
        // SAFETY: the caller's contract.
        let e = unsafe { path_arg(existing) }?;
        let meta = std::fs::symlink_metadata(&e).map_err(|err| path_error(&e, err))?;
        if meta.is_dir() {
            return Err(winipc_core::Error::AccessDenied.into());
        }
        std::fs::hard_link(&e, &n).map_err(|err| match err.raw_os_error() {
            Some(libc::EEXIST) => Fail(code::ERROR_ALREADY_EXISTS),
            Some(libc::EXDEV) => Fail(ERROR_NOT_SAME_DEVICE),
            _ => missing_path(err),
        })
    })
}

/// # Safety
/// `new`, `existing` NUL-terminated; `sa` ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateHardLinkA(
    new: *const c_char,
    existing: *const c_char,
    _sa: *const c_void,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { hard_link(new.cast::<u8>(), existing.cast::<u8>()) }
}

/// # Safety
/// `new`, `existing` NUL-terminated; `sa` ignored.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateHardLinkW(
    new: *const WCHAR,
    existing: *const WCHAR,
    _sa: *const c_void,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { hard_link(new, existing) }
}

// ---- full path names and searching ---------------------------------------------------------

/// The absolute form of a (mapped) path, with `.` and `..` resolved by name, as Windows
/// resolves them (a trailing separator is kept).
pub(crate) fn full_path(path: &str) -> R<String> {
    let abs = if path.starts_with('/') {
        path.to_owned()
    } else {
        let cwd = std::env::current_dir()?;
        format!("{}/{path}", cwd.to_string_lossy())
    };
    let mut parts: Vec<&str> = Vec::new();
    for c in abs.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if abs.ends_with('/') && out.len() > 1 {
        out.push('/');
    }
    Ok(out)
}

/// Writes `path` as `put` does and points `file_part` at its last component (NULL when the
/// path ends with a separator).
///
/// # Safety
/// `buf` valid for `size` units; `file_part` NULL or valid for a pointer write.
unsafe fn put_path<T: Unit>(path: &str, size: u32, buf: *mut T, file_part: *mut *mut T) -> R<u32> {
    out_ok(file_part)?;
    let n = put(buf, size, path)?;
    if n < size {
        let last = match path.rfind('/') {
            Some(i) if i + 1 < path.len() => Some(T::encode(&path[..=i]).len()),
            _ => None,
        };
        // SAFETY: `buf` holds the path just written; the offset lies within it.
        let p = last.map_or(std::ptr::null_mut(), |k| unsafe { buf.add(k) });
        // SAFETY: the caller's contract (checked writable above).
        unsafe { write_opt(file_part, p) };
    }
    Ok(n)
}

unsafe fn get_full_path<T: Unit>(
    name: *const T,
    size: u32,
    buf: *mut T,
    file_part: *mut *mut T,
) -> DWORD {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let p = unsafe { path_arg(name) }?;
        let full = full_path(&p)?;
        // SAFETY: the caller's contract.
        unsafe { put_path(&full, size, buf, file_part) }
    })
}

/// # Safety
/// `name` NUL-terminated; `buf` valid for `size` units; `file_part` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFullPathNameA(
    name: *const c_char,
    size: DWORD,
    buf: *mut c_char,
    file_part: *mut *mut c_char,
) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { get_full_path(name.cast::<u8>(), size, buf.cast::<u8>(), file_part.cast()) }
}

/// # Safety
/// As `GetFullPathNameA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetFullPathNameW(
    name: *const WCHAR,
    size: DWORD,
    buf: *mut WCHAR,
    file_part: *mut *mut WCHAR,
) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { get_full_path(name, size, buf, file_part) }
}

/// The directories `SearchPath` looks in without a path: the program's directory, the
/// current directory, the system and Windows directories, then `PATH`.
fn search_dirs() -> Vec<String> {
    let mut v = Vec::new();
    if let Ok(exe) = std::env::current_exe()
        && let Some(d) = exe.parent()
    {
        v.push(d.to_string_lossy().into_owned());
    }
    v.push(".".to_owned());
    v.push("/usr/bin".to_owned());
    v.push("/usr".to_owned());
    if let Some(p) = std::env::var_os("PATH") {
        v.extend(
            std::env::split_paths(&p)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.to_string_lossy().into_owned()),
        );
    }
    v
}

unsafe fn search_path<T: Unit>(
    path: *const T,
    file: *const T,
    ext: *const T,
    size: u32,
    buf: *mut T,
    file_part: *mut *mut T,
) -> DWORD {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let name = unsafe { text_arg(file) }?.ok_or_else(|| invalid_parameter("lpFileName"))?;
        if name.is_empty() {
            return Err(invalid_parameter("lpFileName"));
        }
        // SAFETY: the caller's contract.
        let ext = unsafe { text_arg(ext) }?.unwrap_or_default();
        // SAFETY: the caller's contract.
        let dirs = match unsafe { text_arg(path) }? {
            Some(p) => p
                .split(';')
                .filter(|d| !d.is_empty())
                .map(crate::env::linux_path)
                .collect(),
            None => search_dirs(),
        };
        let mut name = crate::env::linux_path(&name);
        // The extension is added when the name has none.
        let base = name.rsplit('/').next().unwrap_or("");
        if !ext.is_empty() && !base.contains('.') {
            name.push_str(&ext);
        }
        let candidates: Vec<String> = if name.contains('/') {
            vec![name]
        } else {
            dirs.iter().map(|d| format!("{d}/{name}")).collect()
        };
        for c in candidates {
            if std::fs::metadata(&c).is_ok_and(|m| !m.is_dir()) {
                let full = full_path(&c)?;
                // SAFETY: the caller's contract.
                return unsafe { put_path(&full, size, buf, file_part) };
            }
        }
        Err(Fail(code::ERROR_FILE_NOT_FOUND))
    })
}

/// # Safety
/// Strings NUL-terminated (`path`, `ext` may be NULL); `buf` valid for `size` units;
/// `file_part` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SearchPathA(
    path: *const c_char,
    file: *const c_char,
    ext: *const c_char,
    size: DWORD,
    buf: *mut c_char,
    file_part: *mut *mut c_char,
) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe {
        search_path(
            path.cast::<u8>(),
            file.cast::<u8>(),
            ext.cast::<u8>(),
            size,
            buf.cast::<u8>(),
            file_part.cast(),
        )
    }
}

/// # Safety
/// As `SearchPathA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SearchPathW(
    path: *const WCHAR,
    file: *const WCHAR,
    ext: *const WCHAR,
    size: DWORD,
    buf: *mut WCHAR,
    file_part: *mut *mut WCHAR,
) -> DWORD {
    // SAFETY: the caller's contract.
    unsafe { search_path(path, file, ext, size, buf, file_part) }
}

// ---- disk space ----------------------------------------------------------------------------

/// `statvfs` of a root (NULL: the current directory's file system).
///
/// # Safety
/// `root` NULL or NUL-terminated.
unsafe fn statvfs<T: Unit>(root: *const T) -> R<libc::statvfs> {
    // SAFETY: the caller's contract.
    let p = match unsafe { text_arg(root) }? {
        None => ".".to_owned(),
        Some(s) if s.is_empty() => ".".to_owned(),
        Some(s) => crate::env::linux_path(&s),
    };
    if !stat_path(&p).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR) {
        return Err(Fail(code::ERROR_PATH_NOT_FOUND));
    }
    let c = cpath(&p)?;
    let mut v = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: a NUL-terminated path; `v` is written on success.
    if unsafe { libc::statvfs(c.as_ptr(), v.as_mut_ptr()) } != 0 {
        return Err(path_error(&p, std::io::Error::last_os_error()));
    }
    // SAFETY: initialised by the successful call.
    Ok(unsafe { v.assume_init() })
}

unsafe fn disk_free<T: Unit>(
    root: *const T,
    sectors_per_cluster: *mut DWORD,
    bytes_per_sector: *mut DWORD,
    free_clusters: *mut DWORD,
    clusters: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = unsafe { statvfs(root) }?;
        for p in [
            sectors_per_cluster,
            bytes_per_sector,
            free_clusters,
            clusters,
        ] {
            out_ok(p)?;
        }
        let frag = (v.f_frsize as u64).max(512);
        let sectors = (frag / 512).max(1);
        let count = |blocks: u64| {
            (blocks.saturating_mul(frag) / (sectors * 512)).min(u32::MAX as u64) as u32
        };
        // SAFETY: the caller's contract (checked writable above).
        unsafe {
            write_opt(sectors_per_cluster, sectors as u32);
            write_opt(bytes_per_sector, 512);
            write_opt(free_clusters, count(v.f_bavail as u64));
            write_opt(clusters, count(v.f_blocks as u64));
        }
        Ok(())
    })
}

/// # Safety
/// `root` NULL or NUL-terminated; each out-pointer NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDiskFreeSpaceA(
    root: *const c_char,
    spc: *mut DWORD,
    bps: *mut DWORD,
    free: *mut DWORD,
    total: *mut DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { disk_free(root.cast::<u8>(), spc, bps, free, total) }
}

/// # Safety
/// As `GetDiskFreeSpaceA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDiskFreeSpaceW(
    root: *const WCHAR,
    spc: *mut DWORD,
    bps: *mut DWORD,
    free: *mut DWORD,
    total: *mut DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { disk_free(root, spc, bps, free, total) }
}

unsafe fn disk_free_ex<T: Unit>(
    dir: *const T,
    avail: *mut u64,
    total: *mut u64,
    free: *mut u64,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let v = unsafe { statvfs(dir) }?;
        for p in [avail, total, free] {
            out_ok(p)?;
        }
        let f = v.f_frsize as u64;
        // SAFETY: the caller's contract (checked writable above).
        unsafe {
            write_opt(avail, (v.f_bavail as u64).saturating_mul(f));
            write_opt(total, (v.f_blocks as u64).saturating_mul(f));
            write_opt(free, (v.f_bfree as u64).saturating_mul(f));
        }
        Ok(())
    })
}

/// # Safety
/// `dir` NULL or NUL-terminated; each out-pointer NULL or valid for a `ULARGE_INTEGER` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDiskFreeSpaceExA(
    dir: *const c_char,
    avail: *mut u64,
    total: *mut u64,
    free: *mut u64,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { disk_free_ex(dir.cast::<u8>(), avail, total, free) }
}

/// # Safety
/// As `GetDiskFreeSpaceExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDiskFreeSpaceExW(
    dir: *const WCHAR,
    avail: *mut u64,
    total: *mut u64,
    free: *mut u64,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { disk_free_ex(dir, avail, total, free) }
}

// ---- drives --------------------------------------------------------------------------------

/// `DRIVE_NO_ROOT_DIR`: no such drive or directory.
const DRIVE_NO_ROOT_DIR: u32 = 1;
const DRIVE_REMOTE: u32 = 4;
const DRIVE_FIXED: u32 = 3;
const DRIVE_CDROM: u32 = 5;
const DRIVE_RAMDISK: u32 = 6;

/// The drives there are: `C:`, the root of the file system (paths map as `CreateFile`'s do).
const DRIVES: &str = "C:\\\0";

/// `GetLogicalDrives`: bit 2, drive `C:`.
#[unsafe(no_mangle)]
pub extern "C" fn GetLogicalDrives() -> DWORD {
    1 << 2
}

fn drive_strings<T: Unit>(cap: DWORD, buf: *mut T) -> DWORD {
    ffi(0, || put(buf, cap, DRIVES))
}

/// `GetLogicalDriveStringsA`: `"C:\\\0\0"`; the length without the final NUL, or the size
/// needed when `cap` is too small.
#[unsafe(no_mangle)]
pub extern "C" fn GetLogicalDriveStringsA(cap: DWORD, buf: *mut c_char) -> DWORD {
    drive_strings(cap, buf.cast::<u8>())
}

/// As `GetLogicalDriveStringsA`.
#[unsafe(no_mangle)]
pub extern "C" fn GetLogicalDriveStringsW(cap: DWORD, buf: *mut WCHAR) -> DWORD {
    drive_strings(cap, buf)
}

/// The kind of the file system holding directory `p`, as a `DRIVE_*` type.
fn drive_type_of(p: &str) -> u32 {
    let Ok(c) = cpath(p) else {
        return DRIVE_NO_ROOT_DIR;
    };
    if !stat_path(p).is_ok_and(|st| st.st_mode & libc::S_IFMT == libc::S_IFDIR) {
        return DRIVE_NO_ROOT_DIR;
    }
    let mut v = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: a NUL-terminated path; `v` is written on success.
    if unsafe { libc::statfs(c.as_ptr(), v.as_mut_ptr()) } != 0 {
        return DRIVE_NO_ROOT_DIR;
    }
    // SAFETY: initialised by the successful call.
    let kind = unsafe { v.assume_init() }.f_type as u32;
    match kind {
        // NFS, SMB, CIFS, SMB2, AFS, Ceph, 9P.
        0x6969 | 0x517B | 0xFF53_4D42 | 0xFE53_4D42 | 0x5346_414F | 0x00C3_6400 | 0x0102_1997 => {
            DRIVE_REMOTE
        }
        // tmpfs, ramfs.
        0x0102_1994 | 0x8584_58F6 => DRIVE_RAMDISK,
        // ISO 9660, UDF.
        0x9660 | 0x1501_3346 => DRIVE_CDROM,
        _ => DRIVE_FIXED,
    }
}

/// `GetDriveType`: `C:` (with or without its backslash), NULL (the current directory's drive),
/// or a directory (treated as a mounted folder) is classified by its file system; another
/// drive letter, or a path that is no directory, is `DRIVE_NO_ROOT_DIR`.
unsafe fn drive_type<T: Unit>(root: *const T) -> u32 {
    // SAFETY: the caller's contract.
    let s = match unsafe { text_arg(root) } {
        Err(_) => return DRIVE_NO_ROOT_DIR,
        Ok(None) => String::new(),
        Ok(Some(s)) => s,
    };
    let b = s.as_bytes();
    let path = if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        if !b[0].eq_ignore_ascii_case(&b'c') {
            return DRIVE_NO_ROOT_DIR;
        }
        match &s[2..] {
            "" | "\\" | "/" => "/".to_owned(),
            _ => crate::env::linux_path(&s),
        }
    } else if s.is_empty() {
        ".".to_owned()
    } else {
        crate::env::linux_path(&s)
    };
    drive_type_of(&path)
}

/// # Safety
/// `root` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDriveTypeA(root: *const c_char) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { drive_type(root.cast::<u8>()) }
}

/// # Safety
/// `root` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetDriveTypeW(root: *const WCHAR) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { drive_type(root) }
}
