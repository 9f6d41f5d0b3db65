//! Named pipes, the Win32 functions over `winipc::pipe` (decision 0011): `CreateNamedPipe`,
//! `ConnectNamedPipe` (synchronous and overlapped), `DisconnectNamedPipe`, `WaitNamedPipe`,
//! `CreateFile` on `\\.\pipe\name`, `Get/SetNamedPipeHandleState`, `GetNamedPipeInfo`,
//! `PeekNamedPipe` (anonymous pipes too), `TransactNamedPipe`, `CallNamedPipe`, the
//! client/server process and session ids, and `ReadFile`/`WriteFile`/`FlushFileBuffers` on
//! pipe ends.
//!
//! Every pipe handle is a descriptor handle (`STD_BASE + 4 * fd`). A client end's descriptor
//! is its connected socket, so it can be inherited and become any program's stdio. A server
//! instance's descriptor is a duplicate of its connect eventfd, a number that names the
//! instance for as long as the handle is open (its connection changes with each client).
//! `PIPES` maps those descriptors to the ends; a descriptor a winipc child inherited is adopted
//! on first use (`PipeClient::from_fd`).

use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use winipc_core::pipe::{
    ClientAccess, Connected, PipeClient, PipeInstance, PipeOptions, PipeType, ReadDone, ReadMode,
    call_named_pipe, flags, wait_named_pipe, wait_named_pipe_default,
};

use crate::handle::{H, classify, std_handle};
use crate::overlapped::{Attempt, IN, OUT, Outcome, Side, Started, Target};
use crate::util::*;

const ERROR_PIPE_CONNECTED: u32 = 535;
const FILE_FLAG_OVERLAPPED: DWORD = 0x4000_0000;

/// One end of a named pipe.
pub(crate) enum End {
    Server(PipeInstance),
    Client(PipeClient),
}

/// A pipe end behind a handle, with the descriptor the overlapped engine waits on for data
/// (a server's is a duplicate of its current connection, dropped when the connection ends so
/// that it never keeps a disconnected client's socket alive).
pub(crate) struct PipeEnd {
    end: End,
    data_fd: Mutex<Option<OwnedFd>>,
}

/// What a descriptor is: a pipe end, or known not to be one (so that `ReadFile` on a file
/// asks the kernel only once).
#[derive(Clone)]
enum Known {
    Pipe(Arc<PipeEnd>),
    NotPipe,
}

static PIPES: Mutex<Option<HashMap<i32, Known>>> = Mutex::new(None);

fn pipes() -> std::sync::MutexGuard<'static, Option<HashMap<i32, Known>>> {
    PIPES.lock().unwrap_or_else(|e| e.into_inner())
}

fn register(fd: i32, end: End) -> Arc<PipeEnd> {
    let p = Arc::new(PipeEnd {
        end,
        data_fd: Mutex::new(None),
    });
    pipes()
        .get_or_insert_with(HashMap::new)
        .insert(fd, Known::Pipe(p.clone()));
    p
}

fn is_socket(fd: i32) -> bool {
    let mut st = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: fstat fills `st` on success.
    if unsafe { libc::fstat(fd, st.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: initialised by the successful fstat.
    let mode = unsafe { st.assume_init() }.st_mode;
    mode & libc::S_IFMT == libc::S_IFSOCK
}

/// The pipe end behind descriptor `fd`: a registered one, or an inherited socket adopted now.
pub(crate) fn end_of_fd(fd: i32) -> Option<Arc<PipeEnd>> {
    match pipes().as_ref().and_then(|m| m.get(&fd).cloned()) {
        Some(Known::Pipe(p)) => return Some(p),
        Some(Known::NotPipe) => return None,
        None => {}
    }
    let adopted = adopt(fd);
    let mut g = pipes();
    let m = g.get_or_insert_with(HashMap::new);
    let k = m.entry(fd).or_insert_with(|| match adopted {
        Some(c) => Known::Pipe(Arc::new(PipeEnd {
            end: End::Client(c),
            data_fd: Mutex::new(None),
        })),
        None => Known::NotPipe,
    });
    match k {
        Known::Pipe(p) => Some(p.clone()),
        Known::NotPipe => None,
    }
}

/// An inherited pipe end (a socket): a client over a duplicate (the handle keeps its own
/// descriptor).
fn adopt(fd: i32) -> Option<PipeClient> {
    if !is_socket(fd) {
        return None;
    }
    // SAFETY: F_DUPFD_CLOEXEC on a descriptor number.
    let dup = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 3) };
    if dup < 0 {
        return None;
    }
    // SAFETY: `dup` was just created and is owned by nobody else.
    let owned = unsafe { OwnedFd::from_raw_fd(dup) };
    PipeClient::from_fd(owned).ok()
}

