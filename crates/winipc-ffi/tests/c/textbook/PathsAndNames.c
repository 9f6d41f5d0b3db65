/*
 * PathsAndNames.c - Windows spellings in Linux paths and object names: a child started as
 * ".\PartAdder.exe", by a full path built from GetCurrentDirectory with "\", by
 * lpApplicationName; FindFirstFile on "dir\*.txt"; GetFullPathName of "..\x"; the "Global\"
 * and "Local\" object namespaces; Richter's single-instance check (a named mutex and
 * ERROR_ALREADY_EXISTS in a second process); WaitForMultipleObjects' limits.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static DWORD RunAndWait(LPCTSTR app, LPTSTR cmd)
{
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    DWORD code = 0xFFFFFFFF;
    ZeroMemory(&si, sizeof(si));
    si.cb = sizeof(si);
    if (!CreateProcess(app, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return 1000000 + GetLastError();
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return code;
}

int _tmain(int argc, TCHAR *argv[])
{
    TCHAR cmd[MAX_PATH + 64], dir[MAX_PATH], full[MAX_PATH], *part;
    TCHAR relative[] = _T(".\\bin\\PartAdder.exe 1 10");
    WIN32_FIND_DATA fd;
    HANDLE h, hMutex, hGlobal, handles[MAXIMUM_WAIT_OBJECTS + 1];
    int i, n;

    if (argc > 1) {
        /* The second instance. */
        hMutex = CreateMutex(NULL, FALSE, _T("Global\\PathsAndNamesSingleton"));
        return GetLastError() == ERROR_ALREADY_EXISTS ? 5 : 6;
    }

    _tprintf(_T(".\\bin\\PartAdder.exe: %u\n"), (unsigned)RunAndWait(NULL, relative));
    GetCurrentDirectory(MAX_PATH, dir);
    _stprintf(cmd, _T("%s\\bin\\PartAdder.exe 1 100"), dir);
    _tprintf(_T("full path with \\: %u\n"), (unsigned)RunAndWait(NULL, cmd));
    _stprintf(full, _T("%s\\bin\\PartAdder.exe"), dir);
    _tcscpy(cmd, _T("PartAdder 1 4"));
    _tprintf(_T("lpApplicationName: %u\n"), (unsigned)RunAndWait(full, cmd));
    _tcscpy(cmd, _T("NoSuchProgram.exe"));
    _tprintf(_T("missing program: %u\n"), (unsigned)RunAndWait(NULL, cmd) - 1000000);

    CreateDirectory(_T("pn"), NULL);
    CloseHandle(CreateFile(_T("pn\\one.txt"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL));
    CloseHandle(CreateFile(_T("pn\\two.dat"), GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, 0, NULL));
    h = FindFirstFile(_T("pn\\*.txt"), &fd);
    n = 0;
    if (h != INVALID_HANDLE_VALUE) {
        do {
            _tprintf(_T("found %s\n"), fd.cFileName);
            n++;
        } while (FindNextFile(h, &fd));
        FindClose(h);
    }
    _tprintf(_T("pn\\*.txt: %d match\n"), n);
    DeleteFile(_T("pn\\one.txt"));
    DeleteFile(_T("pn/two.dat"));
    _tprintf(_T("RemoveDirectory: %d\n"), (int)RemoveDirectory(_T("pn")));

    GetFullPathName(_T("..\\x.txt"), MAX_PATH, full, &part);
    _tprintf(_T("GetFullPathName(..\\x.txt): file part %s, no backslash: %s\n"), part,
             _tcschr(full, _T('\\')) == NULL ? _T("yes") : _T("no"));

    hGlobal = CreateEvent(NULL, TRUE, FALSE, _T("Global\\PathsAndNamesEvent"));
    h = OpenEvent(EVENT_ALL_ACCESS, FALSE, _T("Global\\PathsAndNamesEvent"));
    _tprintf(_T("Global\\ event opened: %s\n"), h != NULL ? _T("yes") : _T("no"));
    CloseHandle(h);
    h = CreateEvent(NULL, TRUE, FALSE, _T("Local\\PathsAndNamesEvent"));
    _tprintf(_T("Local\\ event: %s\n"), h != NULL ? _T("created") : _T("failed"));
    CloseHandle(h);
    CloseHandle(hGlobal);

    hMutex = CreateMutex(NULL, FALSE, _T("Global\\PathsAndNamesSingleton"));
    _tprintf(_T("first instance: %s\n"),
             GetLastError() == ERROR_ALREADY_EXISTS ? _T("already exists") : _T("alone"));
    _stprintf(cmd, _T("PathsAndNames second"));
    _tprintf(_T("second instance exit code: %u\n"), (unsigned)RunAndWait(NULL, cmd));
    CloseHandle(hMutex);

    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        handles[i] = CreateEvent(NULL, TRUE, TRUE, NULL);
    if (WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS + 1, handles, TRUE, 0) == WAIT_FAILED)
        _tprintf(_T("%d handles: %d\n"), MAXIMUM_WAIT_OBJECTS + 1, (int)GetLastError());
    _tprintf(_T("%d handles: %s\n"), MAXIMUM_WAIT_OBJECTS,
             WaitForMultipleObjects(MAXIMUM_WAIT_OBJECTS, handles, TRUE, 0) == WAIT_OBJECT_0
                 ? _T("WAIT_OBJECT_0")
                 : _T("?"));
    if (WaitForMultipleObjects(0, handles, FALSE, 0) == WAIT_FAILED)
        _tprintf(_T("0 handles: %d\n"), (int)GetLastError());
    for (i = 0; i <= MAXIMUM_WAIT_OBJECTS; i++)
        CloseHandle(handles[i]);
    return 0;
}
