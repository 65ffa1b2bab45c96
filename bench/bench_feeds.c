/*
 * bench_feeds: 200 sources polled every second against opswall-feedsim
 * (a separate process on 127.0.0.1, so only the engine's CPU is counted).
 * Reports the engine process's CPU (getrusage: the feed thread plus the
 * idle main thread) as a share of one core and per poll, and the render
 * side's cost of taking snapshots (feed_engine_collect + publish): mean and
 * worst, first with healthy feeds, then with a third of them faulty
 * (500, slow drip, 3 s delays, flapping).
 *   bench_feeds FEEDSIM_BINARY [SECONDS]
 */
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include <curl/curl.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feeds/feed_http.h"

#define NSRC 200
#define PORT 8651

extern char **environ;

static double
cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
           ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void
set_fault(int i, const char *mode)
{
    char url[160];
    snprintf(url, sizeof(url),
             "http://127.0.0.1:%d/_fault?path=/api/national/s%d&mode=%s",
             PORT, i, mode);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, fwrite);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
    curl_easy_perform(c);
    fclose(null);
    curl_easy_cleanup(c);
}

static void
phase(const char *name, struct feed_engine *e, struct source_set *set,
      int seconds)
{
    struct feed_stats s0 = feed_engine_stats(e);
    double c0 = cpu_s();
    int64_t t0 = time_mono_ms();
    double worst_us = 0, total_us = 0;
    long calls = 0;
    /* The render side: take snapshots every 16 ms, as a 60 Hz wall. */
    while (time_mono_ms() - t0 < seconds * 1000) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        feed_engine_collect(e, set);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double us = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
        worst_us = us > worst_us ? us : worst_us;
        total_us += us;
        calls++;
        sleep_ms(16);
    }
    double wall = (time_mono_ms() - t0) / 1000.0;
    double cpu = cpu_s() - c0;
    struct feed_stats s1 = feed_engine_stats(e);
    unsigned long polls = s1.requests - s0.requests;
    printf("%-8s %5lu polls (%4.0f/s), 304s %5lu, errors %4lu | engine CPU "
           "%5.2f %% of a core, %6.1f us/poll | collect mean %6.1f us, worst "
           "%7.1f us\n", name, polls, polls / wall,
           s1.not_modified - s0.not_modified, s1.failures - s0.failures,
           100 * cpu / wall, polls ? cpu * 1e6 / polls : 0,
           calls ? total_us / calls : 0, worst_us);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_feeds FEEDSIM [SECONDS]\n");
        return 2;
    }
    int seconds = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 20;
    char port[16];
    snprintf(port, sizeof(port), "%d", PORT);
    char *args[] = {argv[1], "--port", port, NULL};
    pid_t sim;
    if (posix_spawn(&sim, argv[1], NULL, NULL, args, environ) != 0) {
        perror("spawn feedsim");
        return 1;
    }
    sleep_ms(500);

    size_t cap = 1 << 17, n = 0;
    char *text = xmalloc(cap);
    n += (size_t)snprintf(text + n, cap - n,
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": "
        "640, \"height\": 360}, \"grid\": {\"columns\": 1, \"rows\": 1}, "
        "\"sources\": {");
    for (int i = 0; i < NSRC; i++) {
        n += (size_t)snprintf(text + n, cap - n,
            "%s\"s%d\": {\"url\": \"http://127.0.0.1:%d/api/national/s%d\", "
            "\"every\": \"1s\", \"timeout\": \"2s\", \"stale_after\": \"5m\", "
            "\"as_of\": \"/updated\"}", i ? ", " : "", i, PORT, i);
    }
    snprintf(text + n, cap - n, "}, \"scenes\": [{\"id\": \"s\", "
             "\"widgets\": []}]}");
    struct diag_list d;
    diag_list_init(&d, "bench");
    struct layout *l = layout_load_buffer("/tmp/bench.json", text,
                                          strlen(text), &d);
    diag_list_fini(&d);
    free(text);
    if (!l) {
        kill(sim, SIGTERM);
        return 1;
    }
    struct source_set *set = source_set_create(l);
    struct feed_engine *e = feed_engine_create(l, 0, NULL, NULL);
    feed_engine_wait_first(e, 10000);
    sleep_ms(2000); /* settle: connections open, caches warm */
    printf("%d sources, every 1 s, %d s per phase\n", NSRC, seconds);
    phase("healthy", e, set, seconds);
    static const char *const faults[] = {"500", "drip", "delay:3000", "flap"};
    for (int i = 0; i < NSRC; i += 3) {
        set_fault(i, faults[(i / 3) % 4]);
    }
    phase("faulty", e, set, seconds);
    feed_engine_destroy(e);
    source_set_destroy(set);
    layout_destroy(l);
    kill(sim, SIGTERM);
    waitpid(sim, NULL, 0);
    return 0;
}
