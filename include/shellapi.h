/*
 * shellapi.h - part of the winipc C ABI (see docs/c-abi.md).  Windows code includes
 * the split SDK headers and spells them as NTFS allows (case-insensitively);
 * on Linux each spelling is a file, and each is this one line: everything is
 * declared by <windows.h> (here: CommandLineToArgvW).
 */
#include "windows.h"
