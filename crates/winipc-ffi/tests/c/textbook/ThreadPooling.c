/*
 * ThreadPooling.c - the book's own thread pool: a work queue guarded by a mutex, one
 * auto-reset event per worker thread to wake it, and workers that run the queued
 * functions.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define WORK_MAX 10000
#define THREAD_MAX 50

typedef void (*WORK)(void);

DWORD AddWorkToPool(WORK work);
WORK GetWorkFromPool(void);
DWORD MakeThreadToPool(DWORD numOfThread);
void WorkerThreadFunction(LPVOID pParam);

typedef struct __WorkerThread {
    HANDLE hThread;
    DWORD idThread;
} WorkerThread;

struct __ThreadPool {
    WORK workList[WORK_MAX];
    WorkerThread workerThreadList[THREAD_MAX];
    HANDLE workerEventList[THREAD_MAX];
    DWORD idxOfCurrentWork;
    DWORD idxOfLastAddedWork;
    DWORD threadIdx;
} gThreadPool;

static HANDLE mutex = NULL;
static volatile LONG gDone;
static volatile BOOL gQuit;

void InitMutex(void) { mutex = CreateMutex(NULL, FALSE, NULL); }
void DeInitMutex(void) { CloseHandle(mutex); }
void AcquireMutex(void)
{
    DWORD ret = WaitForSingleObject(mutex, INFINITE);
    if (ret == WAIT_FAILED)
        _tprintf(_T("Error Occur! \n"));
}
void ReleaseMutexBook(void)
{
    BOOL ret = ReleaseMutex(mutex);
    if (ret == 0)
        _tprintf(_T("Error Occur! \n"));
}

DWORD AddWorkToPool(WORK work)
{
    DWORD i;
    AcquireMutex();
    if (gThreadPool.idxOfLastAddedWork >= WORK_MAX) {
        _tprintf(_T("AddWorkToPool fail! \n"));
        ReleaseMutexBook();
        return 0;
    }
    gThreadPool.workList[gThreadPool.idxOfLastAddedWork++] = work;
    /* Wake every worker: whoever is idle takes it. */
    for (i = 0; i < gThreadPool.threadIdx; i++)
        SetEvent(gThreadPool.workerEventList[i]);
    ReleaseMutexBook();
    return 1;
}

WORK GetWorkFromPool(void)
{
    WORK work = NULL;
    AcquireMutex();
    if (!(gThreadPool.idxOfCurrentWork < gThreadPool.idxOfLastAddedWork)) {
        ReleaseMutexBook();
        return NULL;
    }
    work = gThreadPool.workList[gThreadPool.idxOfCurrentWork++];
    ReleaseMutexBook();
    return work;
}

DWORD MakeThreadToPool(DWORD numOfThread)
{
    DWORD capacity = THREAD_MAX - (gThreadPool.threadIdx);
    DWORD i;
    if (capacity < numOfThread)
        numOfThread = capacity;
    for (i = 0; i < numOfThread; i++) {
        DWORD idThread;
        HANDLE hThread;
        gThreadPool.workerEventList[gThreadPool.threadIdx] = CreateEvent(NULL, FALSE, FALSE, NULL);
        hThread = CreateThread(NULL, 0, (LPTHREAD_START_ROUTINE)WorkerThreadFunction,
                               (LPVOID)(UINT_PTR)gThreadPool.threadIdx, 0, &idThread);
        gThreadPool.workerThreadList[gThreadPool.threadIdx].hThread = hThread;
        gThreadPool.workerThreadList[gThreadPool.threadIdx].idThread = idThread;
        gThreadPool.threadIdx++;
    }
    return numOfThread;
}

void WorkerThreadFunction(LPVOID pParam)
{
    WORK workFunction;
    HANDLE event = gThreadPool.workerEventList[(DWORD)(UINT_PTR)pParam];

    while (1) {
        workFunction = GetWorkFromPool();
        if (workFunction == NULL) {
            if (gQuit)
                break;
            WaitForSingleObject(event, INFINITE);
            continue;
        }
        workFunction();
    }
}

void TestFunction(void)
{
    InterlockedIncrement(&gDone);
}

int _tmain(int argc, TCHAR *argv[])
{
    DWORD i;
    HANDLE threads[THREAD_MAX];

    InitMutex();
    MakeThreadToPool(3);
    for (i = 0; i < 100; i++)
        AddWorkToPool(TestFunction);
    while (gDone < 100)
        Sleep(10);
    _tprintf(_T("works done: %d\n"), (int)gDone);

    gQuit = TRUE;
    for (i = 0; i < gThreadPool.threadIdx; i++) {
        SetEvent(gThreadPool.workerEventList[i]);
        threads[i] = gThreadPool.workerThreadList[i].hThread;
    }
    if (WaitForMultipleObjects(gThreadPool.threadIdx, threads, TRUE, 10000) == WAIT_OBJECT_0)
        _tprintf(_T("all %d workers ended\n"), (int)gThreadPool.threadIdx);
    for (i = 0; i < gThreadPool.threadIdx; i++) {
        CloseHandle(threads[i]);
        CloseHandle(gThreadPool.workerEventList[i]);
    }
    DeInitMutex();
    return 0;
}
