//! Shared-memory files and their mappings.
//!
//! A winipc region (an object store, a mailslot ring) is a file in a tmpfs directory, mapped
//! `MAP_SHARED` by every process that uses it. Files appear *atomically and fully initialised*:
//! [`create_exclusive`] builds the file unnamed (`O_TMPFILE`), lets the caller initialise it, and
//! only then links it under its name, so no process ever maps a half-written header.

use std::ffi::CString;
use std::fs::File;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU32, AtomicU64};

use rustix::fs::{self as rfs, AtFlags, Mode, OFlags};
use rustix::mm::{self, MapFlags, ProtFlags};

/// A shared mapping of a whole file.
///
/// The memory is only ever exposed as slices of atomics, because other processes — possibly
/// hostile ones — may write it at any time.
#[derive(Debug)]
pub struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
    file: File,
    id: FileId,
    guard: crate::sigbus::Guarded,
}

/// Identity of a mapped file: device and inode. Two mappings with the same id share memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId {
    /// `st_dev`.
    pub dev: u64,
    /// `st_ino`.
    pub ino: u64,
}

// SAFETY: the mapping is plain shared memory reached only through atomics; the pointer stays
// valid until `Drop`, which needs `&mut self`.
unsafe impl Send for Mapping {}
// SAFETY: as above; every access goes through atomic types, which are `Sync`.
unsafe impl Sync for Mapping {}

