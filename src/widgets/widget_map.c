/*
 * widget_map: the provinces of Vietnam coloured by an indicator
 * (choropleth), with labels, status markers, proportional circles, a
 * highlighted province and the Hoàng Sa and Trường Sa archipelagos,
 * always shown and labelled.  Offline: the boundaries are GeoJSON files
 * shipped in assets/maps (geo_json), no tiles, no network.
 *
 * Honesty: a province without a value is hatched and counted under "không
 * có số liệu", never coloured as the lowest class; rows that name no
 * known province are counted too; the legend gives every class's range.
 *
 * Cost: the geometry is projected and simplified once per pixel size
 * (geo_shape, cached here); a new value only recolours the cached paths.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "chart/chart_class.h"
#include "geo/geo_cache.h"
#include "geo/geo_shape.h"
#include "text/format.h"
#include "widgets/widget_chart.h"

#define LOG_MODULE "map"
#include "base/log.h"

#define MAP_MAX_THRESHOLDS (CHART_CLASS_MAX - 1)

enum islands { ISLANDS_AUTO, ISLANDS_INSET, ISLANDS_IN_PLACE };

struct map_w {
    const struct layout_widget *lw;
    const struct widget_env *env;
    const struct geo_map *geo; /* shared (env->maps) or own */
    struct geo_map *own;
    unsigned char *junctions;
    char load_err[320];
    bool loaded;
    /* The projected shape for the last size. */
    struct geo_shape *shape;
    double shape_key[5];
    /* Province borders for that shape, as a mask: borders do not change
     * with the values, and stroking 5,000 segments with joins was 60 %
     * of a recolour (bench_map). */
    cairo_surface_t *borders;   /* NULL: to be made */
    int borders_w, borders_h;
    /* Configuration. */
    const cJSON *values, *markers, *circles, *period;
    const char *unit, *ramp, *highlight;
    int decimals, nclasses;
    enum chart_class_method method;
    double thr[MAP_MAX_THRESHOLDS];
    int nthr;
    double midpoint;
    bool has_mid, labels;
    enum islands islands;
    double aspect_inset, aspect_in_place;
};

static const char *
spec_ptr(const cJSON *spec, const char *key, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    return cJSON_IsString(v) ? v->valuestring : def;
}

static void *
map_create(const struct layout_widget *lw, const struct widget_env *env)
{
    struct map_w *m = xcalloc(1, sizeof(*m));
    m->lw = lw;
    m->env = env;
    const char *which = widget_cfg_str(lw, "map", "vn63");
    char *path;
    if (strcmp(which, "vn63") == 0 || strcmp(which, "vn34") == 0) {
        path = xasprintf("%s/assets/maps/%s_provinces.geojson",
                         env->data_dir ? env->data_dir : ".", which);
    } else {
        path = layout_resolve_path(env->layout, which);
    }
    if (env->maps) {
        m->geo = geo_cache_get(env->maps, path, lw->id, m->load_err,
                               sizeof(m->load_err));
    } else {
        /* No cache (a tool, a test): its own copy, its defects said. */
        struct geo_map *own = xcalloc(1, sizeof(*own));
        if (geo_json_load(path, own, m->load_err, sizeof(m->load_err))) {
            m->own = own;
            m->geo = own;
            if (own->nwarnings) {
                LOG_WARN("widget \"%s\": %d defect(s) drawn as they are; "
                         "first: %s", lw->id, own->nwarnings, own->warning);
            }
        } else {
            free(own);
        }
    }
    m->loaded = m->geo != NULL;
    if (!m->loaded) {
        /* No province at all: the widget still joins (nothing) and says
         * why in its cell. */
        static const struct geo_map no_map;
        m->geo = &no_map;
        LOG_ERR("widget \"%s\": %s", lw->id, m->load_err);
    } else {
        m->junctions = geo_shape_junctions(m->geo);
        m->aspect_inset = geo_shape_aspect(m->geo, true);
        m->aspect_in_place = geo_shape_aspect(m->geo, false);
    }
    free(path);
    const cJSON *cfg = lw->config;
    m->values = cJSON_GetObjectItemCaseSensitive(cfg, "values");
    m->markers = cJSON_GetObjectItemCaseSensitive(cfg, "markers");
    m->circles = cJSON_GetObjectItemCaseSensitive(cfg, "circles");
    m->period = cJSON_GetObjectItemCaseSensitive(cfg, "period");
    m->unit = widget_cfg_str(lw, "unit", "");
    m->highlight = widget_cfg_str(lw, "highlight", NULL);
    m->decimals = widget_cfg_int(lw, "decimals", 1);
    m->labels = strcmp(widget_cfg_str(lw, "labels", "auto"), "none") != 0;
    const char *isl = widget_cfg_str(lw, "islands", "auto");
    m->islands = strcmp(isl, "inset") == 0      ? ISLANDS_INSET
                 : strcmp(isl, "in_place") == 0 ? ISLANDS_IN_PLACE
                                                : ISLANDS_AUTO;
    const cJSON *cl = cJSON_GetObjectItemCaseSensitive(cfg, "classes");
    const char *method = spec_ptr(cl, "method", "quantile");
    m->method = strcmp(method, "equal") == 0        ? CHART_CLASS_EQUAL
                : strcmp(method, "thresholds") == 0 ? CHART_CLASS_THRESHOLDS
                                                    : CHART_CLASS_QUANTILE;
    const cJSON *cnt = cJSON_GetObjectItemCaseSensitive(cl, "count");
    m->nclasses = cJSON_IsNumber(cnt) ? (int)cnt->valuedouble : 5;
    const cJSON *thr = cJSON_GetObjectItemCaseSensitive(cl, "thresholds");
    for (const cJSON *t = cJSON_IsArray(thr) ? thr->child : NULL;
         t && m->nthr < MAP_MAX_THRESHOLDS; t = t->next) {
        if (cJSON_IsNumber(t)) {
            m->thr[m->nthr++] = t->valuedouble;
        }
    }
    if (m->method == CHART_CLASS_THRESHOLDS) {
        m->nclasses = m->nthr + 1;
    }
    const cJSON *mid = cJSON_GetObjectItemCaseSensitive(cl, "midpoint");
    m->has_mid = cJSON_IsNumber(mid);
    m->midpoint = m->has_mid ? mid->valuedouble : 0;
    m->ramp = spec_ptr(cl, "palette", m->has_mid ? "puor" : "blues");
    return m;
}

