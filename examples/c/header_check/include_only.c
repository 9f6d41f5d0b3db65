/* Minimal translation unit: both headers, nothing else (both orders). */
#ifdef WINIPC_TCHAR_FIRST
#include <tchar.h>
#include <windows.h>
#else
#include <windows.h>
#include <tchar.h>
#endif
#include <windows.h>  /* include guards */
#include <tchar.h>

int winipc_header_check_dummy(void);
int winipc_header_check_dummy(void) { return 0; }
