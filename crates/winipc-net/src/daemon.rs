//! The daemon: sockets, the poll loop, name resolution and shutdown.
//!
//! # Sockets
//!
//! For every IPv4 address of every configured interface the daemon binds:
//!
//! - `ADDRESS:port` — unicast datagrams to this host, and the source of everything it sends
//!   (with `SO_BROADCAST`);
//! - `BROADCAST:port` — the subnet's broadcasts (Linux delivers a broadcast to sockets bound
//!   to the broadcast address it was sent to); absent on loopback and point-to-point links;
//! - with `nbns`, the same two on the name service port, to answer queries for our name;
//! - `ADDRESS:0` — the name queries the daemon sends for `\\HOST\` targets, and their answers.
//!
//! Binding addresses rather than `0.0.0.0` is what keeps the daemon to the configured
//! interfaces (as Samba's `bind interfaces only` does): a datagram sent to any other address of
//! the host matches none of its sockets. `SO_REUSEADDR` is not set, so a second daemon, or an
//! nmbd bound to the same address or to the wildcard address, makes start-up fail loudly
//! instead of silently splitting unicast traffic. Datagrams to 255.255.255.255 are not
//! received (Windows and Samba send mailslot broadcasts to the subnet broadcast address).
//!
//! # Work and memory bounds
//!
//! One thread does everything, reading at most [`BATCH`] datagrams per socket per turn; the
//! kernel's socket buffers absorb bursts and drop the excess. Received datagrams pass their
//! source address's token bucket, then an overall one, before they are decoded; local requests
//! pass their user's bucket, then an overall one; writes to local slots never wait (a full slot
//! drops). Sends waiting for a name query hold at most `max_queued_bytes` of
//! payload; the name cache, the writer cache and the duplicate window have fixed caps; system
//! resolver look-ups run on at most [`MAX_LOOKUPS`] helper threads.
//!
//! # The request socket
//!
//! Local processes reach the daemon over a Unix datagram socket in a directory that only the
//! daemon's user can create files in (`/run/winipc/netd.sock`, the directory created mode 0755
//! and checked by [`winipc::netd_socket::check_private_dir`]); a symlink or another user's
//! file at the socket's path is refused with an error naming it. The socket itself is mode
//! 0666 (any local user may send remote writes) and `SO_PASSCRED`: the kernel attaches each
//! request's sender pid and uid, which the daemon logs and rate-limits by (one bucket per uid),
//! never trusting anything the request says about its sender.

use std::collections::HashMap;
use std::io::IoSliceMut;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, ToSocketAddrs, UdpSocket};
use std::os::fd::{AsFd, AsRawFd};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixDatagram, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::socket::{
    ControlMessageOwned, MsgFlags, UnixAddr, UnixCredentials, recvmsg, sendto, setsockopt, sockopt,
};
use winipc_nbt::{DataKind, NbName};

use crate::config::{Config, InterfaceAddr};
use crate::inbound::{Inbound, MAX_DATAGRAM_LEN, Stats};
use crate::limits::{FairLimiter, MAX_SOURCES, TokenBucket};
use crate::outbound::{self, Found, Plan};
use crate::proto::{
    self, MAX_REQUEST_LEN, ProtoError, Query, Reply, Request, Status, StatusReply, Value,
};

/// Datagrams read from one socket before the others get a turn.
pub const BATCH: usize = 64;
/// Most concurrent system resolver look-ups.
pub const MAX_LOOKUPS: usize = 4;
/// Most names cached (answers and failures).
pub const MAX_CACHED_NAMES: usize = 256;
/// How long a positive answer is used.
const CACHE_TTL: Duration = Duration::from_secs(60);
/// How long a failed resolution is remembered.
const NEGATIVE_TTL: Duration = Duration::from_secs(2);
/// Name queries are repeated this often while unanswered.
const QUERY_RETRY: Duration = Duration::from_millis(250);
/// How often the counters are logged (when they changed).
const STATS_EVERY: Duration = Duration::from_secs(60);
/// Receive buffer asked for each UDP socket, so a burst waits in the kernel rather than being
/// dropped there before the per-source limits can sort it.
const RCVBUF: usize = 1 << 20;

/// Who sent a request, as the kernel reports it (`SCM_CREDENTIALS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Sender {
    pid: i32,
    uid: u32,
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, e.to_string())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Datagram,
    Nbns,
    Query,
}

#[derive(Debug)]
struct Sock {
    role: Role,
    iface: usize,
    socket: UdpSocket,
}

