/*
 * loop: how the main loop sleeps and when it draws the next frame.
 *
 * frame_clock paces animation to absolute deadlines on a 60 Hz grid, so a
 * frame's own work does not lengthen the period (frames at 1000 / work +
 * a fixed sleep would fall short of 60/s).  Where swaps wait for the
 * display (vsync), the swap paces the loop; the clock notices swaps that
 * claim vsync but return at once (virtual X servers, some drivers) and
 * then paces by its grid.  Pure arithmetic on times given by the caller.
 *
 * loop_wait sleeps until a deadline, an SDL event or a wake-up from
 * another thread.  SDL's own wait sleeps in the kernel only on drivers
 * that implement it (x11, wayland, windows, cocoa); on the others
 * (offscreen, kmsdrm) it polls every millisecond, a thousand wake-ups a
 * second on an idle wall.  There we sleep in ppoll on an eventfd that
 * wakers write, and pump SDL's events when we wake (at least every
 * 50 ms where input may come, on drivers other than offscreen).
 */
#ifndef OPSWALL_LOOP_H
#define OPSWALL_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include <SDL2/SDL.h>

#define FRAME_CLOCK_HZ 60

struct frame_clock {
    int64_t period_ns;
    int64_t next_ns;      /* the next animation frame's deadline; 0: none */
    bool vsync;           /* swaps are believed to wait for the display */
    bool swap_paced;      /* the last turn's swap waited: go on at once */
    int64_t last_swap_ns; /* when the last animated swap returned */
    int quick, counted;   /* swaps that returned at once, of those seen */
};

void frame_clock_init(struct frame_clock *c, bool vsync);
/* A turn of the loop ended at now_ns (after the swap, if it presented);
 * animating: the next frame is wanted at once.  Moves the grid on (also
 * for an animated turn that presented nothing, so such turns do not
 * spin), and learns whether swaps really wait. */
void frame_clock_turn(struct frame_clock *c, int64_t now_ns, bool animating,
                      bool presented);
/* When to draw the next animation frame: now_ns when the swap paces us,
 * else the next point of the grid (missed points are skipped, never
 * caught up in a burst). */
int64_t frame_clock_due(struct frame_clock *c, int64_t now_ns);

struct loop_wait;

struct loop_wait *loop_wait_create(void);
void loop_wait_destroy(struct loop_wait *w);
/* Any thread: makes the current or next loop_wait_next return. */
void loop_wait_wake(struct loop_wait *w);
/* Main thread: waits until deadline_ns (time_mono_ns clock), an SDL
 * event or a wake; true with *ev filled when an event is there. */
bool loop_wait_next(struct loop_wait *w, int64_t deadline_ns, SDL_Event *ev);
/* Whether SDL's own wait is used (the driver sleeps in the kernel). */
bool loop_wait_native(const struct loop_wait *w);

#endif
