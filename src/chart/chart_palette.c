/*
 * chart_palette: published palettes as tables (no colour maths beyond
 * linear interpolation between viridis' own samples).
 */
#include "chart/chart_palette.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static struct rgba
hex(unsigned v)
{
    return (struct rgba){((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0,
                         (v & 0xff) / 255.0, 1.0};
}

struct rgba
chart_palette_category(size_t i)
{
    /* Okabe–Ito: sky blue, orange, bluish green, reddish purple, yellow,
     * vermillion, blue. */
    static const unsigned okabe_ito[CHART_PALETTE_SIZE] = {
        0x56B4E9, 0xE69F00, 0x009E73, 0xCC79A7, 0xF0E442, 0xD55E00, 0x0072B2,
    };
    return hex(okabe_ito[i % CHART_PALETTE_SIZE]);
}

struct rgba
chart_palette_viridis(double t)
{
    static const unsigned viridis[] = {
        0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C,
        0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725,
    };
    const int n = (int)(sizeof(viridis) / sizeof(viridis[0]));
    if (!(t > 0)) {
        t = 0;
    }
    if (t > 1) {
        t = 1;
    }
    double f = t * (n - 1);
    int i = (int)floor(f);
    if (i >= n - 1) {
        return hex(viridis[n - 1]);
    }
    struct rgba a = hex(viridis[i]), b = hex(viridis[i + 1]);
    double u = f - i;
    return (struct rgba){a.r + (b.r - a.r) * u, a.g + (b.g - a.g) * u,
                         a.b + (b.b - a.b) * u, 1.0};
}

bool
chart_palette_parse(const char *s, struct rgba *out)
{
    size_t n = s ? strlen(s) : 0;
    if ((n != 7 && n != 9) || s[0] != '#' ||
        strspn(s + 1, "0123456789abcdefABCDEF") != n - 1) {
        return false;
    }
    unsigned v[4] = {0, 0, 0, 255};
    for (size_t i = 0; i < (n - 1) / 2; i++) {
        sscanf(s + 1 + 2 * i, "%2x", &v[i]);
    }
    *out = (struct rgba){v[0] / 255.0, v[1] / 255.0, v[2] / 255.0,
                         v[3] / 255.0};
    return true;
}
