/*
 * bench_record_week: a week-long briefing record made from a real one, for
 * timing replays (bench/record.sh).
 *
 *   bench_record_week SOURCE_DIR OUT_DIR [DAYS]
 *
 * Reads the records of SOURCE_DIR (a few minutes recorded by a running
 * wall) and writes them again into OUT_DIR, over and over, shifted in
 * time, until DAYS (default 7) of record exist: the same inter-record
 * times, the same payloads, a key (the source's first) wherever the
 * journal asks for one (hourly; at the start of a repetition, so a
 * segment holds an hour and up to one source's length).  Through the
 * journal's own writer (journal.h), so segments, names, checksums and
 * deflation are what a wall makes.  What is not the same as a real week:
 * the payloads' own times (the epochs' snapshot times) are the source
 * run's, so a replayed frame shows its data as days old; drawing it costs
 * the same.  Prints the span written and its bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "record/journal.h"

struct rec {
    uint8_t type, flags;
    int64_t dt; /* from the source's first record */
    unsigned char *data;
    size_t len;
};

int
main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_record_week SOURCE_DIR OUT_DIR "
                "[DAYS]\n");
        return 2;
    }
    int days = argc > 3 ? atoi(argv[3]) : 7;
    char msg[512];
    enum journal_error err;
    struct journal_reader *rd = journal_reader_open(argv[1], &err, msg,
                                                    sizeof(msg));
    if (!rd) {
        fprintf(stderr, "bench_record_week: %s\n", msg);
        return 1;
    }
    struct rec *v = NULL;
    size_t n = 0, cap = 0;
    int64_t t0 = 0;
    struct journal_record r;
    int got;
    while ((got = journal_reader_next(rd, &r, msg, sizeof(msg))) != 0) {
        if (got < 0) {
            continue;
        }
        if (n == 0) {
            t0 = r.t_ms;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            v = xreallocarray(v, cap, sizeof(*v));
        }
        v[n] = (struct rec){r.type, r.flags, r.t_ms - t0,
                            xmalloc(r.len ? r.len : 1), r.len};
        memcpy(v[n].data, r.data, r.len);
        n++;
    }
    journal_reader_destroy(rd);
    if (n < 2 || !(v[0].flags & JOURNAL_FLAG_KEY)) {
        fprintf(stderr, "bench_record_week: %s has too little to repeat\n",
                argv[1]);
        return 1;
    }
    /* One cycle: everything after the first key and the records that
     * belong to it (streams, revisions at the same moment). */
    size_t first = 1;
    while (first < n && v[first].dt == 0 && !(v[first].flags &
                                              JOURNAL_FLAG_KEY)) {
        first++;
    }
    int64_t cycle = v[n - 1].dt + 1000;
    struct journal_opts o;
    journal_opts_default(&o);
    struct journal *j = journal_create(argv[2], &o, &err, msg, sizeof(msg));
    if (!j) {
        fprintf(stderr, "bench_record_week: %s\n", msg);
        return 1;
    }
    /* A week ending now, as a wall would have left it. */
    int64_t start = t0 - (int64_t)days * 86400 * 1000;
    int64_t end = t0;
    uint64_t written = 0;
    int64_t base = start, flushed = start;
    /* The key and what goes with it, then the cycle again and again. */
    for (size_t i = 0; i < first; i++) {
        journal_append(j, v[i].type, v[i].flags, base, v[i].data, v[i].len);
    }
    while (base < end) {
        /* A key only where a cycle starts: the records after the source's
         * key were made against its state (a source not yet fetched
         * there is "same data" later on). */
        if (base > start && journal_wants_key(j)) {
            for (size_t k = 0; k < first; k++) {
                journal_append(j, v[k].type, v[k].flags, base, v[k].data,
                               v[k].len);
            }
        }
        for (size_t i = first; i < n && base + v[i].dt < end; i++) {
            int64_t t = base + v[i].dt;
            if (v[i].flags & JOURNAL_FLAG_KEY) {
                continue; /* keys only where the journal wants them */
            }
            journal_append(j, v[i].type, v[i].flags, t, v[i].data, v[i].len);
            written++;
            if (t - flushed > 60000) {
                /* The writer keeps up (its queue is bounded), and asks
                 * for keys on time. */
                journal_flush(j);
                flushed = t;
            }
        }
        base += cycle;
    }
    journal_flush(j);
    struct journal_stats st;
    journal_stats(j, &st);
    journal_destroy(j);
    printf("{\"days\": %d, \"from_ms\": %lld, \"to_ms\": %lld, "
           "\"records\": %llu, \"bytes\": %llu, \"segments\": %llu, "
           "\"source_records\": %zu, \"cycle_ms\": %lld}\n",
           days, (long long)start, (long long)end,
           (unsigned long long)st.records,
           (unsigned long long)st.bytes_written,
           (unsigned long long)st.segments_made, n, (long long)cycle);
    for (size_t i = 0; i < n; i++) {
        free(v[i].data);
    }
    free(v);
    return 0;
}
