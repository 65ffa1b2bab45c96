/*
 * chart_ticks: axis scales a reader can do arithmetic with.
 *
 * Value axes step by 1, 2 or 5 times a power of ten; bar axes always
 * include zero (a bar's length is its value).  Time axes step by calendar
 * units (minutes .. years) aligned to the calendar at the wall's UTC
 * offset and are labelled as Vietnamese reports write periods: "09:00",
 * "22/11", "Th10", "Q3/2026", "2026".  Pure functions; any thread.
 */
#ifndef OPSWALL_CHART_TICKS_H
#define OPSWALL_CHART_TICKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layout/layout.h"

struct chart_scale {
    double lo, hi;  /* axis ends, multiples of step */
    double step;
    int count;      /* ticks from lo to hi inclusive */
    int decimals;   /* places that write every tick exactly */
};

/*
 * Chooses a scale covering [min, max] with at most max_ticks ticks.
 * include_zero extends the range to 0.  A single value gets a range
 * around it.  Returns false (scale zeroed) for non-finite input or
 * max_ticks < 2.
 */
bool chart_scale_nice(double min, double max, int max_ticks,
                      bool include_zero, struct chart_scale *out);

/* How precisely a data point's x names a time. */
enum chart_period {
    CHART_PERIOD_NONE,    /* not a time */
    CHART_PERIOD_INSTANT, /* a timestamp */
    CHART_PERIOD_DAY,
    CHART_PERIOD_WEEK,    /* ISO 8601 week, from Monday */
    CHART_PERIOD_MONTH,
    CHART_PERIOD_QUARTER,
    CHART_PERIOD_YEAR,
};

/*
 * Parses a period as feeds write them: "2026", "2026-10", "2026M10",
 * "2026-Q3", "2026Q3", "2026-W47", "2026W47" (ISO week), "2026-10-05",
 * or an ISO 8601 time.  *t is the
 * period's start at utc_offset_min.  Returns CHART_PERIOD_NONE if s is
 * none of these.
 */
enum chart_period chart_period_parse(const char *s, int utc_offset_min,
                                     int64_t *t);

/* A period's label: "05/10/2026", "Tuần 47/2026", "Tháng 10/2026",
 * "Quý III/2026", "Năm 2026" (vi-VN) or "10/05/2026", "Week 47, 2026",
 * "Oct 2026", "Q3 2026", "2026" (en-US); an instant is "dd/mm HH:MM". */
void chart_period_label(char *buf, size_t n, int64_t t, enum chart_period p,
                        int utc_offset_min, enum layout_locale loc);

/* THE way a period is written on the wall, for every widget (footers,
 * tables, legends): a string in one of the forms chart_period_parse reads
 * is written as chart_period_label writes it; returns false (buf
 * untouched) for anything else, which callers show as written (a
 * layout's own "6 tháng đầu năm"). */
bool chart_period_write(char *buf, size_t n, const char *s,
                        int utc_offset_min, enum layout_locale loc);

/* A category label that is a period, written short as an axis writes it
 * ("2026-Q3" -> "Q3/2026", "2026-10" -> "Th10/2026", "2026-W47" ->
 * "Tuần 47", "2026-11-22" -> "22/11"); false (buf untouched) when s is not a period. */
bool chart_period_short(char *buf, size_t n, const char *s,
                        int utc_offset_min, enum layout_locale loc);

#define CHART_MAX_TIME_TICKS 64

struct chart_time_tick {
    int64_t t;
    char label[32];
};

/*
 * Time ticks within [t0, t1], at most max_ticks, never finer than the
 * data's period (quarterly data is not labelled by month).  Returns the
 * number written to out (at most CHART_MAX_TIME_TICKS).
 */
int chart_time_ticks(int64_t t0, int64_t t1, enum chart_period finest,
                     int max_ticks, int utc_offset_min,
                     enum layout_locale loc, struct chart_time_tick *out);

#endif
