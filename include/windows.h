/*
 * windows.h - the Win32 subset implemented by libwinipc on Linux.
 *
 * This header is the ABI contract between Win32-style C/C++ programs and
 * libwinipc (Rust, C linkage).  Every type, constant and prototype here has
 * the layout and value documented by Microsoft, adapted to LP64 Linux so that
 * Windows sizes are kept (DWORD and LONG are 32-bit, handles are pointers).
 * The behaviour each function must have is specified in docs/c-abi.md.
 *
 *     cc -Iinclude prog.c -Ltarget/release -lwinipc
 *
 * Character sets: every string function exists as ...A (char, UTF-8 on Linux)
 * and ...W (WCHAR, UTF-16).  The undecorated name maps to ...W when UNICODE is
 * defined and to ...A otherwise.  See winipc_wchar.h for the WCHAR type.
 *
 * Macros that change what this header declares:
 *   UNICODE          undecorated names, TCHAR and TEXT() become wide.
 *   NOMINMAX         suppresses the min()/max() macros (never defined in C++).
 *   NONAMELESSUNION  gives OVERLAPPED/LARGE_INTEGER only their named members.
 */
#ifndef WINIPC_WINDOWS_H
#define WINIPC_WINDOWS_H

#include <stdarg.h>  /* va_list (FormatMessage) */
#include <stddef.h>  /* size_t, wchar_t */
#include <stdint.h>  /* intptr_t, uintptr_t */
#include <string.h>  /* memset/memcpy/memmove/memcmp used by the *Memory macros */

#include "winipc_wchar.h"
#include "winipc_version.h"  /* WINIPC_VERSION */

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Calling conventions and decorations: all empty on Linux.                 */
/* ------------------------------------------------------------------------ */

#define WINAPI
#define WINAPIV
#define APIENTRY
#define CALLBACK
#define WINBASEAPI
#define NTAPI

/* MSVC's own pragmas - #pragma comment(lib, "ws2_32.lib"), #pragma warning(disable: 4996),
 * #pragma region - are everywhere in Windows code and mean nothing here: from this point on,
 * unknown pragmas are not reported (-Wunknown-pragmas, part of -Wall). g++ before 13 does not
 * honour this for its preprocessor's warnings (GCC bug 53431): there, -Wno-unknown-pragmas. */
#if (defined(__GNUC__) || defined(__clang__)) && !defined(WINIPC_KEEP_UNKNOWN_PRAGMAS)
#  pragma GCC diagnostic ignored "-Wunknown-pragmas"
#endif

/* MSVC's calling-convention keywords, which the x64 compiler accepts and ignores
 * (`unsigned __stdcall ThreadFunc(void *)` for _beginthreadex), and __declspec with the
 * storage classes Windows code uses: thread (a thread-local variable), dllexport (visible),
 * dllimport, noinline, noreturn, selectany (weak), align(n), novtable and nothrow. */
#if !defined(_MSC_VER) && !defined(__MINGW32__)
#  ifndef __stdcall
#    define __stdcall
#  endif
#  ifndef _stdcall
#    define _stdcall
#  endif
#  ifndef __cdecl
#    define __cdecl
#  endif
#  ifndef _cdecl
#    define _cdecl
#  endif
#  ifndef __fastcall
#    define __fastcall
#  endif
#  ifndef __thiscall
#    define __thiscall
#  endif
#  if !defined(__declspec) && (defined(__GNUC__) || defined(__clang__))
#    define __declspec(x) __winipc_declspec_##x
#    define __winipc_declspec_thread __thread
#    define __winipc_declspec_dllexport __attribute__((__visibility__("default")))
#    define __winipc_declspec_dllimport
#    define __winipc_declspec_noinline __attribute__((__noinline__))
#    define __winipc_declspec_noreturn __attribute__((__noreturn__))
#    define __winipc_declspec_selectany __attribute__((__weak__))
#    define __winipc_declspec_align(n) __attribute__((__aligned__(n)))
#    define __winipc_declspec_novtable
#    define __winipc_declspec_nothrow
#  endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define DECLSPEC_NORETURN __attribute__((__noreturn__))
#elif defined(__cplusplus) && __cplusplus >= 201103L
#  define DECLSPEC_NORETURN [[noreturn]]
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#  define DECLSPEC_NORETURN _Noreturn
#else
#  define DECLSPEC_NORETURN
#endif
#if defined(__GNUC__) || defined(__clang__)
#  define DECLSPEC_ALIGN(x) __attribute__((__aligned__(x)))
#else
#  define DECLSPEC_ALIGN(x)
#endif

/* Anonymous struct/union members: standard in C11, a GNU extension elsewhere
 * (silenced with __extension__).  Without either, only the named members. */
#if !defined(NONAMELESSUNION) && (defined(__GNUC__) || defined(__clang__))
#  define WINIPC_NAMELESS_OK 1
#  define WINIPC_EXTENSION __extension__
#elif !defined(NONAMELESSUNION) && !defined(__cplusplus) && \
    defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#  define WINIPC_NAMELESS_OK 1
#  define WINIPC_EXTENSION
#endif

#define VOID void
#define CONST const
#ifndef FALSE
#  define FALSE 0
#endif
#ifndef TRUE
#  define TRUE 1
#endif
#ifndef NULL
#  define NULL ((void *)0)
#endif

/* ------------------------------------------------------------------------ */
/* Basic types (Windows sizes on LP64: DWORD/LONG/ULONG are 32-bit).        */
/* ------------------------------------------------------------------------ */

typedef unsigned char       BYTE, *PBYTE, *LPBYTE;
typedef unsigned char       UCHAR, *PUCHAR;
typedef unsigned short      WORD, *PWORD, *LPWORD;
typedef unsigned short      USHORT, *PUSHORT;
typedef short               SHORT, *PSHORT;
typedef unsigned int        DWORD, *PDWORD, *LPDWORD;
typedef int                 LONG, *PLONG, *LPLONG;
typedef unsigned int        ULONG, *PULONG;
typedef int                 BOOL, *PBOOL, *LPBOOL;
typedef BYTE                BOOLEAN, *PBOOLEAN;
typedef unsigned int        UINT, *PUINT;
typedef int                 INT, *PINT, *LPINT;
typedef float               FLOAT, *PFLOAT;
typedef signed char         INT8;
typedef unsigned char       UINT8;
typedef short               INT16;
typedef unsigned short      UINT16;
typedef int                 INT32, LONG32;
typedef unsigned int        UINT32, ULONG32, DWORD32;
typedef long long           LONGLONG, *PLONGLONG, INT64, LONG64;
typedef unsigned long long  ULONGLONG, *PULONGLONG, DWORDLONG, DWORD64, UINT64, ULONG64;

/* Pointer-sized integers (64-bit on LP64, like Win64). */
typedef intptr_t            INT_PTR, *PINT_PTR, LONG_PTR, *PLONG_PTR, SSIZE_T;
typedef uintptr_t           UINT_PTR, *PUINT_PTR, ULONG_PTR, *PULONG_PTR, DWORD_PTR, *PDWORD_PTR;
typedef size_t              SIZE_T, *PSIZE_T;

typedef void               *PVOID, *LPVOID;
typedef const void         *LPCVOID, *PCVOID;

/* Handles are opaque pointers.  The values are process-local (as on
 * Windows); an inherited handle has the same value in the child. */
typedef void               *HANDLE, **PHANDLE, **LPHANDLE;
typedef HANDLE              HMODULE, HINSTANCE, HLOCAL, HGLOBAL;

/* Characters and strings.  CHAR strings are UTF-8 on Linux. */
typedef char                CHAR, *PCHAR, *LPCH, *PCH;
typedef char               *LPSTR, *PSTR, *NPSTR;
typedef const char         *LPCSTR, *PCSTR, *LPCCH, *PCCH;
typedef winipc_wchar        WCHAR, *PWCHAR, *LPWCH, *PWCH;
typedef WCHAR              *LPWSTR, *PWSTR, *NWPSTR;
typedef const WCHAR        *LPCWSTR, *PCWSTR, *LPCWCH, *PCWCH;

#ifdef UNICODE
#  ifndef _TCHAR_DEFINED
#    define _TCHAR_DEFINED
typedef WCHAR               TCHAR, *PTCHAR;
typedef WCHAR               TBYTE, *PTBYTE;
#  endif
typedef LPWSTR              LPTSTR, PTSTR, LPTCH, PTCH;
typedef LPCWSTR             LPCTSTR, PCTSTR;
#  define __TEXT(quote) WINIPC_WIDE_(quote)
#else
#  ifndef _TCHAR_DEFINED
#    define _TCHAR_DEFINED
typedef char                TCHAR, *PTCHAR;
typedef unsigned char       TBYTE, *PTBYTE;
#  endif
typedef LPSTR               LPTSTR, PTSTR, LPTCH, PTCH;
typedef LPCSTR              LPCTSTR, PCTSTR;
#  define __TEXT(quote) quote
#endif
#define TEXT(quote) __TEXT(quote)

/* Compile-time checks of the ABI sizes (valid C89/C99/C++ without warnings). */
typedef char winipc_assert_dword_is_32bit[(sizeof(DWORD) == 4) ? 1 : -1];
typedef char winipc_assert_long_is_32bit[(sizeof(LONG) == 4) ? 1 : -1];
typedef char winipc_assert_longlong_is_64bit[(sizeof(LONGLONG) == 8) ? 1 : -1];
typedef char winipc_assert_handle_is_pointer[(sizeof(HANDLE) == sizeof(void *)) ? 1 : -1];
typedef char winipc_assert_ulong_ptr_is_pointer[(sizeof(ULONG_PTR) == sizeof(void *)) ? 1 : -1];

/* ------------------------------------------------------------------------ */
/* Structures.                                                              */
/* ------------------------------------------------------------------------ */

