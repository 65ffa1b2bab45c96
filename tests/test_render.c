/*
 * test_render: the wall through real GL, offscreen (SDL's offscreen driver
 * + EGL; Mesa's llvmpipe in CI).  Never skips: no GL context is a failure.
 *
 *  - damage: a frame whose inputs did not change paints no widget, uploads
 *    nothing and composites nothing; a clock tick repaints the clock only;
 *    new data repaints exactly the widgets bound to it;
 *  - determinism: the same frame state renders the same pixels twice;
 *  - regions: rendering a rectangle of the canvas on its own gives the same
 *    pixels as that rectangle of the whole frame (what splitting a wall
 *    across outputs and machines relies on);
 *  - golden images: frames compared with the PNGs in tests/ref/ within a small
 *    tolerance; on a mismatch the frame and a diff image are written to
 *    the build directory.  OPSWALL_UPDATE_REFS=1 rewrites the references.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_set.h"
#include "render/output.h"
#include "render/wall.h"
#include "testlib.h"
#include "video/video_decoder.h"
#include "widgets/revisions.h"
#include "widgets/widget_chart.h"

static const char *src_dir;
static const char *out_dir;
static struct text_cache *tc;

static struct layout *
load(const char *rel)
{
    char *path = rel[0] == '/' ? xstrdup(rel) : xasprintf("%s/%s", src_dir,
                                                          rel);
    struct diag_list d;
    diag_list_init(&d, path);
    struct layout *l = layout_load(path, &d);
    CHECK(l != NULL, "load %s", path);
    diag_list_fini(&d);
    free(path);
    return l;
}

static int64_t
at(const char *iso)
{
    int64_t t = 0;
    time_parse_iso8601(iso, 420, &t);
    return t;
}

static struct frame_state
fs_of(struct source_set *set, int64_t now)
{
    return (struct frame_state){now, 0, source_set_snapshots(set),
                                source_set_count(set), NULL, NULL, NULL};
}

/* The scene's widgets plus the wall's overlay band. */
static int
widget_count(const struct layout *l)
{
    return (int)l->scenes[l->start_scene].nwidgets + 1;
}

static void
test_damage(void)
{
    struct layout *l = load("layouts/demo.json");
    if (!l) {
        return;
    }
    struct wall *w = wall_create(l, tc, src_dir, 0.25, (struct rect){0});
    CHECK(w != NULL, "wall created");
    struct source_set *set = source_set_create(l);
    int64_t t0 = at("2026-11-22T09:15:00.500+07:00");
    source_set_load_files(set, t0);
    struct frame_state fs = fs_of(set, t0);

    CHECK(wall_update(w, &fs), "first frame draws");
    struct wall_stats s1 = wall_get_stats(w);
    CHECK((int)s1.paints == widget_count(l), "first frame paints all %d "
          "widgets, painted %lu", widget_count(l), s1.paints);

    /* Same frame state: nothing to do at all. */
    CHECK(!wall_update(w, &fs), "unchanged frame reports no change");
    struct wall_stats s2 = wall_get_stats(w);
    CHECK(s2.paints == s1.paints && s2.uploads == s1.uploads &&
              s2.composites == s1.composites && s2.draws == s1.draws,
          "unchanged frame: paints %lu->%lu uploads %lu->%lu composites "
          "%lu->%lu draws %lu->%lu", s1.paints, s2.paints, s1.uploads,
          s2.uploads, s1.composites, s2.composites, s1.draws, s2.draws);

    /* 0.3 s later: the clock shows the same second; only the ticker moves
     * (GPU quads, no Cairo). */
    fs.now_ms = t0 + 300;
    CHECK(wall_update(w, &fs), "ticker motion composites");
    struct wall_stats s3 = wall_get_stats(w);
    CHECK(s3.paints == s2.paints, "ticker motion paints nothing (%lu)",
          s3.paints - s2.paints);

    /* Next second: the clock repaints, alone. */
    fs.now_ms = t0 + 600;
    wall_update(w, &fs);
    struct wall_stats s4 = wall_get_stats(w);
    CHECK(s4.paints - s3.paints == 1, "a clock tick repaints 1 widget, "
          "repainted %lu", s4.paints - s3.paints);

    /* Republish one source: exactly the widgets bound to it repaint. */
    int idx = layout_source_index(l, "tinh");
    CHECK(idx >= 0, "source tinh");
    cJSON *root = cJSON_Parse("{\"updated\": \"2026-11-22T09:00:00+07:00\","
                              "\"reports_received\": {\"value\": 33}}");
    source_set_publish(set, (size_t)idx,
                       snapshot_create(root, 1000, fs.now_ms,
                                       at("2026-11-22T09:00:00+07:00"),
                                       fs.now_ms, NULL));
    fs.snapshots = source_set_snapshots(set);
    wall_update(w, &fs);
    struct wall_stats s5 = wall_get_stats(w);
    CHECK(s5.paints - s4.paints == 1, "new data for one KPI repaints 1 "
          "widget, repainted %lu", s5.paints - s4.paints);

    wall_destroy(w);
    source_set_destroy(set);
    layout_destroy(l);
}

static cairo_surface_t *
render_frame(const char *rel, double scale, struct rect region,
             const char *iso)
{
    struct layout *l = load(rel);
    if (!l) {
        return NULL;
    }
    struct wall *w = wall_create(l, tc, src_dir, scale, region);
    if (w) {
        wall_set_still(w, true);
    }
    CHECK(w != NULL, "wall for %s", rel);
    cairo_surface_t *img = NULL;
    if (w) {
        struct source_set *set = source_set_create(l);
        int64_t t = at(iso);
        source_set_load_files(set, t);
        struct frame_state fs = fs_of(set, t);
        wall_update(w, &fs);
        img = wall_read(w);
        source_set_destroy(set);
        wall_destroy(w);
    }
    layout_destroy(l);
    return img;
}

/* Mean absolute channel difference and the share of pixels off by more
 * than 24 in any channel; writes a diff image (red = different). */
static void
compare(cairo_surface_t *a, cairo_surface_t *b, double *mean, double *bad,
        cairo_surface_t **diff)
{
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    int sa = cairo_image_surface_get_stride(a);
    int sb = cairo_image_surface_get_stride(b);
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    *diff = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    unsigned char *pd = cairo_image_surface_get_data(*diff);
    int sd = cairo_image_surface_get_stride(*diff);
    double total = 0;
    long nbad = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int worst = 0;
            for (int c = 0; c < 3; c++) {
                int d = abs(pa[y * sa + 4 * x + c] - pb[y * sb + 4 * x + c]);
                total += d;
                worst = d > worst ? d : worst;
            }
            nbad += worst > 24;
            unsigned char g = pa[y * sa + 4 * x + 1] / 4;
            pd[y * sd + 4 * x + 0] = worst > 24 ? 0 : g;
            pd[y * sd + 4 * x + 1] = worst > 24 ? 0 : g;
            pd[y * sd + 4 * x + 2] = worst > 24 ? 255 : g;
            pd[y * sd + 4 * x + 3] = 255;
        }
    }
    cairo_surface_mark_dirty(*diff);
    *mean = total / ((double)w * h * 3);
    *bad = (double)nbad / ((double)w * h);
}

