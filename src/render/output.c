/*
 * output: SDL2 window + GL ES 3.0 context.  We ask for an ES context so
 * the same code runs on desktop drivers, on EGL without a display (SDL's
 * offscreen driver, used by tests on Mesa's llvmpipe) and on embedded GPUs.
 */
#define LOG_MODULE "output"
#include "render/output.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL2/SDL.h>
#include <GLES3/gl3.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "render/gl.h"

#define OUTPUT_MAX_WINDOWS 16

/* One GL context; one window per output (the first made with the
 * context, the others made current with it in turn: no sharing of
 * objects between contexts is needed). */
struct output {
    enum output_mode mode;
    bool vsync; /* swaps wait for the display */
    SDL_Window *window;  /* windows[0] */
    SDL_GLContext ctx;
    SDL_Window *windows[OUTPUT_MAX_WINDOWS];
    struct rect shows[OUTPUT_MAX_WINDOWS]; /* canvas part; w 0: region */
    int nwindows;
};

#if defined(OPSWALL_SANITIZED)
/*
 * Sanitizer builds only: EGL unloads Mesa's DRI driver at SDL_Quit; the
 * driver's static data, which still points at blocks it keeps for the
 * process's life, is unmapped with it, so LeakSanitizer reports those
 * blocks as leaked from "<unknown module>".  Pinning the loaded drivers
 * (RTLD_NODELETE) keeps them mapped: no false report, and no suppression
 * that could hide a real leak of ours.  Release builds never do this.
 */
static void
pin_gl_drivers(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    if (!maps) {
        return;
    }
    char line[4096];
    while (fgets(line, sizeof(line), maps)) {
        char *path = strchr(line, '/');
        if (!path || !strstr(path, "_dri.so")) {
            continue;
        }
        path[strcspn(path, "\n")] = '\0';
        void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
        if (h) {
            dlclose(h);
        }
    }
    fclose(maps);
}
#else
static void
pin_gl_drivers(void)
{
}
#endif

/* A window on `display`: fullscreen (its whole bounds), a w x h preview,
 * or hidden (offscreen).  NULL, logged, on failure. */
static SDL_Window *
make_window(enum output_mode mode, int display, int w, int h,
            const char *title)
{
    Uint32 flags = SDL_WINDOW_OPENGL;
    int x = SDL_WINDOWPOS_CENTERED_DISPLAY(display);
    int y = SDL_WINDOWPOS_CENTERED_DISPLAY(display);
    if (mode == OUTPUT_FULLSCREEN) {
        SDL_Rect b;
        if (SDL_GetDisplayBounds(display, &b) != 0) {
            LOG_ERR("display %d: %s", display, SDL_GetError());
            return NULL;
        }
        x = b.x;
        y = b.y;
        w = b.w;
        h = b.h;
        flags |= SDL_WINDOW_FULLSCREEN_DESKTOP | SDL_WINDOW_BORDERLESS;
    } else if (mode == OUTPUT_OFFSCREEN) {
        flags |= SDL_WINDOW_HIDDEN;
    }
    SDL_Window *win = SDL_CreateWindow(title, x, y, w, h, flags);
    if (!win) {
        LOG_ERR("cannot create window: %s", SDL_GetError());
    }
    return win;
}

