//! Initialization files: `GetPrivateProfileString`, `GetPrivateProfileInt`,
//! `GetPrivateProfileSection`, `GetPrivateProfileSectionNames`, `WritePrivateProfileString`
//! (A and W), the registry-free configuration of many Win32 programs.
//!
//! A file is read whole on every call (no cache, so other processes' writes are seen at once)
//! and written back whole through a temporary file renamed over it, so that a reader never
//! sees half a file. Files are UTF-8 (a UTF-8 byte-order mark is skipped and kept); lines end
//! with `\r\n` (a file that uses `\n` keeps it). Sections and keys match case-insensitively
//! (ASCII), names and values are trimmed of blanks, a value in matching quotes loses them,
//! and `;` lines are comments. A file name without a directory is in the Windows directory
//! (`GetWindowsDirectory`), as on Windows.

use std::ffi::c_char;

use crate::env::{Unit, linux_path, text_arg};
use crate::util::*;

/// One line of a file, as read.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    Section(String),
    /// `key=value` (value `None`: a line without `=`).
    Entry(String, Option<String>),
    /// Blank lines and comments, kept as they are.
    Other(String),
}

#[derive(Debug, Default)]
struct Ini {
    lines: Vec<Line>,
    bom: bool,
    crlf: bool,
}

fn trim(s: &str) -> &str {
    s.trim_matches(|c| c == ' ' || c == '\t')
}

fn parse(text: &str) -> Ini {
    let (text, bom) = match text.strip_prefix('\u{feff}') {
        Some(t) => (t, true),
        None => (text, false),
    };
    let crlf = text.contains("\r\n") || !text.contains('\n');
    let lines = text
        .lines()
        .map(|raw| {
            let l = trim(raw.strip_suffix('\r').unwrap_or(raw));
            if let Some(rest) = l.strip_prefix('[') {
                let name = rest.split(']').next().unwrap_or(rest);
                Line::Section(trim(name).to_owned())
            } else if l.is_empty() || l.starts_with(';') {
                Line::Other(raw.strip_suffix('\r').unwrap_or(raw).to_owned())
            } else if let Some((k, v)) = l.split_once('=') {
                Line::Entry(trim(k).to_owned(), Some(trim(v).to_owned()))
            } else {
                Line::Entry(l.to_owned(), None)
            }
        })
        .collect();
    Ini { lines, bom, crlf }
}

fn render(ini: &Ini) -> String {
    let eol = if ini.crlf { "\r\n" } else { "\n" };
    let mut out = String::new();
    if ini.bom {
        out.push('\u{feff}');
    }
    for l in &ini.lines {
        match l {
            Line::Section(s) => out.push_str(&format!("[{s}]")),
            Line::Entry(k, Some(v)) => out.push_str(&format!("{k}={v}")),
            Line::Entry(k, None) | Line::Other(k) => out.push_str(k),
        }
        out.push_str(eol);
    }
    out
}

impl Ini {
    /// The line range of the section's entries (after its header), if it exists.
    fn section(&self, name: &str) -> Option<(usize, usize)> {
        let start = self
            .lines
            .iter()
            .position(|l| matches!(l, Line::Section(s) if s.eq_ignore_ascii_case(name)))?
            + 1;
        let end = self.lines[start..]
            .iter()
            .position(|l| matches!(l, Line::Section(_)))
            .map_or(self.lines.len(), |i| start + i);
        Some((start, end))
    }

