/*
 * winipc_version.h - the version of libwinipc these headers belong to
 * (included by windows.h).
 *
 *     #if WINIPC_VERSION_NUMBER >= 0x000100   (0.1.0 or later)
 *
 * WINIPC_VERSION is the release as a string; WINIPC_VERSION_NUMBER is
 * 0xMMmmpp (major, minor, patch) for #if comparisons.  The test suite checks
 * that they match the Cargo version of the library.  A program that must
 * also build on Windows can test `#ifdef WINIPC_VERSION`.
 */
#ifndef WINIPC_VERSION_H
#define WINIPC_VERSION_H

#define WINIPC_VERSION_MAJOR 0
#define WINIPC_VERSION_MINOR 1
#define WINIPC_VERSION_PATCH 0
#define WINIPC_VERSION "0.1.0"
#define WINIPC_VERSION_NUMBER \
    ((WINIPC_VERSION_MAJOR << 16) | (WINIPC_VERSION_MINOR << 8) | WINIPC_VERSION_PATCH)

#endif /* WINIPC_VERSION_H */
