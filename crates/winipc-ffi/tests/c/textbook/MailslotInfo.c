/*
 * MailslotInfo.c - the mailslot's own functions: GetMailslotInfo (maximum message size,
 * next message size, count; MAILSLOT_NO_MESSAGE), SetMailslotInfo (a read timeout:
 * ERROR_SEM_TIMEOUT), messages kept whole and in order, a buffer too small for the next
 * message, a second server on the same name.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define SLOT _T("\\\\.\\mailslot\\info_slot")

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hSlot, hClient;
    DWORD maxMsg, next, count, timeout, n;
    TCHAR msg[64];
    int i;

    hSlot = CreateMailslot(SLOT, 100, 0, NULL);
    if (hSlot == INVALID_HANDLE_VALUE) {
        _tprintf(_T("CreateMailslot failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    if (CreateMailslot(SLOT, 0, 0, NULL) == INVALID_HANDLE_VALUE)
        _tprintf(_T("second server: %d\n"), (int)GetLastError());

    GetMailslotInfo(hSlot, &maxMsg, &next, &count, &timeout);
    _tprintf(_T("max %u, next %s, count %u, timeout %u\n"), (unsigned)maxMsg,
             next == MAILSLOT_NO_MESSAGE ? _T("MAILSLOT_NO_MESSAGE") : _T("?"), (unsigned)count,
             (unsigned)timeout);
    if (!ReadFile(hSlot, msg, sizeof(msg), &n, NULL))
        _tprintf(_T("empty, timeout 0: %d\n"), (int)GetLastError());

    hClient = CreateFile(SLOT, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    for (i = 1; i <= 3; i++) {
        _stprintf(msg, _T("message %d%s"), i, i == 2 ? _T(" is longer") : _T(""));
        WriteFile(hClient, msg, (_tcslen(msg) + 1) * sizeof(TCHAR), &n, NULL);
    }
    GetMailslotInfo(hSlot, NULL, &next, &count, NULL);
    _tprintf(_T("next %u characters, count %u\n"), (unsigned)(next / sizeof(TCHAR)),
             (unsigned)count);
    while (GetMailslotInfo(hSlot, NULL, &next, &count, NULL) && next != MAILSLOT_NO_MESSAGE) {
        ReadFile(hSlot, msg, sizeof(msg), &n, NULL);
        _tprintf(_T("read %u characters: %s (%u left)\n"), (unsigned)(n / sizeof(TCHAR)), msg,
                 (unsigned)count - 1);
    }

    /* Too small a buffer: ERROR_INSUFFICIENT_BUFFER, the message stays. */
    WriteFile(hClient, _T("0123456789"), 11 * sizeof(TCHAR), &n, NULL);
    if (!ReadFile(hSlot, msg, 4 * sizeof(TCHAR), &n, NULL))
        _tprintf(_T("small buffer: %d\n"), (int)GetLastError());
    GetMailslotInfo(hSlot, NULL, &next, &count, NULL);
    _tprintf(_T("still queued: %u\n"), (unsigned)count);
    ReadFile(hSlot, msg, sizeof(msg), &n, NULL);

    SetMailslotInfo(hSlot, 50);
    GetMailslotInfo(hSlot, NULL, NULL, NULL, &timeout);
    _tprintf(_T("timeout now %u\n"), (unsigned)timeout);
    if (!ReadFile(hSlot, msg, sizeof(msg), &n, NULL))
        _tprintf(_T("after 50 ms: %d\n"), (int)GetLastError());
    CloseHandle(hClient);
    CloseHandle(hSlot);
    return 0;
}
