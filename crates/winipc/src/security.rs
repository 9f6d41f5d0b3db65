//! Security attributes, mapped to Unix permissions.
//!
//! Win32's `SECURITY_ATTRIBUTES` carries an inherit flag and a security descriptor. winipc
//! honours the inherit flag exactly and maps the descriptor to Unix permission bits:
//!
//! - `Local\` objects live in a store only their user can open (mode 0600), so no other user
//!   can reach them, whatever the descriptor says;
//! - `Global\` objects record their creator's uid and a mode (default 0600: creator only).
//!   Opening one as another user needs the "other" read/write bits (mode 0666, or
//!   [`Security::everyone`]); root may open anything. This check is made by the library: see
//!   `docs/security.md` for what that means against a hostile local user;
//! - mailslots are files whose mode is the descriptor's mode (default 0600), so the kernel
//!   itself refuses other users' senders.

use crate::error::{Error, Result};
use crate::objects::{self, Made};
use crate::store::layout::ob;
use crate::store::lock::Guard;
use crate::store::{Namespace, Store, StoreId};

/// Security attributes: inheritance and a Unix mode.
///
/// ```
/// let sec = winipc::Security::everyone().inheritable(true);
/// assert!(sec.inherit);
/// assert_eq!(sec.mode, 0o666);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Security {
    /// Whether handles created with these attributes are inherited by children spawned with
    /// inheritance (`bInheritHandle`).
    pub inherit: bool,
    /// Unix permission bits for the object (`lpSecurityDescriptor`'s meaning here).
    pub mode: u32,
}

impl Default for Security {
    fn default() -> Security {
        Security {
            inherit: false,
            mode: 0o600,
        }
    }
}

impl Security {
    /// Open to every user (a NULL DACL in Win32 terms).
    pub fn everyone() -> Security {
        Security {
            inherit: false,
            mode: 0o666,
        }
    }

    /// Whether every user may open the object (a NULL DACL): it then lives where they can.
    pub(crate) fn admits_everyone(&self) -> bool {
        self.mode & 0o006 == 0o006
    }

    /// Sets the inherit flag.
    pub fn inheritable(mut self, inherit: bool) -> Security {
        self.inherit = inherit;
        self
    }

    /// Records the mode on a new object.
    pub(crate) fn apply(&self, g: &mut Guard<'_>, ix: u32) -> Result<()> {
        let flags = g.get(Store::ob(ix, ob::FLAGS)) & 0xff;
        g.set(Store::ob(ix, ob::FLAGS), flags | (self.mode & 0o777) << 8)
    }
}

/// Whether the caller may open object `ix` of namespace `ns`.
pub(crate) fn check_access(g: &Guard<'_>, ix: u32, ns: Namespace) -> Result<()> {
    if ns == Namespace::Local {
        return Ok(()); // the store file itself admits only its user
    }
    let me = winipc_sys::proc::geteuid();
    let owner = g.get(Store::ob(ix, ob::UID));
    let mode = g.get(Store::ob(ix, ob::FLAGS)) >> 8;
    if me == 0 || me == owner || mode & 0o006 == 0o006 {
        Ok(())
    } else {
        Err(Error::AccessDenied)
    }
}

/// [`check_access`] for the object `create` found, when it already existed.
pub(crate) fn check_existing(g: &Guard<'_>, made: &Made, ns: Namespace) -> Result<()> {
    match made {
        Made::Existing(ix) => check_access(g, *ix, ns),
        Made::New(_) => Ok(()),
    }
}

