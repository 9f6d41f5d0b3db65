/*
 * EnvMain.c - the three-argument _tmain of Visual Studio's console template:
 * int _tmain(int argc, _TCHAR* argv[], _TCHAR* envp[]), listing one variable of envp.
 */
#include <windows.h>
#include <tchar.h>
#include <stdio.h>

int _tmain(int argc, _TCHAR *argv[], _TCHAR *envp[])
{
    int i, found = 0;
    for (i = 0; envp[i] != NULL; i++) {
        if (_tcsncmp(envp[i], _T("ENVMAIN_TEST="), 13) == 0) {
            _tprintf(_T("%s\n"), envp[i]);
            found = 1;
        }
    }
    _tprintf(_T("argc %d, argv[1] %s, found %d\n"), argc, argc > 1 ? argv[1] : _T("-"), found);
    return 0;
}
