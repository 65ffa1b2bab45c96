/*
 * test_geo: the GeoJSON loader (broken input refused with its place and
 * reason), joins by code and by name, projection, topology-keeping
 * simplification (no gaps, no overlaps between neighbours when filled),
 * label anchors, and choropleth classes.
 *   test_geo SOURCE_DIR
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>

#include "base/file.h"
#include "base/xalloc.h"
#include "chart/chart_class.h"
#include "geo/geo_cache.h"
#include "geo/geo_shape.h"
#include "testlib.h"

static const char *src_dir;

#define SQUARE "[[0,10],[1,10],[1,11],[0,11],[0,10]]"
#define FC(features) "{\"type\":\"FeatureCollection\",\"features\":[" \
    features "]}"
#define FEAT(code, geom) "{\"type\":\"Feature\",\"properties\":{\"gso_code\":" \
    "\"" code "\",\"name\":\"T" code "\"},\"geometry\":" geom "}"
#define POLY(rings) "{\"type\":\"Polygon\",\"coordinates\":[" rings "]}"

struct bad_case {
    const char *text;
    const char *want; /* substring of the error */
};

static void
test_broken(void)
{
    static const struct bad_case cases[] = {
        {"{", "not JSON"},
        {"{\"type\":\"Feature\"}", "not a GeoJSON FeatureCollection"},
        {FC(""), "has no features"},
        {FC("{\"properties\":{\"name\":\"A\"},\"geometry\":" POLY(SQUARE) "}"),
         "features[0]: properties have no \"gso_code\" or \"code\""},
        {FC(FEAT("01", POLY(SQUARE)) "," FEAT("01", POLY(SQUARE))),
         "features[1]: code \"01\" is also features[0]'s"},
        {FC(FEAT("01", "{\"type\":\"Point\",\"coordinates\":[1,2]}")),
         "features[0] (T01): geometry is a Point"},
        {FC(FEAT("01", "null")), "features[0] (T01): no geometry"},
        {FC(FEAT("01", POLY(""))), "geometry.coordinates is empty"},
        {FC(FEAT("01", POLY("[[0,10],[1,10],[1,11],[0,11],[0,10.5]]"))),
         "geometry.coordinates[0]: ring is not closed (starts at 0, 10, "
         "ends at 0, 10.5)"},
        {FC(FEAT("01", POLY("[[0,10],[1,10],[0,10]]"))),
         "a ring needs at least 4 positions"},
        /* A MultiPolygon written with a Polygon's nesting. */
        {FC(FEAT("01", "{\"type\":\"MultiPolygon\",\"coordinates\":["
                       SQUARE "]}")),
         "geometry.coordinates[0][0]: a position where a ring was expected "
         "(wrong nesting"},
        {FC(FEAT("01", POLY("[[0,10],[1,10],[1,91],[0,10]]"))),
         "position 1, 91 is not a longitude, latitude"},
        {FC(FEAT("01", POLY("[[0,10],[1,10],[2,10],[0,10]]"))),
         "ring has no area"},
        {FC(FEAT("01", POLY("[[0,10],[0,10],[1,10],[0,10]]"))),
         "ring has fewer than 3 distinct corners"},
        {FC(FEAT("01", POLY("[[0,10],[\"a\",10],[1,11],[0,10]]"))),
         "a position must hold two numbers"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct geo_map m;
        char err[512] = "";
        bool ok = geo_json_parse(cases[i].text, strlen(cases[i].text), &m,
                                 err, sizeof(err));
        CHECK(!ok && strstr(err, cases[i].want), "case %zu refused with "
              "\"%s\": got %s \"%s\"", i, cases[i].want, ok ? "ok" : "error",
              err);
        CHECK(m.nf == 0 && m.pts == NULL, "case %zu leaves the map empty", i);
        geo_json_free(&m);
    }
    /* A bow-tie is drawn, and reported. */
    const char *bow = FC(FEAT("01", POLY("[[0,10],[2,12],[2,10],[0,11],"
                                         "[0,10]]")));
    struct geo_map m;
    char err[512] = "";
    bool ok = geo_json_parse(bow, strlen(bow), &m, err, sizeof(err));
    CHECK(ok && m.nwarnings == 1 && strstr(m.warning, "ring crosses itself"),
          "a self-crossing ring is kept with a warning: %s / %s", err,
          m.warning);
    geo_json_free(&m);
    /* Holes and a plain Polygon. */
    const char *holed = FC(FEAT("07", POLY("[[0,10],[4,10],[4,14],[0,14],"
                                           "[0,10]],[[1,11],[2,11],[2,12],"
                                           "[1,12],[1,11]]")));
    ok = geo_json_parse(holed, strlen(holed), &m, err, sizeof(err));
    CHECK(ok && m.nrings == 2 && !m.rings[0].hole && m.rings[1].hole &&
          m.rings[0].n == 4, "a polygon with a hole: outer ring open, 4 "
          "points; inner ring a hole");
    geo_json_free(&m);
}

static struct geo_map
load_map(const char *name)
{
    struct geo_map m;
    char err[512];
    char *path = xasprintf("%s/assets/maps/%s", src_dir, name);
    bool ok = geo_json_load(path, &m, err, sizeof(err));
    CHECK(ok, "%s loads: %s", name, ok ? "" : err);
    free(path);
    return m;
}

static void
test_shipped(void)
{
    struct geo_map m63 = load_map("vn63_provinces.geojson");
    struct geo_map m34 = load_map("vn34_provinces.geojson");
    CHECK(m63.nf == 63 && m34.nf == 34, "63 and 34 units (%zu, %zu)",
          m63.nf, m34.nf);
    for (int k = 0; k < 2; k++) {
        const struct geo_map *m = k ? &m34 : &m63;
        int hs = 0, ts = 0;
        for (size_t r = 0; r < m->nrings; r++) {
            hs += m->rings[r].group == GEO_HOANG_SA;
            ts += m->rings[r].group == GEO_TRUONG_SA;
        }
        CHECK(hs == 6 && ts == 7, "map %d: Hoàng Sa 6 and Trường Sa 7 "
              "island rings (%d, %d)", k, hs, ts);
    }
    /* Joins: codes, and names as people write them. */
    static const struct {
        const char *key;
        const char *name;
    } joins[] = {
        {"01", "Hà Nội"},          {"1", "Hà Nội"},
        {"ha noi", "Hà Nội"},      {"HÀ NỘI", "Hà Nội"},
        {"Thành phố Hồ Chí Minh", "Hồ Chí Minh"},
        {"TP HCM", "Hồ Chí Minh"}, {"TP. Hồ Chí Minh", "Hồ Chí Minh"},
        {"Sài Gòn", "Hồ Chí Minh"}, {"Thừa Thiên - Huế", "Thừa Thiên Huế"},
        {"Hue", "Thừa Thiên Huế"}, {"Hoà Bình", "Hòa Bình"},
        {"Đắc Lắc", "Đắk Lắk"},     {"Tỉnh Bà Rịa–Vũng Tàu", "Bà Rịa - Vũng Tàu"},
        {"Dak Nong", "Đắk Nông"},   {"Quang Ninh", "Quảng Ninh"},
    };
    for (size_t i = 0; i < sizeof(joins) / sizeof(joins[0]); i++) {
        int f = geo_json_find(&m63, joins[i].key);
        CHECK(f >= 0 && strcmp(m63.f[f].name, joins[i].name) == 0,
              "\"%s\" joins %s (got %s)", joins[i].key, joins[i].name,
              f >= 0 ? m63.f[f].name : "nothing");
    }
    CHECK(geo_json_find(&m63, "99") < 0 && geo_json_find(&m63, "") < 0 &&
          geo_json_find(&m63, "Atlantis") < 0 &&
          geo_json_find(&m63, "Hà") < 0, "unknown keys join nothing");
    int hue34 = geo_json_find(&m34, "Thừa Thiên Huế");
    CHECK(hue34 >= 0 && strcmp(m34.f[hue34].name, "Huế") == 0,
          "the old name finds the new city of Huế on the 34 map");
    geo_json_free(&m63);
    geo_json_free(&m34);
}

static void
test_projection(void)
{
    struct geo_map m = load_map("vn63_provinces.geojson");
    unsigned char *j = geo_shape_junctions(&m);
    struct geo_shape_opts o = {10, 20, 600, 900, true, 0};
    struct geo_shape *s = geo_shape_build(&m, j, &o);
    struct geo_pt a = geo_shape_project(s, &m, 105, 21);
    struct geo_pt b = geo_shape_project(s, &m, 106, 20);
    CHECK(b.x > a.x && b.y > a.y, "east is right, south is down");
    CHECK(fabs((b.x - a.x) / (b.y - a.y) - cos(16 * M_PI / 180)) < 1e-9,
          "a degree of longitude is cos 16° of a degree of latitude: %g",
          (b.x - a.x) / (b.y - a.y));
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    for (size_t i = 0; i < s->npts; i++) {
        x0 = fmin(x0, s->pts[i].x);
        x1 = fmax(x1, s->pts[i].x);
        y0 = fmin(y0, s->pts[i].y);
        y1 = fmax(y1, s->pts[i].y);
    }
    CHECK(x0 >= 10 - 1e-6 && x1 <= 610 + 1e-6 && y0 >= 20 - 1e-6 &&
          y1 <= 920 + 1e-6, "fits the rectangle: %.1f..%.1f x %.1f..%.1f",
          x0, x1, y0, y1);
    CHECK(s->group_box[GEO_HOANG_SA].x0 < s->group_box[GEO_TRUONG_SA].x1 &&
          s->group_box[GEO_HOANG_SA].x1 > s->group_box[GEO_MAINLAND].x1 - 200,
          "inset: the archipelagos sit next to the coast");
    CHECK(geo_shape_aspect(&m, true) < geo_shape_aspect(&m, false),
          "insets make the map narrower (%.2f < %.2f)",
          geo_shape_aspect(&m, true), geo_shape_aspect(&m, false));
    geo_shape_free(s);
    free(j);
    geo_json_free(&m);
}

/* Fills every province without antialiasing, counting how many cover
 * each pixel: *overlap pixels covered twice, *gaps uncovered pixels
 * enclosed by covered ones. */
static void
raster_defects(const struct geo_map *m, const struct geo_shape *s, int w,
               int h, int *overlap, int *gaps)
{
    int *count = xcalloc((size_t)w * h, sizeof(*count));
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
    int stride = cairo_image_surface_get_stride(surf);
    for (size_t f = 0; f < m->nf; f++) {
        cairo_t *cr = cairo_create(surf);
        cairo_set_operator(cr, CAIRO_OPERATOR_CLEAR);
        cairo_paint(cr);
        cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
        cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        const struct geo_feature *ft = &m->f[f];
        for (size_t r = ft->first_ring; r < ft->first_ring + ft->nrings;
             r++) {
            const struct geo_shape_ring *sr = &s->rings[r];
            if (sr->group != GEO_MAINLAND) {
                continue;
            }
            cairo_move_to(cr, s->pts[sr->first].x, s->pts[sr->first].y);
            for (size_t k = 1; k < sr->n; k++) {
                cairo_line_to(cr, s->pts[sr->first + k].x,
                              s->pts[sr->first + k].y);
            }
            cairo_close_path(cr);
        }
        cairo_set_source_rgba(cr, 0, 0, 0, 1);
        cairo_fill(cr);
        cairo_destroy(cr);
        cairo_surface_flush(surf);
        const unsigned char *px = cairo_image_surface_get_data(surf);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                count[y * w + x] += px[y * stride + x] ? 1 : 0;
            }
        }
    }
    *overlap = *gaps = 0;
    for (int y = 1; y < h - 1; y++) {
        for (int x = 1; x < w - 1; x++) {
            int c = count[y * w + x];
            *overlap += c > 1;
            if (c == 0 && count[y * w + x - 1] && count[y * w + x + 1] &&
                count[(y - 1) * w + x] && count[(y + 1) * w + x]) {
                (*gaps)++;
            }
        }
    }
    cairo_surface_destroy(surf);
    free(count);
}

