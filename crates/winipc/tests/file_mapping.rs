//! File mappings across processes: shared bytes, names shared with the other kinds, views that
//! keep their mapping alive, Windows' errors, and what a second user can reach.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use common::*;
use winipc::{
    Event, EventReset, FileMapping, Protection, Security, ViewAccess, WaitOutcome, wait_any,
};

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    match role.as_str() {
        // Opens mapping args[0], checks byte 100 is 42, writes 43 at byte 101.
        "peer" => {
            let m = FileMapping::open(&args[0]).unwrap();
            let v = m.map(ViewAccess::ReadWrite, 0, 0).unwrap();
            say(format!(
                "saw {} of {}",
                v.bytes()[100].load(Relaxed),
                v.len()
            ));
            v.bytes()[101].store(43, Relaxed);
            say("wrote");
        }
        "open" => match FileMapping::open(&args[0]) {
            Ok(m) => match m.map(ViewAccess::Read, 0, 0) {
                Ok(v) => say(format!("read {}", v.bytes()[0].load(Relaxed))),
                Err(e) => say(format!("map {}", code(&e))),
            },
            Err(e) => say(format!("open {}", code(&e))),
        },
        _ => panic!("unknown role {role}"),
    }
}

#[test]
fn two_processes_share_the_bytes_of_a_named_mapping() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("map-share");
    let m = FileMapping::create(&name, 100_000).unwrap();
    assert!(!m.already_existed());
    assert_eq!(m.size().unwrap(), 100_000);
    let v = m.map(ViewAccess::ReadWrite, 0, 0).unwrap();
    assert_eq!(v.len(), 100_000);
    v.bytes()[100].store(42, Relaxed);
    let out = run("peer", &[&name]);
    assert_eq!(out, ["saw 42 of 100000", "wrote"]);
    assert_eq!(
        v.bytes()[101].load(Relaxed),
        43,
        "the child's write is ours"
    );
    // A second create opens the same mapping, whatever size it asks for.
    let again = FileMapping::create(&name, 5).unwrap();
    assert!(again.already_existed());
    assert_eq!(again.size().unwrap(), 100_000);
    assert_eq!(
        again.map(ViewAccess::Read, 65536, 16).unwrap().bytes()[0].load(Relaxed),
        0
    );
}

#[test]
fn a_view_keeps_its_mapping_and_name_alive_after_the_handle_closes() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("map-view-alive");
    let v = {
        let m = FileMapping::create(&name, 4096).unwrap();
        let v = m.map(ViewAccess::ReadWrite, 0, 4096).unwrap();
        v.bytes()[0].store(9, Relaxed);
        v
    }; // the mapping's handle is closed here; the view holds it
    assert_eq!(run("open", &[&name]), ["read 9"]);
    let backing = mapped_file(v.as_ptr() as usize).expect("the view maps a file");
    assert!(backing.exists(), "{}", backing.display());
    drop(v);
    assert_eq!(run("open", &[&name]), ["open 2"], "gone with its last view");
    assert!(
        !backing.exists(),
        "the backing file went with the mapping: {}",
        backing.display()
    );
}

#[test]
fn windows_errors() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let name = uniq("map-errors");
    let err = |r: std::io::Result<FileMapping>| code(&r.unwrap_err());
    assert_eq!(
        err(FileMapping::create(&name, 0)),
        87,
        "size 0 without a file"
    );
    let ev = Event::create(&name, EventReset::Manual, false).unwrap();
    assert_eq!(
        err(FileMapping::create(&name, 4096)),
        6,
        "a name of another kind"
    );
    assert_eq!(err(FileMapping::open(&name)), 6);
    drop(ev);
    assert_eq!(err(FileMapping::open(&uniq("map-none"))), 2);
    let m = FileMapping::create(&name, 3 * 65536).unwrap();
    let map_err = |a, off, len| code(&m.map(a, off, len).unwrap_err());
    assert_eq!(
        map_err(ViewAccess::Read, 4096, 10),
        1132,
        "ERROR_MAPPED_ALIGNMENT"
    );
    assert_eq!(
        map_err(ViewAccess::Read, 65536, 3 * 65536),
        5,
        "past the end"
    );
    assert_eq!(
        map_err(ViewAccess::Read, 3 * 65536, 0),
        5,
        "nothing left to map"
    );
    assert_eq!(m.map(ViewAccess::Read, 2 * 65536, 0).unwrap().len(), 65536);
    // Not waitable.
    assert_eq!(
        code(&wait_any(&[m.handle()], Some(Duration::ZERO)).unwrap_err()),
        6
    );
    // A read-only mapping refuses write views; copy-on-write views stay private.
    let ro =
        FileMapping::make(None, 4096, Protection::ReadOnly, None, &Security::default()).unwrap();
    assert_eq!(code(&ro.map(ViewAccess::ReadWrite, 0, 0).unwrap_err()), 5);
    assert_eq!(code(&ro.map(ViewAccess::CopyOnWrite, 0, 0).unwrap_err()), 5);
    let cow = m.map(ViewAccess::CopyOnWrite, 0, 16).unwrap();
    cow.bytes()[0].store(1, Relaxed);
    assert_eq!(
        m.map(ViewAccess::Read, 0, 16).unwrap().bytes()[0].load(Relaxed),
        0
    );
    let _ = wait_any(
        &[Event::new(EventReset::Manual, true).unwrap().handle()],
        None,
    )
    .map(|o| assert_eq!(o, WaitOutcome::Signaled(0)));
}

