//! Processes: `CreateProcess` (Windows command-line rules and program lookup), `OpenProcess`,
//! exit codes, `TerminateProcess`, `ExitProcess`, `GetCommandLine`, `CommandLineToArgvW`,
//! `__argc`/`__argv`/`__wargv`, `GetStartupInfo`'s view of what the parent passed,
//! `GetProcessTimes`, `GetProcessHandleCount`, `WaitForInputIdle`.

use std::ffi::{CString, c_char, c_void};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::ptr::null_mut;
use std::sync::OnceLock;

use winipc_core::{Error, Process, STILL_ACTIVE, raw};

use crate::handle::{H, ProcArg, classify, process_arg, to_handle};
use crate::util::*;

/// Carries the exact command line to a child, for its `GetCommandLine`.
const CMDLINE_VAR: &str = "WINIPC_CMDLINE";

// ---- command lines -------------------------------------------------------------------------

/// Splits a command line with the Microsoft C runtime's rules (as `CommandLineToArgvW` and the
/// 2008+ CRT do):
/// - `argv[0]`: up to the first space/tab, or between the first pair of `"` (no escapes);
/// - then spaces/tabs separate arguments, `"` toggles quoting;
/// - `2n` backslashes + `"` → `n` backslashes and the quote toggles; `2n+1` backslashes + `"` →
///   `n` backslashes and a literal `"`; other backslashes are literal;
/// - inside quotes, `""` is a literal `"` (quoting continues).
pub(crate) fn split_command_line(s: &str) -> Vec<String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut argv = Vec::new();
    // argv[0]
    let mut first = String::new();
    if c.first() == Some(&'"') {
        i = 1;
        while i < c.len() && c[i] != '"' {
            first.push(c[i]);
            i += 1;
        }
        i += 1; // the closing quote
    } else {
        while i < c.len() && c[i] != ' ' && c[i] != '\t' {
            first.push(c[i]);
            i += 1;
        }
    }
    if c.is_empty() {
        return argv;
    }
    argv.push(first);
    loop {
        while i < c.len() && (c[i] == ' ' || c[i] == '\t') {
            i += 1;
        }
        if i >= c.len() {
            return argv;
        }
        let mut arg = String::new();
        let mut quoted = false;
        loop {
            let mut n = 0;
            while i < c.len() && c[i] == '\\' {
                n += 1;
                i += 1;
            }
            if i < c.len() && c[i] == '"' {
                arg.extend(std::iter::repeat_n('\\', n / 2));
                if n % 2 == 1 {
                    arg.push('"');
                    i += 1;
                } else if quoted && c.get(i + 1) == Some(&'"') {
                    arg.push('"');
                    i += 2;
                } else {
                    quoted = !quoted;
                    i += 1;
                }
                continue;
            }
            arg.extend(std::iter::repeat_n('\\', n));
            if i >= c.len() || (!quoted && (c[i] == ' ' || c[i] == '\t')) {
                break;
            }
            arg.push(c[i]);
            i += 1;
        }
        argv.push(arg);
    }
}

/// Quotes one argument so that [`split_command_line`] gives it back.
pub(crate) fn quote_arg(a: &str) -> String {
    if !a.is_empty() && !a.contains([' ', '\t', '\n', '\x0b', '"']) {
        return a.to_owned();
    }
    let mut out = String::from('"');
    let mut backslashes = 0;
    for ch in a.chars() {
        match ch {
            '\\' => backslashes += 1,
            '"' => {
                out.extend(std::iter::repeat_n('\\', 2 * backslashes + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.extend(std::iter::repeat_n('\\', backslashes));
                out.push(ch);
                backslashes = 0;
            }
        }
    }
    out.extend(std::iter::repeat_n('\\', 2 * backslashes));
    out.push('"');
    out
}

/// Joins `argv` into a command line that [`split_command_line`] inverts (`argv[0]` is quoted
/// without escapes, as its rule requires).
pub(crate) fn join_command_line(argv: &[String]) -> String {
    let mut out = String::new();
    for (i, a) in argv.iter().enumerate() {
        if i == 0 {
            if a.is_empty() || a.contains([' ', '\t']) {
                out.push('"');
                out.push_str(a);
                out.push('"');
            } else {
                out.push_str(a);
            }
        } else {
            out.push(' ');
            out.push_str(&quote_arg(a));
        }
    }
    out
}

// ---- program lookup ------------------------------------------------------------------------

/// The names tried for `name`: itself, then without a trailing `.exe` (any case).
fn candidates(name: &str) -> Vec<String> {
    let mut v = vec![name.to_owned()];
    if name.len() > 4 && name.is_char_boundary(name.len() - 4) {
        let (stem, ext) = name.split_at(name.len() - 4);
        if ext.eq_ignore_ascii_case(".exe") {
            v.push(stem.to_owned());
        }
    }
    v
}

/// A name written the Windows way: with a `\` or a drive (`C:`).
fn windows_spelled(name: &str) -> bool {
    let b = name.as_bytes();
    name.contains('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

/// Finds the program the Windows way: a name with a `/` is a path (relative to the current
/// directory); a bare name is searched in the caller's executable's directory, the current
/// directory, then `PATH`; in each place the exact name first, then without `.exe`. A name
/// that is not found as written and is spelled the Windows way (`.\child.exe`,
/// `C:\dir\child.exe`, a directory from GetCurrentDirectory joined with `\`) is then the
/// Linux path of that Windows path (`\` a separator, the drive dropped), as for CreateFile.
pub(crate) fn find_program(name: &str) -> R<PathBuf> {
    match find_program_as_written(name) {
        Err(_) if windows_spelled(name) => find_program_as_written(&crate::env::linux_path(name)),
        r => r,
    }
}

fn find_program_as_written(name: &str) -> R<PathBuf> {
    if name.is_empty() {
        return Err(Error::NotFound.into());
    }
    let is_file = |p: &Path| p.metadata().is_ok_and(|m| m.is_file());
    if name.contains('/') {
        for c in candidates(name) {
            let p = PathBuf::from(&c);
            if is_file(&p) {
                return Ok(p);
            }
        }
        let parent_missing = Path::new(name)
            .parent()
            .is_some_and(|d| !d.as_os_str().is_empty() && !d.is_dir());
        return Err(if parent_missing {
            Error::PathNotFound.into()
        } else {
            Error::NotFound.into()
        });
    }
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(PathBuf::from))
    {
        dirs.push(d);
    }
    dirs.push(PathBuf::from("."));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path).map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        }));
    }
    for d in dirs {
        for c in candidates(name) {
            let p = d.join(&c);
            if is_file(&p) {
                return Ok(p);
            }
        }
    }
    Err(Error::NotFound.into())
}

