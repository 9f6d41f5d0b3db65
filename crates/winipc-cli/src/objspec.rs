//! `OBJ` arguments (`event:NAME`, `mutex:NAME`, `sem:NAME`, `timer:NAME`, `slot:NAME`,
//! `pid:PID`) and opening them.

use std::fmt;
use std::io;

use crate::output::{context, msg};

use winipc::{
    Event, EventReset, Handle, MAILSLOT_WAIT_FOREVER, Mailslot, Mutex, Process, Semaphore, Timer,
};

/// The accepted forms, for error messages and help texts.
pub const FORMS: &str = "event:NAME, mutex:NAME, sem:NAME, timer:NAME, slot:NAME or pid:PID";

/// A parsed `OBJ` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjSpec {
    Event(String),
    Mutex(String),
    Sem(String),
    Timer(String),
    /// A mailslot, always as its full `\\.\mailslot\…` name.
    Slot(String),
    Pid(u32),
}

impl ObjSpec {
    /// Parses `KIND:NAME`. A mailslot may be given by its full name or by the part after
    /// `\\.\mailslot\`.
    pub fn parse(s: &str) -> io::Result<ObjSpec> {
        let bad = |why: &str| msg(format!("bad object '{s}': {why} (expected {FORMS})"));
        let (kind, name) = s.split_once(':').ok_or_else(|| bad("no KIND: prefix"))?;
        if name.is_empty() {
            return Err(bad("empty name"));
        }
        let name = name.to_owned();
        Ok(match kind.to_ascii_lowercase().as_str() {
            "event" => ObjSpec::Event(name),
            "mutex" => ObjSpec::Mutex(name),
            "sem" | "semaphore" => ObjSpec::Sem(name),
            "timer" => ObjSpec::Timer(name),
            "slot" | "mailslot" => ObjSpec::Slot(if name.starts_with(r"\\") {
                name
            } else {
                format!(r"\\.\mailslot\{name}")
            }),
            "pid" | "process" => ObjSpec::Pid(name.parse().map_err(|_| bad("not a pid"))?),
            _ => return Err(bad("unknown kind")),
        })
    }

    /// Parses every argument, failing on the first bad one.
    pub fn parse_all(args: &[String]) -> io::Result<Vec<ObjSpec>> {
        args.iter().map(|a| ObjSpec::parse(a)).collect()
    }

    /// Opens an existing object (`wait`): named objects must exist; a mailslot is created,
    /// since only its receiver can wait on it; a pid is opened with `OpenProcess`.
    pub fn open_existing(&self) -> io::Result<Opened> {
        Ok(match self {
            ObjSpec::Event(n) => Opened::Event(Event::open(n)?),
            ObjSpec::Mutex(n) => Opened::Mutex(Mutex::open(n)?),
            ObjSpec::Sem(n) => Opened::Sem(Semaphore::open(n)?),
            ObjSpec::Timer(n) => Opened::Timer(Timer::open(n)?),
            ObjSpec::Slot(n) => Opened::Slot(create_slot(n)?),
            ObjSpec::Pid(p) => Opened::Process(Process::open(*p)?),
        })
    }

    /// Opens the object, creating a missing one with the defaults `hold` documents: events
    /// manual-reset and non-signaled, mutexes unowned, semaphores count 1 of max 1, timers
    /// manual-reset and not set, mailslots with any message size.
    pub fn create_or_open(&self) -> io::Result<Opened> {
        Ok(match self {
            ObjSpec::Event(n) => Opened::Event(Event::create(n, EventReset::Manual, false)?),
            ObjSpec::Mutex(n) => Opened::Mutex(Mutex::create(n, false)?),
            ObjSpec::Sem(n) => Opened::Sem(Semaphore::create(n, 1, 1)?),
            ObjSpec::Timer(n) => Opened::Timer(Timer::create(n, true)?),
            ObjSpec::Slot(n) => Opened::Slot(create_slot(n)?),
            ObjSpec::Pid(p) => Opened::Process(Process::open(*p)?),
        })
    }
}

fn create_slot(name: &str) -> io::Result<Mailslot> {
    Mailslot::create(name, 0, MAILSLOT_WAIT_FOREVER).map_err(|e| {
        if winipc::Error::win32_code_of(&e) == winipc::code::ERROR_ALREADY_EXISTS {
            context(
                e,
                &format!(
                    "{name} already has a receiver (only the receiver of a mailslot can wait on \
                     it or hold it, and winipc makes itself the receiver of a new slot)"
                ),
            )
        } else {
            e
        }
    })
}

impl fmt::Display for ObjSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjSpec::Event(n) => write!(f, "event:{n}"),
            ObjSpec::Mutex(n) => write!(f, "mutex:{n}"),
            ObjSpec::Sem(n) => write!(f, "sem:{n}"),
            ObjSpec::Timer(n) => write!(f, "timer:{n}"),
            ObjSpec::Slot(n) => write!(f, "slot:{n}"),
            ObjSpec::Pid(p) => write!(f, "pid:{p}"),
        }
    }
}

/// An object opened from an [`ObjSpec`]; its handle closes when dropped.
#[derive(Debug)]
pub enum Opened {
    Event(Event),
    Mutex(Mutex),
    Sem(Semaphore),
    Timer(Timer),
    Slot(Mailslot),
    Process(Process),
}

impl Opened {
    /// The handle.
    pub fn handle(&self) -> &Handle {
        match self {
            Opened::Event(o) => o.handle(),
            Opened::Mutex(o) => o.handle(),
            Opened::Sem(o) => o.handle(),
            Opened::Timer(o) => o.handle(),
            Opened::Slot(o) => o.handle(),
            Opened::Process(o) => o.handle(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            ObjSpec::parse("event:a").unwrap(),
            ObjSpec::Event("a".into())
        );
        assert_eq!(
            ObjSpec::parse(r"mutex:Global\m").unwrap(),
            ObjSpec::Mutex(r"Global\m".into())
        );
        assert_eq!(ObjSpec::parse("sem:s").unwrap(), ObjSpec::Sem("s".into()));
        assert_eq!(
            ObjSpec::parse("timer:t").unwrap(),
            ObjSpec::Timer("t".into())
        );
        assert_eq!(
            ObjSpec::parse("slot:box").unwrap(),
            ObjSpec::Slot(r"\\.\mailslot\box".into())
        );
        assert_eq!(
            ObjSpec::parse(r"slot:\\.\mailslot\a\b").unwrap(),
            ObjSpec::Slot(r"\\.\mailslot\a\b".into())
        );
        assert_eq!(ObjSpec::parse("pid:42").unwrap(), ObjSpec::Pid(42));
        for bad in ["event", "event:", "file:x", "pid:x", ":x"] {
            assert!(ObjSpec::parse(bad).is_err(), "{bad}");
        }
    }
}
