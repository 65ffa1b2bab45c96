/*
 * widget_chart: shared reading and drawing for chart widgets, so every
 * chart marks missing, stale and failed data the same way.
 */
#include "widgets/widget_chart.h"

#include "base/timeutil.h"
#include "text/format.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG_MODULE "chart"
#include "base/log.h"

static int
spec_count(const cJSON *specs)
{
    if (cJSON_IsArray(specs)) {
        int n = cJSON_GetArraySize(specs);
        return n > WIDGET_CHART_MAX_SERIES ? WIDGET_CHART_MAX_SERIES : n;
    }
    return cJSON_IsObject(specs) ? 1 : 0;
}

static const cJSON *
spec_at(const cJSON *specs, int i)
{
    return cJSON_IsArray(specs) ? cJSON_GetArrayItem(specs, i) : specs;
}

static const char *
spec_str(const cJSON *spec, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(spec, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

void
widget_chart_read(struct chart_set *cs, const struct widget_env *env,
                  const struct frame_state *fs, const cJSON *specs,
                  enum chart_x_kind kind)
{
    memset(cs, 0, sizeof(*cs));
    cs->n = spec_count(specs);
    for (int i = 0; i < cs->n; i++) {
        const cJSON *spec = spec_at(specs, i);
        cs->b[i] = widget_resolve(env, fs, spec);
        cs->label[i] = spec_str(spec, "label");
        const char *col = spec_str(spec, "color");
        if (!col || !chart_palette_parse(col, &cs->color[i])) {
            cs->color[i] = chart_palette_category((size_t)i);
        }
        int loc = -1;
        const struct layout_source *src = cs->b[i].src;
        if (src && src->number_locale) {
            loc = strcmp(src->number_locale, "en-US") == 0
                      ? LAYOUT_LOCALE_EN_US
                      : LAYOUT_LOCALE_VI_VN;
        }
        struct chart_series_opts o = {
            .x = spec_str(spec, "x"),
            .y = spec_str(spec, "y"),
            .label = spec_str(spec, "name"),
            .kind = kind,
            .utc_offset_min = env->layout->utc_offset_min,
            .number_locale = loc,
            .status = spec_str(spec, "status"),
            .status_map = src ? src->status_map : NULL,
        };
        if (!o.status) {
            o.status = widget_default_status_ptr(src);
        }
        char err[128];
        if (!cs->b[i].value) {
            memset(&cs->s[i], 0, sizeof(cs->s[i]));
            continue;
        }
        cs->ok[i] = chart_series_read(cs->b[i].value, &o, &cs->s[i], err,
                                      sizeof(err));
        if (!cs->ok[i]) {
            LOG_DBG("series %d: %s", i, err);
        }
        cs->nvalid += cs->s[i].nvalid;
    }
}

void
widget_chart_fini(struct chart_set *cs)
{
    for (int i = 0; i < cs->n; i++) {
        chart_series_fini(&cs->s[i]);
    }
}

static void
cache_drop(struct chart_cache *cc)
{
    if (cc->valid) {
        widget_chart_fini(&cc->cs);
    }
    for (int i = 0; i < WIDGET_CHART_MAX_SERIES; i++) {
        if (cc->snap[i]) {
            snapshot_unref(cc->snap[i]);
        }
        cc->snap[i] = NULL;
        cc->value[i] = NULL;
    }
    cc->valid = false;
}

const struct chart_set *
widget_chart_get(struct chart_cache *cc, const struct widget_env *env,
                 const struct frame_state *fs, const cJSON *specs,
                 enum chart_x_kind kind, size_t last)
{
    int n = spec_count(specs);
    struct bound b[WIDGET_CHART_MAX_SERIES];
    bool same = cc->valid && cc->kind == kind && cc->cs.n == n;
    for (int i = 0; i < n; i++) {
        b[i] = widget_resolve(env, fs, spec_at(specs, i));
        same = same && b[i].value == cc->value[i];
    }
    if (same) {
        /* Same JSON nodes, held alive by our references: same points.
         * Only the bindings (snapshot, for state and age) move on. */
        for (int i = 0; i < n; i++) {
            cc->cs.b[i] = b[i];
        }
        return &cc->cs;
    }
    cache_drop(cc);
    widget_chart_read(&cc->cs, env, fs, specs, kind);
    cc->reads++;
    if (last > 0) {
        cc->cs.nvalid = 0;
        for (int i = 0; i < cc->cs.n; i++) {
            chart_series_keep_last(&cc->cs.s[i], last);
            cc->cs.nvalid += cc->cs.s[i].nvalid;
        }
    }
    for (int i = 0; i < n; i++) {
        cc->value[i] = cc->cs.b[i].value;
        if (cc->cs.b[i].snap) {
            cc->snap[i] = snapshot_ref((struct snapshot *)cc->cs.b[i].snap);
        }
    }
    cc->kind = kind;
    cc->valid = true;
    return &cc->cs;
}

void
widget_chart_cache_fini(struct chart_cache *cc)
{
    cache_drop(cc);
}

static int
severity(enum source_state st)
{
    switch (st) {
    case SOURCE_STATE_ERROR:
        return 4;
    case SOURCE_STATE_STALE:
        return 3;
    case SOURCE_STATE_LATE:
        return 2;
    case SOURCE_STATE_NO_DATA:
        return 1;
    default:
        return 0;
    }
}

struct bound
widget_chart_worst(const struct chart_set *cs, const struct frame_state *fs)
{
    struct bound worst = {0};
    int ws = -1;
    for (int i = 0; i < cs->n; i++) {
        if (!cs->b[i].src) {
            continue;
        }
        int s = severity(snapshot_state(cs->b[i].snap, cs->b[i].src,
                                        fs->now_ms));
        if (s > ws) {
            ws = s;
            worst = cs->b[i];
        }
    }
    return worst;
}

uint64_t
widget_chart_stamp(const struct widget_env *env, const struct frame_state *fs,
                   const cJSON *specs, uint64_t h)
{
    int n = spec_count(specs);
    for (int i = 0; i < n; i++) {
        h = widget_stamp_spec(env, fs, spec_at(specs, i), h);
    }
    return h;
}

int64_t
widget_chart_next_change(const struct widget_env *env,
                         const struct frame_state *fs, const cJSON *specs)
{
    int64_t next = INT64_MAX;
    int n = spec_count(specs);
    for (int i = 0; i < n; i++) {
        struct bound b = widget_resolve(env, fs, spec_at(specs, i));
        if (b.src) {
            int64_t t = widget_source_next_change(b.snap, b.src, fs->now_ms);
            next = t < next ? t : next;
        }
    }
    return next;
}

unsigned
widget_chart_statuses(const struct chart_set *cs)
{
    unsigned st = 0;
    for (int i = 0; i < cs->n; i++) {
        st |= cs->s[i].statuses;
    }
    return st;
}

/* "sơ bộ, ước tính": the marked statuses present, each label once. */
static void
status_words(char *buf, size_t n, unsigned statuses, enum layout_locale loc)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int s = 0; s < OBS_COUNT; s++) {
        if (!(statuses & (1u << s)) || !obs_status_preliminary(s)) {
            continue;
        }
        int k = snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
                         obs_status_label(s, loc));
        if (k < 0 || (size_t)k >= n - len) {
            break;
        }
        len += (size_t)k;
    }
}

