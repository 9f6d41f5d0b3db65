/*
 * winipc_scanf.h - the scanf engine behind tchar.h's _tscanf/_ftscanf/_stscanf under
 * _UNICODE and the _s variants (_tscanf_s, ...) in both modes.  Internal; part of the
 * winipc C ABI (see docs/c-abi.md).
 *
 * Input is read as UTF-8 bytes (a FILE, or a string: a UTF-16 string is converted first);
 * the format is UTF-8 (converted from UTF-16 under _UNICODE).  %s, %c and %[...] store
 * _TCHARs by default (WCHAR under _UNICODE, char otherwise); %hs/%hc store char, %ls/%lc/
 * %ws/%S/%C the other width, as MSVC's wscanf does.  The _s variants take a buffer size
 * (unsigned, in characters) after each %s/%c/%[ pointer; a field that does not fit is a
 * matching failure and the buffer is emptied.  Conversions: d i u o x X (hh h l ll L j z t
 * I64 I32), f e g E G a (plain, l, L), s c [set] (with ^ and ranges), n, p, %%, *, widths.
 */
#ifndef WINIPC_SCANF_H
#define WINIPC_SCANF_H

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winipc_wchar.h"
#include "winipc_utf16.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__cplusplus) && __cplusplus >= 201103L
#  define WINIPC_SCANF_NULL nullptr
#else
#  define WINIPC_SCANF_NULL NULL
#endif

typedef struct winipc_scan_src {
    FILE *file;              /* a stream, or */
    const unsigned char *s;  /* a UTF-8 string */
    size_t consumed;
} winipc_scan_src;

static inline int winipc_scan_get(winipc_scan_src *in)
{
    int c;
    if (in->file != WINIPC_SCANF_NULL) {
        c = getc(in->file);
    } else {
        c = (*in->s != 0) ? *in->s++ : EOF;
    }
    if (c != EOF)
        in->consumed++;
    return c;
}

static inline void winipc_scan_unget(winipc_scan_src *in, int c)
{
    if (c == EOF)
        return;
    in->consumed--;
    if (in->file != WINIPC_SCANF_NULL)
        ungetc(c, in->file);
    else
        in->s--;
}

/* Stores a text field (UTF-8 bytes `tok`, `n` of them) as char or WCHAR; 0 if it did not fit. */
static inline int winipc_scan_store_text(void *dst, size_t cap, int wide, const char *tok,
                                         size_t n, int terminate)
{
    if (!wide) {
        if (n + (size_t)(terminate ? 1 : 0) > cap)
            return 0;
        memcpy(dst, tok, n);
        if (terminate)
            ((char *)dst)[n] = 0;
        return 1;
    } else {
        char *tmp = (char *)malloc(n + 1);
        winipc_wchar *w;
        size_t len;
        if (tmp == WINIPC_SCANF_NULL)
            return 0;
        memcpy(tmp, tok, n);
        tmp[n] = 0;
        w = winipc_utf8_to_utf16(tmp);
        free(tmp);
        if (w == WINIPC_SCANF_NULL)
            return 0;
        for (len = 0; w[len] != 0; len++) {
        }
        if (len + (size_t)(terminate ? 1 : 0) > cap) {
            free(w);
            return 0;
        }
        memcpy(dst, w, len * sizeof(winipc_wchar));
        if (terminate)
            ((winipc_wchar *)dst)[len] = 0;
        free(w);
        return 1;
    }
}

static inline int winipc_scan_in_set(const char *set, size_t setlen, int c)
{
    size_t i = 0;
    int neg = 0, hit = 0;
    if (setlen > 0 && set[0] == '^') {
        neg = 1;
        i = 1;
    }
    for (; i < setlen; i++) {
        if (i + 2 < setlen && set[i + 1] == '-' && set[i + 2] != ']') {
            if ((unsigned char)set[i] <= (unsigned)c && (unsigned)c <= (unsigned char)set[i + 2])
                hit = 1;
            i += 2;
        } else if ((unsigned char)set[i] == (unsigned)c) {
            hit = 1;
        }
    }
    return neg ? !hit : hit;
}

