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