/// The program of a command line without `lpApplicationName`: its first token; if that is
/// not found and the line does not start with a quote, Windows' retry for names with spaces
/// (`c:\program files\sub dir\program name` tries `c:\program`, `c:\program files\sub`,
/// `c:\program files\sub dir\program`, then the whole line): each longer prefix ending
/// before a space or tab, in turn. The error is the first token's.
fn find_unquoted(line: &str, first: &str) -> R<PathBuf> {
    let err = match find_program(first) {
        Ok(p) => return Ok(p),
        Err(e) => e,
    };
    if line.starts_with('"') {
        return Err(err);
    }
    let line = line.trim_end_matches([' ', '\t']);
    let ends = line
        .char_indices()
        .filter(|&(i, c)| (c == ' ' || c == '\t') && i > first.len())
        .map(|(i, _)| i)
        .chain([line.len()]);
    for end in ends {
        let prefix = &line[..end];
        if !prefix.ends_with([' ', '\t'])
            && let Ok(p) = find_program(prefix)
        {
            return Ok(p);
        }
    }
    Err(err)
}

/// Refuses what `exec` would refuse, with the Win32 codes of CreateProcess.
fn check_executable(p: &Path) -> R<()> {
    let m = p.metadata()?;
    if m.permissions().mode() & 0o111 == 0 {
        return Err(Error::AccessDenied.into());
    }
    let mut head = [0u8; 4];
    let n = std::fs::File::open(p)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .map_err(Fail::from)?;
    if !(head[..n].starts_with(b"\x7fELF") || head[..n].starts_with(b"#!")) {
        return Err(Fail(code::ERROR_BAD_EXE_FORMAT));
    }
    Ok(())
}

// ---- CreateProcess -------------------------------------------------------------------------

/// A pipe, both ends close-on-exec.
fn pipe_cloexec() -> R<(OwnedFd, OwnedFd)> {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two descriptors into the array on success.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // SAFETY: both descriptors were just created and are owned here.
    Ok(unsafe {
        (
            std::os::fd::FromRawFd::from_raw_fd(fds[0]),
            std::os::fd::FromRawFd::from_raw_fd(fds[1]),
        )
    })
}

/// Carries the `STARTUPINFO` the parent gave to a child, for its `GetStartupInfo`:
/// `"flags show x y xsize ysize xchars ychars fill\ndesktop\ntitle"` (`-` for a NULL string
/// after the numbers' line: `"...\n-\n-"` has neither; a string is prefixed with `=`).
const STARTUP_VAR: &str = "WINIPC_STARTUP";

/// The `STARTUPINFO` fields a parent passes on (strings as UTF-8).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Passed {
    nums: [u32; 9],
    desktop: Option<String>,
    title: Option<String>,
}

impl Passed {
    fn encode(&self) -> String {
        let n: Vec<String> = self.nums.iter().map(u32::to_string).collect();
        let s = |v: &Option<String>| v.as_ref().map_or("-".to_owned(), |t| format!("={t}"));
        format!("{}\n{}\n{}", n.join(" "), s(&self.desktop), s(&self.title))
    }

    fn decode(v: &str) -> Option<Passed> {
        let mut parts = v.splitn(3, '\n');
        let nums: Vec<u32> = parts
            .next()?
            .split(' ')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        let s = |p: &str| match p {
            "-" => Some(None),
            _ => p.strip_prefix('=').map(|t| Some(t.to_owned())),
        };
        Some(Passed {
            nums: nums.try_into().ok()?,
            desktop: s(parts.next()?)?,
            title: s(parts.next()?)?,
        })
    }
}

/// What this process's parent passed, if a winipc `CreateProcess` started it.
fn passed_startup() -> Option<&'static Passed> {
    static P: OnceLock<Option<Passed>> = OnceLock::new();
    P.get_or_init(|| {
        let argv: Vec<String> = std::env::args_os()
            .map(|a| String::from_utf8_lossy(&a.into_vec()).into_owned())
            .collect();
        // Only while the command line our parent passed still describes this process (the
        // variable may have come down from an ancestor).
        match std::env::var(CMDLINE_VAR) {
            Ok(line) if split_command_line(&line) == argv => {
                Passed::decode(&std::env::var(STARTUP_VAR).ok()?)
            }
            _ => None,
        }
    })
    .as_ref()
}

/// What `GetStartupInfoA/W` reports: the size; for a process started by winipc's
/// CreateProcess, the fields its parent passed (`dwFlags`, `wShowWindow`, position, size,
/// `lpTitle`, `lpDesktop`, ...), else `STARTF_USESTDHANDLES`; and the current standard
/// handles. `wide` picks the strings' width.
pub(crate) fn own_startup_info(wide: bool) -> StartupInfo {
    /// A passed string in both widths.
    type Both = (Option<CString>, Option<Vec<u16>>);
    static STRINGS: OnceLock<[Both; 2]> = OnceLock::new();
    let passed = passed_startup();
    let strings = STRINGS.get_or_init(|| {
        let conv = |v: Option<&String>| {
            v.map_or((None, None), |t| {
                (
                    CString::new(t.replace('\0', " ")).ok(),
                    Some(t.encode_utf16().chain([0]).collect()),
                )
            })
        };
        [
            conv(passed.and_then(|p| p.desktop.as_ref())),
            conv(passed.and_then(|p| p.title.as_ref())),
        ]
    });
    let ptr = |(a, w): &Both| -> *mut c_void {
        if wide {
            w.as_ref()
                .map_or(null_mut(), |w| w.as_ptr().cast_mut().cast())
        } else {
            a.as_ref()
                .map_or(null_mut(), |a| a.as_ptr().cast_mut().cast())
        }
    };
    let n = passed.map_or([STARTF_USESTDHANDLES, 0, 0, 0, 0, 0, 0, 0, 0], |p| p.nums);
    StartupInfo {
        cb: std::mem::size_of::<StartupInfo>() as DWORD,
        reserved: null_mut(),
        desktop: ptr(&strings[0]),
        title: ptr(&strings[1]),
        x: n[2],
        y: n[3],
        x_size: n[4],
        y_size: n[5],
        x_count_chars: n[6],
        y_count_chars: n[7],
        fill_attribute: n[8],
        flags: n[0],
        show_window: n[1] as u16,
        cb_reserved2: 0,
        reserved2: null_mut(),
        std_input: crate::handle::GetStdHandle(-10i32 as DWORD),
        std_output: crate::handle::GetStdHandle(-11i32 as DWORD),
        std_error: crate::handle::GetStdHandle(-12i32 as DWORD),
    }
}

