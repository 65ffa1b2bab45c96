/*
 * test_feeds: JSON pointers, snapshot states and payload parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "feeds/snapshot.h"
#include "feeds/source_file.h"
#include "feeds/source_set.h"
#include "widgets/widget.h"
#include "testlib.h"

static void
test_pointer(void)
{
    cJSON *doc = cJSON_Parse("{\"a\": {\"b\": [10, 20, {\"c/d\": 1, "
                             "\"e~f\": 2}]}, \"\": 3, \"n\": null}");
    static const struct {
        const char *ptr;
        bool found;
        double v;
    } cases[] = {
        {"/a/b/0", true, 10}, {"/a/b/1", true, 20},
        {"/a/b/2/c~1d", true, 1}, {"/a/b/2/e~0f", true, 2},
        {"/", true, 3},        {"/a/b/3", false, 0},
        {"/a/b/01", false, 0}, {"/a/b/-1", false, 0},
        {"/a/x", false, 0},    {"a", false, 0},
        {"/a/b/0/x", false, 0}, {"/a/b/2/e~2f", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const cJSON *n = jsonptr_get(doc, cases[i].ptr);
        CHECK((n != NULL) == cases[i].found, "%s found=%d", cases[i].ptr,
              n != NULL);
        if (n && cases[i].found) {
            CHECK(cJSON_IsNumber(n) && n->valuedouble == cases[i].v,
                  "%s value", cases[i].ptr);
        }
    }
    CHECK(jsonptr_get(doc, "") == doc, "empty pointer is the root");
    CHECK(cJSON_IsNull(jsonptr_get(doc, "/n")), "null is found as null");
    cJSON_Delete(doc);
}

static void
test_states(void)
{
    struct layout_source src = {.name = "s", .every_ms = 60000,
                                .stale_after_ms = 3600000};
    int64_t now = 1000000000;
    CHECK(snapshot_state(NULL, &src, now) == SOURCE_STATE_NO_DATA, "never");
    struct snapshot *err = snapshot_create(NULL, 1, 0, 0, now, "boom");
    CHECK(snapshot_state(err, &src, now) == SOURCE_STATE_ERROR, "error");
    snapshot_unref(err);
    struct snapshot *ok = snapshot_create(cJSON_CreateObject(), 2, now, now,
                                          now, NULL);
    CHECK(snapshot_state(ok, &src, now + 1000) == SOURCE_STATE_OK, "ok");
    CHECK(snapshot_state(ok, &src, now + 91000) == SOURCE_STATE_LATE,
          "late after 1.5 periods");
    CHECK(snapshot_state(ok, &src, now + 3600001) == SOURCE_STATE_STALE,
          "stale after stale_after");
    struct snapshot *ref = snapshot_ref(ok);
    snapshot_unref(ok);
    CHECK(ref->root != NULL, "still alive after one unref");
    snapshot_unref(ref);
}

static void
test_payload(void)
{
    struct layout_source src = {.name = "s", .as_of_pointer = "/t"};
    static const struct {
        const char *body;
        bool data;
        int64_t as_of;
    } cases[] = {
        {"{\"t\": \"1970-01-01T07:00:01+07:00\"}", true, 1000},
        {"{\"t\": \"yesterday\"}", false, 0},
        {"{\"x\": 1}", false, 0},
        {"{\"t\": ", false, 0},
        {"", false, 0},
        {"[1,2]", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct snapshot *s = source_parse_payload(
            &src, cases[i].body, strlen(cases[i].body), 1, 5000, 420);
        CHECK((s->root != NULL) == cases[i].data, "payload %zu data", i);
        CHECK((s->error == NULL) == cases[i].data, "payload %zu error", i);
        if (s->root) {
            CHECK(s->as_of_ms == cases[i].as_of, "payload %zu as_of %lld", i,
                  (long long)s->as_of_ms);
        }
        snapshot_unref(s);
    }
    struct layout_source plain = {.name = "p"};
    struct snapshot *s = source_parse_payload(&plain, "{}", 2, 1, 5000, 420);
    CHECK(s->as_of_ms == 5000, "no as_of: fetch time");
    snapshot_unref(s);
}

static void
test_select(void)
{
    cJSON *doc = cJSON_Parse(
        "{\"provinces\": [{\"code\": \"01\", \"iip\": 7.5},"
        " {\"code\": \"02\", \"iip\": null}, {\"code\": \"04\"},"
        " {\"code\": \"06\", \"iip\": 3}],"
        " \"by\": {\"a\": {\"v\": 1}, \"b\": {\"v\": 2}},"
        " \"m\": [[1, 2], [3]]}");
    const cJSON *out[16];
    static const struct {
        const char *ptr;
        size_t n;
        const char *first; /* printed first match */
    } cases[] = {
        {"/provinces/*/code", 4, "\"01\""},
        {"/provinces/*/iip", 3, "7.5"},   /* null kept, missing skipped */
        {"/by/*/v", 2, "1"},              /* objects fan out too */
        {"/m/*/*", 3, "1"},               /* nested wildcards */
        {"/provinces/*", 4, NULL},
        {"/nothing/*/x", 0, NULL},
        {"/provinces/0/code", 1, "\"01\""},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = jsonptr_select(doc, cases[i].ptr, out, 16);
        CHECK(n == cases[i].n, "%s: %zu matches, want %zu", cases[i].ptr, n,
              cases[i].n);
        if (n && cases[i].first) {
            char *p = cJSON_PrintUnformatted(out[0]);
            CHECK_STR(p, cases[i].first);
            cJSON_free(p);
        }
    }
    CHECK(jsonptr_select(doc, "/provinces/*/code", out, 2) == 2, "capped");
    CHECK(jsonptr_has_wildcard("/a/*/b") && jsonptr_has_wildcard("/a/*") &&
              !jsonptr_has_wildcard("/a/*b") && !jsonptr_has_wildcard("/a"),
          "wildcard detection");
    cJSON_Delete(doc);
}

