/*
 * MyongDongKyoJa.c - the restaurant with 10 tables and 50 customers: a counting semaphore
 * lets at most 10 customers eat at once.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <process.h>

#define NUM_OF_CUSTOMER 50
#define RANGE_MIN 1
#define RANGE_MAX 5
#define TABLE_CNT 10

HANDLE hSemaphore;
DWORD randTimeArr[NUM_OF_CUSTOMER];
LONG eating, maxEating;
HANDLE hCountMutex;
int served;

void TakeMeal(DWORD time)
{
    LONG now;
    WaitForSingleObject(hSemaphore, INFINITE);
    now = InterlockedIncrement(&eating);
    WaitForSingleObject(hCountMutex, INFINITE);
    if (now > maxEating)
        maxEating = now;
    served++;
    ReleaseMutex(hCountMutex);
    Sleep(time);
    InterlockedDecrement(&eating);
    ReleaseSemaphore(hSemaphore, 1, NULL);
}

unsigned int WINAPI ThreadProc(LPVOID lpParam)
{
    TakeMeal((DWORD)(UINT_PTR)lpParam);
    return 0;
}

int _tmain(int argc, TCHAR *argv[])
{
    DWORD dwThreadIDs[NUM_OF_CUSTOMER];
    HANDLE hThreads[NUM_OF_CUSTOMER];
    LONG previous;
    int i;

    srand((unsigned)time(NULL));
    for (i = 0; i < NUM_OF_CUSTOMER; i++)
        randTimeArr[i] = (DWORD)(((double)rand() / (double)RAND_MAX) * RANGE_MAX + RANGE_MIN);

    hSemaphore = CreateSemaphore(NULL, TABLE_CNT, TABLE_CNT, NULL);
    hCountMutex = CreateMutex(NULL, FALSE, NULL);
    if (hSemaphore == NULL || hCountMutex == NULL) {
        _tprintf(_T("CreateSemaphore error: %d\n"), (int)GetLastError());
        return 1;
    }

    for (i = 0; i < NUM_OF_CUSTOMER; i++) {
        hThreads[i] = (HANDLE)_beginthreadex(NULL, 0, ThreadProc,
                                             (void *)(UINT_PTR)randTimeArr[i], CREATE_SUSPENDED,
                                             (unsigned *)&dwThreadIDs[i]);
        if (hThreads[i] == NULL) {
            _tprintf(_T("Thread creation fault! \n"));
            return -1;
        }
    }
    for (i = 0; i < NUM_OF_CUSTOMER; i++)
        ResumeThread(hThreads[i]);

    /* More than MAXIMUM_WAIT_OBJECTS is refused; 50 is fine. */
    WaitForMultipleObjects(NUM_OF_CUSTOMER, hThreads, TRUE, INFINITE);
    _tprintf(_T("----END-----------\n"));
    _tprintf(_T("served %d, at most %d at once (<= %d: %s)\n"), served, (int)maxEating,
             TABLE_CNT, maxEating <= TABLE_CNT ? _T("yes") : _T("NO"));

    /* All tables free again: releasing one more exceeds the maximum. */
    if (!ReleaseSemaphore(hSemaphore, 1, &previous))
        _tprintf(_T("ReleaseSemaphore over the maximum: %d\n"), (int)GetLastError());
    for (i = 0; i < NUM_OF_CUSTOMER; i++)
        CloseHandle(hThreads[i]);
    CloseHandle(hSemaphore);
    CloseHandle(hCountMutex);
    return 0;
}
