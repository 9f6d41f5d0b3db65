/*
 * threads.c - CREATE_SUSPENDED (CreateThread, _beginthreadex, CreateProcess), SuspendThread /
 * ResumeThread with suspend counts (a running thread, a thread blocked in a wait, a child's
 * main thread), TerminateThread, GetThreadId, SwitchToThread, TLS, SRW locks, condition
 * variables and InitOnceExecuteOnce.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <process.h>
#include <tchar.h>
#include "harness.h"

static volatile LONG g_count;
static volatile LONG g_stop;

static DWORD WINAPI Spin(LPVOID p)
{
    (void)p;
    while (!g_stop)
        InterlockedIncrement(&g_count);
    return 7;
}

static DWORD WINAPI Once(LPVOID p)
{
    (void)p;
    InterlockedIncrement(&g_count);
    return 3;
}

static unsigned WINAPI OnceEx(void *p)
{
    (void)p;
    InterlockedIncrement(&g_count);
    return 4;
}

/* Spends its time inside libwinipc (store transactions). */
static DWORD WINAPI Hammer(LPVOID p)
{
    while (!g_stop) {
        SetEvent((HANDLE)p);
        ResetEvent((HANDLE)p);
        InterlockedIncrement(&g_count);
    }
    return 0;
}

static DWORD WINAPI WaitThenCount(LPVOID p)
{
    if (WaitForSingleObject((HANDLE)p, INFINITE) == WAIT_OBJECT_0)
        InterlockedIncrement(&g_count);
    return 0;
}

/* ---- TLS ---- */
static DWORD g_tls;
static DWORD WINAPI TlsThread(LPVOID p)
{
    if (TlsGetValue(g_tls) != NULL)
        return 1;
    if (!TlsSetValue(g_tls, p))
        return 2;
    Sleep(20);
    return TlsGetValue(g_tls) == p ? 0 : 3;
}

/* ---- SRW lock + condition variable queue ---- */
static SRWLOCK g_srw = SRWLOCK_INIT;
static CONDITION_VARIABLE g_cv = CONDITION_VARIABLE_INIT;
static CRITICAL_SECTION g_cs;
static CONDITION_VARIABLE g_cv2 = CONDITION_VARIABLE_INIT;
static long g_shared_total;
static int g_queue, g_consumed;

static DWORD WINAPI SrwAdder(LPVOID p)
{
    int i;
    (void)p;
    for (i = 0; i < 20000; i++) {
        AcquireSRWLockExclusive(&g_srw);
        g_shared_total++;
        ReleaseSRWLockExclusive(&g_srw);
    }
    return 0;
}

static DWORD WINAPI Consumer(LPVOID p)
{
    int got = 0;
    (void)p;
    while (got < 100) {
        EnterCriticalSection(&g_cs);
        while (g_queue == 0)
            SleepConditionVariableCS(&g_cv2, &g_cs, INFINITE);
        g_queue--;
        got++;
        g_consumed++;
        LeaveCriticalSection(&g_cs);
    }
    return 0;
}

static DWORD WINAPI SrwConsumer(LPVOID p)
{
    (void)p;
    AcquireSRWLockExclusive(&g_srw);
    while (g_queue == 0)
        SleepConditionVariableSRW(&g_cv, &g_srw, INFINITE, 0);
    g_queue--;
    ReleaseSRWLockExclusive(&g_srw);
    return 0;
}

/* ---- InitOnce ---- */
static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static volatile LONG g_once_runs;
static int g_value = 42;

static BOOL WINAPI InitFn(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    InterlockedIncrement(&g_once_runs);
    Sleep(20);
    *ctx = param;
    return TRUE;
}

static BOOL WINAPI FailFn(PINIT_ONCE once, PVOID param, PVOID *ctx)
{
    (void)once;
    (void)param;
    (void)ctx;
    InterlockedIncrement(&g_once_runs);
    return FALSE;
}

static DWORD WINAPI OnceThread(LPVOID p)
{
    PVOID ctx = NULL;
    (void)p;
    if (!InitOnceExecuteOnce(&g_once, InitFn, &g_value, &ctx))
        return 1;
    return ctx == &g_value ? 0 : 2;
}

