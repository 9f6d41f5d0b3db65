/*
 * processes.c - processes, handles and inheritance as Win32 programs written for Windows use
 * them (Microsoft Learn's "Creating Processes", textbook parent/child programs that print an
 * inheritable handle's value into the child's command line, the handle parts of Wine's
 * kernel32 process.c and sync.c tests):
 *
 *   - CreateProcessA/W: program lookup (quoted and unquoted names, ".exe" dropped, the
 *     caller's directory, the current directory, PATH), lpApplicationName, the exact command
 *     line in the child (GetCommandLineA/W, CommandLineToArgvW, __argc/__argv), creation
 *     flags, environment blocks (ANSI and Unicode), lpCurrentDirectory, STARTUPINFO.cb and
 *     the child's GetStartupInfo, PROCESS_INFORMATION, the errors for bad images;
 *   - exit codes (STILL_ACTIVE, ExitProcess, return, TerminateProcess, signals), waits on the
 *     process, GetProcessTimes, GetProcessId, the pseudo-handle, OpenProcess's errors,
 *     atexit handlers run by ExitProcess;
 *   - DuplicateHandle (same access, reduced access, DUPLICATE_CLOSE_SOURCE - on failure, in
 *     place, on files -, into a child that has just started or is suspended),
 *     Get/SetHandleInformation, HANDLE_FLAG_PROTECT_FROM_CLOSE, CloseHandle's errors, handle
 *     values, GetProcessHandleCount, a store left clean by a process that held a named pipe;
 *   - inheritance of events, mutexes, semaphores, mailslots (both ends) and file mappings at
 *     the same value (printed with %llx, %p or %d), non-inheritable handles absent, a
 *     grandchild, and a shell in between (exec'ing the program or forking it).
 *
 * The program runs itself as the child ("<self> <mode> ..."). A watchdog thread ends the run
 * if anything hangs.
 */
#include <windows.h>
#include <shellapi.h>
#include <psapi.h>
#include <tchar.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"

static char g_self[1024]; /* absolute path of this program */
static char g_base[1024]; /* its file name */

#define TIMEOUT_MS 20000

/* ---- helpers ---------------------------------------------------------------------------- */

static void widen(WCHAR *dst, const char *src, size_t n)
{
    size_t i;
    for (i = 0; src[i] && i + 1 < n; i++)
        dst[i] = (WCHAR)(unsigned char)src[i];
    dst[i] = 0;
}

static int wide_eq(const WCHAR *w, const char *a)
{
    while (*a && *w == (WCHAR)(unsigned char)*a) {
        w++;
        a++;
    }
    return *w == 0 && *a == 0;
}

/* Waits for and closes pi; returns the exit code (0xDEADBEEF if the wait failed). */
static DWORD Finish(PROCESS_INFORMATION *pi)
{
    DWORD code = 0xDEADBEEF;
    if (WaitForSingleObject(pi->hProcess, TIMEOUT_MS) != WAIT_OBJECT_0) {
        printf("child %u did not end\n", (unsigned)pi->dwProcessId);
        TerminateProcess(pi->hProcess, 1);
    }
    GetExitCodeProcess(pi->hProcess, &code);
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
    return code;
}

/* Runs a command line; returns the child's exit code, or 0xDEADBEEF if CreateProcess failed. */
static DWORD RunEx(const char *app, const char *cmdline, BOOL inherit, DWORD flags, LPVOID env,
                   const char *dir)
{
    char line[2048];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "%s", cmdline ? cmdline : "");
    if (!CreateProcessA(app, cmdline ? line : NULL, NULL, NULL, inherit, flags, env, dir, &si,
                        &pi)) {
        printf("CreateProcess(%s, %s) failed: %u\n", app ? app : "NULL", line,
               (unsigned)GetLastError());
        return 0xDEADBEEF;
    }
    return Finish(&pi);
}

/* Runs "<self> <args>". */
static DWORD Self(const char *args, BOOL inherit)
{
    char line[2048];
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    return RunEx(NULL, line, inherit, 0, NULL, NULL);
}

/* The error of a CreateProcessA that must fail (0 if it succeeded). */
static DWORD CreateError(const char *app, const char *cmdline)
{
    char line[1024];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "%s", cmdline ? cmdline : "");
    SetLastError(0);
    if (CreateProcessA(app, cmdline ? line : NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi)) {
        Finish(&pi);
        return 0;
    }
    return GetLastError();
}

static HANDLE HexHandle(const char *s)
{
    return (HANDLE)(ULONG_PTR)strtoull(s, NULL, 16);
}

/* ---- the child -------------------------------------------------------------------------- */

static HANDLE g_atexit_event;

static void AtExitHandler(void)
{
    SetEvent(g_atexit_event);
}

/* Uses an inherited handle of the given kind; 0 on success, else 1000 + the error. */
static int UseHandle(const char *kind, HANDLE h)
{
    DWORD n = 0, next = 0, count = 0;
    char buf[64];
    if (!strcmp(kind, "ev"))
        return SetEvent(h) ? 0 : 1000 + (int)GetLastError();
    if (!strcmp(kind, "mx")) {
        if (WaitForSingleObject(h, TIMEOUT_MS) != WAIT_OBJECT_0)
            return 1000 + (int)GetLastError();
        return ReleaseMutex(h) ? 0 : 1000 + (int)GetLastError();
    }
    if (!strcmp(kind, "sem")) {
        LONG prev = -1;
        if (!ReleaseSemaphore(h, 1, &prev))
            return 1000 + (int)GetLastError();
        return prev == 0 ? 0 : 2;
    }
    if (!strcmp(kind, "ms")) { /* a mailslot's server end: read what the parent wrote */
        if (!GetMailslotInfo(h, NULL, &next, &count, NULL))
            return 1000 + (int)GetLastError();
        if (count != 1 || next != 5)
            return 3;
        if (!ReadFile(h, buf, sizeof buf, &n, NULL))
            return 1000 + (int)GetLastError();
        return n == 5 && !memcmp(buf, "hello", 5) ? 0 : 4;
    }
    if (!strcmp(kind, "msc")) /* a mailslot's client end: write to the parent */
        return WriteFile(h, "child", 5, &n, NULL) && n == 5 ? 0 : 1000 + (int)GetLastError();
    if (!strcmp(kind, "map")) {
        LONG *v = (LONG *)MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0);
        if (!v)
            return 1000 + (int)GetLastError();
        *v = 0x1234;
        UnmapViewOfFile(v);
        return 0;
    }
    if (!strcmp(kind, "proc")) { /* the parent's process handle */
        DWORD code = 0;
        if (!GetExitCodeProcess(h, &code))
            return 1000 + (int)GetLastError();
        return code == STILL_ACTIVE ? 0 : 5;
    }
    if (!strcmp(kind, "none")) /* must not exist here */
        return !SetEvent(h) && GetLastError() == ERROR_INVALID_HANDLE ? 0 : 6;
    return 99;
}

/* L"PX_WLINE" in any mode. */
static const WCHAR *u16lit_PX_WLINE(void)
{
    static WCHAR w[16];
    widen(w, "PX_WLINE", 16);
    return w;
}

