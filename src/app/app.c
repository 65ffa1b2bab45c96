/*
 * app: the running wall (opswall run) and the one-frame render (opswall
 * render): wiring of layout, data, feeds, wall, outputs, control API,
 * cluster, and the main loop.  Main thread only.
 */
#define LOG_MODULE "app"
#include "app/app_internal.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "cluster/epoch.h"
#include "cluster/renderer.h"
#include "control/service.h"
#include "app/loop.h"
#include "app/memory.h"
#include "geo/geo_cache.h"
#include "widgets/revisions.h"
#include "layout/diag.h"
#include "record/recorder.h"

static bool
dir_has(const char *dir, const char *file)
{
    char *p = xasprintf("%s/%s", dir, file);
    struct stat st;
    bool ok = stat(p, &st) == 0;
    free(p);
    return ok;
}

/* Where shaders/ and assets/ are: $OPSWALL_DATADIR, next to an installed
 * binary (../share/opswall), the source tree of a build, or the prefix. */
char *
app_data_dir(void)
{
    const char *env = getenv("OPSWALL_DATADIR");
    if (env && dir_has(env, "shaders/composite.vert")) {
        return xstrdup(env);
    }
    char *base = SDL_GetBasePath();
    if (base) {
        char *cand = xasprintf("%s../share/opswall", base);
        SDL_free(base);
        if (dir_has(cand, "shaders/composite.vert")) {
            return cand;
        }
        free(cand);
    }
    if (dir_has(OPSWALL_SOURCE_DIR, "shaders/composite.vert")) {
        return xstrdup(OPSWALL_SOURCE_DIR);
    }
    return xstrdup(OPSWALL_DATADIR);
}

/* Loads a layout, logging every problem; *first_error (when not NULL)
 * gets the first error as FILE:LINE:COL: message, with the count. */
static struct layout *
load_layout(const char *path, bool quiet_ok, char **first_error,
            char **text_out, size_t *len_out)
{
    struct diag_list diags;
    diag_list_init(&diags, path);
    /* The text is kept for a cluster's ranks: exactly what was loaded. */
    size_t len = 0;
    char *text = file_read_all(path, 4u << 20, &len);
    struct layout *l = text ? layout_load_buffer(path, text, len, &diags)
                            : layout_load(path, &diags);
    if (l && text_out) {
        *text_out = text;
        *len_out = len;
        text = NULL;
    }
    free(text);
    for (size_t i = 0; i < diags.count; i++) {
        char *s = diag_format(&diags, &diags.items[i]);
        if (diags.items[i].severity == DIAG_ERROR) {
            LOG_ERR("%s", s);
            if (first_error && !*first_error) {
                *first_error = diags.errors > 1
                                   ? xasprintf("%s (and %d more)", s,
                                               diags.errors - 1)
                                   : xstrdup(s);
            }
        } else if (!quiet_ok) {
            LOG_WARN("%s", s);
        }
        free(s);
    }
    diag_list_fini(&diags);
    return l;
}

static bool
select_scene(const struct layout *l, const char *id, size_t *out)
{
    if (!id) {
        *out = l->start_scene;
        return true;
    }
    int idx = layout_scene_index(l, id);
    if (idx < 0) {
        LOG_ERR("no scene \"%s\" in %s", id, l->path);
        return false;
    }
    *out = (size_t)idx;
    return true;
}

bool
write_png(struct wall *wall, const char *path)
{
    cairo_surface_t *img = wall_read(wall);
    if (!img) {
        LOG_ERR("cannot read the frame back");
        return false;
    }
    cairo_status_t st = cairo_surface_write_to_png(img, path);
    cairo_surface_destroy(img);
    if (st != CAIRO_STATUS_SUCCESS) {
        LOG_ERR("cannot write %s: %s", path, cairo_status_to_string(st));
        return false;
    }
    return true;
}

/* Any thread: never blocks. */
void
waker_post(void *ctx)
{
    struct waker *k = ctx;
    if (!atomic_exchange(&k->woken, true)) {
        SDL_Event ev = {.type = k->event};
        SDL_PushEvent(&ev);
        loop_wait_wake(k->wait);
    }
}

