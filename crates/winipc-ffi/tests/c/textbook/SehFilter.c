/*
 * SehFilter.c - structured exception handling as the book writes it: an exception filter
 * function over GetExceptionCode() and the EXCEPTION_* codes, __try/__finally releasing a
 * lock. No exception is raised here (winipc catches none; docs/c-abi.md), so the filter is
 * called directly to show its answers. The __try forms are C (g++ has no __except).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static int FilterFunction(DWORD exceptionCode)
{
    if (exceptionCode == EXCEPTION_ACCESS_VIOLATION)
        return EXCEPTION_EXECUTE_HANDLER;
    if (exceptionCode == EXCEPTION_INT_DIVIDE_BY_ZERO)
        return EXCEPTION_CONTINUE_EXECUTION;
    return EXCEPTION_CONTINUE_SEARCH;
}

int _tmain(int argc, TCHAR *argv[])
{
    CRITICAL_SECTION cs;
    int value = 0;

    _tprintf(_T("filter: %d %d %d\n"), FilterFunction(EXCEPTION_ACCESS_VIOLATION),
             FilterFunction(EXCEPTION_INT_DIVIDE_BY_ZERO), FilterFunction(EXCEPTION_BREAKPOINT));
    _tprintf(_T("EXCEPTION_ACCESS_VIOLATION = 0x%X\n"), (unsigned)EXCEPTION_ACCESS_VIOLATION);
    InitializeCriticalSection(&cs);
#ifndef __cplusplus
    __try {
        EnterCriticalSection(&cs);
        value = 10;
    } __finally {
        LeaveCriticalSection(&cs);
    }
    __try {
        value++;
    } __except (FilterFunction(GetExceptionCode())) {
        _tprintf(_T("handler ran (code %u)\n"), (unsigned)GetExceptionCode());
    }
#else
    EnterCriticalSection(&cs);
    value = 11;
    LeaveCriticalSection(&cs);
#endif
    _tprintf(_T("value %d, lock free: %d\n"), value, TryEnterCriticalSection(&cs));
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    return 0;
}
