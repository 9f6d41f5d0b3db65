/* _UNICODE program using _tmain with the opt-in WINIPC_WMAIN_SHIM (runs
 * without libwinipc): prints its UTF-16 argv converted back to UTF-8. */
#define WINIPC_WMAIN_SHIM
#include <windows.h>
#include <tchar.h>

/* tchar.h declares no wmain in C (so that `int _tmain()` builds too): a program built with
   -Wmissing-prototypes gives its own prototype, as for any other global function. */
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
