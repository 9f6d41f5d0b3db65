//! Support for the core's fuzz targets (`crates/winipc/fuzz`): the read-only validation and
//! table walks of a store image at a given path, on a private (non-singleton) read-only
//! mapping. Not part of the API.

use std::path::Path;

use crate::error::Result;
use crate::store::layout::{HANDLES_PER_PROC, MAX_OBJECTS, MAX_PROCS, hdr};
use crate::store::{Namespace, Store};

/// Validates the store file at `path` (size, magic, version, shape) as [`Store`] does on open,
/// then walks what an inspector reads without the lock — object kinds, stored names, the
/// handle tables of the first `procs` process slots — and returns how many entries it saw.
/// Every value read from the image is range-checked; this never writes to it.
pub fn walk_store_file(path: &Path, global: bool, procs: u32) -> Result<usize> {
    let ns = if global {
        Namespace::Global
    } else {
        Namespace::Local
    };
    let s = Store::open_read_only(ns, path.to_path_buf())?;
    let mut seen = 0;
    let high = s.load(hdr::OBJ_HIGH).min(MAX_OBJECTS);
    for ix in 0..high.min(4096) {
        if crate::objects::kind_gen(&s, ix).0.is_some() {
            seen += 1;
        }
        if let Some((_, name)) = crate::store::names::read(&s, ix) {
            seen += name.len().min(1);
        }
    }
    for p in 0..procs.min(MAX_PROCS) {
        for h in 0..HANDLES_PER_PROC.min(1024) {
            seen += usize::from(crate::handles::read_entry(&s, p, h).is_some());
        }
    }
    Ok(seen)
}

/// Parses a pipe name as `CreateNamedPipe` and `CreateFile` do; the canonical (lower-case)
/// form it returns is what names the pipe.
pub fn pipe_name(full: &str) -> Result<String> {
    crate::pipe::name::parse(full)
}

/// Decodes `b` as a pipe handshake's hello and as its reply (the records a peer of another
/// user may send); returns each one re-encoded, for a round-trip check.
pub fn pipe_handshake(b: &[u8]) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    use crate::pipe::frame::{Hello, Reply};
    (
        Hello::decode(b).map(|h| h.encode().to_vec()),
        Reply::decode(b).map(|r| r.encode().to_vec()),
    )
}
