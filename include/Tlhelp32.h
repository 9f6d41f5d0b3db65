/*
 * Tlhelp32.h - another spelling of <tlhelp32.h> (part of the winipc C ABI).
 */
#include "tlhelp32.h"
