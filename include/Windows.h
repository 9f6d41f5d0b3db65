/* Windows.h: the spelling most Win32 sources use; the same header as windows.h. */
#include "windows.h"
