/*
 * The Win32 surface added for real programs (issue 14): every header spelling
 * Windows code uses, and each new function assigned to a pointer of its exact
 * Win32 type (a mismatch is an error in C++ and a -Werror warning in C).
 */
#include <Windows.h>
#include <windows.h>
#include <WINDOWS.H>
#include <WinBase.h>
#include <Winbase.h>
#include <winbase.h>
#include <WinDef.h>
#include <windef.h>
#include <minwindef.h>
#include <WinNT.h>
#include <Winnt.h>
#include <winnt.h>
#include <WinError.h>
#include <Winerror.h>
#include <winerror.h>
#include <synchapi.h>
#include <processthreadsapi.h>
#include <handleapi.h>
#include <fileapi.h>
#include <sysinfoapi.h>
#include <libloaderapi.h>
#include <errhandlingapi.h>
#include <consoleapi.h>
#include <processenv.h>
#include <minwinbase.h>
#include <WinUser.h>
#include <winuser.h>
#include <TlHelp32.h>
#include <Tlhelp32.h>
#include <tlhelp32.h>
#include <conio.h>
#include <tchar.h>
#include <process.h>

#define SIG(ret, name, args) { ret (WINAPI *p_##name) args = name; acc += p_##name != NULL; }
#define CRT(ret, name, args) { ret (*p_##name) args = name; acc += p_##name != NULL; }

