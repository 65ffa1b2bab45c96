/*
 * chart_class: values sorted into colour classes for a choropleth, and the
 * colour ramps that paint them.
 *
 * Classes: quantile (the same count of units in each), equal interval,
 * or explicit thresholds.  Missing values (NAN) have no class, ever.
 * Ramps: sequential ColorBrewer Blues, Greens, Oranges, Purples and
 * viridis; diverging ColorBrewer PuOr, BrBG and RdBu (the colour-blind
 * safe ones), centred on a declared midpoint.  Ramps are the published
 * 9-class (sequential) and 11-class (diverging) colours, sampled evenly
 * for n classes.
 *
 * Pure functions; any thread.
 */
#ifndef OPSWALL_CHART_CLASS_H
#define OPSWALL_CHART_CLASS_H

#include <stdbool.h>
#include <stddef.h>

#include "layout/layout.h"

#define CHART_CLASS_MAX 9

enum chart_class_method {
    CHART_CLASS_QUANTILE,
    CHART_CLASS_EQUAL,
    CHART_CLASS_THRESHOLDS,
};

struct chart_classes {
    int n;                               /* classes */
    double lo, hi;                       /* range of the valid values */
    double brk[CHART_CLASS_MAX + 1];     /* class i is [brk[i], brk[i+1]) */
};

/*
 * Computes n classes (2..CHART_CLASS_MAX) of v[0..count) (NANs ignored).
 * Thresholds: the n - 1 inner breaks in `thr` (ascending).  Returns false
 * when there is no valid value or the thresholds are not ascending.
 * Quantile classes whose breaks coincide (many equal values) are merged,
 * so n may come out smaller.
 */
bool chart_class_compute(const double *v, size_t count,
                         enum chart_class_method method, int n,
                         const double *thr, struct chart_classes *out);
/* The class of a value, or -1 when it is missing. */
int chart_class_of(const struct chart_classes *c, double v);

/* A ramp by name: "blues", "greens", "oranges", "purples", "viridis",
 * "puor", "brbg", "rdbu".  Returns false for an unknown name. */
bool chart_class_ramp_known(const char *name);
bool chart_class_ramp_diverging(const char *name);
/* Colour of class i of n on the ramp. */
struct rgba chart_class_color(const char *ramp, int i, int n);

#endif
