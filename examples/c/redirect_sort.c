/*
 * redirect_sort.c - runs the system's `sort` with its standard input and
 * output redirected to files (CreateFile + STARTF_USESTDHANDLES), the way
 * Windows textbooks redirect a child's I/O, then prints the sorted file.
 *
 *   redirect_sort WORD...        (sorts the words; default: a fixed list)
 */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static const char *const g_default[] = { "pear", "apple", "fig", "cherry", "banana" };

int main(int argc, char *argv[])
{
    SECURITY_ATTRIBUTES sa = { sizeof(SECURITY_ATTRIBUTES), NULL, TRUE };
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    char in_name[MAX_PATH], out_name[MAX_PATH], cmd[] = "sort", buf[4096];
    HANDLE hIn, hOut, hFile;
    DWORD n, code, i, count = (argc > 1) ? (DWORD)(argc - 1) : 5;

    snprintf(in_name, sizeof in_name, "redirect_sort_%u.in", (unsigned)GetCurrentProcessId());
    snprintf(out_name, sizeof out_name, "redirect_sort_%u.out", (unsigned)GetCurrentProcessId());

    /* The input file. */
    hFile = CreateFileA(in_name, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                        NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        printf("CreateFile failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    for (i = 0; i < count; i++) {
        const char *w = (argc > 1) ? argv[i + 1] : g_default[i];
        WriteFile(hFile, w, (DWORD)strlen(w), &n, NULL);
        WriteFile(hFile, "\n", 1, &n, NULL);
    }
    CloseHandle(hFile);

    /* Inheritable handles for the child's stdin and stdout. */
    hIn = CreateFileA(in_name, GENERIC_READ, FILE_SHARE_READ, &sa, OPEN_EXISTING,
                      FILE_ATTRIBUTE_NORMAL, NULL);
    hOut = CreateFileA(out_name, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL,
                       NULL);
    if (hIn == INVALID_HANDLE_VALUE || hOut == INVALID_HANDLE_VALUE) {
        printf("CreateFile failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    si.dwFlags = STARTF_USESTDHANDLES;
    si.hStdInput = hIn;
    si.hStdOutput = hOut;
    si.hStdError = GetStdHandle(STD_ERROR_HANDLE);
    if (!CreateProcessA(NULL, cmd, NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi)) {
        printf("CreateProcess failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    CloseHandle(hIn);
    CloseHandle(hOut);
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    printf("sort exited with %u; sorted:\n", (unsigned)code);

    hFile = CreateFileA(out_name, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                        FILE_ATTRIBUTE_NORMAL, NULL);
    if (hFile == INVALID_HANDLE_VALUE || !ReadFile(hFile, buf, sizeof buf - 1, &n, NULL)) {
        printf("reading the output failed with error %u\n", (unsigned)GetLastError());
        return 1;
    }
    buf[n] = 0;
    fputs(buf, stdout);
    CloseHandle(hFile);
    DeleteFileA(in_name);
    DeleteFileA(out_name);
    return code == 0 ? 0 : 1;
}
