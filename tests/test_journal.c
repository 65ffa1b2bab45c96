/*
 * test_journal: the briefing record's store.  Records come back as they
 * went in (compressed or not), segments begin at keys and a seek reads
 * one, a tail cut at every byte still gives everything before it, damage
 * in the middle costs one record, retention by age and by size, the
 * folder's mode and owner are enforced and a second writer refused; the
 * recorder writes no secret of the layout.
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <zlib.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "record/journal.h"
#include <cjson/cJSON.h>

#include "record/recorder.h"
#include "record/replay.h"
#include "testlib.h"

#define T0 1764806400000LL /* 2025-12-04 00:00 UTC */
#define DAY (24 * 3600 * 1000LL)
#define TYPE_A (JOURNAL_TYPE_USER + 1)
#define TYPE_B (JOURNAL_TYPE_USER + 2)

static char base[64];

static char *
fresh_dir(const char *name)
{
    char *d = xasprintf("%s/%s", base, name);
    return d;
}

static void
rm_rf(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
    }
    closedir(d);
    rmdir(dir);
}

/* A payload of n bytes; compressible (JSON-like) or not. */
static unsigned char *
payload(size_t n, unsigned seed, bool compressible)
{
    unsigned char *p = xmalloc(n ? n : 1);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        p[i] = compressible ? (unsigned char)"{\"value\": 7.52, }"[i % 17]
                            : (unsigned char)(x >> 16);
    }
    return p;
}

static struct journal *
open_journal(const char *dir, const struct journal_opts *o)
{
    char msg[512];
    enum journal_error err;
    struct journal *j = journal_create(dir, o, &err, msg, sizeof(msg));
    CHECK(j != NULL, "journal_create %s: %s", dir, msg);
    return j;
}

static int
count_segments(const char *dir, int64_t *bytes)
{
    DIR *d = opendir(dir);
    int n = 0;
    *bytes = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, ".owj")) {
            char *p = xasprintf("%s/%s", dir, e->d_name);
            struct stat st;
            if (stat(p, &st) == 0) {
                *bytes += st.st_size;
                CHECK((st.st_mode & 0777) == 0600, "%s: mode %o", p,
                      (unsigned)(st.st_mode & 0777));
            }
            free(p);
            n++;
        }
    }
    if (d) {
        closedir(d);
    }
    return n;
}

static void
test_round_trip(void)
{
    char *dir = fresh_dir("round");
    struct journal *j = open_journal(dir, NULL);
    CHECK(journal_wants_key(j), "a new journal wants a key first");
    CHECK(!journal_append(j, TYPE_A, 0, T0, "x", 1),
          "a first record that is not a key is refused");
    static const size_t sizes[] = {0, 1, 255, 256, 4000, 100000, 3 << 20};
    enum { N = sizeof(sizes) / sizeof(sizes[0]) };
    unsigned char *want[2 * N];
    for (size_t i = 0; i < 2 * N; i++) {
        want[i] = payload(sizes[i % N], (unsigned)i, i >= N);
        CHECK(journal_append(j, i % 2 ? TYPE_B : TYPE_A,
                             i == 0 ? JOURNAL_FLAG_KEY : 0, T0 + (int64_t)i,
                             want[i], sizes[i % N]),
              "append %zu", i);
    }
    CHECK(!journal_wants_key(j), "no key wanted after one");
    /* A clock stepped back: written as the last time. */
    CHECK(journal_append(j, TYPE_A, 0, T0 - 5000, "back", 4), "back");
    journal_flush(j);
    struct journal_stats st;
    journal_stats(j, &st);
    CHECK(st.records == 2 * N + 1 && st.dropped == 1 && st.segments_made == 1,
          "stats: %llu records, %llu dropped, %llu segments",
          (unsigned long long)st.records, (unsigned long long)st.dropped,
          (unsigned long long)st.segments_made);
    CHECK(st.bytes_written < (3 << 20) + 200000,
          "the compressible 3 MiB went in deflated (%llu bytes in all)",
          (unsigned long long)st.bytes_written);
    journal_destroy(j);

    char msg[256];
    struct journal_reader *r = journal_reader_open(dir, NULL, msg, sizeof(msg));
    CHECK(r != NULL, "reader: %s", msg);
    if (r) {
        int64_t first = 0, last = 0;
        CHECK(journal_reader_span(r, &first, &last) && first == T0 &&
                  last == T0 + 2 * N - 1,
              "span %lld..%lld", (long long)(first - T0),
              (long long)(last - T0));
        struct journal_record rec;
        size_t i = 0;
        while (journal_reader_next(r, &rec, msg, sizeof(msg)) == 1 &&
               i < 2 * N) {
            CHECK(rec.type == (i % 2 ? TYPE_B : TYPE_A) &&
                      rec.flags == (i == 0 ? JOURNAL_FLAG_KEY : 0) &&
                      rec.t_ms == T0 + (int64_t)i &&
                      rec.len == sizes[i % N] &&
                      (rec.len == 0 || memcmp(rec.data, want[i], rec.len) == 0),
                  "record %zu as written (type %u, %zu bytes)", i, rec.type,
                  rec.len);
            i++;
        }
        CHECK(i == 2 * N && rec.t_ms == T0 + 2 * N - 1 && rec.len == 4 &&
                  memcmp(rec.data, "back", 4) == 0,
              "all %zu records, the stepped-back one at the last time", i);
        CHECK(journal_reader_next(r, &rec, msg, sizeof(msg)) == 0, "end");
        uint64_t db, dp;
        journal_reader_damage(r, &db, &dp);
        CHECK(db == 0 && dp == 0, "no damage (%llu)", (unsigned long long)db);
        journal_reader_destroy(r);
    }
    for (size_t i = 0; i < 2 * N; i++) {
        free(want[i]);
    }
    struct stat st2;
    CHECK(stat(dir, &st2) == 0 && (st2.st_mode & 0777) == 0700,
          "the folder was made 0700");
    rm_rf(dir);
    free(dir);
}

