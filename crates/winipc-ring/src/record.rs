//! Record encoding.
//!
//! A record starts at an 8-byte aligned ring position and never crosses the ring end:
//!
//! ```text
//! word 0  claim word:  bits 0..4 state | bits 4..32 length | bits 32..64 writer id
//! word 1  stamp:       the record's cursor (its global arrival sequence, in bytes)
//! word 2.. payload, little-endian, zero-padded to 8 bytes
//! ```
//!
//! A PADDING record is only the claim word; its length field is its whole size (to the ring end).
//!
//! Every free ring word holds a *free tag* derived from the cursor at which the word will next be
//! used. A writer claims a record by CAS-ing the word at the tail from `free_tag(tail)` to its
//! claim word, so the writer's identity and the record length become visible atomically with the
//! reservation; a stale writer (whose `tail` is old) cannot claim because the tag no longer
//! matches. The reader re-tags every word it consumes for the next lap.

/// Record states (low 4 bits of the claim word; 0 means "free tag").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Reserved; the writer is filling in the payload.
    Writing = 1,
    /// Published; the payload is complete.
    Ready = 2,
    /// Filler up to the ring end; the next record starts at position 0.
    Padding = 3,
    /// Abandoned (dead writer) or being consumed; never delivered.
    Skipped = 4,
}

/// Bytes of a message record's header (claim word + stamp).
pub(crate) const HEADER_BYTES: u64 = 16;
const STATE_MASK: u64 = 0xF;
const LEN_SHIFT: u32 = 4;
const LEN_MASK: u64 = (1 << 28) - 1;

/// A decoded claim word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Claim {
    pub state: State,
    pub len: u32,
    pub writer: u32,
}

impl Claim {
    pub fn encode(self) -> u64 {
        (self.state as u64)
            | ((u64::from(self.len) & LEN_MASK) << LEN_SHIFT)
            | (u64::from(self.writer) << 32)
    }

    /// Decodes a claim word; `None` for free tags and unknown states.
    pub fn decode(word: u64) -> Option<Claim> {
        let state = match word & STATE_MASK {
            1 => State::Writing,
            2 => State::Ready,
            3 => State::Padding,
            4 => State::Skipped,
            _ => return None,
        };
        Some(Claim {
            state,
            len: ((word >> LEN_SHIFT) & LEN_MASK) as u32,
            writer: (word >> 32) as u32,
        })
    }

    pub fn with_state(self, state: State) -> Claim {
        Claim { state, ..self }
    }

    /// Size in bytes of the record this claim word heads.
    pub fn record_size(self) -> u64 {
        match self.state {
            State::Padding => u64::from(self.len),
            _ => message_record_size(self.len as usize),
        }
    }
}

/// Size in bytes of the record holding a message of `len` bytes.
pub(crate) fn message_record_size(len: usize) -> u64 {
    HEADER_BYTES + (len as u64).div_ceil(8) * 8
}

/// The free tag expected at the ring word that will be used at byte cursor `cursor`.
///
/// Low 4 bits are 0 (no record state); the rest is an odd-multiplier hash of the cursor, so
/// payload words holding small integers do not look like tags.
pub(crate) fn free_tag(cursor: u64) -> u64 {
    ((cursor >> 3).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5A5A_C3C3_0F0F_6969) << 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claim_roundtrip_and_tags_are_not_claims() {
        for state in [State::Writing, State::Ready, State::Padding, State::Skipped] {
            let c = Claim {
                state,
                len: (1 << 27) - 3,
                writer: u32::MAX,
            };
            assert_eq!(Claim::decode(c.encode()), Some(c));
        }
        for cursor in (0..4096u64).map(|i| i * 8) {
            assert_eq!(Claim::decode(free_tag(cursor)), None);
            assert_ne!(free_tag(cursor), free_tag(cursor + 8));
        }
        assert_eq!(message_record_size(0), 16);
        assert_eq!(message_record_size(1), 24);
        assert_eq!(message_record_size(8), 24);
        assert_eq!(message_record_size(9), 32);
    }
}
