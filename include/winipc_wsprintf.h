/*
 * winipc_wsprintf.h - user32's wsprintfA/W and wvsprintfA/W for the winipc C ABI.
 *
 * Part of the winipc C ABI (see docs/c-abi.md, "wsprintf").  Not a Windows
 * header: <windows.h> includes it.  The functions are header-only (a variadic
 * function cannot be defined in stable Rust; decision 0006) and use the UTF-16
 * formatter of winipc_utf16.h in its wsprintf mode, which follows user32:
 *
 *   - the output is at most 1024 characters including the terminator; the
 *     return value is the number of characters stored, without the terminator
 *     (1023 when the output was cut);
 *   - specs are %[-][#][0][width][.precision][l|h|w|I|I32|I64]type with the
 *     types c C d i s S u x X p; %d, %ld and %hd all take a 32-bit INT, %I64d a
 *     64-bit one, %Id one as wide as a pointer; %p is zero-padded upper-case hex
 *     as wide as a pointer; a precision of 0 counts as none;
 *   - no '*', '+' or ' ' flags and no floating point: an unknown type (%f, %g,
 *     %n, ...) takes no argument and is output as text ("%f" gives "f");
 *   - in wsprintfW %s and %c take WCHAR strings and characters, %S, %hs, %hc and
 *     %C narrow (UTF-8) ones; in wsprintfA the other way round; %ls and %ws are
 *     always wide.
 *
 * wsprintfA formats through UTF-16 (its format and narrow arguments are
 * UTF-8): widths and precisions count UTF-16 units, not bytes, and the output
 * is cut at 1023 bytes on a whole UTF-8 sequence.
 */
#ifndef WINIPC_WSPRINTF_H
#define WINIPC_WSPRINTF_H

#include <stdarg.h>
#include "winipc_utf16.h"

#ifdef __cplusplus
extern "C" {
#endif

/* wsprintf's limit: the output buffer holds at most 1024 characters. */
#define WINIPC_WSPRINTF_MAX 1024

static inline int WINAPIV wvsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, va_list arglist)
{
    int n = winipc_vsnwprintf16_mode(lpOut, WINIPC_WSPRINTF_MAX, lpFmt, arglist,
                                     WINIPC_FMT_WSPRINTF);
    if (n < 0)
        return 0;
    return n < WINIPC_WSPRINTF_MAX ? n : WINIPC_WSPRINTF_MAX - 1;
}

static inline int WINAPIV wvsprintfA(LPSTR lpOut, LPCSTR lpFmt, va_list arglist)
{
    winipc_wchar tmp[WINIPC_WSPRINTF_MAX];
    winipc_wchar *wfmt = winipc_utf8_to_utf16(lpFmt);
    char *text;
    size_t n;
    lpOut[0] = '\0';
    if (wfmt == WINIPC_NULLPTR)
        return 0;
    if (winipc_vsnwprintf16_mode(tmp, WINIPC_WSPRINTF_MAX, wfmt, arglist,
                                 WINIPC_FMT_WSPRINTF | WINIPC_FMT_ANSI) < 0) {
        free(wfmt);
        return 0;
    }
    free(wfmt);
    text = winipc_utf16_to_utf8(tmp);
    if (text == WINIPC_NULLPTR)
        return 0;
    n = strlen(text);
    if (n >= WINIPC_WSPRINTF_MAX) {
        /* Cut at 1023 bytes, not inside a UTF-8 sequence. */
        n = WINIPC_WSPRINTF_MAX - 1;
        while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(lpOut, text, n);
    lpOut[n] = '\0';
    free(text);
    return (int)n;
}

static inline int WINAPIV wsprintfW(LPWSTR lpOut, LPCWSTR lpFmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, lpFmt);
    n = wvsprintfW(lpOut, lpFmt, ap);
    va_end(ap);
    return n;
}

static inline int WINAPIV wsprintfA(LPSTR lpOut, LPCSTR lpFmt, ...)
{
    int n;
    va_list ap;
    va_start(ap, lpFmt);
    n = wvsprintfA(lpOut, lpFmt, ap);
    va_end(ap);
    return n;
}

#ifdef UNICODE
#  define wsprintf  wsprintfW
#  define wvsprintf wvsprintfW
#else
#  define wsprintf  wsprintfA
#  define wvsprintf wvsprintfA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_WSPRINTF_H */
