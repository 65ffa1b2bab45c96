/*
 * widget_line: series over time.
 *
 *   TITLE                                   ── Bắc  ── Trung  ── Nam
 *   nghìn tỷ đồng
 *   1.800 ┼───────────────────────────────────────╮ 1.787,4
 *   1.600 ┼──────────── ░░ ─────────────────────── (gap band: missing)
 *         Th1/2026  Th3   Th5   Th7   Th9
 *   Tháng 10/2026 · cập nhật 08:00 · 1 giờ trước
 *
 * Honesty: a missing point breaks the line and its span is shaded, so a
 * gap is seen from across the room, never bridged; an area is filled only
 * from zero (the axis then includes zero); the newest value is labelled
 * with its period in the footer; stale series are dimmed.  Series longer
 * than the plot is wide are reduced per pixel column (M4) before drawing.
 * When space is short the legend goes first, then min/max labels, then
 * axis labels thin out; text never shrinks below the theme's sizes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "text/format.h"
#include "widgets/widget_chart.h"

struct line {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *series, *target, *period;
    const char *unit, *target_label;
    int decimals;
    int last;
    bool area, zero, min_max, legend;
    enum chart_x_kind kind;
    struct chart_cache cache;
};

static void *
line_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct line *l = calloc(1, sizeof(*l));
    if (!l) {
        return NULL;
    }
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    l->lw = lw;
    l->env = env;
    l->series = cJSON_GetObjectItemCaseSensitive(lw->config, "series");
    l->target = cJSON_GetObjectItemCaseSensitive(lw->config, "target");
    l->period = cJSON_GetObjectItemCaseSensitive(lw->config, "period");
    l->unit = widget_cfg_str(lw, "unit", "");
    l->target_label = widget_cfg_str(lw, "target_label",
                                     vi ? "mục tiêu" : "target");
    l->decimals = widget_cfg_int(lw, "decimals", 1);
    l->last = widget_cfg_int(lw, "last", 0);
    l->area = widget_cfg_bool(lw, "area", false);
    l->zero = widget_cfg_bool(lw, "zero", false) || l->area;
    l->min_max = widget_cfg_bool(lw, "min_max", false);
    l->legend = widget_cfg_bool(lw, "legend", true);
    const char *xa = widget_cfg_str(lw, "x_axis", "auto");
    l->kind = strcmp(xa, "time") == 0       ? CHART_X_TIME
              : strcmp(xa, "category") == 0 ? CHART_X_CATEGORY
                                            : CHART_X_AUTO;
    return l;
}

static void
line_destroy(void *self)
{
    struct line *l = self;
    widget_chart_cache_fini(&l->cache);
    free(l);
}

static uint64_t
line_stamp(void *self, const struct frame_state *fs)
{
    struct line *l = self;
    uint64_t h = widget_chart_stamp(l->env, fs, l->series, 0x4c494e45);
    h = widget_stamp_spec(l->env, fs, l->target, h);
    return widget_stamp_spec(l->env, fs, l->period, h);
}

static int64_t
line_next_change(void *self, const struct frame_state *fs)
{
    struct line *l = self;
    return widget_chart_next_change(l->env, fs, l->series);
}

/* Maps data to pixels. */
struct plot {
    double left, top, width, height;
    double x0, x1, y0, y1;
};

static double
px_x(const struct plot *p, double x)
{
    if (p->x1 <= p->x0) {
        return p->left + p->width / 2;
    }
    return p->left + (x - p->x0) / (p->x1 - p->x0) * p->width;
}

static double
px_y(const struct plot *p, double y)
{
    return p->top + p->height - (y - p->y0) / (p->y1 - p->y0) * p->height;
}

/* The newest valid point over the set: its series and index. */
static bool
newest_point(const struct chart_set *cs, int *si, size_t *pi)
{
    bool found = false;
    double best = -INFINITY;
    for (int i = 0; i < cs->n; i++) {
        const struct chart_series *s = &cs->s[i];
        if (s->last_valid < s->n && s->pts[s->last_valid].x > best) {
            best = s->pts[s->last_valid].x;
            *si = i;
            *pi = s->last_valid;
            found = true;
        }
    }
    return found;
}

