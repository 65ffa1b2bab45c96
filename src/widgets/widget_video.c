/*
 * widget_video: live video tiles: `video` (one stream) and `conference`
 * (the bridge points of a conference: up to 72 streams in a grid laid out
 * for the cell, or one promoted to a large view).
 *
 * Each stream is decoded on its own thread (video_decoder); the pictures
 * reach the GPU as YUV planes through the widget's video tiles, so a new
 * picture costs an upload and a redraw of that tile only.  The Cairo
 * layer draws what changes rarely: the tile frames, the name bar under
 * each picture with the province's name and the stream's state
 * ("đang kết nối", "mất tín hiệu 14:05", "đang kết nối lại"), the active
 * speaker's frame and the muted microphones, read from a status source.
 * A lost stream's last picture stays, dimmed: the wall never goes black
 * and never shows a frozen picture as live.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "text/format.h"
#include "video/video_decoder.h"
#include "widgets/widget.h"

#define LOG_MODULE "video"
#include "base/log.h"

#define CONF_MAX WIDGET_MAX_VIDEO
/* How often the widget looks for new pictures while a stream plays. */
#define VIDEO_POLL_MS 10

struct tile {
    const char *url, *label, *code;
    struct video_decoder *dec;
    struct video_image img;     /* the picture shown */
    uint64_t seq;
    struct video_status st;     /* as of the last stamp */
    bool unknown;               /* replay: the record has no state */
    /* Where the picture goes, in widget pixels (from the last paint). */
    double vx, vy, vw, vh;
};

struct video_w {
    const struct layout_widget *lw;
    const struct widget_env *env;
    struct tile t[CONF_MAX];
    int n;
    int columns, rows;          /* explicit grid, or 0 */
    const cJSON *status;        /* binding: {active, muted[]} */
    const char *promote;        /* a tile shown large */
};

static const char *
item_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Files play at their own pace and loop; anything with a scheme other
 * than file: is live unless told otherwise. */
static void
start_tile(struct tile *t, const cJSON *cfg, const struct widget_env *env,
           const struct layout_widget *lw, int show_width)
{
    bool file = !strstr(t->url, "://") || strncmp(t->url, "file:", 5) == 0;
    const cJSON *live = cJSON_GetObjectItemCaseSensitive(cfg, "live");
    char *path = NULL;
    const char *url = t->url;
    if (file) {
        path = layout_resolve_path(env->layout, strncmp(url, "file:", 5) == 0
                                                    ? url + 5
                                                    : url);
        url = path;
    }
    struct video_opts o = {
        .url = url,
        .live = cJSON_IsBool(live) ? cJSON_IsTrue(live) : !file,
        .loop = true,
        .still = env->still,
        .transport = item_str(cfg, "transport"),
        .hwaccel = item_str(cfg, "hwaccel"),
        .show_width = show_width,
        .wake = env->wake,
        .wake_arg = env->wake_arg,
        .history = env->follow ? 8 : 0,
    };
    t->dec = video_decoder_start(&o);
    if (!t->dec) {
        LOG_ERR("widget \"%s\": no decoder for %s", lw->id, t->url);
    }
    free(path);
}

