//! The meeting point of a pipe's servers and clients: the name's listening socket, the
//! process's table of pipe names it serves, its instances' connect states, and the acceptor
//! thread that answers everyone who connects to a name.
//!
//! - A pipe's name is an abstract `SOCK_SEQPACKET` socket bound by its first instance
//!   (first come, first served; freed by the kernel when the last process holding instances
//!   closes them or dies). Another process of the same user (or root) that creates instances
//!   of the name gets the listening socket from a holder (`Op::Join`, `SCM_RIGHTS`).
//! - Every process holding instances runs one acceptor thread (started with its first
//!   instance) that polls the listeners of its names. For each connection it reads the
//!   [`Hello`], checks the peer's credentials (`SO_PEERCRED`: the same user, root, or anyone
//!   for a pipe open to everyone) and the access asked for, and hands the client one end of a
//!   fresh socket pair, assigning the other to one of *its* listening instances — or answers
//!   busy if it has none.
//! - Limited instance counts (`nMaxInstances` < 255) are counted across processes by instance
//!   slot names (`<name socket>.<n>`), each held by one live instance: the kernel frees a
//!   slot with its instance, SIGKILL included.

use std::collections::HashMap;
use std::os::fd::{AsFd, OwnedFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, Weak};

use winipc_sys::epoll::Poller;
use winipc_sys::names::{self as names, Claim, Peer};
use winipc_sys::pipes::{self as sys};

use super::end::Conn;
use super::frame::{self, Hello, Op, Reply, Settings, Status};
use crate::error::{Error, Result};

/// How long a connecting process waits for the acceptor's answer before it calls the pipe
/// busy (the server process is stopped or overloaded).
pub(crate) const ANSWER_NS: u64 = 2_000_000_000;

/// Where an instance is in its life with clients.
#[derive(Debug)]
pub(crate) enum Link {
    /// Waiting for a client (after `CreateNamedPipe`, or `ConnectNamedPipe` after a
    /// disconnect): the acceptor may assign one.
    Listening,
    /// A client is (or was, until it closed) on the other end.
    Connected(Arc<Conn>),
    /// After `DisconnectNamedPipe`: no client is assigned until `ConnectNamedPipe`.
    Disconnected,
}

#[derive(Debug)]
pub(crate) struct InstanceState {
    pub link: Link,
    /// A `ConnectNamedPipe` is waiting (or pending, overlapped): a client that arrives
    /// completes it ([`super::Connected::Now`]) rather than being found already there.
    pub connect_pending: bool,
    /// When the instance last began listening ([`next_listen_seq`]): a client goes to the
    /// instance that has listened longest, as on Windows.
    pub listen_seq: u64,
}

