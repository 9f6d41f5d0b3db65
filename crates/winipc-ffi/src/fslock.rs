//! Byte-range locks on file handles: `LockFile`, `UnlockFile`, `LockFileEx`, `UnlockFileEx`,
//! over Linux open-file-description locks (`F_OFD_SETLK`/`F_OFD_SETLKW`), which belong to the
//! open file (the handle and its duplicates), as Windows locks do, not to the process.
//!
//! Windows keeps each lock as its own range: unlocking must name exactly a range that was
//! locked (else `ERROR_NOT_LOCKED`), and a handle's own exclusive lock conflicts with a second
//! lock of the same handle. Linux merges the ranges of one description, so the ranges each
//! handle locked are kept here, and the kernel's lock is recomputed from them on unlock.
//!
//! Linux locks are advisory; Windows' are mandatory, so `ReadFile`/`WriteFile` of the handles
//! `CreateFile` opened on regular files ask the kernel (`F_OFD_GETLK`) first ([`check_io`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::files::fd_of;
use crate::util::*;

const LOCKFILE_FAIL_IMMEDIATELY: DWORD = 0x1;
const LOCKFILE_EXCLUSIVE_LOCK: DWORD = 0x2;
const ERROR_LOCK_VIOLATION: u32 = 33;

/// One Windows lock: `[start, start + len)`, exclusive or shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Range {
    start: u64,
    len: u64,
    exclusive: bool,
}

impl Range {
    fn end(&self) -> u128 {
        u128::from(self.start) + u128::from(self.len)
    }
    fn overlaps(&self, o: &Range) -> bool {
        self.len != 0
            && o.len != 0
            && u128::from(self.start) < o.end()
            && u128::from(o.start) < self.end()
    }
}

/// The locks each descriptor holds (forgotten when the descriptor is closed).
static HELD: Mutex<Option<HashMap<i32, Vec<Range>>>> = Mutex::new(None);

fn held<T>(f: impl FnOnce(&mut HashMap<i32, Vec<Range>>) -> T) -> T {
    let mut g = HELD.lock().unwrap_or_else(|e| e.into_inner());
    f(g.get_or_insert_with(HashMap::new))
}

/// `CloseHandle` of a descriptor: the kernel drops its locks with the last descriptor of the
/// description; the ranges recorded for this number are forgotten.
pub(crate) fn forget(fd: i32) {
    mark(fd, false);
    held(|m| m.remove(&fd));
}

/// Descriptors of regular files opened by `CreateFile` (without `FILE_FLAG_OVERLAPPED`), one
/// bit each: their `ReadFile`/`WriteFile` honour other handles' locks, as on Windows.
static REGULAR: [AtomicU64; FD_BITS / 64] = [const { AtomicU64::new(0) }; FD_BITS / 64];
const FD_BITS: usize = 1 << 20;

fn mark(fd: i32, on: bool) {
    let Ok(i) = usize::try_from(fd) else { return };
    if i >= FD_BITS {
        return;
    }
    let bit = 1u64 << (i % 64);
    if on {
        REGULAR[i / 64].fetch_or(bit, Ordering::Relaxed);
    } else {
        REGULAR[i / 64].fetch_and(!bit, Ordering::Relaxed);
    }
}

fn marked(fd: i32) -> bool {
    usize::try_from(fd)
        .ok()
        .filter(|&i| i < FD_BITS)
        .is_some_and(|i| REGULAR[i / 64].load(Ordering::Relaxed) & (1 << (i % 64)) != 0)
}

/// `CreateFile` opened `fd`: a regular file's transfers will be checked against locks.
pub(crate) fn note_open(fd: i32, st: &libc::stat, overlapped: bool) {
    mark(
        fd,
        !overlapped && st.st_mode & libc::S_IFMT == libc::S_IFREG,
    );
}

