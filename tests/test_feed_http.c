/*
 * test_feed_http: the feed engine against opswall-feedsim on loopback
 * (127.0.0.1 only), one source per fault mode.  Checks the state each
 * fault leads to and its reason; that a failure keeps the last good value,
 * marked; recovery after the fault clears; conditional requests (304, no
 * parse); that collecting on the render side never blocks; and that memory
 * stays flat over thousands of polls.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "feedsim/feedsim.h"
#include "feeds/feed_http.h"
#include "testlib.h"

static const struct {
    const char *name, *mode, *want_error; /* want_error NULL: data */
} cases[] = {
    {"ok", "ok", NULL},
    {"slow", "delay:300", NULL},
    {"late", "delay:5000", "timed out"},
    {"e404", "404", "HTTP 404"},
    {"e500", "500", "HTTP 500"},
    {"trunc", "truncated", "transfer closed"},
    {"invalid", "invalid", "not valid JSON"},
    {"huge", "huge", "larger than 8 MiB"},
    {"drip", "drip", "timed out"},
    {"reset", "reset", "Empty reply"},
    {"ctype", "ctype", "content type"},
    {"flap", "flap", NULL}, /* good, 500, good...: checked apart */
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

static char *
layout_text(int port, int nsources, const char *every)
{
    size_t cap = 1 << 16;
    char *s = xmalloc(cap);
    size_t n = (size_t)snprintf(s, cap,
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": 640, \"height\": 360}, \"grid\": {\"columns\": 1, "
        "\"rows\": 1}, \"sources\": {");
    for (int i = 0; i < nsources; i++) {
        const char *name = i < (int)NCASES ? cases[i].name : "bulk";
        n += (size_t)snprintf(s + n, cap - n,
            "%s\"%s%d\": {\"url\": \"http://127.0.0.1:%d/api/national/%s%d\", "
            "\"every\": \"%s\", \"timeout\": \"2s\", \"stale_after\": \"5m\", "
            "\"as_of\": \"/updated\"}",
            i ? ", " : "", name, i, port, name, i, every);
    }
    snprintf(s + n, cap - n, "}, \"scenes\": [{\"id\": \"s\", \"widgets\": "
             "[]}]}");
    return s;
}

static struct layout *
make_layout(const char *text)
{
    struct diag_list d;
    diag_list_init(&d, "feeds.json");
    struct layout *l = layout_load_buffer("/tmp/feeds.json", text,
                                          strlen(text), &d);
    CHECK(l != NULL, "test layout loads");
    if (!l) {
        diag_list_write(&d, stderr);
    }
    diag_list_fini(&d);
    return l;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static long
rss_kib(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &resident) != 2) {
            resident = 0;
        }
        fclose(f);
    }
    return resident * 4;
}

/* Waits up to three windows of wait_ms for source i to be re-confirmed
 * (a new snapshot sharing the old data; the simulated data changes once a
 * minute, so a window may hold a change instead); true with the two
 * snapshots' generations and fetch times. */
static bool
reconfirmed(struct feed_engine *e, struct source_set *set, size_t i,
            int wait_ms, uint64_t gen[2], int64_t fetched[2])
{
    for (int attempt = 0; attempt < 3; attempt++) {
        struct snapshot *before = snapshot_ref(source_set_snapshots(set)[i]);
        sleep_ms(wait_ms);
        feed_engine_collect(e, set);
        const struct snapshot *after = source_set_snapshots(set)[i];
        bool same = after != before && after->data == before->data;
        if (same) {
            gen[0] = before->generation;
            gen[1] = after->generation;
            fetched[0] = before->fetched_ms;
            fetched[1] = after->fetched_ms;
        }
        snapshot_unref(before);
        if (same) {
            return true;
        }
    }
    return false;
}

