/*
 * filemapping.c - named shared memory as the Win32 documentation's "Creating Named Shared
 * Memory" teaches it: one process creates a mapping backed by the paging file and writes a
 * message through a view, another opens it by name and reads it; plus a mapping guarded by a
 * named mutex incremented by several processes, views that outlive their handle, a mapping
 * of a real file, inheritance, and Windows' errors.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

#define BUF_SIZE 256

static const char *g_self;

static DWORD Run(const char *args, BOOL inherit)
{
    char line[512];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xDEADBEEF;
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, line, NULL, NULL, inherit, 0, NULL, NULL, &si, &pi))
        return code;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

/* The documentation's second process: opens the mapping, reads the message. */
static int child(int argc, char **argv)
{
    if (!strcmp(argv[1], "read") && argc == 3) {
        HANDLE map = OpenFileMappingA(FILE_MAP_ALL_ACCESS, FALSE, argv[2]);
        LPCSTR buf;
        if (map == NULL)
            return 10 + (int)GetLastError();
        buf = (LPCSTR)MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
        if (buf == NULL)
            return 20;
        if (strcmp(buf, "Message from first process."))
            return 30;
        UnmapViewOfFile(buf);
        CloseHandle(map);
        return 77;
    }
    if (!strcmp(argv[1], "count") && argc == 4) {
        /* Adds 1000 to a counter in shared memory, under a named mutex. */
        HANDLE map = OpenFileMappingA(FILE_MAP_WRITE, FALSE, argv[2]);
        HANDLE mtx = OpenMutexA(SYNCHRONIZE, FALSE, argv[3]);
        volatile LONG *counter;
        int i;
        if (!map || !mtx)
            return 11;
        counter = (volatile LONG *)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, sizeof(LONG));
        if (!counter)
            return 21;
        for (i = 0; i < 1000; i++) {
            WaitForSingleObject(mtx, INFINITE);
            *counter = *counter + 1;
            ReleaseMutex(mtx);
        }
        return 77;
    }
    if (!strcmp(argv[1], "inherited") && argc == 3) {
        HANDLE map = (HANDLE)(ULONG_PTR)strtoull(argv[2], NULL, 0);
        char *p = (char *)MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
        if (!p)
            return 12;
        return p[0] == 'I' ? 77 : 31;
    }
    return 99;
}

