/*
 * environment.c - the process environment: variables (inherited by children, or replaced by
 * lpEnvironment), ExpandEnvironmentStrings, GetEnvironmentStrings, lpCurrentDirectory, the
 * current directory, GetStartupInfo, GetCommandLine, the system directories, modules
 * (GetModuleHandle/LoadLibrary/GetProcAddress/FreeLibrary/GetModuleFileName), temporary
 * file names, and the Tool Help snapshot of processes and threads.
 */
#include <windows.h>
#include <tlhelp32.h>
#include <tchar.h>
#include <unistd.h>
#include "harness.h"

static const char *g_self;

static int tstreq(const TCHAR *a, const char *b)
{
    while (*a && *b && *a == (TCHAR)*b) {
        a++;
        b++;
    }
    return *a == 0 && *b == 0;
}

static int tcontains(const TCHAR *hay, const char *needle)
{
    for (; *hay; hay++) {
        const TCHAR *h = hay;
        const char *n = needle;
        while (*h && *n && *h == (TCHAR)*n) {
            h++;
            n++;
        }
        if (*n == 0)
            return 1;
    }
    return 0;
}

static DWORD Run(const char *args, void *env, DWORD flags, const char *dir)
{
    char line[600];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xDEADBEEF;
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, env, dir, &si, &pi)) {
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
    char buf[512];
    DWORD n;
    if (!strcmp(argv[1], "getenv")) {
        n = GetEnvironmentVariableA("WINIPC_T14", buf, sizeof buf);
        if (n == 0)
            return GetLastError() == ERROR_ENVVAR_NOT_FOUND ? 404 : 1;
        return strcmp(buf, argv[2]) == 0 ? 200 : 2;
    }
    if (!strcmp(argv[1], "pwd")) {
        n = GetCurrentDirectoryA(sizeof buf, buf);
        return n > 0 && strcmp(buf, argv[2]) == 0 ? 201 : 3;
    }
    if (!strcmp(argv[1], "onlyvar")) {
        /* lpEnvironment replaces the environment: PATH is gone. */
        if (GetEnvironmentVariableA("PATH", buf, sizeof buf) != 0)
            return 4;
        n = GetEnvironmentVariableA("ONLY", buf, sizeof buf);
        return n == 3 && !strcmp(buf, argv[2]) ? 202 : 5;
    }
    if (!strcmp(argv[1], "sleep")) {
        Sleep(10000);
        return 0;
    }
    return 99;
}

static DWORD WINAPI Sleeper(LPVOID p)
{
    WaitForSingleObject((HANDLE)p, INFINITE);
    return 0;
}

typedef DWORD (WINAPI *GETPID)(void);
typedef double (*COSFN)(double);

