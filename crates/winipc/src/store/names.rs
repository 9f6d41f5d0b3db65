//! The name index: a chained hash table from (tag, name bytes) to object slots.
//!
//! Tags keep separate namespaces apart inside one store: kernel-object names (case-sensitive),
//! mailslot names (stored lower-cased) and process identities never collide.

use super::Store;
use super::layout::*;
use super::lock::Guard;
use crate::error::{Error, Result};

/// Name tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Tag {
    /// Events, mutexes, semaphores and timers share this namespace (case-sensitive).
    Object = 1,
    /// Mailslots (lower-cased, machine-wide).
    Mailslot = 2,
    /// Process objects, keyed by pid and start time.
    Process = 3,
    /// `Global\` objects that live in their creator's private store (the machine-wide name
    /// itself is held by `crate::machine_names`).
    Global = 4,
    /// Named pipes' listings, by the pipe's lower-cased name (`\\.\pipe\...`).
    Pipe = 5,
}

/// Object flag: the object has an entry in the name index.
pub(crate) const NAMED: u32 = 1;

fn hash(tag: Tag, bytes: &[u8]) -> u32 {
    hash_raw(tag as u8, bytes)
}

/// The bucket of a name stored with tag byte `tag` (as [`read`] returns it): the same
/// function as [`hash`], so that no tag can be left out of one of them.
fn hash_raw(tag: u8, bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5 ^ u32::from(tag);
    for &b in bytes {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    h % NAME_BUCKETS
}

fn name_matches(s: &Store, ix: u32, tag: Tag, bytes: &[u8]) -> bool {
    let head = s.load(Store::name_w(ix, 0));
    if head != bytes.len() as u32 | (tag as u32) << 16 {
        return false;
    }
    bytes.chunks(4).enumerate().all(|(k, chunk)| {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        s.load(Store::name_w(ix, 1 + k as u32)) == u32::from_le_bytes(word)
    })
}

/// The object named `bytes` under `tag`, if any.
pub(crate) fn lookup(g: &Guard<'_>, tag: Tag, bytes: &[u8]) -> Result<Option<u32>> {
    let s = g.s;
    let mut cur = s.obj_link(g.get(Store::bucket(hash(tag, bytes))))?;
    for _ in 0..MAX_OBJECTS {
        let Some(ix) = cur else { return Ok(None) };
        if name_matches(s, ix, tag, bytes) {
            return Ok(Some(ix));
        }
        cur = s.obj_link(g.get(Store::ob(ix, ob::NEXT)))?;
    }
    Err(s.corrupt("cycle in a name bucket"))
}

/// Gives object `ix` the name `bytes` under `tag` (the caller checked it is free).
pub(crate) fn insert(g: &mut Guard<'_>, ix: u32, tag: Tag, bytes: &[u8]) -> Result<()> {
    if bytes.len() > MAX_NAME_BYTES {
        return Err(Error::NameTooLong);
    }
    g.set(
        Store::name_w(ix, 0),
        bytes.len() as u32 | (tag as u32) << 16,
    )?;
    for (k, chunk) in bytes.chunks(4).enumerate() {
        let mut word = [0u8; 4];
        word[..chunk.len()].copy_from_slice(chunk);
        g.set(Store::name_w(ix, 1 + k as u32), u32::from_le_bytes(word))?;
    }
    let b = Store::bucket(hash(tag, bytes));
    let head = g.get(b);
    g.set(Store::ob(ix, ob::NEXT), head)?;
    g.set(b, ix + 1)?;
    let flags = g.get(Store::ob(ix, ob::FLAGS));
    g.set(Store::ob(ix, ob::FLAGS), flags | NAMED)
}

/// Removes object `ix`'s name.
pub(crate) fn remove(g: &mut Guard<'_>, ix: u32) -> Result<()> {
    let s = g.s;
    if g.get(Store::ob(ix, ob::FLAGS)) & NAMED == 0 {
        return Ok(());
    }
    let (tag, bytes) = read(s, ix).ok_or_else(|| s.corrupt("stored name"))?;
    let b = Store::bucket(hash_raw(tag, &bytes));
    let mut prev: Option<u32> = None;
    let mut cur = s.obj_link(g.get(b))?;
    for _ in 0..MAX_OBJECTS {
        let Some(c) = cur else {
            return Err(s.corrupt("named object missing from its bucket"));
        };
        let next = g.get(Store::ob(c, ob::NEXT));
        if c == ix {
            match prev {
                None => g.set(b, next)?,
                Some(p) => g.set(Store::ob(p, ob::NEXT), next)?,
            }
            g.set(Store::ob(ix, ob::NEXT), 0)?;
            let flags = g.get(Store::ob(ix, ob::FLAGS));
            return g.set(Store::ob(ix, ob::FLAGS), flags & !NAMED);
        }
        prev = Some(c);
        cur = s.obj_link(next)?;
    }
    Err(s.corrupt("cycle in a name bucket"))
}

/// Reads object `ix`'s stored name as (tag, bytes); works without the lock (an inspector may
/// see a torn name while it changes, never out-of-range memory).
pub(crate) fn read(s: &Store, ix: u32) -> Option<(u8, Vec<u8>)> {
    if ix >= MAX_OBJECTS {
        return None;
    }
    let head = s.load(Store::name_w(ix, 0));
    let len = (head & 0xffff) as usize;
    let tag = (head >> 16) as u8;
    if len > MAX_NAME_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(len);
    for k in 0..len.div_ceil(4) {
        out.extend_from_slice(&s.load(Store::name_w(ix, 1 + k as u32)).to_le_bytes());
    }
    out.truncate(len);
    Some((tag, out))
}
