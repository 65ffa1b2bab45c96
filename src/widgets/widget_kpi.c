/*
 * widget_kpi: one headline indicator.
 *
 *   TITLE                                        nguồn: TCTK
 *   1.517,5 nghìn tỷ đồng          <- value (threshold colour), unit
 *   ▲ 0,3 (0,02%) so với kỳ trước  <- delta, coloured by polarity
 *   Quý III/2026 · cập nhật 14:05 · 12 phút trước
 *
 * Honesty rules: a value that never arrived is "—" with "chưa có số liệu",
 * never 0; a stale value is dimmed and its footer says "SỐ LIỆU CŨ"; a
 * failed source keeps the last value with "lỗi nguồn".  When space is
 * short the delta's label goes first, then the delta; the period and
 * freshness line never goes, and text never shrinks below the theme's
 * sizes except the headline value, which may shrink to the title size.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "text/format.h"
#include "widgets/revisions.h"
#include "widgets/widget_chart.h"

struct kpi {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *value, *previous, *period, *thresholds, *sparkline;
    const char *unit, *delta_label, *polarity, *delta_unit;
    int decimals;
    bool show_source;
    int64_t revised_for_ms;
    char key[160]; /* the value's binding, for the revision book; "" */
};

static const cJSON *
cfg(const struct kpi *k, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(k->lw->config, key);
}

static void *
kpi_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct kpi *k = calloc(1, sizeof(*k));
    if (!k) {
        return NULL;
    }
    k->lw = lw;
    k->env = env;
    k->value = cfg(k, "value");
    k->previous = cfg(k, "previous");
    k->period = cfg(k, "period");
    k->thresholds = cfg(k, "thresholds");
    k->sparkline = cfg(k, "sparkline");
    k->unit = widget_cfg_str(lw, "unit", "");
    const int vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    k->delta_label = widget_cfg_str(lw, "delta_label",
                             vi ? "so với kỳ trước" : "vs previous period");
    k->polarity = widget_cfg_str(lw, "polarity", "up-is-good");
    k->delta_unit = widget_cfg_str(lw, "delta_unit", "percent");
    k->decimals = widget_cfg_int(lw, "decimals", 1);
    k->show_source = widget_cfg_bool(lw, "show_source", false);
    k->revised_for_ms = REVISIONS_DEFAULT_MS;
    const char *rf = widget_cfg_str(lw, "revised_for", NULL);
    if (rf) {
        time_parse_duration(rf, &k->revised_for_ms);
    }
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(k->value, "source");
    const cJSON *ptr = cJSON_GetObjectItemCaseSensitive(k->value, "pointer");
    if (cJSON_IsString(src)) {
        snprintf(k->key, sizeof(k->key), "%s%s", src->valuestring,
                 cJSON_IsString(ptr) ? ptr->valuestring : "");
    }
    return k;
}

static void
kpi_destroy(void *self)
{
    free(self);
}

/* The revision of the shown period that is still marked, if any. */
static bool
kpi_revision(const struct kpi *k, const struct frame_state *fs,
             struct revision *out)
{
    char period[128];
    widget_text_of(period, sizeof(period), k->env, fs, k->period);
    return k->key[0] && k->env->revisions &&
           revision_book_peek(k->env->revisions, k->key, period, fs->now_ms,
                              k->revised_for_ms, out);
}

static uint64_t
kpi_stamp(void *self, const struct frame_state *fs)
{
    struct kpi *k = self;
    uint64_t h = 0x4b5049;
    h = widget_stamp_spec(k->env, fs, k->value, h);
    h = widget_stamp_spec(k->env, fs, k->previous, h);
    h = widget_stamp_spec(k->env, fs, k->period, h);
    h = widget_stamp_spec(k->env, fs, k->sparkline, h);
    struct revision r;
    return widget_stamp_mix(h, kpi_revision(k, fs, &r) ? 1 : 0);
}

