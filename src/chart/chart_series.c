/*
 * chart_series: reading series out of JSON and M4 reduction.  M4 (first,
 * min, max, last per pixel column) is chosen over LTTB because it is
 * exact for a rasterised line at the target width and costs one pass.
 */
#include "chart/chart_series.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "feeds/obs_status.h"
#include "feeds/snapshot.h"
#include "text/format.h"

static const char *const default_x[] = {"/t", "/period", "/date", "/time",
                                        "/x", "/label", "/name"};
static const char *const default_y[] = {"/value", "/y", "/v"};

static const cJSON *
first_of(const cJSON *el, const char *ptr, const char *const *defs,
         size_t ndefs)
{
    if (ptr) {
        return jsonptr_get(el, ptr);
    }
    for (size_t i = 0; i < ndefs; i++) {
        const cJSON *v = jsonptr_get(el, defs[i]);
        if (v) {
            return v;
        }
    }
    return NULL;
}

/* A number, or a string holding one: plain decimal (no hex, inf, nan or
 * spaces), or in the source's locale. */
static bool
read_number(const cJSON *v, int locale, double *out)
{
    if (cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return isfinite(*out);
    }
    if (!cJSON_IsString(v) || !v->valuestring[0]) {
        return false;
    }
    const char *s = v->valuestring;
    if (locale >= 0) {
        return format_parse_number(s, (enum layout_locale)locale, out);
    }
    if (strpbrk(s, "xXnNiI \t\n")) {
        return false;
    }
    char *end;
    double d = strtod(s, &end);
    if (*end != '\0' || !isfinite(d)) {
        return false;
    }
    *out = d;
    return true;
}

static int
cmp_x(const void *a, const void *b)
{
    const struct chart_point *p = a, *q = b;
    return p->x < q->x ? -1 : p->x > q->x ? 1 : 0;
}

static void
series_stats(struct chart_series *out)
{
    size_t n = out->n;
    out->nvalid = 0;
    out->ymin = out->ymax = NAN;
    out->last_valid = n;
    out->statuses = 0;
    for (size_t i = 0; i < n; i++) {
        double y = out->pts[i].y;
        if (isnan(y)) {
            continue;
        }
        out->statuses |= 1u << out->pts[i].status;
        out->nvalid++;
        out->last_valid = i;
        if (isnan(out->ymin) || y < out->ymin) {
            out->ymin = y;
        }
        if (isnan(out->ymax) || y > out->ymax) {
            out->ymax = y;
        }
    }
}

bool
chart_series_read(const cJSON *arr, const struct chart_series_opts *o,
                  struct chart_series *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    out->ymin = out->ymax = NAN;
    if (!cJSON_IsArray(arr)) {
        snprintf(err, errlen, "not an array");
        return false;
    }
    size_t n = 0;
    for (const cJSON *el = arr->child; el; el = el->next) {
        if (++n > CHART_MAX_POINTS) {
            snprintf(err, errlen, "more than %d points", CHART_MAX_POINTS);
            return false;
        }
    }
    out->pts = n ? xcalloc(n, sizeof(*out->pts)) : NULL;
    out->n = n;
    bool all_time = n > 0;
    enum chart_period finest = CHART_PERIOD_YEAR;
    size_t i = 0;
    for (const cJSON *el = arr->child; el; el = el->next, i++) {
        struct chart_point *p = &out->pts[i];
        const cJSON *xv = NULL, *yv = el, *lv = NULL;
        if (cJSON_IsArray(el)) {
            xv = cJSON_GetArrayItem(el, 0);
            yv = cJSON_GetArrayItem(el, 1);
        } else if (cJSON_IsObject(el)) {
            xv = first_of(el, o->x, default_x, 7);
            yv = first_of(el, o->y, default_y, 3);
            if (o->label) {
                lv = jsonptr_get(el, o->label);
            }
        }
        p->x = (double)i;
        p->y = NAN;
        double y;
        if (o->status && cJSON_IsObject(el)) {
            const cJSON *st = jsonptr_get(el, o->status);
            p->status = (uint8_t)obs_status_of(
                cJSON_IsString(st) ? st->valuestring : NULL, o->status_map);
        }
        if (p->status != OBS_MISSING &&
            read_number(yv, o->number_locale, &y)) {
            p->y = y;
        }
        if (cJSON_IsString(lv)) {
            p->label = lv->valuestring;
        } else if (cJSON_IsString(xv)) {
            p->label = xv->valuestring;
        }
        /* Is x a time? */
        int64_t t = 0;
        enum chart_period per = CHART_PERIOD_NONE;
        if (cJSON_IsString(xv)) {
            per = chart_period_parse(xv->valuestring, o->utc_offset_min, &t);
        } else if (cJSON_IsNumber(xv) && isfinite(xv->valuedouble) &&
                   fabs(xv->valuedouble) < 1e15) {
            /* Numbers as x are epoch milliseconds, as the adapters write
             * them ("t"). */
            per = CHART_PERIOD_INSTANT;
            t = (int64_t)xv->valuedouble;
        }
        if (per == CHART_PERIOD_NONE) {
            all_time = false;
        } else {
            p->x = (double)t;
            if (per < finest) {
                finest = per;
            }
        }
    }
    out->kind = o->kind;
    if (out->kind == CHART_X_AUTO) {
        out->kind = all_time ? CHART_X_TIME : CHART_X_CATEGORY;
    }
    if (out->kind == CHART_X_TIME && !all_time) {
        /* Asked for a time axis but some x are not times: they cannot be
         * placed honestly. */
        snprintf(err, errlen, "x is not a time or period in every point");
        chart_series_fini(out);
        out->ymin = out->ymax = NAN;
        return false;
    }
    if (out->kind == CHART_X_CATEGORY) {
        for (i = 0; i < n; i++) {
            out->pts[i].x = (double)i;
        }
    } else {
        out->period = finest;
        bool sorted = true;
        for (i = 1; i < n && sorted; i++) {
            sorted = out->pts[i - 1].x <= out->pts[i].x;
        }
        if (!sorted) {
            qsort(out->pts, n, sizeof(*out->pts), cmp_x);
        }
    }
    series_stats(out);
    return true;
}

