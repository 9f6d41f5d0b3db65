/*
 * openthread_user.c - run as another user than the owner of thread argv[1] (a root
 * process's main thread): OpenThread follows OpenProcess's rules for another user's object.
 */
#include <windows.h>
#include <stdlib.h>
#include "harness.h"

int main(int argc, char **argv)
{
    DWORD tid;
    if (argc < 2)
        return 2;
    tid = (DWORD)strtoul(argv[1], NULL, 10);
    /* More than waiting and querying: denied, as for another user's process. */
    CHECK_FAIL(OpenThread(THREAD_ALL_ACCESS, FALSE, tid), NULL, ERROR_ACCESS_DENIED);
    CHECK_FAIL(OpenThread(THREAD_TERMINATE, FALSE, tid), NULL, ERROR_ACCESS_DENIED);
    CHECK_FAIL(OpenThread(THREAD_SUSPEND_RESUME, FALSE, tid), NULL, ERROR_ACCESS_DENIED);
    /* Waiting and querying are allowed: the thread runs. */
    {
        DWORD code = 0;
        HANDLE h = OpenThread(SYNCHRONIZE | THREAD_QUERY_LIMITED_INFORMATION, FALSE, tid);
        CHECK(h != NULL);
        if (h != NULL) {
            CHECK_EQ(WaitForSingleObject(h, 0), WAIT_TIMEOUT);
            CHECK_OK(GetExitCodeThread(h, &code));
            CHECK_EQ(code, STILL_ACTIVE);
            CHECK_EQ(GetThreadId(h), tid);
            CHECK_OK(CloseHandle(h));
        }
    }
    /* A thread id that does not exist. */
    CHECK_FAIL(OpenThread(SYNCHRONIZE, FALSE, 0x7FFFFFF0u), NULL, ERROR_INVALID_PARAMETER);
    return SUMMARY();
}
