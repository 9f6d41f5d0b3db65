//! The C boundary: Win32 types, the thread-local last error, panic containment, and the only
//! places where C pointers are read or written.

use std::cell::Cell;
use std::ffi::{CStr, c_char, c_void};
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};

use winipc_core::Error;

use crate::probe::Access;

pub(crate) type HANDLE = *mut c_void;
pub(crate) type BOOL = i32;
pub(crate) type DWORD = u32;
pub(crate) type LONG = i32;
pub(crate) type WCHAR = u16;

pub(crate) const TRUE: BOOL = 1;
pub(crate) const FALSE: BOOL = 0;

/// Win32 codes the C layer reports itself, for conditions that never reach the core (bad
/// pointers, CreateProcess directories, buffer sizes). Every error *from the core* goes
/// through [`Error::win32_code`] instead.
pub(crate) mod code {
    pub use winipc_core::code::*;
    pub const ERROR_BUFFER_OVERFLOW: u32 = 111;
    pub const ERROR_DIRECTORY: u32 = 267;
    pub const ERROR_MR_MID_NOT_FOUND: u32 = 317;
    pub const ERROR_NOACCESS: u32 = 998;
    pub const ERROR_BAD_EXE_FORMAT: u32 = 193;
    pub const ERROR_IO_INCOMPLETE: u32 = 996;
    pub const ERROR_NOT_LOCKED: u32 = 158;
    pub const ERROR_NO_MORE_FILES: u32 = 18;
    pub const ERROR_BAD_LENGTH: u32 = 24;
    pub const ERROR_MOD_NOT_FOUND: u32 = 126;
    pub const ERROR_PROC_NOT_FOUND: u32 = 127;
    pub const ERROR_ENVVAR_NOT_FOUND: u32 = 203;
    pub const ERROR_FILE_EXISTS_ALL: u32 = 80; // ERROR_FILE_EXISTS
    pub const ERROR_TOO_MANY_OPEN_FILES: u32 = 4;
    pub const ERROR_INVALID_FUNCTION: u32 = 1;
    pub const ERROR_HANDLE_EOF: u32 = 38;
    pub const ERROR_OPERATION_ABORTED: u32 = 995;
    pub const ERROR_MORE_DATA: u32 = 234;
    pub const ERROR_BAD_PIPE: u32 = 230;
    pub const ERROR_PIPE_BUSY: u32 = 231;
    pub const ERROR_PIPE_NOT_CONNECTED: u32 = 233;
    pub const ERROR_PIPE_LISTENING: u32 = 536;
}

// ---- OVERLAPPED ----------------------------------------------------------------------------

/// `OVERLAPPED` as `windows.h` lays it out (32 bytes on LP64).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct OVERLAPPED {
    /// The transfer's NTSTATUS.
    pub Internal: usize,
    /// Bytes transferred.
    pub InternalHigh: usize,
    pub Offset: u32,
    pub OffsetHigh: u32,
    pub hEvent: HANDLE,
}

impl OVERLAPPED {
    /// The completion event, if any. Bit 0 of `hEvent` only suppresses completion-port
    /// notification on Windows; it is not part of the handle.
    pub(crate) fn event(&self) -> Option<winipc_core::RawHandle> {
        let v = self.hEvent as usize & !1;
        (v != 0).then(|| winipc_core::RawHandle::try_from(v).unwrap_or(0))
    }
}

pub(crate) const STATUS_SUCCESS: usize = 0;
pub(crate) const STATUS_PENDING: usize = 0x103;