/// The pipe end behind handle `h` (`ERROR_INVALID_HANDLE` for anything else).
fn end_of(h: HANDLE) -> R<Arc<PipeEnd>> {
    match classify(h)? {
        H::Std(fd) => end_of_fd(fd).ok_or_else(invalid_handle),
        _ => Err(invalid_handle()),
    }
}

/// `CloseHandle` on a descriptor, before the number is released: what winipc knew of `fd` is
/// forgotten, and a pipe end is dropped (a client's drop closes `fd`, its socket). Whether
/// `fd` is closed already.
pub(crate) fn close(fd: i32) -> bool {
    let removed = pipes().as_mut().and_then(|m| m.remove(&fd));
    match removed {
        Some(Known::Pipe(p)) => {
            // A client's own socket is `fd` itself: it closes when the end drops (with its
            // last handle; until then the number stays taken).
            let own = matches!(p.end, End::Client(ref c) if c.as_fd().as_raw_fd() == fd);
            if Arc::strong_count(&p) == 1 {
                p.drop_data_fd();
            }
            drop(p);
            own
        }
        _ => false,
    }
}

/// `DuplicateHandle` of descriptor `fd` gave `new`: a pipe end's duplicate is the same end
/// (the end closes with its last handle, as a Windows file object does). Whether it was one.
pub(crate) fn share(fd: i32, new: i32, overlapped: bool) -> bool {
    let Some(p) = end_of_fd(fd) else {
        return false;
    };
    pipes()
        .get_or_insert_with(HashMap::new)
        .insert(new, Known::Pipe(p.clone()));
    if overlapped {
        crate::overlapped::set_target(crate::overlapped::key_of(std_handle(new)), p);
    }
    true
}

/// Whether `fd` is a registered pipe end (`GetFileType`).
pub(crate) fn is_pipe_fd(fd: i32) -> bool {
    pipes()
        .as_ref()
        .is_some_and(|m| matches!(m.get(&fd), Some(Known::Pipe(_))))
}

fn io_err(e: std::io::Error) -> Fail {
    Fail::from(e)
}

impl PipeEnd {
    fn recv(&self, buf: &mut [u8]) -> std::io::Result<ReadDone> {
        match &self.end {
            End::Server(s) => s.recv(buf),
            End::Client(c) => c.recv(buf),
        }
    }
    fn send(&self, buf: &[u8]) -> std::io::Result<usize> {
        match &self.end {
            End::Server(s) => s.send(buf),
            End::Client(c) => c.send(buf),
        }
    }
    fn server(&self) -> R<&PipeInstance> {
        match &self.end {
            End::Server(s) => Ok(s),
            End::Client(_) => Err(Fail(code::ERROR_INVALID_FUNCTION)),
        }
    }

    /// The descriptor to wait on for data, duplicated once per connection.
    fn data_fd(&self) -> Option<i32> {
        match &self.end {
            End::Client(c) => Some(c.as_fd().as_raw_fd()),
            End::Server(s) => {
                let mut g = self.data_fd.lock().unwrap_or_else(|e| e.into_inner());
                if g.is_none() {
                    *g = s.readiness_fd().ok();
                }
                g.as_ref().map(|f| f.as_raw_fd())
            }
        }
    }

    /// `PIPE_NOWAIT` is set on this end.
    fn nowait(&self) -> bool {
        match &self.end {
            End::Server(s) => s.nowait(),
            End::Client(c) => c.nowait(),
        }
    }

    /// The server's connection ended (disconnect, a new connection): forget its duplicate.
    fn drop_data_fd(&self) {
        self.data_fd
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
    }
}

/// A read's result as an outcome: `ERROR_MORE_DATA` (a warning) keeps its byte count.
fn read_outcome(r: std::io::Result<ReadDone>) -> Outcome {
    match r {
        Ok(d) if d.more => Outcome {
            status: STATUS_BUFFER_OVERFLOW,
            bytes: d.len,
        },
        Ok(d) => Outcome::ok(d.len),
        Err(e) => Outcome::err(io_err(e).0),
    }
}