impl Mapping {
    fn map(file: File, len: usize, writable: bool) -> io::Result<Mapping> {
        if len == 0 || len % 8 != 0 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "mapping length"));
        }
        let st = rfs::fstat(&file)?;
        let prot = if writable {
            ProtFlags::READ | ProtFlags::WRITE
        } else {
            ProtFlags::READ
        };
        // SAFETY: we ask for a fresh mapping (null hint, no MAP_FIXED), so no existing memory is
        // replaced; the file descriptor is valid for the call.
        let ptr = unsafe { mm::mmap(std::ptr::null_mut(), len, prot, MapFlags::SHARED, &file, 0)? };
        let ptr = NonNull::new(ptr.cast::<u8>()).ok_or_else(|| io::Error::other("mmap null"))?;
        let id = FileId {
            dev: st.st_dev,
            ino: st.st_ino,
        };
        let guard = crate::sigbus::Guarded::new(ptr.as_ptr(), len, writable);
        Ok(Mapping {
            ptr,
            len,
            file,
            id,
            guard,
        })
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the mapping is empty (never true for a successful mapping).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether a page of this mapping was lost — its file was truncated under it, or tmpfs could
    /// not allocate it — and replaced by private zeros (see [`crate::sigbus`]). The contents
    /// can no longer be trusted or shared, so callers refuse to use a poisoned mapping.
    #[inline]
    pub fn poisoned(&self) -> bool {
        self.guard
            .poison_flag()
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The flag behind [`Mapping::poisoned`], for hot paths that keep it at hand: one load,
    /// no pointer chase. Meaningful only while this mapping lives.
    #[inline]
    pub fn poison_flag(&self) -> &'static std::sync::atomic::AtomicBool {
        self.guard.poison_flag()
    }

    /// Device and inode of the mapped file.
    pub fn id(&self) -> FileId {
        self.id
    }

    /// The mapped file.
    pub fn file(&self) -> &File {
        &self.file
    }

    /// The whole mapping as 32-bit atomic words.
    pub fn u32s(&self) -> &[AtomicU32] {
        // SAFETY: the mapping is page-aligned, `len` is a multiple of 8 and stays mapped for the
        // lifetime of `&self`. `AtomicU32` has the size and alignment of `u32`, every bit pattern
        // is valid, and concurrent writes by other processes are atomic accesses as far as this
        // process can tell (they are the same machine instructions).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<AtomicU32>(), self.len / 4) }
    }

    /// The whole mapping as 64-bit atomic words.
    ///
    /// Use either this view or [`Mapping::u32s`] for any one location, never both.
    pub fn u64s(&self) -> &[AtomicU64] {
        // SAFETY: as for `u32s`; the mapping is page-aligned, so 8-byte alignment holds.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr().cast::<AtomicU64>(), self.len / 8) }
    }

    /// Raw address of the byte at `offset`, for the few kernel interfaces (robust futexes) that
    /// must be handed a pointer into shared memory. `None` if out of range.
    pub fn addr_of(&self, offset: usize) -> Option<*mut u8> {
        // `offset < len` keeps the result inside the mapping.
        (offset < self.len).then(|| self.ptr.as_ptr().wrapping_add(offset))
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        self.guard.release();
        // SAFETY: `ptr`/`len` describe a mapping this value created and owns; after `drop` no
        // reference into it survives (all borrows were tied to `&self`).
        let _ = unsafe { mm::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

/// Who may own an existing file that we are about to map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerCheck {
    /// The file must belong to the calling user and grant nothing to group or others: used for
    /// per-user regions, so that another user cannot plant a file for us to trust.
    PrivateToMe,
    /// Any owner; the kernel's permission check on `open` is the access check.
    Any,
}

/// What [`create_exclusive`] did.
#[derive(Debug)]
pub enum Created {
    /// The file did not exist: it was created, initialised and published.
    New(Mapping),
    /// A file of that name already existed; nothing was changed.
    Exists,
}

fn proc_fd_path(fd: &OwnedFd) -> CString {
    use std::os::fd::AsRawFd;
    CString::new(format!("/proc/self/fd/{}", fd.as_raw_fd())).expect("no NUL in a number")
}

/// Creates `dir/name` with permission bits `mode` and size `len`, initialised by `init` before
/// any other process can see it. Returns [`Created::Exists`] when the name is taken.
///
/// ```
/// let dir = std::env::temp_dir();
/// let name = format!("winipc-doc-{}", std::process::id());
/// let made = winipc_sys::shm::create_exclusive(&dir, &name, 0o600, 4096, |m| {
///     m.u32s()[0].store(7, std::sync::atomic::Ordering::Release);
///     Ok(())
/// }).unwrap();
/// assert!(matches!(made, winipc_sys::shm::Created::New(_)));
/// let again = winipc_sys::shm::open_existing(&dir.join(&name), winipc_sys::shm::OwnerCheck::Any).unwrap();
/// assert_eq!(again.u32s()[0].load(std::sync::atomic::Ordering::Acquire), 7);
/// winipc_sys::shm::unlink(&dir.join(&name)).unwrap();
/// ```
pub fn create_exclusive(
    dir: &Path,
    name: &str,
    mode: u32,
    len: usize,
    init: impl FnOnce(&Mapping) -> io::Result<()>,
) -> io::Result<Created> {
    create(dir, name, mode, len, false, init)
}

/// [`create_exclusive`] for a file whose every page will be used: its space is reserved
/// (`fallocate`) before it is published, so a full tmpfs is reported here, as an error
/// (`ENOSPC`), instead of as lost pages (`SIGBUS`, see [`crate::sigbus`]) at some later write.
/// Used for mailslot rings; stores stay sparse.
///
/// ```
/// let dir = std::env::temp_dir();
/// let name = format!("winipc-doc-reserved-{}", std::process::id());
/// let made = winipc_sys::shm::create_exclusive_reserved(&dir, &name, 0o600, 8192, |_| Ok(())).unwrap();
/// assert!(matches!(made, winipc_sys::shm::Created::New(_)));
/// winipc_sys::shm::unlink(&dir.join(&name)).unwrap();
/// ```
pub fn create_exclusive_reserved(
    dir: &Path,
    name: &str,
    mode: u32,
    len: usize,
    init: impl FnOnce(&Mapping) -> io::Result<()>,
) -> io::Result<Created> {
    create(dir, name, mode, len, true, init)
}

/// Fails, instead of letting `ftruncate` raise `SIGXFSZ` (which kills the process by
/// default), when `len` exceeds the process's file size limit (`RLIMIT_FSIZE`, `ulimit -f`).
fn check_file_size_limit(dir: &Path, name: &str, len: u64) -> io::Result<()> {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Fsize).current;
    match limit {
        Some(max) if len > max => Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "cannot create {}: it needs {len} bytes, more than this process's file size \
                 limit of {max} bytes (RLIMIT_FSIZE, `ulimit -f`)",
                dir.join(name).display()
            ),
        )),
        _ => Ok(()),
    }
}

