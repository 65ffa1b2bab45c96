/*
 * bench_video: N video tiles playing in real time on an offscreen wall
 * (SDL offscreen + EGL; llvmpipe in CI, a real GPU on the device
 * machine): each stream decoded on its thread, new pictures uploaded and
 * drawn, for SECONDS.  Prints the pictures the streams held (25 fps x N x
 * SECONDS), the pictures displayed, those dropped, and the process CPU
 * time (all threads) per displayed picture; bench/video.sh compares that
 * with the ffmpeg command line decoding the same streams alone.
 *   bench_video SOURCE_DIR STREAM_FILE N SECONDS [WIDTH HEIGHT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "render/output.h"
#include "render/wall.h"

static double
cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: bench_video SOURCE_DIR STREAM_FILE N "
                        "SECONDS [WIDTH HEIGHT]\n");
        return 2;
    }
    const char *src = argv[1], *file = argv[2];
    int n = atoi(argv[3]);          /* NOLINT: bench input */
    double secs = atof(argv[4]);    /* NOLINT: bench input */
    int ww = argc > 6 ? atoi(argv[5]) : 1920; /* NOLINT */
    int wh = argc > 6 ? atoi(argv[6]) : 1080; /* NOLINT */
    if (n < 1 || n > WIDGET_MAX_VIDEO || secs <= 0) {
        return 2;
    }
    /* A wall of one conference widget with N tiles of the stream. */
    size_t cap = 200 + (size_t)n * (strlen(file) + 64);
    char *streams = xcalloc(cap, 1);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        k += (size_t)snprintf(streams + k, cap - k,
                              "%s{\"url\": \"%s\", \"label\": \"%d\"}",
                              i ? ", " : "", file, i + 1);
    }
    char *text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": %d, \"height\": %d}, \"grid\": {\"columns\": 1, "
        "\"rows\": 1}, \"scenes\": [{\"id\": \"v\", \"widgets\": [{\"id\": "
        "\"v\", \"type\": \"conference\", \"cell\": [0, 0, 1, 1], "
        "\"streams\": [%s]}]}]}", ww, wh, streams);
    free(streams);
    struct diag_list d;
    diag_list_init(&d, "bench-video.json");
    struct layout *l = layout_load_buffer("/tmp/bench-video.json", text,
                                          strlen(text), &d);
    diag_list_fini(&d);
    free(text);
    struct output *out = output_create(OUTPUT_OFFSCREEN, 0, 64, 64, "bench");
    char *fonts = xasprintf("%s/assets/fonts", src);
    struct text_cache *tc = out ? text_cache_create(fonts) : NULL;
    free(fonts);
    struct wall *w = tc && l ? wall_create(l, tc, src, 1.0, (struct rect){0})
                             : NULL;
    if (!w) {
        fprintf(stderr, "bench_video: no wall\n");
        return 1;
    }
    struct frame_state fs = {time_now_ms(), 0, NULL, 0, NULL, NULL, NULL};
    wall_update(w, &fs); /* decoders start here */
    /* Warm-up: every stream has begun. */
    int64_t t_warm = time_mono_ms() + 1500;
    while (time_mono_ms() < t_warm) {
        fs.now_ms = time_now_ms();
        wall_update(w, &fs);
        struct timespec ts = {0, 5 * 1000000L};
        nanosleep(&ts, NULL);
    }
    struct wall_stats s0 = wall_get_stats(w);
    double c0 = cpu_s();
    int64_t t0 = time_mono_ms(), end = t0 + (int64_t)(secs * 1000);
    while (time_mono_ms() < end) {
        fs.now_ms = time_now_ms();
        if (wall_update(w, &fs)) {
            glFinish(); /* the frame is really drawn before the next */
        }
        int64_t next = wall_next_deadline(w, &fs) - fs.now_ms;
        struct timespec ts = {0, (next > 0 && next < 20 ? next : 5) *
                                     1000000L};
        nanosleep(&ts, NULL);
    }
    double elapsed = (time_mono_ms() - t0) / 1000.0;
    double cpu = cpu_s() - c0;
    struct wall_stats s1 = wall_get_stats(w);
    unsigned long shown = s1.video_tiles - s0.video_tiles;
    double want = 25.0 * n * elapsed;
    printf("tiles %d  %dx%d  %.1f s: pictures due %.0f, displayed %lu "
           "(%.1f%%), composites %lu, CPU %.2f s = %.3f ms per displayed "
           "picture\n", n, ww, wh, elapsed, want, shown,
           100.0 * (double)shown / want, s1.composites - s0.composites, cpu,
           shown ? cpu * 1000.0 / (double)shown : 0.0);
    wall_destroy(w);
    text_cache_destroy(tc);
    output_destroy(out);
    layout_destroy(l);
    return 0;
}