#[test]
fn a_mapping_of_a_file_reads_and_writes_the_file() {
    init();
    let _w = watchdog(Duration::from_secs(30));
    let path = std::env::temp_dir().join(uniq("map-file"));
    std::fs::write(&path, b"hello").unwrap();
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    let name = uniq("map-file-name");
    let m = FileMapping::make(
        Some(&name),
        0,
        Protection::ReadWrite,
        Some(&f),
        &Security::default(),
    )
    .unwrap();
    assert_eq!(m.size().unwrap(), 5);
    let v = m.map(ViewAccess::ReadWrite, 0, 0).unwrap();
    assert_eq!(v.bytes()[0].load(Relaxed), b'h');
    v.bytes()[0].store(b'j', Relaxed);
    v.flush(0, 0).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"jello");
    // Another process reaches the same file by the mapping's name.
    assert_eq!(run("open", &[&name]), [format!("read {}", b'j')]);
    // An empty file cannot be mapped with size 0.
    let empty = std::env::temp_dir().join(uniq("map-empty"));
    let e = std::fs::File::create(&empty).unwrap();
    assert_eq!(
        code(
            &FileMapping::make(
                None,
                0,
                Protection::ReadOnly,
                Some(&e),
                &Security::default()
            )
            .unwrap_err()
        ),
        1006
    );
    drop((v, m));
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&empty);
}

#[test]
fn a_private_mapping_is_out_of_another_users_reach() {
    init();
    let _w = watchdog(Duration::from_secs(60));
    let other = second_user();
    open_store_dir_to_others();
    let private = format!("Global\\{}", uniq("map-private"));
    let public = format!("Global\\{}", uniq("map-public"));
    let m = FileMapping::create(&private, 4096).unwrap();
    m.map(ViewAccess::ReadWrite, 0, 0).unwrap().bytes()[0].store(5, Relaxed);
    let p = FileMapping::make(
        Some(&public),
        4096,
        Protection::ReadWrite,
        None,
        &Security::everyone(),
    )
    .unwrap();
    let pv = p.map(ViewAccess::ReadWrite, 0, 0).unwrap();
    pv.bytes()[0].store(6, Relaxed);
    let (out, err) = run_as(other, "open", &[&private]);
    assert_eq!(out, ["open 5"], "{err}");
    let (out, err) = run_as(other, "open", &[&public]);
    assert_eq!(out, ["read 6"], "{err}");
    // Every backing file of a private mapping is the creator's alone.
    for f in backing_files() {
        let meta = std::fs::metadata(&f).unwrap();
        if meta.uid() == winipc_sys::proc::geteuid() && meta.permissions().mode() & 0o777 != 0o666 {
            assert_eq!(meta.permissions().mode() & 0o077, 0, "{}", f.display());
        }
    }
}

/// The file mapped at `addr` in this process (from `/proc/self/maps`).
fn mapped_file(addr: usize) -> Option<std::path::PathBuf> {
    let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
    maps.lines().find_map(|l| {
        let (range, rest) = l.split_once(' ')?;
        let (lo, hi) = range.split_once('-')?;
        let (lo, hi) = (
            usize::from_str_radix(lo, 16).ok()?,
            usize::from_str_radix(hi, 16).ok()?,
        );
        let path = rest.split_whitespace().nth(4)?;
        (lo <= addr && addr < hi).then(|| std::path::PathBuf::from(path))
    })
}

/// The backing files of mappings in the store directory and the private directory.
fn backing_files() -> Vec<std::path::PathBuf> {
    let dir = winipc::store_dir();
    let private = dir.join(format!("winipc-{}.private", winipc_sys::proc::geteuid()));
    let dirs = [dir.to_path_buf(), private];
    dirs.iter()
        .filter_map(|d| std::fs::read_dir(d).ok())
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("winipc-map."))
        })
        .collect()
}