/* The engine. `wide_default`: %s/%c/%[ store WCHAR; `secure`: sizes follow the pointers. */
static inline int winipc_vscan(winipc_scan_src *in, const char *f, int wide_default,
                               int secure, va_list ap)
{
    int assigned = 0, c = EOF, any_input = 0;
    char tok[512];
    while (*f != 0) {
        unsigned char fc = (unsigned char)*f;
        int suppress = 0, wide = wide_default, len = 0; /* len: -2 hh -1 h 0 1 l 2 ll 3 L 4 z */
        size_t width = 0, n = 0;
        char conv;
        if (isspace(fc)) {
            while ((c = winipc_scan_get(in)) != EOF && isspace(c)) {
            }
            winipc_scan_unget(in, c);
            f++;
            continue;
        }
        if (fc != '%' || f[1] == '%') {
            if (fc == '%') {
                f++;
                while ((c = winipc_scan_get(in)) != EOF && isspace(c)) {
                }
            } else {
                c = winipc_scan_get(in);
            }
            if (c != (unsigned char)*f) {
                winipc_scan_unget(in, c);
                return (c == EOF && !any_input && assigned == 0) ? EOF : assigned;
            }
            any_input = 1;
            f++;
            continue;
        }
        f++;
        if (*f == '*') {
            suppress = 1;
            f++;
        }
        while (*f >= '0' && *f <= '9')
            width = width * 10 + (size_t)(*f++ - '0');
        for (;;) {
            if (*f == 'h') { len = (f[1] == 'h') ? -2 : -1; f += (f[1] == 'h') ? 2 : 1; wide = 0; }
            else if (*f == 'l') { len = (f[1] == 'l') ? 2 : 1; f += (f[1] == 'l') ? 2 : 1; wide = 1; }
            else if (*f == 'w') { wide = 1; f++; }
            else if (*f == 'L' || *f == 'j' || *f == 'q') { len = (*f == 'L') ? 3 : 2; f++; }
            else if (*f == 'z' || *f == 't') { len = 4; f++; }
            else if (f[0] == 'I' && f[1] == '6' && f[2] == '4') { len = 2; f += 3; }
            else if (f[0] == 'I' && f[1] == '3' && f[2] == '2') { len = 0; f += 3; }
            else break;
        }
        conv = *f++;
        if (conv == 0)
            break;
        if (conv == 'S' || conv == 'C') {
            wide = !wide_default;
            conv = (char)(conv == 'S' ? 's' : 'c');
        }
        if (conv == 'n') {
            if (!suppress)
                *va_arg(ap, int *) = (int)in->consumed;
            continue;
        }
        if (conv != 'c' && conv != '[') {
            while ((c = winipc_scan_get(in)) != EOF && isspace(c)) {
            }
            winipc_scan_unget(in, c);
        }
        if (width == 0 || width > sizeof tok - 1)
            width = (conv == 'c') ? 1 : sizeof tok - 1;
        if (conv == 's' || conv == 'c' || conv == '[') {
            const char *set = f;
            size_t setlen = 0;
            void *dst = WINIPC_SCANF_NULL;
            size_t cap = (size_t)-1;
            if (conv == '[') {
                if (*f == '^')
                    f++, setlen++;
                if (*f == ']')
                    f++, setlen++;
                while (*f != 0 && *f != ']')
                    f++, setlen++;
                if (*f == ']')
                    f++;
            }
            while (n < width && (c = winipc_scan_get(in)) != EOF) {
                if ((conv == 's' && isspace(c)) ||
                    (conv == '[' && !winipc_scan_in_set(set, setlen, c))) {
                    winipc_scan_unget(in, c);
                    break;
                }
                tok[n++] = (char)c;
            }
            /* a character cut in the middle of its UTF-8 sequence: take the rest */
            while (n > 0 && n < sizeof tok - 4 && ((unsigned char)tok[n - 1] & 0xC0) != 0) {
                c = winipc_scan_get(in);
                if (c == EOF || (c & 0xC0) != 0x80) {
                    winipc_scan_unget(in, c);
                    break;
                }
                tok[n++] = (char)c;
            }
            if (n == 0 || (conv == 'c' && n < width))
                return (!any_input && assigned == 0) ? EOF : assigned;
            any_input = 1;
            if (!suppress) {
                dst = va_arg(ap, void *);
                if (secure)
                    cap = (size_t)va_arg(ap, unsigned);
                if (!winipc_scan_store_text(dst, cap, wide, tok, n, conv != 'c')) {
                    if (cap > 0 && dst != WINIPC_SCANF_NULL) {
                        if (wide)
                            ((winipc_wchar *)dst)[0] = 0;
                        else
                            ((char *)dst)[0] = 0;
                    }
                    errno = ENOMEM;
                    return assigned;
                }
                assigned++;
            }
            continue;
        }
        /* numbers: collect the characters a number of this kind may have */
        {
            int base = 10, is_float = 0;
            char *end;
            switch (conv) {
            case 'd': case 'u': base = 10; break;
            case 'i': base = 0; break;
            case 'o': base = 8; break;
            case 'x': case 'X': case 'p': base = 16; break;
            case 'f': case 'e': case 'g': case 'E': case 'G': case 'a': case 'F': case 'A':
                is_float = 1; break;
            default: return assigned;
            }
            while (n < width && (c = winipc_scan_get(in)) != EOF) {
                int ok;
                if ((c == '+' || c == '-') && (n == 0 || (is_float && (tok[n - 1] == 'e' || tok[n - 1] == 'E'))))
                    ok = 1;
                else if (is_float)
                    ok = isdigit(c) || c == '.' || c == 'e' || c == 'E' ||
                         ((c == 'x' || c == 'X') && n > 0 && tok[n - 1] == '0') || isxdigit(c);
                else if ((c == 'x' || c == 'X') && (base == 16 || base == 0) && n > 0 && tok[n - 1] == '0')
                    ok = 1;
                else if (base == 8)
                    ok = c >= '0' && c <= '7';
                else if (base == 10)
                    ok = isdigit(c);
                else
                    ok = isxdigit(c);
                if (!ok) {
                    winipc_scan_unget(in, c);
                    break;
                }
                tok[n++] = (char)c;
            }
            tok[n] = 0;
            if (n == 0)
                return (c == EOF && !any_input && assigned == 0) ? EOF : assigned;
            any_input = 1;
            if (is_float) {
                long double v = strtold(tok, &end);
                if (end == tok)
                    return assigned;
                if (!suppress) {
                    if (len == 3) *va_arg(ap, long double *) = v;
                    else if (len >= 1) *va_arg(ap, double *) = (double)v;
                    else *va_arg(ap, float *) = (float)v;
                    assigned++;
                }
            } else {
                unsigned long long v;
                int neg = tok[0] == '-';
                v = (conv == 'd' || conv == 'i') ? (unsigned long long)strtoll(tok, &end, base)
                                                 : strtoull(tok, &end, base);
                (void)neg;
                if (end == tok)
                    return assigned;
                if (!suppress) {
                    if (conv == 'p') *va_arg(ap, void **) = (void *)(uintptr_t)v;
                    else if (len == -2) *va_arg(ap, signed char *) = (signed char)v;
                    else if (len == -1) *va_arg(ap, short *) = (short)v;
                    else if (len == 1) *va_arg(ap, long *) = (long)v;
                    else if (len == 2 || len == 3) *va_arg(ap, long long *) = (long long)v;
                    else if (len == 4) *va_arg(ap, size_t *) = (size_t)v;
                    else *va_arg(ap, int *) = (int)v;
                    assigned++;
                }
            }
        }
    }
    return assigned;
}