#[derive(Debug)]
struct Iface {
    name: String,
    addr: InterfaceAddr,
    /// Index in `socks` of the unicast datagram socket (the sender).
    sender: usize,
    /// Index of the unicast name service socket, with `nbns`.
    nbns: Option<usize>,
    /// Index of the query socket.
    query: usize,
}

impl Iface {
    fn group_destination(&self) -> Ipv4Addr {
        self.addr.broadcast.unwrap_or(self.addr.address)
    }
    fn on_link(&self, ip: Ipv4Addr) -> bool {
        let mask = u32::from(self.addr.netmask);
        u32::from(self.addr.address) & mask == u32::from(ip) & mask
    }
}

#[derive(Debug)]
enum Stage {
    Query {
        next_retry: Instant,
        deadline: Instant,
    },
    Lookup,
}

#[derive(Debug)]
struct Pending {
    trn_id: u16,
    stage: Stage,
    waiting: Vec<(Option<UnixAddr>, Request)>,
}

/// Stops a running [`Daemon`] from another thread.
#[derive(Debug)]
pub struct ShutdownHandle(UnixStream);

impl ShutdownHandle {
    /// Asks the daemon to stop; it returns from [`Daemon::run`] shortly after.
    pub fn shutdown(&self) {
        let _ = (&self.0).write(&[1]);
    }
}

/// A bound daemon, ready to [`run`](Daemon::run).
#[derive(Debug)]
pub struct Daemon {
    cfg: Config,
    our_name: NbName,
    workgroup: NbName,
    groups: Vec<NbName>,
    ifaces: Vec<Iface>,
    socks: Vec<Sock>,
    control: UnixDatagram,
    socket_path: PathBuf,
    wake_rx: UnixStream,
    wake_tx: UnixStream,
    inbound: Inbound,
    nbns_sources: FairLimiter<Ipv4Addr>,
    nbns_rate: TokenBucket,
    user_send_rate: FairLimiter<u32>,
    send_rate: TokenBucket,
    sender: outbound::Sender,
    pending: HashMap<NbName, Pending>,
    queued_bytes: usize,
    names: HashMap<NbName, (Option<Found>, Instant)>,
    lookups: usize,
    lookup_tx: mpsc::Sender<(NbName, Option<Ipv4Addr>)>,
    lookup_rx: mpsc::Receiver<(NbName, Option<Ipv4Addr>)>,
    next_dgm_id: u16,
    next_trn_id: u16,
    started: Instant,
    last_sweep: Instant,
    sent: u64,
    send_errors: u64,
    answered: u64,
    requests: u64,
    requests_busy: u64,
    requests_bad: u64,
    status_queries: u64,
}

fn udp(ip: Ipv4Addr, port: u16) -> io::Result<UdpSocket> {
    let s = UdpSocket::bind(SocketAddrV4::new(ip, port)).map_err(|e| {
        let hint = if e.kind() == io::ErrorKind::AddrInUse {
            " (another winipc-netd, or nmbd without `bind interfaces only` on this interface?)"
        } else if e.kind() == io::ErrorKind::PermissionDenied {
            " (ports below 1024 need root or CAP_NET_BIND_SERVICE)"
        } else {
            ""
        };
        io::Error::new(e.kind(), format!("binding {ip}:{port}: {e}{hint}"))
    })?;
    s.set_broadcast(true)?;
    s.set_nonblocking(true)?;
    if setsockopt(&s, sockopt::RcvBufForce, &RCVBUF).is_err() {
        let _ = setsockopt(&s, sockopt::RcvBuf, &RCVBUF);
    }
    Ok(s)
}

fn refuse(path: &Path, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("refusing {} as the request socket: {why}", path.display()),
    )
}

