//! Hostile shared memory: while processes use Global objects and a mailslot, an attacker with
//! write access overwrites the Global store's words and the mailslot's ring with random bytes
//! and crafted values (lengths, indices, counts, lock words, list links, the undo-log length).
//! The processes using them must get errors (ERROR_FILE_CORRUPT and others) or time out
//! cleanly: no crash, no panic, no call overrunning its timeout (plus the 10 s lock patience),
//! and a process that uses only Local objects sees no error and no delay at all.
//!
//! Short form (CI): 6 rounds. Long form:
//! `WINIPC_HOSTILE_ROUNDS=200 cargo test -p winipc-stress --release --test hostile -- --nocapture`
//! Under valgrind: the `valgrind` test below (skips when valgrind is missing).

#[path = "../../winipc/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use winipc_stress::{Rng, hostile};

const BIN: &str = env!("CARGO_BIN_EXE_hostile");

struct Role {
    name: String,
    child: Child,
}

fn start(role: &str, dir: &Path, secs: u64, seed: u64) -> Role {
    let child = Command::new(BIN)
        .args([
            role,
            dir.to_str().unwrap(),
            &secs.to_string(),
            &seed.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .env("RUST_BACKTRACE", "1")
        .spawn()
        .expect("spawn hostile role");
    Role {
        name: role.to_owned(),
        child,
    }
}

/// Waits for a role; returns its summary line. It must have exited 0 without `HUNG`, within
/// `limit` (else its threads' stacks are dumped with gdb, if present, and the test fails).
fn finish_within(mut r: Role, limit: Duration) -> String {
    let end = Instant::now() + limit;
    while r.child.try_wait().unwrap().is_none() {
        if Instant::now() > end {
            let pid = r.child.id().to_string();
            let stacks = Command::new("gdb")
                .args(["-batch", "-p", &pid, "-ex", "thread apply all bt"])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            let _ = r.child.kill();
            panic!("role {} hung past {limit:?}:\n{stacks}", r.name);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = r.child.wait_with_output().expect("wait role");
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix("@@").map(str::to_owned))
        .collect();
    let last = lines.last().cloned().unwrap_or_default();
    let text = String::from_utf8_lossy(&out.stdout);
    let crashed = text.contains("received signal");
    assert!(
        out.status.success() && !last.starts_with("HUNG") && !crashed,
        "role {} failed: {:?}, {lines:?}\n{}",
        r.name,
        out.status,
        if crashed {
            &text[text.find("received signal").unwrap()..]
        } else {
            ""
        }
    );
    last
}

fn finish(r: Role) -> String {
    finish_within(r, Duration::from_secs(40))
}

fn wait_ready(r: &mut Role) {
    let mut out = std::io::BufReader::new(r.child.stdout.take().unwrap());
    let mut l = String::new();
    while out.read_line(&mut l).unwrap() > 0 {
        if l.contains("@@ready") {
            // Keep draining in the background so the role never blocks on a full pipe.
            std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
            return;
        }
        l.clear();
    }
    panic!("{} never became ready", r.name);
}

/// Adds `codes=a:n,b:m` of a summary line into `into`.
fn add_codes(line: &str, into: &mut BTreeMap<u32, u64>) {
    let Some(codes) = line.split(' ').find_map(|f| f.strip_prefix("codes=")) else {
        return;
    };
    for pair in codes.split(',').filter(|p| !p.is_empty()) {
        let (c, n) = pair.split_once(':').unwrap();
        *into.entry(c.parse().unwrap()).or_default() += n.parse::<u64>().unwrap();
    }
}

fn round_dir(tag: &str, r: u32) -> PathBuf {
    let d = std::env::temp_dir().join(format!("winipc-hostile-{}-{tag}-{r}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn attacks_on_global_memory_are_refused_and_local_users_undisturbed() {
    let rounds: u32 = std::env::var("WINIPC_HOSTILE_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let _w = watchdog(Duration::from_secs(120 + 20 * u64::from(rounds)));
    let started = Instant::now();
    let mut codes = BTreeMap::new();
    let mut local_codes = BTreeMap::new();
    let mut attacks = 0u64;
    let mut truncations = 0u64;
    let mut garbage = 0u64;
    let mut slowest_local = 0u64;
    let mut rng = Rng::new(u64::from(std::process::id()));
    for r in 0..rounds {
        let dir = round_dir("multi", r);
        // Round 1 forges a lock held by a live thread: calls wait out the 10 s patience.
        let lock_round = r == 1;
        let secs = if lock_round { 4 } else { 2 };
        let mut owner = start("owner", &dir, secs + 1, 1);
        wait_ready(&mut owner);
        let roles = [
            start("globals", &dir, secs, u64::from(r)),
            start("sender", &dir, secs, 0),
            start("local", &dir, secs, 0),
        ];
        let store = winipc::store_layout::public_store_in(&dir);
        let end = Instant::now() + Duration::from_secs(secs);
        std::thread::sleep(Duration::from_millis(200));
        if lock_round {
            let live = winipc_stress::dump_thread_slots(&store)
                .into_iter()
                .find(|t| t.6 && t.1 == 1)
                .expect("a live thread slot");
            hostile::hold_lock_for(&store, live.0 as u32).unwrap();
            attacks += 1;
        }
        // Late in some rounds, a truncation: the ring (a permitted sender may), or the
        // world-writable Global store itself. Every role must go on with clear errors.
        let truncate_at = end - Duration::from_millis(500);
        let mut truncate = rng.below(3);
        while Instant::now() < end {
            if truncate != 0 && Instant::now() >= truncate_at {
                let target = match (truncate, hostile::rings(&dir).first()) {
                    (1, Some(ring)) => ring.clone(),
                    _ => store.clone(),
                };
                if let Ok(w) = hostile::truncate(&target, &mut rng) {
                    truncations += 1;
                    if std::env::var_os("WINIPC_HOSTILE_VERBOSE").is_some() {
                        eprintln!("round {r}: {w}");
                    }
                }
                truncate = 0;
            }
            let what = if rng.below(2) == 0 {
                hostile::attack_store(&store, &mut rng)
            } else {
                match hostile::rings(&dir).first() {
                    Some(ring) => hostile::attack_ring(ring, &mut rng),
                    None => hostile::attack_store(&store, &mut rng),
                }
            };
            if let Ok(w) = what {
                attacks += 1;
                if std::env::var_os("WINIPC_HOSTILE_VERBOSE").is_some() {
                    eprintln!("round {r}: {w}");
                }
            }
            std::thread::sleep(Duration::from_millis(20 + rng.below(80)));
        }
        for role in roles {
            let name = role.name.clone();
            let line = finish(role);
            if name == "local" {
                add_codes(&line, &mut local_codes);
                let ms: u64 = line
                    .split(' ')
                    .find_map(|f| f.strip_prefix("slowest_ms="))
                    .unwrap()
                    .parse()
                    .unwrap();
                slowest_local = slowest_local.max(ms);
            } else {
                add_codes(&line, &mut codes);
            }
        }
        let line = finish(owner);
        add_codes(&line, &mut codes);
        garbage += line
            .split(' ')
            .find_map(|f| f.strip_prefix("garbage="))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        // Inspection of the wreck works or reports an error, and never crashes.
        let line = finish(start("inspect", &dir, 0, 0));
        assert!(line.starts_with("inspect"), "{line}");
        let _ = std::fs::remove_dir_all(&dir);
    }
    let refused: u64 = codes.iter().filter(|(c, _)| **c != 0).map(|(_, n)| n).sum();
    eprintln!(
        "hostile: {rounds} rounds, {attacks} attacks and {truncations} truncations in {:.1}s; \
         Global calls by result \
         (Win32 code: count) {codes:?} -> {refused} refused/failed cleanly, \
         {} corrupt reports (ERROR_FILE_CORRUPT 1392); {garbage} attacker-written ring bytes delivered as \
         messages; {rounds} inspections of the wreck; Local-only process: {local_codes:?}, slowest call \
         {slowest_local} ms",
        started.elapsed().as_secs_f64(),
        codes.get(&1392).copied().unwrap_or(0),
    );
    assert_eq!(
        local_codes.keys().copied().collect::<Vec<_>>(),
        vec![0],
        "the Local-only process saw errors"
    );
    assert!(slowest_local < 1000, "the Local-only process was delayed");
    assert!(refused > 0, "the attacks had an effect");
}

/// The single-process form under valgrind: every byte the attacked code reads or writes is
/// checked for out-of-bounds and uninitialised accesses.
#[test]
fn attacks_under_valgrind() {
    let rounds: u64 = std::env::var("WINIPC_HOSTILE_VALGRIND_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let _w = watchdog(Duration::from_secs(300 + rounds * 5));
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("SKIP: valgrind is not installed");
        return;
    }
    let dir = round_dir("valgrind", 0);
    let started = Instant::now();
    let out = Command::new("valgrind")
        .args(["--error-exitcode=99", "--quiet", BIN, "solo"])
        .arg(&dir)
        .args([rounds.to_string(), "7".to_owned()])
        .stdin(Stdio::null())
        .output()
        .expect("run valgrind");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stdout
        .lines()
        .find_map(|l| l.strip_prefix("@@"))
        .unwrap_or("");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "valgrind: {:?}\n{stderr}\n{stdout}",
        out.status
    );
    eprintln!(
        "valgrind (memcheck) clean: {summary} in {:.1}s",
        started.elapsed().as_secs_f64()
    );
}

/// Regression test for a core bug this suite found (docs/reliability.md): inspection maps
/// stores read-only but counted a corrupt link by incrementing the store's corruption counter
/// — a write into the read-only mapping, so `winipc::inspect::snapshot` died of SIGSEGV.
#[test]
fn inspecting_a_corrupt_link_does_not_crash() {
    let _w = watchdog(Duration::from_secs(30));
    let dir = round_dir("bad-link", 0);
    let line = finish(start("inspect-bad-link", &dir, 0, 0));
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(line, "inspect-bad-link ok=true");
}

#[test]
fn child() {
    // This binary runs no role of its own (the roles live in the `hostile` binary).
    init();
}
