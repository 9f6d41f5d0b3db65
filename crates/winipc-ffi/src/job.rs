//! Job objects: `CreateJobObjectA/W`, `OpenJobObjectA/W`, `AssignProcessToJobObject`,
//! `TerminateJobObject`, `QueryInformationJobObject`, `SetInformationJobObject`,
//! `IsProcessInJob`.
//!
//! A job lives in the process that created it (a process-local table; its handles are local
//! handles, not inherited or duplicated into other processes). Members are held by process
//! handles of the core, so exit codes and liveness are the core's. A member's children that
//! start after it joined are adopted when the job is next looked at (`/proc/PID/task/*/children`),
//! which stands in for Windows' rule that a job member's new processes join its job. A named
//! job's name is held in the core's namespace by a never-signaled event, so other objects
//! cannot take it (and a job cannot take theirs); that event is also what a wait on the job
//! waits for.

use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Once, OnceLock, Weak};

use winipc_core::{Event, EventReset, Process, RawHandle, STILL_ACTIVE, raw};

use crate::handle::{Local, ProcArg, process_arg, with_local};
use crate::util::*;

const JOB_OBJECT_LIMIT_PROCESS_TIME: DWORD = 0x0002;
const JOB_OBJECT_LIMIT_ACTIVE_PROCESS: DWORD = 0x0008;
const JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME: DWORD = 0x0040;
const JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION: DWORD = 0x0400;
const JOB_OBJECT_LIMIT_BREAKAWAY_OK: DWORD = 0x0800;
const JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK: DWORD = 0x1000;
const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE: DWORD = 0x2000;
/// The limits winipc keeps; every other `JOB_OBJECT_LIMIT_*` bit -> `ERROR_NOT_SUPPORTED`.
const SUPPORTED_LIMITS: DWORD = JOB_OBJECT_LIMIT_PROCESS_TIME
    | JOB_OBJECT_LIMIT_ACTIVE_PROCESS
    | JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME
    | JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION
    | JOB_OBJECT_LIMIT_BREAKAWAY_OK
    | JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK
    | JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;

// JOBOBJECTINFOCLASS
const BASIC_ACCOUNTING: u32 = 1;
const BASIC_LIMIT: u32 = 2;
const BASIC_PROCESS_ID_LIST: u32 = 3;
const BASIC_UI_RESTRICTIONS: u32 = 4;
const END_OF_JOB_TIME: u32 = 6;
const ASSOCIATE_COMPLETION_PORT: u32 = 7;
const BASIC_AND_IO_ACCOUNTING: u32 = 8;
const EXTENDED_LIMIT: u32 = 9;

const ERROR_NOT_ENOUGH_QUOTA: u32 = 1816;

// Completion-port messages (the packet's byte count; its OVERLAPPED pointer is the pid).
const JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT: u32 = 3;
const JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO: u32 = 4;
const JOB_OBJECT_MSG_NEW_PROCESS: u32 = 6;
const JOB_OBJECT_MSG_EXIT_PROCESS: u32 = 7;
const JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS: u32 = 8;

/// `JOBOBJECT_BASIC_LIMIT_INFORMATION`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct BasicLimit {
    per_process_user_time: i64,
    per_job_user_time: i64,
    limit_flags: DWORD,
    min_working_set: usize,
    max_working_set: usize,
    active_process_limit: DWORD,
    affinity: usize,
    priority_class: DWORD,
    scheduling_class: DWORD,
}

/// `JOBOBJECT_EXTENDED_LIMIT_INFORMATION`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct ExtendedLimit {
    basic: BasicLimit,
    io: [u64; 6],
    process_memory_limit: usize,
    job_memory_limit: usize,
    peak_process_memory_used: usize,
    peak_job_memory_used: usize,
}

/// `JOBOBJECT_BASIC_ACCOUNTING_INFORMATION`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct BasicAccounting {
    total_user_time: i64,
    total_kernel_time: i64,
    this_period_user_time: i64,
    this_period_kernel_time: i64,
    total_page_faults: DWORD,
    total_processes: DWORD,
    active_processes: DWORD,
    total_terminated_processes: DWORD,
}

