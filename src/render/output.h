/*
 * output: the SDL window and its OpenGL ES 3.0 context, and presenting the
 * wall's framebuffer on it.  Presenting maps each physical display's part
 * of the canvas to its place in the window, skipping the pixels hidden
 * behind the mullions (bezel compensation).  Render thread only.
 */
#ifndef OPSWALL_OUTPUT_H
#define OPSWALL_OUTPUT_H

#include <stdbool.h>

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

bool output_is_offscreen(const struct output *out);
/* True when swaps wait for the display's refresh; otherwise the caller
 * must pace animation itself. */
bool output_has_vsync(const struct output *out);

#endif
