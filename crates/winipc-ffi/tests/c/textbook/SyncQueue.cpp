/*
 * SyncQueue.cpp - Richter's "Queue" sample in spirit: a bounded queue guarded by an SRWLOCK,
 * writer threads waiting on one CONDITION_VARIABLE when it is full and reader threads on
 * another when it is empty (SleepConditionVariableSRW, WakeConditionVariable,
 * WakeAllConditionVariable), readers taking the lock shared to peek; one-time
 * initialisation (InitOnceExecuteOnce) and a per-thread index (TlsAlloc).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

class CQueue {
public:
    struct ELEMENT {
        int m_nThreadNum, m_nRequestNum;
    };

    CQueue(int nMaxElements) : m_nMaxElements(nMaxElements), m_nCount(0), m_nHead(0)
    {
        m_pElements = (ELEMENT *)HeapAlloc(GetProcessHeap(), 0, sizeof(ELEMENT) * nMaxElements);
    }
    ~CQueue() { HeapFree(GetProcessHeap(), 0, m_pElements); }

    bool IsFull() const { return m_nCount == m_nMaxElements; }
    bool IsEmpty() const { return m_nCount == 0; }
    void AddElement(const ELEMENT &e)
    {
        m_pElements[(m_nHead + m_nCount) % m_nMaxElements] = e;
        m_nCount++;
    }
    ELEMENT GetElement()
    {
        ELEMENT e = m_pElements[m_nHead];
        m_nHead = (m_nHead + 1) % m_nMaxElements;
        m_nCount--;
        return e;
    }
    int Count() const { return m_nCount; }

private:
    ELEMENT *m_pElements;
    int m_nMaxElements, m_nCount, m_nHead;
};

static CQueue g_q(10);
static SRWLOCK g_srwLock;
static CONDITION_VARIABLE g_cvReadyToConsume;
static CONDITION_VARIABLE g_cvReadyToProduce;
static volatile bool g_fShutdown = false;
static LONG g_nConsumed = 0, g_nSum = 0, g_nPeeks = 0;
static DWORD g_tlsIndex;
static INIT_ONCE g_initOnce = INIT_ONCE_STATIC_INIT;
static LONG g_nInits = 0;
static LONG g_initValue = 1234; /* the context: its low 2 bits must be 0 (aligned) */

static BOOL CALLBACK InitHandleFunction(PINIT_ONCE, PVOID Parameter, PVOID *lpContext)
{
    InterlockedIncrement(&g_nInits);
    *lpContext = Parameter;
    return TRUE;
}

static unsigned __stdcall WriterThread(PVOID pvParam)
{
    int nThreadNum = (int)(INT_PTR)pvParam;
    PVOID ctx = NULL;
    InitOnceExecuteOnce(&g_initOnce, InitHandleFunction, &g_initValue, &ctx);
    TlsSetValue(g_tlsIndex, (LPVOID)(INT_PTR)(nThreadNum + 100));
    for (int nRequestNum = 1; nRequestNum <= 100; nRequestNum++) {
        CQueue::ELEMENT e = {nThreadNum, nRequestNum};
        AcquireSRWLockExclusive(&g_srwLock);
        while (g_q.IsFull() && !g_fShutdown)
            SleepConditionVariableSRW(&g_cvReadyToProduce, &g_srwLock, INFINITE, 0);
        g_q.AddElement(e);
        ReleaseSRWLockExclusive(&g_srwLock);
        WakeConditionVariable(&g_cvReadyToConsume);
    }
    return (unsigned)(INT_PTR)TlsGetValue(g_tlsIndex);
}

