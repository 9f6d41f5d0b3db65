/*
 * winipc_crt.h - the char forms of MSVC's C runtime functions for the winipc C ABI.
 *
 * Part of the winipc C ABI (see docs/c-abi.md, "MSVC's C runtime names").  Not a Windows
 * header: <windows.h> and <tchar.h> include it.  glibc has none of MSVC's secure (_s) or
 * underscore functions, which Windows programs call without a second thought; they are
 * defined here as static inline functions and, unless WINIPC_NO_CRT_NAMES is defined before
 * the first winipc header, under MSVC's names:
 *
 *   sprintf_s vsprintf_s _snprintf_s _vsnprintf_s _snprintf _vsnprintf strcpy_s strcat_s
 *   strncpy_s strncat_s strtok_s gets_s fopen_s _stricmp _strnicmp _strdup _strupr _strlwr
 *
 * with MSVC's return values; where MSVC would call its invalid-parameter handler (a
 * buffer too small without _TRUNCATE) they return EINVAL/ERANGE (or -1 with errno) and leave
 * an empty string.  A program that defines its own functions of these names (portable code
 * written for compilers without them) defines WINIPC_NO_CRT_NAMES.
 */
#ifndef WINIPC_CRT_H
#define WINIPC_CRT_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef WINIPC_NULLPTR
#  if defined(__cplusplus) && __cplusplus >= 201103L
#    define WINIPC_NULLPTR nullptr
#  else
#    define WINIPC_NULLPTR NULL
#  endif
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* MSVC's errno_t (the return type of the _s functions). */
#ifndef _ERRNO_T_DEFINED
#  define _ERRNO_T_DEFINED
typedef int errno_t;
#endif
#ifndef _TRUNCATE
#  define _TRUNCATE ((size_t)-1)
#endif
#ifndef STRUNCATE
#  define STRUNCATE 80
#endif

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

/* strcat_s/strncpy_s/strncat_s: at most `count` characters of src (all that fit with
 * _TRUNCATE: then STRUNCATE when cut); too long otherwise -> ERANGE with dst emptied; an
 * unterminated dst or a NULL -> EINVAL. */
static inline errno_t winipc_strncat_s_(char *dst, size_t cap, const char *src, size_t count,
                                        int append)
{
    size_t used = 0, n = 0, room;
    if (dst == WINIPC_NULLPTR || cap == 0)
        return EINVAL;
    if (append)
        while (used < cap && dst[used] != 0)
            used++;
    if (used == cap) {
        dst[0] = 0;
        return EINVAL;
    }
    if (src == WINIPC_NULLPTR) {
        dst[0] = 0;
        return EINVAL;
    }
    while (n < count && src[n] != 0)
        n++;
    room = cap - used - 1;
    if (n > room) {
        if (count == _TRUNCATE) {
            memcpy(dst + used, src, room);
            dst[used + room] = 0;
            return STRUNCATE;
        }
        dst[0] = 0;
        return ERANGE;
    }
    memcpy(dst + used, src, n);
    dst[used + n] = 0;
    return 0;
}

static inline errno_t winipc_strcat_s(char *dst, size_t cap, const char *src)
{
    return winipc_strncat_s_(dst, cap, src, (size_t)-2, 1);
}

static inline errno_t winipc_strncpy_s(char *dst, size_t cap, const char *src, size_t count)
{
    return winipc_strncat_s_(dst, cap, src, count, 0);
}

static inline errno_t winipc_strncat_s(char *dst, size_t cap, const char *src, size_t count)
{
    return winipc_strncat_s_(dst, cap, src, count, 1);
}

/* vsprintf_s: the whole text or -1 with an empty buffer (errno ERANGE). */
static inline int winipc_vsprintf_s(char *dst, size_t cap, const char *fmt, va_list ap)
{
    int n;
    if (dst == WINIPC_NULLPTR || cap == 0 || fmt == WINIPC_NULLPTR) {
        errno = EINVAL;
        return -1;
    }
    n = vsnprintf(dst, cap, fmt, ap);
    if (n < 0 || (size_t)n >= cap) {
        dst[0] = 0;
        errno = n < 0 ? EINVAL : ERANGE;
        return -1;
    }
    return n;
}

/* _vsnprintf_s/_snprintf_s: at most `count` characters (as many as fit with _TRUNCATE) and
 * a terminator; the length, or -1 when the text was cut; more than fits without _TRUNCATE:
 * -1, errno ERANGE, an empty buffer. */
static inline int winipc_vsnprintf_s(char *dst, size_t cap, size_t count, const char *fmt,
                                     va_list ap)
{
    size_t limit;
    int n;
    if (dst == WINIPC_NULLPTR || cap == 0 || fmt == WINIPC_NULLPTR) {
        errno = EINVAL;
        return -1;
    }
    limit = count == _TRUNCATE || count > cap - 1 ? cap - 1 : count;
    n = vsnprintf(dst, limit + 1, fmt, ap);
    if (n < 0) {
        dst[0] = 0;
        errno = EINVAL;
        return -1;
    }
    if (count != _TRUNCATE && (count < (size_t)n ? count : (size_t)n) + 1 > cap) {
        dst[0] = 0;
        errno = ERANGE;
        return -1;
    }
    return (size_t)n > limit ? -1 : n;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 4, 5)))
#endif
static inline int winipc_snprintf_s(char *dst, size_t cap, size_t count, const char *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = winipc_vsnprintf_s(dst, cap, count, fmt, ap);
    va_end(ap);
    return n;
}

static inline char *winipc_strupr(char *s)
{
    char *p;
    for (p = s; *p != 0; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

static inline char *winipc_strlwr(char *s)
{
    char *p;
    for (p = s; *p != 0; p++)
        *p = (char)tolower((unsigned char)*p);
    return s;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#ifndef WINIPC_NO_CRT_NAMES
#  define sprintf_s    winipc_sprintf_s
#  define vsprintf_s   winipc_vsprintf_s
#  define _snprintf_s  winipc_snprintf_s
#  define _vsnprintf_s winipc_vsnprintf_s
#  define _snprintf    snprintf   /* NB: always terminates (MSVC's may not) */
#  define _vsnprintf   vsnprintf
#  define strcpy_s     winipc_strcpy_s
#  define strcat_s     winipc_strcat_s
#  define strncpy_s    winipc_strncpy_s
#  define strncat_s    winipc_strncat_s
#  define strtok_s     winipc_strtok_s
#  define gets_s       winipc_gets_s
#  define fopen_s      winipc_fopen_s
#  define _stricmp     winipc_stricmp
#  define _strnicmp    winipc_strnicmp
#  define _strdup      winipc_strdup
#  define _strupr      winipc_strupr
#  define _strlwr      winipc_strlwr
#endif

#endif /* WINIPC_CRT_H */
