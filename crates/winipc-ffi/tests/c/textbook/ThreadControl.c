/*
 * ThreadControl.c - suspend counts, priorities, TerminateThread, exit codes and times:
 * a worker created suspended, resumed, suspended again; SetThreadPriority and
 * SetPriorityClass; a thread ended with TerminateThread; GetThreadTimes/GetProcessTimes.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

static volatile LONG gCount;

DWORD WINAPI Counter(LPVOID p)
{
    for (;;) {
        InterlockedIncrement(&gCount);
        Sleep(1);
    }
    return 0;
}

DWORD WINAPI Quick(LPVOID p)
{
    return (DWORD)(UINT_PTR)p;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThread;
    DWORD id, code, prev;
    LONG c1, c2;
    FILETIME ftCreate, ftExit, ftKernel, ftUser;
    ULARGE_INTEGER user;

    hThread = CreateThread(NULL, 0, Counter, NULL, CREATE_SUSPENDED, &id);
    Sleep(50);
    _tprintf(_T("suspended: count %d\n"), (int)gCount);
    prev = ResumeThread(hThread);
    _tprintf(_T("ResumeThread returned %u\n"), (unsigned)prev);
    Sleep(50);
    prev = SuspendThread(hThread);
    _tprintf(_T("SuspendThread returned %u\n"), (unsigned)prev);
    prev = SuspendThread(hThread);
    _tprintf(_T("SuspendThread again returned %u\n"), (unsigned)prev);
    c1 = gCount;
    Sleep(50);
    c2 = gCount;
    _tprintf(_T("while suspended it ran: %s\n"), c1 == c2 && c1 > 0 ? _T("no") : _T("YES"));
    ResumeThread(hThread);
    prev = ResumeThread(hThread);
    _tprintf(_T("two ResumeThread, the last returned %u\n"), (unsigned)prev);

    SetThreadPriority(hThread, THREAD_PRIORITY_BELOW_NORMAL);
    _tprintf(_T("thread priority: %d\n"), GetThreadPriority(hThread));
    _tprintf(_T("own priority: %d\n"), GetThreadPriority(GetCurrentThread()));
    _tprintf(_T("class: %s\n"), GetPriorityClass(GetCurrentProcess()) != 0 ? _T("ok") : _T("0"));
    SetPriorityClass(GetCurrentProcess(), IDLE_PRIORITY_CLASS); /* lowering needs no right */
    _tprintf(_T("class now: %s\n"),
             GetPriorityClass(GetCurrentProcess()) == IDLE_PRIORITY_CLASS
                 ? _T("IDLE_PRIORITY_CLASS")
                 : _T("?"));

    GetExitCodeThread(hThread, &code);
    _tprintf(_T("running: %s\n"), code == STILL_ACTIVE ? _T("STILL_ACTIVE") : _T("?"));
    TerminateThread(hThread, 77);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    _tprintf(_T("terminated with %u\n"), (unsigned)code);
    GetThreadTimes(hThread, &ftCreate, &ftExit, &ftKernel, &ftUser);
    _tprintf(_T("exit after creation: %s\n"),
             CompareFileTime(&ftExit, &ftCreate) >= 0 ? _T("yes") : _T("no"));
    CloseHandle(hThread);

    hThread = CreateThread(NULL, 0, Quick, (LPVOID)123456, 0, NULL);
    WaitForSingleObject(hThread, INFINITE);
    GetExitCodeThread(hThread, &code);
    _tprintf(_T("returned %u\n"), (unsigned)code);
    CloseHandle(hThread);

    GetProcessTimes(GetCurrentProcess(), &ftCreate, &ftExit, &ftKernel, &ftUser);
    user.LowPart = ftUser.dwLowDateTime;
    user.HighPart = ftUser.dwHighDateTime;
    _tprintf(_T("user time below 10 s: %s\n"),
             user.QuadPart < 100000000ULL ? _T("yes") : _T("no"));
    SwitchToThread();
    return 0;
}