/* Main thread: cleared before the work it announces is done, so work
 * arriving meanwhile posts again. */
void
waker_taken(struct waker *k)
{
    atomic_store(&k->woken, false);
}

static void
outgoing_free(struct outgoing *o)
{
    wall_destroy(o->wall);
    source_set_destroy(o->sources);
    source_set_destroy(o->frozen);
    layout_destroy(o->layout);
    *o = (struct outgoing){0};
}

/* The wall on the screen: the outgoing one while a reload is prepared. */
struct wall *
shown_wall(const struct app *a)
{
    return a->old.wall ? a->old.wall : a->wall;
}

static void
app_collect_feeds(struct app *a)
{
    waker_taken(&a->feed);
    if (a->feeds) {
        feed_engine_collect(a->feeds, a->sources);
    }
}

static void
app_fini(struct app *a)
{
    app_record_fini(a);
    free(a->layout_text);
    epoch_writer_destroy(a->epochs);
    control_server_stop(a->ctl); /* its connections' threads joined */
    control_tokens_destroy(a->tokens);
    replay_jobs_destroy(a->replay_jobs);
    outgoing_free(&a->old);
    layout_watch_stop(a->watch);
    director_destroy(a->director);
    source_set_destroy(a->frozen);
    free(a->reload_error);
    if (a->audit) {
        fclose(a->audit);
    }
    feed_engine_destroy(a->feeds);
    wall_destroy(a->wall);
    geo_cache_destroy(a->maps); /* after every wall that used it */
    revision_book_destroy(a->revisions);
    text_cache_destroy(a->text);
    output_destroy(a->out);
    loop_wait_destroy(a->wait);
    source_set_destroy(a->sources);
    layout_destroy(a->layout);
    free(a->data_dir);
    memory_trimmer_destroy(a->trimmer);
    SDL_Quit();
}

/* One window for the whole wall, or one per output of wall.outputs (the
 * first made with the GL context, the others drawn by it in turn). */
static bool
app_open_outputs(struct app *a, enum output_mode mode)
{
    const struct layout *l = a->layout;
    size_t n = l->noutputs ? l->noutputs : 1;
    for (size_t i = 0; i < n; i++) {
        struct rect part = l->noutputs ? l->outputs[i].region
                                       : (struct rect){0, 0, l->wall.canvas_w,
                                                       l->wall.canvas_h};
        int display = l->noutputs ? l->outputs[i].display : a->opt.display;
        int w, h;
        output_window_size(l, part, a->opt.scale, &w, &h);
        if (mode == OUTPUT_OFFSCREEN) {
            w = w > 4096 ? 4096 : w; /* only a drawable is needed */
            h = h > 4096 ? 4096 : h;
        }
        if (i == 0) {
            a->out = output_create(mode, display, w, h, l->title);
            if (!a->out) {
                return false;
            }
            if (l->noutputs) {
                output_set_shows(a->out, part);
            }
        } else if (!output_add_window(a->out, display, w, h, l->title,
                                      part)) {
            return false;
        }
    }
    return true;
}

static bool
app_init(struct app *a, enum output_mode mode, int64_t now_ms)
{
    a->data_dir = app_data_dir();
    a->layout = load_layout(a->opt.layout, false, NULL, &a->layout_text,
                            &a->layout_len);
    if (!a->layout || !select_scene(a->layout, a->opt.scene, &a->scene)) {
        return false;
    }
    a->layout_gen = 1;
    if (!app_open_outputs(a, mode)) {
        return false;
    }
    a->wait = loop_wait_create(); /* after SDL video: it asks the driver */
    a->video.wait = a->feed.wait = a->wait;
    char *fonts = xasprintf("%s/assets/fonts", a->data_dir);
    a->text = text_cache_create(fonts);
    free(fonts);
    if (!a->text) {
        return false;
    }
    a->wall = wall_create(a->layout, a->text, a->data_dir, a->opt.scale,
                          a->opt.region);
    if (!a->wall) {
        return false;
    }
    wall_set_scene(a->wall, a->scene);
    a->video.event = SDL_RegisterEvents(1);
    wall_set_wake(a->wall, waker_post, &a->video);
    a->maps = geo_cache_create();
    wall_set_maps(a->wall, a->maps);
    a->revisions = revision_book_create();
    wall_set_revisions(a->wall, a->revisions);
    a->sources = source_set_create(a->layout);
    source_set_load_files(a->sources, now_ms);
    a->feed.event = SDL_RegisterEvents(1);
    a->clock_offset_ms = now_ms - time_now_ms();
    a->feeds = feed_engine_create(a->layout, a->clock_offset_ms, waker_post,
                                  &a->feed);
    a->director = director_create(a->layout, a->scene, a->opt.scene != NULL,
                                  now_ms);
    a->scene = director_scene(a->director);
    wall_set_scene(a->wall, a->scene);
    wall_set_transition(a->wall, a->layout->transition_ms);
    return a->feeds != NULL;
}