static void
test_faults(struct feedsim *sim)
{
    char path[64];
    for (size_t i = 0; i < NCASES; i++) {
        snprintf(path, sizeof(path), "/api/national/%s%zu", cases[i].name, i);
        CHECK(feedsim_set_fault(sim, path, cases[i].mode), "fault %s",
              cases[i].mode);
    }
    char *text = layout_text(feedsim_port(sim), NCASES, "1s");
    struct layout *l = make_layout(text);
    free(text);
    if (!l) {
        return;
    }
    struct source_set *set = source_set_create(l);
    struct feed_engine *e = feed_engine_create(l, 0, NULL, NULL);
    CHECK(e != NULL, "engine starts");
    CHECK(feed_engine_wait_first(e, 15000), "every source answered once");
    feed_engine_collect(e, set);
    struct snapshot *const *snaps = source_set_snapshots(set);
    int64_t now = time_now_ms();
    for (size_t i = 0; i < NCASES; i++) {
        const struct snapshot *s = snaps[i];
        CHECK(s != NULL, "%s: published", cases[i].name);
        if (!s) {
            continue;
        }
        enum source_state st = snapshot_state(s, &l->sources[i], now);
        if (strcmp(cases[i].mode, "flap") == 0) {
            /* Its first answer was good; whichever phase it is in now,
             * that data must not have been dropped. */
            CHECK(s->root != NULL, "flap: data kept through failures");
            CHECK(!s->error || strstr(s->error, "HTTP 500"),
                  "flap: only its 500s are errors");
        } else if (cases[i].want_error) {
            CHECK(st == SOURCE_STATE_ERROR && s->root == NULL,
                  "%s: error with no data, got %s", cases[i].name,
                  snapshot_state_name(st));
            CHECK(s->error && strstr(s->error, cases[i].want_error),
                  "%s: reason \"%s\" mentions \"%s\"", cases[i].name,
                  s->error ? s->error : "(none)", cases[i].want_error);
        } else {
            CHECK(st == SOURCE_STATE_OK && s->root != NULL,
                  "%s: ok with data, got %s (%s)", cases[i].name,
                  snapshot_state_name(st), s->error ? s->error : "");
        }
    }

    /* The render side never waits on the network: collect stays fast
     * while slow and hanging transfers are in flight. */
    int64_t worst = 0;
    for (int k = 0; k < 60; k++) {
        int64_t t0 = time_mono_ms();
        feed_engine_collect(e, set);
        int64_t dt = time_mono_ms() - t0;
        worst = dt > worst ? dt : worst;
        sleep_ms(50);
    }
    CHECK(worst <= 5, "collect took up to %lld ms", (long long)worst);

    /* Break the good source: the old value stays, marked with the error. */
    snprintf(path, sizeof(path), "/api/national/%s%d", cases[0].name, 0);
    feedsim_set_fault(sim, path, "500");
    sleep_ms(2500);
    feed_engine_collect(e, set);
    const struct snapshot *s0 = source_set_snapshots(set)[0];
    CHECK(s0->root != NULL && s0->error && strstr(s0->error, "HTTP 500"),
          "failure keeps the last good value, with the error");
    CHECK(snapshot_state(s0, &l->sources[0], time_now_ms()) ==
              SOURCE_STATE_ERROR, "state is error");
    /* Flapping source: has seen both by now. */
    feedsim_set_fault(sim, path, "ok");
    sleep_ms(3500); /* first backoff step is about 1 s */
    feed_engine_collect(e, set);
    s0 = source_set_snapshots(set)[0];
    CHECK(s0->root != NULL && s0->error == NULL, "recovers by itself: %s",
          s0->error ? s0->error : "ok");

    /* A 304 keeps the generation: widgets bound to it do not repaint.
     * The invariant: the same data (shared after a 304) has the same
     * generation.  The simulated data changes once a minute; retry the
     * window until it holds a 304 rather than a change. */
    uint64_t gen[2];
    int64_t fetched[2];
    bool saw_304 = reconfirmed(e, set, 1, 2500, gen, fetched);
    CHECK(!saw_304 || gen[0] == gen[1], "a 304 keeps the generation (%llu "
          "-> %llu)", (unsigned long long)gen[0], (unsigned long long)gen[1]);
    CHECK(saw_304, "a 304 re-confirmed the data within three windows");

    /* The engine asks for compression and decodes it: healthy answers
     * came gzipped, yet parsed into data above. */
    CHECK(feedsim_gzipped(sim) > 0, "responses arrived gzip-compressed "
          "(%lu) and were decoded", feedsim_gzipped(sim));

    struct feed_stats st = feed_engine_stats(e);
    CHECK(st.not_modified > 0, "conditional requests answered 304 (%lu of "
          "%lu)", st.not_modified, st.requests);
    CHECK(st.parsed < st.requests, "a 304 costs no parse");
    feed_engine_destroy(e);
    source_set_destroy(set);
    layout_destroy(l);
}

