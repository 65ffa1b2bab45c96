/*
 * metrics: counters kept by the main loop and the text exposition.
 * Written by hand rather than with a client library: the format is a few
 * lines of text, and Debian has no C Prometheus client.
 */
#include "control/metrics.h"

#include <dirent.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"

static const double bucket_le[METRICS_FRAME_BUCKETS] = {
    0.002, 0.004, 0.008, 0.016, 0.033, 0.066, 0.1, 0.25, 0.5, 1.0,
};

void
metrics_frame(struct metrics *m, double seconds)
{
    for (int i = 0; i < METRICS_FRAME_BUCKETS; i++) {
        if (seconds <= bucket_le[i]) {
            m->frame_bucket[i]++;
            break;
        }
    }
    m->frames++;
    m->frame_sum_s += seconds;
    m->dropped += seconds > METRICS_FRAME_BUDGET_S;
}

struct out {
    char *buf;
    size_t len, cap;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < o->cap - o->len) {
            o->len += (size_t)n;
            return;
        }
        o->cap = o->cap * 2 + (size_t)(n > 0 ? n : 0) + 256;
        o->buf = xrealloc(o->buf, o->cap);
    }
}

/* A label value: backslash, quote and newline escaped. */
static const char *
esc(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    for (; s && *s && k + 3 < n; s++) {
        if (*s == '\\' || *s == '"') {
            buf[k++] = '\\';
            buf[k++] = *s;
        } else if (*s == '\n') {
            buf[k++] = '\\';
            buf[k++] = 'n';
        } else {
            buf[k++] = *s;
        }
    }
    buf[k] = 0;
    return buf;
}

static void
head(struct out *o, const char *name, const char *type, const char *help)
{
    put(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A counter without labels: its head and its one sample. */
static void
counter(struct out *o, const char *name, const char *help, uint64_t v)
{
    head(o, name, "counter", help);
    put(o, "%s %llu\n", name, (unsigned long long)v);
}

static long
rss_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2) {
            rss = 0;
        }
        fclose(f);
    }
    return rss * sysconf(_SC_PAGESIZE);
}

/* What /proc/self says of the process, for the soak and for admins:
 * threads (status) and open descriptors (fd).  -1 when unreadable. */
static long
proc_threads(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    long n = -1;
    char line[256];
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "Threads:", 8) == 0) {
            n = strtol(line + 8, NULL, 10);
            break;
        }
    }
    if (f) {
        fclose(f);
    }
    return n;
}

static long
proc_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        return -1;
    }
    long n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        n += e->d_name[0] != '.';
    }
    closedir(d);
    return n - 1; /* the directory's own descriptor */
}

struct stream_ctx {
    struct out *o;
};

static void
one_stream(const struct widget_stream *st, void *arg)
{
    struct stream_ctx *c = arg;
    char l[256], d[128];
    static const char *const states[] = {"connecting", "live", "lost",
                                         "reconnecting"};
    for (size_t k = 0; k < 4; k++) {
        put(c->o, "opswall_stream_state{stream=\"%s\",decoder=\"%s\","
            "state=\"%s\"} %d\n", esc(st->label, l, sizeof(l)),
            esc(st->decoder, d, sizeof(d)), states[k],
            strcmp(st->state, states[k]) == 0);
    }
}

static void
one_stream_pictures(const struct widget_stream *st, void *arg)
{
    struct stream_ctx *c = arg;
    char l[256];
    const char *kinds[] = {"decoded", "shown", "skipped"};
    uint64_t n[] = {st->decoded, st->shown, st->skipped};
    for (size_t k = 0; k < 3; k++) {
        put(c->o, "opswall_stream_pictures_total{stream=\"%s\",kind=\"%s\"} "
            "%llu\n", esc(st->label, l, sizeof(l)), kinds[k],
            (unsigned long long)n[k]);
    }
}