typedef union _LARGE_INTEGER {
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION struct {
        DWORD LowPart;
        LONG  HighPart;
    };
#endif
    struct {
        DWORD LowPart;
        LONG  HighPart;
    } u;
    LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION struct {
        DWORD LowPart;
        DWORD HighPart;
    };
#endif
    struct {
        DWORD LowPart;
        DWORD HighPart;
    } u;
    ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

typedef struct _SECURITY_ATTRIBUTES {
    DWORD  nLength;               /* sizeof(SECURITY_ATTRIBUTES) (not checked) */
    LPVOID lpSecurityDescriptor;  /* NULL, a SECURITY_DESCRIPTOR or a WINIPC_UNIX_MODE_DESCRIPTOR:
                                     mapped to Unix permissions, see docs/c-abi.md */
    BOOL   bInheritHandle;        /* handle inherited by CreateProcess(bInheritHandles=TRUE) */
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

/* Security descriptors, absolute format (Windows layout).  winipc reads only whether a DACL
 * is present and whether it is NULL (a NULL DACL admits everyone: mode 0666); ACLs are
 * opaque and never interpreted. */
typedef struct _ACL ACL, *PACL;
typedef WORD SECURITY_DESCRIPTOR_CONTROL, *PSECURITY_DESCRIPTOR_CONTROL;
typedef struct _SECURITY_DESCRIPTOR {
    BYTE  Revision;
    BYTE  Sbz1;
    SECURITY_DESCRIPTOR_CONTROL Control;
    PVOID Owner;
    PVOID Group;
    PACL  Sacl;
    PACL  Dacl;
} SECURITY_DESCRIPTOR, *PISECURITY_DESCRIPTOR;
typedef PVOID PSECURITY_DESCRIPTOR;

/* winipc extension: pass a pointer to this as lpSecurityDescriptor to give the object
 * exactly these Unix permission bits (e.g. 0660), e.g.
 *     WINIPC_UNIX_MODE_DESCRIPTOR md = WINIPC_UNIX_MODE_DESCRIPTOR_INIT(0660);
 *     sa.lpSecurityDescriptor = &md;                                              */
typedef struct _WINIPC_UNIX_MODE_DESCRIPTOR {
    DWORD dwMagic;   /* WINIPC_UNIX_MODE_MAGIC */
    DWORD dwMode;    /* permission bits; only 0777 is used */
} WINIPC_UNIX_MODE_DESCRIPTOR;
#define WINIPC_UNIX_MODE_MAGIC 0x43504957 /* "WIPC" */
#define WINIPC_UNIX_MODE_DESCRIPTOR_INIT(mode) { WINIPC_UNIX_MODE_MAGIC, (DWORD)(mode) }

typedef struct _STARTUPINFOA {
    DWORD  cb;
    LPSTR  lpReserved;
    LPSTR  lpDesktop;
    LPSTR  lpTitle;
    DWORD  dwX;
    DWORD  dwY;
    DWORD  dwXSize;
    DWORD  dwYSize;
    DWORD  dwXCountChars;
    DWORD  dwYCountChars;
    DWORD  dwFillAttribute;
    DWORD  dwFlags;
    WORD   wShowWindow;
    WORD   cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOA, *LPSTARTUPINFOA;

typedef struct _STARTUPINFOW {
    DWORD  cb;
    LPWSTR lpReserved;
    LPWSTR lpDesktop;
    LPWSTR lpTitle;
    DWORD  dwX;
    DWORD  dwY;
    DWORD  dwXSize;
    DWORD  dwYSize;
    DWORD  dwXCountChars;
    DWORD  dwYCountChars;
    DWORD  dwFillAttribute;
    DWORD  dwFlags;
    WORD   wShowWindow;
    WORD   cbReserved2;
    LPBYTE lpReserved2;
    HANDLE hStdInput;
    HANDLE hStdOutput;
    HANDLE hStdError;
} STARTUPINFOW, *LPSTARTUPINFOW;

typedef struct _PROCESS_INFORMATION {
    HANDLE hProcess;
    HANDLE hThread;
    DWORD  dwProcessId;
    DWORD  dwThreadId;
} PROCESS_INFORMATION, *PPROCESS_INFORMATION, *LPPROCESS_INFORMATION;

typedef struct _FILETIME {
    DWORD dwLowDateTime;
    DWORD dwHighDateTime;
} FILETIME, *PFILETIME, *LPFILETIME;

typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

/* A recursive lock for the threads of one process (Windows' 40-byte layout;
 * winipc gives the fields its own meanings: read none of them). */
typedef struct _RTL_CRITICAL_SECTION {
    PVOID DebugInfo;
    LONG LockCount;
    LONG RecursionCount;
    HANDLE OwningThread;
    HANDLE LockSemaphore;
    ULONG_PTR SpinCount;
} CRITICAL_SECTION, *PCRITICAL_SECTION, *LPCRITICAL_SECTION;

/* ReadFile/WriteFile/ConnectNamedPipe on a handle opened with FILE_FLAG_OVERLAPPED
 * return at once (FALSE with ERROR_IO_PENDING, or TRUE when done at once); winipc's I/O
 * thread completes the operation later: Internal (its NTSTATUS, STATUS_PENDING until
 * then), InternalHigh (bytes), hEvent set, packet posted.  On other handles the transfer is
 * complete when the call returns, with the same fields set. */
typedef struct _OVERLAPPED {
    ULONG_PTR Internal;
    ULONG_PTR InternalHigh;
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION union {
        WINIPC_EXTENSION struct {
            DWORD Offset;
            DWORD OffsetHigh;
        };
        PVOID Pointer;
    };
#else
    union {
        struct {
            DWORD Offset;
            DWORD OffsetHigh;
        } s;
        PVOID Pointer;
    } u;
#endif
    HANDLE hEvent;
} OVERLAPPED, *LPOVERLAPPED;

/* An entry GetQueuedCompletionStatusEx fills. */
typedef struct _OVERLAPPED_ENTRY {
    ULONG_PTR lpCompletionKey;
    LPOVERLAPPED lpOverlapped;
    ULONG_PTR Internal;
    DWORD dwNumberOfBytesTransferred;
} OVERLAPPED_ENTRY, *LPOVERLAPPED_ENTRY;

/* Completion routine of ReadFileEx/WriteFileEx: queued as an APC to the issuing thread. */
typedef VOID (WINAPI *LPOVERLAPPED_COMPLETION_ROUTINE)(DWORD dwErrorCode,
                                                       DWORD dwNumberOfBytesTransfered,
                                                       LPOVERLAPPED lpOverlapped);

#define HasOverlappedIoCompleted(lpOverlapped) \
    (((DWORD)(lpOverlapped)->Internal) != STATUS_PENDING)

typedef DWORD (WINAPI *PTHREAD_START_ROUTINE)(LPVOID lpThreadParameter);
typedef PTHREAD_START_ROUTINE LPTHREAD_START_ROUTINE;

/* Completion routine of SetWaitableTimer: queued as an APC to the thread that set the
 * timer, run when that thread waits alertably (SleepEx, Wait*Ex, SignalObjectAndWait). */
typedef VOID (CALLBACK *PTIMERAPCROUTINE)(LPVOID lpArgToCompletionRoutine,
                                          DWORD dwTimerLowValue,
                                          DWORD dwTimerHighValue);

/* ------------------------------------------------------------------------ */
/* Constants.                                                               */
/* ------------------------------------------------------------------------ */

#define INFINITE              0xFFFFFFFF
#define INVALID_HANDLE_VALUE  ((HANDLE)(LONG_PTR)-1)
#define MAX_PATH              260
#define MAXIMUM_WAIT_OBJECTS  64
#define MAX_COMPUTERNAME_LENGTH 15

/* Wait results. */
#define STATUS_WAIT_0         0x00000000
#define STATUS_ABANDONED_WAIT_0 0x00000080
#define STATUS_TIMEOUT        0x00000102
#define STATUS_PENDING        0x00000103
#define WAIT_OBJECT_0         ((STATUS_WAIT_0) + 0)
#define WAIT_ABANDONED        ((STATUS_ABANDONED_WAIT_0) + 0)
#define WAIT_ABANDONED_0      ((STATUS_ABANDONED_WAIT_0) + 0)
#define WAIT_TIMEOUT          258
#define WAIT_FAILED           ((DWORD)0xFFFFFFFF)
#define WAIT_IO_COMPLETION    0x000000C0
#define STILL_ACTIVE          STATUS_PENDING   /* 259 */

/* Exception codes (winnt.h) and filter results (excpt.h), for code written with
 * __try/__except: it builds, but no exception is caught (section 3 of docs/c-abi.md). */
#define EXCEPTION_ACCESS_VIOLATION         ((DWORD)0xC0000005)
#define EXCEPTION_DATATYPE_MISALIGNMENT    ((DWORD)0x80000002)
#define EXCEPTION_BREAKPOINT               ((DWORD)0x80000003)
#define EXCEPTION_SINGLE_STEP              ((DWORD)0x80000004)
#define EXCEPTION_ARRAY_BOUNDS_EXCEEDED    ((DWORD)0xC000008C)
#define EXCEPTION_FLT_DIVIDE_BY_ZERO       ((DWORD)0xC000008E)
#define EXCEPTION_INT_DIVIDE_BY_ZERO       ((DWORD)0xC0000094)
#define EXCEPTION_INT_OVERFLOW             ((DWORD)0xC0000095)
#define EXCEPTION_PRIV_INSTRUCTION         ((DWORD)0xC0000096)
#define EXCEPTION_IN_PAGE_ERROR            ((DWORD)0xC0000006)
#define EXCEPTION_ILLEGAL_INSTRUCTION      ((DWORD)0xC000001D)
#define EXCEPTION_NONCONTINUABLE_EXCEPTION ((DWORD)0xC0000025)
#define EXCEPTION_STACK_OVERFLOW           ((DWORD)0xC00000FD)
#define EXCEPTION_GUARD_PAGE               ((DWORD)0x80000001)
#define EXCEPTION_INVALID_HANDLE           ((DWORD)0xC0000008)
#define EXCEPTION_EXECUTE_HANDLER          1
#define EXCEPTION_CONTINUE_SEARCH          0
#define EXCEPTION_CONTINUE_EXECUTION       (-1)

/* Mailslots. */
#define MAILSLOT_NO_MESSAGE   ((DWORD)-1)
#define MAILSLOT_WAIT_FOREVER ((DWORD)-1)

/* Security descriptors. */
#define SECURITY_DESCRIPTOR_REVISION    1
#define SECURITY_DESCRIPTOR_MIN_LENGTH  ((DWORD)sizeof(SECURITY_DESCRIPTOR))
#define SE_DACL_PRESENT                 0x0004
#define SE_SELF_RELATIVE                0x8000

/* Generic and standard access rights. */
#define DELETE                    0x00010000
#define READ_CONTROL              0x00020000
#define WRITE_DAC                 0x00040000
#define WRITE_OWNER               0x00080000
#define SYNCHRONIZE               0x00100000
#define STANDARD_RIGHTS_REQUIRED  0x000F0000
#define STANDARD_RIGHTS_READ      READ_CONTROL
#define STANDARD_RIGHTS_WRITE     READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE   READ_CONTROL
#define STANDARD_RIGHTS_ALL       0x001F0000
#define SPECIFIC_RIGHTS_ALL       0x0000FFFF
#define MAXIMUM_ALLOWED           0x02000000
#define GENERIC_READ              0x80000000
#define GENERIC_WRITE             0x40000000
#define GENERIC_EXECUTE           0x20000000
#define GENERIC_ALL               0x10000000

/* CreateFile. */
#define FILE_SHARE_READ           0x00000001
#define FILE_SHARE_WRITE          0x00000002
#define FILE_SHARE_DELETE         0x00000004
#define CREATE_NEW                1
#define CREATE_ALWAYS             2
#define OPEN_EXISTING             3
#define OPEN_ALWAYS               4
#define TRUNCATE_EXISTING         5
#define FILE_ATTRIBUTE_READONLY   0x00000001
#define FILE_ATTRIBUTE_NORMAL     0x00000080
#define FILE_FLAG_OVERLAPPED      0x40000000
#define FILE_FLAG_NO_BUFFERING    0x20000000
#define FILE_FLAG_FIRST_PIPE_INSTANCE 0x00080000
#define FILE_SKIP_COMPLETION_PORT_ON_SUCCESS 0x1
#define FILE_SKIP_SET_EVENT_ON_HANDLE        0x2
/* CreateFile on a pipe: the client's impersonation level (accepted, not used). */
#define SECURITY_ANONYMOUS        (0 << 16)
#define SECURITY_IDENTIFICATION   (1 << 16)
#define SECURITY_IMPERSONATION    (2 << 16)
#define SECURITY_DELEGATION       (3 << 16)
#define SECURITY_CONTEXT_TRACKING 0x00040000
#define SECURITY_EFFECTIVE_ONLY   0x00080000
#define SECURITY_SQOS_PRESENT     0x00100000
#define SECURITY_VALID_SQOS_FLAGS 0x001F0000
#define FILE_FLAG_DELETE_ON_CLOSE 0x04000000
#define FILE_FLAG_BACKUP_SEMANTICS 0x02000000
#define FILE_FLAG_WRITE_THROUGH   0x80000000
#define FILE_FLAG_SEQUENTIAL_SCAN 0x08000000
#define FILE_FLAG_RANDOM_ACCESS   0x10000000
#define FILE_ATTRIBUTE_HIDDEN     0x00000002
#define FILE_ATTRIBUTE_SYSTEM     0x00000004
#define FILE_ATTRIBUTE_ARCHIVE    0x00000020
#define FILE_ATTRIBUTE_TEMPORARY  0x00000100
#define FILE_READ_DATA            0x0001
#define FILE_WRITE_DATA           0x0002
#define FILE_APPEND_DATA          0x0004
#define FILE_BEGIN                0
#define FILE_CURRENT              1
#define FILE_END                  2
#define INVALID_SET_FILE_POINTER  ((DWORD)-1)
#define INVALID_FILE_SIZE         ((DWORD)0xFFFFFFFF)
#define FILE_TYPE_UNKNOWN         0x0000
#define FILE_TYPE_DISK            0x0001
#define FILE_TYPE_CHAR            0x0002
#define FILE_TYPE_PIPE            0x0003

/* Handles. */
#define DUPLICATE_CLOSE_SOURCE          0x00000001
#define DUPLICATE_SAME_ACCESS           0x00000002
#define HANDLE_FLAG_INHERIT             0x00000001
#define HANDLE_FLAG_PROTECT_FROM_CLOSE  0x00000002

/* Object-specific access rights. */
#define EVENT_QUERY_STATE         0x0001
#define EVENT_MODIFY_STATE        0x0002
#define EVENT_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define MUTANT_QUERY_STATE        0x0001
#define MUTANT_ALL_ACCESS         (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | MUTANT_QUERY_STATE)
#define MUTEX_MODIFY_STATE        MUTANT_QUERY_STATE
#define MUTEX_ALL_ACCESS          MUTANT_ALL_ACCESS
#define SEMAPHORE_QUERY_STATE     0x0001
#define SEMAPHORE_MODIFY_STATE    0x0002
#define SEMAPHORE_ALL_ACCESS      (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x3)
#define TIMER_QUERY_STATE         0x0001
#define TIMER_MODIFY_STATE        0x0002
#define TIMER_ALL_ACCESS          (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | \
                                   TIMER_QUERY_STATE | TIMER_MODIFY_STATE)

#define PROCESS_TERMINATE                  0x0001
#define PROCESS_CREATE_THREAD              0x0002
#define PROCESS_SET_SESSIONID              0x0004
#define PROCESS_VM_OPERATION               0x0008
#define PROCESS_VM_READ                    0x0010
#define PROCESS_VM_WRITE                   0x0020
#define PROCESS_DUP_HANDLE                 0x0040
#define PROCESS_CREATE_PROCESS             0x0080
#define PROCESS_SET_QUOTA                  0x0100
#define PROCESS_SET_INFORMATION            0x0200
#define PROCESS_QUERY_INFORMATION          0x0400
#define PROCESS_SUSPEND_RESUME             0x0800
#define PROCESS_QUERY_LIMITED_INFORMATION  0x1000
#define PROCESS_ALL_ACCESS                 (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

#define THREAD_TERMINATE                   0x0001
#define THREAD_SUSPEND_RESUME              0x0002
#define THREAD_GET_CONTEXT                 0x0008
#define THREAD_SET_CONTEXT                 0x0010
#define THREAD_SET_INFORMATION             0x0020
#define THREAD_QUERY_INFORMATION           0x0040
#define THREAD_QUERY_LIMITED_INFORMATION   0x0800
#define THREAD_ALL_ACCESS                  (STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0xFFFF)

/* CreateProcess / CreateThread creation flags. */
#define DEBUG_PROCESS                      0x00000001
#define DEBUG_ONLY_THIS_PROCESS            0x00000002
#define CREATE_SUSPENDED                   0x00000004
#define DETACHED_PROCESS                   0x00000008
#define CREATE_NEW_CONSOLE                 0x00000010
#define NORMAL_PRIORITY_CLASS              0x00000020
#define IDLE_PRIORITY_CLASS                0x00000040
#define HIGH_PRIORITY_CLASS                0x00000080
#define REALTIME_PRIORITY_CLASS            0x00000100
#define CREATE_NEW_PROCESS_GROUP           0x00000200
#define BELOW_NORMAL_PRIORITY_CLASS        0x00004000
#define ABOVE_NORMAL_PRIORITY_CLASS        0x00008000
#define CREATE_UNICODE_ENVIRONMENT         0x00000400
#define STACK_SIZE_PARAM_IS_A_RESERVATION  0x00010000
#define CREATE_BREAKAWAY_FROM_JOB          0x01000000
#define CREATE_DEFAULT_ERROR_MODE          0x04000000
#define CREATE_NO_WINDOW                   0x08000000

/* STARTUPINFO.dwFlags. */
#define STARTF_USESHOWWINDOW   0x00000001
#define STARTF_USESIZE         0x00000002
#define STARTF_USEPOSITION     0x00000004
#define STARTF_USESTDHANDLES   0x00000100

/* GetStdHandle. */
#define STD_INPUT_HANDLE       ((DWORD)-10)
#define STD_OUTPUT_HANDLE      ((DWORD)-11)
#define STD_ERROR_HANDLE       ((DWORD)-12)

/* FormatMessage. */
#define FORMAT_MESSAGE_ALLOCATE_BUFFER  0x00000100
#define FORMAT_MESSAGE_IGNORE_INSERTS   0x00000200
#define FORMAT_MESSAGE_FROM_STRING      0x00000400
#define FORMAT_MESSAGE_FROM_HMODULE     0x00000800
#define FORMAT_MESSAGE_FROM_SYSTEM      0x00001000
#define FORMAT_MESSAGE_ARGUMENT_ARRAY   0x00002000
#define FORMAT_MESSAGE_MAX_WIDTH_MASK   0x000000FF

#define LANG_NEUTRAL        0x00
#define LANG_ENGLISH        0x09
#define SUBLANG_NEUTRAL     0x00
#define SUBLANG_DEFAULT     0x01
#define SUBLANG_ENGLISH_US  0x01
#define MAKELANGID(p, s)    ((((WORD)(s)) << 10) | (WORD)(p))
#define PRIMARYLANGID(lgid) ((WORD)(lgid) & 0x3ff)
#define SUBLANGID(lgid)     ((WORD)(lgid) >> 10)

/* Error codes (GetLastError). */
#define NO_ERROR                    0
#define ERROR_SUCCESS               0
#define ERROR_INVALID_FUNCTION      1
#define ERROR_FILE_NOT_FOUND        2
#define ERROR_PATH_NOT_FOUND        3
#define ERROR_TOO_MANY_OPEN_FILES   4
#define ERROR_ACCESS_DENIED         5
#define ERROR_INVALID_HANDLE        6
#define ERROR_NOT_ENOUGH_MEMORY     8
#define ERROR_INVALID_ACCESS        12
#define ERROR_INVALID_DATA          13
#define ERROR_OUTOFMEMORY           14
#define ERROR_NO_MORE_FILES         18
#define ERROR_BAD_LENGTH            24
#define ERROR_GEN_FAILURE           31
#define ERROR_SHARING_VIOLATION     32
#define ERROR_HANDLE_EOF            38
#define ERROR_NOT_SUPPORTED         50
#define ERROR_FILE_EXISTS           80
#define ERROR_BAD_NETPATH           53
#define ERROR_INVALID_PARAMETER     87
#define ERROR_BROKEN_PIPE           109
#define ERROR_DISK_FULL             112
#define ERROR_BUFFER_OVERFLOW       111
#define ERROR_CALL_NOT_IMPLEMENTED  120
#define ERROR_SEM_TIMEOUT           121
#define ERROR_INSUFFICIENT_BUFFER   122
#define ERROR_NEGATIVE_SEEK         131
#define ERROR_INVALID_NAME          123
#define ERROR_NOT_LOCKED            158
#define ERROR_MOD_NOT_FOUND         126
#define ERROR_PROC_NOT_FOUND        127
#define ERROR_ALREADY_EXISTS        183
#define ERROR_BAD_EXE_FORMAT        193
#define ERROR_ENVVAR_NOT_FOUND      203
#define ERROR_FILENAME_EXCED_RANGE  206
#define ERROR_FILE_TOO_LARGE        223
#define ERROR_BAD_PIPE              230
#define ERROR_PIPE_BUSY             231
#define ERROR_NO_DATA               232
#define ERROR_PIPE_NOT_CONNECTED    233
#define ERROR_MORE_DATA             234
#define ERROR_PIPE_CONNECTED        535
#define ERROR_PIPE_LISTENING        536
#define ERROR_CANNOT_IMPERSONATE    1368
#define ERROR_OPERATION_ABORTED     995
#define ERROR_IO_PENDING            997
#define ERROR_NOT_FOUND             1168
#define ERROR_NO_MORE_ITEMS         259
#define ERROR_DIRECTORY             267
#define ERROR_NOT_OWNER             288
#define ERROR_TOO_MANY_POSTS        298
#define ERROR_MR_MID_NOT_FOUND      317
#define ERROR_ABANDONED_WAIT_0      735
#define ERROR_IO_INCOMPLETE         996
#define ERROR_NOACCESS              998
#define ERROR_INVALID_FLAGS         1004
#define ERROR_ALREADY_FIBER         1280
#define ERROR_ALREADY_THREAD        1281
#define ERROR_NO_UNICODE_TRANSLATION 1113
#define ERROR_FILE_CORRUPT          1392
#define ERROR_TIMEOUT               1460
#define ERROR_NOT_ENOUGH_QUOTA      1816

/* HRESULT (winerror.h): strsafe.h's results. */
typedef LONG HRESULT;
#define S_OK                   ((HRESULT)0)
#define S_FALSE                ((HRESULT)1)
#define SUCCEEDED(hr)          (((HRESULT)(hr)) >= 0)
#define FAILED(hr)             (((HRESULT)(hr)) < 0)
#define FACILITY_WIN32         7
#define HRESULT_FROM_WIN32(x)  ((HRESULT)(x) <= 0 ? ((HRESULT)(x)) : \
                                ((HRESULT)(((x) & 0x0000FFFF) | (FACILITY_WIN32 << 16) | 0x80000000)))
#define E_INVALIDARG           ((HRESULT)0x80070057)
#define E_OUTOFMEMORY          ((HRESULT)0x8007000E)
#define E_FAIL                 ((HRESULT)0x80004005)

/* GlobalAlloc / LocalAlloc / HeapAlloc flags. */
#define GMEM_FIXED             0x0000
#define GMEM_MOVEABLE          0x0002
#define GMEM_ZEROINIT          0x0040
#define GMEM_MODIFY            0x0080
#define GPTR                   (GMEM_FIXED | GMEM_ZEROINIT)
#define GHND                   (GMEM_MOVEABLE | GMEM_ZEROINIT)
#define LMEM_FIXED             0x0000
#define LMEM_MOVEABLE          0x0002
#define LMEM_ZEROINIT          0x0040
#define LMEM_MODIFY            0x0080
#define LPTR                   (LMEM_FIXED | LMEM_ZEROINIT)
#define LHND                   (LMEM_MOVEABLE | LMEM_ZEROINIT)
#define HEAP_NO_SERIALIZE           0x00000001
#define HEAP_GENERATE_EXCEPTIONS    0x00000004
#define HEAP_ZERO_MEMORY            0x00000008
#define HEAP_REALLOC_IN_PLACE_ONLY  0x00000010
#define HEAP_CREATE_ENABLE_EXECUTE  0x00040000

/* ------------------------------------------------------------------------ */
/* Small helper macros.                                                     */
/* ------------------------------------------------------------------------ */

#define ZeroMemory(Destination, Length)       memset((Destination), 0, (Length))
#define FillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define CopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define MoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define EqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))
#define RtlZeroMemory   ZeroMemory
#define RtlFillMemory   FillMemory
#define RtlCopyMemory   CopyMemory
#define RtlMoveMemory   MoveMemory
#define RtlEqualMemory  EqualMemory

#define MAKEWORD(a, b)  ((WORD)(((BYTE)((DWORD_PTR)(a) & 0xff)) | ((WORD)((BYTE)((DWORD_PTR)(b) & 0xff))) << 8))
#define MAKELONG(a, b)  ((LONG)(((WORD)((DWORD_PTR)(a) & 0xffff)) | ((DWORD)((WORD)((DWORD_PTR)(b) & 0xffff))) << 16))
#define LOWORD(l)       ((WORD)((DWORD_PTR)(l) & 0xffff))
#define HIWORD(l)       ((WORD)((DWORD_PTR)(l) >> 16))
#define LOBYTE(w)       ((BYTE)((DWORD_PTR)(w) & 0xff))
#define HIBYTE(w)       ((BYTE)((DWORD_PTR)(w) >> 8))

#define UNREFERENCED_PARAMETER(P) ((void)(P))
#define ARRAYSIZE(A)    (sizeof(A) / sizeof((A)[0]))
#ifndef _countof
#  define _countof(A)   (sizeof(A) / sizeof((A)[0]))
#endif

/* MSVC's __int64, and its structured exception handling keywords in C, as plain blocks:
 * __try { A } __finally { B } runs A then B (B is skipped if A leaves by return or goto, and
 * no hardware exception is caught); __except's block never runs; __leave is not provided.
 * Not in C++, where libstdc++ defines __try itself. WINIPC_NO_SEH_MACROS leaves them out. */
#if !defined(__int64) && !defined(_MSC_VER)
#  define __int64 long long
#endif
#if !defined(__cplusplus) && !defined(WINIPC_NO_SEH_MACROS) && !defined(__try)
#  define __try        if (1)
#  define __finally    if (1)
#  define __except(f)  else if (0)
/* Inside an __except block, which never runs. */
#  define GetExceptionCode()        ((DWORD)0)
#  define GetExceptionInformation() ((void *)0)
#endif

/* min/max as in <windef.h>, but never in C++ (they would break std::min). */
#if !defined(NOMINMAX) && !defined(__cplusplus)
#  ifndef max
#    define max(a, b) (((a) > (b)) ? (a) : (b))
#  endif
#  ifndef min
#    define min(a, b) (((a) < (b)) ? (a) : (b))
#  endif
#endif

/* ------------------------------------------------------------------------ */
/* Functions (all implemented by libwinipc, C linkage).                     */
/* ------------------------------------------------------------------------ */

/* Mailslots and files. */
WINBASEAPI HANDLE WINAPI CreateMailslotA(LPCSTR lpName, DWORD nMaxMessageSize,
                                         DWORD lReadTimeout,
                                         LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI HANDLE WINAPI CreateMailslotW(LPCWSTR lpName, DWORD nMaxMessageSize,
                                         DWORD lReadTimeout,
                                         LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI GetMailslotInfo(HANDLE hMailslot, LPDWORD lpMaxMessageSize,
                                       LPDWORD lpNextSize, LPDWORD lpMessageCount,
                                       LPDWORD lpReadTimeout);
WINBASEAPI BOOL WINAPI SetMailslotInfo(HANDLE hMailslot, DWORD lReadTimeout);
/* Anonymous pipes (namedpipeapi.h): real OS pipes, so either end can be any program's stdio. */
WINBASEAPI BOOL WINAPI CreatePipe(PHANDLE hReadPipe, PHANDLE hWritePipe,
                                  LPSECURITY_ATTRIBUTES lpPipeAttributes, DWORD nSize);

/* Named pipes (namedpipeapi.h, winbase.h): Unix sockets underneath; every end is a
 * descriptor handle, so a client end can be inherited as any program's stdio. */
#define PIPE_ACCESS_INBOUND          0x00000001
#define PIPE_ACCESS_OUTBOUND         0x00000002
#define PIPE_ACCESS_DUPLEX           0x00000003
#define PIPE_CLIENT_END              0x00000000
#define PIPE_SERVER_END              0x00000001
#define PIPE_WAIT                    0x00000000
#define PIPE_NOWAIT                  0x00000001
#define PIPE_READMODE_BYTE           0x00000000
#define PIPE_READMODE_MESSAGE        0x00000002
#define PIPE_TYPE_BYTE               0x00000000
#define PIPE_TYPE_MESSAGE            0x00000004
#define PIPE_ACCEPT_REMOTE_CLIENTS   0x00000000
#define PIPE_REJECT_REMOTE_CLIENTS   0x00000008
#define PIPE_UNLIMITED_INSTANCES     255
#define NMPWAIT_WAIT_FOREVER         0xffffffff
#define NMPWAIT_NOWAIT               0x00000001
#define NMPWAIT_USE_DEFAULT_WAIT     0x00000000
WINBASEAPI HANDLE WINAPI CreateNamedPipeA(LPCSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode,
                                          DWORD nMaxInstances, DWORD nOutBufferSize,
                                          DWORD nInBufferSize, DWORD nDefaultTimeOut,
                                          LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI HANDLE WINAPI CreateNamedPipeW(LPCWSTR lpName, DWORD dwOpenMode, DWORD dwPipeMode,
                                          DWORD nMaxInstances, DWORD nOutBufferSize,
                                          DWORD nInBufferSize, DWORD nDefaultTimeOut,
                                          LPSECURITY_ATTRIBUTES lpSecurityAttributes);
WINBASEAPI BOOL WINAPI ConnectNamedPipe(HANDLE hNamedPipe, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI DisconnectNamedPipe(HANDLE hNamedPipe);
WINBASEAPI BOOL WINAPI WaitNamedPipeA(LPCSTR lpNamedPipeName, DWORD nTimeOut);
WINBASEAPI BOOL WINAPI WaitNamedPipeW(LPCWSTR lpNamedPipeName, DWORD nTimeOut);
WINBASEAPI BOOL WINAPI SetNamedPipeHandleState(HANDLE hNamedPipe, LPDWORD lpMode,
                                               LPDWORD lpMaxCollectionCount,
                                               LPDWORD lpCollectDataTimeout);
WINBASEAPI BOOL WINAPI GetNamedPipeHandleStateA(HANDLE hNamedPipe, LPDWORD lpState,
                                                LPDWORD lpCurInstances,
                                                LPDWORD lpMaxCollectionCount,
                                                LPDWORD lpCollectDataTimeout,
                                                LPSTR lpUserName, DWORD nMaxUserNameSize);
WINBASEAPI BOOL WINAPI GetNamedPipeHandleStateW(HANDLE hNamedPipe, LPDWORD lpState,
                                                LPDWORD lpCurInstances,
                                                LPDWORD lpMaxCollectionCount,
                                                LPDWORD lpCollectDataTimeout,
                                                LPWSTR lpUserName, DWORD nMaxUserNameSize);
WINBASEAPI BOOL WINAPI GetNamedPipeInfo(HANDLE hNamedPipe, LPDWORD lpFlags,
                                        LPDWORD lpOutBufferSize, LPDWORD lpInBufferSize,
                                        LPDWORD lpMaxInstances);
WINBASEAPI BOOL WINAPI PeekNamedPipe(HANDLE hNamedPipe, LPVOID lpBuffer, DWORD nBufferSize,
                                     LPDWORD lpBytesRead, LPDWORD lpTotalBytesAvail,
                                     LPDWORD lpBytesLeftThisMessage);
WINBASEAPI BOOL WINAPI TransactNamedPipe(HANDLE hNamedPipe, LPVOID lpInBuffer,
                                         DWORD nInBufferSize, LPVOID lpOutBuffer,
                                         DWORD nOutBufferSize, LPDWORD lpBytesRead,
                                         LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CallNamedPipeA(LPCSTR lpNamedPipeName, LPVOID lpInBuffer,
                                      DWORD nInBufferSize, LPVOID lpOutBuffer,
                                      DWORD nOutBufferSize, LPDWORD lpBytesRead,
                                      DWORD nTimeOut);
WINBASEAPI BOOL WINAPI CallNamedPipeW(LPCWSTR lpNamedPipeName, LPVOID lpInBuffer,
                                      DWORD nInBufferSize, LPVOID lpOutBuffer,
                                      DWORD nOutBufferSize, LPDWORD lpBytesRead,
                                      DWORD nTimeOut);
WINBASEAPI BOOL WINAPI GetNamedPipeClientProcessId(HANDLE Pipe, PULONG ClientProcessId);
WINBASEAPI BOOL WINAPI GetNamedPipeServerProcessId(HANDLE Pipe, PULONG ServerProcessId);
WINBASEAPI BOOL WINAPI GetNamedPipeClientSessionId(HANDLE Pipe, PULONG ClientSessionId);
WINBASEAPI BOOL WINAPI GetNamedPipeServerSessionId(HANDLE Pipe, PULONG ServerSessionId);
WINBASEAPI BOOL WINAPI ImpersonateNamedPipeClient(HANDLE hNamedPipe);
WINBASEAPI BOOL WINAPI RevertToSelf(void);

WINBASEAPI HANDLE WINAPI CreateFileA(LPCSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
WINBASEAPI HANDLE WINAPI CreateFileW(LPCWSTR lpFileName, DWORD dwDesiredAccess,
                                     DWORD dwShareMode,
                                     LPSECURITY_ATTRIBUTES lpSecurityAttributes,
                                     DWORD dwCreationDisposition,
                                     DWORD dwFlagsAndAttributes, HANDLE hTemplateFile);
WINBASEAPI BOOL WINAPI ReadFile(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                LPDWORD lpNumberOfBytesRead, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI WriteFile(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                                 LPDWORD lpNumberOfBytesWritten, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CloseHandle(HANDLE hObject);
WINBASEAPI BOOL WINAPI GetOverlappedResult(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                           LPDWORD lpNumberOfBytesTransferred, BOOL bWait);
WINBASEAPI BOOL WINAPI GetOverlappedResultEx(HANDLE hFile, LPOVERLAPPED lpOverlapped,
                                             LPDWORD lpNumberOfBytesTransferred,
                                             DWORD dwMilliseconds, BOOL bAlertable);
WINBASEAPI BOOL WINAPI ReadFileEx(HANDLE hFile, LPVOID lpBuffer, DWORD nNumberOfBytesToRead,
                                  LPOVERLAPPED lpOverlapped,
                                  LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINBASEAPI BOOL WINAPI WriteFileEx(HANDLE hFile, LPCVOID lpBuffer, DWORD nNumberOfBytesToWrite,
                                   LPOVERLAPPED lpOverlapped,
                                   LPOVERLAPPED_COMPLETION_ROUTINE lpCompletionRoutine);
WINBASEAPI BOOL WINAPI CancelIo(HANDLE hFile);
WINBASEAPI BOOL WINAPI CancelIoEx(HANDLE hFile, LPOVERLAPPED lpOverlapped);
WINBASEAPI BOOL WINAPI CancelSynchronousIo(HANDLE hThread);

/* I/O completion ports (ioapiset.h): ports of this process. */
WINBASEAPI HANDLE WINAPI CreateIoCompletionPort(HANDLE FileHandle, HANDLE ExistingCompletionPort,
                                                ULONG_PTR CompletionKey,
                                                DWORD NumberOfConcurrentThreads);
WINBASEAPI BOOL WINAPI GetQueuedCompletionStatus(HANDLE CompletionPort,
                                                 LPDWORD lpNumberOfBytesTransferred,
                                                 PULONG_PTR lpCompletionKey,
                                                 LPOVERLAPPED *lpOverlapped,
                                                 DWORD dwMilliseconds);
WINBASEAPI BOOL WINAPI GetQueuedCompletionStatusEx(HANDLE CompletionPort,
                                                   LPOVERLAPPED_ENTRY lpCompletionPortEntries,
                                                   ULONG ulCount, PULONG ulNumEntriesRemoved,
                                                   DWORD dwMilliseconds, BOOL fAlertable);
WINBASEAPI BOOL WINAPI SetFileCompletionNotificationModes(HANDLE FileHandle, UCHAR Flags);
WINBASEAPI BOOL WINAPI PostQueuedCompletionStatus(HANDLE CompletionPort,
                                                  DWORD dwNumberOfBytesTransferred,
                                                  ULONG_PTR dwCompletionKey,
                                                  LPOVERLAPPED lpOverlapped);

WINBASEAPI DWORD WINAPI SetFilePointer(HANDLE hFile, LONG lDistanceToMove,
                                       PLONG lpDistanceToMoveHigh, DWORD dwMoveMethod);
WINBASEAPI BOOL WINAPI SetFilePointerEx(HANDLE hFile, LARGE_INTEGER liDistanceToMove,
                                        PLARGE_INTEGER lpNewFilePointer, DWORD dwMoveMethod);
WINBASEAPI DWORD WINAPI GetFileSize(HANDLE hFile, LPDWORD lpFileSizeHigh);
WINBASEAPI BOOL WINAPI GetFileSizeEx(HANDLE hFile, PLARGE_INTEGER lpFileSize);
WINBASEAPI BOOL WINAPI FlushFileBuffers(HANDLE hFile);
WINBASEAPI DWORD WINAPI GetFileType(HANDLE hFile);
WINBASEAPI BOOL WINAPI DeleteFileA(LPCSTR lpFileName);
WINBASEAPI BOOL WINAPI DeleteFileW(LPCWSTR lpFileName);
WINBASEAPI BOOL WINAPI SetStdHandle(DWORD nStdHandle, HANDLE hHandle);

/* Security descriptors (for a NULL DACL: "everyone may open"). */
WINBASEAPI BOOL WINAPI InitializeSecurityDescriptor(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                    DWORD dwRevision);
WINBASEAPI BOOL WINAPI SetSecurityDescriptorDacl(PSECURITY_DESCRIPTOR pSecurityDescriptor,
                                                 BOOL bDaclPresent, PACL pDacl,
                                                 BOOL bDaclDefaulted);

/* Handles. */
WINBASEAPI BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
                                       HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
                                       DWORD dwDesiredAccess, BOOL bInheritHandle,
                                       DWORD dwOptions);
WINBASEAPI BOOL WINAPI GetHandleInformation(HANDLE hObject, LPDWORD lpdwFlags);
WINBASEAPI BOOL WINAPI SetHandleInformation(HANDLE hObject, DWORD dwMask, DWORD dwFlags);
WINBASEAPI HANDLE WINAPI GetCurrentProcess(void);
WINBASEAPI DWORD WINAPI GetCurrentProcessId(void);
WINBASEAPI DWORD WINAPI GetProcessId(HANDLE Process);
WINBASEAPI HANDLE WINAPI GetCurrentThread(void);
WINBASEAPI DWORD WINAPI GetCurrentThreadId(void);
WINBASEAPI DWORD WINAPI GetThreadId(HANDLE Thread);
WINBASEAPI DWORD WINAPI GetProcessIdOfThread(HANDLE Thread);
WINBASEAPI BOOL WINAPI GetThreadTimes(HANDLE hThread, LPFILETIME lpCreationTime,
                                      LPFILETIME lpExitTime, LPFILETIME lpKernelTime,
                                      LPFILETIME lpUserTime);
/* Thread descriptions (Windows 10): threads of this process; the first 15 bytes also name
 * the Linux thread. GetThreadDescription's string is freed with LocalFree. */
WINBASEAPI HRESULT WINAPI SetThreadDescription(HANDLE hThread, PCWSTR lpThreadDescription);
WINBASEAPI HRESULT WINAPI GetThreadDescription(HANDLE hThread, PWSTR *ppszThreadDescription);
WINBASEAPI HANDLE WINAPI GetStdHandle(DWORD nStdHandle);

/* Events. */
WINBASEAPI HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
                                      BOOL bManualReset, BOOL bInitialState, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI BOOL WINAPI SetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI ResetEvent(HANDLE hEvent);
WINBASEAPI BOOL WINAPI PulseEvent(HANDLE hEvent);

/* Mutexes. */
WINBASEAPI HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
                                      BOOL bInitialOwner, LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle, LPCWSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseMutex(HANDLE hMutex);

/* Semaphores. */
WINBASEAPI HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                          LONG lInitialCount, LONG lMaximumCount,
                                          LPCSTR lpName);
WINBASEAPI HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                          LONG lInitialCount, LONG lMaximumCount,
                                          LPCWSTR lpName);
WINBASEAPI HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                        LPCSTR lpName);
WINBASEAPI HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                        LPCWSTR lpName);
WINBASEAPI BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
                                        LPLONG lpPreviousCount);

/* Waitable timers. */
WINBASEAPI HANDLE WINAPI CreateWaitableTimerA(LPSECURITY_ATTRIBUTES lpTimerAttributes,
                                              BOOL bManualReset, LPCSTR lpTimerName);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerW(LPSECURITY_ATTRIBUTES lpTimerAttributes,
                                              BOOL bManualReset, LPCWSTR lpTimerName);
WINBASEAPI HANDLE WINAPI OpenWaitableTimerA(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                            LPCSTR lpTimerName);
WINBASEAPI HANDLE WINAPI OpenWaitableTimerW(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                            LPCWSTR lpTimerName);
WINBASEAPI BOOL WINAPI SetWaitableTimer(HANDLE hTimer, const LARGE_INTEGER *lpDueTime,
                                        LONG lPeriod, PTIMERAPCROUTINE pfnCompletionRoutine,
                                        LPVOID lpArgToCompletionRoutine, BOOL fResume);
WINBASEAPI BOOL WINAPI CancelWaitableTimer(HANDLE hTimer);
/* SetWaitableTimerEx: the wake context and tolerable delay are accepted and have no effect. */
#define POWER_REQUEST_CONTEXT_VERSION         0
#define POWER_REQUEST_CONTEXT_SIMPLE_STRING   0x00000001
#define POWER_REQUEST_CONTEXT_DETAILED_STRING 0x00000002
typedef struct _REASON_CONTEXT {
    ULONG Version;
    DWORD Flags;
    union {
        struct {
            HMODULE LocalizedReasonModule;
            ULONG LocalizedReasonId;
            ULONG ReasonStringCount;
            LPWSTR *ReasonStrings;
        } Detailed;
        LPWSTR SimpleReasonString;
    } Reason;
} REASON_CONTEXT, *PREASON_CONTEXT;
WINBASEAPI BOOL WINAPI SetWaitableTimerEx(HANDLE hTimer, const LARGE_INTEGER *lpDueTime,
                                          LONG lPeriod, PTIMERAPCROUTINE pfnCompletionRoutine,
                                          LPVOID lpArgToCompletionRoutine,
                                          PREASON_CONTEXT WakeContext, ULONG TolerableDelay);

/* Waits. */
WINBASEAPI DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
                                               BOOL bWaitAll, DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal, HANDLE hObjectToWaitOn,
                                            DWORD dwMilliseconds, BOOL bAlertable);

/* Alertable waits and asynchronous procedure calls (threads of this process). */
typedef VOID (NTAPI *PAPCFUNC)(ULONG_PTR Parameter);
WINBASEAPI DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);
WINBASEAPI DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
                                              BOOL bAlertable);
WINBASEAPI DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
                                                 BOOL bWaitAll, DWORD dwMilliseconds,
                                                 BOOL bAlertable);