static int CheckLine(int argc, char **argv)
{
    {
        /* The exact command line and argv the parent announced in the environment. */
        char want[2048], got[2048];
        WCHAR *w;
        LPWSTR *wargv;
        int i, wargc = 0;
        size_t len = 0;
        if (!GetEnvironmentVariableA("PX_LINE", want, sizeof want))
            return 10;
        if (strcmp(GetCommandLineA(), want)) {
            printf("child: GetCommandLineA [%s], want [%s]\n", GetCommandLineA(), want);
            return 11;
        }
        w = GetCommandLineW();
        if (!wide_eq(w, want))
            return 12;
        got[0] = 0;
        for (i = 0; i < argc; i++) {
            len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", i ? "|" : "", argv[i]);
            if (len >= sizeof got)
                return 13;
        }
        if (!GetEnvironmentVariableA("PX_ARGV", want, sizeof want))
            return 14;
        if (strcmp(got, want)) {
            printf("child: argv [%s], want [%s]\n", got, want);
            return 15;
        }
        /* CommandLineToArgvW gives the same argv (shell32's rules = the CRT's here). */
        wargv = CommandLineToArgvW(w, &wargc);
        if (!wargv || wargc != argc)
            return 16;
        for (i = 0; i < argc; i++)
            if (!wide_eq(wargv[i], argv[i]))
                return 17;
        if (LocalFree(wargv) != NULL)
            return 18;
        /* The MSVC runtime's globals. */
        if (__argc != argc || strcmp(__argv[argc - 1], argv[argc - 1]) || __argv[argc])
            return 19;
        if (!wide_eq(__wargv[argc - 1], argv[argc - 1]))
            return 20;
        return 0;
    }
}

static int Child(int argc, char **argv)
{
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "line"))
        return CheckLine(argc, argv);
    if (!strcmp(m, "wline")) { /* GetCommandLineW = PX_WLINE, GetCommandLineA = PX_LINE */
        WCHAR w[512];
        char a[1024];
        if (!GetEnvironmentVariableW(u16lit_PX_WLINE(), w, 512) ||
            !GetEnvironmentVariableA("PX_LINE", a, sizeof a))
            return 90;
        if (lstrcmpW(GetCommandLineW(), w))
            return 91;
        return strcmp(GetCommandLineA(), a) ? 92 : 0;
    }
    if (!strcmp(m, "exit"))
        ExitProcess((UINT)strtoul(argv[2], NULL, 0));
    if (!strcmp(m, "ret"))
        return (int)strtoul(argv[2], NULL, 0);
    if (!strcmp(m, "sleep")) {
        Sleep((DWORD)strtoul(argv[2], NULL, 0));
        return 0;
    }
    if (!strcmp(m, "pid")) /* the ids the parent got in PROCESS_INFORMATION */
        return GetCurrentThreadId() == GetCurrentProcessId() ? (int)GetCurrentProcessId() : 1;
    if (!strcmp(m, "raise"))
        raise(atoi(argv[2]));
    if (!strcmp(m, "abort"))
        abort();
    if (!strcmp(m, "fault")) {
        volatile int *volatile p = NULL;
        *p = 1;
    }
    if (!strcmp(m, "env")) { /* env NAME VALUE ("-" = must be absent) */
        char v[256];
        DWORD n;
        SetLastError(0);
        n = GetEnvironmentVariableA(argv[2], v, sizeof v);
        if (!strcmp(argv[3], "-"))
            return n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND ? 0 : 30;
        return n && !strcmp(v, argv[3]) ? 0 : 31;
    }
    if (!strcmp(m, "cwd")) {
        char d[1024];
        if (!GetCurrentDirectoryA(sizeof d, d))
            return 40;
        return strcmp(d, argv[2]) ? 41 : 0;
    }
    if (!strcmp(m, "use")) /* use KIND HEX */
        return UseHandle(argv[2], HexHandle(argv[3]));
    if (!strcmp(m, "usep")) { /* usep KIND %p-text: the textbook's printf("%p") / sscanf */
        void *p = NULL;
        if (sscanf(argv[3], "%p", &p) != 1)
            return 80;
        return UseHandle(argv[2], (HANDLE)p);
    }
    if (!strcmp(m, "used")) /* used KIND %d-text */
        return UseHandle(argv[2], (HANDLE)(ULONG_PTR)atoi(argv[3]));
    if (!strcmp(m, "chain")) { /* chain KIND HEX DEPTH: pass the handle down, then use it */
        int depth = atoi(argv[4]);
        char args[256];
        if (depth == 0)
            return UseHandle(argv[2], HexHandle(argv[3]));
        snprintf(args, sizeof args, "chain %s %s %d", argv[2], argv[3], depth - 1);
        return (int)Self(args, TRUE);
    }
    if (!strcmp(m, "atexit")) { /* atexit HEX: ExitProcess runs the atexit handlers */
        g_atexit_event = HexHandle(argv[2]);
        atexit(AtExitHandler);
        ExitProcess(7);
    }
    if (!strcmp(m, "recv")) {
        /* recv MAP EVENT: the parent duplicates a handle into this process and writes its
         * value into the named mapping, then sets the named event. */
        HANDLE map = OpenFileMappingA(FILE_MAP_READ, FALSE, argv[2]);
        HANDLE ev = OpenEventA(SYNCHRONIZE, FALSE, argv[3]);
        ULONG_PTR *v;
        int r;
        if (!map || !ev)
            return 50;
        if (WaitForSingleObject(ev, TIMEOUT_MS) != WAIT_OBJECT_0)
            return 51;
        v = (ULONG_PTR *)MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
        if (!v)
            return 52;
        r = UseHandle("ev", (HANDLE)*v);
        UnmapViewOfFile(v);
        return r;
    }
    if (!strcmp(m, "term")) /* TerminateProcess(GetCurrentProcess()) never returns */
        TerminateProcess(GetCurrentProcess(), 0x7777);
    if (!strcmp(m, "si")) { /* the STARTUPINFO the parent passed (TestFlagsAndInfo) */
        STARTUPINFOA sa;
        STARTUPINFOW sw;
        ZeroMemory(&sa, sizeof sa);
        ZeroMemory(&sw, sizeof sw);
        GetStartupInfoA(&sa);
        GetStartupInfoW(&sw);
        if (sa.cb != sizeof sa || sa.dwFlags != (STARTF_USESHOWWINDOW | STARTF_USEPOSITION) ||
            sa.wShowWindow != 2 || sa.dwX != 10 || sa.dwY != 20 || sa.dwXSize != 0 ||
            sa.dwFillAttribute != 7)
            return 70;
        if (!sa.lpTitle || strcmp(sa.lpTitle, "px title") || sa.lpDesktop)
            return 71;
        if (!sw.lpTitle || !wide_eq(sw.lpTitle, "px title") || sw.dwX != 10)
            return 72;
        if (sa.hStdOutput != GetStdHandle(STD_OUTPUT_HANDLE))
            return 73;
        return 0;
    }
    if (!strcmp(m, "pipe")) { /* ends holding a named pipe's server handle */
        char name[128];
        snprintf(name, sizeof name, "\\\\.\\pipe\\%s", argv[2]);
        if (CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 512, 512, 0, NULL) ==
            INVALID_HANDLE_VALUE)
            return 60;
        ExitProcess(0);
    }
    return 99;
}

