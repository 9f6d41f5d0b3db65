//! Load: 16 writer processes send N self-checking messages each (0..=4096 bytes, mostly small)
//! to one mailslot with a small quota. The reader checks every message by writer, sequence
//! number and checksum — 0 lost, 0 duplicated, 0 reordered per writer, none torn — and that
//! memory stays within the slot's quota (ring file, queued bytes, the reader's RSS).
//!
//! Short form (CI): 2,000 messages per writer. Long form:
//! `WINIPC_LOAD_MESSAGES=1000000 cargo test -p winipc-stress --release --test load -- --nocapture`

#[path = "../../winipc/tests/common/mod.rs"]
mod common;

use std::os::unix::fs::MetadataExt;
use std::time::{Duration, Instant};

use common::*;
use winipc::{Mailslot, MailslotOptions, MailslotWriter};
use winipc_stress::{Rng, msg, proc_status_kib};

const WRITERS: u32 = 16;
const MAX_MSG: usize = 4096;
const QUOTA: u32 = 256 * 1024;

#[test]
fn child() {
    let Some((role, args)) = role_args() else {
        return;
    };
    assert_eq!(role, "writer");
    let (slot, id, n) = (
        &args[0],
        args[1].parse::<u32>().unwrap(),
        args[2].parse::<u32>().unwrap(),
    );
    let mut w = MailslotWriter::open(slot).unwrap();
    // A writer blocks while the quota is full; it must never need this long.
    w.set_write_timeout(Some(Duration::from_secs(60)));
    let mut rng = Rng::new(u64::from(id) + 1);
    let mut buf = vec![0u8; MAX_MSG];
    for seq in 0..n {
        match msg::load_size(&mut rng, seq, MAX_MSG) {
            None => w.send(&[]).unwrap(),
            Some(len) => {
                msg::fill(&mut buf, id, seq, len);
                w.send(&buf[..len]).unwrap();
            }
        }
    }
    say("done");
}

fn ring_file() -> std::path::PathBuf {
    std::fs::read_dir(winipc::store_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("winipc-ms.") && n.ends_with(".ring")
        })
        .expect("the slot's ring file")
}

#[test]
fn sixteen_writers_lose_duplicate_reorder_and_tear_nothing() {
    init();
    let n: u32 = std::env::var("WINIPC_LOAD_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    // Generous: the long form moves 16 M messages on a shared 2-core machine.
    let _w = watchdog(Duration::from_secs(120 + u64::from(n) / 200));
    let name = format!(r"\\.\mailslot\{}\load", uniq("stress"));
    let slot = Mailslot::create_with(
        &name,
        MailslotOptions {
            max_message_size: MAX_MSG as u32,
            read_timeout: 30_000,
            quota: QUOTA,
            ..Default::default()
        },
    )
    .unwrap();
    let ring = ring_file();
    let ring_len = std::fs::metadata(&ring).unwrap().len();
    let hwm_before = proc_status_kib("VmHWM").unwrap_or(0);
    let start = Instant::now();
    let kids: Vec<Kid> = (0..WRITERS)
        .map(|id| spawn("writer", &[&name, &id.to_string(), &n.to_string()]))
        .collect();
    let zero_per_writer = (0..n).filter(|s| s % 64 == 63).count() as u64;
    let expected = u64::from(WRITERS) * u64::from(n);
    let mut next = vec![0u32; WRITERS as usize];
    let (mut got, mut zeros, mut bytes) = (0u64, 0u64, 0u64);
    let mut max_queued_bytes = 0u32;
    let mut max_ring_alloc = 0u64;
    let mut buf = vec![0u8; MAX_MSG];
    while got < expected {
        let len = slot
            .recv(&mut buf)
            .unwrap_or_else(|e| panic!("recv after {got}/{expected} messages: {e}"));
        got += 1;
        bytes += len as u64;
        if len == 0 {
            zeros += 1;
            continue;
        }
        let (w, seq) = msg::check(&buf[..len])
            .unwrap_or_else(|bad| panic!("message {got}: torn or corrupt: {bad:?}"));
        assert!(w < WRITERS, "unknown writer {w}");
        let want = &mut next[w as usize];
        // Zero-length messages take a sequence number too: skip the ones this writer sent.
        while *want % 64 == 63 {
            *want += 1;
        }
        assert!(
            seq >= *want,
            "writer {w}: seq {seq} duplicated or reordered (want {want})"
        );
        assert_eq!(seq, *want, "writer {w}: lost {}..{seq}", *want);
        *want += 1;
        if got % 4096 == 0 {
            let info = winipc::inspect::snapshot(false).unwrap();
            for o in info.objects() {
                if let winipc::inspect::Details::Mailslot { bytes, .. } = o.details {
                    max_queued_bytes = max_queued_bytes.max(bytes);
                }
            }
            let m = std::fs::metadata(&ring).unwrap();
            max_ring_alloc = max_ring_alloc.max(m.blocks() * 512);
            assert_eq!(m.len(), ring_len, "the ring file never grows");
        }
    }
    let took = start.elapsed();
    for k in kids {
        assert_eq!(k.finish(), 0, "a writer failed");
    }
    // Nothing more arrives: every writer is done and nothing was duplicated at the end.
    slot.set_read_timeout(0).unwrap();
    assert_eq!(
        code(&slot.recv(&mut buf).unwrap_err()),
        121,
        "an extra message"
    );
    assert_eq!(
        zeros,
        u64::from(WRITERS) * zero_per_writer,
        "zero-length messages"
    );
    for (w, &nx) in next.iter().enumerate() {
        let last_checked = (0..n).rev().find(|s| s % 64 != 63).map_or(0, |s| s + 1);
        assert!(nx >= last_checked, "writer {w} stopped at {nx} of {n}");
    }
    let hwm_after = proc_status_kib("VmHWM").unwrap_or(0);
    assert!(
        u64::from(max_queued_bytes) <= u64::from(QUOTA),
        "queued {max_queued_bytes} bytes > quota {QUOTA}"
    );
    // The ring maps its quota plus a header page or two, never more.
    assert!(
        ring_len <= u64::from(QUOTA) + 64 * 1024,
        "ring file {ring_len} bytes"
    );
    assert!(max_ring_alloc <= ring_len);
    assert!(
        hwm_after.saturating_sub(hwm_before) < 32 * 1024,
        "the reader's peak RSS grew by {} KiB",
        hwm_after - hwm_before
    );
    let secs = took.as_secs_f64();
    eprintln!(
        "load: {got} messages ({} checked by writer/seq/checksum, {zeros} zero-length), \
         {:.1} MiB, {WRITERS} writers x {n}, in {secs:.2}s = {:.0} msgs/s, {:.1} MiB/s; \
         quota {QUOTA} B, ring file {ring_len} B (max allocated {max_ring_alloc} B), \
         max queued {max_queued_bytes} B; reader VmHWM {hwm_before} -> {hwm_after} KiB",
        got - zeros,
        bytes as f64 / 1048576.0,
        got as f64 / secs,
        bytes as f64 / 1048576.0 / secs
    );
}
