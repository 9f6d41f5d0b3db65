/* Must NOT compile: the printf family is unavailable under _UNICODE. */
#include <windows.h>
#include <tchar.h>

int winipc_negative(void);
int winipc_negative(void) { return _tprintf(_T("%d\n"), 1); }
