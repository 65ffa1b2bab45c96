/*
 * widget_draw: bindings and drawing helpers shared by the widget types, so
 * every widget marks missing, stale and failed data the same way.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "base/xalloc.h"
#include "chart/chart_ticks.h"
#include "text/format.h"
#include "widgets/widget.h"

extern const struct widget_class widget_kpi_class;
extern const struct widget_class widget_text_class;
extern const struct widget_class widget_clock_class;
extern const struct widget_class widget_ticker_class;
extern const struct widget_class widget_image_class;
extern const struct widget_class widget_health_class;
extern const struct widget_class widget_line_class;
extern const struct widget_class widget_bar_class;
extern const struct widget_class widget_gauge_class;
extern const struct widget_class widget_progress_class;
extern const struct widget_class widget_table_class;
extern const struct widget_class widget_donut_class;
extern const struct widget_class widget_map_class;
/* The video widgets live in the opswall_video object library (FFmpeg).
 * Weak: programs built without it (the callgrind benches: valgrind 3.19
 * cannot run the RDTSCP that FFmpeg's libjxl/libhwy executes at load) have
 * no video widget types; opswall and the tests always link it. */
extern const struct widget_class widget_video_class __attribute__((weak));
extern const struct widget_class widget_conference_class
    __attribute__((weak));

const struct widget_class *
widget_class_find(const char *type)
{
    static const struct widget_class *const classes[] = {
        &widget_kpi_class, &widget_text_class, &widget_clock_class,
        &widget_ticker_class, &widget_image_class, &widget_health_class,
        &widget_line_class, &widget_bar_class, &widget_gauge_class,
        &widget_progress_class, &widget_table_class, &widget_donut_class,
        &widget_map_class, &widget_video_class, &widget_conference_class,
    };
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
        if (classes[i] && strcmp(classes[i]->type, type) == 0) {
            return classes[i];
        }
    }
    return NULL;
}

const char *
widget_default_status_ptr(const struct layout_source *src)
{
    return src && src->format && (strcmp(src->format, "sdmx") == 0 ||
                                  strcmp(src->format, "worldbank") == 0)
               ? "/status"
               : NULL;
}

/* The status of the value at pointer p: the binding's own status pointer,
 * else the adapters' "status" beside a ".../value". */
static enum obs_status
bound_status(const cJSON *root, const struct layout_source *src,
             const cJSON *spec, const char *p)
{
    const cJSON *sp = cJSON_GetObjectItemCaseSensitive(spec, "status");
    const cJSON *st = NULL;
    if (cJSON_IsString(sp)) {
        st = jsonptr_get(root, sp->valuestring);
    } else if (widget_default_status_ptr(src)) {
        size_t n = strlen(p);
        static const char tail[] = "/value";
        if (n >= sizeof(tail) - 1 &&
            strcmp(p + n - (sizeof(tail) - 1), tail) == 0) {
            /* Stamps resolve every frame: the stack, unless it is long. */
            char buf[256];
            char *sib = n < sizeof(buf) - 8 ? buf : xmalloc(n + 8);
            memcpy(sib, p, n - (sizeof(tail) - 1));
            strcpy(sib + n - (sizeof(tail) - 1), "/status");
            st = jsonptr_get(root, sib);
            if (sib != buf) {
                free(sib);
            }
        }
    }
    return obs_status_of(cJSON_IsString(st) ? st->valuestring : NULL,
                         src->status_map);
}

struct bound
widget_resolve(const struct widget_env *env, const struct frame_state *fs,
               const cJSON *spec)
{
    struct bound b = {0};
    if (!spec) {
        return b;
    }
    if (!cJSON_IsObject(spec)) {
        b.value = cJSON_IsNull(spec) ? NULL : spec;
        return b;
    }
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(spec, "source");
    const cJSON *ptr = cJSON_GetObjectItemCaseSensitive(spec, "pointer");
    int idx = cJSON_IsString(name)
                  ? layout_source_index(env->layout, name->valuestring)
                  : -1;
    if (idx < 0) {
        return b;
    }
    b.src = &env->layout->sources[idx];
    b.snap = (size_t)idx < fs->nsnapshots ? fs->snapshots[idx] : NULL;
    if (b.snap && b.snap->root) {
        const char *p = cJSON_IsString(ptr) ? ptr->valuestring : "";
        b.value = jsonptr_get(b.snap->root, p);
        if (cJSON_IsNull(b.value)) {
            b.value = NULL;
        }
        b.status = bound_status(b.snap->root, b.src, spec, p);
        if (b.status == OBS_MISSING) {
            b.value = NULL; /* never a number, whatever came */
        }
    }
    return b;
}

