/*
 * IniConfig.c - registry-free configuration as tutorials write it: the settings file sits
 * beside the program (its path built from GetModuleFileName), values are written with
 * WritePrivateProfileString and read back with GetPrivateProfileString/GetPrivateProfileInt;
 * section and key lists, a missing key's default, deleting a key and a section.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static TCHAR g_szIni[MAX_PATH];

static void PrintList(LPCTSTR title, LPCTSTR list)
{
    LPCTSTR p;
    _tprintf(TEXT("%s:"), title);
    for (p = list; *p; p += lstrlen(p) + 1)
        _tprintf(TEXT(" [%s]"), p);
    _tprintf(TEXT("\n"));
}

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR szValue[256], szList[512];
    LPTSTR pSlash;
    DWORD n;
    UINT port;

    /* settings.ini in the program's directory. */
    GetModuleFileName(NULL, g_szIni, MAX_PATH);
    pSlash = _tcsrchr(g_szIni, TEXT('\\'));
    if (pSlash == NULL)
        pSlash = _tcsrchr(g_szIni, TEXT('/'));
    lstrcpy(pSlash + 1, TEXT("settings.ini"));
    DeleteFile(g_szIni);

    /* A file that does not exist: the defaults. */
    n = GetPrivateProfileString(TEXT("Server"), TEXT("Host"), TEXT("localhost  "), szValue, 256,
                                g_szIni);
    _tprintf(TEXT("no file: Host=%s (%lu), error %lu\n"), szValue, n, GetLastError());
    _tprintf(TEXT("no file: Port=%u\n"), GetPrivateProfileInt(TEXT("Server"), TEXT("Port"), 8080,
                                                               g_szIni));

    if (!WritePrivateProfileString(TEXT("Server"), TEXT("Host"), TEXT("example.org"), g_szIni) ||
        !WritePrivateProfileString(TEXT("Server"), TEXT("Port"), TEXT("9090"), g_szIni) ||
        !WritePrivateProfileString(TEXT("Client"), TEXT("Retries"), TEXT("3"), g_szIni) ||
        !WritePrivateProfileString(TEXT("Client"), TEXT("Name"), TEXT("\"quoted name\""), g_szIni) ||
        !WritePrivateProfileString(TEXT("Log"), TEXT("Level"), TEXT("debug"), g_szIni)) {
        _tprintf(TEXT("WritePrivateProfileString failed (%lu)\n"), GetLastError());
        return 1;
    }
    /* Case-insensitive names; a second write replaces. */
    WritePrivateProfileString(TEXT("server"), TEXT("PORT"), TEXT("9091"), g_szIni);

    n = GetPrivateProfileString(TEXT("SERVER"), TEXT("host"), TEXT(""), szValue, 256, g_szIni);
    _tprintf(TEXT("Host=%s (%lu)\n"), szValue, n);
    port = GetPrivateProfileInt(TEXT("Server"), TEXT("Port"), 0, g_szIni);
    _tprintf(TEXT("Port=%u\n"), port);
    GetPrivateProfileString(TEXT("Client"), TEXT("Name"), TEXT(""), szValue, 256, g_szIni);
    _tprintf(TEXT("Name=%s\n"), szValue);
    n = GetPrivateProfileString(TEXT("Client"), TEXT("Missing"), TEXT("fallback"), szValue, 256,
                                g_szIni);
    _tprintf(TEXT("Missing=%s (%lu)\n"), szValue, n);
    n = GetPrivateProfileString(TEXT("Server"), TEXT("Host"), TEXT(""), szValue, 5, g_szIni);
    _tprintf(TEXT("small buffer: %s (%lu)\n"), szValue, n);

    GetPrivateProfileSectionNames(szList, 512, g_szIni);
    PrintList(TEXT("sections"), szList);
    GetPrivateProfileString(TEXT("Client"), NULL, TEXT(""), szList, 512, g_szIni);
    PrintList(TEXT("Client keys"), szList);
    GetPrivateProfileSection(TEXT("Server"), szList, 512, g_szIni);
    PrintList(TEXT("Server section"), szList);

    /* Delete a key, then a whole section. */
    WritePrivateProfileString(TEXT("Client"), TEXT("Retries"), NULL, g_szIni);
    WritePrivateProfileString(TEXT("Log"), NULL, NULL, g_szIni);
    GetPrivateProfileSectionNames(szList, 512, g_szIni);
    PrintList(TEXT("after deleting"), szList);
    _tprintf(TEXT("Retries now %u\n"),
             GetPrivateProfileInt(TEXT("Client"), TEXT("Retries"), 7, g_szIni));

    {
        /* The file as written: Windows' format. */
        HANDLE h = CreateFile(g_szIni, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
        char bytes[512];
        DWORD got = 0;
        ReadFile(h, bytes, sizeof(bytes) - 1, &got, NULL);
        bytes[got] = 0;
        printf("%s", bytes);
        CloseHandle(h);
    }
    DeleteFile(g_szIni);
    return 0;
}
