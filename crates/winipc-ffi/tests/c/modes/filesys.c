/*
 * filesys.c - the file system beyond CreateFile, as textbook Win32 tools use it: byte-range
 * locks (LockFile/LockFileEx between two processes, a blocking wait released by the holder),
 * SetEndOfFile, GetFileInformationByHandle, Get/SetFileTime, Get/SetFileAttributes(Ex),
 * CreateDirectory/RemoveDirectory, MoveFile(Ex), CopyFile, CreateHardLink,
 * FindFirstFile/FindNextFile/FindClose with wildcards, GetFullPathName, SearchPath and
 * GetDiskFreeSpace(Ex). Built as C and C++, ANSI and UNICODE (the TCHAR names).
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

/* The child: the parent holds an exclusive lock on bytes 0..99 of argv[2]. */
static int lock_child(char **argv)
{
    HANDLE h, ready;
    OVERLAPPED ov;
    DWORD t0, n;
    char buf[4];
    h = CreateFileA(argv[2], GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE,
                    NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 10;
    SetLastError(0);
    if (LockFile(h, 50, 0, 10, 0) || GetLastError() != ERROR_LOCK_VIOLATION)
        return 11;
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 0;
    SetLastError(0);
    /* A shared lock conflicts with the exclusive one too. */
    if (LockFileEx(h, LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ov) ||
        GetLastError() != ERROR_LOCK_VIOLATION)
        return 12;
    /* Bytes beyond the held range are free. */
    if (!LockFile(h, 100, 0, 10, 0) || !UnlockFile(h, 100, 0, 10, 0))
        return 13;
    /* Mandatory, as on Windows: another handle's exclusive range can be neither read nor
     * written; the bytes beyond it can. */
    SetLastError(0);
    if (ReadFile(h, buf, 4, &n, NULL) || GetLastError() != ERROR_LOCK_VIOLATION)
        return 14;
    SetLastError(0);
    if (WriteFile(h, "xx", 2, &n, NULL) || GetLastError() != ERROR_LOCK_VIOLATION)
        return 19;
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 100;
    if (!WriteFile(h, "yy", 2, &n, &ov) || n != 2)
        return 20;
    ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[3]);
    if (ready == NULL)
        return 15;
    SetEvent(ready);
    t0 = GetTickCount();
    ov.Offset = 20;
    if (!LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK, 0, 10, 0, &ov)) /* waits for the parent */
        return 16;
    if (GetTickCount() - t0 < 150)
        return 17; /* it did not wait */
    if (!UnlockFileEx(h, 0, 10, 0, &ov))
        return 18;
    CloseHandle(h);
    return 0;
}

