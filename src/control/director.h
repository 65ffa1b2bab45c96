/*
 * director: which scene the wall shows and the operator's briefing aids,
 * as plain state (no GL, no I/O) so every rule is unit-tested.
 *
 * Scenes change by the rotation playlist (each scene for its dwell time),
 * by the schedule (a time of day on the wall's clock), and by the
 * operator (keys, control API).  An operator's pick or a scheduled scene
 * holds: the rotation pauses until it is resumed.  Focus belongs to a
 * scene and goes when the scene changes.  Main thread only.
 */
#ifndef OPSWALL_DIRECTOR_H
#define OPSWALL_DIRECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/layout.h"
#include "widgets/widget.h"

struct director;

#define DIRECTOR_TEXT_MAX 280 /* bytes of a notice or a highlight name */

/* scene: the first scene (a --scene choice holds it; otherwise the
 * rotation runs from its first step when the layout has one). */
struct director *director_create(const struct layout *l, size_t scene,
                                  bool held, int64_t now_ms);
void director_destroy(struct director *d);
/* After a reload: the same scene by id (else the new start scene), the
 * rotation restarted if the layout has one and nothing holds, the focus
 * kept when its widget still exists; the aids stay. */
void director_relayout(struct director *d, const struct layout *l,
                       int64_t now_ms);

/* Advances the rotation and the schedule to now; true when the scene
 * changed. */
bool director_tick(struct director *d, int64_t now_ms);
/* When director_tick may next change something (dwell end, a scheduled
 * time, a notice's end); INT64_MAX if never. */
int64_t director_next_due(const struct director *d, int64_t now_ms);

size_t director_scene(const struct director *d);
bool director_rotating(const struct director *d);
/* The operator's pick: holds it (the rotation pauses). */
void director_pick(struct director *d, size_t scene, int64_t now_ms);
/* Next/previous scene (delta +1/-1, wrapping), held. */
void director_step(struct director *d, int delta, int64_t now_ms);
/* Back to the playlist from its first step; false without one. */
bool director_resume(struct director *d, int64_t now_ms);

/* Focus on a widget of the current scene; false when it has none of that
 * id.  NULL releases. */
bool director_set_focus(struct director *d, const char *widget);
const char *director_focus(const struct director *d);
/* A province on every map; NULL clears. */
void director_set_highlight(struct director *d, const char *name);
/* Freezes the data shown at now (0 releases). */
void director_set_frozen(struct director *d, int64_t at_ms);
/* A notice for seconds (0: until cleared); NULL clears. */
void director_set_notice(struct director *d, const char *text,
                         int64_t until_ms);
/* The technicians' banner (a failed reload's first error); NULL clears. */
void director_set_banner(struct director *d, const char *text);

/* What the frame shows of it (valid until the next change). */
const struct frame_aids *director_aids(const struct director *d);

#endif