/// Win32 errors and the NTSTATUS values Windows stores in `OVERLAPPED.Internal` for them
/// (the pairs `RtlNtStatusToDosError` maps), for the errors a transfer can end with here.
const NTSTATUS: [(u32, usize); 20] = [
    (code::ERROR_INVALID_HANDLE, 0xC000_0008),
    (code::ERROR_INVALID_PARAMETER, 0xC000_000D),
    (code::ERROR_ACCESS_DENIED, 0xC000_0022),
    (code::ERROR_INSUFFICIENT_BUFFER, 0xC000_0023),
    (code::ERROR_SEM_TIMEOUT, 0xC000_00B5),
    (code::ERROR_BROKEN_PIPE, 0xC000_014B),
    (code::ERROR_NOACCESS, 0xC000_0005),
    (code::ERROR_FILE_CORRUPT, 0xC000_0102),
    (code::ERROR_HANDLE_EOF, 0xC000_0011), // STATUS_END_OF_FILE
    (code::ERROR_OPERATION_ABORTED, 0xC000_0120), // STATUS_CANCELLED
    (code::ERROR_NO_DATA, 0xC000_00B1),    // STATUS_PIPE_CLOSING
    (code::ERROR_PIPE_NOT_CONNECTED, 0xC000_00B0), // STATUS_PIPE_DISCONNECTED
    (code::ERROR_PIPE_LISTENING, 0xC000_00B3), // STATUS_PIPE_LISTENING
    (code::ERROR_BAD_PIPE, 0xC000_00AD),   // STATUS_INVALID_PIPE_STATE
    (code::ERROR_PIPE_BUSY, 0xC000_00AE),  // STATUS_PIPE_BUSY
    (code::ERROR_NOT_ENOUGH_MEMORY, 0xC000_0017), // STATUS_NO_MEMORY
    (code::ERROR_NOT_SUPPORTED, 0xC000_00BB), // STATUS_NOT_SUPPORTED
    (code::ERROR_DISK_FULL, 0xC000_007F),  // STATUS_DISK_FULL
    (code::ERROR_INVALID_FUNCTION, 0xC000_0010), // STATUS_INVALID_DEVICE_REQUEST
    (code::ERROR_NOT_ENOUGH_QUOTA, 0xC000_0044), // STATUS_QUOTA_EXCEEDED
];
/// `STATUS_BUFFER_OVERFLOW`: a warning, not an error: the message did not fit, the buffer
/// holds its beginning (`ERROR_MORE_DATA`).
pub(crate) const STATUS_BUFFER_OVERFLOW: usize = 0x8000_0005;
/// `STATUS_UNSUCCESSFUL`, for any other failure (it maps back to `ERROR_GEN_FAILURE`).
const STATUS_UNSUCCESSFUL: usize = 0xC000_0001;

/// The NTSTATUS a failed transfer leaves in `OVERLAPPED.Internal`.
pub(crate) fn ntstatus_of(win32: u32) -> usize {
    if win32 == code::ERROR_MORE_DATA {
        return STATUS_BUFFER_OVERFLOW;
    }
    NTSTATUS
        .iter()
        .find(|(w, _)| *w == win32)
        .map_or(STATUS_UNSUCCESSFUL, |(_, s)| *s)
}

/// The Win32 error for an `OVERLAPPED.Internal` value; 0 for success (any non-error status).
pub(crate) fn win32_of_ntstatus(status: usize) -> u32 {
    if status == STATUS_BUFFER_OVERFLOW {
        return code::ERROR_MORE_DATA;
    }
    if status as u32 & 0xC000_0000 != 0xC000_0000 {
        return code::ERROR_SUCCESS;
    }
    NTSTATUS
        .iter()
        .find(|(_, s)| *s == status)
        .map_or(code::ERROR_GEN_FAILURE, |(w, _)| *w)
}

thread_local! {
    static LAST_ERROR: Cell<u32> = const { Cell::new(0) };
}

pub(crate) fn set_last_error(code: u32) {
    LAST_ERROR.with(|e| e.set(code));
}

pub(crate) fn last_error() -> u32 {
    LAST_ERROR.with(|e| e.get())
}

/// A failed call: the Win32 code `GetLastError` will report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fail(pub u32);

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail(e.win32_code())
    }
}

impl From<io::Error> for Fail {
    fn from(e: io::Error) -> Fail {
        Fail(Error::win32_code_of(&e))
    }
}

pub(crate) type R<T> = Result<T, Fail>;

/// `ERROR_INVALID_PARAMETER` through the core's mapping.
pub(crate) fn invalid_parameter(what: &'static str) -> Fail {
    Error::InvalidParameter(what).into()
}

/// `INVALID_HANDLE_VALUE`, `(HANDLE)-1` (the same value as `GetCurrentProcess()`).
pub(crate) const INVALID_HANDLE_VALUE: HANDLE = usize::MAX as HANDLE;

pub(crate) fn invalid_handle() -> Fail {
    Error::InvalidHandle.into()
}

pub(crate) fn not_supported(what: &'static str) -> Fail {
    Error::NotSupported(what).into()
}