impl Target for PipeEnd {
    fn read(&self, buf: usize, len: usize, _offset: u64) -> Attempt {
        let b: &mut [u8] = if len == 0 {
            &mut []
        } else {
            // SAFETY: the issuer checked `buf` (not NULL) for `len` bytes of writes; the
            // application keeps it until the operation completes.
            unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) }
        };
        let r = match &self.end {
            End::Server(s) => s.try_read(b),
            End::Client(c) => c.try_read(b),
        };
        match r {
            // PIPE_NOWAIT: nothing there fails at once, also for an overlapped read.
            Ok(None) if self.nowait() => Attempt::Done(Outcome::err(code::ERROR_NO_DATA)),
            Ok(None) => match self.data_fd() {
                Some(fd) => Attempt::Wait(fd, IN),
                None => Attempt::Done(Outcome::err(code::ERROR_PIPE_NOT_CONNECTED)),
            },
            Ok(Some(d)) => Attempt::Done(read_outcome(Ok(d))),
            Err(e) => Attempt::Done(read_outcome(Err(e))),
        }
    }

    fn write(&self, buf: usize, len: usize, _offset: u64, done: &mut usize) -> Attempt {
        loop {
            let b: &[u8] = if len == *done {
                &[]
            } else {
                // SAFETY: the issuer checked `buf` (not NULL) for `len` bytes of reads.
                unsafe { std::slice::from_raw_parts((buf + *done) as *const u8, len - *done) }
            };
            let r = match &self.end {
                End::Server(s) => s.try_write(b),
                End::Client(c) => c.try_write(b),
            };
            match r {
                // PIPE_NOWAIT: what fitted is all that is written.
                Ok(None) if self.nowait() => return Attempt::Done(Outcome::ok(*done)),
                Ok(None) => {
                    return match self.data_fd() {
                        Some(fd) => Attempt::Wait(fd, OUT),
                        None => Attempt::Done(Outcome::err(code::ERROR_PIPE_NOT_CONNECTED)),
                    };
                }
                Ok(Some(n)) => {
                    *done += n;
                    if *done >= len || n == 0 {
                        return Attempt::Done(Outcome::ok(*done));
                    }
                }
                Err(e) => return Attempt::Done(Outcome::err(io_err(e).0)),
            }
        }
    }
}

/// Synchronous `ReadFile` on a pipe end (`ERROR_MORE_DATA` keeps its byte count).
pub(crate) fn read_sync(p: &PipeEnd, buf: &mut [u8]) -> Outcome {
    read_outcome(p.recv(buf))
}

/// Synchronous `WriteFile` on a pipe end.
pub(crate) fn write_sync(p: &PipeEnd, buf: &[u8]) -> R<usize> {
    p.send(buf).map_err(io_err)
}

/// `WriteFile` on a named-pipe end without `FILE_FLAG_OVERLAPPED` (an OVERLAPPED, if given,
/// receives the outcome; a failure is returned only, as Windows does for pipes).
///
/// # Safety
/// `buf` NULL or valid for `len` bytes of reads; `written` NULL or valid for a `DWORD` write;
/// `ov` NULL or valid for an `OVERLAPPED`.
pub(crate) unsafe fn write_pipe(
    h: HANDLE,
    p: &PipeEnd,
    buf: *const c_void,
    len: DWORD,
    written: *mut DWORD,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        if ov.is_null() && written.is_null() {
            return Err(invalid_parameter("lpNumberOfBytesWritten is NULL"));
        }
        // SAFETY: the caller's contract.
        let b = unsafe { bytes(buf, len as usize) }?;
        // SAFETY: the caller's contract.
        let o = unsafe {
            crate::overlapped::complete_sync_pipe(h, ov, || Outcome::of(write_sync(p, b)))
        };
        let n = if o.win32() == 0 { o.bytes } else { 0 };
        // SAFETY: the caller's contract.
        unsafe { write_opt(written, n as DWORD) };
        match o.win32() {
            0 => Ok(()),
            c => Err(Fail(c)),
        }
    })
}

/// `FlushFileBuffers` on a pipe end.
pub(crate) fn flush(p: &PipeEnd) -> R<()> {
    match &p.end {
        End::Server(s) => s.flush_buffers(),
        End::Client(c) => c.flush_buffers(),
    }
    .map_err(io_err)
}

// ---- creating and opening ----------------------------------------------------------------------

/// Whether `name` means a named pipe (`\\<server>\pipe\...`, case-insensitive).
pub(crate) fn looks_like_pipe(name: &str) -> bool {
    name.strip_prefix(r"\\")
        .and_then(|r| r.split_once('\\'))
        .is_some_and(|(_, rest)| {
            rest.get(..5)
                .is_some_and(|k| k.eq_ignore_ascii_case("pipe\\"))
                || rest.eq_ignore_ascii_case("pipe")
        })
}

/// Makes `fd` inheritable or not (the handle's `bInheritHandle`).
fn set_inherit(fd: i32, inherit: bool) {
    // SAFETY: F_SETFD on a descriptor number.
    unsafe {
        libc::fcntl(
            fd,
            libc::F_SETFD,
            if inherit { 0 } else { libc::FD_CLOEXEC },
        )
    };
    if inherit {
        crate::files::mark_inheritable(fd);
    }
}

/// `CreateFile` on a pipe name.
pub(crate) fn open_client(name: &str, access: DWORD, flags_: DWORD, inherit: bool) -> R<HANDLE> {
    let c = PipeClient::open_with(name, ClientAccess::from_mask(access)).map_err(io_err)?;
    let fd = c.as_fd().as_raw_fd();
    set_inherit(fd, inherit);
    let p = register(fd, End::Client(c));
    let h = std_handle(fd);
    if flags_ & FILE_FLAG_OVERLAPPED != 0 {
        crate::overlapped::set_target(crate::overlapped::key_of(h), p);
    }
    set_last_error(code::ERROR_SUCCESS);
    Ok(h)
}