/* A server without validators (no ETag, Cache-Control: no-store) that
 * answers the same bytes: a re-confirmation, like a 304 — no parse, the
 * same generation, so bound widgets do not repaint. */
static void
test_same_bytes(struct feedsim *sim)
{
    const char *path = "/api/national/ok0";
    CHECK(feedsim_set_fault(sim, path, "nostore"), "fault nostore");
    char *text = layout_text(feedsim_port(sim), 1, "200ms");
    struct layout *l = make_layout(text);
    free(text);
    if (!l) {
        return;
    }
    struct source_set *set = source_set_create(l);
    struct feed_engine *e = feed_engine_create(l, 0, NULL, NULL);
    CHECK(e && feed_engine_wait_first(e, 15000), "answered once");
    feed_engine_collect(e, set);
    uint64_t gen[2];
    int64_t fetched[2];
    bool same = reconfirmed(e, set, 0, 1500, gen, fetched);
    CHECK(!same || (gen[0] == gen[1] && fetched[1] > fetched[0]),
          "the same bytes keep the generation (%llu -> %llu) and re-confirm "
          "the time", (unsigned long long)gen[0], (unsigned long long)gen[1]);
    CHECK(same, "the same bytes re-confirmed the data within three windows");
    struct feed_stats st = feed_engine_stats(e);
    CHECK(st.unchanged > 0 && st.not_modified == 0,
          "recognised without validators (%lu unchanged of %lu)",
          st.unchanged, st.requests);
    CHECK(st.parsed + st.unchanged <= st.requests && st.parsed < st.requests,
          "the same bytes cost no parse (%lu parsed of %lu)", st.parsed,
          st.requests);
    feed_engine_destroy(e);
    source_set_destroy(set);
    layout_destroy(l);
    feedsim_set_fault(sim, path, "ok");
}

static void
test_flat_memory(struct feedsim *sim)
{
    const int nsrc = 50;
    char *text = layout_text(feedsim_port(sim), nsrc, "100ms");
    /* Only the bulk names: strip the fault names by using indices past
     * the cases' paths (no faults set on /api/national/bulkN). */
    struct layout *l = make_layout(text);
    free(text);
    if (!l) {
        return;
    }
    struct source_set *set = source_set_create(l);
    struct feed_engine *e = feed_engine_create(l, 0, NULL, NULL);
    feed_engine_wait_first(e, 10000);
    /* Warm up, then measure over the next polls. */
    while (feed_engine_stats(e).requests < 1000) {
        feed_engine_collect(e, set);
        sleep_ms(20);
    }
    long before = rss_kib();
    unsigned long start = feed_engine_stats(e).requests;
    int64_t t0 = time_mono_ms();
    while (feed_engine_stats(e).requests - start < 10000 &&
           time_mono_ms() - t0 < 120000) {
        feed_engine_collect(e, set);
        sleep_ms(20);
    }
    unsigned long polls = feed_engine_stats(e).requests - start;
    long after = rss_kib();
    CHECK(polls >= 10000, "10,000 polls done (%lu)", polls);
#if defined(OPSWALL_SANITIZED)
    /* ASan's allocator keeps freed memory (quarantine, size-class caches),
     * so RSS says nothing here; LeakSanitizer checks for leaks exactly at
     * exit instead.  Plain builds assert the bound. */
    printf("sanitizer build: RSS not asserted, LeakSanitizer checks\n");
#else
    CHECK(after - before < 4096, "memory flat over %lu polls: %ld -> %ld KiB",
          polls, before, after);
#endif
    printf("flat memory: %lu polls, RSS %ld -> %ld KiB\n", polls, before,
           after);
    feed_engine_destroy(e);
    source_set_destroy(set);
    layout_destroy(l);
}

