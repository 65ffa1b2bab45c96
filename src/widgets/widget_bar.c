/*
 * widget_bar: bars from zero, vertical or horizontal, grouped or stacked,
 * and a ranking mode (one series sorted, numbered, top or bottom N: the
 * 63 provinces).
 *
 * Honesty: every bar starts at zero (the scale always includes it); a
 * missing value is written "—" where its bar would be (vertical) or
 * counted under a ranking ("không có số liệu: 3"), never drawn as a zero
 * bar; a ranking that cannot show all the rows it promises says how many
 * it shows.  Values are written at the bar ends when they fit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "text/format.h"
#include "widgets/widget_chart.h"

struct bar {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *series, *period, *thresholds;
    const char *unit, *highlight;
    int decimals;
    bool horizontal, stacked, values, legend, rank, asc;
    int top;
    struct chart_cache cache;
    struct widget_anim anim; /* bar lengths moving to new values */
};

static void *
bar_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct bar *b = calloc(1, sizeof(*b));
    if (!b) {
        return NULL;
    }
    b->lw = lw;
    b->env = env;
    b->series = cJSON_GetObjectItemCaseSensitive(lw->config, "series");
    b->period = cJSON_GetObjectItemCaseSensitive(lw->config, "period");
    b->thresholds = cJSON_GetObjectItemCaseSensitive(lw->config,
                                                     "thresholds");
    b->unit = widget_cfg_str(lw, "unit", "");
    b->highlight = widget_cfg_str(lw, "highlight", NULL);
    b->decimals = widget_cfg_int(lw, "decimals", 1);
    const cJSON *rank = cJSON_GetObjectItemCaseSensitive(lw->config, "rank");
    b->rank = cJSON_IsObject(rank);
    b->horizontal = b->rank || strcmp(widget_cfg_str(lw, "orientation",
                                                     "vertical"),
                                      "horizontal") == 0;
    b->stacked = widget_cfg_bool(lw, "stacked", false);
    b->values = widget_cfg_bool(lw, "values", true);
    b->legend = widget_cfg_bool(lw, "legend", true);
    if (b->rank) {
        const cJSON *o = cJSON_GetObjectItemCaseSensitive(rank, "order");
        b->asc = cJSON_IsString(o) && strcmp(o->valuestring, "asc") == 0;
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(rank, "top");
        b->top = cJSON_IsNumber(t) ? (int)t->valuedouble : 0;
    }
    widget_anim_init(&b->anim, lw);
    return b;
}

static void
bar_destroy(void *self)
{
    struct bar *b = self;
    widget_chart_cache_fini(&b->cache);
    free(b);
}

static uint64_t
bar_stamp(void *self, const struct frame_state *fs)
{
    struct bar *b = self;
    uint64_t h = widget_chart_stamp(b->env, fs, b->series, 0x424152);
    h = widget_anim_stamp(&b->anim, fs->now_ms, h);
    return widget_stamp_spec(b->env, fs, b->period, h);
}

static int64_t
bar_next_change(void *self, const struct frame_state *fs)
{
    struct bar *b = self;
    return widget_anim_next_change(&b->anim, fs->now_ms,
                                   widget_chart_next_change(b->env, fs,
                                                            b->series));
}

struct row {
    const char *name;
    double v;
    size_t index;
};

static int
cmp_desc(const void *a, const void *b)
{
    const struct row *p = a, *q = b;
    if (p->v != q->v) {
        return p->v > q->v ? -1 : 1;
    }
    return p->index < q->index ? -1 : 1; /* stable: ties keep feed order */
}

static int
cmp_asc(const void *a, const void *b)
{
    const struct row *p = a, *q = b;
    if (p->v != q->v) {
        return p->v < q->v ? -1 : 1;
    }
    return p->index < q->index ? -1 : 1;
}

static bool
is_highlight(const struct bar *b, const char *name)
{
    return b->highlight && name && strcmp(b->highlight, name) == 0;
}

/* A bar whose figure is not final (provisional, estimated, forecast):
 * light stripes of the panel's colour over it, which the legend names. */
static void
mark_bar(cairo_t *cr, const struct widget_env *env, uint8_t status,
         double x, double y, double w, double h, int px)
{
    if (!obs_status_preliminary(status)) {
        return;
    }
    widget_set_color(cr, env, COLOR_PANEL, 0.6);
    widget_hatch(cr, x, y, w, h, fmax(4, px * 0.3), fmax(1.5, px * 0.1));
}

