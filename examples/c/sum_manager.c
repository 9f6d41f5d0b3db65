/*
 * sum_manager.c - splits FROM..TO in two halves, starts one sum_child per
 * half with CreateProcess, and collects the two sums with GetExitCodeProcess.
 *
 *   sum_manager single|multiple FROM TO
 *
 *   single    waits for each child with WaitForSingleObject
 *   multiple  waits for both at once with WaitForMultipleObjects(bWaitAll=TRUE)
 *
 * sum_child is found the way CreateProcess finds any program named without
 * a path: first in the directory of this executable.  Output for
 * "sum_manager single 1 1000":
 *
 *   Mode: single
 *   Child 1: sum(1..500) = 125250
 *   Child 2: sum(501..1000) = 375250
 *   Total: 500500
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define CHILD_COUNT 2

typedef struct CHILD {
    DWORD dwFrom;
    DWORD dwTo;
    PROCESS_INFORMATION pi;
    DWORD dwExitCode;
} CHILD;

static void PrintError(LPCTSTR lpszFunction)
{
    DWORD dwError = GetLastError();
    LPTSTR lpszMessage = NULL;
    DWORD cchMessage;

    cchMessage = FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                   FORMAT_MESSAGE_IGNORE_INSERTS,
                               NULL, dwError, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                               (LPTSTR)&lpszMessage, 0, NULL);
    while (cchMessage > 0 && (lpszMessage[cchMessage - 1] == TEXT('\n') ||
                              lpszMessage[cchMessage - 1] == TEXT('\r')))
        lpszMessage[--cchMessage] = TEXT('\0');
    _ftprintf(stderr, TEXT("%s failed with error %lu: %s\n"), lpszFunction,
              (unsigned long)dwError, cchMessage > 0 ? lpszMessage : TEXT("(no message text)"));
    if (lpszMessage != NULL)
        LocalFree(lpszMessage);
}

static BOOL StartChild(CHILD *pChild)
{
    STARTUPINFO si;
    TCHAR szCommandLine[64];   /* CreateProcess may modify it: must be writable */

    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    ZeroMemory(&pChild->pi, sizeof(pChild->pi));

    _stprintf(szCommandLine, TEXT("sum_child %lu %lu"),
              (unsigned long)pChild->dwFrom, (unsigned long)pChild->dwTo);

    if (!CreateProcess(NULL,            /* program taken from the command line */
                       szCommandLine,
                       NULL, NULL,      /* default process/thread security */
                       FALSE,           /* inherit no handles */
                       0,               /* no creation flags */
                       NULL, NULL,      /* our environment and current directory */
                       &si, &pChild->pi)) {
        PrintError(TEXT("CreateProcess"));
        return FALSE;
    }
    return TRUE;
}

static BOOL ParseDword(LPCTSTR lpsz, DWORD *pdw)
{
    TCHAR *pEnd = NULL;
    unsigned long long v;

    if (lpsz[0] == TEXT('\0') || lpsz[0] == TEXT('-'))
        return FALSE;
    v = _tcstoui64(lpsz, &pEnd, 10);
    if (*pEnd != TEXT('\0') || v > 0xFFFFFFFFULL)
        return FALSE;
    *pdw = (DWORD)v;
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    CHILD children[CHILD_COUNT];
    HANDLE hProcesses[CHILD_COUNT];
    BOOL fMultiple;
    DWORD dwFrom, dwTo, dwMid, dwResult;
    ULONGLONG ullTotal = 0;
    int i, nStarted = 0, rc = 0;

    if (argc != 4 || (_tcscmp(argv[1], TEXT("single")) != 0 &&
                      _tcscmp(argv[1], TEXT("multiple")) != 0) ||
        !ParseDword(argv[2], &dwFrom) || !ParseDword(argv[3], &dwTo) || dwFrom > dwTo ||
        dwTo == 0xFFFFFFFF) {
        _ftprintf(stderr, TEXT("usage: sum_manager single|multiple FROM TO   (FROM <= TO < 4294967295)\n"));
        return 2;
    }
    fMultiple = (_tcscmp(argv[1], TEXT("multiple")) == 0);

    dwMid = dwFrom + (dwTo - dwFrom) / 2;
    children[0].dwFrom = dwFrom;
    children[0].dwTo = dwMid;
    children[1].dwFrom = dwMid + 1;     /* empty (sums to 0) when FROM == TO */
    children[1].dwTo = dwTo;

    for (i = 0; i < CHILD_COUNT; i++) {
        if (!StartChild(&children[i])) {
            rc = 1;
            break;
        }
        hProcesses[i] = children[i].pi.hProcess;
        nStarted++;
    }

    _tprintf(TEXT("Mode: %s\n"), fMultiple ? TEXT("multiple") : TEXT("single"));

    if (rc == 0 && fMultiple) {
        dwResult = WaitForMultipleObjects(CHILD_COUNT, hProcesses, TRUE, INFINITE);
        /* With bWaitAll, any value in WAIT_OBJECT_0 .. WAIT_OBJECT_0 + n - 1 means "all". */
        if (dwResult >= WAIT_OBJECT_0 + CHILD_COUNT) {
            PrintError(TEXT("WaitForMultipleObjects"));
            rc = 1;
        }
    }

    for (i = 0; i < nStarted; i++) {
        if (rc == 0 && !fMultiple) {
            dwResult = WaitForSingleObject(children[i].pi.hProcess, INFINITE);
            if (dwResult != WAIT_OBJECT_0) {
                PrintError(TEXT("WaitForSingleObject"));
                rc = 1;
            }
        }
        if (rc == 0) {
            if (!GetExitCodeProcess(children[i].pi.hProcess, &children[i].dwExitCode)) {
                PrintError(TEXT("GetExitCodeProcess"));
                rc = 1;
            } else {
                _tprintf(TEXT("Child %d: sum(%lu..%lu) = %lu\n"), i + 1,
                         (unsigned long)children[i].dwFrom, (unsigned long)children[i].dwTo,
                         (unsigned long)children[i].dwExitCode);
                ullTotal += children[i].dwExitCode;
            }
        }
        CloseHandle(children[i].pi.hProcess);
        CloseHandle(children[i].pi.hThread);
    }

    if (rc == 0)
        _tprintf(TEXT("Total: %llu\n"), (unsigned long long)ullTotal);
    return rc;
}