/// Windows' locks are mandatory: before `ReadFile`/`WriteFile` of `len` bytes at `offset` (the
/// file pointer when `None`) through `fd`, a range that another handle locked exclusively
/// (for reading) or at all (for writing), or that this handle locked shared (for writing),
/// fails the transfer with `ERROR_LOCK_VIOLATION`. Only descriptors `CreateFile` opened on
/// regular files are checked (one `fcntl` more per transfer).
pub(crate) fn check_io(fd: i32, offset: Option<i64>, len: usize, write: bool) -> R<()> {
    if len == 0 || !marked(fd) {
        return Ok(());
    }
    let start = match offset {
        Some(o) => o,
        // SAFETY: lseek on a descriptor number.
        None => unsafe { libc::lseek(fd, 0, libc::SEEK_CUR) },
    };
    if start < 0 {
        return Ok(());
    }
    let r = Range {
        start: start as u64,
        len: len as u64,
        exclusive: false,
    };
    if write
        && held(|m| {
            m.get(&fd)
                .is_some_and(|v| v.iter().any(|o| !o.exclusive && o.overlaps(&r)))
        })
    {
        return Err(Fail(ERROR_LOCK_VIOLATION));
    }
    // SAFETY: flock is plain data; zeroed is a valid value (l_pid must be 0 for OFD locks).
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = if write { libc::F_WRLCK } else { libc::F_RDLCK } as i16;
    fl.l_whence = libc::SEEK_SET as i16;
    fl.l_start = start;
    fl.l_len = i64::try_from(len).unwrap_or(0);
    // SAFETY: fcntl with a valid flock for the duration of the call (it is written back).
    if unsafe { libc::fcntl(fd, libc::F_OFD_GETLK, &mut fl) } == 0
        && fl.l_type != libc::F_UNLCK as i16
    {
        return Err(Fail(ERROR_LOCK_VIOLATION));
    }
    Ok(())
}

