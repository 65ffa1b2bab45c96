/*
 * main: the command line (run, check, render, schema), wiring and the main
 * loop.  Runs on the main thread, which is the render thread: it alone
 * touches SDL video, GL, the layout and the widgets.
 *
 * The loop: build the frame state (time, scene, snapshots), let the wall
 * repaint what changed, present only if something did, then sleep in
 * SDL_WaitEventTimeout until the next deadline (a clock tick, an age
 * label's minute, the next animation frame) or an event.
 */
#define LOG_MODULE "main"
#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <SDL2/SDL.h>

#include "base/file.h"
#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
#include "cluster/cluster.h"
#include "cluster/epoch.h"
#include "cluster/renderer.h"
#include "control/control_server.h"
#include "control/director.h"
#include "control/layout_watch.h"
#include "control/metrics.h"
#include "control/service.h"
#include "feeds/feed_http.h"
#include "feeds/source_set.h"
#include "layout/diag.h"
#include "layout/layout.h"
#include "layout/layout_spec.h"
#include "render/output.h"
#include "render/wall.h"
#include "text/text.h"

static const char usage[] =
    "usage: opswall COMMAND ...\n"
    "\n"
    "  run LAYOUT [--scene ID] [--window SCALE | --fullscreen | --offscreen]\n"
    "             [--display N] [--at ISO-8601] [--duration D]\n"
    "             [--snapshot OUT.png] [--control [ADDR:]PORT]\n"
    "             [--control-token-file FILE] [--audit-log FILE] [--cluster]\n"
    "      drive the wall.  Keys: Esc quits, F5 reloads the layout (a bad\n"
    "      layout keeps the old one running; saving the file reloads it\n"
    "      too), 1-9 select a scene, PageUp/PageDown the previous/next.\n"
    "      --duration (e.g. 10s) stops after that long; --snapshot writes\n"
    "      the last frame.  Without a display, use --offscreen.\n"
    "      --control serves the control API (default address 127.0.0.1)\n"
    "      with the bearer token from $OPSWALL_CONTROL_TOKEN or the file;\n"
    "      --audit-log appends every change made through it.\n"
    "      --cluster: under mpirun, rank 0 runs the wall (feeds, control,\n"
    "      scenes) and ranks 1.. each draw their part of it (the layout's\n"
    "      cluster.ranks), in step.\n"
    "  check LAYOUT\n"
    "      report every problem as FILE:LINE:COL; exit 1 on errors.\n"
    "  render LAYOUT -o OUT.png [--scene ID] [--scale S] [--at ISO-8601]\n"
    "             [--region X,Y,W,H] [--cluster]\n"
    "      render one frame offscreen (deterministic for a fixed --at and\n"
    "      file sources).  --region renders part of the canvas; with\n"
    "      --cluster under mpirun each rank renders its part and rank 0\n"
    "      writes them stitched together.\n"
    "  schema\n"
    "      print the layout format's JSON Schema.\n"
    "  --help, --version\n";

struct options {
    const char *layout;
    const char *scene;
    const char *out;
    const char *snapshot;
    double scale;
    enum output_mode mode;
    int display;
    bool have_at;
    int64_t at_ms;
    int64_t duration_ms;
    struct rect region;
    const char *control;      /* [ADDR:]PORT or NULL */
    const char *token_file;
    const char *audit_log;
    bool scale_set;
    bool cluster;
};

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
static char *
find_data_dir(void)
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

static bool
parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end) {
        return false;
    }
    *out = v;
    return true;
}

static bool
parse_region(const char *s, struct rect *r)
{
    long v[4];
    const char *p = s;
    for (int i = 0; i < 4; i++) {
        char *end;
        errno = 0;
        v[i] = strtol(p, &end, 10);
        if (errno || end == p || v[i] < 0 || v[i] > 1000000 ||
            (i < 3 && *end != ',') || (i == 3 && *end)) {
            return false;
        }
        p = end + 1;
    }
    *r = (struct rect){(int)v[0], (int)v[1], (int)v[2], (int)v[3]};
    return r->w > 0 && r->h > 0;
}

