/*
 * virtualmem.c - virtual memory as "Windows via C/C++" (chapter 15, the VMAlloc sample) and
 * "Windows System Programming" use it: reserve a large array, commit pages on demand, query
 * regions with VirtualQuery, change protections, decommit, release, lock pages; Windows'
 * errors for misuse; and a child process that faults reading reserved, uncommitted memory.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"
#include <sys/resource.h> /* the children that die of a signal leave no core file */

typedef struct {
    BOOL bInUse;
    BYTE bOtherData[2048 - sizeof(BOOL)];
} SOMEDATA;
#define MAX_SOMEDATA 50

static int child(char **argv)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (!strcmp(argv[1], "sleep")) {
        Sleep(30000);
        return 5;
    }
    if (!strcmp(argv[1], "fault")) {
        /* Reserved but not committed: reading it is an access violation. */
        volatile BYTE *p = (volatile BYTE *)VirtualAlloc(NULL, 65536, MEM_RESERVE,
                                                         PAGE_READWRITE);
        if (!p)
            return 10;
        printf("%d\n", p[100]);
        return 77;
    }
    if (!strcmp(argv[1], "readonly")) {
        DWORD old;
        volatile BYTE *p = (volatile BYTE *)VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_READWRITE);
        if (!p || !VirtualProtect((LPVOID)p, 4096, PAGE_READONLY, &old))
            return 10;
        p[0] = 1; /* faults */
        return 77;
    }
    return 2;
}