static void
map_destroy(void *self)
{
    struct map_w *m = self;
    geo_shape_free(m->shape);
    if (m->borders) {
        cairo_surface_destroy(m->borders);
    }
    free(m->junctions);
    if (m->own) {
        geo_json_free(m->own);
        free(m->own);
    } else if (m->loaded && m->env->maps) {
        geo_cache_put(m->env->maps, m->geo);
    }
    free(m);
}

static uint64_t
map_stamp(void *self, const struct frame_state *fs)
{
    struct map_w *m = self;
    uint64_t h = widget_stamp_spec(m->env, fs, m->values, 0x4d4150);
    h = widget_stamp_spec(m->env, fs, m->markers, h);
    h = widget_stamp_spec(m->env, fs, m->circles, h);
    h = widget_stamp_str(h, fs->aids ? fs->aids->highlight : NULL);
    return widget_stamp_spec(m->env, fs, m->period, h);
}

static int64_t
map_next_change(void *self, const struct frame_state *fs)
{
    struct map_w *m = self;
    int64_t t = INT64_MAX;
    const cJSON *specs[3] = {m->values, m->markers, m->circles};
    for (int i = 0; i < 3; i++) {
        struct bound b = widget_resolve(m->env, fs, specs[i]);
        if (b.src) {
            int64_t n = widget_source_next_change(b.snap, b.src, fs->now_ms);
            t = n < t ? n : t;
        }
    }
    return t;
}

/* ---- data --------------------------------------------------------------- */

/* The feature a row names: its code field, else its name field. */
static int
row_feature(const struct map_w *m, const cJSON *row, const cJSON *spec)
{
    const cJSON *c = jsonptr_get(row, spec_ptr(spec, "code", "/code"));
    char num[32];
    const char *key = NULL;
    if (cJSON_IsString(c)) {
        key = c->valuestring;
    } else if (cJSON_IsNumber(c)) {
        snprintf(num, sizeof(num), "%.0f", c->valuedouble);
        key = num;
    }
    int f = key ? geo_json_find(m->geo, key) : -1;
    if (f < 0) {
        const cJSON *n = jsonptr_get(row, spec_ptr(spec, "name", "/name"));
        if (cJSON_IsString(n)) {
            f = geo_json_find(m->geo, n->valuestring);
        }
    }
    return f;
}

struct joined {
    double *v;        /* per feature; NAN: no value */
    int unmatched;    /* rows naming no known province */
    bool any_row;
};

static void
join_values(const struct map_w *m, const struct bound *b, const char *vptr,
            const cJSON *spec, struct joined *out)
{
    out->v = xmalloc((m->geo->nf ? m->geo->nf : 1) * sizeof(*out->v));
    for (size_t i = 0; i < m->geo->nf; i++) {
        out->v[i] = NAN;
    }
    out->unmatched = 0;
    out->any_row = false;
    if (!cJSON_IsArray(b->value)) {
        return;
    }
    for (const cJSON *row = b->value->child; row; row = row->next) {
        out->any_row = true;
        int f = row_feature(m, row, spec);
        if (f < 0) {
            out->unmatched++;
            continue;
        }
        struct bound vb = {.value = jsonptr_get(row, vptr), .snap = b->snap,
                           .src = b->src};
        double v;
        if (widget_bound_number(&vb, &v)) {
            out->v[f] = v;
        }
    }
}

/* ---- geometry ----------------------------------------------------------- */

static const struct geo_shape *
shape_for(struct map_w *m, double x, double y, double w, double h,
          bool inset)
{
    double key[5] = {x, y, w, h, inset};
    if (m->shape && memcmp(key, m->shape_key, sizeof(key)) == 0) {
        return m->shape;
    }
    geo_shape_free(m->shape);
    if (m->borders) {
        cairo_surface_destroy(m->borders); /* drawn from the old shape */
        m->borders = NULL;
    }
    struct geo_shape_opts o = {x, y, w, h, inset, 0.6};
    m->shape = geo_shape_build(m->geo, m->junctions, &o);
    memcpy(m->shape_key, key, sizeof(key));
    return m->shape;
}

static void
feature_path(cairo_t *cr, const struct geo_shape *s, const struct geo_map *g,
             size_t f)
{
    const struct geo_feature *ft = &g->f[f];
    for (size_t r = ft->first_ring; r < ft->first_ring + ft->nrings; r++) {
        const struct geo_shape_ring *sr = &s->rings[r];
        const struct geo_pt *p = &s->pts[sr->first];
        cairo_move_to(cr, p[0].x, p[0].y);
        for (size_t k = 1; k < sr->n; k++) {
            cairo_line_to(cr, p[k].x, p[k].y);
        }
        cairo_close_path(cr);
    }
}

static cairo_pattern_t *
hatch_pattern(const struct widget_env *env, double px)
{
    int n = (int)fmax(6, round(px * 0.45));
    cairo_surface_t *tile = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, n,
                                                       n);
    cairo_t *t = cairo_create(tile);
    widget_set_color(t, env, COLOR_PANEL_BORDER, 1);
    cairo_paint(t);
    widget_set_color(t, env, COLOR_MUTED, 0.9);
    cairo_set_line_width(t, fmax(1, n * 0.18));
    cairo_move_to(t, -1, n + 1);
    cairo_line_to(t, n + 1, -1);
    cairo_move_to(t, -1, 1);
    cairo_line_to(t, 1, -1);
    cairo_move_to(t, n - 1, n + 1);
    cairo_line_to(t, n + 1, n - 1);
    cairo_stroke(t);
    cairo_destroy(t);
    cairo_pattern_t *p = cairo_pattern_create_for_surface(tile);
    cairo_surface_destroy(tile);
    cairo_pattern_set_extend(p, CAIRO_EXTEND_REPEAT);
    return p;
}

