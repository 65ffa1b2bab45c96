/*
 * timeline: what happened on the wall over a span of its briefing record,
 * one line each, in the wall's language (`opswall replay DIR --timeline`,
 * and the console's "Xem lại").  Scenes shown, focus, freezes and
 * releases, notices, highlights, layouts taken and reloads refused (with
 * their error), figures revised, sources failing, going stale and coming
 * back, streams lost and back, and the times nothing was recorded.
 */
#ifndef OPSWALL_TIMELINE_H
#define OPSWALL_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record/replay.h"

struct timeline_line {
    int64_t t_ms;
    const char *kind; /* "scene", "focus", "freeze", "release", "notice",
                         "highlight", "layout", "reload", "source",
                         "stream", "gap", "command", "revision" */
    const char *text; /* in the layout's language */
};

/* Calls fn for every line from from_ms to to_ms (the record's span where
 * INT64_MIN / INT64_MAX), in order.  false with msg when the span holds
 * nothing readable. */
bool timeline_walk(struct replay *r, int64_t from_ms, int64_t to_ms,
                   void (*fn)(const struct timeline_line *l, void *arg),
                   void *arg, char *msg, size_t msglen);

#endif
