/* A Windows-style entry point: _tmain with arguments and no main(). Under _UNICODE it is
 * wmain, run by libwinipc's weak main() with UTF-16 arguments; otherwise it is main. */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, TCHAR *argv[])
{
    int i;
    for (i = 1; i < argc; i++)
        _tprintf(TEXT("[%s]"), argv[i]);
    _tprintf(TEXT(" %d\n"), (int)_tcslen(argv[0]) > 0);
    return argc;
}