static struct frame_state
frame_state_of(const struct app *a, size_t scene,
               const struct source_set *live,
               const struct source_set *frozen, int64_t now_ms)
{
    const struct source_set *set = frozen ? frozen : live;
    return (struct frame_state){
        .now_ms = now_ms,
        .scene = scene,
        .snapshots = source_set_snapshots(set),
        .nsnapshots = source_set_count(set),
        .aids = a->director ? director_aids(a->director) : NULL,
    };
}

/* The frame state of the current layout: live or frozen data. */
struct frame_state
frame_state_for(const struct app *a, int64_t now_ms)
{
    return frame_state_of(a, a->scene, a->sources, a->frozen, now_ms);
}

struct stream_times {
    char **url;
    int64_t *pts;
    size_t n, cap;
};

static void
collect_stream(const struct widget_stream *st, void *arg)
{
    struct stream_times *t = arg;
    if (st->pts_us == INT64_MIN || !st->url) {
        return;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->url = xreallocarray(t->url, t->cap, sizeof(*t->url));
        t->pts = xreallocarray(t->pts, t->cap, sizeof(*t->pts));
    }
    t->url[t->n] = (char *)st->url;
    t->pts[t->n++] = st->pts_us;
}

/* A cluster's master: one epoch for the render ranks (the layout when it
 * is new, the data that changed, the scene, the aids, the picture its
 * preview shows of each stream). */
static void
send_epoch(struct app *a, const struct frame_state *fs, bool quit)
{
    if (!a->epochs) {
        a->epochs = epoch_writer_create();
    }
    struct epoch e = {.frame = ++a->frame, .now_ms = fs ? fs->now_ms : 0,
                      .scene = (uint32_t)a->scene, .quit = quit};
    struct stream_times times = {0};
    if (!quit) {
        e.focus = (char *)director_focus(a->director);
        e.aids = *director_aids(a->director);
        /* Only while the preview shows the same layout as the ranks. */
        if (!a->old.wall) {
            wall_each_stream(a->wall, collect_stream, &times);
        }
        e.stream_url = times.url;
        e.stream_pts = times.pts;
        e.nstreams = times.n;
    }
    if (a->layout_text && !quit && a->sent_gen != a->layout_gen) {
        a->sent_gen = a->layout_gen;
        e.layout_path = a->layout->path;
        e.layout_text = a->layout_text;
        e.layout_len = a->layout_len;
        epoch_writer_reset(a->epochs); /* every source again */
    }
    size_t len = 0;
    char *buf = epoch_write(a->epochs, &e, fs ? fs->snapshots : NULL,
                            fs ? fs->nsnapshots : 0, &len);
    enum cluster_epoch_kind kind =
        e.layout_text ? EPOCH_LAYOUT
        : epoch_writer_last_count(a->epochs) ? EPOCH_DATA : EPOCH_PLAIN;
    cluster_send(a->cluster, buf, len, kind);
    free(buf);
    free(times.url);
    free(times.pts);
}

/* The master's check that the job fits the layout; a mismatch tells the
 * ranks to quit. */
static bool
cluster_fits(struct app *a)
{
    size_t want = a->layout->ncluster;
    int have = cluster_size(a->cluster) - 1;
    if (want == (size_t)have) {
        return true;
    }
    LOG_ERR("the layout's cluster has %zu render ranks, mpirun started %d "
            "(-np %zu)", want, have, want + 1);
    send_epoch(a, NULL, true);
    return false;
}

