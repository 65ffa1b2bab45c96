/*
 * xalloc: aborting allocators.  Out of memory for a small object means the
 * process cannot do anything useful; the supervisor restarts it.
 */
#define LOG_MODULE "xalloc"
#include "base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

static void *
check(void *p, size_t size)
{
    if (p == NULL && size != 0) {
        LOG_ERR("out of memory allocating %zu bytes", size);
        abort();
    }
    return p;
}

void *
xmalloc(size_t size)
{
    return check(malloc(size ? size : 1), size);
}

void *
xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1), n * size);
}

void *
xrealloc(void *ptr, size_t size)
{
    return check(realloc(ptr, size ? size : 1), size);
}

void *
xreallocarray(void *ptr, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        LOG_ERR("allocation overflow (%zu x %zu)", n, size);
        abort();
    }
    return xrealloc(ptr, n * size);
}

char *
xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        return xstrdup("");
    }
    char *s = xmalloc((size_t)n + 1);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

char *
xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    return s;
}
