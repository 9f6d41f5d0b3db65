/*
 * ErrorExit.c - MSDN's "Retrieving the Last-Error Code" sample: ErrorExit formats the
 * system message with FORMAT_MESSAGE_ALLOCATE_BUFFER, builds the display text in a
 * LocalAlloc'd buffer sized with lstrlen and StringCchPrintf, shows it (MessageBox on
 * Windows, here printed) and leaves with ExitProcess(dw). A second helper prints with
 * wsprintf into a fixed buffer as older samples do.
 */
#include <windows.h>
#include <strsafe.h>
#include <tchar.h>
#include <stdio.h>

static void PrintError(LPCTSTR lpszFunction)
{
    TCHAR szBuf[256];
    LPTSTR lpMsgBuf = NULL;
    DWORD dw = GetLastError();
    DWORD n = FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                FORMAT_MESSAGE_IGNORE_INSERTS,
                            NULL, dw, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                            (LPTSTR)&lpMsgBuf, 0, NULL);
    if (n == 0) {
        wsprintf(szBuf, TEXT("%s failed with error %lu (no text: %lu)"), lpszFunction, dw,
                 GetLastError());
    } else {
        /* Drop the trailing "\r\n". */
        while (n > 0 && (lpMsgBuf[n - 1] == TEXT('\r') || lpMsgBuf[n - 1] == TEXT('\n')))
            lpMsgBuf[--n] = 0;
        wsprintf(szBuf, TEXT("%s failed with error %lu: %s"), lpszFunction, dw, lpMsgBuf);
        LocalFree(lpMsgBuf);
    }
    _tprintf(TEXT("%s\n"), szBuf);
}

static void ErrorExit(LPCTSTR lpszFunction)
{
    LPVOID lpMsgBuf;
    LPVOID lpDisplayBuf;
    DWORD dw = GetLastError();

    FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                      FORMAT_MESSAGE_IGNORE_INSERTS,
                  NULL, dw, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), (LPTSTR)&lpMsgBuf, 0,
                  NULL);

    lpDisplayBuf = (LPVOID)LocalAlloc(
        LMEM_ZEROINIT, (lstrlen((LPCTSTR)lpMsgBuf) + lstrlen((LPCTSTR)lpszFunction) + 40) *
                           sizeof(TCHAR));
    StringCchPrintf((LPTSTR)lpDisplayBuf, LocalSize(lpDisplayBuf) / sizeof(TCHAR),
                    TEXT("%s failed with error %d: %s"), lpszFunction, (int)dw,
                    (LPTSTR)lpMsgBuf);
    _tprintf(TEXT("%s"), (LPCTSTR)lpDisplayBuf);

    LocalFree(lpMsgBuf);
    LocalFree(lpDisplayBuf);
    ExitProcess(dw);
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE h;
    TCHAR szPath[MAX_PATH];

    if (argc > 1) {
        /* The child: fail, and leave with the error code. */
        if (!GetProcessId(NULL))
            ErrorExit(TEXT("GetProcessId"));
        return 0;
    }

    h = CreateFile(TEXT("no_such_dir\\no_such_file.txt"), GENERIC_READ, 0, NULL, OPEN_EXISTING,
                   FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        PrintError(TEXT("CreateFile"));
    if (!SetEvent(NULL))
        PrintError(TEXT("SetEvent"));
    if (OpenMutex(SYNCHRONIZE, FALSE, TEXT("ErrorExit_none")) == NULL)
        PrintError(TEXT("OpenMutex"));
    if (GetEnvironmentVariable(TEXT("ERROREXIT_UNSET_VARIABLE"), szPath, MAX_PATH) == 0)
        PrintError(TEXT("GetEnvironmentVariable"));
    {
        WIN32_FILE_ATTRIBUTE_DATA fad;
        if (!GetFileAttributesEx(TEXT("missing.txt"), GetFileExInfoStandard, &fad))
            PrintError(TEXT("GetFileAttributesEx"));
    }
    SetLastError(0x12345);
    PrintError(TEXT("Nothing"));

    {
        STARTUPINFO si;
        PROCESS_INFORMATION pi;
        TCHAR cmd[] = TEXT("ErrorExit.exe child");
        DWORD code = 0;
        ZeroMemory(&si, sizeof(si));
        si.cb = sizeof(si);
        ZeroMemory(&pi, sizeof(pi));
        fflush(stdout);
        if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
            ErrorExit(TEXT("CreateProcess"));
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        _tprintf(TEXT("child exit code %lu\n"), code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    return 0;
}
