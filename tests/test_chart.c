/*
 * test_chart: axis scales, periods, time ticks, compact numbers, series
 * reading and reduction; table-driven.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"
#include "chart/chart_palette.h"
#include "chart/chart_series.h"
#include "chart/chart_ticks.h"
#include "feeds/obs_status.h"
#include "text/format.h"
#include "testlib.h"
#include "widgets/widget_chart.h"

#define VI LAYOUT_LOCALE_VI_VN
#define EN LAYOUT_LOCALE_EN_US
#define TZ 420

static void
test_scales(void)
{
    static const struct {
        double min, max;
        int ticks;
        bool zero;
        double lo, hi, step;
        int decimals;
    } cases[] = {
        {0, 100, 6, true, 0, 100, 20, 0},
        {3, 97, 6, true, 0, 100, 20, 0},
        {3.1, 3.4, 5, false, 3.1, 3.4, 0.1, 1},
        {3.1, 3.4, 5, true, 0, 4, 1, 0},     /* bars: zero included */
        {-12, 30, 6, true, -20, 30, 10, 0},
        {-5, -1, 5, true, -6, 0, 2, 0},      /* all negative: up to zero */
        {7, 7, 5, false, 6, 8, 0.5, 1},      /* one value: a range around */
        {7, 7, 5, true, 0, 8, 2, 0},
        {0, 0, 5, true, 0, 1, 0.5, 1},
        {0.001, 0.004, 5, false, 0.001, 0.004, 0.001, 3},
        {1517.46, 1787.4, 6, false, 1500, 1800, 100, 0},
        {0, 1.2e12, 5, true, 0, 1.5e12, 5e11, 0},
        {100, 0, 6, true, 0, 100, 20, 0},    /* swapped ends */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct chart_scale s;
        bool ok = chart_scale_nice(cases[i].min, cases[i].max,
                                   cases[i].ticks, cases[i].zero, &s);
        CHECK(ok && fabs(s.lo - cases[i].lo) < 1e-9 * fmax(1, fabs(s.lo)) &&
                  fabs(s.hi - cases[i].hi) < 1e-9 * fmax(1, fabs(s.hi)) &&
                  fabs(s.step - cases[i].step) < 1e-12 * fmax(1, s.step) &&
                  s.decimals == cases[i].decimals &&
                  s.count <= cases[i].ticks,
              "scale %zu [%g, %g]: got [%g, %g] step %g dec %d count %d", i,
              cases[i].min, cases[i].max, s.lo, s.hi, s.step, s.decimals,
              s.count);
        /* Steps are 1, 2 or 5 times a power of ten. */
        double m = s.step / pow(10, floor(log10(s.step)));
        CHECK(fabs(m - 1) < 1e-9 || fabs(m - 2) < 1e-9 || fabs(m - 5) < 1e-9,
              "scale %zu step %g is 1-2-5", i, s.step);
        if (cases[i].zero) {
            CHECK(s.lo <= 0 && s.hi >= 0, "scale %zu includes zero", i);
        }
    }
    struct chart_scale s;
    CHECK(!chart_scale_nice(NAN, 1, 5, true, &s), "NaN refused");
    CHECK(!chart_scale_nice(0, INFINITY, 5, true, &s), "inf refused");
    CHECK(!chart_scale_nice(-1e308, 1e308, 5, true, &s), "overflow refused");
    CHECK(!chart_scale_nice(0, 1, 1, true, &s), "one tick refused");
}

