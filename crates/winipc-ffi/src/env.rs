//! The process environment: environment variables, the current directory, the system and
//! Windows directories (Linux answers), modules (`dlopen`), temporary files, the startup
//! information, and the mapping of Windows paths to Linux paths.

use std::collections::HashSet;
use std::ffi::{CString, c_char, c_void};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::ptr::null_mut;
use std::sync::Mutex;

use crate::util::*;

// ---- strings out to C buffers --------------------------------------------------------------

/// Text as the A (UTF-8 bytes) or W (UTF-16 units) functions return it.
pub(crate) trait Unit: Copy + Default + PartialEq + 'static {
    fn encode(s: &str) -> Vec<Self>;
}
impl Unit for u8 {
    fn encode(s: &str) -> Vec<u8> {
        s.as_bytes().to_vec()
    }
}
impl Unit for u16 {
    fn encode(s: &str) -> Vec<u16> {
        s.encode_utf16().collect()
    }
}

/// The convention of `GetCurrentDirectory`, `GetTempPath`, `GetEnvironmentVariable`, ...:
/// the length without the terminator when `s` fits in `cap` units (copied, terminated), else
/// the size needed including the terminator (the buffer is not touched).
pub(crate) fn put<T: Unit>(dst: *mut T, cap: u32, s: &str) -> R<u32> {
    let units = T::encode(s);
    let n = units.len();
    if n < cap as usize {
        if !writable(dst.cast(), (n + 1) * std::mem::size_of::<T>()) {
            return Err(noaccess());
        }
        // SAFETY: checked writable for n + 1 units.
        unsafe { copy_terminated(dst, n + 1, &units) };
        Ok(n as u32)
    } else {
        Ok(n as u32 + 1)
    }
}

/// An A or W string argument as text.
///
/// # Safety
/// `p` NULL or NUL-terminated.
pub(crate) unsafe fn text_arg<T: Unit>(p: *const T) -> R<Option<String>> {
    if std::mem::size_of::<T>() == 1 {
        // SAFETY: forwarded contract.
        unsafe { arg_a(p.cast(), Text::Other) }
    } else {
        // SAFETY: forwarded contract.
        unsafe { arg_w(p.cast(), Text::Other) }
    }
}

/// A Windows path as a Linux path: `\` is a separator, and a drive (`C:`) is dropped: `C:\x`
/// and `\x` are `/x`, `C:x` is `x` (relative to the current directory).
pub(crate) fn linux_path(p: &str) -> String {
    let p = p.replace('\\', "/");
    let b = p.as_bytes();
    if b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':' {
        let rest = &p[2..];
        return if rest.is_empty() {
            ".".to_owned()
        } else {
            rest.to_owned()
        };
    }
    p
}

/// A failed file-system call on `path` as Windows reports it: a missing final component is
/// `ERROR_FILE_NOT_FOUND`, a missing directory on the way `ERROR_PATH_NOT_FOUND`.
pub(crate) fn path_error(path: &str, e: std::io::Error) -> Fail {
    if e.kind() == std::io::ErrorKind::NotFound {
        let parent = std::path::Path::new(path).parent();
        let parent_ok = parent.is_none_or(|p| p.as_os_str().is_empty() || p.is_dir());
        return Fail(if parent_ok {
            code::ERROR_FILE_NOT_FOUND
        } else {
            code::ERROR_PATH_NOT_FOUND
        });
    }
    match e.raw_os_error() {
        // A file where a directory was expected ("file\\x"): no such path.
        Some(libc::ENOTDIR) => Fail(code::ERROR_PATH_NOT_FOUND),
        Some(libc::ENAMETOOLONG) => Fail(code::ERROR_FILENAME_EXCED_RANGE),
        _ => e.into(),
    }
}

// ---- environment variables -----------------------------------------------------------------

const ERROR_ENVVAR_NOT_FOUND: u32 = code::ERROR_ENVVAR_NOT_FOUND;

