/*
 * geo_json: province boundaries read from GeoJSON, checked, and joined to
 * data by code or by name.
 *
 * A map is a FeatureCollection whose features are Polygons or
 * MultiPolygons in WGS84 lon/lat with a code ("gso_code", else "code")
 * and a Vietnamese name ("name"; "name_ascii" optional).  Broken input
 * (wrong nesting, open rings, too few points, rings without area, empty
 * geometries, duplicate codes) is refused with the place and the reason;
 * nothing is guessed.  A ring that crosses itself is kept (drawn with the
 * even-odd rule) and reported as a warning with its place.
 *
 * Rings are stored open (the closing point dropped) with consecutive
 * duplicates removed.  Rings of the Hoàng Sa and Trường Sa archipelagos
 * (every vertex east of 109.6°E, where the mainland and its coastal
 * islands end) are flagged, so the map can always show them, labelled.
 *
 * Immutable after loading; any thread may read it.
 */
#ifndef OPSWALL_GEO_JSON_H
#define OPSWALL_GEO_JSON_H

#include <stdbool.h>
#include <stddef.h>

#define GEO_MAX_POINTS 2000000
#define GEO_MAX_FEATURES 10000

struct geo_pt {
    double x, y; /* lon, lat (degrees) */
};

enum geo_group {
    GEO_MAINLAND,   /* the mainland and its coastal islands */
    GEO_HOANG_SA,   /* the Hoàng Sa archipelago (Paracels) */
    GEO_TRUONG_SA,  /* the Trường Sa archipelago (Spratlys) */
};

struct geo_ring {
    size_t first, n;    /* points pts[first .. first + n), open */
    int feature;
    int polygon;        /* index of its polygon within the map */
    bool hole;          /* an inner ring of its polygon */
    enum geo_group group;
};

struct geo_feature {
    char *code;
    char *name;
    char *name_ascii;   /* may be NULL */
    char *key;          /* the name normalised for joins ("hanoi") */
    size_t first_ring, nrings;
};

struct geo_map {
    struct geo_feature *f;
    size_t nf;
    struct geo_ring *rings;
    size_t nrings;
    struct geo_pt *pts;
    size_t npts;
    int npolygons;
    int nwarnings;          /* defects drawn anyway (self-crossing rings) */
    char warning[400];      /* the first of them */
};

/* Parses GeoJSON text.  On failure returns false with a reason in err
 * ("features[3] (Hà Nội): geometry.coordinates[0][0]: ring is not closed")
 * and leaves map empty (safe to free). */
bool geo_json_parse(const char *text, size_t len, struct geo_map *map,
                    char *err, size_t errlen);
/* Reads and parses a file; the reason names the file. */
bool geo_json_load(const char *path, struct geo_map *map, char *err,
                   size_t errlen);
void geo_json_free(struct geo_map *map);

/*
 * The feature a data row names: its code ("01", also "1"), or its name in
 * any usual spelling: with or without diacritics, case and spaces, with
 * "Tỉnh"/"Thành phố"/"TP." in front, or an old or common form ("TP HCM",
 * "Sài Gòn", "Thừa Thiên - Huế", "Hoà Bình", "Đắc Lắc").  -1 if none.
 */
int geo_json_find(const struct geo_map *map, const char *key);

#endif
