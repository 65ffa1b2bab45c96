/*
 * test_loop: the frame clock (60 Hz grid, fake vsync found out, no spin
 * on animated turns that present nothing) and the loop's sleep (woken
 * from another thread, deadlines kept without SDL's millisecond polling).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <SDL2/SDL.h>

#include "app/loop.h"
#include "app/memory.h"
#include "base/timeutil.h"
#include "testlib.h"

#define MS 1000000LL

static void
test_grid(void)
{
    struct frame_clock c;
    frame_clock_init(&c, false);
    int64_t t = 1000 * MS;
    CHECK(frame_clock_due(&c, t) == t, "first frame at once");
    /* Frames whose work takes 5 ms still come every 16.67 ms. */
    int64_t due = t;
    for (int i = 0; i < 60; i++) {
        frame_clock_turn(&c, due + 5 * MS, true, true);
        int64_t next = frame_clock_due(&c, due + 5 * MS);
        CHECK(i == 0 || next - due == c.period_ns,
              "frame %d: the grid's next point (%lld ns after)", i,
              (long long)(next - due));
        due = next;
    }
    /* A frame 50 ms late does not bring a burst to catch up. */
    frame_clock_turn(&c, due + 50 * MS, true, true);
    int64_t next = frame_clock_due(&c, due + 50 * MS);
    CHECK(next == due + 50 * MS + c.period_ns, "a late frame restarts "
          "the grid (%lld)", (long long)(next - due));
    /* An animated turn that presents nothing still waits for the grid. */
    int64_t now = next;
    frame_clock_turn(&c, now, true, false);
    CHECK(frame_clock_due(&c, now) > now, "no spin when nothing changed");
}

static void
test_fake_vsync(void)
{
    struct frame_clock c;
    frame_clock_init(&c, true);
    int64_t t = 5000 * MS;
    CHECK(frame_clock_due(&c, t) == t, "vsync: at once");
    /* Swaps that return at once, back to back, for a second. */
    for (int i = 0; i < 61; i++) {
        t += MS;
        frame_clock_turn(&c, t, true, true);
    }
    CHECK(!c.vsync, "swaps that never wait: vsync found to be fake");
    CHECK(frame_clock_due(&c, t) > t, "then paced by the grid");
    struct frame_clock r;
    frame_clock_init(&r, true);
    t = 9000 * MS;
    for (int i = 0; i < 120; i++) {
        t += r.period_ns; /* a real vsync spaces them by a period */
        frame_clock_turn(&r, t, true, true);
    }
    CHECK(r.vsync && frame_clock_due(&r, t) == t, "a real vsync is kept");
    frame_clock_turn(&r, t, true, false);
    CHECK(frame_clock_due(&r, t) > t, "vsync: a turn without a swap waits "
          "for the grid");
}

static void *
waker(void *arg)
{
    struct timespec ts = {0, 30 * MS};
    nanosleep(&ts, NULL);
    loop_wait_wake(arg);
    return NULL;
}

static void
test_wait(void)
{
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    CHECK(SDL_InitSubSystem(SDL_INIT_VIDEO) == 0, "SDL offscreen");
    struct loop_wait *w = loop_wait_create();
    CHECK(!loop_wait_native(w), "offscreen: our own sleep, not SDL's "
          "millisecond polling");
    SDL_Event ev;
    int64_t t0 = time_mono_ns();
    bool got = loop_wait_next(w, t0 + 20 * MS, &ev);
    int64_t slept = time_mono_ns() - t0;
    CHECK(!got && slept >= 20 * MS && slept < 200 * MS,
          "deadline kept (%.1f ms)", slept / 1e6);
    pthread_t th;
    pthread_create(&th, NULL, waker, w);
    t0 = time_mono_ns();
    loop_wait_next(w, t0 + 5000 * MS, &ev);
    slept = time_mono_ns() - t0;
    pthread_join(th, NULL);
    CHECK(slept >= 25 * MS && slept < 1000 * MS,
          "woken by another thread (%.1f ms)", slept / 1e6);
    loop_wait_destroy(w);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

/* The trimmer runs what it is asked on its own thread (requests made
 * while it works merge into one more), and its destroy joins it. */
static void
test_trimmer(void)
{
    memory_set_policy();
    struct memory_trimmer *t = memory_trimmer_create();
    CHECK(t != NULL, "trimmer started");
    double secs = -1;
    CHECK(memory_trimmer_count(t, &secs) == 0 && secs == 0,
          "nothing trimmed before it is asked");
    for (int i = 0; i < 3; i++) {
        memory_trimmer_ask(t);
    }
    unsigned long n = 0;
    for (int64_t t0 = time_mono_ms(); time_mono_ms() - t0 < 5000 && !n;) {
        SDL_Delay(5);
        n = memory_trimmer_count(t, &secs);
    }
    CHECK(n >= 1 && n <= 3 && secs >= 0, "asked three times: %lu trim(s), "
          "%.3f ms", n, secs * 1e3);
    memory_trimmer_destroy(t);
    memory_trimmer_destroy(NULL);
    memory_trimmer_ask(NULL);
}

int
main(void)
{
    test_grid();
    test_fake_vsync();
    test_wait();
    test_trimmer();
    return testlib_done();
}
