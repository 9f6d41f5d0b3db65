/*
 * fileapi.h - part of the winipc C ABI (see docs/c-abi.md): the file system beyond
 * CreateFile - byte-range locks, file information and attributes, directories, moving,
 * copying and linking, directory searches (FindFirstFile), full path names, SearchPath and
 * disk space. <windows.h> includes it.
 *
 * MoveFile(Ex), CopyFile and CreateHardLink are declared in winbase.h on Windows and
 * SearchPath in processenv.h; here those headers are <windows.h>, which includes this one,
 * so every spelling reaches them.
 */
#ifndef WINIPC_FILEAPI_H
#define WINIPC_FILEAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

/* LockFileEx. */
#define LOCKFILE_FAIL_IMMEDIATELY   0x00000001
#define LOCKFILE_EXCLUSIVE_LOCK     0x00000002

/* Access rights for attributes only (CreateFile: the handle can query and set times). */
#ifndef FILE_READ_ATTRIBUTES
#  define FILE_READ_ATTRIBUTES  0x0080
#  define FILE_WRITE_ATTRIBUTES 0x0100
#endif

/* Attributes. */
#ifndef FILE_ATTRIBUTE_DIRECTORY
#  define FILE_ATTRIBUTE_DIRECTORY     0x00000010
#endif
#ifndef FILE_ATTRIBUTE_DEVICE
#  define FILE_ATTRIBUTE_DEVICE        0x00000040
#endif
#ifndef FILE_ATTRIBUTE_REPARSE_POINT
#  define FILE_ATTRIBUTE_REPARSE_POINT 0x00000400
#endif
#ifndef FILE_ATTRIBUTE_COMPRESSED
#  define FILE_ATTRIBUTE_COMPRESSED    0x00000800
#endif
#ifndef FILE_ATTRIBUTE_OFFLINE
#  define FILE_ATTRIBUTE_OFFLINE       0x00001000
#endif
#ifndef FILE_ATTRIBUTE_NOT_CONTENT_INDEXED
#  define FILE_ATTRIBUTE_NOT_CONTENT_INDEXED 0x00002000
#endif
#ifndef FILE_ATTRIBUTE_ENCRYPTED
#  define FILE_ATTRIBUTE_ENCRYPTED     0x00004000
#endif
#ifndef MAXDWORD
#  define MAXDWORD 0xffffffff
#endif
#define INVALID_FILE_ATTRIBUTES       ((DWORD)-1)

/* MoveFileEx. */
#define MOVEFILE_REPLACE_EXISTING     0x00000001
#define MOVEFILE_COPY_ALLOWED         0x00000002
#define MOVEFILE_DELAY_UNTIL_REBOOT   0x00000004
#define MOVEFILE_WRITE_THROUGH        0x00000008

/* FindFirstFileEx. */
#define FIND_FIRST_EX_CASE_SENSITIVE       0x00000001
#define FIND_FIRST_EX_LARGE_FETCH          0x00000002
#define FIND_FIRST_EX_ON_DISK_ENTRIES_ONLY 0x00000004

/* The errors of the file system (winerror.h). */
#ifndef ERROR_NOT_SAME_DEVICE
#  define ERROR_NOT_SAME_DEVICE       17
#endif
#ifndef ERROR_LOCK_VIOLATION
#  define ERROR_LOCK_VIOLATION        33
#endif
#ifndef ERROR_DIR_NOT_EMPTY
#  define ERROR_DIR_NOT_EMPTY         145
#endif

typedef struct _BY_HANDLE_FILE_INFORMATION {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD dwVolumeSerialNumber;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD nNumberOfLinks;
    DWORD nFileIndexHigh;
    DWORD nFileIndexLow;
} BY_HANDLE_FILE_INFORMATION, *PBY_HANDLE_FILE_INFORMATION, *LPBY_HANDLE_FILE_INFORMATION;

