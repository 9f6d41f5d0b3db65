/* <direct.h> and <io.h> with the _t names of <tchar.h>, in ANSI and UNICODE (runs without
 * libwinipc): make, enter, leave and remove a directory; access modes; unlink. */
#include <tchar.h>
#include <direct.h>
#include <io.h>
#include <stdio.h>
int main(void)
{
    TCHAR cwd[512];
    int fails = 0;
    if (_tgetcwd(cwd, 512) == NULL) fails |= 1;
    if (_tmkdir(_T("dt_sub")) != 0) fails |= 2;
    if (_taccess(_T("dt_sub"), 0) != 0) fails |= 4;
    if (_tchdir(_T("dt_sub")) != 0) fails |= 8;
    if (_tchdir(_T("..")) != 0) fails |= 16;
    if (_trmdir(_T("dt_sub")) != 0) fails |= 32;
    if (_taccess(_T("dt_sub"), 0) != -1 || errno != ENOENT) fails |= 64;
    if (_taccess(_T("."), 1) != -1 || errno != EINVAL) fails |= 128;
    {
        FILE *f = _tfopen(_T("dt_file"), _T("w"));
        if (!f) fails |= 256; else fclose(f);
        if (_tunlink(_T("dt_file")) != 0) fails |= 512;
    }
    if (_tgetcwd(cwd, 1) != NULL || errno != ERANGE) fails |= 1024;
    printf("fails=%d\n", fails);
    return fails;
}
