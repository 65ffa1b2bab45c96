/*
 * bench_map: what the map costs.
 *   1. loading each shipped map (parse, check, junctions), per load;
 *   2. the first paint at a size (projection, simplification, label
 *      anchors, then painting), per size;
 *   3. a recolour: a repaint after the values changed (the shape is kept),
 *      alternating two sets of values so every repaint is a data change.
 * At 1920x1080 and 3840x2160.  Under callgrind (--instr-atstart=no) each
 * step is dumped under its name (instruction counts, deterministic);
 * otherwise the process CPU time per repetition is printed (noisy).
 *   bench_map SOURCE_DIR [REPS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_set.h"
#include "geo/geo_shape.h"
#include "widgets/widget.h"

static double
cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
bench_load(const char *src, const char *name, int reps)
{
    char *path = xasprintf("%s/assets/maps/%s", src, name);
    char tag[128];
    snprintf(tag, sizeof(tag), "load:%s", name);
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
    double t0 = cpu_ms();
    for (int i = 0; i < reps; i++) {
        struct geo_map m;
        char err[512];
        if (!geo_json_load(path, &m, err, sizeof(err))) {
            fprintf(stderr, "%s\n", err);
            exit(1);
        }
        free(geo_shape_junctions(&m));
        geo_json_free(&m);
    }
    double t1 = cpu_ms();
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(tag);
    printf("%-34s %8.2f ms CPU per load\n", tag, (t1 - t0) / reps);
    free(path);
}

/* The same snapshot's JSON with every value changed, as a new generation. */
static struct snapshot *
changed(const struct snapshot *s, uint64_t gen, double k)
{
    cJSON *root = cJSON_Duplicate(s->root, true);
    cJSON *rows = cJSON_GetObjectItemCaseSensitive(root, "provinces");
    for (cJSON *r = rows ? rows->child : NULL; r; r = r->next) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "value");
        if (cJSON_IsNumber(v)) {
            cJSON_SetNumberValue(v, v->valuedouble * k);
        }
    }
    return snapshot_create(root, gen, s->fetched_ms, s->as_of_ms,
                           s->attempt_ms, NULL);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_map SOURCE_DIR [REPS]\n");
        return 2;
    }
    const char *src = argv[1];
    int reps = argc > 2 ? atoi(argv[2]) : 10; /* NOLINT: bench input */
    bench_load(src, "vn63_provinces.geojson", reps);
    bench_load(src, "vn34_provinces.geojson", reps);

    char *lpath = xasprintf("%s/bench/map-bench.json", src);
    struct diag_list d;
    diag_list_init(&d, lpath);
    struct layout *l = layout_load(lpath, &d);
    diag_list_fini(&d);
    free(lpath);
    char *fonts = xasprintf("%s/assets/fonts", src);
    struct text_cache *tc = text_cache_create(fonts);
    free(fonts);
    if (!l || !tc) {
        return 1;
    }
    struct widget_env env = {.layout = l, .text = tc, .scale = 1.0,
                             .data_dir = src};
    struct source_set *set = source_set_create(l);
    int64_t now = 0;
    time_parse_iso8601("2026-11-22T09:15:00+07:00", 420, &now);
    source_set_load_files(set, now);
    struct snapshot *const *snaps = source_set_snapshots(set);
    struct snapshot *alt[2] = {changed(snaps[0], 1000, 1.07),
                               changed(snaps[0], 1001, 0.93)};
    const struct layout_widget *lw = &l->scenes[0].widgets[0];
    const struct widget_class *cls = widget_class_find("map");
    static const int sizes[2][2] = {{1920, 1080}, {3840, 2160}};
    for (int z = 0; z < 2; z++) {
        int w = sizes[z][0], h = sizes[z][1];
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
                                                        w, h);
        cairo_t *cr = cairo_create(s);
        struct frame_state fs = {now, 0, snaps, source_set_count(set), NULL, NULL, NULL};
        /* Warm the glyph cache with a throw-away widget. */
        void *warm = cls->create(lw, &env);
        cls->paint(warm, cr, w, h, &fs);
        cls->destroy(warm);
        char tag[128];
        snprintf(tag, sizeof(tag), "first-paint:%dx%d", w, h);
        double first = 0;
        for (int i = 0; i < reps; i++) {
            void *self = cls->create(lw, &env); /* loads the map: excluded */
            CALLGRIND_START_INSTRUMENTATION;
            double t0 = cpu_ms();
            cls->paint(self, cr, w, h, &fs);
            first += cpu_ms() - t0;
            CALLGRIND_STOP_INSTRUMENTATION;
            cls->destroy(self);
        }
        CALLGRIND_DUMP_STATS_AT(tag);
        printf("%-34s %8.2f ms CPU per paint\n", tag, first / reps);
        void *self = cls->create(lw, &env);
        cls->paint(self, cr, w, h, &fs);
        snprintf(tag, sizeof(tag), "recolour:%dx%d", w, h);
        CALLGRIND_ZERO_STATS;
        CALLGRIND_START_INSTRUMENTATION;
        double t0 = cpu_ms();
        for (int i = 0; i < reps; i++) {
            fs.snapshots = &alt[i % 2];
            cairo_save(cr);
            cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
            cairo_paint(cr);
            cairo_restore(cr);
            cls->paint(self, cr, w, h, &fs);
        }
        cairo_surface_flush(s);
        double t1 = cpu_ms();
        CALLGRIND_STOP_INSTRUMENTATION;
        CALLGRIND_DUMP_STATS_AT(tag);
        printf("%-34s %8.2f ms CPU per repaint\n", tag, (t1 - t0) / reps);
        cls->destroy(self);
        cairo_destroy(cr);
        cairo_surface_destroy(s);
    }
    snapshot_unref(alt[0]);
    snapshot_unref(alt[1]);
    source_set_destroy(set);
    text_cache_destroy(tc);
    layout_destroy(l);
    return 0;
}
