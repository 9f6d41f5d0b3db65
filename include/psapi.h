/*
 * psapi.h - the process status API, implemented by libwinipc from /proc (see
 * docs/c-abi.md). Part of the winipc C ABI. A process has one module here,
 * its program.
 */
#ifndef WINIPC_PSAPI_H
#define WINIPC_PSAPI_H

#include <windows.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _PROCESS_MEMORY_COUNTERS {
    DWORD cb;
    DWORD PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
} PROCESS_MEMORY_COUNTERS, *PPROCESS_MEMORY_COUNTERS;

typedef struct _PROCESS_MEMORY_COUNTERS_EX {
    DWORD cb;
    DWORD PageFaultCount;
    SIZE_T PeakWorkingSetSize;
    SIZE_T WorkingSetSize;
    SIZE_T QuotaPeakPagedPoolUsage;
    SIZE_T QuotaPagedPoolUsage;
    SIZE_T QuotaPeakNonPagedPoolUsage;
    SIZE_T QuotaNonPagedPoolUsage;
    SIZE_T PagefileUsage;
    SIZE_T PeakPagefileUsage;
    SIZE_T PrivateUsage;
} PROCESS_MEMORY_COUNTERS_EX, *PPROCESS_MEMORY_COUNTERS_EX;

WINBASEAPI BOOL WINAPI EnumProcesses(DWORD *lpidProcess, DWORD cb, LPDWORD lpcbNeeded);
WINBASEAPI BOOL WINAPI EnumProcessModules(HANDLE hProcess, HMODULE *lphModule, DWORD cb,
                                          LPDWORD lpcbNeeded);
WINBASEAPI DWORD WINAPI GetModuleBaseNameA(HANDLE hProcess, HMODULE hModule, LPSTR lpBaseName,
                                           DWORD nSize);
WINBASEAPI DWORD WINAPI GetModuleBaseNameW(HANDLE hProcess, HMODULE hModule, LPWSTR lpBaseName,
                                           DWORD nSize);
WINBASEAPI DWORD WINAPI GetModuleFileNameExA(HANDLE hProcess, HMODULE hModule, LPSTR lpFilename,
                                             DWORD nSize);
WINBASEAPI DWORD WINAPI GetModuleFileNameExW(HANDLE hProcess, HMODULE hModule,
                                             LPWSTR lpFilename, DWORD nSize);
WINBASEAPI DWORD WINAPI GetProcessImageFileNameA(HANDLE hProcess, LPSTR lpImageFileName,
                                                 DWORD nSize);
WINBASEAPI DWORD WINAPI GetProcessImageFileNameW(HANDLE hProcess, LPWSTR lpImageFileName,
                                                 DWORD nSize);
WINBASEAPI BOOL WINAPI GetProcessMemoryInfo(HANDLE Process,
                                            PPROCESS_MEMORY_COUNTERS ppsmemCounters, DWORD cb);

/* PSAPI_VERSION 2 names. */
#define K32EnumProcesses            EnumProcesses
#define K32EnumProcessModules       EnumProcessModules
#define K32GetModuleBaseNameA       GetModuleBaseNameA
#define K32GetModuleBaseNameW       GetModuleBaseNameW
#define K32GetModuleFileNameExA     GetModuleFileNameExA
#define K32GetModuleFileNameExW     GetModuleFileNameExW
#define K32GetProcessImageFileNameA GetProcessImageFileNameA
#define K32GetProcessImageFileNameW GetProcessImageFileNameW
#define K32GetProcessMemoryInfo     GetProcessMemoryInfo

#ifdef UNICODE
#  define GetModuleBaseName       GetModuleBaseNameW
#  define GetModuleFileNameEx     GetModuleFileNameExW
#  define GetProcessImageFileName GetProcessImageFileNameW
#else
#  define GetModuleBaseName       GetModuleBaseNameA
#  define GetModuleFileNameEx     GetModuleFileNameExA
#  define GetProcessImageFileName GetProcessImageFileNameA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_PSAPI_H */