/* Shades the spans of missing points of one series. */
static void
draw_gaps(cairo_t *cr, const struct widget_env *env, const struct plot *p,
          const struct chart_series *s)
{
    size_t i = 0;
    while (i < s->n) {
        if (!isnan(s->pts[i].y)) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < s->n && isnan(s->pts[j].y)) {
            j++;
        }
        /* From halfway to the previous point to halfway to the next, so
         * the band covers the missing points and no valid one. */
        double a = px_x(p, i > 0 ? (s->pts[i - 1].x + s->pts[i].x) / 2
                                 : s->pts[i].x);
        double b = px_x(p, j < s->n ? (s->pts[j - 1].x + s->pts[j].x) / 2
                                    : s->pts[j - 1].x);
        double min_w = widget_px(env, TEXT_ROLE_SMALL) * 0.3;
        if (b - a < min_w) {
            double c = (a + b) / 2;
            a = c - min_w / 2;
            b = c + min_w / 2;
        }
        widget_set_color(cr, env, COLOR_MUTED, 0.16);
        cairo_rectangle(cr, a, p->top, b - a, p->height);
        cairo_fill(cr);
        i = j;
    }
}

/*
 * A series much denser than the plot's pixel columns is drawn as its
 * min/max envelope: per column the range the line sweeps (including the
 * step to the next column), filled as one polygon per run between gaps,
 * widened by the line width, as one pixel-wide box per column.  This
 * covers the pixels stroking the full polyline would, but filling boxes
 * costs a fraction of stroking a zig-zag whose segments all overlap
 * (Cairo's stroker tessellates every self-intersection): measured 34 ms
 * -> under 2 ms for 10,000 points at 1920 x 1080 (bench_charts).
 */
static void
draw_envelope(cairo_t *cr, const struct plot *p, const struct chart_series *s,
              double lw)
{
    int cols = (int)fmax(1, p->width);
    double *lo = xcalloc((size_t)cols + 1, sizeof(*lo));
    double *hi = xcalloc((size_t)cols + 1, sizeof(*hi));
    size_t i = 0;
    double span = p->x1 > p->x0 ? p->x1 - p->x0 : 1;
    while (i < s->n) {
        if (isnan(s->pts[i].y) || s->pts[i].x < p->x0 ||
            s->pts[i].x > p->x1) {
            i++;
            continue;
        }
        /* One run: columns c0..c1 with their ranges. */
        int c0 = (int)floor((s->pts[i].x - p->x0) / span * cols);
        int c1 = c0;
        lo[c0] = hi[c0] = s->pts[i].y;
        while (i < s->n && !isnan(s->pts[i].y) && s->pts[i].x <= p->x1) {
            int c = (int)floor((s->pts[i].x - p->x0) / span * cols);
            double y = s->pts[i].y;
            if (c > c1) {
                /* The step into a new column belongs to the last one. */
                lo[c1] = fmin(lo[c1], y);
                hi[c1] = fmax(hi[c1], y);
                for (int k = c1 + 1; k <= c; k++) {
                    lo[k] = hi[k] = y;
                }
                c1 = c;
            }
            lo[c] = fmin(lo[c], y);
            hi[c] = fmax(hi[c], y);
            i++;
        }
        /* One pixel-wide box per column, its ends rounded to whole
         * pixels: a path of pixel-aligned boxes, which Cairo fills as
         * plain spans (no scan conversion, no antialiasing to compute:
         * 13 M -> a few M instructions for 1,900 columns).  Rounding
         * moves an end by at most half a pixel, within the line's
         * width; a column is never less than a pixel tall. */
        double half = lw / 2;
        for (int c = c0; c <= c1; c++) {
            double top = round(px_y(p, hi[c]) - half);
            double bot = round(px_y(p, lo[c]) + half);
            if (bot < top + 1) {
                bot = top + 1;
            }
            cairo_rectangle(cr, floor(p->left) + c, top, 1, bot - top);
        }
    }
    cairo_fill(cr);
    free(lo);
    free(hi);
}

