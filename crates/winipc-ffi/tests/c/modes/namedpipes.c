/*
 * namedpipes.c - named pipes through the Win32 API: message and byte pipes, ERROR_MORE_DATA,
 * zero-length messages, peeking, transactions, CallNamedPipe, handle state and info, process
 * ids; bad input; the canonical overlapped server (8 instances, a stop event, one
 * WaitForMultipleObjects loop) serving 8 client processes; a completion-port server;
 * ReadFileEx/WriteFileEx with SleepEx; CancelIoEx of a pending ConnectNamedPipe; a broken
 * pipe after the client process is killed; and sort's stdout redirected into a pipe's client
 * end (a non-winipc child).
 *
 * Run with no arguments. "client NAME ID" and "hang NAME" are the child roles.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"

#define INSTANCES 8
#define BUFSIZE 512

static char g_self[MAX_PATH];

/* ---- child roles ---- */

static int client_role(const char *name, const char *id)
{
    HANDLE h;
    char msg[64], reply[BUFSIZE];
    DWORD mode = PIPE_READMODE_MESSAGE, n = 0;
    int tries;
    for (tries = 0; tries < 200; tries++) {
        h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (h != INVALID_HANDLE_VALUE)
            break;
        if (GetLastError() != ERROR_PIPE_BUSY && GetLastError() != ERROR_FILE_NOT_FOUND)
            return 10;
        if (GetLastError() == ERROR_PIPE_BUSY)
            WaitNamedPipeA(name, 2000);
        else
            Sleep(20);
    }
    if (h == INVALID_HANDLE_VALUE)
        return 11;
    if (!SetNamedPipeHandleState(h, &mode, NULL, NULL))
        return 12;
    snprintf(msg, sizeof msg, "hello from %s", id);
    if (!WriteFile(h, msg, (DWORD)strlen(msg), &n, NULL))
        return 13;
    if (!ReadFile(h, reply, sizeof reply - 1, &n, NULL))
        return 14;
    reply[n] = 0;
    if (strncmp(reply, "re: ", 4) != 0 || strcmp(reply + 4, msg) != 0)
        return 15;
    CloseHandle(h);
    return 0;
}

static int hang_role(const char *name)
{
    HANDLE h = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD n;
    if (h == INVALID_HANDLE_VALUE)
        return 20;
    WriteFile(h, "here", 4, &n, NULL);
    Sleep(60000);
    return 21;
}

static BOOL spawn(const char *args, PROCESS_INFORMATION *pi)
{
    char line[600];
    STARTUPINFOA si;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    return CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, pi);
}

/* ---- in-process helpers ---- */

/* out = "re: " + in (both BUFSIZE + 8 at most). */
static void reply_of(char *out, const char *in)
{
    memcpy(out, "re: ", 4);
    strcpy(out + 4, in);
}

struct server_arg {
    HANDLE h;
};

/* Serves one transaction: reads a message, answers "re: " + it. */
static DWORD WINAPI EchoOnce(LPVOID p)
{
    HANDLE h = ((struct server_arg *)p)->h;
    char buf[BUFSIZE], out[BUFSIZE + 8];
    DWORD n = 0;
    BOOL ok = ConnectNamedPipe(h, NULL) || GetLastError() == ERROR_PIPE_CONNECTED;
    if (!ok)
        return 1;
    if (!ReadFile(h, buf, sizeof buf - 1, &n, NULL))
        return 2;
    buf[n] = 0;
    reply_of(out, buf);
    if (!WriteFile(h, out, (DWORD)strlen(out), &n, NULL))
        return 3;
    FlushFileBuffers(h);
    DisconnectNamedPipe(h);
    return 0;
}

/* Waits for the 8 clients, then sets the stop event (the service's control thread). */
struct stopper_arg {
    HANDLE procs[INSTANCES];
    HANDLE stop;
};

static DWORD WINAPI Stopper(LPVOID p)
{
    struct stopper_arg *a = (struct stopper_arg *)p;
    DWORD r = WaitForMultipleObjects(INSTANCES, a->procs, TRUE, 60000);
    SetEvent(a->stop);
    return r;
}

enum state { CONNECTING, READING, WRITING, DONE };

struct instance {
    OVERLAPPED ov;
    HANDLE pipe;
    enum state state;
    char buf[BUFSIZE];
    char out[BUFSIZE + 8];
    DWORD n;
    BOOL pending;
};

static struct instance g_inst[INSTANCES];

/* Starts (or restarts) listening on instance i: the canonical ConnectToNewClient. */
static void connect_instance(struct instance *in)
{
    in->pending = FALSE;
    if (ConnectNamedPipe(in->pipe, &in->ov)) {
        in->state = CONNECTING; /* an overlapped connect never returns TRUE: a failure */
        return;
    }
    switch (GetLastError()) {
    case ERROR_IO_PENDING:
        in->pending = TRUE;
        break;
    case ERROR_PIPE_CONNECTED:
        SetEvent(in->ov.hEvent);
        break;
    default:
        printf("ConnectNamedPipe failed with %u\n", (unsigned)GetLastError());
    }
    in->state = CONNECTING;
}

