/*
 * mailslot_client.c - sends one mailslot message per line of standard input.
 *
 *   mailslot_client [-x] [\\.\mailslot\name]   (default \\.\mailslot\winipc_demo)
 *
 *   -x   after the last line (end of input), also send the message "exit",
 *        which makes mailslot_server stop.  Without -x nothing is sent at
 *        end of input (a line reading "exit" still stops the server).
 *
 * Each message is the line without its line end, followed by a terminating
 * NUL (as in the Microsoft "Writing to a Mailslot" sample).  For each line
 * the client prints "Sent: <text>" on stdout.  Exit status 0 on success,
 * 1 on any error (reported on stderr with GetLastError's code and text).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define DEFAULT_SLOT_NAME TEXT("\\\\.\\mailslot\\winipc_demo")
#define MAX_LINE 1024

static void PrintError(LPCTSTR lpszFunction)
{
    DWORD dwError = GetLastError();
    LPTSTR lpszMessage = NULL;
    DWORD cchMessage;

    cchMessage = FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                   FORMAT_MESSAGE_IGNORE_INSERTS,
                               NULL, dwError, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                               (LPTSTR)&lpszMessage, 0, NULL);
    while (cchMessage > 0 && (lpszMessage[cchMessage - 1] == TEXT('\n') ||
                              lpszMessage[cchMessage - 1] == TEXT('\r')))
        lpszMessage[--cchMessage] = TEXT('\0');
    _ftprintf(stderr, TEXT("%s failed with error %lu: %s\n"), lpszFunction,
              (unsigned long)dwError, cchMessage > 0 ? lpszMessage : TEXT("(no message text)"));
    if (lpszMessage != NULL)
        LocalFree(lpszMessage);
}

static BOOL WriteSlot(HANDLE hSlot, LPCTSTR lpszMessage)
{
    DWORD cbToWrite = (DWORD)((lstrlen(lpszMessage) + 1) * sizeof(TCHAR));
    DWORD cbWritten = 0;

    if (!WriteFile(hSlot, lpszMessage, cbToWrite, &cbWritten, NULL)) {
        PrintError(TEXT("WriteFile"));
        return FALSE;
    }
    if (cbWritten != cbToWrite) {
        _ftprintf(stderr, TEXT("WriteFile wrote %lu of %lu bytes.\n"),
                  (unsigned long)cbWritten, (unsigned long)cbToWrite);
        return FALSE;
    }
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    LPCTSTR lpszSlotName = DEFAULT_SLOT_NAME;
    BOOL fSendExit = FALSE;
    HANDLE hFile;
    TCHAR szLine[MAX_LINE];
    int i;

    for (i = 1; i < argc; i++) {
        if (_tcscmp(argv[i], TEXT("-x")) == 0) {
            fSendExit = TRUE;
        } else if (argv[i][0] == TEXT('-')) {
            _ftprintf(stderr, TEXT("usage: %s [-x] [mailslot-name]\n"), argv[0]);
            return 1;
        } else {
            lpszSlotName = argv[i];
        }
    }

    hFile = CreateFile(lpszSlotName,
                       GENERIC_WRITE,
                       FILE_SHARE_READ,          /* required to write to a mailslot */
                       NULL,
                       OPEN_EXISTING,
                       FILE_ATTRIBUTE_NORMAL,
                       NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        PrintError(TEXT("CreateFile"));
        return 1;
    }

    while (_fgetts(szLine, MAX_LINE, stdin) != NULL) {
        size_t cch = _tcslen(szLine);
        while (cch > 0 && (szLine[cch - 1] == TEXT('\n') || szLine[cch - 1] == TEXT('\r')))
            szLine[--cch] = TEXT('\0');
        if (!WriteSlot(hFile, szLine)) {
            CloseHandle(hFile);
            return 1;
        }
        _tprintf(TEXT("Sent: %s\n"), szLine);
        fflush(stdout);
    }

    if (fSendExit) {
        if (!WriteSlot(hFile, TEXT("exit"))) {
            CloseHandle(hFile);
            return 1;
        }
        _tprintf(TEXT("Sent: exit\n"));
    }

    CloseHandle(hFile);
    return 0;
}
