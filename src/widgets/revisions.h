/*
 * revisions: what the wall last showed for each period of each bound
 * value, so that a published figure that changes (the same period, a
 * different number: a revision) is said on the wall, "đã điều chỉnh: 7,40
 * → 7,52", for a time the layout sets, and recorded in the log and in
 * /api/state, instead of changing silently.
 *
 * A value is keyed by its binding (source and pointer), so the book
 * survives a layout reload (the app owns it, walls borrow it) and the
 * same figure on two scenes is one figure.  Memory is bounded: at most
 * REVISIONS_MAX_KEYS values (the least recently shown goes first), each
 * remembering its last REVISIONS_MAX_PERIODS periods.  Figures are
 * compared as written (at the widget's decimal places): a change the
 * wall cannot show is no revision.  Render thread only.
 */
#ifndef OPSWALL_REVISIONS_H
#define OPSWALL_REVISIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REVISIONS_MAX_KEYS 512
#define REVISIONS_MAX_PERIODS 16
#define REVISIONS_DEFAULT_MS (24 * 3600 * 1000LL)

struct revision {
    char key[160];    /* the binding: "source/pointer" */
    char period[48];  /* as the source gives it ("2026-10") */
    double from, to;  /* as shown before, and now */
    int decimals;     /* as written */
    int64_t at_ms;    /* when the wall first showed the new figure */
};

struct revision_book;

struct revision_book *revision_book_create(void);
void revision_book_destroy(struct revision_book *b);

/*
 * The wall shows v for period of key at now_ms.  Returns true with *out
 * when the latest revision of this key is of this period and no older
 * than for_ms: the one found now (logged), or an earlier one.
 */
bool revision_book_show(struct revision_book *b, const char *key,
                        const char *period, double v, int decimals,
                        int64_t now_ms, int64_t for_ms,
                        struct revision *out);

/* The same without recording anything (for stamps and next changes). */
bool revision_book_peek(const struct revision_book *b, const char *key,
                        const char *period, int64_t now_ms, int64_t for_ms,
                        struct revision *out);

/* The revisions found at most within_ms before now_ms, newest first: the
 * newest max written to out; returns the count. */
size_t revision_book_recent(const struct revision_book *b, int64_t now_ms,
                            int64_t within_ms, struct revision *out,
                            size_t max);

/* How many revisions the book has found since it was made (it only
 * grows): the briefing record writes the book's revisions when it
 * changes. */
uint64_t revision_book_found(const struct revision_book *b);

/* Puts back a revision the book had (opswall replay, from the record):
 * afterwards the value is known as showing r->to for r->period, with r
 * as its latest revision.  Counts as found. */
void revision_book_restore(struct revision_book *b, const struct revision *r);

/* Forgets everything (the book stays valid for whoever holds it). */
void revision_book_clear(struct revision_book *b);

/* Values the book remembers (for tests and metrics). */
size_t revision_book_keys(const struct revision_book *b);

#endif