/* Segments: a new one at a key once the current is full; each begins with
 * a key; a seek lands on the one holding the time. */
static void
test_segments(void)
{
    char *dir = fresh_dir("segments");
    struct journal_opts o;
    journal_opts_default(&o);
    o.seg_bytes = 8192;
    struct journal *j = open_journal(dir, &o);
    int keys = 0;
    for (int i = 0; i < 200; i++) {
        /* Each its own bytes: the same ones again would deflate to nearly
         * nothing against the one before. */
        unsigned char *p = payload(1000, 7 + (unsigned)i, false);
        bool key = journal_wants_key(j);
        keys += key;
        CHECK(journal_append(j, TYPE_A, key ? JOURNAL_FLAG_KEY : 0,
                             T0 + i * 1000, p, 1000), "append %d", i);
        free(p);
        journal_flush(j); /* the writer's view of "full" before the next */
    }
    journal_destroy(j);
    int64_t bytes;
    int n = count_segments(dir, &bytes);
    CHECK(n >= 20 && n == keys, "%d segments for %d keys", n, keys);

    struct journal_reader *r = journal_reader_open(dir, NULL, NULL, 0);
    CHECK(r != NULL, "reader");
    struct journal_record rec;
    /* A time inside: the segment's first record is a key at or before it,
     * and reading on reaches the record of that time. */
    for (int64_t t = T0; r && t < T0 + 200000; t += 17000) {
        journal_reader_seek(r, t);
        CHECK(journal_reader_next(r, &rec, NULL, 0) == 1 &&
                  (rec.flags & JOURNAL_FLAG_KEY) && rec.t_ms <= t &&
                  rec.t_ms > t - 20000,
              "seek %lld: starts at a key at %lld", (long long)(t - T0),
              (long long)(rec.t_ms - T0));
        while (rec.t_ms < t - (t - T0) % 1000 &&
               journal_reader_next(r, &rec, NULL, 0) == 1) {
        }
        CHECK(rec.t_ms == t - (t - T0) % 1000, "reached %lld",
              (long long)(t - T0));
    }
    if (r) {
        journal_reader_seek(r, T0 - DAY);
        CHECK(journal_reader_next(r, &rec, NULL, 0) == 1 && rec.t_ms == T0,
              "a time before all: the first segment");
        int count = 1;
        while (journal_reader_next(r, &rec, NULL, 0) == 1) {
            count++;
        }
        CHECK(count == 200, "all 200 records across %d segments (%d)", n,
              count);
    }
    journal_reader_destroy(r);
    rm_rf(dir);
    free(dir);
}

