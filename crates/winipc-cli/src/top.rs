//! `winipc top`: a live view of every object, its state, its waiters and its handles.
//!
//! Each tick (4 per second) takes a read-only, lock-free snapshot — the objects' users are never
//! blocked or disturbed. The screen is redrawn only when something shows a difference: the
//! stores' change counter ([`winipc::inspect::Snapshot::generation`]) moved, a mailslot's queue
//! or an armed timer changed (their state lives outside the stores' counter), a highlight
//! expired, a key was pressed or the terminal was resized. Only the visible rows are built.

use std::collections::{HashMap, HashSet};
use std::io;
use std::time::{Duration, Instant};

use clap::Args;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use ratatui::{DefaultTerminal, Frame};
use winipc::inspect::{Details, ObjectInfo, Snapshot, WaiterInfo};

use crate::status;
use crate::view::{self, ObjKey};

pub const ABOUT: &str = "\
A live view of every object, like `top`: kind, name, state, usage, waiters and details, \
refreshed four times a second from read-only snapshots that never block or disturb the \
objects' users. Rows whose state changed (an event turning signaled, a waiter arriving or \
being released, a count moving, a new object) are highlighted for about a second.

Keys:
  Up/Down, j/k, PgUp/PgDn, Home/End   select an object; the bottom pane shows its waiters and
                                      the handles (pid and value) that refer to it
  s                                   cycle the sort: kind, name, usage, waiters
  /                                   type a filter (kind or name substring); Enter keeps it,
                                      Esc clears it
  q, Ctrl-C                           quit";

#[derive(Debug, Args)]
pub struct TopArgs {
    /// Refresh interval in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub interval: u64,
    /// Also read other users' Local stores.
    #[arg(long)]
    pub all_users: bool,
    /// Start with this filter.
    #[arg(long)]
    pub filter: Option<String>,
    /// How long a changed row stays highlighted, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 1200)]
    pub highlight_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sort {
    Kind,
    Name,
    Usage,
    Waiters,
}

impl Sort {
    fn next(self) -> Sort {
        match self {
            Sort::Kind => Sort::Name,
            Sort::Name => Sort::Usage,
            Sort::Usage => Sort::Waiters,
            Sort::Waiters => Sort::Kind,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Sort::Kind => "kind",
            Sort::Name => "name",
            Sort::Usage => "usage",
            Sort::Waiters => "waiters",
        }
    }
}

/// What makes a row "changed": everything shown except a timer's countdown.
#[derive(Debug, Clone, PartialEq)]
struct Sig {
    signaled: bool,
    usage: u32,
    waiters: Vec<WaiterInfo>,
    details: Details,
}

fn sig(o: &ObjectInfo) -> Sig {
    let details = match &o.details {
        Details::Timer {
            manual,
            due_in,
            period_ms,
        } => Details::Timer {
            manual: *manual,
            due_in: due_in.map(|_| Duration::ZERO),
            period_ms: *period_ms,
        },
        d => d.clone(),
    };
    Sig {
        signaled: o.signaled,
        usage: o.usage,
        waiters: o.waiters.clone(),
        details,
    }
}

#[derive(Debug)]
struct App {
    all_users: bool,
    highlight_for: Duration,
    snap: Snapshot,
    generation: u64,
    /// Signatures of the previous snapshot's objects.
    prev: HashMap<ObjKey, Sig>,
    /// Highlighted rows and when their highlight ends.
    highlight: HashMap<ObjKey, Instant>,
    /// The displayed objects: indices into `objects`, sorted and filtered.
    objects: Vec<ObjectInfo>,
    rows: Vec<usize>,
    sort: Sort,
    filter: String,
    editing: bool,
    selected: Option<ObjKey>,
    sel_ix: usize,
    offset: usize,
    closed: usize,
    error: Option<String>,
}

impl App {
    fn new(all_users: bool, filter: String, highlight_for: Duration) -> io::Result<App> {
        let snap = winipc::inspect::snapshot(all_users)?;
        let mut app = App {
            all_users,
            highlight_for,
            generation: snap.generation(),
            snap,
            prev: HashMap::new(),
            highlight: HashMap::new(),
            objects: Vec::new(),
            rows: Vec::new(),
            sort: Sort::Kind,
            filter,
            editing: false,
            selected: None,
            sel_ix: 0,
            offset: 0,
            closed: 0,
            error: None,
        };
        app.objects = app.snap.objects().cloned().collect();
        app.prev = app.objects.iter().map(|o| (view::key(o), sig(o))).collect();
        app.rebuild();
        Ok(app)
    }