/* The ranking: numbered rows, name, bar, value. */
static void
paint_rank(struct bar *b, cairo_t *cr, const struct chart_set *cs, int pad,
           int top, int bottom, int w, double alpha)
{
    const struct widget_env *env = b->env;
    const enum layout_locale loc = env->layout->locale;
    const bool vi = loc == LAYOUT_LOCALE_VI_VN;
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    const struct chart_series *s = &cs->s[0];
    struct row *rows = calloc(s->n ? s->n : 1, sizeof(*rows));
    size_t n = 0, missing = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (isnan(s->pts[i].y)) {
            missing++;
            continue;
        }
        rows[n++] = (struct row){s->pts[i].label, s->pts[i].y, i};
    }
    qsort(rows, n, sizeof(*rows), b->asc ? cmp_asc : cmp_desc);
    size_t want = b->top > 0 && (size_t)b->top < n ? (size_t)b->top : n;
    int note_h = missing ? line_h : 0;
    double row_h = want ? (double)(bottom - top - note_h) / want : 0;
    size_t shown = want;
    /* Rows may be tighter than a text line (their names have no second
     * line to clear), never tighter than the glyphs. */
    double min_row = px * 1.3;
    if (row_h < min_row) {
        row_h = min_row;
        shown = (size_t)((bottom - top - note_h) / row_h);
    }
    if (row_h > line_h * 1.6) {
        row_h = line_h * 1.6;
    }
    double vmax = 0, vmin = 0;
    char num_w_s[64];
    int name_w = 0, num_w = 0, rank_w = 0;
    for (size_t i = 0; i < shown; i++) {
        vmax = fmax(vmax, rows[i].v);
        vmin = fmin(vmin, rows[i].v);
        int tw = rows[i].name ? text_measure(env->text, rows[i].name,
                                             FONT_REGULAR, px).width : 0;
        name_w = tw > name_w ? tw : name_w;
        format_number(num_w_s, sizeof(num_w_s), rows[i].v, b->decimals, loc);
        tw = text_measure(env->text, num_w_s, FONT_MEDIUM, px).width;
        num_w = tw > num_w ? tw : num_w;
    }
    char rk[32];
    snprintf(rk, sizeof(rk), "%zu.", shown);
    rank_w = text_measure(env->text, rk, FONT_REGULAR, px).width;
    int avail = w - 2 * pad;
    if (name_w > avail * 0.4) {
        name_w = (int)(avail * 0.4);
    }
    double bar_x = pad + rank_w + px * 0.4 + name_w + px * 0.5;
    double bar_w = w - pad - num_w - px * 0.4 - bar_x;
    /* The scale runs from the smallest (≤ 0) to the largest (≥ 0) value:
     * zero is where every bar starts. */
    double span = vmax - vmin > 0 ? vmax - vmin : 1;
    double zero_x = bar_x + (0 - vmin) / span * bar_w;
    double bar_h = fmin(row_h * 0.62, line_h * 0.8);
    for (size_t i = 0; i < shown && bar_w > px; i++) {
        double ry = top + i * row_h;
        double cy = ry + row_h / 2;
        bool hl = is_highlight(b, rows[i].name);
        snprintf(rk, sizeof(rk), "%zu.", i + 1);
        int rw = text_measure(env->text, rk, FONT_REGULAR, px).width;
        widget_text(cr, env, rk, FONT_REGULAR, px, pad + rank_w - rw,
                    cy - line_h / 2.0, COLOR_MUTED, 1);
        if (rows[i].name) {
            char *fit = text_ellipsize(env->text, rows[i].name,
                                       hl ? FONT_BOLD : FONT_REGULAR, px,
                                       name_w);
            int tw = text_measure(env->text, fit,
                                  hl ? FONT_BOLD : FONT_REGULAR, px).width;
            widget_text(cr, env, fit, hl ? FONT_BOLD : FONT_REGULAR, px,
                        bar_x - px * 0.5 - tw, cy - line_h / 2.0, COLOR_TEXT,
                        1);
            free(fit);
        }
        double len = fabs(rows[i].v) / span * bar_w;
        double x = rows[i].v >= 0 ? zero_x : zero_x - len;
        enum color_role role = widget_threshold_color(b->thresholds,
                                                      rows[i].v,
                                                      COLOR_COUNT);
        if (role == COLOR_COUNT) {
            widget_set_rgba(cr, &cs->color[0], alpha);
        } else {
            widget_set_color(cr, env, role, alpha);
        }
        cairo_rectangle(cr, x, cy - bar_h / 2, fmax(len, 1), bar_h);
        cairo_fill(cr);
        mark_bar(cr, env, s->pts[rows[i].index].status, x, cy - bar_h / 2,
                 fmax(len, 1), bar_h, px);
        if (hl) {
            widget_set_color(cr, env, COLOR_TEXT, 1);
            cairo_set_line_width(cr, fmax(1.5, px * 0.07));
            cairo_rectangle(cr, x, cy - bar_h / 2, fmax(len, 1), bar_h);
            cairo_stroke(cr);
        }
        char num[64];
        format_number(num, sizeof(num), rows[i].v, b->decimals, loc);
        double nx = rows[i].v >= 0 ? x + len + px * 0.3
                                   : zero_x + px * 0.3;
        widget_text(cr, env, num, FONT_MEDIUM, px, nx, cy - line_h / 2.0,
                    COLOR_TEXT, alpha);
    }
    if (vmin < 0 && bar_w > px) {
        widget_set_color(cr, env, COLOR_MUTED, 0.8);
        cairo_set_line_width(cr, fmax(1, px * 0.04));
        cairo_move_to(cr, round(zero_x) + 0.5, top);
        cairo_line_to(cr, round(zero_x) + 0.5, top + shown * row_h);
        cairo_stroke(cr);
    }
    char note[160] = "";
    if (shown < want) {
        snprintf(note, sizeof(note), vi ? "hiển thị %zu/%zu" : "showing "
                 "%zu of %zu", shown, want);
    }
    if (missing) {
        size_t len = strlen(note);
        snprintf(note + len, sizeof(note) - len, vi ? "%skhông có số liệu: "
                 "%zu" : "%sno data: %zu", len ? " · " : "", missing);
    }
    if (note[0]) {
        widget_text(cr, env, note, FONT_REGULAR, px, pad,
                    bottom - line_h, COLOR_WARN, 1);
    }
    free(rows);
}

