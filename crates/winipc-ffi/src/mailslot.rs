//! Mailslots and the file functions on them: `CreateMailslot`, `CreateFile`, `ReadFile`,
//! `WriteFile` (on a handle in overlapped mode through the engine of `overlapped`; on any other
//! handle synchronously, with an optional OVERLAPPED filled as a completion),
//! `GetMailslotInfo`, `SetMailslotInfo`.

use std::ffi::{c_char, c_void};

use winipc_core::{
    Error, MAILSLOT_NO_MESSAGE, Mailslot, MailslotName, MailslotOptions, MailslotTarget,
    MailslotWriter, RawHandle, raw,
};

use crate::handle::{H, classify, raw_of, raw_value, to_handle};
use crate::overlapped::{Side, complete_sync};
use crate::util::*;

const OPEN_EXISTING: DWORD = 3;
const FILE_FLAG_OVERLAPPED: DWORD = 0x4000_0000;

/// # Safety
/// `sa` NULL or valid.
unsafe fn create_mailslot(
    name: R<Option<String>>,
    max_message_size: DWORD,
    read_timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        let name = name?.ok_or(Error::PathNotFound)?;
        let opts = MailslotOptions {
            max_message_size,
            read_timeout,
            // SAFETY: forwarded contract.
            security: unsafe { security(sa) }?,
            ..Default::default()
        };
        let slot = Mailslot::create_with(&name, opts)?;
        set_last_error(code::ERROR_SUCCESS);
        Ok(to_handle(slot.into_handle().into_raw()))
    })
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string; `sa` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMailslotA(
    name: *const c_char,
    max_message_size: DWORD,
    read_timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { create_mailslot(arg_a(name, Text::Name), max_message_size, read_timeout, sa) }
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string; `sa` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateMailslotW(
    name: *const WCHAR,
    max_message_size: DWORD,
    read_timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { create_mailslot(arg_w(name, Text::Name), max_message_size, read_timeout, sa) }
}

/// Whether `name` is meant as a mailslot (`\\X\mailslot\...`, case-insensitive).
fn looks_like_mailslot(name: &str) -> bool {
    name.strip_prefix(r"\\")
        .and_then(|r| r.split_once('\\'))
        .is_some_and(|(_, rest)| {
            rest.get(..9)
                .is_some_and(|k| k.eq_ignore_ascii_case("mailslot\\"))
                || rest.eq_ignore_ascii_case("mailslot")
        })
}

fn create_file(
    name: R<Option<String>>,
    access: DWORD,
    disposition: DWORD,
    flags: DWORD,
    inherit: bool,
) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        let name = name?.ok_or(Error::PathNotFound)?;
        if crate::namedpipe::looks_like_pipe(&name) {
            return crate::namedpipe::open_client(&name, access, flags, inherit);
        }
        if !looks_like_mailslot(&name) {
            return crate::files::open(&name, access, disposition, flags, inherit);
        }
        let parsed = MailslotName::parse(&name)?;
        if disposition != OPEN_EXISTING {
            return Err(invalid_parameter(
                "dwCreationDisposition must be OPEN_EXISTING",
            ));
        }
        // FILE_FLAG_OVERLAPPED is accepted: a mailslot write never waits, so each one completes
        // at once (TRUE, with the OVERLAPPED filled and its event set).
        let _ = flags & FILE_FLAG_OVERLAPPED;
        // \\THIS-COMPUTER\mailslot\x is the local slot.
        let local = match &parsed.target {
            MailslotTarget::Local => true,
            MailslotTarget::Remote(host) => crate::misc::computer_name().eq_ignore_ascii_case(host),
            MailslotTarget::AllInDomain => false,
        };
        let target = if local { parsed.local_form() } else { name };
        let w = if inherit {
            MailslotWriter::open_inheritable(&target)?
        } else {
            MailslotWriter::open(&target)?
        };
        set_last_error(code::ERROR_SUCCESS);
        Ok(to_handle(w.into_handle().into_raw()))
    })
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-8 string; `sa` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateFileA(
    name: *const c_char,
    access: DWORD,
    _share: DWORD,
    sa: *const SecurityAttributes,
    disposition: DWORD,
    flags: DWORD,
    _template: HANDLE,
) -> HANDLE {
    // SAFETY: the caller's contract.
    let (name, inherit) = unsafe { (arg_a(name, Text::Name), inherit_of(sa)) };
    create_file(name, access, disposition, flags, inherit)
}

