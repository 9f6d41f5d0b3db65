//! NetBIOS names and their first-level encoding (RFC 1001 §14.1, RFC 1002 §4.1).
//!
//! A NetBIOS name is 15 bytes of name, padded with spaces, followed by a one-byte suffix that says
//! which service the name stands for. On the wire it is "first-level encoded": every byte becomes
//! two characters `'A' + nibble`, giving a 32-byte DNS label. Names are written as
//! `0x20`, the 32 characters, `0x00`: this crate neither produces nor accepts a NetBIOS scope, nor
//! DNS compression pointers, and reports them as [`NameError::ScopeNotSupported`] and
//! [`NameError::CompressionPointer`] (a node without a scope must ignore packets of other scopes).

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, NameError, Result};
use crate::wire::Reader;

/// Well-known name suffixes (the 16th byte of a NetBIOS name).
pub mod suffix {
    /// `<00>`: workstation service; unique `COMPUTER<00>` and group `DOMAIN<00>`.
    pub const WORKSTATION: u8 = 0x00;
    /// `<01>`: used by [`MSBROWSE`](super::NbName::MSBROWSE), the master browsers' group.
    pub const MASTER_BROWSERS: u8 = 0x01;
    /// `<1B>`: the domain's primary domain controller (unique).
    pub const PDC: u8 = 0x1B;
    /// `<1C>`: the domain controllers (group).
    pub const DOMAIN_CONTROLLERS: u8 = 0x1C;
    /// `<1D>`: the local master browser of a workgroup (unique per subnet).
    pub const MASTER_BROWSER: u8 = 0x1D;
    /// `<1E>`: the browser election group of a workgroup.
    pub const BROWSER_ELECTION: u8 = 0x1E;
}

/// A NetBIOS name: 15 space-padded bytes and a suffix.
///
/// Names built from text with [`NbName::new`] or [`str::parse`] are validated and upper-cased.
/// Names decoded from the wire keep their bytes exactly as received, so they re-encode
/// identically; equality is byte-wise.
///
/// ```
/// use winipc_nbt::{NbName, name::suffix};
///
/// let name = NbName::new("nmbdhost", suffix::WORKSTATION)?;
/// assert_eq!(name.to_string(), "NMBDHOST<00>");
/// assert_eq!(&name.first_level_encode(), b"EOENECEEEIEPFDFECACACACACACACAAA");
/// assert_eq!("WORKGROUP<1d>".parse::<NbName>()?, NbName::new("workgroup", 0x1D)?);
/// # Ok::<(), winipc_nbt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NbName {
    name: [u8; 15],
    suffix: u8,
}

impl NbName {
    /// Length of an encoded name on the wire: length byte, 32 characters, terminating zero.
    pub const WIRE_LEN: usize = 34;

    /// `\x01\x02__MSBROWSE__\x02<01>`, the group of all master browsers on a subnet.
    pub const MSBROWSE: NbName = NbName {
        name: *b"\x01\x02__MSBROWSE__\x02",
        suffix: suffix::MASTER_BROWSERS,
    };

    /// Builds a name from text: 1 to 15 printable ASCII bytes without `.`, upper-cased.
    pub fn new(name: &str, suffix: u8) -> Result<Self, NameError> {
        let bytes = name.as_bytes();
        if bytes.len() > 15 {
            return Err(NameError::TooLong { len: bytes.len() });
        }
        if let Some(&byte) = bytes.iter().find(|b| !(b' '..=b'~').contains(*b)) {
            return Err(NameError::NotPrintable { byte });
        }
        if bytes.contains(&b'.') {
            return Err(NameError::ContainsDot);
        }
        if bytes.iter().all(|&b| b == b' ') {
            return Err(NameError::Empty);
        }
        let mut padded = [b' '; 15];
        for (dst, src) in padded.iter_mut().zip(bytes) {
            *dst = src.to_ascii_uppercase();
        }
        Ok(Self {
            name: padded,
            suffix,
        })
    }

    /// Builds a name from raw bytes, without validation (as received from the wire).
    pub const fn from_raw(name: [u8; 15], suffix: u8) -> Self {
        Self { name, suffix }
    }

    /// The same name with another suffix, e.g. `WORKGROUP<00>` to `WORKGROUP<1D>`.
    #[must_use]
    pub const fn with_suffix(self, suffix: u8) -> Self {
        Self {
            name: self.name,
            suffix,
        }
    }

    /// The 15 name bytes, padding included.
    pub const fn name_bytes(&self) -> &[u8; 15] {
        &self.name
    }

    /// The name bytes without the trailing space padding.
    pub fn trimmed(&self) -> &[u8] {
        let len = self
            .name
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(0, |i| i + 1);
        self.name.get(..len).unwrap_or_default()
    }

    /// The suffix byte.
    pub const fn suffix(&self) -> u8 {
        self.suffix
    }

    /// The 32-character first-level encoding (without the length byte and terminator).
    pub fn first_level_encode(&self) -> [u8; 32] {
        let mut out = [0; 32];
        let bytes = self.name.iter().chain(std::iter::once(&self.suffix));
        for (pair, byte) in out.chunks_exact_mut(2).zip(bytes) {
            pair.copy_from_slice(&[b'A' + (byte >> 4), b'A' + (byte & 0x0F)]);
        }
        out
    }

    /// Decodes the 32-character first-level encoding.
    pub fn from_first_level(encoded: &[u8; 32]) -> Result<Self, NameError> {
        let mut raw = [0u8; 16];
        for (byte, pair) in raw.iter_mut().zip(encoded.chunks_exact(2)) {
            let mut nibbles = [0u8; 2];
            for (nibble, &c) in nibbles.iter_mut().zip(pair) {
                if !(b'A'..=b'P').contains(&c) {
                    return Err(NameError::BadEncoding { byte: c });
                }
                *nibble = c - b'A';
            }
            *byte = nibbles[0] << 4 | nibbles[1];
        }
        let [name @ .., suffix] = raw;
        Ok(Self { name, suffix })
    }