#[derive(Debug)]
struct Member {
    pid: u32,
    /// A core process handle of this job's own.
    process: RawHandle,
    /// When it joined, in clock ticks since boot (as `/proc/PID/stat` counts start times).
    joined: u64,
    /// The CPU times last read while it ran (100 ns units), and its page faults.
    user: u64,
    kernel: u64,
    faults: u64,
    /// It ended (exit code read); its times are final.
    ended: bool,
}

#[derive(Default)]
struct State {
    members: Vec<Member>,
    total: u32,
    terminated: u32,
    limits: ExtendedLimit,
    end_of_job_action: DWORD,
    ui_restrictions: DWORD,
    /// The associated completion port and key.
    port: Option<(Arc<crate::iocp::Port>, usize)>,
    /// `JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO` was posted since the last process joined.
    zero_posted: bool,
}

impl State {
    /// Posts a job message to the associated completion port, if any.
    fn notify(&self, msg: u32, pid: u32) {
        if let Some((port, key)) = &self.port {
            port.post(crate::iocp::Packet {
                bytes: msg as usize,
                key: *key,
                ov: pid as usize,
                status: 0,
            });
        }
    }

    fn joined(&mut self, pid: u32) {
        self.total += 1;
        self.zero_posted = false;
        self.notify(JOB_OBJECT_MSG_NEW_PROCESS, pid);
    }
}

pub(crate) struct Job {
    /// The never-signaled event a wait on the job waits for (and holds the name).
    event: RawHandle,
    state: Mutex<State>,
    handles: AtomicUsize,
}

impl Drop for Job {
    fn drop(&mut self) {
        let _ = raw::close(self.event);
        let st = self.state.get_mut().unwrap_or_else(|e| e.into_inner());
        for m in st.members.drain(..) {
            let _ = raw::close(m.process);
        }
    }
}

impl Job {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What a job handle holds: the job, counted, so closing the last handle can end its
/// processes (`JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE`).
pub(crate) struct JobHandle(Arc<Job>);

impl JobHandle {
    fn new(job: &Arc<Job>) -> JobHandle {
        job.handles.fetch_add(1, Ordering::SeqCst);
        JobHandle(job.clone())
    }
}

impl Drop for JobHandle {
    fn drop(&mut self) {
        if self.0.handles.fetch_sub(1, Ordering::SeqCst) == 1 {
            let mut st = self.0.state();
            if st.limits.basic.limit_flags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE != 0 {
                terminate_all(&mut st, 0);
            }
        }
    }
}

/// Every job of this process (for `IsProcessInJob(h, NULL)` and the exit hook), and the
/// named ones by name.
#[derive(Default)]
struct Registry {
    all: Vec<Weak<Job>>,
    names: HashMap<String, Weak<Job>>,
}

static REGISTRY: OnceLock<Mutex<Registry>> = OnceLock::new();

fn registry() -> MutexGuard<'static, Registry> {
    REGISTRY
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

fn job_of(h: HANDLE) -> R<Arc<Job>> {
    with_local(h, |l| match l {
        Local::Job(j) => Ok(j.0.clone()),
        _ => Err(invalid_handle()),
    })
}

/// The wait object of a job handle (`WaitForSingleObject` on a job).
pub(crate) fn wait_object(h: HANDLE) -> R<RawHandle> {
    job_of(h).map(|j| j.event)
}

fn boot_ticks() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: writes the timespec only.
    unsafe { libc::clock_gettime(libc::CLOCK_BOOTTIME, &mut ts) };
    let hz = ticks_per_second();
    ts.tv_sec as u64 * hz + ts.tv_nsec as u64 * hz / 1_000_000_000
}

fn ticks_per_second() -> u64 {
    // SAFETY: sysconf has no memory effects.
    match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        n if n > 0 => n as u64,
        _ => 100,
    }
}

/// `/proc/PID/stat`: (start ticks, user 100 ns, kernel 100 ns, major+minor faults).
fn stat(pid: u32) -> Option<(u64, u64, u64, u64)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let f: Vec<&str> = s[s.rfind(')')? + 1..].split_ascii_whitespace().collect();
    // After the name: field 3 is f[0]; minflt 10, majflt 12, utime 14, stime 15, start 22.
    let n = |i: usize| f.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    let per_tick = 10_000_000 / ticks_per_second();
    Some((
        n(22)?,
        n(14)? * per_tick,
        n(15)? * per_tick,
        n(10)? + n(12)?,
    ))
}

