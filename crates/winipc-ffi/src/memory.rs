//! Process memory: `GlobalAlloc`/`LocalAlloc` and their `Free`, `Size`, `Lock`, `Unlock`,
//! `ReAlloc`; `GetProcessHeap`, `HeapCreate`/`HeapDestroy`, `HeapAlloc`, `HeapFree`,
//! `HeapReAlloc`, `HeapSize`, `HeapValidate`, `HeapCompact`, `HeapLock`/`HeapUnlock`,
//! `HeapWalk`, `GetProcessHeaps`.
//!
//! Win32 programs allocate with these (FormatMessage's `FORMAT_MESSAGE_ALLOCATE_BUFFER` uses
//! `LocalAlloc`, and the classic mailslot examples use `GlobalAlloc(GPTR, …)`). Every block is
//! `malloc`ed and recorded in one table, so a free, size or lock of a pointer that did not come
//! from here fails with `ERROR_INVALID_HANDLE` instead of corrupting the C heap. `Global*` and
//! `Local*` are the same allocator, as on 32-bit Windows; a *moveable* block's handle is its
//! address (memory never moves), and its lock count is kept as Windows keeps it.

use std::collections::HashMap;
use std::ffi::c_void;
use std::ptr::null_mut;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};

use winipc_core::Error;

use crate::util::*;

#[allow(non_camel_case_types)]
type SIZE_T = usize;
type UINT = u32;

const GMEM_MOVEABLE: UINT = 0x0002;
const GMEM_ZEROINIT: UINT = 0x0040;
const GMEM_MODIFY: UINT = 0x0080;
/// Every flag `GlobalAlloc`/`LocalAlloc` accept (the rest are obsolete and change nothing here).
const GMEM_VALID: UINT = 0x7FF2 | GMEM_ZEROINIT;

const HEAP_NO_SERIALIZE: DWORD = 0x0001;
const HEAP_GENERATE_EXCEPTIONS: DWORD = 0x0004;
const HEAP_ZERO_MEMORY: DWORD = 0x0008;
const HEAP_REALLOC_IN_PLACE_ONLY: DWORD = 0x0010;
const HEAP_CREATE_ENABLE_EXECUTE: DWORD = 0x0004_0000;

/// The heap `GetProcessHeap` returns; `Global*`/`Local*` blocks belong to it too.
const PROCESS_HEAP: usize = 0x0E00_0000;

#[derive(Debug, Clone, Copy)]
struct Block {
    size: usize,
    heap: usize,
    moveable: bool,
    locks: u32,
}

/// A heap made by `HeapCreate`.
#[derive(Debug, Default, Clone, Copy)]
struct HeapInfo {
    /// `dwMaximumSize`: 0 for a growable heap, else the bytes its blocks may hold in all.
    max: usize,
    /// The bytes its live blocks hold.
    used: usize,
}

#[derive(Debug, Default)]
struct Table {
    blocks: HashMap<usize, Block>,
    /// Heaps made by `HeapCreate`, and the next handle value to give out.
    heaps: HashMap<usize, HeapInfo>,
    next_heap: usize,
    /// `HeapLock` holders: heap -> (thread, depth).
    locked: HashMap<usize, (std::thread::ThreadId, u32)>,
}

static TABLE: OnceLock<Mutex<Table>> = OnceLock::new();
static UNLOCKED: Condvar = Condvar::new();

fn table() -> MutexGuard<'static, Table> {
    TABLE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// The table, once no other thread holds `heap` with `HeapLock`.
fn table_for(heap: usize) -> MutexGuard<'static, Table> {
    let me = std::thread::current().id();
    let mut t = table();
    while t.locked.get(&heap).is_some_and(|&(owner, _)| owner != me) {
        t = UNLOCKED.wait(t).unwrap_or_else(|e| e.into_inner());
    }
    t
}

/// Counts `delta` bytes against a `HeapCreate` heap's maximum; `false` if they do not fit.
fn charge(t: &mut Table, heap: usize, old: usize, new: usize) -> bool {
    let Some(h) = t.heaps.get_mut(&heap) else {
        return true; // the process heap
    };
    let used = h.used - old.min(h.used) + new;
    if h.max != 0 && used > h.max {
        return false;
    }
    h.used = used;
    true
}

fn out_of_memory() -> Fail {
    Error::NoResources("memory").into()
}

