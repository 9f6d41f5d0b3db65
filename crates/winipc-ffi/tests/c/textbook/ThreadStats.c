/*
 * ThreadStats.c - the "worker threads and their results" tutorial: CreateThread with a
 * parameter block, WaitForMultipleObjects (all), GetExitCodeThread, the Interlocked family,
 * timing with QueryPerformanceCounter/QueryPerformanceFrequency and GetTickCount64,
 * Sleep and SleepEx.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define NTHREADS 4
#define ROUNDS 25000

typedef struct {
    int id;
    volatile LONG *counter;
    volatile LONGLONG *total;
} WORKER_PARAM;

static volatile LONG g_flag = 0;
static volatile LONG g_spins = 0;
static PVOID volatile g_owner = NULL;

static DWORD WINAPI Worker(LPVOID lpParam)
{
    WORKER_PARAM *p = (WORKER_PARAM *)lpParam;
    int i;
    for (i = 0; i < ROUNDS; i++) {
        InterlockedIncrement(p->counter);
        InterlockedExchangeAdd64(p->total, (LONGLONG)p->id);
    }
    /* A spin lock made of InterlockedCompareExchange. */
    while (InterlockedCompareExchange(&g_flag, 1, 0) != 0)
        InterlockedIncrement(&g_spins);
    if (InterlockedCompareExchangePointer(&g_owner, p, NULL) != NULL)
        InterlockedExchangePointer(&g_owner, p);
    InterlockedExchange(&g_flag, 0);
    return (DWORD)(p->id * 100);
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThreads[NTHREADS];
    DWORD dwThreadId[NTHREADS], code, sum = 0;
    WORKER_PARAM params[NTHREADS];
    volatile LONG counter = 0;
    volatile LONGLONG total = 0;
    LARGE_INTEGER freq, t0, t1;
    ULONGLONG tick0;
    LONG v = 10;
    int i;

    if (!QueryPerformanceFrequency(&freq) || freq.QuadPart <= 0) {
        _tprintf(_T("no performance counter\n"));
        return 1;
    }
    QueryPerformanceCounter(&t0);
    tick0 = GetTickCount64();

    for (i = 0; i < NTHREADS; i++) {
        params[i].id = i + 1;
        params[i].counter = &counter;
        params[i].total = &total;
        hThreads[i] = CreateThread(NULL, 0, Worker, &params[i], 0, &dwThreadId[i]);
        if (hThreads[i] == NULL) {
            _tprintf(_T("CreateThread failed (%lu)\n"), GetLastError());
            ExitProcess(3);
        }
    }
    WaitForMultipleObjects(NTHREADS, hThreads, TRUE, INFINITE);
    for (i = 0; i < NTHREADS; i++) {
        GetExitCodeThread(hThreads[i], &code);
        sum += code;
        if (GetThreadId(hThreads[i]) != dwThreadId[i])
            _tprintf(_T("thread id mismatch\n"));
        CloseHandle(hThreads[i]);
    }
    _tprintf(_T("counter %ld, total %lld, exit codes sum %lu\n"), counter, total, sum);
    _tprintf(_T("owner set: %s\n"), g_owner != NULL ? _T("yes") : _T("no"));

    /* The other Interlocked forms. */
    _tprintf(_T("InterlockedExchange returned %ld, "), InterlockedExchange(&v, 20));
    _tprintf(_T("InterlockedExchangeAdd returned %ld, "), InterlockedExchangeAdd(&v, 5));
    _tprintf(_T("InterlockedDecrement returned %ld, "), InterlockedDecrement(&v));
    _tprintf(_T("InterlockedCompareExchange (miss) returned %ld, now %ld\n"),
             InterlockedCompareExchange(&v, 0, 99), v);
    {
        LONG o = InterlockedOr(&v, 0x100);
        LONG a = InterlockedAnd(&v, 0xFF);
        LONG x = InterlockedXor(&v, 1);
        _tprintf(_T("InterlockedOr %ld, InterlockedAnd %ld, InterlockedXor %ld, now %ld\n"), o,
                 a, x, v);
    }

    Sleep(30);
    if (SleepEx(20, TRUE) != 0)
        _tprintf(_T("SleepEx returned early\n"));
    QueryPerformanceCounter(&t1);
    {
        double ms = (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)freq.QuadPart;
        ULONGLONG ticks = GetTickCount64() - tick0;
        _tprintf(_T("elapsed >= 50 ms by QueryPerformanceCounter: %s, by GetTickCount64: %s\n"),
                 ms >= 50.0 ? _T("yes") : _T("no"), ticks >= 40 ? _T("yes") : _T("no"));
    }
    return 0;
}
