/*
 * widget: the interface every widget type implements, and the registry.
 *
 * A widget paints its picture with Cairo into a surface of its own size;
 * the wall decides when: only when the widget's stamp (a digest of every
 * input its picture depends on: data generations, the displayed time, the
 * freshness bucket) differs from the one it last painted.  A widget may
 * also have an auxiliary texture that the GPU moves every frame (the
 * ticker's text) described by quads, so motion costs no repaint.
 * Render thread only.
 */
#ifndef OPSWALL_WIDGET_H
#define OPSWALL_WIDGET_H

#include <stdbool.h>
#include <stdint.h>

#include <cairo.h>

#include "feeds/obs_status.h"
#include "feeds/snapshot.h"
#include "layout/layout.h"
#include "text/text.h"

/* The operator's briefing aids that change what widgets show (control
 * API, keys).  Strings are owned by whoever builds the frame state. */
struct frame_aids {
    const char *highlight;   /* a province on every map (name or code) */
    int64_t frozen_at_ms;    /* data frozen at this time; 0: live data */
    const char *notice;      /* a notice over the wall; NULL: none */
    int64_t notice_until_ms; /* the notice goes at this time */
    const char *banner;      /* for technicians (a failed reload); NULL */
};

/* The picture of each stream the cluster's master shows (its time in the
 * stream's own timeline), for the ranks to show the same one. */
struct video_clock {
    size_t n;
    const char *const *url;
    const int64_t *pts_us;
};

/* Each stream's state as the briefing record kept it (opswall replay,
 * record/replay.h): the video tiles draw these instead of decoding. */
struct recorded_stream {
    const char *url;    /* as in the recorded layout */
    const char *label;  /* as the tile named it, or NULL */
    const char *state;  /* "connecting", "live", "lost", "reconnecting" */
    int64_t lost_at_ms; /* wall-clock time the signal was lost; 0 */
};
struct recorded_streams {
    size_t n;
    const struct recorded_stream *s;
};

/* Everything a frame shows besides the layout: the explicit frame state. */
struct frame_state {
    int64_t now_ms;                     /* wall-clock time shown */
    size_t scene;
    struct snapshot *const *snapshots;  /* per layout source; may be NULL */
    size_t nsnapshots;
    const struct frame_aids *aids;      /* NULL: none */
    const struct video_clock *video;    /* NULL: each shows its newest */
    const struct recorded_streams *recorded; /* replay: streams' states */
};

/* The master's picture time for a stream url, or INT64_MIN. */
int64_t frame_video_pts(const struct frame_state *fs, const char *url);
/* A replay's recorded state of a stream url, or NULL. */
const struct recorded_stream *frame_recorded_stream(
    const struct frame_state *fs, const char *url);

/* A digest of a string for stamps (0 for NULL). */
uint64_t widget_stamp_str(uint64_t h, const char *s);

struct geo_cache;

struct widget_env {
    const struct layout *layout;
    struct text_cache *text;
    double scale; /* output pixels per canvas pixel */
    const char *data_dir; /* where assets/ (maps) is; may be NULL */
    bool still;           /* one frame is rendered (opswall render, tests):
                             videos show their first picture */
    bool follow;          /* a cluster rank: videos keep recent pictures
                             and show the one the master's clock chose */
    struct geo_cache *maps; /* boundaries shared by map widgets, or NULL */
    struct revision_book *revisions; /* figures shown (revisions), or NULL */
    bool replay;          /* a frame from the briefing record: videos
                             open nothing and draw their recorded state
                             over a neutral still (implies still) */
    bool cpu_video;       /* drawn by a software rasteriser: decoders also
                             give pictures as BGRA at their shown size,
                             copied into the canvas (no YUV shader pass) */
    /* Called from any thread when something a widget shows changed by
     * itself (a new video picture); wakes the render loop.  NULL: the
     * widgets poll through next_change instead. */
    void (*wake)(void *arg);
    void *wake_arg;
};

/* Part of the aux texture drawn at a place in the widget (widget px). */
struct widget_quad {
    float sx, sy, sw, sh;
    float dx, dy, dw, dh;
};

