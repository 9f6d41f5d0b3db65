//! Console I/O (`consoleapi.h`): `WriteConsoleA/W`, `ReadConsoleA/W`, `GetConsoleMode`,
//! `SetConsoleMode`, `SetConsoleCtrlHandler`.
//!
//! A console handle is a descriptor handle (`GetStdHandle`, `CreateFile("CONIN$")`) whose
//! descriptor is a terminal; on any other handle these functions fail with
//! `ERROR_INVALID_HANDLE`, as Windows' do on a redirected handle. The input modes are the
//! terminal's (`ENABLE_LINE_INPUT` = `ICANON`, `ENABLE_ECHO_INPUT` = `ECHO`,
//! `ENABLE_PROCESSED_INPUT` = `ISIG`); a line read in line mode ends with "\r\n", as on
//! Windows. Control handlers run on a dispatcher thread for `SIGINT` (`CTRL_C_EVENT`),
//! `SIGQUIT` (`CTRL_BREAK_EVENT`) and `SIGHUP` (`CTRL_CLOSE_EVENT`).

use std::ffi::{c_char, c_void};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU32, Ordering};

use crate::handle::{H, classify};
use crate::util::*;

const ENABLE_PROCESSED_INPUT: u32 = 0x0001;
const ENABLE_LINE_INPUT: u32 = 0x0002;
const ENABLE_ECHO_INPUT: u32 = 0x0004;
/// Input bits kept as given (no terminal equivalent): window, mouse, insert, quick edit,
/// extended flags, auto position, virtual-terminal input.
const INPUT_KEPT: u32 = 0x0008 | 0x0010 | 0x0020 | 0x0040 | 0x0080 | 0x0100 | 0x0200;
/// Output bits: processed, wrap at EOL, virtual-terminal processing, no auto return,
/// LVB grid.
const OUTPUT_BITS: u32 = 0x0001 | 0x0002 | 0x0004 | 0x0008 | 0x0010;

/// The kept input bits (Windows' default has insert, quick edit, extended flags and
/// auto position) and the output mode (processed, wrap, virtual terminal: a terminal
/// interprets escape sequences).
static INPUT_EXTRA: AtomicU32 = AtomicU32::new(0x0020 | 0x0040 | 0x0080 | 0x0100);
static OUTPUT_MODE: AtomicU32 = AtomicU32::new(0x0001 | 0x0002 | 0x0004);

/// Descriptors `CreateFile` opened on a console name: whether each is the input
/// (`CONIN$`) or the output (`CONOUT$`).
static DEVICES: Mutex<Vec<(i32, bool)>> = Mutex::new(Vec::new());

/// Records (or, with `None`, forgets) what descriptor `fd` of `CreateFile` is.
pub(crate) fn note_device(fd: i32, input: Option<bool>) {
    let mut d = DEVICES.lock().unwrap_or_else(|e| e.into_inner());
    d.retain(|(f, _)| *f != fd);
    if let Some(i) = input {
        d.push((fd, i));
    }
}

/// The terminal descriptor behind a console handle, and whether it is an input handle:
/// descriptor 0 and `CONIN$` are input, 1, 2 and `CONOUT$` output, another terminal
/// descriptor input if opened read-only.
fn console_fd(h: HANDLE) -> R<(i32, bool)> {
    let fd = match classify(h)? {
        H::Std(fd) => fd,
        _ => return Err(invalid_handle()),
    };
    // SAFETY: isatty on a descriptor number.
    if unsafe { libc::isatty(fd) } != 1 {
        return Err(invalid_handle());
    }
    let noted = DEVICES
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .find(|(f, _)| *f == fd)
        .map(|(_, i)| *i);
    let input = match (fd, noted) {
        (_, Some(i)) => i,
        (0, None) => true,
        (1 | 2, None) => false,
        // SAFETY: F_GETFL on a descriptor number.
        _ => (unsafe { libc::fcntl(fd, libc::F_GETFL) } & libc::O_ACCMODE) == libc::O_RDONLY,
    };
    Ok((fd, input))
}

/// A console input handle's descriptor (`ReadConsole` on an output handle fails, as on
/// Windows, with `ERROR_INVALID_HANDLE`).
fn input_fd(h: HANDLE) -> R<i32> {
    match console_fd(h)? {
        (fd, true) => Ok(fd),
        _ => Err(invalid_handle()),
    }
}