static void test_locks(const char *self, const TCHAR *path, const char *apath)
{
    HANDLE h, h2, ready;
    OVERLAPPED ov;
    DWORD n, code = 99;
    char line[512], ev[64];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    h = CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                   CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "0123456789", 10, &n, NULL));
    CHECK_OK(LockFile(h, 0, 0, 100, 0));
    /* The same handle's exclusive range conflicts with a second lock of it. */
    CHECK_FAIL(LockFile(h, 10, 0, 5, 0), FALSE, ERROR_LOCK_VIOLATION);
    /* Another handle of this process is another owner, as on Windows. */
    h2 = CreateFile(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                    OPEN_EXISTING, 0, NULL);
    CHECK(h2 != INVALID_HANDLE_VALUE);
    CHECK_FAIL(LockFile(h2, 99, 0, 1, 0), FALSE, ERROR_LOCK_VIOLATION);
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 200;
    CHECK_OK(LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY, 0, 10, 0, &ov)); /* shared */
    CHECK_OK(LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY, 0, 10, 0, &ov)); /* shared again */
    CHECK_FAIL(LockFile(h, 205, 0, 1, 0), FALSE, ERROR_LOCK_VIOLATION);
    CHECK_OK(UnlockFileEx(h2, 0, 10, 0, &ov));
    CHECK_FAIL(LockFile(h, 205, 0, 1, 0), FALSE, ERROR_LOCK_VIOLATION); /* one still held */
    CHECK_OK(UnlockFileEx(h2, 0, 10, 0, &ov));
    CHECK_OK(LockFile(h, 205, 0, 1, 0));
    /* Granted at once: the OVERLAPPED's event is signaled, as for a completed request. */
    ov.Offset = 300;
    ov.hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    CHECK_OK(LockFileEx(h2, LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, &ov));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    CHECK_OK(UnlockFileEx(h2, 0, 1, 0, &ov));
    CloseHandle(ov.hEvent);
    ov.hEvent = NULL;
    ov.Offset = 200;
    CHECK_OK(UnlockFile(h, 205, 0, 1, 0));
    /* Transfers: the holder reads and writes its exclusive range; another handle does not. */
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_BEGIN), 0);
    CHECK_OK(ReadFile(h, line, 4, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK_EQ(SetFilePointer(h2, 2, NULL, FILE_BEGIN), 2);
    CHECK_FAIL(ReadFile(h2, line, 4, &n, NULL), FALSE, ERROR_LOCK_VIOLATION);
    CHECK_FAIL(WriteFile(h2, "zz", 2, &n, NULL), FALSE, ERROR_LOCK_VIOLATION);
    ov.Offset = 150; /* beyond the range */
    CHECK_OK(WriteFile(h2, "zz", 2, &n, &ov));
    /* A shared lock: everyone reads, nobody writes - not even its holder. */
    ov.Offset = 150;
    CHECK_OK(LockFileEx(h2, 0, 0, 2, 0, &ov));
    CHECK_OK(ReadFile(h, line, 2, &n, &ov));
    CHECK_FAIL(WriteFile(h2, "zz", 2, &n, &ov), FALSE, ERROR_LOCK_VIOLATION);
    CHECK_FAIL(WriteFile(h, "zz", 2, &n, &ov), FALSE, ERROR_LOCK_VIOLATION);
    CHECK_OK(UnlockFileEx(h2, 0, 2, 0, &ov));
    CHECK_OK(WriteFile(h, "zz", 2, &n, &ov));
    ov.Offset = 200;
    /* Unlocking what is not locked (or not exactly a locked range). */
    CHECK_FAIL(UnlockFile(h, 205, 0, 1, 0), FALSE, ERROR_NOT_LOCKED);
    CHECK_FAIL(UnlockFile(h, 0, 0, 50, 0), FALSE, ERROR_NOT_LOCKED);
    CHECK_FAIL(UnlockFile(h2, 0, 0, 100, 0), FALSE, ERROR_NOT_LOCKED);
    CHECK_FAIL(LockFileEx(h, 0x80, 0, 1, 0, &ov), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(LockFile((HANDLE)(ULONG_PTR)0x7777770, 0, 0, 1, 0), FALSE, ERROR_INVALID_HANDLE);
    /* The whole-file idiom: offset 0, length 0xFFFFFFFF:0xFFFFFFFF. */
    ov.Offset = 0;
    CHECK_FAIL(LockFileEx(h2, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, MAXDWORD,
                          MAXDWORD, &ov), FALSE, ERROR_LOCK_VIOLATION);
    CloseHandle(h2);
    /* A read-only handle: shared locks; an exclusive one needs write access on Linux
     * (documented difference: Windows grants it). */
    h2 = CreateFile(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                    0, NULL);
    ov.Offset = 400;
    CHECK_OK(LockFileEx(h2, LOCKFILE_FAIL_IMMEDIATELY, 0, 4, 0, &ov));
    CHECK_OK(UnlockFileEx(h2, 0, 4, 0, &ov));
    CHECK_FAIL(LockFile(h2, 400, 0, 4, 0), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h2);

    /* A second process: refused at once, then waiting in LockFileEx until released. */
    snprintf(ev, sizeof ev, "filesys_ready_%u", (unsigned)GetCurrentProcessId());
    ready = CreateEventA(NULL, TRUE, FALSE, ev);
    CHECK(ready != NULL);
    snprintf(line, sizeof line, "\"%s\" lockchild %s %s", self, apath, ev);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(WaitForSingleObject(ready, 10000), WAIT_OBJECT_0);
    Sleep(300);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 0), WAIT_TIMEOUT); /* blocked in LockFileEx */
    CHECK_OK(UnlockFile(h, 0, 0, 100, 0));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    GetExitCodeProcess(pi.hProcess, &code);
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(ready);

    /* Closing the handle releases its locks. */
    CHECK_OK(LockFile(h, 0, 0, 10, 0));
    CloseHandle(h);
    h = CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_OK(LockFile(h, 0, 0, 10, 0));
    CloseHandle(h);
    CHECK_OK(DeleteFile(path));
}

