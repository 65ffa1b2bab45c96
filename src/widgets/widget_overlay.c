/*
 * widget_overlay: what the operator and the wall itself lay over the
 * scene — the frozen-data band ("SỐ LIỆU TẠI THỜI ĐIỂM 09:00 · ĐÃ CỐ
 * ĐỊNH"), a notice until its time is up, and the technicians' banner (a
 * failed reload).  Not a layout type: the wall makes one per scene, last,
 * in a band at the top of one display (never across a mullion).  Paints
 * nothing when there is nothing to say.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "text/format.h"
#include "widgets/widget.h"

struct overlay_w {
    const struct widget_env *env;
};

static void *
overlay_create(const struct layout_widget *lw, const struct widget_env *env)
{
    (void)lw;
    struct overlay_w *o = xcalloc(1, sizeof(*o));
    o->env = env;
    return o;
}

static void
overlay_destroy(void *self)
{
    free(self);
}

static bool
notice_on(const struct frame_state *fs)
{
    const struct frame_aids *a = fs->aids;
    return a && a->notice && a->notice[0] &&
           (a->notice_until_ms == 0 || fs->now_ms < a->notice_until_ms);
}

static uint64_t
overlay_stamp(void *self, const struct frame_state *fs)
{
    (void)self;
    const struct frame_aids *a = fs->aids;
    if (!a) {
        return 0;
    }
    uint64_t h = widget_stamp_mix(0x4f564c, (uint64_t)a->frozen_at_ms);
    h = widget_stamp_str(h, notice_on(fs) ? a->notice : NULL);
    return widget_stamp_str(h, a->banner);
}

static int64_t
overlay_next_change(void *self, const struct frame_state *fs)
{
    (void)self;
    return notice_on(fs) && fs->aids->notice_until_ms > 0
               ? fs->aids->notice_until_ms
               : INT64_MAX;
}

/* One box of wrapped lines, centred; returns the y below it. */
static double
box(cairo_t *cr, const struct widget_env *env, const char *text, int w,
    double y, enum text_role role, enum font_weight wt, enum color_role fill,
    enum color_role ink, int max_lines)
{
    double s = env->scale;
    int px = widget_px(env, role);
    int pad = (int)(px * 0.6);
    char *lines[4];
    char *nfc = text_nfc(text);
    int n = widget_wrap(env->text, nfc, wt, px, w - 4 * pad, lines,
                        max_lines > 4 ? 4 : max_lines);
    free(nfc);
    int line_h = text_measure(env->text, "Ág", wt, px).height;
    int widest = 0;
    for (int i = 0; i < n; i++) {
        int lw = text_measure(env->text, lines[i], wt, px).width;
        widest = lw > widest ? lw : widest;
    }
    double bw = widest + 2.0 * pad, bh = n * line_h + 1.2 * pad;
    double bx = (w - bw) / 2;
    widget_rounded_rect(cr, bx, y, bw, bh, 10 * s);
    widget_set_color(cr, env, fill, 1);
    cairo_fill_preserve(cr);
    widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
    cairo_set_line_width(cr, 2 * s > 1 ? 2 * s : 1);
    cairo_stroke(cr);
    for (int i = 0; i < n; i++) {
        int lw = text_measure(env->text, lines[i], wt, px).width;
        char *fit = text_ellipsize(env->text, lines[i], wt, px, w - 4 * pad);
        widget_text(cr, env, fit, wt, px, (w - lw) / 2.0,
                    y + 0.6 * pad + i * line_h, ink, 1);
        free(fit);
        free(lines[i]);
    }
    return y + bh + 0.4 * px;
}

static void
overlay_paint(void *self, cairo_t *cr, int w, int h,
              const struct frame_state *fs)
{
    struct overlay_w *o = self;
    const struct widget_env *env = o->env;
    const struct frame_aids *a = fs->aids;
    (void)h;
    if (!a) {
        return;
    }
    double y = 0;
    if (a->frozen_at_ms > 0) {
        /* The moment the data was frozen, in the wall's time zone. */
        struct civil_time ct;
        time_to_civil(a->frozen_at_ms, env->layout->utc_offset_min, &ct);
        char hm[16], day[32], text[160];
        format_time(hm, sizeof(hm), &ct, 0);
        format_date_short(day, sizeof(day), &ct, env->layout->locale);
        if (env->layout->locale == LAYOUT_LOCALE_EN_US) {
            snprintf(text, sizeof(text), "DATA AS AT %s %s · FROZEN", hm, day);
        } else {
            snprintf(text, sizeof(text), "SỐ LIỆU TẠI THỜI ĐIỂM %s %s · "
                     "ĐÃ CỐ ĐỊNH", hm, day);
        }
        y = box(cr, env, text, w, y, TEXT_ROLE_TITLE, FONT_BOLD, COLOR_WARN,
                COLOR_BACKGROUND, 1);
    }
    if (notice_on(fs)) {
        y = box(cr, env, a->notice, w, y, TEXT_ROLE_TITLE, FONT_MEDIUM,
                COLOR_PANEL, COLOR_TEXT, 2);
    }
    if (a->banner && a->banner[0]) {
        box(cr, env, a->banner, w, y, TEXT_ROLE_SMALL, FONT_MEDIUM, COLOR_BAD,
            COLOR_BACKGROUND, 3);
    }
}

const struct widget_class widget_overlay_class = {
    .type = "overlay",
    .create = overlay_create,
    .destroy = overlay_destroy,
    .stamp = overlay_stamp,
    .paint = overlay_paint,
    .next_change = overlay_next_change,
};
