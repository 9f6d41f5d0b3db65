/*
 * threadpoolapiset.h - part of the winipc C ABI (see docs/c-abi.md): the thread pool of
 * Vista and later - work objects, waits and timers whose callbacks run on a pool of worker
 * threads. <windows.h> includes it.
 *
 * One process-wide pool runs every callback: the callback environment (a private pool, a
 * priority, a cleanup group) is accepted and ignored; cleanup groups are not provided.
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

/* The callback environment: filled by the inline functions below, as in the SDK; winipc
   runs every callback on its one pool whatever it says. */
typedef struct _TP_CALLBACK_ENVIRON_V3 {
    DWORD Version;
    PTP_POOL Pool;
    PTP_CLEANUP_GROUP CleanupGroup;
    PVOID CleanupGroupCancelCallback;
    PVOID RaceDll;
    PVOID ActivationContext;
    PVOID FinalizationCallback;
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
static __inline VOID SetThreadpoolCallbackRunsLong(PTP_CALLBACK_ENVIRON cbe)
{
    cbe->Flags |= 1;
}
static __inline VOID SetThreadpoolCallbackPriority(PTP_CALLBACK_ENVIRON cbe,
                                                   TP_CALLBACK_PRIORITY priority)
{
    cbe->CallbackPriority = priority;
}

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