/* ---- the parent ------------------------------------------------------------------------- */

/* Sets PX_LINE/PX_ARGV, runs `line` (with lpApplicationName `app`) and checks the child saw
 * exactly that. */
static DWORD LineCase(const char *app, const char *line, const char *argv_joined)
{
    SetEnvironmentVariableA("PX_LINE", line ? line : app);
    SetEnvironmentVariableA("PX_ARGV", argv_joined);
    return RunEx(app, line, FALSE, 0, NULL, NULL);
}

static void TestCommandLines(void)
{
    char line[1536], want[1536], path_env[4700], old_path[4096];
    DWORD n;

    /* Quoted path; spaces between the arguments kept exactly; the CRT's quoting rules. */
    snprintf(line, sizeof line, "\"%s\" line   a  \"b c\" d\\\"e \"\"", g_self);
    snprintf(want, sizeof want, "%s|line|a|b c|d\"e|", g_self);
    CHECK_EQ(LineCase(NULL, line, want), 0);

    /* Unquoted path. */
    snprintf(line, sizeof line, "%s line x", g_self);
    snprintf(want, sizeof want, "%s|line|x", g_self);
    CHECK_EQ(LineCase(NULL, line, want), 0);

    /* A bare name: found in the caller's own directory first; argv[0] stays as written. */
    snprintf(line, sizeof line, "%s line y", g_base);
    snprintf(want, sizeof want, "%s|line|y", g_base);
    CHECK_EQ(LineCase(NULL, line, want), 0);

    /* "name.exe": the Windows spelling of the same program. */
    snprintf(line, sizeof line, "%s.exe line z", g_base);
    snprintf(want, sizeof want, "%s.exe|line|z", g_base);
    CHECK_EQ(LineCase(NULL, line, want), 0);

    /* An unquoted path with spaces: Windows tries "/tmp/d/sub", then "/tmp/d/sub dir/prog",
     * then "/tmp/d/sub dir/prog name"; the child's argv still splits at every space. */
    {
        char dir[512], sub[600], link[700];
        snprintf(dir, sizeof dir, "/tmp/%s", uniq("pxsp"));
        snprintf(sub, sizeof sub, "%s/sub dir", dir);
        snprintf(link, sizeof link, "%s/prog name", sub);
        CHECK(mkdir(dir, 0700) == 0 && mkdir(sub, 0700) == 0);
        CHECK(symlink(g_self, link) == 0);
        SetEnvironmentVariableA("PX_ALONE", "1");
        snprintf(line, sizeof line, "%s x  y", link);
        snprintf(want, sizeof want, "%s/sub|dir/prog|name|x|y", dir);
        CHECK_EQ(LineCase(NULL, line, want), 0);
        SetEnvironmentVariableA("PX_ALONE", NULL);
        snprintf(line, sizeof line, "%s/sub dir/prog", dir);
        CHECK_EQ(CreateError(NULL, line), ERROR_FILE_NOT_FOUND);
        remove(link);
        rmdir(sub);
        rmdir(dir);
    }

    /* lpApplicationName: the program; argv (argv[0] included) from lpCommandLine. */
    snprintf(line, sizeof line, "whatever.exe line \"q r\"");
    CHECK_EQ(LineCase(g_self, line, "whatever.exe|line|q r"), 0);
    {   /* lpApplicationName with ".exe" that the file does not have */
        char app[1100];
        snprintf(app, sizeof app, "%s.exe", g_self);
        CHECK_EQ(LineCase(app, line, "whatever.exe|line|q r"), 0);
    }
    /* lpApplicationName alone: the command line is the name (PX_ALONE makes the child,
     * without arguments, check that instead of running the tests). */
    SetEnvironmentVariableA("PX_ALONE", "1");
    CHECK_EQ(LineCase(g_self, NULL, g_self), 0);
    SetEnvironmentVariableA("PX_ALONE", NULL);

    /* PATH: the shell's "exit 3". */
    CHECK_EQ(RunEx(NULL, "sh -c \"exit 3\"", FALSE, 0, NULL, NULL), 3);
    CHECK_EQ(RunEx(NULL, "sh.exe -c \"exit 4\"", FALSE, 0, NULL, NULL), 4);

    /* PATH is searched after the caller's directory and the current directory: a directory
     * that appears only in PATH. */
    {
        char dir[512], script[600];
        FILE *f;
        snprintf(dir, sizeof dir, "/tmp/%s", uniq("pxpath"));
        CHECK(mkdir(dir, 0700) == 0);
        snprintf(script, sizeof script, "%s/px_script_%u", dir, (unsigned)GetCurrentProcessId());
        f = fopen(script, "w");
        CHECK(f != NULL);
        if (f) {
            fputs("#!/bin/sh\nexit 42\n", f);
            fclose(f);
        }
        CHECK(chmod(script, 0700) == 0);
        n = GetEnvironmentVariableA("PATH", old_path, sizeof old_path);
        CHECK(n > 0 && n < sizeof old_path);
        snprintf(path_env, sizeof path_env, "%s:%s", old_path, dir);
        CHECK_OK(SetEnvironmentVariableA("PATH", path_env));
        snprintf(line, sizeof line, "px_script_%u", (unsigned)GetCurrentProcessId());
        CHECK_EQ(RunEx(NULL, line, FALSE, 0, NULL, NULL), 42);
        CHECK_OK(SetEnvironmentVariableA("PATH", old_path));
        CHECK_EQ(CreateError(NULL, line), ERROR_FILE_NOT_FOUND);
        /* The current directory, searched without PATH. */
        {
            char cwd[1024];
            GetCurrentDirectoryA(sizeof cwd, cwd);
            CHECK_OK(SetCurrentDirectoryA(dir));
            CHECK_EQ(RunEx(NULL, line, FALSE, 0, NULL, NULL), 42);
            CHECK_OK(SetCurrentDirectoryA(cwd));
        }
        /* A file that is not a program (executable bit set). */
        f = fopen(script, "w");
        if (f) {
            fputs("just text\n", f);
            fclose(f);
        }
        CHECK_EQ(CreateError(script, NULL), ERROR_BAD_EXE_FORMAT);
        CHECK_EQ(CreateError(NULL, script), ERROR_BAD_EXE_FORMAT);
        remove(script);
        rmdir(dir);
    }

    /* Images that do not exist. */
    CHECK_EQ(CreateError(NULL, "no_such_program_winipc_px arg"), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(CreateError("no_such_program_winipc_px", NULL), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(CreateError(NULL, "/no/such/dir/prog arg"), ERROR_PATH_NOT_FOUND);
    CHECK_EQ(CreateError("/no/such/dir/prog", NULL), ERROR_PATH_NOT_FOUND);
    CHECK_EQ(CreateError(NULL, NULL), ERROR_INVALID_PARAMETER);
}

static void TestCreateProcessW(void)
{
    WCHAR app[1100], line[1200];
    char aline[1200];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;

    /* CreateProcessW with a writable buffer, and with lpApplicationName. */
    snprintf(aline, sizeof aline, "\"%s\" line w \"x y\"", g_self);
    SetEnvironmentVariableA("PX_LINE", aline);
    {
        char joined[1200];
        snprintf(joined, sizeof joined, "%s|line|w|x y", g_self);
        SetEnvironmentVariableA("PX_ARGV", joined);
    }
    widen(line, aline, 1200);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(Finish(&pi), 0);
    CHECK(wide_eq(line, aline)); /* the buffer holds the same text afterwards */

    widen(app, g_self, 1100);
    CHECK_OK(CreateProcessW(app, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(Finish(&pi), 0);

    /* Characters beyond ASCII (a surrogate pair too) reach the child exactly: the UTF-16
     * line in GetCommandLineW, its UTF-8 in GetCommandLineA. */
    {
        static const WCHAR tail[] = {' ', 'h', 0xE9, 0x20AC, 0xD83D, 0xDE00, 0};
        static const char tail8[] = " h\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";
        size_t n;
        snprintf(aline, sizeof aline, "\"%s\" wline", g_self);
        widen(line, aline, 1200);
        n = (size_t)lstrlenW(line);
        memcpy(line + n, tail, sizeof tail);
        CHECK_OK(SetEnvironmentVariableW(u16lit_PX_WLINE(), line));
        strcat(aline, tail8);
        SetEnvironmentVariableA("PX_LINE", aline);
        CHECK_OK(CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        CHECK_EQ(Finish(&pi), 0);
    }

    /* Unicode and ANSI environment blocks; double NUL at the end; empty values. */
    {
        static const char block[] = "PX_A=one\0PX_B=two words\0PATH=/usr/bin:/bin\0";
        WCHAR wblock[64];
        size_t i;
        for (i = 0; i < sizeof block; i++)
            wblock[i] = (WCHAR)(unsigned char)block[i];
        snprintf(aline, sizeof aline, "\"%s\" env PX_B \"two words\"", g_self);
        widen(line, aline, 1200);
        CHECK_OK(CreateProcessW(NULL, line, NULL, NULL, FALSE, CREATE_UNICODE_ENVIRONMENT,
                                wblock, NULL, &si, &pi));
        CHECK_EQ(Finish(&pi), 0);
        /* CreateProcessW without the flag: the block is ANSI. */
        CHECK_OK(CreateProcessW(NULL, line, NULL, NULL, FALSE, 0, (LPVOID)block, NULL, &si,
                                &pi));
        CHECK_EQ(Finish(&pi), 0);
        /* Only the block: the parent's variables are absent. */
        snprintf(aline, sizeof aline, "\"%s\" env PX_LINE -", g_self);
        CHECK_EQ(RunEx(NULL, aline, FALSE, 0, (LPVOID)block, NULL), 0);
        snprintf(aline, sizeof aline, "\"%s\" env PX_A one", g_self);
        CHECK_EQ(RunEx(NULL, aline, FALSE, 0, (LPVOID)block, NULL), 0);
        /* Windows' per-drive entries ("=C:=C:\\dir") are carried as they are. */
        {
            static const char drives[] = "=C:=C:\\tmp\0PX_D=d\0";
            snprintf(aline, sizeof aline, "\"%s\" env PX_D d", g_self);
            CHECK_EQ(RunEx(NULL, aline, FALSE, 0, (LPVOID)drives, NULL), 0);
            snprintf(aline, sizeof aline, "\"%s\" env =C: C:\\tmp", g_self);
            CHECK_EQ(RunEx(NULL, aline, FALSE, 0, (LPVOID)drives, NULL), 0);
        }
        snprintf(aline, sizeof aline, "\"%s\" env PX_A one", g_self);
        /* An empty block ("\0\0"): no variables at all. */
        CHECK_EQ(RunEx(NULL, aline, FALSE, 0, (LPVOID) "\0", NULL), 30 + 1);
        /* The textbook way: the caller's block (GetEnvironmentStrings) plus one variable. */
        {
            LPCH cur, p;
            size_t len;
            char *copy;
            SetEnvironmentVariableA("PX_H", "here");
            cur = GetEnvironmentStringsA();
            for (p = cur; *p; p += strlen(p) + 1) {
            }
            len = (size_t)(p - cur);
            copy = (char *)malloc(len + 16);
            memcpy(copy, cur, len);
            memcpy(copy + len, "PX_G=got\0\0", 10);
            CHECK_OK(FreeEnvironmentStringsA(cur));
            snprintf(aline, sizeof aline, "\"%s\" env PX_G got", g_self);
            CHECK_EQ(RunEx(NULL, aline, FALSE, 0, copy, NULL), 0);
            snprintf(aline, sizeof aline, "\"%s\" env PX_H here", g_self);
            CHECK_EQ(RunEx(NULL, aline, FALSE, 0, copy, NULL), 0);
            free(copy);
        }
        /* NULL: the caller's environment, as changed by SetEnvironmentVariable. */
        SetEnvironmentVariableA("PX_C", "inherited");
        snprintf(aline, sizeof aline, "\"%s\" env PX_C inherited", g_self);
        CHECK_EQ(RunEx(NULL, aline, FALSE, 0, NULL, NULL), 0);
        SetEnvironmentVariableA("PX_C", NULL);
        snprintf(aline, sizeof aline, "\"%s\" env PX_C -", g_self);
        CHECK_EQ(RunEx(NULL, aline, FALSE, 0, NULL, NULL), 0);
    }
}

static void TestFlagsAndInfo(void)
{
    char line[1200];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code, flags[] = {CREATE_NEW_CONSOLE, DETACHED_PROCESS, CREATE_NO_WINDOW,
                           CREATE_NEW_PROCESS_GROUP, CREATE_DEFAULT_ERROR_MODE,
                           NORMAL_PRIORITY_CLASS};
    size_t i;
    FILETIME c, e, k, u;
    char title[] = "px title";

    for (i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        snprintf(line, sizeof line, "\"%s\" ret 5", g_self);
        CHECK_EQ(RunEx(NULL, line, FALSE, flags[i], NULL, NULL), 5);
    }
    /* Two console choices at once: ERROR_INVALID_PARAMETER (as Windows). */
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_FAIL(CreateProcessA(NULL, line, NULL, NULL, FALSE, CREATE_NEW_CONSOLE | DETACHED_PROCESS,
                              NULL, NULL, &si, &pi),
               FALSE, ERROR_INVALID_PARAMETER);

    /* lpCurrentDirectory. */
    snprintf(line, sizeof line, "\"%s\" cwd /tmp", g_self);
    CHECK_EQ(RunEx(NULL, line, FALSE, 0, NULL, "/tmp"), 0);
    CHECK_EQ(RunEx(NULL, line, FALSE, 0, NULL, "C:\\tmp"), 0);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_FAIL(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, "/no/such/dir/px", &si, &pi),
               FALSE, ERROR_DIRECTORY);

    /* The child's GetStartupInfo reports what the parent passed. */
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESHOWWINDOW | STARTF_USEPOSITION;
    si.wShowWindow = 2; /* SW_SHOWMINIMIZED */
    si.dwX = 10;
    si.dwY = 20;
    si.dwFillAttribute = 7;
    si.lpTitle = title;
    snprintf(line, sizeof line, "\"%s\" si", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(Finish(&pi), 0);
    {
        STARTUPINFOW siw;
        WCHAR wline[1200], wtitle[16];
        ZeroMemory(&siw, sizeof siw);
        siw.cb = sizeof siw;
        siw.dwFlags = STARTF_USESHOWWINDOW | STARTF_USEPOSITION;
        siw.wShowWindow = 2;
        siw.dwX = 10;
        siw.dwY = 20;
        siw.dwFillAttribute = 7;
        widen(wtitle, "px title", 16);
        siw.lpTitle = wtitle;
        widen(wline, line, 1200);
        CHECK_OK(CreateProcessW(NULL, wline, NULL, NULL, FALSE, 0, NULL, NULL, &siw, &pi));
        CHECK_EQ(Finish(&pi), 0);
    }

    /* STARTUPINFO.cb is not checked by Windows (0 and the 32-bit size 0x44 work). */
    snprintf(line, sizeof line, "\"%s\" ret 6", g_self);
    ZeroMemory(&si, sizeof si);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(Finish(&pi), 6);
    si.cb = 0x44;
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(Finish(&pi), 6);

    /* PROCESS_INFORMATION: the real ids, usable handles. */
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" pid", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK(pi.dwProcessId != 0 && pi.dwProcessId != GetCurrentProcessId());
    CHECK_EQ(GetProcessId(pi.hProcess), pi.dwProcessId);
    CHECK_EQ(WaitForInputIdle(pi.hProcess, INFINITE), 0); /* a console process: at once */
    CHECK_FAIL(WaitForInputIdle(NULL, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    CHECK_EQ(GetThreadId(pi.hThread), pi.dwThreadId);
    CHECK_EQ(WaitForSingleObject(pi.hThread, TIMEOUT_MS), WAIT_OBJECT_0);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 0), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(pi.hThread, &code));
    CHECK_EQ(code, pi.dwProcessId);
    {
        DWORD pid = pi.dwProcessId;
        CHECK_EQ(Finish(&pi), pid);
    }

    /* CREATE_SUSPENDED: still active until ResumeThread; the pid is final. */
    snprintf(line, sizeof line, "\"%s\" ret 33", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si,
                            &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 300), WAIT_TIMEOUT);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    {   /* the child's handles already count (its inherited ones: none here) */
        DWORD n = 99;
        CHECK_OK(GetProcessHandleCount(pi.hProcess, &n));
        CHECK_EQ(n, 0);
    }
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(Finish(&pi), 33);
    /* A running child's main thread: the count was 0. */
    snprintf(line, sizeof line, "\"%s\" sleep 5000", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_EQ(ResumeThread(pi.hThread), 0);
    CHECK_OK(TerminateProcess(pi.hProcess, 4));
    CHECK_EQ(Finish(&pi), 4);

    /* GetProcessTimes: creation before exit, both set after the end. */
    snprintf(line, sizeof line, "\"%s\" sleep 100", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_OK(GetProcessTimes(pi.hProcess, &c, &e, &k, &u));
    CHECK(c.dwHighDateTime != 0);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, TIMEOUT_MS), WAIT_OBJECT_0);
    CHECK_OK(GetProcessTimes(pi.hProcess, &c, &e, &k, &u));
    {
        ULONGLONG ct = ((ULONGLONG)c.dwHighDateTime << 32) | c.dwLowDateTime;
        ULONGLONG et = ((ULONGLONG)e.dwHighDateTime << 32) | e.dwLowDateTime;
        FILETIME now;
        ULONGLONG nt;
        GetSystemTimeAsFileTime(&now);
        nt = ((ULONGLONG)now.dwHighDateTime << 32) | now.dwLowDateTime;
        CHECK(ct != 0 && et >= ct + 900000); /* it lived >= 90 ms */
        CHECK(et <= nt && nt - ct < 10ULL * 60 * 10000000);
    }
    Finish(&pi);
    CHECK_OK(GetProcessTimes(GetCurrentProcess(), &c, &e, &k, &u));
    CHECK(c.dwHighDateTime != 0 && e.dwHighDateTime == 0 && e.dwLowDateTime == 0);
    CHECK_FAIL(GetProcessTimes(NULL, &c, &e, &k, &u), FALSE, ERROR_INVALID_HANDLE);
}

static void TestExitCodes(void)
{
    char line[1200];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code;
    HANDLE h, ev;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    int i;

    /* STILL_ACTIVE while running, TerminateProcess's code after. */
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" sleep 30000", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 50), WAIT_TIMEOUT);
    CHECK_OK(TerminateProcess(pi.hProcess, 0xC0DE1234));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, TIMEOUT_MS), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0xC0DE1234);
    CHECK_FAIL(TerminateProcess(pi.hProcess, 1), FALSE, ERROR_ACCESS_DENIED);
    CHECK_OK(GetExitCodeThread(pi.hThread, &code)); /* the main thread ends with it */
    CHECK_EQ(code, 0xC0DE1234);
    Finish(&pi);
    CHECK_FAIL(GetExitCodeProcess(NULL, &code), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetExitCodeProcess(GetCurrentThread(), &code), FALSE, ERROR_INVALID_HANDLE);

    CHECK_EQ(Self("exit 0x12345678", FALSE), 0x12345678);
    CHECK_EQ(Self("term", FALSE), 0x7777);
    CHECK_EQ(Self("ret 300", FALSE), 300);
    CHECK_EQ(Self("ret 0", FALSE), 0);
    /* A process a signal ends: 128 + the signal, as the shell reports it (Windows would give
     * an exception code such as 0xC0000005; docs/c-abi.md). */
    {
        char args[32];
        int sigs[] = {SIGSEGV, SIGILL, SIGFPE, SIGINT, SIGTERM};
        for (i = 0; i < (int)(sizeof sigs / sizeof sigs[0]); i++) {
            snprintf(args, sizeof args, "raise %d", sigs[i]);
            CHECK_EQ(Self(args, FALSE), 128 + sigs[i]);
        }
        CHECK_EQ(Self("abort", FALSE), 128 + SIGABRT);
        CHECK_EQ(Self("fault", FALSE), 128 + SIGSEGV); /* a real access violation */
    }

    /* ExitProcess runs atexit handlers (as DLL detach does on Windows). */
    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    snprintf(line, sizeof line, "atexit %llx", U64(ev));
    CHECK_EQ(Self(line, TRUE), 7);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(ev);

    /* The pseudo-handle. */
    CHECK_OK(GetExitCodeProcess(GetCurrentProcess(), &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_EQ(GetProcessId(GetCurrentProcess()), GetCurrentProcessId());
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &h, 0,
                             FALSE, DUPLICATE_SAME_ACCESS));
    CHECK(h != GetCurrentProcess() && h != NULL);
    CHECK_EQ(GetProcessId(h), GetCurrentProcessId());
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
    CHECK_OK(CloseHandle(h));

    /* OpenProcess. */
    h = OpenProcess(PROCESS_QUERY_INFORMATION | SYNCHRONIZE, FALSE, GetCurrentProcessId());
    CHECK(h != NULL);
    CHECK_EQ(GetProcessId(h), GetCurrentProcessId());
    CHECK_FAIL(TerminateProcess(h, 1), FALSE, ERROR_ACCESS_DENIED); /* no PROCESS_TERMINATE */
    CloseHandle(h);
    h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, GetCurrentProcessId());
    CHECK_FAIL(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_ACCESS_DENIED); /* no SYNCHRONIZE */
    CloseHandle(h);
    CHECK_FAIL(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x7FFFFFF0), HANDLE_FAIL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    /* A process that has ended: it can still be opened while a handle to it is open (its
     * object lives on, with the exit code); no longer once the last handle is closed. */
    snprintf(line, sizeof line, "\"%s\" ret 9", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    {
        DWORD pid = pi.dwProcessId;
        h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
        CHECK(h != NULL);
        if (h) {
            CHECK_EQ(WaitForSingleObject(h, TIMEOUT_MS), WAIT_OBJECT_0);
            CloseHandle(h);
        }
        Sleep(50); /* long reaped */
        h = OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
        CHECK(h != NULL);
        if (h) {
            CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
            CHECK_OK(GetExitCodeProcess(h, &code));
            CHECK_EQ(code, 9);
            CHECK_EQ(GetProcessId(h), pid);
            CloseHandle(h);
        }
        CHECK_EQ(Finish(&pi), 9);
        CHECK_FAIL(OpenProcess(SYNCHRONIZE, FALSE, pid), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    }
}

static void TestHandles(void)
{
    HANDLE ev, dup, dup2, h;
    DWORD flags, before, after;
    int i;

    /* Values: multiples of 4, never NULL or -1. */
    for (i = 0; i < 8; i++) {
        HANDLE hs = CreateEventA(NULL, FALSE, FALSE, NULL);
        CHECK(hs != NULL && hs != INVALID_HANDLE_VALUE && ((ULONG_PTR)hs & 3) == 0);
        CloseHandle(hs);
    }

    /* CloseHandle's errors. */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_OK(CloseHandle(ev));
    CHECK_FAIL(CloseHandle(ev), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle((HANDLE)(ULONG_PTR)0x7FFF0000), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetEvent(ev), FALSE, ERROR_INVALID_HANDLE);
    /* Wine's sync.c: an invalid value whatever its low two bits; pseudo-handles time out. */
    for (i = 0; i < 4; i++)
        CHECK_FAIL(WaitForSingleObject((HANDLE)(ULONG_PTR)(0xdeadbee0 + i), 0), WAIT_FAILED,
                   ERROR_INVALID_HANDLE);
    CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 10), WAIT_TIMEOUT);
    CHECK_EQ(WaitForSingleObject(GetCurrentThread(), 10), WAIT_TIMEOUT);

    /* GetProcessHandleCount follows creation and closing. */
    CHECK_OK(GetProcessHandleCount(GetCurrentProcess(), &before));
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_OK(GetProcessHandleCount(GetCurrentProcess(), &after));
    CHECK_EQ(after, before + 1);
    CHECK_FAIL(GetProcessHandleCount(GetCurrentProcess(), NULL), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetProcessHandleCount(ev, &after), FALSE, ERROR_INVALID_HANDLE);

    /* DUPLICATE_SAME_ACCESS: another value, the same object. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK(dup != ev && ((ULONG_PTR)dup & 3) == 0);
    CHECK_OK(SetEvent(dup));
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_OK(ResetEvent(ev));

    /* Reduced access: waiting allowed, setting denied. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup2, SYNCHRONIZE,
                             FALSE, 0));
    CHECK_FAIL(SetEvent(dup2), FALSE, ERROR_ACCESS_DENIED);
    CHECK_EQ(WaitForSingleObject(dup2, 0), WAIT_TIMEOUT);
    CloseHandle(dup2);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup2,
                             EVENT_MODIFY_STATE, FALSE, 0));
    CHECK_OK(SetEvent(dup2));
    CHECK_FAIL(WaitForSingleObject(dup2, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(dup2);

    /* DUPLICATE_CLOSE_SOURCE: the source is closed even when the duplication fails. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), &dup2, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_FAIL(DuplicateHandle(GetCurrentProcess(), dup2, (HANDLE)(ULONG_PTR)0x7FFF0000, &h, 0,
                               FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
               FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(dup2), FALSE, ERROR_INVALID_HANDLE);
    /* Within this process the handle itself comes back, with the new inheritance (Windows;
     * Wine's test_DuplicateHandle) and, without DUPLICATE_SAME_ACCESS, the new rights. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), &dup2, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(dup2 == dup);
    CHECK_OK(GetHandleInformation(dup2, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), &dup2, SYNCHRONIZE,
                             FALSE, DUPLICATE_CLOSE_SOURCE));
    CHECK(dup2 == dup);
    CHECK_OK(GetHandleInformation(dup2, &flags));
    CHECK_EQ(flags, 0);
    CHECK_FAIL(SetEvent(dup2), FALSE, ERROR_ACCESS_DENIED);
    CHECK_OK(CloseHandle(dup2));
    CHECK_FAIL(CloseHandle(dup), FALSE, ERROR_INVALID_HANDLE);
    /* lpTargetHandle NULL: only closes (no handle is left behind). */
    CHECK_OK(GetProcessHandleCount(GetCurrentProcess(), &after));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), dup, GetCurrentProcess(), NULL, 0, FALSE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK_FAIL(CloseHandle(dup), FALSE, ERROR_INVALID_HANDLE);
    CHECK_OK(GetProcessHandleCount(GetCurrentProcess(), &flags));
    CHECK_EQ(flags, after);
    /* A protected handle is duplicated and stays. */
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup2, 0, TRUE,
                             DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(dup2 != ev);
    CHECK_OK(GetHandleInformation(dup2, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(CloseHandle(dup2));
    /* The pseudo-handle: a real handle, nothing closed. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &h, 0,
                             TRUE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    CHECK(h != GetCurrentProcess());
    CHECK_OK(GetHandleInformation(h, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_OK(CloseHandle(h));

    /* A file handle: the same handle back within the process; into another process it cannot
     * go (ERROR_NOT_SUPPORTED) and is closed all the same (its descriptor is gone). */
    {
        char path[256], fdlink[64], target[512], line[1200];
        HANDLE f, f2 = NULL;
        ssize_t n;
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        snprintf(path, sizeof path, "/tmp/%s", uniq("pxfile"));
        f = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
        CHECK(f != INVALID_HANDLE_VALUE);
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(), &f2, 0, TRUE,
                                 DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
        CHECK(f2 == f);
        CHECK_OK(GetHandleInformation(f2, &flags));
        CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), f, GetCurrentProcess(), &f2, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
        CHECK(f2 == f);
        CHECK_OK(GetHandleInformation(f2, &flags));
        CHECK_EQ(flags, 0);
        CHECK_OK(WriteFile(f, "x", 1, &flags, NULL));
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        snprintf(line, sizeof line, "\"%s\" sleep 5000", g_self);
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        CHECK_FAIL(DuplicateHandle(GetCurrentProcess(), f, pi.hProcess, &f2, 0, FALSE,
                                   DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE),
                   FALSE, ERROR_NOT_SUPPORTED);
        TerminateProcess(pi.hProcess, 0);
        Finish(&pi);
        /* The descriptor behind f no longer names the file (it may name something newer). */
        snprintf(fdlink, sizeof fdlink, "/proc/self/fd/%d",
                 (int)(((ULONG_PTR)f - 0x0F000000) / 4));
        n = readlink(fdlink, target, sizeof target - 1);
        target[n > 0 ? n : 0] = 0;
        CHECK(strcmp(target, path) != 0);
        remove(path);
    }

    /* Handle flags: HANDLE_FLAG_PROTECT_FROM_CLOSE makes CloseHandle fail with
     * ERROR_INVALID_HANDLE (STATUS_HANDLE_NOT_CLOSABLE) and keeps the handle. */
    CHECK_OK(GetHandleInformation(ev, &flags));
    CHECK_EQ(flags, 0);
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE,
                                  HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE));
    CHECK_OK(GetHandleInformation(ev, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT | HANDLE_FLAG_PROTECT_FROM_CLOSE);
    CHECK_FAIL(CloseHandle(ev), FALSE, ERROR_INVALID_HANDLE);
    CHECK_OK(SetEvent(ev));
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_PROTECT_FROM_CLOSE, 0));
    CHECK_OK(GetHandleInformation(ev, &flags));
    CHECK_EQ(flags, HANDLE_FLAG_INHERIT);
    CHECK_FAIL(SetHandleInformation(ev, 4, 4), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetHandleInformation(NULL, &flags), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetHandleInformation(ev, NULL), FALSE, ERROR_NOACCESS);
    CHECK_OK(CloseHandle(ev));
    CHECK_OK(GetProcessHandleCount(GetCurrentProcess(), &after));
    CHECK_EQ(after, before);

    /* The handles of a process that ended holding a named pipe are reaped cleanly (its
     * pipe's listing leaves the name index), and names keep working afterwards. */
    {
        char args[128];
        const char *name = uniq("pxafter");
        snprintf(args, sizeof args, "pipe %s", uniq("pxpipe"));
        CHECK_EQ(Self(args, FALSE), 0);
        ev = CreateEventA(NULL, TRUE, FALSE, name);
        CHECK(ev != NULL);
        h = OpenEventA(SYNCHRONIZE, FALSE, name);
        CHECK(h != NULL);
        CloseHandle(h);
        CloseHandle(ev);
    }
}