/* The bytes of dir's segment (the last listed when there are several)
 * and, when path is not NULL, its path (caller frees); NULL when none. */
static unsigned char *
read_segment(const char *dir, size_t *len, char **path)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char *found = NULL;
    while (d && (e = readdir(d))) {
        if (strstr(e->d_name, ".owj")) {
            free(found);
            found = xasprintf("%s/%s", dir, e->d_name);
        }
    }
    if (d) {
        closedir(d);
    }
    *len = 0;
    unsigned char *buf = found ? (unsigned char *)file_read_all(
                                     found, 1 << 24, len)
                               : NULL;
    if (path) {
        *path = found;
    } else {
        free(found);
    }
    return buf;
}

/* One segment's bytes, written by the journal: for the buffer tests. */
static unsigned char *
one_segment(const char *dir, int nrec, size_t *len, size_t *last_at)
{
    struct journal *j = open_journal(dir, NULL);
    for (int i = 0; i < nrec; i++) {
        unsigned char *p = payload(300 + 50 * (size_t)i, (unsigned)i, i % 2);
        journal_append(j, TYPE_A, i == 0 ? JOURNAL_FLAG_KEY : 0,
                       T0 + i, p, 300 + 50 * (size_t)i);
        free(p);
        if (i == nrec - 2) {
            journal_flush(j);
            struct journal_stats st;
            journal_stats(j, &st);
            *last_at = (size_t)st.bytes_written; /* where the last begins */
        }
    }
    journal_destroy(j);
    return read_segment(dir, len, NULL);
}

static int
count_records(struct journal_reader *r, int64_t *last_t)
{
    struct journal_record rec;
    int n = 0, got;
    while ((got = journal_reader_next(r, &rec, NULL, 0)) != 0) {
        if (got > 0) {
            n++;
            *last_t = rec.t_ms;
        }
    }
    return n;
}

/* A series payload as a feed sends it every second: 600 values, moved
 * on by one each time. */
static char *
series_text(int i, size_t *len)
{
    char *s = xmalloc(600 * 16 + 8);
    size_t n = 0;
    s[n++] = '[';
    for (int k = 0; k < 600; k++) {
        uint32_t x = (uint32_t)(i + k) * 2654435761u;
        n += (size_t)snprintf(s + n, 16, "%s%u.%02u", k ? "," : "",
                              x % 9000 + 1000, (x >> 8) % 100);
    }
    s[n++] = ']';
    s[n] = 0;
    *len = n;
    return s;
}

/* Each record deflated against the one before of its type: a moving
 * series shrinks several-fold, reads back exactly; a damaged record
 * costs its type's records until the next one made without (a minute). */
