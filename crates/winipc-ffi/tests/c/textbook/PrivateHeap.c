/*
 * PrivateHeap.c - a private growable heap (HeapCreate) holding an array of ints, HeapSize,
 * HeapReAlloc, HeapFree, HeapDestroy; a fixed-size heap that runs out; the process heap.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    SYSTEM_INFO sysInfo;
    UINT pageSize;
    HANDLE hHeap, hFixed, hDefaultHeap;
    int *p, *q;
    int i, sum = 0;
    LPVOID blocks[64];
    int got;

    GetSystemInfo(&sysInfo);
    pageSize = sysInfo.dwPageSize;

    hHeap = HeapCreate(HEAP_NO_SERIALIZE, pageSize * 10, pageSize * 100);
    if (hHeap == NULL) {
        _tprintf(_T("HeapCreate failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    p = (int *)HeapAlloc(hHeap, HEAP_ZERO_MEMORY, sizeof(int) * 10);
    for (i = 0; i < 10; i++)
        sum += p[i];
    _tprintf(_T("zeroed: %s, size %u\n"), sum == 0 ? _T("yes") : _T("no"),
             (unsigned)HeapSize(hHeap, 0, p));
    for (i = 0; i < 10; i++)
        p[i] = i;
    q = (int *)HeapReAlloc(hHeap, HEAP_ZERO_MEMORY, p, sizeof(int) * 1000);
    sum = 0;
    for (i = 0; i < 1000; i++)
        sum += q[i];
    _tprintf(_T("after HeapReAlloc: size %u, sum %d\n"), (unsigned)HeapSize(hHeap, 0, q), sum);
    if (HeapReAlloc(hHeap, HEAP_REALLOC_IN_PLACE_ONLY, q, pageSize * 200) == NULL)
        _tprintf(_T("in place past the maximum: NULL\n"));
    HeapFree(hHeap, 0, q);
    HeapDestroy(hHeap);

    /* A fixed-size heap of 16 pages runs out. */
    hFixed = HeapCreate(0, 0, pageSize * 16);
    for (got = 0; got < 64; got++) {
        blocks[got] = HeapAlloc(hFixed, 0, pageSize);
        if (blocks[got] == NULL)
            break;
    }
    _tprintf(_T("fixed heap: ran out before 64 pages: %s\n"), got < 64 ? _T("yes") : _T("no"));
    if (HeapAlloc(hFixed, 0, pageSize * 32) == NULL)
        _tprintf(_T("too big: NULL\n"));
    HeapDestroy(hFixed);

    hDefaultHeap = GetProcessHeap();
    p = (int *)HeapAlloc(hDefaultHeap, 0, 100);
    _tprintf(_T("process heap: %s\n"), p != NULL ? _T("ok") : _T("NULL"));
    HeapFree(hDefaultHeap, 0, p);
    return 0;
}