typedef enum _GET_FILEEX_INFO_LEVELS {
    GetFileExInfoStandard,
    GetFileExMaxInfoLevel
} GET_FILEEX_INFO_LEVELS;

typedef struct _WIN32_FILE_ATTRIBUTE_DATA {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
} WIN32_FILE_ATTRIBUTE_DATA, *LPWIN32_FILE_ATTRIBUTE_DATA;

typedef struct _WIN32_FIND_DATAA {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD dwReserved0;
    DWORD dwReserved1;
    CHAR cFileName[MAX_PATH];
    CHAR cAlternateFileName[14];
} WIN32_FIND_DATAA, *PWIN32_FIND_DATAA, *LPWIN32_FIND_DATAA;

typedef struct _WIN32_FIND_DATAW {
    DWORD dwFileAttributes;
    FILETIME ftCreationTime;
    FILETIME ftLastAccessTime;
    FILETIME ftLastWriteTime;
    DWORD nFileSizeHigh;
    DWORD nFileSizeLow;
    DWORD dwReserved0;
    DWORD dwReserved1;
    WCHAR cFileName[MAX_PATH];
    WCHAR cAlternateFileName[14];
} WIN32_FIND_DATAW, *PWIN32_FIND_DATAW, *LPWIN32_FIND_DATAW;

typedef enum _FINDEX_INFO_LEVELS {
    FindExInfoStandard,
    FindExInfoBasic,
    FindExInfoMaxInfoLevel
} FINDEX_INFO_LEVELS;

typedef enum _FINDEX_SEARCH_OPS {
    FindExSearchNameMatch,
    FindExSearchLimitToDirectories,
    FindExSearchLimitToDevices,
    FindExSearchMaxSearchOp
} FINDEX_SEARCH_OPS;

/* Byte-range locks (Linux open-file-description locks; ReadFile/WriteFile honour them,
 * other Linux programs need not: see docs/c-abi.md). */
WINBASEAPI BOOL WINAPI LockFile(HANDLE hFile, DWORD dwFileOffsetLow, DWORD dwFileOffsetHigh,
                                DWORD nNumberOfBytesToLockLow,
                                DWORD nNumberOfBytesToLockHigh);
WINBASEAPI BOOL WINAPI UnlockFile(HANDLE hFile, DWORD dwFileOffsetLow, DWORD dwFileOffsetHigh,
                                  DWORD nNumberOfBytesToUnlockLow,
                                  DWORD nNumberOfBytesToUnlockHigh);
WINBASEAPI BOOL WINAPI LockFileEx(HANDLE hFile, DWORD dwFlags, DWORD dwReserved,
                                  DWORD nNumberOfBytesToLockLow,
                                  DWORD nNumberOfBytesToLockHigh, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI UnlockFileEx(HANDLE hFile, DWORD dwReserved,
                                    DWORD nNumberOfBytesToUnlockLow,
                                    DWORD nNumberOfBytesToUnlockHigh,
                                    LPOVERLAPPED lpOverlapped);

/* Information and attributes. */
WINBASEAPI BOOL WINAPI SetEndOfFile(HANDLE hFile);
WINBASEAPI BOOL WINAPI GetFileInformationByHandle(
    HANDLE hFile, LPBY_HANDLE_FILE_INFORMATION lpFileInformation);
WINBASEAPI BOOL WINAPI GetFileTime(HANDLE hFile, LPFILETIME lpCreationTime,
                                   LPFILETIME lpLastAccessTime, LPFILETIME lpLastWriteTime);
WINBASEAPI LONG WINAPI CompareFileTime(const FILETIME *lpFileTime1, const FILETIME *lpFileTime2);
WINBASEAPI BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *lpFileTime,
                                               LPFILETIME lpLocalFileTime);
WINBASEAPI BOOL WINAPI LocalFileTimeToFileTime(const FILETIME *lpLocalFileTime,
                                               LPFILETIME lpFileTime);