fn var(name: &str) -> Option<String> {
    std::env::var_os(name).map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

unsafe fn get_env<T: Unit>(name: *const T, buf: *mut T, size: u32) -> u32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let name = unsafe { text_arg(name) }?.ok_or_else(noaccess)?;
        let v = var(&name).ok_or(Fail(ERROR_ENVVAR_NOT_FOUND))?;
        put(buf, size, &v)
    })
}

unsafe fn set_env<T: Unit>(name: *const T, value: *const T) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let name = unsafe { text_arg(name) }?.ok_or_else(noaccess)?;
        // SAFETY: the caller's contract.
        let value = unsafe { text_arg(value) }?;
        if name.is_empty() || name[1..].contains('=') || name.contains('\0') {
            return Err(invalid_parameter("variable name"));
        }
        match value {
            // SAFETY: std serialises environment access with its own lock; C code reading the
            // environment concurrently (getenv) is the caller's business, as with setenv(3).
            Some(v) => unsafe { std::env::set_var(&name, v) },
            None => {
                if std::env::var_os(&name).is_none() {
                    return Err(Fail(ERROR_ENVVAR_NOT_FOUND));
                }
                // SAFETY: as above.
                unsafe { std::env::remove_var(&name) }
            }
        }
        Ok(())
    })
}

/// # Safety
/// `name` NUL-terminated; `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetEnvironmentVariableA(n: *const c_char, b: *mut c_char, s: u32) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { get_env(n.cast::<u8>(), b.cast::<u8>(), s) }
}

/// # Safety
/// As `GetEnvironmentVariableA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetEnvironmentVariableW(n: *const WCHAR, b: *mut WCHAR, s: u32) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { get_env(n, b, s) }
}

/// # Safety
/// Strings NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetEnvironmentVariableA(n: *const c_char, v: *const c_char) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_env(n.cast::<u8>(), v.cast::<u8>()) }
}

/// # Safety
/// Strings NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetEnvironmentVariableW(n: *const WCHAR, v: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_env(n, v) }
}

fn env_block<T: Unit>() -> *mut T {
    ffi(null_mut(), || {
        let mut units: Vec<T> = Vec::new();
        for (k, v) in std::env::vars_os() {
            let s = format!(
                "{}={}",
                String::from_utf8_lossy(k.as_bytes()),
                String::from_utf8_lossy(v.as_bytes())
            );
            units.extend(T::encode(&s));
            units.push(T::default());
        }
        units.push(T::default());
        let bytes = units.len() * std::mem::size_of::<T>();
        let p = crate::memory::local_alloc(bytes)?.cast::<T>();
        // SAFETY: a fresh block of `bytes` bytes.
        unsafe { std::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len()) };
        Ok(p)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetEnvironmentStringsA() -> *mut c_char {
    env_block::<u8>().cast()
}

#[unsafe(no_mangle)]
pub extern "C" fn GetEnvironmentStringsW() -> *mut WCHAR {
    env_block::<u16>()
}

fn free_block(p: *mut c_void) -> BOOL {
    if crate::memory::LocalFree(p).is_null() {
        TRUE
    } else {
        FALSE
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn FreeEnvironmentStringsA(p: *mut c_char) -> BOOL {
    free_block(p.cast())
}

#[unsafe(no_mangle)]
pub extern "C" fn FreeEnvironmentStringsW(p: *mut WCHAR) -> BOOL {
    free_block(p.cast())
}

/// `%NAME%` replaced by the variable's value when it exists; otherwise left as written.
pub(crate) fn expand(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('%') {
            Some(j) if j > 0 => match var(&after[..j]) {
                Some(v) => {
                    out.push_str(&v);
                    rest = &after[j + 1..];
                }
                None => {
                    out.push('%');
                    out.push_str(&after[..j]);
                    rest = &after[j..];
                }
            },
            _ => {
                out.push('%');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

unsafe fn expand_env<T: Unit>(src: *const T, dst: *mut T, size: u32) -> u32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let s = unsafe { text_arg(src) }?.ok_or_else(noaccess)?;
        let e = expand(&s);
        let n = T::encode(&e).len() as u32;
        if n < size {
            put(dst, size, &e)?;
        }
        Ok(n + 1) // the size including the terminator, in either case
    })
}

/// # Safety
/// `src` NUL-terminated; `dst` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExpandEnvironmentStringsA(
    s: *const c_char,
    d: *mut c_char,
    n: u32,
) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { expand_env(s.cast::<u8>(), d.cast::<u8>(), n) }
}

/// # Safety
/// As `ExpandEnvironmentStringsA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ExpandEnvironmentStringsW(s: *const WCHAR, d: *mut WCHAR, n: u32) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { expand_env(s, d, n) }
}

// ---- directories ---------------------------------------------------------------------------

fn current_dir() -> R<String> {
    let d = std::env::current_dir()?;
    Ok(String::from_utf8_lossy(d.as_os_str().as_bytes()).into_owned())
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetCurrentDirectoryA(size: u32, buf: *mut c_char) -> u32 {
    ffi(0, || put(buf.cast::<u8>(), size, &current_dir()?))
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetCurrentDirectoryW(size: u32, buf: *mut WCHAR) -> u32 {
    ffi(0, || put(buf, size, &current_dir()?))
}

unsafe fn set_dir<T: Unit>(p: *const T) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let p = unsafe { text_arg(p) }?.ok_or_else(noaccess)?;
        let p = linux_path(&p);
        let m = std::fs::metadata(&p).map_err(|e| path_error(&p, e))?;
        if !m.is_dir() {
            return Err(Fail(code::ERROR_DIRECTORY));
        }
        std::env::set_current_dir(&p).map_err(|e| path_error(&p, e))?;
        Ok(())
    })
}

