//! Probing C buffers without a system call (x86-64): one guarded load (or atomic
//! read-modify-write of zero, for writable memory) per page, whose fault a `SIGSEGV` handler
//! turns into a `false` return — how a kernel's `copy_from_user` survives a bad pointer.
//!
//! `ReadFile`/`WriteFile` probed every buffer with `process_vm_readv` + `process_vm_writev`
//! (two system calls and an allocation per call, ≈ 95 % of a 64-byte `WriteFile` + `ReadFile`,
//! issue 16). The answers are the same: unmapped or protected memory is refused with
//! `ERROR_NOACCESS`, and nothing is dereferenced blindly.
//!
//! The faulting instruction is one of four labelled instructions of `winipc_touch` (three
//! entry points, one per kind of access, each entered at its touching instruction); the
//! handler only acts when the interrupted instruction pointer is exactly one of them, moving
//! it to the function's failure return. Every other `SIGSEGV` goes to the handler installed
//! before ours, or to the default action, as in `winipc_sys::sigbus`. A program that installs
//! its own `SIGSEGV` handler after its first probe takes over bad-pointer faults: the probe
//! falls back to the system calls when our handler is not the current one at installation.

#[cfg(target_arch = "x86_64")]
mod imp {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicBool, Ordering};

    std::arch::global_asm!(
        ".pushsection .text.winipc_touch,\"ax\",@progbits",
        ".globl winipc_touch",
        ".hidden winipc_touch",
        ".type winipc_touch,@function",
        "winipc_touch:",
        ".globl winipc_touch_load",
        ".hidden winipc_touch_load",
        "winipc_touch_load:",
        "    mov al, byte ptr [rdi]",
        "    xor eax, eax",
        "    ret",
        ".globl winipc_touch_store",
        ".hidden winipc_touch_store",
        "winipc_touch_store:",
        "    lock or byte ptr [rdi], 0",
        "    xor eax, eax",
        "    ret",
        ".globl winipc_touch_own_load",
        ".hidden winipc_touch_own_load",
        "winipc_touch_own_load:",
        "    mov al, byte ptr [rdi]",
        ".globl winipc_touch_own_store",
        ".hidden winipc_touch_own_store",
        "winipc_touch_own_store:",
        "    mov byte ptr [rdi], al",
        "    xor eax, eax",
        "    ret",
        ".globl winipc_touch_fault",
        ".hidden winipc_touch_fault",
        "winipc_touch_fault:",
        "    mov eax, 1",
        "    ret",
        ".size winipc_touch, . - winipc_touch",
        ".popsection",
    );

    unsafe extern "C" {
        // Each of the three entry points below is the labelled instruction itself, entered
        // directly (no dispatch on a mode: issue 16 counts every instruction of the hot
        // path): each touches the byte at `addr` and returns 0, or 1 if the access faulted.
        /// A read.
        fn winipc_touch_load(addr: usize) -> u32;
        /// An atomic `or 0`.
        fn winipc_touch_store(addr: usize) -> u32;
        /// A plain read and write-back.
        fn winipc_touch_own_load(addr: usize) -> u32;
        static winipc_touch_own_store: u8;
        static winipc_touch_fault: u8;
    }

    static PREVIOUS: OnceLock<libc::sigaction> = OnceLock::new();
    static READY: AtomicBool = AtomicBool::new(false);

    /// The addresses of the four instructions that may fault, and of the failure return.
    fn labels() -> ([usize; 4], usize) {
        // Only the addresses of the labels are taken, never their contents.
        (
            [
                winipc_touch_load as *const () as usize,
                winipc_touch_store as *const () as usize,
                winipc_touch_own_load as *const () as usize,
                std::ptr::addr_of!(winipc_touch_own_store) as usize,
            ],
            std::ptr::addr_of!(winipc_touch_fault) as usize,
        )
    }

    extern "C" fn on_sigsegv(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        let (touches, fault) = labels();
        if !ctx.is_null() {
            // SAFETY: for a SA_SIGINFO handler `ctx` is the interrupted thread's ucontext_t;
            // only its saved instruction pointer is read and, for our four instructions,
            // replaced with the failure return of the same leaf function (same stack).
            unsafe {
                let uc = ctx.cast::<libc::ucontext_t>();
                let rip = &mut (*uc).uc_mcontext.gregs[libc::REG_RIP as usize];
                let at = *rip as usize;
                if touches.contains(&at) {
                    *rip = fault as i64;
                    return;
                }
            }
        }
        // Not ours: hand it to whoever had SIGSEGV before us.
        let h = PREVIOUS.get().map_or(libc::SIG_DFL, |p| p.sa_sigaction);
        let siginfo = PREVIOUS
            .get()
            .is_some_and(|p| p.sa_flags & libc::SA_SIGINFO != 0);
        if h == libc::SIG_DFL || h == libc::SIG_IGN {
            // Back to the default action; returning re-runs the access, which kills as it
            // would have without this handler.
            // SAFETY: installing SIG_DFL with a zeroed struct is always valid; `info` is the
            // kernel's siginfo of this delivery (SA_SIGINFO), read only; raise is
            // async-signal-safe.
            unsafe {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(libc::SIGSEGV, &dfl, std::ptr::null_mut());
                // A SIGSEGV sent by a process (`raise`, `kill`: si_code <= 0) re-runs
                // nothing: send it again, so that it is delivered, now fatal, on return.
                if h == libc::SIG_DFL && !info.is_null() && (*info).si_code <= 0 {
                    libc::raise(libc::SIGSEGV);
                }
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

    /// Installs the handler once; whether guarded touches can be used.
    #[inline]
    pub(super) fn ready() -> bool {
        READY.load(Ordering::Acquire) || install()
    }

    /// Whether the handler is installed (without installing it).
    #[inline(always)]
    pub(super) fn is_ready() -> bool {
        READY.load(Ordering::Acquire)
    }

    /// Installs the handler on first use; whether it is in place.
    #[cold]
    #[inline(never)]
    fn install() -> bool {
        static INSTALL: std::sync::Once = std::sync::Once::new();
        INSTALL.call_once(|| {
            // SAFETY: reading the current action into a zeroed struct is always valid.
            let prev = unsafe {
                let mut prev: libc::sigaction = std::mem::zeroed();
                (libc::sigaction(libc::SIGSEGV, std::ptr::null(), &mut prev) == 0).then_some(prev)
            };
            let Some(prev) = prev else { return };
            let _ = PREVIOUS.set(prev);
            // SAFETY: a zeroed struct with our three-argument handler, SA_SIGINFO (on the
            // alternate stack if the thread has one) and an empty mask; PREVIOUS is set first.
            unsafe {
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = on_sigsegv as *const () as usize;
                act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut act.sa_mask);
                if libc::sigaction(libc::SIGSEGV, &act, std::ptr::null_mut()) == 0 {
                    READY.store(true, Ordering::Release);
                }
            }
        });
        READY.load(Ordering::Acquire)
    }

    /// Touches one byte at `addr`; `false` if it faulted.
    ///
    /// The entry point is called from inline assembly that names exactly what it uses (`rdi`
    /// in, `eax` out, the flags): an ordinary call would make the hot path save and restore
    /// every caller-saved register it still needs (issue 16).
    #[inline(always)]
    pub(super) fn touch(addr: usize, access: super::Access) -> bool {
        let faulted: u32;
        // SAFETY: each entry point is a leaf of `winipc_touch` that accesses one byte at
        // `addr` (in `rdi`) and returns 0 in `eax`, or 1 when the access faulted (`on_sigsegv`,
        // installed: the caller saw `ready()`/`is_ready()` true, moves the interrupted
        // instruction to `winipc_touch_fault`, which returns 1 the same way); it changes no
        // other register than `eax` and the flags. The call needs the stack (no `nostack`).
        // The atomic `or 0` leaves the byte's value unchanged, also against concurrent
        // writers; the plain write-back is used only on buffers the call owns (see
        // `Access::WriteOwned`).
        unsafe {
            match access {
                super::Access::Read => std::arch::asm!(
                    "call {f}",
                    f = sym winipc_touch_load,
                    in("rdi") addr,
                    out("eax") faulted,
                ),
                super::Access::Write => std::arch::asm!(
                    "call {f}",
                    f = sym winipc_touch_store,
                    in("rdi") addr,
                    out("eax") faulted,
                ),
                super::Access::WriteOwned => std::arch::asm!(
                    "call {f}",
                    f = sym winipc_touch_own_load,
                    in("rdi") addr,
                    out("eax") faulted,
                ),
            }
        }
        faulted == 0
    }
}

/// How a probe touches a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Access {
    /// A load.
    Read = 0,
    /// An atomic `or 0` (a locked instruction): safe on memory other threads may write.
    Write = 1,
    /// A load and a plain store of the same value: for a buffer the call owns while it runs
    /// (`ReadFile`'s: Win32 forbids the caller to use it until the read completes), where a
    /// concurrent writer would already be the caller's data race. Costs no locked instruction
    /// (the atomic `or` was ≈ 10 % of a 64-byte `WriteFile` + `ReadFile`).
    WriteOwned = 2,
}

