/*
 * CompletionRoutine.c - overlapped file I/O: WriteFileEx/ReadFileEx with completion routines
 * run by an alertable SleepEx (WAIT_IO_COMPLETION), then ReadFile with an OVERLAPPED and an
 * event, GetOverlappedResult.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

TCHAR strData[] =
    _T("Nobody was farther off base than the pundits who said\n")
    _T("Royal Liverpool was outdated and not worthy of hosting ~\n");

VOID WINAPI FileIOCompletionRoutine(DWORD errorCode, DWORD numOfBytesTransfered,
                                    LPOVERLAPPED overlapped)
{
    _tprintf(_T("********* File write result *********\n"));
    _tprintf(_T("Error code : %u\n"), (unsigned)errorCode);
    _tprintf(_T("Transfered characters : %u\n"),
             (unsigned)(numOfBytesTransfered / sizeof(TCHAR)));
    _tprintf(_T("The other info : %s\n"), (TCHAR *)overlapped->hEvent);
}

static DWORD readBytes;
VOID WINAPI ReadRoutine(DWORD errorCode, DWORD n, LPOVERLAPPED overlapped)
{
    readBytes = n;
    _tprintf(_T("read completed: error %u, offset %u\n"), (unsigned)errorCode,
             (unsigned)(overlapped->Offset / sizeof(TCHAR)));
}

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR fileName[] = _T("data.txt");
    HANDLE hFile;
    OVERLAPPED overlappedInst;
    TCHAR back[200];
    DWORD r, n;

    hFile = CreateFile(fileName, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_WRITE, 0,
                       CREATE_ALWAYS, FILE_FLAG_OVERLAPPED, 0);
    if (hFile == INVALID_HANDLE_VALUE) {
        _tprintf(_T("File creation fault!\n"));
        return -1;
    }

    memset(&overlappedInst, 0, sizeof(overlappedInst));
    overlappedInst.hEvent = (HANDLE)_T("Nothing");
    WriteFileEx(hFile, strData, sizeof(strData) - sizeof(TCHAR), &overlappedInst,
                FileIOCompletionRoutine);
    r = SleepEx(INFINITE, TRUE);
    _tprintf(_T("SleepEx: %s\n"), r == WAIT_IO_COMPLETION ? _T("WAIT_IO_COMPLETION") : _T("?"));

    /* Read the second line back, from its offset. */
    memset(&overlappedInst, 0, sizeof(overlappedInst));
    overlappedInst.Offset = 54 * sizeof(TCHAR);
    ZeroMemory(back, sizeof(back));
    ReadFileEx(hFile, back, 200, &overlappedInst, ReadRoutine);
    r = SleepEx(5000, TRUE);
    _tprintf(_T("%s%s"), r == WAIT_IO_COMPLETION ? _T("") : _T("no completion "), back);
    _tprintf(_T("read %u characters\n"), (unsigned)(readBytes / sizeof(TCHAR)));

    /* Overlapped ReadFile with an event. */
    memset(&overlappedInst, 0, sizeof(overlappedInst));
    overlappedInst.hEvent = CreateEvent(NULL, TRUE, FALSE, NULL);
    ZeroMemory(back, sizeof(back));
    if (!ReadFile(hFile, back, 8 * sizeof(TCHAR), NULL, &overlappedInst) &&
        GetLastError() != ERROR_IO_PENDING) {
        _tprintf(_T("ReadFile failed (%d)\n"), (int)GetLastError());
        return 1;
    }
    GetOverlappedResult(hFile, &overlappedInst, &n, TRUE);
    _tprintf(_T("overlapped read: %u characters: %s\n"), (unsigned)(n / sizeof(TCHAR)), back);

    /* Past the end of the file. */
    overlappedInst.Offset = 100000;
    ResetEvent(overlappedInst.hEvent);
    if (!ReadFile(hFile, back, 8, NULL, &overlappedInst)) {
        DWORD e = GetLastError();
        if (e == ERROR_IO_PENDING && !GetOverlappedResult(hFile, &overlappedInst, &n, TRUE))
            e = GetLastError();
        _tprintf(_T("read past the end: %s\n"), e == ERROR_HANDLE_EOF ? _T("ERROR_HANDLE_EOF")
                                                                        : _T("?"));
    }
    CloseHandle(overlappedInst.hEvent);
    CloseHandle(hFile);
    DeleteFile(fileName);
    return 0;
}
