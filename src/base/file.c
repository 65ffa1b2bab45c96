/*
 * file: whole-file reads.  One fread loop with a cap, shared by the shader
 * loader, the layout loader and the tools, so every reader of outside
 * files has the same limits.
 */
#include "base/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

bool
file_parse_size(const char *s, int64_t *out_bytes)
{
    static const struct {
        const char *name;
        int64_t bytes;
    } units[] = {
        {"B", 1},
        {"kB", 1000},
        {"KiB", 1ll << 10},
        {"MB", 1000000},
        {"MiB", 1ll << 20},
        {"GB", 1000000000},
        {"GiB", 1ll << 30},
        {"TB", 1000000000000},
        {"TiB", 1ll << 40},
    };
    const int64_t limit = 1ll << 50;
    const char *p = s;
    if (*p < '0' || *p > '9') {
        return false;
    }
    int64_t v = 0;
    while (*p >= '0' && *p <= '9') {
        v = v * 10 + (*p - '0');
        if (v > limit) {
            return false;
        }
        p++;
    }
    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        if (strcmp(p, units[i].name) == 0) {
            if (v > limit / units[i].bytes) {
                return false;
            }
            *out_bytes = v * units[i].bytes;
            return true;
        }
    }
    return false;
}
