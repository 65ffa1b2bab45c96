/*
 * widget_ticker: a label and items scrolling right to left.
 *
 * Design: the items are rasterised once into an auxiliary strip texture
 * and the GPU moves it: each frame only new quads are computed (a few
 * floats), so scrolling costs no Cairo work and no upload.  A long strip
 * would exceed the GPU's texture size, so it is folded into rows of
 * ROW_W pixels; a frame's visible window is cut into one quad per row it
 * crosses.  The strip is repeated until it is at least as wide as the
 * window, so the loop is seamless.  The position is a pure function of
 * the frame time, so a fixed --at renders the same picture.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "widgets/widget.h"

#define ROW_W 4096
#define MAX_STRIP (ROW_W * 64)

struct ticker {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *source, *items;
    const char *label;
    double speed; /* canvas px per second */
    /* Filled by paint, used by aux_*: */
    char *content;  /* items joined, NFC */
    int strip_w;    /* one period of the loop, px */
    int reps;       /* content repetitions in the strip */
    int line_h, text_y, label_w, win_w, h;
};

static void *
ticker_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct ticker *t = xcalloc(1, sizeof(*t));
    const cJSON *c = lw->config;
    t->lw = lw;
    t->env = env;
    t->source = cJSON_GetObjectItemCaseSensitive(c, "source");
    t->items = cJSON_GetObjectItemCaseSensitive(c, "items");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(c, "label");
    t->label = cJSON_IsString(label) ? label->valuestring : NULL;
    const cJSON *speed = cJSON_GetObjectItemCaseSensitive(c, "speed");
    t->speed = cJSON_IsNumber(speed) ? speed->valuedouble : 120;
    return t;
}

static void
ticker_destroy(void *self)
{
    struct ticker *t = self;
    if (t) {
        free(t->content);
        free(t);
    }
}

static uint64_t
ticker_stamp(void *self, const struct frame_state *fs)
{
    struct ticker *t = self;
    return widget_stamp_spec(t->env, fs, t->source, 0x5449434b);
}

static void
build_content(struct ticker *t, const struct frame_state *fs)
{
    /* Items: a bound array, a wildcard selection ("/rows/ * /title"
     * without spaces), or the literal list. */
    const cJSON *sel[200];
    size_t nsel = 0;
    const cJSON *arr = t->items;
    if (t->source) {
        const cJSON *ptr = cJSON_GetObjectItemCaseSensitive(t->source,
                                                            "pointer");
        struct bound b = widget_resolve(t->env, fs, t->source);
        if (cJSON_IsString(ptr) && jsonptr_has_wildcard(ptr->valuestring)) {
            if (b.snap && b.snap->root) {
                nsel = jsonptr_select(b.snap->root, ptr->valuestring, sel,
                                      200);
                arr = NULL;
            }
        } else if (cJSON_IsArray(b.value)) {
            arr = b.value;
        }
    }
    for (const cJSON *it = arr ? arr->child : NULL; it && nsel < 200;
         it = it->next) {
        sel[nsel++] = it;
    }
    size_t cap = 256, len = 0;
    char *s = xmalloc(cap);
    s[0] = '\0';
    for (size_t k = 0; k < nsel; k++) {
        const cJSON *it = sel[k];
        if (!cJSON_IsString(it) || !it->valuestring[0]) {
            continue;
        }
        char *nfc = text_nfc(it->valuestring);
        size_t need = len + strlen(nfc) + 16;
        if (need > cap) {
            cap = need * 2;
            s = xrealloc(s, cap);
        }
        len += (size_t)snprintf(s + len, cap - len, "%s     •     ", nfc);
        free(nfc);
    }
    free(t->content);
    t->content = s;
}

