//! Costs of winipc's hot paths, measured (not asserted):
//!
//! - uncontended operations in one thread (no syscall on these paths);
//! - the signaler's cost as the number of threads waiting on *other* objects grows;
//! - wait-any over 64 and 4096 objects: polling, and waking a waiter by the last object;
//! - creating and opening named objects and mailslots.
//!
//! `cargo run --release -p winipc-bench --example hotpath` (add `-- --json` for machine-readable
//! output). It lives here rather than in `winipc` so that it measures the library as dependents
//! build it: `winipc`'s own examples and tests are built with its `test-hooks` feature.
use std::time::{Duration, Instant};

use winipc::{Event, EventReset, Mailslot, MailslotWriter, WaitOutcome};

fn per_op(start: Instant, n: u32) -> f64 {
    start.elapsed().as_nanos() as f64 / f64::from(n)
}

fn main() -> std::io::Result<()> {
    let json = std::env::args().any(|a| a == "--json");
    let dir = std::env::temp_dir().join(format!("winipc-hotpath-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    winipc::set_store_dir(&dir)?;
    let mut rows: Vec<(String, f64)> = Vec::new();

    // 1. Uncontended operations.
    let slot = Mailslot::create(r"\\.\mailslot\hotpath", 0, 0)?;
    let w = MailslotWriter::open(r"\\.\mailslot\hotpath")?;
    let (msg, mut buf) = ([7u8; 64], [0u8; 64]);
    let n = 1_000_000u32;
    let t = Instant::now();
    for _ in 0..n {
        w.send(&msg)?;
        slot.recv(&mut buf)?;
    }
    rows.push((
        "mailslot send + recv, 64 B, one thread (ns)".into(),
        per_op(t, n),
    ));
    let ev = Event::new(EventReset::Manual, false)?;
    let t = Instant::now();
    for _ in 0..n {
        ev.set()?;
    }
    rows.push(("event set, uncontended (ns)".into(), per_op(t, n)));
    let t = Instant::now();
    for _ in 0..n {
        ev.reset()?;
    }
    rows.push(("event reset, uncontended (ns)".into(), per_op(t, n)));
    let t = Instant::now();
    for _ in 0..n {
        ev.wait(Some(Duration::ZERO))?;
    }
    rows.push(("event poll (wait with timeout 0) (ns)".into(), per_op(t, n)));

    // 2. Signaler cost while K threads wait on K other events.
    for k in [0usize, 16, 256, 900] {
        let others: Vec<Event> = (0..k)
            .map(|_| Event::new(EventReset::Auto, false))
            .collect::<Result<_, _>>()?;
        let waiters: Vec<_> = others
            .iter()
            .map(|e| {
                let h = e.handle().try_clone().expect("dup");
                std::thread::spawn(move || winipc::wait_for(&h, Some(Duration::from_secs(60))))
            })
            .collect();
        while others
            .iter()
            .map(|e| e.handle().waiter_count().unwrap_or(0))
            .sum::<usize>()
            < k
        {
            std::thread::sleep(Duration::from_millis(5));
        }
        let target = Event::new(EventReset::Manual, false)?;
        let m = 200_000u32;
        let t = Instant::now();
        for _ in 0..m {
            target.set()?;
            target.reset()?;
        }
        rows.push((
            format!("set+reset while {k} threads wait on other objects (ns)"),
            per_op(t, m),
        ));
        for e in &others {
            e.set()?;
        }
        for h in waiters {
            assert_eq!(h.join().expect("waiter")?, WaitOutcome::Signaled(0));
        }
    }

    // 3. Wait-any over many objects.
    for k in [64usize, 4096] {
        let evs: Vec<Event> = (0..k)
            .map(|_| Event::new(EventReset::Auto, false))
            .collect::<Result<_, _>>()?;
        let handles: Vec<&winipc::Handle> = evs.iter().map(Event::handle).collect();
        let m = 2000u32;
        let t = Instant::now();
        for _ in 0..m {
            winipc::wait_any(&handles, Some(Duration::ZERO))?;
        }
        rows.push((
            format!("wait-any poll over {k} objects, none signaled (µs)"),
            per_op(t, m) / 1000.0,
        ));
        let raws: Vec<u32> = handles.iter().map(|h| h.as_raw()).collect();
        let mut lat = Vec::new();
        for _ in 0..50 {
            let r = raws.clone();
            let waiter = std::thread::spawn(move || {
                let out = winipc::wait_raw(&r, false, Some(Duration::from_secs(10)));
                (out, Instant::now())
            });
            while evs[k - 1].handle().waiter_count()? == 0 {
                std::thread::yield_now();
            }
            let t = Instant::now();
            evs[k - 1].set()?;
            let (out, woke) = waiter.join().expect("waiter");
            assert_eq!(out?, WaitOutcome::Signaled(k - 1));
            lat.push(woke.duration_since(t).as_nanos() as f64 / 1000.0);
        }
        lat.sort_by(f64::total_cmp);
        rows.push((
            format!("wake a wait-any over {k} objects by the last one, median (µs)"),
            lat[lat.len() / 2],
        ));
    }

    // 4. Creating and opening named objects (a syscall or two each is the price of names the
    //    kernel holds; these are not hot paths, but measured all the same).
    let m = 2_000u32;
    let cases: [(&str, &str); 3] = [
        ("Local", ""),
        ("Global, default security", "Global\\"),
        ("Global, open to everyone", "Global\\"),
    ];
    for (i, (what, prefix)) in cases.iter().enumerate() {
        let sec = if i == 2 {
            winipc::Security::everyone()
        } else {
            winipc::Security::default()
        };
        let t = Instant::now();
        for k in 0..m {
            let name = format!("{prefix}hot-create-{i}-{k}");
            drop(Event::make(Some(&name), EventReset::Manual, false, &sec)?);
        }
        rows.push((
            format!("create + close a named event, {what} (µs)"),
            per_op(t, m) / 1000.0,
        ));
        let name = format!("{prefix}hot-open-{i}");
        let _held = Event::make(Some(&name), EventReset::Manual, false, &sec)?;
        let t = Instant::now();
        for _ in 0..m {
            drop(Event::open(&name)?);
        }
        rows.push((
            format!("open + close a named event, {what} (µs)"),
            per_op(t, m) / 1000.0,
        ));
    }
    let t = Instant::now();
    for k in 0..m {
        drop(Mailslot::create(&format!(r"\\.\mailslot\hot\c{k}"), 0, 0)?);
    }
    rows.push((
        "create + close a mailslot (µs)".into(),
        per_op(t, m) / 1000.0,
    ));
    let t = Instant::now();
    for _ in 0..m {
        drop(MailslotWriter::open(r"\\.\mailslot\hotpath")?);
    }
    rows.push((
        "open + close a mailslot writer (µs)".into(),
        per_op(t, m) / 1000.0,
    ));

    if json {
        let items: Vec<String> = rows
            .iter()
            .map(|(k, v)| format!("{{\"what\":{k:?},\"value\":{v:.1}}}"))
            .collect();
        println!("[{}]", items.join(","));
    } else {
        for (k, v) in &rows {
            println!("{k:<66} {v:>10.1}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}
