//! Multi-thread stress: 4 writers x 200k messages (sequence number + checksum) into one reader.
//! 0 lost, 0 duplicated, 0 reordered per writer. Run in release mode (smaller in debug).

mod common;

use common::{AllAlive, Mem};
use std::time::{Duration, Instant};
use winipc_ring::Ring;
use winipc_ring::park::ParkFutex;

const WRITERS: u32 = 4;

fn per_writer() -> u64 {
    if cfg!(debug_assertions) {
        20_000
    } else {
        200_000
    }
}

fn message(writer: u32, seq: u64) -> Vec<u8> {
    // writer, seq, variable filler, checksum; lengths 20..84 bytes so records wrap at odd places.
    let fill = (seq.wrapping_mul(2654435761) % 65) as usize;
    let mut m = Vec::with_capacity(20 + fill);
    m.extend_from_slice(&writer.to_le_bytes());
    m.extend_from_slice(&seq.to_le_bytes());
    m.extend((0..fill).map(|i| (seq as u8).wrapping_add(i as u8) ^ writer as u8));
    let sum: u64 = m.iter().map(|&b| u64::from(b)).sum::<u64>() ^ 0xABCD;
    m.extend_from_slice(&sum.to_le_bytes());
    m
}

#[test]
fn four_writers_one_reader_no_loss_no_dup_no_reorder() {
    let cap = 16 * 1024;
    let mem = Mem::new(cap);
    let reader = Ring::init(mem.view(), cap, 0, ParkFutex).unwrap();
    let n = per_writer();
    let deadline = Instant::now() + Duration::from_secs(120);
    let start = Instant::now();
    let (next, corrupt) = std::thread::scope(|s| {
        for w in 0..WRITERS {
            let mem = &mem;
            s.spawn(move || {
                let ring = Ring::attach(mem.view(), ParkFutex).unwrap();
                for seq in 0..n {
                    ring.send(w, &message(w, seq), Some(deadline)).unwrap();
                }
            });
        }
        let mut next = [0u64; WRITERS as usize];
        let mut corrupt = 0u64;
        let mut buf = vec![0u8; 256];
        for _ in 0..n * u64::from(WRITERS) {
            let len = reader
                .recv(1, &mut buf, Some(deadline), &AllAlive)
                .unwrap()
                .expect("timed out");
            let msg = &buf[..len];
            let w = u32::from_le_bytes(msg[..4].try_into().unwrap());
            let seq = u64::from_le_bytes(msg[4..12].try_into().unwrap());
            if w >= WRITERS || msg != message(w, seq).as_slice() {
                corrupt += 1;
                continue;
            }
            assert_eq!(
                seq, next[w as usize],
                "writer {w}: lost, duplicated or reordered"
            );
            next[w as usize] += 1;
        }
        (next, corrupt)
    });
    let elapsed = start.elapsed();
    assert_eq!(corrupt, 0, "torn or corrupt messages");
    assert_eq!(next, [n; WRITERS as usize]);
    let mut buf = [0u8; 8];
    assert_eq!(
        reader.try_recv(1, &mut buf, &AllAlive),
        Ok(None),
        "nothing extra"
    );
    let info = reader.info();
    assert_eq!((info.messages, info.bytes), (0, 0));
    let total = n * u64::from(WRITERS);
    println!(
        "stress: {total} messages in {elapsed:?} ({:.0} ns/msg, {:.2} M msg/s)",
        elapsed.as_nanos() as f64 / total as f64,
        total as f64 / elapsed.as_secs_f64() / 1e6
    );
}