/// The fields of `si` a child receives; `wide` gives the strings' width.
///
/// # Safety
/// `si.lpTitle`/`si.lpDesktop` are NULL or NUL-terminated strings of that width.
unsafe fn passed_of(si: &StartupInfo, wide: bool) -> R<Passed> {
    let text = |p: *mut c_void| -> R<Option<String>> {
        if wide {
            // SAFETY: the caller's contract.
            unsafe { wstr(p.cast()) }
                .map(|w| utf16(w, Text::Other))
                .transpose()
        } else {
            // SAFETY: the caller's contract.
            unsafe { cstr(p.cast()) }
                .map(|b| utf8(b, Text::Other))
                .transpose()
        }
    };
    Ok(Passed {
        nums: [
            si.flags,
            u32::from(si.show_window),
            si.x,
            si.y,
            si.x_size,
            si.y_size,
            si.x_count_chars,
            si.y_count_chars,
            si.fill_attribute,
        ],
        desktop: text(si.desktop)?.map(|d| d.replace('\n', " ")),
        title: text(si.title)?,
    })
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct StartupInfo {
    cb: DWORD,
    reserved: *mut c_void,
    desktop: *mut c_void,
    title: *mut c_void,
    x: DWORD,
    y: DWORD,
    x_size: DWORD,
    y_size: DWORD,
    x_count_chars: DWORD,
    y_count_chars: DWORD,
    fill_attribute: DWORD,
    flags: DWORD,
    show_window: u16,
    cb_reserved2: u16,
    reserved2: *mut u8,
    std_input: HANDLE,
    std_output: HANDLE,
    std_error: HANDLE,
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProcessInformation {
    process: HANDLE,
    thread: HANDLE,
    process_id: DWORD,
    thread_id: DWORD,
}

const DEBUG_PROCESS: DWORD = 0x1;
const DEBUG_ONLY_THIS_PROCESS: DWORD = 0x2;
const CREATE_SUSPENDED: DWORD = 0x4;
const CREATE_UNICODE_ENVIRONMENT: DWORD = 0x400;
/// The child leads a process group of its own (its id is the child's process id) and starts
/// with Ctrl+C ignored (`SIGINT` ignored), as Windows disables Ctrl+C in a new group.
const CREATE_NEW_PROCESS_GROUP: DWORD = 0x200;
const DETACHED_PROCESS: DWORD = 0x8;
const CREATE_NEW_CONSOLE: DWORD = 0x10;
/// Accepted and without effect: console, window, priority, group and error-mode flags.
const HARMLESS_FLAGS: DWORD = 0x8 // DETACHED_PROCESS
    | 0x10 // CREATE_NEW_CONSOLE
    | 0x20 | 0x40 | 0x80 | 0x100 | 0x4000 | 0x8000 // priority classes
    | 0x0100_0000 // CREATE_BREAKAWAY_FROM_JOB
    | 0x0400_0000 // CREATE_DEFAULT_ERROR_MODE
    | 0x0800_0000; // CREATE_NO_WINDOW
const STARTF_USESTDHANDLES: DWORD = 0x100;

/// An environment block: `NAME=value\0...\0\0`, in `char` or `WCHAR` units.
///
/// # Safety
/// `env` is a valid, doubly NUL-terminated block of the given width.
unsafe fn environment(env: *const c_void, wide: bool) -> R<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut p = env;
    loop {
        let s = if wide {
            // SAFETY: within the block (the caller's contract).
            let w = unsafe { wstr(p.cast()) }.unwrap_or_default();
            // SAFETY: skipping the string and its terminator stays within the block.
            p = unsafe { p.cast::<u16>().add(w.len() + 1).cast() };
            utf16(w, Text::Other)?
        } else {
            // SAFETY: within the block (the caller's contract).
            let b = unsafe { cstr(p.cast()) }.unwrap_or_default();
            // SAFETY: skipping the string and its terminator stays within the block.
            p = unsafe { p.cast::<u8>().add(b.len() + 1).cast() };
            utf8(b, Text::Other)?
        };
        if s.is_empty() {
            return Ok(out);
        }
        // "=C:=C:\\" style entries (a leading '=') are kept whole as names.
        match s[1..].find('=') {
            Some(i) => out.push((s[..i + 1].to_owned(), s[i + 2..].to_owned())),
            None => out.push((s, String::new())),
        }
    }
}

/// A child's standard stream from `STARTUPINFO.hStd*` (only `GetStdHandle` handles and NULL
/// are meaningful; anything else leaves the caller's descriptor).
fn stdio_of(h: HANDLE) -> R<Option<Stdio>> {
    if h.is_null() {
        return Ok(Some(Stdio::null()));
    }
    match classify(h) {
        Ok(H::Std(fd)) => {
            // A closed descriptor is an invalid handle.
            // SAFETY: F_GETFD on a descriptor number.
            if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
                return Err(invalid_handle());
            }
            // SAFETY: the descriptor is open (just checked) for the duration of the call.
            let b = unsafe { BorrowedFd::borrow_raw(fd) };
            let owned: OwnedFd = b.try_clone_to_owned()?;
            Ok(Some(Stdio::from(owned)))
        }
        _ => Ok(None),
    }
}

