/*
 * EnvChild.c - the environment and the command line between a parent and a child:
 * SetEnvironmentVariable (inherited), a custom environment block, lpCurrentDirectory,
 * GetCommandLine in the child, GetModuleFileName, ExpandEnvironmentStrings.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static int Child(void)
{
    TCHAR value[64], dir[MAX_PATH];
    LPTSTR cmd = GetCommandLine();
    DWORD n;

    n = GetEnvironmentVariable(_T("EC_VAR"), value, 64);
    _tprintf(_T("[child] EC_VAR=%s\n"), n ? value : _T("(not set)"));
    n = GetEnvironmentVariable(_T("EC_OTHER"), value, 64);
    _tprintf(_T("[child] EC_OTHER=%s\n"), n ? value : _T("(not set)"));
    GetCurrentDirectory(MAX_PATH, dir);
    _tprintf(_T("[child] in sub: %s\n"),
             _tcslen(dir) > 3 && _tcscmp(dir + _tcslen(dir) - 3, _T("sub")) == 0 ? _T("yes")
                                                                                 : _T("no"));
    _tprintf(_T("[child] command line ends: %s\n"), _tcsstr(cmd, _T("child")));
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    STARTUPINFO si = {sizeof(si)};
    PROCESS_INFORMATION pi;
    TCHAR cmd[MAX_PATH + 40], self[MAX_PATH], expanded[MAX_PATH], value[8];
    TCHAR env[] = _T("EC_OTHER=from block\0EC_X=1\0");
    DWORD n;

    if (argc > 1 && _tcscmp(argv[1], _T("child")) == 0)
        return Child();

    n = GetModuleFileName(NULL, self, MAX_PATH);
    _tprintf(_T("module file name ends with EnvChild: %s\n"),
             n > 8 && _tcscmp(self + n - 8, _T("EnvChild")) == 0 ? _T("yes") : _T("no"));
    SetEnvironmentVariable(_T("EC_VAR"), _T("inherited"));
    n = GetEnvironmentVariable(_T("EC_VAR"), value, 4);
    _tprintf(_T("too small: returns %u (the size needed)\n"), (unsigned)n);
    SetEnvironmentVariable(_T("EC_NONE"), NULL);
    if (GetEnvironmentVariable(_T("EC_NONE"), value, 8) == 0)
        _tprintf(_T("missing: %d\n"), (int)GetLastError());
    ExpandEnvironmentStrings(_T("[%EC_VAR%] [%EC_NONE%]"), expanded, MAX_PATH);
    _tprintf(_T("expanded: %s\n"), expanded);

    CreateDirectory(_T("sub"), NULL);
    _stprintf(cmd, _T("\"%s\" child \"with space\""), self);
    fflush(stdout);
    if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, _T("sub"), &si, &pi)) {
        _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

#ifdef UNICODE
    n = CREATE_UNICODE_ENVIRONMENT;
#else
    n = 0;
#endif
    if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, n, env, _T("sub"), &si, &pi)) {
        _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    RemoveDirectory(_T("sub"));
    return 0;
}
