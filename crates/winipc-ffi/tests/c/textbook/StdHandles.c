/*
 * StdHandles.c - the standard handles as Win32 programs use them: WriteFile to
 * GetStdHandle(STD_OUTPUT_HANDLE), GetFileType, ReadFile from standard input until its end,
 * SetStdHandle to a file and a child that inherits it, DuplicateHandle of a standard handle.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static const TCHAR *TypeName(DWORD t)
{
    switch (t) {
    case FILE_TYPE_DISK: return _T("FILE_TYPE_DISK");
    case FILE_TYPE_PIPE: return _T("FILE_TYPE_PIPE");
    case FILE_TYPE_CHAR: return _T("FILE_TYPE_CHAR");
    default: return _T("FILE_TYPE_UNKNOWN");
    }
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hIn = GetStdHandle(STD_INPUT_HANDLE);
    HANDLE hOut = GetStdHandle(STD_OUTPUT_HANDLE);
    HANDLE hFile, hDup, hOldOut;
    char buf[256];
    DWORD n, total = 0, lines = 0, i;
    SECURITY_ATTRIBUTES sa = {sizeof(sa), NULL, TRUE};
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    TCHAR cmd[] = _T("tgrep.exe o StdHandles.in");

    if (argc > 1) {
        const char *hello = "written by the child through its standard output\n";
        WriteFile(hOut, hello, (DWORD)strlen(hello), &n, NULL);
        return 0;
    }
    _tprintf(_T("stdin: %s, stdout: %s\n"), TypeName(GetFileType(hIn)),
             TypeName(GetFileType(hOut)));
    fflush(stdout);
    while (ReadFile(hIn, buf, sizeof(buf), &n, NULL) && n > 0) {
        for (i = 0; i < n; i++)
            lines += buf[i] == '\n';
        total += n;
    }
    sprintf(buf, "read %u bytes, %u lines\n", (unsigned)total, (unsigned)lines);
    WriteFile(hOut, buf, (DWORD)strlen(buf), &n, NULL);

    /* The child's output into a file through SetStdHandle. */
    hFile = CreateFile(_T("StdHandles.in"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(hFile, "one\ntwo\nthree\nfour\n", 19, &n, NULL);
    CloseHandle(hFile);
    hFile = CreateFile(_T("StdHandles.out"), GENERIC_WRITE, FILE_SHARE_READ, &sa,
                       CREATE_ALWAYS, 0, NULL);
    _tprintf(_T("file: %s\n"), TypeName(GetFileType(hFile)));
    hOldOut = GetStdHandle(STD_OUTPUT_HANDLE);
    SetStdHandle(STD_OUTPUT_HANDLE, hFile);
    GetStartupInfo(&si);
    if (!CreateProcess(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 1;
    WaitForSingleObject(pi.hProcess, INFINITE);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    SetStdHandle(STD_OUTPUT_HANDLE, hOldOut);
    CloseHandle(hFile);
    hFile = CreateFile(_T("StdHandles.out"), GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);
    ReadFile(hFile, buf, sizeof(buf) - 1, &n, NULL);
    buf[n] = 0;
    CloseHandle(hFile);
    fflush(stdout);
    printf("the child wrote: %s", buf);
    fflush(stdout);

    DuplicateHandle(GetCurrentProcess(), hOut, GetCurrentProcess(), &hDup, 0, FALSE,
                    DUPLICATE_SAME_ACCESS);
    WriteFile(hDup, "through a duplicate\n", 20, &n, NULL);
    CloseHandle(hDup);
    WriteFile(hOut, "stdout still open\n", 18, &n, NULL);
    DeleteFile(_T("StdHandles.in"));
    DeleteFile(_T("StdHandles.out"));
    return 0;
}
