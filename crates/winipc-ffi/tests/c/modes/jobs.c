/*
 * jobs.c - job objects as "Windows System Programming" (JobShell: run processes in a job,
 * list them, kill them all) and "Windows via C/C++" (chapter 5: limits, accounting,
 * kill-on-close) use them, with real child processes.
 */
#include <windows.h>
#include <tchar.h>
#include "harness.h"
#include <sys/resource.h> /* the children that die of a signal leave no core file */

static const char *g_self;

static BOOL StartFlags(const char *args, DWORD flags, PROCESS_INFORMATION *pi);

static BOOL Start(const char *args, PROCESS_INFORMATION *pi)
{
    return StartFlags(args, 0, pi);
}

static BOOL StartFlags(const char *args, DWORD flags, PROCESS_INFORMATION *pi)
{
    char line[512];
    STARTUPINFOA si;
    snprintf(line, sizeof line, "\"%s\" %s", g_self, args);
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    return CreateProcessA(NULL, line, NULL, NULL, FALSE, flags, NULL, NULL, &si, pi);
}

static void Done(PROCESS_INFORMATION *pi)
{
    CloseHandle(pi->hProcess);
    CloseHandle(pi->hThread);
}

/* TRUE if process `pid` is gone within `ms` (or cannot be opened: already gone). */
static BOOL GoneWithin(DWORD pid, DWORD ms)
{
    HANDLE h = OpenProcess(SYNCHRONIZE, FALSE, pid);
    DWORD r;
    if (!h)
        return TRUE;
    r = WaitForSingleObject(h, ms);
    CloseHandle(h);
    return r == WAIT_OBJECT_0;
}

static DWORD ActiveOf(HANDLE job, DWORD *total, DWORD *terminated)
{
    JOBOBJECT_BASIC_ACCOUNTING_INFORMATION a;
    DWORD n = 0;
    ZeroMemory(&a, sizeof a);
    if (!QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &a, sizeof a, &n) ||
        n != sizeof a)
        return 0xFFFF;
    if (total)
        *total = a.TotalProcesses;
    if (terminated)
        *terminated = a.TotalTerminatedProcesses;
    return a.ActiveProcesses;
}