/// Creates (or opens) a possibly named object of `kind` and returns a handle to it, with
/// whether it already existed. `init` sets a new object's state words.
pub(crate) fn create_object(
    name: Option<&str>,
    kind: objects::Kind,
    sec: &Security,
    init: impl Fn(&mut Guard<'_>, u32) -> Result<()>,
) -> Result<(crate::Handle, bool)> {
    let parsed = name.map(crate::names::parse_object_name).transpose()?;
    if let Some(n) = parsed.as_ref().filter(|n| n.ns == Namespace::Global) {
        return global::create(&n.name, kind, sec, &init);
    }
    crate::handles::open_with(
        StoreId::PRIVATE,
        kind,
        crate::handles::access::full(kind),
        sec.inherit,
        |g| {
            let key = parsed
                .as_ref()
                .map(|n| (crate::store::names::Tag::Object, n.name.as_bytes()));
            let made = objects::create(g, kind, key, |g, ix| {
                init(g, ix)?;
                sec.apply(g, ix)
            })?;
            check_existing(g, &made, Namespace::Local)?;
            Ok(made)
        },
    )
}

/// Opens the existing object `name` of `kind`.
pub(crate) fn open_object(name: &str, kind: objects::Kind, inherit: bool) -> Result<crate::Handle> {
    let n = crate::names::parse_object_name(name)?;
    if n.ns == Namespace::Global {
        return global::open(&n.name, kind, inherit);
    }
    let (h, _) = crate::handles::open_with(
        StoreId::PRIVATE,
        kind,
        crate::handles::access::full(kind),
        inherit,
        |g| {
            let ix = objects::open(g, kind, crate::store::names::Tag::Object, n.name.as_bytes())?;
            check_access(g, ix, Namespace::Local)?;
            Ok(Made::Existing(ix))
        },
    )?;
    Ok(h)
}

/// `Global\` objects: the machine-wide name is held through [`crate::machine_names`]; the
/// object lives in its creator's private store (under [`Tag::Global`]) or, when its security
/// attributes open it to everyone, in its creator's public store ([`Tag::Object`]), which
/// other users map from the descriptor the name's holders pass them.
mod global {
    use super::*;
    use crate::machine_names::{self, Answer, Found, Space};
    use crate::store::names::{self, Tag};

    /// Where an existing `Global\` object is to be found.
    #[derive(Debug, Clone, Copy)]
    enum Place {
        /// In this user's private store.
        Private,
        /// In the public store with this number.
        Public(StoreId),
        /// Ours, but the holders did not say which (stopped): private, else our public store.
        Mine,
    }

    pub(super) fn create(
        name: &str,
        kind: objects::Kind,
        sec: &Security,
        init: &dyn Fn(&mut Guard<'_>, u32) -> Result<()>,
    ) -> Result<(crate::Handle, bool)> {
        let public = sec.admits_everyone();
        let bytes = name.as_bytes();
        for _ in 0..16 {
            let (place, fd) = match machine_names::look(Space::Object, bytes, true)? {
                Found::Free(fd) => {
                    let (store, tag) = if public {
                        (StoreId::PUBLIC, Tag::Object)
                    } else {
                        (StoreId::PRIVATE, Tag::Global)
                    };
                    let made = crate::handles::open_with(
                        store,
                        kind,
                        crate::handles::access::full(kind),
                        sec.inherit,
                        |g| {
                            if let Some(stale) = names::lookup(g, tag, bytes)? {
                                // We hold the name now: whatever the store still calls by it
                                // is stale and keeps it no longer.
                                names::remove(g, stale)?;
                            }
                            objects::create(g, kind, Some((tag, bytes)), |g, ix| {
                                init(g, ix)?;
                                sec.apply(g, ix)
                            })
                        },
                    )?;
                    machine_names::adopt(Space::Object, bytes, fd, made.0.obj(), public);
                    return Ok(made);
                }
                Found::Held { public, store } => (place_of(public, store), None),
                Found::Elsewhere { owner, answer } => admitted(owner, answer)?,
                Found::Absent => continue,
            };
            match open_existing(name, kind, place, sec.inherit, fd) {
                Err(Error::NotFound) => continue, // the last holder let go meanwhile
                other => return other.map(|h| (h, true)),
            }
        }
        Err(Error::Timeout)
    }

    pub(super) fn open(name: &str, kind: objects::Kind, inherit: bool) -> Result<crate::Handle> {
        for _ in 0..16 {
            let (place, fd) = match machine_names::look(Space::Object, name.as_bytes(), false)? {
                Found::Absent | Found::Free(_) => return Err(Error::NotFound),
                Found::Held { public, store } => (place_of(public, store), None),
                Found::Elsewhere { owner, answer } => admitted(owner, answer)?,
            };
            match open_existing(name, kind, place, inherit, fd) {
                Err(Error::NotFound) => continue,
                other => return other,
            }
        }
        Err(Error::NotFound)
    }

    fn place_of(public: bool, store: StoreId) -> Place {
        if public {
            Place::Public(store)
        } else {
            Place::Private
        }
    }

    /// What a holder's answer lets us open: where the object is, and the name's socket to
    /// keep.
    fn admitted(
        owner: winipc_sys::names::Peer,
        answer: Answer,
    ) -> Result<(Place, Option<std::os::fd::OwnedFd>)> {
        let me = winipc_sys::proc::geteuid();
        match answer {
            Answer::Admitted {
                fd,
                public: true,
                store: Some(store),
            } => Ok((Place::Public(Store::adopt(store)?), Some(fd))),
            Answer::Admitted { public: true, .. } => {
                Err(Error::Corrupt("a public object's holder passed no store"))
            }
            // Another user's private object lives in that user's private store, which this
            // process does not map: root is admitted by the holder but cannot open it here.
            Answer::Admitted { .. } if owner.uid != me => Err(Error::AccessDenied),
            Answer::Admitted { fd, .. } => Ok((Place::Private, Some(fd))),
            Answer::Refused => Err(Error::AccessDenied),
            Answer::Silent if owner.uid == me => Ok((Place::Mine, None)),
            Answer::Silent => Err(Error::Timeout),
        }
    }

    /// Opens the object a held name stands for, and keeps the name held for the new handle.
    fn open_existing(
        name: &str,
        kind: objects::Kind,
        place: Place,
        inherit: bool,
        fd: Option<std::os::fd::OwnedFd>,
    ) -> Result<crate::Handle> {
        let tries: &[(StoreId, Tag)] = match place {
            Place::Private => &[(StoreId::PRIVATE, Tag::Global)],
            Place::Public(id) => &[(id, Tag::Object)],
            Place::Mine => &[
                (StoreId::PRIVATE, Tag::Global),
                (StoreId::PUBLIC, Tag::Object),
            ],
        };
        let mut last = Error::NotFound;
        for &(store, tag) in tries {
            let opened = crate::handles::open_with(
                store,
                kind,
                crate::handles::access::full(kind),
                inherit,
                |g| {
                    let ix = objects::open(g, kind, tag, name.as_bytes())?;
                    check_access(g, ix, store.ns())?;
                    Ok(Made::Existing(ix))
                },
            );
            let h = match opened {
                Ok((h, _)) => h,
                Err(e @ Error::NotFound) => {
                    last = e;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let public = tag == Tag::Object;
            match fd {
                Some(fd) => {
                    machine_names::adopt(Space::Object, name.as_bytes(), fd, h.obj(), public)
                }
                None => machine_names::handle_added(h.obj()),
            }
            return Ok(h);
        }
        Err(last)
    }
}

/// The handle plumbing every named object type shares: `open`, `already_existed`, `handle`,
/// `into_handle`, `from_handle`. The type must have fields `handle: Handle, existed: bool`.
macro_rules! named_object_methods {
    ($ty:ident, $kind:expr, $what:literal) => {
        impl $ty {
            #[doc = concat!("Opens the existing ", $what, " `name`.")]
            pub fn open(name: &str) -> std::io::Result<$ty> {
                let handle = $crate::security::open_object(name, $kind, false)?;
                Ok($ty {
                    handle,
                    existed: true,
                })
            }

            #[doc = concat!("Whether creating the ", $what, " opened an existing one.")]
            pub fn already_existed(&self) -> bool {
                self.existed
            }

            #[doc = concat!("The ", $what, "'s handle.")]
            pub fn handle(&self) -> &$crate::Handle {
                &self.handle
            }

            /// Gives up the object wrapper and returns its handle (still open).
            pub fn into_handle(self) -> $crate::Handle {
                self.handle
            }

            #[doc = concat!("Wraps a handle, which must refer to a ", $what, ".")]
            pub fn from_handle(handle: $crate::Handle) -> std::io::Result<$ty> {
                if handle.kind() != $kind {
                    return Err($crate::Error::InvalidHandle.into());
                }
                Ok($ty {
                    handle,
                    existed: false,
                })
            }
        }
    };
}
pub(crate) use named_object_methods;
