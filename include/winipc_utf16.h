/*
 * winipc_utf16.h - UTF-16 text for the winipc C ABI: conversions to and from
 * UTF-8, and printf-style formatting with UTF-16 formats.
 *
 * Part of the winipc C ABI (see docs/c-abi.md).  Not a Windows header: <tchar.h>
 * (under _UNICODE) and <strsafe.h> use it.  glibc's wide printf reads a 32-bit
 * wchar_t format, so UTF-16 formatting is done here: the format is walked unit
 * by unit, each conversion is formatted by the C library's snprintf (numbers)
 * or copied (strings, characters), with Microsoft's meaning of the string
 * conversions in wide functions:
 *
 *   %s %ls %ws    a UTF-16 string (WCHAR *)      %c %lc %wc   a WCHAR
 *   %S %hs        a UTF-8 string (char *)        %C %hc       a char
 *
 * Width and precision of strings count UTF-16 units, as on Windows.  Integer
 * length modifiers: hh h l ll z j t L, and MSVC's I I32 I64.  %n is refused
 * (as by default in MSVC's CRT): the call fails with -1, as does an unknown
 * conversion.
 */
#ifndef WINIPC_UTF16_H
#define WINIPC_UTF16_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "winipc_wchar.h"

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

/* ---- UTF-8 <-> UTF-16 ---------------------------------------------------- */

/* Returns a malloc'd UTF-8 copy of s (lone surrogates become U+FFFD). */
static inline char *winipc_utf16_to_utf8(const winipc_wchar *s)
{
    size_t n = 0, i = 0, o = 0;
    char *out;
    while (s[n] != 0)
        n++;
    out = (char *)malloc(n * 3 + 1);
    if (out == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    while (i < n) {
        unsigned long cp = s[i++];
        if (cp >= 0xD800 && cp <= 0xDBFF && i < n && s[i] >= 0xDC00 && s[i] <= 0xDFFF)
            cp = 0x10000 + ((cp - 0xD800) << 10) + (unsigned long)(s[i++] - 0xDC00);
        else if (cp >= 0xD800 && cp <= 0xDFFF)
            cp = 0xFFFD;
        if (cp < 0x80) {
            out[o++] = (char)cp;
        } else if (cp < 0x800) {
            out[o++] = (char)(0xC0 | (cp >> 6));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out[o++] = (char)(0xE0 | (cp >> 12));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        } else {
            out[o++] = (char)(0xF0 | (cp >> 18));
            out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
            out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (cp & 0x3F));
        }
    }
    out[o] = '\0';
    return out;
}

/* Decodes one UTF-8 sequence from *p (invalid input yields U+FFFD and
 * consumes one byte); returns the code point and advances *p. */
static inline unsigned long winipc_utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned long cp;
    int len, k;
    if (s[0] < 0x80) { *p = s + 1; return s[0]; }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) { len = 2; cp = s[0] & 0x1Fu; }
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) { len = 3; cp = s[0] & 0x0Fu; }
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) { len = 4; cp = s[0] & 0x07u; }
    else { *p = s + 1; return 0xFFFD; }
    for (k = 1; k < len; k++) {
        if ((s[k] & 0xC0) != 0x80) { *p = s + 1; return 0xFFFD; }
        cp = (cp << 6) | (s[k] & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
        *p = s + 1;
        return 0xFFFD;
    }
    *p = s + len;
    return cp;
}