/// # Safety
/// `p` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetCurrentDirectoryA(p: *const c_char) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_dir(p.cast::<u8>()) }
}

/// # Safety
/// `p` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetCurrentDirectoryW(p: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { set_dir(p) }
}

/// Windows' system directory (`C:\Windows\System32`, the system's programs): `/usr/bin`.
const SYSTEM_DIRECTORY: &str = "/usr/bin";
/// Windows' directory (`C:\Windows`): `/usr`.
const WINDOWS_DIRECTORY: &str = "/usr";

/// `GetWindowsDirectory`'s answer (where a profile file named without a directory is).
pub(crate) fn windows_directory() -> &'static str {
    WINDOWS_DIRECTORY
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemDirectoryA(buf: *mut c_char, size: u32) -> u32 {
    ffi(0, || put(buf.cast::<u8>(), size, SYSTEM_DIRECTORY))
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemDirectoryW(buf: *mut WCHAR, size: u32) -> u32 {
    ffi(0, || put(buf, size, SYSTEM_DIRECTORY))
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetWindowsDirectoryA(buf: *mut c_char, size: u32) -> u32 {
    ffi(0, || put(buf.cast::<u8>(), size, WINDOWS_DIRECTORY))
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetWindowsDirectoryW(buf: *mut WCHAR, size: u32) -> u32 {
    ffi(0, || put(buf, size, WINDOWS_DIRECTORY))
}

fn temp_path() -> String {
    let mut t = std::env::var_os("TMPDIR")
        .filter(|v| !v.is_empty())
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_else(|| "/tmp".to_owned());
    if !t.ends_with('/') {
        t.push('/');
    }
    t
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTempPathA(size: u32, buf: *mut c_char) -> u32 {
    ffi(0, || put(buf.cast::<u8>(), size, &temp_path()))
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTempPathW(size: u32, buf: *mut WCHAR) -> u32 {
    ffi(0, || put(buf, size, &temp_path()))
}

const MAX_PATH: u32 = 260;

unsafe fn temp_file_name<T: Unit>(
    dir: *const T,
    prefix: *const T,
    unique: u32,
    out: *mut T,
) -> u32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let dir = unsafe { text_arg(dir) }?.ok_or_else(noaccess)?;
        // SAFETY: the caller's contract.
        let prefix = unsafe { text_arg(prefix) }?.unwrap_or_default();
        let mut dir = linux_path(&dir);
        if !dir.ends_with('/') {
            dir.push('/');
        }
        let prefix: String = prefix.chars().take(3).collect();
        let name = |u: u32| format!("{dir}{prefix}{:X}.tmp", u & 0xFFFF);
        let (path, used) = if unique != 0 {
            (name(unique), unique & 0xFFFF)
        } else {
            if !std::path::Path::new(&dir).is_dir() {
                return Err(Fail(code::ERROR_DIRECTORY));
            }
            let seed = (winipc_sys::time::monotonic_ns() as u32 ^ std::process::id()) & 0xFFFF;
            let mut found = None;
            for k in 0..0x10000u32 {
                let u = ((seed + k) & 0xFFFF).max(1);
                let p = name(u);
                match std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&p)
                {
                    Ok(_) => {
                        found = Some((p, u));
                        break;
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                    Err(e) => return Err(e.into()),
                }
            }
            found.ok_or(Fail(code::ERROR_FILE_EXISTS_ALL))?
        };
        if T::encode(&path).len() >= MAX_PATH as usize {
            return Err(Fail(code::ERROR_BUFFER_OVERFLOW));
        }
        put(out, MAX_PATH, &path)?;
        Ok(used)
    })
}

/// # Safety
/// `dir`, `prefix` NUL-terminated (prefix may be NULL); `out` valid for `MAX_PATH` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTempFileNameA(
    dir: *const c_char,
    prefix: *const c_char,
    unique: u32,
    out: *mut c_char,
) -> u32 {
    // SAFETY: the caller's contract.
    unsafe {
        temp_file_name(
            dir.cast::<u8>(),
            prefix.cast::<u8>(),
            unique,
            out.cast::<u8>(),
        )
    }
}

/// # Safety
/// As `GetTempFileNameA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetTempFileNameW(
    dir: *const WCHAR,
    prefix: *const WCHAR,
    unique: u32,
    out: *mut WCHAR,
) -> u32 {
    // SAFETY: the caller's contract.
    unsafe { temp_file_name(dir, prefix, unique, out) }
}

