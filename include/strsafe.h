/*
 * strsafe.h - the Windows SDK's bounded string functions, for Win32 programs
 * built against winipc.  Part of the winipc C ABI (see docs/c-abi.md).
 *
 * Header-only, as on Windows.  Provided, each as ...A (char) and ...W (WCHAR,
 * UTF-16), with the undecorated name following UNICODE:
 *
 *   StringCchCopy   StringCbCopy   StringCchCopyN  StringCbCopyN
 *   StringCchCat    StringCbCat    StringCchCatN   StringCbCatN
 *   StringCchLength StringCbLength
 *   StringCchPrintf StringCbPrintf StringCchVPrintf StringCbVPrintf
 *
 * Results are the SDK's: S_OK; STRSAFE_E_INSUFFICIENT_BUFFER with the
 * destination holding the truncated, terminated result; STRSAFE_E_INVALID_PARAMETER
 * for a size of 0 or above STRSAFE_MAX_CCH (a Copy or Printf then terminates the
 * destination at [0] when its size is not 0), or a Cat destination that is not
 * terminated within its size.  The Printf functions format with the C library's
 * vsnprintf (...A) or winipc's UTF-16 formatter (...W, see winipc_utf16.h).
 * The ...Ex variants are not provided.
 */
#ifndef WINIPC_STRSAFE_H
#define WINIPC_STRSAFE_H

#include <windows.h>
#include <stdarg.h>
#include <stdio.h>
#include "winipc_utf16.h"

