/*
 * threadpoollegacyapiset.h - part of the winipc C ABI (see docs/c-abi.md): the classic
 * thread pool's waits and work items (RegisterWaitForSingleObject, UnregisterWait(Ex),
 * QueueUserWorkItem) and timer queues. <windows.h> includes it.
 */
#ifndef WINIPC_THREADPOOLLEGACYAPISET_H
#define WINIPC_THREADPOOLLEGACYAPISET_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef VOID (NTAPI *WAITORTIMERCALLBACKFUNC)(PVOID lpParameter, BOOLEAN TimerOrWaitFired);
typedef WAITORTIMERCALLBACKFUNC WAITORTIMERCALLBACK;

#ifndef ERROR_IO_PENDING
#  define ERROR_IO_PENDING 997 /* UnregisterWait while a callback runs */
#endif

#define WT_EXECUTEDEFAULT            0x00000000
#define WT_EXECUTEINIOTHREAD         0x00000001
#define WT_EXECUTEINWAITTHREAD       0x00000004
#define WT_EXECUTEONLYONCE           0x00000008
#define WT_EXECUTELONGFUNCTION       0x00000010
#define WT_EXECUTEINPERSISTENTTHREAD 0x00000080
#define WT_TRANSFER_IMPERSONATION    0x00000100

/* Each registered wait has a thread of its own, which runs its callbacks (one at a time). */
WINBASEAPI BOOL WINAPI RegisterWaitForSingleObject(PHANDLE phNewWaitObject, HANDLE hObject,
                                                   WAITORTIMERCALLBACK Callback, PVOID Context,
                                                   ULONG dwMilliseconds, ULONG dwFlags);
WINBASEAPI BOOL WINAPI UnregisterWait(HANDLE WaitHandle);
WINBASEAPI BOOL WINAPI UnregisterWaitEx(HANDLE WaitHandle, HANDLE CompletionEvent);
/* Each work item runs on a thread of its own. */
WINBASEAPI BOOL WINAPI QueueUserWorkItem(LPTHREAD_START_ROUTINE Function, PVOID Context,
                                         ULONG Flags);

/* Timer queues. A timer's callback gets TimerOrWaitFired = TRUE; it runs on a worker of the
 * process's thread pool (WT_EXECUTEINTIMERTHREAD: on the timer's own thread). NULL is the
 * default queue. DeleteTimerQueueTimer's CompletionEvent: INVALID_HANDLE_VALUE waits for
 * running callbacks, NULL does not (FALSE + ERROR_IO_PENDING while one runs), an event is
 * set once they are over. */
#define WT_EXECUTEINTIMERTHREAD      0x00000020
WINBASEAPI HANDLE WINAPI CreateTimerQueue(void);
WINBASEAPI BOOL WINAPI CreateTimerQueueTimer(PHANDLE phNewTimer, HANDLE TimerQueue,
                                             WAITORTIMERCALLBACK Callback, PVOID Parameter,
                                             DWORD DueTime, DWORD Period, ULONG Flags);
WINBASEAPI BOOL WINAPI ChangeTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer, ULONG DueTime,
                                             ULONG Period);
WINBASEAPI BOOL WINAPI DeleteTimerQueueTimer(HANDLE TimerQueue, HANDLE Timer,
                                             HANDLE CompletionEvent);
WINBASEAPI BOOL WINAPI DeleteTimerQueueEx(HANDLE TimerQueue, HANDLE CompletionEvent);
WINBASEAPI BOOL WINAPI DeleteTimerQueue(HANDLE TimerQueue);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_THREADPOOLLEGACYAPISET_H */