WINBASEAPI BOOL WINAPI SetFileTime(HANDLE hFile, const FILETIME *lpCreationTime,
                                   const FILETIME *lpLastAccessTime,
                                   const FILETIME *lpLastWriteTime);
WINBASEAPI DWORD WINAPI GetFileAttributesA(LPCSTR lpFileName);
WINBASEAPI DWORD WINAPI GetFileAttributesW(LPCWSTR lpFileName);
WINBASEAPI BOOL WINAPI GetFileAttributesExA(LPCSTR lpFileName,
                                            GET_FILEEX_INFO_LEVELS fInfoLevelId,
                                            LPVOID lpFileInformation);
WINBASEAPI BOOL WINAPI GetFileAttributesExW(LPCWSTR lpFileName,
                                            GET_FILEEX_INFO_LEVELS fInfoLevelId,
                                            LPVOID lpFileInformation);
WINBASEAPI BOOL WINAPI SetFileAttributesA(LPCSTR lpFileName, DWORD dwFileAttributes);
WINBASEAPI BOOL WINAPI SetFileAttributesW(LPCWSTR lpFileName, DWORD dwFileAttributes);

/* Directories, moving, copying, links. */
WINBASEAPI BOOL WINAPI CreateDirectoryA(LPCSTR lpPathName,
                                        LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI CreateDirectoryW(LPCWSTR lpPathName,
                                        LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI RemoveDirectoryA(LPCSTR lpPathName);
WINBASEAPI BOOL WINAPI RemoveDirectoryW(LPCWSTR lpPathName);
WINBASEAPI BOOL WINAPI MoveFileA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName);
WINBASEAPI BOOL WINAPI MoveFileW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName);
WINBASEAPI BOOL WINAPI MoveFileExA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName,
                                   DWORD dwFlags);
WINBASEAPI BOOL WINAPI MoveFileExW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName,
                                   DWORD dwFlags);
WINBASEAPI BOOL WINAPI CopyFileA(LPCSTR lpExistingFileName, LPCSTR lpNewFileName,
                                 BOOL bFailIfExists);
WINBASEAPI BOOL WINAPI CopyFileW(LPCWSTR lpExistingFileName, LPCWSTR lpNewFileName,
                                 BOOL bFailIfExists);
