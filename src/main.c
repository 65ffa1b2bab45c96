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

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"
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
    "             [--snapshot OUT.png]\n"
    "      drive the wall.  Keys: Esc quits, F5 reloads the layout (a bad\n"
    "      layout keeps the old one running), 1-9 select a scene.\n"
    "      --duration (e.g. 10s) stops after that long; --snapshot writes\n"
    "      the last frame.  Without a display, use --offscreen.\n"
    "  check LAYOUT\n"
    "      report every problem as FILE:LINE:COL; exit 1 on errors.\n"
    "  render LAYOUT -o OUT.png [--scene ID] [--scale S] [--at ISO-8601]\n"
    "             [--region X,Y,W,H]\n"
    "      render one frame offscreen (deterministic for a fixed --at and\n"
    "      file sources).  --region renders part of the canvas.\n"
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
    return true;
}

static struct layout *
load_layout(const char *path, bool quiet_ok)
{
    struct diag_list diags;
    diag_list_init(&diags, path);
    struct layout *l = layout_load(path, &diags);
    for (size_t i = 0; i < diags.count; i++) {
        char *s = diag_format(&diags, &diags.items[i]);
        if (diags.items[i].severity == DIAG_ERROR) {
            LOG_ERR("%s", s);
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

struct app {
    struct options opt;
    char *data_dir;
    struct layout *layout;
    struct source_set *sources;
    struct feed_engine *feeds;
    Uint32 feed_event;       /* SDL user event: "snapshots are waiting" */
    _Atomic bool feed_woken; /* coalesces wake-ups into one event */
    Uint32 video_event;      /* SDL user event: "a new video picture" */
    _Atomic bool video_woken;
    int64_t clock_offset_ms; /* --at minus the real clock */
    struct text_cache *text;
    struct output *out;
    struct wall *wall;
    size_t scene;
};

/* Feed thread: post one event per burst of publications; never blocks. */
static void
feed_wake(void *ctx)
{
    struct app *a = ctx;
    if (!atomic_exchange(&a->feed_woken, true)) {
        SDL_Event ev = {.type = a->feed_event};
        SDL_PushEvent(&ev);
    }
}

/* Decoder threads: one event until the render loop has taken it. */
static void
video_wake(void *ctx)
{
    struct app *a = ctx;
    if (!atomic_exchange(&a->video_woken, true)) {
        SDL_Event ev = {.type = a->video_event};
        SDL_PushEvent(&ev);
    }
}

static void
app_collect_feeds(struct app *a)
{
    atomic_store(&a->feed_woken, false);
    if (a->feeds) {
        feed_engine_collect(a->feeds, a->sources);
    }
}

static void
app_fini(struct app *a)
{
    feed_engine_destroy(a->feeds);
    wall_destroy(a->wall);
    text_cache_destroy(a->text);
    output_destroy(a->out);
    source_set_destroy(a->sources);
    layout_destroy(a->layout);
    free(a->data_dir);
    SDL_Quit();
}

static bool
app_init(struct app *a, enum output_mode mode, int64_t now_ms)
{
    a->data_dir = find_data_dir();
    a->layout = load_layout(a->opt.layout, false);
    if (!a->layout || !select_scene(a->layout, a->opt.scene, &a->scene)) {
        return false;
    }
    const struct layout_wall *lw = &a->layout->wall;
    int win_w = (int)lround(lw->columns * lw->width * a->opt.scale);
    int win_h = (int)lround(lw->rows * lw->height * a->opt.scale);
    if (mode == OUTPUT_OFFSCREEN) {
        win_w = win_w > 4096 ? 4096 : win_w; /* only a drawable is needed */
        win_h = win_h > 4096 ? 4096 : win_h;
    }
    a->out = output_create(mode, a->opt.display, win_w, win_h,
                           a->layout->title);
    if (!a->out) {
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
    a->video_event = SDL_RegisterEvents(1);
    wall_set_wake(a->wall, video_wake, a);
    a->sources = source_set_create(a->layout);
    source_set_load_files(a->sources, now_ms);
    a->feed_event = SDL_RegisterEvents(1);
    a->clock_offset_ms = now_ms - time_now_ms();
    a->feeds = feed_engine_create(a->layout, a->clock_offset_ms, feed_wake,
                                  a);
    return a->feeds != NULL;
}

static struct frame_state
frame_state_for(const struct app *a, int64_t now_ms)
{
    return (struct frame_state){
        .now_ms = now_ms,
        .scene = a->scene,
        .snapshots = source_set_snapshots(a->sources),
        .nsnapshots = source_set_count(a->sources),
    };
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
    if (a.opt.scale == 0.5 && a.opt.mode == OUTPUT_WINDOW) {
        a.opt.scale = 1.0; /* render's default is the wall's full size */
    }
    int64_t now = a.opt.have_at ? a.opt.at_ms : time_now_ms();
    int rc = 1;
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
        wall_set_still(a.wall, true);
        wall_update(a.wall, &fs);
        if (write_png(a.wall, a.opt.out)) {
            printf("wrote %s (%d x %d)\n", a.opt.out, wall_width(a.wall),
                   wall_height(a.wall));
            rc = 0;
        }
    }
    app_fini(&a);
    return rc;
}

/* F5: build the new layout aside; swap only if everything succeeds. */
static void
reload(struct app *a, int64_t now_ms)
{
    LOG_INFO("reloading %s", a->opt.layout);
    struct layout *nl = load_layout(a->opt.layout, false);
    if (!nl) {
        LOG_ERR("reload failed: keeping the current layout");
        return;
    }
    struct wall *nw = wall_create(nl, a->text, a->data_dir, a->opt.scale,
                                  a->opt.region);
    if (!nw) {
        LOG_ERR("reload failed: keeping the current layout");
        layout_destroy(nl);
        return;
    }
    wall_set_wake(nw, video_wake, a);
    size_t scene = nl->start_scene;
    if (a->scene < a->layout->nscenes) {
        int idx = layout_scene_index(nl, a->layout->scenes[a->scene].id);
        scene = idx >= 0 ? (size_t)idx : scene;
    }
    feed_engine_destroy(a->feeds);
    wall_destroy(a->wall);
    source_set_destroy(a->sources);
    layout_destroy(a->layout);
    a->layout = nl;
    a->wall = nw;
    a->scene = scene;
    wall_set_scene(a->wall, scene);
    a->sources = source_set_create(nl);
    source_set_load_files(a->sources, now_ms);
    a->feeds = feed_engine_create(nl, a->clock_offset_ms, feed_wake, a);
    LOG_INFO("layout reloaded");
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
    if (!app_init(&a, a.opt.mode, t0)) {
        app_fini(&a);
        return rc;
    }
    bool paced = output_has_vsync(a.out);
    unsigned long frames = 0, presented = 0;
    int64_t worst_ms = 0; /* longest frame: update + present + events */
    bool running = true;
    while (running) {
        int64_t frame_start = time_mono_ms();
        int64_t elapsed = frame_start - mono0;
        int64_t now = a.opt.have_at ? t0 + elapsed : time_now_ms();
        struct frame_state fs = frame_state_for(&a, now);
        frames++;
        if (wall_update(a.wall, &fs)) {
            output_present(a.out, a.wall, a.layout, a.opt.scale);
            presented++;
        }
        int64_t spent = time_mono_ms() - frame_start;
        worst_ms = spent > worst_ms ? spent : worst_ms;
        if (a.opt.duration_ms && elapsed >= a.opt.duration_ms) {
            break;
        }
        int64_t deadline = wall_next_deadline(a.wall, &fs);
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
                if (ev.type == a.feed_event) {
                    app_collect_feeds(&a);
                } else if (ev.type == a.video_event) {
                    /* Cleared before the update that takes the picture,
                     * so a picture arriving meanwhile wakes us again. */
                    atomic_store(&a.video_woken, false);
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
                        a.scene = (size_t)(k - SDLK_1);
                        wall_set_scene(a.wall, a.scene);
                    }
                } else if (ev.type == SDL_WINDOWEVENT &&
                           ev.window.event == SDL_WINDOWEVENT_EXPOSED) {
                    wall_invalidate(a.wall);
                }
            } while (SDL_PollEvent(&ev));
        }
    }
    struct wall_stats st = wall_get_stats(a.wall);
    LOG_INFO("%lu loop iterations, %lu frames presented, %lu widget paints, "
             "worst frame %lld ms", frames, presented, st.paints,
             (long long)worst_ms);
    rc = 0;
    if (a.opt.snapshot) {
        if (write_png(a.wall, a.opt.snapshot)) {
            printf("wrote %s\n", a.opt.snapshot);
        } else {
            rc = 1;
        }
    }
    app_fini(&a);
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
