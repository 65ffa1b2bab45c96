/*
 * adapter: payload formats.  Each adapter validates the shape it expects
 * and says precisely what is wrong, since a feed's format is outside input.
 */
#include "feeds/adapter.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"

bool
adapter_format_from_name(const char *name, enum feed_format *out)
{
    if (strcmp(name, "json") == 0) {
        *out = FEED_FORMAT_JSON;
    } else if (strcmp(name, "prometheus") == 0) {
        *out = FEED_FORMAT_PROMETHEUS;
    } else if (strcmp(name, "worldbank") == 0) {
        *out = FEED_FORMAT_WORLDBANK;
    } else {
        return false;
    }
    return true;
}

/* A Prometheus sample [ts, "value"] -> {"t": ms, "value": v|null}. */
static cJSON *
prom_point(const cJSON *pair, double *newest)
{
    const cJSON *ts = cJSON_GetArrayItem(pair, 0);
    const cJSON *val = cJSON_GetArrayItem(pair, 1);
    /* Timestamps are Unix seconds; outside years 1970-9999 a sample is
     * malformed (and would overflow the millisecond clock). */
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2 ||
        !cJSON_IsNumber(ts) || !cJSON_IsString(val) ||
        !(ts->valuedouble >= 0 && ts->valuedouble <= 253402300799.0)) {
        return NULL;
    }
    cJSON *p = cJSON_CreateObject();
    double ms = ts->valuedouble * 1000.0;
    cJSON_AddNumberToObject(p, "t", floor(ms));
    *newest = ms > *newest ? ms : *newest;
    char *end;
    double v = strtod(val->valuestring, &end);
    if (val->valuestring[0] && *end == '\0' && isfinite(v)) {
        cJSON_AddNumberToObject(p, "value", v);
    } else {
        /* NaN, +Inf, -Inf, or text: missing, with what arrived kept. */
        cJSON_AddNullToObject(p, "value");
        cJSON_AddStringToObject(p, "raw", val->valuestring);
    }
    return p;
}

static cJSON *
prometheus(cJSON *in, char *err, size_t errlen)
{
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(in, "status");
    if (!cJSON_IsString(status)) {
        snprintf(err, errlen, "Prometheus: no \"status\"");
        return NULL;
    }
    if (strcmp(status->valuestring, "success") != 0) {
        const cJSON *et = cJSON_GetObjectItemCaseSensitive(in, "errorType");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(in, "error");
        snprintf(err, errlen, "Prometheus: %.40s: %.120s",
                 cJSON_IsString(et) ? et->valuestring : "error",
                 cJSON_IsString(e) ? e->valuestring : "(no message)");
        return NULL;
    }
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(in, "data");
    const cJSON *rtype = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    if (!cJSON_IsString(rtype) || !result) {
        snprintf(err, errlen, "Prometheus: no data.resultType/result");
        return NULL;
    }
    const char *rt = rtype->valuestring;
    cJSON *out = cJSON_CreateObject();
    cJSON *series = cJSON_AddArrayToObject(out, "series");
    double newest = -INFINITY;
    bool bad = false;
    if (strcmp(rt, "scalar") == 0) {
        cJSON *s = cJSON_CreateObject();
        cJSON_AddObjectToObject(s, "metric");
        cJSON *pts = cJSON_AddArrayToObject(s, "points");
        cJSON *p = prom_point(result, &newest);
        bad = !p;
        if (p) {
            cJSON_AddItemToArray(pts, p);
        }
        cJSON_AddItemToArray(series, s);
    } else if (strcmp(rt, "vector") == 0 || strcmp(rt, "matrix") == 0) {
        bool matrix = rt[0] == 'm';
        if (!cJSON_IsArray(result)) {
            bad = true;
        }
        for (const cJSON *r = bad ? NULL : result->child; r && !bad;
             r = r->next) {
            const cJSON *metric = cJSON_GetObjectItemCaseSensitive(r,
                                                                   "metric");
            cJSON *s = cJSON_CreateObject();
            cJSON_AddItemToObject(s, "metric",
                                  cJSON_IsObject(metric)
                                      ? cJSON_Duplicate(metric, 1)
                                      : cJSON_CreateObject());
            cJSON *pts = cJSON_AddArrayToObject(s, "points");
            if (matrix) {
                const cJSON *vals = cJSON_GetObjectItemCaseSensitive(r,
                                                                     "values");
                bad |= !cJSON_IsArray(vals);
                for (const cJSON *v = cJSON_IsArray(vals) ? vals->child : NULL;
                     v && !bad; v = v->next) {
                    cJSON *p = prom_point(v, &newest);
                    bad |= !p;
                    if (p) {
                        cJSON_AddItemToArray(pts, p);
                    }
                }
            } else {
                cJSON *p = prom_point(
                    cJSON_GetObjectItemCaseSensitive(r, "value"), &newest);
                bad |= !p;
                if (p) {
                    cJSON_AddItemToArray(pts, p);
                }
            }
            cJSON_AddItemToArray(series, s);
        }
    } else {
        snprintf(err, errlen, "Prometheus: result type \"%.20s\" is not "
                 "a number series", rt);
        cJSON_Delete(out);
        return NULL;
    }
    if (bad) {
        snprintf(err, errlen, "Prometheus: malformed %s result", rt);
        cJSON_Delete(out);
        return NULL;
    }
    /* Each series' value is its newest point; the top value the first's. */
    for (cJSON *s = series->child; s; s = s->next) {
        cJSON *pts = cJSON_GetObjectItemCaseSensitive(s, "points");
        int n = cJSON_GetArraySize(pts);
        const cJSON *last = n ? cJSON_GetObjectItemCaseSensitive(
                                    cJSON_GetArrayItem(pts, n - 1), "value")
                              : NULL;
        cJSON_AddItemToObject(s, "value", last ? cJSON_Duplicate(last, 0)
                                               : cJSON_CreateNull());
    }
    const cJSON *first = series->child
        ? cJSON_GetObjectItemCaseSensitive(series->child, "value")
        : NULL;
    cJSON_AddItemToObject(out, "value", first ? cJSON_Duplicate(first, 0)
                                              : cJSON_CreateNull());
    if (isfinite(newest)) {
        struct civil_time ct;
        time_to_civil((int64_t)newest, 0, &ct);
        char iso[40];
        snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", ct.year,
                 ct.month, ct.day, ct.hour, ct.minute, ct.second);
        cJSON_AddStringToObject(out, "updated", iso);
    }
    return out;
}

