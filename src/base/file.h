/*
 * file: reads a whole small file into memory, with a size cap (outside
 * input is always capped).  Any thread.
 */
#ifndef OPSWALL_FILE_H
#define OPSWALL_FILE_H

#include <stddef.h>

/* Returns the file's bytes plus a terminating NUL, and its length in *len
 * (may be NULL), or NULL if it cannot be opened or read or is larger than
 * max bytes (errno tells which; EFBIG for too large).  Caller frees. */
char *file_read_all(const char *path, size_t max, size_t *len);

#endif
