/*
 * bench_switch: what a scene change costs the frames around it, offscreen.
 *
 *   cut     the new scene made and painted in one frame (transition 0)
 *   staged  the new scene made, then painted a few widgets per frame while
 *           the old one stays, then a crossfade (600 ms at 60 frames/s)
 *
 * For each, the longest frame (wall_update + glFinish) and the most Cairo
 * paints in one frame.  Under callgrind (--instr-atstart=no) every frame
 * of interest is dumped on its own ("cut", "stage", "fade"), so the
 * longest frame can be read as an instruction count.
 *   bench_switch SOURCE_DIR LAYOUT [SCALE] [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

struct frame_cost {
    double us;
    unsigned long paints;
};

static struct frame_cost
frame(struct wall *w, const struct frame_state *fs, const char *label)
{
    unsigned long p0 = wall_get_stats(w).paints;
    CALLGRIND_ZERO_STATS;
    CALLGRIND_START_INSTRUMENTATION;
    double t = now_us();
    wall_update(w, fs);
    glFinish();
    struct frame_cost c = {now_us() - t, wall_get_stats(w).paints - p0};
    CALLGRIND_DUMP_STATS_AT(label);
    CALLGRIND_STOP_INSTRUMENTATION;
    return c;
}

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_switch SOURCE_DIR LAYOUT [SCALE] "
                "[ROUNDS]\n");
        return 2;
    }
    const char *src = argv[1];
    double scale = argc > 3 ? strtod(argv[3], NULL) : 1.0;
    int rounds = argc > 4 ? atoi(argv[4]) : 4; /* NOLINT: bench input */
    struct diag_list d;
    diag_list_init(&d, argv[2]);
    struct layout *l = layout_load(argv[2], &d);
    diag_list_fini(&d);
    if (!l || l->nscenes < 2) {
        fprintf(stderr, "bench_switch: a layout with two scenes\n");
        return 1;
    }
    struct output *out = output_create(OUTPUT_OFFSCREEN, 0, 64, 64, "bench");
    char *fonts = xasprintf("%s/assets/fonts", src);
    struct text_cache *tc = out ? text_cache_create(fonts) : NULL;
    free(fonts);
    struct wall *w = tc ? wall_create(l, tc, src, scale, (struct rect){0})
                        : NULL;
    if (!w) {
        return 1;
    }
    struct source_set *set = source_set_create(l);
    int64_t t0;
    time_parse_iso8601("2026-11-22T09:15:00+07:00", 420, &t0);
    source_set_load_files(set, t0);
    struct frame_state fs = {t0, 0, source_set_snapshots(set),
                             source_set_count(set), NULL, NULL, NULL};
    /* Warm-up: both scenes once (glyph caches, map shapes per size). */
    for (int i = 0; i < 2; i++) {
        wall_set_transition(w, 0);
        wall_set_scene(w, (size_t)(1 - i % 2) % l->nscenes);
        wall_update(w, &fs);
        glFinish();
    }
    wall_set_scene(w, 0);
    wall_set_transition(w, 600); /* its shader is made with this update */
    wall_update(w, &fs);
    glFinish();

    struct frame_cost cut = {0}, stage = {0}, fade = {0};
    unsigned long stage_frames = 0, stage_paints = 0;
    for (int r = 0; r < rounds; r++) {
        /* Cut. */
        wall_set_transition(w, 0);
        wall_set_scene(w, 1);
        struct frame_cost c = frame(w, &fs, "cut");
        cut = c.us > cut.us ? c : cut;
        wall_set_scene(w, 0);
        wall_update(w, &fs);
        glFinish();
        /* Staged with a crossfade. */
        wall_set_transition(w, 600);
        wall_set_scene(w, 1);
        int64_t t = fs.now_ms;
        unsigned long tr = wall_get_stats(w).transitions;
        while (wall_get_stats(w).transitions == tr) {
            c = frame(w, &fs, "stage");
            if (getenv("BENCH_VERBOSE")) {
                fprintf(stderr, "stage frame %lu: %.0f us, %lu paints\n",
                        stage_frames, c.us, c.paints);
            }
            stage = c.us > stage.us ? c : stage;
            stage_paints = c.paints > stage_paints ? c.paints : stage_paints;
            stage_frames++;
        }
        for (int k = 1; k <= 38; k++) {
            fs.now_ms = t + 16 * k;
            c = frame(w, &fs, "fade");
            fade = c.us > fade.us ? c : fade;
        }
        fs.now_ms = t;
        wall_set_transition(w, 0);
        wall_set_scene(w, 0);
        wall_update(w, &fs);
        glFinish();
    }
    printf("canvas %d x %d, %d rounds; scene 1 has %zu widgets\n",
           wall_width(w), wall_height(w), rounds, l->scenes[1].nwidgets);
    printf("cut      longest frame %10.0f us  paints %lu\n", cut.us,
           cut.paints);
    printf("staged   longest frame %10.0f us  paints %lu  (at most %lu "
           "paints per frame; %.1f frames to stage; ratio to cut %.3f)\n",
           stage.us, stage.paints, stage_paints,
           (double)stage_frames / rounds, stage.us / cut.us);
    printf("fade     longest frame %10.0f us  (ratio to cut %.3f)\n",
           fade.us, fade.us / cut.us);
    source_set_destroy(set);
    wall_destroy(w);
    text_cache_destroy(tc);
    output_destroy(out);
    layout_destroy(l);
    return 0;
}
