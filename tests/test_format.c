/*
 * test_format: locale formatting and time parsing, table-driven.
 */
#include <math.h>
#include <stdlib.h>

#include "base/file.h"
#include "base/timeutil.h"
#include "text/format.h"
#include "testlib.h"

#define VI LAYOUT_LOCALE_VI_VN
#define EN LAYOUT_LOCALE_EN_US

static void
test_numbers(void)
{
    static const struct {
        double v;
        int dec;
        enum layout_locale loc;
        const char *want;
    } cases[] = {
        {1234.5, 1, VI, "1.234,5"},
        {1234.5, 1, EN, "1,234.5"},
        {1517.46, 1, VI, "1.517,5"},
        {0, 0, VI, "0"},
        {999, 0, VI, "999"},
        {1000, 0, VI, "1.000"},
        {1578700, 0, VI, "1.578.700"},
        {-3.21, 2, VI, "\xE2\x88\x92" "3,21"},
        {-0.004, 2, VI, "0,00"},            /* no "-0,00" */
        {0.5, 0, EN, "0"},                  /* banker's? no: printf rounding */
        {1e15, 0, EN, "1,000,000,000,000,000"},
        {NAN, 1, VI, "\xE2\x80\x94"},
        {INFINITY, 1, VI, "\xE2\x80\x94"},
        {12.345, 9, EN, "12.345000000"},
        {7.85, 2, VI, "7,85"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        format_number(buf, sizeof(buf), cases[i].v, cases[i].dec,
                      cases[i].loc);
        CHECK_STR(buf, cases[i].want);
    }
    char tiny[4];
    format_number(tiny, sizeof(tiny), 123456, 0, VI);
    CHECK_STR(tiny, "123"); /* truncated, still terminated */
}

static void
test_dates(void)
{
    int64_t t;
    CHECK(time_parse_iso8601("2026-11-22T21:42:00+07:00", 0, &t), "parse");
    struct civil_time ct;
    time_to_civil(t, 420, &ct);
    char buf[96];
    format_date_long(buf, sizeof(buf), &ct, VI);
    CHECK_STR(buf, "Chủ Nhật, 22/11/2026");
    format_date_long(buf, sizeof(buf), &ct, EN);
    CHECK_STR(buf, "Sunday, 11/22/2026");
    format_time(buf, sizeof(buf), &ct, 1);
    CHECK_STR(buf, "21:42:00");
    time_to_civil(t, 0, &ct);
    format_time(buf, sizeof(buf), &ct, 0);
    CHECK_STR(buf, "14:42");
    static const char *const vi_days[] = {"Chủ Nhật", "Thứ Hai", "Thứ Ba",
                                          "Thứ Tư", "Thứ Năm", "Thứ Sáu",
                                          "Thứ Bảy"};
    for (int d = 0; d < 7; d++) {
        /* 2026-11-22 is a Sunday. */
        time_to_civil(t + (int64_t)d * 86400000, 420, &ct);
        CHECK_STR(format_weekday(ct.weekday, VI), vi_days[d]);
    }
    CHECK_STR(format_weekday(9, VI), "");
}

static void
test_parse(void)
{
    static const struct {
        const char *s;
        bool ok;
        int64_t want; /* ms since epoch, when ok */
    } cases[] = {
        {"1970-01-01T00:00:00Z", true, 0},
        {"1970-01-01T07:00:00+07:00", true, 0},
        {"1970-01-01 07:00", true, 0},        /* default offset +07:00 */
        {"1970-01-01", true, -7 * 3600000},
        {"2024-02-29T00:00:00Z", true, 1709164800000},
        {"2023-02-29T00:00:00Z", false, 0},
        {"2026-13-01T00:00:00Z", false, 0},
        {"2026-11-22T24:00:00Z", false, 0},
        {"2026-11-22T10:00:00.250Z", true, 1795341600250},
        {"2026-11-22T10:00:00+0700", true, 1795316400000},
        {"2026-11-22T10:00:00+15:00", false, 0},
        {"2026-11-22T10:00Zjunk", false, 0},
        {"", false, 0},
        {"22/11/2026", false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int64_t t = 0;
        bool ok = time_parse_iso8601(cases[i].s, 420, &t);
        CHECK(ok == cases[i].ok, "\"%s\": ok=%d", cases[i].s, ok);
        if (ok && cases[i].ok) {
            CHECK(t == cases[i].want, "\"%s\": %lld, want %lld", cases[i].s,
                  (long long)t, (long long)cases[i].want);
        }
    }
    static const struct {
        const char *s;
        bool ok;
        int64_t ms;
    } durs[] = {{"500ms", true, 500}, {"30s", true, 30000},
                {"5m", true, 300000}, {"2h", true, 7200000},
                {"1d", true, 86400000}, {"5 m", false, 0}, {"m", false, 0},
                {"-5s", false, 0}, {"5", false, 0},
                {"999999999999s", false, 0}};
    for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
        int64_t ms = 0;
        bool ok = time_parse_duration(durs[i].s, &ms);
        CHECK(ok == durs[i].ok && (!ok || ms == durs[i].ms), "duration %s",
              durs[i].s);
    }
    static const struct {
        const char *s;
        bool ok;
        int64_t bytes;
    } sizes[] = {{"500MB", true, 500000000}, {"2GiB", true, 2ll << 30},
                 {"64MiB", true, 64ll << 20}, {"1kB", true, 1000},
                 {"7B", true, 7}, {"1TiB", true, 1ll << 40},
                 {"2 GB", false, 0}, {"2gb", false, 0}, {"GB", false, 0},
                 {"-1MB", false, 0}, {"5", false, 0},
                 {"99999999999999999999B", false, 0},
                 {"2000TiB", false, 0}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        int64_t b = 0;
        bool ok = file_parse_size(sizes[i].s, &b);
        CHECK(ok == sizes[i].ok && (!ok || b == sizes[i].bytes), "size %s",
              sizes[i].s);
    }
}

static void
test_age(void)
{
    static const struct {
        int64_t ms;
        enum layout_locale loc;
        const char *want;
    } cases[] = {
        {0, VI, "vừa xong"},
        {59999, VI, "vừa xong"},
        {60000, VI, "1 phút trước"},
        {12 * 60000, VI, "12 phút trước"},
        {3 * 3600000, VI, "3 giờ trước"},
        {47 * 3600000LL, VI, "47 giờ trước"},
        {3 * 86400000LL, VI, "3 ngày trước"},
        {-5000, VI, "thời điểm ở tương lai"},
        {12 * 60000, EN, "12 min ago"},
        {3 * 86400000LL, EN, "3 days ago"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char buf[64];
        format_age(buf, sizeof(buf), cases[i].ms, cases[i].loc);
        CHECK_STR(buf, cases[i].want);
    }
}

static void
test_parse_number(void)
{
    static const struct {
        const char *s;
        enum layout_locale loc;
        bool ok;
        double v;
    } cases[] = {
        {"1.234,5", VI, true, 1234.5},  {"1234,5", VI, true, 1234.5},
        {"1.234", VI, true, 1234},      {"12,5", VI, true, 12.5},
        {"-3,21", VI, true, -3.21},     {"\xE2\x88\x92" "3,21", VI, true, -3.21},
        {"1.578.700", VI, true, 1578700}, {"1,234.5", EN, true, 1234.5},
        {"1.23,4", VI, false, 0},       {"1,234.5", VI, false, 0},
        {"1.2345", VI, false, 0},       {"12,", VI, false, 0},
        {",5", VI, false, 0},           {"1 234", VI, false, 0},
        {"12,5 triệu", VI, false, 0},   {"", VI, false, 0},
        {"NaN", VI, false, 0},          {"1.234.56", VI, false, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double v = 0;
        bool ok = format_parse_number(cases[i].s, cases[i].loc, &v);
        CHECK(ok == cases[i].ok && (!ok || fabs(v - cases[i].v) < 1e-9),
              "parse \"%s\": ok=%d v=%g", cases[i].s, ok, v);
    }
}

int
main(void)
{
    test_numbers();
    test_parse_number();
    test_dates();
    test_parse();
    test_age();
    return testlib_done();
}
