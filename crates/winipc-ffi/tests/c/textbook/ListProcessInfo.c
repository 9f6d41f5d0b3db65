/*
 * ListProcessInfo.c - lists the processes with the Tool Help snapshot, then kills a child
 * found in the list by its name.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <tlhelp32.h>

static BOOL g_me;

static DWORD FindByName(const TCHAR *name, DWORD parent, BOOL print)
{
    HANDLE hProcessSnap;
    PROCESSENTRY32 pe32;
    DWORD found = 0;

    hProcessSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (hProcessSnap == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateToolhelp32Snapshot error!\n"));
        return 0;
    }
    pe32.dwSize = sizeof(PROCESSENTRY32);
    if (!Process32First(hProcessSnap, &pe32)) {
        _tprintf(_T("Process32First error!\n"));
        CloseHandle(hProcessSnap);
        return 0;
    }
    do {
        /* Windows names end in ".exe"; compare the name part. */
        if (_tcsnicmp(pe32.szExeFile, name, _tcslen(name)) == 0 &&
            (pe32.szExeFile[_tcslen(name)] == 0 || pe32.szExeFile[_tcslen(name)] == _T('.')) &&
            (parent == 0 || pe32.th32ParentProcessID == parent))
            found = pe32.th32ProcessID;
        if (print && pe32.th32ProcessID == GetCurrentProcessId()) {
            _tprintf(_T("%25s %5s\n"), pe32.szExeFile, _T("(me)"));
            g_me = _tcsnicmp(pe32.szExeFile, name, _tcslen(name)) == 0;
        }
    } while (Process32Next(hProcessSnap, &pe32));
    if (GetLastError() != ERROR_NO_MORE_FILES)
        _tprintf(_T("Process32Next ended with %d\n"), (int)GetLastError());
    CloseHandle(hProcessSnap);
    return found;
}

int _tmain(int argc, TCHAR *argv[])
{
    STARTUPINFO si = {0,};
    PROCESS_INFORMATION pi;
    TCHAR command[] = _T("InfiniteLoop.exe");
    DWORD pid, code;
    HANDLE hProcess;

    si.cb = sizeof(si);
    FindByName(_T("ListProcessInfo"), 0, TRUE);
    if (!g_me)
        _tprintf(_T("not found myself\n"));
    if (!CreateProcess(NULL, command, NULL, NULL, FALSE, CREATE_NEW_CONSOLE, NULL, NULL, &si,
                       &pi))
        return 1;
    pid = FindByName(_T("InfiniteLoop"), GetCurrentProcessId(), FALSE);
    if (pid != pi.dwProcessId) {
        _tprintf(_T("InfiniteLoop: %d, expected %d\n"), (int)pid, (int)pi.dwProcessId);
        return 1;
    }
    _tprintf(_T("InfiniteLoop found\n"));
    hProcess = OpenProcess(PROCESS_ALL_ACCESS, FALSE, pid);
    if (hProcess == NULL) {
        _tprintf(_T("OpenProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    TerminateProcess(hProcess, 7);
    CloseHandle(hProcess);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    _tprintf(_T("killed, exit code %d\n"), (int)code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    /* Gone from a new snapshot. */
    if (FindByName(_T("InfiniteLoop"), GetCurrentProcessId(), FALSE) == pid)
        _tprintf(_T("still listed\n"));
    if (OpenProcess(PROCESS_ALL_ACCESS, FALSE, pid) == NULL)
        _tprintf(_T("OpenProcess after exit: %d\n"), (int)GetLastError());
    return 0;
}
