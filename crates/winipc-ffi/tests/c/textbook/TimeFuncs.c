/*
 * TimeFuncs.c - time as Hart's timep computes it: SYSTEMTIME <-> FILETIME, ULARGE_INTEGER
 * arithmetic, CompareFileTime, local and UTC time, the performance counter, and the elapsed
 * time of a child process from GetProcessTimes.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    SYSTEMTIME st = {0,}, back, now, local;
    FILETIME ft, ft2, ftNow;
    ULARGE_INTEGER a, b;
    LARGE_INTEGER freq, t0, t1;
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    TCHAR cmd[] = _T("PartAdder 1 10");
    FILETIME createTime, exitTime, kernelTime, userTime;
    ULARGE_INTEGER elapsed;

    st.wYear = 2024;
    st.wMonth = 2;
    st.wDay = 29;
    st.wHour = 23;
    st.wMinute = 59;
    st.wSecond = 30;
    SystemTimeToFileTime(&st, &ft);
    a.LowPart = ft.dwLowDateTime;
    a.HighPart = ft.dwHighDateTime;
    _tprintf(_T("FILETIME: %llu\n"), (unsigned long long)a.QuadPart);
    a.QuadPart += 60ULL * 10000000ULL; /* one minute later */
    ft2.dwLowDateTime = a.LowPart;
    ft2.dwHighDateTime = a.HighPart;
    FileTimeToSystemTime(&ft2, &back);
    _tprintf(_T("one minute later: %04d-%02d-%02d %02d:%02d:%02d, day of week %d\n"),
             back.wYear, back.wMonth, back.wDay, back.wHour, back.wMinute, back.wSecond,
             back.wDayOfWeek);
    _tprintf(_T("CompareFileTime: %d %d %d\n"), (int)CompareFileTime(&ft, &ft2),
             (int)CompareFileTime(&ft2, &ft), (int)CompareFileTime(&ft, &ft));
    st.wMonth = 13;
    if (!SystemTimeToFileTime(&st, &ft))
        _tprintf(_T("month 13: %d\n"), (int)GetLastError());

    GetSystemTime(&now);
    GetLocalTime(&local);
    GetSystemTimeAsFileTime(&ftNow);
    FileTimeToSystemTime(&ftNow, &back);
    _tprintf(_T("GetSystemTime and GetSystemTimeAsFileTime agree: %s\n"),
             now.wYear == back.wYear && now.wMonth == back.wMonth ? _T("yes") : _T("no"));
    _tprintf(_T("local time sane: %s\n"),
             local.wYear >= 2020 && local.wHour < 24 && local.wMinute < 60 ? _T("yes")
                                                                          : _T("no"));

    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    Sleep(20);
    QueryPerformanceCounter(&t1);
    _tprintf(_T("Sleep(20) took at least 20 ms: %s\n"),
             (t1.QuadPart - t0.QuadPart) * 1000 / freq.QuadPart >= 19 ? _T("yes") : _T("no"));

    GetStartupInfo(&si);
    if (!CreateProcess(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetProcessTimes(pi.hProcess, &createTime, &exitTime, &kernelTime, &userTime);
    a.LowPart = createTime.dwLowDateTime;
    a.HighPart = createTime.dwHighDateTime;
    b.LowPart = exitTime.dwLowDateTime;
    b.HighPart = exitTime.dwHighDateTime;
    elapsed.QuadPart = b.QuadPart - a.QuadPart;
    _tprintf(_T("child ran under 10 s: %s\n"),
             b.QuadPart >= a.QuadPart && elapsed.QuadPart < 100000000ULL ? _T("yes") : _T("no"));
    FileTimeToSystemTime((FILETIME *)&elapsed, &back);
    _tprintf(_T("elapsed as SYSTEMTIME: year %d\n"), back.wYear);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return 0;
}
