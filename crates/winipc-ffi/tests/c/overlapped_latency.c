/*
 * overlapped_latency.c - round-trip latency of a 64-byte message between two threads over two
 * FIFOs: plain blocking ReadFile/WriteFile, overlapped ReadFile waited with
 * GetOverlappedResult (the read goes pending, the I/O thread completes it), and the same
 * through a completion port. A measurement for docs/decisions/0012-overlapped-io.md, not
 * part of the suite:
 *
 *   cc -O2 -Iinclude crates/winipc-ffi/tests/c/overlapped_latency.c -Ltarget/release \
 *      -lwinipc -Wl,-rpath,$PWD/target/release -o /tmp/ovl_lat && /tmp/ovl_lat 20000
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char g_a[128], g_b[128];
static int g_rounds;
static int g_mode; /* 0 plain, 1 overlapped + GetOverlappedResult, 2 completion port */

static HANDLE open_end(const char *p, DWORD access, DWORD flags)
{
    HANDLE h = CreateFileA(p, access, 0, NULL, OPEN_EXISTING, flags, NULL);
    if (h == INVALID_HANDLE_VALUE) {
        printf("CreateFile %s: %u\n", p, (unsigned)GetLastError());
        exit(1);
    }
    return h;
}

/* Reads one 64-byte message from r in the current mode. */
static void get(HANDLE r, HANDLE port, char *buf)
{
    DWORD n = 0, got = 0;
    OVERLAPPED ov;
    ULONG_PTR key;
    LPOVERLAPPED pov;
    while (got < 64) {
        if (g_mode == 0) {
            if (!ReadFile(r, buf + got, 64 - got, &n, NULL))
                exit(2);
        } else {
            ZeroMemory(&ov, sizeof ov);
            if (!ReadFile(r, buf + got, 64 - got, &n, &ov)) {
                if (GetLastError() != ERROR_IO_PENDING)
                    exit(3);
                if (g_mode == 1) {
                    if (!GetOverlappedResult(r, &ov, &n, TRUE))
                        exit(4);
                } else if (!GetQueuedCompletionStatus(port, &n, &key, &pov, INFINITE)) {
                    exit(5);
                }
            } else if (g_mode == 2) {
                /* Completed at once: the packet is queued all the same. */
                if (!GetQueuedCompletionStatus(port, &n, &key, &pov, INFINITE))
                    exit(6);
            }
        }
        got += n;
    }
}

static void put(HANDLE w, const char *buf)
{
    DWORD n;
    OVERLAPPED ov;
    ZeroMemory(&ov, sizeof ov);
    ov.hEvent = (HANDLE)1; /* bit 0: no completion packet for the writes */
    if (!WriteFile(w, buf, 64, &n, g_mode == 0 ? NULL : &ov)) {
        if (GetLastError() != ERROR_IO_PENDING || !GetOverlappedResult(w, &ov, &n, TRUE))
            exit(7);
    }
}

static DWORD WINAPI Echo(LPVOID p)
{
    DWORD flags = g_mode ? FILE_FLAG_OVERLAPPED : 0;
    HANDLE r = open_end(g_a, GENERIC_READ, flags | (g_mode ? 0 : FILE_FLAG_OVERLAPPED));
    HANDLE w = open_end(g_b, GENERIC_WRITE, flags);
    HANDLE port = g_mode == 2 ? CreateIoCompletionPort(r, NULL, 1, 1) : NULL;
    char buf[64];
    int i;
    (void)p;
    if (g_mode == 0) { /* opened overlapped only to get past the FIFO's open; back to sync */
        CloseHandle(r);
        r = open_end(g_a, GENERIC_READ, 0);
    }
    Sleep(100); /* until main has opened its write end of a (a FIFO read sees EOF before) */
    for (i = 0; i < g_rounds; i++) {
        get(r, port, buf);
        put(w, buf);
    }
    CloseHandle(r);
    CloseHandle(w);
    if (port)
        CloseHandle(port);
    return 0;
}

int main(int argc, char **argv)
{
    static const char *names[] = {"plain blocking ReadFile", "overlapped + GetOverlappedResult",
                                  "overlapped + completion port"};
    g_rounds = argc > 1 ? atoi(argv[1]) : 20000;
    snprintf(g_a, sizeof g_a, "/tmp/ovl_lat_a_%u", (unsigned)GetCurrentProcessId());
    snprintf(g_b, sizeof g_b, "/tmp/ovl_lat_b_%u", (unsigned)GetCurrentProcessId());
    for (g_mode = 0; g_mode < 3; g_mode++) {
        HANDLE th, r, w, port = NULL;
        LARGE_INTEGER t0, t1, f;
        char buf[64] = "ping";
        int i;
        unlink(g_a);
        unlink(g_b);
        mkfifo(g_a, 0600);
        mkfifo(g_b, 0600);
        /* Our read end of b first (non-blocking open), then the echo thread opens a and b. */
        r = open_end(g_b, GENERIC_READ, FILE_FLAG_OVERLAPPED);
        th = CreateThread(NULL, 0, Echo, NULL, 0, NULL);
        Sleep(50);
        w = open_end(g_a, GENERIC_WRITE, g_mode ? FILE_FLAG_OVERLAPPED : 0);
        if (g_mode == 0) {
            CloseHandle(r);
            r = open_end(g_b, GENERIC_READ, 0);
        }
        if (g_mode == 2)
            port = CreateIoCompletionPort(r, NULL, 1, 1);
        for (i = 0; i < 200; i++) { /* warm-up */
            put(w, buf);
            get(r, port, buf);
        }
        QueryPerformanceFrequency(&f);
        QueryPerformanceCounter(&t0);
        for (i = 200; i < g_rounds; i++) {
            put(w, buf);
            get(r, port, buf);
        }
        QueryPerformanceCounter(&t1);
        WaitForSingleObject(th, INFINITE);
        printf("%-34s %8.2f us per round trip\n", names[g_mode],
               (double)(t1.QuadPart - t0.QuadPart) * 1e6 / (double)f.QuadPart /
                   (g_rounds - 200));
        CloseHandle(th);
        CloseHandle(r);
        CloseHandle(w);
        if (port)
            CloseHandle(port);
    }
    unlink(g_a);
    unlink(g_b);
    return 0;
}