static void
ticker_paint(void *self, cairo_t *cr, int w, int h,
             const struct frame_state *fs)
{
    struct ticker *t = self;
    const struct widget_env *env = t->env;
    widget_set_color(cr, env, COLOR_PANEL, 1);
    cairo_paint(cr);
    widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
    cairo_rectangle(cr, 0, 0, w, fmax(1, 2 * env->scale));
    cairo_fill(cr);

    int px = widget_px(env, TEXT_ROLE_BODY);
    struct text_extent le = {0};
    t->label_w = 0;
    if (t->label) {
        le = text_measure(env->text, t->label, FONT_BOLD, px);
        int lpad = (int)lround(px * 0.6);
        t->label_w = le.width + 2 * lpad;
        widget_set_color(cr, env, COLOR_BAD, 1);
        cairo_rectangle(cr, 0, 0, t->label_w, h);
        cairo_fill(cr);
        widget_text(cr, env, t->label, FONT_BOLD, px, lpad,
                    (h - le.height) / 2.0, COLOR_TEXT, 1);
    }
    build_content(t, fs);
    struct text_extent ce = text_measure(env->text, "Ag", FONT_REGULAR, px);
    t->line_h = ce.height;
    t->text_y = (h - ce.height) / 2;
    t->h = h;
    t->win_w = w - t->label_w - (int)lround(px * 0.5);
    int one = t->content[0]
                  ? text_measure(env->text, t->content, FONT_REGULAR, px).width
                  : 0;
    t->reps = 0;
    t->strip_w = 0;
    if (one > 0 && t->win_w > 0) {
        t->reps = (t->win_w + one - 1) / one;
        if (t->reps < 1) {
            t->reps = 1;
        }
        t->strip_w = one * t->reps;
        if (t->strip_w > MAX_STRIP) {
            t->strip_w = 0; /* absurdly long: nothing scrolls, see log */
        }
    }
}

static bool
ticker_aux_size(void *self, int *w, int *h)
{
    struct ticker *t = self;
    if (t->strip_w <= 0) {
        return false;
    }
    int rows = (t->strip_w + ROW_W - 1) / ROW_W;
    *w = t->strip_w < ROW_W ? t->strip_w : ROW_W;
    *h = rows * t->line_h;
    return true;
}

static void
ticker_aux_paint(void *self, cairo_t *cr)
{
    struct ticker *t = self;
    const struct widget_env *env = t->env;
    int px = widget_px(env, TEXT_ROLE_BODY);
    int one = t->strip_w / t->reps;
    int rows = (t->strip_w + ROW_W - 1) / ROW_W;
    for (int r = 0; r < rows; r++) {
        cairo_save(cr);
        cairo_rectangle(cr, 0, r * t->line_h, ROW_W, t->line_h);
        cairo_clip(cr);
        /* Draw each repetition that touches this row. */
        for (int k = 0; k < t->reps; k++) {
            int x = k * one - r * ROW_W;
            if (x + one < 0 || x > ROW_W) {
                continue;
            }
            widget_text(cr, env, t->content, FONT_REGULAR, px, x,
                        r * t->line_h, COLOR_TEXT, 1);
        }
        cairo_restore(cr);
    }
}

static int
ticker_aux_quads(void *self, const struct frame_state *fs,
                 struct widget_quad *out)
{
    struct ticker *t = self;
    if (t->strip_w <= 0 || t->win_w <= 0) {
        return 0;
    }
    double px_per_ms = t->speed * t->env->scale / 1000.0;
    double off = fmod((double)fs->now_ms * px_per_ms, (double)t->strip_w);
    if (off < 0) {
        off += t->strip_w;
    }
    /* Whole pixels: one texel per pixel, no resampling blur, and the
     * wall can lay the strip on the CPU (at 60 Hz, 120 px/s is exactly
     * 2 px a frame). */
    off = floor(off);
    double x0 = floor(t->label_w + t->env->scale * 24 + 0.5);
    double shown = 0, win = t->h > 0 ? t->win_w : 0;
    int n = 0;
    while (shown < win && n < WIDGET_MAX_QUADS) {
        double c = fmod(off + shown, (double)t->strip_w);
        int row = (int)(c / ROW_W);
        double in_row = c - (double)row * ROW_W;
        double row_end = fmin((double)ROW_W, (double)t->strip_w -
                                                 (double)row * ROW_W);
        double len = fmin(row_end - in_row, win - shown);
        if (len <= 0) {
            break;
        }
        out[n++] = (struct widget_quad){
            .sx = (float)in_row, .sy = (float)(row * t->line_h),
            .sw = (float)len, .sh = (float)t->line_h,
            .dx = (float)(x0 + shown), .dy = (float)t->text_y,
            .dw = (float)len, .dh = (float)t->line_h};
        shown += len;
    }
    return n;
}

const struct widget_class widget_ticker_class = {
    .type = "ticker",
    .create = ticker_create,
    .destroy = ticker_destroy,
    .stamp = ticker_stamp,
    .paint = ticker_paint,
    .aux_size = ticker_aux_size,
    .aux_paint = ticker_aux_paint,
    .aux_quads = ticker_aux_quads,
};
