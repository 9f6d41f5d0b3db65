/*
 * MailSender2_1.c - opens the mailslot with an inheritable handle, saves the handle's value
 * in InheritableHandle.txt, starts MailSender2_2 inheriting it, then sends the typed lines.
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
    SECURITY_ATTRIBUTES sa;
    STARTUPINFO si = {0,};
    PROCESS_INFORMATION pi;
    TCHAR command[] = _T("MailSender2_2.exe");
    FILE *file;
    DWORD exitCode;

    sa.nLength = sizeof(sa);
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;

    hMailSlot = CreateFile(SLOT_NAME, GENERIC_WRITE, FILE_SHARE_READ, &sa, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (hMailSlot == INVALID_HANDLE_VALUE) {
        _fputts(_T("Unable to create mailslot!\n"), stdout);
        return 1;
    }

    /* Save the handle for the child. */
    file = _tfopen(_T("InheritableHandle.txt"), _T("wt"));
    _ftprintf(file, _T("%d"), (int)(INT_PTR)hMailSlot);
    fclose(file);

    si.cb = sizeof(si);
    if (!CreateProcess(NULL, command, NULL, NULL, TRUE, CREATE_NEW_CONSOLE, NULL, NULL, &si,
                       &pi)) {
        _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &exitCode);
    _tprintf(_T("child exit code: %d\n"), (int)exitCode);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    while (1) {
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