    /// Takes a new snapshot; returns whether the screen must be redrawn.
    fn refresh(&mut self, now: Instant) -> bool {
        let snap = match winipc::inspect::snapshot(self.all_users) {
            Ok(s) => s,
            Err(e) => {
                let msg = crate::output::describe(&e);
                let changed = self.error.as_deref() != Some(&msg);
                self.error = Some(msg);
                return changed;
            }
        };
        self.error = None;
        let generation = snap.generation();
        // Mailslot queues and timer due times change without the stores' counter moving.
        let volatile = snap.objects().any(|o| {
            matches!(o.details, Details::Mailslot { .. })
                || matches!(
                    o.details,
                    Details::Timer {
                        due_in: Some(_),
                        ..
                    }
                )
        });
        if generation == self.generation && !volatile {
            return false;
        }
        self.generation = generation;
        let mut seen = HashSet::new();
        let mut changed = false;
        let mut next = HashMap::with_capacity(self.prev.len());
        for o in snap.objects() {
            let k = view::key(o);
            let s = sig(o);
            if self.prev.get(&k) != Some(&s) {
                self.highlight.insert(k, now + self.highlight_for);
                changed = true;
            }
            seen.insert(k);
            next.insert(k, s);
        }
        let gone = self.prev.keys().filter(|k| !seen.contains(k)).count();
        if gone > 0 {
            self.closed += gone;
            changed = true;
        }
        self.highlight.retain(|k, _| seen.contains(k));
        self.prev = next;
        let timers = snap.objects().any(|o| {
            matches!(
                o.details,
                Details::Timer {
                    due_in: Some(_),
                    ..
                }
            )
        });
        self.snap = snap;
        if changed || timers {
            self.objects = self.snap.objects().cloned().collect();
            self.rebuild();
            true
        } else {
            false
        }
    }

    /// Re-sorts and re-filters, keeping the selected object selected.
    fn rebuild(&mut self) {
        let f = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..self.objects.len())
            .filter(|&i| view::matches(&self.objects[i], &f))
            .collect();
        let o = &self.objects;
        let base = |i: usize| {
            let x = &o[i];
            (
                x.namespace,
                x.kind as u8,
                x.name.is_none(),
                x.name.clone(),
                x.id,
            )
        };
        match self.sort {
            Sort::Kind => rows.sort_by_cached_key(|&i| base(i)),
            Sort::Name => rows.sort_by_cached_key(|&i| {
                let x = &o[i];
                (
                    x.name.is_none(),
                    x.name.as_deref().map(str::to_lowercase),
                    base(i),
                )
            }),
            Sort::Usage => rows.sort_by_cached_key(|&i| (std::cmp::Reverse(o[i].usage), base(i))),
            Sort::Waiters => {
                rows.sort_by_cached_key(|&i| (std::cmp::Reverse(o[i].waiters.len()), base(i)))
            }
        }
        self.rows = rows;
        if let Some(k) = self.selected
            && let Some(pos) = self
                .rows
                .iter()
                .position(|&i| view::key(&self.objects[i]) == k)
        {
            self.sel_ix = pos;
        }
        self.sel_ix = self.sel_ix.min(self.rows.len().saturating_sub(1));
        self.selected = self
            .rows
            .get(self.sel_ix)
            .map(|&i| view::key(&self.objects[i]));
    }

    fn select(&mut self, ix: usize) {
        self.sel_ix = ix.min(self.rows.len().saturating_sub(1));
        self.selected = self
            .rows
            .get(self.sel_ix)
            .map(|&i| view::key(&self.objects[i]));
    }

    fn selected_object(&self) -> Option<&ObjectInfo> {
        self.rows.get(self.sel_ix).map(|&i| &self.objects[i])
    }

