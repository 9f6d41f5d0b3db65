/*
 * synchsurface.c - the rest of synchapi.h / processthreadsapi.h / winnt.h that ordinary code
 * uses: WaitOnAddress and WakeByAddress* (sizes 1, 2, 4, 8; timeouts; one woken by Single),
 * synchronization barriers (one TRUE per phase, the flags), OpenThread and
 * GetProcessIdOfThread, SetWaitableTimerEx, the Interlocked family, and Wine's sync.c
 * expectations for events, mutexes, semaphores and waits.
 */
#include <windows.h>
#include <tchar.h>
#include <time.h>
#include <unistd.h>
#include "harness.h"

/* ---- WaitOnAddress ---------------------------------------------------------------------- */

static volatile LONG g_word;
static volatile LONG g_woken, g_ready;

static DWORD WINAPI AddrWaiter(LPVOID p)
{
    LONG undesired = 0;
    (void)p;
    InterlockedIncrement(&g_ready);
    while (g_word == undesired) {
        if (WaitOnAddress(&g_word, &undesired, sizeof g_word, 5000))
            break;
    }
    InterlockedIncrement(&g_woken);
    return 0;
}

static void wait_on_address(void)
{
    BYTE b = 7, b_cmp = 7;
    USHORT s = 9, s_cmp = 8;
    LONGLONG ll = 0x100000000LL, ll_cmp = 0x100000000LL;
    LONG cmp = 0;
    HANDLE th[3];
    DWORD t0;
    int i;

    /* A value that already differs: TRUE at once. */
    CHECK_OK(WaitOnAddress(&s, &s_cmp, sizeof s, INFINITE));
    /* Equal values time out: FALSE + ERROR_TIMEOUT. */
    CHECK_FAIL(WaitOnAddress(&b, &b_cmp, 1, 0), FALSE, ERROR_TIMEOUT);
    t0 = GetTickCount();
    CHECK_FAIL(WaitOnAddress(&ll, &ll_cmp, 8, 50), FALSE, ERROR_TIMEOUT);
    CHECK(GetTickCount() - t0 >= 40);
    s_cmp = 9;
    CHECK_FAIL(WaitOnAddress(&s, &s_cmp, 2, 10), FALSE, ERROR_TIMEOUT);
    /* Sizes other than 1, 2, 4, 8. */
    CHECK_FAIL(WaitOnAddress(&ll, &ll_cmp, 3, 0), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(WaitOnAddress(&ll, &ll_cmp, 16, 0), FALSE, ERROR_INVALID_PARAMETER);
    /* Waking nobody is harmless. */
    WakeByAddressSingle(&ll);
    WakeByAddressAll(&ll);

    /* Three waiters: Single wakes exactly one (the value is unchanged, so the others sleep). */
    g_word = 0;
    g_woken = 0;
    g_ready = 0;
    for (i = 0; i < 3; i++)
        th[i] = CreateThread(NULL, 0, AddrWaiter, NULL, 0, NULL);
    for (i = 0; i < 500 && g_ready < 3; i++)
        Sleep(10);
    Sleep(200); /* into WaitOnAddress */
    CHECK_EQ(g_woken, 0);
    /* A woken waiter that sees the same value sleeps again; so change the value first, then
       wake one, and check that exactly one left. */
    InterlockedExchange(&g_word, 1);
    WakeByAddressSingle((PVOID)&g_word);
    for (i = 0; i < 500 && g_woken < 1; i++)
        Sleep(10);
    Sleep(100);
    CHECK_EQ(g_woken, 1);
    WakeByAddressAll((PVOID)&g_word);
    CHECK_EQ(WaitForMultipleObjects(3, th, TRUE, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_woken, 3);
    for (i = 0; i < 3; i++)
        CloseHandle(th[i]);
    (void)cmp;
}

/* ---- barriers --------------------------------------------------------------------------- */

#define BARRIER_THREADS 4
#define PHASES 5
static SYNCHRONIZATION_BARRIER g_barrier;
static volatile LONG g_true_per_phase[PHASES];
static volatile LONG g_arrived[PHASES];
static volatile LONG g_order_bad;
static DWORD g_barrier_flags;

static DWORD WINAPI BarrierThread(LPVOID p)
{
    int ph;
    (void)p;
    for (ph = 0; ph < PHASES; ph++) {
        InterlockedIncrement(&g_arrived[ph]);
        if (EnterSynchronizationBarrier(&g_barrier, g_barrier_flags))
            InterlockedIncrement(&g_true_per_phase[ph]);
        /* Nobody leaves a phase before everyone arrived in it. */
        if (g_arrived[ph] != BARRIER_THREADS)
            InterlockedIncrement(&g_order_bad);
    }
    return 0;
}

static void barriers(void)
{
    static const DWORD flags[] = {0, SYNCHRONIZATION_BARRIER_FLAGS_BLOCK_ONLY,
                                  SYNCHRONIZATION_BARRIER_FLAGS_SPIN_ONLY};
    SYNCHRONIZATION_BARRIER one;
    HANDLE th[BARRIER_THREADS];
    unsigned f;
    int i;

    CHECK_EQ(sizeof(SYNCHRONIZATION_BARRIER), 32);
    CHECK_FAIL(InitializeSynchronizationBarrier(&one, 0, -1), FALSE, ERROR_INVALID_PARAMETER);
    /* A barrier of one: every entry is the last. */
    CHECK_OK(InitializeSynchronizationBarrier(&one, 1, -1));
    CHECK(EnterSynchronizationBarrier(&one, 0));
    CHECK(EnterSynchronizationBarrier(&one, SYNCHRONIZATION_BARRIER_FLAGS_BLOCK_ONLY));
    CHECK(DeleteSynchronizationBarrier(&one));

    for (f = 0; f < sizeof flags / sizeof flags[0]; f++) {
        g_barrier_flags = flags[f];
        memset((void *)g_true_per_phase, 0, sizeof g_true_per_phase);
        memset((void *)g_arrived, 0, sizeof g_arrived);
        g_order_bad = 0;
        CHECK_OK(InitializeSynchronizationBarrier(&g_barrier, BARRIER_THREADS, 100));
        for (i = 0; i < BARRIER_THREADS; i++)
            th[i] = CreateThread(NULL, 0, BarrierThread, NULL, 0, NULL);
        CHECK_EQ(WaitForMultipleObjects(BARRIER_THREADS, th, TRUE, 10000), WAIT_OBJECT_0);
        for (i = 0; i < PHASES; i++)
            CHECK_EQ(g_true_per_phase[i], 1);
        CHECK_EQ(g_order_bad, 0);
        CHECK(DeleteSynchronizationBarrier(&g_barrier));
        for (i = 0; i < BARRIER_THREADS; i++)
            CloseHandle(th[i]);
    }
}

/* ---- threads ---------------------------------------------------------------------------- */

static HANDLE g_go;

static DWORD WINAPI Parked(LPVOID p)
{
    WaitForSingleObject(g_go, INFINITE);
    return (DWORD)(ULONG_PTR)p;
}

/* Spends about 60 ms of CPU time. */
static DWORD WINAPI Spinner(LPVOID p)
{
    struct timespec ts;
    (void)p;
    do {
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    } while (ts.tv_sec == 0 && ts.tv_nsec < 60000000);
    return 0;
}

static ULONGLONG ft64(FILETIME f)
{
    return ((ULONGLONG)f.dwHighDateTime << 32) | f.dwLowDateTime;
}

static DWORD g_main_tid;
static volatile LONG g_main_open_ok;

static DWORD WINAPI OpensMain(LPVOID p)
{
    HANDLE h = OpenThread(SYNCHRONIZE | THREAD_QUERY_INFORMATION, FALSE, g_main_tid);
    (void)p;
    if (h && GetThreadId(h) == g_main_tid && WaitForSingleObject(h, 0) == WAIT_TIMEOUT)
        g_main_open_ok = 1;
    if (h)
        CloseHandle(h);
    return 0;
}

static void threads(void)
{
    DWORD tid, code;
    HANDLE t, h, self;

    g_go = CreateEvent(NULL, TRUE, FALSE, NULL);
    t = CreateThread(NULL, 0, Parked, (LPVOID)42, 0, &tid);
    CHECK(t != NULL);
    CHECK_EQ(GetThreadId(t), tid);
    CHECK_EQ(GetProcessIdOfThread(t), GetCurrentProcessId());
    CHECK_EQ(GetProcessIdOfThread(GetCurrentThread()), GetCurrentProcessId());

    h = OpenThread(THREAD_ALL_ACCESS, FALSE, tid);
    CHECK(h != NULL);
    CHECK(h != t);
    CHECK_EQ(GetThreadId(h), tid);
    CHECK_EQ(GetProcessIdOfThread(h), GetCurrentProcessId());
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    SetEvent(g_go);
    CHECK_EQ(WaitForSingleObject(h, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(h, &code));
    CHECK_EQ(code, 42);
    CloseHandle(h);
    CloseHandle(t);

    /* The calling thread itself, and (from another thread) the main thread. */
    self = OpenThread(THREAD_QUERY_INFORMATION, FALSE, GetCurrentThreadId());
    CHECK(self != NULL);
    CHECK_EQ(GetThreadId(self), GetCurrentThreadId());
    CloseHandle(self);
    g_main_tid = GetCurrentThreadId();
    t = CreateThread(NULL, 0, OpensMain, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(t, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_main_open_ok, 1);
    CloseHandle(t);

    /* A child's main thread belongs to the child. */
    {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char cmd[600];
        char self[512];
        DWORD len = GetModuleFileNameA(NULL, self, sizeof self);
        CHECK(len > 0 && len < sizeof self);
        snprintf(cmd, sizeof cmd, "\"%s\" child", self);
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        CHECK_EQ(GetProcessIdOfThread(pi.hThread), pi.dwProcessId);
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 5000), WAIT_OBJECT_0);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }

    /* Thread descriptions: kept, and the Linux thread name. */
    {
        static const WCHAR name[] = {'s', 'u', 'r', 'f', 'a', 'c', 'e', '-', 'w', 'o', 'r', 'k',
                                     'e', 'r', '-', 'l', 'o', 'n', 'g', 0};
        PWSTR got = NULL;
        char comm[64] = "", path[64];
        FILE *f;
        CHECK_EQ(SetThreadDescription(GetCurrentThread(), name), S_OK);
        CHECK_EQ(GetThreadDescription(GetCurrentThread(), &got), S_OK);
        CHECK(got != NULL && memcmp(got, name, sizeof name) == 0);
        LocalFree(got);
        snprintf(path, sizeof path, "/proc/self/task/%lu/comm", (unsigned long)GetCurrentThreadId());
        f = fopen(path, "r");
        CHECK(f != NULL);
        if (f) {
            CHECK(fgets(comm, sizeof comm, f) != NULL);
            fclose(f);
        }
        CHECK(strcmp(comm, "surface-worker-\n") == 0);
        g_go = CreateEvent(NULL, TRUE, FALSE, NULL);
        t = CreateThread(NULL, 0, Parked, NULL, 0, NULL);
        CHECK_EQ(GetThreadDescription(t, &got), S_OK);
        CHECK(got != NULL && got[0] == 0); /* none set */
        LocalFree(got);
        CHECK_EQ(SetThreadDescription(t, name + 8), S_OK);
        CHECK_EQ(GetThreadDescription(t, &got), S_OK);
        CHECK(got != NULL && memcmp(got, name + 8, sizeof name - 16) == 0);
        LocalFree(got);
        SetEvent(g_go);
        WaitForSingleObject(t, 5000);
        CloseHandle(t);
        CloseHandle(g_go);
        g_go = CreateEvent(NULL, TRUE, FALSE, NULL);
        CHECK_EQ(SetThreadDescription(g_go, name), HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE));
        CHECK_EQ(SetThreadDescription(GetCurrentThread(), NULL),
                 HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER));
    }

    /* GetThreadTimes: a running thread, an ended one, a handle without the query right. */
    {
        FILETIME c, e, k, u, now;
        HANDLE sp, weak;
        DWORD sp_tid;
        GetSystemTimeAsFileTime(&now);
        CHECK_OK(GetThreadTimes(GetCurrentThread(), &c, &e, &k, &u));
        CHECK(ft64(c) != 0 && ft64(c) <= ft64(now) + 10000000);
        CHECK_EQ(ft64(e), 0);
        sp = CreateThread(NULL, 0, Spinner, NULL, 0, &sp_tid);
        weak = OpenThread(SYNCHRONIZE, FALSE, sp_tid);
        CHECK_EQ(WaitForSingleObject(sp, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetThreadTimes(sp, &c, &e, &k, &u));
        CHECK(ft64(c) != 0 && ft64(e) >= ft64(c));
        CHECK(ft64(k) + ft64(u) >= 500000); /* >= 50 ms of CPU */
        CHECK_EQ(u.dwHighDateTime, 0);
        if (weak) {
            CHECK_FAIL(GetThreadTimes(weak, &c, &e, &k, &u), FALSE, ERROR_ACCESS_DENIED);
            CloseHandle(weak);
        }
        CloseHandle(sp);
        CHECK_FAIL(GetThreadTimes(g_go, &c, &e, &k, &u), FALSE, ERROR_INVALID_HANDLE);
    }

    /* Unknown thread ids; no rights at all. */
    CHECK_FAIL(OpenThread(THREAD_ALL_ACCESS, FALSE, 0), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(OpenThread(THREAD_ALL_ACCESS, FALSE, 0xFFFFFFF0u), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(OpenThread(0, FALSE, GetCurrentThreadId()), NULL, ERROR_ACCESS_DENIED);
    /* A handle of another kind. */
    CHECK_FAIL(GetProcessIdOfThread(g_go), 0, ERROR_INVALID_HANDLE);
    CloseHandle(g_go);
}

/* ---- SetWaitableTimerEx ----------------------------------------------------------------- */

static volatile LONG g_apc_calls;

static VOID CALLBACK TimerApc(LPVOID arg, DWORD lo, DWORD hi)
{
    (void)lo;
    (void)hi;
    if (arg == (LPVOID)&g_apc_calls)
        InterlockedIncrement(&g_apc_calls);
}

static void waitable_timer_ex(void)
{
    HANDLE tm = CreateWaitableTimer(NULL, TRUE, NULL);
    LARGE_INTEGER due;
    REASON_CONTEXT rc;

    due.QuadPart = -2000000; /* 200 ms */
    CHECK_OK(SetWaitableTimerEx(tm, &due, 0, NULL, NULL, NULL, 0));
    CHECK_EQ(WaitForSingleObject(tm, 0), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(tm, 2000), WAIT_OBJECT_0);
    memset(&rc, 0, sizeof rc);
    rc.Version = POWER_REQUEST_CONTEXT_VERSION;
    rc.Flags = POWER_REQUEST_CONTEXT_SIMPLE_STRING;
    rc.Reason.SimpleReasonString = NULL;
    CHECK_OK(SetWaitableTimerEx(tm, &due, 0, TimerApc, (LPVOID)&g_apc_calls, &rc, 5));
    CHECK_EQ(SleepEx(2000, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_apc_calls, 1);
    CHECK_OK(CancelWaitableTimer(tm));
    CHECK_FAIL(SetWaitableTimerEx(NULL, &due, 0, NULL, NULL, NULL, 0), FALSE,
               ERROR_INVALID_HANDLE);
    CloseHandle(tm);
}

/* ---- Interlocked ------------------------------------------------------------------------ */

static void interlocked(void)
{
    LONG volatile l = 5;
    LONGLONG volatile ll = 0x100000000LL;
    SHORT volatile s = 1;
    char volatile c = 3;
    PVOID volatile p = NULL;
    int x;

    CHECK_EQ(InterlockedIncrement(&l), 6);
    CHECK_EQ(_InterlockedDecrement(&l), 5);
    CHECK_EQ(InterlockedExchangeAdd(&l, 10), 5);
    CHECK_EQ(InterlockedAdd(&l, 1), 16);
    CHECK_EQ(InterlockedExchangeSubtract(&l, 6), 16);
    CHECK_EQ(InterlockedCompareExchange(&l, 99, 10), 10);
    CHECK_EQ(l, 99);
    CHECK_EQ(_InterlockedCompareExchange(&l, 1, 10), 99);
    CHECK_EQ(InterlockedAnd(&l, 0x0F), 99);
    CHECK_EQ(_InterlockedOr(&l, 0x100), 3);
    CHECK_EQ(InterlockedXor(&l, 0x1), 0x103);
    CHECK_EQ(l, 0x102);
    CHECK_EQ(InterlockedBitTestAndSet(&l, 0), 0);
    CHECK_EQ(InterlockedBitTestAndReset(&l, 0), 1);
    CHECK_EQ(InterlockedIncrement64(&ll), 0x100000001LL);
    CHECK_EQ(InterlockedAnd64(&ll, 0xFFFFFFFFLL), 0x100000001LL);
    CHECK_EQ(InterlockedOr64(&ll, 0x200000000LL), 1);
    CHECK_EQ(InterlockedXor64(&ll, 1), 0x200000001LL);
    CHECK_EQ(_InterlockedExchange64(&ll, 7), 0x200000000LL);
    CHECK_EQ(InterlockedAdd64(&ll, 3), 10);
    CHECK_EQ(InterlockedCompareExchange64(&ll, 1, 10), 10);
    CHECK_EQ(InterlockedIncrement16(&s), 2);
    CHECK_EQ(InterlockedCompareExchange16(&s, 5, 2), 2);
    CHECK_EQ(InterlockedExchange8(&c, 4), 3);
    CHECK_EQ(InterlockedOr8(&c, 1), 4);
    CHECK_EQ(c, 5);
    CHECK(InterlockedExchangePointer(&p, (PVOID)&x) == NULL);
    CHECK(InterlockedCompareExchangePointer(&p, NULL, (PVOID)&x) == (PVOID)&x);
    CHECK(p == NULL);
    CHECK_EQ(InterlockedIncrementAcquire(&l), 0x103);
    MemoryBarrier();
    YieldProcessor();
    _ReadWriteBarrier();
    CHECK_EQ(ReadAcquire(&l), 0x103);
}

/* ---- interlocked singly linked lists ------------------------------------------------------ */

typedef struct {
    SLIST_ENTRY entry;
    LONG value;
} ITEM;

static SLIST_HEADER g_list;
static ITEM g_items[4][4][250]; /* thread, round, item: each item is pushed once */
static volatile LONG g_popped_sum, g_popped_null;

static DWORD WINAPI ListWorker(LPVOID p)
{
    int i, round;
    for (round = 0; round < 4; round++) {
        ITEM *mine = g_items[(ULONG_PTR)p][round];
        for (i = 0; i < 250; i++)
            InterlockedPushEntrySList(&g_list, &mine[i].entry);
        /* As many pops as pushes: the list never looks empty to this thread. */
        for (i = 0; i < 250; i++) {
            PSLIST_ENTRY e = InterlockedPopEntrySList(&g_list);
            if (e)
                InterlockedExchangeAdd(&g_popped_sum, ((ITEM *)e)->value);
            else
                InterlockedIncrement(&g_popped_null);
        }
    }
    return 0;
}

static void slists(void)
{
    SLIST_HEADER h;
    ITEM a, b, c;
    HANDLE th[4];
    LONG want = 0;
    int i, j, r;

    CHECK_EQ(sizeof(SLIST_HEADER), 16);
    CHECK_EQ(sizeof(SLIST_ENTRY), 16);
    InitializeSListHead(&h);
    CHECK_EQ(QueryDepthSList(&h), 0);
    CHECK(InterlockedPopEntrySList(&h) == NULL);
    CHECK(InterlockedPushEntrySList(&h, &a.entry) == NULL);
    CHECK(InterlockedPushEntrySList(&h, &b.entry) == &a.entry);
    CHECK_EQ(QueryDepthSList(&h), 2);
    CHECK(RtlFirstEntrySList(&h) == &b.entry);
    CHECK(InterlockedPopEntrySList(&h) == &b.entry); /* LIFO */
    c.entry.Next = &b.entry;
    CHECK(InterlockedPushListSListEx(&h, &c.entry, &b.entry, 2) == &a.entry);
    CHECK_EQ(QueryDepthSList(&h), 3);
    CHECK(InterlockedFlushSList(&h) == &c.entry);
    CHECK(c.entry.Next == &b.entry && b.entry.Next == &a.entry && a.entry.Next == NULL);
    CHECK_EQ(QueryDepthSList(&h), 0);
    CHECK(InterlockedPopEntrySList(&h) == NULL);

    /* Four threads pushing and popping at once: nothing lost, nothing twice. */
    InitializeSListHead(&g_list);
    for (i = 0; i < 4; i++)
        for (r = 0; r < 4; r++)
            for (j = 0; j < 250; j++) {
                g_items[i][r][j].value = i * 1000 + r * 250 + j;
                want += i * 1000 + r * 250 + j;
            }
    for (i = 0; i < 4; i++)
        th[i] = CreateThread(NULL, 0, ListWorker, (LPVOID)(ULONG_PTR)i, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(4, th, TRUE, 10000), WAIT_OBJECT_0);
    for (i = 0; i < 4; i++)
        CloseHandle(th[i]);
    CHECK_EQ(g_popped_sum, want);
    CHECK_EQ(g_popped_null, 0);
    CHECK_EQ(QueryDepthSList(&g_list), 0);

    /* _aligned_malloc. */
    {
        void *p = _aligned_malloc(100, 64);
        CHECK(p != NULL && ((ULONG_PTR)p & 63) == 0);
        _aligned_free(p);
        _aligned_free(NULL);
        CHECK(_aligned_malloc(16, 24) == NULL);
    }
}

/* ---- one-time initialisation, begun and completed by hand ---------------------------- */

static INIT_ONCE g_once = INIT_ONCE_STATIC_INIT;
static volatile LONG g_inits;

static DWORD WINAPI OnceUser(LPVOID p)
{
    BOOL pending = FALSE;
    PVOID ctx = NULL;
    (void)p;
    if (!InitOnceBeginInitialize(&g_once, 0, &pending, &ctx))
        return 1;
    if (pending) {
        InterlockedIncrement(&g_inits);
        Sleep(50); /* the others wait */
        return InitOnceComplete(&g_once, 0, (LPVOID)(ULONG_PTR)0x1230) ? 0 : 2;
    }
    return ctx == (LPVOID)(ULONG_PTR)0x1230 ? 0 : 3;
}

static void init_once(void)
{
    INIT_ONCE o;
    BOOL pending;
    PVOID ctx;
    HANDLE th[4];
    DWORD code;
    int i;

    /* Synchronous: begin, fail, begin again, complete; then everybody sees it done. */
    InitOnceInitialize(&o);
    pending = FALSE;
    CHECK_OK(InitOnceBeginInitialize(&o, 0, &pending, &ctx));
    CHECK(pending);
    CHECK(o.Ptr == (PVOID)1);
    CHECK_FAIL(InitOnceComplete(&o, INIT_ONCE_INIT_FAILED, (PVOID)0xdeadbeef), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(InitOnceComplete(&o, INIT_ONCE_INIT_FAILED | INIT_ONCE_ASYNC, NULL), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(InitOnceComplete(&o, INIT_ONCE_ASYNC, (PVOID)0xdeadbee0), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_OK(InitOnceComplete(&o, INIT_ONCE_INIT_FAILED, NULL));
    CHECK(o.Ptr == NULL);
    CHECK_OK(InitOnceBeginInitialize(&o, 0, &pending, &ctx));
    CHECK(pending);
    CHECK_FAIL(InitOnceComplete(&o, 0, (PVOID)0xdeadbeef), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(InitOnceComplete(&o, 0, (PVOID)0xdeadbee0));
    CHECK(o.Ptr == (PVOID)0xdeadbee2);
    pending = TRUE;
    ctx = NULL;
    CHECK_OK(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY, &pending, &ctx));
    CHECK(!pending && ctx == (PVOID)0xdeadbee0);
    CHECK_FAIL(InitOnceComplete(&o, 0, (PVOID)0xdeadbee0), FALSE, ERROR_GEN_FAILURE);

    /* Asynchronous: several may begin; the first to complete wins. */
    InitOnceInitialize(&o);
    CHECK_FAIL(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY, &pending, &ctx), FALSE,
               ERROR_GEN_FAILURE);
    CHECK_FAIL(InitOnceBeginInitialize(&o, INIT_ONCE_CHECK_ONLY | INIT_ONCE_ASYNC, &pending,
                                       &ctx),
               FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(InitOnceBeginInitialize(&o, INIT_ONCE_ASYNC, &pending, &ctx));
    CHECK(pending && o.Ptr == (PVOID)3);
    CHECK_OK(InitOnceBeginInitialize(&o, INIT_ONCE_ASYNC, &pending, &ctx));
    CHECK(pending);
    CHECK_FAIL(InitOnceBeginInitialize(&o, 0, &pending, &ctx), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(InitOnceComplete(&o, 0, (PVOID)0xdeadbee0), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(InitOnceComplete(&o, INIT_ONCE_ASYNC, (PVOID)0xdeadbee0));
    CHECK(o.Ptr == (PVOID)0xdeadbee2);
    CHECK_FAIL(InitOnceComplete(&o, INIT_ONCE_ASYNC, (PVOID)0xdeadbee0), FALSE,
               ERROR_GEN_FAILURE);
    CHECK_OK(InitOnceBeginInitialize(&o, INIT_ONCE_ASYNC, &pending, &ctx));
    CHECK(!pending && ctx == (PVOID)0xdeadbee0);
    CHECK_FAIL(InitOnceBeginInitialize(&o, 0x10, &pending, &ctx), FALSE,
               ERROR_INVALID_PARAMETER);

    /* Four threads: one initialises, the others wait and see its context. */
    for (i = 0; i < 4; i++)
        th[i] = CreateThread(NULL, 0, OnceUser, NULL, 0, NULL);
    CHECK_EQ(WaitForMultipleObjects(4, th, TRUE, 10000), WAIT_OBJECT_0);
    for (i = 0; i < 4; i++) {
        CHECK_OK(GetExitCodeThread(th[i], &code));
        CHECK_EQ(code, 0);
        CloseHandle(th[i]);
    }
    CHECK_EQ(g_inits, 1);
}

/* ---- Wine's sync.c expectations --------------------------------------------------------- */

static void wine_objects(void)
{
    TCHAR name[64];
    HANDLE e, e2, m, s, hs[65];
    LONG prev;
    int i;

    _sntprintf(name, 64, TEXT("winipc-surface-%lu"), (unsigned long)GetCurrentProcessId());
    e = CreateEvent(NULL, TRUE, FALSE, name);
    CHECK(e != NULL);
    /* Opening or creating another kind under an event's name. */
    CHECK_FAIL(CreateMutex(NULL, FALSE, name), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CreateSemaphore(NULL, 0, 1, name), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenMutex(SYNCHRONIZE, FALSE, name), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenSemaphore(SYNCHRONIZE, FALSE, name), NULL, ERROR_INVALID_HANDLE);
    /* The same kind: the existing object, ERROR_ALREADY_EXISTS. */
    SetLastError(0xdeadbeef);
    e2 = CreateEvent(NULL, TRUE, FALSE, name);
    CHECK(e2 != NULL);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CloseHandle(e2);
    /* A name with a backslash outside a known namespace. */
    CHECK_FAIL(CreateEvent(NULL, FALSE, FALSE, TEXT("bad\\name")), NULL, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(OpenEvent(EVENT_ALL_ACCESS, FALSE, TEXT("winipc-surface-none")), NULL,
               ERROR_FILE_NOT_FOUND);
    CloseHandle(e);

    /* ReleaseMutex by a thread that does not own it. */
    m = CreateMutex(NULL, FALSE, NULL);
    CHECK_FAIL(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    CHECK_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(m));
    CloseHandle(m);

    /* ReleaseSemaphore past the maximum: ERROR_TOO_MANY_POSTS, count unchanged. */
    s = CreateSemaphore(NULL, 1, 2, NULL);
    prev = 0xdead;
    CHECK_FAIL(ReleaseSemaphore(s, 2, &prev), FALSE, ERROR_TOO_MANY_POSTS);
    CHECK_OK(ReleaseSemaphore(s, 1, &prev));
    CHECK_EQ(prev, 1);
    CHECK_FAIL(ReleaseSemaphore(s, 0, &prev), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphore(NULL, 3, 2, NULL), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphore(NULL, -1, 2, NULL), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateSemaphore(NULL, 0, 0, NULL), NULL, ERROR_INVALID_PARAMETER);

    /* WaitForMultipleObjects with 0 or more than 64 handles. */
    for (i = 0; i < 65; i++)
        hs[i] = s;
    CHECK_FAIL(WaitForMultipleObjects(0, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(WaitForMultipleObjects(65, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    CHECK_EQ(WaitForMultipleObjects(64, hs, FALSE, 0), WAIT_OBJECT_0);

    /* SignalObjectAndWait: signal one, wait on another. */
    e = CreateEvent(NULL, FALSE, FALSE, NULL);
    e2 = CreateEvent(NULL, FALSE, FALSE, NULL);
    CHECK_EQ(SignalObjectAndWait(e, e2, 0, FALSE), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(e, 0), WAIT_OBJECT_0);
    SetEvent(e2);
    CHECK_EQ(SignalObjectAndWait(e, e2, 0, FALSE), WAIT_OBJECT_0);
    CHECK_EQ(SignalObjectAndWait(s, e2, 0, FALSE), WAIT_TIMEOUT); /* a semaphore is released */
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_FAIL(SignalObjectAndWait(NULL, e2, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
    CloseHandle(e);
    CloseHandle(e2);
    CloseHandle(s);
}

int main(int argc, char **argv)
{
    (void)argv;
    if (argc > 1)
        return 0; /* the child of threads() */
    wait_on_address();
    barriers();
    threads();
    waitable_timer_ex();
    interlocked();
    slists();
    init_once();
    wine_objects();
    return SUMMARY();
}
