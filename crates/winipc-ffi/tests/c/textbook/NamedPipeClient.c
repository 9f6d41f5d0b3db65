/*
 * NamedPipeClient.c - connects to the named pipe (waiting while it is busy), switches to
 * message read mode, sends each line of its input and prints the reply, read in small
 * pieces (ERROR_MORE_DATA) as the book's client does.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hPipe;
    TCHAR readDataBuf[8 + 1];
    TCHAR line[100];
    DWORD bytesWritten, bytesRead, pipeMode;
    BOOL isSuccess;
    LPCTSTR pipeName = _T("\\\\.\\pipe\\simple_pipe");
    int tries = 0;

    while (1) {
        hPipe = CreateFile(pipeName, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
                           NULL);
        if (hPipe != INVALID_HANDLE_VALUE)
            break;
        if (GetLastError() == ERROR_FILE_NOT_FOUND && ++tries < 200) {
            Sleep(50); /* the server has not created it yet */
            continue;
        }
        if (GetLastError() != ERROR_PIPE_BUSY) {
            _tprintf(_T("Could not open pipe (%d)\n"), (int)GetLastError());
            return 0;
        }
        if (!WaitNamedPipe(pipeName, 20000)) {
            _tprintf(_T("Could not open pipe: 20 second wait timed out.\n"));
            return -1;
        }
    }

    pipeMode = PIPE_READMODE_MESSAGE | PIPE_WAIT;
    isSuccess = SetNamedPipeHandleState(hPipe, &pipeMode, NULL, NULL);
    if (!isSuccess) {
        _tprintf(_T("SetNamedPipeHandleState failed (%d)\n"), (int)GetLastError());
        return -1;
    }

    while (_fgetts(line, sizeof(line) / sizeof(TCHAR), stdin) != NULL) {
        size_t len = _tcslen(line);
        if (len > 0 && line[len - 1] == _T('\n'))
            line[--len] = 0;
        if (!WriteFile(hPipe, line, len * sizeof(TCHAR), &bytesWritten, NULL)) {
            _tprintf(_T("WriteFile failed (%d)\n"), (int)GetLastError());
            return -1;
        }
        _fputts(_T("reply: "), stdout);
        do {
            isSuccess = ReadFile(hPipe, readDataBuf, 8 * sizeof(TCHAR), &bytesRead, NULL);
            if (!isSuccess && GetLastError() != ERROR_MORE_DATA)
                break;
            readDataBuf[bytesRead / sizeof(TCHAR)] = 0;
            _fputts(readDataBuf, stdout);
        } while (!isSuccess);
        _fputts(_T("\n"), stdout);
    }
    CloseHandle(hPipe);
    return 0;
}
