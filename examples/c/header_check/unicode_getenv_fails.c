/* Must NOT compile: _tgetenv is unavailable under _UNICODE (it would return a pointer into a
 * UTF-16 copy that nobody frees); use GetEnvironmentVariable. */
#include <windows.h>
#include <tchar.h>

int winipc_negative(void);
int winipc_negative(void)
{
    return _tgetenv(_T("HOME")) != 0;
}
