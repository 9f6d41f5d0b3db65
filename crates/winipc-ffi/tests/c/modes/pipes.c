/*
 * pipes.c - anonymous pipes: CreatePipe, ReadFile/WriteFile across a child process, a
 * non-winipc child's (sort's) stdin and stdout redirected to pipes with STARTF_USESTDHANDLES
 * (the textbook parent/child filter), ERROR_BROKEN_PIPE once every write end is closed, and
 * ERROR_NO_DATA - not SIGPIPE - once every read end is closed.
 */
#include <windows.h>
#include <tchar.h>
#include <string.h>
#include "harness.h"

int main(void)
{
    HANDLE r, w;
    DWORD n = 0;
    char buf[256];
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

    /* A pipe within one process. */
    CHECK(CreatePipe(&r, &w, NULL, 0));
    CHECK(GetFileType(r) == FILE_TYPE_PIPE);
    CHECK(WriteFile(w, "hello", 5, &n, NULL) && n == 5);
    CHECK(ReadFile(r, buf, sizeof buf, &n, NULL) && n == 5 && memcmp(buf, "hello", 5) == 0);
    /* Every write end closed: ERROR_BROKEN_PIPE. */
    CHECK(CloseHandle(w));
    SetLastError(0);
    CHECK(!ReadFile(r, buf, sizeof buf, &n, NULL) && n == 0);
    CHECK(GetLastError() == ERROR_BROKEN_PIPE);
    CHECK(CloseHandle(r));

    /* Every read end closed: ERROR_NO_DATA, and the process is not killed by SIGPIPE. */
    CHECK(CreatePipe(&r, &w, NULL, 0));
    CHECK(CloseHandle(r));
    SetLastError(0);
    CHECK(!WriteFile(w, "x", 1, &n, NULL));
    CHECK(GetLastError() == ERROR_NO_DATA);
    CHECK(CloseHandle(w));

    /* Bad arguments. */
    SetLastError(0);
    CHECK(!CreatePipe(NULL, &w, NULL, 0) && GetLastError() == ERROR_NOACCESS);

    /* The textbook filter: sort reads our pipe and writes another. The child's ends are
       inheritable; ours are made non-inheritable so that sort sees end of file. */
    {
        HANDLE in_r, in_w, out_r, out_w;
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char line[] = "sort";
        DWORD code = 1, total = 0;
        CHECK(CreatePipe(&in_r, &in_w, &sa, 0));
        CHECK(CreatePipe(&out_r, &out_w, &sa, 4096));
        CHECK(SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0));
        CHECK(SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0));
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in_r;
        si.hStdOutput = out_w;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        CHECK(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
        CHECK(CloseHandle(in_r));
        CHECK(CloseHandle(out_w));
        CHECK(WriteFile(in_w, "pear\napple\nfig\n", 15, &n, NULL) && n == 15);
        CHECK(CloseHandle(in_w));
        for (;;) {
            if (!ReadFile(out_r, buf + total, (DWORD)(sizeof buf - 1 - total), &n, NULL)) {
                CHECK(GetLastError() == ERROR_BROKEN_PIPE);
                break;
            }
            total += n;
        }
        buf[total] = 0;
        CHECK(strcmp(buf, "apple\nfig\npear\n") == 0);
        CHECK(WaitForSingleObject(pi.hProcess, 10000) == WAIT_OBJECT_0);
        CHECK(GetExitCodeProcess(pi.hProcess, &code) && code == 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        CloseHandle(out_r);
    }
    return SUMMARY();
}
