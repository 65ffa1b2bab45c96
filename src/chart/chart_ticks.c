/*
 * chart_ticks: nice value scales (the classic 1-2-5 search) and calendar
 * time ticks.  Time ticks are generated in civil time at the layout's
 * fixed UTC offset: months and years have no fixed length, so they are
 * stepped field by field, never as a number of milliseconds.
 */
#include "chart/chart_ticks.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/timeutil.h"

bool
chart_scale_nice(double min, double max, int max_ticks, bool include_zero,
                 struct chart_scale *out)
{
    memset(out, 0, sizeof(*out));
    if (!isfinite(min) || !isfinite(max) || max_ticks < 2) {
        return false;
    }
    if (min > max) {
        double t = min;
        min = max;
        max = t;
    }
    if (include_zero) {
        min = fmin(min, 0);
        max = fmax(max, 0);
    }
    if (max == min) {
        /* One value (or all equal): a range around it, from zero when the
         * axis must show zero. */
        double d = min == 0 ? 1 : fabs(min) * 0.1;
        if (include_zero) {
            max = min > 0 ? min + d : 0 + (min == 0 ? d : 0);
            min = min < 0 ? min - d : 0;
        } else {
            min -= d;
            max += d;
        }
    }
    double range = max - min;
    if (!isfinite(range) || range <= 0) {
        return false;
    }
    double raw = range / (max_ticks - 1);
    double mag = pow(10, floor(log10(raw)));
    static const double mults[] = {1, 2, 5, 10, 20};
    for (size_t i = 0; i < sizeof(mults) / sizeof(mults[0]); i++) {
        double step = mults[i] * mag;
        /* The tolerance keeps 0.3/0.1 from becoming 2.9999 steps. */
        double lo = floor(min / step + 1e-9) * step;
        double hi = ceil(max / step - 1e-9) * step;
        double count = round((hi - lo) / step) + 1;
        if (count <= max_ticks && isfinite(lo) && isfinite(hi)) {
            out->lo = lo == 0 ? 0 : lo; /* no -0 */
            out->hi = hi == 0 ? 0 : hi;
            out->step = step;
            out->count = (int)count;
            out->decimals = step >= 1 ? 0
                                      : (int)ceil(-log10(step) - 1e-9);
            if (out->decimals > 9) {
                out->decimals = 9;
            }
            return true;
        }
    }
    return false;
}

/* n decimal digits at s, all digits; -1 otherwise. */
static int
digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return -1;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int64_t
civil_start(int year, int month, int day, int utc_offset_min)
{
    struct civil_time ct = {.year = year, .month = month, .day = day};
    return time_from_civil(&ct, utc_offset_min);
}

#define DAY_MS 86400000LL

/* ISO 8601 weekday, 1 = Monday .. 7 = Sunday. */
static int
iso_weekday(const struct civil_time *ct)
{
    return ct->weekday == 0 ? 7 : ct->weekday;
}

/* The start (Monday 00:00) of ISO week 1 of year: the week holding
 * 4 January. */
static int64_t
iso_week1_start(int year, int utc_offset_min)
{
    int64_t jan4 = civil_start(year, 1, 4, utc_offset_min);
    struct civil_time ct;
    time_to_civil(jan4, utc_offset_min, &ct);
    return jan4 - (iso_weekday(&ct) - 1) * DAY_MS;
}

/* The ISO week holding t: its number and the year it belongs to (which
 * is the year of its Thursday). */
static void
iso_week_of(int64_t t, int utc_offset_min, int *year, int *week)
{
    struct civil_time ct;
    time_to_civil(t, utc_offset_min, &ct);
    int64_t thursday = t + (4 - iso_weekday(&ct)) * DAY_MS;
    time_to_civil(thursday, utc_offset_min, &ct);
    *year = ct.year;
    int64_t w1 = iso_week1_start(ct.year, utc_offset_min);
    *week = (int)((thursday - w1) / (7 * DAY_MS)) + 1;
}

/* "W47" (after "2026" or "2026-"): the Monday starting that week, or -1
 * when it does not exist (week 53 of a year of 52). */
