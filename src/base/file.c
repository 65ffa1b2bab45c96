/*
 * file: whole-file reads.  One fread loop with a cap, shared by the shader
 * loader, the layout loader and the tools, so every reader of outside
 * files has the same limits.
 */
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/xalloc.h"

char *
file_read_all(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            fclose(f);
            free(buf);
            errno = EFBIG;
            return NULL;
        }
        if (got == 0) {
            break;
        }
    }
    int failed = ferror(f);
    int saved = errno; /* fread's reason (EISDIR, EIO...); fclose may clobber */
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved ? saved : EIO;
        return NULL;
    }
    buf[n] = '\0';
    if (len) {
        *len = n;
    }
    return buf;
}
