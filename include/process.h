/*
 * process.h - the C runtime's thread functions that Win32 programs use with
 * <windows.h>: _beginthreadex and _endthreadex.  Part of the winipc C ABI
 * (see docs/c-abi.md); header-only.
 *
 * _beginthreadex is CreateThread: it returns the thread's HANDLE as a
 * uintptr_t (0 on failure, with errno set to EAGAIN and GetLastError() saying
 * why), which the caller closes with CloseHandle.  _endthreadex is ExitThread.
 * The start routine's return value is the thread's exit code.
 */
#ifndef WINIPC_PROCESS_H
#define WINIPC_PROCESS_H

#include <windows.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#if defined(__cplusplus) && __cplusplus >= 201103L
#  define WINIPC_PROCESS_H_NULL nullptr
#else
#  define WINIPC_PROCESS_H_NULL NULL
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The start routine type of _beginthreadex. */
typedef unsigned (WINAPI *_beginthreadex_proc_type)(void *);

static inline uintptr_t _beginthreadex(void *security, unsigned stack_size,
                                       unsigned (WINAPI *start_address)(void *), void *arglist,
                                       unsigned initflag, unsigned *thrdaddr)
{
    HANDLE h = CreateThread((LPSECURITY_ATTRIBUTES)security, stack_size, start_address,
                            arglist, initflag, thrdaddr);
    if (h == WINIPC_PROCESS_H_NULL)
        errno = EAGAIN;
    return (uintptr_t)h;
}

static inline void _endthreadex(unsigned retval)
{
    ExitThread(retval);
}

/* _beginthread: start_address(arglist) on a new thread whose handle closes itself when the
 * routine returns (as the C runtime's: do not wait on it); -1 on failure (errno EAGAIN or
 * EINVAL). _endthread ends the calling thread (its handle then stays open). */
typedef void (*_beginthread_proc_type)(void *);

struct winipc_beginthread_ {
    void (*start)(void *);
    void *arg;
    HANDLE self;
};

static inline DWORD winipc_beginthread_run_(LPVOID p)
{
    struct winipc_beginthread_ b = *(struct winipc_beginthread_ *)p;
    free(p);
    b.start(b.arg);
    CloseHandle(b.self);
    return 0;
}

static inline uintptr_t _beginthread(void (*start_address)(void *), unsigned stack_size,
                                     void *arglist)
{
    struct winipc_beginthread_ *b;
    HANDLE h;
    if (start_address == WINIPC_PROCESS_H_NULL) {
        errno = EINVAL;
        return (uintptr_t)-1;
    }
    b = (struct winipc_beginthread_ *)malloc(sizeof *b);
    if (b == WINIPC_PROCESS_H_NULL) {
        errno = EAGAIN;
        return (uintptr_t)-1;
    }
    b->start = start_address;
    b->arg = arglist;
    h = CreateThread(WINIPC_PROCESS_H_NULL, stack_size, winipc_beginthread_run_, b,
                     CREATE_SUSPENDED, WINIPC_PROCESS_H_NULL);
    if (h == WINIPC_PROCESS_H_NULL) {
        free(b);
        errno = EAGAIN;
        return (uintptr_t)-1;
    }
    b->self = h;
    ResumeThread(h);
    return (uintptr_t)h;
}

static inline void _endthread(void)
{
    ExitThread(0);
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_PROCESS_H */