fn create(
    dir: &Path,
    name: &str,
    mode: u32,
    len: usize,
    reserve: bool,
    init: impl FnOnce(&Mapping) -> io::Result<()>,
) -> io::Result<Created> {
    check_file_size_limit(dir, name, len as u64)?;
    let fd = rfs::open(
        dir,
        OFlags::TMPFILE | OFlags::RDWR | OFlags::CLOEXEC,
        Mode::from_bits_truncate(mode),
    )?;
    // The umask may have cleared bits the caller asked for; set them exactly.
    rfs::fchmod(&fd, Mode::from_bits_truncate(mode))?;
    match reserve {
        // ENOSPC stays the error (the Win32 mapping keys on the errno); a file system without
        // fallocate gets a sparse file as before.
        true => match rfs::fallocate(&fd, rfs::FallocateFlags::empty(), 0, len as u64) {
            Err(rustix::io::Errno::OPNOTSUPP) => rfs::ftruncate(&fd, len as u64)?,
            other => other?,
        },
        false => rfs::ftruncate(&fd, len as u64)?,
    }
    let path = proc_fd_path(&fd);
    let mapping = Mapping::map(File::from(fd), len, true)?;
    init(&mapping)?;
    // A page the file system could not allocate during `init` (a full tmpfs) was replaced by
    // private zeros (`sigbus`): the file would be published without its contents.
    if mapping.poisoned() {
        return Err(io::Error::from_raw_os_error(libc::ENOSPC));
    }
    let target = dir.join(name);
    match rfs::linkat(
        rfs::CWD,
        path.as_c_str(),
        rfs::CWD,
        &target,
        AtFlags::SYMLINK_FOLLOW,
    ) {
        Ok(()) => Ok(Created::New(mapping)),
        Err(rustix::io::Errno::EXIST) => Ok(Created::Exists),
        Err(e) => Err(e.into()),
    }
}

/// Opens and maps an existing region file read-write, checking its owner as `check` says.
/// The mapping covers the whole file.
pub fn open_existing(path: &Path, check: OwnerCheck) -> io::Result<Mapping> {
    open_mapped(path, check, true)
}

/// Opens and maps an existing region file read-only (for inspectors that must never disturb
/// the processes using it).
pub fn open_read_only(path: &Path) -> io::Result<Mapping> {
    open_mapped(path, OwnerCheck::Any, false)
}

fn open_mapped(path: &Path, check: OwnerCheck, writable: bool) -> io::Result<Mapping> {
    let access = if writable {
        OFlags::RDWR
    } else {
        OFlags::RDONLY
    };
    let fd = rfs::open(
        path,
        access | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let st = rfs::fstat(&fd)?;
    if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::RegularFile {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    if check == OwnerCheck::PrivateToMe
        && (st.st_uid != rustix::process::geteuid().as_raw() || st.st_mode & 0o077 != 0)
    {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            format!("{} is not private to this user", path.display()),
        ));
    }
    Mapping::map(File::from(fd), st.st_size as usize, writable)
}

/// Maps a region from a descriptor another process passed (a public store): it must be a
/// regular file; the mapping covers the whole file, read-write.
pub fn map_fd(fd: OwnedFd) -> io::Result<Mapping> {
    let st = rfs::fstat(&fd)?;
    if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::RegularFile {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not a regular file",
        ));
    }
    Mapping::map(File::from(fd), st.st_size as usize, true)
}

/// An anonymous shared-memory file of `len` bytes (`memfd_create`), sealed so that nobody
/// (the processes it is passed to included) can shrink or grow it: a mapping of it can never
/// lose pages. It has no name in any directory; only processes it is passed to can map it.
///
/// ```
/// let fd = winipc_sys::shm::sealed_memfd("example", 8192).unwrap();
/// assert_eq!(winipc_sys::shm::file_len(&fd).unwrap(), 8192);
/// let m = winipc_sys::shm::map_sealed(fd).unwrap();
/// assert_eq!(m.len(), 8192);
/// ```
pub fn sealed_memfd(name: &str, len: usize) -> io::Result<OwnedFd> {
    let fd = rfs::memfd_create(
        name,
        rfs::MemfdFlags::CLOEXEC | rfs::MemfdFlags::ALLOW_SEALING,
    )?;
    rfs::ftruncate(&fd, len as u64)?;
    rfs::fcntl_add_seals(
        &fd,
        rfs::SealFlags::SHRINK | rfs::SealFlags::GROW | rfs::SealFlags::SEAL,
    )?;
    Ok(fd)
}

/// The size of the file behind `fd`, in bytes.
pub fn file_len(fd: &impl AsFd) -> io::Result<usize> {
    Ok(rfs::fstat(fd)?.st_size as usize)
}

/// Maps a descriptor made by [`sealed_memfd`] in another process, after checking that its size
/// can no longer change (so the mapping cannot lose pages under us).
pub fn map_sealed(fd: OwnedFd) -> io::Result<Mapping> {
    let seals = rfs::fcntl_get_seals(&fd)?;
    if !seals.contains(rfs::SealFlags::SHRINK | rfs::SealFlags::GROW) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "shared memory whose size is not sealed",
        ));
    }
    map_fd(fd)
}