/// A console output handle's descriptor.
fn output_fd(h: HANDLE) -> R<i32> {
    match console_fd(h)? {
        (fd, false) => Ok(fd),
        _ => Err(invalid_handle()),
    }
}

fn termios(fd: i32) -> R<libc::termios> {
    let mut t = std::mem::MaybeUninit::<libc::termios>::uninit();
    // SAFETY: tcgetattr writes a termios on success; it is used only then.
    if unsafe { libc::tcgetattr(fd, t.as_mut_ptr()) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: initialised by the successful call.
    Ok(unsafe { t.assume_init() })
}

/// # Safety
/// `mode` valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetConsoleMode(h: HANDLE, mode: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let (fd, input) = console_fd(h)?;
        let m = if input {
            let t = termios(fd)?;
            let mut m = INPUT_EXTRA.load(Ordering::Relaxed);
            if t.c_lflag & libc::ISIG != 0 {
                m |= ENABLE_PROCESSED_INPUT;
            }
            if t.c_lflag & libc::ICANON != 0 {
                m |= ENABLE_LINE_INPUT;
            }
            if t.c_lflag & libc::ECHO != 0 {
                m |= ENABLE_ECHO_INPUT;
            }
            m
        } else {
            OUTPUT_MODE.load(Ordering::Relaxed)
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(mode, m) }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleMode(h: HANDLE, mode: DWORD) -> BOOL {
    ffi_bool(|| {
        let (fd, input) = console_fd(h)?;
        if !input {
            if mode & !OUTPUT_BITS != 0 {
                return Err(invalid_parameter("console output mode"));
            }
            OUTPUT_MODE.store(mode, Ordering::Relaxed);
            return Ok(());
        }
        let known = ENABLE_PROCESSED_INPUT | ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | INPUT_KEPT;
        // Echo needs line input (Windows refuses it alone).
        if mode & !known != 0 || (mode & ENABLE_ECHO_INPUT != 0 && mode & ENABLE_LINE_INPUT == 0) {
            return Err(invalid_parameter("console input mode"));
        }
        let mut t = termios(fd)?;
        for (bit, flag) in [
            (ENABLE_PROCESSED_INPUT, libc::ISIG),
            (ENABLE_LINE_INPUT, libc::ICANON),
            (ENABLE_ECHO_INPUT, libc::ECHO),
        ] {
            if mode & bit != 0 {
                t.c_lflag |= flag;
            } else {
                t.c_lflag &= !flag;
            }
        }
        t.c_cc[libc::VMIN] = 1;
        t.c_cc[libc::VTIME] = 0;
        // SAFETY: a valid termios for the descriptor.
        if unsafe { libc::tcsetattr(fd, libc::TCSANOW, &t) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        INPUT_EXTRA.store(mode & INPUT_KEPT, Ordering::Relaxed);
        Ok(())
    })
}

fn write_all(fd: i32, mut b: &[u8]) -> R<()> {
    while !b.is_empty() {
        // SAFETY: writes from a live slice.
        let n = unsafe { libc::write(fd, b.as_ptr().cast(), b.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e.into());
        }
        b = &b[n as usize..];
    }
    Ok(())
}

/// # Safety
/// `buf` valid for reads of `n` bytes; `written` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WriteConsoleA(
    h: HANDLE,
    buf: *const c_void,
    n: DWORD,
    written: *mut DWORD,
    _reserved: *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        if n > 0 && (buf.is_null() || !readable(buf, n as usize)) {
            return Err(noaccess());
        }
        out_ok(written)?;
        let b: &[u8] = if n == 0 {
            &[]
        } else {
            // SAFETY: checked readable above.
            unsafe { std::slice::from_raw_parts(buf.cast(), n as usize) }
        };
        write_all(fd, b)?;
        // SAFETY: checked above.
        unsafe { write_opt(written, n) };
        Ok(())
    })
}

/// A high surrogate that ended a `WriteConsoleW` call, waiting for its low half.
static HIGH_SURROGATE: Mutex<Option<u16>> = Mutex::new(None);

