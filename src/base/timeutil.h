/*
 * timeutil: wall-clock time as milliseconds since the Unix epoch (UTC), and
 * civil (calendar) time at a fixed UTC offset.
 *
 * The wall shows Vietnam's time (UTC+07:00, no daylight saving), so a fixed
 * offset from the layout is exact and keeps rendering independent of the
 * machine's TZ setting.  Pure functions; any thread.
 */
#ifndef OPSWALL_TIMEUTIL_H
#define OPSWALL_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct civil_time {
    int year, month, day;      /* month 1..12, day 1..31 */
    int hour, minute, second;
    int millisecond;
    int weekday;               /* 0 = Sunday .. 6 = Saturday */
};

/* Milliseconds since the epoch, from CLOCK_REALTIME. */
int64_t time_now_ms(void);
/* Monotonic milliseconds, for deadlines and durations. */
int64_t time_mono_ms(void);
int64_t time_mono_ns(void);
/* Monotonic seconds with nanosecond resolution, for measuring work. */
double time_mono_s(void);

/* Converts epoch milliseconds to civil time at utc_offset_min minutes. */
void time_to_civil(int64_t ms, int utc_offset_min, struct civil_time *out);
/* Converts civil time at the given offset to epoch milliseconds. */
int64_t time_from_civil(const struct civil_time *ct, int utc_offset_min);

/*
 * Parses ISO 8601 "YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+HH:MM|-HH:MM]" (a space
 * may stand for T; a date alone means midnight).  Without a zone the time
 * is taken at default_offset_min.  Returns false on any malformed or
 * out-of-range field.
 */
bool time_parse_iso8601(const char *s, int default_offset_min, int64_t *out);

/* Writes "YYYY-MM-DDTHH:MM:SS+HH:MM" for ms at the offset. */
void time_format_iso8601(int64_t ms, int utc_offset_min, char *buf,
                         size_t n);

/* Parses "+HH:MM" / "-HH:MM" / "Z" into minutes. */
bool time_parse_offset(const char *s, int *out_min);

/* Parses a duration such as "30s", "5m", "2h", "1d", "500ms" into ms. */
bool time_parse_duration(const char *s, int64_t *out_ms);

#endif