    /// Handles a key; returns false to quit.
    fn key(&mut self, code: KeyCode, mods: KeyModifiers, page: usize) -> bool {
        if mods.contains(KeyModifiers::CONTROL) && code == KeyCode::Char('c') {
            return false;
        }
        if self.editing {
            match code {
                KeyCode::Enter => self.editing = false,
                KeyCode::Esc => {
                    self.editing = false;
                    self.filter.clear();
                }
                KeyCode::Backspace => {
                    self.filter.pop();
                }
                KeyCode::Char(c) => self.filter.push(c),
                _ => {}
            }
            self.rebuild();
            return true;
        }
        match code {
            KeyCode::Char('q') | KeyCode::Char('Q') => return false,
            KeyCode::Char('/') => {
                self.editing = true;
            }
            KeyCode::Esc => {
                self.filter.clear();
                self.rebuild();
            }
            KeyCode::Char('s') => {
                self.sort = self.sort.next();
                self.rebuild();
            }
            KeyCode::Up | KeyCode::Char('k') => self.select(self.sel_ix.saturating_sub(1)),
            KeyCode::Down | KeyCode::Char('j') => self.select(self.sel_ix + 1),
            KeyCode::PageUp => self.select(self.sel_ix.saturating_sub(page)),
            KeyCode::PageDown => self.select(self.sel_ix + page),
            KeyCode::Home | KeyCode::Char('g') => self.select(0),
            KeyCode::End | KeyCode::Char('G') => self.select(usize::MAX),
            _ => {}
        }
        true
    }

