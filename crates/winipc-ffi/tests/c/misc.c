/*
 * misc.c - handle functions (CloseHandle, DuplicateHandle, Get/SetHandleInformation,
 * identity, GetStdHandle) and the rest: Sleep, GetTickCount(64), Get/SetLastError,
 * FormatMessageA/W, LocalFree, lstr*, Global/Local/Heap memory, GetCommandLineA/W,
 * GetComputerNameA/W.
 *
 *   misc [args...]     (extra arguments are checked against GetCommandLine)
 */
#include "harness.h"
#include <unistd.h>

static void test_handles(void)
{
    HANDLE h, d = NULL, p = NULL;
    DWORD f = 0;

    h = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* Handle values: small multiples of 4, never NULL or -1. */
    CHECK(h != NULL && h != INVALID_HANDLE_VALUE);
    CHECK_EQ(U64(h) % 4, 0);

    /* Flags. */
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, 0);
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_FAIL(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE); /* protected: stays open */
    CHECK_OK(SetEvent(h));
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(GetHandleInformation(h, &f));
    CHECK_EQ(f, 0);
    CHECK_FAIL(SetHandleInformation(h, 4, 4), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetHandleInformation(h, NULL), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetHandleInformation(GetCurrentProcess(), &f), FALSE, ERROR_INVALID_HANDLE);

    /* DuplicateHandle within the process. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, TRUE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(d != h && d != NULL);
    CHECK_OK(GetHandleInformation(d, &f));
    CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    CHECK_EQ(WaitForSingleObject(d, 0), WAIT_OBJECT_0); /* the same event */
    /* DUPLICATE_CLOSE_SOURCE, target NULL: only closes. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), d, GetCurrentProcess(), NULL, 0, FALSE,
                             DUPLICATE_CLOSE_SOURCE));
    CHECK_FAIL(CloseHandle(d), FALSE, ERROR_INVALID_HANDLE);
    /* The source is closed even when the duplication fails. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_FAIL(DuplicateHandle(GetCurrentProcess(), d, NULL, &p, 0, FALSE,
                               DUPLICATE_CLOSE_SOURCE),
               FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(d), FALSE, ERROR_INVALID_HANDLE);
    /* Errors. */
    CHECK_FAIL(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &d, 0, FALSE, 8),
               FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(DuplicateHandle(GetCurrentProcess(), NULL, GetCurrentProcess(), &d, 0, FALSE,
                               DUPLICATE_SAME_ACCESS),
               FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(DuplicateHandle(h, h, GetCurrentProcess(), &d, 0, FALSE, DUPLICATE_SAME_ACCESS),
               FALSE, ERROR_INVALID_HANDLE); /* an event is not a process */
    /* Duplicating the pseudo-handle gives a real process handle. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &p,
                             0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK(p != GetCurrentProcess());
    CHECK_EQ(GetProcessId(p), GetCurrentProcessId());
    CHECK_EQ(WaitForSingleObject(p, 0), WAIT_TIMEOUT);
    CHECK_OK(GetExitCodeProcess(p, &f));
    CHECK_EQ(f, STILL_ACTIVE);
    /* A real handle to ourselves works as the process argument too. */
    CHECK_OK(DuplicateHandle(p, h, p, &d, 0, FALSE, DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(d));
    CHECK_OK(CloseHandle(p));

    /* Identity. */
    CHECK_EQ(U64(GetCurrentProcess()), U64((HANDLE)(LONG_PTR)-1));
    CHECK_EQ(U64(GetCurrentThread()), U64((HANDLE)(LONG_PTR)-2));
    CHECK_EQ(GetCurrentProcessId(), (DWORD)getpid());
    CHECK_EQ(GetProcessId(GetCurrentProcess()), (DWORD)getpid());
    CHECK(GetCurrentThreadId() != 0);
    CHECK_FAIL(GetProcessId(h), 0, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetProcessId(NULL), 0, ERROR_INVALID_HANDLE);

    /* CloseHandle. */
    CHECK_OK(CloseHandle(h));
    CHECK_FAIL(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(GetCurrentThread()), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle((HANDLE)(ULONG_PTR)3), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetHandleInformation(h, &f), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetHandleInformation(h, 1, 1), FALSE, ERROR_INVALID_HANDLE);

    /* Standard handles. */
    {
        HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
        DWORD n = 0;
        CHECK(out != NULL && out != INVALID_HANDLE_VALUE);
        CHECK_EQ(U64(out), U64(GetStdHandle(STD_OUTPUT_HANDLE)));
        CHECK(GetStdHandle(STD_INPUT_HANDLE) != GetStdHandle(STD_ERROR_HANDLE));
        fflush(stdout);
        CHECK_OK(WriteFile(out, "stdout via WriteFile\n", 21, &n, NULL));
        CHECK_EQ(n, 21);
        CHECK_FAIL(GetStdHandle(5), INVALID_HANDLE_VALUE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(GetMailslotInfo(out, NULL, NULL, NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
    }
}

static void test_time(void)
{
    DWORD t0 = GetTickCount();
    ULONGLONG t64 = GetTickCount64();
    Sleep(0);
    Sleep(60);
    CHECK(GetTickCount() - t0 >= 55);
    CHECK(GetTickCount64() - t64 >= 55);
    CHECK(GetTickCount64() >= t64);
    CHECK_EQ((DWORD)GetTickCount64() - GetTickCount() < 100, 1);
}

static void test_format_message(void)
{
    char buf[256];
    WCHAR wbuf[256];
    LPSTR p = NULL;
    LPWSTR wp = NULL;
    DWORD n;
    DWORD_PTR args[3];

    SetLastError(0);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, 2,
                       MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), buf, sizeof buf, NULL);
    CHECK_EQ(n, strlen("The system cannot find the file specified.\r\n"));
    CHECK(strcmp(buf, "The system cannot find the file specified.\r\n") == 0);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_INVALID_PARAMETER, 0, buf,
                       sizeof buf, NULL);
    CHECK(strcmp(buf, "The parameter is incorrect.\r\n") == 0);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_SEM_TIMEOUT, 0, buf, sizeof buf,
                       NULL);
    CHECK(strcmp(buf, "The semaphore timeout period has expired.\r\n") == 0);
    /* Every code the library reports has a text. */
    {
        static const DWORD codes[] = {0, 2, 3, 5, 6, 8, 31, 50, 53, 87, 109, 111, 121, 122,
                                      123, 183, 193, 206, 267, 288, 298, 998, 1460, 1816};
        size_t i;
        int all = 1;
        for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
            if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                               codes[i], 0, buf, sizeof buf, NULL) == 0)
                all = 0;
        CHECK(all);
    }
    /* Allocated buffer. */
    n = FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM, NULL,
                       ERROR_ACCESS_DENIED, 0, (LPSTR)&p, 0, NULL);
    CHECK(p != NULL && n == strlen(p));
    CHECK(p != NULL && strcmp(p, "Access is denied.\r\n") == 0);
    CHECK(LocalFree(p) == NULL);
    /* Errors. */
    CHECK_FAIL(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 2, 0, buf, 5, NULL), 0,
               ERROR_INSUFFICIENT_BUFFER);
    CHECK_FAIL(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 0x12345, 0, buf, sizeof buf,
                              NULL),
               0, ERROR_MR_MID_NOT_FOUND);
    CHECK_FAIL(FormatMessageA(FORMAT_MESSAGE_FROM_HMODULE, (LPCVOID)buf, 2, 0, buf, sizeof buf,
                              NULL),
               0, ERROR_NOT_SUPPORTED);
    CHECK_FAIL(FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 2, 0, NULL, 100, NULL), 0,
               ERROR_NOACCESS);
    /* From a string: escapes, inserts. */
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_IGNORE_INSERTS,
                       "a%%b%nc %1 d%0ignored", 0, 0, buf, sizeof buf, NULL);
    CHECK(strcmp(buf, "a%b\r\nc %1 d") == 0);
    CHECK_EQ(n, strlen("a%b\r\nc %1 d"));
    args[0] = (DWORD_PTR) "world";
    args[1] = 42;
    args[2] = (DWORD_PTR)(DWORD)-7;
    n = FormatMessageA(FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_ARGUMENT_ARRAY,
                       "hello %1 %2!u! %3!d! %2!x!", 0, 0, buf, sizeof buf, (va_list *)args);
    CHECK(strcmp(buf, "hello world 42 -7 2a") == 0);
    CHECK_FAIL(FormatMessageA(FORMAT_MESSAGE_FROM_STRING, "x %1", 0, 0, buf, sizeof buf, NULL),
               0, ERROR_NOT_SUPPORTED);

    /* W. */
    n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, ERROR_INVALID_HANDLE, 0, wbuf, 256,
                       NULL);
    CHECK_EQ(n, strlen("The handle is invalid.\r\n"));
    CHECK(wbuf[0] == 'T' && wbuf[n - 1] == '\n' && wbuf[n] == 0);
    n = FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM, NULL, 6, 0,
                       (LPWSTR)&wp, 0, NULL);
    CHECK(wp != NULL && lstrlenW(wp) == (int)n);
    CHECK(LocalFree(wp) == NULL);
    CHECK_FAIL(FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM, NULL, 6, 0, wbuf, 3, NULL), 0,
               ERROR_INSUFFICIENT_BUFFER);

    /* LocalFree. */
    CHECK(LocalFree(NULL) == NULL);
    CHECK_FAIL(LocalFree(buf), (ULONG_PTR)buf, ERROR_INVALID_HANDLE);
}

