// HelloMain.cpp - the shortest console program of the wizard: int _tmain() without arguments,
// its return value the exit code.
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain()
{
    _tprintf(_T("Hello, %s!\n"), _T("World"));
    return 3;
}
