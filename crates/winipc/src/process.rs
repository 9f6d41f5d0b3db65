//! Process objects: spawning with handle inheritance, opening by pid, exit codes.

use std::io;
use std::process::Command;
use std::time::Duration;

use winipc_sys::proc;

use crate::error::{Error, Result};
use crate::handles::{self, Handle, access};
use crate::objects::{self, Kind, Made, ObjRef, st, sw};
use crate::store::layout::*;
use crate::store::lock::Guard;
use crate::store::names::Tag;
use crate::store::{Store, StoreId, registry};
use crate::thread::Thread;
use crate::wait::WaitOutcome;

/// `GetExitCodeProcess` / `GetExitCodeThread` while the process or thread runs.
pub const STILL_ACTIVE: u32 = 259;

/// A Win32 process object: signaled when the process exits, with a readable exit code.
///
/// ```no_run
/// use std::process::Command;
/// use winipc::Process;
/// let child = Process::spawn(Command::new("true"), false)?;
/// child.wait(None)?;
/// assert_eq!(child.exit_code()?, 0);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Debug)]
pub struct Process {
    handle: Handle,
    pid: u32,
    main_thread: Option<Thread>,
}

fn key(pid: u32, start: u64) -> String {
    format!("{pid}:{start}")
}

/// Creates or opens the process object for (pid, start) in the Local store.
fn object_for(
    pid: u32,
    start: u64,
    with_main_thread: bool,
    rights: u32,
) -> Result<(Handle, Option<Thread>)> {
    let k = key(pid, start);
    let (handle, _) = handles::open_with(StoreId::PRIVATE, Kind::Process, rights, false, |g| {
        let made = objects::create(
            g,
            Kind::Process,
            Some((Tag::Process, k.as_bytes())),
            |g, ix| {
                g.set(sw(ix, st::PR_PID), pid)?;
                g.set(sw(ix, st::PR_START_LO), start as u32)?;
                g.set(sw(ix, st::PR_START_HI), (start >> 32) as u32)
            },
        )?;
        Ok(made)
    })?;
    let main = if with_main_thread {
        Some(main_thread_of(&handle, pid)?)
    } else {
        None
    };
    Ok((handle, main))
}

/// A thread object standing for the main thread of the process behind `ph`: it exits when
/// the process does, with the same code (`PROCESS_INFORMATION.hThread`).
fn main_thread_of(ph: &Handle, pid: u32) -> Result<Thread> {
    let pix = ph.obj().ix;
    let (h, _) = handles::open_with(StoreId::PRIVATE, Kind::Thread, access::ALL, false, |g| {
        if let Some(t) = g.s.obj_link(g.get(sw(pix, st::PR_MAIN_THREAD)))? {
            return Ok(Made::Existing(t));
        }
        let made = objects::create(g, Kind::Thread, None, |g, ix| {
            g.set(sw(ix, st::TH_TID), pid)?;
            g.set(sw(ix, st::TH_PID), pid)
        })?;
        if let Made::New(t) = made {
            g.set(sw(pix, st::PR_MAIN_THREAD), t + 1)?;
            // The process object keeps its main thread object alive.
            objects::add_ref(g, t)?;
        }
        Ok(made)
    })?;
    Ok(Thread::from_parts(h))
}

