/*
 * proc_list.c - a process lister and "kill by name" in the Tool Help style:
 * lists every process with its parent and thread count, then starts two
 * copies of itself as sleepers and terminates the processes with its name
 * (only its own children, so that a copy run elsewhere is left alone).
 *
 *   proc_list            (list, then kill the sleepers; prints a summary)
 *   proc_list -l         (only the list)
 *   proc_list sleep      (what a sleeper runs)
 */
#include <windows.h>
#include <tlhelp32.h>
#include <stdio.h>
#include <string.h>

static int KillByName(const char *name)
{
    HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32 pe;
    int killed = 0;
    BOOL more;

    if (snap == INVALID_HANDLE_VALUE)
        return -1;
    pe.dwSize = sizeof pe;
    for (more = Process32First(snap, &pe); more; more = Process32Next(snap, &pe)) {
        HANDLE h;
        if (strcmp(pe.szExeFile, name) != 0 || pe.th32ProcessID == GetCurrentProcessId() ||
            pe.th32ParentProcessID != GetCurrentProcessId())
            continue;
        h = OpenProcess(PROCESS_TERMINATE | SYNCHRONIZE, FALSE, pe.th32ProcessID);
        if (h == NULL)
            continue;
        if (TerminateProcess(h, 9)) {
            WaitForSingleObject(h, INFINITE);
            killed++;
        }
        CloseHandle(h);
    }
    CloseHandle(snap);
    return killed;
}

int main(int argc, char *argv[])
{
    HANDLE snap;
    PROCESSENTRY32 pe;
    STARTUPINFOA si;
    PROCESS_INFORMATION pi[2];
    char cmd[512], me[MAX_PATH] = "";
    int i, listed = 0, found_self = 0, list = argc == 2 && strcmp(argv[1], "-l") == 0;
    BOOL more;

    if (argc == 2 && strcmp(argv[1], "sleep") == 0) {
        Sleep(60000);
        return 0;
    }
    snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    if (snap == INVALID_HANDLE_VALUE) {
        printf("CreateToolhelp32Snapshot failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    pe.dwSize = sizeof pe;
    for (more = Process32First(snap, &pe); more; more = Process32Next(snap, &pe)) {
        listed++;
        if (pe.th32ProcessID == GetCurrentProcessId()) {
            found_self = 1;
            strcpy(me, pe.szExeFile);
        }
        if (list)
            printf("%7u %7u %4u  %s\n", (unsigned)pe.th32ProcessID,
                   (unsigned)pe.th32ParentProcessID, (unsigned)pe.cntThreads, pe.szExeFile);
    }
    CloseHandle(snap);
    if (list)
        return 0;
    printf("listed %s processes; this one %s\n", listed > 1 ? "several" : "too few",
           found_self ? "among them" : "missing");

    for (i = 0; i < 2; i++) {
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        snprintf(cmd, sizeof cmd, "\"%s\" sleep", argv[0]);
        if (!CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi[i])) {
            printf("CreateProcess failed with error %u\n", (unsigned)GetLastError());
            return 1;
        }
    }
    Sleep(100); /* let them exec */
    printf("killed %d process(es) named like this one\n", KillByName(me));
    for (i = 0; i < 2; i++) {
        DWORD code;
        WaitForSingleObject(pi[i].hProcess, INFINITE);
        GetExitCodeProcess(pi[i].hProcess, &code);
        printf("sleeper %d exited with %u\n", i + 1, (unsigned)code);
        CloseHandle(pi[i].hProcess);
        CloseHandle(pi[i].hThread);
    }
    return 0;
}
