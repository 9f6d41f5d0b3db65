/*
 * apc.c - QueueUserAPC and alertable waits (SleepEx, WaitForSingleObjectEx,
 * WaitForMultipleObjectsEx, SignalObjectAndWait), waitable-timer completion routines, and the
 * Create*Ex constructors.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

static volatile LONG g_apcs;
static volatile LONG g_sum;
static volatile LONG g_timer_calls;
static DWORD g_apc_thread;

static VOID NTAPI Apc(ULONG_PTR data)
{
    InterlockedIncrement(&g_apcs);
    InterlockedExchangeAdd(&g_sum, (LONG)data);
    g_apc_thread = GetCurrentThreadId();
}

static VOID CALLBACK TimerRoutine(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)lo;
    InterlockedIncrement(&g_timer_calls);
    if (hi == 0)
        InterlockedIncrement((volatile LONG *)arg); /* a FILETIME has a high part */
}

/* A thread that waits alertably on an event and reports what the wait returned. */
static DWORD WINAPI AlertableWaiter(LPVOID p)
{
    return WaitForSingleObjectEx((HANDLE)p, 10000, TRUE);
}

int main(void)
{
    HANDLE ev, ev2, th, hs[2], tmr, h, m, sem;
    DWORD r, code, tid;
    LARGE_INTEGER due;
    LONG bad = 0;
    int i;

    /* ---- SleepEx and pending APCs ---- */
    CHECK_EQ(SleepEx(0, TRUE), 0);
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 5), 1);
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 7), 1);
    CHECK_EQ(g_apcs, 0); /* not before an alertable wait */
    Sleep(10);
    CHECK_EQ(g_apcs, 0); /* Sleep is not alertable */
    CHECK_EQ(SleepEx(1000, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_apcs, 2);
    CHECK_EQ(g_sum, 12);
    CHECK_EQ(g_apc_thread, GetCurrentThreadId());
    CHECK_EQ(SleepEx(20, TRUE), 0); /* nothing queued: the full time */
    CHECK_FAIL(QueueUserAPC(NULL, GetCurrentThread(), 0), 0, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(QueueUserAPC(Apc, GetCurrentProcess(), 0), 0, ERROR_INVALID_HANDLE);

    /* ---- an APC queued to a thread blocked in an alertable wait ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    g_apcs = 0;
    th = CreateThread(NULL, 0, AlertableWaiter, ev, 0, &tid);
    Sleep(50);
    CHECK_EQ(QueueUserAPC(Apc, th, 1), 1);
    CHECK_EQ(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(th, &code));
    CHECK_EQ(code, WAIT_IO_COMPLETION);
    CHECK_EQ(g_apcs, 1);
    CHECK_EQ(g_apc_thread, tid);
    CloseHandle(th);
    CHECK_FAIL(QueueUserAPC(Apc, th, 1), 0, ERROR_INVALID_HANDLE);

    /* A signaled object wins over a pending APC; the APC stays queued. */
    SetEvent(ev);
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(WaitForSingleObjectEx(ev, 0, TRUE), WAIT_OBJECT_0);
    CHECK_EQ(g_apcs, 1);
    ResetEvent(ev);
    CHECK_EQ(WaitForSingleObjectEx(ev, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_apcs, 2);
    CHECK_EQ(WaitForSingleObjectEx(ev, 10, TRUE), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObjectEx(ev, 10, FALSE), WAIT_TIMEOUT);

    /* WaitForMultipleObjectsEx, wait-any and wait-all. */
    ev2 = CreateEventA(NULL, FALSE, FALSE, NULL);
    hs[0] = ev;
    hs[1] = ev2;
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(WaitForMultipleObjectsEx(2, hs, FALSE, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(WaitForMultipleObjectsEx(2, hs, TRUE, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_apcs, 4);
    SetEvent(ev2);
    CHECK_EQ(WaitForMultipleObjectsEx(2, hs, FALSE, 0, TRUE), WAIT_OBJECT_0 + 1);
    CHECK_EQ(WaitForMultipleObjectsEx(2, hs, FALSE, 10, FALSE), WAIT_TIMEOUT);
    /* An alerted wait-all acquired nothing: the auto-reset event is still set. */
    SetEvent(ev2);
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(WaitForMultipleObjectsEx(2, hs, TRUE, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(WaitForSingleObject(ev2, 0), WAIT_OBJECT_0);

    /* SignalObjectAndWait with bAlertable. */
    CHECK_EQ(QueueUserAPC(Apc, GetCurrentThread(), 1), 1);
    CHECK_EQ(SignalObjectAndWait(ev2, ev, INFINITE, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(WaitForSingleObject(ev2, 0), WAIT_OBJECT_0); /* it was signaled first */
    CHECK_EQ(SignalObjectAndWait(ev2, ev, 10, FALSE), WAIT_TIMEOUT);

    /* ---- waitable-timer completion routines ---- */
    g_timer_calls = 0;
    tmr = CreateWaitableTimerA(NULL, FALSE, NULL);
    due.QuadPart = -200000; /* 20 ms */
    CHECK_OK(SetWaitableTimer(tmr, &due, 30, TimerRoutine, (LPVOID)&bad, FALSE));
    for (i = 0; i < 3; i++)
        CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CHECK(g_timer_calls >= 3);
    CHECK_EQ(bad, 0);
    CHECK_OK(CancelWaitableTimer(tmr));
    Sleep(80);
    SleepEx(0, TRUE); /* runs anything queued before the cancel */
    r = (DWORD)g_timer_calls;
    CHECK_EQ(SleepEx(100, TRUE), 0); /* no more calls once cancelled */
    CHECK_EQ((DWORD)g_timer_calls, r);
    /* The timer object is still signaled for ordinary waiters. */
    due.QuadPart = -100000;
    CHECK_OK(SetWaitableTimer(tmr, &due, 0, TimerRoutine, (LPVOID)&bad, FALSE));
    CHECK_EQ(WaitForSingleObject(tmr, 5000), WAIT_OBJECT_0);
    CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CloseHandle(tmr);

    /* ---- Create*Ex ---- */
    h = CreateEventEx(NULL, NULL, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
                      EVENT_ALL_ACCESS);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* manual reset */
    CloseHandle(h);
    h = CreateEventExA(NULL, NULL, 0, SYNCHRONIZE);
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    CHECK_FAIL(CreateEventExA(NULL, NULL, 4, EVENT_ALL_ACCESS), HANDLE_FAIL,
               ERROR_INVALID_PARAMETER);
    m = CreateMutexEx(NULL, NULL, CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(m);
    sem = CreateSemaphoreEx(NULL, 1, 2, NULL, 0, SEMAPHORE_ALL_ACCESS);
    CHECK_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    CloseHandle(sem);
    tmr = CreateWaitableTimerEx(NULL, NULL, CREATE_WAITABLE_TIMER_MANUAL_RESET,
                                TIMER_ALL_ACCESS);
    due.QuadPart = -10000;
    CHECK_OK(SetWaitableTimer(tmr, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(tmr, 5000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(tmr, 0), WAIT_OBJECT_0); /* manual reset */
    CloseHandle(tmr);
    h = CreateEventExA(NULL, uniq("evx14"), 0, EVENT_ALL_ACCESS);
    CHECK_EQ(GetLastError(), 0);
    CloseHandle(h);

    CloseHandle(ev);
    CloseHandle(ev2);
    return SUMMARY();
}