/// # Safety
/// `sa` NULL or valid.
#[allow(clippy::too_many_arguments)] // CreateNamedPipe's
unsafe fn create(
    name: R<Option<String>>,
    open_mode: DWORD,
    pipe_mode: DWORD,
    max_instances: DWORD,
    out_size: DWORD,
    in_size: DWORD,
    timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        let name = name?.ok_or(Fail(code::ERROR_PATH_NOT_FOUND))?;
        // SAFETY: forwarded contract.
        let security = unsafe { security(sa) }?;
        let inherit = security.inherit;
        let mut opts = PipeOptions::from_win32(
            open_mode,
            pipe_mode,
            max_instances,
            out_size,
            in_size,
            timeout,
        )
        .map_err(io_err)?;
        let inst = opts.security(security).create(&name).map_err(io_err)?;
        // The handle's descriptor: a duplicate of the instance's connect eventfd, never
        // inherited (`bInheritHandle` is ignored: the instance lives in this process, and a
        // child reading the bare eventfd would block; docs/c-abi.md).
        let _ = inherit;
        // SAFETY: duplicating a descriptor the instance owns.
        let fd = unsafe { libc::fcntl(inst.connect_fd().as_raw_fd(), libc::F_DUPFD_CLOEXEC, 3) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        let p = register(fd, End::Server(inst));
        let h = std_handle(fd);
        if open_mode & FILE_FLAG_OVERLAPPED != 0 {
            crate::overlapped::set_target(crate::overlapped::key_of(h), p);
        }
        set_last_error(code::ERROR_SUCCESS);
        Ok(h)
    })
}

/// # Safety
/// `name` NULL or NUL-terminated; `sa` NULL or valid.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CreateNamedPipeA(
    name: *const c_char,
    open_mode: DWORD,
    pipe_mode: DWORD,
    max_instances: DWORD,
    out_size: DWORD,
    in_size: DWORD,
    timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe {
        create(
            arg_a(name, Text::Name),
            open_mode,
            pipe_mode,
            max_instances,
            out_size,
            in_size,
            timeout,
            sa,
        )
    }
}

/// # Safety
/// `name` NULL or NUL-terminated; `sa` NULL or valid.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)]
pub unsafe extern "C" fn CreateNamedPipeW(
    name: *const WCHAR,
    open_mode: DWORD,
    pipe_mode: DWORD,
    max_instances: DWORD,
    out_size: DWORD,
    in_size: DWORD,
    timeout: DWORD,
    sa: *const SecurityAttributes,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe {
        create(
            arg_w(name, Text::Name),
            open_mode,
            pipe_mode,
            max_instances,
            out_size,
            in_size,
            timeout,
            sa,
        )
    }
}

// ---- connecting ----------------------------------------------------------------------------------

/// # Safety
/// `ov` NULL or a live OVERLAPPED kept valid until the connection completes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ConnectNamedPipe(h: HANDLE, ov: *mut OVERLAPPED) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        let server = p.server()?;
        let overlapped = crate::overlapped::target_of(h).is_some();
        // PIPE_NOWAIT: the connect never waits, overlapped or not.
        if !overlapped || ov.is_null() || p.nowait() {
            let r = server.connect().map_err(io_err);
            p.drop_data_fd();
            return match r? {
                Connected::Now => {
                    // SAFETY: the caller's contract.
                    unsafe { crate::overlapped::complete_sync(h, ov, || Ok(0)) }.map(|_| ())
                }
                Connected::Already => Err(Fail(ERROR_PIPE_CONNECTED)),
            };
        }
        if !writable(ov.cast(), std::mem::size_of::<OVERLAPPED>()) {
            return Err(noaccess());
        }
        // Connects already pending on the handle see a client that came first (they
        // complete), then this one finds it there.
        crate::overlapped::retry(crate::overlapped::key_of(h));
        // A client already there: ERROR_PIPE_CONNECTED, nothing signaled (the canonical
        // server sets its event itself then).
        let first = server.try_connect().map_err(io_err)?;
        if first == Some(Connected::Already) {
            p.drop_data_fd();
            // Windows marks the OVERLAPPED pending before it learns the client is there
            // (the failure then leaves it so).
            // SAFETY: checked writable above; the caller's contract.
            unsafe { (&raw mut (*ov).Internal).write_volatile(STATUS_PENDING) };
            return Err(Fail(ERROR_PIPE_CONNECTED));
        }
        let pp = p.clone();
        let mut now = first;
        let attempt = Box::new(move || {
            let r = match now.take() {
                Some(c) => Ok(Some(c)),
                None => match &pp.end {
                    End::Server(s) => s.try_connect(),
                    End::Client(_) => Ok(Some(Connected::Now)),
                },
            };
            match r {
                Ok(None) => match &pp.end {
                    End::Server(s) => Attempt::Wait(s.connect_fd().as_raw_fd(), IN),
                    End::Client(_) => Attempt::Done(Outcome::ok(0)),
                },
                Ok(Some(_)) => {
                    pp.drop_data_fd();
                    Attempt::Done(Outcome::ok(0))
                }
                Err(e) => Attempt::Done(Outcome::err(io_err(e).0)),
            }
        });
        // SAFETY: the caller's contract.
        match unsafe {
            crate::overlapped::start(crate::overlapped::key_of(h), Side::Read, ov, None, attempt)
        } {
            // A client that came while the connect started: completed already (event set,
            // OVERLAPPED filled), reported as pending - an overlapped ConnectNamedPipe never
            // returns TRUE on Windows, and the canonical servers treat TRUE as a failure.
            Started::Now(o) if o.win32() == 0 => Err(Fail(crate::overlapped::ERROR_IO_PENDING)),
            Started::Now(o) => Err(Fail(o.win32())),
            Started::Pending => Err(Fail(crate::overlapped::ERROR_IO_PENDING)),
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn DisconnectNamedPipe(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        let server = p.server()?;
        p.drop_data_fd();
        server.disconnect().map_err(io_err)?;
        // Pending reads and writes see the disconnection now.
        crate::overlapped::retry(crate::overlapped::key_of(h));
        Ok(())
    })
}

