/*
 * jobapi2.h - part of the winipc C ABI (see docs/c-abi.md): job objects (CreateJobObject,
 * OpenJobObject, AssignProcessToJobObject, TerminateJobObject, QueryInformationJobObject,
 * SetInformationJobObject; the A forms are winbase.h's, the structures winnt.h's).
 * <windows.h> includes it. A job lives in the process that created it: see docs/c-abi.md.
 */
#ifndef WINIPC_JOBAPI2_H
#define WINIPC_JOBAPI2_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifndef ERROR_NOT_ENOUGH_QUOTA
#  define ERROR_NOT_ENOUGH_QUOTA 1816
#endif

/* Access rights. */
#define JOB_OBJECT_ASSIGN_PROCESS          0x0001
#define JOB_OBJECT_SET_ATTRIBUTES          0x0002
#define JOB_OBJECT_QUERY                   0x0004
#define JOB_OBJECT_TERMINATE               0x0008
#define JOB_OBJECT_SET_SECURITY_ATTRIBUTES 0x0010
#define JOB_OBJECT_ALL_ACCESS              0x001F001F

/* Limit flags. winipc keeps ACTIVE_PROCESS, KILL_ON_JOB_CLOSE, BREAKAWAY_OK,
 * SILENT_BREAKAWAY_OK, DIE_ON_UNHANDLED_EXCEPTION and PRESERVE_JOB_TIME; the others make
 * SetInformationJobObject fail with ERROR_NOT_SUPPORTED. */
#define JOB_OBJECT_LIMIT_WORKINGSET                 0x00000001
#define JOB_OBJECT_LIMIT_PROCESS_TIME               0x00000002
#define JOB_OBJECT_LIMIT_JOB_TIME                   0x00000004
#define JOB_OBJECT_LIMIT_ACTIVE_PROCESS             0x00000008
#define JOB_OBJECT_LIMIT_AFFINITY                   0x00000010
#define JOB_OBJECT_LIMIT_PRIORITY_CLASS             0x00000020
#define JOB_OBJECT_LIMIT_PRESERVE_JOB_TIME          0x00000040
#define JOB_OBJECT_LIMIT_SCHEDULING_CLASS           0x00000080
#define JOB_OBJECT_LIMIT_PROCESS_MEMORY             0x00000100
#define JOB_OBJECT_LIMIT_JOB_MEMORY                 0x00000200
#define JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION 0x00000400
#define JOB_OBJECT_LIMIT_BREAKAWAY_OK               0x00000800
#define JOB_OBJECT_LIMIT_SILENT_BREAKAWAY_OK        0x00001000
#define JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE          0x00002000

/* Completion-port messages (the packet's byte count; lpOverlapped is the process id). */
#define JOB_OBJECT_MSG_END_OF_JOB_TIME         1
#define JOB_OBJECT_MSG_END_OF_PROCESS_TIME     2
#define JOB_OBJECT_MSG_ACTIVE_PROCESS_LIMIT    3
#define JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO     4
#define JOB_OBJECT_MSG_NEW_PROCESS             6
#define JOB_OBJECT_MSG_EXIT_PROCESS            7
#define JOB_OBJECT_MSG_ABNORMAL_EXIT_PROCESS   8
#define JOB_OBJECT_MSG_PROCESS_MEMORY_LIMIT    9
#define JOB_OBJECT_MSG_JOB_MEMORY_LIMIT        10

/* UI restrictions (recorded; winipc has no windows to restrict). */
#define JOB_OBJECT_UILIMIT_NONE             0x00000000
#define JOB_OBJECT_UILIMIT_HANDLES          0x00000001
#define JOB_OBJECT_UILIMIT_READCLIPBOARD    0x00000002
#define JOB_OBJECT_UILIMIT_WRITECLIPBOARD   0x00000004
#define JOB_OBJECT_UILIMIT_SYSTEMPARAMETERS 0x00000008
#define JOB_OBJECT_UILIMIT_DISPLAYSETTINGS  0x00000010
#define JOB_OBJECT_UILIMIT_GLOBALATOMS      0x00000020
#define JOB_OBJECT_UILIMIT_DESKTOP          0x00000040
#define JOB_OBJECT_UILIMIT_EXITWINDOWS      0x00000080

#define JOB_OBJECT_TERMINATE_AT_END_OF_JOB 0
#define JOB_OBJECT_POST_AT_END_OF_JOB      1

typedef enum _JOBOBJECTINFOCLASS {
    JobObjectBasicAccountingInformation = 1,
    JobObjectBasicLimitInformation = 2,
    JobObjectBasicProcessIdList = 3,
    JobObjectBasicUIRestrictions = 4,
    JobObjectSecurityLimitInformation = 5,
    JobObjectEndOfJobTimeInformation = 6,
    JobObjectAssociateCompletionPortInformation = 7,
    JobObjectBasicAndIoAccountingInformation = 8,
    JobObjectExtendedLimitInformation = 9
} JOBOBJECTINFOCLASS;

