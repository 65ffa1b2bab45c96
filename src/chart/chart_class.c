/*
 * chart_class: choropleth classes and ColorBrewer / viridis ramps.
 *
 * The ramp colours are the published ColorBrewer 2.0 values (Cynthia
 * Brewer, Penn State; Apache-2.0 licensed scheme data), entered as data.
 * Sequential ramps skip their palest end: on a dark wall a near-white
 * province would glare and read as "highlighted", not as "least".
 */
#include "chart/chart_class.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "chart/chart_palette.h"

struct ramp {
    const char *name;
    bool diverging;
    int n;
    unsigned rgb[11];
};

static const struct ramp ramps[] = {
    {"blues", false, 9, {0xf7fbff, 0xdeebf7, 0xc6dbef, 0x9ecae1, 0x6baed6,
                         0x4292c6, 0x2171b5, 0x08519c, 0x08306b}},
    {"greens", false, 9, {0xf7fcf5, 0xe5f5e0, 0xc7e9c0, 0xa1d99b, 0x74c476,
                          0x41ab5d, 0x238b45, 0x006d2c, 0x00441b}},
    {"oranges", false, 9, {0xfff5eb, 0xfee6ce, 0xfdd0a2, 0xfdae6b, 0xfd8d3c,
                           0xf16913, 0xd94801, 0xa63603, 0x7f2704}},
    {"purples", false, 9, {0xfcfbfd, 0xefedf5, 0xdadaeb, 0xbcbddc, 0x9e9ac8,
                           0x807dba, 0x6a51a3, 0x54278f, 0x3f007d}},
    {"puor", true, 11, {0x7f3b08, 0xb35806, 0xe08214, 0xfdb863, 0xfee0b6,
                        0xf7f7f7, 0xd8daeb, 0xb2abd2, 0x8073ac, 0x542788,
                        0x2d004b}},
    {"brbg", true, 11, {0x543005, 0x8c510a, 0xbf812d, 0xdfc27d, 0xf6e8c3,
                        0xf5f5f5, 0xc7eae5, 0x80cdc1, 0x35978f, 0x01665e,
                        0x003c30}},
    {"rdbu", true, 11, {0x67001f, 0xb2182b, 0xd6604d, 0xf4a582, 0xfddbc7,
                        0xf7f7f7, 0xd1e5f0, 0x92c5de, 0x4393c3, 0x2166ac,
                        0x053061}},
};

static const struct ramp *
find_ramp(const char *name)
{
    for (size_t i = 0; i < sizeof(ramps) / sizeof(ramps[0]); i++) {
        if (name && strcmp(ramps[i].name, name) == 0) {
            return &ramps[i];
        }
    }
    return NULL;
}

bool
chart_class_ramp_known(const char *name)
{
    return find_ramp(name) || (name && strcmp(name, "viridis") == 0);
}

bool
chart_class_ramp_diverging(const char *name)
{
    const struct ramp *r = find_ramp(name);
    return r && r->diverging;
}

static double
channel(unsigned rgb, int shift)
{
    return ((rgb >> shift) & 0xff) / 255.0;
}

struct rgba
chart_class_color(const char *name, int i, int n)
{
    double t = n > 1 ? (double)i / (n - 1) : 1;
    const struct ramp *r = find_ramp(name);
    if (!r) {
        return chart_palette_viridis(0.12 + 0.88 * t);
    }
    if (!r->diverging) {
        t = 0.22 + 0.78 * t; /* skip the palest end */
    }
    double at = t * (r->n - 1);
    int k = (int)floor(at);
    if (k >= r->n - 1) {
        k = r->n - 2;
    }
    double f = at - k;
    unsigned a = r->rgb[k], b = r->rgb[k + 1];
    return (struct rgba){
        channel(a, 16) + (channel(b, 16) - channel(a, 16)) * f,
        channel(a, 8) + (channel(b, 8) - channel(a, 8)) * f,
        channel(a, 0) + (channel(b, 0) - channel(a, 0)) * f, 1};
}

static int
cmp_double(const void *a, const void *b)
{
    double p = *(const double *)a, q = *(const double *)b;
    return p < q ? -1 : p > q;
}

bool
chart_class_compute(const double *v, size_t count,
                    enum chart_class_method method, int n, const double *thr,
                    struct chart_classes *out)
{
    memset(out, 0, sizeof(*out));
    if (n < 2) {
        n = 2;
    }
    if (n > CHART_CLASS_MAX) {
        n = CHART_CLASS_MAX;
    }
    double *s = xmalloc((count ? count : 1) * sizeof(*s));
    size_t k = 0;
    for (size_t i = 0; i < count; i++) {
        if (!isnan(v[i])) {
            s[k++] = v[i];
        }
    }
    if (k == 0) {
        free(s);
        return false;
    }
    qsort(s, k, sizeof(*s), cmp_double);
    out->lo = s[0];
    out->hi = s[k - 1];
    out->n = n;
    out->brk[0] = s[0];
    out->brk[n] = s[k - 1];
    bool ok = true;
    switch (method) {
    case CHART_CLASS_THRESHOLDS:
        for (int i = 1; i < n; i++) {
            out->brk[i] = thr[i - 1];
            if (i > 1 && thr[i - 1] <= thr[i - 2]) {
                ok = false;
            }
        }
        out->brk[0] = fmin(s[0], thr[0]);
        out->brk[n] = fmax(s[k - 1], thr[n - 2]);
        break;
    case CHART_CLASS_EQUAL:
        for (int i = 1; i < n; i++) {
            out->brk[i] = s[0] + (s[k - 1] - s[0]) * i / n;
        }
        break;
    case CHART_CLASS_QUANTILE: {
        /* Break i at the i/n quantile; equal breaks merge classes. */
        int m = 1;
        for (int i = 1; i < n; i++) {
            double b = s[(size_t)((double)i * k / n)];
            if (b > out->brk[m - 1] && b < s[k - 1]) {
                out->brk[m++] = b;
            }
        }
        out->n = m;
        out->brk[m] = s[k - 1];
        if (m < 2 && s[0] == s[k - 1]) {
            out->n = 1;
        }
        break;
    }
    }
    free(s);
    return ok;
}

int
chart_class_of(const struct chart_classes *c, double v)
{
    if (isnan(v) || c->n < 1) {
        return -1;
    }
    for (int i = c->n - 1; i > 0; i--) {
        if (v >= c->brk[i]) {
            return i;
        }
    }
    return 0;
}
