/*
 * tpool.c - the thread pool of Vista and later: work objects (many submissions, waiting for
 * and cancelling callbacks), waits (one-shot, re-armed, timing out, on a child process),
 * timers (one-shot and periodic, cancelled), instance actions and simple callbacks.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

static volatile LONG g_work, g_waits, g_timeouts, g_ticks, g_simple;
static HANDLE g_ack;

static VOID CALLBACK WorkCb(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WORK work)
{
    (void)inst;
    (void)work;
    if (ctx)
        Sleep(*(DWORD *)ctx);
    InterlockedIncrement(&g_work);
}

static VOID CALLBACK WaitCb(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_WAIT wait,
                            TP_WAIT_RESULT result)
{
    (void)ctx;
    (void)wait;
    if (result == WAIT_TIMEOUT)
        InterlockedIncrement(&g_timeouts);
    else if (result == WAIT_OBJECT_0)
        InterlockedIncrement(&g_waits);
    SetEventWhenCallbackReturns(inst, g_ack);
}

static VOID CALLBACK TimerCb(PTP_CALLBACK_INSTANCE inst, PVOID ctx, PTP_TIMER timer)
{
    (void)inst;
    (void)ctx;
    (void)timer;
    InterlockedIncrement(&g_ticks);
}

static VOID CALLBACK SimpleCb(PTP_CALLBACK_INSTANCE inst, PVOID ctx)
{
    InterlockedIncrement(&g_simple);
    SetEventWhenCallbackReturns(inst, (HANDLE)ctx);
}

static void Relative(FILETIME *ft, LONGLONG ms)
{
    ULARGE_INTEGER u;
    u.QuadPart = (ULONGLONG)(-ms * 10000);
    ft->dwLowDateTime = u.LowPart;
    ft->dwHighDateTime = u.HighPart;
}

int main(int argc, char **argv)
{
    PTP_WORK work;
    PTP_WAIT wait;
    PTP_TIMER timer;
    HANDLE ev;
    FILETIME ft;
    TP_CALLBACK_ENVIRON env;
    DWORD slow = 20;
    LONG seen;
    int i;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char line[512];

    if (argc > 1) {
        Sleep(100);
        return 3;
    }
    g_ack = CreateEventA(NULL, FALSE, FALSE, NULL);
    InitializeThreadpoolEnvironment(&env);

    /* Work: 100 submissions, all run; then cancelling pending ones. */
    work = CreateThreadpoolWork(WorkCb, NULL, &env);
    CHECK(work != NULL);
    for (i = 0; i < 100; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, FALSE);
    CHECK_EQ(g_work, 100);
    CloseThreadpoolWork(work);
    g_work = 0;
    work = CreateThreadpoolWork(WorkCb, &slow, NULL);
    for (i = 0; i < 200; i++)
        SubmitThreadpoolWork(work);
    WaitForThreadpoolWorkCallbacks(work, TRUE);
    seen = g_work;
    CHECK(seen < 200);
    Sleep(100);
    CHECK_EQ(g_work, seen); /* nothing ran after the wait */
    CloseThreadpoolWork(work);

    /* A wait fires once per SetThreadpoolWait. */
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    wait = CreateThreadpoolWait(WaitCb, NULL, NULL);
    CHECK(wait != NULL);
    SetThreadpoolWait(wait, ev, NULL);
    CHECK(SetEvent(ev));
    CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_waits, 1);
    CHECK(SetEvent(ev)); /* not re-armed: nobody takes it */
    Sleep(50);
    CHECK_EQ(g_waits, 1);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    /* Re-armed with a timeout that expires. */
    Relative(&ft, 30);
    SetThreadpoolWait(wait, ev, &ft);
    CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_timeouts, 1);
    /* Cancelled before it fires. */
    SetThreadpoolWait(wait, ev, NULL);
    SetThreadpoolWait(wait, NULL, NULL);
    CHECK(SetEvent(ev));
    Sleep(50);
    CHECK_EQ(g_waits, 1);
    /* A child process's exit. */
    snprintf(line, sizeof line, "\"%s\" child", argv[0]);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    SetThreadpoolWait(wait, pi.hProcess, NULL);
    CHECK_EQ(WaitForSingleObject(g_ack, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_waits, 2);
    WaitForThreadpoolWaitCallbacks(wait, FALSE);
    CloseThreadpoolWait(wait);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Timers: one-shot, periodic, cancelled. */
    timer = CreateThreadpoolTimer(TimerCb, NULL, NULL);
    CHECK(timer != NULL && !IsThreadpoolTimerSet(timer));
    Relative(&ft, 20);
    SetThreadpoolTimer(timer, &ft, 0, 0);
    CHECK(IsThreadpoolTimerSet(timer));
    Sleep(150);
    CHECK_EQ(g_ticks, 1);
    CHECK(!IsThreadpoolTimerSet(timer));
    Relative(&ft, 10);
    SetThreadpoolTimer(timer, &ft, 10, 0);
    for (i = 0; i < 100 && g_ticks < 5; i++)
        Sleep(10);
    CHECK(g_ticks >= 5);
    SetThreadpoolTimer(timer, NULL, 0, 0);
    WaitForThreadpoolTimerCallbacks(timer, TRUE);
    seen = g_ticks;
    Sleep(60);
    CHECK_EQ(g_ticks, seen);
    CloseThreadpoolTimer(timer);

    /* A simple callback. */
    CHECK_OK(TrySubmitThreadpoolCallback(SimpleCb, g_ack, NULL));
    CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_simple, 1);
    DestroyThreadpoolEnvironment(&env);

    /* A private pool and a cleanup group: its members are waited for and closed together. */
    {
        PTP_POOL pool = CreateThreadpool(NULL);
        PTP_CLEANUP_GROUP cg = CreateThreadpoolCleanupGroup();
        PTP_WORK w2;
        PTP_TIMER t2;
        TP_CALLBACK_ENVIRON env2;
        DWORD long_ms = 200;
        CHECK(pool != NULL);
        CHECK(cg != NULL);
        SetThreadpoolThreadMaximum(pool, 4);
        CHECK_OK(SetThreadpoolThreadMinimum(pool, 1));
        InitializeThreadpoolEnvironment(&env2);
        SetThreadpoolCallbackPool(&env2, pool);
        SetThreadpoolCallbackCleanupGroup(&env2, cg, NULL);
        g_work = 0;
        g_ticks = 0;
        w2 = CreateThreadpoolWork(WorkCb, &long_ms, &env2);
        t2 = CreateThreadpoolTimer(TimerCb, NULL, &env2);
        CHECK(w2 != NULL && t2 != NULL);
        SubmitThreadpoolWork(w2);
        SubmitThreadpoolWork(w2);
        Relative(&ft, 10);
        SetThreadpoolTimer(t2, &ft, 10, 0);
        CHECK_OK(TrySubmitThreadpoolCallback(SimpleCb, g_ack, &env2));
        Sleep(50);
        /* Waits for the two 200 ms work callbacks, stops the timer, closes both objects. */
        CloseThreadpoolCleanupGroupMembers(cg, FALSE, NULL);
        CHECK_EQ(g_work, 2);
        CHECK(g_ticks >= 1);
        CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
        seen = g_ticks;
        Sleep(60);
        CHECK_EQ(g_ticks, seen);
        /* An empty group, a member closed by hand first. */
        w2 = CreateThreadpoolWork(WorkCb, NULL, &env2);
        CloseThreadpoolWork(w2);
        CloseThreadpoolCleanupGroupMembers(cg, TRUE, NULL);
        CloseThreadpoolCleanupGroup(cg);
        CloseThreadpool(pool);
        DestroyThreadpoolEnvironment(&env2);
    }
    CloseHandle(ev);
    return SUMMARY();
}
