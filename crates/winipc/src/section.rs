//! File mappings (`CreateFileMapping`, `OpenFileMapping`, `MapViewOfFile`): memory shared by
//! name or handle, the third Win32 IPC mechanism beside pipes and mailslots.
//!
//! A file mapping is an object like any other — named in the same namespace (a name held by
//! another kind fails with `ERROR_INVALID_HANDLE`), with the same security, inheritance and
//! duplication — whose state words hold its size, its protection and a random 64-bit id. The
//! memory is a file named by that id, in the directory of the store the object lives in (the
//! user's private directory for private objects, the shared directory only for mappings opened
//! to everyone), or, for a mapping of the user's own file, that file: a side file beside the
//! store names its path, device and inode. Views map the file; each view holds a handle to the
//! mapping, so the mapping and its name live while a view does, as on Windows. When the object
//! goes, its backing file (or side file) is removed; mapped views keep their memory.
//!
//! The id is drawn from the kernel when the mapping is created, so nobody can create the
//! backing file's name before it exists; the file is created exclusively, without following
//! links, with the object's mode.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::atomic::AtomicU8;

use winipc_sys::view::{self as sys, ViewAccess};

use crate::error::{Error, Result};
use crate::handles::{self, Handle, RawHandle, access};
use crate::objects::{self, Kind, ObjRef, st, sw};
use crate::security::{Security, create_object, named_object_methods};
use crate::store::lock::Guard;
use crate::store::{Namespace, Store};

/// A file mapping: shared memory with a name (or none).
///
/// ```
/// # winipc::__doc::isolate();
/// use std::sync::atomic::Ordering;
/// use winipc::{FileMapping, ViewAccess};
/// let name = format!("doc-map-{}", std::process::id());
/// let m = FileMapping::create(&name, 4096)?;
/// let v = m.map(ViewAccess::ReadWrite, 0, 0)?;          // the whole mapping
/// v.bytes()[0].store(7, Ordering::Relaxed);
/// let other = FileMapping::open(&name)?;                  // e.g. in another process
/// assert_eq!(other.map(ViewAccess::Read, 0, 16)?.bytes()[0].load(Ordering::Relaxed), 7);
/// assert!(FileMapping::create(&name, 4096)?.already_existed());
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct FileMapping {
    handle: Handle,
    existed: bool,
}

named_object_methods!(FileMapping, Kind::Section, "file mapping");

/// What views of a mapping may do (`flProtect` of `CreateFileMapping`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// `PAGE_READONLY`: views can only read.
    ReadOnly,
    /// `PAGE_READWRITE`: views read and write, shared.
    ReadWrite,
    /// `PAGE_WRITECOPY`: views read, or write copy-on-write.
    WriteCopy,
}

impl Protection {
    fn code(self) -> u32 {
        match self {
            Protection::ReadOnly => 0x02,
            Protection::ReadWrite => 0x04,
            Protection::WriteCopy => 0x08,
        }
    }

    fn from_code(c: u32) -> Protection {
        match c {
            0x04 => Protection::ReadWrite,
            0x08 => Protection::WriteCopy,
            _ => Protection::ReadOnly,
        }
    }
}

impl FileMapping {
    /// Creates an unnamed read-write mapping of `size` bytes.
    pub fn new(size: u64) -> io::Result<FileMapping> {
        FileMapping::make(
            None,
            size,
            Protection::ReadWrite,
            None,
            &Security::default(),
        )
    }

    /// Creates the read-write mapping `name` of `size` bytes, or opens it if it exists (then
    /// its own size stays).
    pub fn create(name: &str, size: u64) -> io::Result<FileMapping> {
        FileMapping::make(
            Some(name),
            size,
            Protection::ReadWrite,
            None,
            &Security::default(),
        )
    }

    /// `CreateFileMapping`: a mapping of `size` bytes of winipc's memory (`file` `None`) or of
    /// `file` (size 0: the file's size; larger than the file: the file grows, if the
    /// protection allows writing). Sizes of 0 without a file, or of an empty file, fail with
    /// [`Error::InvalidParameter`] / [`Error::FileInvalid`].
    pub fn make(
        name: Option<&str>,
        size: u64,
        protection: Protection,
        file: Option<&File>,
        sec: &Security,
    ) -> io::Result<FileMapping> {
        Ok(make(name, size, protection, file, sec)?)
    }

    /// The mapping's size in bytes.
    pub fn size(&self) -> io::Result<u64> {
        Ok(size(self.handle.as_raw())?)
    }

    /// `MapViewOfFile`: maps `len` bytes from `offset` (a multiple of
    /// [`ALLOCATION_GRANULARITY`]); `len` 0 maps to the end of the mapping.
    pub fn map(&self, access: ViewAccess, offset: u64, len: usize) -> io::Result<View> {
        Ok(map(self.handle.as_raw(), access, offset, len)?)
    }
}

