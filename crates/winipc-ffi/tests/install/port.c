/* A Win32 program as it is written for Windows (`#include <Windows.h>`), built against an
 * installed libwinipc: by tests/install.rs with `pkg-config --cflags --libs winipc`, and
 * (as port.cpp) by the CMake project beside it. It creates a mailslot and an event, writes
 * to the slot, waits for both, and prints what it saw. */
#include <Windows.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    char name[128];
    char buf[64];
    DWORD n = 0, written = 0;
    HANDLE slot, writer, ev, objs[2];

    if (argc < 2) {
        fprintf(stderr, "usage: %s UNIQUE-NAME\n", argv[0]);
        return 2;
    }
#ifndef WINIPC_VERSION
#error "WINIPC_VERSION is not defined by windows.h"
#endif
    printf("winipc %s\n", WINIPC_VERSION);

    snprintf(name, sizeof name, "\\\\.\\mailslot\\%s", argv[1]);
    slot = CreateMailslotA(name, 0, MAILSLOT_WAIT_FOREVER, NULL);
    if (slot == INVALID_HANDLE_VALUE) {
        printf("CreateMailslot failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    writer = CreateFileA(name, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING,
                         FILE_ATTRIBUTE_NORMAL, NULL);
    if (writer == INVALID_HANDLE_VALUE
        || !WriteFile(writer, "hello", 5, &written, NULL) || written != 5) {
        printf("write failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    ev = CreateEventA(NULL, TRUE, TRUE, NULL);
    objs[0] = ev;
    objs[1] = slot;
    if (WaitForMultipleObjects(2, objs, TRUE, 5000) != WAIT_OBJECT_0) {
        printf("wait failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    if (!ReadFile(slot, buf, sizeof buf, &n, NULL)) {
        printf("ReadFile failed: %lu\n", (unsigned long)GetLastError());
        return 1;
    }
    printf("read %lu bytes: %.*s\n", (unsigned long)n, (int)n, buf);
    CloseHandle(ev);
    CloseHandle(writer);
    CloseHandle(slot);
    return 0;
}