/// Allocates `size` bytes (at least one, so every block has its own address) in `heap`.
fn alloc(heap: usize, size: usize, zero: bool, moveable: bool) -> R<*mut c_void> {
    if !charge(&mut table_for(heap), heap, 0, size) {
        return Err(out_of_memory());
    }
    // SAFETY: plain allocations; NULL is checked below.
    let p = unsafe {
        if zero {
            libc::calloc(size.max(1), 1)
        } else {
            libc::malloc(size.max(1))
        }
    };
    if p.is_null() {
        charge(&mut table(), heap, size, 0);
        return Err(out_of_memory());
    }
    let block = Block {
        size,
        heap,
        moveable,
        locks: 0,
    };
    table().blocks.insert(p as usize, block);
    Ok(p)
}

/// Frees a block recorded in the table (in `heap`, if given).
fn free(p: *mut c_void, heap: Option<usize>) -> R<()> {
    let mut t = table_for(heap.unwrap_or(PROCESS_HEAP));
    match t.blocks.get(&(p as usize)).copied() {
        Some(b) if heap.is_none_or(|h| h == b.heap) => {
            t.blocks.remove(&(p as usize));
            charge(&mut t, b.heap, b.size, 0);
            drop(t);
            // SAFETY: `p` was allocated by `alloc` with malloc/calloc and was still recorded,
            // so it has not been freed.
            unsafe { libc::free(p) };
            Ok(())
        }
        _ => Err(invalid_handle()),
    }
}

fn size_of_block(p: *const c_void, heap: Option<usize>) -> R<usize> {
    match table().blocks.get(&(p as usize)) {
        Some(b) if heap.is_none_or(|h| h == b.heap) => Ok(b.size),
        _ => Err(invalid_handle()),
    }
}

/// Resizes a recorded block; the contents up to the smaller size are kept, and with `zero` the
/// bytes past the old size are zeroed. `in_place` refuses to move it.
fn realloc(
    p: *mut c_void,
    heap: Option<usize>,
    size: usize,
    zero: bool,
    in_place: bool,
) -> R<*mut c_void> {
    let mut t = table_for(heap.unwrap_or(PROCESS_HEAP));
    let Some(old) = t.blocks.get(&(p as usize)).copied() else {
        return Err(invalid_handle());
    };
    if heap.is_some_and(|h| h != old.heap) {
        return Err(invalid_handle());
    }
    // SAFETY: `p` is a live malloc'ed block (recorded; the table lock is held).
    let usable = unsafe { libc::malloc_usable_size(p) };
    if in_place && size > usable.max(old.size) {
        return Err(out_of_memory());
    }
    if !charge(&mut t, old.heap, old.size, size) {
        return Err(out_of_memory());
    }
    if in_place {
        t.blocks.insert(p as usize, Block { size, ..old });
        if zero && size > old.size {
            // SAFETY: the block's usable size covers `size` bytes.
            unsafe { p.cast::<u8>().add(old.size).write_bytes(0, size - old.size) };
        }
        return Ok(p);
    }
    // SAFETY: `p` is a live malloc'ed block (recorded, and the table lock is held, so no other
    // thread frees it meanwhile).
    let q = unsafe { libc::realloc(p, size.max(1)) };
    if q.is_null() {
        charge(&mut t, old.heap, size, old.size);
        return Err(out_of_memory());
    }
    t.blocks.remove(&(p as usize));
    t.blocks.insert(q as usize, Block { size, ..old });
    if zero && size > old.size {
        // SAFETY: `q` holds `size` bytes; the range past `old.size` is inside it.
        unsafe { q.cast::<u8>().add(old.size).write_bytes(0, size - old.size) };
    }
    Ok(q)
}

// ---- GlobalAlloc / LocalAlloc ------------------------------------------------------------

fn global_alloc(flags: UINT, bytes: SIZE_T) -> *mut c_void {
    ffi(null_mut(), || {
        if flags & !GMEM_VALID != 0 {
            return Err(invalid_parameter("unknown GMEM_/LMEM_ flags"));
        }
        alloc(
            PROCESS_HEAP,
            bytes,
            flags & GMEM_ZEROINIT != 0,
            flags & GMEM_MOVEABLE != 0,
        )
    })
}

fn global_free(mem: *mut c_void) -> *mut c_void {
    ffi(mem, || {
        if !mem.is_null() {
            free(mem, Some(PROCESS_HEAP))?;
        }
        Ok(null_mut())
    })
}

