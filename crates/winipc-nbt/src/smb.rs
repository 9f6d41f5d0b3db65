//! The SMB_COM_TRANSACTION "mailslot write" carried in a datagram's user data ([MS-MAIL] 2.2.1,
//! [MS-CIFS] 2.2.4.33), little-endian.
//!
//! Layout (offsets from the start of the SMB message): the 32-byte SMB header, WordCount 17 at
//! 32, the transaction words at 33–66 (TotalDataCount 35, Timeout 45, DataCount 55, DataOffset 57,
//! SetupCount 59, Setup\[0..3\] = opcode, priority, class at 61–66), ByteCount at 67, and from 69
//! the NUL-terminated name `\MAILSLOT\…`, an optional pad and the data.

use crate::error::{Error, Result};
use crate::wire::Reader;

/// The path prefix of every mailslot name, as written by this crate (matched case-insensitively).
pub const MAILSLOT_PREFIX: &str = "\\MAILSLOT\\";

/// [`MailslotWrite::class`] for reliable (second-class, never broadcast) delivery.
pub const CLASS_RELIABLE: u16 = 1;
/// [`MailslotWrite::class`] for unreliable delivery, the class of every broadcast.
pub const CLASS_UNRELIABLE: u16 = 2;

/// The payload budget from which the rounded-up mailslot name length is subtracted; see
/// [`max_payload`].
pub const MAILSLOT_PAYLOAD_LIMIT: usize = 432;

const PROTOCOL: [u8; 4] = *b"\xFFSMB";
const SMB_COM_TRANSACTION: u8 = 0x25;
const WORD_COUNT: u8 = 17;
const SETUP_COUNT: u8 = 3;
const OPCODE_WRITE: u16 = 1;
/// Header flags: case-insensitive, canonicalized paths.
const HEADER_FLAGS: u8 = 0x18;
const HEADER_FLAGS2: u16 = 0x0004;
const PID_LOW: u16 = 0xFEFF;
/// Longest slot name accepted (after `\MAILSLOT\`); keeps every length field far below 16 bits.
const MAX_SLOT_NAME_LEN: usize = 255;
/// Offset of the SMB_Data bytes (the mailslot name) from the start of the message.
const BYTES_OFFSET: usize = 69;

/// Largest payload that one mailslot write may carry, given the length of the name after
/// `\MAILSLOT\` ([MS-MAIL] 3.1.4.1): 1–4 characters → 428, 5–8 → 424, 9–12 → 420, 13–16 → 416.
///
/// ```
/// use winipc_nbt::max_payload;
///
/// assert_eq!(max_payload("BROWSE".len()), 424);
/// assert_eq!(max_payload("NET\\NETLOGON".len()), 420);
/// ```
pub const fn max_payload(name_len: usize) -> usize {
    MAILSLOT_PAYLOAD_LIMIT.saturating_sub(name_len.saturating_add(3) & !3)
}

/// Where an encoded write places its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Layout {
    /// Data right after the name's NUL (DataOffset = 70 + strlen(name)), ParameterOffset 0: the
    /// bytes Samba's `send_mailslot` writes.
    #[default]
    Packed,
    /// Data padded to a 4-byte boundary from the start of the SMB message, ParameterOffset equal
    /// to DataOffset, as in the [MS-MAIL] example.
    Aligned,
}

/// A mailslot write: which slot, and the message for it.
///
/// ```
/// use winipc_nbt::{Layout, MailslotWrite};
///
/// let write = MailslotWrite::new("BROWSE", b"\x01announce");
/// let bytes = write.encode(Layout::Packed)?;
/// assert_eq!(&bytes[..5], b"\xFFSMB\x25");
/// assert_eq!(u16::from_le_bytes([bytes[57], bytes[58]]), 86); // DataOffset, as Samba sends
///
/// let decoded = MailslotWrite::decode(&bytes)?;
/// assert!(decoded.is_for("browse"));
/// assert_eq!(decoded, write);
/// # Ok::<(), winipc_nbt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MailslotWrite<'a> {
    /// The slot name after `\MAILSLOT\`, e.g. `BROWSE` or `NET\NETLOGON`: 1 to 255 bytes of
    /// printable ASCII. Peers compare it case-insensitively (see [`Self::is_for`]).
    pub mailslot: &'a str,
    /// Setup\[1\], 0–9; ignored by receivers.
    pub priority: u16,
    /// Setup\[2\], [`CLASS_UNRELIABLE`] or [`CLASS_RELIABLE`]; ignored by receivers.
    pub class: u16,
    /// Transaction timeout in milliseconds; ignored by receivers (Samba sends 0, Windows 1000).
    pub timeout: u32,
    /// The message.
    pub data: &'a [u8],
}