static void
golden(const char *name, cairo_surface_t *img)
{
    CHECK(img != NULL, "%s rendered", name);
    if (!img) {
        return;
    }
    char *ref = xasprintf("%s/tests/ref/%s.png", src_dir, name);
    if (getenv("OPSWALL_UPDATE_REFS")) {
        cairo_surface_write_to_png(img, ref);
        printf("updated %s\n", ref);
        free(ref);
        return;
    }
    cairo_surface_t *want = cairo_image_surface_create_from_png(ref);
    bool loaded = cairo_surface_status(want) == CAIRO_STATUS_SUCCESS;
    CHECK(loaded, "reference %s exists (OPSWALL_UPDATE_REFS=1 makes it)",
          ref);
    if (loaded) {
        bool same_size = cairo_image_surface_get_width(want) ==
                             cairo_image_surface_get_width(img) &&
                         cairo_image_surface_get_height(want) ==
                             cairo_image_surface_get_height(img);
        CHECK(same_size, "%s: size matches the reference", name);
        if (same_size) {
            double mean, bad;
            cairo_surface_t *diff;
            compare(img, want, &mean, &bad, &diff);
            bool ok = mean < 0.5 && bad < 0.001;
            CHECK(ok, "%s: mean difference %.3f, %.4f%% pixels differ",
                  name, mean, bad * 100);
            if (!ok) {
                char *got = xasprintf("%s/%s.got.png", out_dir, name);
                char *dp = xasprintf("%s/%s.diff.png", out_dir, name);
                cairo_surface_write_to_png(img, got);
                cairo_surface_write_to_png(diff, dp);
                fprintf(stderr, "  wrote %s and %s\n", got, dp);
                free(got);
                free(dp);
            }
            cairo_surface_destroy(diff);
        }
    }
    cairo_surface_destroy(want);
    free(ref);
}

static bool
equal_region(cairo_surface_t *whole, cairo_surface_t *part, int ox, int oy)
{
    int w = cairo_image_surface_get_width(part);
    int h = cairo_image_surface_get_height(part);
    int sw = cairo_image_surface_get_stride(whole);
    int sp = cairo_image_surface_get_stride(part);
    const unsigned char *a = cairo_image_surface_get_data(whole);
    const unsigned char *b = cairo_image_surface_get_data(part);
    for (int y = 0; y < h; y++) {
        if (memcmp(a + (size_t)(y + oy) * sw + (size_t)ox * 4,
                   b + (size_t)y * sp, (size_t)w * 4) != 0) {
            fprintf(stderr, "  first difference on row %d\n", y);
            return false;
        }
    }
    return true;
}

static void
test_frames(void)
{
    const char *when = "2026-11-22T09:15:00+07:00";
    cairo_surface_t *demo = render_frame("layouts/demo.json", 0.5,
                                         (struct rect){0}, when);
    golden("demo-0.5", demo);
    cairo_surface_t *again = render_frame("layouts/demo.json", 0.5,
                                          (struct rect){0}, when);
    CHECK(demo && again && equal_region(demo, again, 0, 0),
          "same frame state, same pixels");
    /* A quarter of the wall across the mullion cross, rendered alone. */
    struct rect reg = {1400, 700, 1000, 800};
    cairo_surface_t *part = render_frame("layouts/demo.json", 0.5, reg, when);
    CHECK(part && demo && equal_region(demo, part, 700, 350),
          "a region renders the same pixels as the whole wall");
    cairo_surface_destroy(part);
    cairo_surface_destroy(again);
    cairo_surface_destroy(demo);

    cairo_surface_t *kpi = render_frame("tests/layouts/good/kpi-cases.json",
                                        1.0, (struct rect){0}, when);
    golden("kpi-cases", kpi);
    cairo_surface_destroy(kpi);
}

/* Every source state as the wall shows it, from snapshots published by
 * hand (what the feed engine would publish after each outcome). */
static void
test_states(void)
{
    struct layout *l = load("tests/layouts/good/kpi-states.json");
    if (!l) {
        return;
    }
    struct wall *w = wall_create(l, tc, src_dir, 1.0, (struct rect){0});
    CHECK(w != NULL, "wall for states");
    if (!w) {
        layout_destroy(l);
        return;
    }
    struct source_set *set = source_set_create(l);
    int64_t now = at("2026-11-22T09:15:00+07:00");
    int64_t min = 60000;
    struct {
        const char *name;
        int64_t as_of, attempt;
        const char *error;
        bool data;
    } st[] = {
        {"ok", now - 2 * min, now - 10000, NULL, true},
        {"late", now - 4 * min, now - 4 * min, NULL, true},
        {"stale", now - 3 * 60 * min, now - 10000, NULL, true},
        {"failed", now - 20 * min, now - 5000, "HTTP 503", true},
        {"never", 0, now - 5000, "Could not resolve host", false},
    };
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        int idx = layout_source_index(l, st[i].name);
        cJSON *root = st[i].data ? cJSON_Parse("{\"v\": 7.85}") : NULL;
        source_set_publish(set, (size_t)idx,
                           snapshot_create(root, 10 + i, st[i].as_of,
                                           st[i].as_of, st[i].attempt,
                                           st[i].error));
    }
    struct frame_state fs = fs_of(set, now);
    for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
        int idx = layout_source_index(l, st[i].name);
        static const enum source_state want[] = {
            SOURCE_STATE_OK, SOURCE_STATE_LATE, SOURCE_STATE_STALE,
            SOURCE_STATE_ERROR, SOURCE_STATE_ERROR};
        CHECK(snapshot_state(fs.snapshots[idx], &l->sources[idx], now) ==
                  want[i], "%s is in the intended state", st[i].name);
    }
    wall_update(w, &fs);
    cairo_surface_t *img = wall_read(w);
    golden("kpi-states", img);
    cairo_surface_destroy(img);
    wall_destroy(w);
    source_set_destroy(set);
    layout_destroy(l);
}

/* Publishes {"latest": {"period", "value"}} as the source's snapshot. */
static void
publish_latest(struct source_set *set, const char *period, double v,
               uint64_t gen, int64_t t)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *l = cJSON_AddObjectToObject(root, "latest");
    cJSON_AddStringToObject(l, "period", period);
    cJSON_AddNumberToObject(l, "value", v);
    source_set_publish(set, 0, snapshot_create(root, gen, t, t, t, NULL));
}

/* The frame a wall that has seen nothing before shows for this data. */
static cairo_surface_t *
fresh_frame(struct layout *l, const char *period, double v, int64_t as_of,
            int64_t t)
{
    struct wall *w = wall_create(l, tc, src_dir, 1.0, (struct rect){0});
    struct source_set *set = source_set_create(l);
    publish_latest(set, period, v, 1, as_of);
    struct frame_state fs = fs_of(set, t);
    wall_update(w, &fs);
    cairo_surface_t *img = wall_read(w);
    source_set_destroy(set);
    wall_destroy(w);
    return img;
}