/// # Safety
/// `name` NULL or a NUL-terminated UTF-16 string; `sa` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateFileW(
    name: *const WCHAR,
    access: DWORD,
    _share: DWORD,
    sa: *const SecurityAttributes,
    disposition: DWORD,
    flags: DWORD,
    _template: HANDLE,
) -> HANDLE {
    // SAFETY: the caller's contract.
    let (name, inherit) = unsafe { (arg_w(name, Text::Name), inherit_of(sa)) };
    create_file(name, access, disposition, flags, inherit)
}

/// # Safety
/// `buf` NULL or valid for `len` bytes of writes; `read` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReadFile(
    h: HANDLE,
    buf: *mut c_void,
    len: DWORD,
    read: *mut DWORD,
    overlapped: *mut c_void,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { write_opt(read, 0) };
    if overlapped.is_null()
        && let Some(r) = raw_value(h)
        && !read.is_null()
        // SAFETY: the caller's contract.
        && let Some(b) = unsafe { bytes_mut_hot(buf, len) }
    {
        // The hot path: a core handle (a mailslot's, or the core reports what else it is),
        // no OVERLAPPED, a count pointer and a good buffer: what the general path below does
        // for it, without its dispatch and argument checks (a failed check takes the general
        // path, which reports it).
        // SAFETY: the caller's contract.
        return unsafe { read_raw_fast(r, b, read) };
    }
    // SAFETY: the caller's contract.
    unsafe { read_file_general(h, buf, len, read, overlapped) }
}

/// `ReadFile`'s hot path: one message read into `b` (checked) from core handle `r`.
///
/// # Safety
/// `read` valid for a `DWORD` write.
#[inline(always)]
unsafe fn read_raw_fast(r: RawHandle, b: &mut [u8], read: *mut DWORD) -> BOOL {
    let p = boundary_packed(|| crate::fastpath::read(r, b));
    // A count is below 2^32; a failure is `PACKED_FAILED | code` (one compare, where the bit
    // test took a 64-bit constant's materialization).
    if p >= raw::PACKED_FAILED {
        return failed(p as u32);
    }
    // SAFETY: the caller's contract.
    unsafe { read.write(p as u32) };
    TRUE
}

/// `ReadFile` on any other handle, with an OVERLAPPED, or with arguments the hot path above
/// does not take (no count pointer, a bad buffer: checked and reported here). Out of line: the hot path then saves and restores fewer registers.
///
/// # Safety
/// As `ReadFile`.
#[inline(never)]
unsafe fn read_file_general(
    h: HANDLE,
    buf: *mut c_void,
    len: DWORD,
    read: *mut DWORD,
    overlapped: *mut c_void,
) -> BOOL {
    if overlapped.is_null()
        && let Some(r) = raw_value(h)
    {
        // SAFETY: the caller's contract.
        return unsafe { read_raw(r, buf, len, read) };
    }
    let ov = overlapped.cast::<OVERLAPPED>();
    if let Some(t) = crate::overlapped::target_of(h) {
        // SAFETY: the caller's contract (buffer and OVERLAPPED valid until completion).
        return unsafe { crate::overlapped::transfer(h, t, Side::Read, buf, len, read, ov, None) };
    }
    if let Ok(H::Std(fd)) = classify(h)
        && let Some(p) = crate::namedpipe::end_of_fd(fd)
    {
        // SAFETY: the caller's contract.
        return unsafe { read_pipe(h, &p, buf, len, read, ov) };
    }
    // SAFETY: the caller's contract: NULL or a valid OVERLAPPED.
    let offset = unsafe { file_offset(ov) };
    // SAFETY: the caller's contract: NULL or a valid OVERLAPPED, and `buf` valid for `len`.
    let r = || unsafe { complete_sync(h, ov, || read_file(h, buf, len, offset)) };
    // SAFETY: the caller's contract.
    unsafe { transfer(r, read, ov.is_null()) }
}

