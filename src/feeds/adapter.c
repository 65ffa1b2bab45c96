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
#include "feeds/obs_status.h"

bool
adapter_format_from_name(const char *name, enum feed_format *out)
{
    if (strcmp(name, "json") == 0) {
        *out = FEED_FORMAT_JSON;
    } else if (strcmp(name, "prometheus") == 0) {
        *out = FEED_FORMAT_PROMETHEUS;
    } else if (strcmp(name, "worldbank") == 0) {
        *out = FEED_FORMAT_WORLDBANK;
    } else if (strcmp(name, "sdmx") == 0) {
        *out = FEED_FORMAT_SDMX;
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

/* Adds an observation's status as published ("P"), when it has one; a
 * missing-value code (M, L, O, Q, H) makes the value null whatever number
 * came with it (some offices send 0 or a placeholder). */
static void
add_status(cJSON *pt, const char *status)
{
    if (!status || !status[0]) {
        return;
    }
    cJSON_AddStringToObject(pt, "status", status);
    if (obs_status_of(status, NULL) == OBS_MISSING) {
        cJSON_ReplaceItemInObjectCaseSensitive(pt, "value",
                                               cJSON_CreateNull());
    }
}

static cJSON *
make_point(const char *period, const cJSON *value, const char *status)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "period", period);
    cJSON_AddItemToObject(p, "value", cJSON_IsNumber(value)
                                          ? cJSON_CreateNumber(
                                                value->valuedouble)
                                          : cJSON_CreateNull());
    add_status(p, status);
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

/* Sorts a series' points and adds "latest" and "previous": its newest two
 * non-null points (null when there are none). */
static void
finish_series(cJSON *series)
{
    cJSON *pts = cJSON_GetObjectItemCaseSensitive(series, "points");
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
        cJSON_AddItemToObject(series, keys[k],
                              found[k] ? cJSON_Duplicate(found[k], 1)
                                       : cJSON_CreateNull());
    }
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
        const char *obs = str_at(r, "obs_status");
        cJSON *pt = make_point(date, value, obs);
        if (!cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(c,
                                                                   "points"),
                                  pt)) {
            cJSON_Delete(pt);
        }
    }
    for (cJSON *c = countries->child; c; c = c->next) {
        finish_series(c);
    }
    return out;
}

/* The id of value number idx of a structure component, or NULL. */
static const char *
component_value(const cJSON *component, long idx)
{
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(component, "values");
    if (idx < 0 || idx > 100000) {
        return NULL;
    }
    return str_at(cJSON_GetArrayItem(vals, (int)idx), "id");
}

/* A JSON number used as an index: a whole number in [0, 100000], else -1
 * (casting an arbitrary double to an integer is undefined behaviour). */
static long
index_from_number(const cJSON *v)
{
    if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0) ||
        v->valuedouble > 100000 || v->valuedouble != floor(v->valuedouble)) {
        return -1;
    }
    return (long)v->valuedouble;
}

/* Parses "12" strictly; -1 on anything else. */
static long
index_of(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    return (s[0] >= '0' && s[0] <= '9' && *end == '\0') ? v : -1;
}

/* An observation's value: a number, or a string holding one; else null. */
static cJSON *
sdmx_value(const cJSON *v)
{
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        return cJSON_CreateNumber(v->valuedouble);
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end;
        double d = strtod(v->valuestring, &end);
        if (*end == '\0' && isfinite(d)) {
            return cJSON_CreateNumber(d);
        }
    }
    return cJSON_CreateNull();
}