pub(crate) fn noaccess() -> Fail {
    Fail(code::ERROR_NOACCESS)
}

/// Runs the body of an exported function: an `Err` sets the last error and returns `failed`;
/// a panic is contained (it never unwinds into C) and reported as `ERROR_GEN_FAILURE`.
#[inline(always)]
pub(crate) fn ffi<T>(failed: T, body: impl FnOnce() -> R<T>) -> T {
    crate::threadctl::enter_library();
    let r = catch_unwind(AssertUnwindSafe(body));
    crate::threadctl::leave_library();
    match r {
        Ok(Ok(v)) => v,
        Ok(Err(Fail(code))) => {
            set_last_error(code);
            failed
        }
        Err(_) => {
            set_last_error(code::ERROR_GEN_FAILURE);
            failed
        }
    }
}

/// The boundary of a hot path whose body reports a failure as its Win32 code (`ReadFile` /
/// `WriteFile` on a mailslot): as [`ffi`], but the outcome stays in registers and the last
/// error is left to the caller ([`failed`]), so that the path that succeeds carries no
/// packing of a `Result<T, Fail>` (issue 16).
#[inline(always)]
pub(crate) fn boundary<T>(body: impl FnOnce() -> Result<T, u32>) -> Result<T, u32> {
    crate::threadctl::enter_library();
    let r = catch_unwind(AssertUnwindSafe(body));
    crate::threadctl::leave_library();
    match r {
        Ok(r) => r,
        Err(payload) => {
            drop(payload);
            Err(code::ERROR_GEN_FAILURE)
        }
    }
}

/// [`boundary`] for a body whose outcome is packed in one word (`winipc::raw`'s
/// `mailslot_read_packed`): a panic becomes [`winipc::raw::PACKED_FAILED`] with
/// `ERROR_GEN_FAILURE`.
#[inline(always)]
pub(crate) fn boundary_packed(body: impl FnOnce() -> u64) -> u64 {
    crate::threadctl::enter_library();
    let r = catch_unwind(AssertUnwindSafe(body));
    crate::threadctl::leave_library();
    match r {
        Ok(p) => p,
        Err(payload) => {
            drop(payload);
            winipc_core::raw::PACKED_FAILED | u64::from(code::ERROR_GEN_FAILURE)
        }
    }
}

/// A failed call with Win32 code `code`: sets the last error, returns `FALSE`.
#[cold]
#[inline(never)]
pub(crate) fn failed(code: u32) -> BOOL {
    set_last_error(code);
    FALSE
}

/// [`ffi`] for functions returning `BOOL`.
#[inline(always)]
pub(crate) fn ffi_bool(body: impl FnOnce() -> R<()>) -> BOOL {
    ffi(FALSE, || body().map(|()| TRUE))
}

// ---- pointers ------------------------------------------------------------------------------

/// Writes `v` through an optional out-pointer; NULL is skipped.
///
/// # Safety
/// `p` is NULL or valid for a write of `T` (aligned).
pub(crate) unsafe fn write_opt<T>(p: *mut T, v: T) {
    // Functions where Windows reports ERROR_NOACCESS for a bad pointer check it with `out_ok`
    // first; elsewhere a bad pointer faults, as it does on Windows.
    if !p.is_null() {
        // SAFETY: non-NULL, and the caller guarantees validity.
        unsafe { p.write(v) }
    }
}

/// An optional out-pointer that is NULL or writable; otherwise `ERROR_NOACCESS`.
pub(crate) fn out_ok<T>(p: *mut T) -> R<()> {
    if p.is_null() || writable(p.cast(), std::mem::size_of::<T>()) {
        Ok(())
    } else {
        Err(noaccess())
    }
}