static void
draw_series(cairo_t *cr, const struct plot *p,
            const struct chart_series *s, const struct rgba *color,
            const struct rgba *panel, double alpha, bool area, double lw)
{
    struct chart_xy *path = NULL;
    bool dense = s->n > 2 * (size_t)fmax(1, p->width);
    size_t k = dense && !area ? 0
                              : chart_series_reduce(s, p->x0, p->x1,
                                                    (int)fmax(1, p->width),
                                                    &path);
    if (area && k) {
        double base = px_y(p, p->y0 <= 0 && p->y1 >= 0 ? 0 : p->y0);
        size_t start = 0;
        for (size_t i = 0; i <= k; i++) {
            if (i == k || (i > start && path[i].move)) {
                cairo_move_to(cr, px_x(p, path[start].x), base);
                for (size_t j = start; j < i; j++) {
                    cairo_line_to(cr, px_x(p, path[j].x), px_y(p, path[j].y));
                }
                cairo_line_to(cr, px_x(p, path[i - 1].x), base);
                cairo_close_path(cr);
                start = i;
            }
        }
        widget_set_rgba(cr, color, 0.18 * alpha);
        cairo_fill(cr);
    }
    cairo_set_line_width(cr, lw);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    widget_set_rgba(cr, color, alpha);
    if (dense) {
        draw_envelope(cr, p, s, lw);
        k = 0; /* drawn */
    }
    /* Solid into final points; the segment into a figure that is not
     * final (provisional, estimated, forecast) is dashed. */
    bool dashed = false;
    for (size_t i = 0; i < k; i++) {
        double x = px_x(p, path[i].x), y = px_y(p, path[i].y);
        bool marked = obs_status_preliminary(path[i].status);
        dashed = dashed || (marked && !path[i].move);
        if (path[i].move || marked) {
            cairo_move_to(cr, x, y);
        } else {
            cairo_line_to(cr, x, y);
        }
    }
    cairo_stroke(cr);
    if (dashed) {
        double dash[2] = {lw * 2.5, lw * 2};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        for (size_t i = 1; i < k; i++) {
            if (path[i].move || !obs_status_preliminary(path[i].status)) {
                continue;
            }
            cairo_move_to(cr, px_x(p, path[i - 1].x), px_y(p, path[i - 1].y));
            cairo_line_to(cr, px_x(p, path[i].x), px_y(p, path[i].y));
        }
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    }
    /* Points a line cannot show: isolated ones, or all when few; figures
     * that are not final, hollow (a ring over the panel's colour). */
    bool few = s->n > 0 && p->width / s->n >= lw * 8;
    bool room = s->n > 0 && p->width / s->n >= lw * 3;
    for (size_t i = 0; i < s->n; i++) {
        const struct chart_point *pt = &s->pts[i];
        if (isnan(pt->y) || pt->x < p->x0 || pt->x > p->x1) {
            continue;
        }
        bool alone = (i == 0 || isnan(s->pts[i - 1].y) ||
                      pt->status == OBS_BREAK) &&
                     (i + 1 == s->n || isnan(s->pts[i + 1].y) ||
                      s->pts[i + 1].status == OBS_BREAK);
        bool hollow = obs_status_preliminary(pt->status) && (room || alone);
        double cx = px_x(p, pt->x), cy = px_y(p, pt->y);
        if (hollow) {
            double r = fmax(lw * 1.9, 3);
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
            widget_set_rgba(cr, panel, 1);
            cairo_fill_preserve(cr);
            widget_set_rgba(cr, color, alpha);
            cairo_set_line_width(cr, fmax(1.5, lw * 0.8));
            cairo_stroke(cr);
            cairo_set_line_width(cr, lw);
        } else if (few || alone) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, cx, cy, alone ? lw * 1.6 : lw * 1.1, 0, 2 * M_PI);
            cairo_fill(cr);
        }
    }
    free(path);
}

