/*
 * log: writes log lines to stderr.  The level is the program's only global
 * state (STYLE.md §5); it is set once at start-up, before threads exist.
 */
#define LOG_MODULE "log"
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

static enum log_level max_level = LOG_LEVEL_INFO;
static bool journal; /* stderr goes to systemd's journal */

void
log_set_level(enum log_level level)
{
    max_level = level;
}

void
log_set_journal(bool on)
{
    journal = on;
}

void
log_msg(enum log_level level, const char *module, const char *fmt, ...)
{
    static const char *const names[] = {"error", "warning", "info", "debug"};
    if (level > max_level) {
        return;
    }
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    /* One call per line: stdio locks the stream, so threads don't mix. */
    if (journal) {
        /* sd-daemon(3) priority prefixes: err, warning, info, debug. */
        static const int prio[] = {3, 4, 6, 7};
        fprintf(stderr, "<%d>%s: %s\n", prio[level], module, line);
    } else {
        fprintf(stderr, "opswall: %s: %s: %s\n", module, names[level], line);
    }
}
