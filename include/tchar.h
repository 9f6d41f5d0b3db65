/*
 * tchar.h - generic-text mappings for Win32 programs built against winipc.
 *
 * Without _UNICODE (the supported, complete configuration) every _t name maps
 * to the C library's char function, exactly like MSVC's tchar.h in its
 * single-byte mode, and strings are UTF-8.
 *
 * With _UNICODE, _TCHAR is the 16-bit WCHAR and _T("x") is a 16-bit literal
 * (L"x" under -fshort-wchar; u"x" in C11/C++11).  glibc's wide functions
 * assume a 32-bit wchar_t, so they are never used: the string, ctype and
 * number functions below are implemented inline for UTF-16, a few stdio
 * functions convert to/from UTF-8, the printf family uses winipc's UTF-16
 * formatter (winipc_utf16.h), and the scanf family (which cannot be provided
 * honestly) expands to an undeclared identifier naming the problem.
 * docs/c-abi.md lists exactly what works.
 *
 * _tmain under _UNICODE is wmain(int, wchar_t **), which Linux never calls.
 * The file that defines _tmain also gets a weak main() that converts argv
 * (and the environment) from UTF-8 to UTF-16 and calls it; a program's own
 * main() wins over it. WINIPC_WMAIN_SHIM, defined before <tchar.h> in one
 * translation unit, instead emits a strong main() there (the older way,
 * for a program that calls its wmain under another name).
 */
#ifndef WINIPC_TCHAR_H
#define WINIPC_TCHAR_H

#if defined(__cplusplus) && __cplusplus >= 201103L
#  define WINIPC_NULLPTR nullptr
#else
#  define WINIPC_NULLPTR NULL
#endif

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "winipc_scanf.h"

