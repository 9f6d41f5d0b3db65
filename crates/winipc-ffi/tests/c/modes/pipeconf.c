/*
 * pipeconf.c - named and anonymous pipes against the behaviours a conformance suite (Wine's
 * kernel32 pipe tests, checked on Windows) expects, one group per function:
 *
 *   create_params   bad names, bad modes, NULL name, a name with odd characters, access 0
 *   instances       the instance limit, direction mismatch, type/limit of later instances
 *   busy            ERROR_PIPE_BUSY while connected, after the client left, after Disconnect;
 *                   ConnectNamedPipe after the client left (ERROR_NO_DATA)
 *   process_ids     GetNamedPipeClient/ServerProcessId on both ends, after either closed;
 *                   ImpersonateNamedPipeClient / RevertToSelf
 *   transfer        byte and message pipes: Peek (avail, left), ERROR_MORE_DATA in parts,
 *                   the rest read by another thread, byte reads of several messages
 *   disconnect      I/O before a client (PIPE_LISTENING), Disconnect with data waiting,
 *                   PIPE_NOT_CONNECTED on both ends, twice, Peek after it, not signaled
 *   close           the server closed with a message queued, zero-length messages, reads
 *                   of 0 bytes, BROKEN_PIPE / NO_DATA after
 *   readfile        a short message read with an OVERLAPPED on a synchronous handle
 *                   (Internal/InternalHigh), reads/writes after Disconnect
 *   overlapped      connect pending then a client, connect with a client already there,
 *                   CancelIo of a pending connect, closing a server with a pending connect
 *                   and pending reads, CancelIoEx of one read of two, twice -> NOT_FOUND
 *   file_object     WaitForSingleObject on a handle in overlapped mode: reset while an
 *                   operation is under way, set by one that completes without an event
 *   handle_state    GetNamedPipeHandleState / SetNamedPipeHandleState values and refusals
 *   info            GetNamedPipeInfo of named and anonymous pipes
 *   pending_reads   ReadFileEx pending until a write, a 0-byte overlapped read pending,
 *                   GetOverlappedResultEx (timeouts, an APC while alertable)
 *   transact        TransactNamedPipe: BAD_PIPE, PIPE_BUSY, overlapped pending until the
 *                   answer, 0-byte messages
 *   multi           which listening instance a client gets, WaitNamedPipe wake-ups
 *   nowait          PIPE_NOWAIT reads and connects
 *   anon            CreatePipe: sizes, data after the writer closed, ReadFile on the write
 *                   end and WriteFile on the read end (ERROR_ACCESS_DENIED), 32 KiB at once
 *   echo            the five echo servers (blocking, recreated, overlapped+event,
 *                   completion port, ReadFileEx/WriteFileEx), eight clients each
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>
#include "harness.h"

static char g_name[200];

static const char *pname(const char *tag)
{
    snprintf(g_name, sizeof g_name, "\\\\.\\PiPe\\%s", uniq(tag));
    return g_name;
}

static HANDLE mkpipe(const char *name, DWORD open, DWORD mode, DWORD inst)
{
    return CreateNamedPipeA(name, open, mode, inst, 1024, 1024, NMPWAIT_USE_DEFAULT_WAIT, NULL);
}

static HANDLE open_client(const char *name, DWORD flags)
{
    return CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, flags, NULL);
}

static DWORD WINAPI Watchdog(LPVOID p)
{
    (void)p;
    Sleep(60000);
    printf("FAIL watchdog: pipeconf still running after 60 s\n");
    fflush(stdout);
    ExitProcess(3);
    return 0;
}

static const char obuf[] = "Bit Bucket";
static const char obuf2[] = "More bits";

/* ---- create_params ---- */
static void test_create_params(void)
{
    const char *name = pname("cp");
    HANDLE s, c;
    char odd[200];

    CHECK_FAIL(WaitNamedPipeA(name, 200), FALSE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(WaitNamedPipeA(name, 0), FALSE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(CreateNamedPipeA("not a named pipe", PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 1024,
                                1024, NMPWAIT_USE_DEFAULT_WAIT, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE, 1),
               INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateNamedPipeA(NULL, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 1024, 1024,
                                NMPWAIT_USE_DEFAULT_WAIT, NULL),
               INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(CreateNamedPipeW(NULL, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 1024, 1024,
                                NMPWAIT_USE_DEFAULT_WAIT, NULL),
               INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 0), INVALID_HANDLE_VALUE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 256), INVALID_HANDLE_VALUE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(mkpipe(name, 0, PIPE_TYPE_BYTE, 1), INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(open_client(name, 0), INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    {
        DWORD avail = 7;
        CHECK_FAIL(PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL), FALSE, ERROR_BAD_PIPE);
    }
    CHECK_OK(WaitNamedPipeA(name, 2000));
    c = open_client(name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_FAIL(WaitNamedPipeA(name, 100), FALSE, ERROR_SEM_TIMEOUT);
    CHECK_FAIL(ConnectNamedPipe(s, NULL), FALSE, ERROR_PIPE_CONNECTED);
    CHECK_FAIL(ConnectNamedPipe(c, NULL), FALSE, ERROR_INVALID_FUNCTION);
    CHECK_FAIL(DisconnectNamedPipe(c), FALSE, ERROR_INVALID_FUNCTION);
    CloseHandle(c);
    CloseHandle(s);

    /* Inbound and outbound pipes; a client with no access at all. */
    s = mkpipe(name, PIPE_ACCESS_OUTBOUND, PIPE_TYPE_BYTE, 1);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = CreateFileA(name, 0, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CloseHandle(c);
    CloseHandle(s);

    /* Each end works only the ways it was opened for: ERROR_ACCESS_DENIED. */
    s = mkpipe(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE, 1);
    CHECK_FAIL(CreateFileA(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    c = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    {
        char b[4];
        DWORD n;
        CHECK_FAIL(ReadFile(c, b, sizeof b, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
        CHECK_FAIL(WriteFile(s, "x", 1, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
        CHECK_OK(WriteFile(c, "x", 1, &n, NULL));
        CHECK_OK(ReadFile(s, b, sizeof b, &n, NULL));
        CHECK_EQ(n, 1);
    }
    CloseHandle(c);
    CloseHandle(s);
    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1);
    c = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    {
        char b[4];
        DWORD n;
        CHECK_FAIL(ReadFile(c, b, sizeof b, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    }
    CloseHandle(c);
    CloseHandle(s);

    /* Every character but '\' may follow \\.\pipe\ . */
    snprintf(odd, sizeof odd, "%s_a<>*?|\"/b", name);
    s = CreateNamedPipeA(odd, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 1024, 1024,
                         NMPWAIT_USE_DEFAULT_WAIT, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = CreateFileA(odd, 0, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CloseHandle(c);
    CloseHandle(s);
}

/* ---- instances ---- */
static void test_instances(void)
{
    const char *name = pname("inst");
    HANDLE a, b;

    a = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2);
    b = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2);
    CHECK(a != INVALID_HANDLE_VALUE && b != INVALID_HANDLE_VALUE);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2),
               INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    CloseHandle(a);
    CloseHandle(b);

    a = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    CHECK(a != INVALID_HANDLE_VALUE);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1),
               INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    CloseHandle(a);

    a = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2);
    CHECK(a != INVALID_HANDLE_VALUE);
    CHECK_FAIL(mkpipe(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE | PIPE_WAIT, 2),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE,
                                PIPE_TYPE_BYTE, 2, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    CloseHandle(a);

    /* The first instance fixes the limit; a later one's type, limit, sizes and timeout
     * do not have to match (they are ignored). */
    a = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 4);
    CHECK(a != INVALID_HANDLE_VALUE);
    b = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE, 3, 102, 24, 1234, NULL);
    CHECK(b != INVALID_HANDLE_VALUE);
    CloseHandle(a);
    CloseHandle(b);
}

/* ---- busy ---- */
static void test_busy(void)
{
    const char *name = pname("busy");
    HANDLE s, c, c2;

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    /* case 1: the client is still there */
    c2 = open_client(name, 0);
    CHECK(c2 == INVALID_HANDLE_VALUE);
    CHECK_EQ(GetLastError(), ERROR_PIPE_BUSY);
    CloseHandle(c);
    /* case 2: it left, but the server did not disconnect */
    CHECK_FAIL(open_client(name, 0), INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    CHECK_OK(DisconnectNamedPipe(s));
    /* case 3: disconnected, not listening again yet */
    CHECK_FAIL(open_client(name, 0), INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    CHECK_FAIL(WaitNamedPipeA(name, 50), FALSE, ERROR_SEM_TIMEOUT);
    CloseHandle(s);
    CHECK_FAIL(open_client(name, 0), INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);

    /* A client that came and went before ConnectNamedPipe: ERROR_NO_DATA; after a
     * disconnect the instance listens again. */
    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    CloseHandle(c);
    CHECK_FAIL(ConnectNamedPipe(s, NULL), FALSE, ERROR_NO_DATA);
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_OK(WaitNamedPipeA(name, 0) || GetLastError() == ERROR_SEM_TIMEOUT);
    CloseHandle(s);
}

/* ---- process ids ---- */
static void test_process_ids(void)
{
    const char *name = pname("pid");
    DWORD me = GetCurrentProcessId();
    ULONG pid;
    HANDLE s, c;

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    /* No client to impersonate yet; then one of this user (which changes nothing). */
    CHECK_FAIL(ImpersonateNamedPipeClient(s), FALSE, ERROR_CANNOT_IMPERSONATE);
    c = open_client(name, 0);
    CHECK_OK(ImpersonateNamedPipeClient(s));
    CHECK_OK(RevertToSelf());
    SetLastError(0xdeadbeef);
    CHECK(!GetNamedPipeClientProcessId(s, NULL));
    pid = 0;
    CHECK_OK(GetNamedPipeClientProcessId(s, &pid));
    CHECK_EQ(pid, me);
    pid = 0;
    CHECK_OK(GetNamedPipeClientProcessId(c, &pid));
    CHECK_EQ(pid, me);
    pid = 0;
    CHECK_OK(GetNamedPipeServerProcessId(c, &pid));
    CHECK_EQ(pid, me);
    pid = 0;
    CHECK_OK(GetNamedPipeServerProcessId(s, &pid));
    CHECK_EQ(pid, me);
    /* The client closed: the server still knows who it was. */
    CloseHandle(c);
    pid = 0;
    CHECK_OK(GetNamedPipeClientProcessId(s, &pid));
    CHECK_EQ(pid, me);
    pid = 7;
    CHECK_OK(GetNamedPipeClientSessionId(s, &pid));
    CHECK_EQ(pid, 0);
    CloseHandle(s);
    /* The server closed: so does the client. */
    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CloseHandle(s);
    pid = 0;
    CHECK_OK(GetNamedPipeServerProcessId(c, &pid));
    CHECK_EQ(pid, me);
    pid = 0;
    CHECK_OK(GetNamedPipeClientProcessId(c, &pid));
    CHECK_EQ(pid, me);
    CloseHandle(c);
}

/* ---- transfer ---- */
struct rpc {
    HANDLE h;
    char *buf;
    DWORD len, n, err;
    BOOL ret;
};

static DWORD WINAPI RpcRead(LPVOID p)
{
    struct rpc *r = (struct rpc *)p;
    r->n = 0xdeadbeef;
    r->ret = ReadFile(r->h, r->buf, r->len, &r->n, NULL);
    r->err = GetLastError();
    return 0;
}

/* ReadFile from another thread. */
static BOOL rpc_read(HANDLE h, char *buf, DWORD len, DWORD *n)
{
    struct rpc r;
    HANDLE t;
    r.h = h;
    r.buf = buf;
    r.len = len;
    t = CreateThread(NULL, 0, RpcRead, &r, 0, NULL);
    WaitForSingleObject(t, INFINITE);
    CloseHandle(t);
    *n = r.n;
    SetLastError(r.err);
    return r.ret;
}

static void test_transfer(int msg)
{
    const char *name = pname(msg ? "tmsg" : "tbyte");
    DWORD mode = msg ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : PIPE_TYPE_BYTE;
    HANDLE s, c;
    char ibuf[32];
    DWORD w, r, avail, left, m;

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, mode | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);

    CHECK_OK(WriteFile(s, obuf, sizeof obuf, &w, NULL));
    CHECK_EQ(w, sizeof obuf);
    CHECK_OK(ReadFile(c, ibuf, sizeof ibuf, &r, NULL));
    CHECK_EQ(r, sizeof obuf);
    CHECK(memcmp(ibuf, obuf, sizeof obuf) == 0);
    CHECK_OK(WriteFile(c, obuf2, sizeof obuf2, &w, NULL));
    CHECK_OK(ReadFile(s, ibuf, sizeof ibuf, &r, NULL));
    CHECK_EQ(r, sizeof obuf2);

    /* Peek with no buffer: what is there, and what is left of the message. */
    CHECK_OK(WriteFile(s, obuf, sizeof obuf, &w, NULL));
    CHECK_OK(PeekNamedPipe(c, NULL, 0, NULL, &avail, &left));
    CHECK_EQ(avail, sizeof obuf);
    CHECK_EQ(left, msg ? sizeof obuf : 0);
    CHECK_OK(ReadFile(c, ibuf, sizeof ibuf, &r, NULL));
    CHECK_EQ(r, sizeof obuf);

    /* Peek 4 bytes: on a byte pipe lpBytesLeftThisMessage is 0 - 4. */
    CHECK_OK(WriteFile(s, obuf2, sizeof obuf2, &w, NULL));
    CHECK_OK(PeekNamedPipe(c, ibuf, 4, &r, &avail, &left));
    CHECK_EQ(r, 4);
    CHECK_EQ(avail, sizeof obuf2);
    CHECK_EQ(left, msg ? (DWORD)(sizeof obuf2 - 4) : (DWORD)-4);
    /* The client is in byte-read mode: a short read is not an error. */
    CHECK_OK(ReadFile(c, ibuf, 4, &r, NULL));
    CHECK_EQ(r, 4);
    CHECK_OK(ReadFile(c, ibuf + 4, sizeof ibuf - 4, &r, NULL));
    CHECK_EQ(r, sizeof obuf2 - 4);
    CHECK(memcmp(ibuf, obuf2, sizeof obuf2) == 0);

    /* The server reads in message mode: ERROR_MORE_DATA, in three parts. */
    CHECK_OK(WriteFile(c, obuf2, sizeof obuf2, &w, NULL));
    if (msg) {
        CHECK_FAIL(ReadFile(s, ibuf, 4, &r, NULL), FALSE, ERROR_MORE_DATA);
        CHECK_EQ(r, 4);
        CHECK_FAIL(ReadFile(s, ibuf + 4, 4, &r, NULL), FALSE, ERROR_MORE_DATA);
        CHECK_EQ(r, 4);
    } else {
        CHECK_OK(ReadFile(s, ibuf, 4, &r, NULL));
        CHECK_OK(ReadFile(s, ibuf + 4, 4, &r, NULL));
    }
    CHECK_OK(ReadFile(s, ibuf + 8, sizeof ibuf - 8, &r, NULL));
    CHECK_EQ(r, sizeof obuf2 - 8);
    CHECK(memcmp(ibuf, obuf2, sizeof obuf2) == 0);

    /* Two writes: Peek sees both; a byte-mode read takes both, also of two messages. */
    CHECK_OK(WriteFile(s, obuf, sizeof obuf, &w, NULL));
    CHECK_OK(WriteFile(s, obuf2, sizeof obuf2, &w, NULL));
    CHECK_OK(PeekNamedPipe(c, ibuf, 4, &r, &avail, &left));
    CHECK_EQ(r, 4);
    CHECK_EQ(avail, sizeof obuf + sizeof obuf2);
    CHECK_EQ(left, msg ? (DWORD)(sizeof obuf - 4) : (DWORD)-4);
    CHECK_OK(PeekNamedPipe(c, ibuf, sizeof ibuf, &r, &avail, &left));
    CHECK_EQ(r, msg ? sizeof obuf : sizeof obuf + sizeof obuf2);
    CHECK_EQ(avail, sizeof obuf + sizeof obuf2);
    CHECK_EQ(left, msg ? 0 : (DWORD) - (int)(sizeof obuf + sizeof obuf2));
    memset(ibuf, 0, sizeof ibuf);
    CHECK_OK(ReadFile(c, ibuf, sizeof ibuf, &r, NULL));
    CHECK_EQ(r, sizeof obuf + sizeof obuf2);
    CHECK(memcmp(ibuf, obuf, sizeof obuf) == 0);
    CHECK(memcmp(ibuf + sizeof obuf, obuf2, sizeof obuf2) == 0);

    /* The other way, the server in message-read mode reads one message. */
    CHECK_OK(WriteFile(c, obuf, sizeof obuf, &w, NULL));
    CHECK_OK(WriteFile(c, obuf2, sizeof obuf2, &w, NULL));
    CHECK_OK(ReadFile(s, ibuf, sizeof ibuf, &r, NULL));
    CHECK_EQ(r, msg ? sizeof obuf : sizeof obuf + sizeof obuf2);
    if (msg) {
        CHECK_OK(PeekNamedPipe(s, ibuf, sizeof ibuf, &r, &avail, NULL));
        CHECK_EQ(r, sizeof obuf2);
        CHECK_EQ(avail, sizeof obuf2);
        CHECK_OK(ReadFile(s, ibuf, sizeof ibuf, &r, NULL));
        CHECK_EQ(r, sizeof obuf2);
    }

    m = PIPE_READMODE_MESSAGE;
    if (!msg) {
        /* A byte pipe's client cannot read messages. */
        CHECK_FAIL(SetNamedPipeHandleState(c, &m, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    } else {
        CHECK_OK(SetNamedPipeHandleState(c, &m, NULL, NULL));
        CHECK_OK(WriteFile(s, obuf, sizeof obuf, &w, NULL));
        CHECK_OK(WriteFile(s, obuf2, sizeof obuf2, &w, NULL));
        CHECK_OK(PeekNamedPipe(c, ibuf, sizeof ibuf, &r, &avail, &left));
        CHECK_EQ(r, sizeof obuf);
        CHECK_EQ(avail, sizeof obuf + sizeof obuf2);
        CHECK_EQ(left, 0);
        CHECK_OK(ReadFile(c, ibuf, sizeof ibuf, &r, NULL));
        CHECK_EQ(r, sizeof obuf);
        CHECK_OK(ReadFile(c, ibuf, sizeof ibuf, &r, NULL));
        CHECK_EQ(r, sizeof obuf2);

        /* A partial read leaves the rest in the pipe, for any thread. */
        CHECK_OK(WriteFile(s, obuf, sizeof obuf, &w, NULL));
        CHECK_OK(WriteFile(s, obuf2, sizeof obuf2, &w, NULL));
        memset(ibuf, 0, sizeof ibuf);
        CHECK_FAIL(ReadFile(c, ibuf, 4, &r, NULL), FALSE, ERROR_MORE_DATA);
        CHECK_EQ(r, 4);
        CHECK_FAIL(rpc_read(c, ibuf + 4, 4, &r), FALSE, ERROR_MORE_DATA);
        CHECK_EQ(r, 4);
        CHECK_OK(rpc_read(c, ibuf + 8, sizeof ibuf - 8, &r));
        CHECK_EQ(r, sizeof obuf - 8);
        CHECK(memcmp(ibuf, obuf, sizeof obuf) == 0);
        CHECK_FAIL(rpc_read(c, ibuf, 4, &r), FALSE, ERROR_MORE_DATA);
        CHECK_FAIL(ReadFile(c, ibuf + 4, 4, &r, NULL), FALSE, ERROR_MORE_DATA);
        CHECK_OK(rpc_read(c, ibuf + 8, sizeof ibuf - 8, &r));
        CHECK_EQ(r, sizeof obuf2 - 8);
        CHECK(memcmp(ibuf, obuf2, sizeof obuf2) == 0);
    }
    CloseHandle(c);
    CloseHandle(s);
}

/* ---- disconnect ---- */
static void test_disconnect(void)
{
    const char *name = pname("disc");
    HANDLE s, c;
    char ibuf[32];
    DWORD w, r;

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    CHECK_FAIL(WriteFile(s, obuf, sizeof obuf, &w, NULL), FALSE, ERROR_PIPE_LISTENING);
    CHECK_FAIL(ReadFile(s, ibuf, sizeof ibuf, &r, NULL), FALSE, ERROR_PIPE_LISTENING);
    c = open_client(name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, obuf, sizeof obuf, &w, NULL));
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_FAIL(WriteFile(c, obuf, sizeof obuf, &w, NULL), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(WriteFile(s, obuf, sizeof obuf, &w, NULL), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(ReadFile(c, ibuf, sizeof ibuf, &r, NULL), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(ReadFile(s, ibuf, sizeof ibuf, &r, NULL), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(DisconnectNamedPipe(s), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(PeekNamedPipe(c, NULL, 0, NULL, &r, NULL), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_FAIL(PeekNamedPipe(s, NULL, 0, NULL, &r, NULL), FALSE, ERROR_BAD_PIPE);
    CloseHandle(c);
    CloseHandle(s);
}

/* ---- close ---- */
static void test_close(int server_writes)
{
    const char *name = pname("close");
    static const char td[] = "Hello World";
    HANDLE s, c, wr, rd;
    char buf[32];
    DWORD n, st;

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);
    wr = server_writes ? s : c;
    rd = server_writes ? c : s;
    n = 0xdeadbeef;
    CHECK_OK(WriteFile(wr, td, sizeof td, &n, NULL));
    CHECK_EQ(n, sizeof td);
    n = 0xdeadbeef;
    CHECK_OK(PeekNamedPipe(rd, NULL, 0, NULL, &n, NULL));
    CHECK_EQ(n, sizeof td);
    CHECK_OK(CloseHandle(wr));
    n = 0xdeadbeef;
    /* A 0-byte read with a message queued: TRUE (byte-read client) or ERROR_MORE_DATA
     * (a message-read server, Windows 8 and later), 0 bytes either way. */
    SetLastError(0xdeadbeef);
    if (!ReadFile(rd, buf, 0, &n, NULL))
        CHECK_EQ(GetLastError(), ERROR_MORE_DATA);
    CHECK_EQ(n, 0);
    n = 0xdeadbeef;
    CHECK_OK(PeekNamedPipe(rd, NULL, 0, NULL, &n, NULL));
    CHECK_EQ(n, sizeof td);
    n = 0xdeadbeef;
    CHECK_OK(ReadFile(rd, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, sizeof td);
    CHECK(memcmp(buf, td, sizeof td) == 0);
    CHECK_OK(GetNamedPipeHandleStateA(rd, &st, NULL, NULL, NULL, NULL, 0));
    st = PIPE_READMODE_MESSAGE | PIPE_WAIT;
    CHECK_OK(SetNamedPipeHandleState(rd, &st, NULL, NULL));
    CHECK_FAIL(ReadFile(rd, buf, 0, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    n = 0xdeadbeef;
    CHECK_FAIL(PeekNamedPipe(rd, NULL, 0, NULL, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CHECK_EQ(n, 0xdeadbeef);
    CHECK_FAIL(WriteFile(rd, td, sizeof td, &n, NULL), FALSE, ERROR_NO_DATA);
    CloseHandle(rd);

    /* A zero-length message, then the writer closes. */
    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1);
    c = open_client(name, 0);
    CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);
    wr = server_writes ? s : c;
    rd = server_writes ? c : s;
    n = 0xdeadbeef;
    CHECK_OK(WriteFile(wr, td, 0, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_OK(CloseHandle(wr));
    n = 0xdeadbeef;
    CHECK_OK(ReadFile(rd, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 0);
    CHECK_FAIL(ReadFile(rd, buf, 0, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CHECK_FAIL(ReadFile(rd, buf, sizeof buf, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CHECK_FAIL(WriteFile(rd, td, sizeof td, &n, NULL), FALSE, ERROR_NO_DATA);
    CloseHandle(rd);
}

/* ---- readfile ---- */
static void test_readfile(void)
{
    const char *name = pname("rf");
    static char buf[512];
    HANDLE s, c;
    OVERLAPPED ov;
    DWORD n;

    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 1024, 1024,
                         NMPWAIT_WAIT_FOREVER, NULL);
    c = open_client(name, 0);
    CHECK(s != INVALID_HANDLE_VALUE && c != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(c, buf, sizeof buf, &n, NULL));
    CHECK_FAIL(ReadFile(s, buf, 1, &n, NULL), FALSE, ERROR_MORE_DATA);
    CHECK_EQ(n, 1);
    /* An OVERLAPPED on a synchronous handle: the count is in the OVERLAPPED only. */
    memset(&ov, 0, sizeof ov);
    n = 0xdeadbeef;
    CHECK_FAIL(ReadFile(s, buf, 1, &n, &ov), FALSE, ERROR_MORE_DATA);
    CHECK_EQ(n, 0);
    CHECK_EQ(ov.Internal, 0x80000005); /* STATUS_BUFFER_OVERFLOW */
    CHECK_EQ(ov.InternalHigh, 1);
    CHECK_OK(DisconnectNamedPipe(s));
    memset(&ov, 0, sizeof ov);
    ov.InternalHigh = 0xdeadbeef;
    CHECK_FAIL(ReadFile(s, buf, 1, &n, &ov), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_EQ(n, 0);
    CHECK_EQ(ov.Internal, STATUS_PENDING);
    CHECK_EQ(ov.InternalHigh, 0xdeadbeef);
    memset(&ov, 0, sizeof ov);
    ov.InternalHigh = 0xdeadbeef;
    CHECK_FAIL(WriteFile(s, buf, 1, &n, &ov), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_EQ(n, 0);
    CHECK_EQ(ov.Internal, STATUS_PENDING);
    CHECK_EQ(ov.InternalHigh, 0xdeadbeef);
    CloseHandle(s);
    CloseHandle(c);
}

/* ---- overlapped ---- */
static volatile LONG g_done;
static DWORD g_err, g_bytes;
static LPOVERLAPPED g_ov;

static VOID WINAPI Completion(DWORD err, DWORD bytes, LPOVERLAPPED ov)
{
    InterlockedIncrement(&g_done);
    g_err = err;
    g_bytes = bytes;
    g_ov = ov;
    SetEvent(ov->hEvent);
}

static void ov_init(OVERLAPPED *ov)
{
    memset(ov, 0, sizeof *ov);
    ov->hEvent = CreateEventA(NULL, TRUE, FALSE, NULL);
}

static void test_overlapped(void)
{
    const char *name = pname("ov");
    HANDLE s, c, ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    OVERLAPPED ov, ov2;
    DWORD n;
    char buf[16];

    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 1024, 1024,
                         NMPWAIT_WAIT_FOREVER, NULL);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    c = open_client(name, FILE_FLAG_OVERLAPPED);
    CHECK(c != INVALID_HANDLE_VALUE);
    n = 0xdeadbeef;
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    CHECK_EQ(n, 0);
    CHECK_EQ(ov.Internal, 0);
    CloseHandle(c);
    CloseHandle(s);

    /* A client there before the connect: ERROR_PIPE_CONNECTED, the OVERLAPPED untouched
     * beyond STATUS_PENDING, its event not set. */
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 1024, 1024,
                         NMPWAIT_WAIT_FOREVER, NULL);
    c = open_client(name, FILE_FLAG_OVERLAPPED);
    memset(&ov, 0, sizeof ov);
    ResetEvent(ev);
    ov.hEvent = ev;
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_PIPE_CONNECTED);
    CHECK_EQ(ov.Internal, STATUS_PENDING);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);

    /* Two pending reads; CancelIoEx of the second; the first takes the next message. */
    ov_init(&ov);
    ov_init(&ov2);
    CHECK_FAIL(ReadFile(s, buf, 1, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_FAIL(ReadFile(s, buf + 8, 1, NULL, &ov2), FALSE, ERROR_IO_PENDING);
    CHECK_OK(CancelIoEx(s, &ov2));
    CHECK_EQ(WaitForSingleObject(ov2.hEvent, 1000), WAIT_OBJECT_0);
    n = 5;
    CHECK_FAIL(GetOverlappedResult(s, &ov2, &n, FALSE), FALSE, ERROR_OPERATION_ABORTED);
    CHECK_EQ(n, 0);
    CHECK_FAIL(CancelIoEx(s, &ov2), FALSE, ERROR_NOT_FOUND);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_TIMEOUT);
    CHECK_OK(WriteFile(c, "x", 1, &n, &ov2)); /* c is overlapped: ov2 reused for the write */
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, FALSE));
    CHECK_EQ(n, 1);
    CHECK_EQ(buf[0], 'x');
    /* A message longer than an overlapped read: FALSE + ERROR_MORE_DATA at once, the count
     * in the OVERLAPPED only, the event set; the rest with the next read. */
    CHECK_OK(WriteFile(c, "0123456789", 10, &n, &ov2));
    ResetEvent(ov.hEvent);
    n = 0xdeadbeef;
    CHECK_FAIL(ReadFile(s, buf, 4, &n, &ov), FALSE, ERROR_MORE_DATA);
    CHECK_EQ(n, 0);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 0), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, FALSE), FALSE, ERROR_MORE_DATA);
    CHECK_EQ(n, 4);
    n = 0;
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, &ov));
    CHECK_EQ(n, 6);
    CHECK(memcmp(buf, "456789", 6) == 0);
    /* A pending read, then the client closes: ERROR_BROKEN_PIPE. */
    ResetEvent(ov.hEvent);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CloseHandle(c);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, FALSE), FALSE, ERROR_BROKEN_PIPE);
    CloseHandle(s);
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);

    /* A connect, CancelIo: ERROR_OPERATION_ABORTED; DisconnectNamedPipe while reads are
     * pending: they end with ERROR_PIPE_NOT_CONNECTED. */
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024, 0, NULL);
    ov_init(&ov);
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_OK(CancelIo(s));
    CHECK_EQ(WaitForSingleObjectEx(ov.hEvent, 1000, TRUE), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, TRUE), FALSE, ERROR_OPERATION_ABORTED);
    ResetEvent(ov.hEvent);
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    c = open_client(name, 0);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    ov_init(&ov2);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, &ov2), FALSE, ERROR_IO_PENDING);
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_EQ(WaitForSingleObject(ov2.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov2, &n, FALSE), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CloseHandle(c);

    /* Closing the server with a connect pending: the connect ends (its event set). */
    ResetEvent(ov.hEvent);
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CloseHandle(s);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK(ov.Internal != STATUS_PENDING);
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);

    /* Closing the server with a read pending: the read ends, the client sees a broken pipe. */
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024, 0, NULL);
    c = open_client(name, 0);
    ov_init(&ov);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CloseHandle(s);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK(ov.Internal != STATUS_PENDING && ov.Internal != 0);
    CHECK_FAIL(ReadFile(c, buf, sizeof buf, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CHECK_FAIL(WriteFile(c, buf, 1, &n, NULL), FALSE, ERROR_NO_DATA);
    CloseHandle(c);
    CloseHandle(ov.hEvent);
    CloseHandle(ev);
}

/* ---- pending writes (a write larger than the pipe holds stays pending) ---- */
static void ov_pair(const char *name, HANDLE *s, HANDLE *c)
{
    OVERLAPPED ov;
    DWORD n;
    *s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                          PIPE_TYPE_BYTE | PIPE_WAIT, 1, 5000, 6000, 0, NULL);
    ov_init(&ov);
    CHECK_FAIL(ConnectNamedPipe(*s, &ov), FALSE, ERROR_IO_PENDING);
    *c = open_client(name, FILE_FLAG_OVERLAPPED);
    CHECK(*c != INVALID_HANDLE_VALUE);
    CHECK_OK(GetOverlappedResult(*s, &ov, &n, TRUE));
    CloseHandle(ov.hEvent);
}

static void test_pending_writes(void)
{
    const char *name = pname("pw");
    DWORD size = 8 << 20, n;
    char *big = (char *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
    HANDLE s, c;
    OVERLAPPED ov, ov2;

    /* The reader closes: the pending write fails with ERROR_BROKEN_PIPE. */
    ov_pair(name, &s, &c);
    ov_init(&ov);
    CHECK_FAIL(WriteFile(s, big, size, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 50), WAIT_TIMEOUT);
    CloseHandle(c);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    n = 5;
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, FALSE), FALSE, ERROR_BROKEN_PIPE);
    CloseHandle(s);
    CloseHandle(ov.hEvent);

    /* The server closes under the client's pending write. */
    ov_pair(name, &s, &c);
    ov_init(&ov);
    CHECK_FAIL(WriteFile(c, big, size, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CloseHandle(s);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(c, &ov, &n, FALSE), FALSE, ERROR_BROKEN_PIPE);
    CloseHandle(c);
    CloseHandle(ov.hEvent);

    /* DisconnectNamedPipe with writes pending both ways: ERROR_PIPE_NOT_CONNECTED. */
    ov_pair(name, &s, &c);
    ov_init(&ov);
    ov_init(&ov2);
    CHECK_FAIL(WriteFile(c, big, size, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_FAIL(WriteFile(s, big, size, NULL, &ov2), FALSE, ERROR_IO_PENDING);
    CHECK_OK(DisconnectNamedPipe(s));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 2000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(c, &ov, &n, FALSE), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CHECK_EQ(WaitForSingleObject(ov2.hEvent, 2000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov2, &n, FALSE), FALSE, ERROR_PIPE_NOT_CONNECTED);
    CloseHandle(s);
    CloseHandle(c);
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);

    /* A pending write completes once the reader has taken enough. */
    ov_pair(name, &s, &c);
    ov_init(&ov);
    CHECK_FAIL(WriteFile(s, big, 1 << 20, NULL, &ov), FALSE, ERROR_IO_PENDING);
    {
        DWORD total = 0;
        while (total < (1u << 20)) {
            CHECK_OK(ReadFile(c, big + (8 << 19), 1 << 16, &n, NULL) ||
                     (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(c, &ov2, &n, TRUE)));
            if (n == 0)
                break;
            total += n;
        }
        CHECK_EQ(total, 1u << 20);
    }
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    CHECK_EQ(n, 1u << 20);
    CloseHandle(s);
    CloseHandle(c);
    CloseHandle(ov.hEvent);
    HeapFree(GetProcessHeap(), 0, big);
}

/* ---- a handle in overlapped mode is a file object with its own signaled state ---- */
static void test_file_object(void)
{
    const char *name = pname("fo");
    HANDLE s, c;
    OVERLAPPED ov, ov0;
    DWORD n;
    char buf[8];

    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_BYTE | PIPE_WAIT, 1, 5000, 6000, 0, NULL);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_OBJECT_0); /* nothing under way */
    ov_init(&ov);
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT); /* a connect under way */
    c = open_client(name, FILE_FLAG_OVERLAPPED);
    CHECK_EQ(WaitForSingleObject(c, 0), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
    /* The connect had an event of its own: the handle is not signaled by it. */
    CHECK_EQ(WaitForSingleObject(s, 0), WAIT_TIMEOUT);
    /* A read without an event: the handle is signaled when it completes. */
    memset(&ov0, 0, sizeof ov0);
    CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, &ov0), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(s, 50), WAIT_TIMEOUT);
    CHECK_OK(WriteFile(c, "abc", 3, &n, &ov) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(c, &ov, &n, TRUE)));
    CHECK_EQ(WaitForSingleObject(s, 2000), WAIT_OBJECT_0);
    n = 0;
    CHECK_OK(GetOverlappedResult(s, &ov0, &n, FALSE));
    CHECK_EQ(n, 3);
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ov.hEvent);
}

/* ---- handle_state ---- */
static void test_handle_state(void)
{
    const char *name = pname("hs");
    HANDLE s, c;
    DWORD st, inst, mc, ct, m;
    char user[MAX_PATH];

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    CHECK_OK(GetNamedPipeHandleStateA(s, NULL, NULL, NULL, NULL, NULL, 0));
    st = inst = 0xdeadbeef;
    CHECK_OK(GetNamedPipeHandleStateA(s, &st, &inst, NULL, NULL, NULL, 0));
    CHECK_EQ(st, 0);
    CHECK_EQ(inst, 1);
    /* Collection settings have no meaning on a local pipe. */
    CHECK_FAIL(GetNamedPipeHandleStateA(s, &st, &inst, &mc, &ct, user, sizeof user), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(GetNamedPipeHandleStateA(s, &st, NULL, &mc, NULL, NULL, 0), FALSE,
               ERROR_INVALID_PARAMETER);
    m = PIPE_READMODE_MESSAGE;
    CHECK_FAIL(SetNamedPipeHandleState(s, &m, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    c = open_client(name, 0);
    CHECK_FAIL(GetNamedPipeHandleStateA(c, &st, NULL, NULL, NULL, user, sizeof user), FALSE,
               ERROR_INVALID_PARAMETER);
    m = PIPE_READMODE_BYTE;
    CHECK_OK(SetNamedPipeHandleState(c, &m, NULL, NULL));
    m = PIPE_READMODE_MESSAGE;
    CHECK_FAIL(SetNamedPipeHandleState(c, &m, NULL, NULL), FALSE, ERROR_INVALID_PARAMETER);
    CloseHandle(c);
    CloseHandle(s);

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_WAIT, 1);
    st = inst = 0xdeadbeef;
    CHECK_OK(GetNamedPipeHandleStateA(s, &st, &inst, NULL, NULL, NULL, 0));
    CHECK_EQ(st, 0);
    CHECK_EQ(inst, 1);
    m = PIPE_READMODE_BYTE;
    CHECK_OK(SetNamedPipeHandleState(s, &m, NULL, NULL));
    c = open_client(name, 0);
    st = 0xdeadbeef;
    CHECK_OK(GetNamedPipeHandleStateA(c, &st, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(st, 0);
    m = PIPE_READMODE_MESSAGE;
    CHECK_OK(SetNamedPipeHandleState(c, &m, NULL, NULL));
    CHECK_OK(GetNamedPipeHandleStateA(c, &st, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(st, PIPE_READMODE_MESSAGE);
    m = PIPE_READMODE_MESSAGE | PIPE_NOWAIT;
    CHECK_OK(SetNamedPipeHandleState(c, &m, NULL, NULL));
    CHECK_OK(GetNamedPipeHandleStateW(c, &st, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(st, PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
    m = PIPE_READMODE_BYTE;
    CHECK_OK(SetNamedPipeHandleState(c, &m, NULL, NULL));
    CloseHandle(c);
    CloseHandle(s);

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_NOWAIT,
               3);
    CHECK_OK(GetNamedPipeHandleStateA(s, &st, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(st, PIPE_READMODE_MESSAGE | PIPE_NOWAIT);
    CloseHandle(s);
}

/* ---- info ---- */
static void pipe_info(int line, HANDLE h, DWORD fl, DWORD out, DWORD in, DWORD max)
{
    DWORD a = 0xdeadbeef, b = 0xdeadbeef, c = 0xdeadbeef, d = 0xdeadbeef;
    BOOL ok = GetNamedPipeInfo(h, &a, &b, &c, &d);
    if (!ok || a != fl || b != out || c != in || d != max)
        printf("  (line %d: GetNamedPipeInfo -> %d flags %u out %u in %u max %u, error %u)\n",
               line, ok, (unsigned)a, (unsigned)b, (unsigned)c, (unsigned)d,
               (unsigned)GetLastError());
    CHECK(ok && a == fl && b == out && c == in && d == max);
}

static void test_info(void)
{
    const char *name = pname("info");
    HANDLE s, c, r, w;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};

    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1);
    pipe_info(__LINE__, s, PIPE_SERVER_END | PIPE_TYPE_BYTE, 1024, 1024, 1);
    c = open_client(name, 0);
    pipe_info(__LINE__, c, PIPE_CLIENT_END | PIPE_TYPE_BYTE, 1024, 1024, 1);
    CloseHandle(c);
    CloseHandle(s);
    s = mkpipe(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_NOWAIT, 3);
    pipe_info(__LINE__, s, PIPE_SERVER_END | PIPE_TYPE_MESSAGE, 1024, 1024, 3);
    CloseHandle(s);
    s = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_MESSAGE | PIPE_WAIT, 1, 0, 0, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    pipe_info(__LINE__, s, PIPE_SERVER_END | PIPE_TYPE_MESSAGE, 0, 0, 1);
    CloseHandle(s);
    s = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_MESSAGE | PIPE_WAIT, PIPE_UNLIMITED_INSTANCES, 0xf000, 0xf000,
                         NMPWAIT_USE_DEFAULT_WAIT, NULL);
    pipe_info(__LINE__, s, PIPE_SERVER_END | PIPE_TYPE_MESSAGE, 0xf000, 0xf000,
              PIPE_UNLIMITED_INSTANCES);
    CloseHandle(s);

    /* An anonymous pipe: its read end is the "server" end; nSize 0 is 4096. */
    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    pipe_info(__LINE__, r, PIPE_SERVER_END, 4096, 4096, 1);
    pipe_info(__LINE__, w, 0, 4096, 4096, 1);
    CloseHandle(r);
    CloseHandle(w);
    CHECK_OK(CreatePipe(&r, &w, &sa, 1));
    pipe_info(__LINE__, r, PIPE_SERVER_END, 1, 1, 1);
    pipe_info(__LINE__, w, 0, 1, 1, 1);
    CloseHandle(r);
    CloseHandle(w);
}

static VOID NTAPI UserApcFlag(ULONG_PTR d)
{
    *(volatile int *)d = 1;
}

/* ---- pending_reads ---- */
static void test_pending_reads(void)
{
    const char *name = pname("pend");
    HANDLE s, c, ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    OVERLAPPED ov;
    char rb[64];
    DWORD n, w;

    s = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024, NMPWAIT_USE_DEFAULT_WAIT,
                         NULL);
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    c = open_client(name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    /* The connect completes when the client opens. */
    CHECK_EQ(WaitForSingleObject(ev, 1000), WAIT_OBJECT_0);

    g_done = 0;
    ResetEvent(ev);
    CHECK_OK(ReadFileEx(s, rb, sizeof rb, &ov, Completion));
    CHECK_EQ(g_done, 0);
    CHECK_OK(WriteFile(c, "test", 4, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK_EQ(g_done, 0); /* not before an alertable wait */
    w = WaitForSingleObjectEx(ev, 1000, TRUE);
    CHECK(w == WAIT_IO_COMPLETION || w == WAIT_OBJECT_0);
    CHECK_EQ(g_done, 1);
    CHECK_EQ(g_err, 0);
    CHECK_EQ(g_bytes, 4);
    CHECK(g_ov == &ov);
    CHECK(memcmp(rb, "test", 4) == 0);

    /* WriteFileEx completes (alertably) at once while there is room. */
    g_done = 0;
    ResetEvent(ev);
    CHECK_OK(WriteFileEx(s, "abc", 3, &ov, Completion));
    CHECK_EQ(g_done, 0);
    w = WaitForSingleObjectEx(ev, 1000, TRUE);
    CHECK(w == WAIT_IO_COMPLETION || w == WAIT_OBJECT_0);
    CHECK_EQ(g_done, 1);
    CHECK_EQ(g_bytes, 3);
    CHECK_OK(ReadFile(c, rb, sizeof rb, &n, NULL));
    CHECK_EQ(n, 3);

    CHECK_FAIL(ReadFile(INVALID_HANDLE_VALUE, rb, 0, &n, NULL), FALSE, ERROR_INVALID_HANDLE);

    /* A 0-byte overlapped read on an empty pipe pends until data comes. */
    memset(&ov, 0, sizeof ov);
    ov.Internal = (ULONG_PTR)-1;
    ov.InternalHigh = (ULONG_PTR)-1;
    ov.hEvent = ev;
    ResetEvent(ev);
    n = 0xdeadbeef;
    CHECK_FAIL(ReadFile(s, rb, 0, &n, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(n, 0);
    CHECK_EQ(ov.Internal, STATUS_PENDING);
    CHECK_EQ(WaitForSingleObject(ev, 100), WAIT_TIMEOUT);
    CHECK_OK(WriteFile(c, "t", 1, &n, NULL));
    CHECK_EQ(WaitForSingleObject(ev, 1000), WAIT_OBJECT_0);
    CHECK_EQ(ov.Internal, 0);
    CHECK_EQ(ov.InternalHigh, 0);
    n = 0;
    CHECK_OK(ReadFile(s, rb, 1, &n, &ov));
    CHECK_EQ(n, 1);

    /* GetOverlappedResultEx on a pending read. */
    memset(&ov, 0, sizeof ov);
    ov.hEvent = ev;
    ResetEvent(ev);
    CHECK_FAIL(ReadFile(s, rb, sizeof rb, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_FAIL(GetOverlappedResultEx(s, &ov, &n, 0, FALSE), FALSE, ERROR_IO_INCOMPLETE);
    CHECK_FAIL(GetOverlappedResultEx(s, &ov, &n, 10, FALSE), FALSE, WAIT_TIMEOUT);
    {
        volatile int ran = 0;
        CHECK_OK(QueueUserAPC(UserApcFlag, GetCurrentThread(), (ULONG_PTR)&ran));
        CHECK_FAIL(GetOverlappedResultEx(s, &ov, &n, 0, TRUE), FALSE, ERROR_IO_INCOMPLETE);
        CHECK_EQ(ran, 0);
        CHECK_FAIL(GetOverlappedResultEx(s, &ov, &n, 10, TRUE), FALSE, WAIT_IO_COMPLETION);
        CHECK_EQ(ran, 1);
    }
    CHECK_OK(WriteFile(c, "xy", 2, &n, NULL));
    CHECK_OK(GetOverlappedResultEx(s, &ov, &n, 1000, FALSE));
    CHECK_EQ(n, 2);
    CloseHandle(c);
    CloseHandle(s);
    CloseHandle(ev);
}

/* ---- transact ---- */
static void transact_pipe(DWORD mode, HANDLE *c, HANDLE *s)
{
    const char *name = pname("tr");
    DWORD rm = mode & PIPE_READMODE_MESSAGE;
    OVERLAPPED ov;
    DWORD n;
    *s = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX, PIPE_WAIT | mode, 1,
                          5000, 6000, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    CHECK(*s != INVALID_HANDLE_VALUE);
    ov_init(&ov);
    CHECK_FAIL(ConnectNamedPipe(*s, &ov), FALSE, ERROR_IO_PENDING);
    *c = open_client(name, FILE_FLAG_OVERLAPPED);
    CHECK(*c != INVALID_HANDLE_VALUE);
    CHECK_OK(SetNamedPipeHandleState(*c, &rm, NULL, NULL));
    CHECK_OK(GetOverlappedResult(*s, &ov, &n, TRUE));
    CloseHandle(ov.hEvent);
}

static void transact_fails(HANDLE h, DWORD err)
{
    OVERLAPPED ov;
    BYTE buf[10];
    DWORD n;
    ov_init(&ov);
    SetLastError(0xdeadbeef);
    CHECK(!TransactNamedPipe(h, buf, 2, buf, 1, NULL, &ov));
    if (GetLastError() == ERROR_IO_PENDING) { /* Windows 8 and later */
        CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
        CHECK_FAIL(GetOverlappedResult(h, &ov, &n, FALSE), FALSE, err);
    } else {
        CHECK_EQ(GetLastError(), err);
    }
    CloseHandle(ov.hEvent);
}

static void test_transact_dir(HANDLE caller, HANDLE callee)
{
    OVERLAPPED ov, ov2;
    char rb[100], cb[100];
    DWORD n;

    /* Pending until the callee answers. */
    ov_init(&ov);
    CHECK_FAIL(TransactNamedPipe(caller, (LPVOID) "abc", 3, rb, 100, NULL, &ov), FALSE,
               ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 50), WAIT_TIMEOUT);
    ov_init(&ov2);
    CHECK_OK(ReadFile(callee, cb, sizeof cb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(n, 3);
    CHECK(memcmp(cb, "abc", 3) == 0);
    CHECK_OK(WriteFile(callee, "test", 4, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(caller, &ov, &n, FALSE));
    CHECK_EQ(n, 4);
    CHECK(memcmp(rb, "test", 4) == 0);
    CloseHandle(ov.hEvent);

    /* Something unread: ERROR_PIPE_BUSY. */
    CHECK_OK(WriteFile(callee, "z", 1, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    transact_fails(caller, ERROR_PIPE_BUSY);
    CHECK_OK(ReadFile(caller, rb, sizeof rb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(caller, &ov2, &n, TRUE)));
    CHECK_EQ(n, 1);

    /* A long answer: ERROR_MORE_DATA, then the rest by ReadFile. */
    ov_init(&ov);
    CHECK_FAIL(TransactNamedPipe(caller, (LPVOID) "12345", 5, rb, 6, NULL, &ov), FALSE,
               ERROR_IO_PENDING);
    CHECK_OK(ReadFile(callee, cb, sizeof cb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(n, 5);
    CHECK_OK(WriteFile(callee, "0123456789", 10, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(caller, &ov, &n, FALSE), FALSE, ERROR_MORE_DATA);
    CHECK_EQ(n, 6);
    CHECK_OK(ReadFile(caller, rb, sizeof rb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(caller, &ov2, &n, TRUE)));
    CHECK_EQ(n, 4);
    CloseHandle(ov.hEvent);

    /* Zero-length messages both ways. */
    ov_init(&ov);
    CHECK_FAIL(TransactNamedPipe(caller, rb, 0, rb, 0, NULL, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_OK(ReadFile(callee, cb, sizeof cb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(n, 0);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 20), WAIT_TIMEOUT);
    CHECK_OK(WriteFile(callee, cb, 0, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(caller, &ov, &n, FALSE));
    CHECK_EQ(n, 0);
    CloseHandle(ov.hEvent);

    /* Cancelled while waiting for the answer. */
    ov_init(&ov);
    CHECK_FAIL(TransactNamedPipe(caller, (LPVOID) "q", 1, rb, 1, NULL, &ov), FALSE,
               ERROR_IO_PENDING);
    CHECK_OK(CancelIoEx(caller, &ov));
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(caller, &ov, &n, FALSE), FALSE, ERROR_OPERATION_ABORTED);
    /* The request was written all the same. */
    CHECK_OK(ReadFile(callee, cb, sizeof cb, &n, &ov2) ||
             (GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(callee, &ov2, &n, TRUE)));
    CHECK_EQ(n, 1);
    CloseHandle(ov.hEvent);
    CloseHandle(ov2.hEvent);
}

static void test_transact(void)
{
    HANDLE c, s;
    transact_pipe(PIPE_TYPE_BYTE, &c, &s);
    transact_fails(c, ERROR_BAD_PIPE);
    CloseHandle(c);
    CloseHandle(s);
    transact_pipe(PIPE_TYPE_MESSAGE | PIPE_READMODE_BYTE, &c, &s);
    transact_fails(c, ERROR_BAD_PIPE);
    CloseHandle(c);
    CloseHandle(s);
    transact_pipe(PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, &c, &s);
    test_transact_dir(s, c);
    CloseHandle(c);
    CloseHandle(s);
    transact_pipe(PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, &c, &s);
    test_transact_dir(c, s);
    CloseHandle(c);
    CloseHandle(s);
}

/* ---- multi ---- */
static char g_wait_name[200];
static DWORD WINAPI WaitPipe(LPVOID p)
{
    (void)p;
    return WaitNamedPipeA(g_wait_name, 2000) ? 0 : GetLastError();
}

static HANDLE async_wait_pipe(void)
{
    HANDLE t = CreateThread(NULL, 0, WaitPipe, NULL, 0, NULL);
    CHECK_FAIL(WaitNamedPipeA(g_wait_name, 1), FALSE, ERROR_SEM_TIMEOUT);
    Sleep(20);
    return t;
}

/* A pending ConnectNamedPipe writes its OVERLAPPED when a client comes, after this function
 * returned: each call gets an OVERLAPPED that lives until the program ends (a local one was
 * overwritten on the stack of later calls - a crash under load). */
static void connected(HANDLE s, DWORD want)
{
    static OVERLAPPED ovs[64];
    static unsigned next;
    OVERLAPPED *ov = &ovs[next++ % 64];
    memset(ov, 0, sizeof *ov);
    CHECK_FAIL(ConnectNamedPipe(s, ov), FALSE, want);
}

static void test_multi(void)
{
    const char *name = pname("multi");
    HANDLE sv[4], c, t;
    OVERLAPPED ov;
    DWORD code;
    int i;

    for (i = 0; i < 4; i++) {
        sv[i] = mkpipe(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                       PIPE_READMODE_BYTE | PIPE_WAIT, 4);
        CHECK(sv[i] != INVALID_HANDLE_VALUE);
    }
    c = open_client(name, 0);
    connected(sv[2], ERROR_IO_PENDING);
    connected(sv[0], ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    c = open_client(name, 0);
    connected(sv[2], ERROR_IO_PENDING);
    connected(sv[1], ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    c = open_client(name, 0);
    connected(sv[2], ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    DisconnectNamedPipe(sv[0]);
    DisconnectNamedPipe(sv[2]);
    connected(sv[2], ERROR_IO_PENDING);
    connected(sv[0], ERROR_IO_PENDING);
    c = open_client(name, 0);
    connected(sv[3], ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    c = open_client(name, 0);
    connected(sv[2], ERROR_PIPE_CONNECTED);
    connected(sv[0], ERROR_IO_PENDING);
    CloseHandle(c);
    c = open_client(name, 0);
    connected(sv[0], ERROR_PIPE_CONNECTED);
    CloseHandle(c);
    DisconnectNamedPipe(sv[0]);
    CHECK_FAIL(open_client(name, 0), INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    for (i = 0; i < 4; i++) {
        DisconnectNamedPipe(sv[i]);
        CloseHandle(sv[i]);
    }

    /* WaitNamedPipe: a new instance, or an instance listening again, wakes waiters. */
    snprintf(g_wait_name, sizeof g_wait_name, "%s", pname("wait"));
    sv[0] = mkpipe(g_wait_name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                   PIPE_READMODE_BYTE | PIPE_WAIT, 2);
    CHECK_OK(WaitNamedPipeA(g_wait_name, 1));
    c = open_client(g_wait_name, 0);
    CHECK(c != INVALID_HANDLE_VALUE);
    t = async_wait_pipe();
    sv[1] = mkpipe(g_wait_name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                   PIPE_READMODE_BYTE | PIPE_WAIT, 2);
    CHECK_EQ(WaitForSingleObject(t, 1000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t, &code) && code == 0);
    CloseHandle(t);
    CloseHandle(sv[1]);
    CloseHandle(c);
    CHECK_OK(DisconnectNamedPipe(sv[0]));
    t = async_wait_pipe();
    ov_init(&ov);
    CHECK_FAIL(ConnectNamedPipe(sv[0], &ov), FALSE, ERROR_IO_PENDING);
    CHECK_EQ(WaitForSingleObject(t, 1000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t, &code) && code == 0);
    CloseHandle(t);
    CloseHandle(sv[0]);
    CHECK_EQ(WaitForSingleObject(ov.hEvent, 1000), WAIT_OBJECT_0);
    CloseHandle(ov.hEvent);
}

/* ---- nowait ---- */
static void test_nowait(DWORD type)
{
    const char *name = pname("nowait");
    HANDLE rd, wr, f;
    OVERLAPPED ol;
    DWORD n, w;
    char buf[64];
    static const char ts[] = "bits";

    rd = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX, type | PIPE_NOWAIT, 1,
                          512, 512, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    CHECK(rd != INVALID_HANDLE_VALUE);
    wr = CreateFileA(name, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(wr != INVALID_HANDLE_VALUE);
    ov_init(&ol);
    CHECK_FAIL(ReadFile(rd, buf, sizeof buf, &n, &ol), FALSE, ERROR_NO_DATA);
    CHECK_OK(WriteFile(wr, ts, sizeof ts, &w, NULL));
    CHECK_OK(ReadFile(rd, buf, sizeof buf, &n, &ol));
    CHECK_EQ(n, w);
    CloseHandle(wr);
    CloseHandle(rd);

    wr = CreateNamedPipeA(name, FILE_FLAG_OVERLAPPED | PIPE_ACCESS_DUPLEX, type | PIPE_NOWAIT, 1,
                          512, 512, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    CHECK_FAIL(ConnectNamedPipe(wr, &ol), FALSE, ERROR_PIPE_LISTENING);
    f = open_client(name, 0);
    CHECK(f != INVALID_HANDLE_VALUE);
    CloseHandle(f);
    CHECK_FAIL(ConnectNamedPipe(wr, &ol), FALSE, ERROR_NO_DATA);
    CHECK_OK(DisconnectNamedPipe(wr));
    CHECK_FAIL(ConnectNamedPipe(wr, &ol), FALSE, ERROR_PIPE_LISTENING);
    CloseHandle(ol.hEvent);
    CloseHandle(wr);
}

/* ---- anon ---- */
static void test_anon(void)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    HANDLE r, w;
    DWORD n, i, size = 32768;
    char rb[64];
    BYTE *big;

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    CHECK_EQ(GetFileType(r), FILE_TYPE_PIPE);
    CHECK_OK(WriteFile(w, obuf, sizeof obuf, &n, NULL));
    CHECK_EQ(n, sizeof obuf);
    CHECK_OK(PeekNamedPipe(r, NULL, 0, NULL, &n, NULL));
    CHECK_EQ(n, sizeof obuf);
    CHECK_OK(ReadFile(r, rb, sizeof rb, &n, NULL));
    CHECK_EQ(n, sizeof obuf);
    /* Each end works one way only. */
    CHECK_FAIL(ReadFile(w, rb, sizeof rb, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CHECK_FAIL(WriteFile(r, rb, 1, &n, NULL), FALSE, ERROR_ACCESS_DENIED);
    CloseHandle(w);
    CloseHandle(r);

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    CHECK_OK(WriteFile(w, obuf, sizeof obuf, &n, NULL));
    CloseHandle(w);
    CHECK_OK(ReadFile(r, rb, sizeof rb, &n, NULL));
    CHECK_EQ(n, sizeof obuf);
    CHECK_FAIL(ReadFile(r, rb, sizeof rb, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CloseHandle(r);

    CHECK_OK(CreatePipe(&r, &w, &sa, 0));
    CloseHandle(r);
    CHECK_FAIL(WriteFile(w, rb, 1, &n, NULL), FALSE, ERROR_NO_DATA);
    CloseHandle(w);

    big = (BYTE *)HeapAlloc(GetProcessHeap(), 0, size);
    for (i = 0; i < size; i++)
        big[i] = (BYTE)i;
    CHECK_OK(CreatePipe(&r, &w, &sa, size + 24));
    CHECK_OK(WriteFile(w, big, size, &n, NULL));
    CHECK_EQ(n, size);
    CloseHandle(w);
    memset(big, 0, size);
    CHECK_OK(ReadFile(r, big, size, &n, NULL));
    CHECK_EQ(n, size);
    for (i = 0; i < size && big[i] == (BYTE)i; i++)
        ;
    CHECK_EQ(i, size);
    CHECK_FAIL(ReadFile(r, rb, sizeof rb, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
    CloseHandle(r);
    HeapFree(GetProcessHeap(), 0, big);

    CHECK_FAIL(CreatePipe(NULL, &w, &sa, 0), FALSE, ERROR_NOACCESS);
}

/* ---- echo: five servers, each serving eight clients one after another ---- */
#define LOOPS 8
static char g_echo[200];
static HANDLE g_port_h;

/* A server's failure: which step for which client, and the error, before the exit code. */
static DWORD failed(const char *tag, int i, const char *step, DWORD code)
{
    DWORD err = GetLastError();
    printf("  (%s server: client %d: %s failed with error %u: exit %u)\n", tag, i, step,
           (unsigned)err, (unsigned)code);
    return code;
}

static DWORD WINAPI Server1(LPVOID p)
{
    int i;
    HANDLE h = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024,
                                1024, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    (void)p;
    if (h == INVALID_HANDLE_VALUE)
        return 1;
    for (i = 0; i < LOOPS; i++) {
        char buf[512];
        DWORD r, w;
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
            return failed("echo1", i, "ConnectNamedPipe", 2);
        if (!ReadFile(h, buf, sizeof buf, &r, NULL) || !r)
            return failed("echo1", i, "ReadFile", 3);
        if (!WriteFile(h, buf, r, &w, NULL) || w != r)
            return failed("echo1", i, "WriteFile", 4);
        if (!FlushFileBuffers(h))
            return failed("echo1", i, "FlushFileBuffers", 5);
        if (!DisconnectNamedPipe(h))
            return failed("echo1", i, "DisconnectNamedPipe", 9);
    }
    CloseHandle(h);
    return 0;
}

static VOID NTAPI UserApc(ULONG_PTR d)
{
    *(volatile int *)d = 1;
}

static DWORD WINAPI Server2(LPVOID p)
{
    int i;
    volatile int apc_ran = 0;
    HANDLE h = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2, 1024,
                                1024, NMPWAIT_USE_DEFAULT_WAIT, NULL);
    (void)p;
    for (i = 0; i < LOOPS; i++) {
        char buf[512];
        DWORD r, w;
        HANDLE next;
        if (i == 0)
            QueueUserAPC(UserApc, GetCurrentThread(), (ULONG_PTR)&apc_ran);
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
            return failed("echo2", i, "ConnectNamedPipe", 2);
        if (!ReadFile(h, buf, sizeof buf, &r, NULL))
            return failed("echo2", i, "ReadFile", 3);
        if (!WriteFile(h, buf, r, &w, NULL) || w != r)
            return failed("echo2", i, "WriteFile", 4);
        if (!FlushFileBuffers(h))
            return failed("echo2", i, "FlushFileBuffers", 5);
        if (!DisconnectNamedPipe(h))
            return failed("echo2", i, "DisconnectNamedPipe", 9);
        if (i == 0) {
            if (apc_ran)
                return 6; /* pipe I/O is not alertable */
            SleepEx(0, TRUE);
        }
        next = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 2, 1024,
                                1024, NMPWAIT_USE_DEFAULT_WAIT, NULL);
        if (next == INVALID_HANDLE_VALUE)
            return failed("echo2", i, "CreateNamedPipe", 7);
        CloseHandle(h);
        h = next;
    }
    CloseHandle(h);
    return apc_ran ? 0 : 8;
}

/* Overlapped with an event: waits by WaitForSingleObjectEx and/or GetOverlappedResult. */
static DWORD WINAPI Server3(LPVOID p)
{
    int i;
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE h = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024,
                                NMPWAIT_USE_DEFAULT_WAIT, NULL);
    (void)p;
    for (i = 0; i < LOOPS; i++) {
        char buf[512];
        DWORD r = 0, w = 0, dummy, err;
        BOOL ok;
        OVERLAPPED o;
        int wfso = i & 2, gorwait = i & 1;
        memset(&o, 0, sizeof o);
        o.hEvent = ev;
        if (i == 0) {
            ok = ConnectNamedPipe(h, NULL);
            if (!ok && GetLastError() != ERROR_PIPE_CONNECTED)
                return 2;
        } else {
            ok = ConnectNamedPipe(h, &o);
            err = GetLastError();
            if (ok || (err != ERROR_IO_PENDING && err != ERROR_PIPE_CONNECTED))
                return 3;
            if (err == ERROR_IO_PENDING) {
                if (wfso) {
                    DWORD x;
                    do
                        x = WaitForSingleObjectEx(ev, INFINITE, TRUE);
                    while (x == WAIT_IO_COMPLETION);
                    if (x != 0)
                        return 4;
                }
                ok = GetOverlappedResult(h, &o, &dummy, gorwait);
                if (!gorwait && !wfso && !ok) {
                    if (GetLastError() != ERROR_IO_INCOMPLETE)
                        return 5;
                    ok = GetOverlappedResult(h, &o, &dummy, TRUE);
                }
                if (!ok)
                    return 6;
            }
        }
        ok = ReadFile(h, buf, sizeof buf, &r, &o);
        if (!ok && GetLastError() != ERROR_IO_PENDING)
            return 7;
        if (!ok) {
            if (wfso) {
                DWORD x;
                do
                    x = WaitForSingleObjectEx(ev, INFINITE, TRUE);
                while (x == WAIT_IO_COMPLETION);
            }
            ok = GetOverlappedResult(h, &o, &r, gorwait);
            if (!gorwait && !wfso && !ok) {
                if (GetLastError() != ERROR_IO_INCOMPLETE)
                    return 8;
                ok = GetOverlappedResult(h, &o, &r, TRUE);
            }
            if (!ok)
                return 9;
        }
        ok = WriteFile(h, buf, r, &w, &o);
        if (!ok && GetLastError() == ERROR_IO_PENDING)
            ok = GetOverlappedResult(h, &o, &w, TRUE);
        if (!ok || w != r)
            return 10;
        if (!FlushFileBuffers(h) || !DisconnectNamedPipe(h))
            return 11;
    }
    CloseHandle(h);
    CloseHandle(ev);
    return 0;
}

/* A completion port. */
static DWORD WINAPI Server4(LPVOID p)
{
    int i;
    HANDLE h = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024,
                                NMPWAIT_USE_DEFAULT_WAIT, NULL);
    HANDLE port = CreateIoCompletionPort(h, NULL, 12345, 1);
    (void)p;
    if (!port)
        return 1;
    g_port_h = port;
    for (i = 0; i < LOOPS; i++) {
        char buf[512];
        DWORD r = 0, w = 0, dummy, err;
        OVERLAPPED oc, orr, ow, *res;
        ULONG_PTR key;
        BOOL ok;
        memset(&oc, 0, sizeof oc);
        memset(&orr, 0, sizeof orr);
        memset(&ow, 0, sizeof ow);
        ok = ConnectNamedPipe(h, &oc);
        err = GetLastError();
        if (ok || (err != ERROR_IO_PENDING && err != ERROR_PIPE_CONNECTED))
            return 2;
        if (err == ERROR_IO_PENDING) {
            ok = GetQueuedCompletionStatus(port, &dummy, &key, &res, 0);
            if (!ok) {
                if (GetLastError() != WAIT_TIMEOUT)
                    return 3;
                ok = GetQueuedCompletionStatus(port, &dummy, &key, &res, 10000);
            }
            if (!ok || key != 12345 || res != &oc)
                return 4;
        }
        ok = ReadFile(h, buf, sizeof buf, &r, &orr);
        if (!ok && GetLastError() != ERROR_IO_PENDING)
            return 5;
        if (!GetQueuedCompletionStatus(port, &r, &key, &res, 10000) || key != 12345 ||
            res != &orr)
            return 6;
        ok = WriteFile(h, buf, r, &w, &ow);
        if (!ok && GetLastError() != ERROR_IO_PENDING)
            return 7;
        if (!GetQueuedCompletionStatus(port, &w, &key, &res, 10000) || res != &ow || w != r)
            return 8;
        /* The client closes: wait for the pipe to break. */
        while (PeekNamedPipe(h, NULL, 0, NULL, &w, &w))
            Sleep(1);
        SetLastError(0);
        if (WriteFile(h, buf, r, &w, &ow) || GetLastError() != ERROR_NO_DATA)
            return 9;
        /* No packet is queued for an immediate failure. */
        res = (OVERLAPPED *)0xdeadbeef;
        if (GetQueuedCompletionStatus(port, &w, &key, &res, 0) || GetLastError() != WAIT_TIMEOUT ||
            res != NULL)
            return 10;
        SetLastError(0);
        if (ReadFile(h, buf, sizeof buf, &r, &orr) || GetLastError() != ERROR_BROKEN_PIPE)
            return 11;
        res = (OVERLAPPED *)0xdeadbeef;
        if (GetQueuedCompletionStatus(port, &r, &key, &res, 0) || GetLastError() != WAIT_TIMEOUT ||
            res != NULL)
            return 12;
        if (!FlushFileBuffers(h) || !DisconnectNamedPipe(h))
            return 13;
    }
    CloseHandle(h);
    CloseHandle(port);
    return 0;
}

/* ReadFileEx / WriteFileEx. */
static DWORD WINAPI Server5(LPVOID p)
{
    int i;
    HANDLE ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE h = CreateNamedPipeA(g_echo, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_BYTE | PIPE_WAIT, 1, 1024, 1024,
                                NMPWAIT_USE_DEFAULT_WAIT, NULL);
    (void)p;
    for (i = 0; i < LOOPS; i++) {
        char buf[512];
        DWORD r, x;
        OVERLAPPED o;
        memset(&o, 0, sizeof o);
        o.hEvent = ev;
        if (!ConnectNamedPipe(h, NULL) && GetLastError() != ERROR_PIPE_CONNECTED)
            return 2;
        g_done = 0;
        ResetEvent(ev);
        if (!ReadFileEx(h, buf, sizeof buf, &o, Completion) || g_done)
            return 3;
        do
            x = WaitForSingleObjectEx(ev, INFINITE, TRUE);
        while (x == WAIT_IO_COMPLETION);
        if (x != 0 || g_done != 1 || g_err != 0 || g_bytes == 0 || g_ov != &o)
            return 4;
        r = g_bytes;
        g_done = 0;
        ResetEvent(ev);
        if (!WriteFileEx(h, buf, r, &o, Completion) || g_done)
            return 5;
        do
            x = WaitForSingleObjectEx(ev, INFINITE, TRUE);
        while (x == WAIT_IO_COMPLETION);
        if (x != 0 || g_done != 1 || g_err != 0 || g_bytes != r || g_ov != &o)
            return 6;
        if (!FlushFileBuffers(h) || !DisconnectNamedPipe(h))
            return 7;
    }
    CloseHandle(h);
    CloseHandle(ev);
    return 0;
}

static void exercise(LPTHREAD_START_ROUTINE server, const char *tag)
{
    HANDLE t;
    DWORD code = 99;
    int i, bad = 0;
    snprintf(g_echo, sizeof g_echo, "%s", pname(tag));
    t = CreateThread(NULL, 0, server, NULL, 0, NULL);
    for (i = 0; i < LOOPS; i++) {
        HANDLE c = INVALID_HANDLE_VALUE;
        char ib[32];
        DWORD w, r;
        int loop;
        for (loop = 0; loop < 250; loop++) {
            DWORD err;
            c = open_client(g_echo, 0);
            if (c != INVALID_HANDLE_VALUE)
                break;
            err = GetLastError();
            if (err != ERROR_PIPE_BUSY && err != ERROR_FILE_NOT_FOUND)
                bad++;
            Sleep(20);
        }
        CHECK(c != INVALID_HANDLE_VALUE);
        if (c == INVALID_HANDLE_VALUE)
            break;
        memset(ib, 0, sizeof ib);
        CHECK_OK(WriteFile(c, obuf, sizeof obuf, &w, NULL));
        CHECK_OK(ReadFile(c, ib, sizeof obuf, &r, NULL));
        CHECK_EQ(r, sizeof obuf);
        CHECK(memcmp(ib, obuf, sizeof obuf) == 0);
        CHECK_OK(CloseHandle(c));
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(WaitForSingleObject(t, 20000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(t, &code));
    if (code != 0)
        printf("  (%s server exited with %u)\n", tag, (unsigned)code);
    CHECK_EQ(code, 0);
    CloseHandle(t);
}

int main(void)
{
    CloseHandle(CreateThread(NULL, 0, Watchdog, NULL, 0, NULL));
    test_create_params();
    test_instances();
    test_busy();
    test_process_ids();
    test_transfer(0);
    test_transfer(1);
    test_disconnect();
    test_close(1);
    test_close(0);
    test_readfile();
    test_overlapped();
    test_pending_writes();
    test_file_object();
    test_handle_state();
    test_info();
    test_pending_reads();
    test_transact();
    test_multi();
    test_nowait(PIPE_TYPE_BYTE);
    test_nowait(PIPE_TYPE_MESSAGE);
    test_anon();
    exercise(Server1, "echo1");
    exercise(Server2, "echo2");
    exercise(Server3, "echo3");
    exercise(Server4, "echo4");
    exercise(Server5, "echo5");
    return SUMMARY();
}