static void
test_dictionary(void)
{
    char *dir = fresh_dir("dict");
    struct journal *j = open_journal(dir, NULL);
    uLong alone = 0;
    for (int i = 0; i < 120; i++) {
        size_t n;
        char *p = series_text(i, &n);
        unsigned char z[16384];
        uLongf zl = sizeof(z);
        compress2(z, &zl, (const unsigned char *)p, (uLong)n, 1);
        alone += zl;
        journal_append(j, TYPE_A, i == 0 ? JOURNAL_FLAG_KEY : 0,
                       T0 + i * 1000, p, n);
        free(p);
    }
    journal_flush(j);
    struct journal_stats st;
    journal_stats(j, &st);
    journal_destroy(j);
    CHECK(st.bytes_written * 4 < alone, "against the one before: %llu "
          "bytes, alone %lu", (unsigned long long)st.bytes_written, alone);
    size_t len = 0;
    unsigned char *seg = read_segment(dir, &len, NULL);
    CHECK(seg != NULL, "the segment");
    if (!seg) {
        rm_rf(dir);
        free(dir);
        return;
    }
    struct journal_reader *r = journal_reader_open_buffer(seg, len);
    struct journal_record rec;
    int same = 0, n = 0;
    size_t at10 = 0, at = 16;
    while (journal_reader_next(r, &rec, NULL, 0) == 1) {
        size_t tl;
        char *want = series_text(n, &tl);
        same += rec.len == tl && memcmp(rec.data, want, tl) == 0;
        free(want);
        n++;
    }
    journal_reader_destroy(r);
    CHECK(n == 120 && same == 120, "all read back exactly (%d of %d)", same,
          n);
    for (int k = 0; k <= 10 && at + 24 <= len; k++) {
        uint32_t plen;
        memcpy(&plen, seg + at + 4, 4);
        at10 = at;
        at += 24 + plen;
    }
    seg[at10 + 24 + 8] ^= 0x5a; /* inside record 10's payload */
    r = journal_reader_open_buffer(seg, len);
    int first_after = -1;
    n = 0;
    same = 0;
    while (journal_reader_next(r, &rec, NULL, 0) == 1) {
        int idx = (int)((rec.t_ms - T0) / 1000);
        if (idx > 10 && first_after < 0) {
            first_after = idx;
        }
        size_t tl;
        char *want = series_text(idx, &tl);
        same += rec.len == tl && memcmp(rec.data, want, tl) == 0;
        free(want);
        n++;
    }
    uint64_t db, dp;
    journal_reader_damage(r, &db, &dp);
    journal_reader_destroy(r);
    CHECK(n == 70 && same == 70 && first_after == 60 && dp == 50,
          "record 10 damaged: 10-59 lost (the chain), read again from the "
          "minute's plain record at 60: %d read, %d right, from %d, %llu "
          "places", n, same, first_after, (unsigned long long)dp);
    free(seg);
    rm_rf(dir);
    free(dir);
}

static void
test_torn_and_damaged(void)
{
    char *dir = fresh_dir("torn");
    size_t len = 0, last_at = 0;
    unsigned char *seg = one_segment(dir, 8, &len, &last_at);
    CHECK(seg && last_at > 16 && last_at < len, "a segment of %zu bytes, "
          "the last record at %zu", len, last_at);
    if (!seg) {
        return;
    }
    int bad = 0;
    for (size_t cut = last_at; cut < len; cut++) {
        struct journal_reader *r = journal_reader_open_buffer(seg, cut);
        int64_t t = 0;
        int n = count_records(r, &t);
        uint64_t db, dp;
        journal_reader_damage(r, &db, &dp);
        if (n != 7 || t != T0 + 6 || (cut > last_at && db == 0)) {
            bad++;
        }
        journal_reader_destroy(r);
    }
    CHECK(bad == 0, "cut at each of the last record's %zu bytes: the 7 "
          "before it always read (%d cuts wrong)", len - last_at, bad);
    struct journal_reader *r = journal_reader_open_buffer(seg, len);
    int64_t t = 0;
    CHECK(count_records(r, &t) == 8 && t == T0 + 7, "uncut: all 8");
    journal_reader_destroy(r);

    /* One byte changed in the middle of a record: that record is lost,
     * with the records of its type deflated against its window after it
     * (flag 4, until a record starts the window again: at most a
     * minute's), the rest read, the damage counted. */
    size_t starts[8], nstarts = 0;
    uint8_t flags[8];
    for (size_t at = 16; at + 24 <= len && nstarts < 8;) {
        uint32_t plen;
        memcpy(&plen, seg + at + 4, 4);
        starts[nstarts] = at;
        flags[nstarts++] = seg[at + 17];
        at += 24 + plen;
    }
    int lost_ok = 0, chained = 0;
    for (size_t at = 16; at < len; at += 97) {
        size_t k = 0;
        while (k + 1 < nstarts && starts[k + 1] <= at) {
            k++;
        }
        int lost = 1;
        for (size_t m = k + 1; m < nstarts; m++) {
            if ((flags[m] & 1) || (flags[m] & 6) == 2) {
                break; /* starts the window again */
            }
            lost += (flags[m] & 4) != 0;
        }
        chained += lost > 1;
        unsigned char *copy = xmalloc(len);
        memcpy(copy, seg, len);
        copy[at] ^= 0x5a;
        r = journal_reader_open_buffer(copy, len);
        int n = count_records(r, &t);
        uint64_t db, dp;
        journal_reader_damage(r, &db, &dp);
        lost_ok += n == 8 - lost && dp >= 1 && db > 0;
        journal_reader_destroy(r);
        free(copy);
    }
    CHECK(nstarts == 8 && lost_ok == (int)((len - 16 + 96) / 97),
          "a flipped byte costs its record and the chain deflated against "
          "it (%d of %zu places)", lost_ok, (len - 16 + 96) / 97);
    CHECK(chained > 0, "some records were deflated against the one before");
    /* Not a segment at all. */
    r = journal_reader_open_buffer("not a journal", 13);
    struct journal_record rec;
    char msg[128] = "";
    CHECK(journal_reader_next(r, &rec, msg, sizeof(msg)) == -1 &&
              strstr(msg, "not a journal segment") &&
              journal_reader_next(r, &rec, msg, sizeof(msg)) == 0,
          "not a segment: said (%s), then the end", msg);
    journal_reader_destroy(r);
    free(seg);
    rm_rf(dir);
    free(dir);
}

