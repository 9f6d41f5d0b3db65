//! `winipc recv`, `winipc send`, `winipc info`.

use std::io::{self, BufRead, Write};
use std::time::Duration;

use clap::Args;
use winipc::{MAILSLOT_WAIT_FOREVER, Mailslot, MailslotOptions, MailslotWriter};

use crate::output::{hex, text};
use crate::status;

#[derive(Debug, Args)]
pub struct RecvArgs {
    /// Mailslot name, e.g. '\\.\mailslot\mailbox' (quote it for the shell).
    pub name: String,
    /// Largest message accepted, in bytes (0 = any size).
    #[arg(long, default_value_t = 0)]
    pub max_size: u32,
    /// Read timeout in milliseconds; without it, wait forever. When it expires with no message,
    /// exit with status 2.
    #[arg(long)]
    pub timeout: Option<u32>,
    /// Exit after this many messages.
    #[arg(long)]
    pub count: Option<u64>,
    /// Print one JSON object per message.
    #[arg(long)]
    pub json: bool,
    /// Print message bodies in hex. (By default bodies print as UTF-8 text with only control
    /// characters escaped, e.g. `\n`, `\u{1b}`.)
    #[arg(long)]
    pub hex: bool,
    /// Let every user send (mode 0666 instead of 0600).
    #[arg(long)]
    pub public: bool,
}

/// Creates the slot and prints messages until `--count` or a timeout.
pub fn recv(a: RecvArgs) -> io::Result<u8> {
    let mut opts = MailslotOptions {
        max_message_size: a.max_size,
        read_timeout: a.timeout.unwrap_or(MAILSLOT_WAIT_FOREVER),
        ..Default::default()
    };
    if a.public {
        opts.security = winipc::Security::everyone();
    }
    let slot = Mailslot::create_with(&a.name, opts)?;
    eprintln!(
        "winipc: receiving on {} (pid {})",
        slot.name(),
        std::process::id()
    );
    let mut out = io::stdout().lock();
    let mut seq = 0u64;
    while a.count.is_none_or(|c| seq < c) {
        let msg = match slot.recv_vec() {
            Ok(m) => m,
            Err(e) if winipc::Error::win32_code_of(&e) == winipc::code::ERROR_SEM_TIMEOUT => {
                eprintln!("winipc: no message within {} ms", a.timeout.unwrap_or(0));
                return Ok(status::TIMEOUT);
            }
            Err(e) => return Err(e),
        };
        seq += 1;
        if a.json {
            let mut v = serde_json::json!({ "slot": slot.name(), "seq": seq, "len": msg.len() });
            if a.hex {
                v["hex"] = hex(&msg).into();
            } else {
                v["text"] = String::from_utf8_lossy(&msg).into();
            }
            writeln!(out, "{v}")?;
        } else if a.hex {
            writeln!(out, "{}", hex(&msg))?;
        } else {
            writeln!(out, "{}", text(&msg))?;
        }
        out.flush()?;
    }
    Ok(status::OK)
}

#[derive(Debug, Args)]
pub struct SendArgs {
    /// Mailslot name, e.g. '\\.\mailslot\mailbox'.
    pub name: String,
    /// Messages to send, one per argument; without any, each line of standard input is one
    /// message.
    pub messages: Vec<String>,
    /// Give up a write that waits for room in a full slot after this many milliseconds.
    #[arg(long)]
    pub timeout: Option<u64>,
}

/// Sends each argument, or each stdin line, as one message.
pub fn send(a: SendArgs) -> io::Result<u8> {
    let mut w = MailslotWriter::open(&a.name)?;
    w.set_write_timeout(a.timeout.map(Duration::from_millis));
    if a.messages.is_empty() {
        for line in io::stdin().lock().lines() {
            w.send(line?.as_bytes())?;
        }
    } else {
        for m in &a.messages {
            w.send(m.as_bytes())?;
        }
    }
    Ok(status::OK)
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// Mailslot name.
    pub name: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Prints `GetMailslotInfo` for a slot (through a send handle, as Windows 8+ allows).
pub fn info(a: InfoArgs) -> io::Result<u8> {
    let w = MailslotWriter::open(&a.name)?;
    let i = winipc::raw::mailslot_info(w.handle().as_raw()).map_err(io::Error::from)?;
    let next = i.next_size.map_or_else(
        || "none (MAILSLOT_NO_MESSAGE)".to_owned(),
        |n| n.to_string(),
    );
    let timeout = match i.read_timeout {
        MAILSLOT_WAIT_FOREVER => "forever (MAILSLOT_WAIT_FOREVER)".to_owned(),
        ms => format!("{ms} ms"),
    };
    if a.json {
        let v = serde_json::json!({
            "name": a.name,
            "max_message_size": i.max_message_size,
            "next_size": i.next_size,
            "message_count": i.message_count,
            "read_timeout": i.read_timeout,
        });
        println!("{v}");
    } else {
        println!(
            "max message size  {}",
            if i.max_message_size == 0 {
                "any".to_owned()
            } else {
                i.max_message_size.to_string()
            }
        );
        println!("next message size {next}");
        println!("messages queued   {}", i.message_count);
        println!("read timeout      {timeout}");
    }
    Ok(status::OK)
}