// ---- modules (dlopen) ----------------------------------------------------------------------

/// Module handles given out (dlopen handles), so that others are refused, not crashed on.
static MODULES: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

fn remember(h: *mut c_void) -> *mut c_void {
    let mut m = MODULES.lock().unwrap_or_else(|e| e.into_inner());
    m.get_or_insert_with(HashSet::new).insert(h as usize);
    h
}

fn known(h: *mut c_void) -> bool {
    MODULES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .is_some_and(|m| m.contains(&(h as usize)))
}

/// The file libwinipc itself was loaded from (the program, when linked statically).
fn own_path() -> Option<String> {
    let mut info = std::mem::MaybeUninit::<libc::Dl_info>::zeroed();
    // SAFETY: dladdr fills `info` for an address inside a loaded object.
    let ok = unsafe { libc::dladdr(GetProcAddress as *const c_void, info.as_mut_ptr()) };
    // SAFETY: initialised (zeroed, then filled on success).
    let info = unsafe { info.assume_init() };
    if ok == 0 || info.dli_fname.is_null() {
        return None;
    }
    // SAFETY: dladdr's file name is a NUL-terminated string owned by the loader.
    let s = unsafe { std::ffi::CStr::from_ptr(info.dli_fname) };
    Some(s.to_string_lossy().into_owned())
}

/// The names a module name may have on Linux: `kernel32` (any case, `.dll` optional) is
/// libwinipc; `x.dll` is tried as `x.dll`, `libx.so`, `x.so`; other names as given.
fn module_candidates(name: &str) -> Vec<String> {
    let path = linux_path(name);
    let lower = path.to_ascii_lowercase();
    let stem = lower.strip_suffix(".dll").map(|_| &path[..path.len() - 4]);
    let base = stem.unwrap_or(&path);
    if ["kernel32", "kernelbase"].contains(&base.to_ascii_lowercase().as_str()) {
        return own_path().into_iter().collect();
    }
    let mut v = vec![path.clone()];
    if let Some(stem) = stem
        && !stem.contains('/')
    {
        v.push(format!("lib{stem}.so"));
        v.push(format!("{stem}.so"));
    }
    v
}

