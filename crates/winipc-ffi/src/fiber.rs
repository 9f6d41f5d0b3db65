//! Fibers: `ConvertThreadToFiber(Ex)`, `CreateFiber(Ex)`, `SwitchToFiber`, `DeleteFiber`,
//! `ConvertFiberToThread`, `GetCurrentFiber`, `GetFiberData`, `IsThreadAFiber`, over
//! `makecontext`/`swapcontext` with `mmap`ed stacks (a guard page below each). A fiber runs on
//! whichever thread switches to it, as on Windows; one whose start routine returns ends the
//! thread running it (`ExitThread(0)`), as on Windows.

use std::cell::Cell;
use std::ffi::c_void;
use std::ptr::null_mut;

use crate::util::*;

const ERROR_ALREADY_FIBER: u32 = 1280;
const ERROR_ALREADY_THREAD: u32 = 1281;
const FIBER_FLAG_FLOAT_SWITCH: DWORD = 0x1;

/// `LPFIBER_START_ROUTINE`.
type StartRoutine = unsafe extern "C" fn(*mut c_void);

/// One fiber. The first field is the parameter, so that a `GetFiberData()` written as
/// Windows' macro (`*(PVOID *)GetCurrentFiber()`) reads it too.
#[repr(C)]
struct Fiber {
    param: *mut c_void,
    ctx: libc::ucontext_t,
    /// The mapping holding the stack (guard page first); null for a converted thread.
    stack: *mut c_void,
    stack_len: usize,
    start: Option<StartRoutine>,
    /// The fiber's fiber-local storage while it is not running (`fls`; 0: none).
    fls: u64,
}

thread_local! {
    /// The fiber running on this thread (null: not a fiber).
    static CURRENT: Cell<*mut Fiber> = const { Cell::new(null_mut()) };
}

fn page() -> usize {
    // SAFETY: sysconf takes no pointers.
    let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(p).unwrap_or(4096).max(4096)
}

fn new_fiber(param: *mut c_void) -> *mut Fiber {
    // SAFETY: an all-zero ucontext_t is a valid (empty) value; it is filled by getcontext or
    // swapcontext before it is resumed.
    let ctx = unsafe { std::mem::zeroed::<libc::ucontext_t>() };
    Box::into_raw(Box::new(Fiber {
        param,
        ctx,
        stack: null_mut(),
        stack_len: 0,
        start: None,
        fls: 0,
    }))
}

fn convert(param: *mut c_void, flags: DWORD) -> R<*mut c_void> {
    if flags & !FIBER_FLAG_FLOAT_SWITCH != 0 {
        return Err(invalid_parameter("dwFlags"));
    }
    if !CURRENT.get().is_null() {
        return Err(Fail(ERROR_ALREADY_FIBER));
    }
    let f = new_fiber(param);
    CURRENT.set(f);
    Ok(f.cast())
}

#[unsafe(no_mangle)]
pub extern "C" fn ConvertThreadToFiber(param: *mut c_void) -> *mut c_void {
    ffi(null_mut(), || convert(param, 0))
}

#[unsafe(no_mangle)]
pub extern "C" fn ConvertThreadToFiberEx(param: *mut c_void, flags: DWORD) -> *mut c_void {
    ffi(null_mut(), || convert(param, flags))
}

/// Where every created fiber starts: runs its routine, and ends the thread if it returns.
extern "C-unwind" fn trampoline() {
    let f = CURRENT.get();
    // SAFETY: the fiber being switched to is CURRENT, alive (DeleteFiber of a running fiber
    // ends the thread first), and was made with a start routine.
    let (start, param) = unsafe { ((*f).start, (*f).param) };
    if let Some(start) = start {
        // SAFETY: the application's routine, called as Windows calls it.
        unsafe { start(param) };
    }
    crate::thread::ExitThread(0);
}

fn create(stack_size: usize, start: Option<StartRoutine>, param: *mut c_void) -> R<*mut c_void> {
    let Some(start) = start else {
        return Err(invalid_parameter("lpStartAddress"));
    };
    let pg = page();
    let size = if stack_size == 0 {
        1 << 20
    } else {
        stack_size.max(64 * 1024)
    };
    let len = size.div_ceil(pg).saturating_add(1).saturating_mul(pg);
    // SAFETY: an anonymous private mapping; the result is checked.
    let stack = unsafe {
        libc::mmap(
            null_mut(),
            len,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_STACK,
            -1,
            0,
        )
    };
    if stack == libc::MAP_FAILED {
        return Err(Fail(code::ERROR_NOT_ENOUGH_MEMORY));
    }
    // SAFETY: the first page of the mapping just made; a guard against overflow.
    unsafe { libc::mprotect(stack, pg, libc::PROT_NONE) };
    let f = new_fiber(param);
    // SAFETY: `f` is a fresh, exclusively owned allocation; getcontext fills its context,
    // which then runs `trampoline` on the mapping above the guard page.
    unsafe {
        (*f).stack = stack;
        (*f).stack_len = len;
        (*f).start = Some(start);
        if libc::getcontext(&raw mut (*f).ctx) != 0 {
            drop(Box::from_raw(f));
            libc::munmap(stack, len);
            return Err(std::io::Error::last_os_error().into());
        }
        (*f).ctx.uc_stack.ss_sp = stack.cast::<u8>().add(pg).cast();
        (*f).ctx.uc_stack.ss_size = len - pg;
        (*f).ctx.uc_link = null_mut();
        libc::makecontext(
            &raw mut (*f).ctx,
            std::mem::transmute::<extern "C-unwind" fn(), extern "C" fn()>(trampoline),
            0,
        );
    }
    Ok(f.cast())
}