/* Text with a dark halo, legible over any fill and across borders. */
static void
halo_text(const struct widget_env *env, cairo_t *cr, const char *t, int px,
          double x, double y, double alpha)
{
    double o = fmax(1.2, px * 0.07);
    const struct rgba *bg = widget_color(env, COLOR_BACKGROUND);
    static const double dx[] = {1, 1, 0, -1, -1, -1, 0, 1};
    static const double dy[] = {0, 1, 1, 1, 0, -1, -1, -1};
    for (int d = 0; d < 8; d++) {
        text_draw(env->text, cr, t, FONT_MEDIUM, px, x + dx[d] * o,
                  y + dy[d] * o, bg->r, bg->g, bg->b, 0.85 * alpha);
    }
    const struct rgba *fg = widget_color(env, COLOR_TEXT);
    text_draw(env->text, cr, t, FONT_MEDIUM, px, x, y, fg->r, fg->g, fg->b,
              alpha);
}

/* ---- legend ------------------------------------------------------------- */

struct legend {
    int n;
    char text[CHART_CLASS_MAX][128];
    struct rgba color[CHART_CLASS_MAX];
    char missing[200];   /* "không có số liệu: 3" or "" */
    char names[256];     /* which, when few: "Cao Bằng, Lai Châu" */
    char unmatched[96];  /* "không khớp tỉnh: 2" or "" */
    char unit[96];
    int markers[4];      /* up, connecting, down, unknown */
    int nmarker_lines;
    int w, h;
};

static void
range_text(char *buf, size_t n, double a, double b, int dec,
           enum layout_locale loc, bool last)
{
    char x[48], y[48];
    format_number(x, sizeof(x), a, dec, loc);
    format_number(y, sizeof(y), b, dec, loc);
    /* Classes are [a, b); the last includes its top. */
    snprintf(buf, n, "%s \xE2\x80\x93 %s%s", x, last ? "" : "< ", y);
}

static const char *const marker_words_vi[4] = {
    "điểm cầu trực tuyến", "đang kết nối", "mất kết nối", "không rõ"};
static const char *const marker_words_en[4] = {
    "bridge points online", "connecting", "offline", "unknown"};
static const enum color_role marker_roles[4] = {COLOR_GOOD, COLOR_WARN,
                                                 COLOR_BAD, COLOR_MUTED};

static void
marker_line(char *buf, size_t n, const struct legend *lg, int i, bool vi)
{
    snprintf(buf, n, "%d %s", lg->markers[i],
             vi ? marker_words_vi[i] : marker_words_en[i]);
}

static void
legend_build(const struct map_w *m, const struct chart_classes *cls,
             const struct joined *j, const int markers[4],
             struct legend *lg, int px, int line_h)
{
    const struct widget_env *env = m->env;
    const enum layout_locale loc = env->layout->locale;
    const bool vi = loc == LAYOUT_LOCALE_VI_VN;
    memset(lg, 0, sizeof(*lg));
    lg->n = cls ? cls->n : 0;
    for (int i = 0; i < lg->n; i++) {
        if (cls->n == 1) {
            format_number(lg->text[i], sizeof(lg->text[i]), cls->lo,
                          m->decimals, loc);
        } else {
            range_text(lg->text[i], sizeof(lg->text[i]), cls->brk[i],
                       cls->brk[i + 1], m->decimals, loc, i == cls->n - 1);
        }
        lg->color[i] = chart_class_color(m->ramp, i, cls->n);
    }
    size_t missing = 0;
    for (size_t f = 0; f < m->geo->nf; f++) {
        missing += isnan(j->v[f]);
    }
    if (missing) {
        snprintf(lg->missing, sizeof(lg->missing), "%s: %zu",
                 vi ? "không có số liệu" : "no data", missing);
        /* Names when few: the reader can check them. */
        if (missing <= 6) {
            int k = 0;
            for (size_t f = 0; f < m->geo->nf && k < (int)sizeof(lg->names);
                 f++) {
                if (isnan(j->v[f])) {
                    k += snprintf(lg->names + k, sizeof(lg->names) - k,
                                  "%s%s", k ? ", " : "", m->geo->f[f].name);
                }
            }
        }
    }
    if (j->unmatched) {
        snprintf(lg->unmatched, sizeof(lg->unmatched), "%s: %d",
                 vi ? "không khớp tỉnh" : "unknown province", j->unmatched);
    }
    snprintf(lg->unit, sizeof(lg->unit), "%s", m->unit);
    int sw = (int)(px * 1.4);
    int w = 0;
    for (int i = 0; i < lg->n; i++) {
        int tw = text_measure(env->text, lg->text[i], FONT_REGULAR, px).width;
        w = tw > w ? tw : w;
    }
    lg->w = sw + px / 2 + w;
    lg->h = (lg->n + (lg->unit[0] ? 1 : 0)) * line_h;
    if (lg->missing[0]) {
        lg->h += line_h;
        int tw = text_measure(env->text, lg->missing, FONT_REGULAR, px).width;
        lg->w = sw + px / 2 + tw > lg->w ? sw + px / 2 + tw : lg->w;
    }
    if (lg->names[0]) {
        lg->h += line_h;
    }
    memcpy(lg->markers, markers, sizeof(lg->markers));
    for (int i = 0; i < 4; i++) {
        if (markers[i] || (i == 0 && markers[1] + markers[2] + markers[3])) {
            char t[96];
            marker_line(t, sizeof(t), lg, i, vi);
            int tw = sw + px / 2 +
                     text_measure(env->text, t, FONT_REGULAR, px).width;
            lg->w = tw > lg->w ? tw : lg->w;
            lg->nmarker_lines++;
            lg->h += line_h;
        }
    }
}

/* Drops the legend's optional lines (the missing names, then the unit)
 * until it fits max_h; the classes and the counts always stay. */