/// `ReadFile` on core handle `r` without an OVERLAPPED: the count pointer is required
/// (`ERROR_INVALID_PARAMETER`), the buffer probed (`ERROR_NOACCESS`), then one message read.
///
/// # Safety
/// `buf` NULL or valid for `len` bytes of writes; `read` NULL or valid for a `DWORD` write.
unsafe fn read_raw(r: RawHandle, buf: *mut c_void, len: DWORD, read: *mut DWORD) -> BOOL {
    let out = boundary(|| {
        if read.is_null() {
            return Err(invalid_parameter("lpNumberOfBytes is NULL").0);
        }
        // SAFETY: the caller's contract.
        let b = unsafe { bytes_mut(buf, len as usize) }.map_err(|f| f.0)?;
        raw::mailslot_read_win32(r, b)
    });
    match out {
        Ok(n) => {
            // SAFETY: the caller's contract; checked non-NULL (the body succeeded).
            unsafe { read.write(n) };
            TRUE
        }
        Err(code) => failed(code),
    }
}

/// `WriteFile` on core handle `r` without an OVERLAPPED: as [`read_raw`], one message sent.
///
/// # Safety
/// `buf` NULL or valid for `len` bytes of reads; `written` NULL or valid for a `DWORD` write.
unsafe fn write_raw(r: RawHandle, buf: *const c_void, len: DWORD, written: *mut DWORD) -> BOOL {
    let out = boundary(|| {
        if written.is_null() {
            return Err(invalid_parameter("lpNumberOfBytes is NULL").0);
        }
        // SAFETY: the caller's contract.
        let msg = unsafe { bytes(buf, len as usize) }.map_err(|f| f.0)?;
        raw::mailslot_write_win32(r, msg)
    });
    match out {
        Ok(()) => {
            // SAFETY: the caller's contract; checked non-NULL (the body succeeded).
            unsafe { written.write(len) };
            TRUE
        }
        Err(code) => failed(code),
    }
}

/// `ReadFile` on a named-pipe end without `FILE_FLAG_OVERLAPPED`: a message that does not
/// fit fails with `ERROR_MORE_DATA` and still reports the bytes read.
///
/// # Safety
/// As `ReadFile`.
unsafe fn read_pipe(
    h: HANDLE,
    p: &crate::namedpipe::PipeEnd,
    buf: *mut c_void,
    len: DWORD,
    read: *mut DWORD,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        if ov.is_null() && read.is_null() {
            return Err(invalid_parameter("lpNumberOfBytesRead is NULL"));
        }
        // SAFETY: the caller's contract.
        let b = unsafe { bytes_mut(buf, len as usize) }?;
        // SAFETY: the caller's contract.
        let o = unsafe {
            crate::overlapped::complete_sync_pipe(h, ov, || crate::namedpipe::read_sync(p, b))
        };
        // With an OVERLAPPED the count is reported for a full success only (a short message
        // read, ERROR_MORE_DATA, has its count in `InternalHigh`), as on Windows.
        let n = if ov.is_null() || o.win32() == 0 {
            o.bytes
        } else {
            0
        };
        // SAFETY: the caller's contract.
        unsafe { write_opt(read, n as DWORD) };
        match o.win32() {
            0 => Ok(()),
            c => Err(Fail(c)),
        }
    })
}

/// Runs `ReadFile`/`WriteFile`'s transfer `io` and stores its count through `done`, which is
/// required (checked before anything is transferred) without an OVERLAPPED and optional with
/// one. The last error is set on failure.
///
/// # Safety
/// `done` NULL or valid for a `DWORD` write.
#[inline]
unsafe fn transfer(io: impl FnOnce() -> R<usize>, done: *mut DWORD, required: bool) -> BOOL {
    ffi_bool(|| {
        if required && done.is_null() {
            return Err(invalid_parameter("lpNumberOfBytes is NULL"));
        }
        let n = io()?;
        // SAFETY: the caller's contract.
        unsafe { write_opt(done, n as DWORD) };
        Ok(())
    })
}

