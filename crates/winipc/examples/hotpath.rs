//! Single-thread cost of the hot paths (send + recv of a 64-byte message, event set/reset/poll).
//! `cargo run --release -p winipc --example hotpath`
use std::time::{Duration, Instant};

fn main() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("winipc-hotpath-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    winipc::set_store_dir(&dir)?;
    let slot = winipc::Mailslot::create(r"\\.\mailslot\hotpath", 0, 0)?;
    let w = winipc::MailslotWriter::open(r"\\.\mailslot\hotpath")?;
    let msg = [7u8; 64];
    let mut buf = [0u8; 64];
    let n = 2_000_000u32;
    let t = Instant::now();
    for _ in 0..n {
        w.send(&msg)?;
        slot.recv(&mut buf)?;
    }
    println!(
        "mailslot send+recv: {:.1} ns",
        t.elapsed().as_nanos() as f64 / f64::from(n)
    );
    let ev = winipc::Event::new(winipc::EventReset::Manual, false)?;
    let t = Instant::now();
    for _ in 0..n {
        ev.set()?;
        ev.reset()?;
        ev.wait(Some(Duration::ZERO))?;
    }
    println!(
        "event set+reset+poll: {:.1} ns",
        t.elapsed().as_nanos() as f64 / f64::from(n)
    );
    Ok(())
}