static void
legend_fit(struct legend *lg, double max_h, int line_h)
{
    if (lg->h > max_h && lg->names[0]) {
        lg->names[0] = '\0';
        lg->h -= line_h;
    }
    if (lg->h > max_h && lg->unit[0]) {
        lg->unit[0] = '\0';
        lg->h -= line_h;
    }
    if (lg->h > max_h && lg->unmatched[0] && lg->missing[0]) {
        /* The two counts share a line. */
        size_t k = strlen(lg->missing);
        snprintf(lg->missing + k, sizeof(lg->missing) - k, " \xC2\xB7 %s",
                 lg->unmatched);
        lg->unmatched[0] = '\0';
        lg->h -= line_h;
    }
    if (lg->unmatched[0]) {
        lg->h += line_h;
    }
}

static void
legend_draw(const struct map_w *m, cairo_t *cr, const struct legend *lg,
            double x, double y, int max_w, int px, int line_h,
            cairo_pattern_t *hatch, double alpha)
{
    const struct widget_env *env = m->env;
    int sw = (int)(px * 1.4), sh = (int)(line_h * 0.62);
    if (lg->unit[0]) {
        widget_text(cr, env, lg->unit, FONT_MEDIUM, px, x, y, COLOR_MUTED, 1);
        y += line_h;
    }
    /* Highest class on top, as the eye reads "more" upwards. */
    for (int i = lg->n - 1; i >= 0; i--) {
        widget_set_rgba(cr, &lg->color[i], alpha);
        cairo_rectangle(cr, x, y + (line_h - sh) / 2.0, sw, sh);
        cairo_fill(cr);
        widget_text(cr, env, lg->text[i], FONT_REGULAR, px, x + sw + px / 2.0,
                    y, COLOR_TEXT, 1);
        y += line_h;
    }
    if (lg->missing[0]) {
        cairo_set_source(cr, hatch);
        cairo_rectangle(cr, x, y + (line_h - sh) / 2.0, sw, sh);
        cairo_fill(cr);
        widget_text(cr, env, lg->missing, FONT_REGULAR, px,
                    x + sw + px / 2.0, y, COLOR_WARN, 1);
        y += line_h;
    }
    if (lg->names[0]) {
        char *fit = text_ellipsize(env->text, lg->names, FONT_REGULAR, px,
                                   max_w);
        widget_text(cr, env, fit, FONT_REGULAR, px, x, y, COLOR_MUTED, 1);
        free(fit);
        y += line_h;
    }
    if (lg->unmatched[0]) {
        widget_text(cr, env, lg->unmatched, FONT_REGULAR, px, x, y,
                    COLOR_WARN, 1);
        y += line_h;
    }
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    for (int i = 0; i < 4 && lg->nmarker_lines; i++) {
        if (!lg->markers[i] &&
            !(i == 0 && lg->markers[1] + lg->markers[2] + lg->markers[3])) {
            continue;
        }
        double r = fmax(3, px * 0.3) * (i == 0 ? 0.6 : 1);
        cairo_arc(cr, x + sw / 2.0, y + line_h / 2.0, r, 0, 2 * M_PI);
        widget_set_color(cr, env, marker_roles[i], 1);
        cairo_fill(cr);
        char t[96];
        marker_line(t, sizeof(t), lg, i, vi);
        widget_text(cr, env, t, FONT_REGULAR, px, x + sw + px / 2.0, y,
                    i == 2 && lg->markers[2] ? COLOR_BAD : COLOR_TEXT, 1);
        y += line_h;
    }
}

/* ---- labels ------------------------------------------------------------- */

struct placed {
    double x0, y0, x1, y1;
};

/* The boxes taken so far in one paint (legend, names, markers...). */
struct placed_list {
    struct placed *box;
    int n, cap;
};

static void
placed_add(struct placed_list *pl, struct placed b)
{
    if (pl->n == pl->cap) {
        pl->cap = pl->cap ? pl->cap * 2 : 128;
        pl->box = xreallocarray(pl->box, (size_t)pl->cap, sizeof(*pl->box));
    }
    pl->box[pl->n++] = b;
}

static bool
overlaps(const struct placed_list *pl, struct placed b)
{
    for (int i = 0; i < pl->n; i++) {
        const struct placed *p = &pl->box[i];
        if (b.x0 < p->x1 && p->x0 < b.x1 && b.y0 < p->y1 && p->y0 < b.y1) {
            return true;
        }
    }
    return false;
}

/* The first candidate box inside [0, w] x [0, h] that overlaps nothing
 * placed; the first candidate when none is free.  Adds it to placed. */
static struct placed
place_first_free(struct placed_list *pl, const struct placed *cand,
                 int ncand, double w, double h)
{
    int pick = 0;
    for (int i = 0; i < ncand; i++) {
        const struct placed *c = &cand[i];
        if (c->x0 >= 0 && c->y0 >= 0 && c->x1 <= w && c->y1 <= h &&
            !overlaps(pl, *c)) {
            pick = i;
            break;
        }
    }
    placed_add(pl, cand[pick]);
    return cand[pick];
}

struct cand {
    size_t f;
    double prio;
};

static int
cmp_cand(const void *a, const void *b)
{
    const struct cand *p = a, *q = b;
    if (p->prio != q->prio) {
        return p->prio > q->prio ? -1 : 1;
    }
    return p->f < q->f ? -1 : 1;
}

/* Names inside their provinces, most important first (highest value, else
 * largest); a name that does not fit its province or would overlap one
 * already placed is left out. */