void
chart_series_keep_last(struct chart_series *s, size_t n)
{
    if (s->n <= n) {
        return;
    }
    memmove(s->pts, s->pts + (s->n - n), n * sizeof(*s->pts));
    s->n = n;
    series_stats(s);
}

void
chart_series_fini(struct chart_series *s)
{
    free(s->pts);
    memset(s, 0, sizeof(*s));
}

size_t
chart_series_reduce(const struct chart_series *s, double x0, double x1,
                    int columns, struct chart_xy **out)
{
    *out = NULL;
    if (!s->nvalid || columns < 1) {
        return 0;
    }
    bool reduce = s->n > 4 * (size_t)columns;
    size_t cap = reduce ? 4 * (size_t)columns + 16 : s->n + 1;
    struct chart_xy *o = xcalloc(cap, sizeof(*o));
    size_t k = 0;
    bool pen_up = true;
    double span = x1 > x0 ? x1 - x0 : 1;
    size_t i = 0;
    while (i < s->n) {
        const struct chart_point *p = &s->pts[i];
        if (isnan(p->y) || p->x < x0 || p->x > x1) {
            pen_up = pen_up || isnan(p->y);
            i++;
            continue;
        }
        /* A break in the series is drawn as one: no line into it. */
        pen_up = pen_up || p->status == OBS_BREAK;
        if (!reduce) {
            o[k++] = (struct chart_xy){p->x, p->y, pen_up, p->status};
            pen_up = false;
            i++;
            continue;
        }
        /* One column of one run: first, min, max, last in index order. */
        long col = (long)floor((p->x - x0) / span * columns);
        size_t first = i, last = i, lo = i, hi = i;
        i++;
        while (i < s->n && !isnan(s->pts[i].y) && s->pts[i].x <= x1 &&
               s->pts[i].status != OBS_BREAK &&
               (long)floor((s->pts[i].x - x0) / span * columns) == col) {
            if (s->pts[i].y < s->pts[lo].y) {
                lo = i;
            }
            if (s->pts[i].y > s->pts[hi].y) {
                hi = i;
            }
            last = i++;
        }
        size_t pick[4] = {first, lo < hi ? lo : hi, lo < hi ? hi : lo, last};
        for (int j = 0; j < 4; j++) {
            if (j > 0 && pick[j] == pick[j - 1]) {
                continue;
            }
            if (k + 1 >= cap) {
                cap *= 2;
                o = xrealloc(o, cap * sizeof(*o));
            }
            o[k++] = (struct chart_xy){s->pts[pick[j]].x, s->pts[pick[j]].y,
                                       pen_up, s->pts[pick[j]].status};
            pen_up = false;
        }
    }
    *out = o;
    return k;
}
