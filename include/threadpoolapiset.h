/*
 * threadpoolapiset.h - part of the winipc C ABI (see docs/c-abi.md): the thread pool of
 * Vista and later - work objects, waits and timers whose callbacks run on a pool of worker
 * threads. <windows.h> includes it.
 *
 * One process-wide pool runs every callback: a private pool and a priority in the callback
 * environment are accepted and ignored; cleanup groups close their objects together.
 */
#ifndef WINIPC_THREADPOOLAPISET_H
#define WINIPC_THREADPOOLAPISET_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _TP_WORK TP_WORK, *PTP_WORK;
typedef struct _TP_WAIT TP_WAIT, *PTP_WAIT;
typedef struct _TP_TIMER TP_TIMER, *PTP_TIMER;
typedef struct _TP_CALLBACK_INSTANCE TP_CALLBACK_INSTANCE, *PTP_CALLBACK_INSTANCE;
typedef struct _TP_POOL TP_POOL, *PTP_POOL;
typedef struct _TP_CLEANUP_GROUP TP_CLEANUP_GROUP, *PTP_CLEANUP_GROUP;
typedef DWORD TP_WAIT_RESULT;

typedef VOID (NTAPI *PTP_SIMPLE_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context);
typedef VOID (NTAPI *PTP_WORK_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context,
                                        PTP_WORK Work);
typedef VOID (NTAPI *PTP_WAIT_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context,
                                        PTP_WAIT Wait, TP_WAIT_RESULT WaitResult);
typedef VOID (NTAPI *PTP_TIMER_CALLBACK)(PTP_CALLBACK_INSTANCE Instance, PVOID Context,
                                         PTP_TIMER Timer);

typedef enum _TP_CALLBACK_PRIORITY {
    TP_CALLBACK_PRIORITY_HIGH,
    TP_CALLBACK_PRIORITY_NORMAL,
    TP_CALLBACK_PRIORITY_LOW,
    TP_CALLBACK_PRIORITY_INVALID,
    TP_CALLBACK_PRIORITY_COUNT = TP_CALLBACK_PRIORITY_INVALID
} TP_CALLBACK_PRIORITY;

typedef VOID (NTAPI *PTP_CLEANUP_GROUP_CANCEL_CALLBACK)(PVOID ObjectContext,
                                                       PVOID CleanupContext);

/* The callback environment: filled by the inline functions below, as in the SDK; winipc
   runs every callback on its one pool whatever it says, and reads the cleanup group. */
typedef struct _TP_CALLBACK_ENVIRON_V3 {
    DWORD Version;
    PTP_POOL Pool;
    PTP_CLEANUP_GROUP CleanupGroup;
    PTP_CLEANUP_GROUP_CANCEL_CALLBACK CleanupGroupCancelCallback;
    PVOID RaceDll;
    PVOID ActivationContext;
    PTP_SIMPLE_CALLBACK FinalizationCallback;
    DWORD Flags;
    TP_CALLBACK_PRIORITY CallbackPriority;
    DWORD Size;
} TP_CALLBACK_ENVIRON_V3, TP_CALLBACK_ENVIRON, *PTP_CALLBACK_ENVIRON;

static __inline VOID InitializeThreadpoolEnvironment(PTP_CALLBACK_ENVIRON cbe)
{
    memset(cbe, 0, sizeof *cbe);
    cbe->Version = 3;
    cbe->CallbackPriority = TP_CALLBACK_PRIORITY_NORMAL;
    cbe->Size = sizeof *cbe;
}
static __inline VOID DestroyThreadpoolEnvironment(PTP_CALLBACK_ENVIRON cbe) { (void)cbe; }
static __inline VOID SetThreadpoolCallbackPool(PTP_CALLBACK_ENVIRON cbe, PTP_POOL pool)
{
    cbe->Pool = pool;
}
static __inline VOID SetThreadpoolCallbackCleanupGroup(PTP_CALLBACK_ENVIRON cbe,
                                                      PTP_CLEANUP_GROUP ptpcg,
                                                      PTP_CLEANUP_GROUP_CANCEL_CALLBACK pfng)
{
    cbe->CleanupGroup = ptpcg;
    cbe->CleanupGroupCancelCallback = pfng;
}
static __inline VOID SetThreadpoolCallbackLibrary(PTP_CALLBACK_ENVIRON cbe, PVOID mod)
{
    cbe->RaceDll = mod;
}
static __inline VOID SetThreadpoolCallbackPersistent(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->Flags |= 2;
}
static __inline VOID SetThreadpoolCallbackRunsLong(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->Flags |= 1;
}
static __inline VOID SetThreadpoolCallbackPriority(PTP_CALLBACK_ENVIRON cbe,
                                                   TP_CALLBACK_PRIORITY priority)
{
    cbe->CallbackPriority = priority;
}

