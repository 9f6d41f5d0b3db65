/*
 * CtrlChild.c - a background job for JobShell: installs a console control handler, prints
 * "ready" to the file named by argv[1] (and then sleeps); a Ctrl+Break ends it with exit
 * code 3, a Ctrl+C (when not ignored) with 2.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static volatile LONG gSignal;

static BOOL WINAPI Handler(DWORD dwCtrlType)
{
    switch (dwCtrlType) {
    case CTRL_C_EVENT:
        InterlockedExchange(&gSignal, 2);
        return TRUE;
    case CTRL_BREAK_EVENT:
        InterlockedExchange(&gSignal, 3);
        return TRUE;
    default:
        return FALSE;
    }
}

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE h;
    DWORD n, i;

    if (!SetConsoleCtrlHandler(Handler, TRUE))
        return 10;
    if (argc > 1) {
        h = CreateFile(argv[1], GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
        WriteFile(h, "ready", 5, &n, NULL);
        CloseHandle(h);
    }
    for (i = 0; i < 600 && gSignal == 0; i++)
        Sleep(50);
    return gSignal;
}