fn wait_named(name: R<Option<String>>, ms: DWORD) -> BOOL {
    ffi_bool(|| {
        let name = name?.ok_or(Fail(code::ERROR_INVALID_NAME))?;
        match ms {
            flags::NMPWAIT_USE_DEFAULT_WAIT => wait_named_pipe_default(&name),
            flags::NMPWAIT_WAIT_FOREVER => wait_named_pipe(&name, None),
            ms => wait_named_pipe(&name, Some(Duration::from_millis(u64::from(ms)))),
        }
        .map_err(io_err)
    })
}

/// # Safety
/// `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitNamedPipeA(name: *const c_char, ms: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    wait_named(unsafe { arg_a(name, Text::Name) }, ms)
}

/// # Safety
/// `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WaitNamedPipeW(name: *const WCHAR, ms: DWORD) -> BOOL {
    // SAFETY: the caller's contract.
    wait_named(unsafe { arg_w(name, Text::Name) }, ms)
}

// ---- state and information -----------------------------------------------------------------------

/// # Safety
/// Each pointer NULL or valid for a `DWORD` write; `user` NULL or valid for `user_size` chars.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeHandleStateA(
    h: HANDLE,
    state: *mut DWORD,
    instances: *mut DWORD,
    max_collection: *mut DWORD,
    collect_timeout: *mut DWORD,
    user: *mut c_char,
    user_size: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe {
        handle_state(
            h,
            state,
            instances,
            max_collection,
            collect_timeout,
            user.is_null() || user_size == 0,
        )
    }
}

/// # Safety
/// As [`GetNamedPipeHandleStateA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeHandleStateW(
    h: HANDLE,
    state: *mut DWORD,
    instances: *mut DWORD,
    max_collection: *mut DWORD,
    collect_timeout: *mut DWORD,
    user: *mut WCHAR,
    user_size: DWORD,
) -> BOOL {
    // SAFETY: forwarded contract.
    unsafe {
        handle_state(
            h,
            state,
            instances,
            max_collection,
            collect_timeout,
            user.is_null() || user_size == 0,
        )
    }
}

/// # Safety
/// As [`GetNamedPipeHandleStateA`].
unsafe fn handle_state(
    h: HANDLE,
    state: *mut DWORD,
    instances: *mut DWORD,
    max_collection: *mut DWORD,
    collect_timeout: *mut DWORD,
    no_user: bool,
) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        for o in [state, instances, max_collection, collect_timeout] {
            out_ok(o)?;
        }
        let hs = match &p.end {
            End::Server(s) => s.handle_state(),
            End::Client(c) => c.handle_state(),
        };
        // Collection settings mean nothing on a local pipe, and a client end has no client
        // user name to report: Windows refuses them (ERROR_INVALID_PARAMETER).
        if !max_collection.is_null() || !collect_timeout.is_null() {
            return Err(invalid_parameter(
                "lpMaxCollectionCount / lpCollectDataTimeout on a local pipe",
            ));
        }
        if !no_user {
            if matches!(p.end, End::Client(_)) {
                return Err(invalid_parameter("lpUserName on a client end"));
            }
            // The client's user name: winipc does not impersonate (decision 0011).
            return Err(not_supported("lpUserName"));
        }
        let mut bits = 0;
        if hs.nowait {
            bits |= flags::PIPE_NOWAIT;
        }
        if hs.read_mode == ReadMode::Message {
            bits |= flags::PIPE_READMODE_MESSAGE;
        }
        // SAFETY: checked by out_ok.
        unsafe {
            write_opt(state, bits);
            write_opt(instances, hs.instances);
        }
        Ok(())
    })
}