static void *
video_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct video_w *v = xcalloc(1, sizeof(*v));
    v->lw = lw;
    v->env = env;
    const cJSON *cfg = lw->config;
    const cJSON *streams = cJSON_GetObjectItemCaseSensitive(cfg, "streams");
    /* About how wide each picture is shown: the cell's width over the
     * columns of a square-ish grid (the exact layout comes with the first
     * paint; this is only a hint for cheaper decoding). */
    int count = cJSON_IsArray(streams) ? cJSON_GetArraySize(streams) : 1;
    int cols = 1;
    while (cols * cols < count) {
        cols++;
    }
    int show_w = (int)(lw->rect.w * env->scale / cols);
    if (cJSON_IsArray(streams)) {
        for (const cJSON *s = streams->child; s && v->n < CONF_MAX;
             s = s->next) {
            const char *url = item_str(s, "url");
            if (!url) {
                continue;
            }
            struct tile *t = &v->t[v->n++];
            t->url = url;
            t->label = item_str(s, "label");
            t->code = item_str(s, "code");
            if (!env->replay) {
                start_tile(t, s, env, lw, show_w);
            }
        }
    } else {
        struct tile *t = &v->t[v->n++];
        t->url = widget_cfg_str(lw, "url", "");
        t->label = widget_cfg_str(lw, "label", NULL);
        if (!env->replay) {
            start_tile(t, cfg, env, lw, show_w);
        }
    }
    v->columns = widget_cfg_int(lw, "columns", 0);
    v->rows = widget_cfg_int(lw, "rows", 0);
    v->status = cJSON_GetObjectItemCaseSensitive(cfg, "status");
    v->promote = widget_cfg_str(lw, "promote", NULL);
    if (env->still && !env->replay) {
        /* One frame to render: wait for every stream's first picture
         * (or its failure), together, a few seconds at most. */
        int64_t end = time_mono_ms() + 8000;
        for (int i = 0; i < v->n; i++) {
            int64_t left = end - time_mono_ms();
            if (v->t[i].dec && left > 0) {
                video_decoder_wait_first(v->t[i].dec, (int)left);
            }
        }
    }
    return v;
}

static void
video_destroy(void *self)
{
    struct video_w *v = self;
    for (int i = 0; i < v->n; i++) {
        video_decoder_stop(v->t[i].dec);
        video_image_release(&v->t[i].img);
    }
    free(v);
}

static bool
has_picture(const struct tile *t)
{
    return t->img.ref != NULL || t->st.frames > 0;
}

/* A replay: the stream's state as recorded; no picture (pictures are not
 * recorded).  A stream the record does not name is "unknown". */
static void
replay_status(struct tile *t, const struct frame_state *fs)
{
    const struct recorded_stream *r = frame_recorded_stream(fs, t->url);
    t->st = (struct video_status){.state = VIDEO_CONNECTING};
    t->unknown = !r;
    if (!r) {
        return;
    }
    const enum video_state all[] = {VIDEO_CONNECTING, VIDEO_LIVE, VIDEO_LOST,
                                    VIDEO_RECONNECTING};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (r->state && strcmp(r->state, video_state_name(all[i])) == 0) {
            t->st.state = all[i];
        }
    }
    t->st.lost_at_ms = r->lost_at_ms;
}

static uint64_t
video_stamp(void *self, const struct frame_state *fs)
{
    struct video_w *v = self;
    uint64_t h = 0x564944;
    for (int i = 0; i < v->n; i++) {
        struct tile *t = &v->t[i];
        if (t->dec) {
            video_decoder_status(t->dec, &t->st);
        } else if (v->env->replay) {
            replay_status(t, fs);
        }
        h = widget_stamp_mix(h, (uint64_t)t->st.state);
        h = widget_stamp_mix(h, (uint64_t)(t->st.lost_at_ms / 60000));
        h = widget_stamp_mix(h, has_picture(t));
        h = widget_stamp_mix(h, t->unknown);
    }
    return widget_stamp_spec(v->env, fs, v->status, h);
}

static int64_t
video_next_change(void *self, const struct frame_state *fs)
{
    struct video_w *v = self;
    int64_t next = INT64_MAX;
    for (int i = 0; i < v->n; i++) {
        const struct video_status *st = &v->t[i].st;
        if (st->state == VIDEO_LIVE || st->state == VIDEO_CONNECTING) {
            /* Woken by the decoders when they have a picture; polled
             * where nobody wakes us (benches, tests). */
            return v->env->still || v->env->wake ? INT64_MAX
                                                 : fs->now_ms + VIDEO_POLL_MS;
        }
        next = fs->now_ms + 250; /* lost: watch for the reconnection */
    }
    return v->env->still ? INT64_MAX : next;
}

/* ---- layout ------------------------------------------------------------- */

struct box {
    double x, y, w, h;
};

/* Tiles of 16:9 pictures with a name bar of `bar` under each, in a grid
 * chosen to make the pictures as large as the area allows. */