/* Grouped or stacked bars, vertical or horizontal, with a value axis. */
static void
paint_bars(struct bar *b, cairo_t *cr, const struct chart_set *cs, int pad,
           int top, int bottom, int w, double alpha, int64_t now_ms)
{
    const struct widget_env *env = b->env;
    const enum layout_locale loc = env->layout->locale;
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    /* Categories follow the first series' order. */
    const struct chart_series *cat = &cs->s[0];
    size_t ncat = cat->n;
    for (int i = 1; i < cs->n; i++) {
        ncat = cs->s[i].n > ncat ? cs->s[i].n : ncat;
    }
    double lo = 0, hi = 0;
    for (size_t c = 0; c < ncat; c++) {
        double pos = 0, neg = 0;
        for (int i = 0; i < cs->n; i++) {
            if (c >= cs->s[i].n || isnan(cs->s[i].pts[c].y)) {
                continue;
            }
            double v = cs->s[i].pts[c].y;
            if (b->stacked) {
                *(v >= 0 ? &pos : &neg) += v;
            } else {
                pos = fmax(pos, v);
                neg = fmin(neg, v);
            }
        }
        hi = fmax(hi, pos);
        lo = fmin(lo, neg);
    }
    double div = 1;
    const char *word = format_compact_word(fmax(fabs(lo), fabs(hi)), loc,
                                           &div);
    char unit[160];
    snprintf(unit, sizeof(unit), "%s%s%s", word,
             word[0] && b->unit[0] ? " " : "", b->unit);
    /* Horizontal bars with their values written need no value axis: a
     * short unit ("%") goes on the values, and the ticks are left out. */
    bool bare = b->horizontal && b->values && !b->stacked && !word[0] &&
                strlen(b->unit) <= 3;
    const char *suffix = bare ? b->unit : "";
    if (unit[0] && !bare) {
        widget_text(cr, env, unit, FONT_REGULAR, px, pad, top, COLOR_MUTED,
                    1);
        top += line_h + px / 4;
    }
    double length = b->horizontal ? w - 2 * pad : bottom - top - line_h;
    int max_ticks = (int)(length / (b->horizontal ? px * 4 : line_h * 1.5));
    struct chart_scale sc;
    if (!chart_scale_nice(lo, hi, max_ticks < 8 ? max_ticks : 8, true, &sc)) {
        return;
    }
    struct chart_tick_labels tl;
    widget_chart_tick_labels(env, &sc, div, &tl);
    /* Category names as the axis writes them (periods short), once. */
    char (*shorts)[32] = xcalloc(ncat ? ncat : 1, sizeof(*shorts));
    const char **names = xcalloc(ncat ? ncat : 1, sizeof(*names));
    int cat_w = 0;
    for (size_t c = 0; c < cat->n; c++) {
        names[c] = cat->pts[c].label;
        if (names[c] && chart_period_short(shorts[c], sizeof(shorts[c]),
                                           names[c],
                                           env->layout->utc_offset_min, loc)) {
            names[c] = shorts[c];
        }
        if (names[c]) {
            int tw = text_measure(env->text, names[c], FONT_REGULAR,
                                  px).width;
            cat_w = tw > cat_w ? tw : cat_w;
        }
    }
    /* Plot rectangle: value axis along the bars. */
    double left, right, ptop, pbottom;
    if (b->horizontal) {
        if (cat_w > (w - 2 * pad) * 0.35) {
            cat_w = (int)((w - 2 * pad) * 0.35);
        }
        int val_w = 0;
        for (int i = 0; i < cs->n; i++) {
            for (size_t c = 0; c < cs->s[i].n; c++) {
                char num[64];
                format_number(num, sizeof(num), cs->s[i].pts[c].y / div,
                              b->decimals, loc);
                int tw = text_measure(env->text, num, FONT_MEDIUM, px).width;
                val_w = tw > val_w ? tw : val_w;
            }
        }
        val_w += text_measure(env->text, b->unit, FONT_MEDIUM, px).width;
        left = pad + cat_w + px * 0.5 + (lo < 0 ? val_w + px * 0.3 : 0);
        right = w - pad - (b->values ? val_w + px * 0.3 : px * 1.5);
        ptop = top;
        pbottom = bare ? bottom : bottom - line_h;
    } else {
        left = pad + tl.width + px * 0.5;
        right = w - pad;
        ptop = top + line_h / 2.0;
        pbottom = bottom - line_h - px * 0.2;
    }
    if (right - left < px * 2 || pbottom - ptop < px) {
        free(names);
        free(shorts);
        return;
    }
    double vlen = b->horizontal ? right - left : pbottom - ptop;
#define VPOS(v) (b->horizontal ? left + ((v) - sc.lo) / (sc.hi - sc.lo) * vlen \
                               : pbottom - ((v) - sc.lo) / (sc.hi - sc.lo) * vlen)
    /* Grid and value labels. */
    cairo_set_line_width(cr, fmax(1, px * 0.03));
    for (int i = 0; i < tl.n; i++) {
        double v = sc.lo + i * sc.step;
        double at = round(VPOS(v)) + 0.5;
        widget_set_color(cr, env, v == 0 ? COLOR_MUTED : COLOR_PANEL_BORDER,
                         1);
        int tw = text_measure(env->text, tl.text[i], FONT_REGULAR, px).width;
        if (b->horizontal) {
            if (bare && v != 0) {
                continue;
            }
            cairo_move_to(cr, at, ptop);
            cairo_line_to(cr, at, pbottom);
            cairo_stroke(cr);
            if (!bare) {
                widget_text(cr, env, tl.text[i], FONT_REGULAR, px,
                            fmin(at - tw / 2.0, w - pad - tw), pbottom,
                            COLOR_MUTED, 1);
            }
        } else {
            cairo_move_to(cr, left, at);
            cairo_line_to(cr, right, at);
            cairo_stroke(cr);
            widget_text(cr, env, tl.text[i], FONT_REGULAR, px,
                        left - px * 0.35 - tw, at - line_h / 2.0,
                        COLOR_MUTED, 1);
        }
    }
    /* Bar lengths may move to new values (`animate`): every bar's value
     * in drawing order; too many bars to follow simply jump. */
    double want[WIDGET_ANIM_MAX];
    int nwant = 0;
    for (size_t c = 0; c < ncat; c++) {
        for (int i = 0; i < cs->n; i++, nwant++) {
            if (nwant < WIDGET_ANIM_MAX) {
                want[nwant] = c < cs->s[i].n ? cs->s[i].pts[c].y : NAN;
            }
        }
    }
    widget_anim_target(&b->anim, want, nwant, now_ms);
    double band = (b->horizontal ? pbottom - ptop : right - left) /
                  (double)(ncat ? ncat : 1);
    int groups = b->stacked ? 1 : cs->n;
    double thick = band * 0.7 / groups;
    /* Category labels, thinned (vertical) to what fits. */
    size_t every = 1;
    if (!b->horizontal) {
        while (band * every < cat_w + px * 0.5 && every < ncat) {
            every++;
        }
    }
    for (size_t c = 0; c < ncat; c++) {
        bool hl = is_highlight(b, c < cat->n ? cat->pts[c].label : NULL);
        const char *name = names[c];
        double b0 = (b->horizontal ? ptop : left) + c * band;
        if (name && (b->horizontal || c % every == 0)) {
            enum font_weight fw = hl ? FONT_BOLD : FONT_REGULAR;
            char *fit = text_ellipsize(env->text, name, fw, px,
                                       b->horizontal ? cat_w
                                                     : (int)(band * every));
            int tw = text_measure(env->text, fit, fw, px).width;
            if (b->horizontal) {
                widget_text(cr, env, fit, fw, px, pad + cat_w - tw,
                            b0 + band / 2 - line_h / 2.0, COLOR_TEXT, 1);
            } else {
                double lx = fmin(fmax(b0 + band / 2 - tw / 2.0, pad),
                                 w - pad - tw);
                widget_text(cr, env, fit, fw, px, lx, pbottom + px * 0.2,
                            COLOR_TEXT, 1);
            }
            free(fit);
        }
        double pos = 0, neg = 0;
        bool part_missing = false;
        for (int i = 0; i < cs->n; i++) {
            double start = b0 + band * 0.15 + (b->stacked ? 0 : i * thick);
            part_missing = part_missing || (b->stacked &&
                                            (c >= cs->s[i].n ||
                                             isnan(cs->s[i].pts[c].y)));
            bool miss = c >= cs->s[i].n || isnan(cs->s[i].pts[c].y);
            if (miss) {
                if (!b->stacked) {
                    /* Where the bar would be: "—", not a zero bar. */
                    int tw = text_measure(env->text, "\xE2\x80\x94",
                                          FONT_MEDIUM, px).width;
                    double z = VPOS(0);
                    if (b->horizontal) {
                        widget_text(cr, env, "\xE2\x80\x94", FONT_MEDIUM, px,
                                    z + px * 0.2,
                                    start + thick / 2 - line_h / 2.0,
                                    COLOR_MUTED, 1);
                    } else {
                        widget_text(cr, env, "\xE2\x80\x94", FONT_MEDIUM, px,
                                    start + thick / 2 - tw / 2.0,
                                    z - line_h, COLOR_MUTED, 1);
                    }
                }
                continue;
            }
            double v = cs->s[i].pts[c].y;
            /* The length drawn: v, or on its way to v. */
            double dv = v;
            int k = (int)c * cs->n + i;
            if (k < WIDGET_ANIM_MAX && k < b->anim.n) {
                dv = widget_anim_at(&b->anim, k, now_ms);
            }
            double from = b->stacked ? (dv >= 0 ? pos : neg) : 0;
            double to = from + dv;
            if (b->stacked) {
                *(dv >= 0 ? &pos : &neg) = to;
            }
            double a = VPOS(from), z = VPOS(to);
            enum color_role role = cs->n == 1
                ? widget_threshold_color(b->thresholds, v, COLOR_COUNT)
                : COLOR_COUNT;
            if (role == COLOR_COUNT) {
                widget_set_rgba(cr, &cs->color[i], alpha);
            } else {
                widget_set_color(cr, env, role, alpha);
            }
            if (b->horizontal) {
                cairo_rectangle(cr, fmin(a, z), start, fabs(z - a), thick);
                cairo_fill(cr);
                mark_bar(cr, env, cs->s[i].pts[c].status, fmin(a, z), start,
                         fabs(z - a), thick, px);
            } else {
                cairo_rectangle(cr, start, fmin(a, z), thick, fabs(z - a));
                cairo_fill(cr);
                mark_bar(cr, env, cs->s[i].pts[c].status, start, fmin(a, z),
                         thick, fabs(z - a), px);
            }
            if (hl) {
                widget_set_color(cr, env, COLOR_TEXT, 1);
                cairo_set_line_width(cr, fmax(1.5, px * 0.07));
                if (b->horizontal) {
                    cairo_rectangle(cr, fmin(a, z), start, fabs(z - a),
                                    thick);
                } else {
                    cairo_rectangle(cr, start, fmin(a, z), thick,
                                    fabs(z - a));
                }
                cairo_stroke(cr);
            }
            if (b->values && !b->stacked) {
                char num[64];
                format_number(num, sizeof(num), v / div, b->decimals, loc);
                strcat(num, suffix);
                struct text_extent e = text_measure(env->text, num,
                                                    FONT_MEDIUM, px);
                if (b->horizontal && band >= px * 1.2) {
                    double nx = v >= 0 ? z + px * 0.2 : z - px * 0.2 - e.width;
                    widget_text(cr, env, num, FONT_MEDIUM, px, nx,
                                start + thick / 2 - line_h / 2.0,
                                COLOR_TEXT, alpha);
                } else if (!b->horizontal &&
                           e.width <= (groups > 1 ? thick * 1.05
                                                  : band * 0.95)) {
                    double ny = v >= 0 ? z - line_h : z;
                    widget_text(cr, env, num, FONT_MEDIUM, px,
                                start + thick / 2 - e.width / 2.0, ny,
                                COLOR_TEXT, alpha);
                }
            }
        }
        if (part_missing) {
            /* A stack with a missing part is not the total: say so on
             * top of it. */
            const char *m = env->layout->locale == LAYOUT_LOCALE_VI_VN
                                ? "thiếu" : "partial";
            int tw = text_measure(env->text, m, FONT_MEDIUM, px).width;
            double z = VPOS(pos);
            double start = b0 + band * 0.15;
            if (b->horizontal) {
                widget_text(cr, env, m, FONT_MEDIUM, px, z + px * 0.2,
                            start + thick / 2 - line_h / 2.0, COLOR_WARN, 1);
            } else {
                widget_text(cr, env, m, FONT_MEDIUM, px,
                            start + thick / 2 - tw / 2.0, z - line_h,
                            COLOR_WARN, 1);
            }
        }
    }
