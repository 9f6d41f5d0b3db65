//! `winipc ls` and `winipc handles`: WinObj and handle.exe for winipc.

use std::collections::BTreeMap;
use std::io::{self, Write};

use clap::Args;
use serde_json::json;
use winipc::inspect::{HandleInfo, Snapshot};

use crate::output::msg;
use crate::status;
use crate::view;

pub const LS_ABOUT: &str = "\
List every object the caller can see, from a read-only snapshot of the stores (taking it never \
blocks or disturbs the processes that use the objects).

Columns: KIND, NAME (`<unnamed>` for unnamed objects; `Global\\` names and mailslots as such), \
STATE (`signaled` or `-`; a mutex is signaled when unowned, a mailslot while a message is \
queued), USAGE (handles held by live processes, plus pending waits), DETAILS and WAITERS \
(process name and pid/tid of each blocked thread, and whether it waits for any or all of its \
objects). Run by root (or with --all-users), it lists every user's objects, with a first \
column USER: the user who created each object.

DETAILS per kind: event manual-reset or auto-reset; mutex owner pid/tid, recursion, abandoned; \
semaphore count/max; timer manual-reset or synchronization, due time, period; process pid and \
exit code; thread tid, pid, exit code; mailslot queued messages and bytes, maximum message \
size, read timeout, senders.

Handles of processes that died are not counted, and an object only dead processes held is not \
listed: it is reaped on the next lookup.";

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Print a JSON array of objects.
    #[arg(long)]
    pub json: bool,
    /// Also read other users' Local stores (those the caller may read). Root always does, and
    /// then a USER column shows whose each object is.
    #[arg(long)]
    pub all_users: bool,
    /// Show only objects whose kind or name contains FILTER (case-insensitive).
    pub filter: Option<String>,
}

pub fn ls(a: LsArgs) -> io::Result<u8> {
    let all_users = a.all_users || view::is_root();
    let snap = winipc::inspect::snapshot(all_users)?;
    let filter = a.filter.as_deref().unwrap_or("").to_lowercase();
    let objs: Vec<_> = view::sorted_objects(&snap)
        .into_iter()
        .filter(|o| view::matches(o, &filter))
        .collect();
    let mut out = io::stdout().lock();
    if a.json {
        let v: Vec<_> = objs.iter().map(|o| view::object_json(o)).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(status::OK);
    }
    let mut rows = vec![vec![
        "KIND".to_owned(),
        "NAME".to_owned(),
        "STATE".to_owned(),
        "USAGE".to_owned(),
        "DETAILS".to_owned(),
        "WAITERS".to_owned(),
    ]];
    if all_users {
        rows[0].insert(0, "USER".to_owned());
    }
    for o in &objs {
        let mut r = vec![
            o.kind.as_str().to_owned(),
            view::name_str(o),
            view::state_str(o).to_owned(),
            o.usage.to_string(),
            view::details(o),
            view::waiters_str(&o.waiters),
        ];
        if all_users {
            r.insert(0, view::user_name(o.owner_uid));
        }
        rows.push(r);
    }
    write_table(&mut out, &rows)?;
    Ok(status::OK)
}

/// Writes rows as left-aligned columns separated by two spaces (the last column unpadded).
pub fn write_table(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[c] - cell.chars().count() + 2,
                ));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

pub const HANDLES_ABOUT: &str = "\
Show handle tables, like Sysinternals' handle.exe: for each process registered with winipc \
(or only PID) — with its name from /proc/PID/comm, and for root its user — each handle's value (as Win32 code sees it, e.g. 0x4), the object's kind and \
name, the access mask and whether children inherit it.

A process that died without anyone reaping it yet is marked `dead`: its handles are listed but \
no longer count towards the objects' usage. A `pending` process is a child prepared by \
Process::spawn that has not started using winipc yet.";

#[derive(Debug, Args)]
pub struct HandlesArgs {
    /// Only this process.
    pub pid: Option<u32>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Also read other users' Local stores (root always does, and shows each process's user).
    #[arg(long)]
    pub all_users: bool,
}

/// One process, merged over the stores it is registered in.
#[derive(Debug, Default)]
pub struct Proc<'a> {
    pub alive: bool,
    pub pending: bool,
    pub handles: Vec<&'a HandleInfo>,
}

/// Processes by pid, merged over the stores.
pub fn processes(snap: &Snapshot) -> BTreeMap<u32, Proc<'_>> {
    let mut m: BTreeMap<u32, Proc<'_>> = BTreeMap::new();
    for p in snap.processes() {
        let e = m.entry(p.pid).or_default();
        e.alive |= p.alive;
        e.pending |= p.pending;
        e.handles.extend(p.handles.iter());
    }
    for p in m.values_mut() {
        p.handles.sort_by_key(|h| h.value);
    }
    m
}

fn proc_state(p: &Proc<'_>) -> &'static str {
    match (p.alive, p.pending) {
        (true, true) => "pending",
        (true, false) => "alive",
        (false, _) => "dead: its handles no longer count",
    }
}

pub fn handles(a: HandlesArgs) -> io::Result<u8> {
    let all_users = a.all_users || view::is_root();
    let snap = winipc::inspect::snapshot(all_users)?;
    let mut procs = processes(&snap);
    if let Some(pid) = a.pid {
        procs.retain(|&p, _| p == pid);
        if procs.is_empty() {
            return Err(msg(format!(
                "process {pid} has no winipc handle table (it never used winipc, or it exited \
                 and was reaped)"
            )));
        }
    }
    if a.pid.is_none() {
        // Processes that exited and closed everything are only noise until they are reaped.
        procs.retain(|_, p| p.alive || !p.handles.is_empty());
    }
    let mut out = io::stdout().lock();
    if a.json {
        let v: Vec<_> = procs
            .iter()
            .map(|(pid, p)| {
                json!({
                    "pid": pid,
                    "process_name": view::proc_name(*pid),
                    "user": view::proc_uid(*pid).map(view::user_name),
                    "alive": p.alive,
                    "pending": p.pending,
                    "handles": p.handles.iter().map(|h| view::handle_json(h)).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(status::OK);
    }
    let mut first = true;
    for (pid, p) in &procs {
        if !first {
            writeln!(out)?;
        }
        first = false;
        let name = view::proc_name(*pid).map_or_else(String::new, |n| format!(" {n}"));
        let user = match view::proc_uid(*pid) {
            Some(uid) if all_users => format!(", user {}", view::user_name(uid)),
            _ => String::new(),
        };
        writeln!(
            out,
            "pid {pid}{name} ({}{user}), {} handle{}",
            proc_state(p),
            p.handles.len(),
            if p.handles.len() == 1 { "" } else { "s" }
        )?;
        if p.handles.is_empty() {
            continue;
        }
        let mut rows = vec![vec![
            "  HANDLE".to_owned(),
            "KIND".to_owned(),
            "ACCESS".to_owned(),
            "INHERIT".to_owned(),
            "NAME".to_owned(),
        ]];
        for h in &p.handles {
            rows.push(vec![
                format!("  0x{:x}", h.value),
                h.kind.as_str().to_owned(),
                view::access_str(h.access),
                if h.inherit { "yes" } else { "no" }.to_owned(),
                view::handle_name(h),
            ]);
        }
        write_table(&mut out, &rows)?;
    }
    if procs.is_empty() {
        writeln!(out, "no process has a winipc handle table")?;
    }
    Ok(status::OK)
}
