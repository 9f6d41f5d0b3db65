//! The daemon's configuration: a TOML file, overridden by command-line flags.
//!
//! ```toml
//! # /etc/winipc/netd.toml
//! interfaces = ["eth0"]          # required: the daemon listens on these only
//! netbios_name = "BUILDBOX"      # default: the hostname, upper-cased, cut to 15 bytes
//! workgroup = "WORKGROUP"        # default WORKGROUP; `\\*\` goes to WORKGROUP<00>
//! browser_names = false          # also accept WORKGROUP<1D>, WORKGROUP<1E>, __MSBROWSE__<01>
//! names = []                     # more names to accept, e.g. ["WORKGROUP<1C>"]
//! domains = []                   # more `\\NAME\` targets to treat as groups (NAME<00>)
//! port = 138                     # datagram port
//! nbns = false                   # answer name queries for NETBIOS_NAME<00> on UDP nbns_port
//! nbns_port = 137
//! resolve_timeout_ms = 1000      # NetBIOS name query time for `\\HOST\` targets
//! duplicate_timeout_ms = 0       # 0 = off; Netlogon's MailslotDuplicateTimeout is 2000
//! max_queued_bytes = 65536       # payload bytes of sends waiting for name resolution
//! layout = "packed"              # or "aligned" (data padded to 4 bytes, as Windows does)
//! source_rate_limit = { per_second = 200, burst = 100 } # received datagrams, per source address
//! rate_limit = { per_second = 2000, burst = 500 }       # received datagrams, all sources
//! user_send_rate_limit = { per_second = 100, burst = 50 } # local sends, per user
//! send_rate_limit = { per_second = 200, burst = 100 }   # local sends, all users
//! system_resolver = true         # `\\HOST\` falls back to getaddrinfo("HOST:138")
//! # socket = "/run/winipc/netd.sock"  # default: $WINIPC_NETD_SOCKET, else /run/winipc/netd.sock
//! ```
//!
//! The names the daemon accepts datagrams for are `NETBIOS_NAME<00>` (unique) and
//! `WORKGROUP<00>` (group), plus `browser_names` and `names`. A datagram of type BROADCAST
//! (0x12) is accepted when addressed to the wildcard name `*` (RFC 1002's broadcast) or to one
//! of those names; anything else is dropped.

use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use thiserror::Error;
use winipc_nbt::NbName;
use winipc_nbt::name::suffix;

/// Why a configuration could not be used.
#[derive(Debug, Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("reading {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for [`Config`].
    #[error("parsing {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<toml::de::Error>,
    },
    /// A value is out of range or malformed.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// A token bucket's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Tokens added per second (datagrams per second in the long run).
    pub per_second: u32,
    /// Bucket size: how many datagrams may come at once.
    pub burst: u32,
}

/// Where the SMB data of an outgoing write starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LayoutChoice {
    /// Data right after the slot name, as Samba sends.
    #[default]
    Packed,
    /// Data padded to a 4-byte boundary, as in the [MS-MAIL] example.
    Aligned,
}

impl From<LayoutChoice> for winipc_nbt::Layout {
    fn from(l: LayoutChoice) -> Self {
        match l {
            LayoutChoice::Packed => winipc_nbt::Layout::Packed,
            LayoutChoice::Aligned => winipc_nbt::Layout::Aligned,
        }
    }
}

