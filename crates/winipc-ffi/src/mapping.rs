//! File mappings: `CreateFileMapping`, `OpenFileMapping`, `MapViewOfFile(Ex)`,
//! `UnmapViewOfFile`, `FlushViewOfFile` over `winipc::FileMapping`.
//!
//! The views this process mapped are kept by address, so that `UnmapViewOfFile` and
//! `FlushViewOfFile` accept any address inside a view, as Windows does.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void};
use std::fs::File;
use std::os::fd::BorrowedFd;
use std::ptr::null_mut;
use std::sync::Mutex;

use winipc_core::{FileMapping, MappedView, Protection, ViewAccess};

use crate::handle::{H, classify, raw_of, restrict_opened, to_handle};
use crate::util::*;

const PAGE_READONLY: DWORD = 0x02;
const PAGE_READWRITE: DWORD = 0x04;
const PAGE_WRITECOPY: DWORD = 0x08;
const PAGE_EXECUTE_READ: DWORD = 0x20;
const PAGE_EXECUTE_READWRITE: DWORD = 0x40;
const PAGE_EXECUTE_WRITECOPY: DWORD = 0x80;
const FILE_MAP_COPY: DWORD = 0x01;
const FILE_MAP_WRITE: DWORD = 0x02;
const FILE_MAP_READ: DWORD = 0x04;
const ERROR_INVALID_ADDRESS: u32 = 487;

/// The views this process mapped, by base address.
static VIEWS: Mutex<BTreeMap<usize, MappedView>> = Mutex::new(BTreeMap::new());

fn views() -> std::sync::MutexGuard<'static, BTreeMap<usize, MappedView>> {
    VIEWS.lock().unwrap_or_else(|e| e.into_inner())
}

fn protection(p: DWORD) -> R<Protection> {
    // The SEC_* attributes (SEC_COMMIT, SEC_RESERVE, ...) are in the high bits: memory is
    // committed on first touch either way.
    match p & 0xff {
        PAGE_READONLY | PAGE_EXECUTE_READ => Ok(Protection::ReadOnly),
        PAGE_READWRITE | PAGE_EXECUTE_READWRITE => Ok(Protection::ReadWrite),
        PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY => Ok(Protection::WriteCopy),
        _ => Err(invalid_parameter("flProtect")),
    }
}

/// The file behind `h` (a descriptor handle from `CreateFile`), checked against what the
/// protection needs.
fn file_of(h: HANDLE, protection: Protection) -> R<File> {
    let H::Std(fd) = classify(h)? else {
        return Err(invalid_handle());
    };
    // SAFETY: `fcntl(F_GETFL)` only reads the descriptor's flags; a closed fd yields -1.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags < 0 {
        return Err(invalid_handle());
    }
    if protection == Protection::ReadWrite && flags & libc::O_ACCMODE != libc::O_RDWR {
        return Err(Fail(code::ERROR_ACCESS_DENIED));
    }
    // SAFETY: the descriptor is open (checked above) and stays open for this call; we only
    // duplicate it.
    let borrowed = unsafe { BorrowedFd::borrow_raw(fd) };
    Ok(File::from(
        borrowed.try_clone_to_owned().map_err(Fail::from)?,
    ))
}

/// # Safety
/// `sa` NULL or valid.
unsafe fn create(
    file: HANDLE,
    sa: *const SecurityAttributes,
    protect: DWORD,
    high: DWORD,
    low: DWORD,
    name: R<Option<String>>,
) -> HANDLE {
    ffi(null_mut(), || {
        let name = name?.filter(|n| !n.is_empty());
        let protection = protection(protect)?;
        // SAFETY: forwarded contract.
        let sec = unsafe { security(sa) }?;
        let size = u64::from(high) << 32 | u64::from(low);
        let file = match file as usize {
            usize::MAX => None, // INVALID_HANDLE_VALUE: memory of winipc's own
            _ => Some(file_of(file, protection)?),
        };
        let m = FileMapping::make(name.as_deref(), size, protection, file.as_ref(), &sec)?;
        set_last_error(if m.already_existed() {
            code::ERROR_ALREADY_EXISTS
        } else {
            code::ERROR_SUCCESS
        });
        Ok(to_handle(m.into_handle().into_raw()))
    })
}

