/*
 * geo_json: GeoJSON province boundaries, validated as they are read.
 *
 * cJSON parses the text; this file walks Polygon / MultiPolygon nesting
 * by hand so every error can say where it is.  Self-intersection is
 * checked per ring with segments sorted by x (a sweep that skips pairs
 * whose x ranges do not overlap): fine for province rings of a few
 * hundred points, and bounded by GEO_MAX_POINTS for hostile input.
 */
#include "geo/geo_json.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <uninorm.h>

#include "base/xalloc.h"

/* Rings entirely east of this longitude are the archipelagos. */
#define GEO_ARCHIPELAGO_LON 109.6

struct builder {
    struct geo_map *m;
    size_t cap_pts, cap_rings, cap_f;
    char *err;
    size_t errlen;
    char where[256];
};

static bool fail(struct builder *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static bool
fail(struct builder *b, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    snprintf(b->err, b->errlen, "%s: %s", b->where, msg);
    return false;
}

static const char *
type_of(const cJSON *n)
{
    if (!n) {
        return "nothing";
    }
    if (cJSON_IsArray(n)) {
        return "an array";
    }
    if (cJSON_IsObject(n)) {
        return "an object";
    }
    if (cJSON_IsNumber(n)) {
        return "a number";
    }
    if (cJSON_IsString(n)) {
        return "a string";
    }
    return "null or a boolean";
}

static bool
read_position(struct builder *b, const cJSON *p, struct geo_pt *out)
{
    if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) < 2) {
        return fail(b, "a position must be [lon, lat], not %s", type_of(p));
    }
    const cJSON *x = p->child, *y = p->child->next;
    if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y)) {
        return fail(b, "a position must hold two numbers");
    }
    out->x = x->valuedouble;
    out->y = y->valuedouble;
    if (!isfinite(out->x) || !isfinite(out->y) || fabs(out->x) > 180 ||
        fabs(out->y) > 90) {
        return fail(b, "position %g, %g is not a longitude, latitude",
                    out->x, out->y);
    }
    return true;
}

static int
orient(struct geo_pt a, struct geo_pt b, struct geo_pt c)
{
    double v = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    return v > 0 ? 1 : v < 0 ? -1 : 0;
}

static bool
on_segment(struct geo_pt a, struct geo_pt b, struct geo_pt p)
{
    return fmin(a.x, b.x) <= p.x && p.x <= fmax(a.x, b.x) &&
           fmin(a.y, b.y) <= p.y && p.y <= fmax(a.y, b.y);
}

static bool
segments_cross(struct geo_pt a, struct geo_pt b, struct geo_pt c,
               struct geo_pt d)
{
    int o1 = orient(a, b, c), o2 = orient(a, b, d);
    int o3 = orient(c, d, a), o4 = orient(c, d, b);
    if (o1 != o2 && o3 != o4) {
        return true;
    }
    return (o1 == 0 && on_segment(a, b, c)) ||
           (o2 == 0 && on_segment(a, b, d)) ||
           (o3 == 0 && on_segment(c, d, a)) ||
           (o4 == 0 && on_segment(c, d, b));
}

struct seg {
    double x0, x1;
    size_t i; /* segment from point i to i + 1 (mod n) */
};

static int
cmp_seg(const void *a, const void *b)
{
    const struct seg *p = a, *q = b;
    return p->x0 < q->x0 ? -1 : p->x0 > q->x0;
}

/* Whether two non-adjacent edges of the ring cross or touch; *at is a
 * point of the first such edge. */
static bool
ring_self_intersects(const struct geo_pt *pt, size_t n, struct geo_pt *at)
{
    struct seg *s = xcalloc(n, sizeof(*s));
    for (size_t i = 0; i < n; i++) {
        struct geo_pt a = pt[i], c = pt[(i + 1) % n];
        s[i] = (struct seg){fmin(a.x, c.x), fmax(a.x, c.x), i};
    }
    qsort(s, n, sizeof(*s), cmp_seg);
    bool hit = false;
    for (size_t i = 0; i < n && !hit; i++) {
        for (size_t j = i + 1; j < n && s[j].x0 <= s[i].x1; j++) {
            size_t a = s[i].i, c = s[j].i;
            size_t d = a > c ? a - c : c - a;
            if (d == 1 || d == n - 1) {
                continue; /* neighbours share a point */
            }
            if (segments_cross(pt[a], pt[(a + 1) % n], pt[c],
                               pt[(c + 1) % n])) {
                *at = pt[a];
                hit = true;
                break;
            }
        }
    }
    free(s);
    return hit;
}