/// The daemon's configuration. See the [module documentation](self) for the file format.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Interfaces to listen and send on, by name. Required (at least one).
    pub interfaces: Vec<String>,
    /// This host's NetBIOS name; `None` = the hostname, upper-cased, cut to 15 bytes.
    pub netbios_name: Option<String>,
    /// The workgroup (or domain) `\\*\` writes go to.
    pub workgroup: String,
    /// Also accept `WORKGROUP<1D>`, `WORKGROUP<1E>` and `__MSBROWSE__<01>`, to see the
    /// browser traffic of `\MAILSLOT\BROWSE`.
    pub browser_names: bool,
    /// More names to accept, as `NAME<hh>` (`__MSBROWSE__<01>` is understood).
    pub names: Vec<String>,
    /// More names that `\\NAME\mailslot\…` treats as group names (sent as DIRECT_GROUP to
    /// `NAME<00>` on the broadcast address) without a name query.
    pub domains: Vec<String>,
    /// UDP port of the datagram service.
    pub port: u16,
    /// Whether to answer NetBIOS name queries for this host's name.
    pub nbns: bool,
    /// UDP port of the name service (queries are sent there too).
    pub nbns_port: u16,
    /// How long a `\\HOST\` name query waits for an answer, in ms.
    pub resolve_timeout_ms: u64,
    /// Duplicate suppression window in ms (0 = off). Like Netlogon's
    /// MailslotDuplicateTimeout (2000 ms): an identical write (same source name, slot and
    /// payload) arriving again within the window is dropped.
    pub duplicate_timeout_ms: u64,
    /// Bound on the payload bytes of local sends waiting for a name query.
    pub max_queued_bytes: usize,
    /// SMB layout of outgoing writes.
    pub layout: LayoutChoice,
    /// Token bucket of each source address for received datagrams: one source that floods
    /// exhausts only its own bucket.
    pub source_rate_limit: RateLimit,
    /// Token bucket for received datagrams over all sources and interfaces (applied after the
    /// source's own bucket).
    pub rate_limit: RateLimit,
    /// Token bucket of each local user (by the uid the kernel reports for the request) for
    /// datagrams sent on their behalf.
    pub user_send_rate_limit: RateLimit,
    /// Token bucket for datagrams sent on behalf of all local processes.
    pub send_rate_limit: RateLimit,
    /// Path of the request socket; `None` = `$WINIPC_NETD_SOCKET`, else
    /// `/run/winipc/netd.sock`. Its directory must be writable by the daemon's user only.
    pub socket: Option<PathBuf>,
    /// Fall back to the system resolver (`getaddrinfo` of `HOST:port`) when no NetBIOS name
    /// query answers for `\\HOST\`.
    pub system_resolver: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            interfaces: Vec::new(),
            netbios_name: None,
            workgroup: "WORKGROUP".into(),
            browser_names: false,
            names: Vec::new(),
            domains: Vec::new(),
            port: winipc_nbt::datagram::DATAGRAM_PORT,
            nbns: false,
            nbns_port: winipc_nbt::nbns::NAME_SERVICE_PORT,
            resolve_timeout_ms: 1000,
            duplicate_timeout_ms: 0,
            max_queued_bytes: 64 * 1024,
            layout: LayoutChoice::Packed,
            source_rate_limit: RateLimit {
                per_second: 200,
                burst: 100,
            },
            user_send_rate_limit: RateLimit {
                per_second: 100,
                burst: 50,
            },
            rate_limit: RateLimit {
                per_second: 2000,
                burst: 500,
            },
            send_rate_limit: RateLimit {
                per_second: 200,
                burst: 100,
            },
            socket: None,
            system_resolver: true,
        }
    }
}

/// The daemon's flags (`winipc netd …`, `winipc-netd …`), for `#[command(flatten)]`.
///
/// Flags override the file given with `--config`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct NetdArgs {
    /// TOML configuration file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Interface to listen and send on (repeatable; replaces the file's list).
    #[arg(long = "interface", value_name = "IF")]
    pub interfaces: Vec<String>,
    /// This host's NetBIOS name (default: the hostname).
    #[arg(long, value_name = "N")]
    pub name: Option<String>,
    /// Workgroup or domain (default WORKGROUP).
    #[arg(long, value_name = "W")]
    pub workgroup: Option<String>,
    /// Datagram port (default 138).
    #[arg(long, value_name = "P")]
    pub port: Option<u16>,
    /// Answer NetBIOS name queries for this host's name.
    #[arg(long)]
    pub nbns: bool,
    /// Name service port (default 137).
    #[arg(long, value_name = "P")]
    pub nbns_port: Option<u16>,
    /// Also accept WORKGROUP<1D>, WORKGROUP<1E> and __MSBROWSE__<01> (browser traffic).
    #[arg(long)]
    pub browser_names: bool,
    /// Another name to accept, as NAME<hh> (repeatable).
    #[arg(long = "accept-name", value_name = "NAME<hh>")]
    pub names: Vec<String>,
    /// Duplicate suppression window in ms (0 = off).
    #[arg(long, value_name = "MS")]
    pub duplicate_timeout_ms: Option<u64>,
    /// Request socket path (default $WINIPC_NETD_SOCKET, else /run/winipc/netd.sock).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Resolve `\\HOST\` by NetBIOS name query only, never by the system resolver.
    #[arg(long)]
    pub no_system_resolver: bool,
}

