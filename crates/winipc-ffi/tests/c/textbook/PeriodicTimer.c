/*
 * PeriodicTimer.c - waitable timers: a manual-reset one-shot timer, then a periodic
 * auto-reset timer (negative, relative due time) that fires five times, then
 * CancelWaitableTimer.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hTimer;
    LARGE_INTEGER liDueTime;
    DWORD start, elapsed;
    int i;

    liDueTime.QuadPart = -1000000; /* 100 ms */

    hTimer = CreateWaitableTimer(NULL, TRUE, _T("WaitableTimer"));
    if (!hTimer) {
        _tprintf(_T("CreateWaitableTimer failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    _tprintf(_T("Waiting for 0.1 seconds...\n"));
    start = GetTickCount();
    SetWaitableTimer(hTimer, &liDueTime, 0, NULL, NULL, FALSE);
    WaitForSingleObject(hTimer, INFINITE);
    elapsed = GetTickCount() - start;
    _tprintf(_T("Timer was signaled (%s).\n"), elapsed >= 90 ? _T("on time") : _T("TOO EARLY"));
    if (WaitForSingleObject(hTimer, 0) == WAIT_OBJECT_0)
        _tprintf(_T("a manual-reset timer stays signaled\n"));
    CloseHandle(hTimer);

    hTimer = CreateWaitableTimer(NULL, FALSE, NULL);
    liDueTime.QuadPart = -500000; /* 50 ms, then every 50 ms */
    SetWaitableTimer(hTimer, &liDueTime, 50, NULL, NULL, FALSE);
    start = GetTickCount();
    for (i = 1; i <= 5; i++) {
        WaitForSingleObject(hTimer, INFINITE);
        _tprintf(_T("Timer was signaled %d\n"), i);
    }
    elapsed = GetTickCount() - start;
    _tprintf(_T("five periods: %s\n"), elapsed >= 230 ? _T("on time") : _T("TOO EARLY"));
    CancelWaitableTimer(hTimer);
    if (WaitForSingleObject(hTimer, 200) == WAIT_TIMEOUT)
        _tprintf(_T("canceled: WAIT_TIMEOUT\n"));
    CloseHandle(hTimer);
    return 0;
}
