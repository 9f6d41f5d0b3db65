/*
 * FileInfo.c - file pointer, size, times and attributes: SetFilePointer (also with a high
 * part and INVALID_SET_FILE_POINTER), GetFileSize(Ex), GetFileTime + FileTimeToLocalFileTime
 * + FileTimeToSystemTime, Get/SetFileAttributes, GetFileInformationByHandle,
 * GetFullPathName, SetEndOfFile, CopyFile/MoveFile, and errors from FormatMessage.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define STRING_LEN 100

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR fileName[] = _T("data.txt");
    TCHAR fileData[] = _T("Just test string~");
    TCHAR readBuf[STRING_LEN];
    HANDLE hFile;
    DWORD numOfByteWritten = 0, dwPtr, high = 0, size, attrib;
    LONG lDistanceHigh = 0;
    FILETIME ftCreate, ftAccess, ftWrite, ftLocal;
    SYSTEMTIME stUTC, stNow;
    BY_HANDLE_FILE_INFORMATION fileInfo;
    LARGE_INTEGER li;
    TCHAR fullPath[MAX_PATH], *filePart;

    hFile = CreateFile(fileName, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL);
    WriteFile(hFile, fileData, sizeof(fileData) - sizeof(TCHAR), &numOfByteWritten, NULL);
    _tprintf(_T("Written characters: %u\n"), (unsigned)(numOfByteWritten / sizeof(TCHAR)));

    size = GetFileSize(hFile, &high);
    _tprintf(_T("GetFileSize: %u characters (high %u)\n"), (unsigned)(size / sizeof(TCHAR)), (unsigned)high);
    GetFileSizeEx(hFile, &li);
    _tprintf(_T("GetFileSizeEx: %lld characters\n"), (long long)(li.QuadPart / sizeof(TCHAR)));

    dwPtr = SetFilePointer(hFile, sizeof(TCHAR) * 4, NULL, FILE_BEGIN);
    if (dwPtr == INVALID_SET_FILE_POINTER) {
        _tprintf(_T("SetFilePointer Error \n"));
        return -1;
    }
    ReadFile(hFile, readBuf, sizeof(readBuf), &numOfByteWritten, NULL);
    readBuf[numOfByteWritten / sizeof(TCHAR)] = 0;
    _tprintf(_T("from %u: %s\n"), (unsigned)(dwPtr / sizeof(TCHAR)), readBuf);

    dwPtr = SetFilePointer(hFile, -(LONG)(sizeof(TCHAR) * 7), NULL, FILE_END);
    ReadFile(hFile, readBuf, sizeof(TCHAR) * 6, &numOfByteWritten, NULL);
    readBuf[numOfByteWritten / sizeof(TCHAR)] = 0;
    _tprintf(_T("end-7: %s\n"), readBuf);

    dwPtr = SetFilePointer(hFile, 0, &lDistanceHigh, FILE_CURRENT);
    _tprintf(_T("current: %u high %d\n"), (unsigned)(dwPtr / sizeof(TCHAR)), (int)lDistanceHigh);

    /* Before the start: INVALID_SET_FILE_POINTER, ERROR_NEGATIVE_SEEK. */
    dwPtr = SetFilePointer(hFile, -1000, NULL, FILE_BEGIN);
    if (dwPtr == INVALID_SET_FILE_POINTER)
        _tprintf(_T("negative seek: %d\n"), (int)GetLastError());

    /* A 4 GiB + 16 position and SetEndOfFile back to 4 characters. */
    lDistanceHigh = 1;
    dwPtr = SetFilePointer(hFile, 16, &lDistanceHigh, FILE_BEGIN);
    _tprintf(_T("far: low %u high %d\n"), (unsigned)dwPtr, (int)lDistanceHigh);
    SetFilePointer(hFile, sizeof(TCHAR) * 4, NULL, FILE_BEGIN);
    SetEndOfFile(hFile);
    _tprintf(_T("after SetEndOfFile: %u characters\n"), (unsigned)(GetFileSize(hFile, NULL) / sizeof(TCHAR)));

    if (!GetFileTime(hFile, &ftCreate, &ftAccess, &ftWrite)) {
        _tprintf(_T("GetFileTime failed\n"));
        return 1;
    }
    FileTimeToSystemTime(&ftWrite, &stUTC);
    GetSystemTime(&stNow);
    _tprintf(_T("written this year: %s\n"), stUTC.wYear == stNow.wYear ? _T("yes") : _T("no"));
    FileTimeToLocalFileTime(&ftWrite, &ftLocal);
    FileTimeToSystemTime(&ftLocal, &stUTC);
    _tprintf(_T("local month in 1..12: %s\n"),
             stUTC.wMonth >= 1 && stUTC.wMonth <= 12 ? _T("yes") : _T("no"));

    GetFileInformationByHandle(hFile, &fileInfo);
    _tprintf(_T("links %u, size %u, archive/normal: %s\n"), (unsigned)fileInfo.nNumberOfLinks,
             (unsigned)(fileInfo.nFileSizeLow / sizeof(TCHAR)),
             fileInfo.dwFileAttributes & (FILE_ATTRIBUTE_ARCHIVE | FILE_ATTRIBUTE_NORMAL)
                 ? _T("yes")
                 : _T("no"));
    CloseHandle(hFile);

    attrib = GetFileAttributes(fileName);
    if (attrib & FILE_ATTRIBUTE_READONLY)
        _tprintf(_T("Read Only\n"));
    else
        _tprintf(_T("Not Read Only\n"));
    SetFileAttributes(fileName, attrib | FILE_ATTRIBUTE_READONLY);
    attrib = GetFileAttributes(fileName);
    if (attrib & FILE_ATTRIBUTE_READONLY)
        _tprintf(_T("Read Only\n"));
    SetFileAttributes(fileName, FILE_ATTRIBUTE_NORMAL);

    GetFullPathName(fileName, MAX_PATH, fullPath, &filePart);
    _tprintf(_T("file part: %s, absolute: %s\n"), filePart,
             fullPath[0] == _T('/') || fullPath[1] == _T(':') ? _T("yes") : _T("no"));

    if (CopyFile(fileName, _T("copy.txt"), TRUE) && !CopyFile(fileName, _T("copy.txt"), TRUE))
        _tprintf(_T("CopyFile onto an existing file: %d\n"), (int)GetLastError());
    if (MoveFile(_T("copy.txt"), _T("moved.txt")))
        _tprintf(_T("moved: %s\n"),
                 GetFileAttributes(_T("copy.txt")) == INVALID_FILE_ATTRIBUTES ? _T("yes")
                                                                               : _T("no"));
    DeleteFile(_T("moved.txt"));
    DeleteFile(fileName);
    if (!DeleteFile(fileName))
        _tprintf(_T("DeleteFile again: %d\n"), (int)GetLastError());
    return 0;
}
