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

cJSON *
adapter_apply(enum feed_format fmt, cJSON *in, char *err, size_t errlen)
{
    err[0] = '\0';
    if (fmt == FEED_FORMAT_JSON) {
        return in;
    }
    cJSON *out = prometheus(in, err, errlen);
    cJSON_Delete(in);
    return out;
}