/// The file position an `OVERLAPPED` names (`Offset`, `OffsetHigh`), if one is given.
///
/// # Safety
/// `ov` NULL or valid for reads of an `OVERLAPPED`.
#[inline]
unsafe fn file_offset(ov: *const OVERLAPPED) -> Option<i64> {
    // SAFETY: the caller's contract.
    unsafe { read_opt(ov) }.map(|o| (i64::from(o.OffsetHigh) << 32) | i64::from(o.Offset))
}

/// Whether `fd` has a file position (a pipe or terminal has none; an OVERLAPPED's offset is
/// then ignored, as Windows ignores it for such devices).
fn seekable(fd: i32) -> bool {
    // SAFETY: lseek on a descriptor number.
    unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) >= 0 }
}

/// After a transfer at an OVERLAPPED's offset, the file pointer follows it (as on Windows for
/// handles without FILE_FLAG_OVERLAPPED).
fn advance(fd: i32, offset: i64, n: usize) {
    // SAFETY: lseek on a descriptor number.
    unsafe { libc::lseek(fd, offset + n as i64, libc::SEEK_SET) };
}

/// # Safety
/// `buf` NULL or valid for `len` bytes of writes.
#[inline]
unsafe fn read_file(h: HANDLE, buf: *mut c_void, len: DWORD, offset: Option<i64>) -> R<usize> {
    let what = classify(h)?;
    // SAFETY: the caller's contract.
    let buf = unsafe { bytes_mut(buf, len as usize) }?;
    let n = match what {
        H::Raw(r) => raw::mailslot_read(r, buf)?,
        H::Std(fd) => {
            let at = offset.filter(|_| seekable(fd));
            crate::fslock::check_io(fd, at, buf.len(), false)?;
            let n = loop {
                // SAFETY: `buf` is a valid writable slice.
                let n = unsafe {
                    match at {
                        Some(o) => libc::pread(fd, buf.as_mut_ptr().cast(), buf.len(), o),
                        None => libc::read(fd, buf.as_mut_ptr().cast(), buf.len()),
                    }
                };
                if n < 0
                    && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                {
                    continue;
                }
                if n == 0 {
                    // End of file; for a pipe, every write end is closed.
                    break crate::pipe::eof_result(fd, buf.len())?;
                }
                break crate::files::fd_result(fd, n)?;
            };
            if let Some(o) = at {
                advance(fd, o, n);
            }
            n
        }
        H::CurrentProcess | H::CurrentThread | H::Local(_) => return Err(invalid_handle()),
    };
    Ok(n)
}

/// # Safety
/// `buf` NULL or valid for `len` bytes of reads; `written` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WriteFile(
    h: HANDLE,
    buf: *const c_void,
    len: DWORD,
    written: *mut DWORD,
    overlapped: *mut c_void,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { write_opt(written, 0) };
    if overlapped.is_null()
        && let Some(r) = raw_value(h)
        && !written.is_null()
        // SAFETY: the caller's contract.
        && let Some(msg) = unsafe { bytes_hot(buf, len) }
    {
        // The hot path, as in `ReadFile`.
        let p = boundary_packed(|| crate::fastpath::write(r, msg));
        // As in `ReadFile`: a failure is `PACKED_FAILED | code`, success 0.
        if p >= raw::PACKED_FAILED {
            return failed(p as u32);
        }
        // SAFETY: the caller's contract; checked non-NULL.
        unsafe { written.write(len) };
        return TRUE;
    }
    // SAFETY: the caller's contract.
    unsafe { write_file_general(h, buf, len, written, overlapped) }
}