static double
ring_area2(const struct geo_pt *pt, size_t n)
{
    double a = 0;
    for (size_t i = 0; i < n; i++) {
        const struct geo_pt *p = &pt[i], *q = &pt[(i + 1) % n];
        a += p->x * q->y - q->x * p->y;
    }
    return a;
}

static bool
read_ring(struct builder *b, const cJSON *ring, int feature, int polygon,
          bool hole)
{
    struct geo_map *m = b->m;
    if (!cJSON_IsArray(ring)) {
        return fail(b, "a ring must be an array of positions, not %s",
                    type_of(ring));
    }
    if (cJSON_IsNumber(ring->child)) {
        return fail(b, "a position where a ring was expected (wrong nesting: "
                    "a Polygon is [ring, ...], a MultiPolygon [[ring, ...], "
                    "...], a ring [[lon, lat], ...])");
    }
    int count = cJSON_GetArraySize(ring);
    if (count < 4) {
        return fail(b, "a ring needs at least 4 positions (3 corners and the "
                    "first again), it has %d", count);
    }
    if (m->npts + (size_t)count > GEO_MAX_POINTS) {
        return fail(b, "more than %d points in the map", GEO_MAX_POINTS);
    }
    if (m->npts + (size_t)count > b->cap_pts) {
        b->cap_pts = (m->npts + (size_t)count) * 2;
        m->pts = xreallocarray(m->pts, b->cap_pts, sizeof(*m->pts));
    }
    size_t first = m->npts, n = 0;
    struct geo_pt p0 = {0}, last = {0};
    for (const cJSON *p = ring->child; p; p = p->next) {
        struct geo_pt q;
        if (!read_position(b, p, &q)) {
            return false;
        }
        if (p == ring->child) {
            p0 = q;
        }
        last = q;
        if (n > 0 && m->pts[first + n - 1].x == q.x &&
            m->pts[first + n - 1].y == q.y) {
            continue; /* consecutive duplicate */
        }
        m->pts[first + n++] = q;
    }
    if (p0.x != last.x || p0.y != last.y) {
        return fail(b, "ring is not closed (starts at %g, %g, ends at %g, "
                    "%g)", p0.x, p0.y, last.x, last.y);
    }
    n--; /* the closing point */
    if (n < 3) {
        return fail(b, "ring has fewer than 3 distinct corners");
    }
    if (ring_area2(&m->pts[first], n) == 0) {
        return fail(b, "ring has no area (its points are on one line)");
    }
    /* A ring that crosses itself is drawn as it is (even-odd fill) and
     * reported: the shipped boundaries have such knots of a few metres,
     * left by rounding to 4 decimals, and refusing the map for them
     * would leave the wall without it. */
    struct geo_pt at;
    if (ring_self_intersects(&m->pts[first], n, &at)) {
        if (m->nwarnings++ == 0) {
            snprintf(m->warning, sizeof(m->warning), "%.200s: ring crosses "
                     "itself near %g, %g (drawn as it is)", b->where, at.x,
                     at.y);
        }
    }
    if (m->nrings == b->cap_rings) {
        b->cap_rings = b->cap_rings ? b->cap_rings * 2 : 64;
        m->rings = xreallocarray(m->rings, b->cap_rings, sizeof(*m->rings));
    }
    double west = 180;
    double lat = 0;
    for (size_t i = 0; i < n; i++) {
        west = fmin(west, m->pts[first + i].x);
        lat += m->pts[first + i].y / (double)n;
    }
    enum geo_group g = GEO_MAINLAND;
    if (west > GEO_ARCHIPELAGO_LON) {
        g = lat > 13 ? GEO_HOANG_SA : GEO_TRUONG_SA;
    }
    m->rings[m->nrings++] = (struct geo_ring){first, n, feature, polygon,
                                              hole, g};
    m->npts += n;
    return true;
}

static bool
read_polygon(struct builder *b, const cJSON *poly, int feature,
             const char *base)
{
    if (!cJSON_IsArray(poly) || !poly->child) {
        return fail(b, "a polygon must be a non-empty array of rings, not "
                    "%s", poly && cJSON_IsArray(poly) ? "an empty array"
                                                      : type_of(poly));
    }
    int polygon = b->m->npolygons++;
    int r = 0;
    for (const cJSON *ring = poly->child; ring; ring = ring->next, r++) {
        char saved[256];
        snprintf(saved, sizeof(saved), "%.200s", b->where);
        snprintf(b->where, sizeof(b->where), "%.200s[%d]", base, r);
        if (!read_ring(b, ring, feature, polygon, r > 0)) {
            return false;
        }
        snprintf(b->where, sizeof(b->where), "%.200s", saved);
    }
    return true;
}