static bool
parse_options(int argc, char **argv, struct options *o)
{
    *o = (struct options){.scale = 1.0, .mode = OUTPUT_WINDOW};
    bool scale_set = false;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VALUE()                                                        \
    do {                                                                    \
        if (!v) {                                                           \
            fprintf(stderr, "opswall: %s needs a value\n", a);              \
            return false;                                                   \
        }                                                                   \
        i++;                                                                \
    } while (0)
        if (strcmp(a, "--scene") == 0) {
            NEED_VALUE();
            o->scene = v;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            NEED_VALUE();
            o->out = v;
        } else if (strcmp(a, "--snapshot") == 0) {
            NEED_VALUE();
            o->snapshot = v;
        } else if (strcmp(a, "--scale") == 0 || strcmp(a, "--window") == 0) {
            NEED_VALUE();
            if (!parse_double(v, &o->scale) || o->scale < 0.05 ||
                o->scale > 8) {
                fprintf(stderr, "opswall: %s takes a number between 0.05 "
                        "and 8\n", a);
                return false;
            }
            scale_set = true;
            if (strcmp(a, "--window") == 0) {
                o->mode = OUTPUT_WINDOW;
            }
        } else if (strcmp(a, "--cluster") == 0) {
            o->cluster = true;
        } else if (strcmp(a, "--fullscreen") == 0) {
            o->mode = OUTPUT_FULLSCREEN;
        } else if (strcmp(a, "--offscreen") == 0) {
            o->mode = OUTPUT_OFFSCREEN;
        } else if (strcmp(a, "--display") == 0) {
            NEED_VALUE();
            double d;
            if (!parse_double(v, &d) || d < 0 || d > 64) {
                fprintf(stderr, "opswall: --display takes a display index\n");
                return false;
            }
            o->display = (int)d;
        } else if (strcmp(a, "--at") == 0) {
            NEED_VALUE();
            if (!time_parse_iso8601(v, 7 * 60, &o->at_ms)) {
                fprintf(stderr, "opswall: --at wants ISO 8601, e.g. "
                        "2026-11-22T21:42:00+07:00\n");
                return false;
            }
            o->have_at = true;
        } else if (strcmp(a, "--duration") == 0) {
            NEED_VALUE();
            if (!time_parse_duration(v, &o->duration_ms)) {
                fprintf(stderr, "opswall: --duration wants e.g. 10s, 2m\n");
                return false;
            }
        } else if (strcmp(a, "--control") == 0) {
            NEED_VALUE();
            o->control = v;
        } else if (strcmp(a, "--control-token-file") == 0) {
            NEED_VALUE();
            o->token_file = v;
        } else if (strcmp(a, "--audit-log") == 0) {
            NEED_VALUE();
            o->audit_log = v;
        } else if (strcmp(a, "--region") == 0) {
            NEED_VALUE();
            if (!parse_region(v, &o->region)) {
                fprintf(stderr, "opswall: --region wants X,Y,W,H in canvas "
                        "pixels\n");
                return false;
            }
        } else if (a[0] == '-') {
            fprintf(stderr, "opswall: unknown option %s\n%s", a, usage);
            return false;
        } else if (!o->layout) {
            o->layout = a;
        } else {
            fprintf(stderr, "opswall: unexpected argument %s\n", a);
            return false;
        }
#undef NEED_VALUE
    }
    if (!o->layout) {
        fprintf(stderr, "opswall: which layout?\n%s", usage);
        return false;
    }
    if (o->mode == OUTPUT_WINDOW && !scale_set) {
        o->scale = 0.5;
    }
    o->scale_set = scale_set;
    return true;
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

static int
cmd_check(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: opswall check LAYOUT\n");
        return 2;
    }
    const char *path = argv[2];
    struct diag_list diags;
    diag_list_init(&diags, path);
    struct layout *l = layout_load(path, &diags);
    diag_list_write(&diags, stdout);
    if (l) {
        printf("%s: ok: %zu scene(s), %zu source(s), canvas %d x %d px, "
               "%d warning(s)\n", path, l->nscenes, l->nsources,
               l->wall.canvas_w, l->wall.canvas_h, diags.warnings);
    } else {
        printf("%s: %d error(s), %d warning(s)\n", path, diags.errors,
               diags.warnings);
    }
    layout_destroy(l);
    diag_list_fini(&diags);
    return l ? 0 : 1;
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

static bool
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

/* An SDL user event that another thread posts at most once until the
 * main loop has taken it (the flag coalesces a burst of wake-ups). */