static void
test_prometheus(void)
{
    struct layout_source src = {.name = "prom", .format = "prometheus",
                                .as_of_pointer = "/updated"};
    static const struct {
        const char *body;
        const char *error;  /* substring, or NULL for data */
        const char *ptr;    /* checked when data */
        const char *want;   /* printed value at ptr */
    } cases[] = {
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
         "\"result\":[{\"metric\":{\"__name__\":\"up\",\"job\":\"api\"},"
         "\"value\":[1763780400.5,\"1\"]},{\"metric\":{\"job\":\"db\"},"
         "\"value\":[1763780401,\"NaN\"]}]}}",
         NULL, "/series/1/value", "null"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
         "\"result\":[{\"metric\":{},\"value\":[1763780400,\"0.25\"]}]}}",
         NULL, "/value", "0.25"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
         "\"result\":[{\"metric\":{},\"value\":[1763780401,\"NaN\"]}]}}",
         NULL, "/series/0/points/0/raw", "\"NaN\""},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
         "\"result\":[{\"metric\":{\"job\":\"api\"},\"values\":"
         "[[1763780400,\"3\"],[1763780460,\"+Inf\"],[1763780520,\"4.5\"]]}]}}",
         NULL, "/series/0/points/1/value", "null"},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
         "\"result\":[{\"metric\":{},\"values\":[[1763780400,\"3\"],"
         "[1763780520,\"4.5\"]]}]}}",
         NULL, "/updated", "\"2025-11-22T03:02:00Z\""},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
         "\"result\":[1763780400,\"-Inf\"]}}",
         NULL, "/value", "null"},
        {"{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":"
         "\"parse error at char 4\"}", "bad_data: parse error", NULL, NULL},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
         "\"result\":[1763780400,\"x\"]}}", "not a number series", NULL,
         NULL},
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
         "\"result\":[{\"metric\":{},\"value\":[\"soon\",\"1\"]}]}}",
         "malformed vector", NULL, NULL},
        {"{\"data\":{}}", "no \"status\"", NULL, NULL},
        /* Found by fuzzing: a timestamp beyond year 9999 overflowed. */
        {"{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\","
         "\"result\":[1e300,\"1\"]}}", "malformed scalar", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct layout_source s2 = src;
        if (cases[i].error || i != 4) {
            s2.as_of_pointer = NULL; /* only case 4 checks the timestamp */
        }
        struct snapshot *s = source_parse_payload(
            &s2, cases[i].body, strlen(cases[i].body), 1, 5000, 420);
        if (cases[i].error) {
            CHECK(!s->root && s->error && strstr(s->error, cases[i].error),
                  "prometheus %zu: error \"%s\" mentions \"%s\"", i,
                  s->error ? s->error : "(none)", cases[i].error);
        } else {
            const cJSON *v = jsonptr_get(s->root, cases[i].ptr);
            char *p = v ? cJSON_PrintUnformatted(v) : NULL;
            CHECK(p && strcmp(p, cases[i].want) == 0,
                  "prometheus %zu: %s = %s, want %s (%s)", i, cases[i].ptr,
                  p ? p : "(missing)", cases[i].want,
                  s->error ? s->error : "");
            cJSON_free(p);
        }
        snapshot_unref(s);
    }
}