/* --cluster: starts MPI; a render rank runs its whole life here.  -1 for
 * the master (it goes on as the wall), else the process's exit status. */
static int
cluster_enter(struct app *a, int *argc, char ***argv, bool still)
{
    a->cluster = cluster_init(argc, argv);
    if (!a->cluster) {
        return 1;
    }
    if (cluster_rank(a->cluster) == 0) {
        return -1;
    }
    char *dd = app_data_dir();
    struct renderer_opts ro = {.data_dir = dd,
                               .mode = still ? OUTPUT_OFFSCREEN : a->opt.mode,
                               .display = a->opt.display,
                               .scale = a->opt.scale, .still = still};
    int rc = renderer_run(a->cluster, &ro);
    free(dd);
    cluster_finish(a->cluster);
    return rc;
}

/* render --cluster on rank 0: the ranks' images stitched into one. */
static bool
write_stitched(struct app *a, const char *path)
{
    int n = cluster_size(a->cluster);
    unsigned char **img = xcalloc((size_t)n, sizeof(*img));
    size_t *lens = xcalloc((size_t)n, sizeof(*lens));
    cluster_gather_images(a->cluster, NULL, 0, img, lens);
    double s = a->opt.scale;
    const struct layout *l = a->layout;
    int cw = (int)lround(l->wall.canvas_w * s);
    int ch = (int)lround(l->wall.canvas_h * s);
    cairo_surface_t *out = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                      cw, ch);
    bool ok = cairo_surface_status(out) == CAIRO_STATUS_SUCCESS;
    unsigned char *dst = ok ? cairo_image_surface_get_data(out) : NULL;
    int dstride = ok ? cairo_image_surface_get_stride(out) : 0;
    if (ok) {
        /* Black where no rank draws: the mullions, as on the wall. */
        memset(dst, 0, (size_t)dstride * (size_t)ch);
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                dst[(size_t)y * dstride + 4 * (size_t)x + 3] = 255;
            }
        }
    }
    for (int i = 1; ok && i < n; i++) {
        struct rect r = l->cluster[i - 1];
        int x0 = (int)lround(r.x * s), y0 = (int)lround(r.y * s);
        int w = (int)lround((r.x + r.w) * s) - x0;
        int h = (int)lround((r.y + r.h) * s) - y0;
        int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, w);
        if (!img[i] || lens[i] != (size_t)stride * (size_t)h) {
            LOG_ERR("rank %d sent %zu bytes for a %dx%d region", i, lens[i],
                    w, h);
            ok = false;
            break;
        }
        for (int y = 0; y < h; y++) {
            memcpy(dst + (size_t)(y0 + y) * dstride + 4 * (size_t)x0,
                   img[i] + (size_t)y * stride, 4 * (size_t)w);
        }
    }
    if (ok) {
        cairo_surface_mark_dirty(out);
        ok = cairo_surface_write_to_png(out, path) == CAIRO_STATUS_SUCCESS;
        if (ok) {
            printf("wrote %s (%d x %d) from %d ranks\n", path, cw, ch, n - 1);
        }
    }
    cairo_surface_destroy(out);
    for (int i = 0; i < n; i++) {
        free(img[i]);
    }
    free(img);
    free(lens);
    return ok;
}

