/*
 * format: locale formatting written out by hand on purpose: the C library's
 * locale machinery is process-global (setlocale) and depends on which
 * locales the machine has generated; the wall must format identically on
 * every machine and in every test.
 */
#include "text/format.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MINUS "\xE2\x88\x92" /* U+2212 */

void
format_number(char *buf, size_t n, double v, int decimals,
              enum layout_locale loc)
{
    if (n == 0) {
        return;
    }
    if (!isfinite(v)) {
        snprintf(buf, n, "\xE2\x80\x94"); /* em dash */
        return;
    }
    if (decimals < 0) {
        decimals = 0;
    }
    if (decimals > 9) {
        decimals = 9;
    }
    char digits[400];
    snprintf(digits, sizeof(digits), "%.*f", decimals, fabs(v));
    /* A value that rounds to zero is shown without a sign. */
    int negative = v < 0 && strspn(digits, "0.") != strlen(digits);
    const char group = loc == LAYOUT_LOCALE_VI_VN ? '.' : ',';
    const char point = loc == LAYOUT_LOCALE_VI_VN ? ',' : '.';
    char *dot = strchr(digits, '.');
    size_t int_len = dot ? (size_t)(dot - digits) : strlen(digits);

    char out[512];
    size_t o = 0;
    if (negative) {
        memcpy(out, MINUS, 3);
        o = 3;
    }
    for (size_t i = 0; i < int_len && o < sizeof(out) - 2; i++) {
        if (i > 0 && (int_len - i) % 3 == 0) {
            out[o++] = group;
        }
        out[o++] = digits[i];
    }
    if (dot) {
        out[o++] = point;
        for (const char *p = dot + 1; *p && o < sizeof(out) - 1; p++) {
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    snprintf(buf, n, "%s", out);
}

bool
format_parse_number(const char *s, enum layout_locale loc, double *out)
{
    const char group = loc == LAYOUT_LOCALE_VI_VN ? '.' : ',';
    const char point = loc == LAYOUT_LOCALE_VI_VN ? ',' : '.';
    char plain[128];
    size_t n = 0;
    const char *p = s;
    if (strncmp(p, MINUS, 3) == 0) {
        plain[n++] = '-';
        p += 3;
    } else if (*p == '-') {
        plain[n++] = '-';
        p++;
    }
    /* Integer part: digits, with group separators every 3 if any. */
    int run = 0, groups = 0;
    bool grouped = false;
    while (*p && *p != point) {
        if (*p >= '0' && *p <= '9') {
            run++;
        } else if (*p == group && run > 0 && (groups == 0 ? run <= 3
                                                          : run == 3)) {
            grouped = true;
            groups++;
            run = 0;
            p++;
            continue;
        } else {
            return false;
        }
        if (n >= sizeof(plain) - 2) {
            return false;
        }
        plain[n++] = *p++;
    }
    if (run == 0 || (grouped && run != 3)) {
        return false;
    }
    if (*p == point) {
        plain[n++] = '.';
        p++;
        if (!(*p >= '0' && *p <= '9')) {
            return false;
        }
        while (*p >= '0' && *p <= '9' && n < sizeof(plain) - 1) {
            plain[n++] = *p++;
        }
    }
    if (*p) {
        return false;
    }
    plain[n] = '\0';
    char *end;
    double v = strtod(plain, &end);
    if (*end || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

const char *
format_weekday(int weekday, enum layout_locale loc)
{
    static const char *const vi[] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba",
                                     "Thứ Tư", "Thứ Năm", "Thứ Sáu",
                                     "Thứ Bảy"};
    static const char *const en[] = {"Sunday", "Monday", "Tuesday",
                                     "Wednesday", "Thursday", "Friday",
                                     "Saturday"};
    if (weekday < 0 || weekday > 6) {
        return "";
    }
    return loc == LAYOUT_LOCALE_VI_VN ? vi[weekday] : en[weekday];
}

void
format_date_short(char *buf, size_t n, const struct civil_time *ct,
                  enum layout_locale loc)
{
    if (loc == LAYOUT_LOCALE_VI_VN) {
        snprintf(buf, n, "%02d/%02d/%04d", ct->day, ct->month, ct->year);
    } else {
        snprintf(buf, n, "%02d/%02d/%04d", ct->month, ct->day, ct->year);
    }
}

void
format_date_long(char *buf, size_t n, const struct civil_time *ct,
                 enum layout_locale loc)
{
    char d[32];
    format_date_short(d, sizeof(d), ct, loc);
    snprintf(buf, n, "%s, %s", format_weekday(ct->weekday, loc), d);
}

void
format_time(char *buf, size_t n, const struct civil_time *ct, int seconds)
{
    if (seconds) {
        snprintf(buf, n, "%02d:%02d:%02d", ct->hour, ct->minute, ct->second);
    } else {
        snprintf(buf, n, "%02d:%02d", ct->hour, ct->minute);
    }
}

void
format_age(char *buf, size_t n, int64_t age_ms, enum layout_locale loc)
{
    const int vi = loc == LAYOUT_LOCALE_VI_VN;
    if (age_ms < 0) {
        /* A timestamp in the future is a source's clock problem: say so
         * rather than pretend the value is fresh. */
        snprintf(buf, n, "%s", vi ? "thời điểm ở tương lai" : "in the future");
        return;
    }
    int64_t s = age_ms / 1000;
    if (s < 60) {
        snprintf(buf, n, "%s", vi ? "vừa xong" : "just now");
    } else if (s < 3600) {
        snprintf(buf, n, vi ? "%lld phút trước" : "%lld min ago",
                 (long long)(s / 60));
    } else if (s < 86400 * 2) {
        snprintf(buf, n, vi ? "%lld giờ trước" : "%lld h ago",
                 (long long)(s / 3600));
    } else {
        snprintf(buf, n, vi ? "%lld ngày trước" : "%lld days ago",
                 (long long)(s / 86400));
    }
}

const char *
format_compact_word(double scale_of, enum layout_locale loc, double *div)
{
    /* Vietnamese counts in nghìn (10^3), triệu (10^6), tỷ (10^9) and
     * nghìn tỷ (10^12), as the national statistics write budget figures. */
    static const struct {
        double div;
        const char *vi, *en;
    } scales[] = {
        {1e12, "nghìn tỷ", "T"},
        {1e9, "tỷ", "B"},
        {1e6, "triệu", "M"},
        {1e3, "nghìn", "K"},
    };
    double m = fabs(scale_of);
    if (isfinite(m) && m >= 1e4) {
        for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
            if (m >= scales[i].div) {
                *div = scales[i].div;
                return loc == LAYOUT_LOCALE_VI_VN ? scales[i].vi
                                                  : scales[i].en;
            }
        }
    }
    *div = 1;
    return "";
}

double
format_compact(char *buf, size_t n, double v, double scale_of, int decimals,
               enum layout_locale loc)
{
    double div = 1;
    const char *word = format_compact_word(scale_of, loc, &div);
    char num[96];
    format_number(num, sizeof(num), v / div, decimals, loc);
    if (!word[0] || !isfinite(v)) {
        snprintf(buf, n, "%s", num);
    } else if (loc == LAYOUT_LOCALE_VI_VN) {
        snprintf(buf, n, "%s %s", num, word);
    } else {
        snprintf(buf, n, "%s%s", num, word);
    }
    return div;
}
