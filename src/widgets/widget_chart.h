/*
 * widget_chart: what the chart widgets (line, bar, donut, kpi sparkline)
 * share: reading their series from the frame state, the worst state of
 * their sources for the footer, the legend, axis labels and messages.
 * Render thread only.
 */
#ifndef OPSWALL_WIDGET_CHART_H
#define OPSWALL_WIDGET_CHART_H

#include "chart/chart_palette.h"
#include "chart/chart_series.h"
#include "chart/chart_ticks.h"
#include "widgets/widget.h"

#define WIDGET_CHART_MAX_SERIES 8

struct chart_set {
    int n;
    struct chart_series s[WIDGET_CHART_MAX_SERIES];
    struct bound b[WIDGET_CHART_MAX_SERIES];
    bool ok[WIDGET_CHART_MAX_SERIES];   /* read without error */
    const char *label[WIDGET_CHART_MAX_SERIES];
    struct rgba color[WIDGET_CHART_MAX_SERIES];
    size_t nvalid;                       /* valid points over all series */
};

/*
 * Reads the series specs (an array of series bindings, or one) into cs.
 * A series that cannot be read is logged once per change by the caller's
 * footer (its points are simply absent); never an error for the frame.
 */
void widget_chart_read(struct chart_set *cs, const struct widget_env *env,
                       const struct frame_state *fs, const cJSON *specs,
                       enum chart_x_kind kind);
void widget_chart_fini(struct chart_set *cs);

/*
 * The parsed series of a widget, kept between paints: a repaint whose
 * series data is the same JSON as last time (only the age in the footer
 * changed, or an HTTP 304 re-confirmed it) reuses the parsed points
 * instead of reading 10,000 timestamps again.  The cache holds references
 * on the snapshots its data came from, so the JSON it points into (labels)
 * stays alive; a different JSON node for any series re-reads the set.
 * Zero-initialised; widget_chart_cache_fini releases it.
 */
struct chart_cache {
    bool valid;
    enum chart_x_kind kind;
    const cJSON *value[WIDGET_CHART_MAX_SERIES];
    struct snapshot *snap[WIDGET_CHART_MAX_SERIES];
    struct chart_set cs;
    uint64_t reads; /* how many times the series were read (for tests) */
};

/* The set for this frame: bindings resolved afresh (states, ages), points
 * reused when their JSON did not change.  `last` > 0 keeps only the newest
 * `last` points of each series.  Valid until the next call or fini; the
 * caller must not free or change it. */
const struct chart_set *widget_chart_get(struct chart_cache *cc,
                                         const struct widget_env *env,
                                         const struct frame_state *fs,
                                         const cJSON *specs,
                                         enum chart_x_kind kind, size_t last);
void widget_chart_cache_fini(struct chart_cache *cc);

/* The binding whose source is in the worst state (error > stale > late >
 * ok), for the footer; a literal-free set returns an empty bound. */
struct bound widget_chart_worst(const struct chart_set *cs,
                                const struct frame_state *fs);

/* Stamp and next change over every series spec. */
uint64_t widget_chart_stamp(const struct widget_env *env,
                            const struct frame_state *fs, const cJSON *specs,
                            uint64_t h);
int64_t widget_chart_next_change(const struct widget_env *env,
                                 const struct frame_state *fs,
                                 const cJSON *specs);

/* The obs_status values of the set's valid points, as bits (1 << s). */
unsigned widget_chart_statuses(const struct chart_set *cs);

/* What a legend holds: the series' labels, and what the marks of figures
 * that are not final mean, as a line draws them (a dashed stroke into a
 * hollow point; a break as a break) or as bars do (hatched). */
#define CHART_LEGEND_SERIES 1u
#define CHART_LEGEND_STATUS_LINE 2u
#define CHART_LEGEND_STATUS_BAR 4u

/* Legend entries laid out right to left ending at x_right, on the row at
 * y; drawn only if every entry fits in max_w.  Returns whether drawn. */
bool widget_chart_legend(cairo_t *cr, const struct widget_env *env,
                         const struct chart_set *cs, double x_right,
                         double y, int max_w, unsigned what);