/// `WriteFile` on any other handle, with an OVERLAPPED, or with arguments its hot path does
/// not take (out of line, as for `ReadFile`).
///
/// # Safety
/// As `WriteFile`.
#[inline(never)]
unsafe fn write_file_general(
    h: HANDLE,
    buf: *const c_void,
    len: DWORD,
    written: *mut DWORD,
    overlapped: *mut c_void,
) -> BOOL {
    if overlapped.is_null()
        && let Some(r) = raw_value(h)
    {
        // SAFETY: the caller's contract.
        return unsafe { write_raw(r, buf, len, written) };
    }
    let ov = overlapped.cast::<OVERLAPPED>();
    if let Some(t) = crate::overlapped::target_of(h) {
        // SAFETY: the caller's contract (buffer and OVERLAPPED valid until completion).
        return unsafe {
            crate::overlapped::transfer(h, t, Side::Write, buf.cast_mut(), len, written, ov, None)
        };
    }
    if let Ok(H::Std(fd)) = classify(h)
        && let Some(p) = crate::namedpipe::end_of_fd(fd)
    {
        // SAFETY: the caller's contract.
        return unsafe { crate::namedpipe::write_pipe(h, &p, buf, len, written, ov) };
    }
    // SAFETY: the caller's contract: NULL or a valid OVERLAPPED.
    let offset = unsafe { file_offset(ov) };
    // SAFETY: the caller's contract: NULL or a valid OVERLAPPED, and `buf` valid for `len`.
    let w = || unsafe { complete_sync(h, ov, || write_file(h, buf, len, offset)) };
    // SAFETY: the caller's contract.
    unsafe { transfer(w, written, ov.is_null()) }
}

/// # Safety
/// `buf` NULL or valid for `len` bytes of reads.
#[inline]
unsafe fn write_file(h: HANDLE, buf: *const c_void, len: DWORD, offset: Option<i64>) -> R<usize> {
    let what = classify(h)?;
    // SAFETY: the caller's contract.
    let msg = unsafe { bytes(buf, len as usize) }?;
    match what {
        H::Raw(r) => raw::mailslot_write(r, msg)?,
        H::Std(fd) if let Some(p) = crate::namedpipe::end_of_fd(fd) => {
            return crate::namedpipe::write_sync(&p, msg);
        }
        H::Std(fd) => {
            let at = offset.filter(|_| seekable(fd));
            crate::fslock::check_io(fd, at, msg.len(), true)?;
            let mut rest = msg;
            while !rest.is_empty() {
                let done = (msg.len() - rest.len()) as i64;
                // SAFETY: `rest` is a valid readable slice.
                let n = unsafe {
                    crate::pipe::write_no_sigpipe(
                        fd,
                        rest.as_ptr(),
                        rest.len(),
                        at.map(|o| o + done),
                    )
                }?;
                if n < 0
                    && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
                {
                    continue;
                }
                rest = &rest[crate::files::fd_result(fd, n)?..];
            }
            if let Some(o) = at {
                advance(fd, o, msg.len());
            }
        }
        H::CurrentProcess | H::CurrentThread | H::Local(_) => return Err(invalid_handle()),
    }
    Ok(len as usize)
}

/// # Safety
/// Each out-pointer is NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetMailslotInfo(
    h: HANDLE,
    max_message_size: *mut DWORD,
    next_size: *mut DWORD,
    message_count: *mut DWORD,
    read_timeout: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        let i = raw::mailslot_info(raw_of(h)?)?;
        // SAFETY: the caller's contract (all optional).
        unsafe {
            write_opt(max_message_size, i.max_message_size);
            write_opt(next_size, i.next_size.unwrap_or(MAILSLOT_NO_MESSAGE));
            write_opt(message_count, i.message_count);
            write_opt(read_timeout, i.read_timeout);
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SetMailslotInfo(h: HANDLE, read_timeout: DWORD) -> BOOL {
    ffi_bool(|| Ok(raw::mailslot_set_read_timeout(raw_of(h)?, read_timeout)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mailslot_names() {
        assert!(looks_like_mailslot(r"\\.\mailslot\x"));
        assert!(looks_like_mailslot(r"\\HOST\MailSlot\x\y"));
        assert!(looks_like_mailslot(r"\\.\mailslot"));
        assert!(!looks_like_mailslot(r"\\.\pipe\x"));
        assert!(!looks_like_mailslot("/tmp/file"));
        assert!(!looks_like_mailslot("blah"));
    }
}
