/*
 * mspipes.c - the named-pipe and anonymous-pipe programs of Microsoft's documentation, written
 * the way those samples are (_tmain, TEXT, _tprintf, StringCch*, HeapAlloc/GlobalAlloc
 * buffers, TCHAR messages whose size counts the terminator), run together as separate
 * processes, several clients at once against each server:
 *
 *   mtserver   "Multithreaded Pipe Server": a thread per client, PIPE_UNLIMITED_INSTANCES,
 *              FlushFileBuffers + DisconnectNamedPipe
 *   client     "Named Pipe Client": CreateFile looping on ERROR_PIPE_BUSY with
 *              WaitNamedPipe(20000), PIPE_READMODE_MESSAGE, WriteFile, a ReadFile loop on
 *              ERROR_MORE_DATA (one client reads through a 8-character buffer)
 *   ovserver   "Named Pipe Server Using Overlapped I/O": 4 instances, an event each,
 *              WaitForMultipleObjects, ConnectToNewClient, GetOverlappedResult, the
 *              CONNECTING/READING/WRITING state machine, DisconnectAndReconnect
 *   crserver   "Named Pipe Server Using Completion Routines": an alertable
 *              WaitForSingleObjectEx on the connect event, ReadFileEx/WriteFileEx routines
 *   transact   "Transactions on Named Pipes": TransactNamedPipe, then ReadFile while
 *              ERROR_MORE_DATA; and the CallNamedPipe client
 *   redirect   "Creating a Child Process with Redirected Input and Output": CreatePipe with
 *              an inheritable SECURITY_ATTRIBUTES, SetHandleInformation(HANDLE_FLAG_INHERIT, 0)
 *              on the parent's ends, CreateProcess with STARTF_USESTDHANDLES of a child that
 *              copies GetStdHandle(STD_INPUT_HANDLE) to GetStdHandle(STD_OUTPUT_HANDLE); the
 *              parent writes a file's contents and reads the child's output until
 *              ERROR_BROKEN_PIPE
 *
 * Run with no arguments; the other roles are the child processes.
 */
#define WINIPC_WMAIN_SHIM
#include <windows.h>
#include <stdio.h>
#include <tchar.h>
#include <strsafe.h>
#include "harness.h"

#define BUFSIZE 512
#define INSTANCES 4
#define PIPE_TIMEOUT 5000
#define CLIENTS 6

static TCHAR g_self[MAX_PATH];
static volatile LONG g_errors;

static DWORD WINAPI Watchdog(LPVOID p)
{
    Sleep((DWORD)(ULONG_PTR)p);
    printf("FAIL watchdog: %u ms passed\n", (unsigned)(DWORD)(ULONG_PTR)p);
    fflush(stdout);
    ExitProcess(3);
    return 0;
}

/* The server's answer, as the samples' GetAnswerToRequest builds it (here it names the
 * request, so that each client can tell its answer is its own). */
static VOID GetAnswerToRequest(LPTSTR pchRequest, LPTSTR pchReply, LPDWORD pchBytes)
{
    if (FAILED(StringCchPrintf(pchReply, BUFSIZE, TEXT("default answer from server to [%s]"),
                               pchRequest))) {
        *pchBytes = 0;
        pchReply[0] = 0;
        _tprintf(TEXT("StringCchPrintf failed, no outgoing message.\n"));
        return;
    }
    *pchBytes = (lstrlen(pchReply) + 1) * sizeof(TCHAR);
}

static BOOL IsAnswerTo(LPCTSTR reply, LPCTSTR request)
{
    TCHAR want[BUFSIZE];
    StringCchPrintf(want, BUFSIZE, TEXT("default answer from server to [%s]"), request);
    return lstrcmp(reply, want) == 0;
}

/* ---- Multithreaded Pipe Server ---- */

static DWORD WINAPI InstanceThread(LPVOID lpvParam)
{
    HANDLE hHeap = GetProcessHeap();
    TCHAR *pchRequest = (TCHAR *)HeapAlloc(hHeap, 0, BUFSIZE * sizeof(TCHAR));
    TCHAR *pchReply = (TCHAR *)HeapAlloc(hHeap, 0, BUFSIZE * sizeof(TCHAR));
    DWORD cbBytesRead = 0, cbReplyBytes = 0, cbWritten = 0;
    BOOL fSuccess = FALSE;
    HANDLE hPipe = NULL;

    if (lpvParam == NULL) {
        _tprintf(TEXT("\nERROR - Pipe Server Failure:\n   InstanceThread got an unexpected NULL value in lpvParam.\n"));
        if (pchReply != NULL)
            HeapFree(hHeap, 0, pchReply);
        if (pchRequest != NULL)
            HeapFree(hHeap, 0, pchRequest);
        return (DWORD)-1;
    }
    if (pchRequest == NULL || pchReply == NULL) {
        _tprintf(TEXT("\nERROR - Pipe Server Failure:\n   InstanceThread got an unexpected NULL heap allocation.\n"));
        return (DWORD)-1;
    }
    hPipe = (HANDLE)lpvParam;

    /* Loop until done reading. */
    while (1) {
        fSuccess = ReadFile(hPipe, pchRequest, BUFSIZE * sizeof(TCHAR), &cbBytesRead, NULL);
        if (!fSuccess || cbBytesRead == 0) {
            if (GetLastError() != ERROR_BROKEN_PIPE) {
                _tprintf(TEXT("InstanceThread ReadFile failed, GLE=%u.\n"),
                         (unsigned)GetLastError());
                InterlockedIncrement(&g_errors);
            }
            break;
        }
        GetAnswerToRequest(pchRequest, pchReply, &cbReplyBytes);
        fSuccess = WriteFile(hPipe, pchReply, cbReplyBytes, &cbWritten, NULL);
        if (!fSuccess || cbReplyBytes != cbWritten) {
            _tprintf(TEXT("InstanceThread WriteFile failed, GLE=%u.\n"), (unsigned)GetLastError());
            InterlockedIncrement(&g_errors);
            break;
        }
    }

    /* Flush the pipe to allow the client to read the pipe's contents before disconnecting.
     * Then disconnect the pipe, and close the handle to this pipe instance. */
    FlushFileBuffers(hPipe);
    DisconnectNamedPipe(hPipe);
    CloseHandle(hPipe);
    HeapFree(hHeap, 0, pchRequest);
    HeapFree(hHeap, 0, pchReply);
    return 1;
}

