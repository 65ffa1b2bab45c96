/*
 * widget_donut: shares of a whole, for the few cases where the whole
 * matters (channels of public-service dossiers).  The ring is beside a
 * legend that writes each share as a percentage and a value, so nothing
 * is read from angles alone.  Negative values have no share of a whole:
 * a set that has any is refused with a message, not drawn; missing
 * slices are counted under the legend.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/format.h"
#include "widgets/widget_chart.h"

struct donut {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *slices, *period;
    const char *unit, *center_label;
    int decimals;
};

static void *
donut_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct donut *d = calloc(1, sizeof(*d));
    if (!d) {
        return NULL;
    }
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    d->lw = lw;
    d->env = env;
    d->slices = cJSON_GetObjectItemCaseSensitive(lw->config, "slices");
    d->period = cJSON_GetObjectItemCaseSensitive(lw->config, "period");
    d->unit = widget_cfg_str(lw, "unit", "");
    d->center_label = widget_cfg_str(lw, "center_label", vi ? "tổng"
                                                            : "total");
    d->decimals = widget_cfg_int(lw, "decimals", 1);
    return d;
}

static void
donut_destroy(void *self)
{
    free(self);
}

static uint64_t
donut_stamp(void *self, const struct frame_state *fs)
{
    struct donut *d = self;
    uint64_t h = widget_chart_stamp(d->env, fs, d->slices, 0x444f4e);
    return widget_stamp_spec(d->env, fs, d->period, h);
}

static int64_t
donut_next_change(void *self, const struct frame_state *fs)
{
    struct donut *d = self;
    return widget_chart_next_change(d->env, fs, d->slices);
}

static void
donut_paint(void *self, cairo_t *cr, int w, int h,
            const struct frame_state *fs)
{
    struct donut *d = self;
    const struct widget_env *env = d->env;
    const enum layout_locale loc = env->layout->locale;
    const bool vi = loc == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, d->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;

    struct chart_set cs;
    widget_chart_read(&cs, env, fs, d->slices, CHART_X_CATEGORY);
    const struct chart_series *s = &cs.s[0];
    struct bound worst = widget_chart_worst(&cs, fs);
    double alpha = widget_state_alpha(widget_bound_state(&worst,
                                                         fs->now_ms));
    char period[128];
    widget_text_of(period, sizeof(period), env, fs, d->period);
    int footer_y = widget_footer(cr, env, w, h, pad, period, &worst,
                                 cs.nvalid > 0, fs);
    int top = y + (int)(pad * 0.3);
    int bottom = footer_y - (int)(pad * 0.3);
    double sum = 0;
    size_t missing = 0;
    bool negative = false;
    for (size_t i = 0; i < s->n; i++) {
        if (isnan(s->pts[i].y)) {
            missing++;
        } else if (s->pts[i].y < 0) {
            negative = true;
        } else {
            sum += s->pts[i].y;
        }
    }
    if (!cs.nvalid || negative || sum <= 0) {
        char msg[128];
        if (!cs.nvalid) {
            widget_chart_no_data(msg, sizeof(msg), env, &cs, fs);
        } else {
            snprintf(msg, sizeof(msg), vi ? "có giá trị âm hoặc tổng bằng "
                     "0: không chia tỷ lệ được" : "negative or zero total: "
                     "no shares");
        }
        widget_chart_message(cr, env, pad, top, w - 2 * pad, bottom - top,
                             msg, negative ? COLOR_WARN : COLOR_MUTED);
        widget_chart_fini(&cs);
        return;
    }
    /* Ring on the left and legend on the right in a wide cell; ring on
     * top and legend under it in a tall one. */
    size_t rows = 0;
    for (size_t i = 0; i < s->n; i++) {
        rows += !isnan(s->pts[i].y) && s->pts[i].y > 0;
    }
    double entry_h = line_h * 2.05;
    double legend_h = rows * entry_h + (missing ? line_h : 0);
    bool tall = (bottom - top) - legend_h >= (w - 2 * pad) * 0.45;
    double dia = tall ? fmin(w - 2 * pad, (bottom - top) - legend_h - px)
                      : fmin(bottom - top, (w - 2 * pad) * 0.42);
    double r = dia / 2;
    double cx = tall ? w / 2.0 : pad + r;
    double cy = tall ? top + r : top + (bottom - top) / 2.0;
    double ring = r * 0.3;
    double a = -M_PI / 2;
    size_t k = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (isnan(s->pts[i].y) || s->pts[i].y <= 0) {
            continue;
        }
        double span = s->pts[i].y / sum * 2 * M_PI;
        struct rgba c = chart_palette_category(k++);
        widget_set_rgba(cr, &c, alpha);
        cairo_new_path(cr);
        cairo_arc(cr, cx, cy, r, a, a + span);
        cairo_arc_negative(cr, cx, cy, r - ring, a + span, a);
        cairo_close_path(cr);
        cairo_fill(cr);
        /* A thin panel-coloured seam keeps slices apart. */
        widget_set_color(cr, env, COLOR_PANEL, 1);
        cairo_set_line_width(cr, fmax(1.5, px * 0.06));
        cairo_move_to(cr, cx + cos(a) * (r - ring), cy + sin(a) * (r - ring));
        cairo_line_to(cr, cx + cos(a) * r, cy + sin(a) * r);
        cairo_stroke(cr);
        a += span;
    }
    char total[96];
    format_compact(total, sizeof(total), sum, sum, d->decimals, loc);
    int vpx = widget_px(env, TEXT_ROLE_TITLE);
    struct text_extent te = text_measure(env->text, total, FONT_BOLD, vpx);
    if (te.width < 2 * (r - ring) * 0.9) {
        widget_text(cr, env, total, FONT_BOLD, vpx, cx - te.width / 2.0,
                    cy - te.height * 0.7, COLOR_TEXT, alpha);
        int lw = text_measure(env->text, d->center_label, FONT_REGULAR,
                              px).width;
        widget_text(cr, env, d->center_label, FONT_REGULAR, px,
                    cx - lw / 2.0, cy + te.height * 0.3, COLOR_MUTED, 1);
    }
    /* Legend: name, then share and value on the next line. */
    double lx = tall ? pad : pad + dia + px;
    int lw_max = (int)(w - pad - lx - px * 1.2);
    double ly = tall ? top + dia + px : cy - legend_h / 2;
    if (ly < top) {
        ly = top;
    }
    k = 0;
    for (size_t i = 0; i < s->n && lw_max > px * 3; i++) {
        if (isnan(s->pts[i].y) || s->pts[i].y <= 0) {
            continue;
        }
        if (ly + entry_h > bottom + 1) {
            break;
        }
        struct rgba c = chart_palette_category(k++);
        widget_set_rgba(cr, &c, alpha);
        cairo_rectangle(cr, lx, ly + line_h * 0.3, px * 0.7, px * 0.7);
        cairo_fill(cr);
        char *name = text_ellipsize(env->text, s->pts[i].label
                                                  ? s->pts[i].label : "?",
                                    FONT_REGULAR, px, lw_max);
        widget_text(cr, env, name, FONT_REGULAR, px, lx + px * 1.2, ly,
                    COLOR_TEXT, 1);
        free(name);
        char share[64], val[96], both[192];
        format_number(share, sizeof(share), s->pts[i].y / sum * 100, 1, loc);
        format_compact(val, sizeof(val), s->pts[i].y, s->pts[i].y,
                       d->decimals, loc);
        snprintf(both, sizeof(both), "%s%% · %s%s%s", share, val,
                 d->unit[0] ? " " : "", d->unit);
        char *fit = text_ellipsize(env->text, both, FONT_MEDIUM, px, lw_max);
        widget_text(cr, env, fit, FONT_MEDIUM, px, lx + px * 1.2,
                    ly + line_h * 0.95, COLOR_MUTED, alpha);
        free(fit);
        ly += entry_h;
    }
    if (missing) {
        char note[96];
        snprintf(note, sizeof(note), vi ? "không có số liệu: %zu"
                                        : "no data: %zu", missing);
        widget_text(cr, env, note, FONT_REGULAR, px, lx, ly, COLOR_WARN, 1);
    }
    widget_chart_fini(&cs);
}

const struct widget_class widget_donut_class = {
    .type = "donut",
    .create = donut_create,
    .destroy = donut_destroy,
    .stamp = donut_stamp,
    .paint = donut_paint,
    .next_change = donut_next_change,
};
