/*
 * wall: renders a layout's current scene into a persistent framebuffer.
 *
 * What a frame shows is a function of the layout and the frame state only
 * (time, scene, snapshots).  Each widget has a Cairo surface and a texture;
 * wall_update() asks every widget for its stamp and repaints and uploads
 * only those whose stamp changed, then recomposites only the damaged
 * rectangles (scissored) into the framebuffer.  When nothing changed it
 * touches no GL state at all and returns false, so the caller skips the
 * swap.  Any rectangle of the canvas can be the wall's region: only the
 * widgets that intersect it exist, which is how one wall is split across
 * outputs and machines.  Render thread only, with a current GL context.
 */
#ifndef OPSWALL_WALL_H
#define OPSWALL_WALL_H

#include <stdbool.h>
#include <stdint.h>

#include <GLES3/gl3.h>
#include <cairo.h>

#include "layout/layout.h"
#include "text/text.h"
#include "widgets/widget.h"

struct wall;

struct wall_stats {
    unsigned long updates;    /* wall_update calls */
    unsigned long composites; /* updates that drew anything */
    unsigned long paints;     /* widget repaints (Cairo) */
    unsigned long uploads;    /* texture uploads */
    unsigned long draws;      /* quads drawn */
    unsigned long stamps;     /* stamp evaluations */
    unsigned long video_tiles; /* video tiles redrawn (new picture/place) */
    unsigned long transitions; /* crossfades begun */
    unsigned long retired;     /* sets of widgets destroyed (scene or
                                  focus changes, cut or crossfaded) */
};

/* data_dir: where shaders/ and assets/ are (outlives the wall).
 * region: canvas pixels at scale 1; {0,0,0,0} means the whole canvas.
 * NULL, reason logged, when shaders are missing or the size is too big. */
struct wall *wall_create(const struct layout *layout, struct text_cache *tc,
                         const char *data_dir, double scale,
                         struct rect region);
void wall_destroy(struct wall *wall);

/* How widgets wake the render loop from other threads (new video
 * pictures); takes effect at the next update. */
void wall_set_wake(struct wall *wall, void (*wake)(void *arg), void *arg);
/* Map boundaries shared with other walls (the app's, so a reloaded
 * layout does not parse its maps again); before the first update.  By
 * default the wall keeps its own. */
struct geo_cache;
void wall_set_maps(struct wall *wall, struct geo_cache *maps);
/* What the wall has shown of each figure (widgets/revisions), shared the
 * same way so a reload does not forget it; before the first update. */
struct revision_book;
void wall_set_revisions(struct wall *wall, struct revision_book *book);
/* One frame will be rendered (opswall render, tests): videos decode their
 * first picture and wait for it.  Takes effect at the next update. */
void wall_set_still(struct wall *wall, bool still);
/* A frame from the briefing record (opswall replay): a still whose
 * videos open nothing and draw the streams' recorded states (the frame
 * state's `recorded`) over a neutral still.  Before the first update. */
void wall_set_replay(struct wall *wall);
/* A cluster rank: videos keep recent pictures and show the one the
 * frame state's video clock names.  Takes effect at the next update. */
void wall_set_follow(struct wall *wall, bool follow);
/* Selects the scene; takes effect (full repaint) at the next update, with
 * the transition set.  Clears the focus. */
void wall_set_scene(struct wall *wall, size_t scene);
size_t wall_scene(const struct wall *wall);
/* Shows one widget of the current scene (by id) over the whole grid, or
 * the whole scene again (NULL).  false, nothing changed, when the scene
 * has no such widget. */
bool wall_set_focus(struct wall *wall, const char *id);
const char *wall_focus(const struct wall *wall); /* NULL: none */
/* Scene and focus changes crossfade over ms (0: a cut).  The crossfade is
 * a shader (shaders/crossfade.frag) between the last frame shown and the
 * new one, made with the first update that is not a still; while it runs
 * every update draws and wall_next_deadline is now. */
void wall_set_transition(struct wall *wall, int ms);
/* Staging (on by default) spreads a change's painting over frames, so
 * when it completes depends on this machine's speed.  Cluster ranks turn
 * it off: a change then happens at the update that sees it, on every
 * rank at the same epoch, and the crossfade runs on the epoch's clock. */
void wall_set_staging(struct wall *wall, bool on);
/* For a wall made to replace another (a reload): makes and paints part of
 * its widgets within a frame's budget, drawing nothing; true when all are
 * painted.  Until then the caller keeps showing the old wall. */
bool wall_prepare(struct wall *wall, const struct frame_state *fs);
/* The prepared wall starts from the old wall's last frame and crossfades
 * to its own (its transition; a cut when 0 or the sizes differ).  The old
 * wall may be destroyed afterwards. */
void wall_take_over(struct wall *wall, struct wall *old, int64_t now_ms);
/* Brings the framebuffer up to date; true if any pixel may have changed. */
bool wall_update(struct wall *wall, const struct frame_state *fs);
/* The frame state's time at the last update: what the framebuffer shows
 * is that moment's frame (GET /api/frame.png says it).  0 before any. */
int64_t wall_frame_ms(const struct wall *wall);
/* Whether the framebuffer is all of that moment's frame: no crossfade,
 * no scene being staged, no repaint left for the next frame. */
bool wall_frame_complete(const struct wall *wall);
/* What the last update that returned true changed, in framebuffer
 * pixels (top-left origin): the number of rectangles written to out, or
 * -1 when it changed everything (or more than max rectangles).  The
 * present uses it to copy only those pixels to the screen. */
#define WALL_MAX_CHANGED 64
int wall_changed(const struct wall *wall, struct rect *out, int max);
/* Next time (ms) at which a frame is due without new data; INT64_MAX if
 * none.  Animated widgets make it fs->now_ms. */
int64_t wall_next_deadline(struct wall *wall, const struct frame_state *fs);
/* Forces a full repaint at the next update (e.g. after a GL reset). */
void wall_invalidate(struct wall *wall);

GLuint wall_framebuffer(const struct wall *wall);
int wall_width(const struct wall *wall);
int wall_height(const struct wall *wall);
/* The region in canvas pixels at scale 1. */
struct rect wall_region(const struct wall *wall);

/* Reads the framebuffer back; mullion strips are painted black as on the
 * real wall.  NULL on failure.  Caller destroys. */
cairo_surface_t *wall_read(struct wall *wall);

struct wall_stats wall_get_stats(const struct wall *wall);

/* Per widget of the current scene, since it was made (metrics). */
struct wall_widget_stats {
    const char *id, *type;
    unsigned long paints;
    double paint_s, upload_s; /* Cairo painting; texture uploads */
};
size_t wall_widget_count(const struct wall *wall);
struct wall_widget_stats wall_widget_stat(const struct wall *wall, size_t i);
/* The streams the current scene plays; calls fn for each. */
void wall_each_stream(const struct wall *wall,
                      void (*fn)(const struct widget_stream *st, void *arg),
                      void *arg);

#endif