/// A number for an instance that begins listening now (later instances get larger ones).
pub(crate) fn next_listen_seq() -> u64 {
    static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// One server instance as the acceptor sees it.
#[derive(Debug)]
pub(crate) struct Instance {
    pub state: Mutex<InstanceState>,
    pub changed: Condvar,
    /// Signaled when a client is assigned (readiness for an asynchronous connect).
    pub notify: OwnedFd,
    /// The instance slot held for a limited pipe.
    _slot: Option<OwnedFd>,
    /// Set when its `PipeInstance` is dropped (the acceptor may hold it a moment longer).
    pub closed: std::sync::atomic::AtomicBool,
    /// Offers its clients the shared-memory data path ([`super::ring`]).
    pub shm: bool,
    /// The [`Conn::id`] of the connection in `state.link` while it is
    /// [`Link::Connected`], else 0 (changed only under `state`): lets a thread that used
    /// that connection last find it again without the lock (`PipeInstance::with_conn`).
    pub current: AtomicU64,
}

/// A pipe name this process holds instances of.
#[derive(Debug)]
pub(crate) struct Name {
    /// The abstract socket's name.
    sock: Vec<u8>,
    key: u64,
    listener: OwnedFd,
    pub settings: Settings,
    /// Names the instance slots (see [`claim_slot`]); told only to admitted holders.
    secret: u64,
    inner: Mutex<NameInner>,
}

#[derive(Debug, Default)]
struct NameInner {
    instances: Vec<Weak<Instance>>,
    /// `WaitNamedPipe` callers told to wait for a free instance.
    waiters: Vec<OwnedFd>,
}

impl Name {
    /// Whether every instance of this process is closed: the name is only being let go of
    /// (the acceptor holds it, or an instance, for a moment longer).
    pub(crate) fn all_closed(&self) -> bool {
        let inner = self.inner.lock().expect("pipe name");
        inner
            .instances
            .iter()
            .filter_map(Weak::upgrade)
            .all(|i| i.closed.load(Ordering::Acquire))
    }

    /// This process's live instances of the name.
    pub(crate) fn instance_count(&self) -> u32 {
        let mut inner = self.inner.lock().expect("pipe name");
        inner.instances.retain(|w| w.strong_count() > 0);
        inner.instances.len() as u32
    }

    /// Tells every `WaitNamedPipe` caller waiting on this name that an instance is free.
    pub(crate) fn instance_listening(&self) {
        let waiters = std::mem::take(&mut self.inner.lock().expect("pipe name").waiters);
        let free = Reply {
            status: Status::Free,
            settings: self.settings,
            secret: 0,
            ring: false,
        }
        .encode();
        for w in waiters {
            let _ = sys::send(&w, &[&free], true);
        }
    }

    /// Registers a new listening instance (holding `slot` if the pipe is limited).
    pub(crate) fn add_instance(&self, slot: Option<OwnedFd>, shm: bool) -> Result<Arc<Instance>> {
        let inst = Arc::new(Instance {
            state: Mutex::new(InstanceState {
                link: Link::Listening,
                connect_pending: false,
                listen_seq: next_listen_seq(),
            }),
            changed: Condvar::new(),
            notify: sys::eventfd()?,
            _slot: slot,
            closed: std::sync::atomic::AtomicBool::new(false),
            shm,
            current: AtomicU64::new(0),
        });
        self.inner
            .lock()
            .expect("pipe name")
            .instances
            .push(Arc::downgrade(&inst));
        self.instance_listening();
        Ok(inst)
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        let mut reg = registry();
        if reg
            .by_sock
            .get(&self.sock)
            .is_some_and(|w| w.strong_count() == 0)
        {
            reg.by_sock.remove(&self.sock);
        }
        reg.by_key.remove(&self.key);
        if let Some(p) = reg.poller.as_ref() {
            let _ = p.remove(&self.listener);
        }
    }
}

#[derive(Debug)]
struct Pending {
    conn: OwnedFd,
    peer: Peer,
    name: Weak<Name>,
    /// When it was accepted (monotonic ns): a connection that says nothing is dropped after
    /// [`HELLO_NS`].
    since: u64,
}

/// How long an accepted connection may take to send its hello (clients send it right after
/// connecting); silent ones are closed so that nobody can pile up descriptors in a server.
const HELLO_NS: u64 = 1_000_000_000;
/// At most this many connections wait for their hello, and this many `WaitNamedPipe` callers
/// per name; beyond, the oldest is closed (it connects again).
const MAX_PENDING: usize = 1024;

#[derive(Default)]
struct Registry {
    by_sock: HashMap<Vec<u8>, Weak<Name>>,
    by_key: HashMap<u64, Weak<Name>>,
    pending: HashMap<u64, Pending>,
    poller: Option<Arc<Poller>>,
}

static REGISTRY: Mutex<Option<Registry>> = Mutex::new(None);
static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

struct RegGuard(std::sync::MutexGuard<'static, Option<Registry>>);

impl std::ops::Deref for RegGuard {
    type Target = Registry;
    fn deref(&self) -> &Registry {
        self.0.as_ref().expect("initialized")
    }
}

impl std::ops::DerefMut for RegGuard {
    fn deref_mut(&mut self) -> &mut Registry {
        self.0.as_mut().expect("initialized")
    }
}

fn registry() -> RegGuard {
    let mut g = REGISTRY.lock().expect("pipe registry");
    g.get_or_insert_with(Registry::default);
    RegGuard(g)
}

/// The poller of the acceptor thread, starting the thread on first use.
fn poller() -> Result<Arc<Poller>> {
    static START: OnceLock<std::result::Result<Arc<Poller>, String>> = OnceLock::new();
    let p = START.get_or_init(|| {
        let p = Arc::new(Poller::new().map_err(|e| e.to_string())?);
        let run = p.clone();
        std::thread::Builder::new()
            .name("winipc-pipes".into())
            .spawn(move || acceptor(&run))
            .map_err(|e| e.to_string())?;
        Ok(p)
    });
    match p {
        Ok(p) => Ok(p.clone()),
        Err(_) => Err(Error::NoResources("the pipe acceptor thread")),
    }
}

/// The name this process serves under `sock`, if any.
pub(crate) fn local(sock: &[u8]) -> Option<Arc<Name>> {
    registry().by_sock.get(sock).and_then(Weak::upgrade)
}

/// Starts serving `listener` for `sock` with `settings`; if another thread of this process
/// registered the name meanwhile, returns that one (and `listener` is dropped).
pub(crate) fn serve(
    sock: Vec<u8>,
    listener: OwnedFd,
    settings: Settings,
    secret: u64,
) -> Result<Arc<Name>> {
    let poller = poller()?;
    let mut reg = registry();
    if let Some(existing) = reg.by_sock.get(&sock).and_then(Weak::upgrade) {
        return Ok(existing);
    }
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let name = Arc::new(Name {
        sock: sock.clone(),
        key,
        listener,
        settings,
        secret,
        inner: Mutex::new(NameInner::default()),
    });
    poller.add(&name.listener, key)?;
    reg.poller.get_or_insert(poller);
    reg.by_sock.insert(sock, Arc::downgrade(&name));
    reg.by_key.insert(key, Arc::downgrade(&name));
    Ok(name)
}

/// A new pipe's secret (random; 0 only if the kernel's generator fails).
pub(crate) fn new_secret() -> u64 {
    let mut b = [0u8; 8];
    let _ = std::fs::File::open("/dev/urandom").and_then(|mut f| {
        use std::io::Read;
        f.read_exact(&mut b)
    });
    u64::from_le_bytes(b)
}

/// The abstract name of instance slot `n` of the pipe `sock` with `secret`: another user
/// sees the names of held slots (`/proc/net/unix`) but cannot derive a free one's.
fn slot_name(sock: &[u8], secret: u64, n: u32) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(secret.to_le_bytes());
    h.update(n.to_le_bytes());
    let d = h.finalize();
    let tag = u64::from_le_bytes(d[..8].try_into().expect("8 bytes"));
    let mut name = sock.to_vec();
    name.extend_from_slice(format!(".{tag:016x}").as_bytes());
    name
}

/// Claims a free instance slot `0..max` of the name: `None` if all are held (by instances
/// in this or other processes).
pub(crate) fn claim_slot(name: &Name, max: u32) -> Result<Option<OwnedFd>> {
    for n in 0..max {
        if let Claim::Bound(fd) = names::claim(&slot_name(&name.sock, name.secret, n))? {
            return Ok(Some(fd));
        }
    }
    Ok(None)
}

/// Asks the holder of the name `sock` for its listening socket (to add instances in this
/// process). `Ok(None)`: nobody holds it any more.
pub(crate) fn join(sock: &[u8]) -> Result<Option<(OwnedFd, Settings, u64)>> {
    let Some((conn, _owner)) = names::find(sock)? else {
        return Ok(None);
    };
    let hello = Hello {
        op: Op::Join,
        read: false,
        write: false,
        shm: false,
    };
    sys::send(&conn, &[&hello.encode()], false)?;
    let mut b = [0u8; frame::REPLY_LEN];
    let deadline = winipc_sys::time::monotonic_ns() + ANSWER_NS;
    match sys::recv_handshake(&conn, &mut b, Some(deadline))? {
        None => Err(Error::PipeBusy),
        Some((0, _)) => Ok(None),
        Some((n, fd)) => match (Reply::decode(&b[..n]), fd) {
            (Some(r), Some(fd)) if r.status == Status::Ok => {
                if names::bound_name(&fd).as_deref() != Some(sock) {
                    return Err(Error::Corrupt("a pipe holder's answer"));
                }
                let _ = sys::set_nonblocking(&fd, true);
                Ok(Some((fd, r.settings, r.secret)))
            }
            (Some(r), _) if r.status == Status::Denied => Err(Error::AccessDenied),
            _ => Err(Error::Corrupt("a pipe holder's answer")),
        },
    }
}

/// The acceptor thread: answers every connection to this process's pipe names.
fn acceptor(poller: &Poller) {
    loop {
        let now = winipc_sys::time::monotonic_ns();
        let expired: Vec<Pending> = {
            let mut reg = registry();
            let old: Vec<u64> = reg
                .pending
                .iter()
                .filter(|(_, p)| now.saturating_sub(p.since) >= HELLO_NS)
                .map(|(k, _)| *k)
                .collect();
            old.iter().filter_map(|k| reg.pending.remove(k)).collect()
        };
        for p in expired {
            let _ = poller.remove(&p.conn);
        }
        let idle = registry().pending.is_empty();
        let keys = match poller.wait((!idle).then_some(now + HELLO_NS / 4)) {
            Ok(k) => k,
            Err(e) => {
                tracing::warn!(error = %e, "the pipe acceptor stopped");
                return;
            }
        };
        for key in keys {
            let name = registry().by_key.get(&key).and_then(Weak::upgrade);
            if let Some(name) = name {
                accept_all(poller, &name);
                continue;
            }
            let pending = registry().pending.remove(&key);
            if let Some(p) = pending {
                let _ = poller.remove(&p.conn);
                if !answer(poller, p, key) {
                    // Not ready after all (spurious wake-up): keep it.
                }
            }
        }
    }
}

fn accept_all(poller: &Poller, name: &Arc<Name>) {
    // Instances of one name may live in several processes, all polling the same listener.
    // One with no free instance lets the others take the connection first (they answer with
    // a free instance; this one could only say busy); it answers what is left.
    if !has_listening(name) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    loop {
        match names::accept(&name.listener) {
            Ok(Some((conn, peer))) => {
                let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
                let p = Pending {
                    conn,
                    peer,
                    name: Arc::downgrade(name),
                    since: winipc_sys::time::monotonic_ns(),
                };
                answer(poller, p, key);
            }
            Ok(None) => return,
            Err(e) => {
                tracing::debug!(error = %e, "accepting a pipe connection failed");
                return;
            }
        }
    }
}

/// Handles a connection's hello if it has arrived (else parks the connection until it does).
/// Returns whether it was handled.
fn answer(poller: &Poller, p: Pending, key: u64) -> bool {
    let mut b = [0u8; frame::HELLO_LEN + 1];
    let hello = match sys::recv(&p.conn, &mut [&mut b], false, true) {
        Ok((0, _)) => return true, // the peer left
        Ok((n, _)) => Hello::decode(&b[..n.min(b.len())]),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            let mut reg = registry();
            if reg.pending.len() >= MAX_PENDING {
                let oldest = reg
                    .pending
                    .iter()
                    .min_by_key(|(_, p)| p.since)
                    .map(|(k, _)| *k);
                if let Some(old) = oldest.and_then(|k| reg.pending.remove(&k)) {
                    let _ = poller.remove(&old.conn);
                }
            }
            if poller.add(&p.conn, key).is_ok() {
                reg.pending.insert(key, p);
            }
            return false;
        }
        Err(_) => return true,
    };
    let (Some(hello), Some(name)) = (hello, p.name.upgrade()) else {
        return true; // garbage, or the name is gone: close
    };
    // A refused caller learns nothing of the pipe's settings.
    let reply = |status| Reply {
        status,
        settings: if status == Status::Denied {
            Settings {
                kind: winipc_sys::pipes::Kind::Byte,
                access: super::PipeAccess::Duplex,
                public: false,
                max_instances: 255,
                default_timeout_ms: 0,
                out_buffer: 0,
                in_buffer: 0,
            }
        } else {
            name.settings
        },
        secret: 0,
        ring: false,
    };
    let me = winipc_sys::proc::geteuid();
    let same_user = p.peer.uid == me || p.peer.uid == 0;
    let admitted = same_user || name.settings.public;
    match hello.op {
        Op::Join => {
            let mut r = reply(if same_user {
                Status::Ok
            } else {
                Status::Denied
            });
            if same_user {
                r.secret = name.secret;
            }
            let share = same_user.then_some(&name.listener);
            let _ = sys::send_handshake(&p.conn, &r.encode(), share);
        }
        Op::Wait => {
            if !admitted {
                let _ =
                    sys::send_handshake(&p.conn, &reply(Status::Denied).encode(), None::<&OwnedFd>);
            } else if has_listening(&name) {
                let _ =
                    sys::send_handshake(&p.conn, &reply(Status::Free).encode(), None::<&OwnedFd>);
            } else if sys::send_handshake(
                &p.conn,
                &reply(Status::Queued).encode(),
                None::<&OwnedFd>,
            )
            .is_ok()
            {
                let mut inner = name.inner.lock().expect("pipe name");
                // Forget callers that gave up.
                inner
                    .waiters
                    .retain(|w| !sys::poll(w, false, false, Some(0)).is_ok_and(|r| r.hangup));
                if inner.waiters.len() >= MAX_PENDING {
                    inner.waiters.remove(0);
                }
                inner.waiters.push(p.conn);
            }
        }
        Op::Connect => {
            let s = name.settings;
            let fits = (!hello.read || s.access.server_writes())
                && (!hello.write || s.access.server_reads());
            if !admitted {
                let _ =
                    sys::send_handshake(&p.conn, &reply(Status::Denied).encode(), None::<&OwnedFd>);
            } else if !fits {
                let _ = sys::send_handshake(
                    &p.conn,
                    &reply(Status::WrongAccess).encode(),
                    None::<&OwnedFd>,
                );
            } else if let Err(conn) = assign(&name, p.conn, p.peer, hello.shm) {
                let _ = sys::send_handshake(&conn, &reply(Status::Busy).encode(), None::<&OwnedFd>);
            }
        }
    }
    true
}

