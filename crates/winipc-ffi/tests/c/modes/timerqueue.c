/*
 * timerqueue.c - timer queues as Windows documents them and Wine's conformance tests check
 * them: one-shot, periodic and late timers; ChangeTimerQueueTimer before and after a one-shot
 * fired; DeleteTimerQueueTimer with NULL / an event / INVALID_HANDLE_VALUE and from inside
 * the callback (ERROR_IO_PENDING); DeleteTimerQueueEx; the default queue; a NULL callback;
 * WT_EXECUTEINTIMERTHREAD; bad handles.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

static volatile LONG g_bad_flag;

static VOID CALLBACK Count(PVOID p, BOOLEAN fired)
{
    if (!fired)
        InterlockedIncrement(&g_bad_flag);
    if (p)
        InterlockedIncrement((LONG volatile *)p);
}

static VOID CALLBACK SleepCb(PVOID p, BOOLEAN fired)
{
    (void)fired;
    Sleep((DWORD)(ULONG_PTR)p);
}

struct selfdel {
    HANDLE q, t;
    volatile LONG calls, max;
    volatile LONG ok;
};

/* Deletes its own timer from the callback when it has run `max` times. */
static VOID CALLBACK SelfDelete(PVOID p, BOOLEAN fired)
{
    struct selfdel *d = (struct selfdel *)p;
    (void)fired;
    if (!d->t)
        return;
    if (InterlockedIncrement(&d->calls) == d->max) {
        BOOL r;
        SetLastError(0xdeadbeef);
        r = DeleteTimerQueueTimer(d->q, d->t, NULL);
        d->ok = !r && GetLastError() == ERROR_IO_PENDING;
    }
}

/* Turns its periodic timer into a far one-shot when it has run `max` times. */
static VOID CALLBACK SelfChange(PVOID p, BOOLEAN fired)
{
    struct selfdel *d = (struct selfdel *)p;
    (void)fired;
    if (!d->t)
        return;
    if (InterlockedIncrement(&d->calls) == d->max)
        d->ok = ChangeTimerQueueTimer(d->q, d->t, 10000, 0);
}

/* A one-shot that tries to re-arm itself: after it fired it cannot be restarted. */
static VOID CALLBACK Rearm(PVOID p, BOOLEAN fired)
{
    struct selfdel *d = (struct selfdel *)p;
    (void)fired;
    if (!d->t)
        return;
    d->ok = ChangeTimerQueueTimer(d->q, d->t, 50, 0);
    InterlockedIncrement(&d->calls);
}

static volatile DWORD g_cb_tid;

static VOID CALLBACK WhichThread(PVOID p, BOOLEAN fired)
{
    (void)fired;
    g_cb_tid = GetCurrentThreadId();
    SetEvent((HANDLE)p);
}