    fn sections(&self) -> Vec<&str> {
        self.lines
            .iter()
            .filter_map(|l| match l {
                Line::Section(s) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }

    fn keys(&self, section: &str) -> Vec<&str> {
        let Some((a, b)) = self.section(section) else {
            return Vec::new();
        };
        self.lines[a..b]
            .iter()
            .filter_map(|l| match l {
                Line::Entry(k, _) => Some(k.as_str()),
                _ => None,
            })
            .collect()
    }

    fn find(&self, section: &str, key: &str) -> Option<usize> {
        let (a, b) = self.section(section)?;
        (a..b).find(|&i| matches!(&self.lines[i], Line::Entry(k, _) if k.eq_ignore_ascii_case(key)))
    }

    fn get(&self, section: &str, key: &str) -> Option<String> {
        let i = self.find(section, key)?;
        let Line::Entry(_, v) = &self.lines[i] else {
            return None;
        };
        let v = v.as_deref().unwrap_or("");
        Some(unquote(v).to_owned())
    }

    fn set(&mut self, section: &str, key: Option<&str>, value: Option<&str>) {
        match (key, value) {
            (None, _) => {
                if let Some((a, b)) = self.section(section) {
                    self.lines.drain(a - 1..b);
                }
            }
            (Some(k), None) => {
                if let Some(i) = self.find(section, k) {
                    self.lines.remove(i);
                }
            }
            (Some(k), Some(v)) => {
                if let Some(i) = self.find(section, k) {
                    // The key keeps its spelling in the file, as on Windows.
                    if let Line::Entry(_, value) = &mut self.lines[i] {
                        *value = Some(v.to_owned());
                    }
                } else if let Some((a, b)) = self.section(section) {
                    // After the section's last entry (blank lines and comments stay below).
                    let at = (a..b)
                        .rev()
                        .find(|&i| matches!(self.lines[i], Line::Entry(..)))
                        .map_or(a, |i| i + 1);
                    self.lines
                        .insert(at, Line::Entry(k.to_owned(), Some(v.to_owned())));
                } else {
                    self.lines.push(Line::Section(section.to_owned()));
                    self.lines
                        .push(Line::Entry(k.to_owned(), Some(v.to_owned())));
                }
            }
        }
    }
}

/// A value in matching single or double quotes, without them.
fn unquote(v: &str) -> &str {
    let b = v.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &v[1..v.len() - 1]
    } else {
        v
    }
}

/// The Linux path of a profile file name.
fn file_path(name: &str) -> String {
    if name.contains(['\\', '/']) || name.as_bytes().get(1) == Some(&b':') {
        linux_path(name)
    } else {
        format!("{}/{name}", crate::env::windows_directory())
    }
}

/// The file's contents (`None`: it does not exist or cannot be read; the last error says why).
fn read(name: &str) -> Option<Ini> {
    let path = file_path(name);
    match std::fs::read(&path) {
        Ok(b) => Some(parse(&String::from_utf8_lossy(&b))),
        Err(e) => {
            set_last_error(crate::env::path_error(&path, e).0);
            None
        }
    }
}

fn write(name: &str, ini: &Ini) -> R<()> {
    use std::io::Write;
    let path = file_path(name);
    // The new text goes to a file of our own beside the old one, then replaces it. Created
    // exclusively (`O_EXCL`, which also refuses a symbolic link in its place): in a directory
    // others can write to, such as /tmp, a name planted in advance - a link to one of the
    // caller's files - must not receive the text. A name taken is tried again with another.
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let tmp = format!(
            "{path}.winipc-{}-{nanos:x}-{attempt}.tmp",
            std::process::id()
        );
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 16 => {
                attempt += 1;
            }
            Err(e) => return Err(crate::env::path_error(&path, e)),
        }
    };
    let done = file
        .write_all(render(ini).as_bytes())
        .and_then(|()| std::fs::rename(&tmp, &path));
    done.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        crate::env::path_error(&path, e)
    })
}

