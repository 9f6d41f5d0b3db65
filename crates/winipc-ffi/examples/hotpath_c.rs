//! The C face's hot paths beside the Rust face's, per call, measured in interleaved rounds in
//! one process (median of the rounds): `WriteFile` + `ReadFile` on a mailslot against
//! `MailslotWriter::send` + `Mailslot::recv`, and `SetEvent` / `ResetEvent` /
//! `WaitForSingleObject(h, 0)` against `Event::set` / `reset` / `wait(0)`.
//!
//! The C functions are called through their C prototypes, as a C program linked with
//! libwinipc calls them.
//!
//! `cargo run --release -p winipc-ffi --example hotpath_c`
//!
//! `HOTPATH_C_MAILSLOT_ONLY=1` runs only the C mailslot loop (2,000,000 pairs), `=rust` only the
//! Rust one; `HOTPATH_C_ONLY=event` (or `rust-event`) only `SetEvent` + `WaitForSingleObject(h,
//! 0)` (or `Event::set` + `wait(0)`), `=wake` a Rust receiver woken by each of 2,000 messages, `=pingpong` 20,000 round trips of
//! `SetEvent` + `WaitForSingleObject(INFINITE)` between two threads, for
//! profilers (`valgrind --tool=callgrind`; build with
//! `RUSTFLAGS=--cfg=rustix_use_libc` for valgrind 3.19, which does not map the vDSO that rustix's
//! own backend reads).
#![allow(unsafe_code)]

use std::ffi::{CString, c_char, c_void};
use std::time::{Duration, Instant};

use winipc_core::{Event, EventReset, Mailslot, MailslotWriter};

type Handle = *mut c_void;

unsafe extern "C" {
    fn CreateMailslotA(name: *const c_char, max: u32, timeout: u32, sa: *const c_void) -> Handle;
    fn CreateFileA(
        name: *const c_char,
        access: u32,
        share: u32,
        sa: *const c_void,
        disposition: u32,
        flags: u32,
        template: Handle,
    ) -> Handle;
    fn ReadFile(h: Handle, buf: *mut c_void, len: u32, read: *mut u32, ov: *mut c_void) -> i32;
    fn WriteFile(h: Handle, buf: *const c_void, len: u32, done: *mut u32, ov: *mut c_void) -> i32;
    fn CreateEventA(sa: *const c_void, manual: i32, initial: i32, name: *const c_char) -> Handle;
    fn SetEvent(h: Handle) -> i32;
    fn ResetEvent(h: Handle) -> i32;
    fn WaitForSingleObject(h: Handle, ms: u32) -> u32;
}

// Keep the rlib's symbols linked.
use winipc as _;

const N: u32 = 200_000;
const ROUNDS: usize = 7;

