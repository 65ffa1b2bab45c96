/*
 * replay: the briefing record's reading side (issue 17).  Rebuilds, from
 * a journal folder, the inputs of the frame that was on the wall at a
 * moment: the layout as recorded, every source's data as shown (live or
 * frozen), the scene, the focus, the briefing aids and the streams'
 * states.  A frame is a function of those (render/wall.h), so drawing
 * them again gives the frame the wall showed, but for video pictures,
 * which are not recorded.
 *
 * A lookup reads one segment: from the key that begins the segment
 * holding the moment up to the moment (journal_reader_seek).  Moving on
 * in time (a video of a span, the timeline) reads on from where it is.
 * Main thread only; no GL (the caller draws).
 */
#ifndef OPSWALL_REPLAY_H
#define OPSWALL_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "feeds/snapshot.h"
#include "layout/layout.h"
#include "widgets/revisions.h"
#include "widgets/widget.h"

struct replay;

/* Opens a record folder (no lock: the wall may be recording into it).
 * NULL with a sentence in msg. */
struct replay *replay_open(const char *dir, char *msg, size_t msglen);
/* The same over one segment's bytes in memory (copied): the fuzzer. */
struct replay *replay_open_buffer(const void *buf, size_t len);
void replay_destroy(struct replay *r);

/* The first and last recorded times; false when nothing valid is
 * recorded. */
bool replay_span(struct replay *r, int64_t *first_ms, int64_t *last_ms);

/* The state as of t_ms.  Reads from the segment holding t_ms when t_ms is
 * before the current position or too far ahead, else on from where it is.
 * false, with a sentence in msg naming what the record does hold, when
 * t_ms is outside the recorded span, in a gap (the wall was off, not
 * recording, or the disk fell behind), or the record cannot be read. */
bool replay_at(struct replay *r, int64_t t_ms, char *msg, size_t msglen);

/* The state, valid until the next replay_at. */
const struct layout *replay_layout(const struct replay *r);
/* Changes whenever replay_at took a different layout. */
uint64_t replay_layout_gen(const struct replay *r);
/* The frame state at t_ms (the time of the last replay_at): data, scene,
 * aids and the streams' recorded states. */
struct frame_state replay_frame_state(const struct replay *r);
const char *replay_focus(const struct replay *r); /* NULL: none */
/* The revisions the wall had marked, for the walls that draw the state
 * (wall_set_revisions before their first update). */
struct revision_book *replay_revisions(const struct replay *r);

/* Everything the timeline tells, as replay_at passes it. */
enum replay_event_kind {
    REPLAY_EV_FRAME,    /* an epoch or the streams' states were applied:
                           replay_frame_state() is the state at t_ms */
    REPLAY_EV_LAYOUT,   /* a new layout was taken (a reload, or a start) */
    REPLAY_EV_AUDIT,    /* an operator command: text is its audit line */
    REPLAY_EV_GAP,      /* nothing recorded for a while (text: why) */
    REPLAY_EV_REVISION, /* a revision the wall marked (rev) */
};
struct replay_event {
    enum replay_event_kind kind;
    int64_t t_ms;
    const char *text;
    const struct revision *rev;
};
/* Called from replay_at for each such record passed (including those
 * between the key it starts from and t_ms).  NULL: none. */
void replay_set_observer(struct replay *r,
                         void (*fn)(const struct replay_event *ev, void *arg),
                         void *arg);

/* Bytes skipped as damaged so far. */
void replay_damage(const struct replay *r, uint64_t *bytes, uint64_t *places);

#endif