static DWORD WINAPI WaitThenEnd(LPVOID ev)
{
    WaitForSingleObject((HANDLE)ev, INFINITE);
    return 77;
}

static int child(char **argv)
{
    HANDLE ev = OpenEventA(EVENT_MODIFY_STATE | SYNCHRONIZE, FALSE, argv[2]);
    if (ev == NULL)
        return 2;
    if (!strcmp(argv[1], "worker")) {
        /* A second thread that ends when the event is set; then the process ends. Its id
         * goes to the parent in the mapping named argv[3]. */
        DWORD id;
        HANDLE t = CreateThread(NULL, 0, WaitThenEnd, ev, 0, &id);
        HANDLE m = OpenFileMappingA(FILE_MAP_WRITE, FALSE, argv[3]);
        LONG *shared = m != NULL ? (LONG *)MapViewOfFile(m, FILE_MAP_WRITE, 0, 0, 0) : NULL;
        if (shared == NULL)
            return 3;
        InterlockedExchange(shared, (LONG)id);
        WaitForSingleObject(t, INFINITE);
        Sleep(300);
        return 4242;
    }
    if (!strcmp(argv[1], "started")) {
        SetEvent(ev);
        return 100000;
    }
    /* "wait": wait for the event, then exit 200000 */
    WaitForSingleObject(ev, INFINITE);
    return 200000;
}

/* Fibers, as the Microsoft sample uses them: a primary fiber and two workers that hand the
   thread to each other, each with its own stack and data. */
static LPVOID g_primary, g_fib[2];
static int g_trace[16], g_ntrace;

static VOID WINAPI FiberWork(LPVOID param)
{
    int me = (int)(INT_PTR)param, i;
    for (i = 0; i < 3; i++) {
        char big[8192]; /* on the fiber's own stack */
        memset(big, me, sizeof big);
        if (g_ntrace < 16)
            g_trace[g_ntrace++] = me * 10 + i + big[100] * 0;
        CHECK(GetFiberData() == param);
        CHECK(GetCurrentFiber() == g_fib[me - 1]);
        SwitchToFiber(me == 1 ? g_fib[1] : (i == 2 ? g_primary : g_fib[0]));
    }
    SwitchToFiber(g_primary);
}

static volatile LONG g_after_return;

static VOID WINAPI FiberReturns(LPVOID param)
{
    (void)param;
}

/* A fiber whose routine returns ends the thread running it (exit code 0). */
static DWORD WINAPI ThreadWithReturningFiber(LPVOID param)
{
    LPVOID f;
    (void)param;
    ConvertThreadToFiber(NULL);
    f = CreateFiber(0, FiberReturns, NULL);
    SwitchToFiber(f);
    InterlockedIncrement(&g_after_return); /* never reached */
    return 5;
}

static void TestFibers(void)
{
    int i;
    static const int want[] = {10, 20, 11, 21, 12, 22};
    CHECK(!IsThreadAFiber());
    g_primary = ConvertThreadToFiber((LPVOID)(INT_PTR)7);
    CHECK(g_primary != NULL);
    CHECK(IsThreadAFiber());
    CHECK(GetFiberData() == (LPVOID)(INT_PTR)7);
    CHECK_FAIL(ConvertThreadToFiber(NULL) != NULL, FALSE, ERROR_ALREADY_FIBER);
    g_fib[0] = CreateFiber(0, FiberWork, (LPVOID)(INT_PTR)1);
    g_fib[1] = CreateFiberEx(0, 64 * 1024, 0, FiberWork, (LPVOID)(INT_PTR)2);
    CHECK(g_fib[0] != NULL && g_fib[1] != NULL);
    SwitchToFiber(g_fib[0]);
    CHECK(GetCurrentFiber() == g_primary);
    CHECK_EQ(g_ntrace, 6);
    for (i = 0; i < 6; i++)
        CHECK_EQ(g_trace[i], want[i]);
    DeleteFiber(g_fib[0]);
    DeleteFiber(g_fib[1]);
    CHECK(CreateFiber(0, NULL, NULL) == NULL);
    CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    CHECK_OK(ConvertFiberToThread());
    CHECK(!IsThreadAFiber());
    CHECK_FAIL(ConvertFiberToThread(), FALSE, ERROR_ALREADY_THREAD);
    {
        DWORD code = 99;
        HANDLE t = CreateThread(NULL, 0, ThreadWithReturningFiber, NULL, 0, NULL);
        CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(t, &code));
        CHECK_EQ(code, 0);
        CHECK_EQ(g_after_return, 0);
        CloseHandle(t);
    }
}

