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

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_PROCESS_H */
