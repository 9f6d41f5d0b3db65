/*
 * apc_pool.c - a small thread pool driven by APCs: every worker sleeps in an
 * alertable wait on a shared "stop" event; jobs arrive as QueueUserAPC calls
 * and a periodic waitable timer per worker delivers its ticks through the
 * timer's completion routine.  The main thread hands out jobs round-robin,
 * lets each worker see its ticks, then stops the pool.
 *
 *   apc_pool
 */
#include <windows.h>
#include <process.h>
#include <stdio.h>

#define WORKERS 3
#define JOBS 9
#define TICKS 4

typedef struct {
    int id;
    HANDLE ready;
    HANDLE timer;
    LONG jobs;
    LONG job_sum;
    LONG ticks;
} WORKER;

static WORKER g_workers[WORKERS];
static HANDLE g_stop;

static VOID NTAPI Job(ULONG_PTR arg)
{
    WORKER *w = &g_workers[arg % WORKERS];
    w->jobs++;
    w->job_sum += (LONG)arg;
}

static VOID CALLBACK Tick(LPVOID arg, DWORD lo, DWORD hi)
{
    WORKER *w = (WORKER *)arg;
    (void)lo;
    (void)hi;
    if (w->ticks < TICKS && ++w->ticks == TICKS)
        CancelWaitableTimer(w->timer);
}

static unsigned WINAPI Worker(void *arg)
{
    WORKER *w = (WORKER *)arg;
    LARGE_INTEGER due;
    DWORD r;

    w->timer = CreateWaitableTimerA(NULL, FALSE, NULL);
    due.QuadPart = -100000LL * (w->id + 1); /* 10, 20, 30 ms */
    /* The routine runs on this thread, so it must be set here. */
    SetWaitableTimer(w->timer, &due, 15, Tick, w, FALSE);
    SetEvent(w->ready);
    do {
        r = WaitForSingleObjectEx(g_stop, INFINITE, TRUE); /* APCs run in here */
    } while (r == WAIT_IO_COMPLETION);
    CloseHandle(w->timer);
    return r == WAIT_OBJECT_0 ? 0 : 1;
}

int main(void)
{
    HANDLE threads[WORKERS];
    int i, t;
    LONG all_ticks;

    g_stop = CreateEventA(NULL, TRUE, FALSE, NULL);
    for (i = 0; i < WORKERS; i++) {
        g_workers[i].id = i;
        g_workers[i].ready = CreateEventA(NULL, TRUE, FALSE, NULL);
        threads[i] = (HANDLE)_beginthreadex(NULL, 0, Worker, &g_workers[i], 0, NULL);
        WaitForSingleObject(g_workers[i].ready, INFINITE);
    }
    for (i = 0; i < JOBS; i++)
        QueueUserAPC(Job, threads[i % WORKERS], (ULONG_PTR)i);
    /* Wait until every worker has seen its ticks. */
    for (t = 0; t < 500; t++) {
        all_ticks = 0;
        for (i = 0; i < WORKERS; i++)
            all_ticks += InterlockedCompareExchange(&g_workers[i].ticks, 0, 0);
        if (all_ticks == WORKERS * TICKS)
            break;
        Sleep(10);
    }
    SetEvent(g_stop);
    WaitForMultipleObjects(WORKERS, threads, TRUE, INFINITE);
    for (i = 0; i < WORKERS; i++) {
        printf("worker %d: %ld jobs (sum %ld), %ld timer ticks\n", i, (long)g_workers[i].jobs,
               (long)g_workers[i].job_sum, (long)g_workers[i].ticks);
        CloseHandle(threads[i]);
        CloseHandle(g_workers[i].ready);
    }
    CloseHandle(g_stop);
    return 0;
}