static int64_t
kpi_next_change(void *self, const struct frame_state *fs)
{
    struct kpi *k = self;
    struct bound b = widget_resolve(k->env, fs, k->value);
    int64_t next = b.src ? widget_source_next_change(b.snap, b.src,
                                                     fs->now_ms)
                         : INT64_MAX;
    struct revision r;
    if (kpi_revision(k, fs, &r) && r.at_ms + k->revised_for_ms < next) {
        next = r.at_ms + k->revised_for_ms; /* the mark goes then */
    }
    return next;
}

/* Builds the delta text; returns false when there is no delta to show. */
static bool
delta_text(const struct kpi *k, double v, double prev, char *buf, size_t n,
           int *direction)
{
    enum layout_locale loc = k->env->layout->locale;
    double diff = v - prev;
    char a[64], b[64];
    double eps = 0.5 * pow(10, -k->decimals);
    *direction = fabs(diff) < eps ? 0 : diff > 0 ? 1 : -1;
    format_number(a, sizeof(a), fabs(diff), k->decimals, loc);
    if (strcmp(k->delta_unit, "points") == 0) {
        snprintf(buf, n, "%s %s", a,
                 loc == LAYOUT_LOCALE_VI_VN ? "điểm %" : "pp");
    } else if (strcmp(k->delta_unit, "percent") == 0 && prev != 0) {
        format_number(b, sizeof(b), fabs(diff / prev * 100.0), 2, loc);
        snprintf(buf, n, "%s (%s%%)", a, b);
    } else {
        snprintf(buf, n, "%s", a);
    }
    return true;
}

