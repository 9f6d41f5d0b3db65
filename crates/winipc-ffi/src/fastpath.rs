//! `ReadFile` / `WriteFile` on a mailslot handle, the hot path: each thread keeps the handle it
//! last received on and the one it last sent on, resolved (`winipc::raw::MailslotPort`), in a
//! thread-local without a destructor, so that a hit costs a few loads and compares (issue 16):
//! no registration-state test, no `RefCell`, no second frame. A hit needs the handle value and
//! the core's handle epoch (`raw::mailslot_epoch`, moved by every mailslot handle's release and
//! by a fork) to be those the resolution was made under, so a closed handle's resolution is
//! never used, even when its value is reused. The resolutions themselves are owned through a
//! second thread-local whose destructor frees them (and empties the ways first). Decision
//! 0020.
//!
//! The `unsafe` here: the dereference of a way's resolution (a `Box` the way owns) and of the
//! thread-local's address.

use std::cell::Cell;

use winipc_core::RawHandle;
use winipc_core::raw::{self, MailslotPort};

/// The way of a resolution checked for receiving, and for sending.
const RECEIVE: usize = 0;
const SEND: usize = 1;

/// One cached resolution: `port` (a leaked `Box`, or NULL) is current for handle value `h`
/// while the core's epoch is `epoch`. `h` 0 matches no handle.
struct Way {
    h: Cell<RawHandle>,
    epoch: Cell<u64>,
    port: Cell<*mut MailslotPort>,
}

struct Ways {
    ways: [Way; 2],
    /// Set while a way's resolution is in use (a read may block): a re-entrant call (from a
    /// signal handler, say) that misses must not free it, and does not cache.
    busy: Cell<bool>,
}

thread_local! {
    static WAYS: Ways = const {
        Ways {
            ways: [const {
                Way {
                    h: Cell::new(0),
                    epoch: Cell::new(0),
                    port: Cell::new(std::ptr::null_mut()),
                }
            }; 2],
            busy: Cell::new(false),
        }
    };
    /// Owns the ways' resolutions: registered (by its first use) when a resolution is first
    /// cached; its destructor, at the thread's exit, empties the ways and frees them.
    static OWNER: Owner = const { Owner };
}

struct Owner;

impl Drop for Owner {
    fn drop(&mut self) {
        WAYS.with(|w| {
            for way in &w.ways {
                way.h.set(0);
                let p = way.port.replace(std::ptr::null_mut());
                free(p);
            }
        });
    }
}

/// Frees a way's resolution (NULL: none).
fn free(p: *mut MailslotPort) {
    if !p.is_null() {
        // SAFETY: a non-NULL `port` is a `Box` leaked by `install` and owned by exactly one
        // way, which no longer holds it; `busy` was clear (nobody is using it).
        drop(unsafe { Box::from_raw(p) });
    }
}

/// Clears `busy` when dropped (also when the transfer unwinds).
struct InUse<'a>(&'a Cell<bool>);

impl Drop for InUse<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// Runs `op` on the current resolution of `h` in way `dir`, or `general` (the core's path by
/// handle value) on `buf`.
#[inline(always)]
fn with_port<B>(
    h: RawHandle,
    dir: usize,
    buf: B,
    op: impl FnOnce(&MailslotPort, B) -> u64,
    general: impl FnOnce(RawHandle, B) -> u64,
) -> u64 {
    // The closure given to `with` only takes the address: with the whole body inside, `with`
    // was not inlined (a call and 16 more instructions per transfer).
    let w: *const Ways = WAYS.with(std::ptr::from_ref);
    // SAFETY: this thread's `WAYS`, which has no destructor and so lives as long as the
    // thread, used only during this call on this thread.
    let w = unsafe { &*w };
    let way = &w.ways[dir];
    if way.h.get() == h && way.epoch.get() == raw::mailslot_epoch() && !w.busy.get() {
        w.busy.set(true);
        let _in_use = InUse(&w.busy);
        // SAFETY: `h` is non-zero (a raw handle value), so the way holds a resolution
        // (`miss` sets `port` before `h`, and `h` is 0 until then); it is freed only by a
        // later `miss` or `forget` on this thread, or the thread's exit, none of which
        // frees it while `busy` is set.
        op(unsafe { &*way.port.get() }, buf)
    } else {
        miss(w, h, dir, buf, op, general)
    }
}

/// A miss: resolves `h`, caches the resolution (unless re-entered or the thread is exiting)
/// and runs `op` on it; anything that is not a local mailslot's handle of that direction runs
/// `general`, which reports.
#[cold]
#[inline(never)]
fn miss<B>(
    w: &Ways,
    h: RawHandle,
    dir: usize,
    buf: B,
    op: impl FnOnce(&MailslotPort, B) -> u64,
    general: impl FnOnce(RawHandle, B) -> u64,
) -> u64 {
    if w.busy.get() || OWNER.try_with(|_| ()).is_err() {
        return general(h, buf);
    }
    // Read before resolving: a release after this read moves the epoch past it.
    let epoch = raw::mailslot_epoch();
    let Some(port) = MailslotPort::resolve(h, dir == RECEIVE) else {
        return general(h, buf);
    };
    let way = &w.ways[dir];
    let old = way.port.replace(Box::into_raw(Box::new(port)));
    way.epoch.set(epoch);
    way.h.set(h);
    free(old);
    w.busy.set(true);
    let _in_use = InUse(&w.busy);
    // SAFETY: just installed; not freed while `busy` is set (as in `with_port`).
    op(unsafe { &*way.port.get() }, buf)
}

/// `ReadFile`'s transfer on raw handle `h`: the outcome packed as `raw::mailslot_read_packed`'s.
#[inline(always)]
pub(crate) fn read(h: RawHandle, buf: &mut [u8]) -> u64 {
    with_port(
        h,
        RECEIVE,
        buf,
        |p, b| p.read_packed(b),
        raw::mailslot_read_packed,
    )
}

/// `WriteFile`'s transfer on raw handle `h`, as [`read`].
#[inline(always)]
pub(crate) fn write(h: RawHandle, msg: &[u8]) -> u64 {
    with_port(
        h,
        SEND,
        msg,
        |p, m| p.write_packed(m),
        raw::mailslot_write_packed,
    )
}

/// `CloseHandle` of raw handle `h`: this thread's resolution of it is freed at once (its ring
/// unmapped if nothing else holds it); other threads' go when they next miss or exit.
pub(crate) fn forget(h: RawHandle) {
    let _ = WAYS.try_with(|w| {
        if w.busy.get() {
            return;
        }
        for way in &w.ways {
            if way.h.get() == h {
                way.h.set(0);
                free(way.port.replace(std::ptr::null_mut()));
            }
        }
    });
}