const char *
widget_cfg_str(const struct layout_widget *lw, const char *key,
               const char *def)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(lw->config, key);
    return cJSON_IsString(n) ? n->valuestring : def;
}

bool
widget_cfg_bool(const struct layout_widget *lw, const char *key, bool def)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(lw->config, key);
    return cJSON_IsBool(n) ? cJSON_IsTrue(n) : def;
}

int
widget_cfg_int(const struct layout_widget *lw, const char *key, int def)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(lw->config, key);
    return cJSON_IsNumber(n) ? (int)n->valuedouble : def;
}

enum source_state
widget_bound_state(const struct bound *b, int64_t now_ms)
{
    return b->src ? snapshot_state(b->snap, b->src, now_ms)
                  : SOURCE_STATE_OK;
}

void
widget_text_of(char *buf, size_t n, const struct widget_env *env,
               const struct frame_state *fs, const cJSON *spec)
{
    struct bound b = widget_resolve(env, fs, spec);
    snprintf(buf, n, "%s", cJSON_IsString(b.value) ? b.value->valuestring
                                                   : "");
}

uint64_t
widget_stamp_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}

int64_t
frame_video_pts(const struct frame_state *fs, const char *url)
{
    const struct video_clock *c = fs->video;
    for (size_t i = 0; c && url && i < c->n; i++) {
        if (strcmp(c->url[i], url) == 0) {
            return c->pts_us[i];
        }
    }
    return INT64_MIN;
}

const struct recorded_stream *
frame_recorded_stream(const struct frame_state *fs, const char *url)
{
    const struct recorded_streams *r = fs->recorded;
    for (size_t i = 0; r && url && i < r->n; i++) {
        if (r->s[i].url && strcmp(r->s[i].url, url) == 0) {
            return &r->s[i];
        }
    }
    return NULL;
}

uint64_t
widget_stamp_str(uint64_t h, const char *s)
{
    /* FNV-1a over the bytes, then mixed in. */
    uint64_t v = 0;
    if (s) {
        v = 0xcbf29ce484222325ull;
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            v = (v ^ *p) * 0x100000001b3ull;
        }
    }
    return widget_stamp_mix(h, v);
}

int64_t
widget_age_minute(const struct snapshot *snap, int64_t now_ms)
{
    if (!snap || !snap->root) {
        return -1;
    }
    int64_t age = now_ms - snap->as_of_ms;
    return age < 0 ? -2 : age / 60000;
}

int64_t
widget_source_next_change(const struct snapshot *snap,
                          const struct layout_source *src, int64_t now_ms)
{
    if (!snap || !snap->root) {
        return INT64_MAX;
    }
    int64_t age = now_ms - snap->as_of_ms;
    int64_t next = age < 0 ? snap->as_of_ms
                           : snap->as_of_ms + (age / 60000 + 1) * 60000;
    int64_t stale = snap->as_of_ms + src->stale_after_ms + 1;
    int64_t late = snap->attempt_ms + src->every_ms + src->every_ms / 2 + 1;
    if (stale > now_ms && stale < next) {
        next = stale;
    }
    if (late > now_ms && late < next) {
        next = late;
    }
    return next;
}

uint64_t
widget_stamp_spec(const struct widget_env *env, const struct frame_state *fs,
                  const cJSON *spec, uint64_t h)
{
    struct bound b = widget_resolve(env, fs, spec);
    if (b.snap) {
        h = widget_stamp_mix(h, b.snap->generation);
        h = widget_stamp_mix(h, (uint64_t)snapshot_state(b.snap, b.src,
                                                         fs->now_ms));
        h = widget_stamp_mix(h, (uint64_t)widget_age_minute(b.snap,
                                                            fs->now_ms));
    } else {
        h = widget_stamp_mix(h, b.src ? 1 : 2);
    }
    return h;
}

bool
widget_number(const cJSON *v, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return isfinite(*out);
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        /* Strict: the whole string must be a plain number. */
        char *end;
        double d = strtod(v->valuestring, &end);
        if (*end == '\0' && isfinite(d)) {
            *out = d;
            return true;
        }
    }
    return false;
}