/// # Safety
/// Each pointer NULL or valid for a `DWORD` read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetNamedPipeHandleState(
    h: HANDLE,
    mode: *const DWORD,
    max_collection: *const DWORD,
    collect_timeout: *const DWORD,
) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        // SAFETY: the caller's contract.
        let mode = unsafe { read_opt(mode) };
        // Collection settings apply to remote byte pipes only; a server end refuses them.
        // SAFETY: the caller's contract.
        let collect = unsafe { read_opt(max_collection).or(read_opt(collect_timeout)) };
        if collect.is_some() && matches!(p.end, End::Server(_)) {
            return Err(invalid_parameter("collection settings on a server end"));
        }
        let Some(m) = mode else {
            return Ok(());
        };
        if m & !(flags::PIPE_READMODE_MESSAGE | flags::PIPE_NOWAIT) != 0 {
            return Err(invalid_parameter("lpMode"));
        }
        let read_mode = if m & flags::PIPE_READMODE_MESSAGE != 0 {
            ReadMode::Message
        } else {
            ReadMode::Byte
        };
        let nowait = m & flags::PIPE_NOWAIT != 0;
        match &p.end {
            End::Server(s) => s.set_handle_state(Some(read_mode), Some(nowait)),
            End::Client(c) => c.set_handle_state(Some(read_mode), Some(nowait)),
        }
        .map_err(io_err)
    })
}

/// # Safety
/// Each pointer NULL or valid for a `DWORD` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeInfo(
    h: HANDLE,
    flags_out: *mut DWORD,
    out_size: *mut DWORD,
    in_size: *mut DWORD,
    max_instances: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        for o in [flags_out, out_size, in_size, max_instances] {
            out_ok(o)?;
        }
        let p = match end_of(h) {
            Ok(p) => p,
            Err(e) => {
                let H::Std(fd) = classify(h)? else {
                    return Err(e);
                };
                let (f, o, i, m) = crate::pipe::anonymous_info(fd).ok_or(e)?;
                // SAFETY: checked by out_ok.
                unsafe {
                    write_opt(flags_out, f);
                    write_opt(out_size, o);
                    write_opt(in_size, i);
                    write_opt(max_instances, m);
                }
                return Ok(());
            }
        };
        let i = match &p.end {
            End::Server(s) => s.info(),
            End::Client(c) => c.info(),
        };
        let mut f = if i.server_end {
            flags::PIPE_SERVER_END
        } else {
            flags::PIPE_CLIENT_END
        };
        if i.pipe_type == PipeType::Message {
            f |= flags::PIPE_TYPE_MESSAGE;
        }
        // SAFETY: checked by out_ok.
        unsafe {
            write_opt(flags_out, f);
            write_opt(out_size, i.out_buffer);
            write_opt(in_size, i.in_buffer);
            write_opt(max_instances, i.max_instances);
        }
        Ok(())
    })
}

/// # Safety
/// `buf` NULL or valid for `size` bytes of writes; the counts NULL or valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn PeekNamedPipe(
    h: HANDLE,
    buf: *mut c_void,
    size: DWORD,
    read: *mut DWORD,
    avail: *mut DWORD,
    left: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        for o in [read, avail, left] {
            out_ok(o)?;
        }
        let H::Std(fd) = classify(h)? else {
            return Err(invalid_handle());
        };
        let size = if buf.is_null() { 0 } else { size as usize };
        // SAFETY: the caller's contract.
        let b = unsafe { bytes_mut(buf, size) }?;
        let mut byte_pipe = false;
        let pk = match end_of_fd(fd) {
            Some(p) => {
                let (r, info) = match &p.end {
                    // A server instance without a client is not a pipe to peek at.
                    End::Server(s) => (
                        s.peek(b).map_err(|e| match io_err(e) {
                            Fail(code::ERROR_PIPE_LISTENING | code::ERROR_PIPE_NOT_CONNECTED) => {
                                Fail(code::ERROR_BAD_PIPE)
                            }
                            f => f,
                        }),
                        s.info(),
                    ),
                    End::Client(c) => (c.peek(b).map_err(io_err), c.info()),
                };
                byte_pipe = info.pipe_type == PipeType::Byte;
                r?
            }
            // An anonymous pipe (an OS pipe): what is available, and a copy of its first bytes
            // made with tee(2), which duplicates pipe data without consuming it.
            None => {
                let mut n: libc::c_int = 0;
                // SAFETY: FIONREAD writes one int.
                if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) } < 0 {
                    return Err(invalid_handle());
                }
                let available = n.max(0) as usize;
                let want = b.len().min(available);
                winipc_core::pipe::Peek {
                    read: if want > 0 {
                        tee_peek(fd, &mut b[..want])
                    } else {
                        0
                    },
                    available,
                    left_in_message: 0,
                }
            }
        };
        // lpBytesLeftThisMessage is the message's length less what was copied, which on a
        // byte pipe (no messages) is minus the bytes copied, as Windows reports it.
        let left_n = if byte_pipe {
            (pk.read as DWORD).wrapping_neg()
        } else {
            pk.left_in_message as DWORD
        };
        // SAFETY: checked by out_ok.
        unsafe {
            write_opt(read, pk.read as DWORD);
            write_opt(avail, pk.available as DWORD);
            write_opt(left, left_n);
        }
        Ok(())
    })
}

