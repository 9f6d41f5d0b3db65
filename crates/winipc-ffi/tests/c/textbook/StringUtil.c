/*
 * StringUtil.c - the generic-text string functions of the Microsoft C runtime that Win32
 * programs use with TCHAR: secure copies and concatenation (_tcscpy_s, _tcscat_s,
 * _tcsncpy_s with _TRUNCATE), case (_tcsupr, _tcslwr), _tcsrev, number conversions (_itot,
 * _ltot, _ttoi, _ttof, _tcstol), tokens (_tcstok_s), searches (_tcspbrk, _tcsstr), __targv.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR buf[32], small[8], num[40];
    TCHAR line[] = _T("alpha, beta;gamma");
    TCHAR *token, *context = NULL;
    errno_t e;
    int i;

    _tcscpy_s(buf, _countof(buf), _T("Hello"));
    _tcscat_s(buf, _countof(buf), _T(", World"));
    _tprintf(_T("%s (%d)\n"), buf, (int)_tcslen(buf));
    small[0] = 0;
    e = _tcscat_s(small, _countof(small), _T("0123456789"));
    _tprintf(_T("too long: %s, emptied: %s\n"), e == ERANGE ? _T("ERANGE") : _T("?"),
             small[0] == 0 ? _T("yes") : _T("no"));
    e = _tcsncpy_s(small, _countof(small), _T("0123456789"), _TRUNCATE);
    _tprintf(_T("truncated: %s (%s)\n"), small, e == STRUNCATE ? _T("STRUNCATE") : _T("?"));
    _tcsncpy_s(small, _countof(small), _T("abcdef"), 3);
    _tprintf(_T("first 3: %s\n"), small);

    _tprintf(_T("upper: %s\n"), _tcsupr(buf));
    _tprintf(_T("lower: %s\n"), _tcslwr(buf));
    _tprintf(_T("reversed: %s\n"), _tcsrev(buf));

    _itot(12345, num, 10);
    _tprintf(_T("_itot: %s"), num);
    _itot(-255, num, 10);
    _tprintf(_T(" %s"), num);
    _itot(255, num, 16);
    _tprintf(_T(" %s"), num);
    _itot(-1, num, 16);
    _tprintf(_T(" %s"), num);
    _ltot(5, num, 2);
    _tprintf(_T(" %s\n"), num);

    _tprintf(_T("_ttoi: %d, _tcstol: %ld, _ttof: %.2f\n"), _ttoi(_T("  42abc")),
             _tcstol(_T("ff"), NULL, 16), _ttof(_T("3.25")));

    for (token = _tcstok_s(line, _T(", ;"), &context), i = 0; token != NULL;
         token = _tcstok_s(NULL, _T(", ;"), &context), i++)
        _tprintf(_T("token %d: %s\n"), i, token);

    _tcscpy(buf, _T("find: the vowel"));
    _tprintf(_T("_tcspbrk: %s\n"), _tcspbrk(buf, _T("aeiou")));
    _tprintf(_T("_tcsstr: %s\n"), _tcsstr(buf, _T("vow")));
    _stprintf_s(buf, _countof(buf), _T("%s=%d"), _T("n"), 7);
    _tprintf(_T("_stprintf_s: %s\n"), buf);
    _tprintf(_T("__targv[1]: %s, argc %d\n"), argc > 1 ? __targv[1] : _T("(none)"), __argc);
    return 0;
}