/* A figure the wall showed, then saw changed for the same period: marked
 * "đã điều chỉnh: 7,40 → 7,52" until revised_for has passed, on a wall
 * made anew (a reload) too, since the book is the app's; a new period is
 * no revision. */
static void
test_revision(void)
{
    struct layout *l = load("tests/layouts/good/revision.json");
    if (!l) {
        return;
    }
    int64_t t0 = at("2026-11-22T09:00:00+07:00");
    int64_t min = 60000;
    struct revision_book *book = revision_book_create();
    struct wall *w = wall_create(l, tc, src_dir, 1.0, (struct rect){0});
    wall_set_revisions(w, book);
    struct source_set *set = source_set_create(l);
    publish_latest(set, "2026-10", 7.40, 1, t0);
    struct frame_state fs = fs_of(set, t0);
    wall_update(w, &fs);
    cairo_surface_t *first = wall_read(w);
    cairo_surface_t *want = fresh_frame(l, "2026-10", 7.40, t0, t0);
    CHECK(first && want && equal_region(want, first, 0, 0),
          "first showing: no mark");
    cairo_surface_destroy(first);
    cairo_surface_destroy(want);
    wall_destroy(w); /* a reload: the next wall shares the book */

    w = wall_create(l, tc, src_dir, 1.0, (struct rect){0});
    wall_set_revisions(w, book);
    publish_latest(set, "2026-10", 7.52, 2, t0 + 10 * min);
    fs = fs_of(set, t0 + 10 * min);
    wall_update(w, &fs);
    cairo_surface_t *revised = wall_read(w);
    want = fresh_frame(l, "2026-10", 7.52, t0 + 10 * min, t0 + 10 * min);
    CHECK(revised && want && !equal_region(want, revised, 0, 0),
          "the revision is marked on the wall after a reload");
    golden("kpi-revised", revised);
    struct revision r[2];
    CHECK(revision_book_recent(book, t0 + 10 * min, 3600000, r, 2) == 1 &&
              r[0].from == 7.40 && r[0].to == 7.52 &&
              strcmp(r[0].period, "2026-10") == 0,
          "the book records 7.40 -> 7.52 for 2026-10");
    cairo_surface_destroy(revised);
    cairo_surface_destroy(want);

    /* 30 minutes on: still marked; the mark says when it goes. */
    int64_t t1 = t0 + 40 * min;
    fs = fs_of(set, t1);
    CHECK(wall_next_deadline(w, &fs) <= t0 + 70 * min,
          "the wall wakes when the mark goes (%lld)",
          (long long)(wall_next_deadline(w, &fs) - t0));
    /* After revised_for (1 h): as a wall that never saw 7,40. */
    int64_t t2 = t0 + 71 * min;
    fs = fs_of(set, t2);
    wall_update(w, &fs);
    cairo_surface_t *after = wall_read(w);
    want = fresh_frame(l, "2026-10", 7.52, t0 + 10 * min, t2);
    CHECK(after && want && equal_region(want, after, 0, 0),
          "the mark is gone after revised_for");
    cairo_surface_destroy(after);
    cairo_surface_destroy(want);
    /* A new period is new data, not a revision. */
    publish_latest(set, "2026-11", 7.60, 3, t2 + min);
    fs = fs_of(set, t2 + min);
    wall_update(w, &fs);
    after = wall_read(w);
    want = fresh_frame(l, "2026-11", 7.60, t2 + min, t2 + min);
    CHECK(after && want && equal_region(want, after, 0, 0),
          "a new period: no mark");
    cairo_surface_destroy(after);
    cairo_surface_destroy(want);
    source_set_destroy(set);
    wall_destroy(w);
    revision_book_destroy(book);
    layout_destroy(l);
}

/* Every chart widget, and their edge cases, as goldens. */
static void
test_charts(void)
{
    const char *when = "2026-11-22T09:15:00+07:00";
    cairo_surface_t *g = render_frame("layouts/gallery.json", 0.5,
                                      (struct rect){0}, when);
    golden("gallery-0.5", g);
    cairo_surface_destroy(g);
    cairo_surface_t *c = render_frame("tests/layouts/good/chart-cases.json",
                                      0.5, (struct rect){0}, when);
    golden("chart-cases-0.5", c);
    cairo_surface_destroy(c);
    cairo_surface_t *t = render_frame("tests/layouts/good/table-cases.json",
                                      0.5, (struct rect){0},
                                      "2026-11-22T09:15:07+07:00");
    golden("table-cases-0.5", t);
    cairo_surface_destroy(t);
    /* Publication statuses (issue 19), and from across the room: the
     * marks must survive a quarter-scale render. */
    cairo_surface_t *st = render_frame("tests/layouts/good/status-cases.json",
                                       1.0, (struct rect){0}, when);
    golden("status-cases", st);
    cairo_surface_destroy(st);
    st = render_frame("tests/layouts/good/status-cases.json", 0.25,
                      (struct rect){0}, when);
    golden("status-cases-0.25", st);
    cairo_surface_destroy(st);
}

static bool
ffmpeg(const char *args, const char *out)
{
    char *cmd = xasprintf("ffmpeg -v error -y %s %s", args, out);
    int rc = system(cmd);
    CHECK(rc == 0, "ffmpeg: %s", cmd);
    free(cmd);
    return rc == 0;
}

static bool
write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        return false;
    }
    fputs(text, f);
    return fclose(f) == 0;
}

/* The centre of each of three bands of the picture in a frame whose only
 * widget is one video: found by scanning the middle row for the picture's
 * horizontal extent. */
static void
band_colours(cairo_surface_t *img, int y, unsigned rgb[3])
{
    int w = cairo_image_surface_get_width(img);
    int stride = cairo_image_surface_get_stride(img);
    const unsigned char *row = cairo_image_surface_get_data(img) +
                               (size_t)stride * (size_t)y;
    /* The panel is dark and flat; the picture's bands are bright. */
    int x0 = -1, x1 = -1;
    for (int x = 0; x < w; x++) {
        const unsigned char *p = row + 4 * x;
        if (p[0] + p[1] + p[2] > 200) {
            x0 = x0 < 0 ? x : x0;
            x1 = x;
        }
    }
    for (int k = 0; k < 3; k++) {
        int x = x0 + (x1 - x0) * (2 * k + 1) / 6;
        const unsigned char *p = row + 4 * (x < 0 ? 0 : x);
        rgb[k] = (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];
    }
}

static bool
close_rgb(unsigned a, unsigned b, int tol)
{
    for (int sh = 0; sh < 24; sh += 8) {
        int d = (int)((a >> sh) & 255) - (int)((b >> sh) & 255);
        if (d > tol || d < -tol) {
            return false;
        }
    }
    return true;
}