char *
metrics_render(const struct metrics_view *v)
{
    struct out o = {xmalloc(4096), 0, 4096};
    const struct metrics *m = v->m;
    char a[256], b[256];

    head(&o, "opswall_frame_seconds", "histogram", "work per frame that "
         "drew (update and present) or prepared a reloaded layout");
    uint64_t cum = 0;
    for (int i = 0; i < METRICS_FRAME_BUCKETS; i++) {
        cum += m->frame_bucket[i];
        put(&o, "opswall_frame_seconds_bucket{le=\"%g\"} %llu\n",
            bucket_le[i], (unsigned long long)cum);
    }
    put(&o, "opswall_frame_seconds_bucket{le=\"+Inf\"} %llu\n",
        (unsigned long long)m->frames);
    put(&o, "opswall_frame_seconds_sum %.6f\n", m->frame_sum_s);
    put(&o, "opswall_frame_seconds_count %llu\n",
        (unsigned long long)m->frames);
    counter(&o, "opswall_frames_presented_total", "frames presented "
            "(swapped or copied to the screen)", m->frames);
    if (v->present) {
        counter(&o, "opswall_present_pixels_total", "window pixels copied "
                "from the canvas by presents (only what changed)",
                v->present->pixels);
        counter(&o, "opswall_present_full_total", "presents that copied "
                "every pixel (first frame, transitions, unknown back "
                "buffer)", v->present->full);
    }
    counter(&o, "opswall_frames_dropped_total", "presented frames whose "
            "work exceeded one 60 Hz refresh", m->dropped);
    counter(&o, "opswall_loop_iterations_total", "main loop iterations "
            "(an idle wall presents nothing)", m->loops);

    if (v->wall) {
        head(&o, "opswall_widget_paints_total", "counter", "repaints per "
             "widget of the current scene");
        size_t n = wall_widget_count(v->wall);
        for (size_t i = 0; i < n; i++) {
            struct wall_widget_stats s = wall_widget_stat(v->wall, i);
            put(&o, "opswall_widget_paints_total{widget=\"%s\",type=\"%s\"} "
                "%lu\n", esc(s.id, a, sizeof(a)), esc(s.type, b, sizeof(b)),
                s.paints);
        }
        head(&o, "opswall_widget_paint_seconds_total", "counter", "Cairo "
             "painting time per widget");
        for (size_t i = 0; i < n; i++) {
            struct wall_widget_stats s = wall_widget_stat(v->wall, i);
            put(&o, "opswall_widget_paint_seconds_total{widget=\"%s\"} "
                "%.6f\n", esc(s.id, a, sizeof(a)), s.paint_s);
        }
        head(&o, "opswall_widget_upload_seconds_total", "counter", "texture "
             "upload time per widget (CPU side)");
        for (size_t i = 0; i < n; i++) {
            struct wall_widget_stats s = wall_widget_stat(v->wall, i);
            put(&o, "opswall_widget_upload_seconds_total{widget=\"%s\"} "
                "%.6f\n", esc(s.id, a, sizeof(a)), s.upload_s);
        }
        head(&o, "opswall_stream_state", "gauge", "1 for the state each "
             "stream of the current scene is in");
        struct stream_ctx sc = {&o};
        wall_each_stream(v->wall, one_stream, &sc);
        head(&o, "opswall_stream_pictures_total", "counter", "pictures of "
             "each stream of the current scene since it started: decoded, "
             "shown (taken to be drawn), skipped (replaced before being "
             "taken)");
        wall_each_stream(v->wall, one_stream_pictures, &sc);
    }

    static const enum source_state sts[] = {
        SOURCE_STATE_NO_DATA, SOURCE_STATE_OK, SOURCE_STATE_LATE,
        SOURCE_STATE_STALE, SOURCE_STATE_ERROR};
    head(&o, "opswall_source_state", "gauge", "1 for the state each source "
         "is in");
    for (size_t i = 0; i < v->layout->nsources; i++) {
        const struct layout_source *src = &v->layout->sources[i];
        enum source_state st = snapshot_state(
            v->snapshots ? v->snapshots[i] : NULL, src, v->now_ms);
        for (size_t k = 0; k < sizeof(sts) / sizeof(sts[0]); k++) {
            put(&o, "opswall_source_state{source=\"%s\",state=\"%s\"} %d\n",
                esc(src->name, a, sizeof(a)), snapshot_state_name(sts[k]),
                st == sts[k]);
        }
    }
    head(&o, "opswall_source_age_seconds", "gauge", "age of each source's "
         "data (by its as_of, else its arrival); absent without data");
    for (size_t i = 0; i < v->layout->nsources; i++) {
        const struct snapshot *s = v->snapshots ? v->snapshots[i] : NULL;
        if (s && s->root) {
            put(&o, "opswall_source_age_seconds{source=\"%s\"} %.3f\n",
                esc(v->layout->sources[i].name, a, sizeof(a)),
                (double)(v->now_ms - s->as_of_ms) / 1000.0);
        }
    }

    head(&o, "opswall_scene", "gauge", "the scene shown");
    put(&o, "opswall_scene{scene=\"%s\"} 1\n", esc(v->scene, a, sizeof(a)));
    head(&o, "opswall_data_frozen", "gauge", "1 while the operator has "
         "frozen the data shown");
    put(&o, "opswall_data_frozen %d\n", v->frozen ? 1 : 0);
    counter(&o, "opswall_layout_reloads_total", "layout reloads applied",
            m->reloads);
    counter(&o, "opswall_layout_reload_errors_total", "reloads refused (the "
            "layout in use kept)", m->reload_errors);
    head(&o, "opswall_resident_memory_bytes", "gauge", "resident set size");
    put(&o, "opswall_resident_memory_bytes %ld\n", rss_bytes());
    /* glibc's own account of the heap (every arena): what is allocated,
     * and what it holds free (under a sanitizer, whose allocator is its
     * own, only glibc's nearly empty arenas). */
    struct mallinfo2 mi = mallinfo2();
    head(&o, "opswall_heap_bytes", "gauge", "heap in use (malloc: "
         "allocated, mapped included)");
    put(&o, "opswall_heap_bytes %zu\n", mi.uordblks + mi.hblkhd);
    head(&o, "opswall_heap_free_bytes", "gauge", "heap that malloc holds "
         "free");
    put(&o, "opswall_heap_free_bytes %zu\n", mi.fordblks);
    counter(&o, "opswall_memory_trims_total", "times free heap pages were "
            "given back to the system (after a scene or a reload)", v->trims);
    head(&o, "opswall_memory_trim_seconds_total", "counter", "their time "
         "(on a thread of their own)");
    put(&o, "opswall_memory_trim_seconds_total %.6f\n", v->trim_s);
    if (v->text) {
        head(&o, "opswall_text_cache_entries", "gauge", "rasterised strings "
             "held for reuse");
        put(&o, "opswall_text_cache_entries %lu\n", v->text->entries);
        head(&o, "opswall_text_cache_bytes", "gauge", "their pixels");
        put(&o, "opswall_text_cache_bytes %zu\n", v->text->bytes);
        counter(&o, "opswall_text_renders_total", "strings rasterised (drawn, "
                "not found in the cache)", v->text->renders);
        counter(&o, "opswall_text_measures_total", "strings laid out (not "
                "found in the cache)", v->text->measures);
        counter(&o, "opswall_text_cache_evictions_total", "strings dropped "
                "from the cache to stay in its budget", v->text->evictions);
        counter(&o, "opswall_text_cache_expired_total", "strings dropped "
                "after a minute unused", v->text->expired);
    }
    if (v->record) {
        const struct journal_stats *r = v->record;
        counter(&o, "opswall_record_records_total", "records written to the "
                "briefing record", r->records);
        counter(&o, "opswall_record_bytes_total", "their bytes on disk",
                r->bytes_written);
        counter(&o, "opswall_record_dropped_total", "records dropped "
                "because the disk fell behind (a gap, then a key)",
                r->dropped);
        counter(&o, "opswall_record_write_errors_total", "failed writes "
                "(the record retries at the next key)", r->write_errors);
        counter(&o, "opswall_record_segments_removed_total", "segments "
                "removed by retention (age, size)", r->segments_removed);
        head(&o, "opswall_record_queued_bytes", "gauge", "records waiting "
             "for the disk");
        put(&o, "opswall_record_queued_bytes %zu\n", r->queued_bytes);
        head(&o, "opswall_record_cpu_seconds_total", "counter", "CPU time "
             "of recording: on the main thread (what changed, the epoch) "
             "and the writer's (deflate, write, sync)");
        put(&o, "opswall_record_cpu_seconds_total{part=\"frame\"} %.6f\n",
            (double)v->m->record_cpu_ns / 1e9);
        put(&o, "opswall_record_cpu_seconds_total{part=\"writer\"} %.6f\n",
            (double)r->cpu_ns / 1e9);
    }
    head(&o, "opswall_threads", "gauge", "threads of the process");
    put(&o, "opswall_threads %ld\n", proc_threads());
    head(&o, "opswall_open_fds", "gauge", "open file descriptors");
    put(&o, "opswall_open_fds %ld\n", proc_fds());
    if (v->control) {
        head(&o, "opswall_control_requests_total", "counter", "control API "
             "requests by outcome");
        const struct control_counts *c = v->control;
        put(&o, "opswall_control_requests_total{outcome=\"refused_auth\"} "
            "%lu\n", c->refused_auth);
        put(&o, "opswall_control_requests_total{outcome=\"refused_bad\"} "
            "%lu\n", c->refused_bad);
        put(&o, "opswall_control_requests_total{outcome=\"timeout\"} %lu\n",
            c->timeouts);
        put(&o, "opswall_control_requests_total{outcome=\"refused_role\"} "
            "%lu\n", c->refused_role);
        counter(&o, "opswall_control_auth_failures_total", "wrong or missing "
                "tokens", c->limits.auth_failures);
        head(&o, "opswall_control_limited_total", "counter", "requests "
             "refused with 429: an address after 10 failed authentications "
             "in a minute, frames past 4 a second per client");
        put(&o, "opswall_control_limited_total{reason=\"auth\"} %lu\n",
            c->limits.auth_limited);
        put(&o, "opswall_control_limited_total{reason=\"frames\"} %lu\n",
            c->limits.frames_limited);
        put(&o, "opswall_control_requests_total{outcome=\"all\"} %lu\n",
            c->requests);
    }
    if (v->cluster) {
        const struct cluster_stats *c = v->cluster;
        head(&o, "opswall_cluster_frames_total", "counter", "frames drawn "
             "in step by every rank");
        put(&o, "opswall_cluster_frames_total %llu\n",
            (unsigned long long)c->frames);
        static const char *const kinds[] = {"all", "data", "layout"};
        uint64_t n[] = {c->epochs, c->data_epochs, c->layout_epochs};
        uint64_t bytes[] = {c->epoch_bytes, c->data_bytes, c->layout_bytes};
        head(&o, "opswall_cluster_epochs_total", "counter", "epochs sent "
             "to the render ranks, by what they carried");
        for (int k = 0; k < 3; k++) {
            put(&o, "opswall_cluster_epochs_total{carried=\"%s\"} %llu\n",
                kinds[k], (unsigned long long)n[k]);
        }
        head(&o, "opswall_cluster_epoch_bytes_total", "counter", "bytes of "
             "those epochs");
        for (int k = 0; k < 3; k++) {
            put(&o, "opswall_cluster_epoch_bytes_total{carried=\"%s\"} "
                "%llu\n", kinds[k], (unsigned long long)bytes[k]);
        }
        head(&o, "opswall_cluster_barrier_wait_seconds_total", "counter",
             "per rank: time its finished frame waited for the slowest rank");
        for (int i = 0; i < v->cluster_ranks; i++) {
            put(&o, "opswall_cluster_barrier_wait_seconds_total{rank=\"%d\"} "
                "%.6f\n", i, c->wait_s[i]);
        }
        head(&o, "opswall_cluster_video_offset_seconds", "gauge", "per rank: "
             "how far its video pictures were from the master's, last "
             "frame (0 without video)");
        for (int i = 0; i < v->cluster_ranks; i++) {
            put(&o, "opswall_cluster_video_offset_seconds{rank=\"%d\"} %.6f\n",
                i, c->video_s[i]);
        }
        head(&o, "opswall_cluster_missed_frames_total", "counter", "per "
             "rank: frames whose work exceeded one 60 Hz refresh");
        for (int i = 0; i < v->cluster_ranks; i++) {
            put(&o, "opswall_cluster_missed_frames_total{rank=\"%d\"} %llu\n",
                i, (unsigned long long)c->missed[i]);
        }
    }
    return o.buf;
}