static unsigned __stdcall ReaderThread(PVOID pvParam)
{
    int nThreadNum = (int)(INT_PTR)pvParam;
    TlsSetValue(g_tlsIndex, (LPVOID)(INT_PTR)(nThreadNum + 200));
    for (;;) {
        AcquireSRWLockShared(&g_srwLock);
        if (!g_q.IsEmpty())
            InterlockedIncrement(&g_nPeeks);
        ReleaseSRWLockShared(&g_srwLock);

        AcquireSRWLockExclusive(&g_srwLock);
        while (g_q.IsEmpty() && !g_fShutdown) {
            if (!SleepConditionVariableSRW(&g_cvReadyToConsume, &g_srwLock, 1000, 0) &&
                GetLastError() != ERROR_TIMEOUT) {
                ReleaseSRWLockExclusive(&g_srwLock);
                return 1;
            }
        }
        if (g_q.IsEmpty() && g_fShutdown) {
            ReleaseSRWLockExclusive(&g_srwLock);
            break;
        }
        CQueue::ELEMENT e = g_q.GetElement();
        ReleaseSRWLockExclusive(&g_srwLock);
        WakeConditionVariable(&g_cvReadyToProduce);
        InterlockedIncrement(&g_nConsumed);
        InterlockedExchangeAdd(&g_nSum, e.m_nRequestNum);
    }
    return (unsigned)(INT_PTR)TlsGetValue(g_tlsIndex);
}

int _tmain(int, TCHAR *[])
{
    HANDLE hThreads[6];
    DWORD code, codes = 0;
    BOOL pending;
    PVOID ctx = NULL;

    InitializeSRWLock(&g_srwLock);
    InitializeConditionVariable(&g_cvReadyToConsume);
    InitializeConditionVariable(&g_cvReadyToProduce);
    g_tlsIndex = TlsAlloc();
    if (g_tlsIndex == TLS_OUT_OF_INDEXES)
        return 1;
    TlsSetValue(g_tlsIndex, (LPVOID)7);

    int n = 0;
    for (int x = 0; x < 3; x++)
        hThreads[n++] = (HANDLE)_beginthreadex(NULL, 0, WriterThread, (PVOID)(INT_PTR)x, 0, NULL);
    for (int x = 0; x < 3; x++)
        hThreads[n++] = (HANDLE)_beginthreadex(NULL, 0, ReaderThread, (PVOID)(INT_PTR)x, 0, NULL);

    WaitForMultipleObjects(3, hThreads, TRUE, INFINITE);
    AcquireSRWLockExclusive(&g_srwLock);
    g_fShutdown = true;
    ReleaseSRWLockExclusive(&g_srwLock);
    WakeAllConditionVariable(&g_cvReadyToConsume);
    WakeAllConditionVariable(&g_cvReadyToProduce);
    WaitForMultipleObjects(3, &hThreads[3], TRUE, INFINITE);
    for (int x = 0; x < 6; x++) {
        GetExitCodeThread(hThreads[x], &code);
        codes += code;
        CloseHandle(hThreads[x]);
    }
    _tprintf(_T("consumed %d elements, sum %d, queue empty: %s\n"), (int)g_nConsumed,
             (int)g_nSum, g_q.IsEmpty() ? _T("yes") : _T("no"));
    _tprintf(_T("thread exit codes (TLS values) sum %u, mine still %d\n"), (unsigned)codes,
             (int)(INT_PTR)TlsGetValue(g_tlsIndex));
    InitOnceBeginInitialize(&g_initOnce, INIT_ONCE_CHECK_ONLY, &pending, &ctx);
    _tprintf(_T("init once: %d call(s), context %d\n"), (int)g_nInits,
             ctx ? (int)*(LONG *)ctx : -1);
    TlsFree(g_tlsIndex);

    /* TryAcquire and a timed-out wait. */
    AcquireSRWLockShared(&g_srwLock);
    _tprintf(_T("TryAcquireSRWLockExclusive while shared: %d\n"),
             (int)TryAcquireSRWLockExclusive(&g_srwLock));
    ReleaseSRWLockShared(&g_srwLock);
    CRITICAL_SECTION cs;
    CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
    InitializeCriticalSectionAndSpinCount(&cs, 4000);
    EnterCriticalSection(&cs);
    if (!SleepConditionVariableCS(&cv, &cs, 50) && GetLastError() == ERROR_TIMEOUT)
        _tprintf(_T("SleepConditionVariableCS: ERROR_TIMEOUT\n"));
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    return 0;
}
