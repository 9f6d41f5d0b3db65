/* InfiniteLoop.c - runs until it is terminated (at most a minute). */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    DWORD i;
    for (i = 0; i < 600; i++)
        Sleep(100);
    return 0;
}
