/*
 * PartAdder.c - adds the numbers from argv[1] to argv[2]; the sum is the exit code.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    DWORD start, end, total = 0;
    DWORD i;

    if (argc != 3)
        return -1;
    start = _ttoi(argv[1]);
    end = _ttoi(argv[2]);
    for (i = start; i <= end; i++)
        total += i;
    return total;
}
