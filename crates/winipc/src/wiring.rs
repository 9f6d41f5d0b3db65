//! The composition root: the one place where the bottom layers are given the layers above
//! them. It holds no logic.
//!
//! The store calls upward only through [`store::Layers`] and the handle table and object
//! lifecycle reach kind-specific code only through [`objects::KindHooks`]; both are defined
//! below, and implemented above — here is where each trait meets its implementation. A new
//! object kind with lifecycle needs (as mailslots have: receive-handle counts, a ring to close)
//! implements `KindHooks` and gets one arm in [`kind_hooks`].

use crate::objects::{self, Kind};
use crate::{mailslot, reaper, section, store};

/// What a thread's or process's end means ([`reaper`]).
pub(crate) static STORE_LAYERS: &dyn store::Layers = &reaper::Reaper;

/// The lifecycle hooks of objects of `kind` (none for most kinds).
#[inline]
pub(crate) fn kind_hooks(kind: Option<Kind>) -> &'static dyn objects::KindHooks {
    match kind {
        Some(Kind::Mailslot) => &mailslot::Hooks,
        Some(Kind::Section) => &section::Hooks,
        _ => &objects::NoHooks,
    }
}