static cJSON *
sdmx(const cJSON *in, char *err, size_t errlen)
{
    /* 1.0: {dataSets, structure}; 2.0: {data: {dataSets, structures}}. */
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(in, "data");
    root = cJSON_IsObject(root) ? root : in;
    const cJSON *structure = cJSON_GetObjectItemCaseSensitive(root,
                                                              "structure");
    if (!structure) {
        structure = cJSON_GetArrayItem(
            cJSON_GetObjectItemCaseSensitive(root, "structures"), 0);
    }
    const cJSON *ds = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(root, "dataSets"), 0);
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(structure,
                                                         "dimensions");
    const cJSON *sdims = cJSON_GetObjectItemCaseSensitive(dims, "series");
    const cJSON *odims = cJSON_GetObjectItemCaseSensitive(dims,
                                                          "observation");
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(structure,
                                                          "attributes");
    const cJSON *sattrs = cJSON_GetObjectItemCaseSensitive(attrs, "series");
    const cJSON *oattrs = cJSON_GetObjectItemCaseSensitive(attrs,
                                                           "observation");
    const cJSON *series = cJSON_GetObjectItemCaseSensitive(ds, "series");
    if (!cJSON_IsArray(sdims) || !cJSON_IsArray(odims) ||
        !cJSON_IsObject(series)) {
        snprintf(err, errlen, "SDMX: no dataSets[0].series or structure "
                 "dimensions");
        return NULL;
    }
    const cJSON *time_dim = odims->child;
    int obs_status = -1;
    int k = 0;
    for (const cJSON *a = cJSON_IsArray(oattrs) ? oattrs->child : NULL; a;
         a = a->next, k++) {
        const char *id = str_at(a, "id");
        if (id && strcmp(id, "OBS_STATUS") == 0) {
            obs_status = k;
        }
    }
    cJSON *out = cJSON_CreateObject();
    cJSON *outs = cJSON_AddObjectToObject(out, "series");
    for (const cJSON *s = series->child; s; s = s->next) {
        /* Key "0:1:0": one value index per series dimension. */
        cJSON *keyobj = cJSON_CreateObject();
        char name[512] = "";
        size_t nlen = 0;
        const char *p = s->string;
        const cJSON *dim = sdims->child;
        bool ok = p && p[0];
        while (ok && dim) {
            char part[32];
            size_t n = strcspn(p, ":");
            ok = n > 0 && n < sizeof(part);
            if (ok) {
                memcpy(part, p, n);
                part[n] = '\0';
                const char *vid = component_value(dim, index_of(part));
                const char *did = str_at(dim, "id");
                ok = vid && did;
                if (ok) {
                    cJSON_AddStringToObject(keyobj, did, vid);
                    nlen += (size_t)snprintf(name + nlen, sizeof(name) - nlen,
                                             "%s%s", nlen ? "." : "", vid);
                    ok = nlen < sizeof(name);
                }
                p += n;
                if (*p == ':') {
                    p++;
                }
            }
            dim = dim->next;
        }
        if (!ok || *p || dim) {
            cJSON_Delete(keyobj);
            cJSON_Delete(out);
            snprintf(err, errlen, "SDMX: series key \"%.40s\" does not "
                     "match the structure", s->string ? s->string : "");
            return NULL;
        }
        cJSON *so = cJSON_CreateObject();
        cJSON_AddItemToObject(so, "key", keyobj);
        /* Series attributes: UNIT_MEASURE and DECIMALS, by index. */
        const cJSON *sa = cJSON_GetObjectItemCaseSensitive(s, "attributes");
        const char *series_status = NULL; /* OBS_STATUS given per series */
        int ai = 0;
        for (const cJSON *a = cJSON_IsArray(sattrs) ? sattrs->child : NULL; a;
             a = a->next, ai++) {
            const cJSON *v = cJSON_GetArrayItem(sa, ai);
            const char *aid = str_at(a, "id");
            const char *val = component_value(a, index_from_number(v));
            if (!aid || !val) {
                continue;
            }
            if (strcmp(aid, "UNIT_MEASURE") == 0) {
                cJSON_AddStringToObject(so, "unit", val);
            } else if (strcmp(aid, "DECIMALS") == 0 && index_of(val) >= 0 &&
                       index_of(val) <= 9) {
                cJSON_AddNumberToObject(so, "decimals", index_of(val));
            } else if (strcmp(aid, "OBS_STATUS") == 0) {
                series_status = val;
            }
        }
        cJSON *pts = cJSON_AddArrayToObject(so, "points");
        const cJSON *obs = cJSON_GetObjectItemCaseSensitive(s, "observations");
        for (const cJSON *o = cJSON_IsObject(obs) ? obs->child : NULL; o;
             o = o->next) {
            const char *period = component_value(time_dim, index_of(o->string));
            if (!period || !cJSON_IsArray(o)) {
                continue; /* an observation outside the structure */
            }
            cJSON *pt = cJSON_CreateObject();
            cJSON_AddStringToObject(pt, "period", period);
            cJSON_AddItemToObject(pt, "value",
                                  sdmx_value(cJSON_GetArrayItem(o, 0)));
            /* The observation's own status, else its series'. */
            const char *sv = NULL;
            if (obs_status >= 0) {
                const cJSON *st = cJSON_GetArrayItem(o, obs_status + 1);
                sv = component_value(cJSON_GetArrayItem(oattrs, obs_status),
                                     index_from_number(st));
            }
            add_status(pt, sv ? sv : series_status);
            if (!cJSON_AddItemToArray(pts, pt)) {
                cJSON_Delete(pt);
            }
        }
        finish_series(so);
        if (!cJSON_GetObjectItemCaseSensitive(outs, name)) {
            cJSON_AddItemToObject(outs, name, so);
        } else {
            cJSON_Delete(so); /* duplicate key: the first one stands */
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
    cJSON *out = fmt == FEED_FORMAT_PROMETHEUS  ? prometheus(in, err, errlen)
                 : fmt == FEED_FORMAT_WORLDBANK ? worldbank(in, err, errlen)
                                                : sdmx(in, err, errlen);
    cJSON_Delete(in);
    return out;
}