struct waker {
    Uint32 event;
    _Atomic bool woken;
};

/* Any thread: never blocks. */
static void
waker_post(void *ctx)
{
    struct waker *k = ctx;
    if (!atomic_exchange(&k->woken, true)) {
        SDL_Event ev = {.type = k->event};
        SDL_PushEvent(&ev);
    }
}

/* Main thread: cleared before the work it announces is done, so work
 * arriving meanwhile posts again. */
static void
waker_taken(struct waker *k)
{
    atomic_store(&k->woken, false);
}

struct app {
    struct options opt;
    char *data_dir;
    struct layout *layout;
    struct source_set *sources;
    struct feed_engine *feeds;
    /* Other threads wake the loop with one SDL user event per burst. */
    struct waker feed;  /* "snapshots are waiting" */
    struct waker video; /* "a new video picture" */
    int64_t clock_offset_ms; /* --at minus the real clock */
    struct text_cache *text;
    struct output *out;
    struct wall *wall;
    size_t scene;
    struct director *director;
    struct source_set *frozen;  /* the data shown while frozen, or NULL */
    struct control_server *ctl;
    struct waker requests;      /* "requests are queued" */
    struct layout_watch *watch;
    Uint32 watch_event;         /* SDL user event: "the layout changed" */
    char *reload_error;         /* the last failed reload's first error */
    FILE *audit;
    struct metrics metrics;
    /* A reload in progress: the wall being replaced stays on screen, with
     * its layout and data, while the new one is painted a few widgets per
     * frame (wall_prepare); then the new one crossfades from it. */
    /* A cluster's master: what the render ranks are sent. */
    struct cluster *cluster;
    struct epoch_writer *epochs;
    char *layout_text;   /* the layout as loaded, until sent */
    size_t layout_len;
    uint64_t frame;
    struct outgoing {
        struct layout *layout;
        struct wall *wall;
        struct source_set *sources, *frozen;
        size_t scene;
    } old;
};

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
static struct wall *
shown_wall(const struct app *a)
{
    return a->old.wall ? a->old.wall : a->wall;
}

/* Watcher thread: the layout file changed. */
static void
watch_wake(void *ctx)
{
    struct app *a = ctx;
    SDL_Event ev = {.type = a->watch_event};
    SDL_PushEvent(&ev);
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
    free(a->layout_text);
    epoch_writer_destroy(a->epochs);
    control_server_stop(a->ctl);
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
    text_cache_destroy(a->text);
    output_destroy(a->out);
    source_set_destroy(a->sources);
    layout_destroy(a->layout);
    free(a->data_dir);
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
    a->data_dir = find_data_dir();
    a->layout = load_layout(a->opt.layout, false, NULL, &a->layout_text,
                            &a->layout_len);
    if (!a->layout || !select_scene(a->layout, a->opt.scene, &a->scene)) {
        return false;
    }
    if (!app_open_outputs(a, mode)) {
        return false;
    }
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
static struct frame_state
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
    if (a->layout_text && !quit) {
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
    if (e.layout_text) {
        free(a->layout_text);
        a->layout_text = NULL;
    }
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
    char *dd = find_data_dir();
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

static int
cmd_render(int argc, char **argv)
{
    struct app a = {0};
    if (!parse_options(argc, argv, &a.opt)) {
        return 2;
    }
    if (!a.opt.out) {
        fprintf(stderr, "opswall render: -o OUT.png is required\n");
        return 2;
    }
    if (!a.opt.scale_set) {
        a.opt.scale = 1.0; /* render's default is the wall's full size */
    }
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
        for (size_t i = 0; i < a.layout->nsources; i++) {
            int64_t t = a.layout->sources[i].timeout_ms;
            longest = t > longest ? t : longest;
        }
        feed_engine_wait_first(a.feeds, longest + 1000);
        app_collect_feeds(&a);
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
static bool
reload(struct app *a, int64_t now_ms)
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
                                   a->frozen, a->scene};
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
    LOG_INFO("layout reloaded");
    return true;
}

/* ---- the control API, applied on the main thread ---------------------- */

static char *
json_print(cJSON *o)
{
    char *s = cJSON_Print(o);
    cJSON_Delete(o);
    return s;
}

static void
add_stream(const struct widget_stream *st, void *arg)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "label", st->label);
    cJSON_AddStringToObject(s, "state", st->state);
    cJSON_AddStringToObject(s, "decoder", st->decoder);
    cJSON_AddItemToArray(arg, s);
}

