/*
 * ServiceLoop.c - the shape of a Windows service's worker (MSDN's "Svc.cpp" sample without
 * the SCM): ServiceMain creates a manual-reset stop event, a worker thread serves a named
 * pipe with overlapped ConnectNamedPipe and waits on { stop event, connect event }; the
 * control handler (here: main, after the clients) sets the stop event and waits for the
 * worker. Log lines are built with wsprintf, as the sample's SvcReportEvent does.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <strsafe.h>

#define SVCNAME TEXT("SvcLoop")
#define PIPE_NAME TEXT("\\\\.\\pipe\\SvcLoopPipe")
#define BUFSIZE 512

static HANDLE ghSvcStopEvent = NULL;
static LONG gServed = 0;

static VOID SvcReportEvent(LPCTSTR szFunction, DWORD dwErr)
{
    TCHAR Buffer[80];
    wsprintf(Buffer, TEXT("%s failed with %d"), szFunction, (int)dwErr);
    _tprintf(TEXT("%s: %s\n"), SVCNAME, Buffer);
}

/* Reads one request, answers "ACK:<request>". */
static void ServeClient(HANDLE hPipe)
{
    TCHAR request[BUFSIZE], reply[BUFSIZE];
    DWORD cbRead = 0, cbWritten = 0;
    if (!ReadFile(hPipe, request, sizeof(request) - sizeof(TCHAR), &cbRead, NULL) ||
        cbRead == 0) {
        SvcReportEvent(TEXT("ReadFile"), GetLastError());
        return;
    }
    request[cbRead / sizeof(TCHAR)] = 0;
    StringCchPrintf(reply, BUFSIZE, TEXT("ACK:%s"), request);
    if (!WriteFile(hPipe, reply, (DWORD)((lstrlen(reply) + 1) * sizeof(TCHAR)), &cbWritten,
                   NULL))
        SvcReportEvent(TEXT("WriteFile"), GetLastError());
    FlushFileBuffers(hPipe);
    InterlockedIncrement(&gServed);
}

static DWORD WINAPI SvcWorker(LPVOID lpParam)
{
    OVERLAPPED ov;
    HANDLE hEvents[2];
    HANDLE hReady = (HANDLE)lpParam;
    ZeroMemory(&ov, sizeof(ov));
    ov.hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    hEvents[0] = ghSvcStopEvent;
    hEvents[1] = ov.hEvent;

    for (;;) {
        DWORD dwWait;
        BOOL fPending = FALSE;
        HANDLE hPipe = CreateNamedPipe(PIPE_NAME, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                       PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                       PIPE_UNLIMITED_INSTANCES, BUFSIZE * sizeof(TCHAR),
                                       BUFSIZE * sizeof(TCHAR), 0, NULL);
        if (hPipe == INVALID_HANDLE_VALUE) {
            SvcReportEvent(TEXT("CreateNamedPipe"), GetLastError());
            return 1;
        }
        SetEvent(hReady);
        ResetEvent(ov.hEvent);
        if (ConnectNamedPipe(hPipe, &ov)) {
            SvcReportEvent(TEXT("ConnectNamedPipe"), GetLastError());
        } else {
            switch (GetLastError()) {
            case ERROR_IO_PENDING:
                fPending = TRUE;
                break;
            case ERROR_PIPE_CONNECTED:
                SetEvent(ov.hEvent);
                break;
            default:
                SvcReportEvent(TEXT("ConnectNamedPipe"), GetLastError());
            }
        }

        dwWait = WaitForMultipleObjects(2, hEvents, FALSE, INFINITE);
        if (dwWait == WAIT_OBJECT_0) {
            /* Stop requested: cancel the pending connect and leave. */
            if (fPending) {
                DWORD dummy;
                CancelIo(hPipe);
                if (!GetOverlappedResult(hPipe, &ov, &dummy, TRUE) &&
                    GetLastError() == ERROR_OPERATION_ABORTED)
                    _tprintf(TEXT("%s: pending connect cancelled\n"), SVCNAME);
            }
            CloseHandle(hPipe);
            break;
        }
        if (dwWait == WAIT_OBJECT_0 + 1) {
            DWORD dummy;
            if (!fPending || GetOverlappedResult(hPipe, &ov, &dummy, FALSE))
                ServeClient(hPipe);
            DisconnectNamedPipe(hPipe);
        }
        CloseHandle(hPipe);
    }
    CloseHandle(ov.hEvent);
    return 0;
}

static BOOL CallService(LPCTSTR text)
{
    TCHAR reply[BUFSIZE];
    DWORD cbRead = 0;
    if (!WaitNamedPipe(PIPE_NAME, 5000)) {
        SvcReportEvent(TEXT("WaitNamedPipe"), GetLastError());
        return FALSE;
    }
    if (!CallNamedPipe(PIPE_NAME, (LPVOID)text, (DWORD)((lstrlen(text) + 1) * sizeof(TCHAR)),
                       reply, sizeof(reply), &cbRead, NMPWAIT_WAIT_FOREVER)) {
        SvcReportEvent(TEXT("CallNamedPipe"), GetLastError());
        return FALSE;
    }
    _tprintf(TEXT("client got: %s (%d bytes)\n"), reply, (int)(cbRead / sizeof(TCHAR)));
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hThread, hReady;
    DWORD dwExit = 99;
    ULONGLONG start = GetTickCount64();

    ghSvcStopEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    hReady = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (ghSvcStopEvent == NULL || hReady == NULL) {
        SvcReportEvent(TEXT("CreateEvent"), GetLastError());
        return 1;
    }
    hThread = CreateThread(NULL, 0, SvcWorker, hReady, 0, NULL);

    /* Each request once the worker has its next instance listening (between two instances
       there is no pipe of that name, and WaitNamedPipe fails at once: ERROR_FILE_NOT_FOUND). */
    WaitForSingleObject(hReady, INFINITE);
    CallService(TEXT("status"));
    WaitForSingleObject(hReady, INFINITE);
    CallService(TEXT("reload"));
    WaitForSingleObject(hReady, INFINITE);
    CallService(TEXT("ping"));

    /* SERVICE_CONTROL_STOP */
    WaitForSingleObject(hReady, INFINITE); /* the worker waits for its next client */
    SetEvent(ghSvcStopEvent);
    if (WaitForSingleObject(hThread, 10000) != WAIT_OBJECT_0)
        _tprintf(TEXT("worker did not stop\n"));
    GetExitCodeThread(hThread, &dwExit);
    _tprintf(TEXT("%s stopped: served %ld, worker exit code %lu, under 10 s: %s\n"), SVCNAME,
             gServed, dwExit, GetTickCount64() - start < 10000 ? TEXT("yes") : TEXT("no"));
    CloseHandle(hThread);
    CloseHandle(hReady);
    CloseHandle(ghSvcStopEvent);
    return 0;
}
