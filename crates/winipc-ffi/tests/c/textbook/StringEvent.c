/*
 * StringEvent.c - the main thread reads a string; a manual-reset event releases two threads
 * at once, one printing the string and one its length; a mutex keeps their output whole.
 * Then the same with an auto-reset event: one SetEvent wakes only one of them.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

unsigned int WINAPI OutputThreadFunction(LPVOID lpParam);
unsigned int WINAPI CountThreadFunction(LPVOID lpParam);

typedef struct _SynchString {
    TCHAR string[100];
    HANDLE hEvent;
    HANDLE hMutex;
} SynchString;

SynchString gSynString;

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThreads[2];
    DWORD dwThreadIDs[2];
    DWORD r;

    gSynString.hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    gSynString.hMutex = CreateMutex(NULL, FALSE, NULL);
    if (gSynString.hEvent == NULL || gSynString.hMutex == NULL) {
        _fputts(_T("kernel object creation error \n"), stdout);
        return -1;
    }

    hThreads[0] = (HANDLE)_beginthreadex(NULL, 0, OutputThreadFunction, NULL, 0,
                                         (unsigned *)&dwThreadIDs[0]);
    hThreads[1] = (HANDLE)_beginthreadex(NULL, 0, CountThreadFunction, NULL, 0,
                                         (unsigned *)&dwThreadIDs[1]);
    if (hThreads[0] == 0 || hThreads[1] == 0) {
        _fputts(_T("thread creation error \n"), stdout);
        return -1;
    }

    _fputts(_T("Insert string: "), stdout);
    _fgetts(gSynString.string, 30, stdin);
    _fputts(_T("\n"), stdout);

    SetEvent(gSynString.hEvent);
    WaitForMultipleObjects(2, hThreads, TRUE, INFINITE);
    CloseHandle(hThreads[0]);
    CloseHandle(hThreads[1]);

    /* Still signaled until reset. */
    if (WaitForSingleObject(gSynString.hEvent, 0) == WAIT_OBJECT_0)
        _fputts(_T("manual-reset event stays signaled\n"), stdout);
    ResetEvent(gSynString.hEvent);
    if (WaitForSingleObject(gSynString.hEvent, 0) == WAIT_TIMEOUT)
        _fputts(_T("after ResetEvent: WAIT_TIMEOUT\n"), stdout);
    CloseHandle(gSynString.hEvent);

    /* Auto-reset: one SetEvent, one waiter released. */
    gSynString.hEvent = CreateEvent(NULL, FALSE, FALSE, NULL);
    hThreads[0] = (HANDLE)_beginthreadex(NULL, 0, OutputThreadFunction, NULL, 0, NULL);
    hThreads[1] = (HANDLE)_beginthreadex(NULL, 0, CountThreadFunction, NULL, 0, NULL);
    _tcscpy(gSynString.string, _T("auto\n"));
    SetEvent(gSynString.hEvent);
    r = WaitForMultipleObjects(2, hThreads, FALSE, INFINITE);
    Sleep(100);
    if (r <= WAIT_OBJECT_0 + 1 && WaitForSingleObject(hThreads[1 - (r - WAIT_OBJECT_0)], 0) ==
                                      WAIT_TIMEOUT)
        _fputts(_T("auto-reset event released one thread\n"), stdout);
    SetEvent(gSynString.hEvent);
    WaitForMultipleObjects(2, hThreads, TRUE, INFINITE);
    CloseHandle(hThreads[0]);
    CloseHandle(hThreads[1]);
    CloseHandle(gSynString.hEvent);
    CloseHandle(gSynString.hMutex);
    return 0;
}

unsigned int WINAPI OutputThreadFunction(LPVOID lpParam)
{
    WaitForSingleObject(gSynString.hEvent, INFINITE);
    WaitForSingleObject(gSynString.hMutex, INFINITE);
    _fputts(_T("Output string: "), stdout);
    _fputts(gSynString.string, stdout);
    ReleaseMutex(gSynString.hMutex);
    return 0;
}

unsigned int WINAPI CountThreadFunction(LPVOID lpParam)
{
    WaitForSingleObject(gSynString.hEvent, INFINITE);
    WaitForSingleObject(gSynString.hMutex, INFINITE);
    _tprintf(_T("Output string length: %d \n"), (int)_tcslen(gSynString.string) - 1);
    ReleaseMutex(gSynString.hMutex);
    return 0;
}