static void test_info(const TCHAR *path)
{
    HANDLE h;
    DWORD n;
    BY_HANDLE_FILE_INFORMATION bhi;
    WIN32_FILE_ATTRIBUTE_DATA fad;
    FILETIME ct, at, wt, set;
    LARGE_INTEGER li;
    SYSTEMTIME st;

    h = CreateFile(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                   FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(h, "0123456789", 10, &n, NULL));
    CHECK_EQ(SetFilePointer(h, 4, NULL, FILE_BEGIN), 4);
    CHECK_OK(SetEndOfFile(h));
    CHECK_OK(GetFileSizeEx(h, &li));
    CHECK_EQ(li.QuadPart, 4);
    li.QuadPart = 5000;
    CHECK_OK(SetFilePointerEx(h, li, NULL, FILE_BEGIN));
    CHECK_OK(SetEndOfFile(h)); /* extends */
    CHECK_EQ(GetFileSize(h, NULL), 5000);

    CHECK_OK(GetFileInformationByHandle(h, &bhi));
    CHECK_EQ(bhi.nFileSizeLow, 5000);
    CHECK_EQ(bhi.nFileSizeHigh, 0);
    CHECK_EQ(bhi.nNumberOfLinks, 1);
    CHECK(bhi.dwFileAttributes & FILE_ATTRIBUTE_ARCHIVE);
    CHECK(!(bhi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY));
    CHECK(bhi.nFileIndexLow != 0 || bhi.nFileIndexHigh != 0);

    CHECK_OK(GetFileTime(h, &ct, &at, &wt));
    CHECK_OK(FileTimeToSystemTime(&wt, &st));
    CHECK(st.wYear >= 2024);
    /* 2001-02-03 04:05:06 UTC */
    ZeroMemory(&st, sizeof st);
    st.wYear = 2001; st.wMonth = 2; st.wDay = 3; st.wHour = 4; st.wMinute = 5; st.wSecond = 6;
    CHECK_OK(SystemTimeToFileTime(&st, &set));
    CHECK_OK(SetFileTime(h, NULL, NULL, &set));
    CHECK_OK(GetFileTime(h, NULL, NULL, &wt));
    CHECK_EQ(wt.dwLowDateTime, set.dwLowDateTime);
    CHECK_EQ(wt.dwHighDateTime, set.dwHighDateTime);
    CHECK_EQ(CompareFileTime(&wt, &set), 0);
    CHECK_EQ(CompareFileTime(&ct, &set), 1);
    CHECK_EQ(CompareFileTime(&set, &ct), -1);
    {
        FILETIME local, back;
        CHECK_OK(FileTimeToLocalFileTime(&set, &local));
        CHECK_OK(LocalFileTimeToFileTime(&local, &back));
        CHECK_EQ(CompareFileTime(&back, &set), 0);
    }
    CHECK_OK(GetFileAttributesEx(path, GetFileExInfoStandard, &fad));
    CHECK_EQ(fad.nFileSizeLow, 5000);
    CHECK_EQ(fad.ftLastWriteTime.dwLowDateTime, set.dwLowDateTime);
    CHECK_FAIL(GetFileAttributesEx(path, GetFileExMaxInfoLevel, &fad), FALSE,
               ERROR_INVALID_PARAMETER);
    CloseHandle(h);
    CHECK_FAIL(SetEndOfFile(h), FALSE, ERROR_INVALID_HANDLE);

    /* A read-only handle cannot truncate. */
    h = CreateFile(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_FAIL(SetEndOfFile(h), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);

    /* Attributes by name. */
    CHECK_FAIL(GetFileAttributes(_T("no_such_file_fs.txt")), INVALID_FILE_ATTRIBUTES,
               ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(GetFileAttributes(_T("no_such_dir_fs\\x.txt")), INVALID_FILE_ATTRIBUTES,
               ERROR_PATH_NOT_FOUND);
    CHECK_EQ(GetFileAttributes(path) & (FILE_ATTRIBUTE_READONLY | FILE_ATTRIBUTE_DIRECTORY), 0);
    CHECK(GetFileAttributes(_T(".")) & FILE_ATTRIBUTE_DIRECTORY);
    CHECK_OK(SetFileAttributes(path, FILE_ATTRIBUTE_READONLY));
    CHECK(GetFileAttributes(path) & FILE_ATTRIBUTE_READONLY);
    CHECK_FAIL(DeleteFile(path), FALSE, ERROR_ACCESS_DENIED); /* read-only, even for root */
    CHECK_OK(SetFileAttributes(path, FILE_ATTRIBUTE_NORMAL));
    CHECK_EQ(GetFileAttributes(path) & FILE_ATTRIBUTE_READONLY, 0);
    CHECK_FAIL(SetFileAttributes(_T("no_such_file_fs.txt"), FILE_ATTRIBUTE_NORMAL), FALSE,
               ERROR_FILE_NOT_FOUND);
    {
        TCHAR below[200];
        _stprintf(below, _T("%s\\x"), path); /* a file is not a directory */
        CHECK_FAIL(GetFileAttributes(below), INVALID_FILE_ATTRIBUTES, ERROR_PATH_NOT_FOUND);
    }
    /* touch: a handle for attributes only sets the times. */
    h = CreateFile(path, FILE_WRITE_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                   OPEN_EXISTING, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    GetSystemTimeAsFileTime(&set);
    CHECK_OK(SetFileTime(h, NULL, &set, &set));
    CloseHandle(h);
    CHECK_OK(GetFileAttributesEx(path, GetFileExInfoStandard, &fad));
    CHECK_EQ(fad.ftLastWriteTime.dwHighDateTime, set.dwHighDateTime);
    CHECK_EQ(fad.ftLastAccessTime.dwLowDateTime / 10, set.dwLowDateTime / 10);
    CHECK_OK(DeleteFile(path));
}

static BOOL exists(const TCHAR *p)
{
    return GetFileAttributes(p) != INVALID_FILE_ATTRIBUTES;
}

static void put(const TCHAR *p, const char *text)
{
    DWORD n;
    HANDLE h = CreateFile(p, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    WriteFile(h, text, (DWORD)strlen(text), &n, NULL);
    CloseHandle(h);
}

static DWORD get(const TCHAR *p, char *buf, DWORD cap)
{
    DWORD n = 0;
    HANDLE h = CreateFile(p, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    ReadFile(h, buf, cap - 1, &n, NULL);
    buf[n] = 0;
    CloseHandle(h);
    return n;
}

static void test_dirs(const TCHAR *d)
{
    TCHAR a[200], b[200], c[200], sub[200];
    char buf[64];
    BY_HANDLE_FILE_INFORMATION bhi;
    HANDLE h;

    CHECK_OK(CreateDirectory(d, NULL));
    CHECK_FAIL(CreateDirectory(d, NULL), FALSE, ERROR_ALREADY_EXISTS);
    _stprintf(sub, _T("%s\\no\\deeper"), d);
    CHECK_FAIL(CreateDirectory(sub, NULL), FALSE, ERROR_PATH_NOT_FOUND);
    _stprintf(a, _T("%s\\a.txt"), d);
    _stprintf(b, _T("%s\\b.txt"), d);
    _stprintf(c, _T("%s\\c.txt"), d);
    put(a, "alpha");
    put(b, "beta");

    /* MoveFile: never over an existing file. */
    CHECK_FAIL(MoveFile(a, b), FALSE, ERROR_ALREADY_EXISTS);
    CHECK_OK(MoveFile(a, c));
    CHECK(!exists(a));
    CHECK_EQ(get(c, buf, sizeof buf), 5);
    CHECK_FAIL(MoveFile(a, c), FALSE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(MoveFileEx(c, b, 0), FALSE, ERROR_ALREADY_EXISTS);
    CHECK_OK(MoveFileEx(c, b, MOVEFILE_REPLACE_EXISTING | MOVEFILE_COPY_ALLOWED));
    CHECK(!exists(c));
    CHECK_EQ(get(b, buf, sizeof buf), 5);
    CHECK(strcmp(buf, "alpha") == 0);

    /* CopyFile. */
    put(a, "again");
    CHECK_FAIL(CopyFile(a, b, TRUE), FALSE, ERROR_FILE_EXISTS);
    CHECK_OK(CopyFile(a, c, TRUE));
    CHECK_EQ(get(c, buf, sizeof buf), 5);
    CHECK(strcmp(buf, "again") == 0);
    CHECK_OK(CopyFile(b, c, FALSE));
    CHECK_EQ(get(c, buf, sizeof buf), 5);
    CHECK(strcmp(buf, "alpha") == 0);
    CHECK_FAIL(CopyFile(_T("no_such_file_fs.txt"), c, FALSE), FALSE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(CopyFile(c, c, FALSE), FALSE, ERROR_SHARING_VIOLATION); /* not emptied */
    CHECK_EQ(get(c, buf, sizeof buf), 5);
    CHECK_FAIL(MoveFileEx(c, NULL, MOVEFILE_DELAY_UNTIL_REBOOT), FALSE, ERROR_NOT_SUPPORTED);
    CHECK_OK(SetFileAttributes(c, FILE_ATTRIBUTE_READONLY));
    CHECK_FAIL(CopyFile(a, c, FALSE), FALSE, ERROR_ACCESS_DENIED);
    CHECK_OK(SetFileAttributes(c, FILE_ATTRIBUTE_NORMAL));
    CHECK_OK(DeleteFile(c));

    /* CreateHardLink. */
    CHECK_OK(CreateHardLink(c, a, NULL));
    CHECK_FAIL(CreateHardLink(c, a, NULL), FALSE, ERROR_ALREADY_EXISTS);
    CHECK_FAIL(CreateHardLink(sub, _T("no_such_file_fs.txt"), NULL), FALSE,
               ERROR_FILE_NOT_FOUND);
    h = CreateFile(a, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_OK(GetFileInformationByHandle(h, &bhi));
    CHECK_EQ(bhi.nNumberOfLinks, 2);
    CloseHandle(h);

    /* RemoveDirectory: only empty directories, never files. */
    CHECK_FAIL(RemoveDirectory(d), FALSE, ERROR_DIR_NOT_EMPTY);
    CHECK_FAIL(RemoveDirectory(a), FALSE, ERROR_DIRECTORY);
    CHECK_FAIL(RemoveDirectory(_T("no_such_dir_fs")), FALSE, ERROR_FILE_NOT_FOUND);
    _stprintf(sub, _T("%s\\sub"), d);
    CHECK_OK(CreateDirectory(sub, NULL));
    /* A directory moves (renamed), but does not replace a file. */
    CHECK_FAIL(MoveFileEx(sub, a, MOVEFILE_REPLACE_EXISTING), FALSE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(DeleteFile(sub), FALSE, ERROR_ACCESS_DENIED);
}

/* Finds `pattern`, returns how many entries were found and whether `want` was one. */
static int count_find(const TCHAR *pattern, const TCHAR *want, BOOL *seen, DWORD *attrs)
{
    WIN32_FIND_DATA fd;
    int n = 0;
    HANDLE h = FindFirstFile(pattern, &fd);
    if (seen)
        *seen = FALSE;
    if (h == INVALID_HANDLE_VALUE)
        return -(int)GetLastError();
    do {
        n++;
        if (want && _tcscmp(fd.cFileName, want) == 0) {
            if (seen)
                *seen = TRUE;
            if (attrs)
                *attrs = fd.dwFileAttributes;
        }
    } while (FindNextFile(h, &fd));
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
    CHECK_OK(FindClose(h));
    return n;
}

static void test_find(const TCHAR *d)
{
    TCHAR p[200];
    BOOL seen;
    DWORD attrs = 0;
    WIN32_FIND_DATA fd;
    HANDLE h;

    /* d holds a.txt, b.txt, c.txt, sub\ */
    _stprintf(p, _T("%s\\*"), d);
    CHECK_EQ(count_find(p, _T("."), &seen, &attrs), 6);
    CHECK(seen);
    CHECK(attrs & FILE_ATTRIBUTE_DIRECTORY);
    CHECK_EQ(count_find(p, _T(".."), &seen, NULL), 6);
    CHECK(seen);
    _stprintf(p, _T("%s\\*.*"), d);
    CHECK_EQ(count_find(p, _T("sub"), &seen, &attrs), 6);
    CHECK(seen);
    CHECK(attrs & FILE_ATTRIBUTE_DIRECTORY);
    _stprintf(p, _T("%s\\*.txt"), d);
    CHECK_EQ(count_find(p, _T("b.txt"), &seen, NULL), 3);
    CHECK(seen);
    _stprintf(p, _T("%s\\*.TXT"), d); /* without regard to case */
    CHECK_EQ(count_find(p, NULL, NULL, NULL), 3);
    _stprintf(p, _T("%s\\?.txt"), d);
    CHECK_EQ(count_find(p, NULL, NULL, NULL), 3);
    _stprintf(p, _T("%s\\a?.txt"), d); /* ? before the dot also matches nothing */
    CHECK_EQ(count_find(p, _T("a.txt"), &seen, NULL), 1);
    CHECK(seen);
    _stprintf(p, _T("%s\\b.txt"), d); /* no wildcard: the file itself */
    CHECK_EQ(count_find(p, _T("b.txt"), &seen, NULL), 1);
    _stprintf(p, _T("%s\\*.doc"), d);
    CHECK_EQ(count_find(p, NULL, NULL, NULL), -(int)ERROR_FILE_NOT_FOUND);
    CHECK_EQ(count_find(_T("no_such_dir_fs\\*"), NULL, NULL, NULL),
             -(int)ERROR_PATH_NOT_FOUND);

    /* Size and attributes of an entry. */
    _stprintf(p, _T("%s\\a.txt"), d);
    h = FindFirstFile(p, &fd);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(fd.nFileSizeLow, 5);
    CHECK(fd.dwFileAttributes & FILE_ATTRIBUTE_ARCHIVE);
    CHECK_FAIL(FindNextFile(h, &fd), FALSE, ERROR_NO_MORE_FILES);
    CHECK_OK(FindClose(h));
    CHECK_FAIL(FindClose(h), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(FindNextFile(h, &fd), FALSE, ERROR_INVALID_HANDLE);

    /* FindFirstFileEx. */
    _stprintf(p, _T("%s\\*.TXT"), d);
    h = FindFirstFileEx(p, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL,
                        FIND_FIRST_EX_LARGE_FETCH);
    CHECK(h != INVALID_HANDLE_VALUE);
    FindClose(h);
    CHECK_FAIL(FindFirstFileEx(p, FindExInfoStandard, &fd, FindExSearchNameMatch, NULL,
                               FIND_FIRST_EX_CASE_SENSITIVE), INVALID_HANDLE_VALUE,
               ERROR_FILE_NOT_FOUND);
}

/* Hart's ls -R: FindFirstFile("*") in each directory, entering subdirectories with
 * SetCurrentDirectory, skipping "." and "..". Counts files and directories. */
static void traverse(int *files, int *dirs, int depth)
{
    WIN32_FIND_DATA fd;
    HANDLE h = FindFirstFile(_T("*"), &fd);
    if (h == INVALID_HANDLE_VALUE || depth > 8)
        return;
    do {
        if (_tcscmp(fd.cFileName, _T(".")) == 0 || _tcscmp(fd.cFileName, _T("..")) == 0)
            continue;
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) {
            (*dirs)++;
            if (SetCurrentDirectory(fd.cFileName)) {
                traverse(files, dirs, depth + 1);
                SetCurrentDirectory(_T(".."));
            }
        } else {
            (*files)++;
        }
    } while (FindNextFile(h, &fd));
    FindClose(h);
}

static void test_traverse(const TCHAR *d)
{
    TCHAR cwd[MAX_PATH], p[200];
    int files = 0, dirs = 0;
    _stprintf(p, _T("%s\\sub\\deep.txt"), d);
    put(p, "x");
    CHECK(GetCurrentDirectory(MAX_PATH, cwd) > 0);
    CHECK_OK(SetCurrentDirectory(d));
    traverse(&files, &dirs, 0);
    CHECK_OK(SetCurrentDirectory(cwd));
    CHECK_EQ(files, 4); /* a.txt b.txt c.txt sub\deep.txt */
    CHECK_EQ(dirs, 1);
    CHECK_OK(DeleteFile(p));
}

static void cleanup(const TCHAR *d)
{
    TCHAR p[200];
    const TCHAR *names[] = {_T("a.txt"), _T("b.txt"), _T("c.txt")};
    int i;
    for (i = 0; i < 3; i++) {
        _stprintf(p, _T("%s\\%s"), d, names[i]);
        CHECK_OK(DeleteFile(p));
    }
    _stprintf(p, _T("%s\\sub"), d);
    CHECK_OK(RemoveDirectory(p));
    CHECK_OK(RemoveDirectory(d));
    CHECK(!exists(d));
}

/* ReportError-style messages for the new codes. */
static void test_messages(void)
{
    char msg[256];
    DWORD n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                             ERROR_LOCK_VIOLATION, 0, msg, sizeof msg, NULL);
    CHECK(n > 0 && strstr(msg, "locked a portion") != NULL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       ERROR_DIR_NOT_EMPTY, 0, msg, sizeof msg, NULL);
    CHECK(n > 0 && strstr(msg, "not empty") != NULL);
    n = FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                       ERROR_NOT_SAME_DEVICE, 0, msg, sizeof msg, NULL);
    CHECK(n > 0 && strstr(msg, "different disk drive") != NULL);
}

static void test_names(void)
{
    TCHAR buf[MAX_PATH], cwd[MAX_PATH], want[MAX_PATH + 20], *part = NULL;
    DWORD n, spc, bps, fc, tc;
    ULARGE_INTEGER avail, total, freeb;

    CHECK(GetCurrentDirectory(MAX_PATH, cwd) > 0);
    n = GetFullPathName(_T("x\\..\\y.txt"), MAX_PATH, buf, &part);
    _stprintf(want, _T("%s/y.txt"), cwd);
    CHECK_EQ(n, _tcslen(want));
    CHECK(_tcscmp(buf, want) == 0);
    CHECK(part != NULL && _tcscmp(part, _T("y.txt")) == 0);
    /* Too small: the size needed, with the terminator. */
    CHECK_EQ(GetFullPathName(_T("y.txt"), 3, buf, NULL), _tcslen(want) + 1);
    CHECK_EQ(GetFullPathName(_T("C:\\a\\.\\b\\..\\c"), MAX_PATH, buf, &part), 4);
    CHECK(_tcscmp(buf, _T("/a/c")) == 0);
    CHECK(_tcscmp(part, _T("c")) == 0);

    /* SearchPath: sh is on PATH (the system directory /usr/bin, or /bin). */
    n = SearchPath(NULL, _T("sh"), NULL, MAX_PATH, buf, &part);
    CHECK(n > 0 && n < MAX_PATH);
    CHECK(part != NULL && _tcscmp(part, _T("sh")) == 0);
    CHECK(SearchPath(_T("/usr/bin;/bin"), _T("sh"), _T(".exe"), MAX_PATH, buf, NULL) == 0);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(SearchPath(NULL, _T("no_such_program_fs"), _T(".exe"), MAX_PATH, buf, NULL), 0,
               ERROR_FILE_NOT_FOUND);

    CHECK_OK(GetDiskFreeSpace(NULL, &spc, &bps, &fc, &tc));
    CHECK_EQ(bps, 512);
    CHECK(spc >= 1 && tc >= fc && tc > 0);
    CHECK_OK(GetDiskFreeSpaceEx(_T("."), &avail, &total, &freeb));
    CHECK(total.QuadPart > 0 && freeb.QuadPart <= total.QuadPart &&
          avail.QuadPart <= freeb.QuadPart);
    CHECK_FAIL(GetDiskFreeSpaceEx(_T("no_such_dir_fs\\"), &avail, NULL, NULL), FALSE,
               ERROR_PATH_NOT_FOUND);

    /* Change notifications: signaled by a new file, reset by FindNext, in a multi-wait. */
    {
        HANDLE ch, ev, both[2];
        CreateDirectory(_T("fs_watch"), NULL);
        CreateDirectory(_T("fs_watch\\sub"), NULL);
        ch = FindFirstChangeNotification(_T("fs_watch"), FALSE, FILE_NOTIFY_CHANGE_FILE_NAME);
        CHECK(ch != INVALID_HANDLE_VALUE);
        CHECK_EQ(WaitForSingleObject(ch, 0), WAIT_TIMEOUT);
        CloseHandle(CreateFile(_T("fs_watch\\a.txt"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                               FILE_ATTRIBUTE_NORMAL, NULL));
        CHECK_EQ(WaitForSingleObject(ch, 5000), WAIT_OBJECT_0);
        CHECK_OK(FindNextChangeNotification(ch));
        CHECK_EQ(WaitForSingleObject(ch, 0), WAIT_TIMEOUT);
        ev = CreateEvent(NULL, TRUE, FALSE, NULL);
        both[0] = ev;
        both[1] = ch;
        CHECK_EQ(WaitForMultipleObjects(2, both, FALSE, 50), WAIT_TIMEOUT);
        CHECK_OK(DeleteFile(_T("fs_watch\\a.txt")));
        CHECK_EQ(WaitForMultipleObjects(2, both, FALSE, 5000), WAIT_OBJECT_0 + 1);
        /* Not in the subtree: a change below is not seen. */
        CHECK_OK(FindNextChangeNotification(ch));
        CloseHandle(CreateFile(_T("fs_watch\\sub\\b.txt"), GENERIC_WRITE, 0, NULL,
                               CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL));
        CHECK_EQ(WaitForSingleObject(ch, 200), WAIT_TIMEOUT);
        CHECK_OK(FindCloseChangeNotification(ch));
        ch = FindFirstChangeNotification(_T("fs_watch"), TRUE, FILE_NOTIFY_CHANGE_FILE_NAME);
        CHECK(ch != INVALID_HANDLE_VALUE);
        CHECK_OK(DeleteFile(_T("fs_watch\\sub\\b.txt")));
        CHECK_EQ(WaitForSingleObject(ch, 5000), WAIT_OBJECT_0);
        CHECK_OK(FindCloseChangeNotification(ch));
        CloseHandle(ev);
        CHECK_OK(RemoveDirectory(_T("fs_watch\\sub")));
        CHECK_OK(RemoveDirectory(_T("fs_watch")));
        CHECK(FindFirstChangeNotification(_T("fs_no_such_dir"), FALSE,
                                          FILE_NOTIFY_CHANGE_FILE_NAME) == INVALID_HANDLE_VALUE);
        CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
        CHECK(FindFirstChangeNotification(_T("."), FALSE, 0) == INVALID_HANDLE_VALUE);
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
        CHECK_FAIL(FindNextChangeNotification(ev), FALSE, ERROR_INVALID_HANDLE);
    }

    /* Drives: C: is the root. */
    CHECK_EQ(GetLogicalDrives(), 1u << 2);
    {
        TCHAR drives[8];
        CHECK_EQ(GetLogicalDriveStrings(2, drives), 5);
        CHECK_EQ(GetLogicalDriveStrings(8, drives), 4);
        CHECK(_tcscmp(drives, _T("C:\\")) == 0 && drives[4] == 0);
    }
    CHECK_EQ(GetDriveType(_T("C:\\")), DRIVE_FIXED);
    CHECK_EQ(GetDriveType(_T("c:")), DRIVE_FIXED);
    CHECK(GetDriveType(NULL) >= DRIVE_FIXED);
    CHECK_EQ(GetDriveType(_T("Q:\\")), DRIVE_NO_ROOT_DIR);
    CHECK_EQ(GetDriveType(_T("no_such_dir_fs\\")), DRIVE_NO_ROOT_DIR);
    CHECK_EQ(GetDriveType(_T("/dev/shm")), DRIVE_RAMDISK);
}

int main(int argc, char **argv)
{
    TCHAR path[128], dir[128];
    char apath[128];
    if (argc == 4 && strcmp(argv[1], "lockchild") == 0)
        return lock_child(argv);

    /* Windows' layouts. */
    CHECK_EQ(sizeof(WIN32_FIND_DATAA), 320);
    CHECK_EQ(sizeof(WIN32_FIND_DATAW), 592);
    CHECK_EQ(sizeof(BY_HANDLE_FILE_INFORMATION), 52);
    CHECK_EQ(sizeof(WIN32_FILE_ATTRIBUTE_DATA), 36);

    _stprintf(path, _T("fs_%u.dat"), (unsigned)GetCurrentProcessId());
    snprintf(apath, sizeof apath, "fs_%u.dat", (unsigned)GetCurrentProcessId());
    _stprintf(dir, _T("fs_%u_dir"), (unsigned)GetCurrentProcessId());

    test_locks(argv[0], path, apath);
    test_info(path);
    test_dirs(dir);
    test_find(dir);
    test_traverse(dir);
    cleanup(dir);
    test_names();
    test_messages();
    return SUMMARY();
}