static char *
state_json(const struct app *a, int64_t now_ms)
{
    cJSON *o = cJSON_CreateObject();
    const struct layout *l = a->layout;
    cJSON_AddStringToObject(o, "layout", l->path);
    cJSON_AddStringToObject(o, "scene", l->scenes[a->scene].id);
    cJSON_AddBoolToObject(o, "rotating", director_rotating(a->director));
    const char *focus = director_focus(a->director);
    cJSON_AddItemToObject(o, "focus", focus ? cJSON_CreateString(focus)
                                            : cJSON_CreateNull());
    const struct frame_aids *ad = director_aids(a->director);
    cJSON_AddItemToObject(o, "highlight", ad->highlight
                                              ? cJSON_CreateString(
                                                    ad->highlight)
                                              : cJSON_CreateNull());
    if (ad->frozen_at_ms) {
        char iso[40];
        time_format_iso8601(ad->frozen_at_ms, l->utc_offset_min, iso,
                            sizeof(iso));
        cJSON_AddStringToObject(o, "frozen_at", iso);
    } else {
        cJSON_AddNullToObject(o, "frozen_at");
    }
    bool notice = ad->notice && (ad->notice_until_ms == 0 ||
                                 now_ms < ad->notice_until_ms);
    cJSON_AddItemToObject(o, "notice", notice ? cJSON_CreateString(
                                                    ad->notice)
                                              : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "reload_error",
                          a->reload_error
                              ? cJSON_CreateString(a->reload_error)
                              : cJSON_CreateNull());
    cJSON *srcs = cJSON_AddArrayToObject(o, "sources");
    struct snapshot *const *snaps = source_set_snapshots(a->sources);
    for (size_t i = 0; i < l->nsources; i++) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "name", l->sources[i].name);
        cJSON_AddStringToObject(s, "state", snapshot_state_name(
                                    snapshot_state(snaps[i], &l->sources[i],
                                                   now_ms)));
        if (snaps[i] && snaps[i]->root) {
            cJSON_AddNumberToObject(s, "age_s", (double)(now_ms -
                                                         snaps[i]->as_of_ms) /
                                                    1000.0);
        }
        if (snaps[i] && snaps[i]->error) {
            cJSON_AddStringToObject(s, "error", snaps[i]->error);
        }
        cJSON_AddItemToArray(srcs, s);
    }
    cJSON *streams = cJSON_AddArrayToObject(o, "streams");
    wall_each_stream(shown_wall(a), add_stream, streams);
    return json_print(o);
}

static char *
scenes_json(const struct app *a)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < a->layout->nscenes; i++) {
        const struct layout_scene *sc = &a->layout->scenes[i];
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "id", sc->id);
        cJSON_AddStringToObject(s, "title", sc->title ? sc->title : sc->id);
        cJSON_AddBoolToObject(s, "current", i == a->scene);
        cJSON *ws = cJSON_AddArrayToObject(s, "widgets");
        for (size_t k = 0; k < sc->nwidgets; k++) {
            cJSON_AddItemToArray(ws, cJSON_CreateString(sc->widgets[k].id));
        }
        cJSON_AddItemToArray(arr, s);
    }
    return json_print(arr);
}

struct png_buf {
    unsigned char *p;
    size_t len, cap;
};

static cairo_status_t
png_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct png_buf *b = closure;
    if (b->len + len > b->cap) {
        b->cap = (b->len + len) * 2;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* One line per change: time, client, request, outcome. */
static void
audit(struct app *a, const struct control_request *r, const char *what,
      int status, const char *detail)
{
    LOG_INFO("audit: %s %s %s -> %d %s", r->peer,
             control_op_name(r->cmd.op), what, status, detail);
    if (a->audit) {
        char iso[40];
        time_format_iso8601(time_now_ms(), a->layout->utc_offset_min, iso,
                            sizeof(iso));
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "time", iso);
        cJSON_AddStringToObject(o, "peer", r->peer);
        cJSON_AddStringToObject(o, "command", control_op_name(r->cmd.op));
        cJSON_AddStringToObject(o, "request", what);
        cJSON_AddNumberToObject(o, "status", status);
        cJSON_AddStringToObject(o, "result", detail);
        char *s = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        fprintf(a->audit, "%s\n", s);
        fflush(a->audit);
        free(s);
    }
}