struct Args {
    application: Option<String>,
    command_line: Option<String>,
    inherit: bool,
    flags: DWORD,
    env: Option<Vec<(String, String)>>,
    directory: Option<String>,
    startup: StartupInfo,
    passed: Passed,
    process_inherit: bool,
    thread_inherit: bool,
}

fn create_process(a: Args) -> R<ProcessInformation> {
    if a.flags & (DEBUG_PROCESS | DEBUG_ONLY_THIS_PROCESS) != 0 {
        return Err(not_supported("debugging"));
    }
    if a.flags
        & !(HARMLESS_FLAGS
            | CREATE_UNICODE_ENVIRONMENT
            | CREATE_SUSPENDED
            | CREATE_NEW_PROCESS_GROUP)
        != 0
    {
        return Err(invalid_parameter("dwCreationFlags"));
    }
    if a.flags & (DETACHED_PROCESS | CREATE_NEW_CONSOLE) == DETACHED_PROCESS | CREATE_NEW_CONSOLE {
        return Err(invalid_parameter(
            "DETACHED_PROCESS with CREATE_NEW_CONSOLE",
        ));
    }
    let (argv, cmdline) = match (&a.application, &a.command_line) {
        (None, None) => return Err(invalid_parameter("no program")),
        (Some(app), None) => (
            vec![app.clone()],
            join_command_line(std::slice::from_ref(app)),
        ),
        (_, Some(cl)) => (split_command_line(cl), cl.clone()),
    };
    let program = match &a.application {
        // lpApplicationName: a path (relative to the current directory), `.exe` optional.
        Some(app) if app.contains('/') || windows_spelled(app) => find_program(app)?,
        Some(app) => find_program(&format!("./{app}"))?,
        None => find_unquoted(&cmdline, argv.first().map_or("", String::as_str))?,
    };
    check_executable(&program)?;
    // Absolute, so lpCurrentDirectory does not change which program runs.
    let program = std::path::absolute(&program)?;

    let suspended = a.flags & CREATE_SUSPENDED != 0;
    let mut hold: Option<(OwnedFd, OwnedFd)> = None;
    let mut cmd = if suspended {
        // Held before exec: a shell stub waits for a line on a pipe (ResumeThread writes it),
        // then execs the program with the same argv (bash keeps argv[0] with `exec -a`).
        let (r, w) = pipe_cloexec()?;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&r);
        let bash = Path::new("/bin/bash").exists();
        let script = format!(
            "read _ <&{fd} || exit 1; exec {fd}<&-; exec {} \"$@\"",
            if bash { "-a \"$0\"" } else { "" }
        );
        let mut c = Command::new(if bash { "/bin/bash" } else { "/bin/sh" });
        c.arg("-c")
            .arg(script)
            .arg(argv.first().map_or("", String::as_str))
            .arg(&program)
            .args(argv.iter().skip(1));
        // SAFETY: fcntl on a descriptor number is async-signal-safe.
        unsafe {
            c.pre_exec(move || {
                if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        hold = Some((r, w));
        c
    } else {
        let mut c = Command::new(&program);
        if let Some((first, rest)) = argv.split_first() {
            c.arg0(first).args(rest);
        }
        c
    };
    if let Some(env) = &a.env {
        cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v)));
    }
    cmd.env(CMDLINE_VAR, &cmdline);
    cmd.env(STARTUP_VAR, a.passed.encode());
    if let Some(d) = &a.directory {
        let d = &crate::env::linux_path(d);
        if !Path::new(d).is_dir() {
            return Err(Fail(code::ERROR_DIRECTORY));
        }
        cmd.current_dir(d);
    }
    if let Some(nice) = crate::sched::nice_of_class_flags(a.flags) {
        // The priority class, set in the child before it runs the program (a class above
        // the caller's needs privileges; without them the child keeps the caller's).
        // SAFETY: setpriority is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                libc::setpriority(libc::PRIO_PROCESS, 0, nice);
                Ok(())
            });
        }
    }
    if a.flags & CREATE_NEW_PROCESS_GROUP != 0 {
        cmd.process_group(0);
        // SAFETY: signal(2) is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::signal(libc::SIGINT, libc::SIG_IGN);
                Ok(())
            });
        }
    }
    if !a.inherit {
        // Descriptors made inheritable through winipc stay in this process.
        let fds = crate::files::inheritable_fds();
        // SAFETY: fcntl on descriptor numbers is async-signal-safe.
        unsafe {
            cmd.pre_exec(move || {
                for &fd in &fds {
                    libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                }
                Ok(())
            });
        }
    }
    if a.startup.flags & STARTF_USESTDHANDLES == 0 {
        // The standard handles SetStdHandle changed are the child's standard streams.
        for i in 0..3 {
            if let Some(h) = crate::handle::std_override(i)
                && let Some(s) = stdio_of(h)?
            {
                match i {
                    0 => cmd.stdin(s),
                    1 => cmd.stdout(s),
                    _ => cmd.stderr(s),
                };
            }
        }
    }
    if a.startup.flags & STARTF_USESTDHANDLES != 0 {
        if let Some(s) = stdio_of(a.startup.std_input)? {
            cmd.stdin(s);
        }
        if let Some(s) = stdio_of(a.startup.std_output)? {
            cmd.stdout(s);
        }
        if let Some(s) = stdio_of(a.startup.std_error)? {
            cmd.stderr(s);
        }
    }
    let mut p = Process::spawn(cmd, a.inherit)?;
    let pid = p.pid();
    if let Some((r, w)) = hold {
        drop(r); // the child has its copy
        crate::threadctl::hold_child(pid, w);
    }
    let thread = p.take_main_thread().map(|t| t.into_handle().into_raw());
    let process = p.into_handle().into_raw();
    let Some(thread) = thread else {
        let _ = raw::close(process);
        return Err(Fail(code::ERROR_GEN_FAILURE));
    };
    for (h, inherit) in [(process, a.process_inherit), (thread, a.thread_inherit)] {
        if inherit {
            raw::set_handle_flags(h, raw::HANDLE_FLAG_INHERIT, raw::HANDLE_FLAG_INHERIT)?;
        }
    }
    Ok(ProcessInformation {
        process: to_handle(process),
        thread: to_handle(thread),
        process_id: pid,
        thread_id: pid,
    })
}

