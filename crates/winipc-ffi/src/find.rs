//! Directory searches: `FindFirstFile(Ex)`, `FindNextFile`, `FindClose`.
//!
//! The last component of the name may hold `*` and `?`, matched as Windows matches them:
//! without regard to case, `*.*` (and any `.*` at the end) also matching names without a dot,
//! a `?` before a dot or at the end also matching nothing. The directory is read when the
//! search starts; entries come sorted by name, `.` and `..` first (as NTFS gives them).

use std::collections::BTreeMap;
use std::ffi::c_char;
use std::sync::Mutex;

use crate::env::{Unit, text_arg};
use crate::fsinfo::{FILETIME, attributes, stat_path, times};
use crate::util::*;

/// Find handles: `FIND_BASE + 4 * id`, apart from every other kind of handle (`CloseHandle`
/// refuses them with `ERROR_INVALID_HANDLE`, as Windows does).
const FIND_BASE: usize = 0x1000_0000;
/// Search numbers run from 1 to this.
const MAX_SEARCHES: usize = 1 << 24;
const MAX_PATH: usize = 260;
const FIND_FIRST_EX_CASE_SENSITIVE: DWORD = 0x1;
const FIND_FIRST_EX_LARGE_FETCH: DWORD = 0x2;
const FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY: DWORD = 0x4;

struct Search {
    dir: String,
    names: Vec<String>,
    next: usize,
}

struct Table {
    next_id: usize,
    searches: BTreeMap<usize, Search>,
}

static SEARCHES: Mutex<Table> = Mutex::new(Table {
    next_id: 1,
    searches: BTreeMap::new(),
});

fn table<T>(f: impl FnOnce(&mut Table) -> T) -> T {
    f(&mut SEARCHES.lock().unwrap_or_else(|e| e.into_inner()))
}

/// `WIN32_FIND_DATAA` / `WIN32_FIND_DATAW`.
#[repr(C)]
pub(crate) struct FindData<T> {
    attributes: DWORD,
    times: [FILETIME; 3],
    size_high: DWORD,
    size_low: DWORD,
    reserved0: DWORD,
    reserved1: DWORD,
    name: [T; MAX_PATH],
    alternate: [T; 14],
}

// Windows' sizes (MAX_PATH + 14 units of names after 44 bytes, 4-byte aligned).
const _: () = assert!(std::mem::size_of::<FindData<u8>>() == 320);
const _: () = assert!(std::mem::size_of::<FindData<u16>>() == 592);

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Windows' matching of a file name against a pattern (see the module documentation).
pub(crate) fn matches(pattern: &str, name: &str, case_sensitive: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if case_sensitive {
            s.chars().collect()
        } else {
            s.chars().map(fold).collect()
        }
    };
    fn m(p: &[char], n: &[char]) -> bool {
        match p.first() {
            None => n.is_empty(),
            Some('*') => (0..=n.len()).any(|k| m(&p[1..], &n[k..])),
            Some('?') => {
                // A run of `?` before a dot or the end also matches fewer characters.
                let dos = p[1..].iter().find(|&&c| c != '?').is_none_or(|&c| c == '.');
                let one = !(n.is_empty() || dos && n[0] == '.') && m(&p[1..], &n[1..]);
                let zero = dos && (n.is_empty() || n[0] == '.') && m(&p[1..], n);
                one || zero
            }
            Some('.') if n.is_empty() => p[1..].iter().all(|&c| c == '*'),
            Some(&c) => n.first() == Some(&c) && m(&p[1..], &n[1..]),
        }
    }
    m(&norm(pattern), &norm(name))
}

