/*
 * memoryapi.h - part of the winipc C ABI (see docs/c-abi.md): file mappings, the shared
 * memory of Win32 IPC (CreateFileMapping, OpenFileMapping, MapViewOfFile, UnmapViewOfFile,
 * FlushViewOfFile), and virtual memory (VirtualAlloc, VirtualFree, VirtualProtect,
 * VirtualQuery, VirtualLock, VirtualUnlock). <windows.h> includes it.
 */
#ifndef WINIPC_MEMORYAPI_H
#define WINIPC_MEMORYAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Page protections (winnt.h) and section attributes (accepted; memory is committed on touch). */
#ifndef PAGE_NOACCESS
#  define PAGE_NOACCESS          0x01
#  define PAGE_READONLY          0x02
#  define PAGE_READWRITE         0x04
#  define PAGE_WRITECOPY         0x08
#  define PAGE_EXECUTE           0x10
#  define PAGE_EXECUTE_READ      0x20
#  define PAGE_EXECUTE_READWRITE 0x40
#  define PAGE_EXECUTE_WRITECOPY 0x80
#endif
#ifndef SEC_COMMIT
#  define SEC_FILE      0x00800000
#  define SEC_IMAGE     0x01000000
#  define SEC_RESERVE   0x04000000
#  define SEC_COMMIT    0x08000000
#  define SEC_NOCACHE   0x10000000
#  define SEC_LARGE_PAGES 0x80000000
#endif

/* The errors of file mappings (winerror.h). */
#ifndef ERROR_INVALID_ADDRESS
#  define ERROR_INVALID_ADDRESS  487
#endif
#ifndef ERROR_FILE_INVALID
#  define ERROR_FILE_INVALID     1006
#endif
#ifndef ERROR_MAPPED_ALIGNMENT
#  define ERROR_MAPPED_ALIGNMENT 1132
#endif

/* Section access rights and MapViewOfFile's dwDesiredAccess. */
#define SECTION_QUERY         0x0001
#define SECTION_MAP_WRITE     0x0002
#define SECTION_MAP_READ      0x0004
#define SECTION_MAP_EXECUTE   0x0008
#define SECTION_EXTEND_SIZE   0x0010
#define SECTION_ALL_ACCESS    0x000F001F
#define FILE_MAP_COPY         0x0001
#define FILE_MAP_WRITE        0x0002
#define FILE_MAP_READ         0x0004
#define FILE_MAP_EXECUTE      0x0020
#define FILE_MAP_ALL_ACCESS   SECTION_ALL_ACCESS

WINBASEAPI HANDLE WINAPI CreateFileMappingA(HANDLE hFile,
                                            LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
                                            DWORD flProtect, DWORD dwMaximumSizeHigh,
                                            DWORD dwMaximumSizeLow, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateFileMappingW(HANDLE hFile,
                                            LPSECURITY_ATTRIBUTES lpFileMappingAttributes,
                                            DWORD flProtect, DWORD dwMaximumSizeHigh,
                                            DWORD dwMaximumSizeLow, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenFileMappingA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                          LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenFileMappingW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                          LPCWSTR lpName);
WINBASEAPI LPVOID WINAPI MapViewOfFile(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                       DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                       SIZE_T dwNumberOfBytesToMap);
/* lpBaseAddress must be NULL here (ERROR_INVALID_ADDRESS otherwise). */
WINBASEAPI LPVOID WINAPI MapViewOfFileEx(HANDLE hFileMappingObject, DWORD dwDesiredAccess,
                                         DWORD dwFileOffsetHigh, DWORD dwFileOffsetLow,
                                         SIZE_T dwNumberOfBytesToMap, LPVOID lpBaseAddress);
WINBASEAPI BOOL WINAPI UnmapViewOfFile(LPCVOID lpBaseAddress);
WINBASEAPI BOOL WINAPI FlushViewOfFile(LPCVOID lpBaseAddress, SIZE_T dwNumberOfBytesToFlush);

/* Virtual memory (winnt.h's MEM_ and PAGE_ modifiers, MEMORY_BASIC_INFORMATION). */
#ifndef MEM_COMMIT
#  define MEM_COMMIT       0x00001000
#  define MEM_RESERVE      0x00002000
#  define MEM_DECOMMIT     0x00004000
#  define MEM_RELEASE      0x00008000
#  define MEM_FREE         0x00010000
#  define MEM_PRIVATE      0x00020000
#  define MEM_MAPPED       0x00040000
#  define MEM_RESET        0x00080000
#  define MEM_TOP_DOWN     0x00100000
#  define MEM_IMAGE        0x01000000
#endif
#ifndef PAGE_GUARD
#  define PAGE_GUARD        0x100
#  define PAGE_NOCACHE      0x200
#  define PAGE_WRITECOMBINE 0x400
#endif
#ifndef ERROR_WORKING_SET_QUOTA
#  define ERROR_WORKING_SET_QUOTA 1453
#endif

typedef struct _MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;
    PVOID AllocationBase;
    DWORD AllocationProtect;
    WORD PartitionId;
    SIZE_T RegionSize;
    DWORD State;
    DWORD Protect;
    DWORD Type;
} MEMORY_BASIC_INFORMATION, *PMEMORY_BASIC_INFORMATION;

/* Reservations are aligned to 64 KiB and released whole (MEM_RELEASE with dwSize 0); commits
 * are by page. PAGE_GUARD is not supported (ERROR_NOT_SUPPORTED). */
WINBASEAPI LPVOID WINAPI VirtualAlloc(LPVOID lpAddress, SIZE_T dwSize, DWORD flAllocationType,
                                      DWORD flProtect);
WINBASEAPI BOOL WINAPI VirtualFree(LPVOID lpAddress, SIZE_T dwSize, DWORD dwFreeType);
WINBASEAPI BOOL WINAPI VirtualProtect(LPVOID lpAddress, SIZE_T dwSize, DWORD flNewProtect,
                                      PDWORD lpflOldProtect);
WINBASEAPI SIZE_T WINAPI VirtualQuery(LPCVOID lpAddress, PMEMORY_BASIC_INFORMATION lpBuffer,
                                      SIZE_T dwLength);
WINBASEAPI BOOL WINAPI VirtualLock(LPVOID lpAddress, SIZE_T dwSize);
WINBASEAPI BOOL WINAPI VirtualUnlock(LPVOID lpAddress, SIZE_T dwSize);
/* The Ex forms: hProcess the caller (GetCurrentProcess() or a handle to it); for another
 * process VirtualQueryEx reads its mappings, the others fail with ERROR_NOT_SUPPORTED. */
WINBASEAPI LPVOID WINAPI VirtualAllocEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                                        DWORD flAllocationType, DWORD flProtect);
WINBASEAPI BOOL WINAPI VirtualFreeEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                                     DWORD dwFreeType);
WINBASEAPI BOOL WINAPI VirtualProtectEx(HANDLE hProcess, LPVOID lpAddress, SIZE_T dwSize,
                                        DWORD flNewProtect, PDWORD lpflOldProtect);
WINBASEAPI SIZE_T WINAPI VirtualQueryEx(HANDLE hProcess, LPCVOID lpAddress,
                                        PMEMORY_BASIC_INFORMATION lpBuffer, SIZE_T dwLength);

#ifdef UNICODE
#  define CreateFileMapping CreateFileMappingW
#  define OpenFileMapping   OpenFileMappingW
#else
#  define CreateFileMapping CreateFileMappingA
#  define OpenFileMapping   OpenFileMappingA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_MEMORYAPI_H */
