/*
 * threads.c - CreateThread, ExitThread, GetExitCodeThread, GetThreadId,
 * GetCurrentThreadId, thread-local last error, mutex abandonment by ExitThread,
 * DuplicateHandle(GetCurrentThread()), handle functions (handles.c covers the rest),
 * critical sections, Interlocked operations, _beginthreadex.
 */
#include "harness.h"
#include <process.h>

static HANDLE g_go, g_mutex;
static volatile DWORD g_tid;

static DWORD WINAPI Return42(LPVOID p)
{
    g_tid = GetCurrentThreadId();
    return (DWORD)(ULONG_PTR)p;
}

static DWORD WINAPI WaitGo(LPVOID p)
{
    (void)p;
    WaitForSingleObject(g_go, INFINITE);
    return 7;
}

static void Deeper(DWORD code)
{
    ExitThread(code);
}

static DWORD WINAPI CallsExitThread(LPVOID p)
{
    (void)p;
    Deeper(0xC0FFEE01);
    return 1; /* not reached */
}

static DWORD WINAPI OwnAndExitThread(LPVOID p)
{
    (void)p;
    WaitForSingleObject(g_mutex, INFINITE);
    ExitThread(3);
}

static DWORD WINAPI LastErrorIsOwn(LPVOID p)
{
    (void)p;
    if (GetLastError() != 0)
        return 1;
    SetLastError(1111);
    return GetLastError() == 1111 ? 0 : 2;
}

static DWORD WINAPI SelfHandle(LPVOID p)
{
    HANDLE h = NULL;
    (void)p;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &h, 0,
                         FALSE, DUPLICATE_SAME_ACCESS))
        return 1;
    if (GetThreadId(h) != GetCurrentThreadId())
        return 2;
    if (WaitForSingleObject(h, 0) != WAIT_TIMEOUT)
        return 3;
    CloseHandle(h);
    return 0;
}

static DWORD WINAPI BigStack(LPVOID p)
{
    volatile char buf[256 * 1024];
    (void)p;
    buf[0] = 1;
    buf[sizeof buf - 1] = 2;
    return (DWORD)(buf[0] + buf[sizeof buf - 1]);
}

static void test_threads(void)
{
    HANDLE t, ts[16];
    DWORD tid = 0, code = 0;
    int i;

    /* Return value = exit code; lpThreadId = the thread's id. */
    t = CreateThread(NULL, 0, Return42, (LPVOID)(ULONG_PTR)42, 0, &tid);
    CHECK(t != NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 42);
    CHECK_EQ(tid, g_tid);
    CHECK_EQ(GetThreadId(t), tid);
    CHECK(tid != GetCurrentThreadId());
    CHECK_OK(CloseHandle(t));
    CHECK_FAIL(GetExitCodeThread(t, &code), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetThreadId(t), 0, ERROR_INVALID_HANDLE);

    /* STILL_ACTIVE while running; lpThreadId may be NULL. */
    g_go = CreateEventA(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, WaitGo, NULL, 0, NULL);
    CHECK(t != NULL);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(WaitForSingleObject(t, 50), WAIT_TIMEOUT);
    SetEvent(g_go);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 7);
    CHECK_FAIL(GetExitCodeThread(t, NULL), FALSE, ERROR_NOACCESS);
    CloseHandle(t);

    /* ExitThread from a nested call. */
    t = CreateThread(NULL, 0, CallsExitThread, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0xC0FFEE01);
    CloseHandle(t);

    /* A mutex owned by a thread that calls ExitThread is abandoned. */
    g_mutex = CreateMutexA(NULL, FALSE, NULL);
    t = CreateThread(NULL, 0, OwnAndExitThread, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 3);
    CHECK_EQ(WaitForSingleObject(g_mutex, 5000), WAIT_ABANDONED);
    CHECK_OK(ReleaseMutex(g_mutex));
    CloseHandle(t);
    CloseHandle(g_mutex);

    /* Many at once; wait-all on thread handles. */
    for (i = 0; i < 16; i++)
        ts[i] = CreateThread(NULL, 0, Return42, (LPVOID)(ULONG_PTR)i, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(16, ts, TRUE, 10000), WAIT_OBJECT_0);
    for (i = 0; i < 16; i++) {
        CHECK_OK(GetExitCodeThread(ts[i], &code));
        CHECK_EQ(code, (DWORD)i);
        CloseHandle(ts[i]);
    }

    /* Stack size, inheritable handle. */
    {
        SECURITY_ATTRIBUTES sa;
        DWORD f = 0;
        sa.nLength = sizeof sa;
        sa.lpSecurityDescriptor = NULL;
        sa.bInheritHandle = TRUE;
        t = CreateThread(&sa, 1024 * 1024, BigStack, NULL, STACK_SIZE_PARAM_IS_A_RESERVATION,
                         NULL);
        CHECK(t != NULL);
        CHECK_OK(GetHandleInformation(t, &f));
        CHECK_EQ(f, HANDLE_FLAG_INHERIT);
        CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t, &code));
        CHECK_EQ(code, 3);
        CloseHandle(t);
    }

    /* Errors. */
    CHECK_FAIL(CreateThread(NULL, 0, NULL, NULL, 0, NULL), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    { /* CREATE_SUSPENDED (more in modes/threads.c) */
        HANDLE s = CreateThread(NULL, 0, Return42, (LPVOID)(ULONG_PTR)9, CREATE_SUSPENDED, NULL);
        CHECK_EQ(WaitForSingleObject(s, 50), WAIT_TIMEOUT);
        CHECK_EQ(ResumeThread(s), 1);
        CHECK_EQ(WaitForSingleObject(s, 10000), WAIT_OBJECT_0);
        CloseHandle(s);
    }
    CHECK_FAIL(CreateThread(NULL, 0, Return42, NULL, 0x80, NULL), HANDLE_FAIL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetExitCodeThread(g_go, &code), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetThreadId(g_go), 0, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetThreadId(GetCurrentProcess()), 0, ERROR_INVALID_HANDLE);

    /* Pseudo-handle of the current thread. */
    CHECK_EQ(GetThreadId(GetCurrentThread()), GetCurrentThreadId());
    CHECK_OK(GetExitCodeThread(GetCurrentThread(), &code));
    CHECK_EQ(code, STILL_ACTIVE);
    t = CreateThread(NULL, 0, SelfHandle, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0);
    CloseHandle(t);
    {
        HANDLE me = NULL;
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(),
                                 &me, 0, FALSE, DUPLICATE_SAME_ACCESS));
        CHECK_EQ(GetThreadId(me), GetCurrentThreadId());
        CHECK_OK(GetExitCodeThread(me, &code));
        CHECK_EQ(code, STILL_ACTIVE);
        CloseHandle(me);
    }

    /* The last error is per thread. */
    SetLastError(999);
    t = CreateThread(NULL, 0, LastErrorIsOwn, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t, &code));
    CHECK_EQ(code, 0);
    CHECK_EQ(GetLastError(), 999);
    CloseHandle(t);
    CloseHandle(g_go);
}