struct ring_pt {
    size_t ring;
    double x, y;
};

static int
cmp_ring_pt(const void *a, const void *b)
{
    const struct ring_pt *p = a, *q = b;
    if (p->ring != q->ring) {
        return p->ring < q->ring ? -1 : 1;
    }
    if (p->x != q->x) {
        return p->x < q->x ? -1 : 1;
    }
    return p->y < q->y ? -1 : p->y > q->y;
}

/*
 * Topology: a source vertex shared by several mainland rings is kept by
 * all of them or by none, so neighbours keep the same border and
 * simplification opens no sliver between them (exact, not pixel-based).
 * Then, filled without antialiasing, the simplified map has no more
 * overlapping or enclosed empty pixels than the source itself at the same
 * size (the source has a few dozen, where neighbours' borders were
 * digitised a few metres apart; antialiased fills and the border stroke
 * hide them).
 */
static void
raster_check(const char *name, int size, double tol)
{
    struct geo_map m = load_map(name);
    unsigned char *j = geo_shape_junctions(&m);
    struct geo_shape_opts o = {4, 4, size * 0.62, size - 8.0, true, tol};
    struct geo_shape *s = geo_shape_build(&m, j, &o);
    struct geo_shape_opts o0 = o;
    o0.tolerance = 0;
    struct geo_shape *s0 = geo_shape_build(&m, j, &o0);
    int w = (int)(size * 0.62) + 8, h = size;

    struct ring_pt *kept = xmalloc(s->npts * sizeof(*kept));
    for (size_t r = 0; r < s->nrings; r++) {
        for (size_t k = 0; k < s->rings[r].n; k++) {
            const struct geo_pt *p = &s->pts[s->rings[r].first + k];
            kept[s->rings[r].first + k] = (struct ring_pt){r, p->x, p->y};
        }
    }
    qsort(kept, s->npts, sizeof(*kept), cmp_ring_pt);
    /* Source vertices by coordinate, to find the rings sharing each. */
    struct ring_pt *src = xmalloc(s0->npts * sizeof(*src));
    for (size_t r = 0; r < s0->nrings; r++) {
        for (size_t k = 0; k < s0->rings[r].n; k++) {
            const struct geo_pt *p = &s0->pts[s0->rings[r].first + k];
            src[s0->rings[r].first + k] = (struct ring_pt){0, p->x, p->y};
            src[s0->rings[r].first + k].ring = r;
        }
    }
    size_t mismatched = 0, shared = 0;
    for (size_t i = 0; i < s0->npts; i++) {
        if (s0->rings[src[i].ring].group != GEO_MAINLAND) {
            continue;
        }
        /* Other rings holding the same point (a linear scan of the
         * candidates with the same x is enough for a test). */
        for (size_t k = i + 1; k < s0->npts; k++) {
            if (src[k].x != src[i].x || src[k].y != src[i].y ||
                src[k].ring == src[i].ring) {
                continue;
            }
            shared++;
            struct ring_pt a = {src[i].ring, src[i].x, src[i].y};
            struct ring_pt b = {src[k].ring, src[k].x, src[k].y};
            bool ka = bsearch(&a, kept, s->npts, sizeof(*kept),
                              cmp_ring_pt) != NULL;
            bool kb = bsearch(&b, kept, s->npts, sizeof(*kept),
                              cmp_ring_pt) != NULL;
            mismatched += ka != kb;
        }
    }
    CHECK(shared > 1000 && mismatched == 0, "%s at %d px, tolerance %.1f: "
          "%zu shared border vertices, %zu kept on one side only", name,
          size, tol, shared, mismatched);

    int ov, gp, ov0, gp0;
    raster_defects(&m, s, w, h, &ov, &gp);
    raster_defects(&m, s0, w, h, &ov0, &gp0);
    CHECK(ov <= ov0 + ov0 / 4 + 4 && gp <= gp0 + 4, "%s at %d px, tolerance "
          "%.1f: %d overlapping, %d enclosed empty pixels (source: %d, %d)",
          name, size, tol, ov, gp, ov0, gp0);
    if (tol > 0) {
        CHECK(s->npts < s->npts_source / 2, "%s at %d px: %zu of %zu points "
              "kept", name, size, s->npts, s->npts_source);
    }
    free(src);
    free(kept);
    geo_shape_free(s0);
    geo_shape_free(s);
    free(j);
    geo_json_free(&m);
}