struct output *
output_create(enum output_mode mode, int display, int w, int h,
              const char *title)
{
    if (mode == OUTPUT_OFFSCREEN) {
        SDL_SetHint(SDL_HINT_VIDEODRIVER, "offscreen");
    }
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        LOG_ERR("cannot start SDL video: %s%s", SDL_GetError(),
                mode == OUTPUT_OFFSCREEN ? "" : " (no display? try "
                "`opswall render` or --offscreen)");
        return NULL;
    }
    struct output *out = xcalloc(1, sizeof(*out));
    out->mode = mode;
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_PROFILE_MASK,
                        SDL_GL_CONTEXT_PROFILE_ES);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MAJOR_VERSION, 3);
    SDL_GL_SetAttribute(SDL_GL_CONTEXT_MINOR_VERSION, 0);
    SDL_GL_SetAttribute(SDL_GL_DOUBLEBUFFER, 1);
    out->window = make_window(mode, display, w, h, title);
    if (!out->window) {
        output_destroy(out);
        return NULL;
    }
    out->windows[0] = out->window;
    out->nwindows = 1;
    out->ctx = SDL_GL_CreateContext(out->window);
    if (!out->ctx) {
        LOG_ERR("cannot create an OpenGL ES 3.0 context: %s", SDL_GetError());
        output_destroy(out);
        return NULL;
    }
    pin_gl_drivers();
    /* Vsync paces animation on real outputs; offscreen has none. */
    if (mode != OUTPUT_OFFSCREEN) {
        out->vsync = SDL_GL_SetSwapInterval(1) == 0;
        if (!out->vsync) {
            LOG_WARN("no vsync (%s): pacing frames by timer", SDL_GetError());
        }
    }
    if (mode == OUTPUT_FULLSCREEN) {
        SDL_ShowCursor(SDL_DISABLE);
    }
    LOG_INFO("%s, %s (%s driver)", (const char *)glGetString(GL_VERSION),
             (const char *)glGetString(GL_RENDERER),
             SDL_GetCurrentVideoDriver());
    return out;
}

void
output_destroy(struct output *out)
{
    if (!out) {
        return;
    }
    if (out->ctx) {
        SDL_GL_DeleteContext(out->ctx);
    }
    for (int i = out->nwindows - 1; i >= 0; i--) {
        SDL_DestroyWindow(out->windows[i]);
    }
    if (out->window && out->nwindows == 0) {
        SDL_DestroyWindow(out->window);
    }
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(out);
}

bool
output_is_offscreen(const struct output *out)
{
    return out->mode == OUTPUT_OFFSCREEN;
}

bool
output_has_vsync(const struct output *out)
{
    return out->vsync;
}

/* The displays a canvas rectangle touches: [c0, c1] x [r0, r1]. */
static void
displays_of(const struct layout_wall *lw, struct rect part, int *c0, int *r0,
            int *c1, int *r1)
{
    int sx = lw->width + lw->mullion_x, sy = lw->height + lw->mullion_y;
    *c0 = part.x / sx;
    *r0 = part.y / sy;
    *c1 = (part.x + part.w - 1) / sx;
    *r1 = (part.y + part.h - 1) / sy;
    *c1 = *c1 >= lw->columns ? lw->columns - 1 : *c1;
    *r1 = *r1 >= lw->rows ? lw->rows - 1 : *r1;
}

void
output_window_size(const struct layout *layout, struct rect part,
                   double scale, int *w, int *h)
{
    const struct layout_wall *lw = &layout->wall;
    int c0, r0, c1, r1;
    displays_of(lw, part, &c0, &r0, &c1, &r1);
    *w = (int)lround((c1 - c0 + 1) * lw->width * scale);
    *h = (int)lround((r1 - r0 + 1) * lw->height * scale);
}