/// Applies `kind` (`F_RDLCK`, `F_WRLCK`, `F_UNLCK`) to `[start, end)` of `fd`'s description.
fn ofd(fd: i32, kind: i32, start: u64, end: u128, wait: bool) -> R<()> {
    if start > i64::MAX as u64 {
        // Beyond what Linux offsets can name: nothing there can be read or written.
        return Ok(());
    }
    // A range reaching past the largest offset is locked to the end of any file (l_len 0).
    let len = if end > i64::MAX as u128 {
        0
    } else {
        (end - u128::from(start)) as i64
    };
    // SAFETY: flock is plain data; zeroed is a valid value (l_pid must be 0 for OFD locks).
    let mut fl: libc::flock = unsafe { std::mem::zeroed() };
    fl.l_type = kind as i16;
    fl.l_whence = libc::SEEK_SET as i16;
    fl.l_start = start as i64;
    fl.l_len = len;
    let cmd = if wait {
        libc::F_OFD_SETLKW
    } else {
        libc::F_OFD_SETLK
    };
    loop {
        // SAFETY: fcntl with a valid flock for the duration of the call.
        if unsafe { libc::fcntl(fd, cmd, &fl) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        return Err(match e.raw_os_error() {
            Some(libc::EINTR) => continue,
            Some(libc::EAGAIN) | Some(libc::EACCES) => Fail(ERROR_LOCK_VIOLATION),
            // A shared lock needs read access, an exclusive one write access, on Linux.
            Some(libc::EBADF) => winipc_core::Error::AccessDenied.into(),
            Some(libc::ENOLCK) => Fail(code::ERROR_NOT_ENOUGH_MEMORY),
            _ => e.into(),
        });
    }
}

fn lock(h: HANDLE, r: Range, wait: bool) -> R<()> {
    let fd = fd_of(h)?;
    crate::files::fstat(fd)?;
    // The handle's own locks: a second lock conflicts with an exclusive one (Windows would
    // wait for ever on a blocking request; it fails here instead).
    let own_conflict = held(|m| {
        m.get(&fd).is_some_and(|v| {
            v.iter()
                .any(|o| o.overlaps(&r) && (o.exclusive || r.exclusive))
        })
    });
    if own_conflict {
        return Err(Fail(ERROR_LOCK_VIOLATION));
    }
    if r.len != 0 {
        let kind = if r.exclusive {
            libc::F_WRLCK
        } else {
            libc::F_RDLCK
        };
        // Upgrading over the handle's own shared locks is safe: a conflicting exclusive
        // range was refused above, so the kernel sees only other descriptions' locks.
        ofd(fd, kind, r.start, r.end(), wait)?;
    }
    held(|m| m.entry(fd).or_default().push(r));
    Ok(())
}

fn unlock(h: HANDLE, start: u64, len: u64) -> R<()> {
    let fd = fd_of(h)?;
    crate::files::fstat(fd)?;
    let rest = held(|m| {
        let v = m.get_mut(&fd)?;
        let i = v.iter().position(|o| o.start == start && o.len == len)?;
        v.remove(i);
        Some(v.clone())
    })
    .ok_or(Fail(code::ERROR_NOT_LOCKED))?;
    if len == 0 {
        return Ok(());
    }
    // The kernel lock over the range becomes what the remaining ranges need, piece by piece:
    // exclusive, shared, or none (downgrades and unlocks never wait).
    let end = u128::from(start) + u128::from(len);
    let mut cuts: Vec<u128> = vec![u128::from(start), end];
    for o in rest.iter().filter(|o| o.len != 0) {
        for c in [u128::from(o.start), o.end()] {
            if c > u128::from(start) && c < end {
                cuts.push(c);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let piece = |o: &&Range| o.len != 0 && u128::from(o.start) <= a && o.end() >= b;
        let kind = if rest.iter().filter(piece).any(|o| o.exclusive) {
            libc::F_WRLCK
        } else if rest.iter().any(|o| piece(&o)) {
            libc::F_RDLCK
        } else {
            libc::F_UNLCK
        };
        if a > u64::MAX as u128 {
            break;
        }
        ofd(fd, kind, a as u64, b, false)?;
    }
    Ok(())
}

fn join(low: DWORD, high: DWORD) -> u64 {
    (u64::from(high) << 32) | u64::from(low)
}

/// Locks a range for exclusive access; fails at once with `ERROR_LOCK_VIOLATION` when another
/// handle holds a lock over any of it.
#[unsafe(no_mangle)]
pub extern "C" fn LockFile(
    h: HANDLE,
    off_low: DWORD,
    off_high: DWORD,
    len_low: DWORD,
    len_high: DWORD,
) -> BOOL {
    ffi_bool(|| {
        let r = Range {
            start: join(off_low, off_high),
            len: join(len_low, len_high),
            exclusive: true,
        };
        lock(h, r, false)
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn UnlockFile(
    h: HANDLE,
    off_low: DWORD,
    off_high: DWORD,
    len_low: DWORD,
    len_high: DWORD,
) -> BOOL {
    ffi_bool(|| unlock(h, join(off_low, off_high), join(len_low, len_high)))
}

/// # Safety
/// `ov` valid for reads and writes of an `OVERLAPPED` (its `Offset`/`OffsetHigh` give the
/// range's start).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn LockFileEx(
    h: HANDLE,
    flags: DWORD,
    reserved: DWORD,
    len_low: DWORD,
    len_high: DWORD,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        if reserved != 0 || flags & !(LOCKFILE_FAIL_IMMEDIATELY | LOCKFILE_EXCLUSIVE_LOCK) != 0 {
            return Err(invalid_parameter("LockFileEx flags"));
        }
        // SAFETY: the caller's contract.
        let o = unsafe { read_req(ov.cast_const()) }?;
        let r = Range {
            start: join(o.Offset, o.OffsetHigh),
            len: join(len_low, len_high),
            exclusive: flags & LOCKFILE_EXCLUSIVE_LOCK != 0,
        };
        lock(h, r, flags & LOCKFILE_FAIL_IMMEDIATELY == 0)?;
        // Completed before returning: the OVERLAPPED says so, as Windows leaves it.
        let mut done = o;
        done.Internal = STATUS_SUCCESS;
        done.InternalHigh = 0;
        // SAFETY: the caller's contract (checked readable above; written as Windows does).
        unsafe { write_req(ov, done) }?;
        // The event says the request completed, for callers that wait for it.
        if let Some(ev) = o.event() {
            let _ = winipc_core::raw::event_set(ev);
        }
        Ok(())
    })
}

/// # Safety
/// `ov` valid for reads of an `OVERLAPPED`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn UnlockFileEx(
    h: HANDLE,
    reserved: DWORD,
    len_low: DWORD,
    len_high: DWORD,
    ov: *mut OVERLAPPED,
) -> BOOL {
    ffi_bool(|| {
        if reserved != 0 {
            return Err(invalid_parameter("UnlockFileEx dwReserved"));
        }
        // SAFETY: the caller's contract.
        let o = unsafe { read_req(ov.cast_const()) }?;
        unlock(h, join(o.Offset, o.OffsetHigh), join(len_low, len_high))
    })
}
