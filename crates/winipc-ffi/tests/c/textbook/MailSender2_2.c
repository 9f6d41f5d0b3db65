/*
 * MailSender2_2.c - the child: reads the inherited mailslot handle's value from
 * InheritableHandle.txt and writes through it.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hMailSlot;
    TCHAR message[50];
    DWORD bytesWritten;
    int handleValue;
    FILE *file;

    file = _tfopen(_T("InheritableHandle.txt"), _T("rt"));
    if (file == NULL)
        return 2;
    _ftscanf(file, _T("%d"), &handleValue);
    fclose(file);
    hMailSlot = (HANDLE)(INT_PTR)handleValue;
    _tprintf(_T("Inheritable Handle : %d\n"), handleValue);

    _tcscpy(message, _T("hello from "));
    _tcscat(message, _T("the child\n"));
    if (!WriteFile(hMailSlot, message, _tcslen(message) * sizeof(TCHAR), &bytesWritten, NULL)) {
        _tprintf(_T("Unable to write! (%d)\n"), (int)GetLastError());
        return 3;
    }
    _tprintf(_T("wrote %d characters\n"), (int)(bytesWritten / sizeof(TCHAR)));
    CloseHandle(hMailSlot);
    return 0;
}
