/*
 * sync.c - events, mutexes, semaphores, waitable timers, waits, SignalObjectAndWait,
 * object names, handles used after close, wrong handle kinds.
 */
#include "harness.h"
#include <time.h>

static HANDLE g_mutex;

static DWORD WINAPI TryRelease(LPVOID p)
{
    (void)p;
    /* Another thread of the owning process is not the owner. */
    if (ReleaseMutex(g_mutex))
        return 1;
    return GetLastError();
}

static DWORD WINAPI TakeAndQuit(LPVOID p)
{
    HANDLE h = (HANDLE)p;
    if (WaitForSingleObject(h, INFINITE) != WAIT_OBJECT_0)
        return 1;
    return 0; /* exits owning the mutex: abandoned */
}

static DWORD WINAPI WaitOnce(LPVOID p)
{
    return WaitForSingleObject((HANDLE)p, 5000);
}

static void test_events(void)
{
    HANDLE h, h2, hs[2];
    const char *name = uniq("ev");

    /* Unnamed, manual reset. */
    SetLastError(1234);
    h = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* stays signaled */
    CHECK_OK(ResetEvent(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(PulseEvent(h)); /* no waiter: only resets */
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(CloseHandle(h));

    /* Auto reset: one wait consumes it. */
    h = CreateEventA(NULL, FALSE, TRUE, "");
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    /* Pulse with a waiter releases it. */
    {
        HANDLE t = CreateThread(NULL, 0, WaitOnce, h, 0, NULL);
        DWORD code = 0;
        Sleep(100);
        CHECK_OK(PulseEvent(h));
        CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t, &code));
        CHECK_EQ(code, WAIT_OBJECT_0);
        CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
        CloseHandle(t);
    }
    CHECK_OK(CloseHandle(h));

    /* Named: the second Create opens it, with ERROR_ALREADY_EXISTS. */
    h = CreateEventA(NULL, TRUE, FALSE, name);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    h2 = CreateEventA(NULL, FALSE, TRUE, name); /* parameters ignored */
    CHECK(h2 != NULL && h2 != h);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(WaitForSingleObject(h2, 0), WAIT_TIMEOUT);
    CHECK_OK(SetEvent(h2));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* manual, as first created */
    CloseHandle(h2);

    /* OpenEvent. */
    SetLastError(77);
    h2 = OpenEventA(EVENT_ALL_ACCESS, FALSE, name);
    CHECK(h2 != NULL);
    CHECK_EQ(GetLastError(), 77); /* success leaves it */
    hs[0] = h;
    hs[1] = h2;
    CHECK_FAIL(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0);
    CloseHandle(h2);
    CHECK_FAIL(OpenEventA(EVENT_ALL_ACCESS, FALSE, uniq("missing")), HANDLE_FAIL,
               ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(OpenEventA(EVENT_ALL_ACCESS, FALSE, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    h2 = OpenEventA(SYNCHRONIZE, TRUE, name);
    CHECK(h2 != NULL);
    {
        DWORD f = 0;
        CHECK_OK(GetHandleInformation(h2, &f));
        CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    }
    CloseHandle(h2);

    /* Other kinds under that name. */
    CHECK_FAIL(CreateMutexA(NULL, FALSE, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CreateSemaphoreA(NULL, 0, 1, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CreateWaitableTimerA(NULL, TRUE, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenMutexA(SYNCHRONIZE, FALSE, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenSemaphoreA(SYNCHRONIZE, FALSE, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenWaitableTimerA(SYNCHRONIZE, FALSE, name), HANDLE_FAIL, ERROR_INVALID_HANDLE);

    /* Wrong kinds and closed handles. */
    CHECK_FAIL(ReleaseMutex(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(ReleaseSemaphore(h, 1, NULL), FALSE, ERROR_INVALID_HANDLE);
    {
        LARGE_INTEGER due;
        due.QuadPart = -1;
        CHECK_FAIL(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE), FALSE, ERROR_INVALID_HANDLE);
    }
    CHECK_FAIL(CancelWaitableTimer(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_OK(CloseHandle(h));
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(ResetEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(PulseEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetEvent(NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetEvent(INVALID_HANDLE_VALUE), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetEvent((HANDLE)(ULONG_PTR)0x7), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetEvent((HANDLE)(ULONG_PTR)0x123456789000ULL), FALSE, ERROR_INVALID_HANDLE);
    /* The name went away with its last handle. */
    CHECK_FAIL(OpenEventA(SYNCHRONIZE, FALSE, name), HANDLE_FAIL, ERROR_FILE_NOT_FOUND);
}

static void test_names(void)
{
    char longname[400];
    const char *base = uniq("nm");
    char local[128], global[128];
    HANDLE a, b, c;
    WCHAR wname[128];
    size_t i;

    /* Local\ and Global\ are different namespaces; Local\x is the same as x. */
    snprintf(local, sizeof local, "Local\\%s", base);
    snprintf(global, sizeof global, "Global\\%s", base);
    a = CreateEventA(NULL, TRUE, FALSE, local);
    CHECK(a != NULL);
    b = CreateEventA(NULL, TRUE, FALSE, base);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    c = CreateEventA(NULL, TRUE, FALSE, global);
    CHECK(c != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_OK(SetEvent(c));
    CHECK_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    CloseHandle(c);

    /* Names are case-sensitive. */
    for (i = 0; i < strlen(base) && i < sizeof longname - 1; i++)
        longname[i] = (char)((base[i] >= 'a' && base[i] <= 'z') ? base[i] - 32 : base[i]);
    longname[i] = 0;
    CHECK_FAIL(OpenEventA(SYNCHRONIZE, FALSE, longname), HANDLE_FAIL, ERROR_FILE_NOT_FOUND);

    /* The W functions reach the same objects (UTF-16 name). */
    for (i = 0; base[i]; i++)
        wname[i] = (WCHAR)base[i];
    wname[i] = 0;
    c = OpenEventW(SYNCHRONIZE, FALSE, wname);
    CHECK(c != NULL);
    /* Access is enforced: SYNCHRONIZE only may wait, not set. */
    CHECK_FAIL(SetEvent(c), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(c);
    c = OpenEventW(EVENT_MODIFY_STATE, FALSE, wname);
    CHECK(c != NULL);
    CHECK_OK(SetEvent(c));
    CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    CloseHandle(c);
    c = CreateEventW(NULL, TRUE, FALSE, wname);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(c);
    {
        WCHAR bad[] = {'x', 0xD800, 0}; /* unpaired surrogate */
        CHECK_FAIL(CreateEventW(NULL, TRUE, FALSE, bad), HANDLE_FAIL, ERROR_INVALID_NAME);
    }
    {
        char bad[] = {'x', (char)0xff, 0}; /* not UTF-8 */
        CHECK_FAIL(CreateEventA(NULL, TRUE, FALSE, bad), HANDLE_FAIL, ERROR_INVALID_NAME);
    }
    CloseHandle(a);
    CloseHandle(b);

    /* A backslash elsewhere, and over-long names. */
    CHECK_FAIL(CreateEventA(NULL, TRUE, FALSE, "a\\b"), HANDLE_FAIL, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(CreateEventA(NULL, TRUE, FALSE, "a\\"), HANDLE_FAIL, ERROR_INVALID_NAME);
    memset(longname, 'n', 300);
    longname[300] = 0;
    CHECK_FAIL(CreateEventA(NULL, TRUE, FALSE, longname), HANDLE_FAIL,
               ERROR_FILENAME_EXCED_RANGE);
}

static void test_mutexes(void)
{
    HANDLE h, h2, t;
    DWORD code = 0;
    const char *name = uniq("mx");

    h = CreateMutexA(NULL, TRUE, name);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    /* Recursion. */
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(h));
    /* Another thread is not the owner. */
    g_mutex = h;
    t = CreateThread(NULL, 0, TryRelease, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, ERROR_NOT_OWNER);
    CloseHandle(t);
    CHECK_OK(ReleaseMutex(h));
    CHECK_FAIL(ReleaseMutex(h), FALSE, ERROR_NOT_OWNER);

    /* Existing name: bInitialOwner is ignored. */
    h2 = CreateMutexA(NULL, TRUE, name);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_FAIL(ReleaseMutex(h2), FALSE, ERROR_NOT_OWNER);
    CloseHandle(h2);
    h2 = OpenMutexA(MUTEX_ALL_ACCESS, FALSE, name);
    CHECK(h2 != NULL);
    CHECK_FAIL(OpenMutexA(SYNCHRONIZE, FALSE, uniq("nomx")), HANDLE_FAIL, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(OpenMutexA(SYNCHRONIZE, FALSE, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);

    /* Abandonment: a thread exits owning it. */
    t = CreateThread(NULL, 0, TakeAndQuit, h2, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(WaitForSingleObject(h, 5000), WAIT_ABANDONED);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* now an ordinary recursion */
    CHECK_OK(ReleaseMutex(h));
    CHECK_OK(ReleaseMutex(h));
    CHECK_FAIL(ReleaseMutex(h), FALSE, ERROR_NOT_OWNER);
    CloseHandle(h2);

    /* W variants and wrong kinds. */
    {
        WCHAR w[] = {'w', 'm', 'x', 0};
        HANDLE hw = CreateMutexW(NULL, FALSE, w);
        HANDLE hw2 = OpenMutexW(SYNCHRONIZE, FALSE, w);
        CHECK(hw != NULL && hw2 != NULL);
        CloseHandle(hw2);
        CloseHandle(hw);
    }
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CHECK_FAIL(ReleaseMutex(h), FALSE, ERROR_INVALID_HANDLE);
}

static void test_semaphores(void)
{
    HANDLE h, h2;
    LONG prev = -5;
    const char *name = uniq("sem");

    CHECK_FAIL(CreateSemaphoreA(NULL, 0, 0, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphoreA(NULL, -1, 5, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphoreA(NULL, 6, 5, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphoreA(NULL, 0, -3, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);

    h = CreateSemaphoreA(NULL, 1, 3, name);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(ReleaseSemaphore(h, 2, &prev));
    CHECK_EQ(prev, 0);
    CHECK_OK(ReleaseSemaphore(h, 1, NULL));
    prev = -5;
    CHECK_FAIL(ReleaseSemaphore(h, 1, &prev), FALSE, ERROR_TOO_MANY_POSTS);
    CHECK_EQ(prev, (LONG)-5); /* not written */
    CHECK_FAIL(ReleaseSemaphore(h, 0, &prev), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(ReleaseSemaphore(h, -1, &prev), FALSE, ERROR_INVALID_PARAMETER);

    h2 = CreateSemaphoreA(NULL, 0, 1, name); /* existing: count unchanged */
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(WaitForSingleObject(h2, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h2, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h2, 0), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(h2, 0), WAIT_TIMEOUT);
    CloseHandle(h2);
    h2 = OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, name);
    CHECK(h2 != NULL);
    CloseHandle(h2);
    CHECK_FAIL(OpenSemaphoreA(SYNCHRONIZE, FALSE, uniq("nos")), HANDLE_FAIL,
               ERROR_FILE_NOT_FOUND);
    {
        WCHAR w[] = {'w', 's', 0};
        HANDLE a = CreateSemaphoreW(NULL, 1, 1, w), b = OpenSemaphoreW(SYNCHRONIZE, FALSE, w);
        CHECK(a != NULL && b != NULL);
        CHECK_EQ(WaitForSingleObject(b, 0), WAIT_OBJECT_0);
        CloseHandle(a);
        CloseHandle(b);
    }
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CHECK_FAIL(ReleaseSemaphore(h, 1, NULL), FALSE, ERROR_INVALID_HANDLE);
}

static void test_timers(void)
{
    HANDLE h, h2;
    LARGE_INTEGER due;
    DWORD t0;
    const char *name = uniq("tm");

    /* Manual-reset (notification) timer, relative due time. */
    h = CreateWaitableTimerA(NULL, TRUE, name);
    CHECK(h != NULL);
    CHECK_EQ(GetLastError(), 0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT); /* inactive */
    due.QuadPart = -500000; /* 50 ms */
    t0 = GetTickCount();
    CHECK_OK(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(h, 5000), WAIT_OBJECT_0);
    CHECK(GetTickCount() - t0 >= 40);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* stays signaled */
    /* Cancel does not change the signaled state. */
    CHECK_OK(CancelWaitableTimer(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    /* Re-arming makes it non-signaled; cancel before the due time: never fires. */
    due.QuadPart = -2000000; /* 200 ms */
    CHECK_OK(SetWaitableTimer(h, &due, 0, NULL, NULL, TRUE));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(CancelWaitableTimer(h));
    CHECK_EQ(WaitForSingleObject(h, 400), WAIT_TIMEOUT);

    /* Absolute due time in the past (a FILETIME of 1 = 1601): at once. */
    due.QuadPart = 1;
    CHECK_OK(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(h, 1000), WAIT_OBJECT_0);

    h2 = CreateWaitableTimerA(NULL, FALSE, name);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(h2);
    h2 = OpenWaitableTimerA(TIMER_ALL_ACCESS, FALSE, name);
    CHECK(h2 != NULL);
    CloseHandle(h2);
    CHECK_FAIL(OpenWaitableTimerA(SYNCHRONIZE, FALSE, uniq("not")), HANDLE_FAIL,
               ERROR_FILE_NOT_FOUND);

    /* Errors. */
    CHECK_FAIL(SetWaitableTimer(h, NULL, 0, NULL, NULL, FALSE), FALSE, ERROR_NOACCESS);
    due.QuadPart = -1;
    CHECK_FAIL(SetWaitableTimer(h, &due, -1, NULL, NULL, FALSE), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CHECK_FAIL(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CancelWaitableTimer(h), FALSE, ERROR_INVALID_HANDLE);

    /* Synchronization timer, periodic: one wait per period. */
    {
        WCHAR w[] = {'w', 't', 0};
        int fired = 0, i;
        h = CreateWaitableTimerW(NULL, FALSE, w);
        CHECK(h != NULL);
        h2 = OpenWaitableTimerW(SYNCHRONIZE, FALSE, w);
        CHECK(h2 != NULL);
        CloseHandle(h2);
        due.QuadPart = -100000; /* 10 ms */
        CHECK_OK(SetWaitableTimer(h, &due, 20, NULL, NULL, FALSE));
        for (i = 0; i < 3; i++)
            if (WaitForSingleObject(h, 2000) == WAIT_OBJECT_0)
                fired++;
        CHECK_EQ(fired, 3);
        CHECK_OK(CancelWaitableTimer(h));
        CloseHandle(h);
    }
    /* Absolute time in the future: the next second + 1 s, as a FILETIME (100 ns since
     * 1601): not signaled after 0.5 s, signaled within 3 s. */
    {
        h = CreateWaitableTimerA(NULL, TRUE, NULL);
        due.QuadPart = ((LONGLONG)time(NULL) + 11644473600LL + 2) * 10000000LL;
        CHECK_OK(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE));
        CHECK_EQ(WaitForSingleObject(h, 500), WAIT_TIMEOUT);
        CHECK_EQ(WaitForSingleObject(h, 3000), WAIT_OBJECT_0);
        CloseHandle(h);
    }
}

static DWORD WINAPI SetLater(LPVOID p)
{
    Sleep(100);
    SetEvent((HANDLE)p);
    return 0;
}

static void test_waits(void)
{
    HANDLE e[3], hs[65], t, m, s;
    int i;
    DWORD r;

    for (i = 0; i < 3; i++)
        e[i] = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* Counts. */
    CHECK_FAIL(WaitForMultipleObjects(0, e, FALSE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    for (i = 0; i < 65; i++)
        hs[i] = e[0];
    CHECK_FAIL(WaitForMultipleObjects(65, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(64, hs, FALSE, 0), WAIT_TIMEOUT);
    CHECK_FAIL(WaitForMultipleObjects(2, NULL, FALSE, 0), WAIT_FAILED, ERROR_NOACCESS);

    /* Wait-any: the lowest signaled index. */
    CHECK_EQ(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_TIMEOUT);
    SetEvent(e[2]);
    CHECK_EQ(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 2);
    SetEvent(e[1]);
    CHECK_EQ(WaitForMultipleObjects(3, e, FALSE, 0), WAIT_OBJECT_0 + 1);
    /* Wait-all: only when all are signaled. */
    CHECK_EQ(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_TIMEOUT);
    SetEvent(e[0]);
    CHECK_EQ(WaitForMultipleObjects(3, e, TRUE, 0), WAIT_OBJECT_0);
    for (i = 0; i < 3; i++)
        ResetEvent(e[i]);

    /* Wait-all acquires atomically: nothing is taken on timeout. */
    m = CreateMutexA(NULL, FALSE, NULL);
    s = CreateSemaphoreA(NULL, 1, 1, NULL);
    hs[0] = m;
    hs[1] = s;
    hs[2] = e[0];
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_TIMEOUT);
    CHECK_FAIL(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ReleaseSemaphore(s, 1, NULL);
    SetEvent(e[0]);
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);

    /* An invalid handle anywhere fails the whole wait. */
    hs[1] = (HANDLE)(ULONG_PTR)0x4444;
    CHECK_FAIL(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    hs[1] = NULL;
    CHECK_FAIL(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);

    /* Timeouts and a wake-up from another thread. */
    ResetEvent(e[0]);
    {
        DWORD t0 = GetTickCount();
        CHECK_EQ(WaitForSingleObject(e[0], 100), WAIT_TIMEOUT);
        CHECK(GetTickCount() - t0 >= 90);
    }
    t = CreateThread(NULL, 0, SetLater, e[0], 0, NULL);
    CHECK_EQ(WaitForSingleObject(e[0], INFINITE), WAIT_OBJECT_0);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);

    /* Pseudo-handles: the current process/thread never become signaled. */
    CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(GetCurrentThread(), 50), WAIT_TIMEOUT);
    /* ... but WaitForMultipleObjects refuses them, as Windows does. */
    hs[0] = GetCurrentProcess();
    hs[1] = e[0];
    CHECK_FAIL(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    hs[0] = e[0];
    hs[1] = GetCurrentThread();
    CHECK_FAIL(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    /* Successful waits leave the last error alone. */
    SetLastError(4242);
    r = WaitForSingleObject(e[0], 0);
    CHECK_EQ(r, WAIT_OBJECT_0);
    CHECK_EQ(GetLastError(), 4242);

    /* Standard handles: WaitForSingleObject polls the descriptor (stdout, a pipe, is
     * writable); the multiple-object waits do not take them. */
    CHECK_EQ(WaitForSingleObject(GetStdHandle(STD_OUTPUT_HANDLE), 0), WAIT_OBJECT_0);
    hs[0] = GetStdHandle(STD_OUTPUT_HANDLE);
    CHECK_FAIL(WaitForMultipleObjects(1, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    for (i = 0; i < 3; i++)
        CloseHandle(e[i]);
    CloseHandle(m);
    CloseHandle(s);
}

static void test_signal_and_wait(void)
{
    HANDLE a = CreateEventA(NULL, FALSE, FALSE, NULL);
    HANDLE b = CreateEventA(NULL, TRUE, TRUE, NULL);
    HANDLE m = CreateMutexA(NULL, TRUE, NULL);
    HANDLE s = CreateSemaphoreA(NULL, 1, 1, NULL);
    HANDLE tm = CreateWaitableTimerA(NULL, TRUE, NULL);

    CHECK_EQ(SignalObjectAndWait(a, b, 0, FALSE), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0); /* a was set */
    CHECK_EQ(SignalObjectAndWait(m, b, 0, FALSE), WAIT_OBJECT_0);
    CHECK_FAIL(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER); /* released by the call */
    CHECK_FAIL(SignalObjectAndWait(m, b, 0, FALSE), WAIT_FAILED, ERROR_NOT_OWNER);
    CHECK_FAIL(SignalObjectAndWait(s, b, 0, FALSE), WAIT_FAILED, ERROR_TOO_MANY_POSTS);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    ResetEvent(b);
    CHECK_EQ(SignalObjectAndWait(s, b, 10, TRUE), WAIT_TIMEOUT);
    CHECK_EQ(SignalObjectAndWait(a, s, 0, FALSE), WAIT_OBJECT_0); /* the semaphore again */
    CHECK_FAIL(SignalObjectAndWait(tm, b, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SignalObjectAndWait(GetCurrentProcess(), b, 0, FALSE), WAIT_FAILED,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(SignalObjectAndWait(a, NULL, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
    CHECK_EQ(SignalObjectAndWait(a, GetCurrentProcess(), 0, FALSE), WAIT_TIMEOUT);
    CloseHandle(a);
    CloseHandle(b);
    CloseHandle(m);
    CloseHandle(s);
    CloseHandle(tm);
}

static void test_security_attributes(void)
{
    SECURITY_ATTRIBUTES sa;
    SECURITY_DESCRIPTOR sd;
    WINIPC_UNIX_MODE_DESCRIPTOR md = WINIPC_UNIX_MODE_DESCRIPTOR_INIT(0640);
    DWORD f = 99;
    HANDLE h;
    char name[128];

    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    h = CreateEventA(&sa, TRUE, FALSE, NULL);
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    CloseHandle(h);

    CHECK_OK(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
    CHECK_OK(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE)); /* NULL DACL: everyone */
    CHECK_FAIL(InitializeSecurityDescriptor(&sd, 2), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(InitializeSecurityDescriptor(NULL, 1), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(SetSecurityDescriptorDacl(NULL, TRUE, NULL, FALSE), FALSE, ERROR_NOACCESS);
    CHECK_OK(InitializeSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION));
    CHECK_OK(SetSecurityDescriptorDacl(&sd, TRUE, NULL, FALSE));
    sa.lpSecurityDescriptor = &sd;
    sa.bInheritHandle = FALSE;
    snprintf(name, sizeof name, "Global\\%s", uniq("secev"));
    h = CreateEventA(&sa, TRUE, FALSE, name);
    CHECK(h != NULL);
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, 0);
    CloseHandle(h);
    sa.lpSecurityDescriptor = &md;
    h = CreateMutexA(&sa, FALSE, NULL);
    CHECK(h != NULL);
    CloseHandle(h);
    {
        DWORD junk[10] = {0x77}; /* revision 0x77: not a descriptor */
        sa.lpSecurityDescriptor = junk;
        CHECK_FAIL(CreateEventA(&sa, TRUE, FALSE, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    }
}

int main(void)
{
    test_events();
    test_names();
    test_mutexes();
    test_semaphores();
    test_timers();
    test_waits();
    test_signal_and_wait();
    test_security_attributes();
    return SUMMARY();
}
