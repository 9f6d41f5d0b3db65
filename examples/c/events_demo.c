/*
 * events_demo.c - a named manual-reset event and an inherited mutex shared
 * with a child process; the child exits while owning the mutex, so the
 * parent's wait returns WAIT_ABANDONED and the parent becomes the owner.
 *
 *   events_demo                 (the child is "events_demo child HANDLE NAME")
 *
 * The child is found like any program named without a path: in the
 * directory of this executable.  The output is deterministic; see
 * examples/c/expected/events_demo.out.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static void PrintError(LPCTSTR lpszFunction)
{
    _ftprintf(stderr, TEXT("%s failed with error %lu\n"), lpszFunction,
              (unsigned long)GetLastError());
}

static LPCTSTR WaitName(DWORD dwResult)
{
    switch (dwResult) {
    case WAIT_OBJECT_0:  return TEXT("WAIT_OBJECT_0");
    case WAIT_ABANDONED: return TEXT("WAIT_ABANDONED");
    case WAIT_TIMEOUT:   return TEXT("WAIT_TIMEOUT");
    case WAIT_FAILED:    return TEXT("WAIT_FAILED");
    default:             return TEXT("(unexpected)");
    }
}

static int Child(LPCTSTR lpszMutex, LPCTSTR lpszEventName)
{
    /* The mutex handle was inherited: same value as in the parent. */
    HANDLE hMutex = (HANDLE)(ULONG_PTR)_tcstoui64(lpszMutex, NULL, 10);
    HANDLE hEvent;
    DWORD dwResult;

    dwResult = WaitForSingleObject(hMutex, INFINITE);
    _tprintf(TEXT("child: WaitForSingleObject(mutex) = %s\n"), WaitName(dwResult));

    /* Creating an existing named event opens it. */
    hEvent = CreateEvent(NULL, TRUE, FALSE, lpszEventName);
    if (hEvent == NULL) {
        PrintError(TEXT("CreateEvent (child)"));
        return 1;
    }
    _tprintf(TEXT("child: CreateEvent(name) opened the existing event: %s\n"),
             GetLastError() == ERROR_ALREADY_EXISTS ? TEXT("yes") : TEXT("no"));
    _tprintf(TEXT("child: setting the event and exiting without ReleaseMutex\n"));
    fflush(stdout);

    SetEvent(hEvent);
    ExitProcess(7);     /* still owns the mutex: it becomes abandoned */
}

int _tmain(int argc, TCHAR *argv[])
{
    SECURITY_ATTRIBUTES sa;
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    HANDLE hMutex, hEvent;
    TCHAR szEventName[64];
    TCHAR szCommandLine[160];
    DWORD dwResult, dwExitCode = 0;

    if (argc == 4 && _tcscmp(argv[1], TEXT("child")) == 0)
        return Child(argv[2], argv[3]);

    /* Inheritable, unowned, unnamed mutex. */
    sa.nLength = sizeof(sa);
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    hMutex = CreateMutex(&sa, FALSE, NULL);
    if (hMutex == NULL) {
        PrintError(TEXT("CreateMutex"));
        return 1;
    }

    /* Named manual-reset event, initially non-signaled (not inherited). */
    _stprintf(szEventName, TEXT("winipc_events_demo_%lu"), (unsigned long)GetCurrentProcessId());
    hEvent = CreateEvent(NULL, TRUE, FALSE, szEventName);
    if (hEvent == NULL) {
        PrintError(TEXT("CreateEvent"));
        return 1;
    }

    _tprintf(TEXT("parent: starting child\n"));
    fflush(stdout);     /* the child shares our stdout */

    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    _stprintf(szCommandLine, TEXT("events_demo child %llu %s"),
              (unsigned long long)(ULONG_PTR)hMutex, szEventName);
    if (!CreateProcess(NULL, szCommandLine, NULL, NULL,
                       TRUE,            /* bInheritHandles: the child gets hMutex */
                       0, NULL, NULL, &si, &pi)) {
        PrintError(TEXT("CreateProcess"));
        return 1;
    }

    dwResult = WaitForSingleObject(hEvent, INFINITE);
    _tprintf(TEXT("parent: WaitForSingleObject(event) = %s\n"), WaitName(dwResult));

    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &dwExitCode);
    _tprintf(TEXT("parent: child exited with code %lu\n"), (unsigned long)dwExitCode);

    dwResult = WaitForSingleObject(hMutex, INFINITE);
    _tprintf(TEXT("parent: WaitForSingleObject(mutex) = %s\n"), WaitName(dwResult));

    /* The abandoned mutex is now ours: one release succeeds, the next fails. */
    _tprintf(TEXT("parent: ReleaseMutex = %s\n"), ReleaseMutex(hMutex) ? TEXT("TRUE") : TEXT("FALSE"));
    if (!ReleaseMutex(hMutex))
        _tprintf(TEXT("parent: second ReleaseMutex = FALSE, error %lu (ERROR_NOT_OWNER = %d)\n"),
                 (unsigned long)GetLastError(), ERROR_NOT_OWNER);

    /* A manual-reset event stays signaled until reset. */
    _tprintf(TEXT("parent: event still signaled: %s\n"),
             WaitForSingleObject(hEvent, 0) == WAIT_OBJECT_0 ? TEXT("yes") : TEXT("no"));
    ResetEvent(hEvent);
    _tprintf(TEXT("parent: after ResetEvent: %s\n"), WaitName(WaitForSingleObject(hEvent, 0)));

    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(hEvent);
    CloseHandle(hMutex);
    return 0;
}
