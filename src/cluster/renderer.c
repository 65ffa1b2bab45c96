/*
 * renderer: a render rank's loop.  See renderer.h.
 */
#define LOG_MODULE "rank"
#include "cluster/renderer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "cluster/epoch.h"
#include "feeds/source_set.h"
#include "text/text.h"

struct rank {
    const struct renderer_opts *o;
    struct cluster *c;
    struct output *out;
    struct text_cache *text;
    struct layout *layout;
    struct wall *wall;
    struct source_set *set;
};

/* A layout from the master: this rank's region, a new wall and data.
 * false (logged) when it cannot be shown; the old one stays. */
static bool
take_layout(struct rank *r, const struct epoch *e)
{
    struct diag_list d;
    diag_list_init(&d, e->layout_path);
    struct layout *l = layout_load_buffer(e->layout_path, e->layout_text,
                                          e->layout_len, &d);
    diag_list_fini(&d);
    int me = cluster_rank(r->c);
    if (!l) {
        LOG_ERR("rank %d: the master's layout does not load here", me);
        return false;
    }
    if (l->ncluster != (size_t)cluster_size(r->c) - 1) {
        LOG_ERR("rank %d: the layout's cluster has %zu render ranks, the "
                "job %d", me, l->ncluster, cluster_size(r->c) - 1);
        layout_destroy(l);
        return false;
    }
    struct rect region = l->cluster[me - 1];
    int ww, wh;
    output_window_size(l, region, r->o->scale, &ww, &wh);
    if (r->out) {
        output_resize(r->out, ww, wh); /* the region may have changed */
    } else {
        char title[64];
        snprintf(title, sizeof(title), "opswall rank %d", me);
        r->out = output_create(r->o->mode, r->o->display, ww, wh, title);
        char *fonts = xasprintf("%s/assets/fonts", r->o->data_dir);
        r->text = r->out ? text_cache_create(fonts) : NULL;
        free(fonts);
        if (!r->text) {
            layout_destroy(l);
            return false;
        }
    }
    struct wall *w = wall_create(l, r->text, r->o->data_dir, r->o->scale,
                                 region);
    if (!w) {
        layout_destroy(l);
        return false;
    }
    wall_set_staging(w, false);
    wall_set_follow(w, !r->o->still);
    wall_set_transition(w, l->transition_ms);
    wall_set_still(w, r->o->still);
    /* Data comes only from the master: the first epoch after a layout
     * carries every source. */
    wall_destroy(r->wall);
    source_set_destroy(r->set);
    layout_destroy(r->layout);
    r->layout = l;
    r->wall = w;
    r->set = source_set_create(l);
    LOG_INFO("rank %d: region %d,%d %dx%d", me, region.x, region.y,
             region.w, region.h);
    return true;
}

struct offset {
    const struct frame_state *fs;
    double worst_s;
};

static void
stream_offset(const struct widget_stream *st, void *arg)
{
    struct offset *o = arg;
    int64_t want = frame_video_pts(o->fs, st->url);
    if (want != INT64_MIN && st->pts_us != INT64_MIN) {
        double d = (double)(st->pts_us > want ? st->pts_us - want
                                              : want - st->pts_us) / 1e6;
        o->worst_s = d > o->worst_s ? d : o->worst_s;
    }
}

/* One image of this rank's region to the master (opswall render). */
static void
send_image(struct rank *r)
{
    cairo_surface_t *img = r->wall ? wall_read(r->wall) : NULL;
    const unsigned char *px = img ? cairo_image_surface_get_data(img) : NULL;
    size_t len = img ? (size_t)cairo_image_surface_get_stride(img) *
                           (size_t)cairo_image_surface_get_height(img)
                     : 0;
    cluster_gather_images(r->c, px, len, NULL, NULL);
    if (img) {
        cairo_surface_destroy(img);
    }
}

int
renderer_run(struct cluster *c, const struct renderer_opts *o)
{
    struct rank r = {.o = o, .c = c};
    int rc = 0;
    for (;;) {
        size_t len = 0;
        char *buf = cluster_receive(c, &len);
        struct epoch e;
        char err[256];
        bool ok = epoch_read(buf, len, &e, err, sizeof(err));
        free(buf);
        if (!ok) {
            /* Our own master sent it: a bug, not an input.  End the whole
             * job (the supervisor starts it again) rather than show a
             * wall out of step or leave the others waiting. */
            LOG_ERR("rank %d: bad epoch: %s; ending the job",
                    cluster_rank(c), err);
            cluster_abort(c, 1);
        }
        if (e.quit) {
            epoch_free(&e);
            break;
        }
        if (e.layout_text && !take_layout(&r, &e)) {
            rc = r.wall ? rc : 1;
        }
        double t0 = time_mono_s();
        if (r.text) {
            text_cache_tick(r.text, (int64_t)(t0 * 1000));
        }
        bool drew = false;
        struct offset off = {0};
        if (r.wall && epoch_apply(&e, r.set, err, sizeof(err))) {
            wall_set_scene(r.wall, e.scene);
            wall_set_focus(r.wall, e.focus);
            /* Each stream's picture as the master shows it. */
            struct video_clock clock = {e.nstreams,
                                        (const char *const *)e.stream_url,
                                        e.stream_pts};
            struct frame_state fs = {
                .now_ms = e.now_ms, .scene = e.scene,
                .snapshots = source_set_snapshots(r.set),
                .nsnapshots = source_set_count(r.set), .aids = &e.aids,
                .video = &clock};
            drew = wall_update(r.wall, &fs);
            off.fs = &fs;
            wall_each_stream(r.wall, stream_offset, &off);
            if (drew && !o->still) {
                output_blit(r.out, r.wall, r.layout, o->scale);
            }
            glFinish();
        } else if (r.wall) {
            LOG_ERR("rank %d: %s", cluster_rank(c), err);
        }
        epoch_free(&e);
        if (o->still) {
            send_image(&r);
            break;
        }
        cluster_frame_done(c, time_mono_s() - t0, off.worst_s);
        if (drew) {
            output_swap(r.out);
        }
        SDL_PumpEvents();
    }
    wall_destroy(r.wall);
    source_set_destroy(r.set);
    layout_destroy(r.layout);
    text_cache_destroy(r.text);
    output_destroy(r.out);
    return rc;
}