static void
test_periods(void)
{
    static const struct {
        const char *in;
        enum chart_period want;
        const char *vi, *en;
    } cases[] = {
        {"2026", CHART_PERIOD_YEAR, "Năm 2026", "2026"},
        {"2026-10", CHART_PERIOD_MONTH, "Tháng 10/2026", "Oct 2026"},
        {"2026M10", CHART_PERIOD_MONTH, "Tháng 10/2026", "Oct 2026"},
        {"2026-M3", CHART_PERIOD_MONTH, "Tháng 3/2026", "Mar 2026"},
        {"2026-Q3", CHART_PERIOD_QUARTER, "Quý III/2026", "Q3 2026"},
        {"2026Q4", CHART_PERIOD_QUARTER, "Quý IV/2026", "Q4 2026"},
        {"2026-11-22", CHART_PERIOD_DAY, "22/11/2026", "11/22/2026"},
        {"2026-11-22T09:15:00+07:00", CHART_PERIOD_INSTANT, "22/11 09:15",
         "11/22 09:15"},
        {"2026-W47", CHART_PERIOD_WEEK, "Tuần 47/2026", "Week 47, 2026"},
        {"2026W01", CHART_PERIOD_WEEK, "Tuần 1/2026", "Week 1, 2026"},
        /* 2020 has 53 ISO weeks; its week 53 ends on 3 January 2021. */
        {"2020-W53", CHART_PERIOD_WEEK, "Tuần 53/2020", "Week 53, 2020"},
        {"2025-W53", CHART_PERIOD_NONE, NULL, NULL}, /* 2025 has 52 */
        {"2026-W53", CHART_PERIOD_WEEK, "Tuần 53/2026", "Week 53, 2026"},
        {"2026-W00", CHART_PERIOD_NONE, NULL, NULL},
        {"2026-W7", CHART_PERIOD_NONE, NULL, NULL},
        {"202610", CHART_PERIOD_NONE, NULL, NULL},
        {"2026-13", CHART_PERIOD_NONE, NULL, NULL},
        {"2026-Q5", CHART_PERIOD_NONE, NULL, NULL},
        {"Hà Nội", CHART_PERIOD_NONE, NULL, NULL},
        {"99", CHART_PERIOD_NONE, NULL, NULL},
        {"", CHART_PERIOD_NONE, NULL, NULL},
        {"2026-11-31", CHART_PERIOD_NONE, NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 0;
        enum chart_period p = chart_period_parse(cases[i].in, TZ, &t);
        CHECK(p == cases[i].want, "period \"%s\": got %d want %d",
              cases[i].in, p, cases[i].want);
        if (p != CHART_PERIOD_NONE && cases[i].vi) {
            char buf[64];
            chart_period_label(buf, sizeof(buf), t, p, TZ, VI);
            CHECK_STR(buf, cases[i].vi);
            chart_period_label(buf, sizeof(buf), t, p, TZ, EN);
            CHECK_STR(buf, cases[i].en);
        }
    }
}

/* The one way a period is written on the wall, from every ISO form the
 * adapters give; anything else is the layout's own words, untouched. */
static void
test_period_write(void)
{
    static const struct {
        const char *in, *vi, *en; /* NULL: written as is */
    } cases[] = {
        {"2026", "Năm 2026", "2026"},
        {"2026-Q3", "Quý III/2026", "Q3 2026"},
        {"2026-10", "Tháng 10/2026", "Oct 2026"},
        {"2026M10", "Tháng 10/2026", "Oct 2026"},
        {"2026-W47", "Tuần 47/2026", "Week 47, 2026"},
        {"2026-11-22", "22/11/2026", "11/22/2026"},
        {"Quý III/2026", NULL, NULL},
        {"6 tháng đầu năm", NULL, NULL},
        {"", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64] = "untouched";
        bool ok = chart_period_write(buf, sizeof(buf), cases[i].in, TZ, VI);
        CHECK(ok == (cases[i].vi != NULL), "write \"%s\": %d", cases[i].in,
              ok);
        CHECK_STR(buf, cases[i].vi ? cases[i].vi : "untouched");
        snprintf(buf, sizeof(buf), "untouched");
        chart_period_write(buf, sizeof(buf), cases[i].in, TZ, EN);
        CHECK_STR(buf, cases[i].en ? cases[i].en : "untouched");
    }
    /* Week 1 of 2026 starts on Monday 29 December 2025. */
    int64_t t = 0, d = 0;
    chart_period_parse("2026-W01", TZ, &t);
    chart_period_parse("2025-12-29", TZ, &d);
    CHECK(t == d, "2026-W01 starts 2025-12-29 (%lld vs %lld)", (long long)t,
          (long long)d);
    char buf[32];
    CHECK(chart_period_short(buf, sizeof(buf), "2026-W47", TZ, VI),
          "week short");
    CHECK_STR(buf, "Tuần 47");
}

static void
test_period_short(void)
{
    static const struct {
        const char *in;
        enum layout_locale loc;
        const char *want; /* NULL: not a period */
    } cases[] = {
        {"2026-Q3", VI, "Q3/2026"},   {"2026-Q3", EN, "Q3 2026"},
        {"2026-10", VI, "Th10/2026"}, {"2026-10", EN, "Oct 2026"},
        {"2026", VI, "2026"},         {"2026-11-22", VI, "22/11"},
        {"2026-11-22", EN, "11/22"},  {"Hà Nội", VI, NULL},
        {"2026-11-22T09:00:00+07:00", VI, NULL}, /* an instant: as is */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64] = "untouched";
        bool ok = chart_period_short(buf, sizeof(buf), cases[i].in, TZ,
                                     cases[i].loc);
        CHECK(ok == (cases[i].want != NULL), "short \"%s\": %d", cases[i].in,
              ok);
        CHECK_STR(buf, cases[i].want ? cases[i].want : "untouched");
    }
}