static const char *
prop_str(const cJSON *props, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, key);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* Lower-case ASCII letters and digits of a name, diacritics removed
 * ("Thừa Thiên - Huế" -> "thuathienhue"); "đ" is "d". */
static char *
normalise(const char *s)
{
    size_t n = 0;
    uint8_t *d = u8_normalize(UNINORM_NFD, (const uint8_t *)s, strlen(s),
                              NULL, &n);
    char *out = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; d && i < n; i++) {
        unsigned char c = d[i];
        if (c == 0xC4 && i + 1 < n && (d[i + 1] == 0x90 || d[i + 1] == 0x91)) {
            out[k++] = 'd'; /* Đ U+0110, đ U+0111 */
            i++;
        } else if (c < 0x80 && isalnum(c)) {
            out[k++] = (char)tolower(c);
        }
        /* Other bytes: combining marks and punctuation, dropped. */
    }
    out[k] = '\0';
    free(d);
    return out;
}

static bool
read_feature(struct builder *b, const cJSON *ft, int index)
{
    struct geo_map *m = b->m;
    snprintf(b->where, sizeof(b->where), "features[%d]", index);
    if (!cJSON_IsObject(ft)) {
        return fail(b, "a feature must be an object, not %s", type_of(ft));
    }
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(ft, "properties");
    const char *code = prop_str(props, "gso_code");
    code = code ? code : prop_str(props, "code");
    const char *name = prop_str(props, "name");
    if (!code) {
        return fail(b, "properties have no \"gso_code\" or \"code\"");
    }
    if (!name) {
        return fail(b, "properties have no \"name\"");
    }
    for (size_t i = 0; i < m->nf; i++) {
        if (strcmp(m->f[i].code, code) == 0) {
            return fail(b, "code \"%s\" is also features[%zu]'s", code, i);
        }
    }
    snprintf(b->where, sizeof(b->where), "features[%d] (%s)", index, name);
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(ft, "geometry");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(g, "type");
    const cJSON *coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
    if (!cJSON_IsObject(g) || !cJSON_IsString(type)) {
        return fail(b, "no geometry (an empty geometry cannot be drawn)");
    }
    bool multi = strcmp(type->valuestring, "MultiPolygon") == 0;
    if (!multi && strcmp(type->valuestring, "Polygon") != 0) {
        return fail(b, "geometry is a %s; a province must be a Polygon or "
                    "MultiPolygon", type->valuestring);
    }
    if (!cJSON_IsArray(coords) || !coords->child) {
        return fail(b, "geometry.coordinates is empty (an empty geometry "
                    "cannot be drawn)");
    }
    if (m->nf == b->cap_f) {
        b->cap_f = b->cap_f ? b->cap_f * 2 : 64;
        m->f = xreallocarray(m->f, b->cap_f, sizeof(*m->f));
    }
    struct geo_feature *f = &m->f[m->nf];
    memset(f, 0, sizeof(*f));
    f->first_ring = m->nrings;
    char prefix[256];
    snprintf(prefix, sizeof(prefix), "%.180s", b->where);
    if (multi) {
        int p = 0;
        for (const cJSON *poly = coords->child; poly; poly = poly->next, p++) {
            char base[256];
            snprintf(base, sizeof(base), "%.180s: geometry.coordinates[%d]",
                     prefix, p);
            snprintf(b->where, sizeof(b->where), "%.200s", base);
            if (!read_polygon(b, poly, (int)m->nf, base)) {
                return false;
            }
        }
    } else {
        char base[256];
        snprintf(base, sizeof(base), "%.180s: geometry.coordinates", prefix);
        snprintf(b->where, sizeof(b->where), "%.200s", base);
        if (!read_polygon(b, coords, (int)m->nf, base)) {
            return false;
        }
    }
    f->nrings = m->nrings - f->first_ring;
    f->code = xstrdup(code);
    f->name = xstrdup(name);
    const char *ascii = prop_str(props, "name_ascii");
    f->name_ascii = ascii ? xstrdup(ascii) : NULL;
    f->key = normalise(name);
    m->nf++;
    return true;
}