fn has_listening(name: &Name) -> bool {
    let inner = name.inner.lock().expect("pipe name");
    inner
        .instances
        .iter()
        .filter_map(Weak::upgrade)
        .any(|i| matches!(i.state.lock().expect("pipe instance").link, Link::Listening))
}

/// Gives the client on `conn` a connection to one of the name's listening instances; hands
/// `conn` back if none is free.
fn assign(
    name: &Name,
    conn: OwnedFd,
    peer: Peer,
    client_shm: bool,
) -> std::result::Result<(), OwnedFd> {
    let mut instances: Vec<(u64, Arc<Instance>)> = name
        .inner
        .lock()
        .expect("pipe name")
        .instances
        .iter()
        .filter_map(Weak::upgrade)
        .map(|i| {
            let seq = i.state.lock().expect("pipe instance").listen_seq;
            (seq, i)
        })
        .collect();
    // The instance listening longest first.
    instances.sort_by_key(|(seq, _)| *seq);
    for (_, inst) in instances {
        let mut st = inst.state.lock().expect("pipe instance");
        if !matches!(st.link, Link::Listening) {
            continue;
        }
        let Ok((server, client)) = sys::pair(name.settings.kind) else {
            return Err(conn);
        };
        // The shared-memory path when both sides ask for it (a failure to make it leaves the
        // connection an ordinary one).
        let memory = if inst.shm && client_shm {
            super::ring::Shared::create(super::ring::RING)
                .map_err(|e| tracing::debug!(error = %e, "pipe shared memory"))
                .ok()
        } else {
            None
        };
        let ok = Reply {
            status: Status::Ok,
            settings: name.settings,
            secret: 0,
            ring: memory.is_some(),
        };
        let mut share = vec![client.as_fd()];
        if let Some((_, fd)) = &memory {
            share.push(fd.as_fd());
        }
        if sys::send_handshake_fds(&conn, &ok.encode(), &share).is_err() {
            return Ok(()); // the client left: the instance stays listening
        }
        let mut end = Conn::new(server, Some(conn), name.settings.kind, peer.pid);
        if let Some((shared, _)) = memory {
            end = match end.with_ring(shared, true) {
                Ok(e) => e,
                // The client has the rings and will use them: without a link of our own we
                // could not read them. Drop the connection (the client sees it closed).
                Err(_) => return Ok(()),
            };
        }
        inst.current.store(end.id, Ordering::Release);
        st.link = Link::Connected(Arc::new(end));
        sys::signal(&inst.notify);
        inst.changed.notify_all();
        return Ok(());
    }
    Err(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipe::{PipeClient, PipeOptions};

    #[test]
    fn silent_and_garbage_connections_are_closed_and_harm_nobody() {
        let name = format!(r"\\.\pipe\rendezvous-silent-{}", std::process::id());
        let server = PipeOptions::new().create(&name).unwrap();
        let sock = crate::machine_names::pipe_socket_name(name.as_bytes(), None);
        let (silent, _) = names::find(&sock).unwrap().expect("listening");
        let (garbage, _) = names::find(&sock).unwrap().expect("listening");
        sys::send(&garbage, &[b"not a hello"], false).unwrap();
        // A real client is served meanwhile.
        let client = PipeClient::open(&name).unwrap();
        client.send(b"x").unwrap();
        let mut b = [0u8; 4];
        assert_eq!(server.recv(&mut b).unwrap().len, 1);
        // Garbage is closed at once, silence after HELLO_NS.
        let until = winipc_sys::time::monotonic_ns() + 3 * HELLO_NS;
        for c in [&garbage, &silent] {
            assert!(sys::poll(c, true, false, Some(until)).unwrap().hangup);
        }
        assert!(registry().pending.is_empty());
    }
}
