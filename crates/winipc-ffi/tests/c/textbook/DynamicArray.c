/*
 * DynamicArray.c - VirtualAlloc: reserve a region for an array, commit page by page as it
 * grows, VirtualQuery the states, decommit and release. GetSystemInfo gives the page size
 * and the allocation granularity.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define MAX_PAGE 10

int *nextPageAddr;
DWORD pageCnt = 0;
DWORD pageSize;

static const TCHAR *StateName(DWORD s)
{
    switch (s) {
    case MEM_COMMIT: return _T("MEM_COMMIT");
    case MEM_RESERVE: return _T("MEM_RESERVE");
    case MEM_FREE: return _T("MEM_FREE");
    default: return _T("?");
    }
}

int _tmain(int argc, TCHAR *argv[])
{
    SYSTEM_INFO sysInfo;
    LPVOID baseAddr;
    int *nextAddr;
    DWORD i, sum = 0;
    MEMORY_BASIC_INFORMATION mbi;
    BOOL isSuccess;

    GetSystemInfo(&sysInfo);
    pageSize = sysInfo.dwPageSize;
    _tprintf(_T("page size %u, allocation granularity %u, processors >= 1: %s\n"),
             (unsigned)pageSize, (unsigned)sysInfo.dwAllocationGranularity,
             sysInfo.dwNumberOfProcessors >= 1 ? _T("yes") : _T("no"));

    baseAddr = VirtualAlloc(NULL, MAX_PAGE * pageSize, MEM_RESERVE, PAGE_NOACCESS);
    if (baseAddr == NULL) {
        _tprintf(_T("VirtualAlloc reserve failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    if ((UINT_PTR)baseAddr % sysInfo.dwAllocationGranularity == 0)
        _tprintf(_T("base address on the allocation granularity\n"));
    VirtualQuery(baseAddr, &mbi, sizeof(mbi));
    _tprintf(_T("reserved: %s, %u pages\n"), StateName(mbi.State),
             (unsigned)(mbi.RegionSize / pageSize));

    nextPageAddr = (int *)baseAddr;
    for (i = 0; i < (MAX_PAGE * pageSize) / sizeof(int); i++) {
        nextAddr = (int *)baseAddr + i;
        if (nextAddr >= nextPageAddr) {
            /* The book commits in its exception filter; here, before touching a page. */
            LPVOID lpvResult = VirtualAlloc((LPVOID)nextPageAddr, pageSize, MEM_COMMIT,
                                            PAGE_READWRITE);
            if (lpvResult == NULL) {
                _tprintf(_T("commit failed (%d)\n"), (int)GetLastError());
                return 1;
            }
            pageCnt++;
            nextPageAddr += pageSize / sizeof(int);
        }
        *nextAddr = (int)i;
    }
    for (i = 0; i < (MAX_PAGE * pageSize) / sizeof(int); i += 1024)
        sum += ((int *)baseAddr)[i];
    _tprintf(_T("committed %u pages, sample sum %u\n"), (unsigned)pageCnt, (unsigned)sum);

    isSuccess = VirtualFree(baseAddr, pageSize, MEM_DECOMMIT);
    VirtualQuery(baseAddr, &mbi, sizeof(mbi));
    _tprintf(_T("after decommit of one page: %s %s\n"), isSuccess ? _T("TRUE") : _T("FALSE"),
             StateName(mbi.State));
    if (!VirtualFree(baseAddr, pageSize, MEM_RELEASE))
        _tprintf(_T("MEM_RELEASE with a size: %d\n"), (int)GetLastError());
    isSuccess = VirtualFree(baseAddr, 0, MEM_RELEASE);
    if (isSuccess)
        _tprintf(_T("Release succeeded!\n"));
    else
        _tprintf(_T("Release failed!\n"));
    return 0;
}