/* The displays of the canvas rectangle `part` into the current window. */
static void
blit_part(SDL_Window *win, const struct wall *wall,
          const struct layout *layout, double scale, struct rect part)
{
    int ww, wh;
    SDL_GL_GetDrawableSize(win, &ww, &wh);
    const struct layout_wall *lw = &layout->wall;
    struct rect reg = wall_region(wall);
    int sx_step = lw->width + lw->mullion_x, sy_step = lw->height + lw->mullion_y;
    int c0, r0, c1, r1;
    displays_of(lw, part, &c0, &r0, &c1, &r1);
    /* The window shows those displays edge to edge; fit it if its size
     * differs (a preview window, a smaller screen). */
    double out_w = (c1 - c0 + 1) * lw->width * scale;
    double out_h = (r1 - r0 + 1) * lw->height * scale;
    double fit = (double)ww / out_w < (double)wh / out_h ? (double)ww / out_w
                                                         : (double)wh / out_h;
    int fb_h = wall_height(wall);
    glBindFramebuffer(GL_READ_FRAMEBUFFER, wall_framebuffer(wall));
    glBindFramebuffer(GL_DRAW_FRAMEBUFFER, 0);
    glViewport(0, 0, ww, wh);
    glClearColor(0, 0, 0, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    for (int r = r0; r <= r1; r++) {
        for (int c = c0; c <= c1; c++) {
            /* Source: the display's canvas pixels, relative to the
             * wall's region (the framebuffer). */
            double sx = (c * sx_step - reg.x) * scale;
            double sy = (r * sy_step - reg.y) * scale;
            double sw = lw->width * scale, sh = lw->height * scale;
            double dx = (c - c0) * lw->width * scale * fit;
            double dy = (r - r0) * lw->height * scale * fit;
            double dw = sw * fit, dh = sh * fit;
            int isx0 = (int)(sx + 0.5), isx1 = (int)(sx + sw + 0.5);
            int isy0 = (int)(sy + 0.5), isy1 = (int)(sy + sh + 0.5);
            int idx0 = (int)(dx + 0.5), idx1 = (int)(dx + dw + 0.5);
            int idy0 = (int)(dy + 0.5), idy1 = (int)(dy + dh + 0.5);
            glBlitFramebuffer(isx0, fb_h - isy1, isx1, fb_h - isy0, idx0,
                              wh - idy1, idx1, wh - idy0, GL_COLOR_BUFFER_BIT,
                              fit == 1.0 ? GL_NEAREST : GL_LINEAR);
        }
    }
}

void
output_blit(struct output *out, const struct wall *wall,
            const struct layout *layout, double scale)
{
    for (int i = 0; i < out->nwindows; i++) {
        if (out->nwindows > 1) {
            SDL_GL_MakeCurrent(out->windows[i], out->ctx);
        }
        struct rect part = out->shows[i].w > 0 ? out->shows[i]
                                               : wall_region(wall);
        blit_part(out->windows[i], wall, layout, scale, part);
    }
    gl_check("present");
}

bool
output_add_window(struct output *out, int display, int w, int h,
                  const char *title, struct rect shows)
{
    if (out->nwindows == OUTPUT_MAX_WINDOWS) {
        LOG_ERR("at most %d outputs", OUTPUT_MAX_WINDOWS);
        return false;
    }
    SDL_Window *win = make_window(out->mode, display, w, h, title);
    if (!win) {
        return false;
    }
    if (SDL_GL_MakeCurrent(win, out->ctx) != 0) {
        LOG_ERR("display %d: the GL context cannot draw there: %s", display,
                SDL_GetError());
        SDL_DestroyWindow(win);
        SDL_GL_MakeCurrent(out->window, out->ctx);
        return false;
    }
    /* Swaps wait for the display only on the last window, so one frame
     * costs one refresh, not one per output (the displays of one wall
     * run at the same rate). */
    if (out->mode != OUTPUT_OFFSCREEN) {
        SDL_GL_SetSwapInterval(1);
        SDL_GL_MakeCurrent(out->windows[out->nwindows - 1], out->ctx);
        SDL_GL_SetSwapInterval(0);
    }
    SDL_GL_MakeCurrent(out->window, out->ctx);
    out->windows[out->nwindows] = win;
    out->shows[out->nwindows] = shows;
    out->nwindows++;
    return true;
}

void
output_resize(struct output *out, int w, int h)
{
    if (out->mode != OUTPUT_FULLSCREEN) {
        SDL_SetWindowSize(out->window, w, h);
    }
}

void
output_set_shows(struct output *out, struct rect shows)
{
    out->shows[0] = shows;
}

cairo_surface_t *
output_read_window(struct output *out, int i)
{
    if (i < 0 || i >= out->nwindows) {
        return NULL;
    }
    SDL_GL_MakeCurrent(out->windows[i], out->ctx);
    int w, h;
    SDL_GL_GetDrawableSize(out->windows[i], &w, &h);
    cairo_surface_t *s = gl_read_framebuffer(0, w, h);
    SDL_GL_MakeCurrent(out->window, out->ctx);
    return s;
}

void
output_swap(struct output *out)
{
    for (int i = 0; i < out->nwindows; i++) {
        if (out->nwindows > 1) {
            SDL_GL_MakeCurrent(out->windows[i], out->ctx);
        }
        SDL_GL_SwapWindow(out->windows[i]);
    }
    if (out->nwindows > 1) {
        SDL_GL_MakeCurrent(out->window, out->ctx);
    }
}

void
output_present(struct output *out, const struct wall *wall,
               const struct layout *layout, double scale)
{
    output_blit(out, wall, layout, scale);
    output_swap(out);
}
