//! Named pipe throughput and round trips next to the raw sockets they are made of (measured,
//! not asserted; figures in docs/decisions/0011-named-pipes.md):
//!
//! - a stream of 64-byte writes, byte pipe vs a `SOCK_STREAM` socket pair;
//! - a stream of 64-byte messages, message pipe vs a `SOCK_SEQPACKET` socket pair;
//! - a 64-byte request/response round trip (`TransactNamedPipe`) vs a seqpacket ping-pong.
//!
//! The peer is a thread; run under `taskset -c 0` for the same CPU, without for two CPUs.
//! `cargo run --release -p winipc --example pipes`
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::Instant;

use winipc::pipe::{PipeClient, PipeOptions, PipeType, ReadMode};
use winipc_sys::pipes::{self as raw, Kind};

const N: usize = 200_000;
const RT: usize = 20_000;

fn rate(t: Instant, n: usize) -> String {
    let s = t.elapsed().as_secs_f64();
    format!(
        "{:>6.2} M msg/s ({:>6.0} ns/msg)",
        n as f64 / s / 1e6,
        s * 1e9 / n as f64
    )
}

fn main() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("winipc-pipes-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    winipc::set_store_dir(&dir)?;
    let msg = [7u8; 64];

    // Byte stream: raw socket pair.
    let (mut a, mut b) = UnixStream::pair()?;
    let t = Instant::now();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * N];
        b.read_exact(&mut buf).map(|_| ())
    });
    for _ in 0..N {
        a.write_all(&msg)?;
    }
    reader.join().unwrap()?;
    println!("stream socket, 64 B writes:      {}", rate(t, N));

    // Byte stream: a byte pipe.
    let name = format!(r"\\.\pipe\bench-bytes-{}", std::process::id());
    let server = PipeOptions::new().create(&name)?;
    let client = PipeClient::open(&name)?;
    let t = Instant::now();
    let reader = std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * N];
        (&server).read_exact(&mut buf).map(|_| ())
    });
    for _ in 0..N {
        (&client).write_all(&msg)?;
    }
    reader.join().unwrap()?;
    println!("byte pipe, 64 B writes:          {}", rate(t, N));

    // Messages: raw seqpacket pair.
    let (a, b) = raw::pair(Kind::Message)?;
    let t = Instant::now();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 128];
        for _ in 0..N {
            raw::recv(&b, &mut [&mut buf], false, false)?;
        }
        Ok::<(), std::io::Error>(())
    });
    for _ in 0..N {
        raw::send(&a, &[&msg], false)?;
    }
    reader.join().unwrap()?;
    println!("seqpacket socket, 64 B messages: {}", rate(t, N));

    // Messages: a message pipe.
    let name = format!(r"\\.\pipe\bench-msgs-{}", std::process::id());
    let server = PipeOptions::new()
        .pipe_type(PipeType::Message)
        .read_mode(ReadMode::Message)
        .create(&name)?;
    let client = PipeClient::open(&name)?;
    let t = Instant::now();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 128];
        for _ in 0..N {
            server.recv(&mut buf)?;
        }
        Ok::<_, std::io::Error>(server)
    });
    for _ in 0..N {
        client.send(&msg)?;
    }
    let server = reader.join().unwrap()?;
    println!("message pipe, 64 B messages:     {}", rate(t, N));

    // Round trips: raw seqpacket ping-pong.
    let (a, b) = raw::pair(Kind::Message)?;
    let echo = std::thread::spawn(move || {
        let mut buf = [0u8; 128];
        for _ in 0..RT {
            let (n, _) = raw::recv(&b, &mut [&mut buf], false, false)?;
            raw::send(&b, &[&buf[..n]], false)?;
        }
        Ok::<(), std::io::Error>(())
    });
    let mut buf = [0u8; 128];
    let t = Instant::now();
    for _ in 0..RT {
        raw::send(&a, &[&msg], false)?;
        raw::recv(&a, &mut [&mut buf], false, false)?;
    }
    println!("seqpacket ping-pong, round trip: {}", rate(t, RT));
    echo.join().unwrap()?;

    // Round trips: TransactNamedPipe.
    client.set_handle_state(Some(ReadMode::Message), None)?;
    let echo = std::thread::spawn(move || {
        let mut buf = [0u8; 128];
        for _ in 0..RT {
            let d = server.recv(&mut buf)?;
            server.send(&buf[..d.len])?;
        }
        Ok::<(), std::io::Error>(())
    });
    let t = Instant::now();
    for _ in 0..RT {
        client.transact(&msg, &mut buf)?;
    }
    println!("message pipe transact:           {}", rate(t, RT));
    echo.join().unwrap()?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
