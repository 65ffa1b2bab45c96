/*
 * bench_frame: the CPU cost of wall frames for a layout, offscreen.
 *
 * Scenarios, each measured over N frames after a warm-up:
 *   full    every widget repainted and the whole canvas composited
 *   kpi     one source republished: its one KPI repaints, its rect is
 *           recomposited
 *   ticker  only time moves within a second: the ticker's strip moves (laid
 *           on the CPU over its pixels on a software rasteriser)
 *   idle    nothing changed: stamps are compared, nothing else happens
 * A frame that changed is presented to a window of the wall's size (only
 * its damage is copied), and each ends with glFinish() so the GL work
 * (done on the CPU by Mesa's llvmpipe here) is counted in the frame.
 *
 * Under callgrind (valgrind --tool=callgrind --instr-atstart=no) each
 * scenario is bracketed by client requests and dumped separately, giving
 * deterministic instruction counts; otherwise wall-clock times are printed,
 * and only their ratios (measured in the same run) are meaningful.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <SDL2/SDL.h>
#include <valgrind/callgrind.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/source_set.h"
#include "render/output.h"
#include "render/wall.h"

static double
now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_frame SOURCE_DIR LAYOUT [SCALE] "
                "[FRAMES]\n");
        return 2;
    }
    const char *src = argv[1];
    double scale = argc > 3 ? strtod(argv[3], NULL) : 1.0;
    int frames = argc > 4 ? atoi(argv[4]) : 20; /* NOLINT: bench input */
    struct diag_list d;
    diag_list_init(&d, argv[2]);
    struct layout *l = layout_load(argv[2], &d);
    diag_list_fini(&d);
    if (!l) {
        return 1;
    }
    /* A window of the wall's size: every frame is presented to it, as
     * the running wall does (only what changed reaches the glass). */
    int win_w, win_h;
    output_window_size(l, (struct rect){0, 0, l->wall.canvas_w,
                                        l->wall.canvas_h},
                       scale, &win_w, &win_h);
    struct output *out = output_create(OUTPUT_OFFSCREEN, 0, win_w, win_h,
                                       "bench");
    char *fonts = xasprintf("%s/assets/fonts", src);
    struct text_cache *tc = out ? text_cache_create(fonts) : NULL;
    struct wall *w = tc ? wall_create(l, tc, src, scale, (struct rect){0})
                        : NULL;
    if (!w) {
        return 1;
    }
    struct source_set *set = source_set_create(l);
    int64_t t0;
    time_parse_iso8601("2026-11-22T09:15:00.100+07:00", 420, &t0);
    source_set_load_files(set, t0);
    struct frame_state fs = {t0, 0, source_set_snapshots(set),
                             source_set_count(set), NULL, NULL, NULL};
    int kpi_src = l->nsources > 0 ? (int)l->nsources - 1 : -1;

    /* Warm up: caches, shaders, textures. */
    for (int i = 0; i < 3; i++) {
        wall_invalidate(w);
        if (wall_update(w, &fs)) {
            output_present(out, w, l, scale);
        }
        glFinish();
    }

    static const char *const names[] = {"full", "kpi", "ticker", "idle"};
    double us[4] = {0};
    struct wall_stats before, after;
    unsigned long paints[4], composites[4];
    for (int sc = 0; sc < 4; sc++) {
        before = wall_get_stats(w);
        CALLGRIND_ZERO_STATS;
        CALLGRIND_START_INSTRUMENTATION;
        double start = now_us();
        for (int i = 0; i < frames; i++) {
            switch (sc) {
            case 0:
                wall_invalidate(w);
                break;
            case 1:
                if (kpi_src >= 0) {
                    /* Same payload, new generation: one KPI repaints. */
                    const struct snapshot *old = fs.snapshots[kpi_src];
                    cJSON *copy = old && old->root
                                      ? cJSON_Duplicate(old->root, 1)
                                      : NULL;
                    source_set_publish(
                        set, (size_t)kpi_src,
                        snapshot_create(copy, 100000 + (uint64_t)i,
                                        old ? old->fetched_ms : t0,
                                        old ? old->as_of_ms : t0, t0, NULL));
                    fs.snapshots = source_set_snapshots(set);
                }
                break;
            case 2:
                fs.now_ms += 16; /* stays within the second */
                if ((fs.now_ms - t0) % 1000 > 800) {
                    fs.now_ms = t0;
                }
                break;
            default:
                break;
            }
            if (wall_update(w, &fs)) {
                output_present(out, w, l, scale);
            }
            glFinish();
        }
        us[sc] = (now_us() - start) / frames;
        /* Dump first: stopping instrumentation discards the counts. */
        CALLGRIND_DUMP_STATS_AT(names[sc]);
        CALLGRIND_STOP_INSTRUMENTATION;
        after = wall_get_stats(w);
        paints[sc] = after.paints - before.paints;
        composites[sc] = after.composites - before.composites;
    }
    printf("canvas %d x %d, %d frames per scenario\n", wall_width(w),
           wall_height(w), frames);
    for (int sc = 0; sc < 4; sc++) {
        printf("%-7s %10.1f us/frame  ratio to full %.4f  widget paints/frame "
               "%.2f  composites/frame %.2f\n", names[sc], us[sc],
               us[sc] / us[0], (double)paints[sc] / frames,
               (double)composites[sc] / frames);
    }
    source_set_destroy(set);
    wall_destroy(w);
    text_cache_destroy(tc);
    output_destroy(out);
    layout_destroy(l);
    free(fonts);
    SDL_Quit();
    return 0;
}
