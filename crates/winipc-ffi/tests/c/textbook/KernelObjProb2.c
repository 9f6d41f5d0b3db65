/*
 * KernelObjProb2.c - the child: checks the parent's handle it inherited, waits for the
 * parent's go, and exits with -1.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hParent, hEvent;
    DWORD code;

    if (argc < 2)
        return 2;
    hParent = (HANDLE)(UINT_PTR)_ttoi(argv[1]);
    if (!GetExitCodeProcess(hParent, &code) || code != STILL_ACTIVE) {
        _tprintf(_T("[child] bad parent handle (%d)\n"), (int)GetLastError());
        return 3;
    }
    hEvent = OpenEvent(EVENT_ALL_ACCESS, FALSE, _T("KernelObjProbGo"));
    if (hEvent == NULL)
        return 4;
    WaitForSingleObject(hEvent, INFINITE);
    CloseHandle(hEvent);
    CloseHandle(hParent);
    return -1;
}