    /// Appends the wire form ([`Self::WIRE_LEN`] bytes) to `out`.
    pub fn encode_into(&self, out: &mut Vec<u8>) {
        out.push(0x20);
        out.extend_from_slice(&self.first_level_encode());
        out.push(0x00);
    }

    /// Decodes a name at the start of `buf`, returning it and the number of bytes it used.
    pub fn decode(buf: &[u8]) -> Result<(Self, usize)> {
        let mut reader = Reader::new(buf);
        let name = Self::read(&mut reader)?;
        Ok((name, reader.position()))
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Self> {
        let len = reader.u8()?;
        if len & 0xC0 == 0xC0 {
            return Err(NameError::CompressionPointer.into());
        }
        if usize::from(len) != 32 {
            return Err(NameError::BadLabelLength { len }.into());
        }
        let name = Self::from_first_level(&reader.array()?)?;
        match reader.u8()? {
            0 => Ok(name),
            next if next & 0xC0 == 0xC0 => Err(NameError::CompressionPointer.into()),
            _ => Err(NameError::ScopeNotSupported.into()),
        }
    }
}

/// Writes `NAME<hh>`, escaping bytes outside printable ASCII as `\xHH`.
impl fmt::Display for NbName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &byte in self.trimmed() {
            if (b' '..=b'~').contains(&byte) {
                write!(f, "{}", char::from(byte))?;
            } else {
                write!(f, "\\x{byte:02X}")?;
            }
        }
        write!(f, "<{:02X}>", self.suffix)
    }
}

/// Parses `NAME<hh>` (for example `WORKGROUP<1D>`) with the rules of [`NbName::new`].
impl FromStr for NbName {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let (name, hex) = s
            .strip_suffix('>')
            .and_then(|rest| rest.rsplit_once('<'))
            .ok_or(NameError::BadSuffixSyntax)?;
        if hex.len() != 2 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(NameError::BadSuffixSyntax.into());
        }
        let suffix = u8::from_str_radix(hex, 16).map_err(|_| NameError::BadSuffixSyntax)?;
        Ok(Self::new(name, suffix)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_vector() {
        let name = NbName::new("NMBDHOST", suffix::WORKSTATION).unwrap();
        assert_eq!(
            &name.first_level_encode(),
            b"EOENECEEEIEPFDFECACACACACACACAAA"
        );
        let mut wire = Vec::new();
        name.encode_into(&mut wire);
        assert_eq!(wire.len(), NbName::WIRE_LEN);
        assert_eq!(wire[0], 0x20);
        assert_eq!(wire[33], 0x00);
        assert_eq!(NbName::decode(&wire).unwrap(), (name, 34));
    }

    #[test]
    fn msbrowse() {
        assert_eq!(
            NbName::MSBROWSE.to_string(),
            "\\x01\\x02__MSBROWSE__\\x02<01>"
        );
        assert_eq!(
            &NbName::MSBROWSE.first_level_encode(),
            b"ABACFPFPENFDECFCEPFHFDEFFPFPACAB"
        );
    }

    #[test]
    fn text_validation() {
        assert_eq!(NbName::new("", 0), Err(NameError::Empty));
        assert_eq!(NbName::new("   ", 0), Err(NameError::Empty));
        assert_eq!(
            NbName::new("ABCDEFGHIJKLMNOP", 0),
            Err(NameError::TooLong { len: 16 })
        );
        assert_eq!(NbName::new("a.b", 0), Err(NameError::ContainsDot));
        assert_eq!(
            NbName::new("a\tb", 0),
            Err(NameError::NotPrintable { byte: b'\t' })
        );
        assert_eq!(
            NbName::new("é", 0),
            Err(NameError::NotPrintable { byte: 0xC3 })
        );
        assert_eq!(NbName::new("host", 0x20).unwrap().trimmed(), b"HOST");
    }

    #[test]
    fn parse_and_display() {
        let name: NbName = "Workgroup<1e>".parse().unwrap();
        assert_eq!(
            name,
            NbName::new("WORKGROUP", suffix::BROWSER_ELECTION).unwrap()
        );
        assert_eq!(name.to_string(), "WORKGROUP<1E>");
        for bad in [
            "HOST",
            "HOST<1>",
            "HOST<123>",
            "HOST<zz>",
            "HOST<+1>",
            "<00>",
        ] {
            assert!(bad.parse::<NbName>().is_err(), "{bad}");
        }
    }

    #[test]
    fn wire_errors() {
        let mut wire = Vec::new();
        NbName::new("HOST", 0).unwrap().encode_into(&mut wire);
        assert_eq!(
            NbName::decode(&wire[..20]),
            Err(Error::Truncated {
                needed: 33,
                got: 20
            })
        );
        let mut scoped = wire.clone();
        scoped[33] = 3;
        assert_eq!(
            NbName::decode(&scoped),
            Err(NameError::ScopeNotSupported.into())
        );
        let mut pointer = wire.clone();
        pointer[0] = 0xC0;
        assert_eq!(
            NbName::decode(&pointer),
            Err(NameError::CompressionPointer.into())
        );
        let mut short = wire.clone();
        short[0] = 16;
        assert_eq!(
            NbName::decode(&short),
            Err(NameError::BadLabelLength { len: 16 }.into())
        );
        let mut lower = wire;
        lower[5] = b'a';
        assert_eq!(
            NbName::decode(&lower),
            Err(NameError::BadEncoding { byte: b'a' }.into())
        );
    }
}
