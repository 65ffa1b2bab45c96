/*
 * format: numbers, dates, times and ages as the wall's locale writes them.
 * vi-VN: 1.234,5 · 22/11/2026 · "Chủ Nhật"; en-US: 1,234.5 · 11/22/2026.
 * Pure functions writing into caller buffers (always NUL-terminated,
 * truncated if too small); any thread.
 */
#ifndef OPSWALL_FORMAT_H
#define OPSWALL_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "base/timeutil.h"
#include "layout/layout.h"

/* A number with grouping and `decimals` places; NaN/inf give "—".
 * Negative numbers use U+2212 MINUS SIGN, which reads better at distance. */
void format_number(char *buf, size_t n, double v, int decimals,
                   enum layout_locale loc);

/*
 * A number in compact form for axes and bar labels: "1,5 nghìn tỷ",
 * "12,3 triệu", "850 nghìn" / "1.5 trillion"... in en-US the short
 * "1.5T", "12.3M", "850K" (the forms English dashboards use).  The scale
 * is chosen from `scale_of` (pass the axis' largest magnitude so every
 * label of one axis uses the same word), `decimals` applies after
 * scaling.  Below 10,000 the plain number is written (scale word "").
 * Returns the divisor used (1, 1e3, 1e6, 1e9, 1e12).
 */
double format_compact(char *buf, size_t n, double v, double scale_of,
                      int decimals, enum layout_locale loc);
/* The scale word format_compact uses for a magnitude ("triệu", "M"),
 * "" below 10,000; and its divisor in *div. */
const char *format_compact_word(double scale_of, enum layout_locale loc,
                                double *div);

/* "Chủ Nhật, 22/11/2026" / "Sunday, 11/22/2026". */
void format_date_long(char *buf, size_t n, const struct civil_time *ct,
                      enum layout_locale loc);
/* "22/11/2026" / "11/22/2026". */
void format_date_short(char *buf, size_t n, const struct civil_time *ct,
                       enum layout_locale loc);
/* "21:42" or "21:42:05" (24-hour in both locales: an operations centre). */
void format_time(char *buf, size_t n, const struct civil_time *ct,
                 int seconds);

/* An age: "vừa xong", "12 phút trước", "3 giờ trước", "2 ngày trước";
 * "just now", "12 min ago", "3 h ago", "2 days ago". Negative = future. */
void format_age(char *buf, size_t n, int64_t age_ms, enum layout_locale loc);

/* Parses a number as loc writes it ("1.234,5" in vi-VN, "1,234.5" in
 * en-US; grouping optional but, when present, every 3 digits; a leading
 * "-" or U+2212).  Strict: anything else is false. */
bool format_parse_number(const char *s, enum layout_locale loc, double *out);

/* Weekday name, 0 = Sunday. */
const char *format_weekday(int weekday, enum layout_locale loc);

#endif