static void test_strings(void)
{
    char a[32];
    WCHAR w[32], w2[] = {'a', 'b', 'c', 0}, w3[] = {'a', 'b', 'd', 0};

    CHECK_EQ(lstrlenA("hello"), 5);
    CHECK_EQ(lstrlenA(""), 0);
    CHECK_EQ(lstrlenA(NULL), 0);
    CHECK_EQ(lstrlenW(w2), 3);
    CHECK_EQ(lstrlenW(NULL), 0);
    CHECK(lstrcpyA(a, "copy") == a && strcmp(a, "copy") == 0);
    CHECK(lstrcpyA(NULL, "x") == NULL);
    CHECK(lstrcpyA(a, NULL) == NULL);
    CHECK(lstrcpyW(w, w2) == w && w[2] == 'c' && w[3] == 0);
    CHECK(lstrcpyW(NULL, w2) == NULL);
    CHECK_EQ(lstrcmpA("abc", "abc"), 0);
    CHECK(lstrcmpA("abc", "abd") < 0);
    CHECK(lstrcmpA("b", "a") > 0);
    CHECK(lstrcmpA(NULL, "a") < 0);
    CHECK_EQ(lstrcmpA(NULL, NULL), 0);
    CHECK(lstrcmpW(w2, w3) < 0);
    CHECK_EQ(lstrcmpW(w2, w), 0);
    CHECK(lstrcmpW(w3, NULL) > 0);
}

