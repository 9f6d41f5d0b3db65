/*
 * mailslot_server.c - creates a mailslot and prints each message as it
 * arrives, until a message "exit" is received.
 *
 *   mailslot_server [\\.\mailslot\name]      (default \\.\mailslot\winipc_demo)
 *
 * Classic Win32 "Reading from a Mailslot" structure: GetMailslotInfo tells
 * whether a message is waiting and how large it is, ReadFile reads it.
 *
 * Output (stdout, flushed per line):
 *   Mailslot \\.\mailslot\winipc_demo ready.
 *   Message #1: <text>
 *   ...
 *   Received "exit" after N message(s).
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_SLOT_NAME TEXT("\\\\.\\mailslot\\winipc_demo")
#define POLL_INTERVAL_MS  100    /* how long to sleep when the slot is empty */
#define READ_TIMEOUT_MS   1000   /* lReadTimeout given to CreateMailslot */

static void PrintError(LPCTSTR lpszFunction)
{
    DWORD dwError = GetLastError();
    LPTSTR lpszMessage = NULL;
    DWORD cchMessage;

    cchMessage = FormatMessage(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                                   FORMAT_MESSAGE_IGNORE_INSERTS,
                               NULL, dwError, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT),
                               (LPTSTR)&lpszMessage, 0, NULL);
    /* System messages end with "\r\n"; print our own line end. */
    while (cchMessage > 0 && (lpszMessage[cchMessage - 1] == TEXT('\n') ||
                              lpszMessage[cchMessage - 1] == TEXT('\r')))
        lpszMessage[--cchMessage] = TEXT('\0');
    _ftprintf(stderr, TEXT("%s failed with error %lu: %s\n"), lpszFunction,
              (unsigned long)dwError, cchMessage > 0 ? lpszMessage : TEXT("(no message text)"));
    if (lpszMessage != NULL)
        LocalFree(lpszMessage);
}

/*
 * Reads every message currently queued.  Returns FALSE on a fatal error;
 * sets *pfExit when the message "exit" was read.
 */
static BOOL ReadSlot(HANDLE hSlot, DWORD *pcMessages, BOOL *pfExit)
{
    DWORD cbMessage = 0, cMessage = 0, cbRead = 0;
    LPTSTR lpszBuffer;

    for (;;) {
        if (!GetMailslotInfo(hSlot, NULL, &cbMessage, &cMessage, NULL)) {
            PrintError(TEXT("GetMailslotInfo"));
            return FALSE;
        }
        if (cbMessage == MAILSLOT_NO_MESSAGE)
            return TRUE;                        /* nothing (more) waiting */

        /* Room for the message plus a terminating TCHAR. */
        lpszBuffer = (LPTSTR)malloc(cbMessage + sizeof(TCHAR));
        if (lpszBuffer == NULL) {
            _ftprintf(stderr, TEXT("Out of memory.\n"));
            return FALSE;
        }

        if (!ReadFile(hSlot, lpszBuffer, cbMessage, &cbRead, NULL)) {
            DWORD dwError = GetLastError();
            free(lpszBuffer);
            if (dwError == ERROR_SEM_TIMEOUT)       /* the message is gone (another reader) */
                return TRUE;
            if (dwError == ERROR_INSUFFICIENT_BUFFER) /* it changed under us: ask again */
                continue;
            SetLastError(dwError);
            PrintError(TEXT("ReadFile"));
            return FALSE;
        }

        /* Clients may or may not include the terminator; add one. */
        lpszBuffer[cbRead / sizeof(TCHAR)] = TEXT('\0');

        if (_tcscmp(lpszBuffer, TEXT("exit")) == 0) {
            *pfExit = TRUE;
            free(lpszBuffer);
            return TRUE;
        }

        ++*pcMessages;
        _tprintf(TEXT("Message #%lu: %s\n"), (unsigned long)*pcMessages, lpszBuffer);
        fflush(stdout);
        free(lpszBuffer);
    }
}

int _tmain(int argc, TCHAR *argv[])
{
    LPCTSTR lpszSlotName = (argc > 1) ? argv[1] : DEFAULT_SLOT_NAME;
    HANDLE hSlot;
    DWORD cMessages = 0;
    BOOL fExit = FALSE;

    hSlot = CreateMailslot(lpszSlotName,
                           0,                 /* no maximum message size */
                           READ_TIMEOUT_MS,   /* ReadFile waits at most this long */
                           NULL);             /* default security */
    if (hSlot == INVALID_HANDLE_VALUE) {
        PrintError(TEXT("CreateMailslot"));
        return 1;
    }

    _tprintf(TEXT("Mailslot %s ready.\n"), lpszSlotName);
    fflush(stdout);

    while (!fExit) {
        if (!ReadSlot(hSlot, &cMessages, &fExit)) {
            CloseHandle(hSlot);
            return 1;
        }
        if (!fExit)
            Sleep(POLL_INTERVAL_MS);
    }

    _tprintf(TEXT("Received \"exit\" after %lu message(s).\n"), (unsigned long)cMessages);
    fflush(stdout);
    CloseHandle(hSlot);
    return 0;
}
