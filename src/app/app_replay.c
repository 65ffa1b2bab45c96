/*
 * app_replay: opswall replay, the briefing record read back (issue 17).
 *   --at T -o frame.png   the frame on the wall at T
 *   --from --to -o .mp4   the span as a video
 *   --timeline            what happened, one line each
 * The record gives each frame's inputs (record/replay.h); a wall made
 * from the recorded layout draws them offscreen exactly as the live wall
 * did, but for video pictures (not recorded: each tile shows its
 * recorded state over a neutral still).
 */
#define LOG_MODULE "replay"
#include "app/app.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <SDL2/SDL.h>
#include <cjson/cJSON.h>

#include "app/app_internal.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "geo/geo_cache.h"
#include "record/replay.h"
#include "record/timeline.h"
#include "render/output.h"
#include "render/wall.h"
#include "text/text.h"
#include "video/video_encoder.h"

/* What draws the record's frames: one GL context, one text cache, and a
 * wall per recorded layout. */
struct painter {
    const struct replay_options *o;
    char *data_dir;
    struct output *out;
    struct text_cache *text;
    struct geo_cache *maps;
    struct wall *wall;
    uint64_t gen;
};

static bool
painter_init(struct painter *p, const struct replay_options *o)
{
    p->o = o;
    p->data_dir = app_data_dir();
    /* The wall draws into its own framebuffer: the window is only the
     * context's drawable. */
    p->out = output_create(OUTPUT_OFFSCREEN, 0, 64, 64, "opswall replay");
    if (!p->out) {
        return false;
    }
    char *fonts = xasprintf("%s/assets/fonts", p->data_dir);
    p->text = text_cache_create(fonts);
    free(fonts);
    p->maps = geo_cache_create();
    return p->text != NULL;
}

static void
painter_fini(struct painter *p)
{
    wall_destroy(p->wall);
    geo_cache_destroy(p->maps);
    text_cache_destroy(p->text);
    output_destroy(p->out);
    free(p->data_dir);
    SDL_Quit();
}

/* The frame of the replay's current state; NULL (logged) on failure. */
static cairo_surface_t *
painter_frame(struct painter *p, const struct replay *r)
{
    if (!p->wall || p->gen != replay_layout_gen(r)) {
        wall_destroy(p->wall);
        p->wall = wall_create(replay_layout(r), p->text, p->data_dir,
                              p->o->scale, p->o->region);
        if (!p->wall) {
            return NULL;
        }
        wall_set_replay(p->wall);
        wall_set_maps(p->wall, p->maps);
        wall_set_revisions(p->wall, replay_revisions(r));
        p->gen = replay_layout_gen(r);
    }
    struct frame_state fs = replay_frame_state(r);
    wall_set_scene(p->wall, fs.scene);
    wall_set_focus(p->wall, replay_focus(r));
    text_cache_tick(p->text, time_mono_ms());
    wall_update(p->wall, &fs);
    return wall_read(p->wall);
}

static int
replay_png(struct replay *r, const struct replay_options *o)
{
    char msg[512];
    if (!replay_at(r, o->at_ms, msg, sizeof(msg))) {
        fprintf(stderr, "opswall replay: %s\n", msg);
        return 1;
    }
    struct painter p = {0};
    int rc = 1;
    cairo_surface_t *img = painter_init(&p, o) ? painter_frame(&p, r) : NULL;
    if (img) {
        cairo_status_t st = cairo_surface_write_to_png(img, o->out);
        if (st == CAIRO_STATUS_SUCCESS) {
            char at[40];
            time_format_iso8601(o->at_ms,
                                replay_layout(r)->utc_offset_min, at,
                                sizeof(at));
            printf("wrote %s (%d x %d): the wall at %s\n", o->out,
                   cairo_image_surface_get_width(img),
                   cairo_image_surface_get_height(img), at);
            rc = 0;
        } else {
            fprintf(stderr, "opswall replay: cannot write %s: %s\n", o->out,
                    cairo_status_to_string(st));
        }
        cairo_surface_destroy(img);
    }
    painter_fini(&p);
    return rc;
}

/* A span as a video: every 1/fps of wall time, the frame of that moment.
 * Moments the record does not hold (the wall off) are left out, said on
 * the terminal. */