/// Binds the request socket. Its directory is created (mode 0755) if missing and must be
/// writable by the daemon's user only; at the path itself a stale socket of ours is replaced,
/// while a live daemon's socket, a symlink (dangling or not), another user's socket or any
/// other file is refused with an error naming the path.
fn bind_control(path: &Path) -> io::Result<UnixDatagram> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match std::fs::DirBuilder::new().mode(0o755).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            let hint = if e.kind() == io::ErrorKind::PermissionDenied {
                " (only root can create the default directory; as another user, name a socket \
                 in a directory of your own with --socket or WINIPC_NETD_SOCKET)"
            } else {
                ""
            };
            return Err(io::Error::new(
                e.kind(),
                format!("creating {}: {e}{hint}", dir.display()),
            ));
        }
    }
    winipc::netd_socket::check_private_dir(dir)?;
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(refuse(path, e)),
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = std::fs::read_link(path).unwrap_or_default();
            return Err(refuse(
                path,
                format!("it is a symbolic link (to {})", target.display()),
            ));
        }
        Ok(meta) if !meta.file_type().is_socket() => {
            return Err(refuse(path, "it exists and is not a socket"));
        }
        Ok(meta) if meta.uid() != nix::unistd::geteuid().as_raw() => {
            return Err(refuse(
                path,
                format!("a socket owned by uid {} is there", meta.uid()),
            ));
        }
        Ok(_) => {
            let probe = UnixDatagram::unbound()?;
            if probe.connect(path).is_ok() {
                return Err(io::Error::new(
                    io::ErrorKind::AddrInUse,
                    format!(
                        "{} is in use: is winipc-netd already running?",
                        path.display()
                    ),
                ));
            }
            std::fs::remove_file(path)?;
        }
    }
    let s = UnixDatagram::bind(path)
        .map_err(|e| io::Error::new(e.kind(), format!("binding {}: {e}", path.display())))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
    setsockopt(&s, sockopt::PassCred, &true).map_err(io::Error::from)?;
    s.set_nonblocking(true)?;
    Ok(s)
}

impl Daemon {
    /// Validates `cfg`, resolves the interfaces and binds every socket.
    pub fn bind(cfg: Config) -> io::Result<Daemon> {
        cfg.validate().map_err(invalid)?;
        let our_name = cfg.netbios_name().map_err(invalid)?;
        let workgroup = cfg.workgroup_name().map_err(invalid)?;
        let groups = cfg.group_targets().map_err(invalid)?;
        let names = cfg.accepted_names().map_err(invalid)?;
        // The request socket first: a squatted or unsafe path is reported before any port is
        // taken. If binding the ports fails, the socket file is removed again.
        let socket_path = cfg.socket_path();
        let control = bind_control(&socket_path)?;
        let (ifaces, socks) = match Self::bind_interfaces(&cfg) {
            Ok(b) => b,
            Err(e) => {
                let _ = std::fs::remove_file(&socket_path);
                return Err(e);
            }
        };
        let (wake_rx, wake_tx) = UnixStream::pair()?;
        wake_rx.set_nonblocking(true)?;
        wake_tx.set_nonblocking(true)?;
        let now = Instant::now();
        let (lookup_tx, lookup_rx) = mpsc::channel();
        tracing::info!(
            name = %our_name,
            workgroup = %workgroup,
            accepts = %names.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "),
            socket = %socket_path.display(),
            source_rate_limit = ?cfg.source_rate_limit,
            rate_limit = ?cfg.rate_limit,
            user_send_rate_limit = ?cfg.user_send_rate_limit,
            send_rate_limit = ?cfg.send_rate_limit,
            duplicate_timeout_ms = cfg.duplicate_timeout_ms,
            "winipc-netd ready"
        );
        Ok(Daemon {
            inbound: Inbound::new(
                names,
                cfg.rate_limit,
                Duration::from_millis(cfg.duplicate_timeout_ms),
                now,
            )
            .with_source_limit(cfg.source_rate_limit, MAX_SOURCES),
            nbns_sources: FairLimiter::new(cfg.source_rate_limit, MAX_SOURCES),
            nbns_rate: TokenBucket::new(cfg.rate_limit, now),
            user_send_rate: FairLimiter::new(cfg.user_send_rate_limit, MAX_SOURCES),
            send_rate: TokenBucket::new(cfg.send_rate_limit, now),
            sender: outbound::Sender {
                source_name: our_name,
                source_port: cfg.port,
                layout: cfg.layout.into(),
            },
            cfg,
            our_name,
            workgroup,
            groups,
            ifaces,
            socks,
            control,
            socket_path,
            wake_rx,
            wake_tx,
            pending: HashMap::new(),
            queued_bytes: 0,
            names: HashMap::new(),
            lookups: 0,
            lookup_tx,
            lookup_rx,
            next_dgm_id: (std::process::id() as u16).rotate_left(7),
            next_trn_id: std::process::id() as u16,
            started: now,
            last_sweep: now,
            sent: 0,
            send_errors: 0,
            answered: 0,
            requests: 0,
            requests_busy: 0,
            requests_bad: 0,
            status_queries: 0,
        })
    }

