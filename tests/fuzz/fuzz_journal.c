/*
 * fuzz_journal: libFuzzer target for the briefing record's reader: any
 * bytes as one segment are read to the end without a crash, every record
 * returned within its bounds and in the order found; damage is counted,
 * never read past; the span agrees with what reading returns.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record/journal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool cond)
{
    if (!cond) {
        abort();
    }
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
    return 0;
}