static void
kpi_paint(void *self, cairo_t *cr, int w, int h, const struct frame_state *fs)
{
    struct kpi *k = self;
    const struct widget_env *env = k->env;
    const int vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, k->lw->title, pad, w);

    struct bound val = widget_resolve(env, fs, k->value);
    struct bound prev = widget_resolve(env, fs, k->previous);
    enum source_state state = widget_bound_state(&val, fs->now_ms);
    double v = 0, pv = 0;
    bool have = widget_bound_number(&val, &v);
    /* Across a break in the series (B, D) the two values measure
     * different things: no delta is drawn between them. */
    bool have_prev = have && val.status != OBS_BREAK &&
                     widget_bound_number(&prev, &pv);

    int px_small = widget_px(env, TEXT_ROLE_SMALL);
    int px_body = widget_px(env, TEXT_ROLE_BODY);
    int px_title = widget_px(env, TEXT_ROLE_TITLE);
    int px_value = widget_px(env, TEXT_ROLE_VALUE);
    int line_small = text_measure(env->text, "Ag", FONT_REGULAR,
                                  px_small).height;
    int avail_w = w - 2 * pad;

    if (k->show_source && val.src) {
        char src[160];
        snprintf(src, sizeof(src), vi ? "nguồn: %s" : "source: %s",
                 val.src->label);
        struct text_extent e = text_measure(env->text, src, FONT_REGULAR,
                                            px_small);
        int title_w = widget_title_width(env, k->lw->title);
        if (title_w + px_small + e.width <= avail_w) {
            widget_text(cr, env, src, FONT_REGULAR, px_small,
                        w - pad - e.width,
                        widget_title_row_y(pad, y, e.height), COLOR_MUTED,
                        0.8);
        }
    }

    char period_s[128];
    widget_text_of(period_s, sizeof(period_s), env, fs, k->period);
    int footer_y = widget_footer(cr, env, w, h, pad, period_s, &val, have,
                                 fs);

    /* A revision of the figure shown for this period: said above the
     * footer, with the number it replaced, for revised_for. */
    int bottom = footer_y - (int)(pad * 0.25);
    struct revision rev;
    if (have && k->key[0] && env->revisions &&
        revision_book_show(env->revisions, k->key, period_s, v, k->decimals,
                           fs->now_ms, k->revised_for_ms, &rev)) {
        char a[48], b[48], head[96];
        format_number(a, sizeof(a), rev.from, k->decimals,
                      env->layout->locale);
        format_number(b, sizeof(b), rev.to, k->decimals, env->layout->locale);
        snprintf(head, sizeof(head), vi ? "đã điều chỉnh: %s" : "revised: %s",
                 a);
        /* The arrow is drawn: the wall's font has no U+2192. */
        int arrow = (int)lround(px_small * 1.1);
        int hw = text_measure(env->text, head, FONT_MEDIUM, px_small).width;
        int bw = text_measure(env->text, b, FONT_MEDIUM, px_small).width;
        int ry = bottom - line_small;
        if (hw + arrow + bw + px_small / 2 <= avail_w) {
            int x = pad + widget_text(cr, env, head, FONT_MEDIUM, px_small,
                                      pad, ry, COLOR_WARN, 1);
            double ay = ry + text_measure(env->text, "0", FONT_MEDIUM,
                                          px_small).ascent -
                        px_small * LAYOUT_CAP_HEIGHT_RATIO / 2;
            double x0 = x + px_small * 0.25, x1 = x + arrow - px_small * 0.1;
            double hs = px_small * 0.22;
            widget_set_color(cr, env, COLOR_WARN, 1);
            cairo_set_line_width(cr, fmax(1.5, px_small * 0.08));
            cairo_move_to(cr, x0, ay);
            cairo_line_to(cr, x1, ay);
            cairo_move_to(cr, x1 - hs, ay - hs);
            cairo_line_to(cr, x1, ay);
            cairo_line_to(cr, x1 - hs, ay + hs);
            cairo_stroke(cr);
            widget_text(cr, env, b, FONT_MEDIUM, px_small,
                        x + arrow + px_small * 0.15, ry, COLOR_WARN, 1);
        } else {
            char *fit = text_ellipsize(env->text, head, FONT_MEDIUM,
                                       px_small, avail_w);
            widget_text(cr, env, fit, FONT_MEDIUM, px_small, pad, ry,
                        COLOR_WARN, 1);
            free(fit);
        }
        bottom -= line_small + (int)(pad * 0.15);
    }
    char delta[192];
    int dir = 0;
    int delta_h = line_small;
    bool show_delta = have_prev && delta_text(k, v, pv, delta, sizeof(delta),
                                              &dir);
    char num[96];
    if (have) {
        format_number(num, sizeof(num), v, k->decimals, env->layout->locale);
    } else {
        snprintf(num, sizeof(num), "\xE2\x80\x94");
    }
    int gap = (int)lround(px_body * 0.3);
    int space = bottom - y;
    int vpx = px_value;
    struct text_extent ve = text_measure(env->text, num, FONT_BOLD, vpx);
    struct text_extent ue = k->unit[0]
        ? text_measure(env->text, k->unit, FONT_REGULAR, px_body)
        : (struct text_extent){0, 0, 0};
    /* If value and unit do not fit on one line, the unit goes under the
     * value (rows of KPIs keep one value size); only when there is no
     * height for that either does the value shrink, down to title size. */
    bool unit_below = false;
    if (ue.width && ve.width + gap + ue.width > avail_w &&
        ve.width <= avail_w &&
        ve.height + ue.height + (show_delta ? delta_h : 0) <= space) {
        unit_below = true;
    }
    while (!unit_below && vpx > px_title &&
           ve.width + (ue.width ? gap + ue.width : 0) > avail_w) {
        vpx = vpx * 9 / 10 < px_title ? px_title : vpx * 9 / 10;
        ve = text_measure(env->text, num, FONT_BOLD, vpx);
    }
    /* A value is never shown without its unit, and digits are never cut:
     * the unit goes below, and a number too long for the cell shrinks
     * further rather than lose a digit. */
    if (!unit_below && ue.width && ve.width + gap + ue.width > avail_w) {
        unit_below = true;
    }
    while (ve.width > avail_w && vpx > 8) {
        vpx = vpx * 9 / 10;
        ve = text_measure(env->text, num, FONT_BOLD, vpx);
    }
    int unit_h = unit_below ? ue.height : 0;
    if (show_delta && space < ve.height + unit_h + delta_h) {
        show_delta = false; /* secondary: dropped before anything shrinks */
    }
    int block = ve.height + unit_h + (show_delta ? delta_h : 0);
    /* The sparkline is the first thing to go when space is short. */
    int spark_gap = px_small / 3;
    int spark_h = k->sparkline ? space - block - spark_gap : 0;
    if (spark_h > px_small * 2) {
        spark_h = px_small * 2;
    }
    if (spark_h < px_small) {
        spark_h = 0;
    }
    int vy = y + (space - block - (spark_h ? spark_h + spark_gap : 0)) / 2;
    if (vy < y) {
        vy = y;
    }
    if (spark_h && have) {
        widget_chart_sparkline(cr, env, fs, k->sparkline, pad,
                               vy + block + spark_gap, avail_w, spark_h,
                               state == SOURCE_STATE_STALE ? 0.55 : 1.0);
    }
    enum color_role vcolor = have ? widget_threshold_color(k->thresholds, v,
                                                          COLOR_TEXT)
                                : COLOR_MUTED;
    double valpha = (have && state == SOURCE_STATE_STALE) ? 0.55 : 1.0;
    int vx = pad;
    vx += widget_text(cr, env, num, FONT_BOLD, vpx, vx, vy, vcolor, valpha);
    if (ue.width) {
        int ux = unit_below ? pad : vx + gap;
        int uy = unit_below ? vy + ve.height
                            : vy + ve.ascent - ue.ascent; /* on baseline */
        char *u = text_ellipsize(env->text, k->unit, FONT_REGULAR, px_body,
                                 w - pad - ux);
        widget_text(cr, env, u, FONT_REGULAR, px_body, ux, uy, COLOR_MUTED,
                    valpha);
        free(u);
    }

    if (show_delta) {
        int dy = vy + ve.height + unit_h;
        bool up_good = strcmp(k->polarity, "up-is-bad") != 0;
        enum color_role dc = COLOR_MUTED;
        if (dir != 0 && strcmp(k->polarity, "neutral") != 0) {
            dc = (dir > 0) == up_good ? COLOR_GOOD : COLOR_BAD;
        }
        double tri = px_small * 0.62;
        int x = pad;
        widget_set_color(cr, env, dc, valpha);
        if (dir != 0) {
            struct text_extent de = text_measure(env->text, "0", FONT_MEDIUM,
                                                 px_small);
            double cap = px_small * LAYOUT_CAP_HEIGHT_RATIO;
            widget_triangle(cr, x, dy + de.ascent - cap + (cap - tri) / 2,
                            tri, dir > 0);
            x += (int)(tri + px_small * 0.3);
        } else {
            snprintf(delta, sizeof(delta), "%s",
                     vi ? "không đổi" : "no change");
        }
        x += widget_text(cr, env, delta, FONT_MEDIUM, px_small, x, dy, dc,
                         valpha);
        if (dir != 0) {
            int room = w - pad - x - px_small / 3;
            struct text_extent le = text_measure(env->text, k->delta_label,
                                                 FONT_REGULAR, px_small);
            if (le.width <= room) {
                widget_text(cr, env, k->delta_label, FONT_REGULAR, px_small,
                            x + px_small / 3, dy, COLOR_MUTED, valpha);
            }
        }
    }
}

const struct widget_class widget_kpi_class = {
    .type = "kpi",
    .create = kpi_create,
    .destroy = kpi_destroy,
    .stamp = kpi_stamp,
    .paint = kpi_paint,
    .next_change = kpi_next_change,
};
