//! Rendering inspection snapshots: the rows of `winipc ls`, `winipc handles` and `winipc top`.

use std::fmt::Write as _;

use serde_json::{Value, json};
use winipc::inspect::{Details, HandleInfo, ObjectInfo, Snapshot, WaiterInfo};
use winipc::pipe::PipeAccess;
use winipc::{MAILSLOT_WAIT_FOREVER, Namespace, access};

/// `local` or `global`.
pub fn ns_str(ns: Namespace) -> &'static str {
    match ns {
        Namespace::Local => "local",
        Namespace::Global => "global",
    }
}

/// The object's name (control characters escaped), or `<unnamed>`.
pub fn name_str(o: &ObjectInfo) -> String {
    o.name
        .as_deref()
        .map_or_else(|| "<unnamed>".to_owned(), crate::output::escape_controls)
}

/// The command name of a running process (`/proc/PID/comm`), if it can be read.
pub fn proc_name(pid: u32) -> Option<String> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
    let s = s.trim_end_matches('\n');
    (!s.is_empty()).then(|| crate::output::escape_controls(s))
}

/// `NAME PID/TID` (or `PID/TID` when the process is gone).
pub fn pid_tid_str(pid: u32, tid: u32) -> String {
    match proc_name(pid) {
        Some(n) => format!("{n} {pid}/{tid}"),
        None => format!("{pid}/{tid}"),
    }
}

/// The user name of `uid` (from /etc/passwd), or the number.
pub fn user_name(uid: u32) -> String {
    std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|pw| {
            pw.lines().find_map(|l| {
                let mut f = l.split(':');
                let name = f.next()?;
                (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_owned())
            })
        })
        .unwrap_or_else(|| uid.to_string())
}

/// The real uid of a running process, if it can be read.
pub fn proc_uid(pid: u32) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/{pid}"))
        .ok()
        .map(|m| m.uid())
}

/// Whether this process runs as root (then listings cover every user's store).
pub fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// `signaled` or `-`.
pub fn state_str(o: &ObjectInfo) -> &'static str {
    if o.signaled { "signaled" } else { "-" }
}

/// Whether `o` matches a lower-cased filter (kind or name substring).
pub fn matches(o: &ObjectInfo, filter_lower: &str) -> bool {
    filter_lower.is_empty()
        || o.kind.as_str().contains(filter_lower)
        || o.name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(filter_lower))
}

fn exit_str(code: Option<u32>) -> String {
    match code {
        None => "running".to_owned(),
        Some(c) => format!("exit code {c} (0x{c:x})"),
    }
}

fn duration_str(d: std::time::Duration) -> String {
    let ms = d.as_millis();
    if ms >= 10_000 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{ms} ms")
    }
}

/// The per-kind details, on one line.
pub fn details(o: &ObjectInfo) -> String {
    match &o.details {
        Details::Event { manual } => {
            if *manual {
                "manual-reset".into()
            } else {
                "auto-reset".into()
            }
        }
        Details::Mutex {
            owner,
            recursion,
            abandoned,
        } => {
            let mut s = match owner {
                Some((pid, tid)) => {
                    format!("owner {}, recursion {recursion}", pid_tid_str(*pid, *tid))
                }
                None => "unowned".into(),
            };
            if *abandoned {
                s.push_str(", abandoned");
            }
            s
        }
        Details::Semaphore { count, max } => format!("count {count}/{max}"),
        Details::Timer {
            manual,
            due_in,
            period_ms,
        } => {
            let mut s = if *manual {
                "manual-reset".to_owned()
            } else {
                "synchronization".to_owned()
            };
            match due_in {
                Some(d) => {
                    let _ = write!(s, ", due in {}", duration_str(*d));
                }
                None => s.push_str(", not set"),
            }
            if *period_ms > 0 {
                let _ = write!(s, ", period {period_ms} ms");
            }
            s
        }
        Details::Process { pid, exit_code } => format!("pid {pid}, {}", exit_str(*exit_code)),
        Details::Pipe {
            message,
            access,
            max_instances,
            out_buffer,
            in_buffer,
            default_timeout_ms,
        } => {
            let max = if *max_instances >= 255 {
                "unlimited".to_owned()
            } else {
                max_instances.to_string()
            };
            format!(
                "{} {}, {} instance{} (max {max}), buffers {out_buffer}/{in_buffer}, timeout {default_timeout_ms} ms",
                if *message { "message" } else { "byte" },
                direction_str(*access),
                o.usage,
                if o.usage == 1 { "" } else { "s" },
            )
        }
        Details::Section { size, file_backed } => {
            format!(
                "{size} bytes{}",
                if *file_backed { ", of a file" } else { "" }
            )
        }
        Details::Thread {
            tid,
            pid,
            exit_code,
        } => format!("tid {tid} of pid {pid}, {}", exit_str(*exit_code)),
        Details::Mailslot {
            messages,
            bytes,
            max_message_size,
            read_timeout,
            senders,
            receivers: _,
        } => {
            let max = if *max_message_size == 0 {
                "any".to_owned()
            } else {
                max_message_size.to_string()
            };
            let timeout = if *read_timeout == MAILSLOT_WAIT_FOREVER {
                "forever".to_owned()
            } else {
                format!("{read_timeout} ms")
            };
            format!(
                "{messages} queued ({bytes} bytes), max size {max}, timeout {timeout}, {senders} sender{}",
                if *senders == 1 { "" } else { "s" }
            )
        }
        _ => String::new(),
    }
}

