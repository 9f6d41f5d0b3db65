/*
 * MMFSort.c - memory-mapped files: write numbers to a file, map it, sort it in place
 * through the view, flush, unmap, and read it back with ReadFile; then a named mapping
 * backed by the paging file shared with a second view.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

void SortIntData(int *pSortArr, int num);

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE hFile, hMapFile, hShared, hShared2;
    int *pWrite;
    int data[] = {7, 3, 9, 1, 8, 2, 6, 5, 4, 0};
    int i, back[10];
    DWORD n;
    TCHAR *s1, *s2;

    hFile = CreateFile(_T("data.dat"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                       FILE_ATTRIBUTE_NORMAL, NULL);
    if (hFile == INVALID_HANDLE_VALUE) {
        _tprintf(_T("Could not open file."));
        return 1;
    }
    WriteFile(hFile, data, sizeof(data), &n, NULL);

    hMapFile = CreateFileMapping(hFile, NULL, PAGE_READWRITE, 0, 0, NULL);
    if (hMapFile == NULL) {
        _tprintf(_T("Could not create map of file. (%d)\n"), (int)GetLastError());
        return 1;
    }
    pWrite = (int *)MapViewOfFile(hMapFile, FILE_MAP_ALL_ACCESS, 0, 0, 0);
    if (pWrite == NULL) {
        _tprintf(_T("Could not map view of file. (%d)\n"), (int)GetLastError());
        return 1;
    }
    _tprintf(_T("mapped: %d %d %d ...\n"), pWrite[0], pWrite[1], pWrite[2]);
    SortIntData(pWrite, 10);
    FlushViewOfFile(pWrite, 0);
    UnmapViewOfFile(pWrite);
    CloseHandle(hMapFile);

    SetFilePointer(hFile, 0, NULL, FILE_BEGIN);
    ReadFile(hFile, back, sizeof(back), &n, NULL);
    _tprintf(_T("sorted (%u bytes):"), (unsigned)n);
    for (i = 0; i < 10; i++)
        _tprintf(_T(" %d"), back[i]);
    _tprintf(_T("\n"));
    CloseHandle(hFile);
    DeleteFile(_T("data.dat"));

    /* Shared memory by name. */
    hShared = CreateFileMapping(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096,
                                _T("MMFSortShared"));
    hShared2 = OpenFileMapping(FILE_MAP_ALL_ACCESS, FALSE, _T("MMFSortShared"));
    if (hShared == NULL || hShared2 == NULL) {
        _tprintf(_T("shared mapping failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    s1 = (TCHAR *)MapViewOfFile(hShared, FILE_MAP_WRITE, 0, 0, 0);
    s2 = (TCHAR *)MapViewOfFile(hShared2, FILE_MAP_READ, 0, 0, 4096);
    _tcscpy(s1, _T("shared string"));
    _tprintf(_T("second view: %s\n"), s2);
    UnmapViewOfFile(s1);
    UnmapViewOfFile(s2);
    CloseHandle(hShared);
    CloseHandle(hShared2);
    if (OpenFileMapping(FILE_MAP_READ, FALSE, _T("MMFSortShared")) == NULL)
        _tprintf(_T("gone after the last close: %d\n"), (int)GetLastError());
    return 0;
}

void SortIntData(int *pSortArr, int num)
{
    int i, j, temp;
    for (i = 0; i < num - 1; i++)
        for (j = 1; j < num - i; j++)
            if (pSortArr[j - 1] > pSortArr[j]) {
                temp = pSortArr[j - 1];
                pSortArr[j - 1] = pSortArr[j];
                pSortArr[j] = temp;
            }
}
