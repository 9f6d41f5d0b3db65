//! Directory change notifications: `FindFirstChangeNotification`, `FindNextChangeNotification`,
//! `FindCloseChangeNotification` over inotify. The handle is a descriptor handle (decision
//! 0013): signaled while the inotify descriptor has events to read, so it works in
//! `WaitForSingleObject`/`WaitForMultipleObjects` beside any other object.

use std::collections::HashMap;
use std::ffi::{CString, c_char};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::sync::Mutex;

use winipc_core::raw;

use crate::env::Unit;
use crate::fsinfo::{path_arg, stat_path};
use crate::handle::{raw_of, to_handle};
use crate::util::*;

const FILE_NOTIFY_CHANGE_FILE_NAME: DWORD = 0x1;
const FILE_NOTIFY_CHANGE_DIR_NAME: DWORD = 0x2;
const FILE_NOTIFY_CHANGE_ATTRIBUTES: DWORD = 0x4;
const FILE_NOTIFY_CHANGE_SIZE: DWORD = 0x8;
const FILE_NOTIFY_CHANGE_LAST_WRITE: DWORD = 0x10;
const FILE_NOTIFY_CHANGE_LAST_ACCESS: DWORD = 0x20;
const FILE_NOTIFY_CHANGE_CREATION: DWORD = 0x40;
const FILE_NOTIFY_CHANGE_SECURITY: DWORD = 0x100;
const ALL_FILTERS: DWORD = 0x17F;

/// Most directories a subtree watch covers (more are left unwatched).
const SUBTREE_MAX: usize = 8192;

/// The inotify descriptor behind each change-notification handle, for draining.
static WATCHES: Mutex<Option<HashMap<usize, OwnedFd>>> = Mutex::new(None);

fn inotify_mask(filter: DWORD) -> u32 {
    let mut m = 0;
    if filter & (FILE_NOTIFY_CHANGE_FILE_NAME | FILE_NOTIFY_CHANGE_DIR_NAME) != 0 {
        m |= libc::IN_CREATE | libc::IN_DELETE | libc::IN_MOVED_FROM | libc::IN_MOVED_TO;
    }
    if filter & (FILE_NOTIFY_CHANGE_ATTRIBUTES | FILE_NOTIFY_CHANGE_SECURITY) != 0 {
        m |= libc::IN_ATTRIB;
    }
    if filter & (FILE_NOTIFY_CHANGE_SIZE | FILE_NOTIFY_CHANGE_LAST_WRITE) != 0 {
        m |= libc::IN_MODIFY | libc::IN_CLOSE_WRITE;
    }
    if filter & FILE_NOTIFY_CHANGE_LAST_ACCESS != 0 {
        m |= libc::IN_ACCESS;
    }
    if filter & FILE_NOTIFY_CHANGE_CREATION != 0 {
        m |= libc::IN_CREATE;
    }
    m | libc::IN_ONLYDIR
}

fn add_watch(fd: &OwnedFd, dir: &str, mask: u32) -> R<()> {
    let c = CString::new(dir).map_err(|_| Fail(code::ERROR_INVALID_NAME))?;
    // SAFETY: a valid inotify descriptor and a NUL-terminated path.
    if unsafe { libc::inotify_add_watch(fd.as_raw_fd(), c.as_ptr(), mask) } < 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    Ok(())
}

/// Watches the subdirectories of `dir`, breadth first, up to [`SUBTREE_MAX`] of them.
fn add_subtree(fd: &OwnedFd, dir: &str, mask: u32) {
    let mut queue = std::collections::VecDeque::from([dir.to_owned()]);
    let mut n = 0;
    while let Some(d) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                let p = e.path().to_string_lossy().into_owned();
                if n >= SUBTREE_MAX || add_watch(fd, &p, mask).is_err() {
                    continue;
                }
                n += 1;
                queue.push_back(p);
            }
        }
    }
}

/// # Safety
/// `path` NUL-terminated.
unsafe fn find_first<T: Unit>(path: *const T, subtree: BOOL, filter: DWORD) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        if filter == 0 || filter & !ALL_FILTERS != 0 {
            return Err(invalid_parameter("dwNotifyFilter"));
        }
        // SAFETY: the caller's contract.
        let dir = unsafe { path_arg(path) }?;
        match stat_path(&dir) {
            Ok(st) if st.st_mode & libc::S_IFMT == libc::S_IFDIR => {}
            Ok(_) => return Err(Fail(code::ERROR_DIRECTORY)),
            Err(_) => return Err(Fail(code::ERROR_FILE_NOT_FOUND)),
        }
        // SAFETY: inotify_init1 takes no pointers.
        let raw_fd = unsafe { libc::inotify_init1(libc::IN_NONBLOCK | libc::IN_CLOEXEC) };
        if raw_fd < 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        // SAFETY: a descriptor we just created and nobody else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(raw_fd) };
        let mask = inotify_mask(filter);
        add_watch(&fd, &dir, mask)?;
        if subtree != 0 {
            add_subtree(&fd, &dir, mask);
        }
        let h = raw::fd_handle(fd.try_clone()?)?;
        let handle = to_handle(h);
        WATCHES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_or_insert_with(HashMap::new)
            .insert(handle as usize, fd);
        Ok(handle)
    })
}

/// # Safety
/// `path` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstChangeNotificationA(
    path: *const c_char,
    subtree: BOOL,
    filter: DWORD,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first(path.cast::<u8>(), subtree, filter) }
}

/// # Safety
/// `path` NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstChangeNotificationW(
    path: *const WCHAR,
    subtree: BOOL,
    filter: DWORD,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first(path, subtree, filter) }
}

/// `FindNextChangeNotification`: reads away the changes seen so far, so the handle is
/// signaled again at the next one.
#[unsafe(no_mangle)]
pub extern "C" fn FindNextChangeNotification(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let map = WATCHES.lock().unwrap_or_else(|e| e.into_inner());
        let fd = map
            .as_ref()
            .and_then(|m| m.get(&(h as usize)))
            .ok_or_else(invalid_handle)?;
        let mut buf = [0u8; 4096];
        loop {
            // SAFETY: reads into a local buffer of its length.
            let n = unsafe { libc::read(fd.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                return Ok(());
            }
        }
    })
}

/// `FindCloseChangeNotification`.
#[unsafe(no_mangle)]
pub extern "C" fn FindCloseChangeNotification(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let fd = WATCHES
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
            .and_then(|m| m.remove(&(h as usize)))
            .ok_or_else(invalid_handle)?;
        drop(fd);
        Ok(raw::close(raw_of(h)?)?)
    })
}
