/*
 * FileLock.c - byte-range locks between processes: the parent locks bytes 0..9 of a file
 * (LockFile) and a shared region (LockFileEx, shared); the child's ReadFile/WriteFile and
 * LockFileEx(LOCKFILE_FAIL_IMMEDIATELY) on them fail with ERROR_LOCK_VIOLATION; after
 * UnlockFile they succeed.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static HANDLE OpenData(void)
{
    return CreateFile(_T("lock.dat"), GENERIC_READ | GENERIC_WRITE,
                      FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_ALWAYS,
                      FILE_ATTRIBUTE_NORMAL, NULL);
}

static int Child(int phase)
{
    HANDLE h = OpenData();
    char buf[4];
    DWORD n;
    OVERLAPPED ov = {0};

    if (h == INVALID_HANDLE_VALUE)
        return 100;
    if (phase == 1) {
        if (!ReadFile(h, buf, 4, &n, NULL))
            _tprintf(_T("[child] read of the locked bytes: %d\n"), (int)GetLastError());
        SetFilePointer(h, 12, NULL, FILE_BEGIN);
        if (ReadFile(h, buf, 4, &n, NULL))
            _tprintf(_T("[child] read of the shared-locked bytes: ok\n"));
        if (!WriteFile(h, "xx", 2, &n, NULL))
            _tprintf(_T("[child] write of the shared-locked bytes: %d\n"), (int)GetLastError());
        ov.Offset = 0;
        if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 10, 0, &ov))
            _tprintf(_T("[child] LockFileEx: %d\n"), (int)GetLastError());
    } else {
        if (ReadFile(h, buf, 4, &n, NULL) && n == 4)
            _tprintf(_T("[child] after UnlockFile: read %.4hs\n"), buf);
    }
    CloseHandle(h);
    return 0;
}

static void RunChild(int phase)
{
    STARTUPINFO si = {sizeof(si)};
    PROCESS_INFORMATION pi;
    TCHAR cmd[64];
    _stprintf(cmd, _T("FileLock %d"), phase);
    fflush(stdout);
    if (CreateProcess(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        WaitForSingleObject(pi.hProcess, INFINITE);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE h;
    DWORD n;
    OVERLAPPED ov = {0};

    if (argc > 1)
        return Child(_ttoi(argv[1]));

    h = OpenData();
    WriteFile(h, "0123456789abcdefghij", 20, &n, NULL);
    if (!LockFile(h, 0, 0, 10, 0))
        _tprintf(_T("LockFile failed (%d)\n"), (int)GetLastError());
    ov.Offset = 10;
    if (!LockFileEx(h, 0, 0, 10, 0, &ov))
        _tprintf(_T("LockFileEx failed (%d)\n"), (int)GetLastError());
    if (!LockFile(h, 5, 0, 2, 0))
        _tprintf(_T("overlapping LockFile in the same process: %d\n"), (int)GetLastError());
    RunChild(1);
    UnlockFile(h, 0, 0, 10, 0);
    UnlockFileEx(h, 0, 10, 0, &ov);
    if (!UnlockFile(h, 0, 0, 10, 0))
        _tprintf(_T("UnlockFile of an unlocked range: %d\n"), (int)GetLastError());
    RunChild(2);
    CloseHandle(h);
    DeleteFile(_T("lock.dat"));
    return 0;
}