    /// Binds the UDP sockets of every configured interface.
    fn bind_interfaces(cfg: &Config) -> io::Result<(Vec<Iface>, Vec<Sock>)> {
        let mut ifaces = Vec::new();
        let mut socks = Vec::new();
        for name in &cfg.interfaces {
            for addr in crate::iface::addresses(name)? {
                let iface = ifaces.len();
                let mut push = |role, socket| {
                    socks.push(Sock {
                        role,
                        iface,
                        socket,
                    });
                    socks.len() - 1
                };
                let sender = push(Role::Datagram, udp(addr.address, cfg.port)?);
                if let Some(b) = addr.broadcast {
                    push(Role::Datagram, udp(b, cfg.port)?);
                }
                let nbns = if cfg.nbns {
                    let i = push(Role::Nbns, udp(addr.address, cfg.nbns_port)?);
                    if let Some(b) = addr.broadcast {
                        push(Role::Nbns, udp(b, cfg.nbns_port)?);
                    }
                    Some(i)
                } else {
                    None
                };
                let query = push(Role::Query, udp(addr.address, 0)?);
                tracing::info!(
                    interface = %name,
                    address = %addr.address,
                    broadcast = ?addr.broadcast,
                    port = cfg.port,
                    nbns = cfg.nbns,
                    "listening"
                );
                ifaces.push(Iface {
                    name: name.clone(),
                    addr,
                    sender,
                    nbns,
                    query,
                });
            }
        }
        Ok((ifaces, socks))
    }

    /// A handle that stops [`Daemon::run`] from another thread.
    pub fn shutdown_handle(&self) -> io::Result<ShutdownHandle> {
        Ok(ShutdownHandle(self.wake_tx.try_clone()?))
    }

    /// The receive path's counters.
    pub fn stats(&self) -> Stats {
        self.inbound.stats()
    }