/* The Create*Ex constructors: flags, and the access of the returned handle. */
#define CREATE_EVENT_MANUAL_RESET            0x00000001
#define CREATE_EVENT_INITIAL_SET             0x00000002
#define CREATE_MUTEX_INITIAL_OWNER           0x00000001
#define CREATE_WAITABLE_TIMER_MANUAL_RESET   0x00000001
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
WINBASEAPI HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes, LPCWSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes, LPCWSTR lpName,
                                        DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                            LONG lInitialCount, LONG lMaximumCount,
                                            LPCSTR lpName, DWORD dwFlags, DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
                                            LONG lInitialCount, LONG lMaximumCount,
                                            LPCWSTR lpName, DWORD dwFlags,
                                            DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerExA(LPSECURITY_ATTRIBUTES lpTimerAttributes,
                                                LPCSTR lpTimerName, DWORD dwFlags,
                                                DWORD dwDesiredAccess);
WINBASEAPI HANDLE WINAPI CreateWaitableTimerExW(LPSECURITY_ATTRIBUTES lpTimerAttributes,
                                                LPCWSTR lpTimerName, DWORD dwFlags,
                                                DWORD dwDesiredAccess);

/* Processes and threads. */
WINBASEAPI BOOL WINAPI CreateProcessA(LPCSTR lpApplicationName, LPSTR lpCommandLine,
                                      LPSECURITY_ATTRIBUTES lpProcessAttributes,
                                      LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                      BOOL bInheritHandles, DWORD dwCreationFlags,
                                      LPVOID lpEnvironment, LPCSTR lpCurrentDirectory,
                                      LPSTARTUPINFOA lpStartupInfo,
                                      LPPROCESS_INFORMATION lpProcessInformation);