/// Everything of `CreateProcessA/W` except the character width of the strings.
///
/// # Safety
/// The pointers satisfy the Win32 contract of `CreateProcess`.
#[allow(clippy::too_many_arguments)]
unsafe fn create_process_ffi(
    application: R<Option<String>>,
    command_line: R<Option<String>>,
    process_sa: *const SecurityAttributes,
    thread_sa: *const SecurityAttributes,
    inherit: BOOL,
    flags: DWORD,
    env: *const c_void,
    directory: R<Option<String>>,
    startup: *const StartupInfo,
    info: *mut ProcessInformation,
    wide: bool,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let startup = unsafe { read_req(startup) }?;
        // SAFETY: the caller's contract (the strings of a STARTUPINFOA/W).
        let passed = unsafe { passed_of(&startup, wide) }?;
        if info.is_null() {
            return Err(noaccess());
        }
        let env = if env.is_null() {
            None
        } else {
            // SAFETY: the caller's contract.
            Some(unsafe { environment(env, flags & CREATE_UNICODE_ENVIRONMENT != 0) }?)
        };
        let pi = create_process(Args {
            application: application?,
            command_line: command_line?,
            inherit: inherit != 0,
            flags,
            env,
            directory: directory?,
            startup,
            passed,
            // SAFETY: the caller's contract.
            process_inherit: unsafe { inherit_of(process_sa) },
            // SAFETY: the caller's contract.
            thread_inherit: unsafe { inherit_of(thread_sa) },
        })?;
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { write_req(info, pi) }
    })
}

/// # Safety
/// The pointers satisfy the Win32 contract of `CreateProcessA` (strings UTF-8).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateProcessA(
    application: *const c_char,
    command_line: *mut c_char,
    process_sa: *const SecurityAttributes,
    thread_sa: *const SecurityAttributes,
    inherit: BOOL,
    flags: DWORD,
    env: *const c_void,
    directory: *const c_char,
    startup: *const StartupInfo,
    info: *mut ProcessInformation,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe {
        create_process_ffi(
            arg_a(application, Text::Other),
            arg_a(command_line, Text::Other),
            process_sa,
            thread_sa,
            inherit,
            flags,
            env,
            arg_a(directory, Text::Other),
            startup,
            info,
            false,
        )
    }
}

/// # Safety
/// The pointers satisfy the Win32 contract of `CreateProcessW` (strings UTF-16).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateProcessW(
    application: *const WCHAR,
    command_line: *mut WCHAR,
    process_sa: *const SecurityAttributes,
    thread_sa: *const SecurityAttributes,
    inherit: BOOL,
    flags: DWORD,
    env: *const c_void,
    directory: *const WCHAR,
    startup: *const StartupInfo,
    info: *mut ProcessInformation,
) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe {
        create_process_ffi(
            arg_w(application, Text::Other),
            arg_w(command_line, Text::Other),
            process_sa,
            thread_sa,
            inherit,
            flags,
            env,
            arg_w(directory, Text::Other),
            startup,
            info,
            true,
        )
    }
}

// ---- other process functions ---------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn OpenProcess(access: DWORD, inherit: BOOL, pid: DWORD) -> HANDLE {
    ffi(null_mut(), || {
        if pid == 0 {
            return Err(invalid_parameter("process id 0"));
        }
        // Generic rights mapped first, then checked: another user's process may be opened for
        // waiting and querying only (ERROR_ACCESS_DENIED otherwise).
        let specific = crate::handle::map_access(winipc_core::Kind::Process, access);
        let h = Process::open_with_access(pid, specific)?.into_handle();
        if inherit != 0 {
            h.set_inheritable(true)?;
        }
        let r = h.into_raw();
        crate::handle::restrict_opened(r, access)?;
        Ok(to_handle(r))
    })
}

