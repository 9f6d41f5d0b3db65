/*
 * BeginThread.c - _beginthread (the handle closes itself) next to _beginthreadex (the caller
 * closes it): three workers sum their ranges; the main thread waits on an event.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

LONG gTotal, gLeft = 3;
HANDLE hAllDone;

void Worker(void *arg)
{
    int i, n = (int)(INT_PTR)arg, sum = 0;
    for (i = 1; i <= n; i++)
        sum += i;
    InterlockedExchangeAdd(&gTotal, sum);
    if (InterlockedDecrement(&gLeft) == 0)
        SetEvent(hAllDone);
}

void Ender(void *arg)
{
    SetEvent((HANDLE)arg);
    _endthread();
}

int _tmain(int argc, TCHAR *argv[])
{
    uintptr_t t;
    HANDLE hEvent;

    hAllDone = CreateEvent(NULL, TRUE, FALSE, NULL);
    _beginthread(Worker, 0, (void *)10);
    _beginthread(Worker, 0, (void *)100);
    t = _beginthread(Worker, 0, (void *)1000);
    if (t == (uintptr_t)-1L)
        _tprintf(_T("_beginthread failed\n"));
    WaitForSingleObject(hAllDone, INFINITE);
    _tprintf(_T("total %d\n"), (int)gTotal);
    hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    _beginthread(Ender, 0, hEvent);
    _tprintf(_T("_endthread: %s\n"),
             WaitForSingleObject(hEvent, 5000) == WAIT_OBJECT_0 ? _T("ok") : _T("timeout"));
    if (_beginthread(NULL, 0, NULL) == (uintptr_t)-1L)
        _tprintf(_T("NULL routine: -1, errno EINVAL: %s\n"),
                 errno == EINVAL ? _T("yes") : _T("no"));
    CloseHandle(hEvent);
    CloseHandle(hAllDone);
    return 0;
}
