/*
 * source_file: reads a `file:` source into a snapshot.  Blocking file I/O:
 * called at start-up and on reload, never per frame.
 */
#ifndef OPSWALL_SOURCE_FILE_H
#define OPSWALL_SOURCE_FILE_H

#include <stdint.h>

#include "feeds/snapshot.h"
#include "layout/layout.h"

/* Cap on a payload: a bigger one is an error, not a truncation. */
#define SOURCE_MAX_BODY (8u << 20)

/* Always returns a snapshot: with data, or with the error that stopped it.
 * now_ms stamps the fetch (a fixed --at makes renders deterministic). */
struct snapshot *source_file_load(const struct layout *layout,
                                  const struct layout_source *src,
                                  uint64_t generation, int64_t now_ms);

/* Parses a payload into a snapshot (shared with HTTP sources). */
struct snapshot *source_parse_payload(const struct layout_source *src,
                                      const char *body, size_t len,
                                      uint64_t generation, int64_t now_ms,
                                      int utc_offset_min);

/* The same from an already parsed tree (taken): the format's adapter,
 * then the as_of timestamp. */
struct snapshot *source_adapt_tree(const struct layout_source *src,
                                   cJSON *root, uint64_t generation,
                                   int64_t now_ms, int utc_offset_min);

#endif
