/*
 * xalloc: allocation of small objects that aborts on failure (STYLE.md §3).
 * Large buffers (surfaces, bodies, frames) use plain malloc and are checked.
 * Safe from any thread.
 */
#ifndef OPSWALL_XALLOC_H
#define OPSWALL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array of n elements of `size` bytes to at least `want`. */
void *xreallocarray(void *ptr, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a newly allocated formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));

#endif
