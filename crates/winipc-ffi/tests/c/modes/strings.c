/*
 * strings.c - user32's wsprintfA/W and wvsprintfA/W (and their TCHAR names), as
 * textbook and MSDN sample code uses them: the 1024-character limit, the return
 * value, %s/%S/%hs/%ls in each form, I64/I32/I sizes, %p, and the absence of
 * floating point (an unknown type is output as text, taking no argument).
 */
#include "harness.h"
#include <tchar.h>

/* A WCHAR string equals an ASCII one. */
static int weq(const WCHAR *w, const char *a)
{
    while (*a != 0 && (WCHAR)(unsigned char)*a == *w) {
        a++;
        w++;
    }
    return *a == 0 && *w == 0;
}

static int CallWvsprintfA(LPSTR out, LPCSTR fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = wvsprintfA(out, fmt, ap);
    va_end(ap);
    return n;
}

static int CallWvsprintf(LPTSTR out, LPCTSTR fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = wvsprintf(out, fmt, ap);
    va_end(ap);
    return n;
}

static int CallVsprintfS(char *buf, size_t n, const char *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = vsprintf_s(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

/* MSVC's narrow C runtime names, which <windows.h> gives in every mode (winipc_crt.h). */
static void TestCrtNames(void)
{
    char buf[16], *next = NULL, *tok, *dup;
    char list[] = "a,b,,c";
    int count = 0;
    CHECK_EQ(sprintf_s(buf, sizeof buf, "%d-%s", 12, "ab"), 5);
    CHECK(strcmp(buf, "12-ab") == 0);
    CHECK_EQ(sprintf_s(buf, 4, "%s", "toolong"), -1);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(CallVsprintfS(buf, sizeof buf, "%c%c", 'o', 'k'), 2);
    CHECK_EQ(_snprintf_s(buf, sizeof buf, _TRUNCATE, "%s", "0123456789abcdefXYZ"), -1);
    CHECK(strcmp(buf, "0123456789abcde") == 0);
    CHECK_EQ(_snprintf_s(buf, sizeof buf, 3, "%s", "abcdef"), -1);
    CHECK(strcmp(buf, "abc") == 0);
    CHECK_EQ(_snprintf_s(buf, sizeof buf, 10, "%d", 42), 2);
    CHECK_EQ(_snprintf(buf, sizeof buf, "%s", "x"), 1);
    CHECK_EQ(strcpy_s(buf, sizeof buf, "hello"), 0);
    CHECK_EQ(strcat_s(buf, sizeof buf, ", you"), 0);
    CHECK(strcmp(buf, "hello, you") == 0);
    CHECK_EQ(strcat_s(buf, sizeof buf, " are too long"), ERANGE);
    CHECK_EQ(buf[0], 0);
    CHECK_EQ(strncpy_s(buf, sizeof buf, "abcdef", 3), 0);
    CHECK(strcmp(buf, "abc") == 0);
    CHECK_EQ(strncat_s(buf, 6, "defgh", _TRUNCATE), STRUNCATE);
    CHECK(strcmp(buf, "abcde") == 0);
    CHECK_EQ(strcpy_s(buf, 3, "abc"), ERANGE);
    CHECK(_stricmp("Hello", "hELLO") == 0);
    CHECK(_stricmp("a", "B") < 0);
    CHECK(_strnicmp("HelloX", "hellOY", 5) == 0);
    dup = _strdup("Mixed Case");
    CHECK(strcmp(_strupr(dup), "MIXED CASE") == 0);
    CHECK(strcmp(_strlwr(dup), "mixed case") == 0);
    free(dup);
    for (tok = strtok_s(list, ",", &next); tok != NULL; tok = strtok_s(NULL, ",", &next))
        count++;
    CHECK_EQ(count, 3);
}

int main(void)
{
    char a[2048], big[1500];
    WCHAR w[2048];
    TCHAR t[256];
    int n;

    /* Wine's tests, checked against Windows. */
    CHECK_EQ(wsprintfA(a, "%010ld", -1), 10);
    CHECK(strcmp(a, "-000000001") == 0);
    CHECK_EQ(wsprintfA(a, "%I64X", ((ULONGLONG)0x12345 << 32) | 0x67890a), 13);
    CHECK(strcmp(a, "123450067890A") == 0);
    CHECK_EQ(wsprintfA(a, "%I32X", (DWORD)0x67890a), 6);
    CHECK(strcmp(a, "67890A") == 0);
    wsprintfA(a, "%I64d|%I64u|%Id|%Ix", (LONGLONG)543210 * 1000000, (ULONGLONG)(LONGLONG)-123,
              (INT_PTR)-12345, (INT_PTR)-0x12345);
    CHECK(strcmp(a, "543210000000|18446744073709551493|-12345|fffffffffffedcbb") == 0);
    CHECK_EQ(wsprintfA(a, "%p", (void *)(INT_PTR)-0x12345), 16);
    CHECK(strcmp(a, "FFFFFFFFFFFEDCBB") == 0);
    wsprintfA(a, "[%p]", (void *)(INT_PTR)0x1234);
    CHECK(strcmp(a, "[0000000000001234]") == 0);

    /* The usual MSDN uses: error codes, handles in hex, padded columns. */
    n = wsprintfA(a, "%s failed with error %d: %lu", "CreateFile", 2, (DWORD)4000000000u);
    CHECK_EQ(n, 42);
    CHECK(strcmp(a, "CreateFile failed with error 2: 4000000000") == 0);
    wsprintfA(a, "[%-6s|%6s|%.2s|%5d|%-5u|%05d|%x|%X|%#x|%c]", "ab", "cd", "xyz", -42, 7u, 42,
              255u, 255u, 255u, 'Q');
    CHECK(strcmp(a, "[ab    |    cd|xy|  -42|7    |00042|ff|FF|0xff|Q]") == 0);
    /* %d, %ld and %hd all take an INT; 'l' does not make the argument 64-bit. */
    wsprintfA(a, "%d %ld %hd %u", -1, (LONG)-2, 3, (UINT)-1);
    CHECK(strcmp(a, "-1 -2 3 4294967295") == 0);
    /* A precision of 0 counts as none. */
    wsprintfA(a, "%.0s|%.0d", "whole", 0);
    CHECK(strcmp(a, "whole|0") == 0);
    /* Wide strings in the ANSI form: %S, %ls, %ws; narrow ones: %s, %hs. */
    wsprintfA(a, "%S|%ls|%ws|%hs|%C", u"wide", u"long", u"ws", "narrow", (WCHAR)'W');
    CHECK(strcmp(a, "wide|long|ws|narrow|W") == 0);
    wsprintfA(a, "%s|%S", (const char *)NULL, (const WCHAR *)NULL);
    CHECK(strcmp(a, "(null)|(null)") == 0);
    /* UTF-8 through %S and %s. */
    wsprintfA(a, "%S %s", u"h\u00e9", "\xed\x95\x9c");
    CHECK(strcmp(a, "h\xc3\xa9 \xed\x95\x9c") == 0);

    /* No floating point, '*', '+' or ' ': the type character is output as text and no
     * argument is taken (the next conversion gets it). */
    CHECK_EQ(wsprintfA(a, "%f|%.2f|%5.2f|%d", 7), 10);
    CHECK(strcmp(a, "f|f|   f|7") == 0);
    wsprintfA(a, "%+d|%*d|%n|%", 5);
    CHECK(strcmp(a, "+d|*d|n|") == 0);
    CHECK_EQ(wsprintfA(a, "100%%"), 4);
    CHECK(strcmp(a, "100%") == 0);

    /* At most 1024 characters including the terminator; the return value counts what
     * was stored. */
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memset(a, '#', sizeof a);
    CHECK_EQ(wsprintfA(a, "%s", big), 1023);
    CHECK_EQ(strlen(a), 1023);
    CHECK_EQ(a[1024], '#');
    /* A field is never wider than the room left: the number still shows. */
    CHECK_EQ(wsprintfA(a, "%1100d", 5), 1023);
    CHECK_EQ(a[1022], '5');
    CHECK_EQ(a[0], ' ');
    CHECK_EQ(wsprintfA(a, "%200d|", 6), 201);
    CHECK_EQ(a[199], '6');
    CHECK_EQ(wsprintfA(a, ""), 0);
    CHECK_EQ(a[0], 0);

    /* The wide form: %s wide, %S and %hs narrow. */
    n = wsprintfW(w, u"%s=%d (%S, %hs, %ls, %c%C)", u"key", 12, "n1", "n2", u"w", (WCHAR)'c',
                  'C');
    CHECK_EQ(n, 22);
    CHECK(weq(w, "key=12 (n1, n2, w, cC)"));
    CHECK_EQ(wsprintfW(w, u"%08X|%-4d|%.3s|%f", 0xBEEFu, 3, u"abcdef"), 19);
    CHECK(weq(w, "0000BEEF|3   |abc|f"));
    {
        WCHAR wbig[1500];
        int i;
        for (i = 0; i < 1499; i++)
            wbig[i] = 'y';
        wbig[1499] = 0;
        w[1024] = 0x2323;
        CHECK_EQ(wsprintfW(w, u"%s", wbig), 1023);
        CHECK_EQ(lstrlenW(w), 1023);
        CHECK_EQ(w[1024], 0x2323);
    }

    /* wvsprintf, and the TCHAR names. */
    CHECK_EQ(CallWvsprintfA(a, "%s-%d", "va", 1), 4);
    CHECK(strcmp(a, "va-1") == 0);
    CHECK_EQ(wsprintf(t, TEXT("%s: %d%%"), TEXT("progress"), 50), 13);
    CHECK(lstrcmp(t, TEXT("progress: 50%")) == 0);
    CHECK_EQ(CallWvsprintf(t, TEXT("%s/%u"), TEXT("a"), 2u), 3);
    CHECK(lstrcmp(t, TEXT("a/2")) == 0);
    CHECK_EQ(wsprintf(t, TEXT("%hs|%ls"), "hs", u"ls"), 5);
    CHECK(lstrcmp(t, TEXT("hs|ls")) == 0);

    /* The formatter under _stprintf too: a field wider than its 128-byte scratch buffer
     * takes its argument once (it printed the next argument's bits before). */
    CHECK_EQ(_stprintf(t, _T("%200d|%d"), 6, 7), 202);
    CHECK_EQ(t[199], '6');
    CHECK_EQ(t[201], '7');
    TestCrtNames();
    return SUMMARY();
}
