//! The harness's message format and its per-sender sequence check.
//!
//! Layout (little-endian): bytes 0..8 sequence number (`END` marks a sender's last message),
//! 8..16 send timestamp in ns (wake scenario only), 16..20 sender id, rest filled with the low
//! byte of the sequence number so that a torn or stale copy is detected too.

/// Smallest message the header fits in.
pub const MIN_SIZE: usize = 20;

/// Sequence number of the message a sender sends after its last data message.
pub const END: u64 = u64::MAX;

/// What a received message turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A data message in the expected order.
    Data,
    /// The closing message of one sender.
    End,
    /// Lost, duplicated, reordered, torn or of the wrong size.
    Bad,
}

/// Writes the header and filler for message `seq` of `sender`.
pub fn encode(buf: &mut [u8], seq: u64, timestamp_ns: u64, sender: u32) {
    buf[0..8].copy_from_slice(&seq.to_le_bytes());
    buf[8..16].copy_from_slice(&timestamp_ns.to_le_bytes());
    buf[16..20].copy_from_slice(&sender.to_le_bytes());
    buf[MIN_SIZE..].fill(seq as u8);
}

/// Sequence number of a message.
pub fn seq(buf: &[u8]) -> u64 {
    u64::from_le_bytes(buf[0..8].try_into().expect("8 bytes"))
}

/// Send timestamp of a message.
pub fn timestamp_ns(buf: &[u8]) -> u64 {
    u64::from_le_bytes(buf[8..16].try_into().expect("8 bytes"))
}

fn sender(buf: &[u8]) -> u32 {
    u32::from_le_bytes(buf[16..20].try_into().expect("4 bytes"))
}

/// Whether every byte of `filler` is `byte`, compared eight bytes at a time: the check runs on
/// every received message, so a byte loop would be a visible part of the fastest transports'
/// per-message cost and shrink their ratios.
fn filler_ok(filler: &[u8], byte: u8) -> bool {
    let pattern = u64::from_ne_bytes([byte; 8]);
    let mut words = filler.chunks_exact(8);
    let whole = words.all(|w| u64::from_ne_bytes(w.try_into().expect("8 bytes")) == pattern);
    whole && words.remainder().iter().all(|&b| b == byte)
}

/// Verifies that each sender's messages arrive complete, once, and in order.
#[derive(Debug)]
pub struct SeqChecker {
    expected: Vec<u64>,
    msg_size: usize,
    /// Data messages accepted (in order or not).
    pub received: u64,
    /// Messages that were not the next expected one of their sender, or malformed.
    pub errors: u64,
    /// Senders whose `END` arrived.
    pub ended: usize,
}

impl SeqChecker {
    /// A checker for `senders` senders numbered `0..senders`.
    pub fn new(senders: usize, msg_size: usize) -> Self {
        Self {
            expected: vec![0; senders],
            msg_size,
            received: 0,
            errors: 0,
            ended: 0,
        }
    }

    /// Classifies a received message of `len` bytes at the start of `buf`.
    pub fn check(&mut self, buf: &[u8], len: usize) -> Kind {
        if len != self.msg_size {
            self.errors += 1;
            return Kind::Bad;
        }
        let (seq, id) = (seq(buf), sender(buf) as usize);
        let Some(expected) = self.expected.get_mut(id) else {
            self.errors += 1;
            return Kind::Bad;
        };
        if seq == END {
            self.ended += 1;
            return Kind::End;
        }
        self.received += 1;
        let filler_ok = filler_ok(&buf[MIN_SIZE..len], seq as u8);
        if seq != *expected || !filler_ok {
            self.errors += 1;
            *expected = seq.wrapping_add(1);
            return Kind::Bad;
        }
        *expected += 1;
        Kind::Data
    }

    /// Whether every sender has sent `END`.
    pub fn all_ended(&self) -> bool {
        self.ended == self.expected.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filler_check_sees_every_byte() {
        for len in 0..40 {
            let good = vec![0xA5u8; len];
            assert!(filler_ok(&good, 0xA5));
            for at in 0..len {
                let mut bad = good.clone();
                bad[at] ^= 0x10;
                assert!(!filler_ok(&bad, 0xA5), "len {len}, byte {at}");
            }
        }
    }

    #[test]
    fn detects_loss_reorder_and_corruption() {
        let mut c = SeqChecker::new(2, 32);
        let mut m = [0u8; 32];
        for (seq, id) in [(0, 0), (0, 1), (1, 0), (3, 0), (1, 1)] {
            encode(&mut m, seq, 0, id);
            c.check(&m, 32);
        }
        assert_eq!((c.received, c.errors), (5, 1));
        encode(&mut m, 2, 0, 1);
        m[31] ^= 1;
        assert_eq!(c.check(&m, 32), Kind::Bad);
        assert_eq!(c.check(&m, 31), Kind::Bad);
        encode(&mut m, END, 0, 0);
        assert_eq!(c.check(&m, 32), Kind::End);
        encode(&mut m, END, 0, 1);
        c.check(&m, 32);
        assert!(c.all_ended());
    }
}