/* Applies a change; returns the HTTP status, with a message in msg. */
static int
apply(struct app *a, const struct control_cmd *c, int64_t now_ms, char *msg,
      size_t n)
{
    struct director *d = a->director;
    switch (c->op) {
    case CONTROL_SCENE:
        if (c->resume) {
            if (!director_resume(d, now_ms)) {
                snprintf(msg, n, "the layout has no rotation");
                return 409;
            }
        } else if (c->step) {
            director_step(d, c->step, now_ms);
        } else {
            int idx = layout_scene_index(a->layout, c->arg);
            if (idx < 0) {
                snprintf(msg, n, "no scene \"%s\"", c->arg);
                return 404;
            }
            director_pick(d, (size_t)idx, now_ms);
        }
        snprintf(msg, n, "scene %s", a->layout->scenes[director_scene(d)].id);
        return 200;
    case CONTROL_FOCUS:
        if (!director_set_focus(d, c->arg)) {
            snprintf(msg, n, "scene \"%s\" has no widget \"%s\"",
                     a->layout->scenes[a->scene].id, c->arg);
            return 404;
        }
        snprintf(msg, n, c->arg ? "focus on %s" : "focus released",
                 c->arg ? c->arg : "");
        return 200;
    case CONTROL_HIGHLIGHT:
        director_set_highlight(d, c->arg);
        snprintf(msg, n, c->arg ? "highlight %s" : "highlight cleared",
                 c->arg ? c->arg : "");
        return 200;
    case CONTROL_FREEZE:
        if (!a->frozen) {
            a->frozen = source_set_copy(a->sources);
            director_set_frozen(d, now_ms);
        }
        snprintf(msg, n, "data frozen");
        return 200;
    case CONTROL_RELEASE:
        source_set_destroy(a->frozen);
        a->frozen = NULL;
        director_set_frozen(d, 0);
        snprintf(msg, n, "data live");
        return 200;
    case CONTROL_NOTICE:
        director_set_notice(d, c->arg, c->arg ? now_ms + c->seconds * 1000
                                              : 0);
        snprintf(msg, n, c->arg ? "notice for %llds" : "notice cleared",
                 (long long)c->seconds);
        return 200;
    case CONTROL_RELOAD:
        if (!reload(a, now_ms)) {
            snprintf(msg, n, "%s", a->reload_error);
            return 422;
        }
        snprintf(msg, n, "layout reloaded");
        return 200;
    default:
        snprintf(msg, n, "not a change");
        return 500;
    }
}

static void
answer_json(struct app *a, struct control_request *r, int status,
            const char *key, const char *msg)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, key, msg);
    char *s = json_print(o);
    control_server_answer(a->ctl, r, status,
                          "application/json;charset=utf-8", s, strlen(s));
}

static void
serve_requests(struct app *a, int64_t now_ms)
{
    waker_taken(&a->requests);
    struct control_request *r;
    while (a->ctl && (r = control_server_next(a->ctl))) {
        const struct control_cmd *c = &r->cmd;
        char *body = NULL;
        switch (c->op) {
        case CONTROL_STATE:
            body = state_json(a, now_ms);
            break;
        case CONTROL_SCENES:
            body = scenes_json(a);
            break;
        case CONTROL_METRICS: {
            struct control_counts cc = control_server_counts(a->ctl);
            struct metrics_view v = {
                .m = &a->metrics, .layout = a->layout,
                .snapshots = source_set_snapshots(a->sources),
                .now_ms = now_ms, .wall = shown_wall(a),
                .scene = a->layout->scenes[a->scene].id,
                .frozen = a->frozen != NULL, .control = &cc,
                .cluster = a->cluster ? cluster_stats(a->cluster) : NULL,
                .cluster_ranks = a->cluster ? cluster_size(a->cluster) : 0};
            body = metrics_render(&v);
            control_server_answer(a->ctl, r, 200, "text/plain; "
                                  "version=0.0.4; charset=utf-8", body,
                                  strlen(body));
            continue;
        }
        case CONTROL_FRAME: {
            cairo_surface_t *img = wall_read(shown_wall(a));
            struct png_buf b = {0};
            if (img) {
                cairo_surface_write_to_png_stream(img, png_write, &b);
                cairo_surface_destroy(img);
            }
            control_server_answer(a->ctl, r, b.len ? 200 : 500, "image/png",
                                  (char *)b.p, b.len);
            continue;
        }
        default: {
            char msg[512];
            char *what = c->arg ? xasprintf("\"%s\"", c->arg)
                                : xstrdup(c->step > 0 ? "next"
                                          : c->step < 0 ? "previous"
                                          : c->resume ? "rotation" : "-");
            int status = apply(a, c, now_ms, msg, sizeof(msg));
            audit(a, r, what, status, msg);
            free(what);
            answer_json(a, r, status, status == 200 ? "ok" : "error", msg);
            continue;
        }
        }
        control_server_answer(a->ctl, r, 200,
                              "application/json;charset=utf-8", body,
                              strlen(body));
    }
}

