/* _UNICODE program using _tmain with the opt-in WINIPC_WMAIN_SHIM (runs
 * without libwinipc): the program of wmain_auto.c, with a strong main() from
 * <tchar.h> instead of the weak alias. */
#define WINIPC_WMAIN_SHIM
#include "wmain_auto.c"
