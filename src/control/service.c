/*
 * service: sd_notify(3) from libsystemd.
 */
#define LOG_MODULE "service"
#include "control/service.h"

#include <stdbool.h>
#include <stdlib.h>

#include <systemd/sd-daemon.h>

#include "base/log.h"

void
service_init(struct service *s)
{
    *s = (struct service){0};
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        s->ping_every_ms = (int64_t)(usec / 2000);
    }
    log_set_journal(getenv("JOURNAL_STREAM") != NULL);
}

void
service_ready(const char *status)
{
    sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void
service_alive(struct service *s, int64_t mono_ms)
{
    if (s->ping_every_ms > 0 && mono_ms - s->last_ping_ms >= s->ping_every_ms) {
        sd_notify(0, "WATCHDOG=1");
        s->last_ping_ms = mono_ms;
    }
}

void
service_status(const char *status)
{
    sd_notifyf(0, "STATUS=%s", status);
}

void
service_stopping(void)
{
    sd_notify(0, "STOPPING=1");
}
