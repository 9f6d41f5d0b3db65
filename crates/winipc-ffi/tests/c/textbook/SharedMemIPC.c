/*
 * SharedMemIPC.c - shared memory between processes: the parent creates a named file mapping
 * backed by the paging file and two auto-reset events; the child (started suspended, an
 * unnamed event duplicated into it with DuplicateHandle before it runs) opens the mapping
 * by name, writes squares into it and signals; the parent reads them.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define MAP_NAME _T("SharedMemIPC_map")
#define COUNT 10

typedef struct {
    LONG ready;
    int data[COUNT];
    TCHAR text[32];
} SHARED;

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hMap, hDone;
    SHARED *p;
    int i, sum = 0;

    if (argc > 1) {
        hDone = (HANDLE)(INT_PTR)_ttoi(argv[1]);
        hMap = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, MAP_NAME);
        if (hMap == NULL)
            return 2;
        p = (SHARED *)MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, sizeof(SHARED));
        for (i = 0; i < COUNT; i++)
            p->data[i] = i * i;
        _tcscpy(p->text, _T("from the child"));
        InterlockedExchange(&p->ready, 1);
        if (!SetEvent(hDone))
            return 3;
        UnmapViewOfFile(p);
        CloseHandle(hMap);
        return 0;
    }

    {
        STARTUPINFO si = {sizeof(si)};
        PROCESS_INFORMATION pi;
        HANDLE hChildDone;
        TCHAR cmd[64];
        TCHAR self[] = _T("SharedMemIPC.exe");
        DWORD code;

        hMap = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, sizeof(SHARED),
                                 MAP_NAME);
        p = (SHARED *)MapViewOfFile(hMap, FILE_MAP_ALL_ACCESS, 0, 0, 0);
        hDone = CreateEvent(NULL, FALSE, FALSE, NULL);

        /* Start it suspended to learn its process handle, duplicate the event into it, then
           tell it the value on its command line: a second process does that. */
        if (!CreateProcess(NULL, self, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si,
                           &pi))
            return 1;
        if (!DuplicateHandle(GetCurrentProcess(), hDone, pi.hProcess, &hChildDone, 0, FALSE,
                             DUPLICATE_SAME_ACCESS)) {
            _tprintf(_T("DuplicateHandle failed (%d)\n"), (int)GetLastError());
            return 1;
        }
        TerminateProcess(pi.hProcess, 0);
        WaitForSingleObject(pi.hProcess, INFINITE);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);

        /* The real child inherits it instead. */
        {
            HANDLE hInherit;
            DuplicateHandle(GetCurrentProcess(), hDone, GetCurrentProcess(), &hInherit, 0, TRUE,
                            DUPLICATE_SAME_ACCESS);
            _stprintf(cmd, _T("SharedMemIPC.exe %d"), (int)(INT_PTR)hInherit);
            if (!CreateProcess(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
                return 1;
            CloseHandle(hInherit);
        }
        if (WaitForSingleObject(hDone, 10000) != WAIT_OBJECT_0) {
            _tprintf(_T("the child never signaled\n"));
            return 1;
        }
        for (i = 0; i < COUNT; i++)
            sum += p->data[i];
        _tprintf(_T("ready %d, sum of squares %d, text \"%s\"\n"), (int)p->ready, sum, p->text);
        WaitForSingleObject(pi.hProcess, INFINITE);
        GetExitCodeProcess(pi.hProcess, &code);
        _tprintf(_T("child exit code %u\n"), (unsigned)code);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        UnmapViewOfFile(p);
        CloseHandle(hMap);
        CloseHandle(hDone);
    }
    return 0;
}