impl<'a> MailslotWrite<'a> {
    /// A write with the values Samba uses: priority 1, class 2 (unreliable), timeout 0.
    pub const fn new(mailslot: &'a str, data: &'a [u8]) -> Self {
        Self {
            mailslot,
            priority: 1,
            class: CLASS_UNRELIABLE,
            timeout: 0,
            data,
        }
    }

    /// Whether this write targets `mailslot` (the name after `\MAILSLOT\`), ignoring ASCII case.
    pub fn is_for(&self, mailslot: &str) -> bool {
        self.mailslot.eq_ignore_ascii_case(mailslot)
    }

    /// Encodes the SMB message.
    ///
    /// Fails with [`Error::BadString`] for an empty or non-printable slot name and with
    /// [`Error::TooLarge`] when the data exceeds [`max_payload`].
    pub fn encode(&self, layout: Layout) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.encode_into(layout, &mut out)?;
        Ok(out)
    }

    /// Appends the encoded SMB message to `out` (unchanged on error).
    pub fn encode_into(&self, layout: Layout, out: &mut Vec<u8>) -> Result<()> {
        check_slot_name(self.mailslot.as_bytes())?;
        let max = max_payload(self.mailslot.len());
        if self.data.len() > max {
            return Err(Error::TooLarge {
                len: self.data.len(),
                max,
            });
        }
        // Bounded by the checks above (name ≤ 255 bytes, data ≤ 432 bytes): all fit in 16 bits.
        let name_end = BYTES_OFFSET + MAILSLOT_PREFIX.len() + self.mailslot.len() + 1;
        let data_offset = match layout {
            Layout::Packed => name_end,
            Layout::Aligned => name_end.next_multiple_of(4),
        };
        let param_offset = match layout {
            Layout::Packed => 0,
            Layout::Aligned => data_offset,
        };
        let byte_count = data_offset - BYTES_OFFSET + self.data.len();
        let data_count = le16(self.data.len());

        let start = out.len();
        out.extend_from_slice(&PROTOCOL);
        out.push(SMB_COM_TRANSACTION);
        out.extend_from_slice(&[0; 4]); // Status
        out.push(HEADER_FLAGS);
        out.extend_from_slice(&HEADER_FLAGS2.to_le_bytes());
        out.extend_from_slice(&[0; 12]); // PIDHigh, SecurityFeatures, Reserved
        out.extend_from_slice(&[0; 2]); // TID
        out.extend_from_slice(&PID_LOW.to_le_bytes());
        out.extend_from_slice(&[0; 4]); // UID, MID
        out.push(WORD_COUNT);
        out.extend_from_slice(&[0; 2]); // TotalParameterCount
        out.extend_from_slice(&data_count); // TotalDataCount
        out.extend_from_slice(&[0; 4]); // MaxParameterCount, MaxDataCount
        out.extend_from_slice(&[0; 2]); // MaxSetupCount, Reserved
        out.extend_from_slice(&[0; 2]); // Flags
        out.extend_from_slice(&self.timeout.to_le_bytes());
        out.extend_from_slice(&[0; 2]); // Reserved2
        out.extend_from_slice(&[0; 2]); // ParameterCount
        out.extend_from_slice(&le16(param_offset));
        out.extend_from_slice(&data_count);
        out.extend_from_slice(&le16(data_offset));
        out.extend_from_slice(&[SETUP_COUNT, 0]);
        out.extend_from_slice(&OPCODE_WRITE.to_le_bytes());
        out.extend_from_slice(&self.priority.to_le_bytes());
        out.extend_from_slice(&self.class.to_le_bytes());
        out.extend_from_slice(&le16(byte_count));
        debug_assert_eq!(out.len() - start, BYTES_OFFSET);
        out.extend_from_slice(MAILSLOT_PREFIX.as_bytes());
        out.extend_from_slice(self.mailslot.as_bytes());
        out.push(0);
        out.resize(start + data_offset, 0);
        out.extend_from_slice(self.data);
        Ok(())
    }

    /// Decodes a mailslot write, borrowing the slot name and data from `buf`.
    ///
    /// The data is located with DataOffset and DataCount alone, which must lie after the name and
    /// within ByteCount; any pad is skipped. Fields that [MS-MAIL] says to ignore are ignored.
    pub fn decode(buf: &'a [u8]) -> Result<Self> {
        let mut reader = Reader::new(buf);
        let protocol = reader.array::<4>()?;
        expect(
            "Protocol",
            u32::from_be_bytes(protocol),
            u32::from_be_bytes(PROTOCOL),
        )?;
        expect("Command", reader.u8()?.into(), SMB_COM_TRANSACTION.into())?;
        reader.take(27)?; // Status .. MID
        expect("WordCount", reader.u8()?.into(), WORD_COUNT.into())?;
        reader.take(2)?; // TotalParameterCount
        let total_data_count = reader.u16_le()?;
        reader.take(8)?; // MaxParameterCount, MaxDataCount, MaxSetupCount, Reserved, Flags
        let timeout = reader.u32_le()?;
        reader.take(6)?; // Reserved2, ParameterCount, ParameterOffset
        let data_count = usize::from(reader.u16_le()?);
        let data_offset = usize::from(reader.u16_le()?);
        expect("SetupCount", reader.u8()?.into(), SETUP_COUNT.into())?;
        reader.take(1)?; // Reserved3
        expect(
            "MailSlotOpcode",
            reader.u16_le()?.into(),
            OPCODE_WRITE.into(),
        )?;
        let priority = reader.u16_le()?;
        let class = reader.u16_le()?;
        let byte_count = usize::from(reader.u16_le()?);
        let bytes = reader.rest().get(..byte_count).ok_or(Error::BadLength {
            field: "ByteCount",
            value: byte_count,
            actual: reader.rest().len(),
        })?;

        let nul = bytes.iter().position(|&b| b == 0).ok_or(Error::BadString {
            field: "mailslot name",
            reason: "not NUL-terminated",
        })?;
        let path = bytes.get(..nul).unwrap_or_default();
        let (prefix, slot) = path
            .split_at_checked(MAILSLOT_PREFIX.len())
            .ok_or(Error::NotMailslot)?;
        if !prefix.eq_ignore_ascii_case(MAILSLOT_PREFIX.as_bytes()) {
            return Err(Error::NotMailslot);
        }
        check_slot_name(slot)?;
        let mailslot = std::str::from_utf8(slot).map_err(|_| Error::BadString {
            field: "mailslot name",
            reason: "not printable ASCII",
        })?;

        if usize::from(total_data_count) != data_count {
            return Err(Error::BadLength {
                field: "TotalDataCount",
                value: total_data_count.into(),
                actual: data_count,
            });
        }
        let name_end = BYTES_OFFSET + nul + 1;
        let bytes_end = BYTES_OFFSET + byte_count;
        if data_offset < name_end || data_offset > bytes_end {
            return Err(Error::BadLength {
                field: "DataOffset",
                value: data_offset,
                actual: bytes_end,
            });
        }
        let data = buf
            .get(data_offset..bytes_end)
            .and_then(|region| region.get(..data_count))
            .ok_or(Error::BadLength {
                field: "DataCount",
                value: data_count,
                actual: bytes_end - data_offset,
            })?;
        let max = max_payload(mailslot.len());
        if data_count > max {
            return Err(Error::TooLarge {
                len: data_count,
                max,
            });
        }
        Ok(Self {
            mailslot,
            priority,
            class,
            timeout,
            data,
        })
    }
}

/// Accepts a slot name of 1 to [`MAX_SLOT_NAME_LEN`] printable ASCII bytes.
fn check_slot_name(name: &[u8]) -> Result<()> {
    if name.is_empty() {
        return Err(Error::BadString {
            field: "mailslot name",
            reason: "empty",
        });
    }
    if name.len() > MAX_SLOT_NAME_LEN {
        return Err(Error::BadString {
            field: "mailslot name",
            reason: "longer than 255 bytes",
        });
    }
    if !name.iter().all(|b| (b' '..=b'~').contains(b)) {
        return Err(Error::BadString {
            field: "mailslot name",
            reason: "not printable ASCII",
        });
    }
    Ok(())
}

fn expect(field: &'static str, value: u32, expected: u32) -> Result<()> {
    if value == expected {
        Ok(())
    } else {
        Err(Error::UnexpectedValue {
            field,
            value,
            expected,
        })
    }
}

/// Little-endian bytes of a length that the encoder's checks keep within 16 bits.
fn le16(value: usize) -> [u8; 2] {
    debug_assert!(value <= usize::from(u16::MAX));
    (value as u16).to_le_bytes()
}
