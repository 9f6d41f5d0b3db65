/*
 * KernelObjProb1.c - kernel object state and usage count: the child's exit code is kept by
 * its process object after the child has ended, as long as a handle is open; the child gets
 * a duplicated, inheritable handle to this (parent) process.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    STARTUPINFO si = {0,};
    PROCESS_INFORMATION pi;
    TCHAR command[100];
    HANDLE hProcess, hEvent;
    DWORD state;

    si.cb = sizeof(si);
    hEvent = CreateEvent(NULL, TRUE, FALSE, _T("KernelObjProbGo"));

    DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &hProcess,
                    0, TRUE, DUPLICATE_SAME_ACCESS);
    _stprintf(command, _T("%s %u"), _T("KernelObjProb2.exe"), (unsigned)(UINT_PTR)hProcess);

    if (!CreateProcess(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    CloseHandle(pi.hThread);

    GetExitCodeProcess(pi.hProcess, &state);
    if (state == STILL_ACTIVE)
        _tprintf(_T("STILL_ACTIVE\n"));
    else
        _tprintf(_T("state: %d\n"), (int)state);

    SetEvent(hEvent);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &state);
    if (state == (DWORD)-1)
        _tprintf(_T("Error Exit\n"));
    else
        _tprintf(_T("exit code: %d\n"), (int)state);

    /* Signaled for good. */
    if (WaitForSingleObject(pi.hProcess, 0) == WAIT_OBJECT_0)
        _tprintf(_T("child object signaled\n"));
    CloseHandle(pi.hProcess);
    CloseHandle(hProcess);
    CloseHandle(hEvent);
    return 0;
}
