/*
 * loop: frame pacing on absolute deadlines, and sleeping without polling.
 */
/* ppoll (nanosecond timeouts) is a GNU/Linux call. */
#define _GNU_SOURCE
#define LOG_MODULE "loop"
#include "app/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/timeutil.h"
#include "base/xalloc.h"

/* Swaps that return within this share of a period do not wait for the
 * display; when most of a second's do, vsync is not real. */
#define QUICK_SWAP_SHARE 4 /* < period / 4 */
#define VSYNC_SAMPLE 60

void
frame_clock_init(struct frame_clock *c, bool vsync)
{
    *c = (struct frame_clock){.period_ns = 1000000000 / FRAME_CLOCK_HZ,
                              .vsync = vsync};
}

void
frame_clock_turn(struct frame_clock *c, int64_t now_ns, bool animating,
                 bool presented)
{
    if (!animating && !presented) {
        return;
    }
    /* An animation turn that changed no pixel (a slow ticker between two
     * whole pixels) swapped nothing, so nothing waited: it still uses its
     * point of the grid, or the loop would spin. */
    c->swap_paced = c->vsync && presented;
    if (c->vsync && presented && animating && c->last_swap_ns) {
        /* Back to back animated frames: a real vsync spaces the swaps'
         * returns by about a period. */
        if (now_ns - c->last_swap_ns < c->period_ns / QUICK_SWAP_SHARE) {
            c->quick++;
        }
        if (++c->counted == VSYNC_SAMPLE) {
            if (c->quick > VSYNC_SAMPLE / 2) {
                c->vsync = c->swap_paced = false;
                LOG_INFO("swaps do not wait for the display: frames are "
                         "paced by a %d Hz timer", FRAME_CLOCK_HZ);
            }
            c->quick = c->counted = 0;
        }
    }
    c->last_swap_ns = animating && presented ? now_ns : 0;
    /* The grid: the next point after the one just used; if the frame
     * came late by more than a period, the grid restarts from now. */
    if (!c->next_ns || now_ns - c->next_ns > c->period_ns) {
        c->next_ns = now_ns + c->period_ns;
    } else {
        c->next_ns += c->period_ns;
    }
}

int64_t
frame_clock_due(struct frame_clock *c, int64_t now_ns)
{
    if (c->swap_paced || !c->next_ns || c->next_ns < now_ns) {
        return now_ns;
    }
    return c->next_ns;
}

struct loop_wait {
    bool native;
    bool pump_often; /* input may arrive that only a pump sees */
    int efd;
    atomic_bool pending; /* a wake not yet seen: one write per burst */
};

struct loop_wait *
loop_wait_create(void)
{
    struct loop_wait *w = xcalloc(1, sizeof(*w));
    const char *drv = SDL_GetCurrentVideoDriver();
    drv = drv ? drv : "";
    /* SDL 2.26 implements a sleeping wait (WaitEventTimeout with a
     * wake-up from SDL_PushEvent) for these drivers only. */
    static const char *const native[] = {"x11", "wayland", "windows",
                                         "cocoa"};
    for (size_t i = 0; i < sizeof(native) / sizeof(native[0]); i++) {
        w->native = w->native || strcmp(drv, native[i]) == 0;
    }
    w->pump_often = !w->native && strcmp(drv, "offscreen") != 0;
    w->efd = -1;
    if (!w->native) {
        w->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (w->efd < 0) {
            LOG_WARN("eventfd: %s; waiting through SDL", strerror(errno));
            w->native = true; /* SDL's polling wait still works */
        }
    }
    return w;
}

void
loop_wait_destroy(struct loop_wait *w)
{
    if (!w) {
        return;
    }
    if (w->efd >= 0) {
        close(w->efd);
    }
    free(w);
}

bool
loop_wait_native(const struct loop_wait *w)
{
    return w->native;
}

void
loop_wait_wake(struct loop_wait *w)
{
    if (w->native || atomic_exchange(&w->pending, true)) {
        return; /* SDL_PushEvent wakes SDL's wait; or a wake is pending */
    }
    uint64_t one = 1;
    ssize_t n = write(w->efd, &one, sizeof(one));
    (void)n; /* EAGAIN: the counter is full, so a wake is pending anyway */
}

/* Sleeps until the deadline or a wake; EINTR (a signal, e.g. SIGTERM
 * that SDL turns into SDL_QUIT) ends the sleep too. */
static void
sleep_on_eventfd(struct loop_wait *w, int64_t deadline_ns)
{
    int64_t now = time_mono_ns();
    int64_t left = deadline_ns - now;
    if (w->pump_often && left > 50000000) {
        left = 50000000;
    }
    if (left > 0 && !atomic_load(&w->pending)) {
        struct pollfd p = {.fd = w->efd, .events = POLLIN};
        struct timespec ts = {.tv_sec = left / 1000000000,
                              .tv_nsec = left % 1000000000};
        (void)ppoll(&p, 1, &ts, NULL);
    }
    uint64_t v;
    while (read(w->efd, &v, sizeof(v)) > 0) {
    }
    atomic_store(&w->pending, false);
}

bool
loop_wait_next(struct loop_wait *w, int64_t deadline_ns, SDL_Event *ev)
{
    if (!w->native) {
        if (SDL_PollEvent(ev)) {
            return true;
        }
        sleep_on_eventfd(w, deadline_ns);
        return SDL_PollEvent(ev) != 0; /* pumps the driver's events */
    }
    int64_t left = deadline_ns - time_mono_ns();
    if (left <= 0) {
        return SDL_PollEvent(ev) != 0;
    }
    /* SDL waits in whole milliseconds: wait the whole ones, then sleep
     * out the rest, so a 16.67 ms grid is kept, not 17 ms. */
    int ms = (int)(left / 1000000);
    if (ms > 0 && SDL_WaitEventTimeout(ev, ms)) {
        return true;
    }
    left = deadline_ns - time_mono_ns();
    if (left > 0 && left < 2000000) {
        struct timespec ts = {0, (long)left};
        nanosleep(&ts, NULL);
    }
    return SDL_PollEvent(ev) != 0;
}
