/*
 * ProducerConsumer.c - the classic bounded buffer: two semaphores count empty and full
 * slots, a critical section guards the ring; two producers, three consumers. The consumers
 * end on a sentinel; main waits for all threads with WaitForMultipleObjects and collects
 * their exit codes with GetExitCodeThread.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define BUFFER_SIZE 8
#define ITEMS_PER_PRODUCER 500
#define PRODUCERS 2
#define CONSUMERS 3

static int g_buffer[BUFFER_SIZE];
static int g_in = 0, g_out = 0;
static CRITICAL_SECTION g_cs;
static HANDLE g_hEmpty, g_hFull;
static volatile LONG g_maxFill = 0, g_fill = 0;

static void Put(int item)
{
    WaitForSingleObject(g_hEmpty, INFINITE);
    EnterCriticalSection(&g_cs);
    g_buffer[g_in] = item;
    g_in = (g_in + 1) % BUFFER_SIZE;
    if (++g_fill > g_maxFill)
        g_maxFill = g_fill;
    LeaveCriticalSection(&g_cs);
    ReleaseSemaphore(g_hFull, 1, NULL);
}

static int Get(void)
{
    int item;
    WaitForSingleObject(g_hFull, INFINITE);
    EnterCriticalSection(&g_cs);
    item = g_buffer[g_out];
    g_out = (g_out + 1) % BUFFER_SIZE;
    g_fill--;
    LeaveCriticalSection(&g_cs);
    ReleaseSemaphore(g_hEmpty, 1, NULL);
    return item;
}

static DWORD WINAPI Producer(LPVOID lpParam)
{
    int id = (int)(INT_PTR)lpParam, i;
    for (i = 1; i <= ITEMS_PER_PRODUCER; i++)
        Put(id * 10000 + i);
    return (DWORD)id;
}

static DWORD WINAPI Consumer(LPVOID lpParam)
{
    DWORD count = 0;
    (void)lpParam;
    for (;;) {
        int item = Get();
        if (item < 0)
            break;
        count++;
    }
    return count; /* how many items this consumer took */
}

int _tmain(void)
{
    HANDLE hThreads[PRODUCERS + CONSUMERS];
    DWORD i, code, consumed = 0, producerSum = 0;
    LONG prev = -1;

    InitializeCriticalSection(&g_cs);
    g_hEmpty = CreateSemaphore(NULL, BUFFER_SIZE, BUFFER_SIZE, NULL);
    g_hFull = CreateSemaphore(NULL, 0, BUFFER_SIZE, NULL);
    if (g_hEmpty == NULL || g_hFull == NULL) {
        _tprintf(_T("CreateSemaphore error: %lu\n"), GetLastError());
        return 1;
    }
    for (i = 0; i < PRODUCERS; i++)
        hThreads[i] = CreateThread(NULL, 0, Producer, (LPVOID)(INT_PTR)(i + 1), 0, NULL);
    for (i = 0; i < CONSUMERS; i++)
        hThreads[PRODUCERS + i] = CreateThread(NULL, 0, Consumer, NULL, 0, NULL);

    /* Producers first, then one sentinel per consumer. */
    if (WaitForMultipleObjects(PRODUCERS, hThreads, TRUE, INFINITE) != WAIT_OBJECT_0)
        _tprintf(_T("WaitForMultipleObjects failed (%lu)\n"), GetLastError());
    for (i = 0; i < CONSUMERS; i++)
        Put(-1);
    WaitForMultipleObjects(CONSUMERS, hThreads + PRODUCERS, TRUE, INFINITE);

    for (i = 0; i < PRODUCERS + CONSUMERS; i++) {
        if (!GetExitCodeThread(hThreads[i], &code))
            _tprintf(_T("GetExitCodeThread failed (%lu)\n"), GetLastError());
        if (i < PRODUCERS)
            producerSum += code;
        else
            consumed += code;
        CloseHandle(hThreads[i]);
    }
    _tprintf(_T("producers' exit codes sum %lu, items consumed %lu\n"), producerSum, consumed);
    _tprintf(_T("buffer never over %d: %s\n"), BUFFER_SIZE,
             g_maxFill <= BUFFER_SIZE ? _T("yes") : _T("no"));
    /* The ring is empty: every slot is free, so one more release is over the maximum. */
    if (!ReleaseSemaphore(g_hEmpty, 1, &prev))
        _tprintf(_T("all slots free: ReleaseSemaphore error %lu\n"), GetLastError());
    if (!ReleaseSemaphore(g_hFull, 0, &prev))
        _tprintf(_T("release count 0: error %lu\n"), GetLastError());
    DeleteCriticalSection(&g_cs);
    CloseHandle(g_hEmpty);
    CloseHandle(g_hFull);
    return 0;
}