WINBASEAPI BOOL WINAPI CreateProcessW(LPCWSTR lpApplicationName, LPWSTR lpCommandLine,
                                      LPSECURITY_ATTRIBUTES lpProcessAttributes,
                                      LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                      BOOL bInheritHandles, DWORD dwCreationFlags,
                                      LPVOID lpEnvironment, LPCWSTR lpCurrentDirectory,
                                      LPSTARTUPINFOW lpStartupInfo,
                                      LPPROCESS_INFORMATION lpProcessInformation);
WINBASEAPI HANDLE WINAPI OpenProcess(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                     DWORD dwProcessId);
/* OpenThread: threads of this process (see docs/c-abi.md). */
WINBASEAPI HANDLE WINAPI OpenThread(DWORD dwDesiredAccess, BOOL bInheritHandle,
                                    DWORD dwThreadId);
WINBASEAPI BOOL WINAPI GetExitCodeProcess(HANDLE hProcess, LPDWORD lpExitCode);
WINBASEAPI BOOL WINAPI TerminateProcess(HANDLE hProcess, UINT uExitCode);
WINBASEAPI DECLSPEC_NORETURN VOID WINAPI ExitProcess(UINT uExitCode);
WINBASEAPI BOOL WINAPI GetProcessTimes(HANDLE hProcess, LPFILETIME lpCreationTime,
                                       LPFILETIME lpExitTime, LPFILETIME lpKernelTime,
                                       LPFILETIME lpUserTime);
WINBASEAPI BOOL WINAPI GetProcessHandleCount(HANDLE hProcess, PDWORD pdwHandleCount);
/* <winuser.h>: there are no GUI processes here, so it returns 0 at once (as Windows does for
 * a console process). */
WINBASEAPI DWORD WINAPI WaitForInputIdle(HANDLE hProcess, DWORD dwMilliseconds);
WINBASEAPI HANDLE WINAPI CreateThread(LPSECURITY_ATTRIBUTES lpThreadAttributes,
                                      SIZE_T dwStackSize,
                                      LPTHREAD_START_ROUTINE lpStartAddress,
                                      LPVOID lpParameter, DWORD dwCreationFlags,
                                      LPDWORD lpThreadId);
WINBASEAPI BOOL WINAPI GetExitCodeThread(HANDLE hThread, LPDWORD lpExitCode);
WINBASEAPI DECLSPEC_NORETURN VOID WINAPI ExitThread(DWORD dwExitCode);
/* Fibers (makecontext/swapcontext; docs/c-abi.md). GetCurrentFiber and GetFiberData are
 * functions here (macros reading the TEB on Windows). */
typedef VOID(WINAPI *PFIBER_START_ROUTINE)(LPVOID lpFiberParameter);
typedef PFIBER_START_ROUTINE LPFIBER_START_ROUTINE;
#define FIBER_FLAG_FLOAT_SWITCH 0x1
WINBASEAPI LPVOID WINAPI ConvertThreadToFiber(LPVOID lpParameter);
WINBASEAPI LPVOID WINAPI ConvertThreadToFiberEx(LPVOID lpParameter, DWORD dwFlags);
WINBASEAPI BOOL WINAPI ConvertFiberToThread(void);
WINBASEAPI LPVOID WINAPI CreateFiber(SIZE_T dwStackSize, LPFIBER_START_ROUTINE lpStartAddress,
                                     LPVOID lpParameter);
WINBASEAPI LPVOID WINAPI CreateFiberEx(SIZE_T dwStackCommitSize, SIZE_T dwStackReserveSize,
                                       DWORD dwFlags, LPFIBER_START_ROUTINE lpStartAddress,
                                       LPVOID lpParameter);
WINBASEAPI VOID WINAPI SwitchToFiber(LPVOID lpFiber);
WINBASEAPI VOID WINAPI DeleteFiber(LPVOID lpFiber);
WINBASEAPI PVOID WINAPI GetCurrentFiber(void);
WINBASEAPI PVOID WINAPI GetFiberData(void);
WINBASEAPI BOOL WINAPI IsThreadAFiber(void);
/* Fiber-local storage: values follow the fiber (a thread that is not a fiber has its own,
 * as with TLS); a slot's callback gets each non-NULL value when its fiber is deleted or its
 * thread exits, and from FlsFree. */
typedef VOID(WINAPI *PFLS_CALLBACK_FUNCTION)(PVOID lpFlsData);
#define FLS_OUT_OF_INDEXES    ((DWORD)0xFFFFFFFF)
#define FLS_MAXIMUM_AVAILABLE 128
WINBASEAPI DWORD WINAPI FlsAlloc(PFLS_CALLBACK_FUNCTION lpCallback);
WINBASEAPI BOOL WINAPI FlsFree(DWORD dwFlsIndex);
WINBASEAPI PVOID WINAPI FlsGetValue(DWORD dwFlsIndex);
WINBASEAPI BOOL WINAPI FlsSetValue(DWORD dwFlsIndex, PVOID lpFlsData);

/* Critical sections. */
WINBASEAPI VOID WINAPI InitializeCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
WINBASEAPI BOOL WINAPI InitializeCriticalSectionAndSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                             DWORD dwSpinCount);
WINBASEAPI BOOL WINAPI InitializeCriticalSectionEx(LPCRITICAL_SECTION lpCriticalSection,
                                                   DWORD dwSpinCount, DWORD Flags);
WINBASEAPI VOID WINAPI EnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
WINBASEAPI BOOL WINAPI TryEnterCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
WINBASEAPI VOID WINAPI LeaveCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
WINBASEAPI VOID WINAPI DeleteCriticalSection(LPCRITICAL_SECTION lpCriticalSection);
WINBASEAPI DWORD WINAPI SetCriticalSectionSpinCount(LPCRITICAL_SECTION lpCriticalSection,
                                                    DWORD dwSpinCount);

/* Thread control (suspend counts, termination), TLS, slim reader/writer locks, condition
 * variables and one-time initialisation (threads of one process). */
#if defined(__cplusplus) && __cplusplus >= 201103L
#  define WINIPC_NULL_INIT nullptr
#else
#  define WINIPC_NULL_INIT NULL
#endif
#define TLS_OUT_OF_INDEXES                 ((DWORD)0xFFFFFFFF)
typedef struct _RTL_SRWLOCK { PVOID Ptr; } SRWLOCK, *PSRWLOCK;
#define SRWLOCK_INIT                       { WINIPC_NULL_INIT }
typedef struct _RTL_CONDITION_VARIABLE { PVOID Ptr; } CONDITION_VARIABLE, *PCONDITION_VARIABLE;
#define CONDITION_VARIABLE_INIT            { WINIPC_NULL_INIT }
#define CONDITION_VARIABLE_LOCKMODE_SHARED 0x1
typedef union _RTL_RUN_ONCE { PVOID Ptr; } INIT_ONCE, *PINIT_ONCE, *LPINIT_ONCE;
#define INIT_ONCE_STATIC_INIT              { WINIPC_NULL_INIT }
#define INIT_ONCE_CHECK_ONLY               0x00000001
#define INIT_ONCE_ASYNC                    0x00000002
#define INIT_ONCE_INIT_FAILED              0x00000004
#define INIT_ONCE_CTX_RESERVED_BITS        2
typedef BOOL (WINAPI *PINIT_ONCE_FN)(PINIT_ONCE InitOnce, PVOID Parameter, PVOID *Context);
WINBASEAPI DWORD WINAPI SuspendThread(HANDLE hThread);
WINBASEAPI DWORD WINAPI ResumeThread(HANDLE hThread);
WINBASEAPI BOOL WINAPI TerminateThread(HANDLE hThread, DWORD dwExitCode);
WINBASEAPI BOOL WINAPI SwitchToThread(void);
WINBASEAPI DWORD WINAPI TlsAlloc(void);
WINBASEAPI LPVOID WINAPI TlsGetValue(DWORD dwTlsIndex);
WINBASEAPI BOOL WINAPI TlsSetValue(DWORD dwTlsIndex, LPVOID lpTlsValue);
WINBASEAPI BOOL WINAPI TlsFree(DWORD dwTlsIndex);
WINBASEAPI VOID WINAPI InitializeSRWLock(PSRWLOCK SRWLock);
WINBASEAPI VOID WINAPI AcquireSRWLockExclusive(PSRWLOCK SRWLock);
WINBASEAPI VOID WINAPI AcquireSRWLockShared(PSRWLOCK SRWLock);
WINBASEAPI VOID WINAPI ReleaseSRWLockExclusive(PSRWLOCK SRWLock);
WINBASEAPI VOID WINAPI ReleaseSRWLockShared(PSRWLOCK SRWLock);
WINBASEAPI BOOLEAN WINAPI TryAcquireSRWLockExclusive(PSRWLOCK SRWLock);
WINBASEAPI BOOLEAN WINAPI TryAcquireSRWLockShared(PSRWLOCK SRWLock);
WINBASEAPI VOID WINAPI InitializeConditionVariable(PCONDITION_VARIABLE ConditionVariable);
WINBASEAPI BOOL WINAPI SleepConditionVariableCS(PCONDITION_VARIABLE ConditionVariable,
                                                PCRITICAL_SECTION CriticalSection,
                                                DWORD dwMilliseconds);
WINBASEAPI BOOL WINAPI SleepConditionVariableSRW(PCONDITION_VARIABLE ConditionVariable,
                                                 PSRWLOCK SRWLock, DWORD dwMilliseconds,
                                                 ULONG Flags);