/* Pools: callbacks run on the one process-wide pool; a private pool is accepted (its
   thread limits too) and changes nothing. */
WINBASEAPI PTP_POOL WINAPI CreateThreadpool(PVOID reserved);
WINBASEAPI VOID WINAPI SetThreadpoolThreadMaximum(PTP_POOL ptpp, DWORD cthrdMost);
WINBASEAPI BOOL WINAPI SetThreadpoolThreadMinimum(PTP_POOL ptpp, DWORD cthrdMic);
WINBASEAPI VOID WINAPI CloseThreadpool(PTP_POOL ptpp);
/* Cleanup groups: the objects created with an environment naming the group are closed
   together (their callbacks waited for, or the queued ones cancelled). */
WINBASEAPI PTP_CLEANUP_GROUP WINAPI CreateThreadpoolCleanupGroup(void);
WINBASEAPI VOID WINAPI CloseThreadpoolCleanupGroupMembers(PTP_CLEANUP_GROUP ptpcg,
                                                          BOOL fCancelPendingCallbacks,
                                                          PVOID pvCleanupContext);
WINBASEAPI VOID WINAPI CloseThreadpoolCleanupGroup(PTP_CLEANUP_GROUP ptpcg);

WINBASEAPI PTP_WORK WINAPI CreateThreadpoolWork(PTP_WORK_CALLBACK pfnwk, PVOID pv,
                                                PTP_CALLBACK_ENVIRON pcbe);
WINBASEAPI VOID WINAPI SubmitThreadpoolWork(PTP_WORK pwk);
WINBASEAPI VOID WINAPI WaitForThreadpoolWorkCallbacks(PTP_WORK pwk, BOOL fCancelPendingCallbacks);
WINBASEAPI VOID WINAPI CloseThreadpoolWork(PTP_WORK pwk);
WINBASEAPI BOOL WINAPI TrySubmitThreadpoolCallback(PTP_SIMPLE_CALLBACK pfns, PVOID pv,
                                                   PTP_CALLBACK_ENVIRON pcbe);

WINBASEAPI PTP_WAIT WINAPI CreateThreadpoolWait(PTP_WAIT_CALLBACK pfnwa, PVOID pv,
                                                PTP_CALLBACK_ENVIRON pcbe);
WINBASEAPI VOID WINAPI SetThreadpoolWait(PTP_WAIT pwa, HANDLE h, PFILETIME pftTimeout);
WINBASEAPI VOID WINAPI WaitForThreadpoolWaitCallbacks(PTP_WAIT pwa, BOOL fCancelPendingCallbacks);
WINBASEAPI VOID WINAPI CloseThreadpoolWait(PTP_WAIT pwa);

WINBASEAPI PTP_TIMER WINAPI CreateThreadpoolTimer(PTP_TIMER_CALLBACK pfnti, PVOID pv,
                                                  PTP_CALLBACK_ENVIRON pcbe);
WINBASEAPI VOID WINAPI SetThreadpoolTimer(PTP_TIMER pti, PFILETIME pftDueTime, DWORD msPeriod,
                                          DWORD msWindowLength);
WINBASEAPI BOOL WINAPI IsThreadpoolTimerSet(PTP_TIMER pti);
WINBASEAPI VOID WINAPI WaitForThreadpoolTimerCallbacks(PTP_TIMER pti, BOOL fCancelPendingCallbacks);
WINBASEAPI VOID WINAPI CloseThreadpoolTimer(PTP_TIMER pti);

WINBASEAPI VOID WINAPI SetEventWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE evt);
WINBASEAPI VOID WINAPI ReleaseMutexWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE mut);
WINBASEAPI VOID WINAPI ReleaseSemaphoreWhenCallbackReturns(PTP_CALLBACK_INSTANCE pci, HANDLE sem,
                                                           DWORD crel);
WINBASEAPI BOOL WINAPI CallbackMayRunLong(PTP_CALLBACK_INSTANCE pci);
WINBASEAPI VOID WINAPI DisassociateCurrentThreadFromCallback(PTP_CALLBACK_INSTANCE pci);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_THREADPOOLAPISET_H */