/// A pipe's direction as `PIPE_ACCESS_*` names it.
fn direction_str(a: PipeAccess) -> &'static str {
    match a {
        PipeAccess::Inbound => "inbound",
        PipeAccess::Outbound => "outbound",
        PipeAccess::Duplex => "duplex",
    }
}

/// `pid/tid any, pid/tid all`, or `-`.
pub fn waiters_str(w: &[WaiterInfo]) -> String {
    if w.is_empty() {
        return "-".into();
    }
    w.iter()
        .map(|w| {
            let mode = if w.all { "all" } else { "any" };
            format!("{} {mode}", pid_tid_str(w.pid, w.tid))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The objects of a snapshot in display order: namespace, kind, name (unnamed last), slot.
pub fn sorted_objects(snap: &Snapshot) -> Vec<&ObjectInfo> {
    let mut v: Vec<&ObjectInfo> = snap.objects().collect();
    v.sort_by(|a, b| {
        (a.namespace, a.kind as u8, a.name.is_none(), &a.name, a.id).cmp(&(
            b.namespace,
            b.kind as u8,
            b.name.is_none(),
            &b.name,
            b.id,
        ))
    });
    v
}

/// An object as JSON.
pub fn object_json(o: &ObjectInfo) -> Value {
    let details = match &o.details {
        Details::Event { manual } => json!({ "manual": manual }),
        Details::Mutex {
            owner,
            recursion,
            abandoned,
        } => json!({
            "owner": owner.map(|(pid, tid)| json!({ "pid": pid, "tid": tid, "process_name": proc_name(pid) })),
            "recursion": recursion,
            "abandoned": abandoned,
        }),
        Details::Semaphore { count, max } => json!({ "count": count, "max": max }),
        Details::Timer {
            manual,
            due_in,
            period_ms,
        } => json!({
            "manual": manual,
            "due_in_ms": due_in.map(|d| d.as_secs_f64() * 1000.0),
            "period_ms": period_ms,
        }),
        Details::Process { pid, exit_code } => json!({ "pid": pid, "exit_code": exit_code }),
        Details::Section { size, file_backed } => {
            json!({ "size": size, "file_backed": file_backed })
        }
        Details::Pipe {
            message,
            access,
            max_instances,
            out_buffer,
            in_buffer,
            default_timeout_ms,
        } => json!({
            "type": if *message { "message" } else { "byte" },
            "access": direction_str(*access),
            "instances": o.usage,
            "max_instances": max_instances,
            "out_buffer": out_buffer,
            "in_buffer": in_buffer,
            "default_timeout_ms": default_timeout_ms,
        }),
        Details::Thread {
            tid,
            pid,
            exit_code,
        } => json!({ "tid": tid, "pid": pid, "exit_code": exit_code }),
        Details::Mailslot {
            messages,
            bytes,
            max_message_size,
            read_timeout,
            senders,
            receivers,
        } => json!({
            "messages": messages,
            "bytes": bytes,
            "max_message_size": max_message_size,
            "read_timeout": read_timeout,
            "senders": senders,
            "receivers": receivers,
        }),
        _ => Value::Null,
    };
    json!({
        "namespace": ns_str(o.namespace),
        "id": o.id,
        "generation": o.generation,
        "kind": o.kind.as_str(),
        "name": o.name,
        "signaled": o.signaled,
        "usage": o.usage,
        "details": details,
        "waiters": o.waiters.iter().map(|w| json!({ "pid": w.pid, "tid": w.tid, "all": w.all, "process_name": proc_name(w.pid) })).collect::<Vec<_>>(),
        "owner_uid": o.owner_uid,
        "owner_user": user_name(o.owner_uid),
        "mode": format!("{:o}", o.mode),
    })
}

/// An access mask: hex and the named rights it contains.
pub fn access_str(mask: u32) -> String {
    let mut names = Vec::new();
    if mask & access::ALL == access::ALL {
        names.push("ALL");
    } else {
        if mask & access::SYNCHRONIZE != 0 {
            names.push("SYNCHRONIZE");
        }
        if mask & access::MODIFY_STATE != 0 {
            names.push("MODIFY_STATE");
        }
    }
    if mask & access::GENERIC_READ != 0 {
        names.push("GENERIC_READ");
    }
    if mask & access::GENERIC_WRITE != 0 {
        names.push("GENERIC_WRITE");
    }
    format!("0x{mask:08x} {}", names.join("|"))
}

/// A handle's object name (control characters escaped), or `<unnamed>`.
pub fn handle_name(h: &HandleInfo) -> String {
    h.name
        .as_deref()
        .map_or_else(|| "<unnamed>".to_owned(), crate::output::escape_controls)
}

/// A handle as JSON.
pub fn handle_json(h: &HandleInfo) -> Value {
    json!({
        "value": h.value,
        "hex": format!("0x{:x}", h.value),
        "kind": h.kind.as_str(),
        "namespace": ns_str(h.namespace),
        "object": h.object,
        "name": h.name,
        "access": h.access,
        "inherit": h.inherit,
    })
}

/// A stable key for an object across snapshots.
pub type ObjKey = (Namespace, u32, u32);

/// The key of `o`.
pub fn key(o: &ObjectInfo) -> ObjKey {
    (o.namespace, o.id, o.generation)
}