/* The same on the CPU: the decoder's BGRA copies at a shown size (for
 * walls drawn by a software rasteriser) carry the same colours. */
static void
rgb_colours(const char *file, const char *name, const unsigned want[3])
{
    struct video_opts o = {.url = file, .still = true, .rgb_w = 192,
                           .rgb_h = 64};
    struct video_decoder *d = video_decoder_start(&o);
    struct video_image img = {0};
    uint64_t seq = 0;
    bool got = d && video_decoder_wait_first(d, 5000) &&
               video_decoder_take(d, &seq, &img);
    CHECK(got && img.rgb && img.rgb_w == 192 && img.rgb_h == 64,
          "%s: a BGRA copy at the size asked for", name);
    for (int k = 0; got && img.rgb && k < 3; k++) {
        const uint8_t *p = img.rgb + (size_t)img.rgb_stride * 32 +
                           4 * (size_t)(32 + 64 * k);
        unsigned rgb = (unsigned)p[2] << 16 | (unsigned)p[1] << 8 | p[0];
        CHECK(close_rgb(rgb, want[k], 6) && p[3] == 255,
              "%s band %d on the CPU: #%06X, want #%06X", name, k, rgb,
              want[k]);
    }
    video_image_release(&img);
    video_decoder_stop(d);
}

/* YUV -> RGB on the GPU: three flat colours encoded losslessly as
 * limited-range BT.601 and BT.709, and as a full-range JPEG, come back
 * as they were (within rounding and 4:2:0 chroma). */
static void
test_video_colours(void)
{
    static const unsigned want[3] = {0xB43C28, 0x3CB43C, 0x2846B4};
    static const struct {
        const char *name, *vf, *enc;
    } cases[] = {
        {"bt601.mkv", "scale=out_color_matrix=bt601:out_range=tv,"
         "format=yuv420p", "-c:v libx264 -qp 0 -colorspace smpte170m "
         "-color_range tv"},
        {"bt709.mkv", "scale=out_color_matrix=bt709:out_range=tv,"
         "format=yuv420p", "-c:v libx264 -qp 0 -colorspace bt709 "
         "-color_range tv"},
        {"jpeg.avi", "scale=out_color_matrix=bt601:out_range=pc,"
         "format=yuvj420p", "-c:v mjpeg -q:v 1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *out = xasprintf("%s/%s", out_dir, cases[i].name);
        char *args = xasprintf(
            "-filter_complex \"color=c=0xB43C28:s=128x128[a];"
            "color=c=0x3CB43C:s=128x128[b];color=c=0x2846B4:s=128x128[c];"
            "[a][b][c]hstack=3,%s\" -frames:v 1 %s", cases[i].vf,
            cases[i].enc);
        bool made = ffmpeg(args, out);
        free(args);
        char *layout = xasprintf("%s/%s.json", out_dir, cases[i].name);
        char *text = xasprintf(
            "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
            "\"width\": 960, \"height\": 540}, \"grid\": {\"columns\": 1, "
            "\"rows\": 1}, \"scenes\": [{\"id\": \"v\", \"widgets\": ["
            "{\"id\": \"v\", \"type\": \"video\", \"cell\": [0, 0, 1, 1], "
            "\"url\": \"%s\", \"label\": \"Màu\"}]}]}", out);
        if (made && write_text(layout, text)) {
            cairo_surface_t *img = render_frame(layout, 1.0, (struct rect){0},
                                                "2026-11-22T09:15:00+07:00");
            if (img) {
                unsigned got[3];
                band_colours(img, cairo_image_surface_get_height(img) / 2,
                             got);
                for (int k = 0; k < 3; k++) {
                    CHECK(close_rgb(got[k], want[k], 6), "%s band %d: "
                          "#%06X, want #%06X", cases[i].name, k, got[k],
                          want[k]);
                }
                cairo_surface_destroy(img);
            }
            rgb_colours(out, cases[i].name, want);
        }
        free(text);
        free(layout);
        free(out);
    }
}

/* A 4 x 4 conference at a fixed frame: the first picture of each stream
 * (MJPEG made here, deterministic), names under the pictures, one stream
 * that does not exist (no signal), the active speaker framed, one muted. */
/* The same conference drawn from a record (opswall replay): no picture
 * is opened; each tile shows its recorded state over a neutral still:
 * live, lost since 09:12, reconnecting since 09:13, connecting, and
 * streams the record does not name.  The speaker's frame and the muted
 * microphone come from the recorded status data as live. */
static void
test_conference_replay(const char *layout, char *const clips[4],
                       const char *dir)
{
    struct layout *l = load(layout);
    if (!l) {
        return;
    }
    struct wall *w = wall_create(l, tc, src_dir, 0.5, (struct rect){0});
    CHECK(w != NULL, "replay wall");
    if (!w) {
        layout_destroy(l);
        return;
    }
    wall_set_replay(w);
    char *lost = xasprintf("%s/does-not-exist.avi", dir);
    /* States are kept per stream (url): the four clips stand for four
     * tiles each; the third is not in the record. */
    struct recorded_stream rs[] = {
        {clips[0], NULL, "live", 0},
        {clips[1], NULL, "connecting", 0},
        {clips[3], NULL, "reconnecting", at("2026-11-22T09:13:05+07:00")},
        {lost, NULL, "lost", at("2026-11-22T09:12:40+07:00")},
    };
    size_t n = sizeof(rs) / sizeof(rs[0]);
    struct recorded_streams rec = {n, rs};
    struct source_set *set = source_set_create(l);
    int64_t t = at("2026-11-22T09:15:00+07:00");
    source_set_load_files(set, t);
    struct frame_state fs = fs_of(set, t);
    fs.recorded = &rec;
    wall_update(w, &fs);
    cairo_surface_t *img = wall_read(w);
    golden("conference-replay-0.5", img);
    cairo_surface_destroy(img);
    struct wall_stats st = wall_get_stats(w);
    CHECK(st.video_tiles == 0, "a replay draws no picture (%lu tiles)",
          st.video_tiles);
    source_set_destroy(set);
    wall_destroy(w);
    layout_destroy(l);
    free(lost);
}

static void
test_conference(void)
{
    char *clips[4];
    bool made = true;
    for (int i = 0; i < 4; i++) {
        clips[i] = xasprintf("%s/tile%d.avi", out_dir, i);
        char *args = xasprintf("-f lavfi -i testsrc2=size=320x180:rate=25,"
                               "hue=h=%d -frames:v 1 -c:v mjpeg -q:v 3 "
                               "-pix_fmt yuvj420p", i * 90);
        made = made && ffmpeg(args, clips[i]);
        free(args);
    }
    static const char *const names[16] = {
        "Hà Nội", "Hải Phòng", "Đà Nẵng", "TP. Hồ Chí Minh", "Cần Thơ",
        "Quảng Ninh", "Thừa Thiên Huế", "Khánh Hòa", "Nghệ An", "Lai Châu",
        "Đắk Lắk", "Cà Mau", "Lào Cai", "Điện Biên", "Bà Rịa - Vũng Tàu",
        "An Giang"};
    char streams[4096] = "";
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        char *url = i == 9 ? xasprintf("%s/does-not-exist.avi", out_dir)
                           : xstrdup(clips[i % 4]);
        k += (size_t)snprintf(streams + k, sizeof(streams) - k,
                              "%s{\"url\": \"%s\", \"label\": \"%s\", "
                              "\"code\": \"T%d\"}", i ? ", " : "", url,
                              names[i], i);
        free(url);
    }
    char *status = xasprintf("%s/status.json", out_dir);
    write_text(status, "{\"active\": \"T2\", \"muted\": [\"T5\"]}");
    char *layout = xasprintf("%s/conference.json", out_dir);
    char *text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": 1920, \"height\": 1080}, \"grid\": {\"columns\": 1, "
        "\"rows\": 1}, \"sources\": {\"hn\": {\"url\": \"file:%s\"}}, "
        "\"scenes\": [{\"id\": \"c\", \"widgets\": [{\"id\": \"c\", "
        "\"type\": \"conference\", \"cell\": [0, 0, 1, 1], \"title\": "
        "\"Hội nghị trực tuyến với các tỉnh, thành\", \"columns\": 4, "
        "\"status\": {\"source\": \"hn\", \"pointer\": \"\"}, "
        "\"streams\": [%s]}]}]}", status, streams);
    if (made && write_text(layout, text)) {
        cairo_surface_t *img = render_frame(layout, 0.5, (struct rect){0},
                                            "2026-11-22T09:15:00+07:00");
        golden("conference-4x4-0.5", img);
        cairo_surface_destroy(img);
        test_conference_replay(layout, clips, out_dir);
    }
    free(text);
    free(layout);
    /* The same conference across a 2 x 2 wall without a fixed grid: the
     * tiles are shared out between the displays, none straddles a
     * mullion, all the same size. */
    layout = xasprintf("%s/conference-wall.json", out_dir);
    text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 2, \"rows\": 2, "
        "\"width\": 1920, \"height\": 1080, \"mullion\": {\"x\": 12, "
        "\"y\": 12}}, \"grid\": {\"columns\": 1, \"rows\": 1}, "
        "\"scenes\": [{\"id\": \"c\", \"widgets\": [{\"id\": \"c\", "
        "\"type\": \"conference\", \"cell\": [0, 0, 1, 1], \"title\": "
        "\"Hội nghị trực tuyến với các tỉnh, thành\", \"streams\": [%s]}]}]}",
        streams);
    if (made && write_text(layout, text)) {
        cairo_surface_t *img = render_frame(layout, 0.25, (struct rect){0},
                                            "2026-11-22T09:15:00+07:00");
        golden("conference-wall-0.25", img);
        cairo_surface_destroy(img);
    }
    free(text);
    free(layout);
    free(status);
    for (int i = 0; i < 4; i++) {
        free(clips[i]);
    }
}

