/*
 * sched.c - priority classes (of a child, across processes), thread priorities, affinity
 * masks, GetCurrentProcessorNumber, GetSystemInfo.  Raising priorities needs privileges on
 * Linux (root or CAP_SYS_NICE): those checks depend on the user the test runs as.
 */
#include <windows.h>
#include <tchar.h>
#include <unistd.h>
#include "harness.h"

static DWORD WINAPI Idle(LPVOID p)
{
    WaitForSingleObject((HANDLE)p, INFINITE);
    return 0;
}

int main(int argc, char **argv)
{
    char line[600];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD_PTR pm, sm, old;
    SYSTEM_INFO info;
    HANDLE ev, th;
    int root = geteuid() == 0;
    DWORD base = GetPriorityClass(GetCurrentProcess()); /* tests may run under nice */

    if (argc == 2) {
        Sleep(20000);
        return 0;
    }

    /* ---- priority classes of a child ---- */
    snprintf(line, sizeof line, "\"%s\" sleep", argv[0]);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    Sleep(50);
    CHECK_EQ(GetPriorityClass(pi.hProcess), base);
    CHECK_OK(SetPriorityClass(pi.hProcess, BELOW_NORMAL_PRIORITY_CLASS));
    CHECK_EQ(GetPriorityClass(pi.hProcess), BELOW_NORMAL_PRIORITY_CLASS);
    CHECK_OK(SetPriorityClass(pi.hProcess, IDLE_PRIORITY_CLASS));
    CHECK_EQ(GetPriorityClass(pi.hProcess), IDLE_PRIORITY_CLASS);
    if (root) {
        CHECK_OK(SetPriorityClass(pi.hProcess, HIGH_PRIORITY_CLASS));
        CHECK_EQ(GetPriorityClass(pi.hProcess), HIGH_PRIORITY_CLASS);
        CHECK_OK(SetPriorityClass(pi.hProcess, ABOVE_NORMAL_PRIORITY_CLASS));
        CHECK_EQ(GetPriorityClass(pi.hProcess), ABOVE_NORMAL_PRIORITY_CLASS);
        CHECK_OK(SetPriorityClass(pi.hProcess, REALTIME_PRIORITY_CLASS));
        CHECK_EQ(GetPriorityClass(pi.hProcess), REALTIME_PRIORITY_CLASS);
    } else {
        CHECK_FAIL(SetPriorityClass(pi.hProcess, HIGH_PRIORITY_CLASS), FALSE,
                   ERROR_ACCESS_DENIED);
    }
    CHECK_FAIL(SetPriorityClass(pi.hProcess, 0x12345), FALSE, ERROR_INVALID_PARAMETER);
    {   /* CreateProcess's priority-class flag */
        PROCESS_INFORMATION pi2;
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, IDLE_PRIORITY_CLASS, NULL, NULL,
                                &si, &pi2));
        CHECK_EQ(GetPriorityClass(pi2.hProcess), IDLE_PRIORITY_CLASS);
        TerminateProcess(pi2.hProcess, 0);
        WaitForSingleObject(pi2.hProcess, INFINITE);
        CloseHandle(pi2.hProcess);
        CloseHandle(pi2.hThread);
    }

    /* ---- affinity of a child ---- */
    CHECK_OK(GetProcessAffinityMask(pi.hProcess, &pm, &sm));
    CHECK(pm != 0 && (pm & ~sm) == 0);
    CHECK_OK(SetProcessAffinityMask(pi.hProcess, 1));
    CHECK_OK(GetProcessAffinityMask(pi.hProcess, &pm, &sm));
    CHECK_EQ(pm, 1);
    CHECK_FAIL(SetProcessAffinityMask(pi.hProcess, 0), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetProcessAffinityMask(pi.hProcess, NULL, &sm), FALSE, ERROR_NOACCESS);
    CHECK_OK(TerminateProcess(pi.hProcess, 0));
    WaitForSingleObject(pi.hProcess, INFINITE);
    CHECK_FAIL(GetPriorityClass(pi.hProcess), 0, ERROR_INVALID_HANDLE); /* exited */
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CHECK_EQ(GetPriorityClass(GetCurrentProcess()), base);

    /* ---- thread priorities ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, Idle, ev, 0, NULL);
    CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_NORMAL);
    CHECK_OK(SetThreadPriority(th, THREAD_PRIORITY_BELOW_NORMAL));
    CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_BELOW_NORMAL);
    CHECK_OK(SetThreadPriority(th, THREAD_PRIORITY_LOWEST));
    CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_LOWEST);
    CHECK_OK(SetThreadPriority(th, THREAD_PRIORITY_IDLE));
    CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_IDLE);
    if (root) {
        CHECK_OK(SetThreadPriority(th, THREAD_PRIORITY_HIGHEST));
        CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_HIGHEST);
        CHECK_OK(SetThreadPriority(th, THREAD_PRIORITY_TIME_CRITICAL));
        CHECK_EQ(GetThreadPriority(th), THREAD_PRIORITY_TIME_CRITICAL);
    } else {
        CHECK_FAIL(SetThreadPriority(th, THREAD_PRIORITY_HIGHEST), FALSE, ERROR_ACCESS_DENIED);
    }
    CHECK_FAIL(SetThreadPriority(th, 7), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_EQ(GetThreadPriority(GetCurrentThread()), THREAD_PRIORITY_NORMAL);
    CHECK_FAIL(GetThreadPriority(ev), THREAD_PRIORITY_ERROR_RETURN, ERROR_INVALID_HANDLE);

    /* ---- thread affinity, the current processor ---- */
    old = SetThreadAffinityMask(GetCurrentThread(), 1);
    CHECK(old != 0);
    CHECK_EQ(GetCurrentProcessorNumber(), 0);
    CHECK_EQ(SetThreadAffinityMask(GetCurrentThread(), old), 1);
    CHECK_FAIL(SetThreadAffinityMask(th, 0), 0, ERROR_INVALID_PARAMETER);
    SetEvent(ev);
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    CloseHandle(ev);

    /* ---- system information ---- */
    ZeroMemory(&info, sizeof info);
    GetSystemInfo(&info);
    CHECK_EQ(info.dwNumberOfProcessors, (DWORD)sysconf(_SC_NPROCESSORS_ONLN));
    CHECK_EQ(info.dwPageSize, (DWORD)sysconf(_SC_PAGESIZE));
#if defined(__x86_64__)
    CHECK_EQ(info.wProcessorArchitecture, PROCESSOR_ARCHITECTURE_AMD64);
#endif
    CHECK(info.dwActiveProcessorMask != 0);
    CHECK(info.lpMinimumApplicationAddress < info.lpMaximumApplicationAddress);
    CHECK(info.dwAllocationGranularity >= info.dwPageSize);
    return SUMMARY();
}
