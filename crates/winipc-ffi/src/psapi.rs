//! The process status API (`psapi.h`) from `/proc`: `EnumProcesses`, `EnumProcessModules`,
//! `GetModuleBaseName`, `GetModuleFileNameEx`, `GetProcessImageFileName`,
//! `GetProcessMemoryInfo`. A process has one module here, its program: the calling process's
//! is `GetModuleHandle(NULL)`, another's a stand-in value.

use std::ffi::{c_char, c_void};
use std::os::unix::ffi::OsStringExt;

use crate::env::{Unit, load, module_path, put_truncating};
use crate::handle::{ProcArg, pid_of, process_arg};
use crate::util::*;

/// The module handle `EnumProcessModules` gives for another process's program.
const OTHER_MAIN_MODULE: usize = 0x40_0000;

/// The process a psapi call is about, and whether it is the caller.
fn target(h: HANDLE) -> R<(u32, bool)> {
    let p = process_arg(h)?;
    let current = matches!(p, ProcArg::Current);
    let pid = pid_of(p)?;
    Ok((pid, current || pid == std::process::id()))
}

/// # Safety
/// `ids` valid for `cb` bytes; `needed` valid for a DWORD write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EnumProcesses(ids: *mut DWORD, cb: DWORD, needed: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        out_ok(needed)?;
        if needed.is_null() {
            return Err(noaccess());
        }
        let mut pids: Vec<u32> = std::fs::read_dir("/proc")?
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect();
        pids.sort_unstable();
        let fit = (cb as usize / 4).min(pids.len());
        if fit > 0 {
            if ids.is_null() || !writable(ids.cast(), fit * 4) {
                return Err(noaccess());
            }
            // SAFETY: checked writable for `fit` DWORDs.
            unsafe { std::ptr::copy_nonoverlapping(pids.as_ptr(), ids, fit) };
        }
        // SAFETY: checked writable above.
        unsafe { write_opt(needed, (fit * 4) as DWORD) };
        Ok(())
    })
}

/// # Safety
/// `mods` valid for `cb` bytes; `needed` valid for a DWORD write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn EnumProcessModules(
    h: HANDLE,
    mods: *mut *mut c_void,
    cb: DWORD,
    needed: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        let (_, me) = target(h)?;
        out_ok(needed)?;
        if needed.is_null() {
            return Err(noaccess());
        }
        let main = if me {
            load(None, true)?
        } else {
            OTHER_MAIN_MODULE as *mut c_void
        };
        let size = std::mem::size_of::<*mut c_void>();
        if cb as usize >= size {
            if mods.is_null() || !writable(mods.cast(), size) {
                return Err(noaccess());
            }
            // SAFETY: checked writable for one pointer.
            unsafe { mods.write_unaligned(main) };
        }
        // SAFETY: checked writable above.
        unsafe { write_opt(needed, size as DWORD) };
        Ok(())
    })
}

/// The program's path of process `pid`.
fn exe_of(pid: u32) -> R<String> {
    let p = std::fs::read_link(format!("/proc/{pid}/exe")).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied => Fail(code::ERROR_ACCESS_DENIED),
        _ => Fail(code::ERROR_INVALID_HANDLE),
    })?;
    Ok(String::from_utf8_lossy(&p.into_os_string().into_vec()).into_owned())
}

/// The full path of module `m` of the process `h`.
fn module_file(h: HANDLE, m: *mut c_void) -> R<String> {
    let (pid, me) = target(h)?;
    if me {
        return module_path(m);
    }
    if m.is_null() || m as usize == OTHER_MAIN_MODULE {
        return exe_of(pid);
    }
    Err(Fail(code::ERROR_INVALID_HANDLE))
}

fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// # Safety
/// `buf` valid for `size` chars.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleBaseNameA(
    h: HANDLE,
    m: *mut c_void,
    buf: *mut c_char,
    size: DWORD,
) -> DWORD {
    ffi(0, || {
        put_truncating(buf.cast::<u8>(), size, base_name(&module_file(h, m)?))
    })
}

/// # Safety
/// `buf` valid for `size` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleBaseNameW(
    h: HANDLE,
    m: *mut c_void,
    buf: *mut WCHAR,
    size: DWORD,
) -> DWORD {
    ffi(0, || {
        put_truncating(buf, size, base_name(&module_file(h, m)?))
    })
}

/// # Safety
/// `buf` valid for `size` chars.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleFileNameExA(
    h: HANDLE,
    m: *mut c_void,
    buf: *mut c_char,
    size: DWORD,
) -> DWORD {
    ffi(0, || {
        put_truncating(buf.cast::<u8>(), size, &module_file(h, m)?)
    })
}

/// # Safety
/// `buf` valid for `size` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetModuleFileNameExW(
    h: HANDLE,
    m: *mut c_void,
    buf: *mut WCHAR,
    size: DWORD,
) -> DWORD {
    ffi(0, || put_truncating(buf, size, &module_file(h, m)?))
}

fn image_file_name<T: Unit>(h: HANDLE, buf: *mut T, size: DWORD) -> DWORD {
    ffi(0, || {
        let (pid, _) = target(h)?;
        put_truncating(buf, size, &exe_of(pid)?)
    })
}

