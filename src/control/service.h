/*
 * service: running under systemd (tools/systemd/opswall.service).  Tells
 * systemd when the wall is up (READY=1), pings its watchdog from the main
 * loop (WATCHDOG=1 at half the configured interval, so a render loop that
 * stops turning gets the wall restarted), reports a status line, and
 * switches the log to the journal's priority prefixes.  Outside systemd
 * every call does nothing.  Main thread only.
 */
#ifndef OPSWALL_SERVICE_H
#define OPSWALL_SERVICE_H

#include <stdint.h>

struct service {
    int64_t ping_every_ms; /* 0: no watchdog */
    int64_t last_ping_ms;
};

void service_init(struct service *s);
void service_ready(const char *status);
/* From the main loop, each iteration. */
void service_alive(struct service *s, int64_t mono_ms);
void service_status(const char *status);
void service_stopping(void);

#endif
