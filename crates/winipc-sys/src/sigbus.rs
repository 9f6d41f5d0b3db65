//! Surviving pages that vanish under a shared mapping.
//!
//! A process that may write a file may also shrink it. When a peer truncates a region file that
//! this process has mapped (a world-writable store, a public mailslot ring), or when tmpfs runs out
//! of space for a page of a sparse file, the next access to a lost page raises `SIGBUS` — which
//! would kill the process. That would let any local user kill every process using a shared object.
//!
//! So every [`Mapping`](crate::shm::Mapping) is registered here, and a `SIGBUS` handler (installed
//! with the first mapping) checks whether the faulting address belongs to one. If it does, the
//! handler maps one private, zero-filled page over the lost one (`MAP_FIXED | MAP_ANONYMOUS`,
//! which `mmap` does atomically), marks the mapping *poisoned*, and returns: the faulting
//! instruction runs again and reads zeros. The code above sees zeros as any other corrupt data
//! (range checks, `ERROR_FILE_CORRUPT`) and refuses to use a poisoned mapping from then on.
//! Wayland compositors survive clients that truncate their shared-memory pools the same way.
//!
//! Any other `SIGBUS` goes to the handler that was installed before this one (Rust's runtime
//! installs one to report stack overflows), or to the default action. A program that installs its
//! own `SIGBUS` handler after winipc maps a region replaces this one, and a truncation then kills
//! it as before.
//!
//! The registry is lock-free and allocation-free on the handler's side: fixed chunks of entries,
//! allocated outside the handler and never freed, published with atomics.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Once, OnceLock};

/// Entries per chunk.
const CHUNK: usize = 256;
/// Chunks at most: 16,384 guarded mappings, more than any process has open at once. Mappings
/// beyond this are not guarded (a `SIGBUS` on them kills, as without this module).
const CHUNKS: usize = 64;

const FREE: u32 = 0;
const BUSY: u32 = 1;
const LIVE: u32 = 2;

struct Entry {
    state: AtomicU32,
    start: AtomicUsize,
    len: AtomicUsize,
    writable: AtomicBool,
    poisoned: AtomicBool,
}

impl Entry {
    const fn new() -> Entry {
        Entry {
            state: AtomicU32::new(FREE),
            start: AtomicUsize::new(0),
            len: AtomicUsize::new(0),
            writable: AtomicBool::new(false),
            poisoned: AtomicBool::new(false),
        }
    }
}

struct Chunk([Entry; CHUNK]);

static CHUNK_PTRS: [AtomicPtr<Chunk>; CHUNKS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; CHUNKS];
/// Pages replaced by the handler in this process, for tests and diagnostics.
static PAGES_REPLACED: AtomicU64 = AtomicU64::new(0);
static INSTALL: Once = Once::new();
/// Whether the handler was installed.
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// The registration of one mapping; unregisters on drop.
#[derive(Debug)]
pub(crate) struct Guarded {
    entry: Option<&'static Entry>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("start", &self.start.load(Ordering::Relaxed))
            .field("len", &self.len.load(Ordering::Relaxed))
            .field("poisoned", &self.poisoned.load(Ordering::Relaxed))
            .finish()
    }
}

impl Guarded {
    /// Registers `[start, start + len)`; `writable` is the mapping's protection.
    pub(crate) fn new(start: *mut u8, len: usize, writable: bool) -> Guarded {
        install();
        let entry = claim();
        if let Some(e) = entry {
            e.start.store(start as usize, Ordering::Relaxed);
            e.len.store(len, Ordering::Relaxed);
            e.writable.store(writable, Ordering::Relaxed);
            e.poisoned.store(false, Ordering::Relaxed);
            e.state.store(LIVE, Ordering::Release);
        }
        Guarded { entry }
    }

    /// The flag the handler sets when a page of this mapping is lost and replaced by zeros.
    /// It is `'static` (entries are never freed), so callers may keep it beside the mapping
    /// and test it with one load; it stays meaningful only while the mapping lives.
    #[inline]
    pub(crate) fn poison_flag(&self) -> &'static AtomicBool {
        static NEVER: AtomicBool = AtomicBool::new(false);
        self.entry.map_or(&NEVER, |e| &e.poisoned)
    }
}

impl Guarded {
    /// Unregisters the range. Call it before the range is unmapped: from then on a fault there
    /// is not ours.
    pub(crate) fn release(&mut self) {
        if let Some(e) = self.entry.take() {
            e.state.store(FREE, Ordering::Release);
        }
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        self.release();
    }
}

/// Pages the handler has replaced in this process so far.
///
/// ```
/// assert_eq!(winipc_sys::sigbus::pages_replaced(), 0);
/// ```
pub fn pages_replaced() -> u64 {
    PAGES_REPLACED.load(Ordering::Relaxed)
}

/// Whether this process's `SIGBUS` guard is installed (it is once any region was mapped,
/// unless `sigaction` failed).
pub fn installed() -> bool {
    INSTALLED.load(Ordering::Relaxed)
}

fn chunk(slot: &AtomicPtr<Chunk>) -> Option<&'static Chunk> {
    let p = slot.load(Ordering::Acquire);
    // SAFETY: a non-null pointer here was made by `Box::into_raw` in `claim` and is never freed,
    // so it is valid for 'static; `Chunk` holds only atomics, so shared references are fine.
    (!p.is_null()).then(|| unsafe { &*p })
}

