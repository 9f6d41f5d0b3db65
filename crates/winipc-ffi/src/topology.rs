//! What a program asks about the machine beyond `GetSystemInfo`: `GetLogicalProcessorInformation`
//! (cores, packages, the NUMA node and caches, from `/sys/devices/system/cpu`),
//! `GetSystemTimes` (from `/proc/stat`) and `IsWow64Process` (never: no 32-bit emulation here).

use std::collections::BTreeMap;
use std::ffi::c_void;

use crate::handle::process_arg;
use crate::util::*;

/// `LOGICAL_PROCESSOR_RELATIONSHIP`.
const RELATION_PROCESSOR_CORE: u32 = 0;
const RELATION_NUMA_NODE: u32 = 1;
const RELATION_CACHE: u32 = 2;
const RELATION_PROCESSOR_PACKAGE: u32 = 3;
/// `LTP_PC_SMT`: the core runs more than one logical processor.
const LTP_PC_SMT: u8 = 1;
/// `sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION)` on x86-64 and arm64.
const ENTRY: usize = 32;

fn cpus() -> usize {
    // SAFETY: sysconf has no preconditions.
    let n = unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) };
    (n.max(1) as usize).min(64)
}

fn sys(cpu: usize, rest: &str) -> Option<String> {
    std::fs::read_to_string(format!("/sys/devices/system/cpu/cpu{cpu}/{rest}"))
        .ok()
        .map(|s| s.trim().to_owned())
}

/// A CPU list (`0-3,8`) as a mask of the first 64 processors.
fn mask_of(list: &str) -> usize {
    let mut m = 0usize;
    for part in list.split(',').filter(|p| !p.is_empty()) {
        let (a, b) = part.split_once('-').unwrap_or((part, part));
        if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
            for c in a..=b.min(63) {
                m |= 1 << c;
            }
        }
    }
    m
}

/// One `SYSTEM_LOGICAL_PROCESSOR_INFORMATION` (mask, relationship, the 16-byte union).
fn entry(mask: usize, relationship: u32, data: [u8; 16]) -> [u8; ENTRY] {
    let mut e = [0u8; ENTRY];
    e[..8].copy_from_slice(&(mask as u64).to_ne_bytes());
    e[8..12].copy_from_slice(&relationship.to_ne_bytes());
    e[16..].copy_from_slice(&data);
    e
}

/// The entries Windows would list: one per core, per package, the NUMA node(s), and one per
/// distinct cache.
fn entries() -> Vec<[u8; ENTRY]> {
    let n = cpus();
    let all = if n >= 64 { usize::MAX } else { (1 << n) - 1 };
    let mut cores: BTreeMap<usize, usize> = BTreeMap::new(); // lowest cpu -> mask
    let mut packages: BTreeMap<String, usize> = BTreeMap::new();
    let mut caches: BTreeMap<(u8, u32, usize), (u8, u16, u32)> = BTreeMap::new();
    for cpu in 0..n {
        let siblings = sys(cpu, "topology/thread_siblings_list")
            .map(|l| mask_of(&l) & all)
            .filter(|&m| m != 0)
            .unwrap_or(1 << cpu);
        cores
            .entry(siblings.trailing_zeros() as usize)
            .or_insert(siblings);
        let pkg = sys(cpu, "topology/physical_package_id").unwrap_or_else(|| "0".to_owned());
        *packages.entry(pkg).or_insert(0) |= 1 << cpu;
        for index in 0..8 {
            let get = |f: &str| sys(cpu, &format!("cache/index{index}/{f}"));
            let Some(level) = get("level").and_then(|l| l.parse::<u8>().ok()) else {
                break;
            };
            let kind = match get("type").as_deref() {
                Some("Instruction") => 1,
                Some("Data") => 2,
                _ => 0, // Unified
            };
            let shared = get("shared_cpu_list")
                .map(|l| mask_of(&l))
                .unwrap_or(1 << cpu);
            let size = get("size")
                .and_then(|s| {
                    let (num, mult) = match s.strip_suffix('K') {
                        Some(k) => (k, 1024),
                        None => match s.strip_suffix('M') {
                            Some(m) => (m, 1024 * 1024),
                            None => (s.as_str(), 1),
                        },
                    };
                    num.parse::<u32>().ok().map(|v| v.saturating_mul(mult))
                })
                .unwrap_or(0);
            let line = get("coherency_line_size")
                .and_then(|v| v.parse::<u16>().ok())
                .unwrap_or(64);
            let ways = get("ways_of_associativity")
                .and_then(|v| v.parse::<u8>().ok())
                .unwrap_or(0);
            caches.insert((level, kind, shared), (ways, line, size));
        }
    }
    let mut out = Vec::new();
    for &mask in cores.values() {
        let mut d = [0u8; 16];
        if mask.count_ones() > 1 {
            d[0] = LTP_PC_SMT;
        }
        out.push(entry(mask, RELATION_PROCESSOR_CORE, d));
    }
    for &mask in packages.values() {
        out.push(entry(mask, RELATION_PROCESSOR_PACKAGE, [0; 16]));
    }
    out.push(entry(all, RELATION_NUMA_NODE, [0; 16])); // node 0
    for (&(level, kind, mask), &(ways, line, size)) in &caches {
        let mut d = [0u8; 16];
        d[0] = level;
        d[1] = ways;
        d[2..4].copy_from_slice(&line.to_ne_bytes());
        d[4..8].copy_from_slice(&size.to_ne_bytes());
        d[8..12].copy_from_slice(&kind.to_ne_bytes());
        out.push(entry(mask, RELATION_CACHE, d));
    }
    out
}

