//! The live Global store of this process, corrupted by the input between operations: the
//! input is written over the start of the image and over regions it chooses, then lookups,
//! creations, opens, signals, waits (single and multiple, with short timeouts) and mailslot
//! opens run against it. They may fail (ERROR_FILE_CORRUPT and others) but must never panic,
//! crash, hang past their timeouts or touch memory out of bounds.
#![no_main]
use std::sync::OnceLock;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use winipc::{Event, EventReset, MailslotWriter, Mutex, Security, Semaphore, wait_any};

mod image;

struct Live {
    img: image::Image,
    ev: Event,
    _slot: winipc::Mailslot,
}

fuzz_target!(|data: &[u8]| {
    static LIVE: OnceLock<Live> = OnceLock::new();
    let live = LIVE.get_or_init(|| {
        let img = image::Image::new("live", true);
        let ev = Event::make(
            Some(r"Global\fuzz-ev"),
            EventReset::Manual,
            false,
            &Security::everyone(),
        )
        .unwrap();
        let slot = winipc::Mailslot::create(r"\\.\mailslot\fuzz\slot", 0, 0).unwrap();
        img.save_clean();
        Live {
            img,
            ev,
            _slot: slot,
        }
    });
    live.img.reset();
    live.img.apply(data);
    live.img.sanitize();
    let t = Some(Duration::from_millis(1));
    let _ = live.ev.set();
    let _ = live.ev.wait(t);
    let _ = live.ev.reset();
    let _ = Event::open(r"Global\fuzz-ev");
    if let Ok(e) = Event::make(
        Some(r"Global\fuzz-new"),
        EventReset::Auto,
        true,
        &Security::everyone(),
    ) {
        let _ = e.pulse();
        let _ = e.wait(t);
    }
    if let Ok(m) = Mutex::make(Some(r"Global\fuzz-mx"), false, &Security::everyone())
        && let Ok(r) = m.wait(t)
        && (r.is_signaled() || matches!(r, winipc::WaitOutcome::Abandoned(_)))
    {
        let _ = m.release();
    }
    if let Ok(s) = Semaphore::make(Some(r"Global\fuzz-sem"), 1, 4, &Security::everyone()) {
        let _ = s.release(1);
        let _ = wait_any(&[live.ev.handle(), s.handle()], t);
    }
    let _ = MailslotWriter::open(r"\\.\mailslot\fuzz\slot").map(|w| w.send(b"x"));
    let _ = live.ev.handle().usage_count();
});