static void
test_worldbank(void)
{
    /* The API's shape (illustrative values): newest year first, the
     * newest one still null, an aggregate without a code. */
    static const char ok[] =
        "[{\"page\":1,\"pages\":1,\"per_page\":50,\"total\":5,"
        "\"sourceid\":\"2\",\"lastupdated\":\"2025-07-01\"},"
        "[{\"indicator\":{\"id\":\"NY.GDP.MKTP.KD.ZG\",\"value\":"
        "\"GDP growth (annual %)\"},\"country\":{\"id\":\"VN\","
        "\"value\":\"Viet Nam\"},\"countryiso3code\":\"VNM\","
        "\"date\":\"2024\",\"value\":null,\"unit\":\"\","
        "\"obs_status\":\"\",\"decimal\":1},"
        "{\"indicator\":{\"id\":\"NY.GDP.MKTP.KD.ZG\",\"value\":\"x\"},"
        "\"country\":{\"id\":\"VN\",\"value\":\"Viet Nam\"},"
        "\"countryiso3code\":\"VNM\",\"date\":\"2023\",\"value\":5.05,"
        "\"unit\":\"\",\"obs_status\":\"\",\"decimal\":1},"
        "{\"indicator\":{\"id\":\"NY.GDP.MKTP.KD.ZG\",\"value\":\"x\"},"
        "\"country\":{\"id\":\"VN\",\"value\":\"Viet Nam\"},"
        "\"countryiso3code\":\"VNM\",\"date\":\"2022\",\"value\":8.12,"
        "\"unit\":\"\",\"obs_status\":\"E\",\"decimal\":1},"
        "{\"indicator\":{\"id\":\"NY.GDP.MKTP.KD.ZG\",\"value\":\"x\"},"
        "\"country\":{\"id\":\"VN\",\"value\":\"Viet Nam\"},"
        "\"countryiso3code\":\"VNM\",\"date\":\"2021\",\"value\":2.55,"
        "\"unit\":\"\",\"obs_status\":\"\",\"decimal\":1},"
        "{\"indicator\":{\"id\":\"NY.GDP.MKTP.KD.ZG\",\"value\":\"x\"},"
        "\"country\":{\"id\":\"1W\",\"value\":\"World\"},"
        "\"countryiso3code\":\"\",\"date\":\"2023\",\"value\":2.7,"
        "\"unit\":\"\",\"obs_status\":\"\",\"decimal\":1}]]";
    struct layout_source src = {.name = "wb", .format = "worldbank"};
    struct snapshot *s = source_parse_payload(&src, ok, strlen(ok), 1, 0,
                                              420);
    CHECK(s->root != NULL, "world bank payload adapts: %s",
          s->error ? s->error : "");
    static const struct {
        const char *ptr, *want;
    } checks[] = {
        {"/indicator/id", "\"NY.GDP.MKTP.KD.ZG\""},
        {"/countries/VNM/name", "\"Viet Nam\""},
        {"/countries/VNM/points/0/period", "\"2021\""},  /* oldest first */
        {"/countries/VNM/points/3/value", "null"},       /* 2024: missing */
        {"/countries/VNM/latest/period", "\"2023\""},    /* newest real */
        {"/countries/VNM/latest/value", "5.05"},
        {"/countries/VNM/previous/value", "8.12"},
        {"/countries/VNM/points/1/status", "\"E\""},   /* obs_status */
        {"/countries/VNM/previous/status", "\"E\""},
        {"/countries/1W/name", "\"World\""},             /* id fallback */
        {"/updated", "\"2025-07-01\""},
    };
    for (size_t i = 0; s->root && i < sizeof(checks) / sizeof(checks[0]);
         i++) {
        const cJSON *v = jsonptr_get(s->root, checks[i].ptr);
        char *p = v ? cJSON_PrintUnformatted(v) : NULL;
        CHECK(p && strcmp(p, checks[i].want) == 0, "worldbank %s = %s, want "
              "%s", checks[i].ptr, p ? p : "(missing)", checks[i].want);
        cJSON_free(p);
    }
    snapshot_unref(s);
    static const struct {
        const char *body, *error;
    } bad[] = {
        {"[{\"page\":1,\"pages\":3,\"per_page\":50},[]]", "3 pages"},
        {"[{\"message\":[{\"id\":\"120\",\"key\":\"Invalid value\","
         "\"value\":\"The provided parameter value is not valid\"}]}]",
         "parameter value is not valid"},
        {"[{\"pages\":1},[{\"date\":\"2023\",\"value\":\"5,05\","
         "\"countryiso3code\":\"VNM\"}]]", "malformed row"},
        {"{\"not\": \"an array\"}", "expected [meta, rows]"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        s = source_parse_payload(&src, bad[i].body, strlen(bad[i].body), 1,
                                 0, 420);
        CHECK(!s->root && s->error && strstr(s->error, bad[i].error),
              "worldbank bad %zu: \"%s\" mentions \"%s\"", i,
              s->error ? s->error : "(none)", bad[i].error);
        snapshot_unref(s);
    }
}

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    char *buf = calloc(1, 1 << 16);
    size_t n = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
    (void)n;
    fclose(f);
    return buf;
}