fn global_size(mem: *mut c_void) -> SIZE_T {
    ffi(0, || size_of_block(mem, Some(PROCESS_HEAP)))
}

fn global_lock(mem: *mut c_void) -> *mut c_void {
    ffi(null_mut(), || {
        let mut t = table();
        match t.blocks.get_mut(&(mem as usize)) {
            Some(b) if b.heap == PROCESS_HEAP => {
                if b.moveable {
                    b.locks = b.locks.saturating_add(1);
                }
                Ok(mem)
            }
            _ => Err(invalid_handle()),
        }
    })
}

/// `GlobalUnlock`: TRUE while still locked; FALSE with `NO_ERROR` once unlocked; FALSE with
/// `ERROR_NOT_LOCKED` for a block that was not locked (every fixed block).
fn global_unlock(mem: *mut c_void) -> BOOL {
    ffi(FALSE, || {
        let mut t = table();
        match t.blocks.get_mut(&(mem as usize)) {
            Some(b) if b.heap == PROCESS_HEAP => match b.locks {
                0 => Err(Fail(code::ERROR_NOT_LOCKED)),
                1 => {
                    b.locks = 0;
                    set_last_error(code::ERROR_SUCCESS);
                    Ok(FALSE)
                }
                _ => {
                    b.locks -= 1;
                    Ok(TRUE)
                }
            },
            _ => Err(invalid_handle()),
        }
    })
}

