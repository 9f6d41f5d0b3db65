/*
 * CodePages.c - converting between char and WCHAR text as Windows programs do:
 * MultiByteToWideChar / WideCharToMultiByte with CP_ACP and CP_UTF8 (the size query with a
 * 0 length, -1 for a terminated string, a buffer too small, invalid input with and without
 * the *_ERR_INVALID_CHARS flags), GetACP, lstrcmpi, GetUserName, GetActiveProcessorCount,
 * IsDebuggerPresent, OutputDebugString.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static BOOL SameCount(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    return si.dwNumberOfProcessors == GetActiveProcessorCount(ALL_PROCESSOR_GROUPS);
}

int _tmain(int argc, TCHAR *argv[])
{
    const char *utf8 = "h\xc3\xa9llo \xed\x95\x9c\xea\xb8\x80"; /* "héllo 한글" */
    WCHAR wide[32], small[4];
    char back[64];
    int n, i;
    DWORD size;
    TCHAR user[UNLEN + 1];
    const WCHAR lone[] = {'a', 0xD800, 'b', 0};
    BOOL usedDefault = TRUE;

    n = MultiByteToWideChar(CP_UTF8, 0, utf8, -1, NULL, 0);
    _tprintf(_T("UTF-16 units needed (with the terminator): %d\n"), n);
    n = MultiByteToWideChar(CP_ACP, 0, utf8, -1, wide, 32);
    _tprintf(_T("converted %d:"), n);
    for (i = 0; wide[i]; i++)
        _tprintf(_T(" %04X"), (unsigned)wide[i]);
    _tprintf(_T("\n"));
    n = MultiByteToWideChar(CP_UTF8, 0, utf8, 3, wide, 32);
    _tprintf(_T("3 bytes -> %d units, not terminated\n"), n);
    if (MultiByteToWideChar(CP_UTF8, 0, utf8, -1, small, 4) == 0)
        _tprintf(_T("small buffer: %d\n"), (int)GetLastError());
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, "a\xff", -1, wide, 32) == 0)
        _tprintf(_T("invalid UTF-8, MB_ERR_INVALID_CHARS: %d\n"), (int)GetLastError());
    n = MultiByteToWideChar(CP_UTF8, 0, "a\xff", -1, wide, 32);
    _tprintf(_T("invalid UTF-8: %d units, U+%04X\n"), n, (unsigned)wide[1]);
    if (MultiByteToWideChar(CP_UTF8, MB_PRECOMPOSED, "a", -1, wide, 32) == 0)
        _tprintf(_T("MB_PRECOMPOSED with CP_UTF8: %d\n"), (int)GetLastError());
    if (MultiByteToWideChar(CP_UTF8, 0, "a", 0, wide, 32) == 0)
        _tprintf(_T("empty input: %d\n"), (int)GetLastError());

    MultiByteToWideChar(CP_UTF8, 0, utf8, -1, wide, 32);
    n = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
    _tprintf(_T("UTF-8 bytes needed: %d\n"), n);
    n = WideCharToMultiByte(CP_ACP, 0, wide, -1, back, sizeof(back), NULL, &usedDefault);
    _tprintf(_T("round trip: %s, %d bytes, default used: %d\n"),
             strcmp(back, utf8) == 0 ? _T("same") : _T("DIFFERENT"), n, usedDefault);
    if (WideCharToMultiByte(CP_UTF8, 0, wide, -1, back, sizeof(back), NULL, &usedDefault) == 0)
        _tprintf(_T("CP_UTF8 with lpUsedDefaultChar: %d\n"), (int)GetLastError());
    if (WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, lone, -1, back, 64, NULL, NULL) == 0)
        _tprintf(_T("lone surrogate, WC_ERR_INVALID_CHARS: %d\n"), (int)GetLastError());
    n = WideCharToMultiByte(CP_UTF8, 0, lone, -1, back, 64, NULL, NULL);
    _tprintf(_T("lone surrogate: %d bytes\n"), n);
    _tprintf(_T("GetACP: %u, GetOEMCP: %u\n"), GetACP(), GetOEMCP());

    _tprintf(_T("lstrcmpi: %d %d %d\n"), lstrcmpi(_T("Hello"), _T("hELLO")),
             lstrcmpi(_T("apple"), _T("Banana")), lstrcmpi(_T("b"), _T("A")));

    size = 1;
    if (!GetUserName(user, &size))
        _tprintf(_T("GetUserName, 1 character: %d, size needed > 1: %s\n"), (int)GetLastError(),
                 size > 1 ? _T("yes") : _T("no"));
    size = UNLEN + 1;
    if (GetUserName(user, &size))
        _tprintf(_T("GetUserName: size = length + 1: %s\n"),
                 size == _tcslen(user) + 1 ? _T("yes") : _T("no"));
    _tprintf(_T("GetActiveProcessorCount matches GetSystemInfo: %s\n"),
             SameCount() ? _T("yes") : _T("no"));
    _tprintf(_T("IsDebuggerPresent: %d\n"), IsDebuggerPresent());
    OutputDebugString(_T("to the debugger\n"));
    return 0;
}
