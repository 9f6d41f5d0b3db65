/*
 * overlapped.c - OVERLAPPED I/O and I/O completion ports on descriptor handles: a file and a
 * FIFO opened with FILE_FLAG_OVERLAPPED (ERROR_IO_PENDING, events, GetOverlappedResult(Ex),
 * HasOverlappedIoCompleted, end of file, broken pipe), CancelIo/CancelIoEx, closing a handle
 * with pending I/O, ReadFileEx/WriteFileEx with SleepEx, completion ports (association, keys,
 * failed I/O, timeouts, PostQueuedCompletionStatus, GetQueuedCompletionStatusEx, bit 0 of
 * hEvent, worker threads, closing a port under a waiter), and synchronous handles (an
 * anonymous pipe, a mailslot) whose OVERLAPPED completes at once.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "harness.h"

static char g_dir[200];

static const char *path_in_dir(const char *name)
{
    static char buf[4][300];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, sizeof buf[0], "%s/%s", g_dir, name);
    return b;
}

/* A FIFO, both ends opened with FILE_FLAG_OVERLAPPED (the read end first). */
static void fifo(const char *name, HANDLE *r, HANDLE *w)
{
    const char *p = path_in_dir(name);
    unlink(p);
    CHECK(mkfifo(p, 0600) == 0);
    *r = CreateFileA(p, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    *w = CreateFileA(p, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, NULL);
    CHECK(*r != INVALID_HANDLE_VALUE && *w != INVALID_HANDLE_VALUE);
}

static volatile LONG g_routines;
static DWORD g_routine_err, g_routine_bytes, g_routine_thread;
static LPOVERLAPPED g_routine_ov;

static VOID WINAPI Done(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
    g_routine_err = err;
    g_routine_bytes = bytes;
    g_routine_ov = ov;
    g_routine_thread = GetCurrentThreadId();
    InterlockedIncrement(&g_routines);
}

static VOID NTAPI NoopApc(ULONG_PTR data)
{
    (void)data;
}

struct writer_arg {
    HANDLE h;
    DWORD delay;
    const char *text;
};

static DWORD WINAPI DelayedWriter(LPVOID p)
{
    struct writer_arg *a = (struct writer_arg *)p;
    OVERLAPPED ov;
    DWORD n = 0;
    Sleep(a->delay);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!WriteFile(a->h, a->text, (DWORD)strlen(a->text), &n, &ov)) {
        if (GetLastError() != ERROR_IO_PENDING)
            return 1;
        if (!GetOverlappedResult(a->h, &ov, &n, TRUE))
            return 2;
    }
    CloseHandle(ov.hEvent);
    return n == strlen(a->text) ? 0 : 3;
}

/* IOCP workers: take packets until a packet with key 0, counting the rest. */
static HANDLE g_port;
static volatile LONG g_packets;
static volatile LONG g_keysum;

static DWORD WINAPI Worker(LPVOID p)
{
    DWORD n;
    ULONG_PTR key;
    LPOVERLAPPED ov;
    (void)p;
    for (;;) {
        if (!GetQueuedCompletionStatus(g_port, &n, &key, &ov, 10000))
            return 1;
        if (key == 0)
            return 0;
        InterlockedIncrement(&g_packets);
        InterlockedExchangeAdd(&g_keysum, (LONG)n);
    }
}

static DWORD WINAPI PortWaiter(LPVOID p)
{
    DWORD n = 0;
    ULONG_PTR key = 0;
    LPOVERLAPPED ov = (LPOVERLAPPED)1;
    BOOL ok = GetQueuedCompletionStatus((HANDLE)p, &n, &key, &ov, 10000);
    return ok ? 1 : (ov == NULL ? GetLastError() : 2);
}

static DWORD WINAPI OtherThreadCancelIo(LPVOID p)
{
    /* CancelIo cancels only the calling thread's operations: none here. */
    return CancelIo((HANDLE)p) ? 0 : GetLastError();
}

