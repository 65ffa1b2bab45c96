/*
 * chart_series: a data series read out of a feed's JSON, and its
 * reduction to what a pixel column can show.
 *
 * A series is the array a binding points at.  Its elements may be numbers
 * (x = position), [x, y] pairs, or objects whose x and y are found by
 * pointers (by default x is the first of "t", "period", "date", "time",
 * "x", "label", "name" and y the first of "value", "y", "v").  x values
 * that are all periods or timestamps make a time series; otherwise x is
 * a category with its label.  A y that is null, absent or not a number is
 * a missing point: it stays in the series as a gap and is never read as 0;
 * so is a point whose status (opts.status) says it is missing.
 *
 * Pure functions, any thread; the caller owns the series.
 */
#ifndef OPSWALL_CHART_SERIES_H
#define OPSWALL_CHART_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "chart/chart_ticks.h"

/* More points than this are refused: a feed that sends them is broken. */
#define CHART_MAX_POINTS 1000000

enum chart_x_kind {
    CHART_X_AUTO,
    CHART_X_TIME,
    CHART_X_CATEGORY,
};

struct chart_point {
    double x;      /* epoch ms for time series, else the element's index */
    double y;      /* NAN when missing */
    const char *label; /* category label (borrowed from the JSON), or NULL */
    uint8_t status; /* enum obs_status: provisional, estimated, a break... */
};

struct chart_series {
    struct chart_point *pts;
    size_t n;
    enum chart_x_kind kind;  /* TIME or CATEGORY once read */
    enum chart_period period; /* finest period of a time series */
    size_t nvalid;           /* points with a value */
    double ymin, ymax;       /* over valid points; NAN if none */
    size_t last_valid;       /* index of the newest valid point, or n */
    unsigned statuses;       /* bit (1 << s) for each obs_status of a
                                valid point, for the legend */
};

struct chart_series_opts {
    const char *x;        /* pointer within an element, or NULL: defaults */
    const char *y;
    const char *label;    /* pointer to a category label (bars), or NULL */
    enum chart_x_kind kind;
    int utc_offset_min;   /* for periods without a zone */
    int number_locale;    /* -1: strings must be plain C numbers; else a
                             enum layout_locale for "1.234,5" strings */
    const char *status;   /* pointer to a point's status, or NULL: none */
    const cJSON *status_map; /* the source's codes -> SDMX codes, or NULL */
};

/*
 * Reads arr into out.  The labels point into arr, which must outlive out.
 * Returns false with a reason when arr is not an array or is too long;
 * out is then empty (safe to fini).
 */
bool chart_series_read(const cJSON *arr, const struct chart_series_opts *o,
                       struct chart_series *out, char *err, size_t errlen);
void chart_series_fini(struct chart_series *s);

/* Keeps only the newest n points (and recomputes the statistics). */
void chart_series_keep_last(struct chart_series *s, size_t n);

/* A point of a reduced path; `move` starts a new stroke (after a gap or
 * a break in the series); `status` is the point's (enum obs_status). */
struct chart_xy {
    double x, y;
    bool move;
    uint8_t status;
};

/*
 * Reduces the valid points within [x0, x1] for drawing in `columns` pixel
 * columns: each run between gaps keeps, per column, its first, lowest,
 * highest and last point (M4), so the drawn line is the one the full
 * series would give at that width, and every gap stays a gap.  Series
 * short enough are copied as they are.  Returns the count written to
 * *out (caller frees).
 */
size_t chart_series_reduce(const struct chart_series *s, double x0,
                           double x1, int columns, struct chart_xy **out);

#endif
