/*
 * fuzz_geojson: libFuzzer target for the map loader: any bytes parsed as
 * GeoJSON; what loads is then joined, and projected and simplified at two
 * sizes as the map widget does, with the invariants checked on the way.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "geo/geo_shape.h"

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
    struct geo_map m;
    char err[512];
    if (!geo_json_parse((const char *)data, size, &m, err, sizeof(err))) {
        check(err[0] != '\0' && m.nf == 0 && m.pts == NULL);
        geo_json_free(&m);
        return 0;
    }
    check(m.nf > 0);
    size_t total = 0;
    for (size_t r = 0; r < m.nrings; r++) {
        check(m.rings[r].n >= 3);
        check(m.rings[r].first + m.rings[r].n <= m.npts);
        check(m.rings[r].feature >= 0 && (size_t)m.rings[r].feature < m.nf);
        total += m.rings[r].n;
    }
    check(total == m.npts);
    for (size_t f = 0; f < m.nf; f++) {
        check(m.f[f].nrings > 0 &&
              m.f[f].first_ring + m.f[f].nrings <= m.nrings);
        check(geo_json_find(&m, m.f[f].code) >= 0);
        (void)geo_json_find(&m, m.f[f].name);
    }
    (void)geo_json_find(&m, "TP HCM");
    unsigned char *j = geo_shape_junctions(&m);
    static const struct geo_shape_opts opts[] = {
        {0, 0, 3, 2, true, 0.6},
        {10, 10, 300, 500, false, 1.5},
    };
    for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
        struct geo_shape *s = geo_shape_build(&m, j, &opts[o]);
        check(s->nrings == m.nrings && s->npts <= m.npts);
        for (size_t r = 0; r < s->nrings; r++) {
            check(s->rings[r].n >= 3 || s->rings[r].n == m.rings[r].n);
        }
        for (size_t f = 0; f < m.nf; f++) {
            check(!isnan(s->anchor_r[f]));
        }
        geo_shape_free(s);
    }
    free(j);
    geo_json_free(&m);
    return 0;
}
