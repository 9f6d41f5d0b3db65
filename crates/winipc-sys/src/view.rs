//! Views of file mappings (`MapViewOfFile`): a window of a file mapped at an address the
//! kernel chooses, shared with every other view of the same file, or copy-on-write.
//!
//! Unlike a [`crate::shm::Mapping`] (a whole winipc region, reached only through atomics), a
//! view is memory handed to the application: C code writes it through the pointer, Rust code
//! through [`View::bytes`]. A peer that truncates the file under it cannot kill the process:
//! the range is guarded like every other winipc mapping ([`crate::sigbus`]).

use std::fs::File;
use std::io;
use std::path::Path;
use std::ptr::NonNull;
use std::sync::atomic::AtomicU8;

use rustix::fs::{self as rfs, Mode, OFlags};
use rustix::mm::{self, MapFlags, ProtFlags};

/// How a view may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewAccess {
    /// Read only (`FILE_MAP_READ`).
    Read,
    /// Read and write, shared with every other view (`FILE_MAP_WRITE`).
    ReadWrite,
    /// Read and write, the writes private to this view (`FILE_MAP_COPY`).
    CopyOnWrite,
}

/// A mapped window of a file.
///
/// ```
/// use winipc_sys::view::{self, ViewAccess};
/// let dir = std::env::temp_dir();
/// let name = format!("winipc-doc-view-{}", std::process::id());
/// let file = view::create_file(&dir, &name, 0o600, 8192).unwrap();
/// let a = view::map(&file, 0, 8192, ViewAccess::ReadWrite).unwrap();
/// let b = view::map(&file, 4096, 4096, ViewAccess::Read).unwrap();
/// a.bytes()[4096].store(42, std::sync::atomic::Ordering::Relaxed);
/// assert_eq!(b.bytes()[0].load(std::sync::atomic::Ordering::Relaxed), 42);
/// std::fs::remove_file(dir.join(&name)).unwrap();
/// ```
#[derive(Debug)]
pub struct View {
    ptr: NonNull<u8>,
    len: usize,
    guard: crate::sigbus::Guarded,
}

// SAFETY: the view is plain memory that stays mapped until `Drop` (which needs `&mut self`);
// Rust code reaches it only through atomics (`bytes`), C code through the raw pointer, as it
// would any shared memory.
unsafe impl Send for View {}
// SAFETY: as above.
unsafe impl Sync for View {}

impl View {
    /// The view's first byte.
    pub fn as_ptr(&self) -> *mut u8 {
        self.ptr.as_ptr()
    }

    /// Length in bytes (a whole number of pages may be mapped beyond it; only these are the
    /// view's).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the view is empty (never true for a successful view).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The view as bytes that other processes may change at any time.
    pub fn bytes(&self) -> &[AtomicU8] {
        // SAFETY: the view is `len` mapped bytes, alive as long as `&self`; `AtomicU8` has the
        // layout of `u8`, every bit pattern is valid, and another process's writes are atomic
        // byte accesses as far as this process can tell.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<AtomicU8>(), self.len) }
    }

    /// Writes the view's changed pages back to the file (`FlushViewOfFile`): `offset..offset+len`
    /// within the view, rounded out to pages; `len` 0 means to the end.
    pub fn flush(&self, offset: usize, len: usize) -> io::Result<()> {
        if offset > self.len {
            return Err(io::Error::from(io::ErrorKind::InvalidInput));
        }
        let page = rustix::param::page_size();
        let start = offset / page * page;
        let end = if len == 0 {
            self.len
        } else {
            offset.saturating_add(len).min(self.len)
        };
        // SAFETY: `start..end` lies inside this view's mapping (page-aligned start), which is
        // mapped for the lifetime of `&self`; msync only reads the page tables.
        unsafe {
            mm::msync(
                self.ptr.as_ptr().add(start).cast(),
                end.saturating_sub(start).max(1),
                mm::MsyncFlags::SYNC,
            )?;
        }
        Ok(())
    }
}

impl Drop for View {
    fn drop(&mut self) {
        self.guard.release();
        // SAFETY: `ptr`/`len` describe a mapping this value created and owns; no borrow of it
        // outlives `&self`. (C code may still hold the pointer: unmapping is what
        // `UnmapViewOfFile` means.)
        let _ = unsafe { mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// Maps `len` bytes of `file` from `offset` (a multiple of the page size).
pub fn map(file: &File, offset: u64, len: usize, access: ViewAccess) -> io::Result<View> {
    if len == 0 || offset % rustix::param::page_size() as u64 != 0 {
        return Err(io::Error::from(io::ErrorKind::InvalidInput));
    }
    let (prot, flags) = match access {
        ViewAccess::Read => (ProtFlags::READ, MapFlags::SHARED),
        ViewAccess::ReadWrite => (ProtFlags::READ | ProtFlags::WRITE, MapFlags::SHARED),
        ViewAccess::CopyOnWrite => (ProtFlags::READ | ProtFlags::WRITE, MapFlags::PRIVATE),
    };
    // SAFETY: a fresh mapping (null hint, no MAP_FIXED) replaces no existing memory; the
    // descriptor is valid for the call.
    let ptr = unsafe { mm::mmap(std::ptr::null_mut(), len, prot, flags, file, offset)? };
    let ptr = NonNull::new(ptr.cast::<u8>()).ok_or_else(|| io::Error::other("mmap null"))?;
    let guard = crate::sigbus::Guarded::new(ptr.as_ptr(), len, access != ViewAccess::Read);
    Ok(View { ptr, len, guard })
}

/// Creates the file `dir/name` (which must not exist) with exactly `mode` and `len` bytes,
/// sparse. Used for the memory behind pagefile-backed file mappings.
pub fn create_file(dir: &Path, name: &str, mode: u32, len: u64) -> io::Result<File> {
    let fd = rfs::open(
        dir.join(name),
        OFlags::CREATE | OFlags::EXCL | OFlags::RDWR | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::from_bits_truncate(mode),
    )?;
    rfs::fchmod(&fd, Mode::from_bits_truncate(mode))?;
    if let Err(e) = rfs::ftruncate(&fd, len) {
        let _ = rfs::unlink(dir.join(name));
        return Err(e.into());
    }
    Ok(File::from(fd))
}

/// Opens an existing regular file for a view (never following a symbolic link), read-only or
/// read-write.
pub fn open_file(path: &Path, writable: bool) -> io::Result<File> {
    let access = if writable {
        OFlags::RDWR
    } else {
        OFlags::RDONLY
    };
    let fd = rfs::open(
        path,
        access | OFlags::CLOEXEC | OFlags::NOFOLLOW,
        Mode::empty(),
    )?;
    if rfs::FileType::from_raw_mode(rfs::fstat(&fd)?.st_mode) != rfs::FileType::RegularFile {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    Ok(File::from(fd))
}

/// Size, device and inode of an open file.
pub fn file_facts(file: &File) -> io::Result<(u64, crate::shm::FileId)> {
    let st = rfs::fstat(file)?;
    Ok((
        st.st_size as u64,
        crate::shm::FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        },
    ))
}

/// Grows `file` to `len` bytes if it is shorter (a file-backed mapping larger than its file
/// extends the file, as on Windows).
pub fn grow(file: &File, len: u64) -> io::Result<()> {
    if rfs::fstat(file)?.st_size as u64 >= len {
        return Ok(());
    }
    rfs::ftruncate(file, len).map_err(Into::into)
}

/// The path an open descriptor was opened by (`/proc/self/fd`), to let other processes open
/// the same file.
pub fn path_of(file: &File) -> io::Result<std::path::PathBuf> {
    use std::os::fd::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd()))
}