static void
test_simplify(void)
{
    raster_check("vn63_provinces.geojson", 400, 0.6);
    raster_check("vn63_provinces.geojson", 1080, 0.6);
    raster_check("vn63_provinces.geojson", 2160, 0.6);
    raster_check("vn34_provinces.geojson", 1080, 0.6);
    raster_check("vn34_provinces.geojson", 1080, 3.0);
}

static bool
inside(const struct geo_shape *s, const struct geo_map *m, size_t f,
       struct geo_pt p)
{
    bool in = false;
    const struct geo_feature *ft = &m->f[f];
    for (size_t r = ft->first_ring; r < ft->first_ring + ft->nrings; r++) {
        const struct geo_pt *a = &s->pts[s->rings[r].first];
        size_t n = s->rings[r].n;
        for (size_t i = 0, k = n - 1; i < n; k = i++) {
            if ((a[i].y > p.y) != (a[k].y > p.y) &&
                p.x < (a[k].x - a[i].x) * (p.y - a[i].y) / (a[k].y - a[i].y)
                          + a[i].x) {
                in = !in;
            }
        }
    }
    return in;
}

static void
test_labels(void)
{
    /* A square: the centre, at half the side from the edge. */
    struct geo_pt sq[4] = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
    struct geo_shape_ring r = {0, 4, 0, false, GEO_MAINLAND};
    double d;
    struct geo_pt p = geo_shape_polylabel(sq, &r, 1, 0.5, &d);
    CHECK(fabs(p.x - 50) < 1 && fabs(p.y - 50) < 1 && fabs(d - 50) < 1,
          "square: centre (%.1f, %.1f), distance %.1f", p.x, p.y, d);
    /* An L: in its thick part, not at the centroid outside the shape. */
    struct geo_pt el[6] = {{0, 0}, {100, 0}, {100, 20}, {20, 20},
                           {20, 100}, {0, 100}};
    struct geo_shape_ring rl = {0, 6, 0, false, GEO_MAINLAND};
    p = geo_shape_polylabel(el, &rl, 1, 0.5, &d);
    CHECK(d >= 11 && d <= 12.5 && (p.x <= 20 || p.y <= 20),
          "L shape: inside an arm (%.1f, %.1f), distance %.1f", p.x, p.y, d);
    /* Every province's anchor lies inside it. */
    struct geo_map m = load_map("vn63_provinces.geojson");
    unsigned char *j = geo_shape_junctions(&m);
    struct geo_shape_opts o = {0, 0, 1200, 2000, true, 0.6};
    struct geo_shape *s = geo_shape_build(&m, j, &o);
    int out = 0;
    for (size_t f = 0; f < m.nf; f++) {
        out += !(s->anchor_r[f] > 0 && inside(s, &m, f, s->anchor[f]));
    }
    CHECK(out == 0, "every anchor inside its province (%d outside)", out);
    geo_shape_free(s);
    free(j);
    geo_json_free(&m);
}

