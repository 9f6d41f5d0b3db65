/*
 * IocpEcho.c - an I/O completion port with worker threads (Richter's / Hart's pattern):
 * overlapped writes to a file associated with the port complete on the workers
 * (GetQueuedCompletionStatus with the completion key), PostQueuedCompletionStatus hands
 * them work and then the quit signal.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

#define WORKERS 2
#define KEY_FILE 1
#define KEY_WORK 2
#define KEY_QUIT 3

HANDLE hPort;
LONG gWrites, gWork, gBytes;

unsigned WINAPI Worker(LPVOID p)
{
    DWORD bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    for (;;) {
        BOOL ok = GetQueuedCompletionStatus(hPort, &bytes, &key, &pov, INFINITE);
        if (!ok && pov == NULL)
            return 1;
        if (key == KEY_QUIT)
            break;
        if (key == KEY_FILE) {
            InterlockedIncrement(&gWrites);
            InterlockedExchangeAdd(&gBytes, (LONG)bytes);
        } else if (key == KEY_WORK) {
            InterlockedExchangeAdd(&gWork, (LONG)bytes);
        }
    }
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hFile, hThreads[WORKERS];
    OVERLAPPED ov[4];
    char block[100];
    DWORD n, bytes;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    int i;

    hPort = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, WORKERS);
    if (hPort == NULL) {
        _tprintf(_T("CreateIoCompletionPort failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    /* Nothing queued: a timed-out wait. */
    if (!GetQueuedCompletionStatus(hPort, &bytes, &key, &pov, 10) && pov == NULL)
        _tprintf(_T("empty port: %d\n"), (int)GetLastError());

    hFile = CreateFile(_T("iocp.dat"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       FILE_FLAG_OVERLAPPED | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (CreateIoCompletionPort(hFile, hPort, KEY_FILE, 0) != hPort) {
        _tprintf(_T("associate failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    for (i = 0; i < WORKERS; i++)
        hThreads[i] = (HANDLE)_beginthreadex(NULL, 0, Worker, NULL, 0, NULL);

    memset(block, 'x', sizeof(block));
    for (i = 0; i < 4; i++) {
        ZeroMemory(&ov[i], sizeof(ov[i]));
        ov[i].Offset = i * sizeof(block);
        if (!WriteFile(hFile, block, sizeof(block), NULL, &ov[i]) &&
            GetLastError() != ERROR_IO_PENDING)
            _tprintf(_T("WriteFile failed (%d)\n"), (int)GetLastError());
    }
    for (i = 1; i <= 10; i++)
        PostQueuedCompletionStatus(hPort, i, KEY_WORK, NULL);
    while (InterlockedCompareExchange(&gWrites, 0, 0) < 4 ||
           InterlockedCompareExchange(&gWork, 0, 0) < 55)
        Sleep(5);
    for (i = 0; i < WORKERS; i++)
        PostQueuedCompletionStatus(hPort, 0, KEY_QUIT, NULL);
    WaitForMultipleObjects(WORKERS, hThreads, TRUE, INFINITE);
    _tprintf(_T("writes completed: %d (%d bytes), work sum %d\n"), (int)gWrites, (int)gBytes,
             (int)gWork);
    GetFileSizeEx(hFile, (PLARGE_INTEGER)&n);
    _tprintf(_T("file size: %u\n"), (unsigned)n);
    for (i = 0; i < WORKERS; i++)
        CloseHandle(hThreads[i]);
    CloseHandle(hFile);
    _tprintf(_T("deleted on close: %s\n"),
             GetFileAttributes(_T("iocp.dat")) == INVALID_FILE_ATTRIBUTES ? _T("yes") : _T("no"));
    CloseHandle(hPort);
    return 0;
}
