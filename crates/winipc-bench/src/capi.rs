//! libwinipc's C ABI, called through its C prototypes exactly as a C program would (the
//! `winipc-ffi` crate is linked as an rlib; these declarations resolve to its `#[no_mangle]`
//! functions). The second module with `unsafe` in the crate, beside [`crate::sys`]: every call
//! passes pointers to live Rust values of the declared sizes, and handles this module made.

use std::ffi::{CString, c_char, c_void};
use std::io;

// Linking the rlib is what provides the symbols declared below.
use winipc_c as _;

type Handle = *mut c_void;

const GENERIC_WRITE: u32 = 0x4000_0000;
const FILE_SHARE_READ: u32 = 1;
const OPEN_EXISTING: u32 = 3;
const INFINITE: u32 = u32::MAX;
const WAIT_OBJECT_0: u32 = 0;
const INVALID_HANDLE_VALUE: Handle = usize::MAX as Handle;

unsafe extern "C" {
    fn CreateMailslotA(name: *const c_char, max: u32, timeout: u32, sa: *const c_void) -> Handle;
    fn CreateFileA(
        name: *const c_char,
        access: u32,
        share: u32,
        sa: *const c_void,
        disposition: u32,
        flags: u32,
        template: Handle,
    ) -> Handle;
    fn ReadFile(h: Handle, buf: *mut c_void, len: u32, read: *mut u32, ov: *mut c_void) -> i32;
    fn WriteFile(h: Handle, buf: *const c_void, len: u32, done: *mut u32, ov: *mut c_void) -> i32;
    fn CreateEventA(sa: *const c_void, manual: i32, initial: i32, name: *const c_char) -> Handle;
    fn SetEvent(h: Handle) -> i32;
    fn WaitForSingleObject(h: Handle, ms: u32) -> u32;
    fn CloseHandle(h: Handle) -> i32;
    fn GetLastError() -> u32;
}

fn last_error(what: &str) -> io::Error {
    // SAFETY: no arguments; reads this thread's last-error value.
    let code = unsafe { GetLastError() };
    io::Error::other(format!("{what} failed, GetLastError() = {code}"))
}

fn c_name(name: &str) -> io::Result<CString> {
    CString::new(name).map_err(|_| io::Error::other("name contains NUL"))
}

/// A handle from libwinipc, closed with `CloseHandle` on drop.
#[derive(Debug)]
pub struct CHandle(Handle);

// SAFETY: a winipc handle is a process-wide value, usable from any thread (as in Win32).
unsafe impl Send for CHandle {}

impl Drop for CHandle {
    fn drop(&mut self) {
        // SAFETY: a handle this module opened and nobody else closes.
        unsafe { CloseHandle(self.0) };
    }
}

fn checked(h: Handle, what: &str) -> io::Result<CHandle> {
    if h.is_null() || h == INVALID_HANDLE_VALUE {
        Err(last_error(what))
    } else {
        Ok(CHandle(h))
    }
}

/// `CreateMailslotA(name, 0, MAILSLOT_WAIT_FOREVER, NULL)`.
pub fn create_mailslot(name: &str) -> io::Result<CHandle> {
    let n = c_name(name)?;
    // SAFETY: `n` is NUL-terminated and outlives the call; NULL security attributes.
    checked(
        unsafe { CreateMailslotA(n.as_ptr(), 0, INFINITE, std::ptr::null()) },
        "CreateMailslotA",
    )
}

/// `CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL)`.
pub fn open_mailslot(name: &str) -> io::Result<CHandle> {
    let n = c_name(name)?;
    // SAFETY: `n` is NUL-terminated and outlives the call; NULL attributes and template.
    let h = unsafe {
        CreateFileA(
            n.as_ptr(),
            GENERIC_WRITE,
            FILE_SHARE_READ,
            std::ptr::null(),
            OPEN_EXISTING,
            0,
            std::ptr::null_mut(),
        )
    };
    checked(h, "CreateFileA")
}

/// `CreateEventA(NULL, FALSE, FALSE, name)`: an auto-reset event, created or opened.
pub fn auto_event(name: &str) -> io::Result<CHandle> {
    let n = c_name(name)?;
    // SAFETY: `n` is NUL-terminated and outlives the call; NULL security attributes.
    checked(
        unsafe { CreateEventA(std::ptr::null(), 0, 0, n.as_ptr()) },
        "CreateEventA",
    )
}

impl CHandle {
    /// `ReadFile(h, buf, len, &read, NULL)`.
    #[inline]
    pub fn read(&self, buf: &mut [u8]) -> io::Result<usize> {
        let mut n = 0u32;
        let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
        // SAFETY: `buf` is valid for `len` bytes of writes, `n` for one u32; no OVERLAPPED.
        let ok = unsafe {
            ReadFile(
                self.0,
                buf.as_mut_ptr().cast(),
                len,
                &mut n,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(last_error("ReadFile"));
        }
        Ok(n as usize)
    }

    /// `WriteFile(h, msg, len, &written, NULL)`.
    #[inline]
    pub fn write(&self, msg: &[u8]) -> io::Result<()> {
        let mut n = 0u32;
        let len = u32::try_from(msg.len()).map_err(|_| io::Error::other("message too long"))?;
        // SAFETY: `msg` is valid for `len` bytes of reads, `n` for one u32; no OVERLAPPED.
        let ok = unsafe {
            WriteFile(
                self.0,
                msg.as_ptr().cast(),
                len,
                &mut n,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 {
            return Err(last_error("WriteFile"));
        }
        Ok(())
    }

    /// `SetEvent(h)`.
    #[inline]
    pub fn set(&self) -> io::Result<()> {
        // SAFETY: a handle this module opened.
        if unsafe { SetEvent(self.0) } == 0 {
            return Err(last_error("SetEvent"));
        }
        Ok(())
    }

    /// `WaitForSingleObject(h, INFINITE)`.
    #[inline]
    pub fn wait(&self) -> io::Result<()> {
        // SAFETY: a handle this module opened.
        match unsafe { WaitForSingleObject(self.0, INFINITE) } {
            WAIT_OBJECT_0 => Ok(()),
            _ => Err(last_error("WaitForSingleObject")),
        }
    }
}
