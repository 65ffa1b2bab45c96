/*
 * file: reads a whole small file into memory, with a size cap (outside
 * input is always capped).  Any thread.
 */
#ifndef OPSWALL_FILE_H
#define OPSWALL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns the file's bytes plus a terminating NUL, and its length in *len
 * (may be NULL), or NULL if it cannot be opened or read or is larger than
 * max bytes (errno tells which; EFBIG for too large).  Caller frees. */
char *file_read_all(const char *path, size_t max, size_t *len);

/* A size as layouts write it: digits and a unit, "500MB" (10^6), "2GiB"
 * (2^30); B, kB, KiB, MB, MiB, GB, GiB, TB, TiB.  false unless the whole
 * string is one, at most 1 PiB. */
bool file_parse_size(const char *s, int64_t *out_bytes);

#endif
