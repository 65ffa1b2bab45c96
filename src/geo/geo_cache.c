/*
 * geo_cache: a short list of loaded maps by path (a wall shows one or
 * two: vn63, vn34), each with the file's size and time to notice edits,
 * and how many widgets use it.
 */
#define LOG_MODULE "map"
#include "geo/geo_cache.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/xalloc.h"

#define GEO_CACHE_MAX 16

struct entry {
    char *path;
    off_t size;
    struct timespec mtime;
    struct geo_map *map;
    int refs;
    bool superseded; /* its file changed since: freed when unused */
};

struct geo_cache {
    struct entry e[GEO_CACHE_MAX];
    int n;
};

struct geo_cache *
geo_cache_create(void)
{
    return xcalloc(1, sizeof(struct geo_cache));
}

static void
drop(struct geo_cache *c, int i)
{
    free(c->e[i].path);
    geo_json_free(c->e[i].map);
    free(c->e[i].map);
    memmove(&c->e[i], &c->e[i + 1], sizeof(c->e[0]) * (size_t)(c->n - i - 1));
    c->n--;
}

void
geo_cache_destroy(struct geo_cache *c)
{
    if (!c) {
        return;
    }
    while (c->n > 0) {
        drop(c, c->n - 1);
    }
    free(c);
}

const struct geo_map *
geo_cache_get(struct geo_cache *c, const char *path, const char *who,
              char *err, size_t n)
{
    struct stat st;
    bool have = stat(path, &st) == 0;
    for (int i = 0; i < c->n; i++) {
        struct entry *e = &c->e[i];
        if (e->superseded || strcmp(e->path, path) != 0) {
            continue;
        }
        if (have && st.st_size == e->size &&
            st.st_mtim.tv_sec == e->mtime.tv_sec &&
            st.st_mtim.tv_nsec == e->mtime.tv_nsec) {
            e->refs++;
            return e->map;
        }
        /* The file changed: this version stays while widgets use it. */
        e->superseded = true;
        if (e->refs == 0) {
            drop(c, i);
        }
        break;
    }
    if (c->n == GEO_CACHE_MAX) {
        snprintf(err, n, "more than %d map files in use", GEO_CACHE_MAX);
        return NULL;
    }
    struct geo_map *map = xcalloc(1, sizeof(*map));
    if (!geo_json_load(path, map, err, n)) {
        free(map);
        return NULL;
    }
    if (map->nwarnings) {
        LOG_WARN("widget \"%s\": %d defect(s) drawn as they are; first: %s "
                 "(said once for %s)", who, map->nwarnings, map->warning,
                 path);
    }
    struct entry *e = &c->e[c->n++];
    *e = (struct entry){.path = xstrdup(path), .map = map, .refs = 1};
    if (have) {
        e->size = st.st_size;
        e->mtime = st.st_mtim;
    }
    return map;
}

void
geo_cache_put(struct geo_cache *c, const struct geo_map *map)
{
    for (int i = 0; map && i < c->n; i++) {
        if (c->e[i].map == map) {
            if (--c->e[i].refs == 0 && c->e[i].superseded) {
                drop(c, i);
            }
            return;
        }
    }
}