static const char *
str_at(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *
str_or(const cJSON *o, const char *key, const char *def)
{
    const char *s = str_at(o, key);
    return s ? s : def;
}

static cJSON *
make_point(const char *period, const cJSON *value)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "period", period);
    cJSON_AddItemToObject(p, "value", cJSON_IsNumber(value)
                                          ? cJSON_CreateNumber(
                                                value->valuedouble)
                                          : cJSON_CreateNull());
    return p;
}

static int
cmp_period(const void *a, const void *b)
{
    const char *pa = str_at(*(cJSON *const *)a, "period");
    const char *pb = str_at(*(cJSON *const *)b, "period");
    return strcmp(pa ? pa : "", pb ? pb : "");
}

/* Orders a series oldest first (World Bank answers newest first; periods
 * "2023", "2023Q3", "2023M07" sort as text).  Detach, qsort, re-attach:
 * every item stays owned by the array throughout or by us, never lost. */
static void
sort_points(cJSON *points)
{
    int n = cJSON_GetArraySize(points);
    if (n < 2) {
        return;
    }
    cJSON **items = malloc((size_t)n * sizeof(*items));
    if (!items) {
        return; /* unsorted beats lost */
    }
    for (int i = 0; i < n; i++) {
        items[i] = cJSON_DetachItemFromArray(points, 0);
    }
    qsort(items, (size_t)n, sizeof(*items), cmp_period);
    for (int i = 0; i < n; i++) {
        cJSON_AddItemToArray(points, items[i]);
    }
    free(items);
}