static void
grid_layout_max(int n, struct box area, double bar, double gap,
                int cols_fixed, int rows_fixed, double max_w,
                struct box *out)
{
    int best_c = 1;
    double best_w = -1;
    for (int c = 1; c <= n; c++) {
        if (cols_fixed && c != cols_fixed) {
            continue;
        }
        int r = (n + c - 1) / c;
        if (rows_fixed && r > rows_fixed) {
            continue;
        }
        double tw = (area.w - (c - 1) * gap) / c;
        double th = (area.h - (r - 1) * gap) / r;
        double pw = fmin(tw, (th - bar) * 16.0 / 9.0);
        if (pw > best_w) {
            best_w = pw;
            best_c = c;
        }
    }
    int c = best_c, r = (n + c - 1) / c;
    double pw = fmax(best_w, 1);
    if (max_w > 0 && pw > max_w) {
        pw = max_w;
    }
    double ph = pw * 9.0 / 16.0;
    double tw = pw, th = ph + bar;
    double x0 = area.x + (area.w - (c * tw + (c - 1) * gap)) / 2;
    double y0 = area.y + (area.h - (r * th + (r - 1) * gap)) / 2;
    for (int i = 0; i < n; i++) {
        int col = i % c, row = i / c;
        out[i] = (struct box){x0 + col * (tw + gap), y0 + row * (th + gap),
                              tw, th};
    }
}

static void
grid_layout(int n, struct box area, double bar, double gap, int cols_fixed,
            int rows_fixed, struct box *out)
{
    grid_layout_max(n, area, bar, gap, cols_fixed, rows_fixed, 0, out);
}

static int
promoted(const struct video_w *v)
{
    for (int i = 0; v->promote && i < v->n; i++) {
        const struct tile *t = &v->t[i];
        if ((t->label && strcmp(t->label, v->promote) == 0) ||
            (t->code && strcmp(t->code, v->promote) == 0)) {
            return i;
        }
    }
    return -1;
}

/* Along one axis: lo, then (start, end) of each mullion between displays
 * of `size` canvas px that falls inside (lo, hi), then hi; widget pixels
 * (the widget starts at canvas `origin`).  At most 16 values. */
static int
mullion_cuts(double lo, double hi, int count, int size, int mullion,
             double origin, double sc, double *out)
{
    int n = 0;
    out[n++] = lo;
    for (int k = 1; k < count && n < 14; k++) {
        double a = (k * size + (k - 1) * mullion - origin) * sc;
        double b = a + mullion * sc;
        if (a > lo + 1 && b < hi - 1) {
            out[n++] = a;
            out[n++] = b;
        }
    }
    out[n++] = hi;
    return n;
}

/* The widget's area cut where the wall's mullions cross it: each piece
 * lies on one display.  Returns the number of pieces (at most max). */
static int
display_panes(const struct video_w *v, struct box area, struct box *out,
              int max)
{
    const struct layout_wall *lw = &v->env->layout->wall;
    double sc = v->env->scale;
    double xs[16], ys[16];
    int nx = mullion_cuts(area.x, area.x + area.w, lw->columns, lw->width,
                          lw->mullion_x, v->lw->rect.x, sc, xs);
    int ny = mullion_cuts(area.y, area.y + area.h, lw->rows, lw->height,
                          lw->mullion_y, v->lw->rect.y, sc, ys);
    int n = 0;
    for (int j = 0; j + 1 < ny; j += 2) {
        for (int i = 0; i + 1 < nx && n < max; i += 2) {
            out[n++] = (struct box){xs[i], ys[j], xs[i + 1] - xs[i],
                                    ys[j + 1] - ys[j]};
        }
    }
    return n;
}

