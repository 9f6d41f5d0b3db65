/*
 * Psapi.h - another spelling of <psapi.h> (part of the winipc C ABI).
 */
#include "psapi.h"
