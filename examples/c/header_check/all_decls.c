/*
 * Uses every type, constant, macro and function declared by <windows.h>
 * (and the TCHAR/TEXT family) without linking: values are checked at compile
 * time, signatures by assigning each function to a pointer of the exact
 * Win32 type (a mismatch is an error in C++ and a -Werror warning in C).
 */
#include <windows.h>
#include <tchar.h>
#include <process.h>
#include <strsafe.h>

#define CHECK(name, cond) typedef char check_##name[(cond) ? 1 : -1]

/* ---- sizes ---- */
CHECK(byte, sizeof(BYTE) == 1);
CHECK(word, sizeof(WORD) == 2);
CHECK(dword, sizeof(DWORD) == 4);
CHECK(dword_unsigned, (DWORD)-1 > 0);
CHECK(long_, sizeof(LONG) == 4);
CHECK(ulong_, sizeof(ULONG) == 4);
CHECK(bool_, sizeof(BOOL) == 4);
CHECK(boolean_, sizeof(BOOLEAN) == 1);
CHECK(uint_, sizeof(UINT) == 4);
CHECK(int_, sizeof(INT) == 4);
CHECK(short_, sizeof(SHORT) == 2 && sizeof(USHORT) == 2 && sizeof(UCHAR) == 1);
CHECK(longlong, sizeof(LONGLONG) == 8 && sizeof(ULONGLONG) == 8 && sizeof(DWORD64) == 8);
CHECK(dwordlong, sizeof(DWORDLONG) == 8 && sizeof(INT64) == 8 && sizeof(UINT64) == 8);
CHECK(fixed, sizeof(INT8) == 1 && sizeof(UINT8) == 1 && sizeof(INT16) == 2 && sizeof(UINT16) == 2 &&
             sizeof(INT32) == 4 && sizeof(UINT32) == 4 && sizeof(LONG64) == 8 && sizeof(ULONG64) == 8);
CHECK(large_integer, sizeof(LARGE_INTEGER) == 8 && sizeof(ULARGE_INTEGER) == 8);
CHECK(handle, sizeof(HANDLE) == sizeof(void *) && sizeof(HMODULE) == sizeof(void *) &&
              sizeof(HINSTANCE) == sizeof(void *) && sizeof(HLOCAL) == sizeof(void *));
CHECK(ptrs, sizeof(LPVOID) == sizeof(void *) && sizeof(LPCVOID) == sizeof(void *) &&
            sizeof(PVOID) == sizeof(void *));
CHECK(ptr_ints, sizeof(SIZE_T) == sizeof(void *) && sizeof(DWORD_PTR) == sizeof(void *) &&
                sizeof(ULONG_PTR) == sizeof(void *) && sizeof(LONG_PTR) == sizeof(void *) &&
                sizeof(INT_PTR) == sizeof(void *) && sizeof(UINT_PTR) == sizeof(void *) &&
                sizeof(SSIZE_T) == sizeof(void *));
CHECK(signedness, (LONG_PTR)-1 < 0 && (INT_PTR)-1 < 0 && (ULONG_PTR)-1 > 0 && (SIZE_T)-1 > 0);
CHECK(chars, sizeof(CHAR) == 1 && sizeof(WCHAR) == 2 && (WCHAR)-1 > 0);
#ifdef UNICODE
CHECK(tchar, sizeof(TCHAR) == 2 && sizeof(TBYTE) == 2);
#else
CHECK(tchar, sizeof(TCHAR) == 1 && sizeof(TBYTE) == 1);
#endif
CHECK(sa, sizeof(SECURITY_ATTRIBUTES) == 24);
CHECK(si, sizeof(STARTUPINFOA) == 104 && sizeof(STARTUPINFOW) == 104 && sizeof(STARTUPINFO) == 104);
CHECK(osver, sizeof(OSVERSIONINFOA) == 148 && sizeof(OSVERSIONINFOW) == 276 &&
                 sizeof(OSVERSIONINFOEXA) == 156 && sizeof(OSVERSIONINFOEXW) == 284);
CHECK(pi, sizeof(PROCESS_INFORMATION) == 24);
CHECK(ft, sizeof(FILETIME) == 8);
CHECK(st, sizeof(SYSTEMTIME) == 16);
CHECK(ov, sizeof(OVERLAPPED) == 32);
CHECK(ov_entry, sizeof(OVERLAPPED_ENTRY) == 32);
CHECK(pipe_consts, PIPE_ACCESS_DUPLEX == 3 && PIPE_TYPE_MESSAGE == 4 &&
                   PIPE_READMODE_MESSAGE == 2 && PIPE_NOWAIT == 1 &&
                   PIPE_UNLIMITED_INSTANCES == 255 && NMPWAIT_WAIT_FOREVER == 0xffffffff &&
                   PIPE_SERVER_END == 1 && PIPE_REJECT_REMOTE_CLIENTS == 8 &&
                   FILE_FLAG_FIRST_PIPE_INSTANCE == 0x00080000);
CHECK(io_errors, ERROR_IO_PENDING == 997 && ERROR_OPERATION_ABORTED == 995 &&
                 ERROR_NOT_FOUND == 1168 && ERROR_PIPE_BUSY == 231 &&
                 ERROR_PIPE_CONNECTED == 535 && ERROR_PIPE_LISTENING == 536 &&
                 ERROR_PIPE_NOT_CONNECTED == 233 && ERROR_BAD_PIPE == 230);
CHECK(critical_section, sizeof(CRITICAL_SECTION) == 40);

/* ---- constants ---- */
CHECK(c_true, TRUE == 1 && FALSE == 0);
CHECK(c_inf, INFINITE == 0xFFFFFFFFu);
CHECK(c_max, MAX_PATH == 260 && MAXIMUM_WAIT_OBJECTS == 64 && MAX_COMPUTERNAME_LENGTH == 15);
CHECK(c_wait, WAIT_OBJECT_0 == 0 && WAIT_ABANDONED_0 == 0x80 && WAIT_ABANDONED == 0x80 &&
              WAIT_TIMEOUT == 0x102 && WAIT_FAILED == 0xFFFFFFFFu && WAIT_IO_COMPLETION == 0xC0);
