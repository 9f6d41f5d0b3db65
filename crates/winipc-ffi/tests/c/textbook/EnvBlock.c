/*
 * EnvBlock.c - MSDN's "Changing Environment Variables": the parent builds a new environment
 * block for its child (a copy of its own with one more variable, then a block made from
 * scratch), passes it to CreateProcess (with CREATE_UNICODE_ENVIRONMENT when it is UTF-16),
 * and the child prints what it sees through GetEnvironmentVariable and
 * ExpandEnvironmentStrings; SetEnvironmentVariable changes the inherited copy.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <strsafe.h>

#define BUFSIZE 4096
#define VARNAME TEXT("MyVariable")

static int Child(void)
{
    TCHAR szValue[BUFSIZE], szExpanded[BUFSIZE];
    DWORD dwRet = GetEnvironmentVariable(VARNAME, szValue, BUFSIZE);
    if (dwRet == 0)
        _tprintf(TEXT("[child] %s not set (%lu)\n"), VARNAME, GetLastError());
    else
        _tprintf(TEXT("[child] %s=%s\n"), VARNAME, szValue);
    ExpandEnvironmentStrings(TEXT("[%MyVariable%] [%NotThere%]"), szExpanded, BUFSIZE);
    _tprintf(TEXT("[child] expanded: %s\n"), szExpanded);
    fflush(stdout);
    return 0;
}

static BOOL RunChild(LPVOID env, DWORD flags)
{
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    TCHAR cmd[] = TEXT("EnvBlock.exe child");
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    fflush(stdout);
    if (!CreateProcess(NULL, cmd, NULL, NULL, TRUE, flags, env, NULL, &si, &pi)) {
        _tprintf(TEXT("CreateProcess failed (%lu)\n"), GetLastError());
        return FALSE;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    LPTSTR lpszCurrentVariable;
    TCHAR chNewEnv[BUFSIZE];
    LPTCH lpvEnv;
    DWORD dwFlags = 0, count = 0;

    if (argc > 1)
        return Child();

#ifdef UNICODE
    dwFlags = CREATE_UNICODE_ENVIRONMENT;
#endif

    /* 1. Inherit the parent's environment, changed with SetEnvironmentVariable. */
    if (!SetEnvironmentVariable(VARNAME, TEXT("Inherited value")))
        return 1;
    RunChild(NULL, dwFlags);

    /* 2. A block made from scratch: "var=value\0" strings and a final "\0". */
    lpszCurrentVariable = (LPTSTR)chNewEnv;
    if (FAILED(StringCchCopy(lpszCurrentVariable, BUFSIZE, TEXT("MySetting=A"))))
        return 1;
    lpszCurrentVariable += lstrlen(lpszCurrentVariable) + 1;
    if (FAILED(StringCchCopy(lpszCurrentVariable, BUFSIZE - 12, TEXT("MyVariable=From a new block"))))
        return 1;
    lpszCurrentVariable += lstrlen(lpszCurrentVariable) + 1;
    *lpszCurrentVariable = (TCHAR)0;
    RunChild((LPVOID)chNewEnv, dwFlags);

    /* 3. The parent's own block, walked as the sample does. */
    lpvEnv = GetEnvironmentStrings();
    if (lpvEnv == NULL) {
        _tprintf(TEXT("GetEnvironmentStrings failed (%lu)\n"), GetLastError());
        return 1;
    }
    for (lpszCurrentVariable = (LPTSTR)lpvEnv; *lpszCurrentVariable;
         lpszCurrentVariable += lstrlen(lpszCurrentVariable) + 1) {
        if (_tcsncmp(lpszCurrentVariable, TEXT("MyVariable="), 11) == 0)
            _tprintf(TEXT("parent block has: %s\n"), lpszCurrentVariable);
        count++;
    }
    FreeEnvironmentStrings(lpvEnv);
    _tprintf(TEXT("parent block has variables: %s\n"), count > 1 ? TEXT("yes") : TEXT("no"));

    /* 4. Removed: the child sees nothing. */
    SetEnvironmentVariable(VARNAME, NULL);
    RunChild(NULL, dwFlags);
    return 0;
}