/// Writes `v` through a required out-pointer; NULL fails with `ERROR_NOACCESS` (where Windows
/// would fault).
///
/// # Safety
/// `p` is NULL or valid for a write of `T` (aligned).
pub(crate) unsafe fn write_req<T>(p: *mut T, v: T) -> R<()> {
    if p.is_null() || !writable(p.cast(), std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: non-NULL, and the caller guarantees validity.
    unsafe { p.write(v) };
    Ok(())
}

/// Reads a required in-pointer.
///
/// # Safety
/// `p` is NULL or valid for a read of `T`.
pub(crate) unsafe fn read_req<T: Copy>(p: *const T) -> R<T> {
    if p.is_null() || !readable(p.cast(), std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: non-NULL, and the caller guarantees validity.
    Ok(unsafe { p.read() })
}

/// Reads an optional in-pointer.
///
/// # Safety
/// `p` is NULL or valid for a read of `T`.
pub(crate) unsafe fn read_opt<T: Copy>(p: *const T) -> Option<T> {
    // SAFETY: the caller guarantees validity when non-NULL.
    (!p.is_null()).then(|| unsafe { p.read() })
}

/// A byte buffer from C; NULL is allowed only for length 0.
///
/// # Safety
/// `p` is NULL or valid for `len` bytes of reads for `'a`.
#[inline]
pub(crate) unsafe fn bytes<'a>(p: *const c_void, len: usize) -> R<&'a [u8]> {
    if len == 0 {
        return Ok(&[]);
    }
    if p.is_null() || !readable(p, len) {
        return Err(noaccess());
    }
    // SAFETY: non-NULL, len > 0, validity guaranteed by the caller.
    Ok(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len) })
}

/// [`bytes`] on a hot path ([`crate::probe::probe_hot`]: one touch for a buffer within one
/// page), or `None` for a bad buffer or before the probe is installed, which the caller hands
/// to its general path (that one installs the probe and reports the error). Needs no library
/// boundary: it takes no lock and installs nothing.
///
/// # Safety
/// `p` is NULL or valid for `len` bytes of reads for `'a`.
#[inline(always)]
pub(crate) unsafe fn bytes_hot<'a>(p: *const c_void, len: u32) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if !crate::probe::probe_hot(p as usize, len, Access::Read) {
        return None;
    }
    // SAFETY: probed (so not NULL, not wrapping), len > 0, validity guaranteed by the caller.
    Some(unsafe { std::slice::from_raw_parts(p.cast::<u8>(), len as usize) })
}

/// [`bytes_mut`] on a hot path, as [`bytes_hot`] (the caller owns the buffer for the call, as
/// `ReadFile`'s: the probe writes back plainly).
///
/// # Safety
/// `p` is NULL or valid for `len` bytes of reads and writes for `'a`, not aliased.
#[inline(always)]
pub(crate) unsafe fn bytes_mut_hot<'a>(p: *mut c_void, len: u32) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if !crate::probe::probe_hot(p as usize, len, Access::WriteOwned) {
        return None;
    }
    // SAFETY: probed (so not NULL, not wrapping), len > 0, validity and exclusivity guaranteed
    // by the caller.
    Some(unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len as usize) })
}

/// A mutable byte buffer from C; NULL is allowed only for length 0.
///
/// # Safety
/// `p` is NULL or valid for `len` bytes of reads and writes for `'a`, not aliased.
#[inline]
pub(crate) unsafe fn bytes_mut<'a>(p: *mut c_void, len: usize) -> R<&'a mut [u8]> {
    if len == 0 {
        return Ok(&mut []);
    }
    // The caller's exclusive use of the buffer for the call lets the probe write back plainly.
    if p.is_null() || !writable_owned(p, len) {
        return Err(noaccess());
    }
    // SAFETY: non-NULL, len > 0, validity and exclusivity guaranteed by the caller.
    Ok(unsafe { std::slice::from_raw_parts_mut(p.cast::<u8>(), len) })
}

/// [`bytes_mut`] for `WCHAR` buffers: `len` units.
///
/// # Safety
/// `p` is NULL or valid (and aligned) for `len` units of reads and writes for `'a`, not
/// aliased.
#[inline]
pub(crate) unsafe fn units_mut<'a>(p: *mut WCHAR, len: usize) -> R<&'a mut [u16]> {
    if len == 0 {
        return Ok(&mut []);
    }
    if p.is_null() || !writable_owned(p.cast(), len.checked_mul(2).ok_or_else(noaccess)?) {
        return Err(noaccess());
    }
    // SAFETY: non-NULL, len > 0, validity, alignment and exclusivity guaranteed by the caller.
    Ok(unsafe { std::slice::from_raw_parts_mut(p, len) })
}

/// A NUL-terminated `char` string (NULL → `None`).
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn cstr<'a>(p: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: the caller guarantees a NUL-terminated string when non-NULL.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_bytes())
}