/* Starts the control API and the layout watcher (opswall run). */
static bool
app_start_control(struct app *a)
{
    a->watch_event = SDL_RegisterEvents(1);
    a->watch = layout_watch_start(a->opt.layout, watch_wake, a);
    if (a->opt.audit_log) {
        a->audit = fopen(a->opt.audit_log, "a");
        if (!a->audit) {
            LOG_ERR("cannot open the audit log %s: %s", a->opt.audit_log,
                    strerror(errno));
            return false;
        }
    }
    if (!a->opt.control) {
        return true;
    }
    char addr[64] = "127.0.0.1";
    const char *colon = strrchr(a->opt.control, ':');
    const char *port_s = colon ? colon + 1 : a->opt.control;
    if (colon) {
        snprintf(addr, sizeof(addr), "%.*s", (int)(colon - a->opt.control),
                 a->opt.control);
    }
    double port;
    if (!parse_double(port_s, &port) || port < 1 || port > 65535 ||
        port != (int)port) {
        LOG_ERR("--control wants [ADDR:]PORT, e.g. 127.0.0.1:8470");
        return false;
    }
    char *token = control_token_load(a->opt.token_file);
    if (!token) {
        return false;
    }
    char *page_path = xasprintf("%s/assets/console/index.html", a->data_dir);
    char *page = file_read_all(page_path, 1 << 20, NULL);
    if (!page) {
        LOG_WARN("no operator console page at %s", page_path);
    }
    free(page_path);
    a->requests.event = SDL_RegisterEvents(1);
    struct control_opts co = {.address = addr, .port = (int)port,
                              .token = token, .console = page,
                              .answer_ms = 3000, .wake = waker_post,
                              .wake_arg = &a->requests};
    a->ctl = control_server_start(&co);
    free(token);
    free(page);
    return a->ctl != NULL;
}