/// Copies the first `buf.len()` bytes queued in the OS pipe `fd` (which has at least that
/// many) into `buf` without taking them: tee(2) duplicates them into a private pipe, which is
/// then read. 0 when that is not possible (`fd` not the read end of a pipe).
fn tee_peek(fd: i32, buf: &mut [u8]) -> usize {
    let mut p = [0 as libc::c_int; 2];
    // SAFETY: pipe2 writes two descriptors into `p`.
    if unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC | libc::O_NONBLOCK) } != 0 {
        return 0;
    }
    // SAFETY: both descriptors were just created and are owned here (closed on drop).
    let (r, w) = unsafe { (OwnedFd::from_raw_fd(p[0]), OwnedFd::from_raw_fd(p[1])) };
    // SAFETY: plain descriptors; tee neither reads nor writes our memory. The bytes are
    // there (FIONREAD), so it does not wait for data.
    let copied = unsafe { libc::tee(fd, w.as_raw_fd(), buf.len(), libc::SPLICE_F_NONBLOCK) };
    if copied <= 0 {
        return 0;
    }
    // SAFETY: `buf` is valid for `copied` <= buf.len() bytes.
    let got = unsafe { libc::read(r.as_raw_fd(), buf.as_mut_ptr().cast(), copied as usize) };
    got.max(0) as usize
}

/// # Safety
/// The buffers valid for their sizes; `read` valid for a `DWORD` write; `ov` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn TransactNamedPipe(
    h: HANDLE,
    input: *mut c_void,
    in_size: DWORD,
    output: *mut c_void,
    out_size: DWORD,
    read: *mut DWORD,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        out_ok(read)?;
        // SAFETY: the caller's contract.
        let i = unsafe { bytes(input, in_size as usize) }?;
        // SAFETY: the caller's contract.
        let o = unsafe { bytes_mut(output, out_size as usize) }?;
        if !ov.is_null() && crate::overlapped::target_of(h).is_some() {
            // An overlapped handle: the request is written now, the answer is read as an
            // overlapped ReadFile would (pending until the other end answers).
            if !writable(ov.cast(), std::mem::size_of::<OVERLAPPED>()) {
                return Err(noaccess());
            }
            match &p.end {
                End::Server(s) => s.transact_write(i),
                End::Client(c) => c.transact_write(i),
            }
            .map_err(io_err)?;
            let t = p.clone();
            let (b, len) = (output as usize, out_size as usize);
            let attempt = Box::new(move || t.read(b, len, 0));
            // SAFETY: the caller's contract (`output` and `ov` valid until completion).
            return match unsafe {
                crate::overlapped::start(
                    crate::overlapped::key_of(h),
                    Side::Read,
                    ov,
                    None,
                    attempt,
                )
            } {
                Started::Now(o) => {
                    let n = if o.win32() == 0 { o.bytes } else { 0 };
                    // SAFETY: checked by out_ok.
                    unsafe { write_opt(read, n as DWORD) };
                    match o.win32() {
                        0 => Ok(()),
                        c => Err(Fail(c)),
                    }
                }
                Started::Pending => Err(Fail(crate::overlapped::ERROR_IO_PENDING)),
            };
        }
        let mut more = false;
        // On a handle without FILE_FLAG_OVERLAPPED it completes before returning, also with an
        // OVERLAPPED (docs/c-abi.md).
        // SAFETY: the caller's contract.
        let r = unsafe {
            crate::overlapped::complete_sync(h, ov, || {
                let d = match &p.end {
                    End::Server(s) => s.transact(i, o),
                    End::Client(c) => c.transact(i, o),
                }
                .map_err(io_err)?;
                more = d.more;
                Ok(d.len)
            })
        };
        let n = r?;
        // SAFETY: checked by out_ok.
        unsafe { write_opt(read, n as DWORD) };
        if more {
            return Err(Fail(code::ERROR_MORE_DATA));
        }
        Ok(())
    })
}