fn start(spec: &str, case_sensitive: bool) -> R<Search> {
    let path = crate::env::linux_path(spec);
    let (dir, pattern) = match path.rfind('/') {
        Some(i) => (
            if i == 0 {
                "/".to_owned()
            } else {
                path[..i].to_owned()
            },
            path[i + 1..].to_owned(),
        ),
        None => (".".to_owned(), path.clone()),
    };
    if pattern.is_empty() {
        // "dir\" names no file (Windows: ERROR_FILE_NOT_FOUND).
        return Err(Fail(code::ERROR_FILE_NOT_FOUND));
    }
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Fail(code::ERROR_PATH_NOT_FOUND));
        }
        Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => {
            return Err(Fail(code::ERROR_PATH_NOT_FOUND));
        }
        Err(e) => return Err(e.into()),
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort_by_cached_key(|n| (n.to_uppercase(), n.clone()));
    if dir != "/" {
        names.insert(0, "..".to_owned());
        names.insert(0, ".".to_owned());
    }
    let wild = pattern.contains(['*', '?']);
    names.retain(|n| {
        if wild {
            matches(&pattern, n, case_sensitive)
        } else {
            // A plain name: the file itself (Linux names differ by case; the exact one first).
            n == &pattern || (!case_sensitive && matches(&pattern, n, false))
        }
    });
    if !wild && names.len() > 1 {
        // Names that differ only by case: the exact one, else the first.
        if names.contains(&pattern) {
            names.retain(|n| n == &pattern);
        } else {
            names.truncate(1);
        }
    }
    if names.is_empty() {
        return Err(Fail(code::ERROR_FILE_NOT_FOUND));
    }
    Ok(Search {
        dir,
        names,
        next: 0,
    })
}

/// Fills `out` with the next entry of `s`; `false` at the end.
///
/// # Safety
/// `out` valid for a `FindData<T>` write.
unsafe fn fill<T: Unit>(s: &mut Search, out: *mut FindData<T>) -> R<bool> {
    while let Some(name) = s.names.get(s.next).cloned() {
        s.next += 1;
        // An entry removed since the search began is skipped.
        let Ok(st) = stat_path(&format!("{}/{}", s.dir, name)) else {
            continue;
        };
        let units = T::encode(&name);
        if units.len() >= MAX_PATH {
            continue; // longer than cFileName holds
        }
        let size = if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            0
        } else {
            st.st_size as u64
        };
        let mut d = FindData::<T> {
            attributes: attributes(&st),
            times: times(&st),
            size_high: (size >> 32) as u32,
            size_low: size as u32,
            reserved0: 0,
            reserved1: 0,
            name: [T::default(); MAX_PATH],
            alternate: [T::default(); 14],
        };
        d.name[..units.len()].copy_from_slice(&units);
        // SAFETY: the caller's contract.
        unsafe { write_req(out, d) }?;
        return Ok(true);
    }
    Ok(false)
}

unsafe fn find_first<T: Unit>(
    name: *const T,
    out: *mut FindData<T>,
    case_sensitive: bool,
) -> HANDLE {
    ffi(INVALID_HANDLE_VALUE, || {
        // SAFETY: the caller's contract.
        let spec = unsafe { text_arg(name) }?.ok_or(Fail(code::ERROR_PATH_NOT_FOUND))?;
        if spec.is_empty() {
            return Err(Fail(code::ERROR_PATH_NOT_FOUND));
        }
        if out.is_null() || !writable(out.cast(), std::mem::size_of::<FindData<T>>()) {
            return Err(noaccess());
        }
        let mut s = start(&spec, case_sensitive)?;
        // SAFETY: the caller's contract.
        if !unsafe { fill(&mut s, out) }? {
            return Err(Fail(code::ERROR_FILE_NOT_FOUND));
        }
        let id = table(|t| {
            if t.searches.len() >= MAX_SEARCHES {
                return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
            }
            // The next number no open search holds (numbers wrap after 2^24).
            let mut id = t.next_id;
            while t.searches.contains_key(&id) {
                id = if id >= MAX_SEARCHES { 1 } else { id + 1 };
            }
            t.next_id = if id >= MAX_SEARCHES { 1 } else { id + 1 };
            t.searches.insert(id, s);
            Ok(id)
        })?;
        set_last_error(code::ERROR_SUCCESS);
        Ok((FIND_BASE + 4 * id) as HANDLE)
    })
}

fn id_of(h: HANDLE) -> Option<usize> {
    let v = h as usize;
    (v > FIND_BASE && v <= FIND_BASE + 4 * MAX_SEARCHES && v % 4 == 0).then(|| (v - FIND_BASE) / 4)
}

