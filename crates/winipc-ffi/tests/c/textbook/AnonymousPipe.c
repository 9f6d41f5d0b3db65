/*
 * AnonymousPipe.c - an anonymous pipe inside one process, then as a child's standard input
 * (the child, tgrep, reads the lines written here and prints those with "pipe").
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hReadPipe, hWritePipe;
    TCHAR sendString[] = _T("anonymous pipe");
    TCHAR recvString[100];
    DWORD bytesWritten;
    DWORD bytesRead;
    SECURITY_ATTRIBUTES sa = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    TCHAR command[] = _T("tgrep pipe");
    const char *lines = "one pipe\ntwo\nthree pipes\n";

    CreatePipe(&hReadPipe, &hWritePipe, NULL, 0);

    WriteFile(hWritePipe, sendString, lstrlen(sendString) * sizeof(TCHAR), &bytesWritten, NULL);
    _tprintf(_T("string send: %s \n"), sendString);

    ReadFile(hReadPipe, recvString, bytesWritten, &bytesRead, NULL);
    recvString[bytesRead / sizeof(TCHAR)] = 0;
    _tprintf(_T("string recv: %s \n"), recvString);

    CloseHandle(hReadPipe);
    CloseHandle(hWritePipe);

    /* The child's standard input: an inheritable read end. */
    if (!CreatePipe(&hReadPipe, &hWritePipe, &sa, 0))
        return 1;
    SetHandleInformation(hWritePipe, HANDLE_FLAG_INHERIT, 0);
    GetStartupInfo(&si);
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = hReadPipe;
    si.hStdOutput = GetStdHandle(STD_OUTPUT_HANDLE);
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    fflush(stdout);
    if (!CreateProcess(NULL, command, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    CloseHandle(hReadPipe);
    WriteFile(hWritePipe, lines, (DWORD)strlen(lines), &bytesWritten, NULL);
    CloseHandle(hWritePipe); /* end of input for the child */
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Reading a pipe whose writer is gone: ERROR_BROKEN_PIPE. */
    CreatePipe(&hReadPipe, &hWritePipe, NULL, 0);
    CloseHandle(hWritePipe);
    if (!ReadFile(hReadPipe, recvString, sizeof(recvString), &bytesRead, NULL))
        _tprintf(_T("ReadFile after the writer closed: %d\n"), (int)GetLastError());
    CloseHandle(hReadPipe);
    return 0;
}
