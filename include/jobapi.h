/*
 * jobapi.h - part of the winipc C ABI (see docs/c-abi.md): IsProcessInJob. <windows.h>
 * includes it.
 */
#ifndef WINIPC_JOBAPI_H
#define WINIPC_JOBAPI_H

#include "windows.h"

#ifdef __cplusplus
extern "C" {
#endif

/* hJob NULL: any job of the calling process's table (see docs/c-abi.md). */
WINBASEAPI BOOL WINAPI IsProcessInJob(HANDLE ProcessHandle, HANDLE JobHandle, PBOOL Result);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_JOBAPI_H */