/* Fiber-local storage: values follow the fiber; callbacks on DeleteFiber, thread exit and
   FlsFree; without fibers, FLS is TLS. */
static DWORD g_fls;
static volatile LONG g_fls_calls, g_fls_sum;
static LPVOID g_fls_main, g_fls_fiber;

static VOID WINAPI FlsCallback(PVOID value)
{
    InterlockedIncrement(&g_fls_calls);
    InterlockedExchangeAdd(&g_fls_sum, (LONG)(INT_PTR)value);
}

static VOID WINAPI FlsFiber(LPVOID param)
{
    (void)param;
    CHECK(FlsGetValue(g_fls) == NULL); /* a new fiber starts with NULL */
    CHECK_EQ(GetLastError(), ERROR_SUCCESS);
    CHECK_OK(FlsSetValue(g_fls, (PVOID)(INT_PTR)20));
    SwitchToFiber(g_fls_main);
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)20); /* still its own */
    SwitchToFiber(g_fls_main);
}

static DWORD WINAPI FlsThread(LPVOID param)
{
    CHECK(FlsGetValue(g_fls) == NULL); /* another thread: its own value */
    CHECK_OK(FlsSetValue(g_fls, param));
    CHECK(FlsGetValue(g_fls) == param);
    return 0; /* the callback gets param at the thread's exit */
}