int main(void)
{
    HANDLE q, t0, t1, t2, t3, t4, t5, ev, ev2;
    LONG n0 = 0, n1 = 0, n2 = 0, n3 = 0, n4 = 0, n5 = 0;
    struct selfdel d2, d3, d4;
    BOOL r;

    /* An empty queue deleted at once. */
    q = CreateTimerQueue();
    CHECK(q != NULL);
    CHECK_OK(DeleteTimerQueueEx(q, NULL));

    /* One-shot, slow and fast periodic, late, and once-then-far timers. A timer due at once
       deleted at once: its callback was already queued, so it is outstanding (and runs). */
    q = CreateTimerQueue();
    CHECK(q != NULL);
    CHECK_OK(CreateTimerQueueTimer(&t0, q, Count, &n0, 0, 300, 0));
    SetLastError(0xdeadbeef);
    r = DeleteTimerQueueTimer(q, t0, NULL);
    /* FALSE + ERROR_IO_PENDING, unless the callback is already over (it is fast). */
    CHECK(r ? n0 == 1 : GetLastError() == ERROR_IO_PENDING);
    CHECK_OK(CreateTimerQueueTimer(&t1, q, Count, &n1, 0, 0, WT_EXECUTEONLYONCE));
    CHECK_OK(CreateTimerQueueTimer(&t2, q, Count, &n2, 0, 100, 0));
    CHECK_OK(CreateTimerQueueTimer(&t3, q, Count, &n3, 0, 10, WT_EXECUTELONGFUNCTION));
    CHECK_OK(CreateTimerQueueTimer(&t4, q, Count, &n4, 10000, 10, 0));
    CHECK_OK(CreateTimerQueueTimer(&t5, q, Count, &n5, 0, 10000, 0));
    Sleep(350);
    CHECK_OK(DeleteTimerQueueTimer(q, t1, INVALID_HANDLE_VALUE));
    CHECK_OK(DeleteTimerQueueTimer(q, t2, INVALID_HANDLE_VALUE));
    /* A deleted timer's handle is no longer valid. */
    CHECK_FAIL(DeleteTimerQueueTimer(q, t2, INVALID_HANDLE_VALUE), FALSE, ERROR_INVALID_HANDLE);
    CHECK_OK(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    CHECK_EQ(n0, 1); /* once, though its period is 300 ms */
    CHECK_EQ(n1, 1);
    CHECK(n2 >= 3 && n2 <= 5);
    CHECK(n3 > n2);
    CHECK_EQ(n4, 0);
    CHECK_EQ(n5, 1);
    CHECK_EQ(g_bad_flag, 0);
    /* The queue is gone. */
    CHECK_FAIL(DeleteTimerQueueEx(q, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CreateTimerQueueTimer(&t1, q, Count, &n1, 0, 0, 0), FALSE, ERROR_INVALID_HANDLE);

    /* Deletion while callbacks run: NULL -> ERROR_IO_PENDING; an event is set when done. */
    ev = CreateEvent(NULL, FALSE, FALSE, NULL);
    ev2 = CreateEvent(NULL, FALSE, FALSE, NULL);
    q = CreateTimerQueue();
    CHECK_OK(CreateTimerQueueTimer(&t1, q, SleepCb, NULL, 0, 0, 0));
    CHECK_OK(CreateTimerQueueTimer(&t2, q, SleepCb, (PVOID)(ULONG_PTR)600, 0, 0, 0));
    CHECK_OK(CreateTimerQueueTimer(&t3, q, SleepCb, NULL, 0, 0, 0));
    CHECK_OK(CreateTimerQueueTimer(&t4, q, SleepCb, (PVOID)(ULONG_PTR)600, 0, 0, 0));
    Sleep(150);
    CHECK_OK(DeleteTimerQueueTimer(q, t1, NULL));
    CHECK_FAIL(DeleteTimerQueueTimer(q, t2, NULL), FALSE, ERROR_IO_PENDING);
    SetLastError(0xdeadbeef);
    CHECK_OK(DeleteTimerQueueTimer(q, t3, ev));
    CHECK_EQ(GetLastError(), 0xdeadbeef);
    CHECK_EQ(WaitForSingleObject(ev, 250), WAIT_OBJECT_0);
    CHECK_FAIL(DeleteTimerQueueTimer(q, t4, ev2), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(ev2, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(ev2, 2000), WAIT_OBJECT_0);
    CHECK_OK(DeleteTimerQueueEx(q, ev));
    CHECK_EQ(WaitForSingleObject(ev, 1000), WAIT_OBJECT_0);

    /* Changing timers, from outside and from their callbacks; deleting from a callback. */
    q = CreateTimerQueue();
    n1 = 0;
    CHECK_OK(CreateTimerQueueTimer(&t1, q, Count, &n1, 10000, 0, 0));
    CHECK_OK(ChangeTimerQueueTimer(q, t1, 0, 0)); /* before it fired: allowed */
    memset(&d2, 0, sizeof d2);
    d2.q = q;
    d2.max = 3;
    /* 40 ms periods: a next firing does not overlap the callback that stops the timer (callbacks
       of one timer may overlap, on Windows too). */
    CHECK_OK(CreateTimerQueueTimer(&t2, q, SelfDelete, &d2, 10, 40, 0));
    d2.t = t2;
    memset(&d3, 0, sizeof d3);
    d3.q = q;
    d3.max = 4;
    CHECK_OK(CreateTimerQueueTimer(&t3, q, SelfChange, &d3, 10, 40, 0));
    d3.t = t3;
    memset(&d4, 0, sizeof d4);
    d4.q = q;
    CHECK_OK(CreateTimerQueueTimer(&t4, q, Rearm, &d4, 30, 0, 0));
    d4.t = t4;
    Sleep(400);
    CHECK_OK(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    CHECK_EQ(n1, 1);
    CHECK_EQ(d2.calls, 3);
    CHECK(d2.ok);
    CHECK_EQ(d3.calls, 4);
    CHECK(d3.ok);
    CHECK_EQ(d4.calls, 1);
    CHECK(d4.ok);

    /* The default queue (NULL); a NULL callback is accepted. */
    n1 = 0;
    CHECK_OK(CreateTimerQueueTimer(&t1, NULL, Count, &n1, 20, 20, 0));
    Sleep(110);
    CHECK_OK(DeleteTimerQueueTimer(NULL, t1, INVALID_HANDLE_VALUE));
    CHECK(n1 >= 2);
    n2 = n1;
    Sleep(60);
    CHECK_EQ(n1, n2); /* no callback after the deletion */
    q = CreateTimerQueue();
    CHECK_OK(CreateTimerQueueTimer(&t1, q, NULL, NULL, 0, 0, 0));
    CHECK_OK(DeleteTimerQueueTimer(q, t1, INVALID_HANDLE_VALUE));
    CHECK_OK(DeleteTimerQueue(q));

    /* WT_EXECUTEINTIMERTHREAD: not the caller's thread either way. */
    g_cb_tid = 0;
    CHECK_OK(CreateTimerQueueTimer(&t1, NULL, WhichThread, ev, 0, 0, WT_EXECUTEINTIMERTHREAD));
    CHECK_EQ(WaitForSingleObject(ev, 2000), WAIT_OBJECT_0);
    CHECK(g_cb_tid != 0 && g_cb_tid != GetCurrentThreadId());
    CHECK_OK(DeleteTimerQueueTimer(NULL, t1, INVALID_HANDLE_VALUE));

    /* Bad arguments. */
    CHECK_FAIL(CreateTimerQueueTimer(NULL, NULL, Count, NULL, 0, 0, 0), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(DeleteTimerQueueTimer(NULL, (HANDLE)(ULONG_PTR)0x1230, NULL), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(ChangeTimerQueueTimer(NULL, (HANDLE)(ULONG_PTR)0x1230, 0, 0), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(DeleteTimerQueueEx(NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
    /* A bad completion event fails the deletion; the timer and queue stay. */
    q = CreateTimerQueue();
    CHECK_OK(CreateTimerQueueTimer(&t1, q, Count, NULL, 10000, 0, 0));
    CHECK_FAIL(DeleteTimerQueueTimer(q, t1, (HANDLE)(ULONG_PTR)0x1230), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(DeleteTimerQueueEx(q, (HANDLE)(ULONG_PTR)0x1230), FALSE, ERROR_INVALID_HANDLE);
    CHECK_OK(DeleteTimerQueueTimer(q, t1, INVALID_HANDLE_VALUE));
    CHECK_OK(DeleteTimerQueueEx(q, INVALID_HANDLE_VALUE));
    r = DeleteTimerQueue((HANDLE)(ULONG_PTR)0x4560);
    CHECK(!r && GetLastError() == ERROR_INVALID_HANDLE);

    CloseHandle(ev);
    CloseHandle(ev2);
    return SUMMARY();
}