static bool
parse_week(int year, const char *r, int utc_offset_min, int64_t *t)
{
    if ((r[0] != 'W' && r[0] != 'w') || strlen(r + 1) != 2) {
        return false;
    }
    int week = digits(r + 1, 2);
    if (week < 1 || week > 53) {
        return false;
    }
    int64_t start = iso_week1_start(year, utc_offset_min) +
                    (week - 1) * 7 * DAY_MS;
    int y, w;
    iso_week_of(start, utc_offset_min, &y, &w);
    if (y != year || w != week) {
        return false;
    }
    *t = start;
    return true;
}

enum chart_period
chart_period_parse(const char *s, int utc_offset_min, int64_t *t)
{
    size_t len = strlen(s);
    int year = len >= 4 ? digits(s, 4) : -1;
    if (year < 1000) {
        return CHART_PERIOD_NONE;
    }
    if (len == 4) {
        *t = civil_start(year, 1, 1, utc_offset_min);
        return CHART_PERIOD_YEAR;
    }
    const char *r = s + 4;
    bool sep = *r == '-';
    if (sep) {
        r++;
    }
    if ((r[0] == 'Q' || r[0] == 'q') && r[1] >= '1' && r[1] <= '4' &&
        r[2] == '\0') {
        *t = civil_start(year, (r[1] - '1') * 3 + 1, 1, utc_offset_min);
        return CHART_PERIOD_QUARTER;
    }
    if (parse_week(year, r, utc_offset_min, t)) {
        return CHART_PERIOD_WEEK;
    }
    bool mflag = r[0] == 'M';
    if (mflag) {
        r++;
    }
    size_t rest = strlen(r);
    /* "2026-10", "2026M10", "2026-M1"; a bare "202610" is refused as
     * ambiguous. */
    if ((sep || mflag) && (rest == 2 || (mflag && rest == 1))) {
        int month = digits(r, (int)rest);
        if (month >= 1 && month <= 12) {
            *t = civil_start(year, month, 1, utc_offset_min);
            return CHART_PERIOD_MONTH;
        }
        return CHART_PERIOD_NONE;
    }
    if (len == 10 && s[4] == '-' && s[7] == '-') {
        return time_parse_iso8601(s, utc_offset_min, t) ? CHART_PERIOD_DAY
                                                        : CHART_PERIOD_NONE;
    }
    if (len > 10 && time_parse_iso8601(s, utc_offset_min, t)) {
        return CHART_PERIOD_INSTANT;
    }
    return CHART_PERIOD_NONE;
}

static const char *const roman[] = {"I", "II", "III", "IV"};
static const char *const months_en[] = {"Jan", "Feb", "Mar", "Apr", "May",
                                        "Jun", "Jul", "Aug", "Sep", "Oct",
                                        "Nov", "Dec"};

void
chart_period_label(char *buf, size_t n, int64_t t, enum chart_period p,
                   int utc_offset_min, enum layout_locale loc)
{
    struct civil_time ct;
    time_to_civil(t, utc_offset_min, &ct);
    bool vi = loc == LAYOUT_LOCALE_VI_VN;
    switch (p) {
    case CHART_PERIOD_YEAR:
        snprintf(buf, n, vi ? "Năm %d" : "%d", ct.year);
        break;
    case CHART_PERIOD_QUARTER:
        if (vi) {
            snprintf(buf, n, "Quý %s/%d", roman[(ct.month - 1) / 3], ct.year);
        } else {
            snprintf(buf, n, "Q%d %d", (ct.month - 1) / 3 + 1, ct.year);
        }
        break;
    case CHART_PERIOD_MONTH:
        if (vi) {
            snprintf(buf, n, "Tháng %d/%d", ct.month, ct.year);
        } else {
            snprintf(buf, n, "%s %d", months_en[ct.month - 1], ct.year);
        }
        break;
    case CHART_PERIOD_WEEK: {
        int year, week;
        iso_week_of(t, utc_offset_min, &year, &week);
        snprintf(buf, n, vi ? "Tuần %d/%d" : "Week %d, %d", week, year);
        break;
    }
    case CHART_PERIOD_DAY:
        snprintf(buf, n, "%02d/%02d/%d", vi ? ct.day : ct.month,
                 vi ? ct.month : ct.day, ct.year);
        break;
    default:
        snprintf(buf, n, "%02d/%02d %02d:%02d", vi ? ct.day : ct.month,
                 vi ? ct.month : ct.day, ct.hour, ct.minute);
        break;
    }
}