/* A minimal layout around sources_json (the body of "sources"), its
 * engine started and each source's first answer collected. */
struct fetched {
    struct layout *layout;
    struct source_set *set;
    struct feed_engine *engine;
    bool all_answered;
};

static bool
fetch_once(const char *sources_json, int64_t timeout_ms, struct fetched *f)
{
    *f = (struct fetched){0};
    char *text = xasprintf(
        "{\"opswall\": 1, \"wall\": {\"columns\": 1, \"rows\": 1, "
        "\"width\": 640, \"height\": 360}, \"grid\": {\"columns\": 1, "
        "\"rows\": 1}, \"sources\": {%s}, "
        "\"scenes\": [{\"id\": \"s\", \"widgets\": []}]}",
        sources_json);
    f->layout = make_layout(text);
    free(text);
    if (!f->layout) {
        return false;
    }
    f->set = source_set_create(f->layout);
    f->engine = feed_engine_create(f->layout, 0, NULL, NULL);
    f->all_answered = feed_engine_wait_first(f->engine, timeout_ms);
    feed_engine_collect(f->engine, f->set);
    return true;
}

static void
fetched_fini(struct fetched *f)
{
    feed_engine_destroy(f->engine);
    source_set_destroy(f->set);
    layout_destroy(f->layout);
}

/* feedsim's --step: with a 100 ms step every 100 ms poll brings new data
 * (the soak's churn), parsed each time.  A lone source also keeps its own
 * interval (the engine once slept a whole second after each transfer when
 * nothing else woke it). */
static void
test_step(struct feedsim *sim)
{
    feedsim_set_step(sim, 100);
    char *json = xasprintf("\"s\": {\"url\": \"http://127.0.0.1:%d/api/"
                           "national/step\", \"every\": \"100ms\", "
                           "\"timeout\": \"2s\", \"as_of\": \"/updated\"}",
                           feedsim_port(sim));
    struct fetched f;
    if (fetch_once(json, 10000, &f)) {
        uint64_t first = source_set_snapshots(f.set)[0]->generation;
        for (int64_t t0 = time_mono_ms(); time_mono_ms() - t0 < 1500;) {
            sleep_ms(50);
        }
        feed_engine_collect(f.engine, f.set);
        uint64_t last = source_set_snapshots(f.set)[0]->generation;
        struct feed_stats st = feed_engine_stats(f.engine);
        CHECK(st.requests >= 8 && last - first >= 5 &&
              st.not_modified * 2 < st.requests,
              "a 100 ms step changes the data at most polls (%llu new of "
              "%lu, %lu not modified)", (unsigned long long)(last - first),
              st.requests, st.not_modified);
        fetched_fini(&f);
    }
    free(json);
    feedsim_set_step(sim, 60000);
}

/* A header secret read from a file (${file:...}) reaches the server; a
 * wrong one is refused with the server's status, and never logged. */
static void
test_secret_file(struct feedsim *sim)
{
    FILE *f = fopen("/tmp/opswall-test-token.txt", "w");
    CHECK(f != NULL, "write token file");
    if (!f) {
        return;
    }
    fprintf(f, "%s\n", FEEDSIM_TOKEN);
    fclose(f);
    char *sources = xasprintf(
        "\"good\": {\"url\": \"http://127.0.0.1:%d/private/api/tasks\", "
        "\"headers\": {\"Authorization\": "
        "\"Bearer ${file:opswall-test-token.txt}\"}},"
        "\"bad\": {\"url\": \"http://127.0.0.1:%d/private/api/tasks\", "
        "\"headers\": {\"Authorization\": \"Bearer wrong\"}}",
        feedsim_port(sim), feedsim_port(sim));
    struct fetched run;
    if (fetch_once(sources, 10000, &run)) {
        struct snapshot *const *sn = source_set_snapshots(run.set);
        CHECK(sn[0] && sn[0]->root && !sn[0]->error,
              "token from a file is accepted: %s",
              sn[0] && sn[0]->error ? sn[0]->error : "ok");
        CHECK(sn[1] && !sn[1]->root && sn[1]->error &&
                  strcmp(sn[1]->error, "HTTP 401") == 0,
              "wrong token refused: %s",
              sn[1] && sn[1]->error ? sn[1]->error : "(none)");
        fetched_fini(&run);
    }
    free(sources);
    remove("/tmp/opswall-test-token.txt");
}

