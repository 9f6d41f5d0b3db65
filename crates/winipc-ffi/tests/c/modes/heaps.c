/*
 * heaps.c - heaps as "Windows via C/C++" (chapter 18: a private heap per class, HeapWalk
 * under HeapLock) and "Windows System Programming" (chapter 5: a heap per data structure,
 * destroyed at once, HEAP_NO_SERIALIZE, HEAP_GENERATE_EXCEPTIONS) use them.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"

typedef struct NODE {
    struct NODE *next;
    int key;
    char data[60];
} NODE;

static HANDLE g_heap;
static volatile LONG g_stop;

static DWORD WINAPI Allocator(LPVOID arg)
{
    (void)arg;
    while (!g_stop) {
        void *p = HeapAlloc(g_heap, 0, 32);
        if (p)
            HeapFree(g_heap, 0, p);
    }
    return 0;
}

int main(void)
{
    HANDLE heap, heaps[16];
    NODE *head = NULL, *n;
    PROCESS_HEAP_ENTRY e;
    BYTE *p, *q;
    DWORD count, i;
    SIZE_T before;
    HANDLE th;

    /* Hart: a tree in its own heap, freed all at once by HeapDestroy. */
    heap = HeapCreate(HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS, 0x10000, 0);
    CHECK(heap != NULL);
    for (i = 0; i < 100; i++) {
        n = (NODE *)HeapAlloc(heap, HEAP_ZERO_MEMORY, sizeof(NODE));
        CHECK(n != NULL && n->key == 0 && n->data[59] == 0);
        n->key = (int)i;
        n->next = head;
        head = n;
    }
    CHECK_EQ(HeapSize(heap, 0, head), sizeof(NODE));
    CHECK(HeapValidate(heap, 0, NULL));
    CHECK(HeapValidate(heap, 0, head));
    CHECK(!HeapValidate(GetProcessHeap(), 0, head));

    /* Richter: walk the heap under HeapLock; every node is there, busy. */
    CHECK_OK(HeapLock(heap));
    count = 0;
    e.lpData = NULL;
    while (HeapWalk(heap, &e)) {
        if (e.wFlags & PROCESS_HEAP_ENTRY_BUSY)
            count++;
        CHECK_EQ(e.cbData, sizeof(NODE));
    }
    CHECK_EQ(GetLastError(), ERROR_NO_MORE_ITEMS);
    CHECK_OK(HeapUnlock(heap));
    CHECK_EQ(count, 100);
    CHECK_FAIL(HeapUnlock(heap), FALSE, ERROR_NOT_OWNER);

    /* GetProcessHeaps lists the process heap first, then this one. */
    count = GetProcessHeaps(16, heaps);
    CHECK(count >= 2 && count <= 16);
    CHECK(heaps[0] == GetProcessHeap());
    {
        BOOL found = FALSE;
        for (i = 0; i < count && i < 16; i++)
            found |= heaps[i] == heap;
        CHECK(found);
    }
    CHECK_EQ(GetProcessHeaps(0, NULL), count);

    /* HeapReAlloc: growth zeroed with HEAP_ZERO_MEMORY, contents kept; in place only fails
     * with ERROR_NOT_ENOUGH_MEMORY when the block cannot grow where it is. */
    p = (BYTE *)HeapAlloc(heap, 0, 16);
    memset(p, 7, 16);
    q = (BYTE *)HeapReAlloc(heap, HEAP_ZERO_MEMORY, p, 4096);
    CHECK(q != NULL && q[15] == 7 && q[16] == 0 && q[4095] == 0);
    CHECK_FAIL(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 1 << 20), NULL,
               ERROR_NOT_ENOUGH_MEMORY);
    CHECK(HeapReAlloc(heap, HEAP_REALLOC_IN_PLACE_ONLY, q, 100) == q);
    CHECK_EQ(HeapSize(heap, 0, q), 100);
    CHECK_OK(HeapFree(heap, 0, q));
    CHECK_FAIL(HeapFree(heap, 0, q), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_EQ(HeapSize(heap, 0, q), (SIZE_T)-1);

    /* HeapCompact succeeds on a live heap; an unknown heap fails. */
    SetLastError(0xDEAD);
    before = HeapCompact(heap, 0);
    CHECK(before > 0 || GetLastError() == NO_ERROR);
    CHECK_FAIL(HeapCompact((HANDLE)0x1234, 0), 0, ERROR_INVALID_HANDLE);

    CHECK_OK(HeapDestroy(heap));
    CHECK(!HeapValidate(heap, 0, NULL));
    CHECK_FAIL(HeapDestroy(heap), FALSE, ERROR_INVALID_HANDLE);
    CHECK(HeapAlloc(heap, 0, 8) == NULL);

    /* A heap with a maximum size: allocations past it fail. */
    heap = HeapCreate(0, 0, 64 * 1024);
    CHECK(heap != NULL);
    p = (BYTE *)HeapAlloc(heap, 0, 40 * 1024);
    CHECK(p != NULL);
    CHECK(HeapAlloc(heap, 0, 40 * 1024) == NULL);
    CHECK_FAIL(HeapReAlloc(heap, 0, p, 100 * 1024), NULL, ERROR_NOT_ENOUGH_MEMORY);
    CHECK_OK(HeapFree(heap, 0, p));
    p = (BYTE *)HeapAlloc(heap, 0, 40 * 1024);
    CHECK(p != NULL);
    CHECK_OK(HeapDestroy(heap));
    CHECK(HeapCreate(0, 2 * 65536, 65536) == NULL);

    /* HeapLock keeps other threads' allocations out until HeapUnlock. */
    g_heap = HeapCreate(0, 0, 0);
    CHECK_OK(HeapLock(g_heap));
    th = CreateThread(NULL, 0, Allocator, NULL, 0, NULL);
    Sleep(50);
    e.lpData = NULL;
    CHECK_FAIL(HeapWalk(g_heap, &e), FALSE, ERROR_NO_MORE_ITEMS); /* nothing allocated */
    CHECK_OK(HeapUnlock(g_heap));
    Sleep(20);
    InterlockedExchange(&g_stop, 1);
    CHECK_EQ(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    CloseHandle(th);
    CHECK_OK(HeapDestroy(g_heap));

    /* GlobalAlloc blocks are in the process heap: moveable ones show their handle. */
    {
        HGLOBAL g = GlobalAlloc(GHND, 10);
        BOOL seen = FALSE;
        CHECK_OK(HeapLock(GetProcessHeap()));
        e.lpData = NULL;
        while (HeapWalk(GetProcessHeap(), &e))
            if (e.lpData == (PVOID)g)
                seen = (e.wFlags & PROCESS_HEAP_ENTRY_MOVEABLE) && e.Block.hMem == g;
        CHECK_OK(HeapUnlock(GetProcessHeap()));
        CHECK(seen);
        GlobalFree(g);
    }
    CHECK_FAIL(HeapWalk(GetProcessHeap(), NULL), FALSE, ERROR_NOACCESS);
    return SUMMARY();
}
