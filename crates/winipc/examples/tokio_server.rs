//! One tokio task loop that serves a TCP port and a mailslot, and stops when a named event
//! is set — no thread per wait. This program starts the server, then a copy of itself as the
//! client (another process): the client talks over TCP, sends two mailslot messages, and sets
//! the stop event.
//!
//! ```text
//! cargo run -p winipc --features tokio --example tokio_server
//! ```
use std::io::{BufRead, BufReader, Write};
use std::process::Command;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use winipc::{Event, EventReset, Mailslot, MailslotWriter, Process, asyncio};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 5 && args[1] == "client" {
        return client(&args[2], &args[3], &args[4]);
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(server())
}

async fn server() -> std::io::Result<()> {
    let id = std::process::id();
    let slot_name = format!(r"\\.\mailslot\winipc_tokio_example_{id}");
    let stop_name = format!("winipc-tokio-example-stop-{id}");
    let slot = Mailslot::create(&slot_name, 0, winipc::MAILSLOT_WAIT_FOREVER)?;
    let stop = Event::create(&stop_name, EventReset::Manual, false)?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port().to_string();

    let mut cmd = Command::new(std::env::current_exe()?);
    cmd.args(["client", &port, &slot_name, &stop_name]);
    let client = Process::spawn(cmd, false)?;

    let stop_handles = [stop.handle()];
    let mut mail = 0;
    loop {
        tokio::select! {
            conn = listener.accept() => {
                let (sock, _) = conn?;
                // Each connection is served by its own task: an echo of one line.
                tokio::spawn(async move {
                    let (rd, mut wr) = sock.into_split();
                    let mut line = String::new();
                    let mut rd = tokio::io::BufReader::new(rd);
                    if rd.read_line(&mut line).await.is_ok() {
                        let _ = wr.write_all(format!("echo: {line}").as_bytes()).await;
                    }
                });
                println!("tcp: served a connection");
            }
            msg = asyncio::recv_vec(&slot) => {
                mail += 1;
                println!("mailslot: {}", String::from_utf8_lossy(&msg?));
            }
            r = asyncio::wait_any(&stop_handles) => {
                r?;
                println!("stop event set: stopping after {mail} messages");
                break;
            }
        }
    }
    let code = asyncio::process_exit(&client).await?;
    println!("client exited with {code}");
    Ok(())
}

fn client(port: &str, slot: &str, stop: &str) -> std::io::Result<()> {
    let mut tcp = std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap()))?;
    tcp.write_all(b"hello\n")?;
    let mut reply = String::new();
    BufReader::new(&tcp).read_line(&mut reply)?;
    assert_eq!(reply, "echo: hello\n");
    let w = MailslotWriter::open(slot)?;
    w.send(b"first")?;
    w.send(b"second")?;
    // Let the server read both before it is told to stop.
    std::thread::sleep(Duration::from_millis(200));
    Event::open(stop)?.set()?;
    Ok(())
}
