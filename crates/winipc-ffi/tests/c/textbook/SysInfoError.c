/*
 * SysInfoError.c - GetLastError after failures, shown with FormatMessage (allocated buffer,
 * system messages), and a few system queries.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static void ShowError(LPCTSTR what)
{
    LPVOID lpMsgBuf;
    DWORD err = GetLastError();
    DWORD n = FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                FORMAT_MESSAGE_IGNORE_INSERTS,
                            NULL, err, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                            (LPTSTR)&lpMsgBuf, 0, NULL);
    if (n == 0) {
        _tprintf(_T("%s: error %u (no message: %d)\n"), what, (unsigned)err, (int)GetLastError());
        return;
    }
    _tprintf(_T("%s: error %u: %s"), what, (unsigned)err, (LPTSTR)lpMsgBuf);
    LocalFree(lpMsgBuf);
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE h;
    TCHAR buf[256];
    DWORD n;
    OSVERSIONINFO ver;
    SYSTEM_INFO si;
    DWORD_PTR args[2];

    h = CreateFile(_T("no_such_file.txt"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        ShowError(_T("CreateFile"));
    h = CreateFile(_T("no_such_dir\\x.txt"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        ShowError(_T("CreateFile in a missing directory"));
    if (!CloseHandle((HANDLE)(INT_PTR)0x12340))
        ShowError(_T("CloseHandle"));
    h = CreateEvent(NULL, FALSE, FALSE, _T("SysInfoEvent"));
    CreateMutex(NULL, FALSE, _T("SysInfoEvent"));
    ShowError(_T("CreateMutex on an event's name"));
    CloseHandle(h);
    if (OpenEvent(EVENT_ALL_ACCESS, FALSE, _T("NoSuchEvent")) == NULL)
        ShowError(_T("OpenEvent"));
    if (WaitForSingleObject(NULL, 0) == WAIT_FAILED)
        ShowError(_T("WaitForSingleObject(NULL)"));

    args[0] = (DWORD_PTR)_T("list");
    args[1] = 3;

    /* FormatMessage into a caller's buffer. */
    n = FormatMessage(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                      ERROR_ACCESS_DENIED, 0, buf, sizeof(buf) / sizeof(TCHAR), NULL);
    _tprintf(_T("5: %s"), n ? buf : _T("(none)\n"));
    n = FormatMessage(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                      _T("%1 has %2!d! items\n"), 0, 0, buf, sizeof(buf) / sizeof(TCHAR),
                      (va_list *)args);
    _tprintf(_T("from string: %s"), n ? buf : _T("(failed)\n"));

    SetLastError(ERROR_SUCCESS);
    GetSystemInfo(&si);
    _tprintf(_T("GetSystemInfo leaves the last error: %u\n"), (unsigned)GetLastError());

    n = sizeof(buf) / sizeof(TCHAR);
    if (GetComputerName(buf, &n) && n == _tcslen(buf))
        _tprintf(_T("GetComputerName: ok\n"));
    ZeroMemory(&ver, sizeof(ver));
    ver.dwOSVersionInfoSize = sizeof(ver);
    if (GetVersionEx(&ver))
        _tprintf(_T("GetVersionEx: %u.%u.%u platform %u\n"), (unsigned)ver.dwMajorVersion,
                 (unsigned)ver.dwMinorVersion, (unsigned)ver.dwBuildNumber,
                 (unsigned)ver.dwPlatformId);
    n = GetVersion();
    _tprintf(_T("GetVersion: %u.%u build %u\n"), (unsigned)LOBYTE(LOWORD(n)),
             (unsigned)HIBYTE(LOWORD(n)), (unsigned)HIWORD(n));
    ver.dwOSVersionInfoSize = 12;
    if (!GetVersionEx(&ver))
        ShowError(_T("GetVersionEx with a bad size"));
    _tprintf(_T("GetTickCount64 > 0: %s\n"), GetTickCount64() > 0 ? _T("yes") : _T("no"));
    return 0;
}
