//! Property tests: a model-based test against a `VecDeque`, and hostile memory corruption.

mod common;

use common::{AllAlive, Dead, Mem};
use proptest::prelude::*;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use winipc_ring::park::ParkFutex;
use winipc_ring::{HEADER_WORDS, RecvError, Ring, SendError};

#[derive(Debug, Clone)]
enum Op {
    Send { writer: u32, len: usize, seed: u8 },
    Recv { buf: usize },
    Info,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0u32..4, 0usize..120, any::<u8>()).prop_map(|(writer, len, seed)| Op::Send { writer, len, seed }),
        3 => (0usize..130).prop_map(|buf| Op::Recv { buf }),
        1 => Just(Op::Info),
    ]
}

fn payload(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| seed.wrapping_add(i as u8).wrapping_mul(31))
        .collect()
}

fn record_size(len: usize) -> usize {
    16 + len.div_ceil(8) * 8
}

/// The reference model: a FIFO of records (`None` = padding) with byte cursors, mirroring the
/// documented geometry (records never cross the ring end; a padding record fills to the end).
#[derive(Default)]
struct Model {
    cap: usize,
    head: usize,
    tail: usize,
    queue: VecDeque<(Option<Vec<u8>>, usize)>,
}

impl Model {
    fn send(&mut self, msg: Vec<u8>) -> Result<(), SendError> {
        let need = record_size(msg.len());
        let room = self.cap - self.tail % self.cap;
        if need > room {
            if room > self.cap - (self.tail - self.head) {
                return Err(SendError::Full);
            }
            self.queue.push_back((None, room));
            self.tail += room;
        }
        if need > self.cap - (self.tail - self.head) {
            return Err(SendError::Full);
        }
        self.queue.push_back((Some(msg), need));
        self.tail += need;
        Ok(())
    }

    fn skip_padding(&mut self) {
        while let Some((None, size)) = self.queue.front() {
            self.head += size;
            self.queue.pop_front();
        }
    }

    fn next_len(&self) -> Option<usize> {
        self.queue
            .iter()
            .find_map(|(m, _)| m.as_ref().map(Vec::len))
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn behaves_like_a_bounded_queue(cap in (4u32..64).prop_map(|w| w * 8), max in prop_oneof![Just(0u32), 1u32..100], ops in proptest::collection::vec(op(), 1..200)) {
        let mem = Mem::new(cap);
        let ring = Ring::init(mem.view(), cap, max, ParkFutex::new()).unwrap();
        let mut model = Model { cap: cap as usize, ..Model::default() };
        for op in ops {
            match op {
                Op::Send { writer, len, seed } => {
                    let msg = payload(len, seed);
                    let got = ring.try_send(writer, &msg);
                    if max != 0 && len > max as usize {
                        prop_assert_eq!(got, Err(SendError::TooBig { len, max }));
                    } else if record_size(len) > cap as usize {
                        prop_assert_eq!(got, Err(SendError::ExceedsCapacity { len, capacity: cap }));
                    } else {
                        let want = model.send(msg);
                        prop_assert_eq!(got, want);
                    }
                }
                Op::Recv { buf } => {
                    let mut b = vec![0u8; buf];
                    model.skip_padding();
                    match ring.try_recv(1, &mut b, &AllAlive) {
                        Ok(Some(n)) => {
                            let want = model.queue.pop_front().map(|(m, size)| { model.head += size; m.unwrap() });
                            prop_assert_eq!(Some(&b[..n]), want.as_deref());
                        }
                        Ok(None) => prop_assert!(model.queue.is_empty()),
                        Err(RecvError::InsufficientBuffer { needed }) => {
                            prop_assert_eq!(Some(needed), model.next_len());
                            prop_assert!(needed > buf);
                        }
                        Err(e) => prop_assert!(false, "unexpected {e:?}"),
                    }
                }
                Op::Info => {
                    let info = ring.info();
                    let msgs: Vec<&Vec<u8>> = model.queue.iter().filter_map(|(m, _)| m.as_ref()).collect();
                    prop_assert_eq!(info.messages as usize, msgs.len());
                    prop_assert_eq!(info.bytes as usize, msgs.iter().map(|m| m.len()).sum::<usize>());
                    prop_assert_eq!(info.next_size, msgs.first().map(|m| m.len() as u32));
                    prop_assert_eq!(info.max_message_size, max);
                    prop_assert_eq!(ring.has_message(), !msgs.is_empty());
                }
            }
        }
    }

    #[test]
    fn corruption_never_panics_or_hangs(
        cap in (4u32..32).prop_map(|w| w * 8),
        prefill in 0usize..12,
        pokes in proptest::collection::vec((any::<bool>(), any::<u16>(), any::<u64>()), 1..8),
        ops in proptest::collection::vec(op(), 1..60),
    ) {
        let mem = Mem::new(cap);
        let ring = Ring::init(mem.view(), cap, 0, ParkFutex::new()).unwrap();
        for i in 0..prefill {
            let _ = ring.try_send(i as u32, &payload(i * 5 % 40, i as u8));
        }
        let _ = ring.simulate_crashed_send(3, b"half written");
        for (header, index, value) in pokes {
            if header {
                let i = index as usize % HEADER_WORDS;
                mem.header[i].store(value as u32, Ordering::Relaxed);
            } else {
                let i = index as usize % mem.data.len();
                // Bias towards small cursor-like values sometimes.
                let v = if index % 3 == 0 { value % (4 * u64::from(cap)) } else { value };
                mem.data[i].store(v, Ordering::Relaxed);
            }
        }
        // Every operation returns; none panics.
        let dead = Dead::of(&[3]);
        let attached = Ring::attach(mem.view(), ParkFutex::new());
        for op in ops {
            match op {
                Op::Send { writer, len, seed } => { let _ = ring.try_send(writer, &payload(len, seed)); }
                Op::Recv { buf } => {
                    let mut b = vec![0u8; buf];
                    let _ = ring.try_recv(1, &mut b, &dead);
                    let _ = ring.recv(1, &mut b, Some(std::time::Instant::now()), &dead);
                }
                Op::Info => { let _ = ring.info(); let _ = ring.has_message(); }
            }
            if let Ok(a) = &attached {
                let _ = a.info();
                let mut b = [0u8; 64];
                let _ = a.try_recv(1, &mut b, &dead);
            }
        }
    }
}
