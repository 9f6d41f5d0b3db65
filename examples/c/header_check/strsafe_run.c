/*
 * Runtime check of <strsafe.h> and of the printf family of <tchar.h> (inline
 * code, needs no libwinipc).  Built in ANSI mode and in _UNICODE mode; prints
 * "strsafe ok" and exits 0 on success.  Expected values are the Windows SDK's.
 */
#include <windows.h>
#include <tchar.h>
#include <strsafe.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define EXPECT(cond) do { if (!(cond)) { fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

/* _TCHAR string equality. */
static int same(const TCHAR *a, const TCHAR *b)
{
    return _tcscmp(a, b) == 0;
}

static HRESULT vprint(TCHAR *dst, size_t cch, const TCHAR *fmt, ...)
{
    HRESULT hr;
    va_list ap;
    va_start(ap, fmt);
    hr = StringCchVPrintf(dst, cch, fmt, ap);
    va_end(ap);
    return hr;
}

int main(void)
{
    TCHAR buf[32];
    TCHAR small[4];
    size_t n = 99;

    /* Copy. */
    EXPECT(StringCchCopy(buf, 32, TEXT("mailslot")) == S_OK && same(buf, TEXT("mailslot")));
    EXPECT(StringCchCopy(small, 4, TEXT("abcdef")) == STRSAFE_E_INSUFFICIENT_BUFFER &&
           same(small, TEXT("abc")));
    EXPECT(StringCchCopy(small, 4, TEXT("abc")) == S_OK && same(small, TEXT("abc")));
    small[0] = TEXT('z');
    EXPECT(StringCchCopy(small, 0, TEXT("a")) == STRSAFE_E_INVALID_PARAMETER && small[0] == TEXT('z'));
    EXPECT(StringCchCopy(small, (size_t)STRSAFE_MAX_CCH + 1, TEXT("a")) == STRSAFE_E_INVALID_PARAMETER &&
           small[0] == 0);
    EXPECT(StringCbCopy(small, sizeof small, TEXT("abcdef")) == STRSAFE_E_INSUFFICIENT_BUFFER &&
           same(small, TEXT("abc")));
    EXPECT(StringCchCopyN(buf, 32, TEXT("abcdef"), 2) == S_OK && same(buf, TEXT("ab")));
    EXPECT(StringCbCopyN(buf, sizeof buf, TEXT("abcdef"), 3 * sizeof(TCHAR)) == S_OK &&
           same(buf, TEXT("abc")));

    /* Cat. */
    EXPECT(StringCchCopy(buf, 32, TEXT("abc")) == S_OK);
    EXPECT(StringCchCat(buf, 32, TEXT("def")) == S_OK && same(buf, TEXT("abcdef")));
    EXPECT(StringCchCat(buf, 8, TEXT("ghij")) == STRSAFE_E_INSUFFICIENT_BUFFER &&
           same(buf, TEXT("abcdefg")));
    EXPECT(StringCchCatN(buf, 32, TEXT("xyz"), 1) == S_OK && same(buf, TEXT("abcdefgx")));
    EXPECT(StringCbCat(buf, sizeof buf, TEXT("!")) == S_OK && same(buf, TEXT("abcdefgx!")));
    small[0] = TEXT('a'); small[1] = TEXT('b'); small[2] = TEXT('c'); small[3] = TEXT('d');
    EXPECT(StringCchCat(small, 4, TEXT("e")) == STRSAFE_E_INVALID_PARAMETER); /* not terminated */

    /* Length. */
    EXPECT(StringCchLength(TEXT("hello"), 32, &n) == S_OK && n == 5);
    EXPECT(StringCchLength(TEXT("hello"), 5, &n) == STRSAFE_E_INVALID_PARAMETER && n == 0);
    EXPECT(StringCchLength(NULL, 5, &n) == STRSAFE_E_INVALID_PARAMETER && n == 0);
    EXPECT(StringCbLength(TEXT("hello"), 32, &n) == S_OK && n == 5 * sizeof(TCHAR));
    EXPECT(StringCchLength(TEXT("hi"), 32, NULL) == S_OK);

    /* Printf. */
    EXPECT(StringCchPrintf(buf, 32, TEXT("\nMessage #%d of %d\n"), 2, 3) == S_OK &&
           same(buf, TEXT("\nMessage #2 of 3\n")));
    EXPECT(StringCchPrintf(small, 4, TEXT("%d"), 12345) == STRSAFE_E_INSUFFICIENT_BUFFER &&
           same(small, TEXT("123")));
    EXPECT(StringCchPrintf(small, 4, TEXT("%d"), 123) == S_OK && same(small, TEXT("123")));
    EXPECT(StringCbPrintf(buf, sizeof buf, TEXT("[%s|%5s|%-4s|%.2s]"), TEXT("a"), TEXT("bc"), TEXT("d"),
                          TEXT("xyz")) == S_OK &&
           same(buf, TEXT("[a|   bc|d   |xy]")));
    EXPECT(vprint(buf, 32, TEXT("%05d %x %X %o %u"), 42, 255u, 255u, 8u, 7u) == S_OK &&
           same(buf, TEXT("00042 ff FF 10 7")));
    EXPECT(vprint(buf, 32, TEXT("%ld %lu %lld %llu"), -1L, 2UL, -3LL, 4ULL) == S_OK &&
           same(buf, TEXT("-1 2 -3 4")));
    EXPECT(vprint(buf, 32, TEXT("%.3f|%8.2e|%c|%%"), 3.14159, 1500.0, 'Q') == S_OK &&
           same(buf, TEXT("3.142|1.50e+03|Q|%")));
    EXPECT(vprint(buf, 32, TEXT("%*d|%-*d|%.*s"), 4, 7, 3, 8, 2, TEXT("abc")) == S_OK &&
           same(buf, TEXT("   7|8  |ab")));
    EXPECT(vprint(buf, 32, TEXT("%zu %hd %hhu"), (size_t)9, (short)-2, 300) == S_OK &&
           same(buf, TEXT("9 -2 44")));

#ifdef _UNICODE
    /* Microsoft's wide-function meanings: %S and %hs take char strings (UTF-8),
     * %C a char; widths and precisions count UTF-16 units. */
    {
        static const WCHAR smile[] = { '<', 0xD83D, 0xDE00, '>', 0 };
        static const WCHAR cut[] = { 'e', 0 };
        static const WCHAR wide_e[] = { 0x00E9, '|', 0 };
        WCHAR w[16];
        EXPECT(vprint(buf, 32, TEXT("<%S>"), "\xF0\x9F\x98\x80") == S_OK && same(buf, smile));
        EXPECT(vprint(buf, 32, TEXT("%.1hs"), "e\xF0\x9F\x98\x80") == S_OK && same(buf, cut));
        EXPECT(vprint(buf, 32, TEXT("%.2S"), "e\xF0\x9F\x98\x80") == S_OK && same(buf, cut));
        EXPECT(vprint(buf, 32, TEXT("%S|"), "\xC3\xA9") == S_OK && same(buf, wide_e));
        EXPECT(vprint(buf, 32, TEXT("%C%c%lc"), 'a', TEXT('b'), TEXT('c')) == S_OK &&
               same(buf, TEXT("abc")));
        EXPECT(vprint(buf, 32, TEXT("%ws %ls"), TEXT("w"), TEXT("l")) == S_OK && same(buf, TEXT("w l")));
        EXPECT(vprint(buf, 32, TEXT("%I64d %I32u %Iu"), -5LL, 6u, (size_t)7) == S_OK &&
               same(buf, TEXT("-5 6 7")));
        EXPECT(vprint(buf, 32, TEXT("%s"), (const WCHAR *)NULL) == S_OK && same(buf, TEXT("(null)")));
        /* %n is refused; so is a format ending inside a conversion. */
        {
            int count = 0;
            EXPECT(vprint(buf, 32, TEXT("ab%n"), &count) == STRSAFE_E_INVALID_PARAMETER &&
                   buf[0] == 0 && count == 0);
        }
        EXPECT(vprint(buf, 32, TEXT("ab%")) == STRSAFE_E_INVALID_PARAMETER);
        /* The tchar.h family. */
        EXPECT(_sntprintf(w, 4, _T("%d"), 12345) == 5 && same(w, _T("123")));
        EXPECT(_stprintf(w, _T("%s-%d"), _T("x"), 1) == 3 && same(w, _T("x-1")));
    }
#endif
    {
        FILE *f = tmpfile();
        char bytes[64];
        size_t got;
        EXPECT(f != NULL);
        if (f != NULL) {
#ifdef _UNICODE
            static const WCHAR cafe[] = { 'c', 'a', 'f', 0x00E9, 0 };
            EXPECT(_ftprintf(f, _T("%s=%d\n"), cafe, 5) == 7); /* UTF-16 units */
#else
            EXPECT(_ftprintf(f, "%s=%d\n", "caf\xC3\xA9", 5) == 8); /* bytes */
#endif
            rewind(f);
            got = fread(bytes, 1, sizeof bytes - 1, f);
            bytes[got] = 0;
            EXPECT(strcmp(bytes, "caf\xC3\xA9=5\n") == 0); /* UTF-8 on the stream either way */
            fclose(f);
        }
    }

    if (failures != 0)
        return 1;
    _tprintf(_T("%s ok\n"), _T("strsafe"));
    return 0;
}
