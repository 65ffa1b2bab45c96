/*
 * source_set: the latest snapshot of every source of a layout, indexed as
 * the layout's sources are.  File sources are read here; HTTP sources are
 * fetched by the feed engine (issue #3) and until then have no data and
 * say so.  Render thread only.
 */
#ifndef OPSWALL_SOURCE_SET_H
#define OPSWALL_SOURCE_SET_H

#include <stdint.h>

#include "feeds/snapshot.h"
#include "layout/layout.h"

struct source_set;

/* The error of a live source's placeholder before its first answer. */
#define SOURCE_NOT_FETCHED "not fetched yet"

struct source_set *source_set_create(const struct layout *layout);
void source_set_destroy(struct source_set *set);
/* (Re)reads every file source, stamping the data with now_ms. */
void source_set_load_files(struct source_set *set, int64_t now_ms);
/* Replaces one source's snapshot (takes the reference). */
void source_set_publish(struct source_set *set, size_t index,
                        struct snapshot *snap);
/* A second set holding the same snapshots (frozen data). */
struct source_set *source_set_copy(const struct source_set *set);
/* After a reload: takes from `old` the snapshot of every source whose
 * definition did not change (same name, URL and settings), so the wall
 * keeps showing its data while the new feed engine fetches again. */
void source_set_carry(struct source_set *set, const struct source_set *old);
struct snapshot *const *source_set_snapshots(const struct source_set *set);
size_t source_set_count(const struct source_set *set);

#endif
