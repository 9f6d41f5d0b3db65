//! Browser protocol frames carried in `\MAILSLOT\BROWSE` writes ([MS-BRWS] 2.2), little-endian:
//! HostAnnouncement (opcode 1), DomainAnnouncement (12), LocalMasterAnnouncement (15) and
//! RequestElection (8). Other opcodes are reported as [`Error::UnsupportedType`].
//!
//! Strings are OEM-codepage bytes and are returned as byte slices. Bytes after the final
//! NUL-terminated string are ignored.

use crate::error::{Error, Result};
use crate::wire::Reader;

/// The mailslot browser frames are written to (after `\MAILSLOT\`).
pub const BROWSE_MAILSLOT: &str = "BROWSE";

/// Default announcement interval: 12 minutes, the steady-state rate of [MS-BRWS].
const DEFAULT_PERIODICITY_MS: u32 = 12 * 60 * 1000;
const BROWSER_VERSION_MAJOR: u8 = 15;
const BROWSER_VERSION_MINOR: u8 = 1;
/// The announcement signature 0xAA55.
pub const ANNOUNCEMENT_SIGNATURE: u16 = 0xAA55;
const OPCODE_REQUEST_ELECTION: u8 = 8;
/// ServerName field of an announcement: up to 15 bytes, NUL-terminated, NUL-padded.
const SERVER_NAME_FIELD_LEN: usize = 16;

/// Bits of the ServerType field ([MS-RAP] SV_TYPE_*).
pub mod server_type {
    /// A workstation.
    pub const WORKSTATION: u32 = 0x0000_0001;
    /// A server (offers shares).
    pub const SERVER: u32 = 0x0000_0002;
    /// A domain controller.
    pub const DOMAIN_CTRL: u32 = 0x0000_0008;
    /// Shares a print queue.
    pub const PRINTQ_SERVER: u32 = 0x0000_0200;
    /// A Unix/Samba server.
    pub const SERVER_UNIX: u32 = 0x0000_0800;
    /// A Windows NT workstation or server.
    pub const NT: u32 = 0x0000_1000;
    /// A Windows NT server that is not a domain controller.
    pub const SERVER_NT: u32 = 0x0000_8000;
    /// Can run the browser service.
    pub const POTENTIAL_BROWSER: u32 = 0x0001_0000;
    /// A backup browser.
    pub const BACKUP_BROWSER: u32 = 0x0002_0000;
    /// The local master browser.
    pub const MASTER_BROWSER: u32 = 0x0004_0000;
    /// The domain master browser.
    pub const DOMAIN_MASTER: u32 = 0x0008_0000;
    /// The entry is a domain (DomainAnnouncement).
    pub const DOMAIN_ENUM: u32 = 0x8000_0000;
}

/// Which announcement an [`Announcement`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum AnnouncementKind {
    /// HostAnnouncement, opcode 1: a host announces itself to its workgroup.
    Host = 1,
    /// DomainAnnouncement, opcode 12: a master browser announces its workgroup to
    /// `__MSBROWSE__<01>`; `server_name` is the workgroup, `comment` the master browser's name.
    Domain = 12,
    /// LocalMasterAnnouncement, opcode 15: the local master browser announces itself.
    LocalMaster = 15,
}

/// A host, local master or domain announcement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Announcement<'a> {
    /// Which announcement this is.
    pub kind: AnnouncementKind,
    /// UpdateCount, incremented by some senders on every change.
    pub update_count: u8,
    /// Periodicity: milliseconds until the next announcement.
    pub periodicity_ms: u32,
    /// ServerName, without its terminator: at most 15 bytes, no NUL.
    pub server_name: &'a [u8],
    /// OSVersionMajor.
    pub os_major: u8,
    /// OSVersionMinor.
    pub os_minor: u8,
    /// ServerType, a combination of [`server_type`] bits.
    pub server_type: u32,
    /// BrowserConfigVersionMajor (15 for current browsers).
    pub browser_version_major: u8,
    /// BrowserConfigVersionMinor (1 for current browsers).
    pub browser_version_minor: u8,
    /// Signature, [`ANNOUNCEMENT_SIGNATURE`] in host announcements.
    pub signature: u16,
    /// Comment, without its terminator (no NUL; [MS-BRWS] allows 42 bytes).
    pub comment: &'a [u8],
}

impl<'a> Announcement<'a> {
    /// An announcement with the usual defaults: update count 0, a 12-minute periodicity,
    /// OS version 6.1, browser version 15.1 and the 0xAA55 signature.
    pub const fn new(
        kind: AnnouncementKind,
        server_name: &'a [u8],
        server_type: u32,
        comment: &'a [u8],
    ) -> Self {
        Self {
            kind,
            update_count: 0,
            periodicity_ms: DEFAULT_PERIODICITY_MS,
            server_name,
            os_major: 6,
            os_minor: 1,
            server_type,
            browser_version_major: BROWSER_VERSION_MAJOR,
            browser_version_minor: BROWSER_VERSION_MINOR,
            signature: ANNOUNCEMENT_SIGNATURE,
            comment,
        }
    }
}

/// A RequestElection frame, sent to `WORKGROUP<1E>` to start or contest a browser election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequestElection<'a> {
    /// Version of the election protocol (1; 0 in a request to force an election).
    pub version: u8,
    /// Criteria: OS, browser version and role bits, compared as a number.
    pub criteria: u32,
    /// Uptime in milliseconds.
    pub uptime_ms: u32,
    /// ServerName of the candidate, without its terminator: at most 15 bytes, no NUL.
    pub server_name: &'a [u8],
}