int
app_render(const struct app_options *opt, int argc, char **argv)
{
    struct app a = {.opt = *opt};
    int64_t now = a.opt.have_at ? a.opt.at_ms : time_now_ms();
    int rc = 1;
    if (a.opt.cluster && (rc = cluster_enter(&a, &argc, &argv, true)) >= 0) {
        return rc; /* a render rank's run, or MPI could not start */
    }
    rc = 1;
    if (app_init(&a, OUTPUT_OFFSCREEN, now)) {
        /* Live sources get one chance to answer, bounded by their
         * timeouts; what did not answer is drawn as missing. */
        int64_t longest = 0;
        bool live = false;
        for (size_t i = 0; i < a.layout->nsources; i++) {
            int64_t t = a.layout->sources[i].timeout_ms;
            longest = t > longest ? t : longest;
            live = live || strncmp(a.layout->sources[i].url, "file:", 5) != 0;
        }
        int64_t waited = time_mono_ms();
        feed_engine_wait_first(a.feeds, longest + 1000);
        app_collect_feeds(&a);
        if (live) {
            /* The frame is drawn now, after the answers came: data
             * fetched a moment ago is "vừa xong", not from the future.
             * (File sources only: the frame stays at --at exactly.) */
            now += time_mono_ms() - waited;
        }
        struct frame_state fs = frame_state_for(&a, now);
        if (a.cluster) {
            if (cluster_fits(&a)) {
                send_epoch(&a, &fs, false);
                rc = write_stitched(&a, a.opt.out) ? 0 : 1;
            }
            app_fini(&a);
            cluster_finish(a.cluster);
            return rc;
        }
        wall_set_still(a.wall, true);
        wall_update(a.wall, &fs);
        if (write_png(a.wall, a.opt.out)) {
            printf("wrote %s (%d x %d)\n", a.opt.out, wall_width(a.wall),
                   wall_height(a.wall));
            rc = 0;
        }
    }
    if (a.cluster) {
        send_epoch(&a, NULL, true); /* the ranks must not wait forever */
        cluster_finish(a.cluster);
    }
    app_fini(&a);
    return rc;
}

/* F5, a saved file, the control API: build the new layout aside and swap
 * only if everything succeeds; sources whose definition did not change
 * keep their data.  false (the reason kept for the API and the banner)
 * when the layout in use stays. */
bool
app_reload(struct app *a, int64_t now_ms)
{
    LOG_INFO("reloading %s", a->opt.layout);
    char *err = NULL;
    char *text = NULL;
    size_t text_len = 0;
    struct layout *nl = load_layout(a->opt.layout, false, &err, &text,
                                    &text_len);
    struct wall *nw = nl ? wall_create(nl, a->text, a->data_dir,
                                       a->opt.scale, a->opt.region)
                         : NULL;
    if (nw && !app_record_stage(a, nl, &err)) {
        wall_destroy(nw);
        nw = NULL;
    }
    if (!nw) {
        if (!err) {
            err = xasprintf("%s: the new layout could not be shown (see "
                            "the log)", a->opt.layout);
        }
        LOG_ERR("reload failed: keeping the current layout");
        layout_destroy(nl);
        free(text);
        free(a->reload_error);
        a->reload_error = err;
        a->metrics.reload_errors++;
        director_set_banner(a->director, a->layout->errors_on_wall
                                             ? a->reload_error
                                             : NULL);
        return false;
    }
    wall_set_wake(nw, waker_post, &a->video);
    wall_set_maps(nw, a->maps);
    wall_set_revisions(nw, a->revisions);
    struct source_set *ns = source_set_create(nl);
    source_set_carry(ns, a->sources);
    source_set_load_files(ns, now_ms);
    struct source_set *nf = NULL;
    if (a->frozen) {
        /* Frozen data stays frozen, re-indexed for the new layout. */
        nf = source_set_create(nl);
        source_set_carry(nf, a->frozen);
    }
    feed_engine_destroy(a->feeds);
    director_relayout(a->director, nl, now_ms);
    if (a->old.wall) {
        /* A reload while one is being prepared: the half-made wall goes;
         * the one on the screen stays until the newest is ready. */
        wall_destroy(a->wall);
        source_set_destroy(a->sources);
        source_set_destroy(a->frozen);
        layout_destroy(a->layout);
    } else {
        a->old = (struct outgoing){a->layout, a->wall, a->sources,
                                   a->frozen, a->scene, a->layout_gen};
    }
    a->frozen = nf;
    a->layout = nl;
    a->wall = nw;
    a->sources = ns;
    /* The ranks take the new layout at the next epoch. */
    free(a->layout_text);
    a->layout_text = text;
    a->layout_len = text_len;
    a->scene = director_scene(a->director);
    wall_set_scene(a->wall, a->scene);
    wall_set_transition(a->wall, nl->transition_ms);
    a->feeds = feed_engine_create(nl, a->clock_offset_ms, waker_post, &a->feed);
    free(a->reload_error);
    a->reload_error = NULL;
    director_set_banner(a->director, NULL);
    a->metrics.reloads++;
    a->layout_gen++;
    LOG_INFO("layout reloaded");
    return true;
}