WINBASEAPI BOOL WINAPI CreateHardLinkA(LPCSTR lpFileName, LPCSTR lpExistingFileName,
                                       LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI CreateHardLinkW(LPCWSTR lpFileName, LPCWSTR lpExistingFileName,
                                       LPSECURITY_ATTRIBUTES lpSecurityAttributes);

/* Directory searches. */
WINBASEAPI HANDLE WINAPI FindFirstFileA(LPCSTR lpFileName, LPWIN32_FIND_DATAA lpFindFileData);
WINBASEAPI HANDLE WINAPI FindFirstFileW(LPCWSTR lpFileName, LPWIN32_FIND_DATAW lpFindFileData);
WINBASEAPI HANDLE WINAPI FindFirstFileExA(LPCSTR lpFileName, FINDEX_INFO_LEVELS fInfoLevelId,
                                          LPVOID lpFindFileData, FINDEX_SEARCH_OPS fSearchOp,
                                          LPVOID lpSearchFilter, DWORD dwAdditionalFlags);
WINBASEAPI HANDLE WINAPI FindFirstFileExW(LPCWSTR lpFileName, FINDEX_INFO_LEVELS fInfoLevelId,
                                          LPVOID lpFindFileData, FINDEX_SEARCH_OPS fSearchOp,
                                          LPVOID lpSearchFilter, DWORD dwAdditionalFlags);
WINBASEAPI BOOL WINAPI FindNextFileA(HANDLE hFindFile, LPWIN32_FIND_DATAA lpFindFileData);
WINBASEAPI BOOL WINAPI FindNextFileW(HANDLE hFindFile, LPWIN32_FIND_DATAW lpFindFileData);
WINBASEAPI BOOL WINAPI FindClose(HANDLE hFindFile);

/* Names and space. */
WINBASEAPI DWORD WINAPI GetFullPathNameA(LPCSTR lpFileName, DWORD nBufferLength,
                                         LPSTR lpBuffer, LPSTR *lpFilePart);
WINBASEAPI DWORD WINAPI GetFullPathNameW(LPCWSTR lpFileName, DWORD nBufferLength,
                                         LPWSTR lpBuffer, LPWSTR *lpFilePart);
WINBASEAPI DWORD WINAPI SearchPathA(LPCSTR lpPath, LPCSTR lpFileName, LPCSTR lpExtension,
                                    DWORD nBufferLength, LPSTR lpBuffer, LPSTR *lpFilePart);
WINBASEAPI DWORD WINAPI SearchPathW(LPCWSTR lpPath, LPCWSTR lpFileName, LPCWSTR lpExtension,
                                    DWORD nBufferLength, LPWSTR lpBuffer, LPWSTR *lpFilePart);
WINBASEAPI BOOL WINAPI GetDiskFreeSpaceA(LPCSTR lpRootPathName, LPDWORD lpSectorsPerCluster,
                                         LPDWORD lpBytesPerSector,
                                         LPDWORD lpNumberOfFreeClusters,
                                         LPDWORD lpTotalNumberOfClusters);
WINBASEAPI BOOL WINAPI GetDiskFreeSpaceW(LPCWSTR lpRootPathName, LPDWORD lpSectorsPerCluster,
                                         LPDWORD lpBytesPerSector,
                                         LPDWORD lpNumberOfFreeClusters,
                                         LPDWORD lpTotalNumberOfClusters);
WINBASEAPI BOOL WINAPI GetDiskFreeSpaceExA(LPCSTR lpDirectoryName,
                                           PULARGE_INTEGER lpFreeBytesAvailableToCaller,
                                           PULARGE_INTEGER lpTotalNumberOfBytes,
                                           PULARGE_INTEGER lpTotalNumberOfFreeBytes);
WINBASEAPI BOOL WINAPI GetDiskFreeSpaceExW(LPCWSTR lpDirectoryName,
                                           PULARGE_INTEGER lpFreeBytesAvailableToCaller,
                                           PULARGE_INTEGER lpTotalNumberOfBytes,
                                           PULARGE_INTEGER lpTotalNumberOfFreeBytes);
/* Directory change notifications (inotify): the handle is signaled while changes are
 * unread; FindNextChangeNotification reads them away (docs/c-abi.md). */
#ifndef FILE_NOTIFY_CHANGE_FILE_NAME
#  define FILE_NOTIFY_CHANGE_FILE_NAME   0x00000001
#  define FILE_NOTIFY_CHANGE_DIR_NAME    0x00000002
#  define FILE_NOTIFY_CHANGE_ATTRIBUTES  0x00000004
#  define FILE_NOTIFY_CHANGE_SIZE        0x00000008
#  define FILE_NOTIFY_CHANGE_LAST_WRITE  0x00000010
#  define FILE_NOTIFY_CHANGE_LAST_ACCESS 0x00000020
#  define FILE_NOTIFY_CHANGE_CREATION    0x00000040
#  define FILE_NOTIFY_CHANGE_SECURITY    0x00000100
#endif
WINBASEAPI HANDLE WINAPI FindFirstChangeNotificationA(LPCSTR lpPathName, BOOL bWatchSubtree,
                                                      DWORD dwNotifyFilter);
WINBASEAPI HANDLE WINAPI FindFirstChangeNotificationW(LPCWSTR lpPathName, BOOL bWatchSubtree,
                                                      DWORD dwNotifyFilter);
WINBASEAPI BOOL WINAPI FindNextChangeNotification(HANDLE hChangeHandle);
WINBASEAPI BOOL WINAPI FindCloseChangeNotification(HANDLE hChangeHandle);
/* Drives: C: is the root of the file system (paths map as CreateFile's do); GetDriveType
 * classifies a directory by its file system (docs/c-abi.md). */
#define DRIVE_UNKNOWN     0
#define DRIVE_NO_ROOT_DIR 1
#define DRIVE_REMOVABLE   2
#define DRIVE_FIXED       3
#define DRIVE_REMOTE      4
#define DRIVE_CDROM       5
#define DRIVE_RAMDISK     6
WINBASEAPI DWORD WINAPI GetLogicalDrives(void);
WINBASEAPI DWORD WINAPI GetLogicalDriveStringsA(DWORD nBufferLength, LPSTR lpBuffer);
WINBASEAPI DWORD WINAPI GetLogicalDriveStringsW(DWORD nBufferLength, LPWSTR lpBuffer);
WINBASEAPI UINT WINAPI GetDriveTypeA(LPCSTR lpRootPathName);
WINBASEAPI UINT WINAPI GetDriveTypeW(LPCWSTR lpRootPathName);

#ifdef UNICODE
#  define GetFileAttributes    GetFileAttributesW
#  define GetFileAttributesEx  GetFileAttributesExW
#  define SetFileAttributes    SetFileAttributesW
#  define CreateDirectory      CreateDirectoryW
#  define RemoveDirectory      RemoveDirectoryW
#  define MoveFile             MoveFileW
#  define MoveFileEx           MoveFileExW
#  define CopyFile             CopyFileW
#  define CreateHardLink       CreateHardLinkW
#  define FindFirstFile        FindFirstFileW
#  define FindFirstFileEx      FindFirstFileExW
#  define FindNextFile         FindNextFileW
#  define GetFullPathName      GetFullPathNameW
#  define SearchPath           SearchPathW
#  define GetDiskFreeSpace     GetDiskFreeSpaceW
#  define GetDiskFreeSpaceEx   GetDiskFreeSpaceExW
#  define GetLogicalDriveStrings GetLogicalDriveStringsW
#  define GetDriveType         GetDriveTypeW
#  define FindFirstChangeNotification FindFirstChangeNotificationW
typedef WIN32_FIND_DATAW   WIN32_FIND_DATA;
typedef PWIN32_FIND_DATAW  PWIN32_FIND_DATA;
typedef LPWIN32_FIND_DATAW LPWIN32_FIND_DATA;
#else
#  define GetFileAttributes    GetFileAttributesA
#  define GetFileAttributesEx  GetFileAttributesExA
#  define SetFileAttributes    SetFileAttributesA
#  define CreateDirectory      CreateDirectoryA
#  define RemoveDirectory      RemoveDirectoryA
#  define MoveFile             MoveFileA
#  define MoveFileEx           MoveFileExA
#  define CopyFile             CopyFileA
#  define CreateHardLink       CreateHardLinkA
#  define FindFirstFile        FindFirstFileA
#  define FindFirstFileEx      FindFirstFileExA
#  define FindNextFile         FindNextFileA
#  define GetFullPathName      GetFullPathNameA
#  define SearchPath           SearchPathA
#  define GetDiskFreeSpace     GetDiskFreeSpaceA
#  define GetDiskFreeSpaceEx   GetDiskFreeSpaceExA
#  define GetLogicalDriveStrings GetLogicalDriveStringsA
#  define GetDriveType         GetDriveTypeA
#  define FindFirstChangeNotification FindFirstChangeNotificationA
typedef WIN32_FIND_DATAA   WIN32_FIND_DATA;
typedef PWIN32_FIND_DATAA  PWIN32_FIND_DATA;
typedef LPWIN32_FIND_DATAA LPWIN32_FIND_DATA;
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_FILEAPI_H */
