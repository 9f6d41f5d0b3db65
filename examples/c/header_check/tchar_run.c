/*
 * Runtime check of the <tchar.h> mappings (needs no libwinipc).  Built in
 * ANSI mode and in _UNICODE mode; prints "tchar ok" and exits 0 on success.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static int failures;
#define EXPECT(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int main(void)
{
    _TCHAR buf[64];
    _TCHAR tokbuf[32];
    _TCHAR *end = NULL;
    _TCHAR *tok;
    const _TCHAR *hello = _T("Hello, World");
    FILE *f;

    EXPECT(_tcslen(hello) == 12);
    EXPECT(_tcscmp(hello, _T("Hello, World")) == 0);
    EXPECT(_tcscmp(_T("a"), _T("b")) < 0 && _tcscmp(_T("b"), _T("a")) > 0);
    EXPECT(_tcsncmp(hello, _T("Help"), 3) == 0 && _tcsncmp(hello, _T("Help"), 4) != 0);
    EXPECT(_tcsicmp(_T("MailSlot"), _T("mailslot")) == 0 && _tcsicmp(_T("a"), _T("B")) < 0);
    EXPECT(_tcsnicmp(_T("ABCx"), _T("abcy"), 3) == 0);
    _tcscpy(buf, _T("abc"));
    _tcscat(buf, _T("def"));
    EXPECT(_tcscmp(buf, _T("abcdef")) == 0);
    _tcsncpy(buf, _T("xy"), 4);
    EXPECT(buf[0] == _T('x') && buf[1] == _T('y') && buf[2] == 0 && buf[3] == 0 && buf[4] == _T('e'));
    _tcscpy(buf, _T("ab"));
    _tcsncat(buf, _T("cdef"), 2);
    EXPECT(_tcscmp(buf, _T("abcd")) == 0);
    EXPECT(_tcschr(hello, _T('o')) == hello + 4 && _tcsrchr(hello, _T('o')) == hello + 8);
    EXPECT(_tcschr(hello, _T('z')) == NULL && _tcschr(hello, 0) == hello + 12);
    EXPECT(_tcsstr(hello, _T("World")) == hello + 7 && _tcsstr(hello, _T("xyz")) == NULL);
    EXPECT(_tcsstr(hello, _T("")) == hello);
    EXPECT(_tcsspn(_T("aabbc"), _T("ab")) == 4 && _tcscspn(_T("aabbc"), _T("c")) == 4);
    _tcscpy(tokbuf, _T("  one two,three "));
    tok = _tcstok(tokbuf, _T(" ,"));
    EXPECT(tok != NULL && _tcscmp(tok, _T("one")) == 0);
    tok = _tcstok(NULL, _T(" ,"));
    EXPECT(tok != NULL && _tcscmp(tok, _T("two")) == 0);
    tok = _tcstok(NULL, _T(" ,"));
    EXPECT(tok != NULL && _tcscmp(tok, _T("three")) == 0);
    EXPECT(_tcstok(NULL, _T(" ,")) == NULL);
    {
        _TCHAR *d = _tcsdup(hello);
        EXPECT(d != NULL && _tcscmp(d, hello) == 0);
        free(d);
    }

    EXPECT(_ttoi(_T("  -42x")) == -42 && _tstoi(_T("7")) == 7 && _ttol(_T("123456")) == 123456L);
    EXPECT(_tcstol(_T(" 0x1F rest"), &end, 16) == 31 && end != NULL && *end == _T(' '));
    EXPECT(_tcstoul(_T("4294967295"), &end, 10) == 4294967295UL && *end == 0);
    EXPECT(_tcstol(_T("zz"), &end, 10) == 0);
    EXPECT(_totupper(_T('a')) == _T('A') && _totlower(_T('Q')) == _T('q'));
    EXPECT(_istspace(_T(' ')) && !_istspace(_T('x')) && _istdigit(_T('7')) && !_istdigit(_T('a')));
    EXPECT(_istalpha(_T('k')) && !_istalpha(_T('1')));

    /* stdio through a temporary file (UTF-8 on disk in _UNICODE mode). */
    f = _tfopen(_T("/tmp/winipc_tchar_run.txt"), _T("w+"));
    EXPECT(f != NULL);
    if (f != NULL) {
#ifdef _UNICODE
        static const WCHAR line1[] = { 0x00E9, 0x20AC, 0xD83D, 0xDE00, '\n', 0 }; /* e-acute, euro, emoji */
        _fputts(line1, f);
#else
        _fputts("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n", f);
#endif
        _fputts(_T("second line\n"), f);
        rewind(f);
        EXPECT(_fgetts(buf, 64, f) == buf);
#ifdef _UNICODE
        EXPECT(_tcscmp(buf, line1) == 0);
#else
        EXPECT(strcmp(buf, "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\n") == 0);
#endif
        EXPECT(_fgetts(buf, 4, f) == buf && _tcscmp(buf, _T("sec")) == 0);
        EXPECT(_fgetts(buf, 64, f) == buf && _tcscmp(buf, _T("ond line\n")) == 0);
        EXPECT(_fgetts(buf, 64, f) == NULL);
        fclose(f);
        EXPECT(_tremove(_T("/tmp/winipc_tchar_run.txt")) == 0);
    }
    EXPECT(_tsystem(_T("true")) == 0);

    if (failures != 0)
        return 1;
    _fputts(_T("tchar ok\n"), stdout);
    return 0;
}