impl Process {
    /// Spawns `cmd` as a process object. With `inherit_handles`, every handle of this process
    /// marked inheritable appears in the child **at the same value** (the child finds them
    /// with [`Handle::from_raw`]).
    pub fn spawn(mut cmd: Command, inherit_handles: bool) -> io::Result<Process> {
        // The child must find the same stores: pass an explicitly chosen directory on (the
        // default one, and the private directory, the child finds as we did).
        if crate::store::dir_is_explicit() {
            cmd.env("WINIPC_DIR", crate::store::dir());
        }
        let mut pending: Vec<(StoreId, u32)> = Vec::new();
        let mut inherited = Vec::new();
        let mut keep = Vec::new();
        let mut foreign = Vec::new();
        // The private store always (it holds the child's process object); the others if this
        // process has them mapped.
        let _ = Store::get(StoreId::PRIVATE);
        // Handles this process inherited and has not used yet are passed on too (a child
        // that hands an inherited handle to its own child): take them over first.
        for id in StoreId::all() {
            if std::env::var_os(registry::inherit_var(id)).is_some()
                && let Ok(s) = Store::get(id)
            {
                let _ = s.me();
            }
        }
        for id in StoreId::all() {
            cmd.env_remove(registry::inherit_var(id));
        }
        // A pending slot in every store this process uses, with copies of the inheritable
        // handles when `inherit_handles`: the child takes it over on its first use of the
        // store, and until then handles can be duplicated into it (DuplicateHandle right
        // after CreateProcess, as Windows allows).
        for s in Store::all_opened() {
            if s.my_proc().is_some() {
                let (slot, generation, objs) = prepare_inheritance(s, inherit_handles)?;
                cmd.env(registry::inherit_var(s.id), format!("{slot}.{generation}"));
                pending.push((s.id, slot));
                inherited.extend(objs);
                if s.id.index() >= 2 {
                    // Another user's public store: the child maps it from our descriptor,
                    // under the same number.
                    use std::os::fd::AsRawFd;
                    let fd = s.mapping().file().as_raw_fd();
                    keep.push(fd);
                    foreign.push(format!("{}:{fd}", s.id.0));
                }
            }
        }
        if foreign.is_empty() {
            cmd.env_remove(crate::store::INHERIT_STORES_VAR);
        } else {
            cmd.env(crate::store::INHERIT_STORES_VAR, foreign.join(","));
        }
        // The machine-wide names of inherited objects go along, so that they live on while
        // the child holds the handles, even if this process exits first.
        let (fds, var) = crate::machine_names::for_child(&inherited);
        if fds.is_empty() {
            cmd.env_remove(crate::machine_names::INHERIT_VAR);
        } else {
            cmd.env(crate::machine_names::INHERIT_VAR, var);
            keep.extend(fds);
        }
        winipc_sys::proc::keep_across_exec(&mut cmd, keep);
        let child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => {
                for (id, slot) in pending {
                    let _ = abandon_pending(id, slot);
                }
                return Err(e);
            }
        };
        let pid = child.id();
        for &(id, slot) in &pending {
            let s = Store::get(id)?;
            let mut g = s.lock(s.me()?, None)?;
            if g.get(Store::pr(slot, pr::STATE)) == SLOT_PENDING {
                g.set(Store::pr(slot, pr::PID), pid)?;
            }
            g.commit();
        }
        // std's Child is not waited: the monitor reaps it through its pidfd.
        let pidfd = proc::pidfd_open(pid)?;
        let start = proc::start_time(pid).unwrap_or(0);
        let (handle, main) = object_for(pid, start, true, access::PROCESS_ALL)?;
        crate::monitor::watch(handle.obj(), pidfd, true)?;
        drop(child);
        Ok(Process {
            handle,
            pid,
            main_thread: main,
        })
    }

    /// Opens the running process `pid` (`OpenProcess`) with every right the caller may have:
    /// all of them for its own user's processes (or as root), only waiting and reading the
    /// exit code ([`access::PROCESS_OTHER_USER`]) for another user's. Fails with
    /// [`Error::InvalidParameter`] if there is no such process.
    pub fn open(pid: u32) -> io::Result<Process> {
        Ok(Process::open_for(pid, None)?)
    }

    /// Opens the running process `pid` for the rights in `desired` (`OpenProcess`'s
    /// `dwDesiredAccess`): [`Error::AccessDenied`] if the caller may not have them — any
    /// right beyond [`access::PROCESS_OTHER_USER`] on another user's process, as Windows'
    /// default process security allows.
    ///
    /// ```
    /// use winipc::{Process, access};
    /// # winipc::__doc::isolate();
    /// let me = Process::open_with_access(std::process::id(), access::PROCESS_DUP_HANDLE)?;
    /// assert_eq!(me.pid(), std::process::id());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn open_with_access(pid: u32, desired: u32) -> io::Result<Process> {
        Ok(Process::open_for(pid, Some(desired))?)
    }

    fn open_for(pid: u32, desired: Option<u32>) -> Result<Process> {
        let Some(start) = proc::start_time(pid) else {
            return Process::open_ended(pid, desired);
        };
        let allowed = rights_on(pid);
        let rights = match desired {
            None => allowed,
            Some(d) if d & !allowed & access::PROCESS_ALL != 0 => return Err(Error::AccessDenied),
            Some(d) => d & access::PROCESS_ALL,
        };
        let (handle, _) = object_for(pid, start, false, rights)?;
        if pid != proc::getpid() {
            // Watched from the open, not the first wait: if its parent reaps it before anyone
            // waits, the pidfd still gives its status (`PIDFD_INFO_EXIT`).
            crate::monitor::watch_if_process(handle.obj())?;
        }
        Ok(Process {
            handle,
            pid,
            main_thread: None,
        })
    }

    /// `OpenProcess` of a pid that no longer runs: as on Windows, the process can still be
    /// opened while a handle to it is open somewhere (its object lives on, with its exit
    /// code); otherwise [`Error::InvalidParameter`].
    fn open_ended(pid: u32, desired: Option<u32>) -> Result<Process> {
        let rights = desired.map_or(access::PROCESS_ALL, |d| d & access::PROCESS_ALL);
        let (handle, _) =
            handles::open_with(StoreId::PRIVATE, Kind::Process, rights, false, |g| {
                let start_of = |g: &Guard<'_>, ix: u32| {
                    u64::from(g.get(sw(ix, st::PR_START_LO)))
                        | u64::from(g.get(sw(ix, st::PR_START_HI))) << 32
                };
                // The latest process with that pid (a pid can have been reused).
                (0..MAX_OBJECTS)
                    .filter(|&ix| {
                        objects::kind_gen(g.s, ix).0 == Some(Kind::Process)
                            && g.get(sw(ix, st::PR_PID)) == pid
                    })
                    .max_by_key(|&ix| start_of(g, ix))
                    .map(Made::Existing)
                    .ok_or(Error::InvalidParameter("no such process"))
            })?;
        Ok(Process {
            handle,
            pid,
            main_thread: None,
        })
    }

    /// A handle to the calling process's own object.
    pub fn current() -> io::Result<Process> {
        Process::open(proc::getpid())
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Gives up the object wrapper and returns its handle (still open).
    pub fn into_handle(self) -> Handle {
        self.handle
    }

    /// The process's handle.
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// The thread object of the process's main thread, for processes started with
    /// [`Process::spawn`].
    pub fn main_thread(&self) -> Option<&Thread> {
        self.main_thread.as_ref()
    }

    /// Takes the main thread object out (for `PROCESS_INFORMATION.hThread`).
    pub fn take_main_thread(&mut self) -> Option<Thread> {
        self.main_thread.take()
    }

    /// Wraps a handle (which must refer to a process).
    pub fn from_handle(handle: Handle) -> io::Result<Process> {
        if handle.kind() != Kind::Process {
            return Err(Error::InvalidHandle.into());
        }
        let s = Store::get(handle.obj().store)?;
        let pid = s.load(sw(handle.obj().ix, st::PR_PID));
        Ok(Process {
            handle,
            pid,
            main_thread: None,
        })
    }

    /// When the process started: clock ticks after boot (`/proc/PID/stat` field 22), as
    /// recorded in its object (so still known after it has exited); 0 if unknown.
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// let me = winipc::Process::current()?;
    /// assert!(me.start_ticks() > 0);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start_ticks(&self) -> u64 {
        let o = self.handle.obj();
        Store::get(o.store).map_or(0, |s| {
            u64::from(s.load(sw(o.ix, st::PR_START_LO)))
                | u64::from(s.load(sw(o.ix, st::PR_START_HI))) << 32
        })
    }

    /// How many winipc handles process `pid` holds in the stores this process has opened
    /// (`GetProcessHandleCount`); 0 for a process without any.
    ///
    /// ```
    /// # winipc::__doc::isolate();
    /// let before = winipc::Process::handle_count_of(std::process::id())?;
    /// let ev = winipc::Event::new(winipc::EventReset::Manual, false)?;
    /// assert_eq!(winipc::Process::handle_count_of(std::process::id())?, before + 1);
    /// # drop(ev);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn handle_count_of(pid: u32) -> io::Result<u32> {
        let _ = Store::get(StoreId::PRIVATE)?.me()?;
        let mut n = 0u32;
        for s in Store::all_opened() {
            let slot = if pid == proc::getpid() {
                s.my_proc()
            } else {
                (0..MAX_PROCS).find(|&p| {
                    matches!(s.load(Store::pr(p, pr::STATE)), SLOT_LIVE | SLOT_PENDING)
                        && s.load(Store::pr(p, pr::PID)) == pid
                })
            };
            if let Some(p) = slot {
                n += s.load(Store::pr(p, pr::HANDLE_COUNT));
            }
        }
        Ok(n)
    }

    /// The exit code, or [`STILL_ACTIVE`] while the process runs.
    pub fn exit_code(&self) -> io::Result<u32> {
        Ok(exit_code(self.handle.as_raw())?)
    }

    /// Waits for the process to exit.
    pub fn wait(&self, timeout: Option<Duration>) -> io::Result<WaitOutcome> {
        crate::wait_for(&self.handle, timeout)
    }

    /// Ends the process (`TerminateProcess`): its exit code becomes `code` (all 32 bits, for
    /// observers using winipc), then it is killed with SIGKILL.
    pub fn terminate(&self, code: u32) -> io::Result<()> {
        Ok(terminate(self.handle.as_raw(), code)?)
    }
}