CHECK(c_active, STILL_ACTIVE == 259);
CHECK(c_ms, MAILSLOT_WAIT_FOREVER == 0xFFFFFFFFu && MAILSLOT_NO_MESSAGE == 0xFFFFFFFFu);
CHECK(c_generic, GENERIC_READ == 0x80000000u && GENERIC_WRITE == 0x40000000 &&
                 GENERIC_EXECUTE == 0x20000000 && GENERIC_ALL == 0x10000000);
CHECK(c_std_rights, DELETE == 0x10000 && READ_CONTROL == 0x20000 && WRITE_DAC == 0x40000 &&
                    WRITE_OWNER == 0x80000 && SYNCHRONIZE == 0x100000 &&
                    STANDARD_RIGHTS_REQUIRED == 0xF0000 && STANDARD_RIGHTS_ALL == 0x1F0000 &&
                    STANDARD_RIGHTS_READ == READ_CONTROL && STANDARD_RIGHTS_WRITE == READ_CONTROL &&
                    STANDARD_RIGHTS_EXECUTE == READ_CONTROL && SPECIFIC_RIGHTS_ALL == 0xFFFF &&
                    MAXIMUM_ALLOWED == 0x2000000);
CHECK(c_share, FILE_SHARE_READ == 1 && FILE_SHARE_WRITE == 2 && FILE_SHARE_DELETE == 4);
CHECK(c_disp, CREATE_NEW == 1 && CREATE_ALWAYS == 2 && OPEN_EXISTING == 3 && OPEN_ALWAYS == 4 &&
              TRUNCATE_EXISTING == 5);
CHECK(c_attr, FILE_ATTRIBUTE_NORMAL == 0x80 && FILE_ATTRIBUTE_READONLY == 1 &&
              FILE_FLAG_OVERLAPPED == 0x40000000);
CHECK(c_dup, DUPLICATE_CLOSE_SOURCE == 1 && DUPLICATE_SAME_ACCESS == 2);
CHECK(c_hflag, HANDLE_FLAG_INHERIT == 1 && HANDLE_FLAG_PROTECT_FROM_CLOSE == 2);
CHECK(c_event, EVENT_ALL_ACCESS == 0x1F0003 && EVENT_MODIFY_STATE == 2 && EVENT_QUERY_STATE == 1);
CHECK(c_mutex, MUTEX_ALL_ACCESS == 0x1F0001 && MUTEX_MODIFY_STATE == 1 &&
               MUTANT_QUERY_STATE == 1 && MUTANT_ALL_ACCESS == 0x1F0001);
CHECK(c_sem, SEMAPHORE_ALL_ACCESS == 0x1F0003 && SEMAPHORE_MODIFY_STATE == 2 &&
             SEMAPHORE_QUERY_STATE == 1);
CHECK(c_timer, TIMER_ALL_ACCESS == 0x1F0003 && TIMER_MODIFY_STATE == 2 && TIMER_QUERY_STATE == 1);
CHECK(c_proc, PROCESS_ALL_ACCESS == 0x1FFFFF && PROCESS_TERMINATE == 1 &&
              PROCESS_CREATE_THREAD == 2 && PROCESS_SET_SESSIONID == 4 &&
              PROCESS_VM_OPERATION == 8 && PROCESS_VM_READ == 0x10 && PROCESS_VM_WRITE == 0x20 &&
              PROCESS_DUP_HANDLE == 0x40 && PROCESS_CREATE_PROCESS == 0x80 &&
              PROCESS_SET_QUOTA == 0x100 && PROCESS_SET_INFORMATION == 0x200 &&
              PROCESS_QUERY_INFORMATION == 0x400 && PROCESS_SUSPEND_RESUME == 0x800 &&
              PROCESS_QUERY_LIMITED_INFORMATION == 0x1000);
CHECK(c_thread, THREAD_ALL_ACCESS == 0x1FFFFF && THREAD_TERMINATE == 1 &&
                THREAD_SUSPEND_RESUME == 2 && THREAD_GET_CONTEXT == 8 &&
                THREAD_SET_CONTEXT == 0x10 && THREAD_SET_INFORMATION == 0x20 &&
                THREAD_QUERY_INFORMATION == 0x40 && THREAD_QUERY_LIMITED_INFORMATION == 0x800);
CHECK(c_create, DEBUG_PROCESS == 1 && DEBUG_ONLY_THIS_PROCESS == 2 && CREATE_SUSPENDED == 4 &&
                DETACHED_PROCESS == 8 && CREATE_NEW_CONSOLE == 0x10 &&
                NORMAL_PRIORITY_CLASS == 0x20 && IDLE_PRIORITY_CLASS == 0x40 &&
                HIGH_PRIORITY_CLASS == 0x80 && REALTIME_PRIORITY_CLASS == 0x100 &&
                CREATE_NEW_PROCESS_GROUP == 0x200 && CREATE_UNICODE_ENVIRONMENT == 0x400 &&
                STACK_SIZE_PARAM_IS_A_RESERVATION == 0x10000 && CREATE_NO_WINDOW == 0x8000000);
CHECK(c_startf, STARTF_USESTDHANDLES == 0x100 && STARTF_USESHOWWINDOW == 1 &&
                STARTF_USESIZE == 2 && STARTF_USEPOSITION == 4);
CHECK(c_std, STD_INPUT_HANDLE == 0xFFFFFFF6u && STD_OUTPUT_HANDLE == 0xFFFFFFF5u &&
             STD_ERROR_HANDLE == 0xFFFFFFF4u);
CHECK(c_fmt, FORMAT_MESSAGE_FROM_SYSTEM == 0x1000 && FORMAT_MESSAGE_IGNORE_INSERTS == 0x200 &&
             FORMAT_MESSAGE_ALLOCATE_BUFFER == 0x100 && FORMAT_MESSAGE_ARGUMENT_ARRAY == 0x2000 &&
             FORMAT_MESSAGE_FROM_STRING == 0x400 && FORMAT_MESSAGE_FROM_HMODULE == 0x800 &&
             FORMAT_MESSAGE_MAX_WIDTH_MASK == 0xFF);