/* Duplicates an event into a child right after CreateProcess (before the child has used
 * winipc) and passes the value through a named mapping. */
static void TestDuplicateIntoChild(BOOL inherit, DWORD flags)
{
    char line[1200];
    const char *map_name = uniq("pxmap"), *ev_name = uniq("pxgo");
    HANDLE map, go, target, theirs = NULL;
    ULONG_PTR *v;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;

    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 64, map_name);
    go = CreateEventA(NULL, TRUE, FALSE, ev_name);
    target = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK(map && go && target);
    v = (ULONG_PTR *)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(v != NULL);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" recv %s %s", g_self, map_name, ev_name);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, inherit, flags, NULL, NULL, &si, &pi));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), target, pi.hProcess, &theirs, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    if (v)
        *v = (ULONG_PTR)theirs;
    SetEvent(go);
    if (flags & CREATE_SUSPENDED)
        CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(Finish(&pi), 0);
    CHECK_EQ(WaitForSingleObject(target, 0), WAIT_OBJECT_0);
    if (v)
        UnmapViewOfFile(v);
    CloseHandle(map);
    CloseHandle(go);
    CloseHandle(target);
}

static void TestInheritance(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    char args[256], line[1200];
    HANDLE ev, mx, sem, ms, msc, map, noinh, ms2;
    const char *ms_name = uniq("\\\\.\\mailslot\\pxinh");
    const char *ms2_name = uniq("\\\\.\\mailslot\\pxinh2");
    LONG *view;
    DWORD n, next = 0, count = 0;
    char buf[16];

    ev = CreateEventA(&sa, TRUE, FALSE, NULL);
    mx = CreateMutexA(&sa, FALSE, NULL);
    sem = CreateSemaphoreA(&sa, 0, 5, NULL);
    ms = CreateMailslotA(ms_name, 0, 0, &sa);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, NULL);
    noinh = CreateEventA(NULL, TRUE, FALSE, NULL);
    ms2 = CreateMailslotA(ms2_name, 0, 0, NULL);
    msc = CreateFileA(ms2_name, GENERIC_WRITE, FILE_SHARE_READ, &sa, OPEN_EXISTING,
                      FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(ev && mx && sem && ms != INVALID_HANDLE_VALUE && map && noinh &&
          ms2 != INVALID_HANDLE_VALUE && msc != INVALID_HANDLE_VALUE);

    /* Each inheritable handle works in the child at the same value. */
    snprintf(args, sizeof args, "use ev %llx", U64(ev));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    ResetEvent(ev);
    snprintf(args, sizeof args, "use mx %llx", U64(mx));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(mx, 0), WAIT_OBJECT_0); /* released, not abandoned */
    ReleaseMutex(mx);
    snprintf(args, sizeof args, "use sem %llx", U64(sem));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    {
        HANDLE w = CreateFileA(ms_name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                               FILE_ATTRIBUTE_NORMAL, NULL);
        CHECK(w != INVALID_HANDLE_VALUE);
        CHECK_OK(WriteFile(w, "hello", 5, &n, NULL));
        CloseHandle(w);
    }
    snprintf(args, sizeof args, "use ms %llx", U64(ms));
    CHECK_EQ(Self(args, TRUE), 0);
    snprintf(args, sizeof args, "use msc %llx", U64(msc));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_OK(GetMailslotInfo(ms2, NULL, &next, &count, NULL));
    CHECK_EQ(count, 1);
    CHECK_OK(ReadFile(ms2, buf, sizeof buf, &n, NULL));
    CHECK(n == 5 && !memcmp(buf, "child", 5));
    snprintf(args, sizeof args, "use map %llx", U64(map));
    CHECK_EQ(Self(args, TRUE), 0);
    view = (LONG *)MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
    CHECK(view && *view == 0x1234);
    if (view)
        UnmapViewOfFile(view);

    /* The value printed with %p and with %d, as textbooks pass it. */
    snprintf(args, sizeof args, "usep ev %p", (void *)ev);
    CHECK_EQ(Self(args, TRUE), 0);
    snprintf(args, sizeof args, "used sem %d", (int)(ULONG_PTR)sem);
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);

    /* bInheritHandles FALSE: none of them; a non-inheritable handle: never. */
    snprintf(args, sizeof args, "use none %llx", U64(ev));
    CHECK_EQ(Self(args, FALSE), 0);
    snprintf(args, sizeof args, "use none %llx", U64(noinh));
    CHECK_EQ(Self(args, TRUE), 0);
    /* SetHandleInformation turns inheritance on and off for later children. */
    CHECK_OK(SetHandleInformation(noinh, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));
    snprintf(args, sizeof args, "use ev %llx", U64(noinh));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_INHERIT, 0));
    snprintf(args, sizeof args, "use none %llx", U64(ev));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_OK(SetHandleInformation(ev, HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT));

    /* A grandchild: the child passes the handle on to its own child. */
    ResetEvent(ev);
    snprintf(args, sizeof args, "chain ev %llx 2", U64(ev));
    CHECK_EQ(Self(args, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);

    /* The process handle of lpProcessAttributes->bInheritHandle. */
    {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi, pi2;
        HANDLE me;
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        snprintf(line, sizeof line, "\"%s\" sleep 2000", g_self);
        CHECK_OK(CreateProcessA(NULL, line, &sa, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        snprintf(args, sizeof args, "use proc %llx", U64(pi.hProcess));
        CHECK_EQ(Self(args, TRUE), 0);
        TerminateProcess(pi.hProcess, 0);
        Finish(&pi);
        /* The textbook way to give a child its parent: an inheritable duplicate. */
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                                 &me, 0, TRUE, DUPLICATE_SAME_ACCESS));
        snprintf(line, sizeof line, "\"%s\" use proc %llx", g_self, U64(me));
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi2));
        CHECK_EQ(Finish(&pi2), 0);
        CloseHandle(me);
    }

    /* A shell in between ("sh -c"): the shell's exec of the program keeps the process, so
     * the handles arrive. */
    ResetEvent(ev);
    snprintf(line, sizeof line, "sh -c \"exec '%s' use ev %llx\"", g_self, U64(ev));
    CHECK_EQ(RunEx(NULL, line, TRUE, 0, NULL, NULL), 0);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    ResetEvent(ev);
    snprintf(line, sizeof line, "sh -c \"'%s' use ev %llx\"", g_self, U64(ev));
    CHECK_EQ(RunEx(NULL, line, TRUE, 0, NULL, NULL), 0);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);

    CloseHandle(ev);
    CloseHandle(mx);
    CloseHandle(sem);
    CloseHandle(ms);
    CloseHandle(msc);
    CloseHandle(ms2);
    CloseHandle(map);
    CloseHandle(noinh);
}