static void
draw_labels(const struct map_w *m, cairo_t *cr, const struct geo_shape *s,
            const struct joined *j, int px, struct placed_list *pl,
            int named)
{
    const struct widget_env *env = m->env;
    struct cand *c = xcalloc(m->geo->nf ? m->geo->nf : 1, sizeof(*c));
    size_t n = 0;
    for (size_t f = 0; f < m->geo->nf; f++) {
        if (s->anchor_r[f] <= 0 || (int)f == named) {
            continue; /* too small, or its call-out names it already */
        }
        c[n].f = f;
        c[n].prio = isnan(j->v[f]) ? -1e300 + s->area[f] : j->v[f];
        n++;
    }
    qsort(c, n, sizeof(*c), cmp_cand);
    struct text_extent e0 = text_measure(env->text, "Ag", FONT_MEDIUM, px);
    for (size_t i = 0; i < n; i++) {
        size_t f = c[i].f;
        const char *name = m->geo->f[f].name;
        struct text_extent e = text_measure(env->text, name, FONT_MEDIUM, px);
        double r = s->anchor_r[f];
        /* Names are at the wall's reading size, so most are wider than
         * their province: a name is centred on its province and may
         * cross its borders (with a halo), but the province must be
         * large enough to be the one it names. */
        if (e0.height * 0.3 > r || e.width / 2.0 > r * 4.5) {
            continue;
        }
        /* On the anchor, else just under it (a marker may sit on the
         * anchor), else left out. */
        struct geo_pt a = s->anchor[f];
        struct placed b = {a.x - e.width / 2.0 - 2, a.y - e0.height / 2.0,
                           a.x + e.width / 2.0 + 2, a.y + e0.height / 2.0};
        if (overlaps(pl, b)) {
            double dy = e0.height * 0.5 + fmax(3, px * 0.3);
            b.y0 += dy;
            b.y1 += dy;
            if (b.y1 - e0.height * 0.5 > a.y + r ||
                overlaps(pl, b)) {
                continue;
            }
        }
        placed_add(pl, b);
        halo_text(env, cr, name, px, b.x0 + 2, b.y0, 1);
    }
    free(c);
}

/* ---- markers and circles ------------------------------------------------ */

static enum color_role
status_role(const char *s)
{
    if (!s) {
        return COLOR_MUTED;
    }
    static const char *const good[] = {"online", "ok", "live", "connected",
                                       "up", "trực tuyến"};
    static const char *const bad[] = {"offline", "lost", "error", "down",
                                      "mất tín hiệu", "disconnected"};
    static const char *const warn[] = {"connecting", "degraded", "late",
                                       "warn", "reconnecting"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (strcmp(s, good[i]) == 0) {
            return COLOR_GOOD;
        }
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (strcmp(s, bad[i]) == 0) {
            return COLOR_BAD;
        }
    }
    for (size_t i = 0; i < sizeof(warn) / sizeof(warn[0]); i++) {
        if (strcmp(s, warn[i]) == 0) {
            return COLOR_WARN;
        }
    }
    return COLOR_MUTED;
}

/* Where a row is: its lon/lat, else its province's label anchor. */
static bool
row_point(const struct map_w *m, const struct geo_shape *s, const cJSON *row,
          const cJSON *spec, struct geo_pt *out)
{
    const cJSON *lon = jsonptr_get(row, spec_ptr(spec, "lon", "/lon"));
    const cJSON *lat = jsonptr_get(row, spec_ptr(spec, "lat", "/lat"));
    if (cJSON_IsNumber(lon) && cJSON_IsNumber(lat) &&
        fabs(lon->valuedouble) <= 180 && fabs(lat->valuedouble) <= 90) {
        *out = geo_shape_project(s, m->geo, lon->valuedouble,
                                 lat->valuedouble);
        return true;
    }
    int f = row_feature(m, row, spec);
    if (f < 0 || s->anchor_r[f] <= 0) {
        return false;
    }
    *out = s->anchor[f];
    return true;
}

static void
draw_circles(const struct map_w *m, cairo_t *cr, const struct geo_shape *s,
             const struct frame_state *fs, int px)
{
    struct bound b = widget_resolve(m->env, fs, m->circles);
    if (!cJSON_IsArray(b.value)) {
        return;
    }
    const char *vptr = spec_ptr(m->circles, "value", "/value");
    double vmax = 0;
    for (const cJSON *row = b.value->child; row; row = row->next) {
        struct bound vb = {.value = jsonptr_get(row, vptr), .snap = b.snap,
                           .src = b.src};
        double v;
        if (widget_bound_number(&vb, &v) && v > vmax) {
            vmax = v;
        }
    }
    if (vmax <= 0) {
        return;
    }
    /* Area proportional to the value (a radius scale would exaggerate);
     * the largest about a small province across. */
    double rmax = fmax(3, fmin(px * 1.2, s->px_per_deg * 0.35));
    for (const cJSON *row = b.value->child; row; row = row->next) {
        struct bound vb = {.value = jsonptr_get(row, vptr), .snap = b.snap,
                           .src = b.src};
        double v;
        struct geo_pt p;
        if (!widget_bound_number(&vb, &v) || v <= 0 ||
            !row_point(m, s, row, m->circles, &p)) {
            continue;
        }
        double r = fmax(1.5, rmax * sqrt(v / vmax));
        cairo_arc(cr, p.x, p.y, r, 0, 2 * M_PI);
        widget_set_color(cr, m->env, COLOR_TEXT, 0.25);
        cairo_fill_preserve(cr);
        widget_set_color(cr, m->env, COLOR_TEXT, 0.85);
        cairo_set_line_width(cr, fmax(1, px * 0.05));
        cairo_stroke(cr);
    }
}

/* A marker's colour: its status, or grey for every marker when the
 * markers' source is not current (an old "online" is not shown as
 * online). */
static enum color_role
marker_role(const struct map_w *m, const struct bound *b, const cJSON *row,
            int64_t now_ms)
{
    enum source_state st = widget_bound_state(b, now_ms);
    if (st != SOURCE_STATE_OK && st != SOURCE_STATE_LATE) {
        return COLOR_MUTED;
    }
    const cJSON *sv = jsonptr_get(row, spec_ptr(m->markers, "status",
                                                "/status"));
    return status_role(cJSON_IsString(sv) ? sv->valuestring : NULL);
}