bool
widget_bound_number(const struct bound *b, double *out)
{
    if (b->src && b->src->number_locale && cJSON_IsString(b->value)) {
        enum layout_locale loc = strcmp(b->src->number_locale, "en-US") == 0
                                     ? LAYOUT_LOCALE_EN_US
                                     : LAYOUT_LOCALE_VI_VN;
        return format_parse_number(b->value->valuestring, loc, out);
    }
    return widget_number(b->value, out);
}

int
widget_px(const struct widget_env *env, enum text_role role)
{
    int px = (int)lround(env->layout->theme.sizes[role] * env->scale);
    return px < 4 ? 4 : px;
}

const struct rgba *
widget_color(const struct widget_env *env, enum color_role c)
{
    return &env->layout->theme.colors[c];
}

void
widget_set_color(cairo_t *cr, const struct widget_env *env, enum color_role c,
                 double alpha)
{
    const struct rgba *k = widget_color(env, c);
    cairo_set_source_rgba(cr, k->r, k->g, k->b, k->a * alpha);
}

void
widget_rounded_rect(cairo_t *cr, double x, double y, double w, double h,
                    double r)
{
    cairo_new_path(cr);
    cairo_arc(cr, x + w - r, y + r, r, -M_PI / 2, 0);
    cairo_arc(cr, x + w - r, y + h - r, r, 0, M_PI / 2);
    cairo_arc(cr, x + r, y + h - r, r, M_PI / 2, M_PI);
    cairo_arc(cr, x + r, y + r, r, M_PI, 3 * M_PI / 2);
    cairo_close_path(cr);
}

int
widget_panel(cairo_t *cr, const struct widget_env *env, int w, int h)
{
    double s = env->scale;
    double r = 10 * s, lw = fmax(1.0, 2 * s);
    widget_rounded_rect(cr, lw / 2, lw / 2, w - lw, h - lw, r);
    widget_set_color(cr, env, COLOR_PANEL, 1);
    cairo_fill_preserve(cr);
    widget_set_color(cr, env, COLOR_PANEL_BORDER, 1);
    cairo_set_line_width(cr, lw);
    cairo_stroke(cr);
    return (int)lround(28 * s);
}

int
widget_text(cairo_t *cr, const struct widget_env *env, const char *s,
            enum font_weight weight, int px, double x, double y,
            enum color_role color, double alpha)
{
    const struct rgba *k = widget_color(env, color);
    return text_draw(env->text, cr, s, weight, px, x, y, k->r, k->g, k->b,
                     k->a * alpha);
}

int
widget_title_bottom(const struct widget_env *env, const char *title, int pad)
{
    if (!title || !title[0]) {
        return pad;
    }
    int px = widget_px(env, TEXT_ROLE_TITLE);
    return (int)(pad * 0.6) + text_measure(env->text, "Ag", FONT_MEDIUM,
                                           px).height;
}

int
widget_title_fit(cairo_t *cr, const struct widget_env *env, const char *title,
                 int pad, int w, int reserve)
{
    if (!title || !title[0]) {
        return pad;
    }
    int px = widget_px(env, TEXT_ROLE_TITLE);
    char *fit = text_ellipsize(env->text, title, FONT_MEDIUM, px,
                               w - 2 * pad - reserve);
    widget_text(cr, env, fit, FONT_MEDIUM, px, pad, pad * 0.6, COLOR_MUTED, 1);
    free(fit);
    return widget_title_bottom(env, title, pad);
}

int
widget_title(cairo_t *cr, const struct widget_env *env, const char *title,
             int pad, int w)
{
    return widget_title_fit(cr, env, title, pad, w, 0);
}

int
widget_title_width(const struct widget_env *env, const char *title)
{
    return title && title[0]
               ? text_measure(env->text, title, FONT_MEDIUM,
                              widget_px(env, TEXT_ROLE_TITLE)).width
               : 0;
}

double
widget_title_row_y(int pad, int title_bottom, int text_h)
{
    return pad * 0.6 + (title_bottom - pad * 0.6 - text_h) / 2;
}