static void publish(struct layout *l, struct source_set *set,
                    struct frame_state *fs, const char *source,
                    const char *json, uint64_t generation);

/* Maps: both maps, several sizes, values, missing values, a highlight,
 * markers, circles, a broken map file. */
static void
test_maps(void)
{
    const char *when = "2026-11-22T09:15:00+07:00";
    cairo_surface_t *c = render_frame("tests/layouts/good/map-cases.json",
                                      0.5, (struct rect){0}, when);
    golden("map-cases-0.5", c);
    cairo_surface_destroy(c);
    /* The same maps at a quarter of the wall's size: the shapes are
     * projected and simplified for that size. */
    c = render_frame("tests/layouts/good/map-cases.json", 0.25,
                     (struct rect){0}, when);
    golden("map-cases-0.25", c);
    cairo_surface_destroy(c);

    /* A map repaints only when its data changes. */
    struct layout *l = load("tests/layouts/good/map-cases.json");
    if (!l) {
        return;
    }
    struct wall *w = wall_create(l, tc, src_dir, 0.25, (struct rect){0});
    struct source_set *set = source_set_create(l);
    int64_t t0 = at("2026-11-22T09:15:01+07:00");
    source_set_load_files(set, t0);
    struct frame_state fs = fs_of(set, t0);
    wall_update(w, &fs);
    struct wall_stats s1 = wall_get_stats(w);
    fs.now_ms = t0 + 20000;
    CHECK(!wall_update(w, &fs), "20 s later: nothing to do");
    CHECK(wall_get_stats(w).paints == s1.paints, "no map repainted");
    publish(l, set, &fs, "t34", "{\"updated\": \"2026-11-22T09:10:00+07:00\","
            "\"units\": [{\"code\": \"01\", \"change\": 1.5}]}", 77);
    wall_update(w, &fs);
    CHECK(wall_get_stats(w).paints - s1.paints == 1, "new data for the 34 "
          "map repaints that map alone (%lu)",
          wall_get_stats(w).paints - s1.paints);
    wall_destroy(w);
    source_set_destroy(set);
    layout_destroy(l);
}

/* Publishes JSON text as the next snapshot of a layout source, as the
 * feed thread would, and points the frame at the new snapshots. */
static void
publish(struct layout *l, struct source_set *set, struct frame_state *fs,
        const char *source, const char *json, uint64_t generation)
{
    int idx = layout_source_index(l, source);
    int64_t as_of = at("2026-11-22T09:10:00+07:00");
    source_set_publish(set, (size_t)idx,
                       snapshot_create(cJSON_Parse(json), generation,
                                       fs->now_ms, as_of, fs->now_ms, NULL));
    fs->snapshots = source_set_snapshots(set);
}