static int MultithreadedServer(LPCTSTR lpszPipename, int count)
{
    BOOL fConnected = FALSE;
    DWORD dwThreadId = 0;
    HANDLE hPipe = INVALID_HANDLE_VALUE, hThread = NULL;
    HANDLE threads[64] = {NULL};
    int served = 0, i;

    /* The main loop creates an instance of the named pipe and then waits for a client to
     * connect to it. (The sample loops forever; this one stops after `count` clients.) */
    while (served < count && served < 64) {
        hPipe = CreateNamedPipe(lpszPipename, PIPE_ACCESS_DUPLEX,
                                PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                PIPE_UNLIMITED_INSTANCES, BUFSIZE, BUFSIZE, 0, NULL);
        if (hPipe == INVALID_HANDLE_VALUE) {
            _tprintf(TEXT("CreateNamedPipe failed, GLE=%u.\n"), (unsigned)GetLastError());
            return -1;
        }
        fConnected = ConnectNamedPipe(hPipe, NULL) ? TRUE : (GetLastError() == ERROR_PIPE_CONNECTED);
        if (fConnected) {
            hThread = CreateThread(NULL, 0, InstanceThread, (LPVOID)hPipe, 0, &dwThreadId);
            if (hThread == NULL) {
                _tprintf(TEXT("CreateThread failed, GLE=%u.\n"), (unsigned)GetLastError());
                return -1;
            }
            threads[served++] = hThread;
        } else {
            /* The client could not connect, so close the pipe. */
            CloseHandle(hPipe);
        }
    }
    if (WaitForMultipleObjects((DWORD)served, threads, TRUE, 60000) != WAIT_OBJECT_0)
        return 5;
    for (i = 0; i < served; i++) {
        DWORD code = 0;
        GetExitCodeThread(threads[i], &code);
        CloseHandle(threads[i]);
        if (code != 1)
            return 6;
    }
    return g_errors ? 7 : 0;
}

/* ---- Named Pipe Client ---- */

static int Client(LPCTSTR lpszPipename, LPCTSTR lpvMessage, DWORD chunk)
{
    HANDLE hPipe;
    TCHAR chBuf[BUFSIZE], whole[BUFSIZE * 2];
    BOOL fSuccess = FALSE;
    DWORD cbRead, cbToWrite, cbWritten, dwMode;
    int parts = 0, gone = 0;

    /* Try to open a named pipe; wait for it, if necessary. */
    while (1) {
        hPipe = CreateFile(lpszPipename, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           0, NULL);
        /* Break if the pipe handle is valid. */
        if (hPipe != INVALID_HANDLE_VALUE)
            break;
        /* (Not in the sample: its multithreaded server has no instance at all for a moment
         * when a client is done before the main loop created the next instance - the pipe
         * is then gone, on Windows too. Look again a few times.) */
        if (GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250) {
            Sleep(20);
            continue;
        }
        /* Exit if an error other than ERROR_PIPE_BUSY occurs. */
        if (GetLastError() != ERROR_PIPE_BUSY) {
            _tprintf(TEXT("Could not open pipe. GLE=%u\n"), (unsigned)GetLastError());
            return 21;
        }
        /* All pipe instances are busy, so wait for 20 seconds. */
        if (!WaitNamedPipe(lpszPipename, 20000)) {
            if (GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250)
                continue; /* (as above) */
            printf("Could not open pipe: 20 second wait timed out (%u).\n",
                   (unsigned)GetLastError());
            return 22;
        }
    }

    /* The pipe connected; change to message-read mode. */
    dwMode = PIPE_READMODE_MESSAGE;
    fSuccess = SetNamedPipeHandleState(hPipe, &dwMode, NULL, NULL);
    if (!fSuccess) {
        _tprintf(TEXT("SetNamedPipeHandleState failed. GLE=%u\n"), (unsigned)GetLastError());
        return 23;
    }

    /* Send a message to the pipe server. */
    cbToWrite = (lstrlen(lpvMessage) + 1) * sizeof(TCHAR);
    fSuccess = WriteFile(hPipe, lpvMessage, cbToWrite, &cbWritten, NULL);
    if (!fSuccess) {
        _tprintf(TEXT("WriteFile to pipe failed. GLE=%u\n"), (unsigned)GetLastError());
        return 24;
    }

    whole[0] = 0;
    do {
        /* Read from the pipe (`chunk` bytes at a time: the rest with ERROR_MORE_DATA). */
        fSuccess = ReadFile(hPipe, chBuf, chunk, &cbRead, NULL);
        if (!fSuccess && GetLastError() != ERROR_MORE_DATA)
            break;
        if (cbRead % sizeof(TCHAR) != 0 || cbRead > chunk)
            return 25;
        chBuf[cbRead / sizeof(TCHAR)] = 0;
        StringCchCat(whole, BUFSIZE * 2, chBuf);
        parts++;
    } while (!fSuccess); /* repeat loop if ERROR_MORE_DATA */

    if (!fSuccess) {
        _tprintf(TEXT("ReadFile from pipe failed. GLE=%u\n"), (unsigned)GetLastError());
        return 26;
    }
    if (!IsAnswerTo(whole, lpvMessage)) {
        _tprintf(TEXT("wrong answer \"%s\" to \"%s\"\n"), whole, lpvMessage);
        return 27;
    }
    if (chunk < BUFSIZE * sizeof(TCHAR) && parts < 2)
        return 28; /* a small buffer must have seen ERROR_MORE_DATA */
    CloseHandle(hPipe);
    return 0;
}