void
widget_triangle(cairo_t *cr, double x, double y, double s, bool up)
{
    double h = s * 0.8;
    double top = y + (s - h) / 2;
    cairo_new_path(cr);
    if (up) {
        cairo_move_to(cr, x + s / 2, top);
        cairo_line_to(cr, x + s, top + h);
        cairo_line_to(cr, x, top + h);
    } else {
        cairo_move_to(cr, x, top);
        cairo_line_to(cr, x + s, top);
        cairo_line_to(cr, x + s / 2, top + h);
    }
    cairo_close_path(cr);
    cairo_fill(cr);
}

void
widget_freshness(char *buf, size_t n, const struct widget_env *env,
                 const struct snapshot *snap, int64_t now_ms)
{
    buf[0] = '\0';
    if (!snap || !snap->root) {
        return;
    }
    const struct layout *l = env->layout;
    const int vi = l->locale == LAYOUT_LOCALE_VI_VN;
    struct civil_time at, now;
    time_to_civil(snap->as_of_ms, l->utc_offset_min, &at);
    time_to_civil(now_ms, l->utc_offset_min, &now);
    char when[48], age[48];
    format_time(when, sizeof(when), &at, 0);
    if (at.year != now.year || at.month != now.month || at.day != now.day) {
        size_t len = strlen(when);
        if (vi) {
            snprintf(when + len, sizeof(when) - len, " %02d/%02d", at.day,
                     at.month);
        } else {
            snprintf(when + len, sizeof(when) - len, " %02d/%02d", at.month,
                     at.day);
        }
    }
    format_age(age, sizeof(age), now_ms - snap->as_of_ms, l->locale);
    snprintf(buf, n, vi ? "cập nhật %s · %s" : "updated %s · %s", when, age);
}

