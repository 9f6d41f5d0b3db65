//! A region file truncated under its mappings: the lost pages read as zeros and the mapping is
//! poisoned, instead of the process dying of SIGBUS. Faults elsewhere still kill.
//!
//! Each case runs in a child process (this test binary re-executed), so that a regression shows
//! as a child killed by SIGBUS, not as a dead test runner.

use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::Ordering;

use winipc_sys::shm::{self, Created, OwnerCheck};

const ROLE: &str = "WINIPC_SIGBUS_ROLE";
const PAGE: usize = 4096;

fn scratch(tag: &str) -> (PathBuf, String) {
    let name = format!("winipc-sigbus-{tag}-{}", std::process::id());
    (std::env::temp_dir(), name)
}

/// Runs a role in a child process; a child still running after 30 s is killed (a watchdog:
/// a hang fails the test instead of stalling CI).
fn run_role(role: &str) -> std::process::ExitStatus {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env("RUST_BACKTRACE", "0")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("role {role} hung");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The child side: runs the role named in the environment, exits 0 when it held.
#[test]
fn child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    match role.as_str() {
        "truncated" => truncated(),
        "unguarded" => unguarded(),
        other => panic!("unknown role {other}"),
    }
}

fn truncated() {
    let (dir, name) = scratch("t");
    let Created::New(m) = shm::create_exclusive(&dir, &name, 0o600, 4 * PAGE, |_| Ok(())).unwrap()
    else {
        panic!("name taken")
    };
    let other = shm::open_existing(&dir.join(&name), OwnerCheck::Any).unwrap();
    let w = m.u32s();
    w[0].store(11, Ordering::Release);
    w[3 * PAGE / 4].store(33, Ordering::Release);
    assert!(!m.poisoned());
    // A peer shrinks the file to one page.
    std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join(&name))
        .unwrap()
        .set_len(PAGE as u64)
        .unwrap();
    // The lost page reads as zero, writable, and the mapping says it was poisoned.
    assert_eq!(w[3 * PAGE / 4].load(Ordering::Acquire), 0);
    w[3 * PAGE / 4].store(44, Ordering::Release);
    assert_eq!(w[3 * PAGE / 4].load(Ordering::Acquire), 44);
    assert!(m.poisoned());
    assert_eq!(winipc_sys::sigbus::pages_replaced(), 1);
    // The page that still exists is still shared with the other mapping.
    assert_eq!(other.u32s()[0].load(Ordering::Acquire), 11);
    w[1].store(12, Ordering::Release);
    assert_eq!(other.u32s()[1].load(Ordering::Acquire), 12);
    assert!(!other.poisoned());
    // The other mapping loses the same page when it touches it; its own write to it is private.
    assert_eq!(other.u32s()[3 * PAGE / 4].load(Ordering::Acquire), 0);
    assert!(other.poisoned());
    // Read-only mappings are guarded too.
    let ro = shm::open_read_only(&dir.join(&name)).unwrap();
    drop(other);
    std::fs::OpenOptions::new()
        .write(true)
        .open(dir.join(&name))
        .unwrap()
        .set_len(0)
        .unwrap();
    assert_eq!(ro.u32s()[0].load(Ordering::Acquire), 0);
    assert!(ro.poisoned());
    drop((m, ro));
    shm::unlink(&dir.join(&name)).unwrap();
}

fn unguarded() {
    // A mapping winipc did not make: its SIGBUS must still kill the process.
    let (dir, name) = scratch("u");
    let path = dir.join(&name);
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .unwrap();
    f.set_len(2 * PAGE as u64).unwrap();
    // Install the guard first, as a process using winipc would have.
    let (gdir, gname) = scratch("g");
    let _g = shm::create_exclusive(&gdir, &gname, 0o600, PAGE, |_| Ok(())).unwrap();
    shm::unlink(&gdir.join(&gname)).unwrap();
    assert!(winipc_sys::sigbus::installed());
    // SAFETY: a fresh shared mapping of a file we own, not replacing anything.
    let p = unsafe {
        rustix::mm::mmap(
            std::ptr::null_mut(),
            2 * PAGE,
            rustix::mm::ProtFlags::READ,
            rustix::mm::MapFlags::SHARED,
            &f,
            0,
        )
    }
    .unwrap();
    f.set_len(0).unwrap();
    std::fs::remove_file(&path).unwrap();
    // SAFETY: the address is inside the mapping made above; the read faults with SIGBUS.
    let v = unsafe { std::ptr::read_volatile(p.cast::<u8>().add(PAGE)) };
    panic!("read {v} from a truncated page without SIGBUS");
}

#[test]
fn a_truncated_region_reads_as_zeros_and_is_poisoned() {
    let st = run_role("truncated");
    assert!(st.success(), "child: {st:?} (signal {:?})", st.signal());
}

#[test]
fn a_fault_outside_winipc_mappings_still_kills() {
    let st = run_role("unguarded");
    assert_eq!(st.signal(), Some(libc::SIGBUS), "child: {st:?}");
}