/* Marker boxes taken before names are placed, so no name hides one. */
static void
marker_boxes(const struct map_w *m, const struct geo_shape *s,
             const struct frame_state *fs, int px, struct placed_list *pl)
{
    struct bound b = widget_resolve(m->env, fs, m->markers);
    if (!cJSON_IsArray(b.value)) {
        return;
    }
    double r = fmax(3, px * 0.3) + 2;
    for (const cJSON *row = b.value->child; row; row = row->next) {
        struct geo_pt p;
        if (row_point(m, s, row, m->markers, &p)) {
            placed_add(pl, (struct placed){p.x - r, p.y - r, p.x + r,
                                           p.y + r});
        }
    }
}

static void
draw_markers(const struct map_w *m, cairo_t *cr, const struct geo_shape *s,
             const struct frame_state *fs, int px)
{
    struct bound b = widget_resolve(m->env, fs, m->markers);
    if (!cJSON_IsArray(b.value)) {
        return;
    }
    double r = fmax(3, px * 0.3);
    for (const cJSON *row = b.value->child; row; row = row->next) {
        struct geo_pt p;
        if (!row_point(m, s, row, m->markers, &p)) {
            continue;
        }
        enum color_role role = marker_role(m, &b, row, fs->now_ms);
        /* What needs attention stands out: a bridge point that is up is
         * a small dot, one that is down or connecting a large one with
         * a light ring. */
        bool calm = role == COLOR_GOOD;
        double rr = calm ? r * 0.6 : r;
        cairo_arc(cr, p.x, p.y, rr, 0, 2 * M_PI);
        widget_set_color(cr, m->env, role, 1);
        cairo_fill_preserve(cr);
        widget_set_color(cr, m->env, calm ? COLOR_BACKGROUND : COLOR_TEXT, 1);
        cairo_set_line_width(cr, fmax(1, r * (calm ? 0.25 : 0.3)));
        cairo_stroke(cr);
    }
}

/* How many markers are in each state, for the legend: up, connecting,
 * down, unknown (all unknown when the source is not current). */
static void
marker_counts(const struct map_w *m, const struct frame_state *fs,
              int counts[4])
{
    memset(counts, 0, 4 * sizeof(int));
    struct bound b = widget_resolve(m->env, fs, m->markers);
    if (!cJSON_IsArray(b.value)) {
        return;
    }
    for (const cJSON *row = b.value->child; row; row = row->next) {
        enum color_role role = marker_role(m, &b, row, fs->now_ms);
        counts[role == COLOR_GOOD ? 0 : role == COLOR_WARN ? 1
               : role == COLOR_BAD ? 2 : 3]++;
    }
}

/* ---- paint -------------------------------------------------------------- */

static void
draw_archipelagos(const struct map_w *m, cairo_t *cr,
                  const struct geo_shape *s, const struct joined *j,
                  const struct chart_classes *cls, int px, int w, int h,
                  double alpha, struct placed_list *pl)
{
    const struct widget_env *env = m->env;
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    /* Each island at least a dot: at wall scale they are under a pixel,
     * and they must be seen. */
    double dot = fmax(1.6, px * 0.11);
    for (size_t r = 0; r < s->nrings; r++) {
        const struct geo_shape_ring *sr = &s->rings[r];
        if (sr->group == GEO_MAINLAND) {
            continue;
        }
        double cx = 0, cy = 0;
        for (size_t k = 0; k < sr->n; k++) {
            cx += s->pts[sr->first + k].x / sr->n;
            cy += s->pts[sr->first + k].y / sr->n;
        }
        int k = cls ? chart_class_of(cls, j->v[sr->feature]) : -1;
        if (k >= 0) {
            struct rgba c = chart_class_color(m->ramp, k, cls->n);
            widget_set_rgba(cr, &c, alpha);
        } else {
            widget_set_color(cr, env, COLOR_MUTED, 1);
        }
        cairo_arc(cr, cx, cy, dot, 0, 2 * M_PI);
        cairo_fill(cr);
    }
    static const char *const names_vi[] = {"", "QĐ. Hoàng Sa",
                                           "QĐ. Trường Sa"};
    static const char *const names_en[] = {"", "Hoàng Sa Is.",
                                           "Trường Sa Is."};
    for (int g = GEO_HOANG_SA; g <= GEO_TRUONG_SA; g++) {
        const struct geo_box *b = &s->group_box[g];
        if (b->x1 <= b->x0) {
            continue;
        }
        if (s->inset) {
            /* A frame says the group is shown out of place. */
            static const double dash[] = {4, 3};
            widget_set_color(cr, env, COLOR_MUTED, 0.8);
            cairo_set_line_width(cr, 1);
            cairo_set_dash(cr, dash, 2, 0);
            cairo_rectangle(cr, round(b->x0) + 0.5, round(b->y0) + 0.5,
                            round(b->x1 - b->x0), round(b->y1 - b->y0));
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0);
        }
        /* Named right of the group when that fits in the widget, else
         * above it ending at its right edge (over the sea, away from the
         * coast), with a halo where it must cross land. */
        const char *name = vi ? names_vi[g] : names_en[g];
        struct text_extent e = text_measure(env->text, name, FONT_MEDIUM,
                                            px);
        double gap = px * 0.3, cy = (b->y0 + b->y1) / 2 - e.height / 2.0;
        double ax = fmax(fmin(b->x1 - e.width, w - e.width - 2.0), 2.0);
        struct placed cand[4] = {
            {b->x1 + gap, cy, b->x1 + gap + e.width, cy + e.height},
            {ax, b->y0 - e.height, ax + e.width, b->y0},
            {ax, b->y1, ax + e.width, b->y1 + e.height},
            {b->x0 - gap - e.width, cy, b->x0 - gap, cy + e.height},
        };
        struct placed at = place_first_free(pl, cand, 4, w, h);
        halo_text(env, cr, name, px, at.x0, at.y0, 1);
    }
}

