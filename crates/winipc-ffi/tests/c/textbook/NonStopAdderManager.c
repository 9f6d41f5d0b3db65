/*
 * NonStopAdderManager.c - two PartAdder children at once, WaitForMultipleObjects on both,
 * the total from their exit codes.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    STARTUPINFO si1 = {0,};
    STARTUPINFO si2 = {0,};
    PROCESS_INFORMATION pi1;
    PROCESS_INFORMATION pi2;
    DWORD return_val1;
    DWORD return_val2;
    TCHAR command1[] = _T("PartAdder.exe 1 5");
    TCHAR command2[] = _T("PartAdder 6 10");
    TCHAR command3[] = _T("PartAdder.exe 1 100000");
    DWORD sum = 0;
    HANDLE handles[2];

    si1.cb = sizeof(si1);
    si2.cb = sizeof(si2);

    CreateProcess(NULL, command1, NULL, NULL, TRUE, 0, NULL, NULL, &si1, &pi1);
    CreateProcess(NULL, command2, NULL, NULL, TRUE, 0, NULL, NULL, &si2, &pi2);
    CloseHandle(pi1.hThread);
    CloseHandle(pi2.hThread);

    handles[0] = pi1.hProcess;
    handles[1] = pi2.hProcess;
    WaitForMultipleObjects(2, handles, TRUE, INFINITE);

    GetExitCodeProcess(pi1.hProcess, &return_val1);
    GetExitCodeProcess(pi2.hProcess, &return_val2);
    if (return_val1 == (DWORD)-1 || return_val2 == (DWORD)-1)
        return -1;
    sum += return_val1;
    sum += return_val2;
    _tprintf(_T("total : %d \n"), sum);
    CloseHandle(pi1.hProcess);
    CloseHandle(pi2.hProcess);

    /* Larger than 8 bits: the whole exit code. */
    if (!CreateProcess(NULL, command3, NULL, NULL, FALSE, 0, NULL, NULL, &si1, &pi1))
        return 1;
    if (WaitForSingleObject(pi1.hProcess, INFINITE) != WAIT_OBJECT_0)
        return 1;
    GetExitCodeProcess(pi1.hProcess, &return_val1);
    _tprintf(_T("big total : %u \n"), return_val1);
    CloseHandle(pi1.hProcess);
    CloseHandle(pi1.hThread);

    /* Any of several: WAIT_OBJECT_0 + index. */
    {
        TCHAR c1[] = _T("PartAdder 1 10"), c2[] = _T("InfiniteLoop.exe");
        DWORD r;
        CreateProcess(NULL, c1, NULL, NULL, FALSE, 0, NULL, NULL, &si1, &pi1);
        CreateProcess(NULL, c2, NULL, NULL, FALSE, 0, NULL, NULL, &si2, &pi2);
        handles[0] = pi2.hProcess;
        handles[1] = pi1.hProcess;
        r = WaitForMultipleObjects(2, handles, FALSE, INFINITE);
        _tprintf(_T("first done: %d\n"), (int)(r - WAIT_OBJECT_0));
        r = WaitForMultipleObjects(2, handles, FALSE, 100);
        _tprintf(_T("again: %d\n"), (int)(r - WAIT_OBJECT_0));
        r = WaitForSingleObject(pi2.hProcess, 100);
        _tprintf(_T("loop: %s\n"), r == WAIT_TIMEOUT ? _T("WAIT_TIMEOUT") : _T("?"));
        TerminateProcess(pi2.hProcess, 0);
        CloseHandle(pi1.hProcess);
        CloseHandle(pi1.hThread);
        CloseHandle(pi2.hProcess);
        CloseHandle(pi2.hThread);
    }
    return 0;
}
