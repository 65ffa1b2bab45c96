/*
 * snapshot: one source's data as received, immutable once created and
 * reference counted, so the feed thread can publish it while the render
 * thread still paints from the previous one.  ref/unref from any thread;
 * everything else reads only.
 */
#ifndef OPSWALL_SNAPSHOT_H
#define OPSWALL_SNAPSHOT_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "layout/layout.h"

enum source_state {
    SOURCE_STATE_NO_DATA, /* nothing ever arrived */
    SOURCE_STATE_OK,
    SOURCE_STATE_LATE,    /* a poll is overdue */
    SOURCE_STATE_STALE,   /* data older than stale_after */
    SOURCE_STATE_ERROR,   /* the last attempt failed */
};

/* Parsed JSON shared by the snapshots that carry the same payload (an
 * HTTP 304 re-confirms data without parsing it again). */
struct snapshot_data {
    int refs; /* atomic */
    cJSON *root;
};

struct snapshot {
    int refs;             /* atomic; use ref/unref */
    uint64_t generation;  /* increases with every publication of a source */
    const cJSON *root;    /* NULL when no data ever arrived */
    struct snapshot_data *data; /* owns root; NULL when none */
    int64_t fetched_ms;   /* when the data was received */
    int64_t as_of_ms;     /* the data's own time, else fetched_ms */
    int64_t attempt_ms;   /* when the last attempt ended */
    char *error;          /* why the last attempt failed, or NULL */
};

/* Takes ownership of root (may be NULL) and copies error. */
struct snapshot *snapshot_create(cJSON *root, uint64_t generation,
                                 int64_t fetched_ms, int64_t as_of_ms,
                                 int64_t attempt_ms, const char *error);
/* A new snapshot sharing prev's data (prev may be NULL: no data), with new
 * times and error; for re-confirmed data and for failures that keep the
 * last good value. */
struct snapshot *snapshot_derive(const struct snapshot *prev,
                                 uint64_t generation, int64_t fetched_ms,
                                 int64_t as_of_ms, int64_t attempt_ms,
                                 const char *error);
struct snapshot *snapshot_ref(struct snapshot *s);
void snapshot_unref(struct snapshot *s);

/* The state of a source whose latest snapshot is s (NULL: never tried). */
enum source_state snapshot_state(const struct snapshot *s,
                                 const struct layout_source *src,
                                 int64_t now_ms);
const char *snapshot_state_name(enum source_state st);

/* RFC 6901: the value at pointer in root, or NULL. "" is root itself. */
const cJSON *jsonptr_get(const cJSON *root, const char *pointer);

/*
 * A pointer whose segments may be "*": each "*" fans out over every element
 * of an array (in order) or member of an object, turning arrays into series
 * and rows: "/provinces/ * /iip" (without the spaces) gives the iip of every
 * province.  Writes up to max matches into out, in document order; a path
 * that does not resolve for one element simply yields no match for it
 * (callers that need positions use "/provinces/ *" and read each row).
 * Returns the number of matches (capped at max).
 */
size_t jsonptr_select(const cJSON *root, const char *pattern,
                      const cJSON **out, size_t max);
/* True if the pointer has a "*" segment. */
bool jsonptr_has_wildcard(const char *pointer);

#endif