fn global_realloc(mem: *mut c_void, bytes: SIZE_T, flags: UINT) -> *mut c_void {
    ffi(null_mut(), || {
        if flags & !GMEM_VALID & !GMEM_MODIFY != 0 {
            return Err(invalid_parameter("unknown GMEM_/LMEM_ flags"));
        }
        if flags & GMEM_MODIFY != 0 {
            // Changes only the block's attributes: moveable or not.
            let mut t = table();
            let b = t
                .blocks
                .get_mut(&(mem as usize))
                .filter(|b| b.heap == PROCESS_HEAP)
                .ok_or_else(invalid_handle)?;
            b.moveable = flags & GMEM_MOVEABLE != 0;
            return Ok(mem);
        }
        // A locked block must stay where it is (its address is in use).
        let pinned = table()
            .blocks
            .get(&(mem as usize))
            .is_some_and(|b| b.locks > 0);
        realloc(
            mem,
            Some(PROCESS_HEAP),
            bytes,
            flags & GMEM_ZEROINIT != 0,
            pinned,
        )
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalAlloc(flags: UINT, bytes: SIZE_T) -> *mut c_void {
    global_alloc(flags, bytes)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalAlloc(flags: UINT, bytes: SIZE_T) -> *mut c_void {
    global_alloc(flags, bytes)
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalFree(mem: *mut c_void) -> *mut c_void {
    global_free(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalFree(mem: *mut c_void) -> *mut c_void {
    global_free(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalSize(mem: *mut c_void) -> SIZE_T {
    global_size(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalSize(mem: *mut c_void) -> SIZE_T {
    global_size(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalLock(mem: *mut c_void) -> *mut c_void {
    global_lock(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalLock(mem: *mut c_void) -> *mut c_void {
    global_lock(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalUnlock(mem: *mut c_void) -> BOOL {
    global_unlock(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalUnlock(mem: *mut c_void) -> BOOL {
    global_unlock(mem)
}

#[unsafe(no_mangle)]
pub extern "C" fn GlobalReAlloc(mem: *mut c_void, bytes: SIZE_T, flags: UINT) -> *mut c_void {
    global_realloc(mem, bytes, flags)
}

#[unsafe(no_mangle)]
pub extern "C" fn LocalReAlloc(mem: *mut c_void, bytes: SIZE_T, flags: UINT) -> *mut c_void {
    global_realloc(mem, bytes, flags)
}

/// A `FORMAT_MESSAGE_ALLOCATE_BUFFER` buffer of `bytes` (freed with `LocalFree`).
pub(crate) fn local_alloc(bytes: usize) -> R<*mut c_void> {
    alloc(PROCESS_HEAP, bytes, false, false)
}

// ---- heaps -------------------------------------------------------------------------------

fn heap_known(heap: usize) -> bool {
    heap == PROCESS_HEAP || table().heaps.contains_key(&heap)
}

#[unsafe(no_mangle)]
pub extern "C" fn GetProcessHeap() -> HANDLE {
    PROCESS_HEAP as HANDLE
}

/// `HeapCreate`: a `dwMaximumSize` other than 0 caps the bytes the heap's blocks hold
/// together (allocations past it fail); the initial size is not reserved ahead.
#[unsafe(no_mangle)]
pub extern "C" fn HeapCreate(options: DWORD, initial: SIZE_T, maximum: SIZE_T) -> HANDLE {
    ffi(null_mut(), || {
        if options & !(HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_CREATE_ENABLE_EXECUTE)
            != 0
        {
            return Err(invalid_parameter("unknown HeapCreate options"));
        }
        if maximum != 0 && initial > maximum {
            return Err(invalid_parameter("dwInitialSize above dwMaximumSize"));
        }
        let mut t = table();
        // Heap handles: distinct values above the process heap's, never reused.
        t.next_heap = t.next_heap.max(PROCESS_HEAP) + 0x10;
        let h = t.next_heap;
        t.heaps.insert(
            h,
            HeapInfo {
                max: maximum,
                used: 0,
            },
        );
        Ok(h as HANDLE)
    })
}

/// `HeapDestroy`: frees every block of the heap. The process heap cannot be destroyed.
#[unsafe(no_mangle)]
pub extern "C" fn HeapDestroy(heap: HANDLE) -> BOOL {
    ffi_bool(|| {
        let h = heap as usize;
        let mut t = table_for(h);
        t.heaps.remove(&h).ok_or_else(invalid_handle)?;
        if t.locked.remove(&h).is_some() {
            UNLOCKED.notify_all();
        }
        let doomed: Vec<usize> = t
            .blocks
            .iter()
            .filter(|(_, b)| b.heap == h)
            .map(|(&p, _)| p)
            .collect();
        for p in doomed {
            t.blocks.remove(&p);
            // SAFETY: a recorded, live malloc'ed block of the destroyed heap.
            unsafe { libc::free(p as *mut c_void) };
        }
        Ok(())
    })
}

/// `HeapAlloc`: NULL on failure. Like Windows, it does not set the last error.
#[unsafe(no_mangle)]
pub extern "C" fn HeapAlloc(heap: HANDLE, flags: DWORD, bytes: SIZE_T) -> *mut c_void {
    let last = last_error();
    let p = ffi(null_mut(), || {
        if !heap_known(heap as usize) {
            return Err(invalid_handle());
        }
        alloc(heap as usize, bytes, flags & HEAP_ZERO_MEMORY != 0, false)
    });
    set_last_error(last);
    p
}

#[unsafe(no_mangle)]
pub extern "C" fn HeapFree(heap: HANDLE, _flags: DWORD, mem: *mut c_void) -> BOOL {
    ffi_bool(|| {
        if !heap_known(heap as usize) {
            return Err(invalid_handle());
        }
        if mem.is_null() {
            return Ok(()); // as on Windows: freeing NULL succeeds
        }
        free(mem, Some(heap as usize)).map_err(|_| invalid_parameter("not a block of this heap"))
    })
}

/// `HeapReAlloc`: NULL on failure with `ERROR_NOT_ENOUGH_MEMORY` (also when
/// `HEAP_REALLOC_IN_PLACE_ONLY` cannot grow the block where it is).
#[unsafe(no_mangle)]
pub extern "C" fn HeapReAlloc(
    heap: HANDLE,
    flags: DWORD,
    mem: *mut c_void,
    bytes: SIZE_T,
) -> *mut c_void {
    ffi(null_mut(), || {
        if !heap_known(heap as usize) {
            return Err(invalid_handle());
        }
        realloc(
            mem,
            Some(heap as usize),
            bytes,
            flags & HEAP_ZERO_MEMORY != 0,
            flags & HEAP_REALLOC_IN_PLACE_ONLY != 0,
        )
        .map_err(|e| match e {
            Fail(code::ERROR_INVALID_HANDLE) => invalid_parameter("not a block of this heap"),
            e => e,
        })
    })
}

/// `HeapSize`: `(SIZE_T)-1` on failure.
#[unsafe(no_mangle)]
pub extern "C" fn HeapSize(heap: HANDLE, _flags: DWORD, mem: *const c_void) -> SIZE_T {
    ffi(usize::MAX, || {
        if !heap_known(heap as usize) {
            return Err(invalid_handle());
        }
        size_of_block(mem, Some(heap as usize))
    })
}

/// `HeapValidate`: TRUE for a known heap (`lpMem` NULL) or one of its live blocks; FALSE
/// otherwise, without a last error (as on Windows).
#[unsafe(no_mangle)]
pub extern "C" fn HeapValidate(heap: HANDLE, _flags: DWORD, mem: *const c_void) -> BOOL {
    let h = heap as usize;
    let t = table();
    let ok = (h == PROCESS_HEAP || t.heaps.contains_key(&h))
        && (mem.is_null() || t.blocks.get(&(mem as usize)).is_some_and(|b| b.heap == h));
    if ok { TRUE } else { FALSE }
}

/// `HeapCompact`: returns the C allocator's free bytes after trimming (an upper bound of the
/// largest free block Windows reports); an unknown heap: 0 + `ERROR_INVALID_HANDLE`.
#[unsafe(no_mangle)]
pub extern "C" fn HeapCompact(heap: HANDLE, _flags: DWORD) -> SIZE_T {
    ffi(0, || {
        if !heap_known(heap as usize) {
            return Err(invalid_handle());
        }
        // SAFETY: malloc_trim and mallinfo2 only inspect and trim the C allocator.
        let free = unsafe {
            libc::malloc_trim(0);
            libc::mallinfo2().fordblks
        };
        set_last_error(code::ERROR_SUCCESS);
        Ok(free)
    })
}

/// `GetProcessHeaps`: the number of heaps; up to `count` handles go to `heaps`.
///
/// # Safety
/// `heaps` is NULL or points to `count` writable handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetProcessHeaps(count: DWORD, heaps: *mut HANDLE) -> DWORD {
    ffi(0, || {
        let mut all: Vec<usize> = table().heaps.keys().copied().collect();
        all.sort_unstable();
        all.insert(0, PROCESS_HEAP);
        let n = all.len().min(count as usize);
        if n > 0 {
            if heaps.is_null() || !writable(heaps.cast(), n * std::mem::size_of::<HANDLE>()) {
                return Err(noaccess());
            }
            for (i, &h) in all[..n].iter().enumerate() {
                // SAFETY: checked writable for `n` handles.
                unsafe { heaps.add(i).write(h as HANDLE) };
            }
        }
        Ok(all.len() as DWORD)
    })
}

/// `HeapLock`: other threads' calls on the heap wait until the matching `HeapUnlock`.
#[unsafe(no_mangle)]
pub extern "C" fn HeapLock(heap: HANDLE) -> BOOL {
    ffi_bool(|| {
        let h = heap as usize;
        let mut t = table_for(h);
        if h != PROCESS_HEAP && !t.heaps.contains_key(&h) {
            return Err(invalid_handle());
        }
        let me = std::thread::current().id();
        t.locked.entry(h).or_insert((me, 0)).1 += 1;
        Ok(())
    })
}

/// `HeapUnlock`: a heap this thread did not lock -> `ERROR_NOT_OWNER`.
#[unsafe(no_mangle)]
pub extern "C" fn HeapUnlock(heap: HANDLE) -> BOOL {
    ffi_bool(|| {
        let h = heap as usize;
        let mut t = table();
        if h != PROCESS_HEAP && !t.heaps.contains_key(&h) {
            return Err(invalid_handle());
        }
        let me = std::thread::current().id();
        match t.locked.get_mut(&h) {
            Some((owner, depth)) if *owner == me => {
                *depth -= 1;
                if *depth == 0 {
                    t.locked.remove(&h);
                    UNLOCKED.notify_all();
                }
                Ok(())
            }
            _ => Err(Fail(ERROR_NOT_OWNER)),
        }
    })
}

/// `PROCESS_HEAP_ENTRY` (64-bit layout).
#[repr(C)]
#[derive(Clone, Copy)]
struct ProcessHeapEntry {
    data: *mut c_void,
    cb_data: DWORD,
    overhead: u8,
    region_index: u8,
    flags: u16,
    mem: HANDLE,
    reserved: [DWORD; 4],
}

const PROCESS_HEAP_ENTRY_BUSY: u16 = 0x0004;
const PROCESS_HEAP_ENTRY_MOVEABLE: u16 = 0x0010;
const ERROR_NOT_OWNER: u32 = 288;
const ERROR_NO_MORE_ITEMS: u32 = 259;

/// `HeapWalk`: the heap's allocated blocks in address order (`lpData` NULL starts); then
/// FALSE + `ERROR_NO_MORE_ITEMS`. Only busy entries are reported (no region or free entries).
///
/// # Safety
/// `entry` is NULL or points to a writable `PROCESS_HEAP_ENTRY`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn HeapWalk(heap: HANDLE, entry: *mut c_void) -> BOOL {
    ffi_bool(|| {
        let h = heap as usize;
        let e = entry.cast::<ProcessHeapEntry>();
        // SAFETY: checked readable (and writable below) by `read_req`/`write_req`.
        let mut cur = unsafe { read_req(e)? };
        let t = table_for(h);
        if h != PROCESS_HEAP && !t.heaps.contains_key(&h) {
            return Err(invalid_handle());
        }
        let after = cur.data as usize;
        let next = t
            .blocks
            .iter()
            .filter(|&(&p, b)| b.heap == h && (after == 0 || p > after))
            .min_by_key(|&(&p, _)| p)
            .map(|(&p, &b)| (p, b));
        let Some((p, b)) = next else {
            return Err(Fail(ERROR_NO_MORE_ITEMS));
        };
        // SAFETY: a live recorded block (the table lock is held).
        let usable = unsafe { libc::malloc_usable_size(p as *mut c_void) };
        cur.data = p as *mut c_void;
        cur.cb_data = b.size.min(u32::MAX as usize) as DWORD;
        cur.overhead = usable.saturating_sub(b.size).min(255) as u8;
        cur.region_index = 0;
        cur.flags = PROCESS_HEAP_ENTRY_BUSY
            | if b.moveable {
                PROCESS_HEAP_ENTRY_MOVEABLE
            } else {
                0
            };
        cur.mem = if b.moveable { p as HANDLE } else { null_mut() };
        // SAFETY: as above.
        unsafe { write_req(e, cur) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_blocks() {
        let p = GlobalAlloc(0x40, 10);
        assert!(!p.is_null());
        assert_eq!(GlobalSize(p), 10);
        // SAFETY: a live 10-byte block (GPTR: zeroed).
        let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), 10) };
        assert!(bytes.iter().all(|&b| b == 0));
        let q = GlobalReAlloc(p, 100, GMEM_ZEROINIT);
        assert_eq!(LocalSize(q), 100);
        assert!(GlobalFree(q).is_null());
        // A second free is refused, not a double free.
        assert_eq!(GlobalFree(q), q);
        assert_eq!(last_error(), code::ERROR_INVALID_HANDLE);
    }

    #[test]
    fn moveable_lock_counts() {
        let h = GlobalAlloc(GMEM_MOVEABLE, 4);
        assert_eq!(GlobalLock(h), h);
        assert_eq!(GlobalLock(h), h);
        assert_eq!(GlobalUnlock(h), TRUE);
        set_last_error(99);
        assert_eq!(GlobalUnlock(h), FALSE);
        assert_eq!(last_error(), code::ERROR_SUCCESS);
        assert_eq!(GlobalUnlock(h), FALSE);
        assert_eq!(last_error(), code::ERROR_NOT_LOCKED);
        assert!(GlobalFree(h).is_null());
    }

    #[test]
    fn heaps() {
        let h = HeapCreate(0, 0, 0);
        assert!(!h.is_null());
        let p = HeapAlloc(h, HEAP_ZERO_MEMORY, 8);
        assert_eq!(HeapSize(h, 0, p), 8);
        // Not a block of the process heap.
        assert_eq!(HeapSize(GetProcessHeap(), 0, p), usize::MAX);
        assert_eq!(
            HeapReAlloc(h, HEAP_REALLOC_IN_PLACE_ONLY, p, 64),
            null_mut()
        );
        let p = HeapReAlloc(h, 0, p, 64);
        assert_eq!(HeapSize(h, 0, p), 64);
        assert_eq!(HeapDestroy(h), TRUE);
        assert_eq!(HeapSize(h, 0, p), usize::MAX);
        assert_eq!(HeapDestroy(GetProcessHeap()), FALSE);
        let q = HeapAlloc(GetProcessHeap(), 0, 3);
        assert_eq!(HeapFree(GetProcessHeap(), 0, q), TRUE);
        assert_eq!(HeapFree(GetProcessHeap(), 0, q), FALSE);
    }
}