static int
replay_video(struct replay *r, const struct replay_options *o)
{
    int64_t first, last;
    if (!replay_span(r, &first, &last)) {
        fprintf(stderr, "opswall replay: the record holds nothing "
                "readable\n");
        return 1;
    }
    int64_t from = o->have_from ? o->from_ms : first;
    int64_t to = o->have_to ? o->to_ms : last;
    char msg[512];
    /* Only what the record holds: a span reaching past either end is
     * cut to it; one that misses it altogether says what it holds. */
    from = from < first ? first : from;
    to = to > last ? last : to;
    if (to < from) {
        replay_at(r, o->have_from ? o->from_ms : o->to_ms, msg, sizeof(msg));
        fprintf(stderr, "opswall replay: %s\n", msg);
        return 1;
    }
    struct painter p = {0};
    if (!painter_init(&p, o)) {
        painter_fini(&p);
        return 1;
    }
    int fps = o->fps > 0 ? o->fps : 5;
    int64_t step = 1000 / fps;
    long total = (long)((to - from) / step) + 1;
    bool tty = isatty(STDERR_FILENO);
    struct video_encoder *enc = NULL;
    long written = 0, missing = 0;
    int rc = 0;
    for (long i = 0; i < total && rc == 0; i++) {
        int64_t t = from + i * step;
        if (!replay_at(r, t, msg, sizeof(msg))) {
            if (missing++ == 0) {
                fprintf(stderr, "%sopswall replay: %s (left out)\n",
                        tty ? "\n" : "", msg);
            }
            continue;
        }
        cairo_surface_t *img = painter_frame(&p, r);
        if (!img) {
            rc = 1;
            break;
        }
        if (!enc) {
            enc = video_encoder_open(o->out,
                                     cairo_image_surface_get_width(img),
                                     cairo_image_surface_get_height(img),
                                     fps, msg, sizeof(msg));
            if (!enc) {
                fprintf(stderr, "opswall replay: %s\n", msg);
                cairo_surface_destroy(img);
                rc = 1;
                break;
            }
        }
        if (!video_encoder_add(enc, img, msg, sizeof(msg))) {
            fprintf(stderr, "opswall replay: %s\n", msg);
            rc = 1;
        }
        cairo_surface_destroy(img);
        written++;
        if (tty && (written % fps == 0 || i + 1 == total)) {
            char at[40];
            time_format_iso8601(t, replay_layout(r)->utc_offset_min, at,
                                sizeof(at));
            fprintf(stderr, "\rreplay: %ld/%ld frames (%3ld %%), %s ",
                    i + 1, total, (i + 1) * 100 / total, at);
        }
    }
    if (tty) {
        fputc('\n', stderr);
    }
    if (enc) {
        const char *codec = video_encoder_codec(enc);
        char *name = xstrdup(codec);
        if (!video_encoder_close(enc, msg, sizeof(msg))) {
            fprintf(stderr, "opswall replay: %s\n", msg);
            rc = 1;
        } else if (rc == 0) {
            printf("wrote %s: %ld frames at %d a second (%s)%s\n", o->out,
                   written, fps, name,
                   missing ? ", moments not recorded left out" : "");
        }
        free(name);
    } else if (rc == 0) {
        fprintf(stderr, "opswall replay: nothing in that span was "
                "recorded\n");
        rc = 1;
    }
    painter_fini(&p);
    return rc;
}

struct print {
    int utc_offset;
    bool any;
};

static void
print_line(const struct timeline_line *l, void *arg)
{
    struct print *p = arg;
    struct civil_time ct;
    time_to_civil(l->t_ms, p->utc_offset, &ct);
    printf("%04d-%02d-%02d %02d:%02d:%02d  %s\n", ct.year, ct.month, ct.day,
           ct.hour, ct.minute, ct.second, l->text);
    p->any = true;
}

static void
json_line(const struct timeline_line *l, void *arg)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "at", (double)l->t_ms);
    cJSON_AddStringToObject(e, "kind", l->kind);
    cJSON_AddStringToObject(e, "text", l->text);
    cJSON_AddItemToArray(arg, e);
}

/* --timeline --json: the record's span and the window's events, for the
 * console's "Xem lại" (the control API runs this in a child process). */
static int
replay_timeline_json(struct replay *r, const struct replay_options *o)
{
    char msg[512];
    int64_t first, last;
    if (!replay_span(r, &first, &last)) {
        fprintf(stderr, "opswall replay: the record holds nothing "
                "readable\n");
        return 1;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "from", (double)first);
    cJSON_AddNumberToObject(root, "to", (double)last);
    if (replay_at(r, last, msg, sizeof(msg))) {
        const struct layout *l = replay_layout(r);
        cJSON_AddNumberToObject(root, "utc_offset_min", l->utc_offset_min);
        cJSON_AddStringToObject(root, "locale",
                                l->locale == LAYOUT_LOCALE_EN_US ? "en-US"
                                                                 : "vi-VN");
    }
    /* Without --from: the record's last day (a month's events would be
     * more than a slider can show). */
    int64_t from = o->have_from ? o->from_ms : last - 86400ll * 1000;
    from = from > first ? from : first;
    int64_t to = o->have_to && o->to_ms < last ? o->to_ms : last;
    cJSON_AddNumberToObject(root, "window_from", (double)from);
    cJSON_AddNumberToObject(root, "window_to", (double)to);
    cJSON *ev = cJSON_AddArrayToObject(root, "events");
    if (from <= to &&
        !timeline_walk(r, from, to, json_line, ev, msg, sizeof(msg))) {
        fprintf(stderr, "opswall replay: %s\n", msg);
        cJSON_Delete(root);
        return 1;
    }
    char *text = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    puts(text);
    free(text);
    return 0;
}

static int
replay_timeline(struct replay *r, const struct replay_options *o)
{
    char msg[512];
    struct print p = {.utc_offset = 7 * 60};
    /* The wall's own offset: from the first layout in the record. */
    int64_t first, last;
    if (replay_span(r, &first, &last) && replay_at(r, first, msg,
                                                   sizeof(msg))) {
        p.utc_offset = replay_layout(r)->utc_offset_min;
    }
    if (!timeline_walk(r, o->have_from ? o->from_ms : INT64_MIN,
                       o->have_to ? o->to_ms : INT64_MAX, print_line, &p,
                       msg, sizeof(msg))) {
        fprintf(stderr, "opswall replay: %s\n", msg);
        return 1;
    }
    return 0;
}

int
app_replay(const struct replay_options *o)
{
    char msg[512];
    struct replay *r = replay_open(o->dir, msg, sizeof(msg));
    if (!r) {
        fprintf(stderr, "opswall replay: %s\n", msg);
        return 1;
    }
    int rc = o->timeline && o->json ? replay_timeline_json(r, o)
             : o->timeline ? replay_timeline(r, o)
             : o->have_at ? replay_png(r, o)
                          : replay_video(r, o);
    uint64_t bytes, places;
    replay_damage(r, &bytes, &places);
    if (places) {
        fprintf(stderr, "opswall replay: %llu damaged bytes in %llu "
                "place(s) of the record were skipped\n",
                (unsigned long long)bytes, (unsigned long long)places);
    }
    replay_destroy(r);
    return rc;
}
