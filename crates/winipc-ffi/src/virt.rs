//! Virtual memory: `VirtualAlloc`, `VirtualFree`, `VirtualProtect`, `VirtualQuery`,
//! `VirtualLock`, `VirtualUnlock`.
//!
//! A reservation is an anonymous `PROT_NONE` mapping whose base is aligned to the 64 KiB
//! allocation granularity; committing pages `mprotect`s them to the requested protection,
//! decommitting makes them `PROT_NONE` again and discards their contents. A process-local
//! table records every reservation page by page (committed or not, protection, locked), so
//! `VirtualQuery` reports regions and `MEM_RELEASE`/`MEM_DECOMMIT` check their arguments as
//! Windows does. Touching a reserved but uncommitted page faults (SIGSEGV), as the access
//! violation does on Windows. Addresses outside the table (the stack, `malloc` memory, the
//! program's image) are described from `/proc/self/maps`.

use std::collections::BTreeMap;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::{Mutex, MutexGuard, OnceLock};

use crate::util::*;

#[allow(non_camel_case_types)]
type SIZE_T = usize;

const MEM_COMMIT: DWORD = 0x1000;
const MEM_RESERVE: DWORD = 0x2000;
const MEM_DECOMMIT: DWORD = 0x4000;
const MEM_RELEASE: DWORD = 0x8000;
const MEM_FREE: DWORD = 0x10000;
const MEM_PRIVATE: DWORD = 0x20000;
const MEM_MAPPED: DWORD = 0x40000;
const MEM_RESET: DWORD = 0x80000;
const MEM_TOP_DOWN: DWORD = 0x100000;
const MEM_IMAGE: DWORD = 0x1000000;

const PAGE_NOACCESS: DWORD = 0x01;
const PAGE_READONLY: DWORD = 0x02;
const PAGE_READWRITE: DWORD = 0x04;
const PAGE_WRITECOPY: DWORD = 0x08;
const PAGE_EXECUTE: DWORD = 0x10;
const PAGE_EXECUTE_READ: DWORD = 0x20;
const PAGE_EXECUTE_READWRITE: DWORD = 0x40;
const PAGE_EXECUTE_WRITECOPY: DWORD = 0x80;
const PAGE_GUARD: DWORD = 0x100;
const PAGE_NOCACHE: DWORD = 0x200;
const PAGE_WRITECOMBINE: DWORD = 0x400;

const ERROR_INVALID_ADDRESS: u32 = 487;
const ERROR_WORKING_SET_QUOTA: u32 = 1453;
const ERROR_NOT_ENOUGH_MEMORY: u32 = 8;

const GRANULARITY: usize = winipc_core::ALLOCATION_GRANULARITY as usize;
/// The highest address `GetSystemInfo` reports an application may use.
const MAX_ADDRESS: usize = 0x7FFF_FFFF_EFFF;