/// The granularity of view offsets, as `GetSystemInfo` reports it (Windows' 64 KiB).
pub const ALLOCATION_GRANULARITY: u64 = 65536;

/// A view of a file mapping (`MapViewOfFile`); unmapped when dropped (`UnmapViewOfFile`).
/// It holds a handle to its mapping, which therefore lives at least as long.
#[derive(Debug)]
pub struct View {
    view: sys::View,
    _mapping: Handle,
}

impl View {
    /// The view's first byte (what `MapViewOfFile` returns).
    pub fn as_ptr(&self) -> *mut u8 {
        self.view.as_ptr()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.view.len()
    }

    /// Whether the view is empty (never, for a view that was made).
    pub fn is_empty(&self) -> bool {
        self.view.is_empty()
    }

    /// The view's bytes; other processes may change them at any time.
    pub fn bytes(&self) -> &[AtomicU8] {
        self.view.bytes()
    }

    /// `FlushViewOfFile`: writes `offset..offset+len` (0: to the end) back to the file.
    pub fn flush(&self, offset: usize, len: usize) -> io::Result<()> {
        self.view.flush(offset, len)
    }
}

/// Where the object of a new mapping will live: a public store only for a `Global\` name
/// opened to everyone (as `security::create_object` decides); its memory then lives in the
/// shared directory, where every user it admits can open it.
fn home(name: Option<&str>, sec: &Security) -> Result<Namespace> {
    let global = match name {
        Some(n) => crate::names::parse_object_name(n)?.ns == Namespace::Global,
        None => false,
    };
    Ok(if global && sec.admits_everyone() {
        Namespace::Global
    } else {
        Namespace::Local
    })
}

/// The backing file (or, for a user's file, the side file naming it) of mapping `id`.
fn backing_path(ns: Namespace, uid: u32, id: u64, user_file: bool) -> Result<PathBuf> {
    let suffix = if user_file { ".path" } else { "" };
    let dir = match ns {
        Namespace::Local => crate::store::private_dir()?,
        Namespace::Global => crate::store::dir(),
    };
    Ok(dir.join(format!("winipc-map.{uid}.{id:016x}{suffix}")))
}

