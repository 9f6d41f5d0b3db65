/* Must NOT compile: the scanf family is unavailable under _UNICODE. */
#include <windows.h>
#include <tchar.h>

int winipc_negative(void);
int winipc_negative(void)
{
    int v = 0;
    return _tscanf(_T("%d"), &v);
}
