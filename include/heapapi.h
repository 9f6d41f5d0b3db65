/*
 * heapapi.h - part of the winipc C ABI (see docs/c-abi.md): the heap functions beyond the
 * basic ones <windows.h> declares (HeapCreate, HeapAlloc, HeapReAlloc, HeapFree, HeapSize,
 * HeapDestroy, GetProcessHeap): HeapValidate, HeapCompact, HeapLock/HeapUnlock, HeapWalk,
 * GetProcessHeaps. <windows.h> includes it.
 */
#ifndef WINIPC_HEAPAPI_H
#define WINIPC_HEAPAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ERROR_NOT_OWNER
#  define ERROR_NOT_OWNER 288
#endif

/* HeapWalk's entry (minwinbase.h). winipc reports allocated blocks only (wFlags
 * PROCESS_HEAP_ENTRY_BUSY, plus PROCESS_HEAP_ENTRY_MOVEABLE with Block.hMem for a moveable
 * GlobalAlloc/LocalAlloc block); no region, uncommitted-range or free entries. Without
 * nameless unions (NONAMELESSUNION, strict C89/C99) the union is named u. */
#define PROCESS_HEAP_REGION             0x0001
#define PROCESS_HEAP_UNCOMMITTED_RANGE  0x0002
#define PROCESS_HEAP_ENTRY_BUSY         0x0004
#define PROCESS_HEAP_SEG_ALLOC          0x0008
#define PROCESS_HEAP_ENTRY_MOVEABLE     0x0010
#define PROCESS_HEAP_ENTRY_DDESHARE     0x0020

typedef struct _PROCESS_HEAP_ENTRY {
    PVOID lpData;
    DWORD cbData;
    BYTE cbOverhead;
    BYTE iRegionIndex;
    WORD wFlags;
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION union {
        WINIPC_EXTENSION struct {
            HANDLE hMem;
            DWORD dwReserved[3];
        } Block;
        WINIPC_EXTENSION struct {
            DWORD dwCommittedSize;
            DWORD dwUnCommittedSize;
            LPVOID lpFirstBlock;
            LPVOID lpLastBlock;
        } Region;
    };
#else
    union {
        struct {
            HANDLE hMem;
            DWORD dwReserved[3];
        } Block;
        struct {
            DWORD dwCommittedSize;
            DWORD dwUnCommittedSize;
            LPVOID lpFirstBlock;
            LPVOID lpLastBlock;
        } Region;
    } u;
#endif
} PROCESS_HEAP_ENTRY, *LPPROCESS_HEAP_ENTRY, *PPROCESS_HEAP_ENTRY;

WINBASEAPI BOOL WINAPI HeapValidate(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
WINBASEAPI SIZE_T WINAPI HeapCompact(HANDLE hHeap, DWORD dwFlags);
WINBASEAPI BOOL WINAPI HeapLock(HANDLE hHeap);
WINBASEAPI BOOL WINAPI HeapUnlock(HANDLE hHeap);
WINBASEAPI BOOL WINAPI HeapWalk(HANDLE hHeap, LPPROCESS_HEAP_ENTRY lpEntry);
WINBASEAPI DWORD WINAPI GetProcessHeaps(DWORD NumberOfHeaps, PHANDLE ProcessHeaps);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_HEAPAPI_H */
