//! The Tool Help snapshot (`tlhelp32.h`): processes and threads read from `/proc`.

use crate::handle::{Local, local_insert, with_local};
use crate::util::*;

const TH32CS_SNAPPROCESS: DWORD = 0x2;
const TH32CS_SNAPTHREAD: DWORD = 0x4;
const TH32CS_SNAPHEAPLIST: DWORD = 0x1;
const TH32CS_SNAPMODULE: DWORD = 0x8;
const TH32CS_SNAPMODULE32: DWORD = 0x10;
const TH32CS_INHERIT: DWORD = 0x8000_0000;
const MAX_PATH: usize = 260;
/// Windows' base priority of a normal process (`NORMAL_PRIORITY_CLASS`).
const NORMAL_BASE_PRIORITY: i32 = 8;

#[derive(Debug, Clone)]
struct Proc {
    pid: u32,
    ppid: u32,
    threads: u32,
    name: String,
}

/// A snapshot and its two cursors.
#[derive(Debug, Default)]
pub(crate) struct Snapshot {
    procs: Vec<Proc>,
    threads: Vec<(u32, u32)>,
    next_proc: usize,
    next_thread: usize,
}

fn pids() -> Vec<u32> {
    let mut v: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    v.sort_unstable();
    v
}

/// (ppid, threads) from `/proc/PID/stat` (fields after the parenthesised name).
fn stat(pid: u32) -> Option<(u32, u32, String)> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let open = s.find('(')?;
    let close = s.rfind(')')?;
    let comm = s[open + 1..close].to_owned();
    let f: Vec<&str> = s[close + 2..].split(' ').collect();
    // state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
    // cutime cstime priority nice num_threads
    Some((f.get(1)?.parse().ok()?, f.get(17)?.parse().ok()?, comm))
}

/// The program's file name: the last component of `/proc/PID/exe` when readable, else of
/// `argv[0]`, else the kernel's 15-character `comm`.
fn exe_name(pid: u32, comm: String) -> String {
    let base = |p: &str| p.rsplit('/').next().unwrap_or(p).to_owned();
    if let Ok(p) = std::fs::read_link(format!("/proc/{pid}/exe")) {
        let s = p.to_string_lossy();
        let s = s.strip_suffix(" (deleted)").unwrap_or(&s);
        return base(s);
    }
    if let Ok(c) = std::fs::read(format!("/proc/{pid}/cmdline"))
        && let Some(a0) = c.split(|&b| b == 0).next()
        && !a0.is_empty()
    {
        return base(&String::from_utf8_lossy(a0));
    }
    comm
}

fn take(flags: DWORD) -> Snapshot {
    let mut s = Snapshot::default();
    for pid in pids() {
        let Some((ppid, threads, comm)) = stat(pid) else {
            continue; // gone meanwhile
        };
        if flags & TH32CS_SNAPPROCESS != 0 {
            s.procs.push(Proc {
                pid,
                ppid,
                threads,
                name: exe_name(pid, comm),
            });
        }
        if flags & TH32CS_SNAPTHREAD != 0 {
            let mut tids: Vec<u32> = std::fs::read_dir(format!("/proc/{pid}/task"))
                .map(|d| {
                    d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                        .collect()
                })
                .unwrap_or_default();
            tids.sort_unstable();
            s.threads.extend(tids.into_iter().map(|t| (t, pid)));
        }
    }
    s
}

#[unsafe(no_mangle)]
pub extern "C" fn CreateToolhelp32Snapshot(flags: DWORD, _pid: DWORD) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        let known = TH32CS_SNAPPROCESS
            | TH32CS_SNAPTHREAD
            | TH32CS_SNAPHEAPLIST
            | TH32CS_SNAPMODULE
            | TH32CS_SNAPMODULE32
            | TH32CS_INHERIT;
        if flags & !known != 0 {
            return Err(invalid_parameter("dwFlags"));
        }
        // Heap and module lists are not provided: those parts of the snapshot are empty.
        local_insert(Local::Snapshot(take(flags)))
    })
}

/// `PROCESSENTRY32` / `PROCESSENTRY32W` up to (not including) the name.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct ProcHead {
    size: DWORD,
    usage: DWORD,
    pid: DWORD,
    heap: usize,
    module: DWORD,
    threads: DWORD,
    ppid: DWORD,
    pri: i32,
    flags: DWORD,
}

