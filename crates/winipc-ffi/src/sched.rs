//! Scheduling: priority classes and thread priorities as Linux nice values, affinity masks,
//! the current processor, and `GetSystemInfo`.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Mutex;

use winipc_core::{Kind, raw};

use crate::handle::{H, ProcArg, classify, gettid, pid_of, process_arg};
use crate::util::*;

const IDLE: DWORD = 0x40;
const BELOW_NORMAL: DWORD = 0x4000;
const NORMAL: DWORD = 0x20;
const ABOVE_NORMAL: DWORD = 0x8000;
const HIGH: DWORD = 0x80;
const REALTIME: DWORD = 0x100;

/// Priority class → nice value of every thread of the process.
const CLASSES: [(DWORD, i32); 6] = [
    (IDLE, 19),
    (BELOW_NORMAL, 10),
    (NORMAL, 0),
    (ABOVE_NORMAL, -5),
    (HIGH, -10),
    (REALTIME, -20),
];

/// The nice value of a `CreateProcess` priority-class flag, if `flags` holds one.
pub(crate) fn nice_of_class_flags(flags: DWORD) -> Option<i32> {
    CLASSES
        .iter()
        .find(|(c, _)| flags & c != 0)
        .map(|(_, n)| *n)
}

fn class_of_nice(n: i32) -> DWORD {
    match n {
        15.. => IDLE,
        5..=14 => BELOW_NORMAL,
        -4..=4 => NORMAL,
        -9..=-5 => ABOVE_NORMAL,
        -19..=-10 => HIGH,
        _ => REALTIME,
    }
}

fn nice_of(tid: u32) -> R<i32> {
    // SAFETY: getpriority has no memory preconditions; errno distinguishes -1.
    unsafe {
        *libc::__errno_location() = 0;
        let n = libc::getpriority(libc::PRIO_PROCESS, tid);
        if n == -1 && *libc::__errno_location() != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(n)
    }
}

fn set_nice(tid: u32, n: i32) -> R<()> {
    // SAFETY: setpriority has no memory preconditions.
    if unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, n) } != 0 {
        let e = std::io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            // Raising a priority needs CAP_SYS_NICE (or RLIMIT_NICE) on Linux.
            Some(libc::EACCES) | Some(libc::EPERM) => winipc_core::Error::AccessDenied.into(),
            Some(libc::ESRCH) => invalid_handle(),
            _ => e.into(),
        });
    }
    Ok(())
}

/// The threads of process `pid` (nice values and affinity are per thread on Linux).
fn threads_of(pid: u32) -> Vec<u32> {
    let mut v: Vec<u32> = std::fs::read_dir(format!("/proc/{pid}/task"))
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    if v.is_empty() {
        v.push(pid);
    }
    v
}

fn proc_pid(h: HANDLE) -> R<u32> {
    let p = process_arg(h)?;
    if let ProcArg::Raw(r) = p
        && raw::process_exit_code(r)? != winipc_core::STILL_ACTIVE
    {
        return Err(invalid_handle());
    }
    pid_of(p)
}