CHECK(c_lang, LANG_NEUTRAL == 0 && SUBLANG_DEFAULT == 1 && LANG_ENGLISH == 9 &&
              SUBLANG_NEUTRAL == 0 && SUBLANG_ENGLISH_US == 1 &&
              MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT) == 0x400 &&
              MAKELANGID(LANG_ENGLISH, SUBLANG_ENGLISH_US) == 0x409 &&
              PRIMARYLANGID(0x409) == 9 && SUBLANGID(0x409) == 1);
CHECK(c_err1, NO_ERROR == 0 && ERROR_SUCCESS == 0 && ERROR_INVALID_FUNCTION == 1 &&
              ERROR_FILE_NOT_FOUND == 2 && ERROR_PATH_NOT_FOUND == 3 &&
              ERROR_TOO_MANY_OPEN_FILES == 4 && ERROR_ACCESS_DENIED == 5 &&
              ERROR_INVALID_HANDLE == 6 && ERROR_NOT_ENOUGH_MEMORY == 8 &&
              ERROR_INVALID_ACCESS == 12 && ERROR_INVALID_DATA == 13 && ERROR_OUTOFMEMORY == 14 &&
              ERROR_SHARING_VIOLATION == 32 && ERROR_HANDLE_EOF == 38 && ERROR_NOT_SUPPORTED == 50 &&
              ERROR_BAD_NETPATH == 53 && ERROR_INVALID_PARAMETER == 87);
CHECK(c_err3, ERROR_BUFFER_OVERFLOW == 111 && ERROR_MR_MID_NOT_FOUND == 317);
CHECK(c_err2, ERROR_BROKEN_PIPE == 109 && ERROR_CALL_NOT_IMPLEMENTED == 120 &&
              ERROR_SEM_TIMEOUT == 121 && ERROR_INSUFFICIENT_BUFFER == 122 &&
              ERROR_INVALID_NAME == 123 && ERROR_ALREADY_EXISTS == 183 &&
              ERROR_BAD_EXE_FORMAT == 193 && ERROR_FILENAME_EXCED_RANGE == 206 &&
              ERROR_NO_DATA == 232 && ERROR_MORE_DATA == 234 && ERROR_DIRECTORY == 267 &&
              ERROR_NOT_OWNER == 288 && ERROR_TOO_MANY_POSTS == 298 &&
              ERROR_ABANDONED_WAIT_0 == 735 && ERROR_NOACCESS == 998 &&
              ERROR_INVALID_FLAGS == 1004 && ERROR_FILE_CORRUPT == 1392 && ERROR_TIMEOUT == 1460);
CHECK(c_status, STATUS_WAIT_0 == 0 && STATUS_ABANDONED_WAIT_0 == 0x80 && STATUS_TIMEOUT == 0x102 &&
                STATUS_PENDING == 0x103);
CHECK(c_words, MAKEWORD(0x34, 0x12) == 0x1234 && LOWORD(0x12345678) == 0x5678 &&
               HIWORD(0x12345678) == 0x1234 && LOBYTE(0x1234) == 0x34 && HIBYTE(0x1234) == 0x12 &&
               MAKELONG(0x5678, 0x1234) == 0x12345678);