impl NetdArgs {
    /// Loads `--config` (or the defaults) and applies the flags.
    pub fn into_config(self) -> Result<Config, ConfigError> {
        let mut cfg = match &self.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        if !self.interfaces.is_empty() {
            cfg.interfaces = self.interfaces;
        }
        if let Some(name) = self.name {
            cfg.netbios_name = Some(name);
        }
        if let Some(w) = self.workgroup {
            cfg.workgroup = w;
        }
        if let Some(p) = self.port {
            cfg.port = p;
        }
        cfg.nbns |= self.nbns;
        if let Some(p) = self.nbns_port {
            cfg.nbns_port = p;
        }
        cfg.browser_names |= self.browser_names;
        cfg.names.extend(self.names);
        if let Some(ms) = self.duplicate_timeout_ms {
            cfg.duplicate_timeout_ms = ms;
        }
        if self.socket.is_some() {
            cfg.socket = self.socket;
        }
        if self.no_system_resolver {
            cfg.system_resolver = false;
        }
        cfg.validate()?;
        Ok(cfg)
    }
}

/// Parses `NAME<hh>`, accepting `__MSBROWSE__` (with or without `<01>`) for
/// [`NbName::MSBROWSE`].
pub fn parse_name(s: &str) -> Result<NbName, ConfigError> {
    if s.eq_ignore_ascii_case("__MSBROWSE__") || s.eq_ignore_ascii_case("__MSBROWSE__<01>") {
        return Ok(NbName::MSBROWSE);
    }
    s.parse()
        .map_err(|e| ConfigError::Invalid(format!("name {s:?}: {e}")))
}