/* ---- critical sections, interlocked operations, _beginthreadex ---- */

static CRITICAL_SECTION g_cs;
static long g_plain;            /* guarded by g_cs */
static LONG volatile g_atomic;  /* Interlocked only */
static LONGLONG volatile g_atomic64;

static unsigned WINAPI Hammer(void *p)
{
    int i;
    for (i = 0; i < 50000; i++) {
        EnterCriticalSection(&g_cs);
        EnterCriticalSection(&g_cs); /* recursive */
        g_plain++;
        LeaveCriticalSection(&g_cs);
        LeaveCriticalSection(&g_cs);
        InterlockedIncrement(&g_atomic);
        InterlockedExchangeAdd64(&g_atomic64, 2);
    }
    return (unsigned)(UINT_PTR)p;
}

static DWORD WINAPI TryFromOther(LPVOID p)
{
    (void)p;
    return (DWORD)TryEnterCriticalSection(&g_cs);
}

static void test_critical_sections(void)
{
    HANDLE t[4];
    unsigned id = 0;
    DWORD code = 0;
    int i;
    LONG v = 5;
    PVOID ptr = NULL;

    CHECK_OK(InitializeCriticalSectionAndSpinCount(&g_cs, 1000));
    CHECK_EQ(SetCriticalSectionSpinCount(&g_cs, 4000), 1000);
    for (i = 0; i < 4; i++) {
        t[i] = (HANDLE)_beginthreadex(NULL, 0, Hammer, (void *)(UINT_PTR)(100 + i), 0,
                                      i == 0 ? &id : NULL);
        CHECK(t[i] != NULL);
    }
    CHECK(id != 0);
    CHECK_EQ(WaitForMultipleObjects(4, t, TRUE, 30000), WAIT_OBJECT_0);
    CHECK_EQ(g_plain, 200000);
    CHECK_EQ(g_atomic, 200000);
    CHECK_EQ(g_atomic64, 400000);
    CHECK_OK(GetExitCodeThread(t[3], &code));
    CHECK_EQ(code, 103);
    for (i = 0; i < 4; i++)
        CloseHandle(t[i]);

    /* Held by this thread: another thread's TryEnter fails; after Leave it succeeds. */
    EnterCriticalSection(&g_cs);
    CHECK(TryEnterCriticalSection(&g_cs)); /* recursion */
    t[0] = CreateThread(NULL, 0, TryFromOther, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t[0], 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t[0], &code));
    CHECK_EQ(code, FALSE);
    CloseHandle(t[0]);
    LeaveCriticalSection(&g_cs);
    LeaveCriticalSection(&g_cs);
    DeleteCriticalSection(&g_cs);
    InitializeCriticalSection(&g_cs);
    t[0] = CreateThread(NULL, 0, TryFromOther, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t[0], 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(t[0], &code));
    CHECK(code != FALSE);
    CloseHandle(t[0]);
    DeleteCriticalSection(&g_cs);

    /* Interlocked return values are Windows': new value for Increment/Decrement, old for the rest. */
    CHECK_EQ(InterlockedIncrement(&v), 6);
    CHECK_EQ(InterlockedDecrement(&v), 5);
    CHECK_EQ(InterlockedExchange(&v, 9), 5);
    CHECK_EQ(InterlockedExchangeAdd(&v, 1), 9);
    CHECK_EQ(InterlockedCompareExchange(&v, 20, 99), 10); /* no match: unchanged */
    CHECK_EQ(v, 10);
    CHECK_EQ(InterlockedCompareExchange(&v, 20, 10), 10);
    CHECK_EQ(v, 20);
    CHECK_EQ(InterlockedOr(&v, 1), 20);
    CHECK_EQ(InterlockedAnd(&v, 3), 21);
    CHECK_EQ(InterlockedXor(&v, 3), 1);
    CHECK_EQ(v, 2);
    CHECK(InterlockedCompareExchangePointer(&ptr, &v, NULL) == NULL && ptr == &v);
    CHECK(InterlockedExchangePointer(&ptr, NULL) == &v && ptr == NULL);
    MemoryBarrier();
    YieldProcessor();
}

int main(void)
{
    test_threads();
    test_critical_sections();
    return SUMMARY();
}
