/*
 * Print64.c - 64-bit values printed the MSVC way (%I64d, %I64u, %I64x, %I32d, %Iu) with
 * _tprintf/_stprintf, as Hart's programs print file sizes and times: a 5 GiB sparse file's
 * size from GetFileSizeEx, a FILETIME, and a SIZE_T; and read back with _stscanf.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    HANDLE h;
    LARGE_INTEGER size, pos;
    ULARGE_INTEGER ft;
    SYSTEMTIME st = {2000, 1, 6, 1, 0, 0, 0, 0};
    FILETIME fileTime;
    TCHAR buf[100];
    SIZE_T sz = 4096;

    h = CreateFile(_T("big.dat"), GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                   FILE_FLAG_DELETE_ON_CLOSE, NULL);
    pos.QuadPart = 5LL * 1024 * 1024 * 1024;
    SetFilePointerEx(h, pos, NULL, FILE_BEGIN);
    SetEndOfFile(h);
    GetFileSizeEx(h, &size);
    _tprintf(_T("size: %I64d bytes, %I64u, 0x%I64x, [%15I64d]\n"), size.QuadPart,
             (ULONGLONG)size.QuadPart, size.QuadPart, size.QuadPart);
    CloseHandle(h);

    SystemTimeToFileTime(&st, &fileTime);
    ft.LowPart = fileTime.dwLowDateTime;
    ft.HighPart = fileTime.dwHighDateTime;
    _stprintf(buf, _T("%I64u"), ft.QuadPart);
    _tprintf(_T("2000-01-01 as FILETIME: %s\n"), buf);
    _tprintf(_T("%%I32d: %I32d, %%Iu: %Iu, 100%%\n"), 42, sz);
    {
        LONGLONG big = 0;
        int small = 0, fields;
        fields = _stscanf(_T("12345678901 7"), _T("%I64d %I32d"), &big, &small);
        _tprintf(_T("_stscanf: %d fields, %I64d and %d\n"), fields, big, small);
    }
    return 0;
}