/* Returns a malloc'd UTF-16 copy of the UTF-8 string s. */
static inline winipc_wchar *winipc_utf8_to_utf16(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    winipc_wchar *out = (winipc_wchar *)malloc((strlen(s) + 1) * sizeof(winipc_wchar));
    if (out == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    while (*p != 0) {
        unsigned long cp = winipc_utf8_next(&p);
        if (cp >= 0x10000) {
            out[o++] = (winipc_wchar)(0xD800 + ((cp - 0x10000) >> 10));
            out[o++] = (winipc_wchar)(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            out[o++] = (winipc_wchar)cp;
        }
    }
    out[o] = 0;
    return out;
}

/* ---- Formatting ------------------------------------------------------------ */

/* Where formatted units go: dst[0 .. cap-1) (one unit is kept for the
 * terminator), while len counts every unit produced. */
typedef struct {
    winipc_wchar *dst;
    size_t cap;
    size_t len;
} winipc_wsink;

static inline void winipc_wsink_put(winipc_wsink *s, winipc_wchar c)
{
    if (s->len + 1 < s->cap)
        s->dst[s->len] = c;
    s->len++;
}

static inline void winipc_wsink_pad(winipc_wsink *s, size_t n)
{
    while (n-- > 0)
        winipc_wsink_put(s, (winipc_wchar)' ');
}

/* Puts the UTF-8 text a[0..n) as UTF-16. */
static inline void winipc_wsink_utf8(winipc_wsink *s, const char *a, size_t n)
{
    const unsigned char *p = (const unsigned char *)a, *end = p + n;
    while (p < end) {
        unsigned long cp = winipc_utf8_next(&p);
        if (cp >= 0x10000) {
            winipc_wsink_put(s, (winipc_wchar)(0xD800 + ((cp - 0x10000) >> 10)));
            winipc_wsink_put(s, (winipc_wchar)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        } else {
            winipc_wsink_put(s, (winipc_wchar)cp);
        }
    }
}

/* UTF-16 units of the UTF-8 string a, at most max. *bytes gets the bytes
 * they take, so that a whole code point is never split. */
static inline size_t winipc_utf8_units(const char *a, size_t max, size_t *bytes)
{
    const unsigned char *p = (const unsigned char *)a, *q;
    size_t units = 0;
    while (*p != 0) {
        size_t u;
        q = p;
        u = winipc_utf8_next(&q) >= 0x10000 ? 2 : 1;
        if (units + u > max)
            break;
        units += u;
        p = q;
    }
    *bytes = (size_t)(p - (const unsigned char *)a);
    return units;
}

/* Appends the decimal digits of v to spec at *n (spec has room: see caller). */
static inline void winipc_spec_number(char *spec, size_t *n, int v)
{
    char digits[16];
    int k = 0;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && k < 15);
    while (k > 0)
        spec[(*n)++] = digits[--k];
}

#if defined(__GNUC__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif

/* Formats one numeric value with the narrow conversion spec (which holds its
 * width and precision as digits) and puts it; on failure jumps to `fail`.
 * `value` (a va_arg) is evaluated once, even when the text is formatted twice. */
#define WINIPC_WPUT_NUMBER(sink, spec, value)                                  \
    do {                                                                       \
        char tmp_[128];                                                        \
        __typeof__(value) v_ = (value);                                        \
        int n_ = snprintf(tmp_, sizeof tmp_, (spec), v_);                      \
        if (n_ < 0)                                                            \
            goto fail;                                                         \
        if ((size_t)n_ < sizeof tmp_) {                                        \
            winipc_wsink_utf8((sink), tmp_, (size_t)n_);                       \
        } else {                                                               \
            char *big_ = (char *)malloc((size_t)n_ + 1);                       \
            if (big_ == WINIPC_NULLPTR)                                        \
                goto fail;                                                     \
            snprintf(big_, (size_t)n_ + 1, (spec), v_);                        \
            winipc_wsink_utf8((sink), big_, (size_t)n_);                       \
            free(big_);                                                        \
        }                                                                      \
    } while (0)

enum winipc_wlen { WINIPC_LEN_NONE, WINIPC_LEN_HH, WINIPC_LEN_H, WINIPC_LEN_L, WINIPC_LEN_LL,
                   WINIPC_LEN_BIG_L, WINIPC_LEN_Z, WINIPC_LEN_J, WINIPC_LEN_T };

/* Modes of winipc_vsnwprintf16_mode. */
#define WINIPC_FMT_ANSI 1u     /* %s and %c take narrow arguments, %S and %C wide ones */
#define WINIPC_FMT_WSPRINTF 2u /* user32's wsprintf: its grammar, no floating point */

/* Parses one wsprintf conversion spec (after its '%') as user32 does:
 * [-][#][0][width][.precision][l|h|w|I|I32|I64]type, in that order; no '*',
 * '+' or ' '.  A precision of 0 counts as none.  Returns the type character
 * (0 at the end of the format) and leaves *fmt on it. */
static inline winipc_wchar winipc_wsprintf_spec(const winipc_wchar **fmt, char *spec, size_t *sn,
                                                int *left, int *width, int *prec, int *wide,
                                                enum winipc_wlen *len)
{
    const winipc_wchar *f = *fmt;
    int alt = 0;
    if (*f == '-') { *left = 1; spec[(*sn)++] = '-'; f++; }
    if (*f == '#') { alt = 1; f++; }
    if (*f == '0') { spec[(*sn)++] = '0'; f++; }
    if (*f >= '0' && *f <= '9') {
        *width = 0;
        while (*f >= '0' && *f <= '9') {
            if (*width < 1024) /* the output never exceeds 1024 units */
                *width = *width * 10 + (int)(*f - '0');
            f++;
        }
        if (*width > 1024)
            *width = 1024;
    }
    if (*f == '.') {
        f++;
        *prec = 0;
        while (*f >= '0' && *f <= '9') {
            if (*prec < 1024)
                *prec = *prec * 10 + (int)(*f - '0');
            f++;
        }
        if (*prec > 1024)
            *prec = 1024;
        if (*prec == 0)
            *prec = -1;
    }
    switch (*f) {
    case 'l': f++; *wide = 1; break;      /* %ld: a LONG, 32 bits */
    case 'h': f++; *wide = 0; break;
    case 'w': f++; *wide = 1; break;
    case 'I':
        if (f[1] == '6' && f[2] == '4') { f += 3; *len = WINIPC_LEN_LL; }
        else if (f[1] == '3' && f[2] == '2') f += 3;
        else { f++; *len = WINIPC_LEN_Z; }
        break;
    default: break;
    }
    if (alt && (*f == 'x' || *f == 'X'))
        spec[(*sn)++] = '#';
    *fmt = f;
    return *f;
}

/* vsnprintf for UTF-16: writes at most cap units including the terminator
 * (dst may be NULL when cap is 0) and returns the length the whole result
 * has, or -1 for a bad format.  mode: WINIPC_FMT_ANSI, WINIPC_FMT_WSPRINTF
 * (which never fails: an unknown type, %f for one, is output as text). */
static inline int winipc_vsnwprintf16_mode(winipc_wchar *dst, size_t cap,
                                           const winipc_wchar *fmt, va_list ap, unsigned mode)
{
    winipc_wsink s;
    va_list args;
    s.dst = dst;
    s.cap = cap;
    s.len = 0;
    va_copy(args, ap);
    while (*fmt != 0) {
        char spec[64];
        size_t sn = 1;
        int left = 0, width = -1, prec = -1, wide = -1; /* wide: -1 default, 0 narrow, 1 wide */
        enum winipc_wlen len = WINIPC_LEN_NONE;
        winipc_wchar conv;
        if (*fmt != '%') {
            winipc_wsink_put(&s, *fmt++);
            continue;
        }
        fmt++;
        if (*fmt == '%') {
            winipc_wsink_put(&s, *fmt++);
            continue;
        }
        spec[0] = '%';
        if (mode & WINIPC_FMT_WSPRINTF) {
            conv = winipc_wsprintf_spec(&fmt, spec, &sn, &left, &width, &prec, &wide, &len);
            if (conv == 0)
                break;
            /* As user32, a field is never wider than the room left (so a number padded
             * past the end still shows). */
            if (width > 0 && s.len < 1023 && (size_t)width > 1023 - s.len)
                width = (int)(1023 - s.len);
            if (conv == 'p') {
                /* As wide as a pointer in hex digits, zero-padded, upper case. */
                static const char pspec[] = {'%', '0', (char)('0' + 2 * sizeof(void *) / 10),
                                             (char)('0' + 2 * sizeof(void *) % 10), 'z', 'X', 0};
                fmt++;
                WINIPC_WPUT_NUMBER(&s, pspec, (size_t)(uintptr_t)va_arg(args, void *));
                continue;
            }
            if (conv == 'd' || conv == 'i' || conv == 'u' || conv == 'x' || conv == 'X') {
                /* The size is the I-prefix's alone: %d, %ld and %hd all take an INT. */
                wide = -1;
            } else if (conv != 's' && conv != 'S' && conv != 'c' && conv != 'C') {
                /* Unknown: as user32, the padding a right-aligned field would have, then
                 * the type character itself as text (no argument is taken). */
                if (!left && width > (prec > 0 ? prec : 0))
                    winipc_wsink_pad(&s, (size_t)(width - (prec > 0 ? prec : 0)));
                continue;
            }
            fmt++;
            goto convert;
        }
        while (*fmt == '-' || *fmt == '+' || *fmt == ' ' || *fmt == '#' || *fmt == '0') {
            if (*fmt == '-')
                left = 1;
            if (sn < 8)
                spec[sn++] = (char)*fmt;
            fmt++;
        }
        if (*fmt == '*') {
            width = va_arg(args, int);
            if (width < 0) {
                left = 1;
                spec[sn++] = '-';
                width = width == INT32_MIN ? INT32_MAX : -width;
            }
            fmt++;
        } else if (*fmt >= '0' && *fmt <= '9') {
            width = 0;
            while (*fmt >= '0' && *fmt <= '9') {
                if (width < 100000000)
                    width = width * 10 + (int)(*fmt - '0');
                fmt++;
            }
        }
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(args, int);
                if (prec < 0)
                    prec = -1; /* as if no precision was given */
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') {
                    if (prec < 100000000)
                        prec = prec * 10 + (int)(*fmt - '0');
                    fmt++;
                }
            }
        }
        switch (*fmt) {
        case 'h':
            fmt++;
            if (*fmt == 'h') { fmt++; len = WINIPC_LEN_HH; }
            else len = WINIPC_LEN_H;
            wide = 0;
            break;
        case 'l':
            fmt++;
            if (*fmt == 'l') { fmt++; len = WINIPC_LEN_LL; }
            else len = WINIPC_LEN_L;
            wide = 1;
            break;
        case 'w': fmt++; wide = 1; break;
        case 'L': fmt++; len = WINIPC_LEN_BIG_L; break;
        case 'z': fmt++; len = WINIPC_LEN_Z; break;
        case 'j': fmt++; len = WINIPC_LEN_J; break;
        case 't': fmt++; len = WINIPC_LEN_T; break;
        case 'I':
            fmt++;
            if (fmt[0] == '6' && fmt[1] == '4') { fmt += 2; len = WINIPC_LEN_LL; }
            else if (fmt[0] == '3' && fmt[1] == '2') { fmt += 2; len = WINIPC_LEN_NONE; }
            else len = WINIPC_LEN_Z;
            break;
        default: break;
        }
        conv = *fmt;
        if (conv == 0)
            goto fail;
        fmt++;
    convert:
        if (conv == 's' || conv == 'S' || conv == 'c' || conv == 'C') {
            /* In wide functions the lower-case forms are wide by default, in ANSI ones
             * the upper-case forms. */
            int is_wide = wide >= 0 ? wide
                                    : ((conv == 's' || conv == 'c') != ((mode & WINIPC_FMT_ANSI) != 0));
            size_t units, bytes = 0, pad;
            if (conv == 'c' || conv == 'C') {
                int arg = va_arg(args, int);
                winipc_wchar c = (winipc_wchar)(is_wide ? arg : (unsigned char)arg);
                pad = width > 1 ? (size_t)width - 1 : 0;
                if (!left) winipc_wsink_pad(&s, pad);
                winipc_wsink_put(&s, c);
                if (left) winipc_wsink_pad(&s, pad);
                continue;
            }
            if (is_wide) {
                const winipc_wchar *w = va_arg(args, const winipc_wchar *);
                static const winipc_wchar null_text[] = {'(', 'n', 'u', 'l', 'l', ')', 0};
                if (w == WINIPC_NULLPTR)
                    w = null_text;
                units = 0;
                while (w[units] != 0 && (prec < 0 || units < (size_t)prec))
                    units++;
                pad = width > 0 && (size_t)width > units ? (size_t)width - units : 0;
                if (!left) winipc_wsink_pad(&s, pad);
                for (bytes = 0; bytes < units; bytes++)
                    winipc_wsink_put(&s, w[bytes]);
                if (left) winipc_wsink_pad(&s, pad);
            } else {
                const char *a = va_arg(args, const char *);
                if (a == WINIPC_NULLPTR)
                    a = "(null)";
                units = winipc_utf8_units(a, prec < 0 ? (size_t)-1 : (size_t)prec, &bytes);
                pad = width > 0 && (size_t)width > units ? (size_t)width - units : 0;
                if (!left) winipc_wsink_pad(&s, pad);
                winipc_wsink_utf8(&s, a, bytes);
                if (left) winipc_wsink_pad(&s, pad);
            }
            continue;
        }
        /* Numbers and pointers: rebuild the narrow spec with literal digits. */
        if (width >= 0)
            winipc_spec_number(spec, &sn, width);
        if (prec >= 0) {
            spec[sn++] = '.';
            winipc_spec_number(spec, &sn, prec);
        }
        switch (conv) {
        case 'd': case 'i': case 'u': case 'o': case 'x': case 'X': {
            int is_signed = conv == 'd' || conv == 'i';
            const char *mod = "";
            switch (len) {
            case WINIPC_LEN_HH: mod = "hh"; break;
            case WINIPC_LEN_H: mod = "h"; break;
            case WINIPC_LEN_L: mod = "l"; break;
            case WINIPC_LEN_LL: case WINIPC_LEN_BIG_L: mod = "ll"; break;
            case WINIPC_LEN_Z: mod = "z"; break;
            case WINIPC_LEN_J: mod = "j"; break;
            case WINIPC_LEN_T: mod = "t"; break;
            case WINIPC_LEN_NONE: break;
            }
            while (*mod != 0)
                spec[sn++] = *mod++;
            spec[sn++] = (char)conv;
            spec[sn] = '\0';
            switch (len) {
            case WINIPC_LEN_L:
                if (is_signed) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, long));
                else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, unsigned long));
                break;
            case WINIPC_LEN_LL: case WINIPC_LEN_BIG_L:
                if (is_signed) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, long long));
                else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, unsigned long long));
                break;
            case WINIPC_LEN_Z:
                if (is_signed) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, ptrdiff_t));
                else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, size_t));
                break;
            case WINIPC_LEN_J:
                if (is_signed) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, intmax_t));
                else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, uintmax_t));
                break;
            case WINIPC_LEN_T:
                WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, ptrdiff_t));
                break;
            case WINIPC_LEN_NONE: case WINIPC_LEN_HH: case WINIPC_LEN_H:
                if (is_signed) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, int));
                else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, unsigned int));
                break;
            }
            break;
        }
        case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
            if (len == WINIPC_LEN_BIG_L)
                spec[sn++] = 'L';
            spec[sn++] = (char)conv;
            spec[sn] = '\0';
            if (len == WINIPC_LEN_BIG_L) WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, long double));
            else WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, double));
            break;
        case 'p':
            spec[sn++] = 'p';
            spec[sn] = '\0';
            WINIPC_WPUT_NUMBER(&s, spec, va_arg(args, void *));
            break;
        default: /* %n and unknown conversions */
            goto fail;
        }
    }
    va_end(args);
    if (cap > 0)
        dst[s.len < cap ? s.len : cap - 1] = 0;
    return s.len > (size_t)INT32_MAX ? -1 : (int)s.len;