fn dlopen(name: Option<&str>, flags: i32) -> *mut c_void {
    match name {
        // SAFETY: dlopen(NULL) names the program itself.
        None => unsafe { libc::dlopen(std::ptr::null(), flags) },
        Some(n) => {
            let Ok(c) = CString::new(n) else {
                return null_mut();
            };
            // SAFETY: a NUL-terminated file name.
            unsafe { libc::dlopen(c.as_ptr(), flags) }
        }
    }
}

pub(crate) fn load(name: Option<String>, only_loaded: bool) -> R<*mut c_void> {
    let flags = libc::RTLD_LAZY | if only_loaded { libc::RTLD_NOLOAD } else { 0 };
    let Some(name) = name else {
        return Ok(remember(dlopen(None, flags)));
    };
    for c in module_candidates(&name) {
        let h = dlopen(Some(&c), flags);
        if !h.is_null() {
            return Ok(remember(h));
        }
    }
    Err(Fail(code::ERROR_MOD_NOT_FOUND))
}

/// # Safety
/// `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleHandleA(name: *const c_char) -> *mut c_void {
    // SAFETY: the caller's contract.
    ffi(null_mut(), || {
        // SAFETY: the caller's contract.
        let name = unsafe { arg_a(name, Text::Other) }?;
        load(name, true)
    })
}

/// # Safety
/// `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleHandleW(name: *const WCHAR) -> *mut c_void {
    // SAFETY: the caller's contract.
    ffi(null_mut(), || {
        // SAFETY: the caller's contract.
        let name = unsafe { arg_w(name, Text::Other) }?;
        load(name, true)
    })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn LoadLibraryA(name: *const c_char) -> *mut c_void {
    ffi(null_mut(), || {
        // SAFETY: the caller's contract.
        let n = unsafe { arg_a(name, Text::Other) }?.ok_or_else(|| invalid_parameter("NULL"))?;
        load(Some(n), false)
    })
}

/// # Safety
/// `name` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn LoadLibraryW(name: *const WCHAR) -> *mut c_void {
    ffi(null_mut(), || {
        // SAFETY: the caller's contract.
        let n = unsafe { arg_w(name, Text::Other) }?.ok_or_else(|| invalid_parameter("NULL"))?;
        load(Some(n), false)
    })
}