/* Charts repaint only when their data (or their page) changes. */
static void
test_chart_damage(void)
{
    struct layout *l = load("layouts/gallery.json");
    if (!l) {
        return;
    }
    struct wall *w = wall_create(l, tc, src_dir, 0.25, (struct rect){0});
    struct source_set *set = source_set_create(l);
    /* 09:15:01: the table (10 s pages) shows page 1 of 2 until 09:15:10. */
    int64_t t0 = at("2026-11-22T09:15:01+07:00");
    source_set_load_files(set, t0);
    struct frame_state fs = fs_of(set, t0);
    wall_update(w, &fs);
    struct wall_stats s1 = wall_get_stats(w);
    fs.now_ms = t0 + 5000;
    CHECK(!wall_update(w, &fs), "5 s later, same page: nothing to do");
    struct wall_stats s2 = wall_get_stats(w);
    CHECK(s2.paints == s1.paints, "no chart repainted (%lu)",
          s2.paints - s1.paints);
    fs.now_ms = t0 + 9500; /* 09:15:10.5: the table turns its page */
    wall_update(w, &fs);
    struct wall_stats s3 = wall_get_stats(w);
    CHECK(s3.paints - s2.paints == 1, "a page turn repaints the table "
          "alone, repainted %lu", s3.paints - s2.paints);
    /* New data for "kenh" repaints the donut only. */
    publish(l, set, &fs, "kenh", "{\"updated\": \"2026-11-22T09:10:00+07:00\","
            "\"channels\": [{\"name\": \"A\", \"value\": 1}, "
            "{\"name\": \"B\", \"value\": 3}]}", 99);
    wall_update(w, &fs);
    struct wall_stats s4 = wall_get_stats(w);
    CHECK(s4.paints - s3.paints == 1, "new data for the donut repaints 1 "
          "widget, repainted %lu", s4.paints - s3.paints);
    /* The gauge declares "animate": "600ms".  A new value repaints it (and
     * the progress bar on the same source) at once, then the gauge alone
     * each frame of its move, then nothing. */
    publish(l, set, &fs, "ke_hoach", "{\"updated\": "
            "\"2026-11-22T09:10:00+07:00\", \"disbursement\": {\"value\": "
            "700000, \"plan\": 1000000, \"expected\": 893000}, "
            "\"revenue\": {\"value\": 1787.4, \"plan\": 1966.0}}", 100);
    wall_update(w, &fs);
    struct wall_stats s5 = wall_get_stats(w);
    CHECK(s5.paints - s4.paints == 2, "new plan data repaints gauge and "
          "progress, repainted %lu", s5.paints - s4.paints);
    int64_t start = fs.now_ms;
    int frames = 0;
    unsigned long moving = 0;
    while (fs.now_ms < start + 1000) {
        int64_t next = wall_next_deadline(w, &fs);
        fs.now_ms = next < start + 1000 ? next : start + 1000;
        struct wall_stats a = wall_get_stats(w);
        wall_update(w, &fs);
        struct wall_stats b = wall_get_stats(w);
        moving += b.paints - a.paints;
        frames++;
    }
    CHECK(moving >= 30 && moving <= 40, "600 ms at 16 ms a frame: the "
          "gauge alone repainted %lu times over %d frames", moving, frames);
    struct wall_stats s6 = wall_get_stats(w);
    fs.now_ms += 2000;
    CHECK(!wall_update(w, &fs), "after the move: nothing to do");
    CHECK(wall_get_stats(w).paints == s6.paints, "and nothing repainted");
    wall_destroy(w);
    source_set_destroy(set);
    layout_destroy(l);
}

/* Parsed series are reused while their JSON is the same (a later minute,
 * an HTTP 304 re-confirmation) and read again when new data arrives. */
static void
test_chart_cache(void)
{
    struct layout *l = load("layouts/gallery.json");
    if (!l) {
        return;
    }
    struct widget_env env = {.layout = l, .text = tc, .scale = 1,
                             .data_dir = src_dir};
    struct source_set *set = source_set_create(l);
    int64_t t0 = at("2026-11-22T09:15:01+07:00");
    source_set_load_files(set, t0);
    struct frame_state fs = fs_of(set, t0);
    cJSON *spec = cJSON_Parse("{\"source\": \"kenh\", "
                              "\"pointer\": \"/channels\"}");
    struct chart_cache cc = {0};
    const struct chart_set *cs = widget_chart_get(&cc, &env, &fs, spec,
                                                  CHART_X_CATEGORY, 0);
    CHECK(cc.reads == 1 && cs->nvalid == 4, "first read: %lu reads, %zu "
          "points", (unsigned long)cc.reads, cs->nvalid);
    const struct chart_point *pts = cs->s[0].pts;
    fs.now_ms = t0 + 60000;
    cs = widget_chart_get(&cc, &env, &fs, spec, CHART_X_CATEGORY, 0);
    CHECK(cc.reads == 1 && cs->s[0].pts == pts, "a minute later the points "
          "are reused (%lu reads)", (unsigned long)cc.reads);
    /* A 304: a new snapshot sharing the data. */
    size_t idx = (size_t)layout_source_index(l, "kenh");
    const struct snapshot *old = fs.snapshots[idx];
    source_set_publish(set, idx, snapshot_derive(old, old->generation + 1,
                                                 fs.now_ms, old->as_of_ms,
                                                 fs.now_ms, NULL));
    fs.snapshots = source_set_snapshots(set);
    cs = widget_chart_get(&cc, &env, &fs, spec, CHART_X_CATEGORY, 0);
    CHECK(cc.reads == 1 && cs->b[0].snap == fs.snapshots[idx],
          "re-confirmed data: points reused, binding moved to the new "
          "snapshot");
    cJSON *root = cJSON_Parse("{\"channels\": [{\"name\": \"A\", "
                              "\"value\": 1}, {\"name\": \"B\", "
                              "\"value\": null}]}");
    source_set_publish(set, idx, snapshot_create(root, 99, fs.now_ms,
                                                 fs.now_ms, fs.now_ms, NULL));
    fs.snapshots = source_set_snapshots(set);
    cs = widget_chart_get(&cc, &env, &fs, spec, CHART_X_CATEGORY, 0);
    CHECK(cc.reads == 2 && cs->s[0].n == 2 && cs->nvalid == 1 &&
          strcmp(cs->s[0].pts[0].label, "A") == 0,
          "new data is read again (%lu reads, %zu points)",
          (unsigned long)cc.reads, cs->s[0].n);
    /* The cache keeps the snapshot its labels point into alive after the
     * set moved on (ASan would report a use after free). */
    source_set_destroy(set);
    CHECK(strcmp(cs->s[0].pts[1].label, "B") == 0, "labels outlive the "
          "source set");
    widget_chart_cache_fini(&cc);
    cJSON_Delete(spec);
    layout_destroy(l);
}

/* Mean absolute difference between mid and the average of a and b. */
static double
mix_error(cairo_surface_t *a, cairo_surface_t *b, cairo_surface_t *mid)
{
    int w = cairo_image_surface_get_width(a);
    int h = cairo_image_surface_get_height(a);
    int st = cairo_image_surface_get_stride(a);
    const unsigned char *pa = cairo_image_surface_get_data(a);
    const unsigned char *pb = cairo_image_surface_get_data(b);
    const unsigned char *pm = cairo_image_surface_get_data(mid);
    double total = 0;
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w * 4; x++) {
            size_t i = (size_t)y * st + (size_t)x;
            total += fabs(pm[i] - (pa[i] + pb[i]) / 2.0);
        }
    }
    return total / ((double)w * h * 4);
}

static double
mean_diff(cairo_surface_t *a, cairo_surface_t *b)
{
    double mean, bad;
    cairo_surface_t *diff;
    compare(a, b, &mean, &bad, &diff);
    cairo_surface_destroy(diff);
    return mean;
}

/* The operator's briefing aids: frozen-data band, notice with its
 * timeout, reload banner, a highlight on every map, focus; and the
 * crossfade between scenes. */