int main(void)
{
    HANDLE f, r, w, ev, port, th, ar, aw;
    OVERLAPPED ov, ov2;
    DWORD n = 0, code = 99;
    ULONG_PTR key = 0;
    LPOVERLAPPED got = NULL;
    char buf[64];
    int i;

    snprintf(g_dir, sizeof g_dir, "/tmp/winipc_ovl_%u", (unsigned)GetCurrentProcessId());
    mkdir(g_dir, 0700);

    /* ---- a file: transfers at the OVERLAPPED's offset, completed at once ---- */
    f = CreateFileA(path_in_dir("file"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OVERLAPPED, NULL);
    CHECK(f != INVALID_HANDLE_VALUE);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 10;
    ov.hEvent = ev;
    if (!WriteFile(f, "overlapped", 10, NULL, &ov))
        CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
    CHECK_OK(GetOverlappedResult(f, &ov, &n, TRUE));
    CHECK_EQ(n, 10);
    CHECK(HasOverlappedIoCompleted(&ov));
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_EQ(GetFileSize(f, NULL), 20);
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 12;
    ov.hEvent = ev;
    CHECK(SetEvent(ev));
    memset(buf, 0, sizeof buf);
    if (!ReadFile(f, buf, 4, NULL, &ov))
        CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
    CHECK_OK(GetOverlappedResult(f, &ov, &n, TRUE));
    CHECK(n == 4 && memcmp(buf, "erla", 4) == 0);
    /* At or past the end: ERROR_HANDLE_EOF. */
    ZeroMemory(&ov, sizeof ov);
    ov.Offset = 20;
    if (!ReadFile(f, buf, 4, NULL, &ov)) {
        DWORD e = GetLastError();
        CHECK(e == ERROR_HANDLE_EOF || e == ERROR_IO_PENDING);
        CHECK_FAIL(GetOverlappedResult(f, &ov, &n, TRUE), FALSE, ERROR_HANDLE_EOF);
    } else {
        CHECK(0);
    }
    CHECK(CloseHandle(f));

    /* ---- a FIFO: a read that must wait ---- */
    fifo("fifo1", &r, &w);
    CHECK_EQ(GetFileType(r), FILE_TYPE_PIPE);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK(SetEvent(ev));
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK(!HasOverlappedIoCompleted(&ov));
    CHECK_EQ(ov.Internal, STATUS_PENDING);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT); /* reset when the read started */
    CHECK_FAIL(GetOverlappedResult(r, &ov, &n, FALSE), FALSE, ERROR_IO_INCOMPLETE);
    CHECK_FAIL(GetOverlappedResultEx(r, &ov, &n, 0, FALSE), FALSE, ERROR_IO_INCOMPLETE);
    CHECK_FAIL(GetOverlappedResultEx(r, &ov, &n, 30, FALSE), FALSE, WAIT_TIMEOUT);
    CHECK_EQ(QueueUserAPC(NoopApc, GetCurrentThread(), 0), 1);
    CHECK_FAIL(GetOverlappedResultEx(r, &ov, &n, 5000, TRUE), FALSE, WAIT_IO_COMPLETION);
    {
        struct writer_arg a = {w, 50, "hello"};
        th = CreateThread(NULL, 0, DelayedWriter, &a, 0, NULL);
        CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
        CHECK(HasOverlappedIoCompleted(&ov));
        CHECK_OK(GetOverlappedResult(r, &ov, &n, FALSE));
        CHECK(n == 5 && memcmp(buf, "hello", 5) == 0);
        CHECK_EQ(ov.InternalHigh, 5);
        CHECK_EQ(ov.Internal, 0);
        CHECK_EQ(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
        CHECK(GetExitCodeThread(th, &code) && code == 0);
        CloseHandle(th);
    }
    /* Data already there: the read completes at once, TRUE, and the event is still set. */
    ZeroMemory(&ov2, sizeof ov2);
    CHECK(WriteFile(w, "now", 3, &n, &ov2) || GetLastError() == ERROR_IO_PENDING);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    n = 0;
    CHECK_OK(ReadFile(r, buf, sizeof buf, &n, &ov));
    CHECK_EQ(n, 3);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    /* Without an event GetOverlappedResult waits on the operation itself. */
    ZeroMemory(&ov, sizeof ov);
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    {
        struct writer_arg a = {w, 30, "abc"};
        th = CreateThread(NULL, 0, DelayedWriter, &a, 0, NULL);
        CHECK_OK(GetOverlappedResult(r, &ov, &n, TRUE));
        CHECK_EQ(n, 3);
        WaitForSingleObject(th, 5000);
        CloseHandle(th);
    }
    /* A NULL OVERLAPPED on an overlapped handle: the read waits for its data. */
    {
        struct writer_arg a = {w, 30, "sync"};
        th = CreateThread(NULL, 0, DelayedWriter, &a, 0, NULL);
        n = 0;
        CHECK_OK(ReadFile(r, buf, sizeof buf, &n, NULL));
        CHECK_EQ(n, 4);
        WaitForSingleObject(th, 5000);
        CloseHandle(th);
    }

    /* ---- cancellation ---- */
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    th = CreateThread(NULL, 0, OtherThreadCancelIo, r, 0, NULL);
    WaitForSingleObject(th, 5000);
    CHECK(GetExitCodeThread(th, &code) && code == 0);
    CloseHandle(th);
    CHECK(!HasOverlappedIoCompleted(&ov)); /* another thread's CancelIo left it */
    CHECK_OK(CancelIo(r));
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(r, &ov, &n, TRUE), FALSE, ERROR_OPERATION_ABORTED);
    CHECK_FAIL(CancelIoEx(r, NULL), FALSE, ERROR_NOT_FOUND);
    CHECK_FAIL(CancelIoEx(r, &ov), FALSE, ERROR_NOT_FOUND);
    /* Two reads queued: CancelIoEx of the first; the second gets the data. */
    ZeroMemory(&ov, sizeof ov);
    ZeroMemory(&ov2, sizeof ov2);
    CHECK_FAIL(ReadFile(r, buf, 8, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_FAIL(ReadFile(r, buf + 8, 8, NULL, &ov2), FALSE, ERROR_IO_PENDING);
    CHECK_OK(CancelIoEx(r, &ov));
    CHECK_FAIL(GetOverlappedResult(r, &ov, &n, TRUE), FALSE, ERROR_OPERATION_ABORTED);
    CHECK(!HasOverlappedIoCompleted(&ov2));
    CHECK_OK(WriteFile(w, "second", 6, &n, NULL));
    CHECK_OK(GetOverlappedResult(r, &ov2, &n, TRUE));
    CHECK(n == 6 && memcmp(buf + 8, "second", 6) == 0);
    CHECK_FAIL(CancelIoEx(NULL, NULL), FALSE, ERROR_INVALID_HANDLE);

    /* ---- ReadFileEx / WriteFileEx: routines run in an alertable wait of the issuer ---- */
    ZeroMemory(&ov, sizeof ov);
    CHECK_OK(ReadFileEx(r, buf, sizeof buf, &ov, Done));
    Sleep(20);
    CHECK_EQ(g_routines, 0);
    ZeroMemory(&ov2, sizeof ov2);
    CHECK_OK(WriteFileEx(w, "routine", 7, &ov2, Done));
    CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    if (g_routines < 2)
        CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_routines, 2);
    CHECK_EQ(g_routine_thread, GetCurrentThreadId());
    CHECK(memcmp(buf, "routine", 7) == 0);
    CHECK_EQ(g_routine_err, 0);
    /* A cancelled ReadFileEx: its routine gets ERROR_OPERATION_ABORTED. */
    ZeroMemory(&ov, sizeof ov);
    CHECK_OK(ReadFileEx(r, buf, sizeof buf, &ov, Done));
    CHECK_OK(CancelIoEx(r, &ov));
    CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
    CHECK_EQ(g_routines, 3);
    CHECK_EQ(g_routine_err, ERROR_OPERATION_ABORTED);
    CHECK(g_routine_ov == &ov);
    CHECK_FAIL(ReadFileEx(r, buf, sizeof buf, &ov, NULL), FALSE, ERROR_INVALID_PARAMETER);

    /* ---- completion ports ---- */
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    CHECK(port != NULL);
    CHECK(CreateIoCompletionPort(r, port, 7, 0) == port);
    CHECK(CreateIoCompletionPort(w, port, 8, 0) == port);
    CHECK_FAIL(CreateIoCompletionPort(r, port, 9, 0), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, &got, 20), FALSE, WAIT_TIMEOUT);
    CHECK(got == NULL);
    ZeroMemory(&ov, sizeof ov);
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    ZeroMemory(&ov2, sizeof ov2);
    if (!WriteFile(w, "packet", 6, NULL, &ov2))
        CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
    for (i = 0; i < 2; i++) {
        CHECK_OK(GetQueuedCompletionStatus(port, &n, &key, &got, 5000));
        if (key == 7)
            CHECK(got == &ov && n == 6 && memcmp(buf, "packet", 6) == 0);
        else
            CHECK(key == 8 && got == &ov2 && n == 6);
    }
    /* Bit 0 of hEvent: no packet (the event is still set). */
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = (HANDLE)((ULONG_PTR)ev | 1);
    CHECK_OK(WriteFile(w, "x", 1, NULL, &ov) || GetLastError() == ERROR_IO_PENDING);
    CHECK_OK(GetOverlappedResult(w, &ov, &n, TRUE));
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, &got, 20), FALSE, WAIT_TIMEOUT);
    CHECK_OK(ReadFile(r, buf, 1, &n, &ov) || GetLastError() == ERROR_IO_PENDING);
    CHECK_OK(GetOverlappedResult(r, &ov, &n, TRUE));
    /* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS: a write done at once posts nothing. */
    CHECK_FAIL(SetFileCompletionNotificationModes(w, 0x80), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(SetFileCompletionNotificationModes(w, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS));
    ZeroMemory(&ov2, sizeof ov2);
    CHECK_OK(WriteFile(w, "y", 1, &n, &ov2));
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, &got, 20), FALSE, WAIT_TIMEOUT);
    ZeroMemory(&ov, sizeof ov);
    CHECK_OK(ReadFile(r, buf, 1, &n, &ov)); /* r still posts */
    CHECK_OK(GetQueuedCompletionStatus(port, &n, &key, &got, 1000));
    CHECK(key == 7 && got == &ov && n == 1 && buf[0] == 'y');
    CHECK_OK(SetFileCompletionNotificationModes(w, 0));

    /* A failed operation: FALSE with the OVERLAPPED and its error. */
    ZeroMemory(&ov, sizeof ov);
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_OK(CancelIoEx(r, &ov));
    got = NULL;
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, &got, 5000), FALSE,
               ERROR_OPERATION_ABORTED);
    CHECK(got == &ov && key == 7 && n == 0);
    /* Posted packets, and GetQueuedCompletionStatusEx. */
    CHECK_OK(PostQueuedCompletionStatus(port, 11, 100, (LPOVERLAPPED)0x1234));
    CHECK_OK(PostQueuedCompletionStatus(port, 12, 101, NULL));
    CHECK_OK(PostQueuedCompletionStatus(port, 13, 102, NULL));
    {
        OVERLAPPED_ENTRY e[8];
        ULONG removed = 99;
        CHECK_OK(GetQueuedCompletionStatusEx(port, e, 2, &removed, 0, FALSE));
        CHECK_EQ(removed, 2);
        CHECK(e[0].lpCompletionKey == 100 && e[0].dwNumberOfBytesTransferred == 11 &&
              e[0].lpOverlapped == (LPOVERLAPPED)0x1234);
        CHECK(e[1].lpCompletionKey == 101 && e[1].dwNumberOfBytesTransferred == 12);
        CHECK_OK(GetQueuedCompletionStatusEx(port, e, 8, &removed, 0, FALSE));
        CHECK(removed == 1 && e[0].lpCompletionKey == 102);
        CHECK_FAIL(GetQueuedCompletionStatusEx(port, e, 8, &removed, 10, FALSE), FALSE,
                   WAIT_TIMEOUT);
        CHECK_EQ(removed, 0);
        CHECK_EQ(QueueUserAPC(NoopApc, GetCurrentThread(), 0), 1);
        CHECK_FAIL(GetQueuedCompletionStatusEx(port, e, 8, &removed, 5000, TRUE), FALSE,
                   WAIT_IO_COMPLETION);
        CHECK_FAIL(GetQueuedCompletionStatusEx(port, e, 0, &removed, 0, FALSE), FALSE,
                   ERROR_INVALID_PARAMETER);
    }
    /* Bad input: clear errors, no crash. */
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, (LPOVERLAPPED)16), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(ReadFile(r, (LPVOID)16, sizeof buf, NULL, &ov), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetOverlappedResult(r, NULL, &n, FALSE), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetOverlappedResult(r, (LPOVERLAPPED)16, &n, TRUE), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetQueuedCompletionStatus(port, NULL, &key, &got, 0), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, NULL, 0), FALSE, ERROR_NOACCESS);
    CHECK_FAIL(CreateIoCompletionPort(NULL, NULL, 0, 0), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CreateIoCompletionPort(INVALID_HANDLE_VALUE, port, 0, 0), NULL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateIoCompletionPort(r, ev, 0, 0), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CancelIo(NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(WriteFileEx(w, "x", 1, NULL, Done), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(PostQueuedCompletionStatus(ev, 0, 0, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetQueuedCompletionStatus(ev, &n, &key, &got, 0), FALSE, ERROR_INVALID_HANDLE);
    /* A port is not waitable here (on Windows it is a kernel queue, not a waitable object). */
    CHECK_EQ(WaitForSingleObject(port, 0), WAIT_FAILED);

    /* Worker threads sharing one port. */
    g_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 4);
    {
        HANDLE ths[4];
        for (i = 0; i < 4; i++)
            ths[i] = CreateThread(NULL, 0, Worker, NULL, 0, NULL);
        for (i = 0; i < 1000; i++)
            PostQueuedCompletionStatus(g_port, 2, 1 + i, NULL);
        for (i = 0; i < 4; i++)
            PostQueuedCompletionStatus(g_port, 0, 0, NULL);
        CHECK_EQ(WaitForMultipleObjects(4, ths, TRUE, 10000), WAIT_OBJECT_0);
        for (i = 0; i < 4; i++) {
            CHECK(GetExitCodeThread(ths[i], &code) && code == 0);
            CloseHandle(ths[i]);
        }
        CHECK_EQ(g_packets, 1000);
        CHECK_EQ(g_keysum, 2000);
    }
    /* Closing a port under a waiting thread: ERROR_ABANDONED_WAIT_0. (A thread that had not
       reached its wait when the port closed sees ERROR_INVALID_HANDLE: then again, longer.) */
    for (i = 0; i < 6; i++) {
        if (i > 0)
            g_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
        th = CreateThread(NULL, 0, PortWaiter, g_port, 0, NULL);
        Sleep(50 << i);
        CHECK(CloseHandle(g_port));
        CHECK_EQ(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
        CHECK(GetExitCodeThread(th, &code));
        CloseHandle(th);
        if (code != ERROR_INVALID_HANDLE)
            break;
    }
    CHECK_EQ(code, ERROR_ABANDONED_WAIT_0);

    /* ---- closing a handle with pending I/O cancels it; the packet still comes ---- */
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK(CloseHandle(r));
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    CHECK_EQ(ov.Internal, 0xC0000120); /* STATUS_CANCELLED */
    CHECK_FAIL(GetQueuedCompletionStatus(port, &n, &key, &got, 5000), FALSE,
               ERROR_OPERATION_ABORTED);
    CHECK(got == &ov && key == 7);
    /* Writing with no reader left: ERROR_NO_DATA, at once. */
    ZeroMemory(&ov, sizeof ov);
    CHECK_FAIL(WriteFile(w, "x", 1, NULL, &ov), FALSE, ERROR_NO_DATA);
    CHECK(CloseHandle(w));

    /* The write end closed under a pending read: ERROR_BROKEN_PIPE. */
    fifo("fifo2", &r, &w);
    ZeroMemory(&ov, sizeof ov);
    CHECK_FAIL(ReadFile(r, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK(CloseHandle(w));
    CHECK_FAIL(GetOverlappedResult(r, &ov, &n, TRUE), FALSE, ERROR_BROKEN_PIPE);
    CHECK(CloseHandle(r));
    CHECK(CloseHandle(port));
    CHECK_FAIL(CloseHandle(port), FALSE, ERROR_INVALID_HANDLE);

    /* ---- synchronous handles: the OVERLAPPED is complete when the call returns ---- */
    CHECK(CreatePipe(&ar, &aw, NULL, 0));
    port = CreateIoCompletionPort(aw, NULL, 5, 0);
    CHECK(port != NULL);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK(ResetEvent(ev));
    CHECK_OK(WriteFile(aw, "sync", 4, &n, &ov));
    CHECK(n == 4 && ov.Internal == 0 && ov.InternalHigh == 4);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    CHECK_OK(GetQueuedCompletionStatus(port, &n, &key, &got, 1000));
    CHECK(key == 5 && got == &ov && n == 4);
    CHECK_FAIL(ReadFileEx(ar, buf, 4, &ov, Done), FALSE, ERROR_INVALID_PARAMETER);
    CloseHandle(ar);
    CloseHandle(aw);
    CloseHandle(port);
    {
        char name[128];
        HANDLE slot, cl;
        snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", uniq("ovl"));
        slot = CreateMailslotA(name, 0, 0, NULL);
        cl = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_FLAG_OVERLAPPED, NULL);
        CHECK(slot != INVALID_HANDLE_VALUE && cl != INVALID_HANDLE_VALUE);
        port = CreateIoCompletionPort(slot, NULL, 3, 0);
        CHECK(port != NULL);
        ZeroMemory(&ov, sizeof ov);
        CHECK_OK(WriteFile(cl, "slot", 4, NULL, &ov));
        CHECK_OK(GetOverlappedResult(cl, &ov, &n, FALSE));
        CHECK_EQ(n, 4);
        ZeroMemory(&ov, sizeof ov);
        CHECK_OK(ReadFile(slot, buf, sizeof buf, NULL, &ov));
        CHECK_OK(GetQueuedCompletionStatus(port, &n, &key, &got, 1000));
        CHECK(key == 3 && got == &ov && n == 4);
        CHECK_FAIL(CreateIoCompletionPort(ev, NULL, 1, 0), NULL, ERROR_INVALID_PARAMETER);
        CloseHandle(cl);
        CloseHandle(slot);
        CloseHandle(port);
    }
    CloseHandle(ev);
    unlink(path_in_dir("file"));
    unlink(path_in_dir("fifo1"));
    unlink(path_in_dir("fifo2"));
    rmdir(g_dir);
    return SUMMARY();
}