fn per_op(start: Instant) -> f64 {
    start.elapsed().as_nanos() as f64 / f64::from(N)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> std::io::Result<()> {
    let dir = std::env::temp_dir().join(format!("winipc-hotpath-c-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    winipc_core::set_store_dir(&dir)?;

    let slot = Mailslot::create(r"\\.\mailslot\hotpath\rust", 0, 0)?;
    let w = MailslotWriter::open(r"\\.\mailslot\hotpath\rust")?;
    let cname = CString::new(r"\\.\mailslot\hotpath\c").expect("no NUL");
    // SAFETY: NUL-terminated name; NULL security attributes and template.
    let (cr, cw) = unsafe {
        let r = CreateMailslotA(cname.as_ptr(), 0, 0, std::ptr::null());
        let w = CreateFileA(
            cname.as_ptr(),
            0x4000_0000,
            1,
            std::ptr::null(),
            3,
            0,
            std::ptr::null_mut(),
        );
        (r, w)
    };
    assert!(!cr.is_null() && cr as isize != -1 && !cw.is_null() && cw as isize != -1);
    let ev = Event::new(EventReset::Manual, false)?;
    // SAFETY: NULL attributes and name.
    let cev = unsafe { CreateEventA(std::ptr::null(), 1, 0, std::ptr::null()) };
    assert!(!cev.is_null());

    let (msg, mut buf) = ([7u8; 64], [0u8; 64]);
    let mut done = 0u32;
    let mut rows: Vec<(&str, Vec<f64>, Vec<f64>)> = vec![
        ("mailslot write + read, 64 B, one thread", vec![], vec![]),
        ("event set, uncontended", vec![], vec![]),
        ("event reset, uncontended", vec![], vec![]),
        ("event poll (wait with timeout 0)", vec![], vec![]),
    ];
    match std::env::var("HOTPATH_C_ONLY").as_deref() {
        // For profiling the event paths alone: set + poll (signaled) of a manual-reset event.
        Ok("event") => {
            for _ in 0..10 * N {
                // SAFETY: an event handle made above.
                unsafe {
                    SetEvent(cev);
                    WaitForSingleObject(cev, 0);
                }
            }
            return Ok(());
        }
        // A receiver woken by each message (a writer thread sleeps 200 µs before each send):
        // the receiver's own work per wake-up, for profilers (`--tool=callgrind`).
        Ok("wake") => {
            let writer = std::thread::spawn(move || -> std::io::Result<()> {
                for _ in 0..2000 {
                    std::thread::sleep(Duration::from_micros(200));
                    w.send(&msg)?;
                }
                Ok(())
            });
            for _ in 0..2000 {
                slot.recv_timeout(&mut buf, None)?;
            }
            writer.join().expect("writer")?;
            return Ok(());
        }
        // Ping-pong between two threads on two auto-reset events through the C ABI
        // (`SetEvent` + `WaitForSingleObject(INFINITE)`), 20,000 round trips.
        Ok("pingpong") => {
            // SAFETY: NULL attributes and names.
            let (a, b) = unsafe {
                (
                    CreateEventA(std::ptr::null(), 0, 0, std::ptr::null()),
                    CreateEventA(std::ptr::null(), 0, 0, std::ptr::null()),
                )
            };
            let (a2, b2) = (a as usize, b as usize);
            let peer = std::thread::spawn(move || {
                for _ in 0..20_000 {
                    // SAFETY: event handles made above, open until the join.
                    unsafe {
                        WaitForSingleObject(a2 as Handle, u32::MAX);
                        SetEvent(b2 as Handle);
                    }
                }
            });
            for _ in 0..20_000 {
                // SAFETY: as above.
                unsafe {
                    SetEvent(a);
                    WaitForSingleObject(b, u32::MAX);
                }
            }
            peer.join().expect("peer");
            return Ok(());
        }
        Ok("rust-event") => {
            for _ in 0..10 * N {
                ev.set()?;
                ev.wait(Some(Duration::ZERO))?;
            }
            return Ok(());
        }
        _ => {}
    }
    if std::env::var_os("HOTPATH_C_MAILSLOT_ONLY").is_some_and(|v| v == "rust") {
        // For profiling the Rust mailslot path alone (the same loop as below).
        for _ in 0..10 * N {
            w.send(&msg)?;
            slot.recv(&mut buf)?;
        }
        return Ok(());
    }
    if std::env::var_os("HOTPATH_C_MAILSLOT_ONLY").is_some() {
        // For profiling the C mailslot path alone.
        for _ in 0..10 * N {
            // SAFETY: as below.
            unsafe {
                WriteFile(cw, msg.as_ptr().cast(), 64, &mut done, std::ptr::null_mut());
                ReadFile(
                    cr,
                    buf.as_mut_ptr().cast(),
                    64,
                    &mut done,
                    std::ptr::null_mut(),
                );
            }
        }
        return Ok(());
    }
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..N {
            w.send(&msg)?;
            slot.recv(&mut buf)?;
        }
        rows[0].1.push(per_op(t));
        let t = Instant::now();
        for _ in 0..N {
            // SAFETY: valid buffers of the given lengths, valid count pointers, no OVERLAPPED.
            unsafe {
                WriteFile(cw, msg.as_ptr().cast(), 64, &mut done, std::ptr::null_mut());
                ReadFile(
                    cr,
                    buf.as_mut_ptr().cast(),
                    64,
                    &mut done,
                    std::ptr::null_mut(),
                );
            }
        }
        rows[0].2.push(per_op(t));

        let t = Instant::now();
        for _ in 0..N {
            ev.set()?;
        }
        rows[1].1.push(per_op(t));
        let t = Instant::now();
        for _ in 0..N {
            // SAFETY: an event handle made above.
            unsafe { SetEvent(cev) };
        }
        rows[1].2.push(per_op(t));

        let t = Instant::now();
        for _ in 0..N {
            ev.reset()?;
        }
        rows[2].1.push(per_op(t));
        let t = Instant::now();
        for _ in 0..N {
            // SAFETY: an event handle made above.
            unsafe { ResetEvent(cev) };
        }
        rows[2].2.push(per_op(t));

        let t = Instant::now();
        for _ in 0..N {
            ev.wait(Some(Duration::ZERO))?;
        }
        rows[3].1.push(per_op(t));
        let t = Instant::now();
        for _ in 0..N {
            // SAFETY: an event handle made above.
            unsafe { WaitForSingleObject(cev, 0) };
        }
        rows[3].2.push(per_op(t));
    }
    println!(
        "{:<44} {:>10} {:>10} {:>8}",
        "per call, ns (median of 7 interleaved rounds)", "Rust", "C", "C/Rust"
    );
    for (label, rust, c) in rows {
        let (r, c) = (median(rust), median(c));
        println!("{label:<44} {r:>10.1} {c:>10.1} {:>7.2}×", c / r);
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