/* ---- Named Pipe Server Using Overlapped I/O ---- */

#define CONNECTING_STATE 0
#define READING_STATE 1
#define WRITING_STATE 2

typedef struct {
    OVERLAPPED oOverlap;
    HANDLE hPipeInst;
    TCHAR chRequest[BUFSIZE];
    DWORD cbRead;
    TCHAR chReply[BUFSIZE];
    DWORD cbToWrite;
    DWORD dwState;
    BOOL fPendingIO;
} PIPEINST, *LPPIPEINST;

static PIPEINST Pipe[INSTANCES];
static HANDLE hEvents[INSTANCES];
static int g_disconnects;

static BOOL ConnectToNewClient(HANDLE hPipe, LPOVERLAPPED lpo)
{
    BOOL fConnected, fPendingIO = FALSE;

    /* Start an overlapped connection for this pipe instance. */
    fConnected = ConnectNamedPipe(hPipe, lpo);

    /* Overlapped ConnectNamedPipe should return zero. */
    if (fConnected) {
        printf("ConnectNamedPipe failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
        return 0;
    }
    switch (GetLastError()) {
    /* The overlapped connection in progress. */
    case ERROR_IO_PENDING:
        fPendingIO = TRUE;
        break;
    /* Client is already connected, so signal an event. */
    case ERROR_PIPE_CONNECTED:
        if (SetEvent(lpo->hEvent))
            break;
        printf("SetEvent failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
        return 0;
    /* If an error occurs during the connect operation... */
    default:
        printf("ConnectNamedPipe failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
        return 0;
    }
    return fPendingIO;
}

static VOID DisconnectAndReconnect(DWORD i)
{
    /* Disconnect the pipe instance. */
    if (!DisconnectNamedPipe(Pipe[i].hPipeInst)) {
        printf("DisconnectNamedPipe failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
    }
    g_disconnects++;
    /* Call a subroutine to connect to the new client. */
    Pipe[i].fPendingIO = ConnectToNewClient(Pipe[i].hPipeInst, &Pipe[i].oOverlap);
    Pipe[i].dwState = Pipe[i].fPendingIO ? CONNECTING_STATE : READING_STATE;
}

static int OverlappedServer(LPCTSTR lpszPipename, int count)
{
    DWORD i, dwWait, cbRet, dwErr;
    BOOL fSuccess;

    /* The initial loop creates several instances of a named pipe along with an event object
     * for each instance. An overlapped ConnectNamedPipe operation is started for each
     * instance. */
    for (i = 0; i < INSTANCES; i++) {
        /* Create an event object for this instance. */
        hEvents[i] = CreateEvent(NULL,  /* default security attribute */
                                 TRUE,  /* manual-reset event */
                                 TRUE,  /* initial state = signaled */
                                 NULL); /* unnamed event object */
        if (hEvents[i] == NULL) {
            printf("CreateEvent failed with %u.\n", (unsigned)GetLastError());
            return 30;
        }
        Pipe[i].oOverlap.hEvent = hEvents[i];
        Pipe[i].oOverlap.Offset = 0;
        Pipe[i].oOverlap.OffsetHigh = 0;
        Pipe[i].hPipeInst = CreateNamedPipe(lpszPipename, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                                            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                                            INSTANCES, BUFSIZE * sizeof(TCHAR),
                                            BUFSIZE * sizeof(TCHAR), PIPE_TIMEOUT, NULL);
        if (Pipe[i].hPipeInst == INVALID_HANDLE_VALUE) {
            printf("CreateNamedPipe failed with %u.\n", (unsigned)GetLastError());
            return 31;
        }
        /* Call the subroutine to connect to the new client */
        Pipe[i].fPendingIO = ConnectToNewClient(Pipe[i].hPipeInst, &Pipe[i].oOverlap);
        Pipe[i].dwState = Pipe[i].fPendingIO ? CONNECTING_STATE : READING_STATE;
    }

    /* (The sample serves forever; this one stops once `count` clients came and left.) */
    while (g_disconnects < count) {
        /* Wait for the event object to be signaled, indicating completion of an overlapped
         * read, write, or connect operation. */
        dwWait = WaitForMultipleObjects(INSTANCES, hEvents, FALSE, INFINITE);

        /* dwWait shows which pipe completed the operation. */
        i = dwWait - WAIT_OBJECT_0;
        if (i > (INSTANCES - 1)) {
            printf("Index out of range.\n");
            return 32;
        }

        /* Get the result if the operation was pending. */
        if (Pipe[i].fPendingIO) {
            fSuccess = GetOverlappedResult(Pipe[i].hPipeInst, &Pipe[i].oOverlap, &cbRet, FALSE);
            switch (Pipe[i].dwState) {
            /* Pending connect operation */
            case CONNECTING_STATE:
                if (!fSuccess) {
                    printf("Error %u.\n", (unsigned)GetLastError());
                    return 33;
                }
                Pipe[i].dwState = READING_STATE;
                break;
            /* Pending read operation */
            case READING_STATE:
                if (!fSuccess || cbRet == 0) {
                    DisconnectAndReconnect(i);
                    continue;
                }
                Pipe[i].cbRead = cbRet;
                Pipe[i].dwState = WRITING_STATE;
                break;
            /* Pending write operation */
            case WRITING_STATE:
                if (!fSuccess || cbRet != Pipe[i].cbToWrite) {
                    DisconnectAndReconnect(i);
                    continue;
                }
                Pipe[i].dwState = READING_STATE;
                break;
            default:
                printf("Invalid pipe state.\n");
                return 34;
            }
        }

        /* The pipe state determines which operation to do next. */
        switch (Pipe[i].dwState) {
        /* READING_STATE: The pipe instance is connected to the client and is ready to read a
         * request from the client. */
        case READING_STATE:
            fSuccess = ReadFile(Pipe[i].hPipeInst, Pipe[i].chRequest, BUFSIZE * sizeof(TCHAR),
                                &Pipe[i].cbRead, &Pipe[i].oOverlap);
            /* The read operation completed successfully. */
            if (fSuccess && Pipe[i].cbRead != 0) {
                Pipe[i].fPendingIO = FALSE;
                Pipe[i].dwState = WRITING_STATE;
                continue;
            }
            /* The read operation is still pending. */
            dwErr = GetLastError();
            if (!fSuccess && (dwErr == ERROR_IO_PENDING)) {
                Pipe[i].fPendingIO = TRUE;
                continue;
            }
            /* An error occurred; disconnect from the client. */
            DisconnectAndReconnect(i);
            break;

        /* WRITING_STATE: The request was successfully read from the client. Get the reply
         * data and write it to the client. */
        case WRITING_STATE:
            GetAnswerToRequest(Pipe[i].chRequest, Pipe[i].chReply, &Pipe[i].cbToWrite);
            fSuccess = WriteFile(Pipe[i].hPipeInst, Pipe[i].chReply, Pipe[i].cbToWrite, &cbRet,
                                 &Pipe[i].oOverlap);
            /* The write operation completed successfully. */
            if (fSuccess && cbRet == Pipe[i].cbToWrite) {
                Pipe[i].fPendingIO = FALSE;
                Pipe[i].dwState = READING_STATE;
                continue;
            }
            /* The write operation is still pending. */
            dwErr = GetLastError();
            if (!fSuccess && (dwErr == ERROR_IO_PENDING)) {
                Pipe[i].fPendingIO = TRUE;
                continue;
            }
            /* An error occurred; disconnect from the client. */
            DisconnectAndReconnect(i);
            break;

        default:
            printf("Invalid pipe state.\n");
            return 35;
        }
    }
    for (i = 0; i < INSTANCES; i++) {
        CloseHandle(Pipe[i].hPipeInst);
        CloseHandle(hEvents[i]);
    }
    return g_errors ? 36 : 0;
}

/* ---- Named Pipe Server Using Completion Routines ---- */

typedef struct {
    OVERLAPPED oOverlap;
    HANDLE hPipeInst;
    TCHAR chRequest[BUFSIZE];
    DWORD cbRead;
    TCHAR chReply[BUFSIZE];
    DWORD cbToWrite;
} CRPIPEINST, *LPCRPIPEINST;

static HANDLE hPipe;
static LPCTSTR g_crname;
static int g_closed;

static VOID WINAPI CompletedReadRoutine(DWORD, DWORD, LPOVERLAPPED);

/* DisconnectAndClose(LPPIPEINST) - called when an error occurs or the client closes its
 * handle to the pipe. */
static VOID DisconnectAndClose(LPCRPIPEINST lpPipeInst)
{
    /* Disconnect the pipe instance. */
    if (!DisconnectNamedPipe(lpPipeInst->hPipeInst)) {
        printf("DisconnectNamedPipe failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
    }
    /* Close the handle to the pipe instance. */
    CloseHandle(lpPipeInst->hPipeInst);
    /* Release the storage for the pipe instance. */
    if (lpPipeInst != NULL)
        GlobalFree(lpPipeInst);
    g_closed++;
}

/* CompletedWriteRoutine: called when a write operation has completed or when a new client
 * has connected to a pipe instance. It starts another read operation. */
static VOID WINAPI CompletedWriteRoutine(DWORD dwErr, DWORD cbWritten, LPOVERLAPPED lpOverLap)
{
    LPCRPIPEINST lpPipeInst = (LPCRPIPEINST)lpOverLap;
    BOOL fRead = FALSE;

    /* The write operation has finished, so read the next request (if there is no error). */
    if ((dwErr == 0) && (cbWritten == lpPipeInst->cbToWrite))
        fRead = ReadFileEx(lpPipeInst->hPipeInst, lpPipeInst->chRequest, BUFSIZE * sizeof(TCHAR),
                           (LPOVERLAPPED)lpPipeInst,
                           (LPOVERLAPPED_COMPLETION_ROUTINE)CompletedReadRoutine);
    /* Disconnect if an error occurred. */
    if (!fRead)
        DisconnectAndClose(lpPipeInst);
}

/* CompletedReadRoutine: called when a read operation has completed. It writes a reply to
 * the client. */
static VOID WINAPI CompletedReadRoutine(DWORD dwErr, DWORD cbBytesRead, LPOVERLAPPED lpOverLap)
{
    LPCRPIPEINST lpPipeInst = (LPCRPIPEINST)lpOverLap;
    BOOL fWrite = FALSE;

    /* The read operation has finished, so write a response (if no error occurred). */
    if ((dwErr == 0) && (cbBytesRead != 0)) {
        GetAnswerToRequest(lpPipeInst->chRequest, lpPipeInst->chReply, &lpPipeInst->cbToWrite);
        fWrite = WriteFileEx(lpPipeInst->hPipeInst, lpPipeInst->chReply, lpPipeInst->cbToWrite,
                             (LPOVERLAPPED)lpPipeInst,
                             (LPOVERLAPPED_COMPLETION_ROUTINE)CompletedWriteRoutine);
    } else if (dwErr != ERROR_BROKEN_PIPE) {
        printf("CompletedReadRoutine got error %u.\n", (unsigned)dwErr);
        InterlockedIncrement(&g_errors);
    }
    /* Disconnect if an error occurred. */
    if (!fWrite)
        DisconnectAndClose(lpPipeInst);
}

/* CreateAndConnectInstance(LPOVERLAPPED): creates a pipe instance and connects to the
 * client. It returns TRUE if the connect operation is pending, and FALSE if the connection
 * has been completed. */
static BOOL CreateAndConnectInstance(LPOVERLAPPED lpoOverlap)
{
    hPipe = CreateNamedPipe(g_crname, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
                            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT,
                            PIPE_UNLIMITED_INSTANCES, BUFSIZE * sizeof(TCHAR),
                            BUFSIZE * sizeof(TCHAR), PIPE_TIMEOUT, NULL);
    if (hPipe == INVALID_HANDLE_VALUE) {
        printf("CreateNamedPipe failed with %u.\n", (unsigned)GetLastError());
        InterlockedIncrement(&g_errors);
        return 0;
    }
    /* Call a subroutine to connect to the new client. */
    return ConnectToNewClient(hPipe, lpoOverlap);
}

static int CompletionRoutineServer(LPCTSTR lpszPipename, int count)
{
    HANDLE hConnectEvent;
    OVERLAPPED oConnect;
    LPCRPIPEINST lpPipeInst;
    DWORD dwWait, cbRet;
    BOOL fSuccess, fPendingIO;

    g_crname = lpszPipename;
    /* Create one event object for the connect operation. */
    hConnectEvent = CreateEvent(NULL, TRUE, TRUE, NULL);
    if (hConnectEvent == NULL) {
        printf("CreateEvent failed with %u.\n", (unsigned)GetLastError());
        return 40;
    }
    ZeroMemory(&oConnect, sizeof oConnect);
    oConnect.hEvent = hConnectEvent;

    /* Call a subroutine to create one instance, and wait for the client to connect. */
    fPendingIO = CreateAndConnectInstance(&oConnect);

    /* (The sample serves forever; this one stops once `count` clients were served.) */
    while (g_closed < count) {
        /* Wait for a client to connect, or for a read or write operation to be completed,
         * which causes a completion routine to be queued for execution. */
        dwWait = WaitForSingleObjectEx(hConnectEvent, INFINITE, TRUE);
        switch (dwWait) {
        /* The wait conditions are satisfied by a completed connect operation. */
        case 0:
            /* If an operation is pending, get the result of the connect operation. */
            if (fPendingIO) {
                fSuccess = GetOverlappedResult(hPipe, &oConnect, &cbRet, FALSE);
                if (!fSuccess) {
                    printf("ConnectNamedPipe (%u)\n", (unsigned)GetLastError());
                    return 41;
                }
            }
            /* Allocate storage for this instance. */
            lpPipeInst = (LPCRPIPEINST)GlobalAlloc(GPTR, sizeof(CRPIPEINST));
            if (lpPipeInst == NULL) {
                printf("GlobalAlloc failed (%u)\n", (unsigned)GetLastError());
                return 42;
            }
            lpPipeInst->hPipeInst = hPipe;
            /* Start the read operation for this client. Note that this same routine is
             * later used as a completion routine after a write operation. */
            lpPipeInst->cbToWrite = 0;
            CompletedWriteRoutine(0, 0, (LPOVERLAPPED)lpPipeInst);
            /* Create new pipe instance for the next client. */
            fPendingIO = CreateAndConnectInstance(&oConnect);
            break;
        /* The wait is satisfied by a completed read or write operation. This allows the
         * system to execute the completion routine. */
        case WAIT_IO_COMPLETION:
            break;
        /* An error occurred in the wait function. */
        default:
            printf("WaitForSingleObjectEx (%u)\n", (unsigned)GetLastError());
            return 43;
        }
    }
    CloseHandle(hPipe); /* the instance still listening */
    CloseHandle(hConnectEvent);
    return g_errors ? 44 : 0;
}

/* ---- Transactions on Named Pipes, and CallNamedPipe ---- */

static int TransactClient(LPCTSTR lpszPipename, LPCTSTR lpszWrite)
{
    HANDLE hPipe;
    TCHAR chReadBuf[16], whole[BUFSIZE];
    BOOL fSuccess;
    DWORD cbRead, dwMode;
    int parts = 0, gone = 0;

    /* Try to open a named pipe; wait for it, if necessary. */
    while (1) {
        hPipe = CreateFile(lpszPipename, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                           0, NULL);
        if (hPipe != INVALID_HANDLE_VALUE)
            break;
        /* (Not in the sample: see Client.) */
        if (GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250) {
            Sleep(20);
            continue;
        }
        if (GetLastError() != ERROR_PIPE_BUSY) {
            printf("Could not open pipe (%u)\n", (unsigned)GetLastError());
            return 50;
        }
        /* All pipe instances are busy, so wait for 20 seconds. */
        if (!WaitNamedPipe(lpszPipename, 20000)) {
            if (GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250)
                continue;
            printf("Could not open pipe (%u)\n", (unsigned)GetLastError());
            return 51;
        }
    }

    /* The pipe connected; change to message-read mode. */
    dwMode = PIPE_READMODE_MESSAGE;
    fSuccess = SetNamedPipeHandleState(hPipe, &dwMode, NULL, NULL);
    if (!fSuccess) {
        printf("SetNamedPipeHandleState failed.\n");
        return 52;
    }

    /* Send a message to the pipe server and read the response (a 16-character buffer: the
     * answer comes in parts, with ERROR_MORE_DATA). */
    fSuccess = TransactNamedPipe(hPipe, (LPVOID)lpszWrite, (lstrlen(lpszWrite) + 1) * sizeof(TCHAR),
                                 chReadBuf, (DWORD)sizeof chReadBuf - sizeof(TCHAR), &cbRead,
                                 NULL);
    if (!fSuccess && (GetLastError() != ERROR_MORE_DATA)) {
        printf("TransactNamedPipe failed.\n");
        return 53;
    }
    whole[0] = 0;
    while (1) {
        chReadBuf[cbRead / sizeof(TCHAR)] = 0;
        StringCchCat(whole, BUFSIZE, chReadBuf);
        parts++;
        /* Break if TransactNamedPipe or ReadFile is successful */
        if (fSuccess)
            break;
        /* Read from the pipe if there is more data in the message. */
        fSuccess = ReadFile(hPipe, chReadBuf, (DWORD)sizeof chReadBuf - sizeof(TCHAR), &cbRead,
                            NULL);
        /* Exit if an error other than ERROR_MORE_DATA occurs. */
        if (!fSuccess && (GetLastError() != ERROR_MORE_DATA))
            break;
    }
    if (!fSuccess)
        return 54;
    if (!IsAnswerTo(whole, lpszWrite) || parts < 2) {
        _tprintf(TEXT("transact: wrong answer \"%s\" in %d parts\n"), whole, parts);
        return 55;
    }
    CloseHandle(hPipe);
    return 0;
}

static int CallClient(LPCTSTR lpszPipename, LPCTSTR lpszWrite)
{
    TCHAR chReadBuf[BUFSIZE], shortBuf[8];
    BOOL fSuccess;
    DWORD cbRead;

    int gone = 0;

    /* (The retry on ERROR_FILE_NOT_FOUND is not in the sample: see Client.) */
    do
        fSuccess = CallNamedPipe(lpszPipename, (LPVOID)lpszWrite,
                                 (lstrlen(lpszWrite) + 1) * sizeof(TCHAR), chReadBuf,
                                 BUFSIZE * sizeof(TCHAR), &cbRead, 20000);
    while (!fSuccess && GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250 && (Sleep(20), 1));
    if (!fSuccess) {
        printf("CallNamedPipe failed (%u)\n", (unsigned)GetLastError());
        return 60;
    }
    if (!IsAnswerTo(chReadBuf, lpszWrite) || cbRead != (lstrlen(chReadBuf) + 1) * sizeof(TCHAR))
        return 61;
    /* A buffer too small: the start of the answer and ERROR_MORE_DATA ("Extra data in
     * message was lost"). */
    do
        fSuccess = CallNamedPipe(lpszPipename, (LPVOID)lpszWrite,
                                 (lstrlen(lpszWrite) + 1) * sizeof(TCHAR), shortBuf,
                                 sizeof shortBuf, &cbRead, 20000);
    while (!fSuccess && GetLastError() == ERROR_FILE_NOT_FOUND && ++gone < 250 && (Sleep(20), 1));
    if (fSuccess || GetLastError() != ERROR_MORE_DATA || cbRead != sizeof shortBuf) {
        printf("CallNamedPipe with a short buffer: %d, error %u, %u bytes\n", (int)fSuccess,
               (unsigned)GetLastError(), (unsigned)cbRead);
        return 62;
    }
    if (memcmp(shortBuf, chReadBuf, sizeof shortBuf) != 0)
        return 63;
    return 0;
}

/* ---- Creating a Child Process with Redirected Input and Output ---- */

static HANDLE g_hChildStd_IN_Rd = NULL;
static HANDLE g_hChildStd_IN_Wr = NULL;
static HANDLE g_hChildStd_OUT_Rd = NULL;
static HANDLE g_hChildStd_OUT_Wr = NULL;
static HANDLE g_hInputFile = NULL;

/* The child: copies its standard input to its standard output. */
static int RedirectChild(void)
{
    CHAR chBuf[BUFSIZE];
    DWORD dwRead, dwWritten;
    HANDLE hStdin, hStdout;
    BOOL bSuccess;

    hStdout = GetStdHandle(STD_OUTPUT_HANDLE);
    hStdin = GetStdHandle(STD_INPUT_HANDLE);
    if ((hStdout == INVALID_HANDLE_VALUE) || (hStdin == INVALID_HANDLE_VALUE))
        ExitProcess(1);

    /* Send something to this process's stdout using printf. */
    printf("\n ** This is a message from the child process. ** \n");
    fflush(stdout);

    /* This simple algorithm uses the existence of the pipes to control execution. It relies
     * on the pipe buffers to ensure that no data is lost. Larger applications would use
     * asynchronous I/O. */
    for (;;) {
        /* Read from standard input and stop on error or no data. */
        bSuccess = ReadFile(hStdin, chBuf, BUFSIZE, &dwRead, NULL);
        if (!bSuccess || dwRead == 0)
            break;
        /* Write to standard output and stop on error. */
        bSuccess = WriteFile(hStdout, chBuf, dwRead, &dwWritten, NULL);
        if (!bSuccess)
            break;
    }
    return 0;
}

static BOOL CreateChildProcess(void)
{
    TCHAR szCmdline[MAX_PATH + 20];
    PROCESS_INFORMATION piProcInfo;
    STARTUPINFO siStartInfo;
    BOOL bSuccess = FALSE;

    StringCchPrintf(szCmdline, MAX_PATH + 20, TEXT("\"%s\" child"), g_self);
    /* Set up members of the PROCESS_INFORMATION structure. */
    ZeroMemory(&piProcInfo, sizeof(PROCESS_INFORMATION));
    /* Set up members of the STARTUPINFO structure. This structure specifies the STDIN and
     * STDOUT handles for redirection. */
    ZeroMemory(&siStartInfo, sizeof(STARTUPINFO));
    siStartInfo.cb = sizeof(STARTUPINFO);
    siStartInfo.hStdError = g_hChildStd_OUT_Wr;
    siStartInfo.hStdOutput = g_hChildStd_OUT_Wr;
    siStartInfo.hStdInput = g_hChildStd_IN_Rd;
    siStartInfo.dwFlags |= STARTF_USESTDHANDLES;

    /* Create the child process. */
    bSuccess = CreateProcess(NULL, szCmdline, NULL, NULL, TRUE, 0, NULL, NULL, &siStartInfo,
                             &piProcInfo);
    if (!bSuccess)
        return FALSE;
    /* Close handles to the child process and its primary thread. */
    CloseHandle(piProcInfo.hProcess);
    CloseHandle(piProcInfo.hThread);
    /* Close handles to the stdin and stdout pipes no longer needed by the child process. If
     * they are not explicitly closed, there is no way to recognize that the child process
     * has ended. */
    CloseHandle(g_hChildStd_OUT_Wr);
    CloseHandle(g_hChildStd_IN_Rd);
    return TRUE;
}

/* Reads from a file and writes its contents to the pipe for the child's STDIN. Stops when
 * there is no more data. */
static BOOL WriteToPipe(void)
{
    DWORD dwRead, dwWritten;
    CHAR chBuf[BUFSIZE];
    BOOL bSuccess = FALSE;

    for (;;) {
        bSuccess = ReadFile(g_hInputFile, chBuf, BUFSIZE, &dwRead, NULL);
        if (!bSuccess || dwRead == 0)
            break;
        bSuccess = WriteFile(g_hChildStd_IN_Wr, chBuf, dwRead, &dwWritten, NULL);
        if (!bSuccess)
            break;
    }
    /* Close the pipe handle so the child process stops reading. */
    return CloseHandle(g_hChildStd_IN_Wr);
}

/* Reads output from the child process's pipe for STDOUT until there is no more data (the
 * child closed it: ERROR_BROKEN_PIPE). */
static DWORD ReadFromPipe(CHAR *out, DWORD room, DWORD *lastError)
{
    DWORD dwRead, total = 0;
    BOOL bSuccess;

    for (;;) {
        bSuccess = ReadFile(g_hChildStd_OUT_Rd, out + total, room - total, &dwRead, NULL);
        if (!bSuccess || dwRead == 0) {
            *lastError = bSuccess ? 0 : GetLastError();
            break;
        }
        total += dwRead;
        if (total == room)
            break;
    }
    return total;
}

static void Redirect(void)
{
    static const char banner[] = "\n ** This is a message from the child process. ** \n";
    SECURITY_ATTRIBUTES saAttr;
    TCHAR path[MAX_PATH];
    CHAR *content, *got;
    DWORD i, size = 20000, n, total, err = 0;
    HANDLE f;

    /* The input file. */
    StringCchPrintf(path, MAX_PATH, TEXT("mspipes_input_%u.txt"), (unsigned)GetCurrentProcessId());
    content = (CHAR *)HeapAlloc(GetProcessHeap(), 0, size);
    got = (CHAR *)HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size + 200);
    for (i = 0; i < size; i++)
        content[i] = (CHAR)('a' + i % 26);
    for (i = 79; i < size; i += 80)
        content[i] = '\n';
    f = CreateFile(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    CHECK(f != INVALID_HANDLE_VALUE);
    CHECK_OK(WriteFile(f, content, size, &n, NULL));
    CloseHandle(f);

    /* Set the bInheritHandle flag so pipe handles are inherited. */
    saAttr.nLength = sizeof(SECURITY_ATTRIBUTES);
    saAttr.bInheritHandle = TRUE;
    saAttr.lpSecurityDescriptor = NULL;

    /* Create a pipe for the child process's STDOUT. */
    CHECK_OK(CreatePipe(&g_hChildStd_OUT_Rd, &g_hChildStd_OUT_Wr, &saAttr, 0));
    /* Ensure the read handle to the pipe for STDOUT is not inherited. */
    CHECK_OK(SetHandleInformation(g_hChildStd_OUT_Rd, HANDLE_FLAG_INHERIT, 0));
    /* Create a pipe for the child process's STDIN. */
    CHECK_OK(CreatePipe(&g_hChildStd_IN_Rd, &g_hChildStd_IN_Wr, &saAttr, 0));
    /* Ensure the write handle to the pipe for STDIN is not inherited. */
    CHECK_OK(SetHandleInformation(g_hChildStd_IN_Wr, HANDLE_FLAG_INHERIT, 0));
    {
        DWORD flags = 7;
        CHECK_OK(GetHandleInformation(g_hChildStd_IN_Wr, &flags));
        CHECK_EQ(flags & HANDLE_FLAG_INHERIT, 0);
        CHECK_OK(GetHandleInformation(g_hChildStd_IN_Rd, &flags));
        CHECK_EQ(flags & HANDLE_FLAG_INHERIT, HANDLE_FLAG_INHERIT);
    }

    /* Create the child process. */
    CHECK_OK(CreateChildProcess());

    /* Get a handle to an input file for the parent. */
    g_hInputFile = CreateFile(path, GENERIC_READ, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_READONLY,
                              NULL);
    CHECK(g_hInputFile != INVALID_HANDLE_VALUE);

    /* Write to the pipe that is the standard input for a child process. Data is written to
     * the pipe's buffers, so it is not necessary to wait until the child process is
     * running before writing data. */
    CHECK_OK(WriteToPipe());
    CloseHandle(g_hInputFile);

    /* Read from pipe that is the standard output for child process. */
    total = ReadFromPipe(got, size + 200, &err);
    CHECK_EQ(err, ERROR_BROKEN_PIPE);
    CHECK_EQ(total, sizeof banner - 1 + size);
    CHECK(memcmp(got, banner, sizeof banner - 1) == 0);
    CHECK(memcmp(got + sizeof banner - 1, content, size) == 0);
    CloseHandle(g_hChildStd_OUT_Rd);
    DeleteFile(path);
    HeapFree(GetProcessHeap(), 0, content);
    HeapFree(GetProcessHeap(), 0, got);
}

/* ---- the test driver ---- */

static HANDLE Spawn(LPCTSTR args)
{
    TCHAR line[1024];
    STARTUPINFO si;
    PROCESS_INFORMATION pi;
    ZeroMemory(&si, sizeof si);
    si.cb = sizeof si;
    StringCchPrintf(line, 1024, TEXT("\"%s\" %s"), g_self, args);
    if (!CreateProcess(NULL, line, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi))
        return NULL;
    CloseHandle(pi.hThread);
    return pi.hProcess;
}

/* Waits until the pipe exists (WaitNamedPipe: ERROR_FILE_NOT_FOUND until then). */
static BOOL WaitForPipe(LPCTSTR name)
{
    int i;
    for (i = 0; i < 1000; i++) {
        if (WaitNamedPipe(name, 20))
            return TRUE;
        if (GetLastError() != ERROR_FILE_NOT_FOUND && GetLastError() != ERROR_SEM_TIMEOUT)
            return FALSE;
        Sleep(10);
    }
    return FALSE;
}

static DWORD ExitCodeOf(HANDLE h)
{
    DWORD code = 0xdeadbeef;
    GetExitCodeProcess(h, &code);
    return code;
}

/* A server role and its clients: `kinds` is one letter per client (c: client, s: client with
 * a small buffer, t: transaction client, k: CallNamedPipe client), all started at once. */
static void Serve(LPCTSTR role, LPCTSTR tag, LPCTSTR kinds)
{
    TCHAR name[200], args[400];
    HANDLE server, clients[16];
    int i, n = lstrlen(kinds), conns = 0;
    DWORD w;

    /* Connections the server is to serve: a CallNamedPipe client calls twice. */
    for (i = 0; i < n; i++)
        conns += kinds[i] == 'k' ? 2 : 1;

    StringCchPrintf(name, 200, TEXT("\\\\.\\pipe\\mspipes_%u_%s"), (unsigned)GetCurrentProcessId(),
                    tag);
    StringCchPrintf(args, 400, TEXT("%s %s %d"), role, name, conns);
    server = Spawn(args);
    CHECK(server != NULL);
    if (server == NULL)
        return;
    CHECK(WaitForPipe(name));
    for (i = 0; i < n; i++) {
        LPCTSTR what = kinds[i] == 'c'   ? TEXT("client")
                       : kinds[i] == 's' ? TEXT("smallclient")
                       : kinds[i] == 't' ? TEXT("transact")
                                         : TEXT("call");
        StringCchPrintf(args, 400, TEXT("%s %s \"Default message from client %d\""), what, name,
                        i);
        clients[i] = Spawn(args);
        CHECK(clients[i] != NULL);
    }
    w = WaitForMultipleObjects((DWORD)n, clients, TRUE, 60000);
    CHECK_EQ(w, WAIT_OBJECT_0);
    for (i = 0; i < n; i++) {
        DWORD code = ExitCodeOf(clients[i]);
        if (code != 0)
            _tprintf(TEXT("  (%s: client %d (%c) exited with %u)\n"), role, i, kinds[i],
                     (unsigned)code);
        CHECK_EQ(code, 0);
        CloseHandle(clients[i]);
    }
    CHECK_EQ(WaitForSingleObject(server, 30000), WAIT_OBJECT_0);
    w = ExitCodeOf(server);
    if (w != 0)
        _tprintf(TEXT("  (%s exited with %u)\n"), role, (unsigned)w);
    CHECK_EQ(w, 0);
    CloseHandle(server);
}

int _tmain(int argc, TCHAR *argv[])
{
    GetModuleFileName(NULL, g_self, MAX_PATH);
    if (argc >= 2 && lstrcmp(argv[1], TEXT("child")) == 0)
        return RedirectChild();
    if (argc >= 4) {
        CloseHandle(CreateThread(NULL, 0, Watchdog, (LPVOID)(ULONG_PTR)60000, 0, NULL));
        if (lstrcmp(argv[1], TEXT("mtserver")) == 0)
            return MultithreadedServer(argv[2], _ttoi(argv[3]));
        if (lstrcmp(argv[1], TEXT("ovserver")) == 0)
            return OverlappedServer(argv[2], _ttoi(argv[3]));
        if (lstrcmp(argv[1], TEXT("crserver")) == 0)
            return CompletionRoutineServer(argv[2], _ttoi(argv[3]));
        if (lstrcmp(argv[1], TEXT("client")) == 0)
            return Client(argv[2], argv[3], BUFSIZE * sizeof(TCHAR));
        if (lstrcmp(argv[1], TEXT("smallclient")) == 0)
            return Client(argv[2], argv[3], 8 * sizeof(TCHAR));
        if (lstrcmp(argv[1], TEXT("transact")) == 0)
            return TransactClient(argv[2], argv[3]);
        if (lstrcmp(argv[1], TEXT("call")) == 0)
            return CallClient(argv[2], argv[3]);
        return 99;
    }
    CloseHandle(CreateThread(NULL, 0, Watchdog, (LPVOID)(ULONG_PTR)120000, 0, NULL));
    if (argc == 3 && lstrcmp(argv[1], TEXT("only")) == 0) {
        /* One scenario: "mt", "ov", "cr", "tr", "ovtr". */
        if (lstrcmp(argv[2], TEXT("mt")) == 0 || lstrcmp(argv[2], TEXT("tr")) == 0)
            Serve(TEXT("mtserver"), argv[2], lstrcmp(argv[2], TEXT("mt")) == 0 ? TEXT("ccsccs") : TEXT("ttkktc"));
        else if (lstrcmp(argv[2], TEXT("ov")) == 0)
            Serve(TEXT("ovserver"), argv[2], TEXT("ccsccs"));
        else if (lstrcmp(argv[2], TEXT("cr")) == 0)
            Serve(TEXT("crserver"), argv[2], TEXT("ccsccs"));
        else
            Serve(TEXT("ovserver"), argv[2], TEXT("ttkk"));
        return SUMMARY();
    }
    Serve(TEXT("mtserver"), TEXT("mt"), TEXT("ccsccs"));
    Serve(TEXT("ovserver"), TEXT("ov"), TEXT("ccsccs"));
    Serve(TEXT("crserver"), TEXT("cr"), TEXT("ccsccs"));
    Serve(TEXT("mtserver"), TEXT("tr"), TEXT("ttkktc"));
    Serve(TEXT("ovserver"), TEXT("ovtr"), TEXT("ttkk"));
    Redirect();
    return SUMMARY();
}