#ifdef __cplusplus
extern "C" {
#endif

#define STRSAFE_MAX_CCH                 2147483647
#define STRSAFE_MAX_LENGTH              (STRSAFE_MAX_CCH - 1)
#define STRSAFE_E_INSUFFICIENT_BUFFER   ((HRESULT)0x8007007A)
#define STRSAFE_E_INVALID_PARAMETER     ((HRESULT)0x80070057)
#define STRSAFE_E_END_OF_FILE           ((HRESULT)0x80070026)

typedef char *STRSAFE_LPSTR;
typedef const char *STRSAFE_LPCSTR;
typedef WCHAR *STRSAFE_LPWSTR;
typedef const WCHAR *STRSAFE_LPCWSTR;

/*
 * One definition serves both character types: WINIPC_STRSAFE_DEFINE(A, char, ...)
 * and WINIPC_STRSAFE_DEFINE(W, WCHAR) expand to the ...A and ...W functions.
 * The workers follow the SDK: copy while room, source and count last; on
 * running out of room, back up one and terminate.
 */
#define WINIPC_STRSAFE_DEFINE(S, T, FMT_VA, FMT_LIST)                                  \
static inline HRESULT winipc_strsafe_copy_##S(T *dst, size_t cch, const T *src,        \
                                              size_t max_copy)                         \
{                                                                                      \
    while (cch != 0 && max_copy != 0 && *src != 0) {                                   \
        *dst++ = *src++;                                                               \
        cch--;                                                                         \
        max_copy--;                                                                    \
    }                                                                                  \
    if (cch == 0) {                                                                    \
        dst[-1] = 0;                                                                   \
        return STRSAFE_E_INSUFFICIENT_BUFFER;                                          \
    }                                                                                  \
    *dst = 0;                                                                          \
    return S_OK;                                                                       \
}                                                                                      \
static inline HRESULT winipc_strsafe_length_##S(const T *psz, size_t max, size_t *len) \
{                                                                                      \
    size_t n = 0;                                                                      \
    HRESULT hr = S_OK;                                                                 \
    if (psz == WINIPC_STRSAFE_NULL || max > STRSAFE_MAX_CCH) {                         \
        hr = STRSAFE_E_INVALID_PARAMETER;                                              \
    } else {                                                                           \
        while (n < max && psz[n] != 0)                                                 \
            n++;                                                                       \
        if (n == max)                                                                  \
            hr = STRSAFE_E_INVALID_PARAMETER;                                          \
    }                                                                                  \
    if (len != WINIPC_STRSAFE_NULL)                                                    \
        *len = SUCCEEDED(hr) ? n : 0;                                                  \
    return hr;                                                                         \
}                                                                                      \
static inline HRESULT StringCchCopyN##S(T *pszDest, size_t cchDest, const T *pszSrc,   \
                                        size_t cchToCopy)                              \
{                                                                                      \
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH || cchToCopy > STRSAFE_MAX_LENGTH) { \
        if (cchDest != 0)                                                              \
            *pszDest = 0;                                                              \
        return STRSAFE_E_INVALID_PARAMETER;                                            \
    }                                                                                  \
    return winipc_strsafe_copy_##S(pszDest, cchDest, pszSrc, cchToCopy);               \
}                                                                                      \
static inline HRESULT StringCchCopy##S(T *pszDest, size_t cchDest, const T *pszSrc)    \
{                                                                                      \
    return StringCchCopyN##S(pszDest, cchDest, pszSrc, STRSAFE_MAX_LENGTH);            \
}                                                                                      \
static inline HRESULT StringCchCatN##S(T *pszDest, size_t cchDest, const T *pszSrc,    \
                                       size_t cchToAppend)                             \
{                                                                                      \
    size_t len;                                                                        \
    HRESULT hr = winipc_strsafe_length_##S(pszDest, cchDest, &len);                    \
    if (cchDest == 0 || FAILED(hr) || cchToAppend > STRSAFE_MAX_LENGTH)                \
        return STRSAFE_E_INVALID_PARAMETER;                                            \
    return winipc_strsafe_copy_##S(pszDest + len, cchDest - len, pszSrc, cchToAppend); \
}                                                                                      \
static inline HRESULT StringCchCat##S(T *pszDest, size_t cchDest, const T *pszSrc)     \
{                                                                                      \
    return StringCchCatN##S(pszDest, cchDest, pszSrc, STRSAFE_MAX_LENGTH);             \
}                                                                                      \
static inline HRESULT StringCchLength##S(const T *psz, size_t cchMax, size_t *pcchLength) \
{                                                                                      \
    return winipc_strsafe_length_##S(psz, cchMax, pcchLength);                         \
}                                                                                      \
static inline HRESULT StringCbCopy##S(T *pszDest, size_t cbDest, const T *pszSrc)      \
{                                                                                      \
    return StringCchCopy##S(pszDest, cbDest / sizeof(T), pszSrc);                      \
}                                                                                      \
static inline HRESULT StringCbCopyN##S(T *pszDest, size_t cbDest, const T *pszSrc,     \
                                       size_t cbToCopy)                                \
{                                                                                      \
    return StringCchCopyN##S(pszDest, cbDest / sizeof(T), pszSrc, cbToCopy / sizeof(T)); \
}                                                                                      \
static inline HRESULT StringCbCat##S(T *pszDest, size_t cbDest, const T *pszSrc)       \
{                                                                                      \
    return StringCchCat##S(pszDest, cbDest / sizeof(T), pszSrc);                       \
}                                                                                      \
static inline HRESULT StringCbCatN##S(T *pszDest, size_t cbDest, const T *pszSrc,      \
                                      size_t cbToAppend)                               \
{                                                                                      \
    return StringCchCatN##S(pszDest, cbDest / sizeof(T), pszSrc, cbToAppend / sizeof(T)); \
}                                                                                      \
static inline HRESULT StringCbLength##S(const T *psz, size_t cbMax, size_t *pcbLength) \
{                                                                                      \
    size_t cch;                                                                        \
    HRESULT hr = winipc_strsafe_length_##S(psz, cbMax / sizeof(T), &cch);              \
    if (pcbLength != WINIPC_STRSAFE_NULL)                                              \
        *pcbLength = cch * sizeof(T);                                                  \
    return hr;                                                                         \
}                                                                                      \
static inline FMT_LIST HRESULT StringCchVPrintf##S(T *pszDest, size_t cchDest, const T *pszFormat, \
                                          va_list argList)                             \
{                                                                                      \
    int n;                                                                             \
    if (cchDest == 0 || cchDest > STRSAFE_MAX_CCH) {                                   \
        if (cchDest != 0)                                                              \
            *pszDest = 0;                                                              \
        return STRSAFE_E_INVALID_PARAMETER;                                            \
    }                                                                                  \
    n = winipc_strsafe_vsnprintf_##S(pszDest, cchDest, pszFormat, argList);            \
    if (n < 0) {                                                                       \
        *pszDest = 0;                                                                  \
        return STRSAFE_E_INVALID_PARAMETER;                                            \
    }                                                                                  \
    return (size_t)n >= cchDest ? STRSAFE_E_INSUFFICIENT_BUFFER : S_OK;                \
}                                                                                      \
static inline FMT_VA HRESULT StringCchPrintf##S(T *pszDest, size_t cchDest, const T *pszFormat, ...) \
{                                                                                      \
    HRESULT hr;                                                                        \
    va_list ap;                                                                        \
    va_start(ap, pszFormat);                                                           \
    hr = StringCchVPrintf##S(pszDest, cchDest, pszFormat, ap);                         \
    va_end(ap);                                                                        \
    return hr;                                                                         \
}                                                                                      \
static inline FMT_LIST HRESULT StringCbVPrintf##S(T *pszDest, size_t cbDest, const T *pszFormat, \
                                         va_list argList)                              \
{                                                                                      \
    return StringCchVPrintf##S(pszDest, cbDest / sizeof(T), pszFormat, argList);       \
}                                                                                      \
static inline FMT_VA HRESULT StringCbPrintf##S(T *pszDest, size_t cbDest, const T *pszFormat, ...) \
{                                                                                      \
    HRESULT hr;                                                                        \
    va_list ap;                                                                        \
    va_start(ap, pszFormat);                                                           \
    hr = StringCchVPrintf##S(pszDest, cbDest / sizeof(T), pszFormat, ap);              \
    va_end(ap);                                                                        \
    return hr;                                                                         \
}