/// `WriteConsoleW`: UTF-16 written as UTF-8; the count is of `WCHAR`s.
///
/// # Safety
/// `buf` valid for reads of `n` `WCHAR`s; `written` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WriteConsoleW(
    h: HANDLE,
    buf: *const c_void,
    n: DWORD,
    written: *mut DWORD,
    _reserved: *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        let bytes = (n as usize).saturating_mul(2);
        if n > 0 && (buf.is_null() || !readable(buf, bytes)) {
            return Err(noaccess());
        }
        out_ok(written)?;
        let mut held = HIGH_SURROGATE.lock().unwrap_or_else(|e| e.into_inner());
        let mut w: Vec<u16> = held.take().into_iter().collect();
        // SAFETY: checked readable above; read unaligned to be safe.
        w.extend((0..n as usize).map(|i| unsafe { buf.cast::<u16>().add(i).read_unaligned() }));
        // A pair split across two calls (one WCHAR at a time) is written whole by the next.
        if w.last().is_some_and(|&u| (0xD800..0xDC00).contains(&u)) {
            *held = w.pop();
        }
        write_all(fd, String::from_utf16_lossy(&w).as_bytes())?;
        // SAFETY: checked above.
        unsafe { write_opt(written, n) };
        Ok(())
    })
}

/// Bytes read from the terminal but not yet handed out (a line longer than the buffer).
static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// Fills `PENDING` with what one read of the terminal gives (a line in line mode, "\n" made
/// "\r\n"); returns false at end of input.
fn fill(fd: i32, pending: &mut Vec<u8>) -> R<bool> {
    let mut b = [0u8; 4096];
    loop {
        // SAFETY: reads into a local buffer.
        let n = unsafe { libc::read(fd, b.as_mut_ptr().cast(), b.len()) };
        if n < 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e.into());
        }
        let line_mode = termios(fd).is_ok_and(|t| t.c_lflag & libc::ICANON != 0);
        for &c in &b[..n as usize] {
            if c == b'\n' && line_mode {
                pending.push(b'\r');
            }
            pending.push(c);
        }
        return Ok(n > 0);
    }
}

/// # Safety
/// `buf` valid for writes of `n` bytes; `read` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReadConsoleA(
    h: HANDLE,
    buf: *mut c_void,
    n: DWORD,
    read: *mut DWORD,
    _control: *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        let fd = input_fd(h)?;
        if n > 0 && (buf.is_null() || !writable(buf, n as usize)) {
            return Err(noaccess());
        }
        out_ok(read)?;
        let mut p = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        if p.is_empty() && n > 0 {
            fill(fd, &mut p)?;
        }
        let k = p.len().min(n as usize);
        // SAFETY: `buf` is writable for `n` ≥ `k` bytes (checked above).
        unsafe { std::ptr::copy_nonoverlapping(p.as_ptr(), buf.cast::<u8>(), k) };
        p.drain(..k);
        // SAFETY: checked above.
        unsafe { write_opt(read, k as DWORD) };
        Ok(())
    })
}

/// `ReadConsoleW`: UTF-8 from the terminal handed out as UTF-16; the count is of `WCHAR`s.
///
/// # Safety
/// `buf` valid for writes of `n` `WCHAR`s; `read` NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ReadConsoleW(
    h: HANDLE,
    buf: *mut c_void,
    n: DWORD,
    read: *mut DWORD,
    _control: *mut c_void,
) -> BOOL {
    ffi_bool(|| {
        let fd = input_fd(h)?;
        if n > 0 && (buf.is_null() || !writable(buf, (n as usize).saturating_mul(2))) {
            return Err(noaccess());
        }
        out_ok(read)?;
        let mut p = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        // Whole characters: read more while the pending bytes end inside one.
        while n > 0
            && (p.is_empty() || std::str::from_utf8(&p).is_err_and(|e| e.valid_up_to() == 0))
        {
            if !fill(fd, &mut p)? {
                break;
            }
        }
        let valid = match std::str::from_utf8(&p) {
            Ok(s) => s.len(),
            Err(e) if e.valid_up_to() > 0 => e.valid_up_to(),
            // Not UTF-8 at all: hand out the bytes as they are (Latin-1).
            Err(_) => 0,
        };
        let mut out: Vec<u16> = Vec::new();
        let mut used = 0;
        if valid > 0 {
            let s = std::str::from_utf8(&p[..valid]).unwrap_or_default();
            for ch in s.chars() {
                let mut tmp = [0u16; 2];
                let enc = ch.encode_utf16(&mut tmp);
                if out.len() + enc.len() > n as usize {
                    break;
                }
                out.extend_from_slice(enc);
                used += ch.len_utf8();
            }
        } else {
            for &c in p.iter().take(n as usize) {
                out.push(u16::from(c));
                used += 1;
            }
        }
        for (i, w) in out.iter().enumerate() {
            // SAFETY: `buf` is writable for `n` ≥ `out.len()` WCHARs (checked above).
            unsafe { buf.cast::<u16>().add(i).write_unaligned(*w) };
        }
        p.drain(..used);
        // SAFETY: checked above.
        unsafe { write_opt(read, out.len() as DWORD) };
        Ok(())
    })
}

