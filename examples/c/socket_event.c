/*
 * socket_event.c - one loop that serves a socket and a Win32 event, two ways:
 *
 *   1. poll(): the event becomes a descriptor with winipc_handle_fd(), readable
 *      while the event is signaled (polling acquires nothing; the program then
 *      acquires with WaitForSingleObject(h, 0));
 *   2. WaitForMultipleObjects(): the socket becomes a handle with
 *      winipc_fd_handle(), signaled while the socket is readable.
 *
 * A helper thread makes things happen while the main thread sleeps in the
 * wait.  The output is deterministic; see examples/c/expected/socket_event.out.
 */
#include <windows.h>
#include <winipc_fd.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int peer;       /* the other end of the socket pair */
static HANDLE event;   /* auto-reset */

/* After 50 ms: write `arg` to the socket, or set the event if arg is NULL. */
static DWORD WINAPI Later(LPVOID arg)
{
    Sleep(50);
    if (arg)
        (void)!write(peer, arg, strlen(arg));
    else
        SetEvent(event);
    return 0;
}

static void After(const char *what)
{
    HANDLE t = CreateThread(NULL, 0, Later, (LPVOID)what, 0, NULL);
    CloseHandle(t);
}

static void ReadSocket(int sock, const char *how)
{
    char buf[64];
    ssize_t n = read(sock, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = 0;
    printf("%s: socket says \"%s\"\n", how, buf);
}

static int Fail(const char *what)
{
    fprintf(stderr, "%s failed with error %lu\n", what, (unsigned long)GetLastError());
    return 1;
}

int main(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
        return 1;
    int sock = sv[0];
    peer = sv[1];
    event = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (!event)
        return Fail("CreateEvent");

    /* 1. poll() on the socket and the event's descriptor. */
    int efd = winipc_handle_fd(event);
    if (efd < 0)
        return Fail("winipc_handle_fd");
    struct pollfd fds[2] = { { sock, POLLIN, 0 }, { efd, POLLIN, 0 } };
    printf("poll: %d ready after 30 ms\n", poll(fds, 2, 30));
    const char *order[2] = { NULL, "hello" };
    for (int i = 0; i < 2; i++) {
        After(order[i]);
        for (;;) {
            if (poll(fds, 2, 5000) <= 0)
                return Fail("poll");
            if (fds[1].revents & POLLIN) {
                /* Readable: acquire.  WAIT_TIMEOUT would mean someone was faster. */
                if (WaitForSingleObject(event, 0) != WAIT_OBJECT_0)
                    continue;
                printf("poll: event signaled, acquired\n");
                break;
            }
            if (fds[0].revents & POLLIN) {
                ReadSocket(sock, "poll");
                break;
            }
        }
    }
    /* Acquired: the descriptor stops being readable (the bridge drains it). */
    for (int tries = 0; tries < 500 && poll(&fds[1], 1, 0) > 0; tries++)
        Sleep(1);
    printf("poll: event descriptor readable now: %s\n", poll(&fds[1], 1, 0) > 0 ? "yes" : "no");

    /* 2. WaitForMultipleObjects on the socket's handle and the event. */
    HANDLE hs = winipc_fd_handle(sock);
    if (!hs)
        return Fail("winipc_fd_handle");
    HANDLE both[2] = { hs, event };
    DWORD r = WaitForMultipleObjects(2, both, FALSE, 30);
    printf("wait: %s after 30 ms\n", r == WAIT_TIMEOUT ? "WAIT_TIMEOUT" : "?");
    After("world");
    r = WaitForMultipleObjects(2, both, FALSE, 5000);
    printf("wait: WAIT_OBJECT_0 + %lu\n", (unsigned long)(r - WAIT_OBJECT_0));
    ReadSocket(sock, "wait");
    After(NULL);
    r = WaitForMultipleObjects(2, both, FALSE, 5000);
    printf("wait: WAIT_OBJECT_0 + %lu (the event)\n", (unsigned long)(r - WAIT_OBJECT_0));
    /* The socket's handle is no event. */
    BOOL set = SetEvent(hs);
    printf("wait: SetEvent(socket handle) = %d, error %lu\n", set, (unsigned long)GetLastError());

    CloseHandle(hs);
    CloseHandle(event);
    close(sock);
    close(peer);
    printf("done\n");
    return 0;
}