static cJSON *
worldbank(const cJSON *in, char *err, size_t errlen)
{
    const cJSON *meta = cJSON_GetArrayItem(in, 0);
    const cJSON *rows = cJSON_GetArrayItem(in, 1);
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(meta, "message");
    if (cJSON_IsArray(in) && cJSON_IsArray(message)) {
        /* [{"message": [{"id", "key", "value"}]}]: the API's error form. */
        const char *msg = str_at(cJSON_GetArrayItem(message, 0), "value");
        snprintf(err, errlen, "World Bank: %.160s", msg ? msg : "error");
        return NULL;
    }
    if (!cJSON_IsArray(in) || !cJSON_IsObject(meta) || !cJSON_IsArray(rows)) {
        snprintf(err, errlen, "World Bank: expected [meta, rows]");
        return NULL;
    }
    const cJSON *pages = cJSON_GetObjectItemCaseSensitive(meta, "pages");
    if (cJSON_IsNumber(pages) && pages->valuedouble > 1) {
        snprintf(err, errlen, "World Bank: answer has %.0f pages; add "
                 "per_page=1000 to the URL", pages->valuedouble);
        return NULL;
    }
    cJSON *out = cJSON_CreateObject();
    const char *updated = str_at(meta, "lastupdated");
    if (updated) {
        cJSON_AddStringToObject(out, "updated", updated);
    }
    cJSON *countries = cJSON_AddObjectToObject(out, "countries");
    bool named = false;
    for (const cJSON *r = rows->child; r; r = r->next) {
        const cJSON *ind = cJSON_GetObjectItemCaseSensitive(r, "indicator");
        const cJSON *ctry = cJSON_GetObjectItemCaseSensitive(r, "country");
        const char *iso = str_at(r, "countryiso3code");
        const char *date = str_at(r, "date");
        const cJSON *value = cJSON_GetObjectItemCaseSensitive(r, "value");
        if (!cJSON_IsObject(r) || !date || !date[0] ||
            (value && !cJSON_IsNumber(value) && !cJSON_IsNull(value))) {
            snprintf(err, errlen, "World Bank: malformed row");
            cJSON_Delete(out);
            return NULL;
        }
        if (!iso || !iso[0]) {
            iso = str_at(ctry, "id");
        }
        if (!iso || !iso[0]) {
            continue; /* aggregates without a code: not a country */
        }
        if (!named && cJSON_IsObject(ind)) {
            cJSON *i = cJSON_AddObjectToObject(out, "indicator");
            cJSON_AddStringToObject(i, "id", str_or(ind, "id", ""));
            cJSON_AddStringToObject(i, "name", str_or(ind, "value", ""));
            named = true;
        }
        cJSON *c = cJSON_GetObjectItemCaseSensitive(countries, iso);
        if (!c) {
            c = cJSON_AddObjectToObject(countries, iso);
            cJSON_AddStringToObject(c, "name", str_or(ctry, "value", iso));
            cJSON_AddStringToObject(c, "unit", str_or(r, "unit", ""));
            const cJSON *dec = cJSON_GetObjectItemCaseSensitive(r, "decimal");
            cJSON_AddNumberToObject(c, "decimals",
                                    cJSON_IsNumber(dec) ? dec->valuedouble
                                                        : 1);
            cJSON_AddArrayToObject(c, "points");
        }
        cJSON *pt = make_point(date, value);
        if (!cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c,
                                                                   "points"),
                                  pt)) {
            cJSON_Delete(pt);
        }
    }
    /* latest / previous: the newest two non-null points. */
    for (cJSON *c = countries->child; c; c = c->next) {
        cJSON *pts = cJSON_GetObjectItemCaseSensitive(c, "points");
        sort_points(pts);
        const cJSON *found[2] = {NULL, NULL};
        for (int i = cJSON_GetArraySize(pts) - 1; i >= 0 && !found[1]; i--) {
            const cJSON *p = cJSON_GetArrayItem(pts, i);
            if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "value"))) {
                found[found[0] ? 1 : 0] = p;
            }
        }
        static const char *const keys[2] = {"latest", "previous"};
        for (int k = 0; k < 2; k++) {
            cJSON_AddItemToObject(c, keys[k], found[k]
                                                  ? cJSON_Duplicate(found[k], 1)
                                                  : cJSON_CreateNull());
        }
    }
    return out;
}

cJSON *
adapter_apply(enum feed_format fmt, cJSON *in, char *err, size_t errlen)
{
    err[0] = '\0';
    if (fmt == FEED_FORMAT_JSON) {
        return in;
    }
    cJSON *out = fmt == FEED_FORMAT_PROMETHEUS ? prometheus(in, err, errlen)
                                               : worldbank(in, err, errlen);
    cJSON_Delete(in);
    return out;
}
