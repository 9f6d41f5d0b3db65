/*
 * winipc_fd.h - readiness descriptors: waitable handles and file descriptors in
 * one wait (winipc only; there is no Win32 equivalent).
 *
 *     int    winipc_handle_fd(HANDLE h);
 *         A descriptor that is readable while h's object is signaled (an event
 *         set, a semaphore with a count, an unowned mutex, an exited process or
 *         thread, a mailslot with a queued message, a due timer), for poll(),
 *         select() or epoll.  Polling it acquires nothing: call
 *         WaitForSingleObject(h, 0) to acquire; if that returns WAIT_TIMEOUT
 *         (someone was faster), poll again.  Readiness follows the object with
 *         a short delay (the library's bridge thread updates it).  The
 *         descriptor belongs to the library: do not close or read it; it stays
 *         valid until CloseHandle(h).  Repeated calls return the same one.
 *         Returns -1 on failure (GetLastError()).
 *
 *     HANDLE winipc_fd_handle(int fd);
 *         A handle that is signaled while fd is readable (a socket with data
 *         or a pending connection, a pipe, an eventfd), usable in
 *         WaitForSingleObject/WaitForMultipleObjects beside any other handle.
 *         A wait on it consumes nothing: read from fd to make it unsignaled.
 *         The handle keeps its own duplicate of fd until CloseHandle.  It
 *         belongs to this process: DuplicateHandle into another process fails
 *         with ERROR_NOT_SUPPORTED, and SetEvent on it with
 *         ERROR_ACCESS_DENIED.  Returns NULL on failure (GetLastError()).
 *
 * Cost (docs/decisions/0013-readiness-fds.md): one bridge thread per process,
 * one eventfd per object given a descriptor; a descriptor's handle costs an
 * unnamed object and one epoll registration in the monitor thread.
 */
#ifndef WINIPC_FD_H
#define WINIPC_FD_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

int winipc_handle_fd(HANDLE h);
HANDLE winipc_fd_handle(int fd);

#ifdef __cplusplus
}
#endif

#endif /* WINIPC_FD_H */
