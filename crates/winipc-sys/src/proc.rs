//! Process and thread identity, pidfds and exit statuses.

use std::fs;
use std::io;
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use rustix::process::{Pid, PidfdFlags, Signal, WaitId, WaitIdOptions};

/// The calling thread's kernel thread id.
///
/// ```
/// assert!(winipc_sys::proc::gettid() > 0);
/// ```
pub fn gettid() -> u32 {
    rustix::thread::gettid().as_raw_nonzero().get() as u32
}

/// The calling process's id.
pub fn getpid() -> u32 {
    rustix::process::getpid().as_raw_nonzero().get() as u32
}

/// The parent's process id (0 if none).
pub fn getppid() -> u32 {
    rustix::process::getppid().map_or(0, |p| p.as_raw_nonzero().get() as u32)
}

/// The machine's host name (`uname -n`).
pub fn hostname() -> String {
    rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned()
}

/// The effective user id.
pub fn geteuid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The start time of process (or thread) `pid` in clock ticks since boot, from
/// `/proc/<pid>/stat` field 22. Together with the pid it names a process uniquely, even after
/// the pid is reused. `None` if there is no such process.
///
/// ```
/// let me = winipc_sys::proc::getpid();
/// assert!(winipc_sys::proc::start_time(me).is_some());
/// ```
pub fn start_time(pid: u32) -> Option<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may contain spaces and parentheses: parse after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    // After ')' come fields 3.. ; field 22 is the 20th of them.
    rest.split_ascii_whitespace().nth(19)?.parse().ok()
}

/// A 32-bit identity of the calling thread that any process can check with
/// [`identity_alive`], without shared memory: its tid (22 bits: `pid_max` is at most 2^22)
/// and the low 10 bits of its start time, so that a reused tid is not taken for the thread
/// that died. Cached per thread.
///
/// ```
/// let me = winipc_sys::proc::thread_identity();
/// assert!(winipc_sys::proc::identity_alive(me));
/// ```
pub fn thread_identity() -> u32 {
    thread_local!(static ID: u32 = {
        let tid = gettid();
        tid & 0x3f_ffff | ((start_time(tid).unwrap_or(0) & 0x3ff) as u32) << 22
    });
    ID.with(|id| *id)
}

/// Whether the thread named by a [`thread_identity`] is still running (an exited thread, or a
/// zombie process, is not).
pub fn identity_alive(id: u32) -> bool {
    let tid = id & 0x3f_ffff;
    if tid == 0 {
        return false;
    }
    let Ok(stat) = fs::read_to_string(format!("/proc/{tid}/stat")) else {
        return false;
    };
    let Some(close) = stat.rfind(')') else {
        return false;
    };
    let mut fields = stat[close + 1..].split_ascii_whitespace();
    let state = fields.next();
    let start: Option<u64> = fields.nth(18).and_then(|f| f.parse().ok());
    state != Some("Z")
        && state != Some("X")
        && start.is_some_and(|s| (s & 0x3ff) as u32 == id >> 22)
}

/// Whether the process `pid` with start time `start` is still running (a zombie counts as
/// exited).
pub fn is_running(pid: u32, start: u64) -> bool {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(close) = stat.rfind(')') else {
        return false;
    };
    let mut fields = stat[close + 1..].split_ascii_whitespace();
    let state = fields.next().unwrap_or("X");
    let started = fields.nth(18).and_then(|s| s.parse::<u64>().ok());
    started == Some(start) && state != "Z" && state != "X"
}

/// The exit status of process `pid` (started at `start`) while it is a zombie — exited but
/// not yet reaped by its parent — from `/proc/<pid>/stat` field 52. `None` if it is not a
/// zombie (still running, already reaped, or another process now has the pid).
pub fn zombie_exit(pid: u32, start: u64) -> Option<Exit> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_ascii_whitespace().collect();
    // fields[0] is field 3 (state); field N is fields[N - 3].
    if fields.first() != Some(&"Z") || fields.get(19)?.parse::<u64>().ok()? != start {
        return None;
    }
    let status: i32 = fields.get(49)?.parse().ok()?;
    Some(if status & 0x7f == 0 {
        Exit::Code(((status >> 8) & 0xff) as u8)
    } else {
        Exit::Signal((status & 0x7f) as u8)
    })
}

/// Opens a pidfd for process `pid`.
pub fn pidfd_open(pid: u32) -> io::Result<OwnedFd> {
    let pid =
        Pid::from_raw(pid as i32).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    rustix::process::pidfd_open(pid, PidfdFlags::empty()).map_err(Into::into)
}

/// Opens a pidfd for the thread `tid` of any process (`PIDFD_THREAD`, Linux 6.9+): it polls
/// readable once that thread has ended. `EINVAL` on older kernels for a thread that is not a
/// process's main thread; `ESRCH` if there is no such thread.
pub fn pidfd_open_thread(tid: u32) -> io::Result<OwnedFd> {
    let tid =
        Pid::from_raw(tid as i32).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    // PIDFD_THREAD is O_EXCL (include/uapi/linux/pidfd.h).
    let thread = PidfdFlags::from_bits_retain(libc::O_EXCL as u32);
    rustix::process::pidfd_open(tid, thread).map_err(Into::into)
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It called `exit(code)` (8 bits survive).
    Code(u8),
    /// It was killed by this signal.
    Signal(u8),
}