// ---- control handlers ----------------------------------------------------------------------

/// `PHANDLER_ROUTINE`.
type Handler = unsafe extern "C" fn(DWORD) -> BOOL;

const CTRL_C_EVENT: DWORD = 0;
const CTRL_BREAK_EVENT: DWORD = 1;
const CTRL_CLOSE_EVENT: DWORD = 2;

/// The registered handlers, called most recent first.
static HANDLERS: Mutex<Vec<Handler>> = Mutex::new(Vec::new());
/// `SetConsoleCtrlHandler(NULL, TRUE)`: Ctrl+C ignored.
static IGNORE_CTRL_C: AtomicBool = AtomicBool::new(false);
/// The write end of the pipe the signal handler posts events on (-1: not installed yet).
static POST: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_signal(sig: libc::c_int) {
    let ev: u8 = match sig {
        libc::SIGINT => CTRL_C_EVENT as u8,
        libc::SIGQUIT => CTRL_BREAK_EVENT as u8,
        _ => CTRL_CLOSE_EVENT as u8,
    };
    let fd = POST.load(Ordering::Relaxed);
    if fd >= 0 {
        let e = std::io::Error::last_os_error();
        // SAFETY: write(2) is async-signal-safe; one byte from a local.
        let _ = unsafe { libc::write(fd, (&raw const ev).cast(), 1) };
        // SAFETY: restores errno for the interrupted code.
        unsafe { *libc::__errno_location() = e.raw_os_error().unwrap_or(0) };
    }
}

fn signal_of(ev: DWORD) -> libc::c_int {
    match ev {
        CTRL_C_EVENT => libc::SIGINT,
        CTRL_BREAK_EVENT => libc::SIGQUIT,
        _ => libc::SIGHUP,
    }
}

fn set_disposition(sig: libc::c_int, handler: libc::sighandler_t) {
    // SAFETY: a zeroed sigaction with SIG_DFL, SIG_IGN or `on_signal` (async-signal-safe).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = handler;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(sig, &sa, std::ptr::null_mut());
    }
}

/// Runs the handlers of one event, most recent first; if none returns TRUE (and always after
/// `CTRL_CLOSE_EVENT`'s, as on Windows), the default action: the process ends as by the
/// signal (Windows' `ExitProcess(STATUS_CONTROL_C_EXIT)`).
fn dispatch(ev: DWORD) {
    if ev == CTRL_C_EVENT && IGNORE_CTRL_C.load(Ordering::Relaxed) {
        return;
    }
    let list: Vec<Handler> = HANDLERS.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for h in list.iter().rev() {
        // SAFETY: a handler the application registered, called as Windows calls it.
        // CTRL_CLOSE_EVENT ends the process whatever the handler answers, as on Windows.
        if unsafe { h(ev) } != 0 && ev != CTRL_CLOSE_EVENT {
            return;
        }
    }
    let sig = signal_of(ev);
    set_disposition(sig, libc::SIG_DFL);
    // SAFETY: raising a signal whose default action ends the process.
    unsafe { libc::raise(sig) };
}