/// Makes a pending process slot in `s` for a child and, with `inherit`, copies this process's
/// inheritable handles into it at the same table indices; returns the slot, its generation,
/// and the objects the child inherits.
fn prepare_inheritance(s: &Store, inherit: bool) -> Result<(u32, u32, Vec<ObjRef>)> {
    let me = s.me()?;
    let mine = s.my_proc().ok_or(Error::InvalidHandle)?;
    let mut g = s.lock(me, None)?;
    let (slot, generation) = registry::prepare_child(&mut g)?;
    let mut objs = Vec::new();
    for h in 0..HANDLES_PER_PROC {
        let obj = g.get(Store::hd(mine, h, hd::OBJ));
        if !inherit || obj == 0 || g.get(Store::hd(mine, h, hd::FLAGS)) & HF_INHERIT == 0 {
            continue;
        }
        copy_entry(&mut g, mine, slot, h)?;
        objs.push(ObjRef {
            store: s.id,
            ix: obj - 1,
            generation: g.get(Store::hd(mine, h, hd::GEN)),
        });
    }
    g.commit();
    Ok((slot, generation, objs))
}

fn copy_entry(g: &mut Guard<'_>, from: u32, to: u32, h: u32) -> Result<()> {
    let ix = g.get(Store::hd(from, h, hd::OBJ)) - 1;
    for f in [hd::OBJ, hd::GEN, hd::ACCESS, hd::FLAGS] {
        let v = g.get(Store::hd(from, h, f));
        g.set(Store::hd(to, h, f), v)?;
    }
    g.add(Store::pr(to, pr::HANDLE_COUNT), 1)?;
    let access = g.get(Store::hd(from, h, hd::ACCESS));
    objects::add_ref(g, ix)?;
    objects::hooks(g.s, ix).handle_added(g, ix, access)
}