static void
test_classes(void)
{
    double v[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, NAN};
    struct chart_classes c;
    CHECK(chart_class_compute(v, 10, CHART_CLASS_EQUAL, 4, NULL, &c) &&
          c.n == 4 && c.brk[0] == 1 && c.brk[2] == 5 && c.brk[4] == 9,
          "equal: 1, 3, 5, 7, 9");
    CHECK(chart_class_of(&c, 1) == 0 && chart_class_of(&c, 9) == 3 &&
          chart_class_of(&c, 5) == 2 && chart_class_of(&c, NAN) == -1,
          "classes of values; missing has none");
    CHECK(chart_class_compute(v, 10, CHART_CLASS_QUANTILE, 3, NULL, &c) &&
          c.n == 3 && c.brk[1] == 4 && c.brk[2] == 7, "quantile: thirds "
          "(%g, %g)", c.brk[1], c.brk[2]);
    double same[6] = {5, 5, 5, 5, 5, 6};
    CHECK(chart_class_compute(same, 6, CHART_CLASS_QUANTILE, 5, NULL, &c) &&
          c.n < 5, "equal values merge quantile classes (%d)", c.n);
    double thr[2] = {3, 6};
    CHECK(chart_class_compute(v, 10, CHART_CLASS_THRESHOLDS, 3, thr, &c) &&
          chart_class_of(&c, 2.9) == 0 && chart_class_of(&c, 3) == 1 &&
          chart_class_of(&c, 8) == 2, "thresholds 3 and 6");
    double bad[2] = {6, 3};
    CHECK(!chart_class_compute(v, 10, CHART_CLASS_THRESHOLDS, 3, bad, &c),
          "thresholds out of order are refused");
    double none[2] = {NAN, NAN};
    CHECK(!chart_class_compute(none, 2, CHART_CLASS_EQUAL, 5, NULL, &c),
          "no value: no classes");
    struct rgba mid = chart_class_color("puor", 2, 5);
    CHECK(fabs(mid.r - 0xf7 / 255.0) < 1e-9 && fabs(mid.g - mid.b) < 1e-9,
          "a diverging ramp's middle class is its neutral");
    struct rgba lo = chart_class_color("blues", 0, 5);
    struct rgba hi = chart_class_color("blues", 4, 5);
    CHECK(lo.r + lo.g + lo.b > hi.r + hi.g + hi.b, "blues: darker for more");
    CHECK(chart_class_ramp_known("viridis") &&
          !chart_class_ramp_known("rainbow") &&
          chart_class_ramp_diverging("rdbu") &&
          !chart_class_ramp_diverging("greens"), "ramp names");
}

