/*
 * log: the one global of the program, the log sink.
 *
 * Every module defines LOG_MODULE before including this header and logs
 * through LOG_ERR/LOG_WARN/LOG_INFO/LOG_DBG.  Any thread may log; each line
 * is written with one locked fprintf so lines from threads never interleave.
 * LOG_DBG compiles away unless OPSWALL_DEBUG_LOG is defined.
 */
#ifndef OPSWALL_LOG_H
#define OPSWALL_LOG_H

#include <stdbool.h>

enum log_level {
    LOG_LEVEL_ERROR,
    LOG_LEVEL_WARNING,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

/* Sets the most verbose level printed (default LOG_LEVEL_INFO). */
void log_set_level(enum log_level level);

/* Under systemd (stderr is the journal): lines carry the journal's
 * priority prefix instead of the level word.  Set once at start-up. */
void log_set_journal(bool on);

/* Writes one line to stderr: "opswall: module: level: message". */
void log_msg(enum log_level level, const char *module, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#ifndef LOG_MODULE
#error "define LOG_MODULE before including base/log.h"
#endif

#define LOG_ERR(...) log_msg(LOG_LEVEL_ERROR, LOG_MODULE, __VA_ARGS__)
#define LOG_WARN(...) log_msg(LOG_LEVEL_WARNING, LOG_MODULE, __VA_ARGS__)
#define LOG_INFO(...) log_msg(LOG_LEVEL_INFO, LOG_MODULE, __VA_ARGS__)
#if defined(OPSWALL_DEBUG_LOG)
#define LOG_DBG(...) log_msg(LOG_LEVEL_DEBUG, LOG_MODULE, __VA_ARGS__)
#else
#define LOG_DBG(...) ((void)0)
#endif

#endif