    /// Runs until SIGTERM or SIGINT, then cleans up and returns.
    pub fn run_until_signal(self) -> io::Result<()> {
        let mut ids = Vec::new();
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
            ids.push(signal_hook::low_level::pipe::register(
                sig,
                self.wake_tx.try_clone()?,
            )?);
        }
        let result = self.run();
        for id in ids {
            signal_hook::low_level::unregister(id);
        }
        result.map(drop)
    }

    /// Runs until a [`ShutdownHandle`] (or a registered signal) stops it; returns the final
    /// counters.
    pub fn run(mut self) -> io::Result<Stats> {
        let mut buf = vec![0u8; MAX_REQUEST_LEN.max(MAX_DATAGRAM_LEN) + 1];
        let mut last_stats = (Instant::now(), self.inbound.stats());
        loop {
            let now = Instant::now();
            let timeout = self.next_timeout(now);
            let ready: Vec<(usize, bool)> = {
                let mut fds = Vec::with_capacity(self.socks.len() + 2);
                fds.push(PollFd::new(self.wake_rx.as_fd(), PollFlags::POLLIN));
                fds.push(PollFd::new(self.control.as_fd(), PollFlags::POLLIN));
                for s in &self.socks {
                    fds.push(PollFd::new(s.socket.as_fd(), PollFlags::POLLIN));
                }
                let ms = u16::try_from(timeout.as_millis()).unwrap_or(u16::MAX);
                match poll(&mut fds, PollTimeout::from(ms)) {
                    Ok(_) => {}
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(e.into()),
                }
                fds.iter()
                    .enumerate()
                    .map(|(i, fd)| (i, fd.revents().is_some_and(|r| !r.is_empty())))
                    .collect()
            };
            if ready.first().is_some_and(|r| r.1) {
                let mut drain = [0u8; 64];
                let _ = (&self.wake_rx).read(&mut drain);
                break;
            }
            if ready.get(1).is_some_and(|r| r.1) {
                self.read_control(&mut buf);
            }
            for &(i, is_ready) in ready.iter().skip(2) {
                if is_ready {
                    self.read_socket(i - 2, &mut buf);
                }
            }
            let now = Instant::now();
            self.tick(now);
            let stats = self.inbound.stats();
            if now.duration_since(last_stats.0) >= STATS_EVERY {
                if stats != last_stats.1 {
                    tracing::info!(
                        %stats,
                        sent = self.sent,
                        requests = self.requests,
                        requests_busy = self.requests_busy,
                        "counters"
                    );
                }
                last_stats = (now, stats);
            }
        }
        let stats = self.inbound.stats();
        tracing::info!(
            %stats,
            sent = self.sent,
            send_errors = self.send_errors,
            nbns_answers = self.answered,
            requests = self.requests,
            requests_busy = self.requests_busy,
            "winipc-netd stopping"
        );
        let _ = std::fs::remove_file(&self.socket_path);
        Ok(stats)
    }

    fn next_timeout(&self, now: Instant) -> Duration {
        let mut t = Duration::from_secs(1);
        if self.lookups > 0 {
            t = t.min(Duration::from_millis(20));
        }
        for p in self.pending.values() {
            if let Stage::Query {
                next_retry,
                deadline,
            } = p.stage
            {
                t = t.min(next_retry.min(deadline).saturating_duration_since(now));
            }
        }
        t
    }

    fn read_socket(&mut self, index: usize, buf: &mut [u8]) {
        for _ in 0..BATCH {
            let Some(sock) = self.socks.get(index) else {
                return;
            };
            let (len, from) = match sock.socket.recv_from(buf) {
                Ok(got) => got,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return,
                Err(e) => {
                    tracing::debug!(error = %e, "recv");
                    return;
                }
            };
            let SocketAddr::V4(from) = from else { continue };
            let data = buf.get(..len).unwrap_or_default();
            let (role, iface) = (sock.role, sock.iface);
            match role {
                Role::Datagram => {
                    self.inbound.handle(data, from, Instant::now());
                }
                Role::Nbns => self.answer(iface, data, from),
                Role::Query => self.query_answer(data),
            }
        }
    }

    /// Answers a name query for our name arriving on interface `iface`.
    fn answer(&mut self, iface: usize, packet: &[u8], from: SocketAddrV4) {
        let now = Instant::now();
        if !self.nbns_sources.allow(*from.ip(), now) || !self.nbns_rate.allow(now) {
            return;
        }
        let Some(i) = self.ifaces.get(iface) else {
            return;
        };
        let Some(reply) = outbound::answer_query(packet, self.our_name, i.addr.address) else {
            return;
        };
        if let Some(s) = i.nbns.and_then(|n| self.socks.get(n)) {
            match s.socket.send_to(&reply, from) {
                Ok(_) => {
                    self.answered += 1;
                    tracing::debug!(%from, name = %self.our_name, "answered name query");
                }
                Err(e) => tracing::debug!(%from, error = %e, "name query answer"),
            }
        }
    }

    /// A packet on a query socket: maybe the answer to a pending resolution.
    fn query_answer(&mut self, packet: &[u8]) {
        let hit = self
            .pending
            .iter()
            .filter(|(_, p)| matches!(p.stage, Stage::Query { .. }))
            .find_map(|(name, p)| {
                outbound::parse_answer(packet, p.trn_id, *name).map(|f| (*name, f))
            });
        match hit {
            Some((name, Found::Negative)) => self.start_lookup(name),
            Some((name, found)) => {
                tracing::debug!(%name, ?found, "name query answered");
                self.resolved(name, Some(found));
            }
            None => {}
        }
    }

    fn read_control(&mut self, buf: &mut [u8]) {
        let mut cmsg = nix::cmsg_space!(UnixCredentials);
        for _ in 0..BATCH {
            let (len, from, sender) = {
                let mut iov = [IoSliceMut::new(buf)];
                let msg = match recvmsg::<UnixAddr>(
                    self.control.as_raw_fd(),
                    &mut iov,
                    Some(&mut cmsg),
                    MsgFlags::MSG_DONTWAIT,
                ) {
                    Ok(m) => m,
                    Err(nix::errno::Errno::EAGAIN) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, "control recv");
                        return;
                    }
                };
                let sender = msg.cmsgs().ok().and_then(|mut c| {
                    c.find_map(|m| match m {
                        ControlMessageOwned::ScmCredentials(cred) => Some(Sender {
                            pid: cred.pid(),
                            uid: cred.uid(),
                        }),
                        _ => None,
                    })
                });
                (msg.bytes, msg.address, sender)
            };
            let data = buf.get(..len).unwrap_or_default();
            let peer = from.filter(|a| a.path().is_some() || a.as_abstract().is_some());
            // With SO_PASSCRED the kernel always attaches the sender's credentials; a datagram
            // without them is not answered.
            let Some(sender) = sender else {
                tracing::warn!("request without sender credentials dropped");
                continue;
            };
            self.request(data, peer, sender);
        }
    }

    fn reply(&self, peer: Option<&UnixAddr>, id: u32, status: Status) {
        self.reply_bytes(peer, &Reply { id, status }.encode());
    }

    fn reply_bytes(&self, peer: Option<&UnixAddr>, bytes: &[u8]) {
        if let Some(peer) = peer
            && let Err(e) = sendto(
                self.control.as_raw_fd(),
                bytes,
                peer,
                MsgFlags::MSG_DONTWAIT,
            )
        {
            tracing::debug!(error = %e, "reply to client");
        }
    }

    /// The daemon's settings and counters, for `winipc netd status`.
    pub fn status_entries(&self) -> Vec<(String, Value)> {
        let stats = self.inbound.stats();
        let (sources, evicted) = self.inbound.sources();
        let text = |s: String| {
            Value::Text(
                s.chars()
                    .filter(|c| (' '..='~').contains(c))
                    .take(1024)
                    .collect(),
            )
        };
        let mut out: Vec<(&str, Value)> = vec![
            ("version", text(env!("CARGO_PKG_VERSION").to_owned())),
            ("pid", Value::Number(u64::from(std::process::id()))),
            ("uptime_s", Value::Number(self.started.elapsed().as_secs())),
            ("name", text(self.our_name.to_string())),
            ("workgroup", text(self.workgroup.to_string())),
            (
                "interfaces",
                text(
                    self.ifaces
                        .iter()
                        .map(|i| format!("{}={}", i.name, i.addr.address))
                        .collect::<Vec<_>>()
                        .join(","),
                ),
            ),
            ("port", Value::Number(u64::from(self.cfg.port))),
            ("nbns", Value::Number(u64::from(self.cfg.nbns))),
            ("socket", text(self.socket_path.display().to_string())),
            ("received", Value::Number(stats.received)),
            ("delivered", Value::Number(stats.delivered)),
            ("rate_limited", Value::Number(stats.rate_limited)),
            ("oversize", Value::Number(stats.oversize)),
            ("malformed", Value::Number(stats.malformed)),
            ("not_for_us", Value::Number(stats.not_for_us)),
            ("duplicates", Value::Number(stats.duplicates)),
            ("no_receiver", Value::Number(stats.no_receiver)),
            ("slot_full", Value::Number(stats.slot_full)),
            ("refused", Value::Number(stats.refused)),
            ("sources_tracked", Value::Number(sources as u64)),
            ("sources_evicted", Value::Number(evicted)),
            (
                "cached_writers",
                Value::Number(self.inbound.cached_writers() as u64),
            ),
            ("requests", Value::Number(self.requests)),
            ("requests_busy", Value::Number(self.requests_busy)),
            ("requests_bad", Value::Number(self.requests_bad)),
            ("status_queries", Value::Number(self.status_queries)),
            ("sent", Value::Number(self.sent)),
            ("send_errors", Value::Number(self.send_errors)),
            ("nbns_answers", Value::Number(self.answered)),
            ("pending_names", Value::Number(self.pending.len() as u64)),
            ("queued_bytes", Value::Number(self.queued_bytes as u64)),
        ];
        out.drain(..).map(|(k, v)| (k.to_owned(), v)).collect()
    }

    /// One datagram from a local process (`sender` as the kernel reports it).
    fn request(&mut self, data: &[u8], peer: Option<UnixAddr>, sender: Sender) {
        let best_effort_id = data
            .get(..4)
            .filter(|m| *m == proto::MAGIC)
            .and(data.get(6..10))
            .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        let request = match Query::decode(data) {
            Ok(Query::Write(r)) => r,
            Ok(Query::Status { id }) => {
                if !self.user_send_rate.allow(sender.uid, Instant::now()) {
                    self.requests_busy += 1;
                    self.reply(peer.as_ref(), id, Status::Busy);
                    return;
                }
                self.status_queries += 1;
                tracing::debug!(uid = sender.uid, pid = sender.pid, "status query");
                let reply = StatusReply {
                    id,
                    entries: self.status_entries(),
                };
                match reply.encode() {
                    Ok(bytes) => self.reply_bytes(peer.as_ref(), &bytes),
                    Err(e) => tracing::warn!(error = %e, "status reply"),
                }
                return;
            }
            Err(ProtoError::UnsupportedVersion { version, id }) => {
                self.requests_bad += 1;
                tracing::warn!(
                    version,
                    uid = sender.uid,
                    pid = sender.pid,
                    "request of an unsupported version"
                );
                self.reply(peer.as_ref(), id.unwrap_or(0), Status::UnsupportedVersion);
                return;
            }
            Err(e) => {
                self.requests_bad += 1;
                tracing::debug!(error = %e, uid = sender.uid, pid = sender.pid, "malformed request");
                self.reply(peer.as_ref(), best_effort_id, Status::BadRequest);
                return;
            }
        };
        self.requests += 1;
        let now = Instant::now();
        if !self.user_send_rate.allow(sender.uid, now) || !self.send_rate.allow(now) {
            self.requests_busy += 1;
            tracing::debug!(
                uid = sender.uid,
                pid = sender.pid,
                "request over the send rate limit"
            );
            self.reply(peer.as_ref(), request.id, Status::Busy);
            return;
        }
        tracing::debug!(
            uid = sender.uid,
            pid = sender.pid,
            target = ?request.target,
            path = %request.path,
            len = request.payload.len(),
            "request"
        );
        let plan = match outbound::plan(&request, self.workgroup, &self.groups) {
            Ok(p) => p,
            Err(status) => {
                tracing::debug!(?status, path = %request.path, "request refused");
                self.reply(peer.as_ref(), request.id, status);
                return;
            }
        };
        match plan {
            Plan::Group(name) => {
                let status = self.send_group(name, &request);
                self.reply(peer.as_ref(), request.id, status);
            }
            Plan::Unique(name) if name == self.our_name => {
                let ip = self.ifaces.first().map(|i| i.addr.address);
                let status = ip.map_or(Status::SendFailed, |ip| {
                    self.send_unique(name, ip, &request)
                });
                self.reply(peer.as_ref(), request.id, status);
            }
            Plan::Unique(name) => self.send_resolved(name, peer, request),
        }
    }

    fn dgm_id(&mut self) -> u16 {
        self.next_dgm_id = self.next_dgm_id.wrapping_add(1);
        self.next_dgm_id
    }

    fn send_on(
        &mut self,
        iface: usize,
        to: Ipv4Addr,
        kind: DataKind,
        name: NbName,
        request: &Request,
    ) -> Status {
        let Some(i) = self.ifaces.get(iface) else {
            return Status::SendFailed;
        };
        let (source_ip, sender) = (i.addr.address, i.sender);
        let id = self.dgm_id();
        let bytes = match self.sender.datagram(id, kind, source_ip, name, request) {
            Ok(b) => b,
            Err(status) => return status,
        };
        let Some(sock) = self.socks.get(sender) else {
            return Status::SendFailed;
        };
        match sock
            .socket
            .send_to(&bytes, SocketAddrV4::new(to, self.cfg.port))
        {
            Ok(_) => {
                self.sent += 1;
                tracing::debug!(%to, %name, path = %request.path, len = request.payload.len(), "sent");
                Status::Ok
            }
            Err(e) => {
                self.send_errors += 1;
                tracing::warn!(%to, %name, error = %e, "send failed");
                Status::SendFailed
            }
        }
    }

    /// DIRECT_GROUP to `name` on every interface's broadcast address.
    fn send_group(&mut self, name: NbName, request: &Request) -> Status {
        let mut status = Status::SendFailed;
        for iface in 0..self.ifaces.len() {
            let to = self.ifaces[iface].group_destination();
            match self.send_on(iface, to, DataKind::DirectGroup, name, request) {
                Status::Ok => status = Status::Ok,
                s @ (Status::TooLarge | Status::BadRequest) => return s,
                _ => {}
            }
        }
        status
    }

    /// DIRECT_UNIQUE to `name` at `ip`, from the interface on its subnet (else the first).
    fn send_unique(&mut self, name: NbName, ip: Ipv4Addr, request: &Request) -> Status {
        let iface = self.ifaces.iter().position(|i| i.on_link(ip)).unwrap_or(0);
        self.send_on(iface, ip, DataKind::DirectUnique, name, request)
    }

    fn send_found(&mut self, name: NbName, found: Option<Found>, request: &Request) -> Status {
        match found {
            Some(Found::Unique(ip)) => self.send_unique(name, ip, request),
            Some(Found::Group) => self.send_group(name, request),
            Some(Found::Negative) | None => Status::NameNotFound,
        }
    }

    /// Sends to a cached address, or queues the request behind a name query.
    fn send_resolved(&mut self, name: NbName, peer: Option<UnixAddr>, request: Request) {
        let now = Instant::now();
        if let Some(&(found, at)) = self.names.get(&name) {
            let ttl = if found.is_some() {
                CACHE_TTL
            } else {
                NEGATIVE_TTL
            };
            if now.duration_since(at) < ttl {
                let status = self.send_found(name, found, &request);
                self.reply(peer.as_ref(), request.id, status);
                return;
            }
            self.names.remove(&name);
        }
        let size = request.payload.len() + request.path.len();
        if self.queued_bytes + size > self.cfg.max_queued_bytes {
            self.reply(peer.as_ref(), request.id, Status::Busy);
            return;
        }
        self.queued_bytes += size;
        if let Some(p) = self.pending.get_mut(&name) {
            p.waiting.push((peer, request));
            return;
        }
        self.next_trn_id = self.next_trn_id.wrapping_add(1);
        let deadline = now + Duration::from_millis(self.cfg.resolve_timeout_ms);
        self.pending.insert(
            name,
            Pending {
                trn_id: self.next_trn_id,
                stage: Stage::Query {
                    next_retry: now + QUERY_RETRY,
                    deadline,
                },
                waiting: vec![(peer, request)],
            },
        );
        self.send_query(name);
    }

    fn send_query(&mut self, name: NbName) {
        let Some(p) = self.pending.get(&name) else {
            return;
        };
        let packet = outbound::query(p.trn_id, name);
        for i in &self.ifaces {
            let to = SocketAddrV4::new(i.group_destination(), self.cfg.nbns_port);
            if let Some(s) = self.socks.get(i.query)
                && let Err(e) = s.socket.send_to(&packet, to)
            {
                tracing::debug!(interface = %i.name, error = %e, "name query");
            }
        }
        tracing::debug!(%name, "name query sent");
    }

    /// The name query went unanswered (or was answered negatively): try the system resolver.
    fn start_lookup(&mut self, name: NbName) {
        let Some(p) = self.pending.get_mut(&name) else {
            return;
        };
        if !self.cfg.system_resolver || self.lookups >= MAX_LOOKUPS {
            self.resolved(name, None);
            return;
        }
        p.stage = Stage::Lookup;
        self.lookups += 1;
        let tx = self.lookup_tx.clone();
        let host = String::from_utf8_lossy(name.trimmed()).to_ascii_lowercase();
        let port = self.cfg.port;
        let spawned = std::thread::Builder::new()
            .name("winipc-netd-resolve".into())
            .spawn(move || {
                let ip = (host.as_str(), port)
                    .to_socket_addrs()
                    .ok()
                    .and_then(|mut addrs| {
                        addrs.find_map(|a| match a {
                            SocketAddr::V4(v4) => Some(*v4.ip()),
                            SocketAddr::V6(_) => None,
                        })
                    });
                let _ = tx.send((name, ip));
            });
        if spawned.is_err() {
            self.lookups -= 1;
            self.resolved(name, None);
        }
    }

    /// Completes every request waiting for `name`.
    fn resolved(&mut self, name: NbName, found: Option<Found>) {
        let Some(p) = self.pending.remove(&name) else {
            return;
        };
        if self.names.len() >= MAX_CACHED_NAMES {
            self.names.clear();
        }
        let found = found.filter(|f| *f != Found::Negative);
        self.names.insert(name, (found, Instant::now()));
        if found.is_none() {
            tracing::info!(%name, "name not found");
        }
        for (peer, request) in p.waiting {
            self.queued_bytes = self
                .queued_bytes
                .saturating_sub(request.payload.len() + request.path.len());
            let status = self.send_found(name, found, &request);
            self.reply(peer.as_ref(), request.id, status);
        }
    }

    /// Timers: query retries and deadlines, finished look-ups, idle writers.
    fn tick(&mut self, now: Instant) {
        if now.saturating_duration_since(self.last_sweep) >= Duration::from_secs(1) {
            self.last_sweep = now;
            self.inbound.expire_writers(now);
        }
        while let Ok((name, ip)) = self.lookup_rx.try_recv() {
            self.lookups = self.lookups.saturating_sub(1);
            self.resolved(name, ip.map(Found::Unique));
        }
        let mut expired = Vec::new();
        let mut retry = Vec::new();
        for (name, p) in &mut self.pending {
            if let Stage::Query {
                next_retry,
                deadline,
            } = &mut p.stage
            {
                if now >= *deadline {
                    expired.push(*name);
                } else if now >= *next_retry {
                    *next_retry = now + QUERY_RETRY;
                    retry.push(*name);
                }
            }
        }
        for name in retry {
            self.send_query(name);
        }
        for name in expired {
            self.start_lookup(name);
        }
    }
}