/// Takes over descriptor `raw` that a parent left open across `exec` for this process, if it
/// is open and a regular file (`None` otherwise).
pub fn adopt_inherited_fd(raw: std::os::fd::RawFd) -> Option<OwnedFd> {
    if raw < 0 {
        return None;
    }
    // SAFETY: we only look at descriptor `raw` here (borrowing it for fstat) and take
    // ownership only once it is known to be an open regular file, which only a descriptor our
    // parent passed us for exactly this purpose can be at this number.
    let borrowed = unsafe { std::os::fd::BorrowedFd::borrow_raw(raw) };
    let st = rfs::fstat(borrowed).ok()?;
    if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::RegularFile {
        return None;
    }
    // SAFETY: open (checked above) and ours alone from now on; it is made close-on-exec again
    // so that programs this process starts do not inherit it.
    let owned = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(raw) };
    let _ = rustix::io::fcntl_setfd(&owned, rustix::io::FdFlags::CLOEXEC);
    Some(owned)
}

/// Removes a region's name; processes that have it mapped keep their mapping.
pub fn unlink(path: &Path) -> io::Result<()> {
    rfs::unlink(path).map_err(Into::into)
}

/// Owner uid of the file at `path` (not following a symbolic link).
pub fn owner_of(path: &Path) -> io::Result<u32> {
    Ok(rfs::lstat(path)?.st_uid)
}

/// Device and inode of the file at `path` (not following a symbolic link).
pub fn file_id(path: &Path) -> io::Result<FileId> {
    let st = rfs::lstat(path)?;
    Ok(FileId {
        dev: st.st_dev,
        ino: st.st_ino,
    })
}

/// Owner uid and permission bits of an open mapping's file.
pub fn owner_and_mode(m: &Mapping) -> io::Result<(u32, u32)> {
    let st = rfs::fstat(m.file().as_fd())?;
    Ok((st.st_uid, st.st_mode & 0o7777))
}

/// Makes sure `path` is a directory private to the calling user — created with mode 0700 if
/// missing, otherwise it must be a real directory (not a symbolic link) owned by the caller
/// with no permission for group or others — so that nobody else can create, replace or read
/// files in it. A directory that fails the check is refused with `PermissionDenied` and a
/// message naming it; it is never used, chmod'ed or removed.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("winipc-doc-private-{}", std::process::id()));
/// winipc_sys::shm::private_dir(&dir).unwrap();
/// winipc_sys::shm::private_dir(&dir).unwrap(); // idempotent
/// std::fs::remove_dir(&dir).unwrap();
/// ```
pub fn private_dir(path: &Path) -> io::Result<()> {
    match rfs::mkdir(path, Mode::from_bits_truncate(0o700)) {
        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
        Err(e) => {
            return Err(io::Error::new(
                io::Error::from(e).kind(),
                format!(
                    "cannot create the private directory {}: {e}",
                    path.display()
                ),
            ));
        }
    }
    check_private_dir(path)
}

/// Checks, without creating anything, that `path` is a directory private to the caller (see
/// [`private_dir`]).
pub fn check_private_dir(path: &Path) -> io::Result<()> {
    let st = rfs::lstat(path)?;
    let me = rustix::process::geteuid().as_raw();
    let why = if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::Directory {
        "is not a directory (a symbolic link or a file: refusing to follow it)"
    } else if st.st_uid != me {
        "belongs to another user"
    } else if st.st_mode & 0o077 != 0 {
        "is open to other users (mode must be 0700)"
    } else {
        return Ok(());
    };
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("unsafe private directory {}: it {why}", path.display()),
    ))
}

/// Checks that a directory shared between users is safe to create files in: owned by root
/// or by the caller, and — if others may write to it — sticky, so that nobody can remove or
/// rename another user's files there (as `/dev/shm` and `/tmp` are).
pub fn check_shared_dir(path: &Path) -> io::Result<()> {
    let st = rfs::stat(path)?;
    let me = rustix::process::geteuid().as_raw();
    let why = if rfs::FileType::from_raw_mode(st.st_mode) != rfs::FileType::Directory {
        "is not a directory"
    } else if st.st_uid != 0 && st.st_uid != me {
        "belongs to another user, who could remove or replace any file in it"
    } else if st.st_mode & 0o022 != 0 && st.st_mode & 0o1000 == 0 {
        "is writable by others but not sticky, so anyone could remove or replace files in it"
    } else {
        return Ok(());
    };
    Err(io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("unsafe shared directory {}: it {why}", path.display()),
    ))
}

/// The default directory for regions: `$WINIPC_DIR` if set, else `/dev/shm`.
pub fn default_dir() -> PathBuf {
    std::env::var_os("WINIPC_DIR").map_or_else(|| PathBuf::from("/dev/shm"), PathBuf::from)
}