/// Installs the signal handlers and the dispatcher thread, once.
fn install() -> R<()> {
    static ONCE: std::sync::OnceLock<Result<(), u32>> = std::sync::OnceLock::new();
    let r = ONCE.get_or_init(|| {
        // A process started with Ctrl+C ignored (SIGINT ignored by its parent, as Windows'
        // inherited flag) keeps ignoring it until SetConsoleCtrlHandler(NULL, FALSE).
        let mut old = std::mem::MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: sigaction with no new action only writes the current one.
        if unsafe { libc::sigaction(libc::SIGINT, std::ptr::null(), old.as_mut_ptr()) } == 0
            // SAFETY: written by the successful call.
            && unsafe { old.assume_init() }.sa_sigaction == libc::SIG_IGN
        {
            IGNORE_CTRL_C.store(true, Ordering::Relaxed);
        }
        let mut fds = [0i32; 2];
        // SAFETY: pipe2 writes two descriptors into the local array.
        if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
            return Err(Fail::from(std::io::Error::last_os_error()).0);
        }
        let rd = fds[0];
        POST.store(fds[1], Ordering::Relaxed);
        let spawned = std::thread::Builder::new()
            .name("winipc-ctrl".into())
            .spawn(move || {
                let mut b = 0u8;
                loop {
                    // SAFETY: reads one byte into a local.
                    let n = unsafe { libc::read(rd, (&raw mut b).cast(), 1) };
                    if n == 1 {
                        dispatch(DWORD::from(b));
                    } else if n == 0 {
                        return;
                    }
                }
            });
        if spawned.is_err() {
            return Err(code::ERROR_NOT_ENOUGH_MEMORY);
        }
        for sig in [libc::SIGQUIT, libc::SIGHUP] {
            set_disposition(sig, on_signal as *const () as libc::sighandler_t);
        }
        if !IGNORE_CTRL_C.load(Ordering::Relaxed) {
            set_disposition(libc::SIGINT, on_signal as *const () as libc::sighandler_t);
        }
        Ok(())
    });
    r.map_err(Fail)
}

/// `SetConsoleCtrlHandler`: adds or removes a handler; with NULL, TRUE makes the process (and
/// the children it starts, through the ignored `SIGINT`) ignore Ctrl+C, FALSE restores it.
#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleCtrlHandler(handler: Option<Handler>, add: BOOL) -> BOOL {
    ffi_bool(|| {
        let Some(h) = handler else {
            IGNORE_CTRL_C.store(add != 0, Ordering::Relaxed);
            let installed = POST.load(Ordering::Relaxed) >= 0;
            set_disposition(
                libc::SIGINT,
                match (add != 0, installed) {
                    (true, _) => libc::SIG_IGN,
                    (false, true) => on_signal as *const () as libc::sighandler_t,
                    (false, false) => libc::SIG_DFL,
                },
            );
            return Ok(());
        };
        if add != 0 {
            install()?;
            HANDLERS.lock().unwrap_or_else(|e| e.into_inner()).push(h);
            return Ok(());
        }
        let mut l = HANDLERS.lock().unwrap_or_else(|e| e.into_inner());
        match l.iter().rposition(|&x| x as usize == h as usize) {
            Some(i) => {
                l.remove(i);
                Ok(())
            }
            None => Err(invalid_parameter("handler not registered")),
        }
    })
}

/// `GenerateConsoleCtrlEvent`: `CTRL_C_EVENT` is `SIGINT`, `CTRL_BREAK_EVENT` `SIGQUIT`, sent
/// to the process group `group` (a process started with `CREATE_NEW_PROCESS_GROUP` leads a
/// group whose id is its process id), or with 0 to the caller's own group (the processes
/// sharing its console, the caller included). Processes of a new group ignore Ctrl+C, as on
/// Windows, unless they re-enabled it with `SetConsoleCtrlHandler(NULL, FALSE)`.
#[unsafe(no_mangle)]
pub extern "C" fn GenerateConsoleCtrlEvent(event: DWORD, group: DWORD) -> BOOL {
    ffi_bool(|| {
        let sig = match event {
            CTRL_C_EVENT => libc::SIGINT,
            CTRL_BREAK_EVENT => libc::SIGQUIT,
            _ => return Err(invalid_parameter("dwCtrlEvent")),
        };
        let target = match i32::try_from(group) {
            Ok(0) => 0,
            Ok(g) => -g,
            Err(_) => return Err(invalid_parameter("dwProcessGroupId")),
        };
        // SAFETY: kill(2) takes no pointers; a negative target names a process group.
        if unsafe { libc::kill(target, sig) } == 0 {
            return Ok(());
        }
        match std::io::Error::last_os_error().raw_os_error() {
            Some(libc::EPERM) => Err(Fail(code::ERROR_ACCESS_DENIED)),
            _ => Err(invalid_parameter("no such process group")),
        }
    })
}