static void
draw_highlight(const struct map_w *m, cairo_t *cr, const struct geo_shape *s,
               const struct joined *j, int f, int px, int line_h, int w,
               double top, double bottom, struct placed_list *pl)
{
    const struct widget_env *env = m->env;
    const enum layout_locale loc = env->layout->locale;
    feature_path(cr, s, m->geo, (size_t)f);
    widget_set_color(cr, env, COLOR_TEXT, 1);
    cairo_set_line_width(cr, fmax(2.5, px * 0.16));
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke(cr);
    /* The call-out: name and value in a box beside the province, on the
     * side with more room, joined by a leader line. */
    char val[96];
    if (isnan(j->v[f])) {
        snprintf(val, sizeof(val), "%s", loc == LAYOUT_LOCALE_VI_VN
                                             ? "không có số liệu"
                                             : "no data");
    } else {
        char num[48];
        format_number(num, sizeof(num), j->v[f], m->decimals, loc);
        snprintf(val, sizeof(val), "%s%s%s", num, m->unit[0] ? " " : "",
                 m->unit);
    }
    const char *name = m->geo->f[f].name;
    int vpx = widget_px(env, TEXT_ROLE_TITLE);
    struct text_extent ne = text_measure(env->text, name, FONT_MEDIUM, px);
    struct text_extent ve = text_measure(env->text, val, FONT_BOLD, vpx);
    double bw = fmax(ne.width, ve.width) + px, bh = ne.height + ve.height +
                                                    px * 0.5;
    struct geo_pt a = s->anchor[f];
    const struct geo_box *fb = &s->bbox[f];
    double by0 = fmin(fmax(a.y - bh / 2, top), bottom - bh);
    double rx = fb->x1 + px * 1.5, lx = fb->x0 - px * 1.5 - bw;
    struct placed cand[4] = {
        {rx, by0, rx + bw, by0 + bh},
        {lx, by0, lx + bw, by0 + bh},
        {rx, fmax(top, fb->y0 - bh - px), rx + bw,
         fmax(top, fb->y0 - bh - px) + bh},
        {rx, fmin(fb->y1 + px, bottom - bh), rx + bw,
         fmin(fb->y1 + px, bottom - bh) + bh},
    };
    if (w - fb->x1 < fb->x0) {
        struct placed t = cand[0];
        cand[0] = cand[1];
        cand[1] = t;
    }
    struct placed at = place_first_free(pl, cand, 4, w, bottom);
    double bx = fmin(fmax(at.x0, 0), w - bw), by = at.y0;
    bool right = bx >= a.x;
    widget_set_color(cr, env, COLOR_TEXT, 0.9);
    cairo_set_line_width(cr, fmax(1.5, px * 0.08));
    cairo_move_to(cr, a.x, a.y);
    cairo_line_to(cr, right ? bx : bx + bw, by + bh / 2);
    cairo_stroke(cr);
    cairo_arc(cr, a.x, a.y, fmax(2.5, px * 0.15), 0, 2 * M_PI);
    cairo_fill(cr);
    widget_set_color(cr, env, COLOR_PANEL, 0.95);
    cairo_rectangle(cr, bx, by, bw, bh);
    cairo_fill_preserve(cr);
    widget_set_color(cr, env, COLOR_TEXT, 0.9);
    cairo_stroke(cr);
    widget_text(cr, env, name, FONT_MEDIUM, px, bx + px / 2.0,
                by + px * 0.25, COLOR_TEXT, 1);
    widget_text(cr, env, val, FONT_BOLD, vpx, bx + px / 2.0,
                by + px * 0.25 + ne.height,
                isnan(j->v[f]) ? COLOR_WARN : COLOR_TEXT, 1);
    (void)line_h;
}