static void TestFiberLocalStorage(void)
{
    DWORD plain;
    HANDLE t;
    g_fls = FlsAlloc(FlsCallback);
    CHECK(g_fls != FLS_OUT_OF_INDEXES);
    plain = FlsAlloc(NULL);
    CHECK(plain != FLS_OUT_OF_INDEXES && plain != g_fls);
    SetLastError(5);
    CHECK(FlsGetValue(g_fls) == NULL);
    CHECK_EQ(GetLastError(), ERROR_SUCCESS);
    CHECK_OK(FlsSetValue(g_fls, (PVOID)(INT_PTR)1));
    CHECK_OK(FlsSetValue(plain, (PVOID)(INT_PTR)2));
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)1);

    /* Threads without fibers: as TLS, the callback runs at the thread's exit. */
    t = CreateThread(NULL, 0, FlsThread, (LPVOID)(INT_PTR)100, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 10000), WAIT_OBJECT_0);
    CloseHandle(t);
    CHECK_EQ(g_fls_calls, 1);
    CHECK_EQ(g_fls_sum, 100);
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)1);

    /* Fibers: the converted thread keeps its values, a new fiber has its own. */
    g_fls_main = ConvertThreadToFiber(NULL);
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)1);
    g_fls_fiber = CreateFiber(0, FlsFiber, NULL);
    SwitchToFiber(g_fls_fiber);
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)1);
    CHECK(FlsGetValue(plain) == (PVOID)(INT_PTR)2);
    SwitchToFiber(g_fls_fiber);
    CHECK_EQ(g_fls_calls, 1);
    DeleteFiber(g_fls_fiber); /* the callback gets the fiber's 20 */
    CHECK_EQ(g_fls_calls, 2);
    CHECK_EQ(g_fls_sum, 120);
    CHECK_OK(ConvertFiberToThread());
    CHECK(FlsGetValue(g_fls) == (PVOID)(INT_PTR)1);

    /* FlsFree: the callback for every non-NULL value; then the index is invalid. */
    CHECK_OK(FlsFree(g_fls));
    CHECK_EQ(g_fls_calls, 3);
    CHECK_EQ(g_fls_sum, 121);
    CHECK_FAIL(FlsGetValue(g_fls), 0, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(FlsSetValue(g_fls, NULL), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(FlsFree(g_fls), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(FlsGetValue(FLS_OUT_OF_INDEXES), 0, ERROR_INVALID_PARAMETER);
    CHECK_OK(FlsFree(plain));
    CHECK_EQ(g_fls_calls, 3);
}

/* OpenThread on another process's threads: waitable for the thread's end, STILL_ACTIVE while
   it runs; the main thread's exit code is its process's. */
static void TestOpenThreadOfAnotherProcess(const char *self)
{
    char cmd[600];
    char mapname[100];
    const char *name = uniq("otw");
    HANDLE ev = CreateEventA(NULL, TRUE, FALSE, name), main_t, worker = NULL, weak, snap, map;
    STARTUPINFOA si2;
    PROCESS_INFORMATION pi2;
    THREADENTRY32 te;
    DWORD code = 0, worker_tid = 0;
    volatile LONG *shared;
    int tries, listed = 0;
    snprintf(mapname, sizeof mapname, "%s-tid", name);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, mapname);
    shared = (volatile LONG *)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(shared != NULL);
    if (shared == NULL)
        return;
    ZeroMemory(&si2, sizeof si2);
    si2.cb = sizeof si2;
    snprintf(cmd, sizeof cmd, "\"%s\" worker %s %s", self, name, mapname);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si2, &pi2));
    for (tries = 0; tries < 1000 && worker_tid == 0; tries++) {
        worker_tid = (DWORD)InterlockedCompareExchange(shared, 0, 0);
        if (worker_tid == 0)
            Sleep(10);
    }
    CHECK(worker_tid != 0);
    /* Tool Help lists it among the child's threads. */
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
    te.dwSize = sizeof te;
    if (snap != INVALID_HANDLE_VALUE && Thread32First(snap, &te)) {
        do {
            if (te.th32OwnerProcessID == pi2.dwProcessId && te.th32ThreadID == worker_tid)
                listed = 1;
        } while (Thread32Next(snap, &te));
    }
    if (snap != INVALID_HANDLE_VALUE)
        CloseHandle(snap);
    CHECK(listed);
    if (worker_tid != 0)
        worker = OpenThread(SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, worker_tid);
    CHECK(worker != NULL);
    main_t = OpenThread(SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION, FALSE, pi2.dwThreadId);
    CHECK(main_t != NULL);
    weak = OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, pi2.dwThreadId);
    CHECK(weak != NULL);
    if (worker != NULL && main_t != NULL && weak != NULL) {
        HANDLE both[2];
        DWORD n = 0;
        CHECK_EQ(GetThreadId(worker), worker_tid);
        CHECK_EQ(GetProcessIdOfThread(worker), pi2.dwProcessId);
        CHECK_EQ(GetProcessIdOfThread(main_t), pi2.dwProcessId);
        CHECK_EQ(WaitForSingleObject(worker, 50), WAIT_TIMEOUT);
        CHECK_OK(GetExitCodeThread(worker, &code));
        CHECK_EQ(code, STILL_ACTIVE);
        CHECK_OK(GetExitCodeThread(main_t, &code));
        CHECK_EQ(code, STILL_ACTIVE);
        /* No SYNCHRONIZE: not waitable. Not the main thread: not suspended from here. */
        CHECK_FAIL(WaitForSingleObject(weak, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
        CHECK_FAIL(SuspendThread(worker), (DWORD)-1, ERROR_ACCESS_DENIED);
        {
            HANDLE all = OpenThread(THREAD_ALL_ACCESS, FALSE, worker_tid);
            CHECK(all != NULL);
            CHECK_FAIL(SuspendThread(all), (DWORD)-1, ERROR_NOT_SUPPORTED);
            CHECK_FAIL(TerminateThread(all, 1), FALSE, ERROR_NOT_SUPPORTED);
            CHECK_OK(CloseHandle(all));
        }
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), worker, GetCurrentProcess(), &both[1], 0,
                                 FALSE, DUPLICATE_SAME_ACCESS));
        both[0] = main_t;
        SetEvent(ev);
        /* The worker ends first; its process 300 ms later. */
        CHECK_EQ(WaitForMultipleObjects(2, both, FALSE, 10000), WAIT_OBJECT_0 + 1);
        CHECK_EQ(WaitForSingleObject(worker, 0), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeThread(worker, &code));
        CHECK_EQ(code, 0); /* another process's thread: its code is not kept (docs/c-abi.md) */
        CHECK_EQ(WaitForSingleObject(main_t, 10000), WAIT_OBJECT_0);
        for (n = 0; n < 100; n++) { /* the exit code follows the process object */
            GetExitCodeThread(main_t, &code);
            if (code != STILL_ACTIVE)
                break;
            Sleep(10);
        }
        CHECK_EQ(code, 4242);
        CHECK_OK(CloseHandle(both[1]));
    }
    if (worker != NULL)
        CHECK_OK(CloseHandle(worker));
    if (main_t != NULL)
        CHECK_OK(CloseHandle(main_t));
    if (weak != NULL)
        CHECK_OK(CloseHandle(weak));
    CHECK_EQ(WaitForSingleObject(pi2.hProcess, 10000), WAIT_OBJECT_0);
    CloseHandle(pi2.hProcess);
    CloseHandle(pi2.hThread);
    CloseHandle(ev);
    UnmapViewOfFile((LPCVOID)shared);
    CloseHandle(map);
}