/// A decoded `\MAILSLOT\BROWSE` payload.
///
/// ```
/// use winipc_nbt::browse::{server_type, Announcement, AnnouncementKind, BrowseFrame};
///
/// let announcement = Announcement::new(
///     AnnouncementKind::Host,
///     b"NMBDHOST",
///     server_type::WORKSTATION | server_type::SERVER,
///     b"Samba 4.17",
/// );
/// let bytes = BrowseFrame::Announcement(announcement).encode()?;
/// assert_eq!(bytes[0], 1); // HostAnnouncement
/// let BrowseFrame::Announcement(decoded) = BrowseFrame::decode(&bytes)? else {
///     panic!("not an announcement");
/// };
/// assert_eq!(decoded.server_name, b"NMBDHOST");
/// assert_eq!(decoded, announcement);
/// # Ok::<(), winipc_nbt::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BrowseFrame<'a> {
    /// Opcode 1, 12 or 15.
    Announcement(Announcement<'a>),
    /// Opcode 8.
    RequestElection(RequestElection<'a>),
}

impl<'a> BrowseFrame<'a> {
    /// Encodes the frame.
    ///
    /// Fails with [`Error::BadString`] when a server name is longer than 15 bytes or a string
    /// contains a NUL.
    pub fn encode(&self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        match self {
            Self::Announcement(a) => {
                check_server_name(a.server_name)?;
                check_no_nul("Comment", a.comment)?;
                out.push(a.kind as u8);
                out.push(a.update_count);
                out.extend_from_slice(&a.periodicity_ms.to_le_bytes());
                out.extend_from_slice(a.server_name);
                out.resize(out.len() + SERVER_NAME_FIELD_LEN - a.server_name.len(), 0);
                out.extend_from_slice(&[a.os_major, a.os_minor]);
                out.extend_from_slice(&a.server_type.to_le_bytes());
                out.extend_from_slice(&[a.browser_version_major, a.browser_version_minor]);
                out.extend_from_slice(&a.signature.to_le_bytes());
                out.extend_from_slice(a.comment);
                out.push(0);
            }
            Self::RequestElection(e) => {
                check_server_name(e.server_name)?;
                out.push(OPCODE_REQUEST_ELECTION);
                out.push(e.version);
                out.extend_from_slice(&e.criteria.to_le_bytes());
                out.extend_from_slice(&e.uptime_ms.to_le_bytes());
                out.extend_from_slice(&[0; 4]); // Reserved
                out.extend_from_slice(e.server_name);
                out.push(0);
            }
        }
        Ok(out)
    }

    /// Decodes a frame, borrowing its strings from `buf`.
    pub fn decode(buf: &'a [u8]) -> Result<Self> {
        let mut reader = Reader::new(buf);
        let opcode = reader.u8()?;
        let kind = match opcode {
            1 => AnnouncementKind::Host,
            12 => AnnouncementKind::Domain,
            15 => AnnouncementKind::LocalMaster,
            OPCODE_REQUEST_ELECTION => {
                let version = reader.u8()?;
                let criteria = reader.u32_le()?;
                let uptime_ms = reader.u32_le()?;
                reader.take(4)?; // Reserved
                let server_name = c_string("ServerName", reader.rest())?;
                check_server_name(server_name)?;
                return Ok(Self::RequestElection(RequestElection {
                    version,
                    criteria,
                    uptime_ms,
                    server_name,
                }));
            }
            _ => {
                return Err(Error::UnsupportedType {
                    what: "browser opcode",
                    value: opcode.into(),
                });
            }
        };
        let update_count = reader.u8()?;
        let periodicity_ms = reader.u32_le()?;
        let server_name = c_string("ServerName", reader.take(SERVER_NAME_FIELD_LEN)?)?;
        let [os_major, os_minor] = reader.array()?;
        let server_type = reader.u32_le()?;
        let [browser_version_major, browser_version_minor] = reader.array()?;
        let signature = reader.u16_le()?;
        let comment = c_string("Comment", reader.rest())?;
        Ok(Self::Announcement(Announcement {
            kind,
            update_count,
            periodicity_ms,
            server_name,
            os_major,
            os_minor,
            server_type,
            browser_version_major,
            browser_version_minor,
            signature,
            comment,
        }))
    }
}

/// The bytes of `buf` before its first NUL.
fn c_string<'a>(field: &'static str, buf: &'a [u8]) -> Result<&'a [u8]> {
    let nul = buf.iter().position(|&b| b == 0).ok_or(Error::BadString {
        field,
        reason: "not NUL-terminated",
    })?;
    Ok(buf.get(..nul).unwrap_or_default())
}

/// Checks that a string to be written NUL-terminated holds no NUL.
fn check_no_nul(field: &'static str, value: &[u8]) -> Result<()> {
    if value.contains(&0) {
        return Err(Error::BadString {
            field,
            reason: "contains a NUL byte",
        });
    }
    Ok(())
}

/// Checks a ServerName: no NUL and at most 15 bytes, so that it fits its terminator in 16.
fn check_server_name(value: &[u8]) -> Result<()> {
    check_no_nul("ServerName", value)?;
    if value.len() >= SERVER_NAME_FIELD_LEN {
        return Err(Error::BadString {
            field: "ServerName",
            reason: "longer than 15 bytes",
        });
    }
    Ok(())
}