static DWORD RunChild(const char *self, const char *arg)
{
    char line[512];
    STARTUPINFOA si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xDEADBEEF;
    snprintf(line, sizeof line, "\"%s\" %s", self, arg);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return code;
    if (WaitForSingleObject(pi.hProcess, 20000) != WAIT_OBJECT_0)
        TerminateProcess(pi.hProcess, 0xBAD);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

int main(int argc, char **argv)
{
    SYSTEM_INFO sinf;
    MEMORY_BASIC_INFORMATION mbi;
    SOMEDATA *pData;
    BYTE *p, *q;
    DWORD old, code;
    SIZE_T n;
    int i;

    if (argc > 1)
        return child(argv);
    GetSystemInfo(&sinf);
    CHECK_EQ(sinf.dwAllocationGranularity, 65536);

    /* VMAlloc: reserve room for the array, commit one element's page on demand. */
    pData = (SOMEDATA *)VirtualAlloc(NULL, MAX_SOMEDATA * sizeof(SOMEDATA), MEM_RESERVE,
                                     PAGE_READWRITE);
    CHECK(pData != NULL);
    CHECK_EQ((ULONG_PTR)pData % sinf.dwAllocationGranularity, 0);
    n = VirtualQuery(pData, &mbi, sizeof mbi);
    CHECK_EQ(n, sizeof mbi);
    CHECK(mbi.BaseAddress == pData && mbi.AllocationBase == pData);
    CHECK_EQ(mbi.State, MEM_RESERVE);
    CHECK_EQ(mbi.Protect, 0);
    CHECK_EQ(mbi.AllocationProtect, PAGE_READWRITE);
    CHECK_EQ(mbi.Type, MEM_PRIVATE);
    CHECK_EQ(mbi.RegionSize, MAX_SOMEDATA * sizeof(SOMEDATA)); /* 100 KiB: a page multiple */
    /* Commit element 7: its page (and only it) becomes committed read-write and zeroed. */
    q = (BYTE *)VirtualAlloc(&pData[7], sizeof(SOMEDATA), MEM_COMMIT, PAGE_READWRITE);
    CHECK(q == (BYTE *)pData + ((7 * sizeof(SOMEDATA)) & ~(ULONG_PTR)(sinf.dwPageSize - 1)));
    CHECK_EQ(pData[7].bInUse, 0);
    pData[7].bInUse = TRUE;
    CHECK(VirtualQuery(&pData[7], &mbi, sizeof mbi) == sizeof mbi);
    CHECK(mbi.BaseAddress == q && mbi.AllocationBase == pData);
    CHECK_EQ(mbi.State, MEM_COMMIT);
    CHECK_EQ(mbi.Protect, PAGE_READWRITE);
    CHECK_EQ(mbi.RegionSize, sinf.dwPageSize);
    /* The region before it is still reserved, from the base. */
    CHECK(VirtualQuery(pData, &mbi, sizeof mbi) == sizeof mbi);
    CHECK_EQ(mbi.State, MEM_RESERVE);
    CHECK_EQ(mbi.RegionSize, (SIZE_T)(q - (BYTE *)pData));
    /* Committing again keeps the contents. */
    CHECK(VirtualAlloc(&pData[7], 1, MEM_COMMIT, PAGE_READWRITE) == q);
    CHECK_EQ(pData[7].bInUse, TRUE);
    /* Protection: read-only, old value out. */
    CHECK_OK(VirtualProtect(q, 1, PAGE_READONLY, &old));
    CHECK_EQ(old, PAGE_READWRITE);
    CHECK(VirtualQuery(q, &mbi, sizeof mbi) && mbi.Protect == PAGE_READONLY);
    CHECK_OK(VirtualProtect(q, 1, PAGE_READWRITE, &old));
    CHECK_EQ(old, PAGE_READONLY);
    CHECK_FAIL(VirtualProtect(pData, 1, PAGE_READWRITE, &old), FALSE, ERROR_INVALID_ADDRESS);
    CHECK_FAIL(VirtualProtect(q, 1, PAGE_READWRITE, NULL), FALSE, ERROR_NOACCESS);
    /* VirtualLock: committed pages only; unlock what was locked. */
    CHECK_OK(VirtualLock(q, 16));
    CHECK_OK(VirtualUnlock(q, 16));
    CHECK_FAIL(VirtualUnlock(q, 16), FALSE, ERROR_NOT_LOCKED);
    CHECK_FAIL(VirtualLock(pData, 16), FALSE, ERROR_NOACCESS);
    /* Decommit: back to reserved, contents gone on the next commit. */
    CHECK_OK(VirtualFree(&pData[7], sizeof(SOMEDATA), MEM_DECOMMIT));
    CHECK(VirtualQuery(q, &mbi, sizeof mbi) && mbi.State == MEM_RESERVE);
    CHECK(VirtualAlloc(q, 1, MEM_COMMIT, PAGE_READWRITE) == q);
    CHECK_EQ(pData[7].bInUse, 0);
    /* MEM_RESET keeps the pages committed. */
    CHECK(VirtualAlloc(q, sinf.dwPageSize, MEM_RESET, PAGE_READWRITE) == q);
    CHECK(VirtualQuery(q, &mbi, sizeof mbi) && mbi.State == MEM_COMMIT);
    CHECK_FAIL(VirtualAlloc(pData, 1, MEM_RESET, PAGE_READWRITE), NULL, ERROR_INVALID_ADDRESS);
    /* Releasing: the base, size 0, MEM_RELEASE only. */
    CHECK_FAIL(VirtualFree(pData, 4096, MEM_RELEASE), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualFree(q, 0, MEM_RELEASE), FALSE, ERROR_INVALID_ADDRESS);
    CHECK_FAIL(VirtualFree(pData, 0, MEM_RELEASE | MEM_DECOMMIT), FALSE,
               ERROR_INVALID_PARAMETER);
    CHECK_OK(VirtualFree(pData, 0, MEM_RELEASE));
    CHECK(VirtualQuery(pData, &mbi, sizeof mbi) == sizeof mbi);
    CHECK_EQ(mbi.State, MEM_FREE);
    CHECK_FAIL(VirtualFree(pData, 0, MEM_RELEASE), FALSE, ERROR_INVALID_ADDRESS);
    /* Committing outside any reservation fails. */
    CHECK_FAIL(VirtualAlloc(pData, 4096, MEM_COMMIT, PAGE_READWRITE), NULL,
               ERROR_INVALID_ADDRESS);

    /* MEM_RESERVE | MEM_COMMIT at once; a reservation at a chosen address is rounded down
     * to the allocation granularity. */
    p = (BYTE *)VirtualAlloc(NULL, 3 * 65536, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL);
    for (i = 0; i < 3 * 65536; i += 4096)
        CHECK(p[i] == 0);
    memset(p, 0x5A, 3 * 65536);
    CHECK(VirtualQuery(p + 70000, &mbi, sizeof mbi) == sizeof mbi);
    CHECK(mbi.BaseAddress == p + 65536 + 4096 || sinf.dwPageSize != 4096);
    CHECK_EQ(mbi.State, MEM_COMMIT);
    CHECK(mbi.AllocationBase == p);
    CHECK_EQ((BYTE *)mbi.BaseAddress + mbi.RegionSize - p, 3 * 65536);
    CHECK_OK(VirtualFree(p, 0, MEM_RELEASE));
    q = (BYTE *)VirtualAlloc(p + 100, 10, MEM_RESERVE, PAGE_NOACCESS);
    CHECK(q == p);
    CHECK(VirtualQuery(q, &mbi, sizeof mbi) && mbi.RegionSize == sinf.dwPageSize);
    /* The rest of its 64 KiB is unusable and reported free. */
    CHECK(VirtualQuery(q + sinf.dwPageSize, &mbi, sizeof mbi) == sizeof mbi);
    CHECK_EQ(mbi.State, MEM_FREE);
    CHECK(mbi.BaseAddress == q + sinf.dwPageSize);
    CHECK_EQ(mbi.RegionSize, 65536 - sinf.dwPageSize);
    /* The same range again is in use. */
    CHECK_FAIL(VirtualAlloc(q, 10, MEM_RESERVE, PAGE_NOACCESS), NULL, ERROR_INVALID_ADDRESS);
    CHECK_OK(VirtualFree(q, 0, MEM_RELEASE));

    /* Executable pages and the other protections. */
    p = (BYTE *)VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_EXECUTE_READWRITE);
    CHECK(p != NULL);
    CHECK(VirtualQuery(p, &mbi, sizeof mbi) && mbi.Protect == PAGE_EXECUTE_READWRITE);
    CHECK_OK(VirtualProtect(p, 4096, PAGE_EXECUTE_READ, &old));
    CHECK_EQ(old, PAGE_EXECUTE_READWRITE);
    CHECK_OK(VirtualProtect(p, 4096, PAGE_NOACCESS, &old));
    CHECK(VirtualQuery(p, &mbi, sizeof mbi) && mbi.Protect == PAGE_NOACCESS &&
          mbi.State == MEM_COMMIT);
    CHECK_FAIL(VirtualProtect(p, 4096, 0x3, &old), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(VirtualFree(p, 0, MEM_RELEASE));

    /* Bad arguments. */
    CHECK_FAIL(VirtualAlloc(NULL, 0, MEM_COMMIT, PAGE_READWRITE), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualAlloc(NULL, 4096, 0, PAGE_READWRITE), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualAlloc(NULL, 4096, MEM_COMMIT, 0), NULL, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualAlloc(NULL, 4096, MEM_COMMIT, PAGE_WRITECOPY), NULL,
               ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualFree(NULL, 0, 0), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_FAIL(VirtualQuery(&mbi, &mbi, 3), 0, ERROR_BAD_LENGTH);

    /* VirtualQuery elsewhere: the stack is committed read-write; walking the address space
     * from 0 (Richter's VMMap) ends with a failure above the application range. */
    CHECK(VirtualQuery(&mbi, &mbi, sizeof mbi) == sizeof mbi);
    CHECK_EQ(mbi.State, MEM_COMMIT);
    CHECK_EQ(mbi.Protect, PAGE_READWRITE);
    {
        BYTE *at = (BYTE *)sinf.lpMinimumApplicationAddress;
        int regions = 0;
        while (VirtualQuery(at, &mbi, sizeof mbi) == sizeof mbi && regions < 100000) {
            if (mbi.BaseAddress != at || mbi.RegionSize == 0)
                break; /* each region starts where the last one ended */
            at = (BYTE *)mbi.BaseAddress + mbi.RegionSize;
            regions++;
        }
        CHECK(regions > 5 && regions < 100000);
        CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
    }

    /* The Ex forms: the caller's own memory, and another process's map read-only. */
    p = (BYTE *)VirtualAllocEx(GetCurrentProcess(), NULL, 8192, MEM_COMMIT, PAGE_READWRITE);
    CHECK(p != NULL);
    CHECK(VirtualQueryEx(GetCurrentProcess(), p, &mbi, sizeof mbi) == sizeof mbi);
    CHECK(mbi.State == MEM_COMMIT && mbi.RegionSize == 8192 && mbi.AllocationBase == p);
    CHECK_OK(VirtualProtectEx(GetCurrentProcess(), p, 1, PAGE_READONLY, &old));
    CHECK_EQ(old, PAGE_READWRITE);
    CHECK_OK(VirtualFreeEx(GetCurrentProcess(), p, 0, MEM_RELEASE));
    {
        char line[512];
        STARTUPINFOA si;
        PROCESS_INFORMATION pi;
        BYTE *at = (BYTE *)sinf.lpMinimumApplicationAddress;
        int regions = 0, committed = 0;
        snprintf(line, sizeof line, "\"%s\" sleep", argv[0]);
        ZeroMemory(&si, sizeof si);
        si.cb = sizeof si;
        CHECK_OK(CreateProcessA(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
        while (VirtualQueryEx(pi.hProcess, at, &mbi, sizeof mbi) == sizeof mbi &&
               mbi.BaseAddress == at && mbi.RegionSize > 0 && regions < 100000) {
            committed += mbi.State == MEM_COMMIT;
            at = (BYTE *)mbi.BaseAddress + mbi.RegionSize;
            regions++;
        }
        CHECK(regions > 5 && committed > 3);
        CHECK_FAIL(VirtualAllocEx(pi.hProcess, NULL, 4096, MEM_COMMIT, PAGE_READWRITE), NULL,
                   ERROR_NOT_SUPPORTED);
        CHECK_FAIL(VirtualFreeEx(pi.hProcess, at, 0, MEM_RELEASE), FALSE, ERROR_NOT_SUPPORTED);
        TerminateProcess(pi.hProcess, 1);
        WaitForSingleObject(pi.hProcess, 10000);
        CloseHandle(pi.hProcess);
        CloseHandle(pi.hThread);
    }
    CHECK_FAIL(VirtualQueryEx(NULL, &mbi, &mbi, sizeof mbi), 0, ERROR_INVALID_HANDLE);

    /* VMStat: GlobalMemoryStatus(Ex); a 1 GiB reservation shows in the available virtual
     * memory. */
    {
        MEMORYSTATUSEX ms, ms2;
        MEMORYSTATUS m1;
        ZeroMemory(&ms, sizeof ms);
        ms.dwLength = sizeof ms;
        CHECK_OK(GlobalMemoryStatusEx(&ms));
        CHECK(ms.ullTotalPhys > 0 && ms.ullAvailPhys <= ms.ullTotalPhys);
        CHECK(ms.dwMemoryLoad <= 100);
        CHECK(ms.ullTotalPageFile >= ms.ullTotalPhys);
        CHECK(ms.ullAvailVirtual < ms.ullTotalVirtual);
        p = (BYTE *)VirtualAlloc(NULL, (SIZE_T)1 << 30, MEM_RESERVE, PAGE_NOACCESS);
        CHECK(p != NULL);
        ms2.dwLength = sizeof ms2;
        CHECK_OK(GlobalMemoryStatusEx(&ms2));
        CHECK(ms.ullAvailVirtual - ms2.ullAvailVirtual >= ((DWORDLONG)1 << 30) - (64 << 20));
        CHECK_OK(VirtualFree(p, 0, MEM_RELEASE));
        ms.dwLength = 3;
        CHECK_FAIL(GlobalMemoryStatusEx(&ms), FALSE, ERROR_INVALID_PARAMETER);
        GlobalMemoryStatus(&m1);
        CHECK_EQ(m1.dwLength, sizeof m1);
        CHECK(m1.dwTotalPhys == ms2.ullTotalPhys);
    }

    /* Uncommitted or read-only memory faults: the child dies of the access violation. */
    code = RunChild(argv[0], "fault");
    CHECK(code != 77 && code != 0 && code != 0xDEADBEEF && code != 0xBAD);
    code = RunChild(argv[0], "readonly");
    CHECK(code != 77 && code != 0 && code != 0xDEADBEEF && code != 0xBAD);
    return SUMMARY();
}
