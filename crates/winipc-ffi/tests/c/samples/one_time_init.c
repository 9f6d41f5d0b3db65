/* In the style of "Using One-Time Initialization": an event object created once, by
   InitOnceExecuteOnce (synchronous) and by InitOnceBeginInitialize/InitOnceComplete
   (asynchronous), asked for by several threads at once. */
#define _WIN32_WINNT 0x0600
#include <windows.h>
#include <stdio.h>

// Global variables for one-time initialization structures
INIT_ONCE g_InitOnce = INIT_ONCE_STATIC_INIT; // Static initialization
INIT_ONCE g_InitOnceAsync = INIT_ONCE_STATIC_INIT;

// Initialization callback function
BOOL CALLBACK InitHandleFunction (
    PINIT_ONCE InitOnce,
    PVOID Parameter,
    PVOID *lpContext);

// Returns a handle to an event object that is created only once
HANDLE OpenEventHandleSync()
{
  PVOID lpContext;
  BOOL  bStatus;

  // Execute the initialization callback function
  bStatus = InitOnceExecuteOnce(&g_InitOnce,          // One-time initialization structure
                                InitHandleFunction,   // Pointer to initialization callback function
                                NULL,                 // Optional parameter to callback function (not used)
                                &lpContext);          // Receives pointer to event object stored in g_InitOnce

  // InitOnceExecuteOnce function succeeded. Return event object.
  if (bStatus)
  {
    return (HANDLE)lpContext;
  }
  else
  {
    return (INVALID_HANDLE_VALUE);
  }
}

// Initialization callback function that creates the event object
BOOL CALLBACK InitHandleFunction (
    PINIT_ONCE InitOnce,        // Pointer to one-time initialization structure
    PVOID Parameter,            // Optional parameter passed by InitOnceExecuteOnce
    PVOID *lpContext)           // Receives pointer to event object
{
  HANDLE hEvent;

  // Create event object
  hEvent = CreateEvent(NULL,    // Default security descriptor
                       TRUE,    // Manual-reset event object
                       TRUE,    // Initial state of object is signaled
                       NULL);   // Object is unnamed

  // Event object creation failed.
  if (NULL == hEvent)
  {
    return FALSE;
  }
  // Event object creation succeeded.
  else
  {
    *lpContext = hEvent;
    return TRUE;
  }
}

// Returns a handle to an event object that is created only once
HANDLE OpenEventHandleAsync()
{
  PVOID  lpContext;
  BOOL   fStatus;
  BOOL   fPending;
  HANDLE hEvent;

  // Begin one-time initialization
  fStatus = InitOnceBeginInitialize(&g_InitOnceAsync,  // Pointer to one-time initialization structure
                                    INIT_ONCE_ASYNC,   // Asynchronous one-time initialization
                                    &fPending,         // Receives initialization status
                                    &lpContext);       // Receives pointer to data in g_InitOnce

  // InitOnceBeginInitialize function failed.
  if (!fStatus)
  {
    return (INVALID_HANDLE_VALUE);
  }

  // Initialization has already completed and lpContext contains event object.
  if (!fPending)
  {
    return (HANDLE)lpContext;
  }

  // Create event object for one-time initialization.
  hEvent = CreateEvent(NULL,    // Default security descriptor
                       TRUE,    // Manual-reset event object
                       TRUE,    // Initial state of object is signaled
                       NULL);   // Object is unnamed

  // Event object creation failed.
  if (NULL == hEvent)
  {
    return (INVALID_HANDLE_VALUE);
  }

  // Complete one-time initialization.
  fStatus = InitOnceComplete(&g_InitOnceAsync,        // Pointer to one-time initialization structure
                             INIT_ONCE_ASYNC,         // Asynchronous initialization
                             (PVOID)hEvent);          // Pointer to event object to be stored in g_InitOnce

  // InitOnceComplete function succeeded. Return event object.
  if (fStatus)
  {
    return hEvent;
  }

  // Initialization has already completed. Free the local event.
  CloseHandle(hEvent);


  // Retrieve the final context data.
  fStatus = InitOnceBeginInitialize(&g_InitOnceAsync,      // Pointer to one-time initialization structure
                                    INIT_ONCE_CHECK_ONLY,   // Check whether initialization is complete
                                    &fPending,        // Receives initialization status
                                    (LPVOID*)&hEvent);     // Receives pointer to event object in g_InitOnce

  if (fStatus && !fPending)
  {
    return hEvent;
  }
  else
  {
    return INVALID_HANDLE_VALUE;
  }
}

#define THREADCOUNT 8
HANDLE g_Sync[THREADCOUNT], g_Async[THREADCOUNT];

DWORD WINAPI ThreadProc(LPVOID lpParam)
{
    int i = (int)(INT_PTR)lpParam;
    g_Sync[i] = OpenEventHandleSync();
    g_Async[i] = OpenEventHandleAsync();
    return 0;
}

int main(void)
{
    HANDLE hThreads[THREADCOUNT];
    int i, same = 1;

    for (i = 0; i < THREADCOUNT; i++)
        hThreads[i] = CreateThread(NULL, 0, ThreadProc, (LPVOID)(INT_PTR)i, 0, NULL);
    WaitForMultipleObjects(THREADCOUNT, hThreads, TRUE, INFINITE);
    for (i = 0; i < THREADCOUNT; i++)
    {
        if (g_Sync[i] != g_Sync[0] || g_Async[i] != g_Async[0])
            same = 0;
        CloseHandle(hThreads[i]);
    }
    printf("Synchronous: %s\n", g_Sync[0] != INVALID_HANDLE_VALUE &&
           WaitForSingleObject(g_Sync[0], 0) == WAIT_OBJECT_0 ? "one event" : "failed");
    printf("Asynchronous: %s\n", g_Async[0] != INVALID_HANDLE_VALUE &&
           WaitForSingleObject(g_Async[0], 0) == WAIT_OBJECT_0 ? "one event" : "failed");
    printf("All threads got the same handles: %s\n", same ? "yes" : "no");
    return 0;
}