fn open(access: DWORD, inherit: BOOL, name: R<Option<String>>) -> HANDLE {
    ffi(null_mut(), || {
        let name = name?.ok_or_else(|| invalid_parameter("lpName is NULL"))?;
        let h = FileMapping::open(&name)?.into_handle();
        if inherit != 0 {
            h.set_inheritable(true)?;
        }
        let h = to_handle(h.into_raw());
        restrict_opened(raw_of(h)?, access)?;
        Ok(h)
    })
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateFileMappingA(
    file: HANDLE,
    sa: *const SecurityAttributes,
    protect: DWORD,
    high: DWORD,
    low: DWORD,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { create(file, sa, protect, high, low, arg_a(name, Text::Name)) }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateFileMappingW(
    file: HANDLE,
    sa: *const SecurityAttributes,
    protect: DWORD,
    high: DWORD,
    low: DWORD,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { create(file, sa, protect, high, low, arg_w(name, Text::Name)) }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenFileMappingA(
    access: DWORD,
    inherit: BOOL,
    name: *const c_char,
) -> HANDLE {
    // SAFETY: the caller's contract.
    open(access, inherit, unsafe { arg_a(name, Text::Name) })
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenFileMappingW(
    access: DWORD,
    inherit: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: the caller's contract.
    open(access, inherit, unsafe { arg_w(name, Text::Name) })
}

fn map(
    h: HANDLE,
    access: DWORD,
    high: DWORD,
    low: DWORD,
    len: usize,
    base: *mut c_void,
) -> *mut c_void {
    ffi(null_mut(), || {
        if !base.is_null() {
            // A chosen address would have to replace whatever is mapped there.
            return Err(Fail(ERROR_INVALID_ADDRESS));
        }
        let how = if access & FILE_MAP_WRITE != 0 {
            ViewAccess::ReadWrite
        } else if access & FILE_MAP_COPY != 0 {
            ViewAccess::CopyOnWrite
        } else if access & FILE_MAP_READ != 0 {
            ViewAccess::Read
        } else {
            return Err(invalid_parameter("dwDesiredAccess"));
        };
        let r = raw_of(h)?;
        let view = winipc_core::raw::map_view(r, how, u64::from(high) << 32 | u64::from(low), len)?;
        let p = view.as_ptr();
        views().insert(p as usize, view);
        Ok(p.cast())
    })
}

/// `MapViewOfFile`.
#[unsafe(no_mangle)]
pub extern "C" fn MapViewOfFile(
    h: HANDLE,
    access: DWORD,
    high: DWORD,
    low: DWORD,
    len: usize,
) -> *mut c_void {
    map(h, access, high, low, len, null_mut())
}

/// `MapViewOfFileEx`: only a NULL `lpBaseAddress` (the system chooses) is supported.
#[unsafe(no_mangle)]
pub extern "C" fn MapViewOfFileEx(
    h: HANDLE,
    access: DWORD,
    high: DWORD,
    low: DWORD,
    len: usize,
    base: *mut c_void,
) -> *mut c_void {
    map(h, access, high, low, len, base)
}

/// The base of the view containing `addr`.
fn view_at(v: &BTreeMap<usize, MappedView>, addr: usize) -> Option<usize> {
    v.range(..=addr)
        .next_back()
        .filter(|(base, view)| addr < *base + view.len())
        .map(|(base, _)| *base)
}

/// `UnmapViewOfFile`: any address inside a view unmaps the whole view.
#[unsafe(no_mangle)]
pub extern "C" fn UnmapViewOfFile(addr: *const c_void) -> BOOL {
    ffi_bool(|| {
        let view = {
            let mut v = views();
            let base = view_at(&v, addr as usize).ok_or(Fail(ERROR_INVALID_ADDRESS))?;
            v.remove(&base)
        };
        drop(view); // unmapped outside the lock
        Ok(())
    })
}

/// `FlushViewOfFile`: `len` 0 flushes to the end of the view.
#[unsafe(no_mangle)]
pub extern "C" fn FlushViewOfFile(addr: *const c_void, len: usize) -> BOOL {
    ffi_bool(|| {
        let v = views();
        let base = view_at(&v, addr as usize).ok_or(Fail(ERROR_INVALID_ADDRESS))?;
        v[&base].flush(addr as usize - base, len)?;
        Ok(())
    })
}
