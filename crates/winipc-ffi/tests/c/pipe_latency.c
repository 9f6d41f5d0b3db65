/*
 * pipe_latency.c - round trip of a 64-byte message over a duplex message-mode named pipe
 * between two threads: synchronous ReadFile/WriteFile, and the server end in overlapped mode
 * (ReadFile pending + GetOverlappedResult). A measurement for
 * docs/decisions/0012-overlapped-io.md, not part of the suite:
 *
 *   cc -O2 -Iinclude crates/winipc-ffi/tests/c/pipe_latency.c -Ltarget/release \
 *      -lwinipc -Wl,-rpath,$PWD/target/release -o /tmp/pipe_lat && /tmp/pipe_lat 20000
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>

static char g_name[128];
static int g_rounds;

static DWORD WINAPI Client(LPVOID p)
{
    HANDLE c;
    DWORD mode = PIPE_READMODE_MESSAGE, n;
    char buf[64];
    int i;
    (void)p;
    if (!WaitNamedPipeA(g_name, 5000))
        exit(20);
    c = CreateFileA(g_name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    if (c == INVALID_HANDLE_VALUE || !SetNamedPipeHandleState(c, &mode, NULL, NULL))
        exit(21);
    for (i = 0; i < g_rounds; i++) {
        if (!ReadFile(c, buf, sizeof buf, &n, NULL) || !WriteFile(c, buf, n, &n, NULL))
            exit(22);
    }
    CloseHandle(c);
    return 0;
}

int main(int argc, char **argv)
{
    int mode;
    g_rounds = argc > 1 ? atoi(argv[1]) : 20000;
    for (mode = 0; mode < 2; mode++) {
        HANDLE s, th;
        OVERLAPPED ov;
        LARGE_INTEGER t0, t1, f;
        char buf[64] = "ping";
        DWORD n;
        int i;
        snprintf(g_name, sizeof g_name, "\\\\.\\pipe\\lat_%u_%d", (unsigned)GetCurrentProcessId(),
                 mode);
        s = CreateNamedPipeA(g_name, PIPE_ACCESS_DUPLEX | (mode ? FILE_FLAG_OVERLAPPED : 0),
                             PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE, 1, 0, 0, 0, NULL);
        th = CreateThread(NULL, 0, Client, NULL, 0, NULL);
        ZeroMemory(&ov, sizeof ov);
        if (!ConnectNamedPipe(s, mode ? &ov : NULL)) {
            if (GetLastError() == ERROR_IO_PENDING)
                GetOverlappedResult(s, &ov, &n, TRUE);
            else if (GetLastError() != ERROR_PIPE_CONNECTED)
                return 1;
        }
        QueryPerformanceFrequency(&f);
        for (i = 0; i < g_rounds; i++) {
            if (i == 200)
                QueryPerformanceCounter(&t0);
            ZeroMemory(&ov, sizeof ov);
            if (!WriteFile(s, buf, 64, &n, mode ? &ov : NULL) &&
                !(GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(s, &ov, &n, TRUE)))
                return 2;
            ZeroMemory(&ov, sizeof ov);
            if (!ReadFile(s, buf, sizeof buf, &n, mode ? &ov : NULL) &&
                !(GetLastError() == ERROR_IO_PENDING && GetOverlappedResult(s, &ov, &n, TRUE)))
                return 3;
        }
        QueryPerformanceCounter(&t1);
        WaitForSingleObject(th, INFINITE);
        printf("named pipe, %-32s %8.2f us per round trip\n",
               mode ? "overlapped + GetOverlappedResult" : "synchronous",
               (double)(t1.QuadPart - t0.QuadPart) * 1e6 / (double)f.QuadPart / (g_rounds - 200));
        CloseHandle(th);
        CloseHandle(s);
    }
    return 0;
}
