/*
 * RegisterWait.c - the system thread pool: RegisterWaitForSingleObject on an auto-reset
 * event (the callback runs on each signal), WT_EXECUTEONLYONCE, a timed-out wait callback,
 * UnregisterWaitEx waiting for callbacks, QueueUserWorkItem.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

LONG gSignaled, gTimedOut, gWork;
HANDLE hDone;

VOID CALLBACK WaitCallback(PVOID context, BOOLEAN timedOut)
{
    if (timedOut)
        InterlockedIncrement(&gTimedOut);
    else
        InterlockedIncrement(&gSignaled);
}

DWORD WINAPI WorkItem(LPVOID p)
{
    if (InterlockedExchangeAdd(&gWork, (LONG)(INT_PTR)p) + (LONG)(INT_PTR)p == 15)
        SetEvent(hDone);
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hEvent, hWait, hWaitOnce, hWaitTimeout, hOnce, hNever;
    int i;

    hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    hOnce = CreateEvent(NULL, TRUE, FALSE, NULL);
    hNever = CreateEvent(NULL, TRUE, FALSE, NULL);
    hDone = CreateEvent(NULL, TRUE, FALSE, NULL);

    if (!RegisterWaitForSingleObject(&hWait, hEvent, WaitCallback, NULL, INFINITE,
                                     WT_EXECUTEDEFAULT)) {
        _tprintf(_T("RegisterWaitForSingleObject failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    for (i = 0; i < 3; i++) {
        SetEvent(hEvent);
        while (InterlockedCompareExchange(&gSignaled, 0, 0) < i + 1)
            Sleep(5);
    }
    UnregisterWaitEx(hWait, INVALID_HANDLE_VALUE);
    SetEvent(hEvent);
    Sleep(50);
    _tprintf(_T("signaled callbacks: %d\n"), (int)gSignaled);

    gSignaled = 0;
    RegisterWaitForSingleObject(&hWaitOnce, hOnce, WaitCallback, NULL, INFINITE,
                                WT_EXECUTEONLYONCE);
    SetEvent(hOnce); /* manual-reset, stays signaled: still one callback */
    Sleep(100);
    _tprintf(_T("WT_EXECUTEONLYONCE callbacks: %d\n"), (int)gSignaled);
    UnregisterWaitEx(hWaitOnce, INVALID_HANDLE_VALUE);

    RegisterWaitForSingleObject(&hWaitTimeout, hNever, WaitCallback, NULL, 20,
                                WT_EXECUTEONLYONCE);
    Sleep(200);
    _tprintf(_T("timed-out callbacks: %d\n"), (int)gTimedOut);
    UnregisterWaitEx(hWaitTimeout, INVALID_HANDLE_VALUE);

    for (i = 1; i <= 5; i++)
        QueueUserWorkItem(WorkItem, (PVOID)(INT_PTR)i, WT_EXECUTEDEFAULT);
    if (WaitForSingleObject(hDone, 5000) == WAIT_OBJECT_0)
        _tprintf(_T("work items sum: %d\n"), (int)gWork);
    CloseHandle(hEvent);
    CloseHandle(hOnce);
    CloseHandle(hNever);
    CloseHandle(hDone);
    return 0;
}