pub(crate) fn make(
    name: Option<&str>,
    size: u64,
    protection: Protection,
    file: Option<&File>,
    sec: &Security,
) -> Result<FileMapping> {
    let ns = home(name, sec)?;
    let uid = winipc_sys::proc::geteuid();
    let id = winipc_sys::proc::random_u64()?;
    let mode = if ns == Namespace::Global {
        sec.mode & 0o666
    } else {
        0o600
    };
    let size = match file {
        None if size == 0 => return Err(Error::InvalidParameter("a file mapping of 0 bytes")),
        None => size,
        Some(f) => {
            let (len, _) = sys::file_facts(f)?;
            match size {
                0 if len == 0 => return Err(Error::FileInvalid),
                0 => len,
                s if s > len && protection == Protection::ReadWrite => {
                    sys::grow(f, s)?;
                    s
                }
                s if s > len => return Err(Error::AccessDenied),
                s => s,
            }
        }
    };
    // The memory (or the note naming the user's file) exists before the object that names it.
    let path = backing_path(ns, uid, id, file.is_some())?;
    // Kept open until the object names it, so that `winipc gc` sees it in use meanwhile.
    let dir = path.parent().unwrap_or(&path);
    let _backing = match file {
        None => sys::create_file(dir, &file_name(&path), mode, size)?,
        Some(f) => write_side_file(&path, mode, f)?,
    };
    let made = create_object(name, Kind::Section, sec, |g, ix| {
        g.set(sw(ix, st::SEC_SIZE_LO), size as u32)?;
        g.set(sw(ix, st::SEC_SIZE_HI), (size >> 32) as u32)?;
        g.set(sw(ix, st::SEC_PROTECT), protection.code())?;
        g.set(sw(ix, st::SEC_ID_LO), id as u32)?;
        g.set(sw(ix, st::SEC_ID_HI), (id >> 32) as u32)?;
        g.set(sw(ix, st::SEC_FILE), u32::from(file.is_some()))
    });
    match made {
        Ok((handle, existed)) => {
            if existed {
                let _ = winipc_sys::shm::unlink(&path); // the existing mapping has its own
            }
            Ok(FileMapping { handle, existed })
        }
        Err(e) => {
            let _ = winipc_sys::shm::unlink(&path);
            Err(e)
        }
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the side file of a mapping of the user's file: `dev ino path`.
fn write_side_file(path: &std::path::Path, mode: u32, f: &File) -> Result<File> {
    use std::io::Write;
    let (_, id) = sys::file_facts(f)?;
    let target = sys::path_of(f)?;
    let dir = path.parent().unwrap_or(path);
    let mut side = sys::create_file(dir, &file_name(path), mode, 0)?;
    writeln!(side, "{} {} {}", id.dev, id.ino, target.display())?;
    Ok(side)
}

/// Opens the user's file a side file names, checking it is still the same file.
fn open_user_file(side: &std::path::Path, writable: bool) -> Result<File> {
    let text = std::fs::read_to_string(side).map_err(|_| Error::NotFound)?;
    let mut parts = text.trim_end_matches('\n').splitn(3, ' ');
    let (Some(dev), Some(ino), Some(target)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(Error::FileInvalid);
    };
    let f = sys::open_file(std::path::Path::new(target), writable)?;
    let (_, id) = sys::file_facts(&f)?;
    if dev.parse() != Ok(id.dev) || ino.parse() != Ok(id.ino) {
        return Err(Error::FileInvalid); // replaced since the mapping was made
    }
    Ok(f)
}

/// What a view needs to know of its mapping, read under the lock.
struct Facts {
    obj: ObjRef,
    size: u64,
    protection: Protection,
    id: u64,
    user_file: bool,
    uid: u32,
    access: u32,
}

fn facts(h: RawHandle) -> Result<Facts> {
    handles::with_kind(h, Kind::Section, 0, |g, e| {
        let ix = e.obj.ix;
        let w = |k| g.get(sw(ix, k));
        Ok(Facts {
            obj: e.obj,
            size: u64::from(w(st::SEC_SIZE_LO)) | u64::from(w(st::SEC_SIZE_HI)) << 32,
            protection: Protection::from_code(w(st::SEC_PROTECT)),
            id: u64::from(w(st::SEC_ID_LO)) | u64::from(w(st::SEC_ID_HI)) << 32,
            user_file: w(st::SEC_FILE) != 0,
            uid: g.get(Store::ob(ix, crate::store::layout::ob::UID)),
            access: e.access,
        })
    })
}

/// The size of mapping `h`.
pub(crate) fn size(h: RawHandle) -> Result<u64> {
    Ok(facts(h)?.size)
}

/// `MapViewOfFile` on a raw handle.
pub(crate) fn map(h: RawHandle, how: ViewAccess, offset: u64, len: usize) -> Result<View> {
    let f = facts(h)?;
    let (need, allowed) = match how {
        ViewAccess::Read => (access::SECTION_MAP_READ, true),
        ViewAccess::ReadWrite => (
            access::SECTION_MAP_WRITE,
            f.protection == Protection::ReadWrite,
        ),
        ViewAccess::CopyOnWrite => (
            access::SECTION_MAP_READ,
            f.protection != Protection::ReadOnly,
        ),
    };
    if f.access & need == 0 || !allowed {
        return Err(Error::AccessDenied);
    }
    if offset % ALLOCATION_GRANULARITY != 0 {
        return Err(Error::MappedAlignment);
    }
    let len = match len {
        0 if offset >= f.size => return Err(Error::AccessDenied),
        0 => usize::try_from(f.size - offset)
            .map_err(|_| Error::NoResources("a view larger than the address space"))?,
        n => n,
    };
    if offset
        .checked_add(len as u64)
        .is_none_or(|end| end > f.size)
    {
        return Err(Error::AccessDenied); // beyond the mapping (STATUS_INVALID_VIEW_SIZE)
    }
    let path = backing_path(f.obj.store.ns(), f.uid, f.id, f.user_file)?;
    let writable = how == ViewAccess::ReadWrite;
    let file = if f.user_file {
        open_user_file(&path, writable)?
    } else {
        sys::open_file(&path, writable).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => Error::FileInvalid,
            _ => e.into(),
        })?
    };
    let view = sys::map(&file, offset, len, how)?;
    // The view keeps the mapping (and its name) alive, as Windows' views do.
    let hold = handles::duplicate(h, None, false)?;
    Ok(View {
        view,
        _mapping: Handle::new(hold, f.obj, Kind::Section),
    })
}

/// A mapping's lifecycle hook: its backing file (or side file) goes with it.
pub(crate) struct Hooks;

impl objects::KindHooks for Hooks {
    fn destroyed(&self, g: &mut Guard<'_>, ix: u32) -> Result<()> {
        let w = |k| g.get(sw(ix, k));
        let id = u64::from(w(st::SEC_ID_LO)) | u64::from(w(st::SEC_ID_HI)) << 32;
        let uid = g.get(Store::ob(ix, crate::store::layout::ob::UID));
        if let Ok(path) = backing_path(g.s.ns, uid, id, w(st::SEC_FILE) != 0) {
            g.after_commit(Box::new(move || {
                let _ = winipc_sys::shm::unlink(&path);
            }));
        }
        Ok(())
    }
}