fn call_named(
    name: R<Option<String>>,
    input: *mut c_void,
    in_size: DWORD,
    output: *mut c_void,
    out_size: DWORD,
    read: *mut DWORD,
    ms: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let name = name?.ok_or(Fail(code::ERROR_INVALID_NAME))?;
        out_ok(read)?;
        // SAFETY: the caller's contract (CallNamedPipe's).
        let i = unsafe { bytes(input, in_size as usize) }?;
        // SAFETY: as above.
        let o = unsafe { bytes_mut(output, out_size as usize) }?;
        let timeout = match ms {
            flags::NMPWAIT_WAIT_FOREVER => None,
            flags::NMPWAIT_USE_DEFAULT_WAIT => Some(winipc_core::pipe::DEFAULT_TIMEOUT),
            flags::NMPWAIT_NOWAIT => Some(Duration::ZERO),
            ms => Some(Duration::from_millis(u64::from(ms))),
        };
        let d = call_named_pipe(&name, i, o, timeout).map_err(io_err)?;
        // SAFETY: checked by out_ok.
        unsafe { write_opt(read, d.len as DWORD) };
        if d.more {
            return Err(Fail(code::ERROR_MORE_DATA));
        }
        Ok(())
    })
}

/// # Safety
/// `name` NULL or NUL-terminated; the buffers valid for their sizes; `read` valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CallNamedPipeA(
    name: *const c_char,
    input: *mut c_void,
    in_size: DWORD,
    output: *mut c_void,
    out_size: DWORD,
    read: *mut DWORD,
    ms: DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    let n = unsafe { arg_a(name, Text::Name) };
    call_named(n, input, in_size, output, out_size, read, ms)
}

/// # Safety
/// As [`CallNamedPipeA`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CallNamedPipeW(
    name: *const WCHAR,
    input: *mut c_void,
    in_size: DWORD,
    output: *mut c_void,
    out_size: DWORD,
    read: *mut DWORD,
    ms: DWORD,
) -> BOOL {
    // SAFETY: the caller's contract.
    let n = unsafe { arg_w(name, Text::Name) };
    call_named(n, input, in_size, output, out_size, read, ms)
}

fn pid_query(h: HANDLE, out: *mut u32, client: bool) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        let pid = match (&p.end, client) {
            (End::Server(s), true) => s.client_pid().map_err(io_err)?,
            (End::Server(s), false) => s.server_pid(),
            (End::Client(c), true) => c.client_pid(),
            (End::Client(c), false) => c.server_pid().map_err(io_err)?,
        };
        // SAFETY: the caller's contract (NULL gives ERROR_NOACCESS).
        unsafe { write_req(out, pid) }
    })
}

/// # Safety
/// `pid` valid for a `ULONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeClientProcessId(h: HANDLE, pid: *mut u32) -> BOOL {
    pid_query(h, pid, true)
}

/// # Safety
/// `pid` valid for a `ULONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeServerProcessId(h: HANDLE, pid: *mut u32) -> BOOL {
    pid_query(h, pid, false)
}

const ERROR_CANNOT_IMPERSONATE: u32 = 1368;

/// `ImpersonateNamedPipeClient(h)`: winipc does not change a thread's identity, so this
/// succeeds (changing nothing) when the client runs as the same user as this process, and
/// fails with `ERROR_CANNOT_IMPERSONATE` without a client or for another user's client - a
/// server then never believes it acts as someone it does not (docs/c-abi.md).
#[unsafe(no_mangle)]
pub extern "C" fn ImpersonateNamedPipeClient(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let p = end_of(h)?;
        let uid = p
            .server()?
            .client_uid()
            .map_err(|_| Fail(ERROR_CANNOT_IMPERSONATE))?;
        // SAFETY: geteuid has no preconditions.
        if uid != unsafe { libc::geteuid() } {
            return Err(Fail(ERROR_CANNOT_IMPERSONATE));
        }
        Ok(())
    })
}

/// `RevertToSelf()`: the thread is always itself (see [`ImpersonateNamedPipeClient`]).
#[unsafe(no_mangle)]
pub extern "C" fn RevertToSelf() -> BOOL {
    TRUE
}

/// The session of a pipe's process: winipc has one session per machine, 0 here.
fn session_query(h: HANDLE, out: *mut u32, client: bool) -> BOOL {
    let mut pid = 0u32;
    if pid_query(h, &mut pid, client) == FALSE {
        return FALSE;
    }
    // SAFETY: the caller's contract (NULL gives ERROR_NOACCESS).
    ffi_bool(|| unsafe { write_req(out, 0) })
}

/// # Safety
/// `id` valid for a `ULONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeClientSessionId(h: HANDLE, id: *mut u32) -> BOOL {
    session_query(h, id, true)
}

/// # Safety
/// `id` valid for a `ULONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNamedPipeServerSessionId(h: HANDLE, id: *mut u32) -> BOOL {
    session_query(h, id, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipe_names() {
        assert!(looks_like_pipe(r"\\.\pipe\x"));
        assert!(looks_like_pipe(r"\\.\PIPE\x"));
        assert!(looks_like_pipe(r"\\host\pipe\a\b"));
        assert!(!looks_like_pipe(r"\\.\mailslot\x"));
        assert!(!looks_like_pipe(r"C:\pipe\x"));
    }
}
