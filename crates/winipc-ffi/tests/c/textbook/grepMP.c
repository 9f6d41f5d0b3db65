/*
 * grepMP.c - grep over several files in parallel, one child process per file (Hart,
 * "Windows System Programming", ch. 6): each child's standard output is a temporary file;
 * the parent waits for them all and then prints the temporary files in order.
 * Usage: grepMP pattern file...
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

typedef struct {
    TCHAR tempFile[MAX_PATH];
} PROCFILE;

int _tmain(int argc, LPTSTR argv[])
{
    HANDLE hTempFile;
    SECURITY_ATTRIBUTES stdOutSA = {sizeof(SECURITY_ATTRIBUTES), NULL, TRUE};
    TCHAR commandLine[MAX_PATH + 100];
    STARTUPINFO startUpSearch, startUp;
    PROCESS_INFORMATION processInfo;
    DWORD exitCode, dwCreationFlags = 0;
    int iProc;
    HANDLE *hProc;
    PROCFILE *procFile;

    if (argc < 3) {
        _tprintf(_T("Usage: grepMP pattern files.\n"));
        return 1;
    }

    GetStartupInfo(&startUpSearch);
    GetStartupInfo(&startUp);

    procFile = (PROCFILE *)malloc((argc - 2) * sizeof(PROCFILE));
    hProc = (HANDLE *)malloc((argc - 2) * sizeof(HANDLE));

    for (iProc = 0; iProc < argc - 2; iProc++) {
        _stprintf(commandLine, _T("tgrep.exe \"%s\" \"%s\""), argv[1], argv[iProc + 2]);
        if (GetTempFileName(_T("."), _T("gtm"), 0, procFile[iProc].tempFile) == 0) {
            _tprintf(_T("Temp file failure.\n"));
            return 1;
        }
        hTempFile = CreateFile(procFile[iProc].tempFile, GENERIC_WRITE,
                               FILE_SHARE_READ | FILE_SHARE_WRITE, &stdOutSA, CREATE_ALWAYS,
                               FILE_ATTRIBUTE_NORMAL, NULL);
        if (hTempFile == INVALID_HANDLE_VALUE) {
            _tprintf(_T("Failure opening temp file.\n"));
            return 1;
        }
        startUpSearch.dwFlags = STARTF_USESTDHANDLES;
        startUpSearch.hStdOutput = hTempFile;
        startUpSearch.hStdError = hTempFile;
        startUpSearch.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
        if (!CreateProcess(NULL, commandLine, NULL, NULL, TRUE, dwCreationFlags, NULL, NULL,
                           &startUpSearch, &processInfo)) {
            _tprintf(_T("ProcCreate failed (%d).\n"), (int)GetLastError());
            return 1;
        }
        CloseHandle(hTempFile);
        CloseHandle(processInfo.hThread);
        hProc[iProc] = processInfo.hProcess;
    }

    WaitForMultipleObjects(argc - 2, hProc, TRUE, INFINITE);

    for (iProc = 0; iProc < argc - 2; iProc++) {
        if (GetExitCodeProcess(hProc[iProc], &exitCode) && exitCode == 0) {
            FILE *f;
            char line[1024];
            if (argc > 3)
                _tprintf(_T("%s:\n"), argv[iProc + 2]);
            fflush(stdout);
            f = _tfopen(procFile[iProc].tempFile, _T("r"));
            while (f && fgets(line, sizeof(line), f))
                fputs(line, stdout);
            if (f)
                fclose(f);
        } else {
            _tprintf(_T("%s: exit code %d\n"), argv[iProc + 2], (int)exitCode);
        }
        CloseHandle(hProc[iProc]);
        if (!DeleteFile(procFile[iProc].tempFile))
            _tprintf(_T("Cannot delete temp file.\n"));
    }
    free(procFile);
    free(hProc);
    return 0;
}
