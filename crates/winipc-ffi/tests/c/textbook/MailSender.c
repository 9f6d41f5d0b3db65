/*
 * MailSender.c - sends each line typed to the mailslot; "exit" ends both sides.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define SLOT_NAME _T("\\\\.\\mailslot\\mailbox")

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hMailSlot;
    TCHAR message[50];
    DWORD bytesWritten;

    hMailSlot = CreateFile(SLOT_NAME, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (hMailSlot == INVALID_HANDLE_VALUE) {
        _fputts(_T("Unable to create mailslot!\n"), stdout);
        return 1;
    }

    while (1) {
        _fputts(_T("MY CMD>"), stdout);
        if (_fgetts(message, sizeof(message) / sizeof(TCHAR), stdin) == NULL)
            break;
        if (!WriteFile(hMailSlot, message, _tcslen(message) * sizeof(TCHAR), &bytesWritten,
                       NULL)) {
            _fputts(_T("Unable to write!"), stdout);
            CloseHandle(hMailSlot);
            return 1;
        }
        if (!_tcscmp(message, _T("exit\n"))) {
            _fputts(_T("Good Bye!\n"), stdout);
            break;
        }
    }
    CloseHandle(hMailSlot);
    return 0;
}
