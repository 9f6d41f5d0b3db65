//! `winipc-net-probe`: a test and diagnostic peer for winipc-netd. It receives on a local slot,
//! sends through the daemon, and sends raw (also deliberately malformed) datagrams.
//!
//! Output is line-oriented on stdout, for tests to read: `ready`, `msg <hex>`, `ok`,
//! `error <win32 code> <text>`, `timeout`.

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddrV4, UdpSocket};
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use winipc_nbt::{DataKind, Layout, MailslotDatagram, MailslotWrite, NbName, NodeType};

/// Test and diagnostic peer for winipc-netd.
#[derive(Debug, Parser)]
#[command(name = "winipc-net-probe")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Create `\\.\mailslot\SLOT` and print each message as `msg <hex>`.
    Recv {
        /// The slot path, e.g. `browse`.
        slot: String,
        /// Stop after this many messages (0 = until the timeout).
        #[arg(long, default_value_t = 0)]
        count: usize,
        /// Give up after this long, printing `timeout`.
        #[arg(long, default_value_t = 30_000)]
        timeout_ms: u64,
    },
    /// Write MESSAGE to a (remote) mailslot name through the daemon.
    Send {
        /// e.g. `\\*\mailslot\x` or `\\HOST\mailslot\x`.
        name: String,
        /// The message (text, or hex with --hex).
        message: String,
        /// MESSAGE is hex.
        #[arg(long)]
        hex: bool,
        /// Send it this many times.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Send a raw UDP datagram (hex) to ADDR:PORT.
    Raw {
        /// Destination.
        to: SocketAddrV4,
        /// The bytes, hex.
        hex: String,
        /// Send it this many times.
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Send COUNT well-formed writes (`TAG n`) for DEST_NAME\<00> to SLOT at RATE per second
    /// (0: as fast as possible), to ADDR:PORT; prints `ok sent=N in MS ms`.
    Pace {
        /// Destination.
        to: SocketAddrV4,
        /// Datagrams in all.
        #[arg(long)]
        count: usize,
        /// Datagrams per second (0 = unpaced).
        #[arg(long, default_value_t = 0)]
        rate: u64,
        /// NetBIOS name of the target host.
        #[arg(long)]
        dest_name: String,
        /// Slot of the writes.
        #[arg(long)]
        slot: String,
        /// Payload prefix; each payload is `TAG n`.
        #[arg(long)]
        tag: String,
    },
    /// Short-lived slots, one after another: for each n in 0..COUNT create
    /// `\\.\mailslot\PREFIXn`, print `ready n`, wait for a line on stdin, print `got n` or
    /// `none n` for a message waiting in it, and close it.
    Slots {
        /// Slot name prefix.
        prefix: String,
        /// How many slots.
        #[arg(long)]
        count: usize,
    },
    /// Send a flood of bad datagrams with a good one every `good_every`, to ADDR:PORT.
    Flood {
        /// Destination.
        to: SocketAddrV4,
        /// Datagrams in all.
        #[arg(long, default_value_t = 20_000)]
        count: usize,
        /// Every this many, a well-formed write for DEST_NAME\<00> to SLOT.
        #[arg(long, default_value_t = 1000)]
        good_every: usize,
        /// NetBIOS name of the target host.
        #[arg(long)]
        dest_name: String,
        /// Slot of the good writes.
        #[arg(long)]
        slot: String,
        /// Spread the flood over about this long.
        #[arg(long, default_value_t = 3000)]
        duration_ms: u64,
    },
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// A well-formed mailslot datagram from PROBE to `dest`<00>.
pub fn good_datagram(dest: &str, slot: &str, data: &[u8], source: Ipv4Addr) -> Vec<u8> {
    let message = MailslotDatagram {
        kind: DataKind::DirectUnique,
        node_type: NodeType::B,
        id: 1,
        source_ip: source,
        source_port: 138,
        source_name: NbName::new("PROBE", 0).expect("name"),
        destination_name: NbName::new(dest, 0).expect("name"),
        write: MailslotWrite::new(slot, data),
    };
    winipc_nbt::encode_mailslot_datagram(&message, Layout::Packed).expect("encode")
}

/// The n-th bad datagram: truncations, lies in DGM_LENGTH/DataOffset/DataCount/ByteCount,
/// over-size, garbage, other message types.
fn bad_datagram(n: usize, good: &[u8]) -> Vec<u8> {
    let mut d = good.to_vec();
    match n % 8 {
        0 => d.truncate(n % good.len()),
        1 => {
            d[10] = 0xFF; // DGM_LENGTH lies
            d[11] = 0xF0;
        }
        2 => {
            let off = 82 + 57; // SMB DataOffset
            d[off] = 0xFF;
            d[off + 1] = 0x7F;
        }
        3 => {
            let off = 82 + 55; // DataCount
            d[off] = 0xFF;
            d[off + 1] = 0xFF;
        }
        4 => d.resize(1400 + n % 600, 0xAB), // over-size
        5 => {
            let off = 82 + 67; // ByteCount
            d[off] = 0;
            d[off + 1] = 0xFF;
        }
        6 => {
            for (i, b) in d.iter_mut().enumerate() {
                *b = (i.wrapping_mul(31) ^ n) as u8;
            }
        }
        _ => d[0] = 0x13, // error datagram type with a data body
    }
    d
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Recv {
            slot,
            count,
            timeout_ms,
        } => {
            let name = format!(r"\\.\mailslot\{slot}");
            let ms = match winipc::Mailslot::create(&name, 0, 200) {
                Ok(ms) => ms,
                Err(e) => {
                    say(&format!("error {} {e}", winipc::Error::win32_code_of(&e)));
                    return std::process::ExitCode::FAILURE;
                }
            };
            say("ready");
            let deadline = Instant::now() + Duration::from_millis(timeout_ms);
            let mut got = 0;
            while Instant::now() < deadline {
                match ms.recv_vec() {
                    Ok(m) => {
                        say(&format!("msg {}", hex(&m)));
                        got += 1;
                        if count != 0 && got >= count {
                            return std::process::ExitCode::SUCCESS;
                        }
                    }
                    Err(e) if winipc::Error::win32_code_of(&e) == 121 => {}
                    Err(e) => {
                        say(&format!("error {} {e}", winipc::Error::win32_code_of(&e)));
                        return std::process::ExitCode::FAILURE;
                    }
                }
            }
            say("timeout");
            std::process::ExitCode::SUCCESS
        }
        Cmd::Send {
            name,
            message,
            hex,
            repeat,
        } => {
            let data = if hex {
                unhex(&message)
            } else {
                message.into_bytes()
            };
            let result = winipc::MailslotWriter::open(&name)
                .and_then(|w| (0..repeat).try_for_each(|_| w.send(&data)));
            match result {
                Ok(()) => {
                    say("ok");
                    std::process::ExitCode::SUCCESS
                }
                Err(e) => {
                    say(&format!("error {} {e}", winipc::Error::win32_code_of(&e)));
                    std::process::ExitCode::FAILURE
                }
            }
        }
        Cmd::Raw { to, hex, repeat } => {
            let data = unhex(&hex);
            let socket = UdpSocket::bind("0.0.0.0:0").expect("bind");
            socket.set_broadcast(true).expect("broadcast");
            for _ in 0..repeat {
                if let Err(e) = socket.send_to(&data, to) {
                    say(&format!("error 0 {e}"));
                    return std::process::ExitCode::FAILURE;
                }
            }
            say("ok");
            std::process::ExitCode::SUCCESS
        }
        Cmd::Slots { prefix, count } => {
            let mut stdin = std::io::stdin().lock();
            for n in 0..count {
                let name = format!(r"\\.\mailslot\{prefix}{n}");
                let ms = match winipc::Mailslot::create(&name, 0, 0) {
                    Ok(ms) => ms,
                    Err(e) => {
                        say(&format!("error {} {e}", winipc::Error::win32_code_of(&e)));
                        return std::process::ExitCode::FAILURE;
                    }
                };
                say(&format!("ready {n}"));
                let mut line = String::new();
                if std::io::BufRead::read_line(&mut stdin, &mut line).unwrap_or(0) == 0 {
                    break;
                }
                match ms.recv_vec() {
                    Ok(_) => say(&format!("got {n}")),
                    Err(_) => say(&format!("none {n}")),
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Cmd::Pace {
            to,
            count,
            rate,
            dest_name,
            slot,
            tag,
        } => {
            let socket = UdpSocket::bind("0.0.0.0:0").expect("bind");
            let start = Instant::now();
            let mut sent = 0usize;
            while sent < count {
                let due = if rate == 0 {
                    count
                } else {
                    let elapsed = start.elapsed().as_micros() as u64;
                    ((elapsed * rate / 1_000_000) as usize + 1).min(count)
                };
                while sent < due {
                    let bytes = good_datagram(
                        &dest_name,
                        &slot,
                        format!("{tag} {sent}").as_bytes(),
                        Ipv4Addr::UNSPECIFIED,
                    );
                    let _ = socket.send_to(&bytes, to);
                    sent += 1;
                }
                if rate != 0 && sent < count {
                    std::thread::sleep(Duration::from_micros(500));
                }
            }
            say(&format!(
                "ok sent={sent} in {} ms",
                start.elapsed().as_millis()
            ));
            std::process::ExitCode::SUCCESS
        }
        Cmd::Flood {
            to,
            count,
            good_every,
            dest_name,
            slot,
            duration_ms,
        } => {
            let socket = UdpSocket::bind("0.0.0.0:0").expect("bind");
            let start = Instant::now();
            let mut good = 0usize;
            for n in 0..count {
                let template = good_datagram(&dest_name, &slot, b"flood", Ipv4Addr::UNSPECIFIED);
                let bytes = if good_every != 0 && n % good_every == 0 {
                    good += 1;
                    good_datagram(
                        &dest_name,
                        &slot,
                        format!("good {n}").as_bytes(),
                        Ipv4Addr::UNSPECIFIED,
                    )
                } else {
                    bad_datagram(n, &template)
                };
                let _ = socket.send_to(&bytes, to);
                // Pace to spread the flood over duration_ms.
                let due =
                    start + Duration::from_millis(duration_ms) * (n as u32 + 1) / count as u32;
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            say(&format!("ok good={good}"));
            std::process::ExitCode::SUCCESS
        }
    }
}
