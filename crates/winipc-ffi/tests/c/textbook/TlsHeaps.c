/*
 * TlsHeaps.c - MSDN's "Using Thread Local Storage" (each thread keeps a LocalAlloc'd block
 * behind one TLS index, freed before it ends) with the memory functions such samples use:
 * LocalAlloc/LocalReAlloc/LocalSize/LocalLock, GlobalAlloc(GMEM_MOVEABLE)/GlobalLock/
 * GlobalUnlock/GlobalSize/GlobalReAlloc, HeapCreate/HeapAlloc(HEAP_ZERO_MEMORY)/HeapSize/
 * HeapReAlloc/HeapFree/HeapDestroy and GetProcessHeap.
 */
#include <windows.h>
#include <stdio.h>
#include <tchar.h>

#define THREADCOUNT 4
static DWORD dwTlsIndex;

static void ErrorExit(LPCSTR message)
{
    fprintf(stderr, "%s\n", message);
    ExitProcess(0);
}

static VOID CommonFunc(VOID)
{
    LPVOID lpvData = TlsGetValue(dwTlsIndex);
    if ((lpvData == 0) && (GetLastError() != ERROR_SUCCESS))
        ErrorExit("TlsGetValue error");
    /* Use the data stored for the current thread. */
    *(DWORD *)lpvData += 1;
}

static DWORD WINAPI ThreadFunc(LPVOID lpParam)
{
    LPVOID lpvData;
    DWORD result;
    /* Initialize the TLS index for this thread. */
    lpvData = (LPVOID)LocalAlloc(LPTR, 256);
    if (!TlsSetValue(dwTlsIndex, lpvData))
        ErrorExit("TlsSetValue error");
    *(DWORD *)lpvData = (DWORD)(UINT_PTR)lpParam;
    CommonFunc();
    CommonFunc();
    /* Release the dynamic memory before the thread returns. */
    lpvData = TlsGetValue(dwTlsIndex);
    result = *(DWORD *)lpvData;
    if (lpvData != 0)
        LocalFree((HLOCAL)lpvData);
    return result;
}

int _tmain(void)
{
    DWORD IDThread, i, code, sum = 0;
    HANDLE hThread[THREADCOUNT];

    if ((dwTlsIndex = TlsAlloc()) == TLS_OUT_OF_INDEXES)
        ErrorExit("TlsAlloc failed");
    for (i = 0; i < THREADCOUNT; i++) {
        hThread[i] = CreateThread(NULL, 0, (LPTHREAD_START_ROUTINE)ThreadFunc,
                                  (LPVOID)(UINT_PTR)(i * 10), 0, &IDThread);
        if (hThread[i] == NULL)
            ErrorExit("CreateThread error");
    }
    WaitForMultipleObjects(THREADCOUNT, hThread, TRUE, INFINITE);
    for (i = 0; i < THREADCOUNT; i++) {
        GetExitCodeThread(hThread[i], &code);
        sum += code;
        CloseHandle(hThread[i]);
    }
    TlsFree(dwTlsIndex);
    printf("TLS: threads returned %lu (each its own block)\n", (unsigned long)sum);

    {
        HLOCAL hl = LocalAlloc(LMEM_ZEROINIT, 100);
        HLOCAL hl2 = LocalReAlloc(hl, 300, LMEM_MOVEABLE);
        LPBYTE p = (LPBYTE)LocalLock(hl2);
        printf("LocalAlloc/LocalReAlloc: size %lu, first byte %d\n",
               (unsigned long)LocalSize(hl2), p[0]);
        LocalUnlock(hl2);
        printf("LocalFree returns NULL: %s\n", LocalFree(hl2) == NULL ? "yes" : "no");
    }
    {
        HGLOBAL hg = GlobalAlloc(GMEM_MOVEABLE | GMEM_ZEROINIT, 64);
        LPSTR s = (LPSTR)GlobalLock(hg);
        lstrcpyA(s, "clipboard-style text");
        GlobalUnlock(hg);
        hg = GlobalReAlloc(hg, 128, GMEM_MOVEABLE);
        s = (LPSTR)GlobalLock(hg);
        printf("GlobalAlloc: %s, size %lu\n", s, (unsigned long)GlobalSize(hg));
        GlobalUnlock(hg);
        GlobalFree(hg);
    }
    {
        HANDLE heap = HeapCreate(0, 0x10000, 0);
        int *arr = (int *)HeapAlloc(heap, HEAP_ZERO_MEMORY, 10 * sizeof(int));
        int total = 0;
        arr[9] = 5;
        arr = (int *)HeapReAlloc(heap, HEAP_ZERO_MEMORY, arr, 20 * sizeof(int));
        for (i = 0; i < 20; i++)
            total += arr[i];
        printf("HeapCreate: size %lu, sum %d, zeroed tail: %s\n",
               (unsigned long)HeapSize(heap, 0, arr), total, arr[19] == 0 ? "yes" : "no");
        HeapFree(heap, 0, arr);
        HeapDestroy(heap);
    }
    {
        char *p = (char *)HeapAlloc(GetProcessHeap(), 0, 32);
        lstrcpynA(p, "process heap string that is long", 32);
        printf("GetProcessHeap: %s (%d)\n", p, lstrlenA(p));
        HeapFree(GetProcessHeap(), 0, p);
    }
    return 0;
}