/* SDMX-JSON 2.0 with statuses per observation (A, M with a number, P)
 * and per series (E for every observation without its own). */
static void
test_sdmx_status(const char *corpus)
{
    char *path = xasprintf("%s/sdmx2-status.json", corpus);
    char *body = read_file(path);
    free(path);
    CHECK(body != NULL, "sdmx 2.0 status fixture");
    if (!body) {
        return;
    }
    struct layout_source src = {.name = "sdmx", .format = "sdmx"};
    struct snapshot *s = source_parse_payload(&src, body, strlen(body), 1, 0,
                                              420);
    CHECK(s->root != NULL, "sdmx 2.0 adapts: %s", s->error ? s->error : "");
    static const struct {
        const char *ptr, *want; /* want NULL: absent */
    } checks[] = {
        {"/series/VN/points/0/status", "\"A\""},
        {"/series/VN/points/1/status", "\"M\""},
        {"/series/VN/points/1/value", "null"},  /* M: never the 0 sent */
        {"/series/VN/points/2/status", "\"P\""},
        {"/series/VN/latest/period", "\"2026-10\""},
        {"/series/VN/latest/value", "3.52"},
        {"/series/VN/latest/status", "\"P\""},
        {"/series/VN/previous/period", "\"2026-08\""},
        {"/series/TH/points/0/status", "\"E\""}, /* the series' status */
        {"/series/TH/points/1/status", "\"E\""},
        {"/series/TH/latest/status", "\"E\""},
        {"/series/TH/unit", "\"PT\""},
    };
    for (size_t i = 0; s->root && i < sizeof(checks) / sizeof(checks[0]);
         i++) {
        const cJSON *v = jsonptr_get(s->root, checks[i].ptr);
        char *p = v ? cJSON_PrintUnformatted(v) : NULL;
        CHECK(p && strcmp(p, checks[i].want) == 0, "sdmx 2.0 %s = %s, want "
              "%s", checks[i].ptr, p ? p : "(missing)", checks[i].want);
        cJSON_free(p);
    }
    snapshot_unref(s);
    free(body);
}