/// A NUL-terminated `WCHAR` string (NULL → `None`), without the terminator.
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated UTF-16 string valid for `'a`.
pub(crate) unsafe fn wstr<'a>(p: *const WCHAR) -> Option<&'a [u16]> {
    if p.is_null() {
        return None;
    }
    let mut n = 0usize;
    // SAFETY: the string is NUL-terminated, so every unit up to the terminator is readable.
    while unsafe { p.add(n).read() } != 0 {
        n += 1;
    }
    // SAFETY: the `n` units before the terminator were just read.
    Some(unsafe { std::slice::from_raw_parts(p, n) })
}

// ---- pointers Windows protects: probed, never dereferenced blindly ---------------------------
//
// Where Windows catches an access violation (string functions such as `lstrlen`, kernel-side
// reads and writes of buffers, which then fail with `ERROR_NOACCESS`), winipc first checks
// the memory with `process_vm_readv`/`process_vm_writev` on its own process: the kernel
// reports `EFAULT` for an unmapped or protected range instead of delivering `SIGSEGV`. (If a
// sandbox refuses these calls, the memory is taken as valid, as before.)

const PAGE: usize = 4096;

fn iov(p: *const c_void, len: usize) -> libc::iovec {
    libc::iovec {
        iov_base: p.cast_mut(),
        iov_len: len,
    }
}

/// Copies up to `dst.len()` bytes from address `src` of this process; the number copied (less
/// at the first fault), or `None` when the kernel refuses the call itself.
fn copy_in(src: usize, dst: &mut [u8]) -> Option<usize> {
    let local = iov(dst.as_mut_ptr().cast(), dst.len());
    let remote = iov(src as *const c_void, dst.len());
    // SAFETY: the local iovec is a live buffer of that length; the remote one is only read by
    // the kernel, which checks it.
    let n = unsafe { libc::process_vm_readv(libc::getpid(), &local, 1, &remote, 1, 0) };
    if n >= 0 {
        return Some(n as usize);
    }
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EFAULT) => Some(0),
        _ => None,
    }
}

/// Whether the `len` bytes at `p` are readable (one byte per page is checked).
#[inline]
pub(crate) fn readable(p: *const c_void, len: usize) -> bool {
    probe(p as usize, len, Access::Read)
}

/// Whether the `len` bytes at `p` are writable: one byte per page is read and written back
/// unchanged.
#[inline]
pub(crate) fn writable(p: *mut c_void, len: usize) -> bool {
    probe(p as usize, len, Access::Write)
}

/// [`writable`] for a buffer the call owns until it returns (no other thread may use it
/// meanwhile, as for `ReadFile`'s): the byte is written back with a plain store.
#[inline]
fn writable_owned(p: *mut c_void, len: usize) -> bool {
    probe(p as usize, len, Access::WriteOwned)
}

#[inline]
fn probe(start: usize, len: usize, access: Access) -> bool {
    if len == 0 {
        return true;
    }
    if start == 0 || start.checked_add(len).is_none() {
        return false;
    }
    match crate::probe::probe(start, len, access) {
        Some(ok) => ok,
        None => probe_by_syscalls(start, len, access),
    }
}

/// [`probe`] where guarded touches are not available: one byte of every page the range
/// touches, read with `process_vm_readv` and written back with `process_vm_writev`.
#[cold]
#[inline(never)]
fn probe_by_syscalls(start: usize, len: usize, access: Access) -> bool {
    // IOV_MAX pages per system call pair.
    const BATCH: usize = 1024;
    let last = start + len - 1;
    let mut next = Some(start);
    let mut bytes = [0u8; BATCH];
    while next.is_some() {
        let mut remote: Vec<libc::iovec> = Vec::with_capacity(BATCH.min(len / PAGE + 2));
        while let Some(at) = next {
            if remote.len() == BATCH {
                break;
            }
            remote.push(iov(at as *const c_void, 1));
            next = (at < last).then(|| ((at / PAGE + 1) * PAGE).min(last));
        }
        let n = remote.len();
        let local = iov(bytes.as_mut_ptr().cast(), n);
        // SAFETY: the local iovec is a live buffer of `n` bytes; the kernel checks the remote
        // addresses and copies at most one byte from each.
        let got = unsafe {
            libc::process_vm_readv(libc::getpid(), &local, 1, remote.as_ptr(), n as _, 0)
        };
        if got < 0 {
            // EFAULT at the first byte: not readable; any other error: no probe available.
            return std::io::Error::last_os_error().raw_os_error() != Some(libc::EFAULT);
        }
        if got as usize != n {
            return false;
        }
        if access != Access::Read {
            let local = iov(bytes.as_ptr().cast(), n);
            // SAFETY: writes the bytes just read back to the same addresses (the kernel checks
            // them); memory that is readable but read-only fails with EFAULT.
            let put = unsafe {
                libc::process_vm_writev(libc::getpid(), &local, 1, remote.as_ptr(), n as _, 0)
            };
            if put < 0 {
                return std::io::Error::last_os_error().raw_os_error() != Some(libc::EFAULT);
            }
            if put as usize != n {
                return false;
            }
        }
    }
    true
}