#define WIDGET_MAX_QUADS 16

/* A decoded picture to draw over the widget, converted to RGB and scaled
 * by the GPU (render/video_layer). */
struct video_image;
struct widget_video_tile {
    const struct video_image *img; /* NULL: nothing to draw */
    uint64_t seq;                  /* changes whenever img does */
    float dx, dy, dw, dh;          /* where, in widget pixels */
    float dim;                     /* 1: as decoded; less: darker (lost) */
};

#define WIDGET_MAX_VIDEO 72

/* A stream's health, for the wall's metrics. */
struct widget_stream {
    const char *url;
    int64_t pts_us;     /* of the picture shown; INT64_MIN: none */
    const char *label;  /* as the tile names it */
    const char *state;  /* "connecting", "live", "lost", "reconnecting" */
    int64_t lost_at_ms; /* wall-clock time the signal was lost; 0 */
    const char *decoder; /* e.g. "h264 (software)"; "" before the first */
    uint64_t decoded, skipped, shown; /* pictures, since it started:
                                         decoded, replaced before being
                                         taken, taken to be drawn */
};

struct widget_class {
    const char *type;
    /* lw and env outlive the widget. NULL (reason logged) on failure. */
    void *(*create)(const struct layout_widget *lw,
                    const struct widget_env *env);
    void (*destroy)(void *self);
    uint64_t (*stamp)(void *self, const struct frame_state *fs);
    /* Paints w x h output pixels; the surface is cleared first. */
    void (*paint)(void *self, cairo_t *cr, int w, int h,
                  const struct frame_state *fs);
    /* Optional: time (ms) at which the stamp may next change by itself.
     * NULL when only new data changes it. */
    int64_t (*next_change)(void *self, const struct frame_state *fs);
    /* Optional: the aux texture, its size and its per-frame quads. */
    bool (*aux_size)(void *self, int *w, int *h);
    void (*aux_paint)(void *self, cairo_t *cr);
    int (*aux_quads)(void *self, const struct frame_state *fs,
                     struct widget_quad *out);
    /* Optional: video pictures drawn over the widget's surface; the wall
     * uploads a picture only when its seq changes and redraws only the
     * tiles that changed.  At most WIDGET_MAX_VIDEO. */
    int (*video_tiles)(void *self, const struct frame_state *fs,
                       struct widget_video_tile *out);
    /* Optional: the streams it plays (at most WIDGET_MAX_VIDEO), as of
     * its last stamp; strings valid until the next update. */
    int (*streams)(void *self, struct widget_stream *out);
};

const struct widget_class *widget_class_find(const char *type);

/* ---- helpers shared by widget types (widget_draw.c) --------------------- */

/* A bound or literal value, resolved against the frame state. */
struct bound {
    const cJSON *value;               /* NULL: missing */
    const struct snapshot *snap;      /* NULL for literals */
    const struct layout_source *src;  /* NULL for literals */
    enum obs_status status;           /* its publication status */
};

/* Resolves a value spec (literal, or {"source","pointer","status"}).  The
 * status is the binding's "status" pointer, else (sdmx and worldbank
 * sources) the "status" beside a pointer ending in /value, read through
 * the source's status_map; a missing-value status leaves value NULL. */
struct bound widget_resolve(const struct widget_env *env,
                            const struct frame_state *fs, const cJSON *spec);
/* Mixes the generation of a bound spec's snapshot into a stamp. */
uint64_t widget_stamp_mix(uint64_t h, uint64_t v);
uint64_t widget_stamp_spec(const struct widget_env *env,
                           const struct frame_state *fs, const cJSON *spec,
                           uint64_t h);

/* Where a point's status is for a source when the binding names none:
 * "/status" for the adapted formats that write it, else NULL. */
const char *widget_default_status_ptr(const struct layout_source *src);

/* A string or boolean key of the widget's configuration, or def. */
const char *widget_cfg_str(const struct layout_widget *lw, const char *key,
                           const char *def);
bool widget_cfg_bool(const struct layout_widget *lw, const char *key,
                     bool def);
