/*
 * process_manager.c - a textbook process manager: starts workers suspended,
 * resumes them one by one, waits for all of them and collects their full
 * 32-bit exit codes (workers end with a plain `return` from main, which
 * libwinipc carries in full, not the 8 bits of a Linux exit status).
 *
 *   process_manager [N]          (default 3 workers)
 *   process_manager worker K     (what each worker runs: returns 100000 + K)
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKERS 8

int main(int argc, char *argv[])
{
    PROCESS_INFORMATION pi[MAX_WORKERS];
    HANDLE hProcs[MAX_WORKERS];
    STARTUPINFOA si;
    char cmd[512];
    DWORD code, n = 3, i, r;

    if (argc == 3 && strcmp(argv[1], "worker") == 0)
        return 100000 + atoi(argv[2]);
    if (argc == 2)
        n = (DWORD)atoi(argv[1]);
    if (n < 1 || n > MAX_WORKERS) {
        fprintf(stderr, "usage: process_manager [1..%d]\n", MAX_WORKERS);
        return 2;
    }

    for (i = 0; i < n; i++) {
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        snprintf(cmd, sizeof cmd, "\"%s\" worker %u", argv[0], (unsigned)(i + 1));
        if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_SUSPENDED, NULL, NULL, &si,
                            &pi[i])) {
            printf("CreateProcess failed with error %u\n", (unsigned)GetLastError());
            return 1;
        }
        hProcs[i] = pi[i].hProcess;
        printf("Worker %u created suspended\n", (unsigned)(i + 1));
    }
    /* Nobody has run yet: every worker is still active. */
    for (i = 0; i < n; i++) {
        GetExitCodeProcess(pi[i].hProcess, &code);
        printf("Worker %u: %s\n", (unsigned)(i + 1),
               code == STILL_ACTIVE ? "still suspended" : "already ran?!");
    }
    for (i = 0; i < n; i++) {
        DWORD prev = ResumeThread(pi[i].hThread);
        printf("Worker %u resumed (suspend count was %u)\n", (unsigned)(i + 1), (unsigned)prev);
        /* One at a time, so the output order is fixed. */
        WaitForSingleObject(pi[i].hProcess, INFINITE);
    }
    r = WaitForMultipleObjects(n, hProcs, TRUE, INFINITE);
    if (r >= WAIT_OBJECT_0 + n) {
        printf("WaitForMultipleObjects failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    for (i = 0; i < n; i++) {
        GetExitCodeProcess(pi[i].hProcess, &code);
        printf("Worker %u exited with %u\n", (unsigned)(i + 1), (unsigned)code);
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
    return 0;
}