/// The direct children of `pid`: from `/proc/PID/task/*/children`, or where the kernel has no
/// such file (`CONFIG_PROC_CHILDREN` off), from every process's parent id.
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    let mut listed = false;
    for t in tasks.flatten() {
        if let Ok(s) = std::fs::read_to_string(t.path().join("children")) {
            listed = true;
            out.extend(
                s.split_ascii_whitespace()
                    .filter_map(|v| v.parse::<u32>().ok()),
            );
        }
    }
    if !listed {
        out = children_by_parent_id(pid);
    }
    out
}

/// The processes whose parent id is `pid`, from every `/proc/PID/stat`.
fn children_by_parent_id(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let Ok(all) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in all.flatten() {
        let Some(c) = e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else {
            continue;
        };
        let ppid = std::fs::read_to_string(format!("/proc/{c}/stat"))
            .ok()
            .and_then(|s| {
                let rest = &s[s.rfind(')')? + 1..];
                rest.split_ascii_whitespace().nth(1)?.parse::<u32>().ok()
            });
        if ppid == Some(pid) {
            out.push(c);
        }
    }
    out
}

fn alive(m: &Member) -> bool {
    !m.ended && raw::process_exit_code(m.process).is_ok_and(|c| c == STILL_ACTIVE)
}

/// Brings the members up to date: times of the running ones, ended ones marked, and the
/// children members started after joining adopted (repeatedly, for grandchildren).
fn refresh(st: &mut State) {
    loop {
        let mut found = Vec::new();
        let mut ended = Vec::new();
        for m in st.members.iter_mut() {
            if m.ended {
                continue;
            }
            if !alive(m) {
                m.ended = true;
                ended.push((m.pid, raw::process_exit_code(m.process).unwrap_or(0)));
                continue;
            }
            if let Some((_, user, kernel, faults)) = stat(m.pid) {
                (m.user, m.kernel, m.faults) = (user, kernel, faults);
            }
            for c in children(m.pid) {
                if let Some((start, ..)) = stat(c)
                    && start >= m.joined
                {
                    found.push((c, start));
                }
            }
        }
        for (pid, code) in ended {
            // An exit code of the exception kind (0xC0000005, ...) is an abnormal end.
            let msg = if code & 0xC000_0000 == 0xC000_0000 {
                JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS
            } else {
                JOB_OBJECT_MSG_EXIT_PROCESS
            };
            st.notify(msg, pid);
        }
        let mut added = false;
        for (pid, start) in found {
            if st.members.iter().any(|m| m.pid == pid && !m.ended) {
                continue;
            }
            if let Ok(p) = Process::open(pid) {
                apply_limits(&st.limits.basic, pid);
                st.members.push(Member {
                    pid,
                    process: p.into_handle().into_raw(),
                    joined: start,
                    user: 0,
                    kernel: 0,
                    faults: 0,
                    ended: false,
                });
                st.joined(pid);
                added = true;
            }
        }
        if !added {
            break;
        }
    }
    if st.total > 0 && !st.zero_posted && st.members.iter().all(|m| m.ended) {
        st.zero_posted = true;
        st.notify(JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO, 0);
    }
}

/// The thread that watches a job with a completion port: it wakes when a member ends (or
/// every 100 ms, to adopt children) and lets `refresh` post the messages. It ends with the
/// job.
fn monitor(job: Weak<Job>) {
    loop {
        let Some(j) = job.upgrade() else { return };
        let live: Vec<RawHandle> = {
            let mut st = j.state();
            refresh(&mut st);
            st.members
                .iter()
                .filter(|m| !m.ended)
                .map(|m| m.process)
                .take(64)
                .collect()
        };
        let tick = std::time::Duration::from_millis(100);
        if live.is_empty() {
            drop(j);
            std::thread::sleep(tick);
        } else {
            // The job (and so the handles) stays alive during the wait.
            let _ = raw::wait(&live, false, Some(tick));
            drop(j);
        }
    }
}