static void test_more_strings(void)
{
    char a[16];
    WCHAR w[8], ab[] = {'a', 'b', 0}, cd[] = {'c', 'd', 0};

    CHECK(lstrcpyA(a, "ab") == a && lstrcatA(a, "cd") == a && strcmp(a, "abcd") == 0);
    CHECK(lstrcatA(a, NULL) == NULL && lstrcatA(NULL, "x") == NULL);
    CHECK(lstrcpyW(w, ab) == w && lstrcatW(w, cd) == w && w[3] == 'd' && w[4] == 0);
    CHECK(lstrcpynA(a, "abcdef", 4) == a && strcmp(a, "abc") == 0);
    CHECK(lstrcpynA(a, "ab", 8) == a && strcmp(a, "ab") == 0);
    a[0] = 'x';
    CHECK(lstrcpynA(a, "ab", 0) == a && a[0] == 'x'); /* nothing written */
    CHECK(lstrcpynW(w, cd, 2) == w && w[0] == 'c' && w[1] == 0);
}

static void test_memory(void)
{
    char *p, *q;
    HGLOBAL h;
    HANDLE heap;
    SIZE_T i;
    int zero = 1;

    /* GPTR: fixed and zeroed, as the classic mailslot reader allocates. */
    p = (char *)GlobalAlloc(GPTR, 100);
    CHECK(p != NULL);
    for (i = 0; p != NULL && i < 100; i++)
        zero &= p[i] == 0;
    CHECK(zero);
    CHECK_EQ(GlobalSize(p), 100);
    q = (char *)GlobalReAlloc(p, 4000, GMEM_MOVEABLE | GMEM_ZEROINIT);
    CHECK(q != NULL && q[3999] == 0);
    CHECK_EQ(GlobalSize(q), 4000);
    CHECK(GlobalFree(q) == NULL);
    CHECK_FAIL(GlobalFree(q), (ULONG_PTR)q, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GlobalSize(q), 0, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GlobalAlloc(0x10000000, 4), 0, ERROR_INVALID_PARAMETER);

    /* Moveable: lock counts. */
    h = GlobalAlloc(GHND, 8);
    CHECK(h != NULL);
    p = (char *)GlobalLock(h);
    CHECK(p != NULL && p[7] == 0);
    CHECK(GlobalUnlock(h) == FALSE && GetLastError() == NO_ERROR);
    CHECK_FAIL(GlobalUnlock(h), FALSE, ERROR_NOT_LOCKED);
    CHECK(GlobalFree(h) == NULL);

    /* Local* is the same allocator; LocalFree frees LocalAlloc memory. */
    p = (char *)LocalAlloc(LPTR, 10);
    CHECK(p != NULL && LocalSize(p) == 10);
    CHECK(LocalFree(p) == NULL);

    /* Heaps. */
    heap = GetProcessHeap();
    CHECK(heap != NULL);
    p = (char *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 32);
    CHECK(p != NULL && p[31] == 0);
    CHECK_EQ(HeapSize(heap, 0, p), 32);
    p = (char *)HeapReAlloc(heap, 0, p, 64);
    CHECK(p != NULL && HeapSize(heap, 0, p) == 64);
    CHECK_OK(HeapFree(heap, 0, p));
    CHECK(!HeapFree(heap, 0, p)); /* already freed: refused, not a double free */
    heap = HeapCreate(0, 0, 0);
    CHECK(heap != NULL && heap != GetProcessHeap());
    p = (char *)HeapAlloc(heap, 0, 16);
    CHECK(p != NULL);
    CHECK_EQ(HeapSize(GetProcessHeap(), 0, p), (SIZE_T)-1); /* not the process heap's */
    CHECK_OK(HeapDestroy(heap)); /* frees p */
    CHECK_FAIL(HeapDestroy(GetProcessHeap()), FALSE, ERROR_INVALID_HANDLE);
}