int
widget_footer(cairo_t *cr, const struct widget_env *env, int w, int h,
              int pad, const char *period_s, const struct bound *val,
              bool have, const struct frame_state *fs)
{
    const int vi = env->layout->locale == LAYOUT_LOCALE_VI_VN;
    enum source_state state = widget_bound_state(val, fs->now_ms);
    int px_small = widget_px(env, TEXT_ROLE_SMALL);
    int line_small = text_measure(env->text, "Ag", FONT_REGULAR,
                                  px_small).height;
    int avail_w = w - 2 * pad;
    /* Footer: period and freshness, always shown; on one line when they
     * fit side by side, else period above freshness. */
    char fresh[160] = "", status[320];
    enum color_role status_color = COLOR_MUTED;
    if (!have) {
        snprintf(status, sizeof(status), "%s%s",
                 val->snap && val->snap->root
                     ? (vi ? "không có số liệu" : "no data")
                     : (vi ? "chưa có số liệu" : "no data yet"),
                 state == SOURCE_STATE_ERROR
                     ? (vi ? " · lỗi nguồn" : " · source error")
                     : "");
        if (state == SOURCE_STATE_ERROR) {
            status_color = COLOR_WARN;
        }
    } else {
        const char *prefix = "";
        if (val->src) {
            widget_freshness(fresh, sizeof(fresh), env, val->snap, fs->now_ms);
            if (state == SOURCE_STATE_STALE) {
                prefix = vi ? "SỐ LIỆU CŨ · " : "STALE · ";
                status_color = COLOR_STALE;
            } else if (state == SOURCE_STATE_ERROR) {
                prefix = vi ? "LỖI NGUỒN · " : "SOURCE ERROR · ";
                status_color = COLOR_WARN;
            } else if (state == SOURCE_STATE_LATE) {
                status_color = COLOR_WARN;
            }
        }
        snprintf(status, sizeof(status), "%s%s", prefix, fresh);
        /* Too long: keep the facts, shortest last: drop the verb, then
         * the clock time, keeping the state and the age. */
        const char *verb = vi ? "cập nhật " : "updated ";
        const char *age = strstr(fresh, " · ");
        if (text_measure(env->text, status, FONT_REGULAR, px_small).width >
                avail_w &&
            strncmp(fresh, verb, strlen(verb)) == 0) {
            snprintf(status, sizeof(status), "%s%s", prefix,
                     fresh + strlen(verb));
        }
        if (text_measure(env->text, status, FONT_REGULAR, px_small).width >
                avail_w && age) {
            snprintf(status, sizeof(status), "%s%s", prefix,
                     age + strlen(" · "));
        }
    }
    /* The period as the wall writes periods ("2026-10" -> "Tháng
     * 10/2026"), and after it the value's status when it is not final,
     * as a word in an outlined tag (read from the back of the room, and
     * not by colour alone). */
    char period_w[128];
    if (period_s[0] && chart_period_write(period_w, sizeof(period_w),
                                          period_s,
                                          env->layout->utc_offset_min,
                                          env->layout->locale)) {
        period_s = period_w;
    }
    const char *tag = have && obs_status_marked(val->status)
                          ? obs_status_label(val->status, env->layout->locale)
                          : "";
    /* Period, tag and freshness flow left to right, each starting a new
     * line when it does not fit after the one before (at most three
     * lines); a dot separates the freshness from what precedes it. */
    int sep = px_small;
    int tag_pad = (int)lround(px_small * 0.35);
    int tw = tag[0] ? text_measure(env->text, tag, FONT_MEDIUM,
                                   px_small).width + 2 * tag_pad : 0;
    int ptw = period_s[0] ? text_measure(env->text, period_s, FONT_MEDIUM,
                                         px_small).width : 0;
    int sw = status[0] ? text_measure(env->text, status, FONT_REGULAR,
                                      px_small).width : 0;
    int item_w[3] = {ptw < avail_w ? ptw : avail_w, tw, sw};
    int line_of[3], x_of[3];
    int lines = 0, x = 0;
    for (int i = 0; i < 3; i++) {
        if (!item_w[i]) {
            continue;
        }
        if (lines == 0 || x + sep + item_w[i] > avail_w) {
            lines++;
            x = 0;
        } else {
            x += sep;
        }
        line_of[i] = lines - 1;
        x_of[i] = x;
        x += item_w[i];
    }
    int footer_y = h - pad - lines * line_small;
    if (ptw) {
        char *fit = text_ellipsize(env->text, period_s, FONT_MEDIUM, px_small,
                                   avail_w);
        widget_text(cr, env, fit, FONT_MEDIUM, px_small, pad, footer_y,
                    COLOR_TEXT, 0.85);
        free(fit);
    }
    if (tw) {
        double tx = pad + x_of[1];
        double ty = footer_y + line_of[1] * line_small;
        double lw = px_small * 0.09 < 1 ? 1 : px_small * 0.09;
        widget_set_color(cr, env, COLOR_WARN, 0.95);
        widget_rounded_rect(cr, tx + lw / 2, ty + lw / 2, tw - lw,
                            line_small - lw, line_small * 0.25);
        cairo_set_line_width(cr, lw);
        cairo_stroke(cr);
        widget_text(cr, env, tag, FONT_MEDIUM, px_small, tx + tag_pad, ty,
                    COLOR_WARN, 1);
    }
    if (sw) {
        int sx = pad + x_of[2];
        double sy = footer_y + line_of[2] * line_small;
        if (x_of[2] > 0) {
            widget_set_color(cr, env, COLOR_MUTED, 0.8);
            cairo_arc(cr, sx - sep / 2.0, sy + line_small * 0.55,
                      px_small * 0.08, 0, 2 * M_PI);
            cairo_fill(cr);
        }
        char *fit = text_ellipsize(env->text, status, FONT_REGULAR, px_small,
                                   w - pad - sx);
        widget_text(cr, env, fit, FONT_REGULAR, px_small, sx, sy,
                    status_color, 1);
        free(fit);
    }

    return footer_y;
}

/* Greedy: as many words per line as fit. */
int
widget_wrap(struct text_cache *tc, const char *s, enum font_weight wt, int px,
     int max_w, char **lines, int max_lines)
{
    int n = 0;
    const char *p = s;
    while (*p && n < max_lines) {
        while (*p == ' ') {
            p++;
        }
        if (!*p) {
            break;
        }
        const char *end = p, *best = NULL;
        for (;;) {
            const char *next = end;
            while (*next && *next != ' ' && *next != '\n') {
                next++;
            }
            char *cand = xstrndup(p, (size_t)(next - p));
            bool fits = text_measure(tc, cand, wt, px).width <= max_w;
            free(cand);
            if (!fits && best) {
                break;
            }
            best = next;
            if (!fits || !*next || *next == '\n') {
                break;
            }
            end = next + 1;
        }
        lines[n++] = xstrndup(p, (size_t)(best - p));
        p = *best == '\n' ? best + 1 : best;
    }
    if (*p && n > 0) {
        /* Text left over: mark the cut on the last line. */
        char *last = xasprintf("%s …", lines[n - 1]);
        free(lines[n - 1]);
        lines[n - 1] = last;
    }
    return n;
}