/// Applies the per-process user-time limit to `pid` as a CPU-time limit (`RLIMIT_CPU`, whole
/// seconds rounded up, user and system time together): the kernel ends the process with
/// `SIGXCPU` when it passes, `SIGKILL` a second later.
fn apply_limits(limits: &BasicLimit, pid: u32) {
    if limits.limit_flags & JOB_OBJECT_LIMIT_PROCESS_TIME == 0 {
        return;
    }
    let secs = (limits.per_process_user_time.max(1) as u64).div_ceil(10_000_000);
    let lim = libc::rlimit {
        rlim_cur: secs,
        rlim_max: secs + 1,
    };
    // SAFETY: prlimit reads `lim`; the old value is not asked for.
    unsafe { libc::prlimit(pid as libc::pid_t, libc::RLIMIT_CPU, &lim, null_mut()) };
}

fn terminate_all(st: &mut State, code: u32) {
    refresh(st);
    for m in st.members.iter_mut().filter(|m| !m.ended) {
        if raw::process_terminate(m.process, code).is_ok() {
            st.terminated += 1;
        }
    }
}

// ---- creating and opening --------------------------------------------------------------------

/// `DuplicateHandle` of a job handle within this process: another handle to the job.
pub(crate) fn duplicate(h: HANDLE) -> R<HANDLE> {
    new_handle(&job_of(h)?)
}

fn new_handle(job: &Arc<Job>) -> R<HANDLE> {
    crate::handle::local_insert(Local::Job(JobHandle::new(job)))
}

/// # Safety
/// `sa` is NULL or a valid `SECURITY_ATTRIBUTES`.
unsafe fn create(sa: *const SecurityAttributes, name: R<Option<String>>) -> HANDLE {
    ffi(null_mut(), || {
        let name = name?.filter(|n| !n.is_empty());
        // SAFETY: forwarded contract.
        let sec = unsafe { security(sa) }?;
        let mut reg = registry();
        if let Some(n) = &name
            && let Some(job) = reg.names.get(n).and_then(Weak::upgrade)
        {
            let h = new_handle(&job)?;
            set_last_error(code::ERROR_ALREADY_EXISTS);
            return Ok(h);
        }
        let ev = Event::make(name.as_deref(), EventReset::Manual, false, &sec)?;
        if ev.already_existed() {
            // An event of that name (or another process's job): not a job of ours.
            return Err(invalid_handle());
        }
        let job = Arc::new(Job {
            event: ev.into_handle().into_raw(),
            state: Mutex::new(State::default()),
            handles: AtomicUsize::new(0),
        });
        reg.all.retain(|w| w.strong_count() > 0);
        reg.all.push(Arc::downgrade(&job));
        if let Some(n) = name {
            reg.names.retain(|_, w| w.strong_count() > 0);
            reg.names.insert(n, Arc::downgrade(&job));
        }
        drop(reg);
        let h = new_handle(&job)?;
        set_last_error(code::ERROR_SUCCESS);
        Ok(h)
    })
}

fn open(name: R<Option<String>>) -> HANDLE {
    ffi(null_mut(), || {
        let name = name?.ok_or_else(|| invalid_parameter("lpName is NULL"))?;
        let job = registry().names.get(&name).and_then(Weak::upgrade);
        match job {
            Some(j) => new_handle(&j),
            None => match Event::open(&name) {
                // Another kind of object has the name.
                Err(e) if winipc_core::Error::win32_code_of(&e) == code::ERROR_INVALID_HANDLE => {
                    Err(invalid_handle())
                }
                _ => Err(Fail(code::ERROR_FILE_NOT_FOUND)),
            },
        }
    })
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateJobObjectA(
    sa: *const SecurityAttributes,
    name: *const std::ffi::c_char,
) -> HANDLE {
    // SAFETY: forwarded contract.
    unsafe { create(sa, arg_a(name, Text::Name)) }
}

/// # Safety
/// `sa` NULL or valid; `name` NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn CreateJobObjectW(
    sa: *const SecurityAttributes,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: forwarded contract.
    unsafe { create(sa, arg_w(name, Text::Name)) }
}

