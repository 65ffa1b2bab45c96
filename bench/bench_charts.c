/*
 * bench_charts: the CPU cost of repainting each chart widget with Cairo
 * (what a data change costs before the texture upload), at its size on
 * the chart gallery wall (3846 x 2166 canvas), plus the 10,000-point line
 * painted at 1920 x 1080.
 *
 * Each widget is painted once to warm the glyph cache (the steady state
 * of a wall), then N times.  Under callgrind (--instr-atstart=no) each
 * widget is bracketed by client requests and dumped under its id, giving
 * deterministic instruction counts; otherwise the process CPU time per
 * repaint is printed (noisy: compare within one run).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <valgrind/callgrind.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_set.h"
#include "widgets/widget.h"

static double
cpu_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Paints the widget reps times; `fresh`: a new widget instance every time,
 * so its series are parsed again as after new data (a widget keeps the
 * parsed series of unchanged data between repaints). */
static double
run_paints(const struct widget_class *cls, const struct layout_widget *lw,
           const struct widget_env *env, const struct frame_state *fs,
           cairo_t *cr, int w, int h, int reps, bool fresh, const char *tag)
{
    void *self = cls->create(lw, env);
    if (!self) {
        return -1;
    }
    cls->paint(self, cr, w, h, fs); /* warm-up: glyph cache */
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
    double t0 = cpu_us();
    for (int i = 0; i < reps; i++) {
        if (fresh) {
            cls->destroy(self);
            self = cls->create(lw, env);
        }
        cairo_save(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
        cairo_paint(cr);
        cairo_restore(cr);
        cls->paint(self, cr, w, h, fs);
    }
    cairo_surface_flush(cairo_get_target(cr));
    double t1 = cpu_us();
    CALLGRIND_STOP_INSTRUMENTATION;
    CALLGRIND_DUMP_STATS_AT(tag);
    cls->destroy(self);
    return (t1 - t0) / reps / 1000.0;
}

static void
measure(const struct widget_class *cls, const struct layout_widget *lw,
        const struct widget_env *env, const struct frame_state *fs, int w,
        int h, int reps, const char *name)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w,
                                                    h);
    cairo_t *cr = cairo_create(s);
    char tag[128];
    snprintf(tag, sizeof(tag), "%s:new-data", name);
    double fresh = run_paints(cls, lw, env, fs, cr, w, h, reps, true, tag);
    snprintf(tag, sizeof(tag), "%s:same-data", name);
    double same = run_paints(cls, lw, env, fs, cr, w, h, reps, false, tag);
    printf("%-14s %-9s %5d x %-5d %9.3f ms new data %9.3f ms same data "
           "(CPU per repaint)\n", name, lw->type, w, h, fresh, same);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_charts SOURCE_DIR LAYOUT [REPS]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 20; /* NOLINT: bench input */
    struct diag_list d;
    diag_list_init(&d, argv[2]);
    struct layout *l = layout_load(argv[2], &d);
    diag_list_fini(&d);
    if (!l) {
        return 1;
    }
    char *fonts = xasprintf("%s/assets/fonts", argv[1]);
    struct text_cache *tc = text_cache_create(fonts);
    free(fonts);
    if (!tc) {
        return 1;
    }
    struct widget_env env = {.layout = l, .text = tc, .scale = 1.0,
                             .data_dir = argv[1]};
    struct source_set *set = source_set_create(l);
    int64_t now = 0;
    time_parse_iso8601("2026-11-22T09:15:00+07:00", 420, &now);
    source_set_load_files(set, now);
    struct frame_state fs = {now, 0, source_set_snapshots(set),
                             source_set_count(set), NULL, NULL, NULL};
    const struct layout_scene *sc = &l->scenes[l->start_scene];
    for (size_t i = 0; i < sc->nwidgets; i++) {
        const struct layout_widget *lw = &sc->widgets[i];
        const struct widget_class *cls = widget_class_find(lw->type);
        if (cls) {
            measure(cls, lw, &env, &fs, lw->rect.w, lw->rect.h, reps, lw->id);
        }
    }
    /* The 10,000-point line on a whole 1920 x 1080 display. */
    for (size_t i = 0; i < sc->nwidgets; i++) {
        const struct layout_widget *lw = &sc->widgets[i];
        if (strcmp(lw->id, "phu-tai") == 0) {
            measure(widget_class_find("line"), lw, &env, &fs, 1920, 1080,
                    reps, "line10k-1080p");
        }
    }
    source_set_destroy(set);
    text_cache_destroy(tc);
    layout_destroy(l);
    return 0;
}
