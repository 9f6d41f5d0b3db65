/*
 * threadpool.c - the classic thread pool as services use it: a callback per signal of an
 * auto-reset event, a one-shot wait that times out, a wait for a child process's exit,
 * UnregisterWaitEx in its three forms, QueueUserWorkItem, and bad arguments.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

static volatile LONG g_fired, g_timeouts;
static HANDLE g_ack;

static VOID CALLBACK OnSignal(PVOID ctx, BOOLEAN timed_out)
{
    if (timed_out)
        InterlockedIncrement(&g_timeouts);
    else
        InterlockedIncrement(&g_fired);
    if (ctx)
        SetEvent((HANDLE)ctx);
}

static HANDLE g_started, g_release;

static VOID CALLBACK Blocking(PVOID ctx, BOOLEAN timed_out)
{
    (void)ctx;
    (void)timed_out;
    SetEvent(g_started);
    WaitForSingleObject(g_release, INFINITE);
}

static DWORD WINAPI Work(LPVOID ctx)
{
    SetEvent((HANDLE)ctx);
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE ev, wait, done, child_wait, tick;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char line[512];
    int i;

    if (argc > 1) {
        Sleep(100);
        return 0;
    }
    g_ack = CreateEventA(NULL, FALSE, FALSE, NULL);

    /* One callback per signal of an auto-reset event. */
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK_OK(RegisterWaitForSingleObject(&wait, ev, OnSignal, g_ack, INFINITE, WT_EXECUTEDEFAULT));
    for (i = 0; i < 3; i++) {
        CHECK(SetEvent(ev));
        CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
    }
    CHECK_EQ(g_fired, 3);
    CHECK_OK(UnregisterWaitEx(wait, INVALID_HANDLE_VALUE)); /* waits for a running callback */
    CHECK(SetEvent(ev));
    Sleep(50);
    CHECK_EQ(g_fired, 3);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0); /* nobody consumed it */

    /* A one-shot wait that times out: TimerOrWaitFired is TRUE, once. */
    tick = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_OK(RegisterWaitForSingleObject(&wait, tick, OnSignal, g_ack, 30, WT_EXECUTEONLYONCE));
    CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);
    Sleep(100);
    CHECK_EQ(g_timeouts, 1);
    done = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_OK(UnregisterWaitEx(wait, done)); /* the event is set once callbacks are over */
    CHECK_EQ(WaitForSingleObject(done, 5000), WAIT_OBJECT_0);

    /* A service waiting for a child process to end. */
    snprintf(line, sizeof line, "\"%s\" child", argv[0]);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_OK(RegisterWaitForSingleObject(&child_wait, pi.hProcess, OnSignal, g_ack, INFINITE,
                                         WT_EXECUTEONLYONCE));
    CHECK_EQ(WaitForSingleObject(g_ack, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_fired, 4);
    CHECK_OK(UnregisterWaitEx(child_wait, INVALID_HANDLE_VALUE));
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Unregistering while a callback runs: ERROR_IO_PENDING, and the callback finishes. */
    g_started = CreateEventA(NULL, FALSE, FALSE, NULL);
    g_release = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK_OK(RegisterWaitForSingleObject(&wait, ev, Blocking, NULL, INFINITE, 0));
    CHECK(SetEvent(ev) || 1); /* ev is still signaled from above: the callback starts */
    CHECK_EQ(WaitForSingleObject(g_started, 5000), WAIT_OBJECT_0);
    CHECK_FAIL(UnregisterWait(wait), FALSE, ERROR_IO_PENDING);
    CHECK(SetEvent(g_release));
    CHECK(SetEvent(ev));
    Sleep(50);
    CHECK_EQ(WaitForSingleObject(g_started, 0), WAIT_TIMEOUT); /* no callback after it */

    /* A work item. */
    CHECK_OK(QueueUserWorkItem(Work, g_ack, WT_EXECUTEDEFAULT));
    CHECK_EQ(WaitForSingleObject(g_ack, 5000), WAIT_OBJECT_0);

    /* Bad arguments. */
    CHECK_FAIL(RegisterWaitForSingleObject(NULL, ev, OnSignal, NULL, INFINITE, 0), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(RegisterWaitForSingleObject(&wait, (HANDLE)(ULONG_PTR)0x7ffc, OnSignal, NULL,
                                           INFINITE, 0),
               FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(UnregisterWait((HANDLE)(ULONG_PTR)0x1234), FALSE, ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    CloseHandle(tick);
    CloseHandle(done);
    return SUMMARY();
}