#ifdef __cplusplus
extern "C" {
#endif

/* MSVC's errno_t (the return type of the _s functions). */
#ifndef _ERRNO_T_DEFINED
#  define _ERRNO_T_DEFINED
typedef int errno_t;
#endif

#ifndef _UNICODE
/* ======================================================================== */
/* Single-byte (ANSI) mapping.                                              */
/* ======================================================================== */

typedef char          _TCHAR;
typedef char          _TSCHAR;
typedef unsigned char _TUCHAR;
typedef char          _TXCHAR;
typedef int           _TINT;
#ifndef _TCHAR_DEFINED
#  define _TCHAR_DEFINED
typedef char          TCHAR, *PTCHAR;
typedef unsigned char TBYTE, *PTBYTE;
#endif

#define __T(x)     x
#define _T(x)      __T(x)
#define _TEXT(x)   __T(x)
#define _TEOF      EOF

#define _tmain     main

/* Formatted I/O: the C library's, through wrappers without GCC's printf format check, which
 * rejects MSVC's `%hs`/`%hc` (a narrow string/character in every mode; the C library prints
 * them right, as it ignores `h` there) - generic-text code prints char strings so - and
 * MSVC's `%I64d` (rewritten to `%lld`, which the C library would misread). */
#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wpragmas"
#  pragma GCC diagnostic ignored "-Wunknown-warning-option"
#  pragma GCC diagnostic ignored "-Wformat-nonliteral"
#  pragma GCC diagnostic ignored "-Wsuggest-attribute=format"
#endif
/* MSVC's size prefixes I64, I32 and I (%I64d, %10I64u, %Iu), which the C library reads as
 * its own 'I' flag and a width of 64: a copy of `fmt` with ll, nothing and z in their place
 * (never longer), or NULL when `fmt` has none (or no memory: then printed as written). */
static inline char *winipc_msvc_fmt_(const char *fmt)
{
    const char *p;
    char *out, *o;
    if (strchr(fmt, 'I') == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    out = (char *)malloc(strlen(fmt) + 1);
    if (out == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    for (p = fmt, o = out; *p != 0;) {
        if (*p != '%') {
            *o++ = *p++;
            continue;
        }
        *o++ = *p++;
        if (*p == '%') {
            *o++ = *p++;
            continue;
        }
        while (*p != 0 && strchr("-+ #0'", *p) != WINIPC_NULLPTR)
            *o++ = *p++;
        while (*p == '*' || (*p >= '0' && *p <= '9') || *p == '.')
            *o++ = *p++;
        if (*p == 'I') {
            if (p[1] == '6' && p[2] == '4') {
                *o++ = 'l';
                *o++ = 'l';
                p += 3;
            } else if (p[1] == '3' && p[2] == '2') {
                p += 3;
            } else {
                *o++ = 'z';
                p++;
            }
        }
    }
    *o = 0;
    return out;
}

static inline int winipc_tprintf_a(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vprintf(f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}

static inline int winipc_ftprintf_a(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vfprintf(stream, f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}

static inline int winipc_stprintf_a(char *buf, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vsprintf(buf, f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}

static inline int winipc_sntprintf_a(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vsnprintf(buf, size, f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}
static inline int winipc_tscanf_a(const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vscanf(f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}

static inline int winipc_ftscanf_a(FILE *stream, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vfscanf(stream, f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}

static inline int winipc_stscanf_a(const char *str, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *f = winipc_msvc_fmt_(fmt);
    va_start(ap, fmt);
    n = vsscanf(str, f != WINIPC_NULLPTR ? f : fmt, ap);
    va_end(ap);
    free(f);
    return n;
}
#if defined(__GNUC__) || defined(__clang__)
#  pragma GCC diagnostic pop
#endif

#define _tprintf   winipc_tprintf_a
#define _ftprintf  winipc_ftprintf_a
#define _stprintf  winipc_stprintf_a
#define _sntprintf winipc_sntprintf_a /* NB: like C snprintf, always terminates (MSVC's _snprintf may not) */
#define _vtprintf  vprintf
#define _vftprintf vfprintf
#define _vstprintf vsprintf
#define _vsntprintf vsnprintf
#define _tscanf    winipc_tscanf_a   /* MSVC's %I64d/%I32d/%Id rewritten, as for printf */
#define _ftscanf   winipc_ftscanf_a
#define _stscanf   winipc_stscanf_a
#define _tscanf_s  winipc_scanf_s   /* MSVC's scanf_s: a size follows %s/%c/%[ buffers */
#define _ftscanf_s winipc_fscanf_s
#define _stscanf_s winipc_sscanf_s
#define _stprintf_s winipc_sprintf_s
#define _tcscpy_s  winipc_strcpy_s
#define _tcstok_s  winipc_strtok_s  /* strtok_s(str, delim, context) */
#define _getts_s   winipc_gets_s
#define _tfopen_s  winipc_fopen_s
#define _tsetlocale setlocale

/* Unformatted I/O. */
#define _fputts    fputs
#define _fgetts    fgets
#define _putts     puts
#define _fputtc    fputc
#define _puttc     putc
#define _puttchar  putchar
#define _fgettc    fgetc
#define _gettc     getc
#define _gettchar  getchar
#define _ungettc   ungetc

/* Strings. */
#define _tcslen    strlen
#define _tcscmp    strcmp
#define _tcsncmp   strncmp
#define _tcsicmp   winipc_stricmp
#define _tcsnicmp  winipc_strnicmp
#define _tcscpy    strcpy
#define _tcsncpy   strncpy
#define _tcscat    strcat
#define _tcsncat   strncat
#define _tcschr    strchr
#define _tcsrchr   strrchr
#define _tcsstr    strstr
#define _tcstok    strtok
#define _tcsspn    strspn
#define _tcscspn   strcspn
#define _tcspbrk   strpbrk
#define _tcsdup    winipc_strdup
#define _tcscoll   strcoll
#define _tcsftime  strftime
#define _tcserror  strerror

/* Conversions. */
#define _ttoi      atoi
#define _tstoi     atoi
#define _ttol      atol
#define _tstol     atol
#define _ttoi64    atoll
#define _tstoi64   atoll
#define _tcstol    strtol
#define _tcstoul   strtoul
#define _tcstoi64  strtoll
#define _tcstoui64 strtoull
#define _tcstod    strtod
#define _ttof      atof
#define _tstof     atof

/* Character classes. */
#define _totupper  toupper
#define _totlower  tolower
#define _istspace  isspace
#define _istdigit  isdigit
#define _istxdigit isxdigit
#define _istalpha  isalpha
#define _istalnum  isalnum
#define _istupper  isupper
#define _istlower  islower
#define _istpunct  ispunct
#define _istprint  isprint
#define _istcntrl  iscntrl

/* Environment, files, processes. */
#define _tfopen    fopen
#define _tfreopen  freopen
#define _tremove   remove
/* <direct.h> and <io.h> declare these. */
#define _tgetcwd   _getcwd
#define _tchdir    _chdir
#define _tmkdir    _mkdir
#define _trmdir    _rmdir
#define _taccess   _access
#define _tunlink   _unlink
#define _trename   rename
#define _tperror   perror
#define _tgetenv   getenv
#define _tsystem   system

/* MSVC's _stricmp/_strnicmp/_strdup, which strict ISO C modes of glibc do not
 * declare: case folding is ASCII (the "C" locale), as in MSVC's default. */
static inline int winipc_stricmp(const char *a, const char *b)
{
    int ca, cb;
    do {
        ca = tolower((unsigned char)*a++);
        cb = tolower((unsigned char)*b++);
    } while (ca == cb && ca != 0);
    return ca - cb;
}

static inline int winipc_strnicmp(const char *a, const char *b, size_t n)
{
    int ca = 0, cb = 0;
    while (n-- > 0) {
        ca = tolower((unsigned char)*a++);
        cb = tolower((unsigned char)*b++);
        if (ca != cb || ca == 0)
            break;
    }
    return ca - cb;
}

static inline char *winipc_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = (char *)malloc(n);
    if (p != WINIPC_NULLPTR)
        memcpy(p, s, n);
    return p;
}

#else /* _UNICODE */
/* ======================================================================== */
/* UTF-16 mapping (_UNICODE).  See the header comment and docs/c-abi.md.    */
/* ======================================================================== */

#include <wctype.h>
#include "winipc_wchar.h"
#include "winipc_utf16.h"

typedef winipc_wchar  _TCHAR;
typedef winipc_wchar  _TSCHAR;
typedef winipc_wchar  _TUCHAR;
typedef winipc_wchar  _TXCHAR;
typedef int           _TINT;     /* holds any code unit and _TEOF */
#ifndef _TCHAR_DEFINED
#  define _TCHAR_DEFINED
typedef winipc_wchar  TCHAR, *PTCHAR;
typedef winipc_wchar  TBYTE, *PTBYTE;
#endif

#define __T(x)     WINIPC_WIDE_(x)
#define _T(x)      __T(x)
#define _TEXT(x)   __T(x)
#define _TEOF      (-1)

#if defined(WINIPC_WMAIN_SHIM)
#  define _tmain   wmain
#else
/* `int _tmain(...)` becomes `int winipc_tmain_N_(void); #pragma weak main = ... int wmain(...)`:
 * the translation unit that defines _tmain makes main() a weak alias of the entry below. A
 * main() the program defines itself is strong and wins; files without _tmain get none. The declaration in
 * front only gives the pragma a place of its own (numbered, so that a prototype of _tmain
 * before its definition is no redundant redeclaration). */
#  define _tmain   WINIPC_TMAIN_(__COUNTER__)
#  define WINIPC_TMAIN_(n)  WINIPC_TMAIN2_(n)
#  define WINIPC_TMAIN2_(n) \
    winipc_tmain_##n##_(void); _Pragma("weak main = winipc_wmain_entry_") int wmain
#endif
#ifdef __cplusplus
/* Weak: the entry (or the shim) calls whichever form of wmain the program defines. */
int wmain(int argc, _TCHAR **argv) __attribute__((__weak__));
#endif
/* Not declared in C, so that both `int _tmain()` (the "Creating Threads" sample) and
   `int _tmain(int argc, TCHAR *argv[])` define it; the shim below calls it by symbol. */

/* printf family: winipc's UTF-16 formatter (winipc_utf16.h), which writes
 * UTF-8 to streams.  %s is a _TCHAR string here, %S/%hs a char string. */
#define _tprintf   winipc_wprintf16
#define _ftprintf  winipc_fwprintf16
#define _stprintf  winipc_swprintf16   /* MSVC's _swprintf: no size, like sprintf */
#define _sntprintf winipc_snwprintf16  /* always terminates, like _sntprintf in ANSI mode */
#define _vtprintf  winipc_vwprintf16
#define _vftprintf winipc_vfwprintf16
#define _vstprintf winipc_vswprintf16
#define _vsntprintf winipc_vsnwprintf16
/* scanf family: winipc's engine (winipc_scanf.h) over UTF-8 input; %s stores _TCHARs. */
#define _tscanf    winipc_wscanf16
#define _ftscanf   winipc_fwscanf16
#define _stscanf   winipc_swscanf16
#define _tscanf_s  winipc_wscanf16_s
#define _ftscanf_s winipc_fwscanf16_s
#define _stscanf_s winipc_swscanf16_s
#define _stprintf_s winipc_swprintf16_s
#define _tcscpy_s  winipc_tcscpy_s
#define _tcstok_s  winipc_tcstok_s
#define _getts_s   winipc_getts_s
#define _tfopen_s  winipc_tfopen_s
#define _tsetlocale winipc_tsetlocale
#define _gettchar() winipc_fgettc(stdin)
#define _fgettc    winipc_fgettc
#define _gettc     winipc_fgettc
#define _tgetenv(...)    (winipc_tgetenv_unavailable_under_UNICODE_see_docs_c_abi_md)

/* ---- Strings ------------------------------------------------------------ */

static inline size_t winipc_tcslen(const winipc_wchar *s)
{
    size_t n = 0;
    while (s[n] != 0)
        n++;
    return n;
}

static inline int winipc_tcsncmp(const winipc_wchar *a, const winipc_wchar *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        if (*a != *b)
            return (*a < *b) ? -1 : 1;
        if (*a == 0)
            break;
    }
    return 0;
}

static inline int winipc_tcscmp(const winipc_wchar *a, const winipc_wchar *b)
{
    return winipc_tcsncmp(a, b, (size_t)-1);
}

/* ASCII-only case folding, like MSVC's _wcsicmp in the "C" locale. */
static inline unsigned winipc_tcsfold(winipc_wchar c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned)c + 32u : (unsigned)c;
}

static inline int winipc_tcsnicmp(const winipc_wchar *a, const winipc_wchar *b, size_t n)
{
    for (; n > 0; n--, a++, b++) {
        unsigned ca = winipc_tcsfold(*a), cb = winipc_tcsfold(*b);
        if (ca != cb)
            return (ca < cb) ? -1 : 1;
        if (ca == 0)
            break;
    }
    return 0;
}

static inline int winipc_tcsicmp(const winipc_wchar *a, const winipc_wchar *b)
{
    return winipc_tcsnicmp(a, b, (size_t)-1);
}

static inline winipc_wchar *winipc_tcscpy(winipc_wchar *d, const winipc_wchar *s)
{
    winipc_wchar *r = d;
    while ((*d++ = *s++) != 0) {
    }
    return r;
}

static inline winipc_wchar *winipc_tcsncpy(winipc_wchar *d, const winipc_wchar *s, size_t n)
{
    size_t i = 0;
    for (; i < n && s[i] != 0; i++)
        d[i] = s[i];
    for (; i < n; i++)
        d[i] = 0;
    return d;
}

static inline winipc_wchar *winipc_tcscat(winipc_wchar *d, const winipc_wchar *s)
{
    winipc_tcscpy(d + winipc_tcslen(d), s);
    return d;
}

static inline winipc_wchar *winipc_tcsncat(winipc_wchar *d, const winipc_wchar *s, size_t n)
{
    winipc_wchar *e = d + winipc_tcslen(d);
    for (; n > 0 && *s != 0; n--)
        *e++ = *s++;
    *e = 0;
    return d;
}

/* As in C, the result is non-const even for a const argument. */
static inline winipc_wchar *winipc_tcschr(const winipc_wchar *s, int c)
{
    winipc_wchar ch = (winipc_wchar)c;
    for (;; s++) {
        if (*s == ch)
            return (winipc_wchar *)(uintptr_t)s;
        if (*s == 0)
            return WINIPC_NULLPTR;
    }
}

static inline winipc_wchar *winipc_tcsrchr(const winipc_wchar *s, int c)
{
    winipc_wchar ch = (winipc_wchar)c;
    const winipc_wchar *r = WINIPC_NULLPTR;
    for (;; s++) {
        if (*s == ch)
            r = s;
        if (*s == 0)
            return (winipc_wchar *)(uintptr_t)r;
    }
}

static inline winipc_wchar *winipc_tcsstr(const winipc_wchar *h, const winipc_wchar *n)
{
    size_t ln = winipc_tcslen(n);
    for (; *h != 0 || ln == 0; h++) {
        if (winipc_tcsncmp(h, n, ln) == 0)
            return (winipc_wchar *)(uintptr_t)h;
        if (*h == 0)
            break;
    }
    return WINIPC_NULLPTR;
}

static inline size_t winipc_tcsspn(const winipc_wchar *s, const winipc_wchar *set)
{
    size_t n = 0;
    while (s[n] != 0 && winipc_tcschr(set, s[n]) != WINIPC_NULLPTR)
        n++;
    return n;
}

static inline size_t winipc_tcscspn(const winipc_wchar *s, const winipc_wchar *set)
{
    size_t n = 0;
    while (s[n] != 0 && winipc_tcschr(set, s[n]) == WINIPC_NULLPTR)
        n++;
    return n;
}

/* strtok semantics; the saved position is per translation unit and not
 * thread-safe (MSVC's is per thread). */
static inline winipc_wchar *winipc_tcstok(winipc_wchar *s, const winipc_wchar *delim)
{
    static winipc_wchar *next;
    winipc_wchar *tok;
    if (s == WINIPC_NULLPTR)
        s = next;
    if (s == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    s += winipc_tcsspn(s, delim);
    if (*s == 0) {
        next = WINIPC_NULLPTR;
        return WINIPC_NULLPTR;
    }
    tok = s;
    s += winipc_tcscspn(s, delim);
    if (*s != 0) {
        *s = 0;
        next = s + 1;
    } else {
        next = WINIPC_NULLPTR;
    }
    return tok;
}

static inline winipc_wchar *winipc_tcspbrk(const winipc_wchar *s, const winipc_wchar *set)
{
    const winipc_wchar *k;
    for (; *s != 0; s++)
        for (k = set; *k != 0; k++)
            if (*k == *s)
                return (winipc_wchar *)(uintptr_t)s;
    return WINIPC_NULLPTR;
}

static inline winipc_wchar *winipc_tcsdup(const winipc_wchar *s)
{
    size_t n = (winipc_tcslen(s) + 1) * sizeof(winipc_wchar);
    winipc_wchar *p = (winipc_wchar *)malloc(n);
    if (p != WINIPC_NULLPTR)
        memcpy(p, s, n);
    return p;
}

/* ---- Numbers: parse the ASCII prefix with the C library ----------------- */

static inline char *winipc_tcs_ascii_prefix(const winipc_wchar *s)
{
    size_t n = 0, i;
    char *a;
    while (s[n] != 0 && s[n] < 0x80)
        n++;
    a = (char *)malloc(n + 1);
    if (a == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    for (i = 0; i < n; i++)
        a[i] = (char)s[i];
    a[n] = '\0';
    return a;
}

static inline long winipc_tcstol(const winipc_wchar *s, winipc_wchar **end, int base)
{
    char *a = winipc_tcs_ascii_prefix(s), *e = WINIPC_NULLPTR;
    long v = 0;
    if (a != WINIPC_NULLPTR) {
        v = strtol(a, &e, base);
        if (end != WINIPC_NULLPTR)
            *end = (winipc_wchar *)(uintptr_t)(s + (e - a));
        free(a);
    } else if (end != WINIPC_NULLPTR) {
        *end = (winipc_wchar *)(uintptr_t)s;
    }
    return v;
}

static inline double winipc_tcstod(const winipc_wchar *s, winipc_wchar **end)
{
    char *a = winipc_tcs_ascii_prefix(s), *e = WINIPC_NULLPTR;
    double v = 0;
    if (a != WINIPC_NULLPTR) {
        v = strtod(a, &e);
        if (end != WINIPC_NULLPTR)
            *end = (winipc_wchar *)(uintptr_t)(s + (e - a));
        free(a);
    } else if (end != WINIPC_NULLPTR) {
        *end = (winipc_wchar *)(uintptr_t)s;
    }
    return v;
}

static inline double winipc_ttof(const winipc_wchar *s)
{
    return winipc_tcstod(s, WINIPC_NULLPTR);
}

static inline unsigned long winipc_tcstoul(const winipc_wchar *s, winipc_wchar **end, int base)
{
    char *a = winipc_tcs_ascii_prefix(s), *e = WINIPC_NULLPTR;
    unsigned long v = 0;
    if (a != WINIPC_NULLPTR) {
        v = strtoul(a, &e, base);
        if (end != WINIPC_NULLPTR)
            *end = (winipc_wchar *)(uintptr_t)(s + (e - a));
        free(a);
    } else if (end != WINIPC_NULLPTR) {
        *end = (winipc_wchar *)(uintptr_t)s;
    }
    return v;
}

static inline long long winipc_tcstoll(const winipc_wchar *s, winipc_wchar **end, int base)
{
    char *a = winipc_tcs_ascii_prefix(s), *e = WINIPC_NULLPTR;
    long long v = 0;
    if (a != WINIPC_NULLPTR) {
        v = strtoll(a, &e, base);
        if (end != WINIPC_NULLPTR)
            *end = (winipc_wchar *)(uintptr_t)(s + (e - a));
        free(a);
    } else if (end != WINIPC_NULLPTR) {
        *end = (winipc_wchar *)(uintptr_t)s;
    }
    return v;
}

static inline unsigned long long winipc_tcstoull(const winipc_wchar *s, winipc_wchar **end, int base)
{
    char *a = winipc_tcs_ascii_prefix(s), *e = WINIPC_NULLPTR;
    unsigned long long v = 0;
    if (a != WINIPC_NULLPTR) {
        v = strtoull(a, &e, base);
        if (end != WINIPC_NULLPTR)
            *end = (winipc_wchar *)(uintptr_t)(s + (e - a));
        free(a);
    } else if (end != WINIPC_NULLPTR) {
        *end = (winipc_wchar *)(uintptr_t)s;
    }
    return v;
}

static inline int winipc_ttoi(const winipc_wchar *s)
{
    return (int)winipc_tcstol(s, WINIPC_NULLPTR, 10);
}

static inline long winipc_ttol(const winipc_wchar *s)
{
    return winipc_tcstol(s, WINIPC_NULLPTR, 10);
}

static inline long long winipc_ttoi64(const winipc_wchar *s)
{
    return winipc_tcstoll(s, WINIPC_NULLPTR, 10);
}

/* ---- stdio, files, processes (UTF-8 on the Linux side) ------------------ */

static inline int winipc_fputts(const winipc_wchar *s, FILE *f)
{
    char *u = winipc_utf16_to_utf8(s);
    int r;
    if (u == WINIPC_NULLPTR)
        return EOF;
    r = fputs(u, f);
    free(u);
    return r;
}

static inline int winipc_putts(const winipc_wchar *s)
{
    int r = winipc_fputts(s, stdout);
    return (r == EOF) ? EOF : putchar('\n');
}

/* fgets for UTF-16: reads UTF-8 bytes until a newline (kept), EOF or until
 * n - 1 code units are stored; a character that does not fit is left for
 * the next call. */
static inline winipc_wchar *winipc_fgetts(winipc_wchar *buf, int n, FILE *f)
{
    int i = 0;
    if (n <= 0)
        return WINIPC_NULLPTR;
    while (i < n - 1) {
        unsigned char seq[5];
        const unsigned char *p = seq;
        unsigned long cp;
        int c = fgetc(f), len, k;
        if (c == EOF)
            break;
        len = (c < 0x80) ? 1 : (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
        if (len == 4 && i + 2 > n - 1) {
            ungetc(c, f);
            break;
        }
        seq[0] = (unsigned char)c;
        for (k = 1; k < len; k++) {
            int d = fgetc(f);
            if (d == EOF)
                break;
            if ((d & 0xC0) != 0x80) {
                ungetc(d, f);
                break;
            }
            seq[k] = (unsigned char)d;
        }
        seq[k < len ? k : len] = 0;
        if (k < len)
            seq[0] = 0xFF;          /* truncated sequence: force U+FFFD */
        cp = winipc_utf8_next(&p);
        if (cp >= 0x10000) {
            buf[i++] = (winipc_wchar)(0xD800 + ((cp - 0x10000) >> 10));
            buf[i++] = (winipc_wchar)(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            buf[i++] = (winipc_wchar)cp;
        }
        if (cp == '\n')
            break;
    }
    if (i == 0)
        return WINIPC_NULLPTR;
    buf[i] = 0;
    return buf;
}

static inline int winipc_fputtc(winipc_wchar c, FILE *f)
{
    winipc_wchar s[2];
    s[0] = c;
    s[1] = 0;
    return (winipc_fputts(s, f) == EOF) ? _TEOF : (int)c;
}

static inline FILE *winipc_tfopen(const winipc_wchar *name, const winipc_wchar *mode)
{
    char *n = winipc_utf16_to_utf8(name), *m = winipc_utf16_to_utf8(mode);
    FILE *f = (n != WINIPC_NULLPTR && m != WINIPC_NULLPTR) ? fopen(n, m) : WINIPC_NULLPTR;
    free(n);
    free(m);
    return f;
}

static inline int winipc_tremove(const winipc_wchar *name)
{
    char *n = winipc_utf16_to_utf8(name);
    int r = (n != WINIPC_NULLPTR) ? remove(n) : -1;
    free(n);
    return r;
}

static inline int winipc_tsystem(const winipc_wchar *cmd)
{
    char *c;
    int r;
    if (cmd == WINIPC_NULLPTR)
        return system(WINIPC_NULLPTR);
    c = winipc_utf16_to_utf8(cmd);
    r = (c != WINIPC_NULLPTR) ? system(c) : -1;
    free(c);
    return r;
}

static inline void winipc_tperror(const winipc_wchar *s)
{
    char *u = (s != WINIPC_NULLPTR) ? winipc_utf16_to_utf8(s) : WINIPC_NULLPTR;
    perror(u);
    free(u);
}

#define _tcslen    winipc_tcslen
#define _tcscmp    winipc_tcscmp
#define _tcsncmp   winipc_tcsncmp
#define _tcsicmp   winipc_tcsicmp
#define _tcsnicmp  winipc_tcsnicmp
#define _tcscpy    winipc_tcscpy
#define _tcsncpy   winipc_tcsncpy
#define _tcscat    winipc_tcscat
#define _tcsncat   winipc_tcsncat
#define _tcschr    winipc_tcschr
#define _tcsrchr   winipc_tcsrchr
#define _tcsstr    winipc_tcsstr
#define _tcstok    winipc_tcstok
#define _tcsspn    winipc_tcsspn
#define _tcscspn   winipc_tcscspn
#define _tcsdup    winipc_tcsdup

#define _ttoi      winipc_ttoi
#define _tstoi     winipc_ttoi
#define _ttol      winipc_ttol
#define _tstol     winipc_ttol
#define _ttoi64    winipc_ttoi64
#define _tstoi64   winipc_ttoi64
#define _tcstol    winipc_tcstol
#define _tcstoul   winipc_tcstoul
#define _tcstoi64  winipc_tcstoll
#define _tcstoui64 winipc_tcstoull
#define _tcstod    winipc_tcstod
#define _ttof      winipc_ttof
#define _tstof     winipc_ttof
#define _tcspbrk   winipc_tcspbrk

/* Classification of one UTF-16 code unit as a code point: exact for the
 * BMP; surrogate halves classify as nothing and map to themselves. */
#define _totupper(c) ((winipc_wchar)towupper((wint_t)(winipc_wchar)(c)))
#define _totlower(c) ((winipc_wchar)towlower((wint_t)(winipc_wchar)(c)))
#define _istspace(c)  iswspace((wint_t)(winipc_wchar)(c))
#define _istdigit(c)  iswdigit((wint_t)(winipc_wchar)(c))
#define _istxdigit(c) iswxdigit((wint_t)(winipc_wchar)(c))
#define _istalpha(c)  iswalpha((wint_t)(winipc_wchar)(c))
#define _istalnum(c)  iswalnum((wint_t)(winipc_wchar)(c))
#define _istupper(c)  iswupper((wint_t)(winipc_wchar)(c))
#define _istlower(c)  iswlower((wint_t)(winipc_wchar)(c))
#define _istpunct(c)  iswpunct((wint_t)(winipc_wchar)(c))
#define _istprint(c)  iswprint((wint_t)(winipc_wchar)(c))
#define _istcntrl(c)  iswcntrl((wint_t)(winipc_wchar)(c))

#define _fputts    winipc_fputts
#define _putts     winipc_putts
#define _fgetts    winipc_fgetts
#define _fputtc    winipc_fputtc
#define _puttc     winipc_fputtc
#define _puttchar(c) winipc_fputtc((c), stdout)
#define _tfopen    winipc_tfopen
#define _tremove   winipc_tremove
/* <direct.h> and <io.h> declare these. */
#define _tgetcwd   _wgetcwd
#define _tchdir    _wchdir
#define _tmkdir    _wmkdir
#define _trmdir    _wrmdir
#define _taccess   _waccess
#define _tunlink   _wunlink
#define _tsystem   winipc_tsystem
#define _tperror   winipc_tperror

/* One UTF-16 code unit from a UTF-8 stream (a character outside the BMP comes as two
 * calls: high then low surrogate); _TEOF at the end. */
static inline int winipc_fgettc(FILE *f)
{
    static int pending = -1;
    unsigned char seq[5];
    const unsigned char *p = seq;
    unsigned long cp;
    int c, len, k;
    if (pending >= 0) {
        c = pending;
        pending = -1;
        return c;
    }
    c = fgetc(f);
    if (c == EOF)
        return _TEOF;
    len = (c < 0x80) ? 1 : (c >= 0xF0) ? 4 : (c >= 0xE0) ? 3 : (c >= 0xC0) ? 2 : 1;
    seq[0] = (unsigned char)c;
    for (k = 1; k < len; k++) {
        int d = fgetc(f);
        if (d == EOF || (d & 0xC0) != 0x80) {
            if (d != EOF)
                ungetc(d, f);
            seq[0] = 0xFF;
            break;
        }
        seq[k] = (unsigned char)d;
    }
    seq[k < len ? k : len] = 0;
    cp = winipc_utf8_next(&p);
    if (cp >= 0x10000) {
        pending = (int)(0xDC00 + ((cp - 0x10000) & 0x3FF));
        return (int)(0xD800 + ((cp - 0x10000) >> 10));
    }
    return (int)cp;
}

static inline winipc_wchar *winipc_tsetlocale(int category, const winipc_wchar *locale)
{
    static winipc_wchar result[256];
    char *l = (locale != WINIPC_NULLPTR) ? winipc_utf16_to_utf8(locale) : WINIPC_NULLPTR;
    const char *r = setlocale(category, l);
    winipc_wchar *w;
    size_t i;
    free(l);
    if (r == WINIPC_NULLPTR || (w = winipc_utf8_to_utf16(r)) == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    for (i = 0; i < 255 && w[i] != 0; i++)
        result[i] = w[i];
    result[i] = 0;
    free(w);
    return result;
}

static inline winipc_wchar *winipc_tcstok_s(winipc_wchar *s, const winipc_wchar *delim,
                                            winipc_wchar **context)
{
    winipc_wchar *end;
    if (s == WINIPC_NULLPTR)
        s = *context;
    if (s == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    s += winipc_tcsspn(s, delim);
    if (*s == 0) {
        *context = s;
        return WINIPC_NULLPTR;
    }
    end = s + winipc_tcscspn(s, delim);
    if (*end != 0)
        *end++ = 0;
    *context = end;
    return s;
}

static inline int winipc_swprintf16_s(winipc_wchar *dst, size_t cap, const winipc_wchar *fmt,
                                      ...)
{
    int n;
    va_list ap;
    if (dst == WINIPC_NULLPTR || cap == 0) {
        errno = EINVAL;
        return -1;
    }
    va_start(ap, fmt);
    n = winipc_vsnwprintf16(dst, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        dst[0] = 0;
        errno = ERANGE;
        return -1;
    }
    return n;
}

static inline errno_t winipc_tcscpy_s(winipc_wchar *dst, size_t cap, const winipc_wchar *src)
{
    size_t n;
    if (dst == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    if (src == WINIPC_NULLPTR) {
        dst[0] = 0;
        return EINVAL;
    }
    n = winipc_tcslen(src);
    if (n >= cap) {
        dst[0] = 0;
        return ERANGE;
    }
    memcpy(dst, src, (n + 1) * sizeof(winipc_wchar));
    return 0;
}

/* gets_s: one line without its newline; NULL at end of input, or (emptied) when the line
 * does not fit (the rest of the line is consumed). */
static inline winipc_wchar *winipc_getts_s(winipc_wchar *buf, size_t cap)
{
    size_t i = 0;
    int c, any = 0, overflow = 0;
    if (buf == WINIPC_NULLPTR || cap == 0)
        return WINIPC_NULLPTR;
    while ((c = winipc_fgettc(stdin)) != _TEOF) {
        any = 1;
        if (c == '\n')
            break;
        if (i + 1 < cap)
            buf[i++] = (winipc_wchar)c;
        else
            overflow = 1;
    }
    buf[overflow ? 0 : i] = 0;
    return (!any || overflow) ? WINIPC_NULLPTR : buf;
}

static inline errno_t winipc_tfopen_s(FILE **pf, const winipc_wchar *name,
                                      const winipc_wchar *mode)
{
    if (pf == WINIPC_NULLPTR || name == WINIPC_NULLPTR || mode == WINIPC_NULLPTR)
        return EINVAL;
    *pf = winipc_tfopen(name, mode);
    return (*pf == WINIPC_NULLPTR) ? (errno != 0 ? errno : EINVAL) : 0;
}

#endif /* _UNICODE */

/* ---- MSVC runtime string functions, both modes (on _TCHAR) ----------------------------
 * _tcscat_s, _tcsncpy_s, _tcsncat_s (with _TRUNCATE), _tcsupr/_tcslwr (and their _s forms;
 * case mapping per unit: ASCII in ANSI mode, towupper/towlower under _UNICODE), _tcsrev,
 * _tcsset, _tcsnset, _tcsnlen, _itot/_ltot/_ultot/_i64tot/_ui64tot (and _itot_s, _ltot_s),
 * the _tcsclen, _tcsnccmp, ... names of SBCS/UTF-16 code (no multi-byte characters here), _tcsinc,
 * _tcsdec, _tcsninc, _tcsnextc, _tprintf_s, _ftprintf_s, __targv. */

#ifndef _TRUNCATE
#  define _TRUNCATE ((size_t)-1)
#endif
#ifndef STRUNCATE
#  define STRUNCATE 80
#endif

static inline size_t winipc_tcsnlen_(const _TCHAR *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != 0)
        n++;
    return n;
}

static inline _TCHAR winipc_tupper_(_TCHAR c)
{
#ifdef _UNICODE
    return (_TCHAR)towupper((wint_t)c);
#else
    return (c >= 'a' && c <= 'z') ? (_TCHAR)(c - 'a' + 'A') : c;
#endif
}

static inline _TCHAR winipc_tlower_(_TCHAR c)
{
#ifdef _UNICODE
    return (_TCHAR)towlower((wint_t)c);
#else
    return (c >= 'A' && c <= 'Z') ? (_TCHAR)(c - 'A' + 'a') : c;
#endif
}

/* strncpy_s/strncat_s: at most `count` characters of src (all that fit with _TRUNCATE:
 * then STRUNCATE when cut); too long otherwise -> ERANGE with dst emptied. */
static inline errno_t winipc_tcsncat_s_(_TCHAR *dst, size_t cap, const _TCHAR *src,
                                        size_t count, int append)
{
    size_t used, n, room;
    if (dst == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    used = append ? winipc_tcsnlen_(dst, cap) : 0;
    if (used == cap) {
        dst[0] = 0;
        return EINVAL; /* not terminated */
    }
    if (src == WINIPC_NULLPTR) {
        dst[0] = 0;
        return EINVAL;
    }
    n = winipc_tcsnlen_(src, count);
    room = cap - used - 1;
    if (n > room) {
        if (count == _TRUNCATE) {
            memcpy(dst + used, src, room * sizeof(_TCHAR));
            dst[used + room] = 0;
            return STRUNCATE;
        }
        dst[0] = 0;
        return ERANGE;
    }
    memcpy(dst + used, src, n * sizeof(_TCHAR));
    dst[used + n] = 0;
    return 0;
}

static inline errno_t winipc_tcscat_s(_TCHAR *dst, size_t cap, const _TCHAR *src)
{
    return winipc_tcsncat_s_(dst, cap, src, (size_t)-2, 1);
}

static inline errno_t winipc_tcsncpy_s(_TCHAR *dst, size_t cap, const _TCHAR *src, size_t count)
{
    return winipc_tcsncat_s_(dst, cap, src, count, 0);
}

static inline errno_t winipc_tcsncat_s(_TCHAR *dst, size_t cap, const _TCHAR *src, size_t count)
{
    return winipc_tcsncat_s_(dst, cap, src, count, 1);
}

static inline _TCHAR *winipc_tcsupr(_TCHAR *s)
{
    _TCHAR *p;
    for (p = s; *p != 0; p++)
        *p = winipc_tupper_(*p);
    return s;
}

static inline _TCHAR *winipc_tcslwr(_TCHAR *s)
{
    _TCHAR *p;
    for (p = s; *p != 0; p++)
        *p = winipc_tlower_(*p);
    return s;
}

static inline errno_t winipc_tcscase_s_(_TCHAR *s, size_t cap, int upper)
{
    size_t n;
    if (s == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    n = winipc_tcsnlen_(s, cap);
    if (n == cap) {
        s[0] = 0;
        return EINVAL;
    }
    if (upper)
        winipc_tcsupr(s);
    else
        winipc_tcslwr(s);
    return 0;
}

static inline errno_t winipc_tcsupr_s(_TCHAR *s, size_t cap)
{
    return winipc_tcscase_s_(s, cap, 1);
}

static inline errno_t winipc_tcslwr_s(_TCHAR *s, size_t cap)
{
    return winipc_tcscase_s_(s, cap, 0);
}

static inline _TCHAR *winipc_tcsrev(_TCHAR *s)
{
    size_t i = 0, j = 0;
    while (s[j] != 0)
        j++;
    while (j > 0 && i < --j) {
        _TCHAR t = s[i];
        s[i++] = s[j];
        s[j] = t;
    }
    return s;
}

static inline _TCHAR *winipc_tcsnset(_TCHAR *s, int c, size_t n)
{
    size_t i;
    for (i = 0; i < n && s[i] != 0; i++)
        s[i] = (_TCHAR)c;
    return s;
}

static inline _TCHAR *winipc_tcsset(_TCHAR *s, int c)
{
    return winipc_tcsnset(s, c, (size_t)-1);
}

static inline size_t winipc_tcsnlen(const _TCHAR *s, size_t max)
{
    return winipc_tcsnlen_(s, max);
}

/* _itoa and friends: `value` in `radix` (2..36), lowercase digits; a minus sign only for a
 * negative value in radix 10 (other radixes show the two's complement, as MSVC). */
static inline _TCHAR *winipc_u64tot_(unsigned long long v, _TCHAR *buf, int radix, int neg)
{
    char tmp[72];
    int n = 0, i = 0;
    if (radix < 2 || radix > 36) {
        buf[0] = 0;
        return buf;
    }
    do {
        tmp[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % (unsigned)radix];
        v /= (unsigned)radix;
    } while (v != 0);
    if (neg)
        buf[i++] = '-';
    while (n > 0)
        buf[i++] = (_TCHAR)tmp[--n];
    buf[i] = 0;
    return buf;
}

static inline _TCHAR *winipc_i64tot(long long v, _TCHAR *buf, int radix)
{
    if (radix == 10 && v < 0)
        return winipc_u64tot_(0ULL - (unsigned long long)v, buf, radix, 1);
    return winipc_u64tot_((unsigned long long)v, buf, radix, 0);
}

static inline _TCHAR *winipc_ui64tot(unsigned long long v, _TCHAR *buf, int radix)
{
    return winipc_u64tot_(v, buf, radix, 0);
}

static inline _TCHAR *winipc_itot(int v, _TCHAR *buf, int radix)
{
    if (radix == 10)
        return winipc_i64tot(v, buf, radix);
    return winipc_u64tot_((unsigned)v, buf, radix, 0); /* 32 bits, as MSVC's _itoa */
}

static inline _TCHAR *winipc_ltot(long v, _TCHAR *buf, int radix)
{
    return winipc_itot((int)v, buf, radix); /* long is 32-bit on Windows */
}

static inline _TCHAR *winipc_ultot(unsigned long v, _TCHAR *buf, int radix)
{
    return winipc_u64tot_((unsigned)v, buf, radix, 0);
}

/* _itoa_s: EINVAL for a bad buffer or radix, ERANGE (buffer emptied) when it does not fit. */
static inline errno_t winipc_itot_s(int v, _TCHAR *buf, size_t cap, int radix)
{
    _TCHAR tmp[72];
    size_t n;
    if (buf == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    if (radix < 2 || radix > 36) {
        buf[0] = 0;
        return EINVAL;
    }
    winipc_itot(v, tmp, radix);
    n = winipc_tcsnlen_(tmp, 72);
    if (n >= cap) {
        buf[0] = 0;
        return ERANGE;
    }
    memcpy(buf, tmp, (n + 1) * sizeof(_TCHAR));
    return 0;
}

static inline _TCHAR *winipc_tcsdec(const _TCHAR *start, const _TCHAR *p)
{
    return (start != WINIPC_NULLPTR && p != WINIPC_NULLPTR && p > start)
               ? (_TCHAR *)(uintptr_t)(p - 1)
               : WINIPC_NULLPTR;
}

static inline _TCHAR *winipc_tcsninc(const _TCHAR *p, size_t n)
{
    return p == WINIPC_NULLPTR ? WINIPC_NULLPTR
                               : (_TCHAR *)(uintptr_t)(p + winipc_tcsnlen_(p, n));
}

#define _tcscat_s  winipc_tcscat_s
#define _tcsncpy_s winipc_tcsncpy_s
#define _tcsncat_s winipc_tcsncat_s
#define _tcsupr    winipc_tcsupr
#define _tcslwr    winipc_tcslwr
#define _tcsupr_s  winipc_tcsupr_s
#define _tcslwr_s  winipc_tcslwr_s
#define _tcsrev    winipc_tcsrev
#define _tcsset    winipc_tcsset
#define _tcsnset   winipc_tcsnset
#define _tcsnlen   winipc_tcsnlen
#define _itot      winipc_itot
#define _ltot      winipc_ltot
#define _ultot     winipc_ultot
#define _i64tot    winipc_i64tot
#define _ui64tot   winipc_ui64tot
#define _itot_s    winipc_itot_s
#define _tcsclen   _tcslen
#define _tcsnccmp  _tcsncmp
#define _tcsncicmp _tcsnicmp
#define _tcsnccpy  _tcsncpy
#define _tcsnccat  _tcsncat
#define _tcsccmp(a, b) ((int)*(a) - (int)*(b))
#define _tcsinc(p) ((_TCHAR *)(uintptr_t)((p) + 1))
#define _tcsdec    winipc_tcsdec
#define _tcsninc   winipc_tcsninc
#define _tcsnextc(p) ((unsigned int)(_TUCHAR)*(p))
#define _tprintf_s _tprintf
#define _ftprintf_s _ftprintf
#ifdef _UNICODE
#  define __targv __wargv
#else
#  define __targv __argv
#endif

/* ---- the char forms of MSVC's _s functions (used by the ANSI mapping) ---------------- */

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static inline int winipc_sprintf_s(char *dst, size_t cap, const char *fmt, ...)
{
    int n;
    va_list ap;
    if (dst == WINIPC_NULLPTR || cap == 0) {
        errno = EINVAL;
        return -1;
    }
    va_start(ap, fmt);
    n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) {
        dst[0] = 0;
        errno = ERANGE;
        return -1;
    }
    return n;
}

static inline errno_t winipc_strcpy_s(char *dst, size_t cap, const char *src)
{
    size_t n;
    if (dst == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    if (src == WINIPC_NULLPTR) {
        dst[0] = 0;
        return EINVAL;
    }
    n = strlen(src);
    if (n >= cap) {
        dst[0] = 0;
        return ERANGE;
    }
    memcpy(dst, src, n + 1);
    return 0;
}

static inline char *winipc_gets_s(char *buf, size_t cap)
{
    size_t i = 0;
    int c, any = 0, overflow = 0;
    if (buf == WINIPC_NULLPTR || cap == 0)
        return WINIPC_NULLPTR;
    while ((c = getchar()) != EOF) {
        any = 1;
        if (c == '\n')
            break;
        if (i + 1 < cap)
            buf[i++] = (char)c;
        else
            overflow = 1;
    }
    buf[overflow ? 0 : i] = 0;
    return (!any || overflow) ? WINIPC_NULLPTR : buf;
}

static inline char *winipc_strtok_s(char *s, const char *delim, char **context)
{
    char *end;
    if (s == WINIPC_NULLPTR)
        s = *context;
    if (s == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    s += strspn(s, delim);
    if (*s == 0) {
        *context = s;
        return WINIPC_NULLPTR;
    }
    end = s + strcspn(s, delim);
    if (*end != 0)
        *end++ = 0;
    *context = end;
    return s;
}

static inline errno_t winipc_fopen_s(FILE **pf, const char *name, const char *mode)
{
    if (pf == WINIPC_NULLPTR || name == WINIPC_NULLPTR || mode == WINIPC_NULLPTR)
        return EINVAL;
    *pf = fopen(name, mode);
    return (*pf == WINIPC_NULLPTR) ? (errno != 0 ? errno : EINVAL) : 0;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#if defined(_UNICODE)
/* The entry of _UNICODE programs: argv and the environment converted from UTF-8 to UTF-16,
 * then wmain(argc, argv) - or wmain(argc, argv, envp), or wmain() - whichever the program
 * defines. main() is its weak alias in the file that defines _tmain (see _tmain above), or
 * calls it under WINIPC_WMAIN_SHIM; elsewhere it is never referenced, so never emitted. */
#ifndef __cplusplus
/* The System V calling convention lets a caller pass more arguments than the callee reads,
 * so one call reaches any of the three forms. */
int winipc_wmain_(int argc, _TCHAR **argv, _TCHAR **envp) __asm__("wmain") __attribute__((__weak__));
#else
/* C++: each form is an overload (the two-argument one is declared above, weak too); the
 * program defines one, the others stay weak and NULL. */
int wmain(int argc, _TCHAR **argv, _TCHAR **envp) __attribute__((__weak__));
int wmain() __attribute__((__weak__));
#endif
static _TCHAR **winipc_wide_vector_(int n, char **v) __attribute__((__unused__));
static _TCHAR **winipc_wide_vector_(int n, char **v)
{
    int i;
    _TCHAR **w = (_TCHAR **)calloc((size_t)n + 1, sizeof(_TCHAR *));
    if (w == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    for (i = 0; i < n; i++) {
        w[i] = winipc_utf8_to_utf16(v[i]);
        if (w[i] == WINIPC_NULLPTR)
            return WINIPC_NULLPTR;
    }
    return w;
}
/* The assembler name is fixed (C++ would mangle it) for the pragma's alias. */
static int winipc_wmain_entry_(int argc, char **argv, char **envp)
    __asm__("winipc_wmain_entry_") __attribute__((__unused__));
static int winipc_wmain_entry_(int argc, char **argv, char **envp)
{
    int envc = 0;
    _TCHAR **wargv, **wenvp;
    while (envp != WINIPC_NULLPTR && envp[envc] != WINIPC_NULLPTR)
        envc++;
    wargv = winipc_wide_vector_(argc, argv);
    wenvp = winipc_wide_vector_(envc, envp);
    if (wargv == WINIPC_NULLPTR || wenvp == WINIPC_NULLPTR)
        return 1;
#ifndef __cplusplus
    /* Weak, as the entry is compiled (unused) into any file with _UNICODE at -O0. */
    return winipc_wmain_ != WINIPC_NULLPTR ? winipc_wmain_(argc, wargv, wenvp) : 1;
#else
    {
        int (*with_env)(int, _TCHAR **, _TCHAR **) = wmain;
        int (*with_args)(int, _TCHAR **) = wmain;
        int (*without)() = wmain;
        if (with_env != WINIPC_NULLPTR)
            return with_env(argc, wargv, wenvp);
        if (with_args != WINIPC_NULLPTR)
            return with_args(argc, wargv);
        return without != WINIPC_NULLPTR ? without() : 1;
    }
#endif
}
#if defined(WINIPC_WMAIN_SHIM)
int main(int argc, char **argv, char **envp);
int main(int argc, char **argv, char **envp)
{
    return winipc_wmain_entry_(argc, argv, envp);
}
#endif
#endif

#endif /* WINIPC_TCHAR_H */