WINBASEAPI VOID WINAPI WakeConditionVariable(PCONDITION_VARIABLE ConditionVariable);
WINBASEAPI VOID WINAPI WakeAllConditionVariable(PCONDITION_VARIABLE ConditionVariable);
WINBASEAPI VOID WINAPI InitOnceInitialize(PINIT_ONCE InitOnce);
WINBASEAPI BOOL WINAPI InitOnceExecuteOnce(PINIT_ONCE InitOnce, PINIT_ONCE_FN InitFn,
                                           PVOID Parameter, LPVOID *Context);
WINBASEAPI BOOL WINAPI InitOnceBeginInitialize(LPINIT_ONCE lpInitOnce, DWORD dwFlags,
                                               PBOOL fPending, LPVOID *lpContext);
WINBASEAPI BOOL WINAPI InitOnceComplete(LPINIT_ONCE lpInitOnce, DWORD dwFlags, LPVOID lpContext);

/* WaitOnAddress (synchapi.h; Synchronization.lib on Windows): threads of this process. */
WINBASEAPI BOOL WINAPI WaitOnAddress(volatile VOID *Address, PVOID CompareAddress,
                                     SIZE_T AddressSize, DWORD dwMilliseconds);
WINBASEAPI VOID WINAPI WakeByAddressSingle(PVOID Address);
WINBASEAPI VOID WINAPI WakeByAddressAll(PVOID Address);

/* Synchronization barriers (synchapi.h): threads of this process. */
typedef struct _RTL_BARRIER {
    DWORD Reserved1;
    DWORD Reserved2;
    ULONG_PTR Reserved3[2];
    DWORD Reserved4;
    DWORD Reserved5;
} RTL_BARRIER, *PRTL_BARRIER, SYNCHRONIZATION_BARRIER, *PSYNCHRONIZATION_BARRIER,
  *LPSYNCHRONIZATION_BARRIER;
#define SYNCHRONIZATION_BARRIER_FLAGS_SPIN_ONLY  0x01
#define SYNCHRONIZATION_BARRIER_FLAGS_BLOCK_ONLY 0x02
#define SYNCHRONIZATION_BARRIER_FLAGS_NO_DELETE  0x04
WINBASEAPI BOOL WINAPI InitializeSynchronizationBarrier(LPSYNCHRONIZATION_BARRIER lpBarrier,
                                                        LONG lTotalThreads, LONG lSpinCount);
WINBASEAPI BOOL WINAPI EnterSynchronizationBarrier(LPSYNCHRONIZATION_BARRIER lpBarrier,
                                                   DWORD dwFlags);
WINBASEAPI BOOL WINAPI DeleteSynchronizationBarrier(LPSYNCHRONIZATION_BARRIER lpBarrier);

