/*
 * geo_cache: province boundaries loaded once per file and shared, read
 * only, by every map widget that shows them (a scene that comes back, a
 * second map, a reloaded layout): the GeoJSON is parsed and its defects
 * reported once, not each time a map widget is made.  An entry is read
 * again when its file changes (size or modification time).  Render
 * thread only.
 */
#ifndef OPSWALL_GEO_CACHE_H
#define OPSWALL_GEO_CACHE_H

#include <stddef.h>

#include "geo/geo_json.h"

struct geo_cache;

struct geo_cache *geo_cache_create(void);
/* Frees every map; none may be in use. */
void geo_cache_destroy(struct geo_cache *c);

/* The map in the file at path, loaded (and its defects logged, naming
 * who asked) the first time; NULL with the reason in err when it cannot
 * be read (not cached: a mended file is read at the next call).  Each
 * map got is given back with geo_cache_put. */
const struct geo_map *geo_cache_get(struct geo_cache *c, const char *path,
                                    const char *who, char *err, size_t n);
void geo_cache_put(struct geo_cache *c, const struct geo_map *map);

#endif
