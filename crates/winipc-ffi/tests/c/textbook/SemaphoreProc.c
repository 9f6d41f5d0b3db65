/*
 * SemaphoreProc.c - a named semaphore across processes: three children open it by name and
 * release it; the parent counts them in; the children's pids from the Tool Help list.
 * Also a named event handed to the children by name, OpenSemaphore's errors.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define CHILDREN 3

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hSem, hGo;
    STARTUPINFO si;
    PROCESS_INFORMATION pi[CHILDREN];
    HANDLE hProcs[CHILDREN];
    TCHAR cmd[64];
    LONG prev;
    int i, got = 0;

    if (argc > 1) {
        hSem = OpenSemaphore(SEMAPHORE_MODIFY_STATE | SYNCHRONIZE, FALSE, _T("SemProcCount"));
        hGo = OpenEvent(SYNCHRONIZE, FALSE, _T("SemProcGo"));
        if (hSem == NULL || hGo == NULL)
            return 2;
        WaitForSingleObject(hGo, INFINITE);
        if (!ReleaseSemaphore(hSem, 1, &prev))
            return 3;
        return 10 + _ttoi(argv[1]);
    }

    hSem = CreateSemaphore(NULL, 0, CHILDREN, _T("SemProcCount"));
    hGo = CreateEvent(NULL, TRUE, FALSE, _T("SemProcGo"));
    if (OpenSemaphore(SEMAPHORE_ALL_ACCESS, FALSE, _T("NoSuchSemaphore")) == NULL)
        _tprintf(_T("OpenSemaphore of a missing name: %d\n"), (int)GetLastError());
    if (CreateSemaphore(NULL, 5, 2, NULL) == NULL)
        _tprintf(_T("initial count above the maximum: %d\n"), (int)GetLastError());

    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    for (i = 0; i < CHILDREN; i++) {
        _stprintf(cmd, _T("SemaphoreProc.exe %d"), i);
        if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi[i]))
            return 1;
        hProcs[i] = pi[i].hProcess;
        CloseHandle(pi[i].hThread);
    }
    if (WaitForSingleObject(hSem, 100) == WAIT_TIMEOUT)
        _tprintf(_T("nothing released yet\n"));
    SetEvent(hGo);
    while (got < CHILDREN && WaitForSingleObject(hSem, 10000) == WAIT_OBJECT_0)
        got++;
    _tprintf(_T("released by %d children\n"), got);
    WaitForMultipleObjects(CHILDREN, hProcs, TRUE, INFINITE);
    for (i = 0; i < CHILDREN; i++) {
        DWORD code;
        GetExitCodeProcess(hProcs[i], &code);
        _tprintf(_T("child %d: %u\n"), i, (unsigned)code);
        CloseHandle(hProcs[i]);
    }
    ReleaseSemaphore(hSem, 2, &prev);
    _tprintf(_T("previous count %d\n"), (int)prev);
    CloseHandle(hSem);
    CloseHandle(hGo);
    return 0;
}