/* A UTF-16 format as UTF-8 (NULL on failure). */
static inline char *winipc_scan_fmt16(const winipc_wchar *fmt)
{
    return winipc_utf16_to_utf8(fmt);
}

static inline int winipc_scan_file(FILE *f, const char *fmt, int wide, int secure, va_list ap)
{
    winipc_scan_src in;
    in.file = f;
    in.s = WINIPC_SCANF_NULL;
    in.consumed = 0;
    return winipc_vscan(&in, fmt, wide, secure, ap);
}

static inline int winipc_scan_str(const char *s, const char *fmt, int wide, int secure,
                                  va_list ap)
{
    winipc_scan_src in;
    in.file = WINIPC_SCANF_NULL;
    in.s = (const unsigned char *)s;
    in.consumed = 0;
    return winipc_vscan(&in, fmt, wide, secure, ap);
}

/* ANSI _s variants. */
static inline int winipc_scanf_s(const char *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_scan_file(stdin, fmt, 0, 1, ap);
    va_end(ap);
    return r;
}

static inline int winipc_fscanf_s(FILE *f, const char *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_scan_file(f, fmt, 0, 1, ap);
    va_end(ap);
    return r;
}

static inline int winipc_sscanf_s(const char *s, const char *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_scan_str(s, fmt, 0, 1, ap);
    va_end(ap);
    return r;
}

/* UTF-16 variants (plain and _s). */
static inline int winipc_vfwscan16(FILE *f, int secure, const winipc_wchar *fmt, va_list ap)
{
    char *u = winipc_scan_fmt16(fmt);
    int r;
    if (u == WINIPC_SCANF_NULL)
        return EOF;
    r = winipc_scan_file(f, u, 1, secure, ap);
    free(u);
    return r;
}

static inline int winipc_vswscan16(const winipc_wchar *s, int secure, const winipc_wchar *fmt,
                                   va_list ap)
{
    char *u = winipc_scan_fmt16(fmt), *in = winipc_utf16_to_utf8(s);
    int r = EOF;
    if (u != WINIPC_SCANF_NULL && in != WINIPC_SCANF_NULL)
        r = winipc_scan_str(in, u, 1, secure, ap);
    free(u);
    free(in);
    return r;
}

static inline int winipc_wscanf16(const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vfwscan16(stdin, 0, fmt, ap);
    va_end(ap);
    return r;
}

static inline int winipc_fwscanf16(FILE *f, const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vfwscan16(f, 0, fmt, ap);
    va_end(ap);
    return r;
}

static inline int winipc_swscanf16(const winipc_wchar *s, const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vswscan16(s, 0, fmt, ap);
    va_end(ap);
    return r;
}

static inline int winipc_wscanf16_s(const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vfwscan16(stdin, 1, fmt, ap);
    va_end(ap);
    return r;
}

static inline int winipc_fwscanf16_s(FILE *f, const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vfwscan16(f, 1, fmt, ap);
    va_end(ap);
    return r;
}

static inline int winipc_swscanf16_s(const winipc_wchar *s, const winipc_wchar *fmt, ...)
{
    int r;
    va_list ap;
    va_start(ap, fmt);
    r = winipc_vswscan16(s, 1, fmt, ap);
    va_end(ap);
    return r;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_SCANF_H */
