/*
 * recorder: the briefing record's writing side (issue 17).  Each frame the
 * wall hands it that frame's inputs; it writes, through the journal, what
 * changed since the last record: an epoch (cluster/epoch.h: scene, focus,
 * briefing aids, only the snapshots that changed, re-confirmations as
 * "same data", sources' states and errors) whenever something changed
 * and at least once a second (the wall clock), the whole state (a key,
 * with the layout) when the journal wants one or the layout changed, the
 * streams' states (after each key and when one changes: live, lost since
 * when), the revisions the wall marks (after each key and when one is
 * found), and the operators' audit lines.
 *
 * Secrets are not written: the layout is recorded with every request
 * header's value and every URL's user information replaced.  Video
 * pictures are not recorded.  Main thread only (the journal's writer
 * thread does the disk).
 */
#ifndef OPSWALL_RECORDER_H
#define OPSWALL_RECORDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feeds/snapshot.h"
#include "record/journal.h"
#include "widgets/revisions.h"
#include "widgets/widget.h"

/* The recorder's record types (journal types from JOURNAL_TYPE_USER). */
enum recorder_type {
    RECORDER_EPOCH = JOURNAL_TYPE_USER, /* an epoch; a key carries all */
    RECORDER_AUDIT,                     /* an audit line (JSON), as logged */
    RECORDER_STREAMS,                   /* the streams' states (JSON) */
    RECORDER_REVISIONS,                 /* the revisions marked (JSON) */
};

/* What one frame showed. */
struct recorder_frame {
    int64_t now_ms;
    uint32_t scene;
    const char *focus;              /* NULL: none */
    const struct frame_aids *aids;  /* NULL: none */
    struct snapshot *const *snaps;  /* the data shown (live or frozen) */
    size_t nsnaps;
    const struct widget_stream *streams; /* the streams the frame plays */
    size_t nstreams;
    const struct revision_book *revisions; /* the app's book, or NULL */
    uint64_t layout_gen;            /* changes whenever a layout is taken */
    const char *layout_path;        /* with a new layout_gen: its file */
    const char *layout_text;        /* ... and its text (NULL: unchanged) */
    size_t layout_len;
};

struct recorder;

/* Opens dir (journal_create's checks); NULL with the reason in msg. */
struct recorder *recorder_create(const char *dir,
                                 const struct journal_opts *o, char *msg,
                                 size_t msglen);
void recorder_destroy(struct recorder *r);
/* journal_set_retention on its journal. */
void recorder_set_retention(struct recorder *r, int64_t keep_ms,
                            int64_t max_bytes);

void recorder_frame(struct recorder *r, const struct recorder_frame *f);

/* An operator command's audit line (a JSON object), at now_ms. */
void recorder_audit(struct recorder *r, int64_t now_ms, const char *line);

/* A URL as recorded: user information replaced by "(not recorded)".
 * Caller frees. */
char *recorder_redact_url(const char *url);

/* The layout text as recorded: JSON without comments, every header value
 * and URL user information replaced by "(not recorded)".  NULL when the
 * text does not parse.  Caller frees. */
char *recorder_redact_layout(const char *text, size_t len);

void recorder_stats(const struct recorder *r, struct journal_stats *out,
                    uint64_t *epochs, uint64_t *keys);

#endif