int main(int argc, char **argv)
{
    HANDLE h, hs[4], ev;
    DWORD id, code, i;
    LONG c1, c2;
    unsigned uid;
    uintptr_t th;
    PVOID ctx;
    char line[512];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    const char *evname;

    if (argc >= 3)
        return child(argv);

    /* ---- CREATE_SUSPENDED threads ---- */
    g_count = 0;
    h = CreateThread(NULL, 0, Once, NULL, CREATE_SUSPENDED, &id);
    CHECK(h != NULL);
    CHECK_EQ(GetThreadId(h), id);
    Sleep(50);
    CHECK_EQ(g_count, 0);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_EQ(SuspendThread(h), 1);
    CHECK_EQ(ResumeThread(h), 2);
    Sleep(20);
    CHECK_EQ(g_count, 0);
    CHECK_EQ(ResumeThread(h), 1);
    CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_count, 1);
    CHECK_OK(GetExitCodeThread(h, &code));
    CHECK_EQ(code, 3);
    CloseHandle(h);

    th = _beginthreadex(NULL, 0, OnceEx, NULL, CREATE_SUSPENDED, &uid);
    CHECK(th != 0);
    Sleep(20);
    CHECK_EQ(g_count, 1);
    CHECK_EQ(ResumeThread((HANDLE)th), 1);
    CHECK_EQ(WaitForSingleObject((HANDLE)th, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_count, 2);
    CHECK_EQ(ResumeThread((HANDLE)th) , (DWORD)-1); /* exited */
    CloseHandle((HANDLE)th);

    /* ---- suspending a running thread ---- */
    g_count = 0;
    g_stop = 0;
    h = CreateThread(NULL, 0, Spin, NULL, 0, NULL);
    while (g_count < 1000)
        SwitchToThread();
    CHECK_EQ(SuspendThread(h), 0);
    c1 = g_count;
    Sleep(50);
    c2 = g_count;
    CHECK_EQ(c1, c2);
    CHECK_EQ(SuspendThread(h), 1);
    CHECK_EQ(ResumeThread(h), 2);
    Sleep(30);
    CHECK_EQ(g_count, c2);
    CHECK_EQ(ResumeThread(h), 1);
    Sleep(30);
    CHECK(g_count > c2);
    CHECK_EQ(ResumeThread(h), 0);
    /* TerminateThread: the code is the thread's exit code; it never runs again. */
    CHECK_OK(TerminateThread(h, 42));
    CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(h, &code));
    CHECK_EQ(code, 42);
    c1 = g_count;
    Sleep(30);
    CHECK_EQ(g_count, c1);
    CHECK_FAIL(SuspendThread(h), (DWORD)-1, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    g_stop = 1;

    /* A thread suspended while inside libwinipc stops when it leaves the call: it never
     * holds the shared store while suspended, so other threads keep working. */
    g_count = 0;
    g_stop = 0;
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    h = CreateThread(NULL, 0, Hammer, ev, 0, NULL);
    while (g_count < 100)
        SwitchToThread();
    CHECK_EQ(SuspendThread(h), 0);
    Sleep(20);
    c1 = g_count;
    {
        HANDLE other = CreateEventA(NULL, TRUE, FALSE, NULL);
        for (i = 0; i < 2000; i++) {
            SetEvent(other);
            ResetEvent(other);
        }
        CHECK_EQ(WaitForSingleObject(other, 0), WAIT_TIMEOUT);
        CloseHandle(other);
    }
    CHECK_EQ(g_count, c1);
    CHECK_EQ(ResumeThread(h), 1);
    Sleep(20);
    CHECK(g_count > c1);
    g_stop = 1;
    CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    CloseHandle(h);
    CloseHandle(ev);

    /* A thread blocked in a wait: the wait completes only after ResumeThread. */
    g_count = 0;
    ev = CreateEventA(NULL, FALSE, FALSE, NULL);
    h = CreateThread(NULL, 0, WaitThenCount, ev, 0, NULL);
    Sleep(30);
    CHECK_EQ(SuspendThread(h), 0);
    CHECK_OK(SetEvent(ev));
    Sleep(50);
    CHECK_EQ(g_count, 0);
    CHECK_EQ(ResumeThread(h), 1);
    CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    CHECK_EQ(g_count, 1);
    CloseHandle(h);
    CloseHandle(ev);

    CHECK_FAIL(SuspendThread(NULL), (DWORD)-1, ERROR_INVALID_HANDLE);
    CHECK_FAIL(ResumeThread(GetCurrentProcess()), (DWORD)-1, ERROR_INVALID_HANDLE);
    CHECK_OK(SwitchToThread());
    CHECK_EQ(GetThreadId(GetCurrentThread()), GetCurrentThreadId());

    /* ---- TLS ---- */
    g_tls = TlsAlloc();
    CHECK(g_tls != TLS_OUT_OF_INDEXES);
    CHECK_OK(TlsSetValue(g_tls, &g_value));
    for (i = 0; i < 3; i++)
        hs[i] = CreateThread(NULL, 0, TlsThread, &hs[i], 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 10000), WAIT_OBJECT_0);
    for (i = 0; i < 3; i++) {
        CHECK_OK(GetExitCodeThread(hs[i], &code));
        CHECK_EQ(code, 0);
        CloseHandle(hs[i]);
    }
    SetLastError(1234);
    CHECK(TlsGetValue(g_tls) == &g_value);
    CHECK_EQ(GetLastError(), 0);
    CHECK_OK(TlsFree(g_tls));
    CHECK_FAIL(TlsGetValue(g_tls), 0, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(TlsSetValue(g_tls, NULL), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(TlsFree(g_tls), FALSE, ERROR_INVALID_PARAMETER);

    /* ---- SRW locks ---- */
    for (i = 0; i < 4; i++)
        hs[i] = CreateThread(NULL, 0, SrwAdder, NULL, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(4, hs, TRUE, 30000), WAIT_OBJECT_0);
    for (i = 0; i < 4; i++)
        CloseHandle(hs[i]);
    CHECK_EQ(g_shared_total, 80000);
    AcquireSRWLockShared(&g_srw);
    CHECK(TryAcquireSRWLockShared(&g_srw));
    CHECK(!TryAcquireSRWLockExclusive(&g_srw));
    ReleaseSRWLockShared(&g_srw);
    ReleaseSRWLockShared(&g_srw);
    CHECK(TryAcquireSRWLockExclusive(&g_srw));
    CHECK(!TryAcquireSRWLockShared(&g_srw));
    ReleaseSRWLockExclusive(&g_srw);

    /* ---- condition variables ---- */
    InitializeCriticalSection(&g_cs);
    g_queue = 0;
    h = CreateThread(NULL, 0, Consumer, NULL, 0, NULL);
    for (i = 0; i < 100; i++) {
        EnterCriticalSection(&g_cs);
        g_queue++;
        LeaveCriticalSection(&g_cs);
        WakeConditionVariable(&g_cv2);
        if (i % 10 == 0)
            Sleep(1);
    }
    CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
    CHECK_EQ(g_consumed, 100);
    CloseHandle(h);
    EnterCriticalSection(&g_cs);
    CHECK_FAIL(SleepConditionVariableCS(&g_cv2, &g_cs, 30), FALSE, ERROR_TIMEOUT);
    LeaveCriticalSection(&g_cs);
    AcquireSRWLockShared(&g_srw);
    CHECK_FAIL(SleepConditionVariableSRW(&g_cv, &g_srw, 10, CONDITION_VARIABLE_LOCKMODE_SHARED),
               FALSE, ERROR_TIMEOUT);
    ReleaseSRWLockShared(&g_srw);
    g_queue = 0;
    for (i = 0; i < 3; i++)
        hs[i] = CreateThread(NULL, 0, SrwConsumer, NULL, 0, NULL);
    Sleep(30);
    AcquireSRWLockExclusive(&g_srw);
    g_queue = 3;
    ReleaseSRWLockExclusive(&g_srw);
    WakeAllConditionVariable(&g_cv);
    CHECK_EQ(WaitForMultipleObjects(3, hs, TRUE, 30000), WAIT_OBJECT_0);
    for (i = 0; i < 3; i++)
        CloseHandle(hs[i]);
    CHECK_EQ(g_queue, 0);
    DeleteCriticalSection(&g_cs);

    /* ---- InitOnceExecuteOnce ---- */
    for (i = 0; i < 4; i++)
        hs[i] = CreateThread(NULL, 0, OnceThread, NULL, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(4, hs, TRUE, 30000), WAIT_OBJECT_0);
    for (i = 0; i < 4; i++) {
        CHECK_OK(GetExitCodeThread(hs[i], &code));
        CHECK_EQ(code, 0);
        CloseHandle(hs[i]);
    }
    CHECK_EQ(g_once_runs, 1);
    ctx = NULL;
    CHECK_OK(InitOnceExecuteOnce(&g_once, InitFn, NULL, &ctx));
    CHECK(ctx == &g_value);
    CHECK_EQ(g_once_runs, 1);
    InitOnceInitialize(&g_once);
    CHECK(!InitOnceExecuteOnce(&g_once, FailFn, NULL, NULL));
    CHECK(!InitOnceExecuteOnce(&g_once, FailFn, NULL, NULL));
    CHECK_EQ(g_once_runs, 3);

    /* ---- CREATE_SUSPENDED processes and a child's main thread ---- */
    evname = uniq("started14");
    ev = CreateEventA(NULL, TRUE, FALSE, evname);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" started %s", argv[0], evname);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si,
                            &pi));
    CHECK_EQ(WaitForSingleObject(ev, 300), WAIT_TIMEOUT);
    CHECK_EQ(SuspendThread(pi.hThread), 1);
    CHECK_EQ(ResumeThread(pi.hThread), 2);
    CHECK_EQ(WaitForSingleObject(ev, 200), WAIT_TIMEOUT);
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 100000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ev);

    /* A running child stopped through its main thread handle. */
    evname = uniq("go14");
    ev = CreateEventA(NULL, TRUE, FALSE, evname);
    snprintf(line, sizeof line, "\"%s\" wait %s", argv[0], evname);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    Sleep(100);
    CHECK_EQ(SuspendThread(pi.hThread), 0);
    SetEvent(ev);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 300), WAIT_TIMEOUT);
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 200000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ev);

    TestFibers();
    TestFiberLocalStorage();
    TestOpenThreadOfAnotherProcess(argv[0]);
    return SUMMARY();
}
