/*
 * widget_text: static or bound text, word-wrapped to the cell; lines that
 * do not fit are cut with an ellipsis on the last line that does, never
 * shrunk below the role's size.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "widgets/widget.h"

struct text_w {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const cJSON *text;
    enum text_role role;
    enum font_weight weight;
    enum color_role color;
    int align; /* 0 left, 1 center, 2 right */
    bool panel;
};

static int
pick(const char *s, const char *const *names, int count, int def)
{
    for (int i = 0; i < count; i++) {
        if (strcmp(s, names[i]) == 0) {
            return i;
        }
    }
    return def;
}

static void *
text_create(const struct layout_widget *lw, const struct widget_env *env)
{
    static const char *const roles[] = {"small", "body", "title", "value",
                                        "display"};
    static const char *const weights[] = {"regular", "medium", "bold"};
    static const char *const aligns[] = {"left", "center", "right"};
    static const char *const colors[] = {"text", "muted", "accent", "good",
                                         "bad", "warn"};
    static const enum color_role color_roles[] = {
        COLOR_TEXT, COLOR_MUTED, COLOR_ACCENT, COLOR_GOOD, COLOR_BAD,
        COLOR_WARN};
    struct text_w *t = xcalloc(1, sizeof(*t));
    t->lw = lw;
    t->env = env;
    t->text = cJSON_GetObjectItemCaseSensitive(lw->config, "text");
    t->role = (enum text_role)pick(widget_cfg_str(lw, "size", "body"), roles, 5, 1);
    t->weight = (enum font_weight)pick(widget_cfg_str(lw, "weight", "regular"), weights,
                                       3, 0);
    t->align = pick(widget_cfg_str(lw, "align", "left"), aligns, 3, 0);
    t->color = color_roles[pick(widget_cfg_str(lw, "color", "text"), colors, 6, 0)];
    t->panel = widget_cfg_bool(lw, "panel", true);
    return t;
}

static void
text_destroy(void *self)
{
    free(self);
}

static uint64_t
text_stamp(void *self, const struct frame_state *fs)
{
    struct text_w *t = self;
    return widget_stamp_spec(t->env, fs, t->text, 0x54455854);
}

static void
text_paint(void *self, cairo_t *cr, int w, int h, const struct frame_state *fs)
{
    struct text_w *t = self;
    const struct widget_env *env = t->env;
    int pad = t->panel ? widget_panel(cr, env, w, h) : 0;
    int top = t->panel ? widget_title(cr, env, t->lw->title, pad, w) : 0;
    struct bound b = widget_resolve(env, fs, t->text);
    const char *s = cJSON_IsString(b.value) ? b.value->valuestring
                                             : "\xE2\x80\x94";
    int px = widget_px(env, t->role);
    int line_h = text_measure(env->text, "Ag", t->weight, px).height;
    int max_lines = line_h > 0 ? (h - top - pad) / line_h : 1;
    if (max_lines < 1) {
        max_lines = 1;
    }
    if (max_lines > 64) {
        max_lines = 64;
    }
    char *lines[64];
    char *nfc = text_nfc(s);
    int n = widget_wrap(env->text, nfc, t->weight, px, w - 2 * pad, lines,
                 max_lines);
    free(nfc);
    /* Under a title, text reads from the top; alone, it is centred. */
    int y = t->lw->title && t->panel ? top + pad / 2
                                     : top + ((h - top - pad) - n * line_h) / 2;
    for (int i = 0; i < n; i++) {
        char *fit = text_ellipsize(env->text, lines[i], t->weight, px,
                                   w - 2 * pad);
        int lw = text_measure(env->text, fit, t->weight, px).width;
        int x = t->align == 0 ? pad : t->align == 1 ? (w - lw) / 2
                                                    : w - pad - lw;
        widget_text(cr, env, fit, t->weight, px, x, y + i * line_h, t->color,
                    1);
        free(fit);
        free(lines[i]);
    }
}

const struct widget_class widget_text_class = {
    .type = "text",
    .create = text_create,
    .destroy = text_destroy,
    .stamp = text_stamp,
    .paint = text_paint,
};