static void
layout_tiles(const struct video_w *v, struct box area, double bar,
             double gap, struct box *out)
{
    int p = promoted(v);
    if (p < 0 || v->n == 1) {
        /* A tile never straddles a mullion: on a wall of several
         * displays the tiles are shared out between the displays the
         * widget covers, each display laid out on its own (an explicit
         * grid is kept as given). */
        struct box panes[16];
        int np = v->columns || v->rows ? 1
                                       : display_panes(v, area, panes, 16);
        if (np <= 1 || v->n < np) {
            grid_layout(v->n, area, bar, gap, v->columns, v->rows, out);
            return;
        }
        /* Two passes: the largest size every display can give, then all
         * tiles at that size, so the wall looks even. */
        double size = 0;
        for (int pass = 0; pass < 2; pass++) {
            int done = 0;
            for (int k = 0; k < np; k++) {
                int count = (v->n - done) / (np - k);
                count += (v->n - done) % (np - k) ? 1 : 0;
                /* A small gap inside each pane's edges. */
                struct box pb = {panes[k].x + gap / 2, panes[k].y,
                                 panes[k].w - gap, panes[k].h};
                grid_layout_max(count, pb, bar, gap, 0, 0, size, &out[done]);
                if (pass == 0 && count > 0) {
                    size = size > 0 ? fmin(size, out[done].w) : out[done].w;
                }
                done += count;
            }
        }
        return;
    }
    /* The promoted tile large at the left, the others beside it. */
    struct box big = {area.x, area.y, area.w * 0.68, area.h};
    struct box rest = {area.x + big.w + gap, area.y, area.w - big.w - gap,
                       area.h};
    grid_layout(1, big, bar, gap, 1, 1, &out[p]);
    struct box others[CONF_MAX];
    grid_layout(v->n - 1, rest, bar, gap, 0, 0, others);
    for (int i = 0, k = 0; i < v->n; i++) {
        if (i != p) {
            out[i] = others[k++];
        }
    }
}

/* ---- status from the conference system ---------------------------------- */

static bool
names_tile(const cJSON *v, const struct tile *t)
{
    return cJSON_IsString(v) &&
           ((t->code && strcmp(v->valuestring, t->code) == 0) ||
            (t->label && strcmp(v->valuestring, t->label) == 0));
}

static bool
is_speaker(const struct bound *b, const struct tile *t)
{
    return b->value &&
           names_tile(cJSON_GetObjectItemCaseSensitive(b->value, "active"),
                      t);
}

static bool
is_muted(const struct bound *b, const struct tile *t)
{
    const cJSON *m = b->value ? cJSON_GetObjectItemCaseSensitive(b->value,
                                                                 "muted")
                              : NULL;
    for (const cJSON *e = cJSON_IsArray(m) ? m->child : NULL; e;
         e = e->next) {
        if (names_tile(e, t)) {
            return true;
        }
    }
    return false;
}

/* ---- paint -------------------------------------------------------------- */

/* A muted microphone: the capsule and its stand, struck through, in a
 * square of side s at (x, y).  An icon, so the name keeps its room. */
static void
mic_off(cairo_t *cr, const struct widget_env *env, double x, double y,
        double s)
{
    double lw = fmax(1.5, s * 0.1);
    cairo_set_line_width(cr, lw);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    widget_set_color(cr, env, COLOR_MUTED, 1);
    double cw = s * 0.34, ch = s * 0.5, cx = x + s / 2;
    cairo_new_sub_path(cr);
    cairo_arc(cr, cx, y + s * 0.1 + cw / 2, cw / 2, M_PI, 0);
    cairo_arc(cr, cx, y + s * 0.1 + ch - cw / 2, cw / 2, 0, M_PI);
    cairo_close_path(cr);
    cairo_stroke(cr);
    cairo_arc(cr, cx, y + s * 0.42, s * 0.3, 0.15 * M_PI, 0.85 * M_PI);
    cairo_stroke(cr);
    cairo_move_to(cr, cx, y + s * 0.72);
    cairo_line_to(cr, cx, y + s * 0.9);
    cairo_stroke(cr);
    widget_set_color(cr, env, COLOR_BAD, 1);
    cairo_move_to(cr, x + s * 0.15, y + s * 0.08);
    cairo_line_to(cr, x + s * 0.85, y + s * 0.92);
    cairo_stroke(cr);
}