#if defined(__cplusplus) && __cplusplus >= 201103L
#  define WINIPC_STRSAFE_NULL nullptr
#else
#  define WINIPC_STRSAFE_NULL NULL
#endif

#if defined(__GNUC__)
__attribute__((format(printf, 3, 0)))
#endif
static inline int winipc_strsafe_vsnprintf_A(char *dst, size_t cch, const char *fmt, va_list ap)
{
    return vsnprintf(dst, cch, fmt, ap);
}

static inline int winipc_strsafe_vsnprintf_W(WCHAR *dst, size_t cch, const WCHAR *fmt, va_list ap)
{
    return winipc_vsnwprintf16(dst, cch, fmt, ap);
}

/* The char variants get printf format checking (GCC, Clang). */
#if defined(__GNUC__)
#  define WINIPC_STRSAFE_FMT_VA   __attribute__((format(printf, 3, 4)))
#  define WINIPC_STRSAFE_FMT_LIST __attribute__((format(printf, 3, 0)))
#else
#  define WINIPC_STRSAFE_FMT_VA
#  define WINIPC_STRSAFE_FMT_LIST
#endif
#define WINIPC_STRSAFE_NO_FMT

WINIPC_STRSAFE_DEFINE(A, char, WINIPC_STRSAFE_FMT_VA, WINIPC_STRSAFE_FMT_LIST)
WINIPC_STRSAFE_DEFINE(W, WCHAR, WINIPC_STRSAFE_NO_FMT, WINIPC_STRSAFE_NO_FMT)

#ifdef UNICODE
#  define StringCchCopy      StringCchCopyW
#  define StringCchCopyN     StringCchCopyNW
#  define StringCchCat       StringCchCatW
#  define StringCchCatN      StringCchCatNW
#  define StringCchLength    StringCchLengthW
#  define StringCchPrintf    StringCchPrintfW
#  define StringCchVPrintf   StringCchVPrintfW
#  define StringCbCopy       StringCbCopyW
#  define StringCbCopyN      StringCbCopyNW
#  define StringCbCat        StringCbCatW
#  define StringCbCatN       StringCbCatNW
#  define StringCbLength     StringCbLengthW
#  define StringCbPrintf     StringCbPrintfW
#  define StringCbVPrintf    StringCbVPrintfW
#else
#  define StringCchCopy      StringCchCopyA
#  define StringCchCopyN     StringCchCopyNA
#  define StringCchCat       StringCchCatA
#  define StringCchCatN      StringCchCatNA
#  define StringCchLength    StringCchLengthA
#  define StringCchPrintf    StringCchPrintfA
#  define StringCchVPrintf   StringCchVPrintfA
#  define StringCbCopy       StringCbCopyA
#  define StringCbCopyN      StringCbCopyNA
#  define StringCbCat        StringCbCatA
#  define StringCbCatN       StringCbCatNA
#  define StringCbLength     StringCbLengthA
#  define StringCbPrintf     StringCbPrintfA
#  define StringCbVPrintf    StringCbVPrintfA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_STRSAFE_H */