/// # Safety
/// `name` NUL-terminated (or an ordinal below 0x10000).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcAddress(module: *mut c_void, name: *const c_char) -> *mut c_void {
    ffi(null_mut(), || {
        if !known(module) {
            return Err(invalid_handle());
        }
        if (name as usize) < 0x10000 {
            return Err(Fail(code::ERROR_PROC_NOT_FOUND)); // ordinals do not exist here
        }
        // SAFETY: the caller's contract.
        let n = unsafe { checked_cstr(name) }?.ok_or_else(noaccess)?;
        let c = CString::new(n).map_err(|_| Fail(code::ERROR_PROC_NOT_FOUND))?;
        // SAFETY: a handle from dlopen and a NUL-terminated name.
        let p = unsafe { libc::dlsym(module, c.as_ptr()) };
        if p.is_null() {
            return Err(Fail(code::ERROR_PROC_NOT_FOUND));
        }
        Ok(p)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FreeLibrary(module: *mut c_void) -> BOOL {
    ffi_bool(|| {
        if !known(module) {
            return Err(invalid_handle());
        }
        // SAFETY: a handle from dlopen; dlclose drops one reference.
        unsafe { libc::dlclose(module) };
        Ok(())
    })
}

pub(crate) fn module_path(module: *mut c_void) -> R<String> {
    let exe = || -> R<String> {
        let p = std::fs::read_link("/proc/self/exe")?;
        Ok(String::from_utf8_lossy(&p.into_os_string().into_vec()).into_owned())
    };
    if module.is_null() {
        return exe();
    }
    if !known(module) {
        return Err(Fail(code::ERROR_MOD_NOT_FOUND));
    }
    let mut lm: *mut libc::c_void = null_mut();
    // SAFETY: RTLD_DI_LINKMAP stores a `struct link_map *` for a valid handle.
    if unsafe { libc::dlinfo(module, libc::RTLD_DI_LINKMAP, (&raw mut lm).cast()) } != 0
        || lm.is_null()
    {
        return Err(Fail(code::ERROR_MOD_NOT_FOUND));
    }
    // SAFETY: `struct link_map` starts with l_addr, then l_name (a NUL-terminated string).
    let name = unsafe { *(lm.cast::<usize>().add(1).cast::<*const c_char>()) };
    // SAFETY: the loader's string.
    let s = (!name.is_null()).then(|| unsafe { std::ffi::CStr::from_ptr(name) });
    match s.map(|s| s.to_string_lossy().into_owned()) {
        Some(s) if !s.is_empty() => Ok(s),
        _ => exe(), // the program itself has an empty name
    }
}

/// `GetModuleFileName`'s convention: truncated to `size - 1` units and terminated, returning
/// `size` with `ERROR_INSUFFICIENT_BUFFER`, when the name does not fit.
pub(crate) fn put_truncating<T: Unit>(dst: *mut T, size: u32, s: &str) -> R<u32> {
    let units = T::encode(s);
    if size == 0 {
        set_last_error(code::ERROR_INSUFFICIENT_BUFFER);
        return Ok(0);
    }
    let n = units.len().min(size as usize - 1);
    if !writable(dst.cast(), (n + 1) * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: checked writable for n + 1 units.
    unsafe { copy_terminated(dst, n + 1, &units[..n]) };
    if n < units.len() {
        set_last_error(code::ERROR_INSUFFICIENT_BUFFER);
        return Ok(size);
    }
    Ok(n as u32)
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleFileNameA(m: *mut c_void, buf: *mut c_char, size: u32) -> u32 {
    ffi(0, || {
        put_truncating(buf.cast::<u8>(), size, &module_path(m)?)
    })
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleFileNameW(m: *mut c_void, buf: *mut WCHAR, size: u32) -> u32 {
    ffi(0, || put_truncating(buf, size, &module_path(m)?))
}

// ---- startup information -------------------------------------------------------------------

/// # Safety
/// `si` valid for a `STARTUPINFO` write.
unsafe fn startup_info(si: *mut crate::process::StartupInfo, wide: bool) {
    // SAFETY: the caller's contract; an invalid pointer is skipped.
    unsafe { write_opt(si, crate::process::own_startup_info(wide)) };
}

/// # Safety
/// `si` valid for a `STARTUPINFOA` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetStartupInfoA(si: *mut crate::process::StartupInfo) {
    // SAFETY: the caller's contract.
    unsafe { startup_info(si, false) }
}

/// # Safety
/// `si` valid for a `STARTUPINFOW` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetStartupInfoW(si: *mut crate::process::StartupInfo) {
    // SAFETY: the caller's contract.
    unsafe { startup_info(si, true) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(linux_path(r"C:\tmp\x.txt"), "/tmp/x.txt");
        assert_eq!(linux_path(r"dir\x.txt"), "dir/x.txt");
        assert_eq!(linux_path(r"c:x.txt"), "x.txt");
        assert_eq!(linux_path("/usr/bin"), "/usr/bin");
    }

    #[test]
    fn expansion() {
        assert_eq!(expand("%NO_SUCH_VAR_WINIPC%x"), "%NO_SUCH_VAR_WINIPC%x");
        assert_eq!(expand("100%"), "100%");
        assert_eq!(expand("%%"), "%%");
        let home = std::env::var("PATH").unwrap_or_default();
        assert_eq!(expand("a%PATH%b"), format!("a{home}b"));
    }
}