typedef struct _IO_COUNTERS {
    ULONGLONG ReadOperationCount;
    ULONGLONG WriteOperationCount;
    ULONGLONG OtherOperationCount;
    ULONGLONG ReadTransferCount;
    ULONGLONG WriteTransferCount;
    ULONGLONG OtherTransferCount;
} IO_COUNTERS, *PIO_COUNTERS;

typedef struct _JOBOBJECT_BASIC_ACCOUNTING_INFORMATION {
    LARGE_INTEGER TotalUserTime;
    LARGE_INTEGER TotalKernelTime;
    LARGE_INTEGER ThisPeriodTotalUserTime;
    LARGE_INTEGER ThisPeriodTotalKernelTime;
    DWORD TotalPageFaultCount;
    DWORD TotalProcesses;
    DWORD ActiveProcesses;
    DWORD TotalTerminatedProcesses;
} JOBOBJECT_BASIC_ACCOUNTING_INFORMATION, *PJOBOBJECT_BASIC_ACCOUNTING_INFORMATION;

typedef struct _JOBOBJECT_BASIC_LIMIT_INFORMATION {
    LARGE_INTEGER PerProcessUserTimeLimit;
    LARGE_INTEGER PerJobUserTimeLimit;
    DWORD LimitFlags;
    SIZE_T MinimumWorkingSetSize;
    SIZE_T MaximumWorkingSetSize;
    DWORD ActiveProcessLimit;
    ULONG_PTR Affinity;
    DWORD PriorityClass;
    DWORD SchedulingClass;
} JOBOBJECT_BASIC_LIMIT_INFORMATION, *PJOBOBJECT_BASIC_LIMIT_INFORMATION;

typedef struct _JOBOBJECT_EXTENDED_LIMIT_INFORMATION {
    JOBOBJECT_BASIC_LIMIT_INFORMATION BasicLimitInformation;
    IO_COUNTERS IoInfo;
    SIZE_T ProcessMemoryLimit;
    SIZE_T JobMemoryLimit;
    SIZE_T PeakProcessMemoryUsed;
    SIZE_T PeakJobMemoryUsed;
} JOBOBJECT_EXTENDED_LIMIT_INFORMATION, *PJOBOBJECT_EXTENDED_LIMIT_INFORMATION;

typedef struct _JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION {
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION BasicInfo;
    IO_COUNTERS IoInfo;
} JOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION,
    *PJOBOBJECT_BASIC_AND_IO_ACCOUNTING_INFORMATION;

typedef struct _JOBOBJECT_BASIC_PROCESS_ID_LIST {
    DWORD NumberOfAssignedProcesses;
    DWORD NumberOfProcessIdsInList;
    ULONG_PTR ProcessIdList[1];
} JOBOBJECT_BASIC_PROCESS_ID_LIST, *PJOBOBJECT_BASIC_PROCESS_ID_LIST;

typedef struct _JOBOBJECT_BASIC_UI_RESTRICTIONS {
    DWORD UIRestrictionsClass;
} JOBOBJECT_BASIC_UI_RESTRICTIONS, *PJOBOBJECT_BASIC_UI_RESTRICTIONS;

typedef struct _JOBOBJECT_ASSOCIATE_COMPLETION_PORT {
    PVOID CompletionKey;
    HANDLE CompletionPort;
} JOBOBJECT_ASSOCIATE_COMPLETION_PORT, *PJOBOBJECT_ASSOCIATE_COMPLETION_PORT;

typedef struct _JOBOBJECT_END_OF_JOB_TIME_INFORMATION {
    DWORD EndOfJobTimeAction;
} JOBOBJECT_END_OF_JOB_TIME_INFORMATION, *PJOBOBJECT_END_OF_JOB_TIME_INFORMATION;

WINBASEAPI HANDLE WINAPI CreateJobObjectA(LPSECURITY_ATTRIBUTES lpJobAttributes, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateJobObjectW(LPSECURITY_ATTRIBUTES lpJobAttributes, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenJobObjectA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                        LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenJobObjectW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                        LPCWSTR lpName);
WINBASEAPI BOOL WINAPI AssignProcessToJobObject(HANDLE hJob, HANDLE hProcess);
WINBASEAPI BOOL WINAPI TerminateJobObject(HANDLE hJob, UINT uExitCode);
WINBASEAPI BOOL WINAPI QueryInformationJobObject(HANDLE hJob,
                                                 JOBOBJECTINFOCLASS JobObjectInformationClass,
                                                 LPVOID lpJobObjectInformation,
                                                 DWORD cbJobObjectInformationLength,
                                                 LPDWORD lpReturnLength);
WINBASEAPI BOOL WINAPI SetInformationJobObject(HANDLE hJob,
                                               JOBOBJECTINFOCLASS JobObjectInformationClass,
                                               LPVOID lpJobObjectInformation,
                                               DWORD cbJobObjectInformationLength);

#ifdef UNICODE
#  define CreateJobObject CreateJobObjectW
#  define OpenJobObject   OpenJobObjectW
#else
#  define CreateJobObject CreateJobObjectA
#  define OpenJobObject   OpenJobObjectA
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_JOBAPI2_H */