// ---- MessageBox ----------------------------------------------------------------------------

/// The button a message box of type `t` answers with: its default (the first button, or the
/// one `MB_DEFBUTTON2/3` names).
fn default_button(t: u32) -> i32 {
    const IDOK: i32 = 1;
    const IDCANCEL: i32 = 2;
    const IDABORT: i32 = 3;
    const IDRETRY: i32 = 4;
    const IDIGNORE: i32 = 5;
    const IDYES: i32 = 6;
    const IDNO: i32 = 7;
    let buttons: &[i32] = match t & 0xF {
        1 => &[IDOK, IDCANCEL],
        2 => &[IDABORT, IDRETRY, IDIGNORE],
        3 => &[IDYES, IDNO, IDCANCEL],
        4 => &[IDYES, IDNO],
        5 => &[IDRETRY, IDCANCEL],
        _ => &[IDOK],
    };
    let which = ((t >> 8) & 0xF) as usize; // MB_DEFBUTTON2 = 0x100, 3 = 0x200
    buttons.get(which).copied().unwrap_or(buttons[0])
}

fn message_box(text: String, caption: Option<String>, t: u32) -> i32 {
    let caption = caption.unwrap_or_else(|| "Error".to_owned());
    eprintln!("{caption}: {text}");
    default_button(t)
}

/// `MessageBoxA`: no windows here: "caption: text" goes to standard error; the answer is the
/// default button.
///
/// # Safety
/// `text` and `caption` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MessageBoxA(
    _wnd: HANDLE,
    text: *const std::ffi::c_char,
    caption: *const std::ffi::c_char,
    t: u32,
) -> i32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let text = unsafe { checked_cstr(text) }?.map(|b| String::from_utf8_lossy(b).into_owned());
        // SAFETY: the caller's contract.
        let caption =
            unsafe { checked_cstr(caption) }?.map(|b| String::from_utf8_lossy(b).into_owned());
        let text = text.unwrap_or_default();
        Ok(message_box(text, caption, t))
    })
}

/// `MessageBoxW`.
///
/// # Safety
/// `text` and `caption` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn MessageBoxW(
    _wnd: HANDLE,
    text: *const WCHAR,
    caption: *const WCHAR,
    t: u32,
) -> i32 {
    ffi(0, || {
        // SAFETY: the caller's contract.
        let text = unsafe { checked_wstr(text) }?.map(String::from_utf16_lossy);
        // SAFETY: the caller's contract.
        let caption = unsafe { checked_wstr(caption) }?.map(String::from_utf16_lossy);
        let text = text.unwrap_or_default();
        Ok(message_box(text, caption, t))
    })
}

// ---- code pages, colours, the screen buffer ---------------------------------------------------

/// The console code pages (`GetConsoleCP`/`GetConsoleOutputCP`): UTF-8 (65001) at first, as
/// winipc's `char` strings are; a code page set is reported back, text is not converted.
static INPUT_CP: AtomicU32 = AtomicU32::new(65001);
static OUTPUT_CP: AtomicU32 = AtomicU32::new(65001);

/// Code pages Windows' consoles accept that winipc recognises (OEM, ANSI, UTF-7/8 and the
/// common single- and double-byte ones).
fn known_code_page(cp: u32) -> bool {
    matches!(
        cp,
        437 | 720 | 737 | 775 | 850 | 852 | 855 | 857 | 858 | 860..=866 | 869 | 874
            | 932 | 936 | 949 | 950 | 1200 | 1250..=1258 | 20127 | 28591..=28606 | 65000
            | 65001
    )
}

#[unsafe(no_mangle)]
pub extern "C" fn GetConsoleCP() -> u32 {
    INPUT_CP.load(Ordering::Relaxed)
}

#[unsafe(no_mangle)]
pub extern "C" fn GetConsoleOutputCP() -> u32 {
    OUTPUT_CP.load(Ordering::Relaxed)
}