int win32_surface(void);
int win32_surface(void)
{
    int acc = 0;
    CRT(int, _getch, (void))
    CRT(int, _getche, (void))
    CRT(int, _kbhit, (void))
    CRT(int, _putch, (int))
    CRT(int, _ungetch, (int))
    SIG(HANDLE, CreateToolhelp32Snapshot, (DWORD, DWORD))
    SIG(BOOL, Process32First, (HANDLE, LPPROCESSENTRY32))
    SIG(BOOL, Process32Next, (HANDLE, LPPROCESSENTRY32))
    SIG(BOOL, Process32FirstW, (HANDLE, LPPROCESSENTRY32W))
    SIG(BOOL, Process32NextW, (HANDLE, LPPROCESSENTRY32W))
    SIG(BOOL, Thread32First, (HANDLE, LPTHREADENTRY32))
    SIG(BOOL, Thread32Next, (HANDLE, LPTHREADENTRY32))
    SIG(DWORD, SuspendThread, (HANDLE))
    SIG(DWORD, ResumeThread, (HANDLE))
    SIG(BOOL, TerminateThread, (HANDLE, DWORD))
    SIG(BOOL, SwitchToThread, (void))
    SIG(DWORD, TlsAlloc, (void))
    SIG(LPVOID, TlsGetValue, (DWORD))
    SIG(BOOL, TlsSetValue, (DWORD, LPVOID))
    SIG(BOOL, TlsFree, (DWORD))
    SIG(DWORD, FlsAlloc, (PFLS_CALLBACK_FUNCTION))
    SIG(BOOL, FlsFree, (DWORD))
    SIG(PVOID, FlsGetValue, (DWORD))
    SIG(BOOL, FlsSetValue, (DWORD, PVOID))
    CRT(int, wsprintfA, (LPSTR, LPCSTR, ...))
    CRT(int, wsprintfW, (LPWSTR, LPCWSTR, ...))
    CRT(int, wvsprintfA, (LPSTR, LPCSTR, va_list))
    CRT(int, wvsprintfW, (LPWSTR, LPCWSTR, va_list))
    SIG(VOID, InitializeSRWLock, (PSRWLOCK))
    SIG(VOID, AcquireSRWLockExclusive, (PSRWLOCK))
    SIG(VOID, AcquireSRWLockShared, (PSRWLOCK))
    SIG(VOID, ReleaseSRWLockExclusive, (PSRWLOCK))
    SIG(VOID, ReleaseSRWLockShared, (PSRWLOCK))
    SIG(BOOLEAN, TryAcquireSRWLockExclusive, (PSRWLOCK))
    SIG(BOOLEAN, TryAcquireSRWLockShared, (PSRWLOCK))
    SIG(VOID, InitializeConditionVariable, (PCONDITION_VARIABLE))
    SIG(BOOL, SleepConditionVariableCS, (PCONDITION_VARIABLE, PCRITICAL_SECTION, DWORD))
    SIG(BOOL, SleepConditionVariableSRW, (PCONDITION_VARIABLE, PSRWLOCK, DWORD, ULONG))
    SIG(VOID, WakeConditionVariable, (PCONDITION_VARIABLE))
    SIG(VOID, WakeAllConditionVariable, (PCONDITION_VARIABLE))
    SIG(VOID, InitOnceInitialize, (PINIT_ONCE))
    SIG(BOOL, InitOnceExecuteOnce, (PINIT_ONCE, PINIT_ONCE_FN, PVOID, LPVOID *))
    { SRWLOCK l = SRWLOCK_INIT; CONDITION_VARIABLE cv = CONDITION_VARIABLE_INIT;
      INIT_ONCE o = INIT_ONCE_STATIC_INIT; acc += (l.Ptr == NULL) + (cv.Ptr == NULL) + (o.Ptr == NULL);
      acc += TLS_OUT_OF_INDEXES == 0xFFFFFFFF && CONDITION_VARIABLE_LOCKMODE_SHARED == 1; }
    SIG(DWORD, GetEnvironmentVariableA, (LPCSTR, LPSTR, DWORD))
    SIG(DWORD, GetEnvironmentVariableW, (LPCWSTR, LPWSTR, DWORD))
    SIG(BOOL, SetEnvironmentVariableA, (LPCSTR, LPCSTR))
    SIG(BOOL, SetEnvironmentVariableW, (LPCWSTR, LPCWSTR))
    SIG(LPCH, GetEnvironmentStringsA, (void))
    SIG(LPWCH, GetEnvironmentStringsW, (void))
    SIG(BOOL, FreeEnvironmentStringsA, (LPCH))
    SIG(BOOL, FreeEnvironmentStringsW, (LPWCH))
    SIG(DWORD, ExpandEnvironmentStringsA, (LPCSTR, LPSTR, DWORD))
    SIG(DWORD, ExpandEnvironmentStringsW, (LPCWSTR, LPWSTR, DWORD))
    SIG(VOID, GetStartupInfoA, (LPSTARTUPINFOA))
    SIG(VOID, GetStartupInfoW, (LPSTARTUPINFOW))
    SIG(DWORD, GetCurrentDirectoryA, (DWORD, LPSTR))
    SIG(DWORD, GetCurrentDirectoryW, (DWORD, LPWSTR))
    SIG(BOOL, SetCurrentDirectoryA, (LPCSTR))
    SIG(BOOL, SetCurrentDirectoryW, (LPCWSTR))
    SIG(UINT, GetSystemDirectoryA, (LPSTR, UINT))
    SIG(UINT, GetSystemDirectoryW, (LPWSTR, UINT))
    SIG(UINT, GetWindowsDirectoryA, (LPSTR, UINT))
    SIG(UINT, GetWindowsDirectoryW, (LPWSTR, UINT))
    SIG(DWORD, GetTempPathA, (DWORD, LPSTR))
    SIG(DWORD, GetTempPathW, (DWORD, LPWSTR))
    SIG(UINT, GetTempFileNameA, (LPCSTR, LPCSTR, UINT, LPSTR))
    SIG(UINT, GetTempFileNameW, (LPCWSTR, LPCWSTR, UINT, LPWSTR))
    SIG(HMODULE, GetModuleHandleA, (LPCSTR))
    SIG(HMODULE, GetModuleHandleW, (LPCWSTR))
    SIG(HMODULE, LoadLibraryA, (LPCSTR))
    SIG(HMODULE, LoadLibraryW, (LPCWSTR))
    SIG(FARPROC, GetProcAddress, (HMODULE, LPCSTR))
    SIG(BOOL, FreeLibrary, (HMODULE))
    SIG(DWORD, GetModuleFileNameA, (HMODULE, LPSTR, DWORD))
    SIG(DWORD, GetModuleFileNameW, (HMODULE, LPWSTR, DWORD))
    SIG(DWORD, SetFilePointer, (HANDLE, LONG, PLONG, DWORD))
    SIG(BOOL, SetFilePointerEx, (HANDLE, LARGE_INTEGER, PLARGE_INTEGER, DWORD))
    SIG(DWORD, GetFileSize, (HANDLE, LPDWORD))
    SIG(BOOL, GetFileSizeEx, (HANDLE, PLARGE_INTEGER))
    SIG(BOOL, FlushFileBuffers, (HANDLE))
    SIG(DWORD, GetFileType, (HANDLE))
    SIG(BOOL, DeleteFileA, (LPCSTR))
    SIG(BOOL, DeleteFileW, (LPCWSTR))
    SIG(BOOL, SetStdHandle, (DWORD, HANDLE))
    SIG(BOOL, SetPriorityClass, (HANDLE, DWORD))
    SIG(DWORD, GetPriorityClass, (HANDLE))
    SIG(BOOL, SetThreadPriority, (HANDLE, int))
    SIG(int, GetThreadPriority, (HANDLE))
    SIG(BOOL, GetProcessAffinityMask, (HANDLE, PDWORD_PTR, PDWORD_PTR))
    SIG(BOOL, SetProcessAffinityMask, (HANDLE, DWORD_PTR))
    SIG(DWORD_PTR, SetThreadAffinityMask, (HANDLE, DWORD_PTR))
    SIG(DWORD, GetCurrentProcessorNumber, (void))
    SIG(VOID, GetSystemInfo, (LPSYSTEM_INFO))
    SIG(VOID, GetNativeSystemInfo, (LPSYSTEM_INFO))
    { typedef char sysinfo_size[sizeof(SYSTEM_INFO) == 48 ? 1 : -1]; acc += (int)sizeof(sysinfo_size); }
    SIG(BOOL, MessageBeep, (UINT))
    SIG(BOOL, Beep, (DWORD, DWORD))
    SIG(BOOL, SetConsoleTitleA, (LPCSTR))
    SIG(BOOL, SetConsoleTitleW, (LPCWSTR))
    SIG(DWORD, GetConsoleTitleA, (LPSTR, DWORD))
    SIG(DWORD, GetConsoleTitleW, (LPWSTR, DWORD))
    SIG(BOOL, AllocConsole, (void))
    SIG(BOOL, FreeConsole, (void))
    { _beginthreadex_proc_type p = 0; acc += p == 0; }
    SIG(DWORD, QueueUserAPC, (PAPCFUNC, HANDLE, ULONG_PTR))
    SIG(DWORD, SleepEx, (DWORD, BOOL))
    SIG(DWORD, WaitForSingleObjectEx, (HANDLE, DWORD, BOOL))
    SIG(DWORD, WaitForMultipleObjectsEx, (DWORD, const HANDLE *, BOOL, DWORD, BOOL))
    SIG(HANDLE, CreateEventExA, (LPSECURITY_ATTRIBUTES, LPCSTR, DWORD, DWORD))
    SIG(HANDLE, CreateEventExW, (LPSECURITY_ATTRIBUTES, LPCWSTR, DWORD, DWORD))
    SIG(HANDLE, CreateMutexExA, (LPSECURITY_ATTRIBUTES, LPCSTR, DWORD, DWORD))
    SIG(HANDLE, CreateMutexExW, (LPSECURITY_ATTRIBUTES, LPCWSTR, DWORD, DWORD))
    SIG(HANDLE, CreateSemaphoreExA, (LPSECURITY_ATTRIBUTES, LONG, LONG, LPCSTR, DWORD, DWORD))
    SIG(HANDLE, CreateSemaphoreExW, (LPSECURITY_ATTRIBUTES, LONG, LONG, LPCWSTR, DWORD, DWORD))
    SIG(HANDLE, CreateWaitableTimerExA, (LPSECURITY_ATTRIBUTES, LPCSTR, DWORD, DWORD))
    SIG(HANDLE, CreateWaitableTimerExW, (LPSECURITY_ATTRIBUTES, LPCWSTR, DWORD, DWORD))
    /* @@MORE@@ */
    return acc;
}
