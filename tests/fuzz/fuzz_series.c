/*
 * fuzz_series: libFuzzer target for series extraction: any JSON read as a
 * series (every x kind, with and without a number locale and pointers),
 * then reduced at several widths, ticks and labels computed from it as
 * the chart widgets do.  Checks the invariants on the way.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "chart/chart_series.h"
#include "chart/chart_ticks.h"
#include "feeds/obs_status.h"
#include "text/format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool cond)
{
    if (!cond) {
        abort();
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    cJSON *root = cJSON_ParseWithLength(text, size);
    free(text);
    if (!root) {
        return 0;
    }
    static const struct chart_series_opts opts[] = {
        {NULL, NULL, NULL, CHART_X_AUTO, 420, -1},
        {NULL, NULL, "/name", CHART_X_CATEGORY, 420, LAYOUT_LOCALE_VI_VN},
        {"/period", "/value", NULL, CHART_X_TIME, 0, LAYOUT_LOCALE_EN_US},
        {"/0", "/1", NULL, CHART_X_AUTO, -600, -1},
        {NULL, NULL, NULL, CHART_X_AUTO, 420, -1, "/status", NULL},
        {"/period", "/value", NULL, CHART_X_AUTO, 420, -1, "/st", NULL},
    };
    const cJSON *arrays[2] = {root, cJSON_IsObject(root) ? root->child
                                                         : NULL};
    for (size_t a = 0; a < 2; a++) {
        for (size_t o = 0; o < sizeof(opts) / sizeof(opts[0]); o++) {
            struct chart_series s;
            char err[128];
            /* The status map comes from the input too (any shape). */
            struct chart_series_opts op = opts[o];
            if (op.status) {
                op.status_map = cJSON_GetObjectItemCaseSensitive(
                    root, "status_map");
            }
            if (!chart_series_read(arrays[a], &op, &s, err, sizeof(err))) {
                chart_series_fini(&s);
                continue;
            }
            check(s.nvalid <= s.n);
            for (size_t i = 0; i < s.n; i++) {
                check(s.pts[i].status < OBS_COUNT);
                check(s.pts[i].status != OBS_MISSING || isnan(s.pts[i].y));
            }
            check(s.nvalid == 0 || s.ymin <= s.ymax);
            for (size_t i = 1; s.kind == CHART_X_TIME && i < s.n; i++) {
                check(s.pts[i - 1].x <= s.pts[i].x);
            }
            static const int widths[] = {1, 3, 640};
            for (size_t wi = 0; wi < 3 && s.n; wi++) {
                struct chart_xy *path = NULL;
                size_t k = chart_series_reduce(&s, s.pts[0].x,
                                               s.pts[s.n - 1].x, widths[wi],
                                               &path);
                check(k <= s.nvalid);
                free(path);
            }
            struct chart_scale sc;
            if (s.nvalid && chart_scale_nice(s.ymin, s.ymax, 6, true, &sc)) {
                check(sc.lo <= 0 && sc.hi >= 0 && sc.count <= 6);
                char buf[64];
                format_compact(buf, sizeof(buf), sc.hi, sc.hi, sc.decimals,
                               LAYOUT_LOCALE_VI_VN);
            }
            if (s.kind == CHART_X_TIME && s.n) {
                struct chart_time_tick ticks[CHART_MAX_TIME_TICKS];
                int n = chart_time_ticks((int64_t)s.pts[0].x,
                                         (int64_t)s.pts[s.n - 1].x, s.period,
                                         8, 420, LAYOUT_LOCALE_VI_VN, ticks);
                check(n >= 0 && n <= 8);
            }
            chart_series_keep_last(&s, 3);
            check(s.n <= 3);
            chart_series_fini(&s);
        }
    }
    cJSON_Delete(root);
    return 0;
}
