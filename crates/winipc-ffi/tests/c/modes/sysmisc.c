/*
 * sysmisc.c - the small kernel32/user32 functions added for tutorial programs: their error
 * paths and edges (QueryFullProcessImageName, GetCPInfo, IsValidCodePage,
 * GetPhysicallyInstalledSystemMemory, QueryUnbiasedInterruptTime,
 * GetSystemTimePreciseAsFileTime, SetErrorMode/GetErrorMode, DisableThreadLibraryCalls,
 * GetLogicalProcessorInformation, GetSystemTimes, IsWow64Process, CharUpper/CharLower,
 * CharNext/CharPrev, MulDiv, the profile functions).
 */
#include "harness.h"
#include <tchar.h>

int main(void)
{
    TCHAR path[MAX_PATH], list[64], value[32];
    DWORD n = MAX_PATH, small = 3, len = 0;
    CPINFO cp;
    ULONGLONG kb = 0, t1 = 0, t2 = 0;
    FILETIME a, b, idle, kernel, user;
    BOOL wow = TRUE;
    SYSTEM_INFO si;
    SYSTEM_LOGICAL_PROCESSOR_INFORMATION one;
    char u8[] = "abc\xc3\xa9\xc3\x9f";
    WCHAR w[] = {'a', 0xE9, 0xD801, 0xDC28, 0};
    TCHAR ini[MAX_PATH];

    /* QueryFullProcessImageName */
    path[0] = 0;
    CHECK_OK(QueryFullProcessImageName(GetCurrentProcess(), 0, path, &n));
    CHECK_EQ(n, lstrlen(path));
    CHECK(_tcsstr(path, TEXT("sysmisc")) != NULL);
    CHECK_FAIL(QueryFullProcessImageName(GetCurrentProcess(), 0, path, &small), FALSE,
               ERROR_INSUFFICIENT_BUFFER);
    n = MAX_PATH;
    CHECK_FAIL(QueryFullProcessImageName(GetCurrentProcess(), 2, path, &n), FALSE,
               ERROR_INVALID_PARAMETER);
    n = MAX_PATH;
    CHECK_FAIL(QueryFullProcessImageName(NULL, 0, path, &n), FALSE, ERROR_INVALID_HANDLE);

    /* Code pages */
    CHECK_OK(GetCPInfo(CP_ACP, &cp));
    CHECK_EQ(cp.MaxCharSize, 4);
    CHECK_EQ(cp.DefaultChar[0], '?');
    CHECK_OK(GetCPInfo(CP_UTF8, &cp));
    CHECK_FAIL(GetCPInfo(437, &cp), FALSE, ERROR_INVALID_PARAMETER);
    CHECK(IsValidCodePage(65001));
    CHECK(!IsValidCodePage(437));

    /* Memory and clocks */
    CHECK_OK(GetPhysicallyInstalledSystemMemory(&kb));
    CHECK(kb > 1024);
    CHECK_FAIL(GetPhysicallyInstalledSystemMemory(NULL), FALSE, ERROR_INVALID_PARAMETER);
    CHECK_OK(QueryUnbiasedInterruptTime(&t1));
    Sleep(20);
    CHECK_OK(QueryUnbiasedInterruptTime(&t2));
    CHECK(t2 - t1 >= 150000); /* 100 ns units: >= 15 ms */
    GetSystemTimeAsFileTime(&a);
    GetSystemTimePreciseAsFileTime(&b);
    CHECK(CompareFileTime(&a, &b) <= 0);

    /* Error mode */
    SetErrorMode(0);
    CHECK_EQ(SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX), 0);
    CHECK_EQ(GetErrorMode(), SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
    CHECK(DisableThreadLibraryCalls(GetModuleHandle(NULL)));

    /* Processor information: the two-call pattern, and a buffer of one entry. */
    CHECK_FAIL(GetLogicalProcessorInformation(NULL, &len), FALSE, ERROR_INSUFFICIENT_BUFFER);
    CHECK(len >= 3 * sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION));
    CHECK_EQ(len % sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION), 0);
    n = sizeof(one);
    CHECK_FAIL(GetLogicalProcessorInformation(&one, &n), FALSE, ERROR_INSUFFICIENT_BUFFER);
    CHECK_EQ(n, len);
    CHECK_FAIL(GetLogicalProcessorInformation(NULL, NULL), FALSE, ERROR_NOACCESS);
    {
        PSYSTEM_LOGICAL_PROCESSOR_INFORMATION all =
            (PSYSTEM_LOGICAL_PROCESSOR_INFORMATION)malloc(len);
        DWORD i, count = len / sizeof(*all);
        ULONG_PTR cores = 0;
        int caches = 0, numa = 0;
        CHECK_OK(GetLogicalProcessorInformation(all, &len));
        for (i = 0; i < count; i++) {
            if (all[i].Relationship == RelationProcessorCore)
                cores |= all[i].ProcessorMask;
            if (all[i].Relationship == RelationNumaNode)
                numa += all[i].NumaNode.NodeNumber == 0;
            if (all[i].Relationship == RelationCache)
                caches += all[i].Cache.Level >= 1 && all[i].Cache.LineSize > 0;
        }
        GetSystemInfo(&si);
        CHECK_EQ(cores, si.dwActiveProcessorMask);
        CHECK_EQ(numa, 1);
        CHECK(caches >= 0);
        free(all);
    }
    CHECK_OK(GetSystemTimes(&idle, &kernel, &user));
    CHECK(((ULONGLONG)kernel.dwHighDateTime << 32 | kernel.dwLowDateTime) >=
          ((ULONGLONG)idle.dwHighDateTime << 32 | idle.dwLowDateTime));
    CHECK_OK(GetSystemTimes(NULL, NULL, &user));
    CHECK_OK(IsWow64Process(GetCurrentProcess(), &wow));
    CHECK_EQ(wow, FALSE);
    CHECK_FAIL(IsWow64Process(NULL, &wow), FALSE, ERROR_INVALID_HANDLE);

    /* Characters: UTF-8 keeps its length (é -> É, ß stays), UTF-16 pairs convert. */
    CharUpperA(u8);
    CHECK(strcmp(u8, "ABC\xc3\x89\xc3\x9f") == 0);
    CHECK_EQ(CharLowerBuffA(u8, 2), 2);
    CHECK(strcmp(u8, "abC\xc3\x89\xc3\x9f") == 0);
    CharUpperW(w);
    CHECK(w[0] == 'A' && w[1] == 0xC9 && w[2] == 0xD801 && w[3] == 0xDC00);
    CHECK_EQ((UINT_PTR)CharLowerW((LPWSTR)(UINT_PTR)0xC9), 0xE9);
    CHECK(CharNextA(u8 + 3) == u8 + 5);
    CHECK(CharNextA(u8 + 7) == u8 + 7); /* at the terminator */
    CHECK(CharPrevA(u8, u8 + 5) == u8 + 3);
    CHECK(CharPrevA(u8, u8) == u8);
    CHECK(CharNextW(w + 2) == w + 4);
    CHECK(CharPrevW(w, w + 4) == w + 2);
    CHECK(!IsCharAlphaA((CHAR)0xC3));
    CHECK(IsCharAlphaW(0xE9));
    CHECK(IsCharUpperW(0xC9));
    CHECK_EQ(MulDiv(7, 1, 2), 4);
    CHECK_EQ(MulDiv(-7, 1, 2), -4);
    CHECK_EQ(MulDiv(0x40000000, 4, 1), -1);

    /* Profiles: a list cut short, a file in a missing directory, a name without one. */
    GetTempPath(MAX_PATH, ini);
    lstrcat(ini, TEXT("winipc_sysmisc.ini"));
    DeleteFile(ini);
    CHECK_OK(WritePrivateProfileString(TEXT("alpha"), TEXT("k"), TEXT("1"), ini));
    CHECK_OK(WritePrivateProfileString(TEXT("bravo"), TEXT("k"), TEXT("2"), ini));
    CHECK_OK(WritePrivateProfileString(TEXT("charlie"), TEXT("k"), TEXT("3"), ini));
    CHECK_EQ(GetPrivateProfileSectionNames(list, 64, ini), 20);
    CHECK_EQ(GetPrivateProfileSectionNames(list, 8, ini), 6);
    CHECK(lstrcmp(list, TEXT("alpha")) == 0 && list[6] == 0);
    CHECK_EQ(GetPrivateProfileString(TEXT("bravo"), TEXT("k"), NULL, value, 32, ini), 1);
    CHECK_EQ(GetPrivateProfileString(TEXT("bravo"), TEXT("none"), NULL, value, 32, ini), 0);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(GetPrivateProfileInt(TEXT("charlie"), TEXT("k"), 9, ini), 3);
    CHECK_OK(WritePrivateProfileString(TEXT("charlie"), TEXT("neg"), TEXT("-12abc"), ini));
    CHECK_EQ((int)GetPrivateProfileInt(TEXT("charlie"), TEXT("neg"), 9, ini), -12);
    CHECK_OK(WritePrivateProfileString(TEXT("missing"), NULL, NULL, ini)); /* nothing to delete */
    CHECK_FAIL(WritePrivateProfileString(TEXT("a"), TEXT("b"), TEXT("c"),
                                         TEXT("no_such_dir_sysmisc\\x.ini")),
               FALSE, ERROR_PATH_NOT_FOUND);
    CHECK_EQ(GetPrivateProfileString(TEXT("a"), TEXT("b"), TEXT("dflt"), value, 32,
                                     TEXT("winipc_no_such_file.ini")),
             4);
    CHECK_EQ(GetLastError(), ERROR_FILE_NOT_FOUND);
    CHECK_EQ(GetPrivateProfileString(TEXT("a"), TEXT("b"), TEXT("x"), value, 0, ini), 0);
    CHECK(DeleteFile(ini));

    /* The console cell functions on a handle that is no console (the suite's stdout is a
     * pipe): ERROR_INVALID_HANDLE, as on Windows. */
    {
        COORD at = {0, 0};
        DWORD done = 7;
        HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
        if (GetFileType(out) != FILE_TYPE_CHAR) {
            CHECK_FAIL(SetConsoleCursorPosition(out, at), FALSE, ERROR_INVALID_HANDLE);
            CHECK_FAIL(FillConsoleOutputCharacter(out, TEXT(' '), 10, at, &done), FALSE,
                       ERROR_INVALID_HANDLE);
            CHECK_FAIL(FillConsoleOutputAttribute(out, 7, 10, at, &done), FALSE,
                       ERROR_INVALID_HANDLE);
            CHECK_EQ(done, 7);
        }
    }
    return SUMMARY();
}
