/*
 * revisions: a small fixed table (a wall shows tens of figures, a few
 * hundred at most), searched linearly; no hashing is worth its code here.
 */
#include "widgets/revisions.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"

#define LOG_MODULE "revisions"
#include "base/log.h"

struct shown {
    char period[48];
    long long units; /* the figure as written: round(v * 10^decimals) */
    int decimals;
    double v;
};

struct entry {
    char key[160];
    int64_t used_ms;
    struct shown periods[REVISIONS_MAX_PERIODS];
    int nperiods, next; /* a ring once full */
    bool has_rev;
    struct revision rev; /* the latest revision of this value */
};

struct revision_book {
    struct entry *e;
    size_t n;
    uint64_t found;
};

struct revision_book *
revision_book_create(void)
{
    struct revision_book *b = xcalloc(1, sizeof(*b));
    b->e = xcalloc(REVISIONS_MAX_KEYS, sizeof(*b->e));
    return b;
}

void
revision_book_destroy(struct revision_book *b)
{
    if (b) {
        free(b->e);
        free(b);
    }
}

size_t
revision_book_keys(const struct revision_book *b)
{
    return b->n;
}

static struct entry *
find(const struct revision_book *b, const char *key)
{
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->e[i].key, key) == 0) {
            return &b->e[i];
        }
    }
    return NULL;
}

static bool
active(const struct entry *e, const char *period, int64_t now_ms,
       int64_t for_ms, struct revision *out)
{
    if (!e || !e->has_rev || strcmp(e->rev.period, period) != 0 ||
        now_ms - e->rev.at_ms >= for_ms || now_ms < e->rev.at_ms) {
        return false;
    }
    if (out) {
        *out = e->rev;
    }
    return true;
}

/* Too long to key or name exactly: such a binding is not followed
 * (a wall's pointers and periods are short). */
static bool
fits(const char *key, const char *period)
{
    return strlen(key) < sizeof(((struct entry *)0)->key) &&
           strlen(period) < sizeof(((struct shown *)0)->period);
}

/* The entry of key, made (taking the least recently shown one's place
 * when full) if there is none. */
static struct entry *
entry_of(struct revision_book *b, const char *key)
{
    struct entry *e = find(b, key);
    if (!e) {
        if (b->n < REVISIONS_MAX_KEYS) {
            e = &b->e[b->n++];
        } else {
            e = &b->e[0]; /* the least recently shown */
            for (size_t i = 1; i < b->n; i++) {
                if (b->e[i].used_ms < e->used_ms) {
                    e = &b->e[i];
                }
            }
        }
        memset(e, 0, sizeof(*e));
        snprintf(e->key, sizeof(e->key), "%s", key);
    }
    return e;
}

/* The period's place in e; *fresh when it was not there (now taken). */
static struct shown *
shown_of(struct entry *e, const char *period, bool *fresh)
{
    for (int i = 0; i < e->nperiods; i++) {
        if (strcmp(e->periods[i].period, period) == 0) {
            *fresh = false;
            return &e->periods[i];
        }
    }
    struct shown *s = &e->periods[e->next];
    e->next = (e->next + 1) % REVISIONS_MAX_PERIODS;
    if (e->nperiods < REVISIONS_MAX_PERIODS) {
        e->nperiods++;
    }
    snprintf(s->period, sizeof(s->period), "%s", period);
    *fresh = true;
    return s;
}

void
revision_book_clear(struct revision_book *b)
{
    memset(b->e, 0, REVISIONS_MAX_KEYS * sizeof(*b->e));
    b->n = 0;
    b->found++; /* changed */
}

uint64_t
revision_book_found(const struct revision_book *b)
{
    return b->found;
}

void
revision_book_restore(struct revision_book *b, const struct revision *r)
{
    if (!fits(r->key, r->period) || r->decimals < 0 || r->decimals > 9 ||
        !isfinite(r->to) || fabs(r->to) * pow(10, r->decimals) > 1e17) {
        return;
    }
    struct entry *e = entry_of(b, r->key);
    if (e->used_ms < r->at_ms) {
        e->used_ms = r->at_ms;
    }
    bool fresh;
    struct shown *s = shown_of(e, r->period, &fresh);
    s->units = llround(r->to * pow(10, r->decimals));
    s->decimals = r->decimals;
    s->v = r->to;
    e->has_rev = true;
    e->rev = *r;
    b->found++;
}

bool
revision_book_show(struct revision_book *b, const char *key,
                   const char *period, double v, int decimals, int64_t now_ms,
                   int64_t for_ms, struct revision *out)
{
    if (!key || !period || !period[0] || !isfinite(v) || !fits(key, period) ||
        decimals < 0 || decimals > 9 || fabs(v) * pow(10, decimals) > 1e17) {
        return false;
    }
    struct entry *e = entry_of(b, key);
    e->used_ms = now_ms;
    long long units = llround(v * pow(10, decimals));
    bool fresh = false;
    struct shown *s = shown_of(e, period, &fresh);
    if (fresh) {
        /* A period not shown before (or forgotten): remembered now. */
        s->units = units;
        s->decimals = decimals;
        s->v = v;
    } else if (s->decimals != decimals) {
        /* Written another way (a layout changed): a new start. */
        s->units = units;
        s->decimals = decimals;
        s->v = v;
    } else if (s->units != units) {
        e->has_rev = true;
        struct revision *r = &e->rev;
        snprintf(r->key, sizeof(r->key), "%s", key);
        snprintf(r->period, sizeof(r->period), "%s", period);
        r->from = s->v;
        r->to = v;
        r->decimals = decimals;
        r->at_ms = now_ms;
        b->found++;
        LOG_INFO("revised: %s, period %s: %.*f -> %.*f", key, period,
                 decimals, s->v, decimals, v);
        s->units = units;
        s->v = v;
    }
    return active(e, period, now_ms, for_ms, out);
}

bool
revision_book_peek(const struct revision_book *b, const char *key,
                   const char *period, int64_t now_ms, int64_t for_ms,
                   struct revision *out)
{
    return key && period && active(find(b, key), period, now_ms, for_ms, out);
}

static int
newest_first(const void *a, const void *b)
{
    const struct revision *p = a, *q = b;
    return p->at_ms > q->at_ms ? -1 : p->at_ms < q->at_ms;
}

size_t
revision_book_recent(const struct revision_book *b, int64_t now_ms,
                     int64_t within_ms, struct revision *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < b->n && max > 0; i++) {
        const struct entry *e = &b->e[i];
        if (!e->has_rev || now_ms - e->rev.at_ms >= within_ms) {
            continue;
        }
        if (n < max) {
            out[n++] = e->rev;
            continue;
        }
        size_t oldest = 0; /* full: the newest max are kept */
        for (size_t k = 1; k < n; k++) {
            if (out[k].at_ms < out[oldest].at_ms) {
                oldest = k;
            }
        }
        if (e->rev.at_ms > out[oldest].at_ms) {
            out[oldest] = e->rev;
        }
    }
    qsort(out, n, sizeof(*out), newest_first);
    return n;
}
