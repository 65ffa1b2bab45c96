/*
 * widget_gauge: a value against its plan (public-investment disbursement
 * against the year's plan), as an arc (`gauge`) or a bar (`progress`).
 *
 *      ╭──────╮          58,7%  kế hoạch
 *     ╱ 58,7%  ╲         ████████████░░░░░│░░░░░
 *       kế hoạch                          ▲ tiến độ cần đạt 89,3%
 *   587,4 / 1.000 nghìn tỷ đồng
 *
 * The track is 0–100 % of the plan; a value beyond the plan fills it and
 * says so.  `expected` (where the value should be by now) is marked on
 * the track, so "58,7 %" is read against what it should be.  A missing
 * value is "—" with an empty track, never 0 %.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/format.h"
#include "widgets/widget_chart.h"

struct gauge {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *value, *target, *expected, *period, *thresholds;
    const char *unit, *target_label;
    int decimals;
    bool arc;
    struct widget_anim anim; /* the fill moving to a new value */
};

static void *
gauge_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct gauge *g = calloc(1, sizeof(*g));
    if (!g) {
        return NULL;
    }
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    g->lw = lw;
    g->env = env;
    g->value = cJSON_GetObjectItemCaseSensitive(lw->config, "value");
    g->target = cJSON_GetObjectItemCaseSensitive(lw->config, "target");
    g->expected = cJSON_GetObjectItemCaseSensitive(lw->config, "expected");
    g->period = cJSON_GetObjectItemCaseSensitive(lw->config, "period");
    g->thresholds = cJSON_GetObjectItemCaseSensitive(lw->config,
                                                     "thresholds");
    g->unit = widget_cfg_str(lw, "unit", "");
    g->target_label = widget_cfg_str(lw, "target_label",
                                     vi ? "kế hoạch" : "of plan");
    g->decimals = widget_cfg_int(lw, "decimals", 1);
    g->arc = strcmp(lw->type, "gauge") == 0;
    widget_anim_init(&g->anim, lw);
    return g;
}

static void
gauge_destroy(void *self)
{
    free(self);
}

static uint64_t
gauge_stamp(void *self, const struct frame_state *fs)
{
    struct gauge *g = self;
    uint64_t h = widget_stamp_spec(g->env, fs, g->value, 0x47415547);
    h = widget_stamp_spec(g->env, fs, g->target, h);
    h = widget_stamp_spec(g->env, fs, g->expected, h);
    h = widget_anim_stamp(&g->anim, fs->now_ms, h);
    return widget_stamp_spec(g->env, fs, g->period, h);
}

static int64_t
gauge_next_change(void *self, const struct frame_state *fs)
{
    struct gauge *g = self;
    struct bound b = widget_resolve(g->env, fs, g->value);
    int64_t next = b.src ? widget_source_next_change(b.snap, b.src,
                                                     fs->now_ms)
                         : INT64_MAX;
    return widget_anim_next_change(&g->anim, fs->now_ms, next);
}

/* The biggest size from `from` down to `floor_px` at which s fits max_w. */
static int
fit_px(const struct widget_env *env, const char *s, enum font_weight fw,
       int from, int floor_px, int max_w)
{
    int px = from;
    while (px > floor_px &&
           text_measure(env->text, s, fw, px).width > max_w) {
        px = px * 9 / 10 < floor_px ? floor_px : px * 9 / 10;
    }
    return px;
}