/* The canonical overlapped server (Microsoft's "Named Pipe Server Using Overlapped I/O",
 * with a stop event as the service loop has): returns how many clients were answered. */
static int overlapped_server(const char *name)
{
    HANDLE events[INSTANCES + 1];
    struct stopper_arg sa;
    PROCESS_INFORMATION pi[INSTANCES];
    HANDLE stopper;
    int i, answered = 0;
    DWORD code;
    char args[300];

    sa.stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    events[0] = sa.stop;
    for (i = 0; i < INSTANCES; i++) {
        struct instance *in = &g_inst[i];
        ZeroMemory(in, sizeof *in);
        in->ov.hEvent = CreateEventA(NULL, TRUE, TRUE, NULL);
        events[i + 1] = in->ov.hEvent;
        in->pipe = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                    PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                    INSTANCES, BUFSIZE, BUFSIZE, 5000, NULL);
        CHECK(in->pipe != INVALID_HANDLE_VALUE);
        connect_instance(in);
    }
    /* A ninth instance is one too many. */
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, INSTANCES, 0, 0, 0,
                                NULL),
               INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    for (i = 0; i < INSTANCES; i++) {
        snprintf(args, sizeof args, "client \"%s\" %d", name, i);
        CHECK_OK(spawn(args, &pi[i]));
        sa.procs[i] = pi[i].hProcess;
    }
    stopper = CreateThread(NULL, 0, Stopper, &sa, 0, NULL);
    for (;;) {
        DWORD w = WaitForMultipleObjects(INSTANCES + 1, events, FALSE, 30000);
        struct instance *in;
        DWORD n = 0;
        BOOL ok;
        if (w == WAIT_OBJECT_0)
            break; /* stop */
        if (w == WAIT_TIMEOUT || w == WAIT_FAILED || w > WAIT_OBJECT_0 + INSTANCES) {
            printf("server wait returned %u (error %u)\n", (unsigned)w, (unsigned)GetLastError());
            break;
        }
        in = &g_inst[w - WAIT_OBJECT_0 - 1];
        if (in->pending) {
            ok = GetOverlappedResult(in->pipe, &in->ov, &n, FALSE);
            in->pending = FALSE;
            switch (in->state) {
            case CONNECTING:
                if (!ok) {
                    printf("connect completed with %u\n", (unsigned)GetLastError());
                    in->state = DONE;
                    ResetEvent(in->ov.hEvent);
                    continue;
                }
                in->state = READING;
                break;
            case READING:
                if (!ok || n == 0) {
                    DisconnectNamedPipe(in->pipe);
                    connect_instance(in);
                    continue;
                }
                in->n = n;
                in->state = WRITING;
                break;
            case WRITING:
                if (ok)
                    answered++;
                DisconnectNamedPipe(in->pipe);
                connect_instance(in);
                continue;
            case DONE:
                ResetEvent(in->ov.hEvent);
                continue;
            }
        } else if (in->state == CONNECTING) {
            in->state = READING; /* ERROR_PIPE_CONNECTED: connected already */
        }
        if (in->state == READING) {
            if (ReadFile(in->pipe, in->buf, sizeof in->buf - 1, &in->n, &in->ov) && in->n) {
                in->state = WRITING;
            } else if (GetLastError() == ERROR_IO_PENDING) {
                in->pending = TRUE;
                continue;
            } else {
                DisconnectNamedPipe(in->pipe);
                connect_instance(in);
                continue;
            }
        }
        if (in->state == WRITING) {
            in->buf[in->n] = 0;
            reply_of(in->out, in->buf);
            if (WriteFile(in->pipe, in->out, (DWORD)strlen(in->out), &n, &in->ov)) {
                answered++;
                DisconnectNamedPipe(in->pipe);
                connect_instance(in);
            } else if (GetLastError() == ERROR_IO_PENDING) {
                in->pending = TRUE;
            } else {
                DisconnectNamedPipe(in->pipe);
                connect_instance(in);
            }
        }
    }
    CHECK_EQ(WaitForSingleObject(stopper, 10000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(stopper, &code) && code == WAIT_OBJECT_0);
    CloseHandle(stopper);
    for (i = 0; i < INSTANCES; i++) {
        CHECK(GetExitCodeProcess(pi[i].hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
        /* Closing an instance with its connect pending cancels it. */
        CHECK(CloseHandle(g_inst[i].pipe));
        CloseHandle(g_inst[i].ov.hEvent);
    }
    CloseHandle(sa.stop);
    return answered;
}

/* Client threads of the completion-port server. */
static DWORD WINAPI ClientThread(LPVOID p)
{
    char id[16];
    snprintf(id, sizeof id, "t%u", (unsigned)(ULONG_PTR)p);
    return (DWORD)client_role((const char *)g_inst[0].buf, id);
}

/* ---- Microsoft's "Named Pipe Server Using Completion Routines", nearly verbatim ---- */

typedef struct {
    OVERLAPPED oOverlap;
    HANDLE hPipeInst;
    char chRequest[BUFSIZE];
    DWORD cbRead;
    char chReply[BUFSIZE + 8];
    DWORD cbToWrite;
} PIPEINST, *LPPIPEINST;

static int g_apc_served, g_apc_closed;
static VOID WINAPI CompletedReadRoutine(DWORD, DWORD, LPOVERLAPPED);

static VOID DisconnectAndClose(LPPIPEINST lpPipeInst)
{
    DisconnectNamedPipe(lpPipeInst->hPipeInst);
    CloseHandle(lpPipeInst->hPipeInst);
    GlobalFree(lpPipeInst);
    g_apc_closed++;
}

static VOID WINAPI CompletedWriteRoutine(DWORD dwErr, DWORD cbWritten, LPOVERLAPPED lpOverLap)
{
    LPPIPEINST lpPipeInst = (LPPIPEINST)lpOverLap;
    BOOL fRead = FALSE;
    if (dwErr == 0 && cbWritten == lpPipeInst->cbToWrite) {
        if (cbWritten)
            g_apc_served++;
        fRead = ReadFileEx(lpPipeInst->hPipeInst, lpPipeInst->chRequest, BUFSIZE - 1,
                           (LPOVERLAPPED)lpPipeInst, CompletedReadRoutine);
    }
    if (!fRead)
        DisconnectAndClose(lpPipeInst);
}

static VOID WINAPI CompletedReadRoutine(DWORD dwErr, DWORD cbBytesRead, LPOVERLAPPED lpOverLap)
{
    LPPIPEINST lpPipeInst = (LPPIPEINST)lpOverLap;
    BOOL fWrite = FALSE;
    if (dwErr == 0 && cbBytesRead != 0) {
        lpPipeInst->chRequest[cbBytesRead] = 0;
        reply_of(lpPipeInst->chReply, lpPipeInst->chRequest);
        lpPipeInst->cbToWrite = (DWORD)strlen(lpPipeInst->chReply);
        fWrite = WriteFileEx(lpPipeInst->hPipeInst, lpPipeInst->chReply, lpPipeInst->cbToWrite,
                             (LPOVERLAPPED)lpPipeInst, CompletedWriteRoutine);
    }
    if (!fWrite)
        DisconnectAndClose(lpPipeInst);
}

/* CreateAndConnectInstance + ConnectToNewClient: whether the connect is pending. */
static BOOL CreateAndConnectInstance(const char *name, LPOVERLAPPED lpoOverlap, HANDLE *hPipe)
{
    *hPipe = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                              PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                              PIPE_UNLIMITED_INSTANCES, BUFSIZE, BUFSIZE, 5000, NULL);
    if (*hPipe == INVALID_HANDLE_VALUE)
        return FALSE;
    if (ConnectNamedPipe(*hPipe, lpoOverlap))
        return FALSE; /* an overlapped connect returns FALSE */
    switch (GetLastError()) {
    case ERROR_IO_PENDING:
        return TRUE;
    case ERROR_PIPE_CONNECTED:
        SetEvent(lpoOverlap->hEvent);
        return FALSE;
    default:
        printf("ConnectNamedPipe failed with %u\n", (unsigned)GetLastError());
        return FALSE;
    }
}

/* Serves `clients` clients one instance at a time; returns how many were answered. */
static int routine_server(const char *name, int clients)
{
    HANDLE hConnectEvent = CreateEventA(NULL, TRUE, TRUE, NULL), hPipe;
    OVERLAPPED oConnect;
    DWORD dwWait, cbRet;
    BOOL fPendingIO;
    ZeroMemory(&oConnect, sizeof oConnect);
    oConnect.hEvent = hConnectEvent;
    fPendingIO = CreateAndConnectInstance(name, &oConnect, &hPipe);
    while (g_apc_closed < clients) {
        dwWait = WaitForSingleObjectEx(hConnectEvent, 10000, TRUE);
        if (dwWait == 0) {
            LPPIPEINST lpPipeInst;
            if (fPendingIO && !GetOverlappedResult(hPipe, &oConnect, &cbRet, FALSE)) {
                printf("ConnectNamedPipe (%u)\n", (unsigned)GetLastError());
                break;
            }
            lpPipeInst = (LPPIPEINST)GlobalAlloc(GPTR, sizeof(PIPEINST));
            lpPipeInst->hPipeInst = hPipe;
            lpPipeInst->cbToWrite = 0;
            CompletedWriteRoutine(0, 0, (LPOVERLAPPED)lpPipeInst);
            fPendingIO = CreateAndConnectInstance(name, &oConnect, &hPipe);
        } else if (dwWait != WAIT_IO_COMPLETION) {
            printf("WaitForSingleObjectEx (%u)\n", (unsigned)dwWait);
            break;
        }
    }
    CloseHandle(hPipe); /* the instance still listening */
    CloseHandle(hConnectEvent);
    return g_apc_served;
}

static volatile LONG g_routines;
static DWORD g_routine_err, g_routine_n;

static VOID WINAPI Routine(DWORD err, DWORD n, LPOVERLAPPED ov)
{
    (void)ov;
    g_routine_err = err;
    g_routine_n = n;
    InterlockedIncrement(&g_routines);
}

int main(int argc, char **argv)
{
    HANDLE s, c, ev, th, port;
    char name[128], name2[128], buf[BUFSIZE];
    DWORD n = 0, mode, flags, outsz, insz, maxi, state, inst, avail, left, pid = 0, code;
    OVERLAPPED ov;
    struct server_arg sarg;
    int i;

    if (argc == 4 && strcmp(argv[1], "client") == 0)
        return client_role(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "hang") == 0)
        return hang_role(argv[2]);
    GetModuleFileNameA(NULL, g_self, sizeof g_self);

    /* ---- a message pipe within one process ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("np"));
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 4096, 4096,
                         0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetFileType(s), FILE_TYPE_PIPE);
    c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_EQ(GetFileType(c), FILE_TYPE_PIPE);
    /* The client came first: ERROR_PIPE_CONNECTED. */
    CHECK_FAIL(ConnectNamedPipe(s, NULL), FALSE, ERROR_PIPE_CONNECTED);
    /* A second client: every instance is busy. */
    CHECK_FAIL(CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_PIPE_BUSY);
    CHECK_FAIL(WaitNamedPipeA(name, 30), FALSE, ERROR_SEM_TIMEOUT);
    mode = PIPE_READMODE_MESSAGE;
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_OK(WriteFile(c, "a message that is long", 22, &n, NULL));
    CHECK_EQ(n, 22);
    CHECK_OK(WriteFile(c, "", 0, &n, NULL)); /* a zero-length message */
    CHECK_OK(PeekNamedPipe(s, buf, 4, &n, &avail, &left));
    CHECK(n == 4 && memcmp(buf, "a me", 4) == 0);
    CHECK_EQ(left, 18);
    CHECK(avail >= 22);
    CHECK_OK(PeekNamedPipe(s, NULL, 0, NULL, &avail, NULL));
    /* A buffer too small: ERROR_MORE_DATA with its start, then the rest. */
    CHECK_FAIL(ReadFile(s, buf, 10, &n, NULL), FALSE, ERROR_MORE_DATA);
    CHECK(n == 10 && memcmp(buf, "a message ", 10) == 0);
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
    CHECK(n == 12 && memcmp(buf, "that is long", 12) == 0);
    n = 99;
    CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL)); /* the empty message */
    CHECK_EQ(n, 0);
    /* Info and state. */
    CHECK_OK(GetNamedPipeInfo(s, &flags, &outsz, &insz, &maxi));
    CHECK_EQ(flags, PIPE_SERVER_END | PIPE_TYPE_MESSAGE);
    CHECK(outsz == 4096 && insz == 4096 && maxi == 1);
    CHECK_OK(GetNamedPipeInfo(c, &flags, NULL, NULL, NULL));
    CHECK_EQ(flags, PIPE_CLIENT_END | PIPE_TYPE_MESSAGE);
    CHECK_OK(GetNamedPipeHandleStateA(s, &state, &inst, NULL, NULL, NULL, 0));
    CHECK_EQ(state, PIPE_READMODE_MESSAGE);
    CHECK_EQ(inst, 1);
    CHECK_OK(GetNamedPipeHandleState(c, &state, NULL, NULL, NULL, NULL, 0));
    CHECK_EQ(state, PIPE_READMODE_MESSAGE);
    CHECK_OK(GetNamedPipeClientProcessId(s, &pid));
    CHECK_EQ(pid, GetCurrentProcessId());
    CHECK_OK(GetNamedPipeServerProcessId(c, &pid));
    CHECK_EQ(pid, GetCurrentProcessId());
    CHECK_OK(GetNamedPipeClientSessionId(s, &pid));
    CHECK_OK(GetNamedPipeServerSessionId(c, &pid));
    /* The server writes, the client reads; TransactNamedPipe needs message-read mode. */
    CHECK_OK(WriteFile(s, "reply", 5, &n, NULL));
    CHECK_OK(ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK(n == 5 && memcmp(buf, "reply", 5) == 0);
    CHECK_OK(FlushFileBuffers(c));
    /* Disconnect: the client's next read fails. */
    CHECK_OK(DisconnectNamedPipe(s));
    SetLastError(0);
    CHECK(!ReadFile(c, buf, sizeof buf, &n, NULL));
    CHECK(GetLastError() == ERROR_PIPE_NOT_CONNECTED || GetLastError() == ERROR_BROKEN_PIPE);
    CHECK_FAIL(ConnectNamedPipe(c, NULL), FALSE, ERROR_INVALID_FUNCTION);
    CHECK_FAIL(DisconnectNamedPipe(c), FALSE, ERROR_INVALID_FUNCTION);
    CHECK(CloseHandle(c));

    /* TransactNamedPipe and CallNamedPipe against a server thread. */
    sarg.h = s;
    th = CreateThread(NULL, 0, EchoOnce, &sarg, 0, NULL);
    CHECK_OK(WaitNamedPipeA(name, 5000));
    c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_FAIL(TransactNamedPipe(c, (LPVOID) "x", 1, buf, sizeof buf, &n, NULL), FALSE,
               ERROR_BAD_PIPE); /* byte-read mode */
    CHECK_OK(SetNamedPipeHandleState(c, &mode, NULL, NULL));
    CHECK_OK(TransactNamedPipe(c, (LPVOID) "ping", 4, buf, sizeof buf, &n, NULL));
    CHECK(n == 8 && memcmp(buf, "re: ping", 8) == 0);
    CHECK_EQ(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
    CHECK(GetExitCodeThread(th, &code) && code == 0);
    CloseHandle(th);
    CloseHandle(c);
    th = CreateThread(NULL, 0, EchoOnce, &sarg, 0, NULL);
    CHECK_OK(CallNamedPipeA(name, (LPVOID) "call", 4, buf, sizeof buf, &n, 5000));
    CHECK(n == 8 && memcmp(buf, "re: call", 8) == 0);
    CHECK_EQ(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
    CloseHandle(th);
    /* A short buffer: ERROR_MORE_DATA. */
    th = CreateThread(NULL, 0, EchoOnce, &sarg, 0, NULL);
    CHECK_FAIL(CallNamedPipeA(name, (LPVOID) "call", 4, buf, 3, &n, 5000), FALSE,
               ERROR_MORE_DATA);
    CHECK_EQ(n, 3);
    CHECK_EQ(WaitForSingleObject(th, 5000), WAIT_OBJECT_0);
    CloseHandle(th);
    CHECK(CloseHandle(s));
    CHECK_FAIL(CreateFileA(name, GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(WaitNamedPipeA(name, 10), FALSE, ERROR_FILE_NOT_FOUND);

    /* A byte pipe created with the W function. */
    {
        WCHAR wname[128];
        for (i = 0; name[i]; i++)
            wname[i] = (WCHAR)name[i];
        wname[i] = 0;
        s = CreateNamedPipeW(wname, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
        CHECK(s != INVALID_HANDLE_VALUE);
        c = CreateFileW(wname, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        CHECK(c != INVALID_HANDLE_VALUE);
        CHECK_OK(WriteFile(c, "by", 2, &n, NULL));
        CHECK_OK(WriteFile(c, "tes", 3, &n, NULL));
        Sleep(10);
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
        CHECK(n == 5 && memcmp(buf, "bytes", 5) == 0); /* no message boundaries */
        mode = PIPE_READMODE_MESSAGE;
        CHECK_FAIL(SetNamedPipeHandleState(s, &mode, NULL, NULL), FALSE,
                   ERROR_INVALID_PARAMETER);
        /* The client went away: ERROR_BROKEN_PIPE. */
        CHECK(CloseHandle(c));
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
        CHECK(CloseHandle(s));
    }

    /* DuplicateHandle of a client end: the same end, closed with its last handle. */
    {
        HANDLE d = NULL;
        s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
        CHECK(s != INVALID_HANDLE_VALUE);
        c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        CHECK(c != INVALID_HANDLE_VALUE);
        CHECK_OK(DuplicateHandle(GetCurrentProcess(), c, GetCurrentProcess(), &d, 0, FALSE,
                                 DUPLICATE_SAME_ACCESS));
        CHECK(CloseHandle(c));
        CHECK_OK(WriteFile(d, "dup", 3, &n, NULL));
        CHECK_OK(ReadFile(s, buf, sizeof buf, &n, NULL));
        CHECK(n == 3 && memcmp(buf, "dup", 3) == 0);
        CHECK_EQ(GetFileType(d), FILE_TYPE_PIPE);
        CHECK(CloseHandle(d));
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, NULL), FALSE, ERROR_BROKEN_PIPE);
        CHECK(CloseHandle(s));
    }

    /* ---- bad input ---- */
    CHECK_FAIL(CreateNamedPipeA("\\\\.\\notapipe\\x", PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
    CHECK_FAIL(CreateNamedPipeA("plainname", PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_NAME);
    CHECK_FAIL(CreateNamedPipeA(NULL, PIPE_ACCESS_DUPLEX, 0, 1, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_PATH_NOT_FOUND);
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("bad"));
    CHECK_FAIL(CreateNamedPipeA(name, 0, 0, 1, 0, 0, 0, NULL), INVALID_HANDLE_VALUE,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_READMODE_MESSAGE,
                                1, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, 0, 0, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, 0, 256, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_INVALID_PARAMETER);
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0,
                         PIPE_UNLIMITED_INSTANCES, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_FIRST_PIPE_INSTANCE, 0,
                                PIPE_UNLIMITED_INSTANCES, 0, 0, 0, NULL),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    /* A different direction than the first instance; a different type is the first's. */
    CHECK_FAIL(CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, 0, PIPE_UNLIMITED_INSTANCES, 0, 0, 0,
                                NULL),
               INVALID_HANDLE_VALUE, ERROR_ACCESS_DENIED);
    {
        DWORD fl = 0;
        HANDLE s2 = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE,
                                     PIPE_UNLIMITED_INSTANCES, 0, 0, 0, NULL);
        CHECK(s2 != INVALID_HANDLE_VALUE);
        CHECK_OK(GetNamedPipeInfo(s2, &fl, NULL, NULL, NULL));
        CHECK_EQ(fl, PIPE_SERVER_END | PIPE_TYPE_BYTE);
        CloseHandle(s2);
    }
    /* Reading an unconnected instance: ERROR_PIPE_LISTENING. */
    CHECK_FAIL(ReadFile(s, buf, 1, &n, NULL), FALSE, ERROR_PIPE_LISTENING);
    CHECK_FAIL(GetNamedPipeClientProcessId(s, &pid), FALSE, ERROR_PIPE_LISTENING);
    CHECK_FAIL(PeekNamedPipe(INVALID_HANDLE_VALUE, NULL, 0, NULL, NULL, NULL), FALSE,
               ERROR_INVALID_HANDLE);
    CHECK_FAIL(GetNamedPipeInfo(NULL, NULL, NULL, NULL, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(CallNamedPipeA(NULL, NULL, 0, buf, 1, &n, 0), FALSE, ERROR_INVALID_NAME);
    CHECK(CloseHandle(s));

    /* ---- PeekNamedPipe on an anonymous pipe: what is available ---- */
    {
        HANDLE r, w;
        CHECK(CreatePipe(&r, &w, NULL, 0));
        CHECK_OK(WriteFile(w, "abc", 3, &n, NULL));
        CHECK_OK(PeekNamedPipe(r, NULL, 0, NULL, &avail, NULL));
        CHECK_EQ(avail, 3);
        CloseHandle(r);
        CloseHandle(w);
    }

    /* ---- overlapped: CancelIoEx of a pending ConnectNamedPipe, then a real one ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("ovc"));
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    ev = CreateEventA(NULL, TRUE, FALSE, NULL);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, FALSE), FALSE, ERROR_IO_INCOMPLETE);
    CHECK_OK(CancelIoEx(s, &ov));
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    CHECK_FAIL(GetOverlappedResult(s, &ov, &n, TRUE), FALSE, ERROR_OPERATION_ABORTED);
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = ev;
    CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
    c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                    FILE_FLAG_OVERLAPPED, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    CHECK_EQ(WaitForSingleObject(ev, 5000), WAIT_OBJECT_0);
    CHECK_OK(GetOverlappedResult(s, &ov, &n, FALSE));
    /* ReadFileEx/WriteFileEx: the routines run in SleepEx. */
    {
        OVERLAPPED ro, wo;
        char rbuf[64];
        ZeroMemory(&ro, sizeof ro);
        ZeroMemory(&wo, sizeof wo);
        CHECK_OK(ReadFileEx(s, rbuf, sizeof rbuf, &ro, Routine));
        CHECK_OK(WriteFileEx(c, "ex-message", 10, &wo, Routine));
        while (g_routines < 2)
            CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
        CHECK(memcmp(rbuf, "ex-message", 10) == 0);
        CHECK_EQ(ro.InternalHigh, 10);
        /* A message larger than the buffer: the routine gets ERROR_MORE_DATA. */
        CHECK_OK(WriteFileEx(c, "0123456789", 10, &wo, Routine));
        CHECK_OK(ReadFileEx(s, rbuf, 4, &ro, Routine));
        while (g_routines < 4)
            CHECK_EQ(SleepEx(5000, TRUE), WAIT_IO_COMPLETION);
        CHECK(g_routine_err == ERROR_MORE_DATA || g_routine_err == 0);
        CHECK_FAIL(GetOverlappedResult(s, &ro, &n, FALSE), FALSE, ERROR_MORE_DATA);
        CHECK_EQ(n, 4);
        CHECK_OK(ReadFile(s, rbuf, sizeof rbuf, &n, &ro) || GetLastError() == ERROR_IO_PENDING);
        CHECK_OK(GetOverlappedResult(s, &ro, &n, TRUE));
        CHECK(n == 6 && memcmp(rbuf, "456789", 6) == 0);
    }
    CloseHandle(c);
    CloseHandle(s);

    /* A read cancelled while waiting, a disconnection, a new client: the next pending read
       still completes (the instance waits on a new connection's descriptor). */
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    for (i = 0; i < 3; i++) {
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_FAIL(ConnectNamedPipe(s, &ov), FALSE, ERROR_IO_PENDING);
        c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        CHECK(c != INVALID_HANDLE_VALUE);
        CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, NULL, &ov), FALSE, ERROR_IO_PENDING);
        if (i == 0) {
            CHECK_OK(CancelIoEx(s, &ov));
            CHECK_FAIL(GetOverlappedResult(s, &ov, &n, TRUE), FALSE, ERROR_OPERATION_ABORTED);
        } else {
            CHECK_OK(WriteFile(c, "again", 5, &n, NULL));
            CHECK_OK(GetOverlappedResultEx(s, &ov, &n, 5000, FALSE));
            CHECK(n == 5 && memcmp(buf, "again", 5) == 0);
        }
        CHECK_OK(DisconnectNamedPipe(s));
        CloseHandle(c);
    }
    CloseHandle(s);

    /* A write larger than the pipe holds goes pending, and completes, whole, once the
       client has read enough. */
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED, PIPE_TYPE_BYTE, 1, 0,
                         0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    c = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    CHECK(c != INVALID_HANDLE_VALUE);
    {
        enum { BIG = 4 << 20 };
        char *big = (char *)malloc(BIG), *back = (char *)malloc(BIG);
        DWORD total = 0;
        for (i = 0; i < BIG; i++)
            big[i] = (char)(i * 7);
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_FAIL(WriteFile(s, big, BIG, NULL, &ov), FALSE, ERROR_IO_PENDING);
        CHECK(!HasOverlappedIoCompleted(&ov));
        while (total < BIG && ReadFile(c, back + total, BIG - total, &n, NULL))
            total += n;
        CHECK_EQ(total, BIG);
        CHECK(memcmp(big, back, BIG) == 0);
        CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
        CHECK_EQ(n, BIG);
        free(big);
        free(back);
    }
    CloseHandle(c);
    CloseHandle(s);

    /* ---- the client process killed: a pending read sees ERROR_BROKEN_PIPE ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("kill"));
    s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                         PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    {
        PROCESS_INFORMATION pi;
        char args[200];
        snprintf(args, sizeof args, "hang \"%s\"", name);
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        if (!ConnectNamedPipe(s, &ov)) {
            CHECK(GetLastError() == ERROR_IO_PENDING || GetLastError() == ERROR_PIPE_CONNECTED);
        }
        CHECK_OK(spawn(args, &pi));
        CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        if (!ReadFile(s, buf, sizeof buf, &n, &ov))
            CHECK_EQ(GetLastError(), ERROR_IO_PENDING);
        CHECK_OK(GetOverlappedResult(s, &ov, &n, TRUE));
        CHECK(n == 4 && memcmp(buf, "here", 4) == 0);
        CHECK_OK(GetNamedPipeClientProcessId(s, &pid));
        CHECK_EQ(pid, pi.dwProcessId);
        ZeroMemory(&ov, sizeof ov);
        ov.hEvent = ev;
        CHECK_FAIL(ReadFile(s, buf, sizeof buf, &n, &ov), FALSE, ERROR_IO_PENDING);
        CHECK_OK(TerminateProcess(pi.hProcess, 9));
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 5000), WAIT_OBJECT_0);
        CHECK_FAIL(GetOverlappedResult(s, &ov, &n, TRUE), FALSE, ERROR_BROKEN_PIPE);
        ZeroMemory(&ov, sizeof ov);
        CHECK_FAIL(WriteFile(s, "late", 4, &n, &ov), FALSE, ERROR_NO_DATA);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CHECK_OK(DisconnectNamedPipe(s));
    CloseHandle(s);

    /* ---- the canonical overlapped server: 8 instances, 8 client processes ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("svc"));
    CHECK_EQ(overlapped_server(name), INSTANCES);

    /* ---- a completion-port server: 4 instances, 8 client threads ---- */
    snprintf(name2, sizeof name2, "\\\\.\\pipe\\%s", uniq("iocp"));
    strcpy(g_inst[0].buf, name2); /* the client threads' pipe name */
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    CHECK(port != NULL);
    {
        struct instance in[4];
        HANDLE ths[8];
        int answered = 0;
        for (i = 0; i < 4; i++) {
            ZeroMemory(&in[i], sizeof in[i]);
            in[i].pipe = CreateNamedPipeA(name2, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                          PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 4, 0, 0, 0,
                                          NULL);
            CHECK(in[i].pipe != INVALID_HANDLE_VALUE);
            CHECK(CreateIoCompletionPort(in[i].pipe, port, (ULONG_PTR)i, 0) == port);
            in[i].state = CONNECTING;
            if (!ConnectNamedPipe(in[i].pipe, &in[i].ov) &&
                GetLastError() == ERROR_PIPE_CONNECTED)
                PostQueuedCompletionStatus(port, 0, (ULONG_PTR)i, &in[i].ov);
        }
        for (i = 0; i < 8; i++)
            ths[i] = CreateThread(NULL, 0, ClientThread, (LPVOID)(ULONG_PTR)i, 0, NULL);
        while (answered < 8) {
            ULONG_PTR key;
            LPOVERLAPPED got;
            struct instance *x;
            BOOL ok = GetQueuedCompletionStatus(port, &n, &key, &got, 20000);
            if (!ok && got == NULL) {
                printf("GetQueuedCompletionStatus: %u\n", (unsigned)GetLastError());
                break;
            }
            x = &in[key];
            CHECK(got == &x->ov);
            if (x->state == CONNECTING && ok) {
                x->state = READING;
                if (!ReadFile(x->pipe, x->buf, sizeof x->buf - 1, NULL, &x->ov) &&
                    GetLastError() != ERROR_IO_PENDING)
                    CHECK(0);
            } else if (x->state == READING && ok) {
                x->buf[n] = 0;
                reply_of(x->out, x->buf);
                x->state = WRITING;
                if (!WriteFile(x->pipe, x->out, (DWORD)strlen(x->out), NULL, &x->ov) &&
                    GetLastError() != ERROR_IO_PENDING)
                    CHECK(0);
            } else {
                if (x->state == WRITING && ok)
                    answered++;
                DisconnectNamedPipe(x->pipe);
                x->state = CONNECTING;
                if (!ConnectNamedPipe(x->pipe, &x->ov) && GetLastError() == ERROR_PIPE_CONNECTED)
                    PostQueuedCompletionStatus(port, 0, key, &x->ov);
            }
        }
        CHECK_EQ(answered, 8);
        CHECK_EQ(WaitForMultipleObjects(8, ths, TRUE, 10000), WAIT_OBJECT_0);
        for (i = 0; i < 8; i++) {
            CHECK(GetExitCodeThread(ths[i], &code));
            CHECK_EQ(code, 0);
            CloseHandle(ths[i]);
        }
        for (i = 0; i < 4; i++)
            CloseHandle(in[i].pipe);
    }
    CloseHandle(port);

    /* ---- the completion-routine server: 4 client threads ---- */
    snprintf(name2, sizeof name2, "\\\\.\\pipe\\%s", uniq("apc"));
    strcpy(g_inst[0].buf, name2);
    {
        HANDLE ths[4];
        for (i = 0; i < 4; i++)
            ths[i] = CreateThread(NULL, 0, ClientThread, (LPVOID)(ULONG_PTR)i, 0, NULL);
        CHECK_EQ(routine_server(name2, 4), 4);
        CHECK_EQ(g_apc_closed, 4);
        CHECK_EQ(WaitForMultipleObjects(4, ths, TRUE, 10000), WAIT_OBJECT_0);
        for (i = 0; i < 4; i++) {
            CHECK(GetExitCodeThread(ths[i], &code));
            CHECK_EQ(code, 0);
            CloseHandle(ths[i]);
        }
    }

    /* ---- sort (not a winipc program) writes its output into a pipe's client end ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("sort"));
    s = CreateNamedPipeA(name, PIPE_ACCESS_INBOUND, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    {
        SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
        HANDLE in_r, in_w, out;
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char line[] = "sort";
        DWORD total = 0;
        out = CreateFileA(name, GENERIC_WRITE, 0, &sa, OPEN_EXISTING, 0, NULL);
        CHECK(out != INVALID_HANDLE_VALUE);
        CHECK(CreatePipe(&in_r, &in_w, &sa, 0));
        CHECK(SetHandleInformation(in_w, HANDLE_FLAG_INHERIT, 0));
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in_r;
        si.hStdOutput = out;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
        CloseHandle(in_r);
        CloseHandle(out);
        CHECK_OK(WriteFile(in_w, "pear\napple\nfig\n", 15, &n, NULL));
        CloseHandle(in_w);
        for (;;) {
            if (!ReadFile(s, buf + total, (DWORD)(sizeof buf - 1 - total), &n, NULL)) {
                CHECK_EQ(GetLastError(), ERROR_BROKEN_PIPE);
                break;
            }
            total += n;
        }
        buf[total] = 0;
        CHECK(strcmp(buf, "apple\nfig\npear\n") == 0);
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        CHECK(GetExitCodeProcess(pi.hProcess, &code) && code == 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CloseHandle(s);

    /* ---- and sort reading its input from a pipe's client end ---- */
    snprintf(name, sizeof name, "\\\\.\\pipe\\%s", uniq("sortin"));
    s = CreateNamedPipeA(name, PIPE_ACCESS_OUTBOUND, PIPE_TYPE_BYTE, 1, 0, 0, 0, NULL);
    CHECK(s != INVALID_HANDLE_VALUE);
    {
        SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
        HANDLE in, out_r, out_w;
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char line[] = "sort -r";
        DWORD total = 0;
        in = CreateFileA(name, GENERIC_READ, 0, &sa, OPEN_EXISTING, 0, NULL);
        CHECK(in != INVALID_HANDLE_VALUE);
        CHECK(CreatePipe(&out_r, &out_w, &sa, 0));
        CHECK(SetHandleInformation(out_r, HANDLE_FLAG_INHERIT, 0));
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        si.dwFlags = STARTF_USESTDHANDLES;
        si.hStdInput = in;
        si.hStdOutput = out_w;
        si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi));
        CloseHandle(in);
        CloseHandle(out_w);
        CHECK_FAIL(ConnectNamedPipe(s, NULL), FALSE, ERROR_PIPE_CONNECTED);
        CHECK_OK(WriteFile(s, "kiwi\nbanana\ncherry\n", 19, &n, NULL));
        CHECK(CloseHandle(s)); /* end of sort's input */
        for (;;) {
            if (!ReadFile(out_r, buf + total, (DWORD)(sizeof buf - 1 - total), &n, NULL)) {
                CHECK_EQ(GetLastError(), ERROR_BROKEN_PIPE);
                break;
            }
            total += n;
        }
        buf[total] = 0;
        CHECK_EQ(total, 19);
        CHECK(strcmp(buf, "kiwi\ncherry\nbanana\n") == 0);
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        CHECK(GetExitCodeProcess(pi.hProcess, &code) && code == 0);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
        CloseHandle(out_r);
    }
    CloseHandle(ev);
    return SUMMARY();
}