enum step_unit { U_MIN, U_HOUR, U_DAY, U_MONTH, U_YEAR };

static const struct {
    enum step_unit unit;
    int n;
    int64_t approx_ms;
} time_steps[] = {
    {U_MIN, 1, 60000LL},         {U_MIN, 5, 300000LL},
    {U_MIN, 10, 600000LL},       {U_MIN, 15, 900000LL},
    {U_MIN, 30, 1800000LL},      {U_HOUR, 1, 3600000LL},
    {U_HOUR, 2, 7200000LL},      {U_HOUR, 3, 10800000LL},
    {U_HOUR, 6, 21600000LL},     {U_HOUR, 12, 43200000LL},
    {U_DAY, 1, 86400000LL},      {U_DAY, 2, 172800000LL},
    {U_DAY, 7, 604800000LL},     {U_MONTH, 1, 2629746000LL},
    {U_MONTH, 3, 7889238000LL},  {U_MONTH, 6, 15778476000LL},
    {U_YEAR, 1, 31556952000LL},  {U_YEAR, 2, 63113904000LL},
    {U_YEAR, 5, 157784760000LL}, {U_YEAR, 10, 315569520000LL},
    {U_YEAR, 20, 631139040000LL}, {U_YEAR, 50, 1577847600000LL},
    {U_YEAR, 100, 3155695200000LL},
};

static bool
step_allowed(size_t i, enum chart_period finest)
{
    enum step_unit u = time_steps[i].unit;
    switch (finest) {
    case CHART_PERIOD_DAY:
        return u >= U_DAY;
    case CHART_PERIOD_WEEK:
        return u > U_DAY || (u == U_DAY && time_steps[i].n == 7);
    case CHART_PERIOD_MONTH:
        return u >= U_MONTH;
    case CHART_PERIOD_QUARTER:
        return u > U_MONTH || (u == U_MONTH && time_steps[i].n % 3 == 0);
    case CHART_PERIOD_YEAR:
        return u == U_YEAR;
    default:
        return true;
    }
}

/* The short forms axes write: "2026", "Q3/2026", "Th10/2026", "22/11"
 * (en-US "2026", "Q3 2026", "Oct 2026", "11/22"). */
static void
short_label(char *buf, size_t n, const struct civil_time *ct,
            enum chart_period p, enum layout_locale loc)
{
    bool vi = loc == LAYOUT_LOCALE_VI_VN;
    switch (p) {
    case CHART_PERIOD_YEAR:
        snprintf(buf, n, "%d", ct->year);
        break;
    case CHART_PERIOD_QUARTER:
        snprintf(buf, n, vi ? "Q%d/%d" : "Q%d %d", (ct->month - 1) / 3 + 1,
                 ct->year);
        break;
    case CHART_PERIOD_MONTH:
        if (vi) {
            snprintf(buf, n, "Th%d/%d", ct->month, ct->year);
        } else {
            snprintf(buf, n, "%s %d", months_en[ct->month - 1], ct->year);
        }
        break;
    default:
        snprintf(buf, n, "%02d/%02d", vi ? ct->day : ct->month,
                 vi ? ct->month : ct->day);
        break;
    }
}

static void
tick_label(char *buf, size_t n, const struct civil_time *ct, size_t step,
           bool first, enum chart_period finest, enum layout_locale loc)
{
    switch (time_steps[step].unit) {
    case U_MIN:
    case U_HOUR:
        if (ct->hour == 0 && ct->minute == 0) {
            short_label(buf, n, ct, CHART_PERIOD_DAY, loc);
        } else {
            snprintf(buf, n, "%02d:%02d", ct->hour, ct->minute);
        }
        break;
    case U_DAY:
        short_label(buf, n, ct, CHART_PERIOD_DAY, loc);
        break;
    case U_MONTH:
        if (finest == CHART_PERIOD_QUARTER ||
            (time_steps[step].n == 3 && finest != CHART_PERIOD_MONTH &&
             (ct->month - 1) % 3 == 0)) {
            short_label(buf, n, ct, CHART_PERIOD_QUARTER, loc);
        } else if (first || ct->month == 1) {
            short_label(buf, n, ct, CHART_PERIOD_MONTH, loc);
        } else if (loc == LAYOUT_LOCALE_VI_VN) {
            snprintf(buf, n, "Th%d", ct->month);
        } else {
            snprintf(buf, n, "%s", months_en[ct->month - 1]);
        }
        break;
    case U_YEAR:
        short_label(buf, n, ct, CHART_PERIOD_YEAR, loc);
        break;
    }
}

