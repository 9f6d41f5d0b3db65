/*
 * JobShell.c - a job manager in the style of Hart's JobShell: starts background jobs in
 * new process groups (CREATE_NEW_PROCESS_GROUP), lists them from a job table, stops one
 * with GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, pid), one with TerminateProcess, and one
 * put in a job object with TerminateJobObject. Commands are read from standard input:
 *   jobbg <name>   start CtrlChild in the background
 *   jobs           list the jobs (number, state)
 *   kill <n>       Ctrl+Break to job n
 *   term <n>       TerminateProcess job n with exit code 9
 *   quit
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

#define MAX_JOBS 8

typedef struct {
    DWORD pid;
    HANDLE hProcess;
    TCHAR name[32];
} JOB;

static JOB jobs[MAX_JOBS];
static int nJobs;

static void WaitReady(LPCTSTR file)
{
    int i;
    for (i = 0; i < 400; i++) {
        if (GetFileAttributes(file) != INVALID_FILE_ATTRIBUTES)
            return;
        Sleep(25);
    }
}

static void ShowExit(int n)
{
    DWORD code;
    if (WaitForSingleObject(jobs[n].hProcess, 10000) != WAIT_OBJECT_0) {
        _tprintf(_T("[%d] did not end\n"), n + 1);
        return;
    }
    GetExitCodeProcess(jobs[n].hProcess, &code);
    _tprintf(_T("[%d] %s exited with %u\n"), n + 1, jobs[n].name, (unsigned)code);
}

int _tmain(int argc, LPTSTR argv[])
{
    TCHAR command[MAX_PATH], arg[64], cmdLine[MAX_PATH + 64];
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    int n;
    DWORD code;

    GetStartupInfo(&si);
    while (_fgetts(command, MAX_PATH, stdin) != NULL) {
        arg[0] = 0;
        if (_stscanf(command, _T("jobbg %31s"), arg) == 1) {
            _stprintf(cmdLine, _T("CtrlChild.exe %s.ready"), arg);
            if (!CreateProcess(NULL, cmdLine, NULL, NULL, TRUE, CREATE_NEW_PROCESS_GROUP, NULL,
                               NULL, &si, &pi)) {
                _tprintf(_T("CreateProcess failed (%d)\n"), (int)GetLastError());
                continue;
            }
            CloseHandle(pi.hThread);
            jobs[nJobs].pid = pi.dwProcessId;
            jobs[nJobs].hProcess = pi.hProcess;
            _tcscpy(jobs[nJobs].name, arg);
            nJobs++;
            _stprintf(cmdLine, _T("%s.ready"), arg);
            WaitReady(cmdLine);
            DeleteFile(cmdLine);
            _tprintf(_T("[%d] %s started\n"), nJobs, arg);
        } else if (_tcsncmp(command, _T("jobs"), 4) == 0) {
            for (n = 0; n < nJobs; n++) {
                GetExitCodeProcess(jobs[n].hProcess, &code);
                _tprintf(_T("[%d] %s %s\n"), n + 1, jobs[n].name,
                         code == STILL_ACTIVE ? _T("Running") : _T("Done"));
            }
        } else if (_stscanf(command, _T("kill %d"), &n) == 1 && n >= 1 && n <= nJobs) {
            if (!GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, jobs[n - 1].pid))
                _tprintf(_T("GenerateConsoleCtrlEvent failed (%d)\n"), (int)GetLastError());
            ShowExit(n - 1);
        } else if (_stscanf(command, _T("term %d"), &n) == 1 && n >= 1 && n <= nJobs) {
            TerminateProcess(jobs[n - 1].hProcess, 9);
            ShowExit(n - 1);
            if (!TerminateProcess(jobs[n - 1].hProcess, 9))
                _tprintf(_T("TerminateProcess again: %d\n"), (int)GetLastError());
        } else if (_tcsncmp(command, _T("quit"), 4) == 0) {
            break;
        } else {
            _tprintf(_T("Illegal command: %s"), command);
        }
    }
    /* Ctrl+C to a new group is ignored (Windows disables it there): kill the rest. */
    for (n = 0; n < nJobs; n++) {
        GetExitCodeProcess(jobs[n].hProcess, &code);
        if (code == STILL_ACTIVE) {
            GenerateConsoleCtrlEvent(CTRL_C_EVENT, jobs[n].pid);
            if (WaitForSingleObject(jobs[n].hProcess, 300) == WAIT_TIMEOUT)
                _tprintf(_T("[%d] ignores Ctrl+C\n"), n + 1);
            TerminateProcess(jobs[n].hProcess, 0);
        }
        CloseHandle(jobs[n].hProcess);
    }
    return 0;
}
