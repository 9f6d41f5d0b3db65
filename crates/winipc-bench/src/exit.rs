//! Process-exit latency: how long after a process dies its process object is signaled.
//!
//! Busy children (each holding a named mutex in a loop, setting an event and writing to a
//! mailslot, like the issue-16 reproduction) are started four at a time with
//! `Process::spawn`, and one thread per child blocks in `WaitForSingleObject` on its process
//! object. The parent kills the four with `SIGKILL` and takes as the moment of death the instant
//! its own epoll on the children's pidfds reports them (the kernel's notification, seen by a
//! thread of ours, as the monitor sees it); the figure is death → the waiter's return.
//! Children run on the parent's CPU ("same") or the other one ("cross").

use std::io;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use winipc::{Event, EventReset, Mailslot, MailslotWriter, Mutex, Process, Semaphore};

use crate::pin;

/// The busy child (`winipc-bench __busy NAMES…`): opens the objects, says ready, loops.
pub fn busy(dir: &std::path::Path, names: &[String]) -> io::Result<()> {
    let _ = winipc::set_store_dir(dir);
    let [m, e, s, r] = names else {
        return Err(io::Error::other("__busy needs four names"));
    };
    let m = Mutex::create(m, false)?;
    let ev = Event::create(e, EventReset::Manual, false)?;
    let w = MailslotWriter::open(s)?;
    Semaphore::create(r, 0, 1 << 20)?.release(1)?;
    loop {
        if m.wait(Some(Duration::from_millis(100)))?.is_signaled() {
            ev.set()?;
            ev.reset()?;
            m.release()?;
        }
        w.send(b"busy")?;
    }
}

/// Latencies (µs) of one placement: median, p99, max, and how many kills.
#[derive(Debug, Clone, Copy)]
pub struct ExitFigures {
    /// Median death → signaled, µs.
    pub median_us: f64,
    /// 99th percentile, µs.
    pub p99_us: f64,
    /// Worst, µs.
    pub max_us: f64,
    /// Kills measured.
    pub kills: usize,
}

/// Kills `kills` busy children (rounded up to a multiple of 4) with the children pinned to
/// `child_cpu` and this process to `cpu`, and returns the death → signaled figures.
pub fn measure(
    dir: &std::path::Path,
    kills: usize,
    cpu: usize,
    child_cpu: usize,
) -> io::Result<ExitFigures> {
    pin::pin_to(cpu)?;
    let _ = winipc::set_store_dir(dir);
    let tag = format!("{}-{child_cpu}", std::process::id());
    let names = [
        format!("bench-exit-mutex-{tag}"),
        format!("bench-exit-event-{tag}"),
        format!(r"\\.\mailslot\bench\exit-{tag}"),
        format!("bench-exit-ready-{tag}"),
    ];
    let slot = Mailslot::create(&names[2], 64, 0)?;
    let ready = Semaphore::create(&names[3], 0, 1 << 20)?;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let drain = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let _ = slot.recv_timeout(&mut buf, Some(Duration::from_millis(20)));
            }
        })
    };
    let exe = std::env::current_exe()?;
    let mut lat = Vec::with_capacity(kills);
    let result = (|| -> io::Result<()> {
        for _ in 0..kills.div_ceil(4) {
            let mut batch = Vec::new();
            for _ in 0..4 {
                let mut cmd = Command::new(&exe);
                cmd.arg("__busy")
                    .arg("--dir")
                    .arg(dir)
                    .arg("--cpu")
                    .arg(child_cpu.to_string())
                    .args(&names)
                    .stdout(std::process::Stdio::null());
                batch.push(Process::spawn(cmd, false)?);
            }
            for _ in 0..4 {
                if !ready.wait(Some(Duration::from_secs(20)))?.is_signaled() {
                    return Err(io::Error::other("busy child not ready in 20 s"));
                }
            }
            let waiters: Vec<_> = batch
                .iter()
                .map(|p| {
                    let p = Process::open(p.pid());
                    std::thread::spawn(move || -> io::Result<Instant> {
                        let out = p?.wait(Some(Duration::from_secs(10)))?;
                        if out.is_signaled() {
                            Ok(Instant::now())
                        } else {
                            Err(io::Error::other("process object not signaled within 10 s"))
                        }
                    })
                })
                .collect();
            std::thread::sleep(Duration::from_millis(2));
            let fds = batch
                .iter()
                .map(|p| winipc_sys::proc::pidfd_open(p.pid()))
                .collect::<io::Result<Vec<_>>>()?;
            let poller = winipc_sys::epoll::Poller::new()?;
            for (i, fd) in fds.iter().enumerate() {
                poller.add(fd, i as u64)?;
            }
            let deaths = std::thread::spawn(move || -> io::Result<Vec<Instant>> {
                let mut at = [None; 4];
                let end = winipc_sys::time::monotonic_ns() + 10_000_000_000;
                while at.iter().any(Option::is_none) && winipc_sys::time::monotonic_ns() < end {
                    for i in poller.wait(Some(end))? {
                        at[i as usize].get_or_insert_with(Instant::now);
                    }
                }
                at.into_iter()
                    .map(|t| t.ok_or_else(|| io::Error::other("child not dead within 10 s")))
                    .collect()
            });
            for fd in &fds {
                winipc_sys::proc::kill_pidfd(fd)?;
            }
            let died = deaths
                .join()
                .map_err(|_| io::Error::other("death watcher panicked"))??;
            for (w, d) in waiters.into_iter().zip(died) {
                let s = w
                    .join()
                    .map_err(|_| io::Error::other("waiter panicked"))??;
                lat.push(s.saturating_duration_since(d).as_secs_f64() * 1e6);
            }
        }
        Ok(())
    })();
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = drain.join();
    result?;
    lat.sort_by(f64::total_cmp);
    let n = lat.len();
    Ok(ExitFigures {
        median_us: lat[n / 2],
        p99_us: lat[(n * 99 / 100).min(n - 1)],
        max_us: lat[n - 1],
        kills: n,
    })
}

/// Runs both placements and prints them.
pub fn run(dir: &std::path::Path, kills: usize, cpus: (usize, usize)) -> io::Result<()> {
    println!("\nprocess exit → process object signaled (busy children killed 4 at a time, µs)");
    println!(
        "{:<12} {:>8} {:>10} {:>10} {:>10}",
        "placement", "kills", "median", "p99", "max"
    );
    for (label, child) in [("same", cpus.0), ("cross", cpus.1)] {
        let f = measure(dir, kills, cpus.0, child)?;
        println!(
            "{label:<12} {:>8} {:>10.0} {:>10.0} {:>10.0}",
            f.kills, f.median_us, f.p99_us, f.max_us
        );
    }
    Ok(())
}