static void
test_aids(void)
{
    struct layout *l = load("tests/layouts/good/briefing.json");
    if (!l) {
        return;
    }
    CHECK(l->transition_ms == 600, "transition from the layout: %d ms",
          l->transition_ms);
    struct source_set *set = source_set_create(l);
    int64_t t0 = at("2026-11-22T09:15:00+07:00");
    source_set_load_files(set, t0);
    struct frame_aids aids = {
        .highlight = "Đà Nẵng",
        .frozen_at_ms = at("2026-11-22T09:00:00+07:00"),
        .notice = "Mời đồng chí Bí thư Tỉnh ủy Quảng Ninh phát biểu",
        .notice_until_ms = t0 + 20000, /* within the same minute */
        .banner = "layouts/wall.json:12:7: error: unknown key \"colums\"; "
                  "did you mean \"columns\"? (đang giữ bố cục cũ)",
    };
    struct frame_state fs = fs_of(set, t0);
    fs.aids = &aids;
    struct wall *w = wall_create(l, tc, src_dir, 0.5, (struct rect){0});
    CHECK(w != NULL, "wall");
    if (!w) {
        source_set_destroy(set);
        layout_destroy(l);
        return;
    }
    wall_update(w, &fs);
    cairo_surface_t *img = wall_read(w);
    golden("aids-0.5", img);
    cairo_surface_destroy(img);

    /* The notice goes at its time: the overlay alone repaints. */
    struct wall_stats s1 = wall_get_stats(w);
    CHECK(wall_next_deadline(w, &fs) <= aids.notice_until_ms, "the wall "
          "wakes for the notice's end");
    fs.now_ms = aids.notice_until_ms;
    CHECK(wall_update(w, &fs), "notice gone: drawn");
    struct wall_stats s2 = wall_get_stats(w);
    CHECK(s2.paints - s1.paints == 1, "notice gone: 1 repaint (%lu)",
          s2.paints - s1.paints);

    /* Focus: the map over the whole grid, then back. */
    CHECK(!wall_set_focus(w, "khong-co"), "focus on an unknown widget is "
          "refused");
    CHECK(wall_set_focus(w, "m63"), "focus on the map");
    wall_set_transition(w, 0);
    aids = (struct frame_aids){.highlight = "Đà Nẵng"};
    wall_update(w, &fs);
    img = wall_read(w);
    golden("focus-0.5", img);
    cairo_surface_destroy(img);
    CHECK(wall_set_focus(w, NULL) && !wall_focus(w), "focus released");
    wall_destroy(w);

    /* Crossfade: frame A, frame B, and halfway their mean. */
    fs.aids = NULL;
    fs.now_ms = t0;
    w = wall_create(l, tc, src_dir, 0.25, (struct rect){0});
    wall_set_transition(w, l->transition_ms);
    wall_update(w, &fs);
    cairo_surface_t *a = wall_read(w);
    wall_set_scene(w, 1);
    /* The next scene is made, then painted a few widgets per frame while
     * the old one stays on the wall; the crossfade begins when it is
     * complete. */
    unsigned long p0 = wall_get_stats(w).paints;
    wall_update(w, &fs);
    CHECK(wall_get_stats(w).paints > p0, "the first frame after a switch "
          "paints part of the next scene");
    CHECK(wall_next_deadline(w, &fs) == fs.now_ms, "while it is made, "
          "every frame is due");
    int frames = 1;
    while (wall_get_stats(w).transitions == 0 && frames < 50) {
        cairo_surface_t *shown = wall_read(w);
        CHECK(mean_diff(shown, a) < 0.01, "while staging, the old scene is "
              "shown");
        cairo_surface_destroy(shown);
        wall_update(w, &fs);
        frames++;
    }
    CHECK(wall_get_stats(w).transitions == 1, "staged in %d frames, then "
          "the crossfade began", frames);
    cairo_surface_t *start = wall_read(w);
    CHECK(mean_diff(start, a) < 0.01, "the transition starts from the old "
          "scene (%.3f)", mean_diff(start, a));
    CHECK(wall_next_deadline(w, &fs) == fs.now_ms, "while it runs, every "
          "frame is due");
    unsigned long pf = wall_get_stats(w).paints;
    fs.now_ms = t0 + 300;
    CHECK(wall_update(w, &fs), "mid-transition draws");
    CHECK(wall_get_stats(w).paints == pf, "a crossfade frame paints no "
          "widget (GPU only)");
    cairo_surface_t *mid = wall_read(w);
    fs.now_ms = t0 + 600;
    CHECK(wall_update(w, &fs), "the last transition frame draws");
    cairo_surface_t *b = wall_read(w);
    CHECK(mean_diff(a, b) > 2, "the scenes differ (%.2f)", mean_diff(a, b));
    CHECK(mix_error(a, b, mid) < 1.5, "halfway is the mean of both "
          "(error %.2f)", mix_error(a, b, mid));
    fs.now_ms = t0 + 700;
    CHECK(!wall_update(w, &fs), "after the transition, an idle wall draws "
          "nothing");
    CHECK(wall_get_stats(w).transitions == 1, "one transition");
    cairo_surface_destroy(a);
    cairo_surface_destroy(start);
    cairo_surface_destroy(mid);
    cairo_surface_destroy(b);

    /* A reload: a second wall is prepared (painted, drawing nothing)
     * while the first stays, then takes over from its last frame. */
    wall_set_scene(w, 0);
    wall_set_transition(w, 0);
    fs.now_ms = t0;
    wall_update(w, &fs);
    a = wall_read(w);
    struct wall *nw = wall_create(l, tc, src_dir, 0.25, (struct rect){0});
    wall_set_transition(nw, l->transition_ms);
    wall_set_scene(nw, 1);
    unsigned long composites = wall_get_stats(nw).composites;
    int steps = 1;
    while (!wall_prepare(nw, &fs) && steps < 50) {
        steps++;
    }
    CHECK(steps < 50 && wall_get_stats(nw).composites == composites,
          "prepared in %d steps without drawing", steps);
    wall_take_over(nw, w, fs.now_ms);
    wall_destroy(w);
    wall_update(nw, &fs);
    start = wall_read(nw);
    CHECK(mean_diff(start, a) < 0.01, "the new wall first shows the old "
          "one's frame (%.3f)", mean_diff(start, a));
    fs.now_ms = t0 + 300;
    wall_update(nw, &fs);
    mid = wall_read(nw);
    fs.now_ms = t0 + 600;
    wall_update(nw, &fs);
    b = wall_read(nw);
    CHECK(mean_diff(a, b) > 2 && mix_error(a, b, mid) < 1.5, "then "
          "crossfades to its own (error %.2f)", mix_error(a, b, mid));
    cairo_surface_destroy(a);
    cairo_surface_destroy(start);
    cairo_surface_destroy(mid);
    cairo_surface_destroy(b);
    wall_destroy(nw);
    source_set_destroy(set);
    layout_destroy(l);
}

/* One machine, several outputs: each window shows its block of
 * displays, equal to that part of the wall's framebuffer. */