fn abandon_pending(id: StoreId, slot: u32) -> Result<()> {
    let s = Store::get(id)?;
    loop {
        let mut g = s.lock(s.me()?, None)?;
        let done = registry::reap_process(&mut g, slot)?;
        g.commit();
        if done == registry::Reaped::All {
            return Ok(());
        }
    }
}

fn process_entry(h: handles::RawHandle) -> Result<(ObjRef, &'static Store)> {
    let e = handles::resolve_kind(h, Kind::Process, 0)?;
    Ok((e.obj, Store::get(e.obj.store)?))
}

/// The rights the caller may hold on process `pid`: all on its own user's processes (and as
/// root), only [`access::PROCESS_OTHER_USER`] on another user's. The kernel keeps the rest
/// out of reach anyway (signals, handle tables in private stores); this makes the answer the
/// one Windows gives, at `OpenProcess` time.
pub(crate) fn rights_on(pid: u32) -> u32 {
    let me = proc::geteuid();
    if me == 0 || proc::owner_uid(pid) == Some(me) {
        access::PROCESS_ALL
    } else {
        access::PROCESS_OTHER_USER
    }
}

/// `GetExitCodeProcess`.
pub(crate) fn exit_code(h: handles::RawHandle) -> Result<u32> {
    let (r, s) = process_entry(h)?;
    crate::monitor::watch_if_process(r)?;
    Ok(if s.load(sw(r.ix, st::PR_EXITED)) != 0 {
        s.load(sw(r.ix, st::PR_CODE))
    } else {
        STILL_ACTIVE
    })
}

/// `TerminateProcess`.
pub(crate) fn terminate(h: handles::RawHandle, code: u32) -> Result<()> {
    if handles::resolve(h)?.access & access::PROCESS_TERMINATE == 0 {
        return Err(Error::AccessDenied);
    }
    let (r, s) = process_entry(h)?;
    let pid = s.load(sw(r.ix, st::PR_PID));
    let start = u64::from(s.load(sw(r.ix, st::PR_START_LO)))
        | u64::from(s.load(sw(r.ix, st::PR_START_HI))) << 32;
    if s.load(sw(r.ix, st::PR_EXITED)) != 0 || proc::start_time(pid) != Some(start) {
        return Err(Error::AccessDenied); // Win32: terminating an exited process is denied
    }
    set_preset(s, r.ix, code)?;
    let fd = proc::pidfd_open(pid)?;
    proc::kill_pidfd(&fd)?;
    crate::monitor::watch_if_process(r)
}

fn set_preset(s: &Store, ix: u32, code: u32) -> Result<()> {
    let mut g = s.lock(s.me()?, None)?;
    if g.get(sw(ix, st::PR_PRESET)) == 0 {
        g.set(sw(ix, st::PR_PRESET_CODE), code)?;
        g.set(sw(ix, st::PR_PRESET), 1)?;
    }
    g.commit();
    Ok(())
}

/// Ends the calling process with a 32-bit exit code (`ExitProcess`). Observers that use
/// winipc read the full code; the Linux exit status carries only its low 8 bits.
pub fn exit_process(code: u32) -> ! {
    let recorded = (|| -> Result<()> {
        let s = Store::get(StoreId::PRIVATE)?;
        let mut g = s.lock(s.me()?, None)?;
        registry::record_exit_code(&mut g, code)?;
        g.commit();
        Ok(())
    })();
    if let Err(e) = recorded {
        tracing::warn!(error = %e, "could not record the full exit code");
    }
    std::process::exit(code as i32 & 0xff)
}