/// # Safety
/// `code` is NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetExitCodeProcess(h: HANDLE, code: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let c = match process_arg(h)? {
            ProcArg::Current => STILL_ACTIVE,
            ProcArg::Raw(r) => raw::process_exit_code(r)?,
        };
        // SAFETY: the caller's contract.
        unsafe { write_req(code, c) }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn TerminateProcess(h: HANDLE, code: u32) -> BOOL {
    ffi_bool(|| match process_arg(h)? {
        ProcArg::Raw(r) => Ok(raw::process_terminate(r, code)?),
        ProcArg::Current => {
            let me = Process::current()?.into_handle().into_raw();
            // Also in this process's slot, as ExitProcess records it: the object's preset code
            // dies with the object if our parent has not opened it yet when we are reaped.
            let _ = raw::record_exit_code(code);
            raw::process_terminate(me, code)?;
            // SIGKILL is on its way; never return to the caller.
            loop {
                std::thread::park();
            }
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn ExitProcess(code: u32) -> ! {
    // `exit_process` records the 32-bit code in this process's object, which our parent's
    // `Process::spawn` creates only after the child is running: a child that exits at once
    // could find none and leave only the 8-bit status. Creating (or opening) the object here
    // first closes that window; the handle stays open until the process is gone.
    let _ = std::panic::catch_unwind(|| Process::current().map(|p| p.into_handle().into_raw()));
    winipc_core::exit_process(code)
}

// ---- the full exit code of exit(n) and of a return from main ---------------------------------

unsafe extern "C" {
    /// glibc's `on_exit`: like `atexit`, but the handler receives the status given to `exit`
    /// (all of its bits; the kernel keeps only the low 8).
    fn on_exit(f: extern "C" fn(i32, *mut c_void), arg: *mut c_void) -> i32;
}

/// Runs at `exit(n)` and at a return from `main` (which calls `exit`): records `n` as the full
/// 32-bit exit code when it does not fit in the 8-bit Linux status, exactly as `ExitProcess`
/// does. Codes 0..=255 travel in the status itself and cost nothing here.
extern "C" fn exit_hook(status: i32, _arg: *mut c_void) {
    let code = status as u32;
    if code <= 0xff {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        let _ = Process::current().map(|p| p.into_handle().into_raw());
        raw::record_exit_code(code)
    });
}

extern "C" fn install_exit_hook() {
    // SAFETY: registers a handler with the C library; `exit_hook` never unwinds.
    unsafe { on_exit(exit_hook, null_mut()) };
}

/// Installed when the library is loaded, before `main`, so it runs after the program's own
/// `atexit` handlers (handlers run in reverse order of registration).
#[used]
#[unsafe(link_section = ".init_array")]
static INSTALL_EXIT_HOOK: extern "C" fn() = install_exit_hook;

fn command_line() -> &'static str {
    static LINE: OnceLock<String> = OnceLock::new();
    LINE.get_or_init(|| {
        let argv: Vec<String> = std::env::args_os()
            .map(|a| String::from_utf8_lossy(&a.into_vec()).into_owned())
            .collect();
        // The exact string our parent passed, if it still describes this process.
        match std::env::var(CMDLINE_VAR) {
            Ok(line) if split_command_line(&line) == argv => line,
            _ => join_command_line(&argv),
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCommandLineA() -> *mut c_char {
    static A: OnceLock<CString> = OnceLock::new();
    ffi(null_mut(), || {
        let s =
            A.get_or_init(|| CString::new(command_line().replace('\0', " ")).unwrap_or_default());
        Ok(s.as_ptr().cast_mut())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCommandLineW() -> *mut WCHAR {
    static W: OnceLock<Vec<u16>> = OnceLock::new();
    ffi(null_mut(), || {
        let w = W.get_or_init(|| command_line().encode_utf16().chain([0]).collect());
        Ok(w.as_ptr().cast_mut())
    })
}

/// `WaitForInputIdle`: every process here is a console process, for which Windows returns at
/// once; 0, or `WAIT_FAILED` + `ERROR_INVALID_HANDLE` for what is not a process handle.
#[unsafe(no_mangle)]
pub extern "C" fn WaitForInputIdle(h: HANDLE, _ms: DWORD) -> DWORD {
    ffi(u32::MAX, || process_arg(h).map(|_| 0))
}

// ---- CommandLineToArgvW and the C runtime's __argc/__argv ---------------------------------

/// shell32's `CommandLineToArgvW` splitting, on UTF-16 units: `argv[0]` as the CRT takes it
/// (between the first pair of `"`, or up to whitespace; no escapes); then whitespace separates
/// arguments, `2n` backslashes + `"` give `n` backslashes and a quote that toggles quoting,
/// `2n+1` backslashes + `"` give `n` backslashes and a literal `"`, and runs of quotes follow
/// shell32's older rule: every third quote of a run is a literal `"` (so `""` inside quotes
/// ends the quoting, where the 2008 CRT goes on).
pub(crate) fn shell_split(s: &[u16]) -> Vec<Vec<u16>> {
    const SP: u16 = b' ' as u16;
    const TAB: u16 = b'\t' as u16;
    const Q: u16 = b'"' as u16;
    const BS: u16 = b'\\' as u16;
    let ws = |c: u16| c == SP || c == TAB;
    let mut argv = Vec::new();
    let mut i = 0;
    let mut first = Vec::new();
    if s.first() == Some(&Q) {
        i = 1;
        while i < s.len() && s[i] != Q {
            first.push(s[i]);
            i += 1;
        }
        i += 1;
    } else {
        while i < s.len() && !ws(s[i]) {
            first.push(s[i]);
            i += 1;
        }
    }
    argv.push(first);
    while i < s.len() && ws(s[i]) {
        i += 1;
    }
    let (mut cur, mut started) = (Vec::new(), i < s.len());
    let (mut qcount, mut bcount) = (0u32, 0usize);
    while i < s.len() {
        let c = s[i];
        if ws(c) && qcount == 0 {
            argv.push(std::mem::take(&mut cur));
            bcount = 0;
            while i < s.len() && ws(s[i]) {
                i += 1;
            }
            started = i < s.len();
        } else if c == BS {
            cur.push(c);
            bcount += 1;
            i += 1;
        } else if c == Q {
            if bcount % 2 == 0 {
                cur.truncate(cur.len() - bcount / 2);
                qcount += 1;
            } else {
                cur.truncate(cur.len() - bcount / 2 - 1);
                cur.push(Q);
            }
            i += 1;
            bcount = 0;
            while i < s.len() && s[i] == Q {
                qcount += 1;
                if qcount == 3 {
                    cur.push(Q);
                    qcount = 0;
                }
                i += 1;
            }
            if qcount == 2 {
                qcount = 0;
            }
        } else {
            cur.push(c);
            bcount = 0;
            i += 1;
        }
    }
    if started {
        argv.push(cur);
    }
    argv
}

/// `CommandLineToArgvW`: one `LocalAlloc` block holding the pointer array (`NULL`-terminated)
/// and the strings; free it with `LocalFree`. An empty line gives the executable's path.
///
/// # Safety
/// `line` is NULL or a NUL-terminated UTF-16 string; `argc` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CommandLineToArgvW(line: *const WCHAR, argc: *mut i32) -> *mut *mut WCHAR {
    ffi(null_mut(), || {
        if argc.is_null() {
            return Err(invalid_parameter("pNumArgs"));
        }
        // SAFETY: the caller's contract.
        let text = unsafe { wstr(line) }.unwrap_or_default();
        let argv = if text.is_empty() {
            let exe = std::env::current_exe().map_err(Fail::from)?;
            vec![exe.to_string_lossy().encode_utf16().collect()]
        } else {
            shell_split(text)
        };
        let ptrs = (argv.len() + 1) * std::mem::size_of::<*mut WCHAR>();
        let chars: usize = argv.iter().map(|a| a.len() + 1).sum();
        let block = crate::memory::local_alloc(ptrs + 2 * chars)?;
        let table = block.cast::<*mut WCHAR>();
        // SAFETY: the block is `ptrs + 2 * chars` bytes, aligned for pointers (malloc): the
        // table fills its first `ptrs` bytes, each string and its NUL follow within `chars`.
        unsafe {
            let mut text = block.cast::<u8>().add(ptrs).cast::<WCHAR>();
            for (k, a) in argv.iter().enumerate() {
                table.add(k).write(text);
                std::ptr::copy_nonoverlapping(a.as_ptr(), text, a.len());
                text.add(a.len()).write(0);
                text = text.add(a.len() + 1);
            }
            table.add(argv.len()).write(null_mut());
        }
        // SAFETY: checked non-NULL; the caller's contract.
        unsafe { write_req(argc, argv.len() as i32) }?;
        Ok(table)
    })
}

/// The Microsoft C runtime's copies of `main`'s arguments, for programs that read them
/// outside `main` (`WinMain`-style code): set before `main` from what the C library passes to
/// initialisers.
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
pub static mut __argc: i32 = 0;
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
pub static mut __argv: *mut *mut c_char = null_mut();
#[allow(non_upper_case_globals)]
#[unsafe(no_mangle)]
pub static mut __wargv: *mut *mut WCHAR = null_mut();

/// glibc calls `.init_array` entries with `(argc, argv, envp)`.
extern "C" fn init_argv(argc: i32, argv: *mut *mut c_char, _envp: *mut *mut c_char) {
    if argc < 0 || argv.is_null() {
        return;
    }
    let _ = std::panic::catch_unwind(|| {
        let mut wide: Vec<*mut WCHAR> = (0..argc as usize)
            .map(|i| {
                // SAFETY: glibc's argv has `argc` NUL-terminated strings, live for the process.
                let a = unsafe { cstr(*argv.add(i)) }.unwrap_or_default();
                let w: Vec<u16> = String::from_utf8_lossy(a)
                    .encode_utf16()
                    .chain([0])
                    .collect();
                Box::leak(w.into_boxed_slice()).as_mut_ptr()
            })
            .collect();
        wide.push(null_mut());
        let wide = Box::leak(wide.into_boxed_slice()).as_mut_ptr();
        // SAFETY: written once, before `main` and before any other thread exists.
        unsafe {
            __argc = argc;
            __argv = argv;
            __wargv = wide;
        }
    });
}

#[used]
#[unsafe(link_section = ".init_array")]
static INIT_ARGV: extern "C" fn(i32, *mut *mut c_char, *mut *mut c_char) = init_argv;

// ---- GetProcessTimes, GetProcessHandleCount ------------------------------------------------

/// 100-ns intervals between 1601-01-01 and 1970-01-01.
const EPOCH_DIFF: u64 = 116_444_736_000_000_000;

fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes the timespec.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn now_filetime() -> u64 {
    clock_ns(libc::CLOCK_REALTIME) / 100 + EPOCH_DIFF
}

fn ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        n if n > 0 => n as u64,
        _ => 100,
    }
}

/// The wall-clock time (FILETIME units) of a start `ticks` after boot.
fn start_filetime(ticks: u64) -> u64 {
    let since_boot_ns = ticks * (1_000_000_000 / ticks_per_second());
    let ago_ns = clock_ns(libc::CLOCK_BOOTTIME).saturating_sub(since_boot_ns);
    now_filetime().saturating_sub(ago_ns / 100)
}

/// User and kernel time of a running process (FILETIME units), from `/proc/PID/stat`.
fn cpu_times(pid: u32) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut f = stat[stat.rfind(')')? + 1..].split_ascii_whitespace();
    // Fields 14 (utime) and 15 (stime) are the 12th and 13th after the name.
    let user: u64 = f.nth(11)?.parse().ok()?;
    let kernel: u64 = f.next()?.parse().ok()?;
    let per_tick = 10_000_000 / ticks_per_second();
    Some((user * per_tick, kernel * per_tick))
}

/// A process: (pid, start ticks).
type ProcKey = (u32, u64);
/// What this process learned of a process: (exit time, user time, kernel time).
type Times = (u64, u64, u64);

/// What this process learned of other processes, for `GetProcessTimes` after they ended.
static TIMES: std::sync::Mutex<Vec<(ProcKey, Times)>> = std::sync::Mutex::new(Vec::new());

/// # Safety
/// The four pointers are NULL or writable `FILETIME`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessTimes(
    h: HANDLE,
    creation: *mut FileTime,
    exit: *mut FileTime,
    kernel: *mut FileTime,
    user: *mut FileTime,
) -> BOOL {
    ffi_bool(|| {
        let (pid, start, exited) = match process_arg(h)? {
            ProcArg::Current => {
                let pid = std::process::id();
                (pid, winipc_sys::proc::start_time(pid).unwrap_or(0), false)
            }
            ProcArg::Raw(r) => {
                let p = Process::from_handle(winipc_core::Handle::from_raw(r)?)?;
                let start = p.start_ticks();
                let exited = raw::process_exit_code(r)? != STILL_ACTIVE;
                let _ = p.into_handle().into_raw(); // the caller's handle stays open
                (raw::process_id(r)?, start, exited)
            }
        };
        let mut t = TIMES.lock().unwrap_or_else(|e| e.into_inner());
        let known = t.iter().position(|(k, _)| *k == (pid, start));
        let (exit_time, u, k) = match (exited, known) {
            (false, _) => {
                let (u, k) = if pid == std::process::id() {
                    own_cpu_times()
                } else {
                    cpu_times(pid).unwrap_or_default()
                };
                match known {
                    Some(i) => t[i].1 = (0, u, k),
                    None => t.push(((pid, start), (0, u, k))),
                }
                (0, u, k)
            }
            (true, Some(i)) => {
                if t[i].1.0 == 0 {
                    t[i].1.0 = now_filetime();
                }
                t[i].1
            }
            (true, None) => {
                let v = (now_filetime(), 0, 0);
                t.push(((pid, start), v));
                v
            }
        };
        drop(t);
        for (p, v) in [
            (creation, start_filetime(start)),
            (exit, exit_time),
            (kernel, k),
            (user, u),
        ] {
            // SAFETY: the caller's contract.
            unsafe { write_req(p, FileTime::from(v)) }?;
        }
        Ok(())
    })
}

/// The calling process's own user and kernel time (FILETIME units).
fn own_cpu_times() -> (u64, u64) {
    // SAFETY: getrusage writes the struct.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    let t = |tv: libc::timeval| tv.tv_sec as u64 * 10_000_000 + tv.tv_usec as u64 * 10;
    (t(ru.ru_utime), t(ru.ru_stime))
}

/// `FILETIME`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FileTime {
    low: DWORD,
    high: DWORD,
}

impl From<u64> for FileTime {
    fn from(v: u64) -> FileTime {
        FileTime {
            low: v as DWORD,
            high: (v >> 32) as DWORD,
        }
    }
}

/// # Safety
/// `count` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessHandleCount(h: HANDLE, count: *mut DWORD) -> BOOL {
    ffi_bool(|| {
        let pid = crate::handle::pid_of(process_arg(h)?)?;
        let n = Process::handle_count_of(pid)?;
        // SAFETY: the caller's contract.
        unsafe { write_req(count, n) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        split_command_line(s)
    }

    #[test]
    fn microsoft_examples() {
        // The table of "Parsing C command-line arguments" (Microsoft Learn), argv[1..].
        let cases: &[(&str, &[&str])] = &[
            (r#"p "a b c" d e"#, &["a b c", "d", "e"]),
            (r#"p "ab\"c" "\\" d"#, &["ab\"c", "\\", "d"]),
            (r#"p a\\\b d"e f"g h"#, &[r"a\\\b", "de fg", "h"]),
            (r#"p a\\\"b c d"#, &[r#"a\"b"#, "c", "d"]),
            (r#"p a\\\\"b c" d e"#, &[r"a\\b c", "d", "e"]),
            // Since the 2008 CRT, `""` inside quotes is a literal quote and quoting goes on.
            (r#"p a"b"" c d"#, &[r#"ab" c d"#]),
        ];
        for (line, want) in cases {
            let got = split(line);
            assert_eq!(got[0], "p");
            assert_eq!(&got[1..], *want, "{line}");
        }
    }

    #[test]
    fn argv0_rules() {
        assert_eq!(
            split(r#""C:\Program Files\x.exe" a"#),
            [r"C:\Program Files\x.exe", "a"]
        );
        assert_eq!(split(r#"a\"b c"#), [r#"a\"b"#, "c"]); // no escapes in argv[0]
        assert_eq!(split("prog"), ["prog"]);
        assert_eq!(split("prog   "), ["prog"]);
        assert_eq!(split(""), Vec::<String>::new());
        assert_eq!(split(r#"p """#), ["p", ""]);
        assert_eq!(split("p\ta\t\tb"), ["p", "a", "b"]);
        assert_eq!(split(r#"p "unterminated arg"#), ["p", "unterminated arg"]);
        assert_eq!(split(r"p trailing\\"), ["p", r"trailing\\"]);
    }

    #[test]
    fn quoting_round_trips() {
        let args = [
            "prog",
            "",
            "plain",
            "with space",
            r#"quote"inside"#,
            r"back\slash",
            r"ends\",
            r#"ends\""#,
            r#"\\"\\"#,
            "tab\there",
            "héllo €",
        ];
        let argv: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let line = join_command_line(&argv);
        assert_eq!(split(&line), argv, "{line}");
        let argv0 = vec!["my prog".to_owned(), "x".to_owned()];
        assert_eq!(split(&join_command_line(&argv0)), argv0);
    }

    fn shell(s: &str) -> Vec<String> {
        let w: Vec<u16> = s.encode_utf16().collect();
        shell_split(&w)
            .iter()
            .map(|a| String::from_utf16_lossy(a))
            .collect()
    }

    #[test]
    fn command_line_to_argv_w() {
        // Where shell32 and the CRT agree.
        for line in [
            r#"p "a b c" d e"#,
            r#"p "ab\"c" "\\" d"#,
            r#"p a\\\b d"e f"g h"#,
            r#"p a\\\"b c d"#,
            r#"p a\\\\"b c" d e"#,
            r#""C:\Program Files\x.exe" a"#,
            "p\ta\t\tb   ",
            r#"p """#,
        ] {
            assert_eq!(shell(line), split(line), "{line}");
        }
        // shell32's older rule for runs of quotes: `""` inside quotes ends the quoting.
        assert_eq!(shell(r#"p a"b"" c d"#), ["p", "ab\"", "c", "d"]);
        assert_eq!(shell(r#"p """"a"#), ["p", "\"a"]);
        assert_eq!(shell("p"), ["p"]);
        assert_eq!(shell(r#""a b"c d"#), ["a b", "c", "d"]);
    }

    #[test]
    fn startup_info_round_trips() {
        for p in [
            Passed::default(),
            Passed {
                nums: [1, 2, 3, 4, 5, 6, 7, 8, u32::MAX],
                desktop: Some("winsta0\\default".into()),
                title: Some("a\ntitle - with = and \n".into()),
            },
            Passed {
                nums: [0; 9],
                desktop: None,
                title: Some(String::new()),
            },
        ] {
            assert_eq!(Passed::decode(&p.encode()), Some(p.clone()));
        }
        assert_eq!(Passed::decode("1 2\n-\n-"), None);
        assert_eq!(Passed::decode("garbage"), None);
    }

    #[test]
    fn exe_suffix() {
        assert_eq!(candidates("a.EXE"), ["a.EXE", "a"]);
        assert_eq!(candidates("a"), ["a"]);
        assert_eq!(candidates(".exe"), [".exe"]);
    }

    /// Windows spellings of a path reach the Linux file: `\` separators, a drive letter.
    #[test]
    fn lookup_windows_spelling() {
        assert_eq!(
            find_program(r"\bin\sh").ok(),
            Some(PathBuf::from("/bin/sh"))
        );
        assert_eq!(
            find_program(r"C:\bin\sh.exe").ok(),
            Some(PathBuf::from("/bin/sh"))
        );
        assert_eq!(
            find_program(r"C:\no-such-dir-winipc\x.exe").unwrap_err(),
            Fail(code::ERROR_PATH_NOT_FOUND)
        );
    }

    #[test]
    fn lookup() {
        assert!(find_program("sh").is_ok());
        assert!(find_program("sh.exe").is_ok());
        assert_eq!(
            find_program("no-such-program-winipc").unwrap_err(),
            Fail(code::ERROR_FILE_NOT_FOUND)
        );
        assert_eq!(
            find_program("/no/such/dir/prog").unwrap_err(),
            Fail(code::ERROR_PATH_NOT_FOUND)
        );
    }
}
