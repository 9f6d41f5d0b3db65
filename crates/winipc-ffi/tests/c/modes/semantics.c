/*
 * semantics.c - Windows semantics real programs rely on: 32-bit exit codes from exit() and
 * from a return from main (across processes), handle values with the low two bits set,
 * pseudo-handles refused by WaitForMultipleObjects, access rights per handle (also in a
 * child that inherits a restricted handle), CloseHandle on a standard handle, and bad
 * pointers (ERROR_NOACCESS; lstrlen returns 0).
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

static const char *g_self;

/* Runs "<self> <args>" and returns its exit code as GetExitCodeProcess reports it. */
static DWORD Run(const char *args, BOOL inherit)
{
    char line[512];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xDEADBEEF;
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, line, NULL, NULL, inherit, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess(%s) failed: %u\n", line, (unsigned)GetLastError());
        return code;
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

static int child(int argc, char **argv)
{
    if (!strcmp(argv[1], "ret"))
        return (int)strtoul(argv[2], NULL, 0);
    if (!strcmp(argv[1], "exit"))
        exit((int)strtoul(argv[2], NULL, 0));
    if (!strcmp(argv[1], "restricted") && argc == 3) {
        /* An inherited SYNCHRONIZE-only handle: may wait, may not set. */
        HANDLE h = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 0);
        if (SetEvent(h) || GetLastError() != ERROR_ACCESS_DENIED)
            return 1;
        if (WaitForSingleObject(h, 0) != WAIT_TIMEOUT)
            return 2;
        return 77;
    }
    return 99;
}

static DWORD WINAPI Nothing(LPVOID p)
{
    (void)p;
    return 0;
}

