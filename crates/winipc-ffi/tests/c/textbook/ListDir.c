/*
 * ListDir.c - directories: GetCurrentDirectory/SetCurrentDirectory, CreateDirectory,
 * a FindFirstFile/FindNextFile listing with a wildcard (files and <DIR>s, sizes),
 * RemoveDirectory of a non-empty and an empty directory.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static void MakeFile(LPCTSTR name, DWORD size)
{
    char buf[64] = {0};
    DWORD n;
    HANDLE h = CreateFile(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                          NULL);
    WriteFile(h, buf, size, &n, NULL);
    CloseHandle(h);
}

static int List(LPCTSTR pattern)
{
    WIN32_FIND_DATA fileData;
    HANDLE hSearch;
    int count = 0;

    hSearch = FindFirstFile(pattern, &fileData);
    if (hSearch == INVALID_HANDLE_VALUE) {
        _tprintf(_T("%s: no match (%d)\n"), pattern, (int)GetLastError());
        return 0;
    }
    do {
        if (fileData.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            _tprintf(_T("  %-12s <DIR>\n"), fileData.cFileName);
        else
            _tprintf(_T("  %-12s %u\n"), fileData.cFileName, (unsigned)fileData.nFileSizeLow);
        count++;
    } while (FindNextFile(hSearch, &fileData));
    if (GetLastError() == ERROR_NO_MORE_FILES)
        _tprintf(_T("  (%d entries)\n"), count);
    FindClose(hSearch);
    return count;
}

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR curDir[MAX_PATH], newDir[MAX_PATH];
    DWORD len;

    len = GetCurrentDirectory(MAX_PATH, curDir);
    if (len == 0 || len != _tcslen(curDir))
        _tprintf(_T("GetCurrentDirectory failed\n"));
    if (GetCurrentDirectory(2, newDir) != len + 1)
        _tprintf(_T("too small a buffer: not the size needed\n"));

    if (!CreateDirectory(_T("testdir"), NULL))
        _tprintf(_T("CreateDirectory failed (%d)\n"), (int)GetLastError());
    if (!CreateDirectory(_T("testdir"), NULL))
        _tprintf(_T("CreateDirectory again: %d\n"), (int)GetLastError());
    SetCurrentDirectory(_T("testdir"));
    GetCurrentDirectory(MAX_PATH, newDir);
    if (_tcslen(newDir) > _tcslen(curDir) &&
        _tcscmp(newDir + _tcslen(newDir) - 7, _T("testdir")) == 0)
        _tprintf(_T("now in testdir\n"));

    MakeFile(_T("a.txt"), 10);
    MakeFile(_T("b.txt"), 20);
    MakeFile(_T("c.log"), 30);
    CreateDirectory(_T("sub"), NULL);

    _tprintf(_T("*.txt:\n"));
    List(_T("*.txt"));
    _tprintf(_T("*:\n"));
    List(_T("*"));
    List(_T("*.none"));

    SetCurrentDirectory(_T(".."));
    if (!RemoveDirectory(_T("testdir")))
        _tprintf(_T("RemoveDirectory of a non-empty directory: %d\n"), (int)GetLastError());
    DeleteFile(_T("testdir\\a.txt"));
    DeleteFile(_T("testdir\\b.txt"));
    DeleteFile(_T("testdir\\c.log"));
    RemoveDirectory(_T("testdir\\sub"));
    if (RemoveDirectory(_T("testdir")))
        _tprintf(_T("removed\n"));
    if (!SetCurrentDirectory(_T("testdir")))
        _tprintf(_T("SetCurrentDirectory to a removed directory: %d\n"), (int)GetLastError());
    GetCurrentDirectory(MAX_PATH, newDir);
    _tprintf(_T("back: %s\n"), _tcscmp(curDir, newDir) == 0 ? _T("yes") : _T("no"));
    return 0;
}