int main(int argc, char **argv)
{
    char name[64], mname[64], args[256];
    HANDLE map, map2, mtx, ev, f;
    LPSTR buf;
    LONG *counter;
    SYSTEM_INFO si;
    SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
    TCHAR tname[64];
    DWORD n;
    char path[MAX_PATH];
    int i;

    g_self = argv[0];
    if (argc > 1)
        return child(argc, argv);
    snprintf(name, sizeof name, "%s", uniq("map"));
    snprintf(mname, sizeof mname, "%s", uniq("mapmtx"));

    /* ---- the documented pair of processes ---- */
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, BUF_SIZE, name);
    CHECK_OK(map != NULL);
    CHECK_EQ(GetLastError(), 0);
    buf = (LPSTR)MapViewOfFile(map, FILE_MAP_ALL_ACCESS, 0, 0, BUF_SIZE);
    CHECK_OK(buf != NULL);
    CopyMemory(buf, "Message from first process.", sizeof "Message from first process.");
    snprintf(args, sizeof args, "read %s", name);
    CHECK_EQ(Run(args, FALSE), 77);

    /* The same name again: the existing mapping, ERROR_ALREADY_EXISTS. */
    map2 = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 1, name);
    CHECK(map2 != NULL && GetLastError() == ERROR_ALREADY_EXISTS);
    CHECK(CloseHandle(map2));

    /* A view keeps the mapping, and its name, alive after CloseHandle. */
    CHECK(CloseHandle(map));
    CHECK_EQ(Run(args, FALSE), 77);
    CHECK(UnmapViewOfFile(buf));
    CHECK_EQ(Run(args, FALSE), 10 + ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(UnmapViewOfFile(buf), FALSE, ERROR_INVALID_ADDRESS);

    /* ---- a counter shared by four processes under a named mutex ---- */
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
    mtx = CreateMutexA(NULL, FALSE, mname);
    CHECK(map && mtx);
    counter = (LONG *)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(counter != NULL && *counter == 0);
    {
        PROCESS_INFORMATION pi[4];
        STARTUPINFOA st;
        char line[512];
        HANDLE procs[4];
        snprintf(line, sizeof line, "\"%s\" count %s %s", g_self, name, mname);
        ZeroMemory(&st, sizeof st);
        st.cb = sizeof st;
        for (i = 0; i < 4; i++) {
            CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &st, &pi[i]));
            procs[i] = pi[i].hProcess;
        }
        CHECK_EQ(WaitForMultipleObjects(4, procs, TRUE, 30000), WAIT_OBJECT_0);
        for (i = 0; i < 4; i++) {
            DWORD code = 0;
            GetExitCodeProcess(pi[i].hProcess, &code);
            CHECK_EQ(code, 77);
            CloseHandle(pi[i].hProcess);
            CloseHandle(pi[i].hThread);
        }
    }
    CHECK_EQ(*counter, 4000);
    CHECK(FlushViewOfFile(counter + 1, 0)); /* any address inside the view */
    CHECK(UnmapViewOfFile((char *)counter + 100));
    CHECK(CloseHandle(map));
    CHECK(CloseHandle(mtx));

    /* ---- inheritance ---- */
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, &sa, PAGE_READWRITE, 0, 4096, NULL);
    buf = (LPSTR)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(buf != NULL);
    buf[0] = 'I';
    snprintf(args, sizeof args, "inherited %llu", (unsigned long long)(ULONG_PTR)map);
    CHECK_EQ(Run(args, TRUE), 77);
    UnmapViewOfFile(buf);
    CloseHandle(map);

    /* ---- a mapping of a real file ---- */
    GetTempPathA(sizeof path, path);
    strncat(path, uniq("mapfile"), sizeof path - strlen(path) - 1);
    f = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(f != INVALID_HANDLE_VALUE);
    CHECK(WriteFile(f, "hello", 5, &n, NULL) && n == 5);
    map = CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL);
    CHECK_OK(map != NULL);
    buf = (LPSTR)MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0);
    CHECK(buf != NULL && buf[0] == 'h');
    buf[0] = 'j';
    CHECK(FlushViewOfFile(buf, 0));
    CHECK(UnmapViewOfFile(buf));
    CloseHandle(map);
    SetFilePointer(f, 0, NULL, FILE_BEGIN);
    CHECK(ReadFile(f, args, 5, &n, NULL) && n == 5 && !memcmp(args, "jello", 5));
    CloseHandle(f);
    /* A read-only file cannot back a read-write mapping. */
    f = CreateFileA(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    CHECK_FAIL(CreateFileMappingA(f, NULL, PAGE_READWRITE, 0, 0, NULL), NULL,
               ERROR_ACCESS_DENIED);
    map = CreateFileMappingA(f, NULL, PAGE_READONLY, 0, 0, NULL);
    CHECK(map != NULL);
    CHECK_FAIL(MapViewOfFile(map, FILE_MAP_WRITE, 0, 0, 0), NULL, ERROR_ACCESS_DENIED);
    buf = (LPSTR)MapViewOfFile(map, FILE_MAP_READ, 0, 0, 0);
    CHECK(buf != NULL && buf[1] == 'e');
    UnmapViewOfFile(buf);
    CloseHandle(map);
    CloseHandle(f);
    DeleteFileA(path);

    /* ---- errors ---- */
    CHECK_FAIL(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 0, NULL), NULL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, 0, 0, 4096, NULL), NULL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(OpenFileMappingA(FILE_MAP_READ, FALSE, uniq("nomap")), NULL,
               ERROR_FILE_NOT_FOUND);
    ev = CreateEventA(NULL, TRUE, FALSE, name);
    CHECK_FAIL(CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name),
               NULL, ERROR_INVALID_HANDLE);
    CloseHandle(ev);
    GetSystemInfo(&si);
    CHECK_EQ(si.dwAllocationGranularity, 65536);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 2 * 65536, NULL);
    CHECK_FAIL(MapViewOfFile(map, FILE_MAP_READ, 0, 4096, 16), NULL, ERROR_MAPPED_ALIGNMENT);
    CHECK_FAIL(MapViewOfFile(map, FILE_MAP_READ, 0, 65536, 65537), NULL, ERROR_ACCESS_DENIED);
    CHECK_FAIL(MapViewOfFile(map, 0, 0, 0, 0), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(WaitForSingleObject(map, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    buf = (LPSTR)MapViewOfFile(map, FILE_MAP_READ, 0, 65536, 0);
    CHECK(buf != NULL);
    CHECK(UnmapViewOfFile(buf));
    /* A handle opened for reading only cannot map for writing. */
    CloseHandle(map);
    map = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, name);
    map2 = OpenFileMappingA(FILE_MAP_READ, FALSE, name);
    CHECK(map2 != NULL);
    CHECK_FAIL(MapViewOfFile(map2, FILE_MAP_WRITE, 0, 0, 0), NULL, ERROR_ACCESS_DENIED);
    CloseHandle(map2);
    CloseHandle(map);
    /* The TCHAR spelling compiles in both modes. */
    {
        const char *t = uniq("tmap");
        for (i = 0; t[i] && i < 63; i++)
            tname[i] = (TCHAR)t[i];
        tname[i] = 0;
    }
    map = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READONLY, 0, 10, tname);
    CHECK(map != NULL);
    CHECK(OpenFileMapping(FILE_MAP_READ, FALSE, tname) != NULL);
    return SUMMARY();
}