static int64_t
iso(const char *s)
{
    int64_t t = 0;
    time_parse_iso8601(s, TZ, &t);
    return t;
}

static void
test_time_ticks(void)
{
    static const struct {
        const char *t0, *t1;
        enum chart_period finest;
        int max;
        enum layout_locale loc;
        const char *want; /* labels joined by | */
    } cases[] = {
        {"2025-10-01", "2026-09-01", CHART_PERIOD_MONTH, 12, VI,
         "Th10/2025|Th11|Th12|Th1/2026|Th2|Th3|Th4|Th5|Th6|Th7|Th8|Th9"},
        {"2025-10-01", "2026-09-01", CHART_PERIOD_MONTH, 6, VI,
         "Th10/2025|Th1/2026|Th4|Th7"},  /* monthly data: month names */
        {"2024-01-01", "2026-07-01", CHART_PERIOD_QUARTER, 12, VI,
         "Q1/2024|Q2/2024|Q3/2024|Q4/2024|Q1/2025|Q2/2025|Q3/2025|Q4/2025|"
         "Q1/2026|Q2/2026|Q3/2026"},
        {"2024-01-01", "2026-07-01", CHART_PERIOD_QUARTER, 40, VI,
         "Q1/2024|Q2/2024|Q3/2024|Q4/2024|Q1/2025|Q2/2025|Q3/2025|Q4/2025|"
         "Q1/2026|Q2/2026|Q3/2026"},     /* never finer than the data */
        {"2026-11-16", "2026-11-22", CHART_PERIOD_DAY, 8, VI,
         "16/11|17/11|18/11|19/11|20/11|21/11|22/11"},
        {"2026-11-16", "2026-11-22", CHART_PERIOD_DAY, 8, EN,
         "11/16|11/17|11/18|11/19|11/20|11/21|11/22"},
        {"2026-11-22T08:10:00+07:00", "2026-11-22T09:20:00+07:00",
         CHART_PERIOD_INSTANT, 6, VI, "08:15|08:30|08:45|09:00|09:15"},
        {"2026-11-21T18:00:00+07:00", "2026-11-22T06:00:00+07:00",
         CHART_PERIOD_INSTANT, 5, VI, "18:00|21:00|22/11|03:00|06:00"},
        {"2016-01-01", "2026-01-01", CHART_PERIOD_YEAR, 6, VI,
         "2016|2018|2020|2022|2024|2026"},
        {"2025-11-01", "2026-02-01", CHART_PERIOD_MONTH, 6, EN,
         "Nov 2025|Dec|Jan 2026|Feb"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct chart_time_tick ticks[CHART_MAX_TIME_TICKS];
        int n = chart_time_ticks(iso(cases[i].t0), iso(cases[i].t1),
                                 cases[i].finest, cases[i].max, TZ,
                                 cases[i].loc, ticks);
        char joined[512] = "";
        for (int k = 0; k < n; k++) {
            strcat(joined, k ? "|" : "");
            strcat(joined, ticks[k].label);
        }
        CHECK(n <= cases[i].max, "ticks %zu: %d > max %d", i, n,
              cases[i].max);
        CHECK(strcmp(joined, cases[i].want) == 0, "ticks %zu: got %s want %s",
              i, joined, cases[i].want);
    }
}

static void
test_compact(void)
{
    static const struct {
        double v, scale_of;
        int dec;
        enum layout_locale loc;
        const char *want;
    } cases[] = {
        {1517.5e12, 1517.5e12, 1, VI, "1.517,5 nghìn tỷ"},
        {1.5e12, 1.5e12, 1, VI, "1,5 nghìn tỷ"},
        {398.6e9, 398.6e9, 1, VI, "398,6 tỷ"},
        {12.3e6, 12.3e6, 1, VI, "12,3 triệu"},
        {850e3, 850e3, 0, VI, "850 nghìn"},
        {9999, 9999, 0, VI, "9.999"},        /* below 10.000: plain */
        {5e5, 2e6, 1, VI, "0,5 triệu"},      /* one axis, one word */
        {-2.5e9, 3e9, 1, VI, "\xE2\x88\x92" "2,5 tỷ"},
        {12.3e6, 12.3e6, 1, EN, "12.3M"},
        {1.5e12, 1.5e12, 1, EN, "1.5T"},
        {850e3, 850e3, 0, EN, "850K"},
        {NAN, 1e6, 1, VI, "\xE2\x80\x94"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        format_compact(buf, sizeof(buf), cases[i].v, cases[i].scale_of,
                       cases[i].dec, cases[i].loc);
        CHECK_STR(buf, cases[i].want);
    }
}

static void
test_series(void)
{
    static const struct {
        const char *json;
        enum chart_x_kind kind_in;
        bool ok;
        enum chart_x_kind kind;
        size_t n, nvalid;
        double ymin, ymax;
    } cases[] = {
        {"[1, 2, null, 4]", CHART_X_AUTO, true, CHART_X_CATEGORY, 4, 3, 1, 4},
        {"[[\"2026-01\", 3], [\"2026-02\", null], [\"2026-03\", 5]]",
         CHART_X_AUTO, true, CHART_X_TIME, 3, 2, 3, 5},
        {"[{\"period\": \"2026-Q1\", \"value\": 7.1},"
         " {\"period\": \"2026-Q2\", \"value\": \"7,4\"}]",
         CHART_X_AUTO, true, CHART_X_TIME, 2, 1, 7.1, 7.1}, /* "7,4" junk */
        {"[{\"name\": \"Hà Nội\", \"value\": 9}, {\"name\": \"Huế\","
         " \"value\": -3}]", CHART_X_AUTO, true, CHART_X_CATEGORY, 2, 2, -3,
         9},
        {"[{\"t\": 1763776800000, \"value\": 1}, {\"t\": 1763776860000}]",
         CHART_X_AUTO, true, CHART_X_TIME, 2, 1, 1, 1},
        {"[\"1.5\", \"0x10\", \"nan\", \"inf\", \" 2\", true]", CHART_X_AUTO,
         true, CHART_X_CATEGORY, 6, 1, 1.5, 1.5},
        {"[]", CHART_X_AUTO, true, CHART_X_CATEGORY, 0, 0, NAN, NAN},
        {"{\"a\": 1}", CHART_X_AUTO, false, CHART_X_AUTO, 0, 0, NAN, NAN},
        {"[[\"Huế\", 1]]", CHART_X_TIME, false, CHART_X_AUTO, 0, 0, NAN, NAN},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cJSON *j = cJSON_Parse(cases[i].json);
        struct chart_series_opts o = {.kind = cases[i].kind_in,
                                      .utc_offset_min = TZ,
                                      .number_locale = -1};
        struct chart_series s;
        char err[128] = "";
        bool ok = chart_series_read(j, &o, &s, err, sizeof(err));
        CHECK(ok == cases[i].ok, "series %zu: ok %d (%s)", i, ok, err);
        if (ok) {
            CHECK(s.kind == cases[i].kind && s.n == cases[i].n &&
                      s.nvalid == cases[i].nvalid,
                  "series %zu: kind %d n %zu valid %zu", i, s.kind, s.n,
                  s.nvalid);
            CHECK((isnan(cases[i].ymin) && isnan(s.ymin)) ||
                      (s.ymin == cases[i].ymin && s.ymax == cases[i].ymax),
                  "series %zu: range [%g, %g]", i, s.ymin, s.ymax);
        }
        chart_series_fini(&s);
        cJSON_Delete(j);
    }
    /* Out-of-order time points are sorted; a number in a locale string is
     * read only with the source's locale. */
    cJSON *j = cJSON_Parse("[[\"2026-03\", \"1.234,5\"], [\"2026-01\", 2]]");
    struct chart_series_opts o = {.utc_offset_min = TZ, .number_locale = VI};
    struct chart_series s;
    char err[64];
    CHECK(chart_series_read(j, &o, &s, err, sizeof(err)) && s.n == 2 &&
              s.pts[0].y == 2 && s.pts[1].y == 1234.5 &&
              s.period == CHART_PERIOD_MONTH && s.last_valid == 1,
          "sorted, locale number");
    chart_series_fini(&s);
    cJSON_Delete(j);
}

/* Statuses per point: kept with their point through sorting, M a gap
 * whatever number came, B a new stroke, each present status listed; a
 * source's own codes read through its status_map. */
static void
test_series_status(void)
{
    cJSON *j = cJSON_Parse(
        "[{\"period\": \"2026-04\", \"value\": 5, \"status\": \"P\"},"
        " {\"period\": \"2026-01\", \"value\": 1, \"status\": \"A\"},"
        " {\"period\": \"2026-02\", \"value\": 0, \"status\": \"M\"},"
        " {\"period\": \"2026-03\", \"value\": 3, \"status\": \"B\"},"
        " {\"period\": \"2026-05\", \"value\": 6, \"status\": \"sb\"}]");
    cJSON *map = cJSON_Parse("{\"sb\": \"E\"}");
    struct chart_series_opts o = {.utc_offset_min = TZ, .number_locale = -1,
                                  .status = "/status", .status_map = map};
    struct chart_series s;
    char err[64];
    CHECK(chart_series_read(j, &o, &s, err, sizeof(err)) && s.n == 5,
          "status series read");
    CHECK(s.pts[0].status == OBS_FINAL && s.pts[0].y == 1, "Jan final");
    CHECK(s.pts[1].status == OBS_MISSING && isnan(s.pts[1].y),
          "Feb M: missing, not 0 (%g)", s.pts[1].y);
    CHECK(s.pts[2].status == OBS_BREAK && s.pts[2].y == 3, "Mar break");
    CHECK(s.pts[3].status == OBS_PROVISIONAL && s.pts[3].y == 5, "Apr P");
    CHECK(s.pts[4].status == OBS_ESTIMATED, "May sb -> E by status_map");
    CHECK(s.nvalid == 4 && s.statuses == ((1u << OBS_FINAL) |
                                          (1u << OBS_BREAK) |
                                          (1u << OBS_PROVISIONAL) |
                                          (1u << OBS_ESTIMATED)),
          "statuses present: %x", s.statuses);
    struct chart_xy *path = NULL;
    size_t k = chart_series_reduce(&s, s.pts[0].x, s.pts[4].x, 500, &path);
    CHECK(k == 4 && path[0].move && path[1].move && !path[2].move &&
              !path[3].move && path[2].status == OBS_PROVISIONAL,
          "gap then break: two strokes (%zu points)", k);
    free(path);
    chart_series_fini(&s);
    /* Without a status pointer nothing is read as a status. */
    o.status = NULL;
    CHECK(chart_series_read(j, &o, &s, err, sizeof(err)) &&
              s.pts[1].y == 0 && s.statuses == 1u << OBS_FINAL,
          "no status pointer: values as they came");
    chart_series_fini(&s);
    cJSON_Delete(map);
    cJSON_Delete(j);
}

/* The code list: what each SDMX code means on the wall and says. */
static void
test_obs_status(void)
{
    static const struct {
        const char *code;
        enum obs_status want;
        const char *vi;
    } cases[] = {
        {NULL, OBS_FINAL, ""},          {"", OBS_FINAL, ""},
        {"A", OBS_FINAL, ""},           {"P", OBS_PROVISIONAL, "sơ bộ"},
        {"E", OBS_ESTIMATED, "ước tính"}, {"I", OBS_ESTIMATED, "ước tính"},
        {"F", OBS_FORECAST, "dự báo"},  {"B", OBS_BREAK, "chuỗi gián đoạn"},
        {"M", OBS_MISSING, ""},         {"Q", OBS_MISSING, ""},
        {"L", OBS_MISSING, ""},         {"p", OBS_OTHER, "chưa chính thức"},
        {"Z", OBS_OTHER, "chưa chính thức"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum obs_status st = obs_status_of(cases[i].code, NULL);
        CHECK(st == cases[i].want, "status \"%s\": %d", cases[i].code
                                                            ? cases[i].code
                                                            : "(null)", st);
        CHECK_STR(obs_status_label(st, VI), cases[i].vi);
    }
    CHECK(strcmp(obs_status_label(OBS_PROVISIONAL, EN), "provisional") == 0,
          "en-US label");
    CHECK(!obs_status_marked(OBS_MISSING) && !obs_status_marked(OBS_FINAL) &&
              obs_status_marked(OBS_BREAK) &&
              !obs_status_preliminary(OBS_BREAK) &&
              obs_status_preliminary(OBS_FORECAST),
          "marked / preliminary");
    /* A status_map: the source's words to codes; an unmapped code of the
     * source is not final, named as such; a mapping to "" is final. */
    cJSON *map = cJSON_Parse("{\"chinh_thuc\": \"A\", \"so_bo\": \"P\","
                             " \"thieu\": \"M\", \"x\": \"\"}");
    CHECK(obs_status_of("so_bo", map) == OBS_PROVISIONAL &&
              obs_status_of("chinh_thuc", map) == OBS_FINAL &&
              obs_status_of("thieu", map) == OBS_MISSING &&
              obs_status_of("x", map) == OBS_FINAL &&
              obs_status_of("khac", map) == OBS_OTHER &&
              obs_status_of("P", map) == OBS_PROVISIONAL,
          "status_map");
    cJSON_Delete(map);
    CHECK(obs_status_code_known("P") && !obs_status_code_known("Z") &&
              !obs_status_code_known(NULL),
          "known codes");
}

/* The reduced path of a big series keeps every column's extremes and
 * every gap. */
static void
test_reduce(void)
{
    const size_t n = 10000;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        if (i >= 5000 && i < 5003) {
            cJSON_AddItemToArray(arr, cJSON_CreateNull());
        } else {
            cJSON_AddItemToArray(arr, cJSON_CreateNumber(
                sin(i * 0.01) * 100 + (i == 777 ? 1000 : 0)));
        }
    }
    struct chart_series_opts o = {.utc_offset_min = TZ, .number_locale = -1};
    struct chart_series s;
    char err[64];
    CHECK(chart_series_read(arr, &o, &s, err, sizeof(err)), "read 10k");
    struct chart_xy *path = NULL;
    size_t k = chart_series_reduce(&s, 0, (double)(n - 1), 500, &path);
    CHECK(k > 500 && k <= 4 * 500 + 8, "10k points reduce to %zu (<= 2008)",
          k);
    int moves = 0;
    bool spike = false;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < k; i++) {
        moves += path[i].move;
        spike = spike || (path[i].x == 777 && path[i].y == s.pts[777].y);
        lo = fmin(lo, path[i].y);
        hi = fmax(hi, path[i].y);
        CHECK(i == 0 || path[i].x > path[i - 1].x, "x increases at %zu", i);
    }
    CHECK(moves == 2, "one gap: 2 strokes, got %d", moves);
    CHECK(spike, "the one-point spike survives the reduction");
    CHECK(lo == s.ymin && hi == s.ymax, "extremes kept");
    free(path);
    /* Small series: copied as is. */
    k = chart_series_reduce(&s, 0, 9, 500, &path);
    CHECK(k == 10, "a window of 10 points keeps 10, got %zu", k);
    free(path);
    chart_series_fini(&s);
    cJSON_Delete(arr);
}

static void
test_palette(void)
{
    struct rgba c;
    CHECK(chart_palette_parse("#56B4E9", &c) && fabs(c.r - 0x56 / 255.0) <
              1e-9 && c.a == 1, "parse #RRGGBB");
    CHECK(chart_palette_parse("#00000080", &c) && fabs(c.a - 128 / 255.0) <
              1e-9, "parse alpha");
    CHECK(!chart_palette_parse("#12345", &c) &&
              !chart_palette_parse("123456", &c) &&
              !chart_palette_parse("#12345G", &c), "malformed refused");
    struct rgba a = chart_palette_category(0), b = chart_palette_category(7);
    CHECK(a.r == b.r && a.g == b.g && a.b == b.b, "palette wraps");
    struct rgba v0 = chart_palette_viridis(-1), v1 = chart_palette_viridis(2);
    CHECK(v0.r < 0.3 && v1.g > 0.85, "viridis ends clamp");
}

/* The brief move of a graphic to a new value. */
static void
test_anim(void)
{
    struct widget_anim a = {.dur_ms = 600};
    double v[3] = {10, 20, NAN};
    widget_anim_target(&a, v, 3, 1000);
    CHECK(!widget_anim_running(&a, 1000) && widget_anim_at(&a, 0, 1000) == 10,
          "first values are drawn at once");
    uint64_t idle = widget_anim_stamp(&a, 1000, 1);
    CHECK(widget_anim_next_change(&a, 1000, 5000) == 5000, "idle: no frames "
          "asked for");
    widget_anim_target(&a, v, 3, 2000);
    CHECK(!widget_anim_running(&a, 2000), "the same values start nothing");
    double w[3] = {30, 20, 5};
    widget_anim_target(&a, w, 3, 3000);
    CHECK(widget_anim_running(&a, 3000) && widget_anim_at(&a, 0, 3000) == 10,
          "a change starts from the old value");
    double mid = widget_anim_at(&a, 0, 3300);
    CHECK(mid > 20 && mid < 30, "half way in time, past half way (ease "
          "out): %g", mid);
    CHECK(widget_anim_at(&a, 1, 3300) == 20, "an unchanged value stays");
    CHECK(widget_anim_at(&a, 2, 3000) == 5, "a value that was missing "
          "appears at once, never grows out of a gap");
    CHECK(widget_anim_stamp(&a, 3000, 1) != widget_anim_stamp(&a, 3016, 1),
          "the stamp changes every frame while moving");
    CHECK(widget_anim_stamp(&a, 3001, 1) == widget_anim_stamp(&a, 3002, 1),
          "but not within a frame");
    CHECK(widget_anim_next_change(&a, 3001, 99999) == 3016, "asks for the "
          "next frame: %lld", (long long)widget_anim_next_change(&a, 3001,
                                                                 99999));
    CHECK(widget_anim_next_change(&a, 3595, 99999) == 3600, "and for the "
          "end exactly");
    CHECK(!widget_anim_running(&a, 3600) && widget_anim_at(&a, 0, 3600) == 30
              && widget_anim_stamp(&a, 3600, 1) == idle,
          "at the end: the value, and the idle stamp");
    /* A change during a move continues from where the graphic is. */
    widget_anim_target(&a, v, 3, 4000);
    double at = widget_anim_at(&a, 0, 4200);
    double x[3] = {0, 20, 5};
    widget_anim_target(&a, x, 3, 4200);
    CHECK(fabs(widget_anim_at(&a, 0, 4200) - at) < 1e-9, "redirected "
          "without a jump");
    double y[3] = {0, NAN, 5};
    widget_anim_target(&a, y, 3, 4300);
    CHECK(isnan(widget_anim_at(&a, 1, 4300)), "a value that goes missing "
          "is missing at once");
    double z[2] = {1, 2};
    widget_anim_target(&a, z, 2, 4400);
    CHECK(!widget_anim_running(&a, 4400) && widget_anim_at(&a, 1, 4400) == 2,
          "a different count of values jumps");
    struct widget_anim off = {0};
    widget_anim_target(&off, v, 3, 0);
    widget_anim_target(&off, w, 3, 10);
    CHECK(!widget_anim_running(&off, 10) && widget_anim_at(&off, 0, 10) == 30,
          "without `animate` values jump");
}

int
main(void)
{
    test_scales();
    test_periods();
    test_period_write();
    test_series_status();
    test_obs_status();
    test_period_short();
    test_time_ticks();
    test_compact();
    test_series();
    test_reduce();
    test_palette();
    test_anim();
    return testlib_done();
}