/// `szExeFile` follows `dwFlags` directly (offset 44; `ProcHead` itself is padded to 48).
const NAME_OFFSET: usize = std::mem::offset_of!(ProcHead, flags) + 4;

/// Fills the caller's entry with process `first ? 0 : next`.
///
/// # Safety
/// `e` NULL or valid for an entry of its `dwSize` (at least the full structure).
unsafe fn proc_entry<T: crate::env::Unit>(h: HANDLE, e: *mut ProcHead, first: bool) -> BOOL {
    ffi_bool(|| {
        let want = NAME_OFFSET + MAX_PATH * std::mem::size_of::<T>();
        // SAFETY: the caller's contract (checked readable).
        let head = unsafe { read_req(e) }?;
        if (head.size as usize) < want {
            return Err(Fail(code::ERROR_BAD_LENGTH));
        }
        if !writable(e.cast(), want) {
            return Err(noaccess());
        }
        let p = with_local(h, |l| {
            let Local::Snapshot(s) = l else {
                return Err(invalid_handle());
            };
            if first {
                s.next_proc = 0;
            }
            let p = s.procs.get(s.next_proc).cloned();
            s.next_proc += usize::from(p.is_some());
            Ok(p)
        })?
        .ok_or(Fail(code::ERROR_NO_MORE_FILES))?;
        let head = ProcHead {
            size: head.size,
            usage: 0,
            pid: p.pid,
            heap: 0,
            module: 0,
            threads: p.threads,
            ppid: p.ppid,
            pri: NORMAL_BASE_PRIORITY,
            flags: 0,
        };
        // SAFETY: checked writable for the whole entry.
        unsafe {
            e.write(head);
            let name = e.cast::<u8>().add(NAME_OFFSET).cast::<T>();
            let units = T::encode(&p.name);
            let n = units.len().min(MAX_PATH - 1);
            copy_terminated(name, n + 1, &units[..n]);
        }
        Ok(())
    })
}

/// # Safety
/// `e` a `PROCESSENTRY32` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Process32First(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { proc_entry::<u8>(h, e.cast(), true) }
}

/// # Safety
/// `e` a `PROCESSENTRY32` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Process32Next(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { proc_entry::<u8>(h, e.cast(), false) }
}

/// # Safety
/// `e` a `PROCESSENTRY32W` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Process32FirstW(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { proc_entry::<u16>(h, e.cast(), true) }
}

/// # Safety
/// `e` a `PROCESSENTRY32W` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Process32NextW(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { proc_entry::<u16>(h, e.cast(), false) }
}

#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct ThreadEntry {
    size: DWORD,
    usage: DWORD,
    tid: DWORD,
    pid: DWORD,
    base_pri: i32,
    delta_pri: i32,
    flags: DWORD,
}

/// # Safety
/// `e` NULL or a valid `THREADENTRY32`.
unsafe fn thread_entry(h: HANDLE, e: *mut ThreadEntry, first: bool) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract.
        let head = unsafe { read_req(e) }?;
        if (head.size as usize) < std::mem::size_of::<ThreadEntry>() {
            return Err(Fail(code::ERROR_BAD_LENGTH));
        }
        let t = with_local(h, |l| {
            let Local::Snapshot(s) = l else {
                return Err(invalid_handle());
            };
            if first {
                s.next_thread = 0;
            }
            let t = s.threads.get(s.next_thread).copied();
            s.next_thread += usize::from(t.is_some());
            Ok(t)
        })?
        .ok_or(Fail(code::ERROR_NO_MORE_FILES))?;
        // SAFETY: the caller's contract.
        unsafe {
            write_req(
                e,
                ThreadEntry {
                    size: head.size,
                    usage: 0,
                    tid: t.0,
                    pid: t.1,
                    base_pri: NORMAL_BASE_PRIORITY,
                    delta_pri: 0,
                    flags: 0,
                },
            )
        }
    })
}

/// # Safety
/// `e` a `THREADENTRY32` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Thread32First(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { thread_entry(h, e.cast(), true) }
}

/// # Safety
/// `e` a `THREADENTRY32` with `dwSize` set.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn Thread32Next(h: HANDLE, e: *mut std::ffi::c_void) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { thread_entry(h, e.cast(), false) }
}