#[unsafe(no_mangle)]
pub extern "C" fn CreateFiber(
    stack_size: usize,
    start: Option<StartRoutine>,
    param: *mut c_void,
) -> *mut c_void {
    ffi(null_mut(), || create(stack_size, start, param))
}

#[unsafe(no_mangle)]
pub extern "C" fn CreateFiberEx(
    _commit: usize,
    reserve: usize,
    flags: DWORD,
    start: Option<StartRoutine>,
    param: *mut c_void,
) -> *mut c_void {
    ffi(null_mut(), || {
        if flags & !FIBER_FLAG_FLOAT_SWITCH != 0 {
            return Err(invalid_parameter("dwFlags"));
        }
        create(reserve, start, param)
    })
}

/// `SwitchToFiber`: saves the running fiber and resumes `to`. The calling thread must be a
/// fiber and `to` a fiber not running anywhere (as on Windows, where anything else is
/// undefined); a call from a thread that is not a fiber, or to NULL, does nothing.
///
/// # Safety
/// `to` is a fiber from `CreateFiber` or `ConvertThreadToFiber` that is not running.
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn SwitchToFiber(to: *mut c_void) {
    let from = CURRENT.get();
    let to = to.cast::<Fiber>();
    if from.is_null() || to.is_null() || from == to {
        return;
    }
    CURRENT.set(to);
    // SAFETY: both are live fibers (the caller's contract); `from`'s context is saved here
    // and resumed by a later switch back, on whichever thread makes it. Its fiber-local
    // storage goes with it; `to` brings its own.
    unsafe {
        (*from).fls = crate::fls::current();
        crate::fls::set_current((*to).fls);
        libc::swapcontext(&raw mut (*from).ctx, &raw const (*to).ctx);
    }
}

/// `DeleteFiber`: frees a fiber that is not running (its fiber-local storage callbacks run
/// first); deleting the running one ends the thread (`ExitThread(0)`), as on Windows.
///
/// # Safety
/// `f` is a fiber from `CreateFiber`/`ConvertThreadToFiber`, deleted once.
#[unsafe(no_mangle)]
pub unsafe extern "C-unwind" fn DeleteFiber(f: *mut c_void) {
    let f = f.cast::<Fiber>();
    if f.is_null() {
        return;
    }
    if f == CURRENT.get() {
        crate::thread::ExitThread(0);
    }
    // SAFETY: the caller's contract: a fiber not running, owned by us since its creation.
    unsafe {
        let b = Box::from_raw(f);
        crate::fls::release(b.fls);
        if !b.stack.is_null() {
            libc::munmap(b.stack, b.stack_len);
        }
    }
}

/// `ConvertFiberToThread`: the thread stops being a fiber (its fiber is freed).
#[unsafe(no_mangle)]
pub extern "C" fn ConvertFiberToThread() -> BOOL {
    ffi_bool(|| {
        let f = CURRENT.get();
        if f.is_null() {
            return Err(Fail(ERROR_ALREADY_THREAD));
        }
        CURRENT.set(null_mut());
        // SAFETY: the thread's own fiber, running: its stack is the thread's (never mapped
        // here) only if it was converted; a created fiber keeps its mapping until deleted.
        unsafe {
            if (*f).stack.is_null() {
                drop(Box::from_raw(f));
            }
        }
        Ok(())
    })
}

#[unsafe(no_mangle)]
pub extern "C" fn GetCurrentFiber() -> *mut c_void {
    CURRENT.get().cast()
}

#[unsafe(no_mangle)]
pub extern "C" fn GetFiberData() -> *mut c_void {
    let f = CURRENT.get();
    if f.is_null() {
        return null_mut();
    }
    // SAFETY: the running fiber is alive.
    unsafe { (*f).param }
}

#[unsafe(no_mangle)]
pub extern "C" fn IsThreadAFiber() -> BOOL {
    BOOL::from(!CURRENT.get().is_null())
}
