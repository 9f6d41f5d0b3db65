/*
 * harness.h - a tiny test harness for the libwinipc C suite.
 *
 *   CHECK(cond)                  a condition
 *   CHECK_EQ(a, b)               two integers (printed on failure)
 *   CHECK_FAIL(expr, fail, err)  expr == fail and GetLastError() == err
 *   CHECK_OK(expr)               expr is TRUE; on failure prints GetLastError()
 *   SUMMARY()                    prints "N passed, M failed", returns the exit status
 *
 * Failures print file:line and the expression. Each program is one translation unit.
 */
#ifndef WINIPC_TEST_HARNESS_H
#define WINIPC_TEST_HARNESS_H

#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned g_passed, g_failed;

static void harness_report(int ok, const char *file, int line, const char *expr,
                           const char *detail)
{
    if (ok) {
        g_passed++;
        return;
    }
    g_failed++;
    printf("FAIL %s:%d: %s%s%s\n", file, line, expr, detail[0] ? "  -- " : "", detail);
    fflush(stdout);
}

#define CHECK(cond) harness_report((cond) ? 1 : 0, __FILE__, __LINE__, #cond, "")

#define CHECK_EQ(a, b)                                                                  \
    do {                                                                                \
        unsigned long long check_a_ = (unsigned long long)(a);                          \
        unsigned long long check_b_ = (unsigned long long)(b);                          \
        char check_d_[96];                                                              \
        snprintf(check_d_, sizeof check_d_, "got %llu (0x%llx), want %llu (0x%llx)",   \
                 check_a_, check_a_, check_b_, check_b_);                               \
        harness_report(check_a_ == check_b_, __FILE__, __LINE__, #a " == " #b,          \
                       check_a_ == check_b_ ? "" : check_d_);                           \
    } while (0)

#define CHECK_OK(expr)                                                                  \
    do {                                                                                \
        BOOL check_r_ = (expr);                                                         \
        char check_d_[64];                                                              \
        snprintf(check_d_, sizeof check_d_, "GetLastError() = %u",                      \
                 (unsigned)GetLastError());                                             \
        harness_report(check_r_ != 0, __FILE__, __LINE__, #expr, check_r_ ? "" : check_d_); \
    } while (0)

/* expr must return `fail` and set the last error to `err`. */
#define CHECK_FAIL(expr, fail, err)                                                     \
    do {                                                                                \
        unsigned long long check_r_;                                                    \
        DWORD check_e_;                                                                 \
        char check_d_[128];                                                             \
        SetLastError(0xDEADBEEF);                                                       \
        check_r_ = (unsigned long long)(expr);                                          \
        check_e_ = GetLastError();                                                      \
        snprintf(check_d_, sizeof check_d_,                                             \
                 "returned 0x%llx (want 0x%llx), GetLastError() = %u (want %u)",        \
                 check_r_, (unsigned long long)(fail), (unsigned)check_e_, (unsigned)(err)); \
        harness_report(check_r_ == (unsigned long long)(fail) && check_e_ == (DWORD)(err), \
                       __FILE__, __LINE__, #expr, check_d_);                            \
    } while (0)

#define SUMMARY()                                                                       \
    (printf("%u passed, %u failed\n", g_passed, g_failed), fflush(stdout),              \
     g_failed == 0 ? 0 : 1)

/* A name unique to this process: prefix + pid + counter. */
static __attribute__((unused)) const char *uniq(const char *prefix)
{
    static char buf[8][128];
    static unsigned n;
    char *b = buf[n % 8];
    snprintf(b, sizeof buf[0], "%s_%u_%u", prefix, (unsigned)GetCurrentProcessId(), n);
    n++;
    return b;
}

#define HANDLE_FAIL ((HANDLE)NULL)
#define U64(h) ((unsigned long long)(ULONG_PTR)(h))

#endif