static int
cmd_run(int argc, char **argv)
{
    struct app a = {0};
    if (!parse_options(argc, argv, &a.opt)) {
        return 2;
    }
    /* With --at the wall's clock starts there and runs on. */
    int64_t mono0 = time_mono_ms();
    int64_t t0 = a.opt.have_at ? a.opt.at_ms : time_now_ms();
    int rc = 1;
    if (a.opt.cluster &&
        (rc = cluster_enter(&a, &argc, &argv, false)) >= 0) {
        return rc; /* a render rank's run, or MPI could not start */
    }
    rc = 1;
    if (a.cluster) {
        /* The master's own wall is a preview (the console, frame.png,
         * metrics); the ranks draw the wall at --scale. */
        a.opt.scale = a.opt.scale < 0.25 ? a.opt.scale : 0.25;
    }
    struct service svc;
    service_init(&svc);
    bool ok = app_init(&a, a.opt.mode, t0) && app_start_control(&a);
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
    bool paced = output_has_vsync(a.out);
    unsigned long frames = 0, presented = 0;
    int64_t worst_ms = 0; /* longest frame: update + present + events */
    bool running = true;
    while (running) {
        int64_t frame_start = time_mono_ms();
        int64_t elapsed = frame_start - mono0;
        int64_t now = a.opt.have_at ? t0 + elapsed : time_now_ms();
        if (a.ctl) {
            control_server_heartbeat(a.ctl, frame_start);
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
        double w0 = (double)time_mono_ms();
        if (a.old.wall) {
            /* A reload: the old wall stays live while the new one is
             * painted within the frame's budget. */
            struct frame_state ofs = frame_state_of(
                &a, a.old.scene, a.old.sources, a.old.frozen, now);
            if (wall_update(a.old.wall, &ofs)) {
                output_present(a.out, a.old.wall, a.old.layout, a.opt.scale);
                presented++;
            }
            if (wall_prepare(a.wall, &fs)) {
                wall_take_over(a.wall, a.old.wall, now);
                outgoing_free(&a.old);
            }
            metrics_frame(&a.metrics, ((double)time_mono_ms() - w0) / 1000.0);
        } else if (wall_update(a.wall, &fs)) {
            output_present(a.out, a.wall, a.layout, a.opt.scale);
            presented++;
            metrics_frame(&a.metrics, ((double)time_mono_ms() - w0) / 1000.0);
        }
        if (a.cluster) {
            /* The ranks draw this frame; all swap together. */
            send_epoch(&a, &fs, false);
            cluster_frame_done(a.cluster,
                               ((double)time_mono_ms() - w0) / 1000.0, 0);
        }
        int64_t spent = time_mono_ms() - frame_start;
        worst_ms = spent > worst_ms ? spent : worst_ms;
        if (a.opt.duration_ms && elapsed >= a.opt.duration_ms) {
            break;
        }
        int64_t deadline = a.old.wall ? now : wall_next_deadline(a.wall, &fs);
        int64_t due = director_next_due(a.director, now);
        deadline = due < deadline ? due : deadline;
        int64_t wait = deadline == INT64_MAX ? 1000 : deadline - now;
        /* Animated: vsync paces us; without it (offscreen, some
         * drivers) a timer holds ~60 frames/s instead of spinning. */
        if (wait <= 0) {
            wait = paced ? 0 : 16;
        }
        if (wait > 1000) {
            wait = 1000;
        }
        SDL_Event ev;
        if (SDL_WaitEventTimeout(&ev, (int)wait)) {
            do {
                if (ev.type == a.feed.event) {
                    app_collect_feeds(&a);
                } else if (a.ctl && ev.type == a.requests.event) {
                    serve_requests(&a, now);
                } else if (ev.type == a.watch_event) {
                    reload(&a, now);
                } else if (ev.type == a.video.event) {
                    /* Cleared before the update that takes the picture,
                     * so a picture arriving meanwhile wakes us again. */
                    waker_taken(&a.video);
                } else if (ev.type == SDL_QUIT) {
                    running = false;
                } else if (ev.type == SDL_KEYDOWN) {
                    SDL_Keycode k = ev.key.keysym.sym;
                    if (k == SDLK_ESCAPE) {
                        running = false;
                    } else if (k == SDLK_F5) {
                        reload(&a, now);
                    } else if (k >= SDLK_1 && k <= SDLK_9 &&
                               (size_t)(k - SDLK_1) < a.layout->nscenes) {
                        director_pick(a.director, (size_t)(k - SDLK_1), now);
                    } else if (k == SDLK_PAGEUP || k == SDLK_PAGEDOWN) {
                        director_step(a.director, k == SDLK_PAGEUP ? -1 : 1,
                                      now);
                    }
                } else if (ev.type == SDL_WINDOWEVENT &&
                           ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
                    wall_invalidate(shown_wall(&a));
                }
            } while (SDL_PollEvent(&ev));
        }
    }
    service_stopping();
    if (a.cluster) {
        send_epoch(&a, NULL, true);
    }
    struct wall_stats st = wall_get_stats(shown_wall(&a));
    LOG_INFO("%lu loop iterations, %lu frames presented, %lu widget paints, "
             "worst frame %lld ms", frames, presented, st.paints,
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

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("opswall %s\n", OPSWALL_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0) {
        return cmd_check(argc, argv);
    }
    if (strcmp(cmd, "schema") == 0) {
        char *s = layout_spec_json_schema();
        fputs(s, stdout);
        free(s);
        return 0;
    }
    if (strcmp(cmd, "render") == 0) {
        return cmd_render(argc, argv);
    }
    if (strcmp(cmd, "run") == 0) {
        return cmd_run(argc, argv);
    }
    fprintf(stderr, "opswall: unknown command \"%s\"\n%s", cmd, usage);
    return 2;
}