static void
test_sdmx(const char *corpus)
{
    char *path = xasprintf("%s/sdmx.json", corpus);
    char *body = read_file(path);
    free(path);
    CHECK(body != NULL, "sdmx fixture");
    if (!body) {
        return;
    }
    struct layout_source src = {.name = "sdmx", .format = "sdmx"};
    struct snapshot *s = source_parse_payload(&src, body, strlen(body), 1, 0,
                                              420);
    CHECK(s->root != NULL, "sdmx adapts: %s", s->error ? s->error : "");
    static const struct {
        const char *ptr, *want;
    } checks[] = {
        {"/series/VN.GDP_G/key/REF_AREA", "\"VN\""},
        {"/series/VN.GDP_G/unit", "\"PT\""},
        {"/series/VN.GDP_G/decimals", "2"},
        {"/series/VN.GDP_G/points/1/value", "7.85"},     /* string parsed */
        {"/series/VN.GDP_G/points/1/status", "\"E\""},   /* estimated */
        {"/series/VN.GDP_G/points/2/value", "null"},     /* missing */
        {"/series/VN.GDP_G/latest/period", "\"2026-Q3\""},
        {"/series/VN.GDP_G/previous/value", "7.52"},
        {"/series/TH.GDP_G/latest/value", "3.2"},
        {"/series/TH.GDP_G/previous", "null"},
    };
    for (size_t i = 0; s->root && i < sizeof(checks) / sizeof(checks[0]);
         i++) {
        const cJSON *v = jsonptr_get(s->root, checks[i].ptr);
        char *p = v ? cJSON_PrintUnformatted(v) : NULL;
        CHECK(p && strcmp(p, checks[i].want) == 0, "sdmx %s = %s, want %s",
              checks[i].ptr, p ? p : "(missing)", checks[i].want);
        cJSON_free(p);
    }
    snapshot_unref(s);
    test_sdmx_status(corpus);
    /* A key that names a value the structure lacks is an error. */
    char *bad = strstr(body, "\"1:0\"");
    if (bad) {
        bad[1] = '7';
        s = source_parse_payload(&src, body, strlen(body), 1, 0, 420);
        CHECK(!s->root && s->error && strstr(s->error, "does not match"),
              "sdmx bad key: %s", s->error ? s->error : "(none)");
        snapshot_unref(s);
    }
    static const char nodata[] = "{\"dataSets\": []}";
    s = source_parse_payload(&src, nodata, strlen(nodata), 1, 0, 420);
    CHECK(!s->root && s->error && strstr(s->error, "SDMX: no dataSets"),
          "sdmx without data: %s", s->error ? s->error : "(none)");
    snapshot_unref(s);
    free(body);
}

static void
test_bound_number(void)
{
    cJSON *str = cJSON_CreateString("1.234,5");
    struct layout_source vi = {.name = "vi", .number_locale = "vi-VN"};
    struct layout_source plain = {.name = "plain"};
    struct bound b = {.value = str, .src = &vi};
    double v = 0;
    CHECK(widget_bound_number(&b, &v) && v == 1234.5,
          "a vi-VN source reads \"1.234,5\" as 1234.5 (%g)", v);
    b.src = &plain;
    CHECK(!widget_bound_number(&b, &v),
          "without number_locale \"1.234,5\" is missing, not 1.234");
    cJSON_Delete(str);
}

static struct layout *
layout_with(const char *sources)
{
    char text[2048];
    snprintf(text, sizeof(text),
             "{\"opswall\": 1, \"sources\": {%s},\n"
             " \"wall\": {\"columns\": 1, \"rows\": 1, \"width\": 1920, "
             "\"height\": 1080},\n"
             " \"grid\": {\"columns\": 4, \"rows\": 4},\n"
             " \"scenes\": [{\"id\": \"a\", \"widgets\": []}]}\n",
             sources);
    struct diag_list d;
    diag_list_init(&d, "mem.json");
    struct layout *l = layout_load_buffer("mem.json", text, strlen(text),
                                          &d);
    diag_list_fini(&d);
    CHECK(l != NULL, "layout with %s", sources);
    return l;
}

/* A bound value's status: beside a .../value of an adapted source, or
 * where the binding's status pointer says, through the source's
 * status_map; a missing status leaves no value at all. */