/// The number of `T` units before the first zero unit at `p`, or `None` if the memory faults
/// before a terminator.
pub(crate) fn terminated_len<T: Copy + Default + PartialEq>(p: *const T) -> Option<usize> {
    let size = std::mem::size_of::<T>();
    let mut at = p as usize;
    let mut units = 0usize;
    let mut chunk = [0u8; PAGE];
    loop {
        let want = (PAGE - at % PAGE).max(size) / size * size;
        let got = match copy_in(at, &mut chunk[..want]) {
            // Unavailable probe: read directly (the caller vouched for the pointer).
            None => {
                let mut n = 0;
                // SAFETY: the caller's contract of a terminated string.
                while unsafe { p.add(n).read_unaligned() } != T::default() {
                    n += 1;
                }
                return Some(n);
            }
            Some(n) => n,
        };
        for u in chunk[..got].chunks_exact(size) {
            // SAFETY: `u` holds `size_of::<T>()` bytes; `T` is a plain integer type.
            let v = unsafe { u.as_ptr().cast::<T>().read_unaligned() };
            if v == T::default() {
                return Some(units);
            }
            units += 1;
        }
        if got < want {
            return None;
        }
        at += want;
    }
}

/// A NUL-terminated `char` string whose memory is checked first: `Ok(None)` for NULL,
/// `ERROR_NOACCESS` for memory that is not readable up to a terminator.
///
/// # Safety
/// The memory, once found readable, stays valid for `'a`.
pub(crate) unsafe fn checked_cstr<'a>(p: *const c_char) -> R<Option<&'a [u8]>> {
    if p.is_null() {
        return Ok(None);
    }
    let n = terminated_len(p.cast::<u8>()).ok_or_else(noaccess)?;
    // SAFETY: the `n` bytes before the terminator were just found readable.
    Ok(Some(unsafe {
        std::slice::from_raw_parts(p.cast::<u8>(), n)
    }))
}

/// [`checked_cstr`] for `WCHAR` strings.
///
/// # Safety
/// As [`checked_cstr`]; `p` is aligned for `u16`.
pub(crate) unsafe fn checked_wstr<'a>(p: *const WCHAR) -> R<Option<&'a [u16]>> {
    if p.is_null() {
        return Ok(None);
    }
    let n = terminated_len(p).ok_or_else(noaccess)?;
    // SAFETY: the `n` units before the terminator were just found readable.
    Ok(Some(unsafe { std::slice::from_raw_parts(p, n) }))
}

/// Which argument is being converted: names fail with `ERROR_INVALID_NAME`, other strings
/// with `ERROR_INVALID_PARAMETER`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Text {
    Name,
    Other,
}

fn bad_text(t: Text) -> Fail {
    match t {
        Text::Name => Error::InvalidName("not valid UTF-8/UTF-16").into(),
        Text::Other => invalid_parameter("not valid UTF-8/UTF-16"),
    }
}

/// UTF-8 bytes from an A function → `String`.
pub(crate) fn utf8(b: &[u8], t: Text) -> R<String> {
    String::from_utf8(b.to_vec()).map_err(|_| bad_text(t))
}

/// UTF-16 units from a W function → `String` (unpaired surrogates fail).
pub(crate) fn utf16(w: &[u16], t: Text) -> R<String> {
    String::from_utf16(w).map_err(|_| bad_text(t))
}

