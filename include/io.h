/*
 * io.h - the Microsoft C runtime's low-level file functions that have a POSIX
 * twin: _access (modes 0 existence, 2 write, 4 read, 6 both, as POSIX's F_OK,
 * W_OK, R_OK), _unlink, _isatty, _close, _dup, _dup2, and their _w forms.
 *
 * Part of the winipc C ABI (see docs/c-abi.md). Paths are UTF-8 (char) or
 * UTF-16 (the _w forms, converted).
 */
#ifndef WINIPC_IO_H
#define WINIPC_IO_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include "winipc_utf16.h"
#include "direct.h"

#ifdef __cplusplus
extern "C" {
#endif

static inline int _access(const char *path, int mode)
{
    if (mode & ~6) {
        errno = EINVAL;
        return -1;
    }
    return access(path, mode);
}
static inline int _unlink(const char *path) { return unlink(path); }
static inline int _isatty(int fd) { return isatty(fd); }
static inline int _close(int fd) { return close(fd); }
static inline int _dup(int fd) { return dup(fd); }
static inline int _dup2(int fd, int to) { return (dup2(fd, to) < 0) ? -1 : 0; }

static inline int _waccess(const winipc_wchar *path, int mode)
{
    WINIPC_WPATH_CALL_(_access(u_, mode), path)
}
static inline int _wunlink(const winipc_wchar *path) { WINIPC_WPATH_CALL_(unlink(u_), path) }

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_IO_H */