/* After a scene's widgets are gone (when the next scene is staged, cut
 * or crossfaded; a reload frees the whole old wall), the trimmer gives
 * their free pages back (app/memory.h). */
static void
give_back_memory(struct app *a, bool released)
{
    unsigned long t = wall_get_stats(a->wall).retired;
    if (t != a->trimmed_at || released) {
        a->trimmed_at = t;
        memory_trimmer_ask(a->trimmer);
    }
}

struct stream_list {
    struct widget_stream *s;
    size_t n, cap;
};

static void
list_stream(const struct widget_stream *st, void *arg)
{
    struct stream_list *l = arg;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->s = xreallocarray(l->s, l->cap, sizeof(*l->s));
    }
    l->s[l->n++] = *st;
}

/* The briefing record: the inputs of the frame on the glass (the
 * recorder writes what changed).  During a reload that is the outgoing
 * wall's, with its layout, until the new one takes over. */
static void
record_frame(struct app *a, const struct frame_state *shown)
{
    if (!a->recorder) {
        return;
    }
    /* Its CPU time counted (/metrics): recording's cost stays visible. */
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    bool staging = a->old.wall != NULL;
    struct stream_list streams = {0};
    wall_each_stream(shown_wall(a), list_stream, &streams);
    struct recorder_frame f = {
        .now_ms = shown->now_ms,
        .scene = (uint32_t)shown->scene,
        .focus = staging ? wall_focus(a->old.wall)
                         : director_focus(a->director),
        .aids = shown->aids,
        .snaps = shown->snapshots,
        .nsnaps = shown->nsnapshots,
        .streams = streams.s,
        .nstreams = streams.n,
        .revisions = a->revisions,
        .layout_gen = staging ? a->old.gen : a->layout_gen,
        .layout_path = staging ? a->old.layout->path : a->layout->path,
        /* The outgoing layout was recorded when it was taken. */
        .layout_text = staging ? NULL : a->layout_text,
        .layout_len = staging ? 0 : a->layout_len,
    };
    recorder_frame(a->recorder, &f);
    free(streams.s);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    a->metrics.record_cpu_ns +=
        (uint64_t)((c1.tv_sec - c0.tv_sec) * 1000000000ll +
                   (c1.tv_nsec - c0.tv_nsec));
}

/* One turn's drawing: the wall (or, during a reload, the outgoing wall
 * while the new one is prepared), presented only when it changed.
 * true when a frame was presented. */
static bool
app_frame(struct app *a, const struct frame_state *fs)
{
    double w0 = time_mono_s();
    bool presented = false;
    text_cache_tick(a->text, (int64_t)(w0 * 1000));
    if (a->old.wall) {
        /* A reload: the old wall stays live while the new one is
         * painted within the frame's budget. */
        struct frame_state ofs = frame_state_of(
            a, a->old.scene, a->old.sources, a->old.frozen, fs->now_ms);
        if (wall_update(a->old.wall, &ofs)) {
            output_present(a->out, a->old.wall, a->old.layout, a->opt.scale);
            presented = true;
        }
        record_frame(a, &ofs); /* what is on the glass */
        if (wall_prepare(a->wall, fs)) {
            wall_take_over(a->wall, a->old.wall, fs->now_ms);
            outgoing_free(&a->old);
            app_record_take_over(a);
            give_back_memory(a, true);
        }
    } else {
        if (wall_update(a->wall, fs)) {
            output_present(a->out, a->wall, a->layout, a->opt.scale);
            presented = true;
            give_back_memory(a, false);
        }
        record_frame(a, fs);
    }
    if (presented) {
        metrics_frame(&a->metrics, time_mono_s() - w0);
    }
    if (a->cluster) {
        /* The ranks draw this frame; all swap together. */
        send_epoch(a, fs, false);
        cluster_frame_done(a->cluster, time_mono_s() - w0, 0);
    }
    return presented;
}