/// An A string argument (NULL → `None`).
///
/// # Safety
/// As [`cstr`].
pub(crate) unsafe fn arg_a(p: *const c_char, t: Text) -> R<Option<String>> {
    // SAFETY: forwarded contract.
    unsafe { checked_cstr(p) }?.map(|b| utf8(b, t)).transpose()
}

/// A W string argument (NULL → `None`).
///
/// # Safety
/// As [`wstr`].
pub(crate) unsafe fn arg_w(p: *const WCHAR, t: Text) -> R<Option<String>> {
    // SAFETY: forwarded contract.
    unsafe { checked_wstr(p) }?.map(|w| utf16(w, t)).transpose()
}

/// Copies `units` plus a NUL terminator into a C buffer of `cap` units.
///
/// # Safety
/// `dst` is valid for `cap` writes of `T`.
pub(crate) unsafe fn copy_terminated<T: Copy + Default>(dst: *mut T, cap: usize, units: &[T]) {
    debug_assert!(units.len() < cap);
    // SAFETY: units.len() + 1 <= cap, and dst is valid for cap elements.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), dst, units.len());
        dst.add(units.len()).write(T::default());
    }
}

// ---- SECURITY_ATTRIBUTES -------------------------------------------------------------------

/// `SECURITY_ATTRIBUTES` (24 bytes on x86-64).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecurityAttributes {
    pub n_length: DWORD,
    pub security_descriptor: *mut c_void,
    pub inherit_handle: BOOL,
}

/// `SECURITY_DESCRIPTOR` in absolute format (x86-64 layout, 40 bytes).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct SecurityDescriptor {
    pub revision: u8,
    pub sbz1: u8,
    pub control: u16,
    pub owner: *mut c_void,
    pub group: *mut c_void,
    pub sacl: *mut c_void,
    pub dacl: *mut c_void,
}

pub(crate) const SECURITY_DESCRIPTOR_REVISION: u8 = 1;
pub(crate) const SE_DACL_PRESENT: u16 = 0x0004;
pub(crate) const SE_SELF_RELATIVE: u16 = 0x8000;
/// First DWORD of a `WINIPC_UNIX_MODE_DESCRIPTOR` ("WIPC" in memory order).
pub(crate) const WINIPC_UNIX_MODE_MAGIC: u32 = 0x4350_4957;
pub(crate) const DEFAULT_MODE: u32 = 0o600;
pub(crate) const EVERYONE_MODE: u32 = 0o666;

/// The Unix mode a security descriptor stands for (see docs/c-abi.md, "Security attributes").
///
/// # Safety
/// `sd` is NULL, or points to a `WINIPC_UNIX_MODE_DESCRIPTOR` (8 bytes) or a
/// `SECURITY_DESCRIPTOR` (absolute: 40 bytes; self-relative: at least 20 bytes).
pub(crate) unsafe fn descriptor_mode(sd: *const c_void) -> R<u32> {
    if sd.is_null() {
        return Ok(DEFAULT_MODE);
    }
    // SAFETY: every accepted layout has at least 8 readable bytes.
    let head: [u32; 2] = unsafe { sd.cast::<[u32; 2]>().read_unaligned() };
    if head[0] == WINIPC_UNIX_MODE_MAGIC {
        return Ok(head[1] & 0o777);
    }
    let [revision, _sbz1, c0, c1] = head[0].to_le_bytes();
    let control = u16::from_le_bytes([c0, c1]);
    if revision != SECURITY_DESCRIPTOR_REVISION {
        return Err(invalid_parameter("unknown security descriptor"));
    }
    if control & SE_DACL_PRESENT == 0 {
        return Ok(DEFAULT_MODE); // no DACL given: the default (creator only)
    }
    let null_dacl = if control & SE_SELF_RELATIVE != 0 {
        // SAFETY: a self-relative descriptor has 5 DWORDs; the DACL offset is the fifth.
        let words: [u32; 5] = unsafe { sd.cast::<[u32; 5]>().read_unaligned() };
        words[4] == 0
    } else {
        // SAFETY: absolute format, 40 bytes on x86-64 (checked by the caller's contract).
        unsafe { sd.cast::<SecurityDescriptor>().read_unaligned() }
            .dacl
            .is_null()
    };
    // A NULL DACL admits everyone; a real ACL is not interpreted: creator only.
    Ok(if null_dacl {
        EVERYONE_MODE
    } else {
        DEFAULT_MODE
    })
}