/* Light diagonal hatching over a rectangle in the current colour: the
 * mark of a figure that is not final (bars, table cells). */
void widget_hatch(cairo_t *cr, double x, double y, double w, double h,
                  double spacing, double line_w);

/* A value axis' tick labels: the scale's ticks divided by the compact
 * divisor `div` (format_compact_word), with the decimal places the divided
 * step needs, in the small role; `width` is the widest. */
#define WIDGET_CHART_MAX_TICKS 16
struct chart_tick_labels {
    int n;
    int width;
    char text[WIDGET_CHART_MAX_TICKS][48];
};
void widget_chart_tick_labels(const struct widget_env *env,
                              const struct chart_scale *sc, double div,
                              struct chart_tick_labels *out);

/* The legend in the title row, right of the title, when it fits there;
 * returns whether drawn.  title_bottom: what widget_title returned. */
bool widget_chart_title_legend(cairo_t *cr, const struct widget_env *env,
                               const struct chart_set *cs, const char *title,
                               int pad, int title_bottom, int w,
                               unsigned what);

/* A centred message in a rectangle ("chưa có số liệu"). */
void widget_chart_message(cairo_t *cr, const struct widget_env *env,
                          double x, double y, double w, double h,
                          const char *text, enum color_role color);

/* The "no data" message for a set: "chưa có số liệu", "không có số liệu",
 * with " · lỗi nguồn" when a source failed. */
void widget_chart_no_data(char *buf, size_t n, const struct widget_env *env,
                          const struct chart_set *cs,
                          const struct frame_state *fs);

/* Colour of value v by a thresholds array ({above, below, color}), or def. */
enum color_role widget_threshold_color(const cJSON *thresholds, double v,
                                       enum color_role def);

/* Alpha for data drawn from a source in this state (stale data dims). */
double widget_state_alpha(enum source_state st);

void widget_set_rgba(cairo_t *cr, const struct rgba *c, double alpha);

/* A sparkline of one series spec in the rectangle: the line (gaps kept)
 * scaled to its own range, the newest point marked.  Returns false (and
 * draws nothing) when the series has fewer than two values. */
bool widget_chart_sparkline(cairo_t *cr, const struct widget_env *env,
                            const struct frame_state *fs, const cJSON *spec,
                            double x, double y, double w, double h,
                            double alpha);

/*
 * A brief move of a graphic (bar length, gauge arc) from the value it
 * showed to a new one, when the layout declares `animate`.  Only the
 * graphic moves: numbers are written at their new value at once, and a
 * value that becomes or stops being missing jumps (a gap never grows out
 * of a bar).  The widget feeds the values it draws each paint; while a
 * move runs its stamp changes every frame (widget_anim_stamp) and it asks
 * for the next frame (widget_anim_next_change), so a wall whose data did
 * not change still paints nothing.
 */
#define WIDGET_ANIM_MAX 64
#define WIDGET_ANIM_FRAME_MS 16
struct widget_anim {
    int64_t dur_ms;   /* 0: values jump */
    int n;
    bool seen;
    int64_t t0;
    double from[WIDGET_ANIM_MAX], to[WIDGET_ANIM_MAX];
};
/* Reads `animate` from the widget's configuration (0 when absent). */
void widget_anim_init(struct widget_anim *a, const struct layout_widget *lw);
/* The values this paint draws (NAN: missing).  A different count or more
 * than WIDGET_ANIM_MAX values jumps. */
void widget_anim_target(struct widget_anim *a, const double *v, int n,
                        int64_t now_ms);
/* What to draw for value i now. */
double widget_anim_at(const struct widget_anim *a, int i, int64_t now_ms);
bool widget_anim_running(const struct widget_anim *a, int64_t now_ms);
uint64_t widget_anim_stamp(const struct widget_anim *a, int64_t now_ms,
                           uint64_t h);
/* The earlier of `other` and the next frame while a move runs. */
int64_t widget_anim_next_change(const struct widget_anim *a, int64_t now_ms,
                                int64_t other);

#endif