static int child(int argc, char **argv)
{
    struct rlimit no_core = {0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
    if (!strcmp(argv[1], "sleep")) {
        Sleep(30000);
        return 5;
    }
    if (!strcmp(argv[1], "burn")) {
        /* Spins for 20 s of wall-clock time unless a CPU-time limit ends it. */
        DWORD start = GetTickCount();
        volatile unsigned long x = 0;
        while (GetTickCount() - start < 20000)
            x++;
        return 5;
    }
    if (!strcmp(argv[1], "spawn") && argc == 3) {
        /* Waits until the parent has put it in the job, then starts a grandchild. */
        PROCESS_INFORMATION pi;
        HANDLE go = OpenEventA(SYNCHRONIZE, FALSE, argv[2]);
        if (!go || WaitForSingleObject(go, 20000) != WAIT_OBJECT_0)
            return 10;
        if (!Start("sleep", &pi))
            return 11;
        WaitForSingleObject(pi.hProcess, 30000);
        return 6;
    }
    if (!strcmp(argv[1], "holder")) {
        /* A kill-on-close job holder that ends normally: its job's process goes with it. */
        JOBOBJECT_EXTENDED_LIMIT_INFORMATION x;
        PROCESS_INFORMATION pi;
        HANDLE job = CreateJobObjectA(NULL, NULL);
        ZeroMemory(&x, sizeof x);
        x.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
        if (!job || !SetInformationJobObject(job, JobObjectExtendedLimitInformation, &x, sizeof x))
            return 1;
        if (!Start("sleep", &pi) || !AssignProcessToJobObject(job, pi.hProcess))
            return 2;
        return (int)pi.dwProcessId; /* exit code: the grandchild's pid */
    }
    return 2;
}

int main(int argc, char **argv)
{
    PROCESS_INFORMATION pi[3], pc, px;
    HANDLE job, job2, h;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION xl;
    JOBOBJECT_BASIC_LIMIT_INFORMATION bl;
    union {
        JOBOBJECT_BASIC_PROCESS_ID_LIST list;
        BYTE room[sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST) + 16 * sizeof(ULONG_PTR)];
    } ids;
    DWORD i, j, code, total, terminated, n;
    BOOL in;
    char name[64], ev[64];

    g_self = argv[0];
    if (argc > 1)
        return child(argc, argv);

    /* JobShell: three processes in a job, listed, then all ended with one exit code. */
    job = CreateJobObject(NULL, NULL);
    CHECK(job != NULL);
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_TIMEOUT);
    for (i = 0; i < 3; i++) {
        CHECK_OK(Start("sleep", &pi[i]));
        CHECK_OK(AssignProcessToJobObject(job, pi[i].hProcess));
    }
    CHECK_EQ(ActiveOf(job, &total, &terminated), 3);
    CHECK_EQ(total, 3);
    CHECK_EQ(terminated, 0);
    n = 0;
    CHECK_OK(QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids, sizeof ids, &n));
    CHECK_EQ(ids.list.NumberOfAssignedProcesses, 3);
    CHECK_EQ(ids.list.NumberOfProcessIdsInList, 3);
    CHECK_EQ(n, 8 + 3 * sizeof(ULONG_PTR));
    for (i = 0; i < 3; i++) {
        BOOL found = FALSE;
        for (j = 0; j < ids.list.NumberOfProcessIdsInList; j++)
            found |= ids.list.ProcessIdList[j] == pi[i].dwProcessId;
        CHECK(found);
    }
    /* Too small for every id: as many as fit, ERROR_MORE_DATA. */
    CHECK_FAIL(QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids,
                                         sizeof(JOBOBJECT_BASIC_PROCESS_ID_LIST), NULL),
               FALSE, ERROR_MORE_DATA);
    CHECK_EQ(ids.list.NumberOfAssignedProcesses, 3);
    CHECK_EQ(ids.list.NumberOfProcessIdsInList, 1);
    CHECK_FAIL(QueryInformationJobObject(job, JobObjectBasicAccountingInformation, &ids, 8,
                                         NULL),
               FALSE, ERROR_BAD_LENGTH);
    in = FALSE;
    CHECK_OK(IsProcessInJob(pi[0].hProcess, job, &in));
    CHECK(in);
    CHECK_OK(IsProcessInJob(pi[0].hProcess, NULL, &in));
    CHECK(in);
    CHECK_OK(IsProcessInJob(GetCurrentProcess(), job, &in));
    CHECK(!in);
    /* Assigning again is no change. */
    CHECK_OK(AssignProcessToJobObject(job, pi[0].hProcess));
    CHECK_EQ(ActiveOf(job, &total, NULL), 3);
    CHECK_EQ(total, 3);
    CHECK_OK(TerminateJobObject(job, 42));
    for (i = 0; i < 3; i++) {
        CHECK_EQ(WaitForSingleObject(pi[i].hProcess, 10000), WAIT_OBJECT_0);
        CHECK_OK(GetExitCodeProcess(pi[i].hProcess, &code));
        CHECK_EQ(code, 42);
    }
    CHECK_EQ(ActiveOf(job, &total, &terminated), 0);
    CHECK_EQ(total, 3);
    CHECK_EQ(terminated, 3);
    CHECK_OK(IsProcessInJob(pi[0].hProcess, job, &in));
    CHECK(!in);
    /* A process that has ended cannot join. */
    CHECK_FAIL(AssignProcessToJobObject(job, pi[0].hProcess), FALSE, ERROR_ACCESS_DENIED);
    for (i = 0; i < 3; i++)
        Done(&pi[i]);
    /* The job handle is not signaled by its processes' ends. */
    CHECK_EQ(WaitForSingleObject(job, 0), WAIT_TIMEOUT);
    CHECK_OK(CloseHandle(job));
    CHECK_FAIL(TerminateJobObject(job, 1), FALSE, ERROR_INVALID_HANDLE);

    /* Richter's JobLab: job notifications through a completion port. */
    {
        JOBOBJECT_ASSOCIATE_COMPLETION_PORT acp;
        JOBOBJECT_BASIC_UI_RESTRICTIONS ui;
        HANDLE port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 1);
        DWORD msg, news = 0, exits = 0, zero = 0;
        ULONG_PTR key;
        LPOVERLAPPED ov;
        CHECK(port != NULL);
        job = CreateJobObjectA(NULL, NULL);
        acp.CompletionKey = (PVOID)77;
        acp.CompletionPort = port;
        CHECK_OK(SetInformationJobObject(job, JobObjectAssociateCompletionPortInformation, &acp,
                                         sizeof acp));
        CHECK_FAIL(SetInformationJobObject(job, JobObjectAssociateCompletionPortInformation,
                                           &acp, sizeof acp),
                   FALSE, ERROR_INVALID_PARAMETER);
        ui.UIRestrictionsClass = JOB_OBJECT_UILIMIT_DESKTOP | JOB_OBJECT_UILIMIT_HANDLES;
        CHECK_OK(SetInformationJobObject(job, JobObjectBasicUIRestrictions, &ui, sizeof ui));
        ui.UIRestrictionsClass = 0;
        CHECK_OK(QueryInformationJobObject(job, JobObjectBasicUIRestrictions, &ui, sizeof ui,
                                           NULL));
        CHECK_EQ(ui.UIRestrictionsClass, JOB_OBJECT_UILIMIT_DESKTOP | JOB_OBJECT_UILIMIT_HANDLES);
        for (i = 0; i < 2; i++) {
            CHECK_OK(Start("sleep", &pi[i]));
            CHECK_OK(AssignProcessToJobObject(job, pi[i].hProcess));
        }
        CHECK_OK(TerminateJobObject(job, 9));
        /* Two new processes, two exits, then "no active process", in that order. */
        while (GetQueuedCompletionStatus(port, &msg, &key, &ov, 10000)) {
            CHECK_EQ(key, 77);
            if (msg == JOB_OBJECT_MSG_NEW_PROCESS) {
                CHECK(exits == 0);
                CHECK((DWORD)(ULONG_PTR)ov == pi[0].dwProcessId ||
                      (DWORD)(ULONG_PTR)ov == pi[1].dwProcessId);
                news++;
            } else if (msg == JOB_OBJECT_MSG_EXIT_PROCESS) {
                CHECK((DWORD)(ULONG_PTR)ov == pi[0].dwProcessId ||
                      (DWORD)(ULONG_PTR)ov == pi[1].dwProcessId);
                exits++;
            } else if (msg == JOB_OBJECT_MSG_ACTIVE_PROCESS_ZERO) {
                CHECK_EQ(exits, 2);
                zero++;
                break;
            } else {
                CHECK_EQ(msg, 0); /* unexpected */
            }
        }
        CHECK_EQ(news, 2);
        CHECK_EQ(exits, 2);
        CHECK_EQ(zero, 1);
        for (i = 0; i < 2; i++)
            Done(&pi[i]);
        CloseHandle(job);
        CloseHandle(port);
    }

    /* A member's later child joins the job, and dies with it. */
    job = CreateJobObjectA(NULL, NULL);
    snprintf(ev, sizeof ev, "%s", uniq("jobgo"));
    h = CreateEventA(NULL, TRUE, FALSE, ev);
    {
        char args[128];
        snprintf(args, sizeof args, "spawn %s", ev);
        CHECK_OK(Start(args, &pc));
    }
    CHECK_OK(AssignProcessToJobObject(job, pc.hProcess));
    CHECK_OK(SetEvent(h));
    for (i = 0; i < 200 && ActiveOf(job, NULL, NULL) < 2; i++)
        Sleep(50);
    CHECK_EQ(ActiveOf(job, &total, NULL), 2);
    CHECK_EQ(total, 2);
    CHECK_OK(QueryInformationJobObject(job, JobObjectBasicProcessIdList, &ids, sizeof ids, NULL));
    CHECK_EQ(ids.list.NumberOfProcessIdsInList, 2);
    {
        DWORD grandchild = 0;
        for (j = 0; j < ids.list.NumberOfProcessIdsInList && j < 2; j++)
            if (ids.list.ProcessIdList[j] != pc.dwProcessId)
                grandchild = (DWORD)ids.list.ProcessIdList[j];
        CHECK(grandchild != 0);
        CHECK_OK(TerminateJobObject(job, 7));
        CHECK_EQ(WaitForSingleObject(pc.hProcess, 10000), WAIT_OBJECT_0);
        CHECK(GoneWithin(grandchild, 10000));
    }
    GetExitCodeProcess(pc.hProcess, &code);
    CHECK_EQ(code, 7);
    Done(&pc);
    CloseHandle(h);
    CloseHandle(job);

    /* Limits: kill on close; an active-process limit; unsupported ones refused. */
    job = CreateJobObjectA(NULL, NULL);
    ZeroMemory(&xl, sizeof xl);
    xl.BasicLimitInformation.LimitFlags =
        JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_ACTIVE_PROCESS;
    xl.BasicLimitInformation.ActiveProcessLimit = 1;
    CHECK_OK(SetInformationJobObject(job, JobObjectExtendedLimitInformation, &xl, sizeof xl));
    ZeroMemory(&xl, sizeof xl);
    CHECK_OK(QueryInformationJobObject(job, JobObjectExtendedLimitInformation, &xl, sizeof xl,
                                       &n));
    CHECK_EQ(n, sizeof xl);
    CHECK_EQ(xl.BasicLimitInformation.LimitFlags,
             JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE | JOB_OBJECT_LIMIT_ACTIVE_PROCESS);
    CHECK_EQ(xl.BasicLimitInformation.ActiveProcessLimit, 1);
    CHECK_OK(QueryInformationJobObject(job, JobObjectBasicLimitInformation, &bl, sizeof bl,
                                       NULL));
    CHECK_EQ(bl.ActiveProcessLimit, 1);
    CHECK_OK(Start("sleep", &pi[0]));
    CHECK_OK(AssignProcessToJobObject(job, pi[0].hProcess));
    CHECK_OK(Start("sleep", &pi[1]));
    CHECK_FAIL(AssignProcessToJobObject(job, pi[1].hProcess), FALSE, ERROR_NOT_ENOUGH_QUOTA);
    CHECK_EQ(WaitForSingleObject(pi[1].hProcess, 10000), WAIT_OBJECT_0);
    Done(&pi[1]);
    xl.BasicLimitInformation.LimitFlags |= JOB_OBJECT_LIMIT_PROCESS_MEMORY;
    xl.ProcessMemoryLimit = 1 << 30;
    CHECK_FAIL(SetInformationJobObject(job, JobObjectExtendedLimitInformation, &xl, sizeof xl),
               FALSE, ERROR_NOT_SUPPORTED);
    CHECK_FAIL(SetInformationJobObject(job, JobObjectExtendedLimitInformation, &xl, 16), FALSE,
               ERROR_BAD_LENGTH);
    CHECK_EQ(WaitForSingleObject(pi[0].hProcess, 0), WAIT_TIMEOUT);
    CHECK_OK(DuplicateHandle(GetCurrentProcess(), job, GetCurrentProcess(), &job2, 0, FALSE,
                             DUPLICATE_SAME_ACCESS));
    CHECK_OK(CloseHandle(job)); /* not the last handle: the process lives on */
    CHECK_EQ(WaitForSingleObject(pi[0].hProcess, 300), WAIT_TIMEOUT);
    CHECK_EQ(ActiveOf(job2, NULL, NULL), 1);
    CHECK_OK(CloseHandle(job2)); /* the last handle: its process ends */
    CHECK_EQ(WaitForSingleObject(pi[0].hProcess, 10000), WAIT_OBJECT_0);
    Done(&pi[0]);

    /* Richter's pattern: created suspended, put in the job, then resumed; a per-process
     * user-time limit ends a process that spins past it. */
    job = CreateJobObjectA(NULL, NULL);
    ZeroMemory(&bl, sizeof bl);
    bl.LimitFlags = JOB_OBJECT_LIMIT_PROCESS_TIME;
    bl.PerProcessUserTimeLimit.QuadPart = 10000000; /* 1 s */
    CHECK_OK(SetInformationJobObject(job, JobObjectBasicLimitInformation, &bl, sizeof bl));
    CHECK_OK(StartFlags("burn", CREATE_SUSPENDED, &pi[0]));
    CHECK_OK(AssignProcessToJobObject(job, pi[0].hProcess));
    CHECK_EQ(ResumeThread(pi[0].hThread), 1);
    CHECK_EQ(WaitForSingleObject(pi[0].hProcess, 15000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(pi[0].hProcess, &code));
    CHECK(code != 5 && code != STILL_ACTIVE);
    Done(&pi[0]);
    CloseHandle(job);

    /* The same when the holder of the job ends normally. */
    CHECK_OK(Start("holder", &px));
    CHECK_EQ(WaitForSingleObject(px.hProcess, 20000), WAIT_OBJECT_0);
    CHECK_OK(GetExitCodeProcess(px.hProcess, &code));
    CHECK(code > 2);
    CHECK(GoneWithin(code, 10000));
    Done(&px);

    /* Names: the namespace of the other named objects. */
    snprintf(name, sizeof name, "%s", uniq("job"));
    job = CreateJobObjectA(NULL, name);
    CHECK(job != NULL);
    CHECK_EQ(GetLastError(), 0);
    job2 = CreateJobObjectA(NULL, name);
    CHECK(job2 != NULL);
    CHECK_EQ(GetLastError(), ERROR_ALREADY_EXISTS);
    CHECK_OK(Start("sleep", &pi[0]));
    CHECK_OK(AssignProcessToJobObject(job2, pi[0].hProcess)); /* the same job */
    CHECK_EQ(ActiveOf(job, NULL, NULL), 1);
    CloseHandle(job2);
    job2 = OpenJobObjectA(JOB_OBJECT_ALL_ACCESS, FALSE, name);
    CHECK(job2 != NULL);
    CHECK_EQ(ActiveOf(job2, NULL, NULL), 1);
    CHECK_OK(TerminateJobObject(job2, 3));
    CHECK_EQ(WaitForSingleObject(pi[0].hProcess, 10000), WAIT_OBJECT_0);
    Done(&pi[0]);
    CHECK_FAIL(CreateMutexA(NULL, FALSE, name), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, uniq("nojob")), NULL,
               ERROR_FILE_NOT_FOUND);
    CHECK_FAIL(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, NULL), NULL, ERROR_INVALID_PARAMETER);
    h = CreateMutexA(NULL, FALSE, ev); /* ev's event is closed: a mutex may take the name */
    CHECK(h != NULL);
    CHECK_FAIL(CreateJobObjectA(NULL, ev), NULL, ERROR_INVALID_HANDLE);
    CHECK_FAIL(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, ev), NULL, ERROR_INVALID_HANDLE);
    CloseHandle(h);
    CloseHandle(job);
    CloseHandle(job2);
    /* After its last handle, the name is free again. */
    CHECK_FAIL(OpenJobObjectA(JOB_OBJECT_QUERY, FALSE, name), NULL, ERROR_FILE_NOT_FOUND);
    {
        TCHAR tname[64];
        const char *t = uniq("tjob");
        for (i = 0; t[i] && i < 63; i++)
            tname[i] = (TCHAR)t[i];
        tname[i] = 0;
        job = CreateJobObject(NULL, tname);
        CHECK(job != NULL);
        job2 = OpenJobObject(JOB_OBJECT_QUERY, FALSE, tname);
        CHECK(job2 != NULL);
        CloseHandle(job2);
        CloseHandle(job);
    }

    /* Bad arguments. */
    CHECK_FAIL(AssignProcessToJobObject(NULL, GetCurrentProcess()), FALSE, ERROR_INVALID_HANDLE);
    job = CreateJobObjectA(NULL, NULL);
    CHECK_FAIL(QueryInformationJobObject(job, (JOBOBJECTINFOCLASS)77, &xl, sizeof xl, NULL),
               FALSE, ERROR_NOT_SUPPORTED);
    CHECK_FAIL(IsProcessInJob(GetCurrentProcess(), job, NULL), FALSE, ERROR_NOACCESS);
    CloseHandle(job);
    return SUMMARY();
}
