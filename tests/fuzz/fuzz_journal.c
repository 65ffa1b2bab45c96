/*
 * fuzz_journal: libFuzzer target for the briefing record's reader: any
 * bytes as one segment are read to the end without a crash, every record
 * returned within its bounds and in the order found; damage is counted,
 * never read past; the span agrees with what reading returns.  Then the
 * replay over the same bytes: the state at its first, middle and last
 * moments and the whole timeline (epochs, layouts, streams', revisions'
 * and audit lines' JSON) without a crash or undefined behaviour.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record/journal.h"
#include "record/replay.h"
#include "record/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#include <stdio.h>

static void
check_at(bool cond, int line)
{
    if (!cond) {
        fprintf(stderr, "fuzz_journal.c:%d: check failed\n", line);
        abort();
    }
}
#define check(cond) check_at((cond), __LINE__)

static void
count_line(const struct timeline_line *l, void *arg)
{
    check(l->kind && l->text);
    (*(int *)arg)++;
}

static void
replay_all(const uint8_t *data, size_t size)
{
    struct replay *rp = replay_open_buffer(data, size);
    int64_t a, b;
    char msg[512];
    if (replay_span(rp, &a, &b)) {
        /* (Times out of order in damaged bytes: a > b is possible.) */
        const int64_t ts[3] = {a, a / 2 + b / 2, b};
        for (int i = 0; i < 3; i++) {
            if (replay_at(rp, ts[i], msg, sizeof(msg))) {
                struct frame_state fs = replay_frame_state(rp);
                check(replay_layout(rp) != NULL);
                check(fs.recorded != NULL);
            } else {
                check(msg[0] != 0);
            }
        }
        int lines = 0;
        timeline_walk(rp, INT64_MIN, INT64_MAX, count_line, &lines, msg,
                      sizeof(msg));
    }
    replay_destroy(rp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct journal_reader *r = journal_reader_open_buffer(data, size);
    int64_t first = 0, last = 0;
    bool any = journal_reader_span(r, &first, &last);
    struct journal_record rec;
    int got, n = 0;
    int64_t first_read = 0, last_read = 0;
    size_t total = 0;
    while ((got = journal_reader_next(r, &rec, NULL, 0)) != 0) {
        if (got < 0) {
            continue;
        }
        check(rec.len <= JOURNAL_MAX_RECORD);
        check((rec.flags & ~JOURNAL_FLAG_KEY) == 0);
        if (rec.len) {
            /* Touch every byte (ASan: within what the reader owns). */
            volatile unsigned char sum = 0;
            for (size_t i = 0; i < rec.len; i++) {
                sum ^= rec.data[i];
            }
            (void)sum;
        }
        if (n == 0) {
            first_read = rec.t_ms;
        }
        last_read = rec.t_ms;
        total += rec.len;
        n++;
    }
    check(any == (n > 0));
    check(!any || (first == first_read && last == last_read));
    uint64_t db, dp;
    journal_reader_damage(r, &db, &dp);
    check(db <= size);
    /* A seek anywhere and a second read give the same count. */
    journal_reader_seek(r, first);
    int again = 0;
    while ((got = journal_reader_next(r, &rec, NULL, 0)) != 0) {
        again += got > 0;
    }
    check(again == n);
    journal_reader_destroy(r);
    (void)total;
    replay_all(data, size);
    return 0;
}
