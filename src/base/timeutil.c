/*
 * timeutil: epoch <-> civil conversion with the days-from-civil algorithm
 * (proleptic Gregorian calendar, exact for all years we care about), and
 * strict parsers for ISO 8601 timestamps and durations.  Written here rather
 * than using timegm()/localtime_r() because those depend on the process TZ
 * (global state) and we need a fixed offset chosen by the layout.
 */
#include "base/timeutil.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
time_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
time_mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

double
time_mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Days since 1970-01-01 for a civil date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

void
time_to_civil(int64_t ms, int utc_offset_min, struct civil_time *out)
{
    int64_t local = ms + (int64_t)utc_offset_min * 60000;
    int64_t days = floor_div(local, 86400000);
    int64_t rem = local - days * 86400000;
    civil_from_days(days, &out->year, &out->month, &out->day);
    out->hour = (int)(rem / 3600000);
    out->minute = (int)(rem / 60000 % 60);
    out->second = (int)(rem / 1000 % 60);
    out->millisecond = (int)(rem % 1000);
    /* 1970-01-01 was a Thursday (4). */
    int64_t wd = (days + 4) % 7;
    out->weekday = (int)(wd < 0 ? wd + 7 : wd);
}

int64_t
time_from_civil(const struct civil_time *ct, int utc_offset_min)
{
    int64_t days = days_from_civil(ct->year, ct->month, ct->day);
    int64_t ms = days * 86400000 + (int64_t)ct->hour * 3600000 +
                 (int64_t)ct->minute * 60000 + (int64_t)ct->second * 1000 +
                 ct->millisecond;
    return ms - (int64_t)utc_offset_min * 60000;
}

/* Reads exactly n digits. */
static bool
digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i])) {
            return false;
        }
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool
parse_offset_at(const char **p, int *out_min)
{
    const char *s = *p;
    if (*s == 'Z' || *s == 'z') {
        *out_min = 0;
        *p = s + 1;
        return true;
    }
    if (*s != '+' && *s != '-') {
        return false;
    }
    int sign = *s == '-' ? -1 : 1;
    s++;
    int h, m;
    if (!digits(&s, 2, &h)) {
        return false;
    }
    if (*s == ':') {
        s++;
    }
    if (!digits(&s, 2, &m) || h > 14 || m > 59) {
        return false;
    }
    *out_min = sign * (h * 60 + m);
    *p = s;
    return true;
}

bool
time_parse_offset(const char *s, int *out_min)
{
    const char *p = s;
    return parse_offset_at(&p, out_min) && *p == '\0';
}

static bool
days_in_month_ok(int y, int m, int d)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1) {
        return false;
    }
    int n = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) {
        n = 29;
    }
    return d <= n;
}

bool
time_parse_iso8601(const char *s, int default_offset_min, int64_t *out)
{
    struct civil_time ct = {0};
    const char *p = s;
    if (!digits(&p, 4, &ct.year) || *p++ != '-' ||
        !digits(&p, 2, &ct.month) || *p++ != '-' ||
        !digits(&p, 2, &ct.day) || !days_in_month_ok(ct.year, ct.month, ct.day)) {
        return false;
    }
    int offset = default_offset_min;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &ct.hour) || *p++ != ':' ||
            !digits(&p, 2, &ct.minute)) {
            return false;
        }
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &ct.second)) {
                return false;
            }
            if (*p == '.') {
                p++;
                int scale = 100, n = 0;
                if (!isdigit((unsigned char)*p)) {
                    return false;
                }
                while (isdigit((unsigned char)*p)) {
                    if (n++ < 3) {
                        ct.millisecond += (*p - '0') * scale;
                        scale /= 10;
                    }
                    p++;
                }
            }
        }
        if (ct.hour > 23 || ct.minute > 59 || ct.second > 60) {
            return false;
        }
        if (*p != '\0' && !parse_offset_at(&p, &offset)) {
            return false;
        }
    }
    if (*p != '\0') {
        return false;
    }
    *out = time_from_civil(&ct, offset);
    return true;
}

bool
time_parse_duration(const char *s, int64_t *out_ms)
{
    const char *p = s;
    if (!isdigit((unsigned char)*p)) {
        return false;
    }
    int64_t v = 0;
    while (isdigit((unsigned char)*p)) {
        v = v * 10 + (*p - '0');
        if (v > 100000000) {
            return false;
        }
        p++;
    }
    int64_t unit;
    if (strcmp(p, "ms") == 0) {
        unit = 1;
    } else if (strcmp(p, "s") == 0) {
        unit = 1000;
    } else if (strcmp(p, "m") == 0 || strcmp(p, "min") == 0) {
        unit = 60000;
    } else if (strcmp(p, "h") == 0) {
        unit = 3600000;
    } else if (strcmp(p, "d") == 0) {
        unit = 86400000;
    } else {
        return false;
    }
    *out_ms = v * unit;
    return true;
}

void
time_format_iso8601(int64_t ms, int utc_offset_min, char *buf, size_t n)
{
    struct civil_time ct;
    time_to_civil(ms, utc_offset_min, &ct);
    int off = utc_offset_min < 0 ? -utc_offset_min : utc_offset_min;
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d", ct.year,
             ct.month, ct.day, ct.hour, ct.minute, ct.second,
             utc_offset_min < 0 ? '-' : '+', off / 60, off % 60);
}