/// # Safety
/// `name` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenJobObjectA(
    _access: DWORD,
    _inherit: BOOL,
    name: *const std::ffi::c_char,
) -> HANDLE {
    // SAFETY: forwarded contract.
    open(unsafe { arg_a(name, Text::Name) })
}

/// # Safety
/// `name` NULL or NUL-terminated UTF-16.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn OpenJobObjectW(
    _access: DWORD,
    _inherit: BOOL,
    name: *const WCHAR,
) -> HANDLE {
    // SAFETY: forwarded contract.
    open(unsafe { arg_w(name, Text::Name) })
}

// ---- members ---------------------------------------------------------------------------------

#[unsafe(no_mangle)]
pub extern "C" fn AssignProcessToJobObject(job: HANDLE, process: HANDLE) -> BOOL {
    ffi_bool(|| {
        let job = job_of(job)?;
        let (pid, own) = match process_arg(process)? {
            ProcArg::Current => {
                let p = Process::current()?.into_handle().into_raw();
                (std::process::id(), p)
            }
            ProcArg::Raw(r) => (raw::process_id(r)?, raw::duplicate(r, false)?),
        };
        let mut st = job.state();
        refresh(&mut st);
        if raw::process_exit_code(own).map_or(true, |c| c != STILL_ACTIVE) {
            let _ = raw::close(own);
            return Err(Fail(code::ERROR_ACCESS_DENIED));
        }
        if st.members.iter().any(|m| m.pid == pid && !m.ended) {
            let _ = raw::close(own);
            return Ok(()); // already a member
        }
        let limits = st.limits.basic;
        let active = st.members.iter().filter(|m| !m.ended).count() as u32;
        if limits.limit_flags & JOB_OBJECT_LIMIT_ACTIVE_PROCESS != 0
            && active >= limits.active_process_limit
        {
            // As on Windows: the process is ended and the call fails.
            let _ = raw::process_terminate(own, ERROR_NOT_ENOUGH_QUOTA);
            let _ = raw::close(own);
            st.terminated += 1;
            st.notify(JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT, 0);
            return Err(Fail(ERROR_NOT_ENOUGH_QUOTA));
        }
        apply_limits(&limits, pid);
        let (user, kernel, faults) = stat(pid).map_or((0, 0, 0), |s| (s.1, s.2, s.3));
        st.members.push(Member {
            pid,
            process: own,
            joined: boot_ticks(),
            user,
            kernel,
            faults,
            ended: false,
        });
        st.joined(pid);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn TerminateJobObject(job: HANDLE, exit_code: u32) -> BOOL {
    ffi_bool(|| {
        let job = job_of(job)?;
        let mut st = job.state();
        terminate_all(&mut st, exit_code);
        Ok(())
    })
}

/// # Safety
/// `result` is NULL or a writable BOOL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn IsProcessInJob(process: HANDLE, job: HANDLE, result: *mut BOOL) -> BOOL {
    ffi_bool(|| {
        let pid = crate::handle::pid_of(process_arg(process)?)?;
        let jobs: Vec<Arc<Job>> = if job.is_null() {
            registry().all.iter().filter_map(Weak::upgrade).collect()
        } else {
            vec![job_of(job)?]
        };
        let inside = jobs.iter().any(|j| {
            let mut st = j.state();
            refresh(&mut st);
            st.members.iter().any(|m| m.pid == pid && !m.ended)
        });
        // SAFETY: the caller's contract.
        unsafe { write_req(result, if inside { TRUE } else { FALSE }) }
    })
}

// ---- information ---------------------------------------------------------------------------

fn accounting(st: &mut State) -> BasicAccounting {
    refresh(st);
    let (user, kernel, faults) = st.members.iter().fold((0, 0, 0), |a, m| {
        (a.0 + m.user, a.1 + m.kernel, a.2 + m.faults)
    });
    BasicAccounting {
        total_user_time: user as i64,
        total_kernel_time: kernel as i64,
        this_period_user_time: user as i64,
        this_period_kernel_time: kernel as i64,
        total_page_faults: faults.min(u32::MAX as u64) as DWORD,
        total_processes: st.total,
        active_processes: st.members.iter().filter(|m| !m.ended).count() as DWORD,
        total_terminated_processes: st.terminated,
    }
}

/// Copies `v` into the caller's buffer of `len` bytes (`ERROR_BAD_LENGTH` if it is not exactly
/// big enough, as Windows checks) and reports the size.
///
/// # Safety
/// `buf` is NULL or points to `len` writable bytes.
unsafe fn put<T: Copy>(buf: *mut c_void, len: u32, v: &T, ret: *mut DWORD) -> R<()> {
    let n = std::mem::size_of::<T>();
    if (len as usize) < n {
        return Err(Fail(code::ERROR_BAD_LENGTH));
    }
    if buf.is_null() || !writable(buf, n) {
        return Err(noaccess());
    }
    // SAFETY: checked writable; unaligned-safe copy.
    unsafe { buf.cast::<T>().write_unaligned(*v) };
    if !ret.is_null() {
        // SAFETY: the caller's contract.
        unsafe { write_req(ret, n as DWORD)? };
    }
    Ok(())
}

/// # Safety
/// `info` is NULL or `len` writable bytes; `ret` NULL or a writable DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn QueryInformationJobObject(
    job: HANDLE,
    class: u32,
    info: *mut c_void,
    len: DWORD,
    ret: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        let job = if job.is_null() {
            // NULL: the job of the calling process.
            let me = std::process::id();
            registry()
                .all
                .iter()
                .filter_map(Weak::upgrade)
                .find(|j| j.state().members.iter().any(|m| m.pid == me && !m.ended))
                .ok_or_else(invalid_handle)?
        } else {
            job_of(job)?
        };
        let mut st = job.state();
        match class {
            BASIC_ACCOUNTING => {
                let a = accounting(&mut st);
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &a, ret) }
            }
            BASIC_AND_IO_ACCOUNTING => {
                let a = (accounting(&mut st), [0u64; 6]);
                #[repr(C)]
                #[derive(Clone, Copy)]
                struct Both(BasicAccounting, [u64; 6]);
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &Both(a.0, a.1), ret) }
            }
            BASIC_LIMIT => {
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &st.limits.basic, ret) }
            }
            EXTENDED_LIMIT => {
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &st.limits, ret) }
            }
            BASIC_UI_RESTRICTIONS => {
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &st.ui_restrictions, ret) }
            }
            END_OF_JOB_TIME => {
                // SAFETY: forwarded contract.
                unsafe { put(info, len, &st.end_of_job_action, ret) }
            }
            BASIC_PROCESS_ID_LIST => {
                refresh(&mut st);
                let ids: Vec<usize> = st
                    .members
                    .iter()
                    .filter(|m| !m.ended)
                    .map(|m| m.pid as usize)
                    .collect();
                let len = len as usize;
                if len < 8 + std::mem::size_of::<usize>() {
                    return Err(Fail(code::ERROR_BAD_LENGTH));
                }
                if info.is_null() || !writable(info, len) {
                    return Err(noaccess());
                }
                let fit = ((len - 8) / std::mem::size_of::<usize>()).min(ids.len());
                let b = info.cast::<u8>();
                // SAFETY: checked writable for `len` bytes, which hold the header and `fit`
                // ids.
                unsafe {
                    b.cast::<u32>().write_unaligned(ids.len() as u32);
                    b.add(4).cast::<u32>().write_unaligned(fit as u32);
                    for (i, id) in ids[..fit].iter().enumerate() {
                        b.add(8 + i * std::mem::size_of::<usize>())
                            .cast::<usize>()
                            .write_unaligned(*id);
                    }
                }
                if !ret.is_null() {
                    let n = 8 + fit * std::mem::size_of::<usize>();
                    // SAFETY: the caller's contract.
                    unsafe { write_req(ret, n as DWORD)? };
                }
                if fit < ids.len() {
                    return Err(Fail(code::ERROR_MORE_DATA));
                }
                Ok(())
            }
            _ => Err(not_supported("job information class")),
        }
    })
}

