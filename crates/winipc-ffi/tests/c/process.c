/*
 * process.c - CreateProcessA/W, OpenProcess, GetExitCodeProcess, TerminateProcess,
 * ExitProcess, GetCommandLine in a child, handle inheritance, named objects between
 * processes, abandonment by a dying process, DuplicateHandle into another process.
 *
 *   process                       the tests
 *   process child ROLE ARGS...    a child role (see child())
 */
#include "harness.h"
#include <sys/stat.h>
#include <unistd.h>

static char g_tmp[256];

/* Starts "process child ..." (or any command line); returns FALSE on failure. */
static BOOL Start(LPCSTR app, const char *cmdline, BOOL inherit, DWORD flags, LPVOID env,
                  LPCSTR dir, PROCESS_INFORMATION *pi)
{
    STARTUPINFOA si;
    char buf[1024];
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(buf, sizeof buf, "%s", cmdline);
    return CreateProcessA(app, buf, NULL, NULL, inherit, flags, env, dir, &si, pi);
}

/* Runs a child to completion and returns its exit code (0xFFFFFFFE if it could not start). */
static DWORD Run(const char *cmdline, BOOL inherit)
{
    PROCESS_INFORMATION pi;
    DWORD code = 0xFFFFFFFE;
    if (!Start(NULL, cmdline, inherit, 0, NULL, NULL, &pi))
        return code;
    WaitForSingleObject(pi.hProcess, 20000);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static void test_exit_codes(void)
{
    PROCESS_INFORMATION pi;
    DWORD code = 0, f = 0;

    ZeroMemory(&pi, sizeof pi);
    CHECK_OK(Start(NULL, "process child exit 500500", FALSE, 0, NULL, NULL, &pi));
    CHECK(pi.hProcess != NULL && pi.hThread != NULL && pi.hProcess != pi.hThread);
    CHECK(pi.dwProcessId != 0 && pi.dwProcessId != GetCurrentProcessId());
    CHECK_EQ(GetProcessId(pi.hProcess), pi.dwProcessId);
    CHECK_EQ(GetThreadId(pi.hThread), pi.dwThreadId);
    CHECK_OK(GetHandleInformation(pi.hProcess, &f));
    CHECK_EQ(f, 0);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 20000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 500500); /* all 32 bits, through ExitProcess */
    CHECK_EQ(WaitForSingleObject(pi.hThread, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeThread(pi.hThread, &code));
    CHECK_EQ(code, 500500);
    CHECK_FAIL(GetExitCodeProcess(pi.hProcess, NULL), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetExitCodeProcess(pi.hThread, &code), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(TerminateProcess(pi.hProcess, 1), FALSE, ERROR_ACCESS_DENIED); /* exited */
    CHECK_OK(CloseHandle(pi.hProcess));
    CHECK_OK(CloseHandle(pi.hThread));
    CHECK_FAIL(GetExitCodeProcess(pi.hProcess, &code), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(WaitForSingleObject(pi.hProcess, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);

    CHECK_EQ(Run("process child exit 4294967295", FALSE), 0xFFFFFFFF);
    CHECK_EQ(Run("process child exit 0", FALSE), 0);
    /* return from main: all 32 bits (libwinipc records what the kernel truncates). */
    CHECK_EQ(Run("process child ret 300", FALSE), 300);
    /* The same program, named the Windows way. */
    CHECK_EQ(Run("process.exe child exit 3", FALSE), 3);
    CHECK_EQ(Run("\"process.EXE\" child exit 4", FALSE), 4);
    /* Found in PATH (and without .exe). */
    CHECK_EQ(Run("sh.exe -c \"exit 9\"", FALSE), 9);
    CHECK_EQ(GetExitCodeProcess(GetCurrentProcess(), &code), TRUE);
    CHECK_EQ(code, STILL_ACTIVE);
}

static void test_terminate_and_open(void)
{
    PROCESS_INFORMATION pi;
    HANDLE h, ev;
    DWORD code = 0;

    CHECK_OK(Start(NULL, "process child sleep", FALSE, 0, NULL, NULL, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 100), WAIT_TIMEOUT);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, STILL_ACTIVE);
    CHECK_OK(GetExitCodeThread(pi.hThread, &code));
    CHECK_EQ(code, STILL_ACTIVE);

    h = OpenProcess(PROCESS_ALL_ACCESS, TRUE, pi.dwProcessId);
    CHECK(h != NULL);
    CHECK_EQ(GetProcessId(h), pi.dwProcessId);
    {
        DWORD f = 0;
        CHECK_OK(GetHandleInformation(h, &f));
        CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    }
    CHECK_OK(TerminateProcess(h, 0xDEAD));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0xDEAD);
    CHECK_OK(GetExitCodeProcess(h, &code));
    CHECK_EQ(code, 0xDEAD);
    CHECK_FAIL(TerminateProcess(pi.hProcess, 2), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    CHECK_FAIL(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0), HANDLE_FAIL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(OpenProcess(PROCESS_ALL_ACCESS, FALSE, 0x7FFFFFF0), HANDLE_FAIL,
               ERROR_INVALID_PARAMETER);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_FAIL(TerminateProcess(ev, 1), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(TerminateProcess(NULL, 1), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetExitCodeProcess(ev, &code), FALSE, ERROR_INVALID_HANDLE);
    CloseHandle(ev);
}

static void test_inheritance(void)
{
    SECURITY_ATTRIBUTES sa;
    HANDLE inh, priv;
    char cmd[256];

    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    inh = CreateEventA(&sa, TRUE, FALSE, NULL);
    priv = CreateEventA(NULL, TRUE, FALSE, NULL);
    /* bInheritHandles TRUE: the inheritable handle has the same value in the child. */
    snprintf(cmd, sizeof cmd, "process child inherit %llu %llu 1", U64(inh), U64(priv));
    CHECK_EQ(Run(cmd, TRUE), 0);
    CHECK_EQ(WaitForSingleObject(inh, 0), WAIT_OBJECT_0); /* the child set it */
    ResetEvent(inh);
    /* FALSE: nothing is inherited. */
    snprintf(cmd, sizeof cmd, "process child inherit %llu %llu 0", U64(inh), U64(priv));
    CHECK_EQ(Run(cmd, FALSE), 0);
    CHECK_EQ(WaitForSingleObject(inh, 0), WAIT_TIMEOUT);
    /* Inheritance changed later with SetHandleInformation applies. */
    CHECK_OK(SetHandleInformation(inh, HANDLE_FLAG_INHERIT, 0));
    snprintf(cmd, sizeof cmd, "process child inherit %llu %llu 0", U64(inh), U64(priv));
    CHECK_EQ(Run(cmd, TRUE), 0);
    CloseHandle(inh);
    CloseHandle(priv);
}

static void test_named_and_abandoned(void)
{
    char cmd[256], mname[128], ename[128];
    HANDLE ev, mx;

    snprintf(ename, sizeof ename, "%s", uniq("xev"));
    ev = CreateEventA(NULL, TRUE, FALSE, ename);
    snprintf(cmd, sizeof cmd, "process child named %s", ename);
    CHECK_EQ(Run(cmd, FALSE), 0);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CloseHandle(ev);

    /* A child takes a named mutex and exits without releasing it. */
    snprintf(mname, sizeof mname, "Global\\%s", uniq("xmx"));
    mx = CreateMutexA(NULL, FALSE, mname);
    snprintf(cmd, sizeof cmd, "process child abandon %s", mname);
    CHECK_EQ(Run(cmd, FALSE), 5);
    CHECK_EQ(WaitForSingleObject(mx, 5000), WAIT_ABANDONED);
    CHECK_OK(ReleaseMutex(mx));
    CHECK_EQ(WaitForSingleObject(mx, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(mx));
    CloseHandle(mx);
}

static void test_duplicate_into_child(void)
{
    PROCESS_INFORMATION pi;
    char cmd[256], slot[160], ready[64];
    HANDLE rd, mine, c, theirs = NULL;
    DWORD n, code = 99;
    char msg[32];

    snprintf(ready, sizeof ready, "%s", uniq("ready"));
    snprintf(slot, sizeof slot, "\\\\.\\mailslot\\%s", uniq("dup"));
    rd = CreateEventA(NULL, TRUE, FALSE, ready);
    mine = CreateEventA(NULL, TRUE, FALSE, NULL);
    snprintf(cmd, sizeof cmd, "process child dup %s %s", slot, ready);
    CHECK_OK(Start(NULL, cmd, FALSE, 0, NULL, NULL, &pi));
    CHECK_EQ(WaitForSingleObject(rd, 10000), WAIT_OBJECT_0);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), mine, pi.hProcess, &theirs, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    c = CreateFileA(slot, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    snprintf(msg, sizeof msg, "%llu", U64(theirs));
    CHECK_OK(WriteFile(c, msg, (DWORD)strlen(msg), &n, NULL));
    CloseHandle(c);
    CHECK_EQ(WaitForSingleObject(mine, 10000), WAIT_OBJECT_0); /* set by the child */
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CHECK_FAIL(DuplicateHandle(pi.hProcess, mine, GetCurrentProcess(), &theirs, 0, FALSE,
                               DUPLICATE_SAME_ACCESS),
               FALSE, ERROR_NOT_SUPPORTED);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(rd);
    CloseHandle(mine);
}

static void test_command_line_and_environment(void)
{
    PROCESS_INFORMATION pi;
    DWORD code = 99;
    /* The child compares its argv with the environment block's ARG1.. and its
     * GetCommandLineA with CMDLINE. */
    static const char cmdline[] = "process child argv \"a b\" c\\\"d \"e\\\\\" f\\\\g \"\"";
    char env[1024];
    size_t k = 0;
#define ENV_ADD(s) (memcpy(env + k, s, strlen(s) + 1), k += strlen(s) + 1)
    ENV_ADD("ARGC=8");
    ENV_ADD("ARG3=a b");
    ENV_ADD("ARG4=c\"d");
    ENV_ADD("ARG5=e\\");
    ENV_ADD("ARG6=f\\\\g");
    ENV_ADD("ARG7=");
    {
        char line[512];
        snprintf(line, sizeof line, "CMDLINE=%s", cmdline);
        ENV_ADD(line);
    }
    env[k] = 0;
    CHECK_OK(Start(NULL, cmdline, FALSE, 0, env, NULL, &pi));
    WaitForSingleObject(pi.hProcess, 10000);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* A UTF-16 environment and CreateProcessW; lpCurrentDirectory. */
    {
        WCHAR wenv[64], wcmd[128], wdir[256];
        const char *e = "FOO=bar";
        const char *c = "process child cwd";
        STARTUPINFOW si;
        size_t i;
        for (i = 0; e[i]; i++)
            wenv[i] = (WCHAR)e[i];
        wenv[i++] = 0;
        wenv[i] = 0;
        for (i = 0; c[i]; i++)
            wcmd[i] = (WCHAR)c[i];
        wcmd[i] = 0;
        for (i = 0; g_tmp[i]; i++)
            wdir[i] = (WCHAR)g_tmp[i];
        wdir[i] = 0;
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        CHECK_OK(CreateProcessW(NULL, wcmd, NULL, NULL, FALSE, CREATE_UNICODE_ENVIRONMENT,
                                wenv, wdir, &si, &pi));
        WaitForSingleObject(pi.hProcess, 10000);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
}

static void test_errors(void)
{
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    char path[512], cmd[600];
    FILE *f;

    CHECK_FAIL(Start(NULL, "winipc-no-such-program arg", FALSE, 0, NULL, NULL, &pi), FALSE,
               ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(Start(NULL, "/no/such/dir/prog", FALSE, 0, NULL, NULL, &pi), FALSE,
               ERROR_PATH_NOT_FOUND);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    CHECK_FAIL(CreateProcessA(NULL, NULL, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi), FALSE,
               ERROR_INVALID_PARAMETER);
    strcpy(cmd, "process child exit 1");
    CHECK_FAIL(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, NULL, &pi), FALSE,
               ERROR_NOACCESS);
    CHECK_FAIL(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, NULL), FALSE,
               ERROR_NOACCESS);
    /* CREATE_SUSPENDED (more in modes/threads.c) */
    { DWORD code;
    CHECK_OK(Start(NULL, "process child exit 1", FALSE, CREATE_SUSPENDED, NULL, NULL, &pi));
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 100), WAIT_TIMEOUT);
    CHECK_EQ(ResumeThread(pi.hThread), 1);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 1);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    }
    CHECK_FAIL(Start(NULL, "process child exit 1", FALSE, DEBUG_PROCESS, NULL, NULL, &pi),
               FALSE, ERROR_NOT_SUPPORTED);
    CHECK_FAIL(Start(NULL, "process child exit 1", FALSE, 0x40000000, NULL, NULL, &pi), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(Start(NULL, "process child exit 1", FALSE, 0, NULL, "/no/such/dir", &pi), FALSE,
               ERROR_DIRECTORY);
    /* Accepted flags. */
    CHECK_OK(Start(NULL, "process child exit 1", FALSE,
                   CREATE_NO_WINDOW | NORMAL_PRIORITY_CLASS | CREATE_NEW_PROCESS_GROUP, NULL,
                   NULL, &pi));
    WaitForSingleObject(pi.hProcess, 10000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Not executable, and not a valid executable. */
    snprintf(path, sizeof path, "%s/noexec.sh", g_tmp);
    f = fopen(path, "w");
    if (f) {
        fputs("#!/bin/sh\nexit 0\n", f);
        fclose(f);
    }
    chmod(path, 0644);
    CHECK_FAIL(Start(path, NULL, FALSE, 0, NULL, NULL, &pi), FALSE, ERROR_ACCESS_DENIED);
    chmod(path, 0755);
    CHECK_OK(Start(path, NULL, FALSE, 0, NULL, NULL, &pi));
    WaitForSingleObject(pi.hProcess, 10000);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    snprintf(path, sizeof path, "%s/garbage", g_tmp);
    f = fopen(path, "w");
    if (f) {
        fputs("this is not a program\n", f);
        fclose(f);
    }
    chmod(path, 0755);
    CHECK_FAIL(Start(path, NULL, FALSE, 0, NULL, NULL, &pi), FALSE, ERROR_BAD_EXE_FORMAT);

    /* lpApplicationName plus a command line: argv from the command line. */
    snprintf(cmd, sizeof cmd, "ignored-name child exit 6");
    {
        char self[512];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        self[len > 0 ? len : 0] = 0;
        CHECK_OK(Start(self, cmd, FALSE, 0, NULL, NULL, &pi));
        WaitForSingleObject(pi.hProcess, 10000);
        {
            DWORD code = 0;
            GetExitCodeProcess(pi.hProcess, &code);
            CHECK_EQ(code, 6);
        }
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
}

static int child(int argc, char **argv)
{
    const char *role = argv[2];
    if (strcmp(role, "exit") == 0)
        ExitProcess((UINT)strtoul(argv[3], NULL, 10));
    if (strcmp(role, "ret") == 0)
        return atoi(argv[3]);
    if (strcmp(role, "sleep") == 0) {
        Sleep(INFINITE);
        return 1;
    }
    if (strcmp(role, "inherit") == 0) {
        HANDLE inh = (HANDLE)(ULONG_PTR)strtoull(argv[3], NULL, 10);
        HANDLE priv = (HANDLE)(ULONG_PTR)strtoull(argv[4], NULL, 10);
        int expect = atoi(argv[5]);
        DWORD f = 0;
        if (GetHandleInformation(priv, &f) || GetLastError() != ERROR_INVALID_HANDLE)
            return 10; /* never inherited */
        if (!expect)
            return (GetHandleInformation(inh, &f) || GetLastError() != ERROR_INVALID_HANDLE)
                       ? 11 : 0;
        if (!GetHandleInformation(inh, &f) || f != HANDLE_FLAG_INHERIT)
            return 12;
        return SetEvent(inh) ? 0 : 13;
    }
    if (strcmp(role, "named") == 0) {
        HANDLE h = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[3]);
        return (h != NULL && SetEvent(h)) ? 0 : 20;
    }
    if (strcmp(role, "abandon") == 0) {
        HANDLE h = CreateMutexA(NULL, FALSE, argv[3]);
        if (h == NULL || GetLastError() != ERROR_ALREADY_EXISTS)
            return 30;
        if (WaitForSingleObject(h, 5000) != WAIT_OBJECT_0)
            return 31;
        ExitProcess(5);
    }
    if (strcmp(role, "dup") == 0) {
        HANDLE slot = CreateMailslotA(argv[3], 0, 10000, NULL), ready;
        char buf[32];
        DWORD n = 0;
        if (slot == INVALID_HANDLE_VALUE)
            return 40;
        ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, argv[4]);
        if (ready == NULL || !SetEvent(ready))
            return 41;
        if (!ReadFile(slot, buf, sizeof buf - 1, &n, NULL))
            return 42;
        buf[n] = 0;
        return SetEvent((HANDLE)(ULONG_PTR)strtoull(buf, NULL, 10)) ? 0 : 43;
    }
    if (strcmp(role, "argv") == 0) {
        char key[16];
        const char *want;
        int i;
        if (argc != atoi(getenv("ARGC") ? getenv("ARGC") : "0"))
            return 50;
        for (i = 3; i < argc; i++) {
            snprintf(key, sizeof key, "ARG%d", i);
            want = getenv(key);
            if (want == NULL || strcmp(want, argv[i]) != 0)
                return 50 + i;
        }
        want = getenv("CMDLINE");
        if (want == NULL || strcmp(GetCommandLineA(), want) != 0)
            return 60;
        if (getenv("HOME") != NULL) /* the environment block replaced ours */
            return 61;
        return 0;
    }
    if (strcmp(role, "cwd") == 0) {
        char cwd[512];
        const char *want = "/tmp/winipc-process-test-";
        if (getenv("FOO") == NULL || strcmp(getenv("FOO"), "bar") != 0)
            return 70;
        if (getcwd(cwd, sizeof cwd) == NULL || strncmp(cwd, want, strlen(want)) != 0)
            return 71;
        return 0;
    }
    return 99;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "child") == 0)
        return child(argc, argv);
    snprintf(g_tmp, sizeof g_tmp, "/tmp/winipc-process-test-%u", (unsigned)getpid());
    mkdir(g_tmp, 0700);
    test_exit_codes();
    test_terminate_and_open();
    test_inheritance();
    test_named_and_abandoned();
    test_duplicate_into_child();
    test_command_line_and_environment();
    test_errors();
    {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf %s", g_tmp);
        if (system(cmd) != 0)
            printf("note: could not remove %s\n", g_tmp);
    }
    return SUMMARY();
}