static void
gauge_paint(void *self, cairo_t *cr, int w, int h,
            const struct frame_state *fs)
{
    struct gauge *g = self;
    const struct widget_env *env = g->env;
    const enum layout_locale loc = env->layout->locale;
    const bool vi = loc == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, g->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;

    struct bound vb = widget_resolve(env, fs, g->value);
    struct bound tb = widget_resolve(env, fs, g->target);
    struct bound eb = widget_resolve(env, fs, g->expected);
    double v = 0, t = 0, e = 0;
    bool have_t = widget_bound_number(&tb, &t) && t > 0;
    bool have = widget_bound_number(&vb, &v) && have_t;
    bool have_e = have_t && widget_bound_number(&eb, &e);
    double alpha = have ? widget_state_alpha(widget_bound_state(&vb,
                                                                fs->now_ms))
                        : 1;
    char period[128];
    widget_text_of(period, sizeof(period), env, fs, g->period);
    int footer_y = widget_footer(cr, env, w, h, pad, period, &vb, have, fs);

    double pct = have ? v / t * 100.0 : NAN;
    double epct = have_e ? e / t * 100.0 : NAN;
    enum color_role role = have ? widget_threshold_color(g->thresholds, pct,
                                                         COLOR_ACCENT)
                                : COLOR_MUTED;
    char pct_s[64], amount[192] = "", exp_s[128] = "";
    if (have) {
        format_number(pct_s, sizeof(pct_s), pct, g->decimals, loc);
        strcat(pct_s, "%");
    } else {
        snprintf(pct_s, sizeof(pct_s), "\xE2\x80\x94");
    }
    if (have) {
        /* Exact figures: the unit may already carry a scale ("tỷ đồng"),
         * so no compact word is added to it. */
        char a[64], b[64];
        int dec = fabs(t) >= 1e4 ? 0 : g->decimals;
        format_number(a, sizeof(a), v, dec, loc);
        format_number(b, sizeof(b), t, dec, loc);
        snprintf(amount, sizeof(amount), "%s / %s%s%s", a, b,
                 g->unit[0] ? " " : "", g->unit);
        if (strcmp(g->unit, "%") == 0 && t == 100) {
            amount[0] = '\0'; /* "58,7 / 100 %" says nothing more */
        }
    } else if (!have_t && tb.value) {
        snprintf(amount, sizeof(amount), vi ? "kế hoạch không hợp lệ"
                                            : "invalid plan");
    }
    if (have_e) {
        char a[64];
        format_number(a, sizeof(a), epct, g->decimals, loc);
        snprintf(exp_s, sizeof(exp_s), vi ? "tiến độ cần đạt %s%%"
                                           : "expected by now %s%%", a);
    }
    /* The graphic may move to a new value (`animate`); the numbers
     * written are the new value already. */
    widget_anim_target(&g->anim, &pct, 1, fs->now_ms);
    double shown = widget_anim_at(&g->anim, 0, fs->now_ms);
    double fill = have ? fmin(fmax(shown, 0), 100) / 100.0 : 0;
    double track = fmax(px * 0.45, 3);
    int bottom = footer_y - (int)(pad * 0.3);
    int vpx_max = widget_px(env, TEXT_ROLE_VALUE);
    int vpx_min = widget_px(env, TEXT_ROLE_TITLE);

    /* The amount and the expected pace: under the graphic, or beside an
     * arc when the cell is wide. */
    int lines = (amount[0] ? 1 : 0) + (exp_s[0] ? 1 : 0) + (pct > 100);
    double arc_h = bottom - y - pad * 0.3;
    int need_w = 0;
    if (amount[0]) {
        need_w = text_measure(env->text, amount, FONT_MEDIUM, px).width;
    }
    if (exp_s[0]) {
        int ew = text_measure(env->text, exp_s, FONT_REGULAR, px).width;
        need_w = ew > need_w ? ew : need_w;
    }
    bool beside = g->arc && lines &&
                  (w - 2 * pad) - 2 * arc_h / 1.5 - px >= need_w;
    int text_bottom = beside ? bottom : bottom - lines * line_h;
    double tx = pad, ty0 = text_bottom;
    int text_w = w - 2 * pad;
    if (beside) {
        double r = arc_h / 1.5;
        tx = pad + 2 * r + px;
        text_w = (int)(w - pad - tx);
        ty0 = y + pad * 0.3 + (arc_h - lines * line_h) / 2;
    }
    double ly = ty0;
    if (amount[0]) {
        char *fit = text_ellipsize(env->text, amount, FONT_MEDIUM, px,
                                   text_w);
        widget_text(cr, env, fit, FONT_MEDIUM, px, tx, ly, COLOR_TEXT,
                    0.9 * alpha);
        free(fit);
        ly += line_h;
    }
    if (exp_s[0]) {
        bool behind = have && pct < epct;
        char *fit = text_ellipsize(env->text, exp_s, FONT_REGULAR, px,
                                   text_w);
        widget_text(cr, env, fit, FONT_REGULAR, px, tx, ly,
                    behind ? COLOR_WARN : COLOR_MUTED, 1);
        free(fit);
        ly += line_h;
    }
    if (pct > 100) {
        widget_text(cr, env, vi ? "vượt kế hoạch" : "above plan",
                    FONT_MEDIUM, px, tx, ly, COLOR_GOOD, alpha);
    }

    int label_w = text_measure(env->text, g->target_label, FONT_REGULAR,
                               px).width;
    if (g->arc) {
        /* 240° arc: its height is 1.5 r. */
        double space_h = text_bottom - y - pad * 0.3;
        double r = fmin((w - 2 * pad) / 2.0, space_h / 1.5) - track;
        if (r < px) {
            return;
        }
        double cx = beside ? pad + track + r : w / 2.0;
        double cy = y + pad * 0.3 + track + r;
        double a0 = M_PI * 5 / 6, a1 = M_PI * 13 / 6;
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        cairo_set_line_width(cr, track);
        widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
        cairo_arc(cr, cx, cy, r, a0, a1);
        cairo_stroke(cr);
        if (fill > 0) {
            widget_set_color(cr, env, role, alpha);
            cairo_arc(cr, cx, cy, r, a0, a0 + (a1 - a0) * fill);
            cairo_stroke(cr);
        }
        if (have_e) {
            double ea = a0 + (a1 - a0) * fmin(fmax(epct, 0), 100) / 100.0;
            widget_set_color(cr, env, COLOR_TEXT, 1);
            cairo_set_line_width(cr, fmax(2, px * 0.1));
            cairo_move_to(cr, cx + cos(ea) * (r - track * 0.9),
                          cy + sin(ea) * (r - track * 0.9));
            cairo_line_to(cr, cx + cos(ea) * (r + track * 0.9),
                          cy + sin(ea) * (r + track * 0.9));
            cairo_stroke(cr);
        }
        /* The percentage and its label sit inside the ring, above the
         * opening (which begins r/2 below the centre). */
        int inner = (int)(2 * (r - track) * 0.85);
        int vpx = fit_px(env, pct_s, FONT_BOLD, vpx_max, px, inner);
        struct text_extent ve = text_measure(env->text, pct_s, FONT_BOLD,
                                             vpx);
        while (vpx > px && ve.height * 0.85 + line_h > r * 1.35) {
            vpx = vpx * 9 / 10 < px ? px : vpx * 9 / 10;
            ve = text_measure(env->text, pct_s, FONT_BOLD, vpx);
        }
        double ty = cy + r * 0.45 - line_h - ve.height * 0.85;
        widget_text(cr, env, pct_s, FONT_BOLD, vpx, cx - ve.width / 2.0, ty,
                    have ? role : COLOR_MUTED, alpha);
        widget_text(cr, env, g->target_label, FONT_REGULAR, px,
                    cx - label_w / 2.0, ty + ve.height, COLOR_MUTED, 1);
    } else {
        int vpx = fit_px(env, pct_s, FONT_BOLD, vpx_max, vpx_min,
                         w - 2 * pad - label_w - px);
        struct text_extent ve = text_measure(env->text, pct_s, FONT_BOLD,
                                             vpx);
        double bar_y = text_bottom - pad * 0.3 - track * 2;
        double ty = y + (bar_y - y - ve.height) / 2;
        if (ty < y) {
            ty = y;
        }
        int vx = widget_text(cr, env, pct_s, FONT_BOLD, vpx, pad, ty,
                             have ? role : COLOR_MUTED, alpha);
        struct text_extent le = text_measure(env->text, g->target_label,
                                             FONT_REGULAR, px);
        widget_text(cr, env, g->target_label, FONT_REGULAR, px,
                    pad + vx + px * 0.4, ty + ve.ascent - le.ascent,
                    COLOR_MUTED, 1);
        double bw = w - 2 * pad, bh = track * 1.6;
        widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
        cairo_rectangle(cr, pad, bar_y, bw, bh);
        cairo_fill(cr);
        if (fill > 0) {
            widget_set_color(cr, env, role, alpha);
            cairo_rectangle(cr, pad, bar_y, bw * fill, bh);
            cairo_fill(cr);
        }
        if (have_e) {
            double ex = pad + bw * fmin(fmax(epct, 0), 100) / 100.0;
            widget_set_color(cr, env, COLOR_TEXT, 1);
            cairo_set_line_width(cr, fmax(2, px * 0.1));
            cairo_move_to(cr, round(ex), bar_y - bh * 0.35);
            cairo_line_to(cr, round(ex), bar_y + bh * 1.35);
            cairo_stroke(cr);
        }
    }
}

const struct widget_class widget_gauge_class = {
    .type = "gauge",
    .create = gauge_create,
    .destroy = gauge_destroy,
    .stamp = gauge_stamp,
    .paint = gauge_paint,
    .next_change = gauge_next_change,
};

const struct widget_class widget_progress_class = {
    .type = "progress",
    .create = gauge_create,
    .destroy = gauge_destroy,
    .stamp = gauge_stamp,
    .paint = gauge_paint,
    .next_change = gauge_next_change,
};