/* A reload not asked through the control API (the file saved, F5) into
 * the record as an audit line like the API's, so the timeline lists
 * refused ones with their error even when the wall does not show it. */
static void
reload_by(struct app *a, const char *who, int64_t now)
{
    bool ok = app_reload(a, now);
    if (!a->recorder) {
        return;
    }
    char iso[40];
    time_format_iso8601(now, a->layout->utc_offset_min, iso, sizeof(iso));
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "time", iso);
    cJSON_AddStringToObject(o, "peer", who);
    cJSON_AddStringToObject(o, "command", "reload");
    cJSON_AddStringToObject(o, "request", "-");
    cJSON_AddNumberToObject(o, "status", ok ? 200 : 422);
    cJSON_AddStringToObject(o, "result", ok ? "reloaded"
                                            : a->reload_error
                                                  ? a->reload_error
                                                  : "refused");
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    recorder_audit(a->recorder, now, line);
    free(line);
}

/* One event on the main thread; false when the wall should stop. */
static bool
app_event(struct app *a, const SDL_Event *ev, int64_t now)
{
    if (ev->type == a->feed.event) {
        app_collect_feeds(a);
    } else if (a->ctl && ev->type == a->requests.event) {
        serve_requests(a, now);
    } else if (ev->type == a->watched.event) {
        waker_taken(&a->watched);
        reload_by(a, "layout file", now);
    } else if (ev->type == a->video.event) {
        /* Cleared before the update that takes the picture, so a
         * picture arriving meanwhile wakes us again. */
        waker_taken(&a->video);
    } else if (ev->type == SDL_QUIT) {
        return false;
    } else if (ev->type == SDL_KEYDOWN) {
        SDL_Keycode k = ev->key.keysym.sym;
        if (k == SDLK_ESCAPE) {
            return false;
        } else if (k == SDLK_F5) {
            reload_by(a, "F5", now);
        } else if (k >= SDLK_1 && k <= SDLK_9 &&
                   (size_t)(k - SDLK_1) < a->layout->nscenes) {
            director_pick(a->director, (size_t)(k - SDLK_1), now);
        } else if (k == SDLK_PAGEUP || k == SDLK_PAGEDOWN) {
            director_step(a->director, k == SDLK_PAGEUP ? -1 : 1, now);
        }
    } else if (ev->type == SDL_WINDOWEVENT &&
               ev->window.event == SDL_WINDOWEVENT_EXPOSED) {
        wall_invalidate(shown_wall(a));
    }
    return true;
}

/* SIGHUP asks for the control API's certificate to be read again (a
 * renewal).  A signal handler can only set a flag, so this is the one
 * variable of the file at file scope; the loop reads it each turn (the
 * signal interrupts its ppoll). */
static volatile sig_atomic_t hup_seen;

static void
on_hup(int sig)
{
    (void)sig;
    hup_seen = 1;
}

