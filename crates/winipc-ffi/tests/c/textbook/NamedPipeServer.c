/*
 * NamedPipeServer.c - a message-mode named pipe server: for each client (argv[1] of them,
 * one after the other) it reads requests and answers each with the request repeated
 * three times, until the client disconnects.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define BUF_SIZE 1024

static int CommToClient(HANDLE hPipe);

int _tmain(int argc, TCHAR *argv[])
{
    LPCTSTR pipeName = _T("\\\\.\\pipe\\simple_pipe");
    HANDLE hPipe;
    int clients = argc > 1 ? _ttoi(argv[1]) : 1;

    while (clients-- > 0) {
        hPipe = CreateNamedPipe(pipeName, PIPE_ACCESS_DUPLEX,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                PIPE_UNLIMITED_INSTANCES, BUF_SIZE, BUF_SIZE, 20000, NULL);
        if (hPipe == INVALID_HANDLE_VALUE) {
            _tprintf(_T("CreatePipe failed (%d)\n"), (int)GetLastError());
            return -1;
        }

        BOOL isSuccess = ConnectNamedPipe(hPipe, NULL) ? TRUE
                                                       : (GetLastError() == ERROR_PIPE_CONNECTED);
        if (isSuccess)
            CommToClient(hPipe);
        else
            CloseHandle(hPipe);
    }
    return 1;
}

static int CommToClient(HANDLE hPipe)
{
    TCHAR request[BUF_SIZE];
    TCHAR reply[BUF_SIZE * 3];
    DWORD bytesRead, bytesWritten;
    int served = 0;

    while (1) {
        if (!ReadFile(hPipe, request, sizeof(request) - sizeof(TCHAR), &bytesRead, NULL)) {
            if (GetLastError() != ERROR_BROKEN_PIPE)
                _tprintf(_T("ReadFile failed (%d)\n"), (int)GetLastError());
            break;
        }
        request[bytesRead / sizeof(TCHAR)] = 0;
        _stprintf(reply, _T("%s|%s|%s"), request, request, request);
        if (!WriteFile(hPipe, reply, (_tcslen(reply) + 1) * sizeof(TCHAR), &bytesWritten,
                       NULL)) {
            _tprintf(_T("WriteFile failed (%d)\n"), (int)GetLastError());
            break;
        }
        served++;
    }
    FlushFileBuffers(hPipe);
    DisconnectNamedPipe(hPipe);
    CloseHandle(hPipe);
    _tprintf(_T("served %d requests\n"), served);
    fflush(stdout);
    return 1;
}