/// Reaps our child behind `pidfd` if it has exited (`waitid(P_PIDFD, WEXITED | WNOHANG)`).
/// `Ok(None)` while it runs; an error if it is not our child.
pub fn reap_child(pidfd: &OwnedFd) -> io::Result<Option<Exit>> {
    let st = rustix::process::waitid(
        WaitId::PidFd(pidfd.as_fd()),
        WaitIdOptions::EXITED | WaitIdOptions::NOHANG,
    )?;
    Ok(st.and_then(|s| {
        if let Some(code) = s.exit_status() {
            Some(Exit::Code(code as u8))
        } else {
            s.terminating_signal().map(|sig| Exit::Signal(sig as u8))
        }
    }))
}

/// The exit status of any process behind `pidfd` once it has exited, through
/// `PIDFD_GET_INFO` with `PIDFD_INFO_EXIT` (Linux 6.15+). `Ok(None)` if the kernel does not have
/// it (still running, not yet reaped by its parent, or an older kernel).
pub fn exit_info(pidfd: &OwnedFd) -> io::Result<Option<Exit>> {
    let mut info: libc::pidfd_info = {
        // SAFETY: `pidfd_info` is a plain C struct of integers; all-zero is a valid value.
        unsafe { std::mem::zeroed() }
    };
    info.mask = libc::PIDFD_INFO_EXIT as u64;
    // SAFETY: PIDFD_GET_INFO reads and writes exactly one `pidfd_info`, which `info` is; the fd
    // is open for the duration of the call.
    let rc = unsafe { libc::ioctl(pidfd.as_raw_fd(), libc::PIDFD_GET_INFO, &mut info) };
    if rc != 0 {
        let e = io::Error::last_os_error();
        return match e.raw_os_error() {
            Some(libc::ESRCH | libc::ENOTTY | libc::EINVAL) => Ok(None),
            _ => Err(e),
        };
    }
    if info.mask & libc::PIDFD_INFO_EXIT as u64 == 0 {
        return Ok(None);
    }
    let status = info.exit_code;
    Ok(Some(if status & 0x7f == 0 {
        Exit::Code(((status >> 8) & 0xff) as u8)
    } else {
        Exit::Signal((status & 0x7f) as u8)
    }))
}

/// Sends SIGKILL through a pidfd.
pub fn kill_pidfd(pidfd: &OwnedFd) -> io::Result<()> {
    rustix::process::pidfd_send_signal(pidfd, Signal::KILL).map_err(Into::into)
}

/// Registers `f` to run in the child after every `fork()` (`pthread_atfork`). The child of a
/// fork is a new process with one thread: it must not keep using its parent's identities.
pub fn on_fork_child(f: extern "C" fn()) -> io::Result<()> {
    // SAFETY: `f` is a plain function pointer valid for the life of the program; no prepare or
    // parent handlers are registered.
    let rc = unsafe { libc::pthread_atfork(None, None, Some(f)) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(rc))
    }
}

/// Makes the descriptors `fds` of this process stay open in the program `cmd` runs (they are
/// close-on-exec here): the child gets them at the same numbers. Only the child's copies
/// change; this process's stay close-on-exec.
///
/// ```
/// use std::os::fd::AsRawFd;
/// let f = std::fs::File::open("/proc/self/stat").unwrap();
/// let mut cmd = std::process::Command::new("sh");
/// cmd.args(["-c", &format!("test -e /proc/self/fd/{}", f.as_raw_fd())]);
/// winipc_sys::proc::keep_across_exec(&mut cmd, vec![f.as_raw_fd()]);
/// assert!(cmd.status().unwrap().success());
/// ```
pub fn keep_across_exec(cmd: &mut std::process::Command, fds: Vec<std::os::fd::RawFd>) {
    use std::os::unix::process::CommandExt;
    if fds.is_empty() {
        return;
    }
    let hook = move || {
        for &fd in &fds {
            // SAFETY: fcntl on an integer descriptor touches no memory of ours; a descriptor
            // that is not open just fails with EBADF.
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFD) };
            if flags >= 0 {
                // SAFETY: as above.
                unsafe { libc::fcntl(fd, libc::F_SETFD, flags & !libc::FD_CLOEXEC) };
            }
        }
        Ok(())
    };
    // SAFETY: the hook runs in the child between fork and exec, where only async-signal-safe
    // calls are allowed: it makes nothing but `fcntl` calls on descriptor numbers and
    // allocates nothing (the vector was built before the fork and is only read).
    unsafe { cmd.pre_exec(hook) };
}

/// Marks descriptor `fd` close-on-exec again (after it was inherited with
/// [`keep_across_exec`] and adopted).
pub fn set_cloexec(fd: &impl std::os::fd::AsFd) -> io::Result<()> {
    rustix::io::fcntl_setfd(fd, rustix::io::FdFlags::CLOEXEC).map_err(Into::into)
}

/// The user that owns process `pid` (the owner of `/proc/<pid>`: its effective uid, or root
/// for a process that made itself non-dumpable), or `None` if there is no such process.
///
/// ```
/// let me = winipc_sys::proc::getpid();
/// assert_eq!(winipc_sys::proc::owner_uid(me), Some(winipc_sys::proc::geteuid()));
/// ```
pub fn owner_uid(pid: u32) -> Option<u32> {
    rustix::fs::stat(format!("/proc/{pid}").as_str())
        .ok()
        .map(|st| st.st_uid)
}

/// 64 random bits from the kernel (`getrandom`), for names nobody may guess in advance.
pub fn random_u64() -> std::io::Result<u64> {
    let mut b = [0u8; 8];
    let mut got = 0;
    while got < b.len() {
        got += rustix::rand::getrandom(&mut b[got..], rustix::rand::GetRandomFlags::empty())?;
    }
    Ok(u64::from_ne_bytes(b))
}