fn page() -> usize {
    static PAGE: OnceLock<usize> = OnceLock::new();
    // SAFETY: sysconf has no memory effects.
    *PAGE.get_or_init(|| match unsafe { libc::sysconf(libc::_SC_PAGESIZE) } {
        n if n > 0 => n as usize,
        _ => 4096,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Page {
    /// 0 while reserved only; the `PAGE_*` value once committed.
    protect: DWORD,
    locked: bool,
}

#[derive(Debug)]
struct Reservation {
    /// Bytes of the `mmap` (a multiple of the allocation granularity).
    mapped: usize,
    /// The protection given when it was reserved.
    alloc_protect: DWORD,
    pages: Vec<Page>,
}

impl Reservation {
    fn size(&self) -> usize {
        self.pages.len() * page()
    }
}

fn table() -> MutexGuard<'static, BTreeMap<usize, Reservation>> {
    static TABLE: OnceLock<Mutex<BTreeMap<usize, Reservation>>> = OnceLock::new();
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The `mmap` protection of a `PAGE_*` value, or `ERROR_INVALID_PARAMETER`.
fn prot_of(protect: DWORD) -> R<i32> {
    if protect & PAGE_GUARD != 0 {
        return Err(not_supported("PAGE_GUARD"));
    }
    let base = protect & !(PAGE_NOCACHE | PAGE_WRITECOMBINE);
    Ok(match base {
        PAGE_NOACCESS => libc::PROT_NONE,
        PAGE_READONLY => libc::PROT_READ,
        PAGE_READWRITE => libc::PROT_READ | libc::PROT_WRITE,
        PAGE_EXECUTE => libc::PROT_EXEC,
        PAGE_EXECUTE_READ => libc::PROT_READ | libc::PROT_EXEC,
        PAGE_EXECUTE_READWRITE => libc::PROT_READ | libc::PROT_WRITE | libc::PROT_EXEC,
        // Copy-on-write protections belong to mapped views, not private memory.
        PAGE_WRITECOPY | PAGE_EXECUTE_WRITECOPY => {
            return Err(invalid_parameter("PAGE_WRITECOPY on private memory"));
        }
        _ => return Err(invalid_parameter("not a PAGE_ protection")),
    })
}

fn round_up(v: usize, to: usize) -> R<usize> {
    v.checked_add(to - 1)
        .map(|x| x & !(to - 1))
        .ok_or_else(|| invalid_parameter("size"))
}

fn invalid_address() -> Fail {
    Fail(ERROR_INVALID_ADDRESS)
}

/// The reservation holding `[start, end)` entirely: its base.
fn holder(t: &BTreeMap<usize, Reservation>, start: usize, end: usize) -> R<usize> {
    match t.range(..=start).next_back() {
        Some((&base, r)) if end <= base + r.size() => Ok(base),
        _ => Err(invalid_address()),
    }
}

fn mprotect(addr: usize, len: usize, prot: i32) -> R<()> {
    // SAFETY: `[addr, addr+len)` lies inside a reservation this module mapped and owns.
    if unsafe { libc::mprotect(addr as *mut c_void, len, prot) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

/// Maps a `PROT_NONE` reservation of `len` bytes (a multiple of the granularity), at `at` if
/// given, else anywhere aligned to the granularity.
fn map_reservation(at: Option<usize>, len: usize) -> R<usize> {
    let flags = libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE;
    if let Some(at) = at {
        // SAFETY: MAP_FIXED_NOREPLACE never replaces an existing mapping.
        let p = unsafe {
            libc::mmap(
                at as *mut c_void,
                len,
                libc::PROT_NONE,
                flags | libc::MAP_FIXED_NOREPLACE,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            return Err(invalid_address());
        }
        if p as usize != at {
            // A kernel without MAP_FIXED_NOREPLACE treats it as a hint.
            // SAFETY: the mapping just made, not yet known to anyone.
            unsafe { libc::munmap(p, len) };
            return Err(invalid_address());
        }
        return Ok(at);
    }
    let over = len + GRANULARITY;
    // SAFETY: a fresh anonymous mapping; failure is checked.
    let p = unsafe { libc::mmap(null_mut(), over, libc::PROT_NONE, flags, -1, 0) };
    if p == libc::MAP_FAILED {
        return Err(Fail(ERROR_NOT_ENOUGH_MEMORY));
    }
    let start = p as usize;
    let base = (start + GRANULARITY - 1) & !(GRANULARITY - 1);
    // SAFETY: trims the unaligned head and the tail of the mapping just made.
    unsafe {
        if base > start {
            libc::munmap(p, base - start);
        }
        let end = base + len;
        if start + over > end {
            libc::munmap(end as *mut c_void, start + over - end);
        }
    }
    Ok(base)
}

fn reserve(at: Option<usize>, size: usize, protect: DWORD) -> R<usize> {
    let (base, end) = match at {
        Some(a) => {
            let base = a & !(GRANULARITY - 1);
            (
                Some(base),
                round_up(
                    a.checked_add(size)
                        .ok_or_else(|| invalid_parameter("size"))?,
                    page(),
                )?,
            )
        }
        None => (None, 0),
    };
    let len = match base {
        Some(b) => end - b,
        None => round_up(size, page())?,
    };
    if base.is_some_and(|b| b == 0 || end > MAX_ADDRESS + 1) || len > MAX_ADDRESS {
        return Err(if base.is_some() {
            invalid_address()
        } else {
            Fail(ERROR_NOT_ENOUGH_MEMORY)
        });
    }
    let mapped = round_up(len, GRANULARITY)?;
    let base = map_reservation(base, mapped)?;
    let pages = vec![
        Page {
            protect: 0,
            locked: false
        };
        len / page()
    ];
    table().insert(
        base,
        Reservation {
            mapped,
            alloc_protect: protect,
            pages,
        },
    );
    Ok(base)
}

/// Commits the pages holding `[addr, addr+size)`; returns the first page's address.
fn commit(addr: usize, size: usize, protect: DWORD, prot: i32) -> R<usize> {
    let start = addr & !(page() - 1);
    let end = round_up(addr.checked_add(size).ok_or_else(invalid_address)?, page())?;
    let mut t = table();
    let base = holder(&t, start, end)?;
    mprotect(start, end - start, prot)?;
    let r = t.get_mut(&base).expect("holder found it");
    for p in &mut r.pages[(start - base) / page()..(end - base) / page()] {
        p.protect = protect;
    }
    Ok(start)
}

fn virtual_alloc(addr: usize, size: usize, kind: DWORD, protect: DWORD) -> R<usize> {
    if kind & !(MEM_COMMIT | MEM_RESERVE | MEM_RESET | MEM_TOP_DOWN) != 0 {
        return Err(invalid_parameter("unknown MEM_ flags"));
    }
    if size == 0 {
        return Err(invalid_parameter("size 0"));
    }
    let prot = prot_of(protect)?;
    if kind & MEM_RESET != 0 {
        if kind & (MEM_COMMIT | MEM_RESERVE) != 0 {
            return Err(invalid_parameter("MEM_RESET with other flags"));
        }
        let start = addr & !(page() - 1);
        let end = round_up(addr.checked_add(size).ok_or_else(invalid_address)?, page())?;
        let t = table();
        let base = holder(&t, start, end)?;
        let r = &t[&base];
        if r.pages[(start - base) / page()..(end - base) / page()]
            .iter()
            .any(|p| p.protect == 0)
        {
            return Err(invalid_address());
        }
        // SAFETY: committed pages of a reservation this module owns; their contents may be
        // discarded, which is what MEM_RESET asks.
        unsafe { libc::madvise(start as *mut c_void, end - start, libc::MADV_FREE) };
        return Ok(addr);
    }
    match (kind & MEM_RESERVE != 0, kind & MEM_COMMIT != 0) {
        (true, false) => reserve((addr != 0).then_some(addr), size, protect),
        (reserve_too, true) => {
            if reserve_too || addr == 0 {
                let base = reserve((addr != 0).then_some(addr), size, protect)?;
                let len = table()[&base].size();
                match commit(base, len, protect, prot) {
                    Ok(b) => Ok(b),
                    Err(e) => {
                        let _ = release(base);
                        Err(e)
                    }
                }
            } else {
                commit(addr, size, protect, prot)
            }
        }
        (false, false) => Err(invalid_parameter("neither MEM_COMMIT nor MEM_RESERVE")),
    }
}

fn release(base: usize) -> R<()> {
    let mut t = table();
    let r = t.remove(&base).ok_or_else(invalid_address)?;
    // SAFETY: the whole mapping of a reservation this module made; it is out of the table,
    // so nothing here uses it again.
    unsafe { libc::munmap(base as *mut c_void, r.mapped) };
    Ok(())
}

fn virtual_free(addr: usize, size: usize, kind: DWORD) -> R<()> {
    match kind {
        MEM_RELEASE => {
            if size != 0 {
                return Err(invalid_parameter("MEM_RELEASE with a size"));
            }
            release(addr)
        }
        MEM_DECOMMIT => {
            let mut t = table();
            let start = addr & !(page() - 1);
            let end = if size == 0 {
                // The whole region when `addr` is a reservation's base.
                match t.get(&addr) {
                    Some(r) => addr + r.size(),
                    None => return Err(invalid_address()),
                }
            } else {
                round_up(addr.checked_add(size).ok_or_else(invalid_address)?, page())?
            };
            let base = holder(&t, start, end)?;
            mprotect(start, end - start, libc::PROT_NONE)?;
            // SAFETY: pages of a reservation this module owns, now inaccessible: dropping
            // their contents makes the next commit see zeros, as on Windows.
            unsafe { libc::madvise(start as *mut c_void, end - start, libc::MADV_DONTNEED) };
            let r = t.get_mut(&base).expect("holder found it");
            let pages = &mut r.pages[(start - base) / page()..(end - base) / page()];
            if pages.iter().any(|p| p.locked) {
                // SAFETY: only residency of pages this module owns changes.
                unsafe { libc::munlock(start as *const c_void, end - start) };
            }
            for p in pages {
                *p = Page {
                    protect: 0,
                    locked: false,
                };
            }
            Ok(())
        }
        _ => Err(invalid_parameter(
            "dwFreeType must be MEM_RELEASE or MEM_DECOMMIT",
        )),
    }
}

fn virtual_protect(addr: usize, size: usize, protect: DWORD) -> R<DWORD> {
    let prot = prot_of(protect)?;
    let start = addr & !(page() - 1);
    let end = round_up(addr.checked_add(size).ok_or_else(invalid_address)?, page())?;
    let mut t = table();
    let Ok(base) = holder(&t, start, end) else {
        drop(t);
        // Memory not from VirtualAlloc (the heap, the stack, the image): mprotect it.
        let old = foreign(start)
            .filter(|m| m.state == MEM_COMMIT && start + 1 > m.base && end <= m.base + m.size)
            .ok_or_else(invalid_address)?;
        mprotect(start, end - start, prot)?;
        return Ok(old.protect);
    };
    let r = t.get_mut(&base).expect("holder found it");
    let pages = &mut r.pages[(start - base) / page()..(end - base) / page()];
    if pages.iter().any(|p| p.protect == 0) {
        return Err(invalid_address());
    }
    let old = pages[0].protect;
    mprotect(start, end - start, prot)?;
    for p in pages {
        p.protect = protect;
    }
    Ok(old)
}

/// One region as `VirtualQuery` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Region {
    base: usize,
    alloc_base: usize,
    alloc_protect: DWORD,
    size: usize,
    state: DWORD,
    protect: DWORD,
    kind: DWORD,
}

#[repr(C)]
struct MemoryBasicInformation {
    base: *mut c_void,
    alloc_base: *mut c_void,
    alloc_protect: DWORD,
    partition: u16,
    size: usize,
    state: DWORD,
    protect: DWORD,
    kind: DWORD,
}

fn query(addr: usize) -> R<Region> {
    if addr > MAX_ADDRESS {
        return Err(invalid_parameter("address above the application range"));
    }
    let at = addr & !(page() - 1);
    let t = table();
    if let Some((&base, r)) = t.range(..=at).next_back()
        && at < base + r.size()
    {
        let i = (at - base) / page();
        let first = r.pages[i];
        let run = r.pages[i..]
            .iter()
            .take_while(|p| p.protect == first.protect)
            .count();
        return Ok(Region {
            base: at,
            alloc_base: base,
            alloc_protect: r.alloc_protect,
            size: run * page(),
            state: if first.protect == 0 {
                MEM_RESERVE
            } else {
                MEM_COMMIT
            },
            protect: first.protect,
            kind: MEM_PRIVATE,
        });
    }
    // The rest of a reservation's last 64 KiB: unusable, reported free as Windows does.
    if let Some((&base, r)) = t.range(..=at).next_back()
        && at < base + r.mapped
    {
        return Ok(Region {
            base: at,
            alloc_base: 0,
            alloc_protect: 0,
            size: base + r.mapped - at,
            state: MEM_FREE,
            protect: PAGE_NOACCESS,
            kind: 0,
        });
    }
    // Not ours: what the kernel says, from the queried page up to the next reservation of ours
    // (the kernel may show a neighbouring mapping and ours as one).
    let next_ours = t.range(at + 1..).next().map(|(&b, _)| b);
    drop(t);
    let mut m = foreign(at).ok_or_else(|| invalid_parameter("address"))?;
    let mut end = m.base + m.size;
    if let Some(n) = next_ours {
        end = end.min(n);
    }
    m.base = at;
    m.size = end - at;
    Ok(m)
}

fn protect_of_perms(perms: &[u8]) -> DWORD {
    match (perms[0] == b'r', perms[1] == b'w', perms[2] == b'x') {
        (_, true, true) => PAGE_EXECUTE_READWRITE,
        (_, true, false) => PAGE_READWRITE,
        (true, false, true) => PAGE_EXECUTE_READ,
        (false, false, true) => PAGE_EXECUTE,
        (true, false, false) => PAGE_READONLY,
        (false, false, false) => PAGE_NOACCESS,
    }
}

/// The region of `/proc/self/maps` holding `at`, or the free gap around it.
fn foreign(at: usize) -> Option<Region> {
    region_in(&std::fs::read_to_string("/proc/self/maps").ok()?, at)
}

/// The region of a `maps` listing holding `at`, or the free gap around it.
fn region_in(maps: &str, at: usize) -> Option<Region> {
    let mut prev_end = page(); // below the lowest application address: not queried
    for line in maps.lines() {
        let mut f = line.split_whitespace();
        let (range, perms) = (f.next()?, f.next()?.as_bytes());
        let (_offset, _dev, inode) = (f.next()?, f.next()?, f.next()?);
        let path = f.next().unwrap_or("");
        let (s, e) = range.split_once('-')?;
        let (s, e) = (
            usize::from_str_radix(s, 16).ok()?,
            usize::from_str_radix(e, 16).ok()?,
        );
        if at < s {
            return Some(Region {
                base: prev_end.min(at),
                alloc_base: 0,
                alloc_protect: 0,
                size: s - prev_end.min(at),
                state: MEM_FREE,
                protect: PAGE_NOACCESS,
                kind: 0,
            });
        }
        if at < e {
            let kind = if inode == "0" || path.starts_with('[') {
                MEM_PRIVATE
            } else if perms.get(2) == Some(&b'x') || path.ends_with(".so") || path.contains(".so.")
            {
                MEM_IMAGE
            } else {
                MEM_MAPPED
            };
            let protect = protect_of_perms(perms);
            return Some(Region {
                base: s,
                alloc_base: s,
                alloc_protect: protect,
                size: e - s,
                state: MEM_COMMIT,
                protect,
                kind,
            });
        }
        prev_end = e;
    }
    (at <= MAX_ADDRESS).then(|| Region {
        base: prev_end.min(at),
        alloc_base: 0,
        alloc_protect: 0,
        size: MAX_ADDRESS + 1 - prev_end.min(at),
        state: MEM_FREE,
        protect: PAGE_NOACCESS,
        kind: 0,
    })
}

fn lock(addr: usize, size: usize, on: bool) -> R<()> {
    let start = addr & !(page() - 1);
    let end = round_up(addr.checked_add(size).ok_or_else(invalid_address)?, page())?;
    let mut t = table();
    let ours = holder(&t, start, end).ok();
    if let Some(base) = ours {
        let r = &t[&base];
        let pages = &r.pages[(start - base) / page()..(end - base) / page()];
        if pages.iter().any(|p| p.protect == 0) {
            return Err(Fail(code::ERROR_NOACCESS));
        }
        if !on && pages.iter().any(|p| !p.locked) {
            return Err(Fail(code::ERROR_NOT_LOCKED));
        }
    }
    // SAFETY: mlock/munlock only change residency of the range; the kernel checks it.
    let rc = unsafe {
        if on {
            libc::mlock(start as *const c_void, end - start)
        } else {
            libc::munlock(start as *const c_void, end - start)
        }
    };
    if rc != 0 {
        let e = std::io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::ENOMEM) if ours.is_none() => invalid_address(),
            Some(libc::ENOMEM) | Some(libc::EPERM) | Some(libc::EAGAIN) => {
                Fail(ERROR_WORKING_SET_QUOTA)
            }
            _ => e.into(),
        });
    }
    if let Some(base) = ours {
        let r = t.get_mut(&base).expect("holder found it");
        for p in &mut r.pages[(start - base) / page()..(end - base) / page()] {
            p.locked = on;
        }
    }
    Ok(())
}

// ---- exports ------------------------------------------------------------------------------

/// `VirtualAlloc`: the base of the region (reservations on 64 KiB boundaries, commits on
/// page boundaries), or NULL with the last error.
#[unsafe(no_mangle)]
pub extern "C" fn VirtualAlloc(
    addr: *mut c_void,
    size: SIZE_T,
    kind: DWORD,
    protect: DWORD,
) -> *mut c_void {
    ffi(null_mut(), || {
        virtual_alloc(addr as usize, size, kind, protect).map(|p| p as *mut c_void)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn VirtualFree(addr: *mut c_void, size: SIZE_T, kind: DWORD) -> BOOL {
    ffi_bool(|| virtual_free(addr as usize, size, kind))
}

/// `VirtualProtect`: the old protection (of the first page) goes to `*old`, which must be
/// writable (`ERROR_NOACCESS` otherwise).
///
/// # Safety
/// `old` is NULL or points to a writable DWORD.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn VirtualProtect(
    addr: *mut c_void,
    size: SIZE_T,
    protect: DWORD,
    old: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        if old.is_null() || !writable(old.cast(), 4) {
            return Err(noaccess());
        }
        let was = virtual_protect(addr as usize, size, protect)?;
        // SAFETY: checked writable above.
        unsafe { write_req(old, was) }
    })
}

/// `VirtualQuery`: the bytes written to `info` (`sizeof(MEMORY_BASIC_INFORMATION)`), or 0.
///
/// # Safety
/// `info` is NULL or points to `len` writable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn VirtualQuery(
    addr: *const c_void,
    info: *mut c_void,
    len: SIZE_T,
) -> SIZE_T {
    ffi(0, || {
        let n = std::mem::size_of::<MemoryBasicInformation>();
        if len < n {
            return Err(Fail(code::ERROR_BAD_LENGTH));
        }
        if info.is_null() || !writable(info, n) {
            return Err(noaccess());
        }
        let r = query(addr as usize)?;
        let mbi = MemoryBasicInformation {
            base: r.base as *mut c_void,
            alloc_base: r.alloc_base as *mut c_void,
            alloc_protect: r.alloc_protect,
            partition: 0,
            size: r.size,
            state: r.state,
            protect: if r.state == MEM_COMMIT { r.protect } else { 0 },
            kind: r.kind,
        };
        // SAFETY: checked writable for `n` bytes; unaligned-safe write.
        unsafe { info.cast::<MemoryBasicInformation>().write_unaligned(mbi) };
        Ok(n)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn VirtualLock(addr: *mut c_void, size: SIZE_T) -> BOOL {
    ffi_bool(|| lock(addr as usize, size, true))
}

#[unsafe(no_mangle)]
pub extern "C" fn VirtualUnlock(addr: *mut c_void, size: SIZE_T) -> BOOL {
    ffi_bool(|| lock(addr as usize, size, false))
}

// ---- the *Ex forms: the calling process, or (VirtualQueryEx) another one's mappings ----------

/// `Some(pid)` for another process, `None` for the caller.
fn other_process(h: HANDLE) -> R<Option<u32>> {
    use crate::handle::{ProcArg, pid_of, process_arg};
    let p = process_arg(h)?;
    let pid = pid_of(p)?;
    Ok((p != ProcArg::Current && pid != std::process::id()).then_some(pid))
}

fn not_other(h: HANDLE) -> R<()> {
    match other_process(h)? {
        None => Ok(()),
        Some(_) => Err(not_supported("virtual memory of another process")),
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn VirtualAllocEx(
    process: HANDLE,
    addr: *mut c_void,
    size: SIZE_T,
    kind: DWORD,
    protect: DWORD,
) -> *mut c_void {
    if let Err(Fail(c)) = ffi(Err(Fail(0)), || Ok(not_other(process))) {
        set_last_error(c);
        return null_mut();
    }
    VirtualAlloc(addr, size, kind, protect)
}

#[unsafe(no_mangle)]
pub extern "C" fn VirtualFreeEx(
    process: HANDLE,
    addr: *mut c_void,
    size: SIZE_T,
    kind: DWORD,
) -> BOOL {
    ffi_bool(|| {
        not_other(process)?;
        virtual_free(addr as usize, size, kind)
    })
}

/// # Safety
/// As `VirtualProtect`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn VirtualProtectEx(
    process: HANDLE,
    addr: *mut c_void,
    size: SIZE_T,
    protect: DWORD,
    old: *mut DWORD,
) -> BOOL {
    if ffi_bool(|| not_other(process)) == FALSE {
        return FALSE;
    }
    // SAFETY: forwarded contract.
    unsafe { VirtualProtect(addr, size, protect, old) }
}

/// `VirtualQueryEx`: the caller as `VirtualQuery`; another process from its
/// `/proc/PID/maps` (`ERROR_ACCESS_DENIED` where the kernel refuses to show it).
///
/// # Safety
/// As `VirtualQuery`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn VirtualQueryEx(
    process: HANDLE,
    addr: *const c_void,
    info: *mut c_void,
    len: SIZE_T,
) -> SIZE_T {
    let pid = match ffi(Err(Fail(0)), || Ok(other_process(process))) {
        Ok(p) => p,
        Err(Fail(c)) => {
            set_last_error(c);
            return 0;
        }
    };
    let Some(pid) = pid else {
        // SAFETY: forwarded contract.
        return unsafe { VirtualQuery(addr, info, len) };
    };
    ffi(0, || {
        let n = std::mem::size_of::<MemoryBasicInformation>();
        if len < n {
            return Err(Fail(code::ERROR_BAD_LENGTH));
        }
        if info.is_null() || !writable(info, n) {
            return Err(noaccess());
        }
        let at = addr as usize & !(page() - 1);
        if at > MAX_ADDRESS {
            return Err(invalid_parameter("address above the application range"));
        }
        let maps = std::fs::read_to_string(format!("/proc/{pid}/maps"))
            .map_err(|_| Fail(code::ERROR_ACCESS_DENIED))?;
        let r = region_in(&maps, at).ok_or_else(|| invalid_parameter("address"))?;
        let mbi = MemoryBasicInformation {
            base: at as *mut c_void,
            alloc_base: r.alloc_base as *mut c_void,
            alloc_protect: r.alloc_protect,
            partition: 0,
            size: r.base + r.size - at,
            state: r.state,
            protect: if r.state == MEM_COMMIT { r.protect } else { 0 },
            kind: r.kind,
        };
        // SAFETY: checked writable for `n` bytes.
        unsafe { info.cast::<MemoryBasicInformation>().write_unaligned(mbi) };
        Ok(n)
    })
}

// ---- GlobalMemoryStatus(Ex) ----------------------------------------------------------------

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
struct MemoryStatusEx {
    length: DWORD,
    load: DWORD,
    total_phys: u64,
    avail_phys: u64,
    total_page_file: u64,
    avail_page_file: u64,
    total_virtual: u64,
    avail_virtual: u64,
    avail_extended_virtual: u64,
}

fn memory_status() -> MemoryStatusEx {
    let info = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let kb = |key: &str| -> u64 {
        info.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    let (total, avail) = (kb("MemTotal"), kb("MemAvailable"));
    let (swap_total, swap_free) = (kb("SwapTotal"), kb("SwapFree"));
    // The user address space from the lowest application address up, less what is mapped.
    let total_virtual = (MAX_ADDRESS + 1 - GRANULARITY) as u64;
    let mapped: u64 = std::fs::read_to_string("/proc/self/maps")
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            let (s, e) = l.split_whitespace().next()?.split_once('-')?;
            let (s, e) = (
                u64::from_str_radix(s, 16).ok()?,
                u64::from_str_radix(e, 16).ok()?,
            );
            (e <= MAX_ADDRESS as u64 + 1).then(|| e - s)
        })
        .sum();
    MemoryStatusEx {
        length: std::mem::size_of::<MemoryStatusEx>() as DWORD,
        load: (avail.min(total) * 100)
            .checked_div(total)
            .map_or(0, |free| (100 - free) as DWORD),
        total_phys: total,
        avail_phys: avail,
        total_page_file: total + swap_total,
        avail_page_file: avail + swap_free,
        total_virtual,
        avail_virtual: total_virtual.saturating_sub(mapped),
        avail_extended_virtual: 0,
    }
}

/// `GlobalMemoryStatusEx`: `dwLength` must be `sizeof(MEMORYSTATUSEX)`
/// (`ERROR_INVALID_PARAMETER` otherwise).
///
/// # Safety
/// `buf` is NULL or a writable `MEMORYSTATUSEX`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GlobalMemoryStatusEx(buf: *mut c_void) -> BOOL {
    ffi_bool(|| {
        let p = buf.cast::<MemoryStatusEx>();
        // SAFETY: checked by `read_req`.
        let cur = unsafe { read_req(p.cast::<DWORD>())? };
        if cur as usize != std::mem::size_of::<MemoryStatusEx>() {
            return Err(invalid_parameter("dwLength"));
        }
        // SAFETY: checked by `write_req`.
        unsafe { write_req(p, memory_status()) }
    })
}

/// `GlobalMemoryStatus`: the same figures in `SIZE_T`s; `dwLength` is set.
///
/// # Safety
/// `buf` is NULL or a writable `MEMORYSTATUS`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GlobalMemoryStatus(buf: *mut c_void) {
    ffi((), || {
        let m = memory_status();
        #[repr(C)]
        #[derive(Clone, Copy)]
        struct MemoryStatus(DWORD, DWORD, [usize; 6]);
        let s = MemoryStatus(
            std::mem::size_of::<MemoryStatus>() as DWORD,
            m.load,
            [
                m.total_phys as usize,
                m.avail_phys as usize,
                m.total_page_file as usize,
                m.avail_page_file as usize,
                m.total_virtual as usize,
                m.avail_virtual as usize,
            ],
        );
        // SAFETY: checked by `write_req`.
        unsafe { write_req(buf.cast::<MemoryStatus>(), s) }
    })
}

/// `GetPhysicallyInstalledSystemMemory`: the physical memory in KiB (Linux's `MemTotal`, which
/// leaves out what firmware and the kernel reserve, so it is a little below Windows' figure).
///
/// # Safety
/// `kib` valid for a `ULONGLONG` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPhysicallyInstalledSystemMemory(kib: *mut u64) -> BOOL {
    ffi_bool(|| {
        if kib.is_null() {
            return Err(invalid_parameter("TotalMemoryInKilobytes"));
        }
        // SAFETY: the caller's contract (unwritable -> ERROR_NOACCESS).
        unsafe { write_req(kib, memory_status().total_phys / 1024) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_commit_query_release() {
        let base = VirtualAlloc(null_mut(), 3 * 65536 + 1, MEM_RESERVE, PAGE_READWRITE) as usize;
        assert_ne!(base, 0);
        assert_eq!(base % GRANULARITY, 0);
        let r = query(base + 5).unwrap();
        assert_eq!(
            (r.base, r.state, r.size),
            (base, MEM_RESERVE, 3 * 65536 + page())
        );
        let c = VirtualAlloc(
            (base + page() + 1) as *mut c_void,
            2,
            MEM_COMMIT,
            PAGE_READWRITE,
        );
        assert_eq!(c as usize, base + page());
        let r = query(base + page()).unwrap();
        assert_eq!(
            (r.state, r.size, r.protect, r.alloc_base),
            (MEM_COMMIT, page(), PAGE_READWRITE, base)
        );
        assert_eq!(VirtualFree(base as *mut c_void, 1, MEM_RELEASE), FALSE);
        assert_eq!(last_error(), 87);
        assert_eq!(
            VirtualFree((base + page()) as *mut c_void, 0, MEM_RELEASE),
            FALSE
        );
        assert_eq!(last_error(), ERROR_INVALID_ADDRESS);
        assert_eq!(VirtualFree(base as *mut c_void, 0, MEM_RELEASE), TRUE);
        assert_eq!(query(base).unwrap().state, MEM_FREE);
    }
}
