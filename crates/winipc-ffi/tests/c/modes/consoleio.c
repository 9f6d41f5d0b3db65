/*
 * consoleio.c - console I/O on a terminal (a pseudo-terminal made here) and on redirected
 * handles: WriteConsoleA/W, ReadConsoleA/W (lines end with "\r\n"; a line longer than the
 * buffer is handed out in parts), GetConsoleMode/SetConsoleMode, SetConsoleCtrlHandler
 * (SIGINT -> CTRL_C_EVENT on another thread, most recent handler first, NULL to ignore),
 * MessageBox's console stand-in.
 */
#ifndef _GNU_SOURCE
#  define _GNU_SOURCE /* posix_openpt, ptsname */
#endif
#include <windows.h>
#include <tchar.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "harness.h"

static int g_master = -1;

/* What the terminal shows (the master side), up to `n` bytes within 1 s. */
static int drain(char *buf, int n)
{
    int got = 0, tries;
    for (tries = 0; tries < 100 && got < n - 1; tries++) {
        int r = (int)read(g_master, buf + got, (size_t)(n - 1 - got));
        if (r > 0)
            got += r;
        else if (got > 0)
            break;
        else
            Sleep(10);
    }
    buf[got] = 0;
    return got;
}

static volatile LONG g_calls[2];
static volatile DWORD g_type = 0xFFFF, g_handler_tid;
static volatile LONG g_order;
static HANDLE g_called;

static BOOL WINAPI Handler1(DWORD type)
{
    g_type = type;
    g_handler_tid = GetCurrentThreadId();
    InterlockedIncrement(&g_calls[0]);
    g_order = g_order * 10 + 1;
    SetEvent(g_called);
    return TRUE;
}

static BOOL WINAPI Handler2(DWORD type)
{
    (void)type;
    InterlockedIncrement(&g_calls[1]);
    g_order = g_order * 10 + 2;
    return FALSE; /* pass it on */
}

/* The child: started with SIGINT ignored, so Ctrl+C is ignored until (NULL, FALSE). */
static int ignoring_child(void)
{
    int r = 0;
    g_called = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (!SetConsoleCtrlHandler(Handler1, TRUE))
        return 10;
    raise(SIGINT);
    if (WaitForSingleObject(g_called, 200) != WAIT_TIMEOUT)
        r |= 1;
    if (!SetConsoleCtrlHandler(NULL, FALSE))
        return 11;
    raise(SIGINT);
    if (WaitForSingleObject(g_called, 5000) != WAIT_OBJECT_0)
        r |= 2;
    return r;
}

/* The child of CREATE_NEW_PROCESS_GROUP: it leads its own group, Ctrl+C is ignored there,
   Ctrl+Break reaches its handler. */
static int group_child(const char *ready_name)
{
    int r = 0;
    HANDLE ready = OpenEventA(EVENT_MODIFY_STATE, FALSE, ready_name);
    if (!ready)
        return 20;
    g_called = CreateEvent(NULL, FALSE, FALSE, NULL);
    if (getpgrp() != getpid())
        r |= 4;
    if (!SetConsoleCtrlHandler(Handler1, TRUE))
        return 21;
    SetEvent(ready);
    /* The parent sends Ctrl+C first (ignored here), then Ctrl+Break. */
    if (WaitForSingleObject(g_called, 10000) != WAIT_OBJECT_0)
        return r | 1;
    if (g_type != CTRL_BREAK_EVENT)
        r |= 2;
    if (g_calls[0] != 1)
        r |= 8;
    return r;
}