static void
test_retention(void)
{
    /* By age: a key a day for 40 days, segments of at most a day, kept
     * 31 days. */
    char *dir = fresh_dir("age");
    struct journal_opts o;
    journal_opts_default(&o);
    o.seg_ms = DAY;
    struct journal *j = open_journal(dir, &o);
    for (int d = 0; d < 40; d++) {
        for (int k = 0; k < 4; k++) {
            journal_append(j, TYPE_A, k == 0 ? JOURNAL_FLAG_KEY : 0,
                           T0 + d * DAY + k * (DAY / 4), "state", 5);
        }
        journal_flush(j);
    }
    journal_destroy(j);
    int64_t bytes;
    int n = count_segments(dir, &bytes);
    CHECK(n == 32, "40 days kept 31: %d segments (each a day; the oldest "
          "kept ends 31 days ago)", n);
    struct journal_reader *r = journal_reader_open(dir, NULL, NULL, 0);
    int64_t first = 0, last = 0;
    CHECK(r && journal_reader_span(r, &first, &last) &&
              first == T0 + 8 * DAY && last == T0 + 39 * DAY + 3 * (DAY / 4),
          "the span: day %lld to day %lld", (long long)((first - T0) / DAY),
          (long long)((last - T0) / DAY));
    journal_reader_destroy(r);
    rm_rf(dir);
    free(dir);

    /* By size: 64 KiB at most, segments of 8 KiB. */
    dir = fresh_dir("size");
    journal_opts_default(&o);
    o.seg_bytes = 8192;
    o.max_bytes = 65536;
    j = open_journal(dir, &o);
    for (int i = 0; i < 400; i++) {
        unsigned char *p = payload(2000, 3 + (unsigned)i, false);
        journal_append(j, TYPE_A, journal_wants_key(j) ? JOURNAL_FLAG_KEY : 0,
                       T0 + i, p, 2000);
        free(p);
        journal_flush(j);
    }
    journal_destroy(j);
    n = count_segments(dir, &bytes);
    CHECK(bytes <= 65536 + 8192 + 2100 && n >= 7,
          "800 kB written into a 64 KiB bound: %d segments, %lld bytes", n,
          (long long)bytes);
    rm_rf(dir);
    free(dir);
}

/* The disk refuses (a file size limit: EFBIG, as ENOSPC would): the error
 * is counted, what came before stays readable, a key is asked for after
 * retry_ms and recording resumes in a new segment. */