/// Copies `s` (NUL-terminated, cut to `size - 1` units) to `dst`; returns the units copied.
fn copy_out<T: Unit>(dst: *mut T, size: u32, s: &str) -> R<u32> {
    if size == 0 || dst.is_null() {
        return Ok(0);
    }
    let mut units = T::encode(s);
    units.truncate(size as usize - 1);
    let n = units.len();
    if !writable(dst.cast(), (n + 1) * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: checked writable for n + 1 units.
    unsafe { copy_terminated(dst, n + 1, &units) };
    Ok(n as u32)
}

/// Copies a list of strings, each NUL-terminated, with a final NUL; a list that does not fit
/// is cut and `size - 2` returned (as Windows), else the units before the final NUL.
fn copy_list<T: Unit>(dst: *mut T, size: u32, items: &[&str]) -> R<u32> {
    if size == 0 || dst.is_null() {
        return Ok(0);
    }
    let mut units: Vec<T> = Vec::new();
    for it in items {
        units.extend(T::encode(it));
        units.push(T::default());
    }
    let size = size as usize;
    let (n, ret) = if units.len() < size {
        (units.len(), units.len())
    } else if size >= 2 {
        units.truncate(size - 2);
        units.push(T::default());
        (size - 1, size - 2)
    } else {
        units.clear();
        (0, 0)
    };
    units.truncate(n);
    if !writable(dst.cast(), (n + 1) * std::mem::size_of::<T>()) {
        return Err(noaccess());
    }
    // SAFETY: checked writable for n + 1 units (the list's and the final terminator).
    unsafe { copy_terminated(dst, n + 1, &units) };
    Ok(ret as u32)
}

/// # Safety
/// String arguments NULL or NUL-terminated; `dst` valid for `size` units.
unsafe fn get_string<T: Unit>(
    app: *const T,
    key: *const T,
    default: *const T,
    dst: *mut T,
    size: u32,
    file: *const T,
) -> R<u32> {
    // SAFETY: the caller's contract.
    let (app, key, default, file) = unsafe {
        (
            text_arg(app)?,
            text_arg(key)?,
            text_arg(default)?,
            text_arg(file)?,
        )
    };
    let Some(file) = file else {
        return Err(invalid_parameter("lpFileName"));
    };
    let ini = read(&file);
    let Some(app) = app else {
        let names = ini.as_ref().map(Ini::sections).unwrap_or_default();
        return copy_list(dst, size, &names);
    };
    let Some(key) = key else {
        let keys = ini.as_ref().map(|i| i.keys(&app)).unwrap_or_default();
        return copy_list(dst, size, &keys);
    };
    let value = ini.as_ref().and_then(|i| i.get(&app, &key));
    match value {
        Some(v) => {
            set_last_error(code::ERROR_SUCCESS);
            copy_out(dst, size, &v)
        }
        None => {
            // The default loses its trailing blanks, as on Windows.
            let d = default.unwrap_or_default();
            if ini.is_some() {
                set_last_error(code::ERROR_FILE_NOT_FOUND);
            }
            copy_out(dst, size, d.trim_end_matches(' '))
        }
    }
}

/// # Safety
/// String arguments NULL or NUL-terminated.
unsafe fn get_int<T: Unit>(app: *const T, key: *const T, default: i32, file: *const T) -> u32 {
    // SAFETY: the caller's contract.
    let args = unsafe { (text_arg(app), text_arg(key), text_arg(file)) };
    let (Ok(Some(app)), Ok(Some(key)), Ok(Some(file))) = args else {
        return default as u32;
    };
    let Some(v) = read(&file).and_then(|i| i.get(&app, &key)) else {
        return default as u32;
    };
    if v.is_empty() {
        return default as u32;
    }
    // Leading decimal digits (with a sign), as Windows reads them: "12abc" is 12, "abc" 0.
    let t = v.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let n = digits
        .bytes()
        .take_while(u8::is_ascii_digit)
        .fold(0u32, |n, d| {
            n.wrapping_mul(10).wrapping_add(u32::from(d - b'0'))
        });
    if neg { n.wrapping_neg() } else { n }
}

/// # Safety
/// String arguments NULL or NUL-terminated.
unsafe fn write_string<T: Unit>(
    app: *const T,
    key: *const T,
    value: *const T,
    file: *const T,
) -> R<()> {
    // SAFETY: the caller's contract.
    let (app, key, value, file) = unsafe {
        (
            text_arg(app)?,
            text_arg(key)?,
            text_arg(value)?,
            text_arg(file)?,
        )
    };
    let (Some(app), Some(file)) = (app, file) else {
        return Err(invalid_parameter("lpAppName/lpFileName"));
    };
    let mut ini = match read(&file) {
        Some(i) => i,
        None if last_error() == code::ERROR_FILE_NOT_FOUND => {
            if key.is_none() || value.is_none() {
                return Ok(()); // nothing to delete
            }
            Ini {
                crlf: true,
                ..Ini::default()
            }
        }
        None => return Err(Fail(last_error())),
    };
    ini.set(trim(&app), key.as_deref().map(trim), value.as_deref());
    write(&file, &ini)
}

/// # Safety
/// String arguments NULL or NUL-terminated; `dst` valid for `size` units.
unsafe fn get_section<T: Unit>(app: *const T, dst: *mut T, size: u32, file: *const T) -> R<u32> {
    // SAFETY: the caller's contract.
    let (app, file) = unsafe { (text_arg(app)?, text_arg(file)?) };
    let (Some(app), Some(file)) = (app, file) else {
        return Err(invalid_parameter("lpAppName/lpFileName"));
    };
    let ini = read(&file).unwrap_or_default();
    let entries: Vec<String> = ini
        .section(&app)
        .map(|(a, b)| {
            ini.lines[a..b]
                .iter()
                .filter_map(|l| match l {
                    Line::Entry(k, Some(v)) => Some(format!("{k}={v}")),
                    Line::Entry(k, None) => Some(k.clone()),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let refs: Vec<&str> = entries.iter().map(String::as_str).collect();
    copy_list(dst, size, &refs)
}

/// # Safety
/// String arguments NULL or NUL-terminated; the buffer valid for `size` characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileStringA(
    app: *const c_char,
    key: *const c_char,
    default: *const c_char,
    dst: *mut c_char,
    size: DWORD,
    file: *const c_char,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe {
        get_string::<u8>(
            app.cast(),
            key.cast(),
            default.cast(),
            dst.cast(),
            size,
            file.cast(),
        )
    })
}

/// # Safety
/// As [`GetPrivateProfileStringA`], for `WCHAR`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileStringW(
    app: *const WCHAR,
    key: *const WCHAR,
    default: *const WCHAR,
    dst: *mut WCHAR,
    size: DWORD,
    file: *const WCHAR,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe {
        get_string(app, key, default, dst, size, file)
    })
}

/// # Safety
/// String arguments NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileIntA(
    app: *const c_char,
    key: *const c_char,
    default: i32,
    file: *const c_char,
) -> u32 {
    // SAFETY: the caller's contract.
    ffi(default as u32, || unsafe {
        Ok(get_int::<u8>(app.cast(), key.cast(), default, file.cast()))
    })
}

