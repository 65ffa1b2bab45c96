/*
 * epoch: what the master sends every render rank each frame, as bytes.
 *
 * One epoch carries the frame number, the wall time, the scene and focus,
 * the briefing aids, optionally a new layout (its file's text, applied by
 * every rank at this epoch), a quit flag, and only the data snapshots
 * that changed since the previous epoch: a re-confirmation of the same
 * data (HTTP 304) is sent as "same data, new times", not as JSON again.
 *
 * Format (little-endian): "OWE1", u64 frame, i64 now, u32 scene, str
 * focus, str highlight, i64 frozen_at, str notice, i64 notice_until, str
 * banner, u8 flags (1 quit, 2 layout), [str path, str text], u32
 * streams, per stream str url and i64 the master's picture time, u32 count,
 * then per snapshot u32 index, u64 generation, i64 fetched, i64 as_of,
 * i64 attempt, u8 kind (0 no data, 1 same data, 2 JSON), str error, [str
 * json].  A str is u32 length + bytes.  epoch_read checks every length
 * against what is left and refuses anything else with a reason (fuzzed).
 */
#ifndef OPSWALL_EPOCH_H
#define OPSWALL_EPOCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "feeds/source_set.h"
#include "widgets/widget.h"

#define EPOCH_MAX_BYTES (64u << 20)

struct epoch_snap {
    uint32_t index;
    uint64_t generation;
    int64_t fetched_ms, as_of_ms, attempt_ms;
    int kind;     /* 0 no data, 1 same data as before, 2 root */
    cJSON *root;  /* kind 2 */
    char *error;  /* NULL: none */
};

struct epoch {
    uint64_t frame;
    int64_t now_ms;
    uint32_t scene;
    char *focus;              /* NULL: none */
    struct frame_aids aids;   /* strings owned by the epoch */
    bool quit;
    char *layout_path, *layout_text; /* a new layout, or NULL */
    size_t layout_len;
    /* The picture time of each stream the master shows. */
    char **stream_url;
    int64_t *stream_pts;
    size_t nstreams;
    struct epoch_snap *snaps;
    size_t nsnaps;
};

/* The master's memory of what it sent (snapshot references). */
struct epoch_writer;
struct epoch_writer *epoch_writer_create(void);
void epoch_writer_destroy(struct epoch_writer *w);
/* After a new layout: every source is sent in full again. */
void epoch_writer_reset(struct epoch_writer *w);

/* Serialises e (its snaps are ignored: the changed ones among snaps[] are
 * written).  Caller frees; *len set. */
char *epoch_write(struct epoch_writer *w, const struct epoch *e,
                  struct snapshot *const *snaps, size_t nsnaps,
                  size_t *len);

/* Whether snapshot s of index i is what the last epoch_write sent there
 * (so the next one would not carry it). */
bool epoch_writer_has(const struct epoch_writer *w, size_t i,
                      const struct snapshot *s);

/* How many snapshots the last epoch_write carried. */
size_t epoch_writer_last_count(const struct epoch_writer *w);

/* Parses; false with the reason in err.  out is always safe to free. */
bool epoch_read(const char *buf, size_t len, struct epoch *out, char *err,
                size_t errlen);
void epoch_free(struct epoch *e);

/* Publishes the epoch's snapshots into set (indices checked against it);
 * false (err) if an index is out of range or "same data" has no earlier
 * data. */
bool epoch_apply(struct epoch *e, struct source_set *set, char *err,
                 size_t errlen);

#endif
