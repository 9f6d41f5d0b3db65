/*
 * mailslot.c - CreateMailslot, CreateFile, ReadFile, WriteFile, GetMailslotInfo,
 * SetMailslotInfo, CloseHandle on mailslots; a second process as the writer.
 *
 *   mailslot                 the tests (one forks: a forked child's handle table is its own)
 *   mailslot child NAME N    (role) writes N messages "msg <i>" to NAME
 */
#include "harness.h"

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static void slot_name(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "\\\\.\\mailslot\\winipc_suite\\%s", uniq(tag));
}

static void test_create(void)
{
    char name[200], upper[200], longname[400];
    HANDLE s, s2;
    size_t i;

    CHECK_FAIL(CreateMailslotA(NULL, 0, 0, NULL), INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(CreateMailslotA("blah", 0, 0, NULL), INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
    CHECK_FAIL(CreateMailslotA("\\\\.\\mailslot\\", 0, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_INVALID_NAME);
    CHECK_FAIL(CreateMailslotA("\\\\server\\mailslot\\x", 0, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_INVALID_NAME);
    CHECK_FAIL(CreateMailslotA("\\\\*\\mailslot\\x", 0, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_INVALID_NAME);
    snprintf(longname, sizeof longname, "\\\\.\\mailslot\\");
    memset(longname + 13, 'x', 300);
    longname[313] = 0;
    CHECK_FAIL(CreateMailslotA(longname, 0, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_FILENAME_EXCED_RANGE);

    slot_name(name, sizeof name, "create");
    SetLastError(55);
    s = CreateMailslotA(name, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    /* Names are case-insensitive: the same slot. */
    for (i = 0; name[i]; i++)
        upper[i] = (char)((name[i] >= 'a' && name[i] <= 'z') ? name[i] - 32 : name[i]);
    upper[i] = 0;
    CHECK_FAIL(CreateMailslotA(upper, 0, 0, NULL), INVALID_HANDLE_VALUE, ERROR_ALREADY_EXISTS);
    CHECK_OK(CloseHandle(s));
    /* Closing the last server handle deletes it: the name is free again. */
    s2 = CreateMailslotA(upper, 0, 0, NULL);
    CHECK(s2 != INVALID_HANDLE_VALUE);
    CloseHandle(s2);
    CHECK_FAIL(CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
}

static void test_io(void)
{
    char name[200], buf[64];
    HANDLE s, c, c2;
    DWORD n = 77, max = 1, next = 1, count = 1, timeout = 1;

    slot_name(name, sizeof name, "io");
    s = CreateMailslotA(name, 16, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);

    /* CreateFile errors. */
    CHECK_FAIL(CreateFileA(NULL, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    /* Ordinary files open (modes/files.c), named pipes too (modes/namedpipes.c): a pipe
       nobody serves is not found. */
    CHECK_FAIL(CreateFileA("\\\\.\\pipe\\winipc_nobody_serves_this",
                           GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(CreateFileA(name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    /* FILE_FLAG_OVERLAPPED on a mailslot client: accepted, its writes complete at once
       (modes/overlapped.c). */
    {
        HANDLE ov = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                                FILE_FLAG_OVERLAPPED, NULL);
        CHECK(ov != INVALID_HANDLE_VALUE);
        CHECK(CloseHandle(ov));
    }
    CHECK_FAIL(CreateFileA("\\\\.\\mailslot\\a\\\\b", GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0,
                           NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);

    /* Share mode is not enforced: two writers with share mode 0. */
    SetLastError(99);
    c = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), 0);
    c2 = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c2 != INVALID_HANDLE_VALUE);

    /* Empty slot. */
    CHECK_OK(GetMailslotInfo(s, &max, &next, &count, &timeout));
    CHECK_EQ(max, 16);
    CHECK_EQ(next, MAILSLOT_NO_MESSAGE);
    CHECK_EQ(count, 0);
    CHECK_EQ(timeout, 0);
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, NULL, NULL));
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_SEM_TIMEOUT);
    CHECK_EQ(n, 0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);

    /* Messages keep their boundaries, FIFO across writers; zero-length counts. */
    CHECK_OK(WriteFile(c, "hello", 5, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK_OK(WriteFile(c2, "", 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(WriteFile(c, NULL, 0, &n, NULL));
    CHECK_OK(WriteFile(c, "0123456789abcdef", 16, &n, NULL));
    CHECK_FAIL(WriteFile(c, "0123456789abcdefg", 17, &n, NULL), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_EQ(n, 0);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0);
    CHECK_OK(GetMailslotInfo(s, NULL, &next, &count, NULL));
    CHECK_EQ(next, 5);
    CHECK_EQ(count, 4);
    /* The client handle reports the same (local slot). */
    CHECK_OK(GetMailslotInfo(c, &max, &next, &count, NULL));
    CHECK_EQ(max, 16);
    CHECK_EQ(count, 4);
    /* Too small a buffer: 122 and the message stays. */
    CHECK_FAIL(ReadFile(s, buf, 4, &n, NULL), FALSE, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, NULL, 0, &n, NULL)); /* zero-length into no buffer */
    CHECK_EQ(n, 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 16);

    /* Directions. */
    CHECK_FAIL(ReadFile(c, buf, sizeof buf, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(WriteFile(s, "x", 1, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(SetMailslotInfo(c, 5), FALSE, ERROR_INVALID_HANDLE);

    /* An OVERLAPPED on a synchronous handle: the transfer completes before the call
     * returns; Internal/InternalHigh and the event report it (the classic
     * "Reading from a Mailslot" example passes one). */
    {
        OVERLAPPED ov;
        DWORD got = 0;
        HANDLE ev = CreateEventA(NULL, TRUE, TRUE, NULL); /* signaled: must be reset, then set */
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_OK(WriteFile(c, "overlap", 7, NULL, &ov)); /* count optional with an OVERLAPPED */
        CHECK_EQ(ov.Internal, 0);
        CHECK_EQ(ov.InternalHigh, 7);
        CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, &ov));
        CHECK_EQ(n, 7);
        CHECK(memcmp(buf, "overlap", 7) == 0);
        CHECK_EQ(ov.InternalHigh, 7);
        CHECK_OK(GetOverlappedResult(s, &ov, &got, FALSE));
        CHECK_EQ(got, 7);
        /* A failed transfer: the event is left reset, the status kept for
         * GetOverlappedResult. */
        CHECK_OK(SetMailslotInfo(s, 0));
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, &ov), FALSE, ERROR_SEM_TIMEOUT);
        CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
        CHECK_EQ(ov.Internal, 0xC00000B5); /* STATUS_IO_TIMEOUT */
        CHECK_FAIL(GetOverlappedResult(s, &ov, &got, FALSE), FALSE, ERROR_SEM_TIMEOUT);
        /* No event: fine. A pending status (set by the caller) is incomplete. */
        ZeroMemory(&ov, sizeof ov);
        CHECK_OK(WriteFile(c, "z", 1, &n, &ov));
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, &ov));
        CHECK_EQ(n, 1);
        ov.Internal = 0x103; /* STATUS_PENDING */
        CHECK_FAIL(GetOverlappedResult(s, &ov, &got, FALSE), FALSE, ERROR_IO_INCOMPLETE);
        CHECK_FAIL(GetOverlappedResult(s, NULL, &got, FALSE), FALSE, ERROR_NOACCESS);
        CloseHandle(ev);
    }

    /* Parameters. */
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(WriteFile(c, "x", 1, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(WriteFile(c, NULL, 3, &n, NULL), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(ReadFile(s, NULL, 3, &n, NULL), FALSE, ERROR_NOACCESS);
    /* Buffers that fault are refused with ERROR_NOACCESS, without a crash and without taking
     * the message (probed by guarded touches, no system call: issue 16). */
    {
        char *pages = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        CHECK(pages != MAP_FAILED);
        CHECK_OK(WriteFile(c, "abc", 3, &n, NULL));
        CHECK(mprotect(pages + 4096, 4096, PROT_NONE) == 0);
        CHECK_FAIL(ReadFile(s, pages + 4095, 3, &n, NULL), FALSE, ERROR_NOACCESS);
        CHECK_FAIL(WriteFile(c, pages + 4096, 3, &n, NULL), FALSE, ERROR_NOACCESS);
        CHECK(mprotect(pages, 4096, PROT_READ) == 0);
        CHECK_FAIL(ReadFile(s, pages, 3, &n, NULL), FALSE, ERROR_NOACCESS);
        CHECK_OK(WriteFile(c, pages, 3, &n, NULL)); /* readable is enough to send from */
        CHECK(munmap(pages, 8192) == 0);
        CHECK_FAIL(ReadFile(s, pages, 3, &n, NULL), FALSE, ERROR_NOACCESS);
        CHECK_FAIL(WriteFile(c, pages, 3, &n, NULL), FALSE, ERROR_NOACCESS);
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 3);
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 3);
    }

    /* Read timeout. */
    CHECK_OK(SetMailslotInfo(s, 100));
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, NULL, &timeout));
    CHECK_EQ(timeout, 100);
    {
        DWORD t0 = GetTickCount();
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_SEM_TIMEOUT);
        CHECK(GetTickCount() - t0 >= 90);
    }
    CHECK_OK(SetMailslotInfo(s, MAILSLOT_WAIT_FOREVER));
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, NULL, &timeout));
    CHECK_EQ(timeout, MAILSLOT_WAIT_FOREVER);

    /* Wrong kinds, invalid and pseudo handles. */
    {
        HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
        CHECK_FAIL(GetMailslotInfo(ev, NULL, NULL, NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(SetMailslotInfo(ev, 0), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(ReadFile(ev, buf, sizeof buf, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(WriteFile(ev, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
        CloseHandle(ev);
    }
    CHECK_FAIL(GetMailslotInfo(INVALID_HANDLE_VALUE, NULL, NULL, NULL, NULL), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(ReadFile(INVALID_HANDLE_VALUE, buf, sizeof buf, &n, NULL), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(WriteFile(INVALID_HANDLE_VALUE, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(INVALID_HANDLE_VALUE), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(ReadFile(NULL, buf, sizeof buf, &n, NULL), FALSE, ERROR_INVALID_HANDLE);

    /* The receiver goes away: writes fail with ERROR_BROKEN_PIPE. */
    CHECK_OK(CloseHandle(s));
    CHECK_FAIL(WriteFile(c, "late", 4, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CHECK_OK(CloseHandle(c));
    CHECK_OK(CloseHandle(c2));
    /* Used after close. */
    CHECK_FAIL(WriteFile(c, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetMailslotInfo(s, NULL, NULL, NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(SetMailslotInfo(s, 0), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CloseHandle(s), FALSE, ERROR_INVALID_HANDLE);
}

static void test_wide_and_local_names(void)
{
    char name[200], computer[MAX_COMPUTERNAME_LENGTH + 1], remote[300];
    WCHAR wname[200];
    DWORD n = sizeof computer, i;
    HANDLE s, c;

    slot_name(name, sizeof name, "wide");
    for (i = 0; name[i]; i++)
        wname[i] = (WCHAR)name[i];
    wname[i] = 0;
    s = CreateMailslotW(wname, 0, MAILSLOT_WAIT_FOREVER, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = CreateFileW(wname, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "w", 1, &n, NULL));
    CloseHandle(c);
    /* \\COMPUTERNAME\mailslot\... is this machine. */
    n = sizeof computer;
    CHECK_OK(GetComputerNameA(computer, &n));
    snprintf(remote, sizeof remote, "\\\\%s\\%s", computer, name + 4);
    c = CreateFileA(remote, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "r", 1, &n, NULL));
    CloseHandle(c);
    CHECK_OK(GetMailslotInfo(s, NULL, NULL, &n, NULL));
    CHECK_EQ(n, 2);
    /* Other machines go through the network daemon, which no test here runs. */
    CHECK_FAIL(CreateFileA("\\\\*\\mailslot\\x", GENERIC_WRITE, FILE_SHARE_READ, NULL,
                           OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_BAD_NETPATH);
    {
        WCHAR bad[] = {'\\', '\\', '.', '\\', 'm', 'a', 'i', 'l', 's', 'l', 'o', 't', '\\',
                       0xDC00, 0};
        CHECK_FAIL(CreateMailslotW(bad, 0, 0, NULL), INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
        CHECK_FAIL(CreateFileW(bad, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL),
                   INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
    }
    CloseHandle(s);
}

static void test_inherited_slot(void)
{
    /* An inheritable server handle via SECURITY_ATTRIBUTES, and DuplicateHandle. */
    SECURITY_ATTRIBUTES sa;
    char name[200];
    HANDLE s, d;
    DWORD f = 0;

    sa.nLength = sizeof sa;
    sa.lpSecurityDescriptor = NULL;
    sa.bInheritHandle = TRUE;
    slot_name(name, sizeof name, "inh");
    s = CreateMailslotA(name, 0, 0, &sa);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_OK(GetHandleInformation(s, &f));
    CHECK_EQ(f, HANDLE_FLAG_INHERIT);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), s, GetCurrentProcess(), &d, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(s));
    /* The duplicate keeps the slot alive and can read. */
    {
        HANDLE c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        char buf[8];
        DWORD n = 0;
        CHECK(c != INVALID_HANDLE_VALUE);
        CHECK_OK(WriteFile(c, "dup", 3, &n, NULL));
        CHECK_OK(ReadFile(d, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 3);
        CloseHandle(c);
    }
    CloseHandle(d);
}

static int child(const char *name, int count)
{
    HANDLE c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    char msg[32];
    DWORD n;
    int i;
    if (c == INVALID_HANDLE_VALUE)
        return 10;
    for (i = 0; i < count; i++) {
        snprintf(msg, sizeof msg, "msg %d", i);
        if (!WriteFile(c, msg, (DWORD)strlen(msg), &n, NULL))
            return 11;
    }
    CloseHandle(c);
    return 0;
}

static void test_cross_process(void)
{
    char name[200], cmd[400], buf[64], want[32];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    HANDLE s;
    DWORD n, code = 1;
    int i, ok = 1;

    slot_name(name, sizeof name, "xproc");
    s = CreateMailslotA(name, 0, 5000, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(cmd, sizeof cmd, "mailslot child \"%s\" 50", name);
    CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    for (i = 0; i < 50; i++) {
        snprintf(want, sizeof want, "msg %d", i);
        if (!ReadFile(s, buf, sizeof buf, &n, NULL) || n != strlen(want) ||
            memcmp(buf, want, n) != 0)
            ok = 0;
    }
    CHECK(ok);
    CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
    CHECK_EQ(code, 0);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    CloseHandle(s);
}

/* A child made by fork() has a handle table of its own: a send handle its parent had used
 * (and so cached, per thread, with its ring) names nothing there, and the child's WriteFile
 * on that value must not reach the parent's slot. */
static void test_forked_child(void)
{
    char name[200], buf[64];
    HANDLE s, c;
    DWORD n;
    pid_t pid;
    int status = -1;

    slot_name(name, sizeof name, "fork");
    s = CreateMailslotA(name, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, "parent", 6, &n, NULL));
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        BOOL ok = WriteFile(c, "child", 5, &n, NULL);
        _exit(ok ? 1 : GetLastError() == ERROR_INVALID_HANDLE ? 0 : 2);
    }
    CHECK(pid > 0);
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : 100 + status, 0);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_SEM_TIMEOUT);
    CloseHandle(c);
    CloseHandle(s);
}

/* The hot path keeps each thread's last receive and send handles resolved, keyed by the
 * handle value and the release epoch (issue 16): a closed handle's value, reused by another
 * slot, must reach the new slot, in the thread that closed it and in one that had cached the
 * old handle. */
static HANDLE g_reuse_slot;
static HANDLE g_reuse_go;
static HANDLE g_reuse_done;
static char g_reuse_got[2][16];
static DWORD g_reuse_n[2];
static BOOL g_reuse_ok[2];

static DWORD WINAPI reuse_reader(LPVOID arg)
{
    int round;
    (void)arg;
    for (round = 0; round < 2; round++) {
        if (round == 1 && WaitForSingleObject(g_reuse_go, 10000) != WAIT_OBJECT_0)
            return 1;
        g_reuse_ok[round] = ReadFile(g_reuse_slot, g_reuse_got[round],
                                     sizeof g_reuse_got[round], &g_reuse_n[round], NULL);
        SetEvent(g_reuse_done);
    }
    return 0;
}

static void test_reused_handle_value(void)
{
    char a_name[200], b_name[200], buf[16];
    HANDLE a, aw, b, bw, th;
    DWORD n;

    slot_name(a_name, sizeof a_name, "reuse_a");
    slot_name(b_name, sizeof b_name, "reuse_b");
    a = CreateMailslotA(a_name, 0, 0, NULL);
    CHECK(a != INVALID_HANDLE_VALUE);
    aw = CreateFileA(a_name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(aw != INVALID_HANDLE_VALUE);
    g_reuse_go = CreateEventA(NULL, FALSE, FALSE, NULL);
    g_reuse_done = CreateEventA(NULL, FALSE, FALSE, NULL);
    CHECK_OK(WriteFile(aw, "A1", 2, &n, NULL));
    CHECK_OK(WriteFile(aw, "A2", 2, &n, NULL));
    /* Both threads read A once: each caches its resolution. */
    g_reuse_slot = a;
    th = CreateThread(NULL, 0, reuse_reader, NULL, 0, NULL);
    CHECK(th != NULL);
    CHECK_EQ(WaitForSingleObject(g_reuse_done, 10000), WAIT_OBJECT_0);
    CHECK(g_reuse_ok[0]);
    CHECK_EQ(g_reuse_n[0], 2);
    CHECK_OK(ReadFile(a, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK(memcmp(buf, "A2", 2) == 0);
    /* A goes; B is made, most likely under the same handle values (lowest free). */
    CHECK_OK(CloseHandle(aw));
    CHECK_OK(CloseHandle(a));
    b = CreateMailslotA(b_name, 0, 0, NULL);
    CHECK(b != INVALID_HANDLE_VALUE);
    bw = CreateFileA(b_name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(bw != INVALID_HANDLE_VALUE);
    if (b != a || bw != aw)
        printf("note: handle values not reused (%p %p, %p %p)\n", a, b, aw, bw);
    CHECK_OK(WriteFile(bw, "B1", 2, &n, NULL));
    CHECK_OK(WriteFile(bw, "B2", 2, &n, NULL));
    CHECK_OK(ReadFile(b, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 2);
    CHECK(memcmp(buf, "B1", 2) == 0);
    /* The other thread, which cached A under this value, reads B. */
    g_reuse_slot = b;
    SetEvent(g_reuse_go);
    CHECK_EQ(WaitForSingleObject(g_reuse_done, 10000), WAIT_OBJECT_0);
    CHECK(g_reuse_ok[1]);
    CHECK_EQ(g_reuse_n[1], 2);
    CHECK(memcmp(g_reuse_got[1], "B2", 2) == 0);
    CHECK_EQ(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CloseHandle(th);
    CloseHandle(bw);
    CloseHandle(b);
    CloseHandle(g_reuse_go);
    CloseHandle(g_reuse_done);
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "child") == 0)
        return child(argv[2], atoi(argv[3]));
    test_create();
    test_io();
    test_reused_handle_value();
    test_wide_and_local_names();
    test_inherited_slot();
    test_cross_process();
    test_forked_child();
    return SUMMARY();
}