static void
test_bound_status(void)
{
    struct layout *l = layout_with(
        "\"s\": {\"url\": \"http://127.0.0.1:1/s\", \"format\": \"sdmx\"},"
        "\"j\": {\"url\": \"http://127.0.0.1:1/j\", "
        "\"status_map\": {\"so_bo\": \"P\", \"thieu\": \"M\"}}");
    if (!l) {
        return;
    }
    struct snapshot *snaps[2] = {
        snapshot_create(cJSON_Parse("{\"series\": {\"VN\": {\"latest\": "
                                    "{\"period\": \"2026-10\", \"value\": "
                                    "3.52, \"status\": \"P\"}}}}"),
                        1, 1000, 1000, 1000, NULL),
        snapshot_create(cJSON_Parse("{\"cpi\": 3.1, \"cpi_st\": \"so_bo\","
                                    " \"iip\": 0, \"iip_st\": \"thieu\","
                                    " \"x\": {\"value\": 1, \"status\": "
                                    "\"so_bo\"}}"),
                        1, 1000, 1000, 1000, NULL),
    };
    struct widget_env env = {.layout = l};
    struct frame_state fs = {.now_ms = 2000, .snapshots = snaps,
                             .nsnapshots = 2};
    static const struct {
        const char *spec;
        enum obs_status want;
        bool value;
    } cases[] = {
        {"{\"source\": \"s\", \"pointer\": \"/series/VN/latest/value\"}",
         OBS_PROVISIONAL, true},
        {"{\"source\": \"s\", \"pointer\": \"/series/VN/latest/period\"}",
         OBS_FINAL, true},
        {"{\"source\": \"j\", \"pointer\": \"/cpi\", \"status\": "
         "\"/cpi_st\"}", OBS_PROVISIONAL, true},
        {"{\"source\": \"j\", \"pointer\": \"/iip\", \"status\": "
         "\"/iip_st\"}", OBS_MISSING, false},
        /* A plain JSON source's "status" is not guessed at. */
        {"{\"source\": \"j\", \"pointer\": \"/x/value\"}", OBS_FINAL,
         true},
        {"7.5", OBS_FINAL, true},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *spec = cJSON_Parse(cases[i].spec);
        struct bound b = widget_resolve(&env, &fs, spec);
        CHECK(b.status == cases[i].want && (b.value != NULL) ==
                                               cases[i].value,
              "bound status %zu: %d (value %s)", i, b.status,
              b.value ? "present" : "absent");
        cJSON_Delete(spec);
    }
    snapshot_unref(snaps[0]);
    snapshot_unref(snaps[1]);
    layout_destroy(l);
}

/* A reload keeps the data of sources that did not change. */
static void
test_carry(void)
{
    struct layout *a = layout_with(
        "\"x\": {\"url\": \"http://127.0.0.1:1/x\"},"
        "\"y\": {\"url\": \"http://127.0.0.1:1/y\"},"
        "\"w\": {\"url\": \"http://127.0.0.1:1/w\", \"every\": \"10s\"}");
    struct layout *b = layout_with(
        "\"z\": {\"url\": \"http://127.0.0.1:1/z\"},"
        "\"w\": {\"url\": \"http://127.0.0.1:1/w\", \"every\": \"20s\"},"
        "\"y\": {\"url\": \"http://127.0.0.1:1/y2\"},"
        "\"x\": {\"url\": \"http://127.0.0.1:1/x\"}");
    if (!a || !b) {
        layout_destroy(a);
        layout_destroy(b);
        return;
    }
    struct source_set *old = source_set_create(a);
    for (size_t i = 0; i < a->nsources; i++) {
        source_set_publish(old, i, snapshot_create(cJSON_CreateNumber(
                                                       (double)i), 1, 1000,
                                                   1000, 1000, NULL));
    }
    struct source_set *nw = source_set_create(b);
    source_set_carry(nw, old);
    struct snapshot *const *s = source_set_snapshots(nw);
    int x = layout_source_index(b, "x"), y = layout_source_index(b, "y");
    int z = layout_source_index(b, "z"), w = layout_source_index(b, "w");
    int xa = layout_source_index(a, "x");
    CHECK(s[x] && s[x]->root && s[x]->root->valuedouble == xa,
          "unchanged source x keeps its data (moved in the list)");
    CHECK(!s[y], "y's URL changed: no data carried");
    CHECK(!s[w], "w's interval changed: no data carried");
    CHECK(!s[z], "new source z: no data");
    struct source_set *copy = source_set_copy(nw);
    CHECK(source_set_snapshots(copy)[x] == s[x], "a copy holds the same "
          "snapshots");
    source_set_destroy(old);
    source_set_destroy(nw);
    CHECK(source_set_snapshots(copy)[x]->root != NULL, "and keeps them "
          "alive");
    source_set_destroy(copy);
    layout_destroy(a);
    layout_destroy(b);
}

int
main(int argc, char **argv)
{
    test_carry();
    test_bound_number();
    test_pointer();
    test_prometheus();
    test_worldbank();
    test_bound_status();
    if (argc > 1) {
        test_sdmx(argv[1]);
    } else {
        CHECK(false, "usage: test_feeds CORPUS_DIR");
    }
    test_select();
    test_states();
    test_payload();
    return testlib_done();
}
