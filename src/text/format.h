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