/* A World Bank answer in 15 pages is fetched whole and equals the same
 * answer in one page. */
static void
test_worldbank_paging(struct feedsim *sim)
{
    char *sources = xasprintf(
        "\"paged\": {\"url\": \"http://127.0.0.1:%d/api/worldbank?"
        "format=json&per_page=7\", \"format\": \"worldbank\"},"
        "\"whole\": {\"url\": \"http://127.0.0.1:%d/api/worldbank?"
        "per_page=1000\", \"format\": \"worldbank\"}",
        feedsim_port(sim), feedsim_port(sim));
    unsigned long before = feedsim_requests(sim);
    struct fetched f;
    if (!fetch_once(sources, 15000, &f)) {
        free(sources);
        return;
    }
    free(sources);
    CHECK(f.all_answered, "both answered");
    unsigned long served = feedsim_requests(sim) - before;
    struct snapshot *const *sn = source_set_snapshots(f.set);
    CHECK(sn[0] && sn[0]->root, "paged answer adapted: %s",
          sn[0] && sn[0]->error ? sn[0]->error : "ok");
    CHECK(sn[1] && sn[1]->root, "single-page answer adapted");
    if (sn[0] && sn[0]->root && sn[1] && sn[1]->root) {
        CHECK(cJSON_Compare(sn[0]->root, sn[1]->root, 1),
              "15 pages merged equal the same data in one page");
        const cJSON *pts = jsonptr_get(sn[0]->root, "/countries/VNM/points");
        CHECK(cJSON_GetArraySize(pts) == 10, "all 10 years of VNM (%d)",
              cJSON_GetArraySize(pts));
        const cJSON *latest = jsonptr_get(sn[0]->root,
                                          "/countries/BRN/latest/period");
        CHECK(cJSON_IsString(latest) &&
                  strcmp(latest->valuestring, "2023") == 0,
              "latest is the newest published year (last page's country)");
    }
    CHECK(served >= 16, "15 pages + 1 whole requested (%lu)", served);
    fetched_fini(&f);
}

/* Redirects are followed, but no more than 5. */
static void
test_redirects(struct feedsim *sim)
{
    char *sources = xasprintf(
        "\"few\": {\"url\": \"http://127.0.0.1:%d/redirect/3\"},"
        "\"many\": {\"url\": \"http://127.0.0.1:%d/redirect/9\"}",
        feedsim_port(sim), feedsim_port(sim));
    struct fetched f;
    if (fetch_once(sources, 10000, &f)) {
        struct snapshot *const *sn = source_set_snapshots(f.set);
        CHECK(sn[0] && sn[0]->root, "3 redirects followed: %s",
              sn[0] && sn[0]->error ? sn[0]->error : "ok");
        CHECK(sn[1] && !sn[1]->root && sn[1]->error &&
                  strstr(sn[1]->error, "redirects"),
              "9 redirects refused: %s",
              sn[1] && sn[1]->error ? sn[1]->error : "(none)");
        fetched_fini(&f);
    }
    free(sources);
}

int
main(void)
{
    struct feedsim *sim = feedsim_start(0, 0);
    CHECK(sim != NULL, "feedsim listens on loopback");
    if (!sim) {
        return testlib_done();
    }
    test_faults(sim);
    test_secret_file(sim);
    test_worldbank_paging(sim);
    test_redirects(sim);
    test_same_bytes(sim);
    test_step(sim);
    test_flat_memory(sim);
    feedsim_stop(sim);
    return testlib_done();
}
