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

#[derive(Debug, Clone)]
enum StallOp {
    /// A sender (ids 0..4) queues a message.
    Send {
        writer: u32,
        len: usize,
        seed: u8,
    },
    /// A new writer reserves a record and stops before publishing it.
    Stall {
        len: usize,
        seed: u8,
    },
    /// The `n`-th still stopped writer (modulo their number) resumes and publishes.
    Resume {
        n: usize,
    },
    Recv,
}

fn stall_op() -> impl Strategy<Value = StallOp> {
    prop_oneof![
        4 => (0u32..4, 0usize..60, any::<u8>()).prop_map(|(writer, len, seed)| StallOp::Send { writer, len, seed }),
        1 => (0usize..60, any::<u8>()).prop_map(|(len, seed)| StallOp::Stall { len, seed }),
        1 => any::<usize>().prop_map(|n| StallOp::Resume { n }),
        3 => Just(StallOp::Recv),
    ]
}

/// A record of the stalled-writer model: its message (`None` = padding), size, and state.
#[derive(Debug, Clone, PartialEq)]
enum Rec {
    Padding,
    Stuck(Vec<u8>),
    Ready(Vec<u8>),
    Consumed,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Issue 13 item 9 against a model: writers stopped between reserving and publishing (real
    /// threads parked inside `simulate_stalled_send`) hold back no one. The next message is the
    /// first READY one in reservation order; space is reclaimed only up to the first record not
    /// yet consumed (stuck records included); nothing is lost, duplicated or reordered.
    #[test]
    fn stalled_writers_hold_back_no_one(cap in (6u32..48).prop_map(|w| w * 8), ops in proptest::collection::vec(stall_op(), 1..80)) {
        let mem = Mem::new(cap);
        let ring = Ring::init(mem.view(), cap, 0, ParkFutex::new()).unwrap();
        let cap = cap as usize;
        // Reservation-ordered records with their sizes; `head` = cursor of the first one.
        let mut recs: VecDeque<(Rec, usize)> = VecDeque::new();
        let (mut head, mut tail) = (0usize, 0usize);
        std::thread::scope(|s| -> Result<(), TestCaseError> {
            // Stopped writers: (index in `recs` counted from the front at reservation, resume
            // channel, join handle).
            let mut stopped: Vec<(usize, std::sync::mpsc::Sender<()>, std::thread::ScopedJoinHandle<'_, ()>)> = Vec::new();
            let mut next_id = 100u32;
            let reserve = |recs: &mut VecDeque<(Rec, usize)>, head: usize, tail: &mut usize, need: usize, rec: Rec| -> bool {
                let room = cap - *tail % cap;
                if need > room {
                    if room > cap - (*tail - head) {
                        return false;
                    }
                    recs.push_back((Rec::Padding, room));
                    *tail += room;
                }
                if need > cap - (*tail - head) {
                    return false;
                }
                recs.push_back((rec, need));
                *tail += need;
                true
            };
            for op in ops {
                match op {
                    StallOp::Send { len, .. } | StallOp::Stall { len, .. } if record_size(len) > cap => {}
                    StallOp::Send { writer, len, seed } => {
                        let msg = payload(len, seed);
                        let got = ring.try_send(writer, &msg);
                        let mut model = recs.clone();
                        let mut t = tail;
                        let ok = reserve(&mut model, head, &mut t, record_size(len), Rec::Ready(msg));
                        prop_assert_eq!(got.is_ok(), ok, "send {:?}", got);
                        // A padding record claimed before finding the ring full stays.
                        recs = model;
                        tail = t;
                    }
                    StallOp::Stall { len, seed } => {
                        let msg = payload(len, seed);
                        let (reserved_tx, reserved_rx) = std::sync::mpsc::channel::<bool>();
                        let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
                        let id = next_id;
                        next_id += 1;
                        let ring = &ring;
                        let m = msg.clone();
                        let done_tx = reserved_tx.clone();
                        let h = s.spawn(move || {
                            let r = ring.simulate_stalled_send(id, &m, || {
                                let _ = reserved_tx.send(true);
                                let _ = go_rx.recv();
                            });
                            if r.is_err() {
                                done_tx.send(false).unwrap();
                            }
                        });
                        let got = reserved_rx.recv().unwrap();
                        let mut model = recs.clone();
                        let mut t = tail;
                        let ok = reserve(&mut model, head, &mut t, record_size(len), Rec::Stuck(msg));
                        prop_assert_eq!(got, ok);
                        recs = model;
                        tail = t;
                        if ok {
                            stopped.push((recs.len() - 1, go_tx, h));
                        } else {
                            h.join().unwrap();
                        }
                    }
                    StallOp::Resume { n } => {
                        if stopped.is_empty() {
                            continue;
                        }
                        let (ix, go, h) = stopped.remove(n % stopped.len());
                        go.send(()).unwrap();
                        h.join().unwrap();
                        let Rec::Stuck(m) = recs[ix].0.clone() else {
                            return Err(TestCaseError::fail("not stuck"));
                        };
                        recs[ix].0 = Rec::Ready(m);
                    }
                    StallOp::Recv => {
                        // Like the ring, reclaim consumed records and padding at the front only
                        // when reading (and the message delivered from the front at once).
                        let pop = |recs: &mut VecDeque<(Rec, usize)>, head: &mut usize, stopped: &mut Vec<(usize, _, _)>| {
                            while matches!(recs.front(), Some((Rec::Padding | Rec::Consumed, _))) {
                                *head += recs.pop_front().unwrap().1;
                                for st in stopped.iter_mut() {
                                    st.0 -= 1;
                                }
                            }
                        };
                        pop(&mut recs, &mut head, &mut stopped);
                        let mut b = vec![0u8; 64];
                        let got = ring.try_recv(1, &mut b, &AllAlive);
                        let want = recs.iter_mut().find(|(r, _)| matches!(r, Rec::Ready(_)));
                        match (got, want) {
                            (Ok(Some(n)), Some((r, _))) => {
                                let Rec::Ready(m) = std::mem::replace(r, Rec::Consumed) else { unreachable!() };
                                prop_assert_eq!(&b[..n], &m[..]);
                                if let Some((Rec::Consumed, size)) = recs.front() {
                                    head += size;
                                    recs.pop_front();
                                    for st in stopped.iter_mut() {
                                        st.0 -= 1;
                                    }
                                }
                            }
                            (Ok(None), None) => {}
                            (got, want) => prop_assert!(false, "recv {:?}, model {:?}", got, want),
                        }
                    }
                }
            }
            for (_, go, h) in stopped.drain(..) {
                go.send(()).unwrap();
                h.join().unwrap();
            }
            Ok(())
        })?;
        // Every message still queued arrives, in reservation order of what is READY.
        let mut b = vec![0u8; 64];
        for (r, _) in recs {
            if let Rec::Ready(m) | Rec::Stuck(m) = r {
                let n = ring.try_recv(1, &mut b, &AllAlive).unwrap().unwrap();
                prop_assert_eq!(&b[..n], &m[..]);
            }
        }
        prop_assert_eq!(ring.try_recv(1, &mut b, &AllAlive).unwrap(), None);
    }
}
