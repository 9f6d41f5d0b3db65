//! scratch: event ping-pong between two processes (run under taskset).
use std::time::Instant;
use winipc::{Event, EventReset};
fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let n: u32 = 200_000;
    if args.len() > 1 && args[1] == "child" {
        winipc::set_store_dir(&args[2])?;
        let ping = Event::create(&args[3], EventReset::Auto, false)?;
        let pong = Event::create(&args[4], EventReset::Auto, false)?;
        for _ in 0..n {
            ping.wait(None)?;
            pong.set()?;
        }
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("winipc-pp-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    winipc::set_store_dir(&dir)?;
    let (a, b) = (
        format!("ping{}", std::process::id()),
        format!("pong{}", std::process::id()),
    );
    let ping = Event::create(&a, EventReset::Auto, false)?;
    let pong = Event::create(&b, EventReset::Auto, false)?;
    let mut c = std::process::Command::new(&args[0])
        .args(["child", dir.to_str().unwrap(), &a, &b])
        .spawn()?;
    std::thread::sleep(std::time::Duration::from_millis(100));
    for _ in 0..20_000 {
        ping.set()?;
        pong.wait(None)?;
    }
    let t = Instant::now();
    for _ in 0..(n - 20_000) {
        ping.set()?;
        pong.wait(None)?;
    }
    let el = t.elapsed();
    println!(
        "event rtt {:.3} us",
        el.as_secs_f64() * 1e6 / f64::from(n - 20_000)
    );
    c.wait()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