/* Maps are parsed once per file and shared; an edited file is read
 * again, the old version freed when its last user gives it back. */
static void
test_cache(void)
{
    char dir[] = "/tmp/opswall-geo-XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temporary folder");
    char *src = xasprintf("%s/assets/maps/vn34_provinces.geojson", src_dir);
    char *path = xasprintf("%s/map.geojson", dir);
    size_t len = 0;
    char *text = file_read_all(src, 8u << 20, &len);
    FILE *f = fopen(path, "w");
    CHECK(text && f && fwrite(text, 1, len, f) == len, "copy of vn34");
    if (f) {
        fclose(f);
    }
    struct geo_cache *c = geo_cache_create();
    char err[256] = "";
    const struct geo_map *a = geo_cache_get(c, path, "a", err, sizeof(err));
    const struct geo_map *b = geo_cache_get(c, path, "b", err, sizeof(err));
    CHECK(a && a == b && a->nf == 34, "the second widget shares the first's "
          "map (%s)", err);
    /* Saved again (a later time): read again; the old version stays
     * while it is used. */
    f = fopen(path, "w");
    bool edited = f && text && fwrite(text, 1, len, f) == len;
    if (f) {
        fclose(f);
    }
    struct timespec later[2] = {{0, UTIME_OMIT}, {time(NULL) + 10, 0}};
    CHECK(edited && utimensat(AT_FDCWD, path, later, 0) == 0, "edited");
    const struct geo_map *d = geo_cache_get(c, path, "d", err, sizeof(err));
    CHECK(d && d != a && a->nf == 34, "an edited file is read again; the "
          "old map lives on for its users");
    geo_cache_put(c, a);
    geo_cache_put(c, b);
    geo_cache_put(c, d);
    CHECK(geo_cache_get(c, "/nonexistent.geojson", "e", err, sizeof(err)) ==
              NULL && err[0], "a missing file: NULL and why (%s)", err);
    geo_cache_destroy(c);
    unlink(path);
    rmdir(dir);
    free(text);
    free(path);
    free(src);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_geo SOURCE_DIR\n");
        return 2;
    }
    src_dir = argv[1];
    test_broken();
    test_shipped();
    test_projection();
    test_simplify();
    test_labels();
    test_classes();
    test_cache();
    return testlib_done();
}