/// The exit hook: a process ending normally closes its handles, so its kill-on-close jobs end
/// their processes (a `SIGKILL`ed process runs no hook: its jobs' processes live on).
extern "C" fn at_exit() {
    // `try_lock`: a thread stopped in the middle of a job call must not hang the exit.
    let Some(reg) = REGISTRY.get() else { return };
    let Ok(reg) = reg.try_lock() else { return };
    let jobs: Vec<Arc<Job>> = reg.all.iter().filter_map(Weak::upgrade).collect();
    drop(reg);
    for j in jobs {
        let Ok(mut st) = j.state.try_lock() else {
            continue;
        };
        if st.limits.basic.limit_flags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE != 0 {
            terminate_all(&mut st, 0);
        }
    }
}

/// # Safety
/// `info` is NULL or `len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn SetInformationJobObject(
    job: HANDLE,
    class: u32,
    info: *const c_void,
    len: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let job = job_of(job)?;
        fn read<T: Copy>(info: *const c_void, len: DWORD) -> R<T> {
            if (len as usize) < std::mem::size_of::<T>() {
                return Err(Fail(code::ERROR_BAD_LENGTH));
            }
            if info.is_null() || !readable(info, std::mem::size_of::<T>()) {
                return Err(noaccess());
            }
            // SAFETY: checked readable; unaligned-safe read.
            Ok(unsafe { info.cast::<T>().read_unaligned() })
        }
        let basic_ok = |b: &BasicLimit| {
            if b.limit_flags & !SUPPORTED_LIMITS != 0 {
                Err(not_supported("job limit"))
            } else {
                Ok(())
            }
        };
        let mut st = job.state();
        match class {
            BASIC_LIMIT => {
                let b: BasicLimit = read(info, len)?;
                basic_ok(&b)?;
                st.limits.basic = b;
            }
            EXTENDED_LIMIT => {
                let e: ExtendedLimit = read(info, len)?;
                basic_ok(&e.basic)?;
                st.limits = ExtendedLimit {
                    peak_process_memory_used: 0,
                    peak_job_memory_used: 0,
                    ..e
                };
            }
            END_OF_JOB_TIME => {
                let a: DWORD = read(info, len)?;
                if a > 1 {
                    return Err(invalid_parameter("EndOfJobTimeAction"));
                }
                st.end_of_job_action = a;
            }
            BASIC_UI_RESTRICTIONS => {
                let r: DWORD = read(info, len)?;
                if r & !0xFF != 0 {
                    return Err(invalid_parameter("UIRestrictionsClass"));
                }
                st.ui_restrictions = r;
            }
            ASSOCIATE_COMPLETION_PORT => {
                #[repr(C)]
                #[derive(Clone, Copy)]
                struct Associate {
                    key: usize,
                    port: HANDLE,
                }
                let a: Associate = read(info, len)?;
                if st.port.is_some() {
                    return Err(invalid_parameter("a completion port is already associated"));
                }
                let port = with_local(a.port, |l| match l {
                    Local::Port(p) => Ok(p.clone()),
                    _ => Err(invalid_handle()),
                })?;
                st.port = Some((port, a.key));
                let weak = Arc::downgrade(&job);
                std::thread::Builder::new()
                    .name("winipc-job".into())
                    .spawn(move || monitor(weak))
                    .map_err(|_| Fail(code::ERROR_NOT_ENOUGH_MEMORY))?;
            }
            _ => return Err(not_supported("job information class")),
        }
        let limits = st.limits.basic;
        for m in st.members.iter().filter(|m| !m.ended) {
            apply_limits(&limits, m.pid);
        }
        if st.limits.basic.limit_flags & JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE != 0 {
            static HOOK: Once = Once::new();
            // SAFETY: registers a plain extern "C" function.
            HOOK.call_once(|| unsafe {
                libc::atexit(at_exit);
            });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts() {
        assert_eq!(std::mem::size_of::<BasicLimit>(), 64);
        assert_eq!(std::mem::size_of::<ExtendedLimit>(), 144);
        assert_eq!(std::mem::size_of::<BasicAccounting>(), 48);
    }

    #[test]
    fn children_both_ways() {
        let mut c = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("spawn sleep");
        let me = std::process::id();
        assert!(children(me).contains(&c.id()));
        assert!(children_by_parent_id(me).contains(&c.id()));
        assert!(!children_by_parent_id(c.id()).contains(&me));
        c.kill().expect("kill");
        c.wait().expect("wait");
    }
}