/// # Safety
/// String arguments NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileIntW(
    app: *const WCHAR,
    key: *const WCHAR,
    default: i32,
    file: *const WCHAR,
) -> u32 {
    // SAFETY: the caller's contract.
    ffi(default as u32, || unsafe {
        Ok(get_int(app, key, default, file))
    })
}

/// # Safety
/// String arguments NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WritePrivateProfileStringA(
    app: *const c_char,
    key: *const c_char,
    value: *const c_char,
    file: *const c_char,
) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { write_string::<u8>(app.cast(), key.cast(), value.cast(), file.cast()) })
}

/// # Safety
/// String arguments NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn WritePrivateProfileStringW(
    app: *const WCHAR,
    key: *const WCHAR,
    value: *const WCHAR,
    file: *const WCHAR,
) -> BOOL {
    // SAFETY: the caller's contract.
    ffi_bool(|| unsafe { write_string(app, key, value, file) })
}

/// # Safety
/// String arguments NULL or NUL-terminated; the buffer valid for `size` characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileSectionA(
    app: *const c_char,
    dst: *mut c_char,
    size: DWORD,
    file: *const c_char,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe {
        get_section::<u8>(app.cast(), dst.cast(), size, file.cast())
    })
}

/// # Safety
/// As [`GetPrivateProfileSectionA`], for `WCHAR`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileSectionW(
    app: *const WCHAR,
    dst: *mut WCHAR,
    size: DWORD,
    file: *const WCHAR,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe { get_section(app, dst, size, file) })
}

/// # Safety
/// `file` NUL-terminated; the buffer valid for `size` characters.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileSectionNamesA(
    dst: *mut c_char,
    size: DWORD,
    file: *const c_char,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe {
        get_string::<u8>(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            dst.cast(),
            size,
            file.cast(),
        )
    })
}

/// # Safety
/// As [`GetPrivateProfileSectionNamesA`], for `WCHAR`s.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetPrivateProfileSectionNamesW(
    dst: *mut WCHAR,
    size: DWORD,
    file: *const WCHAR,
) -> DWORD {
    // SAFETY: the caller's contract.
    ffi(0, || unsafe {
        get_string(
            std::ptr::null(),
            std::ptr::null(),
            std::ptr::null(),
            dst,
            size,
            file,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_planted_beside_the_file_does_not_receive_its_text() {
        let dir = std::env::temp_dir().join(format!("winipc-ini-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        let ini_path = dir.join("app.ini");
        let ini_name = ini_path.to_str().unwrap();
        // What another user could plant in a shared directory: the temporary name a writer
        // used to pick (path, pid), as a link to one of the writer's files.
        let planted = format!("{ini_name}.winipc-{}.tmp", std::process::id());
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let mut ini = parse("");
        ini.set("Main", Some("key"), Some("value"));
        write(ini_name, &ini).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        let back = read(ini_name).unwrap();
        assert_eq!(back.get("main", "key").as_deref(), Some("value"));
        // Nothing of ours is left beside it.
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp") && !planted.ends_with(n.as_str()))
            .collect();
        assert!(left.is_empty(), "{left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parse_get_set_round_trip() {
        let mut ini =
            parse("; top\r\n[Main]\r\nName = \"quoted value\" \r\nflag\r\n\r\n[Other]\r\nx=1\r\n");
        assert!(ini.crlf);
        assert_eq!(ini.get("main", "NAME").as_deref(), Some("quoted value"));
        assert_eq!(ini.get("Main", "flag").as_deref(), Some(""));
        assert_eq!(ini.get("Main", "missing"), None);
        assert_eq!(ini.sections(), ["Main", "Other"]);
        assert_eq!(ini.keys("main"), ["Name", "flag"]);
        ini.set("Main", Some("new"), Some("v"));
        ini.set("Other", Some("x"), None);
        ini.set("Third", Some("k"), Some("3"));
        assert_eq!(
            render(&ini),
            "; top\r\n[Main]\r\nName=\"quoted value\"\r\nflag\r\nnew=v\r\n\r\n[Other]\r\n[Third]\r\nk=3\r\n"
        );
        ini.set("other", None, None);
        assert_eq!(ini.sections(), ["Main", "Third"]);
    }
}
