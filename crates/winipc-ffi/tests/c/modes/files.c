/*
 * files.c - CreateFile on ordinary paths (every disposition, Windows separators, devices),
 * ReadFile/WriteFile/SetFilePointer(Ex)/GetFileSize(Ex)/FlushFileBuffers/GetFileType/DeleteFile,
 * file handles inherited by value, DuplicateHandle, Get/SetStdHandle, and STARTF_USESTDHANDLES
 * redirecting a non-winipc child's (sort's) stdin and stdout to files.
 */
#include <windows.h>
#include <tchar.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"

static const char *g_self;

static DWORD RunLine(char *line, BOOL inherit, STARTUPINFOA *si)
{
    STARTUPINFOA def;
    PROCESS_INFORMATION pi;
    DWORD code = 0xDEADBEEF;
    if (si == NULL) {
        ZeroMemory(&def, sizeof def);
        def.cb = sizeof def;
        si = &def;
    }
    if (!CreateProcessA(NULL, line, NULL, NULL, inherit, 0, NULL, NULL, si, &pi)) {
        printf("CreateProcess(%s) failed: %u\n", line, (unsigned)GetLastError());
        return code;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static int child(char **argv)
{
    HANDLE h = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 0);
    DWORD n;
    if (!WriteFile(h, "child\n", 6, &n, NULL))
        return (int)GetLastError();
    return 0;
}

/* The whole content of a file, through the Win32 calls. */
static DWORD Slurp(const char *path, char *buf, DWORD cap)
{
    DWORD n = 0;
    HANDLE h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return 0;
    if (!ReadFile(h, buf, cap - 1, &n, NULL))
        n = 0;
    buf[n] = 0;
    CloseHandle(h);
    return n;
}

int main(int argc, char **argv)
{
    HANDLE h, h2, in, out, saved;
    DWORD n, hi;
    LONG high;
    LARGE_INTEGER li, pos;
    char buf[256], line[600], path[128], path2[128], path3[128];
    SECURITY_ATTRIBUTES sa;
    STARTUPINFOA si;
    BOOL ok;

    g_self = argv[0];
    if (argc == 3)
        return child(argv);

    snprintf(path, sizeof path, "f14_%u.txt", (unsigned)GetCurrentProcessId());
    snprintf(path2, sizeof path2, "f14_%u_out.txt", (unsigned)GetCurrentProcessId());
    snprintf(path3, sizeof path3, "f14_%u_dir", (unsigned)GetCurrentProcessId());

    /* ---- dispositions ---- */
    CHECK_FAIL(CreateFileA(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(CreateFileA("no_such_dir_t14\\x.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0,
                           NULL), INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(CreateFileA(path, GENERIC_WRITE, 0, NULL, TRUNCATE_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    SetLastError(1234);
    h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CHECK_FAIL(CreateFileA(path, GENERIC_READ, 0, NULL, CREATE_NEW, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_EXISTS);
    CHECK_FAIL(CreateFileA(path, GENERIC_READ, 0, NULL, 9, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_INVALID_PARAMETER);

    /* ---- I/O, file pointer, size ---- */
    CHECK_OK(WriteFile(h, "hello world\n", 12, &n, NULL));
    CHECK_EQ(n, 12);
    CHECK_EQ(GetFileSize(h, &hi), 12);
    CHECK_EQ(hi, 0);
    CHECK_OK(GetFileSizeEx(h, &li));
    CHECK_EQ(li.QuadPart, 12);
    CHECK_EQ(SetFilePointer(h, 6, NULL, FILE_BEGIN), 6);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 6);
    CHECK(memcmp(buf, "world\n", 6) == 0);
    CHECK_OK(ReadFile(h, buf, sizeof buf, &n, NULL)); /* end of file: TRUE, 0 bytes */
    CHECK_EQ(n, 0);
    high = -1; /* with lpDistanceToMoveHigh the distance is high:low (here -5) */
    CHECK_EQ(SetFilePointer(h, -5, &high, FILE_END), 7);
    CHECK_EQ(high, 0);
    li.QuadPart = 0;
    CHECK_OK(SetFilePointerEx(h, li, &pos, FILE_CURRENT));
    CHECK_EQ(pos.QuadPart, 7);
    CHECK_FAIL(SetFilePointer(h, -100, NULL, FILE_CURRENT), INVALID_SET_FILE_POINTER,
               ERROR_NEGATIVE_SEEK);
    CHECK_FAIL(SetFilePointer(h, 0, NULL, 7), INVALID_SET_FILE_POINTER, ERROR_INVALID_PARAMETER);
    /* An OVERLAPPED on a synchronous file handle: the transfer is at its Offset, and the
     * file pointer follows. */
    {
        OVERLAPPED ov;
        ZeroMemory(&ov, sizeof ov);
        ov.Offset = 6;
        CHECK_OK(ReadFile(h, buf, 5, &n, &ov));
        CHECK_EQ(n, 5);
        CHECK(memcmp(buf, "world", 5) == 0);
        CHECK_EQ(ov.InternalHigh, 5);
        CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 11);
        ov.Offset = 0;
        CHECK_OK(WriteFile(h, "HE", 2, &n, &ov));
        CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 2);
        ov.Offset = 0;
        CHECK_OK(ReadFile(h, buf, 5, &n, &ov));
        CHECK(memcmp(buf, "HEllo", 5) == 0);
    }
    CHECK_OK(FlushFileBuffers(h));
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0); /* a file is signaled */
    CHECK_EQ(WaitForSingleObject(GetStdHandle(STD_INPUT_HANDLE), 1000), WAIT_OBJECT_0); /* EOF */
    CHECK_EQ(GetFileType(h), FILE_TYPE_DISK);
    CHECK_EQ(GetFileType(GetStdHandle(STD_INPUT_HANDLE)), FILE_TYPE_CHAR); /* /dev/null */
    CHECK_EQ(GetFileType(GetStdHandle(STD_OUTPUT_HANDLE)), FILE_TYPE_PIPE);
    CHECK_FAIL(GetFileType(CreateEventA(NULL, FALSE, FALSE, NULL)), FILE_TYPE_UNKNOWN,
               ERROR_INVALID_HANDLE);
    /* DuplicateHandle: the same open file (and file pointer). */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &h2, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(h2 != h);
    CHECK_EQ(SetFilePointer(h2, 0, NULL, FILE_END), 12);
    CHECK_EQ(SetFilePointer(h, 0, NULL, FILE_CURRENT), 12);
    CHECK_OK(CloseHandle(h2));
    CHECK_OK(CloseHandle(h));
    CHECK_FAIL(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE);

    /* OPEN_ALWAYS / CREATE_ALWAYS on an existing file: ERROR_ALREADY_EXISTS, success. */
    h = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_ALWAYS, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_FAIL(WriteFile(h, "x", 1, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_EQ(GetFileSize(h, NULL), 0);
    CHECK_FAIL(ReadFile(h, buf, 1, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);

    /* Windows separators and a drive-less relative path. */
    mkdir(path3, 0700);
    snprintf(line, sizeof line, "%s\\inner.txt", path3);
    h = CreateFile(TEXT("placeholder"), 0, 0, NULL, OPEN_EXISTING, 0, NULL); /* missing */
    CHECK(h == INVALID_HANDLE_VALUE);
    h = CreateFileA(line, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    CloseHandle(h);
    snprintf(buf, sizeof buf, "%s/inner.txt", path3);
    CHECK(access(buf, F_OK) == 0);
    CHECK_OK(DeleteFileA(line));
    CHECK_FAIL(DeleteFileA(line), FALSE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(CreateFileA(path3, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    h = CreateFileA(path3, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
    CHECK(h != INVALID_HANDLE_VALUE);
    CloseHandle(h);
    CHECK_FAIL(DeleteFileA(path3), FALSE, ERROR_ACCESS_DENIED);
    rmdir(path3);

    /* Devices. */
    h = CreateFileA("NUL", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_OK(WriteFile(h, "gone", 4, &n, NULL));
    CHECK_EQ(GetFileType(h), FILE_TYPE_CHAR);
    CloseHandle(h);

    /* FILE_FLAG_DELETE_ON_CLOSE. */
    h = CreateFileA(path2, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_FLAG_DELETE_ON_CLOSE, NULL);
    CHECK(access(path2, F_OK) == 0);
    CloseHandle(h);
    CHECK(access(path2, F_OK) != 0);

    /* ---- a file handle inherited by value ---- */
    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    h = CreateFileA(path, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, 0, NULL);
    CHECK_OK(GetHandleInformation(h, &n));
    CHECK_EQ(n, HANDLE_FLAG_INHERIT);
    snprintf(line, sizeof line, "\"%s\" write %llu", g_self, U64(h));
    CHECK_EQ(RunLine(line, TRUE, NULL), 0);
    snprintf(line, sizeof line, "\"%s\" write %llu", g_self, U64(h));
    CHECK_EQ(RunLine(line, FALSE, NULL), ERROR_INVALID_HANDLE); /* not inherited */
    CHECK_OK(SetHandleInformation(h, HANDLE_FLAG_INHERIT, 0));
    snprintf(line, sizeof line, "\"%s\" write %llu", g_self, U64(h));
    CHECK_EQ(RunLine(line, TRUE, NULL), ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CHECK_EQ(Slurp(path, buf, sizeof buf), 6);
    CHECK(strcmp(buf, "child\n") == 0);

    /* ---- STARTF_USESTDHANDLES: sort reads one file and writes another ---- */
    h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    CHECK_OK(WriteFile(h, "pear\napple\nfig\n", 15, &n, NULL));
    CloseHandle(h);
    in = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, &sa, OPEN_EXISTING, 0, NULL);
    out = CreateFileA(path2, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, 0, NULL);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = in;
    si.hStdOutput = out;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    strcpy(line, "sort");
    CHECK_EQ(RunLine(line, TRUE, &si), 0);
    CloseHandle(in);
    CloseHandle(out);
    CHECK_EQ(Slurp(path2, buf, sizeof buf), 15);
    CHECK(strcmp(buf, "apple\nfig\npear\n") == 0);

    /* ---- SetStdHandle: the child's standard output without STARTF_USESTDHANDLES ---- */
    saved = GetStdHandle(STD_OUTPUT_HANDLE);
    out = CreateFileA(path2, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, 0, NULL);
    CHECK_OK(SetStdHandle(STD_OUTPUT_HANDLE, out));
    CHECK(GetStdHandle(STD_OUTPUT_HANDLE) == out);
    strcpy(line, "echo redirected");
    CHECK_EQ(RunLine(line, TRUE, NULL), 0);
    ok = SetStdHandle(STD_OUTPUT_HANDLE, saved);
    CHECK(ok);
    CHECK(GetStdHandle(STD_OUTPUT_HANDLE) == saved);
    CloseHandle(out);
    CHECK_EQ(Slurp(path2, buf, sizeof buf), 11);
    CHECK(strcmp(buf, "redirected\n") == 0);
    CHECK_FAIL(SetStdHandle(7, saved), FALSE, ERROR_INVALID_HANDLE);

    CHECK_OK(DeleteFileA(path));
    CHECK_OK(DeleteFile(TEXT("placeholder_missing")) == FALSE);
    DeleteFileA(path2);
    return SUMMARY();
}