fail:
    va_end(args);
    if (cap > 0)
        dst[0] = 0;
    return -1;
}

/* vsnprintf for UTF-16 (Microsoft's meaning of %s in wide functions). */
static inline int winipc_vsnwprintf16(winipc_wchar *dst, size_t cap, const winipc_wchar *fmt,
                                      va_list ap)
{
    return winipc_vsnwprintf16_mode(dst, cap, fmt, ap, 0);
}

#if defined(__GNUC__)
#  pragma GCC diagnostic pop
#endif

/* vfprintf for UTF-16 formats: writes UTF-8; returns the UTF-16 units
 * formatted, or -1. */
static inline int winipc_vfwprintf16(FILE *f, const winipc_wchar *fmt, va_list ap)
{
    va_list again;
    winipc_wchar *buf;
    char *text;
    int n;
    va_copy(again, ap);
    n = winipc_vsnwprintf16(WINIPC_NULLPTR, 0, fmt, ap);
    if (n < 0) {
        va_end(again);
        return -1;
    }
    buf = (winipc_wchar *)malloc(((size_t)n + 1) * sizeof(winipc_wchar));
    if (buf == WINIPC_NULLPTR) {
        va_end(again);
        return -1;
    }
    winipc_vsnwprintf16(buf, (size_t)n + 1, fmt, again);
    va_end(again);
    text = winipc_utf16_to_utf8(buf);
    free(buf);
    if (text == WINIPC_NULLPTR)
        return -1;
    if (fputs(text, f) == EOF)
        n = -1;
    free(text);
    return n;
}

static inline int winipc_fwprintf16(FILE *f, const winipc_wchar *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = winipc_vfwprintf16(f, fmt, ap);
    va_end(ap);
    return n;
}

static inline int winipc_wprintf16(const winipc_wchar *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = winipc_vfwprintf16(stdout, fmt, ap);
    va_end(ap);
    return n;
}

static inline int winipc_vwprintf16(const winipc_wchar *fmt, va_list ap)
{
    return winipc_vfwprintf16(stdout, fmt, ap);
}

static inline int winipc_snwprintf16(winipc_wchar *dst, size_t cap, const winipc_wchar *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = winipc_vsnwprintf16(dst, cap, fmt, ap);
    va_end(ap);
    return n;
}

/* _stprintf/_vstprintf (MSVC's _swprintf): no size, like sprintf. */
static inline int winipc_vswprintf16(winipc_wchar *dst, const winipc_wchar *fmt, va_list ap)
{
    return winipc_vsnwprintf16(dst, (size_t)-1, fmt, ap);
}

static inline int winipc_swprintf16(winipc_wchar *dst, const winipc_wchar *fmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, fmt);
    n = winipc_vsnwprintf16(dst, (size_t)-1, fmt, ap);
    va_end(ap);
    return n;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_UTF16_H */