/// `GetProcessImageFileNameA`: the program's path (a Linux path, not a device path).
///
/// # Safety
/// `buf` valid for `size` chars.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessImageFileNameA(
    h: HANDLE,
    buf: *mut c_char,
    size: DWORD,
) -> DWORD {
    image_file_name(h, buf.cast::<u8>(), size)
}

/// # Safety
/// `buf` valid for `size` WCHARs.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessImageFileNameW(
    h: HANDLE,
    buf: *mut WCHAR,
    size: DWORD,
) -> DWORD {
    image_file_name(h, buf, size)
}

/// `PROCESS_MEMORY_COUNTERS_EX` (the plain one is its first 72 bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct MemoryCounters {
    cb: DWORD,
    page_fault_count: DWORD,
    peak_working_set_size: usize,
    working_set_size: usize,
    quota_peak_paged_pool_usage: usize,
    quota_paged_pool_usage: usize,
    quota_peak_non_paged_pool_usage: usize,
    quota_non_paged_pool_usage: usize,
    pagefile_usage: usize,
    peak_pagefile_usage: usize,
    private_usage: usize,
}

/// `/proc/<pid>/status` fields, in bytes.
fn status_kb(status: &str, key: &str) -> usize {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse::<usize>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// `GetProcessMemoryInfo`: the working set is the resident set (`VmRSS`, peak `VmHWM`), the
/// pagefile usage (and private usage) the process's private data (`VmData`, peak `VmPeak`),
/// the page faults minor plus major; the pool quotas are 0.
///
/// # Safety
/// `pmc` valid for `cb` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessMemoryInfo(
    h: HANDLE,
    pmc: *mut MemoryCounters,
    cb: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let (pid, _) = target(h)?;
        const PLAIN: usize = 72;
        let full = std::mem::size_of::<MemoryCounters>();
        if (cb as usize) < PLAIN {
            return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
        }
        let n = (cb as usize).min(full);
        if pmc.is_null() || !writable(pmc.cast(), n) {
            return Err(noaccess());
        }
        let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
            .map_err(|_| Fail(code::ERROR_INVALID_HANDLE))?;
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let faults: u64 = stat
            .rsplit_once(')')
            .map(|(_, rest)| {
                let f: Vec<&str> = rest.split_whitespace().collect();
                // After the name: state(0) ppid(1) ... minflt(7) cminflt(8) majflt(9).
                [7, 9]
                    .iter()
                    .filter_map(|&i| f.get(i)?.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        let data = status_kb(&status, "VmData");
        let c = MemoryCounters {
            cb: n as DWORD,
            page_fault_count: faults.min(u64::from(u32::MAX)) as DWORD,
            peak_working_set_size: status_kb(&status, "VmHWM"),
            working_set_size: status_kb(&status, "VmRSS"),
            pagefile_usage: data,
            peak_pagefile_usage: status_kb(&status, "VmPeak").max(data),
            private_usage: data,
            ..MemoryCounters::default()
        };
        // SAFETY: checked writable for `n` bytes, at most the structure's size.
        unsafe { std::ptr::copy_nonoverlapping((&raw const c).cast::<u8>(), pmc.cast::<u8>(), n) };
        Ok(())
    })
}

/// `QueryFullProcessImageNameA/W`: the program's path (a Linux path; `PROCESS_NAME_NATIVE`
/// gives the same). `*size` is the buffer's size in characters on entry and the length written
/// (without the terminator) on return; too small -> `ERROR_INSUFFICIENT_BUFFER`.
///
/// # Safety
/// `buf` valid for `*size` units; `size` valid for a `DWORD` read and write.
unsafe fn full_image_name<T: Unit>(h: HANDLE, flags: DWORD, buf: *mut T, size: *mut DWORD) -> BOOL {
    const PROCESS_NAME_NATIVE: DWORD = 1;
    ffi_bool(|| {
        if flags & !PROCESS_NAME_NATIVE != 0 {
            return Err(invalid_parameter("dwFlags"));
        }
        // SAFETY: the caller's contract (NULL or unreadable -> ERROR_NOACCESS).
        let cap = unsafe { read_req(size) }? as usize;
        let (pid, _) = target(h)?;
        let units = T::encode(&exe_of(pid)?);
        if units.len() >= cap {
            return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
        }
        if buf.is_null() || !writable(buf.cast(), (units.len() + 1) * std::mem::size_of::<T>()) {
            return Err(noaccess());
        }
        // SAFETY: checked writable for the path and its terminator.
        unsafe { copy_terminated(buf, units.len() + 1, &units) };
        // SAFETY: as above.
        unsafe { write_req(size, units.len() as DWORD) }
    })
}

/// # Safety
/// As [`full_image_name`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryFullProcessImageNameA(
    h: HANDLE,
    flags: DWORD,
    buf: *mut c_char,
    size: *mut DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { full_image_name(h, flags, buf.cast::<u8>(), size) }
}

/// # Safety
/// As [`full_image_name`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryFullProcessImageNameW(
    h: HANDLE,
    flags: DWORD,
    buf: *mut WCHAR,
    size: *mut DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { full_image_name(h, flags, buf, size) }
}
