/*
 * console.c - console odds (MessageBeep, Beep, Set/GetConsoleTitle, AllocConsole/FreeConsole,
 * CREATE_NEW_CONSOLE) and the tchar.h functions textbooks use, in ANSI and UNICODE builds:
 * _tsetlocale, _gettchar, _tscanf/_ftscanf/_stscanf (and _s), _tcstok_s, _stprintf_s,
 * _tcscpy_s, _getts_s, _tfopen_s, _beginthreadex_proc_type.
 */
#include <windows.h>
#include <tchar.h>
#include <process.h>
#include <unistd.h>
#include "harness.h"

static unsigned WINAPI Worker(void *p)
{
    return (unsigned)(ULONG_PTR)p + 1;
}

static int teq(const TCHAR *a, const TCHAR *b)
{
    return _tcscmp(a, b) == 0;
}

static int alloc_child(void)
{
    BOOL had = isatty(0) || isatty(1) || isatty(2);
    BOOL ok = AllocConsole();
    if (had)
        return (!ok && GetLastError() == ERROR_ACCESS_DENIED) ? 0 : 1;
    if (ok)
        return 0; /* the controlling terminal is attached */
    return GetLastError() == ERROR_NOT_SUPPORTED ? 0 : 2;
}

int main(int argc, char **argv)
{
    TCHAR s[64], s2[64], buf[64], *tok, *ctx;
    TCHAR line[] = _T("alpha, beta;gamma");
    char path[128], cmd[600];
    int i = 0, j = 0, n = 0;
    unsigned x = 0;
    double d = 0;
    TCHAR ch = 0;
    FILE *f;
    uintptr_t th;
    _beginthreadex_proc_type proc = Worker;
    DWORD code;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    if (argc == 2)
        return alloc_child();

    /* ---- console ---- */
    CHECK_OK(MessageBeep(MB_OK));
    CHECK_OK(MessageBeep(0xFFFFFFFF));
    CHECK_OK(Beep(440, 10));
    CHECK_OK(SetConsoleTitle(_T("t14 title")));
    CHECK_EQ(GetConsoleTitle(buf, 64), 9);
    CHECK(teq(buf, _T("t14 title")));
    CHECK_OK(FreeConsole());
    snprintf(cmd, sizeof cmd, "\"%s\" alloc", argv[0]);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_NEW_CONSOLE, NULL, NULL, &si,
                            &pi));
    WaitForSingleObject(pi.hProcess, INFINITE);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* ---- _tsetlocale ---- */
    CHECK(_tsetlocale(LC_ALL, _T("C")) != NULL);
    CHECK(teq(_tsetlocale(LC_ALL, NULL), _T("C")));

    /* ---- the scanf family ---- */
    CHECK_EQ(_stscanf(_T("12 abc 3.5 xyzw"), _T("%d %s %lf %2s"), &i, s, &d, s2), 4);
    CHECK_EQ(i, 12);
    CHECK(teq(s, _T("abc")));
    CHECK(d == 3.5);
    CHECK(teq(s2, _T("xy")));
    CHECK_EQ(_stscanf(_T("ff:7 skip 9 rest"), _T("%x:%d %*s %d%n"), &x, &i, &j, &n), 3);
    CHECK_EQ(x, 0xff);
    CHECK_EQ(i, 7);
    CHECK_EQ(j, 9);
    CHECK_EQ(n, 11);
    CHECK_EQ(_stscanf(_T("abc123"), _T("%[a-z]%d"), s, &i), 2);
    CHECK(teq(s, _T("abc")));
    CHECK_EQ(i, 123);
    CHECK_EQ(_stscanf(_T(""), _T("%d"), &i), EOF);
    CHECK_EQ(_stscanf(_T("x"), _T("%d"), &i), 0);
    CHECK_EQ(_stscanf_s(_T("hello w"), _T("%s %c"), s, (unsigned)_countof(s), &ch, 1), 2);
    CHECK(teq(s, _T("hello")));
    CHECK_EQ(ch, 'w');
    CHECK_EQ(_stscanf_s(_T("toolong"), _T("%s"), s, 4u), 0);
    CHECK_EQ(s[0], 0);
#ifdef _UNICODE
    CHECK_EQ(_stscanf(_T("h\u00e9llo"), _T("%s"), s), 1);
    CHECK_EQ(s[1], 0xE9);
    CHECK_EQ(_tcslen(s), 5);
#endif

    /* ---- _tcstok_s, _stprintf_s, _tcscpy_s ---- */
    tok = _tcstok_s(line, _T(", ;"), &ctx);
    CHECK(tok != NULL && teq(tok, _T("alpha")));
    tok = _tcstok_s(NULL, _T(", ;"), &ctx);
    CHECK(tok != NULL && teq(tok, _T("beta")));
    tok = _tcstok_s(NULL, _T(", ;"), &ctx);
    CHECK(tok != NULL && teq(tok, _T("gamma")));
    CHECK(_tcstok_s(NULL, _T(", ;"), &ctx) == NULL);
    CHECK_EQ(_stprintf_s(buf, 64, _T("%d-%s"), 5, _T("x")), 3);
    CHECK(teq(buf, _T("5-x")));
    CHECK_EQ(_stprintf_s(buf, 3, _T("%d"), 12345), -1);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(_tcscpy_s(buf, 64, _T("copy")), 0);
    CHECK(teq(buf, _T("copy")));
    CHECK_EQ(_tcscpy_s(buf, 4, _T("copy")), ERANGE);
    CHECK_EQ(buf[0], 0);

    /* ---- files: _tfopen_s, _ftscanf ---- */
    snprintf(path, sizeof path, "/tmp/t14_console_%u.txt", (unsigned)GetCurrentProcessId());
    for (i = 0; path[i]; i++)
        s[i] = (TCHAR)path[i];
    s[i] = 0;
    CHECK_EQ(_tfopen_s(&f, s, _T("w")), 0);
    _fputts(_T("line one\n42 word\nZ"), f);
    fclose(f);
    CHECK_EQ(_tfopen_s(&f, _T("/no/such/dir/t14"), _T("r")), ENOENT);
    CHECK_EQ(_tfopen_s(&f, s, _T("r")), 0);
    CHECK_EQ(_ftscanf(f, _T("%s %s %d"), s2, buf, &i), 3);
    CHECK_EQ(i, 42);
    fclose(f);

    /* ---- stdin: _getts_s, _tscanf, _gettchar ---- */
    CHECK(freopen(path, "r", stdin) != NULL);
    CHECK(_getts_s(buf, 64) != NULL);
    CHECK(teq(buf, _T("line one")));
    CHECK_EQ(_tscanf(_T("%d %s"), &i, s2), 2);
    CHECK_EQ(i, 42);
    CHECK(teq(s2, _T("word")));
    CHECK_EQ(_gettchar(), '\n');
    CHECK_EQ(_gettchar(), 'Z');
    CHECK_EQ(_gettchar(), _TEOF);
    CHECK(_getts_s(buf, 64) == NULL);
    remove(path);

    /* ---- _beginthreadex_proc_type ---- */
    th = _beginthreadex(NULL, 0, proc, (void *)41, 0, NULL);
    CHECK(th != 0);
    WaitForSingleObject((HANDLE)th, INFINITE);
    CHECK_OK(GetExitCodeThread((HANDLE)th, &code));
    CHECK_EQ(code, 42);
    CloseHandle((HANDLE)th);
    return SUMMARY();
}
