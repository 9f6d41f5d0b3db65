/*
 * tgrep.c - a tiny grep: prints the lines of the file (or of standard input) that contain
 * the pattern; with several files, prefixed by the file name. Exit code 0 if a line
 * matched, 1 if none, 2 on error. Uses the Win32 file API, not stdio, for the input.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <string.h>

static int GrepHandle(HANDLE h, const char *pattern, const char *prefix)
{
    char buf[4096], line[1024];
    DWORD n, i, len = 0;
    int matched = 0;

    while (ReadFile(h, buf, sizeof(buf), &n, NULL) && n > 0) {
        for (i = 0; i < n; i++) {
            if (buf[i] != '\n') {
                if (len < sizeof(line) - 1)
                    line[len++] = buf[i];
                continue;
            }
            line[len] = 0;
            if (strstr(line, pattern)) {
                printf("%s%s\n", prefix, line);
                matched = 1;
            }
            len = 0;
        }
    }
    return matched;
}

int main(int argc, char *argv[])
{
    int i, matched = 0;
    char prefix[MAX_PATH + 2];

    if (argc < 2) {
        fprintf(stderr, "usage: tgrep pattern [file...]\n");
        return 2;
    }
    if (argc == 2)
        return GrepHandle(GetStdHandle(STD_INPUT_HANDLE), argv[1], "") ? 0 : 1;
    for (i = 2; i < argc; i++) {
        HANDLE h = CreateFileA(argv[i], GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                               FILE_ATTRIBUTE_NORMAL, NULL);
        if (h == INVALID_HANDLE_VALUE) {
            fprintf(stderr, "tgrep: %s: error %u\n", argv[i], (unsigned)GetLastError());
            return 2;
        }
        prefix[0] = 0;
        if (argc > 3)
            snprintf(prefix, sizeof(prefix), "%s:", argv[i]);
        matched |= GrepHandle(h, argv[1], prefix);
        CloseHandle(h);
    }
    return matched ? 0 : 1;
}
