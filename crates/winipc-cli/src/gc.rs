//! `winipc gc`: remove the files of dead objects from the store directory.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use clap::Args;
use serde_json::json;
use winipc::inspect::{StoreFile, StoreFileKind};

use crate::output::context;
use crate::status;
use crate::view;

pub const ABOUT: &str = "\
Remove files that winipc left in the store directory (/dev/shm, or $WINIPC_DIR) and that no \
process uses any more, and say what was removed:

- a mailslot ring (winipc-ms.*.ring) whose slot's name nobody holds any more — its receiver died before it \
  could remove it;
- a file mapping's memory (winipc-map.*) that no file mapping in a readable store names — its \
  process died between making it and naming it, or the mapping was reaped by another user;
- a store (winipc-*.store) in which no registered process is alive — including stores of \
  other layout versions, left by an older or newer winipc.

A file is removed only if, besides, no process maps it or holds it open (checked in /proc). \
An ordinary user can check only their own processes, so removes only their own files, and \
never the machine-wide Global store (other users' processes may use it): run as root to clean \
up everything. A process that is just opening a store it has not yet mapped cannot be seen; \
run gc when winipc programs are not starting up, or with --dry-run first.";

#[derive(Debug, Args)]
pub struct GcArgs {
    /// Only say what would be removed.
    #[arg(long)]
    pub dry_run: bool,
    /// Print a JSON object {"removed": [...], "kept": [...]}.
    #[arg(long)]
    pub json: bool,
}

/// (st_dev, st_ino) of every file mapped or open by a process whose /proc entries we may read,
/// with one pid that uses it.
fn files_in_use() -> BTreeMap<(u64, u64), u32> {
    let mut used = BTreeMap::new();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return used;
    };
    for p in procs.flatten() {
        let Some(pid) = p.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) {
            for line in maps.lines() {
                // address perms offset dev inode path
                let mut f = line.split_whitespace().skip(3);
                let (Some(dev), Some(ino)) = (f.next(), f.next()) else {
                    continue;
                };
                let Ok(ino) = ino.parse::<u64>() else {
                    continue;
                };
                if ino == 0 {
                    continue;
                }
                if let Some((maj, min)) = dev.split_once(':')
                    && let (Ok(maj), Ok(min)) =
                        (u64::from_str_radix(maj, 16), u64::from_str_radix(min, 16))
                {
                    used.entry((makedev(maj, min), ino)).or_insert(pid);
                }
            }
        }
        if let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) {
            for fd in fds.flatten() {
                if let Ok(m) = std::fs::metadata(fd.path()) {
                    used.entry((m.dev(), m.ino())).or_insert(pid);
                }
            }
        }
    }
    used
}

/// glibc's makedev: the st_dev value of device major:minor.
fn makedev(major: u64, minor: u64) -> u64 {
    ((major & 0xffff_f000) << 32)
        | ((major & 0x0000_0fff) << 8)
        | ((minor & 0xffff_ff00) << 12)
        | (minor & 0x0000_00ff)
}

/// Why `f` may be removed, or `Err(why it is kept)`; `None` if it is simply in use.
fn verdict(
    f: &StoreFile,
    global_removed: bool,
    me: u32,
    root: bool,
    used: &BTreeMap<(u64, u64), u32>,
) -> Option<Result<&'static str, String>> {
    let reason = match &f.kind {
        StoreFileKind::Ring { referenced } => match (referenced, global_removed) {
            (_, true) | (Some(false), _) => "mailslot ring that no mailslot refers to",
            (Some(true), _) => return None,
            (None, _) => return None, // cannot tell without the Global store
        },
        StoreFileKind::Mapping { referenced: false } => {
            "file mapping's memory that no mapping refers to"
        }
        StoreFileKind::Mapping { referenced: true } => return None,
        StoreFileKind::Store { live_processes, .. } => match live_processes {
            Some(0) => "store in which no registered process is alive",
            Some(_) => return None,
            None => "store this winipc cannot read (another layout version, or unreadable)",
        },
        _ => return None,
    };
    let Ok(meta) = std::fs::symlink_metadata(&f.path) else {
        return None; // gone meanwhile
    };
    if let Some(pid) = used.get(&(meta.dev(), meta.ino())) {
        let name = view::proc_name(*pid).map_or_else(String::new, |n| format!(" ({n})"));
        return Some(Err(format!("in use by pid {pid}{name}")));
    }
    if !root {
        if meta.uid() != me {
            return Some(Err(format!(
                "owned by user {}; only root can judge and remove it",
                view::user_name(meta.uid())
            )));
        }
        // Another user's process may map a store or a live public ring we own without our
        // seeing it; an unreferenced ring is dead whoever maps it.
        if matches!(f.kind, StoreFileKind::Store { .. }) && meta.mode() & 0o077 != 0 {
            return Some(Err(
                "other users' processes may use it unseen; run as root".to_owned()
            ));
        }
    }
    Some(Ok(reason))
}

pub fn gc(a: GcArgs) -> io::Result<u8> {
    let dir = winipc::store_dir();
    let files = winipc::inspect::store_files()
        .map_err(|e| context(e, &format!("cannot list {}", dir.display())))?;
    let used = files_in_use();
    let root = view::is_root();
    let me = std::fs::metadata("/proc/self").map_or(u32::MAX, |m| m.uid());

    let mut removed: Vec<(String, &'static str, u64)> = Vec::new();
    let mut kept: Vec<(String, String)> = Vec::new();
    let mut global_removed = false;
    // Stores first: rings of a removed Global store are then unreferenced.
    let (stores, rings): (Vec<_>, Vec<_>) = files
        .iter()
        .partition(|f| matches!(f.kind, StoreFileKind::Store { .. }));
    for f in stores.into_iter().chain(rings) {
        match verdict(f, global_removed, me, root, &used) {
            None => {}
            Some(Err(why)) => kept.push((f.path.display().to_string(), why)),
            Some(Ok(reason)) => {
                let size = std::fs::symlink_metadata(&f.path).map_or(0, |m| m.blocks() * 512);
                if !a.dry_run {
                    remove(&f.path)?;
                }
                // The Global store this build reads (other versions are unreadable to it).
                if let StoreFileKind::Store {
                    namespace: winipc::Namespace::Global,
                    live_processes: Some(_),
                } = f.kind
                {
                    global_removed = true;
                }
                removed.push((f.path.display().to_string(), reason, size));
            }
        }
    }

    let mut out = io::stdout().lock();
    if a.json {
        let v = json!({
            "dry_run": a.dry_run,
            "removed": removed.iter().map(|(p, r, b)| json!({"path": p, "reason": r, "bytes": b})).collect::<Vec<_>>(),
            "kept": kept.iter().map(|(p, r)| json!({"path": p, "reason": r})).collect::<Vec<_>>(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(status::OK);
    }
    let verb = if a.dry_run { "would remove" } else { "removed" };
    for (p, r, _) in &removed {
        writeln!(out, "{verb} {p} ({r})")?;
    }
    for (p, r) in &kept {
        writeln!(out, "kept {p}: {r}")?;
    }
    if removed.is_empty() {
        writeln!(out, "nothing to remove in {}", dir.display())?;
    } else {
        let bytes: u64 = removed.iter().map(|r| r.2).sum();
        writeln!(
            out,
            "{verb} {} file{} ({} KiB of memory)",
            removed.len(),
            if removed.len() == 1 { "" } else { "s" },
            bytes / 1024
        )?;
    }
    Ok(status::OK)
}

fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        r => r.map_err(|e| context(e, &format!("cannot remove {}", path.display()))),
    }
}