/// `SECURITY_ATTRIBUTES` → the core's [`winipc_core::Security`].
///
/// # Safety
/// `sa` is NULL or a valid `SECURITY_ATTRIBUTES` whose descriptor satisfies
/// [`descriptor_mode`].
pub(crate) unsafe fn security(sa: *const SecurityAttributes) -> R<winipc_core::Security> {
    // SAFETY: forwarded contract.
    let Some(sa) = (unsafe { read_opt(sa) }) else {
        return Ok(winipc_core::Security::default());
    };
    Ok(winipc_core::Security {
        inherit: sa.inherit_handle != 0,
        // SAFETY: forwarded contract.
        mode: unsafe { descriptor_mode(sa.security_descriptor) }?,
    })
}

/// Whether `sa` asks for an inheritable handle.
///
/// # Safety
/// `sa` is NULL or a valid `SECURITY_ATTRIBUTES`.
pub(crate) unsafe fn inherit_of(sa: *const SecurityAttributes) -> bool {
    // SAFETY: forwarded contract.
    unsafe { read_opt(sa) }.is_some_and(|s| s.inherit_handle != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffi_contains_panics() {
        let v = ffi(7, || panic!("boom"));
        assert_eq!(v, 7);
        assert_eq!(last_error(), code::ERROR_GEN_FAILURE);
    }

    #[test]
    fn probes() {
        let mut v = vec![7u8; 10 << 20]; // more pages than one system call's batch
        assert!(readable(v.as_ptr().cast(), v.len()));
        assert!(writable(v.as_mut_ptr().cast(), v.len()));
        assert!(v.iter().all(|&b| b == 7)); // written back unchanged
        assert!(!readable(std::ptr::null(), 1));
        assert!(!readable(16 as *const c_void, 4));
        assert!(readable(std::ptr::null(), 0));
        static RO: [u8; 4] = [1, 2, 3, 4];
        assert!(readable(RO.as_ptr().cast(), 4));
        assert!(!writable(RO.as_ptr().cast_mut().cast(), 4)); // read-only data
        assert!(writable_owned(v.as_mut_ptr().cast(), v.len()));
        assert!(v.iter().all(|&b| b == 7)); // written back unchanged
        assert!(!writable_owned(RO.as_ptr().cast_mut().cast(), 4)); // load passes, store faults
        assert!(!writable_owned(16 as *mut c_void, 4)); // the load faults
        // A range running off the end of a mapping.
        // SAFETY: maps two fresh pages and unmaps the second; only probes touch them.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                2 * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            libc::munmap(p.cast::<u8>().add(PAGE).cast(), PAGE);
            assert!(readable(p, PAGE));
            assert!(!readable(p, PAGE + 1));
            assert!(!writable(p, 2 * PAGE));
            assert!(writable_owned(p, PAGE));
            assert!(!writable_owned(p, PAGE + 1));
            libc::munmap(p, PAGE);
        }
        let s = b"abc\0";
        assert_eq!(terminated_len(s.as_ptr()), Some(3));
        assert_eq!(terminated_len(8 as *const u8), None);
    }

    #[test]
    fn descriptor_modes() {
        // SAFETY: pointers to live locals of the documented layouts.
        unsafe {
            assert_eq!(descriptor_mode(std::ptr::null()), Ok(0o600));
            let m: [u32; 2] = [WINIPC_UNIX_MODE_MAGIC, 0o640];
            assert_eq!(descriptor_mode(m.as_ptr().cast()), Ok(0o640));
            let mut sd = SecurityDescriptor {
                revision: 1,
                sbz1: 0,
                control: SE_DACL_PRESENT,
                owner: std::ptr::null_mut(),
                group: std::ptr::null_mut(),
                sacl: std::ptr::null_mut(),
                dacl: std::ptr::null_mut(),
            };
            assert_eq!(descriptor_mode((&raw const sd).cast()), Ok(0o666));
            sd.control = 0;
            assert_eq!(descriptor_mode((&raw const sd).cast()), Ok(0o600));
            sd.revision = 9;
            assert!(descriptor_mode((&raw const sd).cast()).is_err());
        }
    }
}
