/*
 * sum_child.c - computes FROM + (FROM+1) + ... + TO and returns the sum as
 * its process exit code.
 *
 *   sum_child FROM TO
 *
 * The sum is a DWORD (arithmetic modulo 2^32); an empty range (FROM > TO)
 * sums to 0.  The result is returned with ExitProcess, so a parent reading
 * it with GetExitCodeProcess sees all 32 bits (e.g. 500500 for 1..1000),
 * not just the low 8 bits a POSIX shell would show.  Invalid arguments exit
 * with code 0xFFFFFFFF and a message on stderr.
 *
 * Caveat (as on Windows): a sum of 259 equals STILL_ACTIVE, which a parent
 * that polls GetExitCodeProcess without waiting cannot tell from "running".
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

static BOOL ParseDword(LPCTSTR lpsz, DWORD *pdw)
{
    TCHAR *pEnd = NULL;
    unsigned long long v;

    if (lpsz[0] == TEXT('\0') || lpsz[0] == TEXT('-'))
        return FALSE;
    v = _tcstoui64(lpsz, &pEnd, 10);
    if (*pEnd != TEXT('\0') || v > 0xFFFFFFFFULL)
        return FALSE;
    *pdw = (DWORD)v;
    return TRUE;
}

int _tmain(int argc, TCHAR *argv[])
{
    DWORD dwFrom, dwTo, dwSum = 0, i;

    if (argc != 3 || !ParseDword(argv[1], &dwFrom) || !ParseDword(argv[2], &dwTo)) {
        _ftprintf(stderr, TEXT("usage: sum_child FROM TO   (0 <= FROM, TO <= 4294967295)\n"));
        ExitProcess(0xFFFFFFFF);
    }

    if (dwFrom <= dwTo) {
        for (i = dwFrom;; i++) {
            dwSum += i;
            if (i == dwTo)      /* written this way so TO == 0xFFFFFFFF terminates */
                break;
        }
    }

    ExitProcess(dwSum);
}
