/*
 * IncCounter.c - _beginthreadex threads incrementing a shared counter, protected by a
 * CRITICAL_SECTION, by InterlockedIncrement, and by a named mutex; with the MSVC pragmas
 * such files carry.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

#pragma warning(disable: 4996)
#pragma comment(lib, "kernel32.lib")

#define NUM_OF_GATE 6
#define LOOP 20000

LONG gTotalCount = 0;
CRITICAL_SECTION hCriticalSection;
HANDLE hMutex;

void IncreaseCount(void)
{
    EnterCriticalSection(&hCriticalSection);
    gTotalCount++;
    LeaveCriticalSection(&hCriticalSection);
}

unsigned int WINAPI ThreadProcCS(LPVOID lpParam)
{
    DWORD i;
    for (i = 0; i < LOOP; i++)
        IncreaseCount();
    return 0;
}

unsigned int WINAPI ThreadProcInterlocked(LPVOID lpParam)
{
    DWORD i;
    for (i = 0; i < LOOP; i++)
        InterlockedIncrement(&gTotalCount);
    return 0;
}

unsigned int WINAPI ThreadProcMutex(LPVOID lpParam)
{
    DWORD i;
    for (i = 0; i < LOOP / 10; i++) {
        WaitForSingleObject(hMutex, INFINITE);
        gTotalCount++;
        ReleaseMutex(hMutex);
    }
    return (unsigned int)(UINT_PTR)lpParam;
}

static void RunGates(unsigned int(WINAPI *proc)(LPVOID), const TCHAR *what)
{
    DWORD dwThreadId[NUM_OF_GATE];
    HANDLE hThread[NUM_OF_GATE];
    DWORD i, code, codes = 0;

    gTotalCount = 0;
    for (i = 0; i < NUM_OF_GATE; i++) {
        hThread[i] = (HANDLE)_beginthreadex(NULL, 0, proc, (LPVOID)(UINT_PTR)i,
                                            CREATE_SUSPENDED, (unsigned *)&dwThreadId[i]);
        if (hThread[i] == NULL) {
            _tprintf(_T("Thread creation fault! \n"));
            return;
        }
    }
    for (i = 0; i < NUM_OF_GATE; i++)
        ResumeThread(hThread[i]);
    WaitForMultipleObjects(NUM_OF_GATE, hThread, TRUE, INFINITE);
    for (i = 0; i < NUM_OF_GATE; i++) {
        GetExitCodeThread(hThread[i], &code);
        codes += code;
        CloseHandle(hThread[i]);
    }
    _tprintf(_T("%-12s total count: %d (exit codes %u)\n"), what, (int)gTotalCount,
             (unsigned)codes);
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hOther;

    InitializeCriticalSection(&hCriticalSection);
    RunGates(ThreadProcCS, _T("critical"));
    RunGates(ThreadProcInterlocked, _T("interlocked"));
    DeleteCriticalSection(&hCriticalSection);

    hMutex = CreateMutex(NULL, FALSE, _T("IncCounterMutex"));
    if (hMutex == NULL) {
        _tprintf(_T("CreateMutex error: %d\n"), (int)GetLastError());
        return -1;
    }
    hOther = CreateMutex(NULL, FALSE, _T("IncCounterMutex"));
    if (GetLastError() == ERROR_ALREADY_EXISTS)
        _tprintf(_T("second CreateMutex: ERROR_ALREADY_EXISTS\n"));
    CloseHandle(hOther);
    RunGates(ThreadProcMutex, _T("mutex"));
    CloseHandle(hMutex);
    return 0;
}