static void
test_outputs(struct output *out)
{
    struct layout *l = load("tests/layouts/good/two-outputs.json");
    if (!l) {
        return;
    }
    CHECK(l->noutputs == 2 && l->outputs[1].region.x == 966 &&
          l->outputs[1].region.w == 960, "two outputs, the second at x 966");
    for (size_t i = 0; i < l->noutputs; i++) {
        int w, h;
        output_window_size(l, l->outputs[i].region, 0.5, &w, &h);
        CHECK(w == 480 && h == 270, "output %zu: 480 x 270 (%d x %d)", i, w,
              h);
        CHECK(output_add_window(out, l->outputs[i].display, w, h, "test",
                                l->outputs[i].region), "window %zu", i);
    }
    struct wall *w = wall_create(l, tc, src_dir, 0.5, (struct rect){0});
    struct source_set *set = source_set_create(l);
    int64_t t = at("2026-11-22T09:15:00+07:00");
    source_set_load_files(set, t);
    struct frame_state fs = fs_of(set, t);
    wall_update(w, &fs);
    output_blit(out, w, l, 0.5);
    cairo_surface_t *whole = wall_read(w);
    for (int i = 0; i < 2; i++) {
        /* Windows 1 and 2 (0 is the test's own). */
        cairo_surface_t *win = output_read_window(out, i + 1);
        CHECK(win && cairo_image_surface_get_width(win) == 480,
              "window %d read", i + 1);
        if (win) {
            CHECK(equal_region(whole, win, i == 0 ? 0 : 483, 0),
                  "output %d shows its display exactly", i);
            cairo_surface_destroy(win);
        }
    }
    cairo_surface_destroy(whole);
    output_swap(out);
    source_set_destroy(set);
    wall_destroy(w);
    layout_destroy(l);
}

/* Damage to the glass: a window that is only ever given each frame's
 * changed rectangles (the ticker's strip every frame, the clock each
 * second, a repaint) still equals the wall's framebuffer after every
 * frame, and frames copy far fewer pixels than the window has. */
static void
test_present_damage(struct output *out)
{
    char *path = xasprintf("%s/present.json", out_dir);
    char *data = xasprintf("%s/present-data.json", out_dir);
    write_text(data, "{\"items\": [\"Tin thứ nhất về giải ngân đầu tư "
               "công\", \"Tin thứ hai: Cổng Dịch vụ công quốc gia\"], "
               "\"v\": 7.85}");
    char *text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": 960, \"height\": 540}, \"grid\": {\"columns\": 4, "
        "\"rows\": 4}, \"sources\": {\"d\": {\"url\": \"file:%s\"}}, "
        "\"scenes\": [{\"id\": \"s\", \"widgets\": ["
        "{\"id\": \"c\", \"type\": \"clock\", \"cell\": [3, 0, 1, 1]},"
        "{\"id\": \"k\", \"type\": \"kpi\", \"cell\": [0, 0, 2, 2], "
        "\"title\": \"GDP\", \"value\": {\"source\": \"d\", "
        "\"pointer\": \"/v\"}, \"period\": \"Quý III/2026\"},"
        "{\"id\": \"t\", \"type\": \"ticker\", \"cell\": [0, 3, 4, 1], "
        "\"label\": \"TIN MỚI\", \"source\": {\"source\": \"d\", "
        "\"pointer\": \"/items\"}}]}]}", data);
    bool made = write_text(path, text);
    free(text);
    struct layout *l = made ? load(path) : NULL;
    free(path);
    free(data);
    if (!l) {
        return;
    }
    int ww, wh;
    struct rect all = {0, 0, l->wall.canvas_w, l->wall.canvas_h};
    output_window_size(l, all, 1.0, &ww, &wh);
    int win = -1;
    /* The window after those the other tests added (window 0 is the
     * test's own). */
    for (int i = 1; i < 16 && win < 0; i++) {
        cairo_surface_t *s = output_read_window(out, i);
        if (!s) {
            win = i;
        }
        cairo_surface_destroy(s);
    }
    CHECK(win > 0 && output_add_window(out, 0, ww, wh, "test", all),
          "a window for the whole wall");
    struct wall *w = wall_create(l, tc, src_dir, 1.0, (struct rect){0});
    struct source_set *set = source_set_create(l);
    int64_t t = at("2026-11-22T09:15:00.500+07:00");
    source_set_load_files(set, t);
    struct frame_state fs = fs_of(set, t);
    int mismatched = 0, frames = 0;
    uint64_t px0 = output_get_stats(out).pixels;
    for (int f = 0; f < 90 && w; f++) {
        fs.now_ms = t + 16 * f; /* the clock turns over at f = 32 */
        if (f == 60) {
            /* New data: the KPI repaints (same value, new generation). */
            const struct snapshot *old = fs.snapshots[0];
            source_set_publish(set, 0, snapshot_create(
                cJSON_Duplicate(old->root, 1), old->generation + 1000,
                old->fetched_ms, old->as_of_ms, t, NULL));
            fs.snapshots = source_set_snapshots(set);
        }
        if (!wall_update(w, &fs)) {
            continue;
        }
        output_blit(out, w, l, 1.0);
        cairo_surface_t *whole = wall_read(w);
        cairo_surface_t *got = output_read_window(out, win);
        mismatched += !(whole && got && equal_region(whole, got, 0, 0));
        frames++;
        cairo_surface_destroy(got);
        cairo_surface_destroy(whole);
        output_swap(out);
    }
    uint64_t copied = output_get_stats(out).pixels - px0;
    CHECK(frames > 60 && mismatched == 0, "the window equals the canvas "
          "after each of %d frames given only their damage (%d differ)",
          frames, mismatched);
    /* Every window is presented each frame: ours, and the others (the
     * test's 64 x 64 and two 480 x 270), whose damage is small too. */
    CHECK(frames > 0 && copied < (uint64_t)frames * (uint64_t)ww * wh / 4,
          "frames copy only what changed (%.1f %% of the window's pixels a "
          "frame)", frames ? 100.0 * (double)copied / frames / ww / wh : 0);
    source_set_destroy(set);
    wall_destroy(w);
    layout_destroy(l);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_render SOURCE_DIR OUT_DIR\n");
        return 2;
    }
    src_dir = argv[1];
    /* Absolute: generated layouts name files in it. */
    static char out_abs[4096];
    out_dir = realpath(argv[2], out_abs) ? out_abs : argv[2];
    struct output *out = output_create(OUTPUT_OFFSCREEN, 0, 64, 64, "test");
    CHECK(out != NULL, "offscreen GL context (SDL offscreen + EGL)");
    if (!out) {
        return testlib_done();
    }
    char *fonts = xasprintf("%s/assets/fonts", src_dir);
    tc = text_cache_create(fonts);
    free(fonts);
    CHECK(tc != NULL, "fonts");
    if (tc) {
        test_damage();
        test_frames();
        test_states();
        test_charts();
        test_revision();
        test_chart_damage();
        test_chart_cache();
        test_maps();
        test_video_colours();
        test_conference();
        test_aids();
        test_outputs(out);
        test_present_damage(out); /* last: it adds windows to the output */
    }
    text_cache_destroy(tc);
    output_destroy(out);
    SDL_Quit();
    return testlib_done();
}
