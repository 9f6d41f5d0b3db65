/*
 * winipc_wchar.h - the 16-bit character type shared by <windows.h> and <tchar.h>.
 *
 * Part of the winipc C ABI (see docs/c-abi.md).  Not a Windows header; Win32
 * code never includes it directly.
 *
 * WCHAR is always a 16-bit unsigned UTF-16 code unit.  Its C type is chosen so
 * that the compiler's 16-bit string literals have exactly that type:
 *
 *   wchar_t is 16-bit (-fshort-wchar)  -> wchar_t         literal: L"..."
 *   C++11 or later                     -> char16_t        literal: u"..."
 *   C11 or later                       -> unsigned short  literal: u"..."
 *                                         (== char16_t of <uchar.h> on glibc)
 *   C99                                -> unsigned short  no 16-bit literal
 *
 * All four are the same 16-bit unsigned integer at the ABI level, and every
 * winipc function has C linkage, so objects built in different modes link
 * together.  With 32-bit wchar_t (the Linux default) L"..." does NOT match
 * WCHAR; pass -fshort-wchar to make Win32-style L"..." code compile.
 */
#ifndef WINIPC_WCHAR_H
#define WINIPC_WCHAR_H

#include <stddef.h>

#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
typedef wchar_t winipc_wchar;
#  define WINIPC_WCHAR_IS_WCHAR_T 1
#  define WINIPC_WIDE_(x) L ## x
#elif defined(__cplusplus) && __cplusplus >= 201103L
typedef char16_t winipc_wchar;
#  define WINIPC_WIDE_(x) u ## x
#elif !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
typedef unsigned short winipc_wchar;
#  define WINIPC_WIDE_(x) u ## x
#else
typedef unsigned short winipc_wchar;
/* No 16-bit string literal exists in this language mode: using TEXT/_T under
 * UNICODE/_UNICODE names an undeclared identifier that explains the problem. */
#  define WINIPC_WIDE_(x) winipc_error_16bit_literals_need_fshort_wchar_or_C11
#endif

/* WINIPC_WIDE("abc"): the literal as a 16-bit string (expands macros first). */
#define WINIPC_WIDE(x) WINIPC_WIDE_(x)

/* Compile-time size check usable in C89/C99/C++ without warnings. */
typedef char winipc_assert_wchar_is_16bit[(sizeof(winipc_wchar) == 2) ? 1 : -1];

#endif /* WINIPC_WCHAR_H */
