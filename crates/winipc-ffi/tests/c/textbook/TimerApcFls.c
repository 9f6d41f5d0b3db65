/*
 * TimerApcFls.c - two MSDN samples in one program: "Using Waitable Timers with an
 * Asynchronous Procedure Call" (SetWaitableTimer with a completion routine, the thread in
 * SleepEx alertable until the routine has run three times) and "Using Fibers" with
 * fiber-local storage: a primary fiber and two workers that each keep their own FLS value,
 * whose FLS callback runs when DeleteFiber frees them.
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>

#define _SECOND 10000000

typedef struct _MYDATA {
    LPCTSTR szText;
    DWORD dwValue;
} MYDATA;

static int g_apcCalls = 0;

static VOID CALLBACK TimerAPCProc(LPVOID lpArg, DWORD dwTimerLowValue,
                                  DWORD dwTimerHighValue)
{
    MYDATA *pMyData = (MYDATA *)lpArg;
    (void)dwTimerLowValue;
    (void)dwTimerHighValue;
    _tprintf(TEXT("Message: %s\nValue: %lu\n\n"), pMyData->szText, pMyData->dwValue);
    g_apcCalls++;
}

static DWORD g_flsIndex;
static LPVOID g_primary, g_fibers[2];
static int g_freed = 0;

static VOID WINAPI FlsCleanup(PVOID lpFlsData)
{
    _tprintf(TEXT("FLS callback frees the value of %s\n"), (LPCTSTR)lpFlsData);
    g_freed++;
}

static VOID WINAPI FiberProc(LPVOID lpParameter)
{
    int me = (int)(INT_PTR)lpParameter;
    FlsSetValue(g_flsIndex, (PVOID)(me == 0 ? TEXT("fiber A") : TEXT("fiber B")));
    for (;;) {
        _tprintf(TEXT("%s runs\n"), (LPCTSTR)FlsGetValue(g_flsIndex));
        SwitchToFiber(me == 0 ? g_fibers[1] : g_primary);
    }
}

int _tmain(void)
{
    HANDLE hTimer;
    BOOL bSuccess;
    __int64 qwDueTime;
    LARGE_INTEGER liDueTime;
    MYDATA MyData;

    MyData.szText = TEXT("This is my data");
    MyData.dwValue = 100;

    hTimer = CreateWaitableTimer(NULL, FALSE, TEXT("MyTimer"));
    if (hTimer == NULL) {
        _tprintf(TEXT("CreateWaitableTimer failed with error %lu\n"), GetLastError());
        return 1;
    }
    /* Create an integer that will be used to signal the timer 0.1 seconds from now. */
    qwDueTime = -1 * (_SECOND / 10);
    liDueTime.LowPart = (DWORD)(qwDueTime & 0xFFFFFFFF);
    liDueTime.HighPart = (LONG)(qwDueTime >> 32);

    bSuccess = SetWaitableTimer(hTimer, &liDueTime, 50, TimerAPCProc, &MyData, FALSE);
    if (bSuccess) {
        for (; MyData.dwValue < 1000; MyData.dwValue += 100) {
            SleepEx(INFINITE, TRUE); /* alertable */
            if (g_apcCalls >= 3)
                break;
        }
    } else {
        _tprintf(TEXT("SetWaitableTimer failed with error %lu\n"), GetLastError());
    }
    CancelWaitableTimer(hTimer);
    CloseHandle(hTimer);
    _tprintf(TEXT("APC calls: %d\n"), g_apcCalls);

    /* Fibers with fiber-local storage. */
    g_flsIndex = FlsAlloc(FlsCleanup);
    if (g_flsIndex == FLS_OUT_OF_INDEXES) {
        _tprintf(TEXT("FlsAlloc failed (%lu)\n"), GetLastError());
        return 1;
    }
    FlsSetValue(g_flsIndex, (PVOID)TEXT("primary"));
    g_primary = ConvertThreadToFiber(NULL);
    g_fibers[0] = CreateFiber(0, FiberProc, (LPVOID)0);
    g_fibers[1] = CreateFiber(0, FiberProc, (LPVOID)1);
    if (g_primary == NULL || g_fibers[0] == NULL || g_fibers[1] == NULL) {
        _tprintf(TEXT("fiber creation failed (%lu)\n"), GetLastError());
        return 1;
    }
    SwitchToFiber(g_fibers[0]);
    _tprintf(TEXT("back in %s\n"), (LPCTSTR)FlsGetValue(g_flsIndex));
    SwitchToFiber(g_fibers[0]);
    _tprintf(TEXT("back in %s again\n"), (LPCTSTR)FlsGetValue(g_flsIndex));
    DeleteFiber(g_fibers[0]);
    DeleteFiber(g_fibers[1]);
    ConvertFiberToThread();
    FlsSetValue(g_flsIndex, NULL); /* nothing left for FlsFree's callback */
    FlsFree(g_flsIndex);
    _tprintf(TEXT("values freed: %d\n"), g_freed);
    return 0;
}