/// A free entry, allocating a new chunk when all are taken. `None` when the registry is full.
fn claim() -> Option<&'static Entry> {
    for slot in &CHUNK_PTRS {
        let c = match chunk(slot) {
            Some(c) => c,
            None => {
                let fresh = Box::into_raw(Box::new(Chunk([const { Entry::new() }; CHUNK])));
                match slot.compare_exchange(
                    std::ptr::null_mut(),
                    fresh,
                    Ordering::AcqRel,
                    Ordering::Acquire,
                ) {
                    Ok(_) => {}
                    // SAFETY: `fresh` lost the race, was never published, and is ours to free.
                    Err(_) => drop(unsafe { Box::from_raw(fresh) }),
                }
                chunk(slot).expect("published above or by the winner")
            }
        };
        for e in &c.0 {
            if e.state
                .compare_exchange(FREE, BUSY, Ordering::Acquire, Ordering::Relaxed)
                .is_ok()
            {
                return Some(e);
            }
        }
    }
    None
}

/// The live entry whose range holds `addr`. Async-signal-safe: loads only.
fn find(addr: usize) -> Option<&'static Entry> {
    for slot in &CHUNK_PTRS {
        let c = chunk(slot)?;
        for e in &c.0 {
            if e.state.load(Ordering::Acquire) == LIVE {
                let start = e.start.load(Ordering::Relaxed);
                let len = e.len.load(Ordering::Relaxed);
                if addr >= start && addr - start < len {
                    return Some(e);
                }
            }
        }
    }
    None
}

/// The action that was installed before ours; set before ours is installed.
static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();

fn install() {
    INSTALL.call_once(|| {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        PAGE.store(usize::try_from(page).unwrap_or(4096), Ordering::Relaxed);
        // SAFETY: reading the current action into a zeroed struct is always valid.
        let prev = unsafe {
            let mut prev: libc::sigaction = std::mem::zeroed();
            (libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut prev) == 0).then_some(prev)
        };
        let Some(prev) = prev else { return };
        let _ = PREVIOUS.set(prev);
        // SAFETY: a zeroed struct with our three-argument handler, SA_SIGINFO and an empty mask
        // is the documented way to install such a handler. PREVIOUS is set before this call, so
        // the handler always finds it.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_sigbus as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            if libc::sigaction(libc::SIGBUS, &act, std::ptr::null_mut()) == 0 {
                INSTALLED.store(true, Ordering::Release);
            }
        }
    });
}

/// `BUS_ADRERR`: the `si_code` of an access beyond the end of a mapped file (or to a page tmpfs
/// could not allocate).
const BUS_ADRERR: i32 = 2;

extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid siginfo for a SA_SIGINFO handler; `si_addr` is meaningful
    // for the fault codes we check first.
    let (code, addr) = unsafe { ((*info).si_code, (*info).si_addr() as usize) };
    if code == BUS_ADRERR {
        if let Some(e) = find(addr) {
            // SAFETY: errno is thread-local; saved and restored so the interrupted code never
            // sees our mmap's errno.
            let errno = unsafe { *libc::__errno_location() };
            let page = addr & !(page_size() - 1);
            let prot = if e.writable.load(Ordering::Relaxed) {
                libc::PROT_READ | libc::PROT_WRITE
            } else {
                libc::PROT_READ
            };
            // SAFETY: `page` lies inside a live registered mapping (found above; unregistration
            // happens before munmap), so MAP_FIXED replaces one page of our own mapping and
            // nothing else. mmap is a plain system call, safe in a signal handler.
            let r = unsafe {
                libc::mmap(
                    page as *mut libc::c_void,
                    page_size(),
                    prot,
                    libc::MAP_FIXED | libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                    -1,
                    0,
                )
            };
            // SAFETY: as above.
            unsafe { *libc::__errno_location() = errno };
            if r != libc::MAP_FAILED {
                e.poisoned.store(true, Ordering::Relaxed);
                PAGES_REPLACED.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }
    // Not ours: hand it to whoever had SIGBUS before us.
    let h = PREVIOUS.get().map_or(libc::SIG_DFL, |p| p.sa_sigaction);
    let siginfo = PREVIOUS
        .get()
        .is_some_and(|p| p.sa_flags & libc::SA_SIGINFO != 0);
    if h == libc::SIG_DFL || h == libc::SIG_IGN {
        // Restore the default action and return: the access faults again and the process dies
        // of SIGBUS, exactly as without this handler.
        // SAFETY: installing SIG_DFL with a zeroed struct is always valid.
        unsafe {
            let mut dfl: libc::sigaction = std::mem::zeroed();
            dfl.sa_sigaction = libc::SIG_DFL;
            libc::sigaction(libc::SIGBUS, &dfl, std::ptr::null_mut());
        }
    } else if siginfo {
        // SAFETY: with SA_SIGINFO the previous handler has this three-argument signature.
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            unsafe { std::mem::transmute(h) };
        f(sig, info, ctx);
    } else {
        // SAFETY: without SA_SIGINFO the previous handler takes the signal number only.
        let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(h) };
        f(sig);
    }
}

/// The page size, read once at installation.
static PAGE: AtomicUsize = AtomicUsize::new(4096);

fn page_size() -> usize {
    PAGE.load(Ordering::Relaxed)
}