fn set_cp(which: &AtomicU32, cp: u32) -> BOOL {
    ffi_bool(|| {
        if !known_code_page(cp) {
            return Err(invalid_parameter("code page"));
        }
        which.store(cp, Ordering::Relaxed);
        Ok(())
    })
}

/// `SetConsoleCP`: recorded (input is read as the terminal gives it).
#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleCP(cp: u32) -> BOOL {
    set_cp(&INPUT_CP, cp)
}

/// `SetConsoleOutputCP`: recorded (output is written as given).
#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleOutputCP(cp: u32) -> BOOL {
    set_cp(&OUTPUT_CP, cp)
}

/// The attribute `SetConsoleTextAttribute` set last (Windows' default: light grey on black).
static ATTRIBUTES: AtomicU32 = AtomicU32::new(0x07);

/// The SGR sequence for Windows colour attributes (FOREGROUND_BLUE 1, GREEN 2, RED 4,
/// INTENSITY 8; BACKGROUND_* the same shifted by 4; COMMON_LVB_REVERSE_VIDEO 0x4000,
/// COMMON_LVB_UNDERSCORE 0x8000).
fn sgr(attr: u16) -> String {
    // Windows' bit order is blue, green, red; ANSI's red, green, blue.
    let ansi = |c: u16| ((c & 4) >> 2) | (c & 2) | ((c & 1) << 2);
    let fg = attr & 0xF;
    let bg = (attr >> 4) & 0xF;
    let fg_code = if fg & 8 != 0 { 90 } else { 30 } + ansi(fg & 7);
    let bg_code = if bg & 8 != 0 { 100 } else { 40 } + ansi(bg & 7);
    let mut s = format!("\x1b[0;{fg_code};{bg_code}");
    if attr & 0x4000 != 0 {
        s.push_str(";7");
    }
    if attr & 0x8000 != 0 {
        s.push_str(";4");
    }
    s.push('m');
    s
}

/// `SetConsoleTextAttribute`: the colours of what is written next, as an SGR escape sequence
/// to the terminal.
#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleTextAttribute(h: HANDLE, attr: u16) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        write_all(fd, sgr(attr).as_bytes())?;
        ATTRIBUTES.store(u32::from(attr), Ordering::Relaxed);
        Ok(())
    })
}

/// `CONSOLE_SCREEN_BUFFER_INFO`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct ScreenBufferInfo {
    size: [i16; 2],
    cursor: [i16; 2],
    attributes: u16,
    window: [i16; 4],
    max_window: [i16; 2],
}

/// `GetConsoleScreenBufferInfo`: the terminal's size (`TIOCGWINSZ`) as the buffer and the
/// window, the last attribute set; the cursor position is not known to winipc: (0, 0).
///
/// # Safety
/// `info` valid for a write of a `CONSOLE_SCREEN_BUFFER_INFO`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetConsoleScreenBufferInfo(
    h: HANDLE,
    info: *mut ScreenBufferInfo,
) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        let mut ws = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ writes the local winsize.
        let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0;
        let cols = if ok && ws.ws_col > 0 { ws.ws_col } else { 80 };
        let rows = if ok && ws.ws_row > 0 { ws.ws_row } else { 25 };
        let (c, r) = (
            cols.min(i16::MAX as u16) as i16,
            rows.min(i16::MAX as u16) as i16,
        );
        let v = ScreenBufferInfo {
            size: [c, r],
            cursor: [0, 0],
            attributes: ATTRIBUTES.load(Ordering::Relaxed) as u16,
            window: [0, 0, c - 1, r - 1],
            max_window: [c, r],
        };
        // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
        unsafe { write_req(info, v) }
    })
}

/// `COORD`, passed by value.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Coord {
    x: i16,
    y: i16,
}

/// The terminal's (columns, rows), 80 x 25 when it does not say.
fn terminal_size(fd: i32) -> (u32, u32) {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ writes the local winsize.
    let ok = unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } == 0;
    (
        u32::from(if ok && ws.ws_col > 0 { ws.ws_col } else { 80 }),
        u32::from(if ok && ws.ws_row > 0 { ws.ws_row } else { 25 }),
    )
}

