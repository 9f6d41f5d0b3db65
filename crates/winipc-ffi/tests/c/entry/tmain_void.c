/* `int _tmain(VOID)`, as the Microsoft samples write it (no main()). */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(VOID)
{
    _tprintf(TEXT("no arguments, %d\n"), 42);
    return 7;
}