unsafe fn find_next<T: Unit>(h: HANDLE, out: *mut FindData<T>) -> BOOL {
    ffi_bool(|| {
        let id = id_of(h).ok_or_else(invalid_handle)?;
        let mut s = table(|t| t.searches.remove(&id)).ok_or_else(invalid_handle)?;
        // SAFETY: the caller's contract.
        let r = unsafe { fill(&mut s, out) };
        table(|t| t.searches.insert(id, s));
        if !r? {
            return Err(Fail(code::ERROR_NO_MORE_FILES));
        }
        Ok(())
    })
}

/// # Safety
/// `name` NUL-terminated; `out` valid for a `WIN32_FIND_DATAA` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstFileA(name: *const c_char, out: *mut FindData<u8>) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first(name.cast::<u8>(), out, false) }
}

/// # Safety
/// `name` NUL-terminated; `out` valid for a `WIN32_FIND_DATAW` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstFileW(name: *const WCHAR, out: *mut FindData<u16>) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first(name, out, false) }
}

unsafe fn find_first_ex<T: Unit>(
    name: *const T,
    level: u32,
    out: *mut FindData<T>,
    op: u32,
    filter: *mut std::ffi::c_void,
    flags: DWORD,
) -> HANDLE {
    // FindExInfoStandard (0) and FindExInfoBasic (1: no short name, which is never given
    // here); FindExSearchNameMatch (0) and FindExSearchLimitToDirectories (1, advisory on
    // Windows too: every match is returned).
    let known = FIND_FIRST_EX_CASE_SENSITIVE
        | FIND_FIRST_EX_LARGE_FETCH
        | FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY;
    if level > 1 || op > 1 || !filter.is_null() || flags & !known != 0 {
        return ffi(INVALID_HANDLE_VALUE, || {
            Err(invalid_parameter("FindFirstFileEx arguments"))
        });
    }
    // SAFETY: the caller's contract.
    unsafe { find_first(name, out, flags & FIND_FIRST_EX_CASE_SENSITIVE != 0) }
}

/// # Safety
/// `name` NUL-terminated; `out` valid for a `WIN32_FIND_DATAA` write; `filter` NULL.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstFileExA(
    name: *const c_char,
    level: u32,
    out: *mut FindData<u8>,
    op: u32,
    filter: *mut std::ffi::c_void,
    flags: DWORD,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first_ex(name.cast::<u8>(), level, out, op, filter, flags) }
}

/// # Safety
/// As `FindFirstFileExA`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindFirstFileExW(
    name: *const WCHAR,
    level: u32,
    out: *mut FindData<u16>,
    op: u32,
    filter: *mut std::ffi::c_void,
    flags: DWORD,
) -> HANDLE {
    // SAFETY: the caller's contract.
    unsafe { find_first_ex(name, level, out, op, filter, flags) }
}

/// # Safety
/// `out` valid for a `WIN32_FIND_DATAA` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindNextFileA(h: HANDLE, out: *mut FindData<u8>) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { find_next(h, out) }
}

/// # Safety
/// `out` valid for a `WIN32_FIND_DATAW` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn FindNextFileW(h: HANDLE, out: *mut FindData<u16>) -> BOOL {
    // SAFETY: the caller's contract.
    unsafe { find_next(h, out) }
}

#[unsafe(no_mangle)]
pub extern "C" fn FindClose(h: HANDLE) -> BOOL {
    ffi_bool(|| {
        let id = id_of(h).ok_or_else(invalid_handle)?;
        table(|t| t.searches.remove(&id))
            .map(|_| ())
            .ok_or_else(invalid_handle)
    })
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn windows_wildcards() {
        assert!(matches("*.*", "noext", false));
        assert!(matches("*.*", "a.b.c", false));
        assert!(matches("*", ".", false));
        assert!(matches("*.TXT", "read.txt", false));
        assert!(!matches("*.TXT", "read.txt", true));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("a??", "a", false));
        assert!(matches("ab?.txt", "ab.txt", false));
        assert!(!matches("ab?.txt", "abcd.txt", false));
        assert!(matches("f*.c", "foo.c", false));
        assert!(!matches("f*.c", "foo.cc", false));
        assert!(matches("x.*", "x", false));
    }
}