int
app_run(const struct app_options *opt, int argc, char **argv)
{
    struct app a = {.opt = *opt};
    memory_set_policy();
    /* With --at the wall's clock starts there and runs on. */
    int64_t mono0 = time_mono_ms();
    int64_t t0 = a.opt.have_at ? a.opt.at_ms : time_now_ms();
    int rc = 1;
    if (a.opt.cluster &&
        (rc = cluster_enter(&a, &argc, &argv, false)) >= 0) {
        return rc; /* a render rank's run, or MPI could not start */
    }
    rc = 1;
    /* The master's and a lone wall's (render ranks draw one scene of a
     * given layout: they have the fixed threshold only). */
    a.trimmer = memory_trimmer_create();
    if (a.cluster) {
        /* The master's own wall is a preview (the console, frame.png,
         * metrics); the ranks draw the wall at --scale. */
        a.opt.scale = a.opt.scale < 0.25 ? a.opt.scale : 0.25;
    }
    struct service svc;
    service_init(&svc);
    bool ok = app_init(&a, a.opt.mode, t0) && app_start_control(&a) &&
              app_record_start(&a);
    if (ok && a.cluster) {
        ok = cluster_fits(&a); /* a misfit has told the ranks to quit */
    } else if (!ok && a.cluster) {
        send_epoch(&a, NULL, true);
    }
    if (!ok) {
        app_fini(&a);
        cluster_finish(a.cluster);
        return rc;
    }
    char status[160];
    snprintf(status, sizeof(status), "showing scene %s",
             a.layout->scenes[a.scene].id);
    service_ready(status);
    struct sigaction hup = {.sa_handler = on_hup};
    sigemptyset(&hup.sa_mask);
    sigaction(SIGHUP, &hup, NULL);
    struct frame_clock clock;
    frame_clock_init(&clock, output_has_vsync(a.out));
    unsigned long frames = 0;
    int64_t worst_ms = 0; /* longest frame: update + present + events */
    bool running = true;
    while (running) {
        int64_t frame_start = time_mono_ms();
        int64_t elapsed = frame_start - mono0;
        int64_t now = a.opt.have_at ? t0 + elapsed : time_now_ms();
        if (a.ctl) {
            control_server_heartbeat(a.ctl, frame_start);
        }
        if (hup_seen) {
            hup_seen = 0;
            app_renew_tls(&a);
        }
        service_alive(&svc, frame_start);
        if (director_tick(a.director, now)) {
            LOG_INFO("scene %s (%s)", a.layout->scenes[director_scene(
                                          a.director)].id,
                     director_rotating(a.director) ? "rotation"
                                                   : "schedule");
        }
        if (director_scene(a.director) != a.scene) {
            snprintf(status, sizeof(status), "showing scene %s",
                     a.layout->scenes[director_scene(a.director)].id);
            service_status(status);
        }
        a.scene = director_scene(a.director);
        wall_set_scene(a.wall, a.scene);
        wall_set_focus(a.wall, director_focus(a.director));
        struct frame_state fs = frame_state_for(&a, now);
        frames++;
        a.metrics.loops++;
        bool presented = app_frame(&a, &fs);
        int64_t spent = time_mono_ms() - frame_start;
        worst_ms = spent > worst_ms ? spent : worst_ms;
        if (a.opt.duration_ms && elapsed >= a.opt.duration_ms) {
            break;
        }
        int64_t deadline = a.old.wall ? now : wall_next_deadline(a.wall, &fs);
        int64_t due = director_next_due(a.director, now);
        deadline = due < deadline ? due : deadline;
        bool animating = deadline <= now;
        int64_t now_ns = time_mono_ns();
        frame_clock_turn(&clock, now_ns, animating, presented);
        /* Animated: the next point of the 60 Hz grid (or at once where
         * the swap waits for the display); else the next deadline, at
         * most a second away (the heartbeat), or an event. */
        int64_t wait_ms = deadline == INT64_MAX ? 1000 : deadline - now;
        wait_ms = wait_ms > 1000 ? 1000 : wait_ms;
        int64_t due_ns = animating ? frame_clock_due(&clock, now_ns)
                                   : now_ns + wait_ms * 1000000;
        do {
            SDL_Event ev;
            if (!loop_wait_next(a.wait, due_ns, &ev)) {
                continue;
            }
            do {
                running = app_event(&a, &ev, now) && running;
            } while (SDL_PollEvent(&ev));
            /* Events during an animation wait for the grid's point;
             * otherwise the frame they cause is drawn at once. */
        } while (running && animating && time_mono_ns() < due_ns);
    }
    service_stopping();
    if (a.cluster) {
        send_epoch(&a, NULL, true);
    }
    struct wall_stats st = wall_get_stats(shown_wall(&a));
    LOG_INFO("%lu loop iterations, %lu frames presented, %lu widget paints, "
             "worst frame %lld ms", frames, (unsigned long)a.metrics.frames, st.paints,
             (long long)worst_ms);
    rc = 0;
    if (a.opt.snapshot) {
        if (write_png(shown_wall(&a), a.opt.snapshot)) {
            printf("wrote %s\n", a.opt.snapshot);
        } else {
            rc = 1;
        }
    }
    app_fini(&a);
    cluster_finish(a.cluster);
    return rc;
}