/* Interlocked operations: sequentially consistent, inline (compiler builtins). */
#define MemoryBarrier() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#if defined(__x86_64__) || defined(__i386__)
#  define YieldProcessor() __builtin_ia32_pause()
#else
#  define YieldProcessor() ((void)0)
#endif
static inline LONG InterlockedIncrement(LONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedDecrement(LONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchange(LONG volatile *Target, LONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchangeAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedCompareExchange(LONG volatile *Destination, LONG Exchange,
                                              LONG Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline LONG InterlockedAnd(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_and(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedOr(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_or(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedXor(LONG volatile *Destination, LONG Value)
{
    return __atomic_fetch_xor(Destination, Value, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedIncrement64(LONGLONG volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedDecrement64(LONGLONG volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedExchange64(LONGLONG volatile *Target, LONGLONG Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedExchangeAdd64(LONGLONG volatile *Addend, LONGLONG Value)
{
    return __atomic_fetch_add(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedCompareExchange64(LONGLONG volatile *Destination,
                                                    LONGLONG Exchange, LONGLONG Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
static inline PVOID InterlockedExchangePointer(PVOID volatile *Target, PVOID Value)
{
    return __atomic_exchange_n(Target, Value, __ATOMIC_SEQ_CST);
}
static inline PVOID InterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID Exchange,
                                                      PVOID Comparand)
{
    __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST,
                                __ATOMIC_SEQ_CST);
    return Comparand;
}
/* The rest of the family (winnt.h): 8-, 16- and 64-bit forms, the pointer forms, the
 * acquire/release/no-fence spellings (all sequentially consistent here) and the compiler's
 * _Interlocked* intrinsic names. */
#define WINIPC_ILK_(T, name, op)                                                            \
    static inline T name(T volatile *Destination, T Value)                                  \
    {                                                                                       \
        return op(Destination, Value, __ATOMIC_SEQ_CST);                                    \
    }
#define WINIPC_ILK_CMPXCHG_(T, name)                                                        \
    static inline T name(T volatile *Destination, T Exchange, T Comparand)                  \
    {                                                                                       \
        __atomic_compare_exchange_n(Destination, &Comparand, Exchange, 0, __ATOMIC_SEQ_CST, \
                                    __ATOMIC_SEQ_CST);                                      \
        return Comparand;                                                                   \
    }
WINIPC_ILK_(LONGLONG, InterlockedAnd64, __atomic_fetch_and)
WINIPC_ILK_(LONGLONG, InterlockedOr64, __atomic_fetch_or)
WINIPC_ILK_(LONGLONG, InterlockedXor64, __atomic_fetch_xor)
WINIPC_ILK_(char, InterlockedAnd8, __atomic_fetch_and)
WINIPC_ILK_(char, InterlockedOr8, __atomic_fetch_or)
WINIPC_ILK_(char, InterlockedXor8, __atomic_fetch_xor)
WINIPC_ILK_(char, InterlockedExchange8, __atomic_exchange_n)
WINIPC_ILK_(SHORT, InterlockedAnd16, __atomic_fetch_and)
WINIPC_ILK_(SHORT, InterlockedOr16, __atomic_fetch_or)
WINIPC_ILK_(SHORT, InterlockedXor16, __atomic_fetch_xor)
WINIPC_ILK_(SHORT, InterlockedExchange16, __atomic_exchange_n)
WINIPC_ILK_CMPXCHG_(char, InterlockedCompareExchange8)
WINIPC_ILK_CMPXCHG_(SHORT, InterlockedCompareExchange16)
static inline SHORT InterlockedIncrement16(SHORT volatile *Addend)
{
    return __atomic_add_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline SHORT InterlockedDecrement16(SHORT volatile *Addend)
{
    return __atomic_sub_fetch(Addend, 1, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedExchangeSubtract(LONG volatile *Addend, LONG Value)
{
    return __atomic_fetch_sub(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONG InterlockedAdd(LONG volatile *Addend, LONG Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline LONGLONG InterlockedAdd64(LONGLONG volatile *Addend, LONGLONG Value)
{
    return __atomic_add_fetch(Addend, Value, __ATOMIC_SEQ_CST);
}
static inline BOOLEAN InterlockedBitTestAndSet(LONG volatile *Base, LONG Offset)
{
    return (BOOLEAN)((__atomic_fetch_or(Base, (LONG)(1UL << (Offset & 31)), __ATOMIC_SEQ_CST)
                      >> (Offset & 31)) & 1);
}
static inline BOOLEAN InterlockedBitTestAndReset(LONG volatile *Base, LONG Offset)
{
    return (BOOLEAN)((__atomic_fetch_and(Base, (LONG)~(1UL << (Offset & 31)), __ATOMIC_SEQ_CST)
                      >> (Offset & 31)) & 1);
}
#define InterlockedIncrementAcquire       InterlockedIncrement
#define InterlockedIncrementRelease       InterlockedIncrement
#define InterlockedIncrementNoFence       InterlockedIncrement
#define InterlockedDecrementAcquire       InterlockedDecrement
#define InterlockedDecrementRelease       InterlockedDecrement
#define InterlockedDecrementNoFence       InterlockedDecrement
#define InterlockedExchangeAcquire        InterlockedExchange
#define InterlockedExchangeNoFence        InterlockedExchange
#define InterlockedExchangeAddAcquire     InterlockedExchangeAdd
#define InterlockedExchangeAddRelease     InterlockedExchangeAdd
#define InterlockedExchangeAddNoFence     InterlockedExchangeAdd
#define InterlockedCompareExchangeAcquire InterlockedCompareExchange
#define InterlockedCompareExchangeRelease InterlockedCompareExchange
#define InterlockedCompareExchangeNoFence InterlockedCompareExchange
#define InterlockedIncrementAcquire64     InterlockedIncrement64
#define InterlockedIncrementRelease64     InterlockedIncrement64
#define InterlockedDecrementAcquire64     InterlockedDecrement64
#define InterlockedDecrementRelease64     InterlockedDecrement64
#define InterlockedCompareExchangeAcquire64 InterlockedCompareExchange64
#define InterlockedCompareExchangeRelease64 InterlockedCompareExchange64
#define InterlockedExchangePointerAcquire InterlockedExchangePointer
#define InterlockedExchangePointerNoFence InterlockedExchangePointer
#define InterlockedCompareExchangePointerAcquire InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerRelease InterlockedCompareExchangePointer
#define InterlockedCompareExchangePointerNoFence InterlockedCompareExchangePointer
#define InterlockedAndAcquire             InterlockedAnd
#define InterlockedAndRelease             InterlockedAnd
#define InterlockedOrAcquire              InterlockedOr
#define InterlockedOrRelease              InterlockedOr
#define InterlockedXorAcquire             InterlockedXor
#define InterlockedXorRelease             InterlockedXor
#define _InterlockedIncrement             InterlockedIncrement
#define _InterlockedDecrement             InterlockedDecrement
#define _InterlockedExchange              InterlockedExchange
#define _InterlockedExchangeAdd           InterlockedExchangeAdd
#define _InterlockedCompareExchange       InterlockedCompareExchange
#define _InterlockedAnd                   InterlockedAnd
#define _InterlockedOr                    InterlockedOr
#define _InterlockedXor                   InterlockedXor
#define _InterlockedIncrement16           InterlockedIncrement16
#define _InterlockedDecrement16           InterlockedDecrement16
#define _InterlockedCompareExchange16     InterlockedCompareExchange16
#define _InterlockedExchange8             InterlockedExchange8
#define _InterlockedExchange16            InterlockedExchange16
#define _InterlockedAnd8                  InterlockedAnd8
#define _InterlockedOr8                   InterlockedOr8
#define _InterlockedXor8                  InterlockedXor8
#define _InterlockedAnd16                 InterlockedAnd16
#define _InterlockedOr16                  InterlockedOr16
#define _InterlockedXor16                 InterlockedXor16
#define _InterlockedCompareExchange8      InterlockedCompareExchange8
#define _InterlockedIncrement64           InterlockedIncrement64
#define _InterlockedDecrement64           InterlockedDecrement64
#define _InterlockedExchange64            InterlockedExchange64
#define _InterlockedExchangeAdd64         InterlockedExchangeAdd64
#define _InterlockedCompareExchange64     InterlockedCompareExchange64
#define _InterlockedAnd64                 InterlockedAnd64
#define _InterlockedOr64                  InterlockedOr64
#define _InterlockedXor64                 InterlockedXor64
#define _InterlockedExchangePointer       InterlockedExchangePointer
#define _InterlockedCompareExchangePointer InterlockedCompareExchangePointer
#define _interlockedbittestandset         InterlockedBitTestAndSet
#define _interlockedbittestandreset       InterlockedBitTestAndReset
#define _ReadWriteBarrier()               __atomic_signal_fence(__ATOMIC_SEQ_CST)
#define MemoryBarrierAcquire()            __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define ReadAcquire(p)                    __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define WriteRelease(p, v)                __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ReadNoFence(p)                    __atomic_load_n((p), __ATOMIC_RELAXED)
#define WriteNoFence(p, v)                __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define _mm_pause()                       YieldProcessor()

/* Interlocked singly linked lists (interlockedapi.h): threads of this process. Entries and
 * the header are 16-byte aligned (MEMORY_ALLOCATION_ALIGNMENT), as on x64 Windows. */
#define MEMORY_ALLOCATION_ALIGNMENT 16
typedef struct DECLSPEC_ALIGN(16) _SLIST_ENTRY {
    struct _SLIST_ENTRY *Next;
} SLIST_ENTRY, *PSLIST_ENTRY;
typedef struct DECLSPEC_ALIGN(16) _SLIST_HEADER {
    ULONGLONG Alignment;
    ULONGLONG Region;
} SLIST_HEADER, *PSLIST_HEADER;
WINBASEAPI VOID WINAPI InitializeSListHead(PSLIST_HEADER ListHead);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPushEntrySList(PSLIST_HEADER ListHead,
                                                         PSLIST_ENTRY ListEntry);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPushListSListEx(PSLIST_HEADER ListHead,
                                                          PSLIST_ENTRY List, PSLIST_ENTRY ListEnd,
                                                          ULONG Count);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedPopEntrySList(PSLIST_HEADER ListHead);
WINBASEAPI PSLIST_ENTRY WINAPI InterlockedFlushSList(PSLIST_HEADER ListHead);
WINBASEAPI USHORT WINAPI QueryDepthSList(PSLIST_HEADER ListHead);
WINBASEAPI PSLIST_ENTRY WINAPI RtlFirstEntrySList(const SLIST_HEADER *ListHead);
/* MSVC's <malloc.h> aligned allocations (alignment a power of two; _aligned_free(NULL) is a
 * no-op). */
WINBASEAPI void *WINAPI _aligned_malloc(size_t size, size_t alignment);
WINBASEAPI void WINAPI _aligned_free(void *memblock);

/* Wall-clock time and the performance counter (nanoseconds: frequency 1e9). */
WINBASEAPI VOID WINAPI GetSystemTime(LPSYSTEMTIME lpSystemTime);
WINBASEAPI VOID WINAPI GetLocalTime(LPSYSTEMTIME lpSystemTime);
/* The local zone (TZ, else /etc/localtime): Bias in minutes (UTC = local + Bias), the zone
 * abbreviations as names, this year's daylight-saving transitions as yearly rules. */
typedef struct _TIME_ZONE_INFORMATION {
    LONG Bias;
    WCHAR StandardName[32];
    SYSTEMTIME StandardDate;
    LONG StandardBias;
    WCHAR DaylightName[32];
    SYSTEMTIME DaylightDate;
    LONG DaylightBias;
} TIME_ZONE_INFORMATION, *PTIME_ZONE_INFORMATION, *LPTIME_ZONE_INFORMATION;
#define TIME_ZONE_ID_UNKNOWN  0
#define TIME_ZONE_ID_STANDARD 1
#define TIME_ZONE_ID_DAYLIGHT 2
#define TIME_ZONE_ID_INVALID  ((DWORD)0xFFFFFFFF)
WINBASEAPI DWORD WINAPI GetTimeZoneInformation(LPTIME_ZONE_INFORMATION lpTimeZoneInformation);
/* Date and time pictures (dddd, MMMM d, yyyy / hh:mm:ss tt, 'quoted'); every locale is
 * English (United States). lpDate/lpTime NULL: now, local. */
#define DATE_SHORTDATE          0x00000001
#define DATE_LONGDATE           0x00000002
#define DATE_USE_ALT_CALENDAR   0x00000004
#define DATE_YEARMONTH          0x00000008
#define DATE_LTRREADING         0x00000010
#define DATE_RTLREADING         0x00000020
#define DATE_AUTOLAYOUT         0x00000040
#define TIME_NOMINUTESORSECONDS 0x00000001
#define TIME_NOSECONDS          0x00000002
#define TIME_NOTIMEMARKER       0x00000004
#define TIME_FORCE24HOURFORMAT  0x00000008
typedef DWORD LCID;
#ifndef LOCALE_USER_DEFAULT
#  define LOCALE_USER_DEFAULT   0x0400
#  define LOCALE_SYSTEM_DEFAULT 0x0800
#  define LOCALE_INVARIANT      0x007f
#endif
#ifndef LOCALE_NOUSEROVERRIDE
#  define LOCALE_NOUSEROVERRIDE 0x80000000
#endif
WINBASEAPI int WINAPI GetDateFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpDate,
                                     LPCSTR lpFormat, LPSTR lpDateStr, int cchDate);
WINBASEAPI int WINAPI GetDateFormatW(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpDate,
                                     LPCWSTR lpFormat, LPWSTR lpDateStr, int cchDate);
WINBASEAPI int WINAPI GetTimeFormatA(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpTime,
                                     LPCSTR lpFormat, LPSTR lpTimeStr, int cchTime);
WINBASEAPI int WINAPI GetTimeFormatW(LCID Locale, DWORD dwFlags, const SYSTEMTIME *lpTime,
                                     LPCWSTR lpFormat, LPWSTR lpTimeStr, int cchTime);
#ifdef UNICODE
#  define GetDateFormat GetDateFormatW
#  define GetTimeFormat GetTimeFormatW
#else
#  define GetDateFormat GetDateFormatA
#  define GetTimeFormat GetTimeFormatA
#endif
/* NULL zone: the local one. */
WINBASEAPI BOOL WINAPI SystemTimeToTzSpecificLocalTime(
    const TIME_ZONE_INFORMATION *lpTimeZoneInformation, const SYSTEMTIME *lpUniversalTime,
    LPSYSTEMTIME lpLocalTime);
WINBASEAPI BOOL WINAPI TzSpecificLocalTimeToSystemTime(
    const TIME_ZONE_INFORMATION *lpTimeZoneInformation, const SYSTEMTIME *lpLocalTime,
    LPSYSTEMTIME lpUniversalTime);
WINBASEAPI VOID WINAPI GetSystemTimeAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
WINBASEAPI VOID WINAPI GetSystemTimePreciseAsFileTime(LPFILETIME lpSystemTimeAsFileTime);
WINBASEAPI BOOL WINAPI QueryUnbiasedInterruptTime(PULONGLONG UnbiasedTime);
WINBASEAPI BOOL WINAPI FileTimeToSystemTime(const FILETIME *lpFileTime, LPSYSTEMTIME lpSystemTime);
WINBASEAPI BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *lpSystemTime, LPFILETIME lpFileTime);
WINBASEAPI BOOL WINAPI QueryPerformanceCounter(LARGE_INTEGER *lpPerformanceCount);
WINBASEAPI BOOL WINAPI QueryPerformanceFrequency(LARGE_INTEGER *lpFrequency);

/* Time, errors, memory, strings. */
WINBASEAPI VOID WINAPI Sleep(DWORD dwMilliseconds);
WINBASEAPI DWORD WINAPI GetTickCount(void);
WINBASEAPI ULONGLONG WINAPI GetTickCount64(void);
WINBASEAPI DWORD WINAPI GetLastError(void);
WINBASEAPI VOID WINAPI SetLastError(DWORD dwErrCode);
WINBASEAPI DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                                       DWORD dwLanguageId, LPSTR lpBuffer, DWORD nSize,
                                       va_list *Arguments);
WINBASEAPI DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId,
                                       DWORD dwLanguageId, LPWSTR lpBuffer, DWORD nSize,
                                       va_list *Arguments);
WINBASEAPI HGLOBAL WINAPI GlobalAlloc(UINT uFlags, SIZE_T dwBytes);
WINBASEAPI HGLOBAL WINAPI GlobalReAlloc(HGLOBAL hMem, SIZE_T dwBytes, UINT uFlags);
WINBASEAPI HGLOBAL WINAPI GlobalFree(HGLOBAL hMem);
WINBASEAPI SIZE_T WINAPI GlobalSize(HGLOBAL hMem);
WINBASEAPI LPVOID WINAPI GlobalLock(HGLOBAL hMem);
WINBASEAPI BOOL WINAPI GlobalUnlock(HGLOBAL hMem);
WINBASEAPI HLOCAL WINAPI LocalAlloc(UINT uFlags, SIZE_T uBytes);
WINBASEAPI HLOCAL WINAPI LocalReAlloc(HLOCAL hMem, SIZE_T uBytes, UINT uFlags);
WINBASEAPI HLOCAL WINAPI LocalFree(HLOCAL hMem);
WINBASEAPI SIZE_T WINAPI LocalSize(HLOCAL hMem);
WINBASEAPI LPVOID WINAPI LocalLock(HLOCAL hMem);
WINBASEAPI BOOL WINAPI LocalUnlock(HLOCAL hMem);
WINBASEAPI HANDLE WINAPI GetProcessHeap(void);
WINBASEAPI HANDLE WINAPI HeapCreate(DWORD flOptions, SIZE_T dwInitialSize, SIZE_T dwMaximumSize);
WINBASEAPI BOOL WINAPI HeapDestroy(HANDLE hHeap);
WINBASEAPI LPVOID WINAPI HeapAlloc(HANDLE hHeap, DWORD dwFlags, SIZE_T dwBytes);
WINBASEAPI LPVOID WINAPI HeapReAlloc(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem, SIZE_T dwBytes);
WINBASEAPI BOOL WINAPI HeapFree(HANDLE hHeap, DWORD dwFlags, LPVOID lpMem);
WINBASEAPI SIZE_T WINAPI HeapSize(HANDLE hHeap, DWORD dwFlags, LPCVOID lpMem);
WINBASEAPI LPSTR WINAPI GetCommandLineA(void);
WINBASEAPI LPWSTR WINAPI GetCommandLineW(void);
/* The Microsoft C runtime's copies of main's arguments (<stdlib.h> on Windows), set by
 * libwinipc before main runs; __wargv is UTF-16. */
extern int __argc;
extern char **__argv;
extern WCHAR **__wargv;
/* A reference to libwinipc from every program that includes <windows.h>, so that the linker
 * keeps the library (and its handler recording the full 32-bit code of exit(n) / a return from
 * main) also in a program that calls no Win32 function - a child that only returns a sum -
 * when it links with --as-needed, the default of most distributions. WINIPC_NO_LINK_ANCHOR
 * leaves it out (for code using only the headers' inline functions, without -lwinipc). */
#if !defined(WINIPC_NO_LINK_ANCHOR) && (defined(__GNUC__) || defined(__clang__))
static int *const winipc_link_anchor_ __attribute__((__used__, __unused__)) = &__argc;
#endif
/* shell32's splitter (<shellapi.h>, which the SDK's <windows.h> includes); free the array
 * with LocalFree. */
WINBASEAPI LPWSTR *WINAPI CommandLineToArgvW(LPCWSTR lpCmdLine, int *pNumArgs);
WINBASEAPI BOOL WINAPI GetComputerNameA(LPSTR lpBuffer, LPDWORD nSize);
WINBASEAPI BOOL WINAPI GetComputerNameW(LPWSTR lpBuffer, LPDWORD nSize);
/* The Windows version: 6.2 build 9200, what Windows 8 and later report to a program without
 * a compatibility manifest (docs/c-abi.md). */
typedef struct _OSVERSIONINFOA {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    CHAR szCSDVersion[128];
} OSVERSIONINFOA, *POSVERSIONINFOA, *LPOSVERSIONINFOA;
typedef struct _OSVERSIONINFOW {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    WCHAR szCSDVersion[128];
} OSVERSIONINFOW, *POSVERSIONINFOW, *LPOSVERSIONINFOW;
typedef struct _OSVERSIONINFOEXA {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    CHAR szCSDVersion[128];
    WORD wServicePackMajor;
    WORD wServicePackMinor;
    WORD wSuiteMask;
    BYTE wProductType;
    BYTE wReserved;
} OSVERSIONINFOEXA, *POSVERSIONINFOEXA, *LPOSVERSIONINFOEXA;
typedef struct _OSVERSIONINFOEXW {
    DWORD dwOSVersionInfoSize;
    DWORD dwMajorVersion;
    DWORD dwMinorVersion;
    DWORD dwBuildNumber;
    DWORD dwPlatformId;
    WCHAR szCSDVersion[128];
    WORD wServicePackMajor;
    WORD wServicePackMinor;
    WORD wSuiteMask;
    BYTE wProductType;
    BYTE wReserved;
} OSVERSIONINFOEXW, *POSVERSIONINFOEXW, *LPOSVERSIONINFOEXW;
#define VER_PLATFORM_WIN32s        0
#define VER_PLATFORM_WIN32_WINDOWS 1
#define VER_PLATFORM_WIN32_NT      2
#define VER_NT_WORKSTATION         0x0000001
#define VER_NT_DOMAIN_CONTROLLER   0x0000002
#define VER_NT_SERVER              0x0000003
#define VER_SUITE_SINGLEUSERTS     0x00000100
WINBASEAPI BOOL WINAPI GetVersionExA(LPOSVERSIONINFOA lpVersionInformation);
WINBASEAPI BOOL WINAPI GetVersionExW(LPOSVERSIONINFOW lpVersionInformation);
WINBASEAPI DWORD WINAPI GetVersion(void);
WINBASEAPI int WINAPI lstrlenA(LPCSTR lpString);
WINBASEAPI int WINAPI lstrlenW(LPCWSTR lpString);
/* Initialization files (UTF-8; a name without a directory is in GetWindowsDirectory's). */
WINBASEAPI DWORD WINAPI GetPrivateProfileStringA(LPCSTR lpAppName, LPCSTR lpKeyName,
                                                 LPCSTR lpDefault, LPSTR lpReturnedString,
                                                 DWORD nSize, LPCSTR lpFileName);
WINBASEAPI DWORD WINAPI GetPrivateProfileStringW(LPCWSTR lpAppName, LPCWSTR lpKeyName,
                                                 LPCWSTR lpDefault, LPWSTR lpReturnedString,
                                                 DWORD nSize, LPCWSTR lpFileName);
WINBASEAPI UINT WINAPI GetPrivateProfileIntA(LPCSTR lpAppName, LPCSTR lpKeyName, INT nDefault,
                                             LPCSTR lpFileName);
WINBASEAPI UINT WINAPI GetPrivateProfileIntW(LPCWSTR lpAppName, LPCWSTR lpKeyName, INT nDefault,
                                             LPCWSTR lpFileName);
WINBASEAPI BOOL WINAPI WritePrivateProfileStringA(LPCSTR lpAppName, LPCSTR lpKeyName,
                                                  LPCSTR lpString, LPCSTR lpFileName);
WINBASEAPI BOOL WINAPI WritePrivateProfileStringW(LPCWSTR lpAppName, LPCWSTR lpKeyName,
                                                  LPCWSTR lpString, LPCWSTR lpFileName);
WINBASEAPI DWORD WINAPI GetPrivateProfileSectionA(LPCSTR lpAppName, LPSTR lpReturnedString,
                                                  DWORD nSize, LPCSTR lpFileName);
WINBASEAPI DWORD WINAPI GetPrivateProfileSectionW(LPCWSTR lpAppName, LPWSTR lpReturnedString,
                                                  DWORD nSize, LPCWSTR lpFileName);
WINBASEAPI DWORD WINAPI GetPrivateProfileSectionNamesA(LPSTR lpszReturnBuffer, DWORD nSize,
                                                       LPCSTR lpFileName);
WINBASEAPI DWORD WINAPI GetPrivateProfileSectionNamesW(LPWSTR lpszReturnBuffer, DWORD nSize,
                                                       LPCWSTR lpFileName);

/* user32's character functions (UTF-8 / UTF-16; Unicode simple case mapping) and MulDiv.
 * CharUpper/CharLower take a string (converted in place, returned) or one character in the
 * low word of the pointer (returned the same way). */
WINBASEAPI LPSTR WINAPI CharUpperA(LPSTR lpsz);
WINBASEAPI LPWSTR WINAPI CharUpperW(LPWSTR lpsz);
WINBASEAPI LPSTR WINAPI CharLowerA(LPSTR lpsz);
WINBASEAPI LPWSTR WINAPI CharLowerW(LPWSTR lpsz);
WINBASEAPI DWORD WINAPI CharUpperBuffA(LPSTR lpsz, DWORD cchLength);
WINBASEAPI DWORD WINAPI CharUpperBuffW(LPWSTR lpsz, DWORD cchLength);
WINBASEAPI DWORD WINAPI CharLowerBuffA(LPSTR lpsz, DWORD cchLength);
WINBASEAPI DWORD WINAPI CharLowerBuffW(LPWSTR lpsz, DWORD cchLength);
WINBASEAPI LPSTR WINAPI CharNextA(LPCSTR lpsz);
WINBASEAPI LPWSTR WINAPI CharNextW(LPCWSTR lpsz);
WINBASEAPI LPSTR WINAPI CharPrevA(LPCSTR lpszStart, LPCSTR lpszCurrent);
WINBASEAPI LPWSTR WINAPI CharPrevW(LPCWSTR lpszStart, LPCWSTR lpszCurrent);
WINBASEAPI BOOL WINAPI IsCharAlphaA(CHAR ch);
WINBASEAPI BOOL WINAPI IsCharAlphaW(WCHAR ch);
WINBASEAPI BOOL WINAPI IsCharAlphaNumericA(CHAR ch);
WINBASEAPI BOOL WINAPI IsCharAlphaNumericW(WCHAR ch);
WINBASEAPI BOOL WINAPI IsCharUpperA(CHAR ch);
WINBASEAPI BOOL WINAPI IsCharUpperW(WCHAR ch);
WINBASEAPI BOOL WINAPI IsCharLowerA(CHAR ch);
WINBASEAPI BOOL WINAPI IsCharLowerW(WCHAR ch);
WINBASEAPI int WINAPI MulDiv(int nNumber, int nNumerator, int nDenominator);
/* SecureZeroMemory: zeroes memory with stores the compiler may not remove. */
static inline PVOID RtlSecureZeroMemory(PVOID ptr, SIZE_T cnt)
{
    volatile char *vptr = (volatile char *)ptr;
    while (cnt > 0) {
        *vptr++ = 0;
        cnt--;
    }
    return ptr;
}
#define SecureZeroMemory RtlSecureZeroMemory

WINBASEAPI LPSTR WINAPI lstrcpyA(LPSTR lpString1, LPCSTR lpString2);
WINBASEAPI LPWSTR WINAPI lstrcpyW(LPWSTR lpString1, LPCWSTR lpString2);
WINBASEAPI LPSTR WINAPI lstrcatA(LPSTR lpString1, LPCSTR lpString2);
WINBASEAPI LPWSTR WINAPI lstrcatW(LPWSTR lpString1, LPCWSTR lpString2);
WINBASEAPI LPSTR WINAPI lstrcpynA(LPSTR lpString1, LPCSTR lpString2, int iMaxLength);
WINBASEAPI LPWSTR WINAPI lstrcpynW(LPWSTR lpString1, LPCWSTR lpString2, int iMaxLength);
WINBASEAPI int WINAPI lstrcmpA(LPCSTR lpString1, LPCSTR lpString2);
WINBASEAPI int WINAPI lstrcmpW(LPCWSTR lpString1, LPCWSTR lpString2);
/* Case-insensitive: each character folded to lower case, then compared ordinally. */
WINBASEAPI int WINAPI lstrcmpiA(LPCSTR lpString1, LPCSTR lpString2);
WINBASEAPI int WINAPI lstrcmpiW(LPCWSTR lpString1, LPCWSTR lpString2);

/* Code pages: the A functions take UTF-8, so CP_ACP and CP_OEMCP are UTF-8 (GetACP() ==
 * CP_UTF8). */
#define CP_ACP               0
#define CP_OEMCP             1
#define CP_MACCP             2
#define CP_THREAD_ACP        3
#define CP_SYMBOL            42
#define CP_UTF7              65000
#define CP_UTF8              65001
#define MB_PRECOMPOSED       0x00000001
#define MB_COMPOSITE         0x00000002
#define MB_USEGLYPHCHARS     0x00000004
#define MB_ERR_INVALID_CHARS 0x00000008
#define WC_DISCARDNS         0x00000010
#define WC_SEPCHARS          0x00000020
#define WC_DEFAULTCHAR       0x00000040
#define WC_ERR_INVALID_CHARS 0x00000080
#define WC_COMPOSITECHECK    0x00000200
#define WC_NO_BEST_FIT_CHARS 0x00000400
WINBASEAPI int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCCH lpMultiByteStr,
                                          int cbMultiByte, LPWSTR lpWideCharStr,
                                          int cchWideChar);
WINBASEAPI int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWCH lpWideCharStr,
                                          int cchWideChar, LPSTR lpMultiByteStr,
                                          int cbMultiByte, LPCCH lpDefaultChar,
                                          LPBOOL lpUsedDefaultChar);
WINBASEAPI UINT WINAPI GetACP(void);
#define MAX_LEADBYTES    12
#define MAX_DEFAULTCHAR  2
typedef struct _cpinfo {
    UINT MaxCharSize;
    BYTE DefaultChar[MAX_DEFAULTCHAR];
    BYTE LeadByte[MAX_LEADBYTES];
} CPINFO, *LPCPINFO;
WINBASEAPI BOOL WINAPI GetCPInfo(UINT CodePage, LPCPINFO lpCPInfo);
WINBASEAPI BOOL WINAPI IsValidCodePage(UINT CodePage);
WINBASEAPI UINT WINAPI GetOEMCP(void);

/* advapi32's GetUserName: the effective user's login name. */
#define UNLEN 256
WINBASEAPI BOOL WINAPI GetUserNameA(LPSTR lpBuffer, LPDWORD pcbBuffer);
WINBASEAPI BOOL WINAPI GetUserNameW(LPWSTR lpBuffer, LPDWORD pcbBuffer);

#define ALL_PROCESSOR_GROUPS 0xffff
WINBASEAPI DWORD WINAPI GetActiveProcessorCount(WORD GroupNumber);
WINBASEAPI BOOL WINAPI IsDebuggerPresent(void);
WINBASEAPI VOID WINAPI OutputDebugStringA(LPCSTR lpOutputString);
WINBASEAPI VOID WINAPI OutputDebugStringW(LPCWSTR lpOutputString);

/* Console odds: a bell, the terminal's title, attaching a terminal. */
#define MB_OK                0x00000000
#define MB_ICONHAND          0x00000010
#define MB_ICONERROR         MB_ICONHAND
#define MB_ICONQUESTION      0x00000020
#define MB_ICONEXCLAMATION   0x00000030
#define MB_ICONWARNING       MB_ICONEXCLAMATION
#define MB_ICONASTERISK      0x00000040
#define MB_ICONINFORMATION   MB_ICONASTERISK
WINBASEAPI BOOL WINAPI MessageBeep(UINT uType);
WINBASEAPI BOOL WINAPI Beep(DWORD dwFreq, DWORD dwDuration);
WINBASEAPI BOOL WINAPI SetConsoleTitleA(LPCSTR lpConsoleTitle);
WINBASEAPI BOOL WINAPI SetConsoleTitleW(LPCWSTR lpConsoleTitle);
WINBASEAPI DWORD WINAPI GetConsoleTitleA(LPSTR lpConsoleTitle, DWORD nSize);
WINBASEAPI DWORD WINAPI GetConsoleTitleW(LPWSTR lpConsoleTitle, DWORD nSize);
WINBASEAPI BOOL WINAPI AllocConsole(void);
WINBASEAPI BOOL WINAPI FreeConsole(void);

/* Console I/O (consoleapi.h) on a terminal; on any other handle they fail with
 * ERROR_INVALID_HANDLE, as Windows' do on a redirected handle. */
#define ENABLE_PROCESSED_INPUT             0x0001
#define ENABLE_LINE_INPUT                  0x0002
#define ENABLE_ECHO_INPUT                  0x0004
#define ENABLE_WINDOW_INPUT                0x0008
#define ENABLE_MOUSE_INPUT                 0x0010
#define ENABLE_INSERT_MODE                 0x0020
#define ENABLE_QUICK_EDIT_MODE             0x0040
#define ENABLE_EXTENDED_FLAGS              0x0080
#define ENABLE_AUTO_POSITION               0x0100
#define ENABLE_VIRTUAL_TERMINAL_INPUT      0x0200
#define ENABLE_PROCESSED_OUTPUT            0x0001
#define ENABLE_WRAP_AT_EOL_OUTPUT          0x0002
#define ENABLE_VIRTUAL_TERMINAL_PROCESSING 0x0004
#define DISABLE_NEWLINE_AUTO_RETURN        0x0008
#define ENABLE_LVB_GRID_WORLDWIDE          0x0010
#define CTRL_C_EVENT        0
#define CTRL_BREAK_EVENT    1
#define CTRL_CLOSE_EVENT    2
#define CTRL_LOGOFF_EVENT   5
#define CTRL_SHUTDOWN_EVENT 6
typedef BOOL (WINAPI *PHANDLER_ROUTINE)(DWORD CtrlType);
typedef struct _CONSOLE_READCONSOLE_CONTROL {
    ULONG nLength;
    ULONG nInitialChars;
    ULONG dwCtrlWakeupMask;
    ULONG dwControlKeyState;
} CONSOLE_READCONSOLE_CONTROL, *PCONSOLE_READCONSOLE_CONTROL;
WINBASEAPI BOOL WINAPI GetConsoleMode(HANDLE hConsoleHandle, LPDWORD lpMode);
WINBASEAPI BOOL WINAPI SetConsoleMode(HANDLE hConsoleHandle, DWORD dwMode);
WINBASEAPI BOOL WINAPI WriteConsoleA(HANDLE hConsoleOutput, const VOID *lpBuffer,
                                     DWORD nNumberOfCharsToWrite,
                                     LPDWORD lpNumberOfCharsWritten, LPVOID lpReserved);
WINBASEAPI BOOL WINAPI WriteConsoleW(HANDLE hConsoleOutput, const VOID *lpBuffer,
                                     DWORD nNumberOfCharsToWrite,
                                     LPDWORD lpNumberOfCharsWritten, LPVOID lpReserved);
WINBASEAPI BOOL WINAPI ReadConsoleA(HANDLE hConsoleInput, LPVOID lpBuffer,
                                    DWORD nNumberOfCharsToRead, LPDWORD lpNumberOfCharsRead,
                                    PCONSOLE_READCONSOLE_CONTROL pInputControl);
WINBASEAPI BOOL WINAPI ReadConsoleW(HANDLE hConsoleInput, LPVOID lpBuffer,
                                    DWORD nNumberOfCharsToRead, LPDWORD lpNumberOfCharsRead,
                                    PCONSOLE_READCONSOLE_CONTROL pInputControl);
typedef HANDLE HWND;
/* Code pages: UTF-8 (65001) at first; a code page set is reported back, text is not
 * converted. */
#define CP_ACP   0
#define CP_OEMCP 1
#define CP_UTF7  65000
#define CP_UTF8  65001
WINBASEAPI UINT WINAPI GetConsoleCP(void);
WINBASEAPI UINT WINAPI GetConsoleOutputCP(void);
WINBASEAPI BOOL WINAPI SetConsoleCP(UINT wCodePageID);
WINBASEAPI BOOL WINAPI SetConsoleOutputCP(UINT wCodePageID);
/* Colours (SGR escape sequences to the terminal) and the screen buffer (the terminal's size). */
#define FOREGROUND_BLUE          0x0001
#define FOREGROUND_GREEN         0x0002
#define FOREGROUND_RED           0x0004
#define FOREGROUND_INTENSITY     0x0008
#define BACKGROUND_BLUE          0x0010
#define BACKGROUND_GREEN         0x0020
#define BACKGROUND_RED           0x0040
#define BACKGROUND_INTENSITY     0x0080
#define COMMON_LVB_REVERSE_VIDEO 0x4000
#define COMMON_LVB_UNDERSCORE    0x8000
typedef struct _COORD {
    SHORT X;
    SHORT Y;
} COORD, *PCOORD;
typedef struct _SMALL_RECT {
    SHORT Left;
    SHORT Top;
    SHORT Right;
    SHORT Bottom;
} SMALL_RECT, *PSMALL_RECT;
typedef struct _CONSOLE_SCREEN_BUFFER_INFO {
    COORD dwSize;
    COORD dwCursorPosition;
    WORD wAttributes;
    SMALL_RECT srWindow;
    COORD dwMaximumWindowSize;
} CONSOLE_SCREEN_BUFFER_INFO, *PCONSOLE_SCREEN_BUFFER_INFO;
WINBASEAPI BOOL WINAPI SetConsoleTextAttribute(HANDLE hConsoleOutput, WORD wAttributes);
WINBASEAPI BOOL WINAPI GetConsoleScreenBufferInfo(
    HANDLE hConsoleOutput, PCONSOLE_SCREEN_BUFFER_INFO lpConsoleScreenBufferInfo);
WINBASEAPI BOOL WINAPI FlushConsoleInputBuffer(HANDLE hConsoleInput);
/* The cursor and cell fills on a terminal (escape sequences): FillConsoleOutputCharacter writes
 * from the position and restores the cursor; FillConsoleOutputAttribute cannot recolour cells
 * and sets the attribute for what is written next. */
WINBASEAPI BOOL WINAPI SetConsoleCursorPosition(HANDLE hConsoleOutput, COORD dwCursorPosition);
WINBASEAPI BOOL WINAPI FillConsoleOutputCharacterA(HANDLE hConsoleOutput, CHAR cCharacter,
                                                   DWORD nLength, COORD dwWriteCoord,
                                                   LPDWORD lpNumberOfCharsWritten);
WINBASEAPI BOOL WINAPI FillConsoleOutputCharacterW(HANDLE hConsoleOutput, WCHAR cCharacter,
                                                   DWORD nLength, COORD dwWriteCoord,
                                                   LPDWORD lpNumberOfCharsWritten);
WINBASEAPI BOOL WINAPI FillConsoleOutputAttribute(HANDLE hConsoleOutput, WORD wAttribute,
                                                  DWORD nLength, COORD dwWriteCoord,
                                                  LPDWORD lpNumberOfAttrsWritten);
WINBASEAPI HWND WINAPI GetConsoleWindow(void);
/* Handlers run on a thread of their own: SIGINT is CTRL_C_EVENT, SIGQUIT CTRL_BREAK_EVENT,
 * SIGHUP CTRL_CLOSE_EVENT. */
WINBASEAPI BOOL WINAPI SetConsoleCtrlHandler(PHANDLER_ROUTINE HandlerRoutine, BOOL Add);
/* CTRL_C_EVENT is SIGINT, CTRL_BREAK_EVENT SIGQUIT, sent to the process group
 * dwProcessGroupId (a CREATE_NEW_PROCESS_GROUP child's process id), or 0: the caller's group. */
WINBASEAPI BOOL WINAPI GenerateConsoleCtrlEvent(DWORD dwCtrlEvent, DWORD dwProcessGroupId);

/* MessageBox (winuser.h): no windows here; the caption and text go to standard error and
 * the answer is the default button (IDOK, IDYES, ...). */
#define MB_OKCANCEL          0x00000001
#define MB_ABORTRETRYIGNORE  0x00000002
#define MB_YESNOCANCEL       0x00000003
#define MB_YESNO             0x00000004
#define MB_RETRYCANCEL       0x00000005
#define MB_DEFBUTTON1        0x00000000
#define MB_DEFBUTTON2        0x00000100
#define MB_DEFBUTTON3        0x00000200
#define IDOK     1
#define IDCANCEL 2
#define IDABORT  3
#define IDRETRY  4
#define IDIGNORE 5
#define IDYES    6
#define IDNO     7
WINBASEAPI int WINAPI MessageBoxA(HWND hWnd, LPCSTR lpText, LPCSTR lpCaption, UINT uType);
WINBASEAPI int WINAPI MessageBoxW(HWND hWnd, LPCWSTR lpText, LPCWSTR lpCaption, UINT uType);

/* Scheduling: priority classes and thread priorities (nice values), affinity. */
#define THREAD_PRIORITY_IDLE           (-15)
#define THREAD_PRIORITY_LOWEST         (-2)
#define THREAD_PRIORITY_BELOW_NORMAL   (-1)
#define THREAD_PRIORITY_NORMAL         0
#define THREAD_PRIORITY_ABOVE_NORMAL   1
#define THREAD_PRIORITY_HIGHEST        2
#define THREAD_PRIORITY_TIME_CRITICAL  15
#define THREAD_PRIORITY_ERROR_RETURN   0x7FFFFFFF
#define PROCESSOR_ARCHITECTURE_INTEL   0
#define PROCESSOR_ARCHITECTURE_AMD64   9
#define PROCESSOR_ARCHITECTURE_ARM64   12
#define PROCESSOR_ARCHITECTURE_UNKNOWN 0xFFFF
#define PROCESSOR_AMD_X8664            8664
typedef struct _SYSTEM_INFO {
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION union {
        DWORD dwOemId;
        WINIPC_EXTENSION struct {
            WORD wProcessorArchitecture;
            WORD wReserved;
        };
    };
#else
    union {
        DWORD dwOemId;
        struct {
            WORD wProcessorArchitecture;
            WORD wReserved;
        } s;
    } u;
#endif
    DWORD     dwPageSize;
    LPVOID    lpMinimumApplicationAddress;
    LPVOID    lpMaximumApplicationAddress;
    DWORD_PTR dwActiveProcessorMask;
    DWORD     dwNumberOfProcessors;
    DWORD     dwProcessorType;
    DWORD     dwAllocationGranularity;
    WORD      wProcessorLevel;
    WORD      wProcessorRevision;
} SYSTEM_INFO, *LPSYSTEM_INFO;
WINBASEAPI BOOL WINAPI SetPriorityClass(HANDLE hProcess, DWORD dwPriorityClass);
WINBASEAPI DWORD WINAPI GetPriorityClass(HANDLE hProcess);
WINBASEAPI BOOL WINAPI SetThreadPriority(HANDLE hThread, int nPriority);
WINBASEAPI int WINAPI GetThreadPriority(HANDLE hThread);
WINBASEAPI BOOL WINAPI GetProcessAffinityMask(HANDLE hProcess, PDWORD_PTR lpProcessAffinityMask,
                                              PDWORD_PTR lpSystemAffinityMask);
WINBASEAPI BOOL WINAPI SetProcessAffinityMask(HANDLE hProcess, DWORD_PTR dwProcessAffinityMask);
WINBASEAPI DWORD_PTR WINAPI SetThreadAffinityMask(HANDLE hThread, DWORD_PTR dwThreadAffinityMask);
WINBASEAPI DWORD WINAPI GetCurrentProcessorNumber(void);
WINBASEAPI VOID WINAPI GetSystemInfo(LPSYSTEM_INFO lpSystemInfo);
WINBASEAPI VOID WINAPI GetNativeSystemInfo(LPSYSTEM_INFO lpSystemInfo);

/* GetLogicalProcessorInformation: cores, packages, the NUMA node and caches (sysfs). */
typedef enum _LOGICAL_PROCESSOR_RELATIONSHIP {
    RelationProcessorCore = 0,
    RelationNumaNode = 1,
    RelationCache = 2,
    RelationProcessorPackage = 3,
    RelationGroup = 4,
    RelationAll = 0xffff
} LOGICAL_PROCESSOR_RELATIONSHIP;
typedef enum _PROCESSOR_CACHE_TYPE {
    CacheUnified,
    CacheInstruction,
    CacheData,
    CacheTrace
} PROCESSOR_CACHE_TYPE;
#define LTP_PC_SMT 0x1
typedef struct _CACHE_DESCRIPTOR {
    BYTE Level;
    BYTE Associativity;
    WORD LineSize;
    DWORD Size;
    PROCESSOR_CACHE_TYPE Type;
} CACHE_DESCRIPTOR, *PCACHE_DESCRIPTOR;
typedef struct _SYSTEM_LOGICAL_PROCESSOR_INFORMATION {
    ULONG_PTR ProcessorMask;
    LOGICAL_PROCESSOR_RELATIONSHIP Relationship;
#ifdef WINIPC_NAMELESS_OK
    WINIPC_EXTENSION union {
#else
    union {
#endif
        struct {
            BYTE Flags;
        } ProcessorCore;
        struct {
            DWORD NodeNumber;
        } NumaNode;
        CACHE_DESCRIPTOR Cache;
        ULONGLONG Reserved[2];
#ifdef WINIPC_NAMELESS_OK
    };
#else
    } DUMMYUNIONNAME;
#endif
} SYSTEM_LOGICAL_PROCESSOR_INFORMATION, *PSYSTEM_LOGICAL_PROCESSOR_INFORMATION;
WINBASEAPI BOOL WINAPI GetLogicalProcessorInformation(PSYSTEM_LOGICAL_PROCESSOR_INFORMATION Buffer,
                                                      PDWORD ReturnedLength);
/* GetSystemTimes: /proc/stat (kernel time includes idle time, as on Windows). */
WINBASEAPI BOOL WINAPI GetSystemTimes(LPFILETIME lpIdleTime, LPFILETIME lpKernelTime,
                                      LPFILETIME lpUserTime);
/* IsWow64Process: always FALSE here. */
WINBASEAPI BOOL WINAPI IsWow64Process(HANDLE hProcess, PBOOL Wow64Process);
/* Memory status (sysinfoapi.h, winbase.h): physical memory and swap from /proc/meminfo, the
 * virtual figures of this process's user address space. */
typedef struct _MEMORYSTATUSEX {
    DWORD dwLength;
    DWORD dwMemoryLoad;
    DWORDLONG ullTotalPhys;
    DWORDLONG ullAvailPhys;
    DWORDLONG ullTotalPageFile;
    DWORDLONG ullAvailPageFile;
    DWORDLONG ullTotalVirtual;
    DWORDLONG ullAvailVirtual;
    DWORDLONG ullAvailExtendedVirtual;
} MEMORYSTATUSEX, *LPMEMORYSTATUSEX;
typedef struct _MEMORYSTATUS {
    DWORD dwLength;
    DWORD dwMemoryLoad;
    SIZE_T dwTotalPhys;
    SIZE_T dwAvailPhys;
    SIZE_T dwTotalPageFile;
    SIZE_T dwAvailPageFile;
    SIZE_T dwTotalVirtual;
    SIZE_T dwAvailVirtual;
} MEMORYSTATUS, *LPMEMORYSTATUS;
WINBASEAPI BOOL WINAPI GlobalMemoryStatusEx(LPMEMORYSTATUSEX lpBuffer);
WINBASEAPI BOOL WINAPI GetPhysicallyInstalledSystemMemory(PULONGLONG TotalMemoryInKilobytes);
/* Error mode: kept and reported (no dialog boxes here). */
#define SEM_FAILCRITICALERRORS     0x0001
#define SEM_NOGPFAULTERRORBOX      0x0002
#define SEM_NOALIGNMENTFAULTEXCEPT 0x0004
#define SEM_NOOPENFILEERRORBOX     0x8000
WINBASEAPI UINT WINAPI SetErrorMode(UINT uMode);
WINBASEAPI UINT WINAPI GetErrorMode(void);
WINBASEAPI VOID WINAPI DebugBreak(void);
WINBASEAPI BOOL WINAPI DisableThreadLibraryCalls(HMODULE hLibModule);
/* QueryFullProcessImageName: the program's Linux path (PROCESS_NAME_NATIVE the same). */
#define PROCESS_NAME_NATIVE 0x00000001
WINBASEAPI BOOL WINAPI QueryFullProcessImageNameA(HANDLE hProcess, DWORD dwFlags, LPSTR lpExeName,
                                                  PDWORD lpdwSize);
WINBASEAPI BOOL WINAPI QueryFullProcessImageNameW(HANDLE hProcess, DWORD dwFlags, LPWSTR lpExeName,
                                                  PDWORD lpdwSize);
WINBASEAPI VOID WINAPI GlobalMemoryStatus(LPMEMORYSTATUS lpBuffer);

/* The process environment, directories, modules (dlopen), temporary files. */
WINBASEAPI DWORD WINAPI GetEnvironmentVariableA(LPCSTR lpName, LPSTR lpBuffer, DWORD nSize);
WINBASEAPI DWORD WINAPI GetEnvironmentVariableW(LPCWSTR lpName, LPWSTR lpBuffer, DWORD nSize);
WINBASEAPI BOOL WINAPI SetEnvironmentVariableA(LPCSTR lpName, LPCSTR lpValue);
WINBASEAPI BOOL WINAPI SetEnvironmentVariableW(LPCWSTR lpName, LPCWSTR lpValue);
WINBASEAPI LPCH WINAPI GetEnvironmentStringsA(void);
WINBASEAPI LPWCH WINAPI GetEnvironmentStringsW(void);
WINBASEAPI BOOL WINAPI FreeEnvironmentStringsA(LPCH penv);
WINBASEAPI BOOL WINAPI FreeEnvironmentStringsW(LPWCH penv);
WINBASEAPI DWORD WINAPI ExpandEnvironmentStringsA(LPCSTR lpSrc, LPSTR lpDst, DWORD nSize);
WINBASEAPI DWORD WINAPI ExpandEnvironmentStringsW(LPCWSTR lpSrc, LPWSTR lpDst, DWORD nSize);
WINBASEAPI VOID WINAPI GetStartupInfoA(LPSTARTUPINFOA lpStartupInfo);
WINBASEAPI VOID WINAPI GetStartupInfoW(LPSTARTUPINFOW lpStartupInfo);
WINBASEAPI DWORD WINAPI GetCurrentDirectoryA(DWORD nBufferLength, LPSTR lpBuffer);
WINBASEAPI DWORD WINAPI GetCurrentDirectoryW(DWORD nBufferLength, LPWSTR lpBuffer);
WINBASEAPI BOOL WINAPI SetCurrentDirectoryA(LPCSTR lpPathName);
WINBASEAPI BOOL WINAPI SetCurrentDirectoryW(LPCWSTR lpPathName);
WINBASEAPI UINT WINAPI GetSystemDirectoryA(LPSTR lpBuffer, UINT uSize);
WINBASEAPI UINT WINAPI GetSystemDirectoryW(LPWSTR lpBuffer, UINT uSize);
WINBASEAPI UINT WINAPI GetWindowsDirectoryA(LPSTR lpBuffer, UINT uSize);
WINBASEAPI UINT WINAPI GetWindowsDirectoryW(LPWSTR lpBuffer, UINT uSize);
WINBASEAPI DWORD WINAPI GetTempPathA(DWORD nBufferLength, LPSTR lpBuffer);
WINBASEAPI DWORD WINAPI GetTempPathW(DWORD nBufferLength, LPWSTR lpBuffer);
WINBASEAPI UINT WINAPI GetTempFileNameA(LPCSTR lpPathName, LPCSTR lpPrefixString, UINT uUnique,
                                        LPSTR lpTempFileName);
WINBASEAPI UINT WINAPI GetTempFileNameW(LPCWSTR lpPathName, LPCWSTR lpPrefixString,
                                        UINT uUnique, LPWSTR lpTempFileName);
typedef INT_PTR (WINAPI *FARPROC)(void);
WINBASEAPI HMODULE WINAPI GetModuleHandleA(LPCSTR lpModuleName);
WINBASEAPI HMODULE WINAPI GetModuleHandleW(LPCWSTR lpModuleName);
WINBASEAPI HMODULE WINAPI LoadLibraryA(LPCSTR lpLibFileName);
WINBASEAPI HMODULE WINAPI LoadLibraryW(LPCWSTR lpLibFileName);
WINBASEAPI FARPROC WINAPI GetProcAddress(HMODULE hModule, LPCSTR lpProcName);
WINBASEAPI BOOL WINAPI FreeLibrary(HMODULE hLibModule);
WINBASEAPI DWORD WINAPI GetModuleFileNameA(HMODULE hModule, LPSTR lpFilename, DWORD nSize);
WINBASEAPI DWORD WINAPI GetModuleFileNameW(HMODULE hModule, LPWSTR lpFilename, DWORD nSize);

/* ------------------------------------------------------------------------ */
/* UNICODE switching.                                                       */
/* ------------------------------------------------------------------------ */

#ifdef UNICODE
#  define CreateMailslot       CreateMailslotW
#  define CreateFile           CreateFileW
#  define CreateNamedPipe      CreateNamedPipeW
#  define WaitNamedPipe        WaitNamedPipeW
#  define CallNamedPipe        CallNamedPipeW
#  define GetNamedPipeHandleState GetNamedPipeHandleStateW
#  define CreateEvent          CreateEventW
#  define OpenEvent            OpenEventW
#  define CreateMutex          CreateMutexW
#  define OpenMutex            OpenMutexW
#  define CreateSemaphore      CreateSemaphoreW
#  define OpenSemaphore        OpenSemaphoreW
#  define CreateWaitableTimer  CreateWaitableTimerW
#  define OpenWaitableTimer    OpenWaitableTimerW
#  define CreateProcess        CreateProcessW
#  define FormatMessage        FormatMessageW
#  define GetCommandLine       GetCommandLineW
#  define GetComputerName      GetComputerNameW
#  define lstrlen              lstrlenW
#  define lstrcpy              lstrcpyW
#  define CharUpper            CharUpperW
#  define FillConsoleOutputCharacter FillConsoleOutputCharacterW
#  define QueryFullProcessImageName QueryFullProcessImageNameW
#  define GetPrivateProfileString GetPrivateProfileStringW
#  define GetPrivateProfileInt  GetPrivateProfileIntW
#  define WritePrivateProfileString WritePrivateProfileStringW
#  define GetPrivateProfileSection GetPrivateProfileSectionW
#  define GetPrivateProfileSectionNames GetPrivateProfileSectionNamesW
#  define CharLower            CharLowerW
#  define CharUpperBuff        CharUpperBuffW
#  define CharLowerBuff        CharLowerBuffW
#  define CharNext             CharNextW
#  define CharPrev             CharPrevW
#  define IsCharAlpha          IsCharAlphaW
#  define IsCharAlphaNumeric   IsCharAlphaNumericW
#  define IsCharUpper          IsCharUpperW
#  define IsCharLower          IsCharLowerW
#  define lstrcat              lstrcatW
#  define lstrcpyn             lstrcpynW
#  define lstrcmp              lstrcmpW
#  define lstrcmpi             lstrcmpiW
#  define GetUserName          GetUserNameW
#  define OutputDebugString    OutputDebugStringW
#  define DeleteFile               DeleteFileW
#  define CreateEventEx            CreateEventExW
#  define CreateMutexEx            CreateMutexExW
#  define CreateSemaphoreEx        CreateSemaphoreExW
#  define CreateWaitableTimerEx    CreateWaitableTimerExW
#  define SetConsoleTitle          SetConsoleTitleW
#  define WriteConsole             WriteConsoleW
#  define ReadConsole              ReadConsoleW
#  define MessageBox               MessageBoxW
#  define GetConsoleTitle          GetConsoleTitleW
#  define GetEnvironmentVariable   GetEnvironmentVariableW
#  define SetEnvironmentVariable   SetEnvironmentVariableW
#  define GetEnvironmentStrings    GetEnvironmentStringsW
#  define FreeEnvironmentStrings   FreeEnvironmentStringsW
#  define ExpandEnvironmentStrings ExpandEnvironmentStringsW
#  define GetStartupInfo           GetStartupInfoW
#  define GetCurrentDirectory      GetCurrentDirectoryW
#  define SetCurrentDirectory      SetCurrentDirectoryW
#  define GetSystemDirectory       GetSystemDirectoryW
#  define GetWindowsDirectory      GetWindowsDirectoryW
#  define GetTempPath              GetTempPathW
#  define GetTempFileName          GetTempFileNameW
#  define GetModuleHandle          GetModuleHandleW
#  define LoadLibrary              LoadLibraryW
#  define GetModuleFileName        GetModuleFileNameW
typedef STARTUPINFOW   STARTUPINFO;
typedef LPSTARTUPINFOW LPSTARTUPINFO;
#  define GetVersionEx             GetVersionExW
typedef OSVERSIONINFOW   OSVERSIONINFO;
typedef POSVERSIONINFOW  POSVERSIONINFO;
typedef LPOSVERSIONINFOW LPOSVERSIONINFO;
typedef OSVERSIONINFOEXW   OSVERSIONINFOEX;
typedef POSVERSIONINFOEXW  POSVERSIONINFOEX;
typedef LPOSVERSIONINFOEXW LPOSVERSIONINFOEX;
#else
#  define CreateMailslot       CreateMailslotA
#  define CreateFile           CreateFileA
#  define CreateNamedPipe      CreateNamedPipeA
#  define WaitNamedPipe        WaitNamedPipeA
#  define CallNamedPipe        CallNamedPipeA
#  define GetNamedPipeHandleState GetNamedPipeHandleStateA
#  define CreateEvent          CreateEventA
#  define OpenEvent            OpenEventA
#  define CreateMutex          CreateMutexA
#  define OpenMutex            OpenMutexA
#  define CreateSemaphore      CreateSemaphoreA
#  define OpenSemaphore        OpenSemaphoreA
#  define CreateWaitableTimer  CreateWaitableTimerA
#  define OpenWaitableTimer    OpenWaitableTimerA
#  define CreateProcess        CreateProcessA
#  define FormatMessage        FormatMessageA
#  define GetCommandLine       GetCommandLineA
#  define GetComputerName      GetComputerNameA
#  define lstrlen              lstrlenA
#  define lstrcpy              lstrcpyA
#  define CharUpper            CharUpperA
#  define FillConsoleOutputCharacter FillConsoleOutputCharacterA
#  define QueryFullProcessImageName QueryFullProcessImageNameA
#  define GetPrivateProfileString GetPrivateProfileStringA
#  define GetPrivateProfileInt  GetPrivateProfileIntA
#  define WritePrivateProfileString WritePrivateProfileStringA
#  define GetPrivateProfileSection GetPrivateProfileSectionA
#  define GetPrivateProfileSectionNames GetPrivateProfileSectionNamesA
#  define CharLower            CharLowerA
#  define CharUpperBuff        CharUpperBuffA
#  define CharLowerBuff        CharLowerBuffA
#  define CharNext             CharNextA
#  define CharPrev             CharPrevA
#  define IsCharAlpha          IsCharAlphaA
#  define IsCharAlphaNumeric   IsCharAlphaNumericA
#  define IsCharUpper          IsCharUpperA
#  define IsCharLower          IsCharLowerA
#  define lstrcat              lstrcatA
#  define lstrcpyn             lstrcpynA
#  define lstrcmp              lstrcmpA
#  define lstrcmpi             lstrcmpiA
#  define GetUserName          GetUserNameA
#  define OutputDebugString    OutputDebugStringA
#  define DeleteFile               DeleteFileA
#  define CreateEventEx            CreateEventExA
#  define CreateMutexEx            CreateMutexExA
#  define CreateSemaphoreEx        CreateSemaphoreExA
#  define CreateWaitableTimerEx    CreateWaitableTimerExA
#  define SetConsoleTitle          SetConsoleTitleA
#  define WriteConsole             WriteConsoleA
#  define ReadConsole              ReadConsoleA
#  define MessageBox               MessageBoxA
#  define GetConsoleTitle          GetConsoleTitleA
#  define GetEnvironmentVariable   GetEnvironmentVariableA
#  define SetEnvironmentVariable   SetEnvironmentVariableA
#  define GetEnvironmentStrings    GetEnvironmentStringsA
#  define FreeEnvironmentStrings   FreeEnvironmentStringsA
#  define ExpandEnvironmentStrings ExpandEnvironmentStringsA
#  define GetStartupInfo           GetStartupInfoA
#  define GetCurrentDirectory      GetCurrentDirectoryA
#  define SetCurrentDirectory      SetCurrentDirectoryA
#  define GetSystemDirectory       GetSystemDirectoryA
#  define GetWindowsDirectory      GetWindowsDirectoryA
#  define GetTempPath              GetTempPathA
#  define GetTempFileName          GetTempFileNameA
#  define GetModuleHandle          GetModuleHandleA
#  define LoadLibrary              LoadLibraryA
#  define GetModuleFileName        GetModuleFileNameA
typedef STARTUPINFOA   STARTUPINFO;
typedef LPSTARTUPINFOA LPSTARTUPINFO;
#  define GetVersionEx             GetVersionExA
typedef OSVERSIONINFOA   OSVERSIONINFO;
typedef POSVERSIONINFOA  POSVERSIONINFO;
typedef LPOSVERSIONINFOA LPOSVERSIONINFO;
typedef OSVERSIONINFOEXA   OSVERSIONINFOEX;
typedef POSVERSIONINFOEXA  POSVERSIONINFOEX;
typedef LPOSVERSIONINFOEXA LPOSVERSIONINFOEX;
#endif

#ifdef __cplusplus
} /* extern "C" */
#endif

#include "fileapi.h" /* locks, attributes, directories, FindFirstFile */
#include "memoryapi.h" /* file mappings */
#include "heapapi.h" /* HeapWalk, HeapLock, HeapValidate, HeapCompact */
#include "jobapi.h" /* IsProcessInJob */
#include "jobapi2.h" /* job objects */
#include "threadpoollegacyapiset.h" /* RegisterWaitForSingleObject, QueueUserWorkItem */
#include "threadpoolapiset.h" /* CreateThreadpoolWork/Wait/Timer */
#include "winipc_wsprintf.h" /* wsprintfA/W, wvsprintfA/W (header-only) */
#include "winipc_crt.h" /* MSVC's C runtime names: sprintf_s, strcpy_s, _stricmp, ... */

#endif /* WINIPC_WINDOWS_H */
