/*
 * direct.h - the Microsoft C runtime's directory functions, over POSIX.
 *
 * Part of the winipc C ABI (see docs/c-abi.md). Paths are UTF-8 (char) or
 * UTF-16 (the _w forms, converted); `\` is not translated (use `/` or the
 * Win32 file functions, which map Windows paths).
 */
#ifndef WINIPC_DIRECT_H
#define WINIPC_DIRECT_H

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "winipc_utf16.h"

#ifdef __cplusplus
extern "C" {
#endif

/* _getcwd(NULL, 0) allocates (free it), as the CRT does. */
static inline char *_getcwd(char *buf, int size)
{
    if (buf == WINIPC_NULLPTR)
        return getcwd(WINIPC_NULLPTR, size > 0 ? (size_t)size : 0);
    return (size > 0) ? getcwd(buf, (size_t)size) : (errno = EINVAL, (char *)WINIPC_NULLPTR);
}
static inline int _chdir(const char *dir) { return chdir(dir); }
static inline int _mkdir(const char *dir) { return mkdir(dir, 0777); }
static inline int _rmdir(const char *dir) { return rmdir(dir); }

static inline winipc_wchar *_wgetcwd(winipc_wchar *buf, int size)
{
    char *u = getcwd(WINIPC_NULLPTR, 0);
    winipc_wchar *w;
    size_t n = 0;
    if (u == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    w = winipc_utf8_to_utf16(u);
    free(u);
    if (w == WINIPC_NULLPTR)
        return WINIPC_NULLPTR;
    while (w[n] != 0)
        n++;
    if (buf == WINIPC_NULLPTR) {
        if (size > 0 && n + 1 > (size_t)size) {
            free(w);
            errno = ERANGE;
            return WINIPC_NULLPTR;
        }
        return w;
    }
    if (size <= 0 || n + 1 > (size_t)size) {
        free(w);
        errno = ERANGE;
        return WINIPC_NULLPTR;
    }
    memcpy(buf, w, (n + 1) * sizeof(winipc_wchar));
    free(w);
    return buf;
}

#define WINIPC_WPATH_CALL_(call, path)                                                        \
    char *u_ = winipc_utf16_to_utf8(path);                                                    \
    int r_ = (u_ != WINIPC_NULLPTR) ? call : (errno = EINVAL, -1);                            \
    free(u_);                                                                                 \
    return r_;
static inline int _wchdir(const winipc_wchar *dir) { WINIPC_WPATH_CALL_(chdir(u_), dir) }
static inline int _wmkdir(const winipc_wchar *dir) { WINIPC_WPATH_CALL_(mkdir(u_, 0777), dir) }
static inline int _wrmdir(const winipc_wchar *dir) { WINIPC_WPATH_CALL_(rmdir(u_), dir) }

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WINIPC_DIRECT_H */