static void test_wall_clock(void)
{
    SYSTEMTIME st, local, back;
    FILETIME ft, ft2;
    LARGE_INTEGER freq, c1, c2;
    ULARGE_INTEGER u;

    GetSystemTime(&st);
    CHECK(st.wYear >= 2024 && st.wMonth >= 1 && st.wMonth <= 12 && st.wDay >= 1 &&
          st.wDay <= 31 && st.wHour < 24 && st.wDayOfWeek < 7 && st.wMilliseconds < 1000);
    GetLocalTime(&local);
    CHECK(local.wYear >= 2024 && local.wHour < 24);
    GetSystemTimeAsFileTime(&ft);
    u.LowPart = ft.dwLowDateTime;
    u.HighPart = ft.dwHighDateTime;
    CHECK(u.QuadPart > 133000000000000000ULL); /* after 2022 */
    /* Round trip through SYSTEMTIME, and known dates. */
    CHECK_OK(FileTimeToSystemTime(&ft, &back));
    CHECK_OK(SystemTimeToFileTime(&back, &ft2));
    {
        /* SYSTEMTIME keeps milliseconds: the round trip truncates to a multiple of 10,000. */
        ULARGE_INTEGER u2;
        u2.LowPart = ft2.dwLowDateTime;
        u2.HighPart = ft2.dwHighDateTime;
        CHECK_EQ(u2.QuadPart, u.QuadPart - u.QuadPart % 10000);
    }
    ft.dwLowDateTime = 0xD53E8000; /* 1970-01-01 00:00 = 116444736000000000 */
    ft.dwHighDateTime = 0x019DB1DE;
    CHECK_OK(FileTimeToSystemTime(&ft, &back));
    CHECK(back.wYear == 1970 && back.wMonth == 1 && back.wDay == 1 && back.wDayOfWeek == 4 &&
          back.wHour == 0 && back.wMilliseconds == 0);
    back.wYear = 2024;
    back.wMonth = 2;
    back.wDay = 29; /* a leap day */
    CHECK_OK(SystemTimeToFileTime(&back, &ft));
    back.wYear = 2023; /* not one */
    CHECK_FAIL(SystemTimeToFileTime(&back, &ft), FALSE, ERROR_INVALID_PARAMETER);
    back.wYear = 2024;
    back.wHour = 24;
    CHECK_FAIL(SystemTimeToFileTime(&back, &ft), FALSE, ERROR_INVALID_PARAMETER);
    ft.dwHighDateTime = 0x80000000;
    CHECK_FAIL(FileTimeToSystemTime(&ft, &back), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(FileTimeToSystemTime(NULL, &back), FALSE, ERROR_NOACCESS);

    /* The performance counter: nanoseconds, monotonic. */
    CHECK_OK(QueryPerformanceFrequency(&freq));
    CHECK_EQ(freq.QuadPart, 1000000000);
    CHECK_OK(QueryPerformanceCounter(&c1));
    Sleep(20);
    CHECK_OK(QueryPerformanceCounter(&c2));
    CHECK(c2.QuadPart - c1.QuadPart >= 20 * 1000000LL);
    CHECK_FAIL(QueryPerformanceCounter(NULL), FALSE, ERROR_NOACCESS);
}

/* The local zone as Windows describes it, from a POSIX TZ rule (no zone files needed). */
static void test_time_zone(void)
{
    TIME_ZONE_INFORMATION tz;
    DWORD id;
    char *saved = getenv("TZ") ? strdup(getenv("TZ")) : NULL;

    setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
    id = GetTimeZoneInformation(&tz);
    CHECK(id == TIME_ZONE_ID_STANDARD || id == TIME_ZONE_ID_DAYLIGHT);
    CHECK_EQ(tz.Bias, -60);
    CHECK_EQ(tz.StandardBias, 0);
    CHECK_EQ(tz.DaylightBias, -60);
    /* Daylight saving begins on the last Sunday of March at 02:00 standard time and ends on
       the last Sunday of October at 03:00 daylight time. */
    CHECK(tz.DaylightDate.wYear == 0 && tz.DaylightDate.wMonth == 3 &&
          tz.DaylightDate.wDayOfWeek == 0 && tz.DaylightDate.wDay == 5 &&
          tz.DaylightDate.wHour == 2 && tz.DaylightDate.wMinute == 0);
    CHECK(tz.StandardDate.wMonth == 10 && tz.StandardDate.wDayOfWeek == 0 &&
          tz.StandardDate.wDay == 5 && tz.StandardDate.wHour == 3);
    CHECK(tz.StandardName[0] == 'C' && tz.StandardName[1] == 'E' && tz.StandardName[2] == 'T' &&
          tz.StandardName[3] == 0);
    CHECK(tz.DaylightName[0] == 'C' && tz.DaylightName[3] == 'T' && tz.DaylightName[4] == 0);

    /* Converting with those rules, and with the local zone (NULL). */
    {
        SYSTEMTIME utc = {2026, 7, 0, 15, 10, 30, 0, 250}, loc, back;
        CHECK_OK(SystemTimeToTzSpecificLocalTime(&tz, &utc, &loc));
        CHECK(loc.wMonth == 7 && loc.wDay == 15 && loc.wHour == 12 && loc.wMinute == 30 &&
              loc.wMilliseconds == 250 && loc.wDayOfWeek == 3);
        CHECK_OK(TzSpecificLocalTimeToSystemTime(&tz, &loc, &back));
        CHECK(back.wHour == 10 && back.wDay == 15 && back.wMilliseconds == 250);
        utc.wMonth = 1;
        CHECK_OK(SystemTimeToTzSpecificLocalTime(&tz, &utc, &loc));
        CHECK_EQ(loc.wHour, 11);
        CHECK_OK(SystemTimeToTzSpecificLocalTime(NULL, &utc, &loc)); /* TZ is CET too */
        CHECK_EQ(loc.wHour, 11);
        /* The change itself: 2026-03-29 00:59:59 UTC is 01:59:59 CET, 01:00 UTC 03:00 CEST. */
        utc.wMonth = 3;
        utc.wDay = 29;
        utc.wHour = 0;
        utc.wMinute = 59;
        utc.wSecond = 59;
        CHECK_OK(SystemTimeToTzSpecificLocalTime(&tz, &utc, &loc));
        CHECK(loc.wHour == 1 && loc.wMinute == 59);
        utc.wHour = 1;
        utc.wMinute = 0;
        utc.wSecond = 0;
        CHECK_OK(SystemTimeToTzSpecificLocalTime(&tz, &utc, &loc));
        CHECK(loc.wHour == 3 && loc.wMinute == 0);
        utc.wMonth = 13;
        CHECK_FAIL(SystemTimeToTzSpecificLocalTime(&tz, &utc, &loc), FALSE,
                   ERROR_INVALID_PARAMETER);
    }

    /* A zone without daylight saving: UTC-5 all year. */
    setenv("TZ", "EST5", 1);
    CHECK_EQ(GetTimeZoneInformation(&tz), TIME_ZONE_ID_UNKNOWN);
    CHECK_EQ(tz.Bias, 300);
    CHECK_EQ(tz.DaylightBias, 0);
    CHECK_EQ(tz.DaylightDate.wMonth, 0);
    CHECK_EQ(tz.StandardDate.wMonth, 0);

    /* Southern hemisphere: daylight saving from October to April. */
    setenv("TZ", "AEST-10AEDT,M10.1.0,M4.1.0/3", 1);
    CHECK(GetTimeZoneInformation(&tz) != TIME_ZONE_ID_INVALID);
    CHECK_EQ(tz.Bias, -600);
    CHECK(tz.DaylightDate.wMonth == 10 && tz.DaylightDate.wDay == 1 &&
          tz.DaylightDate.wHour == 2);
    CHECK(tz.StandardDate.wMonth == 4 && tz.StandardDate.wDay == 1 &&
          tz.StandardDate.wHour == 3);

    if (saved) {
        setenv("TZ", saved, 1);
        free(saved);
    } else {
        unsetenv("TZ");
    }
}

static void test_date_format(void)
{
    SYSTEMTIME st = {2026, 3, 6 /* ignored */, 5, 14, 7, 9, 0};
    char buf[64];
    WCHAR w[64];
    int n;

    n = GetDateFormatA(LOCALE_USER_DEFAULT, 0, &st, "dddd, MMMM d, yyyy", buf, sizeof buf);
    CHECK_EQ(n, 24);
    CHECK(strcmp(buf, "Thursday, March 5, 2026") == 0);
    CHECK_EQ(GetDateFormatA(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &st, NULL, buf, 64), 9);
    CHECK(strcmp(buf, "3/5/2026") == 0);
    CHECK_EQ(GetDateFormatA(LOCALE_USER_DEFAULT, DATE_LONGDATE, &st, NULL, NULL, 0), 24);
    CHECK_FAIL(GetDateFormatA(LOCALE_USER_DEFAULT, 0, &st, "yyyy-MM-dd", buf, 5), 0,
               ERROR_INSUFFICIENT_BUFFER);
    CHECK_FAIL(GetDateFormatA(LOCALE_USER_DEFAULT, DATE_LONGDATE, &st, "yyyy", buf, 64), 0,
               ERROR_INVALID_FLAGS);
    n = GetDateFormatA(LOCALE_USER_DEFAULT, 0, &st, "'day' dd 'of' MMM yy", buf, 64);
    CHECK(n > 0 && strcmp(buf, "day 05 of Mar 26") == 0);
    CHECK_EQ(GetDateFormatW(LOCALE_USER_DEFAULT, DATE_SHORTDATE, &st, NULL, w, 64), 9);
    CHECK(w[0] == '3' && w[1] == '/' && w[8] == 0);
    CHECK(GetDateFormatA(LOCALE_USER_DEFAULT, 0, NULL, "yyyy", buf, 64) == 5); /* today */

    CHECK_EQ(GetTimeFormatA(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 64), 11);
    CHECK(strcmp(buf, "2:07:09 PM") == 0);
    CHECK(GetTimeFormatA(LOCALE_USER_DEFAULT, TIME_NOSECONDS, &st, "hh:mm:ss tt", buf, 64) > 0);
    CHECK(strcmp(buf, "02:07 PM") == 0);
    CHECK(GetTimeFormatA(LOCALE_USER_DEFAULT, 0, &st, "HH'h'mm", buf, 64) > 0);
    CHECK(strcmp(buf, "14h07") == 0);
    st.wHour = 25;
    CHECK_FAIL(GetTimeFormatA(LOCALE_USER_DEFAULT, 0, &st, NULL, buf, 64), 0,
               ERROR_INVALID_PARAMETER);
}

static void test_command_line(int argc, char **argv)
{
    /* Without a winipc parent, argv joined with the quoting the splitting rules invert. */
    LPSTR cl = GetCommandLineA();
    LPWSTR wcl = GetCommandLineW();
    CHECK(cl != NULL && wcl != NULL);
    CHECK(cl == GetCommandLineA()); /* the same string every time */
    CHECK_EQ(lstrlenW(wcl), strlen(cl));
    if (argc == 3) {
        /* run as: misc "two words" 'q"uote' */
        char want[512];
        snprintf(want, sizeof want, "%s \"two words\" \"q\\\"uote\"", argv[0]);
        CHECK(strcmp(cl, want) == 0);
        if (strcmp(cl, want) != 0)
            printf("GetCommandLineA = [%s], want [%s]\n", cl, want);
    }
}

static void test_computer_name(void)
{
    char name[MAX_COMPUTERNAME_LENGTH + 1];
    WCHAR wname[MAX_COMPUTERNAME_LENGTH + 1];
    DWORD n = sizeof name, len, i;

    CHECK_OK(GetComputerNameA(name, &n));
    len = n;
    CHECK(len > 0 && len <= MAX_COMPUTERNAME_LENGTH && strlen(name) == len);
    for (i = 0; i < len; i++)
        CHECK(!(name[i] >= 'a' && name[i] <= 'z') && name[i] != '.');
    n = len; /* no room for the NUL */
    CHECK_FAIL(GetComputerNameA(name, &n), FALSE, ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(n, len + 1);
    CHECK_FAIL(GetComputerNameA(name, NULL), FALSE, ERROR_NOACCESS);
    n = MAX_COMPUTERNAME_LENGTH + 1;
    CHECK_OK(GetComputerNameW(wname, &n));
    CHECK_EQ(n, len);
    CHECK(wname[0] == (WCHAR)(unsigned char)name[0]);
    n = 0;
    CHECK_FAIL(GetComputerNameW(wname, &n), FALSE, ERROR_BUFFER_OVERFLOW);
    CHECK_EQ(n, len + 1);
}

int main(int argc, char **argv)
{
    test_handles();
    test_time();
    test_format_message();
    test_strings();
    test_more_strings();
    test_memory();
    test_wall_clock();
    test_time_zone();
    test_date_format();
    test_command_line(argc, argv);
    test_computer_name();
    SetLastError(31337);
    CHECK_EQ(GetLastError(), 31337);
    return SUMMARY();
}
