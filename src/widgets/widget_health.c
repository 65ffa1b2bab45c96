/*
 * widget_health: for the technicians, one row per source: a status dot,
 * the source's label, its state in words, how old its data is, and the
 * last error.  Rows that do not fit are counted ("… và 3 nguồn khác"),
 * never squeezed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "text/format.h"
#include "widgets/widget.h"

struct health {
    const struct layout_widget *lw;
    const struct widget_env *env;
    int *srcs; /* layout source indices shown */
    size_t n;
};

static void *
health_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct health *h = xcalloc(1, sizeof(*h));
    h->lw = lw;
    h->env = env;
    const struct layout *l = env->layout;
    h->srcs = xcalloc(l->nsources ? l->nsources : 1, sizeof(int));
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(lw->config,
                                                         "sources");
    for (size_t i = 0; i < l->nsources; i++) {
        bool shown = !want;
        for (const cJSON *w = want ? want->child : NULL; w; w = w->next) {
            shown |= cJSON_IsString(w) &&
                     strcmp(w->valuestring, l->sources[i].name) == 0;
        }
        if (shown) {
            h->srcs[h->n++] = (int)i;
        }
    }
    return h;
}

static void
health_destroy(void *self)
{
    struct health *h = self;
    if (h) {
        free(h->srcs);
        free(h);
    }
}

static const struct snapshot *
snap_of(const struct frame_state *fs, int idx)
{
    return (size_t)idx < fs->nsnapshots ? fs->snapshots[idx] : NULL;
}

static uint64_t
health_stamp(void *self, const struct frame_state *fs)
{
    struct health *h = self;
    uint64_t st = 0x4845414c;
    for (size_t i = 0; i < h->n; i++) {
        const struct layout_source *src = &h->env->layout->sources[h->srcs[i]];
        const struct snapshot *s = snap_of(fs, h->srcs[i]);
        st = widget_stamp_mix(st, s ? s->generation : 0);
        st = widget_stamp_mix(st, snapshot_state(s, src, fs->now_ms));
        st = widget_stamp_mix(st, (uint64_t)widget_age_minute(s, fs->now_ms));
    }
    return st;
}

static int64_t
health_next_change(void *self, const struct frame_state *fs)
{
    struct health *h = self;
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < h->n; i++) {
        int64_t t = widget_source_next_change(
            snap_of(fs, h->srcs[i]), &h->env->layout->sources[h->srcs[i]],
            fs->now_ms);
        next = t < next ? t : next;
    }
    return next;
}

static void
health_paint(void *self, cairo_t *cr, int w, int hgt,
             const struct frame_state *fs)
{
    struct health *h = self;
    const struct widget_env *env = h->env;
    const int vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    static const char *const vi_names[] = {"chưa có số liệu", "bình thường",
                                           "chậm cập nhật", "số liệu cũ",
                                           "lỗi"};
    static const char *const en_names[] = {"no data", "ok", "late", "stale",
                                           "error"};
    static const enum color_role colors[] = {COLOR_MUTED, COLOR_GOOD,
                                             COLOR_WARN, COLOR_STALE,
                                             COLOR_BAD};
    int pad = widget_panel(cr, env, w, hgt);
    int y = widget_title(cr, env, h->lw->title, pad, w) + pad / 3;
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    int row_h = (int)(line * 1.15);
    /* Columns from the text itself: dot, label, state, detail.  The state
     * column fits its longest word; the detail column (age, error) is left
     * out when it would have less room than a few characters; labels are
     * cut with an ellipsis last. */
    const char *const *names = vi ? vi_names : en_names;
    int state_w = 0;
    for (size_t i = 0; i < h->n; i++) {
        const struct layout_source *src = &env->layout->sources[h->srcs[i]];
        enum source_state st = snapshot_state(snap_of(fs, h->srcs[i]), src,
                                              fs->now_ms);
        int sw = text_measure(env->text, names[st], FONT_REGULAR, px).width;
        state_w = sw > state_w ? sw : state_w;
    }
    int inner = w - 2 * pad - px; /* after the dot */
    int gap = px / 2;
    int label_w = inner * 40 / 100;
    bool show_detail = inner - label_w - state_w - 2 * gap >= 6 * px;
    if (!show_detail) {
        label_w = inner - state_w - gap;
    }
    int rows = (hgt - pad - y) / row_h;
    for (size_t i = 0; i < h->n; i++) {
        bool last_row = (int)i == rows - 1 && h->n > (size_t)rows;
        if ((int)i >= rows) {
            break;
        }
        if (last_row) {
            char more[96];
            snprintf(more, sizeof(more), vi ? "… và %zu nguồn khác"
                                            : "… and %zu more sources",
                     h->n - i);
            widget_text(cr, env, more, FONT_REGULAR, px, pad, y, COLOR_MUTED,
                        1);
            break;
        }
        const struct layout_source *src = &env->layout->sources[h->srcs[i]];
        const struct snapshot *s = snap_of(fs, h->srcs[i]);
        enum source_state st = snapshot_state(s, src, fs->now_ms);
        widget_set_color(cr, env, colors[st], 1);
        cairo_arc(cr, pad + px * 0.3, y + line * 0.55, px * 0.22, 0, 2 * M_PI);
        cairo_fill(cr);
        int x = pad + px;
        char *label = text_ellipsize(env->text, src->label, FONT_MEDIUM, px,
                                     label_w);
        widget_text(cr, env, label, FONT_MEDIUM, px, x, y, COLOR_TEXT, 1);
        free(label);
        x += label_w + gap;
        widget_text(cr, env, names[st], FONT_REGULAR, px, x, y, colors[st],
                    1);
        x += state_w + gap;
        if (!show_detail) {
            y += row_h;
            continue;
        }
        char detail[512] = "";
        char fresh[160];
        widget_freshness(fresh, sizeof(fresh), env, s, fs->now_ms);
        if (s && s->error) {
            snprintf(detail, sizeof(detail), "%s%s%s", s->error,
                     fresh[0] ? " · " : "", fresh);
        } else {
            snprintf(detail, sizeof(detail), "%s", fresh);
        }
        char *d = text_ellipsize(env->text, detail, FONT_REGULAR, px,
                                 w - pad - x);
        widget_text(cr, env, d, FONT_REGULAR, px, x, y, COLOR_MUTED, 1);
        free(d);
        y += row_h;
    }
}

const struct widget_class widget_health_class = {
    .type = "health",
    .create = health_create,
    .destroy = health_destroy,
    .stamp = health_stamp,
    .paint = health_paint,
    .next_change = health_next_change,
};
