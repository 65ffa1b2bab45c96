/*
 * test_revisions: the book of figures the wall has shown: a changed
 * figure of a period already shown is a revision, marked for a time; a
 * new period, the same figure or a change the decimals cannot show is
 * not; memory stays bounded.
 */
#include <stdio.h>
#include <string.h>

#include "testlib.h"
#include "widgets/revisions.h"

#define HOUR (3600 * 1000LL)

static void
test_revision(void)
{
    struct revision_book *b = revision_book_create();
    struct revision r;
    const char *k = "gso/series/VN/latest/value";
    CHECK(!revision_book_show(b, k, "2026-10", 7.40, 2, 0, 24 * HOUR, &r),
          "first showing: no revision");
    CHECK(!revision_book_show(b, k, "2026-10", 7.40, 2, HOUR, 24 * HOUR, &r),
          "the same figure again: none");
    CHECK(!revision_book_show(b, k, "2026-10", 7.401, 2, HOUR, 24 * HOUR, &r),
          "a change the decimals cannot show: none");
    CHECK(revision_book_show(b, k, "2026-10", 7.52, 2, 2 * HOUR, 24 * HOUR,
                             &r) &&
              r.from == 7.40 && r.to == 7.52 && r.at_ms == 2 * HOUR &&
              strcmp(r.period, "2026-10") == 0,
          "7,40 -> 7,52 for the same period: a revision (%g -> %g)", r.from,
          r.to);
    CHECK(revision_book_peek(b, k, "2026-10", 25 * HOUR, 24 * HOUR, &r),
          "still marked 23 h later");
    CHECK(revision_book_show(b, k, "2026-10", 7.52, 2, 25 * HOUR, 24 * HOUR,
                             &r) && r.at_ms == 2 * HOUR,
          "shown again: the same revision, its time kept");
    CHECK(!revision_book_peek(b, k, "2026-10", 26 * HOUR, 24 * HOUR, &r),
          "gone after revised_for");
    CHECK(!revision_book_show(b, k, "2026-11", 7.60, 2, 27 * HOUR, 24 * HOUR,
                              &r),
          "a new period is no revision");
    CHECK(!revision_book_peek(b, k, "2026-11", 27 * HOUR, 24 * HOUR, &r),
          "and the old revision is not the new period's");
    /* Back to an older period the book remembers. */
    CHECK(revision_book_show(b, k, "2026-10", 7.55, 2, 28 * HOUR, 24 * HOUR,
                             &r) && r.from == 7.52 && r.to == 7.55,
          "October revised again: 7,52 -> 7,55");
    struct revision list[4];
    CHECK(revision_book_recent(b, 28 * HOUR, 24 * HOUR, list, 4) == 1 &&
              strcmp(list[0].key, k) == 0,
          "recent revisions listed");
    CHECK(!revision_book_show(b, k, "", 1, 2, 0, 24 * HOUR, &r) &&
              !revision_book_show(b, NULL, "2026", 1, 2, 0, 24 * HOUR, &r),
          "no period, no key: not followed");
    revision_book_destroy(b);
}

/* Thousands of values: the book keeps at most REVISIONS_MAX_KEYS, the
 * least recently shown going first. */
static void
test_bounded(void)
{
    struct revision_book *b = revision_book_create();
    struct revision r;
    char key[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "src/v%d", i);
        revision_book_show(b, key, "2026", i, 1, i, HOUR, &r);
    }
    CHECK(revision_book_keys(b) == REVISIONS_MAX_KEYS, "bounded: %zu keys",
          revision_book_keys(b));
    /* The newest are remembered: a change is seen as a revision. */
    CHECK(revision_book_show(b, "src/v4999", "2026", 1, 1, 6000, HOUR, &r),
          "newest remembered");
    CHECK(!revision_book_show(b, "src/v0", "2026", 1, 1, 6001, HOUR, &r),
          "oldest forgotten");
    /* Periods per value: a ring of REVISIONS_MAX_PERIODS. */
    for (int p = 0; p < 100; p++) {
        snprintf(key, sizeof(key), "%d", 2000 + p);
        revision_book_show(b, "src/v4999", key, p, 1, 7000 + p, HOUR, &r);
    }
    CHECK(revision_book_keys(b) == REVISIONS_MAX_KEYS, "still bounded");
    /* Many revisions, a short list: the newest ones, newest first. */
    for (int i = 4900; i < 4999; i++) {
        snprintf(key, sizeof(key), "src/v%d", i);
        revision_book_show(b, key, "2026", -1, 1, 8000 + i, HOUR, &r);
    }
    struct revision list[3];
    CHECK(revision_book_recent(b, 13000, HOUR, list, 3) == 3 &&
              strcmp(list[0].key, "src/v4998") == 0 &&
              strcmp(list[1].key, "src/v4997") == 0 &&
              strcmp(list[2].key, "src/v4996") == 0,
          "the newest three: %s %s %s", list[0].key, list[1].key,
          list[2].key);
    revision_book_destroy(b);
}

int
main(void)
{
    test_revision();
    test_bounded();
    return testlib_done();
}