/// `SetConsoleCursorPosition`: moves the terminal's cursor (`CSI row;col H`). A position
/// outside the screen -> `ERROR_INVALID_PARAMETER`.
#[unsafe(no_mangle)]
pub extern "C" fn SetConsoleCursorPosition(h: HANDLE, pos: Coord) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        let (cols, rows) = terminal_size(fd);
        if pos.x < 0 || pos.y < 0 || pos.x as u32 >= cols || pos.y as u32 >= rows {
            return Err(invalid_parameter("dwCursorPosition"));
        }
        write_all(fd, format!("\x1b[{};{}H", pos.y + 1, pos.x + 1).as_bytes())
    })
}

/// The cells from `pos` to the end of the screen, at most `n` (what Windows fills: rows
/// wrap, the buffer's end stops it).
fn cells(fd: i32, pos: Coord, n: DWORD) -> R<u32> {
    let (cols, rows) = terminal_size(fd);
    if pos.x < 0 || pos.y < 0 || pos.x as u32 >= cols || pos.y as u32 >= rows {
        return Err(invalid_parameter("dwWriteCoord"));
    }
    let left = cols * rows - (pos.y as u32 * cols + pos.x as u32);
    Ok(n.min(left))
}

/// # Safety
/// `written` valid for a `DWORD` write.
unsafe fn fill_chars(h: HANDLE, c: char, n: DWORD, pos: Coord, written: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        let count = cells(fd, pos, n)?;
        // Save the cursor, write from `pos`, restore: the cursor does not move (Windows').
        let mut out = format!("\x1b7\x1b[{};{}H", pos.y + 1, pos.x + 1);
        out.extend(std::iter::repeat_n(c, count as usize));
        out.push_str("\x1b8");
        write_all(fd, out.as_bytes())?;
        // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
        unsafe { write_req(written, count) }
    })
}

/// `FillConsoleOutputCharacterA`: `n` copies of an ASCII character from `pos` (a byte of a
/// multi-byte sequence is written as `?`); the cursor stays where it is.
///
/// # Safety
/// `written` valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FillConsoleOutputCharacterA(
    h: HANDLE,
    c: c_char,
    n: DWORD,
    pos: Coord,
    written: *mut DWORD,
) -> BOOL {
    let b = c as u8;
    let ch = if b < 0x80 { char::from(b) } else { '?' };
    // SAFETY: forwarded contract.
    unsafe { fill_chars(h, ch, n, pos, written) }
}

/// # Safety
/// `written` valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FillConsoleOutputCharacterW(
    h: HANDLE,
    c: WCHAR,
    n: DWORD,
    pos: Coord,
    written: *mut DWORD,
) -> BOOL {
    let ch = char::from_u32(u32::from(c)).unwrap_or('\u{fffd}');
    // SAFETY: forwarded contract.
    unsafe { fill_chars(h, ch, n, pos, written) }
}

/// `FillConsoleOutputAttribute`: a terminal cannot recolour cells without rewriting them, so
/// the cells keep their colours; the count Windows would report is returned and the
/// attribute becomes the one for what is written next (as `SetConsoleTextAttribute`), which
/// is what the "clear the screen" sample wants.
///
/// # Safety
/// `written` valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FillConsoleOutputAttribute(
    h: HANDLE,
    attr: u16,
    n: DWORD,
    pos: Coord,
    written: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        let fd = output_fd(h)?;
        let count = cells(fd, pos, n)?;
        write_all(fd, sgr(attr).as_bytes())?;
        ATTRIBUTES.store(u32::from(attr), Ordering::Relaxed);
        // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
        unsafe { write_req(written, count) }
    })
}

/// `FlushConsoleInputBuffer`: discards typed input not yet read (the terminal's and what
/// `ReadConsole` holds).
#[unsafe(no_mangle)]
pub extern "C" fn FlushConsoleInputBuffer(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let fd = input_fd(h)?;
        PENDING.lock().unwrap_or_else(|e| e.into_inner()).clear();
        // SAFETY: tcflush on a terminal descriptor.
        if unsafe { libc::tcflush(fd, libc::TCIFLUSH) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(())
    })
}

/// `GetConsoleWindow`: NULL - there is no console window (as Windows answers for a process
/// without one).
#[unsafe(no_mangle)]
pub extern "C" fn GetConsoleWindow() -> HANDLE {
    std::ptr::null_mut()
}