int winipc_use_everything(void);
int winipc_use_everything(void)
{
    /* Variables of every type. */
    BYTE b = 0; PBYTE pb = &b; LPBYTE lpb = pb; UCHAR uc = 0; PUCHAR puc = &uc;
    WORD w = 0; PWORD pw = &w; LPWORD lpw = pw; USHORT us = 0; PUSHORT pus = &us;
    SHORT sh = 0; PSHORT psh = &sh;
    DWORD dw = 0; PDWORD pdw = &dw; LPDWORD lpdw = pdw;
    LONG l = 0; PLONG pl = &l; LPLONG lpl = pl; ULONG ul = 0; PULONG pul = &ul;
    BOOL bo = FALSE; PBOOL pbo = &bo; LPBOOL lpbo = pbo; BOOLEAN bn = 0; PBOOLEAN pbn = &bn;
    UINT ui = 0; PUINT pui = &ui; INT i = 0; PINT pi_ = &i; LPINT lpi = pi_;
    FLOAT fl = 0; PFLOAT pfl = &fl;
    LONGLONG ll = 0; PLONGLONG pll = &ll; ULONGLONG ull = 0; PULONGLONG pull = &ull;
    DWORDLONG dwl = 0; DWORD64 dw64 = 0; INT64 i64 = 0; UINT64 u64 = 0; LONG64 l64 = 0;
    ULONG64 ul64 = 0; INT8 i8 = 0; UINT8 u8 = 0; INT16 i16 = 0; UINT16 u16 = 0; INT32 i32 = 0;
    UINT32 u32 = 0; LONG32 l32 = 0; ULONG32 ul32 = 0; DWORD32 dw32 = 0;
    INT_PTR ip = 0; PINT_PTR pip = &ip; LONG_PTR lp = 0; PLONG_PTR plp = &lp; SSIZE_T ss = 0;
    UINT_PTR up = 0; PUINT_PTR pup = &up; ULONG_PTR ulp = 0; PULONG_PTR pulp = &ulp;
    DWORD_PTR dwp = 0; PDWORD_PTR pdwp = &dwp; SIZE_T sz = 0; PSIZE_T psz = &sz;
    PVOID pv = NULL; LPVOID lpv = pv; LPCVOID lpcv = lpv; PCVOID pcv = lpcv;
    HANDLE h = INVALID_HANDLE_VALUE; PHANDLE ph = &h; LPHANDLE lph = ph;
    HMODULE hm = NULL; HINSTANCE hi = hm; HLOCAL hl = NULL; HGLOBAL hg = hl;
    CHAR ch = 'a'; PCHAR pch = &ch; LPCH lpch = pch; PCH pch2 = lpch;
    LPSTR s = pch2; PSTR ps = s; NPSTR nps = ps; LPCSTR cs = "abc"; PCSTR pcs = cs;
    LPCCH lpcch = pcs; PCCH pcch = lpcch;
    WCHAR wc = 0; PWCHAR pwc = &wc; LPWCH lpwc = pwc; PWCH pwch = lpwc;
    LPWSTR ws = pwch; PWSTR pws = ws; NWPSTR nwps = pws; LPCWSTR cws = nwps; PCWSTR pcws = cws;
    LPCWCH lpcwch = pcws; PCWCH pcwch = lpcwch;
    TCHAR tc = 0; PTCHAR ptc = &tc; TBYTE tb = 0; PTBYTE ptb = &tb;
    LPTSTR lpts = ptc; PTSTR pts = lpts; LPTCH lptch = pts; PTCH ptch = lptch;
    LPCTSTR lpcts = TEXT("text"); PCTSTR pcts = lpcts;
    LARGE_INTEGER li; PLARGE_INTEGER pli = &li; ULARGE_INTEGER uli; PULARGE_INTEGER puli = &uli;
    SECURITY_ATTRIBUTES sa; PSECURITY_ATTRIBUTES psa = &sa; LPSECURITY_ATTRIBUTES lpsa = psa;
    STARTUPINFOA sia; LPSTARTUPINFOA lpsia = &sia; STARTUPINFOW siw; LPSTARTUPINFOW lpsiw = &siw;
    STARTUPINFO si; LPSTARTUPINFO lpsi = &si;
    PROCESS_INFORMATION pinfo; PPROCESS_INFORMATION ppi = &pinfo; LPPROCESS_INFORMATION lppi = ppi;
    FILETIME ft; PFILETIME pft = &ft; LPFILETIME lpft = pft;
    SYSTEMTIME st; PSYSTEMTIME pst = &st; LPSYSTEMTIME lpst = pst;
    OVERLAPPED ov; LPOVERLAPPED lpov = &ov;
    PTHREAD_START_ROUTINE ptsr = NULL; LPTHREAD_START_ROUTINE lptsr = ptsr;
    PTIMERAPCROUTINE papc = NULL;
    va_list *pva = NULL;
    char buf[16];
    int acc = 0;

    /* Struct members. */
    li.QuadPart = -1; li.u.LowPart = 1; li.u.HighPart = -2;
#ifdef WINIPC_NAMELESS_OK
    li.LowPart = 1; li.HighPart = 2;
    uli.LowPart = 3; uli.HighPart = 4;
    ov.Offset = 0; ov.OffsetHigh = 0; ov.Pointer = NULL;
#else
    ov.u.s.Offset = 0; ov.u.s.OffsetHigh = 0; ov.u.Pointer = NULL;
#endif
    uli.QuadPart = 0; uli.u.LowPart = 0; uli.u.HighPart = 0;
    ov.Internal = 0; ov.InternalHigh = 0; ov.hEvent = NULL;
    sa.nLength = (DWORD)sizeof(sa); sa.lpSecurityDescriptor = NULL; sa.bInheritHandle = TRUE;
    ZeroMemory(&sia, sizeof(sia)); ZeroMemory(&siw, sizeof(siw)); ZeroMemory(&si, sizeof(si));
    sia.cb = (DWORD)sizeof(sia); sia.lpReserved = NULL; sia.lpDesktop = NULL; sia.lpTitle = NULL;
    sia.dwX = sia.dwY = sia.dwXSize = sia.dwYSize = 0;
    sia.dwXCountChars = sia.dwYCountChars = sia.dwFillAttribute = 0;
    sia.dwFlags = STARTF_USESTDHANDLES; sia.wShowWindow = 0; sia.cbReserved2 = 0;
    sia.lpReserved2 = NULL; sia.hStdInput = sia.hStdOutput = sia.hStdError = NULL;
    siw.cb = (DWORD)sizeof(siw); siw.lpReserved = NULL; siw.lpDesktop = NULL; siw.lpTitle = NULL;
    siw.hStdInput = siw.hStdOutput = siw.hStdError = NULL;
    pinfo.hProcess = pinfo.hThread = NULL; pinfo.dwProcessId = pinfo.dwThreadId = 0;
    ft.dwLowDateTime = ft.dwHighDateTime = 0;
    st.wYear = st.wMonth = st.wDayOfWeek = st.wDay = 0;
    st.wHour = st.wMinute = st.wSecond = st.wMilliseconds = 0;

    /* Memory macros. */
    FillMemory(buf, sizeof(buf), 'x');
    CopyMemory(buf, "abc", 4);
    MoveMemory(buf + 1, buf, 3);
    RtlZeroMemory(buf, 1); RtlFillMemory(buf, 1, 'y'); RtlCopyMemory(buf, buf + 8, 1);
    RtlMoveMemory(buf, buf + 8, 1);
    acc += EqualMemory(buf, buf, 4) + RtlEqualMemory(buf, buf, 1);
    acc += (int)ARRAYSIZE(buf) + (int)_countof(buf);
#if !defined(__cplusplus) && !defined(NOMINMAX)
    acc += max(1, 2) + min(3, 4);
#endif
    UNREFERENCED_PARAMETER(acc);

    /* Every function, by exact signature. */
#define SIG(ret, name, args) { ret (WINAPI *p_##name) args = name; acc += p_##name != NULL; }
    SIG(HANDLE, CreateMailslotA, (LPCSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES))
    SIG(HANDLE, CreateMailslotW, (LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES))
    SIG(BOOL, GetMailslotInfo, (HANDLE, LPDWORD, LPDWORD, LPDWORD, LPDWORD))
    SIG(BOOL, SetMailslotInfo, (HANDLE, DWORD))
    SIG(HANDLE, CreateFileA, (LPCSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE))
    SIG(HANDLE, CreateFileW, (LPCWSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE))
    SIG(BOOL, ReadFile, (HANDLE, LPVOID, DWORD, LPDWORD, LPOVERLAPPED))
    SIG(BOOL, WriteFile, (HANDLE, LPCVOID, DWORD, LPDWORD, LPOVERLAPPED))
    SIG(BOOL, CloseHandle, (HANDLE))
    SIG(BOOL, DuplicateHandle, (HANDLE, HANDLE, HANDLE, LPHANDLE, DWORD, BOOL, DWORD))
    SIG(BOOL, GetHandleInformation, (HANDLE, LPDWORD))
    SIG(BOOL, SetHandleInformation, (HANDLE, DWORD, DWORD))
    SIG(HANDLE, GetCurrentProcess, (void))
    SIG(DWORD, GetCurrentProcessId, (void))
    SIG(DWORD, GetProcessId, (HANDLE))
    SIG(HANDLE, GetCurrentThread, (void))
    SIG(DWORD, GetCurrentThreadId, (void))
    SIG(DWORD, GetThreadId, (HANDLE))
    SIG(HANDLE, GetStdHandle, (DWORD))
    SIG(HANDLE, CreateEventA, (LPSECURITY_ATTRIBUTES, BOOL, BOOL, LPCSTR))
    SIG(HANDLE, CreateEventW, (LPSECURITY_ATTRIBUTES, BOOL, BOOL, LPCWSTR))
    SIG(HANDLE, OpenEventA, (DWORD, BOOL, LPCSTR))
    SIG(HANDLE, OpenEventW, (DWORD, BOOL, LPCWSTR))
    SIG(BOOL, SetEvent, (HANDLE))
    SIG(BOOL, ResetEvent, (HANDLE))
    SIG(BOOL, PulseEvent, (HANDLE))
    SIG(HANDLE, CreateMutexA, (LPSECURITY_ATTRIBUTES, BOOL, LPCSTR))
    SIG(HANDLE, CreateMutexW, (LPSECURITY_ATTRIBUTES, BOOL, LPCWSTR))
    SIG(HANDLE, OpenMutexA, (DWORD, BOOL, LPCSTR))
    SIG(HANDLE, OpenMutexW, (DWORD, BOOL, LPCWSTR))
    SIG(BOOL, ReleaseMutex, (HANDLE))
    SIG(HANDLE, CreateSemaphoreA, (LPSECURITY_ATTRIBUTES, LONG, LONG, LPCSTR))
    SIG(HANDLE, CreateSemaphoreW, (LPSECURITY_ATTRIBUTES, LONG, LONG, LPCWSTR))
    SIG(HANDLE, OpenSemaphoreA, (DWORD, BOOL, LPCSTR))
    SIG(HANDLE, OpenSemaphoreW, (DWORD, BOOL, LPCWSTR))
    SIG(BOOL, ReleaseSemaphore, (HANDLE, LONG, LPLONG))
    SIG(HANDLE, CreateWaitableTimerA, (LPSECURITY_ATTRIBUTES, BOOL, LPCSTR))
    SIG(HANDLE, CreateWaitableTimerW, (LPSECURITY_ATTRIBUTES, BOOL, LPCWSTR))
    SIG(HANDLE, OpenWaitableTimerA, (DWORD, BOOL, LPCSTR))
    SIG(HANDLE, OpenWaitableTimerW, (DWORD, BOOL, LPCWSTR))
    SIG(BOOL, SetWaitableTimer, (HANDLE, const LARGE_INTEGER *, LONG, PTIMERAPCROUTINE, LPVOID, BOOL))
    SIG(BOOL, CancelWaitableTimer, (HANDLE))
    SIG(DWORD, WaitForSingleObject, (HANDLE, DWORD))
    SIG(DWORD, WaitForMultipleObjects, (DWORD, const HANDLE *, BOOL, DWORD))
    SIG(DWORD, SignalObjectAndWait, (HANDLE, HANDLE, DWORD, BOOL))
    SIG(BOOL, CreateProcessA, (LPCSTR, LPSTR, LPSECURITY_ATTRIBUTES, LPSECURITY_ATTRIBUTES, BOOL,
                               DWORD, LPVOID, LPCSTR, LPSTARTUPINFOA, LPPROCESS_INFORMATION))
    SIG(BOOL, CreateProcessW, (LPCWSTR, LPWSTR, LPSECURITY_ATTRIBUTES, LPSECURITY_ATTRIBUTES, BOOL,
                               DWORD, LPVOID, LPCWSTR, LPSTARTUPINFOW, LPPROCESS_INFORMATION))
    SIG(HANDLE, OpenProcess, (DWORD, BOOL, DWORD))
    SIG(BOOL, GetExitCodeProcess, (HANDLE, LPDWORD))
    SIG(BOOL, TerminateProcess, (HANDLE, UINT))
    SIG(VOID, ExitProcess, (UINT))
    SIG(HANDLE, CreateThread, (LPSECURITY_ATTRIBUTES, SIZE_T, LPTHREAD_START_ROUTINE, LPVOID, DWORD,
                               LPDWORD))
    SIG(BOOL, GetExitCodeThread, (HANDLE, LPDWORD))
    SIG(VOID, ExitThread, (DWORD))
    SIG(VOID, Sleep, (DWORD))
    SIG(DWORD, GetTickCount, (void))
    SIG(ULONGLONG, GetTickCount64, (void))
    SIG(DWORD, GetLastError, (void))
    SIG(VOID, SetLastError, (DWORD))
    SIG(DWORD, FormatMessageA, (DWORD, LPCVOID, DWORD, DWORD, LPSTR, DWORD, va_list *))
    SIG(DWORD, FormatMessageW, (DWORD, LPCVOID, DWORD, DWORD, LPWSTR, DWORD, va_list *))
    SIG(HGLOBAL, GlobalAlloc, (UINT, SIZE_T))
    SIG(HGLOBAL, GlobalReAlloc, (HGLOBAL, SIZE_T, UINT))
    SIG(HGLOBAL, GlobalFree, (HGLOBAL))
    SIG(SIZE_T, GlobalSize, (HGLOBAL))
    SIG(LPVOID, GlobalLock, (HGLOBAL))
    SIG(BOOL, GlobalUnlock, (HGLOBAL))
    SIG(HLOCAL, LocalAlloc, (UINT, SIZE_T))
    SIG(HLOCAL, LocalReAlloc, (HLOCAL, SIZE_T, UINT))
    SIG(HLOCAL, LocalFree, (HLOCAL))
    SIG(SIZE_T, LocalSize, (HLOCAL))
    SIG(LPVOID, LocalLock, (HLOCAL))
    SIG(BOOL, LocalUnlock, (HLOCAL))
    SIG(HANDLE, GetProcessHeap, (void))
    SIG(HANDLE, HeapCreate, (DWORD, SIZE_T, SIZE_T))
    SIG(BOOL, HeapDestroy, (HANDLE))
    SIG(LPVOID, HeapAlloc, (HANDLE, DWORD, SIZE_T))
    SIG(LPVOID, HeapReAlloc, (HANDLE, DWORD, LPVOID, SIZE_T))
    SIG(BOOL, HeapFree, (HANDLE, DWORD, LPVOID))
    SIG(SIZE_T, HeapSize, (HANDLE, DWORD, LPCVOID))
    SIG(BOOL, GetOverlappedResult, (HANDLE, LPOVERLAPPED, LPDWORD, BOOL))
    SIG(BOOL, GetOverlappedResultEx, (HANDLE, LPOVERLAPPED, LPDWORD, DWORD, BOOL))
    SIG(BOOL, ReadFileEx, (HANDLE, LPVOID, DWORD, LPOVERLAPPED, LPOVERLAPPED_COMPLETION_ROUTINE))
    SIG(BOOL, WriteFileEx, (HANDLE, LPCVOID, DWORD, LPOVERLAPPED, LPOVERLAPPED_COMPLETION_ROUTINE))
    SIG(BOOL, CancelIo, (HANDLE))
    SIG(BOOL, CancelIoEx, (HANDLE, LPOVERLAPPED))
    SIG(BOOL, CancelSynchronousIo, (HANDLE))
    SIG(HANDLE, CreateIoCompletionPort, (HANDLE, HANDLE, ULONG_PTR, DWORD))
    SIG(BOOL, GetQueuedCompletionStatus, (HANDLE, LPDWORD, PULONG_PTR, LPOVERLAPPED *, DWORD))
    SIG(BOOL, GetQueuedCompletionStatusEx, (HANDLE, LPOVERLAPPED_ENTRY, ULONG, PULONG, DWORD, BOOL))
    SIG(BOOL, PostQueuedCompletionStatus, (HANDLE, DWORD, ULONG_PTR, LPOVERLAPPED))
    SIG(BOOL, SetFileCompletionNotificationModes, (HANDLE, UCHAR))
    SIG(HANDLE, CreateNamedPipeA, (LPCSTR, DWORD, DWORD, DWORD, DWORD, DWORD, DWORD, LPSECURITY_ATTRIBUTES))
    SIG(HANDLE, CreateNamedPipeW, (LPCWSTR, DWORD, DWORD, DWORD, DWORD, DWORD, DWORD, LPSECURITY_ATTRIBUTES))
    SIG(BOOL, ConnectNamedPipe, (HANDLE, LPOVERLAPPED))
    SIG(BOOL, DisconnectNamedPipe, (HANDLE))
    SIG(BOOL, WaitNamedPipeA, (LPCSTR, DWORD))
    SIG(BOOL, WaitNamedPipeW, (LPCWSTR, DWORD))
    SIG(BOOL, SetNamedPipeHandleState, (HANDLE, LPDWORD, LPDWORD, LPDWORD))
    SIG(BOOL, GetNamedPipeHandleStateA, (HANDLE, LPDWORD, LPDWORD, LPDWORD, LPDWORD, LPSTR, DWORD))
    SIG(BOOL, GetNamedPipeHandleStateW, (HANDLE, LPDWORD, LPDWORD, LPDWORD, LPDWORD, LPWSTR, DWORD))
    SIG(BOOL, GetNamedPipeInfo, (HANDLE, LPDWORD, LPDWORD, LPDWORD, LPDWORD))
    SIG(BOOL, PeekNamedPipe, (HANDLE, LPVOID, DWORD, LPDWORD, LPDWORD, LPDWORD))
    SIG(BOOL, TransactNamedPipe, (HANDLE, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED))
    SIG(BOOL, CallNamedPipeA, (LPCSTR, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, DWORD))
    SIG(BOOL, CallNamedPipeW, (LPCWSTR, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, DWORD))
    SIG(BOOL, GetNamedPipeClientProcessId, (HANDLE, PULONG))
    SIG(BOOL, GetNamedPipeServerProcessId, (HANDLE, PULONG))
    SIG(BOOL, GetNamedPipeClientSessionId, (HANDLE, PULONG))
    SIG(BOOL, GetNamedPipeServerSessionId, (HANDLE, PULONG))
    SIG(BOOL, ImpersonateNamedPipeClient, (HANDLE))
    SIG(BOOL, RevertToSelf, (void))
    SIG(VOID, InitializeCriticalSection, (LPCRITICAL_SECTION))
    SIG(BOOL, InitializeCriticalSectionAndSpinCount, (LPCRITICAL_SECTION, DWORD))
    SIG(BOOL, InitializeCriticalSectionEx, (LPCRITICAL_SECTION, DWORD, DWORD))
    SIG(VOID, EnterCriticalSection, (LPCRITICAL_SECTION))
    SIG(BOOL, TryEnterCriticalSection, (LPCRITICAL_SECTION))
    SIG(VOID, LeaveCriticalSection, (LPCRITICAL_SECTION))
    SIG(VOID, DeleteCriticalSection, (LPCRITICAL_SECTION))
    SIG(DWORD, SetCriticalSectionSpinCount, (LPCRITICAL_SECTION, DWORD))
    SIG(LONG, InterlockedIncrement, (LONG volatile *))
    SIG(LONG, InterlockedDecrement, (LONG volatile *))
    SIG(LONG, InterlockedExchange, (LONG volatile *, LONG))
    SIG(LONG, InterlockedExchangeAdd, (LONG volatile *, LONG))
    SIG(LONG, InterlockedCompareExchange, (LONG volatile *, LONG, LONG))
    SIG(LONG, InterlockedAnd, (LONG volatile *, LONG))
    SIG(LONG, InterlockedOr, (LONG volatile *, LONG))
    SIG(LONG, InterlockedXor, (LONG volatile *, LONG))
    SIG(LONGLONG, InterlockedIncrement64, (LONGLONG volatile *))
    SIG(LONGLONG, InterlockedDecrement64, (LONGLONG volatile *))
    SIG(LONGLONG, InterlockedExchange64, (LONGLONG volatile *, LONGLONG))
    SIG(LONGLONG, InterlockedExchangeAdd64, (LONGLONG volatile *, LONGLONG))
    SIG(LONGLONG, InterlockedCompareExchange64, (LONGLONG volatile *, LONGLONG, LONGLONG))
    SIG(PVOID, InterlockedExchangePointer, (PVOID volatile *, PVOID))
    SIG(PVOID, InterlockedCompareExchangePointer, (PVOID volatile *, PVOID, PVOID))
    SIG(VOID, GetSystemTime, (LPSYSTEMTIME))
    SIG(VOID, GetLocalTime, (LPSYSTEMTIME))
    SIG(VOID, GetSystemTimeAsFileTime, (LPFILETIME))
    SIG(BOOL, FileTimeToSystemTime, (const FILETIME *, LPSYSTEMTIME))
    SIG(BOOL, SystemTimeToFileTime, (const SYSTEMTIME *, LPFILETIME))
    SIG(BOOL, QueryPerformanceCounter, (LARGE_INTEGER *))
    SIG(BOOL, QueryPerformanceFrequency, (LARGE_INTEGER *))
    SIG(LPSTR, GetCommandLineA, (void))
    SIG(LPWSTR, GetCommandLineW, (void))
    SIG(BOOL, GetComputerNameA, (LPSTR, LPDWORD))
    SIG(BOOL, GetComputerNameW, (LPWSTR, LPDWORD))
    SIG(BOOL, GetVersionExA, (LPOSVERSIONINFOA))
    SIG(BOOL, GetVersionExW, (LPOSVERSIONINFOW))
    SIG(DWORD, GetVersion, (void))
    SIG(int, lstrlenA, (LPCSTR))
    SIG(int, lstrlenW, (LPCWSTR))
    SIG(LPSTR, lstrcpyA, (LPSTR, LPCSTR))
    SIG(LPWSTR, lstrcpyW, (LPWSTR, LPCWSTR))
    SIG(LPSTR, lstrcatA, (LPSTR, LPCSTR))
    SIG(LPWSTR, lstrcatW, (LPWSTR, LPCWSTR))
    SIG(LPSTR, lstrcpynA, (LPSTR, LPCSTR, int))
    SIG(LPWSTR, lstrcpynW, (LPWSTR, LPCWSTR, int))
    SIG(int, lstrcmpA, (LPCSTR, LPCSTR))
    SIG(int, lstrcmpW, (LPCWSTR, LPCWSTR))
    SIG(int, lstrcmpiA, (LPCSTR, LPCSTR))
    SIG(int, lstrcmpiW, (LPCWSTR, LPCWSTR))
    SIG(int, MultiByteToWideChar, (UINT, DWORD, LPCCH, int, LPWSTR, int))
    SIG(int, WideCharToMultiByte, (UINT, DWORD, LPCWCH, int, LPSTR, int, LPCCH, LPBOOL))
    SIG(UINT, GetACP, (void))
    SIG(UINT, GetOEMCP, (void))
    SIG(BOOL, GetUserNameA, (LPSTR, LPDWORD))
    SIG(BOOL, GetUserNameW, (LPWSTR, LPDWORD))
    SIG(DWORD, GetActiveProcessorCount, (WORD))
    SIG(BOOL, IsDebuggerPresent, (void))
    SIG(VOID, OutputDebugStringA, (LPCSTR))
    SIG(VOID, OutputDebugStringW, (LPCWSTR))
#undef SIG
    /* The C runtime's thread functions (process.h). */
    {
        uintptr_t (*p_begin)(void *, unsigned, unsigned (WINAPI *)(void *), void *, unsigned,
                             unsigned *) = _beginthreadex;
        void (*p_end)(unsigned) = _endthreadex;
        acc += (p_begin != NULL) + (p_end != NULL);
    }

    /* The generic names resolve to the variant matching TCHAR (compile-time:
     * the pointer types below use LPTSTR/LPCTSTR/LPSTARTUPINFO). */
#define GENERIC(ret, name, args) { ret (WINAPI *g_##name) args = name; acc += g_##name != NULL; }
    GENERIC(HANDLE, CreateMailslot, (LPCTSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES))
    GENERIC(HANDLE, CreateFile, (LPCTSTR, DWORD, DWORD, LPSECURITY_ATTRIBUTES, DWORD, DWORD, HANDLE))
    GENERIC(HANDLE, CreateEvent, (LPSECURITY_ATTRIBUTES, BOOL, BOOL, LPCTSTR))
    GENERIC(HANDLE, OpenEvent, (DWORD, BOOL, LPCTSTR))
    GENERIC(HANDLE, CreateMutex, (LPSECURITY_ATTRIBUTES, BOOL, LPCTSTR))
    GENERIC(HANDLE, OpenMutex, (DWORD, BOOL, LPCTSTR))
    GENERIC(HANDLE, CreateSemaphore, (LPSECURITY_ATTRIBUTES, LONG, LONG, LPCTSTR))
    GENERIC(HANDLE, OpenSemaphore, (DWORD, BOOL, LPCTSTR))
    GENERIC(HANDLE, CreateWaitableTimer, (LPSECURITY_ATTRIBUTES, BOOL, LPCTSTR))
    GENERIC(HANDLE, OpenWaitableTimer, (DWORD, BOOL, LPCTSTR))
    GENERIC(BOOL, CreateProcess, (LPCTSTR, LPTSTR, LPSECURITY_ATTRIBUTES, LPSECURITY_ATTRIBUTES, BOOL,
                                  DWORD, LPVOID, LPCTSTR, LPSTARTUPINFO, LPPROCESS_INFORMATION))
    GENERIC(DWORD, FormatMessage, (DWORD, LPCVOID, DWORD, DWORD, LPTSTR, DWORD, va_list *))
    GENERIC(LPTSTR, GetCommandLine, (void))
    GENERIC(BOOL, GetComputerName, (LPTSTR, LPDWORD))
    GENERIC(BOOL, GetVersionEx, (LPOSVERSIONINFO))
    GENERIC(int, lstrlen, (LPCTSTR))
    GENERIC(LPTSTR, lstrcpy, (LPTSTR, LPCTSTR))
    GENERIC(int, lstrcmp, (LPCTSTR, LPCTSTR))
    GENERIC(int, lstrcmpi, (LPCTSTR, LPCTSTR))
    GENERIC(BOOL, GetUserName, (LPTSTR, LPDWORD))
    GENERIC(VOID, OutputDebugString, (LPCTSTR))
    GENERIC(LPTSTR, lstrcat, (LPTSTR, LPCTSTR))
    GENERIC(LPTSTR, lstrcpyn, (LPTSTR, LPCTSTR, int))
#undef GENERIC

    /* Typical Win32 expressions must type-check without casts. */
    {
        HANDLE hs[MAXIMUM_WAIT_OBJECTS];
        DWORD r = WAIT_FAILED;
        hs[0] = h;
        if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED_0 + 1 || r == WAIT_TIMEOUT || r == INFINITE)
            acc++;
        if (h == INVALID_HANDLE_VALUE && hs[0] == h && dw != ERROR_ALREADY_EXISTS &&
            dw != MAILSLOT_NO_MESSAGE && dw != STILL_ACTIVE)
            acc++;
        dw = GENERIC_READ | GENERIC_WRITE;
        dw = MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT);
        dw = STD_OUTPUT_HANDLE;
        dw = EVENT_ALL_ACCESS | MUTEX_ALL_ACCESS | SEMAPHORE_ALL_ACCESS | TIMER_ALL_ACCESS;
        dw = PROCESS_ALL_ACCESS | THREAD_ALL_ACCESS | SYNCHRONIZE;
        dw = MAILSLOT_WAIT_FOREVER;
        li.QuadPart = -10000000LL;
        dw = GMEM_FIXED | GMEM_MOVEABLE | GMEM_ZEROINIT | GMEM_MODIFY | GPTR | GHND;
        dw = LMEM_FIXED | LMEM_MOVEABLE | LMEM_ZEROINIT | LMEM_MODIFY | LPTR | LHND;
        dw = HEAP_NO_SERIALIZE | HEAP_GENERATE_EXCEPTIONS | HEAP_ZERO_MEMORY |
             HEAP_REALLOC_IN_PLACE_ONLY | HEAP_CREATE_ENABLE_EXECUTE;
        dw = ERROR_NOT_LOCKED + ERROR_IO_INCOMPLETE;
        {
            HRESULT hr = S_OK;
            if (SUCCEEDED(hr) && !FAILED(S_FALSE) && FAILED(E_INVALIDARG) && FAILED(E_OUTOFMEMORY) &&
                FAILED(E_FAIL) && HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) == (HRESULT)0x8007007A &&
                HRESULT_FROM_WIN32(ERROR_SUCCESS) == S_OK)
                acc++;
        }
    }

    /* Keep everything "used". */
    acc += (pb != NULL) + (lpb != NULL) + (puc != NULL) + (lpw != NULL) + (pus != NULL) +
           (psh != NULL) + (lpdw != NULL) + (lpl != NULL) + (pul != NULL) + (lpbo != NULL) +
           (pbn != NULL) + (pui != NULL) + (lpi != NULL) + (pfl != NULL) + (pll != NULL) +
           (pull != NULL) + (pip != NULL) + (plp != NULL) + (pup != NULL) + (pulp != NULL) +
           (pdwp != NULL) + (psz != NULL) + (pcv != NULL) + (lph != NULL) + (hi != NULL) +
           (hg != NULL) + (nps != NULL) + (pcch != NULL) + (pcwch != NULL) + (ptb != NULL) +
           (ptch != NULL) + (pcts != NULL) + (pli != NULL) + (puli != NULL) + (lpsa != NULL) +
           (lpsia != NULL) + (lpsiw != NULL) + (lpsi != NULL) + (lppi != NULL) + (lpft != NULL) +
           (lpst != NULL) + (lpov != NULL) + (lptsr != NULL) + (papc != NULL) + (pva != NULL);
    acc += (int)(dwl + dw64 + ul64 + u64 + u8 + u16 + u32 + ul32 + dw32) +
           (int)(i64 + l64 + i8 + i16 + i32 + l32 + ss + ip + lp) + (int)up + (int)ulp +
           (int)dwp + (int)sz + (int)fl + (int)ll + (int)ull + bo + (int)bn + (int)ui + i +
           (int)ul + l + (int)w + (int)us + sh + (int)uc + b + tc + tb + wc + ch;
    return acc;
}

/* A thread routine with the Win32 signature. */
static DWORD WINAPI thread_proc(LPVOID param)
{
    return (DWORD)(DWORD_PTR)param;
}

LPTHREAD_START_ROUTINE winipc_thread_proc_ptr(void);
LPTHREAD_START_ROUTINE winipc_thread_proc_ptr(void) { return thread_proc; }

/* A timer APC with the Win32 signature. */
static VOID CALLBACK timer_apc(LPVOID arg, DWORD low, DWORD high)
{
    (void)arg; (void)low; (void)high;
}

PTIMERAPCROUTINE winipc_timer_apc_ptr(void);
PTIMERAPCROUTINE winipc_timer_apc_ptr(void) { return timer_apc; }

/* ExitProcess is noreturn: no "control reaches end" warning here. */
int winipc_noreturn_check(int code);
int winipc_noreturn_check(int code)
{
    if (code >= 0)
        return code;
    ExitProcess((UINT)-code);
}
