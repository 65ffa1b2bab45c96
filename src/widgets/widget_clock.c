/*
 * widget_clock: the wall's time and Vietnamese date.  Digits are drawn at
 * one fixed advance so the time does not jitter as it ticks.  Repaints
 * once per displayed second (or minute without seconds).
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "text/format.h"
#include "widgets/widget.h"

struct clock_w {
    const struct layout_widget *lw;
    const struct widget_env *env;
    bool seconds, date, panel;
    int align;
};

static void *
clock_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct clock_w *c = xcalloc(1, sizeof(*c));
    c->lw = lw;
    c->env = env;
    c->seconds = widget_cfg_bool(lw, "seconds", true);
    c->date = widget_cfg_bool(lw, "date", true);
    c->panel = widget_cfg_bool(lw, "panel", false);
    const char *a = widget_cfg_str(lw, "align", "right");
    c->align = strcmp(a, "left") == 0 ? 0 : strcmp(a, "center") == 0 ? 1 : 2;
    return c;
}

static void
clock_destroy(void *self)
{
    free(self);
}

static int64_t
period_ms(const struct clock_w *c)
{
    return c->seconds ? 1000 : 60000;
}

static uint64_t
clock_stamp(void *self, const struct frame_state *fs)
{
    struct clock_w *c = self;
    int64_t t = fs->now_ms + (int64_t)c->env->layout->utc_offset_min * 60000;
    return (uint64_t)(t >= 0 ? t / period_ms(c) : t / period_ms(c) - 1);
}

static int64_t
clock_next_change(void *self, const struct frame_state *fs)
{
    struct clock_w *c = self;
    int64_t p = period_ms(c);
    int64_t local = fs->now_ms + (int64_t)c->env->layout->utc_offset_min *
                                     60000;
    int64_t next = (local / p + 1) * p;
    return next - (int64_t)c->env->layout->utc_offset_min * 60000;
}

static void
clock_paint(void *self, cairo_t *cr, int w, int h, const struct frame_state *fs)
{
    struct clock_w *c = self;
    const struct widget_env *env = c->env;
    int pad = c->panel ? widget_panel(cr, env, w, h) : (int)(8 * env->scale);
    struct civil_time ct;
    time_to_civil(fs->now_ms, env->layout->utc_offset_min, &ct);
    char tbuf[16], dbuf[96];
    format_time(tbuf, sizeof(tbuf), &ct, c->seconds);
    format_date_long(dbuf, sizeof(dbuf), &ct, env->layout->locale);

    int px = widget_px(env, TEXT_ROLE_DISPLAY);
    int dpx = widget_px(env, TEXT_ROLE_BODY);
    struct text_extent de = text_measure(env->text, dbuf, FONT_REGULAR, dpx);
    /* Fit the time's height to the cell, keeping room for the date. */
    int room_h = h - 2 * pad - (c->date ? de.height : 0);
    struct text_extent te = text_measure(env->text, "0", FONT_MEDIUM, px);
    while (te.height > room_h && px > dpx) {
        px = px * 9 / 10;
        te = text_measure(env->text, "0", FONT_MEDIUM, px);
    }
    int digit_w = 0;
    for (char d = '0'; d <= '9'; d++) {
        char s[2] = {d, 0};
        int dw = text_measure(env->text, s, FONT_MEDIUM, px).width;
        digit_w = dw > digit_w ? dw : digit_w;
    }
    int colon_w = text_measure(env->text, ":", FONT_MEDIUM, px).width;
    int total = 0;
    for (const char *p = tbuf; *p; p++) {
        total += *p == ':' ? colon_w : digit_w;
    }
    int block_h = te.height + (c->date ? de.height : 0);
    int y = (h - block_h) / 2;
    int x = c->align == 0 ? pad : c->align == 1 ? (w - total) / 2
                                                : w - pad - total;
    for (const char *p = tbuf; *p; p++) {
        char s[2] = {*p, 0};
        int cw = *p == ':' ? colon_w : digit_w;
        int gw = text_measure(env->text, s, FONT_MEDIUM, px).width;
        widget_text(cr, env, s, FONT_MEDIUM, px, x + (cw - gw) / 2.0, y,
                    COLOR_ACCENT, 1);
        x += cw;
    }
    if (c->date) {
        int dx = c->align == 0 ? pad : c->align == 1 ? (w - de.width) / 2
                                                     : w - pad - de.width;
        widget_text(cr, env, dbuf, FONT_REGULAR, dpx, dx, y + te.height,
                    COLOR_MUTED, 1);
    }
}

const struct widget_class widget_clock_class = {
    .type = "clock",
    .create = clock_create,
    .destroy = clock_destroy,
    .stamp = clock_stamp,
    .paint = clock_paint,
    .next_change = clock_next_change,
};
