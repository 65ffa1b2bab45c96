/*
 * output: the SDL window and its OpenGL ES 3.0 context, and presenting the
 * wall's framebuffer on it.  Presenting maps each physical display's part
 * of the canvas to its place in the window, skipping the pixels hidden
 * behind the mullions (bezel compensation).  Render thread only.
 */
#ifndef OPSWALL_OUTPUT_H
#define OPSWALL_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "layout/layout.h"
#include "render/wall.h"

enum output_mode {
    OUTPUT_OFFSCREEN,  /* SDL's offscreen driver + EGL: no display needed */
    OUTPUT_WINDOW,     /* a scaled preview window */
    OUTPUT_FULLSCREEN, /* borderless fullscreen on one display */
};

struct output;

/* Initialises SDL video and creates the window and context; w x h are the
 * window's pixels (ignored for fullscreen).  NULL, reason logged, on
 * failure. */
struct output *output_create(enum output_mode mode, int display, int w, int h,
                             const char *title);
void output_destroy(struct output *out);

/* The wall's displays (those its region covers) into the window, then the
 * swap; output_present does both.  A cluster rank blits, waits for every
 * rank, then swaps.  scale is the wall's scale. */
void output_blit(struct output *out, const struct wall *wall,
                 const struct layout *layout, double scale);
void output_swap(struct output *out);
void output_present(struct output *out, const struct wall *wall,
                    const struct layout *layout, double scale);

/* Several outputs of one machine: another window (fullscreen on
 * `display`, or w x h) showing the displays of the canvas rectangle
 * `shows`; the same GL context draws every window in turn.  false
 * (logged) if it cannot be made. */
bool output_add_window(struct output *out, int display, int w, int h,
                       const char *title, struct rect shows);
/* The window size that shows the displays of a canvas rectangle. */
void output_window_size(const struct layout *layout, struct rect part,
                        double scale, int *w, int *h);
/* The first window's size (a fullscreen window keeps its display's). */
void output_resize(struct output *out, int w, int h);
/* What the first window shows (default: the whole wall region). */
void output_set_shows(struct output *out, struct rect shows);
/* Window i's pixels as last blitted, before the swap (tests). */
cairo_surface_t *output_read_window(struct output *out, int i);

/* What the presents cost: how many, how many copied every pixel, and
 * the window pixels copied in all (the glass's share of a frame). */
struct output_stats {
    uint64_t presents, full, pixels;
};
struct output_stats output_get_stats(const struct output *out);

bool output_is_offscreen(const struct output *out);
/* True when swaps wait for the display's refresh; otherwise the caller
 * must pace animation itself. */
bool output_has_vsync(const struct output *out);

#endif
