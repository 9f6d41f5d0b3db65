//! What `winipc ls`, `top` and `handles` show of named pipes.
//!
//! A pipe is sockets (the name is an abstract socket, each connection a socket pair), so the
//! object store does not otherwise know it. Every server instance therefore holds one handle
//! to a *listing*: an object of kind [`Kind::Pipe`] in its user's private store, named by the
//! pipe's lower-cased name, whose state words are the settings the first instance fixed. The
//! first instance in the user's processes creates it, later ones open it, so its usage count is
//! the number of live instances; the store reaps the handles of killed servers like any
//! others. The listing decides nothing about the pipe — the rendezvous does — so failing to
//! make one (a full store) costs only the inspector's view, never a `CreateNamedPipe`.

use winipc_sys::pipes::Kind as PipeKind;

use super::PipeAccess;
use super::frame::Settings;
use crate::handles::{self, Handle};
use crate::objects::{self, Kind, st, sw};
use crate::store::StoreId;
use crate::store::names::Tag;

/// Bit 0 of [`st::PP_FLAGS`]: a message pipe.
pub(crate) const MESSAGE: u32 = 1;

/// One instance's reference to its pipe's listing (none if it could not be made).
#[derive(Debug)]
pub(crate) struct Listing {
    _handle: Option<Handle>,
}

/// Lists pipe `canon` (its lower-cased `\\.\pipe\...` name) with `settings`, for one instance.
pub(crate) fn list(canon: &str, settings: &Settings) -> Listing {
    let made = handles::open_with(
        StoreId::PRIVATE,
        Kind::Pipe,
        handles::access::full(Kind::Pipe),
        false,
        |g| {
            objects::create(
                g,
                Kind::Pipe,
                Some((Tag::Pipe, canon.as_bytes())),
                |g, ix| {
                    g.set(sw(ix, st::PP_FLAGS), encode_flags(settings))?;
                    g.set(sw(ix, st::PP_MAX), settings.max_instances)?;
                    g.set(sw(ix, st::PP_OUT_BUF), settings.out_buffer)?;
                    g.set(sw(ix, st::PP_IN_BUF), settings.in_buffer)?;
                    g.set(sw(ix, st::PP_TIMEOUT_MS), settings.default_timeout_ms)
                },
            )
        },
    );
    match made {
        Ok((h, _)) => Listing { _handle: Some(h) },
        Err(e) => {
            tracing::debug!(pipe = canon, error = %e, "the pipe is not listed for the inspector");
            Listing { _handle: None }
        }
    }
}

fn encode_flags(s: &Settings) -> u32 {
    let message = u32::from(s.kind == PipeKind::Message);
    let access = match s.access {
        PipeAccess::Inbound => 1,
        PipeAccess::Outbound => 2,
        PipeAccess::Duplex => 3,
    };
    message | access << 1
}

/// The direction encoded in [`st::PP_FLAGS`] (`None` for a corrupt value).
pub(crate) fn access_of(flags: u32) -> Option<PipeAccess> {
    match flags >> 1 & 3 {
        1 => Some(PipeAccess::Inbound),
        2 => Some(PipeAccess::Outbound),
        3 => Some(PipeAccess::Duplex),
        _ => None,
    }
}
