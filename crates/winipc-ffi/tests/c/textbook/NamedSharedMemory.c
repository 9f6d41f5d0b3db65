/*
 * NamedSharedMemory.c - MSDN's "Creating Named Shared Memory": the first process creates a
 * file mapping backed by the paging file under a name, maps a view and copies a message into
 * it with CopyMemory; the second process (started here as a child) opens the mapping by
 * name, maps it and reads the message. Then the child writes an answer that the first
 * process reads back after the child ended.
 */
#include <windows.h>
#include <stdio.h>
#include <conio.h>
#include <tchar.h>

#define BUF_SIZE 256
TCHAR szName[] = TEXT("Local\\MyFileMappingObject");
TCHAR szMsg[] = TEXT("Message from first process.");

static int SecondProcess(void)
{
    HANDLE hMapFile;
    LPTSTR pBuf;

    hMapFile = OpenFileMapping(FILE_MAP_ALL_ACCESS, // read/write access
                               FALSE,               // do not inherit the name
                               szName);             // name of mapping object
    if (hMapFile == NULL) {
        _tprintf(TEXT("Could not open file mapping object (%d).\n"), (int)GetLastError());
        return 1;
    }
    pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    if (pBuf == NULL) {
        _tprintf(TEXT("Could not map view of file (%d).\n"), (int)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }
    _tprintf(TEXT("second process read: %s\n"), pBuf);
    fflush(stdout);
    /* Answer in the second half. */
    CopyMemory(pBuf + BUF_SIZE / 2, TEXT("Reply from second process."),
               27 * sizeof(TCHAR));
    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hMapFile;
    LPCTSTR pBuf;
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    TCHAR cmd[] = TEXT("NamedSharedMemory.exe second");
    MEMORY_BASIC_INFORMATION mbi;

    if (argc > 1)
        return SecondProcess();

    hMapFile = CreateFileMapping(INVALID_HANDLE_VALUE, // use paging file
                                 NULL,                 // default security
                                 PAGE_READWRITE,       // read/write access
                                 0,                    // maximum object size (high-order DWORD)
                                 BUF_SIZE * sizeof(TCHAR), // maximum object size (low-order DWORD)
                                 szName);              // name of mapping object
    if (hMapFile == NULL) {
        _tprintf(TEXT("Could not create file mapping object (%d).\n"), (int)GetLastError());
        return 1;
    }
    pBuf = (LPTSTR)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE * sizeof(TCHAR));
    if (pBuf == NULL) {
        _tprintf(TEXT("Could not map view of file (%d).\n"), (int)GetLastError());
        CloseHandle(hMapFile);
        return 1;
    }
    ZeroMemory((PVOID)pBuf, BUF_SIZE * sizeof(TCHAR));
    CopyMemory((PVOID)pBuf, szMsg, (_tcslen(szMsg) * sizeof(TCHAR)));

    /* A second CreateFileMapping of the name opens the same object. */
    {
        HANDLE again = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0,
                                         BUF_SIZE * sizeof(TCHAR), szName);
        _tprintf(TEXT("second CreateFileMapping: %s\n"),
                 (again != NULL && GetLastError() == ERROR_ALREADY_EXISTS) ? TEXT("ERROR_ALREADY_EXISTS")
                                                                           : TEXT("new?"));
        CloseHandle(again);
    }
    if (VirtualQuery(pBuf, &mbi, sizeof(mbi)) == sizeof(mbi))
        _tprintf(TEXT("view: %s, committed: %s\n"),
                 mbi.Type == MEM_MAPPED ? TEXT("MEM_MAPPED") : TEXT("other"),
                 mbi.State == MEM_COMMIT ? TEXT("yes") : TEXT("no"));
    fflush(stdout);

    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        _tprintf(TEXT("CreateProcess failed (%d).\n"), (int)GetLastError());
        return 1;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    _tprintf(TEXT("first process read back: %s\n"), pBuf + BUF_SIZE / 2);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    UnmapViewOfFile(pBuf);
    CloseHandle(hMapFile);
    /* The last handle is closed: the name is gone. */
    hMapFile = OpenFileMapping(FILE_MAP_READ, FALSE, szName);
    _tprintf(TEXT("after the last close: %s (%d)\n"), hMapFile == NULL ? TEXT("gone") : TEXT("still there"),
             (int)GetLastError());
    return 0;
}