    fn draw(&mut self, f: &mut Frame<'_>, now: Instant) {
        let [head, table, detail, foot] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(9),
            Constraint::Length(1),
        ])
        .areas(f.area());
        let procs = self
            .snap
            .processes()
            .filter(|p| p.alive)
            .map(|p| p.pid)
            .collect::<HashSet<_>>()
            .len();
        let mut title = format!(
            " winipc top  {} objects ({} shown)  {procs} processes  {} closed  generation {}  sort: {}",
            self.objects.len(),
            self.rows.len(),
            self.closed,
            self.generation,
            self.sort.as_str(),
        );
        if let Some(e) = &self.error {
            title.push_str(&format!("  error: {e}"));
        }
        f.render_widget(
            Paragraph::new(title).style(Style::new().add_modifier(Modifier::BOLD)),
            head,
        );
        self.draw_table(f, table, now);
        self.draw_detail(f, detail);
        let help = if self.editing {
            Line::from(vec![
                Span::styled(" filter: ", Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(format!("{}_", self.filter)),
                Span::raw("   (Enter keeps it, Esc clears it)"),
            ])
        } else {
            let filter = if self.filter.is_empty() {
                String::new()
            } else {
                format!("filter: {}   ", self.filter)
            };
            Line::from(format!(" {filter}q quit  s sort  / filter  arrows select"))
        };
        f.render_widget(Paragraph::new(help), foot);
    }

    fn draw_table(&mut self, f: &mut Frame<'_>, area: Rect, now: Instant) {
        let height = area.height.saturating_sub(3) as usize; // borders and header
        if self.sel_ix < self.offset {
            self.offset = self.sel_ix;
        } else if height > 0 && self.sel_ix >= self.offset + height {
            self.offset = self.sel_ix + 1 - height;
        }
        self.offset = self
            .offset
            .min(self.rows.len().saturating_sub(height.max(1)));
        let end = (self.offset + height).min(self.rows.len());
        let rows: Vec<Row<'_>> = (self.offset..end)
            .map(|pos| {
                let o = &self.objects[self.rows[pos]];
                let k = view::key(o);
                let mut style = Style::new();
                if self.highlight.get(&k).is_some_and(|&t| t > now) {
                    style = style
                        .bg(Color::Yellow)
                        .fg(Color::Black)
                        .add_modifier(Modifier::BOLD);
                }
                if pos == self.sel_ix {
                    style = style.add_modifier(Modifier::REVERSED);
                }
                let marker = if pos == self.sel_ix { ">" } else { " " };
                Row::new(vec![
                    format!("{marker}{}", o.kind.as_str()),
                    view::name_str(o),
                    view::state_str(o).to_owned(),
                    o.usage.to_string(),
                    o.waiters.len().to_string(),
                    view::details(o),
                ])
                .style(style)
            })
            .collect();
        let header = Row::new(vec![
            " KIND", "NAME", "STATE", "USAGE", "WAITERS", "DETAILS",
        ])
        .style(Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED));
        let t = Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Min(20),
                Constraint::Length(8),
                Constraint::Length(5),
                Constraint::Length(7),
                Constraint::Min(30),
            ],
        )
        .header(header)
        .block(Block::new().borders(Borders::ALL).title(" objects "));
        f.render_widget(t, area);
    }

    fn draw_detail(&self, f: &mut Frame<'_>, area: Rect) {
        let mut lines = Vec::new();
        if let Some(o) = self.selected_object() {
            lines.push(Line::from(format!(
                "{} {} ({} store, slot {}): {}, usage {}, {}",
                o.kind.as_str(),
                view::name_str(o),
                view::ns_str(o.namespace),
                o.id,
                if o.signaled {
                    "signaled"
                } else {
                    "non-signaled"
                },
                o.usage,
                view::details(o),
            )));
            let waiters = if o.waiters.is_empty() {
                "none".to_owned()
            } else {
                o.waiters
                    .iter()
                    .map(|w| {
                        format!(
                            "pid {}{} tid {} ({})",
                            w.pid,
                            view::proc_name(w.pid).map_or_else(String::new, |n| format!(" {n}")),
                            w.tid,
                            if w.all { "all" } else { "any" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            lines.push(Line::from(format!(
                "waiters ({}): {waiters}",
                o.waiters.len()
            )));
            let mut handles = Vec::new();
            for p in self.snap.processes() {
                for h in &p.handles {
                    if h.namespace == o.namespace && h.object == o.id {
                        handles.push(format!(
                            "pid {}{} 0x{:x}{}{}",
                            p.pid,
                            view::proc_name(p.pid).map_or_else(String::new, |n| format!(" {n}")),
                            h.value,
                            if h.inherit { " inherit" } else { "" },
                            if p.alive { "" } else { " (dead)" }
                        ));
                    }
                }
            }
            lines.push(Line::from(format!(
                "handles ({}): {}",
                handles.len(),
                if handles.is_empty() {
                    "none".to_owned()
                } else {
                    handles.join(", ")
                }
            )));
        } else {
            lines.push(Line::from("no object selected"));
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(ratatui::widgets::Wrap { trim: false })
                .block(Block::new().borders(Borders::ALL).title(" selected ")),
            area,
        );
    }
}

pub fn top(a: TopArgs) -> io::Result<u8> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        return Err(crate::output::msg(
            "winipc top needs a terminal; in scripts use `winipc ls --json`",
        ));
    }
    let mut app = App::new(
        a.all_users || view::is_root(),
        a.filter.unwrap_or_default(),
        Duration::from_millis(a.highlight_ms),
    )?;
    let mut terminal = ratatui::try_init()?;
    let result = run(
        &mut terminal,
        &mut app,
        Duration::from_millis(a.interval.max(20)),
    );
    ratatui::try_restore()?;
    result.map(|()| status::OK)
}

fn run(terminal: &mut DefaultTerminal, app: &mut App, interval: Duration) -> io::Result<()> {
    let mut dirty = true;
    let mut next_refresh = Instant::now() + interval;
    loop {
        let now = Instant::now();
        if dirty {
            terminal.draw(|f| app.draw(f, now))?;
            dirty = false;
        }
        let next_expiry = app.highlight.values().copied().filter(|&t| t > now).min();
        let wake = next_expiry.map_or(next_refresh, |t| t.min(next_refresh));
        if event::poll(wake.saturating_duration_since(now))? {
            let page = terminal.size()?.height.saturating_sub(14).max(1) as usize;
            // Drain every pending event before redrawing.
            loop {
                if let Event::Key(k) = event::read()?
                    && k.kind != KeyEventKind::Release
                    && !app.key(k.code, k.modifiers, page)
                {
                    return Ok(());
                }
                if !event::poll(Duration::ZERO)? {
                    break;
                }
            }
            dirty = true;
        }
        let now = Instant::now();
        if now >= next_refresh {
            dirty |= app.refresh(now);
            next_refresh = now + interval;
        }
        // A highlight that just ended.
        let before = app.highlight.len();
        app.highlight.retain(|_, t| *t > now);
        dirty |= app.highlight.len() != before;
    }
}