#[unsafe(no_mangle)]
pub extern "C" fn SetPriorityClass(h: HANDLE, class: DWORD) -> BOOL {
    ffi_bool(|| {
        let nice = CLASSES
            .iter()
            .find(|(c, _)| *c == class)
            .map(|(_, n)| *n)
            .ok_or_else(|| invalid_parameter("dwPriorityClass"))?;
        let pid = proc_pid(h)?;
        for tid in threads_of(pid) {
            set_nice(tid, nice)?;
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetPriorityClass(h: HANDLE) -> DWORD {
    ffi(0, || Ok(class_of_nice(nice_of(proc_pid(h)?)?)))
}

// ---- thread priorities ---------------------------------------------------------------------

const THREAD_PRIORITY_IDLE: i32 = -15;
const THREAD_PRIORITY_TIME_CRITICAL: i32 = 15;
const THREAD_PRIORITY_ERROR_RETURN: i32 = 0x7FFF_FFFF;

/// The priority last set for each thread (Windows reports what was set).
static THREAD_PRIO: Mutex<Option<HashMap<u32, i32>>> = Mutex::new(None);

fn thread_tid(h: HANDLE) -> R<u32> {
    match classify(h)? {
        H::CurrentThread => Ok(gettid()),
        H::Raw(r) if raw::kind(r)? == Kind::Thread => {
            if raw::thread_exit_code(r)? != winipc_core::STILL_ACTIVE {
                return Err(invalid_handle());
            }
            Ok(raw::thread_id(r)?)
        }
        _ => Err(invalid_handle()),
    }
}

/// The nice value of the process's class (the main thread's), the base of thread priorities.
fn base_nice() -> i32 {
    let n = nice_of(std::process::id()).unwrap_or(0);
    CLASSES
        .iter()
        .find(|(c, _)| *c == class_of_nice(n))
        .map_or(0, |(_, b)| *b)
}

#[unsafe(no_mangle)]
pub extern "C" fn SetThreadPriority(h: HANDLE, prio: i32) -> BOOL {
    ffi_bool(|| {
        let tid = thread_tid(h)?;
        let nice = match prio {
            THREAD_PRIORITY_IDLE => 19,
            THREAD_PRIORITY_TIME_CRITICAL => -20,
            -2..=2 => (base_nice() - 2 * prio).clamp(-20, 19),
            _ => return Err(invalid_parameter("nPriority")),
        };
        set_nice(tid, nice)?;
        let mut m = THREAD_PRIO.lock().unwrap_or_else(|e| e.into_inner());
        m.get_or_insert_with(HashMap::new).insert(tid, prio);
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetThreadPriority(h: HANDLE) -> i32 {
    ffi(THREAD_PRIORITY_ERROR_RETURN, || {
        let tid = thread_tid(h)?;
        let nice = nice_of(tid)?;
        let m = THREAD_PRIO.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&p) = m.as_ref().and_then(|m| m.get(&tid)) {
            return Ok(p);
        }
        Ok(match nice {
            19 => THREAD_PRIORITY_IDLE,
            -20 => THREAD_PRIORITY_TIME_CRITICAL,
            n => ((base_nice() - n) / 2).clamp(-2, 2),
        })
    })
}

// ---- affinity --------------------------------------------------------------------------------

fn cpus() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    (n.max(1) as usize).min(64)
}

/// Every online processor (`dwActiveProcessorMask`, the system affinity mask).
fn system_mask() -> usize {
    let n = cpus();
    if n >= 64 {
        usize::MAX
    } else {
        (1usize << n) - 1
    }
}

fn get_affinity(tid: u32) -> R<usize> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set; the kernel fills it.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(tid as i32, std::mem::size_of::<libc::cpu_set_t>(), &mut set)
            != 0
        {
            return Err(std::io::Error::last_os_error().into());
        }
        let mut m = 0usize;
        for i in 0..64 {
            if libc::CPU_ISSET(i, &set) {
                m |= 1 << i;
            }
        }
        Ok(m)
    }
}

fn set_affinity(tid: u32, mask: usize) -> R<()> {
    // SAFETY: a zeroed cpu_set_t is a valid empty set, filled from `mask`.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for i in 0..64 {
            if mask & (1 << i) != 0 {
                libc::CPU_SET(i, &mut set);
            }
        }
        if libc::sched_setaffinity(tid as i32, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
            let e = std::io::Error::last_os_error();
            return Err(match e.raw_os_error() {
                Some(libc::EPERM) => winipc_core::Error::AccessDenied.into(),
                _ => invalid_parameter("affinity mask"),
            });
        }
    }
    Ok(())
}

/// # Safety
/// `proc_mask`, `sys_mask` valid for `DWORD_PTR` writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessAffinityMask(
    h: HANDLE,
    proc_mask: *mut usize,
    sys_mask: *mut usize,
) -> BOOL {
    ffi_bool(|| {
        let pid = proc_pid(h)?;
        out_ok(proc_mask)?;
        out_ok(sys_mask)?;
        let m = get_affinity(pid)?;
        // SAFETY: the caller's contract.
        unsafe {
            write_req(proc_mask, m)?;
            write_req(sys_mask, system_mask())
        }
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SetProcessAffinityMask(h: HANDLE, mask: usize) -> BOOL {
    ffi_bool(|| {
        if mask == 0 || mask & !system_mask() != 0 {
            return Err(invalid_parameter("dwProcessAffinityMask"));
        }
        let pid = proc_pid(h)?;
        for tid in threads_of(pid) {
            set_affinity(tid, mask)?;
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn SetThreadAffinityMask(h: HANDLE, mask: usize) -> usize {
    ffi(0, || {
        let tid = thread_tid(h)?;
        if mask == 0 || mask & !system_mask() != 0 {
            return Err(invalid_parameter("dwThreadAffinityMask"));
        }
        let old = get_affinity(tid)?;
        set_affinity(tid, mask)?;
        Ok(old)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentProcessorNumber() -> DWORD {
    // SAFETY: no preconditions.
    let c = unsafe { libc::sched_getcpu() };
    c.max(0) as DWORD
}

/// `SYSTEM_INFO` (48 bytes on x86-64).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct SystemInfo {
    architecture: u16,
    reserved: u16,
    page_size: DWORD,
    min_address: *mut c_void,
    max_address: *mut c_void,
    active_mask: usize,
    processors: DWORD,
    processor_type: DWORD,
    granularity: DWORD,
    level: u16,
    revision: u16,
}

fn system_info() -> SystemInfo {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as DWORD;
    let (arch, ptype) = if cfg!(target_arch = "x86_64") {
        (9, 8664) // PROCESSOR_ARCHITECTURE_AMD64, PROCESSOR_AMD_X8664
    } else if cfg!(target_arch = "aarch64") {
        (12, 0) // PROCESSOR_ARCHITECTURE_ARM64
    } else {
        (0xFFFF, 0) // PROCESSOR_ARCHITECTURE_UNKNOWN
    };
    SystemInfo {
        architecture: arch,
        reserved: 0,
        page_size: page,
        min_address: page as usize as *mut c_void,
        max_address: 0x7FFF_FFFF_EFFF_usize as *mut c_void,
        active_mask: system_mask(),
        processors: cpus() as DWORD,
        processor_type: ptype,
        granularity: winipc_core::ALLOCATION_GRANULARITY as DWORD,
        level: 0,
        revision: 0,
    }
}

/// # Safety
/// `si` valid for a `SYSTEM_INFO` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemInfo(si: *mut c_void) {
    // SAFETY: the caller's contract (an invalid pointer is skipped).
    unsafe { write_opt(si.cast::<SystemInfo>(), system_info()) };
}

/// # Safety
/// As `GetSystemInfo`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetNativeSystemInfo(si: *mut c_void) {
    // SAFETY: the caller's contract.
    unsafe { GetSystemInfo(si) }
}