static DWORD WINAPI Watchdog(LPVOID p)
{
    (void)p;
    Sleep(150000);
    printf("FAIL watchdog: processes.c did not finish in 150 s\n");
    fflush(stdout);
    _exit(3);
    return 0;
}

/* psapi: the process list, modules and memory counters, for this process and a child
   that is no winipc program. */
static void TestPsapi(void)
{
    static DWORD ids[65536];
    DWORD needed = 0, i, me = GetCurrentProcessId();
    BOOL found = FALSE;
    HMODULE mod = NULL;
    char name[MAX_PATH], path[MAX_PATH];
    PROCESS_MEMORY_COUNTERS pmc;
    PROCESS_MEMORY_COUNTERS_EX pmcx;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char cmd[] = "sleep 30";

    CHECK_OK(EnumProcesses(ids, sizeof ids, &needed));
    CHECK(needed > 0 && needed % sizeof(DWORD) == 0 && needed < sizeof ids);
    for (i = 0; i < needed / sizeof(DWORD); i++)
        found |= ids[i] == me;
    CHECK(found);
    CHECK_OK(EnumProcesses(ids, 2 * sizeof(DWORD), &needed));
    CHECK_EQ(needed, 2 * sizeof(DWORD)); /* as much as fits */

    CHECK_OK(EnumProcessModules(GetCurrentProcess(), &mod, sizeof mod, &needed));
    CHECK_EQ(needed, sizeof(HMODULE));
    CHECK(mod == GetModuleHandleA(NULL));
    CHECK(GetModuleBaseNameA(GetCurrentProcess(), mod, name, sizeof name) > 0);
    CHECK(strcmp(name, g_base) == 0);
    CHECK(GetModuleFileNameExA(GetCurrentProcess(), NULL, path, sizeof path) > 0);
    CHECK(strcmp(path, g_self) == 0);

    memset(&pmc, 0, sizeof pmc);
    CHECK_OK(GetProcessMemoryInfo(GetCurrentProcess(), &pmc, sizeof pmc));
    CHECK(pmc.cb == sizeof pmc && pmc.WorkingSetSize > 0 &&
          pmc.PeakWorkingSetSize >= pmc.WorkingSetSize && pmc.PageFaultCount > 0);
    CHECK_OK(GetProcessMemoryInfo(GetCurrentProcess(), (PROCESS_MEMORY_COUNTERS *)&pmcx,
                                  sizeof pmcx));
    CHECK(pmcx.cb == sizeof pmcx && pmcx.PrivateUsage > 0);
    CHECK_FAIL(GetProcessMemoryInfo(GetCurrentProcess(), &pmc, 4), FALSE,
               ERROR_INSUFFICIENT_BUFFER);

    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    Sleep(100); /* let it exec */
    CHECK_OK(EnumProcessModules(pi.hProcess, &mod, sizeof mod, &needed));
    CHECK(GetModuleBaseNameA(pi.hProcess, mod, name, sizeof name) > 0);
    CHECK(strcmp(name, "sleep") == 0);
    CHECK(GetProcessImageFileNameA(pi.hProcess, path, sizeof path) > 0);
    CHECK(strstr(path, "/sleep") != NULL);
    CHECK_OK(GetProcessMemoryInfo(pi.hProcess, &pmc, sizeof pmc));
    CHECK(pmc.WorkingSetSize > 0);
    CHECK_FAIL(GetModuleBaseNameA(pi.hProcess, (HMODULE)(ULONG_PTR)0x1234, name, sizeof name), 0,
               ERROR_INVALID_HANDLE);
    CHECK_OK(TerminateProcess(pi.hProcess, 1));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    CHECK_FAIL(EnumProcessModules(NULL, &mod, sizeof mod, &needed), FALSE, ERROR_INVALID_HANDLE);
}

int main(int argc, char **argv)
{
    char *slash;
    HANDLE wd;
    CHECK(GetModuleFileNameA(NULL, g_self, sizeof g_self) > 0);
    slash = strrchr(g_self, '/');
    snprintf(g_base, sizeof g_base, "%s", slash ? slash + 1 : g_self);
    if (GetEnvironmentVariableA("PX_ALONE", NULL, 0))
        return CheckLine(argc, argv);
    if (argc > 1)
        return Child(argc, argv);
    /* Started with Ctrl+C ignored (a background job of a non-interactive shell is): take
     * Ctrl+C processing back, so the children that raise SIGINT below die of it. */
    CHECK_OK(SetConsoleCtrlHandler(NULL, FALSE));
    wd = CreateThread(NULL, 0, Watchdog, NULL, 0, NULL);
    CloseHandle(wd);

    TestCommandLines();
    TestCreateProcessW();
    TestFlagsAndInfo();
    TestExitCodes();
    TestHandles();
    TestDuplicateIntoChild(FALSE, 0);
    TestDuplicateIntoChild(TRUE, 0);
    TestDuplicateIntoChild(FALSE, CREATE_SUSPENDED);
    TestInheritance();
    TestPsapi();
    return SUMMARY();
}
