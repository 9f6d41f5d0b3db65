//! Console odds: `<conio.h>` (`_getch`, `_getche`, `_kbhit`, `_putch`, `_ungetch`) on the
//! terminal of standard input/output.

use std::sync::Mutex;

/// A byte pushed back by `_ungetch` (returned by the next `_getch`/`_getche`).
static PUSHED_BACK: Mutex<Option<u8>> = Mutex::new(None);

/// Runs `f` with standard input in non-canonical mode (no line buffering; echo as asked) if it
/// is a terminal; the previous mode is restored afterwards.
fn raw_stdin<T>(echo: bool, f: impl FnOnce() -> T) -> T {
    let mut saved = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr writes a termios on success; it is used only then.
    let is_tty = unsafe { libc::tcgetattr(0, saved.as_mut_ptr()) } == 0;
    if !is_tty {
        return f();
    }
    // SAFETY: initialised by the successful tcgetattr above.
    let saved = unsafe { saved.assume_init() };
    let mut t = saved;
    t.c_lflag &= !libc::ICANON;
    if !echo {
        t.c_lflag &= !libc::ECHO;
    }
    t.c_cc[libc::VMIN] = 1;
    t.c_cc[libc::VTIME] = 0;
    // SAFETY: a valid termios for descriptor 0.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &t) };
    let r = f();
    // SAFETY: restores the mode read above.
    unsafe { libc::tcsetattr(0, libc::TCSANOW, &saved) };
    r
}

fn read_byte() -> i32 {
    let mut b = 0u8;
    loop {
        // SAFETY: reads at most one byte into a local.
        let n = unsafe { libc::read(0, (&raw mut b).cast(), 1) };
        if n == 1 {
            return i32::from(b);
        }
        if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
            continue;
        }
        return -1;
    }
}

fn getch(echo: bool) -> i32 {
    if let Some(b) = PUSHED_BACK.lock().map(|mut p| p.take()).unwrap_or(None) {
        return i32::from(b);
    }
    raw_stdin(echo, read_byte)
}

#[unsafe(no_mangle)]
pub extern "C" fn _getch() -> i32 {
    getch(false)
}

#[unsafe(no_mangle)]
pub extern "C" fn _getche() -> i32 {
    getch(true)
}

#[unsafe(no_mangle)]
pub extern "C" fn _ungetch(c: i32) -> i32 {
    match PUSHED_BACK.lock() {
        Ok(mut p) if p.is_none() && c != -1 => {
            *p = Some(c as u8);
            c & 0xff
        }
        _ => -1,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn _kbhit() -> i32 {
    if PUSHED_BACK.lock().is_ok_and(|p| p.is_some()) {
        return 1;
    }
    raw_stdin(false, || {
        let mut p = libc::pollfd {
            fd: 0,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, no wait.
        let n = unsafe { libc::poll(&mut p, 1, 0) };
        i32::from(n > 0 && p.revents & libc::POLLIN != 0)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn _putch(c: i32) -> i32 {
    let b = c as u8;
    // SAFETY: writes one byte from a local.
    let n = unsafe { libc::write(1, (&raw const b).cast(), 1) };
    if n == 1 { i32::from(b) } else { -1 }
}

// ---- console odds ----------------------------------------------------------------------------

use crate::util::*;

fn is_tty(fd: i32) -> bool {
    // SAFETY: isatty on a descriptor number.
    unsafe { libc::isatty(fd) == 1 }
}

fn write_fd(fd: i32, b: &[u8]) {
    // SAFETY: writes from a live slice.
    let _ = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
}

/// The terminal to ring or title: standard error or output if a terminal, else `/dev/tty`.
fn with_terminal(f: impl FnOnce(i32)) {
    if is_tty(2) {
        return f(2);
    }
    if is_tty(1) {
        return f(1);
    }
    // SAFETY: opens a path from a literal.
    let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    if fd >= 0 {
        f(fd);
        // SAFETY: closes the descriptor just opened.
        unsafe { libc::close(fd) };
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn MessageBeep(_kind: u32) -> BOOL {
    with_terminal(|fd| write_fd(fd, b"\x07"));
    TRUE
}

#[unsafe(no_mangle)]
pub extern "C" fn Beep(_freq: DWORD, ms: DWORD) -> BOOL {
    with_terminal(|fd| write_fd(fd, b"\x07"));
    std::thread::sleep(std::time::Duration::from_millis(u64::from(ms)));
    TRUE
}

static TITLE: std::sync::Mutex<String> = std::sync::Mutex::new(String::new());

fn set_title(t: R<Option<String>>) -> BOOL {
    ffi_bool(|| {
        let t = t?.unwrap_or_default();
        // The xterm title sequence, understood by common terminal emulators.
        let seq = format!("\x1b]0;{}\x07", t.replace(['\x07', '\x1b'], ""));
        if is_tty(1) {
            write_fd(1, seq.as_bytes());
        } else if is_tty(2) {
            write_fd(2, seq.as_bytes());
        }
        *TITLE.lock().unwrap_or_else(|e| e.into_inner()) = t;
        Ok(())
    })
}

/// # Safety
/// `t` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetConsoleTitleA(t: *const std::ffi::c_char) -> BOOL {
    // SAFETY: the caller's contract.
    set_title(unsafe { arg_a(t, Text::Other) })
}

/// # Safety
/// `t` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetConsoleTitleW(t: *const WCHAR) -> BOOL {
    // SAFETY: the caller's contract.
    set_title(unsafe { arg_w(t, Text::Other) })
}

fn get_title<T: crate::env::Unit>(buf: *mut T, size: DWORD) -> DWORD {
    ffi(0, || {
        let t = TITLE.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let units = T::encode(&t);
        if size == 0 {
            return Ok(units.len() as DWORD);
        }
        let n = units.len().min(size as usize - 1);
        if !writable(buf.cast(), (n + 1) * std::mem::size_of::<T>()) {
            return Err(noaccess());
        }
        // SAFETY: checked writable for n + 1 units.
        unsafe { copy_terminated(buf, n + 1, &units[..n]) };
        Ok(n as DWORD)
    })
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetConsoleTitleA(buf: *mut std::ffi::c_char, size: DWORD) -> DWORD {
    get_title(buf.cast::<u8>(), size)
}

/// # Safety
/// `buf` valid for `size` units.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetConsoleTitleW(buf: *mut WCHAR, size: DWORD) -> DWORD {
    get_title(buf, size)
}

#[unsafe(no_mangle)]
pub extern "C" fn AllocConsole() -> BOOL {
    ffi_bool(|| {
        if (0..3).any(is_tty) {
            // Windows: a process has at most one console.
            return Err(winipc_core::Error::AccessDenied.into());
        }
        // The controlling terminal, if any, becomes standard input/output/error.
        // SAFETY: opens a path from a literal.
        let fd = unsafe { libc::open(c"/dev/tty".as_ptr(), libc::O_RDWR) };
        if fd < 0 {
            return Err(not_supported("no terminal to attach to"));
        }
        for target in 0..3 {
            // SAFETY: dup2 on descriptor numbers.
            unsafe { libc::dup2(fd, target) };
        }
        if fd > 2 {
            // SAFETY: closes the descriptor just opened.
            unsafe { libc::close(fd) };
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn FreeConsole() -> BOOL {
    TRUE
}