struct end_label {
    double y;     /* wanted centre */
    double at;    /* placed centre */
    char text[64];
    int series;
};

static int
cmp_end(const void *a, const void *b)
{
    const struct end_label *p = a, *q = b;
    return p->y < q->y ? -1 : p->y > q->y;
}

/*
 * A value written on the plot (newest, target, lowest, highest).  When the
 * axis counts in a compact unit ("nghìn MW"), a bare "32.757" next to it
 * would read as 32.757 thousand: the value then carries its own unit
 * ("32.757 MW"), or without one its compact form ("32,76 nghìn").
 */
static void
value_text(const struct line *l, double v, double div, char *buf, size_t n)
{
    const enum layout_locale loc = l->env->layout->locale;
    if (div <= 1) {
        format_number(buf, n, v, l->decimals, loc);
    } else if (l->unit[0]) {
        char num[48];
        format_number(num, sizeof(num), v, l->decimals, loc);
        snprintf(buf, n, "%s %s", num, l->unit);
    } else {
        format_compact(buf, n, v, div, 2, loc);
    }
}

static void
line_paint(void *self, cairo_t *cr, int w, int h,
           const struct frame_state *fs)
{
    struct line *l = self;
    const struct widget_env *env = l->env;
    const enum layout_locale loc = env->layout->locale;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, l->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    double lw = fmax(1.5, px * 0.09);

    /* A shallow copy: the points stay the cache's, read-only here. */
    const struct chart_set cs = *widget_chart_get(&l->cache, env, fs,
                                                  l->series, l->kind,
                                                  (size_t)l->last);
    struct bound worst = widget_chart_worst(&cs, fs);
    double alpha = widget_state_alpha(widget_bound_state(&worst,
                                                         fs->now_ms));
    bool have = cs.nvalid > 0;

    /* Footer: the declared period, else the newest point's. */
    char period[96];
    widget_text_of(period, sizeof(period), env, fs, l->period);
    int nsi = 0;
    size_t npi = 0;
    bool newest = !period[0] && newest_point(&cs, &nsi, &npi);
    if (newest && cs.s[nsi].kind == CHART_X_TIME) {
        chart_period_label(period, sizeof(period),
                           (int64_t)cs.s[nsi].pts[npi].x, cs.s[nsi].period,
                           env->layout->utc_offset_min, loc);
    } else if (newest && cs.s[nsi].pts[npi].label) {
        snprintf(period, sizeof(period), "%s", cs.s[nsi].pts[npi].label);
    }
    /* The footer names the newest figure's status beside its period. */
    struct bound foot = worst;
    if (newest) {
        foot.status = cs.s[nsi].pts[npi].status;
    }
    int footer_y = widget_footer(cr, env, w, h, pad, period, &foot, have,
                                 fs);

    /* Legend in the title row when it fits, else beside the unit. */
    /* The legend: the series when there are several, and what hollow
     * points and dashes mean when any figure is not final. */
    unsigned what = CHART_LEGEND_STATUS_LINE |
                    (l->legend && cs.n > 1 ? CHART_LEGEND_SERIES : 0);
    unsigned marks = widget_chart_statuses(&cs) &
                     ~((1u << OBS_FINAL) | (1u << OBS_MISSING));
    bool want_legend = (l->legend && cs.n > 1) || marks;
    bool legend_done = want_legend &&
                       widget_chart_title_legend(cr, env, &cs, l->lw->title,
                                                 pad, y, w, what);

    int top = y + (int)(pad * 0.3);
    int bottom = footer_y - (int)(pad * 0.35) - line_h; /* x labels below */
    if (!have) {
        char msg[128];
        widget_chart_no_data(msg, sizeof(msg), env, &cs, fs);
        widget_chart_message(cr, env, pad, top, w - 2 * pad,
                             footer_y - top, msg, COLOR_MUTED);
        return;
    }

    /* Value range over the data, the target, and zero when asked. */
    double ymin = INFINITY, ymax = -INFINITY, xmin = INFINITY,
           xmax = -INFINITY;
    for (int i = 0; i < cs.n; i++) {
        const struct chart_series *s = &cs.s[i];
        if (!s->nvalid) {
            continue;
        }
        ymin = fmin(ymin, s->ymin);
        ymax = fmax(ymax, s->ymax);
        xmin = fmin(xmin, s->pts[0].x);
        xmax = fmax(xmax, s->pts[s->n - 1].x);
    }
    double target = NAN;
    struct bound tb = widget_resolve(env, fs, l->target);
    if (widget_bound_number(&tb, &target)) {
        ymin = fmin(ymin, target);
        ymax = fmax(ymax, target);
    }

    /* Header row: unit (with the compact scale word) left, legend right
     * when it did not fit the title row. */
    double div = 1;
    const char *word = format_compact_word(fmax(fabs(ymin), fabs(ymax)), loc,
                                           &div);
    char unit[160];
    snprintf(unit, sizeof(unit), "%s%s%s", word,
             word[0] && l->unit[0] ? " " : "", l->unit);
    bool header = unit[0] || (want_legend && !legend_done);
    if (header) {
        int uw = 0;
        if (unit[0]) {
            uw = widget_text(cr, env, unit, FONT_REGULAR, px, pad, top,
                             COLOR_MUTED, 1);
        }
        /* A legend that explains marks on the line stays even when the
         * plot is short; one that only names the series goes first. */
        if (want_legend && !legend_done &&
            (bottom - top > 5 * line_h || marks)) {
            legend_done = widget_chart_legend(cr, env, &cs, w - pad, top,
                                              w - 2 * pad - uw - px, what);
        }
        top += line_h + (int)(pad * 0.2);
    }

    int max_ticks = (int)((bottom - top) / (line_h * 1.5)) + 1;
    struct chart_scale sc;
    if (max_ticks < 2 ||
        !chart_scale_nice(ymin, ymax, max_ticks < 8 ? max_ticks : 8, l->zero,
                          &sc)) {
        widget_chart_message(cr, env, pad, top, w - 2 * pad, footer_y - top,
                             loc == LAYOUT_LOCALE_VI_VN ? "không đủ chỗ"
                                                        : "no room",
                             COLOR_MUTED);
        return;
    }
    struct chart_tick_labels tl;
    widget_chart_tick_labels(env, &sc, div, &tl);

    /* End labels: the newest value of each series, at the right. */
    struct end_label ends[WIDGET_CHART_MAX_SERIES];
    int nends = 0, end_w = 0;
    for (int i = 0; i < cs.n; i++) {
        const struct chart_series *s = &cs.s[i];
        if (s->last_valid >= s->n) {
            continue;
        }
        struct end_label *e = &ends[nends++];
        e->series = i;
        value_text(l, s->pts[s->last_valid].y, div, e->text,
                   sizeof(e->text));
        int tw = text_measure(env->text, e->text, FONT_BOLD, px).width;
        end_w = tw > end_w ? tw : end_w;
    }

    struct plot p = {
        .left = pad + tl.width + px * 0.5,
        .top = top + line_h / 2.0,
        .x0 = xmin,
        .x1 = xmax,
        .y0 = sc.lo,
        .y1 = sc.hi,
    };
    p.width = w - pad - end_w - px * 0.6 - p.left;
    p.height = bottom - line_h / 2.0 - p.top;
    if (p.width < px * 2 || p.height < px) {
        return;
    }

    /* Grid and value labels. */
    cairo_set_line_width(cr, fmax(1, px * 0.03));
    for (int i = 0; i < tl.n; i++) {
        double v = sc.lo + i * sc.step;
        double gy = round(px_y(&p, v)) + 0.5;
        widget_set_color(cr, env, v == 0 ? COLOR_MUTED : COLOR_PANEL_BORDER,
                         v == 0 ? 0.8 : 1);
        cairo_move_to(cr, p.left, gy);
        cairo_line_to(cr, p.left + p.width, gy);
        cairo_stroke(cr);
        int tw = text_measure(env->text, tl.text[i], FONT_REGULAR, px).width;
        widget_text(cr, env, tl.text[i], FONT_REGULAR, px,
                    p.left - px * 0.35 - tw, gy - line_h / 2.0, COLOR_MUTED,
                    1);
    }

    /* x labels: calendar ticks for time, thinned categories otherwise. */
    const struct chart_series *first = NULL;
    for (int i = 0; i < cs.n && !first; i++) {
        first = cs.s[i].nvalid ? &cs.s[i] : NULL;
    }
    int lab_y = bottom + (int)(pad * 0.1);
    if (first && first->kind == CHART_X_TIME) {
        /* A typical label of the period's kind sets the tick density;
         * labels that would still collide are skipped below. */
        const char *typical = first->period == CHART_PERIOD_QUARTER
                                  ? "Q4/2026"
                              : first->period == CHART_PERIOD_MONTH ? "Th10"
                              : first->period == CHART_PERIOD_YEAR  ? "2026"
                                                                    : "22/11";
        int sample = text_measure(env->text, typical, FONT_REGULAR, px).width;
        int maxx = (int)(p.width / (sample + px)) + 1;
        struct chart_time_tick ticks[CHART_MAX_TIME_TICKS];
        int n = chart_time_ticks((int64_t)xmin, (int64_t)xmax, first->period,
                                 maxx, env->layout->utc_offset_min, loc,
                                 ticks);
        double right_edge = -INFINITY;
        for (int i = 0; i < n; i++) {
            int tw = text_measure(env->text, ticks[i].label, FONT_REGULAR,
                                  px).width;
            double cx = px_x(&p, (double)ticks[i].t);
            double lx = fmin(fmax(cx - tw / 2.0, pad), w - pad - tw);
            if (lx < right_edge + px * 0.5) {
                continue;
            }
            widget_text(cr, env, ticks[i].label, FONT_REGULAR, px, lx, lab_y,
                        COLOR_MUTED, 1);
            right_edge = lx + tw;
            widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
            cairo_move_to(cr, round(cx) + 0.5, p.top + p.height);
            cairo_line_to(cr, round(cx) + 0.5, p.top + p.height + px * 0.2);
            cairo_stroke(cr);
        }
    } else if (first) {
        int widest = 0;
        for (size_t i = 0; i < first->n; i++) {
            if (first->pts[i].label) {
                int tw = text_measure(env->text, first->pts[i].label,
                                      FONT_REGULAR, px).width;
                widest = tw > widest ? tw : widest;
            }
        }
        size_t every = 1;
        double step_px = first->n > 1 ? p.width / (first->n - 1) : p.width;
        while (step_px * every < widest + px && every < first->n) {
            every++;
        }
        /* Count back from the newest so the latest is always labelled. */
        for (size_t i = first->n; i-- > 0;) {
            if ((first->n - 1 - i) % every != 0 || !first->pts[i].label) {
                continue;
            }
            int tw = text_measure(env->text, first->pts[i].label,
                                  FONT_REGULAR, px).width;
            double lx = px_x(&p, first->pts[i].x) - tw / 2.0;
            lx = fmin(fmax(lx, pad), w - pad - tw);
            widget_text(cr, env, first->pts[i].label, FONT_REGULAR, px, lx,
                        lab_y, COLOR_MUTED, 1);
        }
    }

    /* Missing spans, then target, then the series on top. */
    for (int i = 0; i < cs.n; i++) {
        draw_gaps(cr, env, &p, &cs.s[i]);
    }
    if (isfinite(target)) {
        double ty = round(px_y(&p, target)) + 0.5;
        double dash[] = {px * 0.3, px * 0.2};
        cairo_set_dash(cr, dash, 2, 0);
        cairo_set_line_width(cr, fmax(1, px * 0.05));
        widget_set_color(cr, env, COLOR_TEXT, 0.75);
        cairo_move_to(cr, p.left, ty);
        cairo_line_to(cr, p.left + p.width, ty);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        char num[48], lab[160];
        value_text(l, target, div, num, sizeof(num));
        snprintf(lab, sizeof(lab), "%s %s", l->target_label, num);
        /* At the right end, where the newest values are compared with it. */
        bool above = ty - line_h > p.top;
        int tw = text_measure(env->text, lab, FONT_MEDIUM, px).width;
        widget_text(cr, env, lab, FONT_MEDIUM, px,
                    p.left + p.width - tw - px * 0.3,
                    above ? ty - line_h : ty + px * 0.1, COLOR_TEXT, 0.85);
    }
    for (int i = 0; i < cs.n; i++) {
        if (cs.s[i].nvalid) {
            draw_series(cr, &p, &cs.s[i], &cs.color[i],
                        widget_color(env, COLOR_PANEL), alpha, l->area, lw);
        }
    }

    /* Lowest and highest, for one series, when asked. */
    if (l->min_max && cs.n == 1 && cs.s[0].nvalid > 2 &&
        cs.s[0].ymin < cs.s[0].ymax) {
        const struct chart_series *s = &cs.s[0];
        for (int m = 0; m < 2; m++) {
            double v = m ? s->ymax : s->ymin;
            size_t at = 0;
            while (at < s->n && s->pts[at].y != v) {
                at++;
            }
            double cx = px_x(&p, s->pts[at].x), cy = px_y(&p, v);
            char num[48];
            value_text(l, v, div, num, sizeof(num));
            int tw = text_measure(env->text, num, FONT_MEDIUM, px).width;
            double ty = m ? cy - line_h - lw * 2 : cy + lw * 2;
            if (ty < p.top - line_h / 2.0 || ty + line_h > bottom) {
                continue;
            }
            widget_set_color(cr, env, COLOR_TEXT, alpha);
            cairo_arc(cr, cx, cy, lw * 1.8, 0, 2 * M_PI);
            cairo_fill(cr);
            double tx = fmin(fmax(cx - tw / 2.0, p.left),
                             p.left + p.width - tw);
            widget_text(cr, env, num, FONT_MEDIUM, px, tx, ty, COLOR_TEXT,
                        0.9 * alpha);
        }
    }

    /* Newest values at the right end, pushed apart so none overlap. */
    for (int i = 0; i < nends; i++) {
        const struct chart_series *s = &cs.s[ends[i].series];
        ends[i].y = px_y(&p, s->pts[s->last_valid].y);
        ends[i].at = ends[i].y;
        const struct chart_point *np = &s->pts[s->last_valid];
        cairo_new_sub_path(cr);
        cairo_arc(cr, px_x(&p, np->x), ends[i].y, lw * 2, 0, 2 * M_PI);
        if (obs_status_preliminary(np->status)) {
            widget_set_color(cr, env, COLOR_PANEL, 1);
            cairo_fill_preserve(cr);
            widget_set_rgba(cr, &cs.color[ends[i].series], alpha);
            cairo_set_line_width(cr, fmax(1.5, lw * 0.8));
            cairo_stroke(cr);
        } else {
            widget_set_rgba(cr, &cs.color[ends[i].series], alpha);
            cairo_fill(cr);
        }
    }
    qsort(ends, (size_t)nends, sizeof(ends[0]), cmp_end);
    for (int i = 1; i < nends; i++) {
        if (ends[i].at < ends[i - 1].at + line_h * 0.9) {
            ends[i].at = ends[i - 1].at + line_h * 0.9;
        }
    }
    for (int i = 0; i < nends; i++) {
        const struct rgba *c = &cs.color[ends[i].series];
        text_draw(env->text, cr, ends[i].text, FONT_BOLD, px,
                  w - pad - end_w, ends[i].at - line_h / 2.0, c->r, c->g,
                  c->b, alpha);
    }
}

const struct widget_class widget_line_class = {
    .type = "line",
    .create = line_create,
    .destroy = line_destroy,
    .stamp = line_stamp,
    .paint = line_paint,
    .next_change = line_next_change,
};
