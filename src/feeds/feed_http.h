/*
 * feed_http: the feed engine.  One worker thread runs libcurl's multi
 * interface for every http(s) source of a layout (not a thread per source):
 * polls on each source's `every` with jitter, conditional requests
 * (ETag / Last-Modified, so an unchanged feed costs no parse), timeouts,
 * a body cap, limited redirects, TLS verification, proxies from the
 * environment, exponential backoff with jitter after failures.
 *
 * Parsing happens on the worker; the render thread receives immutable
 * snapshots through a per-source mailbox where the latest wins.  The worker
 * calls `wake` after publishing (the caller posts an SDL event: it must not
 * block); the render thread then calls feed_engine_collect(), which takes
 * only a leaf lock.  A failure keeps the last good data in the snapshot,
 * with the error, so the wall shows the old value marked, never a blank.
 */
#ifndef OPSWALL_FEED_HTTP_H
#define OPSWALL_FEED_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "feeds/source_set.h"
#include "layout/layout.h"

typedef void (*feed_wake_fn)(void *ctx);

struct feed_engine;

/*
 * Starts the worker for the layout's http(s) sources (file sources are not
 * its business).  clock_offset_ms is added to the real clock when stamping
 * data, so a wall started with --at sees consistent ages.  The layout must
 * outlive the engine.  NULL, reason logged, if libcurl cannot start.
 */
struct feed_engine *feed_engine_create(const struct layout *layout,
                                       int64_t clock_offset_ms,
                                       feed_wake_fn wake, void *ctx);
/* Wakes, joins and frees the worker; transfers in flight are abandoned. */
void feed_engine_destroy(struct feed_engine *engine);

/* Render thread: moves every snapshot published since the last call into
 * set; returns how many. */
size_t feed_engine_collect(struct feed_engine *engine, struct source_set *set);

/* Blocks until every source has finished its first attempt or timeout_ms
 * passed (used by `render` and by tests); returns true if all finished. */
bool feed_engine_wait_first(struct feed_engine *engine, int64_t timeout_ms);

struct feed_stats {
    unsigned long requests;     /* transfers finished */
    unsigned long not_modified; /* 304 answers: no parse */
    unsigned long unchanged;    /* 200 with the last payload's bytes: no
                                   parse either */
    unsigned long parsed;       /* payloads parsed */
    unsigned long failures;
};
struct feed_stats feed_engine_stats(struct feed_engine *engine);

#endif
