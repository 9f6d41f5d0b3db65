//! Facts about the machine, recorded with the results.

use serde::Serialize;

use crate::pin;

/// What the figures were measured on.
#[derive(Clone, Debug, Serialize)]
pub struct Machine {
    /// `model name` from /proc/cpuinfo.
    pub cpu_model: String,
    /// Kernel release and version.
    pub kernel: String,
    /// Online CPUs usable by this process.
    pub nproc: usize,
    /// CPUs in our affinity mask.
    pub allowed_cpus: Vec<usize>,
    /// Current clock source (`tsc` keeps `clock_gettime` in the vDSO).
    pub clocksource: String,
    /// /proc/loadavg when the benchmark started (other users of the machine skew results).
    pub loadavg: String,
    /// Per pinned CPU, the fraction of it other processes used just before the run.
    pub foreign_load_before: Vec<(usize, f64)>,
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path)
        .map(|s| s.trim().to_owned())
        .unwrap_or_default()
}

/// Collects the facts.
pub fn describe() -> Machine {
    let cpuinfo = read("/proc/cpuinfo");
    let cpu_model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')))
        .map(|(_, m)| m.trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    let uts = rustix::system::uname();
    let kernel = format!(
        "{} {}",
        uts.release().to_string_lossy(),
        uts.version().to_string_lossy()
    );
    Machine {
        cpu_model,
        kernel,
        nproc: std::thread::available_parallelism().map_or(1, |n| n.get()),
        allowed_cpus: pin::allowed_cpus(),
        clocksource: read("/sys/devices/system/clocksource/clocksource0/current_clocksource"),
        loadavg: read("/proc/loadavg"),
        foreign_load_before: Vec::new(),
    }
}

/// (busy, total) jiffies of one CPU from /proc/stat.
fn cpu_jiffies(cpu: usize) -> Option<(u64, u64)> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let prefix = format!("cpu{cpu} ");
    let line = stat.lines().find(|l| l.starts_with(&prefix))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    let total: u64 = v.iter().take(8).sum();
    let idle = v.get(3)? + v.get(4).unwrap_or(&0);
    Some((total - idle, total))
}

/// Fraction of time each of `cpus` was busy over `window` while this process sleeps: work by
/// other users of the machine, which will disturb the measurements.
pub fn foreign_load(cpus: &[usize], window: std::time::Duration) -> Vec<(usize, f64)> {
    let before: Vec<_> = cpus.iter().map(|&c| cpu_jiffies(c)).collect();
    std::thread::sleep(window);
    cpus.iter()
        .zip(before)
        .filter_map(|(&c, b)| {
            let (b_busy, b_total) = b?;
            let (a_busy, a_total) = cpu_jiffies(c)?;
            let total = a_total.saturating_sub(b_total).max(1);
            Some((c, a_busy.saturating_sub(b_busy) as f64 / total as f64))
        })
        .collect()
}