int
chart_time_ticks(int64_t t0, int64_t t1, enum chart_period finest,
                 int max_ticks, int utc_offset_min, enum layout_locale loc,
                 struct chart_time_tick *out)
{
    if (t1 < t0 || max_ticks < 1) {
        return 0;
    }
    if (max_ticks > CHART_MAX_TIME_TICKS) {
        max_ticks = CHART_MAX_TIME_TICKS;
    }
    size_t nsteps = sizeof(time_steps) / sizeof(time_steps[0]);
    size_t s = nsteps;
    for (size_t i = 0; i < nsteps; i++) {
        if (step_allowed(i, finest) &&
            (t1 - t0) / time_steps[i].approx_ms + 1 <= max_ticks) {
            s = i;
            break;
        }
    }
    if (s == nsteps) {
        return 0;
    }
    struct civil_time ct;
    time_to_civil(t0, utc_offset_min, &ct);
    int k = time_steps[s].n;
    /* Align the first candidate to the unit and step, at or before t0. */
    ct.second = ct.millisecond = 0;
    switch (time_steps[s].unit) {
    case U_MIN:
        ct.minute -= ct.minute % k;
        break;
    case U_HOUR:
        ct.minute = 0;
        ct.hour -= ct.hour % k;
        break;
    case U_DAY:
        ct.minute = ct.hour = 0;
        break;
    case U_MONTH:
        ct.minute = ct.hour = 0;
        ct.day = 1;
        ct.month -= (ct.month - 1) % k;
        break;
    case U_YEAR:
        ct.minute = ct.hour = 0;
        ct.day = ct.month = 1;
        ct.year -= ct.year % k;
        break;
    }
    int count = 0;
    for (int guard = 0; guard < 4 * CHART_MAX_TIME_TICKS; guard++) {
        int64_t t = time_from_civil(&ct, utc_offset_min);
        if (t > t1) {
            break;
        }
        if (t >= t0 && count < max_ticks) {
            struct civil_time lc;
            time_to_civil(t, utc_offset_min, &lc);
            out[count].t = t;
            tick_label(out[count].label, sizeof(out[count].label), &lc, s,
                       count == 0, finest, loc);
            count++;
        }
        switch (time_steps[s].unit) {
        case U_MIN:
            time_to_civil(t + k * 60000LL, utc_offset_min, &ct);
            break;
        case U_HOUR:
            time_to_civil(t + k * 3600000LL, utc_offset_min, &ct);
            break;
        case U_DAY:
            time_to_civil(t + k * 86400000LL, utc_offset_min, &ct);
            break;
        case U_MONTH:
            ct.month += k;
            while (ct.month > 12) {
                ct.month -= 12;
                ct.year++;
            }
            break;
        case U_YEAR:
            ct.year += k;
            break;
        }
    }
    return count;
}

bool
chart_period_short(char *buf, size_t n, const char *s, int utc_offset_min,
                   enum layout_locale loc)
{
    int64_t t;
    enum chart_period p = chart_period_parse(s, utc_offset_min, &t);
    if (p == CHART_PERIOD_NONE || p == CHART_PERIOD_INSTANT) {
        return false;
    }
    if (p == CHART_PERIOD_WEEK) {
        int year, week;
        iso_week_of(t, utc_offset_min, &year, &week);
        snprintf(buf, n, loc == LAYOUT_LOCALE_VI_VN ? "Tuần %d" : "W%d",
                 week);
        return true;
    }
    struct civil_time ct;
    time_to_civil(t, utc_offset_min, &ct);
    short_label(buf, n, &ct, p, loc);
    return true;
}

bool
chart_period_write(char *buf, size_t n, const char *s, int utc_offset_min,
                   enum layout_locale loc)
{
    int64_t t;
    enum chart_period p = chart_period_parse(s, utc_offset_min, &t);
    if (p == CHART_PERIOD_NONE) {
        return false;
    }
    chart_period_label(buf, n, t, p, utc_offset_min, loc);
    return true;
}