#undef VPOS
    free(names);
    free(shorts);
}

static void
bar_paint(void *self, cairo_t *cr, int w, int h, const struct frame_state *fs)
{
    struct bar *b = self;
    const struct widget_env *env = b->env;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, b->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;

    const struct chart_set cs = *widget_chart_get(&b->cache, env, fs,
                                                  b->series, CHART_X_CATEGORY,
                                                  0);
    struct bound worst = widget_chart_worst(&cs, fs);
    enum source_state state = widget_bound_state(&worst, fs->now_ms);
    bool have = cs.nvalid > 0;
    char period[128];
    widget_text_of(period, sizeof(period), env, fs, b->period);
    int footer_y = widget_footer(cr, env, w, h, pad, period, &worst, have,
                                 fs);
    /* The legend: the series when there are several, and what hatching
     * means when any figure is not final. */
    bool series_legend = b->legend && cs.n > 1 && !b->rank;
    unsigned marks = widget_chart_statuses(&cs) &
                     ~((1u << OBS_FINAL) | (1u << OBS_MISSING) |
                       (1u << OBS_BREAK));
    unsigned what = CHART_LEGEND_STATUS_BAR |
                    (series_legend ? CHART_LEGEND_SERIES : 0);
    if (series_legend || marks) {
        if (!widget_chart_title_legend(cr, env, &cs, b->lw->title, pad, y,
                                       w, what)) {
            if (widget_chart_legend(cr, env, &cs, w - pad, y, w - 2 * pad,
                                    what)) {
                y += line_h;
            }
        }
    }
    int top = y + (int)(pad * 0.3);
    int bottom = footer_y - (int)(pad * 0.3);
    if (!have) {
        char msg[128];
        widget_chart_no_data(msg, sizeof(msg), env, &cs, fs);
        widget_chart_message(cr, env, pad, top, w - 2 * pad, bottom - top,
                             msg, COLOR_MUTED);
    } else if (b->rank) {
        paint_rank(b, cr, &cs, pad, top, bottom, w, widget_state_alpha(state));
    } else {
        paint_bars(b, cr, &cs, pad, top, bottom, w, widget_state_alpha(state),
                   fs->now_ms);
    }
}

const struct widget_class widget_bar_class = {
    .type = "bar",
    .create = bar_create,
    .destroy = bar_destroy,
    .stamp = bar_stamp,
    .paint = bar_paint,
    .next_change = bar_next_change,
};