static void
map_paint(void *self, cairo_t *cr, int w, int h, const struct frame_state *fs)
{
    struct map_w *m = self;
    const struct widget_env *env = m->env;
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    int pad = widget_panel(cr, env, w, h);
    int y = widget_title(cr, env, m->lw->title, pad, w);
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    struct bound vb = widget_resolve(env, fs, m->values);
    char period[128];
    widget_text_of(period, sizeof(period), env, fs, m->period);
    struct joined j;
    join_values(m, &vb, spec_ptr(m->values, "value", "/value"), m->values,
                &j);
    bool have = !m->loaded && vb.value; /* data came; the map did not */
    for (size_t f = 0; f < m->geo->nf; f++) {
        have = have || !isnan(j.v[f]);
    }
    int footer_y = widget_footer(cr, env, w, h, pad, period, &vb, have, fs);
    double top = y + pad * 0.3, bottom = footer_y - pad * 0.3;
    if (!m->loaded) {
        /* What and why: the file's name and the whole reason, wrapped
         * at spaces over as many lines as the cell holds. */
        const char *why = m->load_err;
        const char *slash = strrchr(why, '/');
        why = slash ? slash + 1 : why;
        int maxw = w - 2 * pad;
        int max_lines = (int)((bottom - top) / line_h) - 1;
        double ty = top;
        widget_text(cr, env, vi ? "không đọc được bản đồ"
                                : "cannot read the map",
                    FONT_MEDIUM, px, pad, ty, COLOR_BAD, 1);
        ty += line_h;
        char line[400];
        const char *p = why;
        for (int n = 0; *p && n < max_lines; n++) {
            /* The longest run of words that fits; at least one word. */
            size_t best = 0, len = strlen(p);
            for (size_t k = 1; k <= len && k < sizeof(line); k++) {
                if (p[k] != ' ' && p[k] != '\0') {
                    continue;
                }
                memcpy(line, p, k);
                line[k] = '\0';
                if (best && text_measure(env->text, line, FONT_REGULAR,
                                         px).width > maxw) {
                    break;
                }
                best = k;
            }
            if (!best) {
                best = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
            }
            memcpy(line, p, best);
            line[best] = '\0';
            bool last = n == max_lines - 1 && p[best];
            char *fit = text_ellipsize(env->text, line, FONT_REGULAR, px,
                                       maxw);
            widget_text(cr, env, last ? "\xE2\x80\xA6" : fit, FONT_REGULAR,
                        px, pad, ty, COLOR_TEXT, 1);
            free(fit);
            ty += line_h;
            p += best;
            while (*p == ' ') {
                p++;
            }
        }
        free(j.v);
        return;
    }
    double alpha = widget_state_alpha(widget_bound_state(&vb, fs->now_ms));

    struct chart_classes cls = {0};
    bool classed = false;
    if (have) {
        classed = chart_class_compute(j.v, m->geo->nf, m->method, m->nclasses,
                                      m->thr, &cls);
        /* A diverging ramp is centred on its midpoint: equal classes on
         * each side, so the middle colour means "at the midpoint". */
        if (classed && m->has_mid && m->method != CHART_CLASS_THRESHOLDS &&
            chart_class_ramp_diverging(m->ramp)) {
            int n = cls.n % 2 ? cls.n : cls.n + 1;
            n = n > CHART_CLASS_MAX ? CHART_CLASS_MAX : n;
            double span = fmax(fabs(cls.hi - m->midpoint),
                               fabs(cls.lo - m->midpoint));
            span = span > 0 ? span : 1;
            cls.n = n;
            for (int i = 0; i <= n; i++) {
                cls.brk[i] = m->midpoint - span + 2 * span * i / n;
            }
        }
    }
    struct legend lg;
    int mcount[4];
    marker_counts(m, fs, mcount);
    legend_build(m, classed ? &cls : NULL, &j, mcount, &lg, px, line_h);

    /* Map area and legend: a column right of the map or a block under
     * it, whichever leaves the map larger; never over the map. */
    double ax = pad, aw = w - 2 * pad, ah = bottom - top - line_h * 0.2;
    bool inset = m->islands == ISLANDS_INSET ||
                 (m->islands == ISLANDS_AUTO && aw / ah < 0.95);
    double aspect = inset ? m->aspect_inset : m->aspect_in_place;
    legend_fit(&lg, ah, line_h);
    double col_w = aw - lg.w - px, row_h = ah - lg.h - px * 0.5;
    double h_col = fmin(col_w / aspect, ah), h_row = fmin(aw / aspect, row_h);
    bool legend_col = h_col >= h_row;
    double mh = legend_col ? h_col : h_row, mw = mh * aspect;
    double mx = legend_col ? ax + (aw - mw - px - lg.w) / 2 : ax + (aw - mw) / 2;
    double my = top + line_h * 0.2;
    const struct geo_shape *s = shape_for(m, mx, my, mw, mh, inset);
    double lx = legend_col ? mx + mw + px : fmax(ax, mx);
    double ly = legend_col ? my + mh - lg.h : my + mh + px * 0.5;
    if (legend_col && mh < lg.h) {
        ly = my;
    }

    cairo_pattern_t *hatch = hatch_pattern(env, px);
    for (size_t f = 0; f < m->geo->nf; f++) {
        feature_path(cr, s, m->geo, f);
        int k = classed ? chart_class_of(&cls, j.v[f]) : -1;
        if (k >= 0) {
            struct rgba c = chart_class_color(m->ramp, k, cls.n);
            widget_set_rgba(cr, &c, alpha);
        } else {
            cairo_set_source(cr, hatch);
        }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
        cairo_fill(cr);
    }
    /* Borders: thin, in the background colour, over every fill; stroked
     * once per shape into a mask, then only composited. */
    if (!m->borders || m->borders_w != w || m->borders_h != h) {
        if (m->borders) {
            cairo_surface_destroy(m->borders);
        }
        m->borders = cairo_image_surface_create(CAIRO_FORMAT_A8, w, h);
        m->borders_w = w;
        m->borders_h = h;
        cairo_t *bc = cairo_create(m->borders);
        cairo_set_source_rgba(bc, 0, 0, 0, 1);
        cairo_set_line_width(bc, fmax(0.8, px * 0.05));
        cairo_set_line_join(bc, CAIRO_LINE_JOIN_ROUND);
        for (size_t f = 0; f < m->geo->nf; f++) {
            feature_path(bc, s, m->geo, f);
        }
        cairo_stroke(bc);
        cairo_destroy(bc);
    }
    widget_set_color(cr, env, COLOR_BACKGROUND, 0.9);
    cairo_mask_surface(cr, m->borders, 0, 0);
    struct placed_list pl = {0};
    /* Legend first, then the islands' names, then the call-out, then
     * province names in what room is left. */
    placed_add(&pl, (struct placed){lx, ly, lx + lg.w, ly + lg.h});
    for (int g = GEO_HOANG_SA; g <= GEO_TRUONG_SA; g++) {
        const struct geo_box *b = &s->group_box[g];
        if (b->x1 > b->x0) {
            placed_add(&pl, (struct placed){b->x0, b->y0, b->x1, b->y1});
        }
    }
    draw_archipelagos(m, cr, s, &j, classed ? &cls : NULL, px, w, h, alpha,
                      &pl);

    /* Circles and markers, then the call-out over them (placed clear of
     * them when it can be), then names where room is left. */
    /* The operator's highlight (every map) wins over the layout's. */
    const char *want = fs->aids && fs->aids->highlight ? fs->aids->highlight
                                                        : m->highlight;
    int hl = want ? geo_json_find(m->geo, want) : -1;
    draw_circles(m, cr, s, fs, px);
    marker_boxes(m, s, fs, px, &pl);
    draw_markers(m, cr, s, fs, px);
    if (hl >= 0) {
        draw_highlight(m, cr, s, &j, hl, px, line_h, w, top, bottom, &pl);
    }
    if (m->labels) {
        draw_labels(m, cr, s, &j, px, &pl, hl);
    }
    if (have) {
        legend_draw(m, cr, &lg, lx, ly, (int)(w - pad - lx), px, line_h,
                    hatch, alpha);
    } else {
        char msg[128];
        struct chart_set cs = {.n = 1, .b = {vb}};
        widget_chart_no_data(msg, sizeof(msg), env, &cs, fs);
        widget_text(cr, env, msg, FONT_MEDIUM, px, lx, ly, COLOR_MUTED, 1);
    }
    cairo_pattern_destroy(hatch);
    free(pl.box);
    free(j.v);
}

const struct widget_class widget_map_class = {
    .type = "map",
    .create = map_create,
    .destroy = map_destroy,
    .stamp = map_stamp,
    .paint = map_paint,
    .next_change = map_next_change,
};