int main(int argc, char **argv)
{
    static const WCHAR wtext[] = {'h', 0xE9, '\n', 0};
    HANDLE out, in;
    DWORD n, mode, mode_in_before, modes[8];
    BOOL ok[16];
    char shown[256], buf[64];
    WCHAR wbuf[16];
    int saved0, saved1, slave, i;

    if (argc > 2 && strcmp(argv[1], "group") == 0)
        return group_child(argv[2]);
    if (argc > 1)
        return ignoring_child();
    (void)argv;

    /* Redirected handles (the suite pipes stdout and stdin): not a console. */
    out = GetStdHandle(STD_OUTPUT_HANDLE);
    in = GetStdHandle(STD_INPUT_HANDLE);
    if (!isatty(1)) {
        CHECK_FAIL(WriteConsoleA(out, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(GetConsoleMode(out, &mode), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(SetConsoleMode(out, 0), FALSE, ERROR_INVALID_HANDLE);
    }
    if (!isatty(0))
        CHECK_FAIL(ReadConsoleA(in, buf, sizeof buf, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(WriteConsoleA(NULL, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    if (!isatty(1)) {
        CONSOLE_SCREEN_BUFFER_INFO csbi;
        CHECK_FAIL(GetConsoleScreenBufferInfo(out, &csbi), FALSE, ERROR_INVALID_HANDLE);
        CHECK_FAIL(SetConsoleTextAttribute(out, FOREGROUND_RED), FALSE, ERROR_INVALID_HANDLE);
    }
    /* Code pages: UTF-8 at first; a known one is kept, an unknown one refused. */
    CHECK_EQ(GetConsoleOutputCP(), CP_UTF8);
    CHECK_EQ(GetConsoleCP(), CP_UTF8);
    CHECK_OK(SetConsoleOutputCP(437));
    CHECK_EQ(GetConsoleOutputCP(), 437);
    CHECK_OK(SetConsoleOutputCP(CP_UTF8));
    CHECK_OK(SetConsoleCP(CP_UTF8));
    CHECK_FAIL(SetConsoleOutputCP(12345), FALSE, ERROR_INVALID_PARAMETER);
    CHECK(GetConsoleWindow() == NULL);
    {
        HANDLE ev = CreateEvent(NULL, FALSE, FALSE, NULL);
        CHECK_FAIL(WriteConsoleA(ev, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
        CloseHandle(ev);
    }

    /* A terminal: standard input and output on a pseudo-terminal's slave side. */
    g_master = posix_openpt(O_RDWR | O_NOCTTY);
    CHECK(g_master >= 0);
    if (g_master < 0 || grantpt(g_master) || unlockpt(g_master))
        return SUMMARY();
    slave = open(ptsname(g_master), O_RDWR | O_NOCTTY);
    CHECK(slave >= 0);
    fcntl(g_master, F_SETFL, O_NONBLOCK);
    fflush(stdout);
    saved0 = dup(0);
    saved1 = dup(1);
    dup2(slave, 0);
    dup2(slave, 1);

    /* Output: bytes as given; WCHARs as UTF-8; counts in characters. */
    ok[0] = WriteConsoleA(out, "hello\n", 6, &n, NULL);
    modes[0] = n;
    ok[1] = WriteConsoleW(out, wtext, 3, &n, NULL);
    modes[1] = n;
    ok[2] = WriteConsole(out, TEXT("t"), 1, NULL, NULL);
    {
        /* U+1F600 one WCHAR at a time, as character-by-character output does. */
        static const WCHAR pair[] = {0xD83D, 0xDE00};
        ok[9] = WriteConsoleW(out, &pair[0], 1, &n, NULL) && n == 1 &&
                WriteConsoleW(out, &pair[1], 1, &n, NULL) && n == 1;
    }
    ok[3] = GetConsoleMode(out, &modes[2]);
    ok[4] = SetConsoleMode(out, modes[2] | ENABLE_VIRTUAL_TERMINAL_PROCESSING);
    SetLastError(0);
    ok[5] = !SetConsoleMode(out, 0x100) && GetLastError() == ERROR_INVALID_PARAMETER;

    /* Input modes are the terminal's. */
    ok[6] = GetConsoleMode(in, &mode_in_before);
    SetLastError(0);
    ok[7] = !SetConsoleMode(in, ENABLE_ECHO_INPUT) && GetLastError() == ERROR_INVALID_PARAMETER;
    ok[8] = SetConsoleMode(in, ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);
    GetConsoleMode(in, &modes[3]);

    dup2(saved1, 1); /* the harness prints again */
    drain(shown, sizeof shown);
    CHECK(ok[0]);
    CHECK_EQ(modes[0], 6);
    CHECK(ok[1]);
    CHECK_EQ(modes[1], 3);
    CHECK(ok[2]);
    CHECK(strstr(shown, "hello") != NULL);
    CHECK(strstr(shown, "h\xC3\xA9") != NULL);
    CHECK(strchr(shown, 't') != NULL);
    CHECK(ok[9]);
    CHECK(strstr(shown, "\xF0\x9F\x98\x80") != NULL);
    CHECK(ok[3]);
    CHECK_EQ(modes[2] & (ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT),
             ENABLE_PROCESSED_OUTPUT | ENABLE_WRAP_AT_EOL_OUTPUT);
    CHECK(ok[4]);
    CHECK(ok[5]);
    CHECK(ok[6]);
    CHECK_EQ(mode_in_before & (ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT),
             ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT);
    CHECK(ok[7]);
    CHECK(ok[8]);
    CHECK_EQ(modes[3] & (ENABLE_LINE_INPUT | ENABLE_ECHO_INPUT | ENABLE_PROCESSED_INPUT),
             ENABLE_LINE_INPUT | ENABLE_PROCESSED_INPUT);

    /* Reading lines: "\r\n" at the end, as on Windows; a long line in parts. */
    CHECK_EQ(write(g_master, "abc\n", 4), 4);
    memset(buf, 0, sizeof buf);
    CHECK_OK(ReadConsoleA(in, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 5);
    CHECK(memcmp(buf, "abc\r\n", 5) == 0);
    CHECK_EQ(write(g_master, "x\xC3\xA9\n", 4), 4);
    CHECK_OK(ReadConsoleW(in, wbuf, 16, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK(wbuf[0] == 'x' && wbuf[1] == 0xE9 && wbuf[2] == '\r' && wbuf[3] == '\n');
    CHECK_EQ(write(g_master, "123456\n", 7), 7);
    CHECK_OK(ReadConsoleA(in, buf, 4, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK(memcmp(buf, "1234", 4) == 0);
    CHECK_OK(ReadConsoleA(in, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK(memcmp(buf, "56\r\n", 4) == 0);
    /* FlushConsoleInputBuffer drops what was typed and not read. */
    CHECK_EQ(write(g_master, "junk\n", 5), 5);
    Sleep(100);
    CHECK_OK(FlushConsoleInputBuffer(in));
    CHECK_EQ(write(g_master, "ok\n", 3), 3);
    CHECK_OK(ReadConsoleA(in, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 4);
    CHECK(memcmp(buf, "ok\r\n", 4) == 0);
    CHECK_FAIL(FlushConsoleInputBuffer(out), FALSE, ERROR_INVALID_HANDLE);
    /* Without line input: one key at a time. */
    CHECK_OK(SetConsoleMode(in, ENABLE_PROCESSED_INPUT));
    CHECK_EQ(write(g_master, "z", 1), 1);
    CHECK_OK(ReadConsoleA(in, buf, sizeof buf, &n, NULL));
    CHECK_EQ(n, 1);
    CHECK_EQ(buf[0], 'z');
    CHECK_OK(SetConsoleMode(in, mode_in_before));
    /* Directions: no reading from an output handle, no writing to an input handle. */
    CHECK_FAIL(ReadConsoleA(out, buf, sizeof buf, &n, NULL), FALSE, ERROR_INVALID_HANDLE);
    CHECK_FAIL(WriteConsoleA(in, "x", 1, &n, NULL), FALSE, ERROR_INVALID_HANDLE);

    /* CONIN$ and CONOUT$ (the controlling terminal: make the pseudo-terminal ours). */
    signal(SIGHUP, SIG_IGN); /* closing the master below hangs the session up */
    if (setsid() >= 0 && ioctl(slave, TIOCSCTTY, 0) == 0) {
        HANDLE conin = CreateFile(TEXT("CONIN$"), GENERIC_READ | GENERIC_WRITE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0,
                                  NULL);
        HANDLE conout = CreateFile(TEXT("CONOUT$"), GENERIC_READ | GENERIC_WRITE,
                                   FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0,
                                   NULL);
        CHECK(conin != INVALID_HANDLE_VALUE);
        CHECK(conout != INVALID_HANDLE_VALUE);
        CHECK_OK(GetConsoleMode(conin, &mode));
        CHECK(mode & ENABLE_LINE_INPUT);
        /* Reading a password: echo off, then back on. */
        CHECK_OK(SetConsoleMode(conin, mode & ~ENABLE_ECHO_INPUT));
        CHECK_OK(GetConsoleMode(in, &modes[4]));
        CHECK_EQ(modes[4] & ENABLE_ECHO_INPUT, 0);
        CHECK_OK(SetConsoleMode(conin, mode));
        CHECK_OK(GetConsoleMode(conout, &modes[5]));
        CHECK(modes[5] & ENABLE_PROCESSED_OUTPUT);
        CHECK_OK(WriteConsoleA(conout, "via CONOUT$\n", 12, &n, NULL));
        CHECK_EQ(n, 12);
        drain(shown, sizeof shown);
        CHECK(strstr(shown, "via CONOUT$") != NULL);
        CHECK_FAIL(ReadConsoleA(conout, buf, sizeof buf, &n, NULL), FALSE,
                   ERROR_INVALID_HANDLE);
        /* Colours and the screen buffer: the terminal's size, the attribute set last. */
        {
            struct winsize ws;
            CONSOLE_SCREEN_BUFFER_INFO csbi;
            memset(&ws, 0, sizeof ws);
            ws.ws_col = 100;
            ws.ws_row = 30;
            CHECK_EQ(ioctl(g_master, TIOCSWINSZ, &ws), 0);
            CHECK_OK(SetConsoleTextAttribute(conout, FOREGROUND_RED | FOREGROUND_INTENSITY |
                                                      BACKGROUND_BLUE));
            CHECK_OK(GetConsoleScreenBufferInfo(conout, &csbi));
            CHECK_EQ(csbi.dwSize.X, 100);
            CHECK_EQ(csbi.dwSize.Y, 30);
            CHECK_EQ(csbi.srWindow.Right, 99);
            CHECK_EQ(csbi.srWindow.Bottom, 29);
            CHECK_EQ(csbi.wAttributes, FOREGROUND_RED | FOREGROUND_INTENSITY | BACKGROUND_BLUE);
            CHECK_OK(SetConsoleTextAttribute(conout, FOREGROUND_RED | FOREGROUND_GREEN |
                                                      FOREGROUND_BLUE));
            drain(shown, sizeof shown);
            CHECK(strstr(shown, "\x1b[0;91;44m") != NULL);
            CHECK(strstr(shown, "\x1b[0;37;40m") != NULL);
            CHECK_FAIL(GetConsoleScreenBufferInfo(conin, &csbi), FALSE, ERROR_INVALID_HANDLE);
        }
        CloseHandle(conin);
        CloseHandle(conout);
    } else {
        CHECK(!"setsid/TIOCSCTTY failed");
    }
    dup2(saved0, 0);
    close(saved0);
    close(saved1);
    close(slave);
    close(g_master);

    /* Control handlers: on a thread of their own, the most recent first. (Ctrl+C is not
       ignored by whoever started this test: that would be inherited, as on Windows.) */
    signal(SIGINT, SIG_DFL);
    g_called = CreateEvent(NULL, FALSE, FALSE, NULL);
    CHECK_OK(SetConsoleCtrlHandler(Handler1, TRUE));
    raise(SIGINT);
    CHECK_EQ(WaitForSingleObject(g_called, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_type, CTRL_C_EVENT);
    CHECK(g_handler_tid != 0 && g_handler_tid != GetCurrentThreadId());
    CHECK_OK(SetConsoleCtrlHandler(Handler2, TRUE));
    g_order = 0;
    raise(SIGINT);
    CHECK_EQ(WaitForSingleObject(g_called, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_order, 21);
    CHECK_OK(SetConsoleCtrlHandler(Handler2, FALSE));
    CHECK_FAIL(SetConsoleCtrlHandler(Handler2, FALSE), FALSE, ERROR_INVALID_PARAMETER);
    /* Ctrl+C ignored, then restored. */
    CHECK_OK(SetConsoleCtrlHandler(NULL, TRUE));
    raise(SIGINT);
    CHECK_EQ(WaitForSingleObject(g_called, 200), WAIT_TIMEOUT);
    CHECK_OK(SetConsoleCtrlHandler(NULL, FALSE));
    raise(SIGINT);
    CHECK_EQ(WaitForSingleObject(g_called, 5000), WAIT_OBJECT_0);
    /* Ctrl+Break (SIGQUIT) reaches the handlers too. */
    raise(SIGQUIT);
    CHECK_EQ(WaitForSingleObject(g_called, 5000), WAIT_OBJECT_0);
    CHECK_EQ(g_type, CTRL_BREAK_EVENT);
    CHECK_EQ(g_calls[0], 4);
    CHECK_EQ(g_calls[1], 1);
    CHECK_OK(SetConsoleCtrlHandler(Handler1, FALSE));
    CloseHandle(g_called);

    /* Ctrl+C ignored by the parent is ignored by the child, as Windows' inherited flag. */
    {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char self[512], cmd[600];
        DWORD code = 99, len = GetModuleFileNameA(NULL, self, sizeof self);
        CHECK(len > 0 && len < sizeof self);
        snprintf(cmd, sizeof cmd, "\"%s\" child", self);
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        signal(SIGINT, SIG_IGN);
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        signal(SIGINT, SIG_DFL);
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
    }

    /* A new process group: GenerateConsoleCtrlEvent reaches it by the child's process id;
       Ctrl+C is disabled there, Ctrl+Break is not. */
    {
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        char self[512], cmd[700], ready_name[160];
        DWORD code = 99, len = GetModuleFileNameA(NULL, self, sizeof self);
        HANDLE ready;
        CHECK(len > 0 && len < sizeof self);
        snprintf(ready_name, sizeof ready_name, "Local\\%s", uniq("ctrlgroup"));
        ready = CreateEventA(NULL, FALSE, FALSE, ready_name);
        CHECK(ready != NULL);
        snprintf(cmd, sizeof cmd, "\"%s\" group %s", self, ready_name);
        memset(&si, 0, sizeof si);
        si.cb = sizeof si;
        CHECK_OK(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, CREATE_NEW_PROCESS_GROUP, NULL,
                                NULL, &si, &pi));
        CHECK_EQ(WaitForSingleObject(ready, 10000), WAIT_OBJECT_0);
        CHECK_OK(GenerateConsoleCtrlEvent(CTRL_C_EVENT, pi.dwProcessId));
        Sleep(200);
        CHECK_OK(GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pi.dwProcessId));
        CHECK_EQ(WaitForSingleObject(pi.hProcess, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi.hProcess, &code));
        CHECK_EQ(code, 0);
        CloseHandle(pi.hThread);
        CloseHandle(pi.hProcess);
        CloseHandle(ready);
        CHECK_FAIL(GenerateConsoleCtrlEvent(7, 0), FALSE, ERROR_INVALID_PARAMETER);
        CHECK_FAIL(GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, 0x7FFFFFF0), FALSE,
                   ERROR_INVALID_PARAMETER);
    }

    /* MessageBox without windows: the default button. */
    i = MessageBox(NULL, TEXT("text"), TEXT("caption"), MB_OK);
    CHECK_EQ(i, IDOK);
    i = MessageBox(NULL, TEXT("text"), NULL, MB_YESNO | MB_DEFBUTTON2);
    CHECK_EQ(i, IDNO);
    return SUMMARY();
}
