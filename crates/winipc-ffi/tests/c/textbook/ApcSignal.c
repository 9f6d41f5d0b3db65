/*
 * ApcSignal.c - asynchronous procedure calls and SignalObjectAndWait: APCs queued to a
 * thread run only when it waits alertably (SleepEx, WaitForSingleObjectEx), in order,
 * returning WAIT_IO_COMPLETION; APCs to the thread itself; a ping-pong between two threads
 * with SignalObjectAndWait.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

static HANDLE g_hPing, g_hPong;
static LONG g_rounds;
static TCHAR g_log[256];

static __declspec(thread) int t_apcs; /* APCs run on this thread */

static VOID CALLBACK APCFunc(ULONG_PTR dwParam)
{
    TCHAR s[16];
    _stprintf(s, _T("%d "), (int)dwParam);
    _tcscat(g_log, s);
    t_apcs++;
}

static unsigned WINAPI AlertableThread(PVOID pv)
{
    HANDLE hEvent = (HANDLE)pv;
    DWORD r1, r2;
    /* Non-alertable: the queued APCs wait. */
    WaitForSingleObject(hEvent, INFINITE);
    r1 = SleepEx(INFINITE, TRUE);
    r2 = WaitForSingleObjectEx(hEvent, 0, TRUE);
    _tprintf(_T("thread: SleepEx %s, then %s, %d APCs, log: %s\n"),
             r1 == WAIT_IO_COMPLETION ? _T("WAIT_IO_COMPLETION") : _T("?"),
             r2 == WAIT_OBJECT_0 ? _T("WAIT_OBJECT_0") : _T("?"), t_apcs, g_log);
    return 0;
}

static unsigned WINAPI Ponger(PVOID pv)
{
    int i;
    for (i = 0; i < 1000; i++) {
        WaitForSingleObject(g_hPing, INFINITE);
        InterlockedIncrement(&g_rounds);
        SetEvent(g_hPong);
    }
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThread, hEvent;
    DWORD r;
    int i;

    hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    hThread = (HANDLE)_beginthreadex(NULL, 0, AlertableThread, hEvent, 0, NULL);
    for (i = 1; i <= 3; i++)
        QueueUserAPC(APCFunc, hThread, (ULONG_PTR)i);
    Sleep(100);
    _tprintf(_T("before the alertable wait: \"%s\"\n"), g_log);
    SetEvent(hEvent);
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);

    /* To itself. */
    g_log[0] = 0;
    ResetEvent(hEvent);
    QueueUserAPC(APCFunc, GetCurrentThread(), 42);
    r = WaitForSingleObjectEx(hEvent, INFINITE, TRUE);
    _tprintf(_T("main: %s, %d APC, log: %s\n"),
             r == WAIT_IO_COMPLETION ? _T("WAIT_IO_COMPLETION") : _T("WAIT_OBJECT_0"), t_apcs,
             g_log);
    r = SleepEx(0, TRUE);
    _tprintf(_T("nothing queued: SleepEx returns %u\n"), (unsigned)r);
    CloseHandle(hEvent);

    /* Ping-pong. */
    g_hPing = CreateEvent(NULL, FALSE, FALSE, NULL);
    g_hPong = CreateEvent(NULL, FALSE, FALSE, NULL);
    hThread = (HANDLE)_beginthreadex(NULL, 0, Ponger, NULL, 0, NULL);
    for (i = 0; i < 1000; i++)
        SignalObjectAndWait(g_hPing, g_hPong, INFINITE, FALSE);
    WaitForSingleObject(hThread, INFINITE);
    _tprintf(_T("rounds: %d\n"), (int)g_rounds);
    r = SignalObjectAndWait(g_hPing, g_hPong, 10, FALSE);
    _tprintf(_T("SignalObjectAndWait with no partner: %s\n"),
             r == WAIT_TIMEOUT ? _T("WAIT_TIMEOUT") : _T("?"));
    CloseHandle(hThread);
    CloseHandle(g_hPing);
    CloseHandle(g_hPong);
    return 0;
}