int main(int argc, char **argv)
{
    HANDLE ev, h, hs[2], mtx, sem, tmr, proc;
    char args[64];
    DWORD code;
    LARGE_INTEGER due;
    char buf[16];
    PROCESS_INFORMATION pi;
    STARTUPINFOA si;
    char line[512];
    const char *name = uniq("sem14");
    TCHAR tname[64];
    int i;

    g_self = argv[0];
    if (argc > 1)
        return child(argc, argv);

    /* ---- exit codes: all 32 bits, however the child ends ---- */
    CHECK_EQ(Run("ret 12345", FALSE), 12345);
    CHECK_EQ(Run("exit 0xFFFFFFFF", FALSE), 0xFFFFFFFF);
    CHECK_EQ(Run("exit 70000", FALSE), 70000);
    CHECK_EQ(Run("ret 7", FALSE), 7);
    CHECK_EQ(Run("ret 0", FALSE), 0);

    /* ---- the low two bits of a handle value are ignored ---- */
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    CHECK_OK(SetEvent((HANDLE)((ULONG_PTR)ev | 3)));
    CHECK_EQ(WaitForSingleObject((HANDLE)((ULONG_PTR)ev | 1), 0), WAIT_OBJECT_0);
    CHECK_OK(ResetEvent((HANDLE)((ULONG_PTR)ev | 2)));

    /* ---- pseudo-handles: WaitForSingleObject accepts, WaitForMultipleObjects refuses ---- */
    CHECK_EQ(WaitForSingleObject(GetCurrentProcess(), 0), WAIT_TIMEOUT);
    hs[0] = ev;
    hs[1] = GetCurrentProcess();
    CHECK_FAIL(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    hs[1] = GetCurrentThread();
    CHECK_FAIL(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);

    /* ---- access rights ---- */
    mtx = CreateMutexA(NULL, FALSE, name);
    CHECK(mtx != NULL);
    CHECK_FAIL(OpenMutexA(0, FALSE, name), HANDLE_FAIL, ERROR_ACCESS_DENIED);
    h = OpenMutexA(MUTEX_MODIFY_STATE, FALSE, name); /* no SYNCHRONIZE */
    CHECK(h != NULL);
    CHECK_FAIL(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenMutexA(GENERIC_EXECUTE, FALSE, name); /* maps to SYNCHRONIZE */
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CHECK_OK(ReleaseMutex(h));
    CloseHandle(h);
    CloseHandle(mtx);

    for (i = 0; name[i] && i < 63; i++)
        tname[i] = (TCHAR)name[i];
    tname[i] = 0;
    sem = CreateSemaphore(NULL, 0, 5, tname);
    h = OpenSemaphore(SYNCHRONIZE, FALSE, tname);
    CHECK_FAIL(ReleaseSemaphore(h, 1, NULL), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenSemaphore(SEMAPHORE_MODIFY_STATE, FALSE, tname);
    CHECK_OK(ReleaseSemaphore(h, 1, NULL));
    CHECK_FAIL(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(h);
    h = OpenSemaphore(SEMAPHORE_ALL_ACCESS, FALSE, tname);
    CHECK_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    CloseHandle(h);
    CloseHandle(sem);

    tmr = CreateWaitableTimerA(NULL, TRUE, uniq("tmr14"));
    due.QuadPart = -10000;
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), tmr, GetCurrentProcess(), &h, SYNCHRONIZE,
                             FALSE, 0));
    CHECK_FAIL(SetWaitableTimer(h, &due, 0, NULL, NULL, FALSE), FALSE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(CancelWaitableTimer(h), FALSE, ERROR_ACCESS_DENIED);
    CHECK_OK(SetWaitableTimer(tmr, &due, 0, NULL, NULL, FALSE));
    CHECK_EQ(WaitForSingleObject(h, 5000), WAIT_OBJECT_0);
    CloseHandle(h);
    CloseHandle(tmr);

    /* DuplicateHandle: dwDesiredAccess without DUPLICATE_SAME_ACCESS; SAME_ACCESS copies. */
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &h, SYNCHRONIZE,
                             FALSE, 0));
    CHECK_FAIL(SetEvent(h), FALSE, ERROR_ACCESS_DENIED);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &hs[0], 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_FAIL(SetEvent(hs[0]), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(hs[0]);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), h, GetCurrentProcess(), &hs[0],
                             EVENT_MODIFY_STATE, FALSE, 0));
    CHECK_OK(SetEvent(hs[0]));
    CHECK_FAIL(WaitForSingleObject(hs[0], 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(hs[0]);

    /* Across processes: an inherited restricted handle keeps its rights in the child. */
    CHECK_OK(ResetEvent(ev));
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &hs[1], SYNCHRONIZE,
                             TRUE, 0));
    snprintf(args, sizeof args, "restricted %llu", U64(hs[1]));
    CHECK_EQ(Run(args, TRUE), 77);
    CloseHandle(hs[1]);
    CloseHandle(h);

    /* Process handles: OpenProcess(SYNCHRONIZE) may wait but not terminate. */
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" ret 5", g_self);
    CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    proc = OpenProcess(SYNCHRONIZE, FALSE, pi.dwProcessId);
    if (proc != NULL) { /* the child may already be gone */
        CHECK_FAIL(TerminateProcess(proc, 1), FALSE, ERROR_ACCESS_DENIED);
        CHECK(WaitForSingleObject(proc, 10000) == WAIT_OBJECT_0);
        CloseHandle(proc);
    }
    WaitForSingleObject(pi.hProcess, INFINITE);
    CHECK_FAIL(OpenProcess(0, FALSE, GetCurrentProcessId()), HANDLE_FAIL, ERROR_ACCESS_DENIED);
    proc = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, GetCurrentProcessId());
    CHECK(proc != NULL);
    CHECK_FAIL(WaitForSingleObject(proc, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    CloseHandle(proc);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);

    /* Thread handles from CreateThread have all rights. */
    h = CreateThread(NULL, 0, Nothing, NULL, 0, NULL);
    CHECK_EQ(WaitForSingleObject(h, 10000), WAIT_OBJECT_0);
    CloseHandle(h);

    /* ---- bad pointers: no crash; ERROR_NOACCESS where Windows reports it ---- */
    CHECK_EQ(lstrlenA((LPCSTR)(ULONG_PTR)1), 0);
    CHECK_EQ(lstrlenW((LPCWSTR)(ULONG_PTR)2), 0);
    CHECK_EQ(lstrlenA((LPCSTR)(ULONG_PTR)0xFFFFFFFFFFFF0000ull), 0);
    CHECK(lstrcpyA((LPSTR)(ULONG_PTR)16, "abc") == NULL);
    CHECK(lstrcpyA(buf, (LPCSTR)(ULONG_PTR)16) == NULL);
    strcpy(buf, "ab");
    CHECK(lstrcatA((LPSTR)(ULONG_PTR)16, "c") == NULL);
    CHECK(lstrcatA(buf, "c") == buf);
    CHECK_EQ(lstrlenA(buf), 3);
    CHECK_FAIL(GetExitCodeProcess(GetCurrentProcess(), (LPDWORD)(ULONG_PTR)8), FALSE,
               ERROR_NOACCESS);
    CHECK_FAIL(WaitForMultipleObjects(2, (const HANDLE *)(ULONG_PTR)16, FALSE, 0), WAIT_FAILED,
               ERROR_NOACCESS);
    CHECK_FAIL(CreateEventA(NULL, TRUE, FALSE, (LPCSTR)(ULONG_PTR)24), HANDLE_FAIL,
               ERROR_NOACCESS);
    CHECK_FAIL(ReleaseSemaphore(CreateSemaphoreA(NULL, 0, 1, NULL), 1, (LPLONG)(ULONG_PTR)8),
               FALSE, ERROR_NOACCESS);
    code = 0;
    CHECK_FAIL(WriteFile(GetStdHandle(STD_OUTPUT_HANDLE), (LPCVOID)(ULONG_PTR)64, 10, &code,
                         NULL), FALSE, ERROR_NOACCESS);

    /* ---- CloseHandle on a standard handle closes it ---- */
    h = GetStdHandle(STD_ERROR_HANDLE);
    CHECK(h != NULL && h != INVALID_HANDLE_VALUE);
    CHECK_OK(CloseHandle(h));
    CHECK_FAIL(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE);

    CloseHandle(ev);
    return SUMMARY();
}
