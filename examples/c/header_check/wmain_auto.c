/* _UNICODE program using _tmain, nothing else (runs without libwinipc): <tchar.h> makes
 * main() a weak alias of its entry, which converts argv to UTF-16 and calls wmain. Prints
 * the arguments converted back to UTF-8. The prototype first, as -Wmissing-prototypes asks
 * (so _tmain is seen twice). */
#include <windows.h>
#include <tchar.h>

#ifndef __cplusplus
int _tmain(int argc, _TCHAR *argv[]);
#endif
int _tmain(int argc, _TCHAR *argv[])
{
    int i;
    for (i = 1; i < argc; i++) {
        _fputts(argv[i], stdout);
        _fputts(_T("|"), stdout);
    }
    _fputts(_T("\n"), stdout);
    return argc;
}