bool
geo_json_parse(const char *text, size_t len, struct geo_map *map, char *err,
               size_t errlen)
{
    memset(map, 0, sizeof(*map));
    struct builder b = {.m = map, .err = err, .errlen = errlen};
    snprintf(b.where, sizeof(b.where), "map");
    cJSON *root = cJSON_ParseWithLength(text, len);
    if (!root) {
        fail(&b, "not JSON (near byte %td)",
             cJSON_GetErrorPtr() ? cJSON_GetErrorPtr() - text : 0);
        return false;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
    const cJSON *fts = cJSON_GetObjectItemCaseSensitive(root, "features");
    bool ok = true;
    if (!cJSON_IsString(type) ||
        strcmp(type->valuestring, "FeatureCollection") != 0 ||
        !cJSON_IsArray(fts)) {
        ok = fail(&b, "not a GeoJSON FeatureCollection with \"features\"");
    } else if (!fts->child) {
        ok = fail(&b, "the FeatureCollection has no features");
    } else if (cJSON_GetArraySize(fts) > GEO_MAX_FEATURES) {
        ok = fail(&b, "more than %d features", GEO_MAX_FEATURES);
    }
    int i = 0;
    for (const cJSON *ft = ok ? fts->child : NULL; ft && ok;
         ft = ft->next, i++) {
        ok = read_feature(&b, ft, i);
    }
    cJSON_Delete(root);
    if (!ok) {
        geo_json_free(map);
    }
    return ok;
}

bool
geo_json_load(const char *path, struct geo_map *map, char *err,
              size_t errlen)
{
    memset(map, 0, sizeof(*map));
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return false;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 65536 > cap) {
            cap = (len + 65536) * 2;
            if (cap > (size_t)256 << 20) {
                snprintf(err, errlen, "%s: larger than 256 MiB", path);
                free(buf);
                fclose(fp);
                return false;
            }
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0) {
            break;
        }
    }
    bool rd_err = ferror(fp);
    fclose(fp);
    if (rd_err) {
        snprintf(err, errlen, "%s: read error", path);
        free(buf);
        return false;
    }
    char inner[384];
    bool ok = geo_json_parse(buf, len, map, inner, sizeof(inner));
    free(buf);
    if (!ok) {
        snprintf(err, errlen, "%s: %s", path, inner);
    }
    return ok;
}

void
geo_json_free(struct geo_map *map)
{
    for (size_t i = 0; i < map->nf; i++) {
        free(map->f[i].code);
        free(map->f[i].name);
        free(map->f[i].name_ascii);
        free(map->f[i].key);
    }
    free(map->f);
    free(map->rings);
    free(map->pts);
    memset(map, 0, sizeof(*map));
}

/* Other names in use, normalised, for the normalised official name. */
static const char *const aliases[][2] = {
    {"hcm", "hochiminh"},        {"hcmc", "hochiminh"},
    {"saigon", "hochiminh"},     {"hochiminhcity", "hochiminh"},
    {"hue", "thuathienhue"},     {"thuathienhue", "hue"},
    {"daclac", "daklak"},        {"daklak", "daklak"},
    {"dacnong", "daknong"},      {"brvt", "bariavungtau"},
    {"vungtau", "bariavungtau"}, {"hn", "hanoi"},
};

static bool
name_is(const struct geo_feature *f, const char *norm)
{
    return strcmp(f->key, norm) == 0;
}

int
geo_json_find(const struct geo_map *map, const char *key)
{
    if (!key || !key[0]) {
        return -1;
    }
    for (size_t i = 0; i < map->nf; i++) {
        if (strcmp(map->f[i].code, key) == 0) {
            return (int)i;
        }
    }
    /* "1" for "01". */
    char *end;
    long num = strtol(key, &end, 10);
    if (*end == '\0' && end != key && num >= 0 && num < 1000) {
        for (size_t i = 0; i < map->nf; i++) {
            char *e2;
            long c = strtol(map->f[i].code, &e2, 10);
            if (*e2 == '\0' && c == num) {
                return (int)i;
            }
        }
        return -1;
    }
    char *norm = normalise(key);
    /* Administrative prefixes: "Tỉnh X", "Thành phố X", "TP. X". */
    const char *k = norm;
    static const char *const prefixes[] = {"thanhpho", "tinh", "tp"};
    for (size_t p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
        size_t pl = strlen(prefixes[p]);
        if (strncmp(k, prefixes[p], pl) == 0 && k[pl]) {
            k += pl;
            break;
        }
    }
    int found = -1;
    for (size_t i = 0; i < map->nf && found < 0; i++) {
        if (name_is(&map->f[i], k)) {
            found = (int)i;
        }
    }
    for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]) && found < 0;
         a++) {
        if (strcmp(k, aliases[a][0]) != 0) {
            continue;
        }
        for (size_t i = 0; i < map->nf && found < 0; i++) {
            if (name_is(&map->f[i], aliases[a][1])) {
                found = (int)i;
            }
        }
    }
    free(norm);
    return found;
}