static void
test_write_failure(void)
{
    char *dir = fresh_dir("full");
    struct journal_opts o;
    journal_opts_default(&o);
    o.retry_ms = 50;
    struct journal *j = open_journal(dir, &o);
    unsigned char *p = payload(4000, 11, false);
    journal_append(j, TYPE_A, JOURNAL_FLAG_KEY, T0, p, 4000);
    journal_flush(j);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 65536;
    signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &lim);
    int i = 1;
    for (; i < 40; i++) {
        unsigned char *q = payload(4000, 11 + (unsigned)i, false);
        journal_append(j, TYPE_A, 0, T0 + i, q, 4000);
        free(q);
        journal_flush(j);
    }
    struct journal_stats st;
    journal_stats(j, &st);
    CHECK(st.write_errors == 1 && st.records >= 15 && st.records <= 17,
          "the limit reached: %llu write error, %llu records written",
          (unsigned long long)st.write_errors, (unsigned long long)st.records);
    setrlimit(RLIMIT_FSIZE, &old);
    /* Records go on being offered; after retry_ms a key is asked for. */
    bool asked = false;
    for (int k = 0; k < 200 && !asked; k++, i++) {
        struct timespec ts = {0, 5000000};
        nanosleep(&ts, NULL);
        journal_append(j, TYPE_A, 0, T0 + i, p, 4000);
        journal_flush(j);
        asked = journal_wants_key(j);
    }
    CHECK(asked, "a key asked for after the failure");
    int64_t resumed = T0 + i;
    CHECK(journal_append(j, TYPE_A, JOURNAL_FLAG_KEY, resumed, p, 4000) &&
              journal_append(j, TYPE_A, 0, resumed + 1, p, 4000),
          "the key and one more");
    journal_flush(j);
    journal_stats(j, &st);
    CHECK(st.segments_made == 2, "a new segment (%llu)",
          (unsigned long long)st.segments_made);
    journal_destroy(j);
    struct journal_reader *r = journal_reader_open(dir, NULL, NULL, 0);
    struct journal_record rec;
    int before = 0, after = 0, got;
    while (r && (got = journal_reader_next(r, &rec, NULL, 0)) != 0) {
        if (got > 0) {
            before += rec.t_ms < resumed;
            after += rec.t_ms >= resumed;
        }
    }
    CHECK(before == (int)st.records - 2 && after == 2,
          "what was written before reads (%d), the torn record skipped, "
          "and the 2 after (%d)", before, after);
    journal_reader_destroy(r);
    free(p);
    rm_rf(dir);
    free(dir);
}

static void
test_folder(void)
{
    char msg[512];
    enum journal_error err;
    char *dir = fresh_dir("open");
    CHECK(mkdir(dir, 0700) == 0 && chmod(dir, 0755) == 0, "mkdir");
    CHECK(!journal_create(dir, NULL, &err, msg, sizeof(msg)) &&
              err == JOURNAL_ERR_MODE && strstr(msg, "0755") &&
              strstr(msg, "chmod 700"),
          "a 0755 folder refused: %s", msg);
    chmod(dir, 0700);
    struct journal *j = journal_create(dir, NULL, &err, msg, sizeof(msg));
    CHECK(j != NULL, "0700: %s", msg);
    CHECK(!journal_create(dir, NULL, &err, msg, sizeof(msg)) &&
              err == JOURNAL_ERR_LOCKED && strstr(msg, "another process"),
          "a second writer refused: %s", msg);
    journal_destroy(j);
    j = journal_create(dir, NULL, &err, msg, sizeof(msg));
    CHECK(j != NULL, "open again after the first closed: %s", msg);
    journal_destroy(j);

    struct journal_reader *r = journal_reader_open(dir, &err, msg,
                                                   sizeof(msg));
    CHECK(!r && err == JOURNAL_ERR_EMPTY && strstr(msg, "no recording"),
          "an empty folder: %s", msg);
    rm_rf(dir);
    r = journal_reader_open(dir, &err, msg, sizeof(msg));
    CHECK(!r && err == JOURNAL_ERR_FOLDER && strstr(msg, dir),
          "no folder: %s", msg);

    char *file = fresh_dir("a-file");
    FILE *f = fopen(file, "w");
    if (f) {
        fclose(f);
    }
    CHECK(!journal_create(file, NULL, &err, msg, sizeof(msg)) &&
              err == JOURNAL_ERR_NOT_FOLDER,
          "a file is not a folder: %s", msg);
    unlink(file);
    free(file);
    free(dir);
}