int main(int argc, char **argv)
{
    TCHAR t[512];
    char a[512];
    DWORD n, i, mythreads;
    LPTCH block;
    LPCH blocka;
    STARTUPINFO si;
    HMODULE k32, m;
    GETPID getpid_fn;
    COSFN cosfn;
    HANDLE snap, th, ev;
    PROCESSENTRY32 pe;
    THREADENTRY32 te;
    int found;
    char dir[512];
    const char *base;
    BOOL more;

    g_self = argv[0];
    if (argc == 3)
        return child(argv);

    /* ---- variables ---- */
    CHECK_FAIL(GetEnvironmentVariable(TEXT("WINIPC_T14"), t, 512), 0, ERROR_ENVVAR_NOT_FOUND);
    CHECK_EQ(Run("getenv x", NULL, 0, NULL), 404);
    CHECK_OK(SetEnvironmentVariable(TEXT("WINIPC_T14"), TEXT("val")));
    CHECK_EQ(GetEnvironmentVariable(TEXT("WINIPC_T14"), t, 512), 3);
    CHECK(tstreq(t, "val"));
    CHECK_EQ(GetEnvironmentVariable(TEXT("WINIPC_T14"), t, 3), 4); /* size needed */
    CHECK_EQ(GetEnvironmentVariableA("WINIPC_T14", a, sizeof a), 3);
    CHECK_EQ(Run("getenv val", NULL, 0, NULL), 200); /* inherited */
    CHECK_EQ(ExpandEnvironmentStrings(TEXT("%WINIPC_T14%-%NO_SUCH_T14%"), t, 512), 18);
    CHECK(tstreq(t, "val-%NO_SUCH_T14%"));
    CHECK_EQ(ExpandEnvironmentStrings(TEXT("%WINIPC_T14%"), t, 2), 4);
    block = GetEnvironmentStrings();
    CHECK(block != NULL);
    found = 0;
    for (LPTCH p = block; *p; p += _tcslen(p) + 1)
        found += tstreq(p, "WINIPC_T14=val");
    CHECK_EQ(found, 1);
    CHECK_OK(FreeEnvironmentStrings(block));
    blocka = GetEnvironmentStringsA();
    CHECK(blocka != NULL && blocka[0] != 0);
    CHECK_OK(FreeEnvironmentStringsA(blocka));
    CHECK_OK(SetEnvironmentVariable(TEXT("WINIPC_T14"), NULL));
    CHECK_FAIL(GetEnvironmentVariableA("WINIPC_T14", a, sizeof a), 0, ERROR_ENVVAR_NOT_FOUND);
    CHECK_FAIL(SetEnvironmentVariableA("A=B", "x"), FALSE, ERROR_INVALID_PARAMETER);

    /* lpEnvironment: exactly these variables (ANSI block, and a UTF-16 one). */
    {
        static char env_a[] = "ONLY=abc\0OTHER=1\0";
        static WCHAR env_w[] = { 'O', 'N', 'L', 'Y', '=', 'x', 'y', 'z', 0, 0 };
        CHECK_EQ(Run("onlyvar abc", env_a, 0, NULL), 202);
        CHECK_EQ(Run("onlyvar xyz", env_w, CREATE_UNICODE_ENVIRONMENT, NULL), 202);
    }

    /* ---- directories ---- */
    n = GetCurrentDirectoryA(sizeof dir, dir);
    CHECK(n > 0 && n == strlen(dir));
    CHECK_EQ(GetCurrentDirectoryA(1, a), n + 1);
    CHECK_EQ(Run("pwd /tmp", NULL, 0, "/tmp"), 201);
    CHECK_EQ(Run("pwd /usr", NULL, 0, "\\usr"), 201); /* Windows separators accepted */
    CHECK_OK(SetCurrentDirectory(TEXT("\\tmp")));
    CHECK_EQ(GetCurrentDirectory(512, t), 4);
    CHECK(tstreq(t, "/tmp"));
    CHECK_FAIL(SetCurrentDirectoryA("/no/such/dir/t14"), FALSE, ERROR_PATH_NOT_FOUND);
    CHECK_OK(SetCurrentDirectoryA(dir));
    CHECK_EQ(GetSystemDirectory(t, 512), 8);
    CHECK(tstreq(t, "/usr/bin"));
    CHECK_EQ(GetWindowsDirectory(t, 512), 4);
    CHECK(tstreq(t, "/usr"));
    CHECK_EQ(GetSystemDirectoryA(a, 3), 9);

    /* ---- startup information, command line ---- */
    ZeroMemory(&si, sizeof si);
    GetStartupInfo(&si);
    CHECK_EQ(si.cb, sizeof si);
    CHECK(si.hStdOutput == GetStdHandle(STD_OUTPUT_HANDLE));
    CHECK(tcontains(GetCommandLine(), "environment"));

    /* ---- modules ---- */
    CHECK(GetModuleHandle(NULL) != NULL);
    n = GetModuleFileNameA(NULL, a, sizeof a);
    CHECK(n > 0 && a[0] == '/');
    base = strrchr(g_self, '/') ? strrchr(g_self, '/') + 1 : g_self;
    CHECK(strstr(a, base) != NULL);
    CHECK_FAIL(GetModuleFileNameA(NULL, a, 4), 4, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(strlen(a), 3);
    k32 = GetModuleHandle(TEXT("KERNEL32.DLL"));
    CHECK(k32 != NULL);
    getpid_fn = (GETPID)(void *)GetProcAddress(k32, "GetCurrentProcessId");
    CHECK(getpid_fn != NULL && getpid_fn() == GetCurrentProcessId());
    CHECK_FAIL(GetProcAddress(k32, "NoSuchFunctionT14"), 0, ERROR_PROC_NOT_FOUND);
    CHECK_FAIL(LoadLibrary(TEXT("no_such_library_t14.dll")), 0, ERROR_MOD_NOT_FOUND);
    m = LoadLibraryA("libm.so.6");
    CHECK(m != NULL);
    cosfn = (COSFN)(void *)GetProcAddress(m, "cos");
    CHECK(cosfn != NULL && cosfn(0.0) == 1.0);
    CHECK(GetModuleFileNameA(m, a, sizeof a) > 0 && strstr(a, "libm") != NULL);
    CHECK_OK(FreeLibrary(m));
    CHECK_FAIL(FreeLibrary((HMODULE)(ULONG_PTR)0x1234560), FALSE, ERROR_INVALID_HANDLE);

    /* ---- temporary files ---- */
    n = GetTempPath(512, t);
    CHECK(n > 0 && t[n - 1] == '/');
    CHECK_EQ(GetTempFileName(TEXT("/tmp"), TEXT("wipx"), 0x1234, t), 0x1234);
    CHECK(tstreq(t, "/tmp/wip1234.tmp"));
    n = GetTempFileNameA("/tmp", "t14", 0, a);
    CHECK(n != 0);
    CHECK(access(a, F_OK) == 0);
    remove(a);
    CHECK_FAIL(GetTempFileNameA("/no/such/dir/t14", "t", 0, a), 0, ERROR_DIRECTORY);

    /* ---- Tool Help ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    th = CreateThread(NULL, 0, Sleeper, ev, 0, NULL);
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS | TH32CS_SNAPTHREAD, 0);
    CHECK(snap != INVALID_HANDLE_VALUE);
    pe.dwSize = 8;
    CHECK_FAIL(Process32First(snap, &pe), FALSE, ERROR_BAD_LENGTH);
    pe.dwSize = sizeof pe;
    found = 0;
    for (more = Process32First(snap, &pe); more; more = Process32Next(snap, &pe)) {
        if (pe.th32ProcessID == GetCurrentProcessId()) {
            found++;
            CHECK_EQ(pe.th32ParentProcessID, (DWORD)getppid());
            CHECK(pe.cntThreads >= 2);
            CHECK(tstreq(pe.szExeFile, base));
        }
    }
    CHECK_EQ(found, 1);
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_FILES);
    CHECK_FAIL(Process32Next(snap, &pe), FALSE, ERROR_NO_MORE_FILES);
    CHECK_OK(Process32First(snap, &pe)); /* First starts over */
    te.dwSize = sizeof te;
    mythreads = 0;
    found = 0;
    for (more = Thread32First(snap, &te); more; more = Thread32Next(snap, &te)) {
        if (te.th32OwnerProcessID == GetCurrentProcessId()) {
            mythreads++;
            found += te.th32ThreadID == GetCurrentThreadId();
        }
    }
    CHECK(mythreads >= 2);
    CHECK_EQ(found, 1);
    CHECK_OK(CloseHandle(snap));
    CHECK_FAIL(CloseHandle(snap), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(Process32First(snap, &pe), FALSE, ERROR_INVALID_HANDLE);
    SetEvent(ev);
    WaitForSingleObject(th, INFINITE);
    CloseHandle(th);
    CloseHandle(ev);

    /* A child found by name in a new snapshot (a "process lister"). */
    {
        char line[600];
        STARTUPINFOA sia;
        PROCESS_INFORMATION pi;
        snprintf(line, sizeof line, "\"%s\" sleep x", g_self);
        ZeroMemory(&sia, sizeof sia);
        sia.cb = sizeof sia;
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &sia, &pi));
        Sleep(100);
        snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
        found = 0;
        pe.dwSize = sizeof pe;
        for (more = Process32First(snap, &pe); more; more = Process32Next(snap, &pe))
            if (pe.th32ProcessID == pi.dwProcessId && tstreq(pe.szExeFile, base) &&
                pe.th32ParentProcessID == GetCurrentProcessId())
                found++;
        CHECK_EQ(found, 1);
        CloseHandle(snap);
        CHECK_OK(TerminateProcess(pi.hProcess, 9));
        WaitForSingleObject(pi.hProcess, INFINITE);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    (void)i;
    return SUMMARY();
}
