/*
 * source_set: an array of snapshot references with a generation counter
 * shared by all sources, so a widget's stamp changes whenever its source
 * is republished, even with identical content.
 */
#include "feeds/source_set.h"

#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "feeds/source_file.h"

struct source_set {
    const struct layout *layout;
    struct snapshot **snaps;
    size_t n;
    uint64_t generation;
};

struct source_set *
source_set_create(const struct layout *layout)
{
    struct source_set *set = xcalloc(1, sizeof(*set));
    set->layout = layout;
    set->n = layout->nsources;
    set->snaps = xcalloc(set->n ? set->n : 1, sizeof(*set->snaps));
    return set;
}

void
source_set_destroy(struct source_set *set)
{
    if (!set) {
        return;
    }
    for (size_t i = 0; i < set->n; i++) {
        snapshot_unref(set->snaps[i]);
    }
    free(set->snaps);
    free(set);
}

void
source_set_publish(struct source_set *set, size_t index, struct snapshot *s)
{
    if (index >= set->n) {
        snapshot_unref(s);
        return;
    }
    snapshot_unref(set->snaps[index]);
    set->snaps[index] = s;
}

void
source_set_load_files(struct source_set *set, int64_t now_ms)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct layout_source *src = &set->layout->sources[i];
        struct snapshot *s;
        if (strncmp(src->url, "file:", 5) == 0) {
            s = source_file_load(set->layout, src, ++set->generation, now_ms);
        } else if (!set->snaps[i]) {
            s = snapshot_create(NULL, ++set->generation, 0, 0, now_ms,
                                SOURCE_NOT_FETCHED);
        } else {
            continue;
        }
        source_set_publish(set, i, s);
    }
}

struct snapshot *const *
source_set_snapshots(const struct source_set *set)
{
    return set->snaps;
}

size_t
source_set_count(const struct source_set *set)
{
    return set->n;
}

struct source_set *
source_set_copy(const struct source_set *set)
{
    struct source_set *c = source_set_create(set->layout);
    for (size_t i = 0; i < set->n && i < c->n; i++) {
        if (set->snaps[i]) {
            source_set_publish(c, i, snapshot_ref(set->snaps[i]));
        }
    }
    return c;
}

static bool
same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool
same_source(const struct layout_source *a, const struct layout_source *b)
{
    return same_str(a->name, b->name) && same_str(a->url, b->url) &&
           a->every_ms == b->every_ms && a->timeout_ms == b->timeout_ms &&
           a->stale_after_ms == b->stale_after_ms &&
           same_str(a->as_of_pointer, b->as_of_pointer) &&
           same_str(a->format, b->format) &&
           same_str(a->number_locale, b->number_locale) &&
           same_str(a->ca_file, b->ca_file) &&
           same_str(a->client_cert, b->client_cert) &&
           same_str(a->client_key, b->client_key) &&
           ((!a->headers && !b->headers) ||
            (a->headers && b->headers &&
             cJSON_Compare(a->headers, b->headers, true)));
}

void
source_set_carry(struct source_set *set, const struct source_set *old)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct layout_source *src = &set->layout->sources[i];
        int k = layout_source_index(old->layout, src->name);
        if (k >= 0 && old->snaps[k] &&
            same_source(src, &old->layout->sources[k])) {
            source_set_publish(set, i, snapshot_ref(old->snaps[k]));
        }
    }
}