/// # Safety
/// `buffer` valid for `*len` bytes; `len` valid for a `DWORD` read and write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetLogicalProcessorInformation(
    buffer: *mut c_void,
    len: *mut DWORD,
) -> BOOL {
    ffi_bool(|| {
        // SAFETY: the caller's contract (NULL or unreadable -> ERROR_NOACCESS).
        let have = unsafe { read_req(len) }? as usize;
        let list = entries();
        let need = list.len() * ENTRY;
        // SAFETY: as above.
        unsafe { write_req(len, need as DWORD) }?;
        if have < need {
            return Err(Fail(code::ERROR_INSUFFICIENT_BUFFER));
        }
        // SAFETY: the caller's contract: `buffer` holds `*len` >= `need` bytes.
        let out = unsafe { bytes_mut(buffer, need) }?;
        for (chunk, e) in out.chunks_exact_mut(ENTRY).zip(&list) {
            chunk.copy_from_slice(e);
        }
        Ok(())
    })
}

/// `/proc/stat`'s first line as (idle, kernel, user) in 100 ns units; kernel time includes the
/// idle time, as on Windows.
fn system_times() -> Option<(u64, u64, u64)> {
    let s = std::fs::read_to_string("/proc/stat").ok()?;
    let line = s.lines().next()?.strip_prefix("cpu ")?;
    let v: Vec<u64> = line
        .split_ascii_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    let f = |i: usize| v.get(i).copied().unwrap_or(0);
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    let t = |ticks: u64| ticks.saturating_mul(10_000_000 / hz);
    let idle = f(3) + f(4);
    let user = f(0) + f(1);
    let kernel = f(2) + f(5) + f(6) + idle;
    Some((t(idle), t(kernel), t(user)))
}

/// # Safety
/// Each pointer NULL or valid for a `FILETIME` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn GetSystemTimes(idle: *mut u64, kernel: *mut u64, user: *mut u64) -> BOOL {
    ffi_bool(|| {
        let (i, k, u) = system_times().ok_or(Fail(code::ERROR_GEN_FAILURE))?;
        for (p, v) in [(idle, i), (kernel, k), (user, u)] {
            // SAFETY: the caller's contract; FILETIME is two DWORDs (4-byte aligned).
            unsafe { write_opt(p.cast::<[u32; 2]>(), [v as u32, (v >> 32) as u32]) };
        }
        Ok(())
    })
}

/// `IsWow64Process`: FALSE for every process (a 64-bit system running no 32-bit emulation).
///
/// # Safety
/// `wow64` valid for a `BOOL` write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn IsWow64Process(h: HANDLE, wow64: *mut BOOL) -> BOOL {
    ffi_bool(|| {
        process_arg(h)?;
        // SAFETY: the caller's contract (NULL or unwritable -> ERROR_NOACCESS).
        unsafe { write_req(wow64, FALSE) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_lists() {
        assert_eq!(mask_of("0-3,8"), 0x10F);
        assert_eq!(mask_of("5"), 0x20);
        assert_eq!(mask_of(""), 0);
    }

    #[test]
    fn every_processor_is_in_one_core() {
        let list = entries();
        let mut seen = 0usize;
        for e in &list {
            let mask = u64::from_ne_bytes(e[..8].try_into().unwrap()) as usize;
            if u32::from_ne_bytes(e[8..12].try_into().unwrap()) == RELATION_PROCESSOR_CORE {
                assert_eq!(seen & mask, 0);
                seen |= mask;
            }
        }
        assert_eq!(seen.count_ones() as usize, cpus());
    }
}