impl Config {
    /// Reads a TOML file (fields missing from it keep their defaults).
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.into(),
            source,
        })?;
        let cfg = Config::from_toml(&text).map_err(|source| ConfigError::Parse {
            path: path.into(),
            source: Box::new(source),
        })?;
        Ok(cfg)
    }

    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    /// This host's NetBIOS name: the configured one, else the hostname (first label,
    /// upper-cased, cut to 15 bytes).
    pub fn netbios_name(&self) -> Result<NbName, ConfigError> {
        let text = match &self.netbios_name {
            Some(n) => n.clone(),
            None => {
                let host = nix::unistd::gethostname()
                    .map_err(|e| ConfigError::Invalid(format!("gethostname: {e}")))?;
                let host = host.to_string_lossy();
                let first = host.split('.').next().unwrap_or_default();
                first.chars().take(15).collect()
            }
        };
        NbName::new(&text, suffix::WORKSTATION)
            .map_err(|e| ConfigError::Invalid(format!("NetBIOS name {text:?}: {e}")))
    }

    /// `WORKGROUP<00>`.
    pub fn workgroup_name(&self) -> Result<NbName, ConfigError> {
        NbName::new(&self.workgroup, suffix::WORKSTATION)
            .map_err(|e| ConfigError::Invalid(format!("workgroup {:?}: {e}", self.workgroup)))
    }

    /// Every name the daemon accepts datagrams for.
    pub fn accepted_names(&self) -> Result<Vec<NbName>, ConfigError> {
        let workgroup = self.workgroup_name()?;
        let mut names = vec![self.netbios_name()?, workgroup];
        if self.browser_names {
            names.extend([
                workgroup.with_suffix(suffix::MASTER_BROWSER),
                workgroup.with_suffix(suffix::BROWSER_ELECTION),
                NbName::MSBROWSE,
            ]);
        }
        for n in &self.names {
            names.push(parse_name(n)?);
        }
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// The names `\\NAME\` treats as groups: the workgroup and [`Config::domains`].
    pub fn group_targets(&self) -> Result<Vec<NbName>, ConfigError> {
        let mut out = vec![self.workgroup_name()?];
        for d in &self.domains {
            out.push(
                NbName::new(d, suffix::WORKSTATION)
                    .map_err(|e| ConfigError::Invalid(format!("domain {d:?}: {e}")))?,
            );
        }
        Ok(out)
    }

    /// The request socket's path.
    pub fn socket_path(&self) -> PathBuf {
        self.socket.clone().unwrap_or_else(crate::socket_path)
    }

    /// Checks every value.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.interfaces.is_empty() {
            return Err(ConfigError::Invalid(
                "no interfaces configured (the daemon listens only on the interfaces given)".into(),
            ));
        }
        self.accepted_names()?;
        self.group_targets()?;
        if self.port == 0 || self.nbns_port == 0 {
            return Err(ConfigError::Invalid("port 0".into()));
        }
        for (what, rl) in [
            ("source_rate_limit", self.source_rate_limit),
            ("rate_limit", self.rate_limit),
            ("user_send_rate_limit", self.user_send_rate_limit),
            ("send_rate_limit", self.send_rate_limit),
        ] {
            if rl.per_second == 0 || rl.burst == 0 {
                return Err(ConfigError::Invalid(format!("{what} must be positive")));
            }
        }
        if self.resolve_timeout_ms == 0 || self.resolve_timeout_ms > 60_000 {
            return Err(ConfigError::Invalid(
                "resolve_timeout_ms must be 1..=60000".into(),
            ));
        }
        if self.duplicate_timeout_ms > 600_000 {
            return Err(ConfigError::Invalid(
                "duplicate_timeout_ms must be at most 600000".into(),
            ));
        }
        Ok(())
    }
}

/// An interface's IPv4 address and where its group datagrams go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterfaceAddr {
    /// The interface's address.
    pub address: Ipv4Addr,
    /// Its netmask.
    pub netmask: Ipv4Addr,
    /// Its subnet broadcast address; `None` for loopback and point-to-point links, whose group
    /// datagrams go to `address` itself.
    pub broadcast: Option<Ipv4Addr>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_and_flags() {
        let cfg = Config::from_toml(
            r#"
            interfaces = ["eth0", "eth1"]
            netbios_name = "box"
            browser_names = true
            names = ["WORKGROUP<1C>"]
            rate_limit = { per_second = 10, burst = 5 }
            duplicate_timeout_ms = 2000
            layout = "aligned"
            "#,
        )
        .unwrap();
        assert_eq!(cfg.interfaces, ["eth0", "eth1"]);
        assert_eq!(cfg.port, 138);
        assert_eq!(cfg.layout, LayoutChoice::Aligned);
        let names: Vec<String> = cfg
            .accepted_names()
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        for expected in [
            "BOX<00>",
            "WORKGROUP<00>",
            "WORKGROUP<1C>",
            "WORKGROUP<1D>",
            "WORKGROUP<1E>",
            "\\x01\\x02__MSBROWSE__\\x02<01>",
        ] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        assert!(Config::from_toml("bogus = 1").is_err());

        let args = NetdArgs {
            interfaces: vec!["veth0".into()],
            name: Some("other".into()),
            port: Some(1138),
            nbns: true,
            ..Default::default()
        };
        let cfg = args.into_config().unwrap();
        assert_eq!(cfg.interfaces, ["veth0"]);
        assert_eq!(cfg.netbios_name().unwrap().to_string(), "OTHER<00>");
        assert_eq!(cfg.port, 1138);
        assert!(cfg.nbns);
        assert!(NetdArgs::default().into_config().is_err(), "no interface");
    }

    #[test]
    fn hostname_default() {
        let cfg = Config::default();
        let name = cfg.netbios_name().unwrap();
        assert!(name.trimmed().len() <= 15);
        assert_eq!(name.suffix(), 0);
    }
}
