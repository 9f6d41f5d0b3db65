/*
 * SystemReport.c - "print information about the system" as tutorials do: GetSystemInfo and
 * GetNativeSystemInfo, GlobalMemoryStatusEx, GetSystemTimes, IsWow64Process,
 * GetLogicalProcessorInformation, GetModuleFileName/GetModuleHandle, GetComputerName,
 * GetUserName, GetCurrentProcessId/ThreadId and GetSystemDirectory. Values differ per
 * machine, so the output says whether each is sane.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define YESNO(c) ((c) ? TEXT("yes") : TEXT("no"))

int _tmain(int argc, TCHAR *argv[])
{
    SYSTEM_INFO si, nsi;
    MEMORYSTATUSEX ms;
    FILETIME idle, kernel, user;
    BOOL wow = TRUE;
    TCHAR szPath[MAX_PATH], szName[MAX_COMPUTERNAME_LENGTH + 1], szUser[257];
    DWORD cch = MAX_COMPUTERNAME_LENGTH + 1, cchUser = 257, len = 0;
    PSYSTEM_LOGICAL_PROCESSOR_INFORMATION buffer = NULL;
    DWORD i, cores = 0, logical = 0;

    GetSystemInfo(&si);
    GetNativeSystemInfo(&nsi);
    _tprintf(TEXT("architecture AMD64: %s, same natively: %s\n"),
             YESNO(si.wProcessorArchitecture == PROCESSOR_ARCHITECTURE_AMD64),
             YESNO(nsi.wProcessorArchitecture == si.wProcessorArchitecture));
    _tprintf(TEXT("page size %lu, granularity %lu, processors >= 1: %s, mask matches: %s\n"),
             si.dwPageSize, si.dwAllocationGranularity, YESNO(si.dwNumberOfProcessors >= 1),
             YESNO(si.dwActiveProcessorMask != 0));
    _tprintf(TEXT("application range: %s\n"),
             YESNO((ULONG_PTR)si.lpMinimumApplicationAddress <
                   (ULONG_PTR)si.lpMaximumApplicationAddress));

    ms.dwLength = sizeof(ms);
    if (!GlobalMemoryStatusEx(&ms)) {
        _tprintf(TEXT("GlobalMemoryStatusEx failed (%lu)\n"), GetLastError());
        return 1;
    }
    _tprintf(TEXT("memory load 0..100: %s, available <= total: %s, total > 16 MB: %s\n"),
             YESNO(ms.dwMemoryLoad <= 100), YESNO(ms.ullAvailPhys <= ms.ullTotalPhys),
             YESNO(ms.ullTotalPhys > 16 * 1024 * 1024));
    ms.dwLength = 8;
    if (!GlobalMemoryStatusEx(&ms))
        _tprintf(TEXT("bad dwLength: error %lu\n"), GetLastError());

    if (GetSystemTimes(&idle, &kernel, &user))
        _tprintf(TEXT("GetSystemTimes: user time > 0: %s\n"),
                 YESNO(user.dwLowDateTime != 0 || user.dwHighDateTime != 0));
    else
        _tprintf(TEXT("GetSystemTimes failed (%lu)\n"), GetLastError());
    if (IsWow64Process(GetCurrentProcess(), &wow))
        _tprintf(TEXT("IsWow64Process: %s\n"), wow ? TEXT("TRUE") : TEXT("FALSE"));

    /* MSDN's two-call pattern. */
    if (!GetLogicalProcessorInformation(buffer, &len) &&
        GetLastError() == ERROR_INSUFFICIENT_BUFFER) {
        buffer = (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION)malloc(len);
        if (buffer != NULL && GetLogicalProcessorInformation(buffer, &len)) {
            for (i = 0; i < len / sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION); i++) {
                if (buffer[i].Relationship == RelationProcessorCore) {
                    ULONG_PTR m = buffer[i].ProcessorMask;
                    cores++;
                    while (m) {
                        logical += (DWORD)(m & 1);
                        m >>= 1;
                    }
                }
            }
        }
        free(buffer);
    }
    _tprintf(TEXT("cores >= 1: %s, logical processors match: %s\n"), YESNO(cores >= 1),
             YESNO(logical == si.dwNumberOfProcessors));

    GetModuleFileName(NULL, szPath, MAX_PATH);
    _tprintf(TEXT("module ends with SystemReport: %s, GetModuleHandle(NULL) != NULL: %s\n"),
             YESNO(_tcsstr(szPath, TEXT("SystemReport")) != NULL),
             YESNO(GetModuleHandle(NULL) != NULL));
    _tprintf(TEXT("GetComputerName: %s, GetUserName: %s\n"),
             YESNO(GetComputerName(szName, &cch) && cch == (DWORD)lstrlen(szName)),
             YESNO(GetUserName(szUser, &cchUser) && cchUser == (DWORD)lstrlen(szUser) + 1));
    _tprintf(TEXT("ids: %s, system directory: %s\n"),
             YESNO(GetCurrentProcessId() != 0 && GetCurrentThreadId() != 0),
             YESNO(GetSystemDirectory(szPath, MAX_PATH) > 0));
    return 0;
}
