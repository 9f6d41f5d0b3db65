/*
 * StringsMemory.c - the string and memory helpers of Win32 tutorials: lstrcpy, lstrcat,
 * lstrlen, lstrcmp/lstrcmpi, lstrcpyn, CharUpper/CharLower (string and character forms),
 * CharUpperBuff, IsCharAlpha/IsCharAlphaNumeric/IsCharUpper/IsCharLower, CharNext/CharPrev,
 * wsprintf/wvsprintf, the secure CRT forms _tcscpy_s/_tcscat_s/_stprintf_s/_vstprintf_s/
 * _sntprintf_s, MulDiv, and ZeroMemory/CopyMemory/MoveMemory/FillMemory/SecureZeroMemory.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdarg.h>

static void Log(LPCTSTR fmt, ...)
{
    TCHAR buf[128];
    va_list args;
    va_start(args, fmt);
    wvsprintf(buf, fmt, args);
    va_end(args);
    _tprintf(TEXT("log: %s\n"), buf);
}

static int FormatSafe(LPTSTR buf, size_t n, LPCTSTR fmt, ...)
{
    int r;
    va_list args;
    va_start(args, fmt);
    r = _vstprintf_s(buf, n, fmt, args);
    va_end(args);
    return r;
}

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR szBuf[64], szOther[64];
    TCHAR szName[] = TEXT("Hello");
    LPTSTR p;
    BYTE bytes[16];
    int i, sum;

    lstrcpy(szBuf, szName);
    lstrcat(szBuf, TEXT(", World"));
    _tprintf(TEXT("%s (%d)\n"), szBuf, lstrlen(szBuf));
    _tprintf(TEXT("lstrcmp: %d, lstrcmpi: %d\n"), lstrcmp(TEXT("abc"), TEXT("abd")) < 0 ? -1 : 1,
             lstrcmpi(TEXT("abc"), TEXT("ABC")));
    lstrcpyn(szOther, szBuf, 6);
    _tprintf(TEXT("lstrcpyn: %s\n"), szOther);

    CharUpper(szBuf);
    _tprintf(TEXT("CharUpper: %s\n"), szBuf);
    CharLowerBuff(szBuf, 5);
    _tprintf(TEXT("CharLowerBuff(5): %s\n"), szBuf);
    _tprintf(TEXT("CharUpper on a character: %c\n"),
             (TCHAR)(UINT_PTR)CharUpper((LPTSTR)(UINT_PTR)TEXT('q')));
    _tprintf(TEXT("IsCharAlpha('x') %d, IsCharAlpha('1') %d, IsCharAlphaNumeric('1') %d, ")
                 TEXT("IsCharUpper('A') %d, IsCharLower('A') %d\n"),
             IsCharAlpha(TEXT('x')), IsCharAlpha(TEXT('1')), IsCharAlphaNumeric(TEXT('1')),
             IsCharUpper(TEXT('A')), IsCharLower(TEXT('A')));
    for (i = 0, p = szBuf; *p; p = CharNext(p))
        i++;
    _tprintf(TEXT("CharNext walked %d characters, CharPrev from the end: %c\n"), i,
             *CharPrev(szBuf, szBuf + lstrlen(szBuf)));

    wsprintf(szOther, TEXT("%05d|%-4s|%X"), 42, TEXT("ab"), 0xBEEF);
    _tprintf(TEXT("wsprintf: %s\n"), szOther);
    Log(TEXT("%s=%lu"), TEXT("count"), 7ul);

    _tcscpy_s(szOther, 64, TEXT("safe"));
    _tcscat_s(szOther, 64, TEXT(" copy"));
    _tprintf(TEXT("_tcscpy_s/_tcscat_s: %s\n"), szOther);
    _stprintf_s(szOther, 64, TEXT("%d-%d"), 1, 2);
    _tprintf(TEXT("_stprintf_s: %s\n"), szOther);
    i = FormatSafe(szOther, 64, TEXT("[%s]"), TEXT("va"));
    _tprintf(TEXT("_vstprintf_s: %s (%d)\n"), szOther, i);
    i = _sntprintf_s(szOther, 64, _TRUNCATE, TEXT("%s"), TEXT("0123456789"));
    _tprintf(TEXT("_sntprintf_s: %s (%d)\n"), szOther, i);
    i = _sntprintf_s(szOther, 5, _TRUNCATE, TEXT("%s"), TEXT("0123456789"));
    _tprintf(TEXT("_sntprintf_s truncated: %s (%d)\n"), szOther, i);

    _tprintf(TEXT("MulDiv(10, 3, 4) %d, MulDiv(-10, 3, 4) %d, MulDiv(1, 1, 0) %d, ")
                 TEXT("MulDiv(0x7FFFFFFF, 2, 2) %d\n"),
             MulDiv(10, 3, 4), MulDiv(-10, 3, 4), MulDiv(1, 1, 0), MulDiv(0x7FFFFFFF, 2, 2));

    FillMemory(bytes, sizeof(bytes), 0xAB);
    ZeroMemory(bytes, 4);
    MoveMemory(bytes + 1, bytes, 8);
    CopyMemory(bytes + 12, TEXT("x"), sizeof(TCHAR));
    for (i = 0, sum = 0; i < 12; i++)
        sum += bytes[i];
    _tprintf(TEXT("memory sum %d, x copied: %s\n"), sum, bytes[12] == 'x' ? TEXT("yes") : TEXT("no"));
    p = (LPTSTR)SecureZeroMemory(szBuf, sizeof(szBuf));
    _tprintf(TEXT("SecureZeroMemory: %s, returns its argument: %s\n"),
             szBuf[0] == 0 && szBuf[63] == 0 ? TEXT("zeroed") : TEXT("not zeroed"),
             p == szBuf ? TEXT("yes") : TEXT("no"));
    return 0;
}
