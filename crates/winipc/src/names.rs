//! Parsing and validation of object and mailslot names.
//!
//! - Kernel-object names are case-sensitive and share one namespace across kinds. A `Global\`
//!   prefix puts the object in the machine-wide store; `Local\` (or no prefix) in the caller's
//!   per-user store; `Session\<uid>\` names a user's `Local` namespace explicitly (another user's
//!   is refused with access denied). The rest may not contain a backslash and is at most
//!   `MAX_PATH` characters.
//! - Mailslot names are `\\.\mailslot\[path\]name`, case-insensitive; `\\*\`, `\\DOMAIN\` and
//!   `\\HOST\` address other machines.

use crate::error::{Error, Result};
use crate::store::Namespace;
use crate::store::layout::MAX_NAME_BYTES;

/// Longest name Win32 accepts, in characters.
pub const MAX_PATH: usize = 260;

/// A parsed kernel-object name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectName {
    pub ns: Namespace,
    pub name: String,
}

/// Parses `Local\x`, `Global\x` or `x`.
///
/// ```
/// # use winipc::__doc::parse_object_name as parse;
/// assert_eq!(parse("Global\\jobs").unwrap().1, "jobs");
/// assert!(parse("a\\b").is_err()); // no object directory `a`
/// assert!(parse("a\\").is_err());
/// assert!(parse("").is_err());
/// ```
pub(crate) fn parse_object_name(full: &str) -> Result<ObjectName> {
    let (ns, rest) = if let Some(r) = full.strip_prefix("Global\\") {
        (Namespace::Global, r)
    } else if let Some(r) = full.strip_prefix("Local\\") {
        (Namespace::Local, r)
    } else if let Some(r) = full.strip_prefix("Session\\") {
        let (uid, rest) = r
            .split_once('\\')
            .ok_or(Error::InvalidName("Session\\<uid>\\name"))?;
        let uid: u32 = uid
            .parse()
            .map_err(|_| Error::InvalidName("Session\\<uid>\\name"))?;
        if uid != winipc_sys::proc::geteuid() {
            return Err(other_users_session(uid));
        }
        (Namespace::Local, rest)
    } else {
        (Namespace::Local, full)
    };
    if rest.is_empty() {
        return Err(Error::InvalidName("empty object name"));
    }
    if rest.contains('\\') {
        // Windows resolves `a\b` as object `b` in an object directory `a`, which does not
        // exist: ERROR_PATH_NOT_FOUND; an empty component (`a\`, `a\\b`) is a malformed
        // name: ERROR_INVALID_NAME.
        return Err(if rest.split('\\').any(str::is_empty) {
            Error::InvalidName("an empty component in an object name")
        } else {
            Error::PathNotFound
        });
    }
    if rest.contains('\0') {
        return Err(Error::InvalidName("NUL in an object name"));
    }
    if full.chars().count() > MAX_PATH || rest.len() > MAX_NAME_BYTES {
        return Err(Error::NameTooLong);
    }
    Ok(ObjectName {
        ns,
        name: rest.to_owned(),
    })
}

/// Why another user's `Local` namespace cannot be opened: their store admits only them.
fn other_users_session(uid: u32) -> Error {
    let Some(path) = crate::store::local_store_of(uid) else {
        return Error::NotFound;
    };
    match winipc_sys::shm::open_existing(&path, winipc_sys::shm::OwnerCheck::Any) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Error::NotFound,
        Err(_) => Error::AccessDenied,
        Ok(_) => Error::NotSupported("opening another user's Local objects (even as root)"),
    }
}

/// Where a mailslot name points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailslotTarget {
    /// `\\.\mailslot\…`: this machine.
    Local,
    /// `\\*\mailslot\…`: every machine of the primary domain or workgroup.
    AllInDomain,
    /// `\\NAME\mailslot\…`: a host or a domain named NAME (resolved when sending).
    Remote(String),
}

/// A parsed mailslot name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailslotName {
    /// Where it points.
    pub target: MailslotTarget,
    /// The path after `mailslot\`, lower-cased (names are case-insensitive), with `\`
    /// separators, e.g. `"net\\netlogon"`.
    pub path: String,
}

impl MailslotName {
    /// Parses a mailslot name.
    ///
    /// ```
    /// use winipc::{MailslotName, MailslotTarget};
    /// let n = MailslotName::parse(r"\\.\MailSlot\Jobs\Print").unwrap();
    /// assert_eq!(n.target, MailslotTarget::Local);
    /// assert_eq!(n.path, r"jobs\print");
    /// assert!(MailslotName::parse("blah").is_err());
    /// assert_eq!(MailslotName::parse(r"\\*\mailslot\x").unwrap().target, MailslotTarget::AllInDomain);
    /// ```
    pub fn parse(full: &str) -> Result<MailslotName> {
        let rest = full
            .strip_prefix(r"\\")
            .ok_or(Error::InvalidName(r"a mailslot name starts with \\"))?;
        let (server, rest) = rest
            .split_once('\\')
            .ok_or(Error::InvalidName(r"a mailslot name has a server part"))?;
        let (kw, path) = rest
            .split_once('\\')
            .ok_or(Error::InvalidName(r"missing \mailslot\"))?;
        if !kw.eq_ignore_ascii_case("mailslot") {
            return Err(Error::InvalidName(r"not a \mailslot\ name"));
        }
        if path.is_empty() || path.split('\\').any(str::is_empty) {
            return Err(Error::InvalidName("empty mailslot path component"));
        }
        if path
            .chars()
            .any(|c| c.is_control() || "<>:\"/|?*".contains(c))
        {
            return Err(Error::InvalidName(
                "character not allowed in a mailslot name",
            ));
        }
        if full.chars().count() >= MAX_PATH || path.len() > MAX_NAME_BYTES {
            return Err(Error::NameTooLong);
        }
        let target = match server {
            "." => MailslotTarget::Local,
            "*" => MailslotTarget::AllInDomain,
            "" => return Err(Error::InvalidName("empty server in a mailslot name")),
            s if s.len() > 15
                || s.chars()
                    .any(|c| c.is_control() || "\\/:*?\"<>|".contains(c)) =>
            {
                return Err(Error::InvalidName("bad server or domain name"));
            }
            s => MailslotTarget::Remote(s.to_owned()),
        };
        Ok(MailslotName {
            target,
            path: path.to_lowercase(),
        })
    }

    /// The canonical local form, `\\.\mailslot\path`.
    pub fn local_form(&self) -> String {
        format!(r"\\.\mailslot\{}", self.path)
    }
}