/// Whether `[start, start + len)` can be accessed as `access` says, for a hot path: `false`
/// also before the handler is installed (the caller then takes its general path, which
/// installs it, and reports). A buffer within one page (every small message) costs one page
/// test and one touch; a larger one is probed page by page out of line. `len >= 1`. NULL is
/// refused (a privileged process may map page 0); a one-page range within the last page, the
/// only one that could wrap, faults (it is the kernel's).
#[inline(always)]
pub(crate) fn probe_hot(start: usize, len: u32, access: Access) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        const PAGE: usize = 4096;
        start != 0
            && imp::is_ready()
            && if (start % PAGE) + len as usize <= PAGE {
                imp::touch(start, access)
            } else {
                probe_pages(start, len as usize, access)
            }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (start, len, access);
        false
    }
}

/// [`probe_hot`] over more than one page.
#[cfg(target_arch = "x86_64")]
#[inline(never)]
fn probe_pages(start: usize, len: usize, access: Access) -> bool {
    start.checked_add(len).is_some() && probe(start, len, access) == Some(true)
}

/// Whether every page of `[start, start + len)` can be accessed as `access` says, or `None`
/// when guarded touches are not available (then the caller probes with system calls).
/// `len > 0`, and the range does not wrap (the caller checks).
#[inline]
pub(crate) fn probe(start: usize, len: usize, access: Access) -> Option<bool> {
    #[cfg(target_arch = "x86_64")]
    {
        if !imp::ready() {
            return None;
        }
        const PAGE: usize = 4096;
        let last = start + len - 1;
        if start / PAGE == last / PAGE {
            // One page (every small buffer): one touch.
            return Some(imp::touch(start, access));
        }
        let mut at = start;
        loop {
            if !imp::touch(at, access) {
                return Some(false);
            }
            if at >= last {
                return Some(true);
            }
            at = ((at / PAGE + 1) * PAGE).min(last);
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let _ = (start, len, access);
        None
    }
}