static void
video_paint(void *self, cairo_t *cr, int w, int h,
            const struct frame_state *fs)
{
    struct video_w *v = self;
    const struct widget_env *env = v->env;
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, v->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    struct text_extent e = text_measure(env->text, "Ag", FONT_MEDIUM, px);
    double bar = e.height * 1.2, gap = fmax(4, px * 0.35);
    struct box area = {pad, y + pad * 0.3, w - 2 * pad,
                       h - y - pad * 0.3 - pad};
    struct box boxes[CONF_MAX];
    layout_tiles(v, area, bar, gap, boxes);
    struct bound sb = widget_resolve(env, fs, v->status);
    /* An old status is no status: nobody is shown speaking or muted. */
    enum source_state sst = widget_bound_state(&sb, fs->now_ms);
    if (v->status && sst != SOURCE_STATE_OK && sst != SOURCE_STATE_LATE) {
        sb.value = NULL;
    }
    for (int i = 0; i < v->n; i++) {
        struct tile *t = &v->t[i];
        struct box b = boxes[i];
        t->vx = b.x;
        t->vy = b.y;
        t->vw = b.w;
        t->vh = b.h - bar;
        widget_set_color(cr, env, COLOR_BACKGROUND, 1);
        cairo_rectangle(cr, t->vx, t->vy, t->vw, t->vh);
        cairo_fill(cr);
        bool speaker = is_speaker(&sb, t);
        if (speaker) {
            double lw = fmax(3, px * 0.18);
            widget_set_color(cr, env, COLOR_ACCENT, 1);
            cairo_set_line_width(cr, lw);
            cairo_rectangle(cr, b.x - lw / 2, b.y - lw / 2, b.w + lw,
                            b.h + lw);
            cairo_stroke(cr);
        }
        /* A lost stream: a red band at the bottom of its picture's
         * place says so and since when; the last picture, dimmed, keeps
         * the rest. */
        const struct video_status *st = &t->st;
        bool lost = st->state == VIDEO_LOST ||
                    st->state == VIDEO_RECONNECTING;
        if (lost) {
            char hm[16] = "", band[96];
            /* When it was lost, on the wall's clock; a one-frame render
             * has no such moment to tell. */
            if (st->lost_at_ms && (!env->still || env->replay)) {
                struct civil_time ct;
                time_to_civil(st->lost_at_ms, env->layout->utc_offset_min,
                              &ct);
                format_time(hm, sizeof(hm), &ct, 0);
            }
            snprintf(band, sizeof(band), "%s%s%s",
                     vi ? "MẤT TÍN HIỆU" : "SIGNAL LOST", hm[0] ? " " : "",
                     hm);
            double bh = e.height * 1.15;
            widget_set_color(cr, env, COLOR_BAD, 1);
            cairo_rectangle(cr, t->vx, t->vy + t->vh - bh, t->vw, bh);
            cairo_fill(cr);
            char *bf = text_ellipsize(env->text, band, FONT_BOLD, px,
                                      (int)t->vw - px / 2);
            int bw = text_measure(env->text, bf, FONT_BOLD, px).width;
            widget_text(cr, env, bf, FONT_BOLD, px, t->vx + (t->vw - bw) / 2,
                        t->vy + t->vh - bh + (bh - e.height) / 2,
                        COLOR_BACKGROUND, 1);
            free(bf);
            t->vh -= bh;
        }
        /* The name bar: the bridge point, and a struck-through
         * microphone when it is muted. */
        bool muted = st->state == VIDEO_LIVE && is_muted(&sb, t);
        double ty = b.y + (b.h - bar) + (bar - e.height) / 2;
        const char *name = t->label ? t->label : t->url;
        double icon = e.height * 0.9;
        char *fit = text_ellipsize(env->text, name, FONT_BOLD, px,
                                   (int)(b.w - (muted ? icon + px * 0.3
                                                      : 0)));
        widget_text(cr, env, fit, FONT_BOLD, px, b.x, ty,
                    speaker ? COLOR_ACCENT : COLOR_TEXT, 1);
        free(fit);
        if (muted) {
            mic_off(cr, env, b.x + b.w - icon, ty + (e.height - icon) / 2,
                    icon);
        }
        /* No picture yet: say so in the picture's place.  A replay has
         * none to show: a live stream's place says the picture was not
         * kept, so a still is never taken for what was on the glass. */
        if (!has_picture(t) && !lost) {
            const char *msg =
                env->replay && t->unknown
                    ? (vi ? "không rõ" : "unknown")
                : env->replay && st->state == VIDEO_LIVE
                    ? (vi ? "không lưu hình" : "not recorded")
                : st->state == VIDEO_CONNECTING
                    ? (vi ? "đang kết nối…" : "connecting…")
                    : (vi ? "không có tín hiệu" : "no signal");
            char *mf = text_ellipsize(env->text, msg, FONT_MEDIUM, px,
                                      (int)t->vw);
            int mw = text_measure(env->text, mf, FONT_MEDIUM, px).width;
            widget_text(cr, env, mf, FONT_MEDIUM, px,
                        t->vx + (t->vw - mw) / 2,
                        t->vy + (t->vh - e.height) / 2, COLOR_MUTED, 1);
            free(mf);
        }
    }
}

