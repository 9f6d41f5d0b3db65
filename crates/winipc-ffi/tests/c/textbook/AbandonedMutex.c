/*
 * AbandonedMutex.c - mutex ownership: recursion, ReleaseMutex by a thread that does not own
 * it (ERROR_NOT_OWNER), a thread that ends holding it (WAIT_ABANDONED, then the waiter owns
 * it), and a child process that exits holding a named mutex.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

HANDLE hMutex;

unsigned WINAPI TakeAndLeave(LPVOID p)
{
    WaitForSingleObject(hMutex, INFINITE);
    return 0; /* ends without ReleaseMutex */
}

unsigned WINAPI TryRelease(LPVOID p)
{
    if (!ReleaseMutex(hMutex))
        _tprintf(_T("ReleaseMutex by another thread: %d\n"), (int)GetLastError());
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThread, hNamed;
    STARTUPINFO si = {0,};
    PROCESS_INFORMATION pi;
    TCHAR cmd[] = _T("AbandonedMutex child");
    DWORD r;

    if (argc > 1) {
        /* The child: take the named mutex and exit without releasing it. */
        hNamed = OpenMutex(SYNCHRONIZE, FALSE, _T("AbandonedMutexNamed"));
        if (hNamed == NULL)
            return 2;
        WaitForSingleObject(hNamed, INFINITE);
        ExitProcess(0);
    }

    hMutex = CreateMutex(NULL, TRUE, NULL); /* owned by main */
    WaitForSingleObject(hMutex, INFINITE);  /* recursion: count 2 */
    hThread = (HANDLE)_beginthreadex(NULL, 0, TryRelease, NULL, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
    r = ReleaseMutex(hMutex);
    _tprintf(_T("release 1: %d"), (int)r);
    r = ReleaseMutex(hMutex);
    _tprintf(_T(", release 2: %d"), (int)r);
    r = ReleaseMutex(hMutex);
    _tprintf(_T(", release 3: %d (%d)\n"), (int)r, (int)GetLastError());

    hThread = (HANDLE)_beginthreadex(NULL, 0, TakeAndLeave, NULL, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
    r = WaitForSingleObject(hMutex, INFINITE);
    _tprintf(_T("after the owner thread ended: %s\n"),
             r == WAIT_ABANDONED ? _T("WAIT_ABANDONED") : _T("not abandoned"));
    r = WaitForSingleObject(hMutex, 0);
    _tprintf(_T("again: %s\n"), r == WAIT_OBJECT_0 ? _T("WAIT_OBJECT_0") : _T("?"));
    ReleaseMutex(hMutex);
    ReleaseMutex(hMutex);
    CloseHandle(hMutex);

    hNamed = CreateMutex(NULL, FALSE, _T("AbandonedMutexNamed"));
    si.cb = sizeof(si);
    if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    r = WaitForSingleObject(hNamed, 5000);
    _tprintf(_T("after the owner process ended: %s\n"),
             r == WAIT_ABANDONED ? _T("WAIT_ABANDONED")
                                 : r == WAIT_OBJECT_0 ? _T("WAIT_OBJECT_0") : _T("?"));
    ReleaseMutex(hNamed);
    CloseHandle(hNamed);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return 0;
}