void
widget_hatch(cairo_t *cr, double x, double y, double w, double h,
             double spacing, double line_w)
{
    cairo_save(cr);
    cairo_rectangle(cr, x, y, w, h);
    cairo_clip(cr);
    cairo_set_line_width(cr, line_w);
    for (double d = -h; d < w; d += spacing) {
        cairo_move_to(cr, x + d, y + h);
        cairo_line_to(cr, x + d + h, y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* One legend entry's swatch, sw wide, centred on the row at by. */
enum swatch { SWATCH_SERIES, SWATCH_HOLLOW, SWATCH_HATCH, SWATCH_BREAK };

static void
swatch(cairo_t *cr, const struct widget_env *env, enum swatch k,
       const struct rgba *color, double x, double by, int sw, int px)
{
    double lw = fmax(2, px * 0.14);
    cairo_set_line_width(cr, lw);
    switch (k) {
    case SWATCH_SERIES:
        widget_set_rgba(cr, color, 1);
        cairo_move_to(cr, x, by);
        cairo_line_to(cr, x + sw, by);
        cairo_stroke(cr);
        break;
    case SWATCH_HOLLOW: {
        /* A dashed stroke into a hollow point, as the line draws them. */
        double r = px * 0.22;
        double dash[2] = {lw * 1.5, lw * 1.2};
        widget_set_color(cr, env, COLOR_TEXT, 0.9);
        cairo_set_dash(cr, dash, 2, 0);
        cairo_move_to(cr, x, by);
        cairo_line_to(cr, x + sw - 2 * r, by);
        cairo_stroke(cr);
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_width(cr, lw * 0.8);
        cairo_new_sub_path(cr);
        cairo_arc(cr, x + sw - r, by, r, 0, 2 * M_PI);
        cairo_stroke(cr);
        break;
    }
    case SWATCH_HATCH: {
        double hh = px * 0.6;
        widget_set_color(cr, env, COLOR_TEXT, 0.9);
        widget_hatch(cr, x, by - hh / 2, sw, hh, px * 0.22,
                     fmax(1, px * 0.07));
        cairo_set_line_width(cr, fmax(1, px * 0.07));
        cairo_rectangle(cr, x, by - hh / 2, sw, hh);
        cairo_stroke(cr);
        break;
    }
    case SWATCH_BREAK: {
        /* Two pieces of line, each ended by a bar: "—| |—". */
        double t = px * 0.25;
        widget_set_color(cr, env, COLOR_TEXT, 0.9);
        cairo_move_to(cr, x, by);
        cairo_line_to(cr, x + sw * 0.35, by);
        cairo_move_to(cr, x + sw * 0.65, by);
        cairo_line_to(cr, x + sw, by);
        cairo_move_to(cr, x + sw * 0.35, by - t);
        cairo_line_to(cr, x + sw * 0.35, by + t);
        cairo_move_to(cr, x + sw * 0.65, by - t);
        cairo_line_to(cr, x + sw * 0.65, by + t);
        cairo_stroke(cr);
        break;
    }
    }
}

struct legend_entry {
    const char *text;
    enum swatch k;
    const struct rgba *color;
    int width;
};

bool
widget_chart_legend(cairo_t *cr, const struct widget_env *env,
                    const struct chart_set *cs, double x_right, double y,
                    int max_w, unsigned what)
{
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int sw = (int)lround(px * 0.9), gap = (int)lround(px * 0.35);
    /* Entries: the series, then what the marks of statuses mean. */
    struct legend_entry e[WIDGET_CHART_MAX_SERIES + 2];
    int n = 0;
    for (int i = 0; (what & CHART_LEGEND_SERIES) && i < cs->n; i++) {
        if (cs->label[i]) {
            e[n++] = (struct legend_entry){cs->label[i], SWATCH_SERIES,
                                    &cs->color[i], 0};
        }
    }
    unsigned st = widget_chart_statuses(cs);
    char words[160];
    status_words(words, sizeof(words), st, env->layout->locale);
    if (words[0] && (what & (CHART_LEGEND_STATUS_LINE |
                             CHART_LEGEND_STATUS_BAR))) {
        e[n++] = (struct legend_entry){words, (what & CHART_LEGEND_STATUS_BAR)
                                           ? SWATCH_HATCH
                                           : SWATCH_HOLLOW, NULL, 0};
    }
    if ((st & (1u << OBS_BREAK)) && (what & CHART_LEGEND_STATUS_LINE)) {
        e[n++] = (struct legend_entry){obs_status_label(OBS_BREAK,
                                                 env->layout->locale),
                                SWATCH_BREAK, NULL, 0};
    }
    int total = 0;
    for (int i = 0; i < n; i++) {
        e[i].width = text_measure(env->text, e[i].text, FONT_REGULAR,
                                  px).width;
        total += sw + gap + e[i].width + px;
    }
    if (total == 0 || total - px > max_w) {
        return false;
    }
    struct text_extent te = text_measure(env->text, "Ag", FONT_REGULAR, px);
    double x = x_right - (total - px);
    double cap = px * LAYOUT_CAP_HEIGHT_RATIO;
    double by = y + te.ascent - cap / 2;
    for (int i = 0; i < n; i++) {
        swatch(cr, env, e[i].k, e[i].color, x, by, sw, px);
        widget_text(cr, env, e[i].text, FONT_REGULAR, px, x + sw + gap, y,
                    COLOR_TEXT, 0.9);
        x += sw + gap + e[i].width + px;
    }
    return true;
}

void
widget_chart_tick_labels(const struct widget_env *env,
                         const struct chart_scale *sc, double div,
                         struct chart_tick_labels *out)
{
    int px = widget_px(env, TEXT_ROLE_SMALL);
    double step = sc->step / div;
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    out->n = sc->count < WIDGET_CHART_MAX_TICKS ? sc->count
                                                : WIDGET_CHART_MAX_TICKS;
    out->width = 0;
    for (int i = 0; i < out->n; i++) {
        format_number(out->text[i], sizeof(out->text[i]),
                      (sc->lo + i * sc->step) / div, dec,
                      env->layout->locale);
        int tw = text_measure(env->text, out->text[i], FONT_REGULAR,
                              px).width;
        out->width = tw > out->width ? tw : out->width;
    }
}

bool
widget_chart_title_legend(cairo_t *cr, const struct widget_env *env,
                          const struct chart_set *cs, const char *title,
                          int pad, int title_bottom, int w, unsigned what)
{
    int px = widget_px(env, TEXT_ROLE_SMALL);
    int line_h = text_measure(env->text, "Ag", FONT_REGULAR, px).height;
    return widget_chart_legend(cr, env, cs, w - pad,
                               widget_title_row_y(pad, title_bottom, line_h),
                               w - 2 * pad - widget_title_width(env, title) -
                                   px, what);
}

void
widget_chart_message(cairo_t *cr, const struct widget_env *env, double x,
                     double y, double w, double h, const char *text,
                     enum color_role color)
{
    int px = widget_px(env, TEXT_ROLE_BODY);
    char *fit = text_ellipsize(env->text, text, FONT_MEDIUM, px, (int)w);
    struct text_extent e = text_measure(env->text, fit, FONT_MEDIUM, px);
    widget_text(cr, env, fit, FONT_MEDIUM, px, x + (w - e.width) / 2,
                y + (h - e.height) / 2, color, 1);
    free(fit);
}

void
widget_chart_no_data(char *buf, size_t n, const struct widget_env *env,
                     const struct chart_set *cs, const struct frame_state *fs)
{
    const bool vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    bool fetched = false, failed = false;
    for (int i = 0; i < cs->n; i++) {
        fetched = fetched || (cs->b[i].snap && cs->b[i].snap->root);
        failed = failed || (cs->b[i].src &&
                            snapshot_state(cs->b[i].snap, cs->b[i].src,
                                           fs->now_ms) == SOURCE_STATE_ERROR);
    }
    snprintf(buf, n, "%s%s",
             fetched ? (vi ? "không có số liệu" : "no data")
                     : (vi ? "chưa có số liệu" : "no data yet"),
             failed ? (vi ? " · lỗi nguồn" : " · source error") : "");
}

enum color_role
widget_threshold_color(const cJSON *thresholds, double v, enum color_role def)
{
    static const char *const names[] = {"good", "bad", "warn", "accent",
                                        "text", "muted"};
    static const enum color_role roles[] = {COLOR_GOOD, COLOR_BAD, COLOR_WARN,
                                            COLOR_ACCENT, COLOR_TEXT,
                                            COLOR_MUTED};
    for (const cJSON *t = thresholds ? thresholds->child : NULL; t;
         t = t->next) {
        const cJSON *above = cJSON_GetObjectItemCaseSensitive(t, "above");
        const cJSON *below = cJSON_GetObjectItemCaseSensitive(t, "below");
        bool match = (!above || v >= above->valuedouble) &&
                     (!below || v < below->valuedouble);
        if (!match) {
            continue;
        }
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(t, "color");
        for (size_t i = 0; i < 6 && cJSON_IsString(c); i++) {
            if (strcmp(names[i], c->valuestring) == 0) {
                return roles[i];
            }
        }
    }
    return def;
}

double
widget_state_alpha(enum source_state st)
{
    return st == SOURCE_STATE_STALE ? 0.5 : 1.0;
}

void
widget_set_rgba(cairo_t *cr, const struct rgba *c, double alpha)
{
    cairo_set_source_rgba(cr, c->r, c->g, c->b, c->a * alpha);
}

bool
widget_chart_sparkline(cairo_t *cr, const struct widget_env *env,
                       const struct frame_state *fs, const cJSON *spec,
                       double x, double y, double w, double h, double alpha)
{
    struct chart_set cs;
    widget_chart_read(&cs, env, fs, spec, CHART_X_AUTO);
    const struct chart_series *s = &cs.s[0];
    if (cs.n < 1 || s->nvalid < 2 || w < 4 || h < 2) {
        widget_chart_fini(&cs);
        return false;
    }
    double x0 = s->pts[0].x, x1 = s->pts[s->n - 1].x;
    double y0 = s->ymin, y1 = s->ymax;
    if (y1 <= y0) {
        y0 -= 1;
        y1 += 1;
    }
    struct chart_xy *path = NULL;
    size_t k = chart_series_reduce(s, x0, x1, (int)w, &path);
    double lw = fmax(1.5, widget_px(env, TEXT_ROLE_SMALL) * 0.07);
    double iy = y + lw, ih = h - 2 * lw;
#define SX(v) (x1 > x0 ? x + ((v) - x0) / (x1 - x0) * w : x + w / 2)
#define SY(v) (iy + ih - ((v) - y0) / (y1 - y0) * ih)
    widget_set_color(cr, env, COLOR_ACCENT, 0.85 * alpha);
    cairo_set_line_width(cr, lw);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (size_t i = 0; i < k; i++) {
        if (path[i].move) {
            cairo_move_to(cr, SX(path[i].x), SY(path[i].y));
        } else {
            cairo_line_to(cr, SX(path[i].x), SY(path[i].y));
        }
    }
    cairo_stroke(cr);
    const struct chart_point *last = &s->pts[s->last_valid];
    cairo_arc(cr, SX(last->x), SY(last->y), lw * 1.8, 0, 2 * M_PI);
    cairo_fill(cr);
#undef SX
#undef SY
    free(path);
    widget_chart_fini(&cs);
    return true;
}

void
widget_anim_init(struct widget_anim *a, const struct layout_widget *lw)
{
    memset(a, 0, sizeof(*a));
    const char *d = widget_cfg_str(lw, "animate", NULL);
    if (!d || !time_parse_duration(d, &a->dur_ms) || a->dur_ms < 0) {
        a->dur_ms = 0;
    }
}

static double
anim_progress(const struct widget_anim *a, int64_t now_ms)
{
    if (a->dur_ms <= 0 || now_ms >= a->t0 + a->dur_ms) {
        return 1;
    }
    double t = now_ms <= a->t0 ? 0 : (double)(now_ms - a->t0) / a->dur_ms;
    double u = 1 - t;
    return 1 - u * u * u; /* ease out: fast start, calm arrival */
}

double
widget_anim_at(const struct widget_anim *a, int i, int64_t now_ms)
{
    if (i < 0 || i >= a->n) {
        return NAN;
    }
    double from = a->from[i], to = a->to[i];
    if (isnan(from) || isnan(to)) {
        return to;
    }
    return from + (to - from) * anim_progress(a, now_ms);
}

bool
widget_anim_running(const struct widget_anim *a, int64_t now_ms)
{
    return a->dur_ms > 0 && a->seen && now_ms >= a->t0 &&
           now_ms < a->t0 + a->dur_ms;
}

static bool
same_value(double x, double y)
{
    return (isnan(x) && isnan(y)) || x == y;
}

void
widget_anim_target(struct widget_anim *a, const double *v, int n,
                   int64_t now_ms)
{
    bool jump = a->dur_ms <= 0 || !a->seen || n != a->n ||
                n > WIDGET_ANIM_MAX;
    if (n > WIDGET_ANIM_MAX) {
        n = WIDGET_ANIM_MAX;
    }
    bool changed = false;
    for (int i = 0; i < n && !jump; i++) {
        changed = changed || !same_value(v[i], a->to[i]);
    }
    if (jump) {
        for (int i = 0; i < n; i++) {
            a->from[i] = a->to[i] = v[i];
        }
        a->n = n;
        a->seen = true;
        a->t0 = now_ms - a->dur_ms;
        return;
    }
    if (!changed) {
        return;
    }
    for (int i = 0; i < n; i++) {
        /* From where the graphic is now, so a change during a move
         * continues from there without a jump. */
        a->from[i] = widget_anim_at(a, i, now_ms);
        a->to[i] = v[i];
    }
    a->t0 = now_ms;
}

uint64_t
widget_anim_stamp(const struct widget_anim *a, int64_t now_ms, uint64_t h)
{
    if (!widget_anim_running(a, now_ms)) {
        return widget_stamp_mix(h, 0x414e494d);
    }
    return widget_stamp_mix(h, (uint64_t)((now_ms - a->t0) /
                                          WIDGET_ANIM_FRAME_MS) + 1);
}

int64_t
widget_anim_next_change(const struct widget_anim *a, int64_t now_ms,
                        int64_t other)
{
    if (!widget_anim_running(a, now_ms)) {
        return other;
    }
    int64_t next = a->t0 + ((now_ms - a->t0) / WIDGET_ANIM_FRAME_MS + 1) *
                               WIDGET_ANIM_FRAME_MS;
    if (next > a->t0 + a->dur_ms) {
        next = a->t0 + a->dur_ms;
    }
    return next < other ? next : other;
}
