//! Self-checking messages: `writer id (u32) | sequence (u32) | FNV-1a 64 of the payload (u64)`
//! followed by a payload derived from (writer, sequence). A receiver can tell a lost,
//! duplicated, reordered, torn or mixed-up message from a good one.

/// Bytes of the header.
pub const HEADER: usize = 16;

/// FNV-1a, 64 bits.
pub fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Writes message (`writer`, `seq`) of `len` bytes (`len >= HEADER`) into `buf[..len]`.
pub fn fill(buf: &mut [u8], writer: u32, seq: u32, len: usize) {
    assert!(len >= HEADER && len <= buf.len());
    let salt = (writer as u8).wrapping_mul(31) ^ (seq as u8).wrapping_mul(7);
    for (i, b) in buf[HEADER..len].iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(13) ^ salt;
    }
    let sum = fnv64(&buf[HEADER..len]);
    buf[0..4].copy_from_slice(&writer.to_le_bytes());
    buf[4..8].copy_from_slice(&seq.to_le_bytes());
    buf[8..16].copy_from_slice(&sum.to_le_bytes());
}

/// Why a message failed its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bad {
    /// Shorter than a header.
    Short(usize),
    /// The checksum does not match the payload.
    Checksum {
        /// Claimed writer.
        writer: u32,
        /// Claimed sequence number.
        seq: u32,
    },
    /// The payload is not the one (writer, seq) sends.
    Payload {
        /// Claimed writer.
        writer: u32,
        /// Claimed sequence number.
        seq: u32,
    },
}

/// Checks a received message; returns (writer, seq).
pub fn check(m: &[u8]) -> Result<(u32, u32), Bad> {
    if m.len() < HEADER {
        return Err(Bad::Short(m.len()));
    }
    let writer = u32::from_le_bytes(m[0..4].try_into().unwrap());
    let seq = u32::from_le_bytes(m[4..8].try_into().unwrap());
    let sum = u64::from_le_bytes(m[8..16].try_into().unwrap());
    if fnv64(&m[HEADER..]) != sum {
        return Err(Bad::Checksum { writer, seq });
    }
    let salt = (writer as u8).wrapping_mul(31) ^ (seq as u8).wrapping_mul(7);
    if m[HEADER..]
        .iter()
        .enumerate()
        .any(|(i, &b)| b != (i as u8).wrapping_mul(13) ^ salt)
    {
        return Err(Bad::Payload { writer, seq });
    }
    Ok((writer, seq))
}

/// The size of message `seq` in the load mix (`max` = the slot's maximum): mostly small,
/// sometimes large, now and then exactly `max`; `None` for the zero-length messages (every
/// 64th), which carry no header and are counted in aggregate.
pub fn load_size(rng: &mut crate::Rng, seq: u32, max: usize) -> Option<usize> {
    if seq % 64 == 63 {
        return None;
    }
    if seq % 1000 == 500 {
        return Some(max);
    }
    let r = rng.below(100);
    let (lo, hi) = match r {
        0..60 => (HEADER, 64),
        60..90 => (64, 512),
        _ => (512, max),
    };
    Some(lo + rng.below((hi - lo + 1) as u64) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_detection() {
        let mut b = [0u8; 100];
        fill(&mut b, 3, 77, 100);
        assert_eq!(check(&b), Ok((3, 77)));
        b[50] ^= 1;
        assert!(check(&b).is_err());
        fill(&mut b, 3, 77, 40);
        assert_eq!(check(&b[..40]), Ok((3, 77)));
        assert!(check(&b[..39]).is_err(), "a torn message is caught");
    }
}
