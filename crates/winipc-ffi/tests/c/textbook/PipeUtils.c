/*
 * PipeUtils.c - PeekNamedPipe on an anonymous pipe, a duplex message pipe between two
 * threads with TransactNamedPipe and CallNamedPipe, GetNamedPipeInfo, and
 * GetNamedPipeHandleState's instance count.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <process.h>

#define PIPE_NAME _T("\\\\.\\pipe\\pipe_utils")

unsigned WINAPI Server(LPVOID p)
{
    int round;
    for (round = 0; round < 2; round++) {
        HANDLE h = CreateNamedPipe(PIPE_NAME, PIPE_ACCESS_DUPLEX,
                                   PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 512,
                                   512, 0, NULL);
        char buf[128];
        DWORD n;
        if (h == INVALID_HANDLE_VALUE)
            return 1;
        SetEvent((HANDLE)p);
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
            return 2;
        while (ReadFile(h, buf, sizeof(buf) - 1, &n, NULL)) {
            buf[n] = 0;
            {
                DWORD i;
                for (i = 0; i < n; i++)
                    if (buf[i] >= 'a' && buf[i] <= 'z')
                        buf[i] = (char)(buf[i] - 32);
            }
            WriteFile(h, buf, n, &n, NULL);
        }
        DisconnectNamedPipe(h);
        CloseHandle(h);
    }
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hRead, hWrite, hThread, hReady, hPipe;
    DWORD n, avail, left, mode, flags, outSize, inSize, maxInst, instances;
    char buf[64];

    CreatePipe(&hRead, &hWrite, NULL, 0);
    PeekNamedPipe(hRead, NULL, 0, NULL, &avail, NULL);
    _tprintf(_T("empty pipe: %u bytes available\n"), (unsigned)avail);
    WriteFile(hWrite, "peekaboo", 8, &n, NULL);
    PeekNamedPipe(hRead, buf, 4, &n, &avail, &left);
    buf[n] = 0;
    printf("peeked %u (%s), %u available\n", (unsigned)n, buf, (unsigned)avail);
    ReadFile(hRead, buf, sizeof(buf), &n, NULL);
    _tprintf(_T("read after peek: %u bytes\n"), (unsigned)n);
    CloseHandle(hRead);
    CloseHandle(hWrite);

    hReady = CreateEvent(NULL, FALSE, FALSE, NULL);
    hThread = (HANDLE)_beginthreadex(NULL, 0, Server, hReady, 0, NULL);
    WaitForSingleObject(hReady, INFINITE);
    hPipe = CreateFile(PIPE_NAME, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (hPipe == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateFile failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    mode = PIPE_READMODE_MESSAGE;
    SetNamedPipeHandleState(hPipe, &mode, NULL, NULL);
    if (TransactNamedPipe(hPipe, (LPVOID) "transact", 8, buf, sizeof(buf), &n, NULL)) {
        buf[n] = 0;
        printf("TransactNamedPipe: %s\n", buf);
    } else {
        _tprintf(_T("TransactNamedPipe failed (%d)\n"), (int)GetLastError());
    }
    GetNamedPipeInfo(hPipe, &flags, &outSize, &inSize, &maxInst);
    _tprintf(_T("client end: %s, message type: %s, max instances %u\n"),
             flags & PIPE_SERVER_END ? _T("no") : _T("yes"),
             flags & PIPE_TYPE_MESSAGE ? _T("yes") : _T("no"), (unsigned)maxInst);
    GetNamedPipeHandleState(hPipe, NULL, &instances, NULL, NULL, NULL, 0);
    _tprintf(_T("instances: %u\n"), (unsigned)instances);
    CloseHandle(hPipe);

    WaitForSingleObject(hReady, INFINITE); /* the second instance is up */
    if (CallNamedPipe(PIPE_NAME, (LPVOID) "call me", 7, buf, sizeof(buf), &n, 5000)) {
        buf[n] = 0;
        printf("CallNamedPipe: %s\n", buf);
    } else {
        _tprintf(_T("CallNamedPipe failed (%d)\n"), (int)GetLastError());
    }
    WaitForSingleObject(hThread, INFINITE);
    CloseHandle(hThread);
    if (!WaitNamedPipe(PIPE_NAME, 10))
        _tprintf(_T("WaitNamedPipe with no server: %d\n"), (int)GetLastError());
    CloseHandle(hReady);
    return 0;
}