static void
test_redaction(void)
{
    static const char text[] =
        "// a comment\n{\"sources\": {\"a\": {\"url\": "
        "\"https://wall:pa55word@stats.example/api?x=1\", \"headers\": "
        "{\"Authorization\": \"Bearer layout-secret-42\", \"X-Key\": "
        "\"${KEY}\"}}, \"b\": {\"url\": \"http://127.0.0.1:8642/a@b\"}},"
        " \"scenes\": [{\"widgets\": [{\"type\": \"video\", \"url\": "
        "\"rtsp://cam:secret77@10.0.0.5/stream\"}]}]}";
    char *r = recorder_redact_layout(text, sizeof(text) - 1);
    CHECK(r != NULL, "the layout redacts");
    if (!r) {
        return;
    }
    CHECK(!strstr(r, "pa55word") && !strstr(r, "layout-secret-42") &&
              !strstr(r, "secret77") && !strstr(r, "${KEY}"),
          "no header value, no URL password: %s", r);
    CHECK(strstr(r, "https://(not recorded)@stats.example/api?x=1") &&
              strstr(r, "rtsp://(not recorded)@10.0.0.5/stream") &&
              strstr(r, "\"Authorization\":\"(not recorded)\"") &&
              strstr(r, "http://127.0.0.1:8642/a@b"),
          "hosts and header names kept, an @ in a path left: %s", r);
    free(r);
    CHECK(recorder_redact_layout("{\"a\": ", 7) == NULL,
          "text that does not parse: NULL");
}


/* A recorded wall (recorder over a small layout) for the replay tests:
 * a key at T0, a scene change at +1 s, a notice at +2 s, a freeze at
 * +3 s; the clock each second to +5 s.  Returns the record's folder. */
static const char wall_text[] =
    "{\"opswall\": 1, \"locale\": \"vi-VN\", \"timezone\": \"+07:00\","
    " \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 640,"
    "  \"height\": 360}, \"grid\": {\"columns\": 4, \"rows\": 2},"
    " \"sources\": {\"s\": {\"url\": \"http://127.0.0.1:9/x\"}},"
    " \"scenes\": [{\"id\": \"a\", \"widgets\": []},"
    "              {\"id\": \"b\", \"widgets\": []}]}";

static char *
record_wall(const char *name)
{
    char *dir = fresh_dir(name);
    char msg[512];
    struct recorder *r = recorder_create(dir, NULL, msg, sizeof(msg));
    CHECK(r != NULL, "recorder: %s", msg);
    if (!r) {
        return dir;
    }
    struct snapshot *snap = snapshot_create(cJSON_Parse("{\"v\": 1}"), 1, T0,
                                            T0, T0, NULL);
    struct snapshot *snaps[1] = {snap};
    struct widget_stream st = {.url = "rtsp://u:p@127.0.0.1/cam",
                               .label = "Điểm cầu Lai Châu",
                               .state = "live"};
    for (int i = 0; i <= 50; i++) {
        int64_t t = T0 + i * 100;
        struct frame_aids aids = {0};
        if (t >= T0 + 2000) {
            aids.notice = "Nghỉ giải lao";
            aids.notice_until_ms = T0 + 60000;
        }
        if (t >= T0 + 3000) {
            aids.frozen_at_ms = T0 + 3000;
        }
        if (t >= T0 + 4000) {
            st.state = "lost";
            st.lost_at_ms = T0 + 4000;
        }
        struct recorder_frame f = {
            .now_ms = t, .scene = t >= T0 + 1000, .aids = &aids,
            .snaps = snaps, .nsnaps = 1, .streams = &st, .nstreams = 1,
            .layout_gen = 1, .layout_path = "/etc/opswall/wall.json",
            .layout_text = wall_text,
            .layout_len = sizeof(wall_text) - 1};
        recorder_frame(r, &f);
    }
    recorder_destroy(r);
    snapshot_unref(snap);
    return dir;
}

/* The record's state at t, as replay rebuilds it. */
static bool
state_at(const char *dir, int64_t t, uint32_t *scene, bool *notice,
         bool *frozen, const char **stream, char *msg, size_t msglen)
{
    struct replay *rp = replay_open(dir, msg, msglen);
    if (!rp) {
        return false;
    }
    bool ok = replay_at(rp, t, msg, msglen);
    if (ok) {
        struct frame_state fs = replay_frame_state(rp);
        *scene = (uint32_t)fs.scene;
        *notice = fs.aids->notice != NULL;
        *frozen = fs.aids->frozen_at_ms != 0;
        static char keep[32];
        snprintf(keep, sizeof(keep), "%s",
                 fs.recorded->n ? fs.recorded->s[0].state : "-");
        *stream = keep;
        ok = fs.nsnapshots == 1 && fs.snapshots[0] &&
             cJSON_IsNumber(jsonptr_get(fs.snapshots[0]->root, "/v"));
        CHECK(fs.recorded->n == 1 &&
                  strcmp(fs.recorded->s[0].url,
                         "rtsp://(not recorded)@127.0.0.1/cam") == 0,
              "the stream's url recorded without its password");
    }
    replay_destroy(rp);
    return ok;
}