/* An integer key of the widget's configuration (the schema bounds it), or
 * def. */
int widget_cfg_int(const struct layout_widget *lw, const char *key, int def);

/* The state of a bound value's source; OK for literals. */
enum source_state widget_bound_state(const struct bound *b, int64_t now_ms);
/* Writes a text spec (literal or binding) resolved against the frame into
 * buf; "" when it is missing or not a string. */
void widget_text_of(char *buf, size_t n, const struct widget_env *env,
                    const struct frame_state *fs, const cJSON *spec);

/* Numbers: a JSON number, or a string holding a strict C-locale number. */
bool widget_number(const cJSON *v, double *out);
/* The same for a bound value: strings are read in the source's declared
 * number_locale when it has one. */
bool widget_bound_number(const struct bound *b, double *out);

/* Word-wraps s (NFC) into at most max_lines lines of max_w px, each a new
 * string the caller frees; text left over ends the last line with "…".
 * Returns the number of lines. */
int widget_wrap(struct text_cache *tc, const char *s, enum font_weight wt,
                int px, int max_w, char **lines, int max_lines);

int widget_px(const struct widget_env *env, enum text_role role);
void widget_set_color(cairo_t *cr, const struct widget_env *env,
                      enum color_role c, double alpha);
const struct rgba *widget_color(const struct widget_env *env,
                                enum color_role c);
/* A closed rounded-rectangle path (corner radius r). */
void widget_rounded_rect(cairo_t *cr, double x, double y, double w, double h,
                         double r);
/* Panel background with border; returns the inner padding in px. */
int widget_panel(cairo_t *cr, const struct widget_env *env, int w, int h);
/* Draws text in a colour role; returns its width. */
int widget_text(cairo_t *cr, const struct widget_env *env, const char *s,
                enum font_weight weight, int px, double x, double y,
                enum color_role color, double alpha);
/* Title row at the top of a panel; returns the y below it. */
int widget_title(cairo_t *cr, const struct widget_env *env, const char *title,
                 int pad, int w);
/* The same, leaving `reserve` px at the right of the row for something
 * that must stay visible (a page indicator): the title is shortened. */
int widget_title_fit(cairo_t *cr, const struct widget_env *env,
                     const char *title, int pad, int w, int reserve);
/* The y below the title row, without drawing it. */
int widget_title_bottom(const struct widget_env *env, const char *title,
                        int pad);
/* Width of the widget's title as widget_title draws it (0 without one). */
int widget_title_width(const struct widget_env *env, const char *title);
/* Top y of a text of height text_h centred in the title row that ends at
 * title_bottom (what widget_title returned). */
double widget_title_row_y(int pad, int title_bottom, int text_h);
/* A filled triangle for deltas, pointing up or down, within size s. */
void widget_triangle(cairo_t *cr, double x, double y, double s, bool up);
/*
 * The footer every data widget has: the period (when given) and the
 * state and freshness of the bound source ("SỐ LIỆU CŨ · cập nhật 17:00
 * · 2 ngày trước", "chưa có số liệu · lỗi nguồn"); on one line when both
 * fit, else two; shortened (verb, then clock time) before anything is cut.
 * have: whether a value is shown.  Returns the footer's top y.
 */
int widget_footer(cairo_t *cr, const struct widget_env *env, int w, int h,
                  int pad, const char *period, const struct bound *val,
                  bool have, const struct frame_state *fs);
/* "cập nhật 14:05 · 12 phút trước" for a snapshot, "" when none. */
void widget_freshness(char *buf, size_t n, const struct widget_env *env,
                      const struct snapshot *snap, int64_t now_ms);
/* The minute of the data's age (-1 none, -2 future): age text changes
 * with it. */
int64_t widget_age_minute(const struct snapshot *snap, int64_t now_ms);
/* When a source's marking next changes by itself: the next minute of its
 * age, or the moment it turns late or stale.  INT64_MAX if never. */
int64_t widget_source_next_change(const struct snapshot *snap,
                                  const struct layout_source *src,
                                  int64_t now_ms);

#endif