static int
video_tiles(void *self, const struct frame_state *fs,
            struct widget_video_tile *out)
{
    (void)fs;
    struct video_w *v = self;
    for (int i = 0; i < v->n; i++) {
        struct tile *t = &v->t[i];
        struct video_image next;
        int64_t at = frame_video_pts(fs, t->url);
        bool got = !t->dec ? false
                   : at != INT64_MIN
                       ? video_decoder_take_at(t->dec, at, &t->seq, &next)
                       : video_decoder_take(t->dec, &t->seq, &next);
        if (got) {
            video_image_release(&t->img);
            t->img = next;
        }
        struct widget_video_tile *o = &out[i];
        memset(o, 0, sizeof(*o));
        if (!t->img.ref || t->vw <= 0 || t->vh <= 0) {
            continue;
        }
        /* Letterboxed in the picture's place, its own aspect kept. */
        double ia = (double)t->img.width / (t->img.height ? t->img.height : 1);
        double dw = t->vw, dh = t->vw / ia;
        if (dh > t->vh) {
            dh = t->vh;
            dw = t->vh * ia;
        }
        o->img = &t->img;
        o->seq = t->seq;
        o->dx = (float)round(t->vx + (t->vw - dw) / 2);
        o->dy = (float)round(t->vy + (t->vh - dh) / 2);
        o->dw = (float)round(dw);
        o->dh = (float)round(dh);
        if (v->env->cpu_video && (t->img.rgb_w != (int)o->dw ||
                                  t->img.rgb_h != (int)o->dh)) {
            /* The next pictures come ready for the canvas. */
            video_decoder_set_rgb_size(t->dec, (int)o->dw, (int)o->dh);
        }
        o->dim = t->st.state == VIDEO_LIVE ? 1.0f : 0.35f;
    }
    return v->n;
}

static int
video_streams(void *self, struct widget_stream *out)
{
    struct video_w *v = self;
    for (int i = 0; i < v->n; i++) {
        const struct tile *t = &v->t[i];
        out[i] = (struct widget_stream){
            .url = t->url,
            .pts_us = t->img.ref ? t->img.pts_us : INT64_MIN,
            .label = t->label ? t->label : t->url,
            .state = video_state_name(t->st.state),
            .lost_at_ms = t->st.lost_at_ms,
            .decoder = t->st.decoder,
            .decoded = t->st.frames,
            .skipped = t->st.skipped,
            .shown = t->st.taken};
    }
    return v->n;
}

const struct widget_class widget_video_class = {
    .type = "video",
    .create = video_create,
    .destroy = video_destroy,
    .stamp = video_stamp,
    .paint = video_paint,
    .next_change = video_next_change,
    .video_tiles = video_tiles,
    .streams = video_streams,
};

const struct widget_class widget_conference_class = {
    .type = "conference",
    .create = video_create,
    .destroy = video_destroy,
    .stamp = video_stamp,
    .paint = video_paint,
    .next_change = video_next_change,
    .video_tiles = video_tiles,
    .streams = video_streams,
};