static void
test_replay_state(void)
{
    char *dir = record_wall("replay");
    char msg[512];
    uint32_t scene = 9;
    bool notice = true, frozen = true;
    const char *stream = "";
    CHECK(state_at(dir, T0 + 500, &scene, &notice, &frozen, &stream, msg,
                   sizeof(msg)) &&
              scene == 0 && !notice && !frozen && strcmp(stream, "live") == 0,
          "at +0.5 s: scene a, nothing else (%s)", msg);
    CHECK(state_at(dir, T0 + 2500, &scene, &notice, &frozen, &stream, msg,
                   sizeof(msg)) && scene == 1 && notice && !frozen,
          "at +2.5 s: scene b and the notice (%s)", msg);
    CHECK(state_at(dir, T0 + 4500, &scene, &notice, &frozen, &stream, msg,
                   sizeof(msg)) && scene == 1 && notice && frozen &&
              strcmp(stream, "lost") == 0,
          "at +4.5 s: frozen, the stream lost (%s)", msg);
    CHECK(!state_at(dir, T0 - 1000, &scene, &notice, &frozen, &stream, msg,
                    sizeof(msg)) &&
              strstr(msg, "is outside the record, which holds") &&
              strstr(msg, "07:00:00+07:00 to"),
          "before the record: refused with its span (%s)", msg);
    CHECK(!state_at(dir, T0 + 60000, &scene, &notice, &frozen, &stream, msg,
                    sizeof(msg)) && strstr(msg, "outside the record"),
          "after the record: refused (%s)", msg);

    /* The segment cut at every byte of its last record: everything before
     * that record still replays, the same. */
    size_t len = 0;
    char *seg = NULL;
    unsigned char *bytes = read_segment(dir, &len, &seg);
    CHECK(bytes != NULL, "the segment read");
    size_t last = 0;
    int64_t last_t = 0, before_t = 0;
    for (size_t at = 16; bytes && at + 24 <= len;) {
        uint32_t n;
        int64_t t;
        memcpy(&n, bytes + at + 4, 4);
        memcpy(&t, bytes + at + 8, 8);
        before_t = last_t;
        last_t = t;
        last = at;
        at += 24 + n;
    }
    char *cut = fresh_dir("replay-cut");
    mkdir(cut, 0700);
    char *cut_seg = seg ? xasprintf("%s/%s", cut, strrchr(seg, '/') + 1)
                        : NULL;
    int bad = 0, tried = 0;
    for (size_t l = last; bytes && l < len; l++) {
        FILE *f = fopen(cut_seg, "wb");
        fwrite(bytes, 1, l, f);
        fclose(f);
        uint32_t s2 = 9;
        bool n2 = false, f2 = false;
        const char *st2 = "";
        tried++;
        if (!state_at(cut, before_t, &s2, &n2, &f2, &st2, msg,
                      sizeof(msg)) || s2 != 1 || !n2 || !f2 ||
            strcmp(st2, "lost") != 0) {
            bad++;
        }
    }
    CHECK(tried > 10 && bad == 0, "cut at each of the last record's %d "
          "bytes: the moment before it replays the same (%d did not)",
          tried, bad);
    if (cut_seg) {
        unlink(cut_seg);
    }
    rmdir(cut);
    free(cut_seg);
    free(cut);
    free(bytes);
    free(seg);
    rm_rf(dir);
    free(dir);
}

int
main(void)
{
    snprintf(base, sizeof(base), "/tmp/test_journal.XXXXXX");
    if (!mkdtemp(base)) {
        perror("mkdtemp");
        return 1;
    }
    test_round_trip();
    test_segments();
    test_dictionary();
    test_torn_and_damaged();
    test_retention();
    test_write_failure();
    test_folder();
    test_redaction();
    test_replay_state();
    rmdir(base);
    return testlib_done();
}
